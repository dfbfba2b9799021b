//! Reading the hash chains back: the records `wardflow verify` recomputes and the snapshot
//! heads that reveal a truncated history.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

pub use super::parallel::Parallel;
use super::parallel::in_order;

use redb::{ReadOnlyTable, ReadableTable, ReadableTableMetadata};

use super::{CASES, DEFINITIONS, EVENTS, Store, StoreError, corrupt, storage};
use crate::case::{Case, CaseId, Event};
use crate::chain::{self, Break, BreakKind, Head, Record, Verified};
use crate::definition::VersionHash;
use crate::store::format::{
    History, NameLookup, StoredDefinition, StoredEvent, decode, decode_case,
};

/// A case's history as stored, with the hashes recorded beside each event.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseChain {
    pub case: CaseId,
    pub records: Vec<Record>,
    /// The snapshot's last event and head hash; None when the snapshot is missing.
    pub head: Option<Head>,
    /// The database's cryptographic profile (its meta, the trusted local fact), under which
    /// the chain is recomputed.
    pub crypto: crate::crypto::Profile,
}

impl CaseChain {
    /// Recomputes the chain; the first broken link if any.
    pub fn verify(&self) -> Result<Verified, Break> {
        chain::verify(self.crypto, &self.case, &self.records, self.head.as_ref())
    }
}

/// What verifying a whole database found.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ChainReport {
    pub verified: Vec<Verified>,
    /// The first broken link of each case whose chain is broken.
    pub broken: Vec<Break>,
}

/// Replays a case from the events table (inside a write transaction, for snapshots written
/// before chaining).
pub(super) fn replayed(
    events: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    id: &CaseId,
    names: &dyn NameLookup,
) -> Result<Case, StoreError> {
    let mut out: Vec<Event> = Vec::new();
    let mut history = History::new();
    for entry in events
        .range((id.as_str(), 0)..=(id.as_str(), u32::MAX))
        .map_err(storage)?
    {
        let (_, v) = entry.map_err(storage)?;
        let stored = history.next(v.value(), names).map_err(corrupt)?;
        out.push(Event::try_from(stored).map_err(corrupt)?);
    }
    Case::replay(id, &out).map_err(corrupt)
}

/// One stored event as the verifier sees it; `history` is its case's history read so far (a
/// compact record's `prev` is the hash of the record before it).
pub(crate) fn record(
    at: u32,
    bytes: &[u8],
    history: &mut History,
    names: &dyn NameLookup,
) -> Record {
    record_and_event(at, bytes, history, names).0
}

impl Store {
    /// One case's stored chain; None if the database knows nothing of the case.
    pub fn case_chain(&self, id: &CaseId) -> Result<Option<CaseChain>, StoreError> {
        let tx = self.read()?;
        let events = tx.open_table(EVENTS).map_err(storage)?;
        let cases = tx.open_table(CASES).map_err(storage)?;
        let names = self.names();
        let mut records = Vec::new();
        let mut history = History::new();
        for entry in events
            .range((id.as_str(), 0)..=(id.as_str(), u32::MAX))
            .map_err(storage)?
        {
            let (k, v) = entry.map_err(storage)?;
            records.push(record(k.value().1, v.value(), &mut history, &*names));
        }
        let head = match cases.get(id.as_str()).map_err(storage)? {
            // An unreadable snapshot names no head; the events are still checked.
            Some(bytes) => decode_case(bytes.value(), &*names).ok().map(|c| Head {
                seq: c.seq,
                hash: c.head,
            }),
            None if records.is_empty() => return Ok(None),
            None => None,
        };
        Ok(Some(CaseChain {
            case: id.clone(),
            records,
            head,
            crypto: self.meta.crypto,
        }))
    }

    /// A published version exactly as stored (its YAML source), for exports.
    pub fn published(&self, hash: &VersionHash) -> Result<Option<StoredDefinition>, StoreError> {
        let tx = self.read()?;
        let defs = tx.open_table(DEFINITIONS).map_err(storage)?;
        match defs.get(hash.0.as_str()).map_err(storage)? {
            Some(bytes) => Ok(Some(decode(bytes.value()).map_err(corrupt)?)),
            None => Ok(None),
        }
    }

    /// Every case id that has a snapshot or events, in order.
    pub fn chained_case_ids(&self) -> Result<Vec<CaseId>, StoreError> {
        let tx = self.read()?;
        let cases = tx.open_table(CASES).map_err(storage)?;
        let events = tx.open_table(EVENTS).map_err(storage)?;
        let mut ids = Vec::new();
        walk_chained_ids(&cases, &events, &mut |id| {
            ids.push(id);
            ControlFlow::Continue(())
        })?;
        Ok(ids)
    }

