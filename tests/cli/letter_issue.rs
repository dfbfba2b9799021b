//! Issuing letters end to end: numbering per issuing body and year, the archive, export and
//! verification, re-issue and voiding, and numbering from two processes at once.

use crate::common;

use common::{TestEnv, command, json, open, refs};
use serde_json::Value;

const T0: &str = "2026-11-23T10:00:00+08:00";
const T1: &str = "2026-11-23T11:00:00+08:00";
const T2: &str = "2026-11-23T12:00:00+08:00";

fn profiles_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/profiles")
}

/// A simulation database on the 黔江区 profile, whose issuing bodies number police letters
/// `渝公黔告诫字〔2026〕N号`.
pub(crate) fn env() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "init",
        "--simulation",
        "--profiles",
        profiles_dir(),
        "--profile",
        "qianjiang",
        "--now",
        T0,
    ]);
    env
}

const WARNING_DATA: &[(&str, &str)] = &[
    ("source", "mandatory_report"),
    ("child.name", "张小花"),
    ("abuser.name", "张大山"),
    ("abuser.relation", "父亲"),
    (
        "admonishment.facts",
        "2026年11月22日晚，张大山因琐事殴打女儿张小花，致其面部软组织挫伤",
    ),
    ("admonishment.issued_at", "2026-11-23T09:30:00+08:00"),
];

/// A guardianship case with what a warning letter needs.
pub(crate) fn warning_case(env: &TestEnv) -> String {
    open(env, "guardianship-intervention", "police", WARNING_DATA, T0)
}

fn issue(env: &TestEnv, case: &str, extra: &[&str], now: &str) -> Value {
    let mut args = vec!["letter", "issue", case, "warning-letter", "--as", "police"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--now", now, "--json"]);
    json(&env.ok(&args))
}

#[test]
fn numbers_run_per_issuing_body_and_year_without_gaps_or_leading_zeros() {
    let env = env();
    let a = warning_case(&env);
    let b = warning_case(&env);
    let first = issue(&env, &a, &[], T1);
    let second = issue(&env, &b, &[], T1);
    assert_eq!(first["number"], "渝公黔告诫字〔2026〕1号");
    assert_eq!(second["number"], "渝公黔告诫字〔2026〕2号");
    assert_eq!(first["letter"], "L2026-000001");
    assert_eq!(second["letter"], "L2026-000002");
    // A refused issue (a role that does not issue the document) takes no number.
    let err = env.fails(
        &[
            "letter",
            "issue",
            &a,
            "warning-letter",
            "--as",
            "civil_affairs",
            "--now",
            T1,
        ],
        1,
    );
    assert!(err.contains("civil_affairs"), "{err}");
    let third = issue(&env, &a, &[], T1);
    assert_eq!(third["number"], "渝公黔告诫字〔2026〕3号");
    // The next year starts again at 1.
    let next_year = issue(&env, &a, &[], "2027-01-04T09:00:00+08:00");
    assert_eq!(next_year["number"], "渝公黔告诫字〔2027〕1号");
    assert_eq!(next_year["letter"], "L2027-000001");
}

#[test]
fn a_missing_field_refuses_the_letter_naming_it_and_changes_nothing() {
    let env = env();
    let sets: Vec<(&str, &str)> = WARNING_DATA
        .iter()
        .copied()
        .filter(|(k, _)| *k != "abuser.relation")
        .collect();
    let id = open(&env, "guardianship-intervention", "police", &sets, T0);
    let err = env.fails(
        &[
            "letter",
            "issue",
            &id,
            "warning-letter",
            "--as",
            "police",
            "--now",
            T1,
        ],
        1,
    );
    assert!(err.contains("abuser.relation"), "{err}");
    assert!(err.contains("加害人与儿童关系"), "{err}");
    // No number was used up.
    let ok = {
        let args = command(
            &["case", "amend", &id, "--as", "police", "--reason", "补录"],
            &[("abuser.relation", "父亲")],
            T1,
        );
        env.ok(&refs(&args));
        issue(&env, &id, &[], T2)
    };
    assert_eq!(ok["number"], "渝公黔告诫字〔2026〕1号");
}

#[test]
fn the_archive_lists_shows_exports_and_verifies_byte_for_byte() {
    let env = env();
    let id = warning_case(&env);
    let issued = issue(&env, &id, &[], T1);
    let letter = issued["letter"].as_str().expect("archive id");
    let code = issued["code"].as_str().expect("code");

    let list = json(&env.ok(&["letter", "list", "--case", &id, "--json"]));
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["number"], "渝公黔告诫字〔2026〕1号");
    assert_eq!(list[0]["status"]["in_force"], true);
    assert_eq!(list[0]["title"], "家庭暴力告诫书");
    assert_eq!(list[0]["title_en"], "domestic violence warning letter");
    // Under --lang en a listing and the particulars name the document in English (the letter
    // itself stays the Chinese document it is).
    let table = env.ok(&["letter", "list", "--case", &id, "--lang", "en"]);
    assert!(
        table.contains("domestic violence warning letter"),
        "{table}"
    );
    assert!(!table.contains("家庭暴力告诫书"), "{table}");
    let shown = env.ok(&["letter", "show", letter, "--lang", "en"]);
    assert!(
        shown.contains("domestic violence warning letter (warning-letter)"),
        "{shown}"
    );

    // By number or by archive id.
    let by_number = json(&env.ok(&["letter", "show", "渝公黔告诫字〔2026〕1号", "--json"]));
    assert_eq!(by_number["letter"], letter);
    assert_eq!(by_number["issuer"]["name"], "重庆市公安局黔江区分局");

    for format in ["html", "txt"] {
        let file = env.root().join(format!("letter.{format}"));
        let path = file.to_str().expect("utf-8 path");
        env.ok(&[
            "letter", "export", letter, "--format", format, "--out", path,
        ]);
        let body = std::fs::read_to_string(&file).expect("exported");
        assert!(body.contains("渝公黔告诫字〔2026〕1号"), "{body}");
        assert!(body.contains(code), "the code is printed: {body}");
        assert!(body.contains("张大山"));
        let out = env.ok(&["letter", "verify", path]);
        assert!(out.contains("逐字节一致"), "{out}");
        assert!(out.contains(letter), "{out}");

        // One byte changed: refused, and the letter it claims to be is named.
        let mut bytes = std::fs::read(&file).expect("read");
        let at = body.find("张大山").expect("name in letter");
        bytes[at + 2] ^= 0x01;
        std::fs::write(&file, &bytes).expect("write");
        let err = env.fails(&["letter", "verify", path], 4);
        assert!(err.contains("不一致"), "{err}");
        assert!(err.contains(letter), "{err}");
    }

    let by_code = env.ok(&["letter", "verify", "--code", &code.to_lowercase()]);
    assert!(by_code.contains(letter), "{by_code}");
    let err = env.fails(&["letter", "verify", "--code", "00000-00000"], 4);
    assert!(err.contains("00000-00000"), "{err}");
    env.fails(&["letter", "verify", "--code", "nonsense"], 2);
    env.fails(&["letter", "show", "L2026-999999"], 2);
}

