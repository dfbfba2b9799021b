//! The command line as a client (`--server`, issue 19 item 4): a change whose connection drops
//! after it was sent exits 7 and prints the idempotency key it was sent with; `--now` goes
//! with the request and the office applies the simulation-clock rule as embedded; the
//! configuration file names the server; `restore` and `import` run embedded only, and not
//! while a server holds the file. That every case command prints the same over a server as
//! embedded is the `served` test target (tests/served), which runs these modules' stories
//! through a server.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{T0, TestEnv, json};

/// A "server" that reads one request and hangs up without answering; returns its address and
/// a handle giving the request's text.
fn hangs_up() -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            head.push_str(&line);
        }
        let mut body = vec![0u8; length];
        let _ = reader.read_exact(&mut body);
        // Dropping the stream closes the connection: no answer.
        head
    });
    (url, handle)
}

/// The value of `header` in a request's text.
fn header(request: &str, name: &str) -> Option<String> {
    request.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

#[test]
fn a_change_whose_connection_drops_exits_7_and_prints_its_idempotency_key() {
    let env = TestEnv::examples_only();
    let (url, request) = hangs_up();
    let key = "0123456789abcdef0123456789abcdef";
    let out = env
        .wardflow(["case", "amend", "2026-000001", "--as", "parent"])
        .args(["--set", "parent.name=李四", "--reason", "笔误"])
        .args(["--server", &url, "--idempotency-key", key, "--now", T0])
        .var("WARDFLOW_TOKEN", "wf_test")
        .run()
        .exit(7);
    let sent = request.join().expect("the request");
    assert!(
        sent.starts_with("POST /api/v1/cases/2026-000001/amend"),
        "{sent}"
    );
    assert_eq!(header(&sent, "Idempotency-Key").as_deref(), Some(key));
    // The same instant as --now, in UTC.
    assert_eq!(
        header(&sent, "Wardflow-Now").as_deref(),
        Some("2026-11-23T02:00:00Z")
    );
    assert_eq!(
        header(&sent, "Authorization").as_deref(),
        Some("Bearer wf_test")
    );
    let stderr = out.stderr_text();
    assert!(stderr.contains(key), "{stderr}");
    assert!(stderr.contains("无法确定是否已执行"), "{stderr}");

    // Without --idempotency-key a new random one is sent (128 bits in hex) and printed; the
    // error object names the kind.
    let (url, request) = hangs_up();
    let out = env
        .wardflow(["case", "open", "example-care", "--as", "parent", "--json"])
        .args(["--server", &url])
        .var("WARDFLOW_TOKEN", "wf_test")
        .en()
        .run()
        .exit(7);
    let sent = request.join().expect("the request");
    let key = header(&sent, "Idempotency-Key").expect("a key");
    assert_eq!(key.len(), 32, "{key}");
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    let error: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    assert_eq!(error["code"], 7);
    assert_eq!(error["kind"], "unknown");
    assert_eq!(error["key"], key.as_str());
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("may or may not have been done")),
        "{error}"
    );
}

#[test]
fn a_read_whose_connection_drops_is_only_unreachable() {
    let env = TestEnv::examples_only();
    let (url, request) = hangs_up();
    let out = env
        .wardflow(["case", "show", "2026-000001", "--server", &url])
        .var("WARDFLOW_TOKEN", "wf_test")
        .run()
        .exit(3);
    let sent = request.join().expect("the request");
    assert_eq!(header(&sent, "Idempotency-Key"), None, "{sent}");
    assert!(
        out.stderr_text().contains("无法连接服务"),
        "{}",
        out.describe()
    );
}

#[test]
fn a_bad_idempotency_key_or_a_server_without_a_sign_in_is_refused_before_sending() {
    let env = TestEnv::examples_only();
    let (url, _request) = hangs_up();
    let bad = env
        .wardflow(["case", "show", "2026-000001", "--server", &url])
        .args(["--idempotency-key", "not a key"])
        .var("WARDFLOW_TOKEN", "wf_test")
        .run()
        .exit(2);
    assert!(
        bad.stderr_text().contains("--idempotency-key"),
        "{}",
        bad.describe()
    );
    // No kept sign-in for this server and no token: refused, naming `wardflow login`.
    let unsigned = env
        .wardflow(["case", "show", "2026-000001", "--server", &url])
        .run()
        .exit(1);
    assert!(
        unsigned
            .stderr_text()
            .contains(&format!("wardflow login --server {url}")),
        "{}",
        unsigned.describe()
    );
}

