//! Per-case work on every core, told in case order: `verify` recomputes chains and `check`
//! examines cases on worker threads, while the caller's thread tells the results in the
//! order a serial pass would have (issue 22: a million cases, both cores, flat memory).

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex, mpsc};

use super::StoreError;

/// How many threads do per-case work (`verify`, `check`), and how many cases each is handed
/// at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallel {
    /// Worker threads; 1 works on the caller's thread, one case after another.
    pub workers: usize,
    /// Cases a worker is handed at a time: enough that handing them over costs nothing
    /// beside hashing them, few enough that what waits to be told in order stays small.
    pub batch: usize,
}

/// Cases a batch by default (see [`Parallel::batch`]).
const BATCH: usize = 256;

/// Batches the walk may hand out, per worker, beyond the one the caller waits for in case
/// order: bounds the verdicts held back for ordering when one batch is slow.
const AHEAD_PER_WORKER: usize = 4;

impl Parallel {
    /// A thread for every core this process may use.
    pub fn available() -> Parallel {
        Parallel {
            workers: std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            batch: BATCH,
        }
    }

    /// One case after another on the caller's thread.
    pub fn serial() -> Parallel {
        Parallel {
            workers: 1,
            batch: BATCH,
        }
    }

    /// At most `workers` threads (a pool of that many connections, say).
    pub fn at_most(self, workers: usize) -> Parallel {
        Parallel {
            workers: self.workers.min(workers).max(1),
            ..self
        }
    }
}

/// A batch done: its number in walk order, how many items it held, their results.
type Done<T> = (u64, u64, Result<Vec<T>, StoreError>);

/// Does `one` to every item `walk` hands out (cases, in id order) on `parallel.workers`
/// threads, and tells `each` the results (None: nothing to tell) in the walk's order, so
/// what is reported is the serial report whatever thread finished first. The walk runs on a
/// thread of its own and hands out batches; a worker does a batch at a time; the caller's
/// thread puts them back in order and tells `progress` (as `what`). Nothing grows with the
/// database: the walk stays at most `AHEAD_PER_WORKER` batches a worker ahead of what
/// `each` has been told. The first error in walk order ends the work, as it would have
/// serially; so does `each` breaking.
pub(crate) fn in_order<I: Send, T: Send>(
    what: &'static str,
    parallel: Parallel,
    total: Option<u64>,
    progress: &crate::progress::Reporter,
    walk: impl FnOnce(&mut dyn FnMut(I) -> ControlFlow<()>) -> Result<(), StoreError> + Send,
    one: impl Fn(&I) -> Result<Option<T>, StoreError> + Sync,
    each: &mut dyn FnMut(T) -> ControlFlow<()>,
) -> Result<(), StoreError> {
    let stage = progress.begin(what, total);
    if parallel.workers <= 1 {
        let mut failed = Ok(());
        walk(&mut |id| {
            stage.advance(1);
            match one(&id) {
                Err(e) => {
                    failed = Err(e);
                    ControlFlow::Break(())
                }
                Ok(None) => ControlFlow::Continue(()),
                Ok(Some(done)) => each(done),
            }
        })?;
        return failed;
    }
    let batch = parallel.batch.max(1);
    let ahead = parallel.workers * AHEAD_PER_WORKER;
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Vec<I>)>(parallel.workers);
    // Held by the workers alone, so that when the last one stops, the walk's sends fail.
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<Done<T>>(ahead + 1);
    let (credit_tx, credit_rx) = mpsc::channel::<()>();
    let one = &one;
    std::thread::scope(|s| {
        for _ in 0..parallel.workers {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            s.spawn(move || {
                loop {
                    let job = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok((n, ids)) = job else { break };
                    // A panic is a bug; it must still reach the caller in order rather than
                    // leave it waiting for this batch.
                    let verdicts = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        ids.iter()
                            .filter_map(|id| one(id).transpose())
                            .collect::<Result<Vec<_>, _>>()
                    }))
                    .unwrap_or_else(|_| {
                        Err(StoreError::Storage(
                            "a thread verifying chains failed".into(),
                        ))
                    });
                    if done_tx.send((n, ids.len() as u64, verdicts)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(work_rx);
        s.spawn(move || {
            let mut handing = Handing {
                work_tx,
                credit_rx,
                ahead: ahead as u64,
                next: 0,
                ids: Vec::with_capacity(batch),
                batch,
            };
            let walked = walk(&mut |id| handing.push(id));
            let ids = std::mem::take(&mut handing.ids);
            let flushed = ids.is_empty() || handing.hand(ids);
            // An error of the walk is told after every case walked before it.
            if let (Err(e), true) = (walked, flushed) {
                let _ = done_tx.send((handing.next, 0, Err(e)));
            }
        });
        let mut held: BTreeMap<u64, (u64, Result<Vec<T>, StoreError>)> = BTreeMap::new();
        let mut next = 0u64;
        let mut outcome = Ok(());
        'receiving: for (n, cases, verdicts) in done_rx.iter() {
            held.insert(n, (cases, verdicts));
            while let Some((cases, verdicts)) = held.remove(&next) {
                next += 1;
                stage.advance(cases);
                match verdicts {
                    Err(e) => {
                        outcome = Err(e);
                        break 'receiving;
                    }
                    Ok(verdicts) => {
                        for verdict in verdicts {
                            if each(verdict).is_break() {
                                break 'receiving;
                            }
                        }
                    }
                }
                // The walk may hand out one batch more.
                let _ = credit_tx.send(());
            }
        }
        // Stops the walk and the workers if they are still going (an error, or `each`
        // broke): their next hand-over fails.
        drop(done_rx);
        drop(credit_tx);
        outcome
    })
}

/// The walk's side of [`in_order`]: gathers items into batches and hands each to the
/// workers once the caller has taken enough of those before it.
struct Handing<I> {
    work_tx: mpsc::SyncSender<(u64, Vec<I>)>,
    credit_rx: mpsc::Receiver<()>,
    ahead: u64,
    next: u64,
    ids: Vec<I>,
    batch: usize,
}

impl<I> Handing<I> {
    fn push(&mut self, id: I) -> ControlFlow<()> {
        self.ids.push(id);
        if self.ids.len() < self.batch {
            return ControlFlow::Continue(());
        }
        let ids = std::mem::replace(&mut self.ids, Vec::with_capacity(self.batch));
        if self.hand(ids) {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    }

    /// Hands a batch over; false when the work has stopped.
    fn hand(&mut self, ids: Vec<I>) -> bool {
        if self.next >= self.ahead && self.credit_rx.recv().is_err() {
            return false;
        }
        let handed = self.work_tx.send((self.next, ids)).is_ok();
        self.next += 1;
        handed
    }
}
