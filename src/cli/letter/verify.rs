//! `wardflow letter verify FILE` / `--code CODE`: is this paper or file an archived letter?
//!
//! A file is checked by its SHA-256 against the archived HTML and text: byte-identical or not.
//! When it is not, the verification codes printed in it say which letter it claims to be, so
//! the answer names what was altered rather than only "unknown".

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::FileCheck;
use wardflow_engine::letters::archive::normalize_code;

use super::super::Ctx;
use super::archive::print_particulars;
use crate::failure::{Exit, Failure};
use crate::msg;
use crate::tr;

/// Arguments of `letter verify`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct VerifyArgs {
    /// A file to compare byte for byte with the archive (HTML or text as exported).
    file: Option<PathBuf>,
    /// The verification code printed on a paper copy (核验码, e.g. 7KQ2M-XC4TA).
    #[arg(long)]
    code: Option<String>,
}

/// Checks the file or code and prints the letter it matches (exit 0), or says it matches none
/// (exit 1).
pub fn run(ctx: &Ctx, args: VerifyArgs) -> Result<(), Failure> {
    // Anyone registered may check a paper they hold; the answer gives particulars, no case data.
    let caller = ctx.caller(None)?;
    let tr = &ctx.tr;
    if let Some(typed) = &args.code {
        let code = normalize_code(typed).ok_or_else(|| {
            Failure::said(
                Exit::BadInput,
                msg!("verify-bad-code", code = typed.clone()),
            )
            .with_key("--code")
        })?;
        let record = ctx
            .office_for_read()?
            .letter_by_code(&caller, &code)?
            .ok_or_else(|| {
                Failure::said(
                    Exit::Integrity,
                    msg!("verify-code-unknown", code = code.clone()),
                )
            })?;
        if !ctx.global.json {
            println!("{}", tr!(tr, "verify-code-found", code = code.clone()));
        }
        return print_particulars(ctx, &record);
    }
    let Some(path) = &args.file else {
        return Err(Failure::said(Exit::BadInput, msg!("verify-nothing")));
    };
    let bytes = std::fs::read(path).map_err(|e| Failure::cannot_read(path, e.to_string()))?;
    let message = match ctx.office_for_read()?.letter_by_file(&caller, &bytes)? {
        FileCheck::Identical(record) => {
            if !ctx.global.json {
                println!(
                    "{}",
                    tr!(tr, "verify-identical", file = path.display().to_string())
                );
            }
            return print_particulars(ctx, &record);
        }
        // Not byte-identical: it claims to be these archived letters.
        FileCheck::Altered(claimed) => msg!(
            "verify-altered",
            file = path.display().to_string(),
            letters = claimed
                .iter()
                .map(|(id, code)| format!("{id}（{code}）"))
                .collect::<Vec<_>>()
        ),
        FileCheck::Unknown(sha) => msg!(
            "verify-unknown",
            file = path.display().to_string(),
            sha = sha
        ),
    };
    Err(Failure::said(Exit::Integrity, message))
}
