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
    assert_eq!(
        dry["to"],
        wardflow_engine::store::migrations::CURRENT,
        "{dry}"
    );
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
    use wardflow_engine::store::format::History;
    let db = redb::Database::open(env.db()).expect("open redb");
    let tx = redb::ReadableDatabase::begin_read(&db).expect("read");
    let names = wardflow_engine::store::format::stored_names(&tx).expect("names");
    let table = tx.open_table(EVENTS).expect("events");
    let mut history = History::new();
    table
        .range((case, 0)..=(case, u32::MAX))
        .expect("range")
        .map(|row| {
            let (k, v) = row.expect("row");
            let stored = history.next(v.value(), &names).expect("stored event");
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

#[test]
fn a_national_office_signs_with_sm2_and_verify_takes_the_algorithm_from_the_trusted_key() {
    const PASSPHRASE: &str = "WARDFLOW_KEY_PASSPHRASE";
    let env = national_env();
    let shown = json(&env.ok(&["key", "show", "--json"]));
    assert_eq!(shown["algorithm"], "sm2", "{shown}");
    let public = shown["public_key"].as_str().expect("public key").to_owned();
    assert_eq!(public.len(), 130, "an uncompressed SM2 point: {public}");
    let text = env.ok(&["key", "show"]);
    assert!(text.contains("签名算法（algorithm）：sm2"), "{text}");
    let key_file = std::fs::read_to_string(env.root().join("w.redb.key")).expect("key file");
    assert!(key_file.starts_with("wardflow office key: SM2 secret key"));

    let id = env.open_xiaoming(T0);
    env.sign_agreement(&id, T1);
    env.ok(&["case", "export", &id, "--out", "case.json", "--now", T1]);
    let doc = json(&std::fs::read_to_string(env.root().join("case.json")).expect("export"));
    assert_eq!(doc["signature"]["algorithm"], "sm2", "{}", doc["signature"]);
    let out = env.ok(&["verify", "--file", "case.json", "--key", &public]);
    assert!(out.contains("校验通过"), "{out}");

    // A standard office's Ed25519 key does not verify it: the algorithm is the key's.
    let standard = TestEnv::new();
    standard.init_simulation(T0);
    let ed25519 = json(&standard.ok(&["key", "show", "--json"]));
    assert_eq!(ed25519["algorithm"], "ed25519", "{ed25519}");
    let other = ed25519["public_key"].as_str().expect("public key");
    std::fs::copy(
        env.root().join("case.json"),
        standard.root().join("case.json"),
    )
    .expect("copy");
    standard.fails(&["verify", "--file", "case.json", "--key", other], 4);
    // Relabelling the file's algorithm changes nothing: the trusted SM2 key decides.
    let mut relabelled = doc.clone();
    relabelled["signature"]["algorithm"] = Value::from("ed25519");
    env.write_file("relabelled.json", relabelled.to_string());
    let err = env.fails(
        &["verify", "--file", "relabelled.json", "--key", &public],
        4,
    );
    assert!(err.contains("ed25519"), "{err}");

    // Rotation stays national: the new key is SM2, the ring keeps the old one, and the
    // export signed before still verifies against the ring.
    let out = env
        .wardflow(["key", "rotate", "--now", "2026-11-24T09:00:00+08:00"])
        .var(PASSPHRASE, "青江县 2026 口令")
        .ok();
    assert!(out.contains("已轮换本单位签名密钥"), "{out}");
    let ring = json(&env.ok(&["key", "ring", "--json"]));
    let algorithms: Vec<&str> = ring
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["algorithm"].as_str())
        .collect();
    assert_eq!(algorithms, ["sm2", "sm2"], "{ring}");
    let out = env.ok(&["verify", "--file", "case.json"]);
    assert!(out.contains("校验通过"), "{out}");

    // An existing Ed25519 key file is refused for a national database, which is not made.
    let mismatched = TestEnv::new();
    std::fs::copy(
        standard.root().join("w.redb.key"),
        mismatched.root().join("w.redb.key"),
    )
    .expect("copy key");
    let err = mismatched.fails(
        &["init", "--simulation", "--crypto", "national", "--now", T0],
        1,
    );
    assert!(err.contains("sm2"), "{err}");
    assert!(!mismatched.db().exists());
}

/// A new key pair for opening copies, made by `key identity` (extra arguments first): the
/// command's JSON answer.
fn copy_key(env: &TestEnv, file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["key", "identity", "--out", file, "--json"];
    args.extend(extra);
    json(&env.ok(&args))
}

/// The personal values `open_xiaoming` records, and what a de-chunked copy would show.
const PERSONAL: [&str; 3] = ["小明", "李四", "2018-05-01"];

#[test]
fn a_national_databases_copies_are_sm2_wrapped_sm4_gcm_and_open_only_with_its_key() {
    let env = national_env();
    let root = env.root().to_owned();
    let id = env.open_xiaoming(T0);
    env.sign_agreement(&id, T1);
    // `key identity` makes an SM2 pair in a national database: a 130-digit point.
    let made = copy_key(&env, "office.key", &[]);
    assert_eq!(made["crypto"], "national", "{made}");
    let public = made["public_key"].as_str().expect("public key").to_owned();
    assert_eq!(public.len(), 130, "{public}");
    assert!(public.starts_with("04"), "{public}");
    let secret = std::fs::read_to_string(root.join("office.key")).expect("key file");
    assert!(secret.contains("WARDFLOW-SM2-SECRET-KEY-"), "{secret}");
    copy_key(&env, "other.key", &[]);
    // An age key is refused at publish in a national database, naming recipients.
    let age = copy_key(&env, "age.key", &["--crypto", "standard"]);
    let age_public = age["public_key"].as_str().expect("age key");
    assert!(age_public.starts_with("age1"), "{age}");
    let file = env.write_file(
        "privacy-age.yaml",
        format!("recipients:\n  - {age_public}\n"),
    );
    let err = env.fails(&["publish", "privacy", &file, "--now", T0], 2);
    assert!(
        err.contains("recipients") && err.contains("national"),
        "{err}"
    );
    let err = env
        .en()
        .fails(&["publish", "privacy", &file, "--now", T0], 2);
    assert!(err.contains("cryptographic profile is national"), "{err}");
    let file = env.write_file("privacy.yaml", format!("recipients:\n  - {public}\n"));
    env.ok(&["publish", "privacy", &file, "--now", T0]);

    env.ok(&["backup", "--out", "b.copy"]);
    env.ok(&["export", "--out", "e.copy", "--now", T1]);
    for copy in ["b.copy", "e.copy"] {
        let bytes = std::fs::read(root.join(copy)).expect("copy");
        assert!(bytes.starts_with(b"wardflow-sm-copy/v1\n-> sm2 "), "{copy}");
        let text = String::from_utf8_lossy(&bytes);
        for value in PERSONAL {
            assert!(!text.contains(value), "{copy} shows {value}");
        }
    }
    // With another key, without one, or changed: a clear error, and nothing made or replaced.
    for (args, code, said) in [
        (vec!["--identity", "other.key"], 2, "打不开"),
        (vec!["--identity", "age.key"], 2, "打不开"),
        (vec![], 2, "--identity"),
    ] {
        let mut restore = vec!["--db", "r.redb", "restore", "b.copy"];
        restore.extend(&args);
        let err = env.fails(&restore, code);
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(!root.join("r.redb").exists(), "{args:?}");
        let mut import = vec!["--db", "i.redb", "import", "e.copy", "--simulation"];
        import.extend(&args);
        import.extend(["--now", T1]);
        let err = env.fails(&import, code);
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(!root.join("i.redb").exists(), "{args:?}");
    }
    // A wrong key over the database itself leaves it as it was (`fails` compares dumps).
    env.fails(
        &["restore", "b.copy", "--force", "--identity", "other.key"],
        2,
    );
    for (copy, changed) in [("b.copy", "b-changed.copy"), ("e.copy", "e-changed.copy")] {
        let mut bytes = std::fs::read(root.join(copy)).expect("copy");
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        std::fs::write(root.join(changed), bytes).expect("write");
    }
    let cut = std::fs::read(root.join("e.copy")).expect("copy");
    std::fs::write(root.join("e-cut.copy"), &cut[..cut.len() - 20]).expect("write");
    let err = env.fails(
        &[
            "--db",
            "r.redb",
            "restore",
            "b-changed.copy",
            "--identity",
            "office.key",
        ],
        4,
    );
    assert!(err.contains("损坏"), "{err}");
    assert!(!root.join("r.redb").exists());
    for damaged in ["e-changed.copy", "e-cut.copy"] {
        let err = env.en().fails(
            &[
                "--db",
                "i.redb",
                "import",
                damaged,
                "--simulation",
                "--identity",
                "office.key",
                "--now",
                T1,
            ],
            4,
        );
        assert!(err.contains("damaged"), "{damaged}: {err}");
        assert!(!root.join("i.redb").exists(), "{damaged}");
    }
    // With its key each opens: the restored and the imported database verify, national.
    env.ok(&[
        "--db",
        "r.redb",
        "restore",
        "b.copy",
        "--identity",
        "office.key",
    ]);
    let verified = json(&env.ok(&["--db", "r.redb", "verify", "--json", "--now", T1]));
    assert_eq!(verified["ok"], true, "{verified}");
    let shown = env.ok(&["--db", "r.redb", "case", "show", &id, "--now", T1]);
    assert!(shown.contains("小明"), "{shown}");
    env.ok(&[
        "--db",
        "i.redb",
        "import",
        "e.copy",
        "--simulation",
        "--identity",
        "office.key",
        "--now",
        T1,
    ]);
    let copy = json(&env.ok(&["--db", "i.redb", "check", "--json"]));
    assert_eq!(
        (copy["crypto"].as_str(), copy["ok"].as_bool()),
        (Some("national"), Some(true)),
        "{copy}"
    );
    let verified = json(&env.ok(&["--db", "i.redb", "verify", "--json", "--now", T1]));
    assert_eq!(verified["ok"], true, "{verified}");
    // A plain copy only with the flag, and the access log says so, as it says to whom the
    // encrypted ones went.
    env.ok(&["backup", "--plain", "--out", "p.redb"]);
    let audit = json(&env.ok(&["audit", "--json", "--now", T1]));
    let copies: Vec<(String, String)> = audit
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["case"] == "*" && (e["action"] == "backup" || e["action"] == "export"))
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        copies
            .iter()
            .any(|(a, r)| a == "backup" && r.contains("plain")),
        "{copies:?}"
    );
    for action in ["backup", "export"] {
        assert!(
            copies
                .iter()
                .any(|(a, r)| a == action && r.contains(&format!("encrypted to {public}"))),
            "{copies:?}"
        );
    }
}

#[test]
fn an_sm2_key_is_refused_as_a_standard_databases_recipient() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    let made = copy_key(&env, "office.key", &["--crypto", "national"]);
    let public = made["public_key"].as_str().expect("public key");
    let file = env.write_file("privacy.yaml", format!("recipients:\n  - {public}\n"));
    let err = env.fails(&["publish", "privacy", &file, "--now", T0], 2);
    assert!(
        err.contains("recipients") && err.contains("standard"),
        "{err}"
    );
    // The default is the database's profile: age here.
    let made = copy_key(&env, "age.key", &[]);
    assert_eq!(made["crypto"], "standard", "{made}");
}
