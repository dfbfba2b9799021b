//! `wardflow verify [CASE]` recomputes the hash chains in the database;
//! `wardflow verify --file FILE --key PUBKEY` checks a signed case export without one.
//! Exit 0 when everything holds, 4 at the first broken link or bad signature.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;
use wardflow_engine::export::{self, ExportError, SignatureCheck};
use wardflow_engine::seal::PublicKey;

use super::case::case_id;
use super::{Ctx, print_json};
use crate::failure::{self, Exit, Failure};
use crate::tr;

/// Arguments of `wardflow verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this case (default: every case in the database).
    #[arg(conflicts_with = "file")]
    case: Option<String>,
    /// A signed export (`case export`) to check instead of the database.
    #[arg(long, value_name = "FILE", requires = "key")]
    file: Option<PathBuf>,
    /// The office's public key, as `wardflow key show` prints it.
    #[arg(long, value_name = "PUBKEY", requires = "file")]
    key: Option<String>,
}

/// Runs the verification.
pub fn run(ctx: &Ctx, args: VerifyArgs) -> Result<(), Failure> {
    match (&args.file, &args.key) {
        (Some(file), Some(key)) => verify_file(ctx, file, key),
        _ => verify_db(ctx, args.case.as_deref()),
    }
}

fn verify_db(ctx: &Ctx, case: Option<&str>) -> Result<(), Failure> {
    let only = case.map(|c| case_id(ctx, c)).transpose()?;
    let store = ctx.store_for_read()?;
    if let Some(id) = &only
        && store
            .case_chain(id)
            .map_err(|e| failure::store(&ctx.tr, &e))?
            .is_none()
    {
        return Err(Failure::new(
            Exit::BadInput,
            tr!(ctx.tr, "unknown-case", case = id.to_string()),
        )
        .with_key(id.to_string()));
    }
    let report = store
        .verify_chains(only.as_ref())
        .map_err(|e| failure::store(&ctx.tr, &e))?;
    let events: u32 = report.verified.iter().map(|v| v.events).sum();
    let unchained: Vec<_> = report.verified.iter().filter(|v| v.unchained > 0).collect();
    if ctx.global.json {
        print_json(&json!({
            "ok": report.broken.is_empty(),
            "cases": report.verified.len() + report.broken.len(),
            "events": events,
            "verified": report.verified,
            "broken": report.broken,
        }))?;
    } else {
        for b in &report.broken {
            println!("{}", failure::chain_break(&ctx.tr, b));
        }
        for v in &unchained {
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "verify-unchained",
                    case = v.case.to_string(),
                    count = v.unchained
                )
            );
        }
        if report.broken.is_empty() {
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "verify-ok",
                    cases = report.verified.len(),
                    events = events
                )
            );
        }
    }
    match report.broken.first() {
        None => Ok(()),
        Some(first) => Err(failure::integrity(tr!(
            ctx.tr,
            "verify-failed",
            count = report.broken.len(),
            first = failure::chain_break(&ctx.tr, first)
        ))),
    }
}

fn read_export(ctx: &Ctx, path: &Path) -> Result<Vec<u8>, Failure> {
    let shown = path.display().to_string();
    let cannot = |detail: String| {
        Failure::new(
            Exit::BadInput,
            tr!(ctx.tr, "cannot-read", path = shown.clone(), detail = detail),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(export::MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(e.to_string()))?;
    if bytes.len() as u64 > export::MAX_BYTES {
        return Err(cannot(tr!(
            ctx.tr,
            "export-too-large",
            limit = export::MAX_BYTES
        )));
    }
    Ok(bytes)
}

fn verify_file(ctx: &Ctx, path: &Path, key: &str) -> Result<(), Failure> {
    let public = PublicKey::parse(key).map_err(|e| failure::key_error(&ctx.tr, &e, key))?;
    let bytes = read_export(ctx, path)?;
    let shown = path.display().to_string();
    let verdict = export::verify(&bytes, &public).map_err(|e| match e {
        ExportError::Malformed(detail) => Failure::new(
            Exit::BadInput,
            tr!(
                ctx.tr,
                "export-malformed",
                path = shown.clone(),
                detail = detail
            ),
        ),
        ExportError::Broken(b) => failure::integrity(failure::chain_break(&ctx.tr, &b)),
    })?;
    let signature = match &verdict.signature {
        SignatureCheck::Valid => None,
        SignatureCheck::Invalid => Some(tr!(ctx.tr, "export-signature-invalid")),
        SignatureCheck::UnexpectedAlgorithm { found } => {
            Some(tr!(ctx.tr, "export-algorithm", found = found.clone()))
        }
        SignatureCheck::OtherKey { signed_by } => Some(tr!(
            ctx.tr,
            "export-other-key",
            signed_by = signed_by.chars().take(80).collect::<String>()
        )),
    };
    let chain = verdict
        .chain
        .as_ref()
        .err()
        .map(|b| failure::chain_break(&ctx.tr, b));
    let rules = (!verdict.rules_match).then(|| tr!(ctx.tr, "export-rules-changed"));
    let letters = (!verdict.letters_unmatched.is_empty()).then(|| {
        tr!(
            ctx.tr,
            "export-letters-unmatched",
            letters = ctx.tr.list(&verdict.letters_unmatched)
        )
    });
    let problems: Vec<String> = [signature, chain, rules, letters]
        .into_iter()
        .flatten()
        .collect();
    if ctx.global.json {
        print_json(&json!({
            "ok": verdict.ok(),
            "case": verdict.case,
            "signature": verdict.signature,
            "chain": match &verdict.chain {
                Ok(v) => json!({"ok": true, "events": v.events, "unchained": v.unchained, "head": v.head}),
                Err(b) => json!({"ok": false, "break": b}),
            },
            "rules_match": verdict.rules_match,
            "letters_unmatched": verdict.letters_unmatched,
        }))?;
    } else {
        for p in &problems {
            println!("{p}");
        }
        if let (true, Ok(v)) = (problems.is_empty(), &verdict.chain) {
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "export-verified",
                    case = verdict.case.to_string(),
                    events = v.events,
                    fingerprint = public.fingerprint()
                )
            );
        }
    }
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(failure::integrity(first.clone())),
    }
}
