//! DOCX letters (issue 21 item 2): `letter export --format docx` of an issued letter and `letter
//! preview --format docx` of a draft give an editable Word document from the same layout model
//! as the HTML and the PDF, marked on its face as an unofficial copy; it is not archived and
//! `letter verify` does not accept it.

use crate::common;

use common::{TestEnv, json, open};

const T0: &str = "2026-11-23T10:00:00+08:00";
const T1: &str = "2026-11-23T11:00:00+08:00";

fn env() -> TestEnv {
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

/// The text python-docx (from PyPI; .ci/run installs it) reads from a DOCX: the header, then
/// the body's paragraphs and table cells.
fn docx_text(path: &std::path::Path) -> String {
    const READ: &str = r#"
import sys, docx
d = docx.Document(sys.argv[1])
out = [p.text for s in d.sections for p in s.header.paragraphs]
out += [p.text for p in d.paragraphs]
out += [c.text for t in d.tables for r in t.rows for c in r.cells]
sys.stdout.write('\n'.join(out))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", READ])
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "python-docx (pip install python-docx): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn an_issued_letter_exports_an_editable_docx_marked_unofficial() {
    let env = env();
    let id = open(
        &env,
        "guardianship-intervention",
        "police",
        WARNING_DATA,
        T0,
    );
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
    let letter = issued["letter"].as_str().expect("id").to_owned();
    let code = issued["code"].as_str().expect("code").to_owned();
    let file = env.root().join("letter.docx");
    let path = file.to_str().expect("utf-8 path");
    env.ok(&[
        "letter", "export", &letter, "--format", "docx", "--out", path,
    ]);
    let text = docx_text(&file);
    assert!(
        text.starts_with("非正式文本（可编辑副本）：不具法律效力，不能核验"),
        "{text}"
    );
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for want in [
        "【非正式文本】",
        "渝公黔告诫字〔2026〕1号",
        "张大山",
        "张小花",
        "2026年11月23日",
        "重庆市公安局黔江区分局",
        code.as_str(),
    ] {
        assert!(squeezed.contains(want), "{want} not in\n{text}");
    }
    // Not the letter: verify does not accept it as one.
    let verified = env.run(&["letter", "verify", path]);
    assert!(!verified.status.success(), "a DOCX verified");
    // The read is logged like any export.
    let log = env.ok(&["audit", "--case", &id, "--json", "--now", T1]);
    assert!(log.contains("letter-export-docx:warning-letter"), "{log}");
}

#[test]
fn a_draft_previews_as_docx_marked_unofficial_and_unnumbered() {
    let env = env();
    let id = open(
        &env,
        "guardianship-intervention",
        "police",
        WARNING_DATA,
        T0,
    );
    let file = env.root().join("draft.docx");
    env.ok(&[
        "letter",
        "preview",
        &id,
        "warning-letter",
        "--as",
        "police",
        "--format",
        "docx",
        "--out",
        file.to_str().expect("utf-8"),
        "--now",
        T1,
    ]);
    let text = docx_text(&file);
    assert!(text.contains("草稿的可编辑副本"), "{text}");
    assert!(text.contains("张大山"), "{text}");
    assert!(!text.contains("告诫字〔2026〕"), "{text}");
}
