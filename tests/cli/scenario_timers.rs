//! The legal deadlines of the four processes' stories, fired by `wardflow timers tick` through a
//! simulated year each (issue 6, "Done means": every reminder and breach fired exactly once).
//!
//! Each story runs on a simulation database with an explicit `--now` on every command. The
//! clock is stepped with `timers tick --now`: at noon Beijing time every day while deadlines are
//! dense (the weekly contact of entrusted care) and every week elsewhere, and always closely
//! around every moment at which something must fire (a second before, at the instant, and noon
//! on each of the two days before and after) or at which a deadline that an act met or replaced
//! would have fired. After every tick:
//!
//! - what the tick reports (`--json`) is exactly what fell due since the previous tick, each
//!   thing once;
//! - if it fired anything, a second tick at the same moment fires nothing;
//! - the history of every case of the story holds exactly the reminders, breaches and breach
//!   transitions (actor `system`) due by then, in order, each once, each occurring at its own
//!   moment (the reminder or due time) and recorded at the tick that fired it. (A history is
//!   append-only and numbered, so it is re-read only when the case's last event number in
//!   `case list --json` has moved since the last check, or when the case is owed something at
//!   this tick; otherwise it is the history already checked. This keeps a year of ticks cheap.)
//!
//! The moments are worked out by hand in the comments, by the statutory counting rules (Civil
//! Code 201–203, repeated in the procedure laws): periods in hours run from the moment (CC
//! 201(2)); for days, months and years the start day is not counted (CC 201(1)), the period
//! ends at 24:00 Beijing time of its last day (CC 203(2)), and a last day that is a weekend or
//! public holiday gives way to the next working day (CC 203(1)), a make-up working day (调休)
//! counting as one — per `calendars/china.yaml`, which covers 2025 and 2026. Days in 2027 are
//! counted on weekdays alone and the deadline is flagged provisional. A reminder is due the
//! `remind_before` lead before the (moved) due time. Times are written as `case show --json`
//! writes them, in UTC: 24:00 Beijing time on 4 March is `2026-03-05T00:00:00+08:00`.

use crate::common;

use std::collections::{BTreeSet, HashMap};

use common::TestEnv;
use common::{advance, id_number, open};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde_json::Value;

// ----- commands -----

/// A simulation database with the repository's workflows, created at `now`.
fn sim_env(now: &str) -> TestEnv {
    let env = TestEnv::new();
    env.init_simulation(now);
    env
}

fn show(env: &TestEnv, id: &str) -> Value {
    env.show_json(id)
}

#[track_caller]
fn state(env: &TestEnv, id: &str) -> String {
    show(env, id)["state"].as_str().expect("state").to_owned()
}

/// The running deadline `name` of a case, or None.
fn deadline(env: &TestEnv, id: &str, name: &str) -> Option<Value> {
    show(env, id)["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["name"] == name)
        .cloned()
}

/// Asserts the due time, reminder time and provisional flag of a running deadline.
#[track_caller]
fn assert_schedule(
    env: &TestEnv,
    id: &str,
    name: &str,
    due: &str,
    remind_at: Option<&str>,
    provisional: bool,
) {
    let d = deadline(env, id, name)
        .unwrap_or_else(|| panic!("case {id} has no deadline {name}: {:#}", show(env, id)));
    assert_eq!(
        (
            d["due"].as_str(),
            d["remind_at"].as_str(),
            d["provisional"].as_bool()
        ),
        (Some(due), remind_at, Some(provisional)),
        "deadline {name} of case {id}: {d:#}"
    );
}

#[track_caller]
fn assert_no_deadline(env: &TestEnv, id: &str, name: &str) {
    assert!(
        deadline(env, id, name).is_none(),
        "case {id} still has deadline {name}: {:#}",
        show(env, id)
    );
}

/// `case overdue --json` at `now`: (case, deadline, breached), most overdue first.
fn overdue(env: &TestEnv, now: &str) -> Vec<(String, String, bool)> {
    let out: Value =
        serde_json::from_str(&env.ok(&["case", "overdue", "--json", "--now", now])).expect("JSON");
    out.as_array()
        .expect("overdue is an array")
        .iter()
        .map(|v| {
            (
                v["case"].as_str().expect("case").to_owned(),
                v["deadline"].as_str().expect("deadline").to_owned(),
                v["breached"].as_bool().expect("breached"),
            )
        })
        .collect()
}

/// `agenda --days N --json` at `now`: (case, deadline, due), soonest first.
fn agenda(env: &TestEnv, now: &str, days: u16) -> Vec<(String, String, String)> {
    let days = days.to_string();
    let out: Value =
        serde_json::from_str(&env.ok(&["agenda", "--days", &days, "--json", "--now", now]))
            .expect("JSON");
    out.as_array()
        .expect("agenda is an array")
        .iter()
        .map(|v| {
            (
                v["case"].as_str().expect("case").to_owned(),
                v["deadline"].as_str().expect("deadline").to_owned(),
                v["due"].as_str().expect("due").to_owned(),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
    rows.iter()
        .map(|(c, d, b)| ((*c).to_owned(), (*d).to_owned(), *b))
        .collect()
}

// ----- the simulated clock -----

fn ts(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("bad instant {text}: {e}"))
}

/// The Beijing calendar day of an instant (UTC+8 all year: no daylight saving since 1991).
fn beijing_day(at: Timestamp) -> Date {
    jiff::tz::offset(8).to_time_zone().to_datetime(at).date()
}

fn noon(day: Date) -> Timestamp {
    ts(&format!("{day}T12:00:00+08:00"))
}

/// One thing the deadline runner wrote into a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Firing {
    /// When it occurred: the reminder or due time.
    at: Timestamp,
    /// `reminded NAME`, `breached NAME`, `fired TRANSITION` or `adjusted NAME`.
    what: String,
    /// When the runner recorded it: the tick that fired it.
    recorded: Timestamp,
}

/// The events of a case's history written by the deadline runner (actor and role `system`), in
/// the order of the history.
fn firings(env: &TestEnv, id: &str) -> Vec<Firing> {
    let history: Value =
        serde_json::from_str(&env.ok(&["case", "history", id, "--json"])).expect("history JSON");
    history
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["actor"] == "system")
        .filter_map(|e| {
            assert_eq!(e["role"], "system", "{e:#}");
            let name = || e["name"].as_str().expect("name");
            let what = match e["type"].as_str().expect("type") {
                "deadline_reminded" => format!("reminded {}", name()),
                "deadline_breached" => format!("breached {}", name()),
                "deadline_adjusted" => format!("adjusted {}", name()),
                "fired" => format!("fired {}", e["transition"].as_str().expect("transition")),
                _ => return None,
            };
            Some(Firing {
                at: ts(e["occurred_at"].as_str().expect("occurred_at")),
                what,
                recorded: ts(e["recorded_at"].as_str().expect("recorded_at")),
            })
        })
        .collect()
}

/// The last event number (`seq`) of every case, from `case list --json`.
fn case_seqs(env: &TestEnv) -> HashMap<String, u64> {
    let list: Value =
        serde_json::from_str(&env.ok(&["case", "list", "--json"])).expect("case list JSON");
    list.as_array()
        .expect("case list is an array")
        .iter()
        .map(|c| {
            (
                c["case"].as_str().expect("case").to_owned(),
                c["seq"].as_u64().expect("seq"),
            )
        })
        .collect()
}

/// `timers tick --now NOW --json`: (case, what) for everything it reports, in its order.
#[track_caller]
fn tick(env: &TestEnv, now: &str) -> Vec<(String, String)> {
    let out: Value = serde_json::from_str(&env.ok(&["timers", "tick", "--now", now, "--json"]))
        .expect("tick JSON");
    out.as_array()
        .expect("tick --json is an array")
        .iter()
        .map(|f| {
            let case = f["case"].as_str().expect("case").to_owned();
            let what = if let Some(d) = f["reminded"].as_str() {
                format!("reminded {d}")
            } else if let Some(d) = f["breached"].as_str() {
                format!("breached {d}")
            } else if let Some(t) = f["transition"].as_str() {
                format!("fired {t}")
            } else if let Some(d) = f["adjusted"].as_str() {
                format!("adjusted {d}")
            } else if let Some(p) = f["spawned_from"].as_str() {
                format!("spawned from {p}")
            } else {
                panic!("unknown tick report {f}")
            };
            (case, what)
        })
        .collect()
}

/// How far apart the regular ticks are (moments of interest are always looked at closely).
#[derive(Debug, Clone, Copy)]
enum Step {
    Daily,
    Weekly,
}

/// A firing the runner owes a case.
#[derive(Debug, Clone)]
struct Expected {
    case: String,
    at: Timestamp,
    what: String,
    /// The tick at which it fell due (set when the clock passes `at`).
    recorded: Option<Timestamp>,
}

/// The cases of one story, what the runner owes them, and the moments to look at.
struct Sim<'e> {
    env: &'e TestEnv,
    cases: Vec<String>,
    expected: Vec<Expected>,
    probes: BTreeSet<Timestamp>,
    clock: Timestamp,
    /// The last event number at which each case's history was checked.
    checked_at: HashMap<String, u64>,
    ticks: usize,
    history_checks: usize,
}

