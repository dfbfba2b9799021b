//! The letters rendering layer: every one of the 13 documents rendered from realistic case data
//! (snapshots of the text and of the HTML body), and the rules around it: required fields,
//! escaping, drafts, numbers, court case numbers, Chinese-numeral dates, and the confidential
//! reporter of a mandatory report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::civil::{Date, date};
use serde_json::{Value, json};
use wardflow_engine::definition::Data;
use wardflow_engine::letters::{
    IssuingBody, LetterError, LetterInput, Rendered, Renderer, Vocabulary, check_court_number,
    format, number,
};

fn letters_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../letters")
}

fn renderer() -> &'static Renderer {
    static R: OnceLock<Renderer> = OnceLock::new();
    R.get_or_init(|| Renderer::load(letters_dir()).unwrap_or_else(|e| panic!("{e}")))
}

fn data(v: Value) -> Data {
    match v {
        Value::Object(m) => m.into_iter().collect(),
        _ => panic!("data must be an object"),
    }
}

fn body(role: &str, name: &str, code: &str, contact: Option<&str>) -> IssuingBody {
    IssuingBody {
        role: role.into(),
        name: name.into(),
        code: code.into(),
        seal_caption: name.into(),
        contact: contact.map(str::to_owned),
    }
}

fn village() -> IssuingBody {
    body(
        "village_committee",
        "重庆市黔江区濯水镇石鸭村民委员会",
        "",
        None,
    )
}
fn police() -> IssuingBody {
    body(
        "police",
        "北京市公安局朝阳分局望京派出所",
        "京公朝（望）",
        Some("010-6471××××"),
    )
}
fn civil_affairs() -> IssuingBody {
    body(
        "civil_affairs",
        "北京市朝阳区民政局",
        "朝民",
        Some("北京市朝阳区日坛北路33号，电话010-8599××××"),
    )
}
fn institution() -> IssuingBody {
    body(
        "institution",
        "北京市朝阳区未成年人救助保护中心",
        "朝救保",
        Some("010-8537××××"),
    )
}
fn court() -> IssuingBody {
    body("court", "北京市朝阳区人民法院", "京0105", None)
}
fn yunnan_police() -> IssuingBody {
    body("police", "景洪市公安局", "景公", None)
}

const CODE: &str = "7K3M-Q9TX";

struct Case {
    data: Data,
    issuer: Option<IssuingBody>,
    number: Option<String>,
    date: Date,
}

/// Process A: a left-behind girl in 重庆市黔江区, her father working in 广东省东莞市, her grandmother
/// caring for her.
fn entrusted_care() -> Data {
    data(json!({
        "child.name": "张小雨",
        "child.sex": "female",
        "child.birth_date": "2017-03-14",
        "child.id_number": "500114201703140222",
        "child.address": "重庆市黔江区濯水镇石鸭村四组17号",
        "child.school": "黔江区濯水镇中心小学",
        "child.class": "四年级二班",
        "child.special_needs": false,
        "child.can_express_views": true,
        "child.views": "愿意跟奶奶一起生活",
        "parent.name": "张建国",
        "parent.relation": "father",
        "parent.id_number": "500114198806020130",
        "parent.address": "重庆市黔江区濯水镇石鸭村四组17号",
        "parent.phone": "138 8374 2216",
        "parent.work_place": "广东省东莞市长安镇（电子厂）",
        "parent.departure_date": "2026-11-25",
        "carer.name": "陈桂兰",
        "carer.sex": "female",
        "carer.birth_date": "1958-09-21",
        "carer.id_number": "50011419580921026X",
        "carer.relation": "grandparent",
        "carer.phone": "152 2305 8841",
        "carer.address": "重庆市黔江区濯水镇石鸭村四组17号",
        "carer.lives_with_child": true,
        "entrustment.start_date": "2026-11-25",
        "entrustment.end_date": "2027-11-24",
        "entrustment.contact_plan": "每周六晚上视频通话，每月给班主任打一次电话",
        "entrustment.witness_name": "杨秀英",
        "entrustment.costs": "甲方每月5日前向乙方支付生活费1200元",
        "village_committee.name": "黔江区濯水镇石鸭村民委员会",
        "child_director.name": "杨秀英",
        "child_director.phone": "177 2390 6612",
    }))
}

/// Process D in 北京市朝阳区: a boy hurt by his father, reported by his school.
fn intervention() -> Data {
    data(json!({
        "child.name": "李小明",
        "child.sex": "male",
        "child.birth_date": "2015-08-09",
        "child.id_number": "110105201508090355",
        "child.address": "北京市朝阳区望京西园三区312号楼2单元501",
        "source": "mandatory_report",
        "concern": "2026年11月以来，李强多次酒后用皮带抽打李小明，致其背部、手臂多处软组织挫伤；经派出所告诫后仍不改正，并于11月18日深夜将李小明锁在屋外过夜。",
        "report.received_at": "2026-11-20T01:40:00Z",
        "report.category": "domestic_violence",
        "report.facts": "该生背部、手臂有多处淤青，自述被父亲用皮带抽打。",
        "reporter.kind": "school",
        "reporter.unit": "北京市朝阳区望京实验小学",
        "reporter.name": "周慧敏",
        "reporter.phone": "139 1122 8765",
        "police.case_number": "京公朝（望）受案字〔2026〕1187号",
        "police.officer_name": "刘振宇",
        "police.officer_badge": "018736",
        "police.officer_phone": "010-6471××××",
        "guardian.name": "李强",
        "guardian.relation": "father",
        "guardian.sex": "male",
        "guardian.birth_date": "1985-01-17",
        "guardian.id_number": "110105198501170518",
        "guardian.address": "北京市朝阳区望京西园三区312号楼2单元501",
        "abuser.name": "李强",
        "abuser.relation": "父亲",
        "abuser.sex": "male",
        "abuser.birth_date": "1985-01-17",
        "abuser.id_number": "110105198501170518",
        "abuser.household_address": "北京市朝阳区望京街道",
        "abuser.address": "北京市朝阳区望京西园三区312号楼2单元501",
        "abuser.workplace": "北京某物流有限公司",
        "removal.ground": "seriously_injured",
        "removal.at": "2026-11-20T06:30:00Z",
        "removal.place": "北京市朝阳区望京西园三区312号楼",
        "removal.handover_at": "2026-11-20T07:45:00Z",
        "removal.handover_place": "北京市朝阳区未成年人救助保护中心",
        "removal.receiver_kind": "rescue_institution",
        "removal.receiver_name": "北京市朝阳区未成年人救助保护中心（值班社工 孙丽）",
        "removal.receiver_relation": "救助保护机构",
        "removal.receiver_phone": "010-8537××××",
        "removal.medical_check_needed": true,
        "removal.medical_check_at": "2026-11-20T04:10:00Z",
        "removal.child_views": "不想回家，愿意先去救助中心",
        "civil_affairs.notified_at": "2026-11-20T06:50:00Z",
        "child.condition": "背部、左前臂软组织挫伤，已在朝阳医院急诊处理",
        "child.belongings": "书包一个、校服两套、外用药膏一支",
        "admonishment.kind": "warning_letter",
        "admonishment.issued_at": "2026-11-21T02:00:00Z",
        "admonishment.facts": "2026年11月17日晚，李强酒后在家中用皮带抽打其子李小明背部、手臂，致多处软组织挫伤。",
        "admonishment.evidence": "受害人陈述、医院诊断证明、学校报告、现场照片",
        "admonishment.guidance_ordered": true,
        "admonishment.duty_breached": "第十七条第一项",
        "admonishment.case_number": "（2026）京0105民初8812号",
        "guidance.provider": "朝阳区家庭教育指导服务中心",
        "guidance.period": "三个月",
        "guidance.schedule": "每两周一次，每次不少于两小时，线下授课",
        "guidance.content": "正确的家庭教育理念和方法、非暴力沟通、未成年人保护法律知识",
        "court.judge": "王静",
        "court.clerk": "赵一鸣",
        "dv.minor": true,
        "assessment.completed_on": "2026-11-21",
        "assessment.purpose": "为是否申请撤销监护人资格提供依据",
        "assessment.assessors": [
            {"name": "孙丽", "qualification": "中级社会工作师"},
            {"name": "陈默", "qualification": "心理咨询师"},
            {"name": "高建华", "qualification": "民政部门工作人员"}
        ],
        "assessment.family": "李小明与父亲共同生活，母亲于2022年离家后下落不明。父亲从事物流配送，收入不稳定，有长期酗酒习惯；家中两居室，居住条件尚可。",
        "assessment.guardianship_problems": "监护人长期酗酒，多次对儿童实施殴打，并将儿童锁在屋外过夜，儿童生活和人身安全得不到保障。",
        "assessment.guardian_remorse": "监护人承认打孩子，但认为是“正常管教”，未表现出悔意。",
        "assessment.guardian_education": "经派出所告诫后，监护人未参加社区组织的家庭教育课程。",
        "assessment.child_health": "身体多处软组织挫伤，已治疗；心理评估显示有焦虑、恐惧情绪，睡眠差。",
        "assessment.child_wishes": "暂不愿回家，希望由外婆照顾。",
        "assessment.conclusion": "petition_revocation",
        "assessment.risk_level": "高（红色）",
        "assessment.recommendations": "建议继续由救助保护中心临时照护，联系外婆评估其照护能力，并由民政部门依法向人民法院申请撤销监护人资格。",
        "revocation.ground": "serious_harm",
        "petition.applicant_kind": "civil_affairs",
        "petition.applicant_name": "北京市朝阳区民政局",
        "petition.applicant_address": "北京市朝阳区日坛北路33号",
        "petition.applicant_representative": "局长 吴建平",
        "petition.applicant_phone": "010-8599××××",
        "proposed_guardian.name": "王秀珍",
        "proposed_guardian.category": "grandparent",
        "proposed_guardian.best_interests": "外祖母身体健康，与李小明感情深厚，李小明愿意随其生活",
        "other_parent.relation": "mother",
        "other_parent.status": "unknown",
        "petition.evidence": ["受案回执", "家庭暴力告诫书", "朝阳医院诊断证明", "学校情况说明"],
        "petition.filed_on": "2026-11-23",
        "petition.court": "北京市朝阳区人民法院",
        "maintenance.note": "判令被申请人每月负担被监护人抚养费1500元",
        "restoration.case_number": "（2027）京0105民特3号",
        "restoration.decided_on": "2027-09-10",
        "restoration.court": "北京市朝阳区人民法院",
        "restoration.effective_on": "2027-09-10",
        "new_guardian.name": "王秀珍",
        "handover.place": "北京市朝阳区未成年人救助保护中心",
        "handover.at": "2027-09-14T02:00:00Z",
        "handover.receiver": "李强",
        "handover.receiver_relation": "父亲",
        "handover.receiver_id_number": "110105198501170518",
        "handover.receiver_phone": "186 0011 2345",
        "conference.held_on": "2027-09-12",
        "guardian.notified_at": "2027-09-12T07:00:00Z",
    }))
}

