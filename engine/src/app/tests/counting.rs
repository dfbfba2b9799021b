//! A backend wrapper counting what a use case asks of storage: `case advance` reads its case
//! once and commits once, and a batch refuses one command while the rest commit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::app::backend::{Backend, ReadTx, WriteTx};
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
}

struct Counting {
    inner: Store,
    counts: Counts,
}

struct CountingTx<'a> {
    inner: &'a mut dyn WriteTx,
    counts: &'a Counts,
}

impl Backend for Counting {
    fn simulation(&self) -> bool {
        self.inner.simulation()
    }

    fn copy_of_real(&self) -> bool {
        self.inner.copy_of_real()
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
        self.inner.snapshot(work)
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
}

impl ReadTx for CountingTx<'_> {
    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        self.counts.case_reads.fetch_add(1, Ordering::Relaxed);
        self.inner.case(id)
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
        events: &[Event],
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
}

fn counting(dir: &TempDir) -> Office<Counting> {
    Office::new(
        Counting {
            inner: store(dir),
            counts: Counts::default(),
        },
        config(),
    )
}

fn reset(office: &Office<Counting>) {
    let c = &office.backend().counts;
    for n in [&c.case_reads, &c.transactions, &c.commits, &c.appends] {
        n.store(0, Ordering::Relaxed);
    }
}

#[test]
fn case_advance_reads_the_case_once_and_commits_once_with_its_letter() {
    let dir = TempDir::new().expect("tempdir");
    let office = counting(&dir);
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

#[test]
fn a_refused_advance_reads_once_and_commits_nothing() {
    let dir = TempDir::new().expect("tempdir");
    let office = counting(&dir);
    let id = open_report(&office);
    reset(&office);
    denied(office.advance(&caller(OTHER_POLICE, "police"), &accept(&id)));
    let c = &office.backend().counts;
    assert_eq!(c.case_reads.load(Ordering::Relaxed), 1);
    assert_eq!(c.commits.load(Ordering::Relaxed), 0);
    assert_eq!(c.appends.load(Ordering::Relaxed), 0);
}

#[test]
fn a_batch_refuses_an_unauthorised_command_while_the_rest_commit_with_their_letters() {
    let dir = TempDir::new().expect("tempdir");
    let office = counting(&dir);
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
        assert_eq!(inner.letters(Some(id)).expect("letters").len(), 1);
    }
    let log = inner.access_log(&AccessFilter::default()).expect("log");
    assert_eq!(log.iter().filter(|e| !e.allowed).count(), 3, "{log:?}");
}

#[test]
fn the_office_committer_answers_every_writer_and_refuses_only_the_unauthorised() {
    let dir = TempDir::new().expect("tempdir");
    let office = Arc::new(counting(&dir));
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
