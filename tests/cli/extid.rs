//! External ids (issue 25 item 2): `case open … --external-id ID` twice gives one case. The
//! second open says so (exit 0, `"existing": true`); other data under the id is refused; a
//! caller who may not see the case learns only that the id is taken; and concurrent clients of
//! a server sending one id open one case.

use serde_json::{Value, json};

use crate::common::{T0, TestEnv};
use crate::serve::{Served, env, token};

const OPEN: [&str; 6] = [
    "case",
    "open",
    "guardianship-intervention",
    "--as",
    "police",
    "--set",
];

/// `case open` of a mandatory report by 李四 with `extra` arguments.
fn open_args<'a>(source: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = OPEN.to_vec();
    args.push(source);
    args.extend(["--now", T0]);
    args.extend(extra);
    args
}

fn cases(env: &TestEnv) -> Vec<Value> {
    let list: Value =
        serde_json::from_str(&env.ok(&["case", "list", "--json", "--now", T0])).expect("JSON");
    list.as_array().expect("a list").clone()
}

#[test]
fn an_open_repeated_with_its_external_id_gives_the_same_case_and_says_so() {
    let env = env();
    let report = "source=mandatory_report";
    let first: Value = serde_json::from_str(
        &env.wardflow(open_args(
            report,
            &["--external-id", "PSB-2026-0001", "--json"],
        ))
        .user("李四")
        .ok(),
    )
    .expect("JSON");
    let id = first["case"].as_str().expect("case").to_owned();
    assert_eq!(first.get("existing"), None, "{first}");
    assert_eq!(
        first["external"],
        json!({"source": "李四", "id": "PSB-2026-0001"})
    );

    // Again, as JSON: the same case, flagged.
    let again: Value = serde_json::from_str(
        &env.wardflow(open_args(
            report,
            &["--external-id", "PSB-2026-0001", "--json"],
        ))
        .user("李四")
        .ok(),
    )
    .expect("JSON");
    assert_eq!(again["case"], json!(id));
    assert_eq!(again["existing"], json!(true));
    assert_eq!(again["state"], first["state"]);

    // Again, in words: standard output is still the case id; standard error says why.
    let out = env
        .wardflow(open_args(report, &["--external-id", "PSB-2026-0001"]))
        .user("李四")
        .run()
        .success();
    assert_eq!(out.stdout_text().trim(), id);
    assert!(
        out.stderr_text()
            .contains(&format!("已对应案件 {id}：本次未新开案件")),
        "{}",
        out.stderr_text()
    );
    let out = env
        .wardflow(open_args(report, &["--external-id", "PSB-2026-0001"]))
        .user("李四")
        .en()
        .run()
        .success();
    assert!(
        out.stderr_text()
            .contains(&format!("already names case {id}: no case was opened now")),
        "{}",
        out.stderr_text()
    );
    assert_eq!(cases(&env).len(), 1, "one case");

    // `case show` names it, and so does its JSON.
    let shown = env.ok(&["case", "show", &id, "--now", T0]);
    assert!(
        shown.contains("外部编号：PSB-2026-0001（来源 李四）"),
        "{shown}"
    );
    let shown: Value =
        serde_json::from_str(&env.ok(&["case", "show", &id, "--json", "--now", T0])).expect("JSON");
    assert_eq!(shown["external"]["id"], "PSB-2026-0001");
    // The opening event records it: history is the truth.
    let history: Value =
        serde_json::from_str(&env.ok(&["case", "history", &id, "--json", "--now", T0]))
            .expect("JSON");
    let events = history["events"]
        .as_array()
        .or_else(|| history.as_array())
        .expect("events")
        .clone();
    assert_eq!(
        events[0]["external"]["id"], "PSB-2026-0001",
        "{}",
        events[0]
    );

    // Another source may use the same id: another case.
    let other = env
        .wardflow(open_args(
            report,
            &["--external-id", "PSB-2026-0001", "--source", "12345热线"],
        ))
        .user("李四")
        .ok();
    assert_ne!(other.trim(), id);
    assert_eq!(cases(&env).len(), 2);
    // `case list --external-id` finds both (any source), and nothing for another id.
    env.wardflow(open_args(report, &[])).user("李四").ok();
    let found: Value = serde_json::from_str(&env.ok(&[
        "case",
        "list",
        "--external-id",
        "PSB-2026-0001",
        "--json",
        "--now",
        T0,
    ]))
    .expect("JSON");
    let found: Vec<&str> = found
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["case"].as_str())
        .collect();
    assert_eq!(found, [id.as_str(), other.trim()]);
    let none: Value = serde_json::from_str(&env.ok(&[
        "case",
        "list",
        "--external-id",
        "PSB-2026-0002",
        "--json",
        "--now",
        T0,
    ]))
    .expect("JSON");
    assert_eq!(none, json!([]));
}

