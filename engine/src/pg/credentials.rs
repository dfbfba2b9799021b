//! Passwords, tokens and failed sign-ins on PostgreSQL (schema step 2): what the credentials
//! file beside a redb database holds, in tables of the shared database, so that every server
//! of a province knows every sign-in. The same records (tokens as JSON) and the same rules
//! (`crate::app::accounts`); each call is one transaction.

use jiff::Timestamp;
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2;

use super::{corrupt, pg, pool_error};
use crate::store::StoreError;
use crate::store::credentials::{Credentials, Failures, TokenKind, TokenRecord, TokenRef};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// The credentials of one PostgreSQL database.
pub struct PgCredentials {
    pool: Pool,
}

type Client = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

impl PgCredentials {
    /// The credentials of the database `pool` connects to; `argon2` becomes the parameters new
    /// passwords get unless a setting is already stored.
    pub(crate) fn open(pool: Pool, argon2: &str) -> Result<PgCredentials, StoreError> {
        let this = PgCredentials { pool };
        this.client()?
            .execute(
                "INSERT INTO credential_settings (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING",
                &[&crate::store::credentials::ARGON2_SETTING, &argon2],
            )
            .map_err(pg)?;
        Ok(this)
    }

    fn client(&self) -> Result<Client, StoreError> {
        self.pool.get().map_err(pool_error)
    }
}

fn token_of(bytes: &[u8]) -> Result<TokenRecord, StoreError> {
    serde_json::from_slice(bytes).map_err(corrupt)
}

fn failures_of(count: i32, last_ms: i64) -> Result<Failures, StoreError> {
    Ok(Failures {
        count: u32::try_from(count).map_err(corrupt)?,
        last: Timestamp::from_millisecond(last_ms).map_err(corrupt)?,
    })
}

fn revoked(record: &TokenRecord, now: Timestamp, by: &str) -> TokenRecord {
    let mut revoked = record.clone();
    revoked.revoked_at = Some(now);
    revoked.revoked_by = Some(by.to_owned());
    revoked
}

impl Credentials for PgCredentials {
    fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .client()?
            .query_opt(
                "SELECT value FROM credential_settings WHERE name = $1",
                &[&name],
            )
            .map_err(pg)?
            .map(|r| r.get(0)))
    }

    fn password(&self, user: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .client()?
            .query_opt("SELECT phc FROM passwords WHERE user_name = $1", &[&user])
            .map_err(pg)?
            .map(|r| r.get(0)))
    }

    fn set_password(
        &self,
        user: &str,
        phc: &str,
        revoke_sessions: Option<(Timestamp, &str)>,
    ) -> Result<Vec<String>, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(pg)?;
        tx.execute(
            "INSERT INTO passwords (user_name, phc) VALUES ($1, $2) \
             ON CONFLICT (user_name) DO UPDATE SET phc = EXCLUDED.phc",
            &[&user, &phc],
        )
        .map_err(pg)?;
        tx.execute(
            "DELETE FROM sign_in_failures WHERE user_name = $1",
            &[&user],
        )
        .map_err(pg)?;
        let mut out = Vec::new();
        if let Some((now, by)) = revoke_sessions {
            let rows = tx
                .query(
                    "SELECT hash, record FROM tokens WHERE user_name = $1 ORDER BY hash FOR UPDATE",
                    &[&user],
                )
                .map_err(pg)?;
            for row in rows {
                let hash: String = row.get(0);
                let record = token_of(&row.get::<_, Vec<u8>>(1))?;
                if record.user == user
                    && record.kind == TokenKind::Session
                    && record.revoked_at.is_none()
                {
                    let bytes = serde_json::to_vec(&revoked(&record, now, by)).map_err(corrupt)?;
                    tx.execute(
                        "UPDATE tokens SET record = $2 WHERE hash = $1",
                        &[&hash, &bytes],
                    )
                    .map_err(pg)?;
                    out.push(record.id);
                }
            }
        }
        tx.commit().map_err(pg)?;
        crate::store::note_commit();
        Ok(out)
    }

    fn failures(&self, user: &str) -> Result<Option<Failures>, StoreError> {
        match self
            .client()?
            .query_opt(
                "SELECT count, last_ms FROM sign_in_failures WHERE user_name = $1",
                &[&user],
            )
            .map_err(pg)?
        {
            Some(row) => Ok(Some(failures_of(row.get(0), row.get(1))?)),
            None => Ok(None),
        }
    }

    fn note_failure(&self, user: &str, at: Timestamp) -> Result<Failures, StoreError> {
        let row = self
            .client()?
            .query_one(
                "INSERT INTO sign_in_failures (user_name, count, last_ms) VALUES ($1, 1, $2) \
                 ON CONFLICT (user_name) DO UPDATE \
                 SET count = LEAST(sign_in_failures.count, 2147483646) + 1, last_ms = $2 \
                 RETURNING count, last_ms",
                &[&user, &at.as_millisecond()],
            )
            .map_err(pg)?;
        failures_of(row.get(0), row.get(1))
    }

    fn clear_failures(&self, user: &str) -> Result<bool, StoreError> {
        Ok(self
            .client()?
            .execute(
                "DELETE FROM sign_in_failures WHERE user_name = $1",
                &[&user],
            )
            .map_err(pg)?
            > 0)
    }

    fn add_token(&self, hash: &str, record: &TokenRecord) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(record).map_err(corrupt)?;
        self.client()?
            .execute(
                "INSERT INTO tokens (hash, id, user_name, record) VALUES ($1, $2, $3, $4)",
                &[&hash, &record.id, &record.user, &bytes],
            )
            .map_err(pg)?;
        crate::store::note_commit();
        Ok(())
    }

    fn token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        match self
            .client()?
            .query_opt("SELECT record FROM tokens WHERE hash = $1", &[&hash])
            .map_err(pg)?
        {
            Some(row) => Ok(Some(token_of(&row.get::<_, Vec<u8>>(0))?)),
            None => Ok(None),
        }
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let mut out = self
            .client()?
            .query("SELECT record FROM tokens", &[])
            .map_err(pg)?
            .iter()
            .map(|r| token_of(&r.get::<_, Vec<u8>>(0)))
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    fn revoke(
        &self,
        which: TokenRef<'_>,
        now: Timestamp,
        by: &str,
        allowed: &dyn Fn(&TokenRecord) -> bool,
    ) -> Result<Option<(TokenRecord, bool)>, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(pg)?;
        let row = match which {
            TokenRef::Hash(hash) => tx.query_opt(
                "SELECT hash, record FROM tokens WHERE hash = $1 FOR UPDATE",
                &[&hash],
            ),
            TokenRef::Id(id) => tx.query_opt(
                "SELECT hash, record FROM tokens WHERE id = $1 FOR UPDATE",
                &[&id],
            ),
        }
        .map_err(pg)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let hash: String = row.get(0);
        let record = token_of(&row.get::<_, Vec<u8>>(1))?;
        if !allowed(&record) {
            return Ok(Some((record, false)));
        }
        if record.revoked_at.is_none() {
            let bytes = serde_json::to_vec(&revoked(&record, now, by)).map_err(corrupt)?;
            tx.execute(
                "UPDATE tokens SET record = $2 WHERE hash = $1",
                &[&hash, &bytes],
            )
            .map_err(pg)?;
        }
        tx.commit().map_err(pg)?;
        crate::store::note_commit();
        Ok(Some((record, true)))
    }
}
