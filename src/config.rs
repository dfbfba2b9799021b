//! The configuration file, instead of half a dozen variables.
//!
//! Each setting is taken from the first of: a flag on the command line, its environment
//! variable, the user's file (`$XDG_CONFIG_HOME/wardflow/config.toml`, else
//! `~/.config/wardflow/config.toml`), the system's file (`/etc/wardflow/config.toml`), the
//! built-in default. `WARDFLOW_CONFIG=FILE` reads that file instead of both (empty: no file).
//! `wardflow config show` prints what is in force and where each value came from.
//!
//! ```toml
//! db = "/var/lib/wardflow/wardflow.redb"
//! key_file = "/etc/wardflow/office.key"
//! workflows = "/usr/share/wardflow/workflows"
//! letters = "/usr/share/wardflow/letters"
//! profiles = "/usr/share/wardflow/profiles"
//! calendar = "/etc/wardflow/calendar.yaml"
//! profile = "qianjiang"
//! lang = "zh"
//! user = "张敏"
//! lock_timeout = 5
//! server = "https://wardflow.county.example:8443"   # every command goes to this server
//!
//! [server]            # or, on the host: what `wardflow serve` reads
//! listen = "127.0.0.1:8443"
//! tls_cert = "/etc/wardflow/tls/cert.pem"
//! tls_key = "/etc/wardflow/tls/key.pem"
//! database = "postgres://wardflow:PASSWORD@db.example/wardflow"   # PostgreSQL, not `db`
//! webhook_secret_file = "/etc/wardflow/webhook.secret"   # PostgreSQL: webhooks' master secret
//!
//! [log]               # read by `wardflow serve` and `wardflow run`
//! format = "json"     # text | json
//! ```
//!
//! An unknown key or a bad value is an error naming the file, the line and the key.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Deserialize;
use toml::Spanned;

use crate::cli::Global;
use crate::failure::{Exit, Failure};
use crate::i18n::Lang;
use crate::msg;

/// The system's file.
pub const SYSTEM_FILE: &str = "/etc/wardflow/config.toml";

/// The variable naming the one file to read instead of the system's and the user's.
pub const CONFIG_VAR: &str = "WARDFLOW_CONFIG";

/// The largest file read (a configuration file is a few lines).
const MAX_BYTES: u64 = 64 * 1024;

/// A file as written. Every value keeps its place, to name the line of a bad one.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    db: Option<Spanned<String>>,
    key_file: Option<Spanned<String>>,
    workflows: Option<Spanned<String>>,
    letters: Option<Spanned<String>>,
    profiles: Option<Spanned<String>>,
    calendar: Option<Spanned<String>>,
    profile: Option<Spanned<String>>,
    lang: Option<Spanned<String>>,
    user: Option<Spanned<String>>,
    lock_timeout: Option<Spanned<toml::Value>>,
    server: Option<Spanned<ServerEntry>>,
    log: Option<LogSettings>,
}

/// `[log]`: how `wardflow serve` and `wardflow run` log.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogSettings {
    format: Option<Spanned<String>>,
}

/// `server`: a server's address (`server = "https://…"`: every command goes there, as with
/// `--server`), or the `[server]` table `wardflow serve` reads on the host.
#[derive(Debug)]
enum ServerEntry {
    Url(String),
    Table(ServerSettings),
}

impl<'de> Deserialize<'de> for ServerEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ServerEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a server's address or the [server] table")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ServerEntry, E> {
                Ok(ServerEntry::Url(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ServerEntry, A::Error> {
                ServerSettings::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ServerEntry::Table)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `[server]`: what `wardflow serve` reads.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerSettings {
    listen: Option<Spanned<String>>,
    /// A PostgreSQL address (`postgres://…`) to serve instead of the redb file.
    database: Option<Spanned<String>>,
    tls_cert: Option<Spanned<String>>,
    tls_key: Option<Spanned<String>>,
    /// The webhook master secret file every server of a PostgreSQL database is given.
    webhook_secret_file: Option<Spanned<String>>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(&'static str),
    Flag,
}

impl Source {
    /// The source's key, as `--json` gives it.
    pub fn key(&self) -> &'static str {
        match self {
            Source::Default => "default",
            Source::File(_) => "file",
            Source::Env(_) => "env",
            Source::Flag => "flag",
        }
    }
}

/// One setting in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: &'static str,
    /// None: not set (the setting is optional).
    pub value: Option<String>,
    pub source: Source,
}

/// What the files say: each key's value (checked) and the file it came from; a later file's
/// value replaces an earlier one's.
#[derive(Debug, Default, Clone)]
pub struct Files {
    values: BTreeMap<&'static str, (String, PathBuf)>,
}

impl Files {
    /// A key's value and its file.
    pub fn get(&self, key: &str) -> Option<&(String, PathBuf)> {
        self.values.get(key)
    }
}

/// The files to read, in order, and whether they must exist: the one `WARDFLOW_CONFIG` names
/// (must exist; an empty value reads none), else the system's and then the user's (each if
/// present). `var` reads the environment.
pub fn files_to_read(var: impl Fn(&str) -> Option<OsString>) -> (Vec<PathBuf>, bool) {
    if let Some(file) = var(CONFIG_VAR) {
        if file.is_empty() {
            return (Vec::new(), true);
        }
        return (vec![PathBuf::from(file)], true);
    }
    let mut files = vec![PathBuf::from(SYSTEM_FILE)];
    let user_dir = var("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            var("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        });
    if let Some(dir) = user_dir {
        files.push(dir.join("wardflow").join("config.toml"));
    }
    (files, false)
}