impl<'e> Sim<'e> {
    fn new(env: &'e TestEnv, now: &str) -> Self {
        Sim {
            env,
            cases: Vec::new(),
            expected: Vec::new(),
            probes: BTreeSet::new(),
            clock: ts(now),
            checked_at: HashMap::new(),
            ticks: 0,
            history_checks: 0,
        }
    }

    /// Checks this case's history after every tick from now on.
    fn watch(&mut self, id: &str) {
        self.cases.push(id.to_owned());
    }

    /// Noon Beijing time on the two days before and after `at`, and on its day.
    fn look_around(&mut self, at: Timestamp) {
        let day = beijing_day(at);
        for offset in -2..=2 {
            self.probes
                .insert(noon(day.checked_add(offset.days()).expect("day")));
        }
    }

    /// The runner must do `what` to `case` at `at` (UTC, as `case show --json` writes due
    /// times), once: looked at a second before and at the instant.
    fn expect(&mut self, case: &str, what: &str, at: &str) {
        let at = ts(at);
        self.probes.extend([at - 1.second(), at]);
        self.look_around(at);
        self.expected.push(Expected {
            case: case.to_owned(),
            at,
            what: what.to_owned(),
            recorded: None,
        });
    }

    /// A deadline that an act met, cancelled or replaced would have fired at `at`: tick there
    /// too, so that a firing of it would be seen.
    fn must_not_fire_at(&mut self, at: &str) {
        let at = ts(at);
        self.probes.insert(at);
        self.look_around(at);
    }

    /// Ticks at every moment of interest after the clock up to `until`, and at noon every day
    /// or week, checking after each tick that the runner did exactly what was due.
    #[track_caller]
    fn run_until(&mut self, until: &str, step: Step) {
        let until = ts(until);
        assert!(until >= self.clock, "the clock never runs backwards");
        let mut ticks: BTreeSet<Timestamp> = self
            .probes
            .iter()
            .copied()
            .filter(|t| *t > self.clock && *t <= until)
            .collect();
        let stride = match step {
            Step::Daily => 1,
            Step::Weekly => 7,
        };
        let mut day = beijing_day(self.clock).tomorrow().expect("day");
        while noon(day) <= until {
            ticks.insert(noon(day));
            day = day.checked_add(stride.days()).expect("day");
        }
        ticks.insert(until);
        for now in ticks {
            self.tick_at(now);
        }
    }

    #[track_caller]
    fn tick_at(&mut self, now: Timestamp) {
        let now_text = now.to_string();
        let mut fired = tick(self.env, &now_text);
        self.ticks += 1;
        let mut due: Vec<(String, String)> = Vec::new();
        for e in self
            .expected
            .iter_mut()
            .filter(|e| e.recorded.is_none() && e.at <= now)
        {
            e.recorded = Some(now);
            due.push((e.case.clone(), e.what.clone()));
        }
        fired.sort();
        due.sort();
        assert_eq!(
            fired, due,
            "`timers tick --now {now_text}` must fire exactly what fell due since {}",
            self.clock
        );
        if !fired.is_empty() {
            let again = tick(self.env, &now_text);
            assert!(
                again.is_empty(),
                "a second `timers tick --now {now_text}` fired again: {again:?}"
            );
        }
        // A history is append-only and numbered (ARCHITECTURE.md, invariant 1): a case whose
        // last event number is the one its history was last checked at has the same history.
        // Re-read the history of every case that changed since (by a tick or an act) or that
        // is owed something at this tick; `case list` tells the numbers cheaply.
        let seqs = case_seqs(self.env);
        for case in self.cases.clone() {
            let case = &case;
            let seq = *seqs
                .get(case)
                .unwrap_or_else(|| panic!("case {case} is not listed"));
            let owed = due.iter().any(|(c, _)| c == case);
            if !owed && self.checked_at.get(case) == Some(&seq) {
                continue;
            }
            self.checked_at.insert(case.clone(), seq);
            self.history_checks += 1;
            let mut want: Vec<Firing> = self
                .expected
                .iter()
                .filter(|e| &e.case == case)
                .filter_map(|e| {
                    e.recorded.map(|recorded| Firing {
                        at: e.at,
                        what: e.what.clone(),
                        recorded,
                    })
                })
                .collect();
            // Stable: firings of one instant keep the order they were expected in (a breach,
            // then its transition).
            want.sort_by_key(|f| f.at);
            assert_eq!(
                firings(self.env, case),
                want,
                "history of {case} after `timers tick --now {now_text}`"
            );
        }
        self.clock = now;
    }

    /// Everything the runner did to `case`, as (occurred_at, what), for a closing summary.
    fn summary(&self, case: &str) -> Vec<(String, String)> {
        firings(self.env, case)
            .into_iter()
            .map(|f| {
                (
                    f.at.display_with_offset(jiff::tz::offset(8)).to_string(),
                    f.what,
                )
            })
            .collect()
    }
}

fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

// ----- story 1: entrusted care — weekly contact kept, missed once, resumed; the father returns ----

/// The grandmother, 王秀英 (68), vetted as carer; the boy heard.
const GRANDMOTHER: &[(&str, &str)] = &[
    ("carer.name", "王秀英"),
    ("carer.birth_date", "1958-03-02"),
    ("carer.relation", "grandparent"),
    ("carer.full_capacity", "true"),
    ("carer.able_to_care", "true"),
    ("carer.lives_with_child", "true"),
    ("carer.record_of_harm", "false"),
    ("carer.addiction", "false"),
    ("carer.neglected_duty", "false"),
    ("carer.otherwise_unsuitable", "false"),
    ("carer.serious_infectious_disease", "false"),
    ("child.special_needs", "false"),
    ("child.can_express_views", "true"),
    ("child.views", "愿意和奶奶一起住"),
];

/// Logs a contact by the father (video call at `called_at`, recorded at `now`).
#[track_caller]
fn contact(env: &TestEnv, id: &str, transition: &str, called_at: &str, now: &str) {
    advance(
        env,
        id,
        transition,
        "parent",
        &[("contact.last_at", called_at), ("contact.channel", "video")],
        now,
    );
}

