//! `wardflow case export CASE --out FILE`: the case's chained history, its rules and its
//! letters in one JSON document signed with the office key, for `verify --file` elsewhere.

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::export::{self, ExportError, Extras, Rules};
use wardflow_engine::store::output;
use wardflow_engine::store::{CommandFailure, StoreError};

use super::super::key::{self, KeyFileArg};
use super::super::{Ctx, print_json};
use super::case_id;
use crate::failure::{Context, Failure, Kind};
use crate::tr;

/// Arguments of `wardflow case export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
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
pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let key_path = args.key.path(ctx);
    let office = key::load(&key_path)?;
    let store = ctx.store_for_read()?;
    let now = ctx.now(Some(&store))?;
    let unknown = || CommandFailure::UnknownCase(id.clone());
    let chain = store.case_chain(&id)?.ok_or_else(unknown)?;
    let case = store.case(&id)?.ok_or_else(unknown)?;
    // The export is the whole record, unredacted: only for users of the case's unit who may
    // see its confidential fields.
    let def = store.definition(&case.version)?;
    ctx.read_case_if(&store, &case, "case-export", |user| {
        match &def.confidential {
            Some(c) if !wardflow_engine::authority::sees_confidential(&def, user) => {
                Err(wardflow_engine::authority::Denied::Confidential {
                    user: Box::new(user.clone()),
                    field: c.fields.join(", "),
                    needs: c.visible_to.clone(),
                })
            }
            _ => Ok(()),
        }
    })?;
    let stored = store
        .published(&case.version)?
        .ok_or_else(|| StoreError::Corrupt(format!("definition {} is missing", case.version)))?;
    let rules = Rules {
        workflow: case.workflow.clone(),
        hash: case.version.clone(),
        number: Some(stored.number),
        source: stored.source,
    };
    let head = chain.head.clone().unwrap_or(wardflow_engine::chain::Head {
        seq: case.seq,
        hash: case.head.clone(),
    });
    let letters = store
        .letters(Some(&id))?
        .into_iter()
        .map(|r| serde_json::to_value(r.letter))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::bug)?;
    let user = ctx.user();
    let extras = Extras {
        definition: rules,
        letters,
        exported_at: now,
        exported_by: &user,
    };
    // Here a broken chain is the case's, and anything else a record this database holds.
    let doc = export::seal(&id, &chain.records, head, extras, &office).map_err(|e| match e {
        ExportError::Broken(b) => Failure::from(Kind::ExportBroken(b)),
        ExportError::Malformed(detail) => StoreError::Corrupt(detail).into(),
    })?;
    let text = serde_json::to_string_pretty(&doc).map_err(Failure::bug)?;
    let shown = args.out.display().to_string();
    let mut protected = ctx.protected_files();
    protected.push(key_path.clone());
    output::write_output(&args.out, (text + "\n").as_bytes(), args.force, &protected)
        .exists_as("out-exists")?;
    if ctx.global.json {
        return print_json(&serde_json::json!({
            "case": id,
            "file": shown,
            "events": chain.records.len(),
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
            events = chain.records.len(),
            fingerprint = doc.signature.fingerprint.clone()
        )
    );
    Ok(())
}
