//! `wardflow workflow migrate`: an administrator moves running cases to another published
//! version of their workflow, with an explicit state mapping; `--dry-run` says what would
//! happen to each case and changes nothing.

use std::collections::BTreeMap;

use clap::Args;
use wardflow_engine::app::Migration;
use wardflow_engine::definition::Definition;

use super::super::admin::{MigrateBody, Migrated};

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

/// Plans the migration and, unless `--dry-run`, carries it out: on the server with
/// `--server`, else in the database.
pub fn run(ctx: &Ctx, args: MigrateArgs) -> Result<(), Failure> {
    let cases = args
        .cases
        .iter()
        .map(|c| case_id(c))
        .collect::<Result<Vec<_>, _>>()?;
    let map = mapping(&args.map)?;
    let (report, def) = match ctx.remote()? {
        Some(remote) => {
            let path = format!(
                "/api/v1/workflows/{}/migrate",
                percent_encoding::utf8_percent_encode(
                    &args.workflow,
                    percent_encoding::NON_ALPHANUMERIC
                )
            );
            let report: Migrated = remote.change(
                "POST",
                &path,
                &MigrateBody {
                    to_version: args.to_version.clone(),
                    cases: cases.iter().map(ToString::to_string).collect(),
                    all_running: args.all_running,
                    map,
                    reason: args.reason.clone(),
                    dry_run: args.dry_run,
                },
            )?;
            let def = remote.definition(&report.to_hash)?;
            (report, def)
        }
        None => {
            let request = Migration {
                workflow: args.workflow.clone(),
                to: args.to_version.clone(),
                cases,
                all_running: args.all_running,
                map,
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
            (Migrated::from(&report), report.target.clone())
        }
    };
    if ctx.global.json {
        return print_json(ctx, &report);
    }
    print(ctx, &report, &def);
    Ok(())
}

/// The office's request for a migration a server was sent (`body`) of `workflow`.
pub fn migration(workflow: &str, body: MigrateBody) -> Result<Migration, Failure> {
    if body.map.len() > MAX_MAPPINGS {
        return Err(Failure::said(
            Exit::BadInput,
            msg!("migrate-too-many-maps", max = MAX_MAPPINGS),
        )
        .with_key("map"));
    }
    if body.cases.len() > MAX_CASES {
        return Err(Failure::said(
            Exit::BadInput,
            msg!("migrate-too-many-cases", max = MAX_CASES),
        )
        .with_key("cases"));
    }
    Ok(Migration {
        workflow: workflow.to_owned(),
        to: body.to_version,
        cases: body
            .cases
            .iter()
            .map(|c| case_id(c))
            .collect::<Result<Vec<_>, _>>()?,
        all_running: body.all_running,
        map: body.map,
        reason: body.reason,
        dry_run: body.dry_run,
    })
}

/// Most cases one request names.
const MAX_CASES: usize = 10_000;

fn print(ctx: &Ctx, report: &Migrated, def: &Definition) {
    let tr = &ctx.tr;
    if report.cases.is_empty() {
        println!("{}", tr!(tr, "migrate-none"));
        return;
    }
    let head = if report.dry_run {
        tr!(
            tr,
            "migrate-dry-run",
            workflow = report.workflow.clone(),
            number = report.to_version,
            hash = report.to_hash.short().to_owned()
        )
    } else {
        tr!(
            tr,
            "migrate-done",
            workflow = report.workflow.clone(),
            number = report.to_version,
            hash = report.to_hash.short().to_owned()
        )
    };
    println!("{head}");
    for m in &report.cases {
        let from_version = m
            .from_version
            .map(|n| n.to_string())
            .unwrap_or_else(|| m.from_hash.short().to_owned());
        println!(
            "{}",
            tr!(
                tr,
                "migrate-case",
                case = m.case.clone(),
                from_version = from_version,
                to_version = report.to_version.to_string(),
                from = m.from_state.clone(),
                to = show::state(tr, def, &m.to_state)
            )
        );
        if !m.deadlines_kept.is_empty() {
            println!(
                "  {}",
                tr!(tr, "migrate-kept", names = m.deadlines_kept.join(", "))
            );
        }
        if !m.deadlines_cancelled.is_empty() {
            println!(
                "  {}",
                tr!(
                    tr,
                    "migrate-cancelled",
                    names = m.deadlines_cancelled.join(", ")
                )
            );
        }
    }
}
