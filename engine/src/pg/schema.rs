//! The PostgreSQL schema's numbered steps: plain SQL (`sql/NNN_*.sql`), applied in order by
//! `wardflow db migrate`, each in its own transaction that records its number in
//! `wardflow_schema`. A database whose schema is newer than this build's is refused; one that
//! is older is refused for use until migrated. New steps are appended, never edited.

use postgres::Client;

use super::pg;
use crate::store::StoreError;

/// One step of the schema.
pub struct SqlStep {
    pub number: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every step, in order.
pub const STEPS: &[SqlStep] = &[
    SqlStep {
        number: 1,
        name: "tables",
        sql: include_str!("sql/001_tables.sql"),
    },
    SqlStep {
        number: 2,
        name: "credentials",
        sql: include_str!("sql/002_credentials.sql"),
    },
    SqlStep {
        number: 3,
        name: "external ids",
        sql: include_str!("sql/003_external_ids.sql"),
    },
    SqlStep {
        number: 4,
        name: "outbox",
        sql: include_str!("sql/004_outbox.sql"),
    },
    SqlStep {
        number: 5,
        name: "webhooks",
        sql: include_str!("sql/005_webhooks.sql"),
    },
];

/// The schema this build writes.
pub const CURRENT: u32 = STEPS.len() as u32;

/// Serialises concurrent `db migrate` runs (two servers upgraded at once).
pub(crate) const MIGRATE_LOCK: i64 = 0x7761_7264_666c_6f77; // "wardflow"

/// The schema version of the database `client` is connected to (0: none yet).
pub fn found(client: &mut Client) -> Result<u32, StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('wardflow_schema') IS NOT NULL", &[])
        .map_err(pg)?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let n: Option<i32> = client
        .query_one("SELECT max(number) FROM wardflow_schema", &[])
        .map_err(pg)?
        .get(0);
    Ok(n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0))
}

/// Whether a schema at `found` may be used (for writing only at [`CURRENT`]).
pub fn admit(found: u32, write: bool) -> Result<(), StoreError> {
    if found > CURRENT {
        return Err(StoreError::TooNew {
            found,
            known: CURRENT,
        });
    }
    if found == 0 {
        return Err(StoreError::NotADatabase("postgres".into()));
    }
    if write && found < CURRENT {
        return Err(StoreError::NeedsMigration {
            found,
            current: CURRENT,
        });
    }
    Ok(())
}

/// Applies every step the database lacks, each in its own transaction; the numbers applied.
pub fn migrate(client: &mut Client) -> Result<Vec<u32>, StoreError> {
    let mut tx = client.transaction().map_err(pg)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
        .map_err(pg)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS wardflow_schema (
            number integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )",
    )
    .map_err(pg)?;
    tx.commit().map_err(pg)?;
    let was = found(client)?;
    if was > CURRENT {
        return Err(StoreError::TooNew {
            found: was,
            known: CURRENT,
        });
    }
    let mut done = Vec::new();
    for step in STEPS {
        let mut tx = client.transaction().map_err(pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
            .map_err(pg)?;
        let number = i32::try_from(step.number).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let applied = tx
            .query_opt(
                "SELECT 1 FROM wardflow_schema WHERE number = $1",
                &[&number],
            )
            .map_err(pg)?
            .is_some();
        if applied {
            continue;
        }
        tx.batch_execute(step.sql).map_err(pg)?;
        tx.execute(
            "INSERT INTO wardflow_schema (number, name) VALUES ($1, $2)",
            &[&number, &step.name],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        done.push(step.number);
    }
    Ok(done)
}
