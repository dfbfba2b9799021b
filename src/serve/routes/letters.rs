//! The letter endpoints: issue, read, void, preview, verify.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::response::Response;
use serde::Deserialize;
use wardflow_engine::app::backend::Backend;
use wardflow_engine::app::{IssueRequest, LetterRecord, Office, PreviewRequest, VoidRequest};

use crate::cli::case_id;
use crate::cli::letter::archive::{ExportFormat, exported};
use crate::cli::letter::verify::verified;
use crate::cli::letter::wire::{
    Draft, IssueBody, IssuedLetter, LetterParticulars, ListedLetter, PreviewBody, Verified,
    VerifyBody, VoidBody, VoidedLetter,
};
use crate::failure::{Exit, Failure};
use crate::serve::once;
use wardflow_engine::case::Case;
use wardflow_engine::letters::archive::ArchivedLetter;

use super::{ErrorBody, Peer, Shared, authed, body, ok, value_of};

/// The rows of `records`, with the documents' English names from the office's letters table
/// (none when it cannot be loaded: the stored Chinese title is the document's own).
fn listed<B: Backend>(office: &Office<B>, records: &[LetterRecord]) -> Vec<ListedLetter> {
    let renderer = office.renderer().ok();
    let table = renderer.as_deref().map(|r| r.table());
    records.iter().map(|r| ListedLetter::of(r, table)).collect()
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/letters",
    tag = "letters",
    summary = "letter list --case",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<ListedLetter>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn letter_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let id = case_id(&id)?;
        ok(
            s,
            value_of(&listed(
                &s.office,
                &s.office.letters(&who.caller, Some(&id))?,
            )),
        )
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/letters",
    tag = "letters",
    summary = "letter list",
    responses((status = 200, body = Vec<ListedLetter>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn letter_list_all(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        ok(
            s,
            value_of(&listed(&s.office, &s.office.letters(&who.caller, None)?)),
        )
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/letters/{letter}",
    tag = "letters",
    summary = "letter show",
    params(("letter" = String, Path)),
    responses((status = 200, body = LetterParticulars, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn letter_show(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(letter): Path<String>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let r = s.office.letter(&who.caller, &letter, "letter-show")?;
        let renderer = s.office.renderer().ok();
        let table = renderer.as_deref().map(|r| r.table());
        ok(s, value_of(&LetterParticulars::of(&r, table)))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/letters/verify",
    tag = "letters",
    summary = "letter verify: a code or a copy against the archive",
    request_body = VerifyBody,
    responses((status = 200, body = Verified, description = "the command line's --json value"), (status = 409, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn letter_verify(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, ctx, who| {
        let request: VerifyBody = body(&bytes)?;
        let code = match &request.code {
            None => None,
            Some(typed) => Some(
                wardflow_engine::letters::archive::normalize_code(typed).ok_or_else(|| {
                    Failure::said(
                        Exit::BadInput,
                        crate::msg!("verify-bad-code", code = typed.clone()),
                    )
                    .with_key("--code")
                })?,
            ),
        };
        let file = match (&request.file, &request.file_base64) {
            (Some(text), _) => Some(text.as_bytes().to_vec()),
            (None, Some(encoded)) => {
                use base64::Engine;
                Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(encoded.as_bytes())
                        .map_err(|_| {
                            Failure::said(Exit::BadInput, crate::msg!("api-bad-file-base64"))
                                .with_key("file_base64")
                        })?,
                )
            }
            (None, None) => None,
        };
        // The copy's name as the client shows it, a line of at most 500 characters.
        let name = request
            .name
            .as_deref()
            .map(|n| {
                wardflow_engine::value::clean_note(n)
                    .chars()
                    .take(500)
                    .collect()
            })
            .unwrap_or_else(|| "file".to_owned());
        let verdict = s
            .office
            .verify_letter(&who.caller, code.as_deref(), file.as_deref())?;
        let answer = verified(&ctx.tr, verdict, code.as_deref(), &name)?;
        ok(s, value_of(&answer))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/letters",
    tag = "letters",
    summary = "letter issue",
    request_body = IssueBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 201, body = IssuedLetter, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn letter_issue(
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
                value_of(&IssuedLetter::of(&case.id, case.seq, letter))
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

#[utoipa::path(
    post,
    path = "/api/v1/letters/{letter}/void",
    tag = "letters",
    summary = "letter void",
    request_body = VoidBody,
    params(("letter" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "a retry under the same key gets the first answer (docs/api.md)")),
    responses((status = 200, body = VoidedLetter, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn letter_void(
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
                value_of(&VoidedLetter {
                    case: case.id.clone(),
                    seq: case.seq,
                    letter: letter.id.clone(),
                    number: letter.number.clone(),
                    voided: voided.clone(),
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

/// A draft (草稿), nothing stored: its HTML, text and DOCX.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/letters/preview",
    tag = "letters",
    summary = "letter preview (a draft; nothing stored)",
    request_body = PreviewBody,
    params(("id" = String, Path)),
    responses((status = 200, body = Draft, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn letter_preview(
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
        use base64::Engine;
        ok(
            s,
            value_of(&Draft {
                html: rendered.html,
                text: rendered.text,
                docx_base64: base64::engine::general_purpose::STANDARD.encode(&rendered.docx),
            }),
        )
    })
    .await
}

/// `?format=`: the form of a letter to export.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ExportQuery {
    /// `html` (default), `txt` or `pdf` as archived; `docx`, an editable unofficial copy.
    format: Option<String>,
}

/// A letter's bytes: as archived when it was issued, or an editable DOCX copy.
#[utoipa::path(
    get,
    path = "/api/v1/letters/{letter}/export",
    tag = "letters",
    summary = "letter export: the archived HTML, text or PDF, or a DOCX copy",
    params(("letter" = String, Path), ExportQuery),
    responses((status = 200, content_type = "application/octet-stream", description = "the bytes `letter export` writes"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn letter_export(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(letter): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let asked = match query {
            Ok(Query(q)) => q.format.unwrap_or_else(|| "html".to_owned()),
            Err(_) => String::new(),
        };
        let format = ExportFormat::of_key(&asked).ok_or_else(|| {
            Failure::said(
                Exit::BadInput,
                crate::msg!(
                    "api-bad-letter-format",
                    format = asked.chars().take(40).collect::<String>()
                ),
            )
            .with_key("format")
        })?;
        let bytes = exported(&s.office, &who.caller, &letter, format)?;
        let kind = match format {
            ExportFormat::Html => "text/html; charset=utf-8",
            ExportFormat::Txt => "text/plain; charset=utf-8",
            ExportFormat::Pdf => "application/pdf",
            ExportFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        };
        Ok(([(axum::http::header::CONTENT_TYPE, kind)], bytes).into_response())
    })
    .await
}
