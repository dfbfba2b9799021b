//! `wardflow webhook …`: the endpoints `wardflow serve` sends events to (issue 25), their
//! delivery log and replays (administrators). A secret is shown once, when its endpoint is
//! added; it is never listed.

use clap::Subcommand;
use wardflow_engine::app::outbox::OutboxKind;
use wardflow_engine::app::webhooks::AddedWebhook;
use wardflow_engine::app::webhooks::{Delivery, DeliveryStatus, Endpoint};

use super::{Ctx, print_json};
use crate::failure::{Exit, Failure};
use crate::show::local_time;
use crate::table::{Table, col};
use crate::tr;

/// Webhook subcommands.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add an endpoint (its secret is shown only this once).
    Add {
        /// Where events are POSTed (http:// or https://).
        url: String,
        /// The kinds of event it is sent, comma-separated: case_opened, state_entered,
        /// letter_issued, deadline_reminded, deadline_breached (default: all).
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
    },
    /// The endpoints, never their secrets.
    List,
    /// Remove an endpoint: nothing more is sent to it; its delivery log is kept.
    Remove {
        /// The endpoint's id (from `webhook list`).
        id: String,
    },
    /// The delivery log, latest first: each delivery's attempts and status.
    Deliveries {
        /// Only this endpoint's.
        #[arg(long)]
        endpoint: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Send a delivery again, with the same id (after a receiver was fixed).
    Replay {
        /// The delivery's id (from `webhook deliveries`).
        id: String,
    },
}

/// The kinds named by `--events` (all when none).
pub fn kinds(names: &[String]) -> Result<Vec<OutboxKind>, Failure> {
    if names.iter().all(|n| n.trim().is_empty()) {
        return Ok(OutboxKind::ALL.to_vec());
    }
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            OutboxKind::parse(n).ok_or_else(|| {
                let known: Vec<&str> = OutboxKind::ALL.iter().map(|k| k.key()).collect();
                Failure::said(
                    Exit::BadInput,
                    crate::msg!(
                        "webhook-bad-event",
                        event = n.trim().to_owned(),
                        known = known.join(", ")
                    ),
                )
                .with_key("--events")
            })
        })
        .collect()
}

/// An id as one path segment (percent-encoded).
fn path_segment(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn events_text(endpoint: &Endpoint) -> String {
    endpoint
        .events
        .iter()
        .map(|k| k.key())
        .collect::<Vec<_>>()
        .join(",")
}

fn status_text(ctx: &Ctx, status: DeliveryStatus) -> String {
    match status {
        DeliveryStatus::Pending => tr!(ctx.tr, "webhook-status-pending"),
        DeliveryStatus::Delivered => tr!(ctx.tr, "webhook-status-delivered"),
        DeliveryStatus::Failed => tr!(ctx.tr, "webhook-status-failed"),
    }
}

fn print_deliveries(ctx: &Ctx, deliveries: &[Delivery]) {
    if deliveries.is_empty() {
        println!("{}", tr!(ctx.tr, "webhook-deliveries-none"));
        return;
    }
    let mut table = Table::new(
        &ctx.tr,
        &[
            col::NUMBER,
            col::CASE,
            col::ACTION,
            col::STATUS,
            col::AT,
            col::NOTE,
        ],
    );
    for d in deliveries {
        let last = d.attempts.last();
        let note = match last {
            Some(a) => match (&a.error, a.status) {
                (Some(e), _) => e.clone(),
                (None, Some(s)) => format!("HTTP {s}"),
                (None, None) => String::new(),
            },
            None => String::new(),
        };
        table.row(vec![
            d.id.clone(),
            d.event.case.clone(),
            d.event.kind.key().to_owned(),
            format!("{} ({})", status_text(ctx, d.status), d.attempts_made),
            last.map(|a| local_time(a.at)).unwrap_or_default(),
            note,
        ]);
    }
    table.print();
}

/// The request `webhook add` sends to a server (`POST /api/v1/webhooks`).
#[derive(serde::Serialize)]
struct AddRequest<'a> {
    url: &'a str,
    events: Vec<&'static str>,
}

