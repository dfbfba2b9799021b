//! Published configuration (issue 20) and the stored format (`wardflow db migrate`): what a
//! county publishes into the database (calendars, letters, profiles, units) is what its cases
//! use, whatever files a command is pointed at.

use crate::common;

use common::{T0, TestEnv};

fn add_user(env: &TestEnv, name: &str, role: &str, unit: &str) {
    env.ok(&[
        "user", "add", name, "--role", role, "--unit", unit, "--now", T0,
    ]);
}

#[test]
fn db_migrate_on_a_current_database_does_nothing_and_is_for_administrators() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let dry = env
        .wardflow(["db", "migrate", "--dry-run", "--json"])
        .now(T0)
        .ok();
    let dry: serde_json::Value = serde_json::from_str(&dry).expect("json");
    assert_eq!(dry["from"], dry["to"], "{dry}");
    assert_eq!(dry["steps"], serde_json::json!([]));
    let out = env.wardflow(["db", "migrate"]).now(T0).ok();
    assert!(out.contains("无需迁移"), "{out}");
    add_user(&env, "李娟", "village_committee", "shijia_village");
    env.wardflow(["db", "migrate"])
        .user("李娟")
        .now(T0)
        .refused();
}

#[test]
fn db_compact_gives_free_space_back_keeps_every_case_and_is_for_administrators() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    let before = env.ok(&["export", "--plain"]);
    let out = env.wardflow(["db", "compact", "--json"]).now(T0).ok();
    let done: serde_json::Value = serde_json::from_str(&out).expect("json");
    let (from, to) = (done["before"].as_u64(), done["after"].as_u64());
    assert!(matches!((from, to), (Some(a), Some(b)) if b <= a), "{done}");
    // Nothing the database holds changed: the export is the same, the chains verify.
    assert_eq!(env.ok(&["export", "--plain"]), before);
    env.ok(&["verify"]);
    env.ok(&["case", "show", &id]);
    let said = env.wardflow(["db", "compact"]).now(T0).ok();
    assert!(said.contains("已整理数据库文件"), "{said}");
    let said = env.wardflow(["db", "compact", "--lang", "en"]).now(T0).ok();
    assert!(said.contains("compacted the database file"), "{said}");
    let audit = env.ok(&["audit", "--json"]);
    assert!(audit.contains("db:compact"), "{audit}");
    add_user(&env, "李娟", "village_committee", "shijia_village");
    env.wardflow(["db", "compact"])
        .user("李娟")
        .now(T0)
        .refused();
}

const WARNING_DATA: &[(&str, &str)] = &[
    ("source", "mandatory_report"),
    ("child.name", "张小花"),
    ("abuser.name", "张大山"),
    ("abuser.relation", "父亲"),
    (
        "admonishment.facts",
        "2026年11月22日晚，张大山因琐事殴打女儿张小花，致其面部软组织挫伤",
    ),
    ("admonishment.issued_at", "2026-11-23T09:30:00+08:00"),
];

fn repo(dir: &str) -> String {
    format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the repository's letters under `name`, its warning letter carrying `marker`.
fn letters_with_marker(env: &TestEnv, name: &str, marker: &str) -> String {
    let dir = env.root().join(name);
    std::fs::create_dir_all(&dir).expect("letters dir");
    for entry in std::fs::read_dir(repo("letters")).expect("letters") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let template = dir.join("warning-letter.hbs");
    let text = std::fs::read_to_string(&template).expect("template");
    let text = text.replacen("经查明：", &format!("{marker}经查明："), 1);
    std::fs::write(&template, text).expect("write template");
    name.to_owned()
}

/// A real database (the wall clock, no `--now`) on the 黔江区 profile, whose issuing bodies
/// number police letters, with a police officer who is no administrator.
fn real_office() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "init",
        "--profiles",
        &repo("profiles"),
        "--profile",
        "qianjiang",
    ]);
    env.ok(&[
        "user",
        "add",
        "王警官",
        "--role",
        "police",
        "--unit",
        "city",
    ]);
    env
}

fn open_warning_case(env: &TestEnv, user: &str, now: Option<&str>) -> String {
    let mut cmd = env
        .wardflow(["case", "open", "guardianship-intervention"])
        .as_role("police")
        .sets(WARNING_DATA)
        .user(user);
    if let Some(now) = now {
        cmd = cmd.now(now);
    }
    cmd.ok().trim().to_owned()
}

/// Issues the warning letter on `case` (extra arguments after it) and returns the archived
/// HTML.
fn issue_warning(env: &TestEnv, case: &str, user: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "letter",
        "issue",
        case,
        "warning-letter",
        "--as",
        "police",
        "--json",
    ];
    args.extend_from_slice(extra);
    let issued: serde_json::Value =
        serde_json::from_str(&env.wardflow(args).user(user).ok()).expect("json");
    let letter = issued["letter"].as_str().expect("letter id").to_owned();
    let out = format!("{letter}.html");
    env.ok(&["letter", "export", &letter, "--out", &out]);
    std::fs::read_to_string(env.root().join(out)).expect("exported letter")
}

