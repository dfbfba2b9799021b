//! Stories of processes A (entrusted-care) and D (guardianship-intervention), end to end through
//! the real binary on a simulation database with an explicit `--now` on every act.
//!
//! One test per story, then one test per refusal a caseworker can meet in these stories, each
//! asserting the whole message (the rule and its article are in it).

use crate::common;

use common::{
    TestEnv, advance, env, guard_message, id_number, mask_codes, open, pending_no_body, refused,
    with,
};
use serde_json::Value;

// ----- the clock of the stories (Beijing time) -----

/// Monday 23 November 2026, 10:00: the first act of every story.
const T0: &str = "2026-11-23T10:00:00+08:00";

// ----- helpers -----

fn show(env: &TestEnv, id: &str) -> Value {
    env.show_json(id)
}

fn state(env: &TestEnv, id: &str) -> String {
    show(env, id)["state"].as_str().expect("state").to_owned()
}

/// The open deadline `name` of a `case show --json`, or None.
fn deadline<'a>(shown: &'a Value, name: &str) -> Option<&'a Value> {
    shown["deadlines"]
        .as_array()
        .expect("deadlines is an array")
        .iter()
        .find(|d| d["name"] == name)
}

#[track_caller]
fn due(shown: &Value, name: &str) -> String {
    deadline(shown, name).unwrap_or_else(|| panic!("no deadline {name} in {shown:#}"))["due"]
        .as_str()
        .expect("due")
        .to_owned()
}

fn deadline_names(shown: &Value) -> Vec<String> {
    let mut names: Vec<String> = shown["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .map(|d| d["name"].as_str().expect("name").to_owned())
        .collect();
    names.sort();
    names
}

/// The letter keys requested so far, in order.
fn letters(shown: &Value) -> Vec<String> {
    shown["letters"]
        .as_array()
        .expect("letters is an array")
        .iter()
        .map(|l| l["key"].as_str().expect("key").to_owned())
        .collect()
}

// ----- process A: entrusted care -----

/// 李小明, born 1 May 2016 (10 years old in the stories), whose father 李强 leaves for work.
fn open_entrusted(env: &TestEnv, child_id: &str) -> String {
    open(
        env,
        "entrusted-care",
        "parent",
        &[
            ("child.name", "李小明"),
            ("child.birth_date", "2016-05-01"),
            ("child.sex", "male"),
            ("child.id_number", child_id),
            ("child.address", "黔江区城东街道某村3组"),
            ("parent.name", "李强"),
        ],
        T0,
    )
}

/// A qualified carer: the grandmother, 68, living with the child; the child heard.
const GOOD_CARER: &[(&str, &str)] = &[
    ("carer.name", "王秀英"),
    ("carer.birth_date", "1958-03-02"),
    ("carer.relation", "grandparent"),
    ("carer.full_capacity", "true"),
    ("carer.able_to_care", "true"),
    ("carer.lives_with_child", "true"),
    ("carer.record_of_harm", "false"),
    ("carer.addiction", "false"),
    ("carer.neglected_duty", "false"),
    ("carer.otherwise_unsuitable", "false"),
    ("carer.serious_infectious_disease", "false"),
    ("child.special_needs", "false"),
    ("child.can_express_views", "true"),
    ("child.views", "愿意和奶奶一起住"),
];

const AGREEMENT: &[(&str, &str)] = &[
    ("entrustment.start_date", "2026-11-25"),
    ("entrustment.end_date", "2027-06-30"),
    ("entrustment.contact_plan", "每周日晚视频通话"),
    ("entrustment.witness_name", "赵主任"),
    ("parent.departure_date", "2026-11-25"),
    ("parent.work_place", "广东省东莞市长安镇"),
    ("parent.phone", "13800230001"),
    ("carer.phone", "13800230002"),
];

const APPROVED_AT: &str = "2026-11-23T11:00:00+08:00";
/// Tuesday 24 November 2026, 09:00: the agreement is signed.
const SIGNED_AT: &str = "2026-11-24T09:00:00+08:00";

fn registered(env: &TestEnv) -> String {
    open_entrusted(env, &id_number("11010520160501001"))
}

fn approved(env: &TestEnv) -> String {
    let id = registered(env);
    advance(
        env,
        &id,
        "approve_carer",
        "village_committee",
        GOOD_CARER,
        APPROVED_AT,
    );
    id
}

fn entrusted(env: &TestEnv) -> String {
    let id = approved(env);
    advance(
        env,
        &id,
        "sign_agreement",
        "village_committee",
        AGREEMENT,
        SIGNED_AT,
    );
    id
}

const APPROVE_TITLE: &str = "审核被委托人";

#[test]
fn story_1_a_parent_leaves_for_work_and_returns() {
    let env = env();
    let id = registered(&env);
    let s = show(&env, &id);
    assert_eq!(s["workflow"], "entrusted-care");
    assert_eq!(s["state"], "registered");
    // Registration with the village committee serves the guardian's duty notice.
    assert_eq!(letters(&s), ["guardian-duty-notice"]);

    let out = advance(
        &env,
        &id,
        "approve_carer",
        "village_committee",
        GOOD_CARER,
        APPROVED_AT,
    );
    assert_eq!(
        out,
        "2026-000001 现在的状态：carer_approved（被委托人已审核）\n"
    );

    let out = advance(
        &env,
        &id,
        "sign_agreement",
        "village_committee",
        AGREEMENT,
        SIGNED_AT,
    );
    // Both are party documents without a number: the village committee issues them at once.
    assert_eq!(
        mask_codes(&out),
        "已出具《委托照护协议》（entrustment-agreement）文号：无（本文书不编号），存档号：L2026-000001，核验码：*****-*****\n\
         已出具《委托照护情况书面告知》（entrustment-notice）文号：无（本文书不编号），存档号：L2026-000002，核验码：*****-*****\n\
         2026-000001 现在的状态：entrusted（委托照护中）\n"
    );
    // A letter's digest is keyed with its salt (HMAC-SHA256): history calls it a digest, not
    // a plain SHA-256 that anyone could recompute.
    let history = env.ok(&["case", "history", &id]);
    assert!(history.contains("（摘要 "), "{history}");
    assert!(!history.contains("SHA-256"), "{history}");
    let s = show(&env, &id);
    assert_eq!(
        letters(&s),
        [
            "guardian-duty-notice",
            "entrustment-agreement",
            "entrustment-notice"
        ]
    );
    crate::letter_pdf::every_letter_exports_as_pdf(&env, &[&id]);
    assert_eq!(
        deadline_names(&s),
        ["child_turns_18", "entrustment_term", "weekly_contact"]
    );
    // UPL 23: contact at least once a week, counted from the signing (24 Nov): ends 24:00 on 1 Dec.
    let weekly = deadline(&s, "weekly_contact").expect("weekly_contact");
    assert_eq!(weekly["due"], "2026-12-02T00:00:00+08:00");
    // A day in each week, not a period: never moved by the holiday rule (issue 17 item 13).
    assert_eq!(weekly["every"], serde_json::Value::Null);
    assert_eq!(weekly["counted"]["period"], "7d");
    assert_eq!(weekly["keep"], true);
    assert_eq!(weekly["on_breach"], "contact_lapsed");
    // The agreed period ends at 24:00 on its last day.
    assert_eq!(due(&s, "entrustment_term"), "2027-07-01T00:00:00+08:00");
    // The child turns 18 on 1 May 2034; the entrustment ends then at the latest.
    assert_eq!(due(&s, "child_turns_18"), "2034-05-02T00:00:00+08:00");

    // The father video-calls on Monday 30 November: the next contact is due by 7 December.
    advance(
        &env,
        &id,
        "log_contact",
        "parent",
        &[
            ("contact.last_at", "2026-11-30T20:00:00+08:00"),
            ("contact.channel", "video"),
        ],
        "2026-11-30T21:00:00+08:00",
    );
    let s = show(&env, &id);
    assert_eq!(s["state"], "entrusted");
    assert_eq!(due(&s, "weekly_contact"), "2026-12-08T00:00:00+08:00");

    // He comes home for good in February and the entrustment ends.
    let out = advance(
        &env,
        &id,
        "close",
        "village_committee",
        &[
            ("close_reason", "parent_returned"),
            ("parent.returned_on", "2027-02-10"),
        ],
        "2027-02-10T10:00:00+08:00",
    );
    assert_eq!(out, "2026-000001 现在的状态：closed（已结案）\n");
    let s = show(&env, &id);
    assert_eq!(s["final"], true);
    assert_eq!(s["data"]["close_reason"], "parent_returned");
    assert_eq!(s["data"]["parent.returned_on"], "2027-02-10");
    assert!(deadline_names(&s).is_empty(), "{s:#}");
    // The parent stays the guardian; the carer is a separate party (CC-Interp 13).
    assert_eq!(s["data"]["parent.name"], "李强");
    assert_eq!(s["data"]["carer.name"], "王秀英");
}

#[test]
fn story_2_a_disqualified_carer_is_refused_naming_upl_22() {
    let env = env();
    let id = registered(&env);
    // The uncle the father first names once served a sentence for violent injury.
    let uncle = with(
        GOOD_CARER,
        &[
            ("carer.name", "李刚"),
            ("carer.birth_date", "1985-07-12"),
            ("carer.relation", "other_relative"),
            ("carer.record_of_harm", "true"),
        ],
    );
    let err = refused(
        &env,
        &id,
        "approve_carer",
        "village_committee",
        &uncle,
        APPROVED_AT,
    );
    assert_eq!(
        err,
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "曾实施性侵害、虐待、遗弃、拐卖、暴力伤害等违法犯罪行为的人不得作为被委托人（未成年人保护法第二十二条第三款第一项）",
            "!carer.record_of_harm",
        )
    );
    // Then his 17-year-old cousin: not an adult.
    let cousin = with(
        GOOD_CARER,
        &[
            ("carer.name", "李婷"),
            ("carer.birth_date", "2009-06-01"),
            ("carer.relation", "other_relative"),
        ],
    );
    let err = refused(
        &env,
        &id,
        "approve_carer",
        "village_committee",
        &cousin,
        APPROVED_AT,
    );
    assert_eq!(
        err,
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "被委托人须为成年人（未成年人保护法第二十二条第一款；年龄按周岁计算，民法典第十七条）",
            "age(carer.birth_date, now) >= 18",
        )
    );
    assert_eq!(state(&env, &id), "registered");
    // The grandmother qualifies.
    advance(
        &env,
        &id,
        "approve_carer",
        "village_committee",
        GOOD_CARER,
        APPROVED_AT,
    );
    assert_eq!(state(&env, &id), "carer_approved");
}

#[test]
fn story_2_a_child_under_8_with_an_unsuitable_carer_is_refused_naming_upl_21() {
    let env = env();
    // 李小雨, 5 years old.
    let id = open(
        &env,
        "entrusted-care",
        "parent",
        &[
            ("child.name", "李小雨"),
            ("child.birth_date", "2021-03-15"),
            ("parent.name", "李强"),
        ],
        T0,
    );
    let sick = with(
        GOOD_CARER,
        &[
            ("carer.serious_infectious_disease", "true"),
            ("child.can_express_views", "false"),
        ],
    );
    let err = refused(
        &env,
        &id,
        "approve_carer",
        "village_committee",
        &sick,
        APPROVED_AT,
    );
    assert_eq!(
        err,
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "未满八周岁或者需要特别照顾的未成年人，不得交由无民事行为能力、限制民事行为能力、患有严重传染性疾病或者其他不适宜的人员临时照护（未成年人保护法第二十一条第一款）",
            "(age(child.birth_date, now) >= 8 && !child.special_needs) || (carer.full_capacity && !carer.serious_infectious_disease && !carer.otherwise_unsuitable)",
        )
    );
    assert_eq!(state(&env, &id), "registered");
}

