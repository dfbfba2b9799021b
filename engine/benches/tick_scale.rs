//! A tick's cost must follow the number of due deadlines, not the number of cases.
//! Run with `cargo bench -p wardflow-engine --bench tick_scale`; prints a table.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::Value;
use wardflow_engine::definition::{Data, load};
use wardflow_engine::period::{china_2025_2026, shanghai};
use wardflow_engine::step::{Actor, Clock, Open};
use wardflow_engine::store::Store;

const WORKFLOW: &str = include_str!("../../workflows/example-followup.yaml");
const DUE: usize = 10;

fn open(n: usize) -> Vec<Open> {
    (0..n)
        .map(|i| Open {
            published: None,
            crypto: Default::default(),
            external: None,
            actor: Actor {
                user: "bench".into(),
                role: "police".into(),
            },
            data: [
                ("child.name", Value::from(format!("儿童{i}"))),
                ("child.birth_date", Value::from("2016-03-01")),
                ("source", Value::from("mandatory_report")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Data>(),
            occurred_at: None,
            profile: None,
            settings: Data::new(),
            origin: None,
            unit: None,
            officer: None,
        })
        .collect()
}

fn at(s: &str) -> Timestamp {
    s.parse().expect("bench time")
}

/// A database with `cases` cases whose deadlines lie far ahead, plus `DUE` due at tick time.
fn tick_time(cases: usize) -> (Duration, usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.redb");
    let t0 = at("2026-11-23T02:00:00Z");
    let store = Store::create(&path, true, None, t0).expect("creates");
    let def = load("example-followup.yaml", WORKFLOW.as_bytes()).expect("workflow loads");
    store
        .publish(
            &[(
                "example-followup.yaml".into(),
                WORKFLOW.as_bytes().to_vec(),
                def,
            )],
            "bench",
            t0,
        )
        .expect("publishes");
    let tz = shanghai();
    let cal = china_2025_2026();
    // The 10 due ones: opened at t0, due 24 h later.
    store
        .open_cases(
            "example-followup",
            open(DUE),
            &Clock {
                now: t0,
                tz: &tz,
                calendar: &cal,
            },
        )
        .expect("opens due cases");
    // The rest: opened 30 days later, due after the tick.
    let later = Clock {
        now: at("2026-12-23T02:00:00Z"),
        tz: &tz,
        calendar: &cal,
    };
    let mut left = cases;
    while left > 0 {
        let batch = left.min(20_000);
        store
            .open_cases("example-followup", open(batch), &later)
            .expect("opens bulk");
        left -= batch;
    }
    drop(store);
    let store = Store::open(&path, Duration::from_secs(5)).expect("reopens");
    let tick = Clock {
        now: at("2026-11-25T02:00:00Z"),
        tz: &tz,
        calendar: &cal,
    };
    let started = Instant::now();
    let report = store.tick(&tick, None).expect("ticks");
    (started.elapsed(), report.fired.len())
}

fn main() {
    println!("timers tick with {DUE} due deadlines (durable commit included)");
    println!("{:>10} {:>12} {:>8}", "cases", "tick", "fired");
    for cases in [1_000, 10_000, 100_000] {
        let (time, fired) = tick_time(cases);
        println!(
            "{cases:>10} {:>9.2} ms {fired:>8}",
            time.as_secs_f64() * 1e3
        );
    }
}
