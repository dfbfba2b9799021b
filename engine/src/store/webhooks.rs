//! Where webhooks are kept ([`Webhooks`], issue 25 items 3–4; on PostgreSQL issue 24): the
//! endpoints administrators configured, how far each has read the outbox and the delivery
//! log. Beside a redb database they live in their own redb file (`<db>.webhooks`, created
//! 0600, like the credentials file, [`WebhookStore`]), each endpoint's random secret with
//! them, so the case store's format does not change and a copy or export of the case data
//! carries no secret; on PostgreSQL in tables of the shared database
//! (`crate::pg::webhooks`), every secret derived from the deployment's master secret
//! ([`WebhookSecret`]) and never stored. The rules (who may, what is delivered when) are
//! `crate::app::webhooks`'s.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use super::{StoreError, corrupt, storage};
use crate::app::outbox::{OutboxEntry, OutboxKind};

/// Endpoint id → [`Endpoint`] (JSON).
const ENDPOINTS: TableDefinition<&str, &[u8]> = TableDefinition::new("endpoints");
/// Endpoint id → its secret. Read only to sign; never listed.
const SECRETS: TableDefinition<&str, &str> = TableDefinition::new("secrets");
/// Endpoint id → the last outbox position it has taken in.
const CURSORS: TableDefinition<&str, u64> = TableDefinition::new("cursors");
/// (endpoint id, outbox position) → [`Delivery`] (JSON).
const DELIVERIES: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("deliveries");
/// (next attempt in ms, endpoint id, position): the deliveries still to be attempted.
const DUE: TableDefinition<(i64, &str, u64), ()> = TableDefinition::new("due");
/// name → value (the counter of endpoint ids).
const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");

/// The most attempts a delivery's log keeps (the latest ones).
pub const MAX_LOGGED_ATTEMPTS: usize = 20;

/// The webhooks file of the database at `db`.
pub fn webhooks_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".webhooks");
    PathBuf::from(name)
}

/// A configured endpoint, as listed: everything but its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// `wh1`, `wh2` …
    pub id: String,
    pub url: String,
    /// The kinds of event it is sent.
    pub events: Vec<OutboxKind>,
    pub created_at: Timestamp,
    pub created_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_by: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed; an administrator may replay it.
    Failed,
}

/// One attempt to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: Timestamp,
    /// The receiver's HTTP status, if it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why it failed (no answer, a status outside 2xx), in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One event for one endpoint, with its log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// `{endpoint}.{position}`: stable over every attempt and replay.
    pub id: String,
    pub endpoint: String,
    pub event: OutboxEntry,
    pub status: DeliveryStatus,
    /// Attempts made in all (the log keeps the latest [`MAX_LOGGED_ATTEMPTS`]).
    pub attempts_made: u32,
    pub attempts: Vec<Attempt>,
    /// When the next attempt is due (pending only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_at: Option<Timestamp>,
}

impl Delivery {
    /// The first, pending delivery of `entry` to `endpoint`, due at `now`, if the endpoint
    /// wants that kind of event and has not taken it in yet (its cursor is at `taken_to`).
    pub fn first(
        endpoint: &Endpoint,
        entry: &OutboxEntry,
        taken_to: u64,
        now: Timestamp,
    ) -> Option<Delivery> {
        if entry.position <= taken_to || !endpoint.events.contains(&entry.kind) {
            return None;
        }
        Some(Delivery {
            id: delivery_id(&endpoint.id, entry.position),
            endpoint: endpoint.id.clone(),
            event: entry.clone(),
            status: DeliveryStatus::Pending,
            attempts_made: 0,
            attempts: Vec::new(),
            next_at: Some(now),
        })
    }
}

/// The id of the delivery of outbox position `position` to `endpoint`.
pub fn delivery_id(endpoint: &str, position: u64) -> String {
    format!("{endpoint}.{position}")
}

/// Splits a delivery id into its endpoint and position.
pub fn parse_delivery_id(id: &str) -> Option<(&str, u64)> {
    let (endpoint, position) = id.rsplit_once('.')?;
    Some((endpoint, position.parse().ok()?))
}

