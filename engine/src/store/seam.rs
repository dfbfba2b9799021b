//! redb behind the storage seam ([`crate::app::backend`]): a write transaction is a
//! [`Writer`] over one redb `WriteTransaction`, a read snapshot one `ReadTransaction`.
//!
//! redb runs one write transaction at a time and never fails one for a conflict, so the work
//! of [`Backend::transaction`] runs exactly once here.

use std::cell::OnceCell;
use std::sync::Arc;

use jiff::Timestamp;
use redb::{ReadOnlyTable, ReadTransaction, ReadableTable};

use super::BY_STATE;
use super::format::{History, NameLookup, Reading, decode, decode_case_as, encode};
use super::lists::{BY_OFFICER, BY_OPENED, BY_UNIT, Indexes};
use super::users::{CURRENT, StoredUnits, StoredUser, UNITS, USERS};
use super::{
    AccessEntry, BY_CHILD, CASES, CaseFilter, DEFINITIONS, DeadlineView, EVENTS, RegistryError,
    RegistryRule, Store, StoreError, VERSIONS, Writer, corrupt, external, integrity, latest_in,
    letters, once, outbox, storage,
};
use crate::app::backend::{Backend, CaseQuery, ReadTx, WriteTx};
use crate::app::once::Remembered;
use crate::app::outbox::OutboxEntry;
use crate::authority::{Units, User};
use crate::case::{Case, CaseId, Event, ExternalId};
use crate::definition::{Definition, VersionHash};
use crate::letters::archive::ArchivedLetter;
use crate::profile::Profile;
use crate::store::published::{self, Kind, NewPublication, Publication};

fn publication_in(
    table: &impl ReadableTable<(&'static str, &'static str, u32), &'static [u8]>,
    kind: Kind,
    name: &str,
    number: Option<u32>,
) -> Result<Option<Publication>, StoreError> {
    match number {
        Some(n) => published::version_in(table, kind.key(), name, n),
        None => published::latest_in(table, kind.key(), name),
    }
}

impl Backend for Store {
    fn simulation(&self) -> bool {
        self.meta.simulation
    }

    fn copy_of_real(&self) -> bool {
        self.meta.copy_of_real
    }

    fn crypto(&self) -> crate::crypto::Profile {
        self.meta.crypto
    }

    fn stored_profile(&self) -> Option<&Profile> {
        self.meta.profile.as_ref()
    }

    fn transaction<T, E: From<StoreError>>(
        &self,
        mut work: impl FnMut(&mut dyn WriteTx) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self.write()?;
        let out = {
            let mut w = Writer::new(&tx, self);
            work(&mut w)
        };
        match out {
            Ok(value) => {
                self.commit(tx)?;
                Ok(value)
            }
            Err(e) => {
                // Dropping an uncommitted redb transaction aborts it as well; abort says so.
                let _ = tx.abort();
                Err(e)
            }
        }
    }

