//! Processes B (temporary-custody) and C (detained-parent) end to end, through the real binary on
//! a simulation database with an explicit `--now` on every call: one test per story of issue 4,
//! and one test per refusal a caseworker can meet in those stories, showing its message.
//!
//! Case ids are given out in order (2026-000001, …), so a story that spawns cases knows their ids.

use crate::common;

use common::{T0, TestEnv, env, id_number, json, pending_no_body};
use serde_json::{Value, json};

// ----- helpers -----

/// The police's notice on the care of a detained person's children.
const CARE_NOTICE_TITLE: &str = "被羁押人员未成年子女照料安排告知书";

// Process B and C acts list their fields as `key=value` strings.

/// Opens a case; returns its id.
fn open(env: &TestEnv, workflow: &str, role: &str, sets: &[&str], now: &str) -> String {
    let cmd = env.wardflow(["case", "open", workflow]).as_role(role);
    cmd.assign(sets).now(now).ok().trim().to_owned()
}

/// Fires a transition that must succeed; returns stdout.
#[track_caller]
fn advance(env: &TestEnv, id: &str, t: &str, role: &str, sets: &[&str], now: &str) -> String {
    let cmd = env.wardflow(["case", "advance", id, t]).as_role(role);
    cmd.assign(sets).now(now).ok()
}

/// Fires a transition that the workflow's rules must refuse (exit 1, nothing changed); returns
/// stderr.
#[track_caller]
fn refused(env: &TestEnv, id: &str, t: &str, role: &str, sets: &[&str], now: &str) -> String {
    let cmd = env.wardflow(["case", "advance", id, t]).as_role(role);
    cmd.assign(sets).now(now).refused()
}

fn deadline<'a>(show: &'a Value, name: &str) -> &'a Value {
    show["deadlines"]
        .as_array()
        .expect("deadlines is an array")
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no deadline {name} in {show:#}"))
}

fn deadline_names(show: &Value) -> Vec<String> {
    show["deadlines"]
        .as_array()
        .expect("deadlines is an array")
        .iter()
        .map(|d| d["name"].as_str().expect("name").to_owned())
        .collect()
}

fn letter_keys(show: &Value) -> Vec<String> {
    show["letters"]
        .as_array()
        .expect("letters is an array")
        .iter()
        .map(|l| l["key"].as_str().expect("key").to_owned())
        .collect()
}

/// The cases `case list --child KEY` finds.
fn cases_of_child(env: &TestEnv, key: &str) -> Vec<String> {
    json(&env.ok(&["case", "list", "--child", key, "--json"]))
        .as_array()
        .expect("case list --json is an array")
        .iter()
        .map(|c| c["case"].as_str().expect("case").to_owned())
        .collect()
}

/// Asserts a guard refusal: the transition, the rule's reason, and the condition are named.
#[track_caller]
fn assert_guard(err: &str, transition: &str, reason: &str) {
    assert!(
        err.starts_with(&format!("错误：不能执行 {transition}（")),
        "{err}"
    );
    assert!(err.contains(reason), "expected «{reason}» in\n{err}");
    assert!(err.contains("条件："), "{err}");
}

// ----- process B: a street child of unknown identity -----

/// The child's registry id at the rescue-protection institution.
const REGISTRY_ID: &str = "JY-2026-0017";

/// The rescue-protection institution takes in a boy found begging at the station, of unknown
/// identity, at T0 (case 2026-000001).
fn street_child(env: &TestEnv) -> String {
    open(
        env,
        "temporary-custody",
        "institution",
        &[
            "ground=street_or_unknown_identity",
            "ground_details=在火车站广场乞讨，无法说出父母姓名和住址",
            "child.name=小石头（临时称呼）",
            "child.birth_date=2019-06-01",
            "child.birth_date_estimated=true",
            "child.sex=male",
            "child.registry_id=JY-2026-0017",
            "child.address=火车站广场",
        ],
        T0,
    )
}

/// The street child, with the search started and the child placed in the institution.
fn street_child_placed(env: &TestEnv) -> String {
    let id = street_child(env);
    advance(
        env,
        &id,
        "start_parent_search",
        "police",
        &["search.started_at=2026-11-23T10:30:00+08:00"],
        "2026-11-23T11:00:00+08:00",
    );
    advance(
        env,
        &id,
        "place",
        "civil_affairs",
        &[
            "placement.kind=rescue_protection_institution",
            "placement.name=江源区未成年人救助保护中心",
            "placed_at=2026-11-23T12:00:00+08:00",
        ],
        "2026-11-23T12:00:00+08:00",
    );
    id
}

