//! Why a use case did not happen. One type for every use case, each variant carrying what a
//! front end needs to say it in the user's language (the definition for field titles, the
//! units for unit names); the front end translates it once, where it prints.

use std::sync::Arc;

use crate::authority::{Denied, Units};
use crate::case::CaseId;
use crate::definition::Definition;
use crate::letters::LetterError;
use crate::store::{CommandFailure, LetterCommandFailure, RegistryError, StoreError};
use crate::value::InputError;

/// A refusal or failure of a use case. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The caller may not do this (unknown or disabled user, role not held, unit not covered,
    /// not an administrator or auditor). Logged in the access log like any read.
    #[error("{}", refusal_words(denied, units))]
    Denied { denied: Denied, units: Box<Units> },
    /// A requested clock (`--now`) on a database that records real events.
    #[error("only a simulation database accepts a requested clock")]
    NowNotSimulation,
    /// The `system` role belongs to the deadline runner alone.
    #[error("the role {role} is reserved")]
    ReservedRole { role: String },
    /// An act that needs a role was called without one.
    #[error("this act needs a role (`--as`)")]
    NoRole,
    /// Bad data, checked against the case's workflow when there is one.
    #[error("{error}")]
    Input {
        error: InputError,
        def: Option<Arc<Definition>>,
    },
    #[error("no case {0}")]
    UnknownCase(CaseId),
    /// No case the caller reaches records this child.
    #[error("no child {0}")]
    UnknownChild(String),
    #[error("no published workflow {0}")]
    UnknownWorkflow(String),
    #[error("no letter {0}")]
    UnknownLetter(String),
    /// An officer who is not an enabled user, or whose unit does not cover the case's.
    #[error("{user} cannot be the officer of a case of unit {unit}")]
    Officer {
        user: String,
        unit: String,
        units: Box<Units>,
        /// Why not, when the officer is not an enabled user.
        denied: Option<Box<Denied>>,
    },
    /// The case's rules refused the act, or storage failed under it.
    #[error("{failure}")]
    Command {
        // Boxed: a refusal carries several names and the error travels in every `Result`.
        failure: Box<CommandFailure>,
        def: Option<Arc<Definition>>,
    },
    #[error("{failure}")]
    Letter {
        failure: Box<LetterCommandFailure>,
        def: Option<Arc<Definition>>,
    },
    /// A document cannot be rendered from the case's data (a draft).
    #[error("{error}")]
    Render {
        error: LetterError,
        def: Arc<Definition>,
    },
    /// The case's own hash chain is broken: it is not exported.
    #[error("the chain of case {case} is broken")]
    ExportBroken {
        case: CaseId,
        broken: crate::chain::Break,
    },
    /// A report period that ends before it starts, or is longer than ten years.
    #[error("the period {from} to {to} is not one a report covers")]
    BadPeriod {
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    },
    /// `letter verify` with neither a code nor a file.
    #[error("give a verification code or a file")]
    NothingToVerify,
    /// Reading went well, but the output could not be written.
    #[error("the output could not be written: {0}")]
    Output(String),
    /// Workflow files with problems (nothing was published).
    #[error("workflow files have problems")]
    Workflows(Vec<crate::definition::Diagnostics>),
    /// A migration that cannot go ahead, with every problem found (no case moved).
    #[error("the migration has {} problem(s)", .0.len())]
    Migration(Vec<crate::migrate::Problem>),
    /// A register that was not imported (`import-register`): nothing was.
    #[error("the register was not imported")]
    Register(Box<super::RegisterError>),
    /// The first administrator's unit must be named: the units have several tops.
    #[error("name the administrator's unit")]
    AdminUnitNeeded,
    /// A units file that does not load.
    #[error("the units file has problems")]
    Units(crate::definition::Diagnostics),
    /// A calendar or profile to publish that does not load (nothing was published).
    #[error("the file to publish has problems")]
    Publish(crate::definition::Diagnostics),
    /// The letters (document table, templates) cannot be loaded.
    #[error(transparent)]
    Letters(#[from] LetterError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A new user's name or roles.
    #[error(transparent)]
    RegistryInput(#[from] super::RegistryInput),
    /// Sign-in, passwords and tokens.
    #[error(transparent)]
    Account(#[from] super::accounts::AccountError),
    /// A closed case past its retention is sealed: only an administrator reads it.
    #[error(
        "case {case} is sealed since {since}: only an administrator may read it, giving a reason"
    )]
    Sealed {
        case: CaseId,
        since: jiff::Timestamp,
    },
    /// An administrator reading a sealed case must say why (`--reason`).
    #[error("case {case} is sealed: give the reason for reading it")]
    SealedNeedsReason { case: CaseId },
    /// The office key ring refuses a rotation, or does not read.
    #[error(transparent)]
    Key(#[from] crate::seal::KeyError),
    /// An encrypted copy that cannot be made or opened.
    #[error(transparent)]
    Copy(#[from] crate::protect::copies::CopyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An idempotency key that is not 1 to 255 visible ASCII characters.
    #[error("an idempotency key is 1 to 255 visible ASCII characters")]
    BadKey,
    /// An idempotency key already used by this caller for a different request.
    #[error("idempotency key {key} was used for a different request")]
    KeyReused { key: String },
    /// An external id (`--external-id`) that is not 1 to 64 printable ASCII characters
    /// without spaces.
    #[error("an external id is 1 to 64 printable ASCII characters without spaces")]
    BadExternalId,
    /// A source (`--source`) that is empty, too long or has spaces or control characters.
    #[error("a source is 1 to 64 characters without spaces or control characters")]
    BadSource,
    /// A source named without an external id.
    #[error("a source is given only with an external id")]
    SourceWithoutExternalId,
    /// The external id names a case of this workflow and source that the caller may not see:
    /// nothing else is told.
    #[error("external id {id} is taken")]
    ExternalIdTaken { id: String },
    /// The external id names a case opened with other data.
    #[error("external id {id} names case {case}, opened with other data")]
    ExternalIdConflict { id: String, case: CaseId },
    /// A webhook that cannot be added, or one or a delivery that does not exist.
    #[error(transparent)]
    Webhook(#[from] super::webhooks::WebhookError),
}

/// A unit by its name and id, as the access log keeps it.
fn unit_words(units: &Units, id: &str) -> String {
    match units.get(id) {
        Some(unit) => format!("{} ({id})", unit.name),
        None => id.to_owned(),
    }
}

/// A refusal in words that name units by their names (the access log keeps these).
fn refusal_words(denied: &Denied, units: &Units) -> String {
    match denied {
        Denied::OutsideUnit { user, case_unit } => format!(
            "user {} of {} does not cover the case's unit {}",
            user.name,
            unit_words(units, &user.unit),
            case_unit
                .as_deref()
                .map_or_else(|| "(none)".to_owned(), |u| unit_words(units, u))
        ),
        other => other.to_string(),
    }
}

impl From<CommandFailure> for AppError {
    fn from(failure: CommandFailure) -> Self {
        match failure {
            CommandFailure::Store(e) => AppError::Store(e),
            CommandFailure::UnknownCase(id) => AppError::UnknownCase(id),
            CommandFailure::UnknownWorkflow(w) => AppError::UnknownWorkflow(w),
            failure => AppError::Command {
                failure: Box::new(failure),
                def: None,
            },
        }
    }
}

impl From<LetterCommandFailure> for AppError {
    fn from(failure: LetterCommandFailure) -> Self {
        match failure {
            LetterCommandFailure::Command(c) => c.into(),
            failure => AppError::Letter {
                failure: Box::new(failure),
                def: None,
            },
        }
    }
}

impl AppError {
    /// The same error, told which workflow it concerns (for field and state titles).
    pub fn about(self, def: &Arc<Definition>) -> AppError {
        match self {
            AppError::Input { error, def: None } => AppError::Input {
                error,
                def: Some(def.clone()),
            },
            AppError::Command { failure, def: None } => AppError::Command {
                failure,
                def: Some(def.clone()),
            },
            AppError::Letter { failure, def: None } => AppError::Letter {
                failure,
                def: Some(def.clone()),
            },
            other => other,
        }
    }

    /// True for a refusal by authority (the kind the access log records): someone not let
    /// in, or asking to act in a role reserved to the runner.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            AppError::Denied { .. }
                | AppError::ReservedRole { .. }
                | AppError::Sealed { .. }
                | AppError::SealedNeedsReason { .. }
                | AppError::ExternalIdTaken { .. }
        )
    }
}
