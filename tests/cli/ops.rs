//! `check`, `backup`, `restore`, `export` and `import` against a scenario database: several
//! processes, spawned cases, corrections, reminders and breaches fired by the runner.

use crate::common;

use std::path::{Path, PathBuf};

use redb::ReadableTable;

use common::{T0, TestEnv, advance, id_number, open};

const CARER: &[(&str, &str)] = &[
    ("carer.name", "王秀英"),
    ("carer.birth_date", "1958-03-02"),
    ("carer.relation", "grandparent"),
    ("carer.full_capacity", "true"),
    ("carer.able_to_care", "true"),
    ("carer.lives_with_child", "true"),
    ("carer.record_of_harm", "false"),
    ("carer.addiction", "false"),
    ("carer.neglected_duty", "false"),
    ("carer.otherwise_unsuitable", "false"),
    ("carer.serious_infectious_disease", "false"),
    ("child.special_needs", "false"),
    ("child.can_express_views", "true"),
    ("child.views", "愿意和奶奶一起住"),
];

const AGREEMENT: &[(&str, &str)] = &[
    ("entrustment.start_date", "2026-11-25"),
    ("entrustment.end_date", "2027-06-30"),
    ("entrustment.contact_plan", "每周日晚视频通话"),
    ("entrustment.witness_name", "赵主任"),
    ("parent.departure_date", "2026-11-25"),
    ("parent.work_place", "广东省东莞市长安镇"),
    ("parent.phone", "13800000000"),
    ("carer.phone", "13900000000"),
];

/// The scenario: two entrusted-care cases (one whose weekly contact lapses under the runner),
/// the example story up to an escalation that spawns a follow-up, and a correction.
fn scenario() -> TestEnv {
    let env = TestEnv::new();
    env.init_simulation(T0);
    for (n, digits) in [(1, "11010520160501001"), (2, "11010520170601002")] {
        let id = open(
            &env,
            "entrusted-care",
            "parent",
            &[
                ("child.name", if n == 1 { "李小明" } else { "张小红" }),
                (
                    "child.birth_date",
                    if n == 1 { "2016-05-01" } else { "2017-06-01" },
                ),
                ("child.sex", if n == 1 { "male" } else { "female" }),
                ("child.id_number", &id_number(digits)),
                ("child.address", "黔江区城东街道某村3组"),
                ("parent.name", "李强"),
            ],
            T0,
        );
        advance(
            &env,
            &id,
            "approve_carer",
            "village_committee",
            CARER,
            "2026-11-23T11:00:00+08:00",
        );
        advance(
            &env,
            &id,
            "sign_agreement",
            "village_committee",
            AGREEMENT,
            "2026-11-24T09:00:00+08:00",
        );
    }
    advance(
        &env,
        "2026-000001",
        "log_contact",
        "parent",
        &[
            ("contact.last_at", "2026-11-30T20:00:00+08:00"),
            ("contact.channel", "video"),
        ],
        "2026-11-30T21:00:00+08:00",
    );
    let care = env.open_xiaoming("2026-11-30T22:00:00+08:00");
    env.sign_agreement(&care, "2026-12-01T09:30:00+08:00");
    advance(
        &env,
        &care,
        "find_neglect",
        "child_director",
        &[("concern", "照护人生病住院，儿童独自在家")],
        "2026-12-01T10:00:00+08:00",
    );
    advance(
        &env,
        &care,
        "escalate",
        "police",
        &[],
        "2026-12-02T11:00:00+08:00",
    );
    env.ok(&[
        "case",
        "amend",
        "2026-000001",
        "--as",
        "village_committee",
        "--set",
        "child.address=黔江区城西街道某村5组",
        "--reason",
        "搬家",
        "--now",
        "2026-12-03T09:00:00+08:00",
    ]);
    // The runner: reminders, breaches and the system transitions they fire.
    env.ok(&["timers", "tick", "--now", "2026-12-20T10:00:00+08:00"]);
    env
}

/// Runs against another database file of the same environment.
fn on(env: &TestEnv, db: &Path, args: &[&str]) -> String {
    let db = db.display().to_string();
    let mut all = vec!["--db", db.as_str()];
    all.extend_from_slice(args);
    env.ok(&all)
}

