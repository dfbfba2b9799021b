//! `wardflow import-register FILE.csv|FILE.xlsx --workflow W --map MAPPING.yaml`: an existing
//! register becomes cases, all or nothing (administrators).

use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use wardflow_engine::app::{RegisterImport, RegisterImported, RegisterImportedParts};

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

/// The body of `POST /api/v1/registers`: the files' names as given and their bytes in
/// base64 (a register is read by the server as the embedded command reads it).
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    /// The register's file name as given (`.csv` or `.xlsx` says its format).
    pub file: String,
    /// The register's bytes, base64.
    pub file_base64: String,
    pub workflow: String,
    /// The mapping file's name as given.
    pub mapping_file: String,
    /// The mapping file's bytes (YAML), base64.
    pub mapping_base64: String,
}

impl RegisterBody {
    /// The request it stands for; bad base64 is bad input naming the key.
    pub fn request(self) -> Result<RegisterImport, Failure> {
        use base64::Engine;
        let decode = |key: &str, text: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| {
                    Failure::said(
                        crate::failure::Exit::BadInput,
                        crate::msg!("api-bad-query", key = key.to_owned()),
                    )
                    .with_key(key.to_owned())
                })
        };
        Ok(RegisterImport {
            bytes: decode("file_base64", &self.file_base64)?,
            mapping: decode("mapping_base64", &self.mapping_base64)?,
            file: self.file,
            workflow: self.workflow,
            mapping_file: self.mapping_file,
        })
    }
}

/// Imports the register into the database (with `--server`, the files' bytes go to the
/// server, which imports them all or nothing and refuses as here).
pub fn run(ctx: &Ctx, args: RegisterArgs) -> Result<(), Failure> {
    let remote = ctx.remote()?;
    let caller = match &remote {
        Some(_) => None,
        None => Some(ctx.caller(None)?),
    };
    let request = RegisterImport {
        file: args.file.display().to_string(),
        bytes: read(&args.file)?,
        workflow: args.workflow,
        mapping_file: args.map.display().to_string(),
        mapping: read(&args.map)?,
    };
    let done = match (&remote, &caller) {
        (Some(remote), _) => {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD;
            let parts: RegisterImportedParts = remote.change(
                "POST",
                "/api/v1/registers",
                &RegisterBody {
                    file: request.file.clone(),
                    file_base64: b64.encode(&request.bytes),
                    workflow: request.workflow.clone(),
                    mapping_file: request.mapping_file.clone(),
                    mapping_base64: b64.encode(&request.mapping),
                },
            )?;
            let def = remote.definition(&parts.version)?;
            parts.into_imported(def)
        }
        (None, Some(caller)) => ctx.office_for_write()?.import_register(caller, &request)?,
        (None, None) => return Err(Failure::bug("no caller and no server")),
    };
    if ctx.global.json {
        return print_json(ctx, &imported_json(&request.file, &request.workflow, &done));
    }
    print_imported(ctx, &request, &done)
}

/// `import-register --json`: the file, its hash, the workflow and each row's case.
pub fn imported_json(file: &str, workflow: &str, done: &RegisterImported) -> serde_json::Value {
    json!({
        "file": file,
        "file_sha256": done.file_sha256,
        "workflow": workflow,
        "cases": done.rows.iter().map(|r| json!({
            "line": r.line, "case": r.case, "state": r.state,
        })).collect::<Vec<_>>(),
    })
}

fn print_imported(
    ctx: &Ctx,
    request: &RegisterImport,
    done: &RegisterImported,
) -> Result<(), Failure> {
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
