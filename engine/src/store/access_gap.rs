//! Reads on a full disk. A read appends its access entry to the side file; when the disk is
//! full that append fails, but the read must still happen (police in an emergency). The entry
//! is then counted in a small gap file beside the database, allocated in advance so that
//! overwriting it needs no new space (on file systems that overwrite in place: ext4, xfs,
//! tmpfs; a copy-on-write one such as btrfs may still refuse, and then the read fails as
//! before rather than go unrecorded). The next durable write records the gap — how many
//! entries, from when to when — in the access table, so nothing is dropped silently.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The gap file's fixed size: one short JSON object, space-padded.
const GAP_BYTES: usize = 512;

/// Access entries that could not be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Gap {
    pub count: u64,
    pub from: Timestamp,
    pub to: Timestamp,
}

/// The gap file beside the database.
pub(crate) fn gap_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".access-gap");
    PathBuf::from(name)
}

fn open(path: &Path, create: bool) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .mode(super::file_mode())
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Makes sure the gap file exists at its full size (called while there is space).
pub(crate) fn reserve(db: &Path) {
    let path = gap_file(db);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.len() >= GAP_BYTES as u64) {
        return;
    }
    if let Ok(mut file) = open(&path, true) {
        let _ = file.write_all(&[b' '; GAP_BYTES]);
        let _ = file.sync_all();
    }
}

fn read(file: &mut std::fs::File) -> Option<Gap> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    serde_json::from_slice(bytes.trim_ascii()).ok()
}

/// Writes `gap` over the reserved bytes (never past them).
fn write(file: &mut std::fs::File, gap: Option<&Gap>) -> std::io::Result<()> {
    let mut bytes = match gap {
        Some(g) => serde_json::to_vec(g).map_err(std::io::Error::other)?,
        None => Vec::new(),
    };
    if bytes.len() > GAP_BYTES {
        return Err(std::io::Error::other("gap record too long"));
    }
    bytes.resize(GAP_BYTES, b' ');
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&bytes)
}

/// Counts one entry at `at` that could not be appended; false if even that failed.
pub(crate) fn note(db: &Path, at: Timestamp) -> bool {
    let Ok(mut file) = open(&gap_file(db), false) else {
        return false;
    };
    if file.lock().is_err() {
        return false;
    }
    let gap = match read(&mut file) {
        Some(g) => Gap {
            count: g.count + 1,
            from: g.from.min(at),
            to: g.to.max(at),
        },
        None => Gap {
            count: 1,
            from: at,
            to: at,
        },
    };
    let ok = write(&mut file, Some(&gap)).is_ok();
    let _ = file.unlock();
    ok
}

/// The gap recorded so far, if any.
pub(crate) fn pending(db: &Path) -> Option<Gap> {
    let mut file = open(&gap_file(db), false).ok()?;
    read(&mut file)
}

/// Clears the gap once it is committed, unless more was counted meanwhile (then only what was
/// committed is taken off, keeping the later reads' count).
pub(crate) fn clear(db: &Path, committed: &Gap) {
    let Ok(mut file) = open(&gap_file(db), false) else {
        return;
    };
    if file.lock().is_err() {
        return;
    }
    let rest = read(&mut file).filter(|g| g != committed).map(|g| Gap {
        count: g.count.saturating_sub(committed.count),
        from: committed.to.max(g.from),
        to: g.to,
    });
    let _ = write(&mut file, rest.as_ref().filter(|g| g.count > 0));
    let _ = file.unlock();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_is_counted_in_place_and_cleared_once_committed() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("w.redb");
        let t = |s: &str| s.parse::<Timestamp>().expect("time");
        assert!(
            !note(&db, t("2026-11-23T02:00:00Z")),
            "no reserved file yet"
        );
        reserve(&db);
        assert!(note(&db, t("2026-11-23T02:00:00Z")));
        assert!(note(&db, t("2026-11-23T03:00:00Z")));
        let gap = pending(&db).expect("a gap");
        assert_eq!(
            (gap.count, gap.from, gap.to),
            (2, t("2026-11-23T02:00:00Z"), t("2026-11-23T03:00:00Z"))
        );
        assert_eq!(
            std::fs::metadata(gap_file(&db)).expect("meta").len(),
            GAP_BYTES as u64
        );
        assert!(note(&db, t("2026-11-23T04:00:00Z")));
        clear(&db, &gap);
        assert_eq!(pending(&db).map(|g| g.count), Some(1));
        let rest = pending(&db).expect("rest");
        clear(&db, &rest);
        assert_eq!(pending(&db), None);
    }
}