// ----- refusals of approve_carer, one rule each -----

/// Tries `overrides` on the grandmother for 李小明 (10 years old); returns the message.
fn approve_refused(overrides: &[(&str, &str)]) -> String {
    let env = env();
    let id = registered(&env);
    let carer = with(GOOD_CARER, overrides);
    refused(
        &env,
        &id,
        "approve_carer",
        "village_committee",
        &carer,
        APPROVED_AT,
    )
}

#[test]
fn refuses_a_carer_with_an_addiction_naming_upl_22_3_2() {
    assert_eq!(
        approve_refused(&[("carer.addiction", "true")]),
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "有吸毒、酗酒、赌博等恶习的人不得作为被委托人（未成年人保护法第二十二条第三款第二项）",
            "!carer.addiction",
        )
    );
}

#[test]
fn refuses_a_carer_who_neglected_a_duty_of_care_naming_upl_22_3_3() {
    assert_eq!(
        approve_refused(&[("carer.neglected_duty", "true")]),
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "曾拒不履行或者长期怠于履行监护、照护职责的人不得作为被委托人（未成年人保护法第二十二条第三款第三项）",
            "!carer.neglected_duty",
        )
    );
}

#[test]
fn refuses_an_otherwise_unsuitable_carer_naming_upl_22_3_4() {
    assert_eq!(
        approve_refused(&[("carer.otherwise_unsuitable", "true")]),
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "有其他不适宜担任被委托人情形的人不得作为被委托人（未成年人保护法第二十二条第三款第四项）",
            "!carer.otherwise_unsuitable",
        )
    );
}

#[test]
fn refuses_a_carer_without_full_capacity_naming_upl_22_1() {
    assert_eq!(
        approve_refused(&[("carer.full_capacity", "false")]),
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "被委托人须具有完全民事行为能力（未成年人保护法第二十二条第一款）",
            "carer.full_capacity",
        )
    );
}

#[test]
fn refuses_a_carer_unable_to_care_naming_upl_22_1() {
    assert_eq!(
        approve_refused(&[("carer.able_to_care", "false")]),
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "被委托人须有照护能力（未成年人保护法第二十二条第一款）",
            "carer.able_to_care",
        )
    );
}

#[test]
fn refuses_a_carer_who_does_not_live_with_a_child_under_16_naming_upl_21_2() {
    assert_eq!(
        approve_refused(&[("carer.lives_with_child", "false")]),
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "被委托人不与儿童共同生活，未满十六周岁的未成年人将脱离监护单独生活（未成年人保护法第二十一条第二款）",
            "carer.lives_with_child || age(child.birth_date, now) >= 16",
        )
    );
}

#[test]
fn refuses_a_carer_for_a_child_needing_special_care_when_unsuitable_naming_upl_21_1() {
    // 10 years old, but needing special care: the UPL 21 rule for under-8s applies too.
    let err = approve_refused(&[
        ("child.special_needs", "true"),
        ("carer.serious_infectious_disease", "true"),
    ]);
    assert!(err.contains("（未成年人保护法第二十一条第一款）"), "{err}");
}

#[test]
fn refuses_a_carer_chosen_without_hearing_a_child_who_can_express_a_view_naming_upl_22_2() {
    let env = env();
    let id = registered(&env);
    let carer: Vec<(&str, &str)> = GOOD_CARER
        .iter()
        .filter(|(k, _)| *k != "child.views")
        .copied()
        .collect();
    assert_eq!(
        refused(
            &env,
            &id,
            "approve_carer",
            "village_committee",
            &carer,
            APPROVED_AT
        ),
        guard_message(
            "approve_carer",
            APPROVE_TITLE,
            "确定被委托人应当听取有表达意愿能力的未成年人的意见（未成年人保护法第二十二条第二款）",
            "!child.can_express_views || has(child.views)",
        )
    );
}

#[test]
fn approve_carer_without_the_vetting_answers_names_what_is_missing() {
    let env = env();
    let id = registered(&env);
    let err = refused(
        &env,
        &id,
        "approve_carer",
        "village_committee",
        &[
            ("carer.name", "王秀英"),
            ("carer.birth_date", "1958-03-02"),
            ("carer.relation", "grandparent"),
        ],
        APPROVED_AT,
    );
    assert_eq!(
        err,
        "错误：执行 approve_carer（审核被委托人）前须填写：\
         carer.full_capacity（被委托人具有完全民事行为能力）、\
         carer.able_to_care（被委托人有照护能力）、\
         carer.lives_with_child（被委托人与儿童共同生活）、\
         carer.record_of_harm（被委托人有性侵害、虐待、遗弃、拐卖、暴力伤害等违法犯罪行为）、\
         carer.addiction（被委托人有吸毒、酗酒、赌博等恶习）、\
         carer.neglected_duty（被委托人曾拒不履行或长期怠于履行监护、照护职责）、\
         carer.otherwise_unsuitable（被委托人有其他不适宜担任被委托人的情形）、\
         carer.serious_infectious_disease（被委托人患有严重传染性疾病）、\
         child.special_needs（儿童需要特别照顾（残疾、重病等））、\
         child.can_express_views（儿童有表达意愿的能力）。\n"
    );
}

// ----- refusals of sign_agreement -----

const SIGN_TITLE: &str = "签订委托照护协议并书面告知学校和村委会";

#[test]
fn refuses_an_agreement_not_witnessed_by_the_village_committee_as_local_practice() {
    let env = env();
    let id = approved(&env);
    let unwitnessed: Vec<(&str, &str)> = AGREEMENT
        .iter()
        .filter(|(k, _)| *k != "entrustment.witness_name")
        .copied()
        .collect();
    assert_eq!(
        refused(
            &env,
            &id,
            "sign_agreement",
            "village_committee",
            &unwitnessed,
            SIGNED_AT
        ),
        guard_message(
            "sign_agreement",
            SIGN_TITLE,
            "本地要求委托照护协议经村（居）民委员会见证备案（黔江区方案，地方做法）",
            "!settings.village_witness_required || has(entrustment.witness_name)",
        )
    );
}

#[test]
fn refuses_an_agreement_ending_before_it_starts() {
    let env = env();
    let id = approved(&env);
    let backwards = with(AGREEMENT, &[("entrustment.end_date", "2026-11-20")]);
    assert_eq!(
        refused(
            &env,
            &id,
            "sign_agreement",
            "village_committee",
            &backwards,
            SIGNED_AT
        ),
        guard_message(
            "sign_agreement",
            SIGN_TITLE,
            "委托照护的终止日期不得早于起始日期",
            "entrustment.start_date <= entrustment.end_date",
        )
    );
}

#[test]
fn refuses_an_agreement_whose_period_has_already_ended() {
    let env = env();
    let id = approved(&env);
    let past = with(
        AGREEMENT,
        &[
            ("entrustment.start_date", "2026-10-01"),
            ("entrustment.end_date", "2026-11-01"),
        ],
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "sign_agreement",
            "village_committee",
            &past,
            SIGNED_AT
        ),
        guard_message(
            "sign_agreement",
            SIGN_TITLE,
            "约定的委托期限已经届满，须重新约定期限",
            "entrustment.end_date >= today(now)",
        )
    );
}

#[test]
fn refuses_signing_before_the_carer_is_vetted() {
    let env = env();
    let id = registered(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "sign_agreement",
            "village_committee",
            AGREEMENT,
            SIGNED_AT
        ),
        "错误：当前状态 registered（已报告备案）不能执行 sign_agreement（签订委托照护协议并书面告知学校和村委会）；\
         该操作只能在以下状态执行：carer_approved（被委托人已审核）。\n"
    );
}

// ----- refusals while entrusted -----

#[test]
fn refuses_a_contact_logged_in_the_future() {
    let env = env();
    let id = entrusted(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "log_contact",
            "parent",
            &[
                ("contact.last_at", "2026-11-30T20:00:00+08:00"),
                ("contact.channel", "phone"),
            ],
            "2026-11-29T20:00:00+08:00",
        ),
        guard_message(
            "log_contact",
            "记录父母与儿童、被委托人的联系",
            "联系时间不能晚于当前时间",
            "contact.last_at <= now",
        )
    );
}

#[test]
fn refuses_a_neglect_finding_that_told_the_parents_before_it_was_found() {
    let env = env();
    let id = entrusted(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "find_neglect",
            "village_committee",
            &[
                ("concern", "奶奶住院，孩子无人做饭"),
                ("supervision.found_at", "2026-12-02T09:00:00+08:00"),
                ("supervision.parents_told_at", "2026-12-01T09:00:00+08:00"),
                ("supervision.reported_to", "civil_affairs"),
            ],
            "2026-12-02T10:00:00+08:00",
        ),
        guard_message(
            "find_neglect",
            "村委会发现被委托人缺乏照护能力或怠于履行职责",
            "告知父母的时间不能早于发现问题的时间",
            "supervision.found_at <= supervision.parents_told_at",
        )
    );
}

#[test]
fn refuses_escalation_by_the_parent() {
    let env = env();
    let id = entrusted(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "escalate",
            "parent",
            &[("concern", "孩子被打")],
            "2026-12-02T10:00:00+08:00"
        ),
        "错误：角色 parent（父母） 无权执行 escalate（严重失职或侵害，报告公安机关并转入监护干预）；\
         有权执行的角色：village_committee（村（居）民委员会）、child_director（儿童主任）、police（公安机关）。\n"
    );
}

#[test]
fn refuses_the_contact_lapse_to_anyone_but_the_deadline_runner() {
    let env = env();
    let id = entrusted(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "contact_lapsed",
            "village_committee",
            &[],
            "2026-12-02T10:00:00+08:00"
        ),
        "错误：contact_lapsed（父母逾期未联系，转村委会督促（未成年人保护法第二十三条第二款、第四十三条））\
         只能由期限到期时系统自动执行。\n"
    );
}

// ----- refusals of close (entrusted care) -----

const CLOSE_A_TITLE: &str = "结束委托照护";

#[test]
fn refuses_closing_for_a_parent_returned_without_the_return_date() {
    let env = env();
    let id = entrusted(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "village_committee",
            &[("close_reason", "parent_returned")],
            "2027-02-10T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_A_TITLE,
            "以父母返回结案，须记录父母返回日期",
            "close_reason != 'parent_returned' || has(parent.returned_on)",
        )
    );
}

#[test]
fn refuses_closing_for_the_period_before_it_ends() {
    let env = env();
    let id = entrusted(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "village_committee",
            &[("close_reason", "period_ended")],
            "2027-02-10T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_A_TITLE,
            "约定的委托照护期限尚未届满",
            "close_reason != 'period_ended' || (has(entrustment.end_date) && entrustment.end_date <= today(now))",
        )
    );
}

