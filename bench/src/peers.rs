//! The peers under `bench/peers/` (installed by `bench/peers/install.sh`), run as child
//! processes that print their figures as one JSON object.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A peer engine.
#[derive(Debug, Clone, Copy)]
pub enum Peer {
    XState,
    Spiff,
}

impl Peer {
    /// Its name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Peer::XState => "XState 5 + better-sqlite3",
            Peer::Spiff => "SpiffWorkflow 3 + sqlite3",
        }
    }

    fn command(self) -> Option<Command> {
        let peers = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers");
        match self {
            Peer::XState => {
                let dir = peers.join("xstate");
                dir.join("node_modules").exists().then(|| {
                    let mut c = Command::new("node");
                    c.arg(dir.join("bench.mjs"));
                    c
                })
            }
            Peer::Spiff => {
                let python = peers.join("python/.venv/bin/python");
                python.exists().then(|| {
                    let mut c = Command::new(python);
                    c.arg(peers.join("python/bench.py"));
                    c
                })
            }
        }
    }

    /// Runs one mode of the peer; None (with a note on stderr) when it is not installed or fails.
    pub fn run(self, args: &[String], db: &Path) -> Option<Value> {
        let Some(mut command) = self.command() else {
            eprintln!(
                "wardflow-bench: {} is not installed (bash bench/peers/install.sh)",
                self.name()
            );
            return None;
        };
        clean(db);
        let out = command.args(args).arg(db).output().ok();
        clean(db);
        match out {
            Some(out) if out.status.success() => {
                serde_json::from_slice(&out.stdout).ok().or_else(|| {
                    eprintln!("wardflow-bench: {} printed no figures", self.name());
                    None
                })
            }
            Some(out) => {
                eprintln!(
                    "wardflow-bench: {} failed: {}",
                    self.name(),
                    String::from_utf8_lossy(&out.stderr)
                );
                None
            }
            None => None,
        }
    }
}

/// Removes an SQLite database and its WAL files.
fn clean(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p: PathBuf = db.as_os_str().to_owned().into();
        p.as_mut_os_string().push(suffix);
        let _ = std::fs::remove_file(p);
    }
}
