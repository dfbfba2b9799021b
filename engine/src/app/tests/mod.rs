//! Application-layer tests: every use case through `Office`, with its refusals, and no CLI.
//!
//! The suite runs on both backends (issue 24): a test written once as a function generic over
//! [`TestDb`] is instantiated by [`both!`] as `redb::<name>` (a file in a temporary directory)
//! and `postgres::<name>` (a fresh database in the test binary's one throwaway cluster, copied
//! from a template holding the fixture, so each costs a `CREATE DATABASE`, not a setup). A
//! test that stays on redb says why beside it. Without PostgreSQL the `postgres::` tests fail,
//! saying what to install; they never skip.

/// Instantiates each generic test `name::<B: TestDb>` named here once per backend:
/// `redb::name` and `postgres::name`.
macro_rules! both {
    ($($test:ident),+ $(,)?) => {
        /// The tests above, on a redb file.
        mod redb {
            $(
                #[test]
                fn $test() {
                    super::$test::<crate::store::Store>()
                }
            )+
        }
        /// The tests above, on PostgreSQL.
        mod postgres {
            $(
                #[test]
                fn $test() {
                    super::$test::<crate::pg::PgBackend>()
                }
            )+
        }
    };
}

mod admin;
mod cases;
mod counting;
mod extid;
mod front;
mod ops;
mod pg;
mod published;
mod webhooks;

use std::path::Path;

use jiff::Timestamp;
use tempfile::TempDir;

use super::backend::Backend;
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

/// Workflow files to publish: name, source, definition.
pub type Files = Vec<(String, Vec<u8>, crate::definition::Definition)>;

/// The workflows, the profile and the units every test database holds.
pub fn fixture() -> (Files, crate::profile::Profile, StoredUnits) {
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
    let publish = defs
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
    let source = std::fs::read(format!("{ROOT}/units/example.yaml")).expect("units");
    let units = crate::authority::load_units("example.yaml", &source).expect("units load");
    let units = StoredUnits {
        units,
        file: None,
        source: None,
        loaded_at: at(T0),
        loaded_by: ADMIN.into(),
    };
    (publish, profile, units)
}

/// Publishes [`fixture`]'s workflows and units into `backend` and registers one user of each
/// kind (the disabled one disabled), through the seam.
pub fn furnish<B: Backend>(backend: &B, publish: &Files, units: StoredUnits) {
    backend
        .publish_definitions(publish, ADMIN, at(T0))
        .expect("publish");
    backend.load_units(units).expect("units");
    for (name, roles, unit) in [
        (ADMIN, &["admin"][..], "county"),
        (POLICE, &["police"][..], "shijia_police"),
        (OTHER_POLICE, &["police"][..], "beiguan_police"),
        (VILLAGE, &["village_committee"][..], "shijia_village"),
        (AUDITOR, &["auditor"][..], "county"),
        (DISABLED, &["police"][..], "shijia_police"),
    ] {
        backend
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
    backend
        .disable_user(DISABLED, ADMIN, at(T0), &|_, _| Ok(()))
        .expect("disable");
}

/// A simulation database with every workflow, the qianjiang profile, the example units and
/// one user of each kind.
pub fn store(dir: &TempDir) -> Store {
    let path = dir.path().join("app.redb");
    let (publish, profile, units) = fixture();
    let store = Store::create(&path, true, Some(profile), at(T0)).expect("create");
    furnish(&store, &publish, units);
    store
}

/// Where a test's database lives, removed when dropped (after the office on it: bind it
/// first, `let (_db, office) = fresh::<B>();`).
pub enum Place {
    /// A redb file's temporary directory.
    Dir { _kept: TempDir },
    /// A database of the shared cluster, dropped with it.
    Pg(String),
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Place::Pg(name) = self {
            // The office's connections may still be open: FORCE ends them.
            let _ = shared::cluster().psql(
                "postgres",
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            );
        }
    }
}