#[test]
fn refuses_closing_when_the_period_ends_but_the_parent_is_still_away_naming_upl_21_2() {
    let env = env();
    let id = entrusted(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "village_committee",
            &[("close_reason", "period_ended")],
            "2027-07-01T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_A_TITLE,
            "父母未返回，结束委托照护将使未满十六周岁的未成年人脱离监护单独生活（未成年人保护法第二十一条第二款）；请续签协议或另行委托",
            "close_reason == 'turned_18' || has(parent.returned_on) || age(child.birth_date, now) >= 16",
        )
    );
}

#[test]
fn refuses_closing_for_coming_of_age_before_the_18th_birthday() {
    let env = env();
    let id = entrusted(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "village_committee",
            &[("close_reason", "turned_18")],
            "2034-04-30T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_A_TITLE,
            "儿童尚未年满十八周岁（民法典第十七条，按周岁计算）",
            "close_reason != 'turned_18' || age(child.birth_date, now) >= 18",
        )
    );
    // On the birthday itself the child is 18 (周岁).
    advance(
        &env,
        &id,
        "close",
        "village_committee",
        &[("close_reason", "turned_18")],
        "2034-05-01T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "closed");
}

// ----- process D: guardianship intervention -----

/// Story 3: entrusted care fails and escalates into intervention, ending in revocation and a new
/// guardian.
#[test]
fn story_3_entrusted_care_fails_escalates_and_ends_in_revocation_and_a_new_guardian() {
    let env = env();
    let child_id = id_number("11010520160501001");
    let a = open_entrusted(&env, &child_id);
    advance(
        &env,
        &a,
        "approve_carer",
        "village_committee",
        GOOD_CARER,
        APPROVED_AT,
    );
    advance(
        &env,
        &a,
        "sign_agreement",
        "village_committee",
        AGREEMENT,
        SIGNED_AT,
    );

    // The village committee finds the grandmother in hospital and the boy fending for himself
    // (UPL 43): it tells the father, reports to civil affairs and supervises.
    advance(
        &env,
        &a,
        "find_neglect",
        "village_committee",
        &[
            ("concern", "奶奶住院，孩子无人做饭"),
            ("supervision.found_at", "2026-12-02T09:00:00+08:00"),
            ("supervision.parents_told_at", "2026-12-02T09:30:00+08:00"),
            ("supervision.reported_to", "civil_affairs"),
        ],
        "2026-12-02T10:00:00+08:00",
    );
    let s = show(&env, &a);
    assert_eq!(s["state"], "under_supervision");
    let visit = deadline(&s, "supervision_visit").expect("supervision_visit");
    assert_eq!(visit["every"], "1 month");
    // The weekly contact duty (kept) survives the move into supervision.
    assert!(deadline(&s, "weekly_contact").is_some(), "{s:#}");

    // Then bruises: the village committee reports to the police and the case escalates.
    let out = advance(
        &env,
        &a,
        "escalate",
        "village_committee",
        &[("concern", "儿童身上多处伤痕，被委托人饮酒后打骂")],
        "2026-12-07T10:00:00+08:00",
    );
    assert_eq!(
        out,
        "2026-000001 现在的状态：escalated（已转入监护干预）\n\
         已开立关联案件 2026-000002（guardianship-intervention）\n"
    );
    let s = show(&env, &a);
    assert_eq!(s["final"], true);
    assert_eq!(
        s["spawned"],
        serde_json::json!([{"case": "2026-000002", "link": "escalated_from", "workflow": "guardianship-intervention"}])
    );
    assert!(deadline_names(&s).is_empty(), "{s:#}");

    let d = "2026-000002";
    let s = show(&env, d);
    assert_eq!(s["workflow"], "guardianship-intervention");
    assert_eq!(s["state"], "reported");
    assert_eq!(
        s["origin"],
        serde_json::json!({"case": "2026-000001", "link": "escalated_from", "workflow": "entrusted-care"})
    );
    // The child, the concern, the guardian and the carer pass on.
    assert_eq!(s["data"]["source"], "entrusted_care");
    assert_eq!(s["data"]["child.name"], "李小明");
    assert_eq!(s["data"]["child.birth_date"], "2016-05-01");
    assert_eq!(s["data"]["child.sex"], "male");
    assert_eq!(s["data"]["child.id_number"], child_id.as_str());
    assert_eq!(s["data"]["child.address"], "黔江区城东街道某村3组");
    assert_eq!(s["data"]["concern"], "儿童身上多处伤痕，被委托人饮酒后打骂");
    assert_eq!(s["data"]["guardian.name"], "李强");
    assert_eq!(s["data"]["carer.name"], "王秀英");
    // Accept at once: within 24 hours (local reading of "immediately").
    assert_eq!(due(&s, "acceptance"), "2026-12-08T10:00:00+08:00");
    // Both cases of the child are found by the child's identity number.
    let list: Value =
        serde_json::from_str(&env.ok(&["case", "list", "--child", &child_id, "--json"]))
            .expect("JSON");
    let cases: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["case"].as_str().expect("case"))
        .collect();
    assert_eq!(cases, ["2026-000001", "2026-000002"]);

    advance(
        &env,
        d,
        "accept_referral",
        "police",
        &[],
        "2026-12-07T14:00:00+08:00",
    );
    assert_eq!(state(&env, d), "investigating");
    assert!(deadline(&show(&env, d), "acceptance").is_none());

    // The boy is hurt: medical check first, then removal to the rescue-protection institution
    // with a written handover; civil affairs is told.
    let out = advance(
        &env,
        d,
        "remove_child_to_institution",
        "police",
        &[
            ("removal.ground", "seriously_injured"),
            ("removal.at", "2026-12-07T17:30:00+08:00"),
            ("removal.receiver_kind", "rescue_institution"),
            ("removal.receiver_name", "黔江区未成年人救助保护中心"),
            ("removal.medical_check_needed", "true"),
            ("removal.medical_check_at", "2026-12-07T16:30:00+08:00"),
            ("civil_affairs.notified_at", "2026-12-07T17:45:00+08:00"),
        ],
        "2026-12-07T18:00:00+08:00",
    );
    // Without a profile naming the police station, the numbered handover record waits.
    assert_eq!(
        out,
        pending_no_body("未成年人交接单", "handover-record", "police", d)
            + "2026-000002 现在的状态：child_removed（已带离安置）\n\
               已开立关联案件 2026-000003（temporary-custody）\n"
    );
    let s = show(&env, d);
    assert_eq!(letters(&s), ["handover-record"]);
    // The case statement to the institution within 5 working days of Monday 7 December:
    // 8, 9, 10, 11, 14 December → 24:00 on the 14th (2014 Opinions art. 13).
    let statement = deadline(&s, "case_statement").expect("case_statement");
    assert_eq!(statement["due"], "2026-12-15T00:00:00+08:00");
    assert_eq!(statement["keep"], true);

    advance(
        &env,
        d,
        "deliver_case_statement",
        "police",
        &[("police.case_statement_at", "2026-12-11T10:00:00+08:00")],
        "2026-12-11T10:00:00+08:00",
    );
    // Delivering the statement fulfils the kept deadline.
    assert!(deadline(&show(&env, d), "case_statement").is_none());
    advance(
        &env,
        d,
        "start_assessment",
        "institution",
        &[],
        "2026-12-11T11:00:00+08:00",
    );
    assert_eq!(state(&env, d), "assessing");

    let out = advance(
        &env,
        d,
        "file_assessment_report",
        "institution",
        &[
            ("assessment.completed_on", "2027-01-08"),
            ("assessment.family", "父亲长期在外务工，母亲已去世"),
            ("assessment.guardian_remorse", "父亲拒绝返乡，也不另行委托"),
            (
                "assessment.child_health",
                "多处软组织挫伤，已愈合；情绪低落",
            ),
            (
                "assessment.child_wishes",
                "不愿回到原照护人身边，愿意跟外婆生活",
            ),
            ("assessment.conclusion", "petition_revocation"),
            ("proposed_guardian.name", "陈桂芳"),
            ("proposed_guardian.category", "grandparent"),
            ("proposed_guardian.best_interests", "孩子愿意随其生活"),
        ],
        "2027-01-08T16:00:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body("调查评估报告", "assessment-report", "institution", d)
            + "2026-000002 现在的状态：assessing（调查评估中）\n"
    );

    // Revocation is warranted (CC 36): others may apply; if nobody does in time, civil affairs
    // must, and the deadline says so.
    advance(
        &env,
        d,
        "recommend_revocation",
        "civil_affairs",
        &[
            ("revocation.ground", "neglect_or_refuses_to_entrust"),
            ("guardian.relation", "father"),
        ],
        "2027-01-11T10:00:00+08:00",
    );
    let s = show(&env, d);
    assert_eq!(s["state"], "petition_due");
    let others = deadline(&s, "others_petition").expect("others_petition");
    assert_eq!(others["on_breach"], "civil_affairs_duty_to_petition");
    assert_eq!(others["due"], "2027-02-12T00:00:00+08:00");

    // Nobody applies; the procuratorate recommends in writing that civil affairs apply.
    advance(
        &env,
        d,
        "procuratorate_recommends",
        "procuratorate",
        &[("procuratorate.recommended_on", "2027-02-15")],
        "2027-02-15T10:00:00+08:00",
    );
    assert_eq!(state(&env, d), "civil_affairs_to_petition");
    let out = advance(
        &env,
        d,
        "civil_affairs_petitions",
        "civil_affairs",
        &[
            ("petition.applicant_kind", "civil_affairs"),
            ("petition.applicant_name", "重庆市黔江区民政局"),
            ("petition.filed_on", "2027-02-18"),
            ("petition.court", "重庆市黔江区人民法院"),
            ("other_parent.status", "deceased"),
            ("proposed_guardian.name", "陈桂芳"),
            ("proposed_guardian.category", "grandparent"),
            (
                "proposed_guardian.best_interests",
                "外婆身体健康，孩子愿意随其生活",
            ),
        ],
        "2027-02-18T10:00:00+08:00",
    );
    // The petition is a party document without a number: civil affairs signs it at once. Archive
    // ids count per year: it is the first letter of 2027.
    assert_eq!(
        mask_codes(&out),
        "已出具《申请书》（revocation-petition）文号：无（本文书不编号），存档号：L2027-000001，核验码：*****-*****\n\
         2026-000002 现在的状态：petition_filed（已申请撤销监护人资格）\n"
    );

    advance(
        &env,
        d,
        "court_accepts",
        "court",
        &[
            ("court.case_number", "（2027）渝0114民特3号"),
            ("court.accepted_on", "2027-02-22"),
        ],
        "2027-02-22T15:00:00+08:00",
    );
    let s = show(&env, d);
    assert_eq!(s["state"], "in_court");
    // 30 days from acceptance on 22 February: 24:00 on 24 March.
    assert_eq!(due(&s, "court_decision"), "2027-03-25T00:00:00+08:00");

    advance(
        &env,
        d,
        "revoke_guardianship",
        "court",
        &[
            ("court.decided_on", "2027-03-19"),
            ("maintenance.note", "李强仍按月负担抚养费"),
        ],
        "2027-03-19T10:00:00+08:00",
    );
    assert_eq!(state(&env, d), "guardianship_revoked");
    assert!(deadline(&show(&env, d), "court_decision").is_none());

    // CC 27: the maternal grandmother comes first.
    advance(
        &env,
        d,
        "appoint_guardian",
        "court",
        &[
            ("new_guardian.name", "陈桂芳"),
            ("new_guardian.category", "grandparent"),
            ("new_guardian.unsuitable", "false"),
            ("new_guardian.lives_with_child", "true"),
            (
                "new_guardian.best_interests",
                "外婆身体健康，孩子愿意随其生活",
            ),
        ],
        "2027-03-19T10:30:00+08:00",
    );
    assert_eq!(state(&env, d), "guardian_appointed");
    // The institution hands the boy to his grandmother in writing, and the village committee
    // visits (issue 17 item 11): without both the case could not close.
    advance(
        &env,
        d,
        "hand_to_new_guardian",
        "institution",
        &[
            ("handover.at", "2027-03-20T10:00:00+08:00"),
            ("handover.receiver", "陈桂芳"),
        ],
        "2027-03-20T11:00:00+08:00",
    );
    advance(
        &env,
        d,
        "follow_up_visit_new_guardian",
        "village_committee",
        &[
            ("followup.visited_at", "2027-04-15T10:00:00+08:00"),
            ("followup.findings", "外婆照料周到，孩子情绪稳定"),
        ],
        "2027-04-15T11:00:00+08:00",
    );

    // The case stays open while the father may still apply for restoration; after the window
    // it closes with the new guardian in place.
    advance(
        &env,
        d,
        "close",
        "civil_affairs",
        &[("close_reason", "new_guardian_in_place")],
        "2028-03-25T10:00:00+08:00",
    );
    let s = show(&env, d);
    assert_eq!(s["state"], "closed");
    assert_eq!(s["data"]["new_guardian.name"], "陈桂芳");
    assert_eq!(
        letters(&s),
        [
            "handover-record",
            "assessment-report",
            "revocation-petition",
            "handover-record"
        ]
    );
    crate::letter_pdf::every_letter_exports_as_pdf(&env, &[d]);
}

