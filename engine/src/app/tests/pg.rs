//! The application layer on PostgreSQL (issue 24): the same story told to an office on redb
//! and to one on PostgreSQL gives the same answers; two offices on one PostgreSQL database
//! (two servers) with 32 clients lose and double nothing, number letters without gaps and
//! fire each deadline once. Each test runs against a throwaway cluster
//! ([`crate::pg::cluster::Cluster`]); without PostgreSQL the tests fail, saying how to install it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::*;
use crate::app::act::Salts;
use crate::app::backend::Backend;
use crate::app::{Amend, AppError, ClockSource, Listing, NewUser, VoidRequest};
use crate::case::EventKind;
use crate::pg::PgBackend;
use crate::pg::cluster::Cluster;
use crate::store::StoreError;
use crate::store::{CaseFilter, Fired};

/// The test binary's cluster ([`shared::cluster`]).
fn cluster() -> Arc<Cluster> {
    shared::cluster()
}

/// A new database in the shared cluster, named after the test.
fn database(cluster: &Cluster, name: &str) -> String {
    cluster.database(name).expect("a new database")
}

/// [`store`]'s database, on PostgreSQL at `url`, registered through the seam.
fn pg_backend(url: &str) -> PgBackend {
    let (publish, profile, units) = fixture();
    let backend = PgBackend::create(url, true, Some(profile), at(T0)).expect("create");
    furnish(&backend, &publish, units);
    backend
}

/// The request [`open_report`] makes.
fn report() -> OpenCase {
    OpenCase {
        workflow: "guardianship-intervention".into(),
        input: sets(&[("source", "mandatory_report")]),
        unit: Some("shijia_village".into()),
        officer: None,
        at: None,
        ..Default::default()
    }
}

fn later(hours: i64) -> jiff::Timestamp {
    at(T0)
        .checked_add(jiff::SignedDuration::from_hours(hours))
        .expect("in range")
}

