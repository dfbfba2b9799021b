//! The command line itself, for Chinese users: `--help` and clap's errors in the user's
//! language, shell completions, man pages, and `init` without workflows.

use crate::common;

use common::{T0, TestEnv};

/// What a command printed, whether it ran through the harness or as a bare process.
trait Printed {
    fn out_err(&self) -> (&[u8], &[u8]);
}

impl Printed for common::Outcome {
    fn out_err(&self) -> (&[u8], &[u8]) {
        (&self.stdout, &self.stderr)
    }
}

impl Printed for std::process::Output {
    fn out_err(&self) -> (&[u8], &[u8]) {
        (&self.stdout, &self.stderr)
    }
}

fn stdout(out: &impl Printed) -> String {
    String::from_utf8_lossy(out.out_err().0).into_owned()
}

fn stderr(out: &impl Printed) -> String {
    String::from_utf8_lossy(out.out_err().1).into_owned()
}

/// The binary with nothing from the host that picks a language.
fn bare() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("wardflow").expect("the wardflow binary");
    cmd.env_remove("WARDFLOW_LANG")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    cmd
}

#[test]
fn case_open_help_is_chinese_by_default_and_english_with_lang_en() {
    let env = TestEnv::empty();
    let zh = env.ok(&["case", "open", "--help"]);
    assert!(
        zh.starts_with("按流程的最新发布版本开立案件，输出案件编号\n"),
        "{zh}"
    );
    assert!(
        zh.contains("用法：wardflow case open [选项] --as <ROLE> <WORKFLOW>"),
        "{zh}"
    );
    assert!(
        zh.contains("参数：\n  <WORKFLOW>  流程名称（键），如 entrusted-care"),
        "{zh}"
    );
    assert!(zh.contains("选项：\n"), "{zh}");
    assert!(zh.contains("--as <ROLE>"), "{zh}");
    assert!(zh.contains("以哪个角色办理"), "{zh}");
    assert!(zh.contains("--set <FIELD=VALUE>"), "{zh}");
    assert!(
        zh.contains("［默认：./wardflow.redb；环境变量 WARDFLOW_DB］"),
        "{zh}"
    );
    assert!(zh.contains("可选：zh（中文）、en（英文）"), "{zh}");
    assert!(zh.contains("-h, --help") && zh.contains("显示帮助"), "{zh}");
    for english in [
        "Usage",
        "Options",
        "Arguments",
        "Print help",
        "default:",
        "[env",
    ] {
        assert!(!zh.contains(english), "{english} in Chinese help:\n{zh}");
    }

    let en = env.en().ok(&["case", "open", "--help"]);
    assert!(
        en.starts_with("Open a case of the latest published version of a workflow"),
        "{en}"
    );
    assert!(
        en.contains("Usage: wardflow case open [OPTIONS] --as <ROLE> <WORKFLOW>"),
        "{en}"
    );
    assert!(
        en.contains("Options:\n") && en.contains("The role you act in"),
        "{en}"
    );
    assert!(!en.contains("以哪个角色办理"), "{en}");
}

#[test]
fn the_language_of_help_follows_the_flag_the_variable_and_the_locale() {
    let english = "Usage: wardflow [OPTIONS] <COMMAND>";
    let chinese = "用法：wardflow [选项] <命令>";
    let help = |cmd: &mut assert_cmd::Command| stdout(&cmd.output().expect("run wardflow"));
    assert!(help(bare().arg("--help")).contains(chinese));
    assert!(help(bare().args(["--lang", "en", "--help"])).contains(english));
    assert!(help(bare().args(["--help", "--lang=en"])).contains(english));
    assert!(help(bare().env("WARDFLOW_LANG", "en").arg("--help")).contains(english));
    assert!(help(bare().env("LANG", "en_US.UTF-8").arg("--help")).contains(english));
    // The flag wins over the locale, as it does for every other message.
    let out = help(
        bare()
            .env("LANG", "en_US.UTF-8")
            .args(["--lang", "zh", "help"]),
    );
    assert!(out.contains(chinese), "{out}");
    // `help case advance` is the same page as `case advance --help`.
    let via_help = help(bare().args(["help", "case", "advance"]));
    let via_flag = help(bare().args(["case", "advance", "--help"]));
    assert_eq!(via_help, via_flag);
    assert!(via_help.contains("对案件执行一项转换"), "{via_help}");
}

