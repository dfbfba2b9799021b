//! The compact stored forms (issue 22): an event record, a case snapshot and an outbox entry in
//! postcard, a binary encoding without field names (varints, length-prefixed strings). Stored
//! format 9 writes every string as it is; format 10 (what this build writes, its own tag bytes)
//! writes the office's vocabulary — user and role, workflow and version, state, transition and
//! deadline names, data keys, units — as numbers in the database's dictionary of names
//! (`store/names.rs`), and case data as (key number, value as JSON text) pairs. Both are read;
//! the same generic structures give both ([`Form`]), so the two cannot drift apart.
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
use serde::de::DeserializeOwned;
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
/// The first byte of a format-10 event record (names numbered in the dictionary).
pub const EVENT_TEN_TAG: u8 = 0xEA;
/// The first byte of a format-10 case snapshot.
pub const CASE_TEN_TAG: u8 = 0xCA;
/// The first byte of a format-10 outbox entry.
pub const OUTBOX_TEN_TAG: u8 = 0xBA;

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

/// What the named strings of a record (actor, role, workflow, state, transition and deadline
/// names, data keys …), its case data and its version hashes are written as. Format 9 writes
/// them as they are; format 10 writes a name as its number in the database's dictionary of
/// names (`store/names.rs`), so a word the office uses on every case is stored once.
pub(crate) trait Form {
    type Name: Serialize + DeserializeOwned;
    type Data: Serialize + DeserializeOwned;
    type Version: Serialize + DeserializeOwned;
}

/// Writes a record's shared parts in a [`Form`].
trait Writes: Form {
    fn name(&mut self, text: &str) -> Result<Self::Name, DecodeError>;
    fn data(&mut self, data: &Data) -> Result<Self::Data, DecodeError>;
    fn version(&mut self, hash: &str) -> Result<Self::Version, DecodeError>;

    fn names(&mut self, text: Option<&String>) -> Result<Option<Self::Name>, DecodeError> {
        text.map(|t| self.name(t)).transpose()
    }
}

/// Reads a record's shared parts back from a [`Form`].
trait Reads: Form {
    fn name(&self, n: Self::Name) -> Result<String, DecodeError>;
    fn data(&self, d: Self::Data) -> Result<Data, DecodeError>;
    fn version(&self, v: Self::Version) -> Result<String, DecodeError>;

    fn names(&self, n: Option<Self::Name>) -> Result<Option<String>, DecodeError> {
        n.map(|n| self.name(n)).transpose()
    }
}

/// Stored format 9: names as text, data as the JSON text of its map, versions as digests.
struct Nine;

impl Form for Nine {
    type Name = String;
    type Data = String;
    type Version = Digest;
}

impl Writes for Nine {
    fn name(&mut self, text: &str) -> Result<String, DecodeError> {
        Ok(text.to_owned())
    }
    fn data(&mut self, data: &Data) -> Result<String, DecodeError> {
        data_text(data)
    }
    fn version(&mut self, hash: &str) -> Result<Digest, DecodeError> {
        Ok(Digest::of(hash))
    }
}

impl Reads for Nine {
    fn name(&self, n: String) -> Result<String, DecodeError> {
        Ok(n)
    }
    fn data(&self, d: String) -> Result<Data, DecodeError> {
        data_of(&d)
    }
    fn version(&self, v: Digest) -> Result<String, DecodeError> {
        Ok(v.text())
    }
}

/// The names a reader of format 10 looks numbers up in.
pub trait NameLookup {
    /// The name numbered `id`, if the dictionary has it.
    fn name(&self, id: u32) -> Option<&str>;
}

/// The names a writer of format 10 numbers: a name it has not met before gets the next number,
/// written to the dictionary in the same transaction as the record that uses it.
pub trait Interner: NameLookup {
    fn intern(&mut self, name: &str) -> Result<u32, DecodeError>;
}

/// A dictionary with no names: what reads records that use none (JSON and format-9 records,
/// PostgreSQL's rows).
pub struct NoNames;

impl NameLookup for NoNames {
    fn name(&self, _: u32) -> Option<&str> {
        None
    }
}

/// A dictionary of names held in memory, numbering as the store's does (first come, first
/// numbered): for tests and for tools that size records (`wardflow-bench`).
#[derive(Debug, Default, Clone)]
pub struct NamesInMemory(pub Vec<String>);

impl NameLookup for NamesInMemory {
    fn name(&self, id: u32) -> Option<&str> {
        self.0.get(id as usize).map(String::as_str)
    }
}

impl Interner for NamesInMemory {
    fn intern(&mut self, name: &str) -> Result<u32, DecodeError> {
        match self.0.iter().position(|n| n == name) {
            Some(i) => u32::try_from(i).map_err(|e| corrupt("name", e)),
            None => {
                self.0.push(name.to_owned());
                u32::try_from(self.0.len() - 1).map_err(|e| corrupt("name", e))
            }
        }
    }
}