#[test]
fn letters_named_on_a_command_do_not_change_a_real_cases_letter() {
    let env = real_office();
    let evil = letters_with_marker(&env, "home-made", "自制模板");
    let case = open_warning_case(&env, "王警官", None);
    let html = issue_warning(&env, &case, "王警官", &["--letters", &evil]);
    assert!(!html.contains("自制模板"), "the file's template was used");
    assert!(html.contains("经查明"), "{html}");
    // A preview may try a draft from files, and says it is one (草稿, no number).
    let draft = env
        .wardflow([
            "letter",
            "preview",
            &case,
            "warning-letter",
            "--as",
            "police",
        ])
        .arg("--letters")
        .arg(&evil)
        .user("王警官")
        .ok();
    assert!(draft.contains("自制模板"), "{draft}");
}

#[test]
fn a_template_published_after_a_case_opened_does_not_change_its_letters_but_a_new_cases() {
    let env = real_office();
    let first = open_warning_case(&env, "王警官", None);
    let second_version = letters_with_marker(&env, "letters-v2", "第二版模板");
    // Only an administrator publishes.
    env.wardflow(["publish", "letters", &second_version])
        .user("王警官")
        .refused();
    let out = env.ok(&["publish", "letters", &second_version]);
    assert!(out.contains("第 2 版"), "{out}");
    let second = open_warning_case(&env, "王警官", None);
    let old = issue_warning(&env, &first, "王警官", &[]);
    let new = issue_warning(&env, &second, "王警官", &[]);
    assert!(
        !old.contains("第二版模板"),
        "the running case's letter changed"
    );
    assert!(
        new.contains("第二版模板"),
        "the new case did not get the new template"
    );
    // Listed, with who published each version; and in the access log.
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["publish", "list", "--json"])).expect("json");
    let letters: Vec<u64> = list
        .as_array()
        .expect("list")
        .iter()
        .filter(|p| p["kind"] == "letters")
        .map(|p| p["number"].as_u64().expect("number"))
        .collect();
    assert_eq!(letters, [1, 2]);
    let audit = env.ok(&["audit", "--json"]);
    assert!(audit.contains("publish:letters:2"), "{audit}");
}

/// A 2027 arrangement as a county would add it: the Spring Festival off from 6 to 13
/// February, Sunday 14 February worked.
const CALENDAR_2027: &str = "calendar: china\ntime_zone: Asia/Shanghai\nyears:\n  2026:\n    holidays: [2026-01-01..2026-01-03, 2026-02-15..2026-02-23, 2026-04-04..2026-04-06, 2026-05-01..2026-05-05, 2026-06-19..2026-06-21, 2026-09-25..2026-09-27, 2026-10-01..2026-10-07]\n    workdays: [2026-01-04, 2026-02-14, 2026-02-28, 2026-05-09, 2026-09-20, 2026-10-10]\n  2027:\n    holidays: [2027-02-06..2027-02-13]\n    workdays: [2027-02-14]\n";

fn weekly_contact(env: &TestEnv, id: &str) -> serde_json::Value {
    env.show_json(id)["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["name"] == "weekly_contact")
        .cloned()
        .expect("weekly_contact is set")
}

#[test]
fn a_published_2027_calendar_moves_a_running_deadline_and_records_the_move() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    // Signed on Saturday 30 January 2027: a week later is Saturday 6 February, which without
    // 2027 data moves only past the weekend, to Monday the 8th.
    env.sign_agreement(&id, "2027-01-30T10:00:00+08:00");
    assert_eq!(
        weekly_contact(&env, &id)["due"],
        "2027-02-09T00:00:00+08:00"
    );
    let file = env.write_file("calendar-2027.yaml", CALENDAR_2027);
    let out = env
        .wardflow(["publish", "calendar", &file])
        .now("2027-01-31T09:00:00+08:00")
        .ok();
    assert!(out.contains(&id), "{out}");
    // Off from the 6th to the 13th: the first working day is Sunday the 14th (调休).
    assert_eq!(
        weekly_contact(&env, &id)["due"],
        "2027-02-15T00:00:00+08:00"
    );
    let history: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "history", &id, "--json"])).expect("json");
    let moved = history
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["type"] == "deadline_adjusted" && e["name"] == "weekly_contact")
        .expect("the move is in the history");
    assert_eq!(moved["due"], "2027-02-15T00:00:00+08:00");
    assert_eq!(moved["actor"], common::USER);
    // Publishing the same calendar again is no new version and moves nothing.
    let again = env
        .wardflow(["publish", "calendar", &file])
        .now("2027-01-31T10:00:00+08:00")
        .ok();
    assert!(again.contains("未变"), "{again}");
}

