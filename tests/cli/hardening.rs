//! Issue 15, end to end: the holes a hostile insider found, each shown closed against the real
//! binary. (Table-shaped bad input lives in `bad_input.rs`; these need more than one command.)

use crate::common;

use common::{T0, TestEnv};

/// One act whose spawn list is longer than `max_spawns` opens nothing and says why; at the
/// bound it opens every case.
#[test]
fn an_act_spawning_more_than_max_spawns_cases_is_refused_and_opens_none() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let sibling = r#"{"name":"小华","birth_date":"2019-01-01","refer":true}"#;
    let siblings = |n: usize| format!("siblings=[{}]", vec![sibling; n].join(","));
    let mut ids = Vec::new();
    for n in [51, 50] {
        let id = env.open_xiaoming(T0);
        env.sign_agreement(&id, T0);
        env.ok(&[
            "case",
            "advance",
            &id,
            "escalate",
            "--as",
            "police",
            "--set",
            "concern=未按时接送",
            "--set",
            &siblings(n),
            "--now",
            T0,
        ]);
        ids.push(id);
    }
    let before = env.ok(&["case", "list", "--json"]);
    let err = env.fails(
        &[
            "case",
            "advance",
            &ids[0],
            "escalate_siblings",
            "--as",
            "civil_affairs",
            "--now",
            T0,
        ],
        1,
    );
    assert!(
        err.contains("51") && err.contains("50") && err.contains("max_spawns"),
        "{err}"
    );
    assert_eq!(before, env.ok(&["case", "list", "--json"]));
    env.ok(&[
        "case",
        "advance",
        &ids[1],
        "escalate_siblings",
        "--as",
        "civil_affairs",
        "--now",
        T0,
    ]);
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "list", "--json"])).expect("JSON");
    // Two parents, their two escalations, and the fifty siblings of the second.
    assert_eq!(list.as_array().map(Vec::len), Some(2 + 2 + 50), "{list}");
}

/// `--out` keeps an existing file unless `--force`, then replaces it whole, created 0600,
/// leaving no temporary file beside it.
#[test]
fn an_existing_out_file_is_kept_unless_forced_and_then_replaced_whole() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    let out = env.write_file("case.json", "keep me");
    let err = env.fails(&["case", "export", &id, "--out", &out, "--now", T0], 2);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(env.root().join(&out)).expect("read"),
        "keep me"
    );
    env.ok(&["case", "export", &id, "--out", &out, "--force", "--now", T0]);
    let written = std::fs::read_to_string(env.root().join(&out)).expect("read");
    assert!(written.contains("\"signature\""), "{written}");
    let mode = std::fs::metadata(env.root().join(&out))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    env.ok(&["export", "--plain", "--out", "all.jsonl", "--now", T0]);
    env.fails(&["export", "--plain", "--out", "all.jsonl", "--now", T0], 2);
    env.ok(&[
        "export",
        "--plain",
        "--out",
        "all.jsonl",
        "--force",
        "--now",
        T0,
    ]);
    let leftovers: Vec<_> = std::fs::read_dir(env.root())
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Runs `wardflow args…` with standard output on `/dev/full`.
fn to_dev_full(env: &TestEnv, args: &[&str], lang: &str) -> std::process::Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    std::process::Command::new(env!("CARGO_BIN_EXE_wardflow"))
        .current_dir(env.root())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env("WARDFLOW_DB", env.db())
        .env("WARDFLOW_WORKFLOWS", env.workflows_dir())
        .env(
            "WARDFLOW_LETTERS",
            concat!(env!("CARGO_MANIFEST_DIR"), "/letters"),
        )
        .env("WARDFLOW_LANG", lang)
        .env("WARDFLOW_USER", "张三")
        .args(args)
        .stdout(full)
        .output()
        .expect("run wardflow")
}

/// A command whose output cannot be written after it committed says it was done (exit 6, not
/// 70 "nothing was written"), so nobody retries it; a read that fails so says nothing changed.
#[test]
fn output_that_fails_after_the_commit_says_the_command_was_done_with_exit_6() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let open = [
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
    ];
    let out = to_dev_full(&env, &open, "zh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("命令已完成并已保存") && stderr.contains("请勿重复执行"),
        "{stderr}"
    );
    // It was done, once, and the file was closed cleanly (no repair on the next open).
    let shown = env.zh().run(&["case", "show", "2026-000001", "--now", T0]);
    assert!(shown.status.success());
    assert!(!String::from_utf8_lossy(&shown.stderr).contains("未正常关闭"));
    let out = to_dev_full(&env, &["case", "list", "--now", T0], "en");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    for read in [
        vec!["case", "show", "2026-000001", "--now", T0],
        vec!["export", "--plain", "--now", T0],
    ] {
        let out = to_dev_full(&env, &read, "zh");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(6), "{read:?}: {stderr}");
        assert!(stderr.contains("未作任何更改"), "{stderr}");
    }
}

const T1: &str = "2026-11-23T11:00:00+08:00";

