//! A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary
//! directory, `pg_ctl start` on a free loopback port, stopped and removed when dropped.
//!
//! It uses the system's PostgreSQL (15 or later: `WARDFLOW_PG_BIN`, else the newest
//! `/usr/lib/postgresql/*/bin`), run as the `postgres` user when the tests run as root, since
//! `initdb` and `pg_ctl` refuse root. A missing PostgreSQL is a failure that says how to
//! install it, never a silent skip.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// The oldest PostgreSQL major version the schema is tested on.
pub const OLDEST_MAJOR: u32 = 15;

/// A running throwaway cluster.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    /// Run the server's tools as `postgres` (the tests run as root).
    as_postgres: bool,
}

/// Why no cluster could be started.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL {OLDEST_MAJOR} or later is not installed (no initdb in WARDFLOW_PG_BIN or \
         /usr/lib/postgresql/*/bin): install Debian's `postgresql` package (apt-get install \
         postgresql), which .ci/run does"
    )]
    NotInstalled,
    #[error("{step} failed: {detail}")]
    Failed { step: String, detail: String },
}

fn bin_dir() -> Result<PathBuf, ClusterError> {
    if let Some(dir) = std::env::var_os("WARDFLOW_PG_BIN") {
        let dir = PathBuf::from(dir);
        return if dir.join("initdb").exists() {
            Ok(dir)
        } else {
            Err(ClusterError::NotInstalled)
        };
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| ClusterError::NotInstalled)?
        .filter_map(|e| {
            let e = e.ok()?;
            let major: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            (major >= OLDEST_MAJOR && bin.join("initdb").exists()).then_some((major, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, b)| b)
        .ok_or(ClusterError::NotInstalled)
}

fn free_port() -> Result<u16, ClusterError> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| ClusterError::Failed {
            step: "finding a free port".into(),
            detail: e.to_string(),
        })?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| ClusterError::Failed {
            step: "finding a free port".into(),
            detail: e.to_string(),
        })
}

impl Cluster {
    /// Initialises and starts a new cluster whose superuser is `wardflow` (trust
    /// authentication on loopback only), with a database `wardflow`.
    pub fn start() -> Result<Cluster, ClusterError> {
        static N: AtomicU32 = AtomicU32::new(0);
        let bin = bin_dir()?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let dir = std::env::temp_dir().join(format!(
            "wardflow-pg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| ClusterError::Failed {
            step: "making the cluster's directory".into(),
            detail: e.to_string(),
        })?;
        let mut cluster = Cluster {
            bin,
            dir,
            port: 0,
            as_postgres,
        };
        if as_postgres {
            cluster.run(
                "chown",
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(&cluster.dir),
            )?;
        }
        let data = cluster.dir.join("data");
        let mut initdb = cluster.tool("initdb");
        cluster.run(
            "initdb",
            initdb
                .arg("-D")
                .arg(&data)
                .args(["-U", "wardflow", "-A", "trust", "-E", "UTF8"])
                .args(["--locale=C.UTF-8", "--no-sync"]),
        )?;
        // A port another test took in between makes pg_ctl fail: try a few.
        let mut last = None;
        for _ in 0..5 {
            cluster.port = free_port()?;
            let options = format!(
                "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=200",
                cluster.port,
                cluster.dir.display()
            );
            let mut pg_ctl = cluster.tool("pg_ctl");
            pg_ctl
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(cluster.dir.join("log"))
                .args(["-w", "-t", "60", "-o", &options, "start"]);
            match cluster.run("pg_ctl start", &mut pg_ctl) {
                Ok(()) => {
                    last = None;
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        if let Some(e) = last {
            return Err(e);
        }
        cluster.psql("postgres", "CREATE DATABASE wardflow")?;
        Ok(cluster)
    }

    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    /// Runs a tool with its output in a file, never a pipe: the server `pg_ctl` starts
    /// inherits it, and a pipe would stay open as long as the server runs.
    fn run(&self, step: &str, command: &mut Command) -> Result<(), ClusterError> {
        let failed = |detail: String| ClusterError::Failed {
            step: step.into(),
            detail,
        };
        let out_path = self.dir.join("tool.out");
        let out = std::fs::File::create(&out_path).map_err(|e| failed(e.to_string()))?;
        let err = out.try_clone().map_err(|e| failed(e.to_string()))?;
        let status = command
            .stdin(std::process::Stdio::null())
            .stdout(out)
            .stderr(err)
            .status()
            .map_err(|e| failed(e.to_string()))?;
        if status.success() {
            return Ok(());
        }
        let said = std::fs::read_to_string(&out_path).unwrap_or_default();
        let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
        Err(failed(format!(
            "{said}{}",
            log.lines().rev().take(5).collect::<Vec<_>>().join("\n")
        )))
    }

    /// Runs `sql` in database `db` of this cluster (tests that change a database behind
    /// wardflow's back).
    pub fn psql(&self, db: &str, sql: &str) -> Result<(), ClusterError> {
        let mut client =
            postgres::Client::connect(&self.url_of(db), postgres::NoTls).map_err(|e| {
                ClusterError::Failed {
                    step: "connecting".into(),
                    detail: e.to_string(),
                }
            })?;
        client.batch_execute(sql).map_err(|e| ClusterError::Failed {
            step: sql.into(),
            detail: e.to_string(),
        })
    }

    /// The address of database `db` in this cluster.
    pub fn url_of(&self, db: &str) -> String {
        format!("postgres://wardflow@127.0.0.1:{}/{db}", self.port)
    }

    /// The address of the `wardflow` database.
    pub fn url(&self) -> String {
        self.url_of("wardflow")
    }

    /// A new empty database `name` in this cluster, and its address.
    pub fn database(&self, name: &str) -> Result<String, ClusterError> {
        self.psql("postgres", &format!("CREATE DATABASE \"{name}\""))?;
        Ok(self.url_of(name))
    }

    /// The cluster's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server at once (as a crash would) and starts it again on the same port.
    pub fn restart(&self) -> Result<(), ClusterError> {
        let data = self.dir.join("data");
        self.run(
            "pg_ctl restart",
            self.tool("pg_ctl").arg("-D").arg(&data).args([
                "-w",
                "-t",
                "60",
                "-m",
                "immediate",
                "restart",
            ]),
        )
    }

    /// The directory the cluster lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-w", "-m", "immediate", "stop"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        // A cluster that served many tests holds hundreds of databases (tens of thousands of
        // files): removing them here kept a test binary from exiting for a minute or more
        // after its last test (tests/served_pg). The server is stopped; its directory is
        // renamed out of the way at once and removed by a process left to finish alone.
        let doomed = self.dir.with_extension("removing");
        let dir = match std::fs::rename(&self.dir, &doomed) {
            Ok(()) => doomed,
            Err(_) => self.dir.clone(),
        };
        let spawned = Command::new("rm")
            .arg("-rf")
            .arg(&dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if spawned.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}
