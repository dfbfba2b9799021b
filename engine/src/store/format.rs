//! What is written to disk. These types are separate from the in-memory ones so that the domain
//! can change without silently changing the file format: events (the truth) are stored as
//! [`StoredEvent`] inside a versioned envelope; case snapshots are a cache that is rebuilt from
//! the events whenever its version is not the current one.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::case::{CancelReason, Case, Event, EventKind, IssuedRef, Link};
use crate::chain::ChainHash;
use crate::definition::{Data, VersionHash};

mod compact;
pub use compact::{
    CASE_TAG, CASE_TEN_TAG, EVENT_TAG, EVENT_TEN_TAG, Interner, NameLookup, NamesInMemory, NoNames,
    OUTBOX_TAG, OUTBOX_TEN_TAG, Reading,
};

/// The version of every record this build writes.
pub const FORMAT_VERSION: u16 = 1;

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    v: u16,
    body: T,
}

/// Serialises a record with the current format version.
pub fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&Envelope {
        v: FORMAT_VERSION,
        body,
    })
}

/// A record that cannot be read back.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "record format version {0} is not supported by this build (it reads version {FORMAT_VERSION})"
    )]
    Version(u16),
    #[error("record does not decode: {0}")]
    Corrupt(String),
}

/// Reads a record written by [`encode`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    #[derive(Deserialize)]
    struct Head {
        v: u16,
    }
    // One parse in the common case; the version is read on its own only to explain a failure.
    match serde_json::from_slice::<Envelope<T>>(bytes) {
        Ok(env) if env.v == FORMAT_VERSION => Ok(env.body),
        Ok(env) => Err(DecodeError::Version(env.v)),
        Err(e) => match serde_json::from_slice::<Head>(bytes) {
            Ok(head) if head.v != FORMAT_VERSION => Err(DecodeError::Version(head.v)),
            _ => Err(DecodeError::Corrupt(e.to_string())),
        },
    }
}

/// Reads a stored event in any form: a JSON record (format version 1) or a compact one (stored
/// format 9, or 10 with its names numbered in `names`). `previous` is the hash of the record
/// before it in its case's history (None for the first), which a compact record does not
/// repeat; [`History`] keeps it.
pub fn decode_event(
    bytes: &[u8],
    previous: Option<&ChainHash>,
    names: &dyn NameLookup,
) -> Result<StoredEvent, DecodeError> {
    if is_compact(bytes, EVENT_TAG, EVENT_TEN_TAG) {
        compact::decode_event(bytes, previous, names)
    } else {
        decode(bytes)
    }
}

fn is_compact(bytes: &[u8], nine: u8, ten: u8) -> bool {
    matches!(bytes.first(), Some(t) if *t == nine || *t == ten)
}

/// The chain hash a stored event record carries, as [`decode_event`] would give it; of a
/// compact record only the first field is read. None when the record has none (written before
/// chaining) or does not decode.
pub fn event_hash(bytes: &[u8]) -> Option<ChainHash> {
    if is_compact(bytes, EVENT_TAG, EVENT_TEN_TAG) {
        compact::event_hash(bytes)
    } else {
        decode::<StoredEvent>(bytes).ok().and_then(|s| s.hash)
    }
}

/// The compact record of an event (what this build writes: format 10), given the hash of the
/// record before it in its case's history; new names are numbered by `names`.
pub fn encode_event(
    stored: &StoredEvent,
    previous: Option<&ChainHash>,
    names: &mut dyn Interner,
) -> Result<Vec<u8>, DecodeError> {
    compact::encode_event(stored, previous, names)
}

/// The JSON record (format version 1) of a stored event, as `wardflow export` writes it: a JSON
/// record as it is, a compact one (`stored`, as read) written back as the JSON record it was
/// made from.
pub fn event_json<'b>(
    bytes: &'b [u8],
    stored: &StoredEvent,
) -> Result<std::borrow::Cow<'b, [u8]>, DecodeError> {
    if is_compact(bytes, EVENT_TAG, EVENT_TEN_TAG) {
        encode(stored)
            .map(std::borrow::Cow::Owned)
            .map_err(|e| DecodeError::Corrupt(e.to_string()))
    } else {
        Ok(std::borrow::Cow::Borrowed(bytes))
    }
}