/// A delivery due to be attempted, with what it is sent to.
#[derive(Debug, Clone)]
pub struct Due {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

/// The webhook master secret every server of a PostgreSQL deployment is given (`[server]
/// webhook_secret_file`): each endpoint's signing secret is derived from it
/// ([`WebhookSecret::endpoint_secret`]), so no secret is in the database or its copies.
#[derive(Clone)]
pub struct WebhookSecret([u8; 32]);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// Why a webhook master secret file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretFileError {
    #[error("cannot read {path}: {detail}")]
    Unreadable { path: PathBuf, detail: String },
    #[error("{path} may be read by others than its owner (chmod 600)")]
    Open { path: PathBuf },
    #[error("{path} holds no secret of at least 32 bytes")]
    TooShort { path: PathBuf },
}

impl WebhookSecret {
    /// The shortest master secret accepted, in bytes.
    pub const MIN_BYTES: usize = 32;

    /// A master secret from its bytes (at least [`Self::MIN_BYTES`], surrounding white space
    /// ignored): SHA-256 of them, so any text or binary of enough entropy will do.
    pub fn from_bytes(bytes: &[u8]) -> Option<WebhookSecret> {
        let text = bytes.trim_ascii();
        if text.len() < Self::MIN_BYTES {
            return None;
        }
        use sha2::Digest;
        Some(WebhookSecret(sha2::Sha256::digest(text).into()))
    }

    /// Reads the master secret file at `path`, which only its owner may read.
    pub fn read(path: &Path) -> Result<WebhookSecret, SecretFileError> {
        let unreadable = |e: std::io::Error| SecretFileError::Unreadable {
            path: path.to_owned(),
            detail: e.to_string(),
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077 != 0 {
            return Err(SecretFileError::Open {
                path: path.to_owned(),
            });
        }
        let bytes = std::fs::read(path).map_err(unreadable)?;
        WebhookSecret::from_bytes(&bytes).ok_or_else(|| SecretFileError::TooShort {
            path: path.to_owned(),
        })
    }

    /// The signing secret of endpoint `id` made with `salt` (stored beside the endpoint, not
    /// secret): `whsec_` and the hex HMAC-SHA256 under the master secret of
    /// `wardflow-webhook\0{id}\0{salt}`. The salt keeps an endpoint made again under an old
    /// id (a database made anew) from getting the old secret.
    pub fn endpoint_secret(&self, id: &str, salt: &str) -> String {
        let message = format!("wardflow-webhook\0{id}\0{salt}");
        let mac = crate::letters::archive::hmac_sha256(&self.0, message.as_bytes());
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        format!("whsec_{hex}")
    }
}

/// A new random endpoint secret (256 bits from the OS's random source), as redb keeps them.
pub fn random_secret() -> Result<String, StoreError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| StoreError::Storage(e.to_string()))?;
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("whsec_{hex}"))
}

