//! Files a command writes for the user (`case export --out`, `letter export --out`, `export
//! --out`): never over an existing file unless asked, never over the database or the files
//! that belong to it even then, and always whole — written to a temporary file in the same
//! directory, made durable, then given its name, so a crash leaves the old file or the new one.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::StoreError;
use super::ops::{TempFile, io_error, parent_dir, publish_file, temp_file};

/// Whether `a` and `b` name the same file (the same inode, however reached: a symbolic link,
/// a hard link, `./` or `../`). A path that does not exist names nothing.
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// The files that belong to the database at `db` and that no output may replace: the
/// database, its access log and its default key file; `extra` adds a key file kept elsewhere.
pub fn protected_files(db: &Path, extra: Option<&Path>) -> Vec<PathBuf> {
    let with = |suffix: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let mut out = vec![
        db.to_owned(),
        with(".access"),
        with(".access-gap"),
        with(".key"),
    ];
    out.extend(extra.map(Path::to_owned));
    out
}

/// A file being written for `out`: a temporary file beside it until [`Output::finish`].
pub struct Output {
    tmp: TempFile,
    file: File,
    to: PathBuf,
    force: bool,
}

impl Output {
    /// Starts writing `out`. Refused when `out` is (or leads to) one of `protected`, whatever
    /// `force` says ([`StoreError::Protected`]), and when it exists and `force` is not given
    /// ([`StoreError::AlreadyExists`]).
    pub fn begin(out: &Path, force: bool, protected: &[PathBuf]) -> Result<Output, StoreError> {
        let named = |p: &Path| {
            p == out
                || std::path::absolute(p).ok() == std::path::absolute(out).ok()
                || same_file(p, out)
        };
        if protected.iter().any(|p| named(p)) {
            return Err(StoreError::Protected(out.to_owned()));
        }
        if std::fs::symlink_metadata(out).is_ok() && !force {
            return Err(StoreError::AlreadyExists(out.to_owned()));
        }
        let (tmp, file) = temp_file(&parent_dir(out), "wardflow-out")?;
        Ok(Output {
            tmp,
            file,
            to: out.to_owned(),
            force,
        })
    }

    /// The file to write into.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Makes the content durable and gives it its name (replacing an existing file only when
    /// forced: a replaced symbolic link is replaced, never followed).
    pub fn finish(self) -> Result<(), StoreError> {
        self.file.sync_all().map_err(io_error)?;
        drop(self.file);
        publish_file(self.tmp, &self.to, self.force)
    }
}

/// Writes `bytes` to `out` through an [`Output`].
pub fn write_output(
    out: &Path,
    bytes: &[u8],
    force: bool,
    protected: &[PathBuf],
) -> Result<(), StoreError> {
    let mut output = Output::begin(out, force, protected)?;
    output.file().write_all(bytes).map_err(io_error)?;
    output.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn an_existing_file_is_kept_unless_forced_and_then_replaced_whole() {
        let dir = tempfile::tempdir().expect("dir");
        let out = dir.path().join("a.json");
        std::fs::write(&out, "old").expect("write");
        let e = write_output(&out, b"new", false, &[]).unwrap_err();
        assert!(matches!(e, StoreError::AlreadyExists(_)), "{e:?}");
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "old");
        write_output(&out, b"new", true, &[]).expect("forced");
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "new");
        assert_eq!(mode(&out), 0o600);
        let fresh = dir.path().join("b.json");
        write_output(&fresh, b"x", false, &[]).expect("fresh");
        assert_eq!(mode(&fresh), 0o600);
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 2);
    }

    #[test]
    fn the_database_and_its_files_are_never_replaced_even_forced_or_through_a_link() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("w.redb");
        std::fs::write(&db, "db").expect("db");
        std::fs::write(dir.path().join("w.redb.key"), "key").expect("key");
        let protected = protected_files(&db, None);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&db, &link).expect("symlink");
        let hard = dir.path().join("hard");
        std::fs::hard_link(&db, &hard).expect("hard link");
        let dotted = dir.path().join(".").join("w.redb");
        for target in [
            db.clone(),
            dir.path().join("w.redb.key"),
            dir.path().join("w.redb.access"),
            link,
            hard,
            dotted,
        ] {
            let e = write_output(&target, b"x", true, &protected).unwrap_err();
            assert!(matches!(e, StoreError::Protected(_)), "{target:?}: {e:?}");
        }
        assert_eq!(std::fs::read_to_string(&db).expect("db"), "db");
        assert!(!dir.path().join("w.redb.access").exists());
    }
}
