//! `wardflow init` and `wardflow workflow …`: validating, publishing and showing definitions,
//! and the exact message for each kind of broken workflow file, in Chinese and in English.

use crate::common;

use common::{T0, TestEnv, json};

const T1: &str = "2026-11-24T09:00:00+08:00";
const T2: &str = "2026-11-25T09:00:00+08:00";

/// A table's rows (header and rule included) as cells: columns are two or more spaces apart.
fn cells(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

// ----- validate, list, show, graph -----

#[test]
fn validate_accepts_the_examples() {
    let env = TestEnv::examples_only();
    let out = env.ok(&[
        "workflow",
        "validate",
        "workflows/example-care.yaml",
        "workflows/example-followup.yaml",
    ]);
    assert_eq!(
        out,
        "workflows/example-care.yaml：通过（example-care）\n\
         workflows/example-followup.yaml：通过（example-followup）\n"
    );
    // example-care alone: the workflow it spawns is found in the workflows directory.
    let out = env
        .en()
        .ok(&["workflow", "validate", "workflows/example-care.yaml"]);
    assert_eq!(out, "workflows/example-care.yaml: ok (example-care)\n");
    // Without arguments: every file of the workflows directory.
    let out = env.ok(&["workflow", "validate"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().all(|l| l.contains("通过")), "{out}");
    let out = json(&env.ok(&[
        "workflow",
        "validate",
        "workflows/example-care.yaml",
        "--json",
    ]));
    assert_eq!(
        out,
        serde_json::json!([{"file": "workflows/example-care.yaml", "workflow": "example-care", "valid": true}])
    );
}

#[test]
fn workflow_list_text_and_json() {
    let env = TestEnv::examples_only();
    let init = env.ok(&["init", "--simulation", "--now", T0, "--json"]);
    assert!(init.contains("\"simulation\": true"), "{init}");
    let (care, care_title) = env.version("example-care", 1);
    let (followup, followup_title) = env.version("example-followup", 1);
    let text = env.ok(&["workflow", "list"]);
    let rows = cells(&text);
    assert_eq!(
        rows[0],
        ["流程", "版本", "哈希", "发布人", "发布时间"],
        "{text}"
    );
    assert!(
        rows[1].iter().all(|c| c.chars().all(|ch| ch == '-')),
        "{text}"
    );
    assert_eq!(
        rows[2..],
        [
            [
                format!("example-care（{care_title}）"),
                "1".into(),
                care,
                "张三".into(),
                "2026-11-23 10:00".into()
            ],
            [
                format!("example-followup（{followup_title}）"),
                "1".into(),
                followup,
                "张三".into(),
                "2026-11-23 10:00".into()
            ],
        ],
        "{text}"
    );
    let settings = env.insta_settings();
    settings.bind(|| {
        insta::assert_snapshot!("workflow_list_en", env.en().ok(&["workflow", "list"]));
        let list = json(&env.ok(&["workflow", "list", "--json"]));
        assert!(list.is_array());
        insta::assert_json_snapshot!("workflow_list_json", list);
    });
}

#[test]
fn workflow_show_text_and_json() {
    let env = TestEnv::examples_only();
    // Before init, show reads the file from the workflows directory (no version yet).
    let before = env.ok(&["workflow", "show", "example-followup"]);
    assert!(
        before.starts_with("example-followup（示例：转介跟进）\n"),
        "{before}"
    );
    env.init_simulation(T0);
    insta::assert_snapshot!(
        "workflow_show_care_zh",
        env.ok(&["workflow", "show", "example-care"])
    );
    insta::assert_snapshot!(
        "workflow_show_care_en",
        env.en().ok(&["workflow", "show", "example-care"])
    );
    insta::assert_snapshot!(
        "workflow_show_followup_zh",
        env.ok(&["workflow", "show", "example-followup"])
    );
    let show = json(&env.ok(&["workflow", "show", "example-care", "--json"]));
    assert_eq!(show["version"], 1);
    insta::assert_json_snapshot!("workflow_show_care_json", show);
    let err = env.fails(&["workflow", "show", "example-nope"], 2);
    assert!(err.contains("找不到流程 example-nope"), "{err}");
}

#[test]
fn graph_mermaid_and_dot() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    insta::assert_snapshot!(
        "graph_care_mermaid",
        env.ok(&["workflow", "graph", "example-care", "--format", "mermaid"])
    );
    insta::assert_snapshot!(
        "graph_care_dot",
        env.ok(&["workflow", "graph", "example-care", "--format", "dot"])
    );
    insta::assert_snapshot!(
        "graph_followup_mermaid",
        env.ok(&["workflow", "graph", "example-followup"])
    );
    insta::assert_snapshot!(
        "graph_followup_dot",
        env.ok(&["workflow", "graph", "example-followup", "--format", "dot"])
    );
    env.fails(&["workflow", "graph", "example-care", "--format", "svg"], 2);
}

// ----- publish, versions, pinning -----

/// example-care with a new title and a new state title: a second version.
fn edited_care(env: &TestEnv) -> String {
    let path = env.workflows_dir().join("example-care.yaml");
    let source = std::fs::read_to_string(&path).expect("read example-care");
    let title = source
        .lines()
        .find(|l| l.starts_with("title: "))
        .expect("a title line");
    let edited = source
        .replacen(title, "title: 示例：委托照护（第二版）", 1)
        .replace(
            "registered: { title: 已报告备案, title_en: \"reported and registered\", initial: true }",
            "registered: { title: 已登记, title_en: \"registered\", initial: true }",
        );
    assert_ne!(source, edited, "the example changed; update this test");
    edited
}

#[test]
fn publish_twice_says_unchanged_the_second_time() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    // init published everything: nothing new.
    let (care_v1, _) = env.version("example-care", 1);
    let (followup_v1, _) = env.version("example-followup", 1);
    assert_eq!(
        env.ok(&["workflow", "publish", "--now", T1]),
        format!(
            "example-care 内容未变，仍为第 1 版（{care_v1}）\n\
             example-followup 内容未变，仍为第 1 版（{followup_v1}）\n"
        )
    );
    let care = env.write_workflow("example-care.yaml", edited_care(&env));
    let first = env.ok(&["workflow", "publish", &care, "--now", T1]);
    assert!(
        first.starts_with("已发布 example-care 第 2 版（"),
        "{first}"
    );
    let second = env.en().ok(&["workflow", "publish", &care, "--now", T2]);
    assert!(
        second.starts_with("example-care is unchanged, still version 2 ("),
        "{second}"
    );
    let out = json(&env.ok(&["workflow", "publish", "--now", T2, "--json"]));
    assert_eq!(out[0]["workflow"], "example-care");
    assert_eq!(out[0]["version"], 2);
    assert_eq!(out[0]["new"], false);
    assert_eq!(out[1]["workflow"], "example-followup");
    assert_eq!(out[1]["version"], 1);
    assert_eq!(out[1]["new"], false);
}

