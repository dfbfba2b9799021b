//! The letters archive: issuing letters inside the transaction of the act that calls for them,
//! numbering them per issuing body and year, and finding them again by id, number, code or hash.
//!
//! A number is taken from the counters table in the same write transaction that appends the
//! `LetterIssued` event and the archive record; redb runs one write transaction at a time, and a
//! transaction that fails takes its number with it, so numbers have neither gaps nor duplicates
//! even when several processes issue at once.

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::format::{decode, encode};
use super::{CommandFailure, Store, StoreError, Writer, corrupt, storage};
use crate::case::{Case, CaseId, Event, EventKind, IssuedRef};
use crate::letters::archive::{self, ArchivedLetter, Issue};
use crate::letters::{IssuingBody, LetterError, Numbering, Renderer, Vocabulary, number};
use crate::profile::Profile;
use crate::step::{Actor, Clock};

/// Archive id → the archived letter.
pub(super) const LETTERS: TableDefinition<&str, &[u8]> = TableDefinition::new("letters");
/// `number:…`, `code:…` and `sha256:…` → archive id.
pub(super) const LETTER_INDEX: TableDefinition<&str, &str> = TableDefinition::new("letter_index");
/// (case, archive id): the letters of a case.
pub(super) const LETTERS_BY_CASE: TableDefinition<(&str, &str), ()> =
    TableDefinition::new("letters_by_case");

/// What issuing needs besides the case: the templates, and the profile that names the issuing
/// bodies and the letters' local settings.
#[derive(Debug, Clone, Copy)]
pub struct Desk<'a> {
    pub renderer: &'a Renderer,
    pub profile: Option<&'a Profile>,
}

/// Why a letter a step called for was not issued with it. The act itself stands: a letter never
/// blocks a child's protection; the letter waits for `letter issue`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Pending {
    #[error("the letters are not available: {0}")]
    NoLetters(String),
    #[error("`{role}` does not issue `{key}` (issued by: {})", issuers.join(", "))]
    NotAnIssuer {
        key: String,
        role: String,
        issuers: Vec<String>,
    },
    #[error("no issuing body is configured for `{role}` in the profile")]
    NoIssuingBody { role: String },
    #[error("`{key}` needs a court case number")]
    NoNumber { key: String, field: Option<String> },
    #[error("document number {0} is already taken")]
    DuplicateNumber(String),
    #[error(transparent)]
    Letter(LetterError),
}

/// What an attempt to issue one letter inside a command's transaction came to.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Issuing {
    /// Numbered, rendered, archived, and its `LetterIssued` event appended.
    Issued(Box<ArchivedLetter>),
    /// Not issued, and nothing of it written (its counters given back).
    Waiting(Pending),
}

/// What became of one letter a step called for.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterOutcome {
    pub key: String,
    pub result: Result<IssuedRef, Pending>,
}

/// A request to issue one letter.
#[derive(Debug, Clone)]
pub struct IssueLetter {
    pub key: String,
    pub actor: Actor,
    /// A court case number, for external numbering (else taken from the case's field).
    pub number: Option<String>,
    /// The letter this one replaces (re-issue).
    pub replaces: Option<String>,
}

/// An archived letter with what became of it since.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterRecord {
    pub letter: ArchivedLetter,
    pub voided: Option<String>,
    pub replaced_by: Option<String>,
}

/// Failures of `letter issue` and `letter void` besides those of any command.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LetterFailure {
    #[error(transparent)]
    Pending(#[from] Pending),
    #[error("no letter {0}")]
    Unknown(String),
    #[error("letter {letter} is {key}, not {expected}")]
    OtherDocument {
        letter: String,
        key: String,
        expected: String,
    },
    #[error("letter {0} is no longer in force (voided or replaced)")]
    NotInForce(String),
    #[error("a reason is required")]
    NoReason,
    /// Only the role a letter was issued in may void it.
    #[error("letter {letter} was issued by {issued_in}; {role} may not void it")]
    NotItsIssuer {
        letter: String,
        issued_in: String,
        role: String,
    },
}

fn index_key(kind: &str, value: &str) -> String {
    format!("{kind}:{value}")
}

