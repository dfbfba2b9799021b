//! Sentences for letters that could not be rendered, issued or voided, and for letters that
//! wait after an act.

use wardflow_engine::definition::Definition;
use wardflow_engine::letters::LetterError;
use wardflow_engine::store::{LetterFailure, Pending};

use super::words::field_name;
use super::{Exit, Shown};
use crate::i18n::Tr;
use crate::tr;

/// A renderer error: a missing field refuses the letter (exit 1) and names it. Every variant is
/// listed, so that a new one has to be given its exit code here.
pub fn letter(tr: &Tr, def: Option<&Definition>, e: &LetterError) -> Shown {
    match e {
        LetterError::MissingFields(fields) => {
            let named: Vec<String> = fields.iter().map(|f| field_name(tr, def, f)).collect();
            Shown::new(
                Exit::Refused,
                tr!(tr, "letter-missing-fields", fields = tr.list(&named)),
            )
            .with_key(fields.first().cloned().unwrap_or_default())
        }
        LetterError::UnknownDocument(key) => {
            Shown::new(Exit::BadInput, tr!(tr, "letter-unknown", key = key.clone()))
                .with_key(key.clone())
        }
        LetterError::DocxTemplatesChanged { id } => Shown::new(
            Exit::Refused,
            tr!(tr, "letter-docx-templates-changed", id = id.clone()),
        )
        .with_key("docx".to_owned()),
        LetterError::NotPublished => Shown::new(Exit::Refused, tr!(tr, "letters-not-published"))
            .with_key("letters".to_owned()),
        LetterError::NotAnIssuer { document, role } => Shown::new(
            Exit::Refused,
            tr!(
                tr,
                "letter-not-issuer",
                document = document.clone(),
                role = role.clone()
            ),
        )
        .with_key(role.clone()),
        // Every problem of the letters table, each with its position, like a workflow file's.
        LetterError::Table(diagnostics) => {
            super::problems::invalid_workflows(tr, std::slice::from_ref(diagnostics))
        }
        // The table, the templates and the numbers given are input the user can correct.
        LetterError::Io { .. }
        | LetterError::Template { .. }
        | LetterError::Confidential { .. }
        | LetterError::MissingIssuer(_)
        | LetterError::NumberOnDraft
        | LetterError::MissingNumber(_)
        | LetterError::UnexpectedNumber(_)
        | LetterError::BadNumber { .. }
        | LetterError::BadCourtNumber { .. }
        | LetterError::BadVerificationCode
        | LetterError::UnknownSetting(_)
        | LetterError::BadSetting { .. }
        | LetterError::DataShape(_)
        | LetterError::NoFont { .. }
        | LetterError::Pdf { .. }
        | LetterError::Docx { .. }
        | LetterError::Render { .. } => Shown::new(
            Exit::BadInput,
            tr!(tr, "letter-error", detail = letter_problem(tr, e)),
        ),
    }
}

/// `file:line:column`, as far as known.
fn place(file: &str, line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        _ => file.to_owned(),
    }
}

