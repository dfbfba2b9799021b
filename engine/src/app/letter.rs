//! Letter use cases: issue on request, void, and reading the archive.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::backend::Backend;
use super::once::{Answer, Remember, remembering};
use super::owner::{actor, denied, registered};
use super::{AppError, Caller, Office, act};
use crate::authority::{self, Denied, Units, User};
use crate::case::{Case, CaseId};
use crate::definition::Definition;
use crate::letters::archive::{ArchivedLetter, normalize_code};
use crate::letters::{IssuingBody, LetterInput, REPORTER_DOCUMENT, Rendered, Vocabulary};
use crate::store::{IssueLetter, IssuingContext, LetterKey, LetterRecord};

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

/// `letter preview`: a draft (草稿) of a document from a case's data; nothing is stored.
#[derive(Debug, Clone)]
pub struct PreviewRequest {
    pub case: CaseId,
    pub key: String,
    /// The issuing body's name when the profile configures none for the caller's role.
    pub body: String,
}

/// What `letter verify` found.
#[derive(Debug, Clone)]
pub enum LetterVerdict {
    /// The letter with the code given; every particular.
    ByCode(Box<LetterRecord>),
    /// The letter the file is byte-identical with; every particular.
    Identical(Box<LetterRecord>),
    /// For someone who may not read the case: valid (in force) or void, and the issuer.
    Limited { valid: bool, issuer: String },
    /// No archived letter has the code.
    UnknownCode,
    /// A file from someone who may not read its case, without the code printed on it.
    NeedsCode,
    /// Not identical; the archived letters (archive id, code) whose codes it prints and
    /// whose cases the caller may read: it claims to be one of them, altered.
    Altered(Vec<(String, String)>),
    /// Neither identical nor naming a letter the caller may read; its SHA-256.
    Unknown(String),
}