/// Everything a front end would print of one story, told through the application layer:
/// opens, acts, letters, refusals, reads, listings, the registry and the runner.
fn story<B: Backend>(
    office: &Office<B>,
    tick: impl Fn(&Office<B>, jiff::Timestamp) -> Vec<Fired>,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut say = |label: &str, v: Value| out.push(serde_json::json!({ label: v }));
    let police = caller(POLICE, "police");
    let id = open_report(office);
    let second = open_report(office);
    let acted = office.advance(&police, &accept(&id)).expect("accepts");
    say(
        "accepted",
        Value::String(acted.applied.outcome.case.state.clone()),
    );
    say(
        "letters",
        serde_json::json!(
            acted
                .applied
                .letters
                .iter()
                .map(|l| format!("{:?}", l.result.as_ref().map(|r| r.number.clone())))
                .collect::<Vec<_>>()
        ),
    );
    for who in [
        caller("nobody", "police"),
        caller(DISABLED, "police"),
        caller(OTHER_POLICE, "police"),
    ] {
        let refused = office.advance(&who, &accept(&second));
        say("refused", Value::String(format!("{:?}", refused.err())));
    }
    let amend = Amend {
        case: id.clone(),
        input: sets(&[("child.name", "张小华")]),
        reason: "笔误".into(),
        expect_seq: Some(1),
    };
    say(
        "stale",
        Value::String(format!("{:?}", office.amend(&police, &amend).err())),
    );
    let seq = office.show(&police, &id).expect("shows").case.seq;
    let amended = office
        .amend(
            &police,
            &Amend {
                expect_seq: Some(seq),
                ..amend
            },
        )
        .expect("amends");
    say(
        "amended",
        amended.applied.outcome.case.data["child.name"].clone(),
    );
    let issued = acted
        .applied
        .letters
        .iter()
        .find_map(|l| l.result.as_ref().ok().map(|r| r.letter.clone()));
    if let Some(letter) = issued {
        let voided = office.void_letter(
            &police,
            &VoidRequest {
                letter: letter.clone(),
                reason: "打印错误".into(),
            },
        );
        say(
            "void",
            Value::String(format!("{:?}", voided.map(|(c, _)| c.seq))),
        );
    }
    say(
        "show",
        office
            .wire(&office.show(&police, &id).expect("show"))
            .expect("wire"),
    );
    say(
        "history",
        office
            .wire(&office.history(&police, &id).expect("history"))
            .expect("wire"),
    );
    let next = office.next(&police, &id).expect("next");
    say(
        "next",
        serde_json::json!(
            next.steps
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
        ),
    );
    let mut listed = Vec::new();
    office
        .cases(&police, &Listing::of(CaseFilter::default()), &[], |row| {
            listed.push(format!(
                "{} {} {:?}",
                row.case, row.state, row.priority_title
            ));
            true
        })
        .expect("lists");
    say("list", serde_json::json!(listed));
    let mut paged = Vec::new();
    let listing = Listing {
        limit: Some(1),
        page: Some(2),
        ..Listing::of(CaseFilter {
            workflow: Some("guardianship-intervention".into()),
            ..CaseFilter::default()
        })
    };
    office
        .cases(&police, &listing, &[], |row| {
            paged.push(row.case.to_string());
            true
        })
        .expect("pages");
    say("page", serde_json::json!(paged));
    let admin = caller(ADMIN, "admin");
    office
        .add_user(
            &admin,
            &NewUser {
                name: "新警官".into(),
                roles: vec!["police".into()],
                unit: "shijia_police".into(),
            },
        )
        .expect("adds");
    say(
        "duplicate",
        Value::String(format!(
            "{:?}",
            office
                .add_user(
                    &admin,
                    &NewUser {
                        name: "新警官".into(),
                        roles: vec!["police".into()],
                        unit: "shijia_police".into(),
                    },
                )
                .err()
        )),
    );
    office.disable_user(&admin, "新警官").expect("disables");
    say(
        "last admin",
        Value::String(format!("{:?}", office.disable_user(&admin, ADMIN).err())),
    );
    let (users, _) = office.users(&admin).expect("users");
    say(
        "users",
        serde_json::json!(
            users
                .iter()
                .map(|u| format!("{} {}", u.name, u.enabled))
                .collect::<Vec<_>>()
        ),
    );
    let fired = tick(office, later(30));
    say(
        "fired",
        serde_json::json!(fired.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>()),
    );
    say("again", serde_json::json!(tick(office, later(30)).len()));
    let late = Caller::new(POLICE).acting_as("police").at(later(24 * 10));
    let overdue = office.overdue(&late, None).expect("overdue");
    say(
        "overdue",
        serde_json::json!(
            overdue
                .iter()
                .map(|d| format!("{} {}", d.view.case, d.view.deadline.name))
                .collect::<Vec<_>>()
        ),
    );
    let agenda = office.agenda(&police, 30, Some("police")).expect("agenda");
    say(
        "agenda",
        serde_json::json!(
            agenda
                .iter()
                .map(|d| format!("{} {}", d.view.case, d.view.deadline.name))
                .collect::<Vec<_>>()
        ),
    );
    say(
        "unknown case",
        Value::String(format!(
            "{:?}",
            office.show(&police, &CaseId::new(2026, 999)).err()
        )),
    );
    out
}

#[test]
fn the_same_story_gives_the_same_answers_on_redb_and_postgresql() {
    let dir = TempDir::new().expect("tempdir");
    let redb = Office::new(store(&dir), config()).with_salts(Salts::sequence(7));
    let told_redb = story(&redb, |o, now| {
        o.backend()
            .tick(&o.clock(now), o.profile())
            .expect("ticks")
            .fired
    });
    let cluster = cluster();
    let url = database(&cluster, "same_story");
    let pg = Office::new(pg_backend(&url), config()).with_salts(Salts::sequence(7));
    let told_pg = story(&pg, |o, now| {
        o.backend()
            .tick(&o.clock(now), o.profile())
            .expect("ticks")
            .fired
    });
    assert_eq!(told_redb.len(), told_pg.len());
    for (r, p) in told_redb.iter().zip(&told_pg) {
        assert_eq!(r, p, "redb and PostgreSQL differ");
    }
    // The same outbox, written beside each change, on both.
    let outbox = |tx: &dyn crate::app::backend::ReadTx| tx.outbox(0, 10_000);
    let out_redb = redb.backend().snapshot(outbox).expect("redb outbox");
    let out_pg = pg.backend().snapshot(outbox).expect("pg outbox");
    assert_eq!(out_redb, out_pg, "the outboxes differ");
    assert!(
        out_redb
            .iter()
            .any(|e| e.kind == crate::app::outbox::OutboxKind::CaseOpened),
        "{out_redb:?}"
    );
    let positions: Vec<u64> = out_pg.iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=positions.len() as u64).collect::<Vec<_>>());
    // The story's refusals and reads are in the access log, chained.
    let log = pg
        .backend()
        .access_log(&crate::store::AccessFilter::default())
        .expect("log");
    assert!(
        log.iter().any(|e| !e.allowed && e.user == "nobody"),
        "{log:?}"
    );
    assert!(
        log.iter().any(|e| e.allowed && e.action == "show"),
        "{log:?}"
    );
    assert_eq!(pg.backend().access_chain_break().expect("chain"), None);
}

