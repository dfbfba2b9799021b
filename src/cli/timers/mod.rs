//! `wardflow timers …`, `wardflow agenda`, `wardflow case overdue`: legal deadlines that fire.

pub mod agenda;
pub mod tick;

use clap::Subcommand;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;
use wardflow_engine::app::{Due, DueRow};
use wardflow_engine::definition::{Definition, VersionHash};

use super::Ctx;
use crate::failure::Failure;
use crate::show;
use crate::table::{Table, col};
use crate::tr;

/// Timer subcommands.
#[derive(Debug, Subcommand)]
pub enum TimersCommand {
    /// Fire every reminder and breach due now (or at --now); safe to run twice.
    Tick,
}

/// Runs a timers subcommand.
pub fn run(ctx: &Ctx, cmd: TimersCommand) -> Result<(), Failure> {
    match cmd {
        TimersCommand::Tick => tick::run(ctx),
    }
}

/// The rows of `dues` and the definitions that word their states.
pub fn due_rows(dues: &[Due]) -> (Vec<DueRow>, Defs) {
    let rows = dues.iter().map(DueRow::from).collect();
    let defs = dues
        .iter()
        .map(|d| (d.view.version.clone(), d.def.clone()))
        .collect();
    (rows, defs)
}

/// Definitions by version hash.
pub type Defs = HashMap<VersionHash, Arc<Definition>>;

/// Prints deadline rows as lines or a JSON array; `def` gives the definition of a version.
pub fn print(
    ctx: &Ctx,
    dues: &[DueRow],
    def: &dyn Fn(&VersionHash) -> Result<Arc<Definition>, Failure>,
    empty_id: &str,
) -> Result<(), Failure> {
    let tr = &ctx.tr;
    if ctx.global.json {
        // The version stays between the server and the command line.
        let mut out: Vec<_> = Vec::with_capacity(dues.len());
        for v in dues {
            let def = def(&v.version_hash)?;
            out.push(json!({
                    "case": v.case, "workflow": v.workflow, "state": v.state,
                    "deadline": v.deadline, "title": v.title,
                    "title_en": show::deadline_title_en(&def, &v.deadline), "due": v.due,
                    "breached": v.breached, "provisional": v.provisional,
                    "unit": v.unit, "officer": v.officer,
                    "priority": v.priority, "priority_title": v.priority_title,
                    "priority_title_en": v.priority_title_en,
            }));
        }
        return super::print_json(ctx, &out);
    }
    if dues.is_empty() {
        println!("{}", tr.t(empty_id));
        return Ok(());
    }
    // The note column only when some deadline is provisional or some case has priority.
    let notes = dues.iter().any(|d| d.provisional || d.priority);
    let mut headers = vec![
        col::DUE,
        col::CASE,
        col::DEADLINE,
        col::WORKFLOW,
        col::STATE,
    ];
    if notes {
        headers.push(col::NOTE);
    }
    let mut table = Table::new(tr, &headers);
    for v in dues {
        let def = def(&v.version_hash)?;
        let mut row = vec![
            show::due_time(v.due),
            v.case.to_string(),
            show::deadline(tr, &def, &v.deadline, &v.title),
            v.workflow.clone(),
            show::state(tr, &def, &v.state),
        ];
        if notes {
            let mut note = String::new();
            if let Some(rule) = &v.priority_title {
                let rule = show::pick(tr, rule, v.priority_title_en.as_deref());
                note.push_str(&tr!(tr, "priority-mark", rule = rule.to_owned()));
            }
            if v.provisional {
                note.push_str(&tr.t("provisional"));
            }
            row.push(note);
        }
        table.row(row);
    }
    table.print();
    Ok(())
}
