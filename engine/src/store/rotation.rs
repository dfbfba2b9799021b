//! Backups kept in a directory (`wardflow backup --dir DIR --keep N`, the nightly timer):
//! each named by the instant it was taken, in UTC (`wardflow-20261123T020000Z.redb`), so the
//! names sort in the order they were taken, and the oldest beyond `keep` removed. Only files
//! named exactly so are ever removed: nothing else in the directory, not a symbolic link, not
//! a temporary file of a backup under way.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::StoreError;

/// The most backups a directory keeps (ten years of nightly copies).
pub const MAX_KEEP: usize = 3650;

/// The most directory entries looked at.
const MAX_ENTRIES: usize = 1_000_000;

const PREFIX: &str = "wardflow-";
const SUFFIX: &str = ".redb";

/// The name of a backup taken at `at`.
pub fn name(at: Timestamp) -> String {
    let utc = at.to_zoned_datetime(jiff::tz::TimeZone::UTC);
    format!("{PREFIX}{}{SUFFIX}", utc.strftime("%Y%m%dT%H%M%SZ"))
}

/// Whether `name` is a backup's name: `wardflow-YYYYMMDDTHHMMSSZ.redb`.
pub fn is_name(name: &str) -> bool {
    let Some(stamp) = name
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
    else {
        return false;
    };
    let b = stamp.as_bytes();
    b.len() == 16
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z'
}

/// Of the names in a directory, the backups to remove so that the newest `keep` remain,
/// oldest first. Other names are never among them.
pub fn expired(names: &[String], keep: usize) -> Vec<String> {
    let mut ours: Vec<&String> = names.iter().filter(|n| is_name(n)).collect();
    ours.sort();
    ours.dedup();
    let surplus = ours.len().saturating_sub(keep);
    ours.into_iter().take(surplus).cloned().collect()
}

/// Removes the backups in `dir` beyond the newest `keep` (at least one is always kept);
/// returns the files removed.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, StoreError> {
    let io = |e: std::io::Error| StoreError::Storage(format!("{}: {e}", dir.display()));
    let keep = keep.clamp(1, MAX_KEEP);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)?.take(MAX_ENTRIES) {
        let entry = entry.map_err(io)?;
        // Regular files only: a link or a directory with a backup's name is left alone.
        if !entry.file_type().map_err(io)?.is_file() {
            continue;
        }
        if let Some(name) = entry.file_name().to_str() {
            names.push(name.to_owned());
        }
    }
    let mut removed = Vec::new();
    for name in expired(&names, keep) {
        let path = dir.join(&name);
        std::fs::remove_file(&path).map_err(io)?;
        // The credentials sealed beside it (an encrypted backup's) go with it.
        let credentials = super::credentials::backup_credentials_path(&path);
        if credentials.is_file() {
            std::fs::remove_file(&credentials).map_err(io)?;
        }
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_backup_is_named_by_its_instant_in_utc() {
        let at: Timestamp = "2026-11-24T02:00:00+08:00".parse().expect("instant");
        assert_eq!(name(at), "wardflow-20261123T180000Z.redb");
        assert!(is_name(&name(at)));
        for other in [
            "wardflow-20261123T180000Z.redb.tmp",
            "wardflow-20261123T1800Z.redb",
            "wardflow-2026112XT180000Z.redb",
            "wardflow.redb",
            "wardflow-backup.abc123",
            "notes.txt",
        ] {
            assert!(!is_name(other), "{other}");
        }
    }

    #[test]
    fn the_oldest_beyond_keep_expire_and_nothing_else() {
        let names: Vec<String> = [
            "wardflow-20261103T180000Z.redb",
            "notes.txt",
            "wardflow-20261101T180000Z.redb",
            "wardflow-20261102T180000Z.redb",
            "wardflow.redb",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            expired(&names, 1),
            [
                "wardflow-20261101T180000Z.redb",
                "wardflow-20261102T180000Z.redb"
            ]
        );
        assert!(expired(&names, 3).is_empty());
    }

    #[test]
    fn prune_removes_only_old_backups_and_never_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in [
            "wardflow-20261101T180000Z.redb",
            "wardflow-20261102T180000Z.redb",
            "wardflow-20261103T180000Z.redb",
            "keep-me.redb",
        ] {
            std::fs::write(dir.path().join(name), name).expect("write");
        }
        std::os::unix::fs::symlink(
            dir.path().join("keep-me.redb"),
            dir.path().join("wardflow-20261001T180000Z.redb"),
        )
        .expect("link");
        let removed = prune(dir.path(), 2).expect("prune");
        assert_eq!(removed, [dir.path().join("wardflow-20261101T180000Z.redb")]);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "keep-me.redb",
                "wardflow-20261001T180000Z.redb",
                "wardflow-20261102T180000Z.redb",
                "wardflow-20261103T180000Z.redb"
            ]
        );
        // Zero is taken as one: the newest backup is never removed.
        prune(dir.path(), 0).expect("prune");
        assert!(dir.path().join("wardflow-20261103T180000Z.redb").exists());
        assert!(!dir.path().join("wardflow-20261102T180000Z.redb").exists());
    }

    proptest! {
        /// Whatever the directory holds, the newest `keep` backups and every other file stay,
        /// and exactly the rest of the backups go.
        #[test]
        fn rotation_keeps_the_newest_and_every_other_file(
            stamps in proptest::collection::vec((2000u32..2100, 1u32..13, 1u32..29, 0u32..24), 0..40),
            others in proptest::collection::vec("[a-z.]{1,12}", 0..5),
            keep in 0usize..50,
        ) {
            let mut names: Vec<String> = stamps
                .iter()
                .map(|(y, m, d, h)| format!("wardflow-{y:04}{m:02}{d:02}T{h:02}0000Z.redb"))
                .collect();
            names.extend(others.iter().cloned());
            let gone = expired(&names, keep);
            let mut backups: Vec<&String> = names.iter().filter(|n| is_name(n)).collect();
            backups.sort();
            backups.dedup();
            prop_assert_eq!(gone.len(), backups.len().saturating_sub(keep));
            for name in &gone {
                prop_assert!(is_name(name));
                // Every one removed is older than every one kept.
                for kept in backups.iter().skip(gone.len()) {
                    prop_assert!(name < *kept);
                }
            }
            for other in names.iter().filter(|n| !is_name(n)) {
                prop_assert!(!gone.contains(other));
            }
        }
    }
}