// ----- mandatory report (police) -----

/// A school reports 张小花 (12), bruised, says her father beat her.
fn open_report(env: &TestEnv) -> String {
    open(
        env,
        "guardianship-intervention",
        "police",
        &[("source", "mandatory_report")],
        T0,
    )
}

const REPORT: &[(&str, &str)] = &[
    ("child.name", "张小花"),
    ("child.birth_date", "2014-09-10"),
    ("child.sex", "female"),
    ("report.received_at", "2026-11-23T09:40:00+08:00"),
    ("report.category", "domestic_violence"),
    ("report.facts", "学生脸部淤青，自述被父亲殴打"),
    ("reporter.kind", "school"),
    ("reporter.unit", "黔江区城东小学"),
    ("reporter.name", "王老师"),
    ("police.case_number", "渝公黔（城东）受案字〔2026〕88号"),
    ("police.officer_name", "李警官"),
    ("police.officer_phone", "023-79223110"),
];

const ACCEPTED_AT: &str = "2026-11-23T11:00:00+08:00";

fn accepted_report(env: &TestEnv) -> String {
    let id = open_report(env);
    advance(env, &id, "accept_report", "police", REPORT, ACCEPTED_AT);
    id
}

fn fed_back(env: &TestEnv) -> String {
    let id = accepted_report(env);
    advance(
        env,
        &id,
        "feed_back_to_reporter",
        "police",
        &[
            ("reporter.feedback_at", "2026-11-25T10:00:00+08:00"),
            ("reporter.feedback", "已受案调查，已对加害人依法处置"),
        ],
        "2026-11-25T10:00:00+08:00",
    );
    id
}

const WARNING: &[(&str, &str)] = &[
    ("admonishment.kind", "warning_letter"),
    ("admonishment.issued_at", "2026-11-25T15:00:00+08:00"),
    (
        "admonishment.facts",
        "2026年11月22日晚，张大山酒后用手掌击打女儿面部",
    ),
    ("abuser.name", "张大山"),
    ("abuser.relation", "父亲"),
    ("dv.minor", "true"),
    (
        "warning.village_committee_told_at",
        "2026-11-25T16:00:00+08:00",
    ),
];

const WARNED_AT: &str = "2026-11-25T17:00:00+08:00";

#[test]
fn story_4_a_domestic_violence_report_leads_to_a_warning_letter_and_closes_after_follow_up() {
    let env = env();
    let id = open_report(&env);
    let s = show(&env, &id);
    assert_eq!(s["state"], "reported");
    assert_eq!(s["data"]["source"], "mandatory_report");
    assert_eq!(due(&s, "acceptance"), "2026-11-24T10:00:00+08:00");

    let out = advance(&env, &id, "accept_report", "police", REPORT, ACCEPTED_AT);
    // The receipt is the police station's: without a profile naming it, it waits.
    assert_eq!(
        out,
        pending_no_body("受案回执", "report-receipt", "police", &id)
            + "2026-000001 现在的状态：investigating（调查处置中）\n"
    );
    let s = show(&env, &id);
    assert_eq!(letters(&s), ["report-receipt"]);
    // The reporter's identity is recorded (and marked sensitive in the workflow).
    assert_eq!(s["data"]["reporter.name"], "王老师");
    assert_eq!(s["data"]["reporter.unit"], "黔江区城东小学");
    // Feedback to the reporting unit within 3 days of opening the case: 24:00 on 26 November.
    let feedback = deadline(&s, "reporter_feedback").expect("reporter_feedback");
    assert_eq!(feedback["due"], "2026-11-27T00:00:00+08:00");
    assert_eq!(feedback["keep"], true);
    assert!(deadline(&s, "acceptance").is_none());
    let wf: Value =
        serde_json::from_str(&env.ok(&["workflow", "show", "guardianship-intervention", "--json"]))
            .expect("JSON");
    // The reporter's identity is kept confidential: the fields are marked sensitive.
    for name in ["reporter.name", "reporter.unit", "reporter.phone"] {
        let field = wf["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no field {name}"));
        assert_eq!(field["sensitive"], true, "{field}");
    }

    advance(
        &env,
        &id,
        "feed_back_to_reporter",
        "police",
        &[
            ("reporter.feedback_at", "2026-11-25T10:00:00+08:00"),
            ("reporter.feedback", "已受案调查"),
        ],
        "2026-11-25T10:00:00+08:00",
    );
    // The feedback fulfils the kept deadline; the history says so.
    assert!(deadline(&show(&env, &id), "reporter_feedback").is_none());
    let history = env.ok(&["case", "history", &id]);
    assert!(history.contains("reporter_feedback"), "{history}");

    let out = advance(
        &env,
        &id,
        "issue_warning_letter",
        "police",
        WARNING,
        WARNED_AT,
    );
    assert_eq!(
        out,
        pending_no_body("家庭暴力告诫书", "warning-letter", "police", &id)
            + "2026-000001 现在的状态：admonished（已劝诫、训诫或告诫，回访中）\n"
    );
    let s = show(&env, &id);
    assert_eq!(s["data"]["admonishment.kind"], "warning_letter");
    assert_eq!(letters(&s), ["report-receipt", "warning-letter"]);
    // The village committee and the police station visit afterwards (ADVL 17): every 30 days
    // (local setting), the first by 24:00 on 25 December.
    let visit = deadline(&s, "follow_up_visit").expect("follow_up_visit");
    assert_eq!(visit["due"], "2026-12-26T00:00:00+08:00");
    assert_eq!(visit["every"], "30d");

    advance(
        &env,
        &id,
        "follow_up_visit",
        "village_committee",
        &[
            ("followup.visited_at", "2026-12-09T10:00:00+08:00"),
            ("followup.findings", "未再发生家庭暴力，孩子情绪稳定"),
        ],
        "2026-12-09T10:30:00+08:00",
    );
    let s = show(&env, &id);
    assert_eq!(due(&s, "follow_up_visit"), "2027-01-09T00:00:00+08:00");

    let out = advance(
        &env,
        &id,
        "close",
        "police",
        &[("close_reason", "admonished_and_followed_up")],
        "2026-12-09T11:00:00+08:00",
    );
    assert_eq!(out, "2026-000001 现在的状态：closed（已结案）\n");
    let s = show(&env, &id);
    assert_eq!(s["final"], true);
    assert!(deadline_names(&s).is_empty(), "{s:#}");
}

// ----- restoration -----

/// A mandatory report about 张小花 whose mother 陈某 harmed her, taken to revocation (decided
/// 15 January 2027) and the appointment of the grandmother.
fn guardian_appointed(env: &TestEnv) -> String {
    let id = fed_back(env);
    advance(
        env,
        &id,
        "refer_for_assessment",
        "police",
        &[("investigation.findings", "母亲长期殴打、辱骂孩子")],
        "2026-11-26T10:00:00+08:00",
    );
    advance(
        env,
        &id,
        "file_assessment_report",
        "institution",
        &[
            ("assessment.completed_on", "2026-12-15"),
            ("assessment.family", "父亲已去世，与母亲同住"),
            ("assessment.guardian_remorse", "母亲否认打骂"),
            ("assessment.child_health", "多处旧伤"),
            ("assessment.child_wishes", "愿意跟奶奶生活"),
            ("assessment.conclusion", "petition_revocation"),
            ("proposed_guardian.name", "陈桂芳"),
            ("proposed_guardian.category", "grandparent"),
            ("proposed_guardian.best_interests", "孩子愿意随其生活"),
        ],
        "2026-12-15T10:00:00+08:00",
    );
    advance(
        env,
        &id,
        "recommend_revocation",
        "civil_affairs",
        &[
            ("revocation.ground", "serious_harm"),
            ("guardian.name", "陈某"),
            ("guardian.relation", "mother"),
        ],
        "2026-12-16T10:00:00+08:00",
    );
    let out = advance(
        env,
        &id,
        "file_petition",
        "village_committee",
        &[
            ("petition.applicant_kind", "village_committee"),
            ("petition.applicant_name", "城东村民委员会"),
            ("petition.filed_on", "2026-12-18"),
            ("petition.court", "重庆市黔江区人民法院"),
            ("other_parent.status", "deceased"),
            ("proposed_guardian.name", "陈桂芳"),
            ("proposed_guardian.category", "grandparent"),
            (
                "proposed_guardian.best_interests",
                "外婆身体健康，孩子愿意随其生活",
            ),
            ("concern", "母亲长期殴打、辱骂孩子"),
        ],
        "2026-12-18T10:00:00+08:00",
    );
    // A party document without a number: the village committee signs it at once.
    assert!(
        out.starts_with(
            "已出具《申请书》（revocation-petition）文号：无（本文书不编号），存档号：L2026-"
        ),
        "{out}"
    );
    advance(
        env,
        &id,
        "court_accepts",
        "court",
        &[
            ("court.case_number", "（2026）渝0114民特41号"),
            ("court.accepted_on", "2026-12-21"),
        ],
        "2026-12-21T10:00:00+08:00",
    );
    advance(
        env,
        &id,
        "revoke_guardianship",
        "court",
        &[
            ("court.decided_on", "2027-01-15"),
            ("maintenance.note", "陈某仍负担抚养费"),
        ],
        "2027-01-15T10:00:00+08:00",
    );
    advance(
        env,
        &id,
        "appoint_guardian",
        "court",
        &[
            ("new_guardian.name", "张奶奶"),
            ("new_guardian.category", "grandparent"),
            ("new_guardian.unsuitable", "false"),
            ("new_guardian.lives_with_child", "true"),
            ("new_guardian.best_interests", "奶奶一直照看孩子"),
        ],
        "2027-01-15T11:00:00+08:00",
    );
    assert_eq!(state(env, &id), "guardian_appointed");
    id
}