#[test]
fn a_calendar_with_a_day_both_off_and_worked_is_refused_before_anything_changes() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let file = env.write_file(
        "bad.yaml",
        "years:\n  2027:\n    holidays: [2027-02-06..2027-02-13]\n    workdays: [2027-02-07]\n",
    );
    let err = env
        .wardflow(["publish", "calendar", &file])
        .now(T0)
        .fails(2);
    assert!(err.contains("2027-02-07"), "{err}");
}

#[test]
fn simulation_databases_keep_working_with_per_command_files() {
    let env = TestEnv::new();
    env.ok(&[
        "init",
        "--simulation",
        "--profiles",
        &repo("profiles"),
        "--profile",
        "qianjiang",
        "--now",
        T0,
    ]);
    let trial = letters_with_marker(&env, "trial", "试用模板");
    let case = open_warning_case(&env, common::USER, Some(T0));
    let issued: serde_json::Value = serde_json::from_str(
        &env.wardflow([
            "letter",
            "issue",
            &case,
            "warning-letter",
            "--as",
            "police",
            "--json",
        ])
        .arg("--letters")
        .arg(&trial)
        .now(T0)
        .ok(),
    )
    .expect("json");
    let letter = issued["letter"].as_str().expect("letter");
    env.ok(&["letter", "export", letter, "--out", "trial.html"]);
    let html = std::fs::read_to_string(env.root().join("trial.html")).expect("html");
    assert!(
        html.contains("试用模板"),
        "the simulation did not use the named files"
    );
}

#[test]
fn run_and_timers_warn_when_the_published_calendar_runs_out() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    // 23 November 2026: the shipped calendar ends with 2026, 38 days later.
    let out = env.wardflow(["timers", "tick"]).now(T0).run().success();
    let err = out.stderr_text();
    assert!(err.contains("2026-12-31") && err.contains("38"), "{err}");
    // After a 2027 calendar is published, nothing to say in November.
    let file = env.write_file("calendar-2027.yaml", CALENDAR_2027);
    env.wardflow(["publish", "calendar", &file]).now(T0).ok();
    let out = env.wardflow(["timers", "tick"]).now(T0).run();
    assert!(
        !out.stderr_text().contains("2026-12-31"),
        "{}",
        out.stderr_text()
    );
}

/// Makes `env`'s database look as builds before stored format versions left it: no `format`
/// in its meta record and no publication table.
fn make_unstamped(env: &TestEnv) {
    let db = redb::Database::builder().open(env.db()).expect("open");
    let tx = db.begin_write().expect("tx");
    {
        let meta_def: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("meta");
        let mut meta = tx.open_table(meta_def).expect("meta");
        let bytes = redb::ReadableTable::get(&meta, "wardflow")
            .expect("get")
            .expect("meta record")
            .value()
            .to_vec();
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        value["body"]
            .as_object_mut()
            .expect("body")
            .remove("format");
        meta.insert(
            "wardflow",
            serde_json::to_vec(&value).expect("json").as_slice(),
        )
        .expect("insert");
    }
    let published: redb::TableDefinition<(&str, &str, u32), &[u8]> =
        redb::TableDefinition::new("published");
    tx.delete_table(published).expect("delete");
    tx.commit().expect("commit");
}

#[test]
fn an_unstamped_database_reads_refuses_writes_until_migrated_then_works() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    make_unstamped(&env);
    // Reads keep working for the morning of the upgrade.
    env.wardflow(["case", "show", &id]).now(T0).ok();
    // Writes say what to do (exit 5) and change nothing.
    let err = env
        .wardflow([
            "case",
            "amend",
            &id,
            "--set",
            "child.name=李晓明",
            "--reason",
            "更正",
        ])
        .as_role("parent")
        .now(T0)
        .fails(5);
    assert!(err.contains("wardflow db migrate"), "{err}");
    let dry = env
        .wardflow(["db", "migrate", "--dry-run", "--json"])
        .now(T0)
        .ok();
    let dry: serde_json::Value = serde_json::from_str(&dry).expect("json");
    assert_eq!(dry["from"], 0);
    assert_eq!(dry["steps"][0]["number"], 1);
    env.wardflow([
        "case",
        "amend",
        &id,
        "--set",
        "child.name=李晓明",
        "--reason",
        "更正",
    ])
    .as_role("parent")
    .now(T0)
    .fails(5);
    let out = env.wardflow(["db", "migrate"]).now(T0).ok();
    assert!(out.contains("1."), "{out}");
    // Step 1 published the built-in calendar; the migration is in the access log.
    let list = env.ok(&["publish", "list", "--json"]);
    assert!(list.contains("calendars/china.yaml"), "{list}");
    let audit = env.ok(&["audit", "--json"]);
    assert!(audit.contains("db:migrate:1"), "{audit}");
    env.wardflow([
        "case",
        "amend",
        &id,
        "--set",
        "child.name=李晓明",
        "--reason",
        "更正",
    ])
    .as_role("parent")
    .now(T0)
    .ok();
}
