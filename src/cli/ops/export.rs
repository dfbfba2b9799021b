//! `wardflow export [--out FILE]`: the whole database as JSON Lines.

use std::io::BufWriter;
use std::path::PathBuf;

use clap::Args;

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
    let caller = ctx.caller(None)?;
    let office = ctx.office_for_read()?;
    let Some(out) = args.out else {
        let stdout = std::io::stdout().lock();
        office.export(&caller, BufWriter::new(stdout))?;
        return Ok(());
    };
    let counts = office
        .export_to(&caller, &out)
        .exists_as("ops-out-exists")?;
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
