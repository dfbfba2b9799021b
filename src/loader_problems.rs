//! Every file a user writes is read by one reader: for each loader, a file with two problems
//! reports both, each with its line and column, worded in Chinese by default.

use crate::failure::problem_message;
use crate::i18n::{Lang, Tr};
use wardflow_engine::definition::{self, Definition, Diagnostics};
use wardflow_engine::letters::{LetterError, table};
use wardflow_engine::{authority, holidays, profile};

const WORKFLOW: &str = "workflow: care\ntitle: 照护\nroles: { a: 甲 }\nsettings: { visit_every: 2w }\nstates:\n  s: { initial: true }\n  e: { final: true }\ntransitions:\n  go: { from: [s], to: e, roles: [a] }\n";

/// Each problem as `line:column message`, the message in Chinese.
fn zh(diagnostics: &Diagnostics) -> Vec<String> {
    let tr = Tr { lang: Lang::Zh };
    diagnostics
        .problems
        .iter()
        .map(|p| {
            let pos = p.pos.expect("every problem has a position");
            format!("{pos} {}", problem_message(&tr, &p.kind))
        })
        .collect()
}

/// Asserts the two problems, in the order of the file, at those places and saying those things.
fn assert_two(diagnostics: &Diagnostics, expected: [(&str, &str); 2]) {
    let shown = zh(diagnostics);
    assert_eq!(shown.len(), 2, "{shown:#?}");
    for (line, (pos, words)) in shown.iter().zip(expected) {
        assert!(
            line.starts_with(&format!("{pos} ")),
            "{line} is not at {pos}"
        );
        assert!(line.contains(words), "{line} does not say {words}");
    }
}

fn workflow() -> Definition {
    definition::load("care.yaml", WORKFLOW.as_bytes()).expect("the test workflow loads")
}

#[test]
fn a_workflow_with_two_problems_reports_both_with_positions_in_chinese() {
    let src = WORKFLOW.replace("title: 照护", "title: 照护\ntitel: x\ndescription: [x]");
    let err = definition::load("care.yaml", src.as_bytes()).expect_err("two problems");
    assert_two(
        &err,
        [
            ("3:1", "未知的键 `titel`。此处允许：workflow"),
            ("4:14", "这里应为文字，实际是列表"),
        ],
    );
}

#[test]
fn a_profile_with_two_problems_reports_both_with_positions_in_chinese() {
    let def = workflow();
    let src = "profile: qianjiang\nsettings:\n  care:\n    visit_evry: 1 month\n  kare: {}\n";
    let err = profile::load("p.yaml", src.as_bytes(), &[&def]).expect_err("two problems");
    assert_two(
        &err,
        [
            (
                "4:5",
                "设置项 `care:visit_evry` 未在 settings 中声明。（是否想输入 visit_every？）",
            ),
            ("5:3", "`kare`"),
        ],
    );
}

#[test]
fn a_profile_setting_of_another_kind_is_worded_in_chinese() {
    let def = workflow();
    let src = "profile: qianjiang\nsettings:\n  care:\n    visit_every: 3\nissuing_bodies:\n  police: { code: 黔公 }\n";
    let err = profile::load("p.yaml", src.as_bytes(), &[&def]).expect_err("two problems");
    assert_two(
        &err,
        [
            ("4:18", "这里应为期限（如 7d、6 months），实际是整数"),
            ("6:11", "缺少必需的键 `name`"),
        ],
    );
}

#[test]
fn a_calendar_with_two_problems_reports_both_with_positions_in_chinese() {
    let src = "time_zone: Asia/Shanghai\nyears:\n  2027:\n    holidays: [2027-02-30, 2026-10-01]\n";
    let err = holidays::load("county.yaml", src.as_bytes()).expect_err("two problems");
    assert_two(
        &err,
        [
            (
                "4:16",
                "值不符合字段 `years.2027.holidays[0]` 的类型（应为 日期",
            ),
            ("4:28", "日期 2026-10-01 不在 2027 年内"),
        ],
    );
}

#[test]
fn a_units_file_with_two_problems_reports_both_with_positions_in_chinese() {
    let src = "units:\n  - { id: county, name: 县, kind: county }\n  - { id: east, name: 东乡, kind: townshp, parent: contry }\n";
    let err = authority::load_units("units.yaml", src.as_bytes()).expect_err("two problems");
    assert_two(
        &err,
        [
            (
                "3:5",
                "单位 `contry` 未在单位文件中定义。（是否想输入 county？）",
            ),
            ("3:33", "「townshp」不是可用的值。此处允许：province"),
        ],
    );
}

#[test]
fn a_letters_table_with_two_problems_reports_both_with_positions_in_chinese() {
    let src = "documents:\n  reprimand:\n    title: 训诫书\n    template: reprimand.html\n    layout: enforcment\n    issuers:\n      police: { numbering: none }\n";
    let err = match table::parse(src.as_bytes(), "documents.yaml") {
        Err(LetterError::Table(d)) => d,
        other => panic!("expected table problems, got {other:?}"),
    };
    assert_two(
        &err,
        [
            (
                "4:15",
                "模板「reprimand.html」必须是文书目录中的 .hbs 文件名",
            ),
            ("5:13", "「enforcment」不是可用的值。此处允许：gongwen"),
        ],
    );
    assert!(
        zh(&err)[1].contains("是否想输入 enforcement"),
        "{:?}",
        zh(&err)
    );
}

#[test]
fn the_same_problems_read_in_english_with_lang_en() {
    let src = "units:\n  - { id: county, name: 县, kind: countee }\ntimezone: x\n";
    let err = authority::load_units("units.yaml", src.as_bytes()).expect_err("two problems");
    let tr = Tr { lang: Lang::En };
    let shown: Vec<String> = err
        .problems
        .iter()
        .map(|p| problem_message(&tr, &p.kind))
        .collect();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(
        shown[0].starts_with("`countee` is not one of the values allowed here: province")
            && shown[0].contains("did you mean county?"),
        "{shown:#?}"
    );
    assert!(shown[1].starts_with("unknown key `timezone`"), "{shown:#?}");
}
