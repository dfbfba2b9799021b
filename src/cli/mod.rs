//! Argument parsing and dispatch. Each subcommand lives in its own file and turns its
//! arguments into one call on the application layer (`wardflow_engine::app::Office`, opened
//! in `office.rs`), then prints the result; no rule is decided here.

pub(crate) mod admin;
mod audit;
pub(crate) mod case;
pub(crate) mod child;
mod config;
mod db;
mod init;
pub(crate) mod issued;
pub(crate) mod key;
pub(crate) mod letter;
mod login;
pub(crate) mod national;
mod office;
pub(crate) mod ops;
pub(crate) mod publish;
pub(crate) mod remote;
pub(crate) mod report;
mod run;
mod shell;
pub(crate) mod timers;
mod token;
mod unit;
mod user;
pub(crate) mod verify;
mod webhook;
pub(crate) mod workflow;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use jiff::Timestamp;
use wardflow_engine::app::{CheckFailed, wire};
use wardflow_engine::case::CaseId;
use wardflow_engine::definition::Definition;
use wardflow_engine::period::Calendar;
use wardflow_engine::profile::{self, Profile};

pub use token::token_json;
pub use webhook::kinds as webhook_kinds;

use crate::failure::{Exit, Failure, Kind};
use crate::i18n::{Lang, Tr};
use crate::msg;

/// Workflow engine for child-guardianship interventions (监护干预).
#[derive(Debug, Parser)]
#[command(name = "wardflow", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

impl Global {
    /// The letters directory: `--letters`, `WARDFLOW_LETTERS`, else `./letters`.
    pub fn letters(&self) -> PathBuf {
        self.letters_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("./letters"))
    }

    /// Whether the command named a letters directory itself.
    pub fn letters_given(&self) -> bool {
        self.letters_dir.is_some()
    }
}