/// Case data in format 10: each key by its number, each value as its JSON text (parsed back by
/// the same `serde_json`, whose recursion limit bounds what a damaged record can ask for).
type TenData = Vec<(u32, String)>;

/// Writes stored format 10.
struct Ten<'a>(&'a mut dyn Interner);

/// Reads stored format 10.
struct TenRead<'a>(&'a dyn NameLookup);

impl Form for Ten<'_> {
    type Name = u32;
    type Data = TenData;
    type Version = u32;
}

impl Form for TenRead<'_> {
    type Name = u32;
    type Data = TenData;
    type Version = u32;
}

impl Writes for Ten<'_> {
    fn name(&mut self, text: &str) -> Result<u32, DecodeError> {
        self.0.intern(text)
    }
    fn data(&mut self, data: &Data) -> Result<TenData, DecodeError> {
        data.iter()
            .map(|(k, v)| {
                Ok((
                    self.0.intern(k)?,
                    serde_json::to_string(v).map_err(|e| corrupt("data", e))?,
                ))
            })
            .collect()
    }
    fn version(&mut self, hash: &str) -> Result<u32, DecodeError> {
        self.0.intern(hash)
    }
}

impl Reads for TenRead<'_> {
    fn name(&self, n: u32) -> Result<String, DecodeError> {
        self.0.name(n).map(str::to_owned).ok_or_else(|| {
            corrupt(
                "name",
                format!("number {n} is not in the dictionary of names"),
            )
        })
    }
    fn data(&self, d: TenData) -> Result<Data, DecodeError> {
        let mut data = Data::new();
        for (k, v) in d {
            let key = self.name(k)?;
            let value = serde_json::from_str(&v).map_err(|e| corrupt("data", e))?;
            if data.insert(key, value).is_some() {
                return Err(corrupt("data", "a key twice"));
            }
        }
        Ok(data)
    }
    fn version(&self, v: u32) -> Result<String, DecodeError> {
        self.name(v)
    }
}

/// An event record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Event<N, D, V> {
    hash: Option<Digest>,
    prev: Prev,
    seq: u32,
    recorded_at: At,
    /// `occurred_at - recorded_at`, in nanoseconds.
    occurred_after: i128,
    actor: N,
    role: N,
    kind: Kind<N, D, V>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CompactLink<N> {
    case: String,
    workflow: N,
    link: N,
}

fn link_of<W: Writes>(
    w: &mut W,
    case: String,
    workflow: &str,
    link: &str,
) -> Result<CompactLink<W::Name>, DecodeError> {
    Ok(CompactLink {
        case,
        workflow: w.name(workflow)?,
        link: w.name(link)?,
    })
}

fn stored_link<R: Reads>(r: &R, l: CompactLink<R::Name>) -> Result<StoredLink, DecodeError> {
    Ok(StoredLink {
        case: l.case,
        workflow: r.name(l.workflow)?,
        link: r.name(l.link)?,
    })
}

/// [`StoredEventKind`], variant for variant. The order of the variants is the format: a new
/// kind goes at the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Kind<N, D, V> {
    Opened {
        workflow: N,
        version: V,
        profile: Option<N>,
        settings: D,
        state: N,
        data: D,
        origin: Option<CompactLink<N>>,
        unit: Option<N>,
        officer: Option<N>,
        published: Option<CompactPins>,
        external: Option<(N, String)>,
        crypto: u8,
    },
    Fired {
        transition: N,
        from: N,
        to: N,
        changes: D,
        note: Option<String>,
    },
    Amended {
        changes: D,
        reason: String,
        previous: Option<D>,
        overrules: Vec<(N, String)>,
    },
    DeadlineSet {
        name: N,
        title: N,
        due: At,
        remind_at: Option<At>,
        provisional: bool,
        on_breach: Option<N>,
        keep: bool,
        every: Option<N>,
        counted: Option<(At, N, Option<N>)>,
    },
    DeadlineAdjusted {
        name: N,
        due: At,
        remind_at: Option<At>,
        provisional: bool,
    },
    DeadlineCancelled {
        name: N,
        reason: String,
    },
    DeadlineReminded {
        name: N,
    },
    DeadlineBreached {
        name: N,
        due: At,
    },
    LetterRequested {
        key: N,
        transition: Option<N>,
    },
    LetterIssued {
        letter: String,
        key: N,
        number: Option<String>,
        role: N,
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
        child: CompactLink<N>,
    },
    Transferred {
        from: Option<N>,
        to: N,
        officer: Option<N>,
        reason: Option<String>,
    },
    Migrated {
        from_version: V,
        to_version: V,
        from_state: N,
        to_state: N,
        reason: String,
    },
    Imported {
        file: String,
        file_sha256: Digest,
        line: u64,
    },
}

