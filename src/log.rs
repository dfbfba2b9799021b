//! The logs of the long-running commands, `serve` and `run`, through `tracing`: on standard
//! error (the journal, under systemd), as text lines or one JSON object a line
//! (`--log-format text|json`, `WARDFLOW_LOG_FORMAT`, or `[log] format` in the configuration
//! file).
//!
//! What is logged: the start (database, address), each request (method, the route as declared
//! — `/api/v1/cases/{id}`, never the path as typed, its query or its body —, status, duration
//! and the user the request's token stands for), each tick that fired something and what it
//! fired (case numbers and deadline names), and failures by kind and exit code. Never a token,
//! a password or a child's data: headers, bodies and case data are not looked at here, and a
//! failure's words are logged only for the kinds that describe the system (storage, busy, a
//! bug), never for a refusal or bad input, whose words may quote what was typed.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use clap::{Args, ValueEnum};
use tracing::Instrument;

use crate::config::Setting;
use crate::failure::{Exit, Failure};
use crate::i18n::Tr;

/// The configuration file's key for the format.
pub const FORMAT_KEY: &str = "log.format";

/// How the logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line of text an event.
    Text,
    /// One JSON object a line.
    Json,
}

impl LogFormat {
    /// The format named `key` (`text`, `json`).
    pub fn from_key(key: &str) -> Option<LogFormat> {
        match key {
            "text" => Some(LogFormat::Text),
            "json" => Some(LogFormat::Json),
            _ => None,
        }
    }
}

/// The logging options of `serve` and `run`.
#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// How the logs on standard error are written: text lines, or one JSON object a line.
    #[arg(long, value_enum, env = "WARDFLOW_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
}

impl LogArgs {
    /// The format in force: the flag or its variable, else the configuration file's, else
    /// text.
    pub fn format(&self, settings: &[Setting]) -> LogFormat {
        self.log_format
            .or_else(|| {
                settings
                    .iter()
                    .find(|s| s.key == FORMAT_KEY)
                    .and_then(|s| s.value.as_deref())
                    .and_then(LogFormat::from_key)
            })
            .unwrap_or(LogFormat::Text)
    }
}

/// Whether this process logs (`serve`, `run`): what it would write on standard error goes
/// through the log instead, so a JSON log stays one object a line.
static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether [`start`] was called.
pub fn started() -> bool {
    STARTED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Starts this process's logs on standard error, at level info; a second call changes
/// nothing.
pub fn start(format: LogFormat) {
    STARTED.store(true, std::sync::atomic::Ordering::Relaxed);
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .with_max_level(tracing::Level::INFO);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// Logs a failure of a request: its kind and exit code, and its words only when they describe
/// the system rather than quote what someone typed.
pub fn failure(tr: &Tr, what: &str, failure: &Failure) {
    let shown = failure.shown(tr);
    let code = shown.exit as i32;
    let kind = shown.exit.kind();
    match shown.exit {
        Exit::Storage
        | Exit::Busy
        | Exit::Integrity
        | Exit::OutputFailed
        | Exit::Unknown
        | Exit::Bug => {
            tracing::error!(code, kind, detail = %shown.message, "{what} failed");
        }
        Exit::Refused | Exit::BadInput => {
            tracing::warn!(code, kind, "{what} failed");
        }
    }
}

/// Logs a failure of the service itself (its start, a tick): with its words, which name no
/// one's input (who may not run the deadlines, a busy or broken file, a bug).
pub fn service_failure(tr: &Tr, what: &str, failure: &Failure) {
    let shown = failure.shown(tr);
    let code = shown.exit as i32;
    let kind = shown.exit.kind();
    tracing::error!(code, kind, detail = %shown.message, "{what} failed");
}

/// Records the user a request acts for in its log line (the `request` span's `user`).
pub fn user(name: &str) {
    tracing::Span::current().record("user", name);
}

/// The request log: one line per request, when it is answered, with its method, declared
/// route, status, duration and user (recorded by whoever learns it, see [`user`]).
pub async fn request(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("-", MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        user = tracing::field::Empty,
    );
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, duration_ms, "answered");
        } else {
            tracing::info!(status, duration_ms, "answered");
        }
    });
    response
}

/// Logs what a tick fired: a count, then each thing (case numbers and deadline, transition
/// or case names: no data of the case).
pub fn fired(fired: &[wardflow_engine::app::Fired]) {
    if fired.is_empty() {
        return;
    }
    tracing::info!(fired = fired.len(), "tick");
    for f in fired {
        let what = crate::cli::timers::tick::fired_json(f);
        tracing::info!(fired = %what, "deadline runner");
    }
}
