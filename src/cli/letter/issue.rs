//! `wardflow letter issue` and `letter void`: the acts on letters that are not tied to a step.

use clap::Args;
use wardflow_engine::app::{IssueRequest, VoidRequest};

use super::super::case_id;
use super::super::{Ctx, print_json};
use super::wire::{IssueBody, IssuedLetter, VoidBody, VoidedLetter};
use crate::failure::Failure;
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
    let issued: IssuedLetter = match ctx.remote()? {
        Some(remote) => remote.change(
            "POST",
            &format!("/api/v1/cases/{id}/letters"),
            &IssueBody {
                key: args.key.clone(),
                role: args.role.clone(),
                number: args.number.clone(),
                replaces: args.replaces.clone(),
                expect_seq: args.expect_seq,
            },
        )?,
        None => {
            let caller = ctx.caller(Some(&args.role))?;
            let office = ctx.office_for_write()?;
            let (case, letter) = office.issue_letter(
                &caller,
                &IssueRequest {
                    case: id,
                    key: args.key.clone(),
                    number: args.number.clone(),
                    replaces: args.replaces.clone(),
                    expect_seq: args.expect_seq,
                },
            )?;
            IssuedLetter::of(&case.id, case.seq, &letter)
        }
    };
    if ctx.global.json {
        return print_json(ctx, &issued);
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "letter-issued",
            title = issued.title.clone(),
            key = issued.key.clone(),
            number = issued
                .number
                .clone()
                .unwrap_or_else(|| tr!(ctx.tr, "letter-unnumbered")),
            id = issued.letter.clone(),
            code = issued.code.clone()
        )
    );
    Ok(())
}

/// Voids the letter.
pub fn void(ctx: &Ctx, args: VoidArgs) -> Result<(), Failure> {
    let voided: VoidedLetter = match ctx.remote()? {
        Some(remote) => remote.change(
            "POST",
            &format!(
                "/api/v1/letters/{}/void",
                super::super::remote::segment(&args.letter)
            ),
            &VoidBody {
                role: args.role.clone(),
                reason: args.reason.clone(),
            },
        )?,
        None => {
            let caller = ctx.caller(Some(&args.role))?;
            let (case, letter) = ctx.office_for_write()?.void_letter(
                &caller,
                &VoidRequest {
                    letter: args.letter.clone(),
                    reason: args.reason.clone(),
                },
            )?;
            VoidedLetter {
                case: case.id,
                seq: case.seq,
                letter: letter.id,
                number: letter.number,
                voided: args.reason.trim().to_owned(),
            }
        }
    };
    if ctx.global.json {
        return print_json(ctx, &voided);
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "letter-voided",
            id = voided.letter.clone(),
            number = voided.number.clone().unwrap_or_else(|| "-".into())
        )
    );
    Ok(())
}
