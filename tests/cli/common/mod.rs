//! The shared harness, after jj's `cli/tests/runner.rs` and `common/test_environment.rs`: a
//! [`TestEnv`] (a temporary directory with its workflows, database, letters and profiles, a
//! user, a clock given with `--now`), a builder for commands ([`command::Cmd`]) and the helpers
//! the scenario files share ([`scenario`]). How a command reaches the program is decided in one
//! place, [`runner`].
//!
//! Every command runs with a fixed user (张三), a fixed language (zh unless a call asks for en)
//! and without the host's locale, so outputs are the same on every machine. Simulation
//! databases get an explicit `--now` in every call that takes one.
//!
//! `fails` checks the contract that a command that fails changes nothing: it dumps the database
//! (through the CLI itself) before and after the command and compares the dumps.

#![allow(dead_code)]

pub mod command;
pub mod runner;
pub mod scenario;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

pub use command::Cmd;
pub use runner::Outcome;
pub use scenario::{advance, env, guard_message, id_number, json, open, refused, with};

use runner::{Invocation, Process, Runner, Served};

/// The clock of the first act in most tests: Monday 23 November 2026, 10:00 Beijing time.
pub const T0: &str = "2026-11-23T10:00:00+08:00";

/// The user every command runs as unless it says otherwise: the first administrator, who holds
/// every workflow role at the top unit (see `invocation`).
pub const USER: &str = "张三";

/// A temporary directory holding `workflows/` and (after init) the database `w.redb`.
pub struct TestEnv {
    dir: tempfile::TempDir,
    runner: Box<dyn Runner>,
}

/// One invocation being prepared: language and standard input (the slice-of-arguments form of
/// [`Cmd`], kept for tests that list their arguments).
pub struct Call<'e> {
    env: &'e TestEnv,
    english: bool,
    stdin: Option<Vec<u8>>,
}

impl TestEnv {
    /// A fresh directory with a copy of the repository's `workflows/*.yaml`.
    pub fn new() -> Self {
        Self::with_workflows(|_| true)
    }

    /// A fresh directory with only the example workflows (`example-*.yaml`): for tests of the
    /// CLI itself, which must not change when a real process is added.
    pub fn examples_only() -> Self {
        Self::with_workflows(|name| name.starts_with("example-"))
    }

    fn with_workflows(keep: impl Fn(&str) -> bool) -> Self {
        let env = Self::empty();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows");
        for entry in std::fs::read_dir(&source).expect("read the repository's workflows/") {
            let path = entry.expect("workflow dir entry").path();
            let wanted = path.file_name().and_then(|n| n.to_str()).is_some_and(&keep);
            if wanted && path.extension().is_some_and(|e| e == "yaml") {
                let name = path.file_name().expect("file name");
                std::fs::copy(&path, env.workflows_dir().join(name)).expect("copy workflow");
            }
        }
        env
    }