#[test]
fn reissue_takes_a_new_number_and_void_keeps_the_letter() {
    let env = env();
    let id = warning_case(&env);
    let first = issue(&env, &id, &[], T1);
    let old = first["letter"].as_str().expect("id").to_owned();
    let second = issue(&env, &id, &["--replaces", &old], T2);
    assert_eq!(second["number"], "渝公黔告诫字〔2026〕2号");
    assert_eq!(second["replaces"], old.as_str());
    let shown = json(&env.ok(&["letter", "show", &old, "--json"]));
    assert_eq!(shown["status"]["replaced_by"], second["letter"]);
    // A replaced letter cannot be replaced again.
    env.fails(
        &[
            "letter",
            "issue",
            &id,
            "warning-letter",
            "--as",
            "police",
            "--replaces",
            &old,
            "--now",
            T2,
        ],
        1,
    );

    let new = second["letter"].as_str().expect("id");
    env.fails(
        &[
            "letter", "void", new, "--as", "police", "--reason", " ", "--now", T2,
        ],
        2,
    );
    env.fails(
        &[
            "letter",
            "void",
            new,
            "--as",
            "civil_affairs",
            "--reason",
            "x",
            "--now",
            T2,
        ],
        1,
    );
    env.ok(&[
        "letter",
        "void",
        new,
        "--as",
        "police",
        "--reason",
        "加害人姓名录入错误",
        "--now",
        T2,
    ]);
    let shown = json(&env.ok(&["letter", "show", new, "--json"]));
    assert_eq!(shown["status"]["voided"], "加害人姓名录入错误");
    assert_eq!(shown["number"], "渝公黔告诫字〔2026〕2号");
    env.fails(
        &[
            "letter", "void", new, "--as", "police", "--reason", "再次", "--now", T2,
        ],
        1,
    );
    let history = env.ok(&["case", "history", &id]);
    assert!(history.contains("作废文书"), "{history}");
}

