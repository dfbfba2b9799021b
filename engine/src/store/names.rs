//! The dictionary of names (stored format 10, issue 22): the words an office repeats on every
//! case — user and role names, workflow keys and version hashes, state, transition and deadline
//! names, data keys, units — stored once in the `names` table and written in event records,
//! snapshots and outbox entries as their numbers (one or two bytes).
//!
//! Numbers are given in order from 0 and never change or go away, so a dictionary read once
//! stays true: what a process has read is kept in memory ([`Names`]) and only what was added
//! since is read again, at the start of each transaction. A write transaction numbers new names
//! in its own [`TxNames`], written to the table with the records that use them; if the
//! transaction is dropped, so are they, and the next one reads the table afresh.
//!
//! Only bounded vocabularies are numbered (what a definition, the units file or the users
//! table names); free text (reasons, notes, data values, case ids) stays in the records.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use redb::{ReadableTable, TableDefinition};

use super::format::{DecodeError, Interner, NameLookup};
use super::{StoreError, storage};

/// Number → name.
pub(crate) const NAMES: TableDefinition<u32, &str> = TableDefinition::new("names");

/// The most names one database may number: far beyond any office's vocabulary, so a flood of
/// distinct names (a bug, or data keys nobody declared) stops with an error instead of
/// growing every process's memory.
pub const MAX_NAMES: usize = 1 << 20;

/// The names read so far, both ways.
#[derive(Debug, Default, Clone)]
pub(crate) struct Dictionary {
    by_id: Vec<Arc<str>>,
    by_name: HashMap<Arc<str>, u32>,
}

impl Dictionary {
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// A copy for tools outside the store ([`super::format::stored_names`]).
    pub(crate) fn to_memory(&self) -> super::format::NamesInMemory {
        super::format::NamesInMemory(self.by_id.iter().map(|n| n.to_string()).collect())
    }

    fn id(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }

    fn push(&mut self, name: &str) -> Result<u32, DecodeError> {
        let id = u32::try_from(self.by_id.len())
            .ok()
            .filter(|_| self.by_id.len() < MAX_NAMES)
            .ok_or_else(|| {
                DecodeError::Corrupt(format!(
                    "the dictionary of names is full ({MAX_NAMES} names)"
                ))
            })?;
        let name: Arc<str> = Arc::from(name);
        if self.by_name.insert(name.clone(), id).is_some() {
            return Err(DecodeError::Corrupt(format!(
                "the dictionary of names holds {name:?} twice"
            )));
        }
        self.by_id.push(name);
        Ok(id)
    }

    /// Reads the names numbered from `self.len()` on.
    fn catch_up(
        &mut self,
        table: &impl ReadableTable<u32, &'static str>,
    ) -> Result<(), StoreError> {
        let from = u32::try_from(self.by_id.len()).unwrap_or(u32::MAX);
        for entry in table.range(from..).map_err(storage)? {
            let (id, name) = entry.map_err(storage)?;
            if id.value() as usize != self.by_id.len() {
                return Err(StoreError::Corrupt(format!(
                    "the dictionary of names skips from {} to {}",
                    self.by_id.len(),
                    id.value()
                )));
            }
            self.push(name.value()).map_err(super::corrupt)?;
        }
        Ok(())
    }
}

impl NameLookup for Dictionary {
    fn name(&self, id: u32) -> Option<&str> {
        self.by_id.get(id as usize).map(|n| &**n)
    }
}

/// A process's dictionary, shared by its threads. Readers take the current one (an `Arc`,
/// never changed in place); a transaction that finds the table longer replaces it.
#[derive(Debug, Default)]
pub(crate) struct Names(RwLock<Arc<Dictionary>>);

impl Names {
    /// The dictionary as far as it has been read.
    pub fn current(&self) -> Arc<Dictionary> {
        match self.0.read() {
            Ok(d) => d.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The dictionary with every name `table` (read in the transaction about to run) holds:
    /// the one in memory when it is as long, else that one and the names added since.
    pub fn refreshed(
        &self,
        table: &impl ReadableTable<u32, &'static str>,
    ) -> Result<Arc<Dictionary>, StoreError> {
        let current = self.current();
        let stored = table.len().map_err(storage)?;
        if stored as usize == current.len() {
            return Ok(current);
        }
        let mut fresh = (*current).clone();
        fresh.catch_up(table)?;
        let fresh = Arc::new(fresh);
        let mut slot = match self.0.write() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Another thread may have read further meanwhile: keep the longer (both are true).
        if fresh.len() > slot.len() {
            *slot = fresh.clone();
        }
        Ok(fresh)
    }

    /// [`Names::refreshed`] in a read transaction; a database made before the table (format
    /// 9 or older) has no names.
    pub fn in_read(&self, tx: &redb::ReadTransaction) -> Result<Arc<Dictionary>, StoreError> {
        match tx.open_table(NAMES) {
            Ok(table) => self.refreshed(&table),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(self.current()),
            Err(e) => Err(storage(e)),
        }
    }
}

/// A write transaction's dictionary: the committed one it began with and the names it adds,
/// written to `table` as they are numbered.
pub(crate) struct TxNames<'t> {
    base: Arc<Dictionary>,
    added: Dictionary,
    table: redb::Table<'t, u32, &'static str>,
}

impl<'t> TxNames<'t> {
    /// Opens the table in `tx` and catches `names` up with it.
    pub fn open(tx: &'t redb::WriteTransaction, names: &Names) -> Result<Self, StoreError> {
        let table = tx.open_table(NAMES).map_err(storage)?;
        let base = names.refreshed(&table)?;
        Ok(TxNames {
            base,
            added: Dictionary::default(),
            table,
        })
    }
}

impl TxNames<'_> {
    /// The committed names this transaction began with, for tools outside the store.
    pub(crate) fn to_memory(&self) -> super::format::NamesInMemory {
        self.base.to_memory()
    }
}

