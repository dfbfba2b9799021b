//! One PostgreSQL transaction as the seam's [`ReadTx`] / [`WriteTx`]: the same records and
//! index rules as redb's `Writer` (`store/mod.rs`), in SQL.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use jiff::Timestamp;
use postgres::Transaction;
use postgres::types::ToSql;

use super::{PgBackend, corrupt, pg, retryable};
use crate::app::backend::{CaseQuery, ReadTx, WriteTx};
use crate::app::once::Remembered;
use crate::app::outbox::OutboxEntry;
use crate::authority::{Units, User};
use crate::case::{Case, CaseId, Chained, Event, ExternalId};
use crate::definition::{Definition, VersionHash};
use crate::letters::archive::ArchivedLetter;
use crate::store::access::{StoredAccess, link_hash};
use crate::store::format::{StoredDefinition, StoredEvent, decode, encode};
use crate::store::ops::IndexKeys;
use crate::store::published::{Kind, NewPublication, Publication};
use crate::store::{
    AccessBreak, AccessBreakKind, AccessEntry, AccessFilter, CaseFilter, DeadlineView, StoreError,
    StoredUnits, StoredUser,
};

/// The most timer rows one runner transaction locks (cases with several deadlines due take
/// several rows each).
pub const MAX_DUE_ROWS: usize = 1024;

/// The key the units in force are stored under (as on redb).
const CURRENT_UNITS: &str = "current";

type Params<'p> = [&'p (dyn ToSql + Sync)];

/// A transaction: a write transaction (cases read in it are locked) or a read snapshot.
pub(crate) struct Sql<'c, 'b> {
    backend: &'b PgBackend,
    tx: RefCell<Transaction<'c>>,
    /// Cases read are locked (`FOR UPDATE`): a write transaction.
    write: bool,
    /// A statement failed with a conflict worth running the transaction again for.
    conflict: Cell<bool>,
    /// A statement failed: PostgreSQL has aborted the transaction, whatever the work did
    /// with the error, so it must never be reported as committed.
    broken: Cell<bool>,
    writes: u64,
    /// The chain head of each case as this write transaction read it (its row locked since)
    /// or appended to it: what an append must continue from.
    heads: RefCell<std::collections::HashMap<String, Option<crate::chain::ChainHash>>>,
}

impl<'c, 'b> Sql<'c, 'b> {
    pub(crate) fn new(backend: &'b PgBackend, tx: Transaction<'c>, write: bool) -> Self {
        Sql {
            backend,
            tx: RefCell::new(tx),
            write,
            conflict: Cell::new(false),
            broken: Cell::new(false),
            writes: 0,
            heads: RefCell::default(),
        }
    }

    /// The transaction back (to commit or roll back), whether a statement conflicted, and
    /// whether any statement failed.
    pub(crate) fn finish(self) -> (Transaction<'c>, bool, bool) {
        (self.tx.into_inner(), self.conflict.get(), self.broken.get())
    }

    fn failed(&self, e: postgres::Error) -> StoreError {
        self.broken.set(true);
        if retryable(&e) {
            self.conflict.set(true);
        }
        pg(e)
    }

    fn rows(&self, sql: &str, params: &Params<'_>) -> Result<Vec<postgres::Row>, StoreError> {
        let mut tx = self.tx.try_borrow_mut().map_err(|_| {
            StoreError::Storage("a PostgreSQL transaction used re-entrantly".into())
        })?;
        tx.query(sql, params).map_err(|e| self.failed(e))
    }

