//! Operations on the database file as a whole: `check`, `backup`, `restore`, `export`,
//! `import`. Each is one call into the application layer (`wardflow_engine::app::Office`).

pub mod backup;
pub mod check;
pub mod export;
pub mod import;
pub mod register;

use std::path::{Path, PathBuf};

use clap::Args;
use wardflow_engine::app::CopyForm;
use wardflow_engine::protect::copies::Identities;

use crate::failure::Failure;
use crate::msg;

/// How a backup or export is written (issue 23): encrypted unless asked otherwise.
#[derive(Debug, Clone, Args)]
pub struct CopyArgs {
    /// Write the copy unencrypted (recorded in the access log); by default it is encrypted to
    /// the recipients published with `wardflow publish privacy`.
    #[arg(long)]
    plain: bool,
}

impl CopyArgs {
    pub fn form(&self) -> CopyForm {
        if self.plain {
            CopyForm::Plain
        } else {
            CopyForm::Encrypted
        }
    }
}

/// The secret key that opens an encrypted copy (`restore`, `import`).
#[derive(Debug, Clone, Args)]
pub struct IdentityArgs {
    /// The secret key file that opens the encrypted copy (age, or SM2 for a national copy).
    #[arg(long, env = "WARDFLOW_IDENTITY", value_name = "FILE")]
    identity: Option<PathBuf>,
}

impl IdentityArgs {
    /// The keys, read once (none given: a plain copy is expected).
    pub fn read(&self) -> Result<Option<Identities>, Failure> {
        match &self.identity {
            None => Ok(None),
            Some(path) => Identities::read(path).map(Some).map_err(Failure::from),
        }
    }
}

/// Refuses an input file that does not exist, naming it (not as a missing database).
fn require_file(path: &Path) -> Result<(), Failure> {
    if path.is_file() {
        return Ok(());
    }
    Err(Failure::cannot_read(path, msg!("ops-no-such-file")))
}
