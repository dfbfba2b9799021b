//! A command that did not succeed: typed until it is shown, then worded once.
//!
//! Commands return [`Failure`]: the engine's errors, converted with `From` (so commands use
//! `?`), and the shell's own cases as [`Message`]s not yet in any language. Nothing before
//! [`Failure::report`] needs the user's language: it words the failure with their `Tr`, picks
//! the exit code, and prints it, in the one `match` of [`Failure::shown`].

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use wardflow_engine::authority::{Denied, Units};
use wardflow_engine::chain::Break;
use wardflow_engine::definition::{Definition, Diagnostics};
use wardflow_engine::letters::LetterError;
use wardflow_engine::seal::KeyError;
use wardflow_engine::step::{CommandError, Refusal, StepError};
use wardflow_engine::store::dump::ImportError;
use wardflow_engine::store::ops::CheckProblem;
use wardflow_engine::store::{
    CommandFailure, LetterCommandFailure, LetterFailure, RegistryError, StoreError,
};
use wardflow_engine::value::InputError;

use crate::i18n::{Arg, Message, Tr};
use crate::tr;

mod app;
mod integrity;
mod letters;
pub(crate) mod problems;
mod words;

pub use integrity::{FileProblem, chain_break, check_problem, file_problem};
pub use letters::{letter_problem, pending};
#[cfg(test)]
pub use problems::problem_message;
pub use words::{refusal, unit_named};

/// Exit codes, as the CLI contract defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Refused = 1,
    BadInput = 2,
    Busy = 3,
    /// A history whose hash chain or signature does not verify.
    Integrity = 4,
    Storage = 5,
    /// Standard output could not be written (the command itself may have been done).
    OutputFailed = 6,
    /// A change was sent to a server and the connection dropped before its answer: it may or
    /// may not have been done (the command printed its idempotency key to retry it with).
    Unknown = 7,
    Bug = 70,
}

impl Exit {
    /// The exit for a code a server answered with (`wardflow serve`'s error object).
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Exit::Refused,
            2 => Exit::BadInput,
            3 => Exit::Busy,
            4 => Exit::Integrity,
            5 => Exit::Storage,
            6 => Exit::OutputFailed,
            7 => Exit::Unknown,
            _ => Exit::Bug,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Exit::Refused => "refused",
            Exit::BadInput => "bad_input",
            Exit::Busy => "busy",
            Exit::Integrity => "integrity",
            Exit::Storage => "storage",
            Exit::OutputFailed => "output",
            Exit::Unknown => "unknown",
            Exit::Bug => "internal",
        }
    }
}

/// One located message (a problem in a file).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Located {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Located {
    /// A message with no place.
    pub fn message(message: String) -> Self {
        Located {
            message,
            key: None,
            file: None,
            line: None,
            column: None,
        }
    }
}

/// A failure in words: what the user reads, and the exit code.
#[derive(Debug, Clone)]
pub struct Shown {
    pub exit: Exit,
    pub message: String,
    pub key: Option<String>,
    /// Problems with positions (validation); the first also fills the JSON object's location.
    pub problems: Vec<Located>,
}

impl Shown {
    /// Just a message.
    pub fn new(exit: Exit, message: String) -> Self {
        Shown {
            exit,
            message,
            key: None,
            problems: Vec::new(),
        }
    }

    /// Names the key (field, transition, role …) the message is about.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
}

/// A command that did not succeed. Boxed: it travels in every `Result` of the shell.
#[derive(Debug)]
pub struct Failure(Box<Kind>);

