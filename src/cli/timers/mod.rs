//! `wardflow timers …`, `wardflow agenda`, `wardflow case overdue`: legal deadlines that fire.

pub mod agenda;
pub mod tick;

use clap::Subcommand;
use serde_json::json;
use wardflow_engine::app::Due;

use super::Ctx;
use crate::failure::Failure;
use crate::show;

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
                })
            })
            .collect();
        return super::print_json(&out);
    }
    if dues.is_empty() {
        println!("{}", tr.t(empty_id));
    }
    for Due { view: v, def } in dues {
        let provisional = if v.deadline.provisional {
            tr.t("provisional")
        } else {
            String::new()
        };
        println!(
            "{}  {}  {}  {}  {}{provisional}",
            show::due_time(v.deadline.due),
            v.case,
            tr.key_title(&v.deadline.name, &v.deadline.title),
            v.workflow,
            show::state(tr, def, &v.state),
        );
    }
    Ok(())
}
