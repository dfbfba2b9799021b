//! W3: the real `wardflow` binary, cold (a new process per run), against a loaded database.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::stats::Sample;
use crate::workload::fail;

/// The release `wardflow` binary beside this one (`cargo build --release` builds both).
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|e| fail("current_exe", e));
    let bin = exe.with_file_name("wardflow");
    if !bin.exists() {
        fail(
            "W3",
            format!(
                "{} is missing: run `cargo build --release` first",
                bin.display()
            ),
        );
    }
    bin
}

/// Latency of `wardflow --db DB ARGS…` over `runs` fresh processes: hyperfine when installed
/// (p50/p95 from its exported times), else the same loop timed here.
pub fn latency(db: &Path, args: &[&str], runs: usize, scratch: &Path) -> Sample {
    let bin = binary();
    let mut full: Vec<String> = vec![
        bin.display().to_string(),
        "--db".into(),
        db.display().to_string(),
        "--lang".into(),
        "en".into(),
        // The registered user `workload::create` adds: every read is checked and logged.
        "--user".into(),
        "bench".into(),
    ];
    full.extend(args.iter().map(|a| (*a).to_owned()));
    let json = scratch.join("hyperfine.json");
    let hyperfine = Command::new("hyperfine")
        .args(["-N", "--warmup", "5", "--style", "none", "--runs"])
        .arg(runs.to_string())
        .arg("--export-json")
        .arg(&json)
        .arg(full.join(" "))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if matches!(hyperfine, Ok(s) if s.success())
        && let Some(sample) = read_hyperfine(&json)
    {
        let _ = std::fs::remove_file(&json);
        return sample;
    }
    eprintln!("wardflow-bench: hyperfine not usable, timing the runs itself");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new(&full[0])
            .args(&full[1..])
            .stdout(Stdio::null())
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            fail("wardflow", format!("{full:?} failed"));
        }
        times.push(started.elapsed());
    }
    Sample::of(times)
}

fn read_hyperfine(path: &Path) -> Option<Sample> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let times = value["results"][0]["times"].as_array()?;
    Some(Sample::of(
        times
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .map(Duration::from_secs_f64)
            .collect(),
    ))
}

/// Peak resident memory, in KiB, of `wardflow --db DB --user bench ARGS…` with its output
/// discarded (the bench user, as in [`latency`]: every listing is checked against its reader).
pub fn peak_rss_kib(db: &Path, args: &[&str]) -> u64 {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(binary())
        .arg("--db")
        .arg(db)
        .args(["--user", "bench"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| fail("/usr/bin/time", e));
    if !out.status.success() {
        fail(
            "case list",
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
    }
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0)
}

/// One run of a command over the whole database (`check`, `verify`, `export`).
pub struct Whole {
    pub wall: Duration,
    pub peak_kib: u64,
    /// User and system CPU time together.
    pub cpu: Duration,
}

impl Whole {
    /// CPU time ÷ wall time: about 1 on one core, towards the number of cores when the work
    /// is spread over them.
    pub fn cores_used(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }
}

/// Wall time, peak resident memory and CPU time of one `wardflow --db DB --user bench
/// ARGS…` (its output discarded), as `/usr/bin/time` measures the child; the wall time is
/// taken here, more finely than its `%e`.
pub fn whole(db: &Path, args: &[&str]) -> Whole {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M %U %S"])
        .arg(binary())
        .arg("--db")
        .arg(db)
        .args(["--lang", "en", "--user", "bench"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| fail("/usr/bin/time", e));
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        fail(&format!("wardflow {}", args.join(" ")), stderr.into_owned());
    }
    let fields: Vec<f64> = stderr
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [peak_kib, user, system] = fields[..] else {
        fail("/usr/bin/time", stderr.into_owned());
    };
    Whole {
        wall,
        peak_kib: peak_kib as u64,
        cpu: Duration::from_secs_f64(user + system),
    }
}

/// User-space instructions of one cold `wardflow ARGS…` (with `--db DB --lang en --user bench`
/// when `db` is given, as in [`latency`]), the mean of `runs` runs of `perf stat -e
/// instructions:u`: on a shared machine wall time is noise, an instruction count is not. None
/// when perf is missing or the machine has no instruction counter (a virtual machine without a
/// PMU: perf prints `<not supported>`), or the command failed.
pub fn instructions(db: Option<&Path>, args: &[&str], runs: usize) -> Option<u64> {
    let mut perf = Command::new("perf");
    perf.args(["stat", "-x", ",", "-e", "instructions:u", "-r"])
        .arg(runs.max(1).to_string())
        .arg("--")
        .arg(binary());
    if let Some(db) = db {
        perf.arg("--db")
            .arg(db)
            .args(["--lang", "en", "--user", "bench"]);
    }
    let out = perf
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    // CSV: value,unit,event,… ; the value is `<not supported>` without a counter.
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find(|l| l.contains("instructions"))
        .and_then(|l| l.split(',').next())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|v| v as u64)
}
