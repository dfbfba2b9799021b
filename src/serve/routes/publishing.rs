//! What a county publishes into its database: units, configuration (calendars, letters,
//! profile, privacy) and workflow versions, and moving cases between versions. Who may do
//! what is the office's to decide (administrators publish; any registered user lists).

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use wardflow_engine::app::Unit;
use wardflow_engine::definition::{self, Definition};

use crate::cli::admin::{
    FileBody, MigrateBody, Migrated, PublicationRow, PublishBody, Published, PublishedVersion,
    UnitsLoaded, WorkflowFilesBody, WorkflowRow,
};

use super::{ErrorBody, Peer, Shared, authed, body, ok, value_of};

#[utoipa::path(
    get,
    path = "/api/v1/units",
    tag = "publishing",
    summary = "unit list",
    responses((status = 200, body = Vec<Object>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub(super) async fn unit_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let units = s.office.units(&who.caller)?;
        let units: Vec<&Unit> = units.iter().collect();
        ok(s, value_of(&units))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/units",
    tag = "publishing",
    summary = "unit load, publish units (administrators)",
    request_body = FileBody,
    responses((status = 200, body = UnitsLoaded, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn unit_load(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: FileBody = body(&bytes)?;
        let units = s
            .office
            .load_units(&who.caller, &request.file, request.source.as_bytes())?;
        ok(s, value_of(&UnitsLoaded { units }))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/publications",
    tag = "publishing",
    summary = "publish list",
    responses((status = 200, body = Vec<PublicationRow>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub(super) async fn publication_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let list = s.office.publications(&who.caller)?;
        let rows: Vec<PublicationRow> = list.iter().map(PublicationRow::from).collect();
        ok(s, value_of(&rows))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/publications",
    tag = "publishing",
    summary = "publish calendar|letters|profile|privacy (administrators)",
    request_body = PublishBody,
    responses((status = 200, body = Published, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn publish(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: PublishBody = body(&bytes)?;
        let item = crate::cli::publish::to_publish(request)?;
        let report = s.office.publish_config(&who.caller, vec![item])?;
        ok(s, value_of(&Published::from(&report)))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/workflows",
    tag = "workflows",
    summary = "workflow list",
    responses((status = 200, body = Vec<WorkflowRow>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub(super) async fn workflow_list(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, _, who| {
        let rows = WorkflowRow::all(&s.office.workflows(&who.caller)?);
        ok(s, value_of(&rows))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/workflows",
    tag = "workflows",
    summary = "workflow publish (administrators): all the files or none",
    request_body = WorkflowFilesBody,
    responses((status = 200, body = Vec<PublishedVersion>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn workflow_publish(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: WorkflowFilesBody = body(&bytes)?;
        let files: Vec<(String, Vec<u8>)> = request
            .files
            .into_iter()
            .map(|f| (f.file, f.source.into_bytes()))
            .collect();
        // The client's other workflow files that links may name, as `workflow publish`
        // reads them beside the published ones; a file that does not load is left out.
        let context: Vec<Definition> = request
            .context
            .iter()
            .filter_map(|f| definition::load(&f.file, f.source.as_bytes()).ok())
            .collect();
        let published = s.office.publish(&who.caller, &files, context)?;
        let rows: Vec<PublishedVersion> = published
            .iter()
            .map(crate::cli::workflow::publish::published_version)
            .collect();
        ok(s, value_of(&rows))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/workflows/{key}/migrate",
    tag = "workflows",
    summary = "workflow migrate (administrators); dry_run changes nothing",
    request_body = MigrateBody,
    params(("key" = String, Path)),
    responses((status = 200, body = Migrated, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 400, body = ErrorBody))
)]
pub(super) async fn workflow_migrate(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(key): Path<String>,
    bytes: Bytes,
) -> Response {
    authed(server, peer, headers, move |s, _, who| {
        let request: MigrateBody = body(&bytes)?;
        let migration = crate::cli::workflow::migrate::migration(&key, request)?;
        let report = s.office.migrate(&who.caller, &migration)?;
        ok(s, value_of(&Migrated::from(&report)))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/key/ring",
    tag = "publishing",
    summary = "key ring: every public key the office has signed with, and when each was in force (any registered user)",
    responses((status = 200, body = Vec<Object>, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub(super) async fn key_ring(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    authed(server, peer, headers, |s, ctx, who| {
        let ring = match s.office.key_ring(&who.caller, None)? {
            Some(ring) => ring,
            // Never rotated: the ring is the server's key file's key, numbered 1.
            None => {
                let path = crate::cli::key::KeyFileArg {
                    key_file: ctx.key_files().into_iter().next(),
                }
                .path(ctx);
                let key = crate::cli::key::load_with(ctx, &path)?;
                wardflow_engine::seal::KeyRing::first(&key.public())
            }
        };
        ok(s, value_of(&ring.keys))
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/key",
    tag = "publishing",
    summary = "key show: the office's public signing key (any registered user)",
    responses((status = 200, body = crate::cli::key::PublicKey, description = "the command line's --json value"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
pub(super) async fn key_show(
    State(server): Shared,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    // A public key: any caller the office authenticated (registered and enabled) may see it.
    authed(server, peer, headers, |s, ctx, _| {
        let path = crate::cli::key::KeyFileArg { key_file: None }.path(ctx);
        let key = crate::cli::key::load_with(ctx, &path)?;
        ok(s, value_of(&crate::cli::key::PublicKey::of(&key, &path)))
    })
    .await
}
