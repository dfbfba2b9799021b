//! Stored format versions and the steps of `wardflow db migrate`.
//!
//! The database records the format version it was last brought to ([`StoredMeta::format`];
//! a database made before versions were recorded reads as 0). A build knows [`CURRENT`]:
//!
//! - an older database still opens for reading (a county that installs a new build in the
//!   morning can look cases up before its administrator has migrated), but every write is
//!   refused with "run `wardflow db migrate`" ([`StoreError::NeedsMigration`]), because a write
//!   may need what a later step adds;
//! - a newer database is refused outright ([`StoreError::TooNew`]): this build could misread it.
//!
//! Each step is one function in [`STEPS`], applied in its own write transaction that also stamps
//! its number, so an interrupted migration resumes where it stopped and a finished one is a
//! no-op. Adding a step is one function and one line in [`STEPS`].

use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

use super::format::{StoredMeta, decode, encode};
use super::names::TxNames;
use super::{META, META_KEY, StoreError, corrupt, storage};

/// One numbered step.
pub struct Step {
    pub number: u32,
    /// What it does, in a sentence (listed by `db migrate --dry-run`).
    pub title: &'static str,
    /// Brings a database at `number - 1` to `number`, inside the given transaction. It must be
    /// idempotent (a step interrupted before its commit is run again from the start).
    pub apply: fn(&WriteTransaction, &Context) -> Result<(), StoreError>,
}

/// Who runs the migration and when (for records a step writes).
pub struct Context {
    pub by: String,
    pub now: Timestamp,
}

/// Every step, in order; step N brings format N-1 to N.
pub const STEPS: &[Step] = &[
    Step {
        number: 1,
        title: "publication tables; the built-in holiday calendar and the database's profile published as version 1",
        apply: step_1_publications,
    },
    Step {
        number: 2,
        title: "privacy settings (recipients of encrypted copies, retention before sealing) may be published",
        apply: step_2_privacy,
    },
    Step {
        number: 3,
        title: "list indexes by unit, officer and opening date, built from every stored case",
        apply: step_3_list_indexes,
    },
    Step {
        number: 4,
        title: "idempotency-key tables: a change's key, request hash and answer, kept beside it",
        apply: step_4_idempotency_keys,
    },
    Step {
        number: 5,
        title: "index of external ids (workflow, source, id) → case, built from every stored case",
        apply: step_5_external_ids,
    },
    Step {
        number: 6,
        title: "outbox table: the events told to webhooks and the event stream, written beside each change",
        apply: step_6_outbox,
    },
    Step {
        number: 7,
        title: "the office key ring (every public key the office signed with) may be published",
        apply: step_7_key_ring,
    },
    Step {
        number: 8,
        title: "the database's cryptographic profile (standard or national) is recorded in its meta",
        apply: step_8_crypto,
    },
    Step {
        number: 9,
        title: "compact records: every event, case snapshot and outbox entry rewritten in a binary form (the chain unchanged); the file compacted after",
        apply: step_9_compact_records,
    },
    Step {
        number: 10,
        title: "a dictionary of names: the words every case repeats (users, roles, states, transitions, deadlines, data keys) stored once and written in records as numbers; the file compacted after",
        apply: step_10_dictionary_of_names,
    },
    Step {
        number: 11,
        title: "published definitions kept decoded beside their YAML source, so that a command reads a case without parsing YAML",
        apply: step_11_decoded_definitions,
    },
];

/// The format version this build writes and reads.
pub const CURRENT: u32 = STEPS.len() as u32;

/// Step 1: the tables of published configuration (issue 20), with what an older database
/// already relied on published as version 1: the built-in holiday calendar and the profile
/// chosen when the database was made.
fn step_1_publications(tx: &WriteTransaction, cx: &Context) -> Result<(), StoreError> {
    super::published::create_tables(tx)?;
    let meta = read_meta(tx)?;
    super::published::seed(tx, meta.profile.as_ref(), &cx.by, cx.now)?;
    Ok(())
}

/// Step 2 (issue 23): the `privacy` kind of published configuration. Nothing is converted: a
/// database that has none reads as the defaults (no recipients, ten years). The step exists so
/// that a build that knows no privacy settings, and would make plain copies and show sealed
/// cases, refuses a database that may hold them.
fn step_2_privacy(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    // The publication table is step 1's; it is opened so that a half-made database fails here.
    tx.open_table(super::published::PUBLISHED)
        .map_err(storage)?;
    Ok(())
}

/// Step 3: the indexes `case list` narrows by (issue 22), built from every case stored.
fn step_3_list_indexes(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    super::lists::build(tx)
}

/// Step 4: the tables of idempotency keys (issue 25), empty.
fn step_4_idempotency_keys(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    super::once::create_tables(tx)
}

/// Step 5 (issue 25): the index of the ids other systems gave cases, built from every stored
/// case (each keeps its opening event's external id).
fn step_5_external_ids(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    super::external::build(tx)
}

/// Step 6: the outbox (issue 25 items 3–4), empty: events before the step are not told.
fn step_6_outbox(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    super::outbox::create_tables(tx)
}

