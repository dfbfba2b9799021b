//! Application-layer tests: every use case through `Office`, with its refusals, and no CLI.

mod admin;
mod cases;
mod counting;
mod extid;
mod front;
mod ops;
mod pg;
mod published;

use std::path::Path;

use jiff::Timestamp;
use tempfile::TempDir;

use super::{Advance, Caller, Config, Input, Office, OpenCase};
use crate::authority::Denied;
use crate::case::CaseId;
use crate::definition::load_all;
use crate::period::{china_2025_2026, shanghai};
use crate::store::{AccessFilter, Store, StoredUnits, StoredUser};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
pub const T0: &str = "2026-11-23T02:00:00Z";
pub const ADMIN: &str = "管理员";
pub const POLICE: &str = "李警官";
/// A police officer whose station does not cover the test cases' village.
pub const OTHER_POLICE: &str = "赵警官";
pub const VILLAGE: &str = "村委王";
pub const AUDITOR: &str = "审计刘";
pub const DISABLED: &str = "离职张";

pub fn at(s: &str) -> Timestamp {
    s.parse().expect("test time")
}

/// A simulation database with every workflow, the qianjiang profile, the example units and
/// one user of each kind.
pub fn store(dir: &TempDir) -> Store {
    let path = dir.path().join("app.redb");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(format!("{ROOT}/workflows"))
        .expect("workflows dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("workflow"))
        })
        .collect();
    files.sort();
    let (defs, failed) = load_all(&files, &[]);
    assert!(failed.is_empty(), "{failed:?}");
    let only: Vec<_> = defs.iter().map(|(_, d)| d).collect();
    let bytes = std::fs::read(format!("{ROOT}/profiles/qianjiang.yaml")).expect("profile");
    let profile = crate::profile::load("qianjiang.yaml", &bytes, &only).expect("profile loads");
    let store = Store::create(&path, true, Some(profile), at(T0)).expect("create");
    let publish: Vec<_> = defs
        .into_iter()
        .map(|(name, def)| {
            let bytes = files
                .iter()
                .find(|(f, _)| *f == name)
                .map(|(_, b)| b.clone())
                .unwrap_or_default();
            (name, bytes, def)
        })
        .collect();
    store.publish(&publish, ADMIN, at(T0)).expect("publish");
    let source = std::fs::read(format!("{ROOT}/units/example.yaml")).expect("units");
    let units = crate::authority::load_units("example.yaml", &source).expect("units load");
    store
        .load_units(StoredUnits {
            units,
            file: None,
            source: None,
            loaded_at: at(T0),
            loaded_by: ADMIN.into(),
        })
        .expect("units");
    for (name, roles, unit) in [
        (ADMIN, &["admin"][..], "county"),
        (POLICE, &["police"][..], "shijia_police"),
        (OTHER_POLICE, &["police"][..], "beiguan_police"),
        (VILLAGE, &["village_committee"][..], "shijia_village"),
        (AUDITOR, &["auditor"][..], "county"),
        (DISABLED, &["police"][..], "shijia_police"),
    ] {
        store
            .add_user(StoredUser {
                name: name.into(),
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                unit: unit.into(),
                enabled: true,
                added_at: at(T0),
                added_by: ADMIN.into(),
                disabled_at: None,
                disabled_by: None,
            })
            .expect("user");
    }
    store
        .disable_user(DISABLED, ADMIN, at(T0), &|_, _| Ok(()))
        .expect("disable");
    store
}

pub fn config() -> Config {
    Config {
        tz: shanghai(),
        calendar: china_2025_2026(),
        profile: None,
        letters: Path::new(ROOT).join("letters"),
        // The test databases are simulation ones: what the tests name is what they use.
        given: crate::app::Given {
            calendar: true,
            profile: true,
            letters: true,
        },
        progress: Default::default(),
        fonts: Vec::new(),
    }
}

pub fn office(dir: &TempDir) -> Office {
    Office::new(store(dir), config())
}

/// `user` acting as `role` at the test clock.
pub fn caller(user: &str, role: &str) -> Caller {
    Caller::new(user).acting_as(role).at(at(T0))
}

pub fn sets(pairs: &[(&str, &str)]) -> Input {
    Input {
        document: None,
        sets: pairs.iter().map(|(k, v)| format!("{k}={v}")).collect(),
    }
}

pub const REPORT: &[(&str, &str)] = &[
    ("child.name", "张小花"),
    ("child.birth_date", "2014-09-10"),
    ("child.sex", "female"),
    ("report.received_at", "2026-11-23T09:40:00+08:00"),
    ("report.category", "domestic_violence"),
    ("report.facts", "学生脸部淤青，自述被父亲殴打"),
    ("reporter.kind", "school"),
    ("reporter.unit", "石家镇中心小学"),
    ("reporter.name", "王老师"),
    ("reporter.phone", "13800001111"),
    ("police.case_number", "渝公黔（石家）受案字〔2026〕88号"),
    ("police.officer_name", "李警官"),
    ("police.officer_phone", "023-79223110"),
];

/// A mandatory report opened by the police for 石家村.
pub fn open_report<B: super::backend::Backend>(office: &Office<B>) -> CaseId {
    office
        .open_case(
            &caller(POLICE, "police"),
            &OpenCase {
                workflow: "guardianship-intervention".into(),
                input: sets(&[("source", "mandatory_report")]),
                unit: Some("shijia_village".into()),
                officer: None,
                at: None,
                ..Default::default()
            },
        )
        .expect("opens")
        .applied
        .outcome
        .case
        .id
}

pub fn accept(id: &CaseId) -> Advance {
    Advance {
        case: id.clone(),
        transition: "accept_report".into(),
        input: sets(REPORT),
        note: None,
        at: None,
        expect_seq: None,
    }
}

/// The refusals in the access log (folded in by a write handle).
pub fn refusals(office: &Office) -> Vec<crate::store::AccessEntry> {
    office
        .backend()
        .access_log(&AccessFilter::default())
        .expect("access log")
        .into_iter()
        .filter(|e| !e.allowed)
        .collect()
}

/// The `Denied` inside a refusal, or a panic naming what came instead.
pub fn denied<T: std::fmt::Debug>(result: Result<T, super::AppError>) -> Denied {
    match result {
        Err(super::AppError::Denied { denied, .. }) => denied,
        other => panic!("expected a refusal by authority, got {other:?}"),
    }
}
