//! PostgreSQL behind the storage seam ([`crate::app::backend`]), the second backend (issue 24):
//! the same application layer, rules and outputs as on redb, for a province whose servers share
//! one database.
//!
//! - **Client:** the synchronous `postgres` crate with an `r2d2` pool (bounded size, a
//!   connection timeout, a statement timeout set on every connection). The office is called
//!   from plain threads (the CLI, the group-commit thread, the deadline runner) and from
//!   `spawn_blocking` in `wardflow serve`, never from a tokio worker, so a blocking client is
//!   the natural fit for a seam whose transactions are synchronous closures.
//! - **Transactions:** every command is one `READ COMMITTED` transaction. A case read inside a
//!   write transaction is locked (`SELECT … FOR UPDATE`), so two servers acting on one case
//!   serialise on it and the second sees the first's events (its `--expect-seq` then says the
//!   case moved on); `UNIQUE (case_id, seq)` makes an interleaved history impossible even so.
//!   Counters (case ids, letter numbers) are a row bumped by `INSERT … ON CONFLICT DO UPDATE`
//!   inside the transaction: taken by a transaction that aborts, a number was never taken.
//!   A serialization failure or deadlock (SQLSTATE 40001, 40P01) rolls the transaction back
//!   and runs the work again, at most [`ATTEMPTS`] times, then the command is busy (exit 3).
//! - **Deadlines:** a runner takes the due timer rows `FOR UPDATE SKIP LOCKED`, so two
//!   servers' runners never take the same case's deadlines, and a runner that dies mid-batch
//!   releases its locks with its connection: the rows are still there for the next tick.
//! - **Access log:** each decision is appended at once in its own short transaction, chained
//!   like redb's (`access_head` is the chain's last link, locked by the appender).
//! - **Schema:** plain SQL in numbered steps (`schema.rs`, `sql/`), applied by `wardflow db
//!   migrate`; a database whose schema is newer than this build knows is refused.

mod check;
pub mod cluster;
mod credentials;
pub mod dump;
pub mod schema;
mod tx;
mod webhooks;

pub use credentials::PgCredentials;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use postgres::NoTls;
use postgres::error::SqlState;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2;

use crate::app::backend::{Backend, ReadTx, WriteTx};
use crate::authority::Units;
use crate::case::Case;
use crate::case::CaseId;
use crate::definition::{self, Definition, VersionHash};
use crate::profile::Profile;
use crate::store::format::{StoredDefinition, StoredMeta, decode, encode};
use crate::store::{
    AccessEntry, AccessFilter, CaseFilter, DeadlineView, Published, RegistryError, RegistryRule,
    StoreError, StoredUnits, StoredUser,
};
use crate::store::{CaseChain, LetterKey, LetterRecord};

pub use tx::MAX_DUE_ROWS;

/// How many times a transaction that failed to serialise (40001) or deadlocked (40P01) is run.
pub const ATTEMPTS: u32 = 8;
/// The most connections one process holds.
pub const POOL_SIZE: u32 = 16;
/// How long a command waits for a connection (or to connect) before it is busy.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest one statement may run before PostgreSQL cancels it (57014: busy).
pub const STATEMENT_TIMEOUT_MS: u32 = 30_000;

const META_KEY: &str = "wardflow";

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// True for a database address this backend serves (`postgres://` or `postgresql://`).
pub fn is_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// The address with any password replaced, fit for messages and logs.
pub fn redacted(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or("");
                format!("{scheme}://{user}@{host}")
            }
            None => url.to_owned(),
        },
        None => "postgres://…".to_owned(),
    }
}

/// Where a database address points, fit for logs: `postgresql://HOST:PORT/NAME`, never the
/// user or the password (an address that does not parse is shown as `postgresql://…`).
pub fn place(url: &str) -> String {
    let Ok(config) = postgres::Config::from_str(url) else {
        return "postgresql://…".to_owned();
    };
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_owned());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let name = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("postgresql://{host}:{port}/{name}")
}

