//! `wardflow key …`: the office's Ed25519 signing key. The secret lives in a file outside the
//! database (by default the database path with `.key` appended, mode 0600), so a copy of the
//! database or of an export carries no power to sign; only the public key is ever printed.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use wardflow_engine::seal::OfficeKey;

use super::{Ctx, print_json};
use crate::failure::{Exit, Failure};
use crate::msg;
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
    /// Make a key pair for opening encrypted backups and exports: the secret into FILE
    /// (readable by its owner only), the public key printed, to publish as a recipient.
    Identity {
        /// Where to keep the secret key (must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Reads the office key; a missing file says how to make one.
pub fn load(path: &Path) -> Result<OfficeKey, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Failure::said(
                Exit::BadInput,
                msg!("key-missing", path = path.display().to_string()),
            )
        } else {
            Failure::cannot_read(path, e.to_string())
        }
    })?;
    OfficeKey::from_file_text(&text).map_err(|e| Failure::key(e, path.display().to_string()))
}

/// Makes a new key file that only its owner can read; never overwrites one.
pub fn make(path: &Path) -> Result<OfficeKey, Failure> {
    let shown = path.display().to_string();
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(Failure::bug)?;
    let key = OfficeKey::from_seed(seed);
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
        .write_all(key.to_file_text().as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(Failure::said(
            Exit::Storage,
            msg!("cannot-write", path = shown, detail = e.to_string()),
        ));
    }
    Ok(key)
}

/// The office key at `path`, made if there is none yet; true when it was made now.
pub fn ensure(path: &Path) -> Result<(OfficeKey, bool), Failure> {
    if path.exists() {
        return load(path).map(|k| (k, false));
    }
    make(path).map(|k| (k, true))
}

/// The office key's public facts: `key show --json` and `GET /api/v1/key`.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PublicKey {
    /// The key file (on the server, for `GET /api/v1/key`).
    pub file: String,
    pub public_key: String,
    pub fingerprint: String,
}

impl PublicKey {
    /// The public facts of `key`, kept at `path`.
    pub fn of(key: &OfficeKey, path: &Path) -> PublicKey {
        let public = key.public();
        PublicKey {
            file: path.display().to_string(),
            public_key: public.hex(),
            fingerprint: public.fingerprint(),
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
            let key = load(&path)?;
            print(ctx, &key, &path)
        }
        KeyCommand::Identity { out } => identity(ctx, &out),
        KeyCommand::Init(arg) => {
            let path = arg.path(ctx);
            let key = make(&path)?;
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

/// `key identity`: a new age key pair for a holder of copies. The secret never passes through
/// the database; only its owner can read the file.
fn identity(ctx: &Ctx, out: &Path) -> Result<(), Failure> {
    let now = jiff::Timestamp::now();
    let (text, public) = wardflow_engine::protect::copies::new_identity(now);
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
            &serde_json::json!({"file": shown, "public_key": public}),
        );
    }
    println!(
        "{}",
        tr!(ctx.tr, "key-identity-made", path = shown, public = public)
    );
    Ok(())
}