    fn snapshot<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&dyn ReadTx) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self.read()?;
        work(&Snapshot {
            store: self,
            tx,
            names: self.names(),
            cases: OnceCell::new(),
            events: OnceCell::new(),
        })
    }

    fn snapshots_are_local(&self) -> bool {
        true
    }

    fn record_access(&self, entry: &AccessEntry) -> Result<(), StoreError> {
        Store::record_access(self, entry)
    }

    fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        Store::users(self)
    }

    fn add_user(&self, user: StoredUser) -> Result<(), RegistryError> {
        Store::add_user(self, user)
    }

    fn disable_user(
        &self,
        name: &str,
        by: &str,
        now: Timestamp,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        Store::disable_user(self, name, by, now, rule)
    }

    fn enable_user(&self, name: &str, rule: RegistryRule<'_>) -> Result<(), RegistryError> {
        Store::enable_user(self, name, rule)
    }

    fn set_roles(
        &self,
        name: &str,
        roles: Vec<String>,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        Store::set_roles(self, name, roles, rule)
    }

    fn load_units(&self, units: StoredUnits) -> Result<(), RegistryError> {
        Store::load_units(self, units)
    }

    fn latest_definitions(&self) -> Result<Vec<Arc<Definition>>, StoreError> {
        Store::latest_definitions(self)
    }

    fn each_case(
        &self,
        filter: &CaseFilter,
        visit: &mut dyn FnMut(Case) -> bool,
    ) -> Result<(), StoreError> {
        Store::each_case(self, filter, visit)
    }

    fn agenda(&self, from: Timestamp, until: Timestamp) -> Result<Vec<DeadlineView>, StoreError> {
        Store::agenda(self, from, until)
    }

    fn overdue(&self, now: Timestamp) -> Result<Vec<DeadlineView>, StoreError> {
        Store::overdue(self, now)
    }

    fn file(&self) -> Option<&std::path::Path> {
        Some(self.path())
    }

    fn webhooks(
        &self,
        _secret: Option<&super::webhooks::WebhookSecret>,
    ) -> Result<Box<dyn super::webhooks::Webhooks>, StoreError> {
        Ok(Box::new(super::webhooks::WebhookStore::open(self.path())?))
    }

    fn credentials_exist(&self) -> bool {
        super::credentials::credentials_path(self.path()).exists()
    }

    fn credentials(
        &self,
        argon2: &str,
    ) -> Result<Box<dyn super::credentials::Credentials>, StoreError> {
        Ok(Box::new(super::credentials::CredentialStore::open(
            self.path(),
            argon2,
        )?))
    }

    fn versions(
        &self,
    ) -> Result<std::collections::BTreeMap<String, Vec<super::Version>>, StoreError> {
        Store::versions(self)
    }

    fn publish_definitions(
        &self,
        files: &[(String, Vec<u8>, Definition)],
        by: &str,
        now: Timestamp,
    ) -> Result<Vec<super::Published>, StoreError> {
        Store::publish(self, files, by, now)
    }

    fn published(
        &self,
        hash: &VersionHash,
    ) -> Result<Option<super::format::StoredDefinition>, StoreError> {
        Store::published(self, hash)
    }

    fn publications(&self) -> Result<Vec<Publication>, StoreError> {
        Store::publications(self)
    }

    fn letter_record(&self, id_or_number: &str) -> Result<Option<super::LetterRecord>, StoreError> {
        Store::letter(self, id_or_number)
    }

    fn find_letter(
        &self,
        kind: super::LetterKey,
        value: &str,
    ) -> Result<Option<String>, StoreError> {
        Store::find_letter(self, kind, value)
    }

    fn letter_records(
        &self,
        case: Option<&CaseId>,
    ) -> Result<Vec<super::LetterRecord>, StoreError> {
        Store::letters(self, case)
    }

    fn case_chain(&self, id: &CaseId) -> Result<Option<super::CaseChain>, StoreError> {
        Store::case_chain(self, id)
    }

    fn verify_chains_each(
        &self,
        only: Option<&CaseId>,
        progress: &crate::progress::Reporter,
        each: &mut dyn FnMut(super::Verdict) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        Store::verify_chains_each(
            self,
            only,
            progress,
            super::integrity::Parallel::available(),
            each,
        )
    }

    fn access_log(&self, filter: &super::AccessFilter) -> Result<Vec<AccessEntry>, StoreError> {
        Store::access_log(self, filter)
    }

    fn access_chain_break(&self) -> Result<Option<super::AccessBreak>, StoreError> {
        Store::access_chain_break(self)
    }

    fn tick(
        &self,
        clock: &crate::step::Clock,
        profile: Option<&Profile>,
    ) -> Result<super::TickReport, super::CommandFailure> {
        Store::tick(self, clock, profile)
    }

    fn next_firing(&self) -> Result<Option<Timestamp>, StoreError> {
        Store::next_firing(self)
    }

    fn export_copy(
        &self,
        w: &mut dyn std::io::Write,
    ) -> Result<super::dump::DumpCounts, StoreError> {
        super::dump::export(self, w)
    }

    fn backup_copy(&self, out: &std::path::Path) -> Result<u64, StoreError> {
        super::ops::backup_held(self, out)
    }

    fn backup_scratch(&self) -> Result<super::ops::TempFile, StoreError> {
        super::ops::backup_held_scratch(self)
    }

    fn check_copy(
        &self,
        progress: &crate::progress::Reporter,
    ) -> Result<super::ops::CheckReport, StoreError> {
        super::ops::check_held_telling(self, progress, |_| Ok::<(), StoreError>(()))
    }
}

