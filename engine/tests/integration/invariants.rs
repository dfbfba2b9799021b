//! Property test: random command sequences against the real store never break a case's
//! invariants — its state is always defined, its snapshot equals the replay of its history,
//! and a refused or invalid command changes nothing.

use std::time::Duration;

use jiff::Timestamp;
use proptest::prelude::*;
use serde_json::Value;
use wardflow_engine::case::Case;
use wardflow_engine::definition::{Data, load_all};
use wardflow_engine::period::{china_2025_2026, shanghai};
use wardflow_engine::step::{Actor, Clock, Command, Open};
use wardflow_engine::store::{CaseFilter, Store};

const TRANSITIONS: &[&str] = &[
    "sign_agreement",
    "log_contact",
    "contact_lapsed",
    "find_neglect",
    "escalate",
    "escalate_siblings",
    "close",
    "no_such_transition",
];
const ROLES: &[&str] = &[
    "parent",
    "village_committee",
    "child_director",
    "police",
    "civil_affairs",
    "system",
    "nobody",
];

fn assignments() -> Vec<(&'static str, Value)> {
    vec![
        ("carer.name", "王奶奶".into()),
        ("carer.birth_date", "1960-03-02".into()),
        ("carer.birth_date", "2012-03-02".into()),
        ("carer.relation", "grandparent".into()),
        ("carer.disqualified", true.into()),
        ("carer.disqualified", false.into()),
        ("concern", "孩子独自在家".into()),
        ("close_reason", "parent_returned".into()),
        ("departure_at", "2026-11-20T00:00:00Z".into()),
        (
            "siblings",
            serde_json::json!([{"name": "大毛", "birth_date": "2014-02-03"}]),
        ),
        ("concern", Value::Null),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Fire {
        transition: usize,
        role: usize,
        changes: Vec<usize>,
    },
    Amend {
        role: usize,
        changes: Vec<usize>,
        reason: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let n = assignments().len();
    prop_oneof![
        4 => (0..TRANSITIONS.len(), 0..ROLES.len(), prop::collection::vec(0..n, 0..4))
            .prop_map(|(transition, role, changes)| Op::Fire { transition, role, changes }),
        1 => (0..ROLES.len(), prop::collection::vec(0..n, 0..3), any::<bool>())
            .prop_map(|(role, changes, reason)| Op::Amend { role, changes, reason }),
    ]
}

fn changes(picks: &[usize]) -> Data {
    let pool = assignments();
    picks
        .iter()
        .map(|i| (pool[*i].0.to_owned(), pool[*i].1.clone()))
        .collect()
}

fn check(store: &Store, case: &Case) {
    let events = store.history(&case.id).expect("history reads");
    assert_eq!(events.len() as u32, case.seq, "seq counts the events");
    let replayed = Case::replay(&case.id, &events).expect("history replays");
    assert_eq!(&replayed, case, "snapshot equals replay");
    let def = store.definition(&case.version).expect("definition");
    assert!(
        def.state(&case.state).is_some(),
        "state {} is defined",
        case.state
    );
    let mut listed = false;
    store
        .each_case(
            &CaseFilter {
                workflow: Some(case.workflow.clone()),
                state: Some(case.state.clone()),
                ..CaseFilter::default()
            },
            |c| {
                listed |= c.id == case.id;
                true
            },
        )
        .expect("lists");
    assert!(listed, "the state index lists the case under its state");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_keep_cases_consistent(ops in prop::collection::vec(op(), 1..24)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("w.redb");
        let mut now: Timestamp = "2026-11-23T02:00:00Z".parse().expect("time");
        let store = Store::create(&path, true, None, now).expect("creates");
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../workflows");
        let files: Vec<(String, Vec<u8>)> = ["example-care.yaml", "example-followup.yaml"]
            .iter()
            .map(|f| (f.to_string(), std::fs::read(format!("{root}/{f}")).expect("reads workflow")))
            .collect();
        let (defs, failed) = load_all(&files, &[]);
        prop_assert!(failed.is_empty());
        let publish: Vec<_> = defs.into_iter().map(|(n, d)| {
            let bytes = files.iter().find(|(f, _)| *f == n).map(|(_, b)| b.clone()).unwrap_or_default();
            (n, bytes, d)
        }).collect();
        store.publish(&publish, "tester", now).expect("publishes");
        let tz = shanghai();
        let cal = china_2025_2026();
        let open = Open {
            published: None,
            crypto: Default::default(),
            external: None,
            actor: Actor { user: "张三".into(), role: "parent".into() },
            data: changes(&[]).into_iter().chain([
                ("child.name".to_owned(), Value::from("小明")),
                ("child.birth_date".to_owned(), Value::from("2018-05-01")),
                ("parent.name".to_owned(), Value::from("李强")),
            ]).collect(),
            occurred_at: None,
            profile: None,
            settings: Data::new(),
            origin: None,
            unit: None,
            officer: None,
        };
        let clock = Clock { now, tz: &tz, calendar: &cal };
        let opened = store.open_case("example-care", open, &clock, None).expect("opens").outcome.case;
        let id = opened.id.clone();
        check(&store, &opened);
        for op in ops {
            now = now.checked_add(jiff::SignedDuration::from_hours(13)).expect("time moves");
            let clock = Clock { now, tz: &tz, calendar: &cal };
            let before = store.case(&id).expect("reads").expect("exists");
            let before_events = store.history(&id).expect("history");
            let command = match &op {
                Op::Fire { transition, role, changes: picks } => Command::Fire {
                    transition: TRANSITIONS[*transition].into(),
                    actor: Actor { user: "李四".into(), role: ROLES[*role].into() },
                    changes: changes(picks),
                    note: None,
                    occurred_at: None,
                },
                Op::Amend { role, changes: picks, reason } => Command::Amend {
                    actor: Actor { user: "李四".into(), role: ROLES[*role].into() },
                    changes: changes(picks),
                    reason: if *reason { "更正".into() } else { String::new() },
                    occurred_at: None,
                    administrator: false,
                },
            };
            let result = store.apply(&id, command, None, &clock, None, None);
            let after = store.case(&id).expect("reads").expect("exists");
            match result {
                Ok(applied) => {
                    prop_assert_eq!(&applied.outcome.case, &after);
                    for child in &applied.spawned {
                        let stored = store.case(&child.id).expect("reads").expect("spawned case exists");
                        check(&store, &stored);
                        prop_assert_eq!(stored.origin.as_ref().map(|o| o.case.clone()), Some(id.clone()));
                    }
                }
                Err(_) => {
                    prop_assert_eq!(&before, &after, "a failed command changes nothing");
                    prop_assert_eq!(before_events, store.history(&id).expect("history"));
                }
            }
            check(&store, &after);
        }
        drop(store);
        // Reopening reads the same thing back: nothing lived only in memory.
        let reopened = Store::open(&path, Duration::from_secs(1)).expect("reopens");
        let case = reopened.case(&id).expect("reads").expect("exists");
        check(&reopened, &case);
    }
}
