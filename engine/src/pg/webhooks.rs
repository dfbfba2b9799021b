//! Webhooks on PostgreSQL (schema step 5): the endpoints and delivery log the webhooks file
//! beside a redb database keeps, in tables every server of the database shares. The same
//! records (JSON) and rules; no secret is stored, each endpoint's is derived from the master
//! secret the servers are given ([`WebhookSecret`]). Each call is one transaction; `due`
//! claims the deliveries it returns (`FOR UPDATE SKIP LOCKED`, their next attempt moved past
//! a lease), so two servers never attempt one delivery at once.

use jiff::{SignedDuration, Timestamp};
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2;

use super::{corrupt, pg, pool_error};
use crate::app::outbox::{OutboxEntry, OutboxKind};
use crate::store::StoreError;
use crate::store::webhooks::{
    Attempt, Delivery, DeliveryStatus, Due, Endpoint, WebhookSecret, Webhooks, parse_delivery_id,
    record_attempt,
};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Client = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// The webhooks of one PostgreSQL database, signing with secrets derived from `secret`.
pub struct PgWebhooks {
    pool: Pool,
    secret: WebhookSecret,
}

fn json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(corrupt)
}

fn unjson<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(corrupt)
}

fn position(p: u64) -> Result<i64, StoreError> {
    i64::try_from(p).map_err(corrupt)
}

impl PgWebhooks {
    pub(crate) fn new(pool: Pool, secret: WebhookSecret) -> PgWebhooks {
        PgWebhooks { pool, secret }
    }

    fn client(&self) -> Result<Client, StoreError> {
        self.pool.get().map_err(pool_error)
    }
}

