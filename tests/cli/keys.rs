//! Rotating the office signing key (issue 23 item 5), through the real binary: what the old
//! key signed still verifies, what is signed after is signed by the new key, a forgery fails,
//! the rotation is in the access log, and a wrong passphrase changes nothing.

use crate::common::{T0, TestEnv};
use crate::letter_issue::{env as letters_env, warning_case};
use serde_json::Value;

const T1: &str = "2026-11-23T11:00:00+08:00";
const T2: &str = "2026-11-24T09:00:00+08:00";
const T3: &str = "2026-11-25T09:00:00+08:00";
const PASS: &str = "青江县民政局 2026 密钥口令";
const PASSPHRASE: &str = "WARDFLOW_KEY_PASSPHRASE";

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("json")
}

fn public_key(env: &TestEnv) -> String {
    let shown = env
        .wardflow(["key", "show", "--json"])
        .var(PASSPHRASE, PASS)
        .ok();
    json(&shown)["public_key"]
        .as_str()
        .expect("public key")
        .to_owned()
}

fn issue_letter(env: &TestEnv, case: &str, now: &str) -> String {
    let issued = json(&env.ok(&[
        "letter",
        "issue",
        case,
        "warning-letter",
        "--as",
        "police",
        "--now",
        now,
        "--json",
    ]));
    issued["code"].as_str().expect("code").to_owned()
}

fn key_file(env: &TestEnv) -> std::path::PathBuf {
    env.root().join("w.redb.key")
}

