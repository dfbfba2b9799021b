//! `wardflow workflow publish`: validated definitions become new versions in the database.

use std::path::PathBuf;

use super::super::{Ctx, check_files, print_json, workflow_files};
use super::validate::context;
use crate::failure::Failure;
use crate::tr;

/// Publishes the files, all or none.
pub fn run(ctx: &Ctx, given: &[PathBuf]) -> Result<(), Failure> {
    let store = ctx.store_for_write()?;
    let now = ctx.now(Some(&store))?;
    ctx.administrator(&store)?;
    let files = workflow_files(ctx, given)?;
    let mut known: Vec<_> = store
        .latest_definitions()?
        .iter()
        .map(|d| (**d).clone())
        .collect();
    known.extend(context(ctx, &files));
    let checked = check_files(&files, &known, &ctx.global.letters)?;
    let published = store.publish(&checked, &ctx.user(), now)?;
    if ctx.global.json {
        let out: Vec<_> = published
            .iter()
            .map(|p| serde_json::json!({"workflow": p.workflow, "version": p.number, "hash": p.hash, "new": p.new}))
            .collect();
        return print_json(&out);
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
