use super::*;
use crate::definition::{Data, load};
use serde_json::json;

const V1: &str = r#"
workflow: care
title: 照护
roles: { office: 民政部门 }
fields:
  child.name: { type: string, required: true, title: 儿童姓名 }
  visits: { type: integer, title: 走访次数 }
start:
  roles: [office]
states:
  registered: { title: 已备案, initial: true }
  watched: { title: 监护中 }
  closed: { title: 结案, final: true }
transitions:
  watch:
    from: [registered]
    to: watched
    roles: [office]
    deadlines: [{ name: visit, title: 走访, within: 30d }, { name: report, title: 报告, within: 10d }]
  close:
    from: [watched]
    to: closed
    roles: [office]
"#;

const V2: &str = r#"
workflow: care
title: 照护
roles: { office: 民政部门 }
fields:
  child.name: { type: string, required: true, title: 儿童姓名 }
  visits: { type: string, title: 走访次数 }
start:
  roles: [office]
states:
  registered: { title: 已备案, initial: true }
  supervised: { title: 监护监督中 }
  closed: { title: 结案, final: true }
transitions:
  watch:
    from: [registered]
    to: supervised
    roles: [office]
    deadlines: [{ name: visit, title: 走访, within: 30d }]
  close:
    from: [supervised]
    to: closed
    roles: [office]
"#;

fn at(s: &str) -> Timestamp {
    s.parse().expect("a test timestamp")
}

fn case(n: u64, version: &VersionHash, state: &str, data: Data, deadlines: &[&str]) -> Case {
    let id = CaseId::new(2026, n);
    let opened = Event {
        seq: 1,
        recorded_at: at("2026-03-01T01:00:00Z"),
        occurred_at: at("2026-03-01T01:00:00Z"),
        actor: "wang".into(),
        role: "office".into(),
        kind: EventKind::Opened {
            published: None,
            crypto: Default::default(),
            external: None,
            workflow: "care".into(),
            version: version.clone(),
            profile: None,
            settings: Data::new(),
            state: "registered".into(),
            data,
            origin: None,
            unit: None,
            officer: None,
        },
    };
    let mut c = Case::opened(&id, &opened).expect("an opening");
    let mut seq = 1;
    let mut push = |c: &mut Case, kind: EventKind| {
        seq += 1;
        let e = Event {
            seq,
            recorded_at: at("2026-03-02T01:00:00Z"),
            occurred_at: at("2026-03-02T01:00:00Z"),
            actor: "wang".into(),
            role: "office".into(),
            kind,
        };
        c.apply(&e).expect("a fold");
    };
    if state != "registered" {
        push(
            &mut c,
            EventKind::Fired {
                transition: "watch".into(),
                from: "registered".into(),
                to: state.into(),
                changes: Data::new(),
                note: None,
            },
        );
    }
    for name in deadlines {
        push(
            &mut c,
            EventKind::DeadlineSet {
                name: (*name).into(),
                title: (*name).into(),
                due: at("2026-04-01T01:00:00Z"),
                remind_at: None,
                provisional: false,
                on_breach: None,
                keep: false,
                every: None,
                counted: None,
            },
        );
    }
    c
}

