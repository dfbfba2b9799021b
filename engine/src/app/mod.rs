//! The application layer: the only API a front end calls.
//!
//! One function per use case, on [`Office`], each taking the [`Caller`] (who, in which role,
//! on which clock) and doing, in one place and this order: authorise → load → step → spawns →
//! letters → append → commit → log the read. Every rule a front end must not be trusted to
//! repeat lives here: who may act or read (over the pure checks of [`crate::authority`]),
//! redaction of confidential fields, the access log (every read and every refusal), "only a
//! simulation database accepts a requested clock" (the wall clock is read in [`Office::wall`]
//! and nowhere else), the reserved `system` and `auditor` roles, and the sanitising of notes.
//!
//! Below it, [`backend`] is the storage seam and [`act`] the in-transaction core shared by the
//! use cases, group commit ([`batch`]) and the deadline runner.

pub mod act;
mod admin;
pub mod backend;
pub mod batch;
mod case;
pub mod committer;
mod error;
mod letter;
mod migrate;
mod ops;
mod owner;
#[cfg(test)]
mod tests;
mod workflow;

pub use admin::{Due, MAX_NAME_CHARS, NewUser, RegistryInput};
pub use case::{
    Acted, Advance, Amend, CaseExport, CaseView, HistoryView, Input, NextView, OpenCase, Transfer,
};
pub use error::AppError;
pub use letter::{IssueRequest, LetterVerdict, PreviewRequest, VoidRequest, codes_in};
pub use migrate::{Migration, MigrationReport, Moved};
pub use ops::{ImportFailure, Owner};
pub use owner::WHOLE_DATABASE;
pub use workflow::{CheckFailed, Checked, Founded, Setup, check_files};

// The records use cases take and return, named here so that a front end needs nothing from
// the storage layer below (`crate::store`) beyond the office it opens.
pub use crate::authority::{CONFIDENTIAL, Units, User};
pub use crate::store::dump::DumpCounts;
pub use crate::store::ops::{CheckProblem, CheckReport, Restored};
pub use crate::store::{
    AccessBreak, AccessBreakKind, AccessEntry, AccessFilter, Applied, CaseFilter, ChainReport,
    DeadlineView, Fired, LetterOutcome, LetterRecord, Loss, Published, StoredUser, TickReport,
    Version,
};

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::letters::{LetterError, Renderer};
use crate::period::Calendar;
use crate::profile::Profile;
use crate::step::Clock;
use backend::Backend;

/// Where a command's time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSource {
    /// The real time, read when the use case runs.
    Wall,
    /// A time the caller asked for (`--now`): a simulation database only.
    Requested(Timestamp),
}

/// Who is calling: the user as registered, the role they act in (for acts that need one), and
/// the clock the command runs on. A front end fills it from its own means of knowing the user
/// (a `--user` flag, a signed-in session); the application layer trusts nothing else in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user: String,
    pub role: Option<String>,
    pub clock: ClockSource,
}

impl Caller {
    /// A caller on the wall clock, in no particular role.
    pub fn new(user: impl Into<String>) -> Caller {
        Caller {
            user: user.into(),
            role: None,
            clock: ClockSource::Wall,
        }
    }

    /// The same caller acting in `role`.
    pub fn acting_as(mut self, role: impl Into<String>) -> Caller {
        self.role = Some(role.into());
        self
    }

    /// The same caller on a requested clock.
    pub fn at(mut self, now: Timestamp) -> Caller {
        self.clock = ClockSource::Requested(now);
        self
    }
}

/// The configuration an office runs under: the calendar, the county profile and the letters.
#[derive(Debug, Clone)]
pub struct Config {
    pub tz: TimeZone,
    pub calendar: Calendar,
    /// The profile in force; None: the one chosen when the database was made.
    pub profile: Option<Profile>,
    /// The letters directory (document table and templates).
    pub letters: PathBuf,
    /// The directories PDF letters take their fonts from (empty: the Debian defaults,
    /// `letters::DEFAULT_FONT_DIRS`).
    pub fonts: Vec<PathBuf>,
}

/// A database with its configuration: what every use case runs against.
pub struct Office<B: Backend = crate::store::Store> {
    backend: B,
    config: Config,
    /// Loaded on first use: most commands issue no letter.
    renderer: OnceLock<Result<Arc<Renderer>, LetterError>>,
}

impl<B: Backend> Office<B> {
    pub fn new(backend: B, config: Config) -> Office<B> {
        Office {
            backend,
            config,
            renderer: OnceLock::new(),
        }
    }

    /// The database underneath (for the storage-level tools: backup, check, benchmarks).
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The office's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// True when every case of this database is a training copy of a real one (a real export
    /// imported with `import --simulation`): each case is shown marked as simulated.
    pub fn cases_simulated(&self) -> bool {
        self.backend.copy_of_real()
    }

    /// The profile in force.
    pub fn profile(&self) -> Option<&Profile> {
        self.config
            .profile
            .as_ref()
            .or_else(|| self.backend.stored_profile())
    }

    /// The wall clock: the one place the real time is read.
    pub fn wall() -> Timestamp {
        Timestamp::now()
    }

    /// The command's time: the wall clock, or the requested one on a simulation database.
    pub fn now(&self, caller: &Caller) -> Result<Timestamp, AppError> {
        match caller.clock {
            ClockSource::Wall => Ok(Self::wall()),
            ClockSource::Requested(_) if !self.backend.simulation() => {
                Err(AppError::NowNotSimulation)
            }
            ClockSource::Requested(at) => Ok(at),
        }
    }

    /// The clock a step runs on at `now`.
    pub fn clock(&self, now: Timestamp) -> Clock<'_> {
        Clock {
            now,
            tz: &self.config.tz,
            calendar: &self.config.calendar,
        }
    }

    /// The letter renderer, loaded once; why there is none.
    pub fn renderer(&self) -> Result<Arc<Renderer>, LetterError> {
        self.renderer
            .get_or_init(|| {
                Renderer::load(&self.config.letters)
                    .map(|r| Arc::new(r.with_font_dirs(self.config.fonts.clone())))
            })
            .clone()
    }
}