    /// A fresh directory with an empty `workflows/`.
    pub fn empty() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("wardflow-test-")
            .tempdir()
            .expect("create temp dir");
        std::fs::create_dir(dir.path().join("workflows")).expect("create workflows dir");
        // The test binary says which way its commands reach the program: `tests/cli` runs
        // them embedded, `tests/served` through a server (`runner::Served`).
        let runner: Box<dyn Runner> = if crate::SERVED {
            Box::new(Served::new(crate::POSTGRES))
        } else {
            Box::new(Process)
        };
        TestEnv { dir, runner }
    }

    /// The temporary directory (also the working directory of every command).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The database file.
    pub fn db(&self) -> PathBuf {
        self.root().join("w.redb")
    }

    /// The workflows directory.
    pub fn workflows_dir(&self) -> PathBuf {
        self.root().join("workflows")
    }

    /// The repository's letter templates (every command reads them from there).
    pub fn letters_dir(&self) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("letters")
    }

    /// `profiles/` under the root, for tests that give the database county profiles.
    pub fn profiles_dir(&self) -> PathBuf {
        self.root().join("profiles")
    }

    /// `wardflow args…`, to be completed with the builder and run.
    pub fn wardflow<S: Into<String>>(&self, args: impl IntoIterator<Item = S>) -> Cmd<'_> {
        Cmd::new(self, args.into_iter().map(Into::into).collect())
    }

    /// What executes this environment's commands.
    pub fn runner(&self) -> &dyn Runner {
        self.runner.as_ref()
    }

    /// The invocation of `wardflow args…` in this environment: its working directory,
    /// database, workflows, letters, language and user.
    pub fn invocation(&self, args: &[String], lang: &str, user: &str, stdin: &[u8]) -> Invocation {
        let mut args = args.to_vec();
        // Every test database gets the example units and a first administrator (张三) who
        // holds every workflow role at the top unit, so tests of the processes need no users.
        if args.first().map(String::as_str) == Some("init") {
            let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("units/example.yaml");
            args.extend([
                "--units".to_owned(),
                units.display().to_string(),
                "--admin-role".to_owned(),
                "*".to_owned(),
            ]);
            // Under the national profile (`tests/national_stories`, or any test binary run
            // with WARDFLOW_TEST_CRYPTO=national) every database is made national, unless the
            // test chooses a profile itself.
            if national() && !args.iter().any(|a| a == "--crypto") {
                args.extend(["--crypto".to_owned(), "national".to_owned()]);
            }
        }
        let path = |p: PathBuf| p.display().to_string();
        Invocation {
            args,
            cwd: self.root().to_path_buf(),
            vars: vec![
                ("WARDFLOW_DB".to_owned(), path(self.db())),
                ("WARDFLOW_WORKFLOWS".to_owned(), path(self.workflows_dir())),
                ("WARDFLOW_LETTERS".to_owned(), path(self.letters_dir())),
                ("WARDFLOW_LANG".to_owned(), lang.to_owned()),
                ("WARDFLOW_USER".to_owned(), user.to_owned()),
                // Never the machine's configuration files: the user's would be under the
                // temporary directory, and no file is read unless a test names one.
                (
                    "XDG_CONFIG_HOME".to_owned(),
                    path(self.root().join("config-home")),
                ),
                ("WARDFLOW_CONFIG".to_owned(), String::new()),
            ],
            stdin: stdin.to_vec(),
        }
    }

    /// A call in Chinese (the default language).
    pub fn zh(&self) -> Call<'_> {
        Call {
            env: self,
            english: false,
            stdin: None,
        }
    }

    /// A call in English.
    pub fn en(&self) -> Call<'_> {
        Call {
            env: self,
            english: true,
            stdin: None,
        }
    }

    /// Runs `wardflow args…` in Chinese.
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.zh().run(args)
    }

    /// Runs a command that must succeed; returns its stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        self.zh().ok(args)
    }

    /// Runs a command that must fail with `code` and leave the database as it was; returns
    /// its stderr.
    #[track_caller]
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        self.zh().fails(args, code)
    }

    /// `wardflow init --simulation --now NOW`, as a fresh `init` would leave it.
    ///
    /// Publishing every workflow is the slowest command there is, and most tests start with
    /// it: the first test to initialise from a given set of workflow files at a given time
    /// runs `init`, and every later one gets a copy of that database, key file and output.
    /// So databases made from the same files at the same time share the office key; a test
    /// about keys uses [`TestEnv::init_fresh`].
    pub fn init_simulation(&self, now: &str) -> String {
        static TEMPLATES: OnceLock<Mutex<HashMap<u64, Template>>> = OnceLock::new();
        let key = self.template_key(now);
        // Held while `init` runs, so that tests starting together wait for one `init` instead
        // of each running their own.
        let mut templates = TEMPLATES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(template) = templates.get(&key) {
            return template.copy_to(self);
        }
        let out = self.init_fresh(now);
        templates.insert(key, Template::take(self, out.clone()));
        out
    }

    /// `wardflow init --simulation --now NOW`, always run (a new office key).
    pub fn init_fresh(&self, now: &str) -> String {
        self.ok(&["init", "--simulation", "--now", now])
    }

    /// What decides the database `init_simulation` makes: the workflow files and the time.
    fn template_key(&self, now: &str) -> u64 {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(self.workflows_dir())
            .expect("read workflows/")
            .map(|entry| {
                let path = entry.expect("workflows/ entry").path();
                let name = path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                let bytes = std::fs::read(&path).unwrap_or_default();
                (name, bytes)
            })
            .collect();
        files.sort();
        let mut hasher = DefaultHasher::new();
        (files, now).hash(&mut hasher);
        hasher.finish()
    }

    /// Writes (or overwrites) `workflows/NAME`; returns the path relative to the working
    /// directory, as a user would type it (`workflows/NAME`).
    pub fn write_workflow(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        std::fs::write(self.workflows_dir().join(name), content).expect("write workflow file");
        format!("workflows/{name}")
    }

    /// Writes any file under the root; returns its path relative to the working directory.
    pub fn write_file(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        std::fs::write(self.root().join(name), content).expect("write file");
        name.to_owned()
    }

    /// Everything stored in the database, as `wardflow export` writes it (lossless: cases,
    /// events, workflow versions, counters, users, units, letters). Two equal dumps mean
    /// nothing stored changed. One process, where showing each case and its history took two
    /// per case: `fails` takes a dump before and after every refusal.
    pub fn db_dump(&self) -> String {
        let db = self.db();
        if !db.exists() {
            return "<no database>".to_owned();
        }
        let mut export = self.zh().run(&["export", "--plain"]);
        // Export is an administrator's act: when the default user is none (a test took the
        // role away), an enabled administrator of the registry makes the dump.
        if export.status.code() == Some(1)
            && let Some(admin) = self.an_administrator()
        {
            export = self.zh().run(&["--user", &admin, "export", "--plain"]);
        }
        if !export.status.success() {
            // Not a wardflow database (or not readable): compare the raw bytes instead.
            let bytes = std::fs::read(&db).expect("read db file");
            return format!("<raw {} bytes>\n{}", bytes.len(), text(&bytes));
        }
        let dump = text(&export.stdout);
        if crate::SERVED {
            // Through a server every request is in the access log (who signed in with which
            // token, what was read and refused): what a command changed is the rest.
            return dump
                .lines()
                .filter(|l| !l.starts_with(r#"{"type":"access""#))
                .map(|l| format!("{l}\n"))
                .collect();
        }
        dump
    }

    /// An enabled administrator of the database, as the registry lists it.
    fn an_administrator(&self) -> Option<String> {
        let list = self.zh().run(&["user", "list", "--json"]);
        let users: serde_json::Value = serde_json::from_slice(&list.stdout).ok()?;
        users.as_array()?.iter().find_map(|u| {
            let admin = u["enabled"] == true
                && u["roles"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|r| r == "admin"));
            admin
                .then(|| u["user"].as_str().map(str::to_owned))
                .flatten()
        })
    }

    /// Opens the standard example-care case (小明, reported by a parent) at `now`; returns its id.
    pub fn open_xiaoming(&self, now: &str) -> String {
        let out = self.ok(&[
            "case",
            "open",
            "example-care",
            "--as",
            "parent",
            "--set",
            "child.name=小明",
            "--set",
            "child.birth_date=2018-05-01",
            "--set",
            "parent.name=李四",
            "--now",
            now,
        ]);
        out.trim().to_owned()
    }

    /// Signs the entrustment agreement with 王奶奶 (born 1960, grandparent, parent left on
    /// 2026-11-20 08:00).
    pub fn sign_agreement(&self, case: &str, now: &str) -> String {
        self.ok(&[
            "case",
            "advance",
            case,
            "sign_agreement",
            "--as",
            "village_committee",
            "--set",
            "carer.name=王奶奶",
            "--set",
            "carer.birth_date=1960-03-02",
            "--set",
            "carer.relation=grandparent",
            "--set",
            "departure_at=2026-11-20T08:00:00+08:00",
            "--now",
            now,
        ])
    }

    /// `case show ID --json`, parsed.
    pub fn show_json(&self, case: &str) -> serde_json::Value {
        let out = self.ok(&["case", "show", case, "--json"]);
        serde_json::from_str(&out).expect("case show --json is JSON")
    }

    /// The short hash (12 hex digits) and title of a published version, from
    /// `workflow list --json`, so that tests need not repeat what the example files say.
    pub fn version(&self, workflow: &str, number: u64) -> (String, String) {
        let list: serde_json::Value =
            serde_json::from_str(&self.ok(&["workflow", "list", "--json"])).expect("JSON");
        let versions = list
            .as_array()
            .expect("workflow list --json is an array")
            .iter()
            .find(|w| w["workflow"] == workflow)
            .unwrap_or_else(|| panic!("{workflow} is not published: {list:#}"))["versions"]
            .as_array()
            .expect("versions");
        let v = versions
            .iter()
            .find(|v| v["version"] == number)
            .unwrap_or_else(|| panic!("{workflow} has no version {number}"));
        let hash = v["hash"].as_str().expect("hash");
        (
            hash[..12].to_owned(),
            v["title"].as_str().expect("title").to_owned(),
        )
    }

    /// An insta settings object that hides the temporary directory's path.
    pub fn insta_settings(&self) -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        let mut roots = vec![self.root().to_path_buf()];
        if let Ok(canonical) = self.root().canonicalize() {
            roots.push(canonical);
        }
        for root in roots {
            let escaped = regex_escape(&root.display().to_string());
            settings.add_filter(&escaped, "[TMP]");
        }
        settings
    }
}

