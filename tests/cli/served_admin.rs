//! The administrative commands as clients of `wardflow serve` (issue 19): `user`, `token`,
//! `audit`, `backup`, `unit`, `publish` and `workflow list|show|publish|migrate` with
//! `--server` print what they print embedded, with the same exit codes; a non-administrator
//! is refused by the server, logged, and nothing changes; one's own password over a server
//! needs the current one.

use serde_json::Value;

use crate::common::{T0, TestEnv, USER};
use crate::serve::{PASSWORD, Served, env, token};

/// Runs `args` through the server at `url` with `token` (English, so the words can be read).
fn served(env: &TestEnv, url: &str, token: &str, args: &[&str]) -> crate::common::Outcome {
    env.wardflow(args.iter().copied())
        .args(["--server", url])
        .var("WARDFLOW_TOKEN", token)
        .en()
        .run()
}

/// Runs `args` embedded, in English.
fn embedded(env: &TestEnv, args: &[&str]) -> crate::common::Outcome {
    env.wardflow(args.iter().copied()).en().run()
}

/// The repository's example units file, copied into the test's directory; its name there.
fn units_file(env: &TestEnv) -> String {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("units/example.yaml");
    env.write_file(
        "units.yaml",
        std::fs::read(source).expect("units/example.yaml"),
    )
}

/// Exit code, standard output and standard error as text.
fn seen(out: &crate::common::Outcome) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Everything stored but the access log (which records the refusals).
fn stored(env: &TestEnv) -> String {
    env.db_dump()
        .lines()
        .filter(|l| !l.starts_with(r#"{"type":"access""#))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The access log's entries, as (user, action, allowed).
fn log(env: &TestEnv) -> Vec<(String, String, bool)> {
    let log: Value =
        serde_json::from_str(&env.ok(&["audit", "--json", "--now", T0])).expect("audit JSON");
    log.as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["user"].as_str().unwrap_or_default().to_owned(),
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["allowed"] == true,
            )
        })
        .collect()
}

#[test]
fn the_administrative_reads_print_the_same_over_a_server_as_embedded() {
    let env = env();
    let (admin, _) = token(&env, &["--label", "为测试", "--now", T0]);
    let reads: &[&[&str]] = &[
        &["user", "list"],
        &["user", "list", "--json"],
        &["token", "list"],
        &["token", "list", "--json"],
        &["unit", "list"],
        &["unit", "list", "--json"],
        &["publish", "list"],
        &["publish", "list", "--json"],
        &["workflow", "list"],
        &["workflow", "list", "--json"],
        &["workflow", "show", "example-care"],
        &["workflow", "show", "example-care", "--json"],
        &["workflow", "show", "no-such-workflow"],
        &["user", "list", "--lang", "zh-CN"],
        &["key", "show"],
        &["key", "show", "--json"],
    ];
    let before: Vec<_> = reads.iter().map(|a| seen(&embedded(&env, a))).collect();
    let server = Served::start(&env);
    for (args, embedded) in reads.iter().zip(&before) {
        let remote = seen(&served(&env, &server.url, &admin, args));
        assert_eq!(&remote, embedded, "{args:?} differs over the server");
    }
    // The access log over the server: the same entries as embedded shows them, but the
    // server logs each request's token use, so only the filtered form is compared.
    let audit = served(
        &env,
        &server.url,
        &admin,
        &["audit", "--reader", "王五", "--json"],
    );
    server.stop();
    let embedded_audit = embedded(&env, &["audit", "--reader", "王五", "--json"]);
    assert_eq!(seen(&audit), seen(&embedded_audit));
}

