//! External ids (issue 25 item 2): two opens with one id from one source give one case.

use super::*;
use crate::app::AppError;
use crate::app::backend::{Backend, ReadTx};
use crate::app::batch::Batched;
use crate::case::{EventKind, ExternalId};

const WORKFLOW: &str = "guardianship-intervention";

/// A mandatory report sent by the police system `公安110` under `id`.
fn sent(id: &str, unit: &str) -> OpenCase {
    OpenCase {
        workflow: WORKFLOW.into(),
        input: sets(&[("source", "mandatory_report")]),
        unit: Some(unit.into()),
        external_id: Some(id.into()),
        source: Some("公安110".into()),
        ..Default::default()
    }
}

fn psb(id: &str) -> ExternalId {
    ExternalId {
        source: "公安110".into(),
        id: id.into(),
    }
}

fn indexed<B: Backend>(office: &Office<B>, id: &str) -> Option<CaseId> {
    office
        .backend()
        .snapshot(|tx: &dyn ReadTx| tx.external_case(WORKFLOW, &psb(id)))
        .expect("reads the index")
}

fn a_second_open_with_the_same_external_id_gives_the_existing_case_and_writes_nothing<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let police = caller(POLICE, "police");
    let first = office
        .open_case(&police, &sent("PSB-2026-0001", "shijia_village"))
        .expect("opens");
    assert!(!first.existing);
    let id = first.outcome.case.id.clone();
    assert_eq!(first.outcome.case.external, Some(psb("PSB-2026-0001")));
    let again = office
        .open_case(&police, &sent("PSB-2026-0001", "shijia_village"))
        .expect("gives the case back");
    assert!(again.existing);
    assert_eq!(again.outcome.case.id, id);
    assert!(again.outcome.events.is_empty());
    // No case id was taken by the retry: the next case is the second.
    let next = open_report(&office);
    assert_eq!(next.as_str(), "2026-000002");
    // History is the truth: the opening event records the id, and the index names the case.
    let history = office.backend().history(&id).expect("history");
    assert_eq!(history.len(), first.outcome.events.len());
    assert!(matches!(
        &history[0].kind,
        EventKind::Opened { external: Some(e), .. } if *e == psb("PSB-2026-0001")
    ));
    assert_eq!(indexed(&office, "PSB-2026-0001"), Some(id.clone()));
    // The retry is logged as a read of the case it gave back.
    let log = office
        .backend()
        .access_log(&crate::store::AccessFilter::default())
        .expect("access log");
    assert!(
        log.iter()
            .any(|e| e.case == id.as_str() && e.action == "open:existing" && e.allowed),
        "{log:?}"
    );
}

fn different_data_under_the_same_external_id_is_refused_naming_the_case<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let police = caller(POLICE, "police");
    let id = office
        .open_case(&police, &sent("PSB-2026-0002", "shijia_village"))
        .expect("opens")
        .outcome
        .case
        .id
        .clone();
    let mut other = sent("PSB-2026-0002", "shijia_village");
    other.input = sets(&[("source", "police_found")]);
    match office.open_case(&police, &other) {
        Err(AppError::ExternalIdConflict { id: ext, case }) => {
            assert_eq!(ext, "PSB-2026-0002");
            assert_eq!(case, id);
        }
        other => panic!(
            "expected a conflict, got {:?}",
            other.map(|a| a.existing).map_err(|e| e.to_string())
        ),
    }
    // A different time of the act is different data too.
    let mut later = sent("PSB-2026-0002", "shijia_village");
    later.at = Some(at("2026-11-23T01:00:00Z"));
    assert!(matches!(
        office.open_case(&police, &later),
        Err(AppError::ExternalIdConflict { .. })
    ));
}

