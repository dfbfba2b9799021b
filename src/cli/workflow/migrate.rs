//! `wardflow workflow migrate`: an administrator moves running cases to another published
//! version of their workflow, with an explicit state mapping; `--dry-run` says what would
//! happen to each case and changes nothing.

use std::collections::BTreeMap;

use clap::Args;
use wardflow_engine::app::{Migration, MigrationReport};

use super::super::case_id;
use super::super::{Ctx, print_json};
use crate::failure::{Exit, Failure};
use crate::{msg, show, tr};

/// Arguments of `workflow migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The workflow key.
    workflow: String,
    /// The version to move to: its number or its hash (at least 8 hex digits).
    #[arg(long)]
    to_version: String,
    /// A case to move (repeat for more).
    #[arg(
        long = "case",
        value_name = "ID",
        required_unless_present = "all_running"
    )]
    cases: Vec<String>,
    /// Move every running case of the workflow that is not on that version yet.
    #[arg(long, conflicts_with = "cases")]
    all_running: bool,
    /// OLD_STATE=NEW_STATE (repeat for more); a state left out keeps its name.
    #[arg(long = "map", value_name = "OLD=NEW")]
    map: Vec<String>,
    /// Say what would happen to each case, change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Why the cases move (kept in each case's history).
    #[arg(long, value_parser = super::super::note_arg)]
    reason: String,
}

/// Most `--map` pairs accepted.
const MAX_MAPPINGS: usize = 200;

fn mapping(args: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    if args.len() > MAX_MAPPINGS {
        return Err(Failure::said(
            Exit::BadInput,
            msg!("migrate-too-many-maps", max = MAX_MAPPINGS),
        )
        .with_key("--map"));
    }
    let mut map = BTreeMap::new();
    for arg in args {
        let shown: String = arg.chars().take(80).collect();
        let bad = || {
            Failure::said(Exit::BadInput, msg!("migrate-bad-map", map = shown.clone()))
                .with_key("--map")
        };
        let (from, to) = arg.split_once('=').ok_or_else(bad)?;
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() || to.is_empty() || map.insert(from.to_owned(), to.to_owned()).is_some()
        {
            return Err(bad());
        }
    }
    Ok(map)
}

/// Plans the migration and, unless `--dry-run`, carries it out.
pub fn run(ctx: &Ctx, args: MigrateArgs) -> Result<(), Failure> {
    let cases = args
        .cases
        .iter()
        .map(|c| case_id(c))
        .collect::<Result<Vec<_>, _>>()?;
    let request = Migration {
        workflow: args.workflow.clone(),
        to: args.to_version.clone(),
        cases,
        all_running: args.all_running,
        map: mapping(&args.map)?,
        reason: args.reason.clone(),
        dry_run: args.dry_run,
    };
    let caller = ctx.caller(None)?;
    let office = if args.dry_run {
        ctx.office_for_read()?
    } else {
        ctx.office_for_write()?
    };
    let report = office.migrate(&caller, &request)?;
    if ctx.global.json {
        return print_json(ctx, &json(&report));
    }
    print(ctx, &report);
    Ok(())
}

fn json(report: &MigrationReport) -> serde_json::Value {
    serde_json::json!({
        "workflow": report.workflow,
        "to_version": report.to_number,
        "to_hash": report.to_version,
        "dry_run": report.dry_run,
        "cases": report.moved.iter().map(|m| serde_json::json!({
            "case": m.plan.case,
            "from_version": m.from_number,
            "from_hash": m.plan.from_version,
            "from_state": m.plan.from_state,
            "to_state": m.plan.to_state,
            "deadlines_kept": m.plan.kept,
            "deadlines_cancelled": m.plan.cancelled,
            "seq": m.plan.after.seq,
        })).collect::<Vec<_>>(),
    })
}

fn print(ctx: &Ctx, report: &MigrationReport) {
    let tr = &ctx.tr;
    if report.moved.is_empty() {
        println!("{}", tr!(tr, "migrate-none"));
        return;
    }
    let head = if report.dry_run {
        tr!(
            tr,
            "migrate-dry-run",
            workflow = report.workflow.clone(),
            number = report.to_number,
            hash = report.to_version.short().to_owned()
        )
    } else {
        tr!(
            tr,
            "migrate-done",
            workflow = report.workflow.clone(),
            number = report.to_number,
            hash = report.to_version.short().to_owned()
        )
    };
    println!("{head}");
    let def = &report.target;
    for m in &report.moved {
        let from_version = m
            .from_number
            .map(|n| n.to_string())
            .unwrap_or_else(|| m.plan.from_version.short().to_owned());
        println!(
            "{}",
            tr!(
                tr,
                "migrate-case",
                case = m.plan.case.to_string(),
                from_version = from_version,
                to_version = report.to_number.to_string(),
                from = m.plan.from_state.clone(),
                to = show::state(tr, def, &m.plan.to_state)
            )
        );
        if !m.plan.kept.is_empty() {
            println!(
                "  {}",
                tr!(tr, "migrate-kept", names = m.plan.kept.join(", "))
            );
        }
        if !m.plan.cancelled.is_empty() {
            println!(
                "  {}",
                tr!(tr, "migrate-cancelled", names = m.plan.cancelled.join(", "))
            );
        }
    }
}
