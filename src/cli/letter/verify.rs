//! `wardflow letter verify FILE` / `--code CODE`: is this paper or file an archived letter?
//!
//! A file is checked by its SHA-256 against the archived HTML and text: byte-identical or not.
//! When it is not, the verification codes printed in it say which letter it claims to be, so
//! the answer names what was altered rather than only "unknown".

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::authority::{self, User};
use wardflow_engine::letters::REPORTER_DOCUMENT;
use wardflow_engine::letters::archive::{normalize_code, sha256_hex};
use wardflow_engine::store::{AccessEntry, LetterKey, LetterRecord, Store};

use super::super::case::load;
use super::super::{Ctx, print_json};
use super::archive::{find, print_particulars};
use crate::failure::{Exit, Failure};
use crate::msg;
use crate::tr;

/// Arguments of `letter verify`.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct VerifyArgs {
    /// A file to compare byte for byte with the archive (HTML or text as exported); someone
    /// who may not read the case gives the code printed on it as well.
    file: Option<PathBuf>,
    /// The verification code printed on a paper copy (核验码, e.g. 7KQ2M-XC4TA).
    #[arg(long)]
    code: Option<String>,
}

/// What a verifying user may learn of an archived letter.
enum Reader {
    /// May read the case (and, for the report receipt, the reporter): every particular.
    Full,
    /// Anyone else: only whether the letter is valid, void or unknown, and who issued it.
    Outsider,
}

/// Whether `user` may read the letter's case (and, for the report receipt, the reporter).
fn reader(ctx: &Ctx, store: &Store, user: &User, r: &LetterRecord) -> Result<Reader, Failure> {
    let units = ctx.units(store)?;
    let (case, def) = load(store, &r.letter.case)?;
    let reaches = authority::may_reach(&units, user, case.unit.as_deref()).is_ok();
    let sees = r.letter.key != REPORTER_DOCUMENT || authority::sees_confidential(&def, user);
    Ok(if reaches && sees {
        Reader::Full
    } else {
        Reader::Outsider
    })
}

/// Records one verification in the access log: which letter (or none), and how much the
/// answer told.
fn log(
    ctx: &Ctx,
    store: &Store,
    case: &str,
    what: String,
    outcome: Option<String>,
) -> Result<(), Failure> {
    let entry = AccessEntry {
        id: format!(
            "{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ),
        at: ctx.now(Some(store))?,
        user: ctx.user(),
        case: case.to_owned(),
        action: what,
        allowed: true,
        reason: outcome,
    };
    Ok(store.record_access(&entry)?)
}

/// The answer for someone who may not read the case: valid, void or replaced, and the issuer.
fn print_limited(ctx: &Ctx, r: &LetterRecord) -> Result<(), Failure> {
    let l = &r.letter;
    let valid = r.voided.is_none() && r.replaced_by.is_none();
    let issuer = l
        .issuer
        .as_ref()
        .map_or_else(|| l.role.clone(), |b| b.name.clone());
    if ctx.global.json {
        return print_json(&serde_json::json!({
            "status": if valid { "valid" } else { "void" },
            "issuer": issuer,
        }));
    }
    let id = if valid {
        "verify-limited-valid"
    } else {
        "verify-limited-void"
    };
    println!("{}", ctx.tr.args(id, vec![("issuer", issuer.into())]));
    Ok(())
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
    // Anyone registered may check a paper they hold; what the answer tells depends on whether
    // they may read the case, and every verification is logged.
    let units = ctx.units(&store)?;
    let user = ctx.registered_user(&store, &units)?;
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
    if let (Some(code), None) = (&code, &args.file) {
        let Some(id) = store.find_letter(LetterKey::Code, code)? else {
            log(
                ctx,
                &store,
                "*",
                "letter-verify".into(),
                Some(format!("code {code}: unknown")),
            )?;
            return Err(Failure::said(
                Exit::Integrity,
                msg!("verify-code-unknown", code = code.clone()),
            ));
        };
        let record = find(&store, &id)?;
        let reader = reader(ctx, &store, &user, &record)?;
        let case = record.letter.case.to_string();
        if let Reader::Outsider = reader {
            log(
                ctx,
                &store,
                &case,
                format!("letter-verify:{id}"),
                Some("limited answer".into()),
            )?;
            return print_limited(ctx, &record);
        }
        log(ctx, &store, &case, format!("letter-verify:{id}"), None)?;
        if !ctx.global.json {
            println!("{}", tr!(tr, "verify-code-found", code = code.clone()));
        }
        return print_particulars(ctx, &record);
    }
    let Some(path) = &args.file else {
        return Err(Failure::said(Exit::BadInput, msg!("verify-nothing")));
    };
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::said(
            Exit::BadInput,
            msg!(
                "cannot-read",
                path = path.display().to_string(),
                detail = e.to_string()
            ),
        )
    })?;
    let sha = sha256_hex(&bytes);
    if let Some(id) = store.find_letter(LetterKey::Sha256, &sha)? {
        let record = find(&store, &id)?;
        let case = record.letter.case.to_string();
        if let Reader::Outsider = reader(ctx, &store, &user, &record)? {
            // A whole file is a guessing oracle for an outsider: it counts only together with
            // the code printed on that very letter.
            if code.as_deref() != Some(record.letter.code.as_str()) {
                log(
                    ctx,
                    &store,
                    "*",
                    "letter-verify".into(),
                    Some("file without its code".into()),
                )?;
                return Err(Failure::said(
                    Exit::Refused,
                    msg!("verify-needs-code", file = path.display().to_string()),
                )
                .with_key("--code"));
            }
            log(
                ctx,
                &store,
                &case,
                format!("letter-verify:{id}"),
                Some("limited answer".into()),
            )?;
            return print_limited(ctx, &record);
        }
        log(ctx, &store, &case, format!("letter-verify:{id}"), None)?;
        if !ctx.global.json {
            println!(
                "{}",
                tr!(tr, "verify-identical", file = path.display().to_string())
            );
        }
        return print_particulars(ctx, &record);
    }
    log(
        ctx,
        &store,
        "*",
        "letter-verify".into(),
        Some(format!("file {sha}: no match")),
    )?;
    // Not byte-identical: which archived letter does it claim to be? (Only those who may read
    // those letters' cases learn which; for others the answer stays "unknown".)
    let text = String::from_utf8_lossy(&bytes);
    let mut claimed = Vec::new();
    for code in codes_in(&text) {
        if let Some(id) = store.find_letter(LetterKey::Code, &code)?
            && matches!(
                reader(ctx, &store, &user, &find(&store, &id)?)?,
                Reader::Full
            )
        {
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
            letters = tr.list(&claimed)
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
