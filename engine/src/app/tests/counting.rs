//! A backend wrapper counting what a use case asks of storage: `case advance` reads its case
//! once and commits once, a batch refuses one command while the rest commit, and a listing
//! reads the cases it returns, not the database (issue 22).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::app::admin::Listing;
use crate::app::backend::{Backend, CaseQuery, ReadTx, WriteTx};
use crate::app::batch::Batched;
use crate::authority::{Units, User};
use crate::case::{Case, Event};
use crate::definition::{Definition, VersionHash};
use crate::letters::archive::ArchivedLetter;
use crate::profile::Profile;
use crate::store::{AccessEntry, StoreError};

#[derive(Default)]
struct Counts {
    case_reads: AtomicUsize,
    transactions: AtomicUsize,
    commits: AtomicUsize,
    appends: AtomicUsize,
    /// Ids the indexes answered listings with.
    ids_listed: AtomicUsize,
    /// External ids indexed (issue 25).
    external_indexed: AtomicUsize,
}

struct Counting<B = Store> {
    inner: B,
    counts: Counts,
}

struct CountingTx<'a> {
    inner: &'a mut dyn WriteTx,
    counts: &'a Counts,
}

/// Reads, counted, in a snapshot or a write transaction alike.
struct CountingRead<'a> {
    inner: &'a dyn ReadTx,
    counts: &'a Counts,
}

impl CountingTx<'_> {
    fn read(&self) -> CountingRead<'_> {
        CountingRead {
            inner: &*self.inner,
            counts: self.counts,
        }
    }
}

impl<B: Backend> Backend for Counting<B> {
    fn simulation(&self) -> bool {
        self.inner.simulation()
    }

    fn copy_of_real(&self) -> bool {
        self.inner.copy_of_real()
    }

    fn crypto(&self) -> crate::crypto::Profile {
        self.inner.crypto()
    }

    fn stored_profile(&self) -> Option<&Profile> {
        self.inner.stored_profile()
    }

    fn transaction<T, E: From<StoreError>>(
        &self,
        mut work: impl FnMut(&mut dyn WriteTx) -> Result<T, E>,
    ) -> Result<T, E> {
        self.counts.transactions.fetch_add(1, Ordering::Relaxed);
        let result = self.inner.transaction(|tx| {
            work(&mut CountingTx {
                inner: tx,
                counts: &self.counts,
            })
        });
        if result.is_ok() {
            self.counts.commits.fetch_add(1, Ordering::Relaxed);
        }
        result
    }

