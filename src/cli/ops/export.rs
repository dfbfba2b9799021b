//! `wardflow export [--out FILE]`: the whole database as JSON Lines.

use std::io::BufWriter;
use std::path::PathBuf;

use clap::Args;
use wardflow_engine::store::output::Output;
use wardflow_engine::store::{dump, ops};

use super::super::Ctx;
use crate::failure::{Context, Failure, Kind};
use crate::tr;

/// Arguments of `wardflow export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file (must not exist yet) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the `--out` file if it exists (never the database or its files).
    #[arg(long, requires = "out")]
    force: bool,
}

/// Exports from a snapshot: the database is held only while it is copied, so writers go on
/// during a long export, and the export is one committed state.
pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<(), Failure> {
    let snapshot = ops::Snapshot::take(&ctx.global.db, ctx.lock_timeout())?;
    let store = snapshot.store();
    ctx.now(Some(store))?;
    let Some(out) = args.out else {
        let stdout = std::io::stdout().lock();
        dump::export(store, BufWriter::new(stdout)).map_err(|e| match e {
            // Reading went well; only standard output failed.
            wardflow_engine::store::StoreError::Storage(detail) => {
                Failure::from(Kind::Output(std::io::Error::other(detail)))
            }
            e => e.into(),
        })?;
        return Ok(());
    };
    let mut output =
        Output::begin(&out, args.force, &ctx.protected_files()).exists_as("out-exists")?;
    let mut writer = BufWriter::new(output.file());
    let counts = dump::export(store, &mut writer)?;
    writer
        .into_inner()
        .map_err(|e| ops::io_error(e.into_error()))?;
    output.finish().exists_as("out-exists")?;
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
