//! The child's file (一人一档), the search by name and the reads of a child's data.

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::cli::case::filter::date_arg;
use crate::cli::child::{access_json, file_json, found_list_json};
use crate::failure::{Exit, Failure};

use super::{ErrorBody, FormQuery, Peer, Shared, authed, ok, parts};

#[utoipa::path(
    get,
    path = "/api/v1/children/{child}",
    tag = "children",
    summary = "child show",
    params(("child" = String, Path, description = "identity number or registry id"), FormQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn child_show(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(child): Path<String>,
    Query(form): Query<FormQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let file = s.office.child(&who.caller, &child)?;
        if form.parts() {
            return parts(&file.parts());
        }
        ok(s, file_json(&file))
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct FindQuery {
    /// The child's name as recorded (child.name).
    name: String,
    /// Only children born on this day (YYYY-MM-DD).
    born: Option<String>,
    /// `parts`
    form: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/children",
    tag = "children",
    summary = "child find",
    params(FindQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn child_find(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<FindQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let born = q
            .born
            .as_deref()
            .map(|b| {
                date_arg(b).map_err(|_| {
                    Failure::said(Exit::BadInput, crate::msg!("api-bad-query", key = "born"))
                })
            })
            .transpose()?;
        let found = s.office.find_child(&who.caller, &q.name, born)?;
        if q.form.as_deref() == Some("parts") {
            return parts(&found);
        }
        ok(s, found_list_json(&found))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/children/{child}/access",
    tag = "children",
    summary = "child access (administrators, auditors)",
    params(("child" = String, Path, description = "identity number or registry id"), FormQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn child_access(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(child): Path<String>,
    Query(form): Query<FormQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let reads = s.office.child_access(&who.caller, &child)?;
        if form.parts() {
            return parts(&reads);
        }
        ok(s, access_json(&reads))
    })
    .await
}
