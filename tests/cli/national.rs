//! The national cryptographic profile (issue 23 item 6), through the real binary: chosen at
//! `init --crypto`, recorded in the database's meta, shown by `init` and `check`.

use crate::common::{T0, TestEnv};
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("json")
}

/// A simulation database of the national profile (a fresh `init`: the shared template is
/// standard), on the 黔江区 profile whose bodies issue police letters.
pub(crate) fn national_env() -> TestEnv {
    let env = TestEnv::new();
    let out = env.ok(&[
        "init",
        "--simulation",
        "--crypto",
        "national",
        "--profiles",
        concat!(env!("CARGO_MANIFEST_DIR"), "/profiles"),
        "--profile",
        "qianjiang",
        "--now",
        T0,
    ]);
    assert!(
        out.contains("密码配置：国密（national），哈希算法 sm3"),
        "{out}"
    );
    env
}

#[test]
fn init_records_the_chosen_profile_and_check_shows_it() {
    let env = national_env();
    let report = json(&env.ok(&["check", "--json"]));
    assert_eq!(report["crypto"], "national", "{report}");
    assert_eq!(report["ok"], true, "{report}");
    let text = env.en().ok(&["check"]);
    assert!(
        text.contains("cryptographic profile: national, hashes sm3"),
        "{text}"
    );
    // The database is at the format that records the profile: nothing to migrate.
    let dry = json(&env.ok(&["db", "migrate", "--dry-run", "--json"]));
    assert_eq!(dry["to"], 8, "{dry}");
    assert_eq!(dry["from"], dry["to"], "{dry}");

    // The default is standard, as every database made before the choice existed.
    let standard = TestEnv::new();
    let made = json(&standard.ok(&["init", "--simulation", "--now", T0, "--json"]));
    assert_eq!(made["crypto"], "standard", "{made}");
    let report = json(&standard.ok(&["check", "--json"]));
    assert_eq!(report["crypto"], "standard", "{report}");
    // An unknown profile is refused before anything is made.
    let other = TestEnv::new();
    other.fails(&["init", "--simulation", "--crypto", "sm", "--now", T0], 2);
    assert!(!other.db().exists());
}

const T1: &str = "2026-11-23T11:00:00+08:00";
const EVENTS: redb::TableDefinition<(&str, u32), &[u8]> = redb::TableDefinition::new("events");

/// SM3 of `bytes` as the system's OpenSSL computes it (`openssl dgst -sm3`): a second,
/// independent implementation.
fn openssl_sm3(dir: &std::path::Path, bytes: &[u8]) -> String {
    let file = dir.join("canonical.json");
    std::fs::write(&file, bytes).expect("write");
    let out = std::process::Command::new("openssl")
        .args(["dgst", "-sm3", "-r"])
        .arg(&file)
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_owned()
}

/// Every stored event of `case`: (seq, prev, hash, the event's JSON as history shows it).
fn stored_chain(env: &TestEnv, case: &str) -> Vec<(u32, Option<String>, String, Value)> {
    use wardflow_engine::case::Event;
    use wardflow_engine::store::format::{StoredEvent, decode};
    let db = redb::Database::open(env.db()).expect("open redb");
    let tx = redb::ReadableDatabase::begin_read(&db).expect("read");
    let table = tx.open_table(EVENTS).expect("events");
    table
        .range((case, 0)..=(case, u32::MAX))
        .expect("range")
        .map(|row| {
            let (k, v) = row.expect("row");
            let stored: StoredEvent = decode(v.value()).expect("stored event");
            let prev = stored.prev.as_ref().map(|h| h.0.clone());
            let hash = stored.hash.as_ref().expect("chained").0.clone();
            let event = Event::try_from(stored).expect("event");
            (
                k.value().1,
                prev,
                hash,
                serde_json::to_value(event).expect("json"),
            )
        })
        .collect()
}

