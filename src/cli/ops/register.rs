//! `wardflow import-register FILE.csv|FILE.xlsx --workflow W --map MAPPING.yaml`: an existing
//! register becomes cases, all or nothing (administrators).

use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use wardflow_engine::app::RegisterImport;

use super::super::{Ctx, print_json};
use super::require_file;
use crate::failure::Failure;
use crate::{show, tr};

/// The largest register or mapping file read, in bytes.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Arguments of `wardflow import-register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The register: a CSV (UTF-8, header row first) or XLSX file (first sheet).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The workflow whose cases the rows become.
    #[arg(long)]
    workflow: String,
    /// The mapping file (YAML): role, columns → fields, fixed values, transitions.
    #[arg(long = "map", value_name = "MAPPING")]
    map: PathBuf,
}

fn read(path: &PathBuf) -> Result<Vec<u8>, Failure> {
    require_file(path)?;
    let len = std::fs::metadata(path)
        .map_err(|e| Failure::cannot_read(path, e.to_string()))?
        .len();
    if len > MAX_BYTES {
        return Err(Failure::cannot_read(
            path,
            format!("larger than {MAX_BYTES} bytes"),
        ));
    }
    std::fs::read(path).map_err(|e| Failure::cannot_read(path, e.to_string()))
}

/// Imports the register into the database.
pub fn run(ctx: &Ctx, args: RegisterArgs) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let request = RegisterImport {
        file: args.file.display().to_string(),
        bytes: read(&args.file)?,
        workflow: args.workflow,
        mapping_file: args.map.display().to_string(),
        mapping: read(&args.map)?,
    };
    let office = ctx.office_for_write()?;
    let done = office.import_register(&caller, &request)?;
    if ctx.global.json {
        return print_json(
            ctx,
            &json!({
                "file": request.file,
                "file_sha256": done.file_sha256,
                "workflow": request.workflow,
                "cases": done.rows.iter().map(|r| json!({
                    "line": r.line, "case": r.case, "state": r.state,
                })).collect::<Vec<_>>(),
            }),
        );
    }
    let tr = &ctx.tr;
    println!(
        "{}",
        tr!(
            tr,
            "import-register-done",
            file = request.file.clone(),
            count = done.rows.len(),
            sha = done.file_sha256.clone()
        )
    );
    for row in &done.rows {
        println!(
            "{}",
            tr!(
                tr,
                "import-register-row",
                line = row.line.to_string(),
                case = row.case.to_string(),
                state = show::state(tr, &done.def, &row.state)
            )
        );
    }
    Ok(())
}
