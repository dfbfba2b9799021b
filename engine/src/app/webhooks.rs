//! Webhooks (issue 25 items 3–4): endpoints administrators configure, and what the server's
//! delivery task needs to send the outbox ([`super::outbox`]) to them.
//!
//! - `webhook add/list/remove/deliveries/replay` are administrators' use cases, each logged in
//!   the access log like every administrative act. An endpoint's secret is returned once, by
//!   `add`, and never listed, logged or exported: beside a redb database 256 bits from the
//!   OS's random source kept in the webhooks file (`<db>.webhooks`, 0600,
//!   [`crate::store::webhooks`]); on PostgreSQL derived from the deployment's master secret
//!   file and the endpoint (`WebhookSecret`), so the database and its copies hold none, and
//!   refused without that file ([`WebhookError::NoMasterSecret`]).
//! - Delivery is at least once: the delivery task takes new outbox entries in (a pending
//!   delivery each, and the endpoint's cursor moved, in one transaction of the webhooks file),
//!   attempts what is due, and records every attempt; a failed one is retried with doubling
//!   back-off ([`retry_delay`]) up to [`MAX_ATTEMPTS`], then marked failed until replayed.
//!   Each POST carries the delivery's id (`{endpoint}.{position}`) and the event's id, so a
//!   receiver de-duplicates by either.
//! - Each body is signed: HMAC-SHA256 over `timestamp + "." + body` under the endpoint's
//!   secret ([`signature`]), sent as `Wardflow-Signature: v1=<hex>` beside
//!   `Wardflow-Timestamp`.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::backend::{Backend, ReadTx};
use super::outbox::{MAX_BATCH, OutboxEntry, OutboxKind};
use super::{AppError, Caller, Office, Owner, WHOLE_DATABASE};
use crate::authority;
use crate::store::webhooks::{Attempt, Due, Webhooks};
pub use crate::store::webhooks::{Delivery, DeliveryStatus, Endpoint};

/// The longest endpoint address accepted.
pub const MAX_URL_CHARS: usize = 2000;
/// Attempts of one delivery before it is marked failed.
pub const MAX_ATTEMPTS: u32 = 10;
/// The first retry's delay; each next one doubles, up to [`MAX_RETRY_DELAY_SECS`].
pub const FIRST_RETRY_SECS: i64 = 2;
pub const MAX_RETRY_DELAY_SECS: i64 = 3600;
/// How long a server's claim on the deliveries it attempts lasts (PostgreSQL): longer than a
/// round of attempts takes; one not recorded by then (a server killed) is due again.
pub const CLAIM_SECS: i64 = 300;
/// The most deliveries a listing returns.
pub const MAX_LISTED: usize = 1000;

/// Why a webhook use case did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("a webhook address is an http:// or https:// URL of at most {max} characters")]
    BadUrl { max: usize },
    #[error("a webhook needs at least one kind of event")]
    NoEvents,
    #[error("no webhook {0}")]
    UnknownEndpoint(String),
    #[error("no delivery {0}")]
    UnknownDelivery(String),
    #[error(
        "webhooks on PostgreSQL need the webhook master secret file ([server] \
         webhook_secret_file, or --webhook-secret-file)"
    )]
    NoMasterSecret,
}

/// A new endpoint, with its secret: shown once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddedWebhook {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    pub secret: String,
}

/// The delay before retry `attempts_made + 1`: 2 s, 4 s, 8 s … at most an hour.
pub fn retry_delay(attempts_made: u32) -> SignedDuration {
    let doublings = attempts_made.saturating_sub(1).min(20);
    let secs = FIRST_RETRY_SECS
        .saturating_mul(1i64 << doublings)
        .min(MAX_RETRY_DELAY_SECS);
    SignedDuration::from_secs(secs)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signature of `body` sent at `timestamp` (Unix seconds, as in `Wardflow-Timestamp`)
/// under `secret`: `v1=` and the hex HMAC-SHA256 of `timestamp + "." + body`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    format!(
        "v1={}",
        hex(&crate::letters::archive::hmac_sha256(
            secret.as_bytes(),
            &signed
        ))
    )
}

/// The body a delivery sends: the event's ids and kinds, the delivery's id. Nothing of a
/// child or a reporter is in an outbox entry, so nothing of them can be here.
pub fn payload(delivery: &Delivery) -> serde_json::Value {
    let e = &delivery.event;
    let mut body = serde_json::json!({
        "delivery_id": delivery.id,
        "event_id": e.id,
        "kind": e.kind,
        "position": e.position,
        "case": e.case,
        "workflow": e.workflow,
        "state": e.state,
        "at": e.at,
    });
    if let Some(object) = body.as_object_mut() {
        for (key, value) in [
            ("unit", &e.unit),
            ("letter", &e.letter),
            ("deadline", &e.deadline),
        ] {
            if let Some(v) = value {
                object.insert(key.to_owned(), serde_json::Value::String(v.clone()));
            }
        }
    }
    body
}