#[test]
fn entrusted_care_weekly_contact_missed_once_then_resumed_until_the_father_returns() {
    // 李强 leaves for work after the Spring Festival holiday (15–23 February 2026).
    let env = sim_env("2026-02-24T09:00:00+08:00");
    let id = open(
        &env,
        "entrusted-care",
        "parent",
        &[
            ("child.name", "李小明"),
            ("child.birth_date", "2016-05-01"),
            ("child.sex", "male"),
            ("child.id_number", &id_number("50011420160501001")),
            ("child.address", "重庆市黔江区某镇某村3组"),
            ("parent.name", "李强"),
        ],
        "2026-02-24T09:00:00+08:00",
    );
    advance(
        &env,
        &id,
        "approve_carer",
        "village_committee",
        GRANDMOTHER,
        "2026-02-24T10:00:00+08:00",
    );
    advance(
        &env,
        &id,
        "sign_agreement",
        "village_committee",
        &[
            ("entrustment.start_date", "2026-02-25"),
            ("entrustment.end_date", "2027-01-31"),
            ("entrustment.contact_plan", "每周日晚视频通话"),
            ("entrustment.witness_name", "赵主任"),
            ("parent.departure_date", "2026-02-25"),
            ("parent.work_place", "浙江省宁波市北仑区"),
            ("parent.phone", "13800230001"),
            ("carer.phone", "13800230002"),
        ],
        "2026-02-25T09:00:00+08:00",
    );
    // UPL 23, weekly contact, 7d from the signing on Wednesday 25 February: the last day is
    // Wednesday 4 March (CC 201(1)), ends 24:00; reminded 1d before, at 24:00 on 3 March.
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-03-05T00:00:00+08:00",
        Some("2026-03-04T00:00:00+08:00"),
        false,
    );
    // The agreed term: 24h from the end date 31 January 2027 (00:00), i.e. 24:00 that day; an
    // hour period runs from the moment and is not moved off the Sunday (CC 201(2)).
    assert_schedule(
        &env,
        &id,
        "entrustment_term",
        "2027-02-01T00:00:00+08:00",
        None,
        false,
    );
    let mut sim = Sim::new(&env, "2026-02-25T09:00:00+08:00");
    sim.watch(&id);

    // Sunday 1 March, 20:00: the first video call, before any reminder. Counted from the call:
    // Sunday 8 March, 24:00. A week is a day in each week, not a period: never moved off a
    // rest day (issue 17); reminded at 24:00 on Saturday 7 March.
    sim.run_until("2026-03-01T21:00:00+08:00", Step::Daily);
    contact(
        &env,
        &id,
        "log_contact",
        "2026-03-01T20:00:00+08:00",
        "2026-03-01T21:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-03-09T00:00:00+08:00",
        Some("2026-03-08T00:00:00+08:00"),
        false,
    );
    sim.must_not_fire_at("2026-03-04T00:00:00+08:00");
    sim.must_not_fire_at("2026-03-05T00:00:00+08:00");

    // Saturday 7 and Friday 13 March, 20:00, each before its reminder: due Saturday 14 March,
    // then Friday 20 March (reminded 24:00 on Thursday 19 March).
    sim.run_until("2026-03-07T21:00:00+08:00", Step::Daily);
    contact(
        &env,
        &id,
        "log_contact",
        "2026-03-07T20:00:00+08:00",
        "2026-03-07T21:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-03-15T00:00:00+08:00",
        Some("2026-03-14T00:00:00+08:00"),
        false,
    );
    sim.must_not_fire_at("2026-03-08T00:00:00+08:00");
    sim.must_not_fire_at("2026-03-09T00:00:00+08:00");
    sim.run_until("2026-03-13T21:00:00+08:00", Step::Daily);
    contact(
        &env,
        &id,
        "log_contact",
        "2026-03-13T20:00:00+08:00",
        "2026-03-13T21:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-03-21T00:00:00+08:00",
        Some("2026-03-20T00:00:00+08:00"),
        false,
    );
    sim.must_not_fire_at("2026-03-14T00:00:00+08:00");
    sim.must_not_fire_at("2026-03-15T00:00:00+08:00");

    // No call on Thursday 19 March: the reminder goes out at 24:00. He calls on Friday evening,
    // inside the week: no breach. From Friday 20 March: due Friday 27 March.
    sim.expect(&id, "reminded weekly_contact", "2026-03-20T00:00:00+08:00");
    sim.run_until("2026-03-20T20:00:00+08:00", Step::Daily);
    contact(
        &env,
        &id,
        "log_contact",
        "2026-03-20T19:30:00+08:00",
        "2026-03-20T20:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-03-28T00:00:00+08:00",
        Some("2026-03-27T00:00:00+08:00"),
        false,
    );
    sim.must_not_fire_at("2026-03-21T00:00:00+08:00");

    // Thursday 26 March, 20:00, before its reminder: due Thursday 2 April.
    sim.run_until("2026-03-26T21:00:00+08:00", Step::Daily);
    contact(
        &env,
        &id,
        "log_contact",
        "2026-03-26T20:00:00+08:00",
        "2026-03-26T21:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-04-03T00:00:00+08:00",
        Some("2026-04-02T00:00:00+08:00"),
        false,
    );
    sim.must_not_fire_at("2026-03-27T00:00:00+08:00");
    sim.must_not_fire_at("2026-03-28T00:00:00+08:00");

    // Sunday 29 March, 20:00 (a second call that week restarts the count). Seven days on is
    // Sunday 5 April, inside the Qingming holiday (4–6 April): the week still ends that day,
    // reminded at 24:00 on Saturday 4 April.
    sim.run_until("2026-03-29T21:00:00+08:00", Step::Daily);
    contact(
        &env,
        &id,
        "log_contact",
        "2026-03-29T20:00:00+08:00",
        "2026-03-29T21:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-04-06T00:00:00+08:00",
        Some("2026-04-05T00:00:00+08:00"),
        false,
    );
    sim.must_not_fire_at("2026-04-02T00:00:00+08:00");
    sim.must_not_fire_at("2026-04-03T00:00:00+08:00");

    // He does not call. The reminder, then at 24:00 on 5 April the breach and, at the same
    // moment, the system transition to the village committee's supervision (UPL 23, 43).
    sim.expect(&id, "reminded weekly_contact", "2026-04-05T00:00:00+08:00");
    sim.expect(&id, "breached weekly_contact", "2026-04-06T00:00:00+08:00");
    sim.expect(&id, "fired contact_lapsed", "2026-04-06T00:00:00+08:00");
    sim.run_until("2026-04-05T10:00:00+08:00", Step::Daily);
    assert_eq!(
        agenda(&env, "2026-04-05T10:00:00+08:00", 1),
        [(
            id.clone(),
            "weekly_contact".to_owned(),
            "2026-04-06T00:00:00+08:00".to_owned()
        )]
    );
    sim.run_until("2026-04-05T23:59:59+08:00", Step::Daily);
    assert_eq!(state(&env, &id), "entrusted");
    assert!(overdue(&env, "2026-04-05T23:59:59+08:00").is_empty());
    sim.run_until("2026-04-06T10:00:00+08:00", Step::Daily);
    assert_eq!(state(&env, &id), "under_supervision");
    assert_eq!(
        overdue(&env, "2026-04-06T10:00:00+08:00"),
        owned(&[(&id, "weekly_contact", true)])
    );
    // The supervision visits, monthly, count from the transition, which occurred at the breach:
    // 24:00 on 5 April, i.e. 00:00 on Monday 6 April. A month from 6 April is Wednesday 6 May
    // (CC 202), a working day after the Labour Day holiday; reminded 3 days before, at 24:00 on
    // Sunday 3 May.
    assert_schedule(
        &env,
        &id,
        "supervision_visit",
        "2026-05-07T00:00:00+08:00",
        Some("2026-05-04T00:00:00+08:00"),
        false,
    );

    // Thursday 9 April: the village committee visits. A month from 9 April is Saturday 9 May,
    // a make-up working day (调休) of the Labour Day holiday: the period ends that day.
    sim.run_until("2026-04-09T10:00:00+08:00", Step::Daily);
    advance(
        &env,
        &id,
        "supervision_visit",
        "village_committee",
        &[("supervision.visited_at", "2026-04-09T09:00:00+08:00")],
        "2026-04-09T10:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "supervision_visit",
        "2026-05-10T00:00:00+08:00",
        Some("2026-05-07T00:00:00+08:00"),
        false,
    );
    sim.must_not_fire_at("2026-05-04T00:00:00+08:00");
    sim.must_not_fire_at("2026-05-07T00:00:00+08:00");

    // Friday 10 April, 20:00: contact resumes; the week restarts (due Friday 17 April) and the
    // case is no longer overdue.
    sim.run_until("2026-04-10T21:00:00+08:00", Step::Daily);
    contact(
        &env,
        &id,
        "log_contact_under_supervision",
        "2026-04-10T20:00:00+08:00",
        "2026-04-10T21:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-04-18T00:00:00+08:00",
        Some("2026-04-17T00:00:00+08:00"),
        false,
    );
    assert!(overdue(&env, "2026-04-10T21:00:00+08:00").is_empty());

    // Monday 13 April: care restored. The supervision visits end with the state (not kept);
    // the weekly contact (kept) runs on.
    sim.run_until("2026-04-13T10:00:00+08:00", Step::Daily);
    advance(
        &env,
        &id,
        "care_restored",
        "village_committee",
        &[
            ("supervision.outcome", "父亲恢复每周联系，奶奶照护正常"),
            ("supervision.visited_at", "2026-04-09T09:00:00+08:00"),
        ],
        "2026-04-13T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "entrusted");
    assert_no_deadline(&env, &id, "supervision_visit");
    sim.must_not_fire_at("2026-05-07T00:00:00+08:00");
    sim.must_not_fire_at("2026-05-10T00:00:00+08:00");
    assert_schedule(
        &env,
        &id,
        "weekly_contact",
        "2026-04-18T00:00:00+08:00",
        Some("2026-04-17T00:00:00+08:00"),
        false,
    );

    // Then a call every week, each before its reminder. Each row: the call, the new due time
    // and reminder, and why.
    let calls: &[(&str, &str, &str)] = &[
        // Thursday 16 April → Thursday 23 April.
        (
            "2026-04-16T20:00:00+08:00",
            "2026-04-24T00:00:00+08:00",
            "2026-04-23T00:00:00+08:00",
        ),
        // Sunday 19 April → Sunday 26 April, a rest day, not moved.
        (
            "2026-04-19T20:00:00+08:00",
            "2026-04-27T00:00:00+08:00",
            "2026-04-26T00:00:00+08:00",
        ),
        // Saturday 25 April → Saturday 2 May, inside the Labour Day holiday (1–5 May), not moved.
        (
            "2026-04-25T20:00:00+08:00",
            "2026-05-03T00:00:00+08:00",
            "2026-05-02T00:00:00+08:00",
        ),
        // Friday 1 May → Friday 8 May.
        (
            "2026-05-01T20:00:00+08:00",
            "2026-05-09T00:00:00+08:00",
            "2026-05-08T00:00:00+08:00",
        ),
        // Thursday 7 May → Thursday 14 May.
        (
            "2026-05-07T20:00:00+08:00",
            "2026-05-15T00:00:00+08:00",
            "2026-05-14T00:00:00+08:00",
        ),
        // Wednesday 13 May → Wednesday 20 May.
        (
            "2026-05-13T20:00:00+08:00",
            "2026-05-21T00:00:00+08:00",
            "2026-05-20T00:00:00+08:00",
        ),
        // Tuesday 19 May → Tuesday 26 May.
        (
            "2026-05-19T20:00:00+08:00",
            "2026-05-27T00:00:00+08:00",
            "2026-05-26T00:00:00+08:00",
        ),
        // Sunday 24 May → Sunday 31 May.
        (
            "2026-05-24T20:00:00+08:00",
            "2026-06-01T00:00:00+08:00",
            "2026-05-31T00:00:00+08:00",
        ),
    ];
    let mut previous = ("2026-04-18T00:00:00+08:00", "2026-04-17T00:00:00+08:00");
    for (called_at, due, remind_at) in calls {
        let recorded = called_at.replace("T20:00", "T21:00");
        sim.run_until(&recorded, Step::Daily);
        contact(&env, &id, "log_contact", called_at, &recorded);
        assert_schedule(&env, &id, "weekly_contact", due, Some(remind_at), false);
        sim.must_not_fire_at(previous.1);
        sim.must_not_fire_at(previous.0);
        previous = (due, remind_at);
    }

    // Thursday 28 May the father comes home for good; Friday 29 May the entrustment ends.
    // Every deadline ends with the case: the week due 31 May, the agreed term (31 January
    // 2027) and the 18th birthday.
    sim.run_until("2026-05-29T10:00:00+08:00", Step::Daily);
    advance(
        &env,
        &id,
        "close",
        "village_committee",
        &[
            ("close_reason", "parent_returned"),
            ("parent.returned_on", "2026-05-28"),
        ],
        "2026-05-29T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "closed");
    assert!(
        show(&env, &id)["deadlines"]
            .as_array()
            .expect("deadlines")
            .is_empty()
    );
    sim.must_not_fire_at("2026-05-31T00:00:00+08:00");
    sim.must_not_fire_at("2026-06-01T00:00:00+08:00");
    sim.must_not_fire_at("2027-02-01T00:00:00+08:00");
    sim.run_until("2027-02-24T12:00:00+08:00", Step::Weekly);
    assert!(overdue(&env, "2027-02-24T12:00:00+08:00").is_empty());

    assert_eq!(
        sim.summary(&id),
        pairs(&[
            ("2026-03-20T00:00:00+08:00", "reminded weekly_contact"),
            ("2026-04-05T00:00:00+08:00", "reminded weekly_contact"),
            ("2026-04-06T00:00:00+08:00", "breached weekly_contact"),
            ("2026-04-06T00:00:00+08:00", "fired contact_lapsed"),
        ])
    );
    eprintln!(
        "entrusted care: {} ticks, {} history checks",
        sim.ticks, sim.history_checks
    );
}

// ----- story 2: temporary custody of a street child of unknown identity -----

#[test]
fn temporary_custody_parent_search_runs_out_at_six_months_and_custody_at_one_year() {
    // Monday 5 January 2026: the rescue-protection institution takes in a boy found begging at
    // the station, who cannot name his parents (UPL 92 item 1).
    let env = sim_env("2026-01-05T10:00:00+08:00");
    let id = open(
        &env,
        "temporary-custody",
        "institution",
        &[
            ("ground", "street_or_unknown_identity"),
            ("ground_details", "在火车站广场乞讨，无法说出父母姓名和住址"),
            ("child.name", "小石头（临时称呼）"),
            ("child.birth_date", "2019-06-01"),
            ("child.birth_date_estimated", "true"),
            ("child.sex", "male"),
            ("child.registry_id", "JY-2026-0003"),
            ("child.address", "火车站广场"),
        ],
        "2026-01-05T10:00:00+08:00",
    );
    // The custody limit, 1 year from the taking in (CC 201(1), 202): Tuesday 5 January 2027,
    // past the calendar data, so counted on weekdays alone and provisional; reminded a month
    // before, at 24:00 on Saturday 5 December 2026 (a reminder is not moved off a rest day).
    assert_schedule(
        &env,
        &id,
        "custody_limit",
        "2027-01-06T00:00:00+08:00",
        Some("2026-12-06T00:00:00+08:00"),
        true,
    );
    advance(
        &env,
        &id,
        "start_parent_search",
        "police",
        &[("search.started_at", "2026-01-05T10:30:00+08:00")],
        "2026-01-05T11:00:00+08:00",
    );
    // The search, 6 months from 5 January: Sunday 5 July, a rest day, so Monday 6 July
    // (CC 203(1)), ends 24:00; reminded a month before, at 24:00 on 6 June.
    assert_schedule(
        &env,
        &id,
        "parent_search",
        "2026-07-07T00:00:00+08:00",
        Some("2026-06-07T00:00:00+08:00"),
        false,
    );
    advance(
        &env,
        &id,
        "place",
        "civil_affairs",
        &[
            ("placement.kind", "rescue_protection_institution"),
            ("placement.name", "江源区未成年人救助保护中心"),
            ("placed_at", "2026-01-05T12:00:00+08:00"),
        ],
        "2026-01-05T12:00:00+08:00",
    );
    let mut sim = Sim::new(&env, "2026-01-05T12:00:00+08:00");
    sim.watch(&id);
    sim.expect(&id, "reminded parent_search", "2026-06-07T00:00:00+08:00");
    sim.expect(&id, "breached parent_search", "2026-07-07T00:00:00+08:00");
    sim.expect(
        &id,
        "fired parent_search_expired",
        "2026-07-07T00:00:00+08:00",
    );

    // February: the first assessment finds no guardian; the police go on searching.
    sim.run_until("2026-02-02T10:00:00+08:00", Step::Weekly);
    advance(
        &env,
        &id,
        "assess",
        "institution",
        &[
            ("assessment.team_size", "3"),
            ("assessment.conclusion", "guardian_not_found"),
            ("assessment.completed_at", "2026-02-02T09:00:00+08:00"),
            ("assessment.family", "身份不明，父母及其他亲属均未找到"),
            ("assessment.guardian_remorse", "监护人下落不明，无法了解"),
            (
                "assessment.child_health",
                "轻度营养不良，已好转；情绪逐渐稳定",
            ),
            (
                "assessment.child_wishes",
                "想找到爸爸妈妈，暂时愿意留在中心",
            ),
        ],
        "2026-02-02T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "assessed");

    // Nobody found by 24:00 on 6 July: the search runs out and the case goes to review.
    sim.run_until("2026-07-06T23:59:59+08:00", Step::Weekly);
    assert_eq!(state(&env, &id), "assessed");
    sim.run_until("2026-07-07T10:00:00+08:00", Step::Weekly);
    assert_eq!(state(&env, &id), "review_due");
    assert_eq!(
        overdue(&env, "2026-07-07T10:00:00+08:00"),
        owned(&[(&id, "parent_search", true)])
    );

    // The review: a DNA comparison is pending, so custody goes on under the running limit.
    advance(
        &env,
        &id,
        "assess",
        "civil_affairs",
        &[
            ("assessment.team_size", "3"),
            ("assessment.conclusion", "guardian_not_found"),
            ("assessment.completed_at", "2026-07-07T10:00:00+08:00"),
            ("assessment.family", "公安机关仍在查找，DNA比对结果尚未出来"),
            ("assessment.guardian_remorse", "监护人下落不明，无法了解"),
            ("assessment.child_health", "身体健康，已适应中心生活"),
            (
                "assessment.child_wishes",
                "想找到爸爸妈妈，暂时愿意留在中心",
            ),
        ],
        "2026-07-07T10:30:00+08:00",
    );
    assert_eq!(state(&env, &id), "assessed");
    assert_schedule(
        &env,
        &id,
        "custody_limit",
        "2027-01-06T00:00:00+08:00",
        Some("2026-12-06T00:00:00+08:00"),
        true,
    );

    // A year after the taking in, the custody limit passes into review as well.
    sim.expect(&id, "reminded custody_limit", "2026-12-06T00:00:00+08:00");
    sim.expect(&id, "breached custody_limit", "2027-01-06T00:00:00+08:00");
    sim.expect(
        &id,
        "fired custody_limit_expired",
        "2027-01-06T00:00:00+08:00",
    );
    sim.run_until("2026-12-07T12:00:00+08:00", Step::Weekly);
    assert_eq!(
        agenda(&env, "2026-12-07T12:00:00+08:00", 31),
        [(
            id.clone(),
            "custody_limit".to_owned(),
            "2027-01-06T00:00:00+08:00".to_owned()
        )]
    );
    sim.run_until("2027-01-05T23:59:59+08:00", Step::Weekly);
    assert_eq!(state(&env, &id), "assessed");
    sim.run_until("2027-01-07T10:00:00+08:00", Step::Weekly);
    assert_eq!(state(&env, &id), "review_due");
    assert_eq!(
        overdue(&env, "2027-01-07T10:00:00+08:00"),
        owned(&[(&id, "parent_search", true), (&id, "custody_limit", true)])
    );

    // Long-term custody (UPL 94 item 1); the household registration falls two years after the
    // search began: Wednesday 5 January 2028 (provisional), beyond this year.
    advance(
        &env,
        &id,
        "take_long_term_custody_unfound",
        "civil_affairs",
        &[
            ("long_term.ground", "parents_not_found"),
            ("long_term.decided_at", "2027-01-07T10:00:00+08:00"),
        ],
        "2027-01-07T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "long_term_custody");
    assert_schedule(
        &env,
        &id,
        "household_registration",
        "2028-01-06T00:00:00+08:00",
        Some("2027-12-06T00:00:00+08:00"),
        true,
    );
    sim.run_until("2027-01-11T12:00:00+08:00", Step::Weekly);

    assert_eq!(
        sim.summary(&id),
        pairs(&[
            ("2026-06-07T00:00:00+08:00", "reminded parent_search"),
            ("2026-07-07T00:00:00+08:00", "breached parent_search"),
            ("2026-07-07T00:00:00+08:00", "fired parent_search_expired"),
            ("2026-12-06T00:00:00+08:00", "reminded custody_limit"),
            ("2027-01-06T00:00:00+08:00", "breached custody_limit"),
            ("2027-01-06T00:00:00+08:00", "fired custody_limit_expired"),
        ])
    );
    eprintln!(
        "temporary custody: {} ticks, {} history checks",
        sim.ticks, sim.history_checks
    );
}

// ----- story 3: two fathers criminally detained, each with a 6-year-old -----

/// A child of a detained parent: name, birth date, sex, and the 17 digits of the identity
/// number before its check character.
struct Child<'a> {
    name: &'a str,
    birth_date: &'a str,
    sex: &'a str,
    id17: &'a str,
}

/// Opens a detained-parent case and records a criminal detention decided at `decision_at`,
/// with one child; returns the case id.
#[track_caller]
fn criminal_detention(
    env: &TestEnv,
    parent: &str,
    child: Child<'_>,
    decision_at: &str,
    now: &str,
) -> String {
    let id = open(
        env,
        "detained-parent",
        "police",
        &[("parent.name", parent), ("parent.relation", "father")],
        now,
    );
    let children = format!(
        r#"[{{"name":"{}","birth_date":"{}","sex":"{}","id_number":"{}"}}]"#,
        child.name,
        child.birth_date,
        child.sex,
        id_number(child.id17)
    );
    advance(
        env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            ("measure", "criminal_detention"),
            ("decision_at", decision_at),
            ("minor_children_in_need", "true"),
            ("children", &children),
            ("child.address", "黔江区某镇某村"),
        ],
        now,
    );
    id
}

#[test]
fn detained_parents_family_notification_met_once_and_missed_once() {
    // Tuesday 17 February 2026, the first day of the Spring Festival holiday. 王建国 is
    // criminally detained at 22:00; his son 王小宝 is 6.
    let env = sim_env("2026-02-17T22:20:00+08:00");
    let a = criminal_detention(
        &env,
        "王建国",
        Child {
            name: "王小宝",
            birth_date: "2019-09-10",
            sex: "male",
            id17: "50011420190910001",
        },
        "2026-02-17T22:00:00+08:00",
        "2026-02-17T22:20:00+08:00",
    );
    // CPL 85: the family within 24 hours, counted from the decision to the minute (CC 201(2):
    // hours run from the moment, the holiday does not matter): 22:00 on 18 February, reminded
    // 6 hours before, at 16:00.
    assert_schedule(
        &env,
        &a,
        "family_notification",
        "2026-02-18T22:00:00+08:00",
        Some("2026-02-18T16:00:00+08:00"),
        false,
    );
    // 刘军, elsewhere in the county, at 23:00; his daughter 刘小雨 is 6.
    let b = criminal_detention(
        &env,
        "刘军",
        Child {
            name: "刘小雨",
            birth_date: "2019-11-20",
            sex: "female",
            id17: "50011420191120002",
        },
        "2026-02-17T23:00:00+08:00",
        "2026-02-17T23:30:00+08:00",
    );
    // 23:00 on 18 February, reminded at 17:00.
    assert_schedule(
        &env,
        &b,
        "family_notification",
        "2026-02-18T23:00:00+08:00",
        Some("2026-02-18T17:00:00+08:00"),
        false,
    );
    let mut sim = Sim::new(&env, "2026-02-17T23:30:00+08:00");
    sim.watch(&a);
    sim.watch(&b);
    sim.expect(
        &a,
        "reminded family_notification",
        "2026-02-18T16:00:00+08:00",
    );
    sim.expect(
        &b,
        "reminded family_notification",
        "2026-02-18T17:00:00+08:00",
    );
    sim.expect(
        &b,
        "breached family_notification",
        "2026-02-18T23:00:00+08:00",
    );

    // 王建国's family is reached at 19:00, after the reminder and within the 24 hours: the
    // grandmother takes the boy (a linked entrusted-care case), which meets the deadline.
    sim.run_until("2026-02-18T19:30:00+08:00", Step::Daily);
    assert!(overdue(&env, "2026-02-18T19:30:00+08:00").is_empty());
    advance(
        &env,
        &a,
        "entrust_to_carer",
        "police",
        &[
            ("family_notified_at", "2026-02-18T19:00:00+08:00"),
            ("carer.name", "王桂兰"),
            ("carer.birth_date", "1960-08-15"),
            ("carer.relation", "grandparent"),
            ("carer.full_capacity", "true"),
            ("carer.lives_with_child", "true"),
            ("carer.record_of_harm", "false"),
            ("carer.addiction", "false"),
            ("carer.neglected_duty", "false"),
            ("carer.otherwise_unsuitable", "false"),
            ("carer.serious_infectious_disease", "false"),
        ],
        "2026-02-18T19:30:00+08:00",
    );
    assert_eq!(state(&env, &a), "with_carer");
    assert_no_deadline(&env, &a, "family_notification");
    let a_child = show(&env, &a)["spawned"][0]["case"]
        .as_str()
        .expect("spawned entrusted-care case")
        .to_owned();
    assert_eq!(show(&env, &a_child)["workflow"], "entrusted-care");
    sim.watch(&a_child);
    sim.must_not_fire_at("2026-02-18T22:00:00+08:00");

    // 刘军's family is not reached in time: at 23:00 the breach is recorded (no transition: the
    // police must still notify) and the case is overdue.
    sim.run_until("2026-02-18T22:59:59+08:00", Step::Daily);
    assert!(overdue(&env, "2026-02-18T22:59:59+08:00").is_empty());
    sim.run_until("2026-02-19T09:30:00+08:00", Step::Daily);
    assert_eq!(state(&env, &b), "detained");
    assert_eq!(
        overdue(&env, "2026-02-19T09:30:00+08:00"),
        owned(&[(&b, "family_notification", true)])
    );
    // Reached at 09:00 the next morning; nobody can take the girl: civil affairs takes her into
    // temporary custody (UPL 92 item 3), a linked case.
    advance(
        &env,
        &b,
        "refer_to_civil_affairs",
        "police",
        &[("family_notified_at", "2026-02-19T09:00:00+08:00")],
        "2026-02-19T10:00:00+08:00",
    );
    assert_eq!(state(&env, &b), "in_state_custody");
    assert_no_deadline(&env, &b, "family_notification");
    let b_child = show(&env, &b)["spawned"][0]["case"]
        .as_str()
        .expect("spawned temporary-custody case")
        .to_owned();
    assert_eq!(show(&env, &b_child)["workflow"], "temporary-custody");
    // Her custody limit: 1 year from Thursday 19 February 2026 is Friday 19 February 2027,
    // past the calendar data (provisional); reminded a month before, at 24:00 on 19 January.
    assert_schedule(
        &env,
        &b_child,
        "custody_limit",
        "2027-02-20T00:00:00+08:00",
        Some("2027-01-20T00:00:00+08:00"),
        true,
    );
    assert!(overdue(&env, "2026-02-19T10:00:00+08:00").is_empty());
    advance(
        &env,
        &b_child,
        "place",
        "civil_affairs",
        &[
            ("placement.kind", "child_welfare_institution"),
            ("placement.name", "黔江区儿童福利院"),
            ("placed_at", "2026-02-19T15:00:00+08:00"),
        ],
        "2026-02-19T15:00:00+08:00",
    );
    sim.watch(&b_child);
    sim.expect(
        &b_child,
        "reminded custody_limit",
        "2027-01-20T00:00:00+08:00",
    );
    sim.expect(
        &b_child,
        "breached custody_limit",
        "2027-02-20T00:00:00+08:00",
    );
    sim.expect(
        &b_child,
        "fired custody_limit_expired",
        "2027-02-20T00:00:00+08:00",
    );

    // Tuesday 25 August: 王建国 is released. The follow-up visit within a month: Friday
    // 25 September is in the Mid-Autumn holiday (25–27 September), so the month ends on
    // Monday 28 September; reminded 3 days before, at 24:00 on 25 September.
    sim.run_until("2026-08-25T10:00:00+08:00", Step::Weekly);
    advance(
        &env,
        &a,
        "release",
        "police",
        &[("released_at", "2026-08-25T09:00:00+08:00")],
        "2026-08-25T10:00:00+08:00",
    );
    assert_schedule(
        &env,
        &a,
        "release_follow_up",
        "2026-09-29T00:00:00+08:00",
        Some("2026-09-26T00:00:00+08:00"),
        false,
    );
    sim.expect(
        &a,
        "reminded release_follow_up",
        "2026-09-26T00:00:00+08:00",
    );
    // The village committee visits on the last day, after the reminder.
    sim.run_until("2026-09-28T10:00:00+08:00", Step::Weekly);
    advance(
        &env,
        &a,
        "follow_up_visit",
        "village_committee",
        &[
            ("follow_up.visited_at", "2026-09-28T09:00:00+08:00"),
            ("follow_up.finding", "王小宝已随父亲回家生活"),
        ],
        "2026-09-28T10:00:00+08:00",
    );
    assert_eq!(state(&env, &a), "closed");
    sim.must_not_fire_at("2026-09-29T00:00:00+08:00");

    // The girl stays in custody while her father is held; her custody limit reminds and then
    // passes into review.
    sim.run_until("2027-02-19T23:59:59+08:00", Step::Weekly);
    assert_eq!(state(&env, &b_child), "placed");
    sim.run_until("2027-02-22T12:00:00+08:00", Step::Weekly);
    assert_eq!(state(&env, &b_child), "review_due");
    assert_eq!(
        overdue(&env, "2027-02-22T12:00:00+08:00"),
        owned(&[(&b_child, "custody_limit", true)])
    );

    assert_eq!(
        sim.summary(&a),
        pairs(&[
            ("2026-02-18T16:00:00+08:00", "reminded family_notification"),
            ("2026-09-26T00:00:00+08:00", "reminded release_follow_up"),
        ])
    );
    assert_eq!(
        sim.summary(&b),
        pairs(&[
            ("2026-02-18T17:00:00+08:00", "reminded family_notification"),
            ("2026-02-18T23:00:00+08:00", "breached family_notification"),
        ])
    );
    assert!(sim.summary(&a_child).is_empty());
    assert_eq!(
        sim.summary(&b_child),
        pairs(&[
            ("2027-01-20T00:00:00+08:00", "reminded custody_limit"),
            ("2027-02-20T00:00:00+08:00", "breached custody_limit"),
            ("2027-02-20T00:00:00+08:00", "fired custody_limit_expired"),
        ])
    );
    eprintln!(
        "detained parents: {} ticks, {} history checks",
        sim.ticks, sim.history_checks
    );
}

/// The events of a case's history of type `kind` and deadline `name`: (occurred_at, recorded_at).
fn events_of(env: &TestEnv, id: &str, kind: &str, name: &str) -> Vec<(Timestamp, Timestamp)> {
    let history: Value =
        serde_json::from_str(&env.ok(&["case", "history", id, "--json"])).expect("history JSON");
    history
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == kind && e["name"] == name)
        .map(|e| {
            (
                ts(e["occurred_at"].as_str().expect("occurred_at")),
                ts(e["recorded_at"].as_str().expect("recorded_at")),
            )
        })
        .collect()
}

