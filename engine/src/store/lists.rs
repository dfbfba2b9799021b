//! The list indexes (issue 22): what `case list` narrows by, answered from indexes so a listing
//! reads the cases it returns and not the database. `by_state` and `by_child` came first; this
//! module adds `by_unit`, `by_officer` and `by_opened`, kept by [`super::Writer::save_case`] in
//! the transaction of every append (the rules are [`IndexKeys::of`]'s), and answers
//! [`crate::app::backend::ReadTx::case_ids`] from whichever index narrows a query.
//!
//! Every answer is in case-id order after a cursor, a batch at a time, so a listing pages
//! through any number of hits in bounded memory.

use std::collections::BinaryHeap;

use jiff::Timestamp;
use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::format::decode_case;
use super::ops::IndexKeys;
use super::{CASES, StoreError, corrupt, storage};
use crate::app::backend::CaseQuery;
use crate::case::{Case, CaseId};

/// (unit handling the case, case id).
pub(super) const BY_UNIT: TableDefinition<(&str, &str), ()> = TableDefinition::new("by_unit");
/// (officer in charge, case id).
pub(super) const BY_OFFICER: TableDefinition<(&str, &str), ()> = TableDefinition::new("by_officer");
/// (opening instant in ms since the epoch, case id).
pub(super) const BY_OPENED: TableDefinition<(i64, &str), ()> = TableDefinition::new("by_opened");

/// Above every case id and every key part (ranges end here).
const TOP: &str = "\u{10ffff}";

type Pair = (&'static str, &'static str);
type Triple = (&'static str, &'static str, &'static str);

/// The tables a query reads; the new indexes are None on a database not yet migrated, which
/// is then answered from the ones it has (or from the cases themselves).
pub(super) struct Indexes<'a, C, S, K, U, O, P, V> {
    pub cases: &'a C,
    pub by_state: &'a S,
    pub by_child: &'a K,
    pub by_unit: Option<&'a U>,
    pub by_officer: Option<&'a O>,
    pub by_opened: Option<&'a P>,
    pub versions: &'a V,
}

