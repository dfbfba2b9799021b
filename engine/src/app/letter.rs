//! Letter use cases: issue on request and void.

use super::backend::Backend;
use super::owner::{actor, denied, registered};
use super::{AppError, Caller, Office, act};
use crate::authority;
use crate::case::{Case, CaseId};
use crate::letters::archive::ArchivedLetter;
use crate::store::{Desk, IssueLetter};

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