const RESTORE_TITLE: &str = "被撤销监护人资格的父母申请恢复";

fn application(applied_on: &str) -> Vec<(&str, &str)> {
    vec![
        ("restoration.applicant_name", "陈某"),
        ("restoration.applicant_relation", "mother"),
        ("restoration.applied_on", applied_on),
        ("restoration.intentional_crime_against_child", "false"),
    ]
}

#[test]
fn story_5_restoration_is_refused_before_the_window_and_accepted_inside_it() {
    let env = env();
    let id = guardian_appointed(&env);

    // One month after revocation: too early.
    let err = refused(
        &env,
        &id,
        "apply_for_restoration",
        "parent",
        &application("2027-02-15"),
        "2027-02-15T10:00:00+08:00",
    );
    assert_eq!(
        err,
        guard_message(
            "apply_for_restoration",
            RESTORE_TITLE,
            "撤销监护人资格后满三个月方可申请恢复（2014年《意见》第三十八条：撤销后三个月至一年内申请）",
            "restoration.applied_on >= add_period(court.decided_on, settings.restoration_window_opens)",
        )
    );
    // Four months after: the conditions are not met when she harmed the child by a crime.
    let mut crime = application("2027-05-17");
    crime.retain(|(k, _)| *k != "restoration.intentional_crime_against_child");
    crime.push(("restoration.intentional_crime_against_child", "true"));
    let err = refused(
        &env,
        &id,
        "apply_for_restoration",
        "parent",
        &crime,
        "2027-05-17T10:00:00+08:00",
    );
    assert_eq!(
        err,
        guard_message(
            "apply_for_restoration",
            RESTORE_TITLE,
            "对被监护人实施故意犯罪的，不得恢复监护人资格（民法典第三十八条）",
            "!restoration.intentional_crime_against_child",
        )
    );
    assert_eq!(state(&env, &id), "guardian_appointed");

    // Inside the window, no intentional crime: the application is recorded.
    // The application window closes a year after the revocation: a kept deadline says when.
    let window = deadline(&show(&env, &id), "restoration_window")
        .expect("restoration_window")
        .clone();
    // A year from 15 January 2027 ends on Saturday 15 January 2028, a rest day, so the period
    // runs to Monday the 17th (CC 203).
    assert_eq!(window["due"], "2028-01-18T00:00:00+08:00");
    assert_eq!(window["keep"], true);

    let out = advance(
        &env,
        &id,
        "apply_for_restoration",
        "parent",
        &application("2027-05-17"),
        "2027-05-17T10:00:00+08:00",
    );
    assert_eq!(
        out,
        "2026-000001 现在的状态：restoration_applied（已申请恢复监护人资格）\n"
    );
    // The court decides (recorded with its case number, not computed).
    advance(
        &env,
        &id,
        "restore_guardianship",
        "court",
        &[
            ("restoration.case_number", "（2027）渝0114民特19号"),
            ("restoration.decided_on", "2027-06-18"),
            (
                "restoration.repentance",
                "完成家庭教育指导课程，心理评估良好",
            ),
            ("restoration.child_wishes", "愿意回到妈妈身边"),
        ],
        "2027-06-18T10:00:00+08:00",
    );
    let s = show(&env, &id);
    assert_eq!(s["state"], "restored");
    assert!(deadline(&s, "restoration_window").is_none(), "{s:#}");

    // Civil affairs issues the restoration notice; the mother collects within 3 days.
    let out = advance(
        &env,
        &id,
        "notify_restoration",
        "civil_affairs",
        &[("guardian.notified_at", "2027-06-21T10:00:00+08:00")],
        "2027-06-21T10:00:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body("恢复监护通知书", "restoration-notice", "civil_affairs", &id)
            + "2026-000001 现在的状态：return_notified（已通知监护人领回）\n"
    );
    let s = show(&env, &id);
    assert_eq!(
        due(&s, "guardian_collects_child"),
        "2027-06-25T00:00:00+08:00"
    );

    let out = advance(
        &env,
        &id,
        "collect_child",
        "civil_affairs",
        &[
            ("handover.at", "2027-06-23T15:00:00+08:00"),
            ("handover.receiver", "陈某"),
        ],
        "2027-06-23T16:00:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body("未成年人交接单", "handover-record", "civil_affairs", &id)
            + "2026-000001 现在的状态：returned_home（已返家，随访中）\n"
    );
    let s = show(&env, &id);
    assert!(deadline(&s, "guardian_collects_child").is_none());
    assert_eq!(
        deadline(&s, "follow_up_visit").expect("follow_up_visit")["every"],
        "30d"
    );

    advance(
        &env,
        &id,
        "follow_up_visit_at_home",
        "village_committee",
        &[
            ("followup.visited_at", "2027-07-15T10:00:00+08:00"),
            ("followup.findings", "母女关系良好"),
        ],
        "2027-07-15T11:00:00+08:00",
    );
    advance(
        &env,
        &id,
        "close",
        "civil_affairs",
        &[("close_reason", "returned_and_followed_up")],
        "2027-07-16T10:00:00+08:00",
    );
    let s = show(&env, &id);
    assert_eq!(s["state"], "closed");
    assert_eq!(
        letters(&s),
        [
            "report-receipt",
            "assessment-report",
            "revocation-petition",
            "restoration-notice",
            "handover-record"
        ]
    );
    crate::letter_pdf::every_letter_exports_as_pdf(&env, &[&id]);
}

// ----- refusals of restoration -----

#[test]
fn the_restoration_window_runs_between_the_corresponding_days_3_months_and_1_year_after_revocation()
{
    // Revoked on 15 January 2027: open from 15 April 2027 to 15 January 2028 (CC 202).
    let env = env();
    let id = guardian_appointed(&env);
    let err = refused(
        &env,
        &id,
        "apply_for_restoration",
        "parent",
        &application("2027-04-14"),
        "2027-04-14T10:00:00+08:00",
    );
    assert!(
        err.contains("撤销监护人资格后满三个月方可申请恢复"),
        "{err}"
    );
    advance(
        &env,
        &id,
        "apply_for_restoration",
        "parent",
        &application("2027-04-15"),
        "2027-04-15T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "restoration_applied");

    let env = self::env();
    let id = guardian_appointed(&env);
    advance(
        &env,
        &id,
        "apply_for_restoration",
        "parent",
        &application("2028-01-15"),
        "2028-01-15T10:00:00+08:00",
    );
    assert_eq!(state(&env, &id), "restoration_applied");
}

#[test]
fn refuses_restoration_after_the_one_year_window() {
    let env = env();
    let id = guardian_appointed(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "apply_for_restoration",
            "parent",
            &application("2028-01-18"),
            "2028-01-18T10:00:00+08:00"
        ),
        "错误：不能执行 apply_for_restoration（被撤销监护人资格的父母申请恢复）：restoration.applied_on（恢复申请日期） \
         不在“被撤销监护人资格的父母申请恢复的期限届满（撤销后一年，2014年《意见》第三十八条）”（restoration_window）\
         届满之前（届满时间 2028-01-17 24:00）；期间按民法典第二百零一条至第二百零三条只计算一次，本操作须在期间内。\n"
    );
}

#[test]
fn refuses_restoration_applied_for_by_someone_else_than_the_revoked_parent() {
    let env = env();
    let id = guardian_appointed(&env);
    let mut other = application("2027-05-17");
    other.retain(|(k, _)| *k != "restoration.applicant_name");
    other.push(("restoration.applicant_name", "张某某"));
    assert_eq!(
        refused(
            &env,
            &id,
            "apply_for_restoration",
            "parent",
            &other,
            "2027-05-17T10:00:00+08:00"
        ),
        guard_message(
            "apply_for_restoration",
            RESTORE_TITLE,
            "申请人须是本案中被撤销监护人资格的父母本人（民法典第三十八条）",
            "restoration.applicant_name == guardian.name || (has(court.revoked_both) && court.revoked_both && restoration.applicant_name == other_parent.name)",
        )
    );
}

#[test]
fn refuses_restoration_to_an_applicant_who_is_not_a_parent() {
    let env = env();
    let id = guardian_appointed(&env);
    let mut other = application("2027-05-17");
    other.retain(|(k, _)| *k != "restoration.applicant_relation");
    other.push(("restoration.applicant_relation", "other"));
    assert_eq!(
        refused(
            &env,
            &id,
            "apply_for_restoration",
            "parent",
            &other,
            "2027-05-17T10:00:00+08:00"
        ),
        guard_message(
            "apply_for_restoration",
            RESTORE_TITLE,
            "只有被撤销监护人资格的父母可以申请恢复监护人资格（民法典第三十八条）",
            "guardian.relation in ['father', 'mother'] && restoration.applicant_relation in ['father', 'mother']",
        )
    );
}

// ----- refusals of intake -----

#[test]
fn refuses_accepting_a_referral_as_a_mandatory_report() {
    let env = env();
    let id = open(
        &env,
        "guardianship-intervention",
        "police",
        &[("source", "detained_parent")],
        T0,
    );
    assert_eq!(
        refused(&env, &id, "accept_report", "police", REPORT, ACCEPTED_AT),
        guard_message(
            "accept_report",
            "受理强制报告并出具回执",
            "本案不是强制报告案件，请用 accept_referral 受理转介案件",
            "source == 'mandatory_report'",
        )
    );
}

#[test]
fn refuses_accepting_a_mandatory_report_without_the_report_and_the_receipt() {
    let env = env();
    let id = open_report(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "accept_referral",
            "police",
            &[
                ("child.name", "张小花"),
                ("child.birth_date", "2014-09-10"),
                ("concern", "脸部淤青"),
            ],
            ACCEPTED_AT,
        ),
        guard_message(
            "accept_referral",
            "受理转介案件",
            "强制报告案件须用 accept_report 受理，录入报告内容和报告人并出具受理回执（未成年人保护法第十一条）",
            "source != 'mandatory_report'",
        )
    );
}

#[test]
fn accepting_a_report_without_the_reporter_names_what_is_missing() {
    let env = env();
    let id = open_report(&env);
    let anonymous: Vec<(&str, &str)> = REPORT
        .iter()
        .filter(|(k, _)| !k.starts_with("reporter."))
        .copied()
        .collect();
    assert_eq!(
        refused(
            &env,
            &id,
            "accept_report",
            "police",
            &anonymous,
            ACCEPTED_AT
        ),
        "错误：执行 accept_report（受理强制报告并出具回执）前须填写：\
         reporter.kind（报告人类别）、reporter.name（报告人姓名（保密））。\n"
    );
}

#[test]
fn refuses_feedback_on_a_case_that_no_one_reported() {
    let env = env();
    let id = open(
        &env,
        "guardianship-intervention",
        "police",
        &[("source", "entrusted_care")],
        T0,
    );
    advance(
        &env,
        &id,
        "accept_referral",
        "police",
        &[
            ("child.name", "李小明"),
            ("child.birth_date", "2016-05-01"),
            ("concern", "无人照看"),
        ],
        ACCEPTED_AT,
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "feed_back_to_reporter",
            "police",
            &[
                ("reporter.feedback_at", "2026-11-24T10:00:00+08:00"),
                ("reporter.feedback", "已处理"),
            ],
            "2026-11-24T10:00:00+08:00",
        ),
        guard_message(
            "feed_back_to_reporter",
            "向报告单位反馈处理情况",
            "只有强制报告案件需要向报告单位反馈",
            "source == 'mandatory_report'",
        )
    );
}