/// A simulation database on the 黔江区 profile (police number warnings 渝公黔告诫字〔2026〕N号)
/// with one warning letter issued; returns the environment and the case.
fn with_one_warning() -> (TestEnv, String) {
    let env = TestEnv::new();
    env.ok(&[
        "init",
        "--simulation",
        "--profiles",
        concat!(env!("CARGO_MANIFEST_DIR"), "/profiles"),
        "--profile",
        "qianjiang",
        "--now",
        T0,
    ]);
    let sets = [
        ("source", "mandatory_report"),
        ("child.name", "张小花"),
        ("abuser.name", "张大山"),
        ("abuser.relation", "父亲"),
        (
            "admonishment.facts",
            "2026年11月22日晚，张大山殴打女儿张小花",
        ),
        ("admonishment.issued_at", "2026-11-23T09:30:00+08:00"),
    ];
    let case = common::open(&env, "guardianship-intervention", "police", &sets, T0);
    env.ok(&[
        "letter",
        "issue",
        &case,
        "warning-letter",
        "--as",
        "police",
        "--now",
        T1,
    ]);
    (env, case)
}

/// An import whose letter or document-number counter is lowered below what the archive holds
/// is refused (it would hand the same archive id or official number out again).
#[test]
fn an_import_with_a_lowered_letter_counter_is_refused() {
    let (env, _) = with_one_warning();
    let dump = env.ok(&["export", "--plain", "--now", T1]);
    for (key, shown) in [
        ("\"letter:2026\"", "letter:2026"),
        ("〔2026〕\"", "〔2026〕"),
    ] {
        let lowered: String = dump
            .lines()
            .map(|l| {
                if l.contains("\"type\":\"counter\"") && l.contains(key) {
                    l.replace("\"value\":1", "\"value\":0")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert_ne!(
            lowered.trim(),
            dump.trim(),
            "no counter {key} in the export"
        );
        let err = env
            .zh()
            .stdin(lowered + "\n")
            .fails(&["import", "-", "--simulation", "--db", "new.redb"], 2);
        assert!(
            err.contains(shown) && err.contains("already given out"),
            "{err}"
        );
        assert!(!env.root().join("new.redb").exists());
    }
    // The untouched export still imports.
    env.zh()
        .stdin(dump)
        .ok(&["import", "-", "--simulation", "--db", "new.redb"]);
}

/// The archive is insert-only: with its counter lowered behind the store's back, the next
/// issue fails as a storage fault and the archived letter stays as it was.
#[test]
fn a_second_write_to_an_archive_id_is_a_storage_error_never_an_overwrite() {
    use redb::TableDefinition;
    const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
    let (env, case) = with_one_warning();
    let before = env.ok(&["letter", "show", "L2026-000001", "--now", T1]);
    {
        let db = redb::Database::open(env.db()).expect("open");
        let tx = db.begin_write().expect("write");
        {
            let mut counters = tx.open_table(COUNTERS).expect("counters");
            counters.insert("letter:2026", 0).expect("lower");
        }
        tx.commit().expect("commit");
    }
    let other = common::open(
        &env,
        "guardianship-intervention",
        "police",
        &[
            ("source", "mandatory_report"),
            ("child.name", "李小草"),
            ("abuser.name", "李大树"),
            ("abuser.relation", "父亲"),
            ("admonishment.facts", "2026年11月22日晚，李大树殴打儿子"),
            ("admonishment.issued_at", "2026-11-23T09:30:00+08:00"),
        ],
        T1,
    );
    let err = env.fails(
        &[
            "letter",
            "issue",
            &other,
            "warning-letter",
            "--as",
            "police",
            "--now",
            T1,
        ],
        5,
    );
    assert!(err.contains("L2026-000001"), "{err}");
    assert_eq!(
        before,
        env.ok(&["letter", "show", "L2026-000001", "--now", T1])
    );
    assert!(before.contains(&case), "{before}");
}

/// Restoring an older backup lists the cases, events and letters it would take away and
/// needs `--accept-loss` beyond `--force`; then it is done and the access log records it.
#[test]
fn restoring_an_older_backup_lists_the_loss_and_needs_a_second_confirmation() {
    let (env, case) = with_one_warning();
    env.ok(&["backup", "--plain", "--out", "old.redb"]);
    env.ok(&[
        "case",
        "amend",
        &case,
        "--as",
        "police",
        "--set",
        "abuser.relation=继父",
        "--reason",
        "笔误",
        "--now",
        T1,
    ]);
    let newer = env.open_xiaoming(T1);
    let err = env.fails(&["restore", "old.redb", "--force", "--now", T1], 1);
    assert!(err.contains(&newer) && err.contains(&case), "{err}");
    assert!(err.contains("--accept-loss"), "{err}");
    assert!(err.contains("合计：1 个案件"), "{err}");
    let out = env.zh().run(&[
        "restore",
        "old.redb",
        "--force",
        "--accept-loss",
        "--now",
        T1,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = env.ok(&["case", "list", "--now", T1]);
    assert!(!listed.contains(&newer), "{listed}");
    let audit = env.ok(&["audit", "--now", T1]);
    assert!(
        audit.contains("restore") && audit.contains(&newer),
        "{audit}"
    );
    // Restoring the same state again loses nothing and needs no second confirmation.
    env.ok(&["backup", "--plain", "--out", "same.redb"]);
    env.ok(&["restore", "same.redb", "--force", "--now", T1]);
    // No scratch copy is left beside the database or in the temporary directory.
    let scratch: Vec<_> = std::fs::read_dir(env.root())
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(scratch.is_empty(), "{scratch:?}");
}

/// A long export works on a snapshot: while its output sits unread (the export blocked on a
/// full pipe), a writer still gets the database at once.
#[test]
fn writers_go_on_while_an_export_is_stalled() {
    use std::io::Read;
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let long = format!("concern={}", "长".repeat(9_000));
    for _ in 0..4 {
        let id = env.open_xiaoming(T0);
        env.ok(&[
            "case", "amend", &id, "--as", "parent", "--set", &long, "--reason", "补充", "--now", T0,
        ]);
    }
    let mut export = std::process::Command::new(env!("CARGO_BIN_EXE_wardflow"))
        .current_dir(env.root())
        .env("WARDFLOW_DB", env.db())
        .env("WARDFLOW_USER", "张三")
        .args(["export", "--plain", "--now", T0])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn export");
    // The export has more than a pipe holds (4 × 27 kB of concern alone): it stalls writing.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let started = std::time::Instant::now();
    let opened = env.zh().run(&[
        "case",
        "open",
        "example-care",
        "--as",
        "parent",
        "--set",
        "child.name=小刚",
        "--set",
        "child.birth_date=2018-05-01",
        "--set",
        "parent.name=李四",
        "--lock-timeout",
        "1",
        "--now",
        T0,
    ]);
    let waited = started.elapsed();
    let mut dump = String::new();
    export
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut dump)
        .expect("read export");
    assert!(export.wait().expect("wait").success());
    assert!(
        opened.status.success(),
        "the writer waited for the export: {}",
        String::from_utf8_lossy(&opened.stderr)
    );
    println!("writer during a stalled export: {waited:?}");
    // The export is the state before the writer: four cases.
    assert_eq!(
        dump.lines()
            .filter(|l| l.starts_with("{\"type\":\"case\""))
            .count(),
        4
    );
}

/// A real database's export whose `simulation` flag was flipped (or any simulation export)
/// imports only when `--simulation` is asked for; a real export becomes a simulation database
/// only when asked, and then accepts `--now`.
#[test]
fn an_export_claiming_simulation_needs_an_explicit_simulation_import() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    env.open_xiaoming(T0);
    let dump = env.ok(&["export", "--plain", "--now", T0]);
    assert!(
        dump.lines()
            .next()
            .is_some_and(|l| l.contains("\"simulation\":true"))
    );
    let err = env
        .zh()
        .stdin(dump.clone())
        .fails(&["import", "-", "--db", "new.redb"], 2);
    assert!(err.contains("--simulation"), "{err}");
    assert!(!env.root().join("new.redb").exists());
    // A real export (the flag false) asked to become a simulation database: marked as one.
    let real = dump.replacen("\"simulation\":true", "\"simulation\":false", 1);
    env.zh()
        .stdin(real.clone())
        .ok(&["import", "-", "--db", "real.redb"]);
    let err = env.fails(&["--db", "real.redb", "case", "list", "--now", T0], 2);
    assert!(err.contains("--now"), "{err}");
    env.zh()
        .stdin(real)
        .ok(&["import", "-", "--simulation", "--db", "sim.redb"]);
    env.ok(&["--db", "sim.redb", "case", "list", "--now", T0]);
}

/// A patched snapshot (what `case show` and letters print) is found by `verify`, which
/// replays each history, and by `check`: both exit 4, naming the field.
#[test]
fn a_forged_snapshot_fails_verify_and_check_with_exit_4() {
    use redb::{ReadableTable, TableDefinition};
    const CASES: TableDefinition<&str, &[u8]> = TableDefinition::new("cases");
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    env.ok(&["verify", "--now", T0]);
    {
        let db = redb::Database::open(env.db()).expect("open");
        let tx = db.begin_write().expect("write");
        {
            let names = wardflow_engine::store::format::stored_names_writing(&tx).expect("names");
            let mut cases = tx.open_table(CASES).expect("cases");
            // As JSON (a form the store still reads), to patch it as text.
            let case = wardflow_engine::store::format::decode_case(
                cases.get(id.as_str()).expect("get").expect("case").value(),
                &names,
            )
            .expect("snapshot");
            let text =
                String::from_utf8(wardflow_engine::store::format::encode(&case).expect("json"))
                    .expect("json");
            let forged = text.replacen("小明", "小名", 1);
            assert_ne!(text, forged);
            cases.insert(id.as_str(), forged.as_bytes()).expect("patch");
        }
        tx.commit().expect("commit");
    }
    assert_eq!(env.show_json(&id)["data"]["child.name"], "小名");
    let err = env.fails(&["verify", "--now", T0], 4);
    assert!(
        err.contains(&id) && err.contains("data.child.name"),
        "{err}"
    );
    let out = env.zh().run(&["verify", "--now", T0]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("快照"));
    env.fails(&["check", "--now", T0], 4);
}

/// A preview refused after the authority check (a role that does not issue the letter) is
/// logged as refused, not as granted.
#[test]
fn a_refused_preview_is_logged_as_refused() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    let err = env.fails(
        &[
            "letter",
            "preview",
            &id,
            "guardian-duty-notice",
            "--as",
            "parent",
            "--now",
            T0,
        ],
        1,
    );
    assert!(err.contains("parent"), "{err}");
    let audit = env.ok(&["audit", "--now", T0]);
    let line = audit
        .lines()
        .find(|l| l.contains("letter:guardian-duty-notice"))
        .unwrap_or_else(|| panic!("no preview in the log:\n{audit}"));
    assert!(line.contains("拒绝") && !line.contains("准许"), "{line}");
}

/// Control characters in a name or a reason are stripped at input: a newline cannot forge a
/// log line, nor an escape sequence reach the administrator's terminal.
#[test]
fn control_characters_are_stripped_from_names_and_reasons_at_input() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    env.ok(&[
        "user",
        "add",
        "王\u{1b}五\n",
        "--role",
        "parent",
        "--unit",
        "city",
        "--now",
        T0,
    ]);
    let users = env.ok(&["user", "list", "--now", T0]);
    assert!(
        users.contains("王五") && !users.contains('\u{1b}'),
        "{users}"
    );
    // The stripped name is the registered one.
    env.ok(&["--user", "王五\u{7}", "case", "show", &id, "--now", T0]);
    env.ok(&[
        "case",
        "amend",
        &id,
        "--as",
        "parent",
        "--set",
        "parent.name=李五",
        "--reason",
        "更正\u{1b}]0;pwned\u{7}姓名\n第二行",
        "--now",
        T0,
    ]);
    let history = env.ok(&["case", "history", &id, "--json", "--now", T0]);
    assert!(history.contains("更正]0;pwned姓名\\n第二行"), "{history}");
    let audit = env.ok(&["audit", "--now", T0]);
    assert!(
        !audit.contains('\u{1b}') && !audit.contains('\u{7}'),
        "{audit:?}"
    );
    assert!(
        audit.lines().any(|l| l.contains("王五") && l.contains(&id)),
        "{audit}"
    );
}

fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

/// The database, its access log, backups and exports are created readable by the owner only.
#[test]
fn the_database_its_log_backups_and_exports_are_created_0600() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    env.ok(&["case", "show", &id, "--now", T0]);
    env.ok(&["backup", "--plain", "--out", "b.redb"]);
    env.ok(&["export", "--plain", "--out", "e.jsonl", "--now", T0]);
    env.ok(&[
        "letter",
        "preview",
        &id,
        "guardian-duty-notice",
        "--as",
        "village_committee",
        "--out",
        "p.txt",
        "--now",
        T0,
    ]);
    for name in [
        "w.redb",
        "w.redb.access",
        "w.redb.key",
        "b.redb",
        "e.jsonl",
        "p.txt",
    ] {
        assert_eq!(mode_of(&env.root().join(name)), 0o600, "{name}");
    }
}

