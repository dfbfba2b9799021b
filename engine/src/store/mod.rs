//! The redb store: one file holding definitions, cases, their append-only events, and indexes.
//!
//! One command is one write transaction: the events, the case snapshot, the indexes and any
//! spawned cases land together or not at all. Commits are durable (fsync) before they return.

pub(crate) mod access;
mod access_gap;
pub mod credentials;
mod decoded;
pub mod dump;
pub(crate) mod external;
pub mod format;
mod group;
pub(crate) mod integrity;
pub(crate) mod letters;
pub(crate) mod lists;
pub mod migrations;
pub(crate) mod names;
mod once;
pub mod ops;
mod outbox;
pub mod output;
pub(crate) mod parallel;
pub mod published;
mod repack;
mod restore;
pub mod rotation;
mod seam;
mod timers;
mod users;
pub mod webhooks;

pub use access::{AccessBreak, AccessBreakKind, AccessEntry, AccessFilter, record_access_at};
pub use decoded::FormProblem;
pub use group::{BatchContext, Committer, Reply, Request, Submitter};
pub use integrity::{CaseChain, ChainReport, Parallel, Verdict};
pub(crate) use letters::index_key as letter_index_key;
pub use letters::{
    IssueLetter, IssuingContext, LetterCommandFailure, LetterFailure, LetterKey, LetterOutcome,
    LetterRecord, Pending,
};
pub use restore::Loss;
pub use timers::{DeadlineView, Fired, TickReport, tick_on};
pub use users::{RegistryError, RegistryRule, StoredUnits, StoredUser};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use redb::{
    Database, ReadOnlyDatabase, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition,
    WriteTransaction,
};

use crate::app::act;
use crate::app::backend::Backend;
use crate::case::{Case, CaseId, Event};
use crate::definition::{self, Definition, VersionHash};
use crate::step::{Clock, Command, Open, Outcome, StepError};
use format::{StoredDefinition, StoredEvent, StoredMeta, decode, decode_case, encode, encode_case};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const DEFINITIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("definitions");
/// (workflow, version number) -> content hash.
const VERSIONS: TableDefinition<(&str, u32), &str> = TableDefinition::new("versions");
pub(crate) const CASES: TableDefinition<&str, &[u8]> = TableDefinition::new("cases");
/// (case id, seq) -> event. Only ever appended to.
pub(crate) const EVENTS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("events");
/// (workflow, state, case id).
const BY_STATE: TableDefinition<(&str, &str, &str), ()> = TableDefinition::new("by_state");
/// (due, in milliseconds since the epoch; case id; deadline name).
/// (next firing in ms since the epoch, case id, deadline name): what the timer runner reads.
/// A deadline sits here under its reminder time, then its due time; a breached one moves to
/// `OVERDUE`, so a tick's cost follows what is due, not how many cases there are.
const TIMERS: TableDefinition<(i64, &str, &str), ()> = TableDefinition::new("timers");
/// (due in ms, case id, deadline name) of breached deadlines still open.
const OVERDUE: TableDefinition<(i64, &str, &str), ()> = TableDefinition::new("overdue");
/// (case id, deadline name) of deadlines counted past the holiday data (provisional).
const PROVISIONAL: TableDefinition<(&str, &str), ()> = TableDefinition::new("provisional");
/// How many cases one runner transaction handles.
const TICK_BATCH: usize = 64;
const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
/// (child identity, case id): every case of one child, across workflows.
const BY_CHILD: TableDefinition<(&str, &str), ()> = TableDefinition::new("by_child");

/// The case fields that identify a child across cases: the identity number, or a registry id
/// given to a child of unknown identity (set later through `case amend` links the cases).
pub const CHILD_IDENTITY_FIELDS: [&str; 2] = ["child.id_number", "child.registry_id"];

fn child_identities(case: &Case) -> Vec<&str> {
    CHILD_IDENTITY_FIELDS
        .iter()
        .filter_map(|f| case.data.get(*f).and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
        .collect()
}

const META_KEY: &str = "wardflow";
/// Page cache of a read-only open, in bytes.
pub(crate) const READ_CACHE: usize = 4 << 20;
const REDB_MAGIC: &[u8] = b"redb";

/// A storage failure or a missing thing in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no database at {0}")]
    Missing(PathBuf),
    #[error("{0} already exists")]
    AlreadyExists(PathBuf),
    /// An output named the database or a file that belongs to it (its key, its access log).
    #[error("{0} is the database or one of its files")]
    Protected(PathBuf),
    #[error("{0} is not a wardflow database")]
    NotADatabase(PathBuf),
    #[error("the database is busy (another wardflow command holds it)")]
    Busy { waited: Duration },
    #[error("storage failure: {0}")]
    Storage(String),
    #[error("a stored record is unreadable: {0}")]
    Corrupt(String),
    #[error("the database is read-only")]
    ReadOnly,
    /// What this kind of database does not do (`wardflow backup` of a PostgreSQL database:
    /// PostgreSQL's own tools copy it).
    #[error("{0} is not available on a PostgreSQL database (use PostgreSQL's own tools)")]
    Unsupported(&'static str),
    /// The database is older than this build's format: `wardflow db migrate` brings it up.
    #[error(
        "the database is at stored format {found}, this build writes {current}: run `wardflow db migrate`"
    )]
    NeedsMigration { found: u32, current: u32 },
    /// The database was made or migrated by a newer wardflow.
    #[error(
        "the database is at stored format {found}, made by a newer wardflow (this build knows {known})"
    )]
    TooNew { found: u32, known: u32 },
    /// The last writer did not close the file; a writable open repairs it.
    #[error(
        "the database was not closed cleanly and needs a repair, which a read-only open cannot do"
    )]
    NeedsRepair,
}