impl NameLookup for TxNames<'_> {
    fn name(&self, id: u32) -> Option<&str> {
        let id = id as usize;
        match id.checked_sub(self.base.len()) {
            None => self.base.name(id as u32),
            Some(i) => self.added.by_id.get(i).map(|n| &**n),
        }
    }
}

impl Interner for TxNames<'_> {
    fn intern(&mut self, name: &str) -> Result<u32, DecodeError> {
        if let Some(id) = self.base.id(name) {
            return Ok(id);
        }
        if let Some(i) = self.added.id(name) {
            return Ok(self.base.len() as u32 + i);
        }
        if self.base.len() + self.added.len() >= MAX_NAMES {
            return Err(DecodeError::Corrupt(format!(
                "the dictionary of names is full ({MAX_NAMES} names)"
            )));
        }
        let id = (self.base.len() + self.added.len()) as u32;
        self.added.push(name)?;
        self.table
            .insert(id, name)
            .map_err(|e| DecodeError::Corrupt(format!("the dictionary of names: {e}")))?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redb::ReadableDatabase;

    fn db() -> (tempfile::TempDir, redb::Database) {
        let dir = tempfile::tempdir().expect("dir");
        let db = redb::Database::create(dir.path().join("n.redb")).expect("db");
        (dir, db)
    }

    #[test]
    fn names_are_numbered_once_in_order_and_read_back_by_another_process() {
        let (_dir, db) = db();
        let names = Names::default();
        let tx = db.begin_write().expect("tx");
        {
            let mut t = TxNames::open(&tx, &names).expect("open");
            assert_eq!(t.intern("caseworker").expect("a"), 0);
            assert_eq!(t.intern("supervisor").expect("b"), 1);
            assert_eq!(t.intern("caseworker").expect("again"), 0);
            assert_eq!(t.name(1), Some("supervisor"));
        }
        tx.commit().expect("commit");
        // A process that has read nothing yet (a fresh `Names`) reads them from the table.
        let other = Names::default();
        let read = db.begin_read().expect("read");
        let d = other.in_read(&read).expect("names");
        assert_eq!(d.name(0), Some("caseworker"));
        assert_eq!(d.name(1), Some("supervisor"));
        assert_eq!(d.name(2), None);
        // The first process, in a new transaction, numbers on from where the table is.
        let tx = db.begin_write().expect("tx");
        {
            let mut t = TxNames::open(&tx, &names).expect("open");
            assert_eq!(t.intern("screened").expect("c"), 2);
            assert_eq!(t.intern("supervisor").expect("known"), 1);
        }
        tx.commit().expect("commit");
    }

    #[test]
    fn names_of_a_dropped_transaction_are_forgotten_and_their_numbers_given_again() {
        let (_dir, db) = db();
        let names = Names::default();
        let tx = db.begin_write().expect("tx");
        {
            let mut t = TxNames::open(&tx, &names).expect("open");
            assert_eq!(t.intern("never").expect("a"), 0);
        }
        tx.abort().expect("abort");
        let tx = db.begin_write().expect("tx");
        {
            let mut t = TxNames::open(&tx, &names).expect("open");
            assert_eq!(t.intern("kept").expect("b"), 0);
        }
        tx.commit().expect("commit");
        let read = db.begin_read().expect("read");
        let d = names.in_read(&read).expect("names");
        assert_eq!(d.name(0), Some("kept"));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn a_table_with_a_gap_or_a_name_twice_is_corrupt() {
        let (_dir, db) = db();
        let tx = db.begin_write().expect("tx");
        {
            let mut t = tx.open_table(NAMES).expect("t");
            t.insert(0, "a").expect("0");
            t.insert(2, "b").expect("2");
        }
        tx.commit().expect("commit");
        let read = db.begin_read().expect("read");
        assert!(matches!(
            Names::default().in_read(&read),
            Err(StoreError::Corrupt(_))
        ));
        let tx = db.begin_write().expect("tx");
        {
            let mut t = tx.open_table(NAMES).expect("t");
            t.insert(1, "a").expect("1");
            t.remove(2).expect("2");
        }
        tx.commit().expect("commit");
        let read = db.begin_read().expect("read");
        assert!(matches!(
            Names::default().in_read(&read),
            Err(StoreError::Corrupt(_))
        ));
    }
}
