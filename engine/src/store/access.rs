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

/// (at in ms since the epoch, entry id) -> StoredAccess.
pub(super) const ACCESS: TableDefinition<(i64, &str), &[u8]> = TableDefinition::new("access");
/// The last link of the access chain ("head" -> (its number, its hash)), so that a fold
/// need not read the log; rebuilt from the log when missing (an import, an older database).
const ACCESS_HEAD: TableDefinition<&str, (u64, &str)> = TableDefinition::new("access_head");
const HEAD_KEY: &str = "head";
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

/// An access entry as stored in the table: chained like a case's history. Each entry folded
/// in carries its number in the chain, the hash of the entry stored before it and its own
/// hash, so that an entry edited or removed from the middle of the log breaks the chain.
/// Entries stored by older builds carry none of these and stay valid as the log's prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredAccess {
    #[serde(flatten)]
    pub(crate) entry: AccessEntry,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) prev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hash: Option<String>,
}

/// The hash of one link: its number, the previous link's hash and the entry itself, under
/// the database's cryptographic profile (SHA-256, or SM3 in a national database: the meta's
/// `crypto`, the trusted local fact, names it for every link).
pub(crate) fn link_hash(
    crypto: crate::crypto::Profile,
    seq: u64,
    prev: Option<&str>,
    entry: &AccessEntry,
) -> Result<String, StoreError> {
    let bytes = serde_json::to_vec(&(seq, prev, entry)).map_err(corrupt)?;
    Ok(crypto.digest_hex(&bytes))
}

/// Where the access chain is broken: the entry (its chain number, or its id for an entry
/// without a link stored after the chain began) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessBreak {
    pub entry: String,
    pub kind: AccessBreakKind,
}

/// What is wrong at an [`AccessBreak`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessBreakKind {
    /// The entry does not hash to its recorded hash, or the next one does not name it: edited.
    Edited,
    /// An entry of the chain is missing: removed.
    Missing,
    /// An entry without a link among the chained ones: added by hand.
    Unlinked,
    /// The stored entry cannot be read.
    Unreadable,
}

/// Appends `entry` to the chain in `tx`: numbered after the head, linked to it; the new head
/// is recorded. An entry already stored (the same line folded twice) is left as it is.
fn insert_linked(
    tx: &WriteTransaction,
    crypto: crate::crypto::Profile,
    entry: AccessEntry,
) -> Result<(), StoreError> {
    let mut chain = Chain::open(tx, crypto)?;
    chain.push(entry)?;
    chain.close()
}

/// The access chain of one write transaction, open for appending: its two tables are opened
/// and its head read once, however many entries a fold appends (a server's fold carries one
/// entry per request, and opening a table is a lookup of its own). The head is written back by
/// [`Chain::close`].
struct Chain<'t> {
    table: redb::Table<'t, (i64, &'static str), &'static [u8]>,
    heads: redb::Table<'t, &'static str, (u64, &'static str)>,
    crypto: crate::crypto::Profile,
    /// The last link: read when the chain is opened; None for an empty log.
    head: Option<(u64, String)>,
    /// Whether a link was added, so that the head must be written back.
    moved: bool,
}

impl<'t> Chain<'t> {
    fn open(tx: &'t WriteTransaction, crypto: crate::crypto::Profile) -> Result<Self, StoreError> {
        let table = tx.open_table(ACCESS).map_err(storage)?;
        let heads = tx.open_table(ACCESS_HEAD).map_err(storage)?;
        let head = match heads.get(HEAD_KEY).map_err(storage)? {
            Some(h) => {
                let (seq, hash) = h.value();
                Some((seq, hash.to_owned()))
            }
            None => scan_head(&table)?,
        };
        Ok(Chain {
            table,
            heads,
            crypto,
            head,
            moved: false,
        })
    }

    /// Links `entry` after the head, unless it is stored already.
    fn push(&mut self, entry: AccessEntry) -> Result<(), StoreError> {
        let key = (entry.at.as_millisecond(), entry.id.as_str());
        if self.table.get(key).map_err(storage)?.is_some() {
            return Ok(());
        }
        let seq = self.head.as_ref().map_or(0, |(s, _)| s + 1);
        let prev = self.head.take().map(|(_, h)| h);
        let hash = link_hash(self.crypto, seq, prev.as_deref(), &entry)?;
        let stored = StoredAccess {
            entry,
            seq: Some(seq),
            prev,
            hash: Some(hash.clone()),
        };
        let key = (stored.entry.at.as_millisecond(), stored.entry.id.as_str());
        self.table
            .insert(key, encode(&stored).map_err(corrupt)?.as_slice())
            .map_err(storage)?;
        self.head = Some((seq, hash));
        self.moved = true;
        Ok(())
    }

    /// Records the new head, if a link was added.
    fn close(mut self) -> Result<(), StoreError> {
        if let (true, Some((seq, hash))) = (self.moved, &self.head) {
            self.heads
                .insert(HEAD_KEY, (*seq, hash.as_str()))
                .map_err(storage)?;
        }
        Ok(())
    }
}

