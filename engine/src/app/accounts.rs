//! Accounts: passwords, sign-in, and the tokens a front end (the server) knows a caller by.
//!
//! Passwords are hashed with argon2id and stored as PHC strings; at most a few hashings run
//! at once, so a flood of sign-ins cannot exhaust memory. Failed sign-ins slow down per
//! account and per source (an exponential back-off, never a lock-out an attacker could use
//! to keep the police out); an administrator can unlock an account. Tokens (sign-in and API)
//! are 256 bits from the operating system's random source, shown once and stored only as
//! their SHA-256, scoped to one user, with an expiry and revocation. Every sign-in, failure,
//! token creation, use and revocation is in the access log; no secret ever is.
//!
//! The credentials live in their own file beside the database
//! ([`crate::store::credentials`]), so the case store's format does not change.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Instant;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use super::backend::Backend;
use super::owner::{WHOLE_DATABASE, registered};
use super::{AppError, Caller, Office, Owner};
use crate::authority;
use crate::store::StoreError;
use crate::store::credentials::{ARGON2_SETTING, Credentials, TokenKind, TokenRecord, TokenRef};

pub use crate::store::credentials::{TokenKind as Kind, TokenRecord as Token};

/// OWASP's argon2id parameters (19 MiB, 2 passes, 1 lane): what a real database's new
/// passwords get.
pub const ARGON2_REAL: &str = "m=19456,t=2,p=1";
/// The cheap parameters a simulation (training, test) database records instead, so a test
/// suite that signs in hundreds of times stays fast. Never used for a real database.
pub const ARGON2_SIMULATION: &str = "m=256,t=1,p=1";

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in bytes (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// How long a sign-in token lasts.
pub const SESSION_DAYS: i64 = 14;
/// The longest life of an API token, in days.
pub const MAX_TOKEN_DAYS: i64 = 3660;
/// The longest label of an API token, in characters.
pub const MAX_LABEL_CHARS: usize = 80;

/// Failed sign-ins of one account before each next one waits (1 s, doubling).
const ACCOUNT_FREE_FAILURES: u32 = 3;
/// Failed sign-ins from one source before each next one waits (1 s, doubling).
const SOURCE_FREE_FAILURES: u32 = 10;
/// The longest wait back-off imposes, in seconds.
const MAX_WAIT_SECS: u64 = 900;
/// Sources remembered at most (the oldest are forgotten first).
const MAX_SOURCES: usize = 10_000;

/// Why an account use case refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// A wrong name or password (which one is not said).
    #[error("wrong user name or password")]
    BadCredentials,
    /// Too many failed sign-ins lately, from this account or this source.
    #[error("too many failed sign-ins; try again in {seconds} s")]
    TooSoon { seconds: u64 },
    /// No token was given, or one this office never issued.
    #[error("no valid token")]
    TokenUnknown,
    #[error("the token {id} has expired")]
    TokenExpired { id: String },
    #[error("the token {id} has been revoked")]
    TokenRevoked { id: String },
    /// `token revoke ID` of a token that does not exist (or is not the caller's).
    #[error("no token {id}")]
    NoSuchToken { id: String },
    #[error("the password is too short (at least {min} characters)")]
    PasswordTooShort { min: usize },
    #[error("the password is too long (at most {max} bytes)")]
    PasswordTooLong { max: usize },
    /// An API token's life outside 1 ..= MAX_TOKEN_DAYS days.
    #[error("a token lasts from 1 to {max} days")]
    BadExpiry { max: i64 },
    #[error("a token's label has at most {max} characters, without control characters")]
    BadLabel { max: usize },
    /// One's own password changed through a server without the current one.
    #[error("changing one's own password needs the current password")]
    OldPasswordNeeded,
}

impl AccountError {
    /// True when the caller is not who they say (HTTP 401 rather than 403).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(
            self,
            AccountError::BadCredentials
                | AccountError::TokenUnknown
                | AccountError::TokenExpired { .. }
                | AccountError::TokenRevoked { .. }
        )
    }
}

