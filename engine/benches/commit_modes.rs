//! Durable commit cost of redb's concurrency modes, and of the CLI's open-commit-close pattern.
//! Run with `cargo bench -p wardflow-engine --bench commit_modes`; prints a table of medians.

use std::time::{Duration, Instant};

use redb::{ConcurrencyMode, Database, TableDefinition};

const TABLE: TableDefinition<u64, &[u8]> = TableDefinition::new("t");
const COMMITS: u64 = 200;
const PAYLOAD: [u8; 600] = [7u8; 600];

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn open(path: &std::path::Path, mode: ConcurrencyMode) -> Database {
    let mut builder = Database::builder();
    builder.set_concurrency_mode(mode);
    builder
        .open(path)
        .or_else(|_| builder.create(path))
        .expect("opens")
}

/// One durable commit of one ~600-byte record per iteration, on a held-open database.
fn held_open(mode: ConcurrencyMode) -> Duration {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("b.redb");
    let db = open(&path, mode);
    let mut times = Vec::new();
    for i in 0..COMMITS {
        let start = Instant::now();
        let tx = db.begin_write().expect("tx");
        tx.open_table(TABLE)
            .expect("table")
            .insert(i, PAYLOAD.as_slice())
            .expect("insert");
        tx.commit().expect("commit");
        times.push(start.elapsed());
    }
    median(times)
}

/// What one CLI command does: open the file, one durable commit, close.
fn open_commit_close(mode: ConcurrencyMode) -> Duration {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("b.redb");
    drop(open(&path, mode));
    let mut times = Vec::new();
    for i in 0..COMMITS {
        let start = Instant::now();
        let db = open(&path, mode);
        let tx = db.begin_write().expect("tx");
        tx.open_table(TABLE)
            .expect("table")
            .insert(i, PAYLOAD.as_slice())
            .expect("insert");
        tx.commit().expect("commit");
        drop(db);
        times.push(start.elapsed());
    }
    median(times)
}

fn main() {
    println!("redb durable commit, median of {COMMITS} (one ~600-byte record each)");
    println!(
        "{:<16} {:>14} {:>22}",
        "mode", "held open", "open+commit+close"
    );
    for (name, mode) in [
        ("ExclusiveWriter", ConcurrencyMode::ExclusiveWriter),
        ("SingleWriter", ConcurrencyMode::SingleWriter),
        ("MultiWriter", ConcurrencyMode::MultiWriter),
    ] {
        let held = held_open(mode);
        let cli = open_commit_close(mode);
        println!(
            "{name:<16} {:>11.3} ms {:>19.3} ms",
            held.as_secs_f64() * 1e3,
            cli.as_secs_f64() * 1e3
        );
    }
}
