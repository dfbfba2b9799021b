//! The command builder and what a test asserts about the result:
//!
//! ```ignore
//! let id = env
//!     .wardflow(["case", "open", "example-care"])
//!     .as_role("parent")
//!     .set("child.name", "李小明")
//!     .now(T0)
//!     .ok();
//! ```
//!
//! `ok` (must succeed), `fails(code)` and `refused()` (must fail and change nothing) cover
//! almost every test; `run` returns the [`Outcome`] for the rest.

use super::TestEnv;
use super::runner::{Invocation, Outcome};

/// One command being prepared.
#[must_use = "a command does nothing until it is run"]
pub struct Cmd<'e> {
    env: &'e TestEnv,
    args: Vec<String>,
    lang: &'static str,
    user: Option<String>,
    stdin: Vec<u8>,
    vars: Vec<(String, String)>,
}

impl<'e> Cmd<'e> {
    pub(super) fn new(env: &'e TestEnv, args: Vec<String>) -> Self {
        Cmd {
            env,
            args,
            lang: "zh",
            user: None,
            stdin: Vec::new(),
            vars: Vec::new(),
        }
    }

    /// One more argument.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// More arguments.
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// `--set key=value`.
    pub fn set(self, key: &str, value: &str) -> Self {
        self.args(["--set".to_owned(), format!("{key}={value}")])
    }

    /// `--set key=value` for each pair, in order.
    pub fn sets(self, pairs: &[(&str, &str)]) -> Self {
        pairs.iter().fold(self, |cmd, (k, v)| cmd.set(k, v))
    }

    /// `--set ASSIGNMENT` for each `key=value` string, in order.
    pub fn assign(self, assignments: &[&str]) -> Self {
        assignments
            .iter()
            .fold(self, |cmd, a| cmd.args(["--set", a]))
    }

    /// `--as ROLE`.
    // Named after the flag it adds, not a conversion.
    #[allow(clippy::wrong_self_convention)]
    pub fn as_role(self, role: &str) -> Self {
        self.args(["--as", role])
    }

    /// `--now AT` (simulation databases only).
    pub fn now(self, at: &str) -> Self {
        self.args(["--now", at])
    }

    /// Runs in English (`WARDFLOW_LANG=en`) instead of Chinese.
    pub fn en(mut self) -> Self {
        self.lang = "en";
        self
    }

    /// Runs as `user` (`WARDFLOW_USER`) instead of the administrator 张三.
    pub fn user(mut self, user: &str) -> Self {
        self.user = Some(user.to_owned());
        self
    }

    /// Sets the environment variable `key` (over the harness's own, such as
    /// `WARDFLOW_CONFIG`).
    pub fn var(mut self, key: &str, value: &str) -> Self {
        self.vars.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Feeds `input` to standard input.
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = input.into();
        self
    }

    /// The invocation this command stands for.
    pub fn invocation(&self) -> Invocation {
        let user = self.user.as_deref().unwrap_or(super::USER);
        let mut invocation = self
            .env
            .invocation(&self.args, self.lang, user, &self.stdin);
        invocation.vars.extend(self.vars.iter().cloned());
        invocation
    }

    /// Runs the command and returns whatever it did.
    pub fn run(&self) -> Outcome {
        self.env.runner().run(&self.invocation())
    }

    /// Runs a command that must exit 0; returns its stdout.
    #[track_caller]
    pub fn ok(&self) -> String {
        self.run().success().stdout_text()
    }

    /// Runs a command that must exit with `code` and leave the database as it was (compared
    /// through what the CLI shows of it); returns its stderr.
    #[track_caller]
    pub fn fails(&self, code: i32) -> String {
        let before = self.env.db_dump();
        let out = self.run();
        let out = out.exit(code);
        let after = self.env.db_dump();
        assert!(
            before == after,
            "a failing command changed the database\n{}\n--- before\n{before}\n--- after\n{after}",
            out.describe()
        );
        out.stderr_text()
    }

    /// Runs a command that a rule must refuse: exit 1, nothing changed; returns its stderr.
    #[track_caller]
    pub fn refused(&self) -> String {
        self.fails(1)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Outcome {
    /// The exit code (None if killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Standard output as text.
    pub fn stdout_text(&self) -> String {
        text(&self.stdout)
    }

    /// Standard error as text.
    pub fn stderr_text(&self) -> String {
        text(&self.stderr)
    }

    /// Standard output parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", self.describe()))
    }

    /// Asserts exit 0.
    #[track_caller]
    pub fn success(self) -> Self {
        assert!(
            self.status.success(),
            "expected success\n{}",
            self.describe()
        );
        self
    }

    /// Asserts the exit code.
    #[track_caller]
    pub fn exit(self, code: i32) -> Self {
        assert_eq!(
            self.status.code(),
            Some(code),
            "expected exit {code}\n{}",
            self.describe()
        );
        self
    }

    /// The command, its exit code and both outputs, for a failure message.
    pub fn describe(&self) -> String {
        format!(
            "wardflow {}\nexit: {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.status.code(),
            self.stdout_text(),
            self.stderr_text()
        )
    }
}