/// A PostgreSQL failure as the seam reports it: busy when waiting longer could help
/// (a timeout, a lock, a conflict, a server going away or coming back), storage otherwise.
pub(crate) fn pg(e: postgres::Error) -> StoreError {
    if let Some(code) = e.code()
        && (code == &SqlState::QUERY_CANCELED
            || code == &SqlState::LOCK_NOT_AVAILABLE
            || code == &SqlState::T_R_SERIALIZATION_FAILURE
            || code == &SqlState::T_R_DEADLOCK_DETECTED
            || code == &SqlState::ADMIN_SHUTDOWN
            || code == &SqlState::CANNOT_CONNECT_NOW
            || code == &SqlState::TOO_MANY_CONNECTIONS)
    {
        return StoreError::Busy {
            waited: Duration::ZERO,
        };
    }
    if e.is_closed() {
        return StoreError::Storage(format!("PostgreSQL connection lost: {e}"));
    }
    StoreError::Storage(format!("PostgreSQL: {e}"))
}

/// True when a failed transaction may simply be run again.
pub(crate) fn retryable(e: &postgres::Error) -> bool {
    match e.code() {
        Some(code) => {
            code == &SqlState::T_R_SERIALIZATION_FAILURE
                || code == &SqlState::T_R_DEADLOCK_DETECTED
                // Two servers appending the same event number: the loser runs again and is
                // told the case moved on.
                // Two servers indexing one external id (issue 25): the loser runs again and
                // finds the winner's case.
                || (code == &SqlState::UNIQUE_VIOLATION
                    && e.as_db_error()
                        .and_then(|d| d.constraint())
                        .is_some_and(|c| c == "events_case_sequence" || c == "external_ids_unique"))
        }
        // A connection that went away between commands: a new one from the pool may work.
        None => e.is_closed(),
    }
}

pub(crate) fn pool_error(e: r2d2::Error) -> StoreError {
    // r2d2 gives up after CONNECT_TIMEOUT: the server is down, restarting or saturated.
    let _ = e;
    StoreError::Busy {
        waited: CONNECT_TIMEOUT,
    }
}

pub(crate) fn corrupt<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Raises the stored format (`meta.format`) to this build's once the schema is migrated, so a
/// database made or imported under an older format is opened afterwards; never lowers it.
/// Under the migration lock, in its own transaction; a database without facts yet (an empty
/// schema awaiting `init` or `import`) is left alone.
fn stamp_format(client: &mut postgres::Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(pg)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&schema::MIGRATE_LOCK])
        .map_err(pg)?;
    let Some(row) = tx
        .query_opt(
            "SELECT record FROM meta WHERE key = $1 FOR UPDATE",
            &[&META_KEY],
        )
        .map_err(pg)?
    else {
        return Ok(());
    };
    let mut meta: StoredMeta = decode(&row.get::<_, Vec<u8>>(0)).map_err(corrupt)?;
    if meta.format >= crate::store::migrations::CURRENT {
        return Ok(());
    }
    meta.format = crate::store::migrations::CURRENT;
    let record = encode(&meta).map_err(corrupt)?;
    tx.execute(
        "UPDATE meta SET record = $2 WHERE key = $1",
        &[&META_KEY, &record],
    )
    .map_err(pg)?;
    tx.commit().map_err(pg)
}

/// A wardflow database on a PostgreSQL server.
pub struct PgBackend {
    pool: Pool,
    meta: StoredMeta,
    /// Published definitions by hash, loaded once (they never change).
    definitions: Mutex<BTreeMap<VersionHash, Arc<Definition>>>,
}

impl std::fmt::Debug for PgBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgBackend")
            .field("simulation", &self.meta.simulation)
            .finish_non_exhaustive()
    }
}

/// How many connections one process holds and how long a statement may run: the settings
/// of `wardflow serve --pool-size --statement-timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most connections (1…[`MAX_POOL_SIZE`]).
    pub pool_size: u32,
    /// The longest one statement may run, in milliseconds (1…[`MAX_STATEMENT_TIMEOUT_MS`]).
    pub statement_timeout_ms: u32,
}