/// A read snapshot: one redb read transaction.
struct Snapshot<'s> {
    store: &'s Store,
    tx: ReadTransaction,
    /// Every name `tx` can meet (caught up when it began).
    names: Arc<super::names::Dictionary>,
    /// The case tables, opened on first use and kept: a listing reads hundreds of cases in
    /// one snapshot, and opening a table is a look-up in redb's table tree each time.
    cases: OnceCell<ReadOnlyTable<&'static str, &'static [u8]>>,
    events: OnceCell<ReadOnlyTable<(&'static str, u32), &'static [u8]>>,
}

impl Snapshot<'_> {
    fn cases(&self) -> Result<&ReadOnlyTable<&'static str, &'static [u8]>, StoreError> {
        opened(&self.cases, || self.tx.open_table(CASES))
    }

    fn events(&self) -> Result<&ReadOnlyTable<(&'static str, u32), &'static [u8]>, StoreError> {
        opened(&self.events, || self.tx.open_table(EVENTS))
    }
}

/// The table in `cell`, opened by `open` the first time.
fn opened<T>(
    cell: &OnceCell<T>,
    open: impl FnOnce() -> Result<T, redb::TableError>,
) -> Result<&T, StoreError> {
    if let Some(table) = cell.get() {
        return Ok(table);
    }
    let table = open().map_err(storage)?;
    Ok(cell.get_or_init(|| table))
}

/// A missing table reads as empty (a database made before the table existed).
fn missing<T>(result: Result<T, redb::TableError>) -> Result<Option<T>, StoreError> {
    match result {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(storage(e)),
    }
}

/// The case `id` from its snapshot; `events` is opened only when the snapshot must be
/// rebuilt, so reading a case opens one table.
fn case_in<'e, E: ReadableTable<(&'static str, u32), &'static [u8]> + 'e>(
    cases: &impl ReadableTable<&'static str, &'static [u8]>,
    events: impl FnOnce() -> Result<&'e E, StoreError>,
    id: &CaseId,
    names: &dyn NameLookup,
) -> Result<Option<Case>, StoreError> {
    case_read(cases, events, id, names, Reading::Whole)
}

/// [`case_in`], of as much as `reading` asks for (a rebuilt snapshot is whole).
fn case_read<'e, E: ReadableTable<(&'static str, u32), &'static [u8]> + 'e>(
    cases: &impl ReadableTable<&'static str, &'static [u8]>,
    events: impl FnOnce() -> Result<&'e E, StoreError>,
    id: &CaseId,
    names: &dyn NameLookup,
    reading: Reading,
) -> Result<Option<Case>, StoreError> {
    let Some(bytes) = cases.get(id.as_str()).map_err(storage)? else {
        return Ok(None);
    };
    match decode_case_as(bytes.value(), names, reading) {
        Ok(case) if case.head.is_some() => Ok(Some(case)),
        // The snapshot is a cache: an unreadable one, or one from before chaining (no head),
        // is rebuilt from the truth.
        _ => integrity::replayed(events()?, id, names).map(Some),
    }
}

