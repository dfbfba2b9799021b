//! Calls that are safe to repeat (issue 25): `Idempotency-Key` on every change over the API.
//! A repeat gets the first answer and changes nothing; the same key with another request is
//! refused with its own error; keys are the caller's own and expire; and a server killed
//! between its commit and its answer gives the original answer to the retry, with the act in
//! the history once.

use serde_json::{Value, json};

use crate::common::{T0, TestEnv};
use crate::serve::{Served, env, example, token};

/// An answer: status, whether it was given again from what was stored, body.
struct Answer {
    status: u16,
    replayed: bool,
    body: Value,
}

/// Sends `body` to `path` under idempotency key `key` on the clock `now`; None when the
/// server did not answer.
fn keyed(
    server: &Served,
    now: &str,
    path: &str,
    token: &str,
    key: Option<&str>,
    body: &Value,
) -> Option<Answer> {
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("{}{path}", server.url))
        .header("Wardflow-Now", now)
        .header("Accept-Language", "en")
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json");
    let request = match key {
        Some(k) => request.header("Idempotency-Key", k),
        None => request,
    };
    let request = request.body(body.to_string()).expect("request");
    let mut response = server.agent().run(request).ok()?;
    let status = response.status().as_u16();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true");
    let text = response.body_mut().read_to_string().ok()?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Some(Answer {
        status,
        replayed,
        body,
    })
}

/// The cases the database holds, by the command line.
fn cases(env: &TestEnv) -> Vec<Value> {
    let list: Value =
        serde_json::from_str(&env.ok(&["case", "list", "--json", "--now", T0])).expect("JSON");
    list.as_array().expect("a list").clone()
}

/// How many events of `case`'s history fired `transition`.
fn fired(env: &TestEnv, case: &str, transition: &str) -> usize {
    let history: Value =
        serde_json::from_str(&env.ok(&["case", "history", case, "--json", "--now", T0]))
            .expect("JSON");
    let events = history["events"]
        .as_array()
        .or_else(|| history.as_array())
        .expect("events")
        .clone();
    events
        .iter()
        .filter(|e| e["type"] == "fired" && e["transition"] == transition)
        .count()
}

#[test]
fn a_repeat_under_its_key_gets_the_first_answer_and_changes_nothing() {
    let env = env();
    let (police, _) = token(&env, &["--for", "李四", "--now", T0]);
    let (other, _) = token(&env, &["--for", "王五", "--now", T0]);
    let server = Served::start(&env);
    let open = example("police-open");
    let first = keyed(&server, T0, "/api/v1/cases", &police, Some("PSB-1"), &open).expect("1");
    assert_eq!(
        (first.status, first.replayed),
        (201, false),
        "{}",
        first.body
    );
    let again = keyed(&server, T0, "/api/v1/cases", &police, Some("PSB-1"), &open).expect("2");
    assert_eq!(
        (again.status, again.replayed),
        (201, true),
        "{}",
        again.body
    );
    assert_eq!(again.body, first.body);
    let id = first.body["case"].as_str().expect("case").to_owned();

    // The same key with a different request: refused with its own error, nothing done.
    let mut changed = open.clone();
    changed["set"] = json!(["source=police_found"]);
    let refused = keyed(
        &server,
        T0,
        "/api/v1/cases",
        &police,
        Some("PSB-1"),
        &changed,
    )
    .expect("3");
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.body["kind"], "idempotency_key_reused");
    assert_eq!(refused.body["code"], 2);
    assert_eq!(refused.body["key"], "Idempotency-Key");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("\"PSB-1\" was used for a different request"),
        "{}",
        refused.body
    );
    // A key that is not one.
    let bad = keyed(
        &server,
        T0,
        "/api/v1/cases",
        &police,
        Some("has space"),
        &open,
    )
    .expect("4");
    assert_eq!((bad.status, &bad.body["kind"]), (400, &json!("bad_input")));

    // An advance under a key, sent three times: accepted once.
    let path = format!("/api/v1/cases/{id}/advance");
    let accept = example("police-accept");
    let answers: Vec<Answer> = (0..3)
        .map(|_| keyed(&server, T0, &path, &police, Some("PSB-1-accept"), &accept).expect("5"))
        .collect();
    assert_eq!(answers[0].status, 200, "{}", answers[0].body);
    assert!(
        answers[1..]
            .iter()
            .all(|a| a.replayed && a.body == answers[0].body)
    );

    // Keys are the caller's own: another user's PSB-1 is another key.
    let theirs = keyed(&server, T0, "/api/v1/cases", &other, Some("PSB-1"), &open).expect("6");
    assert_eq!(
        (theirs.status, theirs.replayed),
        (201, false),
        "{}",
        theirs.body
    );
    assert_ne!(theirs.body["case"], first.body["case"]);

    // Kept 7 days by default: a week later the key is forgotten, and the changed request
    // under it is done as a new one.
    let later = "2026-11-30T10:00:01+08:00";
    let renewed = keyed(
        &server,
        later,
        "/api/v1/cases",
        &police,
        Some("PSB-1"),
        &changed,
    )
    .expect("7");
    assert_eq!(
        (renewed.status, renewed.replayed),
        (201, false),
        "{}",
        renewed.body
    );
    server.stop();

    assert_eq!(cases(&env).len(), 3, "one case per request done");
    assert_eq!(fired(&env, &id, "accept_report"), 1);
}

