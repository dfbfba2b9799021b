//! Published configuration (issue 20) and the stored format (`wardflow db migrate`): what a
//! county publishes into the database (calendars, letters, profiles, units) is what its cases
//! use, whatever files a command is pointed at.

use crate::common;

use common::{T0, TestEnv};

fn add_user(env: &TestEnv, name: &str, role: &str, unit: &str) {
    env.ok(&[
        "user", "add", name, "--role", role, "--unit", unit, "--now", T0,
    ]);
}

#[test]
fn db_migrate_on_a_current_database_does_nothing_and_is_for_administrators() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let dry = env
        .wardflow(["db", "migrate", "--dry-run", "--json"])
        .now(T0)
        .ok();
    let dry: serde_json::Value = serde_json::from_str(&dry).expect("json");
    assert_eq!(dry["from"], dry["to"], "{dry}");
    assert_eq!(dry["steps"], serde_json::json!([]));
    let out = env.wardflow(["db", "migrate"]).now(T0).ok();
    assert!(out.contains("无需迁移"), "{out}");
    add_user(&env, "李娟", "village_committee", "shijia_village");
    env.wardflow(["db", "migrate"])
        .user("李娟")
        .now(T0)
        .refused();
}
