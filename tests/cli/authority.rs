//! Who may do what: registered users, their roles and units, the confidential reporter, the
//! access log. Every refusal exits 1, names the missing authority and changes nothing.

use crate::common;

use common::{T0, TestEnv, advance, command, env, refs};
use serde_json::Value;

/// Registers `name` with `roles` at `unit`, as the administrator 张三.
fn add_user(env: &TestEnv, name: &str, roles: &[&str], unit: &str) {
    let mut args = vec!["user", "add", name, "--unit", unit, "--now", T0];
    for r in roles {
        args.extend(["--role", r]);
    }
    env.ok(&args);
}

/// `args` run as `user`.
fn as_user<'a>(user: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut out = args.to_vec();
    out.extend(["--user", user]);
    out
}

const REPORT: &[(&str, &str)] = &[
    ("child.name", "张小花"),
    ("child.birth_date", "2014-09-10"),
    ("child.sex", "female"),
    ("report.received_at", "2026-11-23T09:40:00+08:00"),
    ("report.category", "domestic_violence"),
    ("report.facts", "学生脸部淤青，自述被父亲殴打"),
    ("reporter.kind", "school"),
    ("reporter.unit", "黔江区城东小学"),
    ("reporter.name", "王老师"),
    ("reporter.phone", "13800001111"),
    ("police.case_number", "渝公黔（城东）受案字〔2026〕88号"),
    ("police.officer_name", "李警官"),
    ("police.officer_phone", "023-79223110"),
];

/// A mandatory report accepted by the police (investigating), handled by the county.
fn accepted_report(env: &TestEnv) -> String {
    let args = command(
        &[
            "case",
            "open",
            "guardianship-intervention",
            "--as",
            "police",
            "--unit",
            "county",
        ],
        &[("source", "mandatory_report")],
        T0,
    );
    let id = env.ok(&refs(&args)).trim().to_owned();
    advance(env, &id, "accept_report", "police", REPORT, T0);
    id
}

