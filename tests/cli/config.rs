//! The configuration file: files, then variables, then flags; `config show` says where each
//! setting came from; an unknown key or a bad value names the file, line and key.

use crate::common;

use common::{T0, TestEnv, env, json};
use serde_json::Value;

/// `config show --json` with `WARDFLOW_CONFIG` naming `file`, and more arguments.
fn settings(env: &TestEnv, file: &str, extra: &[&str]) -> Vec<Value> {
    let out = env
        .wardflow(["config", "show", "--json"])
        .args(extra.iter().copied())
        .var("WARDFLOW_CONFIG", file)
        .ok();
    json(&out).as_array().expect("an array").clone()
}

fn setting<'a>(all: &'a [Value], key: &str) -> &'a Value {
    all.iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no setting {key}: {all:?}"))
}

#[test]
fn a_file_fills_what_no_variable_or_flag_gives_and_config_show_says_where_from() {
    let env = TestEnv::examples_only();
    let file = env.write_file(
        "wardflow.toml",
        "lock_timeout = 2\nprofiles = \"/srv/profiles\"\ndb = \"/srv/w.redb\"\n\n[server]\nlisten = \"127.0.0.1:8443\"\n",
    );
    let all = settings(&env, &file, &[]);
    let timeout = setting(&all, "lock_timeout");
    assert_eq!(timeout["value"], "2");
    assert_eq!(timeout["source"], "file");
    assert_eq!(timeout["file"], file.as_str());
    assert_eq!(setting(&all, "profiles")["value"], "/srv/profiles");
    // The harness sets WARDFLOW_DB: the variable wins over the file.
    let db = setting(&all, "db");
    assert_eq!(db["source"], "env");
    assert_eq!(db["variable"], "WARDFLOW_DB");
    assert_eq!(setting(&all, "server.listen")["value"], "127.0.0.1:8443");
    assert_eq!(setting(&all, "calendar")["source"], "default");
    assert_eq!(setting(&all, "calendar")["value"], Value::Null);
    // A flag wins over both.
    let all = settings(&env, &file, &["--lock-timeout", "7", "--profiles", "p"]);
    assert_eq!(setting(&all, "lock_timeout")["source"], "flag");
    assert_eq!(setting(&all, "lock_timeout")["value"], "7");
    assert_eq!(setting(&all, "profiles")["value"], "p");
    // The table, in Chinese.
    let table = env
        .wardflow(["config", "show"])
        .var("WARDFLOW_CONFIG", &file)
        .ok();
    assert!(table.contains("设置"), "{table}");
    assert!(table.contains("lock_timeout"), "{table}");
    assert!(table.contains(&format!("配置文件 {file}")), "{table}");
    assert!(table.contains("环境变量 WARDFLOW_DB"), "{table}");
}

#[test]
fn a_file_setting_takes_effect() {
    let env = env();
    // The profile named in the file is used: an unknown one is refused naming it.
    let file = env.write_file("c.toml", "profile = \"nowhere\"\n");
    let err = env
        .wardflow(["case", "list", "--now", T0])
        .var("WARDFLOW_CONFIG", &file)
        .fails(2);
    assert!(err.contains("nowhere"), "{err}");
}

#[test]
fn unknown_keys_and_bad_values_name_the_file_line_and_key() {
    let env = TestEnv::examples_only();
    let file = env.write_file("c.toml", "lang = \"zh\"\ndatabase = \"w.redb\"\n");
    let err = env
        .wardflow(["config", "show", "--json"])
        .var("WARDFLOW_CONFIG", &file)
        .fails(2);
    let err = json(&err);
    assert_eq!(err["key"], "database", "{err}");
    let message = err["message"].as_str().expect("message");
    assert!(message.contains("c.toml 第 2 行"), "{message}");
    let file = env.write_file("d.toml", "\n\nlock_timeout = \"soon\"\n");
    let err = env
        .wardflow(["config", "show"])
        .en()
        .var("WARDFLOW_CONFIG", &file)
        .fails(2);
    assert!(err.contains("d.toml, line 3"), "{err}");
    assert!(err.contains("`lock_timeout`"), "{err}");
    // A file named in WARDFLOW_CONFIG must exist.
    env.wardflow(["config", "show"])
        .var("WARDFLOW_CONFIG", "missing.toml")
        .fails(2);
}

#[test]
fn the_key_file_setting_names_the_office_key() {
    let env = env();
    let key = env.db().display().to_string() + ".key";
    let file = env.write_file("c.toml", format!("key_file = \"{key}\"\n"));
    let shown = json(
        &env.wardflow(["key", "show", "--json"])
            .var("WARDFLOW_CONFIG", &file)
            .ok(),
    );
    assert!(shown["public_key"].is_string(), "{shown}");
    let other = env.write_file("o.toml", "key_file = \"elsewhere.key\"\n");
    let err = env
        .wardflow(["key", "show"])
        .var("WARDFLOW_CONFIG", &other)
        .fails(2);
    assert!(err.contains("elsewhere.key"), "{err}");
}

#[test]
fn serve_listens_where_the_configuration_file_says_and_wants_both_tls_files() {
    let env = env();
    env.init_simulation(T0);
    // Two ports already taken: `serve` names the one it tried, so we learn which it chose
    // without ever starting a server.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let other = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port();
    let flag_port = other.local_addr().expect("address").port();
    let file = env.write_file(
        "server.toml",
        format!("[server]\nlisten = \"127.0.0.1:{port}\"\n"),
    );
    let serve = |args: &[&str], config: &str| {
        let mut all = vec!["serve"];
        all.extend(args);
        all.extend(["--now", T0]);
        let out = env.wardflow(all).var("WARDFLOW_CONFIG", config).run();
        assert_eq!(out.code(), Some(2), "{}", out.describe());
        out.stderr_text()
    };
    let err = serve(&[], &file);
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    // A flag still wins over the file.
    let flag = format!("127.0.0.1:{flag_port}");
    let err = serve(&["--listen", &flag], &file);
    assert!(err.contains(&flag), "{err}");
    // A certificate without its key is refused.
    let half = env.write_file("half.toml", "[server]\ntls_cert = \"cert.pem\"\n");
    let err = serve(&["--json"], &half);
    assert!(err.contains("server.tls_key"), "{err}");
    drop((taken, other));
}

#[test]
fn a_postgresql_address_in_the_file_is_shown_without_its_password() {
    let env = TestEnv::examples_only();
    let file = env.write_file(
        "wardflow.toml",
        "[server]\ndatabase = \"postgres://wardflow:s3cret-pw@db.example:5432/county\"\n",
    );
    let all = settings(&env, &file, &[]);
    let database = setting(&all, "server.database");
    assert_eq!(database["source"], "file");
    assert_eq!(
        database["value"],
        "postgres://wardflow@db.example:5432/county"
    );
    let table = env
        .wardflow(["config", "show"])
        .var("WARDFLOW_CONFIG", &file)
        .ok();
    assert!(table.contains("server.database"), "{table}");
    assert!(!table.contains("s3cret-pw"), "{table}");
}