fn history_in(
    events: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    id: &CaseId,
    names: &dyn NameLookup,
) -> Result<Vec<Event>, StoreError> {
    let mut out = Vec::new();
    let mut history = History::new();
    for entry in events
        .range((id.as_str(), 0)..=(id.as_str(), u32::MAX))
        .map_err(storage)?
    {
        let (_, v) = entry.map_err(storage)?;
        let stored = history.next(v.value(), names).map_err(corrupt)?;
        out.push(Event::try_from(stored).map_err(corrupt)?);
    }
    Ok(out)
}

fn version_in(
    versions: &impl ReadableTable<(&'static str, u32), &'static str>,
    workflow: &str,
    hash: &VersionHash,
) -> Result<Option<u32>, StoreError> {
    for entry in versions
        .range((workflow, 0)..=(workflow, u32::MAX))
        .map_err(storage)?
    {
        let (k, v) = entry.map_err(storage)?;
        if v.value() == hash.0 {
            return Ok(Some(k.value().1));
        }
    }
    Ok(None)
}

fn child_cases_in(
    by_child: &impl ReadableTable<(&'static str, &'static str), ()>,
    cases: &impl ReadableTable<&'static str, &'static [u8]>,
    events: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    child: &str,
    names: &dyn NameLookup,
) -> Result<Vec<Case>, StoreError> {
    let mut out = Vec::new();
    for entry in by_child
        .range((child, "")..(child, "\u{10ffff}"))
        .map_err(storage)?
    {
        let (k, _) = entry.map_err(storage)?;
        let id: CaseId = k.value().1.parse().map_err(corrupt)?;
        if let Some(case) = case_in(cases, || Ok(events), &id, names)? {
            out.push(case);
        }
    }
    Ok(out)
}

fn user_in(
    users: &impl ReadableTable<&'static str, &'static [u8]>,
    name: &str,
) -> Result<Option<User>, StoreError> {
    match users.get(name).map_err(storage)? {
        Some(bytes) => Ok(Some(
            decode::<StoredUser>(bytes.value()).map_err(corrupt)?.user(),
        )),
        None => Ok(None),
    }
}

fn units_in(units: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Units, StoreError> {
    match units.get(CURRENT).map_err(storage)? {
        Some(bytes) => Ok(decode::<StoredUnits>(bytes.value()).map_err(corrupt)?.units),
        None => Ok(Units::single()),
    }
}

fn letter_in(
    letters: &impl ReadableTable<&'static str, &'static [u8]>,
    id: &str,
) -> Result<Option<ArchivedLetter>, StoreError> {
    match letters.get(id).map_err(storage)? {
        Some(bytes) => Ok(Some(decode(bytes.value()).map_err(corrupt)?)),
        None => Ok(None),
    }
}

fn numbered_in(
    index: &impl ReadableTable<&'static str, &'static str>,
    number: &str,
) -> Result<Option<String>, StoreError> {
    Ok(index
        .get(letters::index_key("number", number).as_str())
        .map_err(storage)?
        .map(|v| v.value().to_owned()))
}

impl ReadTx for Snapshot<'_> {
    fn crypto(&self) -> crate::crypto::Profile {
        self.store.meta.crypto
    }

    fn case_ids(
        &self,
        query: &CaseQuery,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CaseId>, StoreError> {
        let by_unit = missing(self.tx.open_table(BY_UNIT))?;
        let by_officer = missing(self.tx.open_table(BY_OFFICER))?;
        let by_opened = missing(self.tx.open_table(BY_OPENED))?;
        Indexes {
            cases: &self.tx.open_table(CASES).map_err(storage)?,
            by_state: &self.tx.open_table(BY_STATE).map_err(storage)?,
            by_child: &self.tx.open_table(BY_CHILD).map_err(storage)?,
            by_unit: by_unit.as_ref(),
            by_officer: by_officer.as_ref(),
            by_opened: by_opened.as_ref(),
            versions: &self.tx.open_table(VERSIONS).map_err(storage)?,
        }
        .case_ids(query, after, limit)
    }

    fn version_number(
        &self,
        workflow: &str,
        hash: &VersionHash,
    ) -> Result<Option<u32>, StoreError> {
        version_in(
            &self.tx.open_table(VERSIONS).map_err(storage)?,
            workflow,
            hash,
        )
    }

    fn child_cases(&self, child: &str) -> Result<Vec<Case>, StoreError> {
        let by_child = self.tx.open_table(BY_CHILD).map_err(storage)?;
        child_cases_in(
            &by_child,
            self.cases()?,
            self.events()?,
            child,
            &*self.names,
        )
    }

    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        case_in(self.cases()?, || self.events(), id, &*self.names)
    }

    fn case_listed(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        case_read(
            self.cases()?,
            || self.events(),
            id,
            &*self.names,
            Reading::Listed,
        )
    }

    fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError> {
        history_in(self.events()?, id, &*self.names)
    }

    fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError> {
        let table = self.tx.open_table(DEFINITIONS).map_err(storage)?;
        self.store.definition_in(
            &table,
            |h| super::decoded::read(&self.tx.open_table(super::decoded::DECODED).ok()?, h),
            hash,
        )
    }

    fn latest(&self, workflow: &str) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError> {
        let versions = self.tx.open_table(VERSIONS).map_err(storage)?;
        match latest_in(&versions, workflow)? {
            Some(hash) => Ok(Some((hash.clone(), self.definition(&hash)?))),
            None => Ok(None),
        }
    }

    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        match missing(self.tx.open_table(USERS))? {
            Some(users) => user_in(&users, name),
            None => Ok(None),
        }
    }

    fn units(&self) -> Result<Units, StoreError> {
        match missing(self.tx.open_table(UNITS))? {
            Some(units) => units_in(&units),
            None => Ok(Units::single()),
        }
    }

    fn letter(&self, id: &str) -> Result<Option<ArchivedLetter>, StoreError> {
        match missing(self.tx.open_table(letters::LETTERS))? {
            Some(table) => letter_in(&table, id),
            None => Ok(None),
        }
    }

    fn letter_numbered(&self, number: &str) -> Result<Option<String>, StoreError> {
        match missing(self.tx.open_table(letters::LETTER_INDEX))? {
            Some(index) => numbered_in(&index, number),
            None => Ok(None),
        }
    }

    fn publication(
        &self,
        kind: Kind,
        name: &str,
        number: Option<u32>,
    ) -> Result<Option<Publication>, StoreError> {
        match missing(self.tx.open_table(published::PUBLISHED))? {
            Some(table) => publication_in(&table, kind, name, number),
            None => Ok(None),
        }
    }

    fn remembered(&self, scope: &str, key: &str) -> Result<Option<Remembered>, StoreError> {
        match missing(self.tx.open_table(once::KEYS))? {
            Some(table) => once::remembered_in(&table, scope, key),
            None => Ok(None),
        }
    }

    fn external_case(
        &self,
        workflow: &str,
        external: &ExternalId,
    ) -> Result<Option<CaseId>, StoreError> {
        match missing(self.tx.open_table(external::EXTERNAL))? {
            Some(table) => external::case_in(&table, workflow, external),
            None => Ok(None),
        }
    }

    fn outbox(&self, after: u64, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        match missing(self.tx.open_table(outbox::OUTBOX))? {
            Some(table) => outbox::after_in(&table, after, limit, &*self.names),
            None => Ok(Vec::new()),
        }
    }
}