#[test]
fn street_child_search_runs_out_long_term_custody_follows_then_the_child_is_identified() {
    let env = env();
    let id = street_child(&env);
    assert_eq!(id, "2026-000001");
    let show = env.show_json(&id);
    assert_eq!(show["state"], "received");
    assert_eq!(show["data"]["ground"], "street_or_unknown_identity");
    assert!(show["data"].get("child.id_number").is_none(), "never faked");
    // The temporary-custody limit (1 year, a setting) runs from the taking in and is kept
    // through the states of custody; 2027 is beyond the holiday calendar, hence provisional.
    let limit = deadline(&show, "custody_limit");
    assert_eq!(limit["due"], "2027-11-24T00:00:00+08:00");
    assert_eq!(limit["keep"], true);
    assert_eq!(limit["on_breach"], "custody_limit_expired");
    assert_eq!(limit["provisional"], true);

    // The police start searching for the parents at once.
    let out = advance(
        &env,
        &id,
        "start_parent_search",
        "police",
        &["search.started_at=2026-11-23T10:30:00+08:00"],
        "2026-11-23T11:00:00+08:00",
    );
    assert_eq!(out, "2026-000001 现在的状态：received（已接收）\n");
    let show = env.show_json(&id);
    // 6 months from 23 November 2026 end on Sunday 23 May 2027, a rest day: the period ends at
    // 24:00 of the next working day (Civil Code 203).
    let search = deadline(&show, "parent_search");
    assert_eq!(search["due"], "2027-05-25T00:00:00+08:00");
    assert_eq!(search["on_breach"], "parent_search_expired");
    assert_eq!(search["keep"], true);
    assert_eq!(
        show["data"]["search.started_at"],
        "2026-11-23T10:30:00+08:00"
    );

    // Civil affairs places the child in the rescue-protection institution (UPL 93).
    let out = advance(
        &env,
        &id,
        "place",
        "civil_affairs",
        &[
            "placement.kind=rescue_protection_institution",
            "placement.name=江源区未成年人救助保护中心",
            "placed_at=2026-11-23T12:00:00+08:00",
        ],
        "2026-11-23T12:00:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body(
            "临时监护决定书",
            "temporary-custody-notice",
            "civil_affairs",
            &id
        ) + "2026-000001 现在的状态：placed（已安置）\n"
    );
    let show = env.show_json(&id);
    assert_eq!(letter_keys(&show), ["temporary-custody-notice"]);
    assert_eq!(
        deadline_names(&show),
        ["custody_limit", "parent_search"],
        "both limits survive the placement"
    );

    // Six months later nobody has been found: long-term custody (UPL 94 item 1). The guard
    // counts the search's days against the setting (184 days: six calendar months at most).
    let out = advance(
        &env,
        &id,
        "take_long_term_custody_unfound",
        "civil_affairs",
        &[
            "long_term.ground=parents_not_found",
            "long_term.decided_at=2027-05-26T10:00:00+08:00",
        ],
        "2027-05-26T10:00:00+08:00",
    );
    assert_eq!(
        out,
        "2026-000001 现在的状态：long_term_custody（长期监护）\n"
    );
    let show = env.show_json(&id);
    assert_eq!(show["data"]["long_term.ground"], "parents_not_found");
    // The police must register the child's household two years after the search began.
    let registration = deadline(&show, "household_registration");
    assert_eq!(registration["due"], "2028-11-24T00:00:00+08:00");
    assert_eq!(registration["keep"], false);

    // Two years on, still no parent: the police register the household.
    let out = advance(
        &env,
        &id,
        "register_household",
        "police",
        &["household.registered_at=2028-11-24T09:00:00+08:00"],
        "2028-11-24T10:00:00+08:00",
    );
    assert_eq!(
        out,
        "2026-000001 现在的状态：household_registered（长期监护（已登记户口））\n"
    );
    let show = env.show_json(&id);
    assert!(
        !deadline_names(&show).contains(&"household_registration".to_owned()),
        "the registration meets its deadline: {show:#}"
    );

    // The child is identified (DNA match): the identity number is set through `case amend`,
    // with the true birth date it encodes, and the case is then found by it.
    let real = id_number("52262220190412001");
    assert_eq!(real, "52262220190412001X");
    let set_id = format!("child.id_number={real}");
    let out = env.ok(&[
        "case",
        "amend",
        &id,
        "--as",
        "police",
        "--set",
        &set_id,
        "--set",
        "child.birth_date=2019-04-12",
        "--set",
        "child.birth_date_estimated=false",
        "--set",
        "child.name=杨石",
        "--reason",
        "经DNA比对确认身份",
        "--now",
        "2029-03-01T10:00:00+08:00",
    ]);
    assert!(out.starts_with("已更正案件 2026-000001（第 "), "{out}");
    let show = env.show_json(&id);
    assert_eq!(show["data"]["child.id_number"], real.as_str());
    assert_eq!(show["data"]["child.birth_date"], "2019-04-12");
    assert_eq!(show["data"]["child.registry_id"], REGISTRY_ID);
    assert_eq!(show["state"], "household_registered");
    assert_eq!(cases_of_child(&env, &real), ["2026-000001"]);
    assert_eq!(cases_of_child(&env, REGISTRY_ID), ["2026-000001"]);
    let history = env.ok(&["case", "history", &id]);
    assert!(history.contains("经DNA比对确认身份"), "{history}");
}

#[test]
fn the_timers_fire_the_search_and_custody_limits_into_review() {
    let env = env();
    // The street child: the search limit passes first.
    let street = street_child_placed(&env);
    // A child whose guardian is in hospital: no search, only the custody limit.
    let other = open(
        &env,
        "temporary-custody",
        "civil_affairs",
        &[
            "ground=guardian_unable_objective",
            "child.name=陈小月",
            "child.birth_date=2017-08-15",
        ],
        T0,
    );
    advance(
        &env,
        &other,
        "place",
        "civil_affairs",
        &[
            "placement.kind=rescue_protection_institution",
            "placement.name=江源区未成年人救助保护中心",
            "placed_at=2026-11-23T12:00:00+08:00",
        ],
        "2026-11-23T12:00:00+08:00",
    );
    env.ok(&["timers", "tick", "--now", "2027-05-25T10:00:00+08:00"]);
    assert_eq!(env.show_json(&street)["state"], "review_due");
    assert_eq!(env.show_json(&other)["state"], "placed");
    // From the review, civil affairs takes long-term custody once the guard's days have run.
    advance(
        &env,
        &street,
        "take_long_term_custody_unfound",
        "civil_affairs",
        &[
            "long_term.ground=parents_not_found",
            "long_term.decided_at=2027-05-26T10:00:00+08:00",
        ],
        "2027-05-26T10:00:00+08:00",
    );
    assert_eq!(env.show_json(&street)["state"], "long_term_custody");

    env.ok(&["timers", "tick", "--now", "2027-11-25T10:00:00+08:00"]);
    assert_eq!(env.show_json(&other)["state"], "review_due");
    assert_eq!(
        env.show_json(&street)["state"],
        "long_term_custody",
        "the custody limit does not leave long-term custody"
    );
    // Custody goes on, with a reason, for another limit counted from the decision.
    advance(
        &env,
        &other,
        "extend_custody",
        "civil_affairs",
        &["extension_reason=监护人仍在住院治疗，无其他亲属可以照料"],
        "2027-11-25T11:00:00+08:00",
    );
    let show = env.show_json(&other);
    assert_eq!(show["state"], "placed");
    // 25 November 2028 is a Saturday: the year runs to 24:00 on Monday the 27th.
    assert_eq!(
        deadline(&show, "custody_limit")["due"],
        "2028-11-28T00:00:00+08:00"
    );
}

#[test]
fn long_term_custody_before_the_search_has_run_its_course_is_refused() {
    let env = env();
    let id = street_child_placed(&env);
    // 20 May 2027: the six months are not over.
    let err = refused(
        &env,
        &id,
        "take_long_term_custody_unfound",
        "civil_affairs",
        &[
            "long_term.ground=parents_not_found",
            "long_term.decided_at=2027-05-20T10:00:00+08:00",
        ],
        "2027-05-20T10:00:00+08:00",
    );
    assert_guard(
        &err,
        "take_long_term_custody_unfound",
        "公安机关查找父母未满期限，不能认定查找不到父母（地方规定）",
    );
    assert!(
        err.contains("now >= add_period(search.started_at, settings.parent_search_limit)"),
        "{err}"
    );
}

#[test]
fn long_term_custody_for_unfound_parents_by_the_general_route_is_refused() {
    let env = env();
    let id = street_child_placed(&env);
    let err = refused(
        &env,
        &id,
        "take_long_term_custody",
        "civil_affairs",
        &[
            "long_term.ground=parents_not_found",
            "long_term.decided_at=2027-05-26T10:00:00+08:00",
            "long_term.basis=查找无果",
        ],
        "2027-05-26T10:00:00+08:00",
    );
    assert_guard(
        &err,
        "take_long_term_custody",
        "以查找不到父母为由的，须在查找期满后经「查找不到父母，转为长期监护」办理（未成年人保护法第九十四条第一项）",
    );
}

