//! Database-wide use cases: each has an owner, and every refusal is logged.

use super::*;
use crate::app::{AppError, CopyForm, ImportFailure, Owner, WHOLE_DATABASE};
use std::time::Duration;

// On redb only: these forms open the file themselves (the command line's); the forms a
// server holding either backend uses are the next test's.
#[test]
fn database_wide_acts_are_refused_to_the_unknown_and_to_caseworkers_and_logged() {
    let dir = TempDir::new().expect("tempdir");
    drop(office(&dir));
    let wait = Duration::from_secs(5);
    for who in ["nobody", POLICE, DISABLED] {
        let c = Caller::new(who).at(at(T0));
        denied(Office::export_database(
            &c,
            &db(&dir),
            wait,
            &config(),
            CopyForm::Plain,
            Vec::new(),
        ));
        let office = reopen(&dir);
        denied(office.verify(&c, None));
        denied(office.audit(&c, &AccessFilter::default()));
        denied(office.tick(&c));
        denied(office.backup(
            &c,
            &dir.path().join(format!("{who}.bak")),
            wait,
            CopyForm::Plain,
        ));
        denied(Office::check(&c, &db(&dir), wait, &config()));
    }
    assert!(!dir.path().join("nobody.bak").exists());
    let admin = Caller::new(ADMIN).at(at(T0));
    let copy = dir.path().join("admin.bak");
    assert!(
        reopen(&dir)
            .backup(&admin, &copy, wait, CopyForm::Plain)
            .expect("backs up")
            > 0
    );
    let auditor = Caller::new(AUDITOR).at(at(T0));
    assert!(
        Office::check(&auditor, &db(&dir), wait, &config())
            .expect("checks")
            .problems
            .is_empty()
    );
    let office = Office::new(Store::open(&db(&dir), wait).expect("opens"), config());
    let log = refusals(&office);
    assert_eq!(log.len(), 18, "{log:?}");
    assert!(log.iter().all(|e| e.case == WHOLE_DATABASE));
    let actions: std::collections::BTreeSet<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions.into_iter().collect::<Vec<_>>(),
        [
            "audit",
            "backup",
            "check",
            "export",
            "timers:tick",
            "verify"
        ]
    );
}

fn database_wide_acts_on_a_held_database_are_refused_to_the_unknown_and_to_caseworkers<
    B: TestDb,
>() {
    let (_db, office) = fresh::<B>();
    let out = TempDir::new().expect("tempdir");
    for who in ["nobody", POLICE, DISABLED] {
        let c = Caller::new(who).at(at(T0));
        denied(office.export_held(&c, CopyForm::Plain, Vec::new()));
        denied(office.verify(&c, None));
        denied(office.audit(&c, &AccessFilter::default()));
        denied(office.tick(&c));
        let copy = out.path().join(format!("{who}.bak"));
        denied(office.backup_held(&c, &copy, CopyForm::Plain));
        assert!(!copy.exists());
        denied(office.check_held(&c));
    }
    let auditor = Caller::new(AUDITOR).at(at(T0));
    let report = office.check_held(&auditor).expect("checks");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let mut copy = Vec::new();
    let counts = office
        .export_held(&Caller::new(ADMIN).at(at(T0)), CopyForm::Plain, &mut copy)
        .expect("exports");
    assert!(counts.registry > 0 && !copy.is_empty(), "{counts:?}");
    let log = refusals(&office);
    assert_eq!(log.len(), 18, "{log:?}");
    assert!(log.iter().all(|e| e.case == WHOLE_DATABASE));
    let actions: std::collections::BTreeSet<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions.into_iter().collect::<Vec<_>>(),
        [
            "audit",
            "backup",
            "check",
            "export",
            "timers:tick",
            "verify"
        ]
    );
}

fn db(dir: &TempDir) -> std::path::PathBuf {
    dir.path().join("app.redb")
}

/// The test database opened again (file operations let go of it).
fn reopen(dir: &TempDir) -> Office {
    let store =
        Store::open_read(&dir.path().join("app.redb"), Duration::from_secs(5)).expect("reopens");
    Office::new(store, config())
}