/// The last link of the chain, read from the log itself.
fn scan_head(
    table: &impl ReadableTable<(i64, &'static str), &'static [u8]>,
) -> Result<Option<(u64, String)>, StoreError> {
    let mut head: Option<(u64, String)> = None;
    for row in table.iter().map_err(storage)? {
        let (_, v) = row.map_err(storage)?;
        let Ok(stored) = decode::<StoredAccess>(v.value()) else {
            continue;
        };
        if let (Some(seq), Some(hash)) = (stored.seq, stored.hash)
            && head.as_ref().is_none_or(|(s, _)| seq > *s)
        {
            head = Some((seq, hash));
        }
    }
    Ok(head)
}

/// The first break in the access chain of the database read by `tx`, if any: every linked
/// entry hashes to its hash, the links are numbered 0, 1, 2 … without a gap, each names the
/// hash of the one before, the last is the recorded head, and no entry without a link was
/// stored after the first linked one.
pub(super) fn chain_break(
    tx: &redb::ReadTransaction,
    crypto: crate::crypto::Profile,
) -> Result<Option<AccessBreak>, StoreError> {
    let table = match tx.open_table(ACCESS) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(storage(e)),
    };
    let broken = |entry: String, kind| Ok(Some(AccessBreak { entry, kind }));
    let mut links: std::collections::BTreeMap<u64, (Option<String>, String, Timestamp)> =
        std::collections::BTreeMap::new();
    let mut unlinked: Vec<(Timestamp, String)> = Vec::new();
    for row in table.iter().map_err(storage)? {
        let (k, v) = row.map_err(storage)?;
        let Ok(stored) = decode::<StoredAccess>(v.value()) else {
            return broken(k.value().1.to_owned(), AccessBreakKind::Unreadable);
        };
        match (stored.seq, stored.hash) {
            (Some(seq), Some(hash)) => {
                if link_hash(crypto, seq, stored.prev.as_deref(), &stored.entry)? != hash {
                    return broken(format!("#{seq}"), AccessBreakKind::Edited);
                }
                links.insert(seq, (stored.prev, hash, stored.entry.at));
            }
            (None, None) => unlinked.push((stored.entry.at, stored.entry.id)),
            (Some(seq), None) => return broken(format!("#{seq}"), AccessBreakKind::Edited),
            (None, Some(_)) => return broken(stored.entry.id, AccessBreakKind::Edited),
        }
    }
    let mut before: Option<&String> = None;
    for (n, (seq, (prev, hash, _))) in links.iter().enumerate() {
        if *seq != n as u64 {
            return broken(format!("#{n}"), AccessBreakKind::Missing);
        }
        if prev.as_ref() != before {
            let kind = if n == 0 {
                AccessBreakKind::Missing
            } else {
                AccessBreakKind::Edited
            };
            return broken(format!("#{}", n.saturating_sub(1)), kind);
        }
        before = Some(hash);
    }
    if let Some(start) = links.values().map(|(_, _, at)| *at).min()
        && let Some((_, id)) = unlinked.iter().find(|(at, _)| *at > start)
    {
        return broken(id.clone(), AccessBreakKind::Unlinked);
    }
    if let Ok(heads) = tx.open_table(ACCESS_HEAD)
        && let Some(h) = heads.get(HEAD_KEY).map_err(storage)?
    {
        let (seq, hash) = h.value();
        let last = links.last_key_value();
        if last.is_none_or(|(s, (_, hh, _))| *s != seq || hh != hash) {
            let n = last.map_or(0, |(s, _)| s + 1);
            return broken(format!("#{n}"), AccessBreakKind::Missing);
        }
    }
    Ok(None)
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
/// have us write to, or cut, any file the database's owner can write); created 0600 (0640 with WARDFLOW_GROUP_READABLE=1).
fn open_side(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    options
        .mode(super::file_mode())
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
pub(super) fn fold(
    tx: &WriteTransaction,
    db: &Path,
    crypto: crate::crypto::Profile,
) -> Result<u64, StoreError> {
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
    let mut chain = None;
    for line in bytes[..complete].split(|b| *b == b'\n') {
        if line.is_empty() || line.len() > MAX_LINE {
            continue;
        }
        // A torn line (power cut mid-append) cannot be read back; it is dropped.
        let Ok(entry) = serde_json::from_slice::<AccessEntry>(line) else {
            continue;
        };
        let chain = match &mut chain {
            Some(chain) => chain,
            None => chain.insert(Chain::open(tx, crypto)?),
        };
        chain.push(entry)?;
    }
    if let Some(chain) = chain {
        chain.close()?;
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
        let folded = fold(&tx, &self.path, self.meta.crypto)?;
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
            insert_linked(&tx, self.meta.crypto, entry)?;
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
            let entry = decode::<StoredAccess>(v.value()).map_err(corrupt)?.entry;
            if filter.case.as_ref().is_some_and(|c| *c != entry.case)
                || filter.user.as_ref().is_some_and(|u| *u != entry.user)
            {
                continue;
            }
            out.push(entry);
        }
        Ok(out)
    }

    /// The first break in the access log's chain (see [`chain_break`]); a write handle folds
    /// the side file in first.
    pub fn access_chain_break(&self) -> Result<Option<AccessBreak>, StoreError> {
        if matches!(self.handle, super::Handle::Write(_)) {
            let tx = self.write()?;
            tx.open_table(ACCESS).map_err(storage)?;
            self.commit_folding(tx)?;
        }
        chain_break(&self.read()?, self.meta.crypto)
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

    /// Rewrites the access table of `store` through `edit` (what someone with the file does).
    fn tamper(
        store: &Store,
        edit: impl FnOnce(&mut redb::Table<(i64, &'static str), &'static [u8]>),
    ) {
        let tx = store.write().expect("write");
        {
            let mut table = tx.open_table(ACCESS).expect("access");
            edit(&mut table);
        }
        tx.commit().expect("commit");
    }

    fn keys(store: &Store) -> Vec<(i64, String)> {
        let tx = store.read().expect("read");
        let table = tx.open_table(ACCESS).expect("access");
        table
            .iter()
            .expect("iter")
            .map(|r| {
                let (k, _) = r.expect("row");
                (k.value().0, k.value().1.to_owned())
            })
            .collect()
    }

    fn logged(store: &Store, n: usize) {
        for i in 0..n {
            store
                .record_access(&entry(&format!("e{i}"), "张三"))
                .expect("append");
            // Each its own fold, so the chain grows across commits.
            if i % 2 == 1 {
                store.access_log(&AccessFilter::default()).expect("fold");
            }
        }
        store.access_log(&AccessFilter::default()).expect("fold");
    }

    #[test]
    fn folded_entries_form_an_unbroken_chain_even_when_a_line_is_folded_twice() {
        let (_dir, store) = store();
        logged(&store, 5);
        assert_eq!(store.access_chain_break().expect("chain"), None);
        // The same line folded again (a crash between the commit and the cut) changes nothing.
        store.record_access(&entry("e2", "张三")).expect("append");
        assert_eq!(
            store
                .access_log(&AccessFilter::default())
                .expect("log")
                .len(),
            5
        );
        assert_eq!(store.access_chain_break().expect("chain"), None);
    }

    #[test]
    fn a_removed_middle_entry_breaks_the_chain() {
        let (_dir, store) = store();
        logged(&store, 5);
        let key = keys(&store)[2].clone();
        tamper(&store, |t| {
            t.remove((key.0, key.1.as_str())).expect("remove");
        });
        let b = store.access_chain_break().expect("chain").expect("a break");
        assert_eq!(b.kind, AccessBreakKind::Missing, "{b:?}");
    }

    #[test]
    fn an_edited_middle_entry_breaks_the_chain() {
        let (_dir, store) = store();
        logged(&store, 5);
        let key = keys(&store)[1].clone();
        tamper(&store, |t| {
            let text = String::from_utf8(
                t.get((key.0, key.1.as_str()))
                    .expect("get")
                    .expect("entry")
                    .value()
                    .to_vec(),
            )
            .expect("utf-8");
            let forged = text.replacen("张三", "李四", 1);
            assert_ne!(text, forged);
            t.insert((key.0, key.1.as_str()), forged.as_bytes())
                .expect("insert");
        });
        let b = store.access_chain_break().expect("chain").expect("a break");
        assert_eq!(b.kind, AccessBreakKind::Edited, "{b:?}");
        assert_eq!(b.entry, "#1");
    }

    #[test]
    fn old_entries_without_a_link_are_a_valid_prefix_but_not_an_addition() {
        let (_dir, store) = store();
        let mut old = entry("old", "张三");
        old.at = "2026-11-23T01:00:00Z".parse().expect("time");
        let old_key = old.at.as_millisecond();
        tamper(&store, |t| {
            t.insert((old_key, "old"), encode(&old).expect("encode").as_slice())
                .expect("insert");
        });
        logged(&store, 3);
        assert_eq!(store.access_chain_break().expect("chain"), None);
        // One added by hand after the chain began, without a link: found.
        let mut added = entry("added", "李四");
        added.at = "2026-11-23T03:00:00Z".parse().expect("time");
        let added_key = added.at.as_millisecond();
        tamper(&store, |t| {
            t.insert(
                (added_key, "added"),
                encode(&added).expect("encode").as_slice(),
            )
            .expect("insert");
        });
        let b = store.access_chain_break().expect("chain").expect("a break");
        assert_eq!(b.kind, AccessBreakKind::Unlinked, "{b:?}");
        assert_eq!(b.entry, "added");
    }
}
