//! How a prepared command is executed: the one place a `wardflow` process is built and run.
//!
//! A test describes what it runs as an [`Invocation`] (arguments, working directory, the
//! environment it sets, standard input) and gets back an [`Outcome`] (exit code, stdout,
//! stderr). Nothing else in the harness knows how the command reaches the program, so running
//! the same tests through a server (`wardflow serve`) means adding another [`Runner`] and
//! choosing it in `TestEnv`, with no test changed.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// One command as a user would type it, with everything around it that decides its result.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// The arguments after `wardflow`.
    pub args: Vec<String>,
    /// The working directory (relative paths in `args` are relative to it).
    pub cwd: PathBuf,
    /// Environment variables the command sees (`WARDFLOW_DB`, `WARDFLOW_USER`, …); every
    /// other `WARDFLOW_*` and locale variable is absent.
    pub vars: Vec<(String, String)>,
    /// Standard input; empty unless the test feeds something, so that nothing waits on a
    /// terminal.
    pub stdin: Vec<u8>,
}

/// How a command exited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status(Option<i32>);

impl Status {
    /// The exit code, or None if the process was killed by a signal.
    pub fn code(&self) -> Option<i32> {
        self.0
    }

    /// Exit 0.
    pub fn success(&self) -> bool {
        self.0 == Some(0)
    }
}

/// What a command did. The fields mirror `std::process::Output`, so a test reads
/// `out.status.code()`, `out.stdout`, `out.stderr` whichever runner produced it.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The arguments it ran with, for failure messages.
    pub args: Vec<String>,
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Executes invocations.
pub trait Runner: Send + Sync {
    fn run(&self, invocation: &Invocation) -> Outcome;
}

/// Runs the real binary as a child process.
pub struct Process;

/// Inherited variables that would change a result: the host's locale and a clock.
const SCRUBBED: [&str; 4] = ["LANG", "LC_ALL", "LC_MESSAGES", "WARDFLOW_NOW"];