#[test]
fn the_configuration_file_names_the_server_and_config_show_says_so() {
    let env = TestEnv::examples_only();
    let file = env.write_file(
        "wardflow.toml",
        "server = \"https://wardflow.county.example:8443/\"\n",
    );
    let all = json(
        &env.wardflow(["config", "show", "--json"])
            .var("WARDFLOW_CONFIG", &file)
            .ok(),
    );
    let server = all
        .as_array()
        .expect("settings")
        .iter()
        .find(|s| s["key"] == "server")
        .expect("a server setting")
        .clone();
    assert_eq!(server["value"], "https://wardflow.county.example:8443/");
    assert_eq!(server["source"], "file");
    // The variable wins over the file.
    let all = json(
        &env.wardflow(["config", "show", "--json"])
            .var("WARDFLOW_CONFIG", &file)
            .var("WARDFLOW_SERVER", "http://127.0.0.1:9")
            .ok(),
    );
    let server = all
        .as_array()
        .expect("settings")
        .iter()
        .find(|s| s["key"] == "server")
        .expect("a server setting")
        .clone();
    assert_eq!(
        (server["value"].as_str(), server["source"].as_str()),
        (Some("http://127.0.0.1:9"), Some("env"))
    );
    // Not an address: the file's line and key.
    let bad = env.write_file("bad.toml", "\nserver = \"wardflow.county.example\"\n");
    let err = env
        .wardflow(["config", "show"])
        .var("WARDFLOW_CONFIG", &bad)
        .run()
        .exit(2)
        .stderr_text();
    assert!(
        err.contains("bad.toml") && err.contains('2') && err.contains("server"),
        "{err}"
    );
}

/// `wardflow serve` over the environment's database on a free port, with `now` as its clock
/// when given; returns the process and its address.
fn serve(env: &TestEnv, now: Option<&str>) -> (std::process::Child, String) {
    let invocation = env.invocation(&["serve".to_owned()], "zh", "张三", b"");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wardflow"));
    cmd.current_dir(&invocation.cwd)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (key, value) in &invocation.vars {
        cmd.env(key, value);
    }
    if let Some(now) = now {
        cmd.env("WARDFLOW_NOW", now);
    }
    let mut child = cmd.spawn().expect("start wardflow serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the first line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    (child, url)
}

fn stop(mut child: std::process::Child) {
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
}

#[test]
fn now_goes_with_the_request_and_a_real_database_refuses_it_as_embedded() {
    let env = TestEnv::examples_only();
    env.ok(&["init"]);
    let made = json(&env.ok(&["token", "create", "--for", "张三", "--json"]));
    let token = made["token"].as_str().expect("token").to_owned();
    let embedded = env
        .wardflow(["case", "list", "--now", T0])
        .run()
        .exit(2)
        .stderr_text();
    assert!(embedded.contains("--now 只能用于"), "{embedded}");
    let (server, url) = serve(&env, None);
    let served = env
        .wardflow(["case", "list", "--now", T0, "--server", &url])
        .var("WARDFLOW_TOKEN", &token)
        .run();
    // Without --now the same command is answered.
    let listed = env
        .wardflow(["case", "list", "--server", &url])
        .var("WARDFLOW_TOKEN", &token)
        .run();
    // While the server holds the file, restore and import say so and name it.
    let restore = env.wardflow(["restore", "backup.redb"]).run();
    let restore_remote = env
        .wardflow(["restore", "backup.redb", "--server", &url])
        .run();
    stop(server);
    assert_eq!(served.stderr_text(), embedded, "{}", served.describe());
    let served = served.exit(2);
    assert!(served.stdout.is_empty());
    listed.success();
    let restore = restore.exit(3).stderr_text();
    assert!(
        restore.contains(&url) && restore.contains("restore"),
        "{restore}"
    );
    let remote = restore_remote.exit(2).stderr_text();
    assert!(remote.contains("--server"), "{remote}");
}

#[test]
fn run_with_a_server_is_refused_naming_the_servers_own_runner_and_timers_tick() {
    let env = TestEnv::examples_only();
    let url = "http://127.0.0.1:9";
    let refused = env
        .wardflow(["run", "--server", url])
        .var("WARDFLOW_TOKEN", "wf_test")
        .run()
        .exit(2)
        .stderr_text();
    assert!(
        refused.contains(url) && refused.contains("timers tick --server"),
        "{refused}"
    );
    let en = env
        .wardflow(["run", "--server", url, "--lang", "en"])
        .var("WARDFLOW_TOKEN", "wf_test")
        .run()
        .exit(2)
        .stderr_text();
    assert!(en.contains("runs its own deadline runner"), "{en}");
}
