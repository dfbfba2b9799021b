//! `wardflow child show ID` (一人一档: one child across every case, as a timeline) and
//! `wardflow child find NAME [--born DATE]`.

use clap::Subcommand;
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use wardflow_engine::app::{ChildFile, ChildFileParts, ChildRead, FoundChild, MAX_FOUND};
use wardflow_engine::period::shanghai;

use super::case::filter::date_arg;
use super::case::history::describe;
use super::{Ctx, print_json};
use crate::failure::{self, Failure};
use crate::show::{self, local_time};
use crate::table::{Table, col};
use crate::tr;

/// Child subcommands.
#[derive(Debug, Subcommand)]
pub enum ChildCommand {
    /// One child's file: every case, letter, deadline and event, as a timeline.
    Show {
        /// The child's identity number, or the registry id of a child of unknown identity.
        child: String,
    },
    /// Children by name, with their cases (the birth date tells namesakes apart).
    Find {
        /// The child's name as recorded (child.name).
        name: String,
        /// Only children born on this day (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_arg)]
        born: Option<Date>,
    },
    /// Every read of a child's data, by whom, when and why (administrators and auditors).
    Access {
        /// The child's identity number, or the registry id of a child of unknown identity.
        child: String,
        /// Comma-separated values instead of a table.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
}

/// The path of a child's file on a server (the identity percent-encoded: a registry id is
/// the user's text).
fn child_path(child: &str) -> String {
    format!(
        "/api/v1/children/{}",
        percent_encoding::utf8_percent_encode(child.trim(), percent_encoding::NON_ALPHANUMERIC)
    )
}

/// Runs a child subcommand (with `--server`, the server reads and the same printer prints).
pub fn run(ctx: &Ctx, cmd: ChildCommand) -> Result<(), Failure> {
    if let Some(remote) = ctx.remote()? {
        return match cmd {
            ChildCommand::Access { child, csv } => {
                let reads: Vec<ChildRead> =
                    remote.get(&format!("{}/access", child_path(&child)), &[])?;
                print_access(ctx, &reads, csv)
            }
            ChildCommand::Show { child } => {
                let parts: ChildFileParts =
                    remote.get(&child_path(&child), &super::case::show::parts())?;
                let file = parts.into_file(|hash| remote.definition(hash))?;
                show_file(ctx, &file)
            }
            ChildCommand::Find { name, born } => {
                let mut query = vec![("name", name), ("form", "parts".to_owned())];
                if let Some(born) = born {
                    query.push(("born", born.to_string()));
                }
                let found: Vec<FoundChild> = remote.get("/api/v1/children", &query)?;
                show_found(ctx, &found)
            }
        };
    }
    let caller = ctx.caller(None)?;
    if let ChildCommand::Access { child, csv } = &cmd {
        // The access log is read whole, with what other commands appended folded in first.
        let reads = ctx.office_for_write()?.child_access(&caller, child)?;
        return print_access(ctx, &reads, *csv);
    }
    let office = ctx.office_for_read()?;
    match cmd {
        ChildCommand::Access { .. } => Ok(()),
        ChildCommand::Show { child } => show_file(ctx, &office.child(&caller, &child)?),
        ChildCommand::Find { name, born } => {
            show_found(ctx, &office.find_child(&caller, &name, born)?)
        }
    }
}

fn show_file(ctx: &Ctx, file: &ChildFile) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, &file_json(file));
    }
    print_file(ctx, file);
    Ok(())
}

fn show_found(ctx: &Ctx, found: &[FoundChild]) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, &found_list_json(found));
    }
    print_found(ctx, found);
    Ok(())
}

/// `child find --json`.
pub(crate) fn found_list_json(found: &[FoundChild]) -> serde_json::Value {
    serde_json::Value::Array(found.iter().map(found_json).collect())
}

