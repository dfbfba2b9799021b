//! The bad-input table: hostile and mistaken input, each row with the exit code it must get
//! (2 bad input, 5 storage, 1 refused) and a piece of the message a caseworker reads, and each
//! checked to leave the database exactly as it was (a canonical dump before and after).
//!
//! Rows sharing a setup run one after another against the same database, so the table also
//! shows that a long series of failures changes nothing. Storage faults (a file that is not a
//! database, a read-only database, a full disk) have their own setups at the end.

use crate::common;

use std::path::Path;

use common::{T0, TestEnv};

/// The clock of every command in the table: the day after the case was opened.
const LATER: &str = "2026-11-24T10:00:00+08:00";
/// The case every row may refer to (小明, example-care, opened at T0).
const CASE: &str = "2026-000001";

/// One row: what is run, and what must come out.
struct Row {
    name: &'static str,
    /// Files to write under the test directory first (relative name, bytes).
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    /// Run in English instead of Chinese.
    en: bool,
    code: i32,
    /// A piece of the message on stderr.
    message: &'static str,
}

fn row(name: &'static str, args: &[&str], code: i32, message: &'static str) -> Row {
    Row {
        name,
        files: Vec::new(),
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdin: None,
        en: false,
        code,
        message,
    }
}

impl Row {
    fn file(mut self, name: &'static str, bytes: impl Into<Vec<u8>>) -> Self {
        self.files.push((name, bytes.into()));
        self
    }

    fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    fn en(mut self) -> Self {
        self.en = true;
        self
    }
}