/// Process B: a girl whose only guardian is in hospital after a traffic accident.
fn temporary_custody() -> Data {
    data(json!({
        "child.name": "赵欣怡",
        "child.sex": "female",
        "child.birth_date": "2019-05-20",
        "child.id_number": "110105201905200482",
        "child.address": "北京市朝阳区双井街道九龙社区8号楼",
        "ground": "guardian_unable_objective",
        "ground_details": "该未成年人的母亲赵丽（唯一监护人）于2026年11月19日遭遇交通事故，现在医院重症监护室救治，无法履行监护职责；其父已去世，祖父母、外祖父母均已去世，暂无其他人可以担任监护人。",
        "guardian.name": "赵丽",
        "placement.kind": "foster_family",
        "placement.name": "家庭寄养家庭（寄养父母：马志刚、韩冬梅）",
        "placement.address": "北京市朝阳区劲松街道农光里小区",
        "placement.contact": "135 0120 4477",
        "placed_at": "2026-11-20T09:00:00Z",
        "carer.name": "韩冬梅",
        "carer.relation": "寄养母亲",
    }))
}

/// Process B, the end: the mother has left hospital and the assessment found her able again.
fn returned_home() -> Data {
    let mut d = temporary_custody();
    d.extend(data(json!({
        "assessment.completed_at": "2027-01-05T08:00:00Z",
        "returned.to": "赵丽",
        "returned.at": "2027-01-08T02:00:00Z",
        "returned.place": "北京市朝阳区劲松街道农光里小区（寄养家庭）",
        "returned.receiver_relation": "母亲",
        "returned.receiver_phone": "138 0110 5623",
        "child.condition": "身体健康",
        "child.belongings": "衣物、书包、疫苗接种证",
    })));
    d
}

/// Process C in 云南省景洪市: a father taken into criminal detention with two children at home.
fn detained_parent() -> Data {
    data(json!({
        "parent.name": "岩温",
        "parent.relation": "father",
        "parent.id_number": "532801199004110175",
        "measure": "criminal_detention",
        "decision_at": "2026-11-19T12:30:00Z",
        "detention.place": "景洪市看守所",
        "minor_children_in_need": true,
        "children": [
            {"name": "玉香", "birth_date": "2016-02-29", "sex": "female"},
            {"name": "岩罕", "birth_date": "2020-07-03", "sex": "male"}
        ],
        "child.address": "云南省西双版纳傣族自治州景洪市嘎洒镇曼景罕村",
        "family_notified_at": "2026-11-20T02:15:00Z",
        "carer.name": "玉儿",
        "carer.birth_date": "1965-10-08",
        "carer.relation": "grandparent",
        "carer.phone": "139 8813 2046",
        "carer.lives_with_child": true,
        "carer.full_capacity": true,
        "police.officer_name": "李明华",
    }))
}

fn cases() -> BTreeMap<&'static str, Case> {
    let mut m = BTreeMap::new();
    let d = date(2026, 11, 22);
    m.insert(
        "entrustment-agreement",
        Case {
            data: entrusted_care(),
            issuer: Some(village()),
            number: None,
            date: date(2026, 11, 24),
        },
    );
    m.insert(
        "entrustment-notice",
        Case {
            data: entrusted_care(),
            issuer: None,
            number: None,
            date: date(2026, 11, 24),
        },
    );
    m.insert(
        "guardian-duty-notice",
        Case {
            data: entrusted_care(),
            issuer: Some(village()),
            number: None,
            date: date(2026, 11, 20),
        },
    );
    m.insert(
        "report-receipt",
        Case {
            data: intervention(),
            issuer: Some(police()),
            number: None,
            date: date(2026, 11, 20),
        },
    );
    m.insert(
        "handover-record",
        Case {
            data: intervention(),
            issuer: Some(police()),
            number: Some("京公朝（望）交接字〔2026〕41号".into()),
            date: date(2026, 11, 20),
        },
    );
    m.insert(
        "return-handover-record",
        Case {
            data: returned_home(),
            issuer: Some(civil_affairs()),
            number: Some("朝民交接字〔2027〕3号".into()),
            date: date(2027, 1, 8),
        },
    );
    m.insert(
        "temporary-custody-notice",
        Case {
            data: temporary_custody(),
            issuer: Some(civil_affairs()),
            number: Some(number("朝民临监", 2026, 3)),
            date: date(2026, 11, 20),
        },
    );
    m.insert(
        "care-arrangement-notice",
        Case {
            data: detained_parent(),
            issuer: Some(yunnan_police()),
            number: Some("景公照料告字〔2026〕4号".into()),
            date: date(2026, 11, 20),
        },
    );
    m.insert(
        "assessment-report",
        Case {
            data: intervention(),
            issuer: Some(institution()),
            number: Some("朝救保评估〔2026〕5号".into()),
            date: d,
        },
    );
    m.insert(
        "reprimand",
        Case {
            data: intervention(),
            issuer: Some(police()),
            number: Some("京公朝（望）训诫字〔2026〕15号".into()),
            date: date(2026, 11, 21),
        },
    );
    m.insert(
        "warning-letter",
        Case {
            data: intervention(),
            issuer: Some(police()),
            number: Some("京公朝（望）告诫字〔2026〕7号".into()),
            date: date(2026, 11, 21),
        },
    );
    m.insert(
        "family-education-order",
        Case {
            data: intervention(),
            issuer: Some(court()),
            number: Some("（2026）京0105民初8812号之一".into()),
            date: d,
        },
    );
    m.insert(
        "revocation-petition",
        Case {
            data: intervention(),
            issuer: Some(civil_affairs()),
            number: None,
            date: date(2026, 11, 23),
        },
    );
    m.insert(
        "restoration-notice",
        Case {
            data: intervention(),
            issuer: Some(civil_affairs()),
            number: Some("朝民恢监〔2027〕1号".into()),
            date: date(2027, 9, 12),
        },
    );
    m
}

/// No template of the table names a role or a body by vocabulary; the snapshots need none.
static NO_WORDS: Vocabulary = Vocabulary {
    roles: BTreeMap::new(),
    bodies: BTreeMap::new(),
    names: BTreeMap::new(),
};

fn input<'a>(case: &'a Case) -> LetterInput<'a> {
    LetterInput {
        data: &case.data,
        number: case.number.clone(),
        issuer: case.issuer.clone(),
        date: case.date,
        verification_code: CODE.into(),
        draft: false,
        settings: Data::new(),
        vocabulary: &NO_WORDS,
    }
}

fn render(key: &str) -> Rendered {
    let cases = cases();
    let case = &cases[key];
    renderer()
        .render(key, &input(case))
        .unwrap_or_else(|e| panic!("{key}: {e}"))
}

/// The HTML without its stylesheet, which is the same for every document (snapshotted once).
fn html_body(html: &str) -> String {
    let start = html.find("<style>").expect("style");
    let end = html.find("</style>").expect("style end") + "</style>".len();
    format!("{}<style>…</style>{}", &html[..start], &html[end..])
}

/// The thirteen documents of the domain, and the handover record's return variant.
const KEYS: [&str; 14] = [
    "entrustment-agreement",
    "entrustment-notice",
    "guardian-duty-notice",
    "report-receipt",
    "handover-record",
    "return-handover-record",
    "temporary-custody-notice",
    "care-arrangement-notice",
    "assessment-report",
    "reprimand",
    "warning-letter",
    "family-education-order",
    "revocation-petition",
    "restoration-notice",
];

#[test]
fn the_table_has_the_thirteen_documents_of_the_domain_and_the_return_handover() {
    let keys: Vec<&str> = renderer()
        .table()
        .documents
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = KEYS.to_vec();
    want.sort();
    assert_eq!(keys, want);
}

macro_rules! snapshot_document {
    ($name:ident, $key:expr) => {
        #[test]
        fn $name() {
            let r = render($key);
            assert_eq!(r.template_hash.len(), 64);
            insta::assert_snapshot!(concat!(stringify!($name), "_text"), r.text);
            insta::assert_snapshot!(concat!(stringify!($name), "_html"), html_body(&r.html));
        }
    };
}

snapshot_document!(entrustment_agreement, "entrustment-agreement");
snapshot_document!(entrustment_notice, "entrustment-notice");
snapshot_document!(guardian_duty_notice, "guardian-duty-notice");
snapshot_document!(report_receipt, "report-receipt");
snapshot_document!(handover_record, "handover-record");
snapshot_document!(return_handover_record, "return-handover-record");
snapshot_document!(temporary_custody_notice, "temporary-custody-notice");
snapshot_document!(care_arrangement_notice, "care-arrangement-notice");
snapshot_document!(assessment_report, "assessment-report");
snapshot_document!(reprimand, "reprimand");
snapshot_document!(warning_letter, "warning-letter");
snapshot_document!(family_education_order, "family-education-order");
snapshot_document!(revocation_petition, "revocation-petition");
snapshot_document!(restoration_notice, "restoration-notice");

#[test]
fn the_stylesheet() {
    let r = render("warning-letter");
    let start = r.html.find("<style>").unwrap();
    let end = r.html.find("</style>").unwrap();
    insta::assert_snapshot!("stylesheet", &r.html[start..end]);
}

#[test]
fn the_handover_when_the_guardian_collects_the_child() {
    let cases = cases();
    let case = &cases["handover-record"];
    // The child's condition and belongings are those of the day of the handover.
    let mut d = case.data.clone();
    d.insert("child.condition".into(), json!("身体健康，伤情已痊愈"));
    d.insert("child.belongings".into(), json!("衣物、书包、学籍材料"));
    let mut inp = input(case);
    inp.data = &d;
    inp.issuer = Some(institution());
    inp.number = Some("朝救保交接字〔2027〕2号".into());
    inp.date = date(2027, 9, 14);
    let r = renderer().render("handover-record", &inp).unwrap();
    insta::assert_snapshot!("handover_record_return_text", r.text);
    assert!(r.text.contains("由李强领回"));
    assert!(!r.text.contains("带离事由"));
}

#[test]
fn a_reprimand_by_a_court_is_a_court_document() {
    let cases = cases();
    let case = &cases["reprimand"];
    let mut inp = input(case);
    inp.issuer = Some(court());
    inp.number = Some("（2026）京0105民初8812号之二".into());
    let r = renderer().render("reprimand", &inp).unwrap();
    assert!(
        r.html.contains("<body class=\"layout-court\">"),
        "court layout"
    );
    assert!(r.text.contains("二〇二六年十一月二十一日"), "{}", r.text);
    assert!(!r.text.contains("2026年11月21日\n"));
    // A court speaks of itself as 本院, never with the police's 本机关 (issue 21, item 9).
    assert!(r.text.contains("规定，本院于"), "{}", r.text);
    assert!(!r.text.contains("本机关"), "{}", r.text);
}

