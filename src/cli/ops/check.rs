//! `wardflow check`: the integrity of the database, without changing it.

use serde_json::json;
use wardflow_engine::app::CheckReport;
use wardflow_engine::app::Office;

use super::super::{Ctx, print_json};
use crate::failure::{self, Failure, Kind};
use crate::tr;

/// Checks the database and reports every problem found (exit 5 when there is one).
pub fn run(ctx: &Ctx) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let report = Office::check(
        &caller,
        &ctx.global.db,
        ctx.lock_timeout(),
        &ctx.detached_config(None)?,
    )?;
    report_check(ctx, &report, "check-failed")
}

/// Prints a check report; problems make the command fail with `failed_id`.
pub fn report_check(
    ctx: &Ctx,
    report: &CheckReport,
    failed_id: &'static str,
) -> Result<(), Failure> {
    let tr = &ctx.tr;
    let messages: Vec<String> = report
        .problems
        .iter()
        .map(|p| failure::check_problem(tr, p))
        .collect();
    if report.needed_recovery && !ctx.global.json {
        println!("{}", tr!(tr, "check-recovered"));
    }
    if ctx.global.json {
        print_json(
            ctx,
            &json!({
                "ok": messages.is_empty(),
                "needed_recovery": report.needed_recovery,
                "definitions": report.definitions,
                "cases": report.cases,
                "events": report.events,
                "problems": messages,
            }),
        )?;
    } else if messages.is_empty() {
        println!(
            "{}",
            tr!(
                tr,
                "check-ok",
                definitions = report.definitions,
                cases = report.cases,
                events = report.events
            )
        );
    }
    if messages.is_empty() {
        return Ok(());
    }
    Err(Kind::Check {
        problems: report.problems.clone(),
        refusal: failed_id,
        db: ctx.global.db.clone(),
    }
    .into())
}