impl<'t> Writer<'t> {
    /// Issues, in this transaction, the letters the outcome's `LetterRequested` events call for,
    /// appending a `LetterIssued` event for each one issued.
    pub(super) fn issue_requested(
        &mut self,
        tx: &WriteTransaction,
        case: &mut Case,
        events: &mut Vec<Event>,
        desk: Option<&Desk<'_>>,
        clock: &Clock,
    ) -> Result<Vec<LetterOutcome>, CommandFailure> {
        let requests: Vec<(String, u32, Actor, jiff::Timestamp)> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::LetterRequested { key, .. } => Some((
                    key.clone(),
                    e.seq,
                    Actor {
                        user: e.actor.clone(),
                        role: e.role.clone(),
                    },
                    e.occurred_at,
                )),
                _ => None,
            })
            .collect();
        let mut outcomes = Vec::new();
        for (key, seq, actor, at) in requests {
            let result = match desk {
                None => Err(Pending::NoLetters("no letters directory".into())),
                Some(desk) => {
                    let request = IssueLetter {
                        key: key.clone(),
                        actor,
                        number: None,
                        replaces: None,
                    };
                    match self.issue(tx, case, events, &request, Some(seq), at, desk, clock)? {
                        Issuing::Issued(letter) => Ok(letter.reference()),
                        Issuing::Waiting(why) => Err(why),
                    }
                }
            };
            outcomes.push(LetterOutcome { key, result });
        }
        Ok(outcomes)
    }

    /// Issues one letter of `case` in this transaction: allocates its number and archive id,
    /// renders and archives it, and appends its `LetterIssued` event. [`Issuing::Waiting`] when
    /// the letter cannot be issued; then nothing of it is written.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn issue(
        &mut self,
        tx: &WriteTransaction,
        case: &mut Case,
        events: &mut Vec<Event>,
        request: &IssueLetter,
        request_seq: Option<u32>,
        occurred_at: jiff::Timestamp,
        desk: &Desk<'_>,
        clock: &Clock,
    ) -> Result<Issuing, CommandFailure> {
        let key = request.key.as_str();
        let role = request.actor.role.as_str();
        let doc = match desk.renderer.table().documents.get(key) {
            Some(doc) => doc,
            None => {
                return Ok(Issuing::Waiting(Pending::Letter(
                    LetterError::UnknownDocument(key.into()),
                )));
            }
        };
        let Some(spec) = doc.issuer(role) else {
            return Ok(Issuing::Waiting(Pending::NotAnIssuer {
                key: key.into(),
                role: role.into(),
                issuers: doc.issuers.iter().map(|i| i.role.clone()).collect(),
            }));
        };
        let body: Option<IssuingBody> = desk
            .profile
            .and_then(|p| p.issuing_bodies.get(role))
            .cloned();
        let layout = spec.layout.unwrap_or(doc.layout);
        if body.is_none() && layout != crate::letters::Layout::Party {
            return Ok(Issuing::Waiting(Pending::NoIssuingBody {
                role: role.into(),
            }));
        }
        let date = occurred_at.to_zoned_datetime(clock.tz.clone()).date();

        let mut letters = tx.open_table(LETTERS).map_err(storage)?;
        let mut index = tx.open_table(LETTER_INDEX).map_err(storage)?;
        let mut by_case = tx.open_table(LETTERS_BY_CASE).map_err(storage)?;

        let held_by =
            |index: &redb::Table<&str, &str>, n: &str| -> Result<Option<String>, StoreError> {
                Ok(index
                    .get(index_key("number", n).as_str())
                    .map_err(storage)?
                    .map(|v| v.value().to_owned()))
            };
        // The counter an allocated number came from, to give it back if rendering fails.
        let mut number_counter = None;
        let doc_number = match &spec.numbering {
            Numbering::None => None,
            Numbering::External => {
                // `--number`, else the number of the letter this one replaces (a re-issue keeps
                // the court's number, whatever the case's field says by now), else the field.
                let replaced = request
                    .replaces
                    .as_deref()
                    .and_then(|old| case.letter(old))
                    .and_then(|l| l.issued.number.clone());
                let given = request.number.clone().or(replaced).or_else(|| {
                    spec.number_from
                        .as_ref()
                        .and_then(|f| case.data.get(f))
                        .and_then(|v| v.as_str())
                        .map(|s| s.trim().to_owned())
                });
                let Some(n) = given.filter(|n| !n.is_empty()) else {
                    return Ok(Issuing::Waiting(Pending::NoNumber {
                        key: key.into(),
                        field: spec.number_from.clone(),
                    }));
                };
                // A court number may pass to the letter that replaces its holder, never to a
                // second letter in force.
                if let Some(holder) = held_by(&index, &n)?
                    && request.replaces.as_deref() != Some(holder.as_str())
                {
                    return Ok(Issuing::Waiting(Pending::DuplicateNumber(n)));
                }
                Some(n)
            }
            Numbering::Allocated { pattern } => {
                let prefix = pattern.replace("{code}", body.as_ref().map_or("", |b| &b.code));
                let counter = format!("number:{prefix}〔{}〕", date.year());
                let n = self.bump(&counter)?;
                number_counter = Some(counter);
                let n = u32::try_from(n).map_err(corrupt)?;
                Some(number(&prefix, date.year(), n))
            }
        };
        let id_n = self.bump(&format!("letter:{}", date.year()))?;
        let id = archive::letter_id(date.year(), id_n);
        let settings = desk
            .profile
            .and_then(|p| p.letters.get(key))
            .cloned()
            .unwrap_or_default();
        // The pinned definition names the roles; the profile the bodies.
        let def = self.store.definition_in(&self.definitions, &case.version)?;
        let vocabulary = Vocabulary::of(&def, desk.profile);
        // The number is one value: the archived data holds the number the letter carries.
        let data = crate::letters::with_number(
            &case.data,
            spec.number_from.as_deref(),
            doc_number.as_deref(),
        );
        let letter = match archive::issue(
            desk.renderer,
            Issue {
                id: id.clone(),
                case: &case.id,
                key,
                data: &data,
                role,
                issuer: body,
                number: doc_number.clone(),
                actor: &request.actor.user,
                issued_at: clock.now,
                date,
                settings,
                request: request_seq,
                replaces: request.replaces.clone(),
                vocabulary: &vocabulary,
            },
        ) {
            Ok(letter) => letter,
            // The counters bumped above are rolled back with the transaction by the caller when
            // it refuses; when it goes on (a step's letter), they must not leave a gap.
            Err(e) => {
                self.unbump(&format!("letter:{}", date.year()))?;
                if let Some(counter) = &number_counter {
                    self.unbump(counter)?;
                }
                return Ok(Issuing::Waiting(Pending::Letter(e)));
            }
        };

        let code_key = index_key("code", &letter.code);
        if index.get(code_key.as_str()).map_err(storage)?.is_some() {
            return Err(StoreError::Corrupt(format!(
                "verification code {} is already taken",
                letter.code
            ))
            .into());
        }
        index
            .insert(code_key.as_str(), id.as_str())
            .map_err(storage)?;
        if let Some(n) = &letter.number {
            let held = index
                .insert(index_key("number", n).as_str(), id.as_str())
                .map_err(storage)?
                .map(|old| old.value().to_owned());
            // Only a court's number passes to the letter that replaces its holder; an
            // allocated number given twice means a counter went backwards.
            if let Some(holder) = held
                && !(matches!(spec.numbering, Numbering::External)
                    && request.replaces.as_deref() == Some(holder.as_str()))
            {
                return Err(StoreError::Corrupt(format!(
                    "document number {n} is already held by {holder}"
                ))
                .into());
            }
        }
        for sha in [&letter.html_sha256, &letter.text_sha256] {
            index
                .insert(index_key("sha256", sha).as_str(), id.as_str())
                .map_err(storage)?;
        }
        // The archive is insert-only: an id given twice (a counter lowered behind our back)
        // is a storage error that aborts the act, never a replaced letter.
        let replaced = letters
            .insert(id.as_str(), encode(&letter).map_err(corrupt)?.as_slice())
            .map_err(storage)?
            .is_some();
        if replaced {
            return Err(StoreError::Corrupt(format!(
                "archive id {id} is already taken (a letter counter is behind the archive)"
            ))
            .into());
        }
        by_case
            .insert((case.id.as_str(), id.as_str()), ())
            .map_err(storage)?;

        let event = Event {
            seq: case.seq + 1,
            recorded_at: clock.now,
            occurred_at,
            actor: request.actor.user.clone(),
            role: request.actor.role.clone(),
            kind: EventKind::LetterIssued(letter.reference()),
        };
        case.apply(&event).map_err(corrupt)?;
        events.push(event);
        Ok(Issuing::Issued(Box::new(letter)))
    }

    fn bump(&mut self, key: &str) -> Result<u64, StoreError> {
        let n = self
            .counters
            .get(key)
            .map_err(storage)?
            .map_or(0, |v| v.value())
            + 1;
        self.writes += 1;
        self.counters.insert(key, n).map_err(storage)?;
        Ok(n)
    }

    fn unbump(&mut self, key: &str) -> Result<(), StoreError> {
        let n = self
            .counters
            .get(key)
            .map_err(storage)?
            .map_or(0, |v| v.value());
        self.counters
            .insert(key, n.saturating_sub(1))
            .map_err(storage)?;
        Ok(())
    }
}

