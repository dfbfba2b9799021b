//! W5: separate clients through `wardflow serve` (issue 22): each client a thread with its own
//! HTTP connection, one request per command, each answered only after its durable commit; the
//! server batches the clients' commands into shared commits (group commit).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use wardflow_engine::pg::PgBackend;
use wardflow_engine::pg::cluster::Cluster;

use crate::cli::binary;
use crate::stats::Sample;
use crate::workload::{self, STEPS, TRANSITIONS, fail};

/// What one run with a number of clients gave.
pub struct Served {
    pub clients: usize,
    pub steps_per_s: f64,
    /// Each request, from sending it to its answer.
    pub latency: Sample,
    /// The database's size after the run over the cases it holds (redb: the file; PostgreSQL:
    /// `pg_database_size`, less what the empty database took).
    pub bytes_per_case: f64,
    /// CPU time per step (user + system, every thread) of the server process and of this
    /// process's client threads over the run: the clients share the server's two cores here,
    /// so steps per second alone does not say how much of the machine the server needs.
    pub server_cpu_per_step: Option<Duration>,
    pub clients_cpu_per_step: Option<Duration>,
}

/// The CPU time (user + system, all threads) process `pid` has used so far, from
/// `/proc/<pid>/stat` (fields 14 and 15, in the kernel's fixed 100 ticks a second); None where
/// there is no such file.
pub fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // `rest` starts at field 3, so fields 14 and 15 are at 11 and 12.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs `cases` cases of workload W through a fresh server on a redb file once for each number
/// of `clients`.
pub fn run(dir: &Path, cases: usize, clients: &[usize]) -> Vec<Served> {
    clients
        .iter()
        .map(|&n| {
            let db = dir.join(format!("w5-{n}.redb"));
            // A real (not simulation) database: the server runs on the wall clock and logs every
            // read, as an office's does.
            drop(workload::create_as(&db, false));
            let token = token(&db, None);
            let server = Server::start(&db, None);
            let mut served = drive(&server, &token, cases, n.max(1));
            drop(server);
            let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
            served.bytes_per_case = size as f64 / cases.max(1) as f64;
            remove_beside(&db);
            served
        })
        .collect()
}

/// The same runs on a PostgreSQL database of a throwaway cluster (the system's PostgreSQL, as
/// the tests start it), a fresh database for each number of clients.
pub fn run_postgres(
    dir: &Path,
    cluster: &Cluster,
    cases: usize,
    clients: &[usize],
) -> Result<Vec<Served>, String> {
    let mut all = Vec::new();
    for &n in clients {
        let url = cluster
            .database(&format!("w5_{n}"))
            .map_err(|e| e.to_string())?;
        let backend = PgBackend::create(&url, false, None, workload::t0())
            .map_err(|e| format!("creating the database: {e}"))?;
        workload::populate(&backend);
        drop(backend);
        let empty = database_size(&url)?;
        // Side files (the server's marker, the key) go to a redb path in the run's directory.
        let db = dir.join(format!("w5-pg-{n}.redb"));
        let token = token(&db, Some(&url));
        let server = Server::start(&db, Some(&url));
        let mut served = drive(&server, &token, cases, n.max(1));
        drop(server);
        let grown = database_size(&url)?.saturating_sub(empty);
        served.bytes_per_case = grown as f64 / cases.max(1) as f64;
        remove_beside(&db);
        all.push(served);
    }
    Ok(all)
}

/// `pg_database_size` of the database at `url`, in bytes.
fn database_size(url: &str) -> Result<u64, String> {
    let mut client =
        postgres::Client::connect(url, postgres::NoTls).map_err(|e| format!("connecting: {e}"))?;
    let row = client
        .query_one("SELECT pg_database_size(current_database())", &[])
        .map_err(|e| format!("pg_database_size: {e}"))?;
    Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
}

/// Removes the database file `db` and its side files.
fn remove_beside(db: &Path) {
    for suffix in [
        "",
        ".access",
        ".access-gap",
        ".credentials",
        ".server",
        ".key",
    ] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// An API token for the workload's user, made with the embedded command line (on the
/// PostgreSQL database at `url` when given).
fn token(db: &Path, url: Option<&str>) -> String {
    let mut command = Command::new(binary());
    command.arg("--db").arg(db).args([
        "--user", "bench", "--json", "token", "create", "--label", "bench",
    ]);
    if let Some(url) = url {
        command.args(["--database", url]);
    }
    let out = command.output().unwrap_or_else(|e| fail("token create", e));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        fail(
            "token create",
            format!("{e}: {}", String::from_utf8_lossy(&out.stderr)),
        )
    });
    match value["token"].as_str() {
        Some(t) => t.to_owned(),
        None => fail("token create", value),
    }
}

/// A running `wardflow serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts the server on a free loopback port (serving the PostgreSQL database at `url`
    /// when given); its first line names its address.
    /// `WARDFLOW_BENCH_SERVE_WRAP` (a command and its arguments, split at white space) runs
    /// the server under another program, to profile it under the benchmark's own load:
    /// `WARDFLOW_BENCH_SERVE_WRAP="valgrind --tool=callgrind"`. The wrapper must run the server
    /// in its own process (as valgrind does), so that the SIGTERM that stops it reaches it.
    fn start(db: &Path, url: Option<&str>) -> Server {
        let wrap = std::env::var("WARDFLOW_BENCH_SERVE_WRAP").unwrap_or_default();
        let mut wrap = wrap.split_whitespace();
        let mut command = match wrap.next() {
            Some(program) => {
                let mut command = Command::new(program);
                command.args(wrap).arg(binary());
                command
            }
            None => Command::new(binary()),
        };
        command
            .arg("--db")
            .arg(db)
            .args(["--user", "bench", "serve", "--listen", "127.0.0.1:0"]);
        if let Some(url) = url {
            command.args(["--database", url]);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| fail("serve", e));
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        match line.split_whitespace().find(|w| w.starts_with("http://")) {
            Some(url) => Server {
                url: url.trim_end_matches('/').to_owned(),
                child,
            },
            None => {
                let _ = child.kill();
                fail("serve", format!("no address in its first line: {line:?}"))
            }
        }
    }
}