    /// Recomputes the chains of `only` (or of every case) and reports each case's first
    /// broken link.
    pub fn verify_chains(&self, only: Option<&CaseId>) -> Result<ChainReport, StoreError> {
        let mut report = ChainReport::default();
        self.verify_chains_each(
            only,
            &crate::progress::Reporter::silent(),
            Parallel::available(),
            &mut |verdict| report.add(verdict),
        )?;
        Ok(report)
    }

    /// Recomputes the chains of `only` (or of every case) on `parallel`'s threads, handing
    /// each case's [`Verdict`] to `each` in case id order (until it breaks), telling
    /// `progress` of each case. Nothing is kept per case, so memory stays flat however
    /// large the database is. Every case is read in the one read transaction the ids are
    /// walked in, so the verdicts are of one committed state.
    pub fn verify_chains_each(
        &self,
        only: Option<&CaseId>,
        progress: &crate::progress::Reporter,
        parallel: Parallel,
        each: &mut dyn FnMut(Verdict) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let tx = self.read()?;
        let cases = tx.open_table(CASES).map_err(storage)?;
        let events = tx.open_table(EVENTS).map_err(storage)?;
        let crypto = self.meta.crypto;
        let names = self.names();
        let one = |id: &CaseId| verify_case(&cases, &events, crypto, id, &names);
        match only {
            Some(id) => {
                let stage = progress.begin("verify", Some(1));
                let verdict = one(id)?;
                stage.advance(1);
                if let Some(verdict) = verdict {
                    let _ = each(verdict);
                }
                Ok(())
            }
            None => {
                // The snapshots counted: cases with events and no snapshot are rare (and
                // broken), so the bar's total is near enough.
                let total = cases.len().map_err(storage)?;
                in_order(
                    "verify",
                    parallel,
                    Some(total),
                    progress,
                    |emit| walk_chained_ids(&cases, &events, emit),
                    one,
                    each,
                )
            }
        }
    }
}