#[test]
fn a_schema_newer_than_this_build_is_refused_and_migrate_runs_once() {
    let cluster = cluster();
    let url = database(&cluster, "schema_versions");
    pg_backend(&url);
    assert_eq!(
        PgBackend::migrate(&url).expect("migrates"),
        Vec::<u32>::new(),
        "a current schema has nothing to migrate"
    );
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connects");
    client
        .execute(
            "INSERT INTO wardflow_schema (number, name) VALUES ($1, 'from the future')",
            &[&(crate::pg::schema::CURRENT as i32 + 1)],
        )
        .expect("stamps");
    let refused = PgBackend::open(&url).err();
    assert!(
        matches!(refused, Some(crate::store::StoreError::TooNew { .. })),
        "{refused:?}"
    );
    assert!(matches!(
        PgBackend::migrate(&url),
        Err(crate::store::StoreError::TooNew { .. })
    ));
    let made = PgBackend::create(&url, true, None, at(T0)).err();
    assert!(
        matches!(made, Some(crate::store::StoreError::AlreadyExists(_))),
        "{made:?}"
    );
}

/// The number of a letter (`…〔2026〕12号` → 12) and its series (what comes before it).
fn series_and_number(number: &str) -> (String, u64) {
    let body = number.strip_suffix('号').unwrap_or(number);
    let digits: String = body
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let series = body[..body.len() - digits.len()].to_owned();
    (series, digits.parse().expect("a numbered letter"))
}

#[test]
fn two_servers_with_32_clients_lose_and_double_nothing_and_number_letters_without_gaps() {
    const CLIENTS: usize = 32;
    const EACH: usize = 3;
    let cluster = cluster();
    let url = database(&cluster, "two_servers");
    pg_backend(&url);
    // Two offices with their own pools on one database: two servers.
    let servers: Vec<Arc<Office<PgBackend>>> = (0..2)
        .map(|_| Arc::new(Office::new(PgBackend::open(&url).expect("opens"), config())))
        .collect();
    let acknowledged: Mutex<Vec<(CaseId, u32)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for client in 0..CLIENTS {
            let office = servers[client % 2].clone();
            let acknowledged = &acknowledged;
            s.spawn(move || {
                // A busy answer (a lock waited on past the statement timeout: every letter of
                // one series waits for the one before to be numbered and set) is what a
                // client retries; it changed nothing.
                let again = |e: &AppError| matches!(e, AppError::Store(StoreError::Busy { .. }));
                let mut done = 0;
                while done < EACH {
                    let id = match office.open_case(&caller(POLICE, "police"), &report()) {
                        Ok(acted) => acted.applied.outcome.case.id,
                        Err(e) if again(&e) => continue,
                        Err(e) => panic!("opens: {e:?}"),
                    };
                    let acted = loop {
                        match office.advance(&caller(POLICE, "police"), &accept(&id)) {
                            Ok(acted) => break acted,
                            Err(e) if again(&e) => continue,
                            Err(e) => panic!("accepts: {e:?}"),
                        }
                    };
                    acknowledged
                        .lock()
                        .expect("lock")
                        .push((id, acted.applied.outcome.case.seq));
                    done += 1;
                }
            });
        }
    });
    let backend = PgBackend::open(&url).expect("opens");
    let keys = backend.event_keys().expect("events");
    let mut by_case: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (case, seq) in keys {
        by_case.entry(case).or_default().push(seq);
    }
    let acknowledged = acknowledged.into_inner().expect("lock");
    assert_eq!(acknowledged.len(), CLIENTS * EACH);
    assert_eq!(by_case.len(), CLIENTS * EACH, "a case lost or doubled");
    for (id, seq) in &acknowledged {
        let seqs = &by_case[id.as_str()];
        assert_eq!(
            seqs,
            &(1..=*seq).collect::<Vec<_>>(),
            "case {id}: an event lost, doubled or out of order"
        );
    }
    // Case ids come from one counter: 1 … n, none skipped.
    let mut numbers: Vec<String> = by_case.keys().cloned().collect();
    numbers.sort();
    let expected: Vec<String> = (1..=(CLIENTS * EACH) as u32)
        .map(|n| CaseId::new(2026, u64::from(n)).to_string())
        .collect();
    assert_eq!(numbers, expected);
    // Letters: one receipt per accepted report, archive ids and document numbers per series
    // 1 … n, none skipped or shared.
    let issued = backend.letters_issued().expect("letters");
    assert_eq!(issued.len(), CLIENTS * EACH, "a letter lost or doubled");
    let mut series: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (id, number) in &issued {
        let (s, n) = series_and_number(id);
        series.entry(s).or_default().push(n);
        if let Some(number) = number {
            let (s, n) = series_and_number(number);
            series.entry(s).or_default().push(n);
        }
    }
    for (s, mut ns) in series {
        ns.sort_unstable();
        assert_eq!(ns, (1..=ns.len() as u64).collect::<Vec<_>>(), "series {s}");
    }
}

