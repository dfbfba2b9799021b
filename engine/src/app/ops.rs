//! Use cases on the database as a whole: export, backup, restore, import, verify, check, the
//! access log and the deadline runner. Each has an owner: nothing runs for an unregistered or
//! disabled user, and a refusal is logged like a refused read.

use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::backend::{Backend, ReadTx};
use super::owner::{WHOLE_DATABASE, denied, registered};
use super::{AppError, Caller, Office};
use crate::authority::{self, User};
use crate::case::CaseId;
use crate::store::AccessBreak;
use crate::store::dump::{self, DumpCounts, ImportError};
use crate::store::ops::{self, CheckReport, Restored};
use crate::store::output;
use crate::store::{
    AccessEntry, AccessFilter, ChainReport, Store, StoreError, TickReport, Verdict,
};

/// The files no output may replace, even forced: the database at `db`, its access log, its
/// key, and `keys`.
pub(super) fn protected(db: &Path, keys: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = output::protected_files(db, None);
    files.extend(keys.iter().cloned());
    files
}

/// A backup kept in a directory, and the older ones that went to make room.
#[derive(Debug, Clone)]
pub struct Rotated {
    pub path: PathBuf,
    pub bytes: u64,
    /// The copies removed, oldest first.
    pub removed: Vec<PathBuf>,
}

/// Who a database-wide use case belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Administrators: export, backup, restore, import, the deadline runner.
    Administrator,
    /// Administrators and the read-only `auditor` role: verify, check, the access log.
    Auditor,
}

pub(super) fn owns(tx: &dyn ReadTx, caller: &Caller, owner: Owner) -> Result<User, AppError> {
    let (user, units) = registered(tx, caller)?;
    let decision = match owner {
        Owner::Administrator => authority::may_administer(&user),
        Owner::Auditor => authority::may_audit(&user),
    };
    decision.map_err(|d| denied(d, &units))?;
    Ok(user)
}

impl<B: Backend> Office<B> {
    /// The caller, if they own `action`; a refusal is logged against the whole database.
    pub fn authorise(&self, caller: &Caller, owner: Owner, action: &str) -> Result<User, AppError> {
        let now = self.now(caller)?;
        let result = self.backend.snapshot(|tx| owns(tx, caller, owner));
        self.logged(caller, now, WHOLE_DATABASE, action, result)
    }
}

/// Files and whole-database copies: the redb file only (a PostgreSQL database is copied,
/// checked and restored with PostgreSQL's own tools).
impl Office<Store> {
    /// Writes `bytes` to the file `out` a caller named (a letter, a case export): an existing
    /// file only with `force`, and never the database or one of its files (its access log,
    /// its key, nor `keys`).
    pub fn write_output(
        &self,
        out: &Path,
        bytes: &[u8],
        force: bool,
        keys: &[PathBuf],
    ) -> Result<(), AppError> {
        let protected = protected(self.backend.path(), keys);
        Ok(output::write_output(out, bytes, force, &protected)?)
    }

    /// [`Office::write_output`] without an open office (a client of a server writing what
    /// it was sent): `db` names the local database whose files are protected all the same.
    pub fn write_output_beside(
        db: &Path,
        out: &Path,
        bytes: &[u8],
        force: bool,
        keys: &[PathBuf],
    ) -> Result<(), AppError> {
        Ok(output::write_output(
            out,
            bytes,
            force,
            &protected(db, keys),
        )?)
    }

    /// Writes a consistent copy of the database into `dir`, named by the caller's clock
    /// (`wardflow-20261123T020000Z.redb`), encrypted unless `form` is plain, then removes the
    /// oldest copies there beyond the newest `keep` (administrators; the nightly backup
    /// timer). As [`Office::backup`], the office holds the file read-only.
    pub fn backup_rotated(
        &self,
        caller: &Caller,
        dir: &Path,
        keep: usize,
        lock_timeout: Duration,
        form: super::CopyForm,
    ) -> Result<Rotated, AppError> {
        self.authorise(caller, Owner::Administrator, "backup")?;
        let now = self.now(caller)?;
        let path = dir.join(crate::store::rotation::name(now));
        let bytes = self.backup(caller, &path, lock_timeout, form)?;
        let removed = crate::store::rotation::prune(dir, keep)?;
        Ok(Rotated {
            path,
            bytes,
            removed,
        })
    }

    /// Checks the whole file at `db` (administrators and auditors) on a consistent copy,
    /// never opening the file itself for writing (not even to recover it): who may check is
    /// read from the copy, and a refusal is logged beside the file.
    pub fn check(
        caller: &Caller,
        db: &Path,
        lock_timeout: Duration,
        config: &super::Config,
    ) -> Result<CheckReport, AppError> {
        ops::check_then_telling(db, lock_timeout, &config.progress, |copy| {
            let office = Office::new(Store::open_read(copy, lock_timeout)?, config.clone());
            let now = office.now(caller)?;
            let result = office
                .backend
                .snapshot(|tx| owns(tx, caller, Owner::Auditor));
            drop(office);
            if let Err(e) = &result
                && e.is_refusal()
            {
                let entry = super::owner::entry(caller, now, WHOLE_DATABASE, "check", Some(e));
                crate::store::record_access_at(db, &entry)?;
            }
            result.map(drop)
        })
    }
}