/// A symbolic link planted as `.access` is refused, and the file it points at is untouched.
#[test]
fn a_planted_access_log_link_is_refused_and_its_target_untouched() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    // Fold what is pending so the side file is gone, then plant the link.
    env.ok(&["audit", "--now", T0]);
    let _ = std::fs::remove_file(env.root().join("w.redb.access"));
    let victim = env.write_file("victim.txt", "precious");
    std::os::unix::fs::symlink(env.root().join(&victim), env.root().join("w.redb.access"))
        .expect("symlink");
    // (The dump that `fails` compares reads through the log too, so plain runs here.)
    for args in [
        vec!["case", "show", id.as_str(), "--now", T0],
        vec!["audit", "--now", T0],
    ] {
        let out = env.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {err}");
        assert!(err.contains("symbolic link"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(env.root().join(victim)).expect("victim"),
        "precious"
    );
}

/// The only administrator can neither disable nor demote themself; `user enable` and
/// `user roles` exist, and with a second administrator the first may step down.
#[test]
fn the_last_administrator_stays_and_users_can_be_enabled_and_given_new_roles() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let err = env.fails(&["user", "disable", "张三", "--now", T0], 1);
    assert!(err.contains("最后一位启用的管理员"), "{err}");
    let err = env.fails(
        &["user", "roles", "张三", "--role", "police", "--now", T0],
        1,
    );
    assert!(err.contains("admin"), "{err}");
    env.ok(&[
        "user", "add", "李四", "--role", "police", "--unit", "city", "--now", T0,
    ]);
    env.ok(&["user", "disable", "李四", "--now", T0]);
    env.ok(&["user", "enable", "李四", "--now", T0]);
    env.ok(&[
        "user", "roles", "李四", "--role", "admin", "--role", "police", "--now", T0,
    ]);
    env.ok(&["user", "roles", "张三", "--role", "police", "--now", T0]);
    let users = env.ok(&["user", "list", "--json", "--now", T0]);
    let users: serde_json::Value = serde_json::from_str(&users).expect("JSON");
    let roles = |name: &str| {
        users
            .as_array()
            .and_then(|a| a.iter().find(|u| u["user"] == name))
            .map(|u| u["roles"].clone())
    };
    assert_eq!(roles("张三"), Some(serde_json::json!(["police"])));
    assert_eq!(roles("李四"), Some(serde_json::json!(["admin", "police"])));
    // 张三 is no administrator now: only 李四 is, and cannot step down.
    let err = env.fails(
        &["--user", "李四", "user", "disable", "李四", "--now", T0],
        1,
    );
    assert!(err.contains("最后一位"), "{err}");
}