/// Runs a webhook subcommand: at the server with `--server`, else on the database.
pub fn run(ctx: &Ctx, cmd: WebhookCommand) -> Result<(), Failure> {
    let remote = ctx.remote()?;
    let caller = match &remote {
        Some(_) => None,
        None => Some(ctx.caller(None)?),
    };
    let embedded = || -> Result<_, Failure> {
        let caller = caller
            .clone()
            .ok_or_else(|| Failure::bug("an embedded webhook command without a caller"))?;
        Ok((ctx.office_for_write()?, caller))
    };
    match cmd {
        WebhookCommand::Add { url, events } => {
            let events = kinds(&events)?;
            let added: AddedWebhook = match &remote {
                Some(remote) => remote.change(
                    "POST",
                    "/api/v1/webhooks",
                    &AddRequest {
                        url: &url,
                        events: events.iter().map(|k| k.key()).collect(),
                    },
                )?,
                None => {
                    let (office, caller) = embedded()?;
                    office.add_webhook(&caller, &url, &events)?
                }
            };
            if ctx.global.json {
                return print_json(ctx, &added);
            }
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "webhook-added",
                    id = added.endpoint.id.clone(),
                    url = added.endpoint.url.clone(),
                    events = events_text(&added.endpoint)
                )
            );
            println!("{}", added.secret);
            Ok(())
        }
        WebhookCommand::List => {
            let endpoints: Vec<Endpoint> = match &remote {
                Some(remote) => remote.get("/api/v1/webhooks", &[])?,
                None => {
                    let (office, caller) = embedded()?;
                    office.webhooks(&caller)?
                }
            };
            if ctx.global.json {
                return print_json(ctx, &endpoints);
            }
            if endpoints.is_empty() {
                println!("{}", tr!(ctx.tr, "webhook-list-none"));
                return Ok(());
            }
            let mut table = Table::new(
                &ctx.tr,
                &[col::NUMBER, col::NOTE, col::ACTION, col::USER, col::STATUS],
            );
            for e in &endpoints {
                let status = match e.removed_at {
                    Some(at) => tr!(ctx.tr, "webhook-status-removed", at = local_time(at)),
                    None => tr!(ctx.tr, "webhook-status-active"),
                };
                table.row(vec![
                    e.id.clone(),
                    e.url.clone(),
                    events_text(e),
                    e.created_by.clone(),
                    status,
                ]);
            }
            table.print();
            Ok(())
        }
        WebhookCommand::Remove { id } => {
            let removed: Endpoint = match &remote {
                Some(remote) => remote.change(
                    "DELETE",
                    &format!("/api/v1/webhooks/{}", path_segment(&id)),
                    &serde_json::json!({}),
                )?,
                None => {
                    let (office, caller) = embedded()?;
                    office.remove_webhook(&caller, &id)?
                }
            };
            if ctx.global.json {
                return print_json(ctx, &removed);
            }
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "webhook-removed",
                    id = removed.id,
                    url = removed.url
                )
            );
            Ok(())
        }
        WebhookCommand::Deliveries { endpoint, limit } => {
            let deliveries: Vec<Delivery> = match &remote {
                Some(remote) => {
                    let mut query = vec![("limit", limit.to_string())];
                    if let Some(e) = &endpoint {
                        query.push(("endpoint", e.clone()));
                    }
                    remote.get("/api/v1/webhooks/deliveries", &query)?
                }
                None => {
                    let (office, caller) = embedded()?;
                    office.webhook_deliveries(&caller, endpoint.as_deref(), limit)?
                }
            };
            if ctx.global.json {
                return print_json(ctx, &deliveries);
            }
            print_deliveries(ctx, &deliveries);
            Ok(())
        }
        WebhookCommand::Replay { id } => {
            let delivery: Delivery = match &remote {
                Some(remote) => remote.change(
                    "POST",
                    &format!("/api/v1/webhooks/deliveries/{}/replay", path_segment(&id)),
                    &serde_json::json!({}),
                )?,
                None => {
                    let (office, caller) = embedded()?;
                    office.replay_delivery(&caller, &id)?
                }
            };
            if ctx.global.json {
                return print_json(ctx, &delivery);
            }
            println!("{}", tr!(ctx.tr, "webhook-replayed", id = delivery.id));
            Ok(())
        }
    }
}