/// The stored event of a JSON record when its compact form would give that JSON record back
/// byte for byte; None when it would not (a record with fields this build does not know,
/// another spelling of an instant, a record that does not decode, one already compact): such
/// a record is kept as it is, which every reader still reads.
fn exactly_compactable(json: &[u8]) -> Option<StoredEvent> {
    if is_compact(json, EVENT_TAG, EVENT_TEN_TAG) {
        return None;
    }
    let stored: StoredEvent = decode(json).ok()?;
    (encode(&stored).ok()? == json).then_some(stored)
}

/// The format-9 record of a stored event (what `db migrate` step 9 wrote).
pub fn encode_event_nine(
    stored: &StoredEvent,
    previous: Option<&ChainHash>,
) -> Result<Vec<u8>, DecodeError> {
    compact::encode_event_nine(stored, previous)
}

/// The format-9 record of a JSON event record (`db migrate` step 9), when it gives that JSON
/// record back byte for byte; see [`exactly_compactable`].
pub fn compact_event_nine(json: &[u8], previous: Option<&ChainHash>) -> Option<Vec<u8>> {
    let stored = exactly_compactable(json)?;
    let bytes = compact::encode_event_nine(&stored, previous).ok()?;
    (compact::decode_event(&bytes, previous, &NoNames).ok()? == stored).then_some(bytes)
}

/// The format-10 record of a JSON event record (`import`), when it gives that JSON record back
/// byte for byte; see [`exactly_compactable`]. Names are numbered by `names` only when the
/// record is made.
pub fn compact_event(
    json: &[u8],
    previous: Option<&ChainHash>,
    names: &mut dyn Interner,
) -> Result<Option<Vec<u8>>, DecodeError> {
    let Some(stored) = exactly_compactable(json) else {
        return Ok(None);
    };
    let bytes = compact::encode_event(&stored, previous, names)?;
    Ok((compact::decode_event(&bytes, previous, names).ok() == Some(stored)).then_some(bytes))
}

/// A case's stored events read in order: keeps the hash of the record before each, which a
/// compact record leaves out.
#[derive(Debug, Default)]
pub struct History {
    previous: Option<ChainHash>,
}

impl History {
    pub fn new() -> Self {
        History::default()
    }

    /// The hash of the last record read (None after one that did not decode).
    pub fn previous(&self) -> Option<&ChainHash> {
        self.previous.as_ref()
    }

    /// Reads the next record of the case, its names looked up in `names`.
    pub fn next(
        &mut self,
        bytes: &[u8],
        names: &dyn NameLookup,
    ) -> Result<StoredEvent, DecodeError> {
        let read = decode_event(bytes, self.previous.as_ref(), names);
        self.previous = read.as_ref().ok().and_then(|s| s.hash.clone());
        read
    }
}

/// The compact record of an outbox entry (what this build writes: format 10).
pub fn encode_outbox(
    entry: &crate::app::outbox::OutboxEntry,
    names: &mut dyn Interner,
) -> Result<Vec<u8>, DecodeError> {
    compact::encode_outbox(entry, names)
}

/// The format-9 record of an outbox entry (`db migrate` step 9).
pub fn encode_outbox_nine(entry: &crate::app::outbox::OutboxEntry) -> Result<Vec<u8>, DecodeError> {
    compact::encode_outbox_nine(entry)
}

/// Reads an outbox entry stored at `position`, in any form.
pub fn decode_outbox(
    bytes: &[u8],
    position: u64,
    names: &dyn NameLookup,
) -> Result<crate::app::outbox::OutboxEntry, DecodeError> {
    if is_compact(bytes, OUTBOX_TAG, OUTBOX_TEN_TAG) {
        compact::decode_outbox(bytes, position, names)
    } else {
        decode(bytes)
    }
}

/// The compact snapshot of a case (what this build writes: format 10).
pub fn encode_case(case: &Case, names: &mut dyn Interner) -> Result<Vec<u8>, DecodeError> {
    compact::encode_case(case, names)
}

/// The format-9 snapshot of a case (`db migrate` step 9).
pub fn encode_case_nine(case: &Case) -> Result<Vec<u8>, DecodeError> {
    compact::encode_case_nine(case)
}

/// Reads a case snapshot in any form: JSON (format version 1) or compact.
pub fn decode_case(bytes: &[u8], names: &dyn NameLookup) -> Result<Case, DecodeError> {
    decode_case_as(bytes, names, Reading::Whole)
}

/// [`decode_case`], of as much as `reading` asks for (a JSON snapshot is read whole).
pub fn decode_case_as(
    bytes: &[u8],
    names: &dyn NameLookup,
    reading: Reading,
) -> Result<Case, DecodeError> {
    if is_compact(bytes, CASE_TAG, CASE_TEN_TAG) {
        compact::decode_case_as(bytes, names, reading)
    } else {
        decode(bytes)
    }
}

