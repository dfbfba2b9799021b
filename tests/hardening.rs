//! Issue 15, end to end: the holes a hostile insider found, each shown closed against the real
//! binary. (Table-shaped bad input lives in `bad_input.rs`; these need more than one command.)

mod common;

use common::{T0, TestEnv};

/// One act whose spawn list is longer than `max_spawns` opens nothing and says why; at the
/// bound it opens every case.
#[test]
fn an_act_spawning_more_than_max_spawns_cases_is_refused_and_opens_none() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let sibling = r#"{"name":"小华","birth_date":"2019-01-01"}"#;
    let siblings = |n: usize| format!("siblings=[{}]", vec![sibling; n].join(","));
    let mut ids = Vec::new();
    for n in [51, 50] {
        let id = env.open_xiaoming(T0);
        env.sign_agreement(&id, T0);
        env.ok(&[
            "case",
            "advance",
            &id,
            "escalate",
            "--as",
            "police",
            "--set",
            "concern=未按时接送",
            "--set",
            &siblings(n),
            "--now",
            T0,
        ]);
        ids.push(id);
    }
    let before = env.ok(&["case", "list", "--json"]);
    let err = env.fails(
        &[
            "case",
            "advance",
            &ids[0],
            "escalate_siblings",
            "--as",
            "civil_affairs",
            "--now",
            T0,
        ],
        1,
    );
    assert!(
        err.contains("51") && err.contains("50") && err.contains("max_spawns"),
        "{err}"
    );
    assert_eq!(before, env.ok(&["case", "list", "--json"]));
    env.ok(&[
        "case",
        "advance",
        &ids[1],
        "escalate_siblings",
        "--as",
        "civil_affairs",
        "--now",
        T0,
    ]);
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "list", "--json"])).expect("JSON");
    // Two parents, their two escalations, and the fifty siblings of the second.
    assert_eq!(list.as_array().map(Vec::len), Some(2 + 2 + 50), "{list}");
}