type KindOf<F> = Kind<<F as Form>::Name, <F as Form>::Data, <F as Form>::Version>;
type EventOf<F> = Event<<F as Form>::Name, <F as Form>::Data, <F as Form>::Version>;

fn kind<W: Writes>(k: &StoredEventKind, w: &mut W) -> Result<KindOf<W>, DecodeError> {
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
            workflow: w.name(workflow)?,
            version: w.version(version)?,
            profile: w.names(profile.as_ref())?,
            settings: w.data(settings)?,
            state: w.name(state)?,
            data: w.data(data)?,
            origin: match origin {
                Some(l) => Some(link_of(w, l.case.clone(), &l.workflow, &l.link)?),
                None => None,
            },
            unit: w.names(unit.as_ref())?,
            officer: w.names(officer.as_ref())?,
            published: published.as_ref().map(pins),
            external: match external {
                Some(e) => Some((w.name(&e.source)?, e.id.clone())),
                None => None,
            },
            crypto: profile_byte(*crypto),
        },
        StoredEventKind::Fired {
            transition,
            from,
            to,
            changes,
            note,
        } => Kind::Fired {
            transition: w.name(transition)?,
            from: w.name(from)?,
            to: w.name(to)?,
            changes: w.data(changes)?,
            note: note.clone(),
        },
        StoredEventKind::Amended {
            changes,
            reason,
            previous,
            overrules,
        } => Kind::Amended {
            changes: w.data(changes)?,
            reason: reason.clone(),
            previous: previous.as_ref().map(|p| w.data(p)).transpose()?,
            overrules: overrules
                .iter()
                .map(|o| Ok((w.name(&o.transition)?, o.guard.clone())))
                .collect::<Result<_, DecodeError>>()?,
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
            name: w.name(name)?,
            title: w.name(title)?,
            due: At::of(*due),
            remind_at: at_opt(*remind_at),
            provisional: *provisional,
            on_breach: w.names(on_breach.as_ref())?,
            keep: *keep,
            every: w.names(every.as_ref())?,
            counted: match counted {
                Some(c) => Some((
                    At::of(c.from),
                    w.name(&c.period)?,
                    w.names(c.remind_before.as_ref())?,
                )),
                None => None,
            },
        },
        StoredEventKind::DeadlineAdjusted {
            name,
            due,
            remind_at,
            provisional,
        } => Kind::DeadlineAdjusted {
            name: w.name(name)?,
            due: At::of(*due),
            remind_at: at_opt(*remind_at),
            provisional: *provisional,
        },
        StoredEventKind::DeadlineCancelled { name, reason } => Kind::DeadlineCancelled {
            name: w.name(name)?,
            reason: reason.clone(),
        },
        StoredEventKind::DeadlineReminded { name } => Kind::DeadlineReminded {
            name: w.name(name)?,
        },
        StoredEventKind::DeadlineBreached { name, due } => Kind::DeadlineBreached {
            name: w.name(name)?,
            due: At::of(*due),
        },
        StoredEventKind::LetterRequested { key, transition } => Kind::LetterRequested {
            key: w.name(key)?,
            transition: w.names(transition.as_ref())?,
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
            key: w.name(key)?,
            number: number.clone(),
            role: w.name(role)?,
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
            child: link_of(w, child.case.clone(), &child.workflow, &child.link)?,
        },
        StoredEventKind::Transferred {
            from,
            to,
            officer,
            reason,
        } => Kind::Transferred {
            from: w.names(from.as_ref())?,
            to: w.name(to)?,
            officer: w.names(officer.as_ref())?,
            reason: reason.clone(),
        },
        StoredEventKind::Migrated {
            from_version,
            to_version,
            from_state,
            to_state,
            reason,
        } => Kind::Migrated {
            from_version: w.version(from_version)?,
            to_version: w.version(to_version)?,
            from_state: w.name(from_state)?,
            to_state: w.name(to_state)?,
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

fn stored_kind<R: Reads>(k: KindOf<R>, r: &R) -> Result<StoredEventKind, DecodeError> {
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
            workflow: r.name(workflow)?,
            version: r.version(version)?,
            profile: r.names(profile)?,
            settings: r.data(settings)?,
            state: r.name(state)?,
            data: r.data(data)?,
            origin: origin.map(|l| stored_link(r, l)).transpose()?,
            unit: r.names(unit)?,
            officer: r.names(officer)?,
            published: published.map(pins_of),
            external: match external {
                Some((source, id)) => Some(ExternalId {
                    source: r.name(source)?,
                    id,
                }),
                None => None,
            },
            crypto: profile_of(crypto)?,
        },
        Kind::Fired {
            transition,
            from,
            to,
            changes,
            note,
        } => StoredEventKind::Fired {
            transition: r.name(transition)?,
            from: r.name(from)?,
            to: r.name(to)?,
            changes: r.data(changes)?,
            note,
        },
        Kind::Amended {
            changes,
            reason,
            previous,
            overrules,
        } => StoredEventKind::Amended {
            changes: r.data(changes)?,
            reason,
            previous: previous.map(|p| r.data(p)).transpose()?,
            overrules: overrules
                .into_iter()
                .map(|(transition, guard)| {
                    Ok(StoredOverruled {
                        transition: r.name(transition)?,
                        guard,
                    })
                })
                .collect::<Result<_, DecodeError>>()?,
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
            name: r.name(name)?,
            title: r.name(title)?,
            due: due.instant()?,
            remind_at: instant_opt(remind_at)?,
            provisional,
            on_breach: r.names(on_breach)?,
            keep,
            every: r.names(every)?,
            counted: match counted {
                Some((from, period, remind_before)) => Some(StoredCounted {
                    from: from.instant()?,
                    period: r.name(period)?,
                    remind_before: r.names(remind_before)?,
                }),
                None => None,
            },
        },
        Kind::DeadlineAdjusted {
            name,
            due,
            remind_at,
            provisional,
        } => StoredEventKind::DeadlineAdjusted {
            name: r.name(name)?,
            due: due.instant()?,
            remind_at: instant_opt(remind_at)?,
            provisional,
        },
        Kind::DeadlineCancelled { name, reason } => StoredEventKind::DeadlineCancelled {
            name: r.name(name)?,
            reason,
        },
        Kind::DeadlineReminded { name } => StoredEventKind::DeadlineReminded {
            name: r.name(name)?,
        },
        Kind::DeadlineBreached { name, due } => StoredEventKind::DeadlineBreached {
            name: r.name(name)?,
            due: due.instant()?,
        },
        Kind::LetterRequested { key, transition } => StoredEventKind::LetterRequested {
            key: r.name(key)?,
            transition: r.names(transition)?,
        },
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
            key: r.name(key)?,
            number,
            role: r.name(role)?,
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
            child: stored_link(r, child)?,
        },
        Kind::Transferred {
            from,
            to,
            officer,
            reason,
        } => StoredEventKind::Transferred {
            from: r.names(from)?,
            to: r.name(to)?,
            officer: r.names(officer)?,
            reason,
        },
        Kind::Migrated {
            from_version,
            to_version,
            from_state,
            to_state,
            reason,
        } => StoredEventKind::Migrated {
            from_version: r.version(from_version)?,
            to_version: r.version(to_version)?,
            from_state: r.name(from_state)?,
            to_state: r.name(to_state)?,
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

fn event_of<W: Writes>(
    stored: &StoredEvent,
    previous: Option<&ChainHash>,
    w: &mut W,
) -> Result<EventOf<W>, DecodeError> {
    let prev = if stored.prev.as_ref() == previous {
        Prev::Follows
    } else {
        Prev::Given(stored.prev.as_ref().map(digest))
    };
    let occurred_after = stored.occurred_at.as_nanosecond() - stored.recorded_at.as_nanosecond();
    Ok(Event {
        hash: stored.hash.as_ref().map(digest),
        prev,
        seq: stored.seq,
        recorded_at: At::of(stored.recorded_at),
        occurred_after,
        actor: w.name(&stored.actor)?,
        role: w.name(&stored.role)?,
        kind: kind(&stored.kind, w)?,
    })
}

fn stored_event<R: Reads>(
    e: EventOf<R>,
    previous: Option<&ChainHash>,
    r: &R,
) -> Result<StoredEvent, DecodeError> {
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
        actor: r.name(e.actor)?,
        role: r.name(e.role)?,
        kind: stored_kind(e.kind, r)?,
        prev: match e.prev {
            Prev::Follows => previous.cloned(),
            Prev::Given(p) => p.map(chain_hash),
        },
        hash: e.hash.map(chain_hash),
    })
}

