//! The access log: every read of a case (allowed or refused) by whom, when, and what.
//!
//! Reads must stay cheap and must not take the database's write lock, so a read appends one
//! JSON line to a side file (`<db>.access`) without an fsync of its own. The next write
//! transaction of any command (caseworker, runner tick, registry change) folds the side file
//! into the `access` table and commits it durably with its own work; only then is the folded
//! part cut from the side file. Entries are keyed by their own id, so folding the same line
//! twice (a crash between the commit and the cut) stores it once.
//!
//! What a crash can lose: a process crash loses nothing that was appended (the line is in the
//! operating system's cache); a power failure or kernel crash can lose the lines appended
//! since the operating system last wrote the side file back, and at most the reads since the
//! last durable commit. With the deadline runner running, that commit comes at least every
//! `--recheck` seconds.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::format::{decode, encode};
use super::{Store, StoreError, corrupt, storage};

/// (at in ms since the epoch, entry id) -> AccessEntry.
pub(super) const ACCESS: TableDefinition<(i64, &str), &[u8]> = TableDefinition::new("access");
/// The longest line a fold accepts; anything longer is not ours.
const MAX_LINE: usize = 64 * 1024;

/// One read of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    /// Unique per entry (the shell makes it from its process id and clock).
    pub id: String,
    pub at: Timestamp,
    pub user: String,
    pub case: String,
    /// What was read: `show`, `history`, `letter:KEY`, …
    pub action: String,
    pub allowed: bool,
    /// Why it was refused, in the engine's words.
    pub reason: Option<String>,
}

/// Filters for `audit`.
#[derive(Debug, Clone, Default)]
pub struct AccessFilter {
    pub case: Option<String>,
    pub user: Option<String>,
}

/// The side file beside the database.
pub fn side_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".access");
    PathBuf::from(name)
}

/// Opens the side file without following a symbolic link (a planted link would otherwise
/// have us write to, or cut, any file the database's owner can write); created 0600.
fn open_side(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    options
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                std::io::Error::other(format!(
                    "{} is a symbolic link; the access log is never written through one",
                    path.display()
                ))
            } else {
                e
            }
        })
}

/// Appends one entry to the side file, under a shared lock (appenders do not exclude each
/// other; a fold excludes them). No fsync: see the module documentation.
fn append(db: &Path, entry: &AccessEntry) -> Result<(), StoreError> {
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::PermissionDenied => StoreError::ReadOnly,
        _ => StoreError::Storage(format!("access log: {e}")),
    };
    // A leading newline ends any half line a power cut left, so it cannot swallow this one.
    let mut line = vec![b'\n'];
    line.extend(serde_json::to_vec(entry).map_err(corrupt)?);
    line.push(b'\n');
    let full =
        |e: &std::io::Error| matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT));
    let mut file = match open_side(&side_file(db), OpenOptions::new().create(true).append(true)) {
        Ok(f) => f,
        // A full disk must not stop a read: the entry is counted as a gap instead.
        Err(e) if full(&e) && super::access_gap::note(db, entry.at) => return Ok(()),
        Err(e) => return Err(io(e)),
    };
    file.lock_shared().map_err(io)?;
    // One write of the whole line: O_APPEND puts it at the end in one piece.
    let result = file.write_all(&line);
    let _ = file.unlock();
    match result {
        Ok(()) => Ok(()),
        Err(e) if full(&e) => {
            // A part of the line may have gone in; the fold drops a torn line, so the
            // count below is the record of this read.
            if super::access_gap::note(db, entry.at) {
                Ok(())
            } else {
                Err(io(e))
            }
        }
        Err(e) => Err(io(e)),
    }
}