impl Runner for Process {
    fn run(&self, invocation: &Invocation) -> Outcome {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wardflow"));
        cmd.current_dir(&invocation.cwd)
            .args(&invocation.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in SCRUBBED {
            cmd.env_remove(var);
        }
        for (key, value) in &invocation.vars {
            cmd.env(key, value);
        }
        let mut child = cmd.spawn().expect("start the wardflow binary");
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = invocation.stdin.clone();
        // A thread, so that a command which never reads its input cannot block the test on a
        // full pipe; a command that exits without reading gets EPIPE, which is not an error
        // here.
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().expect("wait for wardflow");
        feeder.join().expect("stdin feeder");
        Outcome {
            args: invocation.args.clone(),
            status: Status(out.status.code()),
            stdout: out.stdout,
            stderr: out.stderr,
        }
    }
}

/// The commands that go to the server in server mode: every other one runs embedded, with the
/// server stopped first (it alone holds the file while it runs) and started again, lazily, by
/// the next command that goes to it. A command joins this list when its `--server` form is
/// built (`src/cli/remote.rs`).
pub const SERVED_COMMANDS: &[&[&str]] = &[
    &["case", "open"],
    &["case", "advance"],
    &["case", "amend"],
    &["case", "show"],
    &["case", "history"],
    &["case", "next"],
    &["case", "list"],
    &["case", "overdue"],
    &["agenda"],
    &["export"],
    &["case", "transfer"],
    &["case", "export"],
    &["letter"],
    &["user"],
    &["token"],
    &["audit"],
    &["backup"],
    &["unit"],
    &["publish"],
    &["workflow", "list"],
    &["workflow", "show"],
    &["workflow", "publish"],
    &["workflow", "migrate"],
    &["key", "show"],
    &["child"],
    &["report"],
    &["timers", "tick"],
    &["check"],
    &["verify"],
    &["import-register"],
];

/// Tests of the modules `tests/served` runs that stay embedded-only even there, and why (the
/// modules left out entirely are listed in `tests/served/main.rs`). The served runner knows a
/// test by its thread's name.
pub const EMBEDDED_ONLY_TESTS: &[&str] = &[
    // It takes redb's lock on the file itself, to show what a busy database does.
    "case::a_busy_database_waits_then_says_so_with_exit_3_and_changes_nothing",
    // It races two processes for the file itself (its served counterpart is
    // `letter_client::eight_clients_issuing_through_a_server_get_gapless_numbers`).
    "letter_issue::two_processes_issuing_at_once_get_distinct_consecutive_numbers",
    // It exports the whole database and imports it elsewhere: over a server the export also
    // carries the harness's token uses, and import runs embedded only.
    "letter_issue::export_and_import_keep_the_archive_and_its_verification",
    // It rewrites a letter's archive record in the file directly.
    "letter_pdf::a_letter_archived_before_pdfs_has_none_and_export_says_so",
    // They make the database file read-only or fill its disk, beside the process.
    "bad_input::a_read_only_database_can_be_read_but_refuses_every_write",
    "bad_input::a_full_disk_fails_the_command_with_a_storage_fault_and_loses_nothing",
    // Rows of it give `--profile`, `--profiles` or `--letters` per command: a server answers
    // with its own configuration, which the client's flags do not change (not yet sent).
    "bad_input::every_bad_input_is_refused_with_its_code_and_changes_nothing",
    "profile::a_profile_named_on_one_command_applies_to_the_cases_it_opens",
    "vocab::a_role_unknown_to_the_code_is_shown_and_printed_with_its_title",
    // `wardflow run` holds the file beside other commands; a server would be a second holder.
    "run::the_runner_fires_due_deadlines_beside_cli_commands_and_stops_on_sigterm",
    "run::the_runner_writes_json_lines_under_json",
];

/// Global flags that take a value (to find the command among the arguments).
const VALUED: &[&str] = &[
    "--db",
    "--workflows",
    "--now",
    "--lang",
    "--lock-timeout",
    "--profile",
    "--profiles",
    "--letters",
    "--fonts",
    "--calendar",
    "--user",
    "--server",
    "--idempotency-key",
];

/// The command's words (`case show`) and the `--user` it names, if any.
fn command_of(args: &[String]) -> (Vec<&str>, Option<&str>) {
    let mut words = Vec::new();
    let mut user = None;
    let mut i = 0;
    // `--user` may come anywhere, after the command's own arguments too.
    while i < args.len() {
        let a = args[i].as_str();
        if VALUED.contains(&a) {
            if a == "--user" {
                user = args.get(i + 1).map(String::as_str);
            }
            i += 2;
            continue;
        }
        if !a.starts_with('-') && words.len() < 2 {
            words.push(a);
        }
        i += 1;
    }
    (words, user)
}

/// The value of variable `key` in `invocation`.
fn var<'a>(invocation: &'a Invocation, key: &str) -> Option<&'a str> {
    invocation
        .vars
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A running `wardflow serve` of one test environment.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Server {
    /// Starts `wardflow serve` on a free loopback port over the invocation's database. A
    /// simulation database's server runs its deadline runner in the year 2000, so that only
    /// the tests' own `timers tick` fire deadlines, as embedded; a real database refuses the
    /// clock, and its server runs on the wall clock.
    /// `extra`: more arguments (`--database URL` on PostgreSQL).
    fn start(invocation: &Invocation, extra: &[String]) -> Option<Server> {
        for now in [Some("2000-01-01T00:00:00+08:00"), None] {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_wardflow"));
            cmd.current_dir(&invocation.cwd)
                .args(["serve", "--listen", "127.0.0.1:0"])
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            for v in SCRUBBED {
                cmd.env_remove(v);
            }
            for (key, value) in &invocation.vars {
                cmd.env(key, value);
            }
            cmd.env("WARDFLOW_LANG", "en");
            if let Some(now) = now {
                cmd.env("WARDFLOW_NOW", now);
            }
            let mut child = cmd.spawn().expect("start wardflow serve");
            let stdout = child.stdout.take().expect("piped stdout");
            let mut line = String::new();
            let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
            let url = line
                .split_whitespace()
                .find(|w| w.starts_with("http://"))
                .map(str::to_owned);
            match url {
                Some(url) => return Some(Server { child, url }),
                None => {
                    let _ = child.wait();
                }
            }
        }
        None
    }

    /// Stops the server (SIGTERM) and waits until it has let go of the file.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// What a served environment keeps between commands.
#[derive(Default)]
struct ServedState {
    /// The running server and the database it holds.
    server: Option<(String, Server)>,
    /// Each test user's token per database, made once.
    tokens: std::collections::HashMap<(String, String), String>,
    /// The administrator's token per database, made embedded before its first start.
    admin: std::collections::HashMap<String, String>,
    /// On PostgreSQL (`tests/served_pg`): the redb databases whose contents were moved into
    /// a PostgreSQL database, which holds them now (the file stays, stale, until they are
    /// moved back): redb path -> address.
    on_pg: std::collections::HashMap<String, String>,
}

/// Runs the commands of [`SERVED_COMMANDS`] through a `wardflow serve` the harness starts for
/// the test environment (`--server URL` with the user's token in `WARDFLOW_TOKEN`), and every
/// other command embedded (see [`SERVED_COMMANDS`]).
#[derive(Default)]
pub struct Served {
    state: std::sync::Mutex<ServedState>,
    /// Serve from PostgreSQL (`tests/served_pg`, see [`pg`]) rather than the redb file.
    postgres: bool,
}

impl Drop for Served {
    fn drop(&mut self) {
        let state = self
            .state
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, server)) = state.server.take() {
            server.stop();
        }
    }
}

