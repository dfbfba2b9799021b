//! `report`: the figures of a period, as typed data (the command line writes the table, CSV,
//! workbook or page itself).

use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::cli::report::request_of;

use super::{ErrorBody, Peer, Shared, authed, parts};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ReportQuery {
    /// The first day of the period (YYYY-MM-DD; default: the month of the request's clock).
    from: Option<String>,
    /// The last day of the period (YYYY-MM-DD).
    to: Option<String>,
    /// Groupings of the case counts, comma-separated: workflow, state, township, unit, officer.
    by: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/report",
    tag = "reports",
    summary = "report: the figures of a period",
    params(ReportQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn report(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request = request_of(q.from.as_deref(), q.to.as_deref(), q.by.as_deref())?;
        // The report holds no instants (its dates are days, `generated_at` has its offset):
        // the typed value is the `--json` value.
        parts(&s.office.report(&who.caller, &request)?)
    })
    .await
}