fn named(pairs: &[(&str, serde_json::Value)]) -> Data {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

struct Fixture {
    v1: Definition,
    v2: Definition,
    h1: VersionHash,
    h2: VersionHash,
}

fn fixture() -> Fixture {
    Fixture {
        v1: load("v1.yaml", V1.as_bytes()).expect("v1 loads"),
        v2: load("v2.yaml", V2.as_bytes()).expect("v2 loads"),
        h1: VersionHash::of(V1.as_bytes()),
        h2: VersionHash::of(V2.as_bytes()),
    }
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn a_renamed_state_moves_keeps_declared_deadlines_and_cancels_the_rest() {
    let f = fixture();
    let watched = case(
        1,
        &f.h1,
        "watched",
        named(&[("child.name", json!("小明"))]),
        &["visit", "report"],
    );
    let fresh = case(
        2,
        &f.h1,
        "registered",
        named(&[("child.name", json!("小红"))]),
        &[],
    );
    let m = map(&[("watched", "supervised")]);
    let request = Request {
        workflow: "care",
        to_version: &f.h2,
        target: &f.v2,
        map: &m,
        reason: "更正状态名",
    };
    let cases = [
        Running {
            case: &watched,
            def: &f.v1,
        },
        Running {
            case: &fresh,
            def: &f.v1,
        },
    ];
    let plans = plan(
        &request,
        &cases,
        "admin",
        "admin",
        at("2026-03-05T01:00:00Z"),
    )
    .expect("a clean plan");
    assert_eq!(plans.len(), 2);
    let p = &plans[0];
    assert_eq!(
        (p.from_state.as_str(), p.to_state.as_str()),
        ("watched", "supervised")
    );
    assert_eq!(p.kept, vec!["visit".to_owned()]);
    assert_eq!(p.cancelled, vec!["report".to_owned()]);
    assert_eq!(p.after.state, "supervised");
    assert_eq!(p.after.version, f.h2);
    assert!(p.after.deadlines.contains_key("visit"));
    assert!(!p.after.deadlines.contains_key("report"));
    assert_eq!(p.events[0].seq, watched.seq + 1);
    assert!(matches!(p.events[0].kind, EventKind::Migrated { .. }));
    // Identity where the target has the state and no mapping is given.
    assert_eq!(plans[1].to_state, "registered");
    assert!(plans[1].cancelled.is_empty());
}

#[test]
fn replaying_the_history_with_the_migration_gives_the_planned_case() {
    let f = fixture();
    let c = case(
        1,
        &f.h1,
        "watched",
        named(&[("child.name", json!("小明"))]),
        &["report"],
    );
    let m = map(&[("watched", "supervised")]);
    let request = Request {
        workflow: "care",
        to_version: &f.h2,
        target: &f.v2,
        map: &m,
        reason: "r",
    };
    let plans = plan(
        &request,
        &[Running {
            case: &c,
            def: &f.v1,
        }],
        "admin",
        "admin",
        at("2026-03-05T01:00:00Z"),
    )
    .expect("a plan");
    let mut replayed = c.clone();
    for e in &plans[0].events {
        replayed.apply(e).expect("replays");
    }
    assert_eq!(replayed, plans[0].after);
}

#[test]
fn migrating_back_restores_the_state_and_version() {
    let f = fixture();
    let c = case(
        1,
        &f.h1,
        "watched",
        named(&[("child.name", json!("小明"))]),
        &[],
    );
    let there = map(&[("watched", "supervised")]);
    let forth = plan(
        &Request {
            workflow: "care",
            to_version: &f.h2,
            target: &f.v2,
            map: &there,
            reason: "r",
        },
        &[Running {
            case: &c,
            def: &f.v1,
        }],
        "admin",
        "admin",
        at("2026-03-05T01:00:00Z"),
    )
    .expect("forth");
    let moved = forth[0].after.clone();
    let back_map = map(&[("supervised", "watched")]);
    let back = plan(
        &Request {
            workflow: "care",
            to_version: &f.h1,
            target: &f.v1,
            map: &back_map,
            reason: "撤回",
        },
        &[Running {
            case: &moved,
            def: &f.v2,
        }],
        "admin",
        "admin",
        at("2026-03-06T01:00:00Z"),
    )
    .expect("back");
    assert_eq!(back[0].after.state, "watched");
    assert_eq!(back[0].after.version, f.h1);
}

#[test]
fn every_problem_is_listed_and_nothing_is_planned() {
    let f = fixture();
    let unmapped = case(
        1,
        &f.h1,
        "watched",
        named(&[("child.name", json!("小明"))]),
        &[],
    );
    let misfit = case(
        2,
        &f.h2,
        "registered",
        named(&[("child.name", json!("小红")), ("visits", json!("三次"))]),
        &[],
    );
    let other = {
        let mut c = case(3, &f.h1, "registered", Data::new(), &[]);
        c.workflow = "custody".into();
        c
    };
    let mut closed = case(4, &f.h1, "watched", Data::new(), &[]);
    closed.state = "closed".into();
    let m = map(&[("registered", "nowhere")]);
    let request = Request {
        workflow: "care",
        to_version: &f.h1,
        target: &f.v1,
        map: &m,
        reason: "r",
    };
    let problems = plan(
        &request,
        &[
            Running {
                case: &unmapped,
                def: &f.v1,
            },
            Running {
                case: &misfit,
                def: &f.v2,
            },
            Running {
                case: &other,
                def: &f.v1,
            },
            Running {
                case: &closed,
                def: &f.v1,
            },
        ],
        "admin",
        "admin",
        at("2026-03-05T01:00:00Z"),
    )
    .expect_err("problems");
    assert!(problems.contains(&Problem::NoSuchState {
        from: "registered".into(),
        to: "nowhere".into()
    }));
    assert!(problems.contains(&Problem::AlreadyThere {
        case: unmapped.id.clone()
    }));
    assert!(problems.contains(&Problem::FieldMisfit {
        case: misfit.id.clone(),
        field: "visits".into()
    }));
    assert!(problems.contains(&Problem::OtherWorkflow {
        case: other.id.clone(),
        workflow: "custody".into()
    }));
    assert!(problems.contains(&Problem::Closed {
        case: closed.id.clone(),
        state: "closed".into()
    }));
}

#[test]
fn an_unmapped_state_the_target_lacks_is_refused_and_so_is_a_final_target() {
    let f = fixture();
    let c = case(
        1,
        &f.h1,
        "watched",
        named(&[("child.name", json!("小明"))]),
        &[],
    );
    let none = BTreeMap::new();
    let problems = plan(
        &Request {
            workflow: "care",
            to_version: &f.h2,
            target: &f.v2,
            map: &none,
            reason: "r",
        },
        &[Running {
            case: &c,
            def: &f.v1,
        }],
        "admin",
        "admin",
        at("2026-03-05T01:00:00Z"),
    )
    .expect_err("unmapped");
    assert_eq!(
        problems,
        vec![Problem::Unmapped {
            case: c.id.clone(),
            state: "watched".into()
        }]
    );
    let to_final = map(&[("watched", "closed")]);
    let problems = plan(
        &Request {
            workflow: "care",
            to_version: &f.h2,
            target: &f.v2,
            map: &to_final,
            reason: "r",
        },
        &[Running {
            case: &c,
            def: &f.v1,
        }],
        "admin",
        "admin",
        at("2026-03-05T01:00:00Z"),
    )
    .expect_err("final");
    assert!(problems.contains(&Problem::MappedToFinal {
        from: "watched".into(),
        to: "closed".into()
    }));
}

#[test]
fn a_blank_reason_and_a_case_named_twice_are_refused() {
    let f = fixture();
    let c = case(
        1,
        &f.h1,
        "registered",
        named(&[("child.name", json!("小明"))]),
        &[],
    );
    let none = BTreeMap::new();
    let problems = plan(
        &Request {
            workflow: "care",
            to_version: &f.h2,
            target: &f.v2,
            map: &none,
            reason: "  ",
        },
        &[
            Running {
                case: &c,
                def: &f.v1,
            },
            Running {
                case: &c,
                def: &f.v1,
            },
        ],
        "admin",
        "admin",
        at("2026-03-05T01:00:00Z"),
    )
    .expect_err("refused");
    assert!(problems.contains(&Problem::NoReason));
    assert!(problems.contains(&Problem::Duplicate { case: c.id.clone() }));
}

#[test]
fn a_deadline_whose_breach_step_the_target_lacks_is_cancelled() {
    let f = fixture();
    let mut c = case(
        1,
        &f.h1,
        "watched",
        named(&[("child.name", json!("小明"))]),
        &["visit"],
    );
    if let Some(d) = c.deadlines.get_mut("visit") {
        d.on_breach = Some("lapse".into());
    }
    let m = map(&[("watched", "supervised")]);
    let plans = plan(
        &Request {
            workflow: "care",
            to_version: &f.h2,
            target: &f.v2,
            map: &m,
            reason: "r",
        },
        &[Running {
            case: &c,
            def: &f.v1,
        }],
        "admin",
        "admin",
        at("2026-03-05T01:00:00Z"),
    )
    .expect("a plan");
    assert!(plans[0].kept.is_empty());
    assert_eq!(plans[0].cancelled, vec!["visit".to_owned()]);
}