/// Durable commits of a command's changes made by this process so far.
static COMMITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub(crate) fn note_commit() {
    COMMITS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// Whether this process has durably committed a change (a new database, an act, an import):
/// a front end whose output then fails must say the command was done, so it is not retried.
pub fn committed_in_this_process() -> bool {
    COMMITS.load(std::sync::atomic::Ordering::SeqCst) > 0
}

/// The environment variable that makes the files a database is made of (the database, its
/// access log, backups, exports and scratch copies) group-readable: `1` creates them 0640.
pub const GROUP_READABLE_VAR: &str = "WARDFLOW_GROUP_READABLE";

/// The mode new files are created with: 0600 (the owner only), or 0640 when the deployment
/// sets `WARDFLOW_GROUP_READABLE=1` (a backup or audit account in the owner's group). The
/// office's private key is never group-readable, whatever this says.
pub fn file_mode() -> u32 {
    match std::env::var(GROUP_READABLE_VAR) {
        Ok(v) if v == "1" => 0o640,
        _ => 0o600,
    }
}

fn storage<E: Into<redb::Error>>(e: E) -> StoreError {
    match e.into() {
        redb::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            StoreError::ReadOnly
        }
        redb::Error::Io(io) if io.raw_os_error() == Some(30) => StoreError::ReadOnly,
        redb::Error::Corrupted(msg) => StoreError::Corrupt(msg),
        other => StoreError::Storage(other.to_string()),
    }
}

fn corrupt<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Everything that can stop a command against the store.
#[derive(Debug, thiserror::Error)]
pub enum CommandFailure {
    #[error(transparent)]
    Step(StepError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no case {0}")]
    UnknownCase(CaseId),
    #[error("no published workflow {0}")]
    UnknownWorkflow(String),
    /// `--expect-seq` named another version of the case than the stored one.
    #[error("case {case} is at event {actual}, not {expected}")]
    Stale {
        case: CaseId,
        expected: u32,
        actual: u32,
    },
    /// A spawned case could not be opened.
    #[error("spawned {workflow}: {error}")]
    Spawn {
        workflow: String,
        error: Box<StepError>,
    },
}

impl From<StepError> for CommandFailure {
    fn from(e: StepError) -> Self {
        CommandFailure::Step(e)
    }
}

/// A published version of a workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub number: u32,
    pub hash: VersionHash,
    pub stored: StoredDefinition,
}

/// What publishing one file did.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub workflow: String,
    pub hash: VersionHash,
    pub number: u32,
    /// False when the same content was already published.
    pub new: bool,
}

/// The result of a command that changed a case.
#[derive(Debug, Clone)]
pub struct Applied {
    pub outcome: Outcome,
    /// Cases opened by this command's spawns, with their workflow.
    pub spawned: Vec<Case>,
    /// The letters the act called for: issued with it, or waiting and why.
    pub letters: Vec<LetterOutcome>,
}

/// Filters for listing cases.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub workflow: Option<String>,
    pub state: Option<String>,
    /// A child's identity number or registry id.
    pub child: Option<String>,
    /// Only cases whose id sorts after this one (a page's cursor); the cases then come in the
    /// order of their ids, whatever the other filters.
    pub after: Option<String>,
    /// Visit the cases in the order of their ids (paging): a workflow without a state is then
    /// read from the cases themselves rather than its state index, which sorts by state.
    pub by_id: bool,
}

enum Handle {
    Write(Database),
    Read(ReadOnlyDatabase),
}

/// An open wardflow database.
pub struct Store {
    handle: Handle,
    path: PathBuf,
    meta: StoredMeta,
    definitions: Mutex<BTreeMap<VersionHash, Arc<Definition>>>,
    /// The dictionary of names as far as this process has read it (format 10).
    names: names::Names,
    /// redb had to repair the file when it was opened (the last writer did not close it).
    repaired: bool,
}

fn wait_for<T>(
    timeout: Duration,
    mut attempt: impl FnMut() -> Result<T, redb::DatabaseError>,
) -> Result<T, StoreError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match attempt() {
            Ok(v) => return Ok(v),
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                if started.elapsed() >= timeout {
                    return Err(StoreError::Busy {
                        waited: started.elapsed(),
                    });
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(redb::DatabaseError::RepairAborted) => return Err(StoreError::NeedsRepair),
            Err(e) => return Err(storage(e)),
        }
    }
}

fn check_magic(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut head = [0u8; 4];
    let mut file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::Missing(path.to_owned()),
        std::io::ErrorKind::PermissionDenied => StoreError::ReadOnly,
        _ => StoreError::Storage(e.to_string()),
    })?;
    if file.read_exact(&mut head).is_err() || head != REDB_MAGIC {
        return Err(StoreError::NotADatabase(path.to_owned()));
    }
    Ok(())
}

impl Store {
    /// Creates a new standard database; refuses to touch an existing file.
    pub fn create(
        path: &Path,
        simulation: bool,
        profile: Option<crate::profile::Profile>,
        now: Timestamp,
    ) -> Result<Store, StoreError> {
        Store::create_as(
            path,
            simulation,
            profile,
            crate::crypto::Profile::Standard,
            now,
        )
    }