#[test]
fn administrative_changes_over_a_server_are_done_by_the_server_and_printed_as_embedded() {
    let env = env();
    let (admin, _) = token(&env, &["--now", T0]);
    let server = Served::start(&env);
    let url = server.url.clone();
    let ok = |args: &[&str]| -> String {
        let out = served(&env, &url, &admin, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let added: Value = serde_json::from_str(&ok(&[
        "user",
        "add",
        "赵六",
        "--role",
        "police",
        "--unit",
        "shijia_police",
        "--json",
    ]))
    .expect("JSON");
    assert_eq!(added, serde_json::json!({"user": "赵六", "added": true}));
    assert_eq!(
        ok(&[
            "user", "roles", "赵六", "--role", "police", "--role", "auditor"
        ]),
        "user 赵六 now has the roles: police, auditor.\n"
    );
    assert_eq!(
        ok(&["user", "disable", "赵六"]),
        "disabled user 赵六; the history keeps their name.\n"
    );
    let list: Value = serde_json::from_str(&ok(&["user", "list", "--json"])).expect("JSON");
    let row = list
        .as_array()
        .expect("rows")
        .iter()
        .find(|u| u["user"] == "赵六")
        .expect("赵六 listed")
        .clone();
    assert_eq!(row["enabled"], false);
    assert_eq!(row["roles"], serde_json::json!(["police", "auditor"]));
    assert_eq!(
        ok(&["user", "enable", "赵六"]),
        "user 赵六 is enabled again.\n"
    );
    let unlocked: Value =
        serde_json::from_str(&ok(&["user", "unlock", "赵六", "--json"])).expect("JSON");
    assert_eq!(unlocked["unlocked"], false);
    // A token for another user, shown once, then revoked.
    let made: Value = serde_json::from_str(&ok(&[
        "token",
        "create",
        "--for",
        "李四",
        "--label",
        "警务系统",
        "--json",
    ]))
    .expect("JSON");
    let id = made["id"].as_str().expect("id").to_owned();
    assert!(made["token"].as_str().is_some_and(|t| t.starts_with("wf_")));
    assert!(ok(&["token", "revoke", &id]).contains(&id));
    // The copy is written by the server, on its disk.
    let copy = env.root().join("served-copy.redb");
    let copy_text = copy.display().to_string();
    let done: Value =
        serde_json::from_str(&ok(&["backup", "--out", &copy_text, "--plain", "--json"]))
            .expect("JSON");
    assert_eq!(done["backup"], copy_text.as_str());
    assert_eq!(done["encrypted"], false);
    assert!(copy.exists());
    assert_eq!(
        done["bytes"].as_u64(),
        Some(std::fs::metadata(&copy).expect("copy").len())
    );
    // Rotated copies in a directory of the server's.
    let dir = env.root().join("nightly");
    std::fs::create_dir(&dir).expect("dir");
    let rotated: Value = serde_json::from_str(&ok(&[
        "backup",
        "--dir",
        &dir.display().to_string(),
        "--keep",
        "2",
        "--plain",
        "--json",
    ]))
    .expect("JSON");
    assert_eq!(rotated["removed"], serde_json::json!([]));
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 1);
    // Configuration and workflows, sent by the client from its files.
    let units_file = units_file(&env);
    let letters = ok(&["publish", "letters"]);
    let units = ok(&["unit", "load", &units_file, "--json"]);
    let workflows = ok(&["workflow", "publish"]);
    let dry = ok(&[
        "workflow",
        "migrate",
        "example-care",
        "--to-version",
        "1",
        "--all-running",
        "--dry-run",
        "--reason",
        "试迁移",
    ]);
    server.stop();
    // Embedded, the same again prints the same (nothing new to publish, nothing to move).
    for (args, remote) in [
        (&["publish", "letters"][..], &letters),
        (&["unit", "load", &units_file, "--json"][..], &units),
        (&["workflow", "publish"][..], &workflows),
        (
            &[
                "workflow",
                "migrate",
                "example-care",
                "--to-version",
                "1",
                "--all-running",
                "--dry-run",
                "--reason",
                "试迁移",
            ][..],
            &dry,
        ),
    ] {
        let here = embedded(&env, args);
        assert_eq!(
            (
                here.status.code(),
                &String::from_utf8_lossy(&here.stdout).into_owned()
            ),
            (Some(0), remote),
            "{args:?}"
        );
    }
    let users = env.ok(&["user", "list", "--json"]);
    assert!(users.contains("赵六"), "{users}");
}

#[test]
fn a_non_administrator_over_a_server_is_refused_logged_and_nothing_changes() {
    let env = env();
    let (police, _) = token(&env, &["--for", "李四", "--now", T0]);
    let before = stored(&env);
    let server = Served::start(&env);
    let copy = env.root().join("police-copy.redb");
    let copy_text = copy.display().to_string();
    let units = units_file(&env);
    for args in [
        &["export", "--plain"][..],
        &["backup", "--out", &copy_text, "--plain"][..],
        &["user", "add", "赵六", "--role", "admin", "--unit", "county"][..],
        &["user", "disable", "王五"][..],
        &["user", "roles", "李四", "--role", "admin"][..],
        &["user", "unlock", "王五"][..],
        &["token", "create", "--for", USER][..],
        &["unit", "load", &units][..],
        &["publish", "letters"][..],
        &["workflow", "publish"][..],
        &[
            "workflow",
            "migrate",
            "example-care",
            "--to-version",
            "1",
            "--all-running",
            "--reason",
            "越权",
        ][..],
    ] {
        let out = served(&env, &server.url, &police, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("李四"), "{args:?}: {err}");
    }
    server.stop();
    assert!(!copy.exists());
    assert_eq!(stored(&env), before, "a refusal changed the database");
    let log = log(&env);
    for action in [
        "export",
        "backup",
        "user:add",
        "user:disable",
        "user:roles",
        "user:unlock",
        "unit:load",
        "publish",
        "workflow:publish",
    ] {
        assert!(
            log.iter()
                .any(|(u, a, allowed)| u == "李四" && a.starts_with(action) && !allowed),
            "no refusal of {action} logged: {log:?}"
        );
    }
}

#[test]
fn ones_own_password_over_a_server_needs_the_current_one() {
    let env = env();
    let (police, _) = token(&env, &["--for", "李四", "--now", T0]);
    let (admin, _) = token(&env, &["--now", T0]);
    let new = "a new password for 李四";
    let server = Served::start(&env);
    let password = |token: &str, stdin: String| {
        env.wardflow(["user", "password", "李四", "--password-stdin", "--json"])
            .args(["--server", &server.url])
            .var("WARDFLOW_TOKEN", token)
            .en()
            .stdin(stdin)
            .run()
    };
    // Without the current password: bad input, naming what is missing.
    let out = password(&police, format!("{new}\n"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let error: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(error["key"], "old_password");
    // A wrong current password: refused as a failed sign-in.
    let out = password(&police, format!("{new}\nnot the password\n"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let error: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(error["message"], "wrong user name or password.");
    // It counts as a failed sign-in of the account (back-off): there is one to unlock.
    let unlocked = served(
        &env,
        &server.url,
        &admin,
        &["user", "unlock", "李四", "--json"],
    );
    let unlocked: Value = serde_json::from_slice(&unlocked.stdout).expect("JSON");
    assert_eq!(unlocked["unlocked"], true);
    // The new one does not sign in.
    assert_eq!(server.sign_in("李四", new).0, 401);
    // The right one: set.
    let out = password(&police, format!("{new}\n{PASSWORD}\n"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let set: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(set["password_set"], true);
    assert_eq!(server.sign_in("李四", new).0, 201);
    // An administrator resetting someone else's needs none.
    let out = password(&admin, format!("{PASSWORD}\n"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(server.sign_in("李四", PASSWORD).0, 201);
    server.stop();
    // The missing and the wrong current password were logged as refusals; no password is.
    let log = log(&env);
    assert!(
        log.iter().any(|(u, a, allowed)| u == "李四"
            && a.starts_with("user:password 李四 from 127.0.0.1")
            && !allowed),
        "{log:?}"
    );
    assert!(
        !log.iter()
            .any(|(_, a, _)| a.contains(PASSWORD) || a.contains(new))
    );
}

#[test]
fn an_encrypted_backup_carries_the_credentials_and_a_restore_brings_them_back() {
    use std::os::unix::fs::PermissionsExt;
    let env = env();
    let root = env.root().to_owned();
    let (police, _) = token(&env, &["--for", "李四", "--now", T0]);
    let (admin, _) = token(&env, &["--now", T0]);
    let made: Value =
        serde_json::from_str(&env.ok(&["key", "identity", "--out", "office.age", "--json"]))
            .expect("JSON");
    let public = made["public_key"].as_str().expect("public key");
    let privacy = env.write_file(
        "privacy.yaml",
        format!("recipients:\n  - {public}\nretention:\n  default: 10\n"),
    );
    env.ok(&["publish", "privacy", &privacy, "--now", T0]);
    // Made by the server, and embedded: the credentials sealed beside each copy.
    let served_copy = root.join("served.age");
    let server = Served::start(&env);
    let out = served(
        &env,
        &server.url,
        &admin,
        &["backup", "--out", &served_copy.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    server.stop();
    env.ok(&["backup", "--out", "embedded.age"]);
    for copy in ["served.age", "embedded.age"] {
        let sealed = std::fs::read(root.join(format!("{copy}.credentials"))).expect(copy);
        assert!(sealed.starts_with(b"age-encryption.org/v1\n"), "{copy}");
        let text = String::from_utf8_lossy(&sealed);
        assert!(
            !text.contains("argon2id") && !text.contains("李四"),
            "{copy}"
        );
    }
    // A plain copy carries none.
    env.ok(&["backup", "--out", "plain.redb", "--plain"]);
    assert!(root.join("plain.redb").exists());
    assert!(!root.join("plain.redb.credentials").exists());
    // Restored elsewhere: the passwords and the API tokens work there, from a file only its
    // owner reads.
    for (copy, db) in [("served.age", "r1.redb"), ("embedded.age", "r2.redb")] {
        env.ok(&["--db", db, "restore", copy, "--identity", "office.age"]);
        let kept = root.join(format!("{db}.credentials"));
        let mode = std::fs::metadata(&kept)
            .expect("credentials")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{db}");
        let server = Served::start_env(&env, &[], &[("WARDFLOW_DB", db)]);
        assert_eq!(server.sign_in("李四", PASSWORD).0, 201, "{db}");
        let (status, body) = server.send("GET", "/api/v1/cases", Some(&police), None);
        assert_eq!(status, 200, "{db}: {body}");
        server.stop();
    }
    // Restoring needs the key for the credentials as for the rest.
    env.fails(&["--db", "r3.redb", "restore", "served.age"], 2);
    assert!(!root.join("r3.redb").exists());
    assert!(!root.join("r3.redb.credentials").exists());
    // Rotated copies take their credentials with them when they go.
    let dir = root.join("nightly");
    std::fs::create_dir(&dir).expect("dir");
    for at in ["2026-11-24T02:00:00+08:00", "2026-11-25T02:00:00+08:00"] {
        env.ok(&["backup", "--dir", "nightly", "--keep", "1", "--now", at]);
    }
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "wardflow-20261124T180000Z.redb",
            "wardflow-20261124T180000Z.redb.credentials"
        ]
    );
}