/// What is wrong with the letters table, a template or a letter's data, in words.
pub fn letter_problem(tr: &Tr, e: &LetterError) -> String {
    match e {
        LetterError::Io { path, message } => tr!(
            tr,
            "letter-io",
            path = path.clone(),
            detail = message.clone()
        ),
        LetterError::Table(diagnostics) => {
            let first = diagnostics.problems.first();
            let pos = first.and_then(|p| p.pos);
            let details: Vec<String> = diagnostics
                .problems
                .iter()
                .map(|p| super::problems::problem_message(tr, &p.kind))
                .collect();
            tr!(
                tr,
                "letter-table",
                place = place(
                    &diagnostics.file,
                    pos.map(|p| p.line),
                    pos.map(|p| p.column)
                ),
                detail = details.join("; ")
            )
        }
        LetterError::Template {
            file,
            line,
            column,
            message,
        } => tr!(
            tr,
            "letter-template",
            place = place(file, *line, *column),
            detail = message.clone()
        ),
        LetterError::Confidential {
            file,
            line,
            document,
        } => tr!(
            tr,
            "letter-confidential",
            place = place(file, *line, None),
            document = document.clone()
        ),
        LetterError::MissingIssuer(document) => {
            tr!(tr, "letter-missing-issuer", document = document.clone())
        }
        LetterError::NumberOnDraft => tr!(tr, "letter-number-on-draft"),
        LetterError::MissingNumber(document) => {
            tr!(tr, "letter-missing-number", document = document.clone())
        }
        LetterError::UnexpectedNumber(document) => {
            tr!(tr, "letter-unexpected-number", document = document.clone())
        }
        LetterError::BadNumber { number, reason } => tr!(
            tr,
            "letter-bad-number",
            number = number.clone(),
            detail = reason.clone()
        ),
        LetterError::BadCourtNumber { number, reason } => tr!(
            tr,
            "letter-bad-court-number",
            number = number.clone(),
            detail = reason.clone()
        ),
        LetterError::BadVerificationCode => tr!(tr, "letter-bad-code"),
        LetterError::UnknownSetting(name) => {
            tr!(tr, "letter-unknown-setting", name = name.clone())
        }
        LetterError::BadSetting { name, expected } => tr!(
            tr,
            "letter-bad-setting",
            name = name.clone(),
            expected = expected.clone()
        ),
        LetterError::DataShape(detail) => tr!(tr, "letter-data-shape", detail = detail.clone()),
        LetterError::Render { document, message } => tr!(
            tr,
            "letter-render",
            document = document.clone(),
            detail = message.clone()
        ),
        LetterError::NoFont {
            role,
            families,
            dirs,
        } => tr!(
            tr,
            "letter-no-font",
            role = role.clone(),
            families = families.clone(),
            dirs = dirs.clone()
        ),
        LetterError::Pdf { document, message } => tr!(
            tr,
            "letter-pdf",
            document = document.clone(),
            detail = message.clone()
        ),
        LetterError::Docx { document, message } => tr!(
            tr,
            "letter-docx-failed",
            document = document.clone(),
            detail = message.clone()
        ),
        // Worded by `letter` itself, which gives them their own exit codes and keys.
        LetterError::MissingFields(_)
        | LetterError::UnknownDocument(_)
        | LetterError::NotPublished
        | LetterError::DocxTemplatesChanged { .. }
        | LetterError::NotAnIssuer { .. } => letter(tr, None, e).message,
    }
}

/// Why a letter an act called for is waiting, as a sentence.
pub fn pending(tr: &Tr, def: Option<&Definition>, p: &Pending) -> String {
    match p {
        Pending::NoLetters(detail) => tr!(tr, "pending-no-letters", detail = detail.clone()),
        Pending::NotAnIssuer { role, issuers, .. } => tr!(
            tr,
            "pending-not-issuer",
            role = role.clone(),
            issuers = tr.list(issuers)
        ),
        Pending::NoIssuingBody { role } => tr!(tr, "pending-no-body", role = role.clone()),
        Pending::NoNumber { field, .. } => match field {
            Some(f) => tr!(
                tr,
                "pending-no-number-field",
                field = field_name(tr, def, f)
            ),
            None => tr!(tr, "pending-no-number"),
        },
        Pending::DuplicateNumber(n) => tr!(tr, "pending-duplicate-number", number = n.clone()),
        Pending::Letter(e) => letter(tr, def, e).message,
    }
}

/// A failure of `letter issue` / `letter void`.
pub fn letter_command(tr: &Tr, def: Option<&Definition>, e: &LetterFailure) -> Shown {
    match e {
        LetterFailure::Pending(Pending::Letter(e)) => letter(tr, def, e),
        LetterFailure::Pending(p) => Shown::new(Exit::Refused, pending(tr, def, p)),
        LetterFailure::Unknown(id) => {
            Shown::new(Exit::BadInput, tr!(tr, "letter-no-such", id = id.clone()))
                .with_key(id.clone())
        }
        LetterFailure::OtherDocument {
            letter,
            key,
            expected,
        } => Shown::new(
            Exit::BadInput,
            tr!(
                tr,
                "letter-other-document",
                id = letter.clone(),
                key = key.clone(),
                expected = expected.clone()
            ),
        ),
        LetterFailure::NotInForce(id) => Shown::new(
            Exit::Refused,
            tr!(tr, "letter-not-in-force", id = id.clone()),
        ),
        LetterFailure::NotItsIssuer {
            letter,
            issued_in,
            role,
        } => Shown::new(
            Exit::Refused,
            tr!(
                tr,
                "letter-void-not-issuer",
                id = letter.clone(),
                issued_in = issued_in.clone(),
                role = role.clone()
            ),
        )
        .with_key(role.clone()),
        LetterFailure::NoReason => {
            Shown::new(Exit::BadInput, tr!(tr, "letter-void-no-reason")).with_key("--reason")
        }
    }
}
