//! `wardflow serve` (issue #19): the real binary on a free loopback port, driven over HTTP.
//! Who is not let in (a wrong password, an expired, revoked or unknown token, a disabled user,
//! a non-administrator asking for export, backup or a new user) is refused, logged, and
//! changes nothing; a police system opens a custody case with an API token, with the request
//! bodies of docs/api.md.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::common::{T0, TestEnv, USER};

/// A password long enough for the rules.
pub(crate) const PASSWORD: &str = "correct horse battery";

/// A running `wardflow serve` over a test environment's database; stopped (SIGTERM) on drop.
pub(crate) struct Served {
    child: Child,
    pub(crate) url: String,
    agent: ureq::Agent,
}

impl Served {
    pub(crate) fn start(env: &TestEnv) -> Served {
        Self::start_with(env, &[])
    }

    /// Starts `wardflow serve --listen 127.0.0.1:0 EXTRA…`.
    pub(crate) fn start_with(env: &TestEnv, extra: &[&str]) -> Served {
        Self::start_env(env, extra, &[])
    }

    /// Starts `wardflow serve --listen 127.0.0.1:0 EXTRA…` with environment `vars` (a fault
    /// to inject, say).
    pub(crate) fn start_env(env: &TestEnv, extra: &[&str], vars: &[(&str, &str)]) -> Served {
        let mut args = vec![
            "serve".to_owned(),
            "--listen".to_owned(),
            "127.0.0.1:0".to_owned(),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let invocation = env.invocation(&args, "en", USER, b"");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wardflow"));
        cmd.current_dir(&invocation.cwd)
            .args(&invocation.args)
            .env("WARDFLOW_NOW", T0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (key, value) in &invocation.vars {
            cmd.env(key, value);
        }
        for (key, value) in vars {
            cmd.env(key, value);
        }
        let mut child = cmd.spawn().expect("start wardflow serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server's first line");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Served { child, url, agent }
    }

    /// Sends a request at T0: (status, body as JSON, or the text as a JSON string).
    pub(crate) fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        self.send_at(T0, method, path, token, body)
    }

    /// Sends a request on the simulation clock `now`.
    pub(crate) fn send_at(
        &self,
        now: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.url);
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Wardflow-Now", now)
            .header("Accept-Language", "en");
        let request = match token {
            Some(t) => request.header("Authorization", format!("Bearer {t}")),
            None => request,
        };
        let text = body.map(Value::to_string).unwrap_or_default();
        let request = request
            .header("Content-Type", "application/json")
            .body(text)
            .expect("request");
        self.exchange(request).expect("HTTP exchange")
    }

    /// Like [`Served::send_at`]; None when the exchange fails (the server is gone).
    pub(crate) fn try_send_at(
        &self,
        now: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Option<(u16, Value)> {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url))
            .header("Wardflow-Now", now)
            .header("Content-Type", "application/json");
        let request = match token {
            Some(t) => request.header("Authorization", format!("Bearer {t}")),
            None => request,
        };
        let request = request
            .body(body.map(Value::to_string).unwrap_or_default())
            .expect("request");
        self.exchange(request)
    }

    pub(crate) fn exchange(&self, request: ureq::http::Request<String>) -> Option<(u16, Value)> {
        let mut response = self.agent.run(request).ok()?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().ok()?;
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Some((status, value))
    }

    /// The HTTP client it is driven with.
    pub(crate) fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    /// Waits for the server to end by itself: its exit code.
    pub(crate) fn wait(mut self) -> Option<i32> {
        self.child.wait().ok().and_then(|s| s.code())
    }

    /// Kills the server outright (SIGKILL), as a crash or a power cut would.
    pub(crate) fn kill(&self) {
        let _ = Command::new("kill")
            .args(["-9", &self.child.id().to_string()])
            .status();
    }

    pub(crate) fn sign_in(&self, user: &str, password: &str) -> (u16, Value) {
        self.send(
            "POST",
            "/api/v1/sessions",
            None,
            Some(&json!({"user": user, "password": password})),
        )
    }

    /// Stops the server as an operator would (SIGTERM) and waits for it.
    pub(crate) fn stop(mut self) {
        self.terminate();
    }

    fn terminate(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
    }
}