#[test]
fn each_role_is_refused_the_acts_the_law_gives_to_others() {
    let env = env();
    let id = accepted_report(&env);
    let wf: Value =
        serde_json::from_str(&env.ok(&["workflow", "show", "guardianship-intervention", "--json"]))
            .expect("JSON");
    let roles: Vec<String> = wf["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .map(|r| r.as_str().expect("role").to_owned())
        .collect();
    for role in &roles {
        add_user(&env, &format!("u_{role}"), &[role], "county");
    }
    let before = env.db_dump();
    let acts: &[(&str, &[&str])] = &[
        ("accept_report", &["police"]),
        ("remove_child", &["police"]),
        ("issue_warning_letter", &["police"]),
        ("revoke_guardianship", &["court"]),
        ("procuratorate_recommends", &["procuratorate"]),
        ("start_assessment", &["institution", "civil_affairs"]),
        ("dissuade", &["village_committee"]),
    ];
    for (act, allowed) in acts {
        for role in roles.iter().filter(|r| !allowed.contains(&r.as_str())) {
            let user = format!("u_{role}");
            let out = env.run(&as_user(
                &user,
                &["case", "advance", &id, act, "--as", role, "--now", T0],
            ));
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{act} as {role}: {err}");
            assert!(
                err.contains(&format!("用户 {user}（{role}，清河县）不能执行 `{act}`："))
                    && err.contains(&format!("该操作需要 {}", allowed.join("、"))),
                "{act} as {role}: {err}"
            );
        }
    }
    assert_eq!(before, env.db_dump(), "a refusal changed the database");
}

#[test]
fn the_refusal_names_user_role_unit_and_what_the_act_needs_in_both_languages() {
    let env = env();
    let id = accepted_report(&env);
    add_user(&env, "李四", &["village_committee"], "shijia_town");
    env.ok(&[
        "case",
        "transfer",
        &id,
        "--to",
        "shijia_village",
        "--as",
        "police",
        "--now",
        T0,
    ]);
    let args = as_user(
        "李四",
        &[
            "case",
            "advance",
            &id,
            "remove_child",
            "--as",
            "village_committee",
            "--now",
            T0,
        ],
    );
    let err = env.fails(&args, 1);
    assert_eq!(
        err,
        "错误：用户 李四（village_committee，石家镇）不能执行 `remove_child`：该操作需要 police。\n"
    );
    let err = env.en().fails(&args, 1);
    assert_eq!(
        err,
        "error: user 李四 (village_committee, 石家镇) may not fire `remove_child`: it needs police.\n"
    );
    // A role the user does not hold at all.
    let err = env.fails(
        &as_user(
            "李四",
            &[
                "case",
                "advance",
                &id,
                "remove_child",
                "--as",
                "police",
                "--now",
                T0,
            ],
        ),
        1,
    );
    assert!(err.contains("不能执行 `remove_child`"), "{err}");
    let err = env.fails(
        &as_user(
            "李四",
            &[
                "case", "advance", &id, "close", "--as", "police", "--now", T0,
            ],
        ),
        1,
    );
    assert_eq!(
        err,
        "错误：用户 李四（village_committee，石家镇）不具有 police 角色，不能以该角色办理。\n"
    );
}

/// An example-care case handled by `unit`, opened by the administrator.
fn care_case(env: &TestEnv, unit: &str) -> String {
    let args = command(
        &[
            "case",
            "open",
            "example-care",
            "--as",
            "parent",
            "--unit",
            unit,
            "--set",
            "child.name=小明",
            "--set",
            "child.birth_date=2018-05-01",
            "--set",
            "parent.name=李四",
        ],
        &[],
        T0,
    );
    env.ok(&refs(&args)).trim().to_owned()
}

#[test]
fn a_case_is_acted_on_and_read_only_by_units_that_cover_it() {
    let env = env();
    let dongxi = care_case(&env, "dongxi_village");
    let shijia = care_case(&env, "shijia_village");
    add_user(&env, "村干部", &["village_committee"], "shijia_village");
    add_user(&env, "镇干部", &["village_committee"], "shijia_town");
    add_user(&env, "石家所", &["police"], "shijia_police");
    add_user(&env, "北关所", &["police"], "beiguan_police");
    add_user(&env, "县民政", &["civil_affairs"], "county_civil_affairs");
    add_user(
        &env,
        "临县民政",
        &["civil_affairs"],
        "linxian_civil_affairs",
    );

    // The village sees its own village, not the neighbouring one.
    let err = env.fails(
        &as_user("村干部", &["case", "show", &dongxi, "--now", T0]),
        1,
    );
    assert_eq!(
        err,
        "错误：用户 村干部（village_committee，石家村）无权办理或查阅 dongxi_village（东西村）的案件。\n"
    );
    env.ok(&as_user("村干部", &["case", "show", &shijia, "--now", T0]));
    let sign = |user: &str, case: &str| {
        command(
            &[
                "case",
                "advance",
                case,
                "sign_agreement",
                "--as",
                "village_committee",
                "--user",
                user,
            ],
            &[
                ("carer.name", "王奶奶"),
                ("carer.birth_date", "1960-03-02"),
                ("carer.relation", "grandparent"),
                ("departure_at", "2026-11-20T08:00:00+08:00"),
            ],
            T0,
        )
    };
    env.fails(&refs(&sign("村干部", &dongxi)), 1);
    env.ok(&refs(&sign("村干部", &shijia)));
    // The township covers both its villages; the county civil-affairs bureau covers the county.
    env.ok(&refs(&sign("镇干部", &dongxi)));
    env.ok(&as_user(
        "县民政",
        &["case", "history", &dongxi, "--now", T0],
    ));
    env.fails(
        &as_user("临县民政", &["case", "history", &dongxi, "--now", T0]),
        1,
    );
    // A police station covers the townships it names, not the others.
    env.ok(&as_user("石家所", &["case", "next", &dongxi, "--now", T0]));
    env.fails(
        &as_user("北关所", &["case", "next", &dongxi, "--now", T0]),
        1,
    );
    // The list shows only covered cases.
    let list = env.ok(&as_user("村干部", &["case", "list", "--now", T0]));
    assert!(list.contains(&shijia) && !list.contains(&dongxi), "{list}");
    let agenda = env.ok(&as_user("村干部", &["agenda", "--days", "30", "--now", T0]));
    assert!(
        agenda.contains(&shijia) && !agenda.contains(&dongxi),
        "{agenda}"
    );
}

#[test]
fn a_case_is_handed_over_as_an_event_and_the_new_unit_takes_it() {
    let env = env();
    add_user(&env, "石家所", &["police"], "shijia_police");
    add_user(&env, "县民政", &["civil_affairs"], "county_civil_affairs");
    add_user(
        &env,
        "临县民政",
        &["civil_affairs"],
        "linxian_civil_affairs",
    );
    let args = command(
        &[
            "case",
            "open",
            "guardianship-intervention",
            "--as",
            "police",
            "--user",
            "石家所",
            "--unit",
            "shijia_town",
        ],
        &[("source", "mandatory_report")],
        T0,
    );
    let id = env.ok(&refs(&args)).trim().to_owned();
    let s = env.show_json(&id);
    assert_eq!(s["unit"], "shijia_town");
    assert_eq!(s["officer"], "石家所");
    // An officer from a unit that does not cover the case is bad input.
    env.fails(
        &as_user(
            "石家所",
            &[
                "case",
                "transfer",
                &id,
                "--to",
                "county_civil_affairs",
                "--officer",
                "临县民政",
                "--as",
                "police",
                "--now",
                T0,
            ],
        ),
        2,
    );
    env.ok(&as_user(
        "石家所",
        &[
            "case",
            "transfer",
            &id,
            "--to",
            "county_civil_affairs",
            "--officer",
            "县民政",
            "--as",
            "police",
            "--reason",
            "移送民政部门评估",
            "--now",
            T0,
        ],
    ));
    let s = env.show_json(&id);
    assert_eq!(s["unit"], "county_civil_affairs");
    assert_eq!(s["officer"], "县民政");
    let history = env.ok(&["case", "history", &id, "--now", T0]);
    assert!(
        history.contains(
            "移交：shijia_town（石家镇） → county_civil_affairs（清河县民政局），承办人 县民政；备注：移送民政部门评估"
        ),
        "{history}"
    );
    // The station no longer covers it; the bureau does.
    env.fails(&as_user("石家所", &["case", "show", &id, "--now", T0]), 1);
    env.ok(&as_user("县民政", &["case", "show", &id, "--now", T0]));
    // One county to another.
    env.ok(&as_user(
        "县民政",
        &[
            "case",
            "transfer",
            &id,
            "--to",
            "linxian_civil_affairs",
            "--as",
            "civil_affairs",
            "--now",
            T0,
        ],
    ));
    env.ok(&as_user("临县民政", &["case", "show", &id, "--now", T0]));
    env.fails(&as_user("县民政", &["case", "show", &id, "--now", T0]), 1);
}

#[test]
fn spawned_cases_stay_with_the_unit_of_the_case_they_came_from() {
    let env = env();
    let id = care_case(&env, "dongxi_village");
    common::advance(
        &env,
        &id,
        "sign_agreement",
        "village_committee",
        &[
            ("carer.name", "王奶奶"),
            ("carer.birth_date", "1960-03-02"),
            ("carer.relation", "grandparent"),
            ("departure_at", "2026-11-20T08:00:00+08:00"),
        ],
        T0,
    );
    let out = advance(
        &env,
        &id,
        "escalate",
        "police",
        &[("concern", "无人照看")],
        T0,
    );
    let s = env.show_json(&id);
    let child = s["spawned"][0]["case"]
        .as_str()
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(env.show_json(child)["unit"], "dongxi_village");
}

#[test]
fn a_disabled_or_unknown_user_can_neither_act_nor_read_and_history_keeps_the_name() {
    let env = env();
    add_user(
        &env,
        "李四",
        &["parent", "village_committee"],
        "shijia_village",
    );
    let args = command(
        &[
            "case",
            "open",
            "example-care",
            "--as",
            "parent",
            "--user",
            "李四",
            "--set",
            "child.name=小明",
            "--set",
            "child.birth_date=2018-05-01",
        ],
        &[("parent.name", "李强")],
        T0,
    );
    let id = env.ok(&refs(&args)).trim().to_owned();
    env.ok(&["user", "disable", "李四", "--now", T0]);
    let err = env.fails(&refs(&args), 1);
    assert_eq!(err, "错误：用户 李四 已停用，不能操作或查阅案件。\n");
    env.fails(&as_user("李四", &["case", "show", &id, "--now", T0]), 1);
    let err = env.fails(&as_user("王五", &["case", "show", &id, "--now", T0]), 1);
    assert!(err.contains("用户 王五 未登记"), "{err}");
    let users: Value =
        serde_json::from_str(&env.ok(&["user", "list", "--json", "--now", T0])).expect("JSON");
    let li = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["user"] == "李四")
        .expect("李四 is still listed");
    assert_eq!(li["enabled"], false);
    let history: Value =
        serde_json::from_str(&env.ok(&["case", "history", &id, "--json", "--now", T0]))
            .expect("JSON");
    assert_eq!(history[0]["actor"], "李四");
    // Only an administrator manages users.
    add_user(&env, "赵六", &["police"], "county");
    env.fails(
        &as_user(
            "赵六",
            &[
                "user", "add", "钱七", "--role", "police", "--unit", "county", "--now", T0,
            ],
        ),
        1,
    );
    env.fails(
        &as_user("赵六", &["user", "disable", "张三", "--now", T0]),
        1,
    );
    // Bad input names what is wrong.
    let err = env.fails(
        &[
            "user", "add", "钱七", "--role", "polce", "--unit", "county", "--now", T0,
        ],
        2,
    );
    assert!(err.contains("polce") && err.contains("police"), "{err}");
    let err = env.fails(
        &[
            "user", "add", "钱七", "--role", "police", "--unit", "countty", "--now", T0,
        ],
        2,
    );
    assert!(err.contains("countty") && err.contains("county"), "{err}");
    env.fails(
        &[
            "user", "add", "李四", "--role", "police", "--unit", "county", "--now", T0,
        ],
        2,
    );
}

