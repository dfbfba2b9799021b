//! Operations on the file as a whole: `check` (integrity of the file, the records, the
//! histories and the indexes), and consistent copies for `backup` and `restore`.
//!
//! A consistent copy is a byte copy taken while holding a read-only open: redb's
//! `ExclusiveWriter` mode refuses writers while any reader has the file, and every commit is
//! durable before its writer lets go, so the bytes copied are exactly one committed state.
//! `check` never touches the file it checks: it works on such a copy, because redb's own
//! integrity check repairs what it can.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::ops::ControlFlow;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use redb::{Database, ReadOnlyTable, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use super::format::{StoredDefinition, StoredEvent, decode, decode_case};
use super::{
    BY_CHILD, BY_STATE, CASES, COUNTERS, DEFINITIONS, EVENTS, META, META_KEY, OVERDUE, PROVISIONAL,
    StoreError, TIMERS, VERSIONS, check_magic, child_identities, storage, wait_for,
};
use crate::case::{Case, CaseId, Event, EventKind};
use crate::definition::{self, Definition, VersionHash};
use crate::letters::archive::ArchivedLetter;

/// The index entries a case snapshot implies; the writer keeps the tables equal to these.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct IndexKeys {
    pub by_state: BTreeSet<(String, String, String)>,
    pub by_child: BTreeSet<(String, String)>,
    pub timers: BTreeSet<(i64, String, String)>,
    pub overdue: BTreeSet<(i64, String, String)>,
    pub provisional: BTreeSet<(String, String)>,
    /// (unit, case id) of a case with a handling unit.
    pub by_unit: BTreeSet<(String, String)>,
    /// (officer, case id) of a case with an officer in charge.
    pub by_officer: BTreeSet<(String, String)>,
    /// (opening instant in ms, case id) of every case.
    pub by_opened: BTreeSet<(i64, String)>,
    /// (workflow, source, external id, case id) of a case opened with an external id.
    pub external: BTreeSet<(String, String, String, String)>,
}

impl IndexKeys {
    /// The entries one case implies.
    pub fn of(case: &Case) -> IndexKeys {
        let mut keys = IndexKeys::default();
        keys.add(case);
        keys
    }

    /// Adds the entries of one case: the index rules, used by the writer, `check` and import.
    pub fn add(&mut self, case: &Case) {
        let id = case.id.as_str().to_owned();
        self.by_state
            .insert((case.workflow.clone(), case.state.clone(), id.clone()));
        for child in child_identities(case) {
            self.by_child.insert((child.to_owned(), id.clone()));
        }
        for d in case.deadlines.values() {
            if let Some(at) = d.next_firing() {
                self.timers
                    .insert((at.as_millisecond(), id.clone(), d.name.clone()));
            }
            if d.breached {
                self.overdue
                    .insert((d.due.as_millisecond(), id.clone(), d.name.clone()));
            }
            if d.provisional && !d.breached {
                self.provisional.insert((id.clone(), d.name.clone()));
            }
        }
        self.add_lists(case);
        self.add_external(case);
    }

    /// Adds the entry of one case in the index of external ids (`store::external`).
    pub fn add_external(&mut self, case: &Case) {
        if let Some(external) = &case.external {
            self.external.insert((
                case.workflow.clone(),
                external.source.clone(),
                external.id.clone(),
                case.id.as_str().to_owned(),
            ));
        }
    }

    /// Adds every entry of `other`.
    pub fn extend(&mut self, other: IndexKeys) {
        self.by_state.extend(other.by_state);
        self.by_child.extend(other.by_child);
        self.timers.extend(other.timers);
        self.overdue.extend(other.overdue);
        self.provisional.extend(other.provisional);
        self.by_unit.extend(other.by_unit);
        self.by_officer.extend(other.by_officer);
        self.by_opened.extend(other.by_opened);
        self.external.extend(other.external);
    }

    /// The entries of `self` that `other` lacks.
    fn difference(&self, other: &IndexKeys) -> IndexKeys {
        fn minus<K: Ord + Clone>(a: &BTreeSet<K>, b: &BTreeSet<K>) -> BTreeSet<K> {
            a.difference(b).cloned().collect()
        }
        IndexKeys {
            by_state: minus(&self.by_state, &other.by_state),
            by_child: minus(&self.by_child, &other.by_child),
            timers: minus(&self.timers, &other.timers),
            overdue: minus(&self.overdue, &other.overdue),
            provisional: minus(&self.provisional, &other.provisional),
            by_unit: minus(&self.by_unit, &other.by_unit),
            by_officer: minus(&self.by_officer, &other.by_officer),
            by_opened: minus(&self.by_opened, &other.by_opened),
            external: minus(&self.external, &other.external),
        }
    }

    /// How many entries each index holds.
    fn counts(&self) -> IndexCounts {
        IndexCounts([
            self.by_state.len() as u64,
            self.by_child.len() as u64,
            self.timers.len() as u64,
            self.overdue.len() as u64,
            self.provisional.len() as u64,
            self.by_unit.len() as u64,
            self.by_officer.len() as u64,
            self.by_opened.len() as u64,
            self.external.len() as u64,
        ])
    }

    /// Adds the entries of one case in the list indexes (`store::lists`): its unit, its
    /// officer, when it was opened.
    pub fn add_lists(&mut self, case: &Case) {
        let id = case.id.as_str();
        if let Some(unit) = &case.unit {
            self.by_unit.insert((unit.clone(), id.to_owned()));
        }
        if let Some(officer) = &case.officer {
            self.by_officer.insert((officer.clone(), id.to_owned()));
        }
        self.by_opened
            .insert((case.opened_at.as_millisecond(), id.to_owned()));
    }
}

/// How many entries each index holds, in [`IndexKeys`]' order of fields (by_state, by_child,
/// timers, overdue, provisional, by_unit, by_officer, by_opened, external).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexCounts(pub [u64; 9]);

impl IndexCounts {
    fn add(&mut self, other: IndexCounts) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }
}

/// The indexes compared case by case (redb), rather than as whole sets in memory: how many
/// entries the cases imply, those the index tables lack (problems, so few), and the cases
/// whose index entries cannot be derived from their snapshot (their snapshot is not their
/// replay, or they do not replay: problems too). Leftover entries are then known to exist
/// by counting alone, and looked for only when there are some.
#[derive(Debug, Default)]
struct Streamed {
    expected: IndexCounts,
    missing: IndexKeys,
    unlike_snapshot: BTreeMap<String, Option<IndexKeys>>,
}

/// One thing `check` found wrong.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum CheckProblem {
    /// redb's own integrity check failed (or had to repair the copy).
    Integrity { detail: String },
    /// A record does not decode.
    Unreadable { record: String, detail: String },
    /// A published version is missing, or its source does not hash to its name, or no longer
    /// loads.
    Definition {
        workflow: String,
        number: u32,
        detail: String,
    },
    /// A published definition's decoded form that this build would read and that does not
    /// say what its source says (`store/decoded.rs`).
    DecodedDefinition {
        hash: String,
        problem: super::decoded::FormProblem,
    },
    /// A case's events do not fold into a case.
    Replay { case: String, detail: String },
    /// A case's snapshot differs from the fold of its events.
    SnapshotDiffers { case: String },
    /// Events with no case snapshot.
    NoSnapshot { case: String },
    /// A case pinned to a version that is not stored.
    UnknownVersion { case: String, version: String },
    /// An index entry missing or left over.
    Index {
        index: String,
        entry: String,
        missing: bool,
    },
    /// The case counter of a year is below a case id already given out.
    Counter {
        year: String,
        counter: u64,
        highest: u64,
    },
    /// A document-number or letter-id counter (`letter:2026`, `number:…〔2026〕`) is below a
    /// number an archived letter already bears: the next letter would take it again.
    NumberCounter {
        key: String,
        counter: u64,
        highest: u64,
    },
    /// An archived letter that does not match what its case's history recorded.
    Letter {
        letter: String,
        problem: LetterProblem,
    },
    /// The first broken link in a case's event chain, typed so that the shell can word it.
    Chain(crate::chain::Break),
    /// The first break in the access log's chain: an entry edited, removed or added.
    AccessChain(super::AccessBreak),
}

