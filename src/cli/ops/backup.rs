//! `wardflow backup --out FILE` and `wardflow restore FILE`.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use wardflow_engine::store::ops;

use super::super::{Ctx, print_json};
use super::require_file;
use crate::failure::{Context, Failure};
use crate::tr;

/// Arguments of `wardflow backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist yet).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Arguments of `wardflow restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to restore.
    #[arg(value_name = "FILE")]
    backup: PathBuf,
    /// Replace an existing database.
    #[arg(long)]
    force: bool,
}

/// Writes a consistent copy of the database while other commands go on using it.
pub fn backup(ctx: &Ctx, args: BackupArgs) -> Result<(), Failure> {
    let bytes =
        ops::backup(&ctx.global.db, &args.out, ctx.lock_timeout()).exists_as("ops-out-exists")?;
    let path = args.out.display().to_string();
    if ctx.global.json {
        return print_json(&json!({"backup": path, "bytes": bytes}));
    }
    println!("{}", tr!(ctx.tr, "backup-done", path = path, bytes = bytes));
    Ok(())
}

/// Checks a backup, then puts it in place of the database.
pub fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<(), Failure> {
    require_file(&args.backup)?;
    let report = ops::restore(&args.backup, &ctx.global.db, args.force, ctx.lock_timeout())
        .exists_as("restore-db-exists")?;
    if !report.problems.is_empty() {
        return super::check::report_check(ctx, &report, "restore-source-damaged");
    }
    let path = ctx.global.db.display().to_string();
    if ctx.global.json {
        return print_json(&json!({
            "restored": path,
            "from": args.backup.display().to_string(),
            "cases": report.cases,
            "events": report.events,
        }));
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "restore-done",
            path = path,
            from = args.backup.display().to_string(),
            cases = report.cases,
            events = report.events
        )
    );
    Ok(())
}