/// `case open example-care --as parent` with the given sets (and the required ones unless
/// overridden), at LATER.
fn open_with(sets: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["case", "open", "example-care", "--as", "parent"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let required = [
        "child.name=小红",
        "child.birth_date=2019-01-02",
        "parent.name=王五",
    ];
    for r in required {
        let key = r.split_once('=').map_or(r, |(k, _)| k);
        if !sets.iter().any(|s| s.starts_with(&format!("{key}="))) {
            args.extend(["--set".to_owned(), r.to_owned()]);
        }
    }
    for s in sets {
        args.extend(["--set".to_owned(), (*s).to_owned()]);
    }
    args.extend(["--now".to_owned(), LATER.to_owned()]);
    args
}

fn opens(name: &'static str, sets: &[&str], code: i32, message: &'static str) -> Row {
    Row {
        args: open_with(sets),
        ..row(name, &[], code, message)
    }
}

/// `case advance CASE sign_agreement --as village_committee` with a valid agreement, one field
/// replaced.
fn signs(name: &'static str, set: &str, code: i32, message: &'static str) -> Row {
    let mut sets = vec![
        "carer.name=王奶奶",
        "carer.birth_date=1960-03-02",
        "carer.relation=grandparent",
        "departure_at=2026-11-20T08:00:00+08:00",
    ];
    let key = set.split_once('=').map_or(set, |(k, _)| k);
    sets.retain(|s| !s.starts_with(&format!("{key}=")));
    sets.push(set);
    let mut args: Vec<String> = [
        "case",
        "advance",
        CASE,
        "sign_agreement",
        "--as",
        "village_committee",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for s in sets {
        args.extend(["--set".to_owned(), s.to_owned()]);
    }
    args.extend(["--now".to_owned(), LATER.to_owned()]);
    Row {
        args,
        ..row(name, &[], code, message)
    }
}

/// `workflow publish workflows/bad.yaml` with the given content.
fn publishes(name: &'static str, content: impl Into<Vec<u8>>, message: &'static str) -> Row {
    row(
        name,
        &["workflow", "publish", "workflows/bad.yaml", "--now", LATER],
        2,
        message,
    )
    .file("workflows/bad.yaml", content)
}

/// `case open … --data data.yaml` with the given document.
fn data_file(name: &'static str, content: impl Into<Vec<u8>>, message: &'static str) -> Row {
    let mut args = open_with(&[]);
    args.extend(["--data".to_owned(), "data.yaml".to_owned()]);
    Row {
        args,
        ..row(name, &[], 2, message)
    }
    .file("data.yaml", content)
}

/// A valid workflow with one line replaced (for the structural rows).
fn example_with(from: &str, to: &str) -> String {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows/example-followup.yaml"),
    )
    .expect("example-followup.yaml");
    assert!(
        source.contains(from),
        "example-followup.yaml has no `{from}`"
    );
    source.replacen(from, to, 1)
}

/// The rows against a simulation database holding one open case.
fn case_rows() -> Vec<Row> {
    let nested = format!(
        "workflow: x\nfields: {}1{}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    let bomb = {
        let mut s = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            s.push_str(&format!(
                "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        s
    };
    let huge_scalar = format!("workflow: x\ntitle: \"{}\"\n", "长".repeat(700_000));
    let many_nodes = format!("workflow: x\nroles:\n{}", "- r\n".repeat(110_000));
    let ten_mb = vec![b'a'; 10 * 1024 * 1024];
    let long_name = format!("child.name={}", "名".repeat(10_001));
    vec![
        // ----- hostile and malformed YAML (workflow publish) -----
        publishes("deep nesting", nested, "嵌套"),
        publishes("alias bomb (billion laughs)", bomb, "节点"),
        publishes("huge scalar (2 MB)", huge_scalar, "过大"),
        publishes("too many nodes", many_nodes, "节点"),
        publishes("not UTF-8", b"workflow: \xff\xfe\xfa\n".to_vec(), "UTF-8"),
        publishes(
            "BOM then a tab-indented mapping",
            b"\xef\xbb\xbfworkflow: x\nfields:\n\tchild.name: string\n".to_vec(),
            "YAML",
        ),
        publishes("tab indentation", "workflow: x\nroles:\n\t- a\n", "YAML"),
        publishes("NUL byte", b"workflow: x\0\n".to_vec(), "YAML"),
        publishes("empty file", "", "空"),
        publishes("only a comment", "# nothing\n", "空"),
        publishes("two documents", "workflow: x\n---\nworkflow: y\n", "多个"),
        publishes("unclosed bracket", "workflow: x\nroles: [a, b\n", "YAML"),
        publishes("unknown alias", "workflow: x\nroles: *nothing\n", "别名"),
        publishes("duplicate key", "workflow: x\nworkflow: y\n", "重复"),
        publishes("complex key", "? [a, b]\n: c\n", "键"),
        publishes("a list, not a mapping", "- workflow\n- x\n", "映射"),
        publishes(
            "unknown top-level key",
            example_with("title:", "titel:"),
            "titel",
        ),
        publishes(
            "wrong type: a role that is a number",
            "workflow: x\ntitle: t\nroles: 5\nstates: {a: {initial: true}}\ntransitions: {}\n",
            "这里应为文字，实际是整数",
        ),
        publishes(
            "no states at all (no case could ever open)",
            "workflow: x\ntitle: t\nroles: [a]\nstates: {}\ntransitions: {}\n",
            "没有初始状态",
        ),
        publishes(
            "unknown field type",
            example_with("type: string", "type: strnig"),
            "strnig",
        ),
        publishes(
            "bad period",
            example_with("within: ", "within: 3 fortnights #"),
            "fortnights",
        ),
        publishes(
            "guard syntax error",
            example_with(
                "transitions:",
                "transitions:\n  broken:\n    title: 坏\n    from: [open]\n    to: open\n    roles: [police]\n    guard: \"((\"\n  x_placeholder_never_used:",
            ),
            "条件",
        ),
        row(
            "workflow file that does not exist",
            &["workflow", "publish", "workflows/none.yaml", "--now", LATER],
            2,
            "无法读取",
        ),
        row(
            "a directory given as a workflow file",
            &["workflow", "publish", "workflows", "--now", LATER],
            2,
            "无法读取",
        ),
        // ----- dates and times -----
        opens(
            "date that does not exist",
            &["child.birth_date=2026-02-30"],
            2,
            "2026-02-30",
        ),
        opens("month 13", &["child.birth_date=2026-13-01"], 2, "日期"),
        opens(
            "future birth date",
            &["child.birth_date=2030-05-01"],
            2,
            "出生日期不能在将来",
        ),
        opens(
            "birth date tomorrow",
            &["child.birth_date=2026-11-25"],
            2,
            "出生日期不能在将来",
        ),
        signs(
            "future carer birth date",
            "carer.birth_date=2027-01-01",
            2,
            "carer.birth_date",
        ),
        opens(
            "future birth date inside records",
            &["siblings=[{\"name\":\"小华\",\"birth_date\":\"2031-01-01\"}]"],
            2,
            "siblings.birth_date",
        ),
        signs(
            "datetime that does not exist",
            "departure_at=2026-02-30T08:00",
            2,
            "departure_at",
        ),
        row(
            "--now that is not a time",
            &["case", "show", CASE, "--now", "yesterday"],
            2,
            "--now",
        ),
        row(
            "--at in the future",
            &[
                "case",
                "advance",
                CASE,
                "sign_agreement",
                "--as",
                "village_committee",
                "--at",
                "2027-01-01T00:00:00+08:00",
                "--now",
                LATER,
            ],
            2,
            "不能晚于当前时间",
        ),
        row(
            "--at before the case was opened",
            &[
                "case",
                "advance",
                CASE,
                "sign_agreement",
                "--as",
                "village_committee",
                "--at",
                "2020-01-01T00:00:00+08:00",
                "--now",
                LATER,
            ],
            2,
            "",
        ),
        row(
            "clock earlier than the case's last record",
            &[
                "case",
                "advance",
                CASE,
                "sign_agreement",
                "--as",
                "village_committee",
                "--now",
                "2026-11-01T10:00:00+08:00",
            ],
            2,
            "倒流",
        ),
        // ----- case ids, transitions, roles -----
        row(
            "unknown case id",
            &["case", "show", "2026-999999", "--now", LATER],
            2,
            "2026-999999",
        ),
        row(
            "advance an unknown case",
            &[
                "case",
                "advance",
                "2025-000001",
                "sign_agreement",
                "--as",
                "village_committee",
                "--now",
                LATER,
            ],
            2,
            "2025-000001",
        ),
        row(
            "malformed case id",
            &["case", "history", "12-ab", "--now", LATER],
            2,
            "12-ab",
        ),
        row(
            "case id with HTML",
            &["case", "show", "<b>2026</b>", "--now", LATER],
            2,
            "<b>2026</b>",
        ),
        row(
            "transition of another workflow",
            &[
                "case",
                "advance",
                CASE,
                "approve_carer",
                "--as",
                "village_committee",
                "--now",
                LATER,
            ],
            2,
            "approve_carer",
        ),
        row(
            "transition of another workflow (English)",
            &[
                "case",
                "advance",
                CASE,
                "approve_carer",
                "--as",
                "village_committee",
                "--now",
                LATER,
            ],
            2,
            "approve_carer",
        )
        .en(),
        row(
            "unknown role",
            &[
                "case",
                "advance",
                CASE,
                "sign_agreement",
                "--as",
                "mayor",
                "--now",
                LATER,
            ],
            2,
            "mayor",
        ),
        row(
            "the system role is the runner's",
            &[
                "case",
                "advance",
                CASE,
                "sign_agreement",
                "--as",
                "system",
                "--now",
                LATER,
            ],
            2,
            "system",
        ),
        row(
            "unpublished workflow",
            &[
                "case",
                "open",
                "no-such-flow",
                "--as",
                "parent",
                "--now",
                LATER,
            ],
            2,
            "no-such-flow",
        ),
        row(
            "stale --expect-seq",
            &[
                "case",
                "amend",
                CASE,
                "--as",
                "parent",
                "--set",
                "parent.name=李四四",
                "--reason",
                "更正",
                "--expect-seq",
                "7",
                "--now",
                LATER,
            ],
            1,
            "",
        ),
        row(
            "amend without a reason",
            &[
                "case",
                "amend",
                CASE,
                "--as",
                "parent",
                "--set",
                "parent.name=李",
                "--reason",
                " ",
                "--now",
                LATER,
            ],
            2,
            "",
        ),
        row(
            "amend with nothing to change",
            &[
                "case", "amend", CASE, "--as", "parent", "--reason", "更正", "--now", LATER,
            ],
            2,
            "",
        ),
        // ----- --set -----
        opens("--set without =", &["child.name"], 2, "child.name"),
        opens(
            "--set of an unknown field",
            &["child.nmae=小明"],
            2,
            "child.nmae",
        ),
        opens("--set with an empty field name", &["=小明"], 2, ""),
        signs(
            "integer field given text",
            "contacts_logged=three",
            2,
            "contacts_logged",
        ),
        signs(
            "integer overflow",
            "contacts_logged=99999999999999999999",
            2,
            "contacts_logged",
        ),
        signs(
            "boolean field given maybe",
            "carer.disqualified=maybe",
            2,
            "carer.disqualified",
        ),
        signs(
            "enum value not allowed",
            "carer.relation=neighbour",
            2,
            "neighbour",
        ),
        opens(
            "identity number with a bad check digit",
            &["child.id_number=110105201805010010"],
            2,
            "child.id_number",
        ),
        opens(
            "records field that is not JSON",
            &["siblings={name: 小华"],
            2,
            "siblings",
        ),
        opens(
            "records with an unknown sub-field",
            &["siblings=[{\"nmae\":\"小华\"}]"],
            2,
            "siblings.nmae",
        ),
        opens(
            "list item of the wrong type",
            &["siblings=[1, 2]"],
            2,
            "siblings",
        ),
        opens(
            "control character in a name",
            &["child.name=小\u{7}明"],
            2,
            "控制字符",
        ),
        opens(
            "escape sequence in a name",
            &["child.name=\u{1b}[31m小明"],
            2,
            "控制字符",
        ),
        opens(
            "HTML with a control character in a name",
            &["child.name=<script>\u{8}alert(1)</script>"],
            2,
            "控制字符",
        ),
        opens(
            "name of 10 001 characters",
            &[long_name.as_str()],
            2,
            "10000",
        ),
        // ----- --data -----
        {
            let mut args = open_with(&[]);
            args.extend(["--data".to_owned(), "big.yaml".to_owned()]);
            Row {
                args,
                ..row("--data of 10 MB", &[], 2, "过大")
            }
            .file("big.yaml", ten_mb.clone())
        },
        {
            let mut args = open_with(&[]);
            args.extend(["--data".to_owned(), "-".to_owned()]);
            Row {
                args,
                ..row("--data of 10 MB on standard input", &[], 2, "过大")
            }
            .stdin(ten_mb)
        },
        data_file("--data that is a list", "- a\n- b\n", "映射"),
        data_file("--data with a syntax error", "child: {name: [\n", "YAML"),
        data_file(
            "--data with an unknown nested key",
            "child:\n  nmae: 小明\n",
            "child.nmae",
        ),
        data_file(
            "--data alias bomb",
            "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
            "节点",
        ),
        data_file(
            "--data not UTF-8",
            b"child.name: \xc3\x28\n".to_vec(),
            "UTF-8",
        ),
        data_file(
            "--data with a wrong type",
            "child.birth_date: [2019, 1, 2]\n",
            "child.birth_date",
        ),
        row(
            "--data file that does not exist",
            &[
                "case",
                "open",
                "example-care",
                "--as",
                "parent",
                "--data",
                "missing.yaml",
                "--now",
                LATER,
            ],
            2,
            "missing.yaml",
        ),
        // ----- the database and operations -----
        row(
            "--db that does not exist",
            &["case", "list", "--db", "nowhere.redb", "--now", LATER],
            2,
            "nowhere.redb",
        ),
        row(
            "init over an existing database",
            &["init", "--simulation", "--now", LATER],
            2,
            "已存在",
        ),
        row(
            "backup onto an existing file",
            &["backup", "--plain", "--out", "w.redb"],
            2,
            "已存在",
        ),
        row(
            "restore over the database without --force",
            &["restore", "w.redb"],
            2,
            "--force",
        ),
        row(
            "restore from a file that does not exist",
            &["restore", "none.redb"],
            2,
            "none.redb",
        ),
        row(
            "import into an existing database",
            &["import", "e.jsonl"],
            2,
            "已存在",
        )
        .file("e.jsonl", "{\"type\":\"meta\"}\n"),
        row(
            "import from a file that does not exist",
            &["import", "none.jsonl", "--db", "new.redb"],
            2,
            "none.jsonl",
        ),
        row(
            "import of an empty file",
            &["import", "-", "--db", "new.redb"],
            2,
            "为空",
        ),
        row(
            "import of a line that is not JSON",
            &["import", "-", "--db", "new.redb"],
            2,
            "第 1 行",
        )
        .stdin("not json\n"),
        row(
            "import of an unknown record type",
            &["import", "-", "--db", "new.redb"],
            2,
            "letterz",
        )
        .stdin("{\"type\":\"letterz\"}\n"),
        row(
            "import starting with an event",
            &["import", "-", "--db", "new.redb"],
            2,
            "位置不对",
        )
        .stdin("{\"type\":\"event\",\"case\":\"2026-000001\",\"seq\":1,\"record\":{}}\n"),
        row(
            "import of a future export format",
            &["import", "-", "--db", "new.redb"],
            2,
            "版本 9",
        )
        .stdin("{\"type\":\"meta\",\"export_format\":9,\"record\":{}}\n"),
    ]
}

/// The repository's letters directory copied under `l/`, with `extra` appended to the
/// guardian-duty notice (the letter the example case can preview).
fn letters_with(extra: &str) -> Vec<(&'static str, Vec<u8>)> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("letters");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&source).expect("read letters/") {
        let path = entry.expect("letters entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !(name.ends_with(".hbs") || name.ends_with(".yaml")) {
            continue;
        }
        let mut bytes = std::fs::read(&path).expect("read letter file");
        if name == "guardian-duty-notice.hbs" {
            bytes.extend_from_slice(extra.as_bytes());
        }
        let leaked: &'static str = Box::leak(format!("l/{name}").into_boxed_str());
        files.push((leaked, bytes));
    }
    files
}

/// `letter preview` of the guardian-duty notice with a template ending in `extra`.
fn previews_template(name: &'static str, extra: &str, message: &'static str) -> Row {
    let mut r = row(
        name,
        &[
            "letter",
            "preview",
            CASE,
            "guardian-duty-notice",
            "--as",
            "village_committee",
            "--letters",
            "l",
            "--now",
            LATER,
        ],
        2,
        message,
    );
    r.files = letters_with(extra);
    r
}

/// `case open` under the profile `p.yaml` (in the test directory) with the given body.
fn under_profile(name: &'static str, body: &str, message: &'static str) -> Row {
    let mut args = open_with(&[]);
    args.extend(["--profile", "p", "--profiles", "."].map(str::to_owned));
    Row {
        args,
        ..row(name, &[], 2, message)
    }
    .file("p.yaml", format!("profile: p\ntitle: 测试\n{body}"))
}

/// Hostile numbers in configuration and templates (issue 15, resource limits): each is
/// refused with a message naming the limit, never a panic or an allocation of its size.
/// Issue 15, authority: the roles a workflow names for corrections and transfers must be
/// roles it declares, as a list of snake_case names (both keys were unknown before).
fn authority_rows() -> Vec<Row> {
    // Each line goes just before the top-level `fields:`, after the declared roles.
    let with = |line: &str| example_with("\nfields:\n", &format!("\n{line}\nfields:\n"));
    vec![
        publishes(
            "corrections naming an undeclared role",
            with("corrections: [civil_afairs]"),
            "civil_afairs` 未在 roles 中声明",
        ),
        publishes(
            "transfers naming an undeclared role",
            with("transfers: [police, prosecutor]"),
            "prosecutor` 未在 roles 中声明",
        ),
        publishes(
            "corrections as a mapping",
            with("corrections: { police: true }"),
            "映射",
        ),
        publishes(
            "transfers naming a role that is no snake_case name",
            with("transfers: [Police-Station]"),
            "Police-Station",
        ),
    ]
}

fn limit_rows() -> Vec<Row> {
    vec![
        previews_template(
            "a blank of 10^17 characters",
            "{{blank 99999999999999999}}",
            "blank must be a whole number from 0 to 200",
        ),
        previews_template(
            "a blank one past the limit",
            "{{blank 201}}",
            "from 0 to 200",
        ),
        previews_template(
            "a negative blank",
            "{{blank -3}}",
            "blank must be a whole number",
        ),
        previews_template(
            "a blank of text",
            "{{blank \"many\"}}",
            "blank must be a whole number",
        ),
        previews_template(
            "a fill width of 10^12",
            "{{fill child.name width=1000000000000}}",
            "fill width",
        ),
        previews_template(
            "cn_num of u64::MAX",
            "{{cn_num \"18446744073709551615\"}}",
            "too large to write in Chinese numerals",
        ),
        previews_template(
            "cn_num of 10^12",
            "{{cn_num \"1000000000000\"}}",
            "too large to write in Chinese numerals",
        ),
        previews_template(
            "cn_num past u64",
            "{{cn_num \"99999999999999999999999\"}}",
            "not a whole number",
        ),
        under_profile(
            "a profile letter setting of 10^12 days",
            "letters:\n  report-receipt: { feedback_days: 1000000000000 }\n",
            "feedback_days",
        ),
        under_profile(
            "a profile letter setting of -1 days",
            "letters:\n  report-receipt: { feedback_days: -1 }\n",
            "from 0 to 100000",
        ),
        under_profile(
            "a profile letter setting of i64::MAX",
            "letters:\n  report-receipt: { feedback_days: 9223372036854775807 }\n",
            "from 0 to 100000",
        ),
        under_profile(
            "a profile workflow setting of 10^12",
            "settings:\n  example-care: { min_carer_age: 1000000000000 }\n",
            "0 到 100000 之间的整数",
        ),
        under_profile(
            "a profile workflow setting below zero",
            "settings:\n  example-care: { min_carer_age: -18 }\n",
            "0 到 100000 之间的整数",
        ),
    ]
}

/// `--out` files that would overwrite data (issue 15, data loss): the database, its key and its
/// access log are refused even with `--force`, however named; an existing file without it.
fn output_rows() -> Vec<Row> {
    let export = |name, out: &str, force: bool, message| {
        let mut args = vec!["case", "export", CASE, "--out", out, "--now", LATER];
        if force {
            args.push("--force");
        }
        row(name, &args, 2, message)
    };
    let preview = |name, out: &str| {
        row(
            name,
            &[
                "letter",
                "preview",
                CASE,
                "guardian-duty-notice",
                "--as",
                "village_committee",
                "--out",
                out,
                "--force",
                "--now",
                LATER,
            ],
            2,
            "数据库本身",
        )
    };
    vec![
        export(
            "case export over the database, forced",
            "w.redb",
            true,
            "数据库本身",
        ),
        export(
            "case export over ./the database",
            "./w.redb",
            true,
            "数据库本身",
        ),
        export(
            "case export over the database by another path",
            "workflows/../w.redb",
            true,
            "数据库本身",
        ),
        export(
            "case export over the office key, forced",
            "w.redb.key",
            true,
            "数据库本身",
        ),
        export(
            "case export over the access log",
            "w.redb.access",
            true,
            "数据库本身",
        ),
        export(
            "case export over the office key",
            "w.redb.key",
            false,
            "数据库本身",
        ),
        export(
            "case export over an existing file",
            "kept.json",
            false,
            "--force",
        )
        .file("kept.json", "keep me"),
        preview("letter preview over the database", "w.redb"),
        preview("letter preview over the office key", "w.redb.key"),
        row(
            "export over the database, forced",
            &[
                "export", "--plain", "--out", "w.redb", "--force", "--now", LATER,
            ],
            2,
            "数据库本身",
        ),
        row(
            "export over an existing file",
            &["export", "--plain", "--out", "kept.json", "--now", LATER],
            2,
            "已存在",
        ),
        row(
            "export over the database (English)",
            &[
                "export", "--plain", "--out", "w.redb", "--force", "--now", LATER,
            ],
            2,
            "not even with --force",
        )
        .en(),
    ]
}

/// Runs rows against one environment; returns a description of every row that went wrong.
fn run_rows(env: &TestEnv, rows: &[Row]) -> Vec<String> {
    run_rows_comparing(env, rows, true)
}

/// Runs rows; `compare_dump` false leaves the check of the database to the caller.
fn run_rows_comparing(env: &TestEnv, rows: &[Row], compare_dump: bool) -> Vec<String> {
    let mut wrong = Vec::new();
    for r in rows {
        for (name, bytes) in &r.files {
            if let Some(dir) = Path::new(name).parent() {
                std::fs::create_dir_all(env.root().join(dir)).expect("create row dir");
            }
            env.write_file(name, bytes);
        }
        let before = env.db_dump();
        let call = if r.en { env.en() } else { env.zh() };
        let call = match &r.stdin {
            Some(bytes) => call.stdin(bytes.clone()),
            None => call,
        };
        let args: Vec<&str> = r.args.iter().map(String::as_str).collect();
        let out = call.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let after = env.db_dump();
        let mut problems = Vec::new();
        if out.status.code() != Some(r.code) {
            problems.push(format!("exit {:?}, expected {}", out.status.code(), r.code));
        }
        if !stderr.contains(r.message) {
            problems.push(format!("message lacks `{}`", r.message));
        }
        if stderr.contains("internal error") || stderr.trim().is_empty() {
            problems.push("no clear message".to_owned());
        }
        if compare_dump && before != after {
            problems.push("the database changed".to_owned());
        }
        if env.root().join("new.redb").exists() {
            problems.push("an import left a database behind".to_owned());
        }
        if !problems.is_empty() {
            wrong.push(format!(
                "{}: {}\n    stderr: {}",
                r.name,
                problems.join("; "),
                stderr.chars().take(400).collect::<String>()
            ));
        }
    }
    wrong
}

fn case_env() -> TestEnv {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    assert_eq!(env.open_xiaoming(T0), CASE);
    env
}

#[test]
fn every_bad_input_is_refused_with_its_code_and_changes_nothing() {
    let env = case_env();
    let mut rows = case_rows();
    rows.extend(limit_rows());
    rows.extend(output_rows());
    rows.extend(authority_rows());
    let wrong = run_rows(&env, &rows);
    println!("bad inputs tried: {}", rows.len());
    assert!(rows.len() >= 50, "the table has {} rows", rows.len());
    assert!(
        wrong.is_empty(),
        "{} of {} rows went wrong:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
    // After all of that the database is still whole.
    env.ok(&["check"]);
}

/// Rows that any command meets when `w.redb` is not a wardflow database.
fn storage_rows(message: &'static str) -> Vec<Row> {
    vec![
        row("case list", &["case", "list", "--now", LATER], 5, message),
        row(
            "case show",
            &["case", "show", CASE, "--now", LATER],
            5,
            message,
        ),
        Row {
            args: open_with(&[]),
            ..row("case open", &[], 5, message)
        },
        row(
            "timers tick",
            &["timers", "tick", "--now", LATER],
            5,
            message,
        ),
        row("check", &["check"], 5, message),
        row(
            "backup",
            &["backup", "--plain", "--out", "copy.redb"],
            5,
            message,
        ),
        row("export", &["export", "--plain"], 5, message),
        row(
            "case list (English)",
            &["case", "list", "--now", LATER],
            5,
            "",
        )
        .en(),
    ]
}

/// Runs `rows` against an environment whose database file holds `bytes`.
fn with_db_bytes(bytes: &[u8], rows: &[Row]) -> Vec<String> {
    let env = TestEnv::examples_only();
    std::fs::write(env.db(), bytes).expect("write the database file");
    let mut wrong = run_rows(&env, rows);
    if env.root().join("copy.redb").exists() {
        wrong.push("a backup of a broken database was written".to_owned());
    }
    wrong
}

#[test]
fn a_file_that_is_not_a_database_is_a_storage_fault_and_stays_as_it_was() {
    let mut wrong = Vec::new();
    let mut tried = 0;
    for (what, bytes) in [
        ("text", b"hello, this is not a database\n".to_vec()),
        ("empty file", Vec::new()),
        ("zeros", vec![0u8; 8192]),
    ] {
        let rows = storage_rows("不是 wardflow 数据库");
        tried += rows.len();
        wrong.extend(
            with_db_bytes(&bytes, &rows)
                .into_iter()
                .map(|w| format!("{what}: {w}")),
        );
    }
    // A redb file with the right magic but cut short.
    let env = case_env();
    let full = std::fs::read(env.db()).expect("read db");
    let rows = storage_rows("");
    tried += rows.len();
    wrong.extend(
        with_db_bytes(&full[..4096.min(full.len())], &rows)
            .into_iter()
            .map(|w| format!("truncated: {w}")),
    );
    // A redb database that is not wardflow's.
    let other = TestEnv::examples_only();
    {
        let db = redb::Database::create(other.db()).expect("create redb");
        let tx = db.begin_write().expect("begin");
        {
            let def: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("other");
            tx.open_table(def)
                .expect("table")
                .insert("x", 1)
                .expect("insert");
        }
        tx.commit().expect("commit");
    }
    // Opening it for writing touches redb's header (as every writer does), so what must stay
    // the same is its content, read back through redb.
    let rows = storage_rows("不是 wardflow 数据库");
    tried += rows.len();
    wrong.extend(
        run_rows_comparing(&other, &rows, false)
            .into_iter()
            .map(|w| format!("foreign redb: {w}")),
    );
    {
        use redb::{ReadableDatabase, ReadableTableMetadata, TableHandle};
        let db = redb::Database::open(other.db()).expect("still a redb database");
        let def: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("other");
        let tx = db.begin_read().expect("read");
        let table = tx.open_table(def).expect("its table is still there");
        assert_eq!(table.len().expect("len"), 1);
        assert_eq!(table.get("x").expect("get").map(|v| v.value()), Some(1));
        let names: Vec<String> = tx
            .list_tables()
            .expect("tables")
            .map(|t| t.name().to_owned())
            .collect();
        assert_eq!(
            names,
            ["other"],
            "wardflow added no table to a foreign file"
        );
    }
    println!("storage-fault inputs tried: {tried}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_database_path_that_is_a_directory_is_refused() {
    let env = TestEnv::examples_only();
    std::fs::create_dir(env.db()).expect("mkdir");
    for args in [
        vec!["case", "list", "--now", LATER],
        vec!["check"],
        vec!["init", "--simulation", "--now", LATER],
    ] {
        let out = env.run(&args);
        let code = out.status.code();
        assert!(
            code == Some(2) || code == Some(5),
            "{args:?}: exit {code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(env.db().is_dir());
    }
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(std::path::PathBuf);

impl Mount {
    /// Mounts a tmpfs of `size` at `dir`; None (with the reason printed) where mounting is not
    /// allowed, e.g. in an unprivileged CI container.
    fn tmpfs(dir: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(dir).ok()?;
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Mount(dir.to_owned())),
            Ok(o) => {
                println!(
                    "SKIPPED: cannot mount a tmpfs: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                println!("SKIPPED: cannot run mount: {e}");
                None
            }
        }
    }

    fn remount_read_only(&self) -> bool {
        std::process::Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// Moves the database onto `dir` and leaves a symbolic link in its place.
fn move_db_to(env: &TestEnv, dir: &Path) {
    let target = dir.join("w.redb");
    std::fs::copy(env.db(), &target).expect("copy db");
    std::fs::remove_file(env.db()).expect("remove db");
    std::os::unix::fs::symlink(&target, env.db()).expect("symlink db");
}

#[test]
fn a_read_only_database_can_be_read_but_refuses_every_write() {
    let env = case_env();
    let _mount;
    if is_root() {
        // root ignores file permissions: only a read-only file system stops it.
        let Some(m) = Mount::tmpfs(&env.root().join("ro"), "4m") else {
            return;
        };
        move_db_to(&env, &m.0);
        if !m.remount_read_only() {
            println!("SKIPPED: cannot remount the tmpfs read-only");
            return;
        }
        _mount = m;
    } else {
        let mut perms = std::fs::metadata(env.db()).expect("meta").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o444);
        std::fs::set_permissions(env.db(), perms).expect("chmod");
    }
    let rows = vec![
        Row {
            args: open_with(&[]),
            ..row("case open", &[], 5, "只读")
        },
        signs("case advance", "carer.name=王奶奶", 5, "只读"),
        row(
            "case amend",
            &[
                "case",
                "amend",
                CASE,
                "--as",
                "parent",
                "--set",
                "parent.name=李",
                "--reason",
                "更正",
                "--now",
                LATER,
            ],
            5,
            "只读",
        ),
        row(
            "timers tick",
            &["timers", "tick", "--now", LATER],
            5,
            "只读",
        ),
        row(
            "workflow publish",
            &[
                "workflow",
                "publish",
                "workflows/example-care.yaml",
                "--now",
                LATER,
            ],
            5,
            "只读",
        )
        .en()
        .with_message("read-only"),
    ];
    let wrong = run_rows(&env, &rows);
    println!("read-only inputs tried: {}", rows.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Reading still works, and so do the operations that only read.
    env.ok(&["case", "show", CASE, "--now", LATER]);
    env.ok(&["check"]);
    env.ok(&["export", "--plain"]);
}

impl Row {
    fn with_message(mut self, message: &'static str) -> Self {
        self.message = message;
        self
    }
}

#[test]
fn a_full_disk_fails_the_command_with_a_storage_fault_and_loses_nothing() {
    let env = case_env();
    let Some(mount) = Mount::tmpfs(&env.root().join("full"), "3m") else {
        return;
    };
    move_db_to(&env, &mount.0);
    // Fill what is left of the file system.
    {
        use std::io::Write;
        let mut filler = std::fs::File::create(mount.0.join("filler")).expect("filler");
        let block = vec![0u8; 64 * 1024];
        while filler.write_all(&block).is_ok() {}
        let _ = filler.sync_all();
    }
    let name = format!("child.name={}", "满".repeat(9_000));
    let note = format!("parent.name={}", "盘".repeat(9_000));
    let mut opened = 0;
    let mut failed = None;
    for _ in 0..200 {
        let args = open_with(&[name.as_str(), note.as_str()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = env.db_dump();
        let out = env.run(&args);
        match out.status.code() {
            Some(0) => opened += 1,
            code => {
                let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                assert_eq!(code, Some(5), "a full disk is a storage fault: {stderr}");
                assert!(stderr.contains("存储故障"), "{stderr}");
                // The failed write left the file needing recovery: `check` says so, passes
                // on a recovered copy, and leaves the file itself as it is.
                let raw = std::fs::read(env.db()).expect("read db");
                let report: serde_json::Value =
                    serde_json::from_str(&env.ok(&["check", "--json"])).expect("JSON");
                assert_eq!(report["ok"], true, "{report}");
                println!("full disk: check after the failure: {report}");
                assert_eq!(
                    raw,
                    std::fs::read(env.db()).expect("read db"),
                    "check changed it"
                );
                assert_eq!(
                    before,
                    env.db_dump(),
                    "the failed command changed the database"
                );
                failed = Some(stderr);
                break;
            }
        }
    }
    let stderr = failed.expect("the disk never filled up");
    println!("full disk: {opened} cases fitted, then: {}", stderr.trim());
    // Every other kind of write either still fits (small ones may, in the file's free pages)
    // or fails the same way, changing nothing.
    let long = format!("concern={}", "满".repeat(9_000));
    let sign = signs("", "carer.name=王奶奶", 0, "").args;
    let amend: Vec<String> = [
        "case", "amend", CASE, "--as", "parent", "--set", &long, "--reason", "更正", "--now", LATER,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let tick: Vec<String> = ["timers", "tick", "--now", "2026-12-30T10:00:00+08:00"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for args in [amend, sign, tick] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = env.db_dump();
        let out = env.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => println!("full disk: `{}` still fitted", args[..2].join(" ")),
            code => {
                assert_eq!(code, Some(5), "{args:?}: {stderr}");
                assert!(stderr.contains("存储故障"), "{stderr}");
                assert_eq!(before, env.db_dump(), "{args:?} changed the database");
            }
        }
    }
    // Free the space: the database is whole and takes new cases again.
    std::fs::remove_file(mount.0.join("filler")).expect("remove filler");
    env.ok(&["check"]);
    let args = open_with(&[]);
    env.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
}

/// HTML in a name is not bad input (a name may contain `<` or `&`): it is kept verbatim and
/// escaped wherever it is rendered as HTML.
#[test]
fn html_in_a_name_is_kept_verbatim_and_escaped_in_letters() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    let name = "<script>alert('x')</script>&小明";
    let id = env
        .ok(&[
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
        .to_owned();
    let shown = env.show_json(&id);
    assert_eq!(shown["data"]["child.name"], name);
    let letters = concat!(env!("CARGO_MANIFEST_DIR"), "/letters");
    let html = env.ok(&[
        "letter",
        "preview",
        &id,
        "guardian-duty-notice",
        "--as",
        "village_committee",
        "--format",
        "html",
        "--letters",
        letters,
        "--now",
        T0,
    ]);
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}
