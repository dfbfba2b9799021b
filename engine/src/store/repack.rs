//! Repacking (issue 22): the tables that grow with every case rewritten in key order, so their
//! B-tree leaves are full.
//!
//! An office's commands insert into many places of each table at once (a caseworker's third
//! step lands between two other cases' events), and a B-tree splits a full leaf in two, so a
//! table built one command at a time keeps a third of its leaf space unused. redb packs leaves
//! full when keys come in ascending order, so copying a table in key order into a fresh one
//! and renaming it over the old gives that space back; redb's compaction then moves the pages
//! down and cuts the free tail off the file (`Store::compact`).
//!
//! The copy runs in chunks, each its own transaction, so that memory stays flat whatever the
//! size of the table (redb keeps a transaction's pages until its commit); the old table is
//! replaced only in the last transaction, so an interrupted repack leaves the database as it
//! was, plus a half-made copy the next repack starts afresh.

use std::ops::Bound;

use redb::{Database, Key, ReadableTable, TableDefinition, TableHandle, Value};

use super::{StoreError, storage};

/// Entries copied per transaction.
const CHUNK: usize = 50_000;

/// Rewrites `table` in key order. Nothing else may write meanwhile (the exclusive open of
/// `db migrate`, `db compact` and `import` ensures it).
pub(super) fn repack<K: Key + 'static, V: Value + 'static>(
    db: &Database,
    table: TableDefinition<K, V>,
) -> Result<(), StoreError> {
    let copy_name = format!("{}.repack", table.name());
    let copy: TableDefinition<K, V> = TableDefinition::new(&copy_name);
    let tx = db.begin_write().map_err(storage)?;
    tx.delete_table(copy).map_err(storage)?;
    let exists = tx
        .list_tables()
        .map_err(storage)?
        .any(|t| t.name() == table.name());
    tx.commit().map_err(storage)?;
    if !exists {
        return Ok(());
    }
    let mut after: Option<Vec<u8>> = None;
    loop {
        let tx = db.begin_write().map_err(storage)?;
        let mut copied = 0;
        {
            let old = tx.open_table(table).map_err(storage)?;
            let mut new = tx.open_table(copy).map_err(storage)?;
            let range = match &after {
                None => old.range::<K::SelfType<'_>>(..),
                Some(key) => old.range::<K::SelfType<'_>>((
                    Bound::Excluded(K::from_bytes(key)),
                    Bound::Unbounded,
                )),
            }
            .map_err(storage)?;
            for entry in range.take(CHUNK) {
                let (k, v) = entry.map_err(storage)?;
                new.insert(k.value(), v.value()).map_err(storage)?;
                after = Some(K::as_bytes(&k.value()).as_ref().to_vec());
                copied += 1;
            }
        }
        tx.commit().map_err(storage)?;
        if copied < CHUNK {
            break;
        }
    }
    let tx = db.begin_write().map_err(storage)?;
    tx.delete_table(table).map_err(storage)?;
    tx.rename_table(copy, table).map_err(storage)?;
    tx.commit().map_err(storage)?;
    Ok(())
}