// ---- required fields ----

#[test]
fn a_missing_required_field_refuses_the_letter_and_names_it() {
    let cases = cases();
    let case = &cases["warning-letter"];
    let mut d = case.data.clone();
    d.remove("abuser.name");
    let mut inp = input(case);
    inp.data = &d;
    assert_eq!(
        renderer().render("warning-letter", &inp).unwrap_err(),
        LetterError::MissingFields(vec!["abuser.name".into()])
    );
    // Blank strings and empty lists count as missing; every missing field is named, in order.
    d.insert("abuser.relation".into(), json!("  "));
    let mut inp = input(case);
    inp.data = &d;
    assert_eq!(
        renderer().render("warning-letter", &inp).unwrap_err(),
        LetterError::MissingFields(vec!["abuser.name".into(), "abuser.relation".into()])
    );
    let case = &cases["care-arrangement-notice"];
    let mut d = case.data.clone();
    d.insert("children".into(), json!([]));
    let mut inp = input(case);
    inp.data = &d;
    assert_eq!(
        renderer()
            .render("care-arrangement-notice", &inp)
            .unwrap_err(),
        LetterError::MissingFields(vec!["children".into()])
    );
}

#[test]
fn an_issuer_adds_its_own_required_fields() {
    let cases = cases();
    let case = &cases["handover-record"];
    let mut d = case.data.clone();
    d.remove("removal.receiver_name");
    d.remove("handover.at");
    let mut inp = input(case);
    inp.data = &d;
    assert_eq!(
        renderer().render("handover-record", &inp).unwrap_err(),
        LetterError::MissingFields(vec!["removal.receiver_name".into()])
    );
    inp.issuer = Some(institution());
    inp.number = Some("朝救保交接字〔2026〕2号".into());
    assert_eq!(
        renderer().render("handover-record", &inp).unwrap_err(),
        LetterError::MissingFields(vec!["handover.at".into()])
    );
    assert_eq!(
        renderer()
            .required_fields("handover-record", "police")
            .unwrap(),
        vec![
            "child.name",
            "child.birth_date",
            "removal.ground",
            "removal.at",
            "removal.receiver_kind",
            "removal.receiver_name"
        ]
    );
}

#[test]
fn issuers_are_checked() {
    let cases = cases();
    let case = &cases["warning-letter"];
    let mut inp = input(case);
    inp.issuer = Some(civil_affairs());
    assert!(matches!(
        renderer().render("warning-letter", &inp),
        Err(LetterError::NotAnIssuer { .. })
    ));
    inp.issuer = None;
    assert_eq!(
        renderer().render("warning-letter", &inp).unwrap_err(),
        LetterError::MissingIssuer("warning-letter".into())
    );
    assert_eq!(
        renderer().render("no-such-letter", &inp).unwrap_err(),
        LetterError::UnknownDocument("no-such-letter".into())
    );
}

// ---- escaping ----

#[test]
fn html_escapes_case_data_and_text_keeps_it_as_typed() {
    let cases = cases();
    let case = &cases["warning-letter"];
    let mut d = case.data.clone();
    let evil = "<script>alert(1)</script>";
    d.insert("abuser.name".into(), json!(evil));
    d.insert("child.name".into(), json!("A&B \"小明\" 'x'"));
    let mut inp = input(case);
    inp.data = &d;
    let r = renderer().render("warning-letter", &inp).unwrap();
    assert!(!r.html.contains("<script>"), "raw script tag in the HTML");
    assert!(r.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(r.html.contains("A&amp;B &quot;小明&quot; &#39;x&#39;"));
    assert!(r.text.contains(evil), "{}", r.text);
    assert!(r.text.contains("禁止对A&B \"小明\" 'x'实施家庭暴力"));
    assert!(!r.text.contains("&lt;") && !r.text.contains("&amp;"));
}

#[test]
fn case_data_cannot_add_structure_to_a_letter() {
    let cases = cases();
    let case = &cases["warning-letter"];
    let mut d = case.data.clone();
    let facts = "第一行\n@seal\n# 伪造的标题\n| 表格 | 注入 |\n@part 存根";
    d.insert("admonishment.facts".into(), json!(facts));
    let mut inp = input(case);
    inp.data = &d;
    let r = renderer().render("warning-letter", &inp).unwrap();
    // One seal block only (the template's), no heading, no table row, no extra part.
    assert_eq!(r.html.matches("class=\"seal-block\"").count(), 1);
    assert!(!r.html.contains("<p class=\"h1\">伪造的标题"));
    assert!(
        r.html
            .contains("第一行<br>@seal<br># 伪造的标题<br>| 表格 | 注入 |<br>@part 存根")
    );
    assert_eq!(r.html.matches("class=\"page\"").count(), 1);
    assert!(
        r.text
            .contains("经查明：第一行\n@seal\n# 伪造的标题\n| 表格 | 注入 |\n@part 存根")
    );
}

// ---- drafts ----

#[test]
fn drafts_are_marked_and_carry_no_number() {
    let cases = cases();
    let case = &cases["warning-letter"];
    let mut inp = input(case);
    inp.draft = true;
    assert_eq!(
        renderer().render("warning-letter", &inp).unwrap_err(),
        LetterError::NumberOnDraft
    );
    inp.number = None;
    let r = renderer().render("warning-letter", &inp).unwrap();
    assert!(r.text.starts_with("【草稿 DRAFT】"), "{}", r.text);
    assert!(!r.text.contains("告诫字〔"));
    assert!(r.html.contains("<body class=\"layout-enforcement draft\">"));
    assert!(r.html.contains("<div class=\"watermark\">草稿</div>"));
    assert!(r.html.contains("草稿 DRAFT"), "print header");
    // Every part of a multi-part form is marked.
    let case = &cases["report-receipt"];
    let mut inp = input(case);
    inp.draft = true;
    let r = renderer().render("report-receipt", &inp).unwrap();
    assert_eq!(r.text.matches("【草稿 DRAFT】").count(), 2);
    assert_eq!(r.html.matches("class=\"watermark\"").count(), 2);
}

// ---- numbers ----

#[test]
fn allocated_numbers_have_the_year_in_hexagonal_brackets_and_no_leading_zeros() {
    assert_eq!(
        number("京公朝（望）告诫字", 2026, 7),
        "京公朝（望）告诫字〔2026〕7号"
    );
    assert_eq!(number("朝民临监", 2027, 120), "朝民临监〔2027〕120号");
    assert_eq!(
        renderer()
            .number_prefix("warning-letter", &police())
            .unwrap()
            .as_deref(),
        Some("京公朝（望）告诫字")
    );
    assert_eq!(
        renderer()
            .number_prefix("temporary-custody-notice", &civil_affairs())
            .unwrap()
            .as_deref(),
        Some("朝民临监")
    );
    assert_eq!(
        renderer()
            .number_prefix("report-receipt", &police())
            .unwrap(),
        None
    );

    let cases = cases();
    let case = &cases["warning-letter"];
    let mut inp = input(case);
    for bad in [
        "京公朝（望）告诫字〔2026〕07号",
        "京公朝（望）告诫字〔2025〕7号",
        "京公朝（望）告诫字[2026]7号",
        "京公朝（望）训诫字〔2026〕7号",
    ] {
        inp.number = Some(bad.into());
        assert!(
            matches!(
                renderer().render("warning-letter", &inp),
                Err(LetterError::BadNumber { .. })
            ),
            "{bad}"
        );
    }
    inp.number = None;
    assert_eq!(
        renderer().render("warning-letter", &inp).unwrap_err(),
        LetterError::MissingNumber("warning-letter".into())
    );
    let case = &cases["report-receipt"];
    let mut inp = input(case);
    inp.number = Some("京公朝（望）受案字〔2026〕1号".into());
    assert_eq!(
        renderer().render("report-receipt", &inp).unwrap_err(),
        LetterError::UnexpectedNumber("report-receipt".into())
    );
    let r = render("warning-letter");
    assert!(r.html.contains(
        "<div class=\"doc-number\"><span class=\"nb\">京公朝（望）告诫字〔2026〕7号</span></div>"
    ));
}

#[test]
fn court_case_numbers_use_full_width_round_brackets() {
    assert!(check_court_number("（2026）京0105民特12号").is_ok());
    assert!(check_court_number("（2026）京0105民初8812号之一").is_ok());
    for bad in [
        "(2026)京0105民特12号",
        "〔2026〕京0105民特12号",
        "（2026）京0105民特012号",
        "（2026）京0105民特12",
    ] {
        assert!(
            matches!(
                check_court_number(bad),
                Err(LetterError::BadCourtNumber { .. })
            ),
            "{bad}"
        );
    }
    let cases = cases();
    let case = &cases["family-education-order"];
    let mut inp = input(case);
    inp.number = Some("(2026)京0105民初8812号之一".into());
    assert!(matches!(
        renderer().render("family-education-order", &inp),
        Err(LetterError::BadCourtNumber { .. })
    ));
    // A number of another court.
    inp.number = Some("（2026）京0108民初8812号之一".into());
    assert!(matches!(
        renderer().render("family-education-order", &inp),
        Err(LetterError::BadCourtNumber { .. })
    ));
}

// ---- dates ----

#[test]
fn chinese_numeral_dates() {
    assert_eq!(
        format::date_chinese(date(2026, 11, 22)),
        "二〇二六年十一月二十二日"
    );
    assert_eq!(
        format::date_chinese(date(2020, 10, 1)),
        "二〇二〇年十月一日"
    );
    assert_eq!(
        format::date_chinese(date(2030, 12, 31)),
        "二〇三〇年十二月三十一日"
    );
    assert_eq!(format::date_arabic(date(2026, 11, 22)), "2026年11月22日");

    // Court documents close with the Chinese-numeral date; 公文 and enforcement forms with Arabic.
    let cases = cases();
    let case = &cases["family-education-order"];
    for (d, want) in [
        (date(2026, 11, 22), "二〇二六年十一月二十二日"),
        (date(2020, 10, 1), "二〇二〇年十月一日"),
        (date(2030, 12, 31), "二〇三〇年十二月三十一日"),
    ] {
        let mut inp = input(case);
        inp.date = d;
        inp.number = Some(format!("（{}）京0105民初8812号之一", d.year()));
        let r = renderer().render("family-education-order", &inp).unwrap();
        assert!(r.text.contains(want), "{want}");
        assert!(
            r.html.contains(&format!(
                "<div class=\"seal-date\"><span class=\"nb\">{want}</span></div>"
            )),
            "{want}"
        );
    }
    let r = render("restoration-notice");
    assert!(
        r.html
            .contains("<div class=\"seal-date\"><span class=\"nb\">2027年9月12日</span></div>")
    );
}

// ---- local settings ----

#[test]
fn local_practice_is_a_setting_a_profile_may_change() {
    let cases = cases();
    let case = &cases["warning-letter"];
    let mut inp = input(case);
    let with = renderer().render("warning-letter", &inp).unwrap();
    assert!(with.text.contains("人身安全保护令"));
    assert!(with.text.contains(
        "本家庭暴力告诫书一式四份，加害人、受害人、村（居）民委员会、公安机关（附卷）各一份。"
    ));
    inp.settings
        .insert("protection_order_notice".into(), json!(false));
    inp.settings.insert(
        "copies".into(),
        json!(["加害人", "受害人", "社区居民委员会"]),
    );
    let without = renderer().render("warning-letter", &inp).unwrap();
    assert!(!without.text.contains("人身安全保护令"));
    assert!(
        without
            .text
            .contains("一式三份，加害人、受害人、社区居民委员会各一份。")
    );
    inp.settings
        .insert("protection_order_notice".into(), json!("no"));
    assert!(matches!(
        renderer().render("warning-letter", &inp),
        Err(LetterError::BadSetting { .. })
    ));
    inp.settings.clear();
    inp.settings.insert("hotline".into(), json!("12345"));
    assert_eq!(
        renderer().render("warning-letter", &inp).unwrap_err(),
        LetterError::UnknownSetting("hotline".into())
    );
}

// ---- the confidential reporter ----

#[test]
fn only_the_report_receipt_contains_the_reporter() {
    let reporter = ["周慧敏", "北京市朝阳区望京实验小学", "139 1122 8765"];
    let receipt = render("report-receipt");
    assert!(reporter[..2].iter().all(|r| receipt.text.contains(r)));
    for key in KEYS {
        if key == "report-receipt" {
            continue;
        }
        let cases = cases();
        let mut case = cases.into_iter().find(|(k, _)| *k == key).unwrap().1;
        // Even with the reporter in the case data, no other document can print it.
        for (k, v) in intervention() {
            if k.starts_with("reporter.") {
                case.data.insert(k, v);
            }
        }
        let r = renderer().render(key, &input(&case)).unwrap();
        for secret in reporter {
            assert!(
                !r.text.contains(secret) && !r.html.contains(secret),
                "{key} leaks {secret}"
            );
        }
    }
}

/// A copy of the letters directory to break on purpose.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(letters_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn append(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    let mut s = std::fs::read_to_string(&path).unwrap();
    s.push_str(text);
    std::fs::write(path, s).unwrap();
}

