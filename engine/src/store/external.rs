//! The index of external ids (issue 25): (workflow, source, id) → the case another system's
//! id opened. What it means is `crate::app::case`'s open; the truth is the `external` of each
//! case's opening event, so the index is rebuilt from the cases (the migration step, import).

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::format::decode_case;
use super::ops::IndexKeys;
use super::{CASES, StoreError, corrupt, storage};
use crate::case::{Case, CaseId, ExternalId};

/// (workflow, source, external id) → case id.
pub(crate) const EXTERNAL: TableDefinition<(&str, &str, &str), &str> =
    TableDefinition::new("by_external_id");

/// Creates the table (a migration step; a new database gets it with its first write).
pub(super) fn create_tables(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(EXTERNAL).map_err(storage)?;
    Ok(())
}

/// The case an external id of `workflow` names, if any.
pub(super) fn case_in(
    table: &impl ReadableTable<(&'static str, &'static str, &'static str), &'static str>,
    workflow: &str,
    external: &ExternalId,
) -> Result<Option<CaseId>, StoreError> {
    match table
        .get((workflow, external.source.as_str(), external.id.as_str()))
        .map_err(storage)?
    {
        Some(id) => Ok(Some(id.value().parse().map_err(corrupt)?)),
        None => Ok(None),
    }
}

/// Indexes `external` of `workflow` as `case`'s. The same entry again is no change; an entry
/// naming another case is never overwritten (the open checks first, so it is a bug).
pub(super) fn index_in(
    table: &mut redb::Table<'_, (&'static str, &'static str, &'static str), &'static str>,
    workflow: &str,
    external: &ExternalId,
    case: &CaseId,
) -> Result<(), StoreError> {
    if let Some(found) = case_in(table, workflow, external)? {
        if &found == case {
            return Ok(());
        }
        return Err(StoreError::Corrupt(format!(
            "external id {}/{} of {workflow} already names case {found}",
            external.source, external.id
        )));
    }
    table
        .insert(
            (workflow, external.source.as_str(), external.id.as_str()),
            case.as_str(),
        )
        .map_err(storage)?;
    Ok(())
}

/// Writes the external-id entries `keys` holds (import and the migration step).
pub(super) fn write(tx: &WriteTransaction, keys: &IndexKeys) -> Result<(), StoreError> {
    let mut table = tx.open_table(EXTERNAL).map_err(storage)?;
    for (workflow, source, id, case) in &keys.external {
        let case: CaseId = case.parse().map_err(corrupt)?;
        let external = ExternalId {
            source: source.clone(),
            id: id.clone(),
        };
        index_in(&mut table, workflow, &external, &case)?;
    }
    Ok(())
}

/// Migration step: the index built from every stored case's snapshot (whose `external` is its
/// opening event's), a batch of cases at a time. Idempotent.
pub(super) fn build(tx: &WriteTransaction) -> Result<(), StoreError> {
    const BATCH: usize = 4096;
    create_tables(tx)?;
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
            keys.add_external(&case);
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

/// The database at `path` as a build before the index of external ids left it (the table
/// absent, its format just before the step that builds it): what the migration test starts
/// from.
#[cfg(test)]
pub(crate) fn as_before(path: &std::path::Path) {
    let db = redb::Database::builder().open(path).expect("open");
    let tx = db.begin_write().expect("tx");
    tx.delete_table(EXTERNAL).expect("by_external_id");
    let step = super::migrations::STEPS
        .iter()
        .find(|s| s.title.starts_with("index of external ids"))
        .expect("the step")
        .number;
    super::migrations::stamp(&tx, step - 1).expect("stamp");
    tx.commit().expect("commit");
}