#[test]
fn other_data_under_an_external_id_is_refused_and_a_caller_who_may_not_see_learns_only_it_is_taken()
{
    let env = env();
    env.ok(&[
        "user",
        "add",
        "赵六",
        "--role",
        "police",
        "--unit",
        "beiguan_police",
        "--now",
        T0,
    ]);
    let id = env
        .wardflow(open_args(
            "source=mandatory_report",
            &["--external-id", "PSB-9", "--source", "公安110"],
        ))
        .user("李四")
        .ok()
        .trim()
        .to_owned();

    // Other data: refused (exit 1), naming the case to one who may see it.
    let said = env
        .wardflow(open_args(
            "source=police_found",
            &["--external-id", "PSB-9", "--source", "公安110", "--json"],
        ))
        .user("李四")
        .en()
        .refused();
    let error: Value = serde_json::from_str(said.trim()).expect("JSON error");
    assert_eq!(error["kind"], "refused", "{error}");
    assert_eq!(error["key"], "--external-id");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!(
                "names case {id}, which was opened with other data"
            )),
        "{error}"
    );

    // Another station's officer under the same source: only that the id is taken.
    let said = env
        .wardflow(open_args(
            "source=mandatory_report",
            &["--external-id", "PSB-9", "--source", "公安110"],
        ))
        .user("赵六")
        .refused();
    assert!(
        said.contains("外部编号（external-id）“PSB-9”在该来源、该流程下已被使用"),
        "{said}"
    );
    assert!(!said.contains(&id), "{said}");
    assert_eq!(cases(&env).len(), 1);

    // Bad input: a space in the id, a source without an id.
    let said = env
        .wardflow(open_args(
            "source=mandatory_report",
            &["--external-id", "PSB 9"],
        ))
        .user("李四")
        .fails(2);
    assert!(said.contains("--external-id"), "{said}");
    env.wardflow(open_args(
        "source=mandatory_report",
        &["--source", "公安110"],
    ))
    .user("李四")
    .fails(2);
}

/// POSTs `body` to open a case with `token`; (status, body).
fn post(server: &Served, token: &str, body: &Value) -> (u16, Value) {
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("{}/api/v1/cases", server.url))
        .header("Wardflow-Now", T0)
        .header("Accept-Language", "en")
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .expect("request");
    let mut response = server.agent().run(request).expect("an answer");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[test]
fn concurrent_clients_of_a_server_sending_one_external_id_open_one_case() {
    let env = env();
    let (police, _) = token(&env, &["--for", "李四", "--now", T0]);
    let (clerk, _) = token(&env, &["--for", "王五", "--now", T0]);
    let server = Served::start(&env);
    let body = json!({
        "workflow": "guardianship-intervention",
        "as": "police",
        "set": ["source=mandatory_report"],
        "external_id": "PSB-2026-0042"
    });
    let answers: Vec<(u16, Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| post(&server, &police, &body)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client"))
            .collect()
    });
    let created: Vec<_> = answers.iter().filter(|(s, _)| *s == 201).collect();
    let existing: Vec<_> = answers.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    assert_eq!(existing.len(), 7, "{answers:?}");
    let id = &created[0].1["case"];
    for (_, answer) in &existing {
        assert_eq!(&answer["case"], id, "{answer}");
        assert_eq!(answer["existing"], json!(true));
    }
    assert_eq!(created[0].1["external"]["source"], "李四");

    // The source is the token's user: 王五 sending the same id opens a case of its own.
    let (status, answer) = post(&server, &clerk, &body);
    assert_eq!(status, 201, "{answer}");
    assert_ne!(&answer["case"], id);

    // Other data under the id: 409, its own kind.
    let mut other = body.clone();
    other["set"] = json!(["source=police_found"]);
    let (status, answer) = post(&server, &police, &other);
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["kind"], "external_id_conflict");
    assert_eq!(answer["code"], 1);
    // A bad id: 400.
    let mut bad = body.clone();
    bad["external_id"] = json!("PSB 42");
    let (status, answer) = post(&server, &police, &bad);
    assert_eq!((status, &answer["kind"]), (400, &json!("bad_input")));
    server.stop();
    assert_eq!(cases(&env).len(), 2, "one case per source");
}

#[test]
fn the_command_line_through_a_server_retries_an_open_with_its_external_id() {
    let env = env();
    let (police, _) = token(&env, &["--for", "李四", "--now", T0]);
    let server = Served::start(&env);
    let url = server.url.clone();
    let through = |extra: &[&str]| {
        let mut args = open_args("source=mandatory_report", &["--external-id", "PSB-77"]);
        args.extend(["--server", url.as_str()]);
        args.extend(extra);
        env.wardflow(args).var("WARDFLOW_TOKEN", &police).run()
    };
    let first = through(&[]).success();
    let id = first.stdout_text().trim().to_owned();
    let again = through(&["--json"]).success();
    let again: Value = serde_json::from_str(&again.stdout_text()).expect("JSON");
    assert_eq!(again["case"], json!(id));
    assert_eq!(again["existing"], json!(true));
    // A source is the token's own through a server.
    let named = through(&["--source", "公安110"]);
    assert_eq!(named.code(), Some(2));
    server.stop();
    assert_eq!(cases(&env).len(), 1);
}
