//! The JSON convention (README, "JSON output") on every command: with `--json`, stdout is
//! exactly one JSON value (an object for one thing, an array for a list; `export` alone
//! streams JSON Lines), its keys ASCII snake_case, every instant in RFC 3339 with the office's
//! offset (+08:00), every calendar date `YYYY-MM-DD`.

use crate::common;
use crate::letter_issue;

use common::{T0, TestEnv};
use serde_json::Value;

const T1: &str = "2026-11-23T11:00:00+08:00";

/// What a command's stdout must be.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Object,
    Array,
}

/// Runs `args --json`, which must succeed, and checks its stdout against the convention;
/// what breaks it goes into `wrong`. Returns the value.
#[track_caller]
fn check(env: &TestEnv, args: &[&str], shape: Shape, wrong: &mut Vec<String>) -> Value {
    let out = env.wardflow(args.iter().copied()).arg("--json").ok();
    let value: Value = match serde_json::from_str(&out) {
        Ok(v) => v,
        Err(e) => {
            wrong.push(format!(
                "{args:?}: stdout is not exactly one JSON value ({e}):\n{out}"
            ));
            return Value::Null;
        }
    };
    let fits = match shape {
        Shape::Object => value.is_object(),
        Shape::Array => value.is_array(),
    };
    if !fits {
        wrong.push(format!("{args:?}: not one {shape:?}:\n{out}"));
    }
    conforms(&value, &format!("{args:?}"), "$", false, wrong);
    value
}

/// Checks keys and instants all the way down. Inside `data` the keys are the workflow's field
/// paths as a user types them (`child.name`).
fn conforms(value: &Value, args: &str, at: &str, field_keys: bool, wrong: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let allowed = |c: char| {
                    c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || c == '_'
                        || (field_keys && c == '.')
                };
                if key.is_empty() || !key.chars().all(allowed) {
                    wrong.push(format!(
                        "{args}: key {key:?} at {at} is not ASCII snake_case"
                    ));
                }
                conforms(v, args, &format!("{at}.{key}"), key == "data", wrong);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                conforms(v, args, &format!("{at}[{i}]"), false, wrong);
            }
        }
        Value::String(s) => instant_has_offset(s, args, at, wrong),
        _ => {}
    }
}

/// A string that begins like an instant (`YYYY-MM-DDTHH:MM`) must be one with the office's
/// offset.
fn instant_has_offset(s: &str, args: &str, at: &str, wrong: &mut Vec<String>) {
    let b = s.as_bytes();
    let looks = b.len() >= 16
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':';
    if looks && !(s.ends_with("+08:00") && s.parse::<jiff::Timestamp>().is_ok()) {
        wrong.push(format!(
            "{args}: {at} = {s:?} is not an RFC 3339 instant with the office's offset"
        ));
    }
}