#[test]
fn the_breach_transitions_are_the_timers_alone() {
    let env = env();
    let id = street_child_placed(&env);
    let err = env.fails(
        &[
            "case",
            "advance",
            &id,
            "parent_search_expired",
            "--as",
            "civil_affairs",
            "--now",
            "2027-05-26T10:00:00+08:00",
        ],
        1,
    );
    assert_eq!(
        err,
        "错误：parent_search_expired（查找父母期限届满）只能由期限到期时系统自动执行。\n"
    );
}

#[test]
fn only_the_police_register_a_household() {
    let env = env();
    let id = street_child_placed(&env);
    advance(
        &env,
        &id,
        "take_long_term_custody_unfound",
        "civil_affairs",
        &[
            "long_term.ground=parents_not_found",
            "long_term.decided_at=2027-05-26T10:00:00+08:00",
        ],
        "2027-05-26T10:00:00+08:00",
    );
    let err = refused(
        &env,
        &id,
        "register_household",
        "civil_affairs",
        &["household.registered_at=2028-11-24T09:00:00+08:00"],
        "2028-11-24T10:00:00+08:00",
    );
    assert_eq!(
        err,
        "错误：角色 civil_affairs（民政部门） 无权执行 register_household（登记户口（江源区试点））；有权执行的角色：police（公安机关）。\n"
    );
}

#[test]
fn an_identity_number_that_contradicts_the_recorded_birth_date_is_bad_input() {
    let env = env();
    let id = street_child_placed(&env);
    // The estimated birth date (2019-06-01) is still on file; the number says 2019-04-12.
    let set_id = format!("child.id_number={}", id_number("52262220190412001"));
    let err = env.fails(
        &[
            "case",
            "amend",
            &id,
            "--as",
            "police",
            "--set",
            &set_id,
            "--reason",
            "经DNA比对确认身份",
            "--now",
            "2027-03-01T10:00:00+08:00",
        ],
        2,
    );
    assert!(err.contains("公民身份号码"), "{err}");
    assert!(err.contains("不一致"), "{err}");
    // A number with a wrong check character is refused too.
    let err = env.fails(
        &[
            "case",
            "amend",
            &id,
            "--as",
            "police",
            "--set",
            "child.id_number=522622201904120011",
            "--set",
            "child.birth_date=2019-04-12",
            "--reason",
            "经DNA比对确认身份",
            "--now",
            "2027-03-01T10:00:00+08:00",
        ],
        2,
    );
    assert!(err.contains("child.id_number"), "{err}");
}

#[test]
fn a_search_for_parents_is_only_for_street_children_and_missing_guardians() {
    let env = env();
    let id = open(
        &env,
        "temporary-custody",
        "civil_affairs",
        &[
            "ground=guardian_unable_objective",
            "child.name=王小宝",
            "child.birth_date=2020-05-10",
        ],
        T0,
    );
    let err = refused(
        &env,
        &id,
        "start_parent_search",
        "police",
        &["search.started_at=2026-11-23T10:30:00+08:00"],
        "2026-11-23T11:00:00+08:00",
    );
    assert_guard(
        &err,
        "start_parent_search",
        "仅流浪乞讨、身份不明或监护人下落不明的儿童须查找父母（未成年人保护法第九十二条第一、二项）",
    );
}

#[test]
fn kinship_care_with_an_unsuitable_carer_is_refused_naming_upl_21() {
    let env = env();
    let id = open(
        &env,
        "temporary-custody",
        "civil_affairs",
        &[
            "ground=harmed_by_guardian",
            "child.name=赵小花",
            "child.birth_date=2021-02-14",
            "child.sex=female",
        ],
        T0,
    );
    let kinship = [
        "placement.kind=kinship_care",
        "placement.name=赵小花姑姑家",
        "placed_at=2026-11-23T15:00:00+08:00",
        "carer.name=赵丽",
        "carer.relation=姑姑",
    ];
    let at = "2026-11-23T15:00:00+08:00";
    // No carer recorded at all.
    let err = refused(&env, &id, "place", "civil_affairs", &kinship[..3], at);
    assert_guard(
        &err,
        "place",
        "亲属抚养或家庭寄养须登记照护人姓名和出生日期（未成年人保护法第九十三条）",
    );
    // A carer of 17.
    let mut minor = kinship.to_vec();
    minor.extend(["carer.birth_date=2009-03-01", "carer.full_capacity=true"]);
    let err = refused(&env, &id, "place", "civil_affairs", &minor, at);
    assert_guard(
        &err,
        "place",
        "不得将未成年人交由未成年人照护（未成年人保护法第二十一条）",
    );
    // An adult without full civil capacity.
    let mut incapable = kinship.to_vec();
    incapable.extend(["carer.birth_date=1985-03-01", "carer.full_capacity=false"]);
    let err = refused(&env, &id, "place", "civil_affairs", &incapable, at);
    assert_guard(
        &err,
        "place",
        "不得将未成年人交由无民事行为能力或限制民事行为能力的人照护（未成年人保护法第二十一条）",
    );
    // A serious infectious disease.
    let mut ill = kinship.to_vec();
    ill.extend([
        "carer.birth_date=1985-03-01",
        "carer.full_capacity=true",
        "carer.serious_infectious_disease=true",
    ]);
    let err = refused(&env, &id, "place", "civil_affairs", &ill, at);
    assert_guard(
        &err,
        "place",
        "不得将未成年人交由患有严重传染性疾病的人照护（未成年人保护法第二十一条）",
    );
    // A suitable aunt is accepted.
    let mut fit = kinship.to_vec();
    fit.extend(["carer.birth_date=1985-03-01", "carer.full_capacity=true"]);
    let out = advance(&env, &id, "place", "civil_affairs", &fit, at);
    assert!(
        out.ends_with("2026-000001 现在的状态：placed（已安置）\n"),
        "{out}"
    );
}

/// A child harmed by the guardian, placed in the institution at T0 and assessed with the given
/// conclusion (case 2026-000001).
fn harmed_child_assessed(env: &TestEnv, conclusion: &str) -> String {
    let id = open(
        env,
        "temporary-custody",
        "civil_affairs",
        &[
            "ground=harmed_by_guardian",
            "child.name=赵小花",
            "child.birth_date=2021-02-14",
            "child.sex=female",
            "child.address=黔江区某村",
        ],
        T0,
    );
    advance(
        env,
        &id,
        "place",
        "civil_affairs",
        &[
            "placement.kind=rescue_protection_institution",
            "placement.name=黔江区未成年人救助保护中心",
            "placed_at=2026-11-23T15:00:00+08:00",
        ],
        "2026-11-23T15:00:00+08:00",
    );
    let conclusion = format!("assessment.conclusion={conclusion}");
    advance(
        env,
        &id,
        "assess",
        "institution",
        &[
            "assessment.team_size=3",
            &conclusion,
            "assessment.completed_at=2026-12-10T09:00:00+08:00",
            "assessment.family=父母离异，随父亲生活，家中无其他成年人",
            "assessment.guardian_remorse=父亲承认打骂孩子，表示愿意接受家庭教育指导",
            "assessment.child_health=身上旧伤已愈合，情绪基本稳定",
            "assessment.child_wishes=想回家，但害怕再被打",
        ],
        "2026-12-10T10:00:00+08:00",
    );
    id
}

