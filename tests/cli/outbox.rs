//! Events out (issue 25 items 3–4): the outbox written beside each change, delivered by
//! `wardflow serve` to a webhook receiver (a tiny HTTP listener in this test process) at least
//! once, signed with the endpoint's secret, across a server killed and started again; and the
//! same events on the server-sent event stream, resumed with `Last-Event-ID`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::T0;
use crate::serve::{Served, env, token};

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body: String,
}

/// A webhook receiver on a free loopback port: records every POST, answers the first
/// `failures` of them 500 and the rest 204.
pub(crate) struct Receiver {
    pub(crate) url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub(crate) fn start(failures: usize) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("address"));
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let log = got.clone();
        std::thread::spawn(move || {
            let mut seen = 0usize;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut reader = BufReader::new(stream);
                let mut headers = BTreeMap::new();
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some((k, v)) = l.split_once(':') {
                        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                    }
                }
                let length: usize = headers
                    .get("content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let status = if seen < failures {
                    "500 Internal Server Error"
                } else {
                    "204 No Content"
                };
                seen += 1;
                log.lock().expect("log").push(Received {
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, got }
    }

    pub(crate) fn got(&self) -> Vec<Received> {
        self.got.lock().expect("log").clone()
    }

    /// The event ids of the breaches received (each once).
    fn breaches(&self) -> BTreeSet<String> {
        self.got()
            .iter()
            .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
            .filter(|b| b["kind"] == "deadline_breached")
            .map(|b| b["event_id"].as_str().expect("event_id").to_owned())
            .collect()
    }
}