/// A detention entered late: the 24 hours count from the decision, so the reminder time (6 h
/// before the end) has already passed when the deadline is set. The reminder is still owed,
/// once; but it cannot have gone out before the deadline existed, so it must not be recorded
/// as occurring before the act that set the deadline.
#[test]
fn a_detention_entered_after_its_reminder_time_is_reminded_once_and_not_before_it_was_entered() {
    // Tuesday 10 March 2026, 01:00: the police open the file of 赵强, brought in the day before.
    let env = sim_env("2026-03-10T01:00:00+08:00");
    let id = open(
        &env,
        "detained-parent",
        "police",
        &[("parent.name", "赵强"), ("parent.relation", "father")],
        "2026-03-10T01:00:00+08:00",
    );
    // 08:00: the criminal detention decided at 09:30 on 9 March is entered. CPL 85, 24 hours
    // from the decision (CC 201(2)): 09:30 on 10 March; the reminder 6 hours before, 03:30 on
    // 10 March, is already past.
    advance(
        &env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            ("measure", "criminal_detention"),
            ("decision_at", "2026-03-09T09:30:00+08:00"),
            ("minor_children_in_need", "false"),
            ("children", "[]"),
        ],
        "2026-03-10T08:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "family_notification",
        "2026-03-10T09:30:00+08:00",
        Some("2026-03-10T03:30:00+08:00"),
        false,
    );
    let set = events_of(&env, &id, "deadline_set", "family_notification");
    assert_eq!(set.len(), 1);
    let set_at = set[0].0;
    assert_eq!(set_at, ts("2026-03-10T08:00:00+08:00"));

    // The next tick owes the reminder, once.
    let now = "2026-03-10T08:00:01+08:00";
    assert_eq!(
        tick(&env, now),
        [(id.clone(), "reminded family_notification".to_owned())]
    );
    assert!(tick(&env, now).is_empty());
    let reminded = events_of(&env, &id, "deadline_reminded", "family_notification");
    assert_eq!(reminded.len(), 1, "{reminded:?}");
    let (occurred, recorded) = reminded[0];
    assert_eq!(recorded, ts(now));
    assert!(
        set_at <= occurred && occurred <= ts(now),
        "the reminder is recorded as occurring at {occurred}, before its deadline was set at \
         {set_at} (it cannot have gone out before the deadline existed)"
    );

    // Nobody is notified: the breach at 09:30, once.
    assert!(tick(&env, "2026-03-10T09:29:59+08:00").is_empty());
    assert_eq!(
        tick(&env, "2026-03-10T09:30:00+08:00"),
        [(id.clone(), "breached family_notification".to_owned())]
    );
    assert_eq!(
        events_of(&env, &id, "deadline_breached", "family_notification"),
        [(
            ts("2026-03-10T09:30:00+08:00"),
            ts("2026-03-10T09:30:00+08:00")
        )]
    );
}

