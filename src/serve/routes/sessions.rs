//! Signing in and out: sessions for people.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::cli::token_json;
use crate::serve::{blocking, request_clock, request_tr, source};

use super::{ErrorBody, Peer, Shared, authed, body, created, ok};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SignIn {
    user: String,
    password: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    tag = "sessions",
    summary = "Sign in: a sign-in token (shown once)",
    request_body = SignIn,
    security(()),
    responses((status = 201, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody))
)]
pub(super) async fn sign_in(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    blocking(move || {
        let tr = request_tr(&headers);
        let result = (|| {
            let request: SignIn = body(&bytes)?;
            let clock = request_clock(&headers)?;
            let caller = wardflow_engine::app::Caller {
                user: request.user,
                role: None,
                clock,
                reason: None,
            };
            let made = server
                .office
                .sign_in(&caller, &request.password, &source(&peer))?;
            crate::log::user(&caller.user);
            let mut out = token_json(&made.record);
            out["token"] = made.token.into();
            created(&server, out)
        })();
        result.unwrap_or_else(|e| e.response(tr))
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/sessions",
    tag = "sessions",
    summary = "Sign out: revoke the token of the request",
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn sign_out(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let record = s.office.sign_out(&who.caller, &who.token)?;
        ok(s, token_json(&record))
    })
    .await
}
