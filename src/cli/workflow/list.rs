//! `wardflow workflow list`: every published workflow and its versions.

use super::super::{Ctx, print_json};
use crate::failure::Failure;
use crate::show::local_time;
use crate::table::{Table, col};
use crate::tr;

/// Lists versions, newest last.
pub fn run(ctx: &Ctx) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let versions = ctx.office_for_read()?.workflows(&caller)?;
    if ctx.global.json {
        let out: Vec<_> = versions
            .iter()
            .map(|(key, vs)| {
                let list: Vec<_> = vs
                    .iter()
                    .map(|v| {
                        serde_json::json!({
                            "version": v.number,
                            "hash": v.hash,
                            "title": v.stored.title,
                            "file": v.stored.file,
                            "published_by": v.stored.published_by,
                            "published_at": v.stored.published_at,
                        })
                    })
                    .collect();
                serde_json::json!({"workflow": key, "versions": list})
            })
            .collect();
        return print_json(ctx, &out);
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
    for (key, vs) in &versions {
        // The title of the latest version names the workflow on every row.
        let title = vs
            .last()
            .map(|v| v.stored.title.clone())
            .unwrap_or_default();
        for v in vs {
            table.row(vec![
                ctx.tr.key_title(key, &title),
                v.number.to_string(),
                v.hash.short().to_owned(),
                v.stored.published_by.clone(),
                local_time(v.stored.published_at),
            ]);
        }
    }
    table.print();
    Ok(())
}