fn lookup_in(
    index: &impl ReadableTable<&'static str, &'static str>,
    kind: &str,
    value: &str,
) -> Result<Option<String>, StoreError> {
    Ok(index
        .get(index_key(kind, value).as_str())
        .map_err(storage)?
        .map(|v| v.value().to_owned()))
}

impl Store {
    /// Issues a letter of a case on request (`letter issue`), in one transaction.
    pub fn issue_letter(
        &self,
        id: &CaseId,
        request: IssueLetter,
        expect_seq: Option<u32>,
        clock: &Clock,
        desk: &Desk<'_>,
    ) -> Result<(Case, ArchivedLetter), LetterCommandFailure> {
        let tx = self.write()?;
        let (case, letter) = {
            let mut w = Writer::new(&tx, self)?;
            let mut case = w.checked_case(id, expect_seq, clock)?;
            let before = case.clone();
            if let Some(old) = &request.replaces {
                let held = case
                    .letter(old)
                    .ok_or_else(|| LetterFailure::Unknown(old.clone()))?;
                if held.issued.key != request.key {
                    return Err(LetterFailure::OtherDocument {
                        letter: old.clone(),
                        key: held.issued.key.clone(),
                        expected: request.key.clone(),
                    }
                    .into());
                }
                if !held.in_force() {
                    return Err(LetterFailure::NotInForce(old.clone()).into());
                }
            }
            // A re-issue answers what the old letter answered; otherwise the oldest pending
            // request for this document, if any.
            let request_seq = match &request.replaces {
                Some(old) => case.letter(old).and_then(|l| l.issued.request),
                None => case
                    .pending_letters()
                    .find(|r| r.key == request.key)
                    .map(|r| r.seq),
            };
            let mut events = Vec::new();
            let issuing = w.issue(
                &tx,
                &mut case,
                &mut events,
                &request,
                request_seq,
                clock.now,
                desk,
                clock,
            )?;
            let letter = match issuing {
                Issuing::Issued(letter) => *letter,
                Issuing::Waiting(why) => return Err(LetterFailure::Pending(why).into()),
            };
            w.save_events(&case, &events, &before)?;
            (case, letter)
        };
        self.commit(tx)?;
        Ok((case, letter))
    }

