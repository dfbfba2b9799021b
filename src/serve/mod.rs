//! `wardflow serve`: one long-running process that alone holds the database (and the office
//! key) and offers the application layer over HTTP/JSON, with the deadline runner inside.
//!
//! Every endpoint makes the same `Office` call the command line makes, with the caller the
//! bearer token stands for (`Authorization: Bearer …`; no cookies, so no cross-site request
//! forgery). Bodies are the command line's `--json` values; a failure is the same
//! `{"code","kind","message","key"}` object with an HTTP status per kind, in Chinese or
//! English by `Accept-Language`. Request bodies are bounded ([`MAX_BODY`]). A simulation
//! database accepts a requested clock per request (`Wardflow-Now`, as `--now`).

mod deliver;
mod once;
mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use clap::Args;
use wardflow_engine::app::accounts::AccountError;
use wardflow_engine::app::batch::{Batched, OnceSubmitter};
use wardflow_engine::app::database::Database;
use wardflow_engine::app::once::{Answer, Keeping, Remember};
use wardflow_engine::app::{Acted, AppError, Caller, ClockSource, Office};

use crate::cli::{Ctx, Global, parse_time};
use crate::failure::{Exit, Failure};
use crate::i18n::{Lang, Tr};
use crate::tr;

/// The largest request body accepted, in bytes (a case's data is bounded well below it).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Arguments of `wardflow serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (else `[server] listen` in the configuration file); loopback,
    /// 127.0.0.1:8620, by default (give `--tls-cert/--tls-key` on a network).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Longest sleep of the deadline runner between looks at the deadline index, in seconds.
    #[arg(long, default_value_t = 30.0)]
    recheck: f64,
    /// TLS: the certificate chain (PEM; else `[server] tls_cert`); with `--tls-key`, the
    /// server speaks HTTPS only.
    #[arg(long, requires = "tls_key", value_name = "FILE")]
    tls_cert: Option<PathBuf>,
    /// TLS: the certificate's private key (PEM; else `[server] tls_key`).
    #[arg(long, requires = "tls_cert", value_name = "FILE")]
    tls_key: Option<PathBuf>,
    /// Print the API's OpenAPI document (docs/openapi.json) and exit; the database is not
    /// opened.
    #[arg(long)]
    openapi: bool,
    #[command(flatten)]
    log: crate::log::LogArgs,
    /// The database to serve when it is on PostgreSQL: `postgres://USER:PASSWORD@HOST/NAME`
    /// (else `WARDFLOW_DATABASE`, else `[server] database`); the redb file of `--db` by
    /// default. A secret: never logged or printed (only its host and database name).
    #[arg(
        long,
        env = "WARDFLOW_DATABASE",
        hide_env_values = true,
        value_name = "URL"
    )]
    database: Option<String>,
    /// PostgreSQL: the most connections this server holds.
    #[arg(long, default_value_t = wardflow_engine::pg::POOL_SIZE, value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=wardflow_engine::pg::MAX_POOL_SIZE as i64))]
    pool_size: u32,
    /// PostgreSQL: the longest one statement may run, in seconds (then the command is busy).
    #[arg(long, default_value_t = wardflow_engine::pg::STATEMENT_TIMEOUT_MS / 1000, value_name = "SECONDS",
        value_parser = clap::value_parser!(u32).range(1..=3600))]
    statement_timeout: u32,
    /// PostgreSQL: the webhook master secret file (else `[server] webhook_secret_file`), the
    /// same for every server of the database: each webhook's signing secret is derived from
    /// it, so none is kept in the database. Without it a server on PostgreSQL delivers no
    /// webhooks and refuses to add one.
    #[arg(long, value_name = "FILE")]
    webhook_secret_file: Option<PathBuf>,
    /// Days an idempotency key is kept after its change (at least 7, at most 365).
    #[arg(long, default_value_t = wardflow_engine::app::once::DEFAULT_KEEP_DAYS, value_name = "DAYS",
        value_parser = clap::value_parser!(u32).range(7..=365))]
    idempotency_days: u32,
}

