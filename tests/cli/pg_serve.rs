//! `wardflow serve --database postgres://…` (issue 24): the real binary on PostgreSQL, made
//! by `wardflow init --database` in a throwaway cluster (`wardflow_engine::pg::cluster`: initdb
//! and pg_ctl of the system's PostgreSQL 15+, started once for the tests running together).
//! The same requests get the same answers as from a server on redb; two servers on one
//! database with 32 clients lose and double nothing and number cases without gaps; one
//! killed (SIGKILL) mid-load while the other goes on loses nothing it acknowledged; a schema
//! newer than the build is refused. Without PostgreSQL these tests fail, saying what to
//! install: never a silent skip.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use serde_json::{Value, json};
use wardflow_engine::pg::cluster::Cluster;

use crate::common::{T0, TestEnv, json as parse};
use crate::serve::Served;

/// One cluster shared by the tests running at the same time, stopped when the last lets go.
fn cluster() -> Arc<Cluster> {
    static SHARED: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());
    let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(c) = shared.upgrade() {
        return c;
    }
    let c = Arc::new(Cluster::start().unwrap_or_else(|e| panic!("{e}")));
    *shared = Arc::downgrade(&c);
    c
}

/// A simulation database made on PostgreSQL (`init --database`) with the example workflows,
/// and the administrator's API token (`token create --database`).
struct PgEnv {
    env: TestEnv,
    url: String,
    token: String,
    /// Held so the cluster outlives the test's servers.
    _cluster: Arc<Cluster>,
}

fn pg_env(name: &str) -> PgEnv {
    let cluster = cluster();
    let url = cluster.database(name).expect("a new database");
    let env = TestEnv::examples_only();
    env.ok(&["init", "--simulation", "--now", T0, "--database", &url]);
    assert!(!env.db().exists(), "init --database made a redb file");
    let token = token(&env, &url);
    PgEnv {
        env,
        url,
        token,
        _cluster: cluster,
    }
}

/// The administrator's API token, made in the database at `url` (or in the redb file).
fn token(env: &TestEnv, url: &str) -> String {
    let mut args = vec!["token", "create", "--expires", "30d", "--json"];
    if !url.is_empty() {
        args.extend(["--database", url]);
    }
    let out = env.ok(&args);
    parse(&out)["token"].as_str().expect("a token").to_owned()
}

/// The request that opens 小明's case (docs/api.md's shape).
fn open_body() -> Value {
    json!({
        "workflow": "example-care",
        "as": "parent",
        "set": ["child.name=小明", "child.birth_date=2018-05-01", "parent.name=李四"],
    })
}

/// Sends the same requests as the case tests drive and returns every (status, body).
fn told(server: &Served, token: &str) -> Vec<(u16, Value)> {
    let t = Some(token);
    let mut out = vec![server.send("POST", "/api/v1/cases", t, Some(&open_body()))];
    out.push(server.send("POST", "/api/v1/cases", t, Some(&open_body())));
    for path in [
        "/api/v1/cases",
        "/api/v1/cases/2026-000001",
        "/api/v1/cases/2026-000001/history",
        "/api/v1/cases/2026-000001/next",
        "/api/v1/cases/2026-000999",
        "/api/v1/agenda",
        "/api/v1/overdue",
        "/api/v1/letters",
    ] {
        out.push(server.send("GET", path, t, None));
    }
    // A refusal: the wrong role for the workflow's first step.
    let mut wrong = open_body();
    wrong["as"] = json!("no_such_role");
    out.push(server.send("POST", "/api/v1/cases", t, Some(&wrong)));
    out.push(server.send("GET", "/api/v1/cases", Some("wf_not_a_token"), None));
    out
}