/// What went wrong, as the engine or the shell said it, in no language yet.
#[derive(Debug)]
pub enum Kind {
    Store(StoreError),
    /// A failure a server answered with, already worded there in the request's language.
    Served(Shown),
    /// A file an operation would create exists; `refusal` is that operation's message id.
    TargetExists {
        path: PathBuf,
        refusal: &'static str,
    },
    /// Input that does not fit the workflow; `def` gives the fields' titles.
    Input {
        error: InputError,
        def: Option<Arc<Definition>>,
    },
    /// A command on a case that the rules refused or that does not fit the workflow.
    Case {
        error: CommandFailure,
        def: Option<Arc<Definition>>,
    },
    Letter {
        error: LetterError,
        def: Option<Arc<Definition>>,
    },
    /// A profile's local setting (under `letters.KEY`) that the letters table does not accept.
    ProfileLetter {
        file: String,
        key: String,
        error: LetterError,
    },
    /// `letter issue` or `letter void` refused.
    LetterCommand {
        error: LetterFailure,
        def: Option<Arc<Definition>>,
    },
    /// No authority for the act; `units` gives the units' names.
    Denied {
        denied: Denied,
        units: Option<Units>,
    },
    /// The officer named for a case may not take it (bad input, not a refusal of the actor).
    Officer {
        denied: Denied,
        units: Option<Units>,
    },
    /// The officer named for a case is not of a unit that covers it.
    OfficerOutsideUnit {
        officer: String,
        unit: String,
        units: Units,
    },
    Registry(RegistryError),
    /// Problems in workflow, profile, units or calendar files.
    Invalid(Vec<Diagnostics>),
    /// A key file (or public key, as given in `what`) that cannot be used.
    Key {
        error: KeyError,
        what: String,
    },
    Import(ImportError),
    /// What `check` (or `restore`, checking its source) found wrong with a database.
    Check {
        problems: Vec<CheckProblem>,
        refusal: &'static str,
        db: PathBuf,
    },
    /// `verify` found broken chains; `first` is the first of `count`.
    ChainsBroken {
        count: usize,
        first: Break,
    },
    /// A case whose chain is broken cannot be exported.
    ExportBroken(Break),
    /// A signed export that does not verify.
    ExportFile(FileProblem),
    /// A failure of the shell itself (a file it cannot read, a flag it cannot parse …).
    Said {
        exit: Exit,
        message: Message,
        key: Option<String>,
    },
    /// Standard output could not be written (other than closed by its reader).
    Output(std::io::Error),
    /// A bug in wardflow; the text is for its developers.
    Bug(String),
    /// `workflow migrate` found problems (every one listed); no case moved.
    Migration(Vec<wardflow_engine::migrate::Problem>),
    /// A register that was not imported.
    Register(Box<wardflow_engine::app::RegisterError>),
    /// A register whose rows were refused: each row's line and failure (nothing imported).
    RegisterRejected(Vec<(u64, Failure)>),
}

impl From<Kind> for Failure {
    fn from(kind: Kind) -> Self {
        Failure(Box::new(kind))
    }
}

macro_rules! from_error {
    ($($error:ty => $kind:ident),* $(,)?) => {$(
        impl From<$error> for Failure {
            fn from(e: $error) -> Self {
                Kind::$kind(e).into()
            }
        }
    )*};
}
from_error!(
    StoreError => Store,
    RegistryError => Registry,
    ImportError => Import,
);

macro_rules! from_workflow_error {
    ($($error:ty => $kind:ident),* $(,)?) => {$(
        impl From<$error> for Failure {
            fn from(error: $error) -> Self {
                Kind::$kind { error, def: None }.into()
            }
        }
    )*};
}
from_workflow_error!(
    InputError => Input,
    CommandFailure => Case,
    LetterError => Letter,
    LetterFailure => LetterCommand,
);

impl From<StepError> for Failure {
    fn from(e: StepError) -> Self {
        CommandFailure::Step(e).into()
    }
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Self {
        StepError::Refused(r).into()
    }
}

impl From<CommandError> for Failure {
    fn from(e: CommandError) -> Self {
        StepError::Invalid(e).into()
    }
}

impl From<LetterCommandFailure> for Failure {
    fn from(e: LetterCommandFailure) -> Self {
        match e {
            LetterCommandFailure::Letter(l) => l.into(),
            LetterCommandFailure::Command(c) => c.into(),
        }
    }
}

impl From<Denied> for Failure {
    fn from(denied: Denied) -> Self {
        Kind::Denied {
            denied,
            units: None,
        }
        .into()
    }
}

impl From<Vec<Diagnostics>> for Failure {
    fn from(d: Vec<Diagnostics>) -> Self {
        Kind::Invalid(d).into()
    }
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Kind::Invalid(vec![d]).into()
    }
}

impl Failure {
    /// A failure of the shell's own, worded when shown.
    pub fn said(exit: Exit, message: Message) -> Self {
        Kind::Said {
            exit,
            message,
            key: None,
        }
        .into()
    }

    /// A file the command cannot read (exit 2); `detail` says why.
    pub fn cannot_read(path: &std::path::Path, detail: impl Into<Arg>) -> Self {
        let detail: Arg = detail.into();
        Failure::said(
            Exit::BadInput,
            crate::msg!(
                "cannot-read",
                path = path.display().to_string(),
                detail = detail
            ),
        )
    }

