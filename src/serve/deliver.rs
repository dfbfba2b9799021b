//! The webhook delivery task of `wardflow serve` (issue 25): a tokio task beside the deadline
//! runner that, every [`ROUND`], has the office take the outbox's new entries in and hand back
//! the deliveries due (`Office::webhooks_due`), POSTs each on a blocking thread (ureq), and
//! records the attempt (`Office::webhook_attempted`: delivered, retried with doubling back-off,
//! or failed after the last attempt). What is taken in and every attempt are durable in the
//! webhooks file, so a restarted server goes on where it stopped: at least once, each event
//! under the same delivery id however often it is sent.
//!
//! Each POST: `Content-Type: application/json`, `Wardflow-Delivery: <delivery id>`,
//! `Wardflow-Event: <event id>`, `Wardflow-Timestamp: <Unix seconds>`, `Wardflow-Signature:
//! v1=<hex HMAC-SHA256 of timestamp + "." + body under the endpoint's secret>`. Connecting and
//! the whole exchange are bounded ([`TIMEOUT`]); at most [`MAX_RESPONSE`] bytes of an answer
//! are read (and kept only as its status).

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wardflow_engine::app::Office;
use wardflow_engine::app::database::Database;
use wardflow_engine::app::webhooks::{payload, signature};
use wardflow_engine::store::webhooks::Due;

use crate::failure::Failure;
use crate::i18n::{Lang, Tr};

/// How often the task looks for work.
pub const ROUND: Duration = Duration::from_millis(500);
/// The longest a delivery may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The most bytes of a receiver's answer read.
pub const MAX_RESPONSE: u64 = 64 * 1024;
/// The most deliveries attempted in one round.
const PER_ROUND: usize = 100;

/// The HTTP client of the deliveries: statuses are answers, not errors; bounded times.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(TIMEOUT))
        .timeout_global(Some(TIMEOUT))
        .max_redirects(0)
        .build()
        .into()
}

/// Sends one delivery: the receiver's status, or why there was none.
fn send(agent: &ureq::Agent, due: &Due, tz: &jiff::tz::TimeZone) -> (Option<u16>, Option<String>) {
    // Instants in the office's offset, as every JSON the office gives out.
    let mut value = payload(&due.delivery);
    wardflow_engine::app::wire::localise(&mut value, tz);
    let body = match serde_json::to_vec(&value) {
        Ok(body) => body,
        Err(e) => return (None, Some(e.to_string())),
    };
    let timestamp = Office::<wardflow_engine::store::Store>::wall().as_second();
    let signed = signature(&due.secret, timestamp, &body);
    let answer = agent
        .post(&due.url)
        .header("Content-Type", "application/json")
        .header("Wardflow-Delivery", &due.delivery.id)
        .header("Wardflow-Event", &due.delivery.event.id)
        .header("Wardflow-Timestamp", timestamp.to_string())
        .header("Wardflow-Signature", signed)
        .send(&body[..]);
    match answer {
        Ok(mut response) => {
            let status = response.status().as_u16();
            // Read (a bounded part of) the answer so the connection is done with cleanly.
            let mut sink = Vec::new();
            let _ = response
                .body_mut()
                .as_reader()
                .take(MAX_RESPONSE)
                .read_to_end(&mut sink);
            let error = (!(200..300).contains(&status)).then(|| format!("HTTP {status}"));
            (Some(status), error)
        }
        Err(e) => (None, Some(e.to_string())),
    }
}

/// One round: take the outbox in, attempt what is due, record each attempt. How many were
/// attempted.
fn round(office: &Office<Database>, agent: &ureq::Agent) -> Result<usize, Failure> {
    let due = office.webhooks_due(Office::<wardflow_engine::store::Store>::wall(), PER_ROUND)?;
    for d in &due {
        let (status, error) = send(agent, d, &office.config().tz);
        let now = Office::<wardflow_engine::store::Store>::wall();
        match &error {
            None => tracing::info!(delivery = %d.delivery.id, status, "webhook delivered"),
            Some(e) => {
                tracing::warn!(delivery = %d.delivery.id, error = %e, "webhook not delivered")
            }
        }
        office.webhook_attempted(&d.delivery, now, status, error)?;
    }
    Ok(due.len())
}

/// Runs rounds until `stop`.
pub async fn task(office: Arc<Office<Database>>, stop: Arc<AtomicBool>) {
    let agent = agent();
    while !stop.load(Ordering::SeqCst) {
        let office = office.clone();
        let agent = agent.clone();
        let attempted = tokio::task::spawn_blocking(move || round(&office, &agent)).await;
        match attempted {
            Ok(Ok(n)) if n > 0 => continue,
            Ok(Ok(_)) => {}
            Ok(Err(failure)) => {
                crate::log::service_failure(&Tr { lang: Lang::Zh }, "webhooks", &failure)
            }
            Err(e) => {
                crate::log::service_failure(&Tr { lang: Lang::Zh }, "webhooks", &Failure::bug(e))
            }
        }
        tokio::time::sleep(ROUND).await;
    }
}
