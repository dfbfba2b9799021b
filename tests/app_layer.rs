//! Every use case has an owner (issue #16 item 2), end to end: the database-wide commands run
//! only for a registered, enabled user in the right role, and every refusal is in the access
//! log, like a refused read.

mod common;

use common::{T0, TestEnv};
use serde_json::Value;

/// A simulation database (the administrator 张三 from `tests/common`), a police officer 李四,
/// an auditor 审计员, a backup and an export made by the administrator.
fn env() -> TestEnv {
    let env = TestEnv::new();
    env.init_simulation(T0);
    for (name, role, unit) in [
        ("李四", "police", "shijia_police"),
        ("审计员", "auditor", "county"),
    ] {
        env.ok(&[
            "user", "add", name, "--role", role, "--unit", unit, "--now", T0,
        ]);
    }
    env.ok(&["backup", "--out", "saved.redb"]);
    let export = env.ok(&["export", "--now", T0]);
    env.write_file("all.jsonl", export);
    env
}

/// Every database-wide command, as it would be typed (each with the simulation clock).
const COMMANDS: &[&[&str]] = &[
    &["export"],
    &["backup", "--out", "copy.redb"],
    &["restore", "saved.redb", "--force"],
    &["verify"],
    &["check"],
    &["timers", "tick"],
    &["audit"],
];

fn as_user<'a>(user: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut out = args.to_vec();
    out.extend(["--user", user, "--now", T0]);
    out
}

/// The refusals in the access log, as (user, action).
fn refusals(env: &TestEnv) -> Vec<(String, String)> {
    let log: Value =
        serde_json::from_str(&env.ok(&["audit", "--json", "--now", T0])).expect("JSON");
    log.as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["allowed"] == false)
        .map(|e| {
            (
                e["user"].as_str().unwrap_or_default().to_owned(),
                e["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_unknown_user_is_refused_every_database_wide_command_and_each_refusal_is_logged() {
    let env = env();
    let before = env.db_dump();
    for args in COMMANDS {
        let err = env.fails(&as_user("nobody", args), 1);
        assert!(err.contains("nobody"), "{args:?}: {err}");
    }
    let target = env.root().join("new.redb");
    let target = target.to_str().expect("utf-8 path");
    let err = env.fails(
        &as_user("nobody", &["--db", target, "import", "all.jsonl"]),
        1,
    );
    assert!(err.contains("nobody"), "{err}");
    assert!(
        !std::path::Path::new(target).exists(),
        "a refused import left a database"
    );
    assert!(
        !env.root().join("copy.redb").exists(),
        "a refused backup left a copy"
    );
    assert_eq!(before, env.db_dump(), "a refusal changed the database");
    let logged = refusals(&env);
    for action in [
        "export",
        "backup",
        "restore",
        "verify",
        "check",
        "timers:tick",
        "audit",
    ] {
        assert!(
            logged.contains(&("nobody".to_owned(), action.to_owned())),
            "{action} not logged: {logged:?}"
        );
    }
}

#[test]
fn a_caseworker_is_refused_every_database_wide_command_in_both_languages() {
    let env = env();
    let before = env.db_dump();
    for args in COMMANDS {
        let err = env.fails(&as_user("李四", args), 1);
        assert!(
            err.contains("李四") && err.contains("管理员"),
            "{args:?}: {err}"
        );
        let out = env.en().run(&as_user("李四", args));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("administrator"), "{args:?}: {err}");
    }
    let target = env.root().join("new.redb");
    let target = target.to_str().expect("utf-8 path");
    env.fails(
        &as_user("李四", &["--db", target, "import", "all.jsonl"]),
        1,
    );
    assert!(!std::path::Path::new(target).exists());
    assert_eq!(before, env.db_dump(), "a refusal changed the database");
    assert!(refusals(&env).iter().filter(|(u, _)| u == "李四").count() >= COMMANDS.len() * 2);
}

#[test]
fn the_auditor_verifies_checks_and_reads_the_log_but_may_not_export_or_run_the_timers() {
    let env = env();
    for args in [&["verify"][..], &["check"], &["audit"]] {
        env.ok(&as_user("审计员", args));
    }
    for args in [
        &["export"][..],
        &["timers", "tick"],
        &["backup", "--out", "a.redb"],
    ] {
        let err = env.fails(&as_user("审计员", args), 1);
        assert!(err.contains("不是管理员"), "{args:?}: {err}");
    }
    // The role is granted by name, never by `*`.
    env.ok(&[
        "user", "add", "全能", "--role", "*", "--unit", "county", "--now", T0,
    ]);
    let err = env.fails(&as_user("全能", &["verify"]), 1);
    assert!(err.contains("审计员（auditor）"), "{err}");
}

#[test]
fn nobody_may_be_granted_the_system_role() {
    let env = env();
    let err = env.fails(
        &[
            "user", "add", "王", "--role", "system", "--unit", "county", "--now", T0,
        ],
        2,
    );
    assert!(err.contains("system"), "{err}");
}
