//! Listings narrowed and paged (`case list`, `case overdue`), `wardflow report` and the child's
//! file (`child show`, `child find`), against one simulation database of known contents:
//!
//! | case | workflow | unit | officer | opened | what happened |
//! |---|---|---|---|---|---|
//! | 1 | example-care | shijia_village | 石家干部 | 11-23 10:00 | agreement signed 11-24 (arrange_care met); weekly contact breached at the tick of 12-02 (late), lapsed to under_supervision |
//! | 2 | example-care | dongxi_village | 石家干部 | 11-23 11:00 | nothing: arrange_care due 11-30 24:00, breached at the tick (late), overdue |
//! | 3 | example-care | beiguan_village | 北关干部 | 11-25 09:00 | closed 11-26 (arrange_care met) |
//! | 4 | guardianship-review | shijia_village | 石家干部 | 11-24 09:00 | 小明, left_behind, rated good |
//! | 5 | guardianship-review | beiguan_village | 北关干部 | 11-24 09:30 | 小兰, orphan, rated poor |
//! | 6 | example-care | beiguan_village | 北关干部 | 12-01 09:00 | nothing |
//!
//! Every example-care case is opened by a village committee, which issues the 监护人责任告知书
//! (not numbered) with it; the profile is 黔江区's. The timers ran once, at 12-02 09:00.

use crate::common;

use common::{TestEnv, json};
use serde_json::Value;

const T0: &str = "2026-11-23T10:00:00+08:00";
/// When the listings and reports are read.
pub const LATER: &str = "2026-12-02T10:00:00+08:00";
/// 小明's identity number (case 4).
pub const XIAOMING_ID: &str = "110105201805010016";
const XIAOLAN_ID: &str = "110105201503020024";

fn profiles_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/profiles")
}

fn care(env: &TestEnv, unit: &str, officer: &str, child: (&str, &str), now: &str) -> String {
    env.wardflow([
        "case",
        "open",
        "example-care",
        "--unit",
        unit,
        "--officer",
        officer,
    ])
    .as_role("village_committee")
    .sets(&[
        ("child.name", child.0),
        ("child.birth_date", child.1),
        ("parent.name", "李四"),
    ])
    .now(now)
    .ok()
    .lines()
    .next()
    .unwrap_or_default()
    .trim()
    .to_owned()
}

fn review(env: &TestEnv, unit: &str, officer: &str, sets: &[(&str, &str)], now: &str) -> String {
    env.wardflow([
        "case",
        "open",
        "guardianship-review",
        "--unit",
        unit,
        "--officer",
        officer,
    ])
    .as_role("child_director")
    .sets(sets)
    .now(now)
    .ok()
    .trim()
    .to_owned()
}

/// The database described at the top of this file.
pub fn county() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "init",
        "--simulation",
        "--profiles",
        profiles_dir(),
        "--profile",
        "qianjiang",
        "--now",
        T0,
    ]);
    for (name, unit) in [("石家干部", "shijia_town"), ("北关干部", "beiguan_town")] {
        env.ok(&[
            "user",
            "add",
            name,
            "--unit",
            unit,
            "--role",
            "village_committee",
            "--role",
            "child_director",
            "--role",
            "civil_affairs",
            "--now",
            T0,
        ]);
    }
    let one = care(
        &env,
        "shijia_village",
        "石家干部",
        ("小明", "2018-05-01"),
        T0,
    );
    assert_eq!(one, "2026-000001");
    env.wardflow(["case", "advance", &one, "sign_agreement"])
        .as_role("village_committee")
        .sets(&[
            ("carer.name", "王奶奶"),
            ("carer.birth_date", "1960-03-02"),
            ("carer.relation", "grandparent"),
            ("departure_at", "2026-11-20T08:00:00+08:00"),
        ])
        .now("2026-11-24T10:00:00+08:00")
        .ok();
    care(
        &env,
        "dongxi_village",
        "石家干部",
        ("小红", "2017-03-01"),
        "2026-11-23T11:00:00+08:00",
    );
    let three = care(
        &env,
        "beiguan_village",
        "北关干部",
        ("小刚", "2016-06-01"),
        "2026-11-25T09:00:00+08:00",
    );
    env.wardflow(["case", "advance", &three, "close"])
        .as_role("civil_affairs")
        .set("close_reason", "parent_returned")
        .now("2026-11-26T09:00:00+08:00")
        .ok();
    review(
        &env,
        "shijia_village",
        "石家干部",
        &[
            ("child.name", "小明"),
            ("child.birth_date", "2018-05-01"),
            ("child.id_number", XIAOMING_ID),
            ("child.category", "left_behind"),
            ("review.rating", "good"),
        ],
        "2026-11-24T09:00:00+08:00",
    );
    review(
        &env,
        "beiguan_village",
        "北关干部",
        &[
            ("child.name", "小兰"),
            ("child.birth_date", "2015-03-02"),
            ("child.id_number", XIAOLAN_ID),
            ("child.category", "orphan"),
            ("review.rating", "poor"),
        ],
        "2026-11-24T09:30:00+08:00",
    );
    care(
        &env,
        "beiguan_village",
        "北关干部",
        ("小亮", "2019-01-01"),
        "2026-12-01T09:00:00+08:00",
    );
    env.ok(&["timers", "tick", "--now", "2026-12-02T09:00:00+08:00"]);
    env
}

