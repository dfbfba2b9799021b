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

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::act::Prepared;
use super::backend::{Backend, WriteTx};
use super::committer::{GroupCommitter, GroupSubmitter};
use super::once::{Answer, Remember, remembering};
use super::owner::{actor, registered};
use super::{AppError, Caller};
use crate::authority::{Units, User};
use crate::step::Actor;
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

/// One command of an authorised batch.
#[derive(Debug, Clone)]
pub enum Batched {
    Open(super::OpenCase),
    Advance(super::Advance),
}

/// One command of a batch under an idempotency key, if it has one.
pub type BatchedOnce = (Caller, Batched, Option<Remember<super::Acted>>);

/// What the submitting thread worked out for a command before handing it to group commit
/// ([`super::Office::ahead`]): its clock time and, for an advance on a backend whose
/// snapshots are local, its step.
#[derive(Default)]
pub struct Ahead {
    now: Option<Timestamp>,
    prepared: Cell<Option<Prepared>>,
}

#[cfg(test)]
impl Ahead {
    /// Whether a step was prepared (and not yet taken).
    pub(crate) fn is_prepared(&self) -> bool {
        let prepared = self.prepared.take();
        let is = prepared.is_some();
        self.prepared.set(prepared);
        is
    }
}

impl<B: Backend> super::Office<B> {
    /// Runs many callers' commands in one durable transaction (group commit): each is
    /// authorised, checked, stepped and issues its letters exactly as it would alone, and each
    /// refusal is its own — logged, writing nothing, failing none of its neighbours.
    pub fn batch(&self, commands: &[(Caller, Batched)]) -> Vec<Result<super::Acted, AppError>> {
        let commands: Vec<BatchedOnce> = commands
            .iter()
            .map(|(caller, command)| (caller.clone(), command.clone(), None))
            .collect();
        self.batch_once(&commands)
            .into_iter()
            .map(|reply| reply.and_then(Answer::done))
            .collect()
    }

    /// [`Self::batch`] with idempotency keys: a command under a key already used for the same
    /// request is answered as it was then and does nothing; one done now has its answer stored
    /// under its key in the batch's transaction ([`super::once`]).
    pub fn batch_once(
        &self,
        commands: &[BatchedOnce],
    ) -> Vec<Result<Answer<super::Acted>, AppError>> {
        self.batch_ahead(commands, &[], &mut None)
    }

    /// The clock time and, where it could be computed, the step of a command about to be
    /// submitted to group commit, worked out on the submitting thread (see
    /// [`super::act::Prepared`]): the group-commit thread runs a batch's commands one after
    /// another, so what another thread does first the batch does not wait for.
    pub fn ahead(&self, (caller, command, _): &BatchedOnce) -> Ahead {
        let now = self.now(caller).ok();
        let prepared = match (command, now) {
            (Batched::Advance(request), Some(now)) if self.backend.snapshots_are_local() => {
                self.prepare_advance(caller, request, now)
            }
            _ => None,
        };
        Ahead {
            now,
            prepared: Cell::new(prepared),
        }
    }