#[test]
fn publishing_a_new_version_keeps_open_cases_on_theirs() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let old = env.open_xiaoming(T0);
    let (v1, v1_title) = env.version("example-care", 1);
    env.write_workflow("example-care.yaml", edited_care(&env));
    let out = env.ok(&["workflow", "publish", "--now", T1]);
    assert!(out.contains("已发布 example-care 第 2 版"), "{out}");
    assert!(
        out.contains("example-followup 内容未变，仍为第 1 版"),
        "{out}"
    );
    let new = env.open_xiaoming(T1);

    let show_old = env.ok(&["case", "show", &old]);
    assert!(
        show_old.contains(&format!("流程：example-care（{v1_title}） v1（{v1}）")),
        "{show_old}"
    );
    assert!(
        show_old.contains("状态：registered（已报告备案）"),
        "{show_old}"
    );
    let show_new = env.ok(&["case", "show", &new]);
    assert!(
        show_new.contains("流程：example-care（示例：委托照护（第二版）） v2（"),
        "{show_new}"
    );
    assert!(
        show_new.contains("状态：registered（已登记）"),
        "{show_new}"
    );
    assert_eq!(env.show_json(&old)["version"], 1);
    assert_eq!(env.show_json(&new)["version"], 2);
    assert_ne!(
        env.show_json(&old)["version_hash"],
        env.show_json(&new)["version_hash"]
    );

    // The old case still moves by its own version's rules and titles.
    let out = env.sign_agreement(&old, T2);
    assert!(
        out.starts_with(&format!("{old} 现在的状态：entrusted")),
        "{out}"
    );
    let history = env.ok(&["case", "history", &old]);
    assert!(
        history.contains("开案 → registered（已报告备案）"),
        "{history}"
    );

    let list = env.ok(&["workflow", "list"]);
    let rows = cells(&list);
    // Every version's row is named by the latest title.
    assert_eq!(
        rows[2],
        [
            "example-care（示例：委托照护（第二版））",
            "1",
            &v1,
            "张三",
            "2026-11-23 10:00"
        ],
        "{list}"
    );
    assert_eq!(
        rows[3][..2],
        ["example-care（示例：委托照护（第二版））", "2"],
        "{list}"
    );
    let show = env.ok(&["workflow", "show", "example-care"]);
    assert!(
        show.starts_with("example-care（示例：委托照护（第二版）） v2\n"),
        "{show}"
    );
}

