//! Children's data, protected (issue 23), as use cases: the privacy settings in force, sealed
//! cases (the rule is applied in `Office::read_case_then`, the one gate of every case read),
//! encrypted copies, de-identified exports and "who read this child's file".

use std::collections::BTreeSet;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;

use super::backend::{Backend, ReadTx};
use super::ops::Owner;
use super::owner::{WHOLE_DATABASE, entry};
use super::{AppError, Caller, Office};
use crate::authority::{self, User};
use crate::case::{Case, CaseId};
use crate::definition::Definition;
use crate::protect::copies::{self, CopyError, Identities, Recipient, Sealing};
use crate::protect::deidentify::{self, PseudonymKey};
use crate::protect::privacy::Privacy;
use crate::store::published::Kind;
use crate::store::{AccessEntry, AccessFilter, CaseFilter, Store, StoreError};

/// How a backup or export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyForm {
    /// Encrypted to the published recipients (the default).
    Encrypted,
    /// Plain, asked for explicitly (`--plain`) and recorded as such in the access log.
    Plain,
}

/// The privacy settings published in the database read by `tx`, else the defaults.
pub(super) fn privacy_in(tx: &dyn ReadTx) -> Result<Privacy, AppError> {
    let Some(p) = tx.publication(Kind::Privacy, "", None)? else {
        return Ok(Privacy::default());
    };
    let (file, text) = p.files.iter().next().ok_or_else(|| {
        StoreError::Corrupt(format!(
            "privacy settings version {} hold no file",
            p.number
        ))
    })?;
    // It was checked when published; a failure now is a damaged record.
    Privacy::load(file, text.as_bytes()).map_err(|_| {
        StoreError::Corrupt(format!("privacy settings version {} do not read", p.number)).into()
    })
}

/// Whether `reader` may read `case`, which may be sealed: Ok(None) when it is not sealed,
/// Ok(Some(note)) for an administrator who gave a reason (the note goes into the access log),
/// else the refusal.
pub(super) fn sealed_read(
    privacy: &Privacy,
    def: &Definition,
    case: &Case,
    reader: &User,
    caller: &Caller,
    now: Timestamp,
) -> Result<Option<String>, AppError> {
    let Some(since) = privacy.sealed_from(def, case).filter(|at| *at <= now) else {
        return Ok(None);
    };
    if authority::may_administer(reader).is_err() {
        return Err(AppError::Sealed {
            case: case.id.clone(),
            since,
        });
    }
    match caller.reason.as_deref().map(str::trim) {
        Some(reason) if !reason.is_empty() => {
            let reason: String = crate::value::clean_note(reason)
                .chars()
                .take(super::owner::MAX_REASON_CHARS)
                .collect();
            Ok(Some(format!("sealed case; reason: {reason}")))
        }
        _ => Err(AppError::SealedNeedsReason {
            case: case.id.clone(),
        }),
    }
}

/// A recipient list in the words the access log keeps.
fn recipients_note(recipients: &[Recipient]) -> String {
    let keys: Vec<String> = recipients.iter().map(Recipient::text).collect();
    format!("encrypted to {}", keys.join(", "))
}

/// Writes `body`'s output to `out`, encrypted to `recipients` when there are some (then the
/// copy is finished before this returns).
fn write_copy<W: Write, T>(
    recipients: Option<&[Recipient]>,
    out: W,
    body: impl FnOnce(&mut dyn Write) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let mut out = std::io::BufWriter::new(out);
    let value = match recipients {
        None => body(&mut out)?,
        Some(r) => {
            let mut sealing = Sealing::begin(r, &mut out)?;
            let value = body(&mut sealing)?;
            sealing
                .finish()
                .map_err(|e| AppError::Output(e.to_string()))?;
            value
        }
    };
    out.flush().map_err(|e| AppError::Output(e.to_string()))?;
    Ok(value)
}