/// A parent — or a unit that merely covers the case — cannot hand a case over; the
/// responsible unit's own user can, but not to the unit that already has it.
#[test]
fn only_the_responsible_unit_or_an_administrator_transfers_and_not_to_itself() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    env.ok(&[
        "case",
        "transfer",
        &id,
        "--to",
        "shijia_village",
        "--as",
        "parent",
        "--now",
        T0,
    ]);
    env.ok(&[
        "user", "add", "家长", "--role", "parent", "--unit", "county", "--now", T0,
    ]);
    env.ok(&[
        "user",
        "add",
        "村委",
        "--role",
        "village_committee",
        "--unit",
        "shijia_village",
        "--now",
        T0,
    ]);
    let err = env.fails(
        &[
            "--user", "家长", "case", "transfer", &id, "--to", "county", "--as", "parent", "--now",
            T0,
        ],
        1,
    );
    assert!(err.contains("承办单位"), "{err}");
    let err = env.fails(
        &[
            "--user",
            "村委",
            "case",
            "transfer",
            &id,
            "--to",
            "shijia_village",
            "--as",
            "village_committee",
            "--now",
            T0,
        ],
        1,
    );
    assert!(err.contains("同一单位"), "{err}");
    env.ok(&[
        "--user",
        "村委",
        "case",
        "transfer",
        &id,
        "--to",
        "shijia_town",
        "--as",
        "village_committee",
        "--now",
        T0,
    ]);
}

