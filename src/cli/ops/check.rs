//! `wardflow check`: the integrity of the database, without changing it.

use clap::Args;
use serde_json::json;
use wardflow_engine::app::CheckReport;
use wardflow_engine::app::Office;

use super::super::{Ctx, print_json};
use crate::failure::{self, Failure, Kind};
use crate::i18n::Tr;
use crate::tr;

/// Arguments of `wardflow check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check this PostgreSQL database (`postgres://…`, else `WARDFLOW_DATABASE`) instead of
    /// the redb file of `--db`: on one consistent snapshot, with the same checks.
    #[arg(
        long,
        env = "WARDFLOW_DATABASE",
        hide_env_values = true,
        value_name = "URL"
    )]
    database: Option<String>,
}

/// Checks the database and reports every problem found (exit 5 when there is one).
///
/// With `--server` the server checks the database it holds (on a consistent copy, as here);
/// with `--database` the PostgreSQL database is checked here.
pub fn run(ctx: &Ctx, args: CheckArgs) -> Result<(), Failure> {
    if let Some(remote) = ctx.remote()? {
        let report: CheckReport = remote.get("/api/v1/check", &[("form", "parts".to_owned())])?;
        return report_check(ctx, &report, "check-failed");
    }
    let caller = ctx.caller(None)?;
    if let Some(url) = &args.database {
        let url = super::super::postgres_url(url)?;
        let office = ctx.office_served(Some(url), wardflow_engine::pg::Limits::default())?;
        let report = office.check_held(&caller)?;
        // Problems name the host and database, never the password.
        let place = std::path::PathBuf::from(wardflow_engine::pg::place(url));
        return report_check_of(ctx, &report, "check-failed", place);
    }
    let report = Office::check(
        &caller,
        &ctx.global.db,
        ctx.lock_timeout(),
        &ctx.detached_config(None)?,
    )?;
    report_check(ctx, &report, "check-failed")
}

fn messages(tr: &Tr, report: &CheckReport) -> Vec<String> {
    report
        .problems
        .iter()
        .map(|p| failure::check_problem(tr, p))
        .collect()
}

/// `check --json`: the problems in `tr`'s language.
pub(crate) fn check_json(tr: &Tr, report: &CheckReport) -> serde_json::Value {
    let messages = messages(tr, report);
    json!({
        "ok": messages.is_empty(),
        "needed_recovery": report.needed_recovery,
        "definitions": report.definitions,
        "cases": report.cases,
        "events": report.events,
        "crypto": report.crypto.key(),
        "problems": messages,
    })
}

/// Prints a check report; problems make the command fail with `failed_id`.
pub fn report_check(
    ctx: &Ctx,
    report: &CheckReport,
    failed_id: &'static str,
) -> Result<(), Failure> {
    report_check_of(ctx, report, failed_id, ctx.global.db.clone())
}

/// [`report_check`] of the database named `db` (a file, or a PostgreSQL database's place).
fn report_check_of(
    ctx: &Ctx,
    report: &CheckReport,
    failed_id: &'static str,
    db: std::path::PathBuf,
) -> Result<(), Failure> {
    let tr = &ctx.tr;
    let messages = messages(tr, report);
    if report.needed_recovery && !ctx.global.json {
        println!("{}", tr!(tr, "check-recovered"));
    }
    if ctx.global.json {
        print_json(ctx, &check_json(tr, report))?;
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
        println!("{}", crate::cli::national::crypto_line(tr, report.crypto));
    }
    if messages.is_empty() {
        return Ok(());
    }
    Err(Kind::Check {
        problems: report.problems.clone(),
        refusal: failed_id,
        db,
    }
    .into())
}
