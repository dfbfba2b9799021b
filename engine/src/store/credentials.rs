//! The credentials file: password hashes, token hashes and failed sign-ins, kept apart from
//! case data in their own redb file beside the database (`<db>.credentials`, created 0600),
//! so the case store's format does not change and a copy of the case data carries no secret.
//!
//! It stores no secret: a password only as its argon2id PHC string, a token only as the
//! SHA-256 of its 256 random bits. The rules (who may set what, back-off, expiry) are the
//! application layer's ([`crate::app::accounts`]).

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use super::{StoreError, corrupt, storage};

/// user name → argon2id PHC string.
const PASSWORDS: TableDefinition<&str, &str> = TableDefinition::new("passwords");
/// SHA-256 of the token (hex) → [`TokenRecord`] (JSON).
const TOKENS: TableDefinition<&str, &[u8]> = TableDefinition::new("tokens");
/// user name → [`Failures`] (JSON).
const FAILURES: TableDefinition<&str, &[u8]> = TableDefinition::new("failures");
/// name → value: the hashing parameters new passwords get.
const SETTINGS: TableDefinition<&str, &str> = TableDefinition::new("settings");

/// The setting naming the argon2id parameters (`m=KiB,t=passes,p=lanes`).
pub const ARGON2_SETTING: &str = "argon2";

/// The credentials file of the database at `db`.
pub fn credentials_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".credentials");
    PathBuf::from(name)
}

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A person's sign-in (`POST /api/v1/sessions`, `wardflow login`).
    Session,
    /// A system's token (`wardflow token create`).
    Api,
}

impl TokenKind {
    pub fn key(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
        }
    }
}

/// A token as stored: everything but the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// A short public name for the token (listing, revoking, the audit log).
    pub id: String,
    pub user: String,
    pub kind: TokenKind,
    pub label: Option<String>,
    pub created_at: Timestamp,
    pub created_by: String,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<String>,
}

/// Failed sign-ins of one account since its last success (or unlock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failures {
    pub count: u32,
    pub last: Timestamp,
}

/// Where passwords, tokens and failed sign-ins are kept: the credentials file beside a redb
/// database ([`CredentialStore`]), or tables of the PostgreSQL database
/// (`crate::pg::PgCredentials`). Each call is its own transaction.
pub trait Credentials: Send + Sync {
    /// A setting.
    fn setting(&self, name: &str) -> Result<Option<String>, StoreError>;
    /// The PHC string of `user`'s password, if they have one.
    fn password(&self, user: &str) -> Result<Option<String>, StoreError>;
    /// Sets `user`'s password hash and clears their failed sign-ins; with `revoke_sessions`,
    /// every sign-in token of theirs is revoked at `now` in the same transaction.
    fn set_password(
        &self,
        user: &str,
        phc: &str,
        revoke_sessions: Option<(Timestamp, &str)>,
    ) -> Result<Vec<String>, StoreError>;
    /// The failed sign-ins of `user` since their last success.
    fn failures(&self, user: &str) -> Result<Option<Failures>, StoreError>;
    /// Counts one more failed sign-in of `user` at `at`.
    fn note_failure(&self, user: &str, at: Timestamp) -> Result<Failures, StoreError>;
    /// Forgets `user`'s failed sign-ins; whether there were any.
    fn clear_failures(&self, user: &str) -> Result<bool, StoreError>;
    /// Stores a new token under its hash.
    fn add_token(&self, hash: &str, record: &TokenRecord) -> Result<(), StoreError>;
    /// The token stored under `hash`.
    fn token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError>;
    /// Every token, oldest first.
    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;
    /// Revokes the token `which` at `now` if `allowed` lets the caller; the record as it was
    /// before and whether it was allowed, None when there is no such token.
    fn revoke(
        &self,
        which: TokenRef<'_>,
        now: Timestamp,
        by: &str,
        allowed: &dyn Fn(&TokenRecord) -> bool,
    ) -> Result<Option<(TokenRecord, bool)>, StoreError>;
    /// Everything an encrypted backup carries, from one read (a database whose backups are
    /// made by other tools, as PostgreSQL's are, has no such copy).
    fn copy(&self) -> Result<CredentialsCopy, StoreError> {
        Err(StoreError::Unsupported("a copy of the credentials"))
    }
}

