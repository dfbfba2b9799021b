//! `wardflow key …`: the office's signing key (Ed25519, or SM2 in a national database). The secret lives in a file outside the
//! database (by default the database path with `.key` appended, mode 0600), so a copy of the
//! database or of an export carries no power to sign; only the public key is ever printed.
//! The file may be protected by a passphrase (`WARDFLOW_KEY_PASSPHRASE`, else typed at a
//! terminal); `key rotate` always writes a protected one. The public keys of every key the
//! office signed with stay in the database's key ring (`key ring`).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use wardflow_engine::crypto::Profile;
use wardflow_engine::seal::{KeyError, KeyRing, MAX_KEY_FILE_BYTES, OfficeKey, RingKey};

/// The environment variable a key file's passphrase is read from.
pub const PASSPHRASE_ENV: &str = "WARDFLOW_KEY_PASSPHRASE";

use super::{Ctx, print_json};
use crate::failure::{Exit, Failure};
use crate::msg;
use crate::show::local_time;
use crate::table::Table;
use crate::tr;

/// Where the office key file is.
#[derive(Debug, Args)]
pub struct KeyFileArg {
    /// The office's signing key file (default: the database path with `.key` appended).
    #[arg(long, env = "WARDFLOW_KEY_FILE", value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

impl KeyFileArg {
    /// The key file's path.
    pub fn path(&self, ctx: &Ctx) -> PathBuf {
        self.key_file
            .clone()
            .or_else(|| ctx.global.key_file.clone())
            .unwrap_or_else(|| {
                let mut name = ctx.global.db.clone().into_os_string();
                name.push(".key");
                PathBuf::from(name)
            })
    }
}

/// Key subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Print the office's public key and its fingerprint (never the secret).
    Show(KeyFileArg),
    /// Make the office key, for a database created before keys existed.
    Init(KeyFileArg),
    /// Replace the office signing key with a new one (administrators): the old public key
    /// stays in the key ring so that earlier exports still verify; the new key file is
    /// protected by a passphrase; the rotation is recorded in the access log.
    Rotate(KeyFileArg),
    /// List every office public key in the key ring: number, fingerprint, when in force.
    Ring(KeyFileArg),
    /// Make a key pair for opening encrypted backups and exports: the secret into FILE
    /// (readable by its owner only), the public key printed, to publish as a recipient.
    Identity {
        /// Where to keep the secret key (must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The profile of the databases whose copies it opens: standard (an age X25519 pair)
        /// or national (an SM2 pair); by default the database's profile, else standard.
        #[arg(long, value_enum, value_name = "PROFILE")]
        crypto: Option<super::init::CryptoArg>,
    },
}

/// The passphrase from the environment, if one is set.
fn env_passphrase() -> Option<String> {
    std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty())
}

