//! The letter commands' results and requests as they travel between `wardflow serve` and the
//! command line with `--server`: each result is the command's `--json` value, typed, so the
//! server answers with it, the client reads it back and both print it with the same code.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use wardflow_engine::app::LetterRecord;
use wardflow_engine::case::CaseId;
use wardflow_engine::letters::IssuingBody;
use wardflow_engine::letters::UsedFont;
use wardflow_engine::letters::archive::ArchivedLetter;
use wardflow_engine::letters::table::Table;

/// Whether an archived letter still counts.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LetterStatus {
    /// Neither void nor replaced.
    pub in_force: bool,
    /// The reason it was voided (作废).
    pub voided: Option<String>,
    /// The archive id of the letter that replaced it.
    pub replaced_by: Option<String>,
}

impl LetterStatus {
    pub fn of(r: &LetterRecord) -> Self {
        LetterStatus {
            in_force: r.voided.is_none() && r.replaced_by.is_none(),
            voided: r.voided.clone(),
            replaced_by: r.replaced_by.clone(),
        }
    }
}

/// A document's English name from the letters table, when the table is at hand and gives one.
fn english_title(table: Option<&Table>, key: &str) -> Option<String> {
    table?.documents.get(key)?.title_en.clone()
}

/// One row of `letter list` (`GET /api/v1/letters`, `GET /api/v1/cases/{id}/letters`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListedLetter {
    /// The archive id, `L2026-000001`.
    pub letter: String,
    #[schema(value_type = String)]
    pub case: CaseId,
    pub key: String,
    pub title: String,
    /// The document's English name (the letters table's `title_en`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub number: Option<String>,
    pub role: String,
    #[schema(value_type = String)]
    pub issued_at: Timestamp,
    #[schema(value_type = String)]
    pub date: Date,
    /// 核验码.
    pub code: String,
    pub status: LetterStatus,
}

impl ListedLetter {
    /// The row of `r`, with its English name from `table` (the office's letters table).
    pub fn of(r: &LetterRecord, table: Option<&Table>) -> Self {
        let l = &r.letter;
        ListedLetter {
            letter: l.id.clone(),
            case: l.case.clone(),
            key: l.key.clone(),
            title: l.title.clone(),
            title_en: english_title(table, &l.key),
            number: l.number.clone(),
            role: l.role.clone(),
            issued_at: l.issued_at,
            date: l.date,
            code: l.code.clone(),
            status: LetterStatus::of(r),
        }
    }
}

/// Every particular of an archived letter, without its content (`letter show`, and
/// `letter verify` when the caller may read the case).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LetterParticulars {
    pub letter: String,
    #[schema(value_type = String)]
    pub case: CaseId,
    pub key: String,
    pub title: String,
    /// The document's English name (the letters table's `title_en`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub number: Option<String>,
    pub role: String,
    #[schema(value_type = Option<Object>)]
    pub issuer: Option<IssuingBody>,
    /// The user who issued it.
    pub actor: String,
    #[schema(value_type = String)]
    pub issued_at: Timestamp,
    #[schema(value_type = String)]
    pub date: Date,
    pub code: String,
    pub template_hash: String,
    pub html_sha256: String,
    pub text_sha256: String,
    pub pdf_sha256: Option<String>,
    /// The hash of the three digests: `sm3` in a national database; absent (SHA-256) on a
    /// standard one.
    #[serde(
        default,
        skip_serializing_if = "wardflow_engine::crypto::HashAlgorithm::is_sha256"
    )]
    #[schema(value_type = Option<String>)]
    pub digest_algorithm: wardflow_engine::crypto::HashAlgorithm,
    #[schema(value_type = Vec<Object>)]
    pub fonts: Vec<UsedFont>,
    pub replaces: Option<String>,
    pub status: LetterStatus,
}