    fn snapshot<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&dyn ReadTx) -> Result<T, E>,
    ) -> Result<T, E> {
        self.inner.snapshot(|tx| {
            work(&CountingRead {
                inner: tx,
                counts: &self.counts,
            })
        })
    }

    fn record_access(&self, entry: &AccessEntry) -> Result<(), StoreError> {
        Backend::record_access(&self.inner, entry)
    }

    fn users(&self) -> Result<Vec<crate::store::StoredUser>, StoreError> {
        Backend::users(&self.inner)
    }

    fn add_user(&self, user: crate::store::StoredUser) -> Result<(), crate::store::RegistryError> {
        Backend::add_user(&self.inner, user)
    }

    fn disable_user(
        &self,
        name: &str,
        by: &str,
        now: jiff::Timestamp,
        rule: crate::store::RegistryRule<'_>,
    ) -> Result<(), crate::store::RegistryError> {
        Backend::disable_user(&self.inner, name, by, now, rule)
    }

    fn enable_user(
        &self,
        name: &str,
        rule: crate::store::RegistryRule<'_>,
    ) -> Result<(), crate::store::RegistryError> {
        Backend::enable_user(&self.inner, name, rule)
    }

    fn set_roles(
        &self,
        name: &str,
        roles: Vec<String>,
        rule: crate::store::RegistryRule<'_>,
    ) -> Result<(), crate::store::RegistryError> {
        Backend::set_roles(&self.inner, name, roles, rule)
    }

    fn load_units(
        &self,
        units: crate::store::StoredUnits,
    ) -> Result<(), crate::store::RegistryError> {
        Backend::load_units(&self.inner, units)
    }

    fn latest_definitions(&self) -> Result<Vec<Arc<Definition>>, StoreError> {
        Backend::latest_definitions(&self.inner)
    }

    fn each_case(
        &self,
        filter: &crate::store::CaseFilter,
        visit: &mut dyn FnMut(Case) -> bool,
    ) -> Result<(), StoreError> {
        Backend::each_case(&self.inner, filter, visit)
    }

    fn agenda(
        &self,
        from: jiff::Timestamp,
        until: jiff::Timestamp,
    ) -> Result<Vec<crate::store::DeadlineView>, StoreError> {
        Backend::agenda(&self.inner, from, until)
    }

    fn overdue(&self, now: jiff::Timestamp) -> Result<Vec<crate::store::DeadlineView>, StoreError> {
        Backend::overdue(&self.inner, now)
    }

    fn file(&self) -> Option<&std::path::Path> {
        self.inner.file()
    }

    fn webhooks(
        &self,
        secret: Option<&crate::store::webhooks::WebhookSecret>,
    ) -> Result<Box<dyn crate::store::webhooks::Webhooks>, StoreError> {
        self.inner.webhooks(secret)
    }

    fn credentials_exist(&self) -> bool {
        self.inner.credentials_exist()
    }

    fn credentials(
        &self,
        argon2: &str,
    ) -> Result<Box<dyn crate::store::credentials::Credentials>, StoreError> {
        self.inner.credentials(argon2)
    }

    fn versions(
        &self,
    ) -> Result<std::collections::BTreeMap<String, Vec<crate::store::Version>>, StoreError> {
        Backend::versions(&self.inner)
    }

    fn publish_definitions(
        &self,
        files: &[(String, Vec<u8>, Definition)],
        by: &str,
        now: Timestamp,
    ) -> Result<Vec<crate::store::Published>, StoreError> {
        self.inner.publish_definitions(files, by, now)
    }

    fn published(
        &self,
        hash: &VersionHash,
    ) -> Result<Option<crate::store::format::StoredDefinition>, StoreError> {
        Backend::published(&self.inner, hash)
    }

    fn publications(&self) -> Result<Vec<crate::store::published::Publication>, StoreError> {
        Backend::publications(&self.inner)
    }

    fn letter_record(
        &self,
        id_or_number: &str,
    ) -> Result<Option<crate::store::LetterRecord>, StoreError> {
        self.inner.letter_record(id_or_number)
    }

    fn find_letter(
        &self,
        kind: crate::store::LetterKey,
        value: &str,
    ) -> Result<Option<String>, StoreError> {
        Backend::find_letter(&self.inner, kind, value)
    }

    fn letter_records(
        &self,
        case: Option<&CaseId>,
    ) -> Result<Vec<crate::store::LetterRecord>, StoreError> {
        self.inner.letter_records(case)
    }

    fn case_chain(&self, id: &CaseId) -> Result<Option<crate::store::CaseChain>, StoreError> {
        Backend::case_chain(&self.inner, id)
    }

    fn verify_chains_each(
        &self,
        only: Option<&CaseId>,
        progress: &crate::progress::Reporter,
        each: &mut dyn FnMut(crate::store::Verdict) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        Backend::verify_chains_each(&self.inner, only, progress, each)
    }

    fn access_log(
        &self,
        filter: &crate::store::AccessFilter,
    ) -> Result<Vec<AccessEntry>, StoreError> {
        Backend::access_log(&self.inner, filter)
    }

    fn access_chain_break(&self) -> Result<Option<crate::store::AccessBreak>, StoreError> {
        Backend::access_chain_break(&self.inner)
    }

    fn tick(
        &self,
        clock: &crate::step::Clock,
        profile: Option<&Profile>,
    ) -> Result<crate::store::TickReport, crate::store::CommandFailure> {
        Backend::tick(&self.inner, clock, profile)
    }

    fn next_firing(&self) -> Result<Option<Timestamp>, StoreError> {
        Backend::next_firing(&self.inner)
    }

    fn export_copy(
        &self,
        w: &mut dyn std::io::Write,
    ) -> Result<crate::store::dump::DumpCounts, StoreError> {
        self.inner.export_copy(w)
    }

    fn backup_copy(&self, out: &std::path::Path) -> Result<u64, StoreError> {
        self.inner.backup_copy(out)
    }

    fn backup_scratch(&self) -> Result<crate::store::ops::TempFile, StoreError> {
        self.inner.backup_scratch()
    }

    fn check_copy(
        &self,
        progress: &crate::progress::Reporter,
    ) -> Result<crate::store::ops::CheckReport, StoreError> {
        self.inner.check_copy(progress)
    }
}

