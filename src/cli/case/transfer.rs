//! `wardflow case transfer`: hand a case to another unit (police to civil affairs, one county
//! to another) as an event of its own.

use clap::Args;
use wardflow_engine::app::{Acted, Transfer};
use wardflow_engine::case::CaseId;

use super::super::case_id;
use super::super::{Ctx, parse_time, print_json};
use crate::failure::Failure;
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

/// What `case transfer` did: its `--json` value, as a server answers it too
/// (`POST /api/v1/cases/{id}/transfer`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Transferred {
    #[schema(value_type = String)]
    pub case: CaseId,
    /// The case's event number after the transfer.
    pub seq: u32,
    /// The unit that has the case now.
    pub unit: Option<String>,
    /// That unit's name in the registry.
    pub unit_name: Option<String>,
    pub officer: Option<String>,
}

impl Transferred {
    /// The result of the office's transfer.
    pub fn of(acted: &Acted) -> Self {
        let case = &acted.applied.outcome.case;
        Transferred {
            case: case.id.clone(),
            seq: case.seq,
            unit: case.unit.clone(),
            unit_name: case
                .unit
                .as_deref()
                .and_then(|u| acted.units.get(u))
                .map(|u| u.name.clone()),
            officer: case.officer.clone(),
        }
    }
}

/// The request `case transfer` sends to a server.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// The role you act in.
    #[serde(rename = "as")]
    pub role: String,
    /// The unit taking the case over.
    pub to: String,
    /// The officer (承办人) in the new unit.
    pub officer: Option<String>,
    /// Why the case is handed over.
    pub reason: Option<String>,
    /// When the hand-over happened, if earlier than now.
    pub at: Option<String>,
    /// Refuse unless the case is still at this event number.
    pub expect_seq: Option<u32>,
}

/// Records the transfer; the acting user must cover the case's current unit.
pub fn run(ctx: &Ctx, args: TransferArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    let done: Transferred = match ctx.remote()? {
        Some(remote) => remote.change(
            "POST",
            &format!("/api/v1/cases/{id}/transfer"),
            &TransferBody {
                role: args.role.clone(),
                to: args.to.clone(),
                officer: args.officer.clone(),
                reason: args.reason.clone(),
                at: at.map(|t| t.to_string()),
                expect_seq: args.expect_seq,
            },
        )?,
        None => {
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
            Transferred::of(&applied)
        }
    };
    if ctx.global.json {
        return print_json(ctx, &done);
    }
    let unit = match &done.unit_name {
        Some(name) => ctx.tr.key_title(&args.to, name),
        None => args.to.clone(),
    };
    println!(
        "{}",
        tr!(
            ctx.tr,
            "transferred",
            case = done.case.to_string(),
            unit = unit
        )
    );
    Ok(())
}