/// An instant with the office's offset (`2026-11-23T10:00:00+08:00`).
fn instant(ts: Timestamp) -> String {
    ts.to_zoned_datetime(shanghai())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `child show --json`.
pub(crate) fn file_json(file: &ChildFile) -> serde_json::Value {
    let cases: Vec<_> = file
        .cases
        .iter()
        .map(|v| {
            let c = &v.case;
            json!({
                "case": c.id, "workflow": c.workflow, "workflow_title": v.def.title,
                "workflow_title_en": v.def.title_en,
                "state": c.state,
                "state_title": v.def.state(&c.state).map(|s| s.title.clone()),
                "state_title_en": v.def.state(&c.state).and_then(|s| s.title_en.clone()),
                "unit": c.unit, "officer": c.officer,
                "opened_at": instant(c.opened_at), "updated_at": instant(c.updated_at),
            })
        })
        .collect();
    let timeline: Vec<_> = file
        .timeline
        .iter()
        .filter_map(|m| {
            let view = file.cases.get(m.case)?;
            let event = view.events.get(m.event)?;
            Some(json!({
                "at": instant(m.at), "case": view.case.id, "workflow": view.case.workflow,
                "event": event,
            }))
        })
        .collect();
    let deadlines: Vec<_> = file
        .deadlines
        .iter()
        .map(|(case, d)| {
            let title_en = file
                .cases
                .iter()
                .find(|v| v.case.id == *case)
                .and_then(|v| show::deadline_title_en(&v.def, &d.name));
            json!({
                "case": case, "deadline": d.name, "title": d.title, "title_en": title_en,
                "due": instant(d.due),
                "breached": d.breached,
            })
        })
        .collect();
    let sealed: Vec<_> = file
        .sealed
        .iter()
        .map(|(case, workflow, state)| json!({"case": case, "workflow": workflow, "state": state}))
        .collect();
    json!({
        "child": file.child, "name": file.name, "birth_date": file.birth_date,
        "cases": cases, "timeline": timeline, "deadlines": deadlines, "sealed": sealed,
    })
}

fn print_file(ctx: &Ctx, file: &ChildFile) {
    let tr = &ctx.tr;
    println!(
        "{}",
        tr!(
            tr,
            "child-heading",
            child = file.child.clone(),
            name = file.name.clone().unwrap_or_else(|| tr!(tr, "none")),
            born = file.birth_date.clone().unwrap_or_else(|| tr!(tr, "none"))
        )
    );
    println!("\n{}", tr!(tr, "child-cases"));
    let mut table = Table::new(
        tr,
        &[
            col::CASE,
            col::WORKFLOW,
            col::STATE,
            col::UNIT,
            col::USER,
            col::UPDATED,
        ],
    );
    for v in &file.cases {
        let c = &v.case;
        table.row(vec![
            c.id.to_string(),
            show::workflow(tr, &v.def),
            show::state(tr, &v.def, &c.state),
            c.unit
                .as_deref()
                .map(|u| failure::unit_named(tr, &v.units, u))
                .unwrap_or_else(|| tr!(tr, "none")),
            c.officer.clone().unwrap_or_else(|| tr!(tr, "none")),
            local_time(c.updated_at),
        ]);
    }
    table.print();
    if !file.sealed.is_empty() {
        let ids: Vec<String> = file
            .sealed
            .iter()
            .map(|(id, _, _)| id.to_string())
            .collect();
        println!("{}", tr!(tr, "child-sealed", cases = tr.list(&ids)));
    }
    println!("\n{}", tr!(tr, "child-timeline"));
    for m in &file.timeline {
        let Some(view) = file.cases.get(m.case) else {
            continue;
        };
        let Some(e) = view.events.get(m.event) else {
            continue;
        };
        println!(
            "{}  {} #{:<3} {}  {}",
            local_time(m.at),
            view.case.id,
            e.seq,
            tr.key_title(&e.actor, &e.role),
            describe(tr, &view.def, &view.units, e)
        );
    }
    if !file.deadlines.is_empty() {
        println!("\n{}", tr!(tr, "child-deadlines"));
        let mut table = Table::new(tr, &[col::DUE, col::CASE, col::DEADLINE, col::STATUS]);
        for (case, d) in &file.deadlines {
            table.row(vec![
                show::due_time(d.due),
                case.to_string(),
                file.cases.iter().find(|v| v.case.id == *case).map_or_else(
                    || tr.key_title(&d.name, &d.title),
                    |v| show::deadline(tr, &v.def, &d.name, &d.title),
                ),
                if d.breached {
                    tr!(tr, "child-breached")
                } else {
                    tr!(tr, "child-running")
                },
            ]);
        }
        table.print();
    }
}

fn found_json(f: &FoundChild) -> serde_json::Value {
    json!({
        "child": f.child, "name": f.name, "birth_date": f.birth_date,
        "cases": f.cases.iter().map(|(id, workflow, state)| {
            json!({"case": id, "workflow": workflow, "state": state})
        }).collect::<Vec<_>>(),
    })
}

fn print_found(ctx: &Ctx, found: &[FoundChild]) {
    let tr = &ctx.tr;
    if found.is_empty() {
        println!("{}", tr!(tr, "child-none-found"));
        return;
    }
    for f in found {
        let who = f
            .child
            .clone()
            .unwrap_or_else(|| tr!(tr, "child-no-identity"));
        let born = f.birth_date.clone().unwrap_or_else(|| tr!(tr, "none"));
        let cases: Vec<String> = f.cases.iter().map(|(id, _, _)| id.to_string()).collect();
        println!(
            "{}",
            tr!(
                tr,
                "child-found",
                name = f.name.clone(),
                born = born,
                child = who,
                cases = tr.list(&cases)
            )
        );
    }
    if found.len() >= MAX_FOUND {
        println!("{}", tr!(tr, "child-found-more", max = MAX_FOUND));
    }
}

/// `child access --json`.
pub(crate) fn access_json(reads: &[ChildRead]) -> serde_json::Value {
    reads
        .iter()
        .map(|e| {
            json!({
                "at": instant(e.at), "user": e.user, "case": e.case, "action": e.action,
                "allowed": e.allowed, "reason": e.reason,
            })
        })
        .collect()
}

/// `child access`: the reads as a table (the reason beside the outcome), CSV or JSON.
fn print_access(ctx: &Ctx, reads: &[ChildRead], csv: bool) -> Result<(), Failure> {
    let clean = wardflow_engine::value::clean_name;
    if ctx.global.json {
        return print_json(ctx, &access_json(reads));
    }
    if csv {
        let mut w = ::csv::Writer::from_writer(std::io::stdout().lock());
        let written = w
            .write_record(["at", "user", "case", "action", "allowed", "reason"])
            .and_then(|()| {
                for e in reads {
                    w.write_record([
                        instant(e.at),
                        clean(&e.user),
                        clean(&e.case),
                        clean(&e.action),
                        e.allowed.to_string(),
                        clean(e.reason.as_deref().unwrap_or_default()),
                    ])?;
                }
                w.flush().map_err(::csv::Error::from)
            });
        return written
            .map_err(|e| failure::Kind::Output(std::io::Error::other(e.to_string())).into());
    }
    let tr = &ctx.tr;
    if reads.is_empty() {
        println!("{}", tr!(tr, "none"));
        return Ok(());
    }
    let mut table = Table::new(
        tr,
        &[col::AT, col::USER, col::CASE, col::ACTION, col::OUTCOME],
    );
    for e in reads {
        let reason = clean(e.reason.as_deref().unwrap_or_default());
        let outcome = match (e.allowed, e.reason.is_some()) {
            (false, _) => tr!(tr, "audit-refused", reason = reason),
            (true, true) => format!("{}  {reason}", tr!(tr, "audit-allowed")),
            (true, false) => tr!(tr, "audit-allowed"),
        };
        table.row(vec![
            local_time(e.at),
            clean(&e.user),
            clean(&e.case),
            clean(&e.action),
            outcome,
        ]);
    }
    table.print();
    Ok(())
}