fn the_auditor_verifies_checks_and_reads_the_log_but_exports_and_acts_on_nothing<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let auditor = Caller::new(AUDITOR).at(at(T0));
    assert!(
        office
            .verify(&auditor, None)
            .expect("verifies")
            .broken
            .is_empty()
    );
    assert!(office.audit(&auditor, &AccessFilter::default()).is_ok());
    assert!(matches!(
        denied(office.authorise(&auditor, Owner::Administrator, "export")),
        Denied::NotAdmin { .. }
    ));
    assert!(matches!(
        denied(office.tick(&auditor)),
        Denied::NotAdmin { .. }
    ));
    // Reading a case is not what the role is for: it covers the county but holds no case role,
    // and may not act in any.
    assert!(matches!(
        denied(office.advance(&caller(AUDITOR, "police"), &accept(&id))),
        Denied::NeedsRole { .. }
    ));
    let wildcard = crate::authority::User {
        name: "全能".into(),
        roles: vec!["*".into()],
        unit: "county".into(),
        enabled: true,
    };
    assert!(
        crate::authority::may_audit(&wildcard).is_err(),
        "`*` grants no auditor"
    );
    let admin = Caller::new(ADMIN).at(at(T0));
    assert!(office.authorise(&admin, Owner::Auditor, "check").is_ok());
    assert!(matches!(
        denied(office.export_held(&auditor, CopyForm::Plain, Vec::new())),
        Denied::NotAdmin { .. }
    ));
    let mut out = Vec::new();
    office
        .export_held(&admin, CopyForm::Plain, &mut out)
        .expect("exports");
    assert!(!out.is_empty());
}

fn the_administrator_runs_the_deadlines_which_act_as_system<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let later = Caller::new(ADMIN).at(at("2026-11-30T02:00:00Z"));
    let report = office.tick(&later).expect("ticks");
    assert!(!report.fired.is_empty());
    let history = office.backend().history(&id).expect("history");
    let last = history.last().expect("events");
    assert_eq!(
        (last.actor.as_str(), last.role.as_str()),
        ("system", "system")
    );
}

// On redb only: restore replaces a redb file (PostgreSQL is restored with its own tools,
// docs/postgresql.md).
#[test]
fn restore_over_a_database_is_an_administrators_act() {
    let dir = TempDir::new().expect("tempdir");
    let wait = Duration::from_secs(5);
    let db = {
        let office = office(&dir);
        let backup = dir.path().join("copy.bak");
        drop(office.backend().access_log(&AccessFilter::default()));
        let path = office.backend().path().to_owned();
        drop(office);
        crate::store::ops::backup(&path, &backup, wait).expect("backup");
        path
    };
    let backup = dir.path().join("copy.bak");
    let restore = |who| {
        Office::restore(
            &Caller::new(who),
            &backup,
            &db,
            true,
            false,
            wait,
            &config(),
            None,
        )
    };
    let result = restore(POLICE);
    assert!(matches!(result, Err(AppError::Denied { .. })), "{result:?}");
    let result = restore(ADMIN);
    assert!(
        matches!(&result, Ok(crate::store::ops::Restored::Done { report, lost }) if report.problems.is_empty() && lost.is_empty()),
        "{result:?}"
    );
}

// On redb only: the import into a new redb file (`pg::tests` imports into PostgreSQL).
#[test]
fn import_checks_every_chain_and_belongs_to_an_administrator_of_the_export() {
    let dir = TempDir::new().expect("tempdir");
    let office = office(&dir);
    let id = open_report(&office);
    office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    let path = office.backend().path().to_owned();
    drop(office);
    let wait = Duration::from_secs(5);
    let mut out = Vec::new();
    Office::export_database(
        &Caller::new(ADMIN).at(at(T0)),
        &path,
        wait,
        &config(),
        CopyForm::Plain,
        &mut out,
    )
    .expect("exports");
    let text = String::from_utf8(out).expect("utf-8");

    let target = dir.path().join("imported.redb");
    let refused = Office::import(
        &Caller::new(POLICE),
        &target,
        text.as_bytes(),
        true,
        wait,
        &config(),
        None,
    );
    assert!(
        matches!(refused, Err(ImportFailure::App(AppError::Denied { .. }))),
        "{refused:?}"
    );
    assert!(!target.exists(), "a refused import left its database");

    // An event altered after it was chained (the child's name in the opening) does not enter.
    let altered = text.replacen("学生脸部淤青", "学生一切正常", 1);
    assert_ne!(altered, text);
    let forged = dir.path().join("forged.redb");
    let result = Office::import(
        &Caller::new(ADMIN),
        &forged,
        altered.as_bytes(),
        true,
        wait,
        &config(),
        None,
    );
    assert!(
        matches!(&result, Err(ImportFailure::Import(e)) if e.to_string().contains("hash chain")),
        "{result:?}"
    );
    assert!(!forged.exists());

    let counts = Office::import(
        &Caller::new(ADMIN),
        &target,
        text.as_bytes(),
        true,
        wait,
        &config(),
        None,
    )
    .expect("imports");
    assert_eq!(counts.cases, 1);
}

both!(
    database_wide_acts_on_a_held_database_are_refused_to_the_unknown_and_to_caseworkers,
    the_auditor_verifies_checks_and_reads_the_log_but_exports_and_acts_on_nothing,
    the_administrator_runs_the_deadlines_which_act_as_system,
);