    /// Creates a new database of the cryptographic profile `crypto`; refuses to touch an
    /// existing file.
    pub fn create_as(
        path: &Path,
        simulation: bool,
        profile: Option<crate::profile::Profile>,
        crypto: crate::crypto::Profile,
        now: Timestamp,
    ) -> Result<Store, StoreError> {
        // create_new is the atomic "does not exist yet" check; redb then takes the empty file.
        // Only the owner may read the database unless the deployment asks for group access
        // (WARDFLOW_GROUP_READABLE=1, see [`file_mode`]).
        match std::os::unix::fs::OpenOptionsExt::mode(
            std::fs::OpenOptions::new().write(true).create_new(true),
            file_mode(),
        )
        .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::AlreadyExists(path.to_owned()));
            }
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(StoreError::ReadOnly);
            }
            Err(e) => return Err(StoreError::Storage(e.to_string())),
        }
        // Reads logged beside a database of the same name that is gone are not this one's;
        // nor are its passwords and tokens (a token of a user of the old database must not
        // let anyone into the new one).
        let _ = std::fs::remove_file(access::side_file(path));
        let _ = std::fs::remove_file(credentials::credentials_path(path));
        let result = (|| {
            let db = Database::builder().create(path).map_err(storage)?;
            let meta = StoredMeta {
                created_at: now,
                simulation,
                profile,
                copy_of_real: false,
                format: migrations::CURRENT,
                crypto,
            };
            let tx = db.begin_write().map_err(storage)?;
            {
                tx.open_table(META)
                    .map_err(storage)?
                    .insert(META_KEY, encode(&meta).map_err(corrupt)?.as_slice())
                    .map_err(storage)?;
                tx.open_table(DEFINITIONS).map_err(storage)?;
                tx.open_table(VERSIONS).map_err(storage)?;
                tx.open_table(CASES).map_err(storage)?;
                tx.open_table(EVENTS).map_err(storage)?;
                tx.open_table(BY_STATE).map_err(storage)?;
                tx.open_table(TIMERS).map_err(storage)?;
                tx.open_table(OVERDUE).map_err(storage)?;
                tx.open_table(PROVISIONAL).map_err(storage)?;
                tx.open_table(COUNTERS).map_err(storage)?;
                tx.open_table(BY_CHILD).map_err(storage)?;
                tx.open_table(lists::BY_UNIT).map_err(storage)?;
                tx.open_table(lists::BY_OFFICER).map_err(storage)?;
                tx.open_table(lists::BY_OPENED).map_err(storage)?;
                published::create_tables(&tx)?;
                // The writer opens a table when a command first uses it, so the tables every
                // database has are made here, not by its first write.
                tx.open_table(letters::LETTERS).map_err(storage)?;
                tx.open_table(letters::LETTER_INDEX).map_err(storage)?;
                tx.open_table(letters::LETTERS_BY_CASE).map_err(storage)?;
                tx.open_table(users::USERS).map_err(storage)?;
                tx.open_table(users::UNITS).map_err(storage)?;
                once::create_tables(&tx)?;
                external::create_tables(&tx)?;
                outbox::create_tables(&tx)?;
                tx.open_table(names::NAMES).map_err(storage)?;
            }
            tx.commit().map_err(storage)?;
            note_commit();
            Ok(Store {
                handle: Handle::Write(db),
                path: path.to_owned(),
                meta,
                definitions: Mutex::default(),
                names: names::Names::default(),
                repaired: false,
            })
        })();
        if result.is_err() {
            // Leave no half-made database behind.
            let _ = std::fs::remove_file(path);
        }
        result
    }

    /// Opens an existing database for writing, waiting up to `lock_timeout` for other commands.
    /// A database at an older stored format is refused until `wardflow db migrate`; one made
    /// by a newer wardflow always is.
    pub fn open(path: &Path, lock_timeout: Duration) -> Result<Store, StoreError> {
        let store = Self::open_for_migration(path, lock_timeout)?;
        migrations::admit(store.meta.format, true)?;
        Ok(store)
    }

    /// Opens an existing database for writing whatever its stored format (`db migrate`, and
    /// the repair a read-only open needs); a newer one is still refused.
    pub fn open_for_migration(path: &Path, lock_timeout: Duration) -> Result<Store, StoreError> {
        check_magic(path)?;
        // redb repairs a file its last writer did not close (a crash, a power cut) while
        // opening it; the callback only notes that it did, so the user can be told.
        let repaired = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let db = wait_for(lock_timeout, || {
            let flag = repaired.clone();
            Database::builder()
                .set_repair_callback(move |_| {
                    flag.store(true, std::sync::atomic::Ordering::Relaxed)
                })
                .open(path)
        })?;
        let mut store = Self::with_handle(Handle::Write(db), path)?;
        store.repaired = repaired.load(std::sync::atomic::Ordering::Relaxed);
        Ok(store)
    }

    /// True when redb repaired the file on opening it: the last writer did not close it
    /// (committed transactions are kept; one in flight is rolled back).
    pub fn repaired_on_open(&self) -> bool {
        self.repaired
    }

    /// Opens an existing database for reading; readers share the file with each other.
    pub fn open_read(path: &Path, lock_timeout: Duration) -> Result<Store, StoreError> {
        check_magic(path)?;
        // A bounded page cache: a command that scans every case (`case list`) must run in
        // the same memory at a million cases as at ten thousand.
        let mut repaired = false;
        let db = match wait_for(lock_timeout, || {
            redb::Builder::new()
                .set_cache_size(READ_CACHE)
                .open_read_only(path)
        }) {
            Ok(db) => db,
            // A read-only open refuses a file that needs repair; a writable open repairs it
            // (keeping every committed transaction), then the read goes ahead.
            Err(StoreError::NeedsRepair) => {
                repaired = Self::open_for_migration(path, lock_timeout)?.repaired_on_open();
                wait_for(lock_timeout, || {
                    redb::Builder::new()
                        .set_cache_size(READ_CACHE)
                        .open_read_only(path)
                })?
            }
            Err(e) => return Err(e),
        };
        let mut store = Self::with_handle(Handle::Read(db), path)?;
        store.repaired = repaired;
        Ok(store)
    }

    fn with_handle(handle: Handle, path: &Path) -> Result<Store, StoreError> {
        let mut store = Store {
            handle,
            path: path.to_owned(),
            meta: StoredMeta {
                created_at: Timestamp::UNIX_EPOCH,
                simulation: false,
                profile: None,
                copy_of_real: false,
                format: 0,
                crypto: crate::crypto::Profile::Standard,
            },
            definitions: Mutex::default(),
            names: names::Names::default(),
            repaired: false,
        };
        let tx = store.read()?;
        let table = tx
            .open_table(META)
            .map_err(|_| StoreError::NotADatabase(path.to_owned()))?;
        let bytes = table
            .get(META_KEY)
            .map_err(storage)?
            .ok_or_else(|| StoreError::NotADatabase(path.to_owned()))?;
        store.meta = decode(bytes.value()).map_err(corrupt)?;
        migrations::admit(store.meta.format, false)?;
        drop(bytes);
        drop(table);
        drop(tx);
        Ok(store)
    }

    /// The database's own facts (simulation or real, when made).
    pub fn meta(&self) -> &StoredMeta {
        &self.meta
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A read transaction, with the dictionary of names caught up with it, so that
    /// [`Store::names`] can read every record the transaction sees.
    fn read(&self) -> Result<ReadTransaction, StoreError> {
        let tx = match &self.handle {
            Handle::Write(db) => db.begin_read().map_err(storage)?,
            Handle::Read(db) => db.begin_read().map_err(storage)?,
        };
        self.names.in_read(&tx)?;
        Ok(tx)
    }

    /// The dictionary of names as far as this process has read it: every name of a record
    /// read in a transaction begun by [`Store::read`] (names are never taken back).
    pub(crate) fn names(&self) -> Arc<names::Dictionary> {
        self.names.current()
    }

    /// Gives the file's free space back to the disk, after work that rewrote or loaded much
    /// (`db migrate` of steps 9 and 10, `import`) and whenever an administrator runs `db
    /// compact`: the tables that grow with every case are first rewritten in key order
    /// (`repack.rs`: full leaves), then redb's compaction moves pages down and cuts the free
    /// tail off. Nothing may be reading or writing the database meanwhile, which the exclusive
    /// open ensures. Whether the file shrank.
    pub fn compact(&mut self) -> Result<bool, StoreError> {
        match &mut self.handle {
            Handle::Write(db) => {
                repack::repack(db, EVENTS)?;
                repack::repack(db, CASES)?;
                repack::repack(db, outbox::OUTBOX)?;
                repack::repack(db, BY_STATE)?;
                repack::repack(db, BY_CHILD)?;
                repack::repack(db, lists::BY_UNIT)?;
                repack::repack(db, lists::BY_OFFICER)?;
                repack::repack(db, lists::BY_OPENED)?;
                let mut shrank = false;
                // Each pass moves what it can; redb says when nothing more would move.
                while db
                    .compact()
                    .map_err(|e| StoreError::Storage(e.to_string()))?
                {
                    shrank = true;
                }
                Ok(shrank)
            }
            Handle::Read(_) => Err(StoreError::ReadOnly),
        }
    }

    fn write(&self) -> Result<WriteTransaction, StoreError> {
        match &self.handle {
            Handle::Write(db) => db.begin_write().map_err(storage),
            Handle::Read(_) => Err(StoreError::ReadOnly),
        }
    }

    // ----- definitions -----

    /// Publishes checked definitions (with their source) in one transaction.
    pub fn publish(
        &self,
        files: &[(String, Vec<u8>, Definition)],
        by: &str,
        now: Timestamp,
    ) -> Result<Vec<Published>, StoreError> {
        let tx = self.write()?;
        let mut out = Vec::new();
        {
            let mut defs = tx.open_table(DEFINITIONS).map_err(storage)?;
            let mut versions = tx.open_table(VERSIONS).map_err(storage)?;
            let mut forms = tx.open_table(decoded::DECODED).map_err(storage)?;
            for (file, source, def) in files {
                let hash = VersionHash::of(source);
                // What `def` was checked from is `source`: its decoded form, this build's.
                decoded::write(&mut forms, hash.0.as_str(), def)?;
                let latest = versions
                    .range((def.key.as_str(), 0)..=(def.key.as_str(), u32::MAX))
                    .map_err(storage)?
                    .next_back()
                    .transpose()
                    .map_err(storage)?
                    .map(|(k, v)| (k.value().1, v.value().to_owned()));
                if let Some((number, latest_hash)) = &latest
                    && latest_hash == &hash.0
                {
                    out.push(Published {
                        workflow: def.key.clone(),
                        hash,
                        number: *number,
                        new: false,
                    });
                    continue;
                }
                let number = latest.map_or(1, |(n, _)| n + 1);
                let stored = StoredDefinition {
                    workflow: def.key.clone(),
                    title: def.title.clone(),
                    source: String::from_utf8_lossy(source).into_owned(),
                    file: file.clone(),
                    published_by: by.to_owned(),
                    published_at: now,
                    number,
                };
                defs.insert(
                    hash.0.as_str(),
                    encode(&stored).map_err(corrupt)?.as_slice(),
                )
                .map_err(storage)?;
                versions
                    .insert((def.key.as_str(), number), hash.0.as_str())
                    .map_err(storage)?;
                out.push(Published {
                    workflow: def.key.clone(),
                    hash,
                    number,
                    new: true,
                });
            }
        }
        self.commit(tx)?;
        Ok(out)
    }

    /// Every version of every workflow, oldest first within each workflow.
    pub fn versions(&self) -> Result<BTreeMap<String, Vec<Version>>, StoreError> {
        let tx = self.read()?;
        let versions = tx.open_table(VERSIONS).map_err(storage)?;
        let defs = tx.open_table(DEFINITIONS).map_err(storage)?;
        let mut out: BTreeMap<String, Vec<Version>> = BTreeMap::new();
        for entry in versions.iter().map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            let (workflow, number) = k.value();
            let hash = VersionHash(v.value().to_owned());
            let bytes = defs
                .get(hash.0.as_str())
                .map_err(storage)?
                .ok_or_else(|| StoreError::Corrupt(format!("definition {hash} is missing")))?;
            let stored: StoredDefinition = decode(bytes.value()).map_err(corrupt)?;
            out.entry(workflow.to_owned()).or_default().push(Version {
                number,
                hash,
                stored,
            });
        }
        Ok(out)
    }

    /// The latest published version of a workflow.
    pub fn latest(
        &self,
        workflow: &str,
    ) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError> {
        let tx = self.read()?;
        latest_in(&tx.open_table(VERSIONS).map_err(storage)?, workflow)?
            .map(|hash| {
                Ok((
                    hash.clone(),
                    self.definition_in(
                        &tx.open_table(DEFINITIONS).map_err(storage)?,
                        |h| decoded::read(&tx.open_table(decoded::DECODED).ok()?, h),
                        &hash,
                    )?,
                ))
            })
            .transpose()
    }

    /// The number (1, 2, 3 …) of a published version of a workflow.
    pub fn version_number(
        &self,
        workflow: &str,
        hash: &VersionHash,
    ) -> Result<Option<u32>, StoreError> {
        let tx = self.read()?;
        let versions = tx.open_table(VERSIONS).map_err(storage)?;
        for entry in versions
            .range((workflow, 0)..=(workflow, u32::MAX))
            .map_err(storage)?
        {
            let (k, v) = entry.map_err(storage)?;
            if v.value() == hash.0 {
                return Ok(Some(k.value().1));
            }
        }
        Ok(None)
    }

    /// All latest definitions (for cross-checking links when publishing).
    pub fn latest_definitions(&self) -> Result<Vec<Arc<Definition>>, StoreError> {
        let mut out = Vec::new();
        for workflow in self.versions()?.keys() {
            if let Some((_, def)) = self.latest(workflow)? {
                out.push(def);
            }
        }
        Ok(out)
    }

    /// A published definition by its hash (cached for the life of the store).
    pub fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError> {
        let tx = self.read()?;
        self.definition_in(
            &tx.open_table(DEFINITIONS).map_err(storage)?,
            |h| decoded::read(&tx.open_table(decoded::DECODED).ok()?, h),
            hash,
        )
    }

    /// A published definition: from this store's memory, else its decoded form (`decoded`
    /// reads it: no table, no entry or a form of another build is `None`), else its source.
    fn definition_in(
        &self,
        table: &impl ReadableTable<&'static str, &'static [u8]>,
        decoded: impl FnOnce(&str) -> Option<Definition>,
        hash: &VersionHash,
    ) -> Result<Arc<Definition>, StoreError> {
        if let Some(def) = self
            .definitions
            .lock()
            .ok()
            .and_then(|c| c.get(hash).cloned())
        {
            return Ok(def);
        }
        if let Some(def) = decoded(hash.0.as_str()) {
            let def = Arc::new(def);
            if let Ok(mut cache) = self.definitions.lock() {
                cache.insert(hash.clone(), def.clone());
            }
            return Ok(def);
        }
        let bytes = table
            .get(hash.0.as_str())
            .map_err(storage)?
            .ok_or_else(|| StoreError::Corrupt(format!("definition {hash} is missing")))?;
        let stored: StoredDefinition = decode(bytes.value()).map_err(corrupt)?;
        let def =
            definition::load_published(&stored.file, stored.source.as_bytes()).map_err(|d| {
                StoreError::Corrupt(format!(
                    "published definition {} no longer loads: {} problem(s)",
                    stored.workflow,
                    d.problems.len()
                ))
            })?;
        let def = Arc::new(def);
        if let Ok(mut cache) = self.definitions.lock() {
            cache.insert(hash.clone(), def.clone());
        }
        Ok(def)
    }

    // ----- cases -----

    /// A case by id.
    pub fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        let tx = self.read()?;
        let cases = tx.open_table(CASES).map_err(storage)?;
        match cases.get(id.as_str()).map_err(storage)? {
            Some(bytes) => match decode_case(bytes.value(), &*self.names()) {
                Ok(case) => Ok(Some(case)),
                // The snapshot is a cache: rebuild it from the truth.
                Err(_) => {
                    let events = self.history(id)?;
                    Case::replay(id, &events).map(Some).map_err(corrupt)
                }
            },
            None => Ok(None),
        }
    }

    /// A case's whole history, in order.
    pub fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError> {
        let tx = self.read()?;
        let events = tx.open_table(EVENTS).map_err(storage)?;
        let names = self.names();
        let mut out = Vec::new();
        let mut history = format::History::new();
        for entry in events
            .range((id.as_str(), 0)..=(id.as_str(), u32::MAX))
            .map_err(storage)?
        {
            let (_, v) = entry.map_err(storage)?;
            let stored = history.next(v.value(), &*names).map_err(corrupt)?;
            out.push(Event::try_from(stored).map_err(corrupt)?);
        }
        Ok(out)
    }

    /// Visits cases matching `filter` one at a time (constant memory); stop by returning false.
    pub fn each_case(
        &self,
        filter: &CaseFilter,
        mut visit: impl FnMut(Case) -> bool,
    ) -> Result<(), StoreError> {
        let tx = self.read()?;
        let names = self.names();
        let cases = tx.open_table(CASES).map_err(storage)?;
        let load = |id: &str| -> Result<Option<Case>, StoreError> {
            match cases.get(id).map_err(storage)? {
                Some(bytes) => Ok(Some(decode_case(bytes.value(), &*names).map_err(corrupt)?)),
                None => Ok(None),
            }
        };
        let after = filter.after.as_deref().unwrap_or("");
        // Past the cursor: ids sort as text (`2026-000010` after `2026-000009`).
        let past = |id: &str| filter.after.is_none() || id > after;
        let wanted = |case: &Case| {
            filter.workflow.as_ref().is_none_or(|w| w == &case.workflow)
                && filter.state.as_ref().is_none_or(|s| s == &case.state)
        };
        if let Some(child) = &filter.child {
            let by_child = tx.open_table(BY_CHILD).map_err(storage)?;
            for entry in by_child
                .range((child.as_str(), after)..(child.as_str(), "\u{10ffff}"))
                .map_err(storage)?
            {
                let (k, _) = entry.map_err(storage)?;
                if !past(k.value().1) {
                    continue;
                }
                let Some(case) = load(k.value().1)? else {
                    continue;
                };
                if !wanted(&case) {
                    continue;
                }
                if !visit(case) {
                    break;
                }
            }
            return Ok(());
        }
        let by_state = match (&filter.workflow, &filter.state) {
            (Some(w), Some(s)) => Some((w.as_str(), Some(s.as_str()))),
            (Some(w), None) if !filter.by_id && filter.after.is_none() => Some((w.as_str(), None)),
            _ => None,
        };
        if let Some((workflow, state)) = by_state {
            let index = tx.open_table(BY_STATE).map_err(storage)?;
            let range = match state {
                Some(state) => {
                    index.range((workflow, state, after)..(workflow, state, "\u{10ffff}"))
                }
                None => index.range((workflow, "", "")..(workflow, "\u{10ffff}", "")),
            }
            .map_err(storage)?;
            for entry in range {
                let (k, _) = entry.map_err(storage)?;
                if !past(k.value().2) {
                    continue;
                }
                if let Some(case) = load(k.value().2)?
                    && !visit(case)
                {
                    break;
                }
            }
            return Ok(());
        }
        for entry in cases.range(after..).map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            if !past(k.value()) {
                continue;
            }
            let case: Case = decode_case(v.value(), &*names).map_err(corrupt)?;
            if !wanted(&case) {
                continue;
            }
            if !visit(case) {
                break;
            }
        }
        Ok(())
    }

    /// Opens a new case of the latest version of `workflow`, unchecked: for tools that act
    /// for the office itself (benchmarks, the crash harness). Front ends go through
    /// [`crate::app::Office`], which authorises the caller first.
    pub fn open_case(
        &self,
        workflow: &str,
        command: Open,
        clock: &Clock,
        issuing: Option<&IssuingContext<'_>>,
    ) -> Result<Applied, CommandFailure> {
        self.transaction(|tx| act::open(tx, workflow, command.clone(), clock, issuing))
    }

    /// Opens many cases of the latest version of `workflow` in one transaction (imports and
    /// benchmarks): all of them or none.
    pub fn open_cases(
        &self,
        workflow: &str,
        commands: impl IntoIterator<Item = Open>,
        clock: &Clock,
    ) -> Result<Vec<CaseId>, CommandFailure> {
        let commands: Vec<Open> = commands.into_iter().collect();
        self.transaction(|tx| {
            commands
                .iter()
                .map(|command| {
                    act::open(tx, workflow, command.clone(), clock, None).map(|a| a.outcome.case.id)
                })
                .collect()
        })
    }

    /// Applies a command to a case, with any spawned cases, in one transaction, unchecked
    /// (see [`Store::open_case`]).
    pub fn apply(
        &self,
        id: &CaseId,
        command: Command,
        expect_seq: Option<u32>,
        clock: &Clock,
        profile: Option<&crate::profile::Profile>,
        issuing: Option<&IssuingContext<'_>>,
    ) -> Result<Applied, CommandFailure> {
        self.transaction(|tx| {
            act::apply(
                tx,
                id,
                command.clone(),
                expect_seq,
                clock,
                profile,
                issuing,
                None,
            )
        })
    }
}