/// Options every command accepts.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// The database file.
    #[arg(
        long,
        global = true,
        env = "WARDFLOW_DB",
        default_value = "./wardflow.redb"
    )]
    pub db: PathBuf,
    /// The directory of workflow YAML files.
    #[arg(
        long,
        global = true,
        env = "WARDFLOW_WORKFLOWS",
        default_value = "./workflows"
    )]
    pub workflows: PathBuf,
    /// The command's clock (RFC 3339); only a simulation database accepts it.
    #[arg(long, global = true, env = "WARDFLOW_NOW")]
    pub now: Option<String>,
    /// Language of messages and output.
    #[arg(long, global = true, env = "WARDFLOW_LANG", value_enum)]
    pub lang: Option<Lang>,
    /// Machine-readable output (and errors as one JSON object on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    /// Seconds to wait for another command that holds the database.
    #[arg(long, global = true, default_value_t = 5.0)]
    pub lock_timeout: f64,
    /// The county profile to use (a file NAME.yaml in the profiles directory); without it, the
    /// profile chosen at `init`.
    #[arg(long, global = true, env = "WARDFLOW_PROFILE")]
    pub profile: Option<String>,
    /// The directory of county profiles.
    #[arg(
        long,
        global = true,
        env = "WARDFLOW_PROFILES",
        default_value = "./profiles"
    )]
    pub profiles: PathBuf,
    /// The directory of letter templates and the document table (default: ./letters). On a
    /// real database letters come from what is published; this directory is read by `init`,
    /// `publish letters`, `workflow validate`, previews, and simulation databases.
    #[arg(
        id = "letters",
        long = "letters",
        global = true,
        env = "WARDFLOW_LETTERS"
    )]
    pub letters_dir: Option<PathBuf>,
    /// A directory of fonts for PDF letters (repeatable; WARDFLOW_FONTS takes a ':'-separated
    /// list); default: /usr/share/fonts/opentype/noto and /usr/share/fonts/truetype/arphic.
    #[arg(long, global = true, env = "WARDFLOW_FONTS", value_delimiter = ':')]
    pub fonts: Vec<PathBuf>,
    /// A holiday calendar file (format: calendars/china.yaml); default: the built-in one.
    #[arg(long, global = true, env = "WARDFLOW_CALENDAR")]
    pub calendar: Option<PathBuf>,
    /// Why you read (kept in the access log beside each read); an administrator reading a
    /// sealed case must give it.
    #[arg(long, global = true, value_name = "TEXT", value_parser = note_arg)]
    pub why: Option<String>,
    /// The person acting (defaults to the login name).
    #[arg(long, global = true, env = "WARDFLOW_USER", value_parser = name_arg)]
    pub user: Option<String>,
    /// A `wardflow serve` to send the command to instead of opening the database here
    /// (http://… or https://…); signed in with `wardflow login` (or `WARDFLOW_TOKEN`).
    #[arg(long, global = true, env = "WARDFLOW_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// With `--server`: the idempotency key a change is sent with (32 hex digits; default: a
    /// new random one), to retry a change whose outcome was unknown (exit 7).
    #[arg(long, global = true, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// The office key file the configuration file names (`key_file`); a command's
    /// `--key-file` and `WARDFLOW_KEY_FILE` come first.
    #[arg(skip)]
    pub key_file: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database and publish the workflows found in the workflows directory.
    Init(init::InitArgs),
    /// Validate, publish and inspect workflow definitions.
    #[command(subcommand)]
    Workflow(workflow::WorkflowCommand),
    /// Open, advance and inspect cases.
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// One child's file across every case (一人一档), and children found by name.
    #[command(subcommand)]
    Child(child::ChildCommand),
    /// Fire legal deadlines that are due.
    #[command(subcommand)]
    Timers(timers::TimersCommand),
    /// What falls due in the next days, soonest first.
    Agenda(timers::agenda::AgendaArgs),
    /// Run the deadline runner until SIGINT/SIGTERM.
    Run(run::RunArgs),
    /// Sign in to a wardflow server; the token is kept in your configuration directory.
    Login(login::LoginArgs),
    /// Sign out: revoke the kept token at its server and forget it.
    Logout,
    /// Serve the database over HTTP/JSON (it alone holds the file), with the deadline runner.
    Serve(crate::serve::ServeArgs),
    /// Formal documents from case data.
    #[command(subcommand)]
    Letter(letter::LetterCommand),
    /// Check the database's integrity (file, records, histories, indexes) without changing it.
    Check(ops::check::CheckArgs),
    /// Publish calendars, letters, the profile and units into the database, and list them.
    #[command(subcommand)]
    Publish(publish::PublishCommand),
    /// The database's stored format: `db migrate` after installing a new build.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Write a consistent copy of the database, even while it is in use.
    Backup(ops::backup::BackupArgs),
    /// Put a backup in place of the database (checked first; `--force` replaces one).
    Restore(ops::backup::RestoreArgs),
    /// Write the whole database as JSON Lines.
    Export(ops::export::DatabaseExportArgs),
    /// Create a new database from an export (all or nothing).
    Import(ops::import::ImportArgs),
    /// Make cases from an existing register (CSV or XLSX), all or nothing (administrators).
    ImportRegister(ops::register::RegisterArgs),
    /// Recompute the cases' hash chains, or check a signed export (exit 4 when broken).
    Verify(verify::VerifyArgs),
    /// The office's signing key: show the public key, or make one.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// The people who may act: their roles and unit.
    #[command(subcommand)]
    User(user::UserCommand),
    /// API tokens for systems that call `wardflow serve`.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Webhooks: the endpoints `wardflow serve` sends events to, and their delivery log.
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// The units and the area each covers.
    #[command(subcommand)]
    Unit(unit::UnitCommand),
    /// The access log: every read of a case, allowed or refused.
    Audit(audit::AuditArgs),
    /// The figures of a month, a quarter or any period: cases, deadlines, children, letters.
    Report(report::ReportArgs),
    /// The settings in force and where each comes from.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// A shell completion script, printed to standard output.
    Completions(shell::CompletionsArgs),
    /// Write the man pages (English and Chinese) into a directory, for packaging.
    #[command(hide = true)]
    Man(shell::ManArgs),
}

/// What every command needs: the language, the options, and the clock.
pub struct Ctx {
    pub tr: Tr,
    pub global: Global,
    /// Every setting in force and its source (flag, variable, file, default).
    pub settings: Vec<crate::config::Setting>,
}