// ----- refusals of removal -----

const REMOVAL: &[(&str, &str)] = &[
    ("removal.ground", "serious_danger"),
    ("removal.at", "2026-11-23T14:00:00+08:00"),
    ("removal.receiver_kind", "relative"),
    ("removal.receiver_name", "张奶奶"),
    ("removal.receiver_unsuitable", "false"),
    ("removal.receiver_record_of_harm", "false"),
    ("removal.receiver_addiction", "false"),
    ("removal.receiver_neglected_duty", "false"),
    ("removal.medical_check_needed", "false"),
];

const REMOVED_AT: &str = "2026-11-23T14:30:00+08:00";

#[test]
fn refuses_removal_without_the_medical_check_first_when_one_is_needed() {
    let env = env();
    let id = accepted_report(&env);
    let hurt = with(REMOVAL, &[("removal.medical_check_needed", "true")]);
    assert_eq!(
        refused(&env, &id, "remove_child", "police", &hurt, REMOVED_AT),
        guard_message(
            "remove_child",
            "带离并交由其他监护人、亲属或村（居）民委员会照护",
            "需要医疗检查的，应当先行送医检查，再带离交接（应急处置）",
            "!removal.medical_check_needed || (has(removal.medical_check_at) && removal.medical_check_at <= removal.at)",
        )
    );
    // A check after the removal is not a check first.
    let late = with(
        REMOVAL,
        &[
            ("removal.medical_check_needed", "true"),
            ("removal.medical_check_at", "2026-11-23T14:20:00+08:00"),
        ],
    );
    let err = refused(&env, &id, "remove_child", "police", &late, REMOVED_AT);
    assert!(err.contains("需要医疗检查的，应当先行送医检查"), "{err}");
    // Checked first: removed, with a written handover.
    let checked = with(
        REMOVAL,
        &[
            ("removal.medical_check_needed", "true"),
            ("removal.medical_check_at", "2026-11-23T13:00:00+08:00"),
        ],
    );
    let out = advance(&env, &id, "remove_child", "police", &checked, REMOVED_AT);
    assert!(
        out.contains(&pending_no_body(
            "未成年人交接单",
            "handover-record",
            "police",
            &id
        )),
        "{out}"
    );
    // No institution, no case statement due.
    assert!(deadline(&show(&env, &id), "case_statement").is_none());
}

#[test]
fn refuses_removal_of_a_child_under_8_to_an_unsuitable_relative_naming_upl_21_1() {
    let env = env();
    let id = open_report(&env);
    let young = with(
        REPORT,
        &[("child.name", "张小宝"), ("child.birth_date", "2020-02-02")],
    );
    advance(&env, &id, "accept_report", "police", &young, ACCEPTED_AT);
    let unsuitable = with(REMOVAL, &[("removal.receiver_unsuitable", "true")]);
    assert_eq!(
        refused(&env, &id, "remove_child", "police", &unsuitable, REMOVED_AT),
        guard_message(
            "remove_child",
            "带离并交由其他监护人、亲属或村（居）民委员会照护",
            "未满八周岁的未成年人不得交由无民事行为能力、限制民事行为能力、患有严重传染性疾病或者其他不适宜的人员照护（未成年人保护法第二十一条第一款）；请交由其他适宜的人员或送交救助保护机构",
            "age(child.birth_date, now) >= 8 || !removal.receiver_unsuitable",
        )
    );
}

#[test]
fn refuses_removal_to_an_institution_by_the_relatives_route() {
    let env = env();
    let id = accepted_report(&env);
    let institution = with(REMOVAL, &[("removal.receiver_kind", "rescue_institution")]);
    assert_eq!(
        refused(
            &env,
            &id,
            "remove_child",
            "police",
            &institution,
            REMOVED_AT
        ),
        guard_message(
            "remove_child",
            "带离并交由其他监护人、亲属或村（居）民委员会照护",
            "送交救助保护机构的，请用 remove_child_to_institution（须通知民政部门，并在五个工作日内提供案件情况说明）",
            "removal.receiver_kind != 'rescue_institution'",
        )
    );
}

#[test]
fn refuses_removal_to_relatives_by_the_institution_route() {
    let env = env();
    let id = accepted_report(&env);
    let relatives = with(
        REMOVAL,
        &[("civil_affairs.notified_at", "2026-11-23T14:10:00+08:00")],
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "remove_child_to_institution",
            "police",
            &relatives,
            REMOVED_AT
        ),
        guard_message(
            "remove_child_to_institution",
            "带离并送交未成年人救助保护机构",
            "交由其他监护人、亲属或村（居）民委员会照护的，请用 remove_child",
            "removal.receiver_kind == 'rescue_institution'",
        )
    );
}

#[test]
fn refuses_removal_by_anyone_but_the_police() {
    let env = env();
    let id = accepted_report(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "remove_child",
            "village_committee",
            REMOVAL,
            REMOVED_AT
        ),
        "错误：角色 village_committee（村（居）民委员会） 无权执行 remove_child（带离并交由其他监护人、亲属或村（居）民委员会照护）；\
         有权执行的角色：police（公安机关）。\n"
    );
}

// ----- refusals of protection orders, assessment and return -----

#[test]
fn refuses_a_protection_order_valid_for_more_than_6_months_naming_advl_30() {
    let env = env();
    let id = accepted_report(&env);
    advance(
        &env,
        &id,
        "apply_urgent_protection_order",
        "civil_affairs",
        &[
            ("protection_order.applied_at", "2026-11-23T15:00:00+08:00"),
            ("protection_order.applicant", "黔江区民政局"),
        ],
        "2026-11-23T15:30:00+08:00",
    );
    let s = show(&env, &id);
    assert_eq!(s["state"], "protection_order_applied");
    // Urgent: the court rules within 24 hours of the application (ADVL 28).
    assert_eq!(
        due(&s, "protection_order_ruling"),
        "2026-11-24T15:00:00+08:00"
    );
    let order = [
        ("protection_order.case_number", "（2026）渝0114民保令7号"),
        ("protection_order.effective_on", "2026-11-24"),
        ("protection_order.valid_months", "12"),
        ("protection_order.expires_on", "2027-05-23"),
    ];
    assert_eq!(
        refused(
            &env,
            &id,
            "grant_protection_order",
            "court",
            &order,
            "2026-11-24T10:00:00+08:00"
        ),
        guard_message(
            "grant_protection_order",
            "法院发出人身安全保护令",
            "人身安全保护令的有效期不超过六个月（反家庭暴力法第三十条）",
            "protection_order.valid_months >= 1 && protection_order.valid_months <= 6",
        )
    );
    let order = with(&order, &[("protection_order.valid_months", "6")]);
    advance(
        &env,
        &id,
        "grant_protection_order",
        "court",
        &order,
        "2026-11-24T10:00:00+08:00",
    );
    let s = show(&env, &id);
    assert_eq!(s["state"], "assessing");
    assert!(deadline(&s, "protection_order_ruling").is_none());
}

#[test]
fn an_ordinary_protection_order_application_gives_the_court_72_hours() {
    let env = env();
    let id = accepted_report(&env);
    advance(
        &env,
        &id,
        "apply_protection_order",
        "village_committee",
        &[
            ("protection_order.applied_at", "2026-11-23T15:00:00+08:00"),
            ("protection_order.applicant", "城东村民委员会"),
        ],
        "2026-11-23T15:30:00+08:00",
    );
    assert_eq!(
        due(&show(&env, &id), "protection_order_ruling"),
        "2026-11-26T15:00:00+08:00"
    );
}

#[test]
fn refuses_a_help_plan_before_the_assessment_report() {
    let env = env();
    let id = accepted_report(&env);
    advance(
        &env,
        &id,
        "refer_for_assessment",
        "police",
        &[("investigation.findings", "父亲酗酒后打骂")],
        "2026-11-24T10:00:00+08:00",
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "adopt_help_plan",
            "civil_affairs",
            &[("help.plan", "家庭教育指导")],
            "2026-11-25T10:00:00+08:00"
        ),
        guard_message(
            "adopt_help_plan",
            "制定帮扶方案",
            "须先出具调查评估报告（评估帮扶）",
            "has(assessment.completed_on)",
        )
    );
}

/// A child removed to the institution and assessed, ready for a decision on return.
fn assessed_in_care(env: &TestEnv) -> String {
    let id = fed_back(env);
    advance(
        env,
        &id,
        "remove_child_to_institution",
        "police",
        &[
            ("removal.ground", "seriously_injured"),
            ("removal.at", "2026-11-25T14:00:00+08:00"),
            ("removal.receiver_kind", "rescue_institution"),
            ("removal.receiver_name", "黔江区未成年人救助保护中心"),
            ("removal.medical_check_needed", "false"),
            ("civil_affairs.notified_at", "2026-11-25T14:10:00+08:00"),
        ],
        "2026-11-25T14:30:00+08:00",
    );
    advance(
        env,
        &id,
        "start_assessment",
        "institution",
        &[],
        "2026-11-26T10:00:00+08:00",
    );
    advance(
        env,
        &id,
        "file_assessment_report",
        "institution",
        &[
            ("assessment.completed_on", "2026-12-10"),
            ("assessment.family", "父亲已戒酒"),
            (
                "assessment.guardian_remorse",
                "父亲真诚悔过，参加了家庭教育指导",
            ),
            ("assessment.child_health", "伤已痊愈"),
            ("assessment.child_wishes", "想回家"),
            ("assessment.conclusion", "return_home"),
        ],
        "2026-12-10T10:00:00+08:00",
    );
    id
}

#[test]
fn refuses_a_return_before_the_case_conference_concludes_for_it() {
    let env = env();
    let id = assessed_in_care(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "notify_return",
            "institution",
            &[
                ("conference.held_on", "2026-12-11"),
                ("conference.conclusion", "not_yet"),
                ("guardian.notified_at", "2026-12-11T15:00:00+08:00"),
            ],
            "2026-12-11T15:00:00+08:00",
        ),
        guard_message(
            "notify_return",
            "会商后通知监护人领回儿童",
            "会商结论作出前不得将儿童送返监护人（2014年《意见》：送返前须经会商）",
            "conference.conclusion == 'return'",
        )
    );
    // With the conference's conclusion: the guardian has 3 days to collect the child.
    advance(
        &env,
        &id,
        "notify_return",
        "institution",
        &[
            ("conference.held_on", "2026-12-11"),
            ("conference.conclusion", "return"),
            ("guardian.notified_at", "2026-12-11T15:00:00+08:00"),
        ],
        "2026-12-11T15:00:00+08:00",
    );
    let s = show(&env, &id);
    assert_eq!(s["state"], "return_notified");
    assert_eq!(
        due(&s, "guardian_collects_child"),
        "2026-12-15T00:00:00+08:00"
    );
}

