//! W1: cases one after another, each step its own durable transaction; and the fsync limit it
//! is measured against, a raw redb commit of the same bytes.

use std::path::Path;
use std::time::{Duration, Instant};

use redb::{Database, TableDefinition};
use wardflow_engine::store::format::{NamesInMemory, StoredEvent, encode_case, encode_event};
use wardflow_engine::store::{Applied, Request};

use crate::stats::Sample;
use crate::workload::{self, STEPS, TRANSITIONS, at, fail};

/// What W1 measured.
pub struct Serial {
    pub step: Sample,
    /// The raw redb commits, one after each step, of the bytes that step wrote.
    pub raw: Sample,
    /// The same records committed raw into as many B-trees as a transition writes (events,
    /// snapshot, outbox entry, state index, timer): what the engine's layout costs in pages.
    pub raw_spread: Sample,
    /// Mean bytes of events and snapshot one step writes.
    pub bytes_per_step: usize,
    /// File size divided by the number of (closed) cases.
    pub file_per_case: u64,
    /// Where the file's bytes go, table by table.
    pub space: Vec<wardflow_engine::store::ops::TableSpace>,
}

/// Bytes of the events and of the snapshot a step wrote.
fn written(applied: &Applied) -> (usize, usize) {
    // Names as a database that has met them all writes them: by number.
    let mut names = NamesInMemory::default();
    let events: usize = applied
        .outcome
        .events
        .iter()
        .map(|e| {
            // As the store writes it: compact, with its chain hash (the previous one implied).
            let mut stored = StoredEvent::from(e);
            stored.hash = Some(wardflow_engine::chain::ChainHash("0".repeat(64)));
            encode_event(&stored, None, &mut names).map_or(0, |b| b.len())
        })
        .sum();
    (
        events,
        encode_case(&applied.outcome.case, &mut names).map_or(0, |b| b.len()),
    )
}

const RAW_EVENTS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("events");
const RAW_CASES: TableDefinition<&str, &[u8]> = TableDefinition::new("cases");
const RAW_OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");
const RAW_BY_STATE: TableDefinition<(u32, &str), ()> = TableDefinition::new("by_state");
const RAW_TIMERS: TableDefinition<(u32, &str), ()> = TableDefinition::new("timers");
/// An outbox entry's size in the engine (case, sequence number, kind, instant).
const OUTBOX_ENTRY: usize = 50;

/// The fsync limit: a durable redb commit of an event record and a snapshot record of the
/// given sizes, with no engine around it. Run in step with wardflow, on its own file, so
/// both see the same disk (a shared disk's fsync time drifts by 2× within minutes).
struct Raw {
    db: Database,
    n: u32,
    /// Whether each commit also writes the three index entries a transition writes.
    spread: bool,
}

impl Raw {
    fn commit(&mut self, case: &str, (events, snapshot): (usize, usize)) -> Duration {
        self.n += 1;
        let event = vec![b'e'; events];
        let snapshot = vec![b's'; snapshot];
        let entry = [b'o'; OUTBOX_ENTRY];
        let started = Instant::now();
        let commit = || -> Result<(), redb::Error> {
            let tx = self.db.begin_write()?;
            {
                tx.open_table(RAW_EVENTS)?
                    .insert((case, self.n), event.as_slice())?;
                tx.open_table(RAW_CASES)?
                    .insert(case, snapshot.as_slice())?;
                if self.spread {
                    // Keys spread as the engine's are: the outbox in commit order, the state
                    // index by state, the timers by due time.
                    tx.open_table(RAW_OUTBOX)?
                        .insert(u64::from(self.n), entry.as_slice())?;
                    let mut by_state = tx.open_table(RAW_BY_STATE)?;
                    let state = self.n % STEPS as u32;
                    by_state.remove(((state + STEPS as u32 - 1) % STEPS as u32, case))?;
                    by_state.insert((state, case), ())?;
                    tx.open_table(RAW_TIMERS)?
                        .insert((self.n.wrapping_mul(2_654_435_761), case), ())?;
                }
            }
            tx.commit()?;
            Ok(())
        };
        commit().unwrap_or_else(|e| fail("raw redb commit", e));
        started.elapsed()
    }
}

/// Runs `cases` cases through the workload, one durable command at a time, each followed by
/// a raw redb commit of the same bytes.
pub fn wardflow(dir: &Path, cases: usize) -> Serial {
    let path = dir.join("w1.redb");
    let raw_path = dir.join("raw.redb");
    let spread_path = dir.join("raw-spread.redb");
    let _ = std::fs::remove_file(&raw_path);
    let _ = std::fs::remove_file(&spread_path);
    let mut raw = Raw {
        db: Database::create(&raw_path).unwrap_or_else(|e| fail("raw redb", e)),
        n: 0,
        spread: false,
    };
    let mut spread = Raw {
        db: Database::create(&spread_path).unwrap_or_else(|e| fail("raw redb", e)),
        n: 0,
        spread: true,
    };
    let store = workload::create(&path);
    let context = workload::batch_context();
    let mut times = Vec::with_capacity(cases * STEPS);
    let mut raw_times = Vec::with_capacity(cases * STEPS);
    let mut spread_times = Vec::with_capacity(cases * STEPS);
    let mut bytes = 0usize;
    let mut clock = 0i64;
    for i in 0..cases {
        let Request::Open { workflow, command } = workload::open(i) else {
            fail("workload", "open is an Open request");
        };
        clock += 1;
        let now = at(clock);
        let c = clock_of(&context, now);
        let started = Instant::now();
        let applied = store
            .open_case(&workflow, command, &c, None)
            .unwrap_or_else(|e| fail("open", e));
        times.push(started.elapsed());
        let w = written(&applied);
        let id = applied.outcome.case.id;
        bytes += w.0 + w.1;
        raw_times.push(raw.commit(id.as_str(), w));
        spread_times.push(spread.commit(id.as_str(), w));
        for (n, name) in TRANSITIONS.iter().enumerate() {
            clock += 1;
            let now = at(clock);
            let Request::Apply { command, .. } = workload::advance(&id, n, now) else {
                fail("workload", "advance is an Apply request");
            };
            let c = clock_of(&context, now);
            let started = Instant::now();
            let applied = store
                .apply(&id, command, None, &c, None, None)
                .unwrap_or_else(|e| fail(name, e));
            times.push(started.elapsed());
            let w = written(&applied);
            bytes += w.0 + w.1;
            raw_times.push(raw.commit(id.as_str(), w));
            spread_times.push(spread.commit(id.as_str(), w));
        }
    }
    let space = store.space().unwrap_or_else(|e| fail("space", e));
    drop(store);
    drop(raw);
    drop(spread);
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&raw_path);
    let _ = std::fs::remove_file(&spread_path);
    Serial {
        bytes_per_step: bytes / times.len().max(1),
        step: Sample::of(times),
        raw: Sample::of(raw_times),
        raw_spread: Sample::of(spread_times),
        file_per_case: size / cases.max(1) as u64,
        space,
    }
}

fn clock_of(
    context: &wardflow_engine::store::BatchContext,
    now: jiff::Timestamp,
) -> wardflow_engine::step::Clock<'_> {
    wardflow_engine::step::Clock {
        now,
        tz: &context.tz,
        calendar: &context.calendar,
    }
}

/// Per-step time as milliseconds, for the table.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