/// Whether this test binary makes its databases under the national cryptographic profile:
/// `tests/national_stories` does, and so does any binary run with
/// `WARDFLOW_TEST_CRYPTO=national`.
pub fn national() -> bool {
    crate::NATIONAL || std::env::var("WARDFLOW_TEST_CRYPTO").is_ok_and(|v| v == "national")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A database `init` made, kept in memory to be copied into later environments.
struct Template {
    root: String,
    db: Vec<u8>,
    db_permissions: std::fs::Permissions,
    key: Vec<u8>,
    key_permissions: std::fs::Permissions,
    stdout: String,
}

impl Template {
    fn key_file(env: &TestEnv) -> PathBuf {
        env.root().join("w.redb.key")
    }

    fn take(env: &TestEnv, stdout: String) -> Self {
        let key_file = Self::key_file(env);
        Template {
            root: env.root().display().to_string(),
            db: std::fs::read(env.db()).expect("read the new database"),
            db_permissions: std::fs::metadata(env.db())
                .expect("database metadata")
                .permissions(),
            key: std::fs::read(&key_file).expect("read the new key file"),
            key_permissions: std::fs::metadata(&key_file)
                .expect("key file metadata")
                .permissions(),
            stdout,
        }
    }

    /// Writes the copy; returns what `init` printed, with this environment's paths.
    fn copy_to(&self, env: &TestEnv) -> String {
        std::fs::write(env.db(), &self.db).expect("copy the template database");
        // The copy has the mode `init` gave the original (0600), as tests of modes expect.
        std::fs::set_permissions(env.db(), self.db_permissions.clone()).expect("database mode");
        let key_file = Self::key_file(env);
        std::fs::write(&key_file, &self.key).expect("copy the template key");
        std::fs::set_permissions(&key_file, self.key_permissions.clone()).expect("key mode");
        self.stdout
            .replace(&self.root, &env.root().display().to_string())
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Call<'_> {
    /// Feeds `input` to the command's standard input.
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    fn command(&self, args: &[&str]) -> Cmd<'_> {
        let mut cmd = self.env.wardflow(args.iter().copied());
        if self.english {
            cmd = cmd.en();
        }
        match &self.stdin {
            Some(input) => cmd.stdin(input.clone()),
            None => cmd,
        }
    }

    /// Runs the command and returns whatever it did.
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.command(args).run()
    }

    /// Runs a command that must exit 0; returns its stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        self.command(args).ok()
    }

    /// Runs a command that must exit with `code`, and checks that it changed nothing in the
    /// database; returns its stderr.
    #[track_caller]
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        self.command(args).fails(code)
    }
}