/// The administrator the harness acts as to make tokens and run the server.
const ADMIN: &str = super::USER;

/// The database an invocation names (`--db`, else `WARDFLOW_DB`).
fn db_of(invocation: &Invocation) -> Option<String> {
    let args = &invocation.args;
    args.iter()
        .position(|a| a == "--db")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| var(invocation, "WARDFLOW_DB").map(str::to_owned))
}

/// `invocation`'s variables with `key` set to `value`.
fn with_var(invocation: &Invocation, key: &str, value: &str) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = invocation
        .vars
        .iter()
        .filter(|(k, _)| k != key)
        .cloned()
        .collect();
    vars.push((key.to_owned(), value.to_owned()));
    vars
}

impl Served {
    /// A runner serving from the redb file, or (`postgres`) from PostgreSQL.
    pub fn new(postgres: bool) -> Self {
        Served {
            state: Default::default(),
            postgres,
        }
    }

    /// An API token for `user` (`token create --for USER`), made by the administrator over
    /// the server once per database; None when the registry refuses one (an unknown or
    /// disabled user: the command then goes without one and is refused).
    fn token_for(state: &mut ServedState, db: &str, user: &str) -> Option<String> {
        let key = (db.to_owned(), user.to_owned());
        if let Some(token) = state.tokens.get(&key) {
            return Some(token.clone());
        }
        let admin = state.admin.get(db)?.clone();
        let url = &state.server.as_ref()?.1.url;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .post(format!("{url}/api/v1/tokens"))
            .header("Authorization", &format!("Bearer {admin}"))
            .send_json(
                serde_json::json!({"for": user, "expires_days": 3660, "label": "test harness"}),
            )
            .ok()?;
        let body: serde_json::Value = response.body_mut().read_json().ok()?;
        let token = body["token"].as_str()?.to_owned();
        state.tokens.insert(key, token.clone());
        Some(token)
    }

    /// The administrator's token, made embedded (the server is not running); `extra`:
    /// `--database URL` on PostgreSQL.
    fn admin_token(invocation: &Invocation, extra: &[String]) -> Option<String> {
        let vars = with_var(invocation, "WARDFLOW_USER", ADMIN)
            .into_iter()
            .filter(|(k, _)| k != "WARDFLOW_NOW")
            .collect();
        let made = Process.run(&Invocation {
            args: [
                "token",
                "create",
                "--for",
                ADMIN,
                "--expires",
                "3660d",
                "--json",
            ]
            .map(str::to_owned)
            .into_iter()
            .chain(extra.iter().cloned())
            .collect(),
            vars,
            cwd: invocation.cwd.clone(),
            stdin: Vec::new(),
        });
        let body: serde_json::Value = serde_json::from_slice(&made.stdout).ok()?;
        body["token"].as_str().map(str::to_owned)
    }
}

