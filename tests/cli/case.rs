//! The `wardflow case …` commands end to end: every command, every exit code, and the rule
//! that a command that fails changes nothing (checked by `TestEnv::fails` on every failure).

use crate::common;

use common::{T0, TestEnv, json};
use serde_json::Value;

/// Tuesday 24 November 2026, 09:00 Beijing time: the agreement is signed.
const T1: &str = "2026-11-24T09:00:00+08:00";
/// Friday 27 November 2026, 16:00: a contact is logged.
const T2: &str = "2026-11-27T16:00:00+08:00";
/// Tuesday 1 December 2026, 10:00.
const T3: &str = "2026-12-01T10:00:00+08:00";

/// A simulation database with the example workflows published at T0.
fn env() -> TestEnv {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    env
}

/// A simulation database with 小明's case opened at T0 and the agreement signed at T1.
fn entrusted() -> (TestEnv, String) {
    let env = env();
    let id = env.open_xiaoming(T0);
    env.sign_agreement(&id, T1);
    (env, id)
}

fn deadline<'a>(show: &'a Value, name: &str) -> &'a Value {
    show["deadlines"]
        .as_array()
        .expect("deadlines is an array")
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no deadline {name} in {show:#}"))
}

// ----- open -----

#[test]
fn open_prints_only_the_case_id() {
    let env = env();
    let out = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now(T0)
        .ok();
    assert_eq!(out, "2026-000001\n");
    assert_eq!(env.open_xiaoming(T0), "2026-000002");
}