/// A tmpfs of `size` mounted on `dir` (root only), unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &std::path::Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(Tmpfs(dir.to_owned()))
        } else {
            println!("SKIPPED: cannot mount a tmpfs (not root?)");
            None
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// On a full disk reads still work (police in an emergency); the access entries that could
/// not be written are recorded as a gap — how many, from when to when — once space returns.
#[test]
fn reads_work_on_a_full_disk_and_the_unwritten_entries_are_recorded_as_a_gap() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    let Some(mount) = Tmpfs::mount(&env.root().join("full"), "2m") else {
        return;
    };
    std::fs::copy(env.db(), mount.0.join("w.redb")).expect("copy db");
    let db = mount.0.join("w.redb");
    let db = db.to_str().expect("utf-8");
    // A write on the new place (it reserves the gap file), then fill the disk.
    env.ok(&["--db", db, "audit", "--now", T0]);
    {
        use std::io::Write;
        let mut filler = std::fs::File::create(mount.0.join("filler")).expect("filler");
        let block = vec![0u8; 4096];
        while filler.write_all(&block).is_ok() {}
        let _ = filler.sync_all();
    }
    for _ in 0..3 {
        let out = env.run(&["--db", db, "case", "show", &id, "--now", T0]);
        assert!(
            out.status.success(),
            "a read failed on a full disk: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("小明"));
    }
    std::fs::remove_file(mount.0.join("filler")).expect("free space");
    let audit = env.ok(&["--db", db, "audit", "--now", T0]);
    assert!(
        audit.contains("3 access entries could not be written (disk full)"),
        "{audit}"
    );
    // Counted once: the next write records no second gap.
    let audit = env.ok(&["--db", db, "audit", "--now", T0]);
    assert_eq!(audit.matches("could not be written").count(), 1, "{audit}");
}

/// A workflow whose closing guard reads the confidential reporter (a guessing oracle).
const SECRET_WORKFLOW: &str = r#"
workflow: secret-test
title: 测试
roles: { police: 公安机关, village_committee: 村（居）民委员会 }
confidential: { fields: [reporter.*], visible_to: [police] }
fields:
  child.name: { type: string, required: true, title: 儿童姓名 }
  reporter.name: { type: string, title: 报告人 }
start:
  roles: [police]
states:
  open: { title: 开, initial: true }
  closed: { title: 关, final: true }
transitions:
  close:
    title: 结案
    from: [open]
    to: closed
    roles: [police, village_committee]
    guard: "has(reporter.name) && reporter.name != '王五'"
"#;

/// `case next` does not tell a role that may not read the reporter whether a guard over the
/// reporter's fields passes (guessing the name until it flips would reveal it); those who
/// may read the reporter see it.
#[test]
fn case_next_hides_guard_results_over_confidential_fields() {
    let env = TestEnv::empty();
    env.write_workflow("secret.yaml", SECRET_WORKFLOW);
    env.init_simulation(T0);
    let case = common::open(
        &env,
        "secret-test",
        "police",
        &[("child.name", "小明"), ("reporter.name", "王五")],
        T0,
    );
    env.ok(&[
        "user",
        "add",
        "村委",
        "--role",
        "village_committee",
        "--unit",
        "city",
        "--now",
        T0,
    ]);
    let close = |user: &str| -> serde_json::Value {
        let out = env.ok(&["--user", user, "case", "next", &case, "--json", "--now", T0]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        v[0].clone()
    };
    let seen = close("张三");
    assert_eq!(seen["guard_ok"], false, "{seen}");
    let hidden = close("村委");
    assert_eq!(hidden["name"], "close");
    assert!(
        hidden["guard_ok"].is_null() && hidden["blocked_by"].is_null(),
        "{hidden}"
    );
    let text = env.ok(&["--user", "村委", "case", "next", &case, "--now", T0]);
    assert!(
        !text.contains("王五") && !text.contains("条件不成立"),
        "{text}"
    );
}

/// Someone who may not read a letter's case learns from `letter verify --code` only valid or
/// void and the issuer; a whole file counts for them only with the code printed on it; every
/// verification is logged.
#[test]
fn an_outsider_verifying_a_letter_learns_only_valid_or_void_and_the_issuer() {
    let (env, case) = with_one_warning();
    env.ok(&[
        "user", "add", "外县", "--role", "police", "--unit", "county", "--now", T1,
    ]);
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["letter", "show", "L2026-000001", "--json", "--now", T1]))
            .expect("JSON");
    let code = shown["code"].as_str().expect("code").to_owned();
    env.ok(&[
        "letter",
        "export",
        "L2026-000001",
        "--out",
        "l.html",
        "--now",
        T1,
    ]);
    let outsider = |args: &[&str]| env.run(&[&["--user", "外县"], args].concat());
    let out = outsider(&["letter", "verify", "--code", &code, "--now", T1]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("有效") && text.contains("重庆市公安局黔江区分局"),
        "{text}"
    );
    assert!(
        !text.contains(&case) && !text.contains("告诫字") && !text.contains("SHA"),
        "{text}"
    );
    let out = outsider(&["letter", "verify", "l.html", "--now", T1]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--code"));
    let out = outsider(&["letter", "verify", "l.html", "--code", &code, "--now", T1]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&case));
    // Those who may read the case see every particular, without a code.
    let full = env.ok(&["letter", "verify", "l.html", "--now", T1]);
    assert!(full.contains(&case) && full.contains("SHA-256"), "{full}");
    let audit = env.ok(&["audit", "--now", T1]);
    let logged = audit.matches("letter-verify").count();
    assert!(logged >= 4, "{logged} verifications logged:\n{audit}");
}

