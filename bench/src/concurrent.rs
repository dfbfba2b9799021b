//! W2: several writer threads in one process, each running cases through the workload.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use wardflow_engine::store::{Committer, Reply, Request};

use crate::workload::{self, STEPS, TRANSITIONS, at, fail};

/// Steps per second with `writers` threads sharing one group committer.
pub fn group_commit(dir: &Path, cases: usize, writers: usize) -> f64 {
    let path = dir.join("w2.redb");
    let store = Arc::new(workload::create(&path));
    let committer = Committer::start(store.clone(), workload::batch_context(), 256);
    let started = Instant::now();
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let submitter = committer.submitter();
            std::thread::spawn(move || {
                run_writer(w, cases, writers, |request, now| {
                    submitter.submit(request, now)
                })
            })
        })
        .collect();
    finish(threads);
    let elapsed = started.elapsed();
    drop(committer);
    drop(store);
    let _ = std::fs::remove_file(&path);
    (cases * STEPS) as f64 / elapsed.as_secs_f64()
}

/// Steps per second with `writers` threads each taking its own transaction per step (redb
/// serialises them): what group commit is measured against.
pub fn one_per_step(dir: &Path, cases: usize, writers: usize) -> f64 {
    let path = dir.join("w2-single.redb");
    let store = Arc::new(workload::create(&path));
    let started = Instant::now();
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let store = store.clone();
            std::thread::spawn(move || {
                let context = workload::batch_context();
                run_writer(w, cases, writers, |request, now| {
                    let reply = store.apply_batch(&[(request, now)], &context);
                    reply
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| fail("apply", "no reply"))
                })
            })
        })
        .collect();
    finish(threads);
    let elapsed = started.elapsed();
    drop(store);
    let _ = std::fs::remove_file(&path);
    (cases * STEPS) as f64 / elapsed.as_secs_f64()
}

fn finish(threads: Vec<std::thread::JoinHandle<()>>) {
    for t in threads {
        if t.join().is_err() {
            fail("writer", "a writer thread panicked");
        }
    }
}

/// Writer `w` of `writers` runs its share of `cases`, one step after the other.
fn run_writer(
    w: usize,
    cases: usize,
    writers: usize,
    mut submit: impl FnMut(Request, jiff::Timestamp) -> Reply,
) {
    let mut clock = 0i64;
    for i in (w..cases).step_by(writers) {
        clock += 1;
        let id = workload::opened_id(&submit(workload::open(i), at(clock)));
        for (n, name) in TRANSITIONS.iter().enumerate() {
            clock += 1;
            let now = at(clock);
            if let Err(e) = submit(workload::advance(&id, n, now), now) {
                fail(name, e);
            }
        }
    }
}
