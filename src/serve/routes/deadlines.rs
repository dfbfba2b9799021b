//! The deadline endpoints: agenda and overdue.

use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use wardflow_engine::app::Due;

use crate::cli::case::filter::ListingQuery;
use crate::failure::Failure;
use crate::serve::ApiError;

use super::{ErrorBody, Peer, Shared, authed, ok};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct DueQuery {
    days: Option<u16>,
    #[serde(rename = "as")]
    role: Option<String>,
}

/// Deadline rows: the command line's `--json` items, with the version each case runs.
fn dues_json(dues: &[Due]) -> Result<Value, ApiError> {
    let rows: Vec<wardflow_engine::app::DueRow> = dues.iter().map(Into::into).collect();
    Ok(serde_json::to_value(rows).map_err(Failure::bug)?)
}

#[utoipa::path(
    get,
    path = "/api/v1/agenda",
    tag = "deadlines",
    summary = "agenda",
    params(DueQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn agenda(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<DueQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let dues = s
            .office
            .agenda(&who.caller, q.days.unwrap_or(7), q.role.as_deref())?;
        ok(s, dues_json(&dues)?)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/overdue",
    tag = "deadlines",
    summary = "case overdue",
    params(ListingQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn overdue(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<ListingQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let role = q.role.clone();
        let listing = q.listing()?;
        let dues = s
            .office
            .overdue_listed(&who.caller, role.as_deref(), &listing)?;
        ok(s, dues_json(&dues)?)
    })
    .await
}

/// Fires what is due at the request's clock now (administrators), as `timers tick` does. The
/// server's own runner does the same on its schedule; firing twice fires nothing twice, so a
/// retry under the same Idempotency-Key is safe (it answers with what was left to fire).
#[utoipa::path(
    post,
    path = "/api/v1/timers/tick",
    tag = "deadlines",
    summary = "timers tick: fire what is due now (administrators)",
    request_body = serde_json::Value,
    responses((status = 200, body = serde_json::Value, description = "fired: what fired; calendar_end: when the published calendar runs out, if soon"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub(super) async fn tick(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let report = s.office.tick(&who.caller)?;
        let calendar_end = s.office.calendar_runs_out(s.office.now(&who.caller)?);
        ok(
            s,
            serde_json::to_value(wardflow_engine::app::Ticked {
                fired: report.fired,
                calendar_end,
            })
            .map_err(Failure::bug)?,
        )
    })
    .await
}
