//! Published definitions kept decoded (issue 22; `definition::stored` says what the form is):
//! version hash → the form this build reads without parsing YAML. The `definitions` table and
//! its YAML sources stay the truth; this table is rebuilt from them by migration step 11,
//! refreshed by every `db migrate` (a form another build made is not read), written by
//! `publish` and `import`, and compared with its source by `check`.

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::format::{StoredDefinition, decode};
use super::{DEFINITIONS, StoreError, corrupt, storage};
use crate::definition::{self, Definition, stored};

/// Version hash → [`stored::encode`] of the definition its source decodes to.
pub(super) const DECODED: TableDefinition<&str, &[u8]> =
    TableDefinition::new("definitions_decoded");

/// The decoded definition of `hash`, if this build made it; `None` sends the caller to the
/// source (no table yet, no entry, another build's form, or a form that does not decode).
pub(super) fn read(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    hash: &str,
) -> Option<Definition> {
    let bytes = table.get(hash).ok()??;
    stored::decode(bytes.value())
}

/// Stores the decoded form of `definition`, published under `hash`.
pub(super) fn write(
    table: &mut redb::Table<'_, &'static str, &'static [u8]>,
    hash: &str,
    definition: &Definition,
) -> Result<(), StoreError> {
    let bytes = stored::encode(definition).map_err(corrupt)?;
    table.insert(hash, bytes.as_slice()).map_err(storage)?;
    Ok(())
}

/// What is wrong with a stored decoded form that this build would read (`check` reports it;
/// `db migrate` writes the form again).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FormProblem {
    /// It bears this build's fingerprint but does not decode.
    Undecodable,
    /// It decodes to something other than its source does.
    Differs,
    /// Its source no longer decodes, or no published version has that hash.
    WithoutSource,
}

/// How `form` (the stored bytes, if any) stands against `from_source` (what its source decodes
/// to; `None`: it does not, or there is no source): `Ok(true)` when this build reads it and it
/// says what the source says, `Ok(false)` when it is absent or another build's (not read).
pub(super) fn judge(
    form: Option<&[u8]>,
    from_source: Option<&Definition>,
) -> Result<bool, FormProblem> {
    let Some(bytes) = form.filter(|b| stored::is_current(b)) else {
        return Ok(false);
    };
    let Some(def) = from_source else {
        return Err(FormProblem::WithoutSource);
    };
    let Some(read) = stored::decode(bytes) else {
        return Err(FormProblem::Undecodable);
    };
    // Debug shows every field, the labels that `==` does not compare included.
    if format!("{read:?}") == format!("{def:?}") {
        Ok(true)
    } else {
        Err(FormProblem::Differs)
    }
}

