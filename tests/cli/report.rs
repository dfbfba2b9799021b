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

fn report(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["report", "--json", "--now", LATER];
    all.extend_from_slice(args);
    json(&env.ok(&all))
}

/// The row of a table whose key is `key`.
fn row<'a>(table: &'a Value, key: &str) -> &'a Value {
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {table}"))
}

fn counts(row: &Value) -> (u64, u64, u64) {
    let n = |k: &str| row[k].as_u64().expect("a count");
    (n("opened"), n("closed"), n("running"))
}

#[test]
fn the_quarter_and_the_month_add_up_to_the_known_cases_deadlines_children_and_letters() {
    let env = county();
    let q = report(&env, &["--quarter", "2026Q4"]);
    assert_eq!(q["from"], "2026-10-01");
    assert_eq!(q["to"], "2026-12-31");
    assert_eq!(q["generated_at"], LATER);
    assert_eq!(q["cases_read"], 6);
    let by: Vec<&str> = q["cases"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["by"].as_str().expect("by"))
        .collect();
    assert_eq!(by, ["workflow", "state", "township", "unit", "officer"]);
    let [workflow, state, township, unit, officer] = [0, 1, 2, 3, 4].map(|i| &q["cases"][i]);
    assert_eq!(counts(row(workflow, "example-care")), (4, 1, 3));
    assert_eq!(counts(row(workflow, "guardianship-review")), (2, 0, 2));
    assert_eq!(counts(&workflow["total"]), (6, 1, 5));
    assert_eq!(counts(row(state, "registered")), (2, 0, 2));
    assert_eq!(counts(row(state, "under_supervision")), (1, 0, 1));
    assert_eq!(counts(row(state, "closed")), (1, 1, 0));
    assert_eq!(row(state, "closed")["workflow"], "example-care");
    assert_eq!(counts(row(township, "shijia_town")), (3, 0, 3));
    assert_eq!(counts(row(township, "beiguan_town")), (3, 1, 2));
    assert_eq!(row(township, "beiguan_town")["key_title"], "北关镇");
    assert_eq!(counts(row(unit, "dongxi_village")), (1, 0, 1));
    assert_eq!(counts(row(unit, "beiguan_village")), (3, 1, 2));
    assert_eq!(counts(row(officer, "石家干部")), (3, 0, 3));
    assert_eq!(counts(row(officer, "北关干部")), (3, 1, 2));
    // Overdue now: case 2's arrangement of care.
    assert_eq!(q["overdue"][0]["by"], "unit");
    assert_eq!(row(&q["overdue"][0], "dongxi_village")["count"], 1);
    assert_eq!(q["overdue"][0]["total"], 1);
    assert_eq!(row(&q["overdue"][1], "石家干部")["count"], 1);
    // Met: cases 1 and 3's arrangement of care; late: case 2's, and case 1's weekly contact.
    assert_eq!(
        q["deadlines"],
        serde_json::json!({"met": 2, "late": 2, "percent": 50.0})
    );
    let category = &q["children"][0];
    assert_eq!(category["field"], "child.category");
    assert_eq!(row(category, "left_behind")["count"], 1);
    assert_eq!(row(category, "orphan")["count"], 1);
    assert_eq!(category["total"], 2);
    assert_eq!(
        category["recorded_by"],
        serde_json::json!(["guardianship-intervention", "guardianship-review"])
    );
    let not_recorded = category["not_recorded_by"].as_array().expect("list");
    assert!(not_recorded.contains(&Value::from("example-care")));
    let rating = &q["children"][1];
    assert_eq!(rating["field"], "review.rating");
    assert_eq!(row(rating, "good")["count"], 1);
    assert_eq!(row(rating, "poor")["count"], 1);
    assert_eq!(
        q["letters"],
        serde_json::json!([{
            "letter": "guardian-duty-notice", "letter_title": "监护人责任告知书",
            "role": "village_committee", "body": "黔江区城东街道新华村民委员会",
            "issued": 4, "voided": 0,
        }])
    );
    // The series stops at the day the report is made.
    let series = q["open_over_time"].as_array().expect("series");
    let last = series.last().expect("a point");
    assert_eq!(last["date"], "2026-12-02");
    assert_eq!(last["open"], 5);

    // November alone: case 6 and its letter came in December, as did the breaches.
    let m = report(&env, &["--month", "2026-11", "--by", "unit,workflow,unit"]);
    assert_eq!(
        (m["from"].as_str(), m["to"].as_str()),
        (Some("2026-11-01"), Some("2026-11-30"))
    );
    let by: Vec<&Value> = m["cases"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| &t["by"])
        .collect();
    assert_eq!(by, [&Value::from("unit"), &Value::from("workflow")]);
    assert_eq!(counts(&m["cases"][1]["total"]), (5, 1, 4));
    assert_eq!(counts(row(&m["cases"][1], "example-care")), (3, 1, 2));
    assert_eq!(
        m["deadlines"],
        serde_json::json!({"met": 2, "late": 0, "percent": 100.0})
    );
    assert_eq!(m["letters"][0]["issued"], 3);
    let nov = m["open_over_time"].as_array().expect("series");
    assert_eq!(nov.len(), 30);
    assert_eq!(
        nov[22],
        serde_json::json!({"date": "2026-11-23", "open": 2})
    );
    assert_eq!(
        nov[25],
        serde_json::json!({"date": "2026-11-26", "open": 4})
    );

    // 北关镇's officer sees 北关镇's cases only.
    let beiguan = report(&env, &["--month", "2026-11", "--user", "北关干部"]);
    assert_eq!(beiguan["cases_read"], 2);
    assert_eq!(counts(&beiguan["cases"][0]["total"]), (2, 1, 1));
    assert_eq!(beiguan["overdue"][0]["total"], 0);
    // Every report is in the access log.
    let log = json(&env.ok(&["audit", "--json", "--now", LATER]));
    let reports = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "report" && e["case"] == "*")
        .count();
    assert_eq!(reports, 3);
    // A period that ends before it starts is bad input.
    env.fails(
        &[
            "report",
            "--from",
            "2026-12-01",
            "--to",
            "2026-11-01",
            "--now",
            LATER,
        ],
        2,
    );
    env.fails(&["report", "--quarter", "2026Q5", "--now", LATER], 2);
}