impl Runner for Served {
    fn run(&self, invocation: &Invocation) -> Outcome {
        let (words, named) = command_of(&invocation.args);
        // `export --out` writes a file on the machine that holds the database.
        let out_file =
            words.first() == Some(&"export") && invocation.args.iter().any(|a| a == "--out");
        let embedded_test = std::thread::current().name().is_some_and(|n| {
            EMBEDDED_ONLY_TESTS.contains(&n) || (self.postgres && pg::EMBEDDED_ONLY.contains(&n))
        });
        let served = !out_file
            && !embedded_test
            && SERVED_COMMANDS
                .iter()
                .any(|c| c.len() <= words.len() && c[..] == words[..c.len()]);
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let db = db_of(invocation)
            .map(|db| invocation.cwd.join(db).display().to_string())
            .filter(|db| std::path::Path::new(db).exists());
        let running = state.server.as_ref().map(|(db, _)| db.clone());
        let (Some(db), true) = (db.clone(), served) else {
            if let Some((_, server)) = state.server.take() {
                server.stop();
            }
            // What the command reads and writes is the redb file: bring it back first.
            if let Some(db) = db
                && let Some(url) = state.on_pg.remove(&db)
            {
                pg::to_redb(invocation, &db, &url);
                state.admin.remove(&db);
            }
            return Process.run(invocation);
        };
        if running.as_deref() != Some(db.as_str()) {
            if let Some((_, server)) = state.server.take() {
                server.stop();
            }
            let own = Invocation {
                vars: with_var(invocation, "WARDFLOW_DB", &db),
                ..invocation.clone()
            };
            // On PostgreSQL: the server's database, filled from the redb file the first time
            // and after every embedded command that needed the file back.
            let mut extra = Vec::new();
            if self.postgres {
                let url = match state.on_pg.get(&db) {
                    Some(url) => url.clone(),
                    None => {
                        let url = pg::to_postgres(&own, &db);
                        state.on_pg.insert(db.clone(), url.clone());
                        // Credentials are not moved: every token is made again.
                        state.admin.remove(&db);
                        state.tokens.retain(|(d, _), _| *d != db);
                        url
                    }
                };
                extra = vec!["--database".to_owned(), url];
            }
            if !state.admin.contains_key(&db)
                && let Some(token) = Self::admin_token(&own, &extra)
            {
                state.admin.insert(db.clone(), token);
            }
            let own = Invocation {
                vars: with_var(&own, "WARDFLOW_USER", ADMIN),
                ..own
            };
            match Server::start(&own, &extra) {
                Some(server) => state.server = Some((db.clone(), server)),
                None if self.postgres => panic!("wardflow serve {extra:?} did not start"),
                None => return Process.run(invocation),
            }
        }
        let Some(url) = state.server.as_ref().map(|(_, s)| s.url.clone()) else {
            return Process.run(invocation);
        };
        let user = named
            .or_else(|| var(invocation, "WARDFLOW_USER"))
            .unwrap_or_default()
            .to_owned();
        let token = Self::token_for(&mut state, &db, &user).unwrap_or_default();
        let mut remote = invocation.clone();
        remote.vars.push(("WARDFLOW_SERVER".to_owned(), url));
        remote.vars.push(("WARDFLOW_TOKEN".to_owned(), token));
        Process.run(&remote)
    }
}

/// The served runner on PostgreSQL (`tests/served_pg`): one throwaway cluster for the test
/// binary, and a test environment's redb database moved into a fresh PostgreSQL database of
/// it (`export --plain`, `import --database`) when its server is first needed, and back into
/// the redb file (`export --database`, `import`) before a command without a `--server` form
/// runs, so that the tests' own setup (`init`, copied templates, embedded commands) stays as
/// it is.
pub mod pg {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use wardflow_engine::pg::cluster::Cluster;

    use super::{ADMIN, Invocation, Outcome, Process, Runner, with_var};

    /// Tests of the modules `tests/served_pg` runs that stay on redb (served from the file,
    /// as in `tests/served`, or embedded) there, and why.
    pub const EMBEDDED_ONLY: &[&str] = &[
        // Its "database" is a file of text: there is nothing to move into PostgreSQL, and
        // what it tests is how the redb file is refused.
        "case::a_file_that_is_not_a_database_is_a_storage_failure",
    ];

