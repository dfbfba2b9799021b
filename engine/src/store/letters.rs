//! The letters archive's tables, and finding a letter again by id, number, code or hash. Who
//! issues a letter and under which number is decided in `crate::app::act`, inside the
//! transaction of the act that calls for it; the archive itself is insert-only.
//!
//! A number is taken from the counters table in the same write transaction that appends the
//! `LetterIssued` event and the archive record; redb runs one write transaction at a time, and a
//! transaction that fails takes its number with it, so numbers have neither gaps nor duplicates
//! even when several processes issue at once.

use redb::{ReadableTable, TableDefinition};

use super::format::decode;
use super::{CommandFailure, Store, StoreError, corrupt, storage};
use crate::app::act;
use crate::app::backend::Backend;
use crate::case::{Case, CaseId, IssuedRef};
use crate::letters::archive::{self, ArchivedLetter};
use crate::letters::{LetterError, Renderer};
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
pub struct IssuingContext<'a> {
    pub renderer: &'a Renderer,
    pub profile: Option<&'a Profile>,
    /// Each letter's salt (the application layer's source of randomness).
    pub salts: &'a crate::app::act::Salts,
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

pub(crate) fn index_key(kind: &str, value: &str) -> String {
    format!("{kind}:{value}")
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
    /// Issues a letter of a case on request (`letter issue`), in one transaction, unchecked
    /// (see [`Store::open_case`]).
    pub fn issue_letter(
        &self,
        id: &CaseId,
        request: IssueLetter,
        expect_seq: Option<u32>,
        clock: &Clock,
        issuing: &IssuingContext<'_>,
    ) -> Result<(Case, ArchivedLetter), LetterCommandFailure> {
        self.transaction(|tx| {
            let case = act::checked_case(tx, id, expect_seq, clock)?;
            act::issue_on_request(tx, case, &request, clock, issuing)
        })
    }

    /// Voids an issued letter (作废) with a reason, as an event of its case, unchecked.
    pub fn void_letter(
        &self,
        letter_id: &str,
        actor: Actor,
        reason: &str,
        clock: &Clock,
    ) -> Result<Case, LetterCommandFailure> {
        self.transaction(|tx| act::void(tx, letter_id, &actor, reason, clock))
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

/// A letter with what its case says became of it (voided, replaced).
pub(crate) fn record_of(letter: ArchivedLetter, case: Option<&Case>) -> LetterRecord {
    let status = case.and_then(|c| c.letter(&letter.id));
    LetterRecord {
        voided: status.and_then(|s| s.voided.clone()),
        replaced_by: status.and_then(|s| s.replaced_by.clone()),
        letter,
    }
}

/// The key kind `find_letter` looks up under.
pub(crate) fn letter_key_kind(kind: LetterKey) -> &'static str {
    match kind {
        LetterKey::Sha256 => "sha256",
        LetterKey::Code => "code",
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
