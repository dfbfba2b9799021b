//! The tamper-evident history end to end: `verify` over a database whose events are altered
//! behind wardflow's back (through redb directly, the test-only path), the office key, and
//! signed exports checked without the database.

use crate::common;

use common::{T0, TestEnv};
use redb::{ReadableTable, TableDefinition};
use serde_json::Value;
use wardflow_engine::store::format::NamesInMemory;

const EVENTS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("events");
const CASES: TableDefinition<&str, &[u8]> = TableDefinition::new("cases");
const T1: &str = "2026-11-23T11:00:00+08:00";

/// A simulation database with one entrusted-care case of six or so events.
fn entrusted() -> (TestEnv, String) {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    env.sign_agreement(&id, T1);
    (env, id)
}

/// Raw access to the file, as an attacker with the file would have.
fn with_events<R>(
    env: &TestEnv,
    f: impl FnOnce(&mut redb::Table<(&str, u32), &[u8]>, &NamesInMemory) -> R,
) -> R {
    let db = redb::Database::open(env.db()).expect("open redb");
    let tx = db.begin_write().expect("write");
    let names = wardflow_engine::store::format::stored_names_writing(&tx).expect("names");
    let out = {
        let mut table = tx.open_table(EVENTS).expect("events table");
        f(&mut table, &names)
    };
    tx.commit().expect("commit");
    out
}

/// Event `seq` of `id` as its JSON record (the form a record had before stored format 9, which
/// the store still reads, and which `write` puts back).
fn read(
    table: &redb::Table<(&str, u32), &[u8]>,
    names: &NamesInMemory,
    id: &str,
    seq: u32,
) -> Value {
    use wardflow_engine::store::format::{History, encode};
    let mut history = History::new();
    let mut found = None;
    for row in table.range((id, 0)..=(id, seq)).expect("range") {
        let (k, v) = row.expect("row");
        let stored = history.next(v.value(), names).expect("stored event");
        if k.value().1 == seq {
            found = Some(encode(&stored).expect("json"));
        }
    }
    serde_json::from_slice(&found.expect("event exists")).expect("json envelope")
}

fn write(table: &mut redb::Table<(&str, u32), &[u8]>, id: &str, seq: u32, record: &Value) {
    let bytes = serde_json::to_vec(record).expect("json");
    table.insert((id, seq), bytes.as_slice()).expect("insert");
}

fn count(table: &redb::Table<(&str, u32), &[u8]>, id: &str) -> u32 {
    table
        .range((id, 0)..=(id, u32::MAX))
        .expect("range")
        .count() as u32
}

#[test]
fn an_untouched_database_verifies() {
    let (env, id) = entrusted();
    env.open_xiaoming(T1);
    let out = env.ok(&["verify"]);
    assert!(out.contains("已校验 2 个案件"), "{out}");
    assert!(out.contains("历史链完整"), "{out}");
    let out = env.en().ok(&["verify", &id]);
    assert!(out.starts_with("verified 1 case(s)"), "{out}");
    let json: Value = serde_json::from_str(&env.ok(&["verify", "--json"])).expect("json");
    assert_eq!(json["ok"], true);
    assert_eq!(json["verified"][0]["head"].as_str().map(str::len), Some(64));
}

#[test]
fn a_modified_event_is_caught() {
    let (env, id) = entrusted();
    with_events(&env, |t, names| {
        let mut record = read(t, names, &id, 2);
        record["body"]["actor"] = Value::from("李四");
        write(t, &id, 2, &record);
    });
    let err = env.fails(&["verify"], 4);
    assert!(
        err.contains(&format!("案件 {id} 第 2 个事件被改动（modified）")),
        "{err}"
    );
    let out = env.run(&["verify", &id]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("被改动（modified）"),
        "{out:?}"
    );
    let err = env.en().fails(&["verify", "--json"], 4);
    assert!(err.contains("\"kind\":\"integrity\""), "{err}");
    assert!(err.contains("\"code\":4"), "{err}");
}

/// Alters an event and records the hash its new content gives, as an attacker who knows the
/// scheme would.
fn alter_and_rehash(env: &TestEnv, id: &str, seq: u32) {
    use wardflow_engine::case::{CaseId, Event};
    use wardflow_engine::store::format::{StoredEvent, decode, encode};
    with_events(env, |t, names| {
        let bytes = read(t, names, id, seq).to_string();
        let mut stored: StoredEvent = decode(bytes.as_bytes()).expect("stored event");
        stored.actor = "李四".to_owned();
        let event = Event::try_from(stored.clone()).expect("event");
        let case: CaseId = id.parse().expect("case id");
        stored.hash = Some(
            wardflow_engine::chain::hash(
                wardflow_engine::crypto::Profile::Standard,
                &case,
                stored.prev.as_ref(),
                &event,
            )
            .expect("hash"),
        );
        let record: Value =
            serde_json::from_slice(&encode(&stored).expect("encode")).expect("json");
        write(t, id, seq, &record);
    });
}

