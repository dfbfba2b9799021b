//! The compact stored forms (stored format 9, issue 22): an event record and a case snapshot in
//! postcard, a binary encoding without field names (varints, length-prefixed strings).
//!
//! An event record keeps exactly what its JSON record (format version 1) holds, so that the
//! JSON record can be written back byte for byte for an export, and every reader sees the same
//! [`StoredEvent`]:
//!
//! - 64-hex digests (chain hashes, version hashes, letter digests) as their 32 bytes; anything
//!   else that stands in such a field as its text;
//! - `prev` left out when it is the hash of the record before it in the case's history (always,
//!   for what this build writes), given otherwise;
//! - instants as seconds and nanoseconds since the epoch, `occurred_at` as its distance from
//!   `recorded_at` in nanoseconds (0 for almost every event: one byte);
//! - case data (`Data`: what users typed, checked against field types) as the JSON text of the
//!   map, parsed back by the same `serde_json` as a JSON record (its recursion limit bounds the
//!   nesting a damaged record can ask for): a binary tree of values would save two bytes an
//!   event on the bench workload and need a depth bound of its own.
//!
//! The chain does not hash any of this: it hashes the canonical JSON of the [`crate::case::Event`]
//! a record decodes to, which is the same whichever form the record is in.
//!
//! A record starts with a tag byte (a JSON record starts with `{`); after it, postcard. Lengths
//! are bounded by the record itself (postcard refuses a length beyond the bytes left), trailing
//! bytes are refused, and a damaged record is a [`DecodeError`], never a panic.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    DecodeError, StoredCounted, StoredEvent, StoredEventKind, StoredLink, StoredOverruled,
};
use crate::app::outbox::{OutboxEntry, OutboxKind};
use crate::case::{Case, CaseLetter, ExternalId, LetterRequest, Link, OpenDeadline, Pins};
use crate::chain::ChainHash;
use crate::crypto::{HashAlgorithm, Profile};
use crate::definition::{Data, VersionHash};

/// The first byte of a compact event record.
pub const EVENT_TAG: u8 = 0xE9;
/// The first byte of a compact case snapshot.
pub const CASE_TAG: u8 = 0xC9;
/// The first byte of a compact outbox entry.
pub const OUTBOX_TAG: u8 = 0xB9;

fn corrupt(what: &str, e: impl std::fmt::Display) -> DecodeError {
    DecodeError::Corrupt(format!("compact {what}: {e}"))
}

/// A 32-byte digest as its bytes when it is written as 64 lowercase hex digits (how every
/// digest is written), else as the text itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Digest {
    Raw([u8; 32]),
    Text(String),
}

impl Digest {
    fn of(text: &str) -> Digest {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Digest::Text(text.to_owned());
        }
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let mut raw = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            match (nibble(pair[0]), nibble(pair[1])) {
                (Some(h), Some(l)) => raw[i] = h << 4 | l,
                _ => return Digest::Text(text.to_owned()),
            }
        }
        Digest::Raw(raw)
    }

    fn text(self) -> String {
        match self {
            Digest::Raw(raw) => crate::chain::hex(&raw),
            Digest::Text(t) => t,
        }
    }
}

fn digest(h: &ChainHash) -> Digest {
    Digest::of(&h.0)
}

fn chain_hash(d: Digest) -> ChainHash {
    ChainHash(d.text())
}

/// An instant as seconds and nanoseconds since the epoch (both signed, as jiff gives them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct At(i64, i32);

impl At {
    fn of(t: Timestamp) -> At {
        At(t.as_second(), t.subsec_nanosecond())
    }

    fn instant(self) -> Result<Timestamp, DecodeError> {
        Timestamp::new(self.0, self.1).map_err(|e| corrupt("instant", e))
    }
}

fn at_opt(t: Option<Timestamp>) -> Option<At> {
    t.map(At::of)
}

fn instant_opt(a: Option<At>) -> Result<Option<Timestamp>, DecodeError> {
    a.map(At::instant).transpose()
}

fn data_text(d: &Data) -> Result<String, DecodeError> {
    serde_json::to_string(d).map_err(|e| corrupt("data", e))
}

fn data_of(text: &str) -> Result<Data, DecodeError> {
    serde_json::from_str(text).map_err(|e| corrupt("data", e))
}

fn profile_byte(p: Profile) -> u8 {
    match p {
        Profile::Standard => 0,
        Profile::National => 1,
    }
}

fn profile_of(b: u8) -> Result<Profile, DecodeError> {
    match b {
        0 => Ok(Profile::Standard),
        1 => Ok(Profile::National),
        other => Err(corrupt("crypto profile", other)),
    }
}

fn algorithm_byte(a: HashAlgorithm) -> u8 {
    match a {
        HashAlgorithm::Sha256 => 0,
        HashAlgorithm::Sm3 => 1,
    }
}