#[test]
fn open_json_is_one_object_with_id_version_state_letters_and_deadlines() {
    let env = env();
    let out = env
        .wardflow(["case", "open", "example-care"])
        .as_role("village_committee")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now(T0)
        .arg("--json")
        .ok();
    let v = json(&out);
    assert!(v.is_object(), "{v:#}");
    assert_eq!(v["case"], "2026-000001");
    assert_eq!(v["workflow"], "example-care");
    assert_eq!(v["state"], "registered");
    assert_eq!(v["version"], 1);
    let hash = v["version_hash"].as_str().expect("version hash");
    assert_eq!(hash.len(), 64, "{hash}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
    // No profile names an issuing body for the village committee: the letter waits, the case
    // opens regardless.
    assert_eq!(v["letters"][0]["key"], "guardian-duty-notice");
    assert!(
        v["letters"][0]["pending"]
            .as_str()
            .is_some_and(|p| p.contains("issuing_bodies.village_committee")),
        "{v:#}"
    );
    // 5 working days from Monday 23 November: 24, 25, 26, 27, 30 → ends 24:00 on the 30th.
    assert_eq!(
        v["deadlines"],
        serde_json::json!([{"name": "arrange_care", "due": "2026-12-01T00:00:00+08:00"}])
    );
}

#[test]
fn open_without_a_required_field_is_refused_naming_it() {
    let env = env();
    let open = || {
        env.wardflow(["case", "open", "example-care"])
            .as_role("parent")
            .set("child.name", "小明")
            .set("child.birth_date", "2018-05-01")
            .now(T0)
    };
    let err = open().refused();
    assert!(err.contains("parent.name（父母姓名）"), "{err}");
    assert_eq!(err, "错误：开案须填写：parent.name（父母姓名）。\n");
    let err = open().en().refused();
    assert_eq!(
        err,
        "error: opening the case needs: parent.name (parent's name).\n"
    );
}

#[test]
fn open_by_a_role_that_may_not_open_is_refused() {
    let env = env();
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("police")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now(T0)
        .refused();
    assert_eq!(
        err,
        "错误：角色 police（公安机关） 无权开立此类案件；有权开案的角色：parent（父母）、village_committee（村（居）民委员会）。\n"
    );
    // The refused opening used up no case number.
    assert_eq!(env.open_xiaoming(T0), "2026-000001");
}

#[test]
fn open_with_an_unknown_role_is_bad_input_with_a_suggestion() {
    let env = env();
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("polise")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now(T0)
        .fails(2);
    assert_eq!(
        err,
        "错误：流程 example-care 中没有角色 `polise`。（是否想输入 police？）\n"
    );
}

#[test]
fn open_of_an_unknown_workflow_is_bad_input() {
    let env = env();
    let err = env
        .wardflow(["case", "open", "example-nope"])
        .as_role("parent")
        .set("child.name", "小明")
        .now(T0)
        .fails(2);
    assert!(err.contains("example-nope"), "{err}");
    let err = env.en().fails(
        &[
            "case",
            "open",
            "example-nope",
            "--as",
            "parent",
            "--now",
            T0,
        ],
        2,
    );
    assert!(
        err.contains("workflow example-nope is not published"),
        "{err}"
    );
}

#[test]
fn open_with_an_impossible_date_names_the_field() {
    let env = env();
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.name", "小明")
        .set("child.birth_date", "2026-02-30")
        .set("parent.name", "李四")
        .now(T0)
        .fails(2);
    assert!(err.contains("child.birth_date（出生日期）"), "{err}");
    assert!(err.contains("2026-02-30"), "{err}");
}

#[test]
fn open_with_an_unknown_field_suggests_the_declared_one() {
    let env = env();
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.nmae", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now(T0)
        .fails(2);
    assert_eq!(
        err,
        "错误：流程中没有字段 `child.nmae`。（是否想输入 child.name？）\n"
    );
}

#[test]
fn set_without_an_equals_sign_is_bad_input() {
    let env = env();
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .args(["--set", "child.name"])
        .now(T0)
        .fails(2);
    assert!(err.contains("「child.name」不是「字段=值」的形式"), "{err}");
}

#[test]
fn a_control_character_in_a_name_is_bad_input() {
    let env = env();
    for name in ["小\u{7}明", "小\u{1b}[31m明", "小\u{0}明"] {
        if name.contains('\0') {
            // An argument cannot hold NUL; the data document can.
            let file = env.write_file(
                "nul.json",
                r#"{"child.name": "小\u0000明", "child.birth_date": "2018-05-01", "parent.name": "李四"}"#,
            );
            let err = env.fails(
                &[
                    "case",
                    "open",
                    "example-care",
                    "--as",
                    "parent",
                    "--data",
                    &file,
                    "--now",
                    T0,
                ],
                2,
            );
            assert!(err.contains("child.name（儿童姓名）含有控制字符"), "{err}");
            continue;
        }
        let set = format!("child.name={name}");
        let err = env
            .wardflow(["case", "open", "example-care"])
            .as_role("parent")
            .args(["--set", &set])
            .set("child.birth_date", "2018-05-01")
            .set("parent.name", "李四")
            .now(T0)
            .fails(2);
        assert_eq!(
            err,
            "错误：字段 child.name（儿童姓名）含有控制字符，请删除后重试。\n"
        );
    }
}

#[test]
fn html_in_a_name_is_stored_and_shown_verbatim() {
    let env = env();
    let name = r#"<script>alert("小明")</script>&amp;<b>"#;
    let set = format!("child.name={name}");
    let id = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .args(["--set", &set])
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now(T0)
        .ok();
    let id = id.trim();
    let show = env.ok(&["case", "show", id]);
    assert!(
        show.contains(&format!("child.name（儿童姓名）: {name}\n")),
        "{show}"
    );
    assert_eq!(env.show_json(id)["data"]["child.name"], name);
    let history = env.ok(&["case", "history", id]);
    assert!(history.contains(name), "{history}");
}

#[test]
fn data_file_takes_nested_and_dotted_keys_and_set_overrides_it() {
    let env = env();
    let file = env.write_file(
        "report.yaml",
        "# 村委会报告\n\
         child:\n  name: 小明\n  birth_date: 2018-05-01\n\
         parent.name: 李四\n\
         carer:\n  relation: grandparent\n\
         contact_channels: [电话, 微信]\n\
         contacts_logged: 0\n\
         siblings:\n  - name: 小红\n    birth_date: 2016-03-01\n    refer: true\n",
    );
    let id = env
        .wardflow(["case", "open", "example-care"])
        .as_role("village_committee")
        .args(["--data", &file])
        .set("parent.name", "王五")
        .now(T0)
        .ok();
    let show = env.show_json(id.trim());
    assert_eq!(
        show["data"],
        serde_json::json!({
            "child.name": "小明",
            "child.birth_date": "2018-05-01",
            "parent.name": "王五",
            "carer.relation": "grandparent",
            "carer.relation_title": "祖父母或者外祖父母",
            "contact_channels": ["电话", "微信"],
            "contacts_logged": 0,
            "siblings": [{"name": "小红", "birth_date": "2016-03-01", "refer": true}],
        })
    );
}

#[test]
fn data_file_with_an_unknown_nested_key_is_bad_input() {
    let env = env();
    let file = env.write_file(
        "report.yaml",
        "child:\n  name: 小明\n  birth_day: 2018-05-01\nparent.name: 李四\n",
    );
    let err = env.fails(
        &[
            "case",
            "open",
            "example-care",
            "--as",
            "parent",
            "--data",
            &file,
            "--now",
            T0,
        ],
        2,
    );
    assert!(err.contains("`child.birth_day`"), "{err}");
    assert!(err.contains("child.birth_date"), "{err}");
}

#[test]
fn data_from_stdin() {
    let env = env();
    let out = env
        .zh()
        .stdin(r#"{"child": {"name": "小明", "birth_date": "2018-05-01"}, "parent.name": "李四"}"#)
        .ok(&[
            "case",
            "open",
            "example-care",
            "--as",
            "parent",
            "--data",
            "-",
            "--now",
            T0,
        ]);
    assert_eq!(out, "2026-000001\n");
    let show = env.show_json("2026-000001");
    assert_eq!(show["data"]["child.name"], "小明");
    assert_eq!(show["data"]["child.birth_date"], "2018-05-01");
    assert_eq!(show["data"]["parent.name"], "李四");
}

#[test]
fn at_in_the_future_is_bad_input() {
    let env = env();
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .args(["--at", "2026-11-23T10:01:00+08:00"])
        .now(T0)
        .fails(2);
    assert_eq!(
        err,
        "错误：行为发生时间（2026-11-23 10:01）不能晚于当前时间。\n"
    );
}

#[test]
fn at_before_the_case_was_opened_is_bad_input() {
    // The history is the legal record: an act cannot have happened before the case existed
    // (here six years before), nor start a deadline that expired long ago.
    let env = env();
    let id = env.open_xiaoming(T0);
    env.wardflow(["case", "advance", &id, "sign_agreement"])
        .as_role("village_committee")
        .set("carer.name", "王奶奶")
        .set("carer.birth_date", "1960-03-02")
        .set("carer.relation", "grandparent")
        .set("departure_at", "2026-11-20T08:00:00+08:00")
        .args(["--at", "2020-01-01T10:00:00+08:00"])
        .now(T1)
        .fails(2);
}

#[test]
fn an_unreadable_time_is_bad_input() {
    let env = env();
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now("yesterday")
        .fails(2);
    assert!(err.contains("--now 的时间「yesterday」无法识别"), "{err}");
}

#[test]
fn now_on_a_real_database_is_bad_input() {
    let env = TestEnv::examples_only();
    env.ok(&["init"]);
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now(T0)
        .fails(2);
    assert!(err.contains("--now 只能用于"), "{err}");
    // Without --now the real clock is used and the case opens.
    let id = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .ok();
    assert!(id.trim().ends_with("-000001"), "{id}");
    // A real database can no more be backdated by init.
    let other = TestEnv::examples_only();
    let err = other.fails(&["init", "--now", T0], 2);
    assert!(err.contains("--now 只能用于"), "{err}");
    assert!(!other.db().exists());
}

#[test]
fn acting_as_system_is_bad_input() {
    let (env, id) = entrusted();
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("system")
        .set("child.name", "小明")
        .set("child.birth_date", "2018-05-01")
        .set("parent.name", "李四")
        .now(T0)
        .fails(2);
    assert_eq!(
        err,
        "错误：角色 system 只供期限执行程序使用，不能用 --as 指定。\n"
    );
    let err = env.fails(
        &[
            "case",
            "advance",
            &id,
            "contact_lapsed",
            "--as",
            "system",
            "--now",
            T2,
        ],
        2,
    );
    assert!(err.contains("system"), "{err}");
}

// ----- advance -----

#[test]
fn advance_prints_the_new_state() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let out = env.sign_agreement(&id, T1);
    assert_eq!(out, "2026-000001 现在的状态：entrusted（委托照护中）\n");
    let out = env.en().ok(&[
        "case",
        "advance",
        &id,
        "log_contact",
        "--as",
        "parent",
        "--now",
        T2,
    ]);
    assert_eq!(
        out,
        "2026-000001 is now in state entrusted (in entrusted care)\n"
    );
    let out = env
        .wardflow(["case", "advance", &id, "find_neglect"])
        .as_role("child_director")
        .set("concern", "无人照看")
        .now(T3)
        .arg("--json")
        .ok();
    let v = json(&out);
    assert_eq!(v["case"], "2026-000001");
    assert_eq!(v["state"], "under_supervision");
    assert!(v["seq"].as_u64().is_some(), "{v:#}");
}

#[test]
fn advance_from_the_wrong_state_names_the_allowed_states() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let err = env.fails(
        &[
            "case",
            "advance",
            &id,
            "log_contact",
            "--as",
            "parent",
            "--now",
            T1,
        ],
        1,
    );
    assert_eq!(
        err,
        "错误：当前状态 registered（已报告备案）不能执行 log_contact（记录联系）；\
         该操作只能在以下状态执行：entrusted（委托照护中）、under_supervision（督促监护中）。\n"
    );
}