/// Reads the configuration files of this process's environment.
pub fn load() -> Result<Files, Failure> {
    let (paths, must_exist) = files_to_read(|key| std::env::var_os(key));
    let mut files = Files::default();
    for path in paths {
        if !must_exist && !path.exists() {
            continue;
        }
        let text = read(&path)?;
        for (key, value) in parse(&path, &text)? {
            files.values.insert(key, (value, path.clone()));
        }
    }
    Ok(files)
}

fn read(path: &Path) -> Result<String, Failure> {
    use std::io::Read;
    let io = |e: std::io::Error| Failure::cannot_read(path, e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let mut text = String::new();
    file.take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_BYTES {
        return Err(Failure::cannot_read(
            path,
            msg!("config-too-large", limit = MAX_BYTES),
        ));
    }
    Ok(text)
}

/// The line of byte `at` in `text`, from 1.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at)
        .map_or(1, |head| head.matches('\n').count() + 1)
}

/// A bad value at `span` of key `key`.
fn bad_value(
    path: &Path,
    text: &str,
    span: std::ops::Range<usize>,
    key: &str,
    why: &str,
) -> Failure {
    Failure::said(
        Exit::BadInput,
        msg!(
            "config-bad-value",
            file = path.display().to_string(),
            line = line_of(text, span.start),
            key = key.to_owned(),
            expected = why.to_owned()
        ),
    )
    .with_key(key.to_owned())
}

/// Parses and checks one file: each key set and its value as text.
pub fn parse(path: &Path, text: &str) -> Result<Vec<(&'static str, String)>, Failure> {
    let settings: FileSettings = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        let message = e.message().trim().to_owned();
        // serde names an unknown key between the first pair of backticks.
        let unknown = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned);
        match unknown {
            Some(key) => Failure::said(
                Exit::BadInput,
                msg!(
                    "config-unknown-key",
                    file = path.display().to_string(),
                    line = line,
                    key = key.clone()
                ),
            )
            .with_key(key),
            None => Failure::said(
                Exit::BadInput,
                msg!(
                    "config-syntax",
                    file = path.display().to_string(),
                    line = line,
                    detail = message
                ),
            ),
        }
    })?;
    let mut out = Vec::new();
    let mut text_value = |key: &'static str, v: Option<Spanned<String>>| -> Result<(), Failure> {
        if let Some(v) = v {
            let span = v.span();
            let value = v.into_inner();
            if value.trim().is_empty() || value.chars().any(char::is_control) {
                return Err(bad_value(path, text, span, key, "text"));
            }
            out.push((key, value));
        }
        Ok(())
    };
    let FileSettings {
        db,
        key_file,
        workflows,
        letters,
        profiles,
        calendar,
        profile,
        lang,
        user,
        lock_timeout,
        server,
        log,
    } = settings;
    text_value("db", db)?;
    text_value("key_file", key_file)?;
    text_value("workflows", workflows)?;
    text_value("letters", letters)?;
    text_value("profiles", profiles)?;
    text_value("calendar", calendar)?;
    text_value("profile", profile)?;
    if let Some(lang) = &lang
        && Lang::from_str_key(lang.get_ref()).is_none()
    {
        return Err(bad_value(path, text, lang.span(), "lang", "zh | en"));
    }
    text_value("lang", lang)?;
    text_value("user", user)?;
    let mut server_url = None;
    let server = match server {
        None => ServerSettings::default(),
        Some(entry) => {
            let span = entry.span();
            match entry.into_inner() {
                ServerEntry::Table(table) => table,
                ServerEntry::Url(url) => {
                    if crate::cli::remote::server_url(&url).is_none() {
                        return Err(bad_value(
                            path,
                            text,
                            span,
                            "server",
                            "http://… | https://…",
                        ));
                    }
                    server_url = Some(url);
                    ServerSettings::default()
                }
            }
        }
    };
    if let Some(listen) = &server.listen
        && listen.get_ref().parse::<std::net::SocketAddr>().is_err()
    {
        return Err(bad_value(
            path,
            text,
            listen.span(),
            "server.listen",
            "ADDRESS:PORT",
        ));
    }
    text_value("server.listen", server.listen)?;
    text_value("server.database", server.database)?;
    text_value("server.tls_cert", server.tls_cert)?;
    text_value("server.tls_key", server.tls_key)?;
    text_value("server.webhook_secret_file", server.webhook_secret_file)?;
    let log = log.unwrap_or_default();
    if let Some(format) = &log.format
        && crate::log::LogFormat::from_key(format.get_ref()).is_none()
    {
        return Err(bad_value(
            path,
            text,
            format.span(),
            crate::log::FORMAT_KEY,
            "text | json",
        ));
    }
    text_value(crate::log::FORMAT_KEY, log.format)?;
    if let Some(url) = server_url {
        out.push(("server", url));
    }
    if let Some(t) = lock_timeout {
        let seconds = match t.get_ref() {
            toml::Value::Integer(n) => Some(*n as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        }
        .filter(|s| (0.0..=3600.0).contains(s));
        match seconds {
            Some(s) => out.push(("lock_timeout", s.to_string())),
            None => {
                return Err(bad_value(path, text, t.span(), "lock_timeout", "0–3600"));
            }
        }
    }
    Ok(out)
}

