//! The whole-database endpoints: audit log, export, backup (administrators).

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use wardflow_engine::app::AccessFilter;

use crate::cli::admin::{AuditParts, AuditQuery, BackupBody, BackupDone};
use crate::failure::{Context, Exit, Failure};

use super::{ErrorBody, FormQuery, Peer, Shared, authed, body, ok, parts, value_of};

/// How many copies a rotated backup directory keeps unless the request says.
const DEFAULT_KEEP: u16 = 14;

/// A backup request that cannot be done as asked (`message`, about `key`).
fn bad_backup(message: crate::i18n::Message, key: &'static str) -> Failure {
    Failure::said(Exit::BadInput, message).with_key(key)
}

#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "database",
    summary = "audit (administrators, auditors)",
    params(AuditQuery),
    responses((status = 200, body = Vec<Object>, description = "the command line's --json value (with ?form=parts: AuditParts, the entries and where their chain is broken)"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn audit(
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
        if q.form.as_deref() == Some("parts") {
            let broken = s.office.audit_chain(&who.caller)?;
            return ok(s, value_of(&AuditParts { entries, broken }));
        }
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
pub(super) async fn export(
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
pub(super) struct ExportQuery {
    plain: Option<bool>,
}

fn copy_form(plain: Option<bool>) -> wardflow_engine::app::CopyForm {
    if plain == Some(true) {
        wardflow_engine::app::CopyForm::Plain
    } else {
        wardflow_engine::app::CopyForm::Encrypted
    }
}

/// A consistent copy of the database into a file on the server (administrators).
#[utoipa::path(
    post,
    path = "/api/v1/backup",
    tag = "database",
    summary = "backup into a file or a rotated directory on the server (administrators)",
    request_body = BackupBody,
    responses((status = 200, body = BackupDone, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn backup(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: BackupBody = body(&bytes)?;
        let form = copy_form(Some(request.plain));
        let done = match (request.out, request.dir) {
            (Some(out), None) if request.keep.is_none() => {
                let bytes = s
                    .office
                    .backup_held(&who.caller, &out, form)
                    .exists_as("ops-out-exists")?;
                BackupDone {
                    backup: out.display().to_string(),
                    bytes,
                    encrypted: Some(!request.plain),
                    removed: None,
                }
            }
            (None, Some(dir)) => {
                let keep = request.keep.unwrap_or(DEFAULT_KEEP);
                if !(1..=3650).contains(&keep) {
                    return Err(bad_backup(crate::msg!("backup-bad-keep"), "keep").into());
                }
                if !dir.is_dir() {
                    return Err(Failure::cannot_read(&dir, crate::msg!("backup-no-dir"))
                        .with_key("dir")
                        .into());
                }
                let rotated = s
                    .office
                    .backup_rotated_held(&who.caller, &dir, usize::from(keep), form)
                    .exists_as("ops-out-exists")?;
                BackupDone {
                    backup: rotated.path.display().to_string(),
                    bytes: rotated.bytes,
                    encrypted: None,
                    removed: Some(
                        rotated
                            .removed
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect(),
                    ),
                }
            }
            (Some(_), None) => {
                return Err(bad_backup(crate::msg!("backup-keep-without-dir"), "keep").into());
            }
            _ => return Err(bad_backup(crate::msg!("backup-out-or-dir"), "out").into()),
        };
        ok(s, value_of(&done))
    })
    .await
}

/// `?form=parts` (the typed report, for the command line with `--server`) or not (the
/// command line's `--json` value).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct VerifyQuery {
    /// Only this case (default: every case).
    case: Option<String>,
    /// `parts`
    form: Option<String>,
}

/// `check`: the integrity of the database the server holds, on a consistent copy
/// (administrators and auditors).
#[utoipa::path(
    get,
    path = "/api/v1/check",
    tag = "database",
    summary = "check (administrators, auditors)",
    params(FormQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value (ok false: problems found)"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub(super) async fn check(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(form): Query<FormQuery>,
) -> Response {
    authed(server, peer, headers, move |s, ctx, who| {
        let report = s.office.check_held(&who.caller)?;
        if form.parts() {
            return parts(&report);
        }
        ok(s, crate::cli::ops::check::check_json(&ctx.tr, &report))
    })
    .await
}

/// `verify`: the hash chains of one case or all (administrators and auditors).
#[utoipa::path(
    get,
    path = "/api/v1/verify",
    tag = "database",
    summary = "verify (administrators, auditors)",
    params(VerifyQuery),
    responses((status = 200, body = serde_json::Value, description = "the command line's --json value (ok false: a chain is broken)"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn verify(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<VerifyQuery>,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let only = q.case.as_deref().map(crate::cli::case_id).transpose()?;
        let report = s.office.verify(&who.caller, only.as_ref())?;
        if q.form.as_deref() == Some("parts") {
            return parts(&report);
        }
        ok(s, crate::cli::verify::verify_json(&report))
    })
    .await
}
