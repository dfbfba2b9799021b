//! `import-register` over HTTP (administrators): the register's and the mapping's bytes are
//! sent whole and imported all or nothing, as the embedded command imports them.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use wardflow_engine::app::RegisterImported;

use crate::cli::ops::register::{RegisterBody, imported_json};
use crate::serve::once;

use super::{ErrorBody, Peer, Shared, authed, body};

/// The largest body of `POST /api/v1/registers`: a register of the largest size the command
/// reads (64 MiB) and its mapping, in base64.
pub const MAX_REGISTER_BODY: usize = 90 * 1024 * 1024;

#[utoipa::path(
    post,
    path = "/api/v1/registers",
    tag = "database",
    summary = "import-register: a register's rows become cases, all or nothing (administrators)",
    request_body = RegisterBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 201, body = serde_json::Value, description = "the command line's --json object, with version_hash: the version the cases run"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn import_register(
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
        let request = body::<RegisterBody>(&bytes)?.request()?;
        let (file, workflow) = (request.file.clone(), request.workflow.clone());
        let respond = once::respond(
            s,
            ctx,
            StatusCode::CREATED,
            move |_, _, done: &RegisterImported| {
                let mut value = imported_json(&file, &workflow, done);
                value["version_hash"] = serde_json::json!(done.version);
                value
            },
        );
        let answer = s.office.import_register_once(
            &who.caller,
            &request,
            once::remember(once, &respond).as_ref(),
        )?;
        once::answer(answer, &respond)
    })
    .await
}
