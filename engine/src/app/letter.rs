//! Letter use cases: issue on request, void, and reading the archive.

use std::collections::BTreeMap;

use super::backend::Backend;
use super::owner::{actor, denied, registered};
use super::{AppError, Caller, Office, act};
use crate::authority::{self, Denied, User};
use crate::case::{Case, CaseId};
use crate::definition::Definition;
use crate::letters::REPORTER_DOCUMENT;
use crate::letters::archive::ArchivedLetter;
use crate::store::{Desk, IssueLetter, LetterRecord, Store};

/// `letter issue`.
#[derive(Debug, Clone)]
pub struct IssueRequest {
    pub case: CaseId,
    /// The document's key in the letters table.
    pub key: String,
    /// A court case number, for externally numbered documents.
    pub number: Option<String>,
    /// The archive id of the letter this one replaces.
    pub replaces: Option<String>,
    pub expect_seq: Option<u32>,
}

/// `letter void`.
#[derive(Debug, Clone)]
pub struct VoidRequest {
    /// The archive id.
    pub letter: String,
    pub reason: String,
}

impl<B: Backend> Office<B> {
    /// Issues a letter of a case on request: number, render, archive, `LetterIssued` event.
    pub fn issue_letter(
        &self,
        caller: &Caller,
        request: &IssueRequest,
    ) -> Result<(Case, ArchivedLetter), AppError> {
        let now = self.now(caller)?;
        let result = actor(caller).and_then(|actor| {
            let renderer = self.renderer()?;
            self.backend.transaction(|tx| {
                let clock = self.clock(now);
                let (user, units) = registered(tx, caller)?;
                let case = tx
                    .case(&request.case)?
                    .ok_or_else(|| AppError::UnknownCase(request.case.clone()))?;
                let def = tx.definition(&case.version)?;
                authority::may_act(&units, &user, &actor.role, case.unit.as_deref())
                    .map_err(|d| denied(d, &units))?;
                act::check_case(&case, request.expect_seq, &clock)
                    .map_err(|e| AppError::from(e).about(&def))?;
                let desk = Desk {
                    renderer: &renderer,
                    profile: self.profile(),
                };
                let letter = IssueLetter {
                    key: request.key.clone(),
                    actor: actor.clone(),
                    number: request.number.clone(),
                    replaces: request.replaces.clone(),
                };
                act::issue_on_request(tx, case, &letter, &clock, &desk)
                    .map_err(|e| AppError::from(e).about(&def))
            })
        });
        self.logged(caller, now, request.case.as_str(), "letter:issue", result)
    }

    /// Voids an issued letter with a reason; only the role it was issued in may, and only a
    /// user whose unit covers its case.
    pub fn void_letter(&self, caller: &Caller, request: &VoidRequest) -> Result<Case, AppError> {
        let now = self.now(caller)?;
        let mut case_id = String::new();
        let result = actor(caller).and_then(|actor| {
            self.backend.transaction(|tx| {
                let clock = self.clock(now);
                let (user, units) = registered(tx, caller)?;
                let letter = tx
                    .letter(&request.letter)?
                    .ok_or_else(|| AppError::UnknownLetter(request.letter.clone()))?;
                case_id = letter.case.to_string();
                let case = tx
                    .case(&letter.case)?
                    .ok_or_else(|| AppError::UnknownCase(letter.case.clone()))?;
                let def = tx.definition(&case.version)?;
                authority::may_act(&units, &user, &actor.role, case.unit.as_deref())
                    .map_err(|d| denied(d, &units))?;
                act::void(tx, &request.letter, &actor, &request.reason, &clock)
                    .map_err(|e| AppError::from(e).about(&def))
            })
        });
        self.logged(caller, now, &case_id, "letter:void", result)
    }
}

/// The report receipt names the confidential reporter: only those who may see the reporter
/// may read it.
fn may_read_letter(key: &str, def: &Definition, user: &User) -> Result<(), Denied> {
    if key != REPORTER_DOCUMENT || authority::sees_confidential(def, user) {
        return Ok(());
    }
    Err(Denied::Confidential {
        user: Box::new(user.clone()),
        field: key.to_owned(),
        needs: def
            .confidential
            .as_ref()
            .map(|c| c.visible_to.clone())
            .unwrap_or_default(),
    })
}

impl Office<Store> {
    /// An archived letter by archive id or number (`letter show`, `letter export`), if the
    /// caller may read its case and, for the report receipt, the reporter; the read is logged
    /// as `{action}:{document}`.
    pub fn letter(
        &self,
        caller: &Caller,
        id_or_number: &str,
        action: &str,
    ) -> Result<LetterRecord, AppError> {
        let now = self.now(caller)?;
        let record = self
            .backend
            .letter(id_or_number)?
            .ok_or_else(|| AppError::UnknownLetter(id_or_number.to_owned()))?;
        let key = record.letter.key.clone();
        self.backend.snapshot(|tx| {
            self.read_case_if(
                tx,
                caller,
                now,
                &record.letter.case,
                &format!("{action}:{key}"),
                |def, user| may_read_letter(&key, def, user),
            )
        })?;
        Ok(record)
    }

    /// Archived letters, of one case or all, of the cases the caller's unit covers.
    pub fn letters(
        &self,
        caller: &Caller,
        case: Option<&CaseId>,
    ) -> Result<Vec<LetterRecord>, AppError> {
        let (user, units) = self.reader(caller)?;
        let mut unit_of: BTreeMap<CaseId, Option<String>> = BTreeMap::new();
        let mut out = Vec::new();
        for record in self.backend.letters(case)? {
            let id = record.letter.case.clone();
            if !unit_of.contains_key(&id) {
                let unit = self.backend.case(&id)?.and_then(|c| c.unit);
                unit_of.insert(id.clone(), unit);
            }
            if units.covers(&user.unit, unit_of.get(&id).and_then(|u| u.as_deref())) {
                out.push(record);
            }
        }
        Ok(out)
    }
}