/// A copy's input, for an import into a new database at `db`: an encrypted copy is opened
/// with `identity` into a scratch file beside `db` first, whole, so a wrong key or a changed
/// byte anywhere fails before the import reads a line. The scratch file goes with the guard.
pub(super) fn opened_input<'a>(
    mut input: impl Read + 'a,
    identity: Option<&Identities>,
    db: &Path,
) -> Result<(Box<dyn BufRead + 'a>, Option<crate::store::ops::TempFile>), AppError> {
    let mut head = Vec::with_capacity(copies::HEAD_LEN);
    (&mut input)
        .take(copies::HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| AppError::Copy(CopyError::Io(e.to_string())))?;
    let whole = std::io::Cursor::new(head.clone()).chain(input);
    if !copies::is_encrypted(&head) {
        return Ok((Box::new(std::io::BufReader::new(whole)), None));
    }
    let identity = identity.ok_or(CopyError::NeedsIdentity)?;
    let (tmp, mut file) = crate::store::ops::scratch_beside(db)?;
    let mut opened = copies::open(whole, identity)?;
    std::io::copy(&mut opened, &mut file).map_err(copies::read_error)?;
    drop(file);
    let file = std::fs::File::open(&tmp.0).map_err(crate::store::ops::io_error)?;
    Ok((Box::new(std::io::BufReader::new(file)), Some(tmp)))
}

/// One read of a child's data, for `child access`.
pub type ChildRead = AccessEntry;

impl<B: Backend> Office<B> {
    /// The privacy settings in force (any registered user: they say who copies are for and
    /// when cases are sealed).
    pub fn privacy(&self, caller: &Caller) -> Result<Privacy, AppError> {
        self.reader(caller)?;
        self.backend.snapshot(privacy_in)
    }

    /// The recipients of an encrypted copy, or None for a plain one; an encrypted copy with
    /// no recipient published is refused before anything is written.
    fn recipients(&self, form: CopyForm) -> Result<Option<Vec<Recipient>>, AppError> {
        match form {
            CopyForm::Plain => Ok(None),
            CopyForm::Encrypted => {
                let privacy = self.backend.snapshot(privacy_in)?;
                if privacy.recipients.is_empty() {
                    return Err(CopyError::NoRecipients.into());
                }
                // Publishing admits only the profile's kind; settings published before it
                // did are refused here, so a national copy is never an age one.
                let crypto = self.crypto();
                if let Some(other) = privacy.recipients.iter().find(|r| r.crypto() != crypto) {
                    return Err(CopyError::RecipientOfOtherProfile {
                        key: other.text(),
                        profile: crypto.key(),
                    }
                    .into());
                }
                Ok(Some(privacy.recipients))
            }
        }
    }

    /// Records a copy that was made: how (encrypted to whom, or plain).
    fn log_copy(
        &self,
        caller: &Caller,
        now: Timestamp,
        action: &str,
        recipients: Option<&[Recipient]>,
    ) -> Result<(), AppError> {
        let mut e = entry(caller, now, WHOLE_DATABASE, action, None);
        e.reason = Some(match recipients {
            Some(r) => recipients_note(r),
            None => "plain copy, not encrypted (--plain)".to_owned(),
        });
        self.backend.record_access(&e)?;
        Ok(())
    }
}

/// Copies of the whole database and backups: the redb file only (a PostgreSQL database is
/// backed up with PostgreSQL's own tools).
impl Office<Store> {
    /// The recipients for a copy of the database at `db` and the caller's clock, once the
    /// caller is found to be an administrator.
    fn copy_rights(
        caller: &Caller,
        db: &Path,
        lock_timeout: Duration,
        config: &super::Config,
        action: &str,
        form: CopyForm,
    ) -> Result<(Option<Vec<Recipient>>, Timestamp), AppError> {
        let office = Office::new(Store::open_read(db, lock_timeout)?, config.clone());
        let now = office.now(caller)?;
        office.authorise(caller, Owner::Administrator, action)?;
        Ok((office.recipients(form)?, now))
    }