/// Checks an endpoint address: http(s), bounded, no spaces or control characters.
fn check_url(url: &str) -> Result<String, WebhookError> {
    let url = url.trim();
    let scheme = url.starts_with("http://") || url.starts_with("https://");
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    if !scheme
        || host.is_empty()
        || host.starts_with('/')
        || url.chars().count() > MAX_URL_CHARS
        || url.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(WebhookError::BadUrl { max: MAX_URL_CHARS });
    }
    Ok(url.to_owned())
}

impl<B: Backend> Office<B> {
    /// Where the webhooks are kept, opened (and made) on first use: the webhooks file beside
    /// a redb database, tables of a PostgreSQL one (with the master secret only).
    fn hooks(&self) -> Result<Arc<dyn Webhooks>, AppError> {
        let mut slot = self.webhooks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        if !self.webhooks_kept() {
            return Err(WebhookError::NoMasterSecret.into());
        }
        let store: Arc<dyn Webhooks> =
            Arc::from(self.backend.webhooks(self.webhook_secret.as_ref())?);
        *slot = Some(store.clone());
        Ok(store)
    }

    /// Adds an endpoint sent `events` (administrators): the endpoint and its new secret,
    /// which is shown this once.
    pub fn add_webhook(
        &self,
        caller: &Caller,
        url: &str,
        events: &[OutboxKind],
    ) -> Result<AddedWebhook, AppError> {
        let now = self.now(caller)?;
        let url = check_url(url)?;
        if events.is_empty() {
            return Err(WebhookError::NoEvents.into());
        }
        let mut events = events.to_vec();
        events.sort();
        events.dedup();
        let admin = self.authorise(caller, Owner::Administrator, "webhook:add")?;
        let (endpoint, secret) = self.hooks()?.add(&url, &events, &admin.name, now)?;
        // The access log names the endpoint and its address, never the secret.
        let action = format!("webhook:add {} {url}", endpoint.id);
        self.log(caller, now, WHOLE_DATABASE, &action, None)?;
        Ok(AddedWebhook { endpoint, secret })
    }

    /// Every endpoint, removed ones too (administrators), without secrets.
    pub fn webhooks(&self, caller: &Caller) -> Result<Vec<Endpoint>, AppError> {
        self.authorise(caller, Owner::Administrator, "webhook:list")?;
        Ok(self.hooks()?.endpoints()?)
    }

    /// Removes an endpoint (administrators): nothing more is sent to it, its secret is
    /// forgotten, its delivery log is kept.
    pub fn remove_webhook(&self, caller: &Caller, id: &str) -> Result<Endpoint, AppError> {
        let now = self.now(caller)?;
        let action = format!("webhook:remove {}", id.trim());
        let admin = self.authorise(caller, Owner::Administrator, &action)?;
        let removed = self
            .hooks()?
            .remove(id.trim(), &admin.name, now)?
            .ok_or_else(|| WebhookError::UnknownEndpoint(id.trim().to_owned()))?;
        self.log(caller, now, WHOLE_DATABASE, &action, None)?;
        Ok(removed)
    }