/// The format-9 record of `stored` (what `db migrate` step 9 writes), given the hash of the
/// record before it in its case's history (None for the first).
pub fn encode_event_nine(
    stored: &StoredEvent,
    previous: Option<&ChainHash>,
) -> Result<Vec<u8>, DecodeError> {
    to_record(EVENT_TAG, &event_of(stored, previous, &mut Nine)?)
}

/// The format-10 record of `stored` (what this build writes), its names numbered by `names`.
pub fn encode_event(
    stored: &StoredEvent,
    previous: Option<&ChainHash>,
    names: &mut dyn Interner,
) -> Result<Vec<u8>, DecodeError> {
    to_record(EVENT_TEN_TAG, &event_of(stored, previous, &mut Ten(names))?)
}

/// Reads a compact event record of either format, given the hash of the record before it.
pub fn decode_event(
    bytes: &[u8],
    previous: Option<&ChainHash>,
    names: &dyn NameLookup,
) -> Result<StoredEvent, DecodeError> {
    if bytes.first() == Some(&EVENT_TEN_TAG) {
        let r = TenRead(names);
        let e: EventOf<TenRead> = from_record(EVENT_TEN_TAG, "event", bytes)?;
        stored_event(e, previous, &r)
    } else {
        let e: EventOf<Nine> = from_record(EVENT_TAG, "event", bytes)?;
        stored_event(e, previous, &Nine)
    }
}