/// An event as stored (format version 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub seq: u32,
    pub recorded_at: jiff::Timestamp,
    pub occurred_at: jiff::Timestamp,
    pub actor: String,
    pub role: String,
    pub kind: StoredEventKind,
    /// The chain hash of the previous event (absent on a case's first event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<crate::chain::ChainHash>,
    /// This event's chain hash (see `chain`); absent on events written before chaining.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<crate::chain::ChainHash>,
}

/// What a deadline was counted from, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCounted {
    pub from: jiff::Timestamp,
    pub period: String,
    pub remind_before: Option<String>,
}

/// A guard an administrator's correction overruled, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredOverruled {
    pub transition: String,
    pub guard: String,
}

/// A link between cases as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredLink {
    pub case: String,
    pub workflow: String,
    pub link: String,
}

/// The event payloads as stored (format version 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum StoredEventKind {
    Opened {
        workflow: String,
        version: String,
        profile: Option<String>,
        settings: Data,
        state: String,
        data: Data,
        origin: Option<StoredLink>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        officer: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published: Option<crate::case::Pins>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external: Option<crate::case::ExternalId>,
        #[serde(default, skip_serializing_if = "crate::crypto::Profile::is_standard")]
        crypto: crate::crypto::Profile,
    },
    Fired {
        transition: String,
        from: String,
        to: String,
        changes: Data,
        note: Option<String>,
    },
    Amended {
        changes: Data,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<Data>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        overrules: Vec<StoredOverruled>,
    },
    DeadlineSet {
        name: String,
        title: String,
        due: jiff::Timestamp,
        remind_at: Option<jiff::Timestamp>,
        provisional: bool,
        on_breach: Option<String>,
        keep: bool,
        every: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counted: Option<StoredCounted>,
    },
    DeadlineAdjusted {
        name: String,
        due: jiff::Timestamp,
        remind_at: Option<jiff::Timestamp>,
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
        due: jiff::Timestamp,
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
        html_sha256: String,
        text_sha256: String,
        code: String,
        request: Option<u32>,
        replaces: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pdf_sha256: Option<String>,
        #[serde(
            default,
            skip_serializing_if = "crate::crypto::HashAlgorithm::is_sha256"
        )]
        digest_algorithm: crate::crypto::HashAlgorithm,
    },
    LetterVoided {
        letter: String,
        reason: String,
    },
    Spawned {
        child: StoredLink,
    },
    Transferred {
        from: Option<String>,
        to: String,
        officer: Option<String>,
        reason: Option<String>,
    },
    Migrated {
        from_version: String,
        to_version: String,
        from_state: String,
        to_state: String,
        reason: String,
    },
    Imported {
        file: String,
        file_sha256: String,
        line: u64,
    },
}

fn store_link(l: &Link) -> StoredLink {
    StoredLink {
        case: l.case.to_string(),
        workflow: l.workflow.clone(),
        link: l.link.clone(),
    }
}

fn load_link(l: StoredLink) -> Result<Link, DecodeError> {
    Ok(Link {
        case: l
            .case
            .parse()
            .map_err(|e: crate::case::BadCaseId| DecodeError::Corrupt(e.to_string()))?,
        workflow: l.workflow,
        link: l.link,
    })
}

fn reason_name(r: CancelReason) -> &'static str {
    match r {
        CancelReason::LeftState => "left_state",
        CancelReason::FinalState => "final_state",
        CancelReason::Replaced => "replaced",
        CancelReason::Met => "met",
        CancelReason::Migrated => "migrated",
    }
}