/// How an archived letter disagrees with the histories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LetterProblem {
    /// A history records it, but the archive has no record of it.
    Missing,
    /// The archive holds it, but no history records it.
    Unrecorded,
    /// Its text, HTML or PDF does not hash to its recorded digests, or to what its case's
    /// history recorded, or the record names another case.
    Differs,
    /// The archive record does not decode.
    Unreadable,
}

/// What `check` looked at and what it found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckReport {
    /// The file was left needing recovery (a write was interrupted); the check ran on a
    /// recovered copy, and the first command that opens the file recovers it the same way.
    pub needed_recovery: bool,
    pub definitions: usize,
    pub cases: usize,
    pub events: usize,
    pub problems: Vec<CheckProblem>,
    /// The database's cryptographic profile (its meta's `crypto`), by which its chains were
    /// recomputed.
    #[serde(default)]
    pub crypto: crate::crypto::Profile,
}

/// A temporary file, removed when dropped unless it was moved into place.
pub struct TempFile(pub(crate) PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A new, empty file named after `stem` in `dir`, never an existing one.
pub(crate) fn temp_file(dir: &Path, stem: &str) -> Result<(TempFile, File), StoreError> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    for _ in 0..1000 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{stem}-{}-{n}.tmp", std::process::id()));
        // Only the owner reads what a scratch copy, a backup or an export holds.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(super::file_mode())
            .open(&path)
        {
            Ok(file) => return Ok((TempFile(path), file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(e)),
        }
    }
    Err(StoreError::Storage(format!(
        "no free temporary file name in {}",
        dir.display()
    )))
}

/// An I/O error as a store error (a full disk and a read-only place keep their meaning).
pub fn io_error(e: std::io::Error) -> StoreError {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            StoreError::ReadOnly
        }
        _ => StoreError::Storage(e.to_string()),
    }
}

/// The size and modification time of a file: what changes when anyone writes it.
fn stamp(path: &Path) -> Result<(u64, Option<std::time::SystemTime>), StoreError> {
    let meta = std::fs::metadata(path).map_err(io_error)?;
    Ok((meta.len(), meta.modified().ok()))
}

/// Copies the committed state of the database at `db` into `out` (created, fsynced), holding a
/// read-only open so that no writer changes the file meanwhile. A file left needing recovery
/// (its last writer was killed, or its disk was full) refuses read-only opens; it is copied as
/// it is, and the copy is taken only if the file was the same before and after and still
/// needed recovery (so no writer came in between). Returns whether it needed recovery.
fn copy_consistent(db: &Path, lock_timeout: Duration, out: &mut File) -> Result<bool, StoreError> {
    copy_consistent_telling(db, lock_timeout, out, &crate::progress::Reporter::silent())
}

/// [`copy_consistent`], telling `progress` of the bytes copied (`what`: the work it is part
/// of).
fn copy_consistent_telling(
    db: &Path,
    lock_timeout: Duration,
    out: &mut File,
    progress: &crate::progress::Reporter,
) -> Result<bool, StoreError> {
    use std::io::Seek;
    for _ in 0..20 {
        let reader = wait_for(lock_timeout, || {
            match redb::Builder::new().open_read_only(db) {
                Ok(r) => Ok(Some(r)),
                Err(redb::DatabaseError::RepairAborted) => Ok(None),
                Err(e) => Err(e),
            }
        })?;
        out.set_len(0).map_err(io_error)?;
        out.rewind().map_err(io_error)?;
        let before = stamp(db)?;
        let source = File::open(db).map_err(io_error)?;
        let size = source.metadata().map(|m| m.len()).ok();
        let stage = progress.begin("backup", size);
        let mut source = crate::progress::Counting {
            inner: source,
            stage: &stage,
        };
        std::io::copy(&mut source, out).map_err(io_error)?;
        drop(stage);
        out.sync_all().map_err(io_error)?;
        if reader.is_some() {
            return Ok(false);
        }
        let untouched = stamp(db)? == before
            && matches!(
                redb::Builder::new().open_read_only(db),
                Err(redb::DatabaseError::RepairAborted)
            );
        if untouched {
            return Ok(true);
        }
    }
    Err(StoreError::Busy {
        waited: lock_timeout,
    })
}

/// Opens a copy made by [`copy_consistent`] (recovering the copy if need be) and checks that
/// it is a wardflow database; `original` names the file in errors.
fn open_copy(copy: &Path, original: &Path) -> Result<Database, StoreError> {
    // The bounded page cache of every read-only open: `check` reads every page of the copy
    // once, and redb's default cache (a GiB) would grow with the file up to its size.
    let db = Database::builder()
        .set_cache_size(super::READ_CACHE)
        .open(copy)
        .map_err(storage)?;
    let is_wardflow = db
        .begin_read()
        .ok()
        .and_then(|tx| tx.open_table(META).ok()?.get(META_KEY).ok()?.map(|_| ()))
        .is_some();
    if !is_wardflow {
        return Err(StoreError::NotADatabase(original.to_owned()));
    }
    Ok(db)
}

