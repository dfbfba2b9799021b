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

pub mod accounts;
pub mod act;
mod admin;
pub mod backend;
pub mod batch;
mod case;
mod child;
pub mod committer;
pub mod database;
mod error;
pub mod extid;
mod keys;
mod letter;
mod migrate;
pub mod once;
mod ops;
pub mod outbox;
mod owner;
pub mod portable;
mod protect;
pub mod published;
mod register;
mod report;
#[cfg(test)]
mod tests;
pub mod webhooks;
pub mod wire;
mod workflow;

pub use crate::store::published::{Kind as PublishedKind, Publication};
pub use crate::store::rotation::{
    MAX_KEEP as MAX_KEPT_BACKUPS, name as backup_name, prune as prune_backups,
};
pub use admin::{Due, Listing, MAX_NAME_CHARS, MAX_PAGE, MAX_PAGE_ROWS, NewUser, RegistryInput};
pub use case::{
    Acted, Advance, Amend, CaseExport, CaseView, HistoryView, Input, NextView, OpenCase, Transfer,
};
pub use child::{ChildFile, FoundChild, MAX_FOUND, Moment};
pub use error::AppError;
pub use keys::Rotation;
pub use letter::{IssueRequest, LetterVerdict, PreviewRequest, VoidRequest, codes_in};
pub use migrate::{Migration, MigrationReport, Moved};
pub use ops::{ImportFailure, Owner, Rotated};
pub use owner::WHOLE_DATABASE;
pub use portable::{
    Advanced, Amended, CaseListing, CaseViewParts, ChildFileParts, DueAt, DueRow, HistoryViewParts,
    LetterLine, ListedCase, NextItem, NextList, Opened, SpawnedCase, Ticked, VersionSource,
};
pub use protect::{ChildRead, CopyForm};
pub use published::{
    CALENDAR_WARNING_DAYS, CalendarEnd, DbCompaction, DbMigration, MovedDeadline, PublishReport,
    ToPublish,
};
pub use register::{
    ImportedRow, MAX_ROWS, RegisterError, RegisterImport, RegisterImported, RegisterImportedParts,
    RejectedRow,
};
pub use report::{
    CATEGORY_FIELD, CaseCounts, CaseRow, CaseTable, ChildTable, CountRow, CountTable, DeadlinesMet,
    Grouping, LetterCount, OpenOn, RATING_FIELD, Report, ReportRequest,
};
pub use workflow::{CheckFailed, Checked, Founded, Setup, Vocabulary, check_files};

// The records use cases take and return, named here so that a front end needs nothing from
// the storage layer below (`crate::store`) beyond the office it opens.
pub use crate::authority::{CONFIDENTIAL, Unit, Units, User};
pub use crate::store::dump::DumpCounts;
pub use crate::store::ops::{CheckProblem, CheckReport, LetterProblem, Restored};
pub use crate::store::{
    AccessBreak, AccessBreakKind, AccessEntry, AccessFilter, Applied, CaseFilter, ChainReport,
    DeadlineView, Fired, LetterOutcome, LetterRecord, Loss, Published, StoredUser, TickReport,
    Verdict, Version,
};

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

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
    /// Why the caller reads (`--reason`): kept in the access log beside each read, and
    /// required of an administrator reading a sealed case.
    pub reason: Option<String>,
}

impl Caller {
    /// A caller on the wall clock, in no particular role.
    pub fn new(user: impl Into<String>) -> Caller {
        Caller {
            user: user.into(),
            role: None,
            clock: ClockSource::Wall,
            reason: None,
        }
    }

    /// The same caller giving `reason` for what they read.
    pub fn because(mut self, reason: impl Into<String>) -> Caller {
        self.reason = Some(reason.into());
        self
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

/// The configuration a command brings: the calendar, the county profile and the letters.
/// On a real database what is published in it is used instead (issue 20): these files change
/// what a case does only on a simulation database, and only when the command named them.
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
    /// Where long work (check, verify, export, import, backup) tells its progress.
    pub progress: crate::progress::Reporter,
    /// Which of the above the command named itself (`--calendar`, `--profile`, `--letters`).
    pub given: Given,
}

/// Which configuration files a command named itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Given {
    pub calendar: bool,
    pub profile: bool,
    pub letters: bool,
}

/// A database with its configuration: what every use case runs against.
pub struct Office<B: Backend = crate::store::Store> {
    backend: B,
    config: Config,
    /// The per-command letters directory, loaded on first use: most commands issue no letter.
    renderer: OnceLock<Result<Arc<Renderer>, LetterError>>,
    /// The credentials file, opened on first use (sign-in, passwords, tokens).
    accounts: Mutex<Option<Arc<accounts::Accounts>>>,
    /// The webhooks file, opened on first use (`webhook …`, the server's delivery task).
    webhooks: Mutex<Option<Arc<dyn crate::store::webhooks::Webhooks>>>,
    /// The webhook master secret (`[server] webhook_secret_file`): what a PostgreSQL
    /// database's endpoint secrets are derived from.
    webhook_secret: Option<crate::store::webhooks::WebhookSecret>,
    /// Where letters' salts come from (the system's generator unless a test fixes them).
    salts: act::Salts,
    /// Published letters by version, loaded on first use.
    published_renderers: std::sync::Mutex<std::collections::BTreeMap<u32, Arc<Renderer>>>,
    /// How long idempotency keys are kept ([`once`]).
    keeping: once::Keeping,
}

