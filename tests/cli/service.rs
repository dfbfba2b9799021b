//! Running as a service (issue 18): the logs of `serve` and `run` (text or JSON, never a
//! token, a password or a child's data).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{T0, TestEnv, USER};

const PASSWORD: &str = "correct horse battery";
const CHILD: &str = "李小明";

/// Starts `wardflow ARGS…` on the environment's database with stdout and stderr piped.
fn spawn(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Child {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let invocation = env.invocation(&args, "en", USER, b"");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wardflow"));
    cmd.current_dir(&invocation.cwd)
        .args(&invocation.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in &invocation.vars {
        cmd.env(key, value);
    }
    for (key, value) in vars {
        cmd.env(key, value);
    }
    cmd.spawn().expect("wardflow starts")
}

/// SIGTERM, then everything the process wrote on standard error.
fn stop(child: Child) -> String {
    let status = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().expect("the process ends");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every line of a JSON log, parsed (a line that is not JSON fails the test).
fn json_lines(log: &str) -> Vec<Value> {
    log.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}\n{log}")))
        .collect()
}

/// A request to the server at T0: (status, body).
fn send(
    agent: &ureq::Agent,
    url: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{url}{path}"))
        .header("Wardflow-Now", T0)
        .header("Content-Type", "application/json");
    let request = match token {
        Some(t) => request.header("Authorization", format!("Bearer {t}")),
        None => request,
    };
    let request = request
        .body(body.map(Value::to_string).unwrap_or_default())
        .expect("request");
    let mut response = agent.run(request).expect("HTTP exchange");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[test]
fn the_server_logs_each_request_as_json_without_tokens_passwords_or_child_data() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    env.zh().stdin(format!("{PASSWORD}\n")).ok(&[
        "user",
        "password",
        USER,
        "--password-stdin",
        "--now",
        T0,
    ]);
    let mut server = spawn(
        &env,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--recheck",
            "0.2",
        ],
        &[("WARDFLOW_NOW", T0)],
    );
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server's first line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let (status, signed_in) = send(
        &agent,
        &url,
        "POST",
        "/api/v1/sessions",
        None,
        Some(&json!({"user": USER, "password": PASSWORD})),
    );
    assert_eq!(status, 201, "{signed_in}");
    let token = signed_in["token"].as_str().expect("a token").to_owned();
    let wrong = "wf_this-token-was-never-issued-0123456789";
    let (status, _) = send(&agent, &url, "GET", "/api/v1/cases", Some(wrong), None);
    assert_eq!(status, 401);
    let (status, _) = send(
        &agent,
        &url,
        "POST",
        "/api/v1/sessions",
        None,
        Some(&json!({"user": USER, "password": "a wrong password 123"})),
    );
    assert_eq!(status, 401);
    let (status, opened) = send(
        &agent,
        &url,
        "POST",
        "/api/v1/cases",
        Some(&token),
        Some(&json!({
            "workflow": "example-care",
            "as": "parent",
            "set": [format!("child.name={CHILD}"), "child.birth_date=2018-05-01", "parent.name=李强"],
        })),
    );
    assert_eq!(status, 201, "{opened}");
    let case = opened["case"].as_str().expect("a case id").to_owned();
    let (status, shown) = send(
        &agent,
        &url,
        "GET",
        &format!("/api/v1/cases/{case}"),
        Some(&token),
        None,
    );
    assert_eq!(status, 200, "{shown}");
    assert!(shown.to_string().contains(CHILD), "{shown}");
    // Bad input quoting the child's name is refused, and its words are not logged.
    let (status, _) = send(
        &agent,
        &url,
        "POST",
        &format!("/api/v1/cases/{case}/amend"),
        Some(&token),
        Some(&json!({"set": [format!("child.birth_date={CHILD}")], "reason": "x", "as": "parent"})),
    );
    assert_eq!(status, 400);
    let log = stop(server);

    for secret in [
        PASSWORD,
        "a wrong password",
        &token,
        wrong,
        CHILD,
        "2018-05-01",
    ] {
        assert!(!log.contains(secret), "{secret:?} reached the log:\n{log}");
    }
    let lines = json_lines(&log);
    let started = lines
        .iter()
        .find(|l| l["message"] == "server started")
        .unwrap_or_else(|| panic!("no start in {log}"));
    assert_eq!(started["address"], url.as_str());
    assert_eq!(started["level"], "INFO");
    let answered = |method: &str, route: &str, status: u64| {
        lines
            .iter()
            .find(|l| {
                l["message"] == "answered"
                    && l["span"]["method"] == method
                    && l["span"]["route"] == route
                    && l["status"] == status
            })
            .unwrap_or_else(|| panic!("no {method} {route} {status} in\n{log}"))
    };
    let show = answered("GET", "/api/v1/cases/{id}", 200);
    assert_eq!(show["span"]["user"], USER);
    assert!(show["duration_ms"].as_f64().is_some(), "{show}");
    assert!(show["timestamp"].is_string(), "{show}");
    assert_eq!(answered("POST", "/api/v1/cases", 201)["span"]["user"], USER);
    assert_eq!(
        answered("POST", "/api/v1/sessions", 201)["span"]["user"],
        USER
    );
    // Who is not let in is logged without a user, and the refusal by its kind.
    let refused = answered("GET", "/api/v1/cases", 401);
    assert!(refused["span"].get("user").is_none(), "{refused}");
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "request failed" && l["kind"] == "refused"),
        "{log}"
    );
    let bad = answered("POST", "/api/v1/cases/{id}/amend", 400);
    assert_eq!(bad["span"]["user"], USER);
    assert!(
        lines.iter().any(|l| l["message"] == "server stopped"),
        "{log}"
    );
}