/// The verification codes (核验码, `XXXXX-XXXXX`) printed in a text, each once, in order.
pub fn codes_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<String> = Vec::new();
    for w in chars.windows(11) {
        if w[5] == '-'
            && w.iter()
                .enumerate()
                .all(|(i, c)| i == 5 || c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            let candidate: String = w.iter().collect();
            if let Some(code) = normalize_code(&candidate)
                && code == candidate
                && !found.contains(&code)
            {
                found.push(code);
            }
        }
    }
    found
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
        self.issue_letter_once(caller, request, None)?.done()
    }

    /// [`Self::issue_letter`] under an idempotency key ([`super::once`]).
    pub fn issue_letter_once(
        &self,
        caller: &Caller,
        request: &IssueRequest,
        remember: Option<&Remember<(Case, ArchivedLetter)>>,
    ) -> Result<Answer<(Case, ArchivedLetter)>, AppError> {
        let now = self.now(caller)?;
        let result = actor(caller).and_then(|actor| {
            self.backend.transaction(|tx| {
                remembering(tx, &caller.user, remember, now, self.keeping, |tx| {
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
                    // The letters and profile the case was opened under, never a file the
                    // command names (on a real database).
                    let pin = case.published.as_ref().and_then(|p| p.letters);
                    let renderer = self.renderer_in(&*tx, pin)?;
                    let profile = self.profile_of(&*tx, &case)?;
                    let issuing = IssuingContext {
                        renderer: &renderer,
                        profile: profile.as_ref(),
                        salts: &self.salts,
                    };
                    let letter = IssueLetter {
                        key: request.key.clone(),
                        actor: actor.clone(),
                        number: request.number.clone(),
                        replaces: request.replaces.clone(),
                    };
                    act::issue_on_request(tx, case, &letter, &clock, &issuing)
                        .map_err(|e| AppError::from(e).about(&def))
                })
            })
        });
        self.logged(caller, now, request.case.as_str(), "letter:issue", result)
    }

    /// Voids an issued letter with a reason; only the role it was issued in may, and only a
    /// user whose unit covers its case.
    pub fn void_letter(
        &self,
        caller: &Caller,
        request: &VoidRequest,
    ) -> Result<(Case, ArchivedLetter), AppError> {
        self.void_letter_once(caller, request, None)?.done()
    }

    /// [`Self::void_letter`] under an idempotency key ([`super::once`]).
    pub fn void_letter_once(
        &self,
        caller: &Caller,
        request: &VoidRequest,
        remember: Option<&Remember<(Case, ArchivedLetter)>>,
    ) -> Result<Answer<(Case, ArchivedLetter)>, AppError> {
        let now = self.now(caller)?;
        let mut case_id = String::new();
        let result = actor(caller).and_then(|actor| {
            self.backend.transaction(|tx| {
                remembering(tx, &caller.user, remember, now, self.keeping, |tx| {
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
                    let case = act::void(tx, &request.letter, &actor, &request.reason, &clock)
                        .map_err(|e| AppError::from(e).about(&def))?;
                    Ok((case, letter))
                })
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

impl<B: Backend> Office<B> {
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
            .letter_record(id_or_number)?
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

    /// An editable DOCX copy of an issued letter (`letter export --format docx`), for a caller
    /// who may read it; the read is logged as `letter-export-docx:{document}`. A DOCX is not
    /// archived: it is set again from the letter's archived data, number, issuer, date and
    /// settings with the templates the case is pinned to, and refused when those are not the
    /// templates the letter was issued with. It says on its face that it is an unofficial copy.
    pub fn letter_docx(&self, caller: &Caller, id_or_number: &str) -> Result<Vec<u8>, AppError> {
        let record = self.letter(caller, id_or_number, "letter-export-docx")?;
        let l = &record.letter;
        let (rendered, def) = self.backend.snapshot(|tx| {
            let case = tx
                .case(&l.case)?
                .ok_or_else(|| AppError::UnknownCase(l.case.clone()))?;
            let def = tx.definition(&case.version)?;
            let render = |error| AppError::Render {
                error,
                def: def.clone(),
            };
            let pin = case.published.as_ref().and_then(|p| p.letters);
            let renderer = self.renderer_in(tx, pin).map_err(render)?;
            let profile = self.profile_of(tx, &case)?;
            let vocabulary = Vocabulary::of(&def, profile.as_ref());
            let input = LetterInput {
                data: &l.data,
                number: l.number.clone(),
                issuer: l.issuer.clone(),
                date: l.date,
                verification_code: l.code.clone(),
                draft: false,
                settings: l.settings.clone(),
                vocabulary: &vocabulary,
            };
            let rendered = renderer.render(&l.key, &input).map_err(render)?;
            Ok::<_, AppError>((rendered, def))
        })?;
        if rendered.template_hash != l.template_hash {
            return Err(AppError::Render {
                error: crate::letters::LetterError::DocxTemplatesChanged { id: l.id.clone() },
                def,
            });
        }
        Ok(rendered.docx)
    }

    /// A draft of document `key` from a case's data (`letter preview`), for a caller who may
    /// read the case (and, for the report receipt, the reporter); the read is logged as
    /// `letter:{key}`. The issuing body is the one the profile configures for the caller's
    /// role, else `body`.
    pub fn preview_letter(
        &self,
        caller: &Caller,
        request: &PreviewRequest,
    ) -> Result<(Rendered, Arc<Definition>), AppError> {
        let now = self.now(caller)?;
        let role = caller.role.clone().ok_or(AppError::NoRole)?;
        let key = &request.key;
        let date = now.to_zoned_datetime(self.config.tz.clone()).date();
        // A letters directory the command names is a draft being tried (any database), read
        // before the case is: a broken draft is bad input, not a refused read.
        let draft = match self.config.given.letters {
            true => Some(self.files_renderer()?),
            false => None,
        };
        let (_, def, _, _, rendered) = self.backend.snapshot(|tx| {
            // A draft that cannot be made (a field missing, a role that does not issue it) is
            // logged as a refused read.
            let render = |case: &Case, def: &Arc<Definition>, _: &User| {
                // Otherwise the letters and profile the case was opened under.
                let (renderer, profile) = if let Some(draft) = &draft {
                    (draft.clone(), self.profile().cloned())
                } else {
                    let pin = case.published.as_ref().and_then(|p| p.letters);
                    (self.renderer_in(tx, pin)?, self.profile_of(tx, case)?)
                };
                let profile = profile.as_ref();
                let configured = profile.and_then(|p| p.issuing_bodies.get(&role).cloned());
                let settings = profile
                    .and_then(|p| p.letters.get(key).cloned())
                    .unwrap_or_default();
                let vocabulary = Vocabulary::of(def, profile);
                let input = LetterInput {
                    data: &case.data,
                    number: None,
                    issuer: Some(configured.unwrap_or_else(|| IssuingBody {
                        role: role.clone(),
                        name: request.body.clone(),
                        code: "X".into(),
                        seal_caption: request.body.clone(),
                        contact: None,
                    })),
                    date,
                    verification_code: "DRAFT".into(),
                    draft: true,
                    settings,
                    vocabulary: &vocabulary,
                };
                renderer
                    .render(key, &input)
                    .map_err(|error| AppError::Render {
                        error,
                        def: def.clone(),
                    })
            };
            self.read_case_then(
                tx,
                caller,
                now,
                &request.case,
                &format!("letter:{key}"),
                |def, user| may_read_letter(key, def, user),
                render,
            )
        })?;
        Ok((rendered, def))
    }

    /// Whether `user` may read the letter's case (and, for the report receipt, the reporter).
    fn reads_letter(&self, user: &User, units: &Units, r: &LetterRecord) -> Result<bool, AppError> {
        let case = self
            .backend
            .case(&r.letter.case)?
            .ok_or_else(|| AppError::UnknownCase(r.letter.case.clone()))?;
        let def = self.backend.definition(&case.version)?;
        let reaches = authority::may_reach(units, user, case.unit.as_deref()).is_ok();
        Ok(reaches && may_read_letter(&r.letter.key, &def, user).is_ok())
    }

    /// Records one verification: which letter (or none, `*`), and how much the answer told.
    fn log_verification(
        &self,
        caller: &Caller,
        now: jiff::Timestamp,
        case: &str,
        action: String,
        outcome: Option<String>,
    ) -> Result<(), AppError> {
        let mut entry = super::owner::entry(caller, now, case, &action, None);
        entry.reason = outcome;
        Ok(self.backend.record_access(&entry)?)
    }

    /// Is this paper or file an archived letter (`letter verify`)? Any registered, enabled
    /// user may ask about a paper they hold, by its verification code (`code`, already in its
    /// normal form) or a file, or both. Someone who may read the letter's case (and, for the
    /// report receipt, the reporter) learns its particulars; anyone else only whether it is
    /// valid or void and who issued it, and for a file only together with the code printed on
    /// that very letter (a whole file is a guessing oracle). Every verification is logged.
    pub fn verify_letter(
        &self,
        caller: &Caller,
        code: Option<&str>,
        file: Option<&[u8]>,
    ) -> Result<LetterVerdict, AppError> {
        let now = self.now(caller)?;
        let (user, units) = self.reader(caller)?;
        let limited = |r: &LetterRecord| LetterVerdict::Limited {
            valid: r.voided.is_none() && r.replaced_by.is_none(),
            issuer: r
                .letter
                .issuer
                .as_ref()
                .map_or_else(|| r.letter.role.clone(), |b| b.name.clone()),
        };
        let find = |id: &str| -> Result<LetterRecord, AppError> {
            self.backend
                .letter_record(id)?
                .ok_or_else(|| AppError::UnknownLetter(id.to_owned()))
        };
        let Some(bytes) = file else {
            let Some(code) = code else {
                return Err(AppError::NothingToVerify);
            };
            let Some(id) = self.backend.find_letter(LetterKey::Code, code)? else {
                let outcome = Some(format!("code {code}: unknown"));
                self.log_verification(caller, now, "*", "letter-verify".into(), outcome)?;
                return Ok(LetterVerdict::UnknownCode);
            };
            let record = find(&id)?;
            let case = record.letter.case.to_string();
            let action = format!("letter-verify:{id}");
            if !self.reads_letter(&user, &units, &record)? {
                let outcome = Some("limited answer".into());
                self.log_verification(caller, now, &case, action, outcome)?;
                return Ok(limited(&record));
            }
            self.log_verification(caller, now, &case, action, None)?;
            return Ok(LetterVerdict::ByCode(Box::new(record)));
        };
        // The plain digest a copy of a PDF is indexed by: the database's hash.
        let sha = self.backend.crypto().digest_hex(bytes);
        let printed = codes_in(&String::from_utf8_lossy(bytes));
        // A letter issued before salts is found by the plain SHA-256 of its bytes; a salted
        // one by the code printed on it, then compared under its own salt.
        let mut identical = None;
        if let Some(id) = self.backend.find_letter(LetterKey::Sha256, &sha)? {
            let record = find(&id)?;
            if record.letter.is_rendering(bytes) {
                identical = Some((id, record));
            }
        }
        for code in &printed {
            if identical.is_some() {
                break;
            }
            if let Some(id) = self.backend.find_letter(LetterKey::Code, code)? {
                let record = find(&id)?;
                if record.letter.is_rendering(bytes) {
                    identical = Some((id, record));
                }
            }
        }
        if let Some((id, record)) = identical {
            let case = record.letter.case.to_string();
            let action = format!("letter-verify:{id}");
            if !self.reads_letter(&user, &units, &record)? {
                if code != Some(record.letter.code.as_str()) {
                    let outcome = Some("file without its code".into());
                    self.log_verification(caller, now, "*", "letter-verify".into(), outcome)?;
                    return Ok(LetterVerdict::NeedsCode);
                }
                let outcome = Some("limited answer".into());
                self.log_verification(caller, now, &case, action, outcome)?;
                return Ok(limited(&record));
            }
            self.log_verification(caller, now, &case, action, None)?;
            return Ok(LetterVerdict::Identical(Box::new(record)));
        }
        let outcome = Some(format!("file {sha}: no match"));
        self.log_verification(caller, now, "*", "letter-verify".into(), outcome)?;
        // Not byte-identical: which archived letter does it claim to be? Only those who may
        // read those letters' cases learn which; for others the answer stays "unknown".
        let mut claimed = Vec::new();
        for code in printed {
            if let Some(id) = self.backend.find_letter(LetterKey::Code, &code)?
                && self.reads_letter(&user, &units, &find(&id)?)?
            {
                claimed.push((id, code));
            }
        }
        if claimed.is_empty() {
            return Ok(LetterVerdict::Unknown(sha));
        }
        Ok(LetterVerdict::Altered(claimed))
    }

    /// Archived letters, of one case or all, of the cases the caller's unit covers.
    pub fn letters(
        &self,
        caller: &Caller,
        case: Option<&CaseId>,
    ) -> Result<Vec<LetterRecord>, AppError> {
        let (user, units) = self.reader(caller)?;
        // Per case: its unit and its definition (who may read its reporter).
        let mut cases: BTreeMap<CaseId, Option<CaseReach>> = BTreeMap::new();
        let mut out = Vec::new();
        for mut record in self.backend.letter_records(case)? {
            let id = record.letter.case.clone();
            if !cases.contains_key(&id) {
                let found = match self.backend.case(&id)? {
                    Some(c) => Some((c.unit.clone(), self.backend.definition(&c.version)?)),
                    None => None,
                };
                cases.insert(id.clone(), found);
            }
            let Some(Some((unit, def))) = cases.get(&id) else {
                continue;
            };
            if !units.covers(&user.unit, unit.as_deref()) {
                continue;
            }
            // A letter the user may not read (the report receipt without sight of the
            // reporter) is listed without its content, digests or code: the code would let
            // them verify guessed files, the digests confirm guesses.
            if !authority::sees_letter(def, &user, &record.letter.key) {
                let l = &mut record.letter;
                for hidden in [&mut l.code, &mut l.text_sha256, &mut l.html_sha256] {
                    *hidden = authority::CONFIDENTIAL.to_owned();
                }
                if let Some(pdf) = &mut l.pdf_sha256 {
                    *pdf = authority::CONFIDENTIAL.to_owned();
                }
                l.pdf = None;
                l.text.clear();
                l.html.clear();
                l.data = Default::default();
            }
            out.push(record);
        }
        Ok(out)
    }
}

/// A case's unit and definition: whether a user reaches it, and may read its letters.
type CaseReach = (Option<String>, Arc<Definition>);

#[cfg(test)]
mod tests {
    use super::codes_in;

    #[test]
    fn finds_printed_codes() {
        assert_eq!(
            codes_in("核验码：7KQ2M-XC4TA 第1页 核验码：7KQ2M-XC4TA"),
            vec!["7KQ2M-XC4TA".to_owned()]
        );
        assert!(codes_in("2026-11-23 ABCDE-FGHIJ").is_empty());
    }
}