#[test]
fn a_modified_and_rehashed_event_is_caught_at_the_next_link() {
    let (env, id) = entrusted();
    alter_and_rehash(&env, &id, 2);
    let err = env.fails(&["verify"], 4);
    assert!(err.contains("第 3 个事件被改动（modified）"), "{err}");
}

#[test]
fn a_modified_and_rehashed_last_event_is_caught_by_the_snapshot_head() {
    let (env, id) = entrusted();
    let last = with_events(&env, |t, _| count(t, &id));
    alter_and_rehash(&env, &id, last);
    let err = env.fails(&["verify"], 4);
    assert!(
        err.contains(&format!("第 {last} 个事件被改动（modified）")),
        "{err}"
    );
}

#[test]
fn a_removed_event_is_caught() {
    let (env, id) = entrusted();
    with_events(&env, |t, _| {
        t.remove((id.as_str(), 2)).expect("remove");
    });
    let err = env.en().fails(&["verify"], 4);
    assert!(
        err.contains(&format!("case {id}, event 2 is missing")),
        "{err}"
    );
}

#[test]
fn reordered_events_are_caught() {
    let (env, id) = entrusted();
    with_events(&env, |t, names| {
        let (a, b) = (read(t, names, &id, 2), read(t, names, &id, 3));
        write(t, &id, 2, &b);
        write(t, &id, 3, &a);
    });
    let err = env.fails(&["verify", &id], 4);
    assert!(err.contains("第 2 个事件顺序被调换（reordered）"), "{err}");
    // Renumbered to fit their new places, they are still out of order.
    with_events(&env, |t, names| {
        for seq in [2, 3] {
            let mut record = read(t, names, &id, seq);
            record["body"]["seq"] = Value::from(seq);
            write(t, &id, seq, &record);
        }
    });
    let err = env.fails(&["verify", &id], 4);
    assert!(err.contains("第 2 个事件顺序被调换（reordered）"), "{err}");
}

#[test]
fn a_truncated_history_is_caught() {
    let (env, id) = entrusted();
    let last = with_events(&env, |t, _| {
        let last = count(t, &id);
        t.remove((id.as_str(), last)).expect("remove");
        last
    });
    let err = env.fails(&["verify"], 4);
    assert!(
        err.contains(&format!(
            "历史被截断（truncated）：快照记到第 {last} 个事件，存储中只到第 {} 个",
            last - 1
        )),
        "{err}"
    );
}

#[test]
fn verify_of_an_unknown_case_is_bad_input() {
    let (env, _) = entrusted();
    let err = env.fails(&["verify", "2026-000099"], 2);
    assert!(err.contains("2026-000099"), "{err}");
    env.fails(&["verify", "nonsense"], 2);
}

/// A database written before chaining: no hashes in events, no head in snapshots.
fn strip_chain(env: &TestEnv, id: &str) {
    let db = redb::Database::open(env.db()).expect("open redb");
    let tx = db.begin_write().expect("write");
    {
        let names = wardflow_engine::store::format::stored_names_writing(&tx).expect("names");
        let mut events = tx.open_table(EVENTS).expect("events");
        for seq in 1..=count(&events, id) {
            let mut record = read(&events, &names, id, seq);
            let body = record["body"].as_object_mut().expect("body");
            body.remove("hash");
            body.remove("prev");
            write(&mut events, id, seq, &record);
        }
        let mut cases = tx.open_table(CASES).expect("cases");
        let mut snapshot: Value = {
            use wardflow_engine::store::format::{decode_case, encode};
            let bytes = cases.get(id).expect("get").expect("snapshot");
            let case = decode_case(bytes.value(), &names).expect("snapshot");
            serde_json::from_slice(&encode(&case).expect("json")).expect("json")
        };
        snapshot["body"]
            .as_object_mut()
            .expect("body")
            .remove("head");
        cases
            .insert(id, serde_json::to_vec(&snapshot).expect("json").as_slice())
            .expect("insert");
    }
    tx.commit().expect("commit");
}

#[test]
fn a_database_from_before_chaining_verifies_and_chains_from_its_next_event() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    strip_chain(&env, &id);
    let legacy = with_events(&env, |t, _| count(t, &id));
    let out = env.ok(&["verify"]);
    assert!(
        out.contains(&format!(
            "案件 {id} 的前 {legacy} 个事件记录于启用历史链之前"
        )),
        "{out}"
    );
    // The next command chains on top of the old events, hashing them in.
    env.sign_agreement(&id, T1);
    env.ok(&["verify"]);
    with_events(&env, |t, names| {
        let mut record = read(t, names, &id, 1);
        record["body"]["actor"] = Value::from("李四");
        write(t, &id, 1, &record);
    });
    let err = env.fails(&["verify"], 4);
    assert!(
        err.contains(&format!("第 {} 个事件被改动（modified）", legacy + 1)),
        "{err}"
    );
}

