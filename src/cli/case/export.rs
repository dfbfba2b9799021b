//! `wardflow case export CASE --out FILE`: the case's chained history, its rules and its
//! letters in one JSON document signed with the office key, for `verify --file` elsewhere.

use std::path::PathBuf;

use clap::Args;

use super::super::case_id;
use super::super::key::{self, KeyFileArg};
use super::super::{Ctx, print_json};
use crate::failure::{Context, Failure};
use crate::tr;

/// Arguments of `wardflow case export`.
#[derive(Debug, Args)]
pub struct CaseExportArgs {
    /// The case id.
    case: String,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace the `--out` file if it exists (never the database or its files).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    key: KeyFileArg,
}

/// Writes the signed export.
pub fn run(ctx: &Ctx, args: CaseExportArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let key_path = args.key.path(ctx);
    let key = key::load_with(ctx, &key_path)?;
    let caller = ctx.caller(None)?;
    let office = ctx.office_for_read()?;
    let export = office.export_case(&caller, &id, &key)?;
    let doc = &export.document;
    let text = serde_json::to_string_pretty(&doc).map_err(Failure::bug)?;
    let shown = args.out.display().to_string();
    let mut keys = ctx.key_files();
    keys.push(key_path.clone());
    office
        .write_output(&args.out, (text + "\n").as_bytes(), args.force, &keys)
        .exists_as("out-exists")?;
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "case": id,
                "file": shown,
                "events": export.events,
                "public_key": doc.signature.public_key,
                "fingerprint": doc.signature.fingerprint,
            }),
        );
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
