//! Group commit over the storage seam: many commands in one durable transaction, each refused
//! on its own.
//!
//! A durable commit costs an fsync whatever it holds, so a process with many writers (a server,
//! an import) would be capped at one command per fsync if each took its own transaction. Here
//! every command runs in order in ONE transaction, each through the same in-transaction code as
//! when it runs alone (so each is checked against the state its predecessors left), the
//! transaction commits once, and each gets its own reply.
//!
//! A command refused before it wrote anything costs its neighbours nothing. One that failed
//! after it began writing (a spawn that cannot open, a storage error) has left part of itself
//! in the transaction: the transaction is aborted and run again without it. A backend with
//! savepoints could roll back just that command; this works on any backend.

use super::backend::{Backend, WriteTx};
use crate::store::StoreError;

/// Why a batch's transaction was abandoned.
enum Abort<E> {
    /// Item `i` failed after it began writing.
    Dirty(usize, E),
    /// The transaction could not begin, write or commit.
    Store(StoreError),
}

impl<E> From<StoreError> for Abort<E> {
    fn from(e: StoreError) -> Self {
        Abort::Store(e)
    }
}

/// Runs `run` for every item in one transaction; see the module documentation. If the commit
/// itself fails, every item gets the storage error.
pub fn run<B, I, T, E>(
    backend: &B,
    items: &[I],
    mut run: impl FnMut(&mut dyn WriteTx, &I) -> Result<T, E>,
) -> Vec<Result<T, E>>
where
    B: Backend,
    E: From<StoreError>,
{
    let mut failed: Vec<Option<E>> = items.iter().map(|_| None).collect();
    loop {
        let attempt = backend.transaction(|tx| {
            let mut replies = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if failed[i].is_some() {
                    replies.push(None);
                    continue;
                }
                let before = tx.writes();
                match run(tx, item) {
                    Err(e) if tx.writes() != before => return Err(Abort::Dirty(i, e)),
                    reply => replies.push(Some(reply)),
                }
            }
            Ok(replies)
        });
        match attempt {
            // Committed: every reply stands, beside the failures set aside on earlier attempts.
            Ok(replies) => {
                return replies
                    .into_iter()
                    .zip(failed)
                    .map(|(reply, failure)| match (reply, failure) {
                        (Some(reply), _) => reply,
                        (None, Some(f)) => Err(f),
                        (None, None) => {
                            Err(StoreError::Storage("a batch lost a reply".into()).into())
                        }
                    })
                    .collect();
            }
            Err(Abort::Dirty(i, e)) => failed[i] = Some(e),
            Err(Abort::Store(e)) => {
                let message = e.to_string();
                return items
                    .iter()
                    .map(|_| Err(StoreError::Storage(message.clone()).into()))
                    .collect();
            }
        }
    }
}