#[test]
fn the_reporter_is_hidden_from_a_school_user_in_every_output_format() {
    let env = env();
    let id = accepted_report(&env);
    add_user(&env, "校长", &["school"], "county");
    add_user(&env, "民警", &["police"], "county");
    let secrets = ["王老师", "黔江区城东小学", "13800001111"];
    let outputs = [
        env.ok(&as_user("校长", &["case", "show", &id, "--now", T0])),
        env.ok(&as_user(
            "校长",
            &["case", "show", &id, "--json", "--now", T0],
        )),
        env.ok(&as_user("校长", &["case", "history", &id, "--now", T0])),
        env.ok(&as_user(
            "校长",
            &["case", "history", &id, "--json", "--now", T0],
        )),
        env.en()
            .ok(&as_user("校长", &["case", "show", &id, "--now", T0])),
        env.en()
            .ok(&as_user("校长", &["case", "history", &id, "--now", T0])),
        env.ok(&as_user("校长", &["case", "list", "--json", "--now", T0])),
    ];
    for out in &outputs {
        for secret in secrets {
            assert!(!out.contains(secret), "{secret} leaked:\n{out}");
        }
    }
    assert!(
        outputs[0].contains("reporter.name（报告人姓名（保密））: （保密）"),
        "{}",
        outputs[0]
    );
    let json: Value = serde_json::from_str(&outputs[1]).expect("JSON");
    assert_eq!(json["data"]["reporter.name"], "(confidential)");
    assert_eq!(json["data"]["child.name"], "张小花");
    assert!(outputs[4].contains("(confidential)"), "{}", outputs[4]);
    // The receipt that names the reporter is not shown to the school.
    let err = env.fails(
        &as_user(
            "校长",
            &[
                "letter",
                "preview",
                &id,
                "report-receipt",
                "--as",
                "police",
                "--letters",
                concat!(env!("CARGO_MANIFEST_DIR"), "/letters"),
                "--now",
                T0,
            ],
        ),
        1,
    );
    assert!(
        err.contains("report-receipt") && err.contains("police、civil_affairs"),
        "{err}"
    );
    // Nor may the school write the reporter's fields.
    let err = env.fails(
        &as_user(
            "校长",
            &[
                "case",
                "amend",
                &id,
                "--as",
                "school",
                "--set",
                "reporter.name=李老师",
                "--reason",
                "更正",
                "--now",
                T0,
            ],
        ),
        1,
    );
    assert!(err.contains("reporter.name"), "{err}");
    // The police see the reporter.
    let police = env.ok(&as_user(
        "民警",
        &["case", "show", &id, "--json", "--now", T0],
    ));
    let json: Value = serde_json::from_str(&police).expect("JSON");
    assert_eq!(json["data"]["reporter.name"], "王老师");
}