#[test]
fn of_two_servers_acting_on_one_case_at_once_one_wins_and_the_other_is_told_it_moved_on() {
    let cluster = cluster();
    let url = database(&cluster, "one_case");
    pg_backend(&url);
    let servers: Vec<Arc<Office<PgBackend>>> = (0..2)
        .map(|_| Arc::new(Office::new(PgBackend::open(&url).expect("opens"), config())))
        .collect();
    let id = open_report(&servers[0]);
    let seq = servers[0]
        .show(&caller(POLICE, "police"), &id)
        .expect("shows")
        .case
        .seq;
    let results: Vec<Result<u32, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let office = servers[i % 2].clone();
                let id = id.clone();
                s.spawn(move || {
                    office
                        .amend(
                            &caller(POLICE, "police"),
                            &Amend {
                                case: id,
                                input: sets(&[("child.name", &format!("张小{i}"))]),
                                reason: "更正".into(),
                                expect_seq: Some(seq),
                            },
                        )
                        .map(|a| a.applied.outcome.case.seq)
                        .map_err(|e| format!("{e:?}"))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("joins"))
            .collect()
    });
    let won: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    for lost in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(lost.contains("Stale"), "{lost}");
    }
    let history = servers[1]
        .history(&caller(POLICE, "police"), &id)
        .expect("history");
    assert_eq!(history.events.len() as u32, seq + 1);
}