/// The TLS configuration from PEM files (rustls with the ring provider; TLS 1.2 and 1.3).
fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<rustls::ServerConfig, Failure> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |path: &std::path::Path, detail: String| {
        Failure::cannot_read(path, detail).with_key(path.display().to_string())
    };
    let certs = CertificateDer::pem_file_iter(cert)
        .map_err(|e| bad(cert, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(bad(cert, "no certificate".to_owned()));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| bad(key, e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(Failure::bug)?
        .with_no_client_auth()
        .with_single_cert(certs, key_der)
        .map_err(|e| bad(key, e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// What every request runs against: the office (the database held for the server's life)
/// and the options the server was started with.
pub struct Server {
    office: Arc<Office<Database>>,
    /// Opens and advances go through the group-commit thread: the commands of concurrent
    /// requests share one durable transaction (each authorised and refused on its own).
    commits: OnceSubmitter<Database>,
    global: Global,
}

impl Server {
    /// Runs an open or an advance through group commit, under its idempotency key if any.
    fn commit(
        &self,
        caller: Caller,
        command: Batched,
        remember: Option<Remember<Acted>>,
    ) -> Result<Answer<Acted>, AppError> {
        self.commits
            .submit((caller, command, remember))
            .unwrap_or_else(|| {
                Err(AppError::Store(
                    wardflow_engine::store::StoreError::Storage(
                        "the group-commit thread has stopped".into(),
                    ),
                ))
            })
    }
}

impl Server {
    /// A context for one request, in its language, with JSON output.
    fn ctx(&self, tr: Tr) -> Ctx {
        let mut global = self.global.clone();
        global.json = true;
        Ctx {
            tr,
            global,
            settings: Vec::new(),
        }
    }
}

/// The language a request asks for: English when `Accept-Language` puts English before
/// Chinese, Chinese otherwise.
fn request_tr(headers: &HeaderMap) -> Tr {
    let lang = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let v = v.trim_start().to_ascii_lowercase();
            if v.starts_with("en") {
                Lang::En
            } else {
                Lang::Zh
            }
        })
        .unwrap_or(Lang::Zh);
    Tr { lang }
}

/// The request's clock: `Wardflow-Now` (a simulation database only), else the wall clock.
fn request_clock(headers: &HeaderMap) -> Result<ClockSource, Failure> {
    match headers.get("wardflow-now").map(|v| v.to_str()) {
        None => Ok(ClockSource::Wall),
        Some(Ok(text)) => Ok(ClockSource::Requested(parse_time("Wardflow-Now", text)?)),
        Some(Err(_)) => Ok(ClockSource::Requested(parse_time(
            "Wardflow-Now",
            "(not text)",
        )?)),
    }
}

/// Where `wardflow serve` listens when neither `--listen` nor the configuration file says.
const DEFAULT_LISTEN: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(
    std::net::Ipv4Addr::LOCALHOST,
    8620,
));

/// Where the server listens and its TLS files: each from its flag, else the configuration
/// file's `[server]` table, else the default (loopback, no TLS). A certificate without its key
/// (or the other way round) is bad input naming the one missing.
fn listening(
    ctx: &Ctx,
    args: &ServeArgs,
) -> Result<(SocketAddr, Option<(PathBuf, PathBuf)>), Failure> {
    let file = |key: &str| {
        ctx.settings
            .iter()
            .find(|s| s.key == key)
            .and_then(|s| s.value.clone())
    };
    let listen = match (args.listen, file("server.listen")) {
        (Some(address), _) => address,
        // The file's value was checked as ADDRESS:PORT when it was read.
        (None, Some(text)) => text.parse().map_err(|_| {
            Failure::bug(format!(
                "server.listen {text:?} passed the configuration check"
            ))
        })?,
        (None, None) => DEFAULT_LISTEN,
    };
    let cert = args
        .tls_cert
        .clone()
        .or_else(|| file("server.tls_cert").map(PathBuf::from));
    let key = args
        .tls_key
        .clone()
        .or_else(|| file("server.tls_key").map(PathBuf::from));
    let tls = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(Failure::said(
                Exit::BadInput,
                crate::msg!("serve-tls-half", missing = "tls_key"),
            )
            .with_key("server.tls_key"));
        }
        (None, Some(_)) => {
            return Err(Failure::said(
                Exit::BadInput,
                crate::msg!("serve-tls-half", missing = "tls_cert"),
            )
            .with_key("server.tls_cert"));
        }
    };
    Ok((listen, tls))
}

