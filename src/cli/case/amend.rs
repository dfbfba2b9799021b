//! `wardflow case amend`: correct data as an event of its own; history is never rewritten.

use clap::Args;
use wardflow_engine::step::Command;

use super::super::{Calendars, Ctx, print_json};
use super::{DataArgs, case_id, load};
use crate::failure::{Context, Failure};
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

/// Records the correction.
pub fn run(ctx: &Ctx, args: AmendArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let raw = args.data.read()?;
    let store = ctx.store_for_write()?;
    let now = ctx.now(Some(&store))?;
    let (case, def) = load(&store, &id)?;
    let (actor, user) = ctx.authorize(&store, &args.role, case.unit.as_deref())?;
    let changes = raw.changes(&def)?;
    ctx.may_change(&store, &def, &user, &changes)?;
    let units = ctx.units(&store)?;
    wardflow_engine::authority::may_amend(&def, &user, &args.role, changes.keys()).among(&units)?;
    let command = Command::Amend {
        actor,
        changes,
        reason: args.reason.clone(),
        occurred_at: None,
        administrator: user.holds(wardflow_engine::authority::ADMIN_ROLE),
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
        return print_json(&serde_json::json!({"case": case.id, "seq": case.seq}));
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "amended",
            case = case.id.to_string(),
            seq = case.seq
        )
    );
    Ok(())
}
