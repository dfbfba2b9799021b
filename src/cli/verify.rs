//! `wardflow verify [CASE]` recomputes the hash chains in the database;
//! `wardflow verify --file FILE --key PUBKEY` checks a signed case export without one;
//! `wardflow verify --file FILE` checks it against the database's key ring (every key the
//! office signed with, each in its period).
//! Exit 0 when everything holds, 4 at the first broken link or bad signature.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;
use wardflow_engine::app::ChainReport;
use wardflow_engine::case_export::{self, CaseExportError, SignatureCheck};
use wardflow_engine::seal::{KeyRing, PublicKey, RingKey};

use super::case_id;
use super::{Ctx, print_json};
use crate::failure::{self, Exit, Failure, FileProblem, Kind};
use crate::msg;
use crate::tr;

/// Arguments of `wardflow verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this case (default: every case in the database).
    #[arg(conflicts_with = "file")]
    case: Option<String>,
    /// A signed export (`case export`) to check instead of the database; without --key, against
    /// the database's key ring.
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// An office public key to trust, as `wardflow key show` prints it (repeatable: the keys of
    /// `wardflow key ring`).
    #[arg(long, value_name = "PUBKEY", requires = "file")]
    key: Vec<String>,
}

/// Runs the verification.
pub fn run(ctx: &Ctx, args: VerifyArgs) -> Result<(), Failure> {
    match &args.file {
        Some(file) => verify_file(ctx, file, &args.key),
        None => verify_db(ctx, args.case.as_deref()),
    }
}

fn verify_db(ctx: &Ctx, case: Option<&str>) -> Result<(), Failure> {
    let only = case.map(case_id).transpose()?;
    // With `--server` the server recomputes the chains of the database it holds.
    let report: ChainReport = match ctx.remote()? {
        Some(remote) => {
            let mut query = vec![("form", "parts".to_owned())];
            if let Some(id) = &only {
                query.push(("case", id.to_string()));
            }
            remote.get("/api/v1/verify", &query)?
        }
        None => {
            let caller = ctx.caller(None)?;
            ctx.office_for_read()?.verify(&caller, only.as_ref())?
        }
    };
    let events: u32 = report.verified.iter().map(|v| v.events).sum();
    let unchained: Vec<_> = report.verified.iter().filter(|v| v.unchained > 0).collect();
    if ctx.global.json {
        print_json(ctx, &verify_json(&report))?;
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
        Some(first) => Err(Kind::ChainsBroken {
            count: report.broken.len(),
            first: first.clone(),
        }
        .into()),
    }
}

/// `verify --json` of the database.
pub(crate) fn verify_json(report: &ChainReport) -> serde_json::Value {
    let events: u32 = report.verified.iter().map(|v| v.events).sum();
    json!({
        "ok": report.broken.is_empty(),
        "cases": report.verified.len() + report.broken.len(),
        "events": events,
        "verified": report.verified,
        "broken": report.broken,
    })
}

fn read_export(path: &Path) -> Result<Vec<u8>, Failure> {
    let cannot = |e: std::io::Error| Failure::cannot_read(path, e.to_string());
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(case_export::MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > case_export::MAX_BYTES {
        return Err(Failure::cannot_read(
            path,
            msg!("export-too-large", limit = case_export::MAX_BYTES),
        ));
    }
    Ok(bytes)
}

/// The keys to trust: those given, else the database's key ring.
fn trusted(ctx: &Ctx, given: &[String]) -> Result<Vec<RingKey>, Failure> {
    if given.is_empty() {
        // Through a server: the keys it has signed with (its own key file's when never rotated).
        if let Some(remote) = ctx.remote()? {
            return remote.get("/api/v1/key/ring", &[]);
        }
        let caller = ctx.caller(None)?;
        let ring = ctx.office_for_read()?.key_ring(&caller, None)?;
        return ring
            .map(|r| r.keys)
            .ok_or_else(|| Failure::said(Exit::BadInput, msg!("key-ring-none")).with_key("--key"));
    }
    let mut keys = Vec::new();
    for text in given {
        let public = PublicKey::parse(text).map_err(|e| Failure::key(e, text.as_str()))?;
        keys.extend(KeyRing::first(&public).keys);
    }
    Ok(keys)
}

fn verify_file(ctx: &Ctx, path: &Path, given: &[String]) -> Result<(), Failure> {
    let trusted = trusted(ctx, given)?;
    let bytes = read_export(path)?;
    // A file that does not parse is bad input; one whose chain is broken fails verification.
    let verdict = case_export::verify_ring(&bytes, &trusted).map_err(|e| match e {
        CaseExportError::Malformed(detail) => Failure::said(
            Exit::BadInput,
            msg!(
                "export-malformed",
                path = path.display().to_string(),
                detail = detail
            ),
        ),
        CaseExportError::Broken(b) => Kind::ExportFile(FileProblem::Chain(b)).into(),
        // Only sealing checks the key against a database's profile.
        CaseExportError::KeyProfile { key, database } => Failure::key(
            wardflow_engine::seal::KeyError::WrongAlgorithm {
                expected: database,
                found: key,
            },
            path.display().to_string(),
        ),
    })?;
    let signature = (verdict.signature != SignatureCheck::Valid)
        .then(|| FileProblem::Signature(verdict.signature.clone()));
    let chain = verdict
        .chain
        .as_ref()
        .err()
        .cloned()
        .map(FileProblem::Chain);
    let rules = (!verdict.rules_match).then_some(FileProblem::RulesChanged);
    let letters = (!verdict.letters_unmatched.is_empty())
        .then(|| FileProblem::LettersUnmatched(verdict.letters_unmatched.clone()));
    let problems: Vec<FileProblem> = [signature, chain, rules, letters]
        .into_iter()
        .flatten()
        .collect();
    if ctx.global.json {
        print_json(
            ctx,
            &json!({
                "ok": verdict.ok(),
                "case": verdict.case,
                "signature": verdict.signature,
                "key_id": verdict.key.as_ref().map(|k| k.id),
                "chain": match &verdict.chain {
                    Ok(v) => json!({"ok": true, "events": v.events, "unchained": v.unchained, "head": v.head}),
                    Err(b) => json!({"ok": false, "break": b}),
                },
                "rules_match": verdict.rules_match,
                "letters_unmatched": verdict.letters_unmatched,
            }),
        )?;
    } else {
        for p in &problems {
            println!("{}", failure::file_problem(&ctx.tr, p));
        }
        if let (true, Ok(v)) = (problems.is_empty(), &verdict.chain) {
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "export-verified",
                    case = verdict.case.to_string(),
                    events = v.events,
                    fingerprint = verdict
                        .key
                        .as_ref()
                        .map(|k| format!("{} #{}", k.fingerprint, k.id))
                        .unwrap_or_default()
                )
            );
        }
    }
    match problems.into_iter().next() {
        None => Ok(()),
        Some(first) => Err(Kind::ExportFile(first).into()),
    }
}