/// The runner's logs, in the format the configuration file names: its start, each thing a
/// tick fired (case numbers and deadline names only), its stop.
#[test]
fn the_runner_logs_in_the_format_the_configuration_file_names() {
    let env = TestEnv::examples_only();
    env.init_simulation("2026-11-23T10:00:00+08:00");
    let case = env
        .ok(&[
            "case",
            "open",
            "example-followup",
            "--as",
            "police",
            "--set",
            &format!("child.name={CHILD}"),
            "--set",
            "child.birth_date=2016-03-01",
            "--set",
            "source=mandatory_report",
            "--now",
            "2026-11-23T10:00:00+08:00",
        ])
        .trim()
        .to_owned();
    let config = env.write_file("config.toml", "[log]\nformat = \"json\"\n");
    let runner = spawn(
        &env,
        &[
            "run",
            "--now",
            "2026-11-24T09:59:59+08:00",
            "--recheck",
            "0.2",
        ],
        &[("WARDFLOW_CONFIG", &config)],
    );
    let started = Instant::now();
    let breached = || {
        let history = env.en().ok(&["case", "history", &case, "--json"]);
        history.contains("deadline_breached")
    };
    while !breached() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = stop(runner);
    assert!(!log.contains(CHILD), "{log}");
    let lines = json_lines(&log);
    assert_eq!(lines[0]["message"], "deadline runner started", "{log}");
    assert!(
        lines.iter().any(|l| l["message"] == "deadline runner"
            && l["fired"]
                .as_str()
                .is_some_and(|f| f.contains(&case) && f.contains("breached"))),
        "{log}"
    );
    assert_eq!(
        lines.last().map(|l| l["message"].clone()),
        Some(json!("deadline runner stopped")),
        "{log}"
    );
    // `--log-format` beats the file: text lines, none of them JSON.
    let runner = spawn(
        &env,
        &[
            "run",
            "--now",
            "2026-11-24T09:59:59+08:00",
            "--log-format",
            "text",
        ],
        &[("WARDFLOW_CONFIG", &config)],
    );
    std::thread::sleep(Duration::from_millis(500));
    let log = stop(runner);
    let first = log.lines().next().unwrap_or_default();
    assert!(
        first.contains("INFO") && first.contains("deadline runner started"),
        "{log}"
    );
    assert!(serde_json::from_str::<Value>(first).is_err(), "{log}");
}