#[test]
fn a_server_on_postgresql_answers_every_request_as_a_server_on_redb() {
    let redb = TestEnv::examples_only();
    redb.init_simulation(T0);
    let redb_token = token(&redb, "");
    let on_redb = Served::start(&redb);
    let told_redb = told(&on_redb, &redb_token);
    on_redb.stop();

    let pg = pg_env("same_answers");
    let on_pg = Served::start_with(&pg.env, &["--database", &pg.url]);
    let told_pg = told(&on_pg, &pg.token);
    on_pg.stop();

    assert_eq!(told_redb.len(), told_pg.len());
    for (r, p) in told_redb.iter().zip(&told_pg) {
        assert_eq!(r, p, "redb and PostgreSQL answer differently");
    }
    // The story did something: two cases opened, one refused, an unknown case not found.
    assert_eq!(told_pg[0].0, 201, "{:?}", told_pg[0]);
    assert_eq!(told_pg[1].1["case"], "2026-000002", "{:?}", told_pg[1]);
    assert_eq!(told_pg[6].0, 404, "{:?}", told_pg[6]);
}

/// The case ids the database holds, listed through `server`.
fn listed(server: &Served, token: &str) -> Vec<String> {
    let (status, body) = server.send("GET", "/api/v1/cases?limit=1000", Some(token), None);
    assert_eq!(status, 200, "{body}");
    body.as_array()
        .expect("a list")
        .iter()
        .map(|c| c["case"].as_str().expect("case id").to_owned())
        .collect()
}

/// Case ids 2026-000001 … 2026-00000n.
fn one_to(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("2026-{i:06}")).collect()
}

