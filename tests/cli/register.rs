//! `wardflow import-register` (issue 18, "Registers in"): an existing register, CSV or XLSX,
//! becomes cases through the application layer, each row checked like any other input, all or
//! nothing, every rejected row reported by its line, and each case records where it came from.

use crate::common;

use common::{T0, TestEnv};
use serde_json::Value;

const MAPPING: &str = "\
workflow: guardianship-review
role: child_director
columns:
  姓名: child.name
  出生日期: child.birth_date
  性别: child.sex
  身份证号: child.id_number
  类别: child.category
";

fn env() -> TestEnv {
    let env = TestEnv::new();
    env.init_simulation(T0);
    env.write_file("map.yaml", MAPPING);
    env
}

fn import(file: &str) -> Vec<String> {
    [
        "import-register",
        file,
        "--workflow",
        "guardianship-review",
        "--map",
        "map.yaml",
        "--now",
        T0,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The SHA-256 of a file under the test's root, as `sha256sum` prints it.
fn sha256(env: &TestEnv, file: &str) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(env.root().join(file)).expect("the register");
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `imported` event of a case's history.
fn imported_event(env: &TestEnv, case: &str) -> Value {
    let history: Value =
        serde_json::from_str(&env.ok(&["case", "history", case, "--json"])).expect("JSON");
    let text = history.to_string();
    let events = history["events"]
        .as_array()
        .or_else(|| history.as_array())
        .unwrap_or_else(|| panic!("no events in {text}"));
    events
        .iter()
        .find(|e| e.get("file_sha256").is_some())
        .unwrap_or_else(|| panic!("no imported event in {text}"))
        .clone()
}

#[test]
fn a_csv_register_becomes_cases_reading_three_date_spellings_and_chinese_labels() {
    let env = env();
    env.write_file(
        "register.csv",
        "姓名,出生日期,性别,身份证号,类别\n\
         李小明,2016-05-01,男,500114201605011232,left_behind\n\
         王小红,2017/03/15,女,500114201703151247,left_behind\n\
         陈小军,2018年5月1日,male,50011420180501135X,\n",
    );
    let mut args = import("register.csv");
    args.push("--json".into());
    let out: Value = serde_json::from_str(&env.ok(&refs(&args))).expect("JSON");
    let cases = out["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 3, "{out:#}");
    let sha = sha256(&env, "register.csv");
    assert_eq!(out["file_sha256"], sha.as_str());
    let lines: Vec<u64> = cases.iter().filter_map(|c| c["line"].as_u64()).collect();
    assert_eq!(lines, [2, 3, 4]);
    let case = |i: usize| cases[i]["case"].as_str().expect("case id").to_owned();
    let second = env.show_json(&case(1));
    assert_eq!(second["state"], "active");
    assert_eq!(second["data"]["child.birth_date"], "2017-03-15");
    assert_eq!(second["data"]["child.sex"], "female");
    let third = env.show_json(&case(2));
    assert_eq!(third["data"]["child.birth_date"], "2018-05-01");
    // Each case names the file's hash and its line.
    let event = imported_event(&env, &case(2));
    assert_eq!(event["file_sha256"], sha.as_str());
    assert_eq!(event["line"], 4);
    // The text report names every case with its line.
    let text = env.ok(&["case", "history", &case(0)]);
    assert!(text.contains("第 2 行导入"), "{text}");
}

#[test]
fn one_bad_row_and_nothing_is_imported_every_rejected_row_named_by_its_line() {
    let env = env();
    env.write_file(
        "register.csv",
        "姓名,出生日期,性别,身份证号,类别\n\
         李小明,2016-05-01,男,500114201605011232,left_behind\n\
         王小红,2017/03/15,女,500114201703151248,left_behind\n\
         陈小军,2018年13月1日,男,,\n",
    );
    let err = env.fails(&refs(&import("register.csv")), 1);
    assert!(err.contains("2 行不符合要求"), "{err}");
    assert!(err.contains("第 3 行"), "{err}");
    assert!(err.contains("第 4 行"), "{err}");
    assert!(!err.contains("第 2 行"), "{err}");
    assert_eq!(env.ok(&["case", "list", "--json"]).trim(), "[]");
}

#[test]
fn a_mapping_naming_an_unknown_field_or_a_missing_column_is_refused_before_any_row() {
    let env = env();
    env.write_file("register.csv", "姓名,生日\n李小明,2016-05-01\n");
    let err = env.fails(&refs(&import("register.csv")), 2);
    assert!(err.contains("出生日期"), "{err}");
    env.write_file(
        "map.yaml",
        "role: child_director\ncolumns:\n  姓名: child.nmae\n",
    );
    let err = env.fails(&refs(&import("register.csv")), 2);
    assert!(err.contains("child.nmae"), "{err}");
}

#[test]
fn an_xlsx_register_is_read_from_its_first_sheet_with_real_date_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let env = env();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, head) in ["姓名", "出生日期", "性别", "身份证号", "类别"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string(0, u16::try_from(c).expect("column"), *head)
            .expect("header");
    }
    sheet.write_string(1, 0, "李小明").expect("cell");
    let born = ExcelDateTime::from_ymd(2016, 5, 1).expect("date");
    sheet
        .write_datetime_with_format(1, 1, &born, &date)
        .expect("cell");
    sheet.write_string(1, 2, "男").expect("cell");
    sheet
        .write_string(1, 3, "500114201605011232")
        .expect("cell");
    sheet.write_string(2, 0, "王小红").expect("cell");
    sheet.write_string(2, 1, "2017年3月15日").expect("cell");
    sheet.write_string(2, 2, "女").expect("cell");
    sheet.write_string(2, 4, "left_behind").expect("cell");
    let bytes = book.save_to_buffer().expect("xlsx");
    std::fs::write(env.root().join("register.xlsx"), bytes).expect("write");
    let mut args = import("register.xlsx");
    args.push("--json".into());
    let out: Value = serde_json::from_str(&env.ok(&refs(&args))).expect("JSON");
    let cases = out["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 2, "{out:#}");
    assert_eq!(cases[1]["line"], 3);
    let first = env.show_json(cases[0]["case"].as_str().expect("id"));
    assert_eq!(first["data"]["child.birth_date"], "2016-05-01");
    assert_eq!(first["data"]["child.sex"], "male");
    let event = imported_event(&env, cases[1]["case"].as_str().expect("id"));
    assert_eq!(event["line"], 3);
    assert_eq!(event["file_sha256"], sha256(&env, "register.xlsx").as_str());
}

#[test]
fn a_custody_register_lands_in_its_state_through_the_mappings_transitions() {
    let env = env();
    env.write_file(
        "custody.yaml",
        "workflow: temporary-custody\n\
         role: civil_affairs\n\
         columns:\n  姓名: child.name\n  出生日期: child.birth_date\n  安置方式: placement.kind\n  \
         安置机构: placement.name\n  安置时间: placed_at\n\
         values:\n  ground: guardian_neglect\n\
         transitions: [place]\n",
    );
    env.write_file(
        "custody.csv",
        "姓名,出生日期,安置方式,安置机构,安置时间\n\
         张小花,2014年9月10日,rescue_protection_institution,黔江区未成年人救助保护中心,2026-11-20T10:00:00+08:00\n\
         张小草,2016/2/29,交由儿童福利机构收留、抚养,黔江区儿童福利院,2026-11-21T10:00:00+08:00\n",
    );
    let out: Value = serde_json::from_str(&env.ok(&[
        "import-register",
        "custody.csv",
        "--workflow",
        "temporary-custody",
        "--map",
        "custody.yaml",
        "--now",
        T0,
        "--json",
    ]))
    .expect("JSON");
    let cases = out["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 2, "{out:#}");
    for case in cases {
        assert_eq!(case["state"], "placed", "{out:#}");
    }
    let second = env.show_json(cases[1]["case"].as_str().expect("id"));
    assert_eq!(
        second["data"]["placement.kind"],
        "child_welfare_institution"
    );
    assert_eq!(second["data"]["child.birth_date"], "2016-02-29");
    assert_eq!(second["data"]["ground"], "guardian_neglect");
    // A placement the workflow's guards refuse (foster care without a carer) is refused like
    // any act, and nothing is imported.
    env.write_file(
        "custody.csv",
        "姓名,出生日期,安置方式,安置机构,安置时间\n\
         王小二,2019-06-01,家庭寄养,某寄养家庭,2026-11-20T10:00:00+08:00\n",
    );
    let err = env.fails(
        &[
            "import-register",
            "custody.csv",
            "--workflow",
            "temporary-custody",
            "--map",
            "custody.yaml",
            "--now",
            T0,
        ],
        1,
    );
    assert!(err.contains("第 2 行"), "{err}");
    assert!(err.contains("照护人"), "{err}");
}