    /// A bug in wardflow.
    pub fn bug(detail: impl std::fmt::Display) -> Self {
        Kind::Bug(detail.to_string()).into()
    }

    /// A key file or public key (`what`) that cannot be used.
    pub fn key(error: KeyError, what: impl Into<String>) -> Self {
        Kind::Key {
            error,
            what: what.into(),
        }
        .into()
    }

    pub fn kind(&self) -> &Kind {
        &self.0
    }

    /// Names the key (field, flag …) a failure of the shell's own is about.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        if let Kind::Said { key: k, .. } = self.0.as_mut() {
            *k = Some(key.into());
        }
        self
    }

    /// The key a server's failure is about (`old_password`, a field, a flag), if any.
    pub fn served_key(&self) -> Option<&str> {
        match self.0.as_ref() {
            Kind::Served(shown) => shown.key.as_deref(),
            _ => None,
        }
    }

    /// An existing target file becomes the operation's own refusal (`refusal`, a message id
    /// with `$path`), not "database exists".
    pub fn exists_as(self, refusal: &'static str) -> Self {
        match *self.0 {
            Kind::Store(StoreError::AlreadyExists(path))
            | Kind::Import(ImportError::Store(StoreError::AlreadyExists(path))) => {
                Kind::TargetExists { path, refusal }.into()
            }
            other => other.into(),
        }
    }

    /// The failure in the user's language, with its exit code.
    pub fn shown(&self, tr: &Tr) -> Shown {
        match self.kind() {
            Kind::Store(e) => words::store(tr, e),
            Kind::TargetExists { path, refusal } => Shown::new(
                Exit::BadInput,
                tr.args(refusal, vec![("path", path.display().to_string().into())]),
            ),
            Kind::Input { error, def } => words::input(tr, def.as_deref(), error),
            Kind::Case { error, def } => words::case_command(tr, def.as_deref(), error),
            Kind::Letter { error, def } => letters::letter(tr, def.as_deref(), error),
            Kind::LetterCommand { error, def } => {
                letters::letter_command(tr, def.as_deref(), error)
            }
            Kind::ProfileLetter { file, key, error } => Shown::new(
                Exit::BadInput,
                tr!(
                    tr,
                    "profile-letter-setting",
                    file = file.clone(),
                    key = key.clone(),
                    detail = letters::letter_problem(tr, error)
                ),
            )
            .with_key(format!("letters.{key}")),
            Kind::Denied { denied, units } => words::denied(tr, units.as_ref(), denied),
            Kind::Officer { denied, units } => Shown {
                exit: Exit::BadInput,
                ..words::denied(tr, units.as_ref(), denied)
            },
            Kind::OfficerOutsideUnit {
                officer,
                unit,
                units,
            } => Shown::new(
                Exit::BadInput,
                tr!(
                    tr,
                    "officer-outside-unit",
                    user = officer.clone(),
                    unit = unit_named(tr, units, unit)
                ),
            )
            .with_key(officer.clone()),
            Kind::Registry(e) => words::registry(tr, e),
            Kind::Invalid(diagnostics) => problems::invalid_workflows(tr, diagnostics),
            Kind::Key { error, what } => integrity::key_error(tr, error, what),
            Kind::Import(ImportError::Store(e)) => words::store(tr, e),
            Kind::Import(ImportError::Line { line, problem }) => Shown::new(
                Exit::BadInput,
                tr!(
                    tr,
                    "import-bad-line",
                    line = *line,
                    detail = problems::import_problem(tr, problem)
                ),
            ),
            Kind::Check {
                problems,
                refusal,
                db,
            } => Shown {
                // A file redb cannot read is a storage fault; a readable file whose records do
                // not hold together (a broken chain, a forged snapshot, a counter behind its
                // numbers) is an integrity failure, exit 4 as in `verify`.
                exit: if problems.iter().all(|p| {
                    matches!(
                        p,
                        CheckProblem::Integrity { .. } | CheckProblem::Unreadable { .. }
                    )
                }) {
                    Exit::Storage
                } else {
                    Exit::Integrity
                },
                message: tr.args(
                    refusal,
                    vec![
                        ("count", problems.len().into()),
                        ("path", db.display().to_string().into()),
                    ],
                ),
                key: None,
                // Each problem is printed on its own line before the summary (and listed in
                // --json).
                problems: problems
                    .iter()
                    .map(|p| Located::message(check_problem(tr, p)))
                    .collect(),
            },
            Kind::ChainsBroken { count, first } => Shown::new(
                Exit::Integrity,
                tr!(
                    tr,
                    "verify-failed",
                    count = *count,
                    first = chain_break(tr, first)
                ),
            ),
            Kind::Migration(problems) => Shown {
                exit: Exit::Refused,
                message: tr!(tr, "migrate-refused", count = problems.len()),
                key: None,
                problems: problems
                    .iter()
                    .map(|p| Located::message(words::migration_problem(tr, p)))
                    .collect(),
            },
            Kind::Register(error) => words::register(tr, error),
            Kind::RegisterRejected(rows) => Shown {
                exit: Exit::Refused,
                message: tr!(tr, "register-rejected", count = rows.len()),
                key: None,
                problems: rows
                    .iter()
                    .map(|(line, failure)| {
                        Located::message(tr!(
                            tr,
                            "register-row",
                            line = line.to_string(),
                            message = failure.shown(tr).message
                        ))
                    })
                    .collect(),
            },
            Kind::ExportBroken(first) => Shown::new(
                Exit::Integrity,
                tr!(tr, "export-broken", first = chain_break(tr, first)),
            ),
            Kind::ExportFile(problem) => Shown::new(Exit::Integrity, file_problem(tr, problem)),
            Kind::Served(shown) => shown.clone(),
            Kind::Said { exit, message, key } => Shown {
                key: key.clone(),
                ..Shown::new(*exit, message.text(tr))
            },
            // Whether the command had already been done and saved (then it must not be run
            // again) or changed nothing.
            Kind::Output(e) => {
                let id = if wardflow_engine::store::committed_in_this_process() {
                    "output-failed-done"
                } else {
                    "output-failed-nothing"
                };
                Shown::new(
                    Exit::OutputFailed,
                    tr.args(id, vec![("detail", e.to_string().into())]),
                )
            }
            Kind::Bug(detail) => Shown::new(Exit::Bug, detail.clone()),
        }
    }

    /// Writes the failure to stderr, as text or as one JSON object; returns the exit code.
    pub fn report(&self, tr: &Tr, json: bool) -> i32 {
        self.shown(tr).report(tr, json)
    }
}