/// The files in `dir`, sorted.
fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list the directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `backup --dir --keep` (the nightly timer): each copy named by its time in UTC, the oldest
/// beyond `--keep` removed, anything else in the directory left alone.
#[test]
fn backups_in_a_directory_keep_the_newest_and_remove_the_oldest() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    let dir = env.root().join("backups");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("notes.txt"), "not a backup").expect("write");
    for now in [
        "2026-11-24T02:00:00+08:00",
        "2026-11-25T02:00:00+08:00",
        "2026-11-26T02:00:00+08:00",
    ] {
        let out = env.ok(&[
            "backup", "--plain", "--dir", "backups", "--keep", "2", "--now", now, "--json",
        ]);
        let out: Value = serde_json::from_str(&out).expect("backup JSON");
        assert!(out["bytes"].as_u64().is_some_and(|b| b > 0), "{out}");
        if now.starts_with("2026-11-26") {
            assert_eq!(
                out["removed"],
                json!(["backups/wardflow-20261123T180000Z.redb"]),
                "{out}"
            );
            assert_eq!(out["backup"], "backups/wardflow-20261125T180000Z.redb");
        } else {
            assert_eq!(out["removed"], json!([]), "{out}");
        }
    }
    assert_eq!(
        files_in(&dir),
        [
            "notes.txt",
            "wardflow-20261124T180000Z.redb",
            "wardflow-20261125T180000Z.redb"
        ]
    );
    // Each kept copy is a whole database.
    let copy = dir.join("wardflow-20261125T180000Z.redb");
    env.ok(&["--db", &copy.display().to_string(), "check"]);
    // `--keep` is bounded and needs `--dir`; `--out` and `--dir` exclude each other.
    env.fails(&["backup", "--dir", "backups", "--keep", "0"], 2);
    env.fails(&["backup", "--out", "b.redb", "--keep", "3"], 2);
    env.fails(&["backup", "--out", "b.redb", "--dir", "backups"], 2);
    env.fails(&["backup", "--dir", "nowhere", "--now", T0], 2);
    // Only administrators back up.
    env.ok(&[
        "user",
        "add",
        "李四",
        "--role",
        "police",
        "--unit",
        "shijia_police",
        "--now",
        T0,
    ]);
    env.fails(
        &[
            "--user", "李四", "backup", "--plain", "--dir", "backups", "--now", T0,
        ],
        1,
    );
}

/// While `wardflow serve` holds the database, `backup --dir` asks the server for the copy
/// with the administrator's API token, then rotates the directory.
#[test]
fn backups_while_the_server_holds_the_database_go_through_the_server() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    let made: Value = serde_json::from_str(&env.ok(&[
        "token", "create", "--for", USER, "--label", "backups", "--json", "--now", T0,
    ]))
    .expect("token JSON");
    let token = made["token"].as_str().expect("token").to_owned();
    let dir = env.root().join("backups");
    std::fs::create_dir(&dir).expect("mkdir");
    let mut server = spawn(
        &env,
        &["serve", "--listen", "127.0.0.1:0", "--log-format", "json"],
        &[("WARDFLOW_NOW", T0)],
    );
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server's first line");
    // Without the token the command says a server holds the file.
    env.run(&["backup", "--plain", "--dir", "backups", "--now", T0])
        .exit(3);
    for now in ["2026-11-24T02:00:00+08:00", "2026-11-25T02:00:00+08:00"] {
        let out = env
            .wardflow([
                "backup", "--plain", "--dir", "backups", "--keep", "1", "--json",
            ])
            .now(now)
            .var("WARDFLOW_TOKEN", &token)
            .ok();
        let out: Value = serde_json::from_str(&out).expect("backup JSON");
        assert!(out["bytes"].as_u64().is_some_and(|b| b > 0), "{out}");
    }
    let log = stop(server);
    assert!(!log.contains(&token), "{log}");
    assert_eq!(files_in(&dir), ["wardflow-20261124T180000Z.redb"]);
    assert!(
        json_lines(&log)
            .iter()
            .any(|l| l["span"]["route"] == "/api/v1/backup"
                && l["status"] == 200
                && l["span"]["user"] == USER),
        "{log}"
    );
}