fn a_caller_who_may_not_see_the_case_learns_only_that_the_id_is_taken<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = office
        .open_case(
            &caller(POLICE, "police"),
            &sent("PSB-2026-0003", "shijia_village"),
        )
        .expect("opens")
        .outcome
        .case
        .id
        .clone();
    // Another station's officer, sending under the same source and id for their own village.
    for request in [
        sent("PSB-2026-0003", "beiguan_village"),
        sent("PSB-2026-0003", "shijia_village"),
    ] {
        let result = office.open_case(&caller(OTHER_POLICE, "police"), &request);
        let e = result.expect_err("refused");
        let words = e.to_string();
        assert!(!words.contains(id.as_str()), "{words}");
        assert!(
            matches!(&e, AppError::ExternalIdTaken { id } if id == "PSB-2026-0003")
                || matches!(&e, AppError::Denied { .. }),
            "{e:?}"
        );
    }
    let taken = office.open_case(
        &caller(OTHER_POLICE, "police"),
        &sent("PSB-2026-0003", "beiguan_village"),
    );
    assert!(matches!(taken, Err(AppError::ExternalIdTaken { .. })));
    // The refusal is in the access log, without the case.
    assert!(
        refusals(&office)
            .iter()
            .any(|e| e.user == OTHER_POLICE && e.case.is_empty()),
        "{:?}",
        refusals(&office)
    );
}

fn the_same_external_id_from_another_source_or_for_another_workflow_is_another_case<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let police = caller(POLICE, "police");
    let a = office
        .open_case(&police, &sent("PSB-1", "shijia_village"))
        .expect("opens");
    let mut hotline = sent("PSB-1", "shijia_village");
    hotline.source = Some("12345热线".into());
    let b = office.open_case(&police, &hotline).expect("opens");
    assert!(!b.existing);
    assert_ne!(a.outcome.case.id, b.outcome.case.id);
    // Without a source, the caller is the source.
    let mut own = sent("PSB-1", "shijia_village");
    own.source = None;
    let c = office.open_case(&police, &own).expect("opens");
    assert_eq!(
        c.outcome.case.external,
        Some(ExternalId {
            source: POLICE.into(),
            id: "PSB-1".into()
        })
    );
}

fn a_bad_external_id_or_source_is_bad_input_and_opens_nothing<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let police = caller(POLICE, "police");
    let long = "P".repeat(crate::app::extid::MAX_EXTERNAL_ID_CHARS + 1);
    for (id, source, want) in [
        (Some("PSB 1"), None, "BadExternalId"),
        (Some(long.as_str()), None, "BadExternalId"),
        (Some("PSB-1"), Some("公安 110"), "BadSource"),
        (None, Some("公安110"), "SourceWithoutExternalId"),
    ] {
        let mut request = sent("x", "shijia_village");
        request.external_id = id.map(str::to_owned);
        request.source = source.map(str::to_owned);
        let e = office.open_case(&police, &request).expect_err("refused");
        assert!(format!("{e:?}").starts_with(want), "{want}: {e:?}");
    }
    assert_eq!(open_report(&office).as_str(), "2026-000001");
}

fn two_opens_with_one_external_id_in_one_batch_give_one_case<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let police = caller(POLICE, "police");
    let request = sent("PSB-2026-0009", "shijia_village");
    let replies = office.batch(&[
        (police.clone(), Batched::Open(request.clone())),
        (police.clone(), Batched::Open(request.clone())),
    ]);
    let acted: Vec<_> = replies.into_iter().map(|r| r.expect("done")).collect();
    assert!(!acted[0].existing);
    assert!(acted[1].existing);
    assert_eq!(acted[0].outcome.case.id, acted[1].outcome.case.id);
    assert_eq!(
        indexed(&office, "PSB-2026-0009"),
        Some(acted[0].outcome.case.id.clone())
    );
}