impl<C, S, K, U, O, P, V> Indexes<'_, C, S, K, U, O, P, V>
where
    C: ReadableTable<&'static str, &'static [u8]>,
    S: ReadableTable<Triple, ()>,
    K: ReadableTable<Pair, ()>,
    U: ReadableTable<Pair, ()>,
    O: ReadableTable<Pair, ()>,
    P: ReadableTable<(i64, &'static str), ()>,
    V: ReadableTable<(&'static str, u32), &'static str>,
{
    /// The ids of the cases one index narrows `query` to, in id order after `after`, at most
    /// `limit` (the caller checks every condition on the cases it reads). The most selective
    /// index the query names drives: child, state, officer, unit, opening date, workflow; with
    /// none, the case ids themselves.
    pub fn case_ids(
        &self,
        query: &CaseQuery,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CaseId>, StoreError> {
        let after = after.unwrap_or("");
        let limit = limit.max(1);
        let ids = if let Some(child) = &query.child {
            prefixed(self.by_child, child, after, limit)?
        } else if let Some(state) = &query.state {
            let workflows = match &query.workflow {
                Some(w) => vec![w.clone()],
                None => self.workflows()?,
            };
            let mut ids = Vec::new();
            for w in &workflows {
                ids.extend(in_state(self.by_state, w, state, after, limit)?);
            }
            merged(ids, limit)
        } else if let (Some(officer), Some(table)) = (&query.officer, self.by_officer) {
            prefixed(table, officer, after, limit)?
        } else if let (Some(units), Some(table)) = (&query.units, self.by_unit) {
            let mut ids = Vec::new();
            for unit in units {
                ids.extend(prefixed(table, unit, after, limit)?);
            }
            merged(ids, limit)
        } else if let (Some((from, to)), Some(table)) = (&query.opened, self.by_opened) {
            opened(table, *from, *to, after, limit)?
        } else if let Some(workflow) = &query.workflow {
            let mut ids = Vec::new();
            for state in self.states(workflow)? {
                ids.extend(in_state(self.by_state, workflow, &state, after, limit)?);
            }
            merged(ids, limit)
        } else {
            let mut ids = Vec::new();
            for entry in self.cases.range::<&str>(after..).map_err(storage)? {
                let (k, _) = entry.map_err(storage)?;
                if k.value() > after {
                    ids.push(k.value().to_owned());
                    if ids.len() >= limit {
                        break;
                    }
                }
            }
            ids
        };
        ids.into_iter()
            .map(|id| id.parse().map_err(corrupt))
            .collect()
    }

    /// Every workflow with a published version.
    fn workflows(&self) -> Result<Vec<String>, StoreError> {
        let mut out: Vec<String> = Vec::new();
        for entry in self.versions.iter().map_err(storage)? {
            let (k, _) = entry.map_err(storage)?;
            let w = k.value().0;
            if out.last().map(String::as_str) != Some(w) {
                out.push(w.to_owned());
            }
        }
        Ok(out)
    }

    /// The states some case of `workflow` is in: one seek per state, not one read per case.
    fn states(&self, workflow: &str) -> Result<Vec<String>, StoreError> {
        let mut out: Vec<String> = Vec::new();
        let mut from = String::new();
        loop {
            let next = self
                .by_state
                .range((workflow, from.as_str(), "")..(workflow, TOP, ""))
                .map_err(storage)?
                .next();
            let Some(entry) = next else { break };
            let (k, _) = entry.map_err(storage)?;
            let state = k.value().1.to_owned();
            // The least text above every key of this state.
            from = format!("{state}\0");
            out.push(state);
        }
        Ok(out)
    }
}

/// Ids under `prefix` in a (prefix, case id) index, after `after`, at most `limit`.
fn prefixed(
    table: &impl ReadableTable<Pair, ()>,
    prefix: &str,
    after: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for entry in table
        .range((prefix, after)..(prefix, TOP))
        .map_err(storage)?
    {
        let (k, _) = entry.map_err(storage)?;
        let id = k.value().1;
        if id > after {
            out.push(id.to_owned());
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

fn in_state(
    table: &impl ReadableTable<Triple, ()>,
    workflow: &str,
    state: &str,
    after: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for entry in table
        .range((workflow, state, after)..(workflow, state, TOP))
        .map_err(storage)?
    {
        let (k, _) = entry.map_err(storage)?;
        let id = k.value().2;
        if id > after {
            out.push(id.to_owned());
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// The cases opened in `[from, to)` after `after`, the `limit` lowest ids: the index sorts by
/// instant, so each batch walks the period's entries (keys only) and keeps `limit` of them.
fn opened(
    table: &impl ReadableTable<(i64, &'static str), ()>,
    from: Timestamp,
    to: Timestamp,
    after: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let mut lowest: BinaryHeap<String> = BinaryHeap::new();
    for entry in table
        .range((from.as_millisecond(), "")..(to.as_millisecond(), ""))
        .map_err(storage)?
    {
        let (k, _) = entry.map_err(storage)?;
        let id = k.value().1;
        if id > after
            && (lowest.len() < limit || lowest.peek().is_some_and(|top| id < top.as_str()))
        {
            lowest.push(id.to_owned());
            if lowest.len() > limit {
                lowest.pop();
            }
        }
    }
    Ok(lowest.into_sorted_vec())
}

/// Several sorted runs as one, in order, at most `limit`.
fn merged(mut ids: Vec<String>, limit: usize) -> Vec<String> {
    ids.sort_unstable();
    ids.dedup();
    ids.truncate(limit);
    ids
}

/// Writes the list-index entries `keys` holds (import and the migration step).
pub(super) fn write(tx: &WriteTransaction, keys: &IndexKeys) -> Result<(), StoreError> {
    let mut by_unit = tx.open_table(BY_UNIT).map_err(storage)?;
    for (u, c) in &keys.by_unit {
        by_unit
            .insert((u.as_str(), c.as_str()), ())
            .map_err(storage)?;
    }
    let mut by_officer = tx.open_table(BY_OFFICER).map_err(storage)?;
    for (o, c) in &keys.by_officer {
        by_officer
            .insert((o.as_str(), c.as_str()), ())
            .map_err(storage)?;
    }
    let mut by_opened = tx.open_table(BY_OPENED).map_err(storage)?;
    for (at, c) in &keys.by_opened {
        by_opened.insert((*at, c.as_str()), ()).map_err(storage)?;
    }
    Ok(())
}

/// Migration step: the unit, officer and opening-date indexes of every case already stored,
/// built from the snapshots (a batch of cases at a time, so memory stays flat). Idempotent:
/// inserting an entry twice leaves one.
pub(super) fn build(tx: &WriteTransaction) -> Result<(), StoreError> {
    const BATCH: usize = 4096;
    let names = super::names::TxNames::open(tx, &super::names::Names::default())?;
    let cases = tx.open_table(CASES).map_err(storage)?;
    let mut after = String::new();
    loop {
        let mut keys = IndexKeys::default();
        let mut seen = 0;
        for entry in cases.range::<&str>(after.as_str()..).map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            if k.value() == after {
                continue;
            }
            let case: Case = decode_case(v.value(), &names).map_err(corrupt)?;
            keys.add_lists(&case);
            after = k.value().to_owned();
            seen += 1;
            if seen >= BATCH {
                break;
            }
        }
        write(tx, &keys)?;
        if seen < BATCH {
            return Ok(());
        }
    }
}

/// The database at `path` as a build before the list indexes left it (their tables absent,
/// its format just before the step that builds them): what the migration test starts from.
/// The migration step that builds the list indexes.
#[cfg(test)]
pub(crate) const STEP: u32 = 3;

#[cfg(test)]
pub(crate) fn as_before(path: &std::path::Path) {
    let db = redb::Database::builder().open(path).expect("open");
    let tx = db.begin_write().expect("tx");
    tx.delete_table(BY_UNIT).expect("by_unit");
    tx.delete_table(BY_OFFICER).expect("by_officer");
    tx.delete_table(BY_OPENED).expect("by_opened");
    super::migrations::stamp(&tx, STEP - 1).expect("stamp");
    tx.commit().expect("commit");
}
