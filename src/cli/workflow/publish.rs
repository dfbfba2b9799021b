//! `wardflow workflow publish`: validated definitions become new versions in the database.

use std::path::PathBuf;

use super::super::{Ctx, print_json, workflow_files};
use super::validate::context;
use crate::failure::Failure;
use crate::tr;

/// Publishes the files, all or none.
pub fn run(ctx: &Ctx, given: &[PathBuf]) -> Result<(), Failure> {
    let files = workflow_files(ctx, given)?;
    let known = context(ctx, &files);
    let caller = ctx.caller(None)?;
    let published = ctx.office_for_write()?.publish(&caller, &files, known)?;
    if ctx.global.json {
        let out: Vec<_> = published
            .iter()
            .map(|p| serde_json::json!({"workflow": p.workflow, "version": p.number, "hash": p.hash, "new": p.new}))
            .collect();
        return print_json(ctx, &out);
    }
    for p in &published {
        let id = if p.new { "publish-new" } else { "publish-same" };
        let line = match id {
            "publish-new" => tr!(
                ctx.tr,
                "publish-new",
                workflow = p.workflow.clone(),
                version = p.number,
                hash = p.hash.short().to_owned()
            ),
            _ => tr!(
                ctx.tr,
                "publish-same",
                workflow = p.workflow.clone(),
                version = p.number,
                hash = p.hash.short().to_owned()
            ),
        };
        println!("{line}");
    }
    Ok(())
}