impl<B: Backend> Office<B> {
    /// As [`Office::backup_rotated`], for an office that holds the file for writing (a
    /// server): the copy is taken in a read transaction of the open database.
    pub fn backup_rotated_held(
        &self,
        caller: &Caller,
        dir: &Path,
        keep: usize,
        form: super::CopyForm,
    ) -> Result<Rotated, AppError> {
        self.authorise(caller, Owner::Administrator, "backup")?;
        let now = self.now(caller)?;
        let path = dir.join(crate::store::rotation::name(now));
        let bytes = self.backup_held(caller, &path, form)?;
        let removed = crate::store::rotation::prune(dir, keep)?;
        Ok(Rotated {
            path,
            bytes,
            removed,
        })
    }

    /// [`Office::check`] of the database this office holds open (a server): the caller is
    /// authorised (and a refusal logged) as the embedded check does.
    pub fn check_held(&self, caller: &Caller) -> Result<CheckReport, AppError> {
        self.now(caller)?;
        self.authorise(caller, Owner::Auditor, "check")?;
        Ok(self.backend.check_copy(&self.config.progress)?)
    }

    /// Recomputes the hash chains, of one case or all (administrators and auditors), as one
    /// report in memory: [`Office::verify_each`] gathered.
    pub fn verify(&self, caller: &Caller, only: Option<&CaseId>) -> Result<ChainReport, AppError> {
        let mut report = ChainReport::default();
        self.verify_each(caller, only, &mut |verdict| report.add(verdict))?;
        Ok(report)
    }

    /// Recomputes the hash chains, of one case or all (administrators and auditors), telling
    /// `each` every case's verdict in case id order (until it breaks) and keeping none: what
    /// `wardflow verify` prints as it goes, in flat memory at any size.
    pub fn verify_each(
        &self,
        caller: &Caller,
        only: Option<&CaseId>,
        each: &mut dyn FnMut(Verdict) -> ControlFlow<()>,
    ) -> Result<(), AppError> {
        self.authorise(caller, Owner::Auditor, "verify")?;
        if let Some(id) = only
            && self.backend.case_chain(id)?.is_none()
        {
            return Err(AppError::UnknownCase(id.clone()));
        }
        Ok(self
            .backend
            .verify_chains_each(only, &self.config.progress, each)?)
    }

    /// The access log (administrators and auditors), every pending entry folded in.
    pub fn audit(
        &self,
        caller: &Caller,
        filter: &AccessFilter,
    ) -> Result<Vec<AccessEntry>, AppError> {
        self.authorise(caller, Owner::Auditor, "audit")?;
        Ok(self.backend.access_log(filter)?)
    }

    /// The first break in the access log's chain (an entry edited, removed or added by hand),
    /// checked by `audit` after it folds the pending entries in.
    pub fn audit_chain(&self, caller: &Caller) -> Result<Option<AccessBreak>, AppError> {
        self.authorise(caller, Owner::Auditor, "audit")?;
        Ok(self.backend.access_chain_break()?)
    }

    /// Fires what is due (administrators start the runner; it acts as `system`).
    pub fn tick(&self, caller: &Caller) -> Result<TickReport, AppError> {
        let now = self.now(caller)?;
        self.authorise(caller, Owner::Administrator, "timers:tick")?;
        Ok(self.backend.tick(&self.clock(now), self.profile())?)
    }

    /// One round of the deadline runner (`wardflow run`): fires what is due, as `tick`
    /// does, and says when the next timer falls due.
    pub fn run_tick(
        &self,
        caller: &Caller,
    ) -> Result<(TickReport, Option<jiff::Timestamp>), AppError> {
        let report = self.tick(caller)?;
        Ok((report, self.backend.next_firing()?))
    }
}

impl Office<Store> {
    /// The credentials sealed beside an encrypted backup (`<backup>.credentials`), opened
    /// with `identity`; None when the backup carries none.
    fn opened_credentials(
        backup: &Path,
        identity: Option<&crate::protect::copies::Identities>,
    ) -> Result<Option<crate::store::credentials::CredentialsCopy>, AppError> {
        use std::io::Read;
        /// A credentials copy is a few kilobytes a user; this bounds a damaged one.
        const MAX_CREDENTIALS: u64 = 64 * 1024 * 1024;
        let path = crate::store::credentials::backup_credentials_path(backup);
        if !path.is_file() {
            return Ok(None);
        }
        let identity = identity.ok_or(crate::protect::copies::CopyError::NeedsIdentity)?;
        let file = std::fs::File::open(&path)
            .map_err(|e| StoreError::Storage(format!("{}: {e}", path.display())))?;
        let reader = crate::protect::copies::open(std::io::BufReader::new(file), identity)?;
        let mut bytes = Vec::new();
        reader
            .take(MAX_CREDENTIALS)
            .read_to_end(&mut bytes)
            .map_err(|e| crate::protect::copies::CopyError::Damaged(e.to_string()))?;
        let copy = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", path.display())))?;
        Ok(Some(copy))
    }

