//! The case endpoints: open, read, act, transfer.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use wardflow_engine::app::{Acted, Advance, Amend, OpenCase, Transfer};

use wardflow_engine::app::CaseListing;
use wardflow_engine::app::batch::Batched;

use crate::cli::case::export::SignedCase;
use crate::cli::case::filter::ListingQuery;
use crate::cli::case::transfer::{TransferBody, Transferred};
use crate::cli::case_id;
use crate::failure::{Exit, Failure};
use crate::serve::{ApiError, once};

use super::{DataBody, ErrorBody, FormQuery, Peer, Shared, at, authed, body, ok, parts, value_of};

#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    summary = "case list",
    params(ListingQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn case_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<ListingQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let form = q.form.clone();
        let listing = q.listing()?;
        let vocabulary = s.office.vocabulary(&who.caller)?;
        let mut rows = Vec::new();
        s.office.cases(&who.caller, &listing, &vocabulary, |row| {
            rows.push(row);
            true
        })?;
        if form.as_deref() == Some("parts") {
            return parts(&CaseListing { vocabulary, rows });
        }
        ok(s, serde_json::to_value(&rows).map_err(Failure::bug)?)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    workflow: String,
    #[serde(rename = "as")]
    role: String,
    #[serde(flatten)]
    data: DataBody,
    at: Option<String>,
    unit: Option<String>,
    officer: Option<String>,
    /// The id the sending system gave the case (1-64 printable ASCII characters, no spaces),
    /// scoped to the token's user: a second open with it gives the existing case back.
    external_id: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    summary = "case open",
    request_body = OpenBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 201, body = serde_json::Value, description = "the command line's --json value"), (status = 200, body = serde_json::Value, description = "the case the external id already named (\"existing\": true); nothing was opened"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody, description = "the idempotency key was used for a different request"), (status = 409, body = ErrorBody, description = "the external id names a case opened with other data, or one the caller may not see (docs/api.md)"))
)]
pub(super) async fn case_open(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    bytes: Bytes,
) -> Response {
    let key = headers.get(once::KEY_HEADER).cloned();
    authed(server, peer, headers, move |s, ctx, who| {
        let once = once::once_of(key.as_ref(), &method, &uri, &bytes)?;
        let request: OpenBody = body(&bytes)?;
        let caller = who.caller.clone().acting_as(&request.role);
        // 201 for a case opened now; 200 for the case an external id already named.
        let status = |acted: &Acted| {
            if acted.existing {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            }
        };
        let respond = once::respond_with(s, ctx, status, |ctx, office, acted: &Acted| {
            value_of(&crate::cli::case::open::opened(ctx, office, acted))
        });
        let answer = s.commit(
            caller,
            Batched::Open(OpenCase {
                workflow: request.workflow,
                input: request.data.input()?,
                unit: request.unit,
                officer: request.officer,
                at: at(request.at.as_deref())?,
                external_id: request.external_id,
                // The source is the system whose token sent it: the token's user.
                source: None,
            }),
            once::remember(once, &respond),
        )?;
        once::answer(answer, &respond)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    summary = "case show",
    params(("id" = String, Path), FormQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn case_show(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(form): Query<FormQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let id = case_id(&id)?;
        let view = s.office.show(&who.caller, &id)?;
        if form.parts() {
            return parts(&view.parts());
        }
        // The command line's `case show --json`, serialised once by the office.
        ok(s, s.office.wire(&view).map_err(Failure::bug)?)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/history",
    tag = "cases",
    summary = "case history",
    params(("id" = String, Path), FormQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn case_history(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(form): Query<FormQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let id = case_id(&id)?;
        let view = s.office.history(&who.caller, &id)?;
        if form.parts() {
            return parts(&view.parts());
        }
        // The command line's `case history --json`, serialised once by the office.
        ok(s, s.office.wire(&view).map_err(Failure::bug)?)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/next",
    tag = "cases",
    summary = "case next",
    params(("id" = String, Path), FormQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn case_next(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(form): Query<FormQuery>,
) -> Response {
    authed(server, peer, headers, move |s, ctx, who| {
        let id = case_id(&id)?;
        let view = s.office.next(&who.caller, &id)?;
        let list = crate::cli::case::next::next_list(ctx, &view);
        if form.parts() {
            return parts(&list);
        }
        ok(s, serde_json::to_value(&list.steps).map_err(Failure::bug)?)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/workflows/versions/{hash}",
    tag = "workflows",
    summary = "the published source of one workflow version (by its SHA-256)",
    params(("hash" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "workflow, version, hash, file, source"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub(super) async fn version_source(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(hash): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        match s.office.version_source(&who.caller, &hash)? {
            Some(source) => parts(&source),
            None => Err(ApiError {
                status: Some(StatusCode::NOT_FOUND),
                kind: None,
                failure: Failure::said(
                    Exit::BadInput,
                    crate::msg!(
                        "remote-no-version",
                        hash = hash.chars().take(64).collect::<String>()
                    ),
                ),
            }),
        }
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AdvanceBody {
    transition: String,
    #[serde(rename = "as")]
    role: String,
    #[serde(flatten)]
    data: DataBody,
    note: Option<String>,
    at: Option<String>,
    expect_seq: Option<u32>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/advance",
    tag = "cases",
    summary = "case advance",
    request_body = AdvanceBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn case_advance(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let key = headers.get(once::KEY_HEADER).cloned();
    authed(server, peer, headers, move |s, ctx, who| {
        let once = once::once_of(key.as_ref(), &method, &uri, &bytes)?;
        let id = case_id(&id)?;
        let request: AdvanceBody = body(&bytes)?;
        let caller = who.caller.clone().acting_as(&request.role);
        let respond = once::respond(s, ctx, StatusCode::OK, |ctx, office, acted: &Acted| {
            value_of(&crate::cli::case::advance::advanced(ctx, office, acted))
        });
        let answer = s.commit(
            caller,
            Batched::Advance(Advance {
                case: id,
                transition: request.transition,
                input: request.data.input()?,
                note: request
                    .note
                    .as_deref()
                    .map(wardflow_engine::value::clean_note),
                at: at(request.at.as_deref())?,
                expect_seq: request.expect_seq,
            }),
            once::remember(once, &respond),
        )?;
        once::answer(answer, &respond)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AmendBody {
    #[serde(rename = "as")]
    role: String,
    #[serde(flatten)]
    data: DataBody,
    reason: String,
    expect_seq: Option<u32>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/amend",
    tag = "cases",
    summary = "case amend",
    request_body = AmendBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn case_amend(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let key = headers.get(once::KEY_HEADER).cloned();
    authed(server, peer, headers, move |s, ctx, who| {
        let once = once::once_of(key.as_ref(), &method, &uri, &bytes)?;
        let id = case_id(&id)?;
        let request: AmendBody = body(&bytes)?;
        let caller = who.caller.clone().acting_as(&request.role);
        let respond = once::respond(s, ctx, StatusCode::OK, |_, _, acted: &Acted| {
            let case = &acted.applied.outcome.case;
            value_of(&wardflow_engine::app::Amended {
                case: case.id.clone(),
                seq: case.seq,
            })
        });
        let answer = s.office.amend_once(
            &caller,
            &Amend {
                case: id,
                input: request.data.input()?,
                reason: wardflow_engine::value::clean_note(&request.reason),
                expect_seq: request.expect_seq,
            },
            once::remember(once, &respond).as_ref(),
        )?;
        once::answer(answer, &respond)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/transfer",
    tag = "cases",
    summary = "case transfer",
    request_body = TransferBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 200, body = Transferred, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn case_transfer(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let key = headers.get(once::KEY_HEADER).cloned();
    authed(server, peer, headers, move |s, ctx, who| {
        let once = once::once_of(key.as_ref(), &method, &uri, &bytes)?;
        let id = case_id(&id)?;
        let request: TransferBody = body(&bytes)?;
        let caller = who.caller.clone().acting_as(&request.role);
        let respond = once::respond(s, ctx, StatusCode::OK, |_, _, acted: &Acted| {
            value_of(&Transferred::of(acted))
        });
        let answer = s.office.transfer_once(
            &caller,
            &Transfer {
                case: id,
                to: request.to,
                officer: request.officer,
                reason: request
                    .reason
                    .as_deref()
                    .map(wardflow_engine::value::clean_note),
                at: at(request.at.as_deref())?,
                expect_seq: request.expect_seq,
            },
            once::remember(once, &respond).as_ref(),
        )?;
        once::answer(answer, &respond)
    })
    .await
}

/// A case's chained history, rules and letters in one document signed with the office key
/// the server holds (`case export`; the client writes the file).
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/export",
    tag = "cases",
    summary = "case export: the signed portable export",
    params(("id" = String, Path)),
    responses((status = 200, body = SignedCase, description = "the signed document's text and what the command prints"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn case_export(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, ctx, who| {
        let id = case_id(&id)?;
        // The server's key file: `--key-file`/`WARDFLOW_KEY_FILE` as it was started, else the
        // database's `.key`.
        let key_path = crate::cli::key::KeyFileArg {
            key_file: ctx.key_files().into_iter().next(),
        }
        .path(ctx);
        let key = crate::cli::key::load_with(ctx, &key_path)?;
        let signed = SignedCase::make(&s.office, &who.caller, &id, &key)?;
        parts(&signed)
    })
    .await
}