#[test]
fn advance_in_the_wrong_role_names_the_allowed_roles() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let err = env
        .wardflow(["case", "advance", &id, "sign_agreement"])
        .as_role("parent")
        .set("carer.name", "王奶奶")
        .set("carer.birth_date", "1960-03-02")
        .set("carer.relation", "grandparent")
        .set("departure_at", "2026-11-20T08:00:00+08:00")
        .now(T1)
        .refused();
    assert_eq!(
        err,
        "错误：角色 parent（父母） 无权执行 sign_agreement（签订委托照护协议）；有权执行的角色：village_committee（村（居）民委员会）。\n"
    );
}

#[test]
fn advance_without_required_fields_names_them() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let err = env
        .wardflow(["case", "advance", &id, "sign_agreement"])
        .as_role("village_committee")
        .set("carer.name", "王奶奶")
        .now(T1)
        .refused();
    assert_eq!(
        err,
        "错误：执行 sign_agreement（签订委托照护协议）前须填写：\
         carer.birth_date（被委托人出生日期）、carer.relation（与儿童关系）、departure_at（外出时间）。\n"
    );
}

/// Signs with the given carer; returns the failing command's stderr (exit 1 expected).
fn sign_refused(env: &TestEnv, id: &str, carer: &[(&str, &str)]) -> String {
    env.wardflow(["case", "advance", id, "sign_agreement"])
        .as_role("village_committee")
        .set("carer.name", "王奶奶")
        .set("carer.relation", "grandparent")
        .set("departure_at", "2026-11-20T08:00:00+08:00")
        .now(T1)
        .sets(carer)
        .refused()
}

#[test]
fn a_disqualified_carer_is_refused_by_the_guard_naming_the_rule() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let err = sign_refused(
        &env,
        &id,
        &[
            ("carer.birth_date", "1960-03-02"),
            ("carer.disqualified", "true"),
        ],
    );
    assert!(
        err.starts_with("错误：不能执行 sign_agreement（签订委托照护协议）："),
        "{err}"
    );
    assert!(
        err.contains("被委托人存在不宜委托情形（未成年人保护法第二十二条）"),
        "{err}"
    );
    assert!(
        err.contains("!has(carer.disqualified) || !carer.disqualified"),
        "{err}"
    );
    assert_eq!(env.show_json(&id)["state"], "registered");
}

#[test]
fn a_carer_under_18_is_refused_by_the_guard_naming_the_rule() {
    let env = env();
    let id = env.open_xiaoming(T0);
    // Turns 18 on 25 November 2026, one day after the signing.
    let err = sign_refused(&env, &id, &[("carer.birth_date", "2008-11-25")]);
    assert!(
        err.contains("被委托人须为成年人（未成年人保护法第二十二条）"),
        "{err}"
    );
    let err = env
        .wardflow(["case", "advance", &id, "sign_agreement"])
        .as_role("village_committee")
        .set("carer.name", "王奶奶")
        .set("carer.relation", "grandparent")
        .set("carer.birth_date", "2008-11-25")
        .set("departure_at", "2026-11-20T08:00:00+08:00")
        .now(T1)
        .en()
        .refused();
    // Under --lang en the rule reads in the workflow's English (`reason_en`), the condition
    // still names the CEL the workflow gives.
    assert!(
        err.starts_with(
            "error: sign_agreement (sign the entrusted care agreement) is refused: the entrusted \
             person must be an adult (Law on the Protection of Minors art. 22)"
        ),
        "{err}"
    );
    assert!(!err.contains("被委托人"), "{err}");
}

#[test]
fn a_carer_who_turns_18_that_day_may_sign() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let out = env
        .wardflow(["case", "advance", &id, "sign_agreement"])
        .as_role("village_committee")
        .set("carer.name", "王姐姐")
        .set("carer.relation", "relative")
        .set("carer.birth_date", "2008-11-24")
        .set("departure_at", "2026-11-20T08:00:00+08:00")
        .now(T1)
        .ok();
    assert!(
        out.starts_with("2026-000001 现在的状态：entrusted"),
        "{out}"
    );
}

