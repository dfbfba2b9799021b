//! `wardflow letter preview`: drafts from case data, refused when a required field is missing.

use crate::common;

use common::{T0, TestEnv};

fn letters_dir() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/letters").to_owned()
}

fn opened(env: &TestEnv, name: &str) -> String {
    env.init_simulation(T0);
    env.ok(&[
        "case",
        "open",
        "entrusted-care",
        "--as",
        "parent",
        "--set",
        &format!("child.name={name}"),
        "--set",
        "child.birth_date=2018-05-01",
        "--set",
        "parent.name=李强",
        "--now",
        T0,
    ])
    .trim()
    .to_owned()
}

#[test]
fn a_draft_is_rendered_from_the_case_and_marked_as_a_draft() {
    let env = TestEnv::new();
    let id = opened(&env, "李小明");
    let letters = letters_dir();
    let text = env.ok(&[
        "letter",
        "preview",
        &id,
        "guardian-duty-notice",
        "--as",
        "village_committee",
        "--body",
        "新华村民委员会",
        "--letters",
        &letters,
        "--now",
        T0,
    ]);
    assert!(
        text.starts_with("【草稿 DRAFT】未编号，不具效力，不得送达"),
        "{text}"
    );
    assert!(text.contains("监护人责任告知书"), "{text}");
    assert!(
        text.contains("你是未成年人李小明（2018年5月1日出生）的监护人"),
        "{text}"
    );
}

#[test]
fn a_letter_missing_a_required_field_is_refused_naming_it() {
    let env = TestEnv::new();
    let id = opened(&env, "李小明");
    let letters = letters_dir();
    let err = env.fails(
        &[
            "letter",
            "preview",
            &id,
            "entrustment-agreement",
            "--as",
            "parent",
            "--letters",
            &letters,
            "--now",
            T0,
        ],
        1,
    );
    assert!(
        err.starts_with("错误：文书缺少必填内容，未生成：child.sex（"),
        "{err}"
    );
    assert!(err.contains("carer.name（被委托人姓名）"), "{err}");
    let unknown = env.fails(
        &[
            "letter",
            "preview",
            &id,
            "no-such-letter",
            "--as",
            "parent",
            "--letters",
            &letters,
            "--now",
            T0,
        ],
        2,
    );
    assert_eq!(
        unknown,
        "错误：没有文书 `no-such-letter`（见 letters/documents.yaml）。\n"
    );
}

#[test]
fn html_escapes_case_data_and_text_keeps_it() {
    let env = TestEnv::new();
    let id = opened(&env, "<script>alert(1)</script>");
    let letters = letters_dir();
    let args = |format: &'static str| {
        vec![
            "letter".to_owned(),
            "preview".into(),
            id.clone(),
            "guardian-duty-notice".into(),
            "--as".into(),
            "village_committee".into(),
            "--format".into(),
            format.into(),
            "--letters".into(),
            letters.clone(),
            "--now".into(),
            T0.into(),
        ]
    };
    let html_args = args("html");
    let html = env.ok(&html_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        !html.contains("<script>alert(1)"),
        "case data must not become markup"
    );
    let text_args = args("txt");
    let text = env.ok(&text_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
}
