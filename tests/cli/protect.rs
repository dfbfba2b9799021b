//! Children's data, protected (issue 23): encrypted backups and exports, de-identified
//! exports, sealed closed cases and "who read this child's file", through the real binary.

use crate::common::{T0, TestEnv, id_number};

const WORKFLOW: &str = r#"workflow: protect-demo
title: 示例：数据保护
roles:
  civil_affairs: { title: 民政部门, title_en: "civil affairs department" }
fields:
  child.name: { type: string, required: true, title: 儿童姓名 }
  child.id_number: { type: id_number, required: true, title: 公民身份号码 }
  child.birth_date: { type: date, required: true, title: 出生日期 }
  child.address: { type: string, title: 住址 }
  carer.name: { type: string, title: 照护人姓名 }
  carer.phone: { type: string, title: 照护人电话 }
  situation: { type: string, title: 情况说明 }
  team_size: { type: integer, title: 工作组人数 }
start:
  roles: [civil_affairs]
states:
  opened: { title: 已受理, initial: true }
  closed: { title: 已结案, final: true }
transitions:
  close:
    title: 结案
    from: [opened]
    to: closed
    roles: [civil_affairs]
"#;

const NAME: &str = "王小明";
const BORN: &str = "2015-03-12";
const ADDRESS: &str = "青江县幸福村3组";
const CARER: &str = "王大山";
const PHONE: &str = "13912345678";
const SITUATION: &str = "父亲外出务工半年未归";
/// Two years after T0: past a one-year retention.
const LATER: &str = "2028-12-01T10:00:00+08:00";

fn child_id() -> String {
    id_number("11010120150312001")
}

/// A simulation database with the demo workflow, a caseworker 王五 and an auditor 审计员, and
/// one case of 王小明 full of personal data; the case id.
fn setup() -> (TestEnv, String) {
    let env = TestEnv::new();
    env.write_workflow("protect-demo.yaml", WORKFLOW);
    env.init_simulation(T0);
    for (name, role) in [("王五", "civil_affairs"), ("审计员", "auditor")] {
        env.ok(&[
            "user", "add", name, "--role", role, "--unit", "city", "--now", T0,
        ]);
    }
    let id = open_case(&env);
    (env, id)
}

fn open_case(env: &TestEnv) -> String {
    let sets = [
        format!("child.name={NAME}"),
        format!("child.id_number={}", child_id()),
        format!("child.birth_date={BORN}"),
        format!("child.address={ADDRESS}"),
        format!("carer.name={CARER}"),
        format!("carer.phone={PHONE}"),
        format!("situation={SITUATION}"),
        "team_size=3".to_owned(),
    ];
    let mut args = vec!["case", "open", "protect-demo", "--as", "civil_affairs"];
    for s in &sets {
        args.extend(["--set", s.as_str()]);
    }
    args.extend(["--now", T0]);
    env.ok(&args).trim().to_owned()
}

/// Every personal value the case holds, as typed.
fn personal() -> Vec<String> {
    [NAME, BORN, ADDRESS, CARER, PHONE, SITUATION]
        .iter()
        .map(|s| s.to_string())
        .chain([child_id(), "20150312".to_owned()])
        .collect()
}

/// Publishes a privacy file for `recipient` with `retention` years for the demo workflow.
fn publish_privacy(env: &TestEnv, recipient: &str, retention: u32) {
    let text = format!(
        "recipients:\n  - {recipient}\nretention:\n  default: 10\n  protect-demo: {retention}\n"
    );
    let file = env.write_file("privacy.yaml", text);
    env.ok(&["publish", "privacy", &file, "--now", T0]);
}