#[test]
fn a_national_chain_is_sm3_as_openssl_computes_it_and_verifies() {
    let env = national_env();
    let id = env.open_xiaoming(T0);
    env.sign_agreement(&id, T1);
    let case: wardflow_engine::case::CaseId = id.parse().expect("case id");
    let chain = stored_chain(&env, &id);
    assert!(chain.len() >= 3, "{chain:?}");
    // The opening event names the profile its chain is hashed under.
    assert_eq!(chain[0].3["crypto"], "national", "{}", chain[0].3);
    let history = json(&env.ok(&["case", "history", &id, "--json"]));
    assert!(
        history.to_string().contains(r#""crypto":"national""#),
        "{history}"
    );
    let mut prev: Option<String> = None;
    for (seq, stored_prev, hash, event) in &chain {
        assert_eq!(stored_prev, &prev, "event {seq}");
        let bytes = wardflow_engine::chain::canonical(
            &case,
            prev.clone().map(wardflow_engine::chain::ChainHash).as_ref(),
            event,
        )
        .expect("canonical");
        assert_eq!(hash, &openssl_sm3(env.root(), &bytes), "event {seq}");
        assert_ne!(
            hash,
            &wardflow_engine::crypto::Profile::Standard.digest_hex(&bytes),
            "event {seq}"
        );
        prev = Some(hash.clone());
    }
    // verify and check recompute it under the database's profile (the access log too).
    let verified = json(&env.ok(&["verify", "--json"]));
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["verified"][0]["head"].as_str(), prev.as_deref());
    let report = json(&env.ok(&["check", "--json"]));
    assert_eq!(report["ok"], true, "{report}");
    // An export and import keeps the database national and its chains verifying.
    let dump = env.ok(&["export", "--plain"]);
    env.write_file("dump.jsonl", &dump);
    env.ok(&["--db", "copy.redb", "import", "dump.jsonl", "--simulation"]);
    let copy = json(&env.ok(&["--db", "copy.redb", "check", "--json"]));
    assert_eq!(copy["crypto"], "national", "{copy}");
    assert_eq!(copy["ok"], true, "{copy}");
    let verified = json(&env.ok(&["--db", "copy.redb", "verify", "--json"]));
    assert_eq!(verified["ok"], true, "{verified}");
}

#[test]
fn a_national_databases_letters_are_sm3_digested_and_verify_as_a_standard_ones_do() {
    let env = national_env();
    let id = crate::letter_issue::warning_case(&env);
    let issued = json(&env.ok(&[
        "letter",
        "issue",
        &id,
        "warning-letter",
        "--as",
        "police",
        "--now",
        T1,
        "--json",
    ]));
    let letter = issued["letter"].as_str().expect("archive id").to_owned();
    let code = issued["code"].as_str().expect("code").to_owned();
    let shown = json(&env.ok(&["letter", "show", &letter, "--json"]));
    assert_eq!(shown["digest_algorithm"], "sm3", "{shown}");
    // The chained event records the algorithm beside its digests.
    let history = json(&env.ok(&["case", "history", &id, "--json"]));
    let issued_event = history
        .as_array()
        .and_then(|h| h.iter().find(|e| e["type"] == "letter_issued"))
        .expect("a letter_issued event");
    assert_eq!(issued_event["digest_algorithm"], "sm3", "{issued_event}");
    for format in ["html", "txt", "pdf"] {
        let file = env.root().join(format!("letter.{format}"));
        let path = file.to_str().expect("utf-8 path");
        env.ok(&[
            "letter", "export", &letter, "--format", format, "--out", path,
        ]);
        let bytes = std::fs::read(&file).expect("exported");
        if format == "pdf" {
            // The PDF's digest is its plain SM3, as OpenSSL computes it.
            assert_eq!(
                shown["pdf_sha256"].as_str(),
                Some(openssl_sm3(env.root(), &bytes).as_str())
            );
        }
        let out = env.ok(&["letter", "verify", path]);
        assert!(out.contains("逐字节一致"), "{format}: {out}");
        assert!(out.contains(&letter), "{out}");
        if format != "pdf" {
            let mut changed = bytes.clone();
            let at = changed.len() / 2;
            changed[at] ^= 0x01;
            std::fs::write(&file, &changed).expect("write");
            env.fails(&["letter", "verify", path], 4);
        }
    }
    let by_code = env.ok(&["letter", "verify", "--code", &code]);
    assert!(by_code.contains(&letter), "{by_code}");
    let verified = json(&env.ok(&["verify", "--json"]));
    assert_eq!(verified["ok"], true, "{verified}");
    let report = json(&env.ok(&["check", "--json"]));
    assert_eq!(report["ok"], true, "{report}");
}