fn latest_in(
    versions: &impl ReadableTable<(&'static str, u32), &'static str>,
    workflow: &str,
) -> Result<Option<VersionHash>, StoreError> {
    Ok(versions
        .range((workflow, 0)..=(workflow, u32::MAX))
        .map_err(storage)?
        .next_back()
        .transpose()
        .map_err(storage)?
        .map(|(_, v)| VersionHash(v.value().to_owned())))
}

/// A table of one write transaction, opened the first time the transaction uses it. A step
/// touches six to nine of the writer's twenty-three tables; opening every one of them cost a
/// lookup in redb's table tree on opening, another on closing and a third at commit, about a
/// third of a step's instructions (docs/performance.md, "The serial step").
struct Lazy<'t, K: redb::Key + 'static, V: redb::Value + 'static> {
    definition: TableDefinition<'static, K, V>,
    table: std::cell::OnceCell<redb::Table<'t, K, V>>,
}

/// A write transaction's dictionary of names ([`names::TxNames`]), read when a record first
/// needs it, like the tables.
#[derive(Default)]
struct LazyNames<'t>(std::cell::OnceCell<names::TxNames<'t>>);

impl<'t> LazyNames<'t> {
    fn get(
        &self,
        tx: &'t WriteTransaction,
        store: &Store,
    ) -> Result<&names::TxNames<'t>, StoreError> {
        if let Some(names) = self.0.get() {
            return Ok(names);
        }
        let names = names::TxNames::open(tx, &store.names)?;
        Ok(self.0.get_or_init(|| names))
    }

    fn get_mut(
        &mut self,
        tx: &'t WriteTransaction,
        store: &Store,
    ) -> Result<&mut names::TxNames<'t>, StoreError> {
        if self.0.get().is_none() {
            let names = names::TxNames::open(tx, &store.names)?;
            // Empty a moment ago, and only this `&mut` reaches it: the set cannot fail.
            let _ = self.0.set(names);
        }
        self.0
            .get_mut()
            .ok_or_else(|| StoreError::Storage("the dictionary of names did not open".into()))
    }
}

