//! `wardflow run`: the deadline runner as a long-lived process.
//!
//! It holds the database only while it ticks: open, fire what is due, close. Caseworkers'
//! commands take the file between ticks (they wait at most one tick for it). It sleeps until
//! the next timer in the index, but never longer than `--recheck`, so deadlines that other
//! processes set meanwhile are noticed within that bound.

use std::time::{Duration, Instant};

use clap::Args;
use jiff::Timestamp;
use wardflow_engine::store::{Store, StoreError};

use super::{Calendars, Ctx};
use crate::failure::Failure;
use crate::tr;

/// Arguments of `wardflow run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Longest sleep between looks at the deadline index, in seconds.
    #[arg(long, default_value_t = 30.0)]
    recheck: f64,
}

/// The runner's clock: the real one, or on a simulation database `--now` moving in real time.
struct RunClock {
    start: Option<(Timestamp, Instant)>,
}

impl RunClock {
    fn now(&self) -> Timestamp {
        match self.start {
            Some((at, since)) => at
                .checked_add(jiff::SignedDuration::try_from(since.elapsed()).unwrap_or_default())
                .unwrap_or(at),
            None => Timestamp::now(),
        }
    }
}

/// One tick with the file held only for its duration; returns when to look again.
fn tick_once(
    ctx: &Ctx,
    clock: &RunClock,
    calendars: &Calendars,
) -> Result<Option<Timestamp>, Failure> {
    let store = match Store::open(&ctx.global.db, Duration::from_secs(2)) {
        Ok(store) => store,
        // A caseworker's command holds the file: try again at the next wake-up.
        Err(StoreError::Busy { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let profile = ctx.profile(&store)?;
    let now = clock.now();
    let report = store.tick(&calendars.clock(now), profile.as_ref())?;
    for fired in &report.fired {
        println!(
            "{}  {}",
            crate::show::local_time(now),
            super::timers::tick::fired_line(&ctx.tr, fired)
        );
    }
    Ok(store.next_firing()?)
}

/// Runs until SIGINT or SIGTERM.
pub fn run(ctx: &Ctx, args: RunArgs) -> Result<(), Failure> {
    let clock = {
        let store = ctx.store_for_read()?;
        let start = if store.meta().simulation {
            ctx.global
                .now
                .as_ref()
                .map(|_| ctx.now(Some(&store)))
                .transpose()?
        } else {
            None
        };
        RunClock {
            start: start.map(|at| (at, Instant::now())),
        }
    };
    let recheck = Duration::from_secs_f64(args.recheck.clamp(0.05, 3600.0));
    let calendars = Calendars::load(ctx)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::bug)?;
    runtime.block_on(async {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .map_err(Failure::bug)?;
        println!(
            "{}",
            tr!(
                ctx.tr,
                "run-started",
                db = ctx.global.db.display().to_string()
            )
        );
        loop {
            let next = tick_once(ctx, &clock, &calendars)?;
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
        println!("{}", tr!(ctx.tr, "run-stopped"));
        Ok(())
    })
}
