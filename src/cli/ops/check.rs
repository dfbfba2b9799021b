//! `wardflow check`: the integrity of the database, without changing it.

use serde_json::json;
use wardflow_engine::store::ops::{self, CheckProblem, CheckReport};

use super::super::{Ctx, print_json};
use crate::failure::{self, Exit, Failure, Located};
use crate::i18n::Tr;
use crate::tr;

/// Checks the database and reports every problem found (exit 5 when there is one).
pub fn run(ctx: &Ctx) -> Result<(), Failure> {
    let report =
        ops::check(&ctx.global.db, ctx.lock_timeout()).map_err(|e| failure::store(&ctx.tr, &e))?;
    report_check(ctx, &report, "check-failed")
}

/// Prints a check report; problems make the command fail with `failed_id`.
pub fn report_check(
    ctx: &Ctx,
    report: &CheckReport,
    failed_id: &'static str,
) -> Result<(), Failure> {
    let tr = &ctx.tr;
    let messages: Vec<String> = report.problems.iter().map(|p| problem(tr, p)).collect();
    if report.needed_recovery && !ctx.global.json {
        println!("{}", tr!(tr, "check-recovered"));
    }
    if ctx.global.json {
        print_json(&json!({
            "ok": messages.is_empty(),
            "needed_recovery": report.needed_recovery,
            "definitions": report.definitions,
            "cases": report.cases,
            "events": report.events,
            "problems": messages,
        }))?;
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
    // A file redb cannot read is a storage fault; a readable file whose records do not hold
    // together (a broken chain, a forged snapshot, a counter behind its numbers) is an
    // integrity failure, exit 4 as in `verify`.
    let storage_only = report.problems.iter().all(|p| {
        matches!(
            p,
            CheckProblem::Integrity { .. } | CheckProblem::Unreadable { .. }
        )
    });
    let exit = if storage_only {
        Exit::Storage
    } else {
        Exit::Integrity
    };
    let mut failure = Failure::new(
        exit,
        tr.args(
            failed_id,
            vec![
                ("count", messages.len().into()),
                ("path", ctx.global.db.display().to_string().into()),
            ],
        ),
    );
    // Each problem is printed on its own line before the summary (and listed in --json).
    failure.problems = messages
        .into_iter()
        .map(|message| Located {
            message,
            key: None,
            file: None,
            line: None,
            column: None,
        })
        .collect();
    Err(failure)
}

/// One problem as a sentence.
fn problem(tr: &Tr, p: &CheckProblem) -> String {
    match p {
        CheckProblem::Integrity { detail } => tr!(tr, "check-integrity", detail = detail.clone()),
        CheckProblem::Unreadable { record, detail } => tr!(
            tr,
            "check-unreadable",
            record = record.clone(),
            detail = detail.clone()
        ),
        CheckProblem::Definition {
            workflow,
            number,
            detail,
        } => tr!(
            tr,
            "check-definition",
            workflow = workflow.clone(),
            number = *number,
            detail = detail.clone()
        ),
        CheckProblem::Replay { case, detail } => tr!(
            tr,
            "check-replay",
            case = case.clone(),
            detail = detail.clone()
        ),
        CheckProblem::SnapshotDiffers { case } => {
            tr!(tr, "check-snapshot", case = case.clone())
        }
        CheckProblem::NoSnapshot { case } => tr!(tr, "check-no-snapshot", case = case.clone()),
        CheckProblem::UnknownVersion { case, version } => tr!(
            tr,
            "check-unknown-version",
            case = case.clone(),
            version = version.clone()
        ),
        CheckProblem::Index {
            index,
            entry,
            missing: true,
        } => tr!(
            tr,
            "check-index-missing",
            index = *index,
            entry = entry.clone()
        ),
        CheckProblem::Index { index, entry, .. } => tr!(
            tr,
            "check-index-extra",
            index = *index,
            entry = entry.clone()
        ),
        CheckProblem::Counter {
            year,
            counter,
            highest,
        } => tr!(
            tr,
            "check-counter",
            year = year.clone(),
            counter = *counter,
            highest = *highest
        ),
        CheckProblem::Chain { case, detail } => tr!(
            tr,
            "check-chain",
            case = case.clone(),
            detail = detail.clone()
        ),
    }
}
