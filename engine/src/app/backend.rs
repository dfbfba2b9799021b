//! The storage seam: what the application layer needs from a database, and nothing of how a
//! particular one provides it. redb (`crate::store::Store`) is the first implementation; the
//! trait is shaped for a second on PostgreSQL:
//!
//! - **Transactions are closures.** [`Backend::transaction`] runs its work in one transaction and
//!   commits durably only when the work returns `Ok`; an `Err` aborts and writes nothing. A
//!   backend whose transactions can fail to serialise (PostgreSQL's 40001/40P01) may run the
//!   work again, so the work must do nothing outside the transaction it is given: no I/O, no
//!   clock reads, no effects that a second run would repeat. Results leave through the return
//!   value only.
//! - **Counters are read and bumped inside the transaction** ([`WriteTx::bump`]): a number
//!   taken by a transaction that aborts was never taken, so letter numbers have no gaps.
//! - **The letter archive is insert-only** ([`WriteTx::archive`]); nothing updates or deletes.
//! - **History is appended in one place** ([`WriteTx::append`]): the backend stores every event
//!   with the chain hash its fold computed ([`crate::case::Chained`]), refuses events that do
//!   not continue the chain it has stored and to overwrite one, and keeps the snapshot and every
//!   index equal to what [`crate::store::IndexKeys::of`] says the case implies.
//!
//! No type of a storage engine crosses this trait: only the domain's own.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::Arc;

use jiff::Timestamp;

use crate::app::once::Remembered;
use crate::app::outbox::OutboxEntry;
use crate::authority::{Units, User};
use crate::case::{Case, CaseId, Chained, Event, ExternalId};
use crate::definition::{Definition, VersionHash};
use crate::letters::archive::ArchivedLetter;
use crate::profile::Profile;
use crate::progress::Reporter;
use crate::step::Clock;
use crate::store::credentials::Credentials;
use crate::store::dump::DumpCounts;
use crate::store::ops::TempFile;
use crate::store::published::{Kind, NewPublication, Publication};
use crate::store::{
    AccessBreak, AccessFilter, CaseChain, ChainReport, CommandFailure, LetterKey, LetterRecord,
    Published, TickReport, Verdict, Version,
};
use crate::store::{
    AccessEntry, CaseFilter, DeadlineView, RegistryError, RegistryRule, StoreError, StoredUnits,
    StoredUser,
};

/// What a listing narrows cases to, for [`ReadTx::case_ids`]: every condition given must
/// hold. A backend answers from its indexes; the caller checks every condition again on each
/// case it reads, so a backend may narrow by some of them only (the redb one uses the most
/// selective index the query names), never by fewer cases than match them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    pub workflow: Option<String>,
    pub state: Option<String>,
    /// A child's identity number or registry id.
    pub child: Option<String>,
    /// Handled by one of these units.
    pub units: Option<Vec<String>>,
    /// Whose officer in charge is this user.
    pub officer: Option<String>,
    /// Opened at or after the first instant and before the second.
    pub opened: Option<(Timestamp, Timestamp)>,
}

/// A database the application layer can run use cases against.
pub trait Backend: Send + Sync {
    /// True for a simulation database, the only kind that accepts a requested clock.
    fn simulation(&self) -> bool;

    /// True for a simulation database made from a real one's export: each of its cases is a
    /// training copy and is marked simulated wherever it is shown.
    fn copy_of_real(&self) -> bool;

    /// The county profile chosen when the database was made.
    fn stored_profile(&self) -> Option<&Profile>;

    /// The cryptographic profile chosen when the database was made (`init --crypto`): the
    /// trusted local fact every chain and digest of this database is computed and checked by.
    fn crypto(&self) -> crate::crypto::Profile;

    /// Runs `work` in one write transaction and commits it durably when it returns `Ok`;
    /// an `Err` aborts the transaction. `work` may run more than once (see the module docs).
    fn transaction<T, E: From<StoreError>>(
        &self,
        work: impl FnMut(&mut dyn WriteTx) -> Result<T, E>,
    ) -> Result<T, E>;