/// `check` killed mid-copy leaves its scratch copy beside the database at worst, and the next
/// check (or restore, or export) removes it: none is left, and none in the temporary directory.
#[test]
fn scratch_copies_of_killed_checks_are_removed_by_the_next_one() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    for _ in 0..5 {
        env.open_xiaoming(T0);
    }
    let scratch = |dir: &std::path::Path| {
        std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| {
                        e.file_name()
                            .to_string_lossy()
                            .starts_with(".wardflow-check-")
                    })
                    .count()
            })
            .unwrap_or(0)
    };
    let tmp_before = scratch(&std::env::temp_dir());
    let mut killed = 0;
    for i in 0..20u64 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wardflow"))
            .current_dir(env.root())
            .env("WARDFLOW_DB", env.db())
            .env("WARDFLOW_USER", "张三")
            .arg("check")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn check");
        std::thread::sleep(std::time::Duration::from_millis(2 + i % 7 * 3));
        if child.kill().is_ok() {
            killed += 1;
        }
        let _ = child.wait();
    }
    let left = scratch(env.root());
    env.ok(&["check"]);
    let after = scratch(env.root());
    println!(
        "check killed {killed} times: {left} scratch copies left beside the database, {after} after the next check"
    );
    assert_eq!(after, 0);
    assert_eq!(
        scratch(&std::env::temp_dir()),
        tmp_before,
        "a copy went to the temporary directory"
    );
}

/// A field an act requires may be corrected only in a role that may do that act: a parent
/// cannot rewrite the police's record of the report, a village user not the case's source.
#[test]
fn a_field_is_amended_only_by_a_role_that_may_record_it() {
    let (env, case) = with_one_warning();
    for (user, role) in [
        ("家长", "parent"),
        ("村委", "village_committee"),
        ("民警", "police"),
    ] {
        env.ok(&[
            "user", "add", user, "--role", role, "--unit", "city", "--now", T1,
        ]);
    }
    let amend = |user: &str, role: &str, set: &str| {
        vec![
            "--user".to_owned(),
            user.to_owned(),
            "case".to_owned(),
            "amend".to_owned(),
            case.clone(),
            "--as".to_owned(),
            role.to_owned(),
            "--set".to_owned(),
            set.to_owned(),
            "--reason".to_owned(),
            "更正".to_owned(),
            "--now".to_owned(),
            T1.to_owned(),
        ]
    };
    let err = env.fails(
        &common::refs(&amend("家长", "parent", "report.facts=无事发生")),
        1,
    );
    assert!(
        err.contains("report.facts") && err.contains("police"),
        "{err}"
    );
    let err = env.fails(
        &common::refs(&amend(
            "村委",
            "village_committee",
            "source=periodic_review",
        )),
        1,
    );
    assert!(err.contains("source"), "{err}");
    env.ok(&common::refs(&amend(
        "民警",
        "police",
        "report.facts=2026年11月22日晚报案",
    )));
}

/// A correction that would make the guard of a transition already taken fail is refused
/// (naming the transition and the guard); an administrator may record it with a reason, and
/// the history shows the old value beside the new one and the guard overruled.
#[test]
fn a_correction_failing_a_guard_already_passed_is_refused_but_for_an_administrator() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    env.sign_agreement(&id, T0);
    env.ok(&[
        "user",
        "add",
        "村委",
        "--role",
        "village_committee",
        "--unit",
        "city",
        "--now",
        T0,
    ]);
    let amend = |user: &str, code: Option<i32>| {
        let args = [
            "--user",
            user,
            "case",
            "amend",
            &id,
            "--as",
            "village_committee",
            "--set",
            "carer.birth_date=2015-01-01",
            "--reason",
            "户籍信息更正",
            "--now",
            T0,
        ];
        match code {
            Some(code) => env.fails(&args, code),
            None => env.ok(&args),
        }
    };
    let before = env.ok(&["case", "history", &id, "--json", "--now", T0]);
    let err = amend("村委", Some(1));
    assert!(
        err.contains("sign_agreement") && err.contains("age(carer.birth_date, now)"),
        "{err}"
    );
    assert_eq!(
        before,
        env.ok(&["case", "history", &id, "--json", "--now", T0])
    );
    amend(common::USER, None);
    let history: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "history", &id, "--json", "--now", T0]))
            .expect("JSON");
    let last = history
        .as_array()
        .and_then(|h| h.iter().rev().find(|e| e["type"] == "amended"))
        .expect("the correction");
    assert_eq!(last["previous"]["carer.birth_date"], "1960-03-02", "{last}");
    assert_eq!(last["changes"]["carer.birth_date"], "2015-01-01", "{last}");
    assert_eq!(
        last["overrules"][0]["transition"], "sign_agreement",
        "{last}"
    );
    let text = env.ok(&["case", "history", &id, "--now", T0]);
    assert!(text.contains(" → "), "{text}");
}