/// A token just made: the secret (shown once, never stored) and its record.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: String,
    pub record: TokenRecord,
}

/// Who a valid token stands for.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: String,
    pub token: TokenRecord,
}

/// A counting semaphore over the hashings at once.
struct Gate {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Gate {
    fn new(slots: usize) -> Gate {
        Gate {
            free: Mutex::new(slots.max(1)),
            freed: Condvar::new(),
        }
    }

    fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        {
            let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
            while *free == 0 {
                free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
            }
            *free -= 1;
        }
        let out = work();
        *self.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.freed.notify_one();
        out
    }
}

/// The open credentials with what the process keeps in memory about them.
pub struct Accounts {
    store: Box<dyn Credentials>,
    params: Params,
    gate: Gate,
    /// Failed sign-ins per source (an address), since the process started.
    sources: Mutex<HashMap<String, (u32, Instant)>>,
    /// A hash to verify against when the account has no password, so a wrong name takes
    /// as long as a wrong password.
    dummy: OnceLock<String>,
}

/// Parses `m=KiB,t=passes,p=lanes`.
fn parse_params(text: &str) -> Option<Params> {
    let mut m = None;
    let mut t = None;
    let mut p = None;
    for part in text.split(',') {
        let (k, v) = part.split_once('=')?;
        let v: u32 = v.trim().parse().ok()?;
        match k.trim() {
            "m" => m = Some(v),
            "t" => t = Some(v),
            "p" => p = Some(v),
            _ => return None,
        }
    }
    Params::new(m?, t?, p?, None).ok()
}

/// Lower-case hex: the chain's table-driven writer, since every request's token is hashed and
/// written out this way (a `format!` a byte took 20k instructions a request).
fn hex(bytes: &[u8]) -> String {
    crate::chain::hex(bytes)
}

/// The SHA-256 of a token, in hex: how it is stored and looked up.
fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Back-off: how long to wait after `count` failures, `free` of them without waiting.
fn wait_after(count: u32, free: u32) -> u64 {
    if count < free {
        return 0;
    }
    let doublings = (count - free).min(20);
    (1u64 << doublings).min(MAX_WAIT_SECS)
}

