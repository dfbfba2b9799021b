//! County profiles: a profile overrides declared settings, is recorded on each case, and a
//! broken profile is refused with its position before anything is created.

use crate::common;

use common::{T0, TestEnv};

const T1: &str = "2026-11-24T09:00:00+08:00";

fn with_profiles() -> TestEnv {
    let env = TestEnv::examples_only();
    std::fs::create_dir_all(env.root().join("profiles")).expect("profiles dir");
    env.write_file(
        "profiles/slow-county.yaml",
        "profile: slow-county\ntitle: 示例县\nsettings:\n  example-care:\n    contact_interval: 2w\n",
    );
    env
}

fn weekly_due(env: &TestEnv, id: &str) -> String {
    let show = env.show_json(id);
    show["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["name"] == "weekly_contact")
        .map(|d| d["due"].as_str().unwrap_or_default().to_owned())
        .expect("weekly_contact is set")
}

#[test]
fn a_profile_chosen_at_init_changes_the_deadline_and_is_recorded_on_the_case() {
    let county = with_profiles();
    county.ok(&[
        "init",
        "--simulation",
        "--now",
        T0,
        "--profile",
        "slow-county",
    ]);
    let id = county.open_xiaoming(T0);
    county.sign_agreement(&id, T1);
    // 2w from Tuesday 24 Nov: the start day is not counted, ends 24:00 on 8 Dec.
    assert_eq!(weekly_due(&county, &id), "2026-12-09T00:00:00+08:00");
    let show = county.show_json(&id);
    assert_eq!(show["profile"], "slow-county");

    let national = TestEnv::examples_only();
    national.init_simulation(T0);
    let id = national.open_xiaoming(T0);
    national.sign_agreement(&id, T1);
    assert_eq!(weekly_due(&national, &id), "2026-12-02T00:00:00+08:00");
    assert_eq!(national.show_json(&id)["profile"], serde_json::Value::Null);
}

#[test]
fn a_profile_named_on_one_command_applies_to_the_cases_it_opens() {
    let env = with_profiles();
    env.init_simulation(T0);
    let out = env.ok(&[
        "case",
        "open",
        "example-care",
        "--as",
        "parent",
        "--set",
        "child.name=小明",
        "--set",
        "child.birth_date=2018-05-01",
        "--set",
        "parent.name=李四",
        "--now",
        T0,
        "--profile",
        "slow-county",
    ]);
    let id = out.trim();
    assert_eq!(env.show_json(id)["profile"], "slow-county");
    assert_eq!(env.show_json(id)["workflow"], "example-care");
}

#[test]
fn a_broken_profile_is_refused_with_positions_and_init_creates_nothing() {
    let env = with_profiles();
    env.write_file(
        "profiles/broken.yaml",
        "profile: broken\nsettings:\n  example-care:\n    contact_intervall: 2w\n    min_carer_age: 3d\n  example-kare: {}\n",
    );
    let err = env.fails(
        &["init", "--simulation", "--now", T0, "--profile", "broken"],
        2,
    );
    assert_eq!(
        err,
        "profiles/broken.yaml:4:5: 设置项 `example-care:contact_intervall` 未在 settings 中声明。（是否想输入 contact_interval？）\n\
         profiles/broken.yaml:5:20: 这里应为整数，实际是文字。\n\
         profiles/broken.yaml:6:3: 方案中的流程 `example-kare` 不存在（未发布）。（是否想输入 example-care？）\n\
         错误：共 3 处问题（1 个文件），未作任何更改。\n"
    );
    assert!(!env.db().exists(), "init made no database");
    let missing = env.fails(
        &["init", "--simulation", "--now", T0, "--profile", "nowhere"],
        2,
    );
    assert!(
        missing.starts_with("错误：无法读取 ./profiles/nowhere.yaml"),
        "{missing}"
    );
}

#[test]
fn cases_of_one_child_are_found_by_identity_number_once_it_is_known() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let first = env.open_xiaoming(T0);
    let second = env.open_xiaoming(T0);
    // Unknown identity so far: no case is listed under the number.
    let id = "110105201805010016";
    let none = env.ok(&["case", "list", "--child", id]);
    assert_eq!(none, "没有符合条件的案件。\n");
    // 110105 20180501 001 + check: born 2018-05-01, odd sequence = male.
    for case in [&first, &second] {
        env.ok(&[
            "case",
            "amend",
            case,
            "--as",
            "village_committee",
            "--set",
            &format!("child.id_number={}", id.to_lowercase()),
            "--reason",
            "户籍核实",
            "--now",
            T1,
        ]);
    }
    let listed = env.ok(&["case", "list", "--child", id, "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).expect("json");
    let ids: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["case"].as_str())
        .collect();
    assert_eq!(ids, vec![first.as_str(), second.as_str()]);
    let show = env.ok(&["case", "show", &first]);
    assert!(
        show.contains(&format!(
            "同一儿童的其他案件：\n  {second}（example-care registered）\n"
        )),
        "{show}"
    );
    // A number that contradicts the recorded birth date is bad input and changes nothing.
    let err = env.fails(
        &[
            "case",
            "amend",
            &first,
            "--as",
            "village_committee",
            "--set",
            "child.id_number=11010519491231002X",
            "--reason",
            "x",
            "--now",
            T1,
        ],
        2,
    );
    assert_eq!(
        err,
        "错误：公民身份号码 child.id_number 与 child.birth_date 不一致：号码中的出生日期和性别须与所填相符。\n"
    );
}