#[test]
fn init_makes_a_private_key_and_key_show_prints_only_the_public_half() {
    let (env, _) = entrusted();
    let key_file = env.root().join("w.redb.key");
    let secret = std::fs::read_to_string(&key_file).expect("key file beside the database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = env.ok(&["key", "show"]);
    assert!(out.contains("公钥（public_key）："), "{out}");
    let seed = secret.lines().nth(1).expect("seed line");
    assert!(!out.contains(seed));
    let json: Value = serde_json::from_str(&env.ok(&["key", "show", "--json"])).expect("json");
    assert_eq!(json["public_key"].as_str().map(str::len), Some(64));
    // init again keeps it; key init refuses to overwrite it.
    env.fails(&["key", "init"], 2);
    assert_eq!(std::fs::read_to_string(&key_file).expect("key"), secret);
}

#[test]
fn a_database_without_a_key_is_told_how_to_make_one() {
    let (env, _) = entrusted();
    std::fs::remove_file(env.root().join("w.redb.key")).expect("remove key");
    let err = env.fails(&["key", "show"], 2);
    assert!(err.contains("wardflow key init"), "{err}");
    let out = env.en().ok(&["key", "init"]);
    assert!(out.contains("made the office signing key"), "{out}");
    env.ok(&["key", "show"]);
    let elsewhere = env.root().join("office.key");
    let path = elsewhere.display().to_string();
    env.ok(&["key", "init", "--key-file", &path]);
    assert!(elsewhere.exists());
}

fn public_key(env: &TestEnv) -> String {
    let json: Value = serde_json::from_str(&env.ok(&["key", "show", "--json"])).expect("json");
    json["public_key"].as_str().expect("public key").to_owned()
}

#[test]
fn a_signed_export_verifies_elsewhere_and_tampering_is_named() {
    let (env, id) = entrusted();
    let out = env.ok(&["case", "export", &id, "--out", "case.json", "--now", T1]);
    assert!(out.contains("已导出案件"), "{out}");
    let key = public_key(&env);
    // Another machine: no database, only the file and the public key.
    let elsewhere = TestEnv::empty();
    let file = env.root().join("case.json");
    let copy = elsewhere.root().join("case.json");
    std::fs::copy(&file, &copy).expect("copy");
    let out = elsewhere.ok(&["verify", "--file", "case.json", "--key", &key]);
    assert!(out.contains("校验通过"), "{out}");
    assert!(!elsewhere.db().exists());

    let text = std::fs::read_to_string(&copy).expect("export");
    let doc: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(doc["content"]["letters"], Value::Array(vec![]));
    // One changed byte in an event.
    std::fs::write(&copy, text.replacen("王奶奶", "王姥姥", 1)).expect("write");
    let out = elsewhere.run(&["verify", "--file", "case.json", "--key", &key]);
    assert_eq!(out.status.code(), Some(4));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("签名无效（signature）"), "{stdout}");
    assert!(stdout.contains("被改动（modified）"), "{stdout}");

    // Another key (a fresh init: copies of one template database share theirs).
    let other = TestEnv::examples_only();
    other.init_fresh(T0);
    std::fs::copy(&file, &copy).expect("copy");
    let err = elsewhere.en().fails(
        &[
            "verify",
            "--file",
            "case.json",
            "--key",
            &public_key(&other),
        ],
        4,
    );
    assert!(err.contains("signed by another key"), "{err}");
    // Not a key, not an export.
    elsewhere.fails(&["verify", "--file", "case.json", "--key", "abc"], 2);
    std::fs::write(&copy, "{}").expect("write");
    elsewhere.fails(&["verify", "--file", "case.json", "--key", &key], 2);
}

#[test]
fn a_broken_chain_is_not_exported() {
    let (env, id) = entrusted();
    with_events(&env, |t, _| {
        t.remove((id.as_str(), 2)).expect("remove");
    });
    let err = env.fails(
        &["case", "export", &id, "--out", "case.json", "--now", T1],
        4,
    );
    assert!(err.contains("不予签名导出"), "{err}");
    assert!(!env.root().join("case.json").exists());
}

