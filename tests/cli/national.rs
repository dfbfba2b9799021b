//! The national cryptographic profile (issue 23 item 6), through the real binary: chosen at
//! `init --crypto`, recorded in the database's meta, shown by `init` and `check`.

use crate::common::{T0, TestEnv};
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("json")
}

/// A simulation database of the national profile (a fresh `init`: the shared template is
/// standard).
pub(crate) fn national_env() -> TestEnv {
    let env = TestEnv::new();
    let out = env.ok(&["init", "--simulation", "--crypto", "national", "--now", T0]);
    assert!(
        out.contains("密码配置：国密（national），哈希算法 sm3"),
        "{out}"
    );
    env
}

#[test]
fn init_records_the_chosen_profile_and_check_shows_it() {
    let env = national_env();
    let report = json(&env.ok(&["check", "--json"]));
    assert_eq!(report["crypto"], "national", "{report}");
    assert_eq!(report["ok"], true, "{report}");
    let text = env.en().ok(&["check"]);
    assert!(
        text.contains("cryptographic profile: national, hashes sm3"),
        "{text}"
    );
    // The database is at the format that records the profile: nothing to migrate.
    let dry = json(&env.ok(&["db", "migrate", "--dry-run", "--json"]));
    assert_eq!(dry["to"], 8, "{dry}");
    assert_eq!(dry["from"], dry["to"], "{dry}");

    // The default is standard, as every database made before the choice existed.
    let standard = TestEnv::new();
    let made = json(&standard.ok(&["init", "--simulation", "--now", T0, "--json"]));
    assert_eq!(made["crypto"], "standard", "{made}");
    let report = json(&standard.ok(&["check", "--json"]));
    assert_eq!(report["crypto"], "standard", "{report}");
    // An unknown profile is refused before anything is made.
    let other = TestEnv::new();
    other.fails(&["init", "--simulation", "--crypto", "sm", "--now", T0], 2);
    assert!(!other.db().exists());
}