impl Ctx {
    pub fn lock_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.global.lock_timeout.clamp(0.0, 3600.0))
    }

    /// Loads `--profile NAME` from the profiles directory, checked against `workflows`.
    pub fn named_profile(&self, workflows: &[&Definition]) -> Result<Option<Profile>, Failure> {
        let Some(name) = &self.global.profile else {
            return Ok(None);
        };
        let path = self.global.profiles.join(format!("{name}.yaml"));
        let bytes = std::fs::read(&path)
            .map_err(|e| Failure::cannot_read(&path, e.to_string()).with_key(name.clone()))?;
        let shown = path.display().to_string();
        let shown = shown.strip_prefix("./").unwrap_or(&shown);
        let profile = profile::load(shown, &bytes, workflows)?;
        // Letter settings are checked against the letters table, which the profile loader
        // does not know.
        if !profile.letters.is_empty() {
            let renderer = issued::renderer(self)?;
            for (key, settings) in &profile.letters {
                renderer.check_settings(key, settings).map_err(|error| {
                    Failure::from(Kind::ProfileLetter {
                        file: shown.to_owned(),
                        key: key.clone(),
                        error,
                    })
                })?;
            }
        }
        Ok(Some(profile))
    }

    /// The office's time zone, in which `--json` writes instants: the holiday calendar's
    /// (`time_zone:`; the built-in calendar's is Asia/Shanghai, +08:00).
    pub fn time_zone(&self) -> Result<jiff::tz::TimeZone, Failure> {
        Ok(Calendars::load(self)?.tz)
    }

    /// The acting user: `--user`, `WARDFLOW_USER`, or the login name.
    pub fn user(&self) -> String {
        self.global
            .user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .map(|u| wardflow_engine::value::clean_name(&u))
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

impl Ctx {
    /// The office key files named outside the database's own (`WARDFLOW_KEY_FILE`): no output
    /// may replace them either.
    pub fn key_files(&self) -> Vec<PathBuf> {
        std::env::var_os("WARDFLOW_KEY_FILE")
            .map(PathBuf::from)
            .or_else(|| self.global.key_file.clone())
            .into_iter()
            .collect()
    }
}

/// A name given on the command line, control characters stripped at input.
pub fn name_arg(s: &str) -> Result<String, std::convert::Infallible> {
    Ok(wardflow_engine::value::clean_name(s))
}

/// A note or reason given on the command line, control characters (but line breaks and tabs)
/// stripped at input.
pub fn note_arg(s: &str) -> Result<String, std::convert::Infallible> {
    Ok(wardflow_engine::value::clean_note(s))
}

/// The calendar and time zone every step runs under.
pub struct Calendars {
    pub tz: jiff::tz::TimeZone,
    pub calendar: Calendar,
}

impl Calendars {
    /// The holiday calendar in force: `--calendar FILE`, else the built-in one.
    pub fn load(ctx: &Ctx) -> Result<Self, Failure> {
        let file = match &ctx.global.calendar {
            None => wardflow_engine::holidays::builtin(),
            Some(path) => {
                let bytes =
                    std::fs::read(path).map_err(|e| Failure::cannot_read(path, e.to_string()))?;
                wardflow_engine::holidays::load(&path.display().to_string(), &bytes)?
            }
        };
        Ok(Calendars {
            tz: file.time_zone,
            calendar: file.calendar,
        })
    }
}

/// Parses a case id given by the user.
pub fn case_id(text: &str) -> Result<CaseId, Failure> {
    text.parse().map_err(|e: wardflow_engine::case::BadCaseId| {
        Failure::said(Exit::BadInput, msg!("bad-case-id", case = e.0))
            .with_key(text.chars().take(40).collect::<String>())
    })
}

/// Parses a user-given time: RFC 3339, or a local Beijing time without offset.
pub fn parse_time(flag: &str, text: &str) -> Result<Timestamp, Failure> {
    wardflow_engine::value::canonical_datetime(text)
        .and_then(|s| s.parse::<Timestamp>().ok())
        .ok_or_else(|| {
            Failure::said(
                Exit::BadInput,
                msg!(
                    "bad-time",
                    flag = flag.to_owned(),
                    value = text.chars().take(60).collect::<String>()
                ),
            )
        })
}

/// Reads workflow files: the given ones, or every `*.yaml`/`*.yml` in the workflows directory.
pub fn workflow_files(ctx: &Ctx, given: &[PathBuf]) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let paths: Vec<PathBuf> = if given.is_empty() {
        dir_files(&ctx.global.workflows)?
    } else {
        given.to_vec()
    };
    paths
        .iter()
        .map(|p| Ok((p.display().to_string(), read_limited(p)?)))
        .collect()
}

