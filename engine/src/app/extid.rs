//! External ids (issue 25 item 2): another system (a police system, a hotline) opens a case
//! with its own id for it, `case open … --external-id PSB-2026-0001`. A second open with the
//! same id from the same source for the same workflow gives the existing case back instead of
//! a duplicate; one with different data under that id is refused (`ExternalIdConflict`); a
//! caller who may not see the existing case learns only that the id is taken
//! (`ExternalIdTaken`: no case id, no data, whatever was sent).
//!
//! The id is scoped to its source: over the API the user whose token sent it, on the command
//! line `--source` (default: the caller). The look-up and the index entry are made in the
//! open's own transaction (`ReadTx::external_case`, `WriteTx::index_external`), so two opens
//! racing with one id give one case. The id is recorded on the opening event; the index is
//! rebuilt from those (migration step, import).

use jiff::Timestamp;

use super::backend::ReadTx;
use super::{AppError, Caller};
use crate::authority::{self, Units, User};
use crate::case::{Case, CaseId, EventKind, ExternalId};
use crate::definition::Data;

/// The longest external id, in characters (printable ASCII without spaces).
pub const MAX_EXTERNAL_ID_CHARS: usize = 64;
/// The longest source name, in characters (no spaces or control characters).
pub const MAX_SOURCE_CHARS: usize = 64;

/// An external id is 1 to [`MAX_EXTERNAL_ID_CHARS`] printable ASCII characters, no spaces.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_EXTERNAL_ID_CHARS && id.bytes().all(|b| b.is_ascii_graphic())
}

/// A source is 1 to [`MAX_SOURCE_CHARS`] characters without whitespace or control characters
/// (a system's name may be Chinese: `公安110`).
pub fn valid_source(source: &str) -> bool {
    let n = source.chars().count();
    (1..=MAX_SOURCE_CHARS).contains(&n)
        && source
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control())
}

/// The external id an open asks for, checked: `id` from `source`, by default the caller.
pub(super) fn external_of(
    id: Option<&str>,
    source: Option<&str>,
    caller: &Caller,
) -> Result<Option<ExternalId>, AppError> {
    let Some(id) = id else {
        return match source {
            Some(_) => Err(AppError::SourceWithoutExternalId),
            None => Ok(None),
        };
    };
    if !valid_id(id) {
        return Err(AppError::BadExternalId);
    }
    let source = match source {
        Some(s) => s.to_owned(),
        None => crate::value::clean_name(&caller.user),
    };
    if !valid_source(&source) {
        return Err(AppError::BadSource);
    }
    Ok(Some(ExternalId {
        source,
        id: id.to_owned(),
    }))
}

/// What a new open asked for, to compare with the existing case's opening.
pub(super) struct Asked<'a> {
    pub external: &'a ExternalId,
    pub data: &'a Data,
    pub unit: &'a str,
    pub officer: &'a str,
    pub at: Option<Timestamp>,
}

/// The existing case an external id names, if `reader` may see it and it was opened with the
/// same data (and unit, officer and time, when given); else why not.
pub(super) fn existing(
    tx: &dyn ReadTx,
    caller: &Caller,
    reader: &User,
    units: &Units,
    now: Timestamp,
    found: &CaseId,
    asked: &Asked<'_>,
) -> Result<Case, AppError> {
    let external = asked.external;
    let taken = || AppError::ExternalIdTaken {
        id: external.id.clone(),
    };
    let case = tx.case(found)?.ok_or_else(taken)?;
    let def = tx.definition(&case.version)?;
    let privacy = super::protect::privacy_in(tx)?;
    let sees = authority::may_reach(units, reader, case.unit.as_deref()).is_ok()
        && super::protect::sealed_read(&privacy, &def, &case, reader, caller, now).is_ok();
    if !sees {
        return Err(taken());
    }
    let history = tx.history(found)?;
    let same = match history.first() {
        Some(event) => match &event.kind {
            EventKind::Opened {
                data,
                unit,
                officer,
                ..
            } => {
                data == asked.data
                    && unit.as_deref() == Some(asked.unit)
                    && officer.as_deref() == Some(asked.officer)
                    && asked.at.is_none_or(|at| at == event.occurred_at)
            }
            _ => false,
        },
        None => false,
    };
    if !same {
        return Err(AppError::ExternalIdConflict {
            id: external.id.clone(),
            case: found.clone(),
        });
    }
    Ok(case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_external_id_is_printable_ascii_without_spaces_and_bounded() {
        assert!(valid_id("PSB-2026-0001"));
        assert!(valid_id(&"x".repeat(MAX_EXTERNAL_ID_CHARS)));
        assert!(!valid_id(&"x".repeat(MAX_EXTERNAL_ID_CHARS + 1)));
        for bad in ["", "PSB 2026", "PSB\t1", "公安-1", "a\u{7f}", "id\n"] {
            assert!(!valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_source_has_no_spaces_or_control_characters_and_is_bounded() {
        assert!(valid_source("公安110"));
        assert!(valid_source("psb-system"));
        assert!(valid_source(&"源".repeat(MAX_SOURCE_CHARS)));
        assert!(!valid_source(&"源".repeat(MAX_SOURCE_CHARS + 1)));
        for bad in ["", "a b", "a\u{3000}b", "a\u{1b}[31m"] {
            assert!(!valid_source(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_source_defaults_to_the_caller_and_needs_an_id() {
        let caller = Caller::new("李警官");
        let found = external_of(Some("PSB-1"), None, &caller).expect("valid");
        assert_eq!(
            found,
            Some(ExternalId {
                source: "李警官".into(),
                id: "PSB-1".into()
            })
        );
        assert!(matches!(
            external_of(None, Some("公安"), &caller),
            Err(AppError::SourceWithoutExternalId)
        ));
        assert!(matches!(
            external_of(Some("a b"), None, &caller),
            Err(AppError::BadExternalId)
        ));
        assert!(matches!(
            external_of(Some("ok"), Some("a b"), &caller),
            Err(AppError::BadSource)
        ));
        assert!(matches!(external_of(None, None, &caller), Ok(None)));
    }
}