/// Every case's `show` and `history`, the lists, the agenda and what is overdue: what a user
/// can see of a database (the indexes included).
fn visible(env: &TestEnv, db: &Path) -> String {
    let mut out = on(env, db, &["case", "list", "--json"]);
    let cases: Vec<serde_json::Value> = serde_json::from_str(&out).expect("JSON");
    assert!(cases.len() >= 4, "the scenario has its cases: {out}");
    for case in &cases {
        let id = case["case"].as_str().expect("id");
        out.push_str(&on(env, db, &["case", "show", id, "--json"]));
        out.push_str(&on(env, db, &["case", "history", id, "--json"]));
    }
    out.push_str(&on(env, db, &["workflow", "list", "--json"]));
    for state in ["entrusted", "under_supervision", "closed"] {
        out.push_str(&on(
            env,
            db,
            &[
                "case",
                "list",
                "--workflow",
                "entrusted-care",
                "--state",
                state,
                "--json",
            ],
        ));
    }
    let now = ["--now", "2026-12-20T10:00:00+08:00"];
    out.push_str(&on(
        env,
        db,
        &[&["agenda", "--days", "400"][..], &now].concat(),
    ));
    out.push_str(&on(env, db, &[&["case", "overdue"][..], &now].concat()));
    out
}

fn path(env: &TestEnv, name: &str) -> PathBuf {
    env.root().join(name)
}

#[test]
fn export_then_import_is_lossless_on_the_scenario_database() {
    let env = scenario();
    let first = env.ok(&["export", "--plain"]);
    let lines = first.lines().count();
    env.write_file("e1.jsonl", &first);
    let copy = path(&env, "copy.redb");
    let done = on(&env, &copy, &["import", "e1.jsonl", "--simulation"]);
    assert!(done.contains("已导入"), "{done}");
    let second = on(&env, &copy, &["export", "--plain"]);
    assert!(first == second, "a second export differs from the first");
    assert_eq!(visible(&env, &env.db()), visible(&env, &copy));
    on(&env, &copy, &["check"]);
    // The rebuilt indexes drive the runner the same way.
    let later = ["timers", "tick", "--now", "2027-01-20T10:00:00+08:00"];
    assert_eq!(env.ok(&later), on(&env, &copy, &later));
    println!("round trip: {lines} lines, byte-identical");
}

