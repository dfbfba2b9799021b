//! The database dump on PostgreSQL (issue 24, moving a county): `wardflow export` writes the
//! same JSON Lines as from a redb file of the same contents, through the one writer
//! ([`DumpWriter`]), from one REPEATABLE READ read-only snapshot; `wardflow import` fills an
//! empty, migrated database through the one checking importer ([`import_into`]), in one
//! transaction, all or nothing. Only the reading and writing of rows is here.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Row, Statement, Transaction};

use super::{PgBackend, corrupt, pg, pool, pool_error, schema, tx};
use crate::app::backend::ReadTx;
use crate::case::Case;
use crate::letters::archive::ArchivedLetter;
use crate::progress::Reporter;
use crate::store::StoreError;
use crate::store::access::StoredAccess;
use crate::store::dump::{DumpCounts, DumpWriter, ImportError, Sink, import_into};
use crate::store::format::{StoredMeta, decode, encode};

/// The tables that must hold nothing for an import: case data, the registry and the log.
const FILLED: &str = "SELECT EXISTS (SELECT 1 FROM meta) OR EXISTS (SELECT 1 FROM definitions) \
     OR EXISTS (SELECT 1 FROM counters) OR EXISTS (SELECT 1 FROM users) \
     OR EXISTS (SELECT 1 FROM units) OR EXISTS (SELECT 1 FROM published) \
     OR EXISTS (SELECT 1 FROM cases) OR EXISTS (SELECT 1 FROM events) \
     OR EXISTS (SELECT 1 FROM letters) OR EXISTS (SELECT 1 FROM access)";

/// Runs `sql` (no parameters) and hands each row to `visit` as it arrives, without holding
/// the whole result in memory (letters carry their archived bytes).
fn each_row(
    tx: &mut Transaction<'_>,
    sql: &str,
    mut visit: impl FnMut(&Row) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut rows = tx.query_raw(sql, std::iter::empty::<&str>()).map_err(pg)?;
    while let Some(row) = rows.next().map_err(pg)? {
        visit(&row)?;
    }
    Ok(())
}

/// One case's events as stored: (seq, record), in order.
type Events = Vec<(u32, Vec<u8>)>;

/// A stored positive number (version, event) as the u32 the dump writes.
fn positive(n: i32) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(corrupt)
}

impl PgBackend {
    /// The whole database as JSON Lines (see [`crate::store::dump`]), from one snapshot.
    pub fn export_lines(
        &self,
        w: &mut dyn Write,
        progress: &Reporter,
    ) -> Result<DumpCounts, StoreError> {
        let mut client = self.client()?;
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg)?;
        let mut out = DumpWriter::new(w, progress);
        let meta: Vec<u8> = tx
            .query_opt(
                "SELECT record FROM meta WHERE key = $1",
                &[&super::META_KEY],
            )
            .map_err(pg)?
            .ok_or_else(|| StoreError::NotADatabase("postgres".into()))?
            .get(0);
        out.meta(&meta)?;
        each_row(
            &mut tx,
            "SELECT v.workflow, v.number, v.hash, d.record FROM versions v \
             JOIN definitions d ON d.hash = v.hash ORDER BY v.workflow, v.number",
            |r| {
                out.definition(
                    r.get::<_, &str>(0),
                    positive(r.get(1))?,
                    r.get::<_, &str>(2),
                    r.get::<_, &[u8]>(3),
                )
            },
        )?;
        each_row(
            &mut tx,
            "SELECT key, value FROM counters ORDER BY key",
            |r| {
                let value = u64::try_from(r.get::<_, i64>(1)).map_err(corrupt)?;
                out.counter(r.get::<_, &str>(0), value)
            },
        )?;
        each_row(
            &mut tx,
            "SELECT name, record FROM users ORDER BY name",
            |r| out.registry("user", r.get::<_, &str>(0), r.get::<_, &[u8]>(1)),
        )?;
        each_row(&mut tx, "SELECT key, record FROM units ORDER BY key", |r| {
            out.registry("units", r.get::<_, &str>(0), r.get::<_, &[u8]>(1))
        })?;
        each_row(
            &mut tx,
            "SELECT kind, name, number, record FROM published ORDER BY kind, name, number",
            |r| {
                out.published(
                    r.get::<_, &str>(0),
                    r.get::<_, &str>(1),
                    positive(r.get(2))?,
                    r.get::<_, &[u8]>(3),
                )
            },
        )?;
        // Each case with its events, as one ordered stream grouped by case.
        let mut case: Option<(String, Events)> = None;
        each_row(
            &mut tx,
            "SELECT c.id, e.seq, e.record FROM cases c LEFT JOIN events e ON e.case_id = c.id \
             ORDER BY c.id, e.seq",
            |r| {
                let id: &str = r.get(0);
                if case.as_ref().is_none_or(|(current, _)| current != id) {
                    if let Some((done, events)) = case.take() {
                        out.case(&done, &events, &crate::store::format::NoNames)?;
                    }
                    case = Some((id.to_owned(), Vec::new()));
                }
                if let (Some(seq), Some(record), Some((_, events))) = (
                    r.get::<_, Option<i32>>(1),
                    r.get::<_, Option<Vec<u8>>>(2),
                    case.as_mut(),
                ) {
                    events.push((positive(seq)?, record));
                }
                Ok(())
            },
        )?;
        if let Some((done, events)) = case.take() {
            out.case(&done, &events, &crate::store::format::NoNames)?;
        }
        each_row(&mut tx, "SELECT id, record FROM letters ORDER BY id", |r| {
            out.letter(r.get::<_, &str>(0), r.get::<_, &[u8]>(1))
        })?;
        // In the redb file's key order: time, then id.
        each_row(
            &mut tx,
            "SELECT at_ms, id, record FROM access ORDER BY at_ms, id",
            |r| out.access(r.get(0), r.get::<_, &str>(1), r.get::<_, &[u8]>(2)),
        )?;
        let counts = out.finish()?;
        let _ = tx.commit();
        Ok(counts)
    }
}