    /// [`Self::batch_once`] of commands whose clock times and steps were worked out when they
    /// were submitted (`ahead`, by position; a command without one is timed now). A wall-clock
    /// time is never earlier than one this committer has already given (`floor`): two threads
    /// may read the clock in one order and submit in the other, and a case's events go
    /// forward in time. A step prepared ahead is taken only if its transaction reads the very
    /// case, command and clock it was computed on.
    pub(super) fn batch_ahead(
        &self,
        commands: &[BatchedOnce],
        ahead: &[Ahead],
        floor: &mut Option<Timestamp>,
    ) -> Vec<Result<Answer<super::Acted>, AppError>> {
        let mut replies: Vec<Option<Result<Answer<super::Acted>, AppError>>> = Vec::new();
        let mut times: Vec<Option<Timestamp>> = Vec::new();
        // The clock and the role need no data: checked before the transaction.
        let mut ready: Vec<(usize, Timestamp, Actor)> = Vec::new();
        for (i, (caller, _, _)) in commands.iter().enumerate() {
            let now = match ahead.get(i) {
                Some(Ahead { now: Some(now), .. }) => Ok(*now),
                _ => self.now(caller),
            }
            .map(|now| match (caller.clock, *floor) {
                (super::ClockSource::Wall, Some(last)) if now < last => last,
                _ => now,
            });
            if let (Ok(now), super::ClockSource::Wall) = (&now, caller.clock) {
                *floor = Some(*now);
            }
            times.push(now.as_ref().ok().copied());
            match now.and_then(|now| Ok((now, actor(caller)?))) {
                Ok((now, actor)) => {
                    ready.push((i, now, actor));
                    replies.push(None);
                }
                Err(e) => replies.push(Some(Err(e))),
            }
        }
        // Each user's registry entry and the units, read once a batch: opens and advances
        // change neither, so what the first command of a user read holds for the rest (a
        // server's batch is mostly one user's token). A refusal is not kept: each refused
        // command reads and is refused on its own.
        let mut registries: HashMap<String, (User, Units)> = HashMap::new();
        let done = run(&self.backend, &ready, |tx, (i, now, actor)| {
            let (caller, command, remember) = &commands[*i];
            let clock = self.clock(*now);
            remembering(
                tx,
                &caller.user,
                remember.as_ref(),
                *now,
                self.keeping,
                |tx| {
                    let registry = match registries.get(&caller.user) {
                        Some(known) => known.clone(),
                        None => {
                            let read = registered(tx, caller)?;
                            registries.insert(caller.user.clone(), read.clone());
                            read
                        }
                    };
                    match command {
                        Batched::Open(request) => {
                            self.open_in(tx, caller, actor, registry, request, &clock)
                        }
                        Batched::Advance(request) => {
                            // Taken, not copied: a batch run again after a failure steps again.
                            let prepared = ahead.get(*i).and_then(|a| a.prepared.take());
                            self.advance_in(tx, actor, registry, request, &clock, prepared)
                        }
                    }
                },
            )
        });
        for ((i, _, _), reply) in ready.iter().zip(done) {
            replies[*i] = Some(reply);
        }
        replies
            .into_iter()
            .zip(times)
            .zip(commands)
            .map(|((reply, now), (caller, command, _))| {
                let reply = reply.unwrap_or_else(|| {
                    Err(StoreError::Storage("a batch lost a reply".into()).into())
                });
                let Some(now) = now else {
                    return reply;
                };
                let (case, action) = match command {
                    Batched::Open(_) => (String::new(), "open"),
                    Batched::Advance(a) => (a.case.to_string(), "advance"),
                };
                let reply = self.logged(caller, now, &case, action, reply);
                if let Ok(super::once::Answer::Done(acted, _)) = &reply
                    && let Err(e) = self.log_existing(caller, now, acted)
                {
                    return Err(e);
                }
                reply
            })
            .collect()
    }
}

impl<B: Backend + 'static> super::Office<B> {
    /// Starts a group-commit thread over this office: every command submitted is run through
    /// [`super::Office::batch`] with whatever else is waiting, authorised on its own.
    pub fn committer(
        self: Arc<Self>,
        max_batch: usize,
    ) -> GroupCommitter<(Caller, Batched), Result<super::Acted, AppError>> {
        GroupCommitter::start(max_batch, move |commands| self.batch(&commands))
    }

    /// [`Self::committer`] for commands under idempotency keys ([`Self::batch_once`]), each
    /// timed and, where it can be, stepped on the thread that submits it
    /// ([`OnceSubmitter::submit`]).
    pub fn committer_once(self: Arc<Self>, max_batch: usize) -> OnceCommitter<B> {
        let office = self.clone();
        let mut floor = None;
        let group =
            GroupCommitter::start(max_batch, move |submitted: Vec<(BatchedOnce, Ahead)>| {
                let (commands, ahead): (Vec<_>, Vec<_>) = submitted.into_iter().unzip();
                office.batch_ahead(&commands, &ahead, &mut floor)
            });
        OnceCommitter {
            group,
            office: self,
        }
    }
}

/// What one command under an idempotency key came to.
pub type OnceReply = Result<Answer<super::Acted>, AppError>;

/// The group-commit thread of [`super::Office::committer_once`]. Dropping it waits for the
/// batch in flight; drop every submitter first.
pub struct OnceCommitter<B: Backend + 'static> {
    group: GroupCommitter<(BatchedOnce, Ahead), OnceReply>,
    office: Arc<super::Office<B>>,
}

/// A handle request threads use to send commands to a [`OnceCommitter`]; clone one per thread.
pub struct OnceSubmitter<B: Backend + 'static> {
    group: GroupSubmitter<(BatchedOnce, Ahead), OnceReply>,
    office: Arc<super::Office<B>>,
}

impl<B: Backend + 'static> Clone for OnceSubmitter<B> {
    fn clone(&self) -> Self {
        OnceSubmitter {
            group: self.group.clone(),
            office: self.office.clone(),
        }
    }
}

impl<B: Backend + 'static> OnceCommitter<B> {
    /// A handle to send commands with.
    pub fn submitter(&self) -> OnceSubmitter<B> {
        OnceSubmitter {
            group: self.group.submitter(),
            office: self.office.clone(),
        }
    }
}

impl<B: Backend + 'static> OnceSubmitter<B> {
    /// Times the command and, where it can, steps it on this thread, then sends it and waits
    /// until the batch holding it has committed; None when the committer has stopped.
    pub fn submit(&self, command: BatchedOnce) -> Option<OnceReply> {
        let ahead = self.office.ahead(&command);
        self.group.submit((command, ahead))
    }
}