/// The passphrase of an existing protected key file: the environment's, else typed at a
/// terminal.
fn passphrase_to_open(ctx: &Ctx, path: &Path) -> Result<Option<String>, Failure> {
    if let Some(p) = env_passphrase() {
        return Ok(Some(p));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let prompt = tr!(
        ctx.tr,
        "key-passphrase-prompt",
        path = path.display().to_string()
    );
    let typed = rpassword::prompt_password(format!("{prompt} ")).map_err(|e| {
        Failure::said(
            Exit::BadInput,
            msg!("cannot-read", path = "/dev/tty", detail = e.to_string()),
        )
    })?;
    Ok(Some(typed))
}

/// The passphrase for a new key file: the environment's, else typed twice at a terminal.
fn passphrase_for_new(ctx: &Ctx, path: &Path) -> Result<String, Failure> {
    if let Some(p) = env_passphrase() {
        return Ok(p);
    }
    let shown = path.display().to_string();
    if !std::io::stdin().is_terminal() {
        return Err(Failure::key(KeyError::NeedsPassphrase, shown));
    }
    let io = |e: std::io::Error| {
        Failure::said(
            Exit::BadInput,
            msg!("cannot-read", path = "/dev/tty", detail = e.to_string()),
        )
    };
    let first = rpassword::prompt_password(format!(
        "{} ",
        tr!(ctx.tr, "key-new-passphrase-prompt", path = shown.clone())
    ))
    .map_err(io)?;
    let second = rpassword::prompt_password(format!("{} ", tr!(ctx.tr, "key-passphrase-again")))
        .map_err(io)?;
    if first != second {
        return Err(Failure::said(
            Exit::BadInput,
            msg!("key-passphrases-differ"),
        ));
    }
    if first.is_empty() {
        return Err(Failure::key(KeyError::EmptyPassphrase, shown));
    }
    Ok(first)
}

/// Reads the office key, asking for its passphrase if it is protected; a missing file says
/// how to make one.
pub fn load_with(ctx: &Ctx, path: &Path) -> Result<OfficeKey, Failure> {
    let text = read_key_file(path)?;
    let passphrase = if OfficeKey::is_protected(&text) {
        passphrase_to_open(ctx, path)?
    } else {
        None
    };
    OfficeKey::open_file_text(&text, passphrase.as_deref())
        .map_err(|e| Failure::key(e, path.display().to_string()))
}

/// The key file's text (bounded); a missing file says how to make one.
fn read_key_file(path: &Path) -> Result<String, Failure> {
    let file = std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Failure::said(
                Exit::BadInput,
                msg!("key-missing", path = path.display().to_string()),
            )
        } else {
            Failure::cannot_read(path, e.to_string())
        }
    })?;
    let mut text = String::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|_| Failure::key(KeyError::NotAKeyFile, path.display().to_string()))?;
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(Failure::key(
            KeyError::NotAKeyFile,
            path.display().to_string(),
        ));
    }
    Ok(text)
}

/// Makes a new key file of `crypto`'s algorithm that only its owner can read, protected when a
/// passphrase is set in the environment; never overwrites one.
pub fn make(path: &Path, crypto: Profile) -> Result<OfficeKey, Failure> {
    let key = new_key(crypto)?;
    let text = match env_passphrase() {
        Some(p) => key
            .to_protected_text(&p)
            .map_err(|e| Failure::key(e, path.display().to_string()))?,
        None => key.to_file_text(),
    };
    write_new(path, &text)?;
    Ok(key)
}

/// A new key of `crypto`'s algorithm from the operating system's random source (an SM2 secret
/// out of range, vanishingly rare, is drawn again).
fn new_key(crypto: Profile) -> Result<OfficeKey, Failure> {
    loop {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(Failure::bug)?;
        if let Some(key) = OfficeKey::generate(crypto, seed) {
            return Ok(key);
        }
    }
}

/// Refuses a key of another algorithm than the database's profile signs with.
fn of_profile(key: OfficeKey, crypto: Profile, path: &Path) -> Result<OfficeKey, Failure> {
    if key.crypto() != crypto {
        return Err(Failure::key(
            KeyError::WrongAlgorithm {
                expected: crypto.signature_algorithm(),
                found: key.algorithm(),
            },
            path.display().to_string(),
        ));
    }
    Ok(key)
}

/// Writes a new file readable by its owner only, durably; never over an existing one.
fn write_new(path: &Path, text: &str) -> Result<(), Failure> {
    let shown = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::said(Exit::BadInput, msg!("key-exists", path = shown.clone()))
        } else {
            Failure::said(
                Exit::Storage,
                msg!("cannot-write", path = shown.clone(), detail = e.to_string()),
            )
        }
    })?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(Failure::said(
            Exit::Storage,
            msg!("cannot-write", path = shown, detail = e.to_string()),
        ));
    }
    Ok(())
}

/// The office key at `path`, made (of `crypto`'s algorithm) if there is none yet; true when
/// it was made now. An existing key of another algorithm is refused.
pub fn ensure(ctx: &Ctx, path: &Path, crypto: Profile) -> Result<(OfficeKey, bool), Failure> {
    if path.exists() {
        let key = load_with(ctx, path)?;
        return of_profile(key, crypto, path).map(|k| (k, false));
    }
    make(path, crypto).map(|k| (k, true))
}