/// Step 7 (issue 23 item 5): the `keyring` kind of published configuration, written by
/// `key rotate`. Nothing is converted: a database without one has one key (number 1, the key
/// file's). The step exists so that a build that knows no key ring, and would verify with the
/// key file's key alone, refuses a database that may have rotated.
fn step_7_key_ring(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    tx.open_table(super::published::PUBLISHED)
        .map_err(storage)?;
    Ok(())
}

/// Step 8 (issue 23 item 6): the `crypto` field of the database's meta (`init --crypto`).
/// Nothing is converted: a database without it is standard, as every database before it was.
/// The step only raises the format, so that an older build, which would hash and sign with
/// SHA-256 and Ed25519 whatever the meta says, refuses a database that may be national.
fn step_8_crypto(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    // The meta record must read (with the field defaulted); nothing is written but the stamp.
    read_meta(tx)?;
    Ok(())
}

/// Records read and rewritten at a time by step 9.
const COMPACT_CHUNK: usize = 1024;

/// Step 9 (issue 22): events, snapshots and outbox entries in the compact form
/// (`format/compact.rs`). An event is rewritten only when its compact record gives back its
/// JSON record byte for byte (so `export` writes the same file before and after); any other
/// (fields this build does not know, another spelling, a damaged record) is kept as it is, and
/// every reader reads both. A snapshot or outbox entry that does not decode is kept too (the
/// check reports it as before). One transaction, like every step: redb keeps the pages it
/// writes in memory until the commit, about the size of the records rewritten, and an
/// interrupted step leaves the file as it was and runs again; `db migrate` compacts the file
/// after it (the old pages are free space then).
fn step_9_compact_records(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    use super::format::{
        NoNames, compact_event_nine, decode_case, decode_outbox, encode_case_nine,
        encode_outbox_nine,
    };
    rewrite_records(
        tx,
        |bytes, previous, _| Ok(compact_event_nine(bytes, previous)),
        |bytes, _| {
            if bytes.first() == Some(&b'{') {
                // A snapshot is a cache: rewritten from what it decodes to, when it does.
                if let Ok(case) = decode_case(bytes, &NoNames) {
                    return encode_case_nine(&case).map(Some).map_err(corrupt);
                }
            }
            Ok(None)
        },
        |bytes, position, _| {
            if bytes.first() == Some(&b'{')
                && let Ok(entry) = decode_outbox(bytes, position, &NoNames)
            {
                return encode_outbox_nine(&entry).map(Some).map_err(corrupt);
            }
            Ok(None)
        },
    )
}

/// Step 10 (issue 22): the dictionary of names (`store/names.rs`). Every format-9 event,
/// snapshot and outbox entry is rewritten in format 10, its names (actor, role, workflow,
/// state, transition and deadline names, data keys, units …) numbered in the new `names`
/// table; an event only when its new record reads back as the same stored event, so `export`
/// and the chain are unchanged. JSON records (those step 9 kept as they were) stay as they are.
fn step_10_dictionary_of_names(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    use super::format::{
        CASE_TAG, EVENT_TAG, NoNames, OUTBOX_TAG, decode_case, decode_event, decode_outbox,
        encode_case, encode_event, encode_outbox,
    };
    rewrite_records(
        tx,
        |bytes, previous, names| {
            if bytes.first() != Some(&EVENT_TAG) {
                return Ok(None);
            }
            let Ok(stored) = decode_event(bytes, previous, &NoNames) else {
                return Ok(None);
            };
            let ten = encode_event(&stored, previous, names).map_err(corrupt)?;
            Ok((decode_event(&ten, previous, names).ok() == Some(stored)).then_some(ten))
        },
        |bytes, names| {
            if bytes.first() == Some(&CASE_TAG)
                && let Ok(case) = decode_case(bytes, &NoNames)
            {
                return encode_case(&case, names).map(Some).map_err(corrupt);
            }
            Ok(None)
        },
        |bytes, position, names| {
            if bytes.first() == Some(&OUTBOX_TAG)
                && let Ok(entry) = decode_outbox(bytes, position, &NoNames)
            {
                return encode_outbox(&entry, names).map(Some).map_err(corrupt);
            }
            Ok(None)
        },
    )
}

