//! `wardflow letter verify FILE` / `--code CODE`: is this paper or file an archived letter?
//!
//! A file is checked by its SHA-256 against the archived HTML, text and PDF: byte-identical or
//! not. When it is not, the verification codes printed in it (in a PDF, in its metadata) say
//! which letter it claims to be, so the answer names what was altered rather than only
//! "unknown".

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::LetterVerdict;
use wardflow_engine::letters::archive::normalize_code;

use super::super::{Ctx, print_json};
use super::archive::print_particulars;
use super::wire::{LetterParticulars, LimitedVerdict, Verified, VerifyBody};
use crate::failure::{Exit, Failure};
use crate::i18n::Tr;
use crate::msg;
use crate::tr;

/// Arguments of `letter verify`.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct VerifyArgs {
    /// A file to compare byte for byte with the archive (HTML, text or PDF as exported); someone
    /// who may not read the case gives the code printed on it as well.
    file: Option<PathBuf>,
    /// The verification code printed on a paper copy (核验码, e.g. 7KQ2M-XC4TA).
    #[arg(long)]
    code: Option<String>,
}

/// The answer for someone who may not read the case: valid, void or replaced, and the issuer.
fn print_limited(ctx: &Ctx, limited: &LimitedVerdict) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, limited);
    }
    let id = if limited.status == "valid" {
        "verify-limited-valid"
    } else {
        "verify-limited-void"
    };
    println!(
        "{}",
        ctx.tr
            .args(id, vec![("issuer", limited.issuer.clone().into())])
    );
    Ok(())
}

/// Checks the file or code and prints the letter it matches (exit 0), or says it matches none
/// (exit 1).
pub fn run(ctx: &Ctx, args: VerifyArgs) -> Result<(), Failure> {
    let tr = &ctx.tr;
    let code = match &args.code {
        None => None,
        Some(typed) => Some(normalize_code(typed).ok_or_else(|| {
            Failure::said(
                Exit::BadInput,
                msg!("verify-bad-code", code = typed.clone()),
            )
            .with_key("--code")
        })?),
    };
    // The file is read here, on the machine that holds it, also when a server answers.
    let bytes = match &args.file {
        None => None,
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            Failure::said(
                Exit::BadInput,
                msg!(
                    "cannot-read",
                    path = path.display().to_string(),
                    detail = e.to_string()
                ),
            )
        })?),
    };
    let file = args
        .file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let verified = match ctx.remote()? {
        Some(remote) => {
            use base64::Engine;
            remote.ask(
                "/api/v1/letters/verify",
                &VerifyBody {
                    code: code.clone(),
                    file: None,
                    file_base64: bytes
                        .as_ref()
                        .map(|b| base64::engine::general_purpose::STANDARD.encode(b)),
                    name: args.file.as_ref().map(|_| file.clone()),
                },
            )?
        }
        None => {
            // Anyone registered may check a paper they hold; what the answer tells depends on
            // whether they may read the case, and every verification is logged (the office
            // decides both).
            let caller = ctx.caller(None)?;
            let verdict =
                ctx.office_for_read()?
                    .verify_letter(&caller, code.as_deref(), bytes.as_deref())?;
            verified(&ctx.tr, verdict, code.as_deref(), &file)?
        }
    };
    match verified {
        Verified::Limited(limited) => print_limited(ctx, &limited),
        Verified::Particulars(particulars) => {
            if !ctx.global.json {
                // A file given is what was compared; else the code.
                if args.file.is_some() {
                    println!("{}", tr!(tr, "verify-identical", file = file));
                } else {
                    let code = code.unwrap_or_default();
                    println!("{}", tr!(tr, "verify-code-found", code = code));
                }
            }
            print_particulars(ctx, &particulars)
        }
    }
}

/// The office's verdict as the command's answer, or the failure it is (exit 1 or 4): shared
/// by the embedded command and the server. `file`: the copy's name as the messages give it.
pub fn verified(
    tr: &Tr,
    verdict: LetterVerdict,
    code: Option<&str>,
    file: &str,
) -> Result<Verified, Failure> {
    let file = file.to_owned();
    let message = match verdict {
        LetterVerdict::ByCode(record) | LetterVerdict::Identical(record) => {
            return Ok(Verified::Particulars(Box::new(LetterParticulars::of(
                &record, None,
            ))));
        }
        LetterVerdict::Limited { valid, issuer } => {
            return Ok(Verified::Limited(LimitedVerdict {
                status: if valid { "valid" } else { "void" }.to_owned(),
                issuer,
            }));
        }
        LetterVerdict::UnknownCode => msg!(
            "verify-code-unknown",
            code = code.unwrap_or_default().to_owned()
        ),
        LetterVerdict::NeedsCode => {
            return Err(
                Failure::said(Exit::Refused, msg!("verify-needs-code", file = file))
                    .with_key("--code"),
            );
        }
        // Not byte-identical: it claims to be these archived letters.
        LetterVerdict::Altered(claimed) => msg!(
            "verify-altered",
            file = file,
            letters = tr.list(
                &claimed
                    .iter()
                    .map(|(id, code)| format!("{id}（{code}）"))
                    .collect::<Vec<_>>()
            )
        ),
        LetterVerdict::Unknown(sha) => msg!("verify-unknown", file = file, sha = sha),
    };
    Err(Failure::said(Exit::Integrity, message))
}