    /// The delivery log (administrators): to `endpoint`, or to every one, latest first.
    pub fn webhook_deliveries(
        &self,
        caller: &Caller,
        endpoint: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Delivery>, AppError> {
        self.authorise(caller, Owner::Administrator, "webhook:deliveries")?;
        let hooks = self.hooks()?;
        if let Some(id) = endpoint
            && hooks.endpoints()?.iter().all(|e| e.id != id)
        {
            return Err(WebhookError::UnknownEndpoint(id.to_owned()).into());
        }
        Ok(hooks.deliveries(endpoint, limit.clamp(1, MAX_LISTED))?)
    }

    /// Sends a delivery again (administrators): it is pending again, due now, with the same id.
    pub fn replay_delivery(&self, caller: &Caller, id: &str) -> Result<Delivery, AppError> {
        let now = self.now(caller)?;
        let action = format!("webhook:replay {}", id.trim());
        self.authorise(caller, Owner::Administrator, &action)?;
        // Replayed on the wall clock: delivery runs on it, whatever a simulation's clock says.
        let delivery = self
            .hooks()?
            .replay(id.trim(), Self::wall())?
            .ok_or_else(|| WebhookError::UnknownDelivery(id.trim().to_owned()))?;
        self.log(caller, now, WHOLE_DATABASE, &action, None)?;
        Ok(delivery)
    }

    // ----- the server's delivery task -----

    /// Takes the outbox's new entries in for every configured endpoint, then returns the
    /// deliveries due at `now` (at most `limit`), claimed for [`CLAIM_SECS`] where several
    /// servers share the database. Called by the server's delivery task.
    pub fn webhooks_due(&self, now: Timestamp, limit: usize) -> Result<Vec<Due>, AppError> {
        let hooks = self.hooks()?;
        for (endpoint, mut at) in hooks.cursors()? {
            loop {
                let entries = self
                    .backend
                    .snapshot(|tx: &dyn ReadTx| tx.outbox(at, MAX_BATCH))?;
                let Some(last) = entries.last().map(|e| e.position) else {
                    break;
                };
                hooks.take_in(&endpoint, &entries, last, now)?;
                at = last;
                if entries.len() < MAX_BATCH {
                    break;
                }
            }
        }
        Ok(hooks.due(now, limit, SignedDuration::from_secs(CLAIM_SECS))?)
    }

    /// Records an attempt of delivery `id` at `now`: delivered, else retried after
    /// [`retry_delay`] until [`MAX_ATTEMPTS`], then failed.
    pub fn webhook_attempted(
        &self,
        delivery: &Delivery,
        now: Timestamp,
        status: Option<u16>,
        error: Option<String>,
    ) -> Result<Option<Delivery>, AppError> {
        let delivered = error.is_none() && status.is_some_and(|s| (200..300).contains(&s));
        let made = delivery.attempts_made.saturating_add(1);
        let retry_at = (made < MAX_ATTEMPTS)
            .then(|| now.checked_add(retry_delay(made)).ok())
            .flatten();
        let attempt = Attempt {
            at: now,
            status,
            error,
        };
        Ok(self
            .hooks()?
            .attempted(&delivery.id, attempt, delivered, retry_at)?)
    }
}

impl<B: Backend> Office<B> {
    /// The events after position `after` that the caller may see (the server-sent event
    /// stream): those of cases handled by a unit the caller's covers, at most `limit`, and the
    /// last position read (to resume from, whether or not anything was visible).
    pub fn events_after(
        &self,
        caller: &Caller,
        after: u64,
        limit: usize,
    ) -> Result<(Vec<OutboxEntry>, u64), AppError> {
        let (user, units) = self.reader(caller)?;
        let entries = self
            .backend
            .snapshot(|tx: &dyn ReadTx| tx.outbox(after, limit.clamp(1, MAX_BATCH)))?;
        let last = entries.last().map_or(after, |e| e.position);
        let visible = entries
            .into_iter()
            .filter(|e| authority::may_reach(&units, &user, e.unit.as_deref()).is_ok())
            .collect();
        Ok((visible, last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        let sig = signature("Jefe", 0, b"");
        assert!(sig.starts_with("v1=") && sig.len() == 67, "{sig}");
        let a = signature("whsec_a", 1_700_000_000, b"{\"x\":1}");
        assert_eq!(a, signature("whsec_a", 1_700_000_000, b"{\"x\":1}"));
        assert_ne!(a, signature("whsec_b", 1_700_000_000, b"{\"x\":1}"));
        assert_ne!(a, signature("whsec_a", 1_700_000_001, b"{\"x\":1}"));
        // The archive's HMAC is checked against RFC 4231; this is it over `7.body`.
        let mac = crate::letters::archive::hmac_sha256(b"k", b"7.body");
        assert_eq!(signature("k", 7, b"body"), format!("v1={}", hex(&mac)));
    }

    #[test]
    fn retries_double_and_stay_bounded() {
        assert_eq!(retry_delay(1), SignedDuration::from_secs(2));
        assert_eq!(retry_delay(2), SignedDuration::from_secs(4));
        assert_eq!(retry_delay(3), SignedDuration::from_secs(8));
        assert_eq!(
            retry_delay(u32::MAX),
            SignedDuration::from_secs(MAX_RETRY_DELAY_SECS)
        );
    }

    #[test]
    fn addresses_are_http_urls_within_bounds() {
        assert!(check_url("https://hooks.example/x").is_ok());
        assert!(check_url("http://127.0.0.1:9/").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https:///path",
            "http://a b",
            "hooks.example",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(check_url(&format!("https://x/{}", "a".repeat(MAX_URL_CHARS))).is_err());
    }
}