/// Hands every case id that has a snapshot or events to `emit`, in order, until it breaks:
/// the snapshots' keys merged with the cases the events table jumps to (one lookup a case,
/// rather than reading every event).
fn walk_chained_ids(
    cases: &ReadOnlyTable<&'static str, &'static [u8]>,
    events: &ReadOnlyTable<(&'static str, u32), &'static [u8]>,
    emit: &mut dyn FnMut(CaseId) -> ControlFlow<()>,
) -> Result<(), StoreError> {
    let next_with_events = |after: Option<&str>| -> Result<Option<String>, StoreError> {
        let from = after.map_or_else(String::new, |id| format!("{id}\u{0}"));
        Ok(events
            .range((from.as_str(), 0)..)
            .map_err(storage)?
            .next()
            .transpose()
            .map_err(storage)?
            .map(|(k, _)| k.value().0.to_owned()))
    };
    let mut snapshots = cases.iter().map_err(storage)?;
    let mut next_snapshot = || -> Result<Option<String>, StoreError> {
        Ok(snapshots
            .next()
            .transpose()
            .map_err(storage)?
            .map(|(k, _)| k.value().to_owned()))
    };
    let mut snapshot = next_snapshot()?;
    let mut with_events = next_with_events(None)?;
    loop {
        let id = match (&snapshot, &with_events) {
            (None, None) => return Ok(()),
            (Some(a), Some(b)) => a.min(b).clone(),
            (Some(a), None) => a.clone(),
            (None, Some(b)) => b.clone(),
        };
        if snapshot.as_ref() == Some(&id) {
            snapshot = next_snapshot()?;
        }
        if with_events.as_ref() == Some(&id) {
            with_events = next_with_events(Some(&id))?;
        }
        if emit(id.parse().map_err(corrupt)?).is_break() {
            return Ok(());
        }
    }
}

/// One case's verdict, read from one read transaction's tables: its chain recomputed
/// against its snapshot's head, then (if the chain holds) its snapshot compared with the
/// replay of its events, decoded once for both. None when the database knows nothing of
/// the case.
fn verify_case(
    cases: &ReadOnlyTable<&'static str, &'static [u8]>,
    events: &ReadOnlyTable<(&'static str, u32), &'static [u8]>,
    crypto: crate::crypto::Profile,
    id: &CaseId,
    names: &super::names::Dictionary,
) -> Result<Option<Verdict>, StoreError> {
    let mut records = Vec::new();
    let mut decoded = Vec::new();
    let mut history = History::new();
    for entry in events
        .range((id.as_str(), 0)..=(id.as_str(), u32::MAX))
        .map_err(storage)?
    {
        let (k, v) = entry.map_err(storage)?;
        let (record, event) = record_and_event(k.value().1, v.value(), &mut history, names);
        records.push(record);
        decoded.extend(event);
    }
    let snapshot = cases.get(id.as_str()).map_err(storage)?;
    let head = match &snapshot {
        // An unreadable snapshot names no head; the events are still checked.
        Some(bytes) => decode_case(bytes.value(), names).ok().map(|c| Head {
            seq: c.seq,
            hash: c.head,
        }),
        None if records.is_empty() => return Ok(None),
        None => None,
    };
    let chain = CaseChain {
        case: id.clone(),
        records,
        head,
        crypto,
    };
    let verified = match chain.verify() {
        Ok(v) => v,
        Err(b) => return Ok(Some(Err(b))),
    };
    let Some(bytes) = snapshot else {
        return Ok(Some(Ok(verified)));
    };
    // A chain that holds decoded every event, so `decoded` is the whole history.
    let replayed = Case::replay(id, &decoded).map_err(corrupt)?;
    Ok(Some(match differs(bytes.value(), replayed, names) {
        None => Ok(verified),
        Some(fields) => Err(snapshot_break(id, verified.events, fields)),
    }))
}

/// The break of a case whose chain holds but whose snapshot is not its replay.
pub(crate) fn snapshot_break(id: &CaseId, events: u32, fields: String) -> Break {
    Break {
        case: id.clone(),
        seq: events,
        kind: BreakKind::SnapshotDiffers,
        expected: None,
        found: Some(fields),
    }
}

/// The fields in which a stored snapshot (its bytes) differs from the case `replayed` from its
/// events, comma-separated, or None when they agree.
pub(crate) fn differs(
    snapshot: &[u8],
    mut replayed: Case,
    names: &dyn NameLookup,
) -> Option<String> {
    let Ok(snapshot) = decode_case(snapshot, names) else {
        return Some("snapshot".to_owned());
    };
    // A snapshot written before chaining has no head; the store re-derives it later.
    if snapshot.head.is_none() {
        replayed.head = None;
    }
    if snapshot == replayed {
        return None;
    }
    let (Ok(a), Ok(b)) = (
        serde_json::to_value(&snapshot),
        serde_json::to_value(&replayed),
    ) else {
        return Some("snapshot".to_owned());
    };
    let mut differ = Vec::new();
    if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
        for key in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
            if a.get(key) == b.get(key) {
                continue;
            }
            match (
                a.get(key).and_then(|v| v.as_object()),
                b.get(key).and_then(|v| v.as_object()),
            ) {
                (Some(x), Some(y)) if key == "data" => {
                    for k in x.keys().chain(y.keys()).collect::<BTreeSet<_>>() {
                        if x.get(k) != y.get(k) {
                            differ.push(format!("data.{k}"));
                        }
                    }
                }
                _ => differ.push(key.clone()),
            }
        }
    }
    Some(differ.join(", "))
}

/// What verifying one case found: its chain, or its first broken link.
pub type Verdict = Result<Verified, Break>;

impl ChainReport {
    /// Adds one case's verdict (cases in id order): the whole report in memory, for those
    /// who want it so (a server's answer, tests, small databases).
    pub fn add(&mut self, verdict: Verdict) -> ControlFlow<()> {
        match verdict {
            Ok(v) => self.verified.push(v),
            Err(b) => self.broken.push(b),
        }
        ControlFlow::Continue(())
    }
}