#[test]
fn refuses_a_return_of_a_child_who_was_never_removed() {
    let env = env();
    let id = accepted_report(&env);
    advance(
        &env,
        &id,
        "refer_for_assessment",
        "police",
        &[("investigation.findings", "父亲酗酒后打骂")],
        "2026-11-24T10:00:00+08:00",
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "notify_return",
            "institution",
            &[
                ("conference.held_on", "2026-12-11"),
                ("conference.conclusion", "return"),
                ("guardian.notified_at", "2026-12-11T15:00:00+08:00"),
            ],
            "2026-12-11T15:00:00+08:00",
        ),
        guard_message(
            "notify_return",
            "会商后通知监护人领回儿童",
            "儿童未被带离安置，无需送返",
            "has(removal.at)",
        )
    );
}

// ----- refusals of admonishment -----

const WARNING_TITLE: &str =
    "出具家庭暴力告诫书并通知村（居）民委员会（反家庭暴力法第十六、十七条）";

#[test]
fn refuses_a_warning_letter_for_serious_domestic_violence_naming_advl_16() {
    let env = env();
    let id = fed_back(&env);
    let serious = with(WARNING, &[("dv.minor", "false")]);
    assert_eq!(
        refused(
            &env,
            &id,
            "issue_warning_letter",
            "police",
            &serious,
            WARNED_AT
        ),
        guard_message(
            "issue_warning_letter",
            WARNING_TITLE,
            "告诫书适用于家庭暴力情节较轻、依法不给予治安管理处罚的情形（反家庭暴力法第十六条）；情节较重的应当依法给予治安管理处罚或者追究刑事责任",
            "dv.minor",
        )
    );
}

#[test]
fn refuses_a_warning_letter_recorded_as_another_kind_of_admonishment() {
    let env = env();
    let id = fed_back(&env);
    let mislabelled = with(WARNING, &[("admonishment.kind", "reprimand")]);
    assert_eq!(
        refused(
            &env,
            &id,
            "issue_warning_letter",
            "police",
            &mislabelled,
            WARNED_AT
        ),
        guard_message(
            "issue_warning_letter",
            WARNING_TITLE,
            "本步骤出具家庭暴力告诫书，措施种类应为 warning_letter（告诫书）",
            "admonishment.kind == 'warning_letter'",
        )
    );
}

#[test]
fn refuses_a_warning_letter_from_the_village_committee() {
    let env = env();
    let id = fed_back(&env);
    let err = refused(
        &env,
        &id,
        "issue_warning_letter",
        "village_committee",
        WARNING,
        WARNED_AT,
    );
    assert_eq!(
        err,
        format!(
            "错误：角色 village_committee（村（居）民委员会） 无权执行 issue_warning_letter（{WARNING_TITLE}）；有权执行的角色：police（公安机关）。\n"
        )
    );
}

#[test]
fn a_reprimand_and_a_family_education_order_are_recorded_with_their_letters() {
    let env = env();
    let id = fed_back(&env);
    let out = advance(
        &env,
        &id,
        "reprimand",
        "police",
        &[
            ("admonishment.kind", "reprimand"),
            ("admonishment.issued_at", "2026-11-26T10:00:00+08:00"),
            ("admonishment.facts", "父亲长期不管孩子吃饭上学"),
            ("admonishment.guidance_ordered", "true"),
            ("guardian.name", "张大山"),
        ],
        "2026-11-26T10:30:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body("训诫书", "reprimand", "police", &id)
            + "2026-000001 现在的状态：admonished（已劝诫、训诫或告诫，回访中）\n"
    );
    // The court reprimands by its own transition, not by the police's and procuratorate's.
    let court_sets = [
        ("admonishment.kind", "reprimand"),
        ("admonishment.issued_at", "2026-12-10T10:00:00+08:00"),
        ("admonishment.facts", "经公安机关训诫后仍不管孩子吃饭上学"),
        ("admonishment.case_number", "（2026）渝0114民特48号"),
        (
            "admonishment.reprimand_number",
            "（2026）渝0114民特48号之一",
        ),
    ];
    let err = refused(
        &env,
        &id,
        "reprimand",
        "court",
        &court_sets,
        "2026-12-10T10:30:00+08:00",
    );
    assert!(
        err.starts_with("错误：角色 court（人民法院） 无权执行 reprimand（")
            && err.contains("有权执行的角色：police（公安机关）、procuratorate（人民检察院）"),
        "{err}"
    );
    // Its 训诫书 is a court document numbered with the court's case number, and waits like the
    // police's for the court to be configured.
    let out = advance(
        &env,
        &id,
        "court_reprimand",
        "court",
        &court_sets,
        "2026-12-10T10:30:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body("训诫书", "reprimand", "court", &id)
            + "2026-000001 现在的状态：admonished（已劝诫、训诫或告诫，回访中）\n"
    );
    let out = advance(
        &env,
        &id,
        "order_family_education",
        "court",
        &[
            ("admonishment.kind", "family_education_order"),
            ("admonishment.issued_at", "2026-12-20T10:00:00+08:00"),
            ("admonishment.facts", "训诫后仍不履行监护职责"),
            ("admonishment.case_number", "（2026）渝0114民特50号"),
            ("admonishment.order_number", "（2026）渝0114民特50号之一"),
            (
                "guidance.content",
                "接受黔江区家庭教育指导中心的家庭教育指导，每月不少于两次，学习照料、陪伴孩子的方法",
            ),
            ("guidance.period", "三个月"),
        ],
        "2026-12-20T10:30:00+08:00",
    );
    assert_eq!(
        out,
        pending_no_body("家庭教育指导令", "family-education-order", "court", &id)
            + "2026-000001 现在的状态：admonished（已劝诫、训诫或告诫，回访中）\n"
    );
    let s = show(&env, &id);
    assert_eq!(s["data"]["admonishment.kind"], "family_education_order");
    assert_eq!(
        letters(&s),
        [
            "report-receipt",
            "reprimand",
            "reprimand",
            "family-education-order"
        ]
    );
}

// ----- refusals of close (intervention) -----

const CLOSE_D_TITLE: &str = "结案";

#[test]
fn refuses_closing_a_warned_case_before_a_follow_up_visit_naming_advl_17() {
    let env = env();
    let id = fed_back(&env);
    advance(
        &env,
        &id,
        "issue_warning_letter",
        "police",
        WARNING,
        WARNED_AT,
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "police",
            &[("close_reason", "admonished_and_followed_up")],
            "2026-11-30T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_D_TITLE,
            "劝诫、训诫、告诫后须经回访查访，确认侵害已经停止，方可结案（反家庭暴力法第十七条）",
            "close_reason in ['new_guardian_in_place', 'other_parent_guarding', 'child_turned_18'] || !has(admonishment.issued_at) || (has(followup.visited_at) && followup.visited_at > admonishment.issued_at)",
        )
    );
}

#[test]
fn refuses_closing_a_reported_case_before_feedback_to_the_reporter() {
    let env = env();
    let id = accepted_report(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "police",
            &[("close_reason", "unfounded")],
            "2026-11-24T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_D_TITLE,
            "强制报告案件结案前须已向报告人反馈处理情况（受理或者立案后三日内，高检发〔2020〕9号强制报告意见第十条）",
            "source != 'mandatory_report' || has(reporter.feedback_at)",
        )
    );
}

#[test]
fn refuses_closing_as_admonished_when_there_was_no_admonishment() {
    let env = env();
    let id = fed_back(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "police",
            &[("close_reason", "admonished_and_followed_up")],
            "2026-11-30T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_D_TITLE,
            "本案没有劝诫、训诫或告诫的记录",
            "close_reason != 'admonished_and_followed_up' || has(admonishment.issued_at)",
        )
    );
}

#[test]
fn refuses_closing_a_returned_case_before_a_follow_up_visit() {
    let env = env();
    let id = assessed_in_care(&env);
    advance(
        &env,
        &id,
        "notify_return",
        "institution",
        &[
            ("conference.held_on", "2026-12-11"),
            ("conference.conclusion", "return"),
            ("guardian.notified_at", "2026-12-11T15:00:00+08:00"),
        ],
        "2026-12-11T15:00:00+08:00",
    );
    advance(
        &env,
        &id,
        "collect_child",
        "institution",
        &[
            ("handover.at", "2026-12-12T10:00:00+08:00"),
            ("handover.receiver", "张大山"),
        ],
        "2026-12-12T10:30:00+08:00",
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "civil_affairs",
            &[("close_reason", "returned_and_followed_up")],
            "2026-12-13T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_D_TITLE,
            "儿童返家后须经随访方可结案（评估帮扶：送返后随访）",
            "close_reason != 'returned_and_followed_up' || (has(handover.at) && has(followup.visited_at) && followup.visited_at > handover.at)",
        )
    );
}

#[test]
fn refuses_closing_with_a_new_guardian_while_the_parent_may_still_apply_for_restoration() {
    let env = env();
    let id = guardian_appointed(&env);
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "civil_affairs",
            &[("close_reason", "new_guardian_in_place")],
            "2027-03-01T10:00:00+08:00"
        ),
        guard_message(
            "close",
            CLOSE_D_TITLE,
            "撤销后一年内被撤销的父母仍可申请恢复监护人资格（民法典第三十八条；2014年《意见》第三十八条），申请期届满后方可以“已指定新监护人”结案",
            "close_reason != 'new_guardian_in_place' || (has(new_guardian.name) && (guardian.relation == 'other_guardian' || today(now) > add_period(court.decided_on, settings.restoration_window_closes)))",
        )
    );
}

#[test]
fn refuses_closing_while_the_child_is_removed() {
    let env = env();
    let id = accepted_report(&env);
    advance(&env, &id, "remove_child", "police", REMOVAL, REMOVED_AT);
    assert_eq!(
        refused(
            &env,
            &id,
            "close",
            "police",
            &[("close_reason", "unfounded")],
            "2026-11-24T10:00:00+08:00"
        ),
        "错误：当前状态 child_removed（已带离安置）不能执行 close（结案）；该操作只能在以下状态执行：\
         investigating（调查处置中）、assessing（调查评估中）、helping（帮扶中）、\
         admonished（已劝诫、训诫或告诫，回访中）、returned_home（已返家，随访中）、\
         guardian_appointed（已指定新监护人）、other_parent_guarding（由未被撤销的父母一方继续监护）、placed_long_term（已由民政部门长期监护安置）。\n"
    );
}

// ----- refusals of the petition -----

#[test]
fn refuses_the_civil_affairs_duty_to_anyone_but_the_deadline_runner() {
    let env = env();
    let id = fed_back(&env);
    advance(
        &env,
        &id,
        "recommend_revocation",
        "civil_affairs",
        &[
            ("revocation.ground", "serious_harm"),
            ("guardian.name", "张大山"),
            ("guardian.relation", "father"),
        ],
        "2026-11-30T10:00:00+08:00",
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "civil_affairs_duty_to_petition",
            "civil_affairs",
            &[],
            "2026-12-31T10:00:00+08:00"
        ),
        "错误：civil_affairs_duty_to_petition（无人及时申请，由民政部门申请（民法典第三十六条第三款））\
         只能由期限到期时系统自动执行。\n"
    );
}