/// The office key's public facts: `key show --json` and `GET /api/v1/key`.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PublicKey {
    /// The key file (on the server, for `GET /api/v1/key`).
    pub file: String,
    pub public_key: String,
    pub fingerprint: String,
    /// The signature algorithm: `ed25519`, or `sm2` for a national database's key.
    #[serde(default = "ed25519")]
    pub algorithm: String,
}

fn ed25519() -> String {
    wardflow_engine::seal::ED25519.to_owned()
}

impl PublicKey {
    /// The public facts of `key`, kept at `path`.
    pub fn of(key: &OfficeKey, path: &Path) -> PublicKey {
        let public = key.public();
        PublicKey {
            file: path.display().to_string(),
            public_key: public.hex(),
            fingerprint: public.fingerprint(),
            algorithm: public.algorithm().to_owned(),
        }
    }
}

/// The key's public facts as JSON.
pub fn public_json(key: &OfficeKey, path: &Path) -> serde_json::Value {
    serde_json::to_value(PublicKey::of(key, path)).unwrap_or_default()
}

fn print(ctx: &Ctx, key: &OfficeKey, path: &Path) -> Result<(), Failure> {
    print_public(ctx, &PublicKey::of(key, path))
}

fn print_public(ctx: &Ctx, shown: &PublicKey) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, shown);
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "key-show",
            public = shown.public_key.clone(),
            fingerprint = shown.fingerprint.clone(),
            path = shown.file.clone()
        )
    );
    println!(
        "    {}",
        tr!(
            ctx.tr,
            "national-key-algorithm",
            algorithm = shown.algorithm.clone()
        )
    );
    Ok(())
}

/// Runs a key subcommand.
pub fn run(ctx: &Ctx, cmd: KeyCommand) -> Result<(), Failure> {
    match cmd {
        KeyCommand::Show(arg) => {
            // With --server (and no local --key-file): the key of the server's office.
            if arg.key_file.is_none()
                && let Some(remote) = ctx.remote()?
            {
                let shown: PublicKey = remote.get("/api/v1/key", &[])?;
                return print_public(ctx, &shown);
            }
            let path = arg.path(ctx);
            let key = load_with(ctx, &path)?;
            print(ctx, &key, &path)
        }
        KeyCommand::Rotate(arg) => rotate(ctx, &arg.path(ctx)),
        KeyCommand::Ring(arg) => ring(ctx, &arg.path(ctx)),
        KeyCommand::Identity { out, crypto } => {
            let crypto = match crypto {
                Some(c) => c.into(),
                // The database's profile when there is one to ask; a holder of copies may
                // have none.
                None if ctx.global.db.exists() => ctx.office_for_read()?.crypto(),
                None => wardflow_engine::crypto::Profile::Standard,
            };
            identity(ctx, &out, crypto)
        }
        KeyCommand::Init(arg) => {
            let path = arg.path(ctx);
            // The key's algorithm is the database's profile's.
            let crypto = ctx.office_for_read()?.crypto();
            let key = make(&path, crypto)?;
            if !ctx.global.json {
                println!(
                    "{}",
                    tr!(ctx.tr, "key-made", path = path.display().to_string())
                );
            }
            print(ctx, &key, &path)
        }
    }
}

/// `key identity`: a new key pair for a holder of copies (age, or SM2 for a national
/// database's). The secret never passes through the database; only its owner can read the file.
fn identity(
    ctx: &Ctx,
    out: &Path,
    crypto: wardflow_engine::crypto::Profile,
) -> Result<(), Failure> {
    let now = jiff::Timestamp::now();
    let (text, public) = wardflow_engine::protect::copies::new_identity(crypto, now);
    let shown = out.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(out).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::said(Exit::BadInput, msg!("ops-out-exists", path = shown.clone()))
        } else {
            Failure::said(
                Exit::Storage,
                msg!("cannot-write", path = shown.clone(), detail = e.to_string()),
            )
        }
    })?;
    if let Err(e) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        drop(file);
        let _ = std::fs::remove_file(out);
        return Err(Failure::said(
            Exit::Storage,
            msg!("cannot-write", path = shown, detail = e.to_string()),
        ));
    }
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({"file": shown, "public_key": public, "crypto": crypto.key()}),
        );
    }
    println!(
        "{}",
        tr!(ctx.tr, "key-identity-made", path = shown, public = public)
    );
    Ok(())
}

