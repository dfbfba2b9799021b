//! Changes that are safe to repeat (issue 25): the `Idempotency-Key` header.
//!
//! A change sent with a key is done under it by the office (`app::once`): the key, the
//! SHA-256 of the request (method, path and query, body) and the answer are stored in the
//! change's own transaction, scoped to the caller; a repeat gets the stored answer with
//! `Idempotent-Replayed: true`, and a different request under the same key is refused
//! (422, kind `idempotency_key_reused`). The answer is worded once, inside the transaction,
//! by the same function whether or not the request had a key.

use std::sync::Arc;

use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use wardflow_engine::app::AppError;
use wardflow_engine::app::once::{Answer, IdempotencyKey, Once, Remember, Reply, Respond};

use super::{ApiError, Server};
use crate::cli::Ctx;

/// The header a client names its key in.
pub const KEY_HEADER: &str = "idempotency-key";
/// The header of an answer given again from what was stored.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// The fault point test builds honour: the change is committed and the server dies before
/// answering (`WARDFLOW_FAULT=serve-after-commit`).
pub const AFTER_COMMIT: &str = "serve-after-commit";

/// The request's key (the `Idempotency-Key` header's `value`, if it sent one) and the hash
/// of what it asks.
pub fn once_of(
    value: Option<&HeaderValue>,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Result<Option<Once>, ApiError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| AppError::BadKey)?;
    let key = IdempotencyKey::parse(text)?;
    let target = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    Ok(Some(Once::new(key, method.as_str(), target, body)))
}

/// How a change's answer is worded: `words` gives the body in the request's language (the
/// command line's `--json` value), with instants in the office's offset, under `status`.
pub fn respond<T: 'static>(
    server: &Server,
    ctx: &Ctx,
    status: StatusCode,
    words: impl Fn(
        &Ctx,
        &wardflow_engine::app::Office<wardflow_engine::app::database::Database>,
        &T,
    ) -> Value
    + Send
    + Sync
    + 'static,
) -> Respond<T> {
    respond_with(server, ctx, move |_| status, words)
}

/// [`respond`] with the status chosen by the value (an open that found its external id's
/// case answers 200, not 201).
pub fn respond_with<T: 'static>(
    server: &Server,
    ctx: &Ctx,
    status: impl Fn(&T) -> StatusCode + Send + Sync + 'static,
    words: impl Fn(
        &Ctx,
        &wardflow_engine::app::Office<wardflow_engine::app::database::Database>,
        &T,
    ) -> Value
    + Send
    + Sync
    + 'static,
) -> Respond<T> {
    let (tr, global) = (ctx.tr, ctx.global.clone());
    let tz = server.office.config().tz.clone();
    let office = server.office.clone();
    Arc::new(move |value: &T| {
        let ctx = Ctx {
            tr,
            global: global.clone(),
            settings: Vec::new(),
        };
        let mut body = words(&ctx, &office, value);
        wardflow_engine::app::wire::localise(&mut body, &tz);
        Ok(Reply {
            status: status(value).as_u16(),
            body,
        })
    })
}

/// What the office is given: the key with the wording, when the request had a key.
pub fn remember<T>(once: Option<Once>, respond: &Respond<T>) -> Option<Remember<T>> {
    once.map(|once| Remember {
        once,
        respond: respond.clone(),
    })
}

/// The answer to a change: worded now, stored with it, or stored before.
pub fn answer<T>(answer: Answer<T>, respond: &Respond<T>) -> Result<Response, ApiError> {
    let (reply, again) = match answer {
        Answer::Done(_, Some(reply)) => (reply, false),
        Answer::Done(value, None) => (
            respond(&value).map_err(crate::failure::Failure::bug)?,
            false,
        ),
        Answer::Again(reply) => (reply, true),
    };
    if !again && wardflow_engine::faults::at(AFTER_COMMIT) {
        // Committed, and the client never hears of it.
        std::process::exit(crate::failure::Exit::Bug as i32);
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    let mut response = (status, axum::Json(reply.body)).into_response();
    if again {
        response
            .headers_mut()
            .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    }
    Ok(response)
}
