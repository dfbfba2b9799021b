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
            .map(|Due { view: v, .. }| {
                json!({
                    "case": v.case, "workflow": v.workflow, "state": v.state,
                    "deadline": v.deadline.name, "title": v.deadline.title, "due": v.deadline.due,
                    "breached": v.deadline.breached, "provisional": v.deadline.provisional,
                    "unit": v.unit, "officer": v.officer,
                })
            })
            .collect();
        return super::print_json(&out);
    }
    if dues.is_empty() {
        println!("{}", tr.t(empty_id));
        return Ok(());
    }
    // The note column only when some deadline is provisional.
    let notes = dues.iter().any(|d| d.view.deadline.provisional);
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
    for Due { view: v, def } in dues {
        let mut row = vec![
            show::due_time(v.deadline.due),
            v.case.to_string(),
            tr.key_title(&v.deadline.name, &v.deadline.title),
            v.workflow.clone(),
            show::state(tr, def, &v.state),
        ];
        if notes && v.deadline.provisional {
            row.push(tr.t("provisional"));
        }
        table.row(row);
    }
    table.print();
    Ok(())
}
