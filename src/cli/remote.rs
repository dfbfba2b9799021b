//! The command line as a client of `wardflow serve` (`--server URL`, `WARDFLOW_SERVER`, or
//! `server = "…"` in the configuration file): a command sends its request over HTTP instead of
//! opening the database, gets back the same typed result its embedded form gets from the
//! office, and prints it with the same printer, so text, `--json` and exit codes are the same.
//!
//! Who is calling is the sign-in token `wardflow login` kept (or an API token in
//! `WARDFLOW_TOKEN`), never `--user`. The request's language follows `--lang`
//! (`Accept-Language`), its clock `--now` (`Wardflow-Now`; the office refuses it on a real
//! database, as embedded). Every change is sent with an `Idempotency-Key` (128 random bits in
//! hex, or `--idempotency-key`); when the connection drops after a change was sent, the
//! outcome is unknown: exit 7, and the key is printed to retry with.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wardflow_engine::definition::{Definition, VersionHash};

use super::Ctx;
use crate::failure::{Exit, Failure, Kind, Located, Shown};
use crate::i18n::Lang;
use crate::msg;

/// The largest answer read (a case list of a whole county stays well below it).
const MAX_ANSWER: u64 = 256 * 1024 * 1024;

/// The variable holding a token to send instead of the kept sign-in (an API token).
pub const TOKEN_VAR: &str = "WARDFLOW_TOKEN";

/// `text` as a server's address: http:// or https://, without a trailing slash; None when it
/// is not one.
pub fn server_url(text: &str) -> Option<String> {
    let url = text.trim().trim_end_matches('/');
    let scheme = url.starts_with("https://") || url.starts_with("http://");
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    (scheme
        && !host.is_empty()
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_control() || c.is_whitespace()))
    .then(|| url.to_owned())
}

/// `text` as one segment of a URL's path (a letter's number may hold any character).
pub fn segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The commands that run with `--server`, by their words (a group's word covers all its
/// commands): those with a served form, those that act on no database (`login`, `serve`,
/// `config` …), and those that refuse `--server` themselves in their own words (`restore`,
/// `import`). Add a command here when it gets its served form.
const SERVED_FORMS: &[&str] = &[
    "agenda",
    "audit",
    "backup",
    "case advance",
    "case amend",
    "case export",
    "case history",
    "case list",
    "case next",
    "case open",
    "case overdue",
    "case show",
    "case transfer",
    "check",
    "child",
    "completions",
    "config",
    "export",
    "import",
    "import-register",
    "key ring",
    "key show",
    "letter",
    "login",
    "logout",
    "man",
    "publish",
    "report",
    "restore",
    "run",
    "serve",
    "timers tick",
    "token",
    "unit",
    "user",
    "verify",
    "webhook",
    "workflow graph",
    "workflow list",
    "workflow migrate",
    "workflow publish",
    "workflow show",
    "workflow validate",
];

/// Whether the command with these words (`["case", "show"]`) runs with `--server`.
pub fn served_form(command: &[&str]) -> bool {
    SERVED_FORMS.iter().any(|form| {
        let words: Vec<&str> = form.split(' ').collect();
        words.len() <= command.len() && command[..words.len()] == words[..]
    })
}

/// Refuses a command that has no `--server` form yet when a server is given, rather than
/// running it embedded on this machine's database behind the user's back.
pub fn refuse_unserved(server: Option<&str>, command: &[&str]) -> Result<(), Failure> {
    match server {
        Some(url) if !served_form(command) => Err(Failure::said(
            Exit::BadInput,
            msg!(
                "remote-no-served-form",
                command = command.join(" "),
                url = url.to_owned()
            ),
        )
        .with_key("--server")),
        _ => Ok(()),
    }
}

/// A new idempotency key: 128 bits from the OS's random source, in hex.
fn new_key() -> Result<String, Failure> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(Failure::bug)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `--idempotency-key K`: 16 to 64 letters, digits or '-'.
fn given_key(key: &str) -> Result<String, Failure> {
    let ok = (16..=64).contains(&key.len())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(key.to_owned())
    } else {
        Err(Failure::said(
            Exit::BadInput,
            msg!(
                "remote-bad-idempotency-key",
                key = key.chars().take(80).collect::<String>()
            ),
        )
        .with_key("--idempotency-key"))
    }
}

/// A connection to a server, for one command.
pub struct Remote {
    server: String,
    token: String,
    lang: &'static str,
    now: Option<String>,
    /// `--why`, percent-encoded UTF-8 (a header is ASCII).
    why: Option<String>,
    key: Option<String>,
    agent: ureq::Agent,
    /// Definitions fetched by version hash, each once per command.
    definitions: RefCell<HashMap<VersionHash, Arc<Definition>>>,
}

