//! The endpoints: each one parses its request, makes one office call (the same the command
//! line makes) and answers with the command line's `--json` value.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wardflow_engine::app::Input;

use super::{ApiError, MAX_BODY, Server, Who, blocking, request_tr, source, who};
use crate::cli::{Ctx, parse_time};
use crate::failure::{Exit, Failure};

mod accounts;
mod cases;
mod child;
mod database;
mod deadlines;
mod events;
mod letters;
mod publishing;
mod register;
mod report;
mod sessions;
mod webhooks;

type Shared = State<Arc<Server>>;
type Peer = ConnectInfo<SocketAddr>;

/// Every route, with the body limit.
pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route(
            "/api/v1/sessions",
            post(sessions::sign_in).delete(sessions::sign_out),
        )
        .route(
            "/api/v1/cases",
            get(cases::case_list).post(cases::case_open),
        )
        .route("/api/v1/cases/{id}", get(cases::case_show))
        .route("/api/v1/cases/{id}/history", get(cases::case_history))
        .route("/api/v1/cases/{id}/next", get(cases::case_next))
        .route("/api/v1/cases/{id}/advance", post(cases::case_advance))
        .route("/api/v1/cases/{id}/amend", post(cases::case_amend))
        .route("/api/v1/cases/{id}/transfer", post(cases::case_transfer))
        .route("/api/v1/cases/{id}/export", get(cases::case_export))
        .route(
            "/api/v1/cases/{id}/letters",
            get(letters::letter_list).post(letters::letter_issue),
        )
        .route(
            "/api/v1/cases/{id}/letters/preview",
            post(letters::letter_preview),
        )
        .route("/api/v1/letters", get(letters::letter_list_all))
        .route("/api/v1/letters/verify", post(letters::letter_verify))
        .route("/api/v1/letters/{letter}", get(letters::letter_show))
        .route("/api/v1/letters/{letter}/void", post(letters::letter_void))
        .route(
            "/api/v1/letters/{letter}/export",
            get(letters::letter_export),
        )
        .route(
            "/api/v1/workflows/versions/{hash}",
            get(cases::version_source),
        )
        .route("/api/v1/children", get(child::child_find))
        .route("/api/v1/children/{child}", get(child::child_show))
        .route("/api/v1/children/{child}/access", get(child::child_access))
        .route("/api/v1/report", get(report::report))
        .route("/api/v1/timers/tick", post(deadlines::tick))
        .route("/api/v1/agenda", get(deadlines::agenda))
        .route("/api/v1/overdue", get(deadlines::overdue))
        .route(
            "/api/v1/users",
            get(accounts::user_list).post(accounts::user_add),
        )
        .route("/api/v1/users/{name}/disable", post(accounts::user_disable))
        .route("/api/v1/users/{name}/enable", post(accounts::user_enable))
        .route("/api/v1/users/{name}/roles", put(accounts::user_roles))
        .route(
            "/api/v1/users/{name}/password",
            put(accounts::user_password),
        )
        .route("/api/v1/users/{name}/unlock", post(accounts::user_unlock))
        .route(
            "/api/v1/tokens",
            get(accounts::token_list).post(accounts::token_create),
        )
        .route(
            "/api/v1/tokens/{id}",
            axum::routing::delete(accounts::token_revoke),
        )
        .route("/api/v1/events", get(events::events))
        .route(
            "/api/v1/webhooks",
            get(webhooks::webhook_list).post(webhooks::webhook_add),
        )
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::delete(webhooks::webhook_remove),
        )
        .route(
            "/api/v1/webhooks/deliveries",
            get(webhooks::webhook_deliveries),
        )
        .route(
            "/api/v1/webhooks/deliveries/{id}/replay",
            post(webhooks::webhook_replay),
        )
        .route("/api/v1/audit", get(database::audit))
        .route("/api/v1/export", get(database::export))
        .route("/api/v1/backup", post(database::backup))
        .route(
            "/api/v1/units",
            get(publishing::unit_list).post(publishing::unit_load),
        )
        .route(
            "/api/v1/publications",
            get(publishing::publication_list).post(publishing::publish),
        )
        .route(
            "/api/v1/workflows",
            get(publishing::workflow_list).post(publishing::workflow_publish),
        )
        .route(
            "/api/v1/workflows/{key}/migrate",
            post(publishing::workflow_migrate),
        )
        .route("/api/v1/key", get(publishing::key_show))
        .route("/api/v1/key/ring", get(publishing::key_ring))
        .route("/api/v1/check", get(database::check))
        .route("/api/v1/verify", get(database::verify))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        // A register is sent whole: its route alone takes a larger body.
        .merge(
            Router::new()
                .route("/api/v1/registers", post(register::import_register))
                .layer(DefaultBodyLimit::max(register::MAX_REGISTER_BODY))
                .layer(tower_http::limit::RequestBodyLimitLayer::new(
                    register::MAX_REGISTER_BODY,
                )),
        )
        .fallback(not_found)
        .with_state(server)
}

/// 200 with a JSON value, its instants in the office's offset as the command line gives them
/// (the JSON convention: `app::wire`).
fn ok(s: &Server, mut value: Value) -> Result<Response, ApiError> {
    wardflow_engine::app::wire::localise(&mut value, &s.office.config().tz);
    Ok(axum::Json(value).into_response())
}