/// Inserts every complete line of the side file into the access table of `tx`; returns how
/// many bytes it read, for [`cut`] once `tx` has committed.
pub(super) fn fold(tx: &WriteTransaction, db: &Path) -> Result<u64, StoreError> {
    let path = side_file(db);
    let io = |e: std::io::Error| StoreError::Storage(format!("access log: {e}"));
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(io(std::io::Error::other(format!(
                "{} is a symbolic link; the access log is never read through one",
                path.display()
            ))));
        }
        Ok(m) if m.len() > 0 => {}
        _ => return Ok(0),
    }
    let mut file = open_side(&path, OpenOptions::new().read(true)).map_err(io)?;
    file.lock().map_err(io)?;
    let mut bytes = Vec::new();
    let read = file.read_to_end(&mut bytes).map_err(io);
    let _ = file.unlock();
    read?;
    // Only complete lines: a line being written has no newline yet.
    let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let mut table = tx.open_table(ACCESS).map_err(storage)?;
    for line in bytes[..complete].split(|b| *b == b'\n') {
        if line.is_empty() || line.len() > MAX_LINE {
            continue;
        }
        // A torn line (power cut mid-append) cannot be read back; it is dropped.
        let Ok(entry) = serde_json::from_slice::<AccessEntry>(line) else {
            continue;
        };
        table
            .insert(
                (entry.at.as_millisecond(), entry.id.as_str()),
                encode(&entry).map_err(corrupt)?.as_slice(),
            )
            .map_err(storage)?;
    }
    Ok(complete as u64)
}

/// Removes the first `folded` bytes of the side file (they are in the database now).
/// Failing here only means they are folded again, harmlessly, next time.
pub(super) fn cut(db: &Path, folded: u64) {
    if folded == 0 {
        return;
    }
    let Ok(mut file) = open_side(&side_file(db), OpenOptions::new().read(true).write(true)) else {
        return;
    };
    if file.lock().is_err() {
        return;
    }
    let mut rest = Vec::new();
    let ok = file.seek(SeekFrom::Start(folded)).is_ok()
        && file.read_to_end(&mut rest).is_ok()
        && file.set_len(0).is_ok()
        && file.seek(SeekFrom::Start(0)).is_ok();
    if ok {
        let _ = file.write_all(&rest);
    }
    let _ = file.unlock();
}

/// Records one access decision beside the database at `db` without opening it (a command that
/// must not open the file, such as `check`, still leaves its refusal on record).
pub fn record_access_at(db: &Path, entry: &AccessEntry) -> Result<(), StoreError> {
    append(db, entry)
}

impl Store {
    /// Records one read of a case in the side file (works on a read-only handle).
    pub fn record_access(&self, entry: &AccessEntry) -> Result<(), StoreError> {
        append(&self.path, entry)
    }

    /// Commits a write transaction durably, folding the access side file into it.
    pub(super) fn commit(&self, tx: WriteTransaction) -> Result<(), StoreError> {
        self.commit_folding(tx)?;
        super::note_commit();
        Ok(())
    }

    /// Commits without counting as the command's own change (folding the log for `audit`).
    /// Access entries a full disk kept out are recorded as one gap entry in the same commit.
    fn commit_folding(&self, tx: WriteTransaction) -> Result<(), StoreError> {
        let folded = fold(&tx, &self.path)?;
        let gap = super::access_gap::pending(&self.path);
        if let Some(g) = &gap {
            let entry = AccessEntry {
                id: format!("gap-{}-{}", g.from.as_millisecond(), g.count),
                at: g.from,
                user: "-".to_owned(),
                case: "*".to_owned(),
                action: "gap".to_owned(),
                allowed: false,
                reason: Some(format!(
                    "{} access entries could not be written (disk full) from {} to {}",
                    g.count, g.from, g.to
                )),
            };
            tx.open_table(ACCESS)
                .map_err(storage)?
                .insert(
                    (entry.at.as_millisecond(), entry.id.as_str()),
                    encode(&entry).map_err(corrupt)?.as_slice(),
                )
                .map_err(storage)?;
        }
        tx.commit().map_err(storage)?;
        cut(&self.path, folded);
        if let Some(g) = &gap {
            super::access_gap::clear(&self.path, g);
        }
        // Space for the next gap is taken now, while there is space.
        super::access_gap::reserve(&self.path);
        Ok(())
    }

