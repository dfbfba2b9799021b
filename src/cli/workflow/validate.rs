//! `wardflow workflow validate`: every problem in every file, with its position.

use std::path::PathBuf;

use wardflow_engine::definition::{self, Definition};

use wardflow_engine::app::{CheckFailed, check_files};

use super::super::{Ctx, print_json, workflow_files};
use crate::failure::Failure;
use crate::tr;

/// Definitions that links may name besides the files being checked: the other files of the
/// workflows directory.
pub fn context(ctx: &Ctx, checked: &[(String, Vec<u8>)]) -> Vec<Definition> {
    context_files(ctx, checked)
        .iter()
        .filter_map(|(name, bytes)| definition::load(name, bytes).ok())
        .collect()
}

/// The files of the workflows directory besides those being checked.
pub fn context_files(ctx: &Ctx, checked: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let Ok(dir) = workflow_files(ctx, &[]) else {
        return Vec::new();
    };
    dir.into_iter()
        .filter(|(name, bytes)| !checked.iter().any(|(n, b)| n == name || b == bytes))
        .collect()
}

/// Checks the files and reports.
pub fn run(ctx: &Ctx, given: &[PathBuf]) -> Result<(), Failure> {
    let files = workflow_files(ctx, given)?;
    let known = context(ctx, &files);
    match check_files(&files, &known, &ctx.global.letters()) {
        Ok(checked) => {
            if ctx.global.json {
                let ok: Vec<_> = checked
                    .iter()
                    .map(|(file, _, def)| serde_json::json!({"file": file, "workflow": def.key, "valid": true}))
                    .collect();
                return print_json(ctx, &ok);
            }
            for (file, _, def) in &checked {
                println!(
                    "{}",
                    tr!(
                        ctx.tr,
                        "validate-ok",
                        file = file.clone(),
                        workflow = def.key.clone()
                    )
                );
            }
            Ok(())
        }
        Err(CheckFailed { passed: ok, failed }) => {
            if !ctx.global.json {
                for (file, def) in &ok {
                    println!(
                        "{}",
                        tr!(
                            ctx.tr,
                            "validate-ok",
                            file = file.clone(),
                            workflow = def.key.clone()
                        )
                    );
                }
            }
            Err(failed.into())
        }
    }
}
