//! The endpoints: each one parses its request, makes one office call (the same the command
//! line makes) and answers with the command line's `--json` value.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wardflow_engine::app::{
    AccessFilter, Acted, Advance, Amend, Due, Input, IssueRequest, LetterRecord, NewUser, OpenCase,
    PreviewRequest, Transfer, VoidRequest,
};

use wardflow_engine::app::batch::Batched;
use wardflow_engine::app::{CaseListing, ListedCase};

use super::{
    ApiError, MAX_BODY, Server, Who, blocking, once, request_clock, request_tr, source, who,
};
use crate::cli::case::filter::ListingQuery;
use crate::cli::{Ctx, case_id, parse_time, token_json};
use crate::failure::{Exit, Failure};
use wardflow_engine::case::Case;
use wardflow_engine::letters::archive::ArchivedLetter;

type Shared = State<Arc<Server>>;
type Peer = ConnectInfo<SocketAddr>;

/// Every route, with the body limit.
pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route("/api/v1/sessions", post(sign_in).delete(sign_out))
        .route("/api/v1/cases", get(case_list).post(case_open))
        .route("/api/v1/cases/{id}", get(case_show))
        .route("/api/v1/cases/{id}/history", get(case_history))
        .route("/api/v1/cases/{id}/next", get(case_next))
        .route("/api/v1/cases/{id}/advance", post(case_advance))
        .route("/api/v1/cases/{id}/amend", post(case_amend))
        .route("/api/v1/cases/{id}/transfer", post(case_transfer))
        .route(
            "/api/v1/cases/{id}/letters",
            get(letter_list).post(letter_issue),
        )
        .route("/api/v1/cases/{id}/letters/preview", post(letter_preview))
        .route("/api/v1/letters", get(letter_list_all))
        .route("/api/v1/letters/verify", post(letter_verify))
        .route("/api/v1/letters/{letter}", get(letter_show))
        .route("/api/v1/letters/{letter}/void", post(letter_void))
        .route("/api/v1/workflows/versions/{hash}", get(version_source))
        .route("/api/v1/agenda", get(agenda))
        .route("/api/v1/overdue", get(overdue))
        .route("/api/v1/users", get(user_list).post(user_add))
        .route("/api/v1/users/{name}/disable", post(user_disable))
        .route("/api/v1/users/{name}/enable", post(user_enable))
        .route("/api/v1/users/{name}/roles", put(user_roles))
        .route("/api/v1/users/{name}/password", put(user_password))
        .route("/api/v1/users/{name}/unlock", post(user_unlock))
        .route("/api/v1/tokens", get(token_list).post(token_create))
        .route("/api/v1/tokens/{id}", axum::routing::delete(token_revoke))
        .route("/api/v1/audit", get(audit))
        .route("/api/v1/export", get(export))
        .route("/api/v1/backup", post(backup))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
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

// Sessions -------------------------------------------------------------------------------

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
async fn sign_in(
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
async fn sign_out(State(server): Shared, ConnectInfo(peer): Peer, headers: HeaderMap) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let record = s.office.sign_out(&who.caller, &who.token)?;
        ok(s, token_json(&record))
    })
    .await
}

// Cases ----------------------------------------------------------------------------------