#[test]
fn two_servers_with_32_clients_lose_and_double_nothing_and_a_killed_one_loses_nothing_acknowledged()
{
    let pg = pg_env("two_servers");
    let args = ["--database", pg.url.as_str(), "--pool-size", "8"];
    let a = Arc::new(Served::start_with(&pg.env, &args));
    let b = Arc::new(Served::start_with(&pg.env, &args));
    let token = Arc::new(pg.token.clone());

    // 32 clients, half on each server, two opens each: every one acknowledged once.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    std::thread::scope(|s| {
        for client in 0..32 {
            let server = if client % 2 == 0 {
                a.clone()
            } else {
                b.clone()
            };
            let (token, acknowledged) = (token.clone(), acknowledged.clone());
            s.spawn(move || {
                for _ in 0..2 {
                    let (status, body) =
                        server.send("POST", "/api/v1/cases", Some(&token), Some(&open_body()));
                    assert_eq!(status, 201, "{body}");
                    let id = body["case"].as_str().expect("case id").to_owned();
                    acknowledged.lock().expect("ids").push(id);
                }
            });
        }
    });
    let mut ids = acknowledged.lock().expect("ids").clone();
    ids.sort();
    assert_eq!(ids, one_to(64), "a case lost, doubled or skipped");
    assert_eq!(listed(&b, &token), one_to(64));

    // Again, and server A is killed (SIGKILL) while its clients are sending: B's clients go on,
    // and every case either server acknowledged is there.
    let acked_by_a = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    std::thread::scope(|s| {
        for client in 0..32 {
            let on_a = client % 2 == 0;
            let server = if on_a { a.clone() } else { b.clone() };
            let (token, acknowledged) = (token.clone(), acknowledged.clone());
            let (acked_by_a, killed) = (acked_by_a.clone(), killed.clone());
            s.spawn(move || {
                for _ in 0..4 {
                    let sent = server.try_send_at(
                        T0,
                        "POST",
                        "/api/v1/cases",
                        Some(&token),
                        Some(&open_body()),
                    );
                    match sent {
                        Some((201, body)) => {
                            let id = body["case"].as_str().expect("case id").to_owned();
                            acknowledged.lock().expect("ids").insert(id);
                            if on_a {
                                acked_by_a.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        // Only the killed server's clients may go unanswered.
                        other => assert!(
                            on_a && killed.load(Ordering::SeqCst),
                            "server B failed a request: {other:?}"
                        ),
                    }
                }
            });
        }
        let (a, acked_by_a, killed) = (a.clone(), acked_by_a.clone(), killed.clone());
        s.spawn(move || {
            // Bounded: at most 30 s for A to acknowledge a few opens first.
            let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while acked_by_a.load(Ordering::SeqCst) < 8 && std::time::Instant::now() < until {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            killed.store(true, Ordering::SeqCst);
            a.kill();
        });
    });
    let held = listed(&b, &token);
    let held_set: BTreeSet<String> = held.iter().cloned().collect();
    let acknowledged = acknowledged.lock().expect("ids").clone();
    let lost: Vec<_> = acknowledged.difference(&held_set).collect();
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    // B's 16 clients had their 4 opens each acknowledged (a failure would have failed the
    // client); A acknowledged at least 8 before it was killed.
    assert!(
        acknowledged.len() >= 64 + 8,
        "acknowledged in the second round: {}",
        acknowledged.len()
    );
    assert!(held.len() >= 64 + acknowledged.len(), "{}", held.len());
    // No case doubled or skipped, even with a server killed mid-command.
    assert_eq!(held, one_to(held.len()));
    Arc::into_inner(b).expect("one owner").stop();
}

#[test]
fn a_server_refuses_a_schema_newer_than_it_knows_and_db_migrate_brings_nothing_new() {
    let pg = pg_env("newer_schema");
    let out = pg
        .env
        .ok(&["db", "migrate", "--database", &pg.url, "--json"]);
    assert_eq!(parse(&out)["steps"], json!([]), "{out}");
    let cluster = cluster();
    cluster
        .psql(
            "newer_schema",
            "INSERT INTO wardflow_schema (number, name) VALUES (999, 'from the future')",
        )
        .expect("stamps a newer schema");
    let refused = pg
        .env
        .wardflow(["serve", "--listen", "127.0.0.1:0"])
        .en()
        .var("WARDFLOW_DATABASE", &pg.url)
        .run();
    assert_eq!(refused.code(), Some(5));
    let err = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(err.contains("999"), "{err}");
    // The address's password would never be shown; the host is.
    assert!(!err.contains("password"), "{err}");
}

/// `verify --json` of the database a server on PostgreSQL at `url` holds (through the server,
/// as on PostgreSQL every command but the database-wide ones goes), exit status ignored.
fn verify_on_postgres(env: &TestEnv, url: &str) -> Value {
    on_postgres(env, url, "verify").1
}

/// `COMMAND --json` (`verify`, `check`) through a server on the database at `url`: its exit
/// code and what it printed.
fn on_postgres(env: &TestEnv, url: &str, command: &str) -> (Option<i32>, Value) {
    let token = token(env, url);
    let server = Served::start_with(env, &["--database", url]);
    let out = env
        .wardflow(["--server", server.url.as_str(), command, "--json"])
        .var("WARDFLOW_TOKEN", &token)
        .run();
    server.stop();
    let said = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    (out.status.code(), said)
}

/// Moving a county (issue 24): a redb database with real content, exported, imported into an
/// empty PostgreSQL database and exported from it gives the same bytes; imported from there
/// into a new redb file and exported, the same bytes again; `verify` says the same of all
/// three. An import into a PostgreSQL database that holds anything is refused as the redb
/// import refuses an existing file, and changes nothing.
#[test]
fn a_county_moves_from_redb_to_postgresql_and_back_byte_for_byte() {
    const T1: &str = "2026-11-23T11:00:00+08:00";
    const T2: &str = "2026-11-23T12:00:00+08:00";
    const T3: &str = "2026-12-20T10:00:00+08:00";
    let env = crate::letter_issue::env();
    // Guardianship cases with letters, one voided; an entrusted-care case; an amendment; a
    // transfer; a user added; the runner's reminders and breaches.
    let a = crate::letter_issue::warning_case(&env);
    let b = crate::letter_issue::warning_case(&env);
    let issue = |case: &str| {
        let out = env.ok(&[
            "letter",
            "issue",
            case,
            "warning-letter",
            "--as",
            "police",
            "--now",
            T1,
            "--json",
        ]);
        parse(&out)["letter"]
            .as_str()
            .expect("letter id")
            .to_owned()
    };
    issue(&a);
    let voided = issue(&b);
    env.ok(&[
        "letter",
        "void",
        &voided,
        "--as",
        "police",
        "--reason",
        "录入错误",
        "--now",
        T2,
    ]);
    let care = env.open_xiaoming(T1);
    env.sign_agreement(&care, T2);
    env.ok(&[
        "case",
        "amend",
        &a,
        "--as",
        "police",
        "--set",
        "child.name=张晓花",
        "--reason",
        "户籍信息更正",
        "--now",
        T2,
    ]);
    env.ok(&[
        "user",
        "add",
        "李四",
        "--role",
        "police",
        "--unit",
        "shijia_police",
        "--now",
        T2,
    ]);
    env.ok(&[
        "case",
        "transfer",
        &b,
        "--to",
        "beiguan_police",
        "--as",
        "police",
        "--now",
        T2,
    ]);
    // A read, logged (and folded into the log's table by the next commit, the tick's).
    env.ok(&["case", "show", &a, "--now", T2]);
    env.ok(&["timers", "tick", "--now", T3]);

    let first = env.ok(&["export", "--plain", "--now", T3]);
    for kind in [
        "\"type\":\"letter\"",
        "\"type\":\"user\"",
        "\"type\":\"published\"",
        "\"type\":\"access\"",
    ] {
        assert!(first.contains(kind), "the export has no {kind}");
    }
    env.write_file("first.jsonl", &first);
    let verified_redb = parse(&env.ok(&["verify", "--json"]));

    // Into PostgreSQL (an empty database: the import makes its schema).
    let cluster = cluster();
    let url = cluster.database("moving_a_county").expect("a new database");
    let done = env.ok(&[
        "import",
        "first.jsonl",
        "--simulation",
        "--database",
        &url,
        "--json",
    ]);
    assert_eq!(
        parse(&done)["imported"]["cases"],
        first.matches("\"type\":\"case\"").count(),
        "{done}"
    );
    let second = env
        .wardflow(["export", "--plain", "--now", T3])
        .var("WARDFLOW_DATABASE", &url)
        .ok();
    assert!(first == second, "the PostgreSQL export differs");

    // An import into a database that holds anything: refused as for an existing redb file
    // (exit 2, naming the database), and nothing changed.
    let refused = env.fails(
        &["import", "first.jsonl", "--simulation", "--database", &url],
        2,
    );
    assert!(refused.contains("已有数据"), "{refused}");
    assert!(!refused.contains("password"), "{refused}");
    let redb_refused = env.fails(&["import", "first.jsonl", "--simulation"], 2);
    assert!(redb_refused.contains("已存在"), "{redb_refused}");
    // (Each export is itself logged: the second logged one entry more than the first held.)
    let unchanged = env.ok(&["export", "--plain", "--database", &url, "--now", T3]);
    let access = "{\"type\":\"access\"";
    let without_log = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with(access))
            .map(str::to_owned)
            .collect()
    };
    assert!(
        without_log(&first) == without_log(&unchanged),
        "a refused import changed the database"
    );
    assert_eq!(
        unchanged.matches(access).count(),
        first.matches(access).count() + 1
    );

    // And back into a new redb file, from the PostgreSQL export written to a file.
    env.ok(&[
        "export",
        "--plain",
        "--database",
        &url,
        "--out",
        "second.jsonl",
        "--now",
        T3,
    ]);
    let back = env.root().join("back.redb");
    let back = back.to_str().expect("utf-8");
    env.ok(&["--db", back, "import", "second.jsonl", "--simulation"]);
    let third = env.ok(&["--db", back, "export", "--plain", "--now", T3]);
    let second = std::fs::read_to_string(env.root().join("second.jsonl")).expect("export file");
    assert!(
        second == third,
        "the export of the redb file imported back differs from the PostgreSQL export"
    );

    // verify agrees on all three.
    let verified_pg = verify_on_postgres(&env, &url);
    let verified_back = parse(&env.ok(&["--db", back, "verify", "--json"]));
    assert_eq!(verified_redb["ok"], true, "{verified_redb}");
    assert_eq!(verified_redb, verified_pg);
    assert_eq!(verified_redb, verified_back);

    // And so does `check`: clean on all three, having looked at the same.
    let checked_redb = parse(&env.ok(&["check", "--json"]));
    let (code, checked_pg) = on_postgres(&env, &url, "check");
    let checked_back = parse(&env.ok(&["--db", back, "check", "--json"]));
    assert_eq!(checked_redb["ok"], true, "{checked_redb}");
    assert!(checked_redb["cases"].as_u64() > Some(2), "{checked_redb}");
    assert_eq!(code, Some(0), "{checked_pg}");
    assert_eq!(checked_redb, checked_pg);
    assert_eq!(checked_redb, checked_back);

    // Planted behind wardflow's back with SQL, each is reported as on redb: a case counter
    // lowered below the ids given out, a document-number counter likewise, an index row
    // removed, a stray one added, an archived letter removed.
    cluster
        .psql(
            "moving_a_county",
            "UPDATE counters SET value = 1 WHERE key = 'case:2026'; \
             UPDATE counters SET value = 0 WHERE key LIKE 'number:%'; \
             DELETE FROM by_unit WHERE case_id = '2026-000002'; \
             INSERT INTO by_state VALUES ('example-care', 'nowhere', '2026-000001'); \
             DELETE FROM letters WHERE id = (SELECT min(id) FROM letters)",
        )
        .expect("plant the faults");
    let (code, planted) = on_postgres(&env, &url, "check");
    assert_eq!(code, Some(4), "{planted}");
    assert_eq!(planted["ok"], false, "{planted}");
    let problems: Vec<&str> = planted["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for said in [
        "2026 年的案件编号计数器为 1",
        "计数器 number:",
        "索引 by_unit 缺少条目",
        "索引 by_state 有多余条目",
        "案件历史记录了该文书，存档中却没有",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(said)),
            "no problem says {said:?}: {problems:#?}"
        );
    }
}