/// How a request failed before any answer came.
enum Dropped {
    /// Nothing reached the server (no connection, no name, TLS refused).
    NotSent(String),
    /// The request may have reached it.
    Sent(String),
}

fn classify(e: ureq::Error) -> Dropped {
    use std::io::ErrorKind as K;
    use ureq::Timeout as T;
    match e {
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::Tls(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::BadUri(_)
        | ureq::Error::Timeout(T::Resolve | T::Connect) => Dropped::NotSent(e.to_string()),
        ureq::Error::Io(ref io)
            if matches!(
                io.kind(),
                K::ConnectionRefused | K::AddrNotAvailable | K::NotFound | K::HostUnreachable
            ) =>
        {
            Dropped::NotSent(e.to_string())
        }
        other => Dropped::Sent(other.to_string()),
    }
}

impl Ctx {
    /// The server this command goes to, signed in; None when it runs embedded.
    pub fn remote(&self) -> Result<Option<Remote>, Failure> {
        let Some(given) = &self.global.server else {
            return Ok(None);
        };
        let server = server_url(given).ok_or_else(|| {
            Failure::said(Exit::BadInput, msg!("login-bad-url", url = given.clone()))
                .with_key("--server")
        })?;
        let token = match std::env::var(TOKEN_VAR) {
            Ok(token) if !token.trim().is_empty() => token.trim().to_owned(),
            _ => super::login::kept_token(&server)?.ok_or_else(|| {
                Failure::said(
                    Exit::Refused,
                    msg!("remote-not-signed-in", url = server.clone()),
                )
                .with_key("--server")
            })?,
        };
        // Checked here, so a bad clock is named as the flag the user typed.
        let now = match &self.global.now {
            Some(text) => Some(super::parse_time("--now", text)?.to_string()),
            None => None,
        };
        let key = self
            .global
            .idempotency_key
            .as_deref()
            .map(given_key)
            .transpose()?;
        Ok(Some(Remote {
            server,
            token,
            lang: match self.tr.lang {
                Lang::En => "en",
                Lang::Zh => "zh-CN",
            },
            now,
            why: self.global.why.as_deref().map(|why| {
                percent_encoding::utf8_percent_encode(why, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            }),
            key,
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(Duration::from_secs(10)))
                .timeout_global(Some(Duration::from_secs(300)))
                .build()
                .into(),
            definitions: RefCell::default(),
        }))
    }

    /// Refuses a command that runs embedded only (it reads or writes files beside the
    /// database: restore, import) when `--server` is given.
    pub fn embedded_only(&self, command: &str) -> Result<(), Failure> {
        match &self.global.server {
            Some(url) => Err(Failure::said(
                Exit::BadInput,
                msg!(
                    "remote-embedded-only",
                    command = command.to_owned(),
                    url = url.clone()
                ),
            )
            .with_key("--server")),
            None => Ok(()),
        }
    }
}

impl Ctx {
    /// Refuses a command that replaces the database file while a server holds it, naming
    /// the server.
    pub fn not_served(&self, command: &str) -> Result<(), Failure> {
        match crate::serve::serving(&self.global.db) {
            Some(url) => Err(Failure::said(
                Exit::Busy,
                msg!(
                    "remote-served-only",
                    db = self.global.db.display().to_string(),
                    url = url,
                    command = command.to_owned()
                ),
            )
            .with_key(self.global.db.display().to_string())),
            None => Ok(()),
        }
    }
}

/// A failure the server answered with (its error object), as the embedded command gives it.
pub fn served(body: &Value) -> Failure {
    let problems: Vec<Located> = body
        .get("problems")
        .and_then(|p| serde_json::from_value(p.clone()).ok())
        .unwrap_or_default();
    let shown = Shown {
        exit: Exit::from_code(body["code"].as_i64().unwrap_or(70)),
        message: body["message"].as_str().unwrap_or_default().to_owned(),
        key: body["key"].as_str().map(str::to_owned),
        problems,
    };
    Kind::Served(shown).into()
}

impl Remote {
    /// `GET path?query`, its answer as `T`.
    pub fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, Failure> {
        let bytes = self.get_bytes(path, query)?;
        self.parse(&bytes)
    }

    /// `GET path?query`, its answer's bytes.
    pub fn get_bytes(&self, path: &str, query: &[(&str, String)]) -> Result<Vec<u8>, Failure> {
        let mut request = self.agent.get(self.url(path));
        for (name, value) in query {
            request = request.query(*name, value);
        }
        let request = self.headers(request);
        let answer = request.call();
        self.answer(answer, None)
    }

    /// A change: `method path` with `body`, sent with an idempotency key; its answer as `T`.
    pub fn change<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, Failure> {
        let key = match &self.key {
            Some(k) => k.clone(),
            None => new_key()?,
        };
        self.send(method, path, body, Some(&key))
    }

    /// A question that carries a body and changes nothing (`POST` a draft's data, a copy to
    /// verify): no idempotency key, and a dropped connection is only "unreachable".
    pub fn ask<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, Failure> {
        self.send("POST", path, body, None)
    }

    fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &impl Serialize,
        key: Option<&str>,
    ) -> Result<T, Failure> {
        let text = serde_json::to_string(body).map_err(Failure::bug)?;
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path))
            .header("Content-Type", "application/json");
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let request = request.body(text).map_err(Failure::bug)?;
        let request = self.with_headers(request);
        let answer = self.agent.run(request);
        let bytes = self.answer(answer, key)?;
        self.parse(&bytes)
    }

    /// The definition of a published version, fetched once per command.
    pub fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, Failure> {
        if let Some(def) = self.definitions.borrow().get(hash) {
            return Ok(def.clone());
        }
        let source: wardflow_engine::app::VersionSource =
            self.get(&format!("/api/v1/workflows/versions/{}", hash.0), &[])?;
        let def = Arc::new(source.definition()?);
        self.definitions
            .borrow_mut()
            .insert(hash.clone(), def.clone());
        Ok(def)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server)
    }

    fn headers<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        let request = request
            .header("Accept-Language", self.lang)
            .header("Authorization", &format!("Bearer {}", self.token));
        let request = match &self.why {
            Some(why) => request.header("Wardflow-Reason", why),
            None => request,
        };
        match &self.now {
            Some(now) => request.header("Wardflow-Now", now),
            None => request,
        }
    }

    fn with_headers(
        &self,
        mut request: ureq::http::Request<String>,
    ) -> ureq::http::Request<String> {
        let headers = request.headers_mut();
        let mut put = |name: &'static str, value: &str| {
            if let Ok(v) = ureq::http::HeaderValue::from_str(value) {
                headers.insert(name, v);
            }
        };
        put("accept-language", self.lang);
        put("authorization", &format!("Bearer {}", self.token));
        if let Some(now) = &self.now {
            put("wardflow-now", now);
        }
        if let Some(why) = &self.why {
            put("wardflow-reason", why);
        }
        request
    }

    /// The answer's body when it is a success; the server's failure, or what became of the
    /// connection, otherwise. `key`: the idempotency key of a change.
    fn answer(
        &self,
        answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        key: Option<&str>,
    ) -> Result<Vec<u8>, Failure> {
        let lost = |detail: String| match key {
            Some(key) => Failure::said(
                Exit::Unknown,
                msg!(
                    "remote-outcome-unknown",
                    url = self.server.clone(),
                    key = key.to_owned(),
                    detail = detail
                ),
            )
            .with_key(key.to_owned()),
            None => self.unreachable(detail),
        };
        let mut response = match answer {
            Ok(r) => r,
            Err(e) => {
                return Err(match classify(e) {
                    Dropped::NotSent(detail) => self.unreachable(detail),
                    Dropped::Sent(detail) => lost(detail),
                });
            }
        };
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_ANSWER + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| lost(e.to_string()))?;
        if bytes.len() as u64 > MAX_ANSWER {
            return Err(lost(format!("more than {MAX_ANSWER} bytes")));
        }
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(body) if body.get("code").is_some() => Err(served(&body)),
            // Not the server's error object (a proxy's page): what it did is not known.
            _ => Err(lost(format!("HTTP {status}"))),
        }
    }

    fn parse<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, Failure> {
        serde_json::from_slice(bytes).map_err(|e| self.unreachable(e.to_string()))
    }

    /// The server could not be reached, or answered nothing usable (exit 3: try again).
    fn unreachable(&self, detail: String) -> Failure {
        Failure::said(
            Exit::Busy,
            msg!(
                "server-unreachable",
                url = self.server.clone(),
                detail = detail
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_runs_with_a_server_only_when_it_has_a_served_form() {
        for served in [
            &["letter", "issue"][..],
            &["letter", "verify"],
            &["case", "transfer"],
            &["case", "export"],
            &["case", "show"],
            &["agenda"],
            &["login"],
        ] {
            assert!(served_form(served), "{served:?}");
        }
        for unserved in [
            &["init"][..],
            &["case"],
            &["key", "rotate"],
            &["db", "migrate"],
            &[],
        ] {
            assert!(!served_form(unserved), "{unserved:?}");
        }
        assert!(refuse_unserved(None, &["init"]).is_ok());
        assert!(refuse_unserved(Some("http://h"), &["letter", "show"]).is_ok());
        let refused = refuse_unserved(Some("http://h"), &["init"]).expect_err("refused");
        assert_eq!(
            refused.shown(&crate::i18n::Tr { lang: Lang::En }).exit,
            Exit::BadInput
        );
    }
}