impl Accounts {
    fn open<B: Backend>(backend: &B) -> Result<Accounts, AppError> {
        let default = if backend.simulation() {
            ARGON2_SIMULATION
        } else {
            ARGON2_REAL
        };
        let creds = backend.credentials(default)?;
        let setting = creds.setting(ARGON2_SETTING)?;
        let params = setting
            .as_deref()
            .and_then(parse_params)
            .ok_or_else(|| StoreError::Corrupt(format!("argon2 setting {setting:?}")))?;
        let slots = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        Ok(Accounts {
            store: creds,
            params,
            gate: Gate::new(slots),
            sources: Mutex::new(HashMap::new()),
            dummy: OnceLock::new(),
        })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    fn hash(&self, password: &str) -> Result<String, AppError> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| StoreError::Storage(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Storage(e.to_string()))?;
        self.gate.run(|| {
            self.argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| StoreError::Storage(e.to_string()).into())
        })
    }

    fn verify(&self, password: &str, phc: Option<&str>) -> Result<bool, AppError> {
        let dummy;
        let (phc, real) = match phc {
            Some(phc) => (phc, true),
            None => {
                dummy = match self.dummy.get() {
                    Some(d) => d.clone(),
                    None => {
                        let d = self.hash("not a password of anyone")?;
                        let _ = self.dummy.set(d.clone());
                        d
                    }
                };
                (dummy.as_str(), false)
            }
        };
        let parsed = PasswordHash::new(phc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let ok = self.gate.run(|| {
            self.argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        Ok(ok && real)
    }

    /// The seconds `source` must still wait, from its failures in memory.
    fn source_wait(&self, source: &str) -> u64 {
        let sources = self.sources.lock().unwrap_or_else(|p| p.into_inner());
        match sources.get(source) {
            Some((count, last)) => {
                wait_after(*count, SOURCE_FREE_FAILURES).saturating_sub(last.elapsed().as_secs())
            }
            None => 0,
        }
    }

    fn source_failed(&self, source: &str) {
        let mut sources = self.sources.lock().unwrap_or_else(|p| p.into_inner());
        if sources.len() >= MAX_SOURCES
            && !sources.contains_key(source)
            && let Some(oldest) = sources
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone())
        {
            sources.remove(&oldest);
        }
        let entry = sources
            .entry(source.to_owned())
            .or_insert((0, Instant::now()));
        entry.0 = entry.0.saturating_add(1);
        entry.1 = Instant::now();
    }

    fn source_succeeded(&self, source: &str) {
        self.sources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(source);
    }

    /// The seconds `user` must still wait before another attempt, at `now` (wall clock).
    fn account_wait(&self, user: &str, now: Timestamp) -> Result<u64, AppError> {
        Ok(match self.store.failures(user)? {
            Some(f) => {
                let wait = wait_after(f.count, ACCOUNT_FREE_FAILURES);
                let since = now.duration_since(f.last).as_secs().max(0) as u64;
                wait.saturating_sub(since)
            }
            None => 0,
        })
    }

    fn new_token(
        &self,
        user: &str,
        kind: TokenKind,
        label: Option<String>,
        now: Timestamp,
        days: i64,
        by: &str,
    ) -> Result<NewToken, AppError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| StoreError::Storage(e.to_string()))?;
        let token = format!("wf_{}", hex(&secret));
        let hash = token_hash(&token);
        let expires_at = now
            .checked_add(SignedDuration::from_hours(24 * days))
            .unwrap_or(Timestamp::MAX);
        let record = TokenRecord {
            // Twelve hex digits of the hash: a public name that says nothing of the secret.
            id: hash[..12].to_owned(),
            user: user.to_owned(),
            kind,
            label,
            created_at: now,
            created_by: by.to_owned(),
            expires_at,
            revoked_at: None,
            revoked_by: None,
        };
        self.store.add_token(&hash, &record)?;
        Ok(NewToken { token, record })
    }
}

/// A password's length, checked before it is hashed.
fn check_password(password: &str) -> Result<(), AccountError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountError::PasswordTooLong {
            max: MAX_PASSWORD_BYTES,
        });
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    Ok(())
}

impl<B: Backend> Office<B> {
    /// The credentials file, opened (and made) on first use.
    pub fn accounts(&self) -> Result<Arc<Accounts>, AppError> {
        let mut slot = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(accounts) = slot.as_ref() {
            return Ok(accounts.clone());
        }
        let accounts = Arc::new(Accounts::open(&self.backend)?);
        *slot = Some(accounts.clone());
        Ok(accounts)
    }

    /// What an encrypted backup carries of the credentials (none when the database has no
    /// credentials file yet: nothing is made for a backup).
    pub(super) fn credentials_copy(
        &self,
    ) -> Result<Option<crate::store::credentials::CredentialsCopy>, AppError> {
        if !self.backend.credentials_exist() {
            return Ok(None);
        }
        Ok(Some(self.accounts()?.store.copy()?))
    }

    /// Records an account event in the access log.
    fn account_log(
        &self,
        caller: &Caller,
        now: Timestamp,
        action: &str,
        refusal: Option<&AppError>,
    ) -> Result<(), AppError> {
        self.log(caller, now, WHOLE_DATABASE, action, refusal)
    }