/// Rewrites, in place, every event, case snapshot and outbox entry for which `event`, `case`
/// or `outbox` gives a new record (None: keep it). Events come a case at a time in key order
/// with the hash of the record before each (a compact record's `prev` is its predecessor's);
/// every table is read in chunks, so that none is written while it is being read.
fn rewrite_records(
    tx: &WriteTransaction,
    mut event: impl FnMut(
        &[u8],
        Option<&crate::chain::ChainHash>,
        &mut TxNames,
    ) -> Result<Option<Vec<u8>>, StoreError>,
    mut case: impl FnMut(&[u8], &mut TxNames) -> Result<Option<Vec<u8>>, StoreError>,
    mut outbox: impl FnMut(&[u8], u64, &mut TxNames) -> Result<Option<Vec<u8>>, StoreError>,
) -> Result<(), StoreError> {
    use super::format::History;
    let mut names = TxNames::open(tx, &super::names::Names::default())?;
    let mut events = tx.open_table(super::EVENTS).map_err(storage)?;
    let mut after: Option<(String, u32)> = None;
    let mut history = (String::new(), History::new());
    loop {
        let mut chunk = Vec::with_capacity(COMPACT_CHUNK);
        {
            let range = match &after {
                None => events.range::<(&str, u32)>(..),
                Some((case, seq)) => match seq.checked_add(1) {
                    Some(next) => events.range((case.as_str(), next)..),
                    None => events.range((format!("{case}\u{0}").as_str(), 0)..),
                },
            }
            .map_err(storage)?;
            for entry in range.take(COMPACT_CHUNK) {
                let (k, v) = entry.map_err(storage)?;
                let (case, seq) = k.value();
                chunk.push((case.to_owned(), seq, v.value().to_vec()));
            }
        }
        let Some(last) = chunk.last() else { break };
        after = Some((last.0.clone(), last.1));
        for (case, seq, bytes) in &chunk {
            if history.0 != *case {
                history = (case.clone(), History::new());
            }
            let new = event(bytes, history.1.previous(), &mut names)?;
            let _ = history.1.next(bytes, &names);
            if let Some(new) = new {
                events
                    .insert((case.as_str(), *seq), new.as_slice())
                    .map_err(storage)?;
            }
        }
    }
    drop(events);
    let mut cases = tx.open_table(super::CASES).map_err(storage)?;
    let mut after: Option<String> = None;
    loop {
        let mut chunk = Vec::with_capacity(COMPACT_CHUNK);
        {
            let range = match &after {
                None => cases.range::<&str>(..),
                Some(id) => cases.range(format!("{id}\u{0}").as_str()..),
            }
            .map_err(storage)?;
            for entry in range.take(COMPACT_CHUNK) {
                let (k, v) = entry.map_err(storage)?;
                chunk.push((k.value().to_owned(), v.value().to_vec()));
            }
        }
        let Some(last) = chunk.last() else { break };
        after = Some(last.0.clone());
        for (id, bytes) in &chunk {
            if let Some(new) = case(bytes, &mut names)? {
                cases.insert(id.as_str(), new.as_slice()).map_err(storage)?;
            }
        }
    }
    drop(cases);
    // The outbox (step 6's table).
    let mut table = tx.open_table(super::outbox::OUTBOX).map_err(storage)?;
    let mut from = 0u64;
    loop {
        let mut chunk = Vec::with_capacity(COMPACT_CHUNK);
        for entry in table.range(from..).map_err(storage)?.take(COMPACT_CHUNK) {
            let (k, v) = entry.map_err(storage)?;
            chunk.push((k.value(), v.value().to_vec()));
        }
        let Some(&(last, _)) = chunk.last() else {
            break;
        };
        for (position, bytes) in &chunk {
            if let Some(new) = outbox(bytes, *position, &mut names)? {
                table.insert(*position, new.as_slice()).map_err(storage)?;
            }
        }
        match last.checked_add(1) {
            Some(next) => from = next,
            None => break,
        }
    }
    Ok(())
}

/// The steps a database at `from` still needs.
pub fn pending(from: u32) -> impl Iterator<Item = &'static Step> {
    STEPS.iter().filter(move |s| s.number > from)
}

pub(super) fn read_meta(tx: &WriteTransaction) -> Result<StoredMeta, StoreError> {
    let table = tx.open_table(META).map_err(storage)?;
    let bytes = table
        .get(META_KEY)
        .map_err(storage)?
        .ok_or_else(|| StoreError::Corrupt("the database's meta record is missing".into()))?;
    decode(bytes.value()).map_err(corrupt)
}

/// Records that the database is now at `version`.
pub(super) fn stamp(tx: &WriteTransaction, version: u32) -> Result<StoredMeta, StoreError> {
    let mut meta = read_meta(tx)?;
    meta.format = version;
    tx.open_table(META)
        .map_err(storage)?
        .insert(META_KEY, encode(&meta).map_err(corrupt)?.as_slice())
        .map_err(storage)?;
    Ok(meta)
}

/// Whether a database at `found` may be opened: for writing only at [`CURRENT`], for reading
/// also when older.
pub fn admit(found: u32, write: bool) -> Result<(), StoreError> {
    if found > CURRENT {
        return Err(StoreError::TooNew {
            found,
            known: CURRENT,
        });
    }
    if write && found < CURRENT {
        return Err(StoreError::NeedsMigration {
            found,
            current: CURRENT,
        });
    }
    Ok(())
}

/// Step 11 (issue 22): every published definition's decoded form (`store/decoded.rs`).
fn step_11_decoded_definitions(tx: &WriteTransaction, _: &Context) -> Result<(), StoreError> {
    super::decoded::refresh(tx).map(|_| ())
}

