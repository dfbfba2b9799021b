//! The letter endpoints: issue, read, void, preview, verify.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use wardflow_engine::app::{IssueRequest, LetterRecord, PreviewRequest, VoidRequest};

use crate::cli::case_id;
use crate::failure::{Exit, Failure};
use crate::serve::once;
use wardflow_engine::case::Case;
use wardflow_engine::letters::archive::ArchivedLetter;

use super::{ErrorBody, Peer, Shared, authed, body, ok};

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
pub(super) async fn letter_list(
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
pub(super) async fn letter_list_all(
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
pub(super) async fn letter_show(
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
pub(super) async fn letter_verify(
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
        ok(s, json!({"html": rendered.html, "text": rendered.text}))
    })
    .await
}