#[test]
fn every_read_is_in_the_access_log_allowed_or_refused() {
    let env = env();
    let id = care_case(&env, "dongxi_village");
    add_user(&env, "村干部", &["village_committee"], "shijia_village");
    env.ok(&["case", "show", &id, "--now", T0]);
    env.ok(&["case", "history", &id, "--now", T0]);
    env.fails(&as_user("村干部", &["case", "show", &id, "--now", T0]), 1);
    env.fails(
        &as_user("nobody", &["case", "history", &id, "--now", T0]),
        1,
    );
    let log: Value =
        serde_json::from_str(&env.ok(&["audit", "--case", &id, "--json", "--now", T0]))
            .expect("JSON");
    let entries: Vec<(String, String, bool)> = log
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["user"].as_str().expect("user").to_owned(),
                e["action"].as_str().expect("action").to_owned(),
                e["allowed"].as_bool().expect("allowed"),
            )
        })
        .collect();
    // `fails` itself dumps the database (reads by 张三) before and after each refusal.
    for expected in [
        ("张三".to_owned(), "show".to_owned(), true),
        ("张三".to_owned(), "history".to_owned(), true),
        ("村干部".to_owned(), "show".to_owned(), false),
        ("nobody".to_owned(), "history".to_owned(), false),
    ] {
        assert!(
            entries.contains(&expected),
            "{expected:?} not in {entries:?}"
        );
    }
    let refused = log
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["user"] == "村干部")
        .expect("refused read");
    assert!(
        refused["reason"]
            .as_str()
            .is_some_and(|r| r.contains("东西村")),
        "{refused}"
    );
    let by_user = env.ok(&["audit", "--reader", "村干部", "--now", T0]);
    // The table's header and rule, then the one read.
    assert_eq!(by_user.lines().count(), 3, "{by_user}");
    assert!(by_user.contains("拒绝"), "{by_user}");
    // Only an administrator reads the log.
    env.fails(&as_user("村干部", &["audit", "--now", T0]), 1);
}