/// A backend the suite runs on, and how a test gets a database of it.
pub trait TestDb: Backend + Sized + 'static {
    /// A new simulation database set up as [`store`]'s.
    fn fresh() -> (Place, Self);
    /// A new database with nothing published or registered, simulation or real.
    fn bare(simulation: bool) -> (Place, Self);
}

impl TestDb for Store {
    fn fresh() -> (Place, Store) {
        let dir = TempDir::new().expect("tempdir");
        let store = store(&dir);
        (Place::Dir { _kept: dir }, store)
    }

    fn bare(simulation: bool) -> (Place, Store) {
        let dir = TempDir::new().expect("tempdir");
        let store =
            Store::create(&dir.path().join("app.redb"), simulation, None, at(T0)).expect("create");
        (Place::Dir { _kept: dir }, store)
    }
}

impl TestDb for crate::pg::PgBackend {
    fn fresh() -> (Place, crate::pg::PgBackend) {
        let (place, url) = shared::database(Some(shared::template()));
        (place, crate::pg::PgBackend::open(&url).expect("opens"))
    }

    fn bare(simulation: bool) -> (Place, crate::pg::PgBackend) {
        let (place, url) = shared::database(None);
        let backend = crate::pg::PgBackend::create(&url, simulation, None, at(T0)).expect("create");
        (place, backend)
    }
}

/// The test binary's one PostgreSQL cluster and the template its test databases are copied
/// from.
pub mod shared {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex, OnceLock};

    use super::*;
    use crate::pg::cluster::Cluster;

    static CLUSTER: Mutex<Option<Arc<Cluster>>> = Mutex::new(None);

    extern "C" fn stop_cluster() {
        let taken = CLUSTER.lock().ok().and_then(|mut c| c.take());
        drop(taken);
    }

    /// The cluster, started by the first test that needs it and stopped when the binary
    /// exits (`atexit`: a static is never dropped). Without PostgreSQL the test fails here,
    /// saying what to install.
    pub fn cluster() -> Arc<Cluster> {
        let mut shared = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = shared.as_ref() {
            return c.clone();
        }
        let c = Arc::new(Cluster::start().unwrap_or_else(|e| panic!("{e}")));
        *shared = Some(c.clone());
        // SAFETY: registers a plain function with no preconditions.
        unsafe { libc::atexit(stop_cluster) };
        c
    }

    /// The template database holding [`fixture`] (as [`store`]'s), made once.
    pub fn template() -> &'static str {
        static MADE: OnceLock<()> = OnceLock::new();
        MADE.get_or_init(|| {
            let cluster = cluster();
            let url = cluster.database("fixture").expect("the template database");
            let (publish, profile, units) = fixture();
            let backend =
                crate::pg::PgBackend::create(&url, true, Some(profile), at(T0)).expect("create");
            furnish(&backend, &publish, units);
            // Its connections close with it: a template must have none to be copied.
        });
        "fixture"
    }

    /// A new database (a copy of `template`, or empty): where it is and its address.
    pub fn database(template: Option<&str>) -> (Place, String) {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let cluster = cluster();
        let name = format!("t{}", NEXT.fetch_add(1, Ordering::SeqCst));
        let from = template.map_or(String::new(), |t| format!(" TEMPLATE \"{t}\""));
        cluster
            .psql("postgres", &format!("CREATE DATABASE \"{name}\"{from}"))
            .unwrap_or_else(|e| panic!("a new PostgreSQL database: {e}"));
        let url = cluster.url_of(&name);
        (Place::Pg(name), url)
    }
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

/// A new test database on `B` ([`TestDb::fresh`]) and an office on it with [`config`].
pub fn fresh<B: TestDb>() -> (Place, Office<B>) {
    let (place, backend) = B::fresh();
    (place, Office::new(backend, config()))
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
pub fn refusals<B: Backend>(office: &Office<B>) -> Vec<crate::store::AccessEntry> {
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