/// `key rotate`: the old key is opened (a wrong passphrase stops here, nothing changed), a new
/// key is written beside it as `<file>.new` under a passphrase, the database records the
/// rotation (key ring and access log; an administrator only), and only then does the new file
/// replace the old one, whose secret is gone. A failure before the database records it
/// removes the new file; the old key stays in force.
fn rotate(ctx: &Ctx, path: &Path) -> Result<(), Failure> {
    let old = load_with(ctx, path)?;
    let caller = ctx.caller(None)?;
    let office = ctx.office_for_write()?;
    let crypto = office.crypto();
    let old = of_profile(old, crypto, path)?;
    let passphrase = passphrase_for_new(ctx, path)?;
    let new = new_key(crypto)?;
    let text = new
        .to_protected_text(&passphrase)
        .map_err(|e| Failure::key(e, path.display().to_string()))?;
    let mut pending = path.as_os_str().to_owned();
    pending.push(".new");
    let pending = PathBuf::from(pending);
    write_new(&pending, &text)?;
    let rotation = match office.rotate_key(&caller, &old.public(), &new.public()) {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&pending);
            return Err(e.into());
        }
    };
    std::fs::rename(&pending, path).map_err(|e| {
        Failure::said(
            Exit::Storage,
            msg!(
                "key-rotate-not-moved",
                new = pending.display().to_string(),
                path = path.display().to_string(),
                detail = e.to_string()
            ),
        )
    })?;
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "file": path.display().to_string(),
                "retired": rotation.retired,
                "current": rotation.current,
            }),
        );
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "key-rotated",
            old_id = rotation.retired.id,
            old = rotation.retired.fingerprint.clone(),
            new_id = rotation.current.id,
            new = rotation.current.fingerprint.clone(),
            path = path.display().to_string()
        )
    );
    Ok(())
}

/// `key ring`: every public key the office signed with (any registered user). A database that
/// never rotated has one, the key file's, which is then read for its public half.
/// The office's key ring: the server's with `--server`, else this database's (or, never
/// rotated, the key file's key alone).
fn ring_keys(ctx: &Ctx, path: &Path) -> Result<Vec<RingKey>, Failure> {
    if let Some(remote) = ctx.remote()? {
        return remote.get("/api/v1/key/ring", &[]);
    }
    let caller = ctx.caller(None)?;
    let office = ctx.office_for_read()?;
    Ok(match office.key_ring(&caller, None)? {
        Some(ring) => ring.keys,
        None => KeyRing::first(&load_with(ctx, path)?.public()).keys,
    })
}

fn ring(ctx: &Ctx, path: &Path) -> Result<(), Failure> {
    let ring = KeyRing {
        keys: ring_keys(ctx, path)?,
    };
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::to_value(&ring.keys).map_err(Failure::bug)?,
        );
    }
    let mut table = Table::new(
        &ctx.tr,
        &[
            "key-ring-id",
            "key-ring-fingerprint",
            "key-ring-from",
            "key-ring-until",
            "key-ring-public",
        ],
    );
    for k in &ring.keys {
        table.row(vec![
            k.id.to_string(),
            k.fingerprint.clone(),
            k.valid_from
                .map(local_time)
                .unwrap_or_else(|| "-".to_owned()),
            k.valid_until
                .map(local_time)
                .unwrap_or_else(|| tr!(ctx.tr, "key-ring-in-force")),
            k.public_key.clone(),
        ]);
    }
    table.print();
    Ok(())
}
