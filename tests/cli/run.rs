//! `wardflow run` beside caseworkers' commands: two processes on one database file.

use crate::common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestEnv;

fn history(env: &TestEnv, case: &str) -> serde_json::Value {
    serde_json::from_str(&env.en().ok(&["case", "history", case, "--json"])).expect("history json")
}

fn breaches(env: &TestEnv, case: &str) -> usize {
    history(env, case)
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "deadline_breached")
        .count()
}

fn open_followup(env: &TestEnv, now: &str) -> String {
    env.ok(&[
        "case",
        "open",
        "example-followup",
        "--as",
        "police",
        "--set",
        "child.name=小红",
        "--set",
        "child.birth_date=2016-03-01",
        "--set",
        "source=mandatory_report",
        "--now",
        now,
    ])
    .trim()
    .to_owned()
}

#[test]
fn the_runner_fires_due_deadlines_beside_cli_commands_and_stops_on_sigterm() {
    let env = TestEnv::examples_only();
    env.init_simulation("2026-11-23T10:00:00+08:00");
    // first_visit: within 24h of opening.
    let first = open_followup(&env, "2026-11-23T10:00:00+08:00");
    let binary = assert_cmd::cargo::cargo_bin("wardflow");
    // The runner's simulated clock starts 2 s before the first deadline and moves in real time.
    let runner = Command::new(binary)
        .current_dir(env.root())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env("WARDFLOW_DB", env.db())
        .env("WARDFLOW_WORKFLOWS", env.workflows_dir())
        .env("WARDFLOW_LANG", "en")
        // The runner is started by an administrator (the deadlines then act as `system`).
        .env("WARDFLOW_USER", "张三")
        .args([
            "run",
            "--now",
            "2026-11-24T09:59:58+08:00",
            "--recheck",
            "0.2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runner starts");

    // A caseworker works meanwhile: the runner holds the file only while it ticks. This case's
    // deadline falls 3 s after the first, so the runner must notice what others add.
    let second = open_followup(&env, "2026-11-23T10:00:03+08:00");
    let list = env.ok(&["case", "list"]);
    assert!(list.contains(&second), "{list}");

    let started = Instant::now();
    while (breaches(&env, &first) == 0 || breaches(&env, &second) == 0)
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    // Let it run on a little: nothing may fire twice.
    std::thread::sleep(Duration::from_millis(600));
    let killed = Command::new("kill")
        .args(["-TERM", &runner.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = runner.wait_with_output().expect("runner exits");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "runner exit {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("deadline runner started ("), "{stdout}");
    assert!(stdout.ends_with("deadline runner stopped.\n"), "{stdout}");
    assert_eq!(breaches(&env, &first), 1, "{stdout}");
    assert_eq!(breaches(&env, &second), 1, "{stdout}");
    assert_eq!(
        stdout.matches("passed without the act").count(),
        2,
        "{stdout}"
    );
}

#[test]
fn only_an_administrator_starts_the_runner_and_a_refusal_is_logged() {
    let env = TestEnv::examples_only();
    env.init_simulation("2026-11-23T10:00:00+08:00");
    let now = "2026-11-23T10:00:00+08:00";
    // The refusal comes at the first tick: the runner stops with it.
    env.fails(&["--user", "nobody", "run", "--now", now], 1);
    let log = env.ok(&["audit", "--json", "--now", now]);
    let log: serde_json::Value = serde_json::from_str(&log).expect("audit json");
    assert!(
        log.as_array()
            .expect("entries")
            .iter()
            .any(|e| e["user"] == "nobody"
                && e["action"] == "timers:tick"
                && e["allowed"] == false),
        "{log}"
    );
}

/// `run --json` writes one JSON object a line (JSON Lines: a runner's output is a stream): its
/// start, each thing it fired with the instant in the office's offset, and its stop.
#[test]
fn the_runner_writes_json_lines_under_json() {
    let env = TestEnv::examples_only();
    env.init_simulation("2026-11-23T10:00:00+08:00");
    let case = open_followup(&env, "2026-11-23T10:00:00+08:00");
    let runner = Command::new(assert_cmd::cargo::cargo_bin("wardflow"))
        .current_dir(env.root())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env("WARDFLOW_DB", env.db())
        .env("WARDFLOW_WORKFLOWS", env.workflows_dir())
        .env("WARDFLOW_USER", "张三")
        .args([
            "run",
            "--json",
            "--now",
            "2026-11-24T09:59:59+08:00",
            "--recheck",
            "0.2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runner starts");
    let started = Instant::now();
    while breaches(&env, &case) == 0 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &runner.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = runner.wait_with_output().expect("runner exits");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(
        lines.first(),
        Some(&serde_json::json!({"runner": "started"}))
    );
    assert_eq!(
        lines.last(),
        Some(&serde_json::json!({"runner": "stopped"}))
    );
    let breached = lines
        .iter()
        .find(|l| l["breached"].is_string())
        .unwrap_or_else(|| panic!("no breach in {stdout}"));
    assert_eq!(breached["case"], case.as_str());
    assert!(
        breached["at"]
            .as_str()
            .is_some_and(|at| at.ends_with("+08:00")),
        "{breached}"
    );
}
