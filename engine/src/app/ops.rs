//! Use cases on the database as a whole: export, backup, restore, import, verify, check, the
//! access log and the deadline runner. Each has an owner: nothing runs for an unregistered or
//! disabled user, and a refusal is logged like a refused read.

use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Duration;

use super::backend::{Backend, ReadTx};
use super::owner::{WHOLE_DATABASE, denied, registered};
use super::{AppError, Caller, Office};
use crate::authority::{self, User};
use crate::case::CaseId;
use crate::store::dump::{self, DumpCounts, ImportError};
use crate::store::ops::{self, CheckReport};
use crate::store::{AccessEntry, AccessFilter, ChainReport, Store, StoreError, TickReport};

/// Who a database-wide use case belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Administrators: export, backup, restore, import, the deadline runner.
    Administrator,
    /// Administrators and the read-only `auditor` role: verify, check, the access log.
    Auditor,
}

fn owns(tx: &dyn ReadTx, caller: &Caller, owner: Owner) -> Result<User, AppError> {
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

impl Office<Store> {
    /// Writes the whole database as JSON Lines (administrators).
    pub fn export(&self, caller: &Caller, out: impl Write) -> Result<DumpCounts, AppError> {
        self.authorise(caller, Owner::Administrator, "export")?;
        Ok(dump::export(&self.backend, out)?)
    }

    /// Writes the whole database as JSON Lines to the file `out`, which must not exist yet
    /// (administrators); the file appears only when complete.
    pub fn export_to(&self, caller: &Caller, out: &Path) -> Result<DumpCounts, AppError> {
        self.authorise(caller, Owner::Administrator, "export")?;
        let (tmp, file) = ops::temp_beside(out)?;
        let mut writer = std::io::BufWriter::new(file);
        let counts = dump::export(&self.backend, &mut writer)?;
        let file = writer
            .into_inner()
            .map_err(|e| ops::io_error(e.into_error()))?;
        ops::finish_file(tmp, file, out)?;
        Ok(counts)
    }

    /// Writes a consistent copy of the database to `out` (administrators). The office must
    /// hold the file read-only: the copy is taken under a reader's lock.
    pub fn backup(
        &self,
        caller: &Caller,
        out: &Path,
        lock_timeout: Duration,
    ) -> Result<u64, AppError> {
        self.authorise(caller, Owner::Administrator, "backup")?;
        Ok(ops::backup(self.backend.path(), out, lock_timeout)?)
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
        ops::check_then(db, lock_timeout, |copy| {
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

    /// Recomputes the hash chains, of one case or all (administrators and auditors).
    pub fn verify(&self, caller: &Caller, only: Option<&CaseId>) -> Result<ChainReport, AppError> {
        self.authorise(caller, Owner::Auditor, "verify")?;
        if let Some(id) = only
            && self.backend.case_chain(id)?.is_none()
        {
            return Err(AppError::UnknownCase(id.clone()));
        }
        Ok(self.backend.verify_chains(only)?)
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

    /// Puts a backup in place of the database at `db` (administrators of that database; a
    /// database that does not exist yet has no one to ask).
    pub fn restore(
        caller: &Caller,
        backup: &Path,
        db: &Path,
        force: bool,
        lock_timeout: Duration,
        config: &super::Config,
    ) -> Result<CheckReport, AppError> {
        if db.exists() {
            let office = Office::new(Store::open_read(db, lock_timeout)?, config.clone());
            office.authorise(caller, Owner::Administrator, "restore")?;
        }
        Ok(ops::restore(backup, db, force, lock_timeout)?)
    }

    /// Creates a new database at `path` from an export, whose every chain is checked. The
    /// caller must be an enabled administrator of the imported registry; otherwise the new
    /// file is removed and the import refused.
    pub fn import(
        caller: &Caller,
        path: &Path,
        input: impl BufRead,
        lock_timeout: Duration,
        config: &super::Config,
    ) -> Result<DumpCounts, ImportFailure> {
        let counts = dump::import(path, input)?;
        let office = Office::new(Store::open_read(path, lock_timeout)?, config.clone());
        if let Err(e) = office.authorise(caller, Owner::Administrator, "import") {
            drop(office);
            let _ = std::fs::remove_file(path);
            return Err(ImportFailure::App(e));
        }
        Ok(counts)
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