#[test]
fn the_report_is_a_table_csv_a_workbook_with_a_sheet_per_table_and_a_page_with_charts() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let env = county();
    let text = env.ok(&["report", "--month", "2026-11", "--now", LATER]);
    assert!(
        text.contains("统计期间：2026-11-01 至 2026-11-30"),
        "{text}"
    );
    assert!(text.contains("合计"), "{text}");
    let csv = env.ok(&[
        "report", "--month", "2026-11", "--format", "csv", "--now", LATER,
    ]);
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains(
            "\n流程,新立案,结案,在办\nexample-care（示例：委托照护·语言特性演示）,3,1,2\n"
        ),
        "{csv}"
    );

    // A workbook needs a file; a file that exists is kept unless forced.
    env.fails(&["report", "--format", "xlsx", "--now", LATER], 2);
    let out = env.root().join("r.xlsx");
    let path = out.display().to_string();
    let args = [
        "report",
        "--quarter",
        "2026Q4",
        "--format",
        "xlsx",
        "--out",
        &path,
        "--now",
        LATER,
    ];
    env.ok(&args);
    let refused = env.fails(&args, 2);
    assert!(refused.contains("--force"), "{refused}");
    let mut forced = args.to_vec();
    forced.push("--force");
    env.ok(&forced);
    let mut book: Xlsx<_> = open_workbook(&out).expect("a workbook");
    let names = book.sheet_names();
    for name in [
        "说明",
        "案件-按流程",
        "案件-按办理单位",
        "逾期-按承办人",
        "期限办结",
        "child.category",
        "文书",
        "在办趋势",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "no sheet {name} in {names:?}"
        );
    }
    let cases = book.worksheet_range("案件-按流程").expect("sheet");
    assert_eq!(
        cases.get_value((1, 0)),
        Some(&Data::String("流程".to_owned()))
    );
    assert_eq!(
        cases.get_value((2, 0)),
        Some(&Data::String(
            "example-care（示例：委托照护·语言特性演示）".to_owned()
        ))
    );
    assert_eq!(cases.get_value((2, 1)), Some(&Data::Float(4.0)));
    assert_eq!(cases.get_value((4, 3)), Some(&Data::Float(5.0)));
    let deadlines = book.worksheet_range("期限办结").expect("sheet");
    assert_eq!(deadlines.get_value((2, 2)), Some(&Data::Float(50.0)));

    let page = env.root().join("r.html");
    env.ok(&[
        "report",
        "--quarter",
        "2026Q4",
        "--format",
        "html",
        "--out",
        &page.display().to_string(),
        "--now",
        LATER,
    ]);
    let html = std::fs::read_to_string(&page).expect("the page");
    assert_eq!(html.matches("<svg").count(), 2, "two charts");
    assert!(html.contains("在办案件数") && html.contains("各单位逾期期限"));
    assert!(
        html.contains("东西村"),
        "the overdue unit is named under its bar"
    );
    // Self-contained: nothing fetched.
    for outside in ["<script", "<link", "src=", "url("] {
        assert!(!html.contains(outside), "{outside}");
    }
}