fn algorithm_of(b: u8) -> Result<HashAlgorithm, DecodeError> {
    match b {
        0 => Ok(HashAlgorithm::Sha256),
        1 => Ok(HashAlgorithm::Sm3),
        other => Err(corrupt("digest algorithm", other)),
    }
}

type CompactPins = (Option<u32>, Option<u32>);

fn pins(p: &Pins) -> CompactPins {
    (p.letters, p.profile)
}

fn pins_of((letters, profile): CompactPins) -> Pins {
    Pins { letters, profile }
}

/// Where the previous event's hash is: the usual case first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Prev {
    /// The hash of the record before this one in the case's history.
    Follows,
    /// Another value than that (only in records migrated as they were found).
    Given(Option<Digest>),
}

/// An event record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Event {
    hash: Option<Digest>,
    prev: Prev,
    seq: u32,
    recorded_at: At,
    /// `occurred_at - recorded_at`, in nanoseconds.
    occurred_after: i128,
    actor: String,
    role: String,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CompactLink {
    case: String,
    workflow: String,
    link: String,
}

impl From<&StoredLink> for CompactLink {
    fn from(l: &StoredLink) -> Self {
        CompactLink {
            case: l.case.clone(),
            workflow: l.workflow.clone(),
            link: l.link.clone(),
        }
    }
}

impl From<CompactLink> for StoredLink {
    fn from(l: CompactLink) -> Self {
        StoredLink {
            case: l.case,
            workflow: l.workflow,
            link: l.link,
        }
    }
}

/// [`StoredEventKind`], variant for variant. The order of the variants is the format: a new
/// kind goes at the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Kind {
    Opened {
        workflow: String,
        version: Digest,
        profile: Option<String>,
        settings: String,
        state: String,
        data: String,
        origin: Option<CompactLink>,
        unit: Option<String>,
        officer: Option<String>,
        published: Option<CompactPins>,
        external: Option<(String, String)>,
        crypto: u8,
    },
    Fired {
        transition: String,
        from: String,
        to: String,
        changes: String,
        note: Option<String>,
    },
    Amended {
        changes: String,
        reason: String,
        previous: Option<String>,
        overrules: Vec<(String, String)>,
    },
    DeadlineSet {
        name: String,
        title: String,
        due: At,
        remind_at: Option<At>,
        provisional: bool,
        on_breach: Option<String>,
        keep: bool,
        every: Option<String>,
        counted: Option<(At, String, Option<String>)>,
    },
    DeadlineAdjusted {
        name: String,
        due: At,
        remind_at: Option<At>,
        provisional: bool,
    },
    DeadlineCancelled {
        name: String,
        reason: String,
    },
    DeadlineReminded {
        name: String,
    },
    DeadlineBreached {
        name: String,
        due: At,
    },
    LetterRequested {
        key: String,
        transition: Option<String>,
    },
    LetterIssued {
        letter: String,
        key: String,
        number: Option<String>,
        role: String,
        html_sha256: Digest,
        text_sha256: Digest,
        code: String,
        request: Option<u32>,
        replaces: Option<String>,
        pdf_sha256: Option<Digest>,
        digest_algorithm: u8,
    },
    LetterVoided {
        letter: String,
        reason: String,
    },
    Spawned {
        child: CompactLink,
    },
    Transferred {
        from: Option<String>,
        to: String,
        officer: Option<String>,
        reason: Option<String>,
    },
    Migrated {
        from_version: Digest,
        to_version: Digest,
        from_state: String,
        to_state: String,
        reason: String,
    },
    Imported {
        file: String,
        file_sha256: Digest,
        line: u64,
    },
}

