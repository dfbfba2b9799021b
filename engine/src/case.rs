//! Cases and their history. A case is nothing but the fold of its events: [`Case::replay`]
//! rebuilds it, and the stored snapshot is only a cache of that fold.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::definition::{Data, VersionHash};
use crate::value::apply_changes;

/// A case's id: the year it was opened and a counter, e.g. `2026-000123`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseId(String);

impl CaseId {
    /// The id of the `n`th case opened in `year`.
    pub fn new(year: i16, n: u64) -> Self {
        CaseId(format!("{year:04}-{n:06}"))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text that is not a case id.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{0}` is not a case id (expected the form 2026-000123)")]
pub struct BadCaseId(pub String);

impl FromStr for CaseId {
    type Err = BadCaseId;
    fn from_str(s: &str) -> Result<Self, BadCaseId> {
        let bad = || BadCaseId(s.chars().take(40).collect());
        let (year, n) = s.split_once('-').ok_or_else(bad)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || n.len() < 6 || n.len() > 12 || !digits(n) {
            return Err(bad());
        }
        Ok(CaseId(s.to_owned()))
    }
}

impl TryFrom<String> for CaseId {
    type Error = BadCaseId;
    fn try_from(s: String) -> Result<Self, BadCaseId> {
        s.parse()
    }
}

impl From<CaseId> for String {
    fn from(id: CaseId) -> String {
        id.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A link between two cases (a spawned case and the case it came from).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub case: CaseId,
    pub workflow: String,
    /// The link's name, e.g. `escalated_from`.
    pub link: String,
}

/// Why a deadline stopped running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The case left the state the deadline belongs to.
    LeftState,
    /// The case reached a final state.
    FinalState,
    /// The same deadline was set again (a recurring contact logged, a step repeated).
    Replaced,
    /// A step fulfilled it (`cancels:` in the workflow).
    Met,
    /// The case moved to a workflow version that no longer declares it (`workflow migrate`).
    Migrated,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// 1, 2, 3 … without gaps within a case.
    pub seq: u32,
    /// The clock of the command that recorded it.
    pub recorded_at: Timestamp,
    /// When the act happened (earlier than `recorded_at` for acts entered after the fact).
    pub occurred_at: Timestamp,
    pub actor: String,
    pub role: String,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Opened {
        workflow: String,
        version: VersionHash,
        profile: Option<String>,
        /// The settings in force for this case (definition defaults and profile overrides).
        settings: Data,
        state: String,
        data: Data,
        origin: Option<Link>,
        /// The unit handling the case (absent on cases opened before units were recorded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        /// The assigned officer (承办人).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        officer: Option<String>,
        /// The published letters and profile versions in force when it was opened, which its
        /// letters keep using (absent on cases opened before configuration was published).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published: Option<Pins>,
        /// The id another system gave the case (`--external-id`), scoped to that system
        /// (issue 25): the index of external ids is rebuilt from these.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external: Option<ExternalId>,
        /// The cryptographic profile the case's chain is hashed under (`national`: SM3),
        /// the database's when the case was opened; absent (standard, SHA-256) on every
        /// standard case, so their events and hashes are what they always were.
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
        /// Each corrected field's value before the correction (null: it was not set); absent
        /// on corrections recorded before old values were kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<Data>,
        /// Guards of transitions already taken that the correction makes fail, which an
        /// administrator overruled (anyone else is refused).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        overrules: Vec<Overruled>,
    },
    DeadlineSet {
        name: String,
        title: String,
        /// Computed once, when set: replay never recomputes it with a newer calendar.
        due: Timestamp,
        remind_at: Option<Timestamp>,
        provisional: bool,
        on_breach: Option<String>,
        keep: bool,
        /// The period of a recurring deadline, e.g. `7d`.
        every: Option<String>,
        /// What it was counted from and over, so a provisional due time can be recomputed
        /// when calendar data for its year arrives.
        #[serde(default)]
        counted: Option<Counted>,
    },
    /// A provisional due time recomputed on newer calendar data.
    DeadlineAdjusted {
        name: String,
        due: Timestamp,
        remind_at: Option<Timestamp>,
        provisional: bool,
    },
    DeadlineCancelled {
        name: String,
        reason: CancelReason,
    },
    /// The reminder before a deadline went out.
    DeadlineReminded {
        name: String,
    },
    /// A deadline passed without the act it asks for; its `on_breach` transition (if the state
    /// allows it) follows as events of its own.
    DeadlineBreached {
        name: String,
        due: Timestamp,
    },
    LetterRequested {
        key: String,
        transition: Option<String>,
    },
    /// A formal document was issued; its rendered text, data snapshot and hashes are in the
    /// letters archive under `letter`, and its SHA-256 is chained into the history here.
    LetterIssued(IssuedRef),
    /// An issued letter was voided (作废); it stays in the archive, marked void.
    LetterVoided {
        letter: String,
        reason: String,
    },
    Spawned {
        child: Link,
    },
    /// The case handed to another unit (police to civil affairs, one county to another), with
    /// its new officer.
    Transferred {
        from: Option<String>,
        to: String,
        officer: Option<String>,
        reason: Option<String>,
    },
    /// An administrator moved the running case to another published version of its workflow
    /// (`workflow migrate`), mapping its state; a later migration can move it back.
    Migrated {
        from_version: VersionHash,
        to_version: VersionHash,
        from_state: String,
        to_state: String,
        reason: String,
    },
    /// The case came from a register an administrator imported (`import-register`): the
    /// file's name and SHA-256, and the line of the file it came from.
    Imported {
        file: String,
        file_sha256: String,
        line: u64,
    },
}

/// A guard of a transition already taken that a correction makes fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overruled {
    pub transition: String,
    pub guard: String,
}

/// What a case's history records of an issued letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedRef {
    /// The archive id (`L2026-000001`), which every issued letter has, numbered or not.
    pub letter: String,
    pub key: String,
    pub number: Option<String>,
    /// The role it was issued in.
    pub role: String,
    /// SHA-256 (hex) of the archived HTML.
    pub html_sha256: String,
    /// SHA-256 (hex) of the archived plain text.
    pub text_sha256: String,
    /// The verification code (核验码) printed on it.
    pub code: String,
    /// The `LetterRequested` event it answers, if a step asked for it.
    pub request: Option<u32>,
    /// The letter it replaces (re-issue), which no longer counts.
    pub replaces: Option<String>,
    /// SHA-256 (hex) of the archived PDF; None for a letter issued before PDFs were archived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_sha256: Option<String>,
    /// The hash of the three digests: `sm3` in a national database; absent (SHA-256) on
    /// every standard letter, so their events are what they always were.
    #[serde(
        default,
        skip_serializing_if = "crate::crypto::HashAlgorithm::is_sha256"
    )]
    pub digest_algorithm: crate::crypto::HashAlgorithm,
}

/// An issued letter as the case sees it now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseLetter {
    #[serde(flatten)]
    pub issued: IssuedRef,
    /// Why it was voided, if it was.
    pub voided: Option<String>,
    /// The letter that replaced it, if one did.
    pub replaced_by: Option<String>,
}

impl CaseLetter {
    /// Neither voided nor replaced.
    pub fn in_force(&self) -> bool {
        self.voided.is_none() && self.replaced_by.is_none()
    }
}

/// The start and period a due time was counted from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    pub from: Timestamp,
    pub period: String,
    pub remind_before: Option<String>,
}

/// A deadline that is running.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenDeadline {
    pub name: String,
    pub title: String,
    pub due: Timestamp,
    pub remind_at: Option<Timestamp>,
    pub provisional: bool,
    pub on_breach: Option<String>,
    pub keep: bool,
    pub every: Option<String>,
    /// The state the case was in when it was set.
    pub state: String,
    #[serde(default)]
    pub counted: Option<Counted>,
    /// When the act that set it happened: nothing about it can have happened earlier.
    #[serde(default)]
    pub set_at: Option<Timestamp>,
    #[serde(default)]
    pub reminded: bool,
    /// Passed without the act: the case is overdue on it until it is reset or cancelled.
    #[serde(default)]
    pub breached: bool,
}

impl OpenDeadline {
    /// When the timer runner must next look at this deadline: the reminder, then the due time;
    /// never again once breached.
    pub fn next_firing(&self) -> Option<Timestamp> {
        if self.breached {
            return None;
        }
        match self.remind_at {
            Some(r) if !self.reminded && r < self.due => Some(r),
            _ => Some(self.due),
        }
    }
}

/// A letter that a step called for (rendered and numbered by the letters module).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterRequest {
    pub key: String,
    pub seq: u32,
    pub transition: Option<String>,
}

/// The versions of published configuration a case keeps from its opening (issue 20): later
/// publications never change its letters. Holiday calendars are not pinned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pins {
    /// The letters (document table and templates) version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letters: Option<u32>,
    /// The version of the case's profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<u32>,
}

/// The id another system (a police system, a hotline) gave a case, and which system: two opens
/// with one id from one source for one workflow give one case (issue 25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalId {
    /// The system that sent it: the token's user over the API, `--source` on the command line.
    pub source: String,
    /// The id as that system wrote it, e.g. `PSB-2026-0001`.
    pub id: String,
}

/// A case as of its last event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub workflow: String,
    pub version: VersionHash,
    pub profile: Option<String>,
    pub settings: Data,
    pub state: String,
    pub data: Data,
    /// The sequence number of the last event.
    pub seq: u32,
    pub opened_at: Timestamp,
    pub updated_at: Timestamp,
    pub deadlines: BTreeMap<String, OpenDeadline>,
    pub letters: Vec<LetterRequest>,
    /// Letters issued on this case, in order, with what became of them.
    #[serde(default)]
    pub issued: Vec<CaseLetter>,
    pub origin: Option<Link>,
    pub spawned: Vec<Link>,
    /// The chain hash of the last event (see `chain`); None only in snapshots written before
    /// chaining, which the store re-derives from the history before moving the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<crate::chain::ChainHash>,
    /// The unit handling the case.
    #[serde(default)]
    pub unit: Option<String>,
    /// The assigned officer (承办人).
    #[serde(default)]
    pub officer: Option<String>,
    /// The published configuration versions the case keeps (see [`Pins`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Pins>,
    /// The id another system gave the case when it was opened (see [`ExternalId`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalId>,
    /// The cryptographic profile its chain is hashed under, from its opening event.
    #[serde(default, skip_serializing_if = "crate::crypto::Profile::is_standard")]
    pub crypto: crate::crypto::Profile,
}

impl Case {
    /// Letters a step asked for that no letter in force answers yet (to issue with
    /// `letter issue`).
    pub fn pending_letters(&self) -> impl Iterator<Item = &LetterRequest> {
        self.letters.iter().filter(|r| {
            !self
                .issued
                .iter()
                .any(|l| l.issued.request == Some(r.seq) && l.in_force())
        })
    }

    /// An issued letter of this case by archive id.
    pub fn letter(&self, id: &str) -> Option<&CaseLetter> {
        self.issued.iter().find(|l| l.issued.letter == id)
    }
}

/// A history that cannot be folded into a case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReplayError {
    #[error("the history of case {0} is empty")]
    Empty(CaseId),
    #[error("the history of case {case} does not start with its opening")]
    NoOpening { case: CaseId },
    #[error("event {found} of case {case} is out of order (expected {expected})")]
    Gap {
        case: CaseId,
        expected: u32,
        found: u32,
    },
    #[error("case {case} is opened twice (event {seq})")]
    OpenedTwice { case: CaseId, seq: u32 },
    /// An event pushed onto a [`Chained`] with a case that is not the one the chain continues
    /// (another case, another profile, or one moved by an event the chain does not hold).
    #[error("event {seq} of case {case} does not continue the chain it was pushed onto")]
    Unchained { case: CaseId, seq: u32 },
    #[error("event {seq} of case {case}: {error}")]
    Unhashable {
        case: CaseId,
        seq: u32,
        error: crate::chain::Unhashable,
    },
}

impl Case {
    /// Rebuilds a case from its history.
    pub fn replay(id: &CaseId, events: &[Event]) -> Result<Case, ReplayError> {
        let first = events
            .first()
            .ok_or_else(|| ReplayError::Empty(id.clone()))?;
        let mut case =
            Case::opened(id, first).ok_or_else(|| ReplayError::NoOpening { case: id.clone() })?;
        for event in &events[1..] {
            case.apply(event)?;
        }
        Ok(case)
    }

    /// The case an opening event creates; None if the event is not an opening or not seq 1.
    pub fn opened(id: &CaseId, event: &Event) -> Option<Case> {
        let EventKind::Opened {
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
        } = &event.kind
        else {
            return None;
        };
        let head = crate::chain::hash(*crypto, id, None, event).ok()?;
        (event.seq == 1).then(|| Case {
            id: id.clone(),
            workflow: workflow.clone(),
            version: version.clone(),
            profile: profile.clone(),
            settings: settings.clone(),
            state: state.clone(),
            data: data.clone(),
            seq: 1,
            opened_at: event.occurred_at,
            updated_at: event.recorded_at,
            deadlines: BTreeMap::new(),
            letters: Vec::new(),
            issued: Vec::new(),
            origin: origin.clone(),
            spawned: Vec::new(),
            head: Some(head),
            published: published.clone(),
            unit: unit.clone(),
            officer: officer.clone(),
            external: external.clone(),
            crypto: *crypto,
        })
    }

    /// Folds one more event into the case.
    pub fn apply(&mut self, event: &Event) -> Result<(), ReplayError> {
        if event.seq != self.seq + 1 {
            return Err(ReplayError::Gap {
                case: self.id.clone(),
                expected: self.seq + 1,
                found: event.seq,
            });
        }
        let head = crate::chain::hash(self.crypto, &self.id, self.head.as_ref(), event).map_err(
            |error| ReplayError::Unhashable {
                case: self.id.clone(),
                seq: event.seq,
                error,
            },
        )?;
        match &event.kind {
            EventKind::Opened { .. } => {
                return Err(ReplayError::OpenedTwice {
                    case: self.id.clone(),
                    seq: event.seq,
                });
            }
            EventKind::Fired { to, changes, .. } => {
                apply_changes(&mut self.data, changes);
                self.state = to.clone();
            }
            EventKind::Amended { changes, .. } => apply_changes(&mut self.data, changes),
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
            } => {
                self.deadlines.insert(
                    name.clone(),
                    OpenDeadline {
                        name: name.clone(),
                        title: title.clone(),
                        due: *due,
                        remind_at: *remind_at,
                        provisional: *provisional,
                        on_breach: on_breach.clone(),
                        keep: *keep,
                        every: every.clone(),
                        state: self.state.clone(),
                        counted: counted.clone(),
                        set_at: Some(event.occurred_at),
                        reminded: false,
                        breached: false,
                    },
                );
            }
            EventKind::DeadlineAdjusted {
                name,
                due,
                remind_at,
                provisional,
            } => {
                if let Some(d) = self.deadlines.get_mut(name) {
                    d.due = *due;
                    d.remind_at = *remind_at;
                    d.provisional = *provisional;
                }
            }
            EventKind::DeadlineReminded { name } => {
                if let Some(d) = self.deadlines.get_mut(name) {
                    d.reminded = true;
                }
            }
            EventKind::DeadlineBreached { name, .. } => {
                if let Some(d) = self.deadlines.get_mut(name) {
                    d.reminded = true;
                    d.breached = true;
                }
            }
            EventKind::DeadlineCancelled { name, .. } => {
                self.deadlines.remove(name);
            }
            EventKind::LetterRequested { key, transition } => self.letters.push(LetterRequest {
                key: key.clone(),
                seq: event.seq,
                transition: transition.clone(),
            }),
            EventKind::LetterIssued(issued) => {
                if let Some(old) = &issued.replaces
                    && let Some(l) = self.issued.iter_mut().find(|l| &l.issued.letter == old)
                {
                    l.replaced_by = Some(issued.letter.clone());
                }
                self.issued.push(CaseLetter {
                    issued: issued.clone(),
                    voided: None,
                    replaced_by: None,
                });
            }
            EventKind::LetterVoided { letter, reason } => {
                if let Some(l) = self.issued.iter_mut().find(|l| &l.issued.letter == letter) {
                    l.voided = Some(reason.clone());
                }
            }
            EventKind::Spawned { child } => self.spawned.push(child.clone()),
            EventKind::Transferred { to, officer, .. } => {
                self.unit = Some(to.clone());
                self.officer = officer.clone();
            }
            EventKind::Migrated {
                to_version,
                to_state,
                ..
            } => {
                self.version = to_version.clone();
                self.state = to_state.clone();
            }
            EventKind::Imported { .. } => {}
        }
        self.head = Some(head);
        self.seq = event.seq;
        self.updated_at = event.recorded_at;
        Ok(())
    }
}

/// New events of one case, each kept with the chain hash the fold computed for it, so that the
/// store writes the hash the case's head was made from instead of hashing every event again.
///
/// The only ways in are [`Chained::opening`] and [`Chained::push`], which fold the event into
/// the case (`Case::opened` / `Case::apply`, the one place an event is hashed for the head) and
/// keep the hash that fold gave; the events cannot be changed afterwards (they are read through
/// `Deref<Target = [Event]>`). So every hash held is the hash of exactly the event held with it,
/// chained onto the one before it, from [`Chained::start`]. What a store must still check —
/// that the chain starts at the head it has stored and ends at the snapshot's head it writes —
/// is [`Chained::continues`].
#[derive(Debug, Clone, PartialEq)]
pub struct Chained {
    case: CaseId,
    crypto: crate::crypto::Profile,
    /// The head the first event is chained onto: None before an opening.
    start: Option<crate::chain::ChainHash>,
    /// The sequence number the first event has (or will have).
    first_seq: u32,
    events: Vec<Event>,
    /// `hashes[i]` is the chain hash of `events[i]`.
    hashes: Vec<crate::chain::ChainHash>,
}

impl Chained {
    /// No events yet, to be appended to `case` as it is now.
    pub fn after(case: &Case) -> Chained {
        Chained {
            case: case.id.clone(),
            crypto: case.crypto,
            start: case.head.clone(),
            first_seq: case.seq + 1,
            events: Vec::new(),
            hashes: Vec::new(),
        }
    }

    /// A new case from its opening event, and the chain that starts with it; None if the
    /// event is not an opening numbered 1 (see [`Case::opened`]).
    pub fn opening(id: &CaseId, event: Event) -> Option<(Case, Chained)> {
        let case = Case::opened(id, &event)?;
        let hash = case.head.clone()?;
        let chained = Chained {
            case: id.clone(),
            crypto: case.crypto,
            start: None,
            first_seq: 1,
            events: vec![event],
            hashes: vec![hash],
        };
        Some((case, chained))
    }

    /// Folds `event` into `case` and keeps it with the hash the fold computed. `case` must be
    /// the case this chain continues as its last event left it, which is checked: its id and
    /// profile are the chain's and its head is the chain's end.
    pub fn push(&mut self, case: &mut Case, event: Event) -> Result<(), ReplayError> {
        if case.id != self.case || case.crypto != self.crypto || case.head.as_ref() != self.end() {
            return Err(ReplayError::Unchained {
                case: case.id.clone(),
                seq: event.seq,
            });
        }
        case.apply(&event)?;
        // `apply` has just set the head to this event's hash.
        let hash = case.head.clone().ok_or_else(|| ReplayError::Unchained {
            case: case.id.clone(),
            seq: event.seq,
        })?;
        self.events.push(event);
        self.hashes.push(hash);
        Ok(())
    }

    /// The events, each with its chain hash, in order.
    pub fn hashed(&self) -> impl Iterator<Item = (&Event, &crate::chain::ChainHash)> {
        self.events.iter().zip(&self.hashes)
    }

    /// The hash the first event is chained onto (None before an opening).
    pub fn start(&self) -> Option<&crate::chain::ChainHash> {
        self.start.as_ref()
    }

    /// The hash of the last event: the head of a case these events leave (the start when
    /// there are none).
    pub fn end(&self) -> Option<&crate::chain::ChainHash> {
        self.hashes.last().or(self.start.as_ref())
    }

    /// The events, without their hashes.
    pub fn into_events(self) -> Vec<Event> {
        self.events
    }

    /// Whether these events may be stored as `case`'s, which was `before` (None: a new case)
    /// and whose chain is hashed under `crypto`, the database's profile: the chain is that
    /// case's, under that profile, numbered after `before`'s last event, starts at `before`'s
    /// head and ends at `case`'s. Cheap (no hashing); the store checks `before`'s head against
    /// what it has stored itself. The error says what does not hold.
    pub fn continues(
        &self,
        case: &Case,
        before: Option<&Case>,
        crypto: crate::crypto::Profile,
    ) -> Result<(), String> {
        let id = &case.id;
        if self.case != *id || before.is_some_and(|b| b.id != *id) {
            return Err(format!(
                "events of case {} were given to be stored as case {id}'s",
                self.case
            ));
        }
        if self.crypto != crypto || case.crypto != crypto {
            // A case chained under another profile than the database's: a bug or a case
            // brought in from elsewhere, never written here.
            return Err(format!(
                "case {id} is chained under the {} profile, the database is {}",
                case.crypto.key(),
                crypto.key()
            ));
        }
        if self.first_seq != before.map_or(1, |b| b.seq + 1)
            || self.start.as_ref() != before.and_then(|b| b.head.as_ref())
        {
            return Err(format!(
                "the new events of case {id} do not follow its last stored event"
            ));
        }
        if self.end() != case.head.as_ref() {
            // An event appended without being folded into the case: a bug, never user input.
            return Err(format!(
                "the chain of case {id} does not end at the snapshot's head"
            ));
        }
        Ok(())
    }
}

/// The events are read as a slice; they are changed only through [`Chained::push`].
impl std::ops::Deref for Chained {
    type Target = [Event];
    fn deref(&self) -> &[Event] {
        &self.events
    }
}

impl IntoIterator for Chained {
    type Item = Event;
    type IntoIter = std::vec::IntoIter<Event>;
    fn into_iter(self) -> Self::IntoIter {
        self.events.into_iter()
    }
}

impl<'a> IntoIterator for &'a Chained {
    type Item = &'a Event;
    type IntoIter = std::slice::Iter<'a, Event>;
    fn into_iter(self) -> Self::IntoIter {
        self.events.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opening() -> Event {
        let t: Timestamp = "2026-11-23T02:00:00Z".parse().expect("time");
        Event {
            seq: 1,
            recorded_at: t,
            occurred_at: t,
            actor: "张三".into(),
            role: "police".into(),
            kind: EventKind::Opened {
                workflow: "w".into(),
                version: VersionHash("v".into()),
                profile: None,
                settings: Data::new(),
                state: "open".into(),
                data: Data::new(),
                origin: None,
                unit: None,
                officer: None,
                published: None,
                external: None,
                crypto: crate::crypto::Profile::Standard,
            },
        }
    }

    fn voided(case: &Case) -> Event {
        Event {
            seq: case.seq + 1,
            recorded_at: case.updated_at,
            occurred_at: case.updated_at,
            actor: "张三".into(),
            role: "police".into(),
            kind: EventKind::LetterVoided {
                letter: "L1".into(),
                reason: "r".into(),
            },
        }
    }

    #[test]
    fn a_chain_holds_the_hash_of_each_event_as_hashing_it_again_gives() {
        let id = CaseId::new(2026, 1);
        let (mut case, mut chained) = Chained::opening(&id, opening()).expect("opens");
        for _ in 0..3 {
            let event = voided(&case);
            chained.push(&mut case, event).expect("pushes");
        }
        let mut prev = None;
        for (event, hash) in chained.hashed() {
            let again = crate::chain::hash(case.crypto, &id, prev.as_ref(), event).expect("hash");
            assert_eq!(&again, hash);
            prev = Some(again);
        }
        assert_eq!(chained.end(), case.head.as_ref());
        assert_eq!(Case::replay(&id, &chained), Ok(case.clone()));
        assert_eq!(chained.continues(&case, None, case.crypto), Ok(()));
    }

    #[test]
    fn a_chain_refuses_a_case_it_does_not_continue_and_a_store_what_it_does_not_follow() {
        let id = CaseId::new(2026, 1);
        let (opened, _) = Chained::opening(&id, opening()).expect("opens");
        let mut chained = Chained::after(&opened);
        // A case moved by an event the chain does not hold.
        let mut moved = opened.clone();
        moved.apply(&voided(&opened)).expect("folds");
        let event = voided(&moved);
        assert!(chained.push(&mut moved, event).is_err());
        // Another case, or one whose head was changed.
        let mut other = opened.clone();
        other.id = CaseId::new(2026, 2);
        assert!(chained.push(&mut other, voided(&opened)).is_err());
        let mut forged = opened.clone();
        forged.head = Some(crate::chain::ChainHash("00".repeat(32)));
        assert!(chained.push(&mut forged, voided(&opened)).is_err());
        assert!(chained.is_empty());
        // What a store checks: the profile, the start at `before`'s head, the end at the
        // snapshot's.
        let mut after = opened.clone();
        chained.push(&mut after, voided(&opened)).expect("pushes");
        let crypto = opened.crypto;
        assert_eq!(chained.continues(&after, Some(&opened), crypto), Ok(()));
        assert!(
            chained
                .continues(&after, Some(&opened), crate::crypto::Profile::National)
                .is_err()
        );
        assert!(chained.continues(&after, Some(&forged), crypto).is_err());
        assert!(chained.continues(&after, None, crypto).is_err());
        assert!(chained.continues(&opened, Some(&opened), crypto).is_err());
        let mut stale = after.clone();
        stale.head = opened.head.clone();
        assert!(chained.continues(&stale, Some(&opened), crypto).is_err());
    }

    #[test]
    fn case_id_round_trips_and_rejects_junk() {
        let id = CaseId::new(2026, 123);
        assert_eq!(id.as_str(), "2026-000123");
        assert_eq!("2026-000123".parse::<CaseId>(), Ok(id));
        for bad in [
            "",
            "2026",
            "2026-12",
            "20x6-000123",
            "2026-00012a",
            "../etc",
        ] {
            assert!(bad.parse::<CaseId>().is_err(), "{bad}");
        }
    }
}