impl Drop for Server {
    /// SIGTERM, so that the last batch commits and the file is let go.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// `clients` threads share `cases` cases; returns the figures.
fn drive(server: &Server, token: &str, cases: usize, clients: usize) -> Served {
    let url = server.url.as_str();
    let server_pid = server.child.id().to_string();
    let cpu_before = (cpu_time(&server_pid), cpu_time("self"));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (url, token) = (url.to_owned(), token.to_owned());
            std::thread::spawn(move || {
                let client = Client::new(url, token);
                let mut times = Vec::new();
                for i in (c..cases).step_by(clients) {
                    client.case(i, &mut times);
                }
                times
            })
        })
        .collect();
    let mut times = Vec::with_capacity(cases * STEPS);
    for t in threads {
        match t.join() {
            Ok(mine) => times.extend(mine),
            Err(_) => fail("W5 client", "a client thread panicked"),
        }
    }
    let elapsed = started.elapsed();
    let steps = (cases * STEPS).max(1) as u32;
    let per_step = |before: Option<Duration>, after: Option<Duration>| {
        Some(after?.checked_sub(before?)? / steps)
    };
    Served {
        clients,
        steps_per_s: (cases * STEPS) as f64 / elapsed.as_secs_f64(),
        latency: Sample::of(times),
        bytes_per_case: 0.0,
        server_cpu_per_step: per_step(cpu_before.0, cpu_time(&server_pid)),
        clients_cpu_per_step: per_step(cpu_before.1, cpu_time("self")),
    }
}

/// One client: a kept-alive connection and the token.
struct Client {
    agent: ureq::Agent,
    url: String,
    bearer: String,
}

impl Client {
    fn new(url: String, token: String) -> Client {
        Client {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(60)))
                .build()
                .into(),
            url,
            bearer: format!("Bearer {token}"),
        }
    }

    /// Opens case `i` and runs it through every transition, timing each request.
    fn case(&self, i: usize, times: &mut Vec<Duration>) {
        let opened = self.post(
            "/api/v1/cases",
            &json!({
                "workflow": workload::KEY,
                "as": "caseworker",
                "set": [format!("child.name=儿童{i}"), "child.birth_date=2016-03-01"],
            }),
            times,
        );
        let Some(id) = opened["case"].as_str().map(str::to_owned) else {
            fail("W5 open", opened)
        };
        for (n, transition) in TRANSITIONS.iter().enumerate() {
            let (role, set) = data(n);
            self.post(
                &format!("/api/v1/cases/{id}/advance"),
                &json!({ "transition": transition, "as": role, "set": set }),
                times,
            );
        }
    }

    /// POSTs `body` with a fresh idempotency key (as the command line sends every change);
    /// anything but success stops the benchmark.
    fn post(&self, path: &str, body: &Value, times: &mut Vec<Duration>) -> Value {
        let key = unique_key();
        let sent = Instant::now();
        let answer = self
            .agent
            .post(format!("{}{path}", self.url))
            .header("Authorization", &self.bearer)
            .header("Idempotency-Key", &key)
            .send_json(body);
        times.push(sent.elapsed());
        let mut answer = answer.unwrap_or_else(|e| fail(path, e));
        let status = answer.status();
        let value: Value = answer
            .body_mut()
            .read_json()
            .unwrap_or_else(|e| fail(path, e));
        if !status.is_success() {
            fail(path, format!("HTTP {status}: {value}"));
        }
        value
    }
}

/// The role and data of transition `n`, as workload W gives them (`workload::advance`), in the
/// `--set` form the API takes. The visit happened an hour before the wall clock the server
/// runs on.
fn data(n: usize) -> (&'static str, Vec<String>) {
    match n {
        0 => ("caseworker", vec!["risk_level=3".into()]),
        1 => {
            let visited = Timestamp::now()
                .saturating_sub(SignedDuration::from_hours(1))
                .unwrap_or(Timestamp::UNIX_EPOCH);
            ("caseworker", vec![format!("visited_at={visited}")])
        }
        2 => (
            "caseworker",
            vec![
                "carer.name=王秀英".into(),
                "carer.birth_date=1960-05-01".into(),
            ],
        ),
        3 => (
            "caseworker",
            vec!["plan=每周入户走访一次，联系学校落实课后看护".into()],
        ),
        4 => ("supervisor", vec!["review_score=4".into()]),
        _ => ("supervisor", vec!["close_reason=resolved".into()]),
    }
}

/// A key unique within the run: the run's start in nanoseconds and a counter (nothing secret
/// about it).
fn unique_key() -> String {
    use std::sync::LazyLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static RUN: LazyLock<u64> = LazyLock::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    });
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{:016x}{:016x}", *RUN, NEXT.fetch_add(1, Ordering::Relaxed))
}