fn kind(k: &StoredEventKind) -> Result<Kind, DecodeError> {
    Ok(match k {
        StoredEventKind::Opened {
            workflow,
            version,
            profile,
            settings,
            state,
            data,
            origin,
            unit,
            officer,
            published,
            external,
            crypto,
        } => Kind::Opened {
            workflow: workflow.clone(),
            version: Digest::of(version),
            profile: profile.clone(),
            settings: data_text(settings)?,
            state: state.clone(),
            data: data_text(data)?,
            origin: origin.as_ref().map(CompactLink::from),
            unit: unit.clone(),
            officer: officer.clone(),
            published: published.as_ref().map(pins),
            external: external.as_ref().map(|e| (e.source.clone(), e.id.clone())),
            crypto: profile_byte(*crypto),
        },
        StoredEventKind::Fired {
            transition,
            from,
            to,
            changes,
            note,
        } => Kind::Fired {
            transition: transition.clone(),
            from: from.clone(),
            to: to.clone(),
            changes: data_text(changes)?,
            note: note.clone(),
        },
        StoredEventKind::Amended {
            changes,
            reason,
            previous,
            overrules,
        } => Kind::Amended {
            changes: data_text(changes)?,
            reason: reason.clone(),
            previous: previous.as_ref().map(data_text).transpose()?,
            overrules: overrules
                .iter()
                .map(|o| (o.transition.clone(), o.guard.clone()))
                .collect(),
        },
        StoredEventKind::DeadlineSet {
            name,
            title,
            due,
            remind_at,
            provisional,
            on_breach,
            keep,
            every,
            counted,
        } => Kind::DeadlineSet {
            name: name.clone(),
            title: title.clone(),
            due: At::of(*due),
            remind_at: at_opt(*remind_at),
            provisional: *provisional,
            on_breach: on_breach.clone(),
            keep: *keep,
            every: every.clone(),
            counted: counted
                .as_ref()
                .map(|c| (At::of(c.from), c.period.clone(), c.remind_before.clone())),
        },
        StoredEventKind::DeadlineAdjusted {
            name,
            due,
            remind_at,
            provisional,
        } => Kind::DeadlineAdjusted {
            name: name.clone(),
            due: At::of(*due),
            remind_at: at_opt(*remind_at),
            provisional: *provisional,
        },
        StoredEventKind::DeadlineCancelled { name, reason } => Kind::DeadlineCancelled {
            name: name.clone(),
            reason: reason.clone(),
        },
        StoredEventKind::DeadlineReminded { name } => Kind::DeadlineReminded { name: name.clone() },
        StoredEventKind::DeadlineBreached { name, due } => Kind::DeadlineBreached {
            name: name.clone(),
            due: At::of(*due),
        },
        StoredEventKind::LetterRequested { key, transition } => Kind::LetterRequested {
            key: key.clone(),
            transition: transition.clone(),
        },
        StoredEventKind::LetterIssued {
            letter,
            key,
            number,
            role,
            html_sha256,
            text_sha256,
            code,
            request,
            replaces,
            pdf_sha256,
            digest_algorithm,
        } => Kind::LetterIssued {
            letter: letter.clone(),
            key: key.clone(),
            number: number.clone(),
            role: role.clone(),
            html_sha256: Digest::of(html_sha256),
            text_sha256: Digest::of(text_sha256),
            code: code.clone(),
            request: *request,
            replaces: replaces.clone(),
            pdf_sha256: pdf_sha256.as_deref().map(Digest::of),
            digest_algorithm: algorithm_byte(*digest_algorithm),
        },
        StoredEventKind::LetterVoided { letter, reason } => Kind::LetterVoided {
            letter: letter.clone(),
            reason: reason.clone(),
        },
        StoredEventKind::Spawned { child } => Kind::Spawned {
            child: child.into(),
        },
        StoredEventKind::Transferred {
            from,
            to,
            officer,
            reason,
        } => Kind::Transferred {
            from: from.clone(),
            to: to.clone(),
            officer: officer.clone(),
            reason: reason.clone(),
        },
        StoredEventKind::Migrated {
            from_version,
            to_version,
            from_state,
            to_state,
            reason,
        } => Kind::Migrated {
            from_version: Digest::of(from_version),
            to_version: Digest::of(to_version),
            from_state: from_state.clone(),
            to_state: to_state.clone(),
            reason: reason.clone(),
        },
        StoredEventKind::Imported {
            file,
            file_sha256,
            line,
        } => Kind::Imported {
            file: file.clone(),
            file_sha256: Digest::of(file_sha256),
            line: *line,
        },
    })
}