    /// Runs `work` over one consistent read snapshot.
    fn snapshot<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&dyn ReadTx) -> Result<T, E>,
    ) -> Result<T, E>;

    /// Records one access decision (a read, or a refusal of any act). Cheap and never blocks
    /// on writers; the backend makes it durable no later than its next write commit.
    fn record_access(&self, entry: &AccessEntry) -> Result<(), StoreError>;

    /// True when a read snapshot costs next to nothing (a file in this process), so group
    /// commit may compute a command's step ahead of its transaction on one
    /// ([`super::act::Prepared`]); false where a snapshot is a round trip to a server, which
    /// would cost each command more than the step it spares the group-commit thread.
    fn snapshots_are_local(&self) -> bool {
        false
    }

    // ----- the registry and the bulk reads (`wardflow serve`'s use cases) -----

    /// Every registered user, in name order.
    fn users(&self) -> Result<Vec<StoredUser>, StoreError>;

    /// Registers a user; the name must be new and the unit configured.
    fn add_user(&self, user: StoredUser) -> Result<(), RegistryError>;

    /// Disables a user, if `rule` admits the registry as the change would leave it (decided
    /// inside the change's own transaction).
    fn disable_user(
        &self,
        name: &str,
        by: &str,
        now: Timestamp,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError>;

    /// Enables a disabled user again, if `rule` admits it.
    fn enable_user(&self, name: &str, rule: RegistryRule<'_>) -> Result<(), RegistryError>;

    /// Gives a user these roles instead of theirs, if `rule` admits it.
    fn set_roles(
        &self,
        name: &str,
        roles: Vec<String>,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError>;

    /// Replaces the units (published as the next units version when they came from a file);
    /// refused while a user or a case names a unit they drop.
    fn load_units(&self, units: StoredUnits) -> Result<(), RegistryError>;

    /// The latest version of every published workflow.
    fn latest_definitions(&self) -> Result<Vec<Arc<Definition>>, StoreError>;

    /// Visits the cases `filter` selects one at a time (constant memory; in case-id order
    /// when `filter.by_id` or `filter.after`); stop by returning false.
    fn each_case(
        &self,
        filter: &CaseFilter,
        visit: &mut dyn FnMut(Case) -> bool,
    ) -> Result<(), StoreError>;

    /// Deadlines falling due in `[from, until]`, soonest first.
    fn agenda(&self, from: Timestamp, until: Timestamp) -> Result<Vec<DeadlineView>, StoreError>;

    /// Deadlines past due at `now` (breached, or due and not yet fired), most overdue first.
    fn overdue(&self, now: Timestamp) -> Result<Vec<DeadlineView>, StoreError>;

    // ----- what the rest of the use cases need (issue 24) -----

    /// Where passwords, tokens and failed sign-ins are kept, opened (and made, with `argon2`
    /// as the parameters new passwords get) for the office's life.
    fn credentials(&self, argon2: &str) -> Result<Box<dyn Credentials>, StoreError>;

    /// Whether credentials are kept yet (a redb database's side file is made only when first
    /// needed, and a backup does not make one).
    fn credentials_exist(&self) -> bool;

    /// The redb file the database is, beside which its side files live (webhooks); None for a
    /// database that is no file (PostgreSQL).
    fn file(&self) -> Option<&std::path::Path>;

    /// Where the database's webhooks are kept, opened (and made) for the office's life: the
    /// webhooks file beside a redb database (its secrets random and kept there), tables of a
    /// PostgreSQL one (each secret derived from `secret`, the deployment's master secret,
    /// without which PostgreSQL keeps no webhooks).
    fn webhooks(
        &self,
        secret: Option<&crate::store::webhooks::WebhookSecret>,
    ) -> Result<Box<dyn crate::store::webhooks::Webhooks>, StoreError>;

    /// Every version of every workflow, oldest first within each workflow.
    fn versions(&self) -> Result<BTreeMap<String, Vec<Version>>, StoreError>;

    /// Publishes checked definitions (file name, source, definition) in one transaction.
    fn publish_definitions(
        &self,
        files: &[(String, Vec<u8>, Definition)],
        by: &str,
        now: Timestamp,
    ) -> Result<Vec<Published>, StoreError>;

    /// A published workflow version exactly as stored (its YAML source), for exports.
    fn published(
        &self,
        hash: &VersionHash,
    ) -> Result<Option<crate::store::format::StoredDefinition>, StoreError>;

    /// Every published version of configuration, by kind, name and number.
    fn publications(&self) -> Result<Vec<Publication>, StoreError>;

    /// A letter by archive id or document number, with what became of it.
    fn letter_record(&self, id_or_number: &str) -> Result<Option<LetterRecord>, StoreError>;

    /// The archive id of the letter whose HTML or text has this SHA-256, or whose
    /// verification code this is.
    fn find_letter(&self, kind: LetterKey, value: &str) -> Result<Option<String>, StoreError>;

    /// Archived letters, of one case or all, oldest first.
    fn letter_records(&self, case: Option<&CaseId>) -> Result<Vec<LetterRecord>, StoreError>;

    /// One case's stored chain; None if the database knows nothing of the case.
    fn case_chain(&self, id: &CaseId) -> Result<Option<CaseChain>, StoreError>;

    /// Recomputes the chains of `only` (or of every case), telling `progress`, and hands
    /// each case's verdict to `each` in case id order until it breaks. A backend keeps
    /// nothing per case (a database of a million cases is verified in flat memory) and may
    /// verify on several threads; the order told is the serial one all the same.
    fn verify_chains_each(
        &self,
        only: Option<&CaseId>,
        progress: &Reporter,
        each: &mut dyn FnMut(Verdict) -> ControlFlow<()>,
    ) -> Result<(), StoreError>;

    /// [`Backend::verify_chains_each`] gathered into one report in memory.
    fn verify_chains(
        &self,
        only: Option<&CaseId>,
        progress: &Reporter,
    ) -> Result<ChainReport, StoreError> {
        let mut report = ChainReport::default();
        self.verify_chains_each(only, progress, &mut |verdict| report.add(verdict))?;
        Ok(report)
    }

    /// Access entries, oldest first.
    fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>, StoreError>;

    /// The first break in the access log's chain, if any.
    fn access_chain_break(&self) -> Result<Option<AccessBreak>, StoreError>;

    /// Fires everything due at `clock.now` (the deadline runner's tick).
    fn tick(&self, clock: &Clock, profile: Option<&Profile>) -> Result<TickReport, CommandFailure>;

    /// The earliest moment anything is due to fire.
    fn next_firing(&self) -> Result<Option<Timestamp>, StoreError>;

    /// The whole database as JSON Lines (`wardflow export`), from one read snapshot.
    fn export_copy(&self, w: &mut dyn std::io::Write) -> Result<DumpCounts, StoreError>;

    /// A consistent copy of the database, written to the new file `out`; its size.
    fn backup_copy(&self, out: &std::path::Path) -> Result<u64, StoreError>;

    /// A consistent copy of the database in a scratch file (to be sealed, then removed).
    fn backup_scratch(&self) -> Result<TempFile, StoreError>;

    /// Checks the whole database on a consistent copy of it, telling `progress`.
    fn check_copy(&self, progress: &Reporter)
    -> Result<crate::store::ops::CheckReport, StoreError>;

    // ----- single reads, each in its own snapshot -----

    /// A case's snapshot ([`ReadTx::case`]).
    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        self.snapshot(|tx| tx.case(id))
    }

    /// A case's whole history ([`ReadTx::history`]).
    fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError> {
        self.snapshot(|tx| tx.history(id))
    }

    /// A published definition ([`ReadTx::definition`]).
    fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError> {
        self.snapshot(|tx| tx.definition(hash))
    }

    /// The latest published version of a workflow ([`ReadTx::latest`]).
    fn latest(&self, workflow: &str) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError> {
        self.snapshot(|tx| tx.latest(workflow))
    }

    /// The units in force ([`ReadTx::units`]).
    fn units(&self) -> Result<Units, StoreError> {
        self.snapshot(|tx| tx.units())
    }
}

/// What a use case reads.
pub trait ReadTx {
    /// The database's cryptographic profile (its meta's `crypto`): what a case opened in this
    /// transaction is chained under.
    fn crypto(&self) -> crate::crypto::Profile;

    /// A case's snapshot, with its chain head.
    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError>;

    /// A case as a listing reads it: [`ReadTx::case`], except that a backend may leave out
    /// what no row shows and no listing selects by — deadlines, letters asked for or issued,
    /// spawned links — for speed. Only for building [`super::ListedCase`] rows.
    fn case_listed(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        self.case(id)
    }
    /// A case's whole history, in order.
    fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError>;
    /// A published definition by the hash of its source.
    fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError>;
    /// The latest published version of a workflow.
    fn latest(&self, workflow: &str) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError>;
    /// The number (1, 2, 3 …) of a published version of a workflow.
    fn version_number(&self, workflow: &str, hash: &VersionHash)
    -> Result<Option<u32>, StoreError>;
    /// The ids of the cases that may match `query`, in the order of their text, each after
    /// `after` (a case id, the cursor of the previous batch), at most `limit`: every case
    /// matching all of the query's conditions is among them, found through indexes, so the
    /// cost follows the hits, not the database (see [`CaseQuery`]).
    fn case_ids(
        &self,
        query: &CaseQuery,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CaseId>, StoreError>;
    /// Every case recorded for a child (by identity number or registry id), any workflow.
    fn child_cases(&self, child: &str) -> Result<Vec<Case>, StoreError>;
    /// A registered user, enabled or not.
    fn user(&self, name: &str) -> Result<Option<User>, StoreError>;
    /// The units in force (one all-covering unit when none were loaded).
    fn units(&self) -> Result<Units, StoreError>;
    /// An archived letter by its archive id.
    fn letter(&self, id: &str) -> Result<Option<ArchivedLetter>, StoreError>;
    /// The archive id of the letter holding a document number.
    fn letter_numbered(&self, number: &str) -> Result<Option<String>, StoreError>;
    /// A published version of configuration `kind` (a profile by its `name`, "" for the
    /// others): version `number`, or the latest when None.
    fn publication(
        &self,
        kind: Kind,
        name: &str,
        number: Option<u32>,
    ) -> Result<Option<Publication>, StoreError>;
    /// What is stored under idempotency key `key` of caller `scope` (expired or not; see
    /// [`crate::app::once`]).
    fn remembered(&self, scope: &str, key: &str) -> Result<Option<Remembered>, StoreError>;
    /// The case opened with external id `external` for `workflow`, if any (issue 25).
    fn external_case(
        &self,
        workflow: &str,
        external: &ExternalId,
    ) -> Result<Option<CaseId>, StoreError>;
    /// The outbox's entries after position `after`, in position order, at most `limit` (see
    /// [`crate::app::outbox`]).
    fn outbox(&self, after: u64, limit: usize) -> Result<Vec<OutboxEntry>, StoreError>;
}

/// What a use case writes, inside one transaction.
pub trait WriteTx: ReadTx {
    /// Reads counter `key`, adds one, stores it and returns the new value.
    fn bump(&mut self, key: &str) -> Result<u64, StoreError>;
    /// Takes back the last [`WriteTx::bump`] of `key` when the work goes on without the
    /// number it took (a letter that failed to render beside an act that still commits).
    fn give_back(&mut self, key: &str) -> Result<(), StoreError>;
    /// Appends `events` to `case`'s history, each with the chain hash its fold computed, and
    /// makes the snapshot and indexes those of `case`. The backend hashes nothing again; it
    /// checks that the events continue the chain it has stored (`before`'s head, which must be
    /// what it stores as the case's last event) and end at `case`'s head
    /// ([`Chained::continues`]), and refuses otherwise.
    fn append(
        &mut self,
        case: &Case,
        events: &Chained,
        before: Option<&Case>,
    ) -> Result<(), StoreError>;
    /// Inserts an issued letter into the archive with its lookups (number, verification code,
    /// hashes, case); a letter id or code already present is an error, never an overwrite.
    fn archive(&mut self, letter: &ArchivedLetter) -> Result<(), StoreError>;
    /// The ids of cases with something due to fire at or before `now`, at most `limit`.
    fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<CaseId>, StoreError>;
    /// Publishes `new` as the next version of its series, unless the latest has the same
    /// content: the version in force and whether it is new.
    fn publish(
        &mut self,
        new: &NewPublication,
        by: &str,
        now: Timestamp,
    ) -> Result<(Publication, bool), StoreError>;
    /// How many writes this transaction has made: a batch uses it to tell a command that
    /// failed before writing (harmless to its neighbours) from one that failed after.
    fn writes(&self) -> u64;
    /// Stores `record` under idempotency key `key` of caller `scope`, in this transaction
    /// (beside the change it answers), replacing an expired record.
    fn remember(&mut self, scope: &str, key: &str, record: &Remembered) -> Result<(), StoreError>;
    /// Forgets at most `limit` idempotency keys that expired at or before `now`; how many.
    fn forget_keys(&mut self, now: Timestamp, limit: usize) -> Result<usize, StoreError>;
    /// Indexes external id `external` of `workflow` as `case`'s, in this transaction (beside
    /// the case's opening). The caller looked first ([`ReadTx::external_case`]); an entry
    /// naming another case is never overwritten: the backend fails the transaction (one that
    /// can lose such a race, PostgreSQL, runs it again, and the look finds the winner's).
    fn index_external(
        &mut self,
        workflow: &str,
        external: &ExternalId,
        case: &CaseId,
    ) -> Result<(), StoreError>;
    /// Writes one outbox entry under its position, in this transaction (beside the events it
    /// tells of); a position already taken is an error, never an overwrite.
    fn enqueue(&mut self, entry: &OutboxEntry) -> Result<(), StoreError>;
}