#[test]
fn loading_refuses_a_template_that_names_the_reporter() {
    let dir = scratch();
    let lines = std::fs::read_to_string(dir.path().join("warning-letter.hbs"))
        .unwrap()
        .lines()
        .count();
    append(
        dir.path(),
        "warning-letter.hbs",
        "报案人：{{reporter.name}}\n",
    );
    match Renderer::load(dir.path()) {
        Err(LetterError::Confidential {
            file,
            line,
            document,
        }) => {
            assert_eq!(file, "warning-letter.hbs");
            assert_eq!(line, Some(lines as u32 + 1));
            assert_eq!(document, "warning-letter");
        }
        other => panic!("{other:?}"),
    }

    let dir = scratch();
    append(
        dir.path(),
        "reprimand.hbs",
        "{{#if (lookup this \"reporter\")}}x{{/if}}\n",
    );
    assert!(matches!(
        Renderer::load(dir.path()),
        Err(LetterError::Confidential { .. })
    ));

    // Declaring a reporter field for another document is refused too.
    let dir = scratch();
    let table = std::fs::read_to_string(dir.path().join("documents.yaml")).unwrap();
    let table = table.replacen(
        "      - admonishment.evidence    # new\n",
        "      - admonishment.evidence    # new\n      - reporter.unit\n",
        1,
    );
    std::fs::write(dir.path().join("documents.yaml"), table).unwrap();
    assert!(matches!(
        Renderer::load(dir.path()),
        Err(LetterError::Confidential { .. })
    ));

    // The receipt itself may.
    let dir = scratch();
    append(dir.path(), "report-receipt.hbs", "{{reporter.name}}\n");
    assert!(Renderer::load(dir.path()).is_ok());
}

