//! PDF letters (issue 21): a letter issued from a workflow step is set as PDF when it is issued
//! and archived with its fonts; `letter export --format pdf` writes the archived bytes, `letter
//! verify` accepts them byte for byte and rejects a changed byte; a letter archived before PDFs
//! were has none, and export says so.

use crate::common;

use common::{TestEnv, json, open};
use redb::{ReadableTable, TableDefinition};

const T0: &str = "2026-11-23T10:00:00+08:00";
const T1: &str = "2026-11-23T11:00:00+08:00";

const LETTERS: TableDefinition<&str, &[u8]> = TableDefinition::new("letters");

fn profiles_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/profiles")
}

fn env() -> TestEnv {
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

fn issued_warning(env: &TestEnv) -> (String, String) {
    let id = open(env, "guardianship-intervention", "police", WARNING_DATA, T0);
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
    (
        issued["letter"].as_str().expect("id").to_owned(),
        issued["code"].as_str().expect("code").to_owned(),
    )
}

fn pdftotext(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install -y poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn an_issued_letter_exports_its_archived_pdf_which_verifies_byte_for_byte() {
    let env = env();
    let (letter, code) = issued_warning(&env);
    let file = env.root().join("letter.pdf");
    let path = file.to_str().expect("utf-8 path");
    env.ok(&[
        "letter", "export", &letter, "--format", "pdf", "--out", path,
    ]);
    let bytes = std::fs::read(&file).expect("exported");
    assert!(bytes.starts_with(b"%PDF-"));
    // The text layer: number, parties, date and code, each on one line.
    let text: String = pdftotext(&file).chars().filter(|c| *c != ' ').collect();
    for want in [
        "渝公黔告诫字〔2026〕1号",
        "张大山",
        "张小花",
        "2026年11月23日",
        "重庆市公安局黔江区分局",
        code.as_str(),
    ] {
        assert!(text.contains(want), "{want} not in\n{text}");
    }
    // The archive names the PDF's digest and the font of each role.
    let shown = json(&env.ok(&["letter", "show", &letter, "--json"]));
    let sha = shown["pdf_sha256"].as_str().expect("pdf digest");
    assert_eq!(sha.len(), 64);
    let roles: Vec<&str> = shown["fonts"]
        .as_array()
        .expect("fonts")
        .iter()
        .map(|f| f["role"].as_str().expect("role"))
        .collect();
    assert_eq!(roles, ["title", "body", "heading", "kai"]);
    assert_eq!(shown["fonts"][1]["family"], "Noto Serif CJK SC");
    assert_eq!(shown["fonts"][1]["sha256"].as_str().map(str::len), Some(64));
    let words = env.ok(&["letter", "show", &letter]);
    assert!(words.contains("PDF 字体"), "{words}");
    assert!(words.contains("body Noto Serif CJK SC"), "{words}");
    // Exported twice: the same archived bytes, never set again.
    let again = env.root().join("again.pdf");
    env.ok(&[
        "letter",
        "export",
        &letter,
        "--format",
        "pdf",
        "--out",
        again.to_str().expect("utf-8"),
    ]);
    assert_eq!(std::fs::read(&again).expect("again"), bytes);

    let out = env.ok(&["letter", "verify", path]);
    assert!(out.contains("逐字节一致"), "{out}");
    assert!(out.contains(&letter), "{out}");
    // One byte changed: rejected, and the letter it claims to be (by the code in its
    // metadata) is named.
    let mut changed = bytes.clone();
    let at = changed.len() / 2;
    changed[at] ^= 0x01;
    std::fs::write(&file, &changed).expect("write");
    let err = env.fails(&["letter", "verify", path], 4);
    assert!(err.contains("不一致"), "{err}");
    assert!(err.contains(&letter), "{err}");
}

#[test]
fn a_letter_archived_before_pdfs_has_none_and_export_says_so() {
    let env = env();
    let (letter, _) = issued_warning(&env);
    // The record as an older wardflow wrote it: no PDF, no PDF digest, no fonts.
    {
        let db = redb::Database::open(env.db()).expect("open");
        let tx = db.begin_write().expect("write");
        {
            let mut table = tx.open_table(LETTERS).expect("letters");
            let bytes = table
                .get(letter.as_str())
                .expect("get")
                .expect("archived")
                .value()
                .to_vec();
            let mut record: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
            let body = record["body"].as_object_mut().expect("body");
            assert!(body.remove("pdf").is_some());
            body.remove("pdf_sha256");
            body.remove("fonts");
            let old = serde_json::to_vec(&record).expect("json");
            table
                .insert(letter.as_str(), old.as_slice())
                .expect("insert");
        }
        tx.commit().expect("commit");
    }
    let err = env.fails(&["letter", "export", &letter, "--format", "pdf"], 1);
    assert!(err.contains("没有 PDF"), "{err}");
    assert!(err.contains(&letter), "{err}");
    // Its HTML is still there, and the old letter still shows.
    env.ok(&["letter", "export", &letter, "--format", "html"]);
    let shown = json(&env.ok(&["letter", "show", &letter, "--json"]));
    assert!(shown["pdf_sha256"].is_null());
}

/// Exports every letter issued in the cases `ids` as PDF (the archived bytes) and reads its text
/// layer: each carries its verification code and, when numbered, its number, unbroken. Called
/// at the end of the workflow stories, which between them issue all 13 kinds from real steps;
/// returns the document keys exported.
pub fn every_letter_exports_as_pdf(env: &TestEnv, ids: &[&str]) -> Vec<String> {
    let mut keys = Vec::new();
    for case in ids {
        let shown = json(&env.ok(&["case", "show", case, "--json"]));
        for l in shown["issued_letters"].as_array().expect("issued letters") {
            let id = l["letter"].as_str().expect("id");
            let file = env.root().join(format!("{id}.pdf"));
            env.ok(&[
                "letter",
                "export",
                id,
                "--format",
                "pdf",
                "--out",
                file.to_str().expect("utf-8"),
                "--force",
            ]);
            let text: String = pdftotext(&file)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let key = l["key"].as_str().expect("key");
            for want in [l["code"].as_str(), l["number"].as_str()]
                .into_iter()
                .flatten()
            {
                assert!(text.contains(want), "{key} {id}: no {want} in\n{text}");
            }
            keys.push(key.to_owned());
        }
    }
    assert!(!keys.is_empty(), "no letters issued");
    keys
}