    /// Voids an issued letter (作废) with a reason, as an event of its case.
    pub fn void_letter(
        &self,
        letter_id: &str,
        actor: Actor,
        reason: &str,
        clock: &Clock,
    ) -> Result<Case, LetterCommandFailure> {
        if reason.trim().is_empty() {
            return Err(LetterFailure::NoReason.into());
        }
        let tx = self.write()?;
        let case = {
            let mut w = Writer::new(&tx, self)?;
            let archived = {
                let letters = tx.open_table(LETTERS).map_err(storage)?;
                let bytes = letters
                    .get(letter_id)
                    .map_err(storage)?
                    .ok_or_else(|| LetterFailure::Unknown(letter_id.to_owned()))?;
                decode::<ArchivedLetter>(bytes.value()).map_err(corrupt)?
            };
            if archived.role != actor.role {
                return Err(LetterFailure::NotItsIssuer {
                    letter: letter_id.to_owned(),
                    issued_in: archived.role,
                    role: actor.role,
                }
                .into());
            }
            let case_id = archived.case;
            let mut case = w.checked_case(&case_id, None, clock)?;
            let before = case.clone();
            let held = case
                .letter(letter_id)
                .ok_or_else(|| LetterFailure::Unknown(letter_id.to_owned()))?;
            if !held.in_force() {
                return Err(LetterFailure::NotInForce(letter_id.to_owned()).into());
            }
            let event = Event {
                seq: case.seq + 1,
                recorded_at: clock.now,
                occurred_at: clock.now,
                actor: actor.user.clone(),
                role: actor.role.clone(),
                kind: EventKind::LetterVoided {
                    letter: letter_id.to_owned(),
                    reason: reason.trim().to_owned(),
                },
            };
            case.apply(&event).map_err(corrupt)?;
            w.save_events(&case, std::slice::from_ref(&event), &before)?;
            case
        };
        self.commit(tx)?;
        Ok(case)
    }

