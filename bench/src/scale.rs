//! W4: a database of many cases loaded through the real step, its size, and a tick over it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wardflow_engine::case::CaseId;
use wardflow_engine::step::Clock;
use wardflow_engine::store::{Request, Store};

use crate::workload::{self, TRANSITIONS, at, fail};

/// Deadlines due when the tick runs.
pub const DUE: usize = 10;
/// One case in this many stops after screening, its first-visit deadline still running.
pub const OPEN_EVERY: usize = 100;
/// Cases per pair of load transactions (their openings, then all their steps).
const CHUNK: usize = 2_000;

/// A loaded database.
pub struct Built {
    pub path: PathBuf,
    pub cases: usize,
    pub load: Duration,
    /// A case left in `screened` (what `case show`/`case next` are timed on).
    pub open_case: CaseId,
}

/// Loads `cases` cases (plus `DUE` whose deadline falls due before the tick) through the
/// real step, in group-commit batches: every case closed but one in `OPEN_EVERY`.
pub fn build(dir: &Path, cases: usize) -> Built {
    let path = dir.join(format!("w4-{cases}.redb"));
    let store = workload::create(&path);
    let context = workload::batch_context();
    let started = Instant::now();
    // The due ones: opened at t0, first visit due 24 h later, never visited.
    let due: Vec<_> = (0..DUE).map(|i| (workload::open(i), at(0))).collect();
    check(&store.apply_batch(&due, &context));
    let mut open_case = None;
    let mut done = 0;
    while done < cases {
        let n = CHUNK.min(cases - done);
        // Opened two hours later: their first visit falls due after the tick.
        let opens: Vec<_> = (done..done + n)
            .map(|i| (workload::open(i), at(7_200)))
            .collect();
        let ids: Vec<CaseId> = store
            .apply_batch(&opens, &context)
            .iter()
            .map(workload::opened_id)
            .collect();
        let mut steps: Vec<(Request, jiff::Timestamp)> = Vec::with_capacity(n * TRANSITIONS.len());
        for (k, id) in ids.iter().enumerate() {
            let stop = if (done + k) % OPEN_EVERY == OPEN_EVERY / 2 {
                open_case.get_or_insert_with(|| id.clone());
                1
            } else {
                TRANSITIONS.len()
            };
            for step in 0..stop {
                let now = at(7_200 + 1 + step as i64);
                steps.push((workload::advance(id, step, now), now));
            }
        }
        check(&store.apply_batch(&steps, &context));
        done += n;
    }
    let load = started.elapsed();
    drop(store);
    Built {
        path,
        cases,
        load,
        open_case: open_case.unwrap_or_else(|| CaseId::new(2026, 1)),
    }
}

fn check(replies: &[wardflow_engine::store::Reply]) {
    if let Some(Err(e)) = replies.iter().find(|r| r.is_err()) {
        fail("bulk load", e);
    }
}

/// File bytes per case of a built database: its length, and the disk blocks it takes (redb
/// grows its file ahead of use, and the part not yet written takes no blocks).
pub fn file_per_case(built: &Built) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let n = (built.cases + DUE) as u64;
    std::fs::metadata(&built.path).map_or((0, 0), |m| (m.len() / n, m.blocks() * 512 / n))
}

/// `wardflow db compact` on a built database (`Store::compact`: the per-case tables rewritten
/// in key order, the free pages given back); how long it took.
pub fn compact(built: &Built) -> Duration {
    let mut store =
        Store::open(&built.path, Duration::from_secs(5)).unwrap_or_else(|e| fail("open", e));
    let started = Instant::now();
    store.compact().unwrap_or_else(|e| fail("compact", e));
    started.elapsed()
}

/// One `timers tick` 25 hours after t0: the `DUE` deadlines fire, no other is due.
pub fn tick(built: &Built) -> (Duration, usize) {
    let store =
        Store::open(&built.path, Duration::from_secs(5)).unwrap_or_else(|e| fail("open", e));
    let context = workload::batch_context();
    let clock = Clock {
        now: at(25 * 3_600),
        tz: &context.tz,
        calendar: &context.calendar,
    };
    let started = Instant::now();
    let report = store.tick(&clock, None).unwrap_or_else(|e| fail("tick", e));
    (started.elapsed(), report.fired.len())
}
