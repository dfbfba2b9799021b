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