/// The largest pool a setting may ask for.
pub const MAX_POOL_SIZE: u32 = 256;
/// The longest statement timeout a setting may ask for (an hour).
pub const MAX_STATEMENT_TIMEOUT_MS: u32 = 3_600_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            pool_size: POOL_SIZE,
            statement_timeout_ms: STATEMENT_TIMEOUT_MS,
        }
    }
}

fn pool(url: &str) -> Result<Pool, StoreError> {
    pool_with(url, Limits::default())
}

fn pool_with(url: &str, limits: Limits) -> Result<Pool, StoreError> {
    let pool_size = limits.pool_size.clamp(1, MAX_POOL_SIZE);
    let statement_timeout = limits
        .statement_timeout_ms
        .clamp(1, MAX_STATEMENT_TIMEOUT_MS);
    let mut config = postgres::Config::from_str(url).map_err(|e| {
        StoreError::Storage(format!("not a PostgreSQL address ({}): {e}", redacted(url)))
    })?;
    config
        .connect_timeout(CONNECT_TIMEOUT)
        .application_name("wardflow")
        .options(format!("-c statement_timeout={statement_timeout}").as_str());
    let manager = PostgresConnectionManager::new(config, NoTls);
    r2d2::Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(0))
        .connection_timeout(CONNECT_TIMEOUT)
        // A connection cut while idle is noticed before a command gets it.
        .test_on_check_out(true)
        .build(manager)
        .map_err(|e| StoreError::Storage(format!("cannot connect to {}: {e}", redacted(url))))
}

impl PgBackend {
    /// Makes a new wardflow database in the (empty) PostgreSQL database at `url`: applies the
    /// whole schema and records the database's facts. Refuses one that already holds wardflow.
    pub fn create(
        url: &str,
        simulation: bool,
        profile: Option<Profile>,
        now: Timestamp,
    ) -> Result<PgBackend, StoreError> {
        PgBackend::create_as(
            url,
            simulation,
            profile,
            crate::crypto::Profile::Standard,
            now,
        )
    }

    /// [`PgBackend::create`] of the cryptographic profile `crypto` (recorded in the meta
    /// record, the same encoded `StoredMeta` as redb's).
    pub fn create_as(
        url: &str,
        simulation: bool,
        profile: Option<Profile>,
        crypto: crate::crypto::Profile,
        now: Timestamp,
    ) -> Result<PgBackend, StoreError> {
        let pool = pool(url)?;
        let mut client = pool.get().map_err(pool_error)?;
        if schema::found(&mut client)? > 0 {
            return Err(StoreError::AlreadyExists(redacted(url).into()));
        }
        schema::migrate(&mut client)?;
        let meta = StoredMeta {
            created_at: now,
            simulation,
            profile,
            copy_of_real: false,
            format: crate::store::migrations::CURRENT,
            crypto,
        };
        let record = encode(&meta).map_err(corrupt)?;
        let inserted = client
            .execute(
                "INSERT INTO meta (key, record) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&META_KEY, &record],
            )
            .map_err(pg)?;
        if inserted == 0 {
            return Err(StoreError::AlreadyExists(redacted(url).into()));
        }
        crate::store::note_commit();
        drop(client);
        Ok(PgBackend {
            pool,
            meta,
            definitions: Mutex::default(),
        })
    }

    /// Opens the wardflow database at `url` for use: refused when its schema is older than
    /// this build's (run `wardflow db migrate`) or newer (made by a newer wardflow).
    pub fn open(url: &str) -> Result<PgBackend, StoreError> {
        PgBackend::open_with(url, Limits::default())
    }