impl Credentials for CredentialStore {
    fn copy(&self) -> Result<CredentialsCopy, StoreError> {
        CredentialStore::copy(self)
    }
    fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        CredentialStore::setting(self, name)
    }
    fn password(&self, user: &str) -> Result<Option<String>, StoreError> {
        CredentialStore::password(self, user)
    }
    fn set_password(
        &self,
        user: &str,
        phc: &str,
        revoke_sessions: Option<(Timestamp, &str)>,
    ) -> Result<Vec<String>, StoreError> {
        CredentialStore::set_password(self, user, phc, revoke_sessions)
    }
    fn failures(&self, user: &str) -> Result<Option<Failures>, StoreError> {
        CredentialStore::failures(self, user)
    }
    fn note_failure(&self, user: &str, at: Timestamp) -> Result<Failures, StoreError> {
        CredentialStore::note_failure(self, user, at)
    }
    fn clear_failures(&self, user: &str) -> Result<bool, StoreError> {
        CredentialStore::clear_failures(self, user)
    }
    fn add_token(&self, hash: &str, record: &TokenRecord) -> Result<(), StoreError> {
        CredentialStore::add_token(self, hash, record)
    }
    fn token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        CredentialStore::token(self, hash)
    }
    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        CredentialStore::tokens(self)
    }
    fn revoke(
        &self,
        which: TokenRef<'_>,
        now: Timestamp,
        by: &str,
        allowed: &dyn Fn(&TokenRecord) -> bool,
    ) -> Result<Option<(TokenRecord, bool)>, StoreError> {
        CredentialStore::revoke(self, which, now, by, allowed)
    }
}

/// The open credentials file.
pub struct CredentialStore {
    db: Database,
    path: PathBuf,
}

/// What an encrypted backup carries of the credentials (issue 19): the password and token
/// hashes and the settings, never a secret and never the failed sign-ins (a restored office
/// starts without back-off).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsCopy {
    pub passwords: std::collections::BTreeMap<String, String>,
    pub tokens: std::collections::BTreeMap<String, TokenRecord>,
    pub settings: std::collections::BTreeMap<String, String>,
}

/// The file beside a backup at `backup` that carries its credentials (sealed).
pub fn backup_credentials_path(backup: &Path) -> PathBuf {
    credentials_path(backup)
}