#[test]
fn a_broken_template_or_table_is_named_with_its_line() {
    let dir = scratch();
    let lines = std::fs::read_to_string(dir.path().join("reprimand.hbs"))
        .unwrap()
        .lines()
        .count();
    append(dir.path(), "reprimand.hbs", "{{#if child.name}}\n");
    match Renderer::load(dir.path()) {
        Err(LetterError::Template { file, line, .. }) => {
            assert_eq!(file, "reprimand.hbs");
            assert!(line.is_some_and(|l| l as usize >= lines), "{line:?}");
        }
        other => panic!("{other:?}"),
    }

    let dir = scratch();
    append(dir.path(), "reprimand.hbs", "\n{{guardian.phone_number}}\n");
    match Renderer::load(dir.path()) {
        Err(e @ LetterError::Template { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!("reprimand.hbs:{}", lines + 2)),
                "{msg}"
            );
            assert!(msg.contains("guardian.phone_number"), "{msg}");
        }
        other => panic!("{other:?}"),
    }

    let dir = scratch();
    let table = std::fs::read_to_string(dir.path().join("documents.yaml")).unwrap();
    let line = table
        .lines()
        .position(|l| l.contains("layout: court"))
        .unwrap()
        + 1;
    std::fs::write(
        dir.path().join("documents.yaml"),
        table.replacen("layout: court", "layout: courtroom", 1),
    )
    .unwrap();
    match Renderer::load(dir.path()) {
        Err(e @ LetterError::Table { .. }) => {
            assert!(
                e.to_string()
                    .starts_with(&format!("documents.yaml:{line}:")),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_template_hash_names_the_template() {
    let a = render("reprimand").template_hash;
    assert_eq!(a, render("reprimand").template_hash);
    assert_ne!(a, render("warning-letter").template_hash);
    let dir = scratch();
    append(dir.path(), "reprimand.hbs", "\n");
    let other = Renderer::load(dir.path()).unwrap();
    let cases = cases();
    let b = other
        .render("reprimand", &input(&cases["reprimand"]))
        .unwrap()
        .template_hash;
    assert_ne!(a, b);
}

#[test]
fn every_page_shows_the_verification_code() {
    for key in KEYS {
        let r = render(key);
        let pages = r.html.matches("<div class=\"page\">").count();
        assert!(pages >= 1);
        assert_eq!(
            r.html
                .matches(&format!("核验码：<span class=\"code\">{CODE}</span>"))
                .count(),
            pages,
            "{key}"
        );
        assert!(
            r.html.contains(&format!("content: \"核验码：{CODE}\"")),
            "{key}: printed pages"
        );
        assert_eq!(
            r.text.matches(&format!("核验码：{CODE}")).count(),
            pages,
            "{key}"
        );
    }
    let cases = cases();
    let mut inp = input(&cases["reprimand"]);
    inp.verification_code = "x\"; } body { display: none".into();
    assert_eq!(
        renderer().render("reprimand", &inp).unwrap_err(),
        LetterError::BadVerificationCode
    );
}

#[test]
fn no_seal_is_ever_drawn_only_its_place() {
    for key in KEYS {
        let r = render(key);
        assert!(
            !r.html.contains("<img") && !r.html.contains("<svg"),
            "{key}"
        );
    }
}

/// Issue 21, item 6: a hand-applied seal would not line up with a printed placeholder, so an
/// official copy prints nothing in the seal's place and keeps the space; a draft marks it, faintly.
#[test]
fn the_seal_placeholder_prints_on_drafts_only() {
    let cases = cases();
    let mut marked = 0;
    for key in KEYS {
        let official = render(key);
        assert!(
            !official.html.contains("（印章") && !official.html.contains("seal-mark\">"),
            "{key}: {}",
            html_body(&official.html)
        );
        assert!(
            !official.text.contains("（印章"),
            "{key}: {}",
            official.text
        );
        let mut inp = input(&cases[key]);
        inp.draft = true;
        inp.number = None;
        let draft = renderer().render(key, &inp).unwrap();
        let seal_place = official.html.contains("<div class=\"seal-block\">")
            || official.html.contains("witness");
        if seal_place {
            marked += 1;
            assert!(
                draft.html.contains("（印章）"),
                "{key}: the draft marks the place"
            );
            assert!(draft.text.contains("（印章"), "{key}: {}", draft.text);
        }
    }
    assert!(marked >= 11, "{marked}");
    // The space over the 落款 stays: the seal block keeps its 42 mm with the signing body and the
    // date at its foot, and the mark a draft shows is faint.
    let r = render("temporary-custody-notice");
    assert!(r.html.contains(
        "<div class=\"seal-block\"><div class=\"signer\">北京市朝阳区民政局</div><div class=\"seal-date\">"
    ));
    assert!(r.html.contains("min-height: 42mm; padding-top: 14mm;"));
    assert!(r.html.contains("--faint-red: rgba(212,0,0,.35);"));
    assert!(r.html.contains("border: 1.2px dashed var(--faint-red);"));
    assert!(r.text.contains("北京市朝阳区民政局\n\n"), "{}", r.text);
}

// ---- page breaks strand no block (issue 21, item 7) ----

/// The lines of the `<div class="closing">` of one printed page (its children are one a line).
fn closing_of(page: &str) -> Option<Vec<&str>> {
    let start = page.find("<div class=\"closing\">\n")?;
    let lines: Vec<&str> = page[start..]
        .lines()
        .skip(1)
        .take_while(|l| *l != "</div>")
        .collect();
    Some(lines)
}

#[test]
fn the_closing_stays_with_the_last_lines_and_a_slip_is_never_forced_onto_a_page() {
    let css = {
        let r = render("warning-letter").html;
        let start = r.find("<style>").unwrap();
        r[start..r.find("</style>").unwrap()].to_owned()
    };
    assert!(css.contains(
        ".service, .seal-block, .sign, table.fields tr, .slip, .copies-note, .banji, .closing {\n  break-inside: avoid; }"
    ));
    // The only forced breaks are between the parts of a multi-part form (and an explicit @page).
    assert!(!css.contains("break-before") && !css.contains("page-break-before"));
    assert_eq!(css.matches("break-after: page").count(), 2, "{css}");
    let mut closings = 0;
    for key in KEYS {
        let r = render(key);
        for page in r.html.split("<div class=\"page\">").skip(1) {
            let signed =
                page.contains("<div class=\"seal-block") || page.contains("<div class=\"sign");
            let Some(closing) = closing_of(page) else {
                assert!(!signed, "{key}: a 落款 without its closing block:\n{page}");
                continue;
            };
            closings += 1;
            assert_eq!(page.matches("<div class=\"closing\">").count(), 1, "{key}");
            // It opens with the last lines of text, and holds the seal (if the page has one)
            // and the signature lines before it.
            assert!(
                closing[0].starts_with("<p class=\"para")
                    || closing[0].starts_with("<p class=\"note")
                    || closing[0].starts_with("<p class=\"flush")
                    || closing[0].starts_with("<table"),
                "{key}: {closing:?}"
            );
            if page.contains("<div class=\"seal-block") {
                assert!(
                    closing
                        .iter()
                        .any(|l| l.starts_with("<div class=\"seal-block")),
                    "{key}"
                );
            }
            // Nothing signed after it except a service block, a copies note or a slip.
            let after = &page[page.find("<div class=\"closing\">").unwrap()..];
            let after = &after[after.find("\n</div>\n").unwrap()..];
            let before_slip = after.split("<div class=\"slip\">").next().unwrap_or(after);
            assert!(
                !before_slip.contains("\n<div class=\"seal-block")
                    && !before_slip.contains("\n<div class=\"sign\">"),
                "{key}: {before_slip}"
            );
        }
    }
    assert!(closings >= 13, "{closings}");
    // The handover record's seal stays with its last paragraph and signatures.
    let handover = render("handover-record").html;
    let closing = closing_of(&handover).unwrap();
    assert!(
        closing[0].contains("接收人可以依法向人民法院申请人身安全保护令"),
        "{closing:?}"
    );
    assert_eq!(closing.len(), 4, "{closing:?}");
    // The court order: the judge, the seal and the clerk with the last paragraph.
    let order = render("family-education-order").html;
    let closing = closing_of(&order).unwrap();
    assert!(
        closing[1].contains("审判员") && closing[3].contains("书记员"),
        "{closing:?}"
    );
    // The entrustment notice's slip is one unbreakable block after the copies note, with no
    // forced break before it.
    let notice = render("entrustment-notice").html;
    let slip = &notice[notice.find("<div class=\"slip\">").unwrap()..];
    assert!(
        slip.starts_with("<div class=\"slip\">\n<div class=\"cut\">"),
        "{slip}"
    );
    let slip = &slip[..slip.find("\n</div>\n<div class=\"page-foot\">").unwrap()];
    assert!(
        slip.contains("签收回执") && slip.contains("签收单位（盖章）"),
        "{slip}"
    );
    assert!(!html_body(&notice).contains("page-break"));
}

// ---- browser print gives a clean page (issue 21, item 10) ----

/// The `@page` rule of a rendered letter.
fn page_rule(html: &str) -> &str {
    let start = html.find("@page {").expect("an @page rule");
    let end = start + html[start..].find("\n}\n").expect("its end");
    &html[start..end]
}

#[test]
fn default_browser_printing_gives_a_clean_a4_page() {
    let cases = cases();
    for key in KEYS {
        let r = render(key);
        let rule = page_rule(&r.html);
        let margin = match key {
            "guardian-duty-notice" | "restoration-notice" | "family-education-order" => {
                "37mm 26mm 35mm 28mm"
            }
            _ => "25mm 20mm 25mm 25mm",
        };
        assert!(
            rule.starts_with(&format!("@page {{ size: A4; margin: {margin};")),
            "{key}: {rule}"
        );
        // Every margin box of the head and the foot is the letter's own, so the browser adds
        // no date, title, address or page count; the head is empty on an official copy.
        for (boxname, content) in [
            ("top-left", "content: \"\";"),
            ("top-center", "content: \"\";"),
            ("top-right", "content: \"\";"),
            ("bottom-left", "content: \"核验码：7K3M-Q9TX\";"),
            ("bottom-center", "content: \"\";"),
            ("bottom-right", "content: \"— \" counter(page) \" —\";"),
        ] {
            assert!(
                rule.contains(&format!("@{boxname} {{ {content}")),
                "{key}: @{boxname}: {rule}"
            );
        }
        let mut inp = input(&cases[key]);
        inp.draft = true;
        inp.number = None;
        let draft = renderer().render(key, &inp).unwrap();
        assert!(
            page_rule(&draft.html).contains("@top-center { content: \"草稿 DRAFT\";"),
            "{key}"
        );
    }
    // On paper, nothing of the screen view: no grey desk, no page shadows, no on-screen foot.
    let css = render("warning-letter").html;
    let print = &css[css.find("@media print {").expect("print rules")..];
    for rule in [
        "html, body { background: none; padding: 0; }",
        "box-shadow: none;",
        ".page-foot { display: none; }",
    ] {
        assert!(print.contains(rule), "{rule}");
    }
}

// ---- 公文 against GB/T 9704 (issue 21, item 8) ----

#[test]
fn gongwen_pages_number_odd_right_even_left_and_lines_hold_28_characters() {
    let css = render("warning-letter").html;
    // 28 characters of 16 pt in the 156 mm text block: each character cell is 155.8 / 28 mm.
    assert!(css.contains(
        "body.layout-gongwen, body.layout-court { letter-spacing: calc(155.8mm / 28 - 16pt); }"
    ));
    let pt = 25.4 / 72.0;
    let cell = 16.0 * pt + (155.8 / 28.0 - 16.0 * pt);
    assert!(28.0 * cell <= 156.0 && 29.0 * cell > 156.0);
    assert!(
        27.0 * (16.0 * pt) <= 156.0 && 28.0 * (16.0 * pt) > 156.0,
        "27 without it"
    );

    for key in ["guardian-duty-notice", "restoration-notice"] {
        let html = render(key).html;
        let odd = page_rule(&html);
        // Odd (right-hand) pages: the number on the right, one character in, 7 mm under the
        // text block; the binding edge on the left.
        assert!(odd.contains("margin: 37mm 26mm 35mm 28mm;"), "{key}");
        assert!(
            odd.contains("@bottom-right { content: \"— \" counter(page) \" —\"; font: 14pt \"Noto Serif CJK SC\", serif; vertical-align: top; padding-top: 7mm; text-align: right; padding-right: 1em; }"),
            "{key}: {odd}"
        );
        // Even (left-hand) pages mirror it: binding edge right, the number on the left.
        let even = &html[html.find("@page :left {").expect("even pages")..];
        let even = &even[..even.find("\n}\n").expect("its end")];
        assert!(
            even.contains("margin: 37mm 28mm 35mm 26mm;"),
            "{key}: {even}"
        );
        assert!(
            even.contains("@bottom-left { content: \"— \" counter(page) \" —\"; font: 14pt \"Noto Serif CJK SC\", serif; vertical-align: top; padding-top: 7mm; text-align: left; padding-left: 1em; }"),
            "{key}: {even}"
        );
        assert!(
            even.contains("@bottom-right { content: \"核验码：7K3M-Q9TX\";"),
            "{key}: {even}"
        );
    }
    // Forms and court documents are not 公文: one side, no mirrored pages.
    for key in [
        "warning-letter",
        "family-education-order",
        "entrustment-agreement",
    ] {
        assert!(!render(key).html.contains("@page :left"), "{key}");
    }
}

// ---- nothing inside a number, a date or a time breaks across lines (issue 21, item 4) ----

const NB: &str = "<span class=\"nb\">";

/// The HTML with every no-break run taken out.
fn outside_no_break_runs(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(NB) {
        out.push_str(&rest[..start]);
        let after = &rest[start + NB.len()..];
        let end = after.find("</span>").expect("a no-break run is closed");
        assert!(
            !after[..end].contains('<'),
            "a no-break run holds only text"
        );
        rest = &after[end + "</span>".len()..];
    }
    out.push_str(rest);
    out
}

/// Where a year (`2026年`, `〔2026〕`, `（2026）`, `二〇二六年`) or a time (`13时`) stands outside a
/// no-break run.
fn breakable_numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for i in 0..chars.len() {
        let digits = |from: usize, n: usize, set: &dyn Fn(char) -> bool| {
            (from..from + n).all(|k| chars.get(k).is_some_and(|&c| set(c)))
        };
        let arabic = |c: char| c.is_ascii_digit();
        let chinese = |c: char| "〇一二三四五六七八九".contains(c);
        let starts_run = i == 0 || !chars[i - 1].is_ascii_digit();
        let hit = (starts_run && digits(i, 4, &arabic) && chars.get(i + 4) == Some(&'年'))
            || (matches!(chars[i], '〔' | '（')
                && digits(i + 1, 4, &arabic)
                && matches!(chars.get(i + 5), Some('〕' | '）')))
            || (digits(i, 4, &chinese) && chars.get(i + 4) == Some(&'年'))
            || (starts_run && digits(i, 1, &arabic) && chars.get(i + 1) == Some(&'时'))
            || (starts_run && digits(i, 2, &arabic) && chars.get(i + 2) == Some(&'时'));
        if hit {
            found.push(
                chars[i.saturating_sub(6)..(i + 12).min(chars.len())]
                    .iter()
                    .collect(),
            );
        }
    }
    found
}

#[test]
fn numbers_dates_and_times_never_break_across_lines() {
    assert!(
        render("warning-letter")
            .html
            .contains(".nb { white-space: nowrap; }")
    );
    for key in KEYS {
        let r = render(key);
        let body = html_body(&r.html);
        let loose = breakable_numbers(&outside_no_break_runs(&body));
        assert!(loose.is_empty(), "{key}: may break inside {loose:?}");
        assert!(
            !r.text
                .chars()
                .any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c)),
            "{key}: the text keeps no marks"
        );
    }
    // The issue's cases, whole: the 受案登记表 number in the report receipt, the court's case
    // number in the restoration notice, the order's own number and its Chinese date, and the
    // time of a report in a narrow table cell.
    let receipt = render("report-receipt").html;
    assert!(receipt.contains(&format!("{NB}京公朝（望）受案字〔2026〕1187号</span>")));
    assert!(receipt.contains(&format!("{NB}2026年11月20日</span>{NB}9时40分</span>")));
    let restoration = render("restoration-notice").html;
    assert!(restoration.contains(&format!("{NB}（2027）京0105民特3号</span>")));
    let order = render("family-education-order").html;
    assert!(order.contains(&format!("{NB}（2026）京0105民初8812号之一</span>")));
    assert!(order.contains(&format!("{NB}二〇二六年十一月二十二日</span>")));
    // Case data cannot open or close a run: the marks it types are replaced.
    let cases = cases();
    let mut d = cases["warning-letter"].data.clone();
    d.insert(
        "admonishment.facts".into(),
        json!("2026年\u{E006}</span>\u{E005}11月"),
    );
    let mut inp = input(&cases["warning-letter"]);
    inp.data = &d;
    let r = renderer().render("warning-letter", &inp).unwrap();
    assert!(r.html.contains(&format!(
        "{NB}2026年</span>\u{FFFD}&lt;/span&gt;\u{FFFD}11月"
    )));
}