/// The national profile on PostgreSQL (issue 23 item 6): `init --database … --crypto
/// national` records it in the meta record, the server chains every case with SM3 (the hashes
/// recomputed here from `case history --json` alone), `verify` passes, and `db migrate` finds
/// the database current.
#[test]
fn a_national_database_on_postgresql_chains_with_sm3_and_verifies() {
    let cluster = cluster();
    let url = cluster.database("national").expect("a new database");
    let env = TestEnv::examples_only();
    let out = env.ok(&[
        "init",
        "--simulation",
        "--now",
        T0,
        "--database",
        &url,
        "--crypto",
        "national",
    ]);
    assert!(out.contains("国密（national）"), "{out}");
    let token = token(&env, &url);
    let server = Served::start_with(&env, &["--database", &url]);
    let on_server = |args: &[&str]| {
        let mut all = vec!["--server", server.url.as_str()];
        all.extend_from_slice(args);
        env.wardflow(all).var("WARDFLOW_TOKEN", &token).ok()
    };
    let id = on_server(&[
        "case",
        "open",
        "example-care",
        "--as",
        "parent",
        "--set",
        "child.name=小明",
        "--set",
        "child.birth_date=2018-05-01",
        "--set",
        "parent.name=李四",
        "--now",
        T0,
    ])
    .trim()
    .to_owned();
    // The events exactly as hashed: a signed case export's, made and signed by the server.
    on_server(&["case", "export", &id, "--out", "case.json", "--now", T0]);
    let export = parse(&std::fs::read_to_string(env.root().join("case.json")).expect("export"));
    assert_eq!(
        export["signature"]["algorithm"], "sm2",
        "{}",
        export["signature"]
    );
    let case: wardflow_engine::case::CaseId = id.parse().expect("case id");
    let mut head: Option<wardflow_engine::chain::ChainHash> = None;
    for chained in export["content"]["events"].as_array().expect("events") {
        let bytes = wardflow_engine::chain::canonical(&case, head.as_ref(), &chained["event"])
            .expect("canonical");
        let sm3 = wardflow_engine::crypto::Profile::National.digest_hex(&bytes);
        assert_eq!(chained["hash"].as_str(), Some(sm3.as_str()), "{chained}");
        head = Some(wardflow_engine::chain::ChainHash(sm3));
    }
    assert_eq!(
        export["content"]["events"][0]["event"]["crypto"],
        "national"
    );
    let public = parse(&on_server(&["key", "show", "--json"]));
    assert_eq!(public["algorithm"], "sm2", "{public}");
    let key = public["public_key"].as_str().expect("public key");
    let out = env.ok(&["verify", "--file", "case.json", "--key", key]);
    assert!(out.contains("校验通过"), "{out}");
    let verified = parse(&on_server(&["verify", "--json"]));
    server.stop();
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(
        verified["verified"][0]["head"].as_str(),
        head.as_ref().map(|h| h.0.as_str()),
        "{verified}"
    );
    let out = env.ok(&["db", "migrate", "--database", &url, "--json"]);
    assert_eq!(parse(&out)["steps"], json!([]), "{out}");
}