    /// [`PgBackend::open`] with these pool and statement limits.
    pub fn open_with(url: &str, limits: Limits) -> Result<PgBackend, StoreError> {
        let pool = pool_with(url, limits)?;
        let mut client = pool.get().map_err(pool_error)?;
        schema::admit(schema::found(&mut client)?, true)?;
        let row = client
            .query_opt("SELECT record FROM meta WHERE key = $1", &[&META_KEY])
            .map_err(pg)?
            .ok_or_else(|| StoreError::NotADatabase(redacted(url).into()))?;
        let bytes: Vec<u8> = row.get(0);
        let meta: StoredMeta = decode(&bytes).map_err(corrupt)?;
        crate::store::migrations::admit(meta.format, true)?;
        drop(client);
        Ok(PgBackend {
            pool,
            meta,
            definitions: Mutex::default(),
        })
    }

    /// Brings the schema at `url` up to this build's (`wardflow db migrate`): the step numbers
    /// applied, each in its own transaction. A newer schema is refused.
    pub fn migrate(url: &str) -> Result<Vec<u32>, StoreError> {
        let pool = pool(url)?;
        let mut client = pool.get().map_err(pool_error)?;
        let done = schema::migrate(&mut client)?;
        stamp_format(&mut client)?;
        Ok(done)
    }

    /// The database's own facts.
    pub fn meta(&self) -> &StoredMeta {
        &self.meta
    }

    /// A connection from the pool.
    fn client(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, StoreError> {
        self.pool.get().map_err(pool_error)
    }

    /// Runs `work` in one READ COMMITTED transaction, again after a serialization failure or
    /// a deadlock (at most [`ATTEMPTS`] times); see the module documentation.
    fn write<T, E: From<StoreError>>(
        &self,
        mut work: impl FnMut(&mut tx::Sql<'_, '_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(2);
        for attempt in 1..=ATTEMPTS {
            let mut client = self.client()?;
            let transaction = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::ReadCommitted)
                .start()
                .map_err(pg)?;
            let mut sql = tx::Sql::new(self, transaction, true);
            let out = work(&mut sql);
            let (transaction, conflict, broken) = sql.finish();
            let again = match out {
                // A failed statement aborted the transaction even if the work went on: a
                // COMMIT now would roll back silently, so it is never acknowledged.
                Ok(_) if broken => {
                    let _ = transaction.rollback();
                    if !conflict {
                        return Err(StoreError::Storage(
                            "a statement failed inside the transaction".into(),
                        )
                        .into());
                    }
                    true
                }
                Ok(value) => match transaction.commit() {
                    Ok(()) => {
                        crate::store::note_commit();
                        return Ok(value);
                    }
                    Err(e) if retryable(&e) => true,
                    Err(e) => return Err(pg(e).into()),
                },
                Err(e) => {
                    let _ = transaction.rollback();
                    if !conflict {
                        return Err(e);
                    }
                    true
                }
            };
            if again && attempt < ATTEMPTS {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
        }
        Err(StoreError::Busy {
            waited: started.elapsed(),
        }
        .into())
    }

    /// Publishes checked definitions (with their source) in one transaction, as
    /// `Store::publish` does on redb.
    pub fn publish(
        &self,
        files: &[(String, Vec<u8>, Definition)],
        by: &str,
        now: Timestamp,
    ) -> Result<Vec<Published>, StoreError> {
        self.write(|sql| {
            let mut out = Vec::new();
            for (file, source, def) in files {
                let hash = VersionHash::of(source);
                let latest = sql.latest_version(&def.key)?;
                if let Some((number, latest_hash)) = &latest
                    && latest_hash == &hash
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
                sql.insert_definition(&hash, &stored)?;
                out.push(Published {
                    workflow: def.key.clone(),
                    hash,
                    number,
                    new: true,
                });
            }
            Ok(out)
        })
    }

    /// A published definition by hash, loaded from `record` once.
    pub(crate) fn loaded(
        &self,
        hash: &VersionHash,
        record: impl FnOnce() -> Result<Option<Vec<u8>>, StoreError>,
    ) -> Result<Arc<Definition>, StoreError> {
        if let Some(def) = self
            .definitions
            .lock()
            .ok()
            .and_then(|c| c.get(hash).cloned())
        {
            return Ok(def);
        }
        let bytes = record()?
            .ok_or_else(|| StoreError::Corrupt(format!("definition {hash} is missing")))?;
        let stored: StoredDefinition = decode(&bytes).map_err(corrupt)?;
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

    /// Access entries, oldest first (as `Store::access_log`).
    pub fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>, StoreError> {
        self.read(|sql| sql.access_log(filter))
    }

    /// The first break in the access log's chain, if any.
    pub fn access_chain_break(&self) -> Result<Option<crate::store::AccessBreak>, StoreError> {
        self.read(|sql| sql.access_chain_break())
    }

    /// Every event row of the database, (case, seq) in order: for tests that count what two
    /// servers wrote.
    pub fn event_keys(&self) -> Result<Vec<(String, u32)>, StoreError> {
        self.read(|sql| sql.event_keys())
    }

    /// Every archived letter's id and number, in archive-id order.
    pub fn letters_issued(&self) -> Result<Vec<(String, Option<String>)>, StoreError> {
        self.read(|sql| sql.letters_issued())
    }

    fn read<T>(
        &self,
        work: impl FnOnce(&tx::Sql<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut client = self.client()?;
        let transaction = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg)?;
        let sql = tx::Sql::new(self, transaction, false);
        let out = work(&sql);
        let (transaction, _, _) = sql.finish();
        let _ = transaction.commit();
        out
    }
}

impl Backend for PgBackend {
    fn simulation(&self) -> bool {
        self.meta.simulation
    }

    fn copy_of_real(&self) -> bool {
        self.meta.copy_of_real
    }

    fn crypto(&self) -> crate::crypto::Profile {
        self.meta.crypto
    }

    fn stored_profile(&self) -> Option<&Profile> {
        self.meta.profile.as_ref()
    }

    fn transaction<T, E: From<StoreError>>(
        &self,
        mut work: impl FnMut(&mut dyn WriteTx) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write(|sql| work(sql))
    }

    fn snapshot<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&dyn ReadTx) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut client = self.client()?;
        let transaction = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg)?;
        let sql = tx::Sql::new(self, transaction, false);
        let out = work(&sql);
        let (transaction, _, _) = sql.finish();
        let _ = transaction.commit();
        out
    }