fn stored_kind(k: Kind) -> Result<StoredEventKind, DecodeError> {
    Ok(match k {
        Kind::Opened {
            workflow,
            version,
            profile,
            settings,
            state,
            data,
            origin,
            unit,
            officer,
            published,
            external,
            crypto,
        } => StoredEventKind::Opened {
            workflow,
            version: version.text(),
            profile,
            settings: data_of(&settings)?,
            state,
            data: data_of(&data)?,
            origin: origin.map(StoredLink::from),
            unit,
            officer,
            published: published.map(pins_of),
            external: external.map(|(source, id)| ExternalId { source, id }),
            crypto: profile_of(crypto)?,
        },
        Kind::Fired {
            transition,
            from,
            to,
            changes,
            note,
        } => StoredEventKind::Fired {
            transition,
            from,
            to,
            changes: data_of(&changes)?,
            note,
        },
        Kind::Amended {
            changes,
            reason,
            previous,
            overrules,
        } => StoredEventKind::Amended {
            changes: data_of(&changes)?,
            reason,
            previous: previous.as_deref().map(data_of).transpose()?,
            overrules: overrules
                .into_iter()
                .map(|(transition, guard)| StoredOverruled { transition, guard })
                .collect(),
        },
        Kind::DeadlineSet {
            name,
            title,
            due,
            remind_at,
            provisional,
            on_breach,
            keep,
            every,
            counted,
        } => StoredEventKind::DeadlineSet {
            name,
            title,
            due: due.instant()?,
            remind_at: instant_opt(remind_at)?,
            provisional,
            on_breach,
            keep,
            every,
            counted: counted
                .map(|(from, period, remind_before)| {
                    Ok::<_, DecodeError>(StoredCounted {
                        from: from.instant()?,
                        period,
                        remind_before,
                    })
                })
                .transpose()?,
        },
        Kind::DeadlineAdjusted {
            name,
            due,
            remind_at,
            provisional,
        } => StoredEventKind::DeadlineAdjusted {
            name,
            due: due.instant()?,
            remind_at: instant_opt(remind_at)?,
            provisional,
        },
        Kind::DeadlineCancelled { name, reason } => {
            StoredEventKind::DeadlineCancelled { name, reason }
        }
        Kind::DeadlineReminded { name } => StoredEventKind::DeadlineReminded { name },
        Kind::DeadlineBreached { name, due } => StoredEventKind::DeadlineBreached {
            name,
            due: due.instant()?,
        },
        Kind::LetterRequested { key, transition } => {
            StoredEventKind::LetterRequested { key, transition }
        }
        Kind::LetterIssued {
            letter,
            key,
            number,
            role,
            html_sha256,
            text_sha256,
            code,
            request,
            replaces,
            pdf_sha256,
            digest_algorithm,
        } => StoredEventKind::LetterIssued {
            letter,
            key,
            number,
            role,
            html_sha256: html_sha256.text(),
            text_sha256: text_sha256.text(),
            code,
            request,
            replaces,
            pdf_sha256: pdf_sha256.map(Digest::text),
            digest_algorithm: algorithm_of(digest_algorithm)?,
        },
        Kind::LetterVoided { letter, reason } => StoredEventKind::LetterVoided { letter, reason },
        Kind::Spawned { child } => StoredEventKind::Spawned {
            child: child.into(),
        },
        Kind::Transferred {
            from,
            to,
            officer,
            reason,
        } => StoredEventKind::Transferred {
            from,
            to,
            officer,
            reason,
        },
        Kind::Migrated {
            from_version,
            to_version,
            from_state,
            to_state,
            reason,
        } => StoredEventKind::Migrated {
            from_version: from_version.text(),
            to_version: to_version.text(),
            from_state,
            to_state,
            reason,
        },
        Kind::Imported {
            file,
            file_sha256,
            line,
        } => StoredEventKind::Imported {
            file,
            file_sha256: file_sha256.text(),
            line,
        },
    })
}

fn to_record<T: Serialize>(tag: u8, body: &T) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(256);
    out.push(tag);
    postcard::to_extend(body, out).map_err(|e| corrupt("encoding", e))
}

fn from_record<'a, T: Deserialize<'a>>(
    tag: u8,
    what: &str,
    bytes: &'a [u8],
) -> Result<T, DecodeError> {
    match bytes.split_first() {
        Some((t, body)) if *t == tag => match postcard::take_from_bytes::<T>(body) {
            Ok((value, [])) => Ok(value),
            Ok((_, rest)) => Err(corrupt(what, format!("{} bytes after its end", rest.len()))),
            Err(e) => Err(corrupt(what, e)),
        },
        _ => Err(corrupt(what, "not a compact record")),
    }
}

/// The compact record of `stored`, given the hash of the record before it in its case's
/// history (None for the first).
pub fn encode_event(
    stored: &StoredEvent,
    previous: Option<&ChainHash>,
) -> Result<Vec<u8>, DecodeError> {
    let prev = if stored.prev.as_ref() == previous {
        Prev::Follows
    } else {
        Prev::Given(stored.prev.as_ref().map(digest))
    };
    let occurred_after = stored.occurred_at.as_nanosecond() - stored.recorded_at.as_nanosecond();
    to_record(
        EVENT_TAG,
        &Event {
            hash: stored.hash.as_ref().map(digest),
            prev,
            seq: stored.seq,
            recorded_at: At::of(stored.recorded_at),
            occurred_after,
            actor: stored.actor.clone(),
            role: stored.role.clone(),
            kind: kind(&stored.kind)?,
        },
    )
}

/// Reads a compact event record, given the hash of the record before it.
pub fn decode_event(
    bytes: &[u8],
    previous: Option<&ChainHash>,
) -> Result<StoredEvent, DecodeError> {
    let e: Event = from_record(EVENT_TAG, "event", bytes)?;
    let recorded_at = e.recorded_at.instant()?;
    let occurred_at = recorded_at
        .as_nanosecond()
        .checked_add(e.occurred_after)
        .ok_or_else(|| corrupt("event", "occurred_at out of range"))
        .and_then(|n| Timestamp::from_nanosecond(n).map_err(|e| corrupt("occurred_at", e)))?;
    Ok(StoredEvent {
        seq: e.seq,
        recorded_at,
        occurred_at,
        actor: e.actor,
        role: e.role,
        kind: stored_kind(e.kind)?,
        prev: match e.prev {
            Prev::Follows => previous.cloned(),
            Prev::Given(p) => p.map(chain_hash),
        },
        hash: e.hash.map(chain_hash),
    })
}