#[test]
fn sign_agreement_without_the_deadline_start_field_names_the_transition_not_the_opening() {
    // entrustment_term counts from departure_at, which sign_agreement does not list under
    // requires. Whatever the engine decides, the refusal must be about this transition, not
    // about opening the case.
    let env = env();
    let id = env.open_xiaoming(T0);
    let err = env
        .wardflow(["case", "advance", &id, "sign_agreement"])
        .as_role("village_committee")
        .set("carer.name", "王奶奶")
        .set("carer.birth_date", "1960-03-02")
        .set("carer.relation", "grandparent")
        .now(T1)
        .refused();
    assert!(err.contains("departure_at（外出时间）"), "{err}");
    assert!(!err.contains("开案"), "{err}");
    assert!(err.contains("sign_agreement"), "{err}");
}

#[test]
fn escalate_siblings_without_siblings_is_refused_by_the_guard() {
    let (env, id) = entrusted();
    env.wardflow(["case", "advance", &id, "escalate"])
        .as_role("police")
        .set("concern", "无人照看")
        .now(T2)
        .ok();
    let err = env.fails(
        &[
            "case",
            "advance",
            &id,
            "escalate_siblings",
            "--as",
            "civil_affairs",
            "--now",
            T3,
        ],
        1,
    );
    assert!(err.contains("escalate_siblings"), "{err}");
    assert!(err.contains("size(siblings) > 0"), "{err}");
    let err = env
        .wardflow(["case", "advance", &id, "escalate_siblings"])
        .as_role("civil_affairs")
        .set("siblings", "[]")
        .now(T3)
        .refused();
    assert!(err.contains("size(siblings) > 0"), "{err}");
}

#[test]
fn an_unknown_transition_is_bad_input_with_a_suggestion() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let err = env.fails(
        &[
            "case",
            "advance",
            &id,
            "sign_agreemnt",
            "--as",
            "village_committee",
            "--now",
            T1,
        ],
        2,
    );
    assert_eq!(
        err,
        "错误：流程 example-care 中没有转换 `sign_agreemnt`。可用 `wardflow case next` 查看当前可做的操作。\
         （是否想输入 sign_agreement？）\n"
    );
}

#[test]
fn an_unknown_case_is_bad_input() {
    let env = env();
    env.open_xiaoming(T0);
    let err = env
        .wardflow(["case", "advance", "2026-000099", "close"])
        .as_role("civil_affairs")
        .set("close_reason", "parent_returned")
        .now(T1)
        .fails(2);
    assert_eq!(err, "错误：没有编号为 2026-000099 的案件。\n");
    for cmd in ["show", "history", "next"] {
        let err = env.fails(&["case", cmd, "2026-000099", "--now", T1], 2);
        assert_eq!(err, "错误：没有编号为 2026-000099 的案件。\n", "case {cmd}");
    }
}

#[test]
fn a_malformed_case_id_is_bad_input() {
    let env = env();
    env.open_xiaoming(T0);
    for bad in ["26-1", "2026-1", "../w.redb", "2026-00000a"] {
        let err = env.fails(
            &[
                "case",
                "advance",
                bad,
                "close",
                "--as",
                "civil_affairs",
                "--now",
                T1,
            ],
            2,
        );
        assert!(err.contains("不是案件编号"), "{bad}: {err}");
        let err = env.fails(&["case", "show", bad], 2);
        assert!(err.contains("不是案件编号"), "{bad}: {err}");
    }
}

#[test]
fn a_stale_expect_seq_is_refused_and_a_current_one_passes() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let seq = env.show_json(&id)["seq"].as_u64().expect("seq").to_string();
    assert_eq!(seq, "3");
    let err = env
        .wardflow(["case", "advance", &id, "close"])
        .as_role("civil_affairs")
        .set("close_reason", "parent_returned")
        .args(["--expect-seq", "2"])
        .now(T1)
        .refused();
    assert_eq!(
        err,
        "错误：案件 2026-000001 已有新的记录（当前第 3 条，你查看时是第 2 条）。请重新查看后再操作。\n"
    );
    env.wardflow(["case", "advance", &id, "close"])
        .as_role("civil_affairs")
        .set("close_reason", "parent_returned")
        .args(["--expect-seq", &seq])
        .now(T1)
        .ok();
}

#[test]
fn a_system_transition_fired_by_a_person_is_refused() {
    let (env, id) = entrusted();
    let err = env.fails(
        &[
            "case",
            "advance",
            &id,
            "contact_lapsed",
            "--as",
            "village_committee",
            "--now",
            T2,
        ],
        1,
    );
    assert_eq!(
        err,
        "错误：contact_lapsed（联系中断）只能由期限到期时系统自动执行。\n"
    );
}

#[test]
fn a_closed_case_refuses_every_transition() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let out = env
        .wardflow(["case", "advance", &id, "close"])
        .as_role("civil_affairs")
        .set("close_reason", "parent_returned")
        .now(T1)
        .ok();
    assert_eq!(out, "2026-000001 现在的状态：closed（已结案）\n");
    let show = env.show_json(&id);
    assert_eq!(show["final"], true);
    assert_eq!(show["deadlines"], serde_json::json!([]));
    for (transition, role) in [
        ("close", "civil_affairs"),
        ("sign_agreement", "village_committee"),
    ] {
        let err = env
            .wardflow(["case", "advance", &id, transition])
            .as_role(role)
            .set("close_reason", "parent_returned")
            .now(T2)
            .refused();
        assert_eq!(
            err, "错误：案件已结案（状态：closed（已结案）），不能再办理。\n",
            "{transition}"
        );
    }
    assert_eq!(
        env.ok(&["case", "next", &id, "--now", T2]),
        "当前状态 closed（已结案） 没有可执行的操作。\n"
    );
    assert_eq!(
        json(&env.ok(&["case", "next", &id, "--now", T2, "--json"])),
        serde_json::json!([])
    );
}