    /// Access entries, oldest first; with a write handle the side file is folded in first,
    /// so nothing recorded is missing.
    pub fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>, StoreError> {
        if matches!(self.handle, super::Handle::Write(_)) {
            let tx = self.write()?;
            tx.open_table(ACCESS).map_err(storage)?;
            self.commit_folding(tx)?;
        }
        let tx = self.read()?;
        let table = match tx.open_table(ACCESS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(storage(e)),
        };
        let mut out = Vec::new();
        for row in table.iter().map_err(storage)? {
            let (_, v) = row.map_err(storage)?;
            let entry: AccessEntry = decode(v.value()).map_err(corrupt)?;
            if filter.case.as_ref().is_some_and(|c| *c != entry.case)
                || filter.user.as_ref().is_some_and(|u| *u != entry.user)
            {
                continue;
            }
            out.push(entry);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, user: &str) -> AccessEntry {
        AccessEntry {
            id: id.to_owned(),
            at: "2026-11-23T02:00:00Z".parse().expect("time"),
            user: user.to_owned(),
            case: "2026-000001".to_owned(),
            action: "show".to_owned(),
            allowed: true,
            reason: None,
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("w.redb");
        let store = Store::create(&path, true, None, Timestamp::UNIX_EPOCH).expect("create");
        (dir, store)
    }

    #[test]
    fn reads_reach_the_table_with_the_next_commit_and_leave_the_side_file() {
        let (_dir, store) = store();
        store.record_access(&entry("1", "张三")).expect("append");
        store.record_access(&entry("2", "李四")).expect("append");
        let log = store.access_log(&AccessFilter::default()).expect("log");
        assert_eq!(log.len(), 2);
        let side = std::fs::read(side_file(store.path())).expect("side file");
        assert!(side.is_empty(), "folded lines are cut");
        let by = AccessFilter {
            user: Some("李四".into()),
            ..AccessFilter::default()
        };
        assert_eq!(store.access_log(&by).expect("log"), [entry("2", "李四")]);
    }

    #[test]
    fn folding_twice_stores_once_and_a_torn_line_is_dropped() {
        let (_dir, store) = store();
        store.record_access(&entry("1", "张三")).expect("append");
        let path = side_file(store.path());
        let bytes = std::fs::read(&path).expect("side file");
        // A crash after the commit but before the cut leaves the line to be folded again;
        // a power cut mid-append leaves half a line.
        let mut again = bytes.clone();
        again.extend_from_slice(&bytes);
        again.extend_from_slice(b"{\"id\":\"3\",\"at\n");
        store.access_log(&AccessFilter::default()).expect("fold");
        std::fs::write(&path, &again).expect("write");
        let log = store.access_log(&AccessFilter::default()).expect("log");
        assert_eq!(log, [entry("1", "张三")]);
    }

    #[test]
    fn a_new_database_does_not_inherit_the_reads_of_a_deleted_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("w.redb");
        let line = serde_json::to_string(&entry("1", "张三")).expect("json") + "\n";
        std::fs::write(side_file(&path), line).expect("stale side file");
        let store = Store::create(&path, true, None, Timestamp::UNIX_EPOCH).expect("create");
        assert!(
            store
                .access_log(&AccessFilter::default())
                .expect("log")
                .is_empty()
        );
    }

    #[test]
    fn a_line_still_being_written_waits_for_the_next_fold() {
        let (_dir, store) = store();
        let path = side_file(store.path());
        std::fs::write(&path, b"{\"id\":\"9\"").expect("write");
        store.access_log(&AccessFilter::default()).expect("fold");
        assert_eq!(std::fs::read(&path).expect("side"), b"{\"id\":\"9\"");
    }
}
