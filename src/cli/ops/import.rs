//! `wardflow import FILE|-`: a new database from an export, all or nothing.

use std::io::BufReader;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use wardflow_engine::store::dump::{self, ImportError, ImportProblem};

use super::super::{Ctx, print_json};
use super::{require_file, store_failure};
use crate::failure::{Exit, Failure};
use crate::i18n::Tr;
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
}

/// Imports into the database named by `--db`, which must not exist.
pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<(), Failure> {
    let db = &ctx.global.db;
    let result = if args.file.as_os_str() == "-" {
        dump::import_as(db, std::io::stdin().lock(), args.simulation)
    } else {
        require_file(ctx, &args.file)?;
        let file = std::fs::File::open(&args.file).map_err(|e| {
            Failure::new(
                Exit::BadInput,
                tr!(
                    ctx.tr,
                    "cannot-read",
                    path = args.file.display().to_string(),
                    detail = e.to_string()
                ),
            )
        })?;
        dump::import_as(db, BufReader::new(file), args.simulation)
    };
    let counts = result.map_err(|e| match e {
        ImportError::Store(e) => store_failure(ctx, &e, "import-db-exists"),
        ImportError::Line { line, problem } => Failure::new(
            Exit::BadInput,
            tr!(
                ctx.tr,
                "import-bad-line",
                line = line,
                detail = problem_text(&ctx.tr, &problem)
            ),
        ),
    })?;
    let path = db.display().to_string();
    if ctx.global.json {
        return print_json(&json!({"db": path, "imported": counts}));
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

/// What is wrong with one line, in words.
fn problem_text(tr: &Tr, p: &ImportProblem) -> String {
    match p {
        ImportProblem::Empty => tr!(tr, "import-empty"),
        ImportProblem::TooLong { limit } => tr!(tr, "import-too-long", limit = *limit),
        ImportProblem::Syntax { detail } => tr!(tr, "import-syntax", detail = detail.clone()),
        ImportProblem::UnknownType { kind } => {
            tr!(tr, "import-unknown-type", kind = kind.clone())
        }
        ImportProblem::OutOfOrder { kind } => tr!(tr, "import-out-of-order", kind = kind.clone()),
        ImportProblem::Format { found } => tr!(
            tr,
            "import-format",
            found = *found,
            supported = dump::EXPORT_FORMAT
        ),
        ImportProblem::Record { detail } => tr!(tr, "import-record", detail = detail.clone()),
        ImportProblem::Mismatch { detail } => tr!(tr, "import-mismatch", detail = detail.clone()),
        ImportProblem::Duplicate { what } => tr!(tr, "import-duplicate", what = what.clone()),
        ImportProblem::Replay { case, detail } => tr!(
            tr,
            "import-replay",
            case = case.clone(),
            detail = detail.clone()
        ),
        ImportProblem::SimulationExport => tr!(tr, "import-simulation"),
    }
}