/// The chain hash a compact event record (of either format) carries, read from its first
/// field alone: what the writer compares with the head it chains on. None when the record has
/// none or that field does not read.
pub fn event_hash(bytes: &[u8]) -> Option<ChainHash> {
    match bytes.split_first() {
        Some((t, body)) if *t == EVENT_TAG || *t == EVENT_TEN_TAG => {
            let (hash, _) = postcard::take_from_bytes::<Option<Digest>>(body).ok()?;
            hash.map(chain_hash)
        }
        _ => None,
    }
}

/// A case snapshot. The snapshot is a cache of what the events replay to; its fields are the
/// [`Case`]'s, with the collections a closed case rarely keeps (deadlines, letters, links) as
/// JSON text (`{}` or `[]`, three bytes, when empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Snapshot<N, D, V> {
    id: String,
    workflow: N,
    version: V,
    profile: Option<N>,
    settings: D,
    state: N,
    data: D,
    seq: u32,
    opened_at: At,
    updated_at: At,
    deadlines: String,
    letters: String,
    issued: String,
    origin: Option<CompactLink<N>>,
    spawned: String,
    head: Option<Digest>,
    unit: Option<N>,
    officer: Option<N>,
    published: Option<CompactPins>,
    external: Option<(N, String)>,
    crypto: u8,
}

type SnapshotOf<F> = Snapshot<<F as Form>::Name, <F as Form>::Data, <F as Form>::Version>;

fn json<T: Serialize>(what: &str, v: &T) -> Result<String, DecodeError> {
    serde_json::to_string(v).map_err(|e| corrupt(what, e))
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn snapshot_of<W: Writes>(case: &Case, w: &mut W) -> Result<SnapshotOf<W>, DecodeError> {
    Ok(Snapshot {
        id: case.id.to_string(),
        workflow: w.name(&case.workflow)?,
        version: w.version(&case.version.0)?,
        profile: w.names(case.profile.as_ref())?,
        settings: w.data(&case.settings)?,
        state: w.name(&case.state)?,
        data: w.data(&case.data)?,
        seq: case.seq,
        opened_at: At::of(case.opened_at),
        updated_at: At::of(case.updated_at),
        deadlines: json("deadlines", &case.deadlines)?,
        letters: json("letters", &case.letters)?,
        issued: json("issued", &case.issued)?,
        origin: match &case.origin {
            Some(l) => Some(link_of(w, l.case.to_string(), &l.workflow, &l.link)?),
            None => None,
        },
        spawned: json("spawned", &case.spawned)?,
        head: case.head.as_ref().map(digest),
        unit: w.names(case.unit.as_ref())?,
        officer: w.names(case.officer.as_ref())?,
        published: case.published.as_ref().map(pins),
        external: match &case.external {
            Some(e) => Some((w.name(&e.source)?, e.id.clone())),
            None => None,
        },
        crypto: profile_byte(case.crypto),
    })
}

/// How much of a snapshot a reader wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// All of the case.
    Whole,
    /// The case without its deadlines, letters asked for or issued, and spawned links (left
    /// empty): what a row of a listing shows and selects by. Their JSON is most of a
    /// snapshot's decoding.
    Listed,
}