    /// Sets `name`'s password: an administrator for anyone, a user for themselves. Their
    /// failed sign-ins are forgotten; when an administrator resets someone else's password,
    /// that person's sign-in tokens are revoked. Returns the ids of the revoked tokens.
    pub fn set_password(
        &self,
        caller: &Caller,
        name: &str,
        password: &str,
    ) -> Result<Vec<String>, AppError> {
        let now = self.now(caller)?;
        let name = crate::value::clean_name(name);
        let action = format!("user:password {name}");
        let own = crate::value::clean_name(&caller.user) == name;
        let result = if own {
            self.reader(caller).map(|(user, _)| user)
        } else {
            self.authorise(caller, Owner::Administrator, &action)
        };
        let admin = result?;
        if self.backend.users()?.iter().all(|u| u.name != name) {
            return Err(crate::store::RegistryError::UnknownUser(name).into());
        }
        check_password(password)?;
        let accounts = self.accounts()?;
        let phc = accounts.hash(password)?;
        let revoke = (!own).then_some((now, admin.name.as_str()));
        let revoked = accounts.store.set_password(&name, &phc, revoke)?;
        self.account_log(caller, now, &action, None)?;
        Ok(revoked)
    }

    /// Sets `name`'s password for a caller signed in to a server from `source` (an
    /// address). One's own password needs the current one too (`old`), checked as a sign-in
    /// is: a wrong one is refused and logged, and slows the next attempts of the account and
    /// of the source down. An administrator setting someone else's password needs none (as
    /// [`Office::set_password`]).
    pub fn change_password(
        &self,
        caller: &Caller,
        name: &str,
        password: &str,
        old: Option<&str>,
        source: &str,
    ) -> Result<Vec<String>, AppError> {
        let clean = crate::value::clean_name(name);
        if crate::value::clean_name(&caller.user) != clean {
            return self.set_password(caller, name, password);
        }
        let now = self.now(caller)?;
        let wall = Self::wall();
        let accounts = self.accounts()?;
        let action = format!("user:password {clean} from {source}");
        let refuse = |error: AppError| -> Result<Vec<String>, AppError> {
            self.account_log(caller, now, &action, Some(&error))?;
            Err(error)
        };
        // Only a registered, enabled user gets as far as the password check.
        if let Err(e) = self.reader(caller) {
            return refuse(e);
        }
        let Some(old) = old else {
            return refuse(AccountError::OldPasswordNeeded.into());
        };
        let wait = accounts
            .source_wait(source)
            .max(accounts.account_wait(&clean, wall)?);
        if wait > 0 {
            return refuse(AccountError::TooSoon { seconds: wait }.into());
        }
        let phc = if old.len() > MAX_PASSWORD_BYTES {
            None
        } else {
            accounts.store.password(&clean)?
        };
        if !accounts.verify(old, phc.as_deref())? {
            accounts.source_failed(source);
            accounts.store.note_failure(&clean, wall)?;
            return refuse(AccountError::BadCredentials.into());
        }
        accounts.source_succeeded(source);
        self.set_password(caller, name, password)
    }

    /// Forgets `name`'s failed sign-ins (administrators): they may try again at once.
    /// Whether there were any.
    pub fn unlock(&self, caller: &Caller, name: &str) -> Result<bool, AppError> {
        let now = self.now(caller)?;
        let name = crate::value::clean_name(name);
        let action = format!("user:unlock {name}");
        self.authorise(caller, Owner::Administrator, &action)?;
        if self.backend.users()?.iter().all(|u| u.name != name) {
            return Err(crate::store::RegistryError::UnknownUser(name).into());
        }
        let had = self.accounts()?.store.clear_failures(&name)?;
        self.account_log(caller, now, &action, None)?;
        Ok(had)
    }