/// The settings in force: `global` after clap (flags and variables), with what the files say
/// put where neither a flag nor a variable gave a value. Returns every setting and its source.
pub fn apply(global: &mut Global, matches: &ArgMatches, files: &Files) -> Vec<Setting> {
    let source_of = |id: &str, var: &'static str| match matches.value_source(id) {
        Some(ValueSource::CommandLine) => Some(Source::Flag),
        Some(ValueSource::EnvVariable) => Some(Source::Env(var)),
        _ => None,
    };
    let mut settings = Vec::new();
    // A flag or variable wins; else the files; else the default. Returns the file's value
    // when it is the one in force.
    let mut take = |key: &'static str, given: Option<Source>, shown: Option<String>| {
        let (setting, from_file) = match (given, files.get(key)) {
            (Some(source), _) => (
                Setting {
                    key,
                    value: shown,
                    source,
                },
                None,
            ),
            (None, Some((value, file))) => (
                Setting {
                    key,
                    value: Some(value.clone()),
                    source: Source::File(file.clone()),
                },
                Some(value.clone()),
            ),
            (None, None) => (
                Setting {
                    key,
                    value: shown,
                    source: Source::Default,
                },
                None,
            ),
        };
        settings.push(setting);
        from_file
    };
    let path = |p: &Path| Some(p.display().to_string());
    if let Some(v) = take("db", source_of("db", "WARDFLOW_DB"), path(&global.db)) {
        global.db = PathBuf::from(v);
    }
    // `--key-file` belongs to the commands that take it; its variable and the file are known
    // here.
    let key_file = std::env::var_os("WARDFLOW_KEY_FILE").map(PathBuf::from);
    let given = key_file.as_ref().map(|_| Source::Env("WARDFLOW_KEY_FILE"));
    let from_file = take("key_file", given, key_file.as_deref().and_then(path));
    if let Some(v) = from_file {
        global.key_file = Some(PathBuf::from(v));
    }
    if let Some(v) = take(
        "workflows",
        source_of("workflows", "WARDFLOW_WORKFLOWS"),
        path(&global.workflows),
    ) {
        global.workflows = PathBuf::from(v);
    }
    if let Some(v) = take(
        "letters",
        source_of("letters", "WARDFLOW_LETTERS"),
        global.letters_dir.as_deref().and_then(path),
    ) {
        global.letters_dir = Some(PathBuf::from(v));
    }
    if let Some(v) = take(
        "profiles",
        source_of("profiles", "WARDFLOW_PROFILES"),
        path(&global.profiles),
    ) {
        global.profiles = PathBuf::from(v);
    }
    let calendar = global.calendar.as_deref().and_then(path);
    if let Some(v) = take(
        "calendar",
        source_of("calendar", "WARDFLOW_CALENDAR"),
        calendar,
    ) {
        global.calendar = Some(PathBuf::from(v));
    }
    if let Some(v) = take(
        "profile",
        source_of("profile", "WARDFLOW_PROFILE"),
        global.profile.clone(),
    ) {
        global.profile = Some(v);
    }
    let lang = global.lang.map(|l| l.key().to_owned());
    if let Some(v) = take("lang", source_of("lang", "WARDFLOW_LANG"), lang) {
        global.lang = Lang::from_str_key(&v);
    }
    if let Some(v) = take(
        "user",
        source_of("user", "WARDFLOW_USER"),
        global.user.clone(),
    ) {
        global.user = Some(wardflow_engine::value::clean_name(&v));
    }
    if let Some(v) = take(
        "server",
        source_of("server", "WARDFLOW_SERVER"),
        global.server.clone(),
    ) {
        global.server = Some(v);
    }
    let timeout = Some(global.lock_timeout.to_string());
    if let Some(v) = take("lock_timeout", source_of("lock_timeout", ""), timeout)
        && let Ok(seconds) = v.parse()
    {
        global.lock_timeout = seconds;
    }
    for key in [
        "server.listen",
        "server.database",
        "server.tls_cert",
        "server.tls_key",
        "server.webhook_secret_file",
        crate::log::FORMAT_KEY,
    ] {
        let (value, source) = match files.get(key) {
            Some((v, file)) => (Some(v.clone()), Source::File(file.clone())),
            None => (None, Source::Default),
        };
        settings.push(Setting { key, value, source });
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_system_file_then_the_users_unless_one_file_is_named() {
        let (files, must) = files_to_read(env(&[("HOME", "/home/li")]));
        assert_eq!(
            files,
            [
                PathBuf::from("/etc/wardflow/config.toml"),
                PathBuf::from("/home/li/.config/wardflow/config.toml")
            ]
        );
        assert!(!must);
        let (files, _) = files_to_read(env(&[("HOME", "/home/li"), ("XDG_CONFIG_HOME", "/x")]));
        assert_eq!(files[1], PathBuf::from("/x/wardflow/config.toml"));
        let (files, must) = files_to_read(env(&[
            ("XDG_CONFIG_HOME", "/x"),
            ("WARDFLOW_CONFIG", "/t/c.toml"),
        ]));
        assert_eq!(files, [PathBuf::from("/t/c.toml")]);
        assert!(must);
        let (files, _) = files_to_read(env(&[("WARDFLOW_CONFIG", "")]));
        assert!(files.is_empty());
    }

    #[test]
    fn a_file_gives_its_values_checked() {
        let text = "db = \"/var/lib/w.redb\"\nlock_timeout = 2\nlang = \"en\"\n\n[server]\nlisten = \"127.0.0.1:8443\"\n";
        let got = parse(Path::new("c.toml"), text).expect("parses");
        assert_eq!(
            got,
            [
                ("db", "/var/lib/w.redb".to_owned()),
                ("lang", "en".to_owned()),
                ("server.listen", "127.0.0.1:8443".to_owned()),
                ("lock_timeout", "2".to_owned()),
            ]
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_file_line_and_key() {
        let key_of = |text: &str| {
            let failure = parse(Path::new("c.toml"), text).expect_err("refused");
            let shown = failure.shown(&crate::i18n::Tr { lang: Lang::En });
            (shown.key.clone(), shown.message.clone())
        };
        let (key, message) = key_of("db = \"a\"\ndbfile = \"b\"\n");
        assert_eq!(key.as_deref(), Some("dbfile"));
        assert!(message.contains("c.toml, line 2"), "{message}");
        let (key, message) = key_of("db = \"a\"\n\nlock_timeout = -1\n");
        assert_eq!(key.as_deref(), Some("lock_timeout"));
        assert!(message.contains("c.toml, line 3"), "{message}");
        let (key, message) = key_of("lang = \"fr\"\n");
        assert_eq!(key.as_deref(), Some("lang"));
        assert!(message.contains("c.toml, line 1"), "{message}");
        let (key, message) = key_of("[server]\nport = 1\n");
        assert_eq!(key.as_deref(), Some("port"));
        assert!(message.contains("c.toml, line 2"), "{message}");
        let (key, _) = key_of("[server]\nlisten = \"everywhere\"\n");
        assert_eq!(key.as_deref(), Some("server.listen"));
        let (key, message) = key_of("[log]\nformat = \"xml\"\n");
        assert_eq!(key.as_deref(), Some("log.format"));
        assert!(message.contains("c.toml, line 2"), "{message}");
        let (_, message) = key_of("db = \n");
        assert!(message.contains("c.toml, line 1"), "{message}");
    }
}
