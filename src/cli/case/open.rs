//! `wardflow case open`: a new case of the latest published version of a workflow.

use clap::Args;
use wardflow_engine::app::portable::dues;
use wardflow_engine::app::{Acted, Office, OpenCase, Opened};

use super::super::{Ctx, issued, parse_time, print_json};
use super::DataArgs;
use crate::failure::{Exit, Failure};

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
    /// The id another system gave the case (e.g. PSB-2026-0001): opening again with it gives
    /// the existing case back.
    #[arg(long = "external-id", value_name = "ID")]
    external_id: Option<String>,
    /// The system the external id comes from (default: you; over a server, your token's user).
    #[arg(long, value_name = "NAME", requires = "external_id")]
    source: Option<String>,
}

/// The request `case open` sends to a server (`POST /api/v1/cases`).
#[derive(serde::Serialize)]
struct OpenRequest<'a> {
    workflow: &'a str,
    #[serde(rename = "as")]
    role: &'a str,
    #[serde(flatten)]
    data: super::DataBody,
    at: Option<&'a str>,
    unit: Option<&'a str>,
    officer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
}

/// Opens the case and prints its id.
pub fn run(ctx: &Ctx, args: OpenArgs) -> Result<(), Failure> {
    let input = args.data.read()?;
    let at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    let opened = match ctx.remote()? {
        // Over a server the source is the system whose token sends the request.
        Some(_) if args.source.is_some() => {
            return Err(
                Failure::said(Exit::BadInput, crate::msg!("external-source-remote"))
                    .with_key("--source"),
            );
        }
        Some(remote) => remote.change(
            "POST",
            "/api/v1/cases",
            &OpenRequest {
                workflow: &args.workflow,
                role: &args.role,
                data: super::DataBody::of(&input)?,
                at: args.at.as_deref(),
                unit: args.unit.as_deref(),
                officer: args.officer.as_deref(),
                external_id: args.external_id.as_deref(),
            },
        )?,
        None => {
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
                    external_id: args.external_id.clone(),
                    source: args.source.clone(),
                },
            )?;
            opened(ctx, &office, &acted)
        }
    };
    // Standard output carries only the new id (scripts capture it); letters go to stderr.
    issued::print_letter_lines(ctx, opened.case.as_str(), &opened.letters, true);
    if opened.existing
        && !ctx.global.json
        && let Some(external) = &opened.external
    {
        eprintln!(
            "{}",
            crate::tr!(
                ctx.tr,
                "case-open-existing",
                id = external.id.clone(),
                source = external.source.clone(),
                case = opened.case.to_string()
            )
        );
    }
    if ctx.global.json {
        return print_json(ctx, &opened);
    }
    println!("{}", opened.case);
    Ok(())
}

/// The result of an open, its letters worded in the reader's language.
pub fn opened<B: wardflow_engine::app::backend::Backend>(
    ctx: &Ctx,
    office: &Office<B>,
    acted: &Acted,
) -> Opened {
    let case = &acted.outcome.case;
    let renderer = issued::renderer_after_act(ctx, office, acted);
    Opened {
        case: case.id.clone(),
        workflow: case.workflow.clone(),
        version: acted.version,
        version_hash: case.version.clone(),
        state: case.state.clone(),
        letters: issued::letter_lines(ctx, &acted.def, renderer.as_deref(), &acted.letters),
        deadlines: dues(case),
        external: case.external.clone(),
        existing: acted.existing,
    }
}