#[test]
fn after_a_rotation_old_exports_and_letters_verify_and_new_ones_are_signed_by_the_new_key() {
    let env = letters_env();
    let first_case = warning_case(&env);
    let old_code = issue_letter(&env, &first_case, T1);
    env.ok(&[
        "case",
        "export",
        &first_case,
        "--out",
        "old.json",
        "--now",
        T1,
    ]);
    let old_public = public_key(&env);
    let old_secret = std::fs::read_to_string(key_file(&env)).expect("key file");
    let old_doc = json(&std::fs::read_to_string(env.root().join("old.json")).expect("old"));
    assert_eq!(old_doc["signature"]["key_id"], 1);
    std::fs::copy(key_file(&env), env.root().join("retired.key")).expect("copy");

    let out = env
        .wardflow(["key", "rotate", "--now", T2])
        .var(PASSPHRASE, PASS)
        .ok();
    assert!(out.contains("已轮换本单位签名密钥"), "{out}");
    assert!(out.contains("密钥 1"), "{out}");
    assert!(out.contains("密钥 2"), "{out}");
    let new_public = public_key(&env);
    assert_ne!(new_public, old_public);
    // The new key file is protected: no seed in it, the old secret gone from it.
    let new_secret = std::fs::read_to_string(key_file(&env)).expect("key file");
    assert!(
        new_secret.starts_with("wardflow office key: Ed25519 secret seed, passphrase-protected")
    );
    let old_seed = old_secret.lines().nth(1).expect("seed");
    assert!(!new_secret.contains(old_seed));
    assert!(!env.root().join("w.redb.key.new").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(key_file(&env))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The ring: key 1 retired at T2, key 2 in force since T2.
    let ring = json(&env.ok(&["key", "ring", "--json"]));
    assert_eq!(ring.as_array().map(Vec::len), Some(2), "{ring}");
    assert_eq!(ring[0]["public_key"], old_public.as_str());
    assert_eq!(ring[0]["valid_until"], ring[1]["valid_from"]);
    assert!(ring[0]["valid_until"].is_string(), "{ring}");
    assert!(ring[1]["valid_until"].is_null(), "{ring}");
    let table = env.en().ok(&["key", "ring"]);
    assert!(table.contains("in force"), "{table}");

    // What the old key signed still verifies: against the database's ring, or the old key.
    let out = env.ok(&["verify", "--file", "old.json"]);
    assert!(out.contains("校验通过"), "{out}");
    env.ok(&["verify", "--file", "old.json", "--key", &old_public]);
    let err = env
        .en()
        .fails(&["verify", "--file", "old.json", "--key", &new_public], 4);
    assert!(err.contains("signed by another key"), "{err}");
    let by_code = env.ok(&["letter", "verify", "--code", &old_code]);
    assert!(by_code.contains(&old_code), "{by_code}");
    env.ok(&["verify"]);

    // After the rotation a new letter and export are signed by key 2.
    let second_case = warning_case(&env);
    let new_code = issue_letter(&env, &second_case, T3);
    env.wardflow([
        "case",
        "export",
        &second_case,
        "--out",
        "new.json",
        "--now",
        T3,
    ])
    .var(PASSPHRASE, PASS)
    .ok();
    let new_doc = json(&std::fs::read_to_string(env.root().join("new.json")).expect("new"));
    assert_eq!(new_doc["signature"]["key_id"], 2);
    assert_eq!(new_doc["signature"]["public_key"], new_public.as_str());
    let out = env.ok(&["verify", "--file", "new.json", "--json"]);
    assert_eq!(json(&out)["key_id"], 2, "{out}");
    env.ok(&["verify", "--file", "new.json", "--key", &new_public]);
    env.fails(&["verify", "--file", "new.json", "--key", &old_public], 4);
    env.ok(&["letter", "verify", "--code", &new_code]);

    // A forgery: one changed value under key 2's signature fails; so does the old export
    // relabelled as key 2's.
    let text = std::fs::read_to_string(env.root().join("new.json")).expect("new");
    let forged = text.replacen("张大山", "张小山", 1);
    assert_ne!(forged, text);
    env.write_file("forged.json", forged);
    let out = env.run(&["verify", "--file", "forged.json"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("签名无效"));
    let mut relabelled = old_doc.clone();
    relabelled["signature"]["public_key"] = Value::from(new_public.as_str());
    relabelled["signature"]["key_id"] = Value::from(2);
    env.write_file(
        "relabelled.json",
        serde_json::to_vec(&relabelled).expect("json"),
    );
    env.fails(&["verify", "--file", "relabelled.json"], 4);

    // The retired key file signs nothing any more.
    let err = env.en().fails(
        &[
            "case",
            "export",
            &second_case,
            "--out",
            "x.json",
            "--key-file",
            "retired.key",
            "--now",
            T3,
        ],
        1,
    );
    assert!(err.contains("is not the office key in force"), "{err}");
    assert!(!env.root().join("x.json").exists());

    // The access log has the rotation, by whom, naming both fingerprints, and no secret.
    let audit = env.ok(&["audit", "--json"]);
    let entries = json(&audit);
    let rotated: Vec<&Value> = entries
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "key-rotated")
        .collect();
    assert_eq!(rotated.len(), 1, "{audit}");
    let reason = rotated[0]["reason"].as_str().expect("reason");
    assert!(
        reason.contains(ring[0]["fingerprint"].as_str().expect("fp")),
        "{reason}"
    );
    assert!(
        reason.contains(ring[1]["fingerprint"].as_str().expect("fp")),
        "{reason}"
    );
    assert!(!audit.contains(old_seed));
}

#[test]
fn a_wrong_or_missing_passphrase_and_a_caseworker_change_nothing() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    env.ok(&[
        "user",
        "add",
        "李四",
        "--role",
        "police",
        "--unit",
        "shijia_police",
        "--now",
        T0,
    ]);
    // A plain key cannot be rotated without a passphrase for the new one.
    let err = env.en().fails(&["key", "rotate", "--now", T1], 2);
    assert!(err.contains("WARDFLOW_KEY_PASSPHRASE"), "{err}");
    env.wardflow(["key", "rotate", "--now", T1])
        .var(PASSPHRASE, PASS)
        .ok();
    let before = std::fs::read_to_string(key_file(&env)).expect("key");
    let ring = env.ok(&["key", "ring", "--json"]);
    let audit = json(&env.ok(&["audit", "--json"]));
    let rotations = |a: &Value| {
        a.as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["action"] == "key-rotated")
            .count()
    };
    assert_eq!(rotations(&audit), 1);

    let err = env
        .wardflow(["key", "rotate", "--now", T2])
        .var(PASSPHRASE, "not the passphrase")
        .fails(1);
    assert!(err.contains("口令无法打开本单位签名密钥文件"), "{err}");
    let err = env
        .wardflow(["key", "show"])
        .var(PASSPHRASE, "not the passphrase")
        .en()
        .fails(1);
    assert!(err.contains("the passphrase does not open"), "{err}");
    // No passphrase at all, and no terminal to type it at.
    let err = env.en().fails(&["key", "show"], 2);
    assert!(err.contains("protected by a passphrase"), "{err}");
    // A caseworker may not rotate, even with the passphrase.
    let err = env
        .wardflow(["key", "rotate", "--now", T2])
        .user("李四")
        .var(PASSPHRASE, PASS)
        .fails(1);
    assert!(!err.is_empty());

    assert_eq!(
        std::fs::read_to_string(key_file(&env)).expect("key"),
        before
    );
    assert!(!env.root().join("w.redb.key.new").exists());
    assert_eq!(env.ok(&["key", "ring", "--json"]), ring);
    assert_eq!(rotations(&json(&env.ok(&["audit", "--json"]))), 1);
}

