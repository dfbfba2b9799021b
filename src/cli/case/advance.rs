//! `wardflow case advance`: fire a transition.

use clap::Args;
use wardflow_engine::app::portable::dues;
use wardflow_engine::app::{Acted, Advance, Advanced, Office, SpawnedCase};

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

/// The request `case advance` sends to a server (`POST /api/v1/cases/{id}/advance`).
#[derive(serde::Serialize)]
struct AdvanceRequest<'a> {
    transition: &'a str,
    #[serde(rename = "as")]
    role: &'a str,
    #[serde(flatten)]
    data: super::DataBody,
    note: Option<&'a str>,
    at: Option<&'a str>,
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
    let (advanced, def) = match ctx.remote()? {
        Some(remote) => {
            let advanced: Advanced = remote.change(
                "POST",
                &format!("/api/v1/cases/{id}/advance"),
                &AdvanceRequest {
                    transition: &args.transition,
                    role: &args.role,
                    data: super::DataBody::of(&input)?,
                    note: args.note.as_deref(),
                    at: args.at.as_deref(),
                    expect_seq: args.expect_seq,
                },
            )?;
            // The definition words the state; a server that answered the act has it.
            let def = remote.definition(&advanced.version_hash).ok();
            (advanced, def)
        }
        None => {
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
            (advanced(ctx, &office, &acted), Some(acted.def.clone()))
        }
    };
    let tr = &ctx.tr;
    // The letters first, as they were issued with the act.
    issued::print_letter_lines(ctx, advanced.case.as_str(), &advanced.letters, false);
    if ctx.global.json {
        return print_json(ctx, &advanced);
    }
    let state = match &def {
        Some(def) => show::state(tr, def, &advanced.state),
        None => advanced.state.clone(),
    };
    println!(
        "{}",
        tr!(
            tr,
            "advanced",
            case = advanced.case.to_string(),
            state = state
        )
    );
    for c in &advanced.spawned {
        println!(
            "{}",
            tr!(
                tr,
                "spawned",
                case = c.case.to_string(),
                workflow = c.workflow.clone()
            )
        );
    }
    Ok(())
}

/// The result of an advance, its letters worded in the reader's language.
pub fn advanced<B: wardflow_engine::app::backend::Backend>(
    ctx: &Ctx,
    office: &Office<B>,
    acted: &Acted,
) -> Advanced {
    let (applied, def) = (&acted.applied, &acted.def);
    let case = &applied.outcome.case;
    let renderer = issued::renderer_after_act(ctx, office, acted);
    Advanced {
        case: case.id.clone(),
        state: case.state.clone(),
        seq: case.seq,
        spawned: applied
            .spawned
            .iter()
            .map(|c| SpawnedCase {
                case: c.id.clone(),
                workflow: c.workflow.clone(),
                state: c.state.clone(),
            })
            .collect(),
        letters: issued::letter_lines(ctx, def, renderer.as_deref(), &applied.letters),
        deadlines: dues(case),
        version_hash: case.version.clone(),
    }
}