/// A workflow naming the roles that may correct any field and those that may transfer.
const LISTS_WORKFLOW: &str = r#"
workflow: lists-test
title: 测试
roles: { police: 公安机关, village_committee: 村（居）民委员会, civil_affairs: 民政部门 }
corrections: [civil_affairs]
transfers: [police]
fields:
  child.name: { type: string, required: true, title: 儿童姓名 }
  report.facts: { type: string, title: 报告事实 }
start:
  roles: [police]
  requires: [report.facts]
states:
  open: { title: 开, initial: true }
  closed: { title: 关, final: true }
transitions:
  close: { title: 结案, from: [open], to: closed, roles: [police] }
"#;

/// `corrections:` lets the named role correct what only another role records; `transfers:`
/// replaces the responsible-unit rule: a user of that unit in another role is refused, one in
/// a named role may hand the case over.
#[test]
fn workflows_name_the_roles_that_correct_and_transfer() {
    let env = TestEnv::empty();
    env.write_workflow("lists.yaml", LISTS_WORKFLOW);
    env.init_simulation(T0);
    let case = common::open(
        &env,
        "lists-test",
        "police",
        &[("child.name", "小明"), ("report.facts", "邻居报告")],
        T0,
    );
    for (user, role) in [
        ("村委", "village_committee"),
        ("民政", "civil_affairs"),
        ("民警", "police"),
    ] {
        env.ok(&[
            "user", "add", user, "--role", role, "--unit", "city", "--now", T0,
        ]);
    }
    let amend = |user: &str, role: &str| -> Vec<String> {
        [
            "--user",
            user,
            "case",
            "amend",
            &case,
            "--as",
            role,
            "--set",
            "report.facts=邻居电话报告",
            "--reason",
            "更正",
            "--now",
            T0,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let err = env.fails(&common::refs(&amend("村委", "village_committee")), 1);
    assert!(err.contains("report.facts"), "{err}");
    env.ok(&common::refs(&amend("民政", "civil_affairs")));
    let transfer = |user: &str, role: &str| -> Vec<String> {
        [
            "--user", user, "case", "transfer", &case, "--to", "county", "--as", role, "--now", T0,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let err = env.fails(&common::refs(&transfer("村委", "village_committee")), 1);
    assert!(err.contains("transfers") && err.contains("police"), "{err}");
    env.ok(&common::refs(&transfer("民警", "police")));
}

/// The SHA-256s and verification code of the report receipt (which names the reporter) are
/// shown only to those who may see the reporter: with the case data a school user reads, the
/// receipt's text — and so its digest — follows from a guessed name and unit.
#[test]
fn report_receipt_digests_and_code_are_hidden_from_roles_that_may_not_read_it() {
    let (env, case) = with_one_warning();
    let report: &[(&str, &str)] = &[
        ("child.birth_date", "2014-09-10"),
        ("child.sex", "female"),
        ("report.received_at", "2026-11-23T09:40:00+08:00"),
        ("report.category", "domestic_violence"),
        ("report.facts", "学生脸部淤青，自述被父亲殴打"),
        ("reporter.kind", "school"),
        ("reporter.unit", "黔江区城东小学"),
        ("reporter.name", "王老师"),
        ("police.case_number", "渝公黔（城东）受案字〔2026〕88号"),
        ("police.officer_name", "李警官"),
        ("police.officer_phone", "023-79223110"),
    ];
    let args = common::command(
        &["case", "advance", &case, "accept_report", "--as", "police"],
        report,
        T1,
    );
    env.ok(&common::refs(&args));
    env.ok(&[
        "user", "add", "校长", "--role", "school", "--unit", "city", "--now", T1,
    ]);
    let json = |user: &str, args: &[&str]| -> serde_json::Value {
        let mut all = vec!["--user", user];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--json", "--now", T1]);
        serde_json::from_str(&env.ok(&all)).expect("JSON")
    };
    let receipt = |history: &serde_json::Value| -> serde_json::Value {
        history
            .as_array()
            .and_then(|h| {
                h.iter()
                    .find(|e| e["type"] == "letter_issued" && e["key"] == "report-receipt")
            })
            .cloned()
            .expect("the receipt is issued")
    };
    let seen = receipt(&json(common::USER, &["case", "history", &case]));
    assert_eq!(
        seen["html_sha256"].as_str().map(str::len),
        Some(64),
        "{seen}"
    );
    let hidden = receipt(&json("校长", &["case", "history", &case]));
    for field in ["html_sha256", "text_sha256", "code"] {
        assert_eq!(hidden[field], "(confidential)", "{field}: {hidden}");
    }
    // The warning letter names no reporter: its digest stays visible to the school.
    let history = json("校长", &["case", "history", &case]);
    let warning = history
        .as_array()
        .and_then(|h| {
            h.iter()
                .find(|e| e["key"] == "warning-letter" && e["type"] == "letter_issued")
        })
        .expect("the warning letter");
    assert_eq!(warning["html_sha256"].as_str().map(str::len), Some(64));
    let shown = json("校长", &["case", "show", &case]);
    let in_show = shown["issued_letters"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["key"] == "report-receipt"))
        .expect("listed");
    assert_eq!(in_show["html_sha256"], "(confidential)", "{in_show}");
    assert_eq!(in_show["code"], "(confidential)", "{in_show}");
    let listed = json("校长", &["letter", "list"]);
    let in_list = listed
        .as_array()
        .and_then(|l| l.iter().find(|l| l["key"] == "report-receipt"))
        .expect("listed");
    assert_eq!(in_list["code"], "(confidential)", "{in_list}");
    let text = env.ok(&["--user", "校长", "case", "history", &case, "--now", T1]);
    assert!(
        !text.contains(seen["html_sha256"].as_str().map_or("-", |s| &s[..16])),
        "{text}"
    );
}

/// A real export imported as a simulation database marks each of its cases as simulated in
/// `case show` (text, both languages, and JSON) and `case list --json`; a simulation
/// database's own export, imported again, and a real import are not marked.
#[test]
fn a_real_export_imported_as_simulation_marks_every_case_simulated() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    let dump = env.ok(&["export", "--plain", "--now", T0]);
    let real = dump.replacen("\"simulation\":true", "\"simulation\":false", 1);
    env.zh()
        .stdin(real)
        .ok(&["import", "-", "--simulation", "--db", "sim.redb"]);
    let show = env.ok(&["--db", "sim.redb", "case", "show", &id, "--now", T0]);
    assert!(show.contains("模拟案件"), "{show}");
    let show = env
        .en()
        .ok(&["--db", "sim.redb", "case", "show", &id, "--now", T0]);
    assert!(show.contains("SIMULATED"), "{show}");
    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "--db", "sim.redb", "--json", "case", "show", &id, "--now", T0,
    ]))
    .expect("JSON");
    assert_eq!(json["simulated"], true, "{json}");
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["--db", "sim.redb", "--json", "case", "list", "--now", T0]))
            .expect("JSON");
    let cases = list.as_array().expect("array");
    assert!(!cases.is_empty());
    assert!(cases.iter().all(|c| c["simulated"] == true), "{list}");
    // The mark travels: the training copy's own export, imported again, stays marked.
    let again = env.ok(&["--db", "sim.redb", "export", "--plain", "--now", T0]);
    env.zh()
        .stdin(again)
        .ok(&["import", "-", "--simulation", "--db", "again.redb"]);
    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "--db",
        "again.redb",
        "--json",
        "case",
        "show",
        &id,
        "--now",
        T0,
    ]))
    .expect("JSON");
    assert_eq!(json["simulated"], true, "{json}");
    // A simulation database that was never real data is not a copy of a real case.
    assert_eq!(env.show_json(&id)["simulated"], false);
    let show = env.ok(&["case", "show", &id, "--now", T0]);
    assert!(!show.contains("模拟案件"), "{show}");
}

