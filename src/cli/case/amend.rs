//! `wardflow case amend`: correct data as an event of its own; history is never rewritten.

use clap::Args;
use wardflow_engine::app::{Amend, Amended};

use super::super::case_id;
use super::super::{Ctx, print_json};
use super::DataArgs;
use crate::failure::Failure;
use crate::tr;

/// Arguments of `case amend`.
#[derive(Debug, Args)]
pub struct AmendArgs {
    /// The case id.
    case: String,
    /// The role you act in.
    #[arg(long = "as", value_name = "ROLE")]
    role: String,
    #[command(flatten)]
    data: DataArgs,
    /// Why the data is corrected (kept in the history).
    #[arg(long, value_parser = super::super::note_arg)]
    reason: String,
    /// Refuse unless the case is still at this event number.
    #[arg(long)]
    expect_seq: Option<u32>,
}

/// The request `case amend` sends to a server (`POST /api/v1/cases/{id}/amend`).
#[derive(serde::Serialize)]
struct AmendRequest<'a> {
    #[serde(rename = "as")]
    role: &'a str,
    #[serde(flatten)]
    data: super::DataBody,
    reason: &'a str,
    expect_seq: Option<u32>,
}

/// Records the correction.
pub fn run(ctx: &Ctx, args: AmendArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let input = args.data.read()?;
    let amended: Amended = match ctx.remote()? {
        Some(remote) => remote.change(
            "POST",
            &format!("/api/v1/cases/{id}/amend"),
            &AmendRequest {
                role: &args.role,
                data: super::DataBody::of(&input)?,
                reason: &args.reason,
                expect_seq: args.expect_seq,
            },
        )?,
        None => {
            let caller = ctx.caller(Some(&args.role))?;
            let applied = ctx.office_for_write()?.amend(
                &caller,
                &Amend {
                    case: id,
                    input,
                    reason: args.reason.clone(),
                    expect_seq: args.expect_seq,
                },
            )?;
            let case = &applied.outcome.case;
            Amended {
                case: case.id.clone(),
                seq: case.seq,
            }
        }
    };
    if ctx.global.json {
        return print_json(ctx, &amended);
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "amended",
            case = amended.case.to_string(),
            seq = amended.seq
        )
    );
    Ok(())
}