impl Shown {
    /// Writes the worded failure to stderr, as text or as one JSON object; returns the exit
    /// code.
    pub fn report(&self, tr: &Tr, json: bool) -> i32 {
        let shown = self;
        let code = shown.exit as i32;
        if json {
            #[derive(Serialize)]
            struct Out<'a> {
                code: i32,
                kind: &'a str,
                message: &'a str,
                #[serde(skip_serializing_if = "Option::is_none")]
                key: Option<&'a str>,
                #[serde(skip_serializing_if = "Option::is_none")]
                file: Option<&'a str>,
                #[serde(skip_serializing_if = "Option::is_none")]
                line: Option<u32>,
                #[serde(skip_serializing_if = "Option::is_none")]
                column: Option<u32>,
                #[serde(skip_serializing_if = "<[_]>::is_empty")]
                problems: &'a [Located],
            }
            let first = shown.problems.first();
            let out = Out {
                code,
                kind: shown.exit.kind(),
                message: &shown.message,
                key: shown
                    .key
                    .as_deref()
                    .or(first.and_then(|p| p.key.as_deref())),
                file: first.and_then(|p| p.file.as_deref()),
                line: first.and_then(|p| p.line),
                column: first.and_then(|p| p.column),
                problems: &shown.problems,
            };
            let text =
                serde_json::to_string(&out).unwrap_or_else(|_| format!("{{\"code\":{code}}}"));
            eprintln!("{text}");
            return code;
        }
        for p in &shown.problems {
            let place = match (&p.file, p.line, p.column) {
                (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
                (Some(f), _, _) => format!("{f}: "),
                _ => String::new(),
            };
            eprintln!("{place}{}", p.message);
        }
        eprintln!("{}{}", tr!(tr, "error-prefix"), shown.message);
        code
    }
}

/// Context a failure is worded with, given where a command has it at hand.
pub trait Context<T> {
    /// See [`Failure::exists_as`].
    fn exists_as(self, refusal: &'static str) -> Result<T, Failure>;
}

impl<T, E: Into<Failure>> Context<T> for Result<T, E> {
    fn exists_as(self, refusal: &'static str) -> Result<T, Failure> {
        self.map_err(|e| e.into().exists_as(refusal))
    }
}

#[cfg(test)]
mod tests;