/// [`record`], and the event itself when it decodes, for the replay that follows a chain
/// that holds (so each event is decoded once).
fn record_and_event(
    at: u32,
    bytes: &[u8],
    history: &mut History,
    names: &dyn NameLookup,
) -> (Record, Option<Event>) {
    let stored: StoredEvent = match history.next(bytes, names) {
        Ok(s) => s,
        Err(e) => {
            let record = Record {
                at,
                event: Err(e.to_string()),
                prev: None,
                hash: None,
            };
            return (record, None);
        }
    };
    let (prev, hash) = (stored.prev.clone(), stored.hash.clone());
    let (event, decoded) = match Event::try_from(stored) {
        Err(e) => (Err(e.to_string()), None),
        Ok(e) => match serde_json::to_value(&e) {
            Ok(v) => (Ok(v), Some(e)),
            Err(err) => (Err(err.to_string()), None),
        },
    };
    let record = Record {
        at,
        event,
        prev,
        hash,
    };
    (record, decoded)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::step::{Actor, Command, Open};
    use crate::store::format::encode;
    use crate::store::{BatchContext, Request};

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().expect("time")
    }

    /// A database of `n` cases of the bench's intake workflow, each opened and screened
    /// (a few events each).
    pub(crate) fn database(dir: &std::path::Path, n: usize) -> (std::path::PathBuf, Vec<CaseId>) {
        let path = dir.join("v.redb");
        let t0 = at("2026-03-01T02:00:00Z");
        let store = Store::create(&path, true, None, t0).expect("create");
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
                crypto: crate::crypto::Profile::Standard,
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
        let opens: Vec<_> = (0..n).map(|i| (open(i), t0)).collect();
        let ids: Vec<CaseId> = store
            .apply_batch(&opens, &context)
            .into_iter()
            .map(|r| r.expect("opens").outcome.case.id)
            .collect();
        let screen = |id: &CaseId| Request::Apply {
            case: id.clone(),
            command: Command::Fire {
                transition: "screen".into(),
                actor: actor("caseworker"),
                changes: [("risk_level".to_owned(), serde_json::json!(2))].into(),
                note: None,
                occurred_at: None,
            },
            expect_seq: None,
        };
        let later = at("2026-03-01T03:00:00Z");
        let steps: Vec<_> = ids.iter().map(|id| (screen(id), later)).collect();
        for reply in store.apply_batch(&steps, &context) {
            reply.expect("screens");
        }
        (path, ids)
    }

    /// Compares every event record of the redb file at `path` byte for byte with the record
    /// the writer made when it hashed each event itself (before it took the hashes the fold
    /// computed): the event's hash computed again from its predecessor's, encoded after the
    /// record before it. The stored format must not have changed. How many were compared.
    pub(crate) fn assert_records_as_hashed_again(path: &std::path::Path) -> usize {
        let db = redb::Database::builder().open(path).expect("open");
        let tx = db.begin_write().expect("tx");
        let mut compared = 0;
        {
            let mut names =
                crate::store::names::TxNames::open(&tx, &crate::store::names::Names::default())
                    .expect("names");
            let rows: Vec<((String, u32), Vec<u8>)> = tx
                .open_table(EVENTS)
                .expect("events")
                .iter()
                .expect("iter")
                .map(|row| {
                    let (k, v) = row.expect("row");
                    let (id, seq) = k.value();
                    ((id.to_owned(), seq), v.value().to_vec())
                })
                .collect();
            let cases = tx.open_table(CASES).expect("cases");
            let mut current = String::new();
            let (mut history, mut prev, mut crypto) =
                (History::new(), None, crate::crypto::Profile::Standard);
            for ((id, seq), bytes) in rows {
                if id != current {
                    let snapshot = cases.get(id.as_str()).expect("get").expect("snapshot");
                    crypto = decode_case(snapshot.value(), &names).expect("case").crypto;
                    (current, history, prev) = (id.clone(), History::new(), None);
                }
                let last = history.previous().cloned();
                let stored = history.next(&bytes, &names).expect("decodes");
                let event = Event::try_from(stored).expect("event");
                let case: CaseId = id.parse().expect("id");
                let hash = chain::hash(crypto, &case, prev.as_ref(), &event).expect("hash");
                let mut again = StoredEvent::from(&event);
                again.prev = prev.replace(hash.clone());
                again.hash = Some(hash);
                let record = crate::store::format::encode_event(&again, last.as_ref(), &mut names)
                    .expect("encodes");
                assert_eq!(record, bytes, "case {id} event {seq}");
                compared += 1;
            }
        }
        tx.abort().expect("abort");
        compared
    }

    #[test]
    fn records_written_with_the_folds_hashes_are_those_hashed_again() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let (path, ids) = database(dir.path(), 12);
        assert!(assert_records_as_hashed_again(&path) >= ids.len() * 2);
    }

    /// Breaks four cases behind the store's back, each its own way, and takes another's
    /// snapshot away (its events then verify without a head).
    pub(crate) fn tamper(path: &std::path::Path, ids: &[CaseId]) {
        let db = redb::Database::builder().open(path).expect("open");
        let tx = db.begin_write().expect("tx");
        {
            let names =
                crate::store::names::TxNames::open(&tx, &crate::store::names::Names::default())
                    .expect("names");
            let mut events = tx.open_table(EVENTS).expect("events");
            let mut cases = tx.open_table(CASES).expect("cases");
            let stored = |events: &redb::Table<(&str, u32), &[u8]>, id: &CaseId, seq: u32| {
                let mut history = History::new();
                let mut found = None;
                for row in events
                    .range((id.as_str(), 0)..=(id.as_str(), seq))
                    .expect("range")
                {
                    let (_, v) = row.expect("row");
                    found = Some(history.next(v.value(), &names).expect("event"));
                }
                found.expect("event exists")
            };
            // Case 3: an event's actor changed, its recorded hash left as it was.
            let mut event = stored(&events, &ids[3], 2);
            event.actor = "李四".into();
            let bytes = encode(&event).expect("json");
            events
                .insert((ids[3].as_str(), 2), bytes.as_slice())
                .expect("insert");
            // Case 5: the snapshot's data differs from what the history replays to.
            let bytes = cases
                .get(ids[5].as_str())
                .expect("get")
                .expect("snapshot")
                .value()
                .to_vec();
            let mut case = decode_case(&bytes, &names).expect("snapshot");
            case.data
                .insert("child.name".into(), serde_json::json!("王五"));
            let bytes = encode(&case).expect("json");
            cases
                .insert(ids[5].as_str(), bytes.as_slice())
                .expect("insert");
            // Case 11: the last event gone.
            let last = events
                .range((ids[11].as_str(), 0)..=(ids[11].as_str(), u32::MAX))
                .expect("range")
                .count() as u32;
            events.remove((ids[11].as_str(), last)).expect("remove");
            // Case 12: an event that does not decode.
            events
                .insert((ids[12].as_str(), 1), b"not a record".as_slice())
                .expect("insert");
            // Case 20: events and no snapshot.
            cases.remove(ids[20].as_str()).expect("remove");
        }
        tx.commit().expect("commit");
    }

    fn verdicts(store: &Store, parallel: Parallel) -> Vec<Verdict> {
        let mut out = Vec::new();
        store
            .verify_chains_each(
                None,
                &crate::progress::Reporter::silent(),
                parallel,
                &mut |v| {
                    out.push(v);
                    ControlFlow::Continue(())
                },
            )
            .expect("verifies");
        out
    }

    #[test]
    fn verifying_on_several_threads_tells_exactly_the_serial_verdicts_in_case_order() {
        let dir = tempfile::tempdir().expect("dir");
        let (path, ids) = database(dir.path(), 24);
        tamper(&path, &ids);
        let store = Store::open_read(&path, std::time::Duration::from_secs(1)).expect("open");
        let serial = verdicts(&store, Parallel::serial());
        let kinds: Vec<(String, BreakKind)> = serial
            .iter()
            .filter_map(|v| v.as_ref().err())
            .map(|b| (b.case.to_string(), b.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                (ids[3].to_string(), BreakKind::Modified),
                (ids[5].to_string(), BreakKind::SnapshotDiffers),
                (ids[11].to_string(), BreakKind::Truncated),
                (ids[12].to_string(), BreakKind::Unreadable),
            ]
        );
        // Every case told once, in id order, the one without a snapshot included.
        let told: Vec<&str> = serial
            .iter()
            .map(|v| match v {
                Ok(v) => v.case.as_str(),
                Err(b) => b.case.as_str(),
            })
            .collect();
        let mut sorted = ids.iter().map(CaseId::as_str).collect::<Vec<_>>();
        sorted.sort_unstable();
        assert_eq!(told, sorted);
        // Batches of one and two cases on more threads than batches in flight finish out
        // of order; what is told is the serial report all the same.
        for (workers, batch) in [(2, 1), (3, 2), (4, 5), (2, 256)] {
            let parallel = Parallel { workers, batch };
            assert_eq!(verdicts(&store, parallel), serial, "{parallel:?}");
        }
        assert_eq!(
            store.verify_chains(None).expect("report"),
            ChainReport {
                verified: serial.iter().filter_map(|v| v.clone().ok()).collect(),
                broken: serial.iter().filter_map(|v| v.clone().err()).collect(),
            }
        );
    }

    #[test]
    fn a_sink_that_breaks_stops_the_verification_without_an_error() {
        let dir = tempfile::tempdir().expect("dir");
        let (path, _) = database(dir.path(), 12);
        let store = Store::open_read(&path, std::time::Duration::from_secs(1)).expect("open");
        for parallel in [
            Parallel::serial(),
            Parallel {
                workers: 2,
                batch: 1,
            },
        ] {
            let mut told = 0;
            store
                .verify_chains_each(
                    None,
                    &crate::progress::Reporter::silent(),
                    parallel,
                    &mut |_| {
                        told += 1;
                        if told == 5 {
                            ControlFlow::Break(())
                        } else {
                            ControlFlow::Continue(())
                        }
                    },
                )
                .expect("stops cleanly");
            assert_eq!(told, 5, "{parallel:?}");
        }
    }
}
