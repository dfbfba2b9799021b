//! `wardflow verify [CASE]` recomputes the hash chains in the database;
//! `wardflow verify --file FILE --key PUBKEY` checks a signed case export without one;
//! `wardflow verify --file FILE` checks it against the database's key ring (every key the
//! office signed with, each in its period).
//! Exit 0 when everything holds, 4 at the first broken link or bad signature.

use std::io::{BufWriter, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;
use wardflow_engine::app::{ChainReport, Verdict, wire};
use wardflow_engine::case_export::{self, CaseExportError, SignatureCheck};
use wardflow_engine::chain::{Break, Verified};
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
    let stdout = std::io::stdout();
    let mut told = Told {
        ctx,
        tz: ctx.time_zone()?,
        out: BufWriter::new(stdout.lock()),
        cases: 0,
        verified: 0,
        events: 0,
        broken: 0,
        first: None,
        kept: Vec::new(),
        write_error: None,
    };
    match ctx.remote()? {
        // With `--server` the server recomputes the chains of the database it holds, and
        // answers with the whole report; it is told here in case order, as a local one is.
        Some(remote) => {
            let mut query = vec![("form", "parts".to_owned())];
            if let Some(id) = &only {
                query.push(("case", id.to_string()));
            }
            let report: ChainReport = remote.get("/api/v1/verify", &query)?;
            let mut verdicts: Vec<_> = report.verified.into_iter().map(Ok).collect();
            verdicts.extend(report.broken.into_iter().map(Err));
            verdicts.sort_by(|a, b| case_of(a).cmp(case_of(b)));
            for verdict in verdicts {
                if told.tell(verdict).is_break() {
                    break;
                }
            }
        }
        None => {
            let caller = ctx.caller(None)?;
            let office = ctx.office_for_read()?;
            office.verify_each(&caller, only.as_ref(), &mut |verdict| told.tell(verdict))?;
        }
    }
    told.finish()
}

fn case_of(verdict: &Verdict) -> &str {
    match verdict {
        Ok(v) => v.case.as_str(),
        Err(b) => b.case.as_str(),
    }
}

/// What `verify` prints, printed as each case's verdict arrives (in case order), so that a
/// database of a million cases is verified without holding a million results: the human
/// lines (a broken link, a history that begins before chaining) as they come and the total
/// at the end; under `--json`, every verified case as it comes. The JSON object therefore
/// opens with `verified` and ends with what is known only at the end (`broken`, the counts,
/// `ok`); its members are those `verify --json` always had, in another order. The broken
/// links are kept for that end (a database needing attention has few; each is a few hundred
/// bytes), and without `--json` only the first, for the exit's message.
struct Told<'a> {
    ctx: &'a Ctx,
    tz: jiff::tz::TimeZone,
    out: BufWriter<std::io::StdoutLock<'static>>,
    cases: u64,
    verified: u64,
    events: u64,
    broken: usize,
    first: Option<Break>,
    /// The broken links, under `--json` only.
    kept: Vec<Break>,
    write_error: Option<std::io::Error>,
}

impl Told<'_> {
    /// One case's verdict; breaks when standard output can no longer be written.
    fn tell(&mut self, verdict: Verdict) -> ControlFlow<()> {
        self.cases += 1;
        let written = match verdict {
            Ok(v) => {
                self.verified += 1;
                self.events += u64::from(v.events);
                if self.ctx.global.json {
                    self.json_verified(&v)
                } else if v.unchained > 0 {
                    let line = tr!(
                        self.ctx.tr,
                        "verify-unchained",
                        case = v.case.to_string(),
                        count = v.unchained
                    );
                    writeln!(self.out, "{line}")
                } else {
                    Ok(())
                }
            }
            Err(b) => {
                self.broken += 1;
                let written = if self.ctx.global.json {
                    self.kept.push(b.clone());
                    Ok(())
                } else {
                    writeln!(self.out, "{}", failure::chain_break(&self.ctx.tr, &b))
                };
                self.first.get_or_insert(b);
                written
            }
        };
        match written {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.write_error = Some(e);
                ControlFlow::Break(())
            }
        }
    }

    /// A verified case as an element of the `verified` array, opening the object before
    /// the first.
    fn json_verified(&mut self, v: &Verified) -> std::io::Result<()> {
        let value = wire::to_value(v, &self.tz).map_err(std::io::Error::other)?;
        let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
        let lead = if self.verified == 1 {
            "{\n  \"verified\": [\n"
        } else {
            ",\n"
        };
        self.out.write_all(lead.as_bytes())?;
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
            }
            write!(self.out, "    {line}")?;
        }
        Ok(())
    }

    /// The end: the JSON object closed, or the total; exit 4 at a broken link.
    fn finish(mut self) -> Result<(), Failure> {
        if self.write_error.is_none() {
            let written = if self.ctx.global.json {
                self.json_end()
            } else if self.broken == 0 {
                let line = tr!(
                    self.ctx.tr,
                    "verify-ok",
                    cases = self.verified,
                    events = self.events
                );
                writeln!(self.out, "{line}")
            } else {
                Ok(())
            };
            self.write_error = written.err();
        }
        match (self.write_error.take(), self.out.flush()) {
            (Some(e), _) | (None, Err(e)) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(Kind::Output(e).into());
            }
            _ => {}
        }
        match self.first {
            None => Ok(()),
            Some(first) => Err(Kind::ChainsBroken {
                count: self.broken,
                first,
            }
            .into()),
        }
    }

    fn json_end(&mut self) -> std::io::Result<()> {
        if self.verified == 0 {
            self.out.write_all(b"{\n  \"verified\": []")?;
        } else {
            self.out.write_all(b"\n  ]")?;
        }
        let end = json!({
            "ok": self.broken == 0,
            "cases": self.cases,
            "events": self.events,
            "broken": self.kept,
        });
        let value = wire::to_value(&end, &self.tz).map_err(std::io::Error::other)?;
        let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
        // `{` and the members: the members follow `verified`'s.
        let members = text.strip_prefix('{').unwrap_or(&text);
        writeln!(self.out, ",{members}")
    }
}

/// `verify --json` of the database, from a report in memory (the server's answer).
pub(crate) fn verify_json(report: &ChainReport) -> serde_json::Value {
    let events: u64 = report.verified.iter().map(|v| u64::from(v.events)).sum();
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