    /// A letter by archive id or document number, with what became of it.
    pub fn letter(&self, id_or_number: &str) -> Result<Option<LetterRecord>, StoreError> {
        let tx = self.read()?;
        let Ok(letters) = tx.open_table(LETTERS) else {
            return Ok(None);
        };
        let id = if archive::is_letter_id(id_or_number) {
            id_or_number.to_owned()
        } else {
            let index = tx.open_table(LETTER_INDEX).map_err(storage)?;
            match lookup_in(&index, "number", id_or_number)? {
                Some(id) => id,
                None => return Ok(None),
            }
        };
        let Some(bytes) = letters.get(id.as_str()).map_err(storage)? else {
            return Ok(None);
        };
        let letter: ArchivedLetter = decode(bytes.value()).map_err(corrupt)?;
        let case = self.case(&letter.case)?;
        let status = case.as_ref().and_then(|c| c.letter(&letter.id));
        Ok(Some(LetterRecord {
            voided: status.and_then(|s| s.voided.clone()),
            replaced_by: status.and_then(|s| s.replaced_by.clone()),
            letter,
        }))
    }

    /// The archive id of the letter whose HTML or text has this SHA-256, or whose verification
    /// code this is.
    pub fn find_letter(&self, kind: LetterKey, value: &str) -> Result<Option<String>, StoreError> {
        let tx = self.read()?;
        let Ok(index) = tx.open_table(LETTER_INDEX) else {
            return Ok(None);
        };
        let kind = match kind {
            LetterKey::Sha256 => "sha256",
            LetterKey::Code => "code",
        };
        lookup_in(&index, kind, value)
    }

    /// Archived letters, of one case or all, oldest first.
    pub fn letters(&self, case: Option<&CaseId>) -> Result<Vec<LetterRecord>, StoreError> {
        let tx = self.read()?;
        let Ok(letters) = tx.open_table(LETTERS) else {
            return Ok(Vec::new());
        };
        let mut ids = Vec::new();
        match case {
            Some(case) => {
                let by_case = tx.open_table(LETTERS_BY_CASE).map_err(storage)?;
                for entry in by_case.range((case.as_str(), "")..).map_err(storage)? {
                    let (k, _) = entry.map_err(storage)?;
                    let (c, id) = k.value();
                    if c != case.as_str() {
                        break;
                    }
                    ids.push(id.to_owned());
                }
            }
            None => {
                for entry in letters.iter().map_err(storage)? {
                    let (k, _) = entry.map_err(storage)?;
                    ids.push(k.value().to_owned());
                }
            }
        }
        let mut out = Vec::new();
        let mut cases: std::collections::BTreeMap<CaseId, Option<Case>> = Default::default();
        for id in ids {
            let Some(bytes) = letters.get(id.as_str()).map_err(storage)? else {
                continue;
            };
            let letter: ArchivedLetter = decode(bytes.value()).map_err(corrupt)?;
            if !cases.contains_key(&letter.case) {
                let c = self.case(&letter.case)?;
                cases.insert(letter.case.clone(), c);
            }
            let status = cases
                .get(&letter.case)
                .and_then(|c| c.as_ref())
                .and_then(|c| c.letter(&letter.id));
            out.push(LetterRecord {
                voided: status.and_then(|s| s.voided.clone()),
                replaced_by: status.and_then(|s| s.replaced_by.clone()),
                letter,
            });
        }
        out.sort_by(|a, b| {
            (a.letter.issued_at, &a.letter.id).cmp(&(b.letter.issued_at, &b.letter.id))
        });
        Ok(out)
    }
}

/// What `find_letter` looks up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterKey {
    Sha256,
    Code,
}

/// A failure of `letter issue` / `letter void`: of the letter, or of the command as any other.
#[derive(Debug, thiserror::Error)]
pub enum LetterCommandFailure {
    #[error(transparent)]
    Letter(#[from] LetterFailure),
    #[error(transparent)]
    Command(#[from] CommandFailure),
}

impl From<StoreError> for LetterCommandFailure {
    fn from(e: StoreError) -> Self {
        LetterCommandFailure::Command(CommandFailure::Store(e))
    }
}