    fn log_copy_at(
        caller: &Caller,
        db: &Path,
        now: Timestamp,
        action: &str,
        recipients: Option<&[Recipient]>,
    ) -> Result<(), AppError> {
        let mut e = entry(caller, now, WHOLE_DATABASE, action, None);
        e.reason = Some(match recipients {
            Some(r) => recipients_note(r),
            None => "plain copy, not encrypted (--plain)".to_owned(),
        });
        crate::store::record_access_at(db, &e)?;
        Ok(())
    }

    /// Writes the whole database as JSON Lines to `out` (administrators), encrypted to the
    /// published recipients unless `form` is plain; the copy is recorded in the access log.
    pub fn export_database(
        caller: &Caller,
        db: &Path,
        lock_timeout: Duration,
        config: &super::Config,
        form: CopyForm,
        out: impl Write,
    ) -> Result<crate::store::dump::DumpCounts, AppError> {
        let (recipients, now) =
            Self::copy_rights(caller, db, lock_timeout, config, "export", form)?;
        let snapshot = crate::store::ops::Snapshot::take(db, lock_timeout)?;
        let counts = write_copy(recipients.as_deref(), out, |w| {
            crate::store::dump::export_telling(snapshot.store(), w, &config.progress).map_err(|e| {
                match e {
                    StoreError::Storage(detail) => AppError::Output(detail),
                    e => e.into(),
                }
            })
        })?;
        Self::log_copy_at(caller, db, now, "export", recipients.as_deref())?;
        Ok(counts)
    }

    /// Like [`Office::export_database`], into the file `out`: an existing one only with
    /// `force`, never the database or one of its files (nor `keys`); the file appears only
    /// when complete.
    #[allow(clippy::too_many_arguments)]
    pub fn export_database_to(
        caller: &Caller,
        db: &Path,
        lock_timeout: Duration,
        config: &super::Config,
        form: CopyForm,
        out: &Path,
        force: bool,
        keys: &[std::path::PathBuf],
    ) -> Result<crate::store::dump::DumpCounts, AppError> {
        let (recipients, now) =
            Self::copy_rights(caller, db, lock_timeout, config, "export", form)?;
        let snapshot = crate::store::ops::Snapshot::take(db, lock_timeout)?;
        let mut output =
            crate::store::output::Output::begin(out, force, &super::ops::protected(db, keys))?;
        let counts = write_copy(recipients.as_deref(), output.file(), |w| {
            Ok(crate::store::dump::export_telling(
                snapshot.store(),
                w,
                &config.progress,
            )?)
        })?;
        output.finish()?;
        Self::log_copy_at(caller, db, now, "export", recipients.as_deref())?;
        Ok(counts)
    }

    /// Writes a consistent copy of the database to `out` (administrators), encrypted to the
    /// published recipients unless `form` is plain. The office must hold the file read-only:
    /// the copy is taken under a reader's lock. The plain copy an encrypted one is made from
    /// is a scratch file beside the database, never beside `out` (a removable disk).
    pub fn backup(
        &self,
        caller: &Caller,
        out: &Path,
        lock_timeout: Duration,
        form: CopyForm,
    ) -> Result<u64, AppError> {
        let now = self.now(caller)?;
        self.authorise(caller, Owner::Administrator, "backup")?;
        let recipients = self.recipients(form)?;
        let size = match &recipients {
            None => crate::store::ops::backup_telling(
                self.backend.path(),
                out,
                lock_timeout,
                &self.config.progress,
            )?,
            Some(r) => {
                if out.exists() {
                    return Err(StoreError::AlreadyExists(out.to_owned()).into());
                }
                let plain = crate::store::ops::backup_scratch(
                    self.backend.path(),
                    lock_timeout,
                    &self.config.progress,
                )?;
                let size = Self::seal_file(&plain.0, out, r)?;
                self.seal_credentials(out, r)?;
                size
            }
        };
        self.log_copy(caller, now, "backup", recipients.as_deref())?;
        Ok(size)
    }

