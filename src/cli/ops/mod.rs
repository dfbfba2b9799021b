//! Operations on the database file as a whole: `check`, `backup`, `restore`, `export`,
//! `import`. The engine side is `wardflow_engine::store::{ops, dump}`.

pub mod backup;
pub mod check;
pub mod export;
pub mod import;

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