#[test]
fn escalate_opens_a_linked_followup_case_shown_from_both_sides() {
    let (env, id) = entrusted();
    let out = env
        .wardflow(["case", "advance", &id, "escalate"])
        .as_role("police")
        .set("concern", "儿童独自在家多日")
        .now(T2)
        .ok();
    assert_eq!(
        out,
        "2026-000001 现在的状态：escalated（已转入监护干预）\n\
         已开立关联案件 2026-000002（example-followup）\n"
    );
    let parent = env.ok(&["case", "show", &id]);
    assert!(
        parent.contains("关联案件：\n  → escalated_from 2026-000002（example-followup）\n"),
        "{parent}"
    );
    let child = env.ok(&["case", "show", "2026-000002"]);
    assert!(
        child.contains("关联案件：\n  ← escalated_from 2026-000001（example-care）\n"),
        "{child}"
    );
    let parent = env.show_json(&id);
    assert_eq!(
        parent["spawned"],
        serde_json::json!([{"case": "2026-000002", "workflow": "example-followup", "link": "escalated_from"}])
    );
    let child = env.show_json("2026-000002");
    assert_eq!(child["workflow"], "example-followup");
    assert_eq!(child["state"], "opened");
    assert_eq!(
        child["origin"],
        serde_json::json!({"case": "2026-000001", "workflow": "example-care", "link": "escalated_from"})
    );
    // `child: child` copies the sub-fields the follow-up declares; `set` adds the source.
    assert_eq!(
        child["data"],
        serde_json::json!({
            "child.name": "小明",
            "child.birth_date": "2018-05-01",
            "source": "entrusted_care",
            "source_title": "委托照护",
        })
    );
    // First visit within 24 hours of the escalation.
    assert_eq!(
        deadline(&child, "first_visit")["due"],
        "2026-11-28T16:00:00+08:00"
    );
    let history = env.ok(&["case", "history", "2026-000002"]);
    assert!(
        history.contains("开案 → opened（已受理），由案件 2026-000001 派生（escalated_from）"),
        "{history}"
    );
    let history = env.ok(&["case", "history", &id]);
    assert!(
        history.contains("开立关联案件 2026-000002（example-followup，escalated_from）"),
        "{history}"
    );
}

#[test]
fn escalate_siblings_opens_one_case_per_sibling() {
    let (env, id) = entrusted();
    env.wardflow(["case", "advance", &id, "escalate"])
        .as_role("village_committee")
        .set("concern", "无人照看")
        .now(T2)
        .ok();
    let out = env.wardflow(["case", "advance", &id, "escalate_siblings"]).as_role("civil_affairs").set(
            "siblings",
            r#"[{"name":"小红","birth_date":"2016-03-01","refer":true},{"name":"小刚","birth_date":"2020-07-15","refer":true},{"name":"小芳","birth_date":"2021-01-01","refer":false}]"#,
        ).now(T3).ok();
    assert_eq!(
        out,
        "2026-000001 现在的状态：escalated（已转入监护干预）\n\
         已开立关联案件 2026-000003（example-followup）\n\
         已开立关联案件 2026-000004（example-followup）\n"
    );
    for (case, name, birth) in [
        ("2026-000003", "小红", "2016-03-01"),
        ("2026-000004", "小刚", "2020-07-15"),
    ] {
        let child = env.show_json(case);
        assert_eq!(child["data"]["child.name"], name);
        assert_eq!(child["data"]["child.birth_date"], birth);
        assert_eq!(child["data"]["source"], "entrusted_care");
        assert_eq!(child["origin"]["case"], "2026-000001");
        assert_eq!(child["origin"]["link"], "sibling_of");
    }
    let parent = env.show_json(&id);
    let links: Vec<(&str, &str)> = parent["spawned"]
        .as_array()
        .expect("spawned")
        .iter()
        .map(|l| {
            (
                l["case"].as_str().expect("case"),
                l["link"].as_str().expect("link"),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("2026-000002", "escalated_from"),
            ("2026-000003", "sibling_of"),
            ("2026-000004", "sibling_of"),
        ]
    );
    let list = json(&env.ok(&["case", "list", "--workflow", "example-followup", "--json"]));
    assert_eq!(list.as_array().map(Vec::len), Some(3), "{list:#}");
}

// ----- amend -----

#[test]
fn amend_with_a_reason_records_an_event() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let out = env
        .wardflow(["case", "amend", &id])
        .as_role("parent")
        .set("parent.name", "李五")
        .args(["--reason", "登记时笔误"])
        .now(T1)
        .ok();
    assert_eq!(out, "已更正案件 2026-000001（第 4 条记录）\n");
    let show = env.show_json(&id);
    assert_eq!(show["data"]["parent.name"], "李五");
    assert_eq!(show["state"], "registered");
    assert_eq!(show["seq"], 4);
    let history = env.ok(&["case", "history", &id]);
    assert!(
        history.contains(
            "#4   2026-11-24 09:00  张三（parent）  更正数据；理由：登记时笔误\n       parent.name（父母姓名） = 李四 → 李五\n"
        ),
        "{history}"
    );
    // The original value stays in the history.
    assert!(
        history.contains("parent.name（父母姓名） = 李四"),
        "{history}"
    );
    let events = json(&env.ok(&["case", "history", &id, "--json"]));
    let last = events.as_array().and_then(|e| e.last()).expect("events");
    assert_eq!(last["type"], "amended");
    assert_eq!(last["reason"], "登记时笔误");
    assert_eq!(last["changes"], serde_json::json!({"parent.name": "李五"}));
    assert_eq!(last["previous"], serde_json::json!({"parent.name": "李四"}));
}

#[test]
fn amend_without_a_reason_is_bad_input() {
    let env = env();
    let id = env.open_xiaoming(T0);
    env.wardflow(["case", "amend", &id])
        .as_role("parent")
        .set("parent.name", "李五")
        .now(T1)
        .fails(2);
    for blank in ["", "   "] {
        let err = env
            .wardflow(["case", "amend", &id])
            .as_role("parent")
            .set("parent.name", "李五")
            .args(["--reason", blank])
            .now(T1)
            .fails(2);
        assert_eq!(err, "错误：更正必须用 --reason 说明理由。\n");
    }
}