#[test]
fn import_reads_standard_input_and_the_json_summary() {
    let env = scenario();
    let export = env.ok(&["export", "--plain"]);
    let copy = path(&env, "stdin.redb");
    let out = env.zh().stdin(export).ok(&[
        "--db",
        copy.to_str().expect("utf-8"),
        "import",
        "-",
        "--simulation",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(v["imported"]["cases"].as_u64().expect("cases") >= 4, "{v}");
}

#[test]
fn export_to_a_file_refuses_an_existing_one() {
    let env = scenario();
    let out = env.ok(&["export", "--plain", "--out", "e.jsonl"]);
    assert!(out.contains("已导出"), "{out}");
    assert_eq!(
        std::fs::read_to_string(path(&env, "e.jsonl")).expect("export file"),
        env.ok(&["export", "--plain"])
    );
    let err = env.fails(&["export", "--plain", "--out", "e.jsonl"], 2);
    assert!(err.contains("已存在"), "{err}");
}

/// An import of `text` into a new database fails with exit 2 naming `line`, and leaves no file.
#[track_caller]
fn import_fails(env: &TestEnv, text: &str, line: usize, message: &str) {
    env.write_file("bad.jsonl", text);
    let target = path(env, "bad.redb");
    let out = env.run(&[
        "--db",
        target.to_str().expect("utf-8"),
        "import",
        "bad.jsonl",
        "--simulation",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("第 {line} 行")), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
    assert!(!target.exists(), "a failed import left a database");
    let leftovers: Vec<_> = std::fs::read_dir(env.root())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("import"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_damaged_export_is_refused_whole_naming_the_line() {
    let env = scenario();
    let export = env.ok(&["export", "--plain"]);
    let lines: Vec<&str> = export.lines().collect();
    let join = |ls: &[&str]| ls.join("\n") + "\n";
    let n = lines.len();
    // The last event dropped: its case no longer ends where its line says.
    let last_case = lines
        .iter()
        .rposition(|l| l.starts_with("{\"type\":\"case\""))
        .expect("a case line");
    let last_event = lines
        .iter()
        .rposition(|l| l.starts_with("{\"type\":\"event\""))
        .expect("an event line");
    let mut dropped = lines.clone();
    dropped.remove(last_event);
    import_fails(&env, &join(&dropped), last_case + 1, "无法由其事件重建");
    // A line repeated.
    let mut doubled = lines.clone();
    doubled.insert(n - 1, lines[n - 1]);
    import_fails(&env, &join(&doubled), n + 1, "重复");
    // A workflow's source edited: it no longer hashes to its name.
    let def = lines
        .iter()
        .position(|l| l.starts_with("{\"type\":\"definition\""))
        .expect("a definition");
    let mut edited = lines.clone();
    let changed = lines[def].replacen("title", "titl", 1);
    edited[def] = &changed;
    import_fails(&env, &join(&edited), def + 1, "");
    // An event moved to another state: replay disagrees with the case line.
    let fired = lines
        .iter()
        .position(|l| l.contains("\"t\":\"fired\"") && l.contains("\"to\":\"entrusted\""))
        .expect("a fired event");
    let owner = lines[..fired]
        .iter()
        .rposition(|l| l.starts_with("{\"type\":\"case\""))
        .expect("its case");
    let mut moved = lines.clone();
    let changed = lines[fired].replace("\"to\":\"entrusted\"", "\"to\":\"closed\"");
    moved[fired] = &changed;
    import_fails(&env, &join(&moved), owner + 1, "");
    // Counters dropped: the next case id would collide.
    let without_counters: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with("{\"type\":\"counter\""))
        .collect();
    // Named at the case with the highest number.
    let last_case = without_counters
        .iter()
        .rposition(|l| l.starts_with("{\"type\":\"case\""))
        .expect("a case");
    import_fails(&env, &join(&without_counters), last_case + 1, "counter");
    // Cut in the middle of a line.
    let half = (export.len() / 2..)
        .find(|i| export.is_char_boundary(*i))
        .expect("a boundary");
    let cut = export[..half].rfind('\n').expect("a line") + 10;
    let cut_text = &export[..cut];
    import_fails(&env, cut_text, cut_text.lines().count(), "JSON");
}

#[test]
fn check_passes_on_the_scenario_and_never_changes_the_file() {
    let env = scenario();
    let before = std::fs::read(env.db()).expect("db");
    let out = env.ok(&["check"]);
    assert!(out.contains("检查通过"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["check", "--json"])).expect("JSON");
    assert_eq!(json["ok"], true);
    assert!(json["events"].as_u64().expect("events") > 20, "{json}");
    assert_eq!(
        before,
        std::fs::read(env.db()).expect("db"),
        "check changed the file"
    );
}

/// Opens the scenario's file with redb directly and lets `tamper` change it.
fn tamper(env: &TestEnv, change: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::open(env.db()).expect("open");
    let tx = db.begin_write().expect("write");
    change(&tx);
    tx.commit().expect("commit");
}

#[test]
fn check_finds_an_index_a_snapshot_and_a_history_that_disagree() {
    const BY_STATE: redb::TableDefinition<(&str, &str, &str), ()> =
        redb::TableDefinition::new("by_state");
    const CASES: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("cases");
    const EVENTS: redb::TableDefinition<(&str, u32), &[u8]> = redb::TableDefinition::new("events");
    let env = scenario();
    tamper(&env, |tx| {
        let mut t = tx.open_table(BY_STATE).expect("by_state");
        t.insert(("entrusted-care", "closed", "2026-000002"), ())
            .expect("insert");
    });
    let err = env.fails(&["check"], 4);
    assert!(err.contains("索引 by_state 有多余条目"), "{err}");
    tamper(&env, |tx| {
        let names = wardflow_engine::store::format::stored_names_writing(tx).expect("names");
        let mut t = tx.open_table(CASES).expect("cases");
        let bytes = t
            .get("2026-000001")
            .expect("get")
            .expect("case")
            .value()
            .to_vec();
        // As JSON (a form the store still reads), to patch it as text.
        let case = wardflow_engine::store::format::decode_case(&bytes, &names).expect("snapshot");
        let json = wardflow_engine::store::format::encode(&case).expect("json");
        let text = String::from_utf8(json).expect("json");
        let changed = text.replacen("李小明", "李小名", 1);
        t.insert("2026-000001", changed.as_bytes()).expect("insert");
    });
    let err = env.fails(&["check"], 4);
    assert!(
        err.contains("案件 2026-000001 的当前状态与其事件重放的结果不一致"),
        "{err}"
    );
    tamper(&env, |tx| {
        let mut t = tx.open_table(EVENTS).expect("events");
        t.remove(("2026-000002", 2)).expect("remove");
    });
    let err = env.en().fails(&["check"], 4);
    assert!(
        err.contains("the events of case 2026-000002 do not replay"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &env.run(&["check", "--json"])
            .stdout
            .iter()
            .map(|b| *b as char)
            .collect::<String>(),
    )
    .unwrap_or_default();
    assert_eq!(json["ok"], false, "{json}");
}

#[test]
fn restore_checks_the_backup_and_replaces_only_with_force() {
    let env = scenario();
    env.ok(&["backup", "--plain", "--out", "b.redb"]);
    let seen = visible(&env, &env.db());
    env.ok(&[
        "case",
        "amend",
        "2026-000002",
        "--as",
        "village_committee",
        "--set",
        "child.address=别处",
        "--reason",
        "更正",
        "--now",
        "2026-12-21T09:00:00+08:00",
    ]);
    let err = env.fails(&["restore", "b.redb"], 2);
    assert!(err.contains("--force"), "{err}");
    // Rolling back the amendment loses an event: that needs a second confirmation.
    let err = env.fails(&["restore", "b.redb", "--force"], 1);
    assert!(err.contains("--accept-loss"), "{err}");
    let out = env.ok(&["restore", "b.redb", "--force", "--accept-loss"]);
    assert!(out.contains("已从 b.redb 恢复"), "{out}");
    assert_eq!(
        visible(&env, &env.db()),
        seen,
        "the restore brought back the backup"
    );
    // A restore into a new place needs no --force.
    let fresh = path(&env, "fresh.redb");
    on(&env, &fresh, &["restore", "b.redb"]);
    assert_eq!(visible(&env, &fresh), seen);
    // A damaged backup is refused, and the database stays as it was.
    {
        let db = redb::Database::open(path(&env, "b.redb")).expect("open backup");
        let tx = db.begin_write().expect("write");
        {
            let def: redb::TableDefinition<(&str, &str, &str), ()> =
                redb::TableDefinition::new("by_state");
            let mut t = tx.open_table(def).expect("by_state");
            let first = {
                let entry = t.first().expect("first").expect("an entry");
                let (w, s, c) = entry.0.value();
                (w.to_owned(), s.to_owned(), c.to_owned())
            };
            t.remove((first.0.as_str(), first.1.as_str(), first.2.as_str()))
                .expect("remove");
        }
        tx.commit().expect("commit");
    }
    let err = env.fails(&["restore", "b.redb", "--force"], 4);
    assert!(err.contains("备份文件检查发现 1 个问题"), "{err}");
}

#[test]
fn a_backup_taken_while_another_process_writes_is_consistent() {
    let env = scenario();
    const ROUNDS: usize = 40;
    let writer = {
        let db = env.db();
        let root = env.root().to_owned();
        let workflows = env.workflows_dir();
        std::thread::spawn(move || {
            for i in 0..ROUNDS {
                let now = format!("2026-12-21T{:02}:{:02}:00+08:00", 9 + i / 60, i % 60);
                let status = std::process::Command::new(env!("CARGO_BIN_EXE_wardflow"))
                    .current_dir(&root)
                    .env("WARDFLOW_DB", &db)
                    .env("WARDFLOW_WORKFLOWS", &workflows)
                    .env("WARDFLOW_USER", "张三")
                    .env("WARDFLOW_LANG", "zh")
                    .args([
                        "case",
                        "amend",
                        "2026-000002",
                        "--as",
                        "village_committee",
                        "--set",
                        &format!("child.address=第{i}次搬家"),
                        "--reason",
                        "更正",
                        "--now",
                        &now,
                        "--lock-timeout",
                        "30",
                    ])
                    .output()
                    .expect("run the writer");
                assert!(
                    status.status.success(),
                    "writer: {}",
                    String::from_utf8_lossy(&status.stderr)
                );
            }
        })
    };
    let mut taken = Vec::new();
    while !writer.is_finished() {
        let name = format!("b{}.redb", taken.len());
        env.ok(&["backup", "--plain", "--out", &name, "--lock-timeout", "30"]);
        taken.push(path(&env, &name));
    }
    writer.join().expect("the writer thread");
    let mut seqs = Vec::new();
    for backup in &taken {
        on(&env, backup, &["check"]);
        let show: serde_json::Value = serde_json::from_str(&on(
            &env,
            backup,
            &["case", "show", "2026-000002", "--json"],
        ))
        .expect("JSON");
        seqs.push(show["seq"].as_u64().expect("seq"));
    }
    assert!(seqs.windows(2).all(|w| w[0] <= w[1]), "{seqs:?}");
    println!(
        "{} backups taken during {ROUNDS} writes, at event numbers {seqs:?}",
        taken.len()
    );
    assert!(!taken.is_empty());
}
