//! `wardflow case open`: a new case of the latest published version of a workflow.

use clap::Args;
use wardflow_engine::profile;
use wardflow_engine::step::Open;
use wardflow_engine::store::CommandFailure;

use super::super::{Calendars, Ctx, letter, parse_time, print_json};
use super::DataArgs;
use crate::failure::{Context, Failure};

/// Arguments of `case open`.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The workflow key, e.g. entrusted-care.
    workflow: String,
    /// The role you act in.
    #[arg(long = "as", value_name = "ROLE")]
    role: String,
    #[command(flatten)]
    data: DataArgs,
    /// When the act happened, if earlier than now (e.g. a report taken at night).
    #[arg(long)]
    at: Option<String>,
    /// The unit that handles the case (default: yours).
    #[arg(long)]
    unit: Option<String>,
    /// The assigned officer, 承办人 (default: you).
    #[arg(long)]
    officer: Option<String>,
}

/// Opens the case and prints its id.
pub fn run(ctx: &Ctx, args: OpenArgs) -> Result<(), Failure> {
    let raw = args.data.read()?;
    let store = ctx.store_for_write()?;
    let now = ctx.now(Some(&store))?;
    let (_, def) = store
        .latest(&args.workflow)?
        .ok_or_else(|| CommandFailure::UnknownWorkflow(args.workflow.clone()))?;
    let data = raw.changes(&def)?;
    let occurred_at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    let units = ctx.units(&store)?;
    let user = ctx.registered_user(&store, &units)?;
    let (unit, officer) =
        ctx.assignment(&store, &user, args.unit.as_deref(), args.officer.as_deref())?;
    let (actor, _) = ctx.authorize(&store, &args.role, Some(&unit))?;
    ctx.may_change(&store, &def, &user, &data)?;
    let profile = ctx.profile(&store)?;
    let calendars = Calendars::load(ctx)?;
    let command = Open {
        actor,
        unit: Some(unit),
        officer: Some(officer),
        data,
        occurred_at,
        profile: profile.as_ref().map(|p| p.name.clone()),
        settings: profile::settings_for(profile.as_ref(), &def),
        origin: None,
    };
    let renderer = letter::renderer_for_act(ctx, !def.start.letters.is_empty());
    let desk = letter::desk(renderer.as_ref(), profile.as_ref());
    let applied = store
        .open_case(
            &args.workflow,
            command,
            &calendars.clock(now),
            desk.as_ref(),
        )
        .in_workflow(&def)?;
    let case = &applied.outcome.case;
    // Standard output carries only the new id (scripts capture it); letters go to stderr.
    let letters = letter::report_outcomes(
        ctx,
        &def,
        renderer.as_ref(),
        case.id.as_str(),
        &applied.letters,
        true,
    );
    if ctx.global.json {
        return print_json(&serde_json::json!({
            "case": case.id,
            "workflow": case.workflow,
            "version": store
                .version_number(&case.workflow, &case.version)?,
            "version_hash": case.version,
            "state": case.state,
            "letters": letters,
            "deadlines": case.deadlines.values().map(|d| serde_json::json!({"name": d.name, "due": d.due})).collect::<Vec<_>>(),
        }));
    }
    println!("{}", case.id);
    Ok(())
}
