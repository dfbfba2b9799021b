//! The hash chain over a case's history, and its verification.
//!
//! Each event is hashed together with its case id and the hash of the event before it:
//! `H(JCS({"chain": 1, "case": id, "prev": prev-or-null, "event": E}))`, where `H` is the
//! database's cryptographic profile's hash (SHA-256, or SM3 under the national profile, which
//! the case's opening event names as `"crypto": "national"`), `E` is the
//! event as `case history --json` shows it (the in-memory [`Event`]'s JSON, not the stored
//! record) and JCS is RFC 8785 canonical JSON. Because neither the storage format nor key order
//! nor whitespace enters the hash, exports, imports and format migrations keep chains
//! verifiable, and anyone can recompute a chain from `case history --json` alone.
//!
//! The JSON of an event is therefore part of the chain: an existing event's JSON must never
//! change (new optional fields must be skipped when absent). `tests::pinned_hashes` holds the
//! hash of one event of every kind so that such a change fails a test instead of every chain.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::case::{CaseId, Event};
use crate::crypto::Profile;

/// The version of the hashed form; part of every hash, so a new form can never collide.
pub const CHAIN_VERSION: u32 = 1;

/// A link of the chain: SHA-256 (or SM3 in a national database) as 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChainHash(pub String);

impl ChainHash {
    /// The first 12 hex digits, for messages.
    pub fn short(&self) -> &str {
        self.0.get(..12).unwrap_or(&self.0)
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    // A table rather than `write!("{b:02x}")`: every event hashed, every digest read back from
    // a compact record goes through here, and the formatter took 40k instructions a step.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// An event's JSON could not be put in canonical form (never happens for a well-formed event).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("event cannot be hashed: {0}")]
pub struct Unhashable(pub String);

/// The bytes that are hashed for an event given as JSON.
pub fn canonical(
    case: &CaseId,
    prev: Option<&ChainHash>,
    event: &Value,
) -> Result<Vec<u8>, Unhashable> {
    // {"case":…,"chain":1,"event":…,"prev":…}: members already in canonical order, written
    // directly so that the event is not copied.
    let text = |v: &str| Value::from(v);
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"{\"case\":");
    jcs(&text(case.as_str()), &mut out)?;
    out.extend_from_slice(format!(",\"chain\":{CHAIN_VERSION},\"event\":").as_bytes());
    jcs(event, &mut out)?;
    out.extend_from_slice(b",\"prev\":");
    jcs(&prev.map_or(Value::Null, |p| text(&p.0)), &mut out)?;
    out.push(b'}');
    Ok(out)
}

/// RFC 8785 canonical JSON of a value. `serde_jcs` is the reference: a property test checks
/// that both agree on arbitrary values, and floats are left to it. This walk over a `Value`
/// differs in two ways: it is about ten times faster, which matters because every event is
/// hashed on every replay and every write; and it prints integers beyond 2^53 exactly, where
/// `serde_jcs` rounds them to doubles and two different values would hash alike.
pub fn jcs(value: &Value, out: &mut Vec<u8>) -> Result<(), Unhashable> {
    let fail = |e: serde_json::Error| Unhashable(e.to_string());
    match value {
        Value::Null | Value::Bool(_) => serde_json::to_writer(&mut *out, value).map_err(fail)?,
        Value::Number(n) if n.is_f64() => {
            out.extend(serde_jcs::to_vec(n).map_err(fail)?);
        }
        // Integers print the same in both; serde_json's string escapes (short forms for
        // \b \t \n \f \r, lowercase \u00xx for other controls, nothing else) are RFC 8785's.
        Value::Number(_) | Value::String(_) => {
            serde_json::to_writer(&mut *out, value).map_err(fail)?;
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                jcs(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // Members in the order of their names' UTF-16 code units.
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (name, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, name).map_err(fail)?;
                out.push(b':');
                jcs(item, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// The hash under `crypto` of an event given as JSON (an export file's event, exactly as
/// written there).
pub fn hash_value(
    crypto: Profile,
    case: &CaseId,
    prev: Option<&ChainHash>,
    event: &Value,
) -> Result<ChainHash, Unhashable> {
    Ok(ChainHash(crypto.digest_hex(&canonical(case, prev, event)?)))
}

/// The hash under `crypto` of an event that follows `prev` in `case`.
pub fn hash(
    crypto: Profile,
    case: &CaseId,
    prev: Option<&ChainHash>,
    event: &Event,
) -> Result<ChainHash, Unhashable> {
    let value = serde_json::to_value(event).map_err(|e| Unhashable(e.to_string()))?;
    hash_value(crypto, case, prev, &value)
}

/// One stored event as the verifier sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Where it is stored: the key's sequence number in the database, the `seq` an export
    /// file gives it.
    pub at: u32,
    /// The event's JSON, or why the stored record does not decode.
    pub event: Result<Value, String>,
    /// The previous event's hash as recorded with this event.
    pub prev: Option<ChainHash>,
    /// This event's hash as recorded; None on events written before chaining.
    pub hash: Option<ChainHash>,
}

/// What the case's snapshot (or an export's header) says its last event is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub seq: u32,
    pub hash: Option<ChainHash>,
}

/// How a chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The event's content no longer gives its recorded hash, or the hash recorded as its
    /// predecessor's is not what the chain gives (an earlier event was altered and re-hashed).
    Modified,
    /// An event is absent from the middle of the history.
    Missing,
    /// Events are not in their recorded order.
    Reordered,
    /// The history ends before the event the case's snapshot says is the last.
    Truncated,
    /// An event without a hash after chained ones (its hash was stripped).
    Unhashed,
    /// A stored event that does not decode.
    Unreadable,
    /// The case's snapshot (what `case show` and letters print) is not what its history
    /// replays to: `found` names the fields that differ.
    SnapshotDiffers,
}

/// The first broken link of a chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Break {
    pub case: CaseId,
    /// The event at which the chain breaks (for truncation: the last event the snapshot names).
    pub seq: u32,
    pub kind: BreakKind,
    /// What the chain gives (a hash, or for order problems the expected seq).
    pub expected: Option<String>,
    /// What is recorded.
    pub found: Option<String>,
}

/// A chain that verifies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    pub case: CaseId,
    pub events: u32,
    /// Leading events recorded before chaining (no stored hash): covered by the chain only
    /// from the first hashed event on, which hashes them in.
    pub unchained: u32,
    /// The hash of the last event.
    pub head: Option<ChainHash>,
}

/// Recomputes a case's chain from its records (in stored order) with the hash of `crypto`
/// and checks it against the recorded hashes and the snapshot's head; returns the first broken
/// link. `crypto` is what the verifier trusts (the database's meta, or the profile of the key
/// an export is checked against), never what the records say: a chain whose opening event
/// names another profile than `crypto` is broken there.
pub fn verify(
    crypto: Profile,
    case: &CaseId,
    records: &[Record],
    head: Option<&Head>,
) -> Result<Verified, Break> {
    let broken = |seq: u32, kind, expected: Option<String>, found: Option<String>| Break {
        case: case.clone(),
        seq,
        kind,
        expected,
        found,
    };
    // Every hash recorded anywhere in the case: a predecessor found among them means the
    // events were moved, not altered.
    let recorded: BTreeSet<&ChainHash> = records.iter().filter_map(|r| r.hash.as_ref()).collect();
    let mut running: Option<ChainHash> = None;
    let mut chained = false;
    let mut unchained = 0;
    let mut expected = 1u32;
    for r in records {
        if r.at > expected {
            return Err(broken(
                expected,
                BreakKind::Missing,
                Some(expected.to_string()),
                Some(r.at.to_string()),
            ));
        }
        if r.at < expected {
            return Err(broken(
                r.at,
                BreakKind::Reordered,
                Some(expected.to_string()),
                Some(r.at.to_string()),
            ));
        }
        let event = match &r.event {
            Ok(v) => v,
            Err(detail) => {
                return Err(broken(
                    r.at,
                    BreakKind::Unreadable,
                    None,
                    Some(detail.clone()),
                ));
            }
        };
        let seq = event.get("seq").and_then(Value::as_u64);
        if seq != Some(u64::from(r.at)) {
            return Err(broken(
                r.at,
                BreakKind::Reordered,
                Some(r.at.to_string()),
                Some(seq.map_or_else(|| "?".to_owned(), |s| s.to_string())),
            ));
        }
        if r.at == 1 && opening_crypto(event) != Some(crypto) {
            // The opening event names the profile its case was chained under; another one
            // than the verifier's is a chain this verifier does not accept, whatever it hashes.
            return Err(broken(
                r.at,
                BreakKind::Modified,
                Some(crypto.key().to_owned()),
                Some(
                    event
                        .get("crypto")
                        .map_or_else(|| "standard".to_owned(), |v| v.to_string()),
                ),
            ));
        }
        let computed = hash_value(crypto, case, running.as_ref(), event)
            .map_err(|e| broken(r.at, BreakKind::Unreadable, None, Some(e.0)))?;
        match &r.hash {
            None if chained => {
                return Err(broken(r.at, BreakKind::Unhashed, Some(computed.0), None));
            }
            None => unchained += 1,
            Some(found) => {
                chained = true;
                if r.prev != running {
                    let kind = match &r.prev {
                        Some(p) if recorded.contains(p) => BreakKind::Reordered,
                        _ => BreakKind::Modified,
                    };
                    return Err(broken(
                        r.at,
                        kind,
                        running.map(|h| h.0),
                        r.prev.as_ref().map(|h| h.0.clone()),
                    ));
                }
                if *found != computed {
                    return Err(broken(
                        r.at,
                        BreakKind::Modified,
                        Some(computed.0),
                        Some(found.0.clone()),
                    ));
                }
            }
        }
        running = Some(computed);
        expected += 1;
    }
    let last = expected - 1;
    if let Some(head) = head {
        if head.seq > last {
            return Err(broken(
                head.seq,
                BreakKind::Truncated,
                Some(head.seq.to_string()),
                Some(last.to_string()),
            ));
        }
        if head.seq < last {
            // Events beyond what the snapshot knows were slipped in behind the writer's back.
            return Err(broken(
                head.seq + 1,
                BreakKind::Modified,
                Some(head.seq.to_string()),
                Some(last.to_string()),
            ));
        }
        if let Some(h) = &head.hash
            && Some(h) != running.as_ref()
        {
            return Err(broken(
                last,
                BreakKind::Modified,
                running.map(|r| r.0),
                Some(h.0.clone()),
            ));
        }
    }
    Ok(Verified {
        case: case.clone(),
        events: last,
        unchained,
        head: running,
    })
}

/// The profile an opening event (as JSON) names: standard when it names none; None when the
/// name is not a profile. Events other than an opening name none and read as standard too.
fn opening_crypto(event: &Value) -> Option<Profile> {
    match event.get("crypto") {
        None => Some(Profile::Standard),
        Some(v) => v.as_str().and_then(Profile::from_key),
    }
}

#[cfg(test)]
mod tests;