    /// Puts a backup in place of the database at `db` (administrators of that database; a
    /// database that does not exist yet has no one to ask). The backup is checked first; an
    /// existing database is replaced only with `force`, and one that holds cases, events or
    /// letters the backup lacks only with `accept_loss` as well. The restored database's
    /// access log keeps who restored it, from which file, and what went with the old one.
    /// An encrypted backup is opened with `identity` into a scratch file first, whole: a
    /// wrong key or a changed byte fails before anything is replaced.
    #[allow(clippy::too_many_arguments)]
    pub fn restore(
        caller: &Caller,
        backup: &Path,
        db: &Path,
        force: bool,
        accept_loss: bool,
        lock_timeout: Duration,
        config: &super::Config,
        identity: Option<&crate::protect::copies::Identities>,
    ) -> Result<Restored, AppError> {
        let now = if db.exists() {
            let office = Office::new(Store::open_read(db, lock_timeout)?, config.clone());
            office.authorise(caller, Owner::Administrator, "restore")?;
            office.now(caller)?
        } else {
            Self::wall()
        };
        let opened = Self::opened_backup(backup, db, identity)?;
        // The credentials an encrypted backup carries, opened before anything is replaced.
        let credentials = Self::opened_credentials(backup, identity)?;
        let source = opened.as_ref().map_or(backup, |t| t.0.as_path());
        let restored = ops::restore(source, db, force, accept_loss, lock_timeout)?;
        drop(opened);
        if let (Restored::Done { .. }, Some(copy)) = (&restored, &credentials) {
            crate::store::credentials::CredentialStore::restore_copy(db, copy)?;
        }
        if let Restored::Done { lost, .. } = &restored {
            let mut reason = format!(
                "restored from {}; lost {} cases, {} events, {} letters",
                backup.display(),
                lost.cases.len(),
                lost.event_count(),
                lost.letters.len()
            );
            for (case, _) in &lost.cases {
                reason += &format!("; case {case}");
            }
            for (case, then, now) in &lost.events {
                reason += &format!("; case {case} events {}..={now}", then + 1);
            }
            for letter in &lost.letters {
                reason += &format!("; letter {letter}");
            }
            let mut entry = super::owner::entry(caller, now, WHOLE_DATABASE, "restore", None);
            entry.reason = Some(reason);
            Store::open_read(db, lock_timeout)?.record_access(&entry)?;
        }
        Ok(restored)
    }

    /// Creates a new database at `path` from an export, whose every chain is checked. The
    /// caller must be an enabled administrator of the imported registry; otherwise the new
    /// file is removed and the import refused.
    /// An export of a simulation database is imported only as one (`simulation`), which
    /// also turns a real export into a training copy. An encrypted export is read with
    /// `identity`; a wrong key, or a changed or missing byte anywhere in it, fails the one
    /// import transaction, so no database is made.
    #[allow(clippy::too_many_arguments)]
    pub fn import(
        caller: &Caller,
        path: &Path,
        input: impl BufRead,
        simulation: bool,
        lock_timeout: Duration,
        config: &super::Config,
        identity: Option<&crate::protect::copies::Identities>,
    ) -> Result<DumpCounts, ImportFailure> {
        let (input, scratch) =
            super::protect::opened_input(input, identity, path).map_err(ImportFailure::App)?;
        let counts = dump::import_telling(path, input, simulation, &config.progress);
        drop(scratch);
        let counts = counts?;
        let office = Office::new(Store::open_read(path, lock_timeout)?, config.clone());
        if let Err(e) = office.authorise(caller, Owner::Administrator, "import") {
            drop(office);
            let _ = std::fs::remove_file(path);
            return Err(ImportFailure::App(e));
        }
        Ok(counts)
    }
}

/// Moving a county onto PostgreSQL (issue 24).
impl Office<crate::pg::PgBackend> {
    /// Fills the empty PostgreSQL database at `url` from an export, in one transaction, with
    /// every check a redb import makes (see [`Office::import`]): the caller must be an enabled
    /// administrator of the imported registry, decided inside the transaction, so a refused
    /// caller leaves the database as empty as it was. A database holding anything is refused
    /// as existing. An encrypted export is opened whole into a scratch file in the system's
    /// temporary directory first (0600, removed at the end).
    pub fn import_postgres(
        caller: &Caller,
        url: &str,
        input: impl BufRead,
        simulation: bool,
        config: &super::Config,
        identity: Option<&crate::protect::copies::Identities>,
    ) -> Result<DumpCounts, ImportFailure> {
        let scratch_place = std::env::temp_dir().join("wardflow-import");
        let (input, scratch) = super::protect::opened_input(input, identity, &scratch_place)
            .map_err(ImportFailure::App)?;
        let counts = crate::pg::dump::import(url, input, simulation, &config.progress, |tx| {
            owns(tx, caller, Owner::Administrator)
                .map(|_| ())
                .map_err(ImportFailure::App)
        });
        drop(scratch);
        counts
    }
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for ImportFailure {
    fn from(e: StoreError) -> Self {
        ImportFailure::Import(ImportError::Store(e))
    }
}