/// The longest reason (`Wardflow-Reason`, the command line's `--why`) a request may give, in
/// characters once decoded.
const MAX_REASON_CHARS: usize = 500;

/// The reason a request gives for what it reads (`Wardflow-Reason`: percent-encoded UTF-8, as
/// the command line sends `--why`): what reading a sealed case needs, kept in the access log.
fn request_reason(headers: &HeaderMap) -> Result<Option<String>, Failure> {
    let Some(value) = headers.get("wardflow-reason") else {
        return Ok(None);
    };
    let bad = || {
        Failure::said(Exit::BadInput, crate::msg!("remote-bad-reason")).with_key("Wardflow-Reason")
    };
    let text = value.to_str().map_err(|_| bad())?;
    let decoded = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_err(|_| bad())?;
    if decoded.trim().is_empty() || decoded.chars().count() > MAX_REASON_CHARS {
        return Err(bad());
    }
    Ok(Some(decoded.into_owned()))
}

/// A failure as the API answers it: the command line's object and an HTTP status.
pub struct ApiError {
    /// The status beyond the failure's kind's, if any.
    status: Option<StatusCode>,
    /// The kind beyond the exit code's, if any (`idempotency_key_reused`).
    kind: Option<&'static str>,
    failure: Failure,
}

impl ApiError {
    /// The status an application error has beyond its kind's: 401 for who is not signed
    /// in, 429 for back-off, 404 for what does not exist.
    fn status_of(e: &AppError) -> Option<StatusCode> {
        match e {
            AppError::Account(AccountError::TooSoon { .. }) => Some(StatusCode::TOO_MANY_REQUESTS),
            AppError::Account(a) if a.is_unauthenticated() => Some(StatusCode::UNAUTHORIZED),
            AppError::UnknownCase(_) | AppError::UnknownLetter(_) => Some(StatusCode::NOT_FOUND),
            AppError::KeyReused { .. } => Some(StatusCode::UNPROCESSABLE_ENTITY),
            AppError::ExternalIdTaken { .. } | AppError::ExternalIdConflict { .. } => {
                Some(StatusCode::CONFLICT)
            }
            _ => None,
        }
    }

    /// The kind an application error has beyond its exit code's.
    fn kind_of(e: &AppError) -> Option<&'static str> {
        match e {
            AppError::KeyReused { .. } => Some("idempotency_key_reused"),
            AppError::ExternalIdTaken { .. } => Some("external_id_taken"),
            AppError::ExternalIdConflict { .. } => Some("external_id_conflict"),
            _ => None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError {
            status: Self::status_of(&e),
            kind: Self::kind_of(&e),
            failure: e.into(),
        }
    }
}

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> Self {
        ApiError {
            status: None,
            kind: None,
            failure,
        }
    }
}

