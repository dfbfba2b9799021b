//! `wardflow case open`: a new case of the latest published version of a workflow.

use clap::Args;
use wardflow_engine::app::OpenCase;

use super::super::{Ctx, issued, parse_time, print_json};
use super::DataArgs;
use crate::failure::Failure;

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
    let input = args.data.read()?;
    let at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    let caller = ctx.caller(Some(&args.role))?;
    let office = ctx.office_for_write()?;
    let acted = office.open_case(
        &caller,
        &OpenCase {
            workflow: args.workflow.clone(),
            input,
            unit: args.unit.clone(),
            officer: args.officer.clone(),
            at,
        },
    )?;
    let case = &acted.outcome.case;
    // Standard output carries only the new id (scripts capture it); letters go to stderr.
    let renderer = issued::renderer_after_act(ctx, &office, &acted);
    let letters = issued::report_outcomes(
        ctx,
        &acted.def,
        renderer.as_deref(),
        case.id.as_str(),
        &acted.letters,
        true,
    );
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "case": case.id,
                "workflow": case.workflow,
                "version": acted.version,
                "version_hash": case.version,
                "state": case.state,
                "letters": letters,
                "deadlines": case.deadlines.values().map(|d| serde_json::json!({"name": d.name, "due": d.due})).collect::<Vec<_>>(),
            }),
        );
    }
    println!("{}", case.id);
    Ok(())
}