#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    summary = "case list",
    params(ListingQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn case_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<ListingQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let form = q.form.clone();
        let listing = q.listing()?;
        let vocabulary = s.office.vocabulary(&who.caller)?;
        let simulated = s.office.cases_simulated();
        let mut rows = Vec::new();
        s.office.cases(&who.caller, &listing, |case, priority| {
            rows.push(ListedCase::of(&case, priority, simulated, &vocabulary));
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
}

#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    summary = "case open",
    request_body = OpenBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 201, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody, description = "the idempotency key was used for a different request"))
)]
async fn case_open(
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
        let respond = once::respond(s, ctx, StatusCode::CREATED, |ctx, office, acted: &Acted| {
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
async fn case_show(
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
async fn case_history(
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
async fn case_next(
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
async fn version_source(
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
async fn case_advance(
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
async fn case_amend(
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TransferBody {
    #[serde(rename = "as")]
    role: String,
    to: String,
    officer: Option<String>,
    reason: Option<String>,
    at: Option<String>,
    expect_seq: Option<u32>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/transfer",
    tag = "cases",
    summary = "case transfer",
    request_body = TransferBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn case_transfer(
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
            let case = &acted.applied.outcome.case;
            json!({
                "case": case.id, "unit": case.unit, "officer": case.officer, "seq": case.seq,
            })
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

// Letters ---------------------------------------------------------------------------------

fn status_json(r: &LetterRecord) -> Value {
    json!({
        "in_force": r.voided.is_none() && r.replaced_by.is_none(),
        "voided": r.voided,
        "replaced_by": r.replaced_by,
    })
}

fn letters_json(records: &[LetterRecord]) -> Value {
    Value::Array(
        records
            .iter()
            .map(|r| {
                let l = &r.letter;
                json!({
                    "letter": l.id, "case": l.case, "key": l.key, "title": l.title,
                    "number": l.number, "role": l.role, "issued_at": l.issued_at,
                    "date": l.date, "code": l.code, "status": status_json(r),
                })
            })
            .collect(),
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/letters",
    tag = "letters",
    summary = "letter list --case",
    params(("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn letter_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let id = case_id(&id)?;
        ok(s, letters_json(&s.office.letters(&who.caller, Some(&id))?))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/letters",
    tag = "letters",
    summary = "letter list",
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn letter_list_all(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        ok(s, letters_json(&s.office.letters(&who.caller, None)?))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/letters/{letter}",
    tag = "letters",
    summary = "letter show",
    params(("letter" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn letter_show(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(letter): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let r = s.office.letter(&who.caller, &letter, "letter-show")?;
        ok(s, particulars(&r))
    })
    .await
}

/// Every particular of an archived letter (`letter show --json`).
fn particulars(r: &LetterRecord) -> Value {
    let l = &r.letter;
    json!({
        "letter": l.id, "case": l.case, "key": l.key, "title": l.title,
        "number": l.number, "role": l.role, "issuer": l.issuer, "actor": l.actor,
        "issued_at": l.issued_at, "date": l.date, "code": l.code,
        "template_hash": l.template_hash, "html_sha256": l.html_sha256,
        "text_sha256": l.text_sha256, "replaces": l.replaces, "status": status_json(r),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct VerifyBody {
    /// The verification code printed on a paper copy (核验码, e.g. 7KQ2M-XC4TA).
    code: Option<String>,
    /// A copy to compare byte for byte with the archive (the HTML or text as exported).
    file: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/letters/verify",
    tag = "letters",
    summary = "letter verify: a code or a copy against the archive",
    request_body = VerifyBody,
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 409, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn letter_verify(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, ctx, who| {
        use wardflow_engine::app::LetterVerdict;
        let request: VerifyBody = body(&bytes)?;
        let code = match &request.code {
            None => None,
            Some(typed) => Some(
                wardflow_engine::letters::archive::normalize_code(typed).ok_or_else(|| {
                    Failure::said(
                        Exit::BadInput,
                        crate::msg!("verify-bad-code", code = typed.clone()),
                    )
                    .with_key("code")
                })?,
            ),
        };
        let file = request.file.as_deref().map(str::as_bytes);
        let verdict = s.office.verify_letter(&who.caller, code.as_deref(), file)?;
        let shown = "file".to_owned();
        let message = match verdict {
            LetterVerdict::ByCode(record) | LetterVerdict::Identical(record) => {
                return ok(s, particulars(&record));
            }
            LetterVerdict::Limited { valid, issuer } => {
                return ok(
                    s,
                    json!({"status": if valid { "valid" } else { "void" }, "issuer": issuer}),
                );
            }
            LetterVerdict::UnknownCode => {
                crate::msg!("verify-code-unknown", code = code.unwrap_or_default())
            }
            LetterVerdict::NeedsCode => {
                return Err(Failure::said(
                    Exit::Refused,
                    crate::msg!("verify-needs-code", file = shown),
                )
                .with_key("code")
                .into());
            }
            LetterVerdict::Altered(claimed) => crate::msg!(
                "verify-altered",
                file = shown,
                letters = ctx.tr.list(
                    &claimed
                        .iter()
                        .map(|(id, code)| format!("{id}（{code}）"))
                        .collect::<Vec<_>>()
                )
            ),
            LetterVerdict::Unknown(sha) => crate::msg!("verify-unknown", file = shown, sha = sha),
        };
        Err(Failure::said(Exit::Integrity, message).into())
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct IssueBody {
    key: String,
    #[serde(rename = "as")]
    role: String,
    number: Option<String>,
    replaces: Option<String>,
    expect_seq: Option<u32>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/letters",
    tag = "letters",
    summary = "letter issue",
    request_body = IssueBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 201, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn letter_issue(
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
        let request: IssueBody = body(&bytes)?;
        let caller = who.caller.clone().acting_as(&request.role);
        let respond = once::respond(
            s,
            ctx,
            StatusCode::CREATED,
            |_, _, (case, letter): &(Case, ArchivedLetter)| {
                json!({
                    "case": case.id,
                    "seq": case.seq,
                    "letter": letter.id,
                    "key": letter.key,
                    "number": letter.number,
                    "code": letter.code,
                    "html_sha256": letter.html_sha256,
                    "text_sha256": letter.text_sha256,
                    "replaces": letter.replaces,
                })
            },
        );
        let answer = s.office.issue_letter_once(
            &caller,
            &IssueRequest {
                case: id,
                key: request.key,
                number: request.number,
                replaces: request.replaces,
                expect_seq: request.expect_seq,
            },
            once::remember(once, &respond).as_ref(),
        )?;
        once::answer(answer, &respond)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct VoidBody {
    #[serde(rename = "as")]
    role: String,
    reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/letters/{letter}/void",
    tag = "letters",
    summary = "letter void",
    request_body = VoidBody,
    params(("letter" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn letter_void(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(letter): Path<String>,
    bytes: Bytes,
) -> Response {
    let key = headers.get(once::KEY_HEADER).cloned();
    authed(server, peer, headers, move |s, ctx, who| {
        let once = once::once_of(key.as_ref(), &method, &uri, &bytes)?;
        let request: VoidBody = body(&bytes)?;
        let caller = who.caller.clone().acting_as(&request.role);
        let reason = wardflow_engine::value::clean_note(&request.reason);
        let voided = reason.trim().to_owned();
        let respond = once::respond(
            s,
            ctx,
            StatusCode::OK,
            move |_, _, (case, letter): &(Case, ArchivedLetter)| {
                json!({
                    "case": case.id,
                    "seq": case.seq,
                    "letter": letter.id,
                    "voided": voided,
                })
            },
        );
        let answer = s.office.void_letter_once(
            &caller,
            &VoidRequest { letter, reason },
            once::remember(once, &respond).as_ref(),
        )?;
        once::answer(answer, &respond)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PreviewBody {
    key: String,
    #[serde(rename = "as")]
    role: String,
    body: Option<String>,
}

/// A draft (草稿), nothing stored: `{"html","text"}`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/letters/preview",
    tag = "letters",
    summary = "letter preview (a draft; nothing stored)",
    request_body = PreviewBody,
    params(("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn letter_preview(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let id = case_id(&id)?;
        let request: PreviewBody = body(&bytes)?;
        let caller = who.caller.clone().acting_as(&request.role);
        let (rendered, _) = s.office.preview_letter(
            &caller,
            &PreviewRequest {
                case: id,
                key: request.key,
                body: request.body.unwrap_or_else(|| "（签发机关）".to_owned()),
            },
        )?;
        ok(s, json!({"html": rendered.html, "text": rendered.text}))
    })
    .await
}

// Deadlines ------------------------------------------------------------------------------

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DueQuery {
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
async fn agenda(
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
async fn overdue(
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

// Users and tokens -----------------------------------------------------------------------

#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    summary = "user list",
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn user_list(State(server): Shared, ConnectInfo(peer): Peer, headers: HeaderMap) -> Response {
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
async fn user_add(
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
async fn user_disable(
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
async fn user_enable(
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
async fn user_roles(
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
async fn user_password(
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
async fn user_unlock(
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
async fn token_list(
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
async fn token_create(
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
async fn token_revoke(
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

// The database ---------------------------------------------------------------------------

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    case: Option<String>,
    reader: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "database",
    summary = "audit (administrators, auditors)",
    params(AuditQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn audit(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let entries = s.office.audit(
            &who.caller,
            &AccessFilter {
                case: q.case,
                user: q.reader,
            },
        )?;
        ok(s, serde_json::to_value(&entries).map_err(Failure::bug)?)
    })
    .await
}

/// The whole database as JSON Lines (administrators), the one streamed body.
#[utoipa::path(
    get,
    path = "/api/v1/export",
    tag = "database",
    summary = "export: JSON Lines (administrators), encrypted unless ?plain=true",
    params(ExportQuery),
    responses((status = 200, content_type = "application/octet-stream", description = "the export, encrypted to the published recipients (age), or JSON Lines with ?plain=true"), (status = 403, body = ErrorBody))
)]
async fn export(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let mut out = Vec::new();
        let form = copy_form(q.plain);
        s.office.export_held(&who.caller, form, &mut out)?;
        let kind = match form {
            wardflow_engine::app::CopyForm::Plain => "application/jsonl",
            wardflow_engine::app::CopyForm::Encrypted => "application/octet-stream",
        };
        Ok(([(axum::http::header::CONTENT_TYPE, kind)], out).into_response())
    })
    .await
}

/// `?plain=true`: an unencrypted export (recorded as such); by default it is encrypted to the
/// published recipients (issue 23).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    plain: Option<bool>,
}

fn copy_form(plain: Option<bool>) -> wardflow_engine::app::CopyForm {
    if plain == Some(true) {
        wardflow_engine::app::CopyForm::Plain
    } else {
        wardflow_engine::app::CopyForm::Encrypted
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BackupBody {
    /// A file on the server that does not exist yet.
    #[schema(value_type = String)]
    out: std::path::PathBuf,
    /// An unencrypted copy (recorded as such); by default it is encrypted (issue 23).
    #[serde(default)]
    plain: bool,
}

/// A consistent copy of the database into a file on the server (administrators).
#[utoipa::path(
    post,
    path = "/api/v1/backup",
    tag = "database",
    summary = "backup into a file on the server (administrators)",
    request_body = BackupBody,
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
async fn backup(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: BackupBody = body(&bytes)?;
        let form = copy_form(Some(request.plain));
        let size = s.office.backup_held(&who.caller, &request.out, form)?;
        ok(s, json!({"backup": request.out, "bytes": size}))
    })
    .await
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
    paths(sign_in, sign_out, case_list, case_open, case_show, case_history, case_next, version_source, case_advance, case_amend, case_transfer, letter_list, letter_issue, letter_preview, letter_list_all, letter_show, letter_void,
        letter_verify, agenda, overdue, user_list, user_add, user_disable, user_enable, user_roles, user_password, user_unlock, token_list, token_create, token_revoke, audit, export, backup)
)]
pub struct ApiDoc;

/// A result type as the JSON body it is (plain structs with string keys: serialising them
/// cannot fail, and if it ever did the body says so rather than the server stopping).
fn value_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| json!({ "error": e.to_string() }))
}