/// Where a database's webhooks are kept: the webhooks file beside a redb database, tables of
/// a PostgreSQL one. Each call is one transaction. Several servers may share one
/// PostgreSQL database: [`Webhooks::due`] claims what it returns, so each delivery is
/// attempted by one server at a time.
pub trait Webhooks: Send + Sync {
    /// Adds an endpoint (its id is given here): the endpoint as stored and its secret, which
    /// is returned this once.
    fn add(
        &self,
        url: &str,
        events: &[OutboxKind],
        by: &str,
        now: Timestamp,
    ) -> Result<(Endpoint, String), StoreError>;
    /// Every endpoint, removed ones too, in id order (numerically).
    fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError>;
    /// Marks an endpoint removed (nothing more is sent to it; its secret is forgotten, its
    /// log kept). None when there is no such endpoint or it was removed already.
    fn remove(&self, id: &str, by: &str, now: Timestamp) -> Result<Option<Endpoint>, StoreError>;
    /// The endpoints still configured, each with how far it has read the outbox.
    fn cursors(&self) -> Result<Vec<(Endpoint, u64)>, StoreError>;
    /// Takes in outbox entries for `endpoint` up to `through`: a pending delivery, due `now`,
    /// for each of `entries` of a kind it is sent and not taken in yet, and its cursor moved
    /// to `through`, in one transaction. How many were new.
    fn take_in(
        &self,
        endpoint: &Endpoint,
        entries: &[OutboxEntry],
        through: u64,
        now: Timestamp,
    ) -> Result<usize, StoreError>;
    /// The deliveries due at `now` to endpoints still configured, soonest first, at most
    /// `limit`, each with its endpoint's address and secret; claimed until `now + lease`
    /// where servers share the store (an attempt not recorded by then is due again).
    fn due(
        &self,
        now: Timestamp,
        limit: usize,
        lease: jiff::SignedDuration,
    ) -> Result<Vec<Due>, StoreError>;
    /// Records an attempt of delivery `id`: delivered, or pending again at `retry_at`, or
    /// failed for good when that is None.
    fn attempted(
        &self,
        id: &str,
        attempt: Attempt,
        delivered: bool,
        retry_at: Option<Timestamp>,
    ) -> Result<Option<Delivery>, StoreError>;
    /// Makes delivery `id` pending again, due `now` (a replay): None when there is none, or
    /// its endpoint was removed.
    fn replay(&self, id: &str, now: Timestamp) -> Result<Option<Delivery>, StoreError>;
    /// The deliveries to `endpoint` (every endpoint when None), latest first, at most `limit`.
    fn deliveries(&self, endpoint: Option<&str>, limit: usize)
    -> Result<Vec<Delivery>, StoreError>;
}

/// Records `attempt` into `delivery`: its log (the latest [`MAX_LOGGED_ATTEMPTS`]), count,
/// status and next attempt. The same on every store.
pub fn record_attempt(
    delivery: &mut Delivery,
    attempt: Attempt,
    delivered: bool,
    retry_at: Option<Timestamp>,
) {
    delivery.attempts_made = delivery.attempts_made.saturating_add(1);
    delivery.attempts.push(attempt);
    let excess = delivery.attempts.len().saturating_sub(MAX_LOGGED_ATTEMPTS);
    delivery.attempts.drain(..excess);
    (delivery.status, delivery.next_at) = match (delivered, retry_at) {
        (true, _) => (DeliveryStatus::Delivered, None),
        (false, Some(at)) => (DeliveryStatus::Pending, Some(at)),
        (false, None) => (DeliveryStatus::Failed, None),
    };
}

/// The open webhooks file.
pub struct WebhookStore {
    db: Database,
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(corrupt)
}

fn unjson<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(corrupt)
}

impl WebhookStore {
    /// Opens the webhooks file beside the database at `db`, creating it (0600, the owner only).
    pub fn open(db: &Path) -> Result<WebhookStore, StoreError> {
        let path = webhooks_path(db);
        let fresh = match std::os::unix::fs::OpenOptionsExt::mode(
            std::fs::OpenOptions::new().write(true).create_new(true),
            0o600,
        )
        .open(&path)
        {
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(StoreError::ReadOnly);
            }
            Err(e) => return Err(StoreError::Storage(e.to_string())),
        };
        let db = match Database::create(&path) {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(StoreError::Busy {
                    waited: std::time::Duration::ZERO,
                });
            }
            Err(e) => {
                if fresh {
                    let _ = std::fs::remove_file(&path);
                }
                return Err(storage(e));
            }
        };
        let tx = db.begin_write().map_err(storage)?;
        {
            tx.open_table(ENDPOINTS).map_err(storage)?;
            tx.open_table(SECRETS).map_err(storage)?;
            tx.open_table(CURSORS).map_err(storage)?;
            tx.open_table(DELIVERIES).map_err(storage)?;
            tx.open_table(DUE).map_err(storage)?;
            tx.open_table(COUNTERS).map_err(storage)?;
        }
        tx.commit().map_err(storage)?;
        Ok(WebhookStore { db })
    }

    /// Adds an endpoint with the secret given.
    pub fn add_with(
        &self,
        url: &str,
        events: &[OutboxKind],
        secret: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<Endpoint, StoreError> {
        self.add_secret(url, events, secret, by, now)
    }
}

