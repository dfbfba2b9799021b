//! Reading the hash chains back: the records `wardflow verify` recomputes and the snapshot
//! heads that reveal a truncated history.

use std::collections::BTreeSet;

use redb::ReadableTable;

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
    let stored: StoredEvent = match history.next(bytes, names) {
        Ok(s) => s,
        Err(e) => {
            return Record {
                at,
                event: Err(e.to_string()),
                prev: None,
                hash: None,
            };
        }
    };
    let (prev, hash) = (stored.prev.clone(), stored.hash.clone());
    let event = Event::try_from(stored)
        .map_err(|e| e.to_string())
        .and_then(|e| serde_json::to_value(e).map_err(|e| e.to_string()));
    Record {
        at,
        event,
        prev,
        hash,
    }
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
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for entry in tx
            .open_table(CASES)
            .map_err(storage)?
            .iter()
            .map_err(storage)?
        {
            ids.insert(entry.map_err(storage)?.0.value().to_owned());
        }
        let events = tx.open_table(EVENTS).map_err(storage)?;
        // Jump from case to case rather than reading every event.
        let mut from = String::new();
        loop {
            let next = events
                .range((from.as_str(), 0)..)
                .map_err(storage)?
                .next()
                .transpose()
                .map_err(storage)?
                .map(|(k, _)| k.value().0.to_owned());
            let Some(id) = next else { break };
            from = format!("{id}\u{0}");
            ids.insert(id);
        }
        ids.into_iter()
            .map(|s| s.parse().map_err(corrupt))
            .collect()
    }

    /// Replays a case from its (verified) events and compares the result with the stored
    /// snapshot, which every output reads: the fields that differ, comma-separated, or None.
    fn snapshot_differs(&self, id: &CaseId) -> Result<Option<String>, StoreError> {
        let tx = self.read()?;
        let cases = tx.open_table(CASES).map_err(storage)?;
        let Some(bytes) = cases.get(id.as_str()).map_err(storage)? else {
            return Ok(None);
        };
        let events = tx.open_table(EVENTS).map_err(storage)?;
        let names = self.names();
        let replayed = replayed(&events, id, &*names)?;
        Ok(differs(bytes.value(), replayed, &*names))
    }

    /// Recomputes the chains of `only` (or of every case) and reports each case's first
    /// broken link.
    pub fn verify_chains(&self, only: Option<&CaseId>) -> Result<ChainReport, StoreError> {
        self.verify_chains_telling(only, &crate::progress::Reporter::silent())
    }

    /// [`Store::verify_chains`], telling `progress` of each case verified.
    pub fn verify_chains_telling(
        &self,
        only: Option<&CaseId>,
        progress: &crate::progress::Reporter,
    ) -> Result<ChainReport, StoreError> {
        let ids = match only {
            Some(id) => vec![id.clone()],
            None => self.chained_case_ids()?,
        };
        verify_each(
            ids,
            progress,
            |id| self.case_chain(id),
            |id| self.snapshot_differs(id),
        )
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

/// Verifies the chains of `ids` (each read by `chain`, its snapshot compared by `differs`),
/// telling `progress`: the same report whichever backend reads them.
pub(crate) fn verify_each(
    ids: Vec<CaseId>,
    progress: &crate::progress::Reporter,
    mut chain: impl FnMut(&CaseId) -> Result<Option<CaseChain>, StoreError>,
    mut snapshot_differs: impl FnMut(&CaseId) -> Result<Option<String>, StoreError>,
) -> Result<ChainReport, StoreError> {
    let stage = progress.begin("verify", Some(ids.len() as u64));
    let mut report = ChainReport::default();
    for id in ids {
        stage.advance(1);
        let Some(chain) = chain(&id)? else {
            continue;
        };
        match chain.verify() {
            Ok(v) => match snapshot_differs(&id)? {
                None => report.verified.push(v),
                Some(fields) => report.broken.push(Break {
                    case: id.clone(),
                    seq: v.events,
                    kind: BreakKind::SnapshotDiffers,
                    expected: None,
                    found: Some(fields),
                }),
            },
            Err(b) => report.broken.push(b),
        }
    }
    Ok(report)
}
