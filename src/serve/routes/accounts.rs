//! The account endpoints: users and API tokens (administrators, and each user for their own).

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use wardflow_engine::app::NewUser;

use crate::cli::token_json;

use super::{ErrorBody, Peer, Shared, authed, body, created, ok};

#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    summary = "user list",
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let (users, _) = s.office.users(&who.caller)?;
        ok(
            s,
            Value::Array(
                users
                    .iter()
                    .map(|u| {
                        json!({
                            "user": u.name, "roles": u.roles, "unit": u.unit,
                            "enabled": u.enabled, "added_at": u.added_at, "added_by": u.added_by,
                            "disabled_at": u.disabled_at, "disabled_by": u.disabled_by,
                        })
                    })
                    .collect(),
            ),
        )
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct UserBody {
    name: String,
    roles: Vec<String>,
    unit: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    summary = "user add (administrators)",
    request_body = UserBody,
    responses((status = 201, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_add(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: UserBody = body(&bytes)?;
        let name = wardflow_engine::value::clean_name(&request.name);
        s.office.add_user(
            &who.caller,
            &NewUser {
                name: name.clone(),
                roles: request.roles,
                unit: request.unit,
            },
        )?;
        created(s, json!({"user": name, "added": true}))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/users/{name}/disable",
    tag = "users",
    summary = "user disable (administrators)",
    params(("name" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_disable(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        s.office.disable_user(&who.caller, &name)?;
        ok(s, json!({"user": name, "enabled": false}))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/users/{name}/enable",
    tag = "users",
    summary = "user enable (administrators)",
    params(("name" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_enable(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        s.office.enable_user(&who.caller, &name)?;
        ok(s, json!({"user": name, "enabled": true}))
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RolesBody {
    roles: Vec<String>,
}

#[utoipa::path(
    put,
    path = "/api/v1/users/{name}/roles",
    tag = "users",
    summary = "user roles (administrators)",
    request_body = RolesBody,
    params(("name" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_roles(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: RolesBody = body(&bytes)?;
        let roles = s.office.set_roles(&who.caller, &name, &request.roles)?;
        ok(s, json!({"user": name, "roles": roles}))
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    password: String,
}

#[utoipa::path(
    put,
    path = "/api/v1/users/{name}/password",
    tag = "users",
    summary = "user password (administrators; anyone for themselves)",
    request_body = PasswordBody,
    params(("name" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_password(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: PasswordBody = body(&bytes)?;
        let revoked = s
            .office
            .set_password(&who.caller, &name, &request.password)?;
        ok(
            s,
            json!({"user": name, "password_set": true, "revoked_tokens": revoked}),
        )
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/users/{name}/unlock",
    tag = "users",
    summary = "user unlock (administrators)",
    params(("name" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_unlock(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let had = s.office.unlock(&who.caller, &name)?;
        ok(s, json!({"user": name, "unlocked": had}))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "tokens",
    summary = "token list",
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn token_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let tokens = s.office.tokens(&who.caller)?;
        ok(s, Value::Array(tokens.iter().map(token_json).collect()))
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    #[serde(rename = "for")]
    owner: Option<String>,
    expires_days: Option<i64>,
    label: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "tokens",
    summary = "token create (shown once)",
    request_body = TokenBody,
    responses((status = 201, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn token_create(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: TokenBody = body(&bytes)?;
        let made = s.office.create_token(
            &who.caller,
            request.owner.as_deref(),
            request.label.as_deref(),
            request.expires_days.unwrap_or(90),
        )?;
        let mut out = token_json(&made.record);
        out["token"] = made.token.into();
        created(s, out)
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "tokens",
    summary = "token revoke",
    params(("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn token_revoke(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let record = s.office.revoke_token(&who.caller, &id)?;
        ok(s, token_json(&record))
    })
    .await
}