impl Webhooks for WebhookStore {
    fn add(
        &self,
        url: &str,
        events: &[OutboxKind],
        by: &str,
        now: Timestamp,
    ) -> Result<(Endpoint, String), StoreError> {
        let secret = random_secret()?;
        let endpoint = self.add_secret(url, events, &secret, by, now)?;
        Ok((endpoint, secret))
    }

    fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError> {
        WebhookStore::endpoints(self)
    }

    fn remove(&self, id: &str, by: &str, now: Timestamp) -> Result<Option<Endpoint>, StoreError> {
        WebhookStore::remove(self, id, by, now)
    }

    fn cursors(&self) -> Result<Vec<(Endpoint, u64)>, StoreError> {
        WebhookStore::cursors(self)
    }

    fn take_in(
        &self,
        endpoint: &Endpoint,
        entries: &[OutboxEntry],
        through: u64,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        WebhookStore::take_in(self, endpoint, entries, through, now)
    }

    /// One server holds a redb database: nothing to claim.
    fn due(
        &self,
        now: Timestamp,
        limit: usize,
        _lease: jiff::SignedDuration,
    ) -> Result<Vec<Due>, StoreError> {
        WebhookStore::due(self, now, limit)
    }

    fn attempted(
        &self,
        id: &str,
        attempt: Attempt,
        delivered: bool,
        retry_at: Option<Timestamp>,
    ) -> Result<Option<Delivery>, StoreError> {
        WebhookStore::attempted(self, id, attempt, delivered, retry_at)
    }

    fn replay(&self, id: &str, now: Timestamp) -> Result<Option<Delivery>, StoreError> {
        WebhookStore::replay(self, id, now)
    }

    fn deliveries(
        &self,
        endpoint: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        WebhookStore::deliveries(self, endpoint, limit)
    }
}

impl WebhookStore {
    /// Adds an endpoint (its id is given here) with its secret; the endpoint as stored.
    fn add_secret(
        &self,
        url: &str,
        events: &[OutboxKind],
        secret: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<Endpoint, StoreError> {
        let tx = self.db.begin_write().map_err(storage)?;
        let endpoint = {
            let mut counters = tx.open_table(COUNTERS).map_err(storage)?;
            let n = counters
                .get("endpoint")
                .map_err(storage)?
                .map_or(0, |v| v.value())
                .saturating_add(1);
            counters.insert("endpoint", n).map_err(storage)?;
            let endpoint = Endpoint {
                id: format!("wh{n}"),
                url: url.to_owned(),
                events: events.to_vec(),
                created_at: now,
                created_by: by.to_owned(),
                removed_at: None,
                removed_by: None,
            };
            let id = endpoint.id.as_str();
            tx.open_table(ENDPOINTS)
                .map_err(storage)?
                .insert(id, json(&endpoint)?.as_slice())
                .map_err(storage)?;
            tx.open_table(SECRETS)
                .map_err(storage)?
                .insert(id, secret)
                .map_err(storage)?;
            tx.open_table(CURSORS)
                .map_err(storage)?
                .insert(id, 0)
                .map_err(storage)?;
            endpoint
        };
        tx.commit().map_err(storage)?;
        Ok(endpoint)
    }

    /// Every endpoint, removed ones too, in id order (numerically).
    pub fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = tx.open_table(ENDPOINTS).map_err(storage)?;
        let mut out: Vec<Endpoint> = Vec::new();
        for entry in table.iter().map_err(storage)? {
            let (_, v) = entry.map_err(storage)?;
            out.push(unjson(v.value())?);
        }
        out.sort_by_key(|e| (e.id.len(), e.id.clone()));
        Ok(out)
    }

