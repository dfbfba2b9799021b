//! `wardflow timers tick`: fire what is due at the command's clock.

use serde_json::json;
use wardflow_engine::app::{Fired, Office, TickReport, Ticked};

use crate::i18n::Tr;

use super::super::{Ctx, print_json};
use crate::failure::Failure;
use crate::tr;

/// Warns on standard error when the published holiday calendar runs out within 60 days of
/// `now` (deadlines past its end are computed without holidays); true when it warned.
pub fn warn_calendar<B: wardflow_engine::app::backend::Backend>(
    ctx: &Ctx,
    office: &Office<B>,
    now: jiff::Timestamp,
) -> bool {
    match office.calendar_runs_out(now) {
        Some(end) => {
            warn_calendar_end(ctx, &end);
            true
        }
        None => false,
    }
}

/// The warning that the published calendar runs out at `end`.
pub fn warn_calendar_end(ctx: &Ctx, end: &wardflow_engine::app::CalendarEnd) {
    let words = tr!(
        ctx.tr,
        "calendar-runs-out",
        last_day = end.last_day.to_string(),
        days = end.days_left.max(0)
    );
    // In `serve` and `run` the warning is a log line like any other (JSON under
    // `--log-format json`).
    if crate::log::started() {
        tracing::warn!(last_day = %end.last_day, days_left = end.days_left, "{words}");
    } else {
        eprintln!("{words}");
    }
}

/// Fires due reminders and breaches and reports what happened.
///
/// With `--server` the server fires what is due at the command's clock now (its own runner
/// does the same on its schedule; firing twice fires nothing twice).
pub fn run(ctx: &Ctx) -> Result<(), Failure> {
    let report = match ctx.remote()? {
        Some(remote) => {
            let ticked: Ticked =
                remote.change("POST", "/api/v1/timers/tick", &serde_json::json!({}))?;
            if let Some(end) = &ticked.calendar_end {
                warn_calendar_end(ctx, end);
            }
            TickReport {
                fired: ticked.fired,
            }
        }
        None => {
            let caller = ctx.caller(None)?;
            let office = ctx.office_for_write()?;
            let report = office.tick(&caller)?;
            warn_calendar(ctx, &office, office.now(&caller)?);
            report
        }
    };
    let tr = &ctx.tr;
    if ctx.global.json {
        let out: Vec<_> = report.fired.iter().map(fired_json).collect();
        return print_json(ctx, &out);
    }
    if report.fired.is_empty() {
        println!("{}", tr!(tr, "tick-nothing"));
    }
    for f in &report.fired {
        println!("{}", fired_line(tr, f));
    }
    Ok(())
}

/// One thing the runner did, as a JSON object (`timers tick --json`, `run --json`).
pub fn fired_json(f: &Fired) -> serde_json::Value {
    match f {
        Fired::Adjusted {
            case,
            deadline,
            due,
        } => json!({"case": case, "adjusted": deadline, "due": due}),
        Fired::Reminded { case, deadline } => json!({"case": case, "reminded": deadline}),
        Fired::Breached { case, deadline } => json!({"case": case, "breached": deadline}),
        Fired::Transition {
            case,
            transition,
            to,
        } => json!({"case": case, "transition": transition, "to": to}),
        Fired::Spawned { case, parent } => json!({"case": case, "spawned_from": parent}),
    }
}

/// One thing the runner did, as a sentence.
pub fn fired_line(tr: &Tr, f: &Fired) -> String {
    match f {
        Fired::Adjusted {
            case,
            deadline,
            due,
        } => tr!(
            tr,
            "tick-adjusted",
            case = case.to_string(),
            deadline = deadline.clone(),
            due = crate::show::due_time(*due)
        ),
        Fired::Reminded { case, deadline } => tr!(
            tr,
            "tick-reminded",
            case = case.to_string(),
            deadline = deadline.clone()
        ),
        Fired::Breached { case, deadline } => tr!(
            tr,
            "tick-breached",
            case = case.to_string(),
            deadline = deadline.clone()
        ),
        Fired::Transition {
            case,
            transition,
            to,
        } => tr!(
            tr,
            "tick-transition",
            case = case.to_string(),
            transition = transition.clone(),
            to = to.clone()
        ),
        Fired::Spawned { case, parent } => tr!(
            tr,
            "tick-spawned",
            case = case.to_string(),
            parent = parent.to_string()
        ),
    }
}
