//! The performance benchmark of issue #8: workload W (bench/workload.yaml) on wardflow and its
//! peers, in one run on one machine, printed as one table with ratios.
//!
//! `cargo build --release && target/release/wardflow-bench [--quick]`; see docs/performance.md.

mod cli;
mod concurrent;
mod guards;
mod peers;
mod scale;
mod serial;
mod served;
#[cfg(test)]
mod size;
mod stats;
mod workload;

use std::path::{Path, PathBuf};
use std::time::Duration;

use peers::Peer;
use serial::ms;
use workload::fail;

/// What to run, and how big.
struct Options {
    workloads: Vec<String>,
    serial_cases: usize,
    concurrent_cases: usize,
    writers: usize,
    /// The numbers of separate clients W5 runs through a server.
    clients: Vec<usize>,
    sizes: Vec<usize>,
    /// The database size `case show`/`case next` are timed at.
    cli_size: usize,
    runs: usize,
    peers: bool,
    /// Run W5 on PostgreSQL too (when it is installed).
    postgres: bool,
    /// Keep the W3/W4 databases (for profiling the CLI against them).
    keep: bool,
    dir: PathBuf,
}

const USAGE: &str = "usage: wardflow-bench [--quick] [--only w1,w2,w3,w4,w5] [--no-peers] [--no-postgres]
    [--cases N] [--writers N] [--clients 1,8,32] [--sizes 10000,100000,1000000] [--runs N] [--dir PATH] [--keep]

  --quick     a CI-sized run (small counts; the figures are only a smoke test)
  --only      the workloads to run (default all)
  --no-peers  skip XState and SpiffWorkflow (bench/peers/install.sh installs them)
  --no-postgres  skip W5 on PostgreSQL
  --cases     cases in W1 and W2 (default 1000)
  --writers   writer threads in W2 (default 8)
  --clients   separate HTTP clients through `wardflow serve` in W5 (default 1,8,32)
  --sizes     database sizes for W3 and W4 (default 10000,100000,1000000)
  --runs      hyperfine runs per CLI command (default 100)
  --dir       where the databases go (default target/bench-data; deleted after use)
  --keep      keep the W3/W4 databases (to profile the CLI against them)";

fn options() -> Options {
    let mut o = Options {
        workloads: ["w1", "w2", "w3", "w4", "w5"].map(String::from).to_vec(),
        serial_cases: 1_000,
        concurrent_cases: 1_000,
        writers: 8,
        clients: vec![1, 8, 32],
        sizes: vec![10_000, 100_000, 1_000_000],
        cli_size: 100_000,
        runs: 100,
        peers: true,
        postgres: true,
        keep: false,
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-data"),
    };
    let mut args = std::env::args().skip(1);
    let number = |v: Option<String>, flag: &str| -> usize {
        v.and_then(|s| s.replace('_', "").parse().ok())
            .unwrap_or_else(|| fail(flag, "needs a number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {
                o.serial_cases = 100;
                o.concurrent_cases = 200;
                o.sizes = vec![1_000, 10_000];
                o.cli_size = 10_000;
                o.runs = 20;
            }
            "--only" => {
                o.workloads = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(|s| s.trim().to_lowercase())
                    .collect();
            }
            "--no-peers" => o.peers = false,
            "--no-postgres" => o.postgres = false,
            "--keep" => o.keep = true,
            "--cases" => {
                let n = number(args.next(), "--cases");
                o.serial_cases = n;
                o.concurrent_cases = n;
            }
            "--writers" => o.writers = number(args.next(), "--writers").max(1),
            "--clients" => {
                o.clients = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(|s| number(Some(s.to_owned()), "--clients").clamp(1, 1024))
                    .collect();
            }
            "--runs" => o.runs = number(args.next(), "--runs").max(1),
            "--sizes" => {
                o.sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(|s| number(Some(s.to_owned()), "--sizes"))
                    .collect();
            }
            "--dir" => o.dir = args.next().map(PathBuf::from).unwrap_or(o.dir),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => fail("arguments", format!("unknown option {other}\n{USAGE}")),
        }
    }
    if !o.sizes.contains(&o.cli_size) {
        o.cli_size = o.sizes.iter().copied().max().unwrap_or(0);
    }
    o
}

/// One line of the table.
struct Row {
    measure: String,
    wardflow: String,
    against: String,
    ratio: String,
}

fn row(measure: impl Into<String>, wardflow: impl Into<String>) -> Row {
    Row {
        measure: measure.into(),
        wardflow: wardflow.into(),
        against: String::new(),
        ratio: String::new(),
    }
}

impl Row {
    fn against(mut self, against: impl Into<String>, ratio: impl Into<String>) -> Row {
        self.against = against.into();
        self.ratio = ratio.into();
        self
    }
}