    /// Marks an endpoint removed (nothing more is sent to it; its secret is forgotten, its log
    /// kept). None when there is no such endpoint or it was removed already.
    pub fn remove(
        &self,
        id: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<Option<Endpoint>, StoreError> {
        let tx = self.db.begin_write().map_err(storage)?;
        let removed = {
            let mut endpoints = tx.open_table(ENDPOINTS).map_err(storage)?;
            let found: Option<Endpoint> = match endpoints.get(id).map_err(storage)? {
                Some(v) => Some(unjson(v.value())?),
                None => None,
            };
            match found {
                Some(mut endpoint) if endpoint.removed_at.is_none() => {
                    endpoint.removed_at = Some(now);
                    endpoint.removed_by = Some(by.to_owned());
                    endpoints
                        .insert(id, json(&endpoint)?.as_slice())
                        .map_err(storage)?;
                    tx.open_table(SECRETS)
                        .map_err(storage)?
                        .remove(id)
                        .map_err(storage)?;
                    // What was still to be sent will not be: failed, out of the due index.
                    let mut due = tx.open_table(DUE).map_err(storage)?;
                    let mut deliveries = tx.open_table(DELIVERIES).map_err(storage)?;
                    let mut waiting: Vec<(i64, u64)> = Vec::new();
                    for entry in due.iter().map_err(storage)? {
                        let (key, _) = entry.map_err(storage)?;
                        let (at, endpoint, position) = key.value();
                        if endpoint == id {
                            waiting.push((at, position));
                        }
                    }
                    for (at, position) in waiting {
                        due.remove((at, id, position)).map_err(storage)?;
                        let found: Option<Delivery> =
                            match deliveries.get((id, position)).map_err(storage)? {
                                Some(v) => Some(unjson(v.value())?),
                                None => None,
                            };
                        if let Some(mut delivery) = found {
                            delivery.status = DeliveryStatus::Failed;
                            delivery.next_at = None;
                            deliveries
                                .insert((id, position), json(&delivery)?.as_slice())
                                .map_err(storage)?;
                        }
                    }
                    Some(endpoint)
                }
                _ => None,
            }
        };
        tx.commit().map_err(storage)?;
        Ok(removed)
    }

    /// The endpoints still configured, each with how far it has read the outbox.
    pub fn cursors(&self) -> Result<Vec<(Endpoint, u64)>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let cursors = tx.open_table(CURSORS).map_err(storage)?;
        let mut out = Vec::new();
        for endpoint in self.endpoints()? {
            if endpoint.removed_at.is_some() {
                continue;
            }
            let at = cursors
                .get(endpoint.id.as_str())
                .map_err(storage)?
                .map_or(0, |v| v.value());
            out.push((endpoint, at));
        }
        Ok(out)
    }

    /// Takes in outbox entries for `endpoint` up to `through`: a pending delivery, due `now`,
    /// for each of `entries` of a kind it is sent, and its cursor moved to `through`, in one
    /// transaction (a crash before it takes them in again, after it has them all).
    pub fn take_in(
        &self,
        endpoint: &Endpoint,
        entries: &[OutboxEntry],
        through: u64,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let tx = self.db.begin_write().map_err(storage)?;
        let mut taken = 0;
        {
            let mut cursors = tx.open_table(CURSORS).map_err(storage)?;
            let at = cursors
                .get(endpoint.id.as_str())
                .map_err(storage)?
                .map_or(0, |v| v.value());
            let mut deliveries = tx.open_table(DELIVERIES).map_err(storage)?;
            let mut due = tx.open_table(DUE).map_err(storage)?;
            for entry in entries {
                let Some(delivery) = Delivery::first(endpoint, entry, at, now) else {
                    continue;
                };
                let key = (endpoint.id.as_str(), entry.position);
                if deliveries.get(key).map_err(storage)?.is_some() {
                    continue;
                }
                deliveries
                    .insert(key, json(&delivery)?.as_slice())
                    .map_err(storage)?;
                due.insert(
                    (now.as_millisecond(), endpoint.id.as_str(), entry.position),
                    (),
                )
                .map_err(storage)?;
                taken += 1;
            }
            if through > at {
                cursors
                    .insert(endpoint.id.as_str(), through)
                    .map_err(storage)?;
            }
        }
        tx.commit().map_err(storage)?;
        Ok(taken)
    }