#[test]
fn publishing_a_broken_file_publishes_nothing() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let care = env.write_workflow("example-care.yaml", edited_care(&env));
    let broken = env.write_workflow(
        "broken.yaml",
        "workflow: broken\ntitle: 测试\nroles: [worker]\nstates:\n  open: { initial: true }\n",
    );
    // All or none: the good edited file is not published either.
    let err = env.fails(&["workflow", "publish", &care, &broken, "--now", T1], 2);
    assert!(err.contains("workflows/broken.yaml:"), "{err}");
    assert!(err.ends_with("未作任何更改。\n"), "{err}");
    let err = env.fails(&["workflow", "publish", "--now", T1], 2);
    assert!(err.contains("workflows/broken.yaml:"), "{err}");
}

#[test]
fn init_twice_is_refused_and_leaves_the_database_untouched() {
    let env = TestEnv::examples_only();
    let out = env.init_simulation(T0);
    assert!(out.contains("发布了 2 个流程"), "{out}");
    env.open_xiaoming(T0);
    let bytes = std::fs::read(env.db()).expect("read db");
    let err = env.fails(&["init", "--simulation", "--now", T1], 2);
    assert!(err.contains("已存在；init 不会改动已有文件"), "{err}");
    let err = env.en().fails(&["init"], 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(env.db()).expect("read db"), bytes);
}

#[test]
fn init_with_a_broken_workflow_creates_no_database() {
    let env = TestEnv::examples_only();
    env.write_workflow("broken.yaml", "workflow: broken\n");
    let err = env.fails(&["init", "--simulation", "--now", T0], 2);
    assert!(err.contains("workflows/broken.yaml:"), "{err}");
    assert!(!env.db().exists());
}

// ----- broken workflow files -----

/// Writes `workflows/NAME`, validates it in Chinese and in English (exit 2 both times, the
/// database untouched), and returns the file with line numbers followed by both messages.
fn broken(env: &TestEnv, name: &str, content: impl AsRef<[u8]>) -> String {
    let content = content.as_ref();
    let path = env.write_workflow(name, content);
    let zh = env.fails(&["workflow", "validate", &path], 2);
    let en = env.en().fails(&["workflow", "validate", &path], 2);
    let mut out = String::new();
    match std::str::from_utf8(content) {
        Ok(text) if text.len() <= 4096 => {
            out.push_str(&format!("--- {path}\n"));
            for (i, line) in text.lines().enumerate() {
                out.push_str(&format!("{:>3} | {line}\n", i + 1));
            }
        }
        _ => out.push_str(&format!("--- {path} ({} bytes)\n", content.len())),
    }
    out.push_str(&format!("--- zh\n{zh}--- en\n{en}"));
    out
}

/// A valid minimal workflow; the broken cases below each change one thing.
const MINIMAL: &str = "\
workflow: broken
title: 测试流程
roles: { worker: 办事员, reviewer: 审核员 }
fields:
  note: { type: string }
  born: { type: date }
states:
  open: { initial: true }
  closed: { final: true }
transitions:
  finish:
    from: [open]
    to: closed
    roles: [worker]
";

