//! The event stream (issue 25): `GET /api/v1/events`, server-sent events of the outbox — the
//! events webhooks are sent — filtered to the cases the caller's unit covers. Each event's
//! `id:` is its outbox position; a client that reconnects with `Last-Event-ID` (or
//! `?after=`) goes on after it. `event:` is the kind, `data:` the same JSON object a webhook
//! receives (without a delivery id).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use wardflow_engine::app::Caller;
use wardflow_engine::app::outbox::OutboxEntry;

use super::{ErrorBody, Peer, Shared};
use crate::failure::{Exit, Failure};
use crate::serve::{ApiError, Server, request_tr, source, who};

/// How long the stream waits before looking at the outbox again when nothing was new.
const POLL: Duration = Duration::from_secs(1);
/// The most entries read at once.
const BATCH: usize = 100;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct EventsQuery {
    /// Start after this position (as `Last-Event-ID`; the header wins).
    after: Option<u64>,
}

/// The JSON an event carries: ids and kinds only.
pub fn event_json(e: &OutboxEntry) -> serde_json::Value {
    let mut body = serde_json::json!({
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

/// Where the stream starts: `Last-Event-ID`, else `?after=`, else 0 (everything).
fn start(headers: &HeaderMap, query: &EventsQuery) -> Result<u64, Failure> {
    match headers.get("last-event-id") {
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .ok_or_else(|| {
                Failure::said(Exit::BadInput, crate::msg!("events-bad-last-id"))
                    .with_key("Last-Event-ID")
            }),
        None => Ok(query.after.unwrap_or(0)),
    }
}

struct Reading {
    server: Arc<Server>,
    caller: Caller,
    after: u64,
    pending: VecDeque<OutboxEntry>,
}

/// The next event of the stream, reading the outbox (on a blocking thread) as needed; None
/// ends the stream (the caller may no longer read, or the server stops: then within [`POLL`]).
async fn next(mut r: Reading) -> Option<(Result<Event, Infallible>, Reading)> {
    loop {
        if crate::serve::STOPPING.load(std::sync::atomic::Ordering::SeqCst) {
            return None;
        }
        if let Some(e) = r.pending.pop_front() {
            let event = Event::default()
                .id(e.position.to_string())
                .event(e.kind.key())
                .data({
                    let mut value = event_json(&e);
                    wardflow_engine::app::wire::localise(&mut value, &r.server.office.config().tz);
                    value.to_string()
                });
            return Some((Ok(event), r));
        }
        let server = r.server.clone();
        let caller = r.caller.clone();
        let after = r.after;
        let read =
            tokio::task::spawn_blocking(move || server.office.events_after(&caller, after, BATCH))
                .await;
        match read {
            Ok(Ok((entries, last))) => {
                let idle = entries.is_empty() && last == after;
                r.after = last;
                r.pending.extend(entries);
                if idle {
                    tokio::time::sleep(POLL).await;
                }
            }
            Ok(Err(e)) => {
                crate::log::failure(&request_tr(&HeaderMap::new()), "events", &e.into());
                return None;
            }
            Err(_) => return None,
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    summary = "event stream",
    params(EventsQuery, ("Last-Event-ID" = Option<u64>, Header, description = "the last position received")),
    responses((status = 200, content_type = "text/event-stream", description = "server-sent events: id the outbox position, event the kind, data the event as JSON"), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn events(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Response {
    let tr = request_tr(&headers);
    let checked = {
        let server = server.clone();
        tokio::task::spawn_blocking(move || -> Result<(Caller, u64), ApiError> {
            let after = start(&headers, &q)?;
            let w = who(&server, &headers, &source(&peer))?;
            // Checked once here, so a caller who may not read is answered with an error rather
            // than an empty stream.
            server.office.events_after(&w.caller, after, 1)?;
            Ok((w.caller, after))
        })
        .await
    };
    let (caller, after) = match checked {
        Ok(Ok(begun)) => begun,
        Ok(Err(e)) => return e.response(tr),
        Err(e) => return ApiError::from(Failure::bug(e)).response(tr),
    };
    let reading = Reading {
        server,
        caller,
        after,
        pending: VecDeque::new(),
    };
    Sse::new(futures_util::stream::unfold(reading, next))
        .keep_alive(KeepAlive::default())
        .into_response()
}
