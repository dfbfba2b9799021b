//! `wardflow case export CASE --out FILE`: the case's chained history, its rules and its
//! letters in one JSON document signed with the office key, for `verify --file` elsewhere.

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::backend::Backend;
use wardflow_engine::app::{Caller, Office};
use wardflow_engine::case::CaseId;

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

/// A case's signed export as it travels from a server (`GET /api/v1/cases/{id}/export`):
/// the document's text exactly as the embedded command writes it, and what it prints.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SignedCase {
    /// The signed JSON document, as written to the file.
    pub document: String,
    /// The events in its chained history.
    pub events: usize,
    /// The office's public key that signed it.
    pub public_key: String,
    /// That key's fingerprint.
    pub fingerprint: String,
}

impl SignedCase {
    /// The export of case `id`, signed with the office key `key`.
    pub fn make<B: Backend>(
        office: &Office<B>,
        caller: &Caller,
        id: &CaseId,
        key: &wardflow_engine::seal::OfficeKey,
    ) -> Result<Self, Failure> {
        let export = office.export_case(caller, id, key)?;
        let doc = &export.document;
        let text = serde_json::to_string_pretty(&doc).map_err(Failure::bug)?;
        Ok(SignedCase {
            document: text + "\n",
            events: export.events,
            public_key: doc.signature.public_key.clone(),
            fingerprint: doc.signature.fingerprint.clone(),
        })
    }
}

/// Writes the signed export.
pub fn run(ctx: &Ctx, args: CaseExportArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let shown = args.out.display().to_string();
    let mut keys = ctx.key_files();
    if let Some(remote) = ctx.remote()? {
        // Signed by the server with the office key it holds; written here.
        let signed: SignedCase = remote.get(&format!("/api/v1/cases/{id}/export"), &[])?;
        Office::write_output_beside(
            &ctx.global.db,
            &args.out,
            signed.document.as_bytes(),
            args.force,
            &keys,
        )
        .exists_as("out-exists")?;
        return print_done(ctx, &id, shown, &signed);
    }
    let key_path = args.key.path(ctx);
    let caller = ctx.caller(None)?;
    let office = ctx.office_for_read()?;
    let key = key::load_with(ctx, &key_path)?;
    let signed = SignedCase::make(&office, &caller, &id, &key)?;
    keys.push(key_path.clone());
    office
        .write_output(&args.out, signed.document.as_bytes(), args.force, &keys)
        .exists_as("out-exists")?;
    print_done(ctx, &id, shown, &signed)
}

fn print_done(ctx: &Ctx, id: &CaseId, shown: String, signed: &SignedCase) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "case": id,
                "file": shown,
                "events": signed.events,
                "public_key": signed.public_key,
                "fingerprint": signed.fingerprint,
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
            events = signed.events,
            fingerprint = signed.fingerprint.clone()
        )
    );
    Ok(())
}