fn case_of<R: Reads>(s: SnapshotOf<R>, r: &R, reading: Reading) -> Result<Case, DecodeError> {
    let id = |text: &str| {
        text.parse()
            .map_err(|e: crate::case::BadCaseId| corrupt("snapshot", e))
    };
    let origin = match s.origin {
        Some(l) => {
            let l = stored_link(r, l)?;
            Some(Link {
                case: id(&l.case)?,
                workflow: l.workflow,
                link: l.link,
            })
        }
        None => None,
    };
    Ok(Case {
        id: id(&s.id)?,
        workflow: r.name(s.workflow)?,
        version: VersionHash(r.version(s.version)?),
        profile: r.names(s.profile)?,
        settings: r.data(s.settings)?,
        state: r.name(s.state)?,
        data: r.data(s.data)?,
        seq: s.seq,
        opened_at: s.opened_at.instant()?,
        updated_at: s.updated_at.instant()?,
        deadlines: match reading {
            Reading::Whole => from_json::<std::collections::BTreeMap<String, OpenDeadline>>(
                "deadlines",
                &s.deadlines,
            )?,
            Reading::Listed => Default::default(),
        },
        letters: match reading {
            Reading::Whole => from_json::<Vec<LetterRequest>>("letters", &s.letters)?,
            Reading::Listed => Vec::new(),
        },
        issued: match reading {
            Reading::Whole => from_json::<Vec<CaseLetter>>("issued", &s.issued)?,
            Reading::Listed => Vec::new(),
        },
        origin,
        spawned: match reading {
            Reading::Whole => from_json::<Vec<Link>>("spawned", &s.spawned)?,
            Reading::Listed => Vec::new(),
        },
        head: s.head.map(chain_hash),
        unit: r.names(s.unit)?,
        officer: r.names(s.officer)?,
        published: s.published.map(pins_of),
        external: match s.external {
            Some((source, id)) => Some(ExternalId {
                source: r.name(source)?,
                id,
            }),
            None => None,
        },
        crypto: profile_of(s.crypto)?,
    })
}

/// The format-9 snapshot of a case (what `db migrate` step 9 writes).
pub fn encode_case_nine(case: &Case) -> Result<Vec<u8>, DecodeError> {
    to_record(CASE_TAG, &snapshot_of(case, &mut Nine)?)
}

/// The format-10 snapshot of a case (what this build writes).
pub fn encode_case(case: &Case, names: &mut dyn Interner) -> Result<Vec<u8>, DecodeError> {
    to_record(CASE_TEN_TAG, &snapshot_of(case, &mut Ten(names))?)
}

/// Reads a compact snapshot of either format, of as much as `reading` asks for.
pub fn decode_case_as(
    bytes: &[u8],
    names: &dyn NameLookup,
    reading: Reading,
) -> Result<Case, DecodeError> {
    if bytes.first() == Some(&CASE_TEN_TAG) {
        let r = TenRead(names);
        let s: SnapshotOf<TenRead> = from_record(CASE_TEN_TAG, "snapshot", bytes)?;
        case_of(s, &r, reading)
    } else {
        let s: SnapshotOf<Nine> = from_record(CASE_TAG, "snapshot", bytes)?;
        case_of(s, &Nine, reading)
    }
}

/// An outbox entry. `id` is `{case}#{seq}` for every entry this build writes: the number alone
/// is kept then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Outbox<N> {
    id: EventId,
    kind: u8,
    case: String,
    workflow: N,
    unit: Option<N>,
    state: N,
    letter: Option<String>,
    deadline: Option<N>,
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

fn outbox_of<W: Writes>(entry: &OutboxEntry, w: &mut W) -> Result<Outbox<W::Name>, DecodeError> {
    let id = entry
        .id
        .strip_prefix(entry.case.as_str())
        .and_then(|rest| rest.strip_prefix('#'))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| crate::app::outbox::event_id(&entry.case, *n) == entry.id)
        .map_or_else(|| EventId::Text(entry.id.clone()), EventId::Seq);
    Ok(Outbox {
        id,
        kind: outbox_kind_byte(entry.kind),
        case: entry.case.clone(),
        workflow: w.name(&entry.workflow)?,
        unit: w.names(entry.unit.as_ref())?,
        state: w.name(&entry.state)?,
        letter: entry.letter.clone(),
        deadline: w.names(entry.deadline.as_ref())?,
        at: At::of(entry.at),
    })
}

fn entry_of<R: Reads>(
    o: Outbox<R::Name>,
    position: u64,
    r: &R,
) -> Result<OutboxEntry, DecodeError> {
    Ok(OutboxEntry {
        position,
        id: match o.id {
            EventId::Seq(n) => crate::app::outbox::event_id(&o.case, n),
            EventId::Text(t) => t,
        },
        kind: outbox_kind_of(o.kind)?,
        case: o.case,
        workflow: r.name(o.workflow)?,
        unit: r.names(o.unit)?,
        state: r.name(o.state)?,
        letter: o.letter,
        deadline: r.names(o.deadline)?,
        at: o.at.instant()?,
    })
}

/// The format-9 record of an outbox entry (what `db migrate` step 9 writes).
pub fn encode_outbox_nine(entry: &OutboxEntry) -> Result<Vec<u8>, DecodeError> {
    to_record(OUTBOX_TAG, &outbox_of(entry, &mut Nine)?)
}

/// The format-10 record of an outbox entry (its position is the key).
pub fn encode_outbox(
    entry: &OutboxEntry,
    names: &mut dyn Interner,
) -> Result<Vec<u8>, DecodeError> {
    to_record(OUTBOX_TEN_TAG, &outbox_of(entry, &mut Ten(names))?)
}