/// The status of a kind of failure.
fn status_of_exit(exit: Exit) -> StatusCode {
    match exit {
        Exit::Refused => StatusCode::FORBIDDEN,
        Exit::BadInput => StatusCode::BAD_REQUEST,
        Exit::Busy => StatusCode::SERVICE_UNAVAILABLE,
        Exit::Integrity => StatusCode::CONFLICT,
        Exit::Storage | Exit::OutputFailed | Exit::Unknown | Exit::Bug => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

impl ApiError {
    /// The answer, worded in `tr`'s language.
    pub fn response(self, tr: Tr) -> Response {
        crate::log::failure(&tr, "request", &self.failure);
        let shown = self.failure.shown(&tr);
        let status = self.status.unwrap_or_else(|| status_of_exit(shown.exit));
        let first = shown.problems.first();
        let body = serde_json::json!({
            "code": shown.exit as i32,
            "kind": self.kind.unwrap_or(shown.exit.kind()),
            "message": shown.message,
            "key": shown.key.as_deref().or(first.and_then(|p| p.key.as_deref())),
            "problems": shown.problems,
        });
        (status, axum::Json(body)).into_response()
    }
}

/// A request's caller, known by its bearer token.
pub struct Who {
    pub caller: Caller,
    /// The bearer token itself (sign-out revokes it).
    pub token: String,
}

/// The bearer token of a request.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 256)
}

/// Authenticates a request: the caller its token stands for (on the request's clock).
fn who(server: &Server, headers: &HeaderMap, source: &str) -> Result<Who, ApiError> {
    let clock = request_clock(headers)?;
    let Some(token) = bearer(headers) else {
        // Logged like a token nobody issued.
        let e = server
            .office
            .authenticate("", clock, source)
            .err()
            .unwrap_or(AppError::Account(AccountError::TokenUnknown));
        return Err(e.into());
    };
    let reason = request_reason(headers)?;
    let found = server.office.authenticate(token, clock, source)?;
    crate::log::user(&found.user);
    Ok(Who {
        caller: Caller {
            user: found.user,
            role: None,
            clock,
            reason,
        },
        token: token.to_owned(),
    })
}

/// Runs `work` on a blocking thread (every office call may wait for the disk), inside the
/// request's log span (so the user it learns is logged with the request).
pub async fn blocking<F>(work: F) -> Response
where
    F: FnOnce() -> Response + Send + 'static,
{
    let span = tracing::Span::current();
    match tokio::task::spawn_blocking(move || span.in_scope(work)).await {
        Ok(response) => response,
        Err(e) => ApiError::from(Failure::bug(e)).response(Tr { lang: Lang::Zh }),
    }
}

/// Runs `wardflow serve` until SIGINT or SIGTERM.
pub fn run(ctx: &Ctx, args: ServeArgs) -> Result<(), Failure> {
    if args.openapi {
        use utoipa::OpenApi;
        let text = routes::ApiDoc::openapi()
            .to_pretty_json()
            .map_err(Failure::bug)?;
        println!("{text}");
        return Ok(());
    }
    crate::log::start(args.log.format(&ctx.settings));
    let (listen, tls_files) = listening(ctx, &args)?;
    // The server alone holds the database for its whole life.
    let keeping = Keeping::days(args.idempotency_days)
        .ok_or_else(|| Failure::bug("--idempotency-days outside the bounds its parser checks"))?;
    let url = served_url(ctx, &args)?;
    let limits = wardflow_engine::pg::Limits {
        pool_size: args.pool_size,
        statement_timeout_ms: args.statement_timeout.saturating_mul(1000),
    };
    // What logs and messages name: the file, or the host and database name (no password).
    let db = match &url {
        Some(url) => wardflow_engine::pg::place(url),
        None => ctx.global.db.display().to_string(),
    };
    let webhook_secret = match webhook_secret(ctx, &args) {
        Ok(secret) => secret,
        Err(failure) => {
            crate::log::service_failure(&ctx.tr, "start", &failure);
            return Err(failure);
        }
    };
    let office = match ctx.office_served(url.as_deref(), limits) {
        Ok(office) => office
            .with_keeping(keeping)
            .with_webhook_secret(webhook_secret),
        Err(failure) => {
            crate::log::service_failure(&ctx.tr, "start", &failure);
            return Err(failure);
        }
    };
    let runner_caller = ctx.caller(None)?;
    // Checked now, so a server whose user may not run the deadlines does not start.
    if let Err(e) = office.run_tick(&runner_caller) {
        let failure = Failure::from(e);
        crate::log::service_failure(&ctx.tr, "start", &failure);
        return Err(failure);
    }
    // A county is told 60 days ahead that its published holiday calendar runs out (issue 20):
    // at start, and then once a day by the runner.
    crate::cli::timers::tick::warn_calendar(ctx, &office, office.now(&runner_caller)?);
    let on_postgres = url.is_some();
    let backend = office.backend().kind();
    let office = Arc::new(office);
    // At most 64 commands share one transaction.
    let committer = office.clone().committer_once(64);
    let server = Arc::new(Server {
        office,
        commits: committer.submitter(),
        global: ctx.global.clone(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(4)
        .max_blocking_threads(64)
        .build()
        .map_err(Failure::bug)?;
    let stop = Arc::new(AtomicBool::new(false));
    let runner_user = runner_caller.user.clone();
    let runner = {
        let server = server.clone();
        let stop = stop.clone();
        let recheck = Duration::from_secs_f64(args.recheck.clamp(0.05, 3600.0));
        std::thread::Builder::new()
            .name("deadline-runner".into())
            .spawn(move || deadline_runner(&server, &runner_caller, recheck, &stop))
            .map_err(Failure::bug)?
    };
    // Webhook deliveries, beside the deadline runner: beside a redb file, or on PostgreSQL
    // with the master secret (every server of the database delivers, each claiming what it
    // attempts).
    if server.office.webhooks_kept() {
        runtime.spawn(deliver::task(server.office.clone(), stop.clone()));
    } else {
        tracing::warn!("{}", ctx.tr.t("webhook-no-master-secret"));
    }
    let tls = match &tls_files {
        Some((cert, key)) => Some(tls_config(cert, key)?),
        None => None,
    };
    let served = runtime.block_on(async {
        let cannot_listen = |e: std::io::Error| {
            Failure::said(
                Exit::BadInput,
                crate::msg!(
                    "serve-cannot-listen",
                    address = listen.to_string(),
                    detail = e.to_string()
                ),
            )
            .with_key("--listen")
        };
        let listener = std::net::TcpListener::bind(listen).map_err(cannot_listen)?;
        listener.set_nonblocking(true).map_err(cannot_listen)?;
        let address = listener.local_addr().map_err(Failure::bug)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{address}");
        if !on_postgres {
            write_marker(&ctx.global.db, &url);
        }
        tracing::info!(
            address = %url,
            db = %db,
            backend = backend,
            runner_user = %runner_user,
            "server started"
        );
        println!(
            "{}",
            tr!(ctx.tr, "serve-started", url = url, db = db.clone())
        );
        let app = routes::router(server.clone())
            .layer(axum::middleware::from_fn(crate::log::request))
            .into_make_service_with_connect_info::<SocketAddr>();
        match tls {
            None => {
                let listener = tokio::net::TcpListener::from_std(listener).map_err(Failure::bug)?;
                axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown())
                    .await
                    .map_err(Failure::bug)
            }
            Some(config) => {
                let handle = axum_server::Handle::new();
                let stopper = handle.clone();
                tokio::spawn(async move {
                    shutdown().await;
                    stopper.graceful_shutdown(Some(Duration::from_secs(10)));
                });
                let config = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(config));
                axum_server::from_tcp_rustls(listener, config)
                    .handle(handle)
                    .serve(app)
                    .await
                    .map_err(Failure::bug)
            }
        }
    });
    stop.store(true, Ordering::SeqCst);
    if !on_postgres {
        let _ = std::fs::remove_file(marker(&ctx.global.db));
    }
    let _ = runner.join();
    runtime.shutdown_timeout(Duration::from_secs(5));
    // The last batch commits before the database is closed.
    drop(server);
    drop(committer);
    if let Err(failure) = &served {
        crate::log::service_failure(&ctx.tr, "server", failure);
    }
    served?;
    tracing::info!("server stopped");
    println!("{}", tr!(ctx.tr, "serve-stopped"));
    Ok(())
}

/// The webhook master secret: `--webhook-secret-file`, else `[server] webhook_secret_file`;
/// None when neither is given. A file that cannot be read, that others may read, or that is
/// too short is bad input naming it.
fn webhook_secret(
    ctx: &Ctx,
    args: &ServeArgs,
) -> Result<Option<wardflow_engine::store::webhooks::WebhookSecret>, Failure> {
    use wardflow_engine::store::webhooks::{SecretFileError, WebhookSecret};
    let (path, key) = match &args.webhook_secret_file {
        Some(path) => (path.clone(), "--webhook-secret-file"),
        None => match ctx
            .settings
            .iter()
            .find(|s| s.key == "server.webhook_secret_file")
            .and_then(|s| s.value.clone())
        {
            Some(path) => (PathBuf::from(path), "server.webhook_secret_file"),
            None => return Ok(None),
        },
    };
    WebhookSecret::read(&path).map(Some).map_err(|e| {
        let file = path.display().to_string();
        let message = match e {
            SecretFileError::Unreadable { detail, .. } => {
                crate::msg!("webhook-secret-unreadable", file = file, detail = detail)
            }
            SecretFileError::Open { .. } => crate::msg!("webhook-secret-open", file = file),
            SecretFileError::TooShort { .. } => crate::msg!(
                "webhook-secret-short",
                file = file,
                min = WebhookSecret::MIN_BYTES
            ),
        };
        Failure::said(Exit::BadInput, message).with_key(key)
    })
}

/// The PostgreSQL database to serve: `--database` (or `WARDFLOW_DATABASE`), else the
/// configuration file's `[server] database`; None for the redb file of `--db`. Anything but a
/// `postgres://` or `postgresql://` address is bad input (named without its password).
fn served_url(ctx: &Ctx, args: &ServeArgs) -> Result<Option<String>, Failure> {
    let (url, key) = match &args.database {
        Some(url) => (url.clone(), "--database"),
        None => match ctx
            .settings
            .iter()
            .find(|s| s.key == "server.database")
            .and_then(|s| s.value.clone())
        {
            Some(url) => (url, "server.database"),
            None => return Ok(None),
        },
    };
    if !wardflow_engine::pg::is_url(&url) {
        return Err(Failure::said(
            Exit::BadInput,
            crate::msg!(
                "serve-database-not-postgres",
                url = wardflow_engine::pg::redacted(&url)
            ),
        )
        .with_key(key));
    }
    Ok(Some(url))
}

/// Set when SIGINT or SIGTERM arrives: open event streams end (the graceful shutdown waits
/// for every connection, and a stream would otherwise never finish).
pub(crate) static STOPPING: AtomicBool = AtomicBool::new(false);

/// SIGINT or SIGTERM.
async fn shutdown() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    STOPPING.store(true, Ordering::SeqCst);
}

/// The deadline runner inside the server: fires what is due, sleeps until the next timer
/// (at most `recheck`), until `stop`.
fn deadline_runner(server: &Server, caller: &Caller, recheck: Duration, stop: &AtomicBool) {
    let started = std::time::Instant::now();
    let start_clock = caller.clock;
    let mut warned = std::time::Instant::now();
    let mut forgot: Option<std::time::Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        // On a simulation database the requested clock moves on in real time.
        let mut caller = caller.clone();
        if let ClockSource::Requested(at) = start_clock {
            let moved = jiff::SignedDuration::try_from(started.elapsed()).unwrap_or_default();
            caller.clock = ClockSource::Requested(at.checked_add(moved).unwrap_or(at));
        }
        let next = match server.office.run_tick(&caller) {
            Ok((report, next)) => {
                crate::log::fired(&report.fired);
                next
            }
            Err(e) => {
                crate::log::service_failure(&Tr { lang: Lang::Zh }, "tick", &Failure::from(e));
                None
            }
        };
        // Expired idempotency keys are forgotten at start and then hourly.
        if forgot.is_none_or(|at| at.elapsed() >= Duration::from_secs(3600)) {
            if let Err(e) = server.office.forget_keys(&caller) {
                let failure: Failure = e.into();
                failure.report(&Tr { lang: Lang::Zh }, false);
            }
            forgot = Some(std::time::Instant::now());
        }
        let now = server
            .office
            .now(&caller)
            .unwrap_or_else(|_| <Office>::wall());
        if warned.elapsed() >= Duration::from_secs(24 * 3600) {
            if let Some(end) = server.office.calendar_runs_out(now) {
                let tr = Tr { lang: Lang::Zh };
                let words = crate::tr!(
                    tr,
                    "calendar-runs-out",
                    last_day = end.last_day.to_string(),
                    days = end.days_left.max(0)
                );
                tracing::warn!(last_day = %end.last_day, days_left = end.days_left, "{words}");
            }
            warned = std::time::Instant::now();
        }
        let wait = next
            .and_then(|at| Duration::try_from(at.duration_since(now)).ok())
            .unwrap_or(recheck)
            .min(recheck);
        // Sleeps in short steps, so a stop is noticed quickly.
        let until = std::time::Instant::now() + wait;
        while !stop.load(Ordering::SeqCst) && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The source of a request, for back-off and the access log.
pub fn source(addr: &SocketAddr) -> String {
    addr.ip().to_string()
}

/// The server file beside the database: where a running server listens (written when it
/// starts, removed when it stops), so the embedded command line can name it.
fn marker(db: &std::path::Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".server");
    std::path::PathBuf::from(name)
}

/// The address of the server that holds the database at `db`, if one said so and its
/// process still runs (a file a killed server left behind is stale and ignored).
pub fn serving(db: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(marker(db))
        .ok()?
        .take(512)
        .read_to_string(&mut text)
        .ok()?;
    let mut lines = text.lines();
    let url = lines.next()?.trim();
    let pid = lines.next().and_then(|p| p.trim().parse::<u32>().ok());
    // Where /proc is mounted, a server whose process is gone holds nothing.
    let proc_fs = std::path::Path::new("/proc/self").exists();
    if let Some(pid) = pid
        && proc_fs
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
    {
        return None;
    }
    (url.starts_with("http") && !url.chars().any(char::is_control)).then(|| url.to_owned())
}

/// Writes the server file (0600, replacing a stale one).
fn write_marker(db: &std::path::Path, url: &str) {
    use std::io::Write;
    let path = marker(db);
    let _ = std::fs::remove_file(&path);
    if let Ok(mut file) = std::os::unix::fs::OpenOptionsExt::mode(
        std::fs::OpenOptions::new().write(true).create_new(true),
        0o600,
    )
    .open(&path)
    {
        let _ = writeln!(file, "{url}\n{}", std::process::id());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_file_names_the_running_server_and_a_dead_ones_is_ignored() {
        let dir = std::env::temp_dir().join(format!("wardflow-marker-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let db = dir.join("w.redb");
        // This process stands for a running server.
        write_marker(&db, "http://127.0.0.1:8620");
        assert_eq!(serving(&db).as_deref(), Some("http://127.0.0.1:8620"));
        // A file whose process is gone (pid beyond any the kernel hands out) is stale.
        std::fs::write(marker(&db), "http://127.0.0.1:8620\n4294967295\n").expect("write");
        assert_eq!(serving(&db), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