#[test]
fn the_petition_route_opens_a_linked_intervention_case() {
    let env = env();
    let id = harmed_child_assessed(&env, "guardian_unable");
    let out = advance(
        &env,
        &id,
        "refer_for_revocation",
        "civil_affairs",
        &["concern=父亲长期殴打儿童，评估认为不具备监护条件"],
        "2026-12-11T10:00:00+08:00",
    );
    assert_eq!(
        out,
        "2026-000001 现在的状态：petition_pending（已转入监护干预（申请撤销监护人资格））\n\
         已开立关联案件 2026-000002（guardianship-intervention）\n"
    );
    let parent = env.show_json(&id);
    assert_eq!(
        parent["spawned"],
        json!([{"case": "2026-000002", "workflow": "guardianship-intervention", "link": "referred_from_custody"}])
    );
    let child = env.show_json("2026-000002");
    assert_eq!(child["workflow"], "guardianship-intervention");
    assert_eq!(
        child["origin"],
        json!({"case": "2026-000001", "workflow": "temporary-custody", "link": "referred_from_custody"})
    );
    assert_eq!(child["data"]["source"], "temporary_custody");
    assert_eq!(child["data"]["child.name"], "赵小花");
    assert_eq!(child["data"]["child.birth_date"], "2021-02-14");
    assert_eq!(child["data"]["child.sex"], "female");
    assert_eq!(child["data"]["child.address"], "黔江区某村");
    assert_eq!(
        child["data"]["concern"],
        "父亲长期殴打儿童，评估认为不具备监护条件"
    );
}

#[test]
fn a_petition_when_the_assessment_found_the_guardian_able_is_refused() {
    let env = env();
    let id = harmed_child_assessed(&env, "guardian_able");
    let err = refused(
        &env,
        &id,
        "refer_for_revocation",
        "civil_affairs",
        &["concern=父亲曾殴打儿童"],
        "2026-12-11T10:00:00+08:00",
    );
    assert_guard(
        &err,
        "refer_for_revocation",
        "经调查评估监护人不能履行监护职责的，方可申请撤销监护人资格（民法典第三十六条）",
    );
}

// ----- process C: a father criminally detained, his 6-year-old in temporary custody -----

/// 王建国 is criminally detained at 09:30 on T0; his son 王小宝 (6) is at home alone
/// (case 2026-000001). Returns the case id and the boy's identity number.
fn father_detained(env: &TestEnv) -> (String, String) {
    let id = open(
        env,
        "detained-parent",
        "police",
        &["parent.name=王建国", "parent.relation=father"],
        T0,
    );
    let boy = id_number("52262220200510001");
    let children = format!(
        r#"children=[{{"name":"王小宝","birth_date":"2020-05-10","sex":"male","id_number":"{boy}"}}]"#
    );
    advance(
        env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            "measure=criminal_detention",
            "decision_at=2026-11-23T09:30:00+08:00",
            "minor_children_in_need=true",
            &children,
            "child.address=黔江区某村3组",
        ],
        "2026-11-23T10:10:00+08:00",
    );
    (id, boy)
}