/// A mandatory report on 小明 (his identity number) by a school teacher, accepted by the
/// police of 石家镇 at `now`.
fn reported(env: &TestEnv, now: &str) -> String {
    let id = env
        .wardflow([
            "case",
            "open",
            "guardianship-intervention",
            "--unit",
            "shijia_town",
        ])
        .as_role("police")
        .set("source", "mandatory_report")
        .now(now)
        .ok()
        .trim()
        .to_owned();
    env.wardflow(["case", "advance", &id, "accept_report"])
        .as_role("police")
        .sets(&[
            ("child.name", "小明"),
            ("child.birth_date", "2018-05-01"),
            ("child.id_number", XIAOMING_ID),
            ("report.received_at", "2026-11-23T09:40:00+08:00"),
            ("report.category", "domestic_violence"),
            ("report.facts", "学生脸部淤青，自述被父亲殴打"),
            ("reporter.kind", "school"),
            ("reporter.unit", "石家镇中心小学"),
            ("reporter.name", "王老师"),
            ("reporter.phone", "13800001111"),
            ("police.case_number", "渝公黔（城东）受案字〔2026〕88号"),
            ("police.officer_name", "李警官"),
            ("police.officer_phone", "023-79223110"),
        ])
        .now(now)
        .ok();
    id
}