impl ReadTx for CountingRead<'_> {
    fn crypto(&self) -> crate::crypto::Profile {
        self.inner.crypto()
    }

    fn case_ids(
        &self,
        query: &CaseQuery,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CaseId>, StoreError> {
        let ids = self.inner.case_ids(query, after, limit)?;
        self.counts
            .ids_listed
            .fetch_add(ids.len(), Ordering::Relaxed);
        Ok(ids)
    }
    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        self.counts.case_reads.fetch_add(1, Ordering::Relaxed);
        self.inner.case(id)
    }
    fn case_listed(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        self.counts.case_reads.fetch_add(1, Ordering::Relaxed);
        self.inner.case_listed(id)
    }
    fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError> {
        self.inner.history(id)
    }
    fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError> {
        self.inner.definition(hash)
    }
    fn latest(&self, w: &str) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError> {
        self.inner.latest(w)
    }
    fn version_number(&self, w: &str, h: &VersionHash) -> Result<Option<u32>, StoreError> {
        self.inner.version_number(w, h)
    }
    fn child_cases(&self, child: &str) -> Result<Vec<Case>, StoreError> {
        self.inner.child_cases(child)
    }
    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        self.inner.user(name)
    }
    fn units(&self) -> Result<Units, StoreError> {
        self.inner.units()
    }
    fn letter(&self, id: &str) -> Result<Option<ArchivedLetter>, StoreError> {
        self.inner.letter(id)
    }
    fn letter_numbered(&self, number: &str) -> Result<Option<String>, StoreError> {
        self.inner.letter_numbered(number)
    }
    fn publication(
        &self,
        kind: crate::store::published::Kind,
        name: &str,
        number: Option<u32>,
    ) -> Result<Option<crate::store::published::Publication>, StoreError> {
        self.inner.publication(kind, name, number)
    }
    fn remembered(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<crate::app::once::Remembered>, StoreError> {
        self.inner.remembered(scope, key)
    }
    fn external_case(
        &self,
        workflow: &str,
        external: &crate::case::ExternalId,
    ) -> Result<Option<CaseId>, StoreError> {
        self.inner.external_case(workflow, external)
    }
    fn outbox(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<crate::app::outbox::OutboxEntry>, StoreError> {
        self.inner.outbox(after, limit)
    }
}

impl ReadTx for CountingTx<'_> {
    fn crypto(&self) -> crate::crypto::Profile {
        self.inner.crypto()
    }

    fn case_ids(
        &self,
        query: &CaseQuery,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CaseId>, StoreError> {
        self.read().case_ids(query, after, limit)
    }
    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        self.read().case(id)
    }
    fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError> {
        self.read().history(id)
    }
    fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError> {
        self.read().definition(hash)
    }
    fn latest(&self, w: &str) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError> {
        self.read().latest(w)
    }
    fn version_number(&self, w: &str, h: &VersionHash) -> Result<Option<u32>, StoreError> {
        self.read().version_number(w, h)
    }
    fn child_cases(&self, child: &str) -> Result<Vec<Case>, StoreError> {
        self.read().child_cases(child)
    }
    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        self.read().user(name)
    }
    fn units(&self) -> Result<Units, StoreError> {
        self.read().units()
    }
    fn letter(&self, id: &str) -> Result<Option<ArchivedLetter>, StoreError> {
        self.read().letter(id)
    }
    fn letter_numbered(&self, number: &str) -> Result<Option<String>, StoreError> {
        self.read().letter_numbered(number)
    }
    fn publication(
        &self,
        kind: crate::store::published::Kind,
        name: &str,
        number: Option<u32>,
    ) -> Result<Option<crate::store::published::Publication>, StoreError> {
        self.read().publication(kind, name, number)
    }
    fn remembered(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<crate::app::once::Remembered>, StoreError> {
        self.read().remembered(scope, key)
    }
    fn external_case(
        &self,
        workflow: &str,
        external: &crate::case::ExternalId,
    ) -> Result<Option<CaseId>, StoreError> {
        self.read().external_case(workflow, external)
    }
    fn outbox(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<crate::app::outbox::OutboxEntry>, StoreError> {
        self.read().outbox(after, limit)
    }
}

impl WriteTx for CountingTx<'_> {
    fn bump(&mut self, key: &str) -> Result<u64, StoreError> {
        self.inner.bump(key)
    }
    fn give_back(&mut self, key: &str) -> Result<(), StoreError> {
        self.inner.give_back(key)
    }
    fn append(
        &mut self,
        case: &Case,
        events: &crate::case::Chained,
        before: Option<&Case>,
    ) -> Result<(), StoreError> {
        self.counts.appends.fetch_add(1, Ordering::Relaxed);
        self.inner.append(case, events, before)
    }
    fn archive(&mut self, letter: &ArchivedLetter) -> Result<(), StoreError> {
        self.inner.archive(letter)
    }
    fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<CaseId>, StoreError> {
        self.inner.due(now, limit)
    }
    fn publish(
        &mut self,
        new: &crate::store::published::NewPublication,
        by: &str,
        now: Timestamp,
    ) -> Result<(crate::store::published::Publication, bool), StoreError> {
        self.inner.publish(new, by, now)
    }
    fn writes(&self) -> u64 {
        self.inner.writes()
    }
    fn remember(
        &mut self,
        scope: &str,
        key: &str,
        record: &crate::app::once::Remembered,
    ) -> Result<(), StoreError> {
        self.inner.remember(scope, key, record)
    }
    fn forget_keys(&mut self, now: Timestamp, limit: usize) -> Result<usize, StoreError> {
        self.inner.forget_keys(now, limit)
    }
    fn index_external(
        &mut self,
        workflow: &str,
        external: &crate::case::ExternalId,
        case: &CaseId,
    ) -> Result<(), StoreError> {
        self.counts.external_indexed.fetch_add(1, Ordering::Relaxed);
        self.inner.index_external(workflow, external, case)
    }
    fn enqueue(&mut self, entry: &crate::app::outbox::OutboxEntry) -> Result<(), StoreError> {
        self.inner.enqueue(entry)
    }
}