/// A case snapshot. The snapshot is a cache of what the events replay to; its fields are the
/// [`Case`]'s, with the data as JSON text and the collections a closed case rarely keeps
/// (deadlines, letters, links) as JSON text too (`{}` or `[]`, three bytes, when empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Snapshot {
    id: String,
    workflow: String,
    version: Digest,
    profile: Option<String>,
    settings: String,
    state: String,
    data: String,
    seq: u32,
    opened_at: At,
    updated_at: At,
    deadlines: String,
    letters: String,
    issued: String,
    origin: Option<CompactLink>,
    spawned: String,
    head: Option<Digest>,
    unit: Option<String>,
    officer: Option<String>,
    published: Option<CompactPins>,
    external: Option<(String, String)>,
    crypto: u8,
}

fn json<T: Serialize>(what: &str, v: &T) -> Result<String, DecodeError> {
    serde_json::to_string(v).map_err(|e| corrupt(what, e))
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn compact_link(l: &Link) -> CompactLink {
    CompactLink {
        case: l.case.to_string(),
        workflow: l.workflow.clone(),
        link: l.link.clone(),
    }
}

/// The compact snapshot of a case.
pub fn encode_case(case: &Case) -> Result<Vec<u8>, DecodeError> {
    to_record(
        CASE_TAG,
        &Snapshot {
            id: case.id.to_string(),
            workflow: case.workflow.clone(),
            version: Digest::of(&case.version.0),
            profile: case.profile.clone(),
            settings: data_text(&case.settings)?,
            state: case.state.clone(),
            data: data_text(&case.data)?,
            seq: case.seq,
            opened_at: At::of(case.opened_at),
            updated_at: At::of(case.updated_at),
            deadlines: json("deadlines", &case.deadlines)?,
            letters: json("letters", &case.letters)?,
            issued: json("issued", &case.issued)?,
            origin: case.origin.as_ref().map(compact_link),
            spawned: json("spawned", &case.spawned)?,
            head: case.head.as_ref().map(digest),
            unit: case.unit.clone(),
            officer: case.officer.clone(),
            published: case.published.as_ref().map(pins),
            external: case
                .external
                .as_ref()
                .map(|e| (e.source.clone(), e.id.clone())),
            crypto: profile_byte(case.crypto),
        },
    )
}

/// Reads a compact snapshot.
pub fn decode_case(bytes: &[u8]) -> Result<Case, DecodeError> {
    let s: Snapshot = from_record(CASE_TAG, "snapshot", bytes)?;
    let id = |text: &str| {
        text.parse()
            .map_err(|e: crate::case::BadCaseId| corrupt("snapshot", e))
    };
    let origin = match s.origin {
        Some(l) => Some(Link {
            case: id(&l.case)?,
            workflow: l.workflow,
            link: l.link,
        }),
        None => None,
    };
    Ok(Case {
        id: id(&s.id)?,
        workflow: s.workflow,
        version: VersionHash(s.version.text()),
        profile: s.profile,
        settings: data_of(&s.settings)?,
        state: s.state,
        data: data_of(&s.data)?,
        seq: s.seq,
        opened_at: s.opened_at.instant()?,
        updated_at: s.updated_at.instant()?,
        deadlines: from_json::<std::collections::BTreeMap<String, OpenDeadline>>(
            "deadlines",
            &s.deadlines,
        )?,
        letters: from_json::<Vec<LetterRequest>>("letters", &s.letters)?,
        issued: from_json::<Vec<CaseLetter>>("issued", &s.issued)?,
        origin,
        spawned: from_json::<Vec<Link>>("spawned", &s.spawned)?,
        head: s.head.map(chain_hash),
        unit: s.unit,
        officer: s.officer,
        published: s.published.map(pins_of),
        external: s.external.map(|(source, id)| ExternalId { source, id }),
        crypto: profile_of(s.crypto)?,
    })
}

/// An outbox entry. `id` is `{case}#{seq}` for every entry this build writes: the number alone
/// is kept then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Outbox {
    id: EventId,
    kind: u8,
    case: String,
    workflow: String,
    unit: Option<String>,
    state: String,
    letter: Option<String>,
    deadline: Option<String>,
    at: At,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum EventId {
    Seq(u32),
    Text(String),
}

fn outbox_kind_byte(k: OutboxKind) -> u8 {
    match k {
        OutboxKind::CaseOpened => 0,
        OutboxKind::StateEntered => 1,
        OutboxKind::LetterIssued => 2,
        OutboxKind::DeadlineReminded => 3,
        OutboxKind::DeadlineBreached => 4,
    }
}

fn outbox_kind_of(b: u8) -> Result<OutboxKind, DecodeError> {
    Ok(match b {
        0 => OutboxKind::CaseOpened,
        1 => OutboxKind::StateEntered,
        2 => OutboxKind::LetterIssued,
        3 => OutboxKind::DeadlineReminded,
        4 => OutboxKind::DeadlineBreached,
        other => return Err(corrupt("outbox kind", other)),
    })
}

/// The compact record of an outbox entry (its position is the key).
pub fn encode_outbox(entry: &OutboxEntry) -> Result<Vec<u8>, DecodeError> {
    let id = entry
        .id
        .strip_prefix(entry.case.as_str())
        .and_then(|rest| rest.strip_prefix('#'))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| crate::app::outbox::event_id(&entry.case, *n) == entry.id)
        .map_or_else(|| EventId::Text(entry.id.clone()), EventId::Seq);
    to_record(
        OUTBOX_TAG,
        &Outbox {
            id,
            kind: outbox_kind_byte(entry.kind),
            case: entry.case.clone(),
            workflow: entry.workflow.clone(),
            unit: entry.unit.clone(),
            state: entry.state.clone(),
            letter: entry.letter.clone(),
            deadline: entry.deadline.clone(),
            at: At::of(entry.at),
        },
    )
}

