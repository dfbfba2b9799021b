//! `wardflow workflow list`: every published workflow and its versions.

use super::super::{Ctx, print_json};
use crate::failure::Failure;
use crate::show::local_time;
use crate::tr;

/// Lists versions, newest last.
pub fn run(ctx: &Ctx) -> Result<(), Failure> {
    let store = ctx.store_for_read()?;
    let versions = store.versions()?;
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
        return print_json(&out);
    }
    if versions.is_empty() {
        println!("{}", tr!(ctx.tr, "no-workflows"));
    }
    for (key, vs) in &versions {
        let title = vs
            .last()
            .map(|v| v.stored.title.clone())
            .unwrap_or_default();
        println!("{}", ctx.tr.key_title(key, &title));
        for v in vs {
            println!(
                "  {}",
                tr!(
                    ctx.tr,
                    "workflow-version",
                    version = v.number,
                    hash = v.hash.short().to_owned(),
                    by = v.stored.published_by.clone(),
                    at = local_time(v.stored.published_at)
                )
            );
        }
    }
    Ok(())
}