impl<'t, K: redb::Key + 'static, V: redb::Value + 'static> Lazy<'t, K, V> {
    fn new(definition: TableDefinition<'static, K, V>) -> Self {
        Lazy {
            definition,
            table: std::cell::OnceCell::new(),
        }
    }

    /// The table, opened (and created, in a database that lacks it) on first use.
    fn get(&self, tx: &'t WriteTransaction) -> Result<&redb::Table<'t, K, V>, StoreError> {
        if let Some(table) = self.table.get() {
            return Ok(table);
        }
        let table = tx.open_table(self.definition).map_err(storage)?;
        Ok(self.table.get_or_init(|| table))
    }

    /// The table for writing, opened on first use.
    fn get_mut(
        &mut self,
        tx: &'t WriteTransaction,
    ) -> Result<&mut redb::Table<'t, K, V>, StoreError> {
        if self.table.get().is_none() {
            let table = tx.open_table(self.definition).map_err(storage)?;
            // Empty a moment ago, and only this `&mut` reaches it: the set cannot fail.
            let _ = self.table.set(table);
        }
        self.table.get_mut().ok_or_else(|| {
            StoreError::Storage(format!(
                "table {} did not open",
                redb::TableHandle::name(&self.definition)
            ))
        })
    }
}

/// The tables of one write transaction, each opened when first used.
struct Writer<'t> {
    tx: &'t WriteTransaction,
    store: &'t Store,
    definitions: Lazy<'t, &'static str, &'static [u8]>,
    decoded: Lazy<'t, &'static str, &'static [u8]>,
    versions: Lazy<'t, (&'static str, u32), &'static str>,
    cases: Lazy<'t, &'static str, &'static [u8]>,
    events: Lazy<'t, (&'static str, u32), &'static [u8]>,
    by_state: Lazy<'t, (&'static str, &'static str, &'static str), ()>,
    timers: Lazy<'t, (i64, &'static str, &'static str), ()>,
    overdue: Lazy<'t, (i64, &'static str, &'static str), ()>,
    provisional: Lazy<'t, (&'static str, &'static str), ()>,
    by_child: Lazy<'t, (&'static str, &'static str), ()>,
    by_unit: Lazy<'t, (&'static str, &'static str), ()>,
    by_officer: Lazy<'t, (&'static str, &'static str), ()>,
    by_opened: Lazy<'t, (i64, &'static str), ()>,
    counters: Lazy<'t, &'static str, u64>,
    letters: Lazy<'t, &'static str, &'static [u8]>,
    letter_index: Lazy<'t, &'static str, &'static str>,
    letters_by_case: Lazy<'t, (&'static str, &'static str), ()>,
    users: Lazy<'t, &'static str, &'static [u8]>,
    units: Lazy<'t, &'static str, &'static [u8]>,
    published: Lazy<'t, (&'static str, &'static str, u32), &'static [u8]>,
    keys: Lazy<'t, (&'static str, &'static str), &'static [u8]>,
    keys_by_expiry: Lazy<'t, (i64, &'static str, &'static str), ()>,
    external: Lazy<'t, (&'static str, &'static str, &'static str), &'static str>,
    outbox: Lazy<'t, u64, &'static [u8]>,
    /// The dictionary of names, with what this transaction numbers (read on first use).
    names: LazyNames<'t>,
    /// Bumped by every write, so a batch can tell a command that failed before writing.
    writes: u64,
}