/// Webhooks on PostgreSQL: two servers on one database, each given the same master secret
/// file, deliver every event to a receiver; each delivery id arrives exactly once across both
/// (claimed `FOR UPDATE SKIP LOCKED`), signed with the secret `webhook add` showed. Without the
/// master secret a server refuses to add one, saying what to configure.
#[test]
fn two_servers_on_postgresql_deliver_each_webhook_once_signed_with_the_shown_secret() {
    use crate::outbox::{Receiver, openssl_signature};
    let pg = pg_env("webhooks");
    let receiver = Receiver::start(0);
    // Without the master secret: refused, naming the setting.
    let plain = Served::start_with(&pg.env, &["--database", pg.url.as_str()]);
    let body = json!({"url": receiver.url, "events": ["case_opened"]});
    let (status, refused) = plain.send("POST", "/api/v1/webhooks", Some(&pg.token), Some(&body));
    assert!(
        status == 403 || status == 409 || status == 422,
        "{status} {refused}"
    );
    assert!(
        refused.to_string().contains("webhook_secret_file"),
        "{refused}"
    );
    plain.stop();
    // A master secret file others may read is refused at start.
    let secret_file = pg.env.root().join("webhook.secret");
    std::fs::write(
        &secret_file,
        "a master secret of well over thirty-two bytes\n",
    )
    .expect("write");
    let set_mode = |mode: u32| {
        std::fs::set_permissions(
            &secret_file,
            std::os::unix::fs::PermissionsExt::from_mode(mode),
        )
        .expect("chmod")
    };
    set_mode(0o644);
    let file = secret_file.display().to_string();
    let out = pg
        .env
        .wardflow([
            "serve",
            "--database",
            &pg.url,
            "--webhook-secret-file",
            &file,
        ])
        .en()
        .run();
    assert_eq!(out.code(), Some(2), "{}", out.stderr_text());
    assert!(
        out.stderr_text().contains("chmod 600"),
        "{}",
        out.stderr_text()
    );
    set_mode(0o600);

    let args = [
        "--database",
        pg.url.as_str(),
        "--webhook-secret-file",
        file.as_str(),
    ];
    let a = Served::start_with(&pg.env, &args);
    let b = Served::start_with(&pg.env, &args);
    let (status, added) = a.send("POST", "/api/v1/webhooks", Some(&pg.token), Some(&body));
    assert!(status == 200 || status == 201, "{status} {added}");
    let secret = added["secret"]
        .as_str()
        .expect("secret shown once")
        .to_owned();
    let (_, listed) = b.send("GET", "/api/v1/webhooks", Some(&pg.token), None);
    assert!(
        listed.to_string().contains(&receiver.url) && !listed.to_string().contains(&secret),
        "{listed}"
    );
    // Twenty cases, opened through both servers.
    for i in 0..20 {
        let server = if i % 2 == 0 { &a } else { &b };
        let (status, opened) =
            server.send("POST", "/api/v1/cases", Some(&pg.token), Some(&open_body()));
        assert_eq!(status, 201, "{opened}");
    }
    let expected: BTreeSet<String> = (1..=20).map(|p| format!("wh1.{p}")).collect();
    let started = std::time::Instant::now();
    let delivered = |r: &crate::outbox::Received| r.headers["wardflow-delivery"].clone();
    loop {
        let got: BTreeSet<String> = receiver.got().iter().map(delivered).collect();
        if expected.is_subset(&got) {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "expected {expected:?}, received {got:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // A moment more for a second attempt to show if any server would make one.
    std::thread::sleep(std::time::Duration::from_secs(2));
    a.stop();
    b.stop();
    let got = receiver.got();
    let ids: Vec<String> = got.iter().map(delivered).collect();
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(unique, expected, "{ids:?}");
    assert_eq!(ids.len(), unique.len(), "a delivery sent twice: {ids:?}");
    for r in &got {
        let body: Value = serde_json::from_str(&r.body).expect("JSON body");
        assert_eq!(body["kind"], "case_opened", "{body}");
        assert_eq!(
            body["delivery_id"].as_str(),
            Some(r.headers["wardflow-delivery"].as_str())
        );
        assert_eq!(
            r.headers["wardflow-signature"],
            openssl_signature(&secret, &r.headers["wardflow-timestamp"], &r.body),
            "the signature verifies with the secret `add` showed"
        );
    }
}

/// `check --database` checks a PostgreSQL database from the command line, embedded, as the
/// server's check does: clean, then each planted fault named, the database named by its host
/// and name (never its password), exit 4; a caseworker is refused.
#[test]
fn check_database_checks_a_postgresql_database_on_the_command_line() {
    let pg = pg_env("check_embedded");
    let server = Served::start_with(&pg.env, &["--database", &pg.url]);
    let (status, opened) =
        server.send("POST", "/api/v1/cases", Some(&pg.token), Some(&open_body()));
    assert_eq!(status, 201, "{opened}");
    server.stop();
    let checked = parse(&pg.env.ok(&["check", "--database", &pg.url, "--json"]));
    assert_eq!(checked["ok"], true, "{checked}");
    let said = pg.env.en().ok(&["check", "--database", &pg.url]);
    assert!(said.contains("check passed"), "{said}");
    pg._cluster
        .psql(
            "check_embedded",
            "INSERT INTO by_state VALUES ('example-care', 'nowhere', '2026-000001')",
        )
        .expect("plant a fault");
    let out = pg.env.wardflow(["check", "--database", &pg.url]).run();
    assert_eq!(out.code(), Some(4), "{}", out.stderr_text());
    let stderr = out.stderr_text();
    assert!(stderr.contains("索引 by_state 有多余条目"), "{stderr}");
    assert!(stderr.contains("127.0.0.1"), "{stderr}");
    // Not a PostgreSQL address: bad input, naming it without a password.
    let bad = pg
        .env
        .wardflow(["check", "--database", "mysql://u:pw@h/d"])
        .run();
    assert_eq!(bad.code(), Some(2), "{}", bad.stderr_text());
    assert!(!bad.stderr_text().contains("pw"), "{}", bad.stderr_text());
}
