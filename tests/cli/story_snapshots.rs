//! What a caseworker reads: `case show`, `case history` and `case next`, in Chinese and in
//! English, along one realistic story through example-care:
//!
//! 1. 23 Nov 2026 10:00 — the father 李四 reports that he leaves for work; 小明 (born 2018-05-01).
//! 2. 24 Nov 09:30 — the village committee signs the entrustment agreement with 王奶奶
//!    (born 1960-03-02, grandparent); the father left on 20 Nov at 08:00.
//! 3. 27 Nov — the father's video call at 15:00 is logged at 16:00.
//! 4. 1 Dec 10:00 — the children's director finds that 小明 is left alone.
//! 5. 2 Dec 11:00 — the police escalate; a linked follow-up case opens.

use crate::common;

use common::{T0, TestEnv};

const SIGNED: &str = "2026-11-24T09:30:00+08:00";
const CONTACT_AT: &str = "2026-11-27T15:00:00+08:00";
const CONTACT_LOGGED: &str = "2026-11-27T16:00:00+08:00";
const NEGLECT: &str = "2026-12-01T10:00:00+08:00";
const ESCALATED: &str = "2026-12-02T11:00:00+08:00";
/// When `case next` is asked, after the story.
const LATER: &str = "2026-12-02T15:00:00+08:00";

const CASE: &str = "2026-000001";
const FOLLOWUP: &str = "2026-000002";

/// Runs the story up to and including step `upto` (1–5).
fn story(upto: u8) -> TestEnv {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let id = env.ok(&[
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
    ]);
    assert_eq!(id.trim(), CASE);
    if upto >= 2 {
        env.ok(&[
            "case",
            "advance",
            CASE,
            "sign_agreement",
            "--as",
            "village_committee",
            "--set",
            "carer.name=王奶奶",
            "--set",
            "carer.birth_date=1960-03-02",
            "--set",
            "carer.relation=grandparent",
            "--set",
            "departure_at=2026-11-20 08:00",
            "--now",
            SIGNED,
        ]);
    }
    if upto >= 3 {
        env.ok(&[
            "case",
            "advance",
            CASE,
            "log_contact",
            "--as",
            "parent",
            "--note",
            "视频通话，孩子状态良好",
            "--at",
            CONTACT_AT,
            "--now",
            CONTACT_LOGGED,
        ]);
    }
    if upto >= 4 {
        env.ok(&[
            "case",
            "advance",
            CASE,
            "find_neglect",
            "--as",
            "child_director",
            "--set",
            "concern=照护人生病住院，儿童独自在家",
            "--now",
            NEGLECT,
        ]);
    }
    if upto >= 5 {
        env.ok(&[
            "case", "advance", CASE, "escalate", "--as", "police", "--now", ESCALATED,
        ]);
    }
    env
}

#[test]
fn show_after_the_story() {
    let env = story(5);
    insta::assert_snapshot!("show_zh", env.ok(&["case", "show", CASE]));
    insta::assert_snapshot!("show_en", env.en().ok(&["case", "show", CASE]));
    insta::assert_snapshot!("show_followup_zh", env.ok(&["case", "show", FOLLOWUP]));
    insta::assert_snapshot!("show_followup_en", env.en().ok(&["case", "show", FOLLOWUP]));
}

#[test]
fn show_json_after_the_story() {
    let env = story(5);
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "show", CASE, "--json"])).expect("JSON");
    insta::assert_json_snapshot!("show_json", show);
    let followup: serde_json::Value =
        serde_json::from_str(&env.ok(&["case", "show", FOLLOWUP, "--json"])).expect("JSON");
    insta::assert_json_snapshot!("show_followup_json", followup);
}

#[test]
fn history_after_the_story() {
    let env = story(5);
    insta::assert_snapshot!("history_zh", env.ok(&["case", "history", CASE]));
    insta::assert_snapshot!("history_en", env.en().ok(&["case", "history", CASE]));
    insta::assert_snapshot!(
        "history_followup_zh",
        env.ok(&["case", "history", FOLLOWUP])
    );
}

#[test]
fn next_at_each_stage() {
    let env = story(1);
    insta::assert_snapshot!(
        "next_registered_zh",
        env.ok(&["case", "next", CASE, "--now", SIGNED])
    );
    insta::assert_snapshot!(
        "next_registered_en",
        env.en().ok(&["case", "next", CASE, "--now", SIGNED])
    );

    let env = story(3);
    insta::assert_snapshot!(
        "next_entrusted_zh",
        env.ok(&["case", "next", CASE, "--now", CONTACT_LOGGED])
    );
    insta::assert_snapshot!(
        "next_entrusted_en",
        env.en()
            .ok(&["case", "next", CASE, "--now", CONTACT_LOGGED])
    );

    let env = story(5);
    insta::assert_snapshot!(
        "next_escalated_zh",
        env.ok(&["case", "next", CASE, "--now", LATER])
    );
    insta::assert_snapshot!(
        "next_escalated_en",
        env.en().ok(&["case", "next", CASE, "--now", LATER])
    );
    insta::assert_snapshot!(
        "next_followup_zh",
        env.ok(&["case", "next", FOLLOWUP, "--now", LATER])
    );
}

#[test]
fn next_json_at_each_stage() {
    let json = |env: &TestEnv, case: &str, now: &str| -> serde_json::Value {
        serde_json::from_str(&env.ok(&["case", "next", case, "--now", now, "--json"]))
            .expect("JSON")
    };
    let env = story(1);
    insta::assert_json_snapshot!("next_registered_json", json(&env, CASE, SIGNED));
    let env = story(5);
    insta::assert_json_snapshot!("next_escalated_json", json(&env, CASE, LATER));
}