fn counting<B: TestDb>() -> (Place, Office<Counting<B>>) {
    let (place, inner) = B::fresh();
    let office = Office::new(
        Counting {
            inner,
            counts: Counts::default(),
        },
        config(),
    );
    (place, office)
}

fn reset<B: Backend>(office: &Office<Counting<B>>) {
    let c = &office.backend().counts;
    for n in [
        &c.case_reads,
        &c.transactions,
        &c.commits,
        &c.appends,
        &c.ids_listed,
    ] {
        n.store(0, Ordering::Relaxed);
    }
}

fn case_advance_reads_the_case_once_and_commits_once_with_its_letter<B: TestDb>() {
    let (_db, office) = counting::<B>();
    let id = open_report(&office);
    reset(&office);
    let applied = office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    assert!(applied.letters[0].result.is_ok(), "{:?}", applied.letters);
    let c = &office.backend().counts;
    assert_eq!(c.case_reads.load(Ordering::Relaxed), 1, "case reads");
    assert_eq!(c.transactions.load(Ordering::Relaxed), 1, "transactions");
    assert_eq!(c.commits.load(Ordering::Relaxed), 1, "commits");
    assert_eq!(
        c.appends.load(Ordering::Relaxed),
        1,
        "one append: the act and its letter"
    );
}

fn a_refused_advance_reads_once_and_commits_nothing<B: TestDb>() {
    let (_db, office) = counting::<B>();
    let id = open_report(&office);
    reset(&office);
    denied(office.advance(&caller(OTHER_POLICE, "police"), &accept(&id)));
    let c = &office.backend().counts;
    assert_eq!(c.case_reads.load(Ordering::Relaxed), 1);
    assert_eq!(c.commits.load(Ordering::Relaxed), 0);
    assert_eq!(c.appends.load(Ordering::Relaxed), 0);
}