/// 201 with a JSON value, as [`ok`].
fn created(s: &Server, mut value: Value) -> Result<Response, ApiError> {
    wardflow_engine::app::wire::localise(&mut value, &s.office.config().tz);
    Ok((StatusCode::CREATED, axum::Json(value)).into_response())
}

/// 200 with a view as it travels to a front end elsewhere (`app::portable`): plain serde,
/// instants in UTC as stored.
fn parts<T: serde::Serialize>(value: &T) -> Result<Response, ApiError> {
    Ok(axum::Json(serde_json::to_value(value).map_err(Failure::bug)?).into_response())
}

/// `?form=parts`: the view as it travels to the command line with `--server` (the case's
/// definition named by its version hash, `GET /api/v1/workflows/versions/{hash}`), instead of
/// the `--json` value.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct FormQuery {
    /// `parts`
    form: Option<String>,
}

impl FormQuery {
    fn parts(&self) -> bool {
        self.form.as_deref() == Some("parts")
    }
}

/// A request body as `T`; bad JSON is bad input.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        Failure::said(
            Exit::BadInput,
            crate::msg!("api-bad-body", detail = e.to_string()),
        )
        .into()
    })
}

/// Runs `work` for the caller the request's token stands for.
async fn authed<F>(server: Arc<Server>, peer: SocketAddr, headers: HeaderMap, work: F) -> Response
where
    F: FnOnce(&Server, &Ctx, &Who) -> Result<Response, ApiError> + Send + 'static,
{
    blocking(move || {
        let tr = request_tr(&headers);
        let result =
            who(&server, &headers, &source(&peer)).and_then(|w| work(&server, &server.ctx(tr), &w));
        result.unwrap_or_else(|e| e.response(tr))
    })
    .await
}

async fn not_found(headers: HeaderMap) -> Response {
    let tr = request_tr(&headers);
    ApiError {
        status: Some(StatusCode::NOT_FOUND),
        kind: None,
        failure: Failure::said(Exit::BadInput, crate::msg!("api-no-endpoint")),
    }
    .response(tr)
}

/// Data given with an act: a document (`data`, an object) and assignments (`set`).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DataBody {
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    set: Vec<String>,
}

impl DataBody {
    fn input(&self) -> Result<Input, ApiError> {
        let document = match &self.data {
            None => None,
            // A document's text (YAML or JSON), as the command line's `--data` reads it.
            Some(Value::String(text)) => Some(text.as_bytes().to_vec()),
            Some(v) => Some(serde_json::to_vec(v).map_err(Failure::bug)?),
        };
        Ok(Input {
            document,
            sets: self.set.clone(),
        })
    }
}

fn at(text: Option<&str>) -> Result<Option<jiff::Timestamp>, ApiError> {
    Ok(text.map(|t| parse_time("at", t)).transpose()?)
}

/// The error body: the command line's `--json` error object.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ErrorBody {
    /// The exit code the command line gives (1 refused, 2 bad input, 3 busy, …).
    code: i32,
    /// `refused`, `bad_input`, `busy`, `integrity`, `storage`, `output`, `internal`.
    kind: String,
    /// In the language of `Accept-Language`.
    message: String,
    /// The key (field, transition, flag …) the message is about.
    key: Option<String>,
}

/// Bearer tokens, the only way in.
struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's OpenAPI document, generated from the routes above (checked in as
/// docs/openapi.json; a test keeps the copy current).
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "wardflow", description = "The HTTP API of `wardflow serve` (docs/api.md)"),
    modifiers(&Bearer),
    security(("bearer" = [])),
    components(schemas(ErrorBody)),
    paths(
        sessions::sign_in,
        sessions::sign_out,
        cases::case_list,
        cases::case_open,
        cases::case_show,
        cases::case_history,
        cases::case_next,
        cases::version_source,
        cases::case_advance,
        cases::case_amend,
        cases::case_transfer,
        cases::case_export,
        letters::letter_list,
        letters::letter_issue,
        letters::letter_preview,
        letters::letter_list_all,
        letters::letter_show,
        letters::letter_void,
        letters::letter_verify,
        letters::letter_export,
        child::child_show,
        child::child_find,
        child::child_access,
        report::report,
        deadlines::agenda,
        deadlines::overdue,
        deadlines::tick,
        accounts::user_list,
        accounts::user_add,
        accounts::user_disable,
        accounts::user_enable,
        accounts::user_roles,
        accounts::user_password,
        accounts::user_unlock,
        accounts::token_list,
        accounts::token_create,
        accounts::token_revoke,
        database::audit,
        database::export,
        database::backup,
        publishing::unit_list,
        publishing::unit_load,
        publishing::publication_list,
        publishing::publish,
        publishing::workflow_list,
        publishing::workflow_publish,
        publishing::workflow_migrate,
        publishing::key_show,
        publishing::key_ring,
        database::check,
        register::import_register,
        database::verify,
        events::events,
        webhooks::webhook_list,
        webhooks::webhook_add,
        webhooks::webhook_remove,
        webhooks::webhook_deliveries,
        webhooks::webhook_replay
    )
)]
pub struct ApiDoc;

/// A result type as the JSON body it is (plain structs with string keys: serialising them
/// cannot fail, and if it ever did the body says so rather than the server stopping).
fn value_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| json!({ "error": e.to_string() }))
}