#[test]
fn a_childs_file_is_every_case_event_letter_and_deadline_in_time_order_redacted_and_logged() {
    let env = county();
    // Case 1 learns 小明's identity number: it joins his file.
    env.wardflow(["case", "amend", "2026-000001"])
        .as_role("village_committee")
        .set("child.id_number", XIAOMING_ID)
        .arg("--reason")
        .arg("补录公民身份号码")
        .now(LATER)
        .ok();
    let gi = reported(&env, LATER);
    assert_eq!(gi, "2026-000007");
    env.ok(&[
        "user",
        "add",
        "村委会",
        "--unit",
        "shijia_town",
        "--role",
        "village_committee",
        "--now",
        LATER,
    ]);

    let file = json(&env.ok(&["child", "show", XIAOMING_ID, "--json", "--now", LATER]));
    assert_eq!(file["child"], XIAOMING_ID);
    assert_eq!(file["name"], "小明");
    assert_eq!(file["birth_date"], "2018-05-01");
    let cases: Vec<&str> = file["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["case"].as_str().expect("id"))
        .collect();
    assert_eq!(cases, ["2026-000001", "2026-000004", "2026-000007"]);
    assert_eq!(file["cases"][0]["officer"], "石家干部");
    assert_eq!(file["cases"][1]["state_title"], "建档管理中");
    let timeline = file["timeline"].as_array().expect("timeline");
    // Oldest first, across cases: case 1 opened 11-23, case 4 on 11-24, case 7 on 12-02.
    let ats: Vec<&str> = timeline
        .iter()
        .map(|m| m["at"].as_str().expect("at"))
        .collect();
    let mut sorted = ats.clone();
    sorted.sort();
    assert_eq!(ats, sorted);
    assert_eq!(timeline[0]["at"], "2026-11-23T10:00:00+08:00");
    assert_eq!(timeline[0]["case"], "2026-000001");
    assert_eq!(timeline[0]["event"]["type"], "opened");
    let kinds = |case: &str| -> Vec<String> {
        timeline
            .iter()
            .filter(|m| m["case"] == case)
            .map(|m| m["event"]["type"].as_str().expect("type").to_owned())
            .collect()
    };
    let one = kinds("2026-000001");
    for kind in ["letter_issued", "deadline_breached", "amended", "fired"] {
        assert!(one.iter().any(|k| k == kind), "{kind} in {one:?}");
    }
    assert_eq!(
        kinds("2026-000004").first().map(String::as_str),
        Some("opened")
    );
    assert!(!kinds("2026-000007").is_empty());
    let deadlines = file["deadlines"].as_array().expect("deadlines");
    assert!(
        deadlines
            .iter()
            .any(|d| d["case"] == "2026-000004" && d["deadline"] == "next_review")
    );
    // The administrator sees the reporter; the village committee reads "(confidential)".
    let full = env.ok(&["child", "show", XIAOMING_ID, "--json", "--now", LATER]);
    assert!(full.contains("王老师"));
    let village = env.ok(&[
        "child",
        "show",
        XIAOMING_ID,
        "--json",
        "--user",
        "村委会",
        "--now",
        LATER,
    ]);
    assert!(
        !village.contains("王老师") && !village.contains("13800001111"),
        "{village}"
    );
    assert!(village.contains("(confidential)"), "{village}");
    // The human file names the cases and tells the timeline.
    let human = env.ok(&["child", "show", XIAOMING_ID, "--now", LATER]);
    assert!(human.contains("儿童：小明"), "{human}");
    assert!(human.contains("2026-000001 #1"), "{human}");
    // Beyond the reader's units the child does not exist; an unknown child is bad input.
    env.fails(
        &[
            "child",
            "show",
            XIAOMING_ID,
            "--user",
            "北关干部",
            "--now",
            LATER,
        ],
        2,
    );
    env.fails(&["child", "show", "110105201001010000", "--now", LATER], 2);
    // Each case read is in the access log.
    let log = json(&env.ok(&["audit", "--json", "--now", LATER]));
    let read: Vec<&str> = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "child" && e["user"] == "村委会")
        .map(|e| e["case"].as_str().expect("case"))
        .collect();
    assert_eq!(read, ["2026-000001", "2026-000004", "2026-000007"]);
}

#[test]
fn a_child_is_found_by_name_and_namesakes_are_told_apart_by_birth_date() {
    let env = county();
    // Another 小明, born a year later, in 北关镇.
    care(
        &env,
        "beiguan_village",
        "北关干部",
        ("小明", "2019-02-02"),
        LATER,
    );
    let found = json(&env.ok(&["child", "find", "小明", "--json", "--now", LATER]));
    let found = found.as_array().expect("children");
    assert_eq!(found.len(), 3, "{found:?}");
    // Case 4 records his identity number; cases 1 and 7 record none and stay apart.
    let with_id: Vec<&Value> = found.iter().filter(|f| f["child"] == XIAOMING_ID).collect();
    assert_eq!(with_id.len(), 1);
    assert_eq!(with_id[0]["cases"][0]["case"], "2026-000004");
    let born = json(&env.ok(&[
        "child",
        "find",
        "小明",
        "--born",
        "2019-02-02",
        "--json",
        "--now",
        LATER,
    ]));
    assert_eq!(born.as_array().map(Vec::len), Some(1));
    assert_eq!(born[0]["cases"][0]["case"], "2026-000007");
    assert_eq!(born[0]["birth_date"], "2019-02-02");
    // 北关镇's officer finds only the 小明 of 北关镇.
    let beiguan = json(&env.ok(&[
        "child",
        "find",
        "小明",
        "--json",
        "--user",
        "北关干部",
        "--now",
        LATER,
    ]));
    assert_eq!(beiguan.as_array().map(Vec::len), Some(1));
    assert_eq!(beiguan[0]["cases"][0]["case"], "2026-000007");
    let none = env.ok(&["child", "find", "小强", "--now", LATER]);
    assert!(none.contains("没有叫这个名字的儿童"), "{none}");
    let log = json(&env.ok(&["audit", "--json", "--now", LATER]));
    let read = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "child-find")
        .count();
    assert_eq!(read, 3 + 1 + 1);
}
