//! `wardflow case transfer`: hand a case to another unit (police to civil affairs, one county
//! to another) as an event of its own.

use clap::Args;
use wardflow_engine::app::Transfer;

use super::super::case_id;
use super::super::{Ctx, parse_time, print_json};
use crate::failure::{self, Failure};
use crate::tr;

/// Arguments of `case transfer`.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// The case id.
    case: String,
    /// The unit taking the case over.
    #[arg(long)]
    to: String,
    /// The officer (承办人) in the new unit; default: none until that unit names one.
    #[arg(long)]
    officer: Option<String>,
    /// The role you act in.
    #[arg(long = "as", value_name = "ROLE")]
    role: String,
    /// Why the case is handed over (kept in the history).
    #[arg(long, value_parser = super::super::note_arg)]
    reason: Option<String>,
    /// When the hand-over happened, if earlier than now.
    #[arg(long)]
    at: Option<String>,
    /// Refuse unless the case is still at this event number.
    #[arg(long)]
    expect_seq: Option<u32>,
}

/// Records the transfer; the acting user must cover the case's current unit.
pub fn run(ctx: &Ctx, args: TransferArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    let caller = ctx.caller(Some(&args.role))?;
    let applied = ctx.office_for_write()?.transfer(
        &caller,
        &Transfer {
            case: id,
            to: args.to.clone(),
            officer: args.officer.clone(),
            reason: args.reason.clone(),
            at,
            expect_seq: args.expect_seq,
        },
    )?;
    let case = &applied.outcome.case;
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "case": case.id, "seq": case.seq, "unit": case.unit, "officer": case.officer,
            }),
        );
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "transferred",
            case = case.id.to_string(),
            unit = failure::unit_named(&ctx.tr, &applied.units, &args.to)
        )
    );
    Ok(())
}
