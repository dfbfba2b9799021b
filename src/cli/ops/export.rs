//! `wardflow export [--out FILE]`: the whole database as JSON Lines.

use std::io::BufWriter;
use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::Office;

use super::super::Ctx;
use crate::failure::{Context, Failure};
use crate::tr;

/// Arguments of `wardflow export`.
#[derive(Debug, Args)]
pub struct DatabaseExportArgs {
    /// Write to this file (must not exist yet) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the `--out` file if it exists (never the database or its files).
    #[arg(long, requires = "out")]
    force: bool,
}

/// Exports from a snapshot: the database is held only while it is copied, so writers go on
/// during a long export, and the export is one committed state.
pub fn run(ctx: &Ctx, args: DatabaseExportArgs) -> Result<(), Failure> {
    if let Some(remote) = ctx.remote()? {
        // The server's export, as it wrote it (a file on this machine: embedded only).
        if args.out.is_some() {
            ctx.embedded_only("export --out")?;
        }
        let lines = remote.get_bytes("/api/v1/export", &[])?;
        let mut stdout = std::io::stdout().lock();
        return std::io::Write::write_all(&mut stdout, &lines)
            .and_then(|()| std::io::Write::flush(&mut stdout))
            .map_err(|e| crate::failure::Kind::Output(e).into());
    }
    let caller = ctx.caller(None)?;
    let (db, wait) = (&ctx.global.db, ctx.lock_timeout());
    let config = ctx.detached_config(None)?;
    let Some(out) = args.out else {
        let stdout = std::io::stdout().lock();
        Office::export_database(&caller, db, wait, &config, BufWriter::new(stdout))?;
        return Ok(());
    };
    let counts = Office::export_database_to(
        &caller,
        db,
        wait,
        &config,
        &out,
        args.force,
        &ctx.key_files(),
    )
    .exists_as("out-exists")?;
    println!(
        "{}",
        tr!(
            ctx.tr,
            "export-done",
            path = out.display().to_string(),
            definitions = counts.definitions,
            cases = counts.cases,
            events = counts.events,
            letters = counts.letters
        )
    );
    Ok(())
}