/// The directory a path's file lives in.
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Moves a finished temporary file to `to`: without `replace`, atomically refuses an existing
/// file (a hard link never overwrites).
pub(crate) fn publish_file(tmp: TempFile, to: &Path, replace: bool) -> Result<(), StoreError> {
    if replace {
        std::fs::rename(&tmp.0, to).map_err(io_error)?;
        std::mem::forget(tmp);
    } else {
        match std::fs::hard_link(&tmp.0, to) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::AlreadyExists(to.to_owned()));
            }
            Err(e) => return Err(io_error(e)),
        }
    }
    // Make the new name durable.
    if let Ok(dir) = File::open(parent_dir(to)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// A new temporary file beside `out`, to be moved there by [`finish_file`].
pub fn temp_beside(out: &Path) -> Result<(TempFile, File), StoreError> {
    if out.exists() {
        return Err(StoreError::AlreadyExists(out.to_owned()));
    }
    temp_file(&parent_dir(out), "wardflow-out")
}

/// Makes a temporary file from [`temp_beside`] durable and gives it its name, refusing an
/// existing file.
pub fn finish_file(tmp: TempFile, file: File, out: &Path) -> Result<(), StoreError> {
    file.sync_all().map_err(io_error)?;
    drop(file);
    publish_file(tmp, out, false)
}

/// Writes a consistent copy of the database to `out`, which must not exist yet.
pub fn backup(db: &Path, out: &Path, lock_timeout: Duration) -> Result<u64, StoreError> {
    backup_telling(db, out, lock_timeout, &crate::progress::Reporter::silent())
}

/// [`backup`], telling `progress` of the bytes copied.
pub fn backup_telling(
    db: &Path,
    out: &Path,
    lock_timeout: Duration,
    progress: &crate::progress::Reporter,
) -> Result<u64, StoreError> {
    if out.exists() {
        return Err(StoreError::AlreadyExists(out.to_owned()));
    }
    check_magic(db)?;
    let (tmp, mut file) = temp_file(&parent_dir(out), "wardflow-backup")?;
    copy_consistent_telling(db, lock_timeout, &mut file, progress)?;
    drop(file);
    // Proves the copy is a wardflow database, and recovers it if the original needed it.
    drop(open_copy(&tmp.0, db)?);
    let size = stamp(&tmp.0)?.0;
    publish_file(tmp, out, false)?;
    Ok(size)
}

/// A consistent copy of the database at `db` in a scratch file beside it (removed when the
/// guard drops; one a crash leaves is swept by the next check or restore): the plain copy an
/// encrypted backup is made from, which so never lands beside the backup's destination.
pub fn backup_scratch(
    db: &Path,
    lock_timeout: Duration,
    progress: &crate::progress::Reporter,
) -> Result<TempFile, StoreError> {
    check_magic(db)?;
    let (tmp, mut file) = scratch_beside(db)?;
    copy_consistent_telling(db, lock_timeout, &mut file, progress)?;
    drop(file);
    drop(open_copy(&tmp.0, db)?);
    Ok(tmp)
}

/// [`backup_scratch`] of a database `store` holds open for writing (see [`backup_held`]).
pub fn backup_held_scratch(store: &super::Store) -> Result<TempFile, StoreError> {
    let db = store.path();
    let (tmp, mut file) = scratch_beside(db)?;
    {
        let _quiet = store.write()?;
        let mut source = File::open(db).map_err(io_error)?;
        std::io::copy(&mut source, &mut file).map_err(io_error)?;
        file.sync_all().map_err(io_error)?;
    }
    drop(file);
    drop(open_copy(&tmp.0, db)?);
    Ok(tmp)
}

/// A new scratch file (owner-only) in the directory of `db`, named as the sweep of
/// [`sweep_scratch`] knows.
pub fn scratch_beside(db: &Path) -> Result<(TempFile, File), StoreError> {
    let dir = parent_dir(db);
    sweep_scratch(&dir);
    temp_file(&dir, "wardflow-check")
}

/// Like [`backup`], of a database `store` holds open for writing (a server): the copy is
/// made inside a write transaction that writes nothing, so no commit changes the file while
/// it is read; then it is checked like any backup.
pub fn backup_held(store: &super::Store, out: &Path) -> Result<u64, StoreError> {
    if out.exists() {
        return Err(StoreError::AlreadyExists(out.to_owned()));
    }
    let db = store.path();
    let (tmp, mut file) = temp_file(&parent_dir(out), "wardflow-backup")?;
    {
        let _quiet = store.write()?;
        let mut source = File::open(db).map_err(io_error)?;
        std::io::copy(&mut source, &mut file).map_err(io_error)?;
        file.sync_all().map_err(io_error)?;
    }
    drop(file);
    drop(open_copy(&tmp.0, db)?);
    let size = stamp(&tmp.0)?.0;
    publish_file(tmp, out, false)?;
    Ok(size)
}

/// What `restore` did, or why it did not.
#[derive(Debug, Clone, PartialEq)]
pub enum Restored {
    /// The backup failed its check; nothing was replaced.
    Damaged(CheckReport),
    /// Replacing would lose what the current database holds beyond the backup, and that was
    /// not confirmed; nothing was replaced.
    WouldLose(super::Loss),
    /// The backup is in place; `lost` is what went with the old database (confirmed).
    Done {
        report: CheckReport,
        lost: super::Loss,
    },
}

/// Puts a backup in place of the database at `db`. The backup is checked first; an existing
/// database is replaced only with `force`, and then under its write lock, so no command is
/// half-way through a transaction on it. When the current database holds cases, events or
/// letters the backup lacks, it is replaced only with `accept_loss` as well.
pub fn restore(
    backup: &Path,
    db: &Path,
    force: bool,
    accept_loss: bool,
    lock_timeout: Duration,
) -> Result<Restored, StoreError> {
    let silent = crate::progress::Reporter::silent();
    let report = check_in(backup, &parent_dir(db), lock_timeout, &silent, |_| {
        Ok::<_, StoreError>(())
    })?;
    if !report.problems.is_empty() {
        return Ok(Restored::Damaged(report));
    }
    if db.exists() && !force {
        return Err(StoreError::AlreadyExists(db.to_owned()));
    }
    sweep_scratch(&parent_dir(db));
    let (tmp, mut file) = temp_file(&parent_dir(db), "wardflow-restore")?;
    copy_consistent(backup, lock_timeout, &mut file)?;
    drop(file);
    let incoming = super::restore::Holdings::read(&open_copy(&tmp.0, backup)?)?;
    let lost;
    if check_magic(db).is_ok() {
        // Hold the old database's write lock while the new file takes its name, so no command
        // is half-way through a transaction on it; a waiting command re-opens by name and gets
        // the restored file. What it holds is read under the same lock.
        let held = wait_for(lock_timeout, || Database::builder().open(db))?;
        lost = super::Loss::between(&super::restore::Holdings::read(&held)?, &incoming);
        if !lost.is_empty() && !accept_loss {
            return Ok(Restored::WouldLose(lost));
        }
        let result = publish_file(tmp, db, true);
        drop(held);
        result?;
    } else {
        lost = super::Loss::default();
        publish_file(tmp, db, force)?;
    }
    super::note_commit();
    Ok(Restored::Done { report, lost })
}

/// A consistent copy of a database in a scratch file beside it, removed when dropped: a long
/// read (an export) works on it, so the database itself is held only for the byte copy and
/// writers go on meanwhile.
pub struct Snapshot {
    // Fields drop in order: the copy is closed before its file is removed.
    store: super::Store,
    file: TempFile,
}

impl Snapshot {
    /// Copies the committed state of `db` (as [`backup`] does) and opens the copy.
    pub fn take(db: &Path, lock_timeout: Duration) -> Result<Snapshot, StoreError> {
        check_magic(db)?;
        let dir = parent_dir(db);
        sweep_scratch(&dir);
        let (tmp, mut file) = match temp_file(&dir, "wardflow-check") {
            Err(StoreError::ReadOnly) => temp_file(&std::env::temp_dir(), "wardflow-check")?,
            other => other?,
        };
        copy_consistent(db, lock_timeout, &mut file)?;
        drop(file);
        // Recovers the copy if the original needed it, and proves it is a wardflow database.
        drop(open_copy(&tmp.0, db)?);
        let store = super::Store::open_read(&tmp.0, lock_timeout)?;
        Ok(Snapshot { store, file: tmp })
    }

    /// The copy, opened for reading.
    pub fn store(&self) -> &super::Store {
        &self.store
    }

    /// The scratch file's path.
    pub fn path(&self) -> &Path {
        &self.file.0
    }
}

/// Removes scratch copies in `dir` left by a `check` or `restore` that was killed (its process
/// is gone): they hold a full copy of the database.
pub fn sweep_scratch(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = [".wardflow-check-", ".wardflow-restore-"]
            .iter()
            .find_map(|p| name.strip_prefix(p))
        else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if name.ends_with(".tmp") && !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Checks a database without changing it: redb's integrity check on a copy, every record
/// decoded, every case replayed from its events and compared with its snapshot, every index
/// compared with what the snapshots imply, the case counters, and the event chains.
pub fn check(db: &Path, lock_timeout: Duration) -> Result<CheckReport, StoreError> {
    check_then(db, lock_timeout, |_| Ok::<_, StoreError>(()))
}

/// Like [`check`], running `first` on the consistent copy (closed, recovered) before checking
/// it: who may check is read from the copy, so the file itself is never opened for writing,
/// not even to recover it.
pub fn check_then<E: From<StoreError>>(
    db: &Path,
    lock_timeout: Duration,
    first: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<CheckReport, E> {
    let silent = crate::progress::Reporter::silent();
    check_in(db, &parent_dir(db), lock_timeout, &silent, first)
}

/// [`check_then`], telling `progress` of each case checked.
pub fn check_then_telling<E: From<StoreError>>(
    db: &Path,
    lock_timeout: Duration,
    progress: &crate::progress::Reporter,
    first: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<CheckReport, E> {
    check_in(db, &parent_dir(db), lock_timeout, progress, first)
}

/// [`check_then`] with its scratch copy in `scratch` (beside the database, never the shared
/// temporary directory: the copy holds everything the database does). The copy is removed on
/// return, and by the next check or restore if this process is killed.
fn check_in<E: From<StoreError>>(
    db: &Path,
    scratch: &Path,
    lock_timeout: Duration,
    progress: &crate::progress::Reporter,
    first: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<CheckReport, E> {
    check_magic(db)?;
    sweep_scratch(scratch);
    // A database on a read-only place (a mounted backup medium) is checked from a copy in the
    // temporary directory, which is removed on return like the other.
    let (tmp, mut file) = match temp_file(scratch, "wardflow-check") {
        Err(StoreError::ReadOnly) => temp_file(&std::env::temp_dir(), "wardflow-check")?,
        other => other?,
    };
    let needed_recovery = copy_consistent(db, lock_timeout, &mut file)?;
    drop(file);
    check_copy(tmp, db, needed_recovery, progress, first)
}

/// [`check_then_telling`] of a database `store` holds open for writing (a server): the copy
/// is made as [`backup_held_scratch`] makes it (no commit changes the file while it is read),
/// then checked as any.
pub fn check_held_telling<E: From<StoreError>>(
    store: &super::Store,
    progress: &crate::progress::Reporter,
    first: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<CheckReport, E> {
    let tmp = backup_held_scratch(store)?;
    check_copy(tmp, store.path(), false, progress, first)
}

/// Checks `tmp`, a consistent copy of `db`, removing it on return.
fn check_copy<E: From<StoreError>>(
    tmp: TempFile,
    db: &Path,
    needed_recovery: bool,
    progress: &crate::progress::Reporter,
    first: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<CheckReport, E> {
    let mut checker = Checker::new(needed_recovery);
    drop(open_copy(&tmp.0, db)?);
    first(&tmp.0)?;
    let mut database = open_copy(&tmp.0, db)?;
    match database.check_integrity() {
        Ok(true) => {}
        Ok(false) => checker.problem(CheckProblem::Integrity {
            detail: "the file needed repair".to_owned(),
        }),
        Err(e) => {
            checker.problem(CheckProblem::Integrity {
                detail: e.to_string(),
            });
            return Ok(checker.finish());
        }
    }
    let tx = database.begin_read().map_err(storage)?;
    checker.set_crypto(stored_crypto(&tx)?);
    check_definitions(&tx, &mut checker)?;
    check_cases(&tx, &mut checker, progress)?;
    if let Some(b) = super::access::chain_break(&tx, checker.crypto())? {
        checker.problem(CheckProblem::AccessChain(b));
    }
    drop(tx);
    drop(database);
    drop(tmp);
    Ok(checker.finish())
}

/// The cryptographic profile the copy's meta records (standard when it names none).
fn stored_crypto(tx: &redb::ReadTransaction) -> Result<crate::crypto::Profile, StoreError> {
    let table = tx.open_table(META).map_err(storage)?;
    let bytes = table
        .get(META_KEY)
        .map_err(storage)?
        .ok_or_else(|| StoreError::Corrupt("the database's meta record is missing".into()))?;
    let meta: super::format::StoredMeta = decode(bytes.value()).map_err(super::corrupt)?;
    Ok(meta.crypto)
}

fn check_definitions(tx: &redb::ReadTransaction, checker: &mut Checker) -> Result<(), StoreError> {
    let versions = tx.open_table(VERSIONS).map_err(storage)?;
    let defs = tx.open_table(DEFINITIONS).map_err(storage)?;
    for entry in versions.iter().map_err(storage)? {
        let (k, v) = entry.map_err(storage)?;
        let (workflow, number) = k.value();
        let hash = v.value().to_owned();
        let record = defs.get(hash.as_str()).map_err(storage)?;
        checker.definition(workflow, number, &hash, record.as_ref().map(|r| r.value()));
    }
    // A database from before step 11 has no decoded forms, and reads every source.
    let Ok(decoded) = tx.open_table(super::decoded::DECODED) else {
        return Ok(());
    };
    for entry in decoded.iter().map_err(storage)? {
        let (hash, form) = entry.map_err(storage)?;
        let from_source = checker.versions.get(hash.value()).and_then(Option::as_ref);
        if let Err(problem) = super::decoded::judge(Some(form.value()), from_source) {
            checker.problem(CheckProblem::DecodedDefinition {
                hash: hash.value().to_owned(),
                problem,
            });
        }
    }
    Ok(())
}

fn check_cases(
    tx: &redb::ReadTransaction,
    checker: &mut Checker,
    progress: &crate::progress::Reporter,
) -> Result<(), StoreError> {
    let cases = tx.open_table(CASES).map_err(storage)?;
    let events = tx.open_table(EVENTS).map_err(storage)?;
    let tables = IndexTables::open(tx)?;
    // A dictionary that does not read (a gap, a name twice) is reported; the records that
    // need it are then reported unreadable one by one.
    let names = match super::names::Names::default().in_read(tx) {
        Ok(names) => names,
        Err(e) => {
            checker.problem(CheckProblem::Unreadable {
                record: "the dictionary of names".to_owned(),
                detail: e.to_string(),
            });
            Default::default()
        }
    };
    checker.stream_indexes();
    // The cases are examined on every core; what they found is folded in in id order. The
    // published versions are lent to the workers meanwhile.
    let versions = std::mem::take(&mut checker.versions);
    let crypto = checker.crypto();
    let examined = super::parallel::in_order(
        "check",
        super::parallel::Parallel::available(),
        cases.len().ok(),
        progress,
        |emit| {
            for entry in cases.iter().map_err(storage)? {
                let (k, _) = entry.map_err(storage)?;
                if emit(k.value().to_owned()).is_break() {
                    break;
                }
            }
            Ok(())
        },
        |id: &String| {
            let Some(snapshot) = cases.get(id.as_str()).map_err(storage)? else {
                return Ok(None);
            };
            let mut stored = Vec::new();
            for e in events
                .range((id.as_str(), 0)..=(id.as_str(), u32::MAX))
                .map_err(storage)?
            {
                let (key, bytes) = e.map_err(storage)?;
                stored.push((key.value().1, bytes.value().to_vec()));
            }
            let mut examined = examine(&versions, crypto, id, snapshot.value(), &stored, &*names);
            if let Some(keys) = examined.keys() {
                examined.missing = Some(tables.missing(keys)?);
            }
            Ok(Some(examined))
        },
        &mut |examined| {
            checker.absorb(examined);
            ControlFlow::Continue(())
        },
    );
    checker.versions = versions;
    examined?;
    check_orphan_events(&cases, &events, checker)?;
    if let Ok(letters) = tx.open_table(super::letters::LETTERS) {
        for entry in letters.iter().map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            checker.letter(k.value(), v.value());
        }
    }
    let mut counters = BTreeMap::new();
    for entry in tx
        .open_table(COUNTERS)
        .map_err(storage)?
        .iter()
        .map_err(storage)?
    {
        let (k, v) = entry.map_err(storage)?;
        counters.insert(k.value().to_owned(), v.value());
    }
    let actual = tables.counts()?;
    let (lists, external) = (tables.lists.is_some(), tables.external.is_some());
    checker.streamed_indexes(actual, lists, external, |scan, unlike_snapshot| {
        // The entries a case implies: its replay's when that is not its snapshot, else its
        // snapshot's; none when it has no snapshot.
        let expected_of = |case: &str| -> Result<Option<IndexKeys>, StoreError> {
            if let Some(keys) = unlike_snapshot.get(case) {
                return Ok(keys.clone());
            }
            let Some(bytes) = cases.get(case).map_err(storage)? else {
                return Ok(None);
            };
            Ok(decode_case(bytes.value(), &*names)
                .ok()
                .map(|c| IndexKeys::of(&c)))
        };
        tables.leftovers(scan, expected_of)
    })?;
    checker.counters(&counters);
    Ok(())
}

/// The index tables of a redb file, which `check` looks each case's entries up in rather than
/// reading them whole (the list indexes and the external ids only once migrated).
struct IndexTables {
    by_state: ReadOnlyTable<(&'static str, &'static str, &'static str), ()>,
    by_child: ReadOnlyTable<(&'static str, &'static str), ()>,
    timers: ReadOnlyTable<(i64, &'static str, &'static str), ()>,
    overdue: ReadOnlyTable<(i64, &'static str, &'static str), ()>,
    provisional: ReadOnlyTable<(&'static str, &'static str), ()>,
    lists: Option<ListTables>,
    external: Option<ReadOnlyTable<(&'static str, &'static str, &'static str), &'static str>>,
}

/// by_unit, by_officer, by_opened.
type ListTables = (
    ReadOnlyTable<(&'static str, &'static str), ()>,
    ReadOnlyTable<(&'static str, &'static str), ()>,
    ReadOnlyTable<(i64, &'static str), ()>,
);

/// A table that may not exist yet (made by a migration step).
fn optional<T>(table: Result<T, redb::TableError>) -> Result<Option<T>, StoreError> {
    match table {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(storage(e)),
    }
}

impl IndexTables {
    fn open(tx: &redb::ReadTransaction) -> Result<IndexTables, StoreError> {
        let lists = match (
            optional(tx.open_table(super::lists::BY_UNIT))?,
            optional(tx.open_table(super::lists::BY_OFFICER))?,
            optional(tx.open_table(super::lists::BY_OPENED))?,
        ) {
            (Some(u), Some(o), Some(d)) => Some((u, o, d)),
            _ => None,
        };
        Ok(IndexTables {
            by_state: tx.open_table(BY_STATE).map_err(storage)?,
            by_child: tx.open_table(BY_CHILD).map_err(storage)?,
            timers: tx.open_table(TIMERS).map_err(storage)?,
            overdue: tx.open_table(OVERDUE).map_err(storage)?,
            provisional: tx.open_table(PROVISIONAL).map_err(storage)?,
            lists,
            external: optional(tx.open_table(super::external::EXTERNAL))?,
        })
    }

    /// The entries of `keys` the tables lack.
    fn missing(&self, keys: &IndexKeys) -> Result<IndexKeys, StoreError> {
        fn absent<'a, K: redb::Key + 'static, V: redb::Value + 'static>(
            table: &ReadOnlyTable<K, V>,
            key: impl std::borrow::Borrow<K::SelfType<'a>>,
        ) -> Result<bool, StoreError> {
            Ok(table.get(key).map_err(storage)?.is_none())
        }
        let mut m = IndexKeys::default();
        for k @ (w, s, c) in &keys.by_state {
            if absent(&self.by_state, (w.as_str(), s.as_str(), c.as_str()))? {
                m.by_state.insert(k.clone());
            }
        }
        for k @ (child, c) in &keys.by_child {
            if absent(&self.by_child, (child.as_str(), c.as_str()))? {
                m.by_child.insert(k.clone());
            }
        }
        for k @ (at, c, d) in &keys.timers {
            if absent(&self.timers, (*at, c.as_str(), d.as_str()))? {
                m.timers.insert(k.clone());
            }
        }
        for k @ (at, c, d) in &keys.overdue {
            if absent(&self.overdue, (*at, c.as_str(), d.as_str()))? {
                m.overdue.insert(k.clone());
            }
        }
        for k @ (c, d) in &keys.provisional {
            if absent(&self.provisional, (c.as_str(), d.as_str()))? {
                m.provisional.insert(k.clone());
            }
        }
        if let Some((by_unit, by_officer, by_opened)) = &self.lists {
            for k @ (u, c) in &keys.by_unit {
                if absent(by_unit, (u.as_str(), c.as_str()))? {
                    m.by_unit.insert(k.clone());
                }
            }
            for k @ (o, c) in &keys.by_officer {
                if absent(by_officer, (o.as_str(), c.as_str()))? {
                    m.by_officer.insert(k.clone());
                }
            }
            for k @ (at, c) in &keys.by_opened {
                if absent(by_opened, (*at, c.as_str()))? {
                    m.by_opened.insert(k.clone());
                }
            }
        }
        if let Some(external) = &self.external {
            for k @ (w, s, x, c) in &keys.external {
                let found = external
                    .get((w.as_str(), s.as_str(), x.as_str()))
                    .map_err(storage)?;
                if found.is_none_or(|v| v.value() != c.as_str()) {
                    m.external.insert(k.clone());
                }
            }
        }
        Ok(m)
    }

    /// How many entries each table holds (none for a table not made yet).
    fn counts(&self) -> Result<IndexCounts, StoreError> {
        let len = |n: Result<u64, redb::StorageError>| n.map_err(storage);
        let (u, o, d) = match &self.lists {
            Some((u, o, d)) => (len(u.len())?, len(o.len())?, len(d.len())?),
            None => (0, 0, 0),
        };
        let x = match &self.external {
            Some(x) => len(x.len())?,
            None => 0,
        };
        Ok(IndexCounts([
            len(self.by_state.len())?,
            len(self.by_child.len())?,
            len(self.timers.len())?,
            len(self.overdue.len())?,
            len(self.provisional.len())?,
            u,
            o,
            d,
            x,
        ]))
    }

    /// The entries of the tables `scan` names (in [`IndexCounts`]' order) that the cases do
    /// not imply, each case's entries given by `expected_of` (None: it implies none).
    fn leftovers(
        &self,
        scan: [bool; 9],
        expected_of: impl Fn(&str) -> Result<Option<IndexKeys>, StoreError>,
    ) -> Result<IndexKeys, StoreError> {
        // Entries of one case often come together; its entries are derived once for them.
        let mut last: Option<(String, Option<IndexKeys>)> = None;
        let mut implied = |case: &str| -> Result<IndexKeys, StoreError> {
            if last.as_ref().is_none_or(|(c, _)| c != case) {
                last = Some((case.to_owned(), expected_of(case)?));
            }
            Ok(last
                .as_ref()
                .and_then(|(_, keys)| keys.clone())
                .unwrap_or_default())
        };
        let mut out = IndexKeys::default();
        let owned = |s: &str| s.to_owned();
        if scan[0] {
            for e in self.by_state.iter().map_err(storage)? {
                let (k, _) = e.map_err(storage)?;
                let (w, s, c) = k.value();
                let key = (owned(w), owned(s), owned(c));
                if !implied(c)?.by_state.contains(&key) {
                    out.by_state.insert(key);
                }
            }
        }
        if scan[1] {
            for e in self.by_child.iter().map_err(storage)? {
                let (k, _) = e.map_err(storage)?;
                let (child, c) = k.value();
                let key = (owned(child), owned(c));
                if !implied(c)?.by_child.contains(&key) {
                    out.by_child.insert(key);
                }
            }
        }
        for (i, table, into) in [
            (2, &self.timers, &mut out.timers),
            (3, &self.overdue, &mut out.overdue),
        ] {
            if !scan[i] {
                continue;
            }
            for e in table.iter().map_err(storage)? {
                let (k, _) = e.map_err(storage)?;
                let (at, c, d) = k.value();
                let key = (at, owned(c), owned(d));
                let keys = implied(c)?;
                let set = if i == 2 { &keys.timers } else { &keys.overdue };
                if !set.contains(&key) {
                    into.insert(key);
                }
            }
        }
        if scan[4] {
            for e in self.provisional.iter().map_err(storage)? {
                let (k, _) = e.map_err(storage)?;
                let (c, d) = k.value();
                let key = (owned(c), owned(d));
                if !implied(c)?.provisional.contains(&key) {
                    out.provisional.insert(key);
                }
            }
        }
        if let Some((by_unit, by_officer, by_opened)) = &self.lists {
            for (i, table, into) in [
                (5, by_unit, &mut out.by_unit),
                (6, by_officer, &mut out.by_officer),
            ] {
                if !scan[i] {
                    continue;
                }
                for e in table.iter().map_err(storage)? {
                    let (k, _) = e.map_err(storage)?;
                    let (x, c) = k.value();
                    let key = (owned(x), owned(c));
                    let keys = implied(c)?;
                    let set = if i == 5 {
                        &keys.by_unit
                    } else {
                        &keys.by_officer
                    };
                    if !set.contains(&key) {
                        into.insert(key);
                    }
                }
            }
            if scan[7] {
                for e in by_opened.iter().map_err(storage)? {
                    let (k, _) = e.map_err(storage)?;
                    let (at, c) = k.value();
                    let key = (at, owned(c));
                    if !implied(c)?.by_opened.contains(&key) {
                        out.by_opened.insert(key);
                    }
                }
            }
        }
        if let (Some(external), true) = (&self.external, scan[8]) {
            for e in external.iter().map_err(storage)? {
                let (k, v) = e.map_err(storage)?;
                let (w, s, x) = k.value();
                let c = v.value();
                let key = (owned(w), owned(s), owned(x), owned(c));
                if !implied(c)?.external.contains(&key) {
                    out.external.insert(key);
                }
            }
        }
        Ok(out)
    }
}

/// The comparisons `check` makes, the same on both backends (redb here, PostgreSQL in
/// `pg/check.rs`): each backend reads its rows, from one consistent snapshot, and hands them
/// over as stored bytes; what they should be, and what is reported, is decided here alone.
pub(crate) struct Checker {
    report: CheckReport,
    /// Every published version by hash (None: it does not load, reported already).
    versions: BTreeMap<String, Option<Definition>>,
    /// The index entries the replayed cases imply.
    expected: IndexKeys,
    /// The highest number given out per counter key (`case:2026`, `letter:2026`,
    /// `number:…〕`), from the case ids and the archived letters.
    highest: BTreeMap<String, u64>,
    /// The letters the histories record as issued: archive id -> (case, HTML digest).
    issued: BTreeMap<String, (String, String)>,
    /// Set when the indexes are looked up case by case ([`Checker::stream_indexes`]);
    /// otherwise `expected` gathers every entry.
    streamed: Option<Streamed>,
}

impl Checker {
    pub(crate) fn new(needed_recovery: bool) -> Self {
        Checker {
            report: CheckReport {
                needed_recovery,
                ..CheckReport::default()
            },
            versions: BTreeMap::new(),
            expected: IndexKeys::default(),
            highest: BTreeMap::new(),
            issued: BTreeMap::new(),
            streamed: None,
        }
    }

    /// Compares the indexes case by case: each case's entries are looked up as it is
    /// examined ([`Examined::missing`]) and [`Checker::streamed_indexes`] ends the comparison,
    /// so no index is held whole.
    fn stream_indexes(&mut self) {
        self.streamed = Some(Streamed::default());
    }

    /// A problem found by the backend itself (its storage, its access log).
    /// The cryptographic profile the database records, by which chains are recomputed.
    pub(crate) fn set_crypto(&mut self, crypto: crate::crypto::Profile) {
        self.report.crypto = crypto;
    }

    /// The profile set by [`Checker::set_crypto`] (standard until then).
    pub(crate) fn crypto(&self) -> crate::crypto::Profile {
        self.report.crypto
    }

    pub(crate) fn problem(&mut self, problem: CheckProblem) {
        self.report.problems.push(problem);
    }

    fn saw_number(&mut self, key: String, number: u64) {
        let h = self.highest.entry(key).or_default();
        *h = (*h).max(number);
    }

    /// Version `number` of `workflow`, named by `hash`, and the stored definition under
    /// that hash (None: there is none).
    pub(crate) fn definition(
        &mut self,
        workflow: &str,
        number: u32,
        hash: &str,
        record: Option<&[u8]>,
    ) {
        let report = &mut self.report;
        report.definitions += 1;
        let problem = |detail: String| CheckProblem::Definition {
            workflow: workflow.to_owned(),
            number,
            detail,
        };
        let Some(bytes) = record else {
            report
                .problems
                .push(problem(format!("definition {hash} is missing")));
            return;
        };
        let stored: StoredDefinition = match decode(bytes) {
            Ok(s) => s,
            Err(e) => {
                report.problems.push(problem(e.to_string()));
                return;
            }
        };
        let loaded = definition::load_published(&stored.file, stored.source.as_bytes()).ok();
        if VersionHash::of(stored.source.as_bytes()).0 != hash {
            report
                .problems
                .push(problem("the source does not hash to its name".to_owned()));
        } else if stored.workflow != workflow || stored.number != number {
            report
                .problems
                .push(problem("the record names another version".to_owned()));
        } else if loaded.is_none() {
            report
                .problems
                .push(problem("the source no longer loads".to_owned()));
        }
        self.versions.insert(hash.to_owned(), loaded);
    }

    /// One case: its stored snapshot and its events as stored, (seq, record) in order. Every
    /// definition must have been handed over first.
    pub(crate) fn case(
        &mut self,
        id_text: &str,
        snapshot: &[u8],
        events: &[(u32, Vec<u8>)],
        names: &dyn super::format::NameLookup,
    ) {
        let examined = examine(
            &self.versions,
            self.crypto(),
            id_text,
            snapshot,
            events,
            names,
        );
        self.absorb(examined);
    }

    /// Folds in what [`examine`] found of one case (cases in id order, so that the report is
    /// the same however many threads examined them).
    pub(crate) fn absorb(&mut self, examined: Examined) {
        let report = &mut self.report;
        report.cases += 1;
        report.events += examined.events;
        report.problems.extend(examined.problems);
        if let Some((key, n)) = examined.number {
            self.saw_number(key, n);
        }
        for (letter, html_sha256) in examined.issued {
            self.issued
                .insert(letter, (examined.id.clone(), html_sha256));
        }
        match (&mut self.streamed, examined.keys) {
            (_, None) => {
                // No entries are expected of a case that does not replay.
                if let Some(streamed) = &mut self.streamed {
                    streamed.unlike_snapshot.insert(examined.id, None);
                }
            }
            // The indexes follow the truth: the replayed case.
            (None, Some(keys)) => self.expected.extend(keys),
            (Some(streamed), Some(keys)) => {
                streamed.expected.add(keys.counts());
                if let Some(missing) = examined.missing {
                    streamed.missing.extend(missing);
                }
                // Its entries cannot be derived from its snapshot when leftovers are looked
                // for; such a case is a problem reported already, so few are kept.
                if !examined.snapshot_is_replay {
                    streamed.unlike_snapshot.insert(examined.id, Some(keys));
                }
            }
        }
    }

    /// Events stored under `case`, which has no snapshot.
    pub(crate) fn orphan(&mut self, case: &str) {
        self.report.problems.push(CheckProblem::NoSnapshot {
            case: case.to_owned(),
        });
    }

    /// An archived letter under archive id `id`: it decodes, hashes to its digests and to
    /// what its case's history recorded, and the numbers it bears count as given out.
    /// Every case must have been handed over first.
    pub(crate) fn letter(&mut self, id: &str, record: &[u8]) {
        let mut problem = |problem| {
            self.report.problems.push(CheckProblem::Letter {
                letter: id.to_owned(),
                problem,
            })
        };
        let Ok(letter) = decode::<ArchivedLetter>(record) else {
            problem(LetterProblem::Unreadable);
            return;
        };
        match self.issued.remove(id) {
            None => problem(LetterProblem::Unrecorded),
            Some((case, sha))
                if letter.id != id
                    || letter.case.as_str() != case
                    || sha != letter.html_sha256
                    || !letter.digests_hold() =>
            {
                problem(LetterProblem::Differs)
            }
            Some(_) => {}
        }
        for (key, number) in super::dump::given_out(&letter) {
            self.saw_number(key, number);
        }
    }

    /// Compares the index entries the backend holds with those the cases imply (`lists`,
    /// `external`: the list indexes and the external ids exist, once migrated on redb).
    pub(crate) fn indexes(&mut self, actual: &IndexKeys, lists: bool, external: bool) {
        let missing = self.expected.difference(actual);
        let leftover = actual.difference(&self.expected);
        self.index_problems(&missing, &leftover, lists, external);
    }

    /// Ends a comparison made case by case ([`Checker::stream_indexes`]): `actual` is how
    /// many entries the index tables hold. An index holding more than the cases imply less
    /// those missing has leftovers, which `leftovers` finds (asked only for such indexes:
    /// `scan`), given the cases whose entries are not their snapshot's.
    pub(crate) fn streamed_indexes(
        &mut self,
        actual: IndexCounts,
        lists: bool,
        external: bool,
        leftovers: impl FnOnce(
            [bool; 9],
            &BTreeMap<String, Option<IndexKeys>>,
        ) -> Result<IndexKeys, StoreError>,
    ) -> Result<(), StoreError> {
        let Some(streamed) = self.streamed.take() else {
            return Ok(());
        };
        let missing = streamed.missing.counts();
        let mut scan = [false; 9];
        for (i, want) in scan.iter_mut().enumerate() {
            let found = streamed.expected.0[i].saturating_sub(missing.0[i]);
            *want = actual.0[i] != found;
        }
        let leftover = if scan.contains(&true) {
            leftovers(scan, &streamed.unlike_snapshot)?
        } else {
            IndexKeys::default()
        };
        self.index_problems(&streamed.missing, &leftover, lists, external);
        Ok(())
    }

    /// Reports entries `missing` from the indexes and `leftover` in them, index by index.
    fn index_problems(
        &mut self,
        missing: &IndexKeys,
        leftover: &IndexKeys,
        lists: bool,
        external: bool,
    ) {
        let report = &mut self.report;
        if lists {
            compare("by_unit", &missing.by_unit, &leftover.by_unit, report);
            compare(
                "by_officer",
                &missing.by_officer,
                &leftover.by_officer,
                report,
            );
            compare("by_opened", &missing.by_opened, &leftover.by_opened, report);
        }
        if external {
            compare(
                "by_external_id",
                &missing.external,
                &leftover.external,
                report,
            );
        }
        compare("by_state", &missing.by_state, &leftover.by_state, report);
        compare("by_child", &missing.by_child, &leftover.by_child, report);
        compare("timers", &missing.timers, &leftover.timers, report);
        compare("overdue", &missing.overdue, &leftover.overdue, report);
        compare(
            "provisional",
            &missing.provisional,
            &leftover.provisional,
            report,
        );
    }

    /// Compares the counters with the numbers given out: none may be below.
    pub(crate) fn counters(&mut self, counters: &BTreeMap<String, u64>) {
        for (key, highest) in &self.highest {
            let counter = counters.get(key).copied().unwrap_or(0);
            if counter >= *highest {
                continue;
            }
            self.report.problems.push(match key.strip_prefix("case:") {
                Some(year) => CheckProblem::Counter {
                    year: year.to_owned(),
                    counter,
                    highest: *highest,
                },
                None => CheckProblem::NumberCounter {
                    key: key.clone(),
                    counter,
                    highest: *highest,
                },
            });
        }
    }

    /// The report, with every letter a history records but the archive lacks.
    pub(crate) fn finish(mut self) -> CheckReport {
        for id in std::mem::take(&mut self.issued).into_keys() {
            self.report.problems.push(CheckProblem::Letter {
                letter: id,
                problem: LetterProblem::Missing,
            });
        }
        self.report
    }
}

/// What examining one case found, before it is folded into the report.
pub(crate) struct Examined {
    id: String,
    events: usize,
    problems: Vec<CheckProblem>,
    /// The counter its id was given out by and its number (`case:2026`, 12).
    number: Option<(String, u64)>,
    /// The letters its history records as issued: (archive id, HTML digest).
    issued: Vec<(String, String)>,
    /// The index entries the replayed case implies; None when it does not replay.
    keys: Option<IndexKeys>,
    /// The stored snapshot is the replayed case exactly.
    snapshot_is_replay: bool,
    /// The entries of `keys` the index tables lack, when they are looked up case by case
    /// (a redb check); None when the backend hands over whole indexes.
    pub(crate) missing: Option<IndexKeys>,
}

impl Examined {
    /// The index entries the replayed case implies (None: it did not replay).
    pub(crate) fn keys(&self) -> Option<&IndexKeys> {
        self.keys.as_ref()
    }
}

/// Examines one case on its own, against the published `versions` (every definition handed
/// over first): its records decoded, its chain recomputed under `crypto`, its history
/// replayed and followed through its workflow, its snapshot compared with the replay (names of
/// format-10 records looked up in `names`). Pure,
/// so that cases are examined on several threads; [`Checker::absorb`] folds the results.
pub(crate) fn examine(
    versions: &BTreeMap<String, Option<Definition>>,
    crypto: crate::crypto::Profile,
    id_text: &str,
    snapshot: &[u8],
    events: &[(u32, Vec<u8>)],
    names: &dyn super::format::NameLookup,
) -> Examined {
    let mut examined = Examined {
        id: id_text.to_owned(),
        events: 0,
        problems: Vec::new(),
        number: None,
        issued: Vec::new(),
        keys: None,
        snapshot_is_replay: false,
        missing: None,
    };
    let problems = &mut examined.problems;
    let Ok(id) = id_text.parse::<CaseId>() else {
        problems.push(CheckProblem::Unreadable {
            record: format!("case {id_text}"),
            detail: "not a case id".to_owned(),
        });
        return examined;
    };
    if let Some((year, n)) = id_text.split_once('-')
        && let Ok(n) = n.parse::<u64>()
    {
        examined.number = Some((format!("case:{year}"), n));
    }
    let mut stored = Vec::new();
    let mut history = Vec::new();
    let mut read = super::format::History::new();
    for (seq, bytes) in events {
        examined.events += 1;
        let decoded = read
            .next(bytes, names)
            .map_err(|e| e.to_string())
            .and_then(|s| {
                if s.seq != *seq {
                    return Err(format!("stored under seq {seq}"));
                }
                let event = Event::try_from(s.clone()).map_err(|e| e.to_string())?;
                Ok((s, event))
            });
        match decoded {
            Ok((s, event)) => {
                stored.push(s);
                history.push(event);
            }
            Err(detail) => problems.push(CheckProblem::Unreadable {
                record: format!("event {seq} of case {id_text}"),
                detail,
            }),
        }
    }
    problems.extend(verify_chain(crypto, id_text, &stored));
    let replayed = match Case::replay(&id, &history) {
        Ok(case) => case,
        Err(e) => {
            problems.push(CheckProblem::Replay {
                case: id_text.to_owned(),
                detail: e.to_string(),
            });
            return examined;
        }
    };
    match versions.get(&replayed.version.0) {
        None => problems.push(CheckProblem::UnknownVersion {
            case: id_text.to_owned(),
            version: replayed.version.0.clone(),
        }),
        Some(Some(_)) => {
            let lookup = |hash: &str| versions.get(hash).map(Option::as_ref);
            if let Err(detail) = verify_history(lookup, &history) {
                problems.push(CheckProblem::Replay {
                    case: id_text.to_owned(),
                    detail,
                });
            }
        }
        // Already reported as a definition that does not load.
        Some(None) => {}
    }
    match decode_case(snapshot, names) {
        Ok(snapshot) if snapshot == replayed => examined.snapshot_is_replay = true,
        Ok(_) => problems.push(CheckProblem::SnapshotDiffers {
            case: id_text.to_owned(),
        }),
        Err(e) => problems.push(CheckProblem::Unreadable {
            record: format!("snapshot of case {id_text}"),
            detail: e.to_string(),
        }),
    }
    examined.issued = replayed
        .issued
        .iter()
        .map(|l| (l.issued.letter.clone(), l.issued.html_sha256.clone()))
        .collect();
    examined.keys = Some(IndexKeys::of(&replayed));
    examined
}

/// Checks that a history follows its workflow: it opens in a state of the workflow, and every
/// transition exists, leaves the state the case was in (and may leave it), and goes where the
/// workflow says; each event is checked against the version the case was on when it happened
/// (`defs` finds a published version by hash: None when there is none, Some(None) when it does
/// not load, which is reported elsewhere). A migration leaves the version and state the case
/// was in, for a state of the same workflow's target version. The fold itself
/// ([`Case::replay`]) trusts the events; this does not.
pub(crate) fn verify_history<'a>(
    defs: impl Fn(&str) -> Option<Option<&'a Definition>>,
    events: &[Event],
) -> Result<(), String> {
    let mut state = String::new();
    let mut on: Option<(&VersionHash, &Definition)> = None;
    for e in events {
        match &e.kind {
            EventKind::Opened {
                workflow,
                version,
                state: s,
                ..
            } => {
                let def = match defs(&version.0) {
                    None => return Err(format!("event {}: no version {version}", e.seq)),
                    Some(None) => return Ok(()),
                    Some(Some(def)) => def,
                };
                if *workflow != def.key || def.state(s).is_none() {
                    return Err(format!("event {} opens in {workflow} {s}", e.seq));
                }
                state = s.clone();
                on = Some((version, def));
            }
            EventKind::Fired {
                transition,
                from,
                to,
                ..
            } => {
                let Some((_, def)) = on else {
                    return Err(format!("event {} comes before the opening", e.seq));
                };
                let Some(t) = def.transition(transition) else {
                    return Err(format!("event {}: no transition {transition}", e.seq));
                };
                if *from != state || !t.from.admits(from, def.is_final(from)) || *to != t.to {
                    return Err(format!(
                        "event {}: {transition} from {from} to {to}, but the case was in {state}",
                        e.seq
                    ));
                }
                state = to.clone();
            }
            EventKind::Migrated {
                from_version,
                to_version,
                from_state,
                to_state,
                ..
            } => {
                let Some((version, def)) = on else {
                    return Err(format!("event {} comes before the opening", e.seq));
                };
                if version != from_version || *from_state != state {
                    return Err(format!(
                        "event {}: a migration from {from_version} {from_state}, but the case \
                         was on {version} in {state}",
                        e.seq
                    ));
                }
                let target = match defs(&to_version.0) {
                    None => return Err(format!("event {}: no version {to_version}", e.seq)),
                    Some(None) => return Ok(()),
                    Some(Some(target)) => target,
                };
                if target.key != def.key || target.state(to_state).is_none() {
                    return Err(format!(
                        "event {}: a migration to {} {to_state}, which has no such state",
                        e.seq, target.key
                    ));
                }
                state = to_state.clone();
                on = Some((to_version, target));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Verifies the hash chain of one case's stored events.
///
/// Recomputes the case's hash chain from the stored records and reports its first broken
/// link as [`CheckProblem::Chain`]. Truncation shows as a snapshot that differs from the
/// replay, reported beside it.
fn verify_chain(
    crypto: crate::crypto::Profile,
    case: &str,
    events: &[StoredEvent],
) -> Vec<CheckProblem> {
    let Ok(id) = case.parse::<CaseId>() else {
        return Vec::new();
    };
    let records: Vec<crate::chain::Record> = events
        .iter()
        .map(|s| crate::chain::Record {
            at: s.seq,
            event: Event::try_from(s.clone())
                .map_err(|e| e.to_string())
                .and_then(|e| serde_json::to_value(e).map_err(|e| e.to_string())),
            prev: s.prev.clone(),
            hash: s.hash.clone(),
        })
        .collect();
    match crate::chain::verify(crypto, &id, &records, None) {
        Ok(_) => Vec::new(),
        Err(b) => vec![CheckProblem::Chain(b)],
    }
}

fn check_orphan_events(
    cases: &impl ReadableTable<&'static str, &'static [u8]>,
    events: &impl ReadableTable<(&'static str, u32), &'static [u8]>,
    checker: &mut Checker,
) -> Result<(), StoreError> {
    // From case to case (one lookup each) rather than through every event.
    let mut from = String::new();
    loop {
        let next = events
            .range((from.as_str(), 0)..)
            .map_err(storage)?
            .next()
            .transpose()
            .map_err(storage)?
            .map(|(k, _)| k.value().0.to_owned());
        let Some(case) = next else {
            return Ok(());
        };
        if cases.get(case.as_str()).map_err(storage)?.is_none() {
            checker.orphan(&case);
        }
        from = format!("{case}\u{0}");
    }
}

/// Names each entry missing from an index, then each left over in it, in key order.
fn compare<K: Ord + std::fmt::Debug>(
    index: &'static str,
    missing: &BTreeSet<K>,
    leftover: &BTreeSet<K>,
    report: &mut CheckReport,
) {
    for k in missing {
        report.problems.push(CheckProblem::Index {
            index: index.to_owned(),
            entry: format!("{k:?}"),
            missing: true,
        });
    }
    for k in leftover {
        report.problems.push(CheckProblem::Index {
            index: index.to_owned(),
            entry: format!("{k:?}"),
            missing: false,
        });
    }
}

/// Where one table's bytes go (redb's own accounting): what `docs/performance.md`'s
/// bytes-per-case table is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpace {
    pub name: String,
    pub entries: u64,
    /// Keys and values as stored in leaf pages.
    pub stored: u64,
    /// Branch-page keys and other B-tree metadata.
    pub metadata: u64,
    /// Unused bytes inside the table's pages.
    pub fragmented: u64,
    /// Leaf and branch pages.
    pub pages: u64,
}

impl super::Store {
    /// Every table's space, largest first: one read transaction, keys only counted by redb.
    pub fn space(&self) -> Result<Vec<TableSpace>, StoreError> {
        let tx = self.read()?;
        let mut out = Vec::new();
        for handle in tx.list_tables().map_err(storage)? {
            let name = redb::TableHandle::name(&handle).to_owned();
            let table = tx.open_untyped_table(handle).map_err(storage)?;
            let stats = table.stats().map_err(storage)?;
            out.push(TableSpace {
                name,
                entries: table.len().map_err(storage)?,
                stored: stats.stored_bytes(),
                metadata: stats.metadata_bytes(),
                fragmented: stats.fragmented_bytes(),
                pages: stats.leaf_pages() + stats.branch_pages(),
            });
        }
        out.sort_by_key(|t| std::cmp::Reverse(t.stored + t.metadata + t.fragmented));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::integrity::tests::{database, tamper};

    /// The report as `check` made it before issue 22: every case folded in on one thread,
    /// every index read whole and compared as sets in memory.
    fn whole(path: &Path) -> CheckReport {
        let database = Database::open(path).expect("open");
        let tx = database.begin_read().expect("read");
        let mut checker = Checker::new(false);
        checker.set_crypto(stored_crypto(&tx).expect("meta"));
        check_definitions(&tx, &mut checker).expect("definitions");
        let names = crate::store::names::Names::default()
            .in_read(&tx)
            .expect("names");
        let cases = tx.open_table(CASES).expect("cases");
        let events = tx.open_table(EVENTS).expect("events");
        for entry in cases.iter().expect("iter") {
            let (k, v) = entry.expect("case");
            let stored: Vec<(u32, Vec<u8>)> = events
                .range((k.value(), 0)..=(k.value(), u32::MAX))
                .expect("range")
                .map(|e| {
                    let (key, bytes) = e.expect("event");
                    (key.value().1, bytes.value().to_vec())
                })
                .collect();
            checker.case(k.value(), v.value(), &stored, &*names);
        }
        check_orphan_events(&cases, &events, &mut checker).expect("orphans");
        if let Ok(letters) = tx.open_table(super::super::letters::LETTERS) {
            for entry in letters.iter().expect("iter") {
                let (k, v) = entry.expect("letter");
                checker.letter(k.value(), v.value());
            }
        }
        let counters: BTreeMap<String, u64> = tx
            .open_table(COUNTERS)
            .expect("counters")
            .iter()
            .expect("iter")
            .map(|e| {
                let (k, v) = e.expect("counter");
                (k.value().to_owned(), v.value())
            })
            .collect();
        let tables = IndexTables::open(&tx).expect("indexes");
        // Every entry, as nothing is expected of any case.
        let actual = tables.leftovers([true; 9], |_| Ok(None)).expect("entries");
        assert!(!actual.by_state.is_empty() && !actual.by_opened.is_empty());
        checker.indexes(&actual, tables.lists.is_some(), tables.external.is_some());
        checker.counters(&counters);
        if let Some(b) = super::super::access::chain_break(&tx, checker.crypto()).expect("access") {
            checker.problem(CheckProblem::AccessChain(b));
        }
        checker.finish()
    }

    #[test]
    fn a_check_case_by_case_on_every_core_reports_what_the_whole_index_comparison_did() {
        let dir = tempfile::tempdir().expect("dir");
        let (path, ids) = database(dir.path(), 24);
        tamper(&path, &ids);
        {
            let db = Database::open(&path).expect("open");
            let tx = db.begin_write().expect("tx");
            {
                let mut by_state = tx.open_table(BY_STATE).expect("by_state");
                let entry = by_state
                    .iter()
                    .expect("iter")
                    .map(|e| {
                        let (k, _) = e.expect("entry");
                        let (w, s, c) = k.value();
                        (w.to_owned(), s.to_owned(), c.to_owned())
                    })
                    .find(|(_, _, c)| c == ids[7].as_str())
                    .expect("case 7 is indexed");
                by_state
                    .remove((entry.0.as_str(), entry.1.as_str(), entry.2.as_str()))
                    .expect("remove");
                by_state
                    .insert((entry.0.as_str(), "nowhere", ids[8].as_str()), ())
                    .expect("insert");
                let mut timers = tx.open_table(TIMERS).expect("timers");
                timers
                    .insert((0, "2026-999999", "nothing"), ())
                    .expect("insert");
                let mut by_opened = tx
                    .open_table(super::super::lists::BY_OPENED)
                    .expect("table");
                let first = by_opened
                    .iter()
                    .expect("iter")
                    .next()
                    .expect("an entry")
                    .expect("entry")
                    .0
                    .value()
                    .0;
                let case = ids[9].as_str();
                by_opened.remove((first, case)).expect("remove");
            }
            tx.commit().expect("commit");
        }
        let expected = whole(&path);
        let index_problems: Vec<(&str, bool)> = expected
            .problems
            .iter()
            .filter_map(|p| match p {
                CheckProblem::Index { index, missing, .. } => Some((index.as_str(), *missing)),
                _ => None,
            })
            .collect();
        // The case without a snapshot and the history that does not replay leave entries
        // over as well; what matters is that both ways find each.
        for wanted in [
            ("by_state", true),
            ("by_state", false),
            ("timers", false),
            ("by_opened", true),
        ] {
            assert!(
                index_problems.contains(&wanted),
                "{wanted:?}: {index_problems:?}"
            );
        }
        let streamed = check(&path, std::time::Duration::from_secs(1)).expect("checks");
        assert_eq!(streamed, expected);
        // A sound database needs no scan for leftovers and reports nothing.
        let dir = tempfile::tempdir().expect("dir");
        let (path, _) = database(dir.path(), 8);
        let report = check(&path, std::time::Duration::from_secs(1)).expect("checks");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report, whole(&path));
    }
}