    /// The test binary's cluster, started by the first test that needs it and stopped when
    /// the binary exits (`atexit`: a static is never dropped).
    static CLUSTER: Mutex<Option<Cluster>> = Mutex::new(None);

    extern "C" fn stop_cluster() {
        if let Ok(mut cluster) = CLUSTER.try_lock() {
            drop(cluster.take());
        }
    }

    /// A new empty database in the binary's cluster: its address. Without PostgreSQL the
    /// test fails here, saying what to install.
    fn database() -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let mut cluster = CLUSTER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cluster.is_none() {
            let started = Cluster::start().unwrap_or_else(|e| panic!("{e}"));
            *cluster = Some(started);
            // SAFETY: registers a plain function with no preconditions.
            unsafe { libc::atexit(stop_cluster) };
        }
        let name = format!("moved_{}", NEXT.fetch_add(1, Ordering::SeqCst));
        match cluster.as_ref() {
            Some(c) => c
                .database(&name)
                .unwrap_or_else(|e| panic!("a new PostgreSQL database: {e}")),
            None => unreachable!("the cluster was just started"),
        }
    }

    /// `wardflow args…` as the administrator, in `own`'s directory; panics unless it
    /// succeeds.
    fn admin(own: &Invocation, args: &[&str], what: &str) -> Outcome {
        let vars = with_var(own, "WARDFLOW_USER", ADMIN)
            .into_iter()
            .filter(|(k, _)| k != "WARDFLOW_NOW" && k != "WARDFLOW_DATABASE")
            .collect();
        let out = Process.run(&Invocation {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            vars,
            cwd: own.cwd.clone(),
            stdin: Vec::new(),
        });
        assert!(
            out.status.success(),
            "{what}: wardflow {args:?} exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Whether an export's first line says its database is a simulation one.
    fn simulation(export: &[u8]) -> bool {
        let first = export.split(|b| *b == b'\n').next().unwrap_or_default();
        let meta: serde_json::Value = serde_json::from_slice(first).unwrap_or_default();
        meta["record"]["body"]["simulation"] == true
    }

    /// A scratch file for one move, outside the test's directory.
    fn scratch() -> tempfile::NamedTempFile {
        tempfile::Builder::new()
            .prefix("wardflow-move-")
            .suffix(".jsonl")
            .tempfile()
            .expect("a scratch file")
    }

    /// Moves the redb database `db` into a new PostgreSQL database; its address.
    pub fn to_postgres(own: &Invocation, db: &str) -> String {
        let export = admin(own, &["export", "--plain"], "moving to PostgreSQL");
        let file = scratch();
        std::fs::write(file.path(), &export.stdout).expect("write the export");
        let url = database();
        let path = file.path().display().to_string();
        let mut args = vec!["import", path.as_str(), "--database", url.as_str()];
        if simulation(&export.stdout) {
            args.push("--simulation");
        }
        admin(own, &args, &format!("moving {db} to PostgreSQL"));
        url
    }

    /// Moves the database at `url` back into the redb file `db` (replaced, with the side
    /// files of the old one: its access log, credentials and webhooks).
    pub fn to_redb(invocation: &Invocation, db: &str, url: &str) {
        let own = Invocation {
            vars: with_var(invocation, "WARDFLOW_DB", db),
            ..invocation.clone()
        };
        let file = scratch();
        let path = file.path().display().to_string();
        // `--out` refuses an existing file.
        std::fs::remove_file(file.path()).expect("free the scratch name");
        admin(
            &own,
            &["export", "--plain", "--database", url, "--out", &path],
            "moving back to redb",
        );
        let export = std::fs::read(&path).expect("read the export");
        for side in ["", ".access", ".access-gap", ".credentials", ".webhooks"] {
            let _ = std::fs::remove_file(format!("{db}{side}"));
        }
        let mut args = vec!["import", path.as_str()];
        if simulation(&export) {
            args.push("--simulation");
        }
        admin(&own, &args, &format!("moving {db} back from PostgreSQL"));
    }
}
