//! `wardflow workflow list`: every published workflow and its versions.

use super::super::admin::WorkflowRow;
use super::super::{Ctx, print_json};
use crate::failure::Failure;
use crate::show::local_time;
use crate::table::{Table, col};
use crate::tr;

/// Every published workflow and its versions: from the server with `--server`, else from
/// the database.
pub fn rows(ctx: &Ctx) -> Result<Vec<WorkflowRow>, Failure> {
    if let Some(remote) = ctx.remote()? {
        return remote.get("/api/v1/workflows", &[]);
    }
    let caller = ctx.caller(None)?;
    Ok(WorkflowRow::all(
        &ctx.office_for_read()?.workflows(&caller)?,
    ))
}

/// Lists versions, newest last.
pub fn run(ctx: &Ctx) -> Result<(), Failure> {
    let versions = rows(ctx)?;
    if ctx.global.json {
        return print_json(ctx, &versions);
    }
    if versions.is_empty() {
        println!("{}", tr!(ctx.tr, "no-workflows"));
        return Ok(());
    }
    let mut table = Table::new(
        &ctx.tr,
        &[
            col::WORKFLOW,
            col::VERSION,
            col::HASH,
            col::PUBLISHED_BY,
            col::PUBLISHED_AT,
        ],
    );
    for w in &versions {
        // The title of the latest version names the workflow on every row.
        let title = w
            .versions
            .last()
            .map(|v| crate::show::pick(&ctx.tr, &v.title, v.title_en.as_deref()).to_owned())
            .unwrap_or_default();
        for v in &w.versions {
            table.row(vec![
                ctx.tr.key_title(&w.workflow, &title),
                v.version.to_string(),
                v.hash.short().to_owned(),
                v.published_by.clone(),
                local_time(v.published_at),
            ]);
        }
    }
    table.print();
    Ok(())
}