/// The ids (`{case}#{seq}`) of the breaches in `case`'s history, read through the server.
fn breaches_in(server: &Served, now: &str, token: &str, case: &str) -> BTreeSet<String> {
    let (status, history) = server.send_at(
        now,
        "GET",
        &format!("/api/v1/cases/{case}/history"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{history:#}");
    let events = history["events"]
        .as_array()
        .or_else(|| history.as_array())
        .expect("events")
        .clone();
    events
        .iter()
        .filter(|e| e["type"] == "deadline_breached")
        .map(|e| format!("{case}#{}", e["seq"]))
        .collect()
}

/// Waits (at most a minute) until the receiver has every breach the cases' histories hold at
/// `now`; that set.
fn wait_for_breaches(
    server: &Served,
    receiver: &Receiver,
    now: &str,
    token: &str,
    cases: &[String],
) -> BTreeSet<String> {
    let started = Instant::now();
    loop {
        let expected: BTreeSet<String> = cases
            .iter()
            .flat_map(|c| breaches_in(server, now, token, c))
            .collect();
        let got = receiver.breaches();
        if !expected.is_empty() && expected.is_subset(&got) {
            return expected;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "breaches expected {expected:?}, received {got:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `openssl`'s HMAC-SHA256 of `timestamp.body` under `secret`, as a receiver computes it.
pub(crate) fn openssl_signature(secret: &str, timestamp: &str, body: &str) -> String {
    let mut child = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", secret, "-r"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("openssl");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{timestamp}.{body}").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("openssl output");
    let text = String::from_utf8_lossy(&out.stdout);
    format!("v1={}", text.split_whitespace().next().expect("digest"))
}

#[test]
fn a_receiver_gets_every_breach_of_a_month_once_by_id_signed_across_a_restart() {
    let env = env();
    let receiver = Receiver::start(1);
    // Added while no server runs; its secret is shown this once.
    let added: Value = serde_json::from_str(&env.ok(&[
        "webhook",
        "add",
        &receiver.url,
        "--events",
        "deadline_breached,case_opened",
        "--json",
        "--now",
        T0,
    ]))
    .expect("JSON");
    let secret = added["secret"].as_str().expect("secret").to_owned();
    let endpoint = added["id"].as_str().expect("id").to_owned();
    assert_eq!(secret.len(), "whsec_".len() + 64, "{added:#}");
    // Listed without it.
    let listed = env.ok(&["webhook", "list", "--json", "--now", T0]);
    assert!(
        listed.contains(&receiver.url) && !listed.contains(&secret),
        "{listed}"
    );
    // Nor is it in the access log, which records that it was added.
    let audit = env.ok(&["audit", "--json", "--now", T0]);
    assert!(
        audit.contains("webhook:add") && !audit.contains(&secret),
        "{audit}"
    );

    // Four children in entrusted care, each with a weekly contact that lapses a week after
    // its agreement: signed on 23 and 24 November, 2 and 7 December.
    let cases: Vec<String> = [
        T0,
        "2026-11-24T10:00:00+08:00",
        "2026-12-02T10:00:00+08:00",
        "2026-12-07T10:00:00+08:00",
    ]
    .iter()
    .map(|signed| {
        let id = env.open_xiaoming(T0);
        env.sign_agreement(&id, signed);
        id
    })
    .collect();
    let (admin, _) = token(&env, &[]);

    // A first server a week and a half on: the first breaches fire and go out; the very first
    // POST is answered 500 and sent again under its id.
    let mid = "2026-12-03T12:00:00+08:00";
    let first = Served::start_with(&env, &["--now", mid]);
    let before = wait_for_breaches(&first, &receiver, mid, &admin, &cases);
    first.kill();
    drop(first);

    // Started again at the end of the month: nothing lost, every later breach too.
    let end = "2026-12-23T12:00:00+08:00";
    let second = Served::start_with(&env, &["--now", end]);
    let all = wait_for_breaches(&second, &receiver, end, &admin, &cases);
    assert!(
        before.is_subset(&all) && all.len() > before.len(),
        "{before:?} {all:?}"
    );
    // The refused first POST comes again, under the same delivery id, after its back-off.
    let first_id = receiver.got()[0].headers["wardflow-delivery"].clone();
    let count = |id: &str| {
        receiver
            .got()
            .iter()
            .filter(|r| r.headers["wardflow-delivery"] == id)
            .count()
    };
    let started = Instant::now();
    while count(&first_id) < 2 {
        assert!(started.elapsed() < Duration::from_secs(60), "no retry");
        std::thread::sleep(Duration::from_millis(100));
    }
    second.stop();

    let got = receiver.got();
    // Each delivery id is one event: de-duplicated by id, each breach exactly once.
    let mut by_delivery: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &got {
        let body: Value = serde_json::from_str(&r.body).expect("JSON body");
        assert_eq!(
            r.headers.get("wardflow-delivery").map(String::as_str),
            body["delivery_id"].as_str()
        );
        by_delivery
            .entry(body["delivery_id"].as_str().expect("id").to_owned())
            .or_default()
            .insert(body["event_id"].as_str().expect("event").to_owned());
        // Ids and kinds only: nothing of the child or the carer.
        for name in ["小明", "王奶奶", "2018-05-01"] {
            assert!(!r.body.contains(name), "{}", r.body);
        }
    }
    assert!(by_delivery.values().all(|events| events.len() == 1));
    let breach_events: Vec<&String> = by_delivery
        .values()
        .flatten()
        .filter(|e| all.contains(*e))
        .collect();
    assert_eq!(breach_events.len(), all.len(), "{by_delivery:?}");
    // The opening of each case went out too.
    let opened: BTreeSet<String> = got
        .iter()
        .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
        .filter(|b| b["kind"] == "case_opened")
        .map(|b| b["case"].as_str().expect("case").to_owned())
        .collect();
    assert_eq!(opened, cases.iter().cloned().collect());

    // Every signature verifies with the endpoint's secret (as openssl computes it) and fails
    // with another.
    for r in &got {
        let timestamp = &r.headers["wardflow-timestamp"];
        let signature = &r.headers["wardflow-signature"];
        assert_eq!(
            signature,
            &openssl_signature(&secret, timestamp, &r.body),
            "{r:?}"
        );
        let other = "whsec_0000000000000000000000000000000000000000000000000000000000000000";
        assert_ne!(signature, &openssl_signature(other, timestamp, &r.body));
    }

    // The delivery log: every delivery delivered, the first after two attempts.
    let log: Value = serde_json::from_str(&env.ok(&[
        "webhook",
        "deliveries",
        "--endpoint",
        &endpoint,
        "--limit",
        "1000",
        "--json",
        "--now",
        end,
    ]))
    .expect("JSON");
    let log = log.as_array().expect("array");
    assert_eq!(log.len(), by_delivery.len(), "{log:#?}");
    assert!(log.iter().all(|d| d["status"] == "delivered"), "{log:#?}");
    let refused = log
        .iter()
        .find(|d| d["id"] == first_id.as_str())
        .expect("the first delivery");
    assert!(refused["attempts_made"].as_u64() >= Some(2), "{refused:#}");
    assert_eq!(refused["attempts"][0]["status"], 500, "{refused:#}");

    // A replay sends the same delivery again, under its id, once a server runs.
    let sent = count(&first_id);
    env.ok(&["webhook", "replay", &first_id, "--now", end]);
    let third = Served::start_with(&env, &["--now", end]);
    let started = Instant::now();
    while count(&first_id) == sent {
        assert!(started.elapsed() < Duration::from_secs(60), "no replay");
        std::thread::sleep(Duration::from_millis(100));
    }
    third.stop();
}

#[test]
fn only_administrators_configure_webhooks_and_bad_ones_are_refused() {
    let env = env();
    // A police officer may not.
    for args in [
        vec!["webhook", "list", "--now", T0],
        vec!["webhook", "add", "https://hooks.example/in", "--now", T0],
    ] {
        env.wardflow(args).user("李四").refused();
    }
    env.en()
        .fails(&["webhook", "add", "ftp://x", "--now", T0], 2);
    let bad = env.en().fails(
        &[
            "webhook",
            "add",
            "https://x/",
            "--events",
            "case_closed",
            "--now",
            T0,
        ],
        2,
    );
    assert!(
        bad.contains("case_closed") && bad.contains("deadline_breached"),
        "{bad}"
    );
    env.en()
        .fails(&["webhook", "remove", "wh9", "--now", T0], 2);
    env.en()
        .fails(&["webhook", "replay", "wh9.1", "--now", T0], 2);
    // Added, listed, removed: a removed endpoint is listed as removed, its secret never.
    let added = env
        .en()
        .ok(&["webhook", "add", "https://hooks.example/in", "--now", T0]);
    let secret = added.lines().last().expect("secret").trim().to_owned();
    assert!(secret.starts_with("whsec_"), "{added}");
    env.en().ok(&["webhook", "remove", "wh1", "--now", T0]);
    let listed = env.en().ok(&["webhook", "list", "--now", T0]);
    assert!(
        listed.contains("removed") && !listed.contains(&secret),
        "{listed}"
    );
    // The secret is kept apart from the case data, in a file only its owner reads.
    let file = env.root().join(format!(
        "{}.webhooks",
        env.db().file_name().expect("name").to_string_lossy()
    ));
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&file)
            .expect("webhooks file")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert!(!env.db_dump().contains("whsec_"));
}

/// Reads server-sent events from `response` until `n` have come: (id, event, data).
fn read_events(
    response: &mut ureq::http::Response<ureq::Body>,
    n: usize,
) -> Vec<(u64, String, Value)> {
    let mut reader = BufReader::new(response.body_mut().as_reader());
    let mut out = Vec::new();
    let (mut id, mut event, mut data) = (None, String::new(), String::new());
    let mut line = String::new();
    while out.len() < n {
        line.clear();
        assert!(
            reader.read_line(&mut line).expect("read") > 0,
            "stream ended"
        );
        let l = line.trim_end();
        if let Some(v) = l.strip_prefix("id:") {
            id = v.trim().parse().ok();
        } else if let Some(v) = l.strip_prefix("event:") {
            event = v.trim().to_owned();
        } else if let Some(v) = l.strip_prefix("data:") {
            data.push_str(v.trim());
        } else if l.is_empty() && !data.is_empty() {
            out.push((
                id.take().expect("id"),
                std::mem::take(&mut event),
                serde_json::from_str(&std::mem::take(&mut data)).expect("JSON data"),
            ));
        }
    }
    out
}

#[test]
fn the_event_stream_gives_the_same_events_and_resumes_after_last_event_id() {
    let env = env();
    let cases: Vec<String> = (0..2).map(|_| env.open_xiaoming(T0)).collect();
    let (admin, _) = token(&env, &[]);
    let server = Served::start(&env);
    let open = |last: Option<u64>| {
        let request = ureq::http::Request::builder()
            .method("GET")
            .uri(format!("{}/api/v1/events", server.url))
            .header("Authorization", format!("Bearer {admin}"));
        let request = match last {
            Some(id) => request.header("Last-Event-ID", id.to_string()),
            None => request,
        };
        server
            .agent()
            .run(request.body(String::new()).expect("request"))
            .expect("stream")
    };
    let mut stream = open(None);
    assert_eq!(stream.status().as_u16(), 200);
    let events = read_events(&mut stream, 2);
    drop(stream);
    assert_eq!(events[0].1, "case_opened");
    assert_eq!(events[0].2["case"], cases[0].as_str());
    assert_eq!(events[1].2["case"], cases[1].as_str());
    assert!(events[0].0 < events[1].0);
    for (_, _, data) in &events {
        assert!(!data.to_string().contains("小明"), "{data}");
    }
    // Resumed after the first: the second comes first.
    let mut again = open(Some(events[0].0));
    let resumed = read_events(&mut again, 1);
    assert_eq!(resumed[0].0, events[1].0);
    // Without a token: refused, as every endpoint.
    let (status, _) = server.send("GET", "/api/v1/events", None, None);
    assert_eq!(status, 401);
    // A stream still open does not keep the server from stopping.
    server.stop();
    drop(again);
}

#[test]
fn webhooks_are_configured_through_the_server_as_embedded() {
    let env = env();
    let (admin, _) = token(&env, &[]);
    let (police, _) = token(&env, &["--for", "李四"]);
    let server = Served::start(&env);
    let remote = |token: &str, args: &[&str]| {
        let mut all: Vec<&str> = vec!["webhook"];
        all.extend(args);
        all.extend(["--server", server.url.as_str(), "--now", T0]);
        env.wardflow(all).var("WARDFLOW_TOKEN", token).run()
    };
    let added = remote(
        &admin,
        &[
            "add",
            "https://hooks.example/in",
            "--events",
            "letter_issued",
            "--json",
        ],
    )
    .success();
    let added: Value = serde_json::from_str(&added.stdout_text()).expect("JSON");
    let secret = added["secret"].as_str().expect("secret").to_owned();
    assert!(
        secret.starts_with("whsec_") && added["id"] == "wh1",
        "{added:#}"
    );
    let listed = remote(&admin, &["list", "--json"]).success().stdout_text();
    assert!(
        listed.contains("letter_issued") && !listed.contains(&secret),
        "{listed}"
    );
    // A police officer is refused, as embedded.
    assert_eq!(remote(&police, &["list"]).code(), Some(1));
    assert_eq!(remote(&admin, &["remove", "wh7"]).code(), Some(2));
    remote(&admin, &["remove", "wh1"]).success();
    let log = remote(&admin, &["deliveries", "--json"])
        .success()
        .stdout_text();
    assert_eq!(
        serde_json::from_str::<Value>(&log).expect("JSON"),
        Value::Array(vec![])
    );
    server.stop();
    // The same endpoint, embedded: removed, its secret nowhere.
    let listed = env.en().ok(&["webhook", "list", "--json", "--now", T0]);
    assert!(
        listed.contains("removed_at") && !listed.contains(&secret),
        "{listed}"
    );
}
