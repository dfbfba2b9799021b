//! The periodic assessment of one child's file (一人一档, `guardianship-review`) through a simulated
//! year, under the two county profiles of the repository: 黔江区 (好/一般/差, `qianjiang`) and 贵州
//! (红/橙/黄/绿, `guizhou`).
//!
//! The clock is stepped with `timers tick --now`: on the first of every month, and around every
//! reminder and breach that should fire (and every one that a new rating replaced, which must
//! not): a second before, at the instant, a second after, and at noon on each of the two days
//! before and after. After every tick the file's history must hold exactly the reminders,
//! breaches and breach transitions due by then, each once, each at its own moment. The moments
//! follow the statutory counting rules (Civil Code 201–203): the start day is not counted, a
//! period ends at 24:00 Beijing time of its last day, and a last day on a weekend or public
//! holiday gives way to the next working day (a make-up working day counts as one). All of 2026
//! is in the State Council calendar; dates in 2027 are counted on weekdays alone and flagged
//! provisional.

use crate::common;

use common::{TestEnv, advance, command, guard_message, id_number, refs, refused, with};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde_json::Value;

// ----- environment -----

/// A simulation database at `now` under the repository's county profile `profile`.
fn county(profile: &str, now: &str) -> TestEnv {
    let env = TestEnv::new();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
    let target = env.root().join("profiles");
    std::fs::create_dir_all(&target).expect("profiles dir");
    for entry in std::fs::read_dir(&source).expect("read the repository's profiles/") {
        let path = entry.expect("profile dir entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, target.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    env.ok(&["init", "--simulation", "--now", now, "--profile", profile]);
    env
}

#[track_caller]
fn open(env: &TestEnv, sets: &[(&str, &str)], now: &str) -> String {
    let args = command(
        &[
            "case",
            "open",
            "guardianship-review",
            "--as",
            "child_director",
        ],
        sets,
        now,
    );
    env.ok(&refs(&args)).trim().to_owned()
}

fn missing_message(transition: &str, title: &str, fields: &str) -> String {
    format!("错误：执行 {transition}（{title}）前须填写：{fields}。\n")
}

fn show(env: &TestEnv, id: &str) -> Value {
    env.show_json(id)
}

fn state(env: &TestEnv, id: &str) -> String {
    show(env, id)["state"].as_str().expect("state").to_owned()
}

#[track_caller]
fn deadline(shown: &Value, name: &str) -> Value {
    shown["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no deadline {name} in {shown:#}"))
        .clone()
}

/// The due time, reminder time, period and provisional flag of a running deadline.
#[track_caller]
fn schedule(env: &TestEnv, id: &str, name: &str) -> (String, String, String, bool) {
    let d = deadline(&show(env, id), name);
    (
        d["due"].as_str().expect("due").to_owned(),
        d["remind_at"].as_str().expect("remind_at").to_owned(),
        d["every"].as_str().unwrap_or_default().to_owned(),
        d["provisional"].as_bool().expect("provisional"),
    )
}

// ----- the review checklist -----

/// A review that found nothing the law makes reportable.
const NOTHING_FOUND: &[(&str, &str)] = &[
    ("review.assessor", "赵丽（儿童主任）"),
    (
        "review.summary",
        "监护人履职正常，儿童生活、学习和心理状况良好",
    ),
    ("finding.guardian_harm", "false"),
    ("finding.no_guardian", "false"),
    ("finding.unattended", "false"),
    ("finding.carer_unsuitable", "false"),
    ("finding.lives_alone", "false"),
    ("child.special_needs", "false"),
];

/// The checklist with the rating and the day of the assessment.
fn review<'a>(
    rating: &'a str,
    assessed_on: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let base = with(
        NOTHING_FOUND,
        &[
            ("review.rating", rating),
            ("review.assessed_on", assessed_on),
        ],
    );
    with(&base, extra)
}

// ----- the simulated clock -----

/// Beijing time is UTC+8 all year (no daylight saving since 1991).
fn beijing(date: &str, time: &str) -> Timestamp {
    format!("{date}T{time}+08:00").parse().expect("timestamp")
}

/// One thing the deadline runner did to the file, as its history records it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Firing {
    at: Timestamp,
    what: String,
}

/// The reminders, breaches and breach transitions in a case's history, in order.
fn firings(env: &TestEnv, id: &str) -> Vec<Firing> {
    let history: Value =
        serde_json::from_str(&env.ok(&["case", "history", id, "--json"])).expect("history json");
    history
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["actor"] == "system")
        .filter_map(|e| {
            let what = match e["type"].as_str()? {
                "deadline_reminded" => format!("reminded {}", e["name"].as_str()?),
                "deadline_breached" => format!("breached {}", e["name"].as_str()?),
                "fired" => format!("fired {}", e["transition"].as_str()?),
                _ => return None,
            };
            let at = e["occurred_at"].as_str()?.parse().ok()?;
            Some(Firing { at, what })
        })
        .collect()
}

/// A year of one file: what the runner must have done by each moment, and the moments to look.
struct Year<'e> {
    env: &'e TestEnv,
    id: String,
    expected: Vec<Firing>,
    probes: Vec<Timestamp>,
    clock: Timestamp,
}

