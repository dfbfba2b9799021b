//! Workload W: the workflow, the data of each of its seven durable steps, and fresh databases.

use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use wardflow_engine::app::backend::Backend;
use wardflow_engine::authority::{ADMIN_ROLE, ANY_ROLE, DEFAULT_UNIT, Units};
use wardflow_engine::case::CaseId;
use wardflow_engine::definition::{Data, load};
use wardflow_engine::period::{china_2025_2026, shanghai};
use wardflow_engine::step::{Actor, Command, Open};
use wardflow_engine::store::{BatchContext, Request, Store};
use wardflow_engine::store::{StoredUnits, StoredUser};

/// The workflow of workload W (the peers implement the same machine).
pub const WORKFLOW: &str = include_str!("../workload.yaml");
/// Its key.
pub const KEY: &str = "bench-intake";
/// The transitions, in order; with the opening, seven durable steps per case.
pub const TRANSITIONS: [&str; 6] = ["screen", "visit", "assess", "plan", "review", "close"];
/// Durable steps per case.
pub const STEPS: usize = 1 + TRANSITIONS.len();

/// The clock every benchmark starts from (the engine never reads the wall clock).
pub fn t0() -> Timestamp {
    Timestamp::from_second(1_772_330_400).unwrap_or(Timestamp::UNIX_EPOCH) // 2026-03-01T02:00:00Z
}

/// `t0` plus some seconds.
pub fn at(seconds: i64) -> Timestamp {
    t0().saturating_add(SignedDuration::from_secs(seconds))
        .unwrap_or(Timestamp::MAX)
}

/// Shanghai time and the built-in holiday calendar; no profile.
pub fn batch_context() -> BatchContext {
    BatchContext {
        tz: shanghai(),
        calendar: china_2025_2026(),
        profile: None,
    }
}

/// A fresh simulation database at `path` with the workflow published.
pub fn create(path: &Path) -> Store {
    create_as(path, true)
}

/// A fresh database at `path` with the workflow published: a simulation database (its clock
/// may be given) or a real one (the wall clock only, as an office's server runs).
pub fn create_as(path: &Path, simulation: bool) -> Store {
    let _ = std::fs::remove_file(path);
    let store = Store::create(path, simulation, None, t0()).unwrap_or_else(|e| fail("create", e));
    populate(&store);
    store
}

/// Publishes the workflow into a fresh database of either backend, with one unit and one user
/// holding every role, as `init --admin-role '*'` makes them, so that the authority checks run
/// as they do for a caseworker.
pub fn populate<B: Backend>(backend: &B) {
    let def = load("workload.yaml", WORKFLOW.as_bytes()).unwrap_or_else(|e| fail("load", e));
    backend
        .publish_definitions(
            &[("workload.yaml".into(), WORKFLOW.as_bytes().to_vec(), def)],
            "bench",
            t0(),
        )
        .unwrap_or_else(|e| fail("publish", e));
    backend
        .load_units(StoredUnits {
            units: Units::single(),
            file: None,
            source: None,
            loaded_at: t0(),
            loaded_by: "bench".into(),
        })
        .unwrap_or_else(|e| fail("load units", e));
    backend
        .add_user(StoredUser {
            name: "bench".into(),
            roles: vec![ADMIN_ROLE.into(), ANY_ROLE.into()],
            unit: DEFAULT_UNIT.into(),
            enabled: true,
            added_at: t0(),
            added_by: "bench".into(),
            disabled_at: None,
            disabled_by: None,
        })
        .unwrap_or_else(|e| fail("add user", e));
}

/// Stops the benchmark with a message: a failed setup leaves nothing worth measuring.
pub fn fail(what: &str, e: impl std::fmt::Debug) -> ! {
    eprintln!("wardflow-bench: {what} failed: {e:?}");
    std::process::exit(1)
}

fn actor(role: &str) -> Actor {
    Actor {
        user: "bench".into(),
        role: role.into(),
    }
}

fn data(pairs: Vec<(&str, Value)>) -> Data {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Opening case number `i`.
pub fn open(i: usize) -> Request {
    Request::Open {
        workflow: KEY.into(),
        command: Open {
            published: None,
            crypto: Default::default(),
            actor: actor("caseworker"),
            data: data(vec![
                ("child.name", Value::from(format!("儿童{i}"))),
                ("child.birth_date", Value::from("2016-03-01")),
            ]),
            occurred_at: None,
            profile: None,
            settings: Data::new(),
            origin: None,
            unit: None,
            officer: None,
            external: None,
        },
    }
}

/// Transition `n` (0-based) of the workload on `case`, with the data it requires; `now` is
/// the step's clock (the visit happened an hour before it).
pub fn advance(case: &CaseId, n: usize, now: Timestamp) -> Request {
    let (role, changes) = match n {
        0 => ("caseworker", vec![("risk_level", Value::from(3))]),
        1 => {
            let visited = now
                .saturating_sub(SignedDuration::from_hours(1))
                .unwrap_or(now);
            (
                "caseworker",
                vec![("visited_at", Value::from(visited.to_string()))],
            )
        }
        2 => (
            "caseworker",
            vec![
                ("carer.name", Value::from("王秀英")),
                ("carer.birth_date", Value::from("1960-05-01")),
            ],
        ),
        3 => (
            "caseworker",
            vec![(
                "plan",
                Value::from("每周入户走访一次，联系学校落实课后看护"),
            )],
        ),
        4 => ("supervisor", vec![("review_score", Value::from(4))]),
        _ => (
            "supervisor",
            vec![("close_reason", Value::from("resolved"))],
        ),
    };
    Request::Apply {
        case: case.clone(),
        command: Command::Fire {
            transition: TRANSITIONS[n.min(TRANSITIONS.len() - 1)].into(),
            actor: actor(role),
            changes: data(changes),
            note: None,
            occurred_at: None,
        },
        expect_seq: None,
    }
}

/// The id an opening reply names.
pub fn opened_id(reply: &wardflow_engine::store::Reply) -> CaseId {
    match reply {
        Ok(applied) => applied.outcome.case.id.clone(),
        Err(e) => fail("open", e),
    }
}