fn a_batch_refuses_an_unauthorised_command_while_the_rest_commit_with_their_letters<B: TestDb>() {
    let (_db, office) = counting::<B>();
    let ids: Vec<CaseId> = (0..3).map(|_| open_report(&office)).collect();
    reset(&office);
    let commands: Vec<(Caller, Batched)> = vec![
        (caller(POLICE, "police"), Batched::Advance(accept(&ids[0]))),
        (
            caller(OTHER_POLICE, "police"),
            Batched::Advance(accept(&ids[1])),
        ),
        (
            caller("nobody", "police"),
            Batched::Advance(accept(&ids[1])),
        ),
        (caller(POLICE, "system"), Batched::Advance(accept(&ids[1]))),
        (caller(POLICE, "police"), Batched::Advance(accept(&ids[2]))),
    ];
    let mut replies: Vec<_> = office.batch(&commands).into_iter().map(Some).collect();
    let mut take = |i: usize| replies[i].take().expect("one reply per command");
    let committed = [take(0), take(4)];
    assert!(matches!(denied(take(1)), Denied::OutsideUnit { .. }));
    assert!(matches!(denied(take(2)), Denied::UnknownUser { .. }));
    assert!(matches!(
        take(3),
        Err(crate::app::AppError::ReservedRole { .. })
    ));
    for reply in committed {
        let applied = reply.expect("committed");
        assert!(applied.letters[0].result.is_ok(), "{:?}", applied.letters);
    }
    let c = &office.backend().counts;
    assert_eq!(
        c.commits.load(Ordering::Relaxed),
        1,
        "one transaction for the batch"
    );
    let inner = &office.backend().inner;
    assert_eq!(
        inner.case(&ids[1]).expect("reads").expect("case").state,
        "reported"
    );
    for id in [&ids[0], &ids[2]] {
        assert_eq!(
            inner.case(id).expect("reads").expect("case").state,
            "investigating"
        );
        assert_eq!(inner.letter_records(Some(id)).expect("letters").len(), 1);
    }
    let log = inner.access_log(&AccessFilter::default()).expect("log");
    assert_eq!(log.iter().filter(|e| !e.allowed).count(), 3, "{log:?}");
}

fn the_office_committer_answers_every_writer_and_refuses_only_the_unauthorised<B: TestDb>() {
    let (_db, office) = counting::<B>();
    let office = Arc::new(office);
    let ids: Vec<CaseId> = (0..4).map(|_| open_report(&*office)).collect();
    let committer = office.clone().committer(64);
    let threads: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let submitter = committer.submitter();
            let who = if i == 2 { OTHER_POLICE } else { POLICE };
            let command = Batched::Advance(accept(id));
            std::thread::spawn(move || {
                submitter
                    .submit((caller(who, "police"), command))
                    .expect("the committer answers")
            })
        })
        .collect();
    let replies: Vec<_> = threads
        .into_iter()
        .map(|t| t.join().expect("writer"))
        .collect();
    drop(committer);
    for (i, (reply, id)) in replies.into_iter().zip(&ids).enumerate() {
        let state = office
            .backend()
            .inner
            .case(id)
            .expect("reads")
            .expect("case")
            .state;
        if i == 2 {
            assert!(matches!(denied(reply), Denied::OutsideUnit { .. }));
            assert_eq!(state, "reported");
        } else {
            assert!(reply.expect("commits").letters[0].result.is_ok());
            assert_eq!(state, "investigating");
        }
    }
}

/// Cases read and ids listed by one listing, and the ids it returned.
fn listed<B: Backend>(
    office: &Office<Counting<B>>,
    who: &Caller,
    listing: &Listing,
) -> (usize, usize, Vec<CaseId>) {
    reset(office);
    let mut ids = Vec::new();
    office
        .cases(who, listing, &[], |row| {
            ids.push(row.case);
            true
        })
        .expect("lists");
    let c = &office.backend().counts;
    (
        c.case_reads.load(Ordering::Relaxed),
        c.ids_listed.load(Ordering::Relaxed),
        ids,
    )
}

/// Twelve reports: three accepted (investigating), one of those with an officer in charge.
fn twelve<B: Backend>(office: &Office<Counting<B>>) -> (Vec<CaseId>, Vec<CaseId>) {
    let all: Vec<CaseId> = (0..12).map(|_| open_report(office)).collect();
    let accepted: Vec<CaseId> = all.iter().step_by(4).cloned().collect();
    for id in &accepted {
        office
            .advance(&caller(POLICE, "police"), &accept(id))
            .expect("advances");
    }
    (all, accepted)
}