impl<'e> Year<'e> {
    fn new(env: &'e TestEnv, id: &str, start: Timestamp, end: Timestamp) -> Self {
        let mut year = Year {
            env,
            id: id.to_owned(),
            expected: Vec::new(),
            probes: Vec::new(),
            clock: start,
        };
        // Month by month: noon on the first of every month.
        let mut day = jiff::tz::offset(8)
            .to_time_zone()
            .to_datetime(start)
            .date()
            .first_of_month();
        while beijing(&day.to_string(), "12:00:00") <= end {
            year.probes.push(beijing(&day.to_string(), "12:00:00"));
            day = day.checked_add(1.month()).expect("next month");
        }
        year
    }

    /// Looks closely around `at` (UTC, as `case show --json` writes it): a second before, at
    /// it, a second after, and noon Beijing time on the two days before and after.
    fn look_around(&mut self, at: &str) -> Timestamp {
        let at: Timestamp = at.parse().expect("instant");
        self.probes.extend([at - 1.second(), at, at + 1.second()]);
        let day: Date = jiff::tz::offset(8).to_time_zone().to_datetime(at).date();
        for offset in -2..=2 {
            let d = day.checked_add(offset.days()).expect("day");
            self.probes.push(beijing(&d.to_string(), "12:00:00"));
        }
        at
    }

    /// The runner must do `what` at `at`, once.
    fn expect(&mut self, what: &str, at: &str) {
        let at = self.look_around(at);
        self.expected.push(Firing {
            at,
            what: what.to_owned(),
        });
    }

    /// A deadline that a later act replaced would have fired at `at`: look there too, so that
    /// a firing of it would be seen.
    fn must_not_fire_at(&mut self, at: &str) {
        self.look_around(at);
    }

    /// Ticks at every moment of interest after the clock up to `until` (Beijing date and
    /// time), checking after each tick that the runner has done exactly what was due.
    #[track_caller]
    fn run_until(&mut self, until: &str) {
        let until: Timestamp = until.parse().expect("until");
        let mut ticks: Vec<Timestamp> = self
            .probes
            .iter()
            .copied()
            .filter(|t| *t > self.clock && *t <= until)
            .collect();
        ticks.push(until);
        ticks.sort();
        ticks.dedup();
        for now in ticks {
            let now_text = now.to_string();
            let fired: Value = serde_json::from_str(
                &self
                    .env
                    .ok(&["timers", "tick", "--now", &now_text, "--json"]),
            )
            .expect("tick json");
            let fired_here = fired
                .as_array()
                .expect("fired")
                .iter()
                .any(|f| f["case"] == self.id.as_str());
            let mut due: Vec<Firing> = self
                .expected
                .iter()
                .filter(|f| f.at <= now)
                .cloned()
                .collect();
            due.sort();
            let seen = firings(self.env, &self.id);
            assert_eq!(seen, due, "after `timers tick --now {now_text}`");
            // Ticking again at the same moment fires nothing more for this file.
            if !fired_here {
                self.clock = now;
                continue;
            }
            let again: Value = serde_json::from_str(
                &self
                    .env
                    .ok(&["timers", "tick", "--now", &now_text, "--json"]),
            )
            .expect("tick json");
            assert!(
                again
                    .as_array()
                    .expect("fired")
                    .iter()
                    .all(|f| f["case"] != self.id.as_str()),
                "a second tick at {now_text} fired again: {again:#}"
            );
            self.clock = now;
        }
    }
}

// ----- refusals both stories meet -----

const SCALE_IS_FOUR_COLOR: &str = "本地采用红、橙、黄、绿四色风险等级（rating_scale 为 four_color，贵州做法），不适用“好、一般、差”三级评定；请用 rate_red、rate_orange、rate_yellow 或 rate_green";
const SCALE_IS_THREE_LEVEL: &str = "本地采用“好、一般、差”三级评定（rating_scale 为 three_level，黔江区做法），不适用红、橙、黄、绿四色风险等级；请用 rate_good、rate_fair 或 rate_poor";
const THREE_LEVEL_CEL: &str = "settings.rating_scale == 'three_level'";
const FOUR_COLOR_CEL: &str = "settings.rating_scale == 'four_color'";
const UPL_21_1_CEL: &str = "(age(child.birth_date, now) >= 8 && !child.special_needs) || (!finding.unattended && !finding.carer_unsuitable)";
const UPL_21_2_CEL: &str = "age(child.birth_date, now) >= 16 || !finding.lives_alone";

// ----- 黔江区: 好 / 一般 / 差 -----

/// 李小红, a girl born 1 May 2016, in a village of 黔江区.
fn open_xiaohong(env: &TestEnv, now: &str) -> String {
    let child_id = id_number("50011420160501002");
    open(
        env,
        &[
            ("child.name", "李小红"),
            ("child.birth_date", "2016-05-01"),
            ("child.sex", "female"),
            ("child.id_number", &child_id),
            ("child.address", "重庆市黔江区某镇某村2组"),
            ("child.category", "left_behind"),
            ("guardian.name", "李强"),
            ("guardian.relation", "father"),
        ],
        now,
    )
}