impl<'t> Writer<'t> {
    fn new(tx: &'t WriteTransaction, store: &'t Store) -> Self {
        Writer {
            tx,
            store,
            definitions: Lazy::new(DEFINITIONS),
            decoded: Lazy::new(decoded::DECODED),
            versions: Lazy::new(VERSIONS),
            cases: Lazy::new(CASES),
            events: Lazy::new(EVENTS),
            by_state: Lazy::new(BY_STATE),
            timers: Lazy::new(TIMERS),
            overdue: Lazy::new(OVERDUE),
            provisional: Lazy::new(PROVISIONAL),
            by_child: Lazy::new(BY_CHILD),
            by_unit: Lazy::new(lists::BY_UNIT),
            by_officer: Lazy::new(lists::BY_OFFICER),
            by_opened: Lazy::new(lists::BY_OPENED),
            counters: Lazy::new(COUNTERS),
            letters: Lazy::new(letters::LETTERS),
            letter_index: Lazy::new(letters::LETTER_INDEX),
            letters_by_case: Lazy::new(letters::LETTERS_BY_CASE),
            users: Lazy::new(users::USERS),
            units: Lazy::new(users::UNITS),
            published: Lazy::new(published::PUBLISHED),
            keys: Lazy::new(once::KEYS),
            keys_by_expiry: Lazy::new(once::KEYS_BY_EXPIRY),
            external: Lazy::new(external::EXTERNAL),
            outbox: Lazy::new(outbox::OUTBOX),
            names: LazyNames::default(),
            writes: 0,
        }
    }