fn case_list_by_state_reads_its_hits_and_not_the_database<B: TestDb>() {
    let (_db, office) = counting::<B>();
    let (all, accepted) = twelve(&office);
    assert_eq!(all.len(), 12);
    let who = caller(POLICE, "police");
    let by_state = |state: &str, workflow: Option<&str>| Listing {
        filter: crate::store::CaseFilter {
            state: Some(state.into()),
            workflow: workflow.map(str::to_owned),
            ..Default::default()
        },
        ..Listing::default()
    };
    for workflow in [None, Some("guardianship-intervention")] {
        let (reads, ids, got) = listed(&office, &who, &by_state("investigating", workflow));
        assert_eq!(got, accepted, "{workflow:?}");
        // Plus a constant: nothing here reads a case it does not return.
        assert!(reads <= accepted.len() + 1, "{reads} case reads for 3 hits");
        assert!(ids <= accepted.len() + 1, "{ids} ids for 3 hits");
    }
    // The whole list reads every case, once each.
    let (reads, _, got) = listed(&office, &who, &Listing::default());
    assert_eq!(got.len(), 12);
    assert_eq!(reads, 12);
}

fn case_list_by_unit_officer_and_opening_day_reads_its_hits<B: TestDb>() {
    let (_db, office) = counting::<B>();
    let (_, accepted) = twelve(&office);
    let who = caller(POLICE, "police");
    // Another village's cases are not read when listing 石家村's.
    let other = office
        .open_case(
            &caller(OTHER_POLICE, "police"),
            &OpenCase {
                workflow: "guardianship-intervention".into(),
                input: sets(&[("source", "mandatory_report")]),
                unit: Some("beiguan_village".into()),
                officer: Some(OTHER_POLICE.into()),
                at: None,
                ..Default::default()
            },
        )
        .expect("opens")
        .applied
        .outcome
        .case
        .id;
    let admin = caller(ADMIN, "admin");
    let unit = Listing {
        unit: Some("shijia_village".into()),
        ..Listing::default()
    };
    let (reads, _, got) = listed(&office, &admin, &unit);
    assert_eq!(got.len(), 12, "{got:?}");
    assert_eq!(reads, 12);
    let officer = Listing {
        officer: Some(OTHER_POLICE.into()),
        ..Listing::default()
    };
    let (reads, _, got) = listed(&office, &admin, &officer);
    assert_eq!(got, vec![other]);
    assert_eq!(reads, 1);
    // Opened on the test day (Shanghai): all; the day before: none, and nothing read.
    let day = |d: &str| Listing {
        opened_from: Some(d.parse().expect("day")),
        opened_to: Some(d.parse().expect("day")),
        ..Listing::default()
    };
    let (_, _, got) = listed(&office, &who, &day("2026-11-23"));
    assert_eq!(got.len(), 12);
    let (reads, ids, got) = listed(&office, &who, &day("2026-11-22"));
    assert!(got.is_empty());
    assert_eq!((reads, ids), (0, 0));
    // Pages by a cursor come in id order and read one page's cases.
    let page = Listing {
        filter: crate::store::CaseFilter {
            state: Some("investigating".into()),
            after: Some(accepted[0].as_str().to_owned()),
            ..Default::default()
        },
        limit: Some(1),
        ..Listing::default()
    };
    let (reads, _, got) = listed(&office, &who, &page);
    assert_eq!(got, vec![accepted[1].clone()]);
    assert_eq!(reads, 1);
}