#[test]
fn a_year_of_reviews_under_the_qianjiang_three_level_scale() {
    // Monday 5 January 2026.
    let env = county("qianjiang", "2026-01-05T09:00:00+08:00");
    let id = open_xiaohong(&env, "2026-01-05T09:00:00+08:00");
    assert_eq!(show(&env, &id)["profile"], "qianjiang");
    // Opening asks for the first rating within a month (Thursday 5 February) and the basic
    // information within a quarter: 5 April is a Sunday inside the Qingming holiday (4–6
    // April), so it moves to Tuesday 7 April (CC 203).
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2026-02-06T00:00:00+08:00".into(),
            "2026-01-30T00:00:00+08:00".into(),
            String::new(),
            false
        )
    );
    assert_eq!(
        schedule(&env, &id, "basic_info"),
        (
            "2026-04-08T00:00:00+08:00".into(),
            "2026-04-01T00:00:00+08:00".into(),
            "3 months".into(),
            false
        )
    );
    let mut year = Year::new(
        &env,
        &id,
        beijing("2026-01-05", "09:00:00"),
        beijing("2027-01-05", "12:00:00"),
    );

    // The four-colour grades do not exist here, and the scale in force is named.
    let err = refused(
        &env,
        &id,
        "rate_green",
        "child_director",
        &review("green", "2026-01-05", &[]),
        "2026-01-05T11:00:00+08:00",
    );
    assert_eq!(
        err,
        guard_message(
            "rate_green",
            "评定风险等级为绿色",
            SCALE_IS_THREE_LEVEL,
            FOUR_COLOR_CEL
        )
    );

    // Rated 好 the same day: the next review is half a year on. 5 July is a Sunday: Monday 6 July.
    advance(
        &env,
        &id,
        "rate_good",
        "child_director",
        &review("good", "2026-01-05", &[]),
        "2026-01-05T11:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2026-07-07T00:00:00+08:00".into(),
            "2026-06-30T00:00:00+08:00".into(),
            "6 months".into(),
            false
        )
    );
    // The first-rating deadline it replaced must neither remind nor breach.
    year.must_not_fire_at("2026-01-30T00:00:00+08:00");
    year.must_not_fire_at("2026-02-06T00:00:00+08:00");
    year.expect("reminded basic_info", "2026-04-01T00:00:00+08:00");
    year.expect("breached basic_info", "2026-04-08T00:00:00+08:00");
    year.run_until("2026-04-09T10:00:00+08:00");
    // A missed basic-information update is on the overdue list; the file stays active.
    assert_eq!(state(&env, &id), "active");
    let overdue = env.ok(&["case", "overdue", "--now", "2026-04-09T10:00:00+08:00"]);
    assert!(overdue.contains(&format!("{id}  basic_info")), "{overdue}");

    // Updated two days late: the next quarter counts from the update (9 July, a Thursday).
    advance(
        &env,
        &id,
        "update_basic_info",
        "child_director",
        &[
            ("basic_info.updated_on", "2026-04-09"),
            ("basic_info.changes", "父亲外出务工地点变更"),
        ],
        "2026-04-09T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "basic_info").0,
        "2026-07-10T00:00:00+08:00"
    );
    year.expect("reminded next_review", "2026-06-30T00:00:00+08:00");
    year.expect("reminded basic_info", "2026-07-03T00:00:00+08:00");
    year.run_until("2026-07-03T10:00:00+08:00");
    // Updated on time after the reminder: 3 October is in the National Day holiday (1–7
    // October), so the quarter ends on Thursday 8 October.
    advance(
        &env,
        &id,
        "update_basic_info",
        "child_director",
        &[("basic_info.updated_on", "2026-07-03")],
        "2026-07-03T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "basic_info"),
        (
            "2026-10-09T00:00:00+08:00".into(),
            "2026-10-02T00:00:00+08:00".into(),
            "3 months".into(),
            false
        )
    );
    year.must_not_fire_at("2026-07-10T00:00:00+08:00");

    // Nobody reviews by 24:00 on 6 July: the breach marks the file overdue through the
    // system transition, at that very moment.
    year.expect("breached next_review", "2026-07-07T00:00:00+08:00");
    year.expect("fired mark_review_overdue", "2026-07-07T00:00:00+08:00");
    year.run_until("2026-07-06T23:59:59+08:00");
    assert_eq!(state(&env, &id), "active");
    year.run_until("2026-07-08T10:00:00+08:00");
    assert_eq!(state(&env, &id), "review_overdue");
    let overdue = env.ok(&["case", "overdue", "--now", "2026-07-08T10:00:00+08:00"]);
    assert!(overdue.contains(&format!("{id}  next_review")), "{overdue}");

    // Re-assessed as 一般: a named contact is required, and the next review moves to a quarter.
    let fair = review("fair", "2026-07-08", &[]);
    let err = refused(
        &env,
        &id,
        "rate_fair",
        "child_director",
        &fair,
        "2026-07-08T10:00:00+08:00",
    );
    assert_eq!(
        err,
        missing_message(
            "rate_fair",
            "评定监护状况为“一般”，确定复评联系人",
            "review.contact_person（复评联系人）"
        )
    );
    advance(
        &env,
        &id,
        "rate_fair",
        "child_director",
        &with(&fair, &[("review.contact_person", "村妇联主席 陈梅")]),
        "2026-07-08T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "active");
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2026-10-09T00:00:00+08:00".into(),
            "2026-10-02T00:00:00+08:00".into(),
            "3 months".into(),
            false
        )
    );
    year.run_until("2026-09-10T10:00:00+08:00");

    // Worse by September: 差 needs a named responsible person and a help plan.
    let poor = review("poor", "2026-09-10", &[]);
    let err = refused(
        &env,
        &id,
        "rate_poor",
        "child_director",
        &poor,
        "2026-09-10T10:00:00+08:00",
    );
    assert_eq!(
        err,
        missing_message(
            "rate_poor",
            "评定监护状况为“差”，确定复评责任人并制定帮扶方案",
            "review.responsible_person（复评责任人）、help.plan（帮扶方案）"
        )
    );
    let responsible: &[(&str, &str)] = &[
        ("review.responsible_person", "镇儿童督导员 周平"),
        (
            "help.plan",
            "每周电话联系父亲；镇社工站每月入户；申请临时救助",
        ),
    ];
    advance(
        &env,
        &id,
        "rate_poor",
        "child_director",
        &with(&poor, responsible),
        "2026-09-10T10:00:00+08:00",
    );
    // A month from 10 September is Saturday 10 October, a make-up working day (调休): it stays.
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2026-10-11T00:00:00+08:00".into(),
            "2026-10-04T00:00:00+08:00".into(),
            "1 month".into(),
            false
        )
    );
    // The quarterly review it replaced would have reminded on 1 October.
    year.must_not_fire_at("2026-10-02T00:00:00+08:00");
    year.expect("reminded basic_info", "2026-10-02T00:00:00+08:00");
    year.expect("reminded next_review", "2026-10-04T00:00:00+08:00");
    year.run_until("2026-10-08T10:00:00+08:00");
    advance(
        &env,
        &id,
        "update_basic_info",
        "child_director",
        &[("basic_info.updated_on", "2026-10-08")],
        "2026-10-08T10:00:00+08:00",
    );
    // 8 January 2027 is past the calendar data: counted on weekdays alone, and provisional.
    assert_eq!(
        schedule(&env, &id, "basic_info"),
        (
            "2027-01-09T00:00:00+08:00".into(),
            "2027-01-02T00:00:00+08:00".into(),
            "3 months".into(),
            true
        )
    );
    year.must_not_fire_at("2026-10-09T00:00:00+08:00");
    year.run_until("2026-10-09T10:00:00+08:00");

    // The monthly review finds the father beating the child: 差 alone is refused ...
    let harmed = with(
        &review("poor", "2026-10-09", responsible),
        &[
            ("finding.guardian_harm", "true"),
            ("review.summary", "儿童身上有多处淤伤，自述被父亲殴打"),
        ],
    );
    let err = refused(
        &env,
        &id,
        "rate_poor",
        "child_director",
        &harmed,
        "2026-10-09T10:00:00+08:00",
    );
    assert_eq!(
        err,
        guard_message(
            "rate_poor",
            "评定监护状况为“差”，确定复评责任人并制定帮扶方案",
            "发现监护人侵害儿童的，应当立即报告并转入监护干预（未成年人保护法第十一条），请用 rate_poor_and_refer",
            "!finding.guardian_harm"
        )
    );
    // ... and 差 with harm by the guardian opens a linked intervention case.
    let out = advance(
        &env,
        &id,
        "rate_poor_and_refer",
        "child_director",
        &with(
            &harmed,
            &[("concern", "儿童自述被父亲殴打，身上有多处淤伤")],
        ),
        "2026-10-09T10:00:00+08:00",
    );
    let file = show(&env, &id);
    let spawned = file["spawned"].as_array().expect("spawned");
    assert_eq!(spawned.len(), 1, "{file:#}");
    let child_case = spawned[0]["case"]
        .as_str()
        .expect("spawned case")
        .to_owned();
    assert!(out.contains(&child_case), "{out}");
    let intervention = show(&env, &child_case);
    assert_eq!(intervention["workflow"], "guardianship-intervention");
    assert_eq!(intervention["state"], "reported");
    assert_eq!(intervention["profile"], "qianjiang");
    assert_eq!(intervention["data"]["child.name"], "李小红");
    assert_eq!(intervention["data"]["child.birth_date"], "2016-05-01");
    assert_eq!(intervention["data"]["child.sex"], "female");
    assert_eq!(intervention["data"]["guardian.name"], "李强");
    assert_eq!(
        intervention["data"]["concern"],
        "儿童自述被父亲殴打，身上有多处淤伤"
    );
    // No value of its `source` enum names a periodic review yet (see the workflow).
    assert_eq!(intervention["data"]["source"], "periodic_review");
    // The police take it up the same afternoon.
    advance(
        &env,
        &child_case,
        "accept_referral",
        "police",
        &[],
        "2026-10-09T14:00:00+08:00",
    );
    assert_eq!(state(&env, &child_case), "investigating");
    // The file itself goes on, reviewed monthly: 9 November is a Monday.
    assert_eq!(
        schedule(&env, &id, "next_review").0,
        "2026-11-10T00:00:00+08:00"
    );
    year.must_not_fire_at("2026-10-11T00:00:00+08:00");
    year.expect("reminded next_review", "2026-11-03T00:00:00+08:00");
    year.run_until("2026-11-06T10:00:00+08:00");

    // November: still 差, the harm already reported. 6 December is a Sunday: Monday 7.
    advance(
        &env,
        &id,
        "rate_poor",
        "child_director",
        &with(&review("poor", "2026-11-06", responsible), &[]),
        "2026-11-06T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "next_review").0,
        "2026-12-08T00:00:00+08:00"
    );
    year.expect("reminded next_review", "2026-12-01T00:00:00+08:00");
    year.run_until("2026-12-04T10:00:00+08:00");

    // December: better, back to 一般 and a quarter (4 March 2027, provisional).
    advance(
        &env,
        &id,
        "rate_fair",
        "child_director",
        &review("fair", "2026-12-04", &[]),
        "2026-12-04T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2027-03-05T00:00:00+08:00".into(),
            "2027-02-26T00:00:00+08:00".into(),
            "3 months".into(),
            true
        )
    );
    year.must_not_fire_at("2026-12-08T00:00:00+08:00");
    year.expect("reminded basic_info", "2027-01-02T00:00:00+08:00");
    year.run_until("2027-01-05T12:00:00+08:00");

    // The whole year, once more in one list.
    let all: Vec<(String, String)> = firings(&env, &id)
        .into_iter()
        .map(|f| {
            (
                f.at.display_with_offset(jiff::tz::offset(8)).to_string(),
                f.what,
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("2026-04-01T00:00:00+08:00", "reminded basic_info"),
        ("2026-04-08T00:00:00+08:00", "breached basic_info"),
        ("2026-06-30T00:00:00+08:00", "reminded next_review"),
        ("2026-07-03T00:00:00+08:00", "reminded basic_info"),
        ("2026-07-07T00:00:00+08:00", "breached next_review"),
        ("2026-07-07T00:00:00+08:00", "fired mark_review_overdue"),
        ("2026-10-02T00:00:00+08:00", "reminded basic_info"),
        ("2026-10-04T00:00:00+08:00", "reminded next_review"),
        ("2026-11-03T00:00:00+08:00", "reminded next_review"),
        ("2026-12-01T00:00:00+08:00", "reminded next_review"),
        ("2027-01-02T00:00:00+08:00", "reminded basic_info"),
    ]
    .iter()
    .map(|(a, w)| ((*a).to_owned(), (*w).to_owned()))
    .collect();
    assert_eq!(all, expected);
    assert_eq!(state(&env, &id), "active");
}

// ----- 贵州: 红 / 橙 / 黄 / 绿 -----

/// 王小刚, a boy born 15 March 2020 (under 8 all year), in 贵阳.
fn open_xiaogang(env: &TestEnv, now: &str) -> String {
    let child_id = id_number("52010220200315001");
    open(
        env,
        &[
            ("child.name", "王小刚"),
            ("child.birth_date", "2020-03-15"),
            ("child.sex", "male"),
            ("child.id_number", &child_id),
            ("child.address", "贵州省贵阳市某区某村"),
            ("guardian.name", "王建"),
            ("guardian.relation", "father"),
            ("carer.name", "王大爷"),
        ],
        now,
    )
}

#[test]
fn a_year_of_reviews_under_the_guizhou_four_colour_grades() {
    let env = county("guizhou", "2026-01-05T09:00:00+08:00");
    let id = open_xiaogang(&env, "2026-01-05T09:00:00+08:00");
    assert_eq!(show(&env, &id)["profile"], "guizhou");
    let mut year = Year::new(
        &env,
        &id,
        beijing("2026-01-05", "09:00:00"),
        beijing("2027-01-05", "12:00:00"),
    );
    let now = "2026-01-05T11:00:00+08:00";

    // The three-level values are refused, each naming the four-colour scale in force.
    for (transition, title, rating, extra) in [
        ("rate_good", "评定监护状况为“好”", "good", &[][..]),
        (
            "rate_fair",
            "评定监护状况为“一般”，确定复评联系人",
            "fair",
            &[("review.contact_person", "陈梅")][..],
        ),
        (
            "rate_poor",
            "评定监护状况为“差”，确定复评责任人并制定帮扶方案",
            "poor",
            &[
                ("review.responsible_person", "周平"),
                ("help.plan", "入户帮扶"),
            ][..],
        ),
    ] {
        let err = refused(
            &env,
            &id,
            transition,
            "child_director",
            &review(rating, "2026-01-05", extra),
            now,
        );
        assert_eq!(
            err,
            guard_message(transition, title, SCALE_IS_FOUR_COLOR, THREE_LEVEL_CEL)
        );
    }
    // A three-level value on a four-colour step is refused by the value check.
    let err = refused(
        &env,
        &id,
        "rate_green",
        "child_director",
        &review("good", "2026-01-05", &[]),
        now,
    );
    assert_eq!(
        err,
        guard_message(
            "rate_green",
            "评定风险等级为绿色",
            "本步骤记录绿色等级，评定等级应为 green",
            "review.rating == 'green'"
        )
    );

    // 绿: half a year (Monday 6 July).
    advance(
        &env,
        &id,
        "rate_green",
        "child_director",
        &review("green", "2026-01-05", &[]),
        now,
    );
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2026-07-07T00:00:00+08:00".into(),
            "2026-06-30T00:00:00+08:00".into(),
            "6 months".into(),
            false
        )
    );
    year.must_not_fire_at("2026-01-30T00:00:00+08:00");
    year.must_not_fire_at("2026-02-06T00:00:00+08:00");
    year.run_until("2026-02-02T10:00:00+08:00");

    // 黄 needs a named contact; a quarter from 2 February is Saturday 2 May, inside the Labour
    // Day holiday (1–5 May): Wednesday 6 May.
    let yellow = review("yellow", "2026-02-02", &[]);
    let err = refused(
        &env,
        &id,
        "rate_yellow",
        "child_director",
        &yellow,
        "2026-02-02T10:00:00+08:00",
    );
    assert_eq!(
        err,
        missing_message(
            "rate_yellow",
            "评定风险等级为黄色，确定复评联系人",
            "review.contact_person（复评联系人）"
        )
    );
    advance(
        &env,
        &id,
        "rate_yellow",
        "child_director",
        &with(&yellow, &[("review.contact_person", "村委会委员 杨芳")]),
        "2026-02-02T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2026-05-07T00:00:00+08:00".into(),
            "2026-04-30T00:00:00+08:00".into(),
            "3 months".into(),
            false
        )
    );
    year.must_not_fire_at("2026-06-30T00:00:00+08:00");
    year.must_not_fire_at("2026-07-07T00:00:00+08:00");
    year.expect("reminded basic_info", "2026-04-01T00:00:00+08:00");
    year.run_until("2026-04-02T10:00:00+08:00");
    advance(
        &env,
        &id,
        "update_basic_info",
        "child_director",
        &[("basic_info.updated_on", "2026-04-02")],
        "2026-04-02T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "basic_info").0,
        "2026-07-03T00:00:00+08:00"
    );
    year.must_not_fire_at("2026-04-08T00:00:00+08:00");
    year.run_until("2026-04-20T10:00:00+08:00");

    // 橙: a responsible person, a way of helping and a plan; two months from 20 April is
    // Saturday 20 June, inside the Dragon Boat holiday (19–21 June): Monday 22 June.
    let orange = review(
        "orange",
        "2026-04-20",
        &[
            ("review.responsible_person", "镇社工 刘洋"),
            ("help.mode", "one_to_one"),
            ("help.plan", "一对一结对帮扶，每两周入户一次"),
        ],
    );
    advance(
        &env,
        &id,
        "rate_orange",
        "child_director",
        &orange,
        "2026-04-20T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2026-06-23T00:00:00+08:00".into(),
            "2026-06-16T00:00:00+08:00".into(),
            "2 months".into(),
            false
        )
    );
    year.must_not_fire_at("2026-04-30T00:00:00+08:00");
    year.must_not_fire_at("2026-05-07T00:00:00+08:00");
    // Nobody reviews in time: the file is marked overdue.
    year.expect("reminded next_review", "2026-06-16T00:00:00+08:00");
    year.expect("breached next_review", "2026-06-23T00:00:00+08:00");
    year.expect("fired mark_review_overdue", "2026-06-23T00:00:00+08:00");
    year.run_until("2026-06-23T10:00:00+08:00");
    assert_eq!(state(&env, &id), "review_overdue");

    // The basic information is updated while the review is overdue.
    advance(
        &env,
        &id,
        "update_basic_info_while_overdue",
        "child_director",
        &[
            ("basic_info.updated_on", "2026-06-23"),
            ("carer.name", "无"),
        ],
        "2026-06-23T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "review_overdue");
    assert_eq!(
        schedule(&env, &id, "basic_info").0,
        "2026-09-24T00:00:00+08:00"
    );
    year.must_not_fire_at("2026-06-26T00:00:00+08:00");
    year.must_not_fire_at("2026-07-03T00:00:00+08:00");
    year.run_until("2026-06-24T10:00:00+08:00");

    // The grandfather has left; the six-year-old is alone at home all day. UPL 21(1) refuses
    // any grade short of red, and red alone: it must be reported.
    let alone = with(
        &orange,
        &[
            ("review.assessed_on", "2026-06-24"),
            ("finding.unattended", "true"),
            ("review.summary", "祖父离家，六岁儿童白天独自在家无人看护"),
        ],
    );
    let err = refused(
        &env,
        &id,
        "rate_orange",
        "child_director",
        &alone,
        "2026-06-24T10:00:00+08:00",
    );
    assert_eq!(
        err,
        guard_message(
            "rate_orange",
            "评定风险等级为橙色，确定帮扶责任人、帮扶方式和帮扶方案",
            "未满八周岁或者需要特别照顾的未成年人处于无人看护状态，或者交由无民事行为能力、限制民事行为能力、患有严重传染性疾病或者其他不适宜的人员照护（未成年人保护法第二十一条第一款）；风险等级应为红色，请用 rate_red_and_refer 转入监护干预",
            UPL_21_1_CEL
        )
    );
    let red_alone = with(&alone, &[("review.rating", "red")]);
    let err = refused(
        &env,
        &id,
        "rate_red",
        "child_director",
        &red_alone,
        "2026-06-24T10:00:00+08:00",
    );
    assert_eq!(
        err,
        guard_message(
            "rate_red",
            "评定风险等级为红色，确定帮扶责任人、帮扶方式和帮扶方案",
            "未满八周岁或者需要特别照顾的未成年人处于无人看护状态，或者交由不适宜的人员照护（未成年人保护法第二十一条第一款），应当立即报告，请用 rate_red_and_refer 转入监护干预",
            UPL_21_1_CEL
        )
    );
    advance(
        &env,
        &id,
        "rate_red_and_refer",
        "child_director",
        &with(
            &red_alone,
            &[("concern", "父亲外出，祖父离家，六岁儿童无人看护")],
        ),
        "2026-06-24T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "active");
    let spawned = show(&env, &id)["spawned"].clone();
    let child_case = spawned[0]["case"]
        .as_str()
        .expect("spawned case")
        .to_owned();
    let intervention = show(&env, &child_case);
    assert_eq!(intervention["workflow"], "guardianship-intervention");
    assert_eq!(intervention["data"]["child.name"], "王小刚");
    assert_eq!(intervention["data"]["carer.name"], "无");
    // 红: monthly (Friday 24 July).
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2026-07-25T00:00:00+08:00".into(),
            "2026-07-18T00:00:00+08:00".into(),
            "1 month".into(),
            false
        )
    );
    year.expect("reminded next_review", "2026-07-18T00:00:00+08:00");
    // Also look around the intervention case's acceptance deadline (checked at the end).
    year.look_around("2026-06-25T08:00:00+08:00");
    year.look_around("2026-06-25T10:00:00+08:00");
    year.run_until("2026-07-20T10:00:00+08:00");

    // July: the mother is back; still red, nothing new to report.
    advance(
        &env,
        &id,
        "rate_red",
        "child_director",
        &with(
            &orange,
            &[
                ("review.rating", "red"),
                ("review.assessed_on", "2026-07-20"),
            ],
        ),
        "2026-07-20T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "next_review").0,
        "2026-08-21T00:00:00+08:00"
    );
    year.must_not_fire_at("2026-07-25T00:00:00+08:00");
    year.expect("reminded next_review", "2026-08-14T00:00:00+08:00");
    year.run_until("2026-08-18T10:00:00+08:00");

    // August: down to yellow, a quarter (Wednesday 18 November).
    advance(
        &env,
        &id,
        "rate_yellow",
        "child_director",
        &review(
            "yellow",
            "2026-08-18",
            &[("review.contact_person", "村委会委员 杨芳")],
        ),
        "2026-08-18T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "next_review").0,
        "2026-11-19T00:00:00+08:00"
    );
    year.must_not_fire_at("2026-08-21T00:00:00+08:00");
    // The basic information lapses this time: recorded, listed overdue, the file stays active.
    year.expect("reminded basic_info", "2026-09-17T00:00:00+08:00");
    year.expect("breached basic_info", "2026-09-24T00:00:00+08:00");
    year.expect("reminded next_review", "2026-11-12T00:00:00+08:00");
    year.run_until("2026-11-16T10:00:00+08:00");
    assert_eq!(state(&env, &id), "active");

    // November: green again, half a year: 16 May 2027 is a Sunday, past the calendar data.
    advance(
        &env,
        &id,
        "rate_green",
        "child_director",
        &review("green", "2026-11-16", &[]),
        "2026-11-16T10:00:00+08:00",
    );
    assert_eq!(
        schedule(&env, &id, "next_review"),
        (
            "2027-05-18T00:00:00+08:00".into(),
            "2027-05-11T00:00:00+08:00".into(),
            "6 months".into(),
            true
        )
    );
    year.must_not_fire_at("2026-11-19T00:00:00+08:00");
    year.run_until("2027-01-05T12:00:00+08:00");

    let all: Vec<(String, String)> = firings(&env, &id)
        .into_iter()
        .map(|f| {
            (
                f.at.display_with_offset(jiff::tz::offset(8)).to_string(),
                f.what,
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("2026-04-01T00:00:00+08:00", "reminded basic_info"),
        ("2026-06-16T00:00:00+08:00", "reminded next_review"),
        ("2026-06-23T00:00:00+08:00", "breached next_review"),
        ("2026-06-23T00:00:00+08:00", "fired mark_review_overdue"),
        ("2026-07-18T00:00:00+08:00", "reminded next_review"),
        ("2026-08-14T00:00:00+08:00", "reminded next_review"),
        ("2026-09-17T00:00:00+08:00", "reminded basic_info"),
        ("2026-09-24T00:00:00+08:00", "breached basic_info"),
        ("2026-11-12T00:00:00+08:00", "reminded next_review"),
    ]
    .iter()
    .map(|(a, w)| ((*a).to_owned(), (*w).to_owned()))
    .collect();
    assert_eq!(all, expected);
    let overdue = env.ok(&["case", "overdue", "--now", "2027-01-05T12:00:00+08:00"]);
    assert!(overdue.contains(&format!("{id}  basic_info")), "{overdue}");

    // The intervention case opened on 24 June 10:00 had 24 hours for acceptance, counted from
    // the moment (CC 201(2)): reminded 2 hours before, breached once, nobody having taken it up.
    let intervention: Vec<(String, String)> = firings(&env, &child_case)
        .into_iter()
        .map(|f| {
            (
                f.at.display_with_offset(jiff::tz::offset(8)).to_string(),
                f.what,
            )
        })
        .collect();
    assert_eq!(
        intervention,
        vec![
            (
                "2026-06-25T08:00:00+08:00".to_owned(),
                "reminded acceptance".to_owned()
            ),
            (
                "2026-06-25T10:00:00+08:00".to_owned(),
                "breached acceptance".to_owned()
            ),
        ]
    );
}

// ----- single refusals -----

const T0: &str = "2026-01-05T10:00:00+08:00";

fn qianjiang_file() -> (TestEnv, String) {
    let env = county("qianjiang", T0);
    let id = open_xiaohong(&env, T0);
    (env, id)
}

#[test]
fn refuses_rating_a_child_under_16_living_alone_good_naming_upl_21_2() {
    let (env, id) = qianjiang_file();
    let err = refused(
        &env,
        &id,
        "rate_good",
        "child_director",
        &review("good", "2026-01-05", &[("finding.lives_alone", "true")]),
        T0,
    );
    assert_eq!(
        err,
        guard_message(
            "rate_good",
            "评定监护状况为“好”",
            "未满十六周岁的未成年人脱离监护单独生活（未成年人保护法第二十一条第二款）；监护状况应评为“差”，请用 rate_poor_and_refer 转入监护干预",
            UPL_21_2_CEL
        )
    );
}

#[test]
fn a_child_of_16_living_alone_is_no_breach_of_upl_21() {
    let env = county("qianjiang", T0);
    let id = open(
        &env,
        &[("child.name", "张明"), ("child.birth_date", "2009-12-31")],
        T0,
    );
    advance(
        &env,
        &id,
        "rate_fair",
        "child_director",
        &review(
            "fair",
            "2026-01-05",
            &[
                ("finding.lives_alone", "true"),
                ("review.contact_person", "陈梅"),
            ],
        ),
        T0,
    );
    assert_eq!(state(&env, &id), "active");
}

#[test]
fn refuses_referring_a_poor_rating_without_harm_or_a_breach_of_upl_21() {
    let (env, id) = qianjiang_file();
    let err = refused(
        &env,
        &id,
        "rate_poor_and_refer",
        "child_director",
        &review(
            "poor",
            "2026-01-05",
            &[
                ("review.responsible_person", "周平"),
                ("help.plan", "入户帮扶"),
                ("concern", "家庭经济困难"),
            ],
        ),
        T0,
    );
    assert_eq!(
        err,
        guard_message(
            "rate_poor_and_refer",
            "评定监护状况为“差”并转入监护干预（发现监护人侵害、无人监护或者脱离监护）",
            "未发现监护人侵害、无人监护或者违反未成年人保护法第二十一条的情形，不转入监护干预；只评定为“差”的请用 rate_poor",
            "finding.guardian_harm || finding.no_guardian || ((age(child.birth_date, now) < 8 || child.special_needs) && (finding.unattended || finding.carer_unsuitable)) || (age(child.birth_date, now) < 16 && finding.lives_alone)"
        )
    );
    assert!(
        show(&env, &id)["spawned"]
            .as_array()
            .expect("spawned")
            .is_empty()
    );
}

#[test]
fn refuses_a_rating_counted_from_an_assessment_older_than_the_recording_limit() {
    let (env, id) = qianjiang_file();
    let err = refused(
        &env,
        &id,
        "rate_good",
        "child_director",
        &review("good", "2025-12-20", &[]),
        T0,
    );
    assert_eq!(
        err,
        guard_message(
            "rate_good",
            "评定监护状况为“好”",
            "评估日期早于本次评估行为时间超过本地规定的期限（设置 record_within_days）；请填写本次评估的日期 review.assessed_on，下次复评从该日起算；补录以前的评估，用 --at 写明评估当天的时间",
            "days_between(review.assessed_on, today(review.act_at)) <= settings.record_within_days"
        )
    );
    // Fifteen days back is still in time.
    advance(
        &env,
        &id,
        "rate_good",
        "child_director",
        &review("good", "2025-12-21", &[]),
        T0,
    );
}

#[test]
fn refuses_the_overdue_marking_to_anyone_but_the_deadline_runner() {
    let (env, id) = qianjiang_file();
    let err = refused(&env, &id, "mark_review_overdue", "child_director", &[], T0);
    assert_eq!(
        err,
        "错误：mark_review_overdue（未按期复评，档案标记为复评逾期）只能由期限到期时系统自动执行。\n"
    );
}

#[test]
fn refuses_closing_the_file_of_a_child_not_yet_18() {
    let (env, id) = qianjiang_file();
    let err = refused(
        &env,
        &id,
        "close",
        "child_director",
        &[("close_reason", "turned_18")],
        T0,
    );
    assert_eq!(
        err,
        guard_message(
            "close",
            "结档",
            "儿童尚未年满十八周岁（民法典第十七条，按周岁计算）",
            "close_reason != 'turned_18' || age(child.birth_date, now) >= 18"
        )
    );
}
