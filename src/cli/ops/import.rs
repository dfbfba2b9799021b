//! `wardflow import FILE|-`: a new database from an export, all or nothing.

use std::io::BufReader;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use wardflow_engine::app::Office;

use super::super::{Ctx, print_json};
use super::require_file;
use crate::failure::{Context, Failure};
use crate::tr;

/// Arguments of `wardflow import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export (JSON Lines), or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,
    /// Make the new database a simulation one (it accepts `--now`): required for the export
    /// of a simulation database, and turns a real one into a training copy.
    #[arg(long)]
    simulation: bool,
    #[command(flatten)]
    identity: super::IdentityArgs,
}

/// Imports into the database named by `--db`, which must not exist.
pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<(), Failure> {
    ctx.embedded_only("import")?;
    ctx.not_served("import")?;
    let db = &ctx.global.db;
    let caller = ctx.caller(None)?;
    let config = ctx.detached_config(None)?;
    let wait = ctx.lock_timeout();
    let identity = args.identity.read()?;
    let result = if args.file.as_os_str() == "-" {
        Office::import(
            &caller,
            db,
            std::io::stdin().lock(),
            args.simulation,
            wait,
            &config,
            identity.as_ref(),
        )
    } else {
        require_file(&args.file)?;
        let file = std::fs::File::open(&args.file)
            .map_err(|e| Failure::cannot_read(&args.file, e.to_string()))?;
        Office::import(
            &caller,
            db,
            BufReader::new(file),
            args.simulation,
            wait,
            &config,
            identity.as_ref(),
        )
    };
    let counts = result.exists_as("import-db-exists")?;
    let path = db.display().to_string();
    if ctx.global.json {
        return print_json(ctx, &json!({"db": path, "imported": counts}));
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "import-done",
            path = path,
            definitions = counts.definitions,
            cases = counts.cases,
            events = counts.events,
            letters = counts.letters
        )
    );
    Ok(())
}