/// PostgreSQL's tables, as an import fills them inside its one transaction.
struct PgSink<'c> {
    tx: Transaction<'c>,
    event: Statement,
    case: Statement,
    /// The stored facts (to open the imported database with).
    meta: Option<Vec<u8>>,
    /// The access chain's last link: (number, hash).
    head: Option<(i64, String)>,
    /// Entries from before the access log was chained: kept first, numbered below the
    /// chain (negative), which the chain check passes over.
    unlinked: i64,
}

impl<'c> PgSink<'c> {
    fn new(mut tx: Transaction<'c>) -> Result<Self, StoreError> {
        let event = tx
            .prepare("INSERT INTO events (case_id, seq, record) VALUES ($1, $2, $3)")
            .map_err(pg)?;
        let case = tx
            .prepare("INSERT INTO cases (id, record) VALUES ($1, $2)")
            .map_err(pg)?;
        Ok(PgSink {
            tx,
            event,
            case,
            meta: None,
            head: None,
            unlinked: i64::MIN,
        })
    }

    fn exec(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<(), StoreError> {
        self.tx.execute(sql, params).map_err(pg)?;
        Ok(())
    }

    /// The transaction back, the access chain's head recorded.
    fn finish(mut self) -> Result<(Transaction<'c>, Option<Vec<u8>>), StoreError> {
        if let Some((seq, hash)) = &self.head {
            self.tx
                .execute(
                    "UPDATE access_head SET seq = $1, hash = $2 WHERE one = 1",
                    &[seq, hash],
                )
                .map_err(pg)?;
        }
        Ok((self.tx, self.meta))
    }
}

fn number(n: u32) -> Result<i32, StoreError> {
    i32::try_from(n).map_err(corrupt)
}

impl Sink for PgSink<'_> {
    fn meta(&mut self, record: &[u8]) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO meta (key, record) VALUES ($1, $2)",
            &[&super::META_KEY, &record],
        )?;
        self.meta = Some(record.to_vec());
        Ok(())
    }

    fn definition(
        &mut self,
        workflow: &str,
        number_: u32,
        hash: &str,
        record: &[u8],
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO definitions (hash, record) VALUES ($1, $2)",
            &[&hash, &record],
        )?;
        self.exec(
            "INSERT INTO versions (workflow, number, hash) VALUES ($1, $2, $3)",
            &[&workflow, &number(number_)?, &hash],
        )
    }

    fn counter(&mut self, key: &str, value: u64) -> Result<(), StoreError> {
        let value = i64::try_from(value).map_err(corrupt)?;
        self.exec(
            "INSERT INTO counters (key, value) VALUES ($1, $2)",
            &[&key, &value],
        )
    }

    fn registry(&mut self, kind: &str, key: &str, record: &[u8]) -> Result<(), StoreError> {
        let sql = if kind == "user" {
            "INSERT INTO users (name, record) VALUES ($1, $2)"
        } else {
            "INSERT INTO units (key, record) VALUES ($1, $2)"
        };
        self.exec(sql, &[&key, &record])
    }

    fn published(
        &mut self,
        kind: &str,
        name: &str,
        number_: u32,
        record: &[u8],
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO published (kind, name, number, record) VALUES ($1, $2, $3, $4)",
            &[&kind, &name, &number(number_)?, &record],
        )
    }

    fn event(&mut self, case: &str, seq: u32, record: &[u8]) -> Result<(), StoreError> {
        let statement = self.event.clone();
        self.tx
            .execute(&statement, &[&case, &number(seq)?, &record])
            .map_err(pg)?;
        Ok(())
    }

    fn case(&mut self, case: &Case) -> Result<(), StoreError> {
        let statement = self.case.clone();
        let snapshot = encode(case).map_err(corrupt)?;
        self.tx
            .execute(&statement, &[&case.id.as_str(), &snapshot])
            .map_err(pg)?;
        Ok(())
    }

    fn letter(
        &mut self,
        letter: &ArchivedLetter,
        keys: &[String],
        record: &[u8],
    ) -> Result<(), StoreError> {
        let id = letter.id.as_str();
        for key in keys {
            // As in the redb file: a later letter's key (a court's number passed on) wins.
            self.exec(
                "INSERT INTO letter_index (key, letter_id) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET letter_id = EXCLUDED.letter_id",
                &[key, &id],
            )?;
        }
        self.exec(
            "INSERT INTO letters (id, case_id, record) VALUES ($1, $2, $3)",
            &[&id, &letter.case.as_str(), &record],
        )
    }

    fn access(
        &mut self,
        at: i64,
        id: &str,
        stored: &StoredAccess,
        record: &[u8],
    ) -> Result<(), StoreError> {
        let seq = match (stored.seq, &stored.hash) {
            (Some(seq), Some(hash)) => {
                let seq = i64::try_from(seq).map_err(corrupt)?;
                if self.head.as_ref().is_none_or(|(s, _)| seq > *s) {
                    self.head = Some((seq, hash.clone()));
                }
                seq
            }
            _ => {
                let seq = self.unlinked;
                self.unlinked += 1;
                seq
            }
        };
        self.exec(
            "INSERT INTO access (seq, id, at_ms, record) VALUES ($1, $2, $3, $4)",
            &[&seq, &id, &at, &record],
        )
    }
}

