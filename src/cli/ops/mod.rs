//! Operations on the database file as a whole: `check`, `backup`, `restore`, `export`,
//! `import`. Each is one call into the application layer (`wardflow_engine::app::Office`).

pub mod backup;
pub mod check;
pub mod export;
pub mod import;
pub mod register;

use std::path::Path;

use crate::failure::Failure;
use crate::msg;

/// Refuses an input file that does not exist, naming it (not as a missing database).
fn require_file(path: &Path) -> Result<(), Failure> {
    if path.is_file() {
        return Ok(());
    }
    Err(Failure::cannot_read(path, msg!("ops-no-such-file")))
}
