//! `wardflow workflow publish`: validated definitions become new versions in the database.

use std::path::PathBuf;

use super::super::admin::{FileBody, PublishedVersion, WorkflowFilesBody};
use super::super::{Ctx, print_json, workflow_files};
use super::validate::{context, context_files};
use crate::failure::Failure;
use crate::tr;

/// Publishes the files, all or none: over the server with `--server` (the files and the
/// rest of the workflows directory are sent), else into the database.
pub fn run(ctx: &Ctx, given: &[PathBuf]) -> Result<(), Failure> {
    let files = workflow_files(ctx, given)?;
    let published: Vec<PublishedVersion> = match ctx.remote()? {
        Some(remote) => {
            let text = |list: &[(String, Vec<u8>)]| -> Vec<FileBody> {
                list.iter()
                    .map(|(file, bytes)| FileBody {
                        file: file.clone(),
                        source: String::from_utf8_lossy(bytes).into_owned(),
                    })
                    .collect()
            };
            let context = context_files(ctx, &files);
            remote.change(
                "POST",
                "/api/v1/workflows",
                &WorkflowFilesBody {
                    files: text(&files),
                    context: text(&context),
                },
            )?
        }
        None => {
            let known = context(ctx, &files);
            let caller = ctx.caller(None)?;
            ctx.office_for_write()?
                .publish(&caller, &files, known)?
                .iter()
                .map(published_version)
                .collect()
        }
    };
    if ctx.global.json {
        return print_json(ctx, &published);
    }
    for p in &published {
        let line = if p.new {
            tr!(
                ctx.tr,
                "publish-new",
                workflow = p.workflow.clone(),
                version = p.version,
                hash = p.hash.short().to_owned()
            )
        } else {
            tr!(
                ctx.tr,
                "publish-same",
                workflow = p.workflow.clone(),
                version = p.version,
                hash = p.hash.short().to_owned()
            )
        };
        println!("{line}");
    }
    Ok(())
}

/// What publishing one file did, as it is printed and sent.
pub fn published_version(p: &wardflow_engine::app::Published) -> PublishedVersion {
    PublishedVersion {
        workflow: p.workflow.clone(),
        version: p.number,
        hash: p.hash.clone(),
        new: p.new,
    }
}
