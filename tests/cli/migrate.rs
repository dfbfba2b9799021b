//! `wardflow workflow migrate` (#17 item 14): running cases move to a corrected version of
//! their workflow with an explicit state mapping, checked before anything changes, recorded in
//! each history, and reversible by another migration.

use crate::common;

use common::{T0, TestEnv};

const T1: &str = "2026-11-24T09:00:00+08:00";
const T2: &str = "2026-11-25T09:00:00+08:00";
const T3: &str = "2026-11-26T09:00:00+08:00";

/// example-care with the state `entrusted` renamed `in_care` and the deadline
/// `entrustment_term` renamed `care_term`: a second version that running cases cannot use
/// as they are.
fn renamed_care(env: &TestEnv) -> String {
    let path = env.workflows_dir().join("example-care.yaml");
    let source = std::fs::read_to_string(&path).expect("read example-care");
    let edited = source
        .replace("  entrusted: { title:", "  in_care: { title:")
        .replace("to: entrusted\n", "to: in_care\n")
        .replace("[entrusted, ", "[in_care, ")
        .replace("[entrusted]", "[in_care]")
        .replace("entrustment_term", "care_term");
    assert!(
        !edited.contains("entrusted\n") && !edited.contains("[entrusted"),
        "the example changed; update this test"
    );
    edited
}

/// Two cases on v1 (one entrusted with its deadlines, one just registered) and a v2 that
/// renames the state: (entrusted case, registered case).
fn two_versions() -> (TestEnv, String, String) {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let entrusted = env.open_xiaoming(T0);
    env.sign_agreement(&entrusted, T0);
    let registered = env.open_xiaoming(T0);
    env.write_workflow("example-care.yaml", renamed_care(&env));
    let out = env.ok(&["workflow", "publish", "--now", T1]);
    assert!(out.contains("已发布 example-care 第 2 版"), "{out}");
    (env, entrusted, registered)
}

fn migrate<'a>(cases: &[&'a str], extra: &[&'a str]) -> Vec<String> {
    let mut args: Vec<String> = ["workflow", "migrate", "example-care"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for c in cases {
        args.push("--case".into());
        args.push((*c).to_owned());
    }
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

#[test]
fn a_dry_run_says_what_happens_to_each_case_and_changes_nothing() {
    let (env, a, b) = two_versions();
    let before = env.db_dump();
    let out = env
        .wardflow(migrate(
            &[&a, &b],
            &[
                "--to-version",
                "2",
                "--map",
                "entrusted=in_care",
                "--dry-run",
                "--reason",
                "状态更名",
                "--now",
                T2,
            ],
        ))
        .ok();
    assert_eq!(before, env.db_dump(), "a dry run changed the database");
    assert!(
        out.starts_with("试运行：流程 example-care 迁移至版本 2"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "案件 {a}：版本 1 → 2，状态 entrusted → in_care（委托照护中）"
        )),
        "{out}"
    );
    assert!(out.contains("保留期限：weekly_contact"), "{out}");
    assert!(out.contains("撤销期限：entrustment_term"), "{out}");
    assert!(
        out.contains(&format!(
            "案件 {b}：版本 1 → 2，状态 registered → registered"
        )),
        "{out}"
    );
    let en = env
        .wardflow(migrate(
            &[&a],
            &[
                "--to-version",
                "2",
                "--map",
                "entrusted=in_care",
                "--dry-run",
                "--reason",
                "rename",
                "--now",
                T2,
            ],
        ))
        .en()
        .ok();
    assert!(en.contains("Dry run: workflow example-care"), "{en}");
    assert!(en.contains("deadlines cancelled: entrustment_term"), "{en}");
    assert_eq!(env.show_json(&a)["version"], 1);
    assert_eq!(env.show_json(&a)["state"], "entrusted");
}

#[test]
fn every_problem_is_listed_and_no_case_moves() {
    let (env, a, b) = two_versions();
    // No mapping for a state v2 lacks, a mapping to a state it lacks, a case given twice.
    let err = env
        .wardflow(migrate(
            &[&a, &b, &b],
            &[
                "--to-version",
                "2",
                "--map",
                "registered=nowhere",
                "--reason",
                "状态更名",
                "--now",
                T2,
            ],
        ))
        .refused();
    assert!(err.contains("迁移未执行"), "{err}");
    assert!(
        err.contains(&format!("案件 {a} 的状态 entrusted 在目标版本中不存在")),
        "{err}"
    );
    assert!(err.contains("目标版本没有状态 nowhere"), "{err}");
    assert!(err.contains(&format!("案件 {b} 被指定了两次")), "{err}");
    // Closed cases and versions that do not exist are refused too.
    let err = env
        .wardflow(migrate(
            &[&a],
            &["--to-version", "9", "--reason", "r", "--now", T2],
        ))
        .refused();
    assert!(err.contains("没有发布过版本 9"), "{err}");
    let err = env
        .wardflow(migrate(
            &[&a],
            &[
                "--to-version",
                "2",
                "--map",
                "entrusted=closed",
                "--reason",
                "r",
                "--now",
                T2,
            ],
        ))
        .en()
        .refused();
    assert!(err.contains("closed is a final state"), "{err}");
    // Only administrators migrate.
    env.wardflow(migrate(
        &[&a],
        &[
            "--to-version",
            "2",
            "--map",
            "entrusted=in_care",
            "--reason",
            "r",
            "--now",
            T2,
        ],
    ))
    .user("nobody")
    .refused();
    let log: serde_json::Value =
        serde_json::from_str(&env.ok(&["audit", "--reader", "nobody", "--json", "--now", T2]))
            .expect("JSON");
    let refusals: Vec<&serde_json::Value> = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "workflow:migrate" && e["allowed"] == false)
        .collect();
    assert_eq!(refusals.len(), 1, "the refusal is logged once: {log:#}");
    // A bad mapping is bad input.
    env.wardflow(migrate(
        &[&a],
        &[
            "--to-version",
            "2",
            "--map",
            "entrusted",
            "--reason",
            "r",
            "--now",
            T2,
        ],
    ))
    .fails(2);
}

