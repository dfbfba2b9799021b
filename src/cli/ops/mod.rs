//! Operations on the database file as a whole: `check`, `backup`, `restore`, `export`,
//! `import`. The engine side is `wardflow_engine::store::{ops, dump}`.

pub mod backup;
pub mod check;
pub mod export;
pub mod import;

use std::path::Path;

use wardflow_engine::store::StoreError;

use super::Ctx;
use crate::failure::{self, Exit, Failure};
use crate::tr;

/// A store error of an operation; an existing target is named as the operation's own refusal.
fn store_failure(ctx: &Ctx, e: &StoreError, exists_id: &'static str) -> Failure {
    match e {
        StoreError::AlreadyExists(path) => Failure::new(
            Exit::BadInput,
            ctx.tr
                .args(exists_id, vec![("path", path.display().to_string().into())]),
        ),
        other => failure::store(&ctx.tr, other),
    }
}

/// Refuses an input file that does not exist, naming it (not as a missing database).
fn require_file(ctx: &Ctx, path: &Path) -> Result<(), Failure> {
    if path.is_file() {
        return Ok(());
    }
    Err(Failure::new(
        Exit::BadInput,
        tr!(
            ctx.tr,
            "cannot-read",
            path = path.display().to_string(),
            detail = tr!(ctx.tr, "ops-no-such-file")
        ),
    ))
}