#[test]
fn amend_with_nothing_to_change_is_bad_input() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let err = env.fails(
        &[
            "case", "amend", &id, "--as", "parent", "--reason", "无", "--now", T1,
        ],
        2,
    );
    assert_eq!(err, "错误：更正至少要用 --set 或 --data 修改一个字段。\n");
}

// ----- list, history, next -----

#[test]
fn list_filters_by_workflow_and_state_and_json_is_an_array() {
    let (env, id) = entrusted();
    env.open_xiaoming(T1);
    env.wardflow(["case", "advance", &id, "escalate"])
        .as_role("police")
        .set("concern", "无人照看")
        .now(T2)
        .ok();
    // A table: columns as wide as the longest workflow key and state of the published
    // workflows (with its title), so rows stream out aligned.
    const HEAD: &str = "案件编号     流程              状态                             最后更新\n\
                        -----------  ----------------  -------------------------------  ----------------\n";
    let all = env.ok(&["case", "list"]);
    assert_eq!(
        all,
        format!(
            "{HEAD}\
             2026-000001  example-care      escalated（已转入监护干预）      2026-11-27 16:00\n\
             2026-000002  example-care      registered（已报告备案）         2026-11-24 09:00\n\
             2026-000003  example-followup  opened（已受理）                 2026-11-27 16:00\n"
        )
    );
    let care = env.ok(&["case", "list", "--workflow", "example-care"]);
    assert_eq!(care.lines().count(), 2 + 2, "{care}");
    assert!(!care.contains("example-followup"), "{care}");
    let escalated = env.ok(&["case", "list", "--state", "escalated"]);
    assert_eq!(
        escalated,
        format!(
            "{HEAD}2026-000001  example-care      escalated（已转入监护干预）      2026-11-27 16:00\n"
        )
    );
    let both = env.ok(&[
        "case",
        "list",
        "--workflow",
        "example-care",
        "--state",
        "registered",
    ]);
    assert_eq!(
        both,
        format!(
            "{HEAD}2026-000002  example-care      registered（已报告备案）         2026-11-24 09:00\n"
        )
    );
    let none = env.ok(&[
        "case",
        "list",
        "--workflow",
        "example-followup",
        "--state",
        "closed",
    ]);
    assert_eq!(none, "没有符合条件的案件。\n");

    let list = json(&env.ok(&["case", "list", "--json"]));
    let items = list.as_array().expect("case list --json is an array");
    assert_eq!(items.len(), 3);
    for item in items {
        for key in [
            "case",
            "workflow",
            "state",
            "opened_at",
            "updated_at",
            "seq",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
    }
    let empty = json(&env.ok(&["case", "list", "--state", "closed", "--json"]));
    assert_eq!(empty, serde_json::json!([]));
    let filtered = json(&env.ok(&["case", "list", "--workflow", "example-followup", "--json"]));
    assert_eq!(filtered[0]["case"], "2026-000003");
}

#[test]
fn history_shows_both_times_when_at_was_used() {
    let (env, id) = entrusted();
    env.ok(&[
        "case",
        "advance",
        &id,
        "log_contact",
        "--as",
        "parent",
        "--note",
        "电话联系，孩子一切正常",
        "--at",
        "2026-11-27T15:00:00+08:00",
        "--now",
        T2,
    ]);
    let history = env.ok(&["case", "history", &id]);
    assert!(
        history.contains(
            "#8   发生于 2026-11-27 15:00（记录于 2026-11-27 16:00）  张三（parent）  \
             log_contact（记录联系）：entrusted → entrusted（委托照护中）；备注：电话联系，孩子一切正常\n"
        ),
        "{history}"
    );
    let history = env.en().ok(&["case", "history", &id]);
    assert!(
        history.contains("occurred 2026-11-27 15:00 (recorded 2026-11-27 16:00)"),
        "{history}"
    );
    let events = json(&env.ok(&["case", "history", &id, "--json"]));
    let fired = events
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["transition"] == "log_contact")
        .expect("log_contact event");
    assert_eq!(fired["occurred_at"], "2026-11-27T15:00:00+08:00");
    assert_eq!(fired["recorded_at"], "2026-11-27T16:00:00+08:00");
    // Opened without --at: one time only.
    assert!(
        history.starts_with("#1   2026-11-23 10:00  张三 (parent)  opened → registered"),
        "{history}"
    );
}

#[test]
fn next_json_lists_what_can_be_done_with_name_title_to_roles_missing_guard_ok() {
    let (env, id) = entrusted();
    let next = json(&env.ok(&["case", "next", &id, "--now", T2, "--json"]));
    let steps = next.as_array().expect("case next --json is an array");
    let names: Vec<&str> = steps
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    // contact_lapsed is the system's to fire: not offered to people.
    assert_eq!(
        names,
        ["log_contact", "find_neglect", "escalate", "renew", "close"]
    );
    for s in steps {
        for key in ["name", "title", "to", "roles", "missing", "guard_ok"] {
            assert!(s.get(key).is_some(), "{key} missing in {s}");
        }
        assert!(s["guard_ok"].is_boolean(), "{s}");
        assert!(s["roles"].is_array(), "{s}");
        assert!(s["missing"].is_array(), "{s}");
    }
    assert_eq!(steps[1]["title"], "发现照护不力");
    assert_eq!(steps[1]["to"], "under_supervision");
    assert_eq!(
        steps[1]["roles"],
        serde_json::json!(["village_committee", "child_director"])
    );
    assert_eq!(steps[1]["missing"], serde_json::json!(["concern"]));
    assert_eq!(steps[0]["missing"], serde_json::json!([]));
    assert_eq!(steps[0]["guard_ok"], true);

    let text = env.ok(&["case", "next", &id, "--now", T2]);
    assert!(
        text.contains(
            "find_neglect（发现照护不力） → under_supervision（督促监护中）  [village_committee（村（居）民委员会）、child_director（儿童主任）]\n    尚缺：concern（发现的问题）\n"
        ),
        "{text}"
    );
}