impl Webhooks for PgWebhooks {
    fn add(
        &self,
        url: &str,
        events: &[OutboxKind],
        by: &str,
        now: Timestamp,
    ) -> Result<(Endpoint, String), StoreError> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| StoreError::Storage(e.to_string()))?;
        let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(pg)?;
        // Adds are rare: one at a time takes the next number.
        tx.batch_execute("LOCK TABLE webhook_endpoints IN SHARE ROW EXCLUSIVE MODE")
            .map_err(pg)?;
        let last: Option<i64> = tx
            .query_one("SELECT max(number) FROM webhook_endpoints", &[])
            .map_err(pg)?
            .get(0);
        let number = last.unwrap_or(0).saturating_add(1);
        let endpoint = Endpoint {
            id: format!("wh{number}"),
            url: url.to_owned(),
            events: events.to_vec(),
            created_at: now,
            created_by: by.to_owned(),
            removed_at: None,
            removed_by: None,
        };
        tx.execute(
            "INSERT INTO webhook_endpoints (number, id, salt, record) VALUES ($1, $2, $3, $4)",
            &[&number, &endpoint.id, &salt, &json(&endpoint)?],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        let secret = self.secret.endpoint_secret(&endpoint.id, &salt);
        Ok((endpoint, secret))
    }

    fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError> {
        self.client()?
            .query("SELECT record FROM webhook_endpoints ORDER BY number", &[])
            .map_err(pg)?
            .iter()
            .map(|r| unjson(&r.get::<_, Vec<u8>>(0)))
            .collect()
    }

    fn remove(&self, id: &str, by: &str, now: Timestamp) -> Result<Option<Endpoint>, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(pg)?;
        let Some(row) = tx
            .query_opt(
                "SELECT record FROM webhook_endpoints WHERE id = $1 AND NOT removed FOR UPDATE",
                &[&id],
            )
            .map_err(pg)?
        else {
            return Ok(None);
        };
        let mut endpoint: Endpoint = unjson(&row.get::<_, Vec<u8>>(0))?;
        endpoint.removed_at = Some(now);
        endpoint.removed_by = Some(by.to_owned());
        tx.execute(
            "UPDATE webhook_endpoints SET removed = true, record = $2 WHERE id = $1",
            &[&id, &json(&endpoint)?],
        )
        .map_err(pg)?;
        // What was still to be sent will not be: failed, no longer due.
        let waiting = tx
            .query(
                "SELECT position, record FROM webhook_deliveries \
                 WHERE endpoint = $1 AND due_at IS NOT NULL FOR UPDATE",
                &[&id],
            )
            .map_err(pg)?;
        for row in waiting {
            let at: i64 = row.get(0);
            let mut delivery: Delivery = unjson(&row.get::<_, Vec<u8>>(1))?;
            delivery.status = DeliveryStatus::Failed;
            delivery.next_at = None;
            tx.execute(
                "UPDATE webhook_deliveries SET due_at = NULL, record = $3 \
                 WHERE endpoint = $1 AND position = $2",
                &[&id, &at, &json(&delivery)?],
            )
            .map_err(pg)?;
        }
        tx.commit().map_err(pg)?;
        Ok(Some(endpoint))
    }

    fn cursors(&self) -> Result<Vec<(Endpoint, u64)>, StoreError> {
        self.client()?
            .query(
                "SELECT record, outbox_cursor FROM webhook_endpoints WHERE NOT removed \
                 ORDER BY number",
                &[],
            )
            .map_err(pg)?
            .iter()
            .map(|r| {
                let at: i64 = r.get(1);
                Ok((
                    unjson(&r.get::<_, Vec<u8>>(0))?,
                    u64::try_from(at).map_err(corrupt)?,
                ))
            })
            .collect()
    }

    fn take_in(
        &self,
        endpoint: &Endpoint,
        entries: &[OutboxEntry],
        through: u64,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(pg)?;
        // The endpoint's row, locked: of two servers taking in at once, the second waits and
        // then sees the first's cursor.
        let Some(row) = tx
            .query_opt(
                "SELECT outbox_cursor FROM webhook_endpoints WHERE id = $1 AND NOT removed \
                 FOR UPDATE",
                &[&endpoint.id],
            )
            .map_err(pg)?
        else {
            return Ok(0);
        };
        let at = u64::try_from(row.get::<_, i64>(0)).map_err(corrupt)?;
        let mut taken = 0;
        for entry in entries {
            let Some(delivery) = Delivery::first(endpoint, entry, at, now) else {
                continue;
            };
            taken += tx
                .execute(
                    "INSERT INTO webhook_deliveries (endpoint, position, due_at, record) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    &[
                        &endpoint.id,
                        &position(entry.position)?,
                        &now.as_millisecond(),
                        &json(&delivery)?,
                    ],
                )
                .map_err(pg)? as usize;
        }
        if through > at {
            tx.execute(
                "UPDATE webhook_endpoints SET outbox_cursor = $2 WHERE id = $1",
                &[&endpoint.id, &position(through)?],
            )
            .map_err(pg)?;
        }
        tx.commit().map_err(pg)?;
        Ok(taken)
    }

    fn due(
        &self,
        now: Timestamp,
        limit: usize,
        lease: SignedDuration,
    ) -> Result<Vec<Due>, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(pg)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = tx
            .query(
                "SELECT d.endpoint, d.position, d.record, e.record, e.salt \
                 FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint \
                 WHERE d.due_at <= $1 AND NOT e.removed \
                 ORDER BY d.due_at, d.endpoint, d.position LIMIT $2 \
                 FOR UPDATE OF d SKIP LOCKED",
                &[&now.as_millisecond(), &limit],
            )
            .map_err(pg)?;
        let until = now
            .checked_add(lease)
            .unwrap_or(now)
            .as_millisecond()
            .max(now.as_millisecond().saturating_add(1));
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.get(0);
            let at: i64 = row.get(1);
            // Claimed: no other server takes it until the lease runs out.
            tx.execute(
                "UPDATE webhook_deliveries SET due_at = $3 WHERE endpoint = $1 AND position = $2",
                &[&id, &at, &until],
            )
            .map_err(pg)?;
            let endpoint: Endpoint = unjson(&row.get::<_, Vec<u8>>(3))?;
            let salt: String = row.get(4);
            out.push(Due {
                delivery: unjson(&row.get::<_, Vec<u8>>(2))?,
                secret: self.secret.endpoint_secret(&endpoint.id, &salt),
                url: endpoint.url,
            });
        }
        tx.commit().map_err(pg)?;
        Ok(out)
    }

    fn attempted(
        &self,
        id: &str,
        attempt: Attempt,
        delivered: bool,
        retry_at: Option<Timestamp>,
    ) -> Result<Option<Delivery>, StoreError> {
        let Some((endpoint, at)) = parse_delivery_id(id) else {
            return Ok(None);
        };
        let at = position(at)?;
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(pg)?;
        let Some(row) = tx
            .query_opt(
                "SELECT record FROM webhook_deliveries WHERE endpoint = $1 AND position = $2 \
                 FOR UPDATE",
                &[&endpoint, &at],
            )
            .map_err(pg)?
        else {
            return Ok(None);
        };
        let mut delivery: Delivery = unjson(&row.get::<_, Vec<u8>>(0))?;
        record_attempt(&mut delivery, attempt, delivered, retry_at);
        tx.execute(
            "UPDATE webhook_deliveries SET due_at = $3, record = $4 \
             WHERE endpoint = $1 AND position = $2",
            &[
                &endpoint,
                &at,
                &delivery.next_at.map(Timestamp::as_millisecond),
                &json(&delivery)?,
            ],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(Some(delivery))
    }

    fn replay(&self, id: &str, now: Timestamp) -> Result<Option<Delivery>, StoreError> {
        let Some((endpoint, at)) = parse_delivery_id(id) else {
            return Ok(None);
        };
        let at = position(at)?;
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(pg)?;
        let Some(row) = tx
            .query_opt(
                "SELECT d.record FROM webhook_deliveries d \
                 JOIN webhook_endpoints e ON e.id = d.endpoint \
                 WHERE d.endpoint = $1 AND d.position = $2 AND NOT e.removed FOR UPDATE OF d",
                &[&endpoint, &at],
            )
            .map_err(pg)?
        else {
            return Ok(None);
        };
        let mut delivery: Delivery = unjson(&row.get::<_, Vec<u8>>(0))?;
        delivery.status = DeliveryStatus::Pending;
        delivery.next_at = Some(now);
        tx.execute(
            "UPDATE webhook_deliveries SET due_at = $3, record = $4 \
             WHERE endpoint = $1 AND position = $2",
            &[&endpoint, &at, &now.as_millisecond(), &json(&delivery)?],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(Some(delivery))
    }

    fn deliveries(
        &self,
        endpoint: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .client()?
            .query(
                "SELECT record FROM webhook_deliveries \
                 WHERE $1::text IS NULL OR endpoint = $1 \
                 ORDER BY position DESC, endpoint LIMIT $2",
                &[&endpoint, &limit],
            )
            .map_err(pg)?;
        rows.iter()
            .map(|r| unjson(&r.get::<_, Vec<u8>>(0)))
            .collect()
    }
}