#[test]
fn the_minimal_workflow_is_valid() {
    let env = TestEnv::examples_only();
    let path = env.write_workflow("minimal.yaml", MINIMAL);
    assert_eq!(
        env.ok(&["workflow", "validate", &path]),
        "workflows/minimal.yaml：通过（broken）\n"
    );
}

#[test]
fn broken_tab_indentation() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "tab.yaml",
        "workflow: broken\ntitle: 测试流程\nstates:\n\topen: { initial: true }\n",
    );
    insta::assert_snapshot!("broken_tab_indentation", out);
}

#[test]
fn broken_unclosed_bracket() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "bracket.yaml",
        "workflow: broken\ntitle: 测试流程\nroles: [worker, reviewer\n",
    );
    insta::assert_snapshot!("broken_unclosed_bracket", out);
}

#[test]
fn broken_unknown_top_level_key_suggests_the_right_one() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "trasitions.yaml",
        MINIMAL.replace("transitions:", "trasitions:"),
    );
    assert!(out.contains("（是否想输入 transitions？）"), "{out}");
    assert!(out.contains(" (did you mean transitions?)"), "{out}");
    insta::assert_snapshot!("broken_unknown_top_level_key", out);
}

#[test]
fn broken_unknown_transition_key() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "gaurd.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [worker]\n    gaurd: \"has(note)\"\n",
        ),
    );
    assert!(out.contains("未知的键 `gaurd`"), "{out}");
    insta::assert_snapshot!("broken_unknown_transition_key", out);
}

#[test]
fn broken_two_initial_states() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "two_initial.yaml",
        MINIMAL.replace(
            "  closed: { final: true }\n",
            "  again: { initial: true }\n  closed: { final: true }\n",
        ),
    );
    assert!(
        out.contains("初始状态只能有一个，现有：open、again。"),
        "{out}"
    );
    insta::assert_snapshot!("broken_two_initial_states", out);
}

#[test]
fn broken_no_initial_state() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "no_initial.yaml",
        MINIMAL.replace("open: { initial: true }", "open: { title: 办理中 }"),
    );
    insta::assert_snapshot!("broken_no_initial_state", out);
}

#[test]
fn broken_transition_to_an_undefined_state_suggests_the_right_one() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "undefined_state.yaml",
        MINIMAL.replace("to: closed", "to: closd"),
    );
    assert!(
        out.contains("状态 `closd` 未在 states 中定义。（是否想输入 closed？）"),
        "{out}"
    );
    insta::assert_snapshot!("broken_undefined_state", out);
}

#[test]
fn broken_unreachable_state() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "unreachable.yaml",
        MINIMAL
            .replace(
                "  closed: { final: true }\n",
                "  limbo: { title: 无人能到 }\n  closed: { final: true }\n",
            )
            .replace("from: [open]", "from: [open, limbo]"),
    );
    insta::assert_snapshot!("broken_unreachable_state", out);
}

#[test]
fn broken_dead_end_state() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "dead_end.yaml",
        MINIMAL
            .replace(
                "  closed: { final: true }\n",
                "  stuck: { title: 卡住 }\n  closed: { final: true }\n",
            )
            .replace(
                "    roles: [worker]\n",
                "    roles: [worker]\n  park:\n    from: [open]\n    to: stuck\n    roles: [worker]\n",
            ),
    );
    insta::assert_snapshot!("broken_dead_end_state", out);
}

#[test]
fn broken_undeclared_role_in_a_transition() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "role.yaml",
        MINIMAL.replace("roles: [worker]\n", "roles: [wroker]\n"),
    );
    assert!(out.contains("（是否想输入 worker？）"), "{out}");
    insta::assert_snapshot!("broken_undeclared_role", out);
}

#[test]
fn broken_requires_an_undeclared_field() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "requires.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [worker]\n    requires: [note, notes]\n",
        ),
    );
    insta::assert_snapshot!("broken_requires_undeclared_field", out);
}

#[test]
fn broken_duration() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "duration.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [worker]\n    deadlines:\n      - name: soon\n        within: 3 dayz\n",
        ),
    );
    insta::assert_snapshot!("broken_duration", out);
}