#[test]
fn next_json_says_a_guard_does_not_pass_while_its_fields_are_unset() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let next = json(&env.ok(&["case", "next", &id, "--now", T1, "--json"]));
    let sign = next
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["name"] == "sign_agreement")
        .expect("sign_agreement offered");
    assert_eq!(
        sign["missing"],
        serde_json::json!([
            "carer.name",
            "carer.birth_date",
            "carer.relation",
            "departure_at"
        ])
    );
    // `age(carer.birth_date, now) >= 18` cannot pass before carer.birth_date is known.
    assert_eq!(sign["guard_ok"], false, "{sign:#}");
}

// ----- deadlines -----

/// Opens and signs a case at `at`; returns the case's `show --json`.
fn signed_at(env: &TestEnv, at: &str) -> Value {
    let id = env.open_xiaoming(at);
    env.sign_agreement(&id, at);
    env.show_json(&id)
}

#[test]
fn weekly_contact_is_due_at_24_00_beijing_time_of_the_seventh_day_after_signing() {
    let env = TestEnv::examples_only();
    env.init_simulation("2026-11-24T08:00:00+08:00");

    // Signed Tuesday 24 November, 23:30 Beijing time: the 24th is not counted, the 7th day is
    // Tuesday 1 December, and the period ends at 24:00 that day.
    let show = signed_at(&env, "2026-11-24T23:30:00+08:00");
    let weekly = deadline(&show, "weekly_contact");
    assert_eq!(weekly["due"], "2026-12-02T00:00:00+08:00");
    assert_eq!(weekly["every"], "7d");
    assert_eq!(weekly["on_breach"], "contact_lapsed");
    assert_eq!(weekly["provisional"], false);
    assert_eq!(weekly["remind_at"], "2026-12-01T00:00:00+08:00");

    // 00:30 on Wednesday the 25th in Beijing is still the 24th in UTC: the day that is not
    // counted is the Beijing one.
    let show = signed_at(&env, "2026-11-25T00:30:00+08:00");
    assert_eq!(
        deadline(&show, "weekly_contact")["due"],
        "2026-12-03T00:00:00+08:00"
    );

    // Signed Sunday 29 November: the 7th day is Sunday 6 December, a rest day, so the period
    // ends at 24:00 on Monday 7 December (Civil Code art. 203).
    let show = signed_at(&env, "2026-11-29T10:00:00+08:00");
    assert_eq!(
        deadline(&show, "weekly_contact")["due"],
        "2026-12-08T00:00:00+08:00"
    );

    let text = env.ok(&["case", "show", "2026-000001"]);
    assert!(
        text.contains("  weekly_contact（每周联系）: 2026-12-01 24:00 到期\n"),
        "{text}"
    );
}

#[test]
fn entrustment_term_counts_one_year_from_departure_at() {
    let (env, id) = entrusted();
    let show = env.show_json(&id);
    let term = deadline(&show, "entrustment_term");
    // Departure 20 November 2026 → 20 November 2027, a Saturday → Monday 22 November 2027,
    // ending 24:00. 2027 is past the holiday calendar: provisional.
    assert_eq!(term["due"], "2027-11-23T00:00:00+08:00");
    assert_eq!(term["provisional"], true);
    assert_eq!(term["keep"], true);
    assert_eq!(term["title"], "委托期限届满");
    let text = env.ok(&["case", "show", &id]);
    assert!(
        text.contains(
            "  entrustment_term（委托期限届满）: 2027-11-22 24:00 到期（暂定：超出节假日数据范围，按工作日推算）\n"
        ),
        "{text}"
    );
    // The arrange_care deadline of the registered state ended with it.
    let names: Vec<&str> = show["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .map(|d| d["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["entrustment_term", "weekly_contact"]);
    // keep: true survives leaving the state; weekly_contact does not.
    env.wardflow(["case", "advance", &id, "find_neglect"])
        .as_role("village_committee")
        .set("concern", "无人照看")
        .now(T2)
        .ok();
    let show = env.show_json(&id);
    let names: Vec<&str> = show["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .map(|d| d["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["entrustment_term"]);
}

#[test]
fn log_contact_sets_weekly_contact_again_from_the_contact() {
    let (env, id) = entrusted();
    assert_eq!(
        deadline(&env.show_json(&id), "weekly_contact")["due"],
        "2026-12-02T00:00:00+08:00"
    );
    env.ok(&[
        "case",
        "advance",
        &id,
        "log_contact",
        "--as",
        "parent",
        "--at",
        "2026-11-27T15:00:00+08:00",
        "--now",
        T2,
    ]);
    let show = env.show_json(&id);
    let weekly: Vec<&Value> = show["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .filter(|d| d["name"] == "weekly_contact")
        .collect();
    assert_eq!(weekly.len(), 1, "{show:#}");
    // From the contact (Friday 27th, not counted) to Friday 4 December, 24:00.
    assert_eq!(weekly[0]["due"], "2026-12-05T00:00:00+08:00");
    let zh = env.ok(&["case", "history", &id]);
    assert!(zh.contains("取消期限 weekly_contact（已重新设定）"), "{zh}");
    assert!(
        zh.contains("设定期限 weekly_contact（每周联系），2026-12-04 24:00 到期"),
        "{zh}"
    );
    let en = env.en().ok(&["case", "history", &id]);
    assert!(
        en.contains("deadline weekly_contact cancelled (set again)"),
        "{en}"
    );
    let events = json(&env.ok(&["case", "history", &id, "--json"]));
    let cancelled: Vec<&Value> = events
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "deadline_cancelled")
        .collect();
    assert_eq!(
        cancelled.last().map(|e| (&e["name"], &e["reason"])),
        Some((&Value::from("weekly_contact"), &Value::from("replaced")))
    );
}

// ----- the database itself -----