impl super::Store {
    /// Applies every pending step, each in its own durable transaction that stamps its number;
    /// the numbers applied (none when the database is current). Then, from format 11 on, it
    /// writes again the decoded definitions another build made (which this one does not read),
    /// in a transaction of its own when there are any.
    pub fn migrate(&mut self, cx: &Context) -> Result<Vec<u32>, StoreError> {
        let mut done = Vec::new();
        for step in pending(self.meta.format) {
            let tx = self.write()?;
            (step.apply)(&tx, cx)?;
            self.meta = stamp(&tx, step.number)?;
            self.commit(tx)?;
            done.push(step.number);
        }
        if self.meta.format >= 11 {
            let tx = self.write()?;
            if super::decoded::refresh(&tx)? > 0 {
                self.commit(tx)?;
            }
        }
        if done.contains(&9) || done.contains(&10) {
            // Every record was rewritten: the old pages are free space, given back to the disk.
            self.compact()?;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use std::time::Duration;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("time")
    }

    /// A database as builds before format versions made it: no `format` in its meta record and
    /// none of the publication tables.
    fn version_0(dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("old.redb");
        let store = Store::create(&path, false, None, at("2026-01-01T00:00:00Z")).expect("create");
        drop(store);
        let db = redb::Database::builder().open(&path).expect("open");
        let tx = db.begin_write().expect("tx");
        {
            let mut meta = tx.open_table(META).expect("meta");
            let bytes = meta
                .get(META_KEY)
                .expect("get")
                .expect("meta")
                .value()
                .to_vec();
            let mut value: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
            value["body"]
                .as_object_mut()
                .expect("body")
                .remove("format");
            meta.insert(
                META_KEY,
                serde_json::to_vec(&value).expect("json").as_slice(),
            )
            .expect("insert");
        }
        for name in super::super::published::TABLE_NAMES {
            let table: redb::TableDefinition<(&str, &str, u32), &[u8]> =
                redb::TableDefinition::new(name);
            tx.delete_table(table).expect("delete");
        }
        tx.commit().expect("commit");
        path
    }

    #[test]
    fn a_meta_record_without_a_profile_reads_as_standard_and_a_national_one_round_trips() {
        // A format-7 meta record, as every database before step 8 has it.
        let old = br#"{"v":1,"body":{"created_at":"2026-01-01T00:00:00Z","simulation":false,"profile":null,"format":7}}"#;
        let meta: StoredMeta = decode(old).expect("decodes");
        assert_eq!(meta.crypto, crate::crypto::Profile::Standard);
        // A standard meta is written as before (no field); a national one names itself.
        assert!(!String::from_utf8_lossy(&encode(&meta).expect("encodes")).contains("crypto"));
        let national = StoredMeta {
            crypto: crate::crypto::Profile::National,
            ..meta
        };
        let bytes = encode(&national).expect("encodes");
        assert!(String::from_utf8_lossy(&bytes).contains(r#""crypto":"national""#));
        assert_eq!(decode::<StoredMeta>(&bytes).expect("decodes"), national);
        // Step 8 raises the format: a build at 7 refuses a database that may be national.
        const { assert!(CURRENT >= 8) };
        assert!(matches!(
            admit(7, true),
            Err(StoreError::NeedsMigration { found: 7, .. })
        ));
    }

    #[test]
    fn a_national_database_is_made_national_and_migrating_keeps_it() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("n.redb");
        let store = Store::create_as(
            &path,
            false,
            None,
            crate::crypto::Profile::National,
            at("2026-01-01T00:00:00Z"),
        )
        .expect("create");
        assert_eq!(store.meta().crypto, crate::crypto::Profile::National);
        drop(store);
        let mut store = Store::open_for_migration(&path, Duration::from_secs(1)).expect("opens");
        let cx = Context {
            by: "张敏".into(),
            now: at("2026-12-01T00:00:00Z"),
        };
        assert!(store.migrate(&cx).expect("migrates").is_empty());
        drop(store);
        let store = Store::open(&path, Duration::from_secs(1)).expect("opens");
        assert_eq!(store.meta().crypto, crate::crypto::Profile::National);
    }

    #[test]
    fn an_unstamped_database_reads_but_refuses_writes_until_migrated() {
        let dir = tempfile::tempdir().expect("dir");
        let path = version_0(dir.path());
        let read = Store::open_read(&path, Duration::from_secs(1)).expect("reads");
        assert_eq!(read.meta().format, 0);
        drop(read);
        assert!(matches!(
            Store::open(&path, Duration::from_secs(1)),
            Err(StoreError::NeedsMigration { found: 0, .. })
        ));
        let mut store = Store::open_for_migration(&path, Duration::from_secs(1)).expect("opens");
        let cx = Context {
            by: "张敏".into(),
            now: at("2026-12-01T00:00:00Z"),
        };
        let done = store.migrate(&cx).expect("migrates");
        assert_eq!(done, (1..=CURRENT).collect::<Vec<_>>());
        assert_eq!(store.meta().format, CURRENT);
        // Idempotent: a second run finds nothing to do.
        assert!(store.migrate(&cx).expect("again").is_empty());
        drop(store);
        let store = Store::open(&path, Duration::from_secs(1)).expect("writable now");
        let list = store.publications().expect("list");
        assert!(
            list.iter()
                .any(|p| p.kind == "calendar" && p.number == 1 && p.published_by == "张敏"),
            "{list:?}"
        );
    }

    /// A database as builds before step 4 made it: at format 3, without the key tables.
    fn version_1(dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("v1.redb");
        let store = Store::create(&path, false, None, at("2026-01-01T00:00:00Z")).expect("create");
        drop(store);
        let db = redb::Database::builder().open(&path).expect("open");
        let tx = db.begin_write().expect("tx");
        // A new database gets the tables with its first write; one made before had none.
        let _ = tx.delete_table(crate::store::once::KEYS);
        let _ = tx.delete_table(crate::store::once::KEYS_BY_EXPIRY);
        stamp(&tx, 3).expect("stamp");
        tx.commit().expect("commit");
        path
    }

    #[test]
    fn a_database_before_the_key_tables_reads_refuses_writes_and_migrates() {
        use crate::app::backend::{Backend, ReadTx};
        let dir = tempfile::tempdir().expect("dir");
        let path = version_1(dir.path());
        let read = Store::open_read(&path, Duration::from_secs(1)).expect("reads");
        // No table yet: no key remembered, and no error.
        let found = read
            .snapshot(|tx: &dyn ReadTx| tx.remembered("张敏", "k"))
            .expect("reads keys");
        assert!(found.is_none());
        drop(read);
        assert!(matches!(
            Store::open(&path, Duration::from_secs(1)),
            Err(StoreError::NeedsMigration { found: 3, .. })
        ));
        let mut store = Store::open_for_migration(&path, Duration::from_secs(1)).expect("opens");
        let cx = Context {
            by: "张敏".into(),
            now: at("2026-12-01T00:00:00Z"),
        };
        assert_eq!(
            store.migrate(&cx).expect("migrates"),
            (4..=CURRENT).collect::<Vec<_>>()
        );
        drop(store);
        let store = Store::open(&path, Duration::from_secs(1)).expect("writable now");
        let record = crate::app::once::Remembered {
            request: "ab".into(),
            reply: crate::app::once::Reply {
                status: 201,
                body: serde_json::json!({"case": "2026-000001"}),
            },
            at: at("2026-12-01T00:00:00Z"),
            expires: at("2026-12-08T00:00:00Z"),
        };
        store
            .transaction(|tx| tx.remember("张敏", "k", &record))
            .expect("remembers");
        let found = store
            .snapshot(|tx: &dyn ReadTx| tx.remembered("张敏", "k"))
            .expect("reads keys");
        assert_eq!(found, Some(record));
        // Another caller's key of the same name is another key.
        let other = store
            .snapshot(|tx: &dyn ReadTx| tx.remembered("李强", "k"))
            .expect("reads keys");
        assert!(other.is_none());
        // Forgotten once expired, and not before.
        let kept = store
            .transaction(|tx| tx.forget_keys(at("2026-12-07T23:59:59Z"), 100))
            .expect("forgets");
        assert_eq!(kept, 0);
        let forgotten = store
            .transaction(|tx| tx.forget_keys(at("2026-12-08T00:00:00Z"), 100))
            .expect("forgets");
        assert_eq!(forgotten, 1);
        let found = store
            .snapshot(|tx: &dyn ReadTx| tx.remembered("张敏", "k"))
            .expect("reads keys");
        assert!(found.is_none());
    }

    #[test]
    fn a_database_before_the_outbox_reads_refuses_writes_and_migrates() {
        use crate::app::backend::{Backend, ReadTx};
        use crate::app::outbox::{OutboxEntry, OutboxKind};
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("v4.redb");
        let store = Store::create(&path, false, None, at("2026-01-01T00:00:00Z")).expect("create");
        drop(store);
        let db = redb::Database::builder().open(&path).expect("open");
        let tx = db.begin_write().expect("tx");
        let _ = tx.delete_table(crate::store::outbox::OUTBOX);
        stamp(&tx, 4).expect("stamp");
        tx.commit().expect("commit");
        drop(db);
        let read = Store::open_read(&path, Duration::from_secs(1)).expect("reads");
        let none = read
            .snapshot(|tx: &dyn ReadTx| tx.outbox(0, 10))
            .expect("reads the outbox");
        assert!(none.is_empty());
        drop(read);
        assert!(matches!(
            Store::open(&path, Duration::from_secs(1)),
            Err(StoreError::NeedsMigration { found: 4, .. })
        ));
        let mut store = Store::open_for_migration(&path, Duration::from_secs(1)).expect("opens");
        let cx = Context {
            by: "张敏".into(),
            now: at("2026-12-01T00:00:00Z"),
        };
        assert_eq!(
            store.migrate(&cx).expect("migrates"),
            (5..=CURRENT).collect::<Vec<_>>()
        );
        drop(store);
        let store = Store::open(&path, Duration::from_secs(1)).expect("writable now");
        let entry = |position: u64| OutboxEntry {
            position,
            id: format!("2026-000001#{position}"),
            kind: OutboxKind::DeadlineBreached,
            case: "2026-000001".into(),
            workflow: "w".into(),
            unit: None,
            state: "s".into(),
            letter: None,
            deadline: Some("d".into()),
            at: at("2026-12-01T00:00:00Z"),
        };
        store
            .transaction(|tx| {
                tx.enqueue(&entry(1))?;
                tx.enqueue(&entry(2))
            })
            .expect("enqueues");
        // A position is written once.
        assert!(store.transaction(|tx| tx.enqueue(&entry(2))).is_err());
        let after_1 = store
            .snapshot(|tx: &dyn ReadTx| tx.outbox(1, 10))
            .expect("reads");
        assert_eq!(after_1, vec![entry(2)]);
        let all = store
            .snapshot(|tx: &dyn ReadTx| tx.outbox(0, 1))
            .expect("reads");
        assert_eq!(all, vec![entry(1)]);
    }

    #[test]
    fn a_database_made_before_privacy_settings_reads_then_migrates() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("v1.redb");
        let store = Store::create(&path, false, None, at("2026-01-01T00:00:00Z")).expect("create");
        drop(store);
        let db = redb::Database::builder().open(&path).expect("open");
        let tx = db.begin_write().expect("tx");
        stamp(&tx, 1).expect("stamp");
        tx.commit().expect("commit");
        drop(db);
        assert!(Store::open_read(&path, Duration::from_secs(1)).is_ok());
        assert!(matches!(
            Store::open(&path, Duration::from_secs(1)),
            Err(StoreError::NeedsMigration { found: 1, .. })
        ));
        let mut store = Store::open_for_migration(&path, Duration::from_secs(1)).expect("opens");
        let cx = Context {
            by: "张敏".into(),
            now: at("2026-12-01T00:00:00Z"),
        };
        assert_eq!(
            store.migrate(&cx).expect("migrates"),
            (2..=CURRENT).collect::<Vec<_>>()
        );
        drop(store);
        assert!(Store::open(&path, Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn a_database_made_before_key_rings_reads_then_migrates_and_keeps_a_ring() {
        use crate::app::backend::{Backend, ReadTx};
        use crate::seal::{KeyRing, OfficeKey};
        use crate::store::published::{Kind, NewPublication};
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("v4.redb");
        let store = Store::create(&path, false, None, at("2026-01-01T00:00:00Z")).expect("create");
        drop(store);
        let db = redb::Database::builder().open(&path).expect("open");
        let tx = db.begin_write().expect("tx");
        stamp(&tx, 4).expect("stamp");
        tx.commit().expect("commit");
        drop(db);
        let read = Store::open_read(&path, Duration::from_secs(1)).expect("reads");
        let none = read
            .snapshot(|tx: &dyn ReadTx| tx.publication(Kind::KeyRing, "", None))
            .expect("reads");
        assert!(none.is_none());
        drop(read);
        assert!(matches!(
            Store::open(&path, Duration::from_secs(1)),
            Err(StoreError::NeedsMigration { found: 4, .. })
        ));
        let mut store = Store::open_for_migration(&path, Duration::from_secs(1)).expect("opens");
        let cx = Context {
            by: "张敏".into(),
            now: at("2026-12-01T00:00:00Z"),
        };
        assert_eq!(
            store.migrate(&cx).expect("migrates"),
            (5..=CURRENT).collect::<Vec<_>>()
        );
        drop(store);
        let store = Store::open(&path, Duration::from_secs(1)).expect("writable now");
        let (a, b) = (
            OfficeKey::from_seed([1; 32]).public(),
            OfficeKey::from_seed([2; 32]).public(),
        );
        let ring = KeyRing::first(&a)
            .rotated(&a, &b, at("2026-12-02T00:00:00Z"))
            .expect("rotates");
        let new = NewPublication {
            kind: Kind::KeyRing,
            name: String::new(),
            files: [(KeyRing::FILE.to_owned(), ring.to_json())].into(),
            profile: None,
        };
        store
            .transaction(|tx| tx.publish(&new, "张敏", at("2026-12-02T00:00:00Z")))
            .expect("publishes");
        let stored = store
            .snapshot(|tx: &dyn ReadTx| tx.publication(Kind::KeyRing, "", None))
            .expect("reads")
            .expect("a ring");
        let text = stored.files.get(KeyRing::FILE).expect("file");
        assert_eq!(KeyRing::from_json(text).expect("ring"), ring);
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("new.redb");
        let store = Store::create(&path, false, None, at("2026-01-01T00:00:00Z")).expect("create");
        drop(store);
        let db = redb::Database::builder().open(&path).expect("open");
        let tx = db.begin_write().expect("tx");
        stamp(&tx, CURRENT + 1).expect("stamp");
        tx.commit().expect("commit");
        drop(db);
        for result in [
            Store::open(&path, Duration::from_secs(1)),
            Store::open_read(&path, Duration::from_secs(1)),
        ] {
            assert!(matches!(result, Err(StoreError::TooNew { .. })));
        }
    }

    /// A database as an older build left it. Format 8 (before step 9): every event, snapshot
    /// and outbox entry a JSON record. Format 9 (before step 10): every record compact without
    /// the dictionary of names. Made by this build and written back in that form (the records
    /// are what that build wrote), with one event spelled as no build writes it (an instant
    /// with an offset), kept as JSON in both, as step 9 keeps it; no `names` table.
    fn old_database(
        dir: &std::path::Path,
        crypto: crate::crypto::Profile,
        format: u32,
    ) -> std::path::PathBuf {
        use crate::step::{Actor, Command, Open};
        use crate::store::format::{
            History, decode_case, decode_outbox, encode_case_nine, encode_event_nine,
            encode_outbox_nine,
        };
        assert!(format == 8 || format == 9);
        use crate::store::{BatchContext, Request};
        let path = dir.join("v8.redb");
        let t0 = at("2026-03-01T02:00:00Z");
        let store = Store::create_as(&path, true, None, crypto, t0).expect("create");
        let source = include_str!("../../../bench/workload.yaml");
        let def = crate::definition::load("workload.yaml", source.as_bytes()).expect("loads");
        store
            .publish(
                &[("workload.yaml".into(), source.as_bytes().to_vec(), def)],
                "t",
                t0,
            )
            .expect("publishes");
        let context = BatchContext {
            tz: crate::period::shanghai(),
            calendar: crate::period::china_2025_2026(),
            profile: None,
        };
        let actor = |role: &str| Actor {
            user: "张敏".into(),
            role: role.into(),
        };
        let open = |i: usize| Request::Open {
            workflow: "bench-intake".into(),
            command: Open {
                published: None,
                crypto,
                external: None,
                actor: actor("caseworker"),
                data: [
                    (
                        "child.name".to_owned(),
                        serde_json::json!(format!("儿童{i}")),
                    ),
                    (
                        "child.birth_date".to_owned(),
                        serde_json::json!("2016-03-01"),
                    ),
                ]
                .into(),
                occurred_at: None,
                profile: None,
                settings: Default::default(),
                origin: None,
                unit: None,
                officer: None,
            },
        };
        let opens: Vec<_> = (0..5).map(|i| (open(i), t0)).collect();
        let ids: Vec<_> = store
            .apply_batch(&opens, &context)
            .into_iter()
            .map(|r| r.expect("opens").outcome.case.id)
            .collect();
        let screen = |id: &crate::case::CaseId, risk: i64| Request::Apply {
            case: id.clone(),
            command: Command::Fire {
                transition: "screen".into(),
                actor: actor("caseworker"),
                changes: [("risk_level".to_owned(), serde_json::json!(risk))].into(),
                note: Some("初筛".into()),
                occurred_at: None,
            },
            expect_seq: None,
        };
        let later = at("2026-03-01T02:00:07.25Z");
        let steps: Vec<_> = ids.iter().map(|id| (screen(id, 3), later)).collect();
        for reply in store.apply_batch(&steps, &context) {
            reply.expect("screens");
        }
        drop(store);
        let db = redb::Database::builder().open(&path).expect("open");
        let tx = db.begin_write().expect("tx");
        {
            let names = TxNames::open(&tx, &crate::store::names::Names::default()).expect("names");
            let mut events = tx.open_table(crate::store::EVENTS).expect("events");
            let mut rows = Vec::new();
            let mut history = (String::new(), History::new());
            for row in events.iter().expect("iter") {
                let (k, v) = row.expect("row");
                let (case, seq) = k.value();
                if history.0 != case {
                    history = (case.to_owned(), History::new());
                }
                let previous = history.1.previous().cloned();
                let stored = history.1.next(v.value(), &names).expect("stored");
                assert_eq!(v.value()[0], crate::store::format::EVENT_TEN_TAG);
                let mut json = encode(&stored).expect("json");
                if case == ids[1].as_str() && seq == 1 {
                    // 02:00:00Z as 10:00:00+08:00: the same instant, another spelling.
                    let text = String::from_utf8(json).expect("utf-8").replacen(
                        "\"recorded_at\":\"2026-03-01T02:00:00Z\"",
                        "\"recorded_at\":\"2026-03-01T10:00:00+08:00\"",
                        1,
                    );
                    assert!(text.contains("+08:00"));
                    json = text.into_bytes();
                } else if format == 9 {
                    json = encode_event_nine(&stored, previous.as_ref()).expect("nine");
                }
                rows.push((case.to_owned(), seq, json));
            }
            for (case, seq, json) in rows {
                events
                    .insert((case.as_str(), seq), json.as_slice())
                    .expect("insert");
            }
            let mut cases = tx.open_table(crate::store::CASES).expect("cases");
            let rows: Vec<_> = cases
                .iter()
                .expect("iter")
                .map(|row| {
                    let (k, v) = row.expect("row");
                    let case = decode_case(v.value(), &names).expect("snapshot");
                    let record = match format {
                        8 => encode(&case).expect("json"),
                        _ => encode_case_nine(&case).expect("nine"),
                    };
                    (k.value().to_owned(), record)
                })
                .collect();
            for (id, json) in rows {
                cases.insert(id.as_str(), json.as_slice()).expect("insert");
            }
            let mut outbox = tx.open_table(crate::store::outbox::OUTBOX).expect("outbox");
            let rows: Vec<_> = outbox
                .iter()
                .expect("iter")
                .map(|row| {
                    let (k, v) = row.expect("row");
                    let entry = decode_outbox(v.value(), k.value(), &names).expect("entry");
                    let record = match format {
                        8 => encode(&entry).expect("json"),
                        _ => encode_outbox_nine(&entry).expect("nine"),
                    };
                    (k.value(), record)
                })
                .collect();
            assert!(!rows.is_empty());
            for (position, json) in rows {
                outbox.insert(position, json.as_slice()).expect("insert");
            }
        }
        // Those builds had no dictionary of names.
        tx.delete_table(crate::store::names::NAMES)
            .expect("drop names");
        stamp(&tx, format).expect("stamp");
        tx.commit().expect("commit");
        path
    }

    fn exported(store: &Store) -> Vec<u8> {
        // Bytes, not text: the comparison below is of the very bytes written.
        let mut out = Vec::new();
        crate::store::dump::export(store, &mut out).expect("exports");
        out
    }

    #[test]
    fn databases_of_formats_8_and_9_read_then_migrate_to_format_10_exporting_alike() {
        for crypto in crate::crypto::Profile::ALL {
            for format in [8u32, 9] {
                let dir = tempfile::tempdir().expect("dir");
                let path = old_database(dir.path(), crypto, format);
                migrates_exporting_alike(&path, format);
            }
        }
    }

    /// Today's release's file (`format`) reads (history, verify, export) and refuses writes;
    /// `db migrate` brings it to the current format, every record but the one event spelled as
    /// no build writes it in format 10, the export byte for byte the same, `check` clean.
    fn migrates_exporting_alike(path: &std::path::Path, format: u32) {
        use crate::store::format::{CASE_TEN_TAG, EVENT_TEN_TAG, OUTBOX_TEN_TAG};
        let path = path.to_owned();
        let before_len = std::fs::metadata(&path).expect("file").len();
        let read = Store::open_read(&path, Duration::from_secs(1)).expect("reads");
        assert_eq!(read.meta().format, format);
        let before = exported(&read);
        let chains = read.verify_chains(None).expect("verifies");
        assert!(chains.broken.is_empty(), "{:?}", chains.broken);
        assert_eq!(chains.verified.len(), 5);
        let id: crate::case::CaseId = "2026-000002".parse().expect("id");
        let history = read.history(&id).expect("history");
        drop(read);
        assert!(matches!(
            Store::open(&path, Duration::from_secs(1)),
            Err(StoreError::NeedsMigration { found, .. }) if found == format
        ));
        let mut store = Store::open_for_migration(&path, Duration::from_secs(1)).expect("opens");
        let cx = Context {
            by: "张敏".into(),
            now: at("2026-12-01T00:00:00Z"),
        };
        let steps: Vec<u32> = (format + 1..=CURRENT).collect();
        assert_eq!(store.migrate(&cx).expect("migrates"), steps);
        assert!(store.migrate(&cx).expect("again").is_empty());
        drop(store);
        // Format 10 now, but for the one event spelled as no build writes it.
        let db = redb::Database::builder().open(&path).expect("open");
        {
            let tx = redb::ReadableDatabase::begin_read(&db).expect("read");
            let events = tx.open_table(crate::store::EVENTS).expect("events");
            let mut json = 0;
            for row in events.iter().expect("iter") {
                let (k, v) = row.expect("row");
                if v.value()[0] != EVENT_TEN_TAG {
                    json += 1;
                    assert_eq!(v.value()[0], b'{');
                    assert_eq!(k.value(), ("2026-000002", 1));
                }
            }
            assert_eq!(json, 1);
            let cases = tx.open_table(crate::store::CASES).expect("cases");
            for row in cases.iter().expect("iter") {
                assert_eq!(row.expect("row").1.value()[0], CASE_TEN_TAG);
            }
            let outbox = tx.open_table(crate::store::outbox::OUTBOX).expect("outbox");
            for row in outbox.iter().expect("iter") {
                assert_eq!(row.expect("row").1.value()[0], OUTBOX_TEN_TAG);
            }
            let names = tx.open_table(crate::store::names::NAMES).expect("names");
            let names: Vec<String> = names
                .iter()
                .expect("iter")
                .map(|row| row.expect("row").1.value().to_owned())
                .collect();
            for word in [
                "张敏",
                "caseworker",
                "bench-intake",
                "screened",
                "risk_level",
            ] {
                assert!(names.iter().any(|n| n == word), "{word} not in {names:?}");
            }
            // Step 11: every published definition kept decoded, by this build.
            let definitions = tx
                .open_table(super::super::DEFINITIONS)
                .expect("definitions");
            let forms = tx
                .open_table(super::super::decoded::DECODED)
                .expect("decoded");
            assert_eq!(
                redb::ReadableTableMetadata::len(&forms).expect("len"),
                redb::ReadableTableMetadata::len(&definitions).expect("len")
            );
            for entry in forms.iter().expect("forms") {
                let (_, form) = entry.expect("form");
                assert!(crate::definition::stored::decode(form.value()).is_some());
            }
        }
        drop(db);
        let store = Store::open(&path, Duration::from_secs(1)).expect("writable now");
        // Byte for byte, but for the format the meta line names (as after every step).
        let after = String::from_utf8(exported(&store)).expect("utf-8");
        let before = String::from_utf8(before).expect("utf-8").replacen(
            &format!("\"format\":{format}"),
            &format!("\"format\":{CURRENT}"),
            1,
        );
        assert!(
            after == before,
            "the export changed:\n{after}\n---\n{before}"
        );
        assert_eq!(store.history(&id).expect("history"), history);
        let chains = store.verify_chains(None).expect("verifies");
        assert!(chains.broken.is_empty(), "{:?}", chains.broken);
        drop(store);
        let report = crate::store::ops::check(&path, Duration::from_secs(1)).expect("checks");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let after_len = std::fs::metadata(&path).expect("file").len();
        assert!(after_len <= before_len, "{before_len} → {after_len} bytes");
        // An older build refuses the migrated file outright.
        assert!(matches!(
            admit_as(CURRENT, format),
            Err(StoreError::TooNew { found, known }) if found == CURRENT && known == format
        ));
    }

    /// [`admit`] as a build that knows `known` would decide it, for writing.
    fn admit_as(found: u32, known: u32) -> Result<(), StoreError> {
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        Ok(())
    }

    #[test]
    fn steps_are_numbered_one_after_another() {
        for (i, step) in STEPS.iter().enumerate() {
            assert_eq!(step.number as usize, i + 1, "{}", step.title);
        }
    }
}