/// Reads a workflow file; an oversized one is refused by its size, without reading it.
fn read_limited(path: &Path) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let io = |e: std::io::Error| Failure::cannot_read(path, e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let limit = wardflow_engine::yaml::Limits::default().max_bytes as u64;
    if size > limit {
        return Err(Failure::cannot_read(
            path,
            msg!("yaml-too-large", bytes = size, limit = limit),
        ));
    }
    let mut bytes = Vec::new();
    // A file that grows while we read is cut one byte past the limit; the loader then says so.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

fn dir_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| Failure::cannot_read(dir, e.to_string()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Workflow files that did not all pass, as the shell reports them.
impl From<CheckFailed> for Failure {
    fn from(e: CheckFailed) -> Self {
        e.failed.into()
    }
}

/// Prints a value as pretty JSON on stdout, as the JSON convention has it (README, "JSON
/// output"; `wardflow_engine::app::wire`): one value, instants in the office's time zone.
pub fn print_json<T: serde::Serialize + ?Sized>(ctx: &Ctx, value: &T) -> Result<(), Failure> {
    let value = wire::to_value(value, &ctx.time_zone()?).map_err(Failure::bug)?;
    let text = serde_json::to_string_pretty(&value).map_err(Failure::bug)?;
    println!("{text}");
    Ok(())
}

/// Runs the parsed command.
pub fn run(cli: Cli, tr: Tr, settings: Vec<crate::config::Setting>) -> Result<(), Failure> {
    let ctx = Ctx {
        tr,
        global: cli.global,
        settings,
    };
    match cli.command {
        Command::Init(args) => init::run(&ctx, args),
        Command::Workflow(cmd) => workflow::run(&ctx, cmd),
        Command::Case(cmd) => case::run(&ctx, cmd),
        Command::Child(cmd) => child::run(&ctx, cmd),
        Command::Timers(cmd) => timers::run(&ctx, cmd),
        Command::Agenda(args) => timers::agenda::agenda(&ctx, args),
        Command::Run(args) => run::run(&ctx, args),
        Command::Serve(args) => crate::serve::run(&ctx, args),
        Command::Login(args) => login::login(&ctx, args),
        Command::Logout => login::logout(&ctx),
        Command::Letter(cmd) => letter::run(&ctx, cmd),
        Command::Check(args) => ops::check::run(&ctx, args),
        Command::Db(cmd) => db::run(&ctx, cmd),
        Command::Publish(cmd) => publish::run(&ctx, cmd),
        Command::Backup(args) => ops::backup::backup(&ctx, args),
        Command::Restore(args) => ops::backup::restore(&ctx, args),
        Command::Export(args) => ops::export::run(&ctx, args),
        Command::Import(args) => ops::import::run(&ctx, args),
        Command::ImportRegister(args) => ops::register::run(&ctx, args),
        Command::Verify(args) => verify::run(&ctx, args),
        Command::Key(cmd) => key::run(&ctx, cmd),
        Command::User(cmd) => user::run(&ctx, cmd),
        Command::Token(cmd) => token::run(&ctx, cmd),
        Command::Webhook(cmd) => webhook::run(&ctx, cmd),
        Command::Unit(cmd) => unit::run(&ctx, cmd),
        Command::Audit(args) => audit::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Config(cmd) => config::run(&ctx, cmd),
        Command::Completions(args) => shell::completions(&ctx, args),
        Command::Man(args) => shell::man(&ctx, args),
    }
}

/// `url` if it is a PostgreSQL address (`--database`), else the refusal `init --database`
/// gives; the address is never shown with its password.
pub fn postgres_url(url: &str) -> Result<&str, Failure> {
    if wardflow_engine::pg::is_url(url) {
        return Ok(url);
    }
    Err(Failure::said(
        crate::failure::Exit::BadInput,
        crate::msg!(
            "serve-database-not-postgres",
            url = wardflow_engine::pg::redacted(url)
        ),
    )
    .with_key("--database"))
}