#[test]
fn a_bad_duration_is_explained_in_chinese() {
    // The engine's PeriodError documents that its Display text is English, for developers, and
    // that the binary builds the user's sentence from the variant.
    let env = TestEnv::examples_only();
    let path = env.write_workflow(
        "duration.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [worker]\n    deadlines:\n      - name: soon\n        within: 3 dayz\n",
        ),
    );
    let zh = env.fails(&["workflow", "validate", &path], 2);
    assert!(zh.contains("期限「3 dayz」无法识别"), "{zh}");
    assert!(!zh.contains("is not a known unit"), "{zh}");
}

#[test]
fn broken_breach_names_a_transition_people_fire() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "breach.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [worker]\n    deadlines:\n      - name: soon\n        within: 3d\n        on_breach: finish\n",
        ),
    );
    insta::assert_snapshot!("broken_breach_not_system", out);
}

#[test]
fn broken_spawn_of_an_unknown_workflow() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "spawn.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [worker]\n    spawn:\n      workflow: example-folowup\n      link: next\n",
        ),
    );
    // The workflows directory holds example-followup: suggested.
    assert!(out.contains("（是否想输入 example-followup？）"), "{out}");
    insta::assert_snapshot!("broken_spawn_unknown_workflow", out);
}

#[test]
fn broken_guard_names_an_undeclared_field() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "guard_field.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [worker]\n    guard: \"notes != \\\"\\\"\"\n",
        ),
    );
    // The guard string is at line 15, column 12.
    assert!(
        out.contains("workflows/guard_field.yaml:15:12: 守卫条件有误：未声明的字段 `notes`"),
        "{out}"
    );
    assert!(
        out.contains("workflows/guard_field.yaml:15:12: guard is wrong: undeclared field `notes`"),
        "{out}"
    );
    insta::assert_snapshot!("broken_guard_undeclared_field", out);
}

#[test]
fn broken_guard_compares_a_date_with_an_integer() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "guard_type.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [worker]\n    guard: \"born > 3\"\n",
        ),
    );
    assert!(
        out.contains("workflows/guard_type.yaml:15:12: 守卫条件有误："),
        "{out}"
    );
    assert!(out.contains("比较了不同类型"), "{out}");
    assert!(out.contains("compares different types"), "{out}");
    insta::assert_snapshot!("broken_guard_type_mismatch", out);
}

#[test]
fn broken_duplicate_key() {
    let env = TestEnv::examples_only();
    let out = broken(
        &env,
        "duplicate.yaml",
        MINIMAL.replace(
            "  closed: { final: true }\n",
            "  closed: { final: true }\n  open: { title: 又一个 }\n",
        ),
    );
    insta::assert_snapshot!("broken_duplicate_key", out);
}

#[test]
fn broken_alias_bomb() {
    let env = TestEnv::examples_only();
    let bomb = "\
workflow: broken
title: 测试流程
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
";
    let started = std::time::Instant::now();
    let out = broken(&env, "bomb.yaml", bomb);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "the alias bomb took {:?}",
        started.elapsed()
    );
    insta::assert_snapshot!("broken_alias_bomb", out);
}

#[test]
fn broken_file_over_one_mebibyte() {
    let env = TestEnv::examples_only();
    // One byte over the limit of 1 MiB.
    let mut content = String::from("workflow: broken\ntitle: 测试流程\n# ");
    content.push_str(&"x".repeat(1024 * 1024 + 1 - content.len() - 1));
    content.push('\n');
    assert_eq!(content.len(), 1024 * 1024 + 1);
    let out = broken(&env, "big.yaml", content);
    insta::assert_snapshot!("broken_too_large", out);
}

#[test]
fn a_file_far_over_the_limit_is_not_misreported() {
    let env = TestEnv::examples_only();
    let mut content = String::from("workflow: broken\ntitle: 测试流程\n# ");
    content.push_str(&"x".repeat(2 * 1024 * 1024));
    content.push('\n');
    let path = env.write_workflow("huge.yaml", &content);
    let zh = env.fails(&["workflow", "validate", &path], 2);
    assert!(zh.contains("文件过大"), "{zh}");
    // The file has 2 MiB and more; it must not be reported as 1 048 577 bytes.
    assert!(!zh.contains("1048577"), "{zh}");
}