#[test]
fn every_command_has_chinese_help() {
    let env = TestEnv::empty();
    let top = env.ok(&["--help"]);
    assert!(top.contains("命令：\n"), "{top}");
    // Every command listed on the top page has a Chinese page of its own.
    let commands: Vec<String> = top
        .split("命令：\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() > 15, "{commands:?}");
    for command in &commands {
        let page = env.ok(&[command, "--help"]);
        assert!(page.contains("用法：wardflow"), "{command}:\n{page}");
        assert!(!page.contains("Usage"), "{command}:\n{page}");
    }
}

#[test]
fn an_unknown_flag_is_a_chinese_error_naming_it_with_a_suggestion() {
    let env = TestEnv::examples_only();
    let out = env.run(&["case", "open", "example-care", "--sett", "child.name=小明"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("错误：无法识别的参数「--sett」\n"), "{err}");
    assert!(err.contains("提示：是否想输入参数「--set」？"), "{err}");
    assert!(err.contains("用法：wardflow case open [选项]"), "{err}");
    assert!(err.contains("更多信息请运行「--help」。"), "{err}");
    assert!(stdout(&out).is_empty());

    let out = env
        .en()
        .run(&["case", "open", "example-care", "--sett", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: unexpected argument '--sett' found"),
        "{err}"
    );
    assert!(
        err.contains("tip: a similar argument exists: '--set'"),
        "{err}"
    );
}

#[test]
fn clap_errors_name_the_argument_and_value_in_chinese() {
    let env = TestEnv::empty();
    let cases: [(&[&str], &str); 6] = [
        (
            &["cse"],
            "没有子命令「cse」\n  提示：是否想输入子命令「user」、「case」？",
        ),
        (
            &["--lang", "fr", "check"],
            "「--lang」的值「fr」无效（可选：zh、en）",
        ),
        (
            &["agenda", "--days", "soon"],
            "「--days」的值「soon」无效：不是有效的数字",
        ),
        (
            &["case", "advance", "2026-000001"],
            "缺少必需的参数：--as <ROLE>、<TRANSITION>",
        ),
        (
            &["case", "open", "x", "--as"],
            "「--as」后面需要一个值，但没有填写",
        ),
        (&["check", "extra"], "无法识别的参数「extra」"),
    ];
    for (args, expected) in cases {
        let out = env.run(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}:\n{err}");
        assert!(!err.contains("error:"), "{args:?}:\n{err}");
    }
}

#[test]
fn a_clap_error_with_json_is_one_json_object() {
    let env = TestEnv::empty();
    let out = env.run(&["case", "list", "--json", "--sate", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value =
        serde_json::from_str(stderr(&out).trim()).expect("one JSON object");
    assert_eq!(err["code"], 2);
    assert_eq!(err["kind"], "bad_input");
    assert_eq!(err["key"], "--sate");
    let message = err["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("无法识别的参数「--sate」"), "{message}");
    assert!(message.contains("「--state」"), "{message}");
}

#[test]
fn help_and_version_exit_0_and_a_missing_subcommand_exits_2() {
    let env = TestEnv::empty();
    let out = env.run(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("wardflow "), "{}", stdout(&out));
    // With the test environment's variables set, clap reports the missing subcommand …
    let out = env.run(&["case"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("错误：「wardflow case」后面需要一个子命令：open、advance、show"),
        "{err}"
    );
    assert!(err.contains("用法：wardflow case [选项] <命令>"), "{err}");
    // … and with nothing given at all it prints the help page instead, still exiting 2.
    let out = bare().arg("case").output().expect("run wardflow");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("开立、推进和查看案件"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bash_completion_knows_the_commands() {
    let env = TestEnv::empty();
    let script = env.ok(&["completions", "bash"]);
    assert!(script.contains("_wardflow()"), "{script}");
    assert!(script.contains("case"), "not a word about case");
    assert!(script.contains("advance"), "not a word about advance");
    assert!(
        script.contains("--expect-seq"),
        "not a word about --expect-seq"
    );
    let zsh = env.ok(&["completions", "zsh"]);
    assert!(zsh.contains("#compdef wardflow"), "{zsh}");
    // zsh shows descriptions, in the user's language.
    assert!(
        zsh.contains("开立、推进和查看案件"),
        "no Chinese descriptions"
    );
    for shell in ["fish", "elvish", "powershell"] {
        assert!(
            env.ok(&["completions", shell]).contains("wardflow"),
            "{shell}"
        );
    }
    env.fails(&["completions", "tcsh"], 2);
}

#[test]
fn man_pages_are_written_in_english_and_chinese() {
    let env = TestEnv::empty();
    let out = env.ok(&["man", "--out", "man"]);
    assert!(out.contains("手册页"), "{out}");
    let en = env.root().join("man/man1/wardflow-case-open.1");
    let page = std::fs::read_to_string(&en).expect("man1/wardflow-case-open.1");
    assert!(page.contains(".SH NAME"), "{page}");
    assert!(page.contains("\\-\\-as"), "no --as in\n{page}");
    assert!(page.contains("The role you act in"), "{page}");
    let zh = env.root().join("man/zh_CN/man1/wardflow-case-open.1");
    let page = std::fs::read_to_string(&zh).expect("zh_CN/man1/wardflow-case-open.1");
    assert!(
        page.contains(".SH 名称") && page.contains(".SH 选项"),
        "{page}"
    );
    assert!(
        page.contains("\\-\\-as") && page.contains("以哪个角色办理"),
        "{page}"
    );
    assert!(!page.contains(".SH NAME"), "{page}");
    // One page per visible command, the top one included; the hidden `man` has none.
    assert!(env.root().join("man/man1/wardflow.1").exists());
    assert!(
        env.root()
            .join("man/man1/wardflow-letter-verify.1")
            .exists()
    );
    assert!(!env.root().join("man/man1/wardflow-man.1").exists());
    // The command is hidden from the top help page, which is for caseworkers.
    assert!(!env.ok(&["--help"]).contains("  man "));
}

#[test]
fn init_without_workflows_is_an_error_that_names_the_directory() {
    let env = TestEnv::empty();
    let err = env.fails(&["init", "--simulation", "--now", T0], 2);
    let dir = env.workflows_dir().display().to_string();
    assert!(
        err.contains(&format!("在 {dir} 中没有找到流程文件")),
        "{err}"
    );
    assert!(
        err.contains("--workflows") && err.contains("WARDFLOW_WORKFLOWS"),
        "{err}"
    );
    assert!(!env.db().exists());

    // A directory that does not exist is named the same way.
    let err = env.en().fails(&["init", "--workflows", "nowhere"], 2);
    assert!(
        err.contains("no workflow files (*.yaml, *.yml) found in nowhere"),
        "{err}"
    );
    assert!(!env.db().exists());
}

#[test]
fn lists_are_tables_with_headers_in_the_language_and_json_is_untouched() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    let users = env.ok(&["user", "list", "--now", T0]);
    let lines: Vec<&str> = users.lines().collect();
    // 「city（示例市）」 is 14 columns wide: each Chinese character counts two.
    assert_eq!(lines[0], "用户  角色      单位            状态", "{users}");
    assert_eq!(lines[1], "----  --------  --------------  ----", "{users}");
    assert_eq!(lines[2], "张三  admin, *  city（示例市）  在用", "{users}");
    let users_en = env.en().ok(&["user", "list", "--now", T0]);
    assert!(users_en.starts_with("User  Roles     Unit"), "{users_en}");

    let agenda = env.ok(&["agenda", "--days", "30", "--now", T0]);
    let head: Vec<&str> = agenda
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        head,
        ["到期时间", "案件编号", "期限", "流程", "状态"],
        "{agenda}"
    );
    assert!(agenda.contains(&id), "{agenda}");
    // Every row's case id starts in the same display column as the header's.
    let column = |line: &str, word: &str| {
        line.find(word)
            .map(|at| unicode_width(&line[..at]))
            .unwrap_or(usize::MAX)
    };
    let header_at = column(agenda.lines().next().unwrap_or_default(), "案件编号");
    for row in agenda.lines().skip(2) {
        assert_eq!(column(row, &id), header_at, "{agenda}");
    }

    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["agenda", "--days", "30", "--now", T0, "--json"]))
            .expect("agenda --json");
    assert!(json.is_array() && json[0]["case"] == id.as_str(), "{json}");
}

/// Display columns, counting a CJK character as two (the test's own count, not the code's).
fn unicode_width(text: &str) -> usize {
    text.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}
