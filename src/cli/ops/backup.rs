//! `wardflow backup --out FILE` and `wardflow restore FILE`.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;
use wardflow_engine::app::{
    Caller, ClockSource, CopyForm, Loss, Office, Restored, Rotated, backup_name, prune_backups,
};

use super::super::admin::{BackupBody, BackupDone};
use super::super::{Ctx, print_json};
use super::require_file;
use crate::failure::{Context, Exit, Failure};
use crate::msg;
use crate::tr;

/// How many copies `backup --dir` keeps unless `--keep` says.
const DEFAULT_KEEP: u16 = 14;

/// Arguments of `wardflow backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist yet).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "dir",
        conflicts_with = "dir"
    )]
    out: Option<PathBuf>,
    /// Write the copy into this directory, named by when it is taken
    /// (`wardflow-20261123T180000Z.redb`, UTC), and remove the oldest there beyond `--keep`.
    /// While `wardflow serve` holds the database, the copy is asked of the server with the
    /// administrator's API token in `WARDFLOW_TOKEN`.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// With `--dir`: how many copies the directory keeps, the newest (1–3650; default 14).
    #[arg(long, requires = "dir", conflicts_with = "out", value_parser = clap::value_parser!(u16).range(1..=3650))]
    keep: Option<u16>,
    #[command(flatten)]
    copy: super::CopyArgs,
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
    #[command(flatten)]
    identity: super::IdentityArgs,
}

/// Writes a consistent copy of the database while other commands go on using it; with
/// `--server`, the server writes it on its own disk.
pub fn backup(ctx: &Ctx, args: BackupArgs) -> Result<(), Failure> {
    if args.keep.is_some() && args.dir.is_none() {
        return Err(
            Failure::said(Exit::BadInput, msg!("backup-keep-without-dir")).with_key("--keep"),
        );
    }
    if let Some(remote) = ctx.remote()? {
        let done: BackupDone = remote.change(
            "POST",
            "/api/v1/backup",
            &BackupBody {
                out: args.out,
                dir: args.dir,
                keep: args.keep,
                plain: matches!(args.copy.form(), CopyForm::Plain),
            },
        )?;
        return print_backup(ctx, &done);
    }
    let caller = ctx.caller(None)?;
    let Some(out) = args.out else {
        let dir = args.dir.unwrap_or_default();
        let keep = args.keep.unwrap_or(DEFAULT_KEEP);
        return rotated(ctx, &caller, &dir, usize::from(keep), args.copy.form());
    };
    let bytes = ctx
        .office_for_read()?
        .backup(&caller, &out, ctx.lock_timeout(), args.copy.form())
        .exists_as("ops-out-exists")?;
    let encrypted = !matches!(args.copy.form(), CopyForm::Plain);
    print_backup(
        ctx,
        &BackupDone {
            backup: out.display().to_string(),
            bytes,
            encrypted: Some(encrypted),
            removed: None,
        },
    )
}

/// Prints a backup's result: `--out`'s (with whether it is encrypted) or `--dir`'s (with
/// the old copies removed).
pub fn print_backup(ctx: &Ctx, done: &BackupDone) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, done);
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "backup-done",
            path = done.backup.clone(),
            bytes = done.bytes
        )
    );
    for old in done.removed.iter().flatten() {
        println!("{}", tr!(ctx.tr, "backup-removed", path = old.clone()));
    }
    if done.encrypted == Some(false) {
        eprintln!(
            "{}",
            tr!(ctx.tr, "copy-plain-warning", path = done.backup.clone())
        );
    }
    Ok(())
}

/// `backup --dir DIR --keep N`: a copy named by its time, then the oldest beyond `keep` go.
/// A server holding the database is asked for the copy (with `WARDFLOW_TOKEN`).
fn rotated(
    ctx: &Ctx,
    caller: &Caller,
    dir: &Path,
    keep: usize,
    form: CopyForm,
) -> Result<(), Failure> {
    if !dir.is_dir() {
        return Err(Failure::cannot_read(dir, msg!("backup-no-dir")).with_key("--dir"));
    }
    let server = crate::serve::serving(&ctx.global.db);
    let token = std::env::var("WARDFLOW_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    let done = match (server, token) {
        (Some(url), Some(token)) => {
            let requested = match caller.clock {
                ClockSource::Requested(at) => Some(at),
                ClockSource::Wall => None,
            };
            let path = dir.join(backup_name(requested.unwrap_or_else(<Office>::wall)));
            let bytes = super::super::login::backup_on_server(
                ctx,
                &url,
                &token,
                &path,
                requested,
                matches!(form, CopyForm::Plain),
            )?;
            let removed = prune_backups(dir, keep)?;
            Rotated {
                path,
                bytes,
                removed,
            }
        }
        _ => ctx
            .office_for_read()?
            .backup_rotated(caller, dir, keep, ctx.lock_timeout(), form)
            .exists_as("ops-out-exists")?,
    };
    print_backup(
        ctx,
        &BackupDone {
            backup: done.path.display().to_string(),
            bytes: done.bytes,
            encrypted: None,
            removed: Some(
                done.removed
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect(),
            ),
        },
    )
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
    let identity = args.identity.read()?;
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
        identity.as_ref(),
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