    /// Decrypts an encrypted backup whole into a scratch file beside `db` (authenticated to
    /// its last byte before anything uses it); a plain backup is used as it is.
    pub(super) fn opened_backup(
        backup: &Path,
        db: &Path,
        identity: Option<&Identities>,
    ) -> Result<Option<crate::store::ops::TempFile>, AppError> {
        if !copies::file_is_encrypted(backup)? {
            return Ok(None);
        }
        let identity = identity.ok_or(CopyError::NeedsIdentity)?;
        let (tmp, mut file) = crate::store::ops::scratch_beside(db)?;
        copies::open_into(backup, identity, &mut file)?;
        Ok(Some(tmp))
    }

    /// A de-identified export of every case (administrators): one `meta` line, then one line
    /// per case (see [`crate::protect::deidentify`]), from a snapshot; encrypted unless plain,
    /// and recorded in the access log as `export-deidentified`.
    #[allow(clippy::too_many_arguments)]
    pub fn export_deidentified(
        caller: &Caller,
        db: &Path,
        lock_timeout: Duration,
        config: &super::Config,
        form: CopyForm,
        key: &PseudonymKey,
        out: impl Write,
    ) -> Result<usize, AppError> {
        let action = "export-deidentified";
        let (recipients, now) = Self::copy_rights(caller, db, lock_timeout, config, action, form)?;
        let snapshot = crate::store::ops::Snapshot::take(db, lock_timeout)?;
        let store = snapshot.store();
        let mut ids: Vec<CaseId> = Vec::new();
        store.each_case(
            &CaseFilter {
                by_id: true,
                ..CaseFilter::default()
            },
            |case| {
                ids.push(case.id);
                true
            },
        )?;
        let count = write_copy(recipients.as_deref(), out, |w| {
            let meta = serde_json::json!({
                "type": "meta",
                "deidentified": true,
                "exported_at": now,
                "pseudonyms": "HMAC-SHA256 under the office's pseudonym key, 64 bits shown",
                "birth_dates": "year",
                "dropped": "addresses, phone numbers, free text, sensitive and confidential fields, who acted, letters",
            });
            let line = |w: &mut dyn Write, v: &serde_json::Value| -> Result<(), AppError> {
                serde_json::to_writer(&mut *w, v).map_err(|e| AppError::Output(e.to_string()))?;
                w.write_all(b"\n")
                    .map_err(|e| AppError::Output(e.to_string()))
            };
            line(w, &meta)?;
            let mut n = 0;
            for id in &ids {
                let Some(case) = store.case(id)? else {
                    continue;
                };
                let def = store.definition(&case.version)?;
                let history = store.history(id)?;
                line(w, &deidentify::case(key, &def, &case, &history))?;
                n += 1;
            }
            Ok(n)
        })?;
        Self::log_copy_at(caller, db, now, action, recipients.as_deref())?;
        Ok(count)
    }
}

impl<B: Backend> Office<B> {
    /// The whole database this office holds as JSON Lines (administrators), from one read
    /// snapshot, encrypted unless plain: for a server that holds the file for its lifetime.
    pub fn export_held(
        &self,
        caller: &Caller,
        form: CopyForm,
        out: impl Write,
    ) -> Result<crate::store::dump::DumpCounts, AppError> {
        let now = self.now(caller)?;
        self.authorise(caller, Owner::Administrator, "export")?;
        let recipients = self.recipients(form)?;
        let counts = write_copy(recipients.as_deref(), out, |w| {
            self.backend.export_copy(w).map_err(|e| match e {
                StoreError::Storage(detail) => AppError::Output(detail),
                e => e.into(),
            })
        })?;
        self.log_copy(caller, now, "export", recipients.as_deref())?;
        Ok(counts)
    }

    /// Like [`Office::export_held`], into the new file `out` (an existing one only with
    /// `force`, never one of `protected`); the file appears only when complete.
    pub fn export_held_to(
        &self,
        caller: &Caller,
        form: CopyForm,
        out: &Path,
        force: bool,
        protected: &[std::path::PathBuf],
    ) -> Result<crate::store::dump::DumpCounts, AppError> {
        let mut output = crate::store::output::Output::begin(out, force, protected)?;
        let counts = self.export_held(caller, form, output.file())?;
        output.finish()?;
        Ok(counts)
    }