    /// Appends events and refreshes the case's snapshot and indexes: the one place where
    /// history is written.
    fn save_case(
        &mut self,
        case: &Case,
        events: &crate::case::Chained,
        before: Option<&Case>,
    ) -> Result<(), StoreError> {
        let id = case.id.as_str();
        self.writes += 1;
        // Every event comes with the hash its fold computed (`Chained`: the hash of exactly
        // the event beside it, chained onto the one before). What is checked here is that the
        // chain is this case's, under the database's profile, from `before`'s head to `case`'s
        // (cheap, no hashing) ...
        events
            .continues(case, before, self.store.meta.crypto)
            .map_err(StoreError::Corrupt)?;
        // ... and that `before`'s head is the hash the case's last stored record carries, read
        // from the record itself (its first field: nothing else of it is decoded). A compact
        // record leaves out `prev` when it is that hash, so the record is needed anyway. An
        // event stored without a hash (written before chaining) cannot be compared: the
        // snapshot's head, replayed from the whole history, is what the chain goes on from.
        let mut last = match before {
            None => None,
            Some(_) => self
                .events
                .get(self.tx)?
                .range((id, 0)..=(id, u32::MAX))
                .map_err(storage)?
                .next_back()
                .transpose()
                .map_err(storage)?
                .and_then(|(_, v)| format::event_hash(v.value())),
        };
        if last.is_some() && last.as_ref() != events.start() {
            return Err(StoreError::Corrupt(format!(
                "the new events of case {id} do not follow the last event stored for it"
            )));
        }
        let mut prev = events.start().cloned();
        for (event, hash) in events.hashed() {
            let mut stored = StoredEvent::from(event);
            stored.prev = prev.replace(hash.clone());
            stored.hash = Some(hash.clone());
            let record = format::encode_event(
                &stored,
                last.as_ref(),
                self.names.get_mut(self.tx, self.store)?,
            )
            .map_err(corrupt)?;
            last = stored.hash;
            let previous = self
                .events
                .get_mut(self.tx)?
                .insert((id, event.seq), record.as_slice())
                .map_err(storage)?;
            if previous.is_some() {
                // History is append-only: overwriting an event is a bug, never a user error.
                return Err(StoreError::Corrupt(format!(
                    "event {} of case {id} already exists",
                    event.seq
                )));
            }
        }
        self.cases
            .get_mut(self.tx)?
            .insert(
                id,
                encode_case(case, self.names.get_mut(self.tx, self.store)?)
                    .map_err(corrupt)?
                    .as_slice(),
            )
            .map_err(storage)?;
        // The index rules live in `IndexKeys::of` alone (check and import use them too):
        // drop what the old snapshot implied and no longer holds, add what the new one does.
        let old = before.map(ops::IndexKeys::of).unwrap_or_default();
        let new = ops::IndexKeys::of(case);
        for (w, s, c) in old.by_state.difference(&new.by_state) {
            self.by_state
                .get_mut(self.tx)?
                .remove((w.as_str(), s.as_str(), c.as_str()))
                .map_err(storage)?;
        }
        for (child, c) in old.by_child.difference(&new.by_child) {
            self.by_child
                .get_mut(self.tx)?
                .remove((child.as_str(), c.as_str()))
                .map_err(storage)?;
        }
        for (at, c, d) in old.timers.difference(&new.timers) {
            self.timers
                .get_mut(self.tx)?
                .remove((*at, c.as_str(), d.as_str()))
                .map_err(storage)?;
        }
        for (at, c, d) in old.overdue.difference(&new.overdue) {
            self.overdue
                .get_mut(self.tx)?
                .remove((*at, c.as_str(), d.as_str()))
                .map_err(storage)?;
        }
        for (c, d) in old.provisional.difference(&new.provisional) {
            self.provisional
                .get_mut(self.tx)?
                .remove((c.as_str(), d.as_str()))
                .map_err(storage)?;
        }
        for (w, s, c) in new.by_state.difference(&old.by_state) {
            self.by_state
                .get_mut(self.tx)?
                .insert((w.as_str(), s.as_str(), c.as_str()), ())
                .map_err(storage)?;
        }
        for (child, c) in new.by_child.difference(&old.by_child) {
            self.by_child
                .get_mut(self.tx)?
                .insert((child.as_str(), c.as_str()), ())
                .map_err(storage)?;
        }
        for (at, c, d) in new.timers.difference(&old.timers) {
            self.timers
                .get_mut(self.tx)?
                .insert((*at, c.as_str(), d.as_str()), ())
                .map_err(storage)?;
        }
        for (at, c, d) in new.overdue.difference(&old.overdue) {
            self.overdue
                .get_mut(self.tx)?
                .insert((*at, c.as_str(), d.as_str()), ())
                .map_err(storage)?;
        }
        for (c, d) in new.provisional.difference(&old.provisional) {
            self.provisional
                .get_mut(self.tx)?
                .insert((c.as_str(), d.as_str()), ())
                .map_err(storage)?;
        }
        for (u, c) in old.by_unit.difference(&new.by_unit) {
            self.by_unit
                .get_mut(self.tx)?
                .remove((u.as_str(), c.as_str()))
                .map_err(storage)?;
        }
        for (o, c) in old.by_officer.difference(&new.by_officer) {
            self.by_officer
                .get_mut(self.tx)?
                .remove((o.as_str(), c.as_str()))
                .map_err(storage)?;
        }
        for (at, c) in old.by_opened.difference(&new.by_opened) {
            self.by_opened
                .get_mut(self.tx)?
                .remove((*at, c.as_str()))
                .map_err(storage)?;
        }
        for (u, c) in new.by_unit.difference(&old.by_unit) {
            self.by_unit
                .get_mut(self.tx)?
                .insert((u.as_str(), c.as_str()), ())
                .map_err(storage)?;
        }
        for (o, c) in new.by_officer.difference(&old.by_officer) {
            self.by_officer
                .get_mut(self.tx)?
                .insert((o.as_str(), c.as_str()), ())
                .map_err(storage)?;
        }
        for (at, c) in new.by_opened.difference(&old.by_opened) {
            self.by_opened
                .get_mut(self.tx)?
                .insert((*at, c.as_str()), ())
                .map_err(storage)?;
        }
        Ok(())
    }
}
