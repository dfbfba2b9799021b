//! The idempotency keys' tables (issue 25; what they mean is `crate::app::once`): the record
//! under (caller, key), and an index by expiry so forgetting old keys reads only those due.
//! Neither is exported nor imported: a key protects a retry within days, not a history.

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::format::{decode, encode};
use super::{StoreError, corrupt, storage};
use crate::app::once::Remembered;

/// (caller, key) → the request's hash, the answer given and when the key expires.
pub(crate) const KEYS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("idempotency");
/// (expiry in ms, caller, key): the keys by when they are forgotten.
pub(crate) const KEYS_BY_EXPIRY: TableDefinition<(i64, &str, &str), ()> =
    TableDefinition::new("idempotency_expiry");

/// Creates the tables (a migration step; a new database gets them with its first write).
pub(super) fn create_tables(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(KEYS).map_err(storage)?;
    tx.open_table(KEYS_BY_EXPIRY).map_err(storage)?;
    Ok(())
}

pub(super) fn remembered_in(
    keys: &impl ReadableTable<(&'static str, &'static str), &'static [u8]>,
    scope: &str,
    key: &str,
) -> Result<Option<Remembered>, StoreError> {
    match keys.get((scope, key)).map_err(storage)? {
        Some(bytes) => Ok(Some(decode(bytes.value()).map_err(corrupt)?)),
        None => Ok(None),
    }
}

/// Stores `record` under (scope, key), replacing an expired one and its index entry.
pub(super) fn remember_in(
    keys: &mut redb::Table<'_, (&'static str, &'static str), &'static [u8]>,
    by_expiry: &mut redb::Table<'_, (i64, &'static str, &'static str), ()>,
    scope: &str,
    key: &str,
    record: &Remembered,
) -> Result<(), StoreError> {
    let old = keys
        .insert((scope, key), encode(record).map_err(corrupt)?.as_slice())
        .map_err(storage)?
        .map(|old| decode::<Remembered>(old.value()));
    if let Some(old) = old {
        let old = old.map_err(corrupt)?;
        by_expiry
            .remove((old.expires.as_millisecond(), scope, key))
            .map_err(storage)?;
    }
    by_expiry
        .insert((record.expires.as_millisecond(), scope, key), ())
        .map_err(storage)?;
    Ok(())
}

/// Forgets at most `limit` keys that expired at or before `now`; how many.
pub(super) fn forget_in(
    keys: &mut redb::Table<'_, (&'static str, &'static str), &'static [u8]>,
    by_expiry: &mut redb::Table<'_, (i64, &'static str, &'static str), ()>,
    now: jiff::Timestamp,
    limit: usize,
) -> Result<usize, StoreError> {
    let end = now.as_millisecond().saturating_add(1);
    let mut due: Vec<(i64, String, String)> = Vec::new();
    for entry in by_expiry.range(..(end, "", "")).map_err(storage)? {
        let (k, _) = entry.map_err(storage)?;
        let (at, scope, key) = k.value();
        due.push((at, scope.to_owned(), key.to_owned()));
        if due.len() >= limit {
            break;
        }
    }
    for (at, scope, key) in &due {
        by_expiry
            .remove((*at, scope.as_str(), key.as_str()))
            .map_err(storage)?;
        keys.remove((scope.as_str(), key.as_str()))
            .map_err(storage)?;
    }
    Ok(due.len())
}