/// An access entry removed from the middle of the log (the `access` table edited with the
/// file in hand) is found by `check` and `audit`: exit 4, worded in both languages.
#[test]
fn a_removed_access_entry_fails_check_and_audit_with_exit_4() {
    use redb::{ReadableTable, TableDefinition};
    const ACCESS: TableDefinition<(i64, &str), &[u8]> = TableDefinition::new("access");
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    for _ in 0..3 {
        env.ok(&["case", "show", &id, "--now", T0]);
    }
    env.ok(&["audit", "--now", T0]);
    env.ok(&["check", "--now", T0]);
    {
        let db = redb::Database::open(env.db()).expect("open");
        let tx = db.begin_write().expect("write");
        {
            let mut access = tx.open_table(ACCESS).expect("access");
            let keys: Vec<(i64, String)> = access
                .iter()
                .expect("iter")
                .map(|r| {
                    let (k, _) = r.expect("row");
                    (k.value().0, k.value().1.to_owned())
                })
                .collect();
            assert!(keys.len() >= 3, "{keys:?}");
            let (at, key) = &keys[1];
            access.remove((*at, key.as_str())).expect("remove");
        }
        tx.commit().expect("commit");
    }
    let err = env.fails(&["check", "--now", T0], 4);
    assert!(err.contains("访问记录链"), "{err}");
    let err = env.en().fails(&["check", "--now", T0], 4);
    assert!(err.contains("access log's chain is broken"), "{err}");
    let out = env.run(&["audit", "--now", T0]);
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("访问记录链"), "{stderr}");
    let out = env.en().run(&["audit", "--now", T0]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("removed"));
}

/// With `WARDFLOW_GROUP_READABLE=1` the database, its access log, backups and exports are
/// created 0640; the office's private key stays 0600.
#[test]
fn group_readable_files_only_when_configured() {
    let env = TestEnv::examples_only();
    let group = |args: &[&str]| {
        let mut inv = env.wardflow(args.iter().copied()).invocation();
        inv.vars
            .push(("WARDFLOW_GROUP_READABLE".to_owned(), "1".to_owned()));
        let out = env.runner().run(&inv);
        assert_eq!(out.code(), Some(0), "{args:?}: {}", out.stderr_text());
    };
    group(&["init", "--simulation", "--now", T0]);
    let id = env.open_xiaoming(T0);
    group(&["case", "show", &id, "--now", T0]);
    group(&["backup", "--plain", "--out", "b.redb"]);
    group(&["export", "--plain", "--out", "e.jsonl", "--now", T0]);
    for name in ["w.redb", "w.redb.access", "b.redb", "e.jsonl"] {
        assert_eq!(mode_of(&env.root().join(name)), 0o640, "{name}");
    }
    assert_eq!(mode_of(&env.root().join("w.redb.key")), 0o600);
    // Without the setting, new files are the owner's only.
    env.ok(&["backup", "--plain", "--out", "c.redb"]);
    assert_eq!(mode_of(&env.root().join("c.redb")), 0o600);
}