/// Makes the table this build's reading of every published source (migration step 11, each
/// `db migrate`, `import`): a form missing, of another build or saying something else than its
/// source is written again; one whose source no longer decodes, or that no source has, is
/// removed (such a source is read, and fails, as before; `check` names it). How many forms it
/// wrote or removed.
pub(super) fn refresh(tx: &WriteTransaction) -> Result<usize, StoreError> {
    let definitions = tx.open_table(DEFINITIONS).map_err(storage)?;
    let mut decoded = tx.open_table(DECODED).map_err(storage)?;
    let mut changed = 0;
    for entry in definitions.iter().map_err(storage)? {
        let (hash, record) = entry.map_err(storage)?;
        let hash = hash.value();
        let source: StoredDefinition = decode(record.value()).map_err(corrupt)?;
        let def = definition::load_published(&source.file, source.source.as_bytes()).ok();
        let form = decoded
            .get(hash)
            .map_err(storage)?
            .map(|b| b.value().to_vec());
        if judge(form.as_deref(), def.as_ref()) == Ok(true) {
            continue;
        }
        match def {
            Some(def) => write(&mut decoded, hash, &def)?,
            None if form.is_some() => {
                decoded.remove(hash).map_err(storage)?;
            }
            None => continue,
        }
        changed += 1;
    }
    let mut orphans = Vec::new();
    for entry in decoded.iter().map_err(storage)? {
        let (hash, _) = entry.map_err(storage)?;
        if definitions.get(hash.value()).map_err(storage)?.is_none() {
            orphans.push(hash.value().to_owned());
        }
    }
    for hash in orphans {
        decoded.remove(hash.as_str()).map_err(storage)?;
        changed += 1;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::VersionHash;
    use crate::store::migrations::Context;
    use crate::store::ops::{CheckProblem, check};
    use crate::store::{FormProblem, Store};
    use redb::ReadableDatabase;
    use std::path::Path;
    use std::time::Duration;

    const WAIT: Duration = Duration::from_secs(5);

    fn now() -> jiff::Timestamp {
        "2026-12-01T00:00:00Z".parse().expect("time")
    }

    fn source() -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows/example-care.yaml");
        std::fs::read(path).expect("example-care.yaml")
    }

    /// A database with example-care published; its version's hash.
    fn published(dir: &Path) -> (std::path::PathBuf, VersionHash) {
        let path = dir.join("w.redb");
        let store = Store::create(&path, false, None, now()).expect("create");
        let def = definition::load("example-care.yaml", &source()).expect("loads");
        let out = store
            .publish(
                &[("example-care.yaml".into(), source(), def)],
                "admin",
                now(),
            )
            .expect("publish");
        (path, out[0].hash.clone())
    }

    /// Runs `change` on the decoded table of the (closed) database at `path`.
    fn edit(path: &Path, change: impl FnOnce(&mut redb::Table<'_, &'static str, &'static [u8]>)) {
        let db = redb::Database::builder().open(path).expect("open");
        let tx = db.begin_write().expect("tx");
        change(&mut tx.open_table(DECODED).expect("table"));
        tx.commit().expect("commit");
    }

    /// The stored form under `hash` in the (closed) database at `path`.
    fn stored_form(path: &Path, hash: &str) -> Option<Vec<u8>> {
        let db = redb::Database::builder().open(path).expect("open");
        let tx = db.begin_read().expect("tx");
        let table = tx.open_table(DECODED).expect("table");
        let form = table.get(hash).expect("get");
        form.map(|f| f.value().to_vec())
    }

    fn form_problems(path: &Path) -> Vec<(String, FormProblem)> {
        check(path, WAIT)
            .expect("check")
            .problems
            .into_iter()
            .filter_map(|p| match p {
                CheckProblem::DecodedDefinition { hash, problem } => Some((hash, problem)),
                _ => None,
            })
            .collect()
    }

    fn migrate(path: &Path) {
        let mut store = Store::open(path, WAIT).expect("open");
        let cx = Context {
            by: "admin".into(),
            now: now(),
        };
        assert!(store.migrate(&cx).expect("migrate").is_empty(), "current");
    }

    #[test]
    fn a_published_definition_is_read_from_its_decoded_form_which_check_holds_to_its_source() {
        let dir = tempfile::tempdir().expect("dir");
        let (path, hash) = published(dir.path());
        assert!(form_problems(&path).is_empty());
        // An insider rewrites the form, with this build's fingerprint, to say another title.
        edit(&path, |table| {
            let mut def = stored::decode(
                table
                    .get(hash.0.as_str())
                    .expect("get")
                    .expect("form")
                    .value(),
            )
            .expect("decodes");
            def.title = "改过的标题".into();
            write(table, hash.0.as_str(), &def).expect("write");
        });
        // A command reads the form (that is its purpose) …
        let store = Store::open(&path, WAIT).expect("open");
        assert_eq!(
            store.definition(&hash).expect("definition").title,
            "改过的标题"
        );
        drop(store);
        // … so `check` compares it with its source and names it,
        assert_eq!(
            form_problems(&path),
            vec![(hash.0.clone(), FormProblem::Differs)]
        );
        // and `db migrate` writes it again from the source.
        migrate(&path);
        assert!(form_problems(&path).is_empty());
        let store = Store::open(&path, WAIT).expect("open");
        let from_source = definition::load_published("x", &source()).expect("loads");
        assert_eq!(
            store.definition(&hash).expect("definition").title,
            from_source.title
        );
    }

    #[test]
    fn a_form_of_another_build_is_not_read_and_db_migrate_writes_it_again() {
        let dir = tempfile::tempdir().expect("dir");
        let (path, hash) = published(dir.path());
        // Another build's form: its fingerprint differs, whatever its body says.
        edit(&path, |table| {
            let mut def = definition::load_published("x", &source()).expect("loads");
            def.title = "另一个构建".into();
            let mut bytes = stored::encode(&def).expect("encode");
            bytes[0] ^= 0xff;
            table
                .insert(hash.0.as_str(), bytes.as_slice())
                .expect("insert");
        });
        let store = Store::open(&path, WAIT).expect("open");
        assert_ne!(
            store.definition(&hash).expect("definition").title,
            "另一个构建"
        );
        drop(store);
        assert!(
            form_problems(&path).is_empty(),
            "not read, so not a problem"
        );
        migrate(&path);
        let form = stored_form(&path, &hash.0).expect("form");
        assert!(stored::is_current(&form), "written again by this build");
    }

    #[test]
    fn a_form_without_a_source_or_that_does_not_decode_is_named_by_check_and_removed_or_rewritten()
    {
        let dir = tempfile::tempdir().expect("dir");
        let (path, hash) = published(dir.path());
        let orphan = "0".repeat(64);
        edit(&path, |table| {
            let bytes = table
                .get(hash.0.as_str())
                .expect("get")
                .expect("form")
                .value()
                .to_vec();
            table
                .insert(orphan.as_str(), bytes.as_slice())
                .expect("insert");
            // This build's fingerprint, a body cut short.
            table
                .insert(hash.0.as_str(), &bytes[..bytes.len() / 2])
                .expect("insert");
        });
        let mut found = form_problems(&path);
        found.sort();
        let mut expected = vec![
            (hash.0.clone(), FormProblem::Undecodable),
            (orphan.clone(), FormProblem::WithoutSource),
        ];
        expected.sort();
        assert_eq!(found, expected);
        // A form that does not decode is not read: the source is.
        let store = Store::open(&path, WAIT).expect("open");
        assert!(
            !store
                .definition(&hash)
                .expect("definition")
                .states
                .is_empty()
        );
        drop(store);
        migrate(&path);
        assert!(form_problems(&path).is_empty());
        assert!(stored_form(&path, &orphan).is_none(), "removed");
    }
}
