//! `wardflow letter verify FILE` / `--code CODE`: is this paper or file an archived letter?
//!
//! A file is checked by its SHA-256 against the archived HTML and text: byte-identical or not.
//! When it is not, the verification codes printed in it say which letter it claims to be, so
//! the answer names what was altered rather than only "unknown".

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::letters::archive::{normalize_code, sha256_hex};
use wardflow_engine::store::LetterKey;

use super::super::Ctx;
use super::archive::{find, print_particulars};
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

/// Codes of the printed form found in `text`, in order, without repeats.
fn codes_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<String> = Vec::new();
    for w in chars.windows(11) {
        if w[5] == '-'
            && w.iter()
                .enumerate()
                .all(|(i, c)| i == 5 || c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            let candidate: String = w.iter().collect();
            if let Some(code) = normalize_code(&candidate)
                && code == candidate
                && !found.contains(&code)
            {
                found.push(code);
            }
        }
    }
    found
}

/// Checks the file or code and prints the letter it matches (exit 0), or says it matches none
/// (exit 1).
pub fn run(ctx: &Ctx, args: VerifyArgs) -> Result<(), Failure> {
    let store = ctx.store_for_read()?;
    // Anyone registered may check a paper they hold; the answer gives particulars, no case data.
    let units = ctx.units(&store)?;
    ctx.registered_user(&store, &units)?;
    let tr = &ctx.tr;
    if let Some(typed) = &args.code {
        let code = normalize_code(typed).ok_or_else(|| {
            Failure::said(
                Exit::BadInput,
                msg!("verify-bad-code", code = typed.clone()),
            )
            .with_key("--code")
        })?;
        let id = store.find_letter(LetterKey::Code, &code)?.ok_or_else(|| {
            Failure::said(
                Exit::Integrity,
                msg!("verify-code-unknown", code = code.clone()),
            )
        })?;
        let record = find(&store, &id)?;
        if !ctx.global.json {
            println!("{}", tr!(tr, "verify-code-found", code = code.clone()));
        }
        return print_particulars(ctx, &record);
    }
    let Some(path) = &args.file else {
        return Err(Failure::said(Exit::BadInput, msg!("verify-nothing")));
    };
    let bytes = std::fs::read(path).map_err(|e| Failure::cannot_read(path, e.to_string()))?;
    let sha = sha256_hex(&bytes);
    if let Some(id) = store.find_letter(LetterKey::Sha256, &sha)? {
        let record = find(&store, &id)?;
        if !ctx.global.json {
            println!(
                "{}",
                tr!(tr, "verify-identical", file = path.display().to_string())
            );
        }
        return print_particulars(ctx, &record);
    }
    // Not byte-identical: which archived letter does it claim to be?
    let text = String::from_utf8_lossy(&bytes);
    let mut claimed = Vec::new();
    for code in codes_in(&text) {
        if let Some(id) = store.find_letter(LetterKey::Code, &code)? {
            claimed.push(format!("{id}（{code}）"));
        }
    }
    let message = if claimed.is_empty() {
        msg!(
            "verify-unknown",
            file = path.display().to_string(),
            sha = sha
        )
    } else {
        msg!(
            "verify-altered",
            file = path.display().to_string(),
            letters = claimed
        )
    };
    Err(Failure::said(Exit::Integrity, message))
}

#[cfg(test)]
mod tests {
    use super::codes_in;

    #[test]
    fn finds_printed_codes() {
        assert_eq!(
            codes_in("核验码：7KQ2M-XC4TA 第1页 核验码：7KQ2M-XC4TA"),
            vec!["7KQ2M-XC4TA".to_owned()]
        );
        assert!(codes_in("2026-11-23 ABCDE-FGHIJ").is_empty());
    }
}