#[test]
fn a_transition_issues_its_letter_in_the_same_step() {
    let env = env();
    let id = warning_case(&env);
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
    let args = command(
        &[
            "case",
            "advance",
            &id,
            "accept_report",
            "--as",
            "police",
            "--json",
        ],
        report,
        T1,
    );
    let out = json(&env.ok(&refs(&args)));
    assert_eq!(out["letters"][0]["key"], "report-receipt");
    assert_eq!(out["letters"][0]["letter"], "L2026-000001");
    let shown = env.show_json(&id);
    assert_eq!(shown["issued_letters"][0]["key"], "report-receipt");
    assert_eq!(shown["pending_letters"], serde_json::json!([]));
}

#[test]
fn without_an_issuing_body_the_act_stands_and_the_letter_waits() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    let id = warning_case(&env);
    let err = env.fails(
        &[
            "letter",
            "issue",
            &id,
            "warning-letter",
            "--as",
            "police",
            "--now",
            T1,
        ],
        1,
    );
    assert!(err.contains("issuing_bodies.police"), "{err}");
}

#[test]
fn two_processes_issuing_at_once_get_distinct_consecutive_numbers() {
    let env = env();
    let id = warning_case(&env);
    let bin = env!("CARGO_BIN_EXE_wardflow");
    let spawn = || {
        let mut cmd = std::process::Command::new(bin);
        cmd.current_dir(env.root())
            .env("WARDFLOW_DB", env.db())
            .env("WARDFLOW_USER", "张三")
            .env("WARDFLOW_LANG", "zh")
            .env(
                "WARDFLOW_LETTERS",
                concat!(env!("CARGO_MANIFEST_DIR"), "/letters"),
            )
            .args([
                "letter",
                "issue",
                &id,
                "warning-letter",
                "--as",
                "police",
                "--now",
                T1,
                "--lock-timeout",
                "60",
                "--json",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().expect("spawn wardflow")
    };
    let children: Vec<_> = (0..6).map(|_| spawn()).collect();
    let mut numbers = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = json(&String::from_utf8_lossy(&out.stdout));
        numbers.push(v["number"].as_str().expect("number").to_owned());
    }
    numbers.sort_by_key(|n| n.len());
    numbers.sort();
    let mut expected: Vec<String> = (1..=6)
        .map(|n| format!("渝公黔告诫字〔2026〕{n}号"))
        .collect();
    expected.sort();
    assert_eq!(numbers, expected);
}

#[test]
fn export_and_import_keep_the_archive_and_its_verification() {
    let env = env();
    let id = warning_case(&env);
    let first = issue(&env, &id, &[], T1);
    let letter = first["letter"].as_str().expect("id").to_owned();
    issue(&env, &id, &["--replaces", &letter], T2);
    let export = env.ok(&["export", "--plain"]);
    assert_eq!(
        export
            .lines()
            .filter(|l| l.contains("\"type\":\"letter\""))
            .count(),
        2
    );
    env.write_file("e.jsonl", &export);
    let copy = env.root().join("copy.redb");
    let copy = copy.to_str().expect("utf-8 path");
    env.ok(&["--db", copy, "import", "e.jsonl", "--simulation"]);
    assert_eq!(env.ok(&["--db", copy, "export", "--plain"]), export);
    // The imported archive answers as the original does.
    let file = env.root().join("l.html");
    let path = file.to_str().expect("utf-8 path");
    env.ok(&["letter", "export", &letter, "--out", path]);
    let out = env.ok(&["--db", copy, "letter", "verify", path]);
    assert!(out.contains(&letter), "{out}");
    let shown = json(&env.ok(&[
        "--db",
        copy,
        "letter",
        "show",
        "渝公黔告诫字〔2026〕2号",
        "--json",
    ]));
    assert_eq!(shown["replaces"], letter.as_str());

    // An archive record whose text was altered does not import (only the archive's lines are
    // altered here: an altered history is refused by its hash chain before).
    let tampered: String = export
        .lines()
        .map(|l| {
            if l.starts_with(r#"{"type":"letter""#) {
                l.replace("张大山", "张小山")
            } else {
                l.to_owned()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(tampered, export);
    env.write_file("t.jsonl", &tampered);
    let other = env.root().join("other.redb");
    let other = other.to_str().expect("utf-8 path");
    let err = env.fails(&["--db", other, "import", "t.jsonl", "--simulation"], 2);
    assert!(err.contains("SHA-256") || err.contains("letter"), "{err}");
    assert!(!std::path::Path::new(other).exists());
}

/// The case a court is trying, and what its family-education order and reprimand need.
const COURT_DATA: &[(&str, &str)] = &[
    ("source", "mandatory_report"),
    ("child.name", "张小花"),
    ("guardian.name", "张大山"),
    (
        "admonishment.facts",
        "张大山长期酗酒，不管女儿张小花吃饭上学，经公安机关训诫后仍不改正",
    ),
    ("admonishment.issued_at", "2026-11-23T09:30:00+08:00"),
    ("admonishment.guidance_ordered", "true"),
    ("admonishment.case_number", "（2026）渝0114民特88号"),
    ("guidance.content", "正确的家庭教育理念和方法"),
    ("guidance.period", "三个月"),
    // The order's own number, typed with another court's code: rejected.
    ("admonishment.order_number", "（2026）渝0115民特88号之一"),
    (
        "admonishment.reprimand_number",
        "（2026）渝0114民特88号之二",
    ),
];

fn issue_as_court(env: &TestEnv, case: &str, key: &str, extra: &[&str], now: &str) -> Value {
    let mut args = vec!["letter", "issue", case, key, "--as", "court"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--now", now, "--json"]);
    json(&env.ok(&args))
}

fn exported_text(env: &TestEnv, letter: &str) -> String {
    let file = env.root().join(format!("{letter}.txt"));
    let path = file.to_str().expect("utf-8 path");
    env.ok(&["letter", "export", letter, "--format", "txt", "--out", path]);
    std::fs::read_to_string(&file).expect("exported")
}

#[test]
fn a_court_order_cites_the_case_under_trial_and_carries_one_number_of_its_own() {
    let env = env();
    let id = open(&env, "guardianship-intervention", "police", COURT_DATA, T0);
    // The number in the case is another court's: refused, nothing issued.
    let err = env.fails(
        &[
            "letter",
            "issue",
            &id,
            "family-education-order",
            "--as",
            "court",
            "--now",
            T1,
        ],
        2,
    );
    assert!(err.contains("（2026）渝0115民特88号之一"), "{err}");
    // Corrected with --number: that one number is the letter's, in its head and its data; the
    // body cites the case under trial, not the order itself.
    let order = issue_as_court(
        &env,
        &id,
        "family-education-order",
        &["--number", "（2026）渝0114民特88号之一"],
        T1,
    );
    assert_eq!(order["number"], "（2026）渝0114民特88号之一");
    let first = order["letter"].as_str().expect("archive id").to_owned();
    let text = exported_text(&env, &first);
    assert!(
        text.contains("本院在审理（2026）渝0114民特88号一案中"),
        "{text}"
    );
    assert_eq!(
        text.matches("（2026）渝0114民特88号之一").count(),
        1,
        "{text}"
    );
    assert!(
        !text.contains("渝0115"),
        "the rejected number is gone: {text}"
    );

    // The court then reprimands in the same case under its own number (之二) …
    let reprimand = issue_as_court(&env, &id, "reprimand", &[], T1);
    assert_eq!(reprimand["number"], "（2026）渝0114民特88号之二");
    // … and re-issuing the order keeps the order's number: not the reprimand's, not the
    // rejected one still in the case, and not refused as a duplicate.
    let again = issue_as_court(
        &env,
        &id,
        "family-education-order",
        &["--replaces", &first],
        T2,
    );
    assert_eq!(again["number"], "（2026）渝0114民特88号之一");
    assert_eq!(again["replaces"], first.as_str());
    let text = exported_text(&env, again["letter"].as_str().expect("archive id"));
    assert!(
        text.contains("本院在审理（2026）渝0114民特88号一案中"),
        "{text}"
    );
    // The court's letters, issued from the case, export as PDF (issue 21).
    let kinds = crate::letter_pdf::every_letter_exports_as_pdf(&env, &[&id]);
    assert!(
        kinds.iter().any(|k| k == "family-education-order"),
        "{kinds:?}"
    );
    assert!(kinds.iter().any(|k| k == "reprimand"), "{kinds:?}");
}