fn f(v: Option<&serde_json::Value>) -> Option<f64> {
    v.and_then(serde_json::Value::as_f64)
}

fn main() {
    let o = options();
    if let Err(e) = std::fs::create_dir_all(&o.dir) {
        fail("--dir", e);
    }
    let runs = |w: &str| o.workloads.iter().any(|x| x == w);
    let mut rows = Vec::new();
    let peer_db = o.dir.join("peer.sqlite");

    if runs("w1") {
        eprintln!("W1: {} cases, one durable step at a time", o.serial_cases);
        let (compile, evaluate) = guards::cost(50);
        rows.push(
            row(
                "guard compile (per guard, per step before the cache)",
                format!("{:.3} ms", ms(compile)),
            )
            .against(
                format!("evaluate a compiled guard: {:.4} ms", ms(evaluate)),
                format!("{:.0}×", ms(compile) / ms(evaluate)),
            ),
        );
        let w1 = serial::wardflow(&o.dir, o.serial_cases);
        let raw = w1.raw;
        let p50 = ms(w1.step.p50);
        rows.push(
            row(
                "W1 durable step p50",
                format!("{p50:.3} ms (p95 {:.3})", ms(w1.step.p95)),
            )
            .against(
                format!(
                    "raw redb commit of the same bytes (mean {} B): {:.3} ms",
                    w1.bytes_per_step,
                    ms(raw.p50)
                ),
                format!("{:.2}× the fsync limit (target ≤ 1.1×)", p50 / ms(raw.p50)),
            ),
        );
        rows.push(
            row(
                "W1 durable step p50, against the same records in its B-trees",
                format!("{p50:.3} ms"),
            )
            .against(
                format!(
                    "raw redb commit of the same bytes plus an outbox, state and timer entry \
                     (five B-trees, as a transition writes): {:.3} ms",
                    ms(w1.raw_spread.p50)
                ),
                format!("{:.2}×", p50 / ms(w1.raw_spread.p50)),
            ),
        );
        rows.push(
            row(
                "W1 durable step mean",
                format!("{:.3} ms", ms(w1.step.mean)),
            )
            .against(
                format!("raw redb mean: {:.3} ms", ms(raw.mean)),
                format!("{:.2}×", ms(w1.step.mean) / ms(raw.mean)),
            ),
        );
        if o.peers {
            for peer in [Peer::XState, Peer::Spiff] {
                let args = vec!["serial".into(), o.serial_cases.to_string()];
                if let Some(v) = peer.run(&args, &peer_db)
                    && let Some(theirs) = f(v.get("step_ms_p50"))
                {
                    rows.push(row("W1 durable step p50", format!("{p50:.3} ms")).against(
                        format!("{}: {theirs:.3} ms", peer.name()),
                        if theirs >= p50 {
                            format!("wardflow {:.1}× faster", theirs / p50)
                        } else {
                            format!("wardflow {:.1}× slower", p50 / theirs)
                        },
                    ));
                }
            }
        }
        rows.push(row(
            "W4 file per closed case (W1 db)",
            format!("{:.2} KiB", w1.file_per_case as f64 / 1024.0),
        ));
        // Where those bytes go: each table's keys and values, its B-tree metadata and the
        // unused room in its pages, per closed case; the rest of the file is redb's free pages.
        let per = |b: u64| b as f64 / o.serial_cases.max(1) as f64;
        let mut in_tables = 0;
        for t in w1.space.iter().filter(|t| t.pages > 0) {
            in_tables += t.pages * 4096;
            rows.push(row(
                format!("W1 bytes per case, table `{}`", t.name),
                format!(
                    "{:.0} B in {:.2} pages: {:.0} stored ({} entries), {:.0} metadata, {:.0} unused",
                    per(t.pages * 4096),
                    per(t.pages),
                    per(t.stored),
                    t.entries,
                    per(t.metadata),
                    per(t.fragmented)
                ),
            ));
        }
        rows.push(row(
            "W1 bytes per case outside the tables (free pages, headers)",
            format!(
                "{:.0} B",
                (w1.file_per_case as f64 - per(in_tables)).max(0.0)
            ),
        ));
    }

    if runs("w2") {
        eprintln!(
            "W2: {} cases, {} writers, group commit",
            o.concurrent_cases, o.writers
        );
        let group = concurrent::group_commit(&o.dir, o.concurrent_cases, o.writers);
        let single = concurrent::one_per_step(&o.dir, o.concurrent_cases, o.writers);
        let measure = format!("W2 steps/s, {} writers", o.writers);
        rows.push(row(&measure, format!("{group:.0}")).against(
            format!("wardflow, one transaction per step: {single:.0}"),
            format!("group commit {:.1}×", group / single),
        ));
        if o.peers {
            for peer in [Peer::XState, Peer::Spiff] {
                let args = vec![
                    "concurrent".into(),
                    o.concurrent_cases.to_string(),
                    o.writers.to_string(),
                ];
                if let Some(v) = peer.run(&args, &peer_db)
                    && let Some(theirs) = f(v.get("steps_per_s"))
                {
                    let target = matches!(peer, Peer::XState).then_some(" (target ≥ 3×)");
                    rows.push(row(&measure, format!("{group:.0}")).against(
                        format!("{}: {theirs:.0}", peer.name()),
                        format!("{:.1}×{}", group / theirs, target.unwrap_or("")),
                    ));
                }
            }
        }
    }

    if runs("w5") {
        eprintln!(
            "W5: {} cases through `wardflow serve`, {:?} clients",
            o.concurrent_cases, o.clients
        );
        let served = served::run(&o.dir, o.concurrent_cases, &o.clients);
        // XState + better-sqlite3 with 8 workers in the same run: the yardstick.
        let theirs = if o.peers {
            let args = vec![
                "concurrent".into(),
                o.concurrent_cases.to_string(),
                "8".to_owned(),
            ];
            Peer::XState.run(&args, &peer_db)
        } else {
            None
        };
        let their_cpu = theirs.as_ref().and_then(|v| f(v.get("cpu_us_per_step")));
        let theirs = theirs.and_then(|v| f(v.get("steps_per_s")));
        // The same clients through a server on PostgreSQL (issue 24), when it is installed.
        let on_postgres = if o.postgres {
            eprintln!("W5: the same through `wardflow serve --database postgres://…`");
            wardflow_engine::pg::cluster::Cluster::start()
                .map_err(|e| e.to_string())
                .and_then(|cluster| {
                    served::run_postgres(&o.dir, &cluster, o.concurrent_cases, &o.clients)
                })
        } else {
            Err("--no-postgres".to_owned())
        };
        let on_postgres = on_postgres.unwrap_or_else(|why| {
            rows.push(row(
                "W5 through serve on PostgreSQL",
                format!("not measured: {why}"),
            ));
            Vec::new()
        });
        for (backend, runs) in [("redb", &served), ("PostgreSQL", &on_postgres)] {
            for s in runs {
                let measure = format!(
                    "W5 steps/s through serve on {backend}, {} clients",
                    s.clients
                );
                let ours = format!(
                    "{:.0} (p50 {:.2} ms, p99 {:.2} ms; {:.0} bytes/case)",
                    s.steps_per_s,
                    ms(s.latency.p50),
                    ms(s.latency.p99),
                    s.bytes_per_case
                );
                rows.push(match theirs {
                    Some(theirs) => row(&measure, ours).against(
                        format!("XState, 8 workers: {theirs:.0}"),
                        format!("{:.1}× (target ≥ 3×)", s.steps_per_s / theirs),
                    ),
                    None => row(&measure, ours),
                });
                // The clients run on the server's two cores, XState's workers on the same two
                // with no HTTP in between: CPU a step tells the server's own cost apart. (On
                // PostgreSQL the database's processes are not the server's, so only redb.)
                if backend == "redb"
                    && let (Some(server), Some(clients)) =
                        (s.server_cpu_per_step, s.clients_cpu_per_step)
                {
                    let server_us = server.as_secs_f64() * 1e6;
                    let measure =
                        format!("W5 CPU a step through serve on redb, {} clients", s.clients);
                    let ours = format!(
                        "server {server_us:.0} µs, the benchmark's HTTP clients {:.0} µs",
                        clients.as_secs_f64() * 1e6
                    );
                    rows.push(match their_cpu {
                        Some(their_us) if server_us > 0.0 => row(&measure, ours).against(
                            format!("XState, 8 workers: {their_us:.0} µs (all its threads)"),
                            format!(
                                "{:.1}× as many steps a CPU second as XState",
                                their_us / server_us
                            ),
                        ),
                        _ => row(&measure, ours),
                    });
                }
            }
        }
    }

    if runs("w3") || runs("w4") {
        let mut ticks: Vec<(usize, Duration)> = Vec::new();
        for &size in &o.sizes {
            eprintln!("W3/W4: loading {size} cases");
            let built = scale::build(&o.dir, size);
            if runs("w4") {
                rows.push(row(
                    format!("W4 load {size} cases (7 steps each)"),
                    format!(
                        "{:.1} s ({:.0} steps/s)",
                        built.load.as_secs_f64(),
                        (size * workload::STEPS) as f64 / built.load.as_secs_f64()
                    ),
                ));
                rows.push(row(format!("W4 file per case at {size}"), {
                    let (len, used) = scale::file_per_case(&built);
                    format!(
                        "{:.2} KiB ({:.2} KiB on disk) (target < 2 KiB)",
                        len as f64 / 1024.0,
                        used as f64 / 1024.0
                    )
                }));
                // What an office runs after a bulk load (`wardflow db compact`); the rows below
                // are measured on the compacted file.
                let took = scale::compact(&built);
                rows.push(row(
                    format!("W4 file per case at {size} after `db compact`"),
                    {
                        let (len, used) = scale::file_per_case(&built);
                        format!(
                            "{:.2} KiB ({:.2} KiB on disk; the compaction took {:.1} s) (target ≤ 2 KiB)",
                            len as f64 / 1024.0,
                            used as f64 / 1024.0,
                            took.as_secs_f64()
                        )
                    },
                ));
            }
            if runs("w3") {
                if size == o.cli_size {
                    let id = built.open_case.to_string();
                    // Instructions beside the wall time (issue 22: cold `case show`/`case
                    // next` ≤ 1.5× `--version`, counted, since wall time is noise here).
                    let version = cli::instructions(None, &["--version"], 10);
                    for command in ["show", "next"] {
                        let counted =
                            cli::instructions(Some(&built.path), &["case", command, &id], 10);
                        rows.push(match (counted, version) {
                            (Some(n), Some(v)) if v > 0 => row(
                                format!("W3 cold `case {command}` at {size}, instructions"),
                                format!("{:.1} M", n as f64 / 1e6),
                            )
                            .against(
                                format!("`--version`: {:.1} M", v as f64 / 1e6),
                                format!("{:.2}× (target ≤ 1.5×)", n as f64 / v as f64),
                            ),
                            _ => row(
                                format!("W3 cold `case {command}` at {size}, instructions"),
                                "not measured (no `perf stat -e instructions:u` here)",
                            ),
                        });
                    }
                    for command in ["show", "next"] {
                        let s = cli::latency(&built.path, &["case", command, &id], o.runs, &o.dir);
                        rows.push(row(
                            format!("W3 cold `case {command}` at {size}"),
                            format!(
                                "p50 {:.2} ms, p95 {:.2} ms (for the record: the target is in instructions)",
                                ms(s.p50),
                                ms(s.p95)
                            ),
                        ));
                    }
                }
                // Through the list indexes: the cost follows the hits (1 % of the cases).
                let list = ["case", "list", "--state", "screened"];
                let s = cli::latency(&built.path, &list, o.runs, &o.dir);
                rows.push(row(
                    format!(
                        "W3 cold `case list --state screened` at {size} ({} hits)",
                        size / scale::OPEN_EVERY
                    ),
                    format!(
                        "p50 {:.2} ms, p95 {:.2} ms (target p50 ≤ 20 ms at 100000)",
                        ms(s.p50),
                        ms(s.p95)
                    ),
                ));
                let kib = cli::peak_rss_kib(&built.path, &list);
                rows.push(row(
                    format!("W3 `case list --state screened` peak RSS at {size}"),
                    format!("{:.1} MiB", kib as f64 / 1024.0),
                ));
            }
            if runs("w4") {
                // The commands over the whole database, as a county runs them (issue 22:
                // streamed, so memory stays flat; check and verify on every core).
                for args in [&["check"][..], &["verify"], &["export", "--plain"]] {
                    let w = cli::whole(&built.path, args);
                    rows.push(row(
                        format!("W4 `{}` at {size}", args.join(" ")),
                        format!(
                            "{:.2} s, peak RSS {:.1} MiB, CPU ÷ wall {:.2}",
                            w.wall.as_secs_f64(),
                            w.peak_kib as f64 / 1024.0,
                            w.cores_used()
                        ),
                    ));
                }
                let (time, fired) = scale::tick(&built);
                if fired != scale::DUE {
                    fail("tick", format!("fired {fired}, expected {}", scale::DUE));
                }
                ticks.push((size, time));
                rows.push(row(
                    format!("W4 `timers tick`, {} due, at {size}", scale::DUE),
                    format!("{:.2} ms", ms(time)),
                ));
            }
            if o.keep {
                eprintln!("kept {} (case {})", built.path.display(), built.open_case);
            } else {
                let _ = std::fs::remove_file(&built.path);
            }
        }
        if let (Some(first), Some(last)) = (ticks.first(), ticks.last())
            && ticks.len() > 1
        {
            rows.push(
                row(
                    format!("W4 tick at {} ÷ tick at {}", last.0, first.0),
                    format!("{:.2}×", ms(last.1) / ms(first.1)),
                )
                .against(
                    format!("cases ×{}", last.0 / first.0.max(1)),
                    "(target: flat)",
                ),
            );
        }
    }

    print_table(&rows);
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}

fn print_table(rows: &[Row]) {
    println!(
        "wardflow benchmark (workload W, bench/workload.yaml) on {}",
        machine()
    );
    println!();
    println!("| measure | wardflow | against | ratio |");
    println!("|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} |",
            r.measure, r.wardflow, r.against, r.ratio
        );
    }
}
