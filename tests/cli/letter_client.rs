//! The letter commands as clients of a server (`--server`, issue 19 item 4): eight
//! `letter issue --server` processes at once get gapless numbers, each printing what the
//! embedded command prints; a command without a served form refuses `--server` rather than
//! running embedded. (That every letter command prints the same over a server as embedded is
//! the `served` target, which runs the `letter*` modules through a server.)

use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::common::{T0, TestEnv, USER};
use crate::serve::{PASSWORD, Served, T1, WARNING_SETS, qianjiang};

#[test]
fn eight_clients_issuing_through_a_server_get_gapless_numbers() {
    const CLIENTS: usize = 8;
    let env = qianjiang();
    let server = Served::start(&env);
    let (status, session) = server.sign_in(USER, PASSWORD);
    assert_eq!(status, 201, "{session}");
    let token = session["token"].as_str().expect("token").to_owned();
    let cases: Vec<String> = (0..CLIENTS)
        .map(|_| {
            let (status, opened) = server.send_at(
                T1,
                "POST",
                "/api/v1/cases",
                Some(&token),
                Some(&json!({"workflow": "guardianship-intervention", "as": "police", "set": WARNING_SETS})),
            );
            assert_eq!(status, 201, "{opened}");
            opened["case"].as_str().expect("case").to_owned()
        })
        .collect();
    // Eight processes at once, each its own client of the server.
    let children: Vec<_> = cases
        .iter()
        .map(|id| {
            let args: Vec<String> = [
                "letter",
                "issue",
                id,
                "warning-letter",
                "--as",
                "police",
                "--json",
                "--now",
                T1,
                "--server",
                &server.url,
            ]
            .map(str::to_owned)
            .to_vec();
            let invocation = env.invocation(&args, "zh", USER, b"");
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_wardflow"));
            cmd.current_dir(&invocation.cwd)
                .args(&invocation.args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            for (key, value) in &invocation.vars {
                cmd.env(key, value);
            }
            cmd.env("WARDFLOW_TOKEN", &token);
            cmd.spawn().expect("start a client")
        })
        .collect();
    let mut numbers: Vec<u32> = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().expect("the client");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let issued: Value = serde_json::from_str(&text).expect("--json");
            let number = issued["number"].as_str().expect("number");
            number
                .trim_start_matches("渝公黔告诫字〔2026〕")
                .trim_end_matches('号')
                .parse()
                .unwrap_or_else(|_| panic!("number {number}"))
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=CLIENTS as u32).collect::<Vec<_>>());
    // The client's list is the embedded one, text and JSON.
    let remote = |args: &[&str]| {
        env.wardflow(args.iter().copied())
            .args(["--server", server.url.as_str()])
            .var("WARDFLOW_TOKEN", &token)
            .run()
            .exit(0)
            .stdout_text()
    };
    let json_args = ["letter", "list", "--json", "--now", T1];
    let text_args = ["letter", "list", "--now", T1];
    let (remote_json, remote_text) = (remote(&json_args), remote(&text_args));
    server.stop();
    assert_eq!(remote_json, env.ok(&json_args));
    assert_eq!(remote_text, env.ok(&text_args));
    env.ok(&["check", "--now", T1]);
    env.ok(&["verify", "--now", T1]);
}

#[test]
fn a_command_without_a_served_form_refuses_the_server_and_runs_nothing() {
    let env = TestEnv::new();
    // Nothing listens there: the refusal comes before any request.
    let out = env
        .wardflow(["init", "--simulation", "--now", T0])
        .args(["--server", "http://127.0.0.1:9", "--json"])
        .var("WARDFLOW_TOKEN", "wf_test")
        .run()
        .exit(2);
    let error: Value = serde_json::from_str(&out.stderr_text()).expect("the --json error");
    assert_eq!(error["key"], "--server", "{error}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("wardflow init"), "{message}");
    assert!(!env.db().exists(), "init ran embedded");
}

#[test]
fn case_transfer_and_case_export_through_a_server_print_and_write_what_embedded_does() {
    let env = qianjiang();
    let server = Served::start(&env);
    let (status, session) = server.sign_in(USER, PASSWORD);
    assert_eq!(status, 201, "{session}");
    let token = session["token"].as_str().expect("token").to_owned();
    let (status, opened) = server.send_at(
        T1,
        "POST",
        "/api/v1/cases",
        Some(&token),
        Some(
            &json!({"workflow": "guardianship-intervention", "as": "police", "set": WARNING_SETS}),
        ),
    );
    assert_eq!(status, 201, "{opened}");
    let id = opened["case"].as_str().expect("case").to_owned();
    let remote = |args: &[&str]| {
        env.wardflow(args.iter().copied())
            .args(["--server", server.url.as_str()])
            .var("WARDFLOW_TOKEN", &token)
            .run()
            .exit(0)
            .stdout_text()
    };
    let moved = remote(&[
        "case",
        "transfer",
        &id,
        "--to",
        "county_psb",
        "--as",
        "police",
        "--now",
        T1,
    ]);
    assert_eq!(
        moved.trim(),
        format!("案件 {id} 已移交 county_psb（清河县公安局）。")
    );
    let moved: Value = serde_json::from_str(&remote(&[
        "case",
        "transfer",
        &id,
        "--to",
        "shijia_police",
        "--as",
        "police",
        "--json",
        "--now",
        T1,
    ]))
    .expect("--json");
    assert_eq!(
        (&moved["unit"], &moved["officer"], &moved["unit_name"]),
        (&json!("shijia_police"), &Value::Null, &json!("石家派出所")),
        "{moved}"
    );
    let export = [
        "case",
        "export",
        &id,
        "--out",
        "case.json",
        "--force",
        "--now",
        T1,
    ];
    let exported = remote(&export);
    let file = env.root().join("case.json");
    let sent = std::fs::read(&file).expect("the export written here");
    server.stop();
    // Embedded, the same export: the same words and the same bytes.
    assert_eq!(exported, env.ok(&export));
    assert_eq!(sent, std::fs::read(&file).expect("the embedded export"));
    let history = env.ok(&["case", "history", &id, "--now", T1]);
    assert!(
        history.contains("shijia_police") || history.contains("石家派出所"),
        "{history}"
    );
}