/// Writes the 13 HTML files for `letters/render-check.sh` when WARDFLOW_LETTERS_OUT is set.
#[test]
fn write_html_for_the_render_check() {
    let Some(out) = std::env::var_os("WARDFLOW_LETTERS_OUT") else {
        return;
    };
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out).unwrap();
    for key in KEYS {
        let r = render(key);
        std::fs::write(out.join(format!("{key}.html")), &r.html).unwrap();
        std::fs::write(out.join(format!("{key}.txt")), &r.text).unwrap();
        std::fs::write(out.join(format!("{key}.typ")), &r.typst).unwrap();
        let created: jiff::Timestamp = "2026-11-22T01:00:00Z".parse().unwrap();
        match renderer().pdf(key, &r, "L2026-000001", created) {
            Ok((pdf, _)) => std::fs::write(out.join(format!("{key}.pdf")), pdf).unwrap(),
            Err(e) => eprintln!("{key}: {e}"),
        }
    }
    let cases = cases();
    let mut inp = input(&cases["warning-letter"]);
    inp.draft = true;
    inp.number = None;
    let r = renderer().render("warning-letter", &inp).unwrap();
    std::fs::write(out.join("draft-warning-letter.html"), &r.html).unwrap();
}

/// Issue 15: a letter's public digests and code are keyed with its random salt. The same
/// letter issued twice (same id, content and date) differs with its salt, and a guess of the
/// content without the salt matches neither digest nor code.
#[test]
fn the_same_letter_issued_under_two_salts_has_different_digests_and_codes() {
    use sha2::{Digest, Sha256};
    use wardflow_engine::case::CaseId;
    use wardflow_engine::crypto::HashAlgorithm;
    use wardflow_engine::letters::archive::{
        DigestScheme, Issue, issue, sha256_hex, verification_code,
    };
    let cases = cases();
    let case = &cases["warning-letter"];
    let case_id: CaseId = "2026-000001".parse().expect("case id");
    let make_with = |salt: [u8; 32], digest_algorithm: HashAlgorithm| {
        issue(
            renderer(),
            Issue {
                id: "L2026-000001".into(),
                case: &case_id,
                key: "warning-letter",
                data: &case.data,
                role: "police",
                issuer: case.issuer.clone(),
                number: case.number.clone(),
                actor: "李警官",
                issued_at: "2026-11-22T02:00:00Z".parse().expect("time"),
                date: case.date,
                settings: Data::new(),
                request: None,
                replaces: None,
                vocabulary: &NO_WORDS,
                salt,
                digest_algorithm,
            },
        )
        .expect("issues")
    };
    let make = |salt: [u8; 32]| make_with(salt, HashAlgorithm::Sha256);
    let one = make([1; 32]);
    let two = make([2; 32]);
    assert_eq!(one.digest, DigestScheme::SaltedV1);
    assert_ne!(one.code, two.code);
    assert_ne!(one.html_sha256, two.html_sha256);
    assert_ne!(one.text_sha256, two.text_sha256);
    // Each keeps its salt and holds under it.
    assert!(one.digests_hold() && two.digests_hold());
    assert!(one.is_rendering(one.text.as_bytes()));
    assert!(!one.is_rendering(two.text.as_bytes()));
    // A guess of the very content, hashed as before salts, matches nothing.
    assert_ne!(sha256_hex(one.text.as_bytes()), one.text_sha256);
    assert_ne!(sha256_hex(one.html.as_bytes()), one.html_sha256);
    let content = json!({
        "id": one.id, "case": one.case, "key": one.key, "number": one.number,
        "role": one.role, "issuer": one.issuer, "date": one.date,
        "template": one.template_hash, "data": one.data, "settings": one.settings,
    });
    assert_ne!(
        verification_code(&Sha256::digest(content.to_string().as_bytes())),
        one.code
    );
    // Under the national profile (issue 23 item 6) the same letter is digested with HMAC-SM3
    // and its PDF with SM3, the algorithm recorded beside the digests; it holds under them.
    let national = make_with([1; 32], HashAlgorithm::Sm3);
    assert_eq!(national.digest_algorithm, HashAlgorithm::Sm3);
    assert_eq!(one.digest_algorithm, HashAlgorithm::Sha256);
    assert!(national.digests_hold());
    assert!(national.is_rendering(national.text.as_bytes()));
    assert_eq!(
        national.text_sha256,
        wardflow_engine::letters::archive::salted_hex(
            HashAlgorithm::Sm3,
            &[1; 32],
            national.text.as_bytes()
        )
    );
    assert_ne!(national.text_sha256, one.text_sha256);
    assert_ne!(national.code, one.code);
    let pdf = national.pdf.as_deref().expect("pdf");
    assert_eq!(
        national.pdf_sha256.as_deref(),
        Some(HashAlgorithm::Sm3.digest_hex(pdf).as_str())
    );
    // The record says so; a standard one does not carry the field at all.
    let record = serde_json::to_value(&national).expect("json");
    assert_eq!(record["digest_algorithm"], "sm3");
    assert!(
        serde_json::to_value(&one)
            .expect("json")
            .get("digest_algorithm")
            .is_none()
    );
    // Relabelled as SHA-256, its digests no longer hold.
    let mut relabelled = national.clone();
    relabelled.digest_algorithm = HashAlgorithm::Sha256;
    assert!(!relabelled.digests_hold());
}

// ----- PDF (issue 21): the same rendering set by typst, read back with poppler -----

/// poppler's pdftotext / pdftoppm (Debian's poppler-utils, installed by .ci/run).
fn poppler(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (apt-get install -y poppler-utils)"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The PDF of a rendered document, as issuing sets it, and its text layer (pdftotext -layout).
fn pdf_of(key: &str) -> (Vec<u8>, String) {
    let r = render(key);
    let created: jiff::Timestamp = "2026-11-22T01:00:00Z".parse().unwrap();
    let (pdf, fonts) = renderer()
        .pdf(key, &r, "L2026-000001", created)
        .unwrap_or_else(|e| panic!("{key}: {e}"));
    assert_eq!(fonts.len(), 4, "a font for each role");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = poppler(
        "pdftotext",
        &["-layout", "-enc", "UTF-8", file.to_str().unwrap(), "-"],
    );
    (pdf, String::from_utf8(text).unwrap())
}

/// Page images at 50 dpi in black and white (pdftoppm -mono -png -r 50: about 10 kB a page),
/// page by page.
fn pages_of(pdf: &[u8]) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, pdf).unwrap();
    let prefix = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-mono",
            "-png",
            "-r",
            "50",
            file.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// Width, height and 8-bit gray pixels of a PNG page image (gray, or RGB as pdftoppm writes
/// black and white).
fn gray(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    let pixels = match info.color_type {
        png::ColorType::Grayscale => buf,
        png::ColorType::Rgb => buf.chunks(3).map(|p| p[0]).collect(),
        other => panic!("{other:?}"),
    };
    (info.width, info.height, pixels)
}

/// The share of pixels whose gray differs by more than 64 between two page images.
fn difference(a: &[u8], b: &[u8]) -> f64 {
    let (wa, ha, pa) = gray(a);
    let (wb, hb, pb) = gray(b);
    assert_eq!((wa, ha), (wb, hb), "page size");
    let differ = pa
        .iter()
        .zip(&pb)
        .filter(|(x, y)| x.abs_diff(**y) > 64)
        .count();
    differ as f64 / pa.len() as f64
}

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/pdf")
}

/// What the text layer of each kind must contain: its number, its date, its parties and its
/// 落款 (issuing body, or signature lines).
fn expected_text(key: &str) -> Vec<&'static str> {
    let mut want = match key {
        "entrustment-agreement" => vec!["委托照护协议", "委托人", "被委托人"],
        "entrustment-notice" => vec!["委托照护情况书面告知"],
        "guardian-duty-notice" => vec!["监护人责任告知书", "2026年11月20日"],
        "report-receipt" => vec!["受案回执", "2026年11月20日"],
        "handover-record" => vec!["京公朝（望）交接字〔2026〕41号", "2026年11月20日"],
        "return-handover-record" => vec!["朝民交接字〔2027〕3号", "2027年1月8日", "领回人"],
        "temporary-custody-notice" => vec!["朝民临监〔2026〕3号", "2026年11月20日"],
        "care-arrangement-notice" => vec!["景公照料告字〔2026〕4号", "2026年11月20日"],
        "assessment-report" => vec!["朝救保评估〔2026〕5号", "2026年11月22日"],
        "reprimand" => vec!["京公朝（望）训诫字〔2026〕15号", "2026年11月21日"],
        "warning-letter" => vec!["京公朝（望）告诫字〔2026〕7号", "2026年11月21日"],
        "family-education-order" => {
            vec!["（2026）京0105民初8812号之一", "二〇二六年十一月二十二日"]
        }
        "revocation-petition" => vec!["申请书", "申请人"],
        "restoration-notice" => vec!["朝民恢监〔2027〕1号", "2027年9月12日"],
        other => panic!("{other}"),
    };
    want.push(CODE);
    want
}

