//! `wardflow export [--out FILE]`: the whole database as JSON Lines.

use std::io::BufWriter;
use std::path::PathBuf;

use clap::Args;
use wardflow_engine::store::{dump, ops};

use super::super::Ctx;
use crate::failure::{Context, Failure};
use crate::tr;

/// Arguments of `wardflow export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file (must not exist yet) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Exports from one read transaction: a consistent state even while others write.
pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<(), Failure> {
    let store = ctx.store_for_read()?;
    let Some(out) = args.out else {
        let stdout = std::io::stdout().lock();
        dump::export(&store, BufWriter::new(stdout))?;
        return Ok(());
    };
    let (tmp, file) = ops::temp_beside(&out)?;
    let mut writer = BufWriter::new(file);
    let counts = dump::export(&store, &mut writer)?;
    let file = writer
        .into_inner()
        .map_err(|e| ops::io_error(e.into_error()))?;
    ops::finish_file(tmp, file, &out).exists_as("ops-out-exists")?;
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