#[test]
fn father_criminally_detained_child_goes_into_temporary_custody_and_returns_home_on_release() {
    let env = env();
    let (id, boy) = father_detained(&env);
    assert_eq!(id, "2026-000001");
    let show = env.show_json(&id);
    assert_eq!(show["state"], "detained");
    assert_eq!(show["data"]["measure"], "criminal_detention");
    assert_eq!(show["data"]["decision_at"], "2026-11-23T09:30:00+08:00");
    assert_eq!(show["data"]["minor_children_in_need"], true);
    // The family is notified within 24 hours of the detention (CPL 85), counted from the
    // decision to the minute.
    let notify = deadline(&show, "family_notification");
    assert_eq!(notify["due"], "2026-11-24T09:30:00+08:00");
    assert_eq!(
        notify["title"],
        "拘留后二十四小时内通知家属（刑事诉讼法第八十五条）"
    );

    // Nobody in the family can take the boy: civil affairs takes him into temporary custody.
    let out = advance(
        &env,
        &id,
        "refer_to_civil_affairs",
        "police",
        &["family_notified_at=2026-11-23T11:00:00+08:00"],
        "2026-11-23T12:00:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body(CARE_NOTICE_TITLE, "care-arrangement-notice", "police", &id)
            + "2026-000001 现在的状态：in_state_custody（已交民政部门临时监护）\n\
               已开立关联案件 2026-000002（temporary-custody）\n"
    );
    let show = env.show_json(&id);
    assert_eq!(letter_keys(&show), ["care-arrangement-notice"]);
    assert!(
        deadline_names(&show).is_empty(),
        "notifying the family meets the deadline: {show:#}"
    );
    assert_eq!(
        show["spawned"],
        json!([{"case": "2026-000002", "workflow": "temporary-custody", "link": "custody_requested_from"}])
    );

    // The boy's own case: ground UPL 92 item 3 pre-filled, his data passed on.
    let custody = "2026-000002";
    let child = env.show_json(custody);
    assert_eq!(child["workflow"], "temporary-custody");
    assert_eq!(child["state"], "received");
    assert_eq!(
        child["origin"],
        json!({"case": "2026-000001", "workflow": "detained-parent", "link": "custody_requested_from"})
    );
    assert_eq!(
        child["data"],
        json!({
            "ground": "guardian_unable_objective",
            "ground_title": "监护人因客观原因或者突发事件不能履行监护职责",
            "child.name": "王小宝",
            "child.birth_date": "2020-05-10",
            "child.sex": "male",
            "child.sex_title": "男",
            "child.id_number": boy,
            "child.address": "黔江区某村3组",
            "guardian.name": "王建国",
        })
    );
    assert_eq!(
        deadline(&child, "custody_limit")["due"],
        "2027-11-24T00:00:00+08:00"
    );
    assert_eq!(cases_of_child(&env, &boy), [custody]);

    // Civil affairs places him in the rescue-protection institution.
    advance(
        &env,
        custody,
        "place",
        "civil_affairs",
        &[
            "placement.kind=rescue_protection_institution",
            "placement.name=黔江区未成年人救助保护中心",
            "placed_at=2026-11-23T16:00:00+08:00",
        ],
        "2026-11-23T16:00:00+08:00",
    );
    assert_eq!(
        letter_keys(&env.show_json(custody)),
        ["temporary-custody-notice"]
    );

    // 20 January 2027: the father is released.
    let out = advance(
        &env,
        &id,
        "release",
        "police",
        &["released_at=2027-01-20T09:00:00+08:00"],
        "2027-01-20T10:00:00+08:00",
    );
    assert_eq!(out, "2026-000001 现在的状态：released（已释放，待随访）\n");
    let show = env.show_json(&id);
    // One month (a setting) from the release: 20 February 2027 is a Saturday, so the
    // period ends on Monday the 22nd.
    assert_eq!(
        deadline(&show, "release_follow_up")["due"],
        "2027-02-23T00:00:00+08:00"
    );

    // The family is assessed by a team of three: the father can look after him again.
    let out = advance(
        &env,
        custody,
        "assess",
        "institution",
        &[
            "assessment.team_size=3",
            "assessment.conclusion=guardian_able",
            "assessment.completed_at=2027-01-21T09:00:00+08:00",
            "assessment.family=父亲曾被刑事拘留，母亲外出务工多年未归，无其他亲属可以照料",
            "assessment.guardian_remorse=父亲已释放，表示今后遵纪守法、照顾好孩子",
            "assessment.child_health=身体健康，情绪稳定",
            "assessment.child_wishes=想回家和爸爸一起生活",
        ],
        "2027-01-21T10:00:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body("调查评估报告", "assessment-report", "institution", custody)
            + "2026-000002 现在的状态：assessed（已调查评估）\n"
    );
    // He goes home; school, police and village committee are told (UPL 93).
    let out = advance(
        &env,
        custody,
        "return_home",
        "civil_affairs",
        &[
            "returned.to=王建国",
            "returned.at=2027-01-22T09:00:00+08:00",
            "informed.school=true",
            "informed.police=true",
            "informed.village_committee=true",
        ],
        "2027-01-22T10:00:00+08:00",
    );
    // The return is handed over in writing (issue 17 item 13); without a profile, no body
    // numbers it yet.
    assert_eq!(
        out,
        pending_no_body(
            "未成年人交接单",
            "return-handover-record",
            "civil_affairs",
            custody
        ) + "2026-000002 现在的状态：returned（已送返随访中）\n"
    );
    let child = env.show_json(custody);
    // Going home settles the custody limit (issue 17 item 13); the visits remain.
    assert_eq!(deadline_names(&child), ["follow_up_visit"], "{child:#}");
    let visit = deadline(&child, "follow_up_visit");
    assert_eq!(visit["every"], "1 month");
    assert_eq!(visit["due"], "2027-02-23T00:00:00+08:00");

    // The village committee visits; the next visit is due a month after this one.
    advance(
        &env,
        custody,
        "log_follow_up",
        "village_committee",
        &[
            "follow_up.visited_at=2027-02-10T15:00:00+08:00",
            "follow_up.finding=父子生活正常，孩子已返校",
        ],
        "2027-02-10T16:00:00+08:00",
    );
    let child = env.show_json(custody);
    assert_eq!(
        deadline(&child, "follow_up_visit")["due"],
        "2027-03-11T00:00:00+08:00"
    );
    // Both cases close.
    let out = advance(
        &env,
        custody,
        "close",
        "civil_affairs",
        &["close_reason=returned_followed_up"],
        "2027-02-11T10:00:00+08:00",
    );
    assert_eq!(out, "2026-000002 现在的状态：closed（已结案）\n");
    let child = env.show_json(custody);
    assert_eq!(child["final"], true);
    assert!(deadline_names(&child).is_empty(), "{child:#}");
    let out = advance(
        &env,
        &id,
        "follow_up_visit",
        "village_committee",
        &[
            "follow_up.visited_at=2027-02-10T15:00:00+08:00",
            "follow_up.finding=王小宝已随父亲回家生活",
        ],
        "2027-02-11T10:00:00+08:00",
    );
    assert_eq!(out, "2026-000001 现在的状态：closed（已结案）\n");
    let show = env.show_json(&id);
    assert_eq!(show["final"], true);
    assert!(deadline_names(&show).is_empty(), "{show:#}");
}

#[test]
fn recording_a_measure_under_the_wrong_transition_is_refused() {
    let env = env();
    let id = open(
        &env,
        "detained-parent",
        "police",
        &["parent.name=王建国"],
        T0,
    );
    let err = refused(
        &env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            "measure=arrest",
            "decision_at=2026-11-23T09:30:00+08:00",
            "minor_children_in_need=false",
            "children=[]",
        ],
        T0,
    );
    assert_guard(
        &err,
        "record_criminal_detention",
        "所填措施种类与本操作不符",
    );
}

#[test]
fn a_measure_without_the_answer_about_the_children_is_refused_naming_the_fields() {
    let env = env();
    let id = open(
        &env,
        "detained-parent",
        "police",
        &["parent.name=王建国"],
        T0,
    );
    let err = refused(
        &env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            "measure=criminal_detention",
            "decision_at=2026-11-23T09:30:00+08:00",
        ],
        T0,
    );
    assert!(
        err.starts_with(
            "错误：执行 record_criminal_detention（刑事拘留：询问未成年子女照料情况）前须填写："
        ),
        "{err}"
    );
    assert!(err.contains("minor_children_in_need"), "{err}");
    assert!(err.contains("children（需要照料的未成年子女）"), "{err}");
}

#[test]
fn children_who_need_care_must_each_be_recorded() {
    let env = env();
    let id = open(
        &env,
        "detained-parent",
        "police",
        &["parent.name=王建国"],
        T0,
    );
    let err = refused(
        &env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            "measure=criminal_detention",
            "decision_at=2026-11-23T09:30:00+08:00",
            "minor_children_in_need=true",
            "children=[]",
        ],
        T0,
    );
    assert_guard(
        &err,
        "record_criminal_detention",
        "有需要照料的未成年子女的，须逐一登记每个子女（每个子女单独立案）",
    );
    // Each child with a name and a birth date (each gets a case of its own).
    let err = refused(
        &env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            "measure=criminal_detention",
            "decision_at=2026-11-23T09:30:00+08:00",
            "minor_children_in_need=true",
            r#"children=[{"name":"王小宝","sex":"male"}]"#,
        ],
        T0,
    );
    assert_guard(
        &err,
        "record_criminal_detention",
        "每个子女须登记姓名和出生日期",
    );
    // An adult child is not one of them.
    let err = refused(
        &env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            "measure=criminal_detention",
            "decision_at=2026-11-23T09:30:00+08:00",
            "minor_children_in_need=true",
            r#"children=[{"name":"王大伟","birth_date":"2008-11-23","sex":"male"}]"#,
        ],
        T0,
    );
    assert_guard(
        &err,
        "record_criminal_detention",
        "登记的子女须为未满十八周岁的未成年人（民法典第十七条，按周岁计算）",
    );
}

