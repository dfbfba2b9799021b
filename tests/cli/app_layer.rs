//! Every use case has an owner (issue #16 item 2), end to end: the database-wide commands run
//! only for a registered, enabled user in the right role, and every refusal is in the access
//! log, like a refused read.

use crate::common;

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
    env.ok(&["backup", "--plain", "--out", "saved.redb"]);
    let export = env.ok(&["export", "--plain", "--now", T0]);
    env.write_file("all.jsonl", export);
    env
}

/// Every database-wide command, as it would be typed (each with the simulation clock).
const COMMANDS: &[&[&str]] = &[
    &["export", "--plain"],
    &["backup", "--plain", "--out", "copy.redb"],
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
        &as_user(
            "nobody",
            &["--db", target, "import", "all.jsonl", "--simulation"],
        ),
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
        &as_user(
            "李四",
            &["--db", target, "import", "all.jsonl", "--simulation"],
        ),
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
        &["export", "--plain"][..],
        &["timers", "tick"],
        &["backup", "--plain", "--out", "a.redb"],
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

/// What a front-end file may not name: the storage layer (the engine's `store` module, redb),
/// the pure step and the authority checks. A command that named them could act around the
/// office's rules; only `src/cli/office.rs`, which opens the database, names the store.
const BELOW_THE_DOOR: &[&str] = &[
    "store::",
    "Store",
    "redb::",
    "use redb",
    "step::",
    "authority::",
];

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("reads src/cli");
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The words of `BELOW_THE_DOOR` in `text`, by line ("Store" only as a whole word).
fn names_below(text: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for word in BELOW_THE_DOOR {
            let hit = line.match_indices(word).any(|(i, _)| {
                *word != "Store" || {
                    let before = line[..i].chars().next_back();
                    let after = line[i + word.len()..].chars().next();
                    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    !part(before) && !part(after)
                }
            });
            if hit {
                found.push((n + 1, *word));
            }
        }
    }
    found
}

#[test]
fn no_front_end_command_reaches_below_the_application_layer() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 20, "{files:?}");
    let mut offenders = Vec::new();
    for file in &files {
        if file.ends_with("office.rs") && file.parent() == Some(root.as_path()) {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("reads a source file");
        for (line, word) in names_below(&text) {
            offenders.push(format!("{}:{line} names {word}", file.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "front-end files must go through wardflow_engine::app:\n{}",
        offenders.join("\n")
    );
    // The scan itself finds what it looks for.
    assert_eq!(
        names_below("use wardflow_engine::store::Store;\nlet s = Store::open(p);\n// Stored"),
        [(1, "store::"), (1, "Store"), (2, "Store")]
    );
    assert_eq!(names_below("use redb::Database;")[0].1, "redb::");
}

/// Whether a file under `src/cli/<from>/` uses the sibling command group `to`
/// (`super::super::to`, `super::to` from `mod.rs`, or `crate::cli::to`).
fn uses_group(text: &str, to: &str) -> bool {
    [
        format!("super::super::{to}::"),
        format!("super::super::{{{to}"),
        format!("super::super::{{Ctx, {to}"),
        format!("super::{to}::"),
        format!("crate::cli::{to}::"),
    ]
    .iter()
    .any(|p| text.contains(p.as_str()))
        || text
            .lines()
            .any(|l| l.starts_with("use super::super::{") && l.contains(&format!(" {to},")))
}

#[test]
fn the_case_and_letter_commands_do_not_import_each_other() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut offenders = Vec::new();
    for (from, to) in [("case", "letter"), ("letter", "case")] {
        let mut files = Vec::new();
        rust_files(&root.join(from), &mut files);
        assert!(files.len() > 3, "{files:?}");
        for file in &files {
            let text = std::fs::read_to_string(file).expect("reads a source file");
            if uses_group(&text, to) {
                offenders.push(format!("{} uses cli::{to}", file.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "shared helpers belong in a module both use (src/cli/mod.rs, src/cli/issued.rs):\n{}",
        offenders.join("\n")
    );
    // The scan finds both forms the cycle had.
    assert!(uses_group("use super::super::case::case_id;", "case"));
    assert!(uses_group(
        "use super::super::{Ctx, letter, parse_time, print_json};",
        "letter"
    ));
    assert!(!uses_group(
        "use wardflow_engine::letters::Renderer;",
        "letter"
    ));
}