#[test]
fn a_key_made_under_a_passphrase_is_protected_and_verify_without_a_ring_asks_for_a_key() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    let path = env.root().join("office.key").display().to_string();
    env.wardflow(["key", "init", "--key-file", &path])
        .var(PASSPHRASE, PASS)
        .ok();
    let text = std::fs::read_to_string(&path).expect("key file");
    assert!(text.starts_with("wardflow office key: Ed25519 secret seed, passphrase-protected"));
    let shown = env
        .wardflow(["key", "show", "--key-file", &path, "--json"])
        .var(PASSPHRASE, PASS)
        .ok();
    assert_eq!(json(&shown)["public_key"].as_str().map(str::len), Some(64));
    // A database that never rotated keeps no ring: verify names the key to give.
    let id = env.open_xiaoming(T0);
    env.ok(&["case", "export", &id, "--out", "case.json", "--now", T1]);
    let err = env.en().fails(&["verify", "--file", "case.json"], 2);
    assert!(err.contains("--key"), "{err}");
    let ring = json(&env.ok(&["key", "ring", "--json"]));
    assert_eq!(ring[0]["id"], 1, "{ring}");
    assert!(ring[0]["valid_from"].is_null(), "{ring}");
}

#[test]
fn through_a_server_the_ring_verification_and_new_exports_are_the_servers() {
    let env = letters_env();
    let case = warning_case(&env);
    env.ok(&["case", "export", &case, "--out", "old.json", "--now", T1]);
    env.wardflow(["key", "rotate", "--now", T2])
        .var(PASSPHRASE, PASS)
        .ok();
    let embedded = json(&env.ok(&["key", "ring", "--json"]));
    let (token, _) = crate::serve::token(&env, &["--now", T0]);
    // The server opens the protected key with the passphrase from its own environment.
    let server = crate::serve::Served::start_env(&env, &[], &[(PASSPHRASE, PASS)]);
    let served = |args: &[&str]| {
        env.wardflow(args.iter().copied())
            .args(["--server", &server.url])
            .var("WARDFLOW_TOKEN", &token)
            .en()
            .run()
    };
    let text = |out: &crate::common::Outcome| String::from_utf8_lossy(&out.stdout).into_owned();

    let ring = served(&["key", "ring", "--json"]);
    assert_eq!(ring.status.code(), Some(0), "{ring:?}");
    assert_eq!(json(&text(&ring)), embedded);

    // A file signed by the retired key verifies against the server's ring, with no --key.
    let old = served(&["verify", "--file", "old.json"]);
    assert_eq!(old.status.code(), Some(0), "{old:?}");
    assert!(text(&old).contains("verifies"), "{}", text(&old));

    // An export made through the server is signed by key 2, and verifies there too.
    let new = served(&["case", "export", &case, "--out", "new.json", "--now", T3]);
    assert_eq!(new.status.code(), Some(0), "{new:?}");
    let doc = json(&std::fs::read_to_string(env.root().join("new.json")).expect("new"));
    assert_eq!(doc["signature"]["key_id"], 2, "{doc}");
    let again = served(&["verify", "--file", "new.json"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");

    // A forged copy fails through the server as it does embedded (exit 4).
    let signed = std::fs::read_to_string(env.root().join("new.json")).expect("new");
    let forged = signed.replacen("张大山", "张小山", 1);
    assert_ne!(forged, signed);
    env.write_file("forged.json", forged);
    let out = served(&["verify", "--file", "forged.json"]);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
}
