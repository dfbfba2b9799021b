//! What the hash chain costs a command: hashing one event (RFC 8785 JSON + SHA-256), against
//! the pure step that makes the events and the durable commit that stores them.
//! Run with `cargo bench -p wardflow-engine --bench chain_cost`; prints medians.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::Value;
use wardflow_engine::case::CaseId;
use wardflow_engine::chain;
use wardflow_engine::definition::{Data, VersionHash, load};
use wardflow_engine::period::{china_2025_2026, shanghai};
use wardflow_engine::step::{self, Actor, Clock, Open};
use wardflow_engine::store::Store;

const WORKFLOW: &str = include_str!("../../workflows/example-followup.yaml");
const RUNS: usize = 200;

fn command() -> Open {
    Open {
        published: None,
        crypto: Default::default(),
        external: None,
        actor: Actor {
            user: "bench".into(),
            role: "police".into(),
        },
        data: [
            ("child.name", Value::from("儿童")),
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
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time(mut f: impl FnMut()) -> Duration {
    median(
        (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                f();
                started.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let now: Timestamp = "2026-11-23T02:00:00Z".parse().expect("time");
    let (tz, cal) = (shanghai(), china_2025_2026());
    let clock = Clock {
        now,
        tz: &tz,
        calendar: &cal,
    };
    let def = load("example-followup.yaml", WORKFLOW.as_bytes()).expect("workflow loads");
    let hash = VersionHash::of(WORKFLOW.as_bytes());
    let id = CaseId::new(2026, 1);
    let outcome = step::open(&def, &hash, &id, command(), &clock).expect("opens");
    let events = outcome.events.len();

    let hashing = time(|| {
        let mut prev = None;
        for e in &outcome.events {
            prev = Some(chain::hash(Default::default(), &id, prev.as_ref(), e).expect("hash"));
        }
    });
    let values: Vec<Value> = outcome
        .events
        .iter()
        .map(|e| serde_json::to_value(e).expect("json"))
        .collect();
    let to_value = time(|| {
        for e in &outcome.events {
            std::hint::black_box(serde_json::to_value(e).expect("json"));
        }
    });
    let canonical = time(|| {
        for v in &values {
            std::hint::black_box(chain::canonical(&id, None, v).expect("jcs"));
        }
    });
    let bytes: usize = values
        .iter()
        .map(|v| chain::canonical(&id, None, v).expect("jcs").len())
        .sum();
    let opening = time(|| {
        step::open(&def, &hash, &id, command(), &clock).expect("opens");
    });

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.redb");
    let store = Store::create(&path, true, None, now).expect("creates");
    store
        .publish(
            &[(
                "example-followup.yaml".into(),
                WORKFLOW.as_bytes().to_vec(),
                def,
            )],
            "bench",
            now,
        )
        .expect("publishes");
    let committed = time(|| {
        store
            .open_cases("example-followup", [command()], &clock)
            .expect("opens");
    });

    // The step hashes each event as it folds it in; the writer hashes it again to store it.
    let per_command = hashing * 2;
    println!(
        "chain cost, median of {RUNS} runs (opening one example-followup case, {events} events):"
    );
    println!(
        "  hashing the command's events once: {:>8.1} µs ({:.1} µs per event)",
        hashing.as_secs_f64() * 1e6,
        hashing.as_secs_f64() * 1e6 / events as f64
    );
    println!(
        "    of which event to JSON {:.1} µs, RFC 8785 form {:.1} µs, SHA-256 the rest ({bytes} bytes)",
        to_value.as_secs_f64() * 1e6,
        canonical.as_secs_f64() * 1e6
    );
    println!(
        "  pure step::open (includes one hashing): {:>8.1} µs",
        opening.as_secs_f64() * 1e6
    );
    println!(
        "  durable open_case command (step + save + fsync): {:>8.1} µs",
        committed.as_secs_f64() * 1e6
    );
    println!(
        "  hashing share of a durable command (hashed twice): {:.1} %",
        per_command.as_secs_f64() / committed.as_secs_f64() * 100.0
    );
}