#[test]
fn a_file_that_is_not_a_database_is_a_storage_failure() {
    let env = TestEnv::examples_only();
    std::fs::write(env.db(), "hello\n").expect("write");
    let err = env.fails(&["case", "list"], 5);
    assert!(err.contains("不是 wardflow 数据库"), "{err}");
    let err = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.name", "小明")
        .fails(5);
    assert!(err.contains("不是 wardflow 数据库"), "{err}");
    let err = env
        .en()
        .fails(&["case", "show", "2026-000001", "--json"], 5);
    let v = json(err.trim());
    assert_eq!(v["code"], 5);
    assert_eq!(v["kind"], "storage");
    assert_eq!(std::fs::read(env.db()).expect("read"), b"hello\n");
}

#[test]
fn a_missing_database_says_to_run_init() {
    let env = TestEnv::examples_only();
    let err = env.fails(&["case", "list"], 2);
    assert!(err.contains("请先运行 `wardflow init`"), "{err}");
    let err = env.en().fails(
        &[
            "case",
            "open",
            "example-care",
            "--as",
            "parent",
            "--now",
            T0,
        ],
        2,
    );
    assert!(err.contains("Run `wardflow init` first."), "{err}");
    assert!(!env.db().exists(), "a failed command created the database");
}

#[test]
fn errors_in_json_are_one_object_on_stderr() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let out = env.run(&[
        "case",
        "advance",
        &id,
        "log_contact",
        "--as",
        "parent",
        "--now",
        T1,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.lines().count(), 1, "{err}");
    let v = json(&err);
    assert_eq!(v["code"], 1);
    assert_eq!(v["kind"], "refused");
    assert!(
        v["message"]
            .as_str()
            .is_some_and(|m| m.contains("log_contact")),
        "{v}"
    );
}

#[test]
fn a_busy_database_waits_then_says_so_with_exit_3_and_changes_nothing() {
    let env = env();
    let id = env.open_xiaoming(T0);
    let before = env.db_dump();
    {
        // Another process holding the file: redb's exclusive lock, taken from this test.
        let _held = redb::Database::open(env.db()).expect("test holds the database");
        for args in [
            &["case", "show", id.as_str(), "--lock-timeout", "0.3"][..],
            &[
                "case",
                "advance",
                id.as_str(),
                "close",
                "--as",
                "village_committee",
                "--set",
                "close_reason=parent_returned",
                "--now",
                T1,
                "--lock-timeout",
                "0.3",
            ][..],
        ] {
            let out = env.run(args);
            assert_eq!(out.status.code(), Some(3), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.starts_with("错误：数据库正被另一个 wardflow 命令占用，已等待 0."),
                "{err}"
            );
        }
    }
    assert_eq!(env.db_dump(), before);
    let json_err = env.run(&["case", "list", "--json"]);
    assert_eq!(json_err.status.code(), Some(0));
}

/// Under `--lang en`, `case show`, `case next` and `workflow show` name the workflow, its
/// states, transitions, fields and deadlines by the English titles the workflow gives; Chinese
/// stays the default, and `--json` carries both.
#[test]
fn english_titles_under_lang_en_and_chinese_by_default() {
    let env = env();
    let id = env.open_xiaoming(T0);

    let show = env.en().ok(&["case", "show", &id]);
    for text in [
        "example-care (example: entrusted care, a tour of the workflow language)",
        "registered (reported and registered)",
        "child.name (child's name)",
        "arrange_care (arrange entrusted care)",
    ] {
        assert!(show.contains(text), "{text} in:\n{show}");
    }
    assert!(
        !show.contains("已报告备案") && !show.contains("儿童姓名"),
        "{show}"
    );
    let show = env.ok(&["case", "show", &id]);
    for text in [
        "example-care（示例：委托照护·语言特性演示）",
        "registered（已报告备案）",
        "child.name（儿童姓名）",
        "arrange_care（落实委托照护）",
    ] {
        assert!(show.contains(text), "{text} in:\n{show}");
    }
    assert!(!show.contains("reported and registered"), "{show}");

    let next = env.en().ok(&["case", "next", &id]);
    assert!(
        next.contains(
            "sign_agreement (sign the entrusted care agreement) → entrusted (in entrusted care)"
        ),
        "{next}"
    );
    assert!(
        next.contains("carer.name (entrusted person's name)"),
        "{next}"
    );
    let next = env.ok(&["case", "next", &id]);
    assert!(
        next.contains("sign_agreement（签订委托照护协议） → entrusted（委托照护中）"),
        "{next}"
    );
    assert!(next.contains("carer.name（被委托人姓名）"), "{next}");

    let workflow = env.en().ok(&["workflow", "show", "example-care"]);
    for text in [
        "example-care (example: entrusted care, a tour of the workflow language)",
        "registered (reported and registered) ▶",
        "sign_agreement (sign the entrusted care agreement): registered → entrusted",
        "weekly_contact (weekly contact): every",
        "child.name (child's name)",
    ] {
        assert!(workflow.contains(text), "{text} in:\n{workflow}");
    }
    let workflow = env.ok(&["workflow", "show", "example-care"]);
    assert!(
        workflow.contains("registered（已报告备案） ▶"),
        "{workflow}"
    );
    assert!(!workflow.contains("reported and registered"), "{workflow}");

    // --json keeps its keys and gains the English titles beside them.
    let show = env.show_json(&id);
    assert_eq!(show["state_title"], "已报告备案");
    assert_eq!(show["state_title_en"], "reported and registered");
    assert_eq!(
        show["workflow_title_en"],
        "example: entrusted care, a tour of the workflow language"
    );
    assert_eq!(show["deadlines"][0]["title_en"], "arrange entrusted care");
    let next = json(&env.ok(&["case", "next", &id, "--json"]));
    let sign = next
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["name"] == "sign_agreement"))
        .expect("sign_agreement is open");
    assert_eq!(sign["title"], "签订委托照护协议");
    assert_eq!(sign["title_en"], "sign the entrusted care agreement");
    assert_eq!(sign["to_title_en"], "in entrusted care");
}
