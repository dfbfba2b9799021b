//! The group-commit thread: many writer threads hand it their commands; it takes every command
//! waiting, runs them as one batch (one durable transaction), and answers each only after the
//! commit. Generic over what a batch is, so the office's authorised batches
//! ([`super::Office::batch`]) and the storage tools' unchecked ones share it.

use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

struct Job<I, O> {
    item: I,
    reply: SyncSender<O>,
}

/// The thread that batches items from many [`GroupSubmitter`]s. Dropping it waits for the
/// batch in flight; drop every submitter first.
pub struct GroupCommitter<I, O> {
    sender: Option<Sender<Job<I, O>>>,
    thread: Option<JoinHandle<()>>,
}

/// A handle writers use to send items to a [`GroupCommitter`]; clone one per thread.
pub struct GroupSubmitter<I, O> {
    sender: Sender<Job<I, O>>,
}

impl<I, O> Clone for GroupSubmitter<I, O> {
    fn clone(&self) -> Self {
        GroupSubmitter {
            sender: self.sender.clone(),
        }
    }
}

impl<I: Send + 'static, O: Send + 'static> GroupCommitter<I, O> {
    /// Starts the thread; at most `max_batch` items share one batch. `batch` must answer every
    /// item, in order.
    pub fn start(
        max_batch: usize,
        batch: impl FnMut(Vec<I>) -> Vec<O> + Send + 'static,
    ) -> GroupCommitter<I, O> {
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("group-commit".into())
            .spawn(move || run(&receiver, max_batch.max(1), batch))
            .ok();
        GroupCommitter {
            sender: Some(sender),
            thread,
        }
    }

    /// A handle to send items with.
    pub fn submitter(&self) -> GroupSubmitter<I, O> {
        GroupSubmitter {
            // Only `drop` takes the sender, so it is always there before.
            sender: self.sender.clone().unwrap_or_else(|| mpsc::channel().0),
        }
    }
}

impl<I, O> Drop for GroupCommitter<I, O> {
    fn drop(&mut self) {
        self.sender.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl<I, O> GroupSubmitter<I, O> {
    /// Sends an item and waits until the batch holding it has committed; None when the
    /// committer has stopped (or could not start).
    pub fn submit(&self, item: I) -> Option<O> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.sender.send(Job { item, reply }).ok()?;
        answer.recv().ok()
    }
}

fn run<I, O>(
    receiver: &Receiver<Job<I, O>>,
    max_batch: usize,
    mut batch: impl FnMut(Vec<I>) -> Vec<O>,
) {
    // Block for the first item, then take whatever else is already waiting.
    while let Ok(first) = receiver.recv() {
        let mut jobs = vec![first];
        while jobs.len() < max_batch {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (items, answers): (Vec<_>, Vec<_>) =
            jobs.into_iter().map(|j| (j.item, j.reply)).unzip();
        for (answer, reply) in answers.into_iter().zip(batch(items)) {
            // A writer that gave up waiting is no reason to stop the others.
            let _ = answer.send(reply);
        }
    }
}