#[test]
fn refuses_a_civil_affairs_petition_filed_in_another_applicants_name() {
    let env = env();
    let id = fed_back(&env);
    advance(
        &env,
        &id,
        "recommend_revocation",
        "civil_affairs",
        &[
            ("revocation.ground", "serious_harm"),
            ("guardian.name", "张大山"),
            ("guardian.relation", "father"),
        ],
        "2026-11-30T10:00:00+08:00",
    );
    advance(
        &env,
        &id,
        "procuratorate_recommends",
        "procuratorate",
        &[("procuratorate.recommended_on", "2027-01-05")],
        "2027-01-05T10:00:00+08:00",
    );
    assert_eq!(
        refused(
            &env,
            &id,
            "civil_affairs_petitions",
            "legal_staff",
            &[
                ("petition.applicant_kind", "village_committee"),
                ("petition.applicant_name", "城东村民委员会"),
                ("petition.filed_on", "2027-01-06"),
                ("petition.court", "重庆市黔江区人民法院"),
                ("other_parent.status", "deceased"),
                ("proposed_guardian.name", "陈桂芳"),
                ("proposed_guardian.category", "grandparent"),
                (
                    "proposed_guardian.best_interests",
                    "外婆身体健康，孩子愿意随其生活"
                ),
                ("concern", "父亲酒后多次殴打孩子，经告诫仍不悔改"),
            ],
            "2027-01-06T10:00:00+08:00",
        ),
        guard_message(
            "civil_affairs_petitions",
            "民政部门依法申请撤销监护人资格（民法典第三十六条第三款）",
            "其他个人和组织未及时申请的，由民政部门申请（民法典第三十六条第三款），申请人类别应为 civil_affairs",
            "petition.applicant_kind == 'civil_affairs'",
        )
    );
}

// ----- refusals of the appointment (CC 27, 32; UPL 21) -----

const APPOINT_TITLE: &str =
    "按最有利于被监护人的原则指定新监护人（民法典第二十七条、第三十二条、第三十六条）";

/// A case whose guardianship the court has just revoked (decided 15 January 2027).
fn revoked(env: &TestEnv) -> String {
    let id = fed_back(env);
    advance(
        env,
        &id,
        "recommend_revocation",
        "civil_affairs",
        &[
            ("revocation.ground", "serious_harm"),
            ("guardian.name", "张大山"),
            ("guardian.relation", "father"),
        ],
        "2026-11-30T10:00:00+08:00",
    );
    advance(
        env,
        &id,
        "file_petition",
        "civil_affairs",
        &[
            ("petition.applicant_kind", "civil_affairs"),
            ("petition.applicant_name", "重庆市黔江区民政局"),
            ("petition.filed_on", "2026-12-01"),
            ("petition.court", "重庆市黔江区人民法院"),
            ("other_parent.status", "deceased"),
            ("proposed_guardian.name", "陈桂芳"),
            ("proposed_guardian.category", "grandparent"),
            (
                "proposed_guardian.best_interests",
                "外婆身体健康，孩子愿意随其生活",
            ),
            ("concern", "父亲酒后多次殴打孩子，经告诫仍不悔改"),
        ],
        "2026-12-01T10:00:00+08:00",
    );
    advance(
        env,
        &id,
        "court_accepts",
        "court",
        &[
            ("court.case_number", "（2026）渝0114民特44号"),
            ("court.accepted_on", "2026-12-03"),
        ],
        "2026-12-03T10:00:00+08:00",
    );
    advance(
        env,
        &id,
        "revoke_guardianship",
        "court",
        &[
            ("court.decided_on", "2026-12-28"),
            ("maintenance.note", "张大山仍负担抚养费"),
        ],
        "2026-12-28T10:00:00+08:00",
    );
    id
}

const APPOINTED_AT: &str = "2026-12-28T11:00:00+08:00";

fn appoint_refused(category: &[(&str, &str)]) -> String {
    let env = env();
    let id = revoked(&env);
    let base = [
        ("new_guardian.name", "张小军"),
        ("new_guardian.best_interests", "与孩子感情深厚"),
        ("new_guardian.unsuitable", "false"),
        ("new_guardian.lives_with_child", "true"),
    ];
    refused(
        &env,
        &id,
        "appoint_guardian",
        "court",
        &with(&base, category),
        APPOINTED_AT,
    )
}

#[test]
fn refuses_an_adult_sibling_before_the_grandparents_are_accounted_for_naming_cc_27() {
    assert_eq!(
        appoint_refused(&[
            ("new_guardian.category", "adult_sibling"),
            ("new_guardian.birth_date", "2000-01-01"),
        ]),
        guard_message(
            "appoint_guardian",
            APPOINT_TITLE,
            "按民法典第二十七条第二款的顺序，祖父母、外祖父母优先；须说明其不能担任监护人的原因",
            "new_guardian.category == 'grandparent' || has(priority.no_grandparent_reason)",
        )
    );
}

#[test]
fn refuses_another_person_before_the_siblings_are_accounted_for_naming_cc_27() {
    assert_eq!(
        appoint_refused(&[
            ("new_guardian.category", "other_approved"),
            ("priority.no_grandparent_reason", "祖父母均已去世"),
        ]),
        guard_message(
            "appoint_guardian",
            APPOINT_TITLE,
            "按民法典第二十七条第二款的顺序，兄、姐次之；须说明其不能担任监护人的原因",
            "new_guardian.category in ['grandparent', 'adult_sibling'] || has(priority.no_sibling_reason)",
        )
    );
}

#[test]
fn refuses_a_sibling_under_18_as_guardian() {
    assert_eq!(
        appoint_refused(&[
            ("new_guardian.category", "adult_sibling"),
            ("new_guardian.birth_date", "2009-05-01"),
            ("priority.no_grandparent_reason", "祖父母均已去世"),
        ]),
        guard_message(
            "appoint_guardian",
            APPOINT_TITLE,
            "担任监护人的兄、姐须为成年人（民法典第二十七条第二款第二项；按周岁计算）",
            "new_guardian.category != 'adult_sibling' || (has(new_guardian.birth_date) && age(new_guardian.birth_date, now) >= 18)",
        )
    );
}

#[test]
fn refuses_another_person_without_the_consent_of_the_village_committee_or_civil_affairs() {
    assert_eq!(
        appoint_refused(&[
            ("new_guardian.category", "other_approved"),
            ("priority.no_grandparent_reason", "祖父母均已去世"),
            ("priority.no_sibling_reason", "没有兄、姐"),
        ]),
        guard_message(
            "appoint_guardian",
            APPOINT_TITLE,
            "其他愿意担任监护人的个人或者组织，须经未成年人住所地的居民委员会、村民委员会或者民政部门同意（民法典第二十七条第二款第三项）",
            "new_guardian.category != 'other_approved' || has(new_guardian.approved_by)",
        )
    );
}

#[test]
fn refuses_civil_affairs_as_guardian_while_others_are_not_accounted_for_naming_cc_32() {
    assert_eq!(
        appoint_refused(&[
            ("new_guardian.name", "重庆市黔江区民政局"),
            ("new_guardian.category", "civil_affairs"),
            ("priority.no_grandparent_reason", "祖父母均已去世"),
            ("priority.no_sibling_reason", "没有兄、姐"),
        ]),
        guard_message(
            "appoint_guardian",
            APPOINT_TITLE,
            "没有依法具有监护资格的人时，才由民政部门或者符合条件的村（居）民委员会担任监护人（民法典第三十二条）；须说明没有其他愿意担任监护人的个人或组织",
            "!(new_guardian.category in ['civil_affairs', 'village_committee']) || has(priority.no_other_reason)",
        )
    );
}

#[test]
fn refuses_an_unsuitable_guardian_naming_cc_27_and_upl_21() {
    assert_eq!(
        appoint_refused(&[
            ("new_guardian.category", "grandparent"),
            ("new_guardian.unsuitable", "true"),
        ]),
        guard_message(
            "appoint_guardian",
            APPOINT_TITLE,
            "新监护人须有监护能力，且无无民事行为能力、限制民事行为能力、患有严重传染性疾病或者其他不适宜照护的情形（民法典第二十七条；未成年人保护法第二十一条第一款）",
            "new_guardian.category in ['civil_affairs', 'village_committee'] || (has(new_guardian.unsuitable) && !new_guardian.unsuitable)",
        )
    );
}

#[test]
fn refuses_a_guardian_who_would_leave_a_child_under_16_living_alone_naming_upl_21_2() {
    assert_eq!(
        appoint_refused(&[
            ("new_guardian.category", "grandparent"),
            ("new_guardian.lives_with_child", "false"),
        ]),
        guard_message(
            "appoint_guardian",
            APPOINT_TITLE,
            "新监护人不与儿童共同生活，未满十六周岁的未成年人将脱离监护单独生活（未成年人保护法第二十一条第二款）",
            "new_guardian.category in ['civil_affairs', 'village_committee'] || (has(new_guardian.lives_with_child) && new_guardian.lives_with_child) || age(child.birth_date, now) >= 16",
        )
    );
}

#[test]
fn civil_affairs_becomes_guardian_when_nobody_else_can() {
    let env = env();
    let id = revoked(&env);
    advance(
        &env,
        &id,
        "appoint_guardian",
        "court",
        &[
            ("new_guardian.name", "重庆市黔江区民政局"),
            ("new_guardian.category", "civil_affairs"),
            ("new_guardian.best_interests", "无其他适格监护人"),
            ("priority.no_grandparent_reason", "祖父母均已去世"),
            ("priority.no_sibling_reason", "没有兄、姐"),
            (
                "priority.no_other_reason",
                "亲属均不愿担任，村委会未能找到合适人选",
            ),
        ],
        APPOINTED_AT,
    );
    assert_eq!(state(&env, &id), "guardian_appointed");
}

#[test]
fn the_court_decision_on_revocation_is_due_30_days_after_acceptance_and_can_be_extended() {
    let env = env();
    let id = fed_back(&env);
    advance(
        &env,
        &id,
        "recommend_revocation",
        "civil_affairs",
        &[
            ("revocation.ground", "serious_harm"),
            ("guardian.name", "张大山"),
            ("guardian.relation", "father"),
        ],
        "2026-11-30T10:00:00+08:00",
    );
    advance(
        &env,
        &id,
        "file_petition",
        "school",
        &[
            ("petition.applicant_kind", "school"),
            ("petition.applicant_name", "黔江区城东小学"),
            ("petition.filed_on", "2026-12-01"),
            ("petition.court", "重庆市黔江区人民法院"),
            ("other_parent.status", "deceased"),
            ("proposed_guardian.name", "陈桂芳"),
            ("proposed_guardian.category", "grandparent"),
            (
                "proposed_guardian.best_interests",
                "外婆身体健康，孩子愿意随其生活",
            ),
            ("concern", "学生多次带伤上学，自述被父亲殴打"),
        ],
        "2026-12-01T10:00:00+08:00",
    );
    advance(
        &env,
        &id,
        "court_accepts",
        "court",
        &[
            ("court.case_number", "（2026）渝0114民特44号"),
            ("court.accepted_on", "2026-12-03"),
        ],
        "2026-12-03T10:00:00+08:00",
    );
    // 30 days from 3 December: 24:00 on 2 January 2027.
    let first = due(&show(&env, &id), "court_decision");
    advance(
        &env,
        &id,
        "extend_court_time_limit",
        "court",
        &[("court.extension_approved_on", "2026-12-30")],
        "2026-12-30T10:00:00+08:00",
    );
    let s = show(&env, &id);
    assert_eq!(s["state"], "in_court");
    let extended = due(&s, "court_decision");
    assert!(extended > first, "{first} → {extended}");
    assert_eq!(extended, "2027-01-30T00:00:00+08:00");
}