impl<B: Backend> Office<B> {
    /// An office over `backend`. On a real database (and on a simulation one for what the
    /// command did not name) the calendar and the profile in force are the published ones.
    pub fn new(backend: B, mut config: Config) -> Office<B> {
        published::resolve(&backend, &mut config);
        Office {
            backend,
            config,
            renderer: OnceLock::new(),
            accounts: Mutex::new(None),
            webhooks: Mutex::new(None),
            webhook_secret: None,
            salts: act::Salts::System,
            published_renderers: Default::default(),
            keeping: once::Keeping::default(),
        }
    }

    /// The same office keeping idempotency keys for `keeping` (a server's setting).
    pub fn with_keeping(mut self, keeping: once::Keeping) -> Office<B> {
        self.keeping = keeping;
        self
    }

    /// How long idempotency keys are kept.
    pub fn keeping(&self) -> once::Keeping {
        self.keeping
    }

    /// The same office deriving a PostgreSQL database's webhook secrets from `secret` (the
    /// deployment's master secret; a redb database keeps random ones in its webhooks file).
    pub fn with_webhook_secret(
        mut self,
        secret: Option<crate::store::webhooks::WebhookSecret>,
    ) -> Office<B> {
        self.webhook_secret = secret;
        self
    }

    /// Whether this office can keep and deliver webhooks: beside a redb file always, on
    /// PostgreSQL with the master secret.
    pub fn webhooks_kept(&self) -> bool {
        self.backend.file().is_some() || self.webhook_secret.is_some()
    }

    /// The same office drawing letters' salts from `salts` (tests fix a sequence).
    pub fn with_salts(mut self, salts: act::Salts) -> Office<B> {
        self.salts = salts;
        self
    }

    /// The database underneath (for the storage-level tools: backup, check, benchmarks).
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The database's cryptographic profile (`init --crypto`): the office key's algorithm.
    pub fn crypto(&self) -> crate::crypto::Profile {
        self.backend.crypto()
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

    /// `value` as this office gives it out (the command line's `--json`, the API's bodies):
    /// serialised once, its instants in the office's time zone (see [`wire`]).
    pub fn wire<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
    ) -> serde_json::Result<serde_json::Value> {
        wire::to_value(value, &self.config.tz)
    }

    /// The letters new cases use: the latest published ones (or, on a simulation database,
    /// the directory the command named); why there are none.
    pub fn renderer(&self) -> Result<Arc<Renderer>, LetterError> {
        match self
            .backend
            .snapshot(|tx| Ok::<_, crate::store::StoreError>(self.renderer_in(tx, None)))
        {
            Ok(result) => result,
            Err(e) => Err(LetterError::Io {
                path: "letters".into(),
                message: e.to_string(),
            }),
        }
    }

    /// The letters of version `pin` (None: the latest published), read in `tx`; on a
    /// simulation database whose command named a letters directory, that directory's.
    pub(crate) fn renderer_in(
        &self,
        tx: &dyn backend::ReadTx,
        pin: Option<u32>,
    ) -> Result<Arc<Renderer>, LetterError> {
        if self.honours(self.config.given.letters) {
            return self.files_renderer();
        }
        let publication = tx
            .publication(crate::store::published::Kind::Letters, "", pin)
            .map_err(|e| LetterError::Io {
                path: "letters".into(),
                message: e.to_string(),
            })?;
        let Some(publication) = publication else {
            return Err(LetterError::NotPublished);
        };
        if let Some(r) = self
            .published_renderers
            .lock()
            .ok()
            .and_then(|m| m.get(&publication.number).cloned())
        {
            return Ok(r);
        }
        let dir = PathBuf::from(format!("letters@{}", publication.number));
        let renderer = Arc::new(Renderer::from_files(dir, &publication.files)?);
        if let Ok(mut m) = self.published_renderers.lock() {
            m.insert(publication.number, renderer.clone());
        }
        Ok(renderer)
    }

    /// The letters directory the command named (`letter preview` of a draft template, a
    /// simulation database).
    pub fn files_renderer(&self) -> Result<Arc<Renderer>, LetterError> {
        self.renderer
            .get_or_init(|| {
                Renderer::load(&self.config.letters)
                    .map(|r| Arc::new(r.with_font_dirs(self.config.fonts.clone())))
            })
            .clone()
    }

    /// Whether a file the command named is honoured: on a simulation database only.
    pub(crate) fn honours(&self, given: bool) -> bool {
        given && self.backend.simulation()
    }

    /// The profile a case's letters use: the version pinned when it was opened (or, on a
    /// simulation database whose command named one, that profile).
    pub(crate) fn profile_of(
        &self,
        tx: &dyn backend::ReadTx,
        case: &crate::case::Case,
    ) -> Result<Option<Profile>, crate::store::StoreError> {
        if self.honours(self.config.given.profile) {
            return Ok(self.profile().cloned());
        }
        match case.published.as_ref().and_then(|p| p.profile) {
            Some(n) => Ok(tx
                .publication(crate::store::published::Kind::Profile, "", Some(n))?
                .and_then(|p| p.profile)),
            None => Ok(self.profile().cloned()),
        }
    }
}