/// Reads a compact outbox entry of either format stored at `position`.
pub fn decode_outbox(
    bytes: &[u8],
    position: u64,
    names: &dyn NameLookup,
) -> Result<OutboxEntry, DecodeError> {
    if bytes.first() == Some(&OUTBOX_TEN_TAG) {
        let r = TenRead(names);
        let o: Outbox<u32> = from_record(OUTBOX_TEN_TAG, "outbox entry", bytes)?;
        entry_of(o, position, &r)
    } else {
        let o: Outbox<String> = from_record(OUTBOX_TAG, "outbox entry", bytes)?;
        entry_of(o, position, &Nine)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::super::{
        NoNames, StoredCounted, StoredEvent, StoredEventKind, StoredLink, StoredOverruled,
        compact_event, compact_event_nine, decode_event, encode,
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

        /// Decode ∘ encode is the identity on stored events in both compact formats, so every
        /// reader sees the same event, the chain hashes the same canonical JSON, and the JSON
        /// record written back for an export is the one the compact record was made from.
        #[test]
        fn a_compact_event_reads_back_as_the_event_and_its_json_record((stored, previous) in event()) {
            let mut names = NamesInMemory::default();
            let nine = encode_event_nine(&stored, previous.as_ref()).expect("encodes");
            prop_assert_eq!(nine[0], EVENT_TAG);
            let ten = encode_event(&stored, previous.as_ref(), &mut names).expect("encodes");
            prop_assert_eq!(ten[0], EVENT_TEN_TAG);
            // Format 9 needs no dictionary; format 10 reads with the one it was written with.
            prop_assert_eq!(decode_event(&nine, previous.as_ref(), &NoNames).expect("decodes"), stored.clone());
            let back = decode_event(&ten, previous.as_ref(), &names).expect("decodes");
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
            // The migration's and the import's paths: from the JSON record, when it gives it
            // back exactly.
            if let Some(made) = compact_event_nine(&json, previous.as_ref()) {
                prop_assert_eq!(decode_event(&made, previous.as_ref(), &NoNames).expect("decodes"), stored.clone());
            }
            if let Some(made) = compact_event(&json, previous.as_ref(), &mut names).expect("names") {
                prop_assert_eq!(decode_event(&made, previous.as_ref(), &names).expect("decodes"), stored);
            }
        }

        /// A damaged record is an error, never a panic or a different event read as good.
        #[test]
        fn damaged_compact_records_are_errors((stored, previous) in event(), at in any::<usize>(), byte in any::<u8>(), cut in any::<bool>(), ten in any::<bool>()) {
            let mut names = NamesInMemory::default();
            let mut bytes = if ten {
                encode_event(&stored, previous.as_ref(), &mut names).expect("encodes")
            } else {
                encode_event_nine(&stored, previous.as_ref()).expect("encodes")
            };
            let at = at % bytes.len();
            if cut {
                bytes.truncate(at);
                prop_assert!(decode_event(&bytes, previous.as_ref(), &names).is_err() || !matches!(bytes.first(), Some(&EVENT_TAG | &EVENT_TEN_TAG)));
            } else {
                bytes[at] = byte;
                let _ = decode_event(&bytes, previous.as_ref(), &names);
            }
        }

        #[test]
        fn arbitrary_bytes_after_the_tag_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let names = NamesInMemory(vec!["a".into(), "b".into()]);
            for tags in [[EVENT_TAG, CASE_TAG, OUTBOX_TAG], [EVENT_TEN_TAG, CASE_TEN_TAG, OUTBOX_TEN_TAG]] {
                let mut bytes = vec![tags[0]];
                bytes.extend(&body);
                let _ = decode_event(&bytes, None, &names);
                bytes[0] = tags[1];
                let _ = decode_case_as(&bytes, &names, Reading::Whole);
                bytes[0] = tags[2];
                let _ = decode_outbox(&bytes, 1, &names);
            }
        }

        /// Snapshots and outbox entries too read back as they were written, in both formats.
        #[test]
        fn snapshots_and_outbox_entries_read_back(
            (workflow, state, unit) in (text(), text(), proptest::option::of(text())),
            (data, settings) in (data(), data()),
            seq in 1..u32::MAX,
            at in instant(),
        ) {
            let case = Case {
                id: CaseId::new(2026, 7),
                workflow: workflow.clone(),
                version: VersionHash(crate::chain::hex(&[7; 32])),
                profile: None,
                settings,
                state: state.clone(),
                data,
                seq,
                opened_at: at,
                updated_at: at,
                deadlines: Default::default(),
                letters: Vec::new(),
                issued: Vec::new(),
                origin: None,
                spawned: Vec::new(),
                head: Some(ChainHash(crate::chain::hex(&[9; 32]))),
                unit: unit.clone(),
                officer: Some("李警官".into()),
                published: None,
                external: None,
                crypto: Profile::Standard,
            };
            let mut names = NamesInMemory::default();
            let ten = encode_case(&case, &mut names).expect("encodes");
            prop_assert_eq!(decode_case_as(&ten, &names, Reading::Whole).expect("decodes"), case.clone());
            let nine = encode_case_nine(&case).expect("encodes");
            prop_assert_eq!(decode_case_as(&nine, &NoNames, Reading::Whole).expect("decodes"), case.clone());
            // A listing's read leaves out the links (and deadlines and letters), nothing else.
            let mut linked = case.clone();
            linked.spawned = vec![Link {
                case: CaseId::new(2026, 8),
                workflow: workflow.clone(),
                link: "escalated_to".into(),
            }];
            let bytes = encode_case(&linked, &mut names).expect("encodes");
            prop_assert_eq!(decode_case_as(&bytes, &names, Reading::Whole).expect("decodes"), linked);
            prop_assert_eq!(
                decode_case_as(&bytes, &names, Reading::Listed).expect("decodes"),
                case.clone()
            );
            let entry = OutboxEntry {
                position: 9,
                id: crate::app::outbox::event_id(case.id.as_str(), seq),
                kind: OutboxKind::StateEntered,
                case: case.id.to_string(),
                workflow,
                unit,
                state,
                letter: None,
                deadline: Some("first_visit".into()),
                at,
            };
            let ten = encode_outbox(&entry, &mut names).expect("encodes");
            prop_assert_eq!(decode_outbox(&ten, 9, &names).expect("decodes"), entry.clone());
            let nine = encode_outbox_nine(&entry).expect("encodes");
            prop_assert_eq!(decode_outbox(&nine, 9, &NoNames).expect("decodes"), entry);
        }
    }

    #[test]
    fn a_json_record_that_would_not_come_back_byte_for_byte_is_not_made_compact() {
        let mut names = NamesInMemory::default();
        let record = br#"{"v":1,"body":{"seq":1,"recorded_at":"2026-03-01T10:00:00+08:00","occurred_at":"2026-03-01T02:00:00Z","actor":"a","role":"r","kind":{"t":"deadline_reminded","name":"d"}}}"#;
        assert!(decode_event(record, None, &NoNames).is_ok());
        assert!(compact_event_nine(record, None).is_none());
        assert!(
            compact_event(record, None, &mut names)
                .expect("names")
                .is_none()
        );
        // Nothing was numbered for a record that was not made.
        assert!(names.0.is_empty());
        let unknown = br#"{"v":1,"body":{"seq":1,"recorded_at":"2026-03-01T02:00:00Z","occurred_at":"2026-03-01T02:00:00Z","actor":"a","role":"r","kind":{"t":"deadline_reminded","name":"d"},"later":1}}"#;
        assert!(compact_event_nine(unknown, None).is_none());
        let plain = br#"{"v":1,"body":{"seq":1,"recorded_at":"2026-03-01T02:00:00Z","occurred_at":"2026-03-01T02:00:00Z","actor":"a","role":"r","kind":{"t":"deadline_reminded","name":"d"}}}"#;
        let nine = compact_event_nine(plain, None).expect("compact");
        assert!(nine.len() < plain.len() / 3, "{} bytes", nine.len());
        let ten = compact_event(plain, None, &mut names)
            .expect("names")
            .expect("compact");
        assert!(ten.len() < nine.len(), "{} bytes", ten.len());
    }

    #[test]
    fn trailing_bytes_unknown_tags_and_unknown_names_are_refused() {
        let stored: StoredEvent = super::super::decode(br#"{"v":1,"body":{"seq":1,"recorded_at":"2026-03-01T02:00:00Z","occurred_at":"2026-03-01T02:00:00Z","actor":"a","role":"r","kind":{"t":"deadline_reminded","name":"d"}}}"#).expect("json");
        let mut bytes = encode_event_nine(&stored, None).expect("encodes");
        bytes.push(0);
        assert!(matches!(
            decode_event(&bytes, None, &NoNames),
            Err(DecodeError::Corrupt(_))
        ));
        assert!(super::decode_event(&[0xFF, 1, 2], None, &NoNames).is_err());
        // A format-10 record read without its dictionary (or with another) is an error that
        // says so, never an event with other names.
        let mut names = NamesInMemory::default();
        let ten = encode_event(&stored, None, &mut names).expect("encodes");
        let Err(DecodeError::Corrupt(why)) = decode_event(&ten, None, &NoNames) else {
            panic!("read without its names");
        };
        assert!(why.contains("not in the dictionary"), "{why}");
    }
}