    /// Signs `caller.user` in with `password` from `source` (an address): a sign-in token on
    /// success. Wrong names and wrong passwords are refused alike; failures slow the next
    /// attempts of the account and of the source down. Every outcome is logged.
    pub fn sign_in(
        &self,
        caller: &Caller,
        password: &str,
        source: &str,
    ) -> Result<NewToken, AppError> {
        let now = self.now(caller)?;
        let wall = Self::wall();
        let name = crate::value::clean_name(&caller.user);
        let accounts = self.accounts()?;
        let refuse = |error: AppError| -> Result<NewToken, AppError> {
            self.account_log(caller, now, &format!("sign-in from {source}"), Some(&error))?;
            Err(error)
        };
        let wait = accounts
            .source_wait(source)
            .max(accounts.account_wait(&name, wall)?);
        if wait > 0 {
            return refuse(AccountError::TooSoon { seconds: wait }.into());
        }
        let phc = if password.len() > MAX_PASSWORD_BYTES {
            None
        } else {
            accounts.store.password(&name)?
        };
        let known = self.backend.users()?.iter().any(|u| u.name == name);
        let ok = accounts.verify(password, phc.as_deref())? && known;
        if !ok {
            accounts.source_failed(source);
            if known {
                accounts.store.note_failure(&name, wall)?;
            }
            return refuse(AccountError::BadCredentials.into());
        }
        // The right password of a disabled user: refused as disabled.
        if let Err(e) = self
            .backend
            .snapshot(|tx: &dyn super::backend::ReadTx| registered(tx, caller))
        {
            return refuse(e);
        }
        accounts.source_succeeded(source);
        accounts.store.clear_failures(&name)?;
        let made = accounts.new_token(&name, TokenKind::Session, None, now, SESSION_DAYS, &name)?;
        self.account_log(
            caller,
            now,
            &format!("sign-in from {source} token {}", made.record.id),
            None,
        )?;
        Ok(made)
    }

    /// The user a token stands for: known, not expired, not revoked, and the user enabled.
    /// Each use is logged (with the token's id, never the token); so is each refusal.
    pub fn authenticate(
        &self,
        token: &str,
        clock: super::ClockSource,
        source: &str,
    ) -> Result<Authenticated, AppError> {
        let accounts = self.accounts()?;
        let hash = token_hash(token);
        let anonymous = Caller {
            user: "-".to_owned(),
            role: None,
            clock,
            reason: None,
        };
        let now = self.now(&anonymous)?;
        let Some(record) = accounts.store.token(&hash)? else {
            let error = AccountError::TokenUnknown.into();
            self.account_log(
                &anonymous,
                now,
                &format!("token:use from {source}"),
                Some(&error),
            )?;
            return Err(error);
        };
        let caller = Caller {
            user: record.user.clone(),
            role: None,
            clock,
            reason: None,
        };
        let action = format!("token:use {} from {source}", record.id);
        let problem = if record.revoked_at.is_some() {
            Some(AccountError::TokenRevoked {
                id: record.id.clone(),
            })
        } else if record.expires_at <= Self::wall().max(now) {
            Some(AccountError::TokenExpired {
                id: record.id.clone(),
            })
        } else {
            None
        };
        if let Some(problem) = problem {
            let error = problem.into();
            self.account_log(&caller, now, &action, Some(&error))?;
            return Err(error);
        }
        if let Err(e) = self
            .backend
            .snapshot(|tx: &dyn super::backend::ReadTx| registered(tx, &caller))
        {
            self.account_log(&caller, now, &action, Some(&e))?;
            return Err(e);
        }
        self.account_log(&caller, now, &action, None)?;
        Ok(Authenticated {
            user: record.user.clone(),
            token: record,
        })
    }

    /// Revokes the token the caller signed in with (sign-out).
    pub fn sign_out(&self, caller: &Caller, token: &str) -> Result<Token, AppError> {
        let now = self.now(caller)?;
        let hash = token_hash(token);
        let found =
            self.accounts()?
                .store
                .revoke(TokenRef::Hash(&hash), now, &caller.user, &|_| true)?;
        match found {
            Some((record, _)) => {
                self.account_log(caller, now, &format!("sign-out token {}", record.id), None)?;
                Ok(record)
            }
            None => Err(AccountError::TokenUnknown.into()),
        }
    }