#[test]
fn keys_are_kept_as_long_as_the_server_is_told() {
    let env = env();
    let (police, _) = token(&env, &["--for", "李四", "--now", T0]);
    let server = Served::start_with(&env, &["--idempotency-days", "30"]);
    let open = example("police-open");
    let first = keyed(&server, T0, "/api/v1/cases", &police, Some("k"), &open).expect("1");
    assert_eq!(first.status, 201, "{}", first.body);
    // Three weeks on, the key still stands.
    let later = "2026-12-14T10:00:00+08:00";
    let again = keyed(&server, later, "/api/v1/cases", &police, Some("k"), &open).expect("2");
    assert_eq!(
        (again.status, again.replayed),
        (201, true),
        "{}",
        again.body
    );
    server.stop();
    // Fewer than 7 days is refused before the server starts.
    let short = env.run(&["serve", "--idempotency-days", "3", "--now", T0]);
    assert_eq!(short.status.code(), Some(2));
    assert_eq!(cases(&env).len(), 1);
}

#[test]
fn a_server_killed_between_commit_and_answer_gives_the_original_answer_to_the_retry() {
    let env = env();
    let (police, _) = token(&env, &["--for", "李四", "--now", T0]);
    let faulty = [("WARDFLOW_FAULT", "serve-after-commit")];

    // The open commits, and the server dies before answering.
    let server = Served::start_env(&env, &[], &faulty);
    let open = example("police-open");
    assert!(keyed(&server, T0, "/api/v1/cases", &police, Some("PSB-7"), &open).is_none());
    assert_ne!(server.wait(), Some(0));
    // The retry after a restart (still faulty: a stored answer is given again, not done) gets
    // the original answer.
    let server = Served::start_env(&env, &[], &faulty);
    let retried = keyed(&server, T0, "/api/v1/cases", &police, Some("PSB-7"), &open).expect("1");
    assert_eq!(
        (retried.status, retried.replayed),
        (201, true),
        "{}",
        retried.body
    );
    let id = retried.body["case"].as_str().expect("case").to_owned();
    assert_eq!(retried.body["state"], "reported");
    // The same with an advance.
    let path = format!("/api/v1/cases/{id}/advance");
    let accept = example("police-accept");
    assert!(keyed(&server, T0, &path, &police, Some("PSB-7-accept"), &accept).is_none());
    assert_ne!(server.wait(), Some(0));
    let server = Served::start(&env);
    let retried = keyed(&server, T0, &path, &police, Some("PSB-7-accept"), &accept).expect("2");
    assert_eq!(
        (retried.status, retried.replayed),
        (200, true),
        "{}",
        retried.body
    );
    assert_eq!(retried.body["case"], json!(id));
    server.stop();

    assert_eq!(
        cases(&env).len(),
        1,
        "the retried open opened no second case"
    );
    assert_eq!(
        fired(&env, &id, "accept_report"),
        1,
        "one accept in the history"
    );
}