    fn record_access(&self, entry: &AccessEntry) -> Result<(), StoreError> {
        self.write(|sql| sql.append_access(entry))
    }

    fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        self.read(|sql| sql.users())
    }

    fn add_user(&self, user: StoredUser) -> Result<(), RegistryError> {
        self.write(|sql| {
            let units = sql.units()?;
            if units.get(&user.unit).is_none() {
                return Err(RegistryError::UnknownUnit {
                    suggestion: units.suggest(&user.unit),
                    unit: user.unit.clone(),
                });
            }
            if !sql.insert_user(&user)? {
                return Err(RegistryError::UserExists(user.name.clone()));
            }
            Ok(())
        })
    }

    fn disable_user(
        &self,
        name: &str,
        by: &str,
        now: Timestamp,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        self.change_user(name, rule, &|user| {
            user.enabled = false;
            user.disabled_at = Some(now);
            user.disabled_by = Some(by.to_owned());
        })
    }

    fn enable_user(&self, name: &str, rule: RegistryRule<'_>) -> Result<(), RegistryError> {
        self.change_user(name, rule, &|user| user.enabled = true)
    }

    fn set_roles(
        &self,
        name: &str,
        roles: Vec<String>,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        self.change_user(name, rule, &|user| user.roles = roles.clone())
    }

    fn load_units(&self, units: StoredUnits) -> Result<(), RegistryError> {
        self.write(|sql| {
            for user in sql.users()? {
                if units.units.get(&user.unit).is_none() {
                    return Err(RegistryError::UnitInUse {
                        unit: user.unit,
                        by: user.name,
                    });
                }
            }
            let mut in_use = None;
            sql.each_case(&CaseFilter::default(), &mut |case: Case| match &case.unit {
                Some(unit) if units.units.get(unit).is_none() => {
                    in_use = Some((unit.clone(), case.id.to_string()));
                    false
                }
                _ => true,
            })?;
            if let Some((unit, by)) = in_use {
                return Err(RegistryError::UnitInUse { unit, by });
            }
            sql.put_units(&units)?;
            if let (Some(file), Some(source)) = (&units.file, &units.source) {
                let new = crate::store::published::NewPublication {
                    kind: crate::store::published::Kind::Units,
                    name: String::new(),
                    files: BTreeMap::from([(file.clone(), source.clone())]),
                    profile: None,
                };
                sql.publish(&new, &units.loaded_by, units.loaded_at)?;
            }
            Ok(())
        })
    }

    fn latest_definitions(&self) -> Result<Vec<Arc<Definition>>, StoreError> {
        self.read(|sql| sql.latest_definitions())
    }

    fn each_case(
        &self,
        filter: &CaseFilter,
        visit: &mut dyn FnMut(Case) -> bool,
    ) -> Result<(), StoreError> {
        self.read(|sql| sql.each_case(filter, visit))
    }

    fn agenda(&self, from: Timestamp, until: Timestamp) -> Result<Vec<DeadlineView>, StoreError> {
        self.read(|sql| sql.agenda(from, until))
    }

    fn overdue(&self, now: Timestamp) -> Result<Vec<DeadlineView>, StoreError> {
        self.read(|sql| sql.overdue(now))
    }

    fn file(&self) -> Option<&std::path::Path> {
        None
    }

    fn webhooks(
        &self,
        secret: Option<&crate::store::webhooks::WebhookSecret>,
    ) -> Result<Box<dyn crate::store::webhooks::Webhooks>, StoreError> {
        let secret = secret.ok_or(StoreError::Unsupported("webhooks without a master secret"))?;
        Ok(Box::new(webhooks::PgWebhooks::new(
            self.pool.clone(),
            secret.clone(),
        )))
    }

    fn credentials_exist(&self) -> bool {
        true
    }

    fn credentials(
        &self,
        argon2: &str,
    ) -> Result<Box<dyn crate::store::credentials::Credentials>, StoreError> {
        Ok(Box::new(PgCredentials::open(self.pool.clone(), argon2)?))
    }

    fn versions(&self) -> Result<BTreeMap<String, Vec<crate::store::Version>>, StoreError> {
        self.read(|sql| sql.versions_all())
    }

    fn publish_definitions(
        &self,
        files: &[(String, Vec<u8>, Definition)],
        by: &str,
        now: Timestamp,
    ) -> Result<Vec<Published>, StoreError> {
        PgBackend::publish(self, files, by, now)
    }

    fn published(&self, hash: &VersionHash) -> Result<Option<StoredDefinition>, StoreError> {
        self.read(|sql| {
            sql.bytes("SELECT record FROM definitions WHERE hash = $1", &[&hash.0])?
                .map(|bytes: Vec<u8>| decode(&bytes).map_err(corrupt))
                .transpose()
        })
    }

    fn publications(&self) -> Result<Vec<crate::store::published::Publication>, StoreError> {
        self.read(|sql| sql.publications_all())
    }

    fn letter_record(&self, id_or_number: &str) -> Result<Option<LetterRecord>, StoreError> {
        self.read(|sql| {
            let id = if crate::letters::archive::is_letter_id(id_or_number) {
                id_or_number.to_owned()
            } else {
                match sql.letter_key("number", id_or_number)? {
                    Some(id) => id,
                    None => return Ok(None),
                }
            };
            let Some(letter) = sql.letter(&id)? else {
                return Ok(None);
            };
            let case = sql.case(&letter.case)?;
            Ok(Some(crate::store::letters::record_of(
                letter,
                case.as_ref(),
            )))
        })
    }

    fn find_letter(&self, kind: LetterKey, value: &str) -> Result<Option<String>, StoreError> {
        self.read(|sql| sql.letter_key(crate::store::letters::letter_key_kind(kind), value))
    }

    fn letter_records(&self, case: Option<&CaseId>) -> Result<Vec<LetterRecord>, StoreError> {
        self.read(|sql| {
            let mut cases: BTreeMap<CaseId, Option<Case>> = BTreeMap::new();
            let mut out = Vec::new();
            for id in sql.letter_ids(case)? {
                let Some(letter) = sql.letter(&id)? else {
                    continue;
                };
                if !cases.contains_key(&letter.case) {
                    let c = sql.case(&letter.case)?;
                    cases.insert(letter.case.clone(), c);
                }
                let c = cases.get(&letter.case).and_then(Option::as_ref);
                out.push(crate::store::letters::record_of(letter, c));
            }
            out.sort_by(|a, b| {
                (a.letter.issued_at, &a.letter.id).cmp(&(b.letter.issued_at, &b.letter.id))
            });
            Ok(out)
        })
    }

    fn case_chain(&self, id: &CaseId) -> Result<Option<CaseChain>, StoreError> {
        self.read(|sql| {
            let mut history = crate::store::format::History::new();
            let records: Vec<_> = sql
                .event_records(id)?
                .iter()
                .map(|(seq, bytes)| {
                    // PostgreSQL keeps JSON records: no dictionary of names.
                    crate::store::integrity::record(
                        *seq,
                        bytes,
                        &mut history,
                        &crate::store::format::NoNames,
                    )
                })
                .collect();
            let head = match sql.case_record(id.as_str())? {
                // An unreadable snapshot names no head; the events are still checked.
                Some(bytes) => decode::<Case>(&bytes).ok().map(|c| crate::chain::Head {
                    seq: c.seq,
                    hash: c.head,
                }),
                None if records.is_empty() => return Ok(None),
                None => None,
            };
            Ok(Some(CaseChain {
                case: id.clone(),
                records,
                head,
                crypto: self.meta.crypto,
            }))
        })
    }

    // Each case is read in read transactions of its own, from the pool, as before issue 22;
    // so the cases are verified on as many threads as there are cores and connections in
    // the pool, and the ids are walked a page at a time (never all held). Unlike redb's one
    // read transaction, the verdicts are not of one snapshot: a case changed meanwhile is
    // verified as it is when read.
    fn verify_chains_each(
        &self,
        only: Option<&CaseId>,
        progress: &crate::progress::Reporter,
        each: &mut dyn FnMut(crate::store::Verdict) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        use crate::store::integrity::snapshot_break;
        use crate::store::parallel::{Parallel, in_order};
        let one = |id: &CaseId| -> Result<Option<crate::store::Verdict>, StoreError> {
            let Some(chain) = Backend::case_chain(self, id)? else {
                return Ok(None);
            };
            let verified = match chain.verify() {
                Ok(v) => v,
                Err(b) => return Ok(Some(Err(b))),
            };
            let differs = self.read(|sql| {
                let Some(bytes) = sql.case_record(id.as_str())? else {
                    return Ok(None);
                };
                let replayed = Case::replay(id, &sql.history(id)?).map_err(corrupt)?;
                Ok(crate::store::integrity::differs(
                    &bytes,
                    replayed,
                    &crate::store::format::NoNames,
                ))
            })?;
            Ok(Some(match differs {
                None => Ok(verified),
                Some(fields) => Err(snapshot_break(id, verified.events, fields)),
            }))
        };
        let total = match only {
            Some(_) => 1,
            None => self.read(|sql| sql.case_count())?,
        };
        let parallel = Parallel::available().at_most(self.pool.max_size() as usize);
        in_order(
            "verify",
            parallel,
            Some(total),
            progress,
            |emit| match only {
                Some(id) => {
                    let _ = emit(id.clone());
                    Ok(())
                }
                None => self.walk_chained_ids(emit),
            },
            one,
            each,
        )
    }

    fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>, StoreError> {
        PgBackend::access_log(self, filter)
    }

    fn access_chain_break(&self) -> Result<Option<crate::store::AccessBreak>, StoreError> {
        PgBackend::access_chain_break(self)
    }

    fn tick(
        &self,
        clock: &crate::step::Clock,
        profile: Option<&Profile>,
    ) -> Result<crate::store::TickReport, crate::store::CommandFailure> {
        PgBackend::tick(self, clock, profile)
    }

    fn next_firing(&self) -> Result<Option<Timestamp>, StoreError> {
        PgBackend::next_firing(self)
    }

    // The same JSON Lines as a redb file of the same contents (`pg/dump.rs`): how a county
    // moves between the backends. Backups stay PostgreSQL's own (pg_dump, base backups).
    fn export_copy(
        &self,
        w: &mut dyn std::io::Write,
    ) -> Result<crate::store::dump::DumpCounts, StoreError> {
        self.export_lines(w, &crate::progress::Reporter::silent())
    }

    fn backup_copy(&self, _out: &std::path::Path) -> Result<u64, StoreError> {
        Err(StoreError::Unsupported("backup"))
    }

    fn backup_scratch(&self) -> Result<crate::store::ops::TempFile, StoreError> {
        Err(StoreError::Unsupported("backup"))
    }

    // The same checks as on a redb file's consistent copy, on one REPEATABLE READ snapshot
    // (`pg/check.rs`).
    fn check_copy(
        &self,
        progress: &crate::progress::Reporter,
    ) -> Result<crate::store::ops::CheckReport, StoreError> {
        self.check(progress)
    }
}