/// Imports an export into the empty PostgreSQL database at `url` (its schema made first when
/// it has none), in one transaction: every line checked as a redb import checks it, the index
/// entries written, then `admit` asked (the caller must administer the imported registry)
/// before the commit. A database that holds anything is refused as existing; nothing is
/// written unless all of it is.
pub fn import<E: From<ImportError> + From<StoreError>>(
    url: &str,
    input: impl BufRead,
    simulation: bool,
    progress: &Reporter,
    admit: impl FnOnce(&dyn ReadTx) -> Result<(), E>,
) -> Result<DumpCounts, E> {
    let pool = pool(url)?;
    let mut client = pool.get().map_err(pool_error)?;
    let found = schema::found(&mut client)?;
    if found == 0 {
        schema::migrate(&mut client)?;
    } else {
        schema::admit(found, true)?;
    }
    let taken = || StoreError::AlreadyExists(PathBuf::from(super::place(url)));
    let mut transaction = client.transaction().map_err(pg)?;
    // One import at a time: a second waits, then finds the first's rows and is refused.
    transaction
        .batch_execute("LOCK TABLE meta IN EXCLUSIVE MODE")
        .map_err(pg)?;
    let filled: bool = transaction.query_one(FILLED, &[]).map_err(pg)?.get(0);
    if filled {
        return Err(taken().into());
    }
    let (sink, keys, counts) = import_into(PgSink::new(transaction)?, input, simulation, progress)?;
    let (transaction, meta) = sink.finish()?;
    let meta: StoredMeta =
        decode(&meta.ok_or_else(|| StoreError::Corrupt("no meta".into()))?).map_err(corrupt)?;
    let backend = PgBackend {
        pool: pool.clone(),
        meta,
        definitions: Default::default(),
    };
    let sql = tx::Sql::new(&backend, transaction, true);
    sql.write_indexes(&keys)?;
    let admitted = admit(&sql);
    let (transaction, _, broken) = sql.finish();
    admitted?;
    if broken {
        return Err(StoreError::Storage("a statement failed inside the import".into()).into());
    }
    transaction.commit().map_err(pg)?;
    crate::store::note_commit();
    Ok(counts)
}