#[test]
fn migrate_records_it_in_the_history_verifies_and_migrates_back() {
    let (env, a, b) = two_versions();
    let out = env
        .wardflow(migrate(
            &[&a, &b],
            &[
                "--to-version",
                "2",
                "--map",
                "entrusted=in_care",
                "--reason",
                "状态更名",
                "--now",
                T2,
            ],
        ))
        .ok();
    assert!(out.starts_with("流程 example-care 已迁移至版本 2"), "{out}");
    let show = env.show_json(&a);
    assert_eq!(show["version"], 2);
    assert_eq!(show["state"], "in_care");
    assert_eq!(env.show_json(&b)["version"], 2);
    assert_eq!(env.show_json(&b)["state"], "registered");
    let history = env.ok(&["case", "history", &a]);
    assert!(history.contains("迁移流程版本：版本 "), "{history}");
    assert!(history.contains("理由：状态更名"), "{history}");
    assert!(
        history.contains("entrustment_term") && history.contains("迁移后的流程版本不再设定此期限"),
        "{history}"
    );
    let en = env.en().ok(&["case", "history", &a]);
    assert!(en.contains("migrated: version "), "{en}");
    assert!(en.contains("reason: 状态更名"), "{en}");
    env.ok(&["verify"]);
    env.ok(&["check"]);

    // The case moves on by v2's rules.
    env.ok(&[
        "case",
        "advance",
        &a,
        "log_contact",
        "--as",
        "parent",
        "--now",
        T2,
    ]);
    assert_eq!(env.show_json(&a)["state"], "in_care");

    // Back again, by another migration.
    env.wardflow(migrate(
        &[&a],
        &[
            "--to-version",
            "1",
            "--map",
            "in_care=entrusted",
            "--reason",
            "撤回迁移",
            "--now",
            T3,
        ],
    ))
    .ok();
    let show = env.show_json(&a);
    assert_eq!(show["version"], 1);
    assert_eq!(show["state"], "entrusted");
    env.ok(&["verify"]);
    env.ok(&["check"]);

    // An export with migrations imports (each event checked against its own version).
    let export = env.ok(&["export", "--plain"]);
    env.write_file("e.jsonl", &export);
    let copy = env.root().join("copy.redb");
    let copy = copy.to_str().expect("utf-8");
    let done = env.ok(&["--db", copy, "import", "e.jsonl", "--simulation"]);
    assert!(done.contains("已导入"), "{done}");
    env.ok(&["--db", copy, "check"]);
    assert_eq!(env.ok(&["--db", copy, "export", "--plain"]), export);
}

#[test]
fn all_running_moves_every_running_case_not_on_the_target() {
    let (env, a, b) = two_versions();
    let out = env
        .wardflow([
            "workflow",
            "migrate",
            "example-care",
            "--all-running",
            "--to-version",
            "2",
            "--map",
            "entrusted=in_care",
            "--reason",
            "全部迁移",
            "--now",
            T2,
            "--json",
        ])
        .ok();
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let moved: Vec<&str> = json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["case"].as_str())
        .collect();
    assert!(
        moved.contains(&a.as_str()) && moved.contains(&b.as_str()),
        "{json:#}"
    );
    assert_eq!(json["to_version"], 2);
    // Nothing left to move.
    let again = env
        .wardflow([
            "workflow",
            "migrate",
            "example-care",
            "--all-running",
            "--to-version",
            "2",
            "--reason",
            "再次",
            "--now",
            T3,
        ])
        .ok();
    assert!(again.contains("没有需要迁移的在办案件"), "{again}");
}