impl From<&Event> for StoredEvent {
    fn from(e: &Event) -> Self {
        let kind = match &e.kind {
            EventKind::Opened {
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
                workflow: workflow.clone(),
                version: version.0.clone(),
                profile: profile.clone(),
                settings: settings.clone(),
                state: state.clone(),
                data: data.clone(),
                unit: unit.clone(),
                officer: officer.clone(),
                origin: origin.as_ref().map(store_link),
                published: published.clone(),
                external: external.clone(),
                crypto: *crypto,
            },
            EventKind::Fired {
                transition,
                from,
                to,
                changes,
                note,
            } => StoredEventKind::Fired {
                transition: transition.clone(),
                from: from.clone(),
                to: to.clone(),
                changes: changes.clone(),
                note: note.clone(),
            },
            EventKind::Amended {
                changes,
                reason,
                previous,
                overrules,
            } => StoredEventKind::Amended {
                changes: changes.clone(),
                reason: reason.clone(),
                previous: previous.clone(),
                overrules: overrules
                    .iter()
                    .map(|o| StoredOverruled {
                        transition: o.transition.clone(),
                        guard: o.guard.clone(),
                    })
                    .collect(),
            },
            EventKind::DeadlineSet {
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
                name: name.clone(),
                title: title.clone(),
                due: *due,
                remind_at: *remind_at,
                provisional: *provisional,
                on_breach: on_breach.clone(),
                keep: *keep,
                every: every.clone(),
                counted: counted.as_ref().map(|c| StoredCounted {
                    from: c.from,
                    period: c.period.clone(),
                    remind_before: c.remind_before.clone(),
                }),
            },
            EventKind::DeadlineAdjusted {
                name,
                due,
                remind_at,
                provisional,
            } => StoredEventKind::DeadlineAdjusted {
                name: name.clone(),
                due: *due,
                remind_at: *remind_at,
                provisional: *provisional,
            },
            EventKind::DeadlineCancelled { name, reason } => StoredEventKind::DeadlineCancelled {
                name: name.clone(),
                reason: reason_name(*reason).to_owned(),
            },
            EventKind::DeadlineReminded { name } => {
                StoredEventKind::DeadlineReminded { name: name.clone() }
            }
            EventKind::DeadlineBreached { name, due } => StoredEventKind::DeadlineBreached {
                name: name.clone(),
                due: *due,
            },
            EventKind::LetterRequested { key, transition } => StoredEventKind::LetterRequested {
                key: key.clone(),
                transition: transition.clone(),
            },
            EventKind::LetterIssued(l) => StoredEventKind::LetterIssued {
                letter: l.letter.clone(),
                key: l.key.clone(),
                number: l.number.clone(),
                role: l.role.clone(),
                html_sha256: l.html_sha256.clone(),
                text_sha256: l.text_sha256.clone(),
                code: l.code.clone(),
                request: l.request,
                replaces: l.replaces.clone(),
                pdf_sha256: l.pdf_sha256.clone(),
                digest_algorithm: l.digest_algorithm,
            },
            EventKind::LetterVoided { letter, reason } => StoredEventKind::LetterVoided {
                letter: letter.clone(),
                reason: reason.clone(),
            },
            EventKind::Spawned { child } => StoredEventKind::Spawned {
                child: store_link(child),
            },
            EventKind::Transferred {
                from,
                to,
                officer,
                reason,
            } => StoredEventKind::Transferred {
                from: from.clone(),
                to: to.clone(),
                officer: officer.clone(),
                reason: reason.clone(),
            },
            EventKind::Migrated {
                from_version,
                to_version,
                from_state,
                to_state,
                reason,
            } => StoredEventKind::Migrated {
                from_version: from_version.0.clone(),
                to_version: to_version.0.clone(),
                from_state: from_state.clone(),
                to_state: to_state.clone(),
                reason: reason.clone(),
            },
            EventKind::Imported {
                file,
                file_sha256,
                line,
            } => StoredEventKind::Imported {
                file: file.clone(),
                file_sha256: file_sha256.clone(),
                line: *line,
            },
        };
        StoredEvent {
            seq: e.seq,
            recorded_at: e.recorded_at,
            occurred_at: e.occurred_at,
            actor: e.actor.clone(),
            role: e.role.clone(),
            kind,
            prev: None,
            hash: None,
        }
    }
}