/// Reads a compact outbox entry stored at `position`.
pub fn decode_outbox(bytes: &[u8], position: u64) -> Result<OutboxEntry, DecodeError> {
    let o: Outbox = from_record(OUTBOX_TAG, "outbox entry", bytes)?;
    Ok(OutboxEntry {
        position,
        id: match o.id {
            EventId::Seq(n) => crate::app::outbox::event_id(&o.case, n),
            EventId::Text(t) => t,
        },
        kind: outbox_kind_of(o.kind)?,
        case: o.case,
        workflow: o.workflow,
        unit: o.unit,
        state: o.state,
        letter: o.letter,
        deadline: o.deadline,
        at: o.at.instant()?,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::super::{
        StoredCounted, StoredEvent, StoredEventKind, StoredLink, StoredOverruled, compact_event,
        decode_event, encode,
    };
    use super::*;
    use crate::case::CaseId;

    fn json() -> BoxedStrategy<Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            any::<String>().prop_map(Value::from),
            "[a-z0-9\u{4e00}-\u{4e0f}.:-]{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map("[a-z_.]{0,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
    }

    fn data() -> BoxedStrategy<Data> {
        proptest::collection::btree_map("[a-z_.\u{4e00}]{1,12}", json(), 0..5).boxed()
    }

    fn instant() -> impl Strategy<Value = Timestamp> {
        // Anywhere jiff can write, to the nanosecond, and often on a whole second.
        let min = Timestamp::MIN.as_second() + 1;
        let max = Timestamp::MAX.as_second() - 1;
        (min..max, prop_oneof![Just(0i32), 0..1_000_000_000i32])
            .prop_map(|(s, n)| Timestamp::new(s, n).expect("in range"))
    }

    /// A 64-hex digest mostly, sometimes something else standing in its place.
    fn hex() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => proptest::array::uniform32(any::<u8>()).prop_map(|b| crate::chain::hex(&b)),
            1 => "[0-9a-fA-F]{0,66}",
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "[a-z_\u{4e00}-\u{4e0f}]{0,10}"]
    }

    fn link() -> impl Strategy<Value = StoredLink> {
        (text(), text(), text()).prop_map(|(case, workflow, link)| StoredLink {
            case,
            workflow,
            link,
        })
    }

    fn kind() -> BoxedStrategy<StoredEventKind> {
        let opened = (
            (text(), hex(), proptest::option::of(text()), data(), text()),
            (
                data(),
                proptest::option::of(link()),
                proptest::option::of(text()),
            ),
            (
                proptest::option::of(text()),
                proptest::option::of((
                    proptest::option::of(any::<u32>()),
                    proptest::option::of(any::<u32>()),
                )),
                proptest::option::of((text(), text())),
                any::<bool>(),
            ),
        )
            .prop_map(
                |(
                    (workflow, version, profile, settings, state),
                    (data, origin, unit),
                    (officer, published, external, national),
                )| StoredEventKind::Opened {
                    workflow,
                    version,
                    profile,
                    settings,
                    state,
                    data,
                    origin,
                    unit,
                    officer,
                    published: published.map(pins_of),
                    external: external.map(|(source, id)| ExternalId { source, id }),
                    crypto: if national {
                        Profile::National
                    } else {
                        Profile::Standard
                    },
                },
            );
        let fired = (text(), text(), text(), data(), proptest::option::of(text())).prop_map(
            |(transition, from, to, changes, note)| StoredEventKind::Fired {
                transition,
                from,
                to,
                changes,
                note,
            },
        );
        let amended = (
            data(),
            text(),
            proptest::option::of(data()),
            proptest::collection::vec((text(), text()), 0..3),
        )
            .prop_map(
                |(changes, reason, previous, overrules)| StoredEventKind::Amended {
                    changes,
                    reason,
                    previous,
                    overrules: overrules
                        .into_iter()
                        .map(|(transition, guard)| StoredOverruled { transition, guard })
                        .collect(),
                },
            );
        let deadline = (
            (text(), text(), instant(), proptest::option::of(instant())),
            (any::<bool>(), proptest::option::of(text()), any::<bool>()),
            (
                proptest::option::of(text()),
                proptest::option::of((instant(), text(), proptest::option::of(text()))),
            ),
        )
            .prop_map(
                |(
                    (name, title, due, remind_at),
                    (provisional, on_breach, keep),
                    (every, counted),
                )| {
                    StoredEventKind::DeadlineSet {
                        name,
                        title,
                        due,
                        remind_at,
                        provisional,
                        on_breach,
                        keep,
                        every,
                        counted: counted.map(|(from, period, remind_before)| StoredCounted {
                            from,
                            period,
                            remind_before,
                        }),
                    }
                },
            );
        let issued = (
            (
                text(),
                text(),
                proptest::option::of(text()),
                text(),
                hex(),
                hex(),
            ),
            (
                text(),
                proptest::option::of(any::<u32>()),
                proptest::option::of(text()),
                proptest::option::of(hex()),
                any::<bool>(),
            ),
        )
            .prop_map(
                |(
                    (letter, key, number, role, html_sha256, text_sha256),
                    (code, request, replaces, pdf_sha256, sm3),
                )| StoredEventKind::LetterIssued {
                    letter,
                    key,
                    number,
                    role,
                    html_sha256,
                    text_sha256,
                    code,
                    request,
                    replaces,
                    pdf_sha256,
                    digest_algorithm: if sm3 {
                        HashAlgorithm::Sm3
                    } else {
                        HashAlgorithm::Sha256
                    },
                },
            );
        let small = prop_oneof![
            (
                text(),
                instant(),
                proptest::option::of(instant()),
                any::<bool>()
            )
                .prop_map(|(name, due, remind_at, provisional)| {
                    StoredEventKind::DeadlineAdjusted {
                        name,
                        due,
                        remind_at,
                        provisional,
                    }
                }),
            (text(), "left_state|final_state|replaced|met|migrated")
                .prop_map(|(name, reason)| StoredEventKind::DeadlineCancelled { name, reason }),
            text().prop_map(|name| StoredEventKind::DeadlineReminded { name }),
            (text(), instant())
                .prop_map(|(name, due)| StoredEventKind::DeadlineBreached { name, due }),
            (text(), proptest::option::of(text()))
                .prop_map(|(key, transition)| StoredEventKind::LetterRequested { key, transition }),
            (text(), text())
                .prop_map(|(letter, reason)| StoredEventKind::LetterVoided { letter, reason }),
            link().prop_map(|child| StoredEventKind::Spawned { child }),
            (
                proptest::option::of(text()),
                text(),
                proptest::option::of(text()),
                proptest::option::of(text())
            )
                .prop_map(|(from, to, officer, reason)| StoredEventKind::Transferred {
                    from,
                    to,
                    officer,
                    reason,
                }),
            (hex(), hex(), text(), text(), text()).prop_map(
                |(from_version, to_version, from_state, to_state, reason)| {
                    StoredEventKind::Migrated {
                        from_version,
                        to_version,
                        from_state,
                        to_state,
                        reason,
                    }
                }
            ),
            (text(), hex(), any::<u64>()).prop_map(|(file, file_sha256, line)| {
                StoredEventKind::Imported {
                    file,
                    file_sha256,
                    line,
                }
            }),
        ];
        prop_oneof![
            opened.boxed(),
            fired.boxed(),
            amended.boxed(),
            deadline.boxed(),
            issued.boxed(),
            small.boxed()
        ]
        .boxed()
    }

    /// An event, the hash of the record before it, and whether its `prev` is that hash.
    fn event() -> BoxedStrategy<(StoredEvent, Option<ChainHash>)> {
        (
            (
                1..u32::MAX,
                instant(),
                prop_oneof![3 => Just(None), 1 => proptest::option::of(instant())],
            ),
            (text(), text(), kind()),
            (
                proptest::option::of(hex()),
                proptest::option::of(hex()),
                prop_oneof![4 => Just(true), 1 => Just(false)],
                proptest::option::of(hex()),
            ),
        )
            .prop_map(
                |(
                    (seq, recorded_at, occurred),
                    (actor, role, kind),
                    (hash, previous, follows, other),
                )| {
                    let previous = previous.map(ChainHash);
                    let prev = if follows {
                        previous.clone()
                    } else {
                        other.map(ChainHash)
                    };
                    (
                        StoredEvent {
                            seq,
                            recorded_at,
                            occurred_at: occurred.unwrap_or(recorded_at),
                            actor,
                            role,
                            kind,
                            prev,
                            hash: hash.map(ChainHash),
                        },
                        previous,
                    )
                },
            )
            .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Decode ∘ encode is the identity on stored events, so every reader sees the same
        /// event, the chain hashes the same canonical JSON, and the JSON record written back
        /// for an export is the one the compact record was made from.
        #[test]
        fn a_compact_event_reads_back_as_the_event_and_its_json_record((stored, previous) in event()) {
            let bytes = encode_event(&stored, previous.as_ref()).expect("encodes");
            prop_assert_eq!(bytes[0], EVENT_TAG);
            let back = decode_event(&bytes, previous.as_ref()).expect("decodes");
            prop_assert_eq!(&back, &stored);
            let json = encode(&stored).expect("json");
            prop_assert_eq!(encode(&back).expect("json"), json.clone());
            // The chain's bytes: the canonical JSON of the event, under both profiles.
            let case = CaseId::new(2026, 1);
            let (a, b) = (
                crate::case::Event::try_from(stored.clone()),
                crate::case::Event::try_from(back),
            );
            if let (Ok(a), Ok(b)) = (a, b) {
                for profile in Profile::ALL {
                    prop_assert_eq!(
                        crate::chain::hash(profile, &case, stored.prev.as_ref(), &a).expect("hash"),
                        crate::chain::hash(profile, &case, stored.prev.as_ref(), &b).expect("hash")
                    );
                }
            }
            // The migration's path: from the JSON record, when it gives it back exactly.
            if let Some(made) = compact_event(&json, previous.as_ref()) {
                prop_assert_eq!(decode_event(&made, previous.as_ref()).expect("decodes"), stored);
            }
        }

        /// A damaged record is an error, never a panic or a different event read as good.
        #[test]
        fn damaged_compact_records_are_errors((stored, previous) in event(), at in any::<usize>(), byte in any::<u8>(), cut in any::<bool>()) {
            let mut bytes = encode_event(&stored, previous.as_ref()).expect("encodes");
            let at = at % bytes.len();
            if cut {
                bytes.truncate(at);
                prop_assert!(decode_event(&bytes, previous.as_ref()).is_err() || bytes.first() != Some(&EVENT_TAG));
            } else {
                bytes[at] = byte;
                let _ = decode_event(&bytes, previous.as_ref());
            }
        }

        #[test]
        fn arbitrary_bytes_after_the_tag_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut bytes = vec![EVENT_TAG];
            bytes.extend(&body);
            let _ = decode_event(&bytes, None);
            bytes[0] = CASE_TAG;
            let _ = decode_case(&bytes);
            bytes[0] = OUTBOX_TAG;
            let _ = decode_outbox(&bytes, 1);
        }
    }

    #[test]
    fn a_json_record_that_would_not_come_back_byte_for_byte_is_not_made_compact() {
        let record = br#"{"v":1,"body":{"seq":1,"recorded_at":"2026-03-01T10:00:00+08:00","occurred_at":"2026-03-01T02:00:00Z","actor":"a","role":"r","kind":{"t":"deadline_reminded","name":"d"}}}"#;
        assert!(decode_event(record, None).is_ok());
        assert!(compact_event(record, None).is_none());
        let unknown = br#"{"v":1,"body":{"seq":1,"recorded_at":"2026-03-01T02:00:00Z","occurred_at":"2026-03-01T02:00:00Z","actor":"a","role":"r","kind":{"t":"deadline_reminded","name":"d"},"later":1}}"#;
        assert!(compact_event(unknown, None).is_none());
        let plain = br#"{"v":1,"body":{"seq":1,"recorded_at":"2026-03-01T02:00:00Z","occurred_at":"2026-03-01T02:00:00Z","actor":"a","role":"r","kind":{"t":"deadline_reminded","name":"d"}}}"#;
        let compact = compact_event(plain, None).expect("compact");
        assert!(compact.len() < plain.len() / 3, "{} bytes", compact.len());
    }

    #[test]
    fn trailing_bytes_and_unknown_tags_are_refused() {
        let stored: StoredEvent = super::super::decode(br#"{"v":1,"body":{"seq":1,"recorded_at":"2026-03-01T02:00:00Z","occurred_at":"2026-03-01T02:00:00Z","actor":"a","role":"r","kind":{"t":"deadline_reminded","name":"d"}}}"#).expect("json");
        let mut bytes = encode_event(&stored, None).expect("encodes");
        bytes.push(0);
        assert!(matches!(
            decode_event(&bytes, None),
            Err(DecodeError::Corrupt(_))
        ));
        assert!(super::decode_event(&[0xFF, 1, 2], None).is_err());
    }
}
