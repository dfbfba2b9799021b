//! The outbox's table (issue 25; what it means is `crate::app::outbox`): position → entry.
//! Not exported: it tells other systems of changes as they happen, it is not the history.

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::format::{Interner, NameLookup, decode_outbox, encode_outbox};
use super::{StoreError, corrupt, storage};
use crate::app::outbox::OutboxEntry;

/// Position → [`OutboxEntry`].
pub(crate) const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");

/// Creates the table (a migration step; a new database gets it with its first write).
pub(super) fn create_tables(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(OUTBOX).map_err(storage)?;
    Ok(())
}

pub(super) fn after_in(
    table: &impl ReadableTable<u64, &'static [u8]>,
    after: u64,
    limit: usize,
    names: &dyn NameLookup,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let mut out = Vec::new();
    let Some(start) = after.checked_add(1) else {
        return Ok(out);
    };
    for entry in table.range(start..).map_err(storage)? {
        if out.len() >= limit {
            break;
        }
        let (position, bytes) = entry.map_err(storage)?;
        out.push(decode_outbox(bytes.value(), position.value(), names).map_err(corrupt)?);
    }
    Ok(out)
}

pub(super) fn insert_in(
    table: &mut redb::Table<'_, u64, &'static [u8]>,
    entry: &OutboxEntry,
    names: &mut dyn Interner,
) -> Result<(), StoreError> {
    let bytes = encode_outbox(entry, names).map_err(corrupt)?;
    if table
        .insert(entry.position, bytes.as_slice())
        .map_err(storage)?
        .is_some()
    {
        return Err(StoreError::Corrupt(format!(
            "outbox position {} is already taken",
            entry.position
        )));
    }
    Ok(())
}