#[test]
fn arranging_care_before_the_family_is_notified_is_refused_naming_the_field() {
    let env = env();
    let (id, _) = father_detained(&env);
    let err = refused(
        &env,
        &id,
        "refer_to_civil_affairs",
        "police",
        &[],
        "2026-11-23T10:30:00+08:00",
    );
    assert_eq!(
        err,
        "错误：执行 refer_to_civil_affairs（交民政部门临时监护（未成年人保护法第九十二条第三项；每个子女开立临时监护案件））前须填写：family_notified_at（通知家属时间）。\n"
    );
}

#[test]
fn closing_without_arranging_care_for_a_young_child_is_refused_naming_upl_21() {
    let env = env();
    let (id, _) = father_detained(&env);
    // The 6-year-old may not be left without care.
    let err = refused(
        &env,
        &id,
        "close_no_care_needed",
        "police",
        &["family_notified_at=2026-11-23T11:00:00+08:00"],
        "2026-11-23T12:00:00+08:00",
    );
    assert_guard(
        &err,
        "close_no_care_needed",
        "不得使未满八周岁的未成年人处于无人看护状态（未成年人保护法第二十一条第一款）",
    );
    // A 12-year-old may not live alone either.
    let other = open(&env, "detained-parent", "police", &["parent.name=周强"], T0);
    advance(
        &env,
        &other,
        "record_administrative_detention",
        "police",
        &[
            "measure=administrative_detention",
            "decision_at=2026-11-23T09:00:00+08:00",
            "minor_children_in_need=true",
            r#"children=[{"name":"周敏","birth_date":"2014-06-01","sex":"female"}]"#,
        ],
        T0,
    );
    let show = env.show_json(&other);
    assert!(
        deadline_names(&show).is_empty(),
        "administrative detention has no fixed notification limit in the domain reference"
    );
    let err = refused(
        &env,
        &other,
        "close_no_care_needed",
        "police",
        &["family_notified_at=2026-11-23T11:00:00+08:00"],
        "2026-11-23T12:00:00+08:00",
    );
    assert_guard(
        &err,
        "close_no_care_needed",
        "不得使未满十六周岁的未成年人脱离监护单独生活（未成年人保护法第二十一条第二款）",
    );
}

#[test]
fn a_detainee_without_children_in_need_is_closed_at_once() {
    let env = env();
    let id = open(&env, "detained-parent", "police", &["parent.name=钱勇"], T0);
    advance(
        &env,
        &id,
        "record_arrest",
        "police",
        &[
            "measure=arrest",
            "decision_at=2026-11-23T09:00:00+08:00",
            "minor_children_in_need=false",
            "children=[]",
        ],
        T0,
    );
    assert_eq!(
        deadline(&env.show_json(&id), "family_notification")["due"],
        "2026-11-24T09:00:00+08:00"
    );
    let out = advance(
        &env,
        &id,
        "close_no_care_needed",
        "police",
        &["family_notified_at=2026-11-23T15:00:00+08:00"],
        "2026-11-23T15:00:00+08:00",
    );
    assert_eq!(out, "2026-000001 现在的状态：closed（已结案）\n");
}

#[test]
fn prison_admission_gives_the_family_five_days() {
    let env = env();
    let id = open(
        &env,
        "detained-parent",
        "executing_organ",
        &["parent.name=孙伟"],
        T0,
    );
    advance(
        &env,
        &id,
        "record_prison_admission",
        "executing_organ",
        &[
            "measure=prison_admission",
            "decision_at=2026-11-23T09:00:00+08:00",
            "minor_children_in_need=false",
            "children=[]",
        ],
        T0,
    );
    // Five days after Monday 23 November, the start day not counted: 24:00 on Saturday the
    // 28th, a rest day, so the period runs to 24:00 on Monday 30 November.
    assert_eq!(
        deadline(&env.show_json(&id), "family_notification")["due"],
        "2026-12-01T00:00:00+08:00"
    );
}

#[test]
fn a_parent_who_refuses_to_arrange_care_opens_an_intervention_case_per_child() {
    let env = env();
    let id = open(&env, "detained-parent", "police", &["parent.name=吴刚"], T0);
    advance(
        &env,
        &id,
        "record_criminal_detention",
        "police",
        &[
            "measure=criminal_detention",
            "decision_at=2026-11-23T09:00:00+08:00",
            "minor_children_in_need=true",
            r#"children=[{"name":"吴小雨","birth_date":"2017-03-03","sex":"female"},{"name":"吴小雷","birth_date":"2021-09-09","sex":"male"}]"#,
            "child.address=黔江区某村5组",
        ],
        T0,
    );
    advance(
        &env,
        &id,
        "await_arrangement",
        "police",
        &["family_notified_at=2026-11-23T11:00:00+08:00"],
        "2026-11-23T11:00:00+08:00",
    );
    let out = advance(
        &env,
        &id,
        "parent_refuses",
        "police",
        &["concern=父亲拒绝委托任何人照料，两名子女独自在家、无人做饭"],
        "2026-11-23T14:00:00+08:00",
    );
    assert_eq!(
        out,
        "2026-000001 现在的状态：escalated（拒不安排照料，已转入监护干预）\n\
         已开立关联案件 2026-000002（guardianship-intervention）\n\
         已开立关联案件 2026-000003（guardianship-intervention）\n"
    );
    for (case, name, birth) in [
        ("2026-000002", "吴小雨", "2017-03-03"),
        ("2026-000003", "吴小雷", "2021-09-09"),
    ] {
        let child = env.show_json(case);
        assert_eq!(child["workflow"], "guardianship-intervention");
        assert_eq!(child["data"]["source"], "detained_parent");
        assert_eq!(child["data"]["child.name"], name);
        assert_eq!(child["data"]["child.birth_date"], birth);
        assert_eq!(child["data"]["child.address"], "黔江区某村5组");
        assert_eq!(
            child["data"]["concern"],
            "父亲拒绝委托任何人照料，两名子女独自在家、无人做饭"
        );
        assert_eq!(
            child["origin"],
            json!({"case": "2026-000001", "workflow": "detained-parent", "link": "escalated_from"})
        );
    }
}

// ----- process C: a mother in compulsory drug rehabilitation, two children with grandmother ----

/// 李梅 is sent to compulsory drug rehabilitation (decided 22 November 16:00, served at T0 −
/// 1 h); her two children are at home (case 2026-000001). Returns the case id and the girl's
/// identity number.
fn mother_in_rehab(env: &TestEnv) -> (String, String) {
    let id = open(
        env,
        "detained-parent",
        "police",
        &["parent.name=李梅", "parent.relation=mother"],
        T0,
    );
    let girl = id_number("52262220160815002");
    let children = format!(
        r#"children=[{{"name":"张大丫","birth_date":"2016-08-15","sex":"female","id_number":"{girl}"}},{{"name":"张小虎","birth_date":"2022-03-02","sex":"male"}}]"#
    );
    advance(
        env,
        &id,
        "record_compulsory_rehab",
        "police",
        &[
            "measure=compulsory_rehab",
            "decision_at=2026-11-22T16:00:00+08:00",
            "decision_served_at=2026-11-23T09:00:00+08:00",
            "minor_children_in_need=true",
            &children,
            "child.address=黔江区某社区8栋",
        ],
        T0,
    );
    (id, girl)
}

