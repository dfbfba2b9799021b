//! `wardflow case transfer`: hand a case to another unit (police to civil affairs, one county
//! to another) as an event of its own.

use clap::Args;
use wardflow_engine::step::Command;

use super::super::{Calendars, Ctx, parse_time, print_json};
use super::{case_id, load};
use crate::failure::{Context, Failure};
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
    let store = ctx.store_for_write()?;
    let now = ctx.now(Some(&store))?;
    let (case, def) = load(&store, &id)?;
    let (actor, user) = ctx.authorize(&store, &args.role, case.unit.as_deref())?;
    let (to, officer) = ctx.assignment(&store, &user, Some(&args.to), args.officer.as_deref())?;
    let units = ctx.units(&store)?;
    wardflow_engine::authority::may_transfer(
        &def,
        &user,
        &args.role,
        case.unit.as_deref(),
        case.officer.as_deref(),
        &to,
    )
    .among(&units)?;
    let officer = args.officer.as_ref().map(|_| officer);
    let occurred_at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    let command = Command::Transfer {
        actor,
        to: to.clone(),
        officer,
        reason: args.reason.clone(),
        occurred_at,
    };
    let profile = ctx.profile(&store)?;
    let calendars = Calendars::load(ctx)?;
    let applied = store
        .apply(
            &id,
            command,
            args.expect_seq,
            &calendars.clock(now),
            profile.as_ref(),
            None,
        )
        .in_workflow(&def)?;
    let case = &applied.outcome.case;
    if ctx.global.json {
        return print_json(&serde_json::json!({
            "case": case.id, "seq": case.seq, "unit": case.unit, "officer": case.officer,
        }));
    }
    let units = ctx.units(&store)?;
    println!(
        "{}",
        tr!(
            ctx.tr,
            "transferred",
            case = case.id.to_string(),
            unit = crate::failure::unit_named(&ctx.tr, &units, &to)
        )
    );
    Ok(())
}
