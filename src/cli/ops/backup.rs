//! `wardflow backup --out FILE` and `wardflow restore FILE`.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use wardflow_engine::app::{Loss, Office, Restored};

use super::super::{Ctx, print_json};
use super::require_file;
use crate::failure::{Context, Exit, Failure};
use crate::msg;
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
    /// Replace it even though it holds cases, events or letters the backup lacks (listed
    /// first by a run without this): a second confirmation beyond `--force`.
    #[arg(long, requires = "force")]
    accept_loss: bool,
}

/// Writes a consistent copy of the database while other commands go on using it.
pub fn backup(ctx: &Ctx, args: BackupArgs) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let bytes = ctx
        .office_for_read()?
        .backup(&caller, &args.out, ctx.lock_timeout())
        .exists_as("ops-out-exists")?;
    let path = args.out.display().to_string();
    if ctx.global.json {
        return print_json(ctx, &json!({"backup": path, "bytes": bytes}));
    }
    println!("{}", tr!(ctx.tr, "backup-done", path = path, bytes = bytes));
    Ok(())
}

/// What a restore takes away, one line per case or letter, then the totals.
fn loss_lines(ctx: &Ctx, loss: &Loss) -> String {
    let mut out = String::new();
    for (case, events) in &loss.cases {
        out += &tr!(
            ctx.tr,
            "restore-lose-case",
            case = case.clone(),
            events = *events
        );
        out.push('\n');
    }
    for (case, then, now) in &loss.events {
        out += &tr!(
            ctx.tr,
            "restore-lose-events",
            case = case.clone(),
            then = *then,
            now = *now
        );
        out.push('\n');
    }
    for letter in &loss.letters {
        out += &tr!(ctx.tr, "restore-lose-letter", letter = letter.clone());
        out.push('\n');
    }
    out += &tr!(
        ctx.tr,
        "restore-lose-total",
        cases = loss.cases.len(),
        events = loss.event_count(),
        letters = loss.letters.len()
    );
    out.push('\n');
    out
}

/// Checks a backup, then puts it in place of the database.
pub fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<(), Failure> {
    ctx.embedded_only("restore")?;
    ctx.not_served("restore")?;
    require_file(&args.backup)?;
    let caller = ctx.caller(None)?;
    // The office checks the backup, replaces only what it is allowed to, and records in the
    // restored database's access log who replaced what and what went with it.
    let restored = Office::restore(
        &caller,
        &args.backup,
        &ctx.global.db,
        args.force,
        args.accept_loss,
        ctx.lock_timeout(),
        &ctx.detached_config(None)?,
    )
    .exists_as("restore-db-exists")?;
    let (report, lost) = match restored {
        Restored::Damaged(report) => {
            return super::check::report_check(ctx, &report, "restore-source-damaged");
        }
        Restored::WouldLose(loss) => {
            eprint!("{}", loss_lines(ctx, &loss));
            return Err(Failure::said(
                Exit::Refused,
                msg!(
                    "restore-would-lose",
                    path = ctx.global.db.display().to_string()
                ),
            ));
        }
        Restored::Done { report, lost } => (report, lost),
    };
    let path = ctx.global.db.display().to_string();
    if !lost.is_empty() {
        eprint!("{}", loss_lines(ctx, &lost));
    }
    if ctx.global.json {
        return print_json(
            ctx,
            &json!({
                "restored": path,
                "from": args.backup.display().to_string(),
                "cases": report.cases,
                "events": report.events,
            }),
        );
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