// ----- story 4: a mandatory report; feedback missed; nobody else petitions -----

#[test]
fn intervention_feedback_missed_then_civil_affairs_must_petition() {
    // Friday 2 October 2026, in the National Day holiday: a school reports 张小花 (12), bruised,
    // who says her father beat her. The police open the case at 09:00: acceptance within 24
    // hours (a setting), from the moment: 09:00 on Saturday 3 October, reminded at 07:00.
    let env = sim_env("2026-10-02T09:00:00+08:00");
    let id = open(
        &env,
        "guardianship-intervention",
        "police",
        &[("source", "mandatory_report")],
        "2026-10-02T09:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "acceptance",
        "2026-10-03T09:00:00+08:00",
        Some("2026-10-03T07:00:00+08:00"),
        false,
    );
    advance(
        &env,
        &id,
        "accept_report",
        "police",
        &[
            ("child.name", "张小花"),
            ("child.birth_date", "2014-09-10"),
            ("child.sex", "female"),
            ("report.received_at", "2026-10-02T08:40:00+08:00"),
            ("report.category", "domestic_violence"),
            ("report.facts", "学生脸部淤青，自述被父亲殴打"),
            ("reporter.kind", "school"),
            ("reporter.unit", "黔江区城东小学"),
            ("reporter.name", "王老师"),
            ("police.case_number", "渝公黔（城东）受案字〔2026〕301号"),
            ("police.officer_name", "李警官"),
            ("police.officer_phone", "023-79223110"),
        ],
        "2026-10-02T11:00:00+08:00",
    );
    // Accepted at 11:00: the acceptance deadline is met (it ends with the state).
    assert_no_deadline(&env, &id, "acceptance");
    // The township is told that afternoon, inside its 24 hours (黔江区, a setting).
    assert_schedule(
        &env,
        &id,
        "township_notice",
        "2026-10-03T11:00:00+08:00",
        Some("2026-10-03T09:00:00+08:00"),
        false,
    );
    advance(
        &env,
        &id,
        "notify_township",
        "police",
        &[("township.notified_at", "2026-10-02T15:00:00+08:00")],
        "2026-10-02T15:00:00+08:00",
    );
    assert_no_deadline(&env, &id, "township_notice");
    // Feedback to the reporting school within 3d (UPL 11(3)): from Friday 2 October the last
    // day is Monday 5 October, a National Day holiday (1–7 October), so the period moves to
    // Thursday 8 October (CC 203(1)) and ends at 24:00; reminded 1d before, 24:00 on 7 October.
    assert_schedule(
        &env,
        &id,
        "reporter_feedback",
        "2026-10-09T00:00:00+08:00",
        Some("2026-10-08T00:00:00+08:00"),
        false,
    );
    let mut sim = Sim::new(&env, "2026-10-02T11:00:00+08:00");
    sim.watch(&id);
    sim.must_not_fire_at("2026-10-03T07:00:00+08:00");
    sim.must_not_fire_at("2026-10-03T09:00:00+08:00");
    sim.expect(
        &id,
        "reminded reporter_feedback",
        "2026-10-08T00:00:00+08:00",
    );
    sim.expect(
        &id,
        "breached reporter_feedback",
        "2026-10-09T00:00:00+08:00",
    );

    // Nobody feeds back: the breach is recorded (the deadline has no transition) and the case
    // is overdue until the feedback is given, late, on Monday 12 October.
    sim.run_until("2026-10-08T23:59:59+08:00", Step::Daily);
    assert!(overdue(&env, "2026-10-08T23:59:59+08:00").is_empty());
    sim.run_until("2026-10-12T10:00:00+08:00", Step::Daily);
    assert_eq!(state(&env, &id), "investigating");
    assert_eq!(
        overdue(&env, "2026-10-12T10:00:00+08:00"),
        owned(&[(&id, "reporter_feedback", true)])
    );
    advance(
        &env,
        &id,
        "feed_back_to_reporter",
        "police",
        &[
            ("reporter.feedback_at", "2026-10-12T09:30:00+08:00"),
            ("reporter.feedback", "已受案调查，已对加害人依法处置"),
        ],
        "2026-10-12T10:00:00+08:00",
    );
    assert_no_deadline(&env, &id, "reporter_feedback");
    assert!(overdue(&env, "2026-10-12T10:00:00+08:00").is_empty());

    // Assessment, then the finding that guardianship should be revoked (CC 36).
    sim.run_until("2026-10-13T10:00:00+08:00", Step::Daily);
    advance(
        &env,
        &id,
        "refer_for_assessment",
        "police",
        &[("investigation.findings", "父亲长期酗酒后殴打孩子")],
        "2026-10-13T10:00:00+08:00",
    );
    sim.run_until("2026-11-13T10:00:00+08:00", Step::Weekly);
    advance(
        &env,
        &id,
        "file_assessment_report",
        "institution",
        &[
            ("assessment.completed_on", "2026-11-13"),
            ("assessment.family", "母亲已去世，与父亲同住"),
            ("assessment.guardian_remorse", "父亲否认打骂，拒绝接受帮扶"),
            ("assessment.child_health", "多处旧伤，情绪低落"),
            ("assessment.child_wishes", "愿意跟奶奶生活"),
            ("assessment.conclusion", "petition_revocation"),
            ("proposed_guardian.name", "陈桂芳"),
            ("proposed_guardian.category", "grandparent"),
            ("proposed_guardian.best_interests", "孩子愿意随其生活"),
        ],
        "2026-11-13T10:00:00+08:00",
    );
    sim.run_until("2026-11-16T10:00:00+08:00", Step::Weekly);
    advance(
        &env,
        &id,
        "recommend_revocation",
        "civil_affairs",
        &[
            ("revocation.ground", "serious_harm"),
            ("guardian.name", "张大山"),
            ("guardian.relation", "father"),
        ],
        "2026-11-16T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "petition_due");
    // Others may petition within a month (a setting): from Monday 16 November, Wednesday
    // 16 December (CC 202), ends 24:00; reminded 7 days before, 24:00 on 9 December.
    assert_schedule(
        &env,
        &id,
        "others_petition",
        "2026-12-17T00:00:00+08:00",
        Some("2026-12-10T00:00:00+08:00"),
        false,
    );
    sim.expect(&id, "reminded others_petition", "2026-12-10T00:00:00+08:00");
    sim.expect(&id, "breached others_petition", "2026-12-17T00:00:00+08:00");
    sim.expect(
        &id,
        "fired civil_affairs_duty_to_petition",
        "2026-12-17T00:00:00+08:00",
    );

    // Nobody petitions: at 24:00 on 16 December the duty passes to civil affairs (CC 36(3)).
    sim.run_until("2026-12-16T23:59:59+08:00", Step::Weekly);
    assert_eq!(state(&env, &id), "petition_due");
    sim.run_until("2026-12-18T10:00:00+08:00", Step::Weekly);
    assert_eq!(state(&env, &id), "civil_affairs_to_petition");
    // The breach transition has handed the duty on: the deadline (not kept) ended with the
    // state that set it, so the case is not listed overdue on it.
    assert_no_deadline(&env, &id, "others_petition");
    assert!(overdue(&env, "2026-12-18T10:00:00+08:00").is_empty());
    // Civil affairs' own duty now has a time limit (a month, local practice), so the child is not
    // forgotten (issue 17 item 11).
    assert!(deadline(&env, &id, "civil_affairs_petition").is_some());
    advance(
        &env,
        &id,
        "civil_affairs_petitions",
        "civil_affairs",
        &[
            ("petition.applicant_kind", "civil_affairs"),
            ("petition.applicant_name", "重庆市黔江区民政局"),
            ("petition.filed_on", "2026-12-18"),
            ("petition.court", "重庆市黔江区人民法院"),
            ("other_parent.status", "deceased"),
            ("proposed_guardian.name", "陈桂芳"),
            ("proposed_guardian.category", "grandparent"),
            (
                "proposed_guardian.best_interests",
                "外婆身体健康，孩子愿意随其生活",
            ),
            ("concern", "父亲酒后多次殴打孩子，屡教不改"),
        ],
        "2026-12-18T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "petition_filed");
    assert_no_deadline(&env, &id, "civil_affairs_petition");

    // The court accepts on Tuesday 22 December: 30d (CPL 187), the last day Thursday 21 January
    // 2027 (past the calendar data: provisional); reminded 5 days before, 24:00 on 16 January.
    sim.run_until("2026-12-22T15:00:00+08:00", Step::Weekly);
    advance(
        &env,
        &id,
        "court_accepts",
        "court",
        &[
            ("court.case_number", "（2026）渝0114民特57号"),
            ("court.accepted_on", "2026-12-22"),
        ],
        "2026-12-22T15:00:00+08:00",
    );
    assert_schedule(
        &env,
        &id,
        "court_decision",
        "2027-01-22T00:00:00+08:00",
        Some("2027-01-17T00:00:00+08:00"),
        true,
    );
    sim.expect(&id, "reminded court_decision", "2027-01-17T00:00:00+08:00");

    // Decided on Tuesday 19 January, after the reminder, inside the period.
    sim.run_until("2027-01-19T10:00:00+08:00", Step::Weekly);
    advance(
        &env,
        &id,
        "revoke_guardianship",
        "court",
        &[
            ("court.decided_on", "2027-01-19"),
            ("maintenance.note", "张大山仍按月负担抚养费"),
        ],
        "2027-01-19T10:00:00+08:00",
    );
    assert_no_deadline(&env, &id, "court_decision");
    sim.must_not_fire_at("2027-01-22T00:00:00+08:00");
    // The window for the father to apply for restoration: a year from 19 January 2027.
    assert_schedule(
        &env,
        &id,
        "restoration_window",
        "2028-01-20T00:00:00+08:00",
        None,
        true,
    );
    advance(
        &env,
        &id,
        "appoint_guardian",
        "court",
        &[
            ("new_guardian.name", "张奶奶"),
            ("new_guardian.category", "grandparent"),
            ("new_guardian.unsuitable", "false"),
            ("new_guardian.lives_with_child", "true"),
            (
                "new_guardian.best_interests",
                "奶奶一直照看孩子，孩子愿意随其生活",
            ),
        ],
        "2027-01-19T10:30:00+08:00",
    );
    assert_eq!(state(&env, &id), "guardian_appointed");
    // The appointment starts the follow-up visits (issue 17 item 11). The village committee visits
    // every 27 days, each time before the reminder (3 days before the 30th day): for the rest of
    // the year nothing more falls due.
    assert!(deadline(&env, &id, "follow_up_visit").is_some());
    let mut day = Date::constant(2027, 1, 19);
    loop {
        day = day.checked_add(27.days()).expect("a date in 2027");
        if day > Date::constant(2027, 10, 4) {
            break;
        }
        let at = format!("{day}T10:00:00+08:00");
        sim.run_until(&at, Step::Daily);
        advance(
            &env,
            &id,
            "follow_up_visit_new_guardian",
            "village_committee",
            &[
                ("followup.visited_at", &at),
                ("followup.findings", "奶奶照料周到，孩子按时上学"),
            ],
            &at,
        );
    }
    sim.run_until("2027-10-04T12:00:00+08:00", Step::Weekly);
    assert!(overdue(&env, "2027-10-04T12:00:00+08:00").is_empty());

    assert_eq!(
        sim.summary(&id),
        pairs(&[
            ("2026-10-08T00:00:00+08:00", "reminded reporter_feedback"),
            ("2026-10-09T00:00:00+08:00", "breached reporter_feedback"),
            ("2026-12-10T00:00:00+08:00", "reminded others_petition"),
            ("2026-12-17T00:00:00+08:00", "breached others_petition"),
            (
                "2026-12-17T00:00:00+08:00",
                "fired civil_affairs_duty_to_petition"
            ),
            ("2027-01-17T00:00:00+08:00", "reminded court_decision"),
        ])
    );
    eprintln!(
        "intervention: {} ticks, {} history checks",
        sim.ticks, sim.history_checks
    );
}