impl ReadTx for Writer<'_> {
    fn crypto(&self) -> crate::crypto::Profile {
        self.store.meta.crypto
    }

    fn case_ids(
        &self,
        query: &CaseQuery,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CaseId>, StoreError> {
        Indexes {
            cases: self.cases.get(self.tx)?,
            by_state: self.by_state.get(self.tx)?,
            by_child: self.by_child.get(self.tx)?,
            by_unit: Some(self.by_unit.get(self.tx)?),
            by_officer: Some(self.by_officer.get(self.tx)?),
            by_opened: Some(self.by_opened.get(self.tx)?),
            versions: self.versions.get(self.tx)?,
        }
        .case_ids(query, after, limit)
    }

    fn version_number(
        &self,
        workflow: &str,
        hash: &VersionHash,
    ) -> Result<Option<u32>, StoreError> {
        version_in(self.versions.get(self.tx)?, workflow, hash)
    }

    fn child_cases(&self, child: &str) -> Result<Vec<Case>, StoreError> {
        child_cases_in(
            self.by_child.get(self.tx)?,
            self.cases.get(self.tx)?,
            self.events.get(self.tx)?,
            child,
            self.names.get(self.tx, self.store)?,
        )
    }

    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        case_in(
            self.cases.get(self.tx)?,
            || self.events.get(self.tx),
            id,
            self.names.get(self.tx, self.store)?,
        )
    }

    fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError> {
        history_in(
            self.events.get(self.tx)?,
            id,
            self.names.get(self.tx, self.store)?,
        )
    }

    fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError> {
        self.store.definition_in(
            self.definitions.get(self.tx)?,
            |h| super::decoded::read(self.decoded.get(self.tx).ok()?, h),
            hash,
        )
    }

    fn latest(&self, workflow: &str) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError> {
        match latest_in(self.versions.get(self.tx)?, workflow)? {
            Some(hash) => Ok(Some((hash.clone(), self.definition(&hash)?))),
            None => Ok(None),
        }
    }

    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        user_in(self.users.get(self.tx)?, name)
    }

    fn units(&self) -> Result<Units, StoreError> {
        units_in(self.units.get(self.tx)?)
    }

    fn letter(&self, id: &str) -> Result<Option<ArchivedLetter>, StoreError> {
        letter_in(self.letters.get(self.tx)?, id)
    }

    fn letter_numbered(&self, number: &str) -> Result<Option<String>, StoreError> {
        numbered_in(self.letter_index.get(self.tx)?, number)
    }

    fn publication(
        &self,
        kind: Kind,
        name: &str,
        number: Option<u32>,
    ) -> Result<Option<Publication>, StoreError> {
        publication_in(self.published.get(self.tx)?, kind, name, number)
    }

    fn remembered(&self, scope: &str, key: &str) -> Result<Option<Remembered>, StoreError> {
        once::remembered_in(self.keys.get(self.tx)?, scope, key)
    }

    fn external_case(
        &self,
        workflow: &str,
        external: &ExternalId,
    ) -> Result<Option<CaseId>, StoreError> {
        external::case_in(self.external.get(self.tx)?, workflow, external)
    }

    fn outbox(&self, after: u64, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        outbox::after_in(
            self.outbox.get(self.tx)?,
            after,
            limit,
            self.names.get(self.tx, self.store)?,
        )
    }
}

