//! `wardflow letter issue` and `letter void`: the acts on letters that are not tied to a step.

use clap::Args;
use wardflow_engine::store::{IssueLetter, LetterFailure};

use super::super::case::{case_id, load};
use super::super::{Calendars, Ctx, print_json};
use super::{issued_line, renderer};
use crate::failure::{Context, Failure};
use crate::tr;

/// Arguments of `letter issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The case id.
    case: String,
    /// The document key, e.g. warning-letter.
    key: String,
    /// The role it is issued in (must be an issuer of the document).
    #[arg(long = "as", value_name = "ROLE")]
    role: String,
    /// A court case number, for documents a court numbers (else taken from the case).
    #[arg(long)]
    number: Option<String>,
    /// Re-issue: the archive id of the letter this one replaces (it stops counting).
    #[arg(long, value_name = "LETTER")]
    replaces: Option<String>,
    /// Refuse unless the case is still at this event number (as last seen).
    #[arg(long)]
    expect_seq: Option<u32>,
}

/// Arguments of `letter void`.
#[derive(Debug, Args)]
pub struct VoidArgs {
    /// The archive id of the letter (L2026-000001).
    letter: String,
    /// Why it is void (kept in the case's history).
    #[arg(long, value_parser = super::super::note_arg)]
    reason: String,
    /// The role you act in.
    #[arg(long = "as", value_name = "ROLE")]
    role: String,
}

/// Issues the letter and prints its number, archive id and verification code.
pub fn issue(ctx: &Ctx, args: IssueArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let renderer = renderer(ctx)?;
    let store = ctx.store_for_write()?;
    let now = ctx.now(Some(&store))?;
    let (case, def) = load(&store, &id)?;
    let (actor, _) = ctx.authorize(&store, &args.role, case.unit.as_deref())?;
    let profile = ctx.profile(&store)?;
    let calendars = Calendars::load(ctx)?;
    let desk = super::desk(Some(&renderer), profile.as_ref())
        .ok_or_else(|| Failure::bug("letters desk without a renderer".to_owned()))?;
    let request = IssueLetter {
        key: args.key.clone(),
        actor,
        number: args.number.clone(),
        replaces: args.replaces.clone(),
    };
    let (case, letter) = store
        .issue_letter(&id, request, args.expect_seq, &calendars.clock(now), &desk)
        .in_workflow(&def)?;
    if ctx.global.json {
        return print_json(&serde_json::json!({
            "case": case.id,
            "seq": case.seq,
            "letter": letter.id,
            "key": letter.key,
            "number": letter.number,
            "code": letter.code,
            "html_sha256": letter.html_sha256,
            "text_sha256": letter.text_sha256,
            "replaces": letter.replaces,
        }));
    }
    println!("{}", issued_line(ctx, Some(&renderer), &letter.reference()));
    Ok(())
}

/// Voids the letter.
pub fn void(ctx: &Ctx, args: VoidArgs) -> Result<(), Failure> {
    let store = ctx.store_for_write()?;
    let now = ctx.now(Some(&store))?;
    let record = store
        .letter(&args.letter)?
        .ok_or_else(|| LetterFailure::Unknown(args.letter.clone()))?;
    let (case, def) = load(&store, &record.letter.case)?;
    let (actor, _) = ctx.authorize(&store, &args.role, case.unit.as_deref())?;
    let calendars = Calendars::load(ctx)?;
    let case = store
        .void_letter(
            &record.letter.id,
            actor,
            &args.reason,
            &calendars.clock(now),
        )
        .in_workflow(&def)?;
    if ctx.global.json {
        return print_json(&serde_json::json!({
            "case": case.id,
            "seq": case.seq,
            "letter": record.letter.id,
            "voided": args.reason.trim(),
        }));
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "letter-voided",
            id = record.letter.id.clone(),
            number = record.letter.number.clone().unwrap_or_else(|| "-".into())
        )
    );
    Ok(())
}