/// The case ids of a JSON listing.
fn ids(listing: &Value) -> Vec<&str> {
    listing
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| c["case"].as_str().expect("case id"))
        .collect()
}

fn list(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["case", "list", "--json", "--now", LATER];
    all.extend_from_slice(args);
    json(&env.ok(&all))
}

#[test]
fn case_list_narrows_by_unit_officer_workflow_state_and_opening_day_and_pages() {
    let env = county();
    let all = list(&env, &[]);
    assert_eq!(ids(&all).len(), 6);
    // The JSON carries the unit and the officer.
    assert_eq!(all[1]["unit"], "dongxi_village");
    assert_eq!(all[1]["officer"], "石家干部");
    // A unit takes in the units under it: 石家镇 holds 石家村 and 东西村.
    let shijia = list(&env, &["--unit", "shijia_town"]);
    assert_eq!(ids(&shijia), ["2026-000001", "2026-000002", "2026-000004"]);
    assert_eq!(
        ids(&list(&env, &["--unit", "dongxi_village"])),
        ["2026-000002"]
    );
    assert_eq!(
        ids(&list(
            &env,
            &["--officer", "北关干部", "--workflow", "example-care"]
        )),
        ["2026-000003", "2026-000006"]
    );
    assert_eq!(
        ids(&list(
            &env,
            &["--workflow", "example-care", "--state", "registered"]
        )),
        ["2026-000002", "2026-000006"]
    );
    // Both days included, in Beijing time.
    assert_eq!(
        ids(&list(&env, &["--from", "2026-11-24", "--to", "2026-11-25"])),
        ["2026-000003", "2026-000004", "2026-000005"]
    );
    // Pages by number, and by cursor (the last case of the page before), in case-id order,
    // with a workflow filter too.
    assert_eq!(
        ids(&list(&env, &["--limit", "4", "--page", "2"])),
        ["2026-000005", "2026-000006"]
    );
    assert_eq!(
        ids(&list(&env, &["--limit", "2", "--after", "2026-000002"])),
        ["2026-000003", "2026-000004"]
    );
    assert_eq!(
        ids(&list(
            &env,
            &["--workflow", "example-care", "--limit", "2", "--page", "2"]
        )),
        ["2026-000003", "2026-000006"]
    );
    let human = env.ok(&["case", "list", "--limit", "2", "--now", LATER]);
    assert!(human.contains("下一页：--after 2026-000002"), "{human}");
    // Only what the caller's unit covers: 北关干部 never sees 石家镇's cases.
    let beiguan = json(&env.ok(&[
        "case",
        "list",
        "--json",
        "--user",
        "北关干部",
        "--unit",
        "county",
        "--now",
        LATER,
    ]));
    assert_eq!(ids(&beiguan), ["2026-000003", "2026-000005", "2026-000006"]);
    // Bounded and checked: a page too large, a page without a limit, an unknown unit.
    env.fails(&["case", "list", "--limit", "1001", "--now", LATER], 2);
    env.fails(&["case", "list", "--page", "2", "--now", LATER], 2);
    let typo = env.fails(&["case", "list", "--unit", "shijia_twn", "--now", LATER], 2);
    assert!(typo.contains("shijia_town"), "{typo}");
    env.fails(&["case", "list", "--from", "2026-13-01", "--now", LATER], 2);
}

#[test]
fn case_overdue_narrows_the_same_way_and_its_json_names_unit_and_officer() {
    let env = county();
    let overdue = |args: &[&str]| {
        let mut all = vec!["case", "overdue", "--json", "--now", LATER];
        all.extend_from_slice(args);
        json(&env.ok(&all))
    };
    let all = overdue(&[]);
    assert_eq!(ids(&all), ["2026-000002"]);
    assert_eq!(all[0]["unit"], "dongxi_village");
    assert_eq!(all[0]["officer"], "石家干部");
    assert_eq!(ids(&overdue(&["--unit", "shijia_town"])), ["2026-000002"]);
    assert!(ids(&overdue(&["--unit", "beiguan_town"])).is_empty());
    assert!(ids(&overdue(&["--officer", "北关干部"])).is_empty());
    assert_eq!(
        ids(&overdue(&[
            "--workflow",
            "example-care",
            "--state",
            "registered"
        ])),
        ["2026-000002"]
    );
    assert!(ids(&overdue(&["--from", "2026-11-24"])).is_empty());
    assert!(ids(&overdue(&["--limit", "1", "--page", "2"])).is_empty());
}
