//! The account endpoints: users and API tokens (administrators, and each user for their own).

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use wardflow_engine::app::NewUser;

use crate::cli::admin::{
    MadeToken, NewTokenBody, NewUserBody, PasswordBody, PasswordSet, RolesBody, TokenRow, Unlocked,
    UserAdded, UserEnabled, UserListing, UserRoles, UserRow,
};
use crate::serve::source;

use super::{ErrorBody, FormQuery, Peer, Shared, authed, body, created, ok, value_of};

#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    summary = "user list",
    params(FormQuery),
    responses((status = 200, body = Vec<UserRow>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(form): Query<FormQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let (users, units) = s.office.users(&who.caller)?;
        let users: Vec<UserRow> = users.iter().map(UserRow::from).collect();
        if form.parts() {
            return ok(s, value_of(&UserListing { users, units }));
        }
        ok(s, value_of(&users))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    summary = "user add (administrators)",
    request_body = NewUserBody,
    responses((status = 201, body = UserAdded, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_add(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: NewUserBody = body(&bytes)?;
        let name = wardflow_engine::value::clean_name(&request.name);
        s.office.add_user(
            &who.caller,
            &NewUser {
                name: name.clone(),
                roles: request.roles,
                unit: request.unit,
            },
        )?;
        created(
            s,
            value_of(&UserAdded {
                user: name,
                added: true,
            }),
        )
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/users/{name}/disable",
    tag = "users",
    summary = "user disable (administrators)",
    params(("name" = String, Path)),
    responses((status = 200, body = UserEnabled, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_disable(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        s.office.disable_user(&who.caller, &name)?;
        ok(
            s,
            value_of(&UserEnabled {
                user: name,
                enabled: false,
            }),
        )
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/users/{name}/enable",
    tag = "users",
    summary = "user enable (administrators)",
    params(("name" = String, Path)),
    responses((status = 200, body = UserEnabled, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_enable(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        s.office.enable_user(&who.caller, &name)?;
        ok(
            s,
            value_of(&UserEnabled {
                user: name,
                enabled: true,
            }),
        )
    })
    .await
}

#[utoipa::path(
    put,
    path = "/api/v1/users/{name}/roles",
    tag = "users",
    summary = "user roles (administrators)",
    request_body = RolesBody,
    params(("name" = String, Path)),
    responses((status = 200, body = UserRoles, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
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
        ok(s, value_of(&UserRoles { user: name, roles }))
    })
    .await
}

#[utoipa::path(
    put,
    path = "/api/v1/users/{name}/password",
    tag = "users",
    summary = "user password (administrators; anyone for themselves)",
    request_body = PasswordBody,
    params(("name" = String, Path)),
    responses((status = 200, body = PasswordSet, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
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
        let revoked = s.office.change_password(
            &who.caller,
            &name,
            &request.password,
            request.old_password.as_deref(),
            &source(&peer),
        )?;
        ok(
            s,
            value_of(&PasswordSet {
                user: name,
                password_set: true,
                revoked_tokens: revoked,
            }),
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
    responses((status = 200, body = Unlocked, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn user_unlock(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let had = s.office.unlock(&who.caller, &name)?;
        ok(
            s,
            value_of(&Unlocked {
                user: name,
                unlocked: had,
            }),
        )
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "tokens",
    summary = "token list",
    responses((status = 200, body = Vec<TokenRow>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn token_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let tokens = s.office.tokens(&who.caller)?;
        let rows: Vec<TokenRow> = tokens.iter().map(TokenRow::from).collect();
        ok(s, value_of(&rows))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "tokens",
    summary = "token create (shown once)",
    request_body = NewTokenBody,
    responses((status = 201, body = MadeToken, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn token_create(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: NewTokenBody = body(&bytes)?;
        let made = s.office.create_token(
            &who.caller,
            request.owner.as_deref(),
            request.label.as_deref(),
            request.expires_days.unwrap_or(90),
        )?;
        created(
            s,
            value_of(&MadeToken {
                record: TokenRow::from(&made.record),
                token: made.token,
            }),
        )
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "tokens",
    summary = "token revoke",
    params(("id" = String, Path)),
    responses((status = 200, body = TokenRow, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn token_revoke(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let record = s.office.revoke_token(&who.caller, &id)?;
        ok(s, value_of(&TokenRow::from(&record)))
    })
    .await
}