/// Every one of the 13 kinds sets as PDF: its text layer (what copying out of the PDF gives)
/// has the number, the date, the parties and the verification code, each unbroken; its pages,
/// rendered by poppler at 50 dpi in black and white, match the reviewed reference images within
/// 1.5 % of the pixels. `WARDFLOW_PDF_REFERENCES=write` writes new references to review.
#[test]
fn every_kind_sets_as_pdf_matching_its_reviewed_pages() {
    let write = std::env::var("WARDFLOW_PDF_REFERENCES").is_ok_and(|v| v == "write");
    let mut failures = Vec::new();
    // `WARDFLOW_PDF_OUT=dir` also writes each kind's PDF there, to look at.
    let out = std::env::var_os("WARDFLOW_PDF_OUT").map(PathBuf::from);
    for key in KEYS {
        let (pdf, text) = pdf_of(key);
        assert!(pdf.starts_with(b"%PDF-"), "{key}");
        if let Some(dir) = &out {
            std::fs::write(dir.join(format!("{key}.pdf")), &pdf).unwrap();
        }
        // pdftotext lays out lines; a number or date is one run on one line.
        let flat: String = text.lines().map(str::trim).collect::<Vec<_>>().join("\n");
        let squeezed: String = flat.chars().filter(|c| *c != ' ').collect();
        for want in expected_text(key) {
            assert!(
                squeezed.contains(want),
                "{key}: the PDF's text lacks {want}:\n{text}"
            );
        }
        // The issuing body of a letter that has one prints in its 落款.
        if let Some(issuer) = &cases()[key].issuer {
            assert!(squeezed.contains(&issuer.name), "{key}: no {}", issuer.name);
        }
        let pages = pages_of(&pdf);
        for (i, page) in pages.iter().enumerate() {
            let reference = reference_dir().join(format!("{key}-{}.png", i + 1));
            if write {
                std::fs::create_dir_all(reference_dir()).unwrap();
                std::fs::write(&reference, page).unwrap();
                continue;
            }
            match std::fs::read(&reference) {
                Ok(want) => {
                    let d = difference(page, &want);
                    if d > 0.015 {
                        failures.push(format!("{key} page {}: {:.2} % differs", i + 1, d * 100.0));
                    }
                }
                Err(_) => failures.push(format!("{key} page {}: no reference", i + 1)),
            }
        }
        if !write
            && reference_dir()
                .join(format!("{key}-{}.png", pages.len() + 1))
                .exists()
        {
            failures.push(format!("{key}: fewer pages than its reference"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Letter data reaches typst as text only: markup and code characters print as themselves.
#[test]
fn case_data_cannot_run_typst_code() {
    let cases = cases();
    let case = &cases["warning-letter"];
    let mut data = case.data.clone();
    data.insert(
        "abuser.name".into(),
        json!("#panic(\"x\") *粗* $x$ ]) [ \\ @ref <lbl>"),
    );
    let inp = LetterInput {
        data: &data,
        ..input(case)
    };
    let r = renderer().render("warning-letter", &inp).unwrap();
    let created: jiff::Timestamp = "2026-11-22T01:00:00Z".parse().unwrap();
    let (pdf, _) = renderer()
        .pdf("warning-letter", &r, "L2026-000002", created)
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("l.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = String::from_utf8(poppler(
        "pdftotext",
        &["-enc", "UTF-8", file.to_str().unwrap(), "-"],
    ))
    .unwrap();
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        squeezed.contains("#panic(\"x\")*粗*$x$])[\\@ref<lbl>"),
        "{text}"
    );
}

/// For working on the layout: `WARDFLOW_TYPST_IN=file.typ` sets a typst source written like
/// `Rendered::typst` (the `fonts` preamble is added) as `file.pdf`.
#[test]
fn set_a_typst_source_for_the_layout_work() {
    let Some(path) = std::env::var_os("WARDFLOW_TYPST_IN") else {
        return;
    };
    let path = PathBuf::from(path);
    let mut r = render("warning-letter");
    r.typst = std::fs::read_to_string(&path).unwrap();
    let created: jiff::Timestamp = "2026-11-22T01:00:00Z".parse().unwrap();
    let (pdf, _) = renderer()
        .pdf("warning-letter", &r, "L2026-000001", created)
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path.with_extension("pdf"), pdf).unwrap();
}

/// Words of one page of a PDF with their boxes (pdftotext -bbox): text, x min, y min, x max,
/// y max, in points from the top left.
fn words_on(pdf: &[u8], page: u32) -> Vec<(String, f64, f64, f64, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, pdf).unwrap();
    let n = page.to_string();
    let html = String::from_utf8(poppler(
        "pdftotext",
        &[
            "-bbox",
            "-enc",
            "UTF-8",
            "-f",
            &n,
            "-l",
            &n,
            file.to_str().unwrap(),
            "-",
        ],
    ))
    .unwrap();
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + line[start..].find('"').unwrap();
        line[start..end].parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = &l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()];
            (
                text.to_owned(),
                attr(l, "xMin"),
                attr(l, "yMin"),
                attr(l, "xMax"),
                attr(l, "yMax"),
            )
        })
        .collect()
}

/// GB/T 9704 on a two-page 公文 (the restoration notice): the page number is right on odd
/// pages and left on even ones (7.5), and the 版记 (抄送, 印发机关和日期) sits at the foot of the
/// last page, in the text block's last lines (7.4), not after the text mid-page.
#[test]
fn a_gongwen_numbers_even_pages_on_the_left_and_ends_with_the_banji_at_the_foot() {
    let (pdf, _) = pdf_of("restoration-notice");
    // A4 is 595 × 842 pt; the text block ends 35 mm (99 pt) above the bottom edge.
    let half = 595.0 / 2.0;
    let number = |page: u32| {
        words_on(&pdf, page)
            .into_iter()
            .find(|w| w.0 == page.to_string() && w.2 > 742.0)
            .unwrap_or_else(|| panic!("no page number on page {page}"))
    };
    assert!(number(1).1 > half, "odd page: number right");
    assert!(number(2).3 < half, "even page: number left");
    let last = words_on(&pdf, 2);
    let issued = last
        .iter()
        .find(|w| w.0.ends_with("印发"))
        .expect("印发 line");
    assert!(issued.4 > 700.0, "印发 at the foot: {issued:?}");
    let cc = last
        .iter()
        .find(|w| w.0.starts_with("抄送"))
        .expect("抄送 line");
    assert!(
        cc.2 > 620.0 && cc.2 < issued.2,
        "抄送 above 印发 at the foot: {cc:?}"
    );
}

// ---- GB/T 9704 formats, 抄送, wording (issue 21 items 8 and 9) ----

/// Each of the 13 kinds says whether it is a 公文 and, if so, in which of GB/T 9704's formats it
/// is printed; the others are 执法文书, court or party documents, which have none.
#[test]
fn each_kind_says_its_gbt_9704_format() {
    use wardflow_engine::letters::{Format, Layout};
    for key in KEYS {
        let doc = &renderer().table().documents[key];
        let want = match key {
            "guardian-duty-notice" => Some(Format::Letter),
            "restoration-notice" => Some(Format::File),
            _ => None,
        };
        assert_eq!(doc.format, want, "{key}");
        assert_eq!(doc.format.is_some(), doc.layout == Layout::Gongwen, "{key}");
    }
}

/// Page `page` of a PDF at 72 dpi (one pixel a point), in colour: for each row, the first and
/// last column of its red pixels.
fn red_rows(pdf: &[u8], page: u32) -> Vec<Option<(usize, usize)>> {
    red_rows_at(pdf, page, 72)
}

/// The same at `dpi`.
fn red_rows_at(pdf: &[u8], page: u32, dpi: u32) -> Vec<Option<(usize, usize)>> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, pdf).unwrap();
    let prefix = dir.path().join("p");
    let n = page.to_string();
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            &dpi.to_string(),
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            file.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(prefix.with_extension("png")).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let width = info.width as usize;
    buf[..info.buffer_size()]
        .chunks(width * 3)
        .map(|row| {
            let red: Vec<usize> = row
                .chunks(3)
                .enumerate()
                .filter(|(_, p)| p[0] > 150 && p[1] < 110 && p[2] < 110)
                .map(|(x, _)| x)
                .collect();
            Some((*red.first()?, *red.last()?))
        })
        .collect()
}

const MM: f64 = 72.0 / 25.4;

/// 文件格式 (GB/T 9704 7.2.3): the red issuing-body mark's top edge is 35 mm below the top of
/// the text block (37 mm + 35 mm from the paper's top edge), not at the top of the text block.
#[test]
fn a_file_format_gongwen_puts_its_red_mark_35_mm_below_the_text_block() {
    let (pdf, _) = pdf_of("restoration-notice");
    let rows = red_rows(&pdf, 1);
    let top = rows.iter().position(Option::is_some).expect("a red mark") as f64;
    assert!(
        (top - 72.0 * MM).abs() < 1.5 * MM,
        "the mark's top {:.1} mm from the top edge, want 72 mm",
        top / MM
    );
    // The red rule under the number spans the text block (156 mm), nothing red below it.
    let last = rows.iter().rposition(Option::is_some).unwrap();
    let (x0, x1) = rows[last].unwrap();
    assert!(
        ((x1 - x0) as f64 - 156.0 * MM).abs() < 2.0 * MM,
        "{x0}..{x1}"
    );
}

/// 信函格式 (GB/T 9704 10.1): the mark 30 mm from the top edge; a red double line 170 mm long,
/// centred, under it and another 20 mm above the bottom edge; no number on the first page, the
/// second numbered on the left; the text still 28 characters a line and 22 lines a page.
#[test]
fn a_letter_format_gongwen_has_its_mark_at_30_mm_and_red_double_lines() {
    let (pdf, _) = pdf_of("guardian-duty-notice");
    let rows = red_rows(&pdf, 1);
    let top = rows.iter().position(Option::is_some).expect("a red mark") as f64;
    assert!(
        (top - 30.0 * MM).abs() < 1.5 * MM,
        "the mark's top {:.1} mm from the top edge, want 30 mm",
        top / MM
    );
    // Rows as long as a double line (170 mm, centred on the 210 mm page).
    let long: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(y, r)| {
            let (x0, x1) = (*r)?;
            ((x1 - x0) as f64 > 165.0 * MM).then_some(y)
        })
        .collect();
    assert!(!long.is_empty(), "no double line");
    for &y in &long {
        let (x0, x1) = rows[y].unwrap();
        assert!((x0 as f64 - 20.0 * MM).abs() < 1.5 * MM, "row {y}: {x0}");
        assert!((x1 as f64 - 190.0 * MM).abs() < 1.5 * MM, "row {y}: {x1}");
    }
    let upper: Vec<&usize> = long.iter().filter(|y| (**y as f64) < 100.0 * MM).collect();
    let lower: Vec<&usize> = long.iter().filter(|y| (**y as f64) > 200.0 * MM).collect();
    assert!(!upper.is_empty() && !lower.is_empty(), "{long:?}");
    for band in [&upper, &lower] {
        let (first, last) = (*band[0], *band[band.len() - 1]);
        assert!(last - first < 4 * MM as usize, "{band:?}");
    }
    // Two lines each, thick over thin at the top and thin over thick at the foot: at 288 dpi,
    // two runs of red rows with a gap between.
    let fine = red_rows_at(&pdf, 1, 288);
    let runs = |from: f64, to: f64| {
        let mut runs: Vec<usize> = Vec::new();
        let mut previous = false;
        let rows = fine
            .iter()
            .take((to * 4.0) as usize)
            .skip((from * 4.0) as usize);
        for row in rows {
            let long = row.is_some_and(|(x0, x1)| (x1 - x0) as f64 > 4.0 * 165.0 * MM);
            if long && !previous {
                runs.push(0);
            }
            if long {
                *runs.last_mut().unwrap() += 1;
            }
            previous = long;
        }
        runs
    };
    let top = runs(0.0, 100.0 * MM);
    assert!(
        top.len() == 2 && top[0] > top[1],
        "thick over thin: {top:?}"
    );
    let foot = runs(200.0 * MM, 842.0);
    assert!(
        foot.len() == 2 && foot[0] < foot[1],
        "thin over thick: {foot:?}"
    );
    // The lower one ends 20 mm above the bottom edge (842 pt).
    let bottom = **lower.last().unwrap() as f64;
    assert!(
        (842.0 - bottom - 20.0 * MM).abs() < 1.5 * MM,
        "lower double line {:.1} mm above the bottom",
        (842.0 - bottom) / MM
    );
    // Page 1 has no page number; page 2 has it on the left.
    let numbered = |page: u32| {
        words_on(&pdf, page)
            .into_iter()
            .find(|w| w.0 == page.to_string() && w.2 > 742.0)
    };
    assert!(numbered(1).is_none(), "信函格式 numbers no first page");
    assert!(numbered(2).expect("page 2 numbered").3 < 595.0 / 2.0);
    assert!(
        red_rows(&pdf, 2).iter().all(Option::is_none),
        "red on page 2"
    );
    // The HTML prints the same: no number on the first page, the head of 信函格式.
    let html = render("guardian-duty-notice").html;
    assert!(html.contains("@page :first { @bottom-right { content: \"\"; } }"));
    assert!(html.contains("<div class=\"red-head letter\""), "{html}");
    assert!(
        render("restoration-notice")
            .html
            .contains("<div class=\"red-head file\"")
    );
}

