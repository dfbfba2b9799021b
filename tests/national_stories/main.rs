//! The story tests under the national cryptographic profile (issue 23 item 6: "a test runs the
//! story tests under each profile"): the legal stories and the case module of `tests/cli`,
//! run embedded as there, with every database made by `init --crypto national` (the harness
//! adds the flag to each `init`, `common::national`). So every chain the stories write is SM3,
//! every letter digest HMAC-SM3 and every signed export SM2, and each story's checks —
//! states, letters, refusals, `verify` — hold under them too. `tests/cli` runs the same
//! modules under the standard profile.
//!
//! Only these two modules, to keep CI's time: they cover opening, advancing, amending,
//! transfers, reads, lists, letters, deadlines and refusals. Any other module can be run under
//! the national profile by hand: `WARDFLOW_TEST_CRYPTO=national cargo test --test cli MODULE`.

/// Whether the commands go through a server (`tests/served`); here they run embedded.
pub const SERVED: bool = false;

/// Whether the server runs on PostgreSQL (`tests/served_pg`); here it does not.
pub const POSTGRES: bool = false;

/// Whether every database is made under the national cryptographic profile: here it is.
pub const NATIONAL: bool = true;

#[path = "../cli/common/mod.rs"]
#[allow(unused_imports)]
mod common;

#[path = "../cli/case.rs"]
mod case;
#[path = "../cli/legal_stories.rs"]
mod legal_stories;

/// The harness makes this binary's databases national, from a template or fresh, so the
/// stories above run under SM3, HMAC-SM3 and SM2.
#[test]
fn every_database_the_stories_make_here_is_national() {
    let env = common::TestEnv::new();
    env.init_simulation(common::T0);
    let report: serde_json::Value =
        serde_json::from_str(&env.ok(&["check", "--json"])).expect("json");
    assert_eq!(report["crypto"], "national", "{report}");
    let key: serde_json::Value =
        serde_json::from_str(&env.ok(&["key", "show", "--json"])).expect("json");
    assert_eq!(key["algorithm"], "sm2", "{key}");
    let id = env.open_xiaoming(common::T0);
    let history: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "history", &id, "--json"])).expect("json");
    assert_eq!(history[0]["crypto"], "national", "{history}");
}