#[test]
fn init_answers_with_one_object() {
    let env = TestEnv::new();
    let mut wrong = Vec::new();
    let v = check(
        &env,
        &["init", "--simulation", "--now", T0],
        Shape::Object,
        &mut wrong,
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(v["workflows"].is_array(), "{v:#}");
}

#[test]
fn every_command_gives_one_value_with_offsets_and_snake_case_keys() {
    let env = letter_issue::env();
    let case = letter_issue::warning_case(&env);
    let care = env.open_xiaoming(T0);
    let c = case.as_str();
    let d = env.root().join("b.redb").display().to_string();
    use Shape::{Array, Object};
    // Acts first, then what shows them.
    let table: &[(&[&str], Shape)] = &[
        (&["workflow", "list"], Array),
        (&["workflow", "show", "example-care"], Object),
        (&["workflow", "validate"], Array),
        (&["workflow", "graph", "example-care"], Object),
        (&["workflow", "publish", "--now", T1], Array),
        (
            &[
                "case",
                "open",
                "example-care",
                "--as",
                "parent",
                "--set",
                "child.name=李小红",
                "--set",
                "child.birth_date=2019-01-02",
                "--set",
                "parent.name=李强",
                "--now",
                T1,
            ],
            Object,
        ),
        (
            &[
                "case",
                "advance",
                &care,
                "sign_agreement",
                "--as",
                "village_committee",
                "--set",
                "carer.name=王奶奶",
                "--set",
                "carer.birth_date=1960-03-02",
                "--set",
                "carer.relation=grandparent",
                "--set",
                "departure_at=2026-11-20T08:00:00+08:00",
                "--now",
                T1,
            ],
            Object,
        ),
        (&["case", "next", c, "--now", T1], Array),
        (&["case", "show", c, "--now", T1], Object),
        (&["case", "history", c, "--now", T1], Array),
        (&["case", "list", "--now", T1], Array),
        (
            &["case", "overdue", "--now", "2027-06-01T10:00:00+08:00"],
            Array,
        ),
        (&["agenda", "--days", "30", "--now", T1], Array),
        (
            &[
                "letter",
                "issue",
                c,
                "warning-letter",
                "--as",
                "police",
                "--now",
                T1,
            ],
            Object,
        ),
        (&["letter", "list", "--now", T1], Array),
        (&["letter", "show", "L2026-000001", "--now", T1], Object),
        (
            &[
                "letter",
                "export",
                "L2026-000001",
                "--format",
                "txt",
                "--out",
                "l.txt",
                "--now",
                T1,
            ],
            Object,
        ),
        (&["letter", "verify", "l.txt", "--now", T1], Object),
        (&["letter", "export", "L2026-000001", "--now", T1], Object),
        (
            &[
                "letter",
                "preview",
                c,
                "warning-letter",
                "--as",
                "police",
                "--now",
                T1,
            ],
            Object,
        ),
        (
            &[
                "letter",
                "void",
                "L2026-000001",
                "--as",
                "police",
                "--reason",
                "写错了",
                "--now",
                T1,
            ],
            Object,
        ),
        (
            &[
                "case",
                "amend",
                &care,
                "--set",
                "child.name=李小明",
                "--reason",
                "户籍信息更正",
                "--as",
                "village_committee",
                "--now",
                T1,
            ],
            Object,
        ),
        (
            &[
                "case",
                "transfer",
                &care,
                "--to",
                "shijia_village",
                "--as",
                "police",
                "--now",
                T1,
            ],
            Object,
        ),
        (
            &["case", "export", &care, "--out", "case.json", "--now", T1],
            Object,
        ),
        (
            &["timers", "tick", "--now", "2027-06-01T10:00:00+08:00"],
            Array,
        ),
        (&["check"], Object),
        (&["verify"], Object),
        (&["verify", c], Object),
        (&["key", "show"], Object),
        (
            &[
                "user",
                "add",
                "李娟",
                "--role",
                "village_committee",
                "--unit",
                "shijia_village",
                "--now",
                T1,
            ],
            Object,
        ),
        (
            &["user", "roles", "李娟", "--role", "police", "--now", T1],
            Object,
        ),
        (&["user", "disable", "李娟", "--now", T1], Object),
        (&["user", "enable", "李娟", "--now", T1], Object),
        (&["user", "list"], Array),
        (&["unit", "list"], Array),
        (&["audit", "--now", T1], Array),
        (&["backup", "--plain", "--out", &d], Object),
        (&["completions", "bash"], Object),
        (&["man", "--out", "man"], Object),
        (&["config", "show"], Array),
    ];
    let mut wrong = Vec::new();
    for (args, shape) in table {
        check(&env, args, *shape, &mut wrong);
    }
    // A signed export checked without the database.
    let key = check(&env, &["key", "show"], Object, &mut wrong);
    let public = key["public_key"].as_str().expect("public_key").to_owned();
    check(
        &env,
        &["verify", "--file", "case.json", "--key", &public],
        Object,
        &mut wrong,
    );
    // `export` alone streams JSON Lines: one object per line, each by the same rules.
    let lines = env.ok(&["export", "--plain"]);
    let path = env.write_file("all.jsonl", &lines);
    for line in lines.lines() {
        let v: Value = serde_json::from_str(line).expect("one JSON value per line");
        assert!(v.is_object(), "{line}");
    }
    let other = env.root().join("new.redb").display().to_string();
    check(
        &env,
        &["--db", &other, "import", &path, "--simulation"],
        Object,
        &mut wrong,
    );
    check(
        &env,
        &["restore", &d, "--force", "--accept-loss"],
        Object,
        &mut wrong,
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