/// A new key pair: (identity file, public key).
fn identity(env: &TestEnv, file: &str) -> String {
    let out = env.ok(&["key", "identity", "--out", file, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v["public_key"].as_str().expect("public key").to_owned()
}

fn readable(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    personal()
        .into_iter()
        .filter(|p| text.contains(p.as_str()))
        .collect()
}

#[test]
fn a_backup_opened_without_the_key_yields_nothing_readable() {
    let (env, id) = setup();
    let root = env.root().to_owned();
    // Encrypted by default: with no recipient published there is no copy at all.
    env.fails(&["backup", "--out", "b.age"], 1);
    env.fails(&["export", "--out", "e.age", "--now", T0], 1);
    assert!(!root.join("b.age").exists() && !root.join("e.age").exists());
    let public = identity(&env, "office.age");
    identity(&env, "other.age");
    publish_privacy(&env, &public, 10);
    env.ok(&["backup", "--out", "b.age"]);
    env.ok(&["export", "--out", "e.age", "--now", T0]);
    for copy in ["b.age", "e.age"] {
        let bytes = std::fs::read(root.join(copy)).expect("copy");
        assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "{copy}");
        assert_eq!(readable(&bytes), Vec::<String>::new(), "{copy}");
    }
    // Without the key, with another key, or changed: a clear error, and no database made.
    let bad = |file: &str, identity: Option<&str>, code: i32| {
        let mut args = vec!["--db", "r.redb", "restore", file];
        args.extend(identity.iter().flat_map(|i| ["--identity", *i]));
        env.fails(&args, code);
        assert!(!root.join("r.redb").exists(), "{file} {identity:?}");
        let mut args = vec!["--db", "i.redb", "import", "--simulation", "--now", T0];
        args.push(if file == "b.age" { "e.age" } else { file });
        args.extend(identity.iter().flat_map(|i| ["--identity", *i]));
        env.fails(&args, code);
        assert!(!root.join("i.redb").exists(), "{file} {identity:?}");
    };
    bad("b.age", None, 2);
    bad("b.age", Some("other.age"), 2);
    for (copy, changed) in [("b.age", "b-changed.age"), ("e.age", "e-changed.age")] {
        let mut bytes = std::fs::read(root.join(copy)).expect("copy");
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        std::fs::write(root.join(changed), bytes).expect("write");
    }
    let err = env.fails(
        &[
            "--db",
            "r.redb",
            "restore",
            "b-changed.age",
            "--identity",
            "office.age",
        ],
        4,
    );
    assert!(err.contains("损坏"), "{err}");
    assert!(!root.join("r.redb").exists());
    env.fails(
        &[
            "--db",
            "i.redb",
            "import",
            "e-changed.age",
            "--simulation",
            "--identity",
            "office.age",
            "--now",
            T0,
        ],
        4,
    );
    assert!(!root.join("i.redb").exists());
    // With its key, each opens.
    env.ok(&[
        "--db",
        "r.redb",
        "restore",
        "b.age",
        "--identity",
        "office.age",
    ]);
    let shown = env.ok(&["--db", "r.redb", "case", "show", &id, "--now", T0]);
    assert!(shown.contains(NAME), "{shown}");
    env.ok(&[
        "--db",
        "i.redb",
        "import",
        "e.age",
        "--simulation",
        "--identity",
        "office.age",
        "--now",
        T0,
    ]);
    // A plain copy needs the flag, and the access log says it was plain.
    env.ok(&["backup", "--plain", "--out", "p.redb"]);
    let audit = env.ok(&["audit", "--json", "--now", T0]);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&audit).expect("json");
    let copies: Vec<(String, String)> = entries
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
    assert!(
        copies
            .iter()
            .any(|(a, r)| a == "backup" && r.contains(&format!("encrypted to {public}"))),
        "{copies:?}"
    );
}

#[test]
fn a_deidentified_export_contains_no_personal_value() {
    let (env, id) = setup();
    let second = open_case(&env);
    let out = env.ok(&["export", "--deidentify", "--plain", "--now", T0]);
    assert_eq!(readable(out.as_bytes()), Vec::<String>::new(), "{out}");
    assert!(!out.contains(&id) && !out.contains(&second), "{out}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines[0]["type"], "meta");
    let cases: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "case").collect();
    assert_eq!(cases.len(), 2);
    // The same child links across cases; the birth date keeps its year; counts stay.
    let data = |c: &serde_json::Value, f: &str| c["data"][f].clone();
    assert_eq!(
        data(cases[0], "child.id_number"),
        data(cases[1], "child.id_number")
    );
    assert!(
        data(cases[0], "child.id_number")
            .as_str()
            .is_some_and(|p| p.starts_with("ID-"))
    );
    assert_eq!(data(cases[0], "child.birth_date"), "2015");
    assert_eq!(data(cases[0], "team_size"), 3);
    for dropped in ["child.address", "carer.phone", "situation"] {
        assert!(data(cases[0], dropped).is_null(), "{dropped}");
    }
    // The pseudonyms are keyed: the key is kept, owner-only, and a second export agrees.
    let key = env.root().join("w.redb.pseudonym-key");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&key).expect("key file").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let again = env.ok(&["export", "--deidentify", "--plain", "--now", T0]);
    assert_eq!(
        again
            .lines()
            .nth(1)
            .map(|l| l.split("\"data\"").nth(1).map(str::to_owned)),
        out.lines()
            .nth(1)
            .map(|l| l.split("\"data\"").nth(1).map(str::to_owned))
    );
    // A caseworker makes none.
    env.fails(
        &[
            "--user",
            "王五",
            "export",
            "--deidentify",
            "--plain",
            "--now",
            T0,
        ],
        1,
    );
}