#[test]
fn each_deadline_fires_once_whichever_of_two_runners_sees_it() {
    const CASES: usize = 40;
    let cluster = cluster();
    let url = database(&cluster, "two_runners");
    pg_backend(&url);
    let office = Office::new(PgBackend::open(&url).expect("opens"), config());
    for _ in 0..CASES {
        open_report(&office);
    }
    let runners: Vec<Office<PgBackend>> = (0..2)
        .map(|_| Office::new(PgBackend::open(&url).expect("opens"), config()))
        .collect();
    // Ticking at several moments, both runners at once each time.
    let mut fired: Vec<Fired> = Vec::new();
    for hours in [1, 30, 24 * 10] {
        let now = later(hours);
        let both: Vec<Vec<Fired>> = std::thread::scope(|s| {
            let handles: Vec<_> = runners
                .iter()
                .map(|r| {
                    s.spawn(move || {
                        r.backend()
                            .tick(&r.clock(now), r.profile())
                            .expect("ticks")
                            .fired
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("joins"))
                .collect()
        });
        for f in both {
            fired.extend(f);
        }
    }
    let mut seen = BTreeSet::new();
    for f in &fired {
        assert!(seen.insert(format!("{f:?}")), "fired twice: {f:?}");
    }
    // Every case's acceptance deadline was reminded and breached, each once, in its history.
    for n in 1..=CASES as u32 {
        let id = CaseId::new(2026, u64::from(n));
        let events = office
            .history(&caller(POLICE, "police"), &id)
            .expect("history")
            .events;
        let reminded = events
            .iter()
            .filter(
                |e| matches!(&e.kind, EventKind::DeadlineReminded { name } if name == "acceptance"),
            )
            .count();
        let breached = events
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::DeadlineBreached { name, .. } if name == "acceptance"))
            .count();
        assert!(
            reminded <= 1 && breached == 1,
            "case {id}: {reminded} reminders, {breached} breaches"
        );
    }
    assert!(
        runners[0]
            .backend()
            .tick(&runners[0].clock(later(24 * 10)), None)
            .expect("ticks")
            .fired
            .is_empty(),
        "a third tick fired again"
    );
}

#[test]
fn a_restarted_postgresql_is_reconnected_without_restarting_the_office() {
    let cluster = Cluster::start().unwrap_or_else(|e| panic!("{e}"));
    let url = cluster.url();
    pg_backend(&url);
    let office = Office::new(PgBackend::open(&url).expect("opens"), config());
    let id = open_report(&office);
    cluster.restart().expect("restarts");
    // The pool's connections died with the server; the next command gets a new one.
    let shown = office.show(&caller(POLICE, "police"), &id);
    assert!(shown.is_ok(), "{:?}", shown.err());
    let again = open_report(&office);
    assert_ne!(again, id);
}

/// What the use cases made generic for `wardflow serve` on PostgreSQL answer (letters, chains,
/// the access log, workflows, passwords and tokens), as a front end would print it.
fn the_rest<B: Backend>(office: &Office<B>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut say = |label: &str, v: Value| out.push(serde_json::json!({ label: v }));
    let police = caller(POLICE, "police");
    let admin = caller(ADMIN, "admin");
    let auditor = caller(AUDITOR, "auditor");
    let id = open_report(office);
    office.advance(&police, &accept(&id)).expect("accepts");
    let letters = office.letters(&police, Some(&id)).expect("letters");
    say(
        "letters",
        serde_json::json!(
            letters
                .iter()
                .map(|r| format!("{} {:?} {:?}", r.letter.id, r.letter.number, r.voided))
                .collect::<Vec<_>>()
        ),
    );
    for r in &letters {
        let by_id = office
            .letter(&police, &r.letter.id, "letter show")
            .expect("by id");
        say("by id", Value::String(by_id.letter.code.clone()));
        if let Some(number) = &r.letter.number {
            let by_number = office
                .letter(&police, number, "letter show")
                .expect("by number");
            say("by number", Value::String(by_number.letter.id.clone()));
        }
    }
    say(
        "unknown letter",
        Value::String(format!(
            "{:?}",
            office
                .letter(&police, "no such letter", "letter show")
                .err()
        )),
    );
    let report = office.verify(&auditor, None).expect("verifies");
    say(
        "verify",
        serde_json::json!([report.verified.len(), format!("{:?}", report.broken)]),
    );
    say(
        "verify refused",
        Value::Bool(matches!(
            office.verify(&police, None),
            Err(AppError::Denied { .. })
        )),
    );
    say(
        "audit chain",
        Value::String(format!(
            "{:?}",
            office.audit_chain(&auditor).expect("audit")
        )),
    );
    let workflows = office.workflows(&police).expect("workflows");
    say(
        "workflows",
        serde_json::json!(
            workflows
                .iter()
                .map(|(w, v)| format!("{w} {}", v.len()))
                .collect::<Vec<_>>()
        ),
    );
    office
        .set_password(&admin, POLICE, "correct horse battery staple")
        .expect("sets");
    let wrong = office.sign_in(&Caller::new(POLICE), "wrong password!!", "127.0.0.1");
    say("wrong", Value::String(format!("{:?}", wrong.err())));
    let signed = office
        .sign_in(
            &Caller::new(POLICE),
            "correct horse battery staple",
            "127.0.0.1",
        )
        .expect("signs in");
    let who = office
        .authenticate(&signed.token, ClockSource::Wall, "127.0.0.1")
        .expect("authenticates");
    say("signed in", Value::String(who.user));
    let tokens = office.tokens(&admin).expect("tokens");
    say(
        "tokens",
        serde_json::json!(
            tokens
                .iter()
                .map(|t| format!("{} {:?}", t.user, t.kind))
                .collect::<Vec<_>>()
        ),
    );
    office
        .sign_out(&Caller::new(POLICE), &signed.token)
        .expect("signs out");
    let after = office.authenticate(&signed.token, ClockSource::Wall, "127.0.0.1");
    say(
        "signed out",
        Value::Bool(matches!(
            after,
            Err(AppError::Account(
                crate::app::accounts::AccountError::TokenRevoked { .. }
            ))
        )),
    );
    out
}

#[test]
fn letters_chains_workflows_and_sign_in_answer_alike_on_redb_and_postgresql() {
    let dir = TempDir::new().expect("tempdir");
    let redb = Office::new(store(&dir), config()).with_salts(Salts::sequence(7));
    let told_redb = the_rest(&redb);
    let cluster = cluster();
    let url = database(&cluster, "the_rest");
    let pg = Office::new(pg_backend(&url), config()).with_salts(Salts::sequence(7));
    let told_pg = the_rest(&pg);
    assert_eq!(told_redb.len(), told_pg.len());
    for (r, p) in told_redb.iter().zip(&told_pg) {
        assert_eq!(r, p, "redb and PostgreSQL differ");
    }
    // The answers say something: letters were listed, the chain verified, the token worked.
    let text = serde_json::to_string(&told_pg).expect("json");
    assert!(
        text.contains("\"signed in\":\"") && text.contains(POLICE),
        "{text}"
    );
    assert!(!text.contains("\"letters\":[]"), "{text}");
    assert!(text.contains("\"signed out\":true"), "{text}");
}

#[test]
fn of_two_servers_opening_with_one_external_id_at_once_one_case_is_opened() {
    const CLIENTS: usize = 16;
    let cluster = cluster();
    let url = database(&cluster, "external_ids");
    pg_backend(&url);
    let servers: Vec<Arc<Office<PgBackend>>> = (0..2)
        .map(|_| Arc::new(Office::new(PgBackend::open(&url).expect("opens"), config())))
        .collect();
    let sent = OpenCase {
        external_id: Some("PSB-2026-0001".into()),
        source: Some("公安110".into()),
        ..report()
    };
    let answers: Vec<(CaseId, bool)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let office = servers[client % 2].clone();
                let sent = &sent;
                s.spawn(move || {
                    loop {
                        match office.open_case(&caller(POLICE, "police"), sent) {
                            Ok(acted) => {
                                break (acted.applied.outcome.case.id.clone(), acted.existing);
                            }
                            Err(AppError::Store(StoreError::Busy { .. })) => continue,
                            Err(e) => panic!("opens: {e:?}"),
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client"))
            .collect()
    });
    let opened: Vec<_> = answers.iter().filter(|(_, existing)| !existing).collect();
    assert_eq!(opened.len(), 1, "{answers:?}");
    let id = opened[0].0.clone();
    assert!(answers.iter().all(|(c, _)| *c == id), "{answers:?}");
    let backend = PgBackend::open(&url).expect("opens");
    let cases: BTreeSet<String> = backend
        .event_keys()
        .expect("events")
        .into_iter()
        .map(|(case, _)| case)
        .collect();
    assert_eq!(cases.len(), 1, "{cases:?}");
    let office = Office::new(backend, config());
    // The losers' case numbers went back with their transactions: no gap.
    assert_eq!(open_report(&office).as_str(), "2026-000002");
    // Other data, and a station that may not see the case, are refused as on redb.
    let mut other = sent.clone();
    other.input = sets(&[("source", "police_found")]);
    assert!(matches!(
        office.open_case(&caller(POLICE, "police"), &other),
        Err(AppError::ExternalIdConflict { case, .. }) if case == id
    ));
    let mut theirs = sent.clone();
    theirs.unit = Some("beiguan_village".into());
    assert!(matches!(
        office.open_case(&caller(OTHER_POLICE, "police"), &theirs),
        Err(AppError::ExternalIdTaken { .. })
    ));
}

/// Moving a county (issue 24): the story's redb database exported, imported into an empty
/// PostgreSQL database and exported again gives the same bytes, and the same chains; an
/// import into a database that holds anything is refused and changes nothing.
#[test]
fn a_redb_export_imported_into_postgresql_exports_byte_identical_and_verifies_alike() {
    use crate::app::ImportFailure;
    use crate::progress::Reporter;
    let dir = TempDir::new().expect("tempdir");
    let redb = Office::new(store(&dir), config()).with_salts(Salts::sequence(7));
    story(&redb, |o, now| {
        o.backend()
            .tick(&o.clock(now), o.profile())
            .expect("ticks")
            .fired
    });
    let mut first = Vec::new();
    let counts = crate::store::dump::export(redb.backend(), &mut first).expect("redb export");
    assert!(
        counts.cases > 0 && counts.letters > 0 && counts.access > 0,
        "{counts:?}"
    );

    let cluster = cluster();
    let url = database(&cluster, "moving_a_county");
    let simulation = redb.backend().simulation();
    let imported = crate::pg::dump::import::<ImportFailure>(
        &url,
        &first[..],
        simulation,
        &Reporter::silent(),
        |_| Ok(()),
    )
    .expect("imports into an empty database");
    assert_eq!(imported, counts);
    let pg = PgBackend::open(&url).expect("opens the imported database");
    let mut second = Vec::new();
    pg.export_lines(&mut second, &Reporter::silent())
        .expect("pg export");
    assert!(
        first == second,
        "the PostgreSQL export differs from the redb one:\n{}",
        String::from_utf8_lossy(&second)
    );
    let silent = Reporter::silent();
    assert_eq!(
        Backend::verify_chains(redb.backend(), None, &silent).expect("redb verify"),
        Backend::verify_chains(&pg, None, &silent).expect("pg verify")
    );
    assert_eq!(pg.access_chain_break().expect("chain"), None);

    // Again into the same database: refused as existing, nothing changed.
    let again = crate::pg::dump::import::<ImportFailure>(
        &url,
        &first[..],
        simulation,
        &Reporter::silent(),
        |_| Ok(()),
    );
    assert!(
        matches!(
            again,
            Err(ImportFailure::Import(
                crate::store::dump::ImportError::Store(StoreError::AlreadyExists(_))
            ))
        ),
        "{again:?}"
    );
    let mut third = Vec::new();
    pg.export_lines(&mut third, &Reporter::silent())
        .expect("pg export");
    assert!(first == third, "a refused import changed the database");

    // A caller the imported registry does not admit: nothing is committed.
    let url = database(&cluster, "moving_refused");
    let refused = crate::pg::dump::import::<ImportFailure>(
        &url,
        &first[..],
        simulation,
        &Reporter::silent(),
        |_| Err(AppError::Output("refused".into()).into()),
    );
    assert!(matches!(refused, Err(ImportFailure::App(_))), "{refused:?}");
    assert!(matches!(
        PgBackend::open(&url),
        Err(StoreError::NotADatabase(_))
    ));
}

#[test]
fn migrate_raises_the_stored_format_to_this_builds() {
    use crate::store::format::{StoredMeta, decode, encode};
    let cluster = cluster();
    let url = database(&cluster, "stamps_format");
    pg_backend(&url);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connects");
    let row = client
        .query_one("SELECT record FROM meta WHERE key = 'wardflow'", &[])
        .expect("meta");
    let mut meta: StoredMeta = decode(&row.get::<_, Vec<u8>>(0)).expect("decodes");
    let current = crate::store::migrations::CURRENT;
    meta.format = current - 1;
    let record = encode(&meta).expect("encodes");
    client
        .execute(
            "UPDATE meta SET record = $1 WHERE key = 'wardflow'",
            &[&record],
        )
        .expect("lowers the format");
    assert!(
        matches!(
            PgBackend::open(&url),
            Err(StoreError::NeedsMigration { .. })
        ),
        "an older stored format is refused until migrated"
    );
    assert_eq!(
        PgBackend::migrate(&url).expect("migrates"),
        Vec::<u32>::new()
    );
    let opened = PgBackend::open(&url).expect("opens once migrated");
    assert_eq!(opened.meta().format, current);
    // Never lowered, and a second migrate changes nothing.
    PgBackend::migrate(&url).expect("migrates again");
    assert_eq!(PgBackend::open(&url).expect("opens").meta().format, current);
}
