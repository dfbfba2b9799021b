//! The fields, settings and data the guard tests share.

use super::{Guard, GuardProblem, GuardResult, GuardScope};
use crate::definition::{Data, FieldType};
use jiff::tz::TimeZone;
use serde_json::json;
use std::collections::BTreeMap;

fn fields() -> BTreeMap<String, FieldType> {
    let sibling: BTreeMap<String, FieldType> = [
        ("name".to_owned(), FieldType::String),
        ("birth_date".to_owned(), FieldType::Date),
        (
            "relation".to_owned(),
            FieldType::enum_of::<String>(vec!["brother".into(), "sister".into()]),
        ),
    ]
    .into();
    [
        ("child.name", FieldType::String),
        ("child.birth_date", FieldType::Date),
        ("child.address.city", FieldType::String),
        ("carer.name", FieldType::String),
        ("carer.disqualified", FieldType::Boolean),
        ("carer.birth_date", FieldType::Date),
        (
            "ground",
            FieldType::enum_of::<String>(vec![
                "street_child".into(),
                "guardian_missing".into(),
                "guardian_deceased".into(),
            ]),
        ),
        ("decision_at", FieldType::DateTime),
        ("visit.date", FieldType::Date),
        ("team.size", FieldType::Integer),
        ("tags", FieldType::List(Box::new(FieldType::String))),
        (
            "child.languages",
            FieldType::List(Box::new(FieldType::enum_of::<String>(vec![
                "zh".into(),
                "en".into(),
                "bo".into(),
            ]))),
        ),
        ("siblings", FieldType::Records(sibling)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn settings() -> BTreeMap<String, serde_json::Value> {
    [
        ("min_team_size", json!(2)),
        ("appeal_window", json!("72h")),
        ("review_period", json!("30 days")),
        ("office", json!("Beijing")),
        ("policy_start", json!("2021-01-01")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub(super) struct Fixture {
    fields: BTreeMap<String, FieldType>,
    settings: BTreeMap<String, serde_json::Value>,
}

impl Fixture {
    pub(super) fn new() -> Self {
        Fixture {
            fields: fields(),
            settings: settings(),
        }
    }

    pub(super) fn scope(&self) -> GuardScope<'_> {
        GuardScope {
            fields: &self.fields,
            settings: &self.settings,
        }
    }

    pub(super) fn compile(&self, source: &str) -> Guard {
        match Guard::compile(source, &self.scope()) {
            Ok(guard) => guard,
            Err(problems) => panic!("`{source}` does not compile: {problems:?}"),
        }
    }

    pub(super) fn problems(&self, source: &str) -> Vec<GuardProblem> {
        match Guard::compile(source, &self.scope()) {
            Ok(_) => panic!("`{source}` compiles"),
            Err(problems) => problems,
        }
    }

    pub(super) fn eval_at(&self, source: &str, data: &Data, now: jiff::Timestamp) -> GuardResult {
        self.compile(source)
            .evaluate(data, &self.scope(), now, &shanghai())
    }

    pub(super) fn eval(&self, source: &str, data: &Data) -> GuardResult {
        self.eval_at(source, data, noon_2024_06_01())
    }
}

pub(super) fn shanghai() -> TimeZone {
    TimeZone::fixed(jiff::tz::offset(8))
}

/// 2024-06-01T12:00:00+08:00
pub(super) fn noon_2024_06_01() -> jiff::Timestamp {
    "2024-06-01T04:00:00Z".parse().unwrap()
}

pub(super) fn data(entries: &[(&str, serde_json::Value)]) -> Data {
    entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

pub(super) fn full_data() -> Data {
    data(&[
        ("child.name", json!("小明")),
        ("child.birth_date", json!("2010-03-15")),
        ("carer.name", json!("王芳")),
        ("carer.disqualified", json!(false)),
        ("carer.birth_date", json!("1980-02-29")),
        ("child.address.city", json!("Lhasa")),
        ("ground", json!("street_child")),
        ("decision_at", json!("2024-05-01T09:30:00+08:00")),
        ("visit.date", json!("2024-05-20")),
        ("team.size", json!(3)),
        ("tags", json!(["urgent"])),
        (
            "siblings",
            json!([
                {"name": "小红", "birth_date": "2012-01-01", "relation": "sister"},
                {"name": "小刚", "birth_date": "2008-07-01", "relation": "brother"}
            ]),
        ),
    ])
}
