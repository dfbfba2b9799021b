//! `wardflow run`: the deadline runner as a long-lived process.
//!
//! It holds the database only while it ticks: open, fire what is due, close. Caseworkers'
//! commands take the file between ticks (they wait at most one tick for it). It sleeps until
//! the next timer in the index, but never longer than `--recheck`, so deadlines that other
//! processes set meanwhile are noticed within that bound.

use std::time::{Duration, Instant};

use clap::Args;
use jiff::Timestamp;
use wardflow_engine::app::{Caller, ClockSource, Office};

use super::{Ctx, parse_time};
use crate::failure::Failure;
use crate::tr;

/// Arguments of `wardflow run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Longest sleep between looks at the deadline index, in seconds.
    #[arg(long, default_value_t = 30.0)]
    recheck: f64,
    #[command(flatten)]
    log: crate::log::LogArgs,
}

/// The runner's clock: the wall clock, or on a simulation database `--now` moving on in real
/// time from the start.
struct RunClock {
    start: Option<(Timestamp, Instant)>,
}

impl RunClock {
    fn now(&self) -> Timestamp {
        match self.start {
            Some((at, since)) => at
                .checked_add(jiff::SignedDuration::try_from(since.elapsed()).unwrap_or_default())
                .unwrap_or(at),
            None => <Office>::wall(),
        }
    }

    /// The caller for one tick: the runner's user on this clock.
    fn caller(&self, ctx: &Ctx) -> Result<Caller, Failure> {
        let mut caller = ctx.caller(None)?;
        if self.start.is_some() {
            caller.clock = ClockSource::Requested(self.now());
        }
        Ok(caller)
    }
}

/// One tick: open, fire what is due (the office checks that the caller may run the deadlines;
/// they act as `system`), close. Returns when the next timer is due, if known; a busy
/// database is skipped until the next wake-up.
fn tick_once(
    ctx: &Ctx,
    clock: &RunClock,
    warned: &mut Option<Timestamp>,
) -> Result<Option<Timestamp>, Failure> {
    // A caseworker's command holds the file: try again at the next wake-up.
    let Some(office) = ctx.office_if_free(Duration::from_secs(2))? else {
        return Ok(None);
    };
    let caller = clock.caller(ctx)?;
    let (report, next) = office.run_tick(&caller)?;
    crate::log::fired(&report.fired);
    let now = clock.now();
    // The calendar's end is told at the first tick and then once a day.
    let day = jiff::SignedDuration::from_hours(24);
    if warned.is_none_or(|at| now.duration_since(at) >= day)
        && super::timers::tick::warn_calendar(ctx, &office, now)
    {
        *warned = Some(now);
    }
    for fired in &report.fired {
        if ctx.global.json {
            // One JSON object a line: a runner's output is a stream (JSON Lines, like export).
            let mut line = super::timers::tick::fired_json(fired);
            line["at"] = serde_json::json!(now);
            let line = office.wire(&line).map_err(Failure::bug)?;
            println!("{line}");
        } else {
            println!(
                "{}  {}",
                crate::show::local_time(now),
                super::timers::tick::fired_line(&ctx.tr, fired)
            );
        }
    }
    Ok(next)
}

/// Runs until SIGINT or SIGTERM.
pub fn run(ctx: &Ctx, args: RunArgs) -> Result<(), Failure> {
    // A server runs its own deadline runner: there is none to run beside it.
    if let Some(url) = &ctx.global.server {
        return Err(Failure::said(
            crate::failure::Exit::BadInput,
            crate::msg!("remote-run-served", url = url.clone()),
        )
        .with_key("--server"));
    }
    crate::log::start(args.log.format(&ctx.settings));
    // `--now` starts a simulated clock; the office refuses it on a real database.
    let clock = RunClock {
        start: match &ctx.global.now {
            Some(text) => Some((parse_time("--now", text)?, Instant::now())),
            None => None,
        },
    };
    let recheck = Duration::from_secs_f64(args.recheck.clamp(0.05, 3600.0));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::bug)?;
    runtime.block_on(async {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .map_err(Failure::bug)?;
        let said = |id: &str| {
            if ctx.global.json {
                println!("{}", serde_json::json!({ "runner": id }));
            } else if id == "started" {
                let db = ctx.global.db.display().to_string();
                println!("{}", tr!(ctx.tr, "run-started", db = db));
            } else {
                println!("{}", tr!(ctx.tr, "run-stopped"));
            }
        };
        said("started");
        tracing::info!(
            db = %ctx.global.db.display(),
            recheck_seconds = recheck.as_secs_f64(),
            "deadline runner started"
        );
        let mut warned = None;
        let mut first = true;
        loop {
            // The first tick's failure ends the runner (a runner that may not run, or a clock
            // the database refuses, must be seen at once); a later one is logged (standard
            // error) and the runner carries on, so one bad tick does not stop every deadline.
            let next = match tick_once(ctx, &clock, &mut warned) {
                Ok(next) => next,
                Err(failure) if !first => {
                    crate::log::service_failure(&ctx.tr, "tick", &failure);
                    None
                }
                Err(failure) => {
                    crate::log::service_failure(&ctx.tr, "tick", &failure);
                    return Err(failure);
                }
            };
            first = false;
            let until_next = next
                .and_then(|at| {
                    let wait = at.duration_since(clock.now());
                    Duration::try_from(wait).ok()
                })
                .unwrap_or(recheck);
            let sleep = until_next.min(recheck);
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = tokio::signal::ctrl_c() => break,
                _ = terminate.recv() => break,
            }
        }
        said("stopped");
        tracing::info!("deadline runner stopped");
        Ok(())
    })
}
