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
    /// Import into this PostgreSQL database (`postgres://…`, else `WARDFLOW_DATABASE`)
    /// instead of a new redb file at `--db`: it must hold nothing yet (its schema is made
    /// when it has none); all of it is written in one transaction, or nothing.
    #[arg(
        long,
        env = "WARDFLOW_DATABASE",
        hide_env_values = true,
        value_name = "URL"
    )]
    database: Option<String>,
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
    if let Some(url) = &args.database {
        return into_postgres(ctx, &args, url, identity.as_ref());
    }
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

/// `import FILE --database postgres://…`: into an empty PostgreSQL database, all or nothing.
fn into_postgres(
    ctx: &Ctx,
    args: &ImportArgs,
    url: &str,
    identity: Option<&wardflow_engine::protect::copies::Identities>,
) -> Result<(), Failure> {
    use wardflow_engine::pg;
    let url = super::super::postgres_url(url)?;
    let caller = ctx.caller(None)?;
    let config = ctx.detached_config(None)?;
    let result = if args.file.as_os_str() == "-" {
        Office::import_postgres(
            &caller,
            url,
            std::io::stdin().lock(),
            args.simulation,
            &config,
            identity,
        )
    } else {
        require_file(&args.file)?;
        let file = std::fs::File::open(&args.file)
            .map_err(|e| Failure::cannot_read(&args.file, e.to_string()))?;
        Office::import_postgres(
            &caller,
            url,
            BufReader::new(file),
            args.simulation,
            &config,
            identity,
        )
    };
    let counts = result.exists_as("import-pg-not-empty")?;
    let place = pg::place(url);
    if ctx.global.json {
        return print_json(ctx, &json!({"database": place, "imported": counts}));
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "import-done",
            path = place,
            definitions = counts.definitions,
            cases = counts.cases,
            events = counts.events,
            letters = counts.letters
        )
    );
    Ok(())
}