/// The grandmother, 刘桂兰, vetted for the entrustment.
const GRANDMOTHER: [&str; 10] = [
    "family_notified_at=2026-11-23T11:00:00+08:00",
    "carer.name=刘桂兰",
    "carer.birth_date=1962-04-18",
    "carer.relation=grandparent",
    "carer.full_capacity=true",
    "carer.lives_with_child=true",
    "carer.record_of_harm=false",
    "carer.addiction=false",
    "carer.neglected_duty=false",
    "carer.otherwise_unsuitable=false",
];

#[test]
fn mother_in_compulsory_rehab_two_children_each_entrusted_to_the_grandmother() {
    let env = env();
    let (id, girl) = mother_in_rehab(&env);
    let show = env.show_json(&id);
    assert_eq!(show["state"], "detained");
    // 24 hours from the service of the decision, not from the decision itself.
    let notify = deadline(&show, "family_notification");
    assert_eq!(notify["due"], "2026-11-24T09:00:00+08:00");
    assert_eq!(notify["remind_at"], "2026-11-24T03:00:00+08:00");

    let out = advance(
        &env,
        &id,
        "entrust_to_carer",
        "police",
        &GRANDMOTHER,
        "2026-11-23T15:00:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body(CARE_NOTICE_TITLE, "care-arrangement-notice", "police", &id)
            + "2026-000001 现在的状态：with_carer（已委托亲属或其他成年人照料）\n\
               已开立关联案件 2026-000002（entrusted-care）\n\
               已开立关联案件 2026-000003（entrusted-care）\n"
    );
    let show = env.show_json(&id);
    assert_eq!(letter_keys(&show), ["care-arrangement-notice"]);
    assert!(deadline_names(&show).is_empty(), "{show:#}");
    assert_eq!(
        show["spawned"],
        json!([
            {"case": "2026-000002", "workflow": "entrusted-care", "link": "care_arranged_from"},
            {"case": "2026-000003", "workflow": "entrusted-care", "link": "care_arranged_from"},
        ])
    );
    // Each child has a case of its own, with the mother as parent and the grandmother as carer.
    for (case, name, birth, sex) in [
        ("2026-000002", "张大丫", "2016-08-15", "female"),
        ("2026-000003", "张小虎", "2022-03-02", "male"),
    ] {
        let child = env.show_json(case);
        assert_eq!(child["workflow"], "entrusted-care");
        assert_eq!(
            child["origin"],
            json!({"case": "2026-000001", "workflow": "detained-parent", "link": "care_arranged_from"})
        );
        let data = &child["data"];
        assert_eq!(data["child.name"], name);
        assert_eq!(data["child.birth_date"], birth);
        assert_eq!(data["child.sex"], sex);
        assert_eq!(data["child.address"], "黔江区某社区8栋");
        assert_eq!(data["parent.name"], "李梅");
        assert_eq!(data["carer.name"], "刘桂兰");
        assert_eq!(data["carer.birth_date"], "1962-04-18");
        assert_eq!(data["carer.relation"], "grandparent");
        assert_eq!(data["carer.full_capacity"], true);
    }
    assert_eq!(
        env.show_json("2026-000002")["data"]["child.id_number"],
        girl.as_str()
    );
    assert!(
        env.show_json("2026-000003")["data"]
            .get("child.id_number")
            .is_none(),
        "a child without a number gets none"
    );
    assert_eq!(cases_of_child(&env, &girl), ["2026-000002"]);
}

/// Tries to entrust the children to the grandmother with some facts changed; returns stderr.
fn entrust_refused(env: &TestEnv, id: &str, changes: &[&str]) -> String {
    let mut sets: Vec<&str> = GRANDMOTHER.to_vec();
    sets.extend_from_slice(changes);
    refused(
        env,
        id,
        "entrust_to_carer",
        "police",
        &sets,
        "2026-11-23T15:00:00+08:00",
    )
}

#[test]
fn an_unsuitable_carer_is_refused_naming_the_rule() {
    let env = env();
    let (id, _) = mother_in_rehab(&env);
    let err = entrust_refused(&env, &id, &["carer.birth_date=2009-01-10"]);
    assert_guard(
        &err,
        "entrust_to_carer",
        "被委托人须为成年人（未成年人保护法第二十二条第一款；年龄按周岁计算，民法典第十七条）",
    );
    let err = entrust_refused(&env, &id, &["carer.full_capacity=false"]);
    assert_guard(
        &err,
        "entrust_to_carer",
        "不得将未成年人交由无民事行为能力或限制民事行为能力的人照护（未成年人保护法第二十一条第一款、第二十二条第一款）",
    );
    let err = entrust_refused(&env, &id, &["carer.serious_infectious_disease=true"]);
    assert_guard(
        &err,
        "entrust_to_carer",
        "不得将未成年人交由患有严重传染性疾病的人照护（未成年人保护法第二十一条第一款）",
    );
    let err = entrust_refused(&env, &id, &["carer.lives_with_child=false"]);
    assert_guard(
        &err,
        "entrust_to_carer",
        "被委托人不与儿童共同生活，未满十六周岁的未成年人将脱离监护单独生活（未成年人保护法第二十一条第二款）",
    );
    let err = entrust_refused(&env, &id, &["carer.record_of_harm=true"]);
    assert_guard(
        &err,
        "entrust_to_carer",
        "曾实施性侵害、虐待、遗弃、拐卖、暴力伤害等违法犯罪行为的人不得作为被委托人（未成年人保护法第二十二条第三款第一项）",
    );
    let err = entrust_refused(&env, &id, &["carer.addiction=true"]);
    assert_guard(
        &err,
        "entrust_to_carer",
        "有吸毒、酗酒、赌博等恶习的人不得作为被委托人（未成年人保护法第二十二条第三款第二项）",
    );
    let err = entrust_refused(&env, &id, &["carer.neglected_duty=true"]);
    assert_guard(
        &err,
        "entrust_to_carer",
        "曾拒不履行或者长期怠于履行监护、照护职责的人不得作为被委托人（未成年人保护法第二十二条第三款第三项）",
    );
    let err = entrust_refused(&env, &id, &["carer.otherwise_unsuitable=true"]);
    assert_guard(
        &err,
        "entrust_to_carer",
        "有其他不适宜担任被委托人情形的人不得作为被委托人（未成年人保护法第二十一条第一款、第二十二条第三款第四项）",
    );
    assert_eq!(env.show_json(&id)["state"], "detained");
}