/// `parts… --set k=v … --now NOW` as owned arguments.
pub fn command(parts: &[&str], sets: &[(&str, &str)], now: &str) -> Vec<String> {
    let mut args: Vec<String> = parts.iter().map(|s| (*s).to_owned()).collect();
    for (key, value) in sets {
        args.push("--set".to_owned());
        args.push(format!("{key}={value}"));
    }
    args.push("--now".to_owned());
    args.push(now.to_owned());
    args
}

/// Borrowed views of owned arguments.
pub fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// `text` with every verification code (after `核验码：`) replaced by `*****-*****`: the code
/// is a digest of the rendered letter, so it changes with any template edit, which these tests
/// are not about.
pub fn mask_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("核验码：") {
        let start = at + "核验码：".len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let code_len = rest
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '-')
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        if code_len > 0 {
            out.push_str("*****-*****");
        }
        rest = &rest[code_len..];
    }
    out.push_str(rest);
    out
}

/// The line `case advance` prints for a letter that waits because no issuing body is
/// configured for `role` in the profile (the default in tests: there is no profile).
pub fn pending_no_body(title: &str, key: &str, role: &str, case: &str) -> String {
    format!(
        "《{title}》（{key}）未随本次操作出具：县区方案（profile）中没有为 {role} 配置出具机关\
         （issuing_bodies.{role}：名称、机关代字、印章）。操作本身已记录；补齐后用 \
         `wardflow letter issue {case} {key} --as 角色` 出具。\n"
    )
}