    /// The deliveries due at `now` to endpoints still configured, soonest first, at most
    /// `limit`, each with its endpoint's address and secret.
    pub fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<Due>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let due = tx.open_table(DUE).map_err(storage)?;
        let deliveries = tx.open_table(DELIVERIES).map_err(storage)?;
        let endpoints = tx.open_table(ENDPOINTS).map_err(storage)?;
        let secrets = tx.open_table(SECRETS).map_err(storage)?;
        let end = now.as_millisecond().saturating_add(1);
        let mut out = Vec::new();
        for entry in due.range(..(end, "", 0)).map_err(storage)? {
            if out.len() >= limit {
                break;
            }
            let (key, _) = entry.map_err(storage)?;
            let (_, endpoint, position) = key.value();
            let Some(secret) = secrets.get(endpoint).map_err(storage)? else {
                continue; // removed
            };
            let Some(found) = endpoints.get(endpoint).map_err(storage)? else {
                continue;
            };
            let found: Endpoint = unjson(found.value())?;
            let Some(delivery) = deliveries.get((endpoint, position)).map_err(storage)? else {
                continue;
            };
            out.push(Due {
                delivery: unjson(delivery.value())?,
                url: found.url,
                secret: secret.value().to_owned(),
            });
        }
        Ok(out)
    }

    /// Records an attempt of delivery `id`: delivered, or pending again at `retry_at`, or
    /// failed for good when that is None.
    pub fn attempted(
        &self,
        id: &str,
        attempt: Attempt,
        delivered: bool,
        retry_at: Option<Timestamp>,
    ) -> Result<Option<Delivery>, StoreError> {
        let Some((endpoint, position)) = parse_delivery_id(id) else {
            return Ok(None);
        };
        let tx = self.db.begin_write().map_err(storage)?;
        let out = {
            let mut deliveries = tx.open_table(DELIVERIES).map_err(storage)?;
            let mut due = tx.open_table(DUE).map_err(storage)?;
            let found: Option<Delivery> =
                match deliveries.get((endpoint, position)).map_err(storage)? {
                    Some(v) => Some(unjson(v.value())?),
                    None => None,
                };
            match found {
                None => None,
                Some(mut delivery) => {
                    if let Some(next) = delivery.next_at {
                        due.remove((next.as_millisecond(), endpoint, position))
                            .map_err(storage)?;
                    }
                    record_attempt(&mut delivery, attempt, delivered, retry_at);
                    if let Some(next) = delivery.next_at {
                        due.insert((next.as_millisecond(), endpoint, position), ())
                            .map_err(storage)?;
                    }
                    deliveries
                        .insert((endpoint, position), json(&delivery)?.as_slice())
                        .map_err(storage)?;
                    Some(delivery)
                }
            }
        };
        tx.commit().map_err(storage)?;
        Ok(out)
    }

    /// Makes delivery `id` pending again, due `now` (a replay): None when there is none, or
    /// its endpoint was removed.
    pub fn replay(&self, id: &str, now: Timestamp) -> Result<Option<Delivery>, StoreError> {
        let Some((endpoint, position)) = parse_delivery_id(id) else {
            return Ok(None);
        };
        let tx = self.db.begin_write().map_err(storage)?;
        let removed = tx
            .open_table(SECRETS)
            .map_err(storage)?
            .get(endpoint)
            .map_err(storage)?
            .is_none();
        if removed {
            return Ok(None);
        }
        let out = {
            let mut deliveries = tx.open_table(DELIVERIES).map_err(storage)?;
            let mut due = tx.open_table(DUE).map_err(storage)?;
            let found: Option<Delivery> =
                match deliveries.get((endpoint, position)).map_err(storage)? {
                    Some(v) => Some(unjson(v.value())?),
                    None => None,
                };
            match found {
                None => None,
                Some(mut delivery) => {
                    if let Some(next) = delivery.next_at {
                        due.remove((next.as_millisecond(), endpoint, position))
                            .map_err(storage)?;
                    }
                    delivery.status = DeliveryStatus::Pending;
                    delivery.next_at = Some(now);
                    due.insert((now.as_millisecond(), endpoint, position), ())
                        .map_err(storage)?;
                    deliveries
                        .insert((endpoint, position), json(&delivery)?.as_slice())
                        .map_err(storage)?;
                    Some(delivery)
                }
            }
        };
        tx.commit().map_err(storage)?;
        Ok(out)
    }

    /// The deliveries to `endpoint` (every endpoint when None), latest first, at most `limit`.
    pub fn deliveries(
        &self,
        endpoint: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = tx.open_table(DELIVERIES).map_err(storage)?;
        let mut out: Vec<Delivery> = Vec::new();
        let iter = match endpoint {
            Some(e) => table.range((e, 0)..=(e, u64::MAX)).map_err(storage)?,
            None => table.iter().map_err(storage)?,
        };
        for entry in iter {
            let (_, v) = entry.map_err(storage)?;
            out.push(unjson(v.value())?);
        }
        out.sort_by(|a, b| {
            b.event
                .position
                .cmp(&a.event.position)
                .then(a.id.cmp(&b.id))
        });
        out.truncate(limit);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("instant")
    }

    fn entry(position: u64, kind: OutboxKind) -> OutboxEntry {
        OutboxEntry {
            position,
            id: format!("2026-000001#{position}"),
            kind,
            case: "2026-000001".into(),
            workflow: "w".into(),
            unit: None,
            state: "s".into(),
            letter: None,
            deadline: None,
            at: at("2026-12-01T00:00:00Z"),
        }
    }

    #[test]
    fn deliveries_are_taken_in_once_retried_replayed_and_dropped_with_their_endpoint() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("w.redb");
        let store = WebhookStore::open(&db).expect("opens");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(webhooks_path(&db))
                .expect("file")
                .permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
        let t0 = at("2026-12-01T00:00:00Z");
        let hook = store
            .add_with(
                "http://x/",
                &[OutboxKind::DeadlineBreached],
                "whsec_s",
                "张三",
                t0,
            )
            .expect("adds");
        assert_eq!(hook.id, "wh1");
        let entries = [
            entry(1, OutboxKind::CaseOpened),
            entry(2, OutboxKind::DeadlineBreached),
        ];
        assert_eq!(store.take_in(&hook, &entries, 2, t0).expect("takes"), 1);
        // Taken in once: the cursor has moved past them.
        assert_eq!(store.take_in(&hook, &entries, 2, t0).expect("again"), 0);
        let due = store.due(t0, 10).expect("due");
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].delivery.id, "wh1.2");
        assert_eq!(due[0].secret, "whsec_s");
        // A failed attempt is due again at its retry, not before.
        let retry = at("2026-12-01T00:00:02Z");
        let failed = Attempt {
            at: t0,
            status: Some(500),
            error: Some("HTTP 500".into()),
        };
        store
            .attempted("wh1.2", failed, false, Some(retry))
            .expect("records");
        assert!(store.due(t0, 10).expect("due").is_empty());
        assert_eq!(store.due(retry, 10).expect("due").len(), 1);
        let ok = Attempt {
            at: retry,
            status: Some(204),
            error: None,
        };
        let done = store
            .attempted("wh1.2", ok, true, None)
            .expect("records")
            .expect("found");
        assert_eq!(done.status, DeliveryStatus::Delivered);
        assert_eq!(done.attempts_made, 2);
        assert!(store.due(retry, 10).expect("due").is_empty());
        // Replayed under the same id.
        let again = store
            .replay("wh1.2", retry)
            .expect("replays")
            .expect("found");
        assert_eq!(
            (again.id.as_str(), again.status),
            ("wh1.2", DeliveryStatus::Pending)
        );
        assert_eq!(store.due(retry, 10).expect("due").len(), 1);
        assert!(store.replay("wh1.9", retry).expect("replays").is_none());
        // Removed: nothing more is due, the waiting one failed, its secret gone, no replay.
        store
            .remove("wh1", "张三", retry)
            .expect("removes")
            .expect("found");
        assert!(store.due(retry, 10).expect("due").is_empty());
        let log = store.deliveries(Some("wh1"), 10).expect("log");
        assert_eq!(log[0].status, DeliveryStatus::Failed);
        assert!(store.replay("wh1.2", retry).expect("replays").is_none());
        assert!(
            store
                .remove("wh1", "张三", retry)
                .expect("removes")
                .is_none()
        );
        assert!(store.cursors().expect("cursors").is_empty());
    }
}