// On redb only: it rebuilds a redb file as it was before migration step 5 (PostgreSQL has
// had the index since its schema step 3, `003_external_ids.sql`).
#[test]
fn the_migration_step_builds_the_index_from_the_stored_cases() {
    let dir = TempDir::new().expect("tempdir");
    let office = office(&dir);
    let id = office
        .open_case(
            &caller(POLICE, "police"),
            &sent("PSB-2026-0010", "shijia_village"),
        )
        .expect("opens")
        .outcome
        .case
        .id
        .clone();
    drop(office);
    let path = dir.path().join("app.redb");
    crate::store::external::as_before(&path);
    let timeout = std::time::Duration::from_secs(1);
    assert!(matches!(
        Store::open(&path, timeout),
        Err(crate::store::StoreError::NeedsMigration { .. })
    ));
    // Before the step, a reader finds no index and no error.
    let read = Store::open_read(&path, timeout).expect("reads");
    let none = read
        .snapshot(|tx: &dyn ReadTx| tx.external_case(WORKFLOW, &psb("PSB-2026-0010")))
        .expect("reads");
    assert!(none.is_none());
    drop(read);
    let mut store = Store::open_for_migration(&path, timeout).expect("opens");
    let cx = crate::store::migrations::Context {
        by: ADMIN.into(),
        now: at(T0),
    };
    let done = store.migrate(&cx).expect("migrates");
    // Step 5 and the later ones (which need nothing from it) run.
    assert_eq!(
        done,
        (5..=crate::store::migrations::CURRENT).collect::<Vec<_>>(),
        "{done:?}"
    );
    drop(store);
    let office = Office::new(Store::open(&path, timeout).expect("writable"), config());
    assert_eq!(indexed(&office, "PSB-2026-0010"), Some(id.clone()));
    // And the rebuilt index does its work: a retry gives the case back.
    let again = office
        .open_case(
            &caller(POLICE, "police"),
            &sent("PSB-2026-0010", "shijia_village"),
        )
        .expect("gives it back");
    assert!(again.existing);
    assert_eq!(again.outcome.case.id, id);
    drop(office);
    // `check` compares the index with what the cases imply.
    let report = crate::store::ops::check(&path, timeout).expect("checks");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let db = ::redb::Database::builder().open(&path).expect("open");
    let tx = db.begin_write().expect("tx");
    {
        let mut table = tx
            .open_table(crate::store::external::EXTERNAL)
            .expect("table");
        table
            .insert((WORKFLOW, "公安110", "PSB-STRAY"), id.as_str())
            .expect("insert");
    }
    tx.commit().expect("commit");
    drop(db);
    let report = crate::store::ops::check(&path, timeout).expect("checks");
    assert!(
        report.problems.iter().any(|p| matches!(
            p,
            crate::store::ops::CheckProblem::Index {
                index,
                missing: false,
                ..
            } if index == "by_external_id"
        )),
        "{:?}",
        report.problems
    );
}

// On redb only: it imports into a new redb file (`pg::tests` moves a whole county into
// PostgreSQL, external ids and all, and compares the exports byte for byte).
#[test]
fn an_export_imported_into_a_new_database_keeps_the_index() {
    let dir = TempDir::new().expect("tempdir");
    let office = office(&dir);
    let id = office
        .open_case(
            &caller(POLICE, "police"),
            &sent("PSB-2026-0011", "shijia_village"),
        )
        .expect("opens")
        .outcome
        .case
        .id
        .clone();
    let mut dump = Vec::new();
    crate::store::dump::export(office.backend(), &mut dump).expect("exports");
    drop(office);
    let copy = dir.path().join("copy.redb");
    crate::store::dump::import_as(&copy, dump.as_slice(), true).expect("imports");
    let timeout = std::time::Duration::from_secs(1);
    let office = Office::new(Store::open(&copy, timeout).expect("opens"), config());
    assert_eq!(indexed(&office, "PSB-2026-0011"), Some(id.clone()));
    drop(office);
    let report = crate::store::ops::check(&copy, timeout).expect("checks");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

both!(
    a_second_open_with_the_same_external_id_gives_the_existing_case_and_writes_nothing,
    different_data_under_the_same_external_id_is_refused_naming_the_case,
    a_caller_who_may_not_see_the_case_learns_only_that_the_id_is_taken,
    the_same_external_id_from_another_source_or_for_another_workflow_is_another_case,
    a_bad_external_id_or_source_is_bad_input_and_opens_nothing,
    two_opens_with_one_external_id_in_one_batch_give_one_case,
);