#[test]
fn issued_letters_are_chained_and_travel_in_the_export() {
    let env = TestEnv::new();
    let profiles = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles");
    env.ok(&[
        "init",
        "--simulation",
        "--profiles",
        profiles,
        "--profile",
        "qianjiang",
        "--now",
        T0,
    ]);
    let id = common::open(
        &env,
        "guardianship-intervention",
        "police",
        &[
            ("source", "mandatory_report"),
            ("child.name", "张小花"),
            ("abuser.name", "张大山"),
            ("abuser.relation", "父亲"),
            (
                "admonishment.facts",
                "2026年11月22日晚，张大山殴打女儿张小花",
            ),
            ("admonishment.issued_at", "2026-11-23T09:30:00+08:00"),
        ],
        T0,
    );
    env.ok(&[
        "letter",
        "issue",
        &id,
        "warning-letter",
        "--as",
        "police",
        "--now",
        T1,
    ]);
    env.ok(&["verify"]);
    env.ok(&["case", "export", &id, "--out", "case.json", "--now", T1]);
    let key = public_key(&env);
    let out = env.ok(&["verify", "--file", "case.json", "--key", &key]);
    assert!(out.contains("校验通过"), "{out}");
    let file = env.root().join("case.json");
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("export")).expect("json");
    let letter = &mut doc["content"]["letters"][0];
    let html = letter["html"].as_str().expect("archived html").to_owned();
    letter["html"] = Value::from(html.replacen("张大山", "张小山", 1));
    std::fs::write(&file, serde_json::to_vec(&doc).expect("json")).expect("write");
    let out = env.run(&["verify", "--file", "case.json", "--key", &key]);
    assert_eq!(out.status.code(), Some(4));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("签名无效"), "{stdout}");
    assert!(
        stdout.contains("的正文与历史链所记的哈希不符（letters）"),
        "{stdout}"
    );
}

#[test]
fn check_words_a_broken_chain_in_chinese_without_english_debug_text() {
    let (env, id) = entrusted();
    with_events(&env, |t, names| {
        let mut record = read(t, names, &id, 2);
        record["body"]["actor"] = Value::from("李四");
        write(t, &id, 2, &record);
    });
    let err = env.fails(&["check"], 4);
    // The same sentence `verify` gives, in Chinese.
    assert!(
        err.contains(&format!("案件 {id} 第 2 个事件被改动（modified）")),
        "{err}"
    );
    for english in ["Modified", "expected", "found", "event 2", "Break"] {
        assert!(!err.contains(english), "English {english:?} in: {err}");
    }
    let json = env.run(&["check", "--json"]);
    let out: Value = serde_json::from_slice(&json.stdout).expect("check --json prints JSON");
    let problems = out["problems"].as_array().expect("a list of problems");
    assert!(
        problems
            .iter()
            .filter_map(Value::as_str)
            .any(|p| p.contains("第 2 个事件被改动")),
        "{problems:?}"
    );
}

/// Published definitions are read from their decoded form (stored format 11): an insider who
/// rewrites that form, leaving the YAML source and its hash as they were, is named by `check`
/// in the user's language, and `db migrate` writes the form again from the source.
#[test]
fn check_names_a_decoded_definition_altered_behind_its_source_and_db_migrate_mends_it() {
    const DECODED: TableDefinition<&str, &[u8]> = TableDefinition::new("definitions_decoded");
    use wardflow_engine::definition::stored;
    let (env, id) = entrusted();
    env.ok(&["check"]);
    {
        let db = redb::Database::open(env.db()).expect("open redb");
        let tx = db.begin_write().expect("write");
        {
            let mut table = tx.open_table(DECODED).expect("decoded table");
            let hashes: Vec<String> = table
                .iter()
                .expect("iter")
                .map(|e| e.expect("entry").0.value().to_owned())
                .collect();
            assert!(
                !hashes.is_empty(),
                "publishing keeps each definition decoded"
            );
            for hash in hashes {
                let bytes = table.get(hash.as_str()).expect("get").expect("form");
                let mut def = stored::decode(bytes.value()).expect("this build's form");
                drop(bytes);
                for state in &mut def.states {
                    state.title = format!("{}（改）", state.title);
                }
                let bytes = stored::encode(&def).expect("encode");
                table
                    .insert(hash.as_str(), bytes.as_slice())
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    // A command follows the form (that is what it is for) ...
    let shown = env.ok(&["case", "show", &id]);
    assert!(shown.contains("（改）"), "{shown}");
    // ... so `check` holds it to its source, in Chinese and in English.
    let err = env.fails(&["check"], 4);
    assert!(err.contains("的解码副本与其 YAML 源不一致"), "{err}");
    assert!(err.contains("wardflow db migrate"), "{err}");
    let err = env.fails(&["--lang", "en", "check"], 4);
    assert!(err.contains("differs from its YAML source"), "{err}");
    env.ok(&["db", "migrate"]);
    env.ok(&["check"]);
    let shown = env.ok(&["case", "show", &id]);
    assert!(!shown.contains("（改）"), "{shown}");
}