// On redb only: it rebuilds a redb file as it was before the list indexes (PostgreSQL has
// indexed its columns since its first schema step).
#[test]
fn a_database_from_before_the_list_indexes_lists_alike_and_db_migrate_builds_them() {
    let (_db, office) = counting::<Store>();
    let (_, accepted) = twelve(&office);
    let path = office.backend().inner.path().to_owned();
    drop(office);
    crate::store::lists::as_before(&path);
    let wait = std::time::Duration::from_secs(5);
    let who = caller(POLICE, "police");
    let state = Listing {
        filter: crate::store::CaseFilter {
            state: Some("investigating".into()),
            ..Default::default()
        },
        ..Listing::default()
    };
    let officer = Listing {
        officer: Some(POLICE.into()),
        ..Listing::default()
    };
    let unit = Listing {
        unit: Some("shijia_village".into()),
        ..Listing::default()
    };
    // Before the migration: readable, the same answers (from the cases themselves).
    let read =
        |office: &Office<Counting>| [&state, &officer, &unit].map(|l| listed(office, &who, l).2);
    let wrap = |store: Store| {
        Office::new(
            Counting {
                inner: store,
                counts: Counts::default(),
            },
            config(),
        )
    };
    let before = read(&wrap(Store::open_read(&path, wait).expect("reads")));
    assert_eq!(before[0], accepted);
    assert_eq!(before[2].len(), 12);
    assert!(matches!(
        Store::open(&path, wait),
        Err(StoreError::NeedsMigration { .. })
    ));
    let mut store = Store::open_for_migration(&path, wait).expect("opens");
    let done = store
        .migrate(&crate::store::migrations::Context {
            by: ADMIN.into(),
            now: at(T0),
        })
        .expect("migrates");
    let after: Vec<u32> = (crate::store::lists::STEP..=crate::store::migrations::CURRENT).collect();
    assert_eq!(done, after);
    let office = wrap(store);
    assert_eq!(read(&office), before);
    let (reads, _, _) = listed(&office, &who, &unit);
    assert_eq!(reads, 12);
    drop(office);
    let report = crate::store::ops::check(&path, wait).expect("checks");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

/// A change under `key`, its answer the case's state and seq.
fn keyed(key: &str, body: &[u8]) -> crate::app::once::Remember<crate::app::Acted> {
    use crate::app::once::{IdempotencyKey, Once, Reply};
    crate::app::once::Remember {
        once: Once::new(
            IdempotencyKey::parse(key).expect("key"),
            "POST",
            "/advance",
            body,
        ),
        respond: Arc::new(|acted: &crate::app::Acted| {
            let case = &acted.applied.outcome.case;
            Ok(Reply {
                status: 200,
                body: serde_json::json!({"state": case.state, "seq": case.seq}),
            })
        }),
    }
}

fn a_key_sent_twice_in_one_batch_is_done_once_and_a_refusal_remembers_nothing<B: TestDb>() {
    use crate::app::once::Answer;
    let (_db, office) = counting::<B>();
    let id = open_report(&office);
    let before = office
        .backend()
        .inner
        .case(&id)
        .expect("reads")
        .expect("case");
    reset(&office);
    // Refused (another unit's officer): nothing is stored under the key, so the retry by the
    // officer who may is done afresh.
    let refused = office.batch_once(&[(
        caller(OTHER_POLICE, "police"),
        Batched::Advance(accept(&id)),
        Some(keyed("k", b"accept")),
    )]);
    assert!(matches!(
        refused.into_iter().next(),
        Some(Err(crate::app::AppError::Denied { .. }))
    ));
    let by = |who: &str, key: &str, body: &[u8]| {
        (
            caller(who, "police"),
            Batched::Advance(accept(&id)),
            Some(keyed(key, body)),
        )
    };
    // Two sends of one request under one key, in one transaction, then a different request
    // under the same key.
    let replies = office.batch_once(&[
        by(POLICE, "k", b"accept"),
        by(POLICE, "k", b"accept"),
        by(POLICE, "k", b"something else"),
    ]);
    let mut replies = replies.into_iter();
    let first = match replies.next() {
        Some(Ok(Answer::Done(_, Some(reply)))) => reply,
        other => panic!("the first is done: {other:?}"),
    };
    match replies.next() {
        Some(Ok(Answer::Again(reply))) => assert_eq!(reply, first),
        other => panic!("the second is the first's answer: {other:?}"),
    }
    assert!(matches!(
        replies.next(),
        Some(Err(crate::app::AppError::KeyReused { .. }))
    ));
    let c = &office.backend().counts;
    assert_eq!(c.appends.load(Ordering::Relaxed), 1, "one act appended");
    let after = office
        .backend()
        .inner
        .case(&id)
        .expect("reads")
        .expect("case");
    assert!(after.seq > before.seq);
    assert_eq!(first.body["seq"], after.seq, "the answer is the one act's");
    assert_eq!(after.state, "investigating");
}

both!(
    case_advance_reads_the_case_once_and_commits_once_with_its_letter,
    a_refused_advance_reads_once_and_commits_nothing,
    a_batch_refuses_an_unauthorised_command_while_the_rest_commit_with_their_letters,
    the_office_committer_answers_every_writer_and_refuses_only_the_unauthorised,
    case_list_by_state_reads_its_hits_and_not_the_database,
    case_list_by_unit_officer_and_opening_day_reads_its_hits,
    a_key_sent_twice_in_one_batch_is_done_once_and_a_refusal_remembers_nothing,
);
