//! Two caseworkers at once: processes that act on the same case at the same moment. Exactly one
//! act happens; the other waits for the lock and is then refused on the state it finds, or — with
//! `--expect-seq` — because the case is no longer the version its caller looked at. Nobody acts
//! on a stale state.

use crate::common;

use std::process::{Child, Command, Stdio};

use common::TestEnv;

const T0: &str = "2026-11-23T10:00:00+08:00";
const T1: &str = "2026-11-24T09:00:00+08:00";

fn spawn(env: &TestEnv, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_wardflow"))
        .current_dir(env.root())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env("WARDFLOW_DB", env.db())
        .env("WARDFLOW_USER", "张三")
        .env("WARDFLOW_LANG", "zh")
        .args(args)
        .args(["--lock-timeout", "60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wardflow")
}

const SIGN: [&str; 13] = [
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
    "--as",
    "village_committee",
    "--json",
];

/// Runs `n` copies of the same act at once; returns (exit code, stdout, stderr) of each.
fn race(env: &TestEnv, args: &[&str], n: usize) -> Vec<(i32, String, String)> {
    let children: Vec<Child> = (0..n).map(|_| spawn(env, args)).collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        })
        .collect()
}

#[test]
fn of_two_identical_acts_on_one_case_exactly_one_happens() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    let mut args = vec!["case", "advance", id.as_str(), "sign_agreement"];
    args.extend_from_slice(&SIGN);
    let results = race(&env, &args, 4);
    let winners: Vec<_> = results.iter().filter(|r| r.0 == 0).collect();
    assert_eq!(winners.len(), 1, "{results:#?}");
    for (code, _, err) in results.iter().filter(|r| r.0 != 0) {
        // The losers waited for the winner and then found the case already entrusted.
        assert_eq!(*code, 1, "{err}");
        assert!(err.contains("当前状态 entrusted"), "{err}");
    }
    let history = env.ok(&["case", "history", &id, "--json"]);
    let events: serde_json::Value = serde_json::from_str(&history).expect("json");
    let fired = events
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e.to_string().contains("sign_agreement"))
        .count();
    assert_eq!(fired, 1, "{history}");
}

#[test]
fn with_expect_seq_the_loser_is_told_the_case_moved_on() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.open_xiaoming(T0);
    let seq = env.show_json(&id)["seq"].to_string();
    // Two different acts, both based on what their callers saw at `seq`.
    let mut sign = vec![
        "case",
        "advance",
        id.as_str(),
        "sign_agreement",
        "--expect-seq",
        &seq,
    ];
    sign.extend_from_slice(&SIGN);
    let amend = [
        "case",
        "amend",
        id.as_str(),
        "--set",
        "parent.name=李四",
        "--reason",
        "更正姓名",
        "--as",
        "village_committee",
        "--expect-seq",
        &seq,
        "--now",
        T1,
    ];
    let a = spawn(&env, &sign);
    let b = spawn(&env, &amend);
    let results: Vec<_> = [a, b]
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    let ok = results.iter().filter(|o| o.status.success()).count();
    assert_eq!(ok, 1, "{results:#?}");
    let loser = results
        .iter()
        .find(|o| !o.status.success())
        .expect("a loser");
    let err = String::from_utf8_lossy(&loser.stderr);
    assert!(err.contains("已有新的记录"), "{err}");
}