/// Case ids read a page at a time by the walks over every case (`verify`).
const ID_PAGE: i64 = 1000;

impl PgBackend {
    /// Hands every case id that has a snapshot or events to `emit`, in order, until it
    /// breaks: the snapshots a page at a time (each page its own read transaction, so none
    /// is held open for the whole walk), merged with the few ids that have events and no
    /// snapshot.
    fn walk_chained_ids(
        &self,
        emit: &mut dyn FnMut(CaseId) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let mut orphans = self
            .read(|sql| sql.orphan_case_ids())?
            .into_iter()
            .peekable();
        let mut after = String::new();
        loop {
            let page = self.read(|sql| sql.case_ids_after(&after, ID_PAGE))?;
            let last_page = (page.len() as i64) < ID_PAGE;
            for id in page {
                while let Some(orphan) = orphans.next_if(|o| o.as_str() < id.as_str()) {
                    if emit(orphan).is_break() {
                        return Ok(());
                    }
                }
                after = id.as_str().to_owned();
                if emit(id).is_break() {
                    return Ok(());
                }
            }
            if last_page {
                break;
            }
        }
        for orphan in orphans {
            if emit(orphan).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn change_user(
        &self,
        name: &str,
        rule: RegistryRule<'_>,
        change: &dyn Fn(&mut StoredUser),
    ) -> Result<(), RegistryError> {
        self.write(|sql| {
            // Every user row is locked, so `rule` is decided against what is committed.
            let mut all = sql.users_for_update()?;
            let Some(at) = all.iter().position(|u| u.name == name) else {
                return Err(RegistryError::UnknownUser(name.to_owned()));
            };
            change(&mut all[at]);
            let user = all.remove(at);
            let mut after = vec![user.user()];
            after.extend(all.iter().map(StoredUser::user));
            rule(name, &after)?;
            sql.put_user(&user)?;
            Ok(())
        })
    }

    /// The units in force.
    pub fn units(&self) -> Result<Units, StoreError> {
        self.read(|sql| sql.units())
    }

    /// Fires everything due at `clock.now` (the deadline runner's tick, as `Store::tick`):
    /// several servers may tick at once, each firing a due deadline once between them.
    pub fn tick(
        &self,
        clock: &crate::step::Clock,
        profile: Option<&Profile>,
    ) -> Result<crate::store::TickReport, crate::store::CommandFailure> {
        let provisional = self.read(|sql| sql.provisional_cases())?;
        crate::store::tick_on(self, &provisional, clock, profile)
    }

    /// The earliest moment anything is due to fire.
    pub fn next_firing(&self) -> Result<Option<Timestamp>, StoreError> {
        self.read(|sql| sql.next_firing())
    }
}