impl WriteTx for Writer<'_> {
    fn bump(&mut self, key: &str) -> Result<u64, StoreError> {
        let counters = self.counters.get_mut(self.tx)?;
        let n = counters
            .get(key)
            .map_err(storage)?
            .map_or(0, |v| v.value())
            .checked_add(1)
            .ok_or_else(|| StoreError::Corrupt(format!("counter {key} is exhausted")))?;
        self.writes += 1;
        counters.insert(key, n).map_err(storage)?;
        Ok(n)
    }

    fn give_back(&mut self, key: &str) -> Result<(), StoreError> {
        let counters = self.counters.get_mut(self.tx)?;
        let n = counters.get(key).map_err(storage)?.map_or(0, |v| v.value());
        counters.insert(key, n.saturating_sub(1)).map_err(storage)?;
        Ok(())
    }

    fn append(
        &mut self,
        case: &Case,
        events: &crate::case::Chained,
        before: Option<&Case>,
    ) -> Result<(), StoreError> {
        self.save_case(case, events, before)
    }

    fn archive(&mut self, letter: &ArchivedLetter) -> Result<(), StoreError> {
        let id = letter.id.as_str();
        self.writes += 1;
        let code_key = letters::index_key("code", &letter.code);
        if self
            .letter_index
            .get(self.tx)?
            .get(code_key.as_str())
            .map_err(storage)?
            .is_some()
        {
            return Err(StoreError::Corrupt(format!(
                "verification code {} is already taken",
                letter.code
            )));
        }
        self.letter_index
            .get_mut(self.tx)?
            .insert(code_key.as_str(), id)
            .map_err(storage)?;
        if let Some(n) = &letter.number {
            let held = self
                .letter_index
                .get_mut(self.tx)?
                .insert(letters::index_key("number", n).as_str(), id)
                .map_err(storage)?
                .map(|old| old.value().to_owned());
            // A number passes only to the letter that replaces its holder (a court's number).
            if let Some(holder) = held
                && letter.replaces.as_deref() != Some(holder.as_str())
            {
                return Err(StoreError::Corrupt(format!(
                    "document number {n} is already held by {holder}"
                )));
            }
        }
        for sha in [&letter.html_sha256, &letter.text_sha256]
            .into_iter()
            .chain(letter.pdf_sha256.as_ref())
        {
            self.letter_index
                .get_mut(self.tx)?
                .insert(letters::index_key("sha256", sha).as_str(), id)
                .map_err(storage)?;
        }
        let previous = self
            .letters
            .get_mut(self.tx)?
            .insert(id, encode(letter).map_err(corrupt)?.as_slice())
            .map_err(storage)?;
        if previous.is_some() {
            // The archive is insert-only: a second letter under one id is a bug.
            return Err(StoreError::Corrupt(format!("letter {id} already exists")));
        }
        self.letters_by_case
            .get_mut(self.tx)?
            .insert((letter.case.as_str(), id), ())
            .map_err(storage)?;
        Ok(())
    }

    fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<CaseId>, StoreError> {
        let mut ids: Vec<CaseId> = Vec::new();
        let end = now.as_millisecond().saturating_add(1);
        for entry in self
            .timers
            .get(self.tx)?
            .range(..(end, "", ""))
            .map_err(storage)?
        {
            let (key, _) = entry.map_err(storage)?;
            let id: CaseId = key.value().1.parse().map_err(corrupt)?;
            if !ids.contains(&id) {
                ids.push(id);
                if ids.len() >= limit {
                    break;
                }
            }
        }
        Ok(ids)
    }

    fn publish(
        &mut self,
        new: &NewPublication,
        by: &str,
        now: Timestamp,
    ) -> Result<(Publication, bool), StoreError> {
        let out = published::insert(self.published.get_mut(self.tx)?, new, by, now)?;
        if out.1 {
            self.writes += 1;
        }
        Ok(out)
    }

    fn writes(&self) -> u64 {
        self.writes
    }

    fn remember(&mut self, scope: &str, key: &str, record: &Remembered) -> Result<(), StoreError> {
        self.writes += 1;
        once::remember_in(
            self.keys.get_mut(self.tx)?,
            self.keys_by_expiry.get_mut(self.tx)?,
            scope,
            key,
            record,
        )
    }

    fn forget_keys(&mut self, now: Timestamp, limit: usize) -> Result<usize, StoreError> {
        let n = once::forget_in(
            self.keys.get_mut(self.tx)?,
            self.keys_by_expiry.get_mut(self.tx)?,
            now,
            limit,
        )?;
        self.writes += n as u64;
        Ok(n)
    }

    fn index_external(
        &mut self,
        workflow: &str,
        external: &ExternalId,
        case: &CaseId,
    ) -> Result<(), StoreError> {
        self.writes += 1;
        external::index_in(self.external.get_mut(self.tx)?, workflow, external, case)
    }

    fn enqueue(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.writes += 1;
        outbox::insert_in(
            self.outbox.get_mut(self.tx)?,
            entry,
            self.names.get_mut(self.tx, self.store)?,
        )
    }
}
