//! `wardflow timers …`, `wardflow agenda`, `wardflow case overdue`: legal deadlines that fire.

pub mod agenda;
pub mod tick;

use clap::Subcommand;
use serde_json::json;
use wardflow_engine::app::Due;

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

/// Prints deadline views as lines or a JSON array.
pub fn print(ctx: &Ctx, dues: &[Due], empty_id: &str) -> Result<(), Failure> {
    let tr = &ctx.tr;
    if ctx.global.json {
        let out: Vec<_> = dues
            .iter()
            .map(|Due { view: v, priority, .. }| {
                json!({
                    "case": v.case, "workflow": v.workflow, "state": v.state,
                    "deadline": v.deadline.name, "title": v.deadline.title, "due": v.deadline.due,
                    "breached": v.deadline.breached, "provisional": v.deadline.provisional,
                    "unit": v.unit, "officer": v.officer,
                    "priority": priority.is_some(), "priority_title": priority,
                })
            })
            .collect();
        return super::print_json(ctx, &out);
    }
    if dues.is_empty() {
        println!("{}", tr.t(empty_id));
        return Ok(());
    }
    // The note column only when some deadline is provisional or some case has priority.
    let notes = dues
        .iter()
        .any(|d| d.view.deadline.provisional || d.priority.is_some());
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
    for Due {
        view: v,
        def,
        priority,
    } in dues
    {
        let mut row = vec![
            show::due_time(v.deadline.due),
            v.case.to_string(),
            tr.key_title(&v.deadline.name, &v.deadline.title),
            v.workflow.clone(),
            show::state(tr, def, &v.state),
        ];
        if notes {
            let mut note = String::new();
            if let Some(rule) = priority {
                note.push_str(&tr!(tr, "priority-mark", rule = rule.clone()));
            }
            if v.deadline.provisional {
                note.push_str(&tr.t("provisional"));
            }
            row.push(note);
        }
        table.row(row);
    }
    table.print();
    Ok(())
}
