//! `wardflow case export CASE --out FILE`: the case's chained history, its rules and its
//! letters in one JSON document signed with the office key, for `verify --file` elsewhere.

use std::path::PathBuf;

use clap::Args;

use super::super::key::{self, KeyFileArg};
use super::super::{Ctx, print_json};
use super::case_id;
use crate::failure::{Exit, Failure};
use crate::msg;
use crate::tr;

/// Arguments of `wardflow case export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The case id.
    case: String,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    key: KeyFileArg,
}

/// Writes the signed export.
pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let key_path = args.key.path(ctx);
    let key = key::load(&key_path)?;
    let caller = ctx.caller(None)?;
    let export = ctx.office_for_read()?.export_case(&caller, &id, &key)?;
    let doc = &export.document;
    let text = serde_json::to_string_pretty(&doc).map_err(Failure::bug)?;
    let shown = args.out.display().to_string();
    std::fs::write(&args.out, text + "\n").map_err(|e| {
        Failure::said(
            Exit::BadInput,
            msg!("cannot-write", path = shown.clone(), detail = e.to_string()),
        )
    })?;
    if ctx.global.json {
        return print_json(&serde_json::json!({
            "case": id,
            "file": shown,
            "events": export.events,
            "public_key": doc.signature.public_key,
            "fingerprint": doc.signature.fingerprint,
        }));
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "case-export-done",
            case = id.to_string(),
            path = shown,
            events = export.events,
            fingerprint = doc.signature.fingerprint.clone()
        )
    );
    Ok(())
}