#[test]
fn a_rehabilitation_decision_served_before_it_was_made_is_refused() {
    let env = env();
    let id = open(&env, "detained-parent", "police", &["parent.name=李梅"], T0);
    let err = refused(
        &env,
        &id,
        "record_compulsory_rehab",
        "police",
        &[
            "measure=compulsory_rehab",
            "decision_at=2026-11-23T09:00:00+08:00",
            "decision_served_at=2026-11-22T09:00:00+08:00",
            "minor_children_in_need=false",
            "children=[]",
        ],
        T0,
    );
    assert_guard(
        &err,
        "record_compulsory_rehab",
        "决定书送达时间不能早于决定时间",
    );
}

// ----- process B refusals met in the detained-parent story -----

/// The boy's temporary-custody case, spawned by his father's detention and placed (2026-000002).
fn boy_in_custody(env: &TestEnv) -> String {
    let (id, _) = father_detained(env);
    advance(
        env,
        &id,
        "refer_to_civil_affairs",
        "police",
        &["family_notified_at=2026-11-23T11:00:00+08:00"],
        "2026-11-23T12:00:00+08:00",
    );
    advance(
        env,
        "2026-000002",
        "place",
        "civil_affairs",
        &[
            "placement.kind=rescue_protection_institution",
            "placement.name=黔江区未成年人救助保护中心",
            "placed_at=2026-11-23T16:00:00+08:00",
        ],
        "2026-11-23T16:00:00+08:00",
    );
    "2026-000002".to_owned()
}

#[test]
fn an_assessment_by_fewer_than_three_is_refused() {
    let env = env();
    let custody = boy_in_custody(&env);
    let err = refused(
        &env,
        &custody,
        "assess",
        "institution",
        &[
            "assessment.team_size=2",
            "assessment.conclusion=guardian_able",
            "assessment.completed_at=2027-01-21T09:00:00+08:00",
            "assessment.family=父亲曾被刑事拘留，母亲外出务工多年未归，无其他亲属可以照料",
            "assessment.guardian_remorse=父亲已释放，表示今后遵纪守法、照顾好孩子",
            "assessment.child_health=身体健康，情绪稳定",
            "assessment.child_wishes=想回家和爸爸一起生活",
        ],
        "2027-01-21T10:00:00+08:00",
    );
    assert_guard(
        &err,
        "assess",
        "调查评估小组人数少于本地规定的最低人数（地方做法：不少于三人，见设置 assessment_team_min）",
    );
}

#[test]
fn returning_the_child_needs_a_fit_guardian_and_everyone_told() {
    let env = env();
    let custody = boy_in_custody(&env);
    // Returning before any assessment: the conclusion is missing.
    let home = [
        "returned.to=王建国",
        "returned.at=2027-01-22T09:00:00+08:00",
        "informed.school=true",
        "informed.police=true",
        "informed.village_committee=true",
    ];
    let err = refused(
        &env,
        &custody,
        "return_home",
        "civil_affairs",
        &home,
        "2027-01-22T10:00:00+08:00",
    );
    assert_eq!(
        err,
        "错误：当前状态 placed（已安置）不能执行 return_home（送回监护人（未成年人保护法第九十三条））；该操作只能在以下状态执行：assessed（已调查评估）。\n"
    );
    advance(
        &env,
        &custody,
        "assess",
        "institution",
        &[
            "assessment.team_size=3",
            "assessment.conclusion=guardian_unable",
            "assessment.completed_at=2027-01-21T09:00:00+08:00",
            "assessment.family=父亲曾被刑事拘留，母亲外出务工多年未归，无其他亲属可以照料",
            "assessment.guardian_remorse=父亲已释放，表示今后遵纪守法、照顾好孩子",
            "assessment.child_health=身体健康，情绪稳定",
            "assessment.child_wishes=想回家和爸爸一起生活",
        ],
        "2027-01-21T10:00:00+08:00",
    );
    let err = refused(
        &env,
        &custody,
        "return_home",
        "civil_affairs",
        &home,
        "2027-01-22T10:00:00+08:00",
    );
    assert_guard(
        &err,
        "return_home",
        "经评估监护人重新具备履行监护职责条件的，方可送回（未成年人保护法第九十三条）",
    );
    // Reassessed as able, but the village committee was not told.
    advance(
        &env,
        &custody,
        "assess",
        "institution",
        &[
            "assessment.team_size=4",
            "assessment.conclusion=guardian_able",
            "assessment.completed_at=2027-01-25T09:00:00+08:00",
            "assessment.family=父亲曾被刑事拘留，母亲外出务工多年未归，无其他亲属可以照料",
            "assessment.guardian_remorse=父亲已释放，表示今后遵纪守法、照顾好孩子",
            "assessment.child_health=身体健康，情绪稳定",
            "assessment.child_wishes=想回家和爸爸一起生活",
        ],
        "2027-01-25T10:00:00+08:00",
    );
    let mut untold = home.to_vec();
    untold[4] = "informed.village_committee=false";
    let err = refused(
        &env,
        &custody,
        "return_home",
        "civil_affairs",
        &untold,
        "2027-01-25T11:00:00+08:00",
    );
    assert_guard(
        &err,
        "return_home",
        "送返时须告知学校、公安机关和村（居）民委员会",
    );
}

#[test]
fn closing_a_returned_case_before_any_follow_up_visit_is_refused() {
    let env = env();
    let custody = boy_in_custody(&env);
    advance(
        &env,
        &custody,
        "assess",
        "institution",
        &[
            "assessment.team_size=3",
            "assessment.conclusion=guardian_able",
            "assessment.completed_at=2027-01-21T09:00:00+08:00",
            "assessment.family=父亲曾被刑事拘留，母亲外出务工多年未归，无其他亲属可以照料",
            "assessment.guardian_remorse=父亲已释放，表示今后遵纪守法、照顾好孩子",
            "assessment.child_health=身体健康，情绪稳定",
            "assessment.child_wishes=想回家和爸爸一起生活",
        ],
        "2027-01-21T10:00:00+08:00",
    );
    advance(
        &env,
        &custody,
        "return_home",
        "civil_affairs",
        &[
            "returned.to=王建国",
            "returned.at=2027-01-22T09:00:00+08:00",
            "informed.school=true",
            "informed.police=true",
            "informed.village_committee=true",
        ],
        "2027-01-22T10:00:00+08:00",
    );
    let err = refused(
        &env,
        &custody,
        "close",
        "civil_affairs",
        &["close_reason=returned_followed_up"],
        "2027-01-23T10:00:00+08:00",
    );
    assert_guard(
        &err,
        "close",
        "送回监护人后须经随访方可结案（未成年人保护法第九十三条）",
    );
}