impl TryFrom<StoredEvent> for Event {
    type Error = DecodeError;
    fn try_from(e: StoredEvent) -> Result<Self, DecodeError> {
        let kind = match e.kind {
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
            } => EventKind::Opened {
                workflow,
                version: VersionHash(version),
                profile,
                settings,
                state,
                data,
                unit,
                officer,
                origin: origin.map(load_link).transpose()?,
                published,
                external,
                crypto,
            },
            StoredEventKind::Fired {
                transition,
                from,
                to,
                changes,
                note,
            } => EventKind::Fired {
                transition,
                from,
                to,
                changes,
                note,
            },
            StoredEventKind::Amended {
                changes,
                reason,
                previous,
                overrules,
            } => EventKind::Amended {
                changes,
                reason,
                previous,
                overrules: overrules
                    .into_iter()
                    .map(|o| crate::case::Overruled {
                        transition: o.transition,
                        guard: o.guard,
                    })
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
            } => EventKind::DeadlineSet {
                name,
                title,
                due,
                remind_at,
                provisional,
                on_breach,
                keep,
                every,
                counted: counted.map(|c| crate::case::Counted {
                    from: c.from,
                    period: c.period,
                    remind_before: c.remind_before,
                }),
            },
            StoredEventKind::DeadlineAdjusted {
                name,
                due,
                remind_at,
                provisional,
            } => EventKind::DeadlineAdjusted {
                name,
                due,
                remind_at,
                provisional,
            },
            StoredEventKind::DeadlineCancelled { name, reason } => EventKind::DeadlineCancelled {
                name,
                reason: match reason.as_str() {
                    "left_state" => CancelReason::LeftState,
                    "final_state" => CancelReason::FinalState,
                    "replaced" => CancelReason::Replaced,
                    "met" => CancelReason::Met,
                    "migrated" => CancelReason::Migrated,
                    other => {
                        return Err(DecodeError::Corrupt(format!(
                            "unknown cancel reason {other}"
                        )));
                    }
                },
            },
            StoredEventKind::DeadlineReminded { name } => EventKind::DeadlineReminded { name },
            StoredEventKind::DeadlineBreached { name, due } => {
                EventKind::DeadlineBreached { name, due }
            }
            StoredEventKind::LetterRequested { key, transition } => {
                EventKind::LetterRequested { key, transition }
            }
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
            } => EventKind::LetterIssued(IssuedRef {
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
            }),
            StoredEventKind::LetterVoided { letter, reason } => {
                EventKind::LetterVoided { letter, reason }
            }
            StoredEventKind::Spawned { child } => EventKind::Spawned {
                child: load_link(child)?,
            },
            StoredEventKind::Transferred {
                from,
                to,
                officer,
                reason,
            } => EventKind::Transferred {
                from,
                to,
                officer,
                reason,
            },
            StoredEventKind::Migrated {
                from_version,
                to_version,
                from_state,
                to_state,
                reason,
            } => EventKind::Migrated {
                from_version: VersionHash(from_version),
                to_version: VersionHash(to_version),
                from_state,
                to_state,
                reason,
            },
            StoredEventKind::Imported {
                file,
                file_sha256,
                line,
            } => EventKind::Imported {
                file,
                file_sha256,
                line,
            },
        };
        Ok(Event {
            seq: e.seq,
            recorded_at: e.recorded_at,
            occurred_at: e.occurred_at,
            actor: e.actor,
            role: e.role,
            kind,
        })
    }
}

/// A published workflow version as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDefinition {
    pub workflow: String,
    pub title: String,
    /// The YAML source exactly as published; the definition is re-loaded from it.
    pub source: String,
    pub file: String,
    pub published_by: String,
    pub published_at: jiff::Timestamp,
    /// 1, 2, 3 … per workflow.
    pub number: u32,
}

/// Facts about the database itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMeta {
    pub created_at: jiff::Timestamp,
    /// A simulation database accepts `--now`; a real one never does.
    pub simulation: bool,
    /// The county profile chosen at `init`, kept whole so later edits of its file change
    /// nothing until a command names a profile explicitly.
    pub profile: Option<crate::profile::Profile>,
    /// Set when a real database's export was imported as a simulation one (`import
    /// --simulation`): every case of this database is then a training copy of a real case,
    /// and is shown marked as simulated. Older records lack the field (false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub copy_of_real: bool,
    /// The stored format version the database was last brought to (`wardflow db migrate`);
    /// absent (0) on databases made before versions were recorded.
    #[serde(default)]
    pub format: u32,
    /// The cryptographic profile chosen at `init` (`init --crypto`, issue 23 item 6): which
    /// hash the chains and letter digests use and which signature the office key makes.
    /// Absent on databases made before it could be chosen, and on every standard one (which
    /// reads as standard); a national database is at least format 8, so that an older build,
    /// which would hash with SHA-256, refuses it.
    #[serde(default, skip_serializing_if = "crate::crypto::Profile::is_standard")]
    pub crypto: crate::crypto::Profile,
}

/// The dictionary of names a redb file holds (none before format 10), for tools and tests that
/// read its records directly rather than through a `Store`; read and checked as a store reads it.
pub fn stored_names(tx: &redb::ReadTransaction) -> Result<NamesInMemory, super::StoreError> {
    Ok(super::names::Names::default().in_read(tx)?.to_memory())
}

/// [`stored_names`] inside a write transaction.
pub fn stored_names_writing(
    tx: &redb::WriteTransaction,
) -> Result<NamesInMemory, super::StoreError> {
    Ok(super::names::TxNames::open(tx, &super::names::Names::default())?.to_memory())
}