#[test]
fn sensitive_fields_never_reach_messages_the_access_log_or_the_runner_output() {
    let env = env();
    let id = accepted_report(&env);
    // A malformed identity number: the message names the field, never the value.
    let err = env.fails(
        &[
            "case",
            "amend",
            &id,
            "--as",
            "police",
            "--set",
            "child.id_number=11010519491231002Y",
            "--reason",
            "补录",
            "--now",
            T0,
        ],
        2,
    );
    assert!(
        err.contains("child.id_number") && !err.contains("11010519491231002Y"),
        "{err}"
    );
    env.ok(&["case", "show", &id, "--now", T0]);
    let tick = env.ok(&["timers", "tick", "--now", "2026-12-30T10:00:00+08:00"]);
    let audit = env.ok(&["audit", "--json", "--now", "2026-12-30T10:00:00+08:00"]);
    for out in [&tick, &audit] {
        for secret in ["王老师", "黔江区城东小学", "13800001111"] {
            assert!(!out.contains(secret), "{secret} leaked:\n{out}");
        }
    }
    // Nothing else is written beside the database but the access side file, folded by now.
    let side = env.db().with_extension("redb.access");
    let pending = std::fs::read_to_string(&side).unwrap_or_default();
    assert!(!pending.contains("王老师"), "{pending}");
}

#[test]
fn units_come_from_a_file_and_a_bad_one_changes_nothing() {
    let env = env();
    let units = env.ok(&["unit", "list", "--now", T0]);
    assert!(
        units
            .contains("shijia_police  石家派出所  police_station  county_psb，另覆盖：shijia_town"),
        "{units}"
    );
    let bad = env.write_file(
        "bad-units.yaml",
        "units:\n  - { id: city, name: 市, kind: city }\n  - { id: town, name: 镇, kind: township, parent: cty }\n",
    );
    let err = env.fails(&["unit", "load", &bad, "--now", T0], 2);
    assert!(
        err.contains("bad-units.yaml:3:") && err.contains("cty"),
        "{err}"
    );
    // Dropping a unit that users still belong to is refused.
    add_user(&env, "村干部", &["village_committee"], "shijia_village");
    let smaller = env.write_file(
        "smaller.yaml",
        "units:\n  - { id: city, name: 示例市, kind: city }\n",
    );
    let err = env.fails(&["unit", "load", &smaller, "--now", T0], 2);
    assert!(err.contains("shijia_village"), "{err}");
}
