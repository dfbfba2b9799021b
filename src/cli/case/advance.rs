//! `wardflow case advance`: fire a transition.

use clap::Args;
use wardflow_engine::app::Advance;

use super::super::case_id;
use super::super::{Ctx, issued, parse_time, print_json};
use super::DataArgs;
use crate::failure::Failure;
use crate::show;
use crate::tr;

/// Arguments of `case advance`.
#[derive(Debug, Args)]
pub struct AdvanceArgs {
    /// The case id.
    case: String,
    /// The transition to fire.
    transition: String,
    /// The role you act in.
    #[arg(long = "as", value_name = "ROLE")]
    role: String,
    #[command(flatten)]
    data: DataArgs,
    /// A note kept with the event.
    #[arg(long)]
    note: Option<String>,
    /// When the act happened, if earlier than now.
    #[arg(long)]
    at: Option<String>,
    /// Refuse unless the case is still at this event number (as last seen).
    #[arg(long)]
    expect_seq: Option<u32>,
}

/// Fires the transition and prints the new state, spawned cases and letters.
pub fn run(ctx: &Ctx, args: AdvanceArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let input = args.data.read()?;
    let at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    let caller = ctx.caller(Some(&args.role))?;
    let office = ctx.office_for_write()?;
    let acted = office.advance(
        &caller,
        &Advance {
            case: id,
            transition: args.transition.clone(),
            input,
            note: args.note.clone(),
            at,
            expect_seq: args.expect_seq,
        },
    )?;
    let (applied, def) = (&acted.applied, &acted.def);
    let case = &applied.outcome.case;
    let renderer = issued::renderer_after_act(ctx, &office, &acted);
    let letters = issued::report_outcomes(
        ctx,
        def,
        renderer.as_deref(),
        case.id.as_str(),
        &applied.letters,
        false,
    );
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "case": case.id,
                "state": case.state,
                "seq": case.seq,
                "spawned": applied.spawned.iter().map(|c| serde_json::json!({"case": c.id, "workflow": c.workflow, "state": c.state})).collect::<Vec<_>>(),
                "letters": letters,
                "deadlines": case.deadlines.values().map(|d| serde_json::json!({"name": d.name, "due": d.due})).collect::<Vec<_>>(),
            }),
        );
    }
    let tr = &ctx.tr;
    println!(
        "{}",
        tr!(
            tr,
            "advanced",
            case = case.id.to_string(),
            state = show::state(tr, def, &case.state)
        )
    );
    for c in &applied.spawned {
        println!(
            "{}",
            tr!(
                tr,
                "spawned",
                case = c.id.to_string(),
                workflow = c.workflow.clone()
            )
        );
    }
    Ok(())
}