#[test]
fn broken_non_utf8_bytes() {
    let env = TestEnv::examples_only();
    // 测试 in GBK, as a Windows editor might save it.
    let out = broken(
        &env,
        "gbk.yaml",
        b"workflow: broken\ntitle: \xb2\xe2\xca\xd4\n".as_slice(),
    );
    insta::assert_snapshot!("broken_not_utf8", out);
}

#[test]
fn broken_empty_file() {
    let env = TestEnv::examples_only();
    let out = broken(&env, "empty.yaml", "");
    insta::assert_snapshot!("broken_empty_file", out);
    let out = broken(&env, "comments.yaml", "# 只有注释\n");
    assert!(out.contains("文件为空"), "{out}");
}

#[test]
fn broken_file_with_several_problems_reports_all_of_them() {
    let env = TestEnv::examples_only();
    let source = "\
workflow: Broken_Name
title: 测试流程
roles: { worker: 办事员 }
states:
  open: { initial: true }
  limbo: {}
  closed: { final: true }
transitions:
  finish:
    from: [open]
    to: closd
    roles: [wroker]
    requires: [nothing]
    gaurd: \"true\"
";
    let out = broken(&env, "several.yaml", source);
    let located = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("workflows/several.yaml:"))
            .count()
    };
    let zh = out.split("--- zh\n").nth(1).expect("zh part");
    let zh = zh.split("--- en\n").next().expect("zh part");
    assert!(located(zh) >= 3, "{zh}");
    let en = out.split("--- en\n").nth(1).expect("en part");
    assert!(located(en) >= 3, "{en}");
    // The summary counts what was listed.
    assert!(
        zh.ends_with(&format!(
            "错误：共 {} 处问题（1 个文件），未作任何更改。\n",
            located(zh)
        )),
        "{zh}"
    );
    insta::assert_snapshot!("broken_several_problems", out);

    let err = env.fails(
        &["workflow", "validate", "workflows/several.yaml", "--json"],
        2,
    );
    let v = json(err.trim());
    assert!(
        v["problems"].as_array().is_some_and(|p| p.len() >= 3),
        "{v:#}"
    );
}

#[test]
fn problems_of_several_files_are_all_reported() {
    let env = TestEnv::examples_only();
    let a = env.write_workflow("a.yaml", "");
    let b = env.write_workflow("b.yaml", MINIMAL.replace("to: closed", "to: closd"));
    let ok = env.write_workflow(
        "ok.yaml",
        MINIMAL.replace("workflow: broken", "workflow: fine"),
    );
    let out = env.run(&["workflow", "validate", &a, &b, &ok]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout, "workflows/ok.yaml：通过（fine）\n");
    assert!(
        stderr.contains("workflows/a.yaml: 文件为空。\n"),
        "{stderr}"
    );
    assert!(stderr.contains("workflows/b.yaml:13:9: "), "{stderr}");
    assert!(
        stderr.ends_with("错误：共 3 处问题（2 个文件），未作任何更改。\n"),
        "{stderr}"
    );
}

#[test]
fn json_error_is_one_object_with_the_first_problem_located() {
    let env = TestEnv::examples_only();
    let path = env.write_workflow(
        "two_typos.yaml",
        MINIMAL.replace(
            "    roles: [worker]\n",
            "    roles: [wroker]\n    requires: [notes]\n",
        ),
    );
    let out = env.en().run(&["workflow", "validate", &path, "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let v = json(&stderr);
    assert!(v.is_object());
    assert_eq!(v["code"], 2);
    assert_eq!(v["kind"], "bad_input");
    assert_eq!(
        v["message"],
        "2 problem(s) in 1 file(s); nothing was changed."
    );
    assert_eq!(v["file"], "workflows/two_typos.yaml");
    assert_eq!(v["line"], 14);
    assert_eq!(v["column"], 13);
    let problems = v["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0]["line"], v["line"]);
    assert_eq!(problems[0]["column"], v["column"]);
    assert_eq!(
        problems[0]["message"],
        "role `wroker` is not declared under roles. (did you mean worker?)"
    );
    assert_eq!(problems[1]["line"], 15);
    assert_eq!(problems[1]["column"], 16);
    insta::assert_json_snapshot!("json_error_shape", v);
}
