//! `wardflow case advance`: fire a transition.

use clap::Args;
use wardflow_engine::step::Command;

use super::super::{Calendars, Ctx, letter, parse_time, print_json};
use super::{DataArgs, case_id, load};
use crate::failure::{Context, Failure};
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
    let raw = args.data.read()?;
    let store = ctx.store_for_write()?;
    let now = ctx.now(Some(&store))?;
    let (case, def) = load(&store, &id)?;
    let (actor, user) = ctx.authorize_fire(
        &store,
        &args.role,
        def.transition(&args.transition),
        case.unit.as_deref(),
    )?;
    let changes = raw.changes(&def)?;
    ctx.may_change(&store, &def, &user, &changes)?;
    let occurred_at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    if let Some(note) = &args.note
        && note
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(wardflow_engine::value::InputError::ControlCharacter {
            field: "--note".into(),
        }
        .into());
    }
    let command = Command::Fire {
        transition: args.transition.clone(),
        actor,
        changes,
        note: args.note.clone(),
        occurred_at,
    };
    let profile = ctx.profile(&store)?;
    let calendars = Calendars::load(ctx)?;
    let issues_letters = def
        .transition(&args.transition)
        .is_some_and(|t| !t.letters.is_empty());
    let renderer = letter::renderer_for_act(ctx, issues_letters);
    let desk = letter::desk(renderer.as_ref(), profile.as_ref());
    let applied = store
        .apply(
            &id,
            command,
            args.expect_seq,
            &calendars.clock(now),
            profile.as_ref(),
            desk.as_ref(),
        )
        .in_workflow(&def)?;
    let case = &applied.outcome.case;
    let letters = letter::report_outcomes(
        ctx,
        &def,
        renderer.as_ref(),
        case.id.as_str(),
        &applied.letters,
        false,
    );
    if ctx.global.json {
        return print_json(&serde_json::json!({
            "case": case.id,
            "state": case.state,
            "seq": case.seq,
            "spawned": applied.spawned.iter().map(|c| serde_json::json!({"case": c.id, "workflow": c.workflow, "state": c.state})).collect::<Vec<_>>(),
            "letters": letters,
            "deadlines": case.deadlines.values().map(|d| serde_json::json!({"name": d.name, "due": d.due})).collect::<Vec<_>>(),
        }));
    }
    let tr = &ctx.tr;
    println!(
        "{}",
        tr!(
            tr,
            "advanced",
            case = case.id.to_string(),
            state = show::state(tr, &def, &case.state)
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