/// A simulation database with a police officer 李四 and a clerk 王五, every one with a
/// password.
pub(crate) fn env() -> TestEnv {
    let env = TestEnv::new();
    env.init_simulation(T0);
    for (name, role, unit) in [
        ("李四", "police", "shijia_police"),
        ("王五", "police", "shijia_police"),
    ] {
        env.ok(&[
            "user", "add", name, "--role", role, "--unit", unit, "--now", T0,
        ]);
    }
    for name in [USER, "李四", "王五"] {
        env.zh().stdin(format!("{PASSWORD}\n")).ok(&[
            "user",
            "password",
            name,
            "--password-stdin",
            "--now",
            T0,
        ]);
    }
    env
}

/// Makes an API token with the command line; returns (token, id).
pub(crate) fn token(env: &TestEnv, args: &[&str]) -> (String, String) {
    let mut all = vec!["token", "create", "--json"];
    all.extend(args);
    let made: Value = serde_json::from_str(&env.ok(&all)).expect("token JSON");
    (
        made["token"].as_str().expect("token").to_owned(),
        made["id"].as_str().expect("id").to_owned(),
    )
}

/// Everything stored but the access log (which records the refusals).
fn stored(env: &TestEnv) -> String {
    env.db_dump()
        .lines()
        .filter(|l| !l.starts_with(r#"{"type":"access""#))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The access log's refusals, as (user, action).
fn refusals(env: &TestEnv) -> Vec<(String, String)> {
    let log: Value =
        serde_json::from_str(&env.ok(&["audit", "--json", "--now", T0])).expect("audit JSON");
    log.as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["allowed"] == false)
        .map(|e| {
            (
                e["user"].as_str().unwrap_or_default().to_owned(),
                e["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn who_is_not_let_in_is_refused_logged_and_changes_nothing() {
    let env = env();
    // 李四's token made on T0 for one day: expired by the wall clock.
    let (expired, expired_id) = token(&env, &["--for", "李四", "--expires", "1d", "--now", T0]);
    let (revoked, revoked_id) = token(&env, &["--for", "李四", "--now", T0]);
    env.ok(&["token", "revoke", &revoked_id, "--now", T0]);
    let (disabled, _) = token(&env, &["--for", "王五", "--now", T0]);
    env.ok(&["user", "disable", "王五", "--now", T0]);
    let (police, police_id) = token(&env, &["--for", "李四", "--now", T0]);
    let before = stored(&env);

    let server = Served::start(&env);
    // A wrong password, and an unknown user, are refused alike.
    let (status, body) = server.sign_in("李四", "not the password");
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["kind"], "refused");
    assert_eq!(body["code"], 1);
    assert_eq!(body["message"], "wrong user name or password.");
    let (status, unknown) = server.sign_in("nobody", PASSWORD);
    assert_eq!((status, &unknown["message"]), (401, &body["message"]));
    // A disabled user with the right password.
    let (status, body) = server.sign_in("王五", PASSWORD);
    assert_eq!(status, 403, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("disabled"),
        "{body}"
    );
    // Tokens: expired, revoked, of a disabled user, none, made up.
    for (token, status, words) in [
        (Some(expired.as_str()), 401, "expired"),
        (Some(revoked.as_str()), 401, "revoked"),
        (Some(disabled.as_str()), 403, "disabled"),
        (None, 401, "not signed in"),
        (Some("wf_0000"), 401, "not signed in"),
    ] {
        let (got, body) = server.send("GET", "/api/v1/cases", token, None);
        assert_eq!(got, status, "{token:?}: {body}");
        assert!(
            body["message"].as_str().unwrap_or_default().contains(words),
            "{body}"
        );
    }
    // A police officer is not an administrator: no export, backup or new user.
    let (status, body) = server.send("GET", "/api/v1/export", Some(&police), None);
    assert_eq!(status, 403, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not an administrator"),
        "{body}"
    );
    let out = env.root().join("copy.redb");
    let (status, _) = server.send(
        "POST",
        "/api/v1/backup",
        Some(&police),
        Some(&json!({"out": out})),
    );
    assert_eq!(status, 403);
    assert!(!out.exists());
    let (status, _) = server.send(
        "POST",
        "/api/v1/users",
        Some(&police),
        Some(&json!({"name": "赵六", "roles": ["admin"], "unit": "county"})),
    );
    assert_eq!(status, 403);
    // The embedded command line names the server that holds the file instead of "busy".
    let embedded = env.run(&["case", "list", "--lock-timeout", "0.2", "--now", T0]);
    assert_eq!(embedded.status.code(), Some(3));
    let err = String::from_utf8_lossy(&embedded.stderr);
    assert!(err.contains(&server.url), "{err}");
    // The same token may read what its user may.
    let (status, body) = server.send("GET", "/api/v1/cases", Some(&police), None);
    assert_eq!((status, body), (200, json!([])));
    server.stop();

    assert_eq!(stored(&env), before, "a refusal changed the database");
    let refused = refusals(&env);
    let has = |user: &str, action: &str| {
        refused
            .iter()
            .any(|(u, a)| u == user && a.starts_with(action))
    };
    assert!(has("李四", "sign-in from 127.0.0.1"), "{refused:?}");
    assert!(has("nobody", "sign-in from 127.0.0.1"), "{refused:?}");
    assert!(has("王五", "sign-in from 127.0.0.1"), "{refused:?}");
    assert!(
        has("李四", &format!("token:use {expired_id}")),
        "{refused:?}"
    );
    assert!(
        has("李四", &format!("token:use {revoked_id}")),
        "{refused:?}"
    );
    assert!(has("王五", "token:use"), "{refused:?}");
    assert!(has("-", "token:use from 127.0.0.1"), "{refused:?}");
    assert!(has("李四", "export"), "{refused:?}");
    assert!(has("李四", "backup"), "{refused:?}");
    assert!(has("李四", "user:add"), "{refused:?}");
    // Every use of a good token is logged too, by its id; no token is in the log.
    let log = env.ok(&["audit", "--json", "--now", T0]);
    assert!(log.contains(&format!("token:use {police_id}")), "{log}");
    for secret in [&expired, &revoked, &disabled, &police] {
        assert!(
            !log.contains(secret.as_str()),
            "a token is in the access log"
        );
    }
    assert!(!log.contains(PASSWORD), "a password is in the access log");
}

#[test]
fn failed_sign_ins_back_off_and_an_administrator_unlocks() {
    let env = env();
    let server = Served::start(&env);
    for _ in 0..3 {
        assert_eq!(server.sign_in("李四", "not the password").0, 401);
    }
    // The fourth attempt waits, even with the right password.
    let (status, body) = server.sign_in("李四", PASSWORD);
    assert_eq!(status, 429, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("try again"),
        "{body}"
    );
    // The administrator unlocks; the right password then works at once.
    let (status, admin) = server.sign_in(USER, PASSWORD);
    assert_eq!(status, 201, "{admin}");
    let admin = admin["token"].as_str().expect("token").to_owned();
    let (status, body) = server.send("POST", "/api/v1/users/李四/unlock", Some(&admin), None);
    assert_eq!((status, &body["unlocked"]), (200, &json!(true)), "{body}");
    let (status, session) = server.sign_in("李四", PASSWORD);
    assert_eq!(status, 201, "{session}");
    let session = session["token"].as_str().expect("token").to_owned();
    // Signing out revokes the sign-in token.
    let (status, _) = server.send("DELETE", "/api/v1/sessions", Some(&session), None);
    assert_eq!(status, 200);
    let (status, body) = server.send("GET", "/api/v1/cases", Some(&session), None);
    assert_eq!(status, 401, "{body}");
    server.stop();
}

/// The JSON body after `<!-- api-example: NAME -->` in docs/api.md.
pub(crate) fn example(name: &str) -> Value {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/api.md"),
    )
    .expect("docs/api.md");
    let marker = format!("<!-- api-example: {name} -->");
    let after = &doc[doc.find(&marker).unwrap_or_else(|| panic!("no {marker}"))..];
    let start = after.find("```json\n").expect("a json block") + "```json\n".len();
    let end = after[start..].find("```").expect("its end") + start;
    serde_json::from_str(&after[start..end]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn a_police_system_opens_a_custody_case_with_an_api_token() {
    let env = env();
    env.ok(&[
        "user",
        "add",
        "公安接口",
        "--role",
        "police",
        "--unit",
        "shijia_police",
        "--now",
        T0,
    ]);
    let (token, _) = token(
        &env,
        &[
            "--for",
            "公安接口",
            "--expires",
            "365d",
            "--label",
            "公安警务平台",
            "--now",
            T0,
        ],
    );
    let server = Served::start(&env);
    let (status, opened) = server.send(
        "POST",
        "/api/v1/cases",
        Some(&token),
        Some(&example("police-open")),
    );
    assert_eq!(status, 201, "{opened}");
    let id = opened["case"].as_str().expect("case id").to_owned();
    assert_eq!(opened["state"], "reported");
    assert_eq!(opened["deadlines"][0]["name"], "acceptance");
    let path = format!("/api/v1/cases/{id}/advance");
    let (status, accepted) =
        server.send("POST", &path, Some(&token), Some(&example("police-accept")));
    assert_eq!(status, 200, "{accepted}");
    let (status, removed) = server.send_at(
        "2026-11-24T16:00:00+08:00",
        "POST",
        &path,
        Some(&token),
        Some(&example("police-remove")),
    );
    assert_eq!(status, 200, "{removed}");
    let spawned = &removed["spawned"][0];
    assert_eq!(spawned["workflow"], "temporary-custody", "{removed}");
    // The police system reads its case back: the same value as `case show --json`.
    let (status, shown) = server.send("GET", &format!("/api/v1/cases/{id}"), Some(&token), None);
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["data"]["child.name"], "张小花", "{shown}");
    server.stop();
    let cli: Value = serde_json::from_str(&env.ok(&["case", "show", &id, "--json", "--now", T0]))
        .expect("show JSON");
    assert_eq!(shown, cli);
    let history = env.ok(&["case", "history", &id, "--json", "--now", T0]);
    assert!(history.contains("公安接口"), "{history}");
}

/// What a police warning letter needs (as in `letter_issue`).
pub(crate) const WARNING_SETS: &[&str] = &[
    "source=mandatory_report",
    "child.name=张小花",
    "abuser.name=张大山",
    "abuser.relation=父亲",
    "admonishment.facts=2026年11月22日晚，张大山因琐事殴打女儿张小花，致其面部软组织挫伤",
    "admonishment.issued_at=2026-11-23T09:30:00+08:00",
];

/// The clock of the acts under load: a day after T0.
pub(crate) const T1: &str = "2026-11-24T09:00:00+08:00";

/// A simulation database on the 黔江区 profile (numbered police letters), the administrator
/// with a password, and a server over it with a sign-in token.
pub(crate) fn qianjiang() -> TestEnv {
    let env = TestEnv::new();
    let profiles = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles");
    env.ok(&[
        "init",
        "--simulation",
        "--profiles",
        profiles,
        "--profile",
        "qianjiang",
        "--now",
        T0,
    ]);
    env.zh().stdin(format!("{PASSWORD}\n")).ok(&[
        "user",
        "password",
        USER,
        "--password-stdin",
        "--now",
        T0,
    ]);
    env
}

/// One client's work: open a case, issue its warning letter, correct it `amends` times;
/// returns the case id and the letter number.
fn client(server: &Served, token: &str, n: usize, amends: usize) -> (String, String) {
    let (status, opened) = server.send_at(
        T1,
        "POST",
        "/api/v1/cases",
        Some(token),
        Some(
            &json!({"workflow": "guardianship-intervention", "as": "police", "set": WARNING_SETS}),
        ),
    );
    assert_eq!(status, 201, "{opened}");
    let id = opened["case"].as_str().expect("case").to_owned();
    let (status, letter) = server.send_at(
        T1,
        "POST",
        &format!("/api/v1/cases/{id}/letters"),
        Some(token),
        Some(&json!({"key": "warning-letter", "as": "police"})),
    );
    assert_eq!(status, 201, "{letter}");
    for k in 0..amends {
        let (status, body) = server.send_at(
            T1,
            "POST",
            &format!("/api/v1/cases/{id}/amend"),
            Some(token),
            Some(&json!({"as": "police", "set": [format!("abuser.name=张大山{n}-{k}")], "reason": "核对户籍"})),
        );
        assert_eq!(status, 200, "{body}");
    }
    (id, letter["number"].as_str().expect("number").to_owned())
}

#[test]
fn thirty_two_clients_at_once_lose_nothing_and_numbers_have_no_gaps() {
    const CLIENTS: usize = 32;
    const AMENDS: usize = 3;
    let env = qianjiang();
    let server = Served::start(&env);
    let (status, session) = server.sign_in(USER, PASSWORD);
    assert_eq!(status, 201, "{session}");
    let token = session["token"].as_str().expect("token").to_owned();
    let done: Vec<(String, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let (server, token) = (&server, &token);
                scope.spawn(move || client(server, token, n, AMENDS))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client"))
            .collect()
    });
    // A paper's verification code checks against the archive over HTTP too.
    let (_, letters) = server.send("GET", "/api/v1/letters", Some(&token), None);
    let first = &letters[0];
    let (status, verified) = server.send(
        "POST",
        "/api/v1/letters/verify",
        Some(&token),
        Some(&json!({"code": first["code"]})),
    );
    assert_eq!(
        (status, &verified["letter"]),
        (200, &first["letter"]),
        "{verified}"
    );
    let (status, unknown) = server.send(
        "POST",
        "/api/v1/letters/verify",
        Some(&token),
        Some(&json!({"code": "00000-00000"})),
    );
    assert_eq!(
        (status, &unknown["kind"]),
        (409, &json!("integrity")),
        "{unknown}"
    );
    server.stop();
    // Every act is there: opened, letter issued, each correction.
    for (id, _) in &done {
        let shown = env.show_json(id);
        let history: Value =
            serde_json::from_str(&env.ok(&["case", "history", id, "--json", "--now", T1]))
                .expect("history");
        let amended = history
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e.to_string().contains("核对户籍"))
            .count();
        assert_eq!(amended, AMENDS, "{id}: {history}");
        assert_eq!(
            shown["issued_letters"].as_array().map(Vec::len),
            Some(1),
            "{shown}"
        );
    }
    // Letter numbers 1..=32, each once.
    let mut numbers: Vec<u32> = done
        .iter()
        .map(|(_, number)| {
            number
                .trim_start_matches("渝公黔告诫字〔2026〕")
                .trim_end_matches('号')
                .parse()
                .unwrap_or_else(|_| panic!("number {number}"))
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=CLIENTS as u32).collect::<Vec<_>>());
    env.ok(&["check", "--now", T1]);
    env.ok(&["verify", "--now", T1]);
}

#[test]
fn a_server_killed_under_load_keeps_every_acknowledged_act() {
    const CLIENTS: usize = 8;
    let env = qianjiang();
    let server = Served::start(&env);
    let (_, session) = server.sign_in(USER, PASSWORD);
    let token = session["token"].as_str().expect("token").to_owned();
    // Each client opens a case, then corrects it until the server is gone, noting the event
    // number of every acknowledged correction.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let acknowledged: Vec<(String, u64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let (server, token, stop) = (&server, &token, &stop);
                scope.spawn(move || {
                    let (status, opened) = server.send_at(
                        T1,
                        "POST",
                        "/api/v1/cases",
                        Some(token),
                        Some(&json!({"workflow": "guardianship-intervention", "as": "police", "set": WARNING_SETS})),
                    );
                    assert_eq!(status, 201, "{opened}");
                    let id = opened["case"].as_str().expect("case").to_owned();
                    let mut last = 0;
                    for k in 0.. {
                        if stop.load(std::sync::atomic::Ordering::SeqCst) && k > 0 {
                            break;
                        }
                        match server.try_send_at(
                            T1,
                            "POST",
                            &format!("/api/v1/cases/{id}/amend"),
                            Some(token),
                            Some(&json!({"as": "police", "set": [format!("abuser.name=张大山{n}-{k}")], "reason": "核对户籍"})),
                        ) {
                            Some((200, body)) => last = body["seq"].as_u64().expect("seq"),
                            _ => break,
                        }
                    }
                    (id, last)
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        server.kill();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        handles
            .into_iter()
            .map(|h| h.join().expect("client"))
            .collect()
    });
    // After the crash: every acknowledged correction is stored, and the file is whole.
    for (id, seq) in &acknowledged {
        let shown = env.show_json(id);
        assert!(
            shown["seq"].as_u64().unwrap_or(0) >= *seq,
            "{id}: acknowledged seq {seq}, stored {}",
            shown["seq"]
        );
    }
    assert!(
        acknowledged.iter().any(|(_, seq)| *seq > 2),
        "no load: {acknowledged:?}"
    );
    env.ok(&["check", "--now", T1]);
    env.ok(&["verify", "--now", T1]);
}

#[test]
fn with_a_certificate_the_server_speaks_tls() {
    let env = env();
    let (cert, key) = (env.root().join("cert.pem"), env.root().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=wardflow-test"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(made.success());
    let server = Served::start_with(
        &env,
        &[
            "--tls-cert",
            cert.to_str().expect("path"),
            "--tls-key",
            key.to_str().expect("path"),
        ],
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let curl = |url: &str| {
        Command::new("curl")
            .args(["-s", "--max-time", "10", "--cacert"])
            .arg(&cert)
            .args(["-H", "Wardflow-Now: 2026-11-23T10:00:00+08:00"])
            .args([
                "-d",
                &json!({"user": "李四", "password": PASSWORD}).to_string(),
            ])
            .arg(format!("{url}/api/v1/sessions"))
            .output()
            .expect("curl")
    };
    let signed_in = curl(&server.url);
    let body: Value = serde_json::from_slice(&signed_in.stdout).expect("JSON over TLS");
    assert_eq!(body["kind"], "session", "{body}");
    // Plain HTTP on the TLS port gets no answer.
    let plain = curl(&server.url.replacen("https", "http", 1));
    assert!(serde_json::from_slice::<Value>(&plain.stdout).is_err());
    server.stop();
}

/// Runs the command line as 李四 with its configuration directory under the test's root.
fn as_caseworker(env: &TestEnv, args: &[&str], stdin: &str) -> std::process::Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let invocation = env.invocation(&args, "en", "李四", stdin.as_bytes());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wardflow"));
    cmd.current_dir(&invocation.cwd)
        .args(&invocation.args)
        .env("XDG_CONFIG_HOME", env.root().join("config-home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in &invocation.vars {
        cmd.env(key, value);
    }
    let mut child = cmd.spawn().expect("wardflow");
    if let Some(mut input) = child.stdin.take() {
        let _ = std::io::Write::write_all(&mut input, stdin.as_bytes());
    }
    child.wait_with_output().expect("wait")
}

#[test]
fn login_keeps_the_token_privately_and_logout_revokes_it() {
    use std::os::unix::fs::PermissionsExt;
    let env = env();
    let server = Served::start(&env);
    // A wrong password: the server's refusal, with the embedded exit code.
    let wrong = as_caseworker(
        &env,
        &["login", "--server", &server.url, "--password-stdin"],
        "not the password\n",
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&wrong.stderr),
        "error: wrong user name or password.\n"
    );
    let kept = env.root().join("config-home/wardflow/session.json");
    assert!(!kept.exists());
    let login = as_caseworker(
        &env,
        &["login", "--server", &server.url, "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(login.status.success(), "{login:?}");
    assert!(
        String::from_utf8_lossy(&login.stdout).contains("as 李四"),
        "{login:?}"
    );
    let mode = std::fs::metadata(&kept)
        .expect("session file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let session: Value =
        serde_json::from_str(&std::fs::read_to_string(&kept).expect("read")).expect("JSON");
    let token = session["token"].as_str().expect("token").to_owned();
    assert_eq!(
        server.send("GET", "/api/v1/cases", Some(&token), None).0,
        200
    );
    let logout = as_caseworker(&env, &["logout"], "");
    assert!(logout.status.success(), "{logout:?}");
    assert!(!kept.exists());
    assert_eq!(
        server.send("GET", "/api/v1/cases", Some(&token), None).0,
        401
    );
    server.stop();
}

#[test]
fn the_checked_in_openapi_document_is_current() {
    let env = TestEnv::empty();
    let generated = env.ok(&["serve", "--openapi"]);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("WARDFLOW_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/openapi.json");
        return;
    }
    assert!(
        checked_in == generated,
        "docs/openapi.json is not what `wardflow serve --openapi` prints; regenerate it with \
         `WARDFLOW_BLESS=1 cargo test --test cli -- serve::the_checked_in_openapi`"
    );
    let doc: Value = serde_json::from_str(&generated).expect("JSON");
    assert!(
        doc["paths"]["/api/v1/cases/{id}/advance"]["post"].is_object(),
        "{doc}"
    );
}

#[test]
fn a_new_database_at_the_same_path_does_not_inherit_passwords_or_tokens() {
    let env = env();
    let credentials = env.root().join("w.redb.credentials");
    assert!(credentials.exists());
    std::fs::remove_file(env.db()).expect("remove the database");
    env.init_fresh(T0);
    assert!(!credentials.exists(), "the old credentials file survived");
}

/// Issue 20: `serve` warns when the published holiday calendar runs out within 60 days (the
/// shipped one ends with 2026; the test clock is late November 2026).
#[test]
fn serve_warns_that_the_published_calendar_runs_out() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    let args = ["serve", "--listen", "127.0.0.1:0"].map(str::to_owned);
    let invocation = env.invocation(&args, "en", USER, b"");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wardflow"));
    cmd.current_dir(&invocation.cwd)
        .args(&invocation.args)
        .env("WARDFLOW_NOW", T0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in &invocation.vars {
        cmd.env(key, value);
    }
    let mut child = cmd.spawn().expect("start wardflow serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server's first line");
    assert!(line.contains("http://"), "{line}");
    let _ = child.kill();
    let out = child.wait_with_output().expect("the server ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("holiday calendar ends on 2026-12-31"), "{err}");
}