    /// Runs `sql` (no parameters) and hands each row to `visit` as it arrives, without
    /// holding the whole result in memory.
    pub(super) fn each_row(
        &self,
        sql: &str,
        mut visit: impl FnMut(&postgres::Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut tx = self.tx.try_borrow_mut().map_err(|_| {
            StoreError::Storage("a PostgreSQL transaction used re-entrantly".into())
        })?;
        let mut rows = tx
            .query_raw(sql, std::iter::empty::<&str>())
            .map_err(|e| self.failed(e))?;
        while let Some(row) = rows.next().map_err(|e| self.failed(e))? {
            visit(&row)?;
        }
        Ok(())
    }

    fn row(&self, sql: &str, params: &Params<'_>) -> Result<Option<postgres::Row>, StoreError> {
        let mut tx = self.tx.try_borrow_mut().map_err(|_| {
            StoreError::Storage("a PostgreSQL transaction used re-entrantly".into())
        })?;
        tx.query_opt(sql, params).map_err(|e| self.failed(e))
    }

    fn exec(&self, sql: &str, params: &Params<'_>) -> Result<u64, StoreError> {
        let mut tx = self.tx.try_borrow_mut().map_err(|_| {
            StoreError::Storage("a PostgreSQL transaction used re-entrantly".into())
        })?;
        tx.execute(sql, params).map_err(|e| self.failed(e))
    }

    pub(crate) fn bytes(
        &self,
        sql: &str,
        params: &Params<'_>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.row(sql, params)?.map(|r| r.get::<_, Vec<u8>>(0)))
    }

    // ----- definitions -----

    /// The latest (number, hash) of a workflow.
    pub(crate) fn latest_version(
        &self,
        workflow: &str,
    ) -> Result<Option<(u32, VersionHash)>, StoreError> {
        Ok(self
            .row(
                "SELECT number, hash FROM versions WHERE workflow = $1 ORDER BY number DESC LIMIT 1",
                &[&workflow],
            )?
            .map(|r| (number(r.get(0)), VersionHash(r.get(1)))))
    }

    pub(crate) fn insert_definition(
        &mut self,
        hash: &VersionHash,
        stored: &StoredDefinition,
    ) -> Result<(), StoreError> {
        let record = encode(stored).map_err(corrupt)?;
        self.writes += 1;
        self.exec(
            "INSERT INTO definitions (hash, record) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING",
            &[&hash.0, &record],
        )?;
        let n = i32::try_from(stored.number).map_err(corrupt)?;
        self.exec(
            "INSERT INTO versions (workflow, number, hash) VALUES ($1, $2, $3)",
            &[&stored.workflow, &n, &hash.0],
        )?;
        Ok(())
    }

    pub(crate) fn latest_definitions(&self) -> Result<Vec<Arc<Definition>>, StoreError> {
        let rows = self.rows(
            "SELECT DISTINCT ON (workflow) hash FROM versions ORDER BY workflow, number DESC",
            &[],
        )?;
        rows.iter()
            .map(|r| self.definition(&VersionHash(r.get(0))))
            .collect()
    }

    // ----- cases -----

    pub(crate) fn case_record(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let sql = if self.write {
            "SELECT record FROM cases WHERE id = $1 FOR UPDATE"
        } else {
            "SELECT record FROM cases WHERE id = $1"
        };
        self.bytes(sql, &[&id])
    }

    fn decode_case(&self, id: &CaseId, bytes: &[u8]) -> Result<Case, StoreError> {
        match decode::<Case>(bytes) {
            Ok(case) if case.head.is_some() => Ok(case),
            // The snapshot is a cache: an unreadable one is rebuilt from the truth.
            _ => Case::replay(id, &self.history(id)?).map_err(corrupt),
        }
    }

    /// Visits the cases `filter` selects, as `Store::each_case` does.
    pub(crate) fn each_case(
        &self,
        filter: &CaseFilter,
        visit: &mut dyn FnMut(Case) -> bool,
    ) -> Result<(), StoreError> {
        let after = filter.after.clone().unwrap_or_default();
        let wanted = |case: &Case| {
            filter.workflow.as_ref().is_none_or(|w| w == &case.workflow)
                && filter.state.as_ref().is_none_or(|s| s == &case.state)
        };
        let rows = if let Some(child) = &filter.child {
            self.rows(
                "SELECT c.id, c.record FROM by_child b JOIN cases c ON c.id = b.case_id \
                 WHERE b.child = $1 AND b.case_id > $2 ORDER BY b.case_id",
                &[child, &after],
            )?
        } else {
            match (&filter.workflow, &filter.state) {
                (Some(w), Some(s)) => self.rows(
                    "SELECT c.id, c.record FROM by_state b JOIN cases c ON c.id = b.case_id \
                     WHERE b.workflow = $1 AND b.state = $2 AND b.case_id > $3 ORDER BY b.case_id",
                    &[w, s, &after],
                )?,
                (Some(w), None) if !filter.by_id && filter.after.is_none() => self.rows(
                    "SELECT c.id, c.record FROM by_state b JOIN cases c ON c.id = b.case_id \
                     WHERE b.workflow = $1 ORDER BY b.state, b.case_id",
                    &[w],
                )?,
                _ => self.rows(
                    "SELECT id, record FROM cases WHERE id > $1 ORDER BY id",
                    &[&after],
                )?,
            }
        };
        for row in rows {
            let id: CaseId = row.get::<_, String>(0).parse().map_err(corrupt)?;
            let case = self.decode_case(&id, &row.get::<_, Vec<u8>>(1))?;
            if !wanted(&case) {
                continue;
            }
            if !visit(case) {
                break;
            }
        }
        Ok(())
    }

    fn view(case: &Case, name: &str) -> Option<DeadlineView> {
        case.deadlines.get(name).map(|d| DeadlineView {
            case: case.id.clone(),
            workflow: case.workflow.clone(),
            version: case.version.clone(),
            state: case.state.clone(),
            deadline: d.clone(),
            unit: case.unit.clone(),
            officer: case.officer.clone(),
            opened_at: case.opened_at,
        })
    }

    pub(crate) fn agenda(
        &self,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<DeadlineView>, StoreError> {
        let rows = self.rows(
            "SELECT case_id, deadline FROM timers WHERE at_ms <= $1 ORDER BY at_ms, case_id, deadline",
            &[&until.as_millisecond()],
        )?;
        let mut out = Vec::new();
        for row in rows {
            let id: CaseId = row.get::<_, String>(0).parse().map_err(corrupt)?;
            let Some(case) = self.case(&id)? else {
                continue;
            };
            if let Some(view) = Self::view(&case, row.get::<_, &str>(1))
                && view.deadline.due >= from
                && view.deadline.due <= until
            {
                out.push(view);
            }
        }
        out.sort_by(|a, b| (a.deadline.due, &a.case).cmp(&(b.deadline.due, &b.case)));
        Ok(out)
    }

    pub(crate) fn overdue(&self, now: Timestamp) -> Result<Vec<DeadlineView>, StoreError> {
        let rows = self.rows(
            "SELECT case_id, deadline FROM overdue WHERE at_ms <= $1 \
             UNION SELECT case_id, deadline FROM timers WHERE at_ms <= $1",
            &[&now.as_millisecond()],
        )?;
        let mut out = Vec::new();
        for row in rows {
            let id: CaseId = row.get::<_, String>(0).parse().map_err(corrupt)?;
            let Some(case) = self.case(&id)? else {
                continue;
            };
            if let Some(view) = Self::view(&case, row.get::<_, &str>(1))
                && view.deadline.due <= now
            {
                out.push(view);
            }
        }
        out.sort_by(|a, b| (a.deadline.due, &a.case).cmp(&(b.deadline.due, &b.case)));
        Ok(out)
    }

    // ----- the registry -----

    pub(crate) fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        self.rows("SELECT record FROM users ORDER BY name", &[])?
            .iter()
            .map(|r| decode(&r.get::<_, Vec<u8>>(0)).map_err(corrupt))
            .collect()
    }

    pub(crate) fn users_for_update(&self) -> Result<Vec<StoredUser>, StoreError> {
        self.rows("SELECT record FROM users ORDER BY name FOR UPDATE", &[])?
            .iter()
            .map(|r| decode(&r.get::<_, Vec<u8>>(0)).map_err(corrupt))
            .collect()
    }

    /// Inserts a new user; false when the name is taken.
    pub(crate) fn insert_user(&mut self, user: &StoredUser) -> Result<bool, StoreError> {
        let record = encode(user).map_err(corrupt)?;
        self.writes += 1;
        Ok(self.exec(
            "INSERT INTO users (name, record) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            &[&user.name, &record],
        )? == 1)
    }

    pub(crate) fn put_user(&mut self, user: &StoredUser) -> Result<(), StoreError> {
        let record = encode(user).map_err(corrupt)?;
        self.writes += 1;
        self.exec(
            "UPDATE users SET record = $2 WHERE name = $1",
            &[&user.name, &record],
        )?;
        Ok(())
    }

    pub(crate) fn put_units(&mut self, units: &StoredUnits) -> Result<(), StoreError> {
        let record = encode(units).map_err(corrupt)?;
        self.writes += 1;
        self.exec(
            "INSERT INTO units (key, record) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET record = EXCLUDED.record",
            &[&CURRENT_UNITS, &record],
        )?;
        Ok(())
    }

    // ----- the access log -----

    /// Appends one entry to the chained access log (an entry already stored is left alone).
    pub(crate) fn append_access(&mut self, entry: &AccessEntry) -> Result<(), StoreError> {
        let head = self
            .row(
                "SELECT seq, hash FROM access_head WHERE one = 1 FOR UPDATE",
                &[],
            )?
            .ok_or_else(|| StoreError::Corrupt("the access log's head row is missing".into()))?;
        if self
            .row("SELECT 1 FROM access WHERE id = $1", &[&entry.id])?
            .is_some()
        {
            return Ok(());
        }
        let (seq, prev): (Option<i64>, Option<String>) = (head.get(0), head.get(1));
        let seq = seq.map_or(0, |s| s + 1);
        let link = u64::try_from(seq).map_err(corrupt)?;
        let hash = link_hash(self.backend.meta().crypto, link, prev.as_deref(), entry)?;
        let stored = StoredAccess {
            entry: entry.clone(),
            seq: Some(link),
            prev,
            hash: Some(hash.clone()),
        };
        let record = encode(&stored).map_err(corrupt)?;
        self.exec(
            "INSERT INTO access (seq, id, at_ms, record) VALUES ($1, $2, $3, $4)",
            &[&seq, &entry.id, &entry.at.as_millisecond(), &record],
        )?;
        self.exec(
            "UPDATE access_head SET seq = $1, hash = $2 WHERE one = 1",
            &[&seq, &hash],
        )?;
        Ok(())
    }

    fn stored_access(&self) -> Result<Vec<(i64, Vec<u8>)>, StoreError> {
        Ok(self
            .rows("SELECT seq, record FROM access ORDER BY seq", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    pub(crate) fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>, StoreError> {
        let mut out = Vec::new();
        for (_, bytes) in self.stored_access()? {
            let entry = decode::<StoredAccess>(&bytes).map_err(corrupt)?.entry;
            if filter.case.as_ref().is_some_and(|c| *c != entry.case)
                || filter.user.as_ref().is_some_and(|u| *u != entry.user)
            {
                continue;
            }
            out.push(entry);
        }
        Ok(out)
    }

    /// The first break in the access chain: links numbered 0, 1, 2 … each hashing to its
    /// hash and naming its predecessor's, the last one the recorded head.
    pub(crate) fn access_chain_break(&self) -> Result<Option<AccessBreak>, StoreError> {
        let broken = |entry: String, kind| Ok(Some(AccessBreak { entry, kind }));
        let mut before: Option<String> = None;
        let mut expected: i64 = 0;
        for (seq, bytes) in self.stored_access()? {
            // Entries logged before the log was chained, brought in by an import: numbered
            // below the chain, outside it (as the redb file keeps them unlinked).
            if seq < 0 {
                continue;
            }
            if seq != expected {
                return broken(format!("#{expected}"), AccessBreakKind::Missing);
            }
            let Ok(stored) = decode::<StoredAccess>(&bytes) else {
                return broken(format!("#{seq}"), AccessBreakKind::Unreadable);
            };
            let link = u64::try_from(seq).map_err(corrupt)?;
            let Some(hash) = stored.hash.clone() else {
                return broken(format!("#{seq}"), AccessBreakKind::Unlinked);
            };
            if stored.seq != Some(link)
                || link_hash(
                    self.backend.meta().crypto,
                    link,
                    stored.prev.as_deref(),
                    &stored.entry,
                )? != hash
                || stored.prev != before
            {
                return broken(format!("#{seq}"), AccessBreakKind::Edited);
            }
            before = Some(hash);
            expected += 1;
        }
        let head = self.row("SELECT seq, hash FROM access_head WHERE one = 1", &[])?;
        let (seq, hash): (Option<i64>, Option<String>) =
            head.map_or((None, None), |r| (r.get(0), r.get(1)));
        if seq.map_or(0, |s| s + 1) != expected || hash != before {
            return broken(format!("#{expected}"), AccessBreakKind::Missing);
        }
        Ok(None)
    }

    // ----- the runner -----

    pub(crate) fn provisional_cases(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .rows(
                "SELECT DISTINCT case_id FROM provisional ORDER BY case_id",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    pub(crate) fn next_firing(&self) -> Result<Option<Timestamp>, StoreError> {
        let at: Option<i64> = self
            .row("SELECT min(at_ms) FROM timers", &[])?
            .and_then(|r| r.get(0));
        Ok(at.and_then(|ms| Timestamp::from_millisecond(ms).ok()))
    }

    // ----- versions, publications, letters, chains (issue 24: every use case) -----

    pub(crate) fn versions_all(
        &self,
    ) -> Result<std::collections::BTreeMap<String, Vec<crate::store::Version>>, StoreError> {
        let mut out: std::collections::BTreeMap<String, Vec<crate::store::Version>> =
            Default::default();
        for row in self.rows(
            "SELECT v.workflow, v.number, v.hash, d.record FROM versions v \
             JOIN definitions d ON d.hash = v.hash ORDER BY v.workflow, v.number",
            &[],
        )? {
            let stored: StoredDefinition = decode(&row.get::<_, Vec<u8>>(3)).map_err(corrupt)?;
            out.entry(row.get(0))
                .or_default()
                .push(crate::store::Version {
                    number: number(row.get(1)),
                    hash: VersionHash(row.get(2)),
                    stored,
                });
        }
        Ok(out)
    }

    pub(crate) fn publications_all(&self) -> Result<Vec<Publication>, StoreError> {
        self.rows(
            "SELECT record FROM published ORDER BY kind, name, number",
            &[],
        )?
        .iter()
        .map(|r| decode(&r.get::<_, Vec<u8>>(0)).map_err(corrupt))
        .collect()
    }

    /// The letter id indexed under `kind` (number, code, sha256) and `value`.
    pub(crate) fn letter_key(&self, kind: &str, value: &str) -> Result<Option<String>, StoreError> {
        let key = crate::store::letter_index_key(kind, value);
        Ok(self
            .row("SELECT letter_id FROM letter_index WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    /// The archive ids of one case's letters, or of all, in id order.
    pub(crate) fn letter_ids(&self, case: Option<&CaseId>) -> Result<Vec<String>, StoreError> {
        let rows = match case {
            Some(c) => self.rows(
                "SELECT id FROM letters WHERE case_id = $1 ORDER BY id",
                &[&c.as_str()],
            )?,
            None => self.rows("SELECT id FROM letters ORDER BY id", &[])?,
        };
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// A case's event records as stored: (seq, bytes), in order.
    pub(crate) fn event_records(&self, id: &CaseId) -> Result<Vec<(u32, Vec<u8>)>, StoreError> {
        Ok(self
            .rows(
                "SELECT seq, record FROM events WHERE case_id = $1 ORDER BY seq",
                &[&id.as_str()],
            )?
            .iter()
            .map(|r| (number(r.get(0)), r.get(1)))
            .collect())
    }

    /// Every case id that has a snapshot or events, in order.
    /// How many cases have a snapshot.
    pub(crate) fn case_count(&self) -> Result<u64, StoreError> {
        let rows = self.rows("SELECT count(*) FROM cases", &[])?;
        let count = rows.first().map_or(0, |r| r.get::<_, i64>(0));
        u64::try_from(count).map_err(corrupt)
    }

    /// Up to `limit` ids of cases with a snapshot after `after` (all when empty), in order:
    /// a page of the walk over a large database.
    pub(crate) fn case_ids_after(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<CaseId>, StoreError> {
        self.rows(
            "SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &limit],
        )?
        .iter()
        .map(|r| r.get::<_, String>(0).parse().map_err(corrupt))
        .collect()
    }

    /// The ids of cases with events and no snapshot, in order (none in a sound database).
    pub(crate) fn orphan_case_ids(&self) -> Result<Vec<CaseId>, StoreError> {
        self.rows(
            "SELECT DISTINCT e.case_id FROM events e \
             WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id) ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|r| r.get::<_, String>(0).parse().map_err(corrupt))
        .collect()
    }

    // ----- for tests and tools -----

    pub(crate) fn event_keys(&self) -> Result<Vec<(String, u32)>, StoreError> {
        Ok(self
            .rows("SELECT case_id, seq FROM events ORDER BY case_id, seq", &[])?
            .iter()
            .map(|r| (r.get(0), number(r.get(1))))
            .collect())
    }

    pub(crate) fn letters_issued(&self) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let mut out = Vec::new();
        for row in self.rows("SELECT record FROM letters ORDER BY id", &[])? {
            let letter: ArchivedLetter = decode(&row.get::<_, Vec<u8>>(0)).map_err(corrupt)?;
            out.push((letter.id, letter.number));
        }
        Ok(out)
    }

    /// Writes the index entries `keys` of imported cases (into empty indexes): the list and
    /// deadline indexes and the external ids.
    pub(crate) fn write_indexes(&self, keys: &IndexKeys) -> Result<(), StoreError> {
        self.index_diff(&IndexKeys::default(), keys)?;
        for (workflow, source, external_id, case) in &keys.external {
            self.exec(
                "INSERT INTO external_ids (workflow, source, external_id, case_id) \
                 VALUES ($1, $2, $3, $4)",
                &[workflow, source, external_id, case],
            )?;
        }
        Ok(())
    }

    fn index_diff(&self, old: &IndexKeys, new: &IndexKeys) -> Result<(), StoreError> {
        for (w, s, c) in old.by_state.difference(&new.by_state) {
            self.exec(
                "DELETE FROM by_state WHERE workflow = $1 AND state = $2 AND case_id = $3",
                &[w, s, c],
            )?;
        }
        for (child, c) in old.by_child.difference(&new.by_child) {
            self.exec(
                "DELETE FROM by_child WHERE child = $1 AND case_id = $2",
                &[child, c],
            )?;
        }
        for (table, old_keys, new_keys) in [
            ("timers", &old.timers, &new.timers),
            ("overdue", &old.overdue, &new.overdue),
        ] {
            for (at, c, d) in old_keys.difference(new_keys) {
                self.exec(
                    &format!(
                        "DELETE FROM {table} WHERE at_ms = $1 AND case_id = $2 AND deadline = $3"
                    ),
                    &[at, c, d],
                )?;
            }
        }
        for (c, d) in old.provisional.difference(&new.provisional) {
            self.exec(
                "DELETE FROM provisional WHERE case_id = $1 AND deadline = $2",
                &[c, d],
            )?;
        }
        for (w, s, c) in new.by_state.difference(&old.by_state) {
            self.exec(
                "INSERT INTO by_state (workflow, state, case_id) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
                &[w, s, c],
            )?;
        }
        for (child, c) in new.by_child.difference(&old.by_child) {
            self.exec(
                "INSERT INTO by_child (child, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[child, c],
            )?;
        }
        for (table, old_keys, new_keys) in [
            ("timers", &old.timers, &new.timers),
            ("overdue", &old.overdue, &new.overdue),
        ] {
            for (at, c, d) in new_keys.difference(old_keys) {
                self.exec(
                    &format!(
                        "INSERT INTO {table} (at_ms, case_id, deadline) VALUES ($1, $2, $3) \
                         ON CONFLICT DO NOTHING"
                    ),
                    &[at, c, d],
                )?;
            }
        }
        for (c, d) in new.provisional.difference(&old.provisional) {
            self.exec(
                "INSERT INTO provisional (case_id, deadline) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[c, d],
            )?;
        }
        for (table, column, old_keys, new_keys) in [
            ("by_unit", "unit", &old.by_unit, &new.by_unit),
            ("by_officer", "officer", &old.by_officer, &new.by_officer),
        ] {
            for (key, c) in old_keys.difference(new_keys) {
                self.exec(
                    &format!("DELETE FROM {table} WHERE {column} = $1 AND case_id = $2"),
                    &[key, c],
                )?;
            }
            for (key, c) in new_keys.difference(old_keys) {
                self.exec(
                    &format!(
                        "INSERT INTO {table} ({column}, case_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING"
                    ),
                    &[key, c],
                )?;
            }
        }
        for (at, c) in old.by_opened.difference(&new.by_opened) {
            self.exec(
                "DELETE FROM by_opened WHERE opened_ms = $1 AND case_id = $2",
                &[at, c],
            )?;
        }
        for (at, c) in new.by_opened.difference(&old.by_opened) {
            self.exec(
                "INSERT INTO by_opened (opened_ms, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[at, c],
            )?;
        }
        Ok(())
    }
}

/// A stored positive integer as the u32 the domain counts in.
fn number(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn publication_row(row: Option<postgres::Row>) -> Result<Option<Publication>, StoreError> {
    match row {
        Some(r) => Ok(Some(decode(&r.get::<_, Vec<u8>>(0)).map_err(corrupt)?)),
        None => Ok(None),
    }
}

impl ReadTx for Sql<'_, '_> {
    fn crypto(&self) -> crate::crypto::Profile {
        self.backend.meta().crypto
    }

    fn case_ids(
        &self,
        query: &CaseQuery,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CaseId>, StoreError> {
        // One statement: each condition given is an index lookup for the case at hand; the
        // ones not given are NULL and drop out.
        let (from, to) = match query.opened {
            Some((from, to)) => (Some(from.as_millisecond()), Some(to.as_millisecond())),
            None => (None, None),
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.rows(
            "SELECT c.id FROM cases c WHERE c.id > $1 \
             AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM by_state b \
                  WHERE b.case_id = c.id AND b.workflow = $2)) \
             AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM by_state b \
                  WHERE b.case_id = c.id AND b.state = $3)) \
             AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM by_child b \
                  WHERE b.case_id = c.id AND b.child = $4)) \
             AND ($5::text[] IS NULL OR EXISTS (SELECT 1 FROM by_unit b \
                  WHERE b.case_id = c.id AND b.unit = ANY($5))) \
             AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM by_officer b \
                  WHERE b.case_id = c.id AND b.officer = $6)) \
             AND ($7::bigint IS NULL OR EXISTS (SELECT 1 FROM by_opened b \
                  WHERE b.case_id = c.id AND b.opened_ms >= $7 AND b.opened_ms < $8)) \
             ORDER BY c.id LIMIT $9",
            &[
                &after.unwrap_or(""),
                &query.workflow,
                &query.state,
                &query.child,
                &query.units,
                &query.officer,
                &from,
                &to,
                &limit,
            ],
        )?;
        rows.iter()
            .map(|r| r.get::<_, String>(0).parse::<CaseId>().map_err(corrupt))
            .collect()
    }

    fn remembered(&self, scope: &str, key: &str) -> Result<Option<Remembered>, StoreError> {
        match self.bytes(
            "SELECT record FROM idempotency_keys WHERE scope = $1 AND key = $2",
            &[&scope, &key],
        )? {
            Some(bytes) => Ok(Some(decode(&bytes).map_err(corrupt)?)),
            None => Ok(None),
        }
    }

    fn external_case(
        &self,
        workflow: &str,
        external: &ExternalId,
    ) -> Result<Option<CaseId>, StoreError> {
        match self.row(
            "SELECT case_id FROM external_ids WHERE workflow = $1 AND source = $2 \
             AND external_id = $3",
            &[&workflow, &external.source, &external.id],
        )? {
            Some(row) => Ok(Some(row.get::<_, String>(0).parse().map_err(corrupt)?)),
            None => Ok(None),
        }
    }

    fn outbox(&self, after: u64, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.rows(
            "SELECT record FROM outbox WHERE position > $1 ORDER BY position LIMIT $2",
            &[&after, &limit],
        )?;
        rows.iter()
            .map(|r| decode(&r.get::<_, Vec<u8>>(0)).map_err(corrupt))
            .collect()
    }

    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        match self.case_record(id.as_str())? {
            Some(bytes) => {
                let case = self.decode_case(id, &bytes)?;
                if self.write {
                    self.heads
                        .borrow_mut()
                        .insert(id.as_str().to_owned(), case.head.clone());
                }
                Ok(Some(case))
            }
            None => Ok(None),
        }
    }

    fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError> {
        let rows = self.rows(
            "SELECT record FROM events WHERE case_id = $1 ORDER BY seq",
            &[&id.as_str()],
        )?;
        rows.iter()
            .map(|r| {
                let stored: StoredEvent = decode(&r.get::<_, Vec<u8>>(0)).map_err(corrupt)?;
                Event::try_from(stored).map_err(corrupt)
            })
            .collect()
    }

    fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError> {
        self.backend.loaded(hash, || {
            self.bytes("SELECT record FROM definitions WHERE hash = $1", &[&hash.0])
        })
    }

    fn latest(&self, workflow: &str) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError> {
        match self.latest_version(workflow)? {
            Some((_, hash)) => Ok(Some((hash.clone(), self.definition(&hash)?))),
            None => Ok(None),
        }
    }

    fn version_number(
        &self,
        workflow: &str,
        hash: &VersionHash,
    ) -> Result<Option<u32>, StoreError> {
        Ok(self
            .row(
                "SELECT number FROM versions WHERE workflow = $1 AND hash = $2 \
                 ORDER BY number LIMIT 1",
                &[&workflow, &hash.0],
            )?
            .map(|r| number(r.get(0))))
    }

    fn child_cases(&self, child: &str) -> Result<Vec<Case>, StoreError> {
        let rows = self.rows(
            "SELECT case_id FROM by_child WHERE child = $1 ORDER BY case_id",
            &[&child],
        )?;
        let mut out = Vec::new();
        for row in rows {
            let id: CaseId = row.get::<_, String>(0).parse().map_err(corrupt)?;
            if let Some(case) = self.case(&id)? {
                out.push(case);
            }
        }
        Ok(out)
    }

    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        match self.bytes("SELECT record FROM users WHERE name = $1", &[&name])? {
            Some(bytes) => Ok(Some(decode::<StoredUser>(&bytes).map_err(corrupt)?.user())),
            None => Ok(None),
        }
    }

    fn units(&self) -> Result<Units, StoreError> {
        match self.bytes("SELECT record FROM units WHERE key = $1", &[&CURRENT_UNITS])? {
            Some(bytes) => Ok(decode::<StoredUnits>(&bytes).map_err(corrupt)?.units),
            None => Ok(Units::single()),
        }
    }

    fn letter(&self, id: &str) -> Result<Option<ArchivedLetter>, StoreError> {
        match self.bytes("SELECT record FROM letters WHERE id = $1", &[&id])? {
            Some(bytes) => Ok(Some(decode(&bytes).map_err(corrupt)?)),
            None => Ok(None),
        }
    }

    fn letter_numbered(&self, number: &str) -> Result<Option<String>, StoreError> {
        let key = crate::store::letter_index_key("number", number);
        Ok(self
            .row("SELECT letter_id FROM letter_index WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    fn publication(
        &self,
        kind: Kind,
        name: &str,
        number: Option<u32>,
    ) -> Result<Option<Publication>, StoreError> {
        match number {
            Some(n) => {
                let n = i32::try_from(n).map_err(corrupt)?;
                publication_row(self.row(
                    "SELECT record FROM published WHERE kind = $1 AND name = $2 AND number = $3",
                    &[&kind.key(), &name, &n],
                )?)
            }
            None => publication_row(self.row(
                "SELECT record FROM published WHERE kind = $1 AND name = $2 \
                 ORDER BY number DESC LIMIT 1",
                &[&kind.key(), &name],
            )?),
        }
    }
}

impl WriteTx for Sql<'_, '_> {
    fn enqueue(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.writes += 1;
        let bytes = encode(entry).map_err(corrupt)?;
        let position = i64::try_from(entry.position).map_err(corrupt)?;
        // A position taken twice fails on the primary key: never an overwrite.
        self.exec(
            "INSERT INTO outbox (position, record) VALUES ($1, $2)",
            &[&position, &bytes],
        )?;
        Ok(())
    }

    fn remember(&mut self, scope: &str, key: &str, record: &Remembered) -> Result<(), StoreError> {
        self.writes += 1;
        let bytes = encode(record).map_err(corrupt)?;
        self.exec(
            "INSERT INTO idempotency_keys (scope, key, expires_ms, record) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (scope, key) DO UPDATE SET expires_ms = EXCLUDED.expires_ms, \
             record = EXCLUDED.record",
            &[&scope, &key, &record.expires.as_millisecond(), &bytes],
        )?;
        Ok(())
    }

    fn index_external(
        &mut self,
        workflow: &str,
        external: &ExternalId,
        case: &CaseId,
    ) -> Result<(), StoreError> {
        self.writes += 1;
        // A plain INSERT: a racing transaction's entry fails this one on
        // `external_ids_unique`, which runs it again (`retryable`).
        self.exec(
            "INSERT INTO external_ids (workflow, source, external_id, case_id) \
             VALUES ($1, $2, $3, $4)",
            &[&workflow, &external.source, &external.id, &case.as_str()],
        )?;
        Ok(())
    }

    fn forget_keys(&mut self, now: Timestamp, limit: usize) -> Result<usize, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let gone = self.exec(
            "DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key \
             FROM idempotency_keys WHERE expires_ms <= $1 ORDER BY expires_ms LIMIT $2 \
             FOR UPDATE SKIP LOCKED)",
            &[&now.as_millisecond(), &limit],
        )?;
        if gone > 0 {
            self.writes += 1;
        }
        usize::try_from(gone).map_err(corrupt)
    }

    fn bump(&mut self, key: &str) -> Result<u64, StoreError> {
        self.writes += 1;
        // The row stays locked until the transaction ends: the next taker waits, and a
        // transaction that aborts gives its number back with everything else.
        let row = self
            .row(
                "INSERT INTO counters (key, value) VALUES ($1, 1) \
                 ON CONFLICT (key) DO UPDATE SET value = counters.value + 1 RETURNING value",
                &[&key],
            )?
            .ok_or_else(|| StoreError::Corrupt(format!("counter {key} returned nothing")))?;
        u64::try_from(row.get::<_, i64>(0)).map_err(corrupt)
    }

    fn give_back(&mut self, key: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE counters SET value = GREATEST(value - 1, 0) WHERE key = $1",
            &[&key],
        )?;
        Ok(())
    }

    fn append(
        &mut self,
        case: &Case,
        events: &Chained,
        before: Option<&Case>,
    ) -> Result<(), StoreError> {
        let id = case.id.as_str();
        self.writes += 1;
        // Every event comes with the hash its fold computed (as in redb's `save_case`), so
        // nothing is hashed here: the chain must be this case's, under the database's profile,
        // from `before`'s head to `case`'s, and `before`'s head the one stored. UNIQUE
        // (case_id, seq) refuses a second event under a number besides.
        events
            .continues(case, before, self.backend.meta().crypto)
            .map_err(StoreError::Corrupt)?;
        if let Some(before) = before {
            // `before`'s head must be the stored one: as this transaction read it (the row
            // locked since), or read now for a case the caller did not read through it.
            let read = self.heads.borrow().get(id).cloned();
            let stored = match read {
                Some(head) => head,
                None => self.case(&case.id)?.and_then(|c| c.head),
            };
            if stored != before.head {
                return Err(StoreError::Corrupt(format!(
                    "the new events of case {id} do not follow the last event stored for it"
                )));
            }
        }
        let mut prev = events.start().cloned();
        for (event, hash) in events.hashed() {
            let mut stored = StoredEvent::from(event);
            stored.prev = prev.replace(hash.clone());
            stored.hash = Some(hash.clone());
            let seq = i32::try_from(event.seq).map_err(corrupt)?;
            let record = encode(&stored).map_err(corrupt)?;
            // UNIQUE (case_id, seq): an event is never overwritten, and a second server
            // appending the same number fails (and runs again on the case as it now is).
            self.exec(
                "INSERT INTO events (case_id, seq, record) VALUES ($1, $2, $3)",
                &[&id, &seq, &record],
            )?;
        }
        self.heads
            .borrow_mut()
            .insert(id.to_owned(), case.head.clone());
        let record = encode(case).map_err(corrupt)?;
        self.exec(
            "INSERT INTO cases (id, record) VALUES ($1, $2) \
             ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
            &[&id, &record],
        )?;
        let old = before.map(IndexKeys::of).unwrap_or_default();
        self.index_diff(&old, &IndexKeys::of(case))
    }

    fn archive(&mut self, letter: &ArchivedLetter) -> Result<(), StoreError> {
        let id = letter.id.as_str();
        self.writes += 1;
        let code_key = crate::store::letter_index_key("code", &letter.code);
        if self.exec(
            "INSERT INTO letter_index (key, letter_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&code_key, &id],
        )? == 0
        {
            return Err(StoreError::Corrupt(format!(
                "verification code {} is already taken",
                letter.code
            )));
        }
        if let Some(n) = &letter.number {
            let key = crate::store::letter_index_key("number", n);
            let held: Option<String> = self
                .row(
                    "SELECT letter_id FROM letter_index WHERE key = $1 FOR UPDATE",
                    &[&key],
                )?
                .map(|r| r.get(0));
            // A number passes only to the letter that replaces its holder (a court's number).
            if let Some(holder) = held
                && letter.replaces.as_deref() != Some(holder.as_str())
            {
                return Err(StoreError::Corrupt(format!(
                    "document number {n} is already held by {holder}"
                )));
            }
            self.exec(
                "INSERT INTO letter_index (key, letter_id) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET letter_id = EXCLUDED.letter_id",
                &[&key, &id],
            )?;
        }
        for sha in [&letter.html_sha256, &letter.text_sha256]
            .into_iter()
            .chain(letter.pdf_sha256.as_ref())
        {
            let key = crate::store::letter_index_key("sha256", sha);
            self.exec(
                "INSERT INTO letter_index (key, letter_id) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET letter_id = EXCLUDED.letter_id",
                &[&key, &id],
            )?;
        }
        let record = encode(letter).map_err(corrupt)?;
        if self.exec(
            "INSERT INTO letters (id, case_id, record) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&id, &letter.case.as_str(), &record],
        )? == 0
        {
            // The archive is insert-only: a second letter under one id is a bug.
            return Err(StoreError::Corrupt(format!("letter {id} already exists")));
        }
        Ok(())
    }

    fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<CaseId>, StoreError> {
        // The rows taken stay locked until this transaction ends; another server's runner
        // skips them rather than firing the same deadline again.
        let rows_wanted =
            i64::try_from(limit.saturating_mul(4).clamp(1, MAX_DUE_ROWS)).map_err(corrupt)?;
        let rows = self.rows(
            "SELECT case_id FROM timers WHERE at_ms <= $1 \
             ORDER BY at_ms, case_id, deadline LIMIT $2 FOR UPDATE SKIP LOCKED",
            &[&now.as_millisecond(), &rows_wanted],
        )?;
        let mut ids: Vec<CaseId> = Vec::new();
        for row in rows {
            let id: CaseId = row.get::<_, String>(0).parse().map_err(corrupt)?;
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
        let hash = new.hash();
        let kind = new.kind.key();
        // One publisher of a series at a time, until this transaction ends.
        self.exec(
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            &[&format!("wardflow:published:{kind}:{}", new.name)],
        )?;
        let latest = self.publication(new.kind, &new.name, None)?;
        if let Some(latest) = latest.as_ref().filter(|l| l.hash == hash) {
            return Ok((latest.clone(), false));
        }
        let number = latest.map_or(1, |l| l.number.saturating_add(1));
        let publication = Publication {
            kind: kind.to_owned(),
            name: new.name.clone(),
            number,
            hash,
            files: new.files.clone(),
            profile: new.profile.clone(),
            published_by: by.to_owned(),
            published_at: now,
        };
        let record = encode(&publication).map_err(corrupt)?;
        let n = i32::try_from(number).map_err(corrupt)?;
        self.exec(
            "INSERT INTO published (kind, name, number, record) VALUES ($1, $2, $3, $4)",
            &[&kind, &new.name, &n, &record],
        )?;
        self.writes += 1;
        Ok((publication, true))
    }

    fn writes(&self) -> u64 {
        self.writes
    }
}