    /// Makes an API token for `user` (the caller when None; someone else: administrators
    /// only), lasting `days` days. The token is in the result and nowhere else.
    pub fn create_token(
        &self,
        caller: &Caller,
        user: Option<&str>,
        label: Option<&str>,
        days: i64,
    ) -> Result<NewToken, AppError> {
        let now = self.now(caller)?;
        let me = crate::value::clean_name(&caller.user);
        let owner = user.map(crate::value::clean_name).unwrap_or(me.clone());
        let action = format!("token:create for {owner}");
        if owner == me {
            self.reader(caller)?;
        } else {
            self.authorise(caller, Owner::Administrator, &action)?;
            let stored = self.backend.snapshot(|tx| tx.user(&owner))?;
            // A token for a disabled or unknown user would be refused at every use.
            if let Err(d) = authority::enabled(&owner, stored.as_ref()) {
                return Err(AppError::Denied {
                    denied: d,
                    units: Box::new(self.backend.units()?),
                });
            }
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(AccountError::BadExpiry {
                max: MAX_TOKEN_DAYS,
            }
            .into());
        }
        let label = match label {
            Some(l) => {
                if l.chars().count() > MAX_LABEL_CHARS || l.chars().any(char::is_control) {
                    return Err(AccountError::BadLabel {
                        max: MAX_LABEL_CHARS,
                    }
                    .into());
                }
                Some(l.to_owned())
            }
            None => None,
        };
        let made = self
            .accounts()?
            .new_token(&owner, TokenKind::Api, label, now, days, &me)?;
        self.account_log(
            caller,
            now,
            &format!("{action} token {}", made.record.id),
            None,
        )?;
        Ok(made)
    }

    /// The tokens (never their secrets): all of them for an administrator, one's own else.
    pub fn tokens(&self, caller: &Caller) -> Result<Vec<Token>, AppError> {
        let (user, _) = self.reader(caller)?;
        let all = authority::may_administer(&user).is_ok();
        let tokens = self.accounts()?.store.tokens()?;
        Ok(tokens
            .into_iter()
            .filter(|t| all || t.user == user.name)
            .collect())
    }

    /// Revokes the token `id`: one's own, or anyone's for an administrator.
    pub fn revoke_token(&self, caller: &Caller, id: &str) -> Result<Token, AppError> {
        let now = self.now(caller)?;
        let (user, _) = self.reader(caller)?;
        let all = authority::may_administer(&user).is_ok();
        let found = self
            .accounts()?
            .store
            .revoke(TokenRef::Id(id), now, &user.name, &|t| {
                all || t.user == user.name
            })?;
        match found {
            Some((record, true)) => {
                self.account_log(caller, now, &format!("token:revoke {id}"), None)?;
                Ok(record)
            }
            // Someone else's token is as good as no token to a non-administrator.
            _ => Err(AccountError::NoSuchToken {
                id: id.chars().take(40).collect(),
            }
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_is_bounded() {
        assert_eq!(wait_after(2, 3), 0);
        assert_eq!(wait_after(3, 3), 1);
        assert_eq!(wait_after(5, 3), 4);
        assert_eq!(wait_after(1000, 3), MAX_WAIT_SECS);
    }

    #[test]
    fn parameters_parse() {
        let p = parse_params(ARGON2_REAL).expect("real");
        assert_eq!((p.m_cost(), p.t_cost(), p.p_cost()), (19456, 2, 1));
        assert!(parse_params("m=1").is_none());
        assert!(parse_params("m=x,t=1,p=1").is_none());
    }

    #[test]
    fn passwords_are_bounded() {
        assert!(check_password("short").is_err());
        assert!(check_password(&"x".repeat(2000)).is_err());
        assert!(check_password("long enough password").is_ok());
    }
}