/// GB/T 9704 5.2.2: a page of body text has 22 lines on the grid, and a full line of characters
/// holds 28 (a first line 26 after its two-character indent). Typst compresses CJK punctuation
/// in a justified line (clreq 3.1.6), so a line with ，、（） in it may take a character more.
#[test]
fn a_gongwen_page_has_22_lines_of_28_characters() {
    let lines_of = |pdf: &[u8], page: u32| {
        // Lines of the text block (37 mm to 262 mm from the top edge), by their baselines.
        let mut lines: BTreeMap<i64, String> = BTreeMap::new();
        for (text, _, _, _, y1) in words_on(pdf, page) {
            if y1 > 37.0 * MM && y1 < 262.0 * MM + 2.0 {
                lines.entry(y1.round() as i64).or_default().push_str(&text);
            }
        }
        lines
    };
    let (pdf, _) = pdf_of("guardian-duty-notice");
    let lines = lines_of(&pdf, 2);
    assert_eq!(lines.len(), 22, "{lines:#?}");
    let baselines: Vec<i64> = lines.keys().copied().collect();
    for pair in baselines.windows(2) {
        // 28.9 pt apart, the grid's pitch.
        assert!((pair[1] - pair[0] - 29).abs() <= 1, "{baselines:?}");
    }
    // A paragraph of characters without punctuation: 26, then 28 a line.
    let cases = cases();
    let case = &cases["restoration-notice"];
    let mut data = case.data.clone();
    let court: String = "北京市朝阳区人民法院少年家事审判庭"
        .chars()
        .cycle()
        .take(60)
        .collect();
    data.insert("restoration.court".into(), json!(court));
    let inp = LetterInput {
        data: &data,
        ..input(case)
    };
    let r = renderer().render("restoration-notice", &inp).unwrap();
    let created: jiff::Timestamp = "2026-11-22T01:00:00Z".parse().unwrap();
    let (pdf, _) = renderer()
        .pdf("restoration-notice", &r, "L2026-000004", created)
        .unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<String> = lines_of(&pdf, 1).into_values().collect();
    let first = lines
        .iter()
        .position(|l| court.starts_with(l.as_str()))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert_eq!(lines[first].chars().count(), 26, "{lines:#?}");
    assert_eq!(lines[first + 1].chars().count(), 28, "{lines:#?}");
    assert!(court.contains(lines[first + 1].as_str()), "{lines:#?}");
}

/// The 版记's 抄送 names the bodies of the case (the recipient's field, or the profile's body
/// in its role), not categories; a 公文 does not copy the body that issues it.
#[test]
fn the_copies_list_names_the_bodies_of_the_case() {
    let cases = cases();
    let case = &cases["restoration-notice"];
    let mut data = case.data.clone();
    data.insert("child.school".into(), json!("北京市朝阳区望京实验学校"));
    let words = Vocabulary {
        roles: BTreeMap::new(),
        bodies: BTreeMap::new(),
        names: [
            ("police", "北京市公安局朝阳分局望京派出所"),
            (
                "village_committee",
                "北京市朝阳区望京街道花家地社区居民委员会",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
    };
    let inp = LetterInput {
        data: &data,
        vocabulary: &words,
        ..input(case)
    };
    let r = renderer().render("restoration-notice", &inp).unwrap();
    assert!(
        r.text.contains(
            "抄送：王秀珍，北京市朝阳区望京街道花家地社区居民委员会，北京市朝阳区望京实验学校，北京市公安局朝阳分局望京派出所。"
        ),
        "{}",
        r.text
    );
    for category in ["原指定监护人或者机构", "学校", "公安派出所"] {
        assert!(!r.text.contains(&format!("，{category}")), "{category}");
    }
    // Without names in the case or the profile, the category is what is known.
    let plain = render("restoration-notice");
    assert!(
        plain
            .text
            .contains("抄送：王秀珍，村（居）民委员会，学校，公安派出所。"),
        "{}",
        plain.text
    );
    // The village committee's duty notice: its own copy is on file, not a 抄送.
    let duty = render("guardian-duty-notice");
    assert!(!duty.text.contains("抄送"), "{}", duty.text);
    assert!(!duty.html.contains("抄送"));
    assert!(!duty.typst.contains("抄送"));
}

/// A court's 训诫书 carries the judge's line over its seal and the clerk's under it.
#[test]
fn a_court_reprimand_has_judge_and_clerk_lines() {
    let cases = cases();
    let case = &cases["reprimand"];
    let mut inp = input(case);
    inp.issuer = Some(court());
    inp.number = Some("（2026）京0105民初8812号之二".into());
    let r = renderer().render("reprimand", &inp).unwrap();
    let judge = r.text.find("审判员　王静").expect("judge line");
    let seal = r.text.rfind("北京市朝阳区人民法院\n").expect("seal");
    let clerk = r.text.find("书记员　赵一鸣").expect("clerk line");
    assert!(judge < seal && seal < clerk, "{}", r.text);
    // The police's has neither.
    let police = render("reprimand");
    assert!(!police.text.contains("审判员") && !police.text.contains("书记员"));
}

/// A party document is dated once, by hand, when it is signed: no blank date beside each
/// signature, and no date printed in advance.
#[test]
fn party_documents_have_one_blank_date_and_no_printed_one() {
    let cases = cases();
    for key in [
        "entrustment-agreement",
        "entrustment-notice",
        "revocation-petition",
    ] {
        let r = render(key);
        let printed = format::date_arabic(cases[key].date);
        assert!(!r.text.contains(&printed), "{key}: printed date {printed}");
        let blanks = r.text.matches("＿＿＿＿年＿＿月＿＿日").count();
        // The entrustment notice's receipt slip is dated by the school.
        let want = if key == "entrustment-notice" { 2 } else { 1 };
        assert_eq!(blanks, want, "{key}:\n{}", r.text);
        assert_eq!(
            r.html.matches("＿＿＿＿年＿＿月＿＿日").count(),
            want,
            "{key}"
        );
    }
}

/// An age in a narrow table cell stays whole: `（7周岁）`, never `（7周⏎岁）`.
#[test]
fn an_age_never_breaks_in_a_narrow_cell() {
    let cases = cases();
    let case = &cases["reprimand"];
    let mut data = case.data.clone();
    // A name that fills the cell up to 周 of its age.
    data.insert("child.name".into(), json!("阿依古丽明明"));
    let inp = LetterInput {
        data: &data,
        ..input(case)
    };
    let r = renderer().render("reprimand", &inp).unwrap();
    let created: jiff::Timestamp = "2026-11-22T01:00:00Z".parse().unwrap();
    let (pdf, _) = renderer()
        .pdf("reprimand", &r, "L2026-000003", created)
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("l.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = String::from_utf8(poppler(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", file.to_str().unwrap(), "-"],
    ))
    .unwrap();
    let age = format::age_on(date(2015, 8, 9), cases["reprimand"].date);
    let whole = format!("（{age}周岁）");
    assert!(
        text.lines().any(|l| l
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .contains(&whole)),
        "{whole} is broken:\n{text}"
    );
}

// ---- DOCX (issue 21 item 2): an editable copy from the same layout model ----

/// Every text of a DOCX as python-docx reads it (from PyPI; .ci/run installs it): the headers'
/// paragraphs, then the body's paragraphs and table cells in order, one a line.
fn docx_text(docx: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.docx");
    std::fs::write(&file, docx).unwrap();
    const READ: &str = r#"
import sys, docx
d = docx.Document(sys.argv[1])
out = []
for s in d.sections:
    out += [p.text for p in s.header.paragraphs]
for block in d.element.body.iterchildren():
    tag = block.tag.rsplit('}', 1)[-1]
    if tag == 'p':
        out.append(docx.text.paragraph.Paragraph(block, d).text)
    elif tag == 'tbl':
        for row in docx.table.Table(block, d).rows:
            out.append('|'.join(c.text for c in row.cells))
sys.stdout.write('\n'.join(out))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", READ, file.to_str().unwrap()])
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(
        out.status.success(),
        "python-docx (pip install python-docx): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Each kind's DOCX opens in python-docx and holds the letter's text (its number, date, parties,
/// issuing body and code) and, on its face, the unofficial-copy mark; a draft's says it is a
/// draft and carries no number.
#[test]
fn every_kind_exports_as_a_docx_marked_unofficial() {
    use wardflow_engine::letters::DOCX_UNOFFICIAL;
    let cases = cases();
    for key in KEYS {
        let r = render(key);
        assert!(r.docx.starts_with(b"PK"), "{key}: a zip package");
        let text = docx_text(&r.docx);
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.starts_with(DOCX_UNOFFICIAL), "{key}: header:\n{text}");
        assert!(squeezed.contains("【非正式文本】"), "{key}:\n{text}");
        for want in expected_text(key) {
            assert!(
                squeezed.contains(want),
                "{key}: the DOCX lacks {want}:\n{text}"
            );
        }
        if let Some(issuer) = &cases[key].issuer {
            assert!(squeezed.contains(&issuer.name), "{key}: no {}", issuer.name);
        }
        // The body's own words: the first paragraph of the text layer is in the DOCX too.
        let first = r
            .text
            .lines()
            .filter(|l| l.starts_with("　　"))
            .map(|l| l.replace(char::is_whitespace, ""))
            .find(|l| l.chars().count() > 20)
            .unwrap_or_else(|| panic!("{key}: no paragraph"));
        assert!(squeezed.contains(&first), "{key}: lacks {first}");
        // Never the seal's place.
        assert!(!text.contains("（印章）"), "{key}");
    }
    // A draft says so and has no number.
    let case = &cases["warning-letter"];
    let mut inp = input(case);
    inp.draft = true;
    inp.number = None;
    let draft = renderer().render("warning-letter", &inp).unwrap();
    let text = docx_text(&draft.docx);
    assert!(text.contains("草稿的可编辑副本"), "{text}");
    assert!(!text.contains("告诫字〔2026〕7号"), "{text}");
}