    /// Encrypts the plain copy `plain` (a scratch file beside the database) into `out`.
    fn seal_file(plain: &Path, out: &Path, recipients: &[Recipient]) -> Result<u64, AppError> {
        use crate::store::ops::{finish_file, io_error, temp_beside};
        let output = |e: std::io::Error| AppError::Output(e.to_string());
        let (tmp, file) = temp_beside(out)?;
        let mut source = std::io::BufReader::new(std::fs::File::open(plain).map_err(io_error)?);
        let mut sealing = Sealing::begin(recipients, std::io::BufWriter::new(file))?;
        std::io::copy(&mut source, &mut sealing).map_err(output)?;
        let file = sealing
            .finish()
            .map_err(output)?
            .into_inner()
            .map_err(|e| output(e.into_error()))?;
        let size = file.metadata().map_err(io_error)?.len();
        finish_file(tmp, file, out)?;
        Ok(size)
    }

    /// Seals the credentials beside an encrypted backup at `out` (`<out>.credentials`, to
    /// the same recipients), so that a restore brings accounts and API tokens back. A plain
    /// copy never carries them: credentials stay apart from case data unless encrypted.
    fn seal_credentials(&self, out: &Path, recipients: &[Recipient]) -> Result<(), AppError> {
        use crate::store::ops::{finish_file, temp_beside};
        let Some(copy) = self.credentials_copy()? else {
            return Ok(());
        };
        let output = |e: std::io::Error| AppError::Output(e.to_string());
        let target = crate::store::credentials::backup_credentials_path(out);
        let json = serde_json::to_vec(&copy).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (tmp, file) = temp_beside(&target)?;
        let mut sealing = Sealing::begin(recipients, std::io::BufWriter::new(file))?;
        sealing.write_all(&json).map_err(output)?;
        let file = sealing
            .finish()
            .map_err(output)?
            .into_inner()
            .map_err(|e| output(e.into_error()))?;
        finish_file(tmp, file, &target)?;
        Ok(())
    }

    /// Writes a consistent copy of the database this office holds for writing to `out`
    /// (administrators), encrypted unless plain: for a server that holds the file.
    pub fn backup_held(
        &self,
        caller: &Caller,
        out: &Path,
        form: CopyForm,
    ) -> Result<u64, AppError> {
        let now = self.now(caller)?;
        self.authorise(caller, Owner::Administrator, "backup")?;
        let recipients = self.recipients(form)?;
        let size = match &recipients {
            None => self.backend.backup_copy(out)?,
            Some(r) => {
                if out.exists() {
                    return Err(StoreError::AlreadyExists(out.to_owned()).into());
                }
                let plain = self.backend.backup_scratch()?;
                let size = Self::seal_file(&plain.0, out, r)?;
                self.seal_credentials(out, r)?;
                size
            }
        };
        self.log_copy(caller, now, "backup", recipients.as_deref())?;
        Ok(size)
    }

    /// Every read of one child's data (administrators and auditors): the access log's entries
    /// for each case that records the child (by identity number or registry id), oldest first.
    /// The look-up is itself logged against each of those cases as `child-access`.
    pub fn child_access(&self, caller: &Caller, child: &str) -> Result<Vec<ChildRead>, AppError> {
        let now = self.now(caller)?;
        self.authorise(caller, Owner::Auditor, "child-access")?;
        let child = child.trim().to_ascii_uppercase();
        let cases: BTreeSet<String> = self
            .backend
            .snapshot(|tx| tx.child_cases(&child))?
            .into_iter()
            .map(|c| c.id.as_str().to_owned())
            .collect();
        if cases.is_empty() {
            return Err(AppError::UnknownChild(child));
        }
        let mut reads: Vec<AccessEntry> = self
            .backend
            .access_log(&AccessFilter::default())?
            .into_iter()
            .filter(|e| cases.contains(&e.case))
            .collect();
        reads.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        for case in &cases {
            self.log(caller, now, case, "child-access", None)?;
        }
        Ok(reads)
    }
}
