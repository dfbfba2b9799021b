//! The webhook endpoints (administrators, issue 25): `webhook add/list/remove/deliveries/replay`
//! over HTTP. Adding answers the new secret once; it is never stored as an idempotent answer
//! (an `Idempotency-Key` is ignored here, as for tokens), nor listed.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::{ErrorBody, Peer, Shared, authed, body, created, ok, value_of};
use crate::cli::webhook_kinds;

/// `POST /api/v1/webhooks`: the address and the kinds of event (all when none).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct WebhookBody {
    url: String,
    #[serde(default)]
    events: Vec<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct DeliveriesQuery {
    /// Only this endpoint's.
    endpoint: Option<String>,
    /// At most this many (50 by default, at most 1000).
    limit: Option<usize>,
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    summary = "webhook list",
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub(super) async fn webhook_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let endpoints = s.office.webhooks(&who.caller)?;
        ok(s, value_of(&endpoints))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    summary = "webhook add (the secret shown once)",
    request_body = WebhookBody,
    responses((status = 201, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn webhook_add(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: WebhookBody = body(&bytes)?;
        let events = webhook_kinds(&request.events)?;
        let added = s.office.add_webhook(&who.caller, &request.url, &events)?;
        created(s, value_of(&added))
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    summary = "webhook remove",
    params(("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn webhook_remove(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let removed = s.office.remove_webhook(&who.caller, &id)?;
        ok(s, value_of(&removed))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks/deliveries",
    tag = "webhooks",
    summary = "webhook deliveries",
    params(DeliveriesQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn webhook_deliveries(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<DeliveriesQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let deliveries = s.office.webhook_deliveries(
            &who.caller,
            q.endpoint.as_deref(),
            q.limit.unwrap_or(50),
        )?;
        ok(s, value_of(&deliveries))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks/deliveries/{id}/replay",
    tag = "webhooks",
    summary = "webhook replay",
    params(("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn webhook_replay(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let delivery = s.office.replay_delivery(&who.caller, &id)?;
        ok(s, value_of(&delivery))
    })
    .await
}