#[test]
fn a_sealed_case_refuses_a_caseworker_and_admits_an_administrator_with_a_reason_logged() {
    let (env, id) = setup();
    let public = identity(&env, "office.age");
    publish_privacy(&env, &public, 1);
    env.ok(&[
        "case",
        "advance",
        &id,
        "close",
        "--as",
        "civil_affairs",
        "--now",
        T0,
    ]);
    // Within its retention the caseworker reads it.
    let soon = "2027-06-01T10:00:00+08:00";
    env.ok(&["--user", "王五", "case", "show", &id, "--now", soon]);
    // Past it: refused to the caseworker, even with a reason; to an administrator without one.
    let err = env.fails(
        &[
            "--user", "王五", "case", "history", &id, "--why", "查看", "--now", LATER,
        ],
        1,
    );
    assert!(err.contains("封存"), "{err}");
    env.fails(&["--user", "王五", "case", "show", &id, "--now", LATER], 1);
    let err = env.fails(&["case", "show", &id, "--now", LATER], 1);
    assert!(err.contains("--why"), "{err}");
    let shown = env.ok(&[
        "case",
        "show",
        &id,
        "--why",
        "法院调取（2028）青民初12号",
        "--now",
        LATER,
    ]);
    assert!(shown.contains(NAME), "{shown}");
    // Still counted and still verified.
    let listed = env.ok(&["--user", "王五", "case", "list", "--now", LATER]);
    assert!(listed.contains(&id), "{listed}");
    env.ok(&["verify", "--now", LATER]);
    // The child's file names it sealed, without its data.
    let file = env.ok(&[
        "--user",
        "王五",
        "child",
        "show",
        &child_id(),
        "--json",
        "--now",
        LATER,
    ]);
    let file: serde_json::Value = serde_json::from_str(&file).expect("json");
    assert_eq!(file["sealed"][0]["case"], id.as_str());
    assert_eq!(file["cases"].as_array().map(Vec::len), Some(0));
    let audit = env.ok(&["audit", "--case", &id, "--json", "--now", LATER]);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&audit).expect("json");
    assert!(entries.iter().any(|e| {
        e["user"] == "张三"
            && e["allowed"] == true
            && e["reason"]
                .as_str()
                .is_some_and(|r| r.contains("sealed") && r.contains("法院调取"))
    }));
    assert!(
        entries
            .iter()
            .any(|e| e["user"] == "王五" && e["allowed"] == false)
    );
}

#[test]
fn a_sealed_case_is_read_through_the_server_only_with_a_reason_sent_as_a_header() {
    use crate::serve::{Served, token};
    let (env, id) = setup();
    let public = identity(&env, "office.age");
    publish_privacy(&env, &public, 1);
    env.ok(&[
        "case",
        "advance",
        &id,
        "close",
        "--as",
        "civil_affairs",
        "--now",
        T0,
    ]);
    let (admin, _) = token(&env, &["--for", "张三", "--expires", "3650d", "--now", T0]);
    let server = Served::start(&env);
    let show = |extra: &[&str]| {
        let mut args = vec!["--server", server.url.as_str(), "case", "show", id.as_str()];
        args.extend(extra);
        args.extend(["--now", LATER]);
        env.wardflow(args).var("WARDFLOW_TOKEN", &admin)
    };
    // Without a reason the administrator is refused, as embedded; with one (Chinese, sent
    // percent-encoded) the case is shown.
    let err = show(&[]).fails(1);
    assert!(err.contains("--why"), "{err}");
    let shown = show(&["--why", "法院调取（2028）青民初12号"]).ok();
    assert!(shown.contains(NAME), "{shown}");
    drop(server);
    let audit = env.ok(&["audit", "--case", &id, "--json", "--now", LATER]);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&audit).expect("json");
    assert!(entries.iter().any(|e| {
        e["allowed"] == true
            && e["reason"]
                .as_str()
                .is_some_and(|r| r.contains("法院调取（2028）青民初12号"))
    }));
}

#[test]
fn child_access_lists_every_read_of_the_child_by_whom_when_and_why() {
    let (env, id) = setup();
    env.ok(&[
        "--user",
        "王五",
        "case",
        "show",
        &id,
        "--why",
        "家访前查阅",
        "--now",
        T0,
    ]);
    env.ok(&["case", "history", &id, "--now", T0]);
    let child = child_id();
    let table = env.ok(&["--user", "审计员", "child", "access", &child, "--now", T0]);
    assert!(
        table.contains("王五") && table.contains("家访前查阅"),
        "{table}"
    );
    let csv = env.ok(&[
        "--user",
        "审计员",
        "child",
        "access",
        &child,
        "--csv",
        "--now",
        T0,
    ]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("at,user,case,action,allowed,reason"));
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("王五") && r.contains(",show,true,") && r.contains("家访前查阅")),
        "{csv}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("张三") && r.contains(",history,")),
        "{csv}"
    );
    let json = env.ok(&["child", "access", &child, "--json", "--now", T0]);
    let reads: Vec<serde_json::Value> = serde_json::from_str(&json).expect("json");
    assert!(reads.iter().all(|r| r["case"] == id.as_str()));
    // A caseworker may not ask (the command folds the pending reads in, as `audit` does, so
    // the file changes even when the caller is refused).
    let refused = env.run(&["--user", "王五", "child", "access", &child, "--now", T0]);
    assert_eq!(refused.status.code(), Some(1));
    let unknown = env.run(&["child", "access", "110101201001010000", "--now", T0]);
    assert_eq!(unknown.status.code(), Some(2));
}