impl LetterParticulars {
    /// The row of `r`, with its English name from `table` (the office's letters table).
    pub fn of(r: &LetterRecord, table: Option<&Table>) -> Self {
        let l = &r.letter;
        LetterParticulars {
            letter: l.id.clone(),
            case: l.case.clone(),
            key: l.key.clone(),
            title: l.title.clone(),
            title_en: english_title(table, &l.key),
            number: l.number.clone(),
            role: l.role.clone(),
            issuer: l.issuer.clone(),
            actor: l.actor.clone(),
            issued_at: l.issued_at,
            date: l.date,
            code: l.code.clone(),
            template_hash: l.template_hash.clone(),
            html_sha256: l.html_sha256.clone(),
            text_sha256: l.text_sha256.clone(),
            pdf_sha256: l.pdf_sha256.clone(),
            digest_algorithm: l.digest_algorithm,
            fonts: l.fonts.clone(),
            replaces: l.replaces.clone(),
            status: LetterStatus::of(r),
        }
    }
}

/// What `letter issue` did (`POST /api/v1/cases/{id}/letters`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IssuedLetter {
    #[schema(value_type = String)]
    pub case: CaseId,
    /// The case's event number after the issue.
    pub seq: u32,
    pub letter: String,
    pub key: String,
    /// The document's title from the letters table.
    pub title: String,
    pub number: Option<String>,
    pub code: String,
    pub html_sha256: String,
    pub text_sha256: String,
    pub replaces: Option<String>,
}

impl IssuedLetter {
    pub fn of(case: &CaseId, seq: u32, letter: &ArchivedLetter) -> Self {
        IssuedLetter {
            case: case.clone(),
            seq,
            letter: letter.id.clone(),
            key: letter.key.clone(),
            title: letter.title.clone(),
            number: letter.number.clone(),
            code: letter.code.clone(),
            html_sha256: letter.html_sha256.clone(),
            text_sha256: letter.text_sha256.clone(),
            replaces: letter.replaces.clone(),
        }
    }
}

/// What `letter void` did (`POST /api/v1/letters/{letter}/void`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VoidedLetter {
    #[schema(value_type = String)]
    pub case: CaseId,
    pub seq: u32,
    pub letter: String,
    /// The document number, if it had one.
    pub number: Option<String>,
    /// The reason, as recorded.
    pub voided: String,
}

/// The answer to someone who may not read the letter's case (`letter verify`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LimitedVerdict {
    /// `valid` or `void`.
    pub status: String,
    /// The issuing body's name (or the role, without one).
    pub issuer: String,
}

/// `letter verify`'s answer: every particular, or the limited answer.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Verified {
    Particulars(Box<LetterParticulars>),
    Limited(LimitedVerdict),
}

/// A draft (`POST /api/v1/cases/{id}/letters/preview`): nothing stored.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Draft {
    pub html: String,
    pub text: String,
    /// The editable DOCX copy, base64.
    pub docx_base64: String,
}

/// `letter issue`'s request.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    /// The document key, e.g. warning-letter.
    pub key: String,
    /// The role it is issued in.
    #[serde(rename = "as")]
    pub role: String,
    /// A court case number, for documents a court numbers.
    pub number: Option<String>,
    /// Re-issue: the archive id of the letter this one replaces.
    pub replaces: Option<String>,
    /// Refuse unless the case is still at this event number.
    pub expect_seq: Option<u32>,
}

/// `letter void`'s request.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidBody {
    #[serde(rename = "as")]
    pub role: String,
    pub reason: String,
}

/// `letter preview`'s request.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewBody {
    pub key: String,
    #[serde(rename = "as")]
    pub role: String,
    /// The issuing body's name as printed, when the profile names none (default （签发机关）).
    pub body: Option<String>,
}

/// `letter verify`'s request: a code, a copy, or both.
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The verification code printed on a paper copy (核验码, e.g. 7KQ2M-XC4TA).
    pub code: Option<String>,
    /// A copy to compare byte for byte with the archive, as text (HTML or text as exported).
    pub file: Option<String>,
    /// A copy as base64 (any form, a PDF too); instead of `file`.
    pub file_base64: Option<String>,
    /// The copy's name, as the answer's messages name it (default `file`).
    pub name: Option<String>,
}