impl CredentialStore {
    /// Opens the credentials file beside the database at `db`, creating it (0600, the owner
    /// only, whatever the database's mode) with `argon2` as the parameters new passwords get.
    pub fn open(db: &Path, argon2: &str) -> Result<CredentialStore, StoreError> {
        let path = credentials_path(db);
        let fresh = match std::os::unix::fs::OpenOptionsExt::mode(
            std::fs::OpenOptions::new().write(true).create_new(true),
            0o600,
        )
        .open(&path)
        {
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(StoreError::ReadOnly);
            }
            Err(e) => return Err(StoreError::Storage(e.to_string())),
        };
        let db = match Database::create(&path) {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(StoreError::Busy {
                    waited: std::time::Duration::ZERO,
                });
            }
            Err(e) => {
                if fresh {
                    let _ = std::fs::remove_file(&path);
                }
                return Err(storage(e));
            }
        };
        let tx = db.begin_write().map_err(storage)?;
        {
            tx.open_table(PASSWORDS).map_err(storage)?;
            tx.open_table(TOKENS).map_err(storage)?;
            tx.open_table(FAILURES).map_err(storage)?;
            let mut settings = tx.open_table(SETTINGS).map_err(storage)?;
            if settings.get(ARGON2_SETTING).map_err(storage)?.is_none() {
                settings.insert(ARGON2_SETTING, argon2).map_err(storage)?;
            }
        }
        tx.commit().map_err(storage)?;
        Ok(CredentialStore { db, path })
    }

    /// Everything a backup carries, from one read transaction.
    pub fn copy(&self) -> Result<CredentialsCopy, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let mut copy = CredentialsCopy::default();
        for row in tx
            .open_table(PASSWORDS)
            .map_err(storage)?
            .iter()
            .map_err(storage)?
        {
            let (k, v) = row.map_err(storage)?;
            copy.passwords
                .insert(k.value().to_owned(), v.value().to_owned());
        }
        for row in tx
            .open_table(TOKENS)
            .map_err(storage)?
            .iter()
            .map_err(storage)?
        {
            let (k, v) = row.map_err(storage)?;
            let record: TokenRecord = serde_json::from_slice(v.value()).map_err(corrupt)?;
            copy.tokens.insert(k.value().to_owned(), record);
        }
        for row in tx
            .open_table(SETTINGS)
            .map_err(storage)?
            .iter()
            .map_err(storage)?
        {
            let (k, v) = row.map_err(storage)?;
            copy.settings
                .insert(k.value().to_owned(), v.value().to_owned());
        }
        Ok(copy)
    }

    /// Puts `copy` in place of the credentials of the database at `db`: written whole into a
    /// new file (0600) beside it, then renamed over the old one.
    pub fn restore_copy(db: &Path, copy: &CredentialsCopy) -> Result<(), StoreError> {
        let mut scratch = db.as_os_str().to_owned();
        scratch.push(".restoring");
        let scratch = PathBuf::from(scratch);
        let scratch_file = credentials_path(&scratch);
        let _ = std::fs::remove_file(&scratch_file);
        let argon2 = copy
            .settings
            .get(ARGON2_SETTING)
            .map_or("m=19456,t=2,p=1", String::as_str);
        let store = CredentialStore::open(&scratch, argon2)?;
        let tx = store.db.begin_write().map_err(storage)?;
        {
            let mut passwords = tx.open_table(PASSWORDS).map_err(storage)?;
            for (user, phc) in &copy.passwords {
                passwords
                    .insert(user.as_str(), phc.as_str())
                    .map_err(storage)?;
            }
            let mut tokens = tx.open_table(TOKENS).map_err(storage)?;
            for (hash, record) in &copy.tokens {
                let json = serde_json::to_vec(record).map_err(corrupt)?;
                tokens
                    .insert(hash.as_str(), json.as_slice())
                    .map_err(storage)?;
            }
            let mut settings = tx.open_table(SETTINGS).map_err(storage)?;
            for (name, value) in &copy.settings {
                settings
                    .insert(name.as_str(), value.as_str())
                    .map_err(storage)?;
            }
        }
        tx.commit().map_err(storage)?;
        drop(store);
        std::fs::rename(&scratch_file, credentials_path(db))
            .map_err(|e| StoreError::Storage(e.to_string()))
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A setting.
    pub fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = tx.open_table(SETTINGS).map_err(storage)?;
        Ok(table
            .get(name)
            .map_err(storage)?
            .map(|v| v.value().to_owned()))
    }

    /// The PHC string of `user`'s password, if they have one.
    pub fn password(&self, user: &str) -> Result<Option<String>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = tx.open_table(PASSWORDS).map_err(storage)?;
        Ok(table
            .get(user)
            .map_err(storage)?
            .map(|v| v.value().to_owned()))
    }

    /// Sets `user`'s password hash and clears their failed sign-ins; with `revoke_sessions`,
    /// every sign-in token of theirs is revoked at `now` in the same transaction.
    pub fn set_password(
        &self,
        user: &str,
        phc: &str,
        revoke_sessions: Option<(Timestamp, &str)>,
    ) -> Result<Vec<String>, StoreError> {
        let tx = self.db.begin_write().map_err(storage)?;
        let mut revoked = Vec::new();
        {
            tx.open_table(PASSWORDS)
                .map_err(storage)?
                .insert(user, phc)
                .map_err(storage)?;
            tx.open_table(FAILURES)
                .map_err(storage)?
                .remove(user)
                .map_err(storage)?;
            if let Some((now, by)) = revoke_sessions {
                let mut tokens = tx.open_table(TOKENS).map_err(storage)?;
                let mut changed = Vec::new();
                for row in tokens.iter().map_err(storage)? {
                    let (key, value) = row.map_err(storage)?;
                    let mut record: TokenRecord =
                        serde_json::from_slice(value.value()).map_err(corrupt)?;
                    if record.user == user
                        && record.kind == TokenKind::Session
                        && record.revoked_at.is_none()
                    {
                        record.revoked_at = Some(now);
                        record.revoked_by = Some(by.to_owned());
                        changed.push((key.value().to_owned(), record));
                    }
                }
                for (key, record) in changed {
                    let bytes = serde_json::to_vec(&record).map_err(corrupt)?;
                    tokens
                        .insert(key.as_str(), bytes.as_slice())
                        .map_err(storage)?;
                    revoked.push(record.id);
                }
            }
        }
        tx.commit().map_err(storage)?;
        Ok(revoked)
    }

    /// The failed sign-ins of `user` since their last success.
    pub fn failures(&self, user: &str) -> Result<Option<Failures>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = tx.open_table(FAILURES).map_err(storage)?;
        match table.get(user).map_err(storage)? {
            Some(v) => Ok(Some(serde_json::from_slice(v.value()).map_err(corrupt)?)),
            None => Ok(None),
        }
    }

    /// Counts one more failed sign-in of `user` at `at`.
    pub fn note_failure(&self, user: &str, at: Timestamp) -> Result<Failures, StoreError> {
        let tx = self.db.begin_write().map_err(storage)?;
        let failures;
        {
            let mut table = tx.open_table(FAILURES).map_err(storage)?;
            let count = match table.get(user).map_err(storage)? {
                Some(v) => {
                    serde_json::from_slice::<Failures>(v.value())
                        .map_err(corrupt)?
                        .count
                }
                None => 0,
            };
            failures = Failures {
                count: count.saturating_add(1),
                last: at,
            };
            let bytes = serde_json::to_vec(&failures).map_err(corrupt)?;
            table.insert(user, bytes.as_slice()).map_err(storage)?;
        }
        tx.commit().map_err(storage)?;
        Ok(failures)
    }

    /// Forgets `user`'s failed sign-ins (a success, or an administrator's unlock); whether
    /// there were any.
    pub fn clear_failures(&self, user: &str) -> Result<bool, StoreError> {
        let tx = self.db.begin_write().map_err(storage)?;
        let had = tx
            .open_table(FAILURES)
            .map_err(storage)?
            .remove(user)
            .map_err(storage)?
            .is_some();
        tx.commit().map_err(storage)?;
        Ok(had)
    }

    /// Stores a new token under its hash.
    pub fn add_token(&self, hash: &str, record: &TokenRecord) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(record).map_err(corrupt)?;
        let tx = self.db.begin_write().map_err(storage)?;
        tx.open_table(TOKENS)
            .map_err(storage)?
            .insert(hash, bytes.as_slice())
            .map_err(storage)?;
        tx.commit().map_err(storage)?;
        Ok(())
    }

    /// The token stored under `hash`.
    pub fn token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = tx.open_table(TOKENS).map_err(storage)?;
        match table.get(hash).map_err(storage)? {
            Some(v) => Ok(Some(serde_json::from_slice(v.value()).map_err(corrupt)?)),
            None => Ok(None),
        }
    }

    /// Every token, oldest first.
    pub fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = tx.open_table(TOKENS).map_err(storage)?;
        let mut out = Vec::new();
        for row in table.iter().map_err(storage)? {
            let (_, value) = row.map_err(storage)?;
            out.push(serde_json::from_slice::<TokenRecord>(value.value()).map_err(corrupt)?);
        }
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    /// Revokes the token `id` (or the one stored under `hash`) at `now` if `allowed` lets
    /// the caller; the record as it was before, None when there is no such token.
    pub fn revoke(
        &self,
        which: TokenRef<'_>,
        now: Timestamp,
        by: &str,
        allowed: impl FnOnce(&TokenRecord) -> bool,
    ) -> Result<Option<(TokenRecord, bool)>, StoreError> {
        let tx = self.db.begin_write().map_err(storage)?;
        let found;
        {
            let mut table = tx.open_table(TOKENS).map_err(storage)?;
            let mut hit: Option<(String, TokenRecord)> = None;
            match which {
                TokenRef::Hash(hash) => {
                    if let Some(v) = table.get(hash).map_err(storage)? {
                        hit = Some((
                            hash.to_owned(),
                            serde_json::from_slice(v.value()).map_err(corrupt)?,
                        ));
                    }
                }
                TokenRef::Id(id) => {
                    for row in table.iter().map_err(storage)? {
                        let (key, value) = row.map_err(storage)?;
                        let record: TokenRecord =
                            serde_json::from_slice(value.value()).map_err(corrupt)?;
                        if record.id == id {
                            hit = Some((key.value().to_owned(), record));
                            break;
                        }
                    }
                }
            }
            found = match hit {
                None => None,
                Some((key, record)) => {
                    if !allowed(&record) {
                        Some((record, false))
                    } else {
                        if record.revoked_at.is_none() {
                            let mut revoked = record.clone();
                            revoked.revoked_at = Some(now);
                            revoked.revoked_by = Some(by.to_owned());
                            let bytes = serde_json::to_vec(&revoked).map_err(corrupt)?;
                            table
                                .insert(key.as_str(), bytes.as_slice())
                                .map_err(storage)?;
                        }
                        Some((record, true))
                    }
                }
            };
        }
        tx.commit().map_err(storage)?;
        Ok(found)
    }
}

/// A token named by its public id or by the hash of its secret.
#[derive(Debug, Clone, Copy)]
pub enum TokenRef<'a> {
    Id(&'a str),
    Hash(&'a str),
}
