//! Group commit: commands from many threads share one durable redb transaction.
//!
//! A durable commit costs an fsync, whatever it holds, so a process with many writers (a
//! server, an import) would be capped at one command per fsync if each took its own
//! transaction. The [`Committer`] thread takes every command waiting on its channel, applies
//! them in order in ONE write transaction — each validated by the pure step against the state
//! read inside that transaction, so two commands on the same case see each other — commits
//! once, and only then acknowledges each. A refused command gets its own error and writes
//! nothing; the others still commit. Each writer's thread computes its command's pure step on a
//! read snapshot before submitting it ([`act::Prepared`]), so the committer thread, which does
//! every command of a batch in turn, mostly checks and appends.

use std::cell::Cell;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Applied, CommandFailure, Store, StoreError};
use crate::app::act::{self, Prepared};
use crate::app::backend::Backend;
use crate::app::committer::{GroupCommitter, GroupSubmitter};
use crate::case::CaseId;
use crate::period::Calendar;
use crate::profile::Profile;
use crate::step::{Clock, Command, Open};

/// One command for a batch.
#[derive(Debug, Clone)]
pub enum Request {
    /// Open a case of the latest version of a workflow.
    Open { workflow: String, command: Open },
    /// A command on an existing case (`expect_seq` as in [`Store::apply`]).
    Apply {
        case: CaseId,
        command: Command,
        expect_seq: Option<u32>,
    },
}

/// What one command of a batch came to.
pub type Reply = Result<Applied, CommandFailure>;

/// What every command of a batch runs under: the time zone and calendar of its clock, and the
/// county profile.
#[derive(Debug, Clone)]
pub struct BatchContext {
    pub tz: TimeZone,
    pub calendar: Calendar,
    pub profile: Option<Profile>,
}

impl Store {
    /// Applies `requests` in order in one durable transaction, each at its own clock time,
    /// unchecked (tools acting for the office; front ends batch through
    /// [`crate::app::Office::batch`]). Each gets its own reply; a command that fails writes
    /// nothing and the rest still commit. If the commit itself fails, every command gets the
    /// storage error.
    pub fn apply_batch(
        &self,
        requests: &[(Request, Timestamp)],
        context: &BatchContext,
    ) -> Vec<Reply> {
        crate::app::batch::run(self, requests, |tx, (request, now)| {
            apply_one(tx, request, *now, context, None)
        })
    }

    /// [`Self::apply_batch`] of commands whose steps may have been prepared ahead
    /// ([`act::prepare`]); each prepared step is taken only if its case is as it was.
    fn apply_submitted(&self, requests: &[Submitted], context: &BatchContext) -> Vec<Reply> {
        crate::app::batch::run(self, requests, |tx, (request, now, prepared)| {
            // Taken, not copied: a batch run again after a failure steps again.
            apply_one(tx, request, *now, context, prepared.take())
        })
    }

    /// The step of `request` computed on a read snapshot, for the batch's transaction to take
    /// if the case is unchanged by then; None for an opening, or when there is nothing to take.
    fn prepare(
        &self,
        request: &Request,
        now: Timestamp,
        context: &BatchContext,
    ) -> Option<Prepared> {
        let Request::Apply { case, command, .. } = request else {
            return None;
        };
        let clock = context.clock(now);
        self.snapshot(|tx| Ok::<_, StoreError>(act::prepare(tx, case, command, &clock)))
            .ok()
            .flatten()
    }
}

/// One command of a batch in its transaction, taking the step `prepared` ahead if it was
/// computed on the very case. Unchecked batches issue no letters (none of the benchmark's steps
/// call for one): a letter an act calls for waits, as it would without a letters directory.
fn apply_one(
    tx: &mut dyn crate::app::backend::WriteTx,
    request: &Request,
    now: Timestamp,
    context: &BatchContext,
    prepared: Option<Prepared>,
) -> Reply {
    let clock = context.clock(now);
    match request {
        Request::Open { workflow, command } => {
            act::open(tx, workflow, command.clone(), &clock, None)
        }
        Request::Apply {
            case,
            command,
            expect_seq,
        } => act::apply(
            tx,
            case,
            command.clone(),
            *expect_seq,
            &clock,
            context.profile.as_ref(),
            None,
            prepared,
        ),
    }
}

impl BatchContext {
    /// The clock of a command given at `now`.
    fn clock(&self, now: Timestamp) -> Clock<'_> {
        Clock {
            now,
            tz: &self.tz,
            calendar: &self.calendar,
        }
    }
}

/// A command as the committer thread receives it: with its clock time and, when the writer's
/// thread could compute it, its step.
type Submitted = (Request, Timestamp, Cell<Option<Prepared>>);

/// The thread that batches commands from many [`Submitter`]s into shared transactions
/// (unchecked, like [`Store::apply_batch`]). Dropping it waits for the commands in flight; drop
/// every `Submitter` first.
pub struct Committer {
    group: GroupCommitter<Submitted, Reply>,
    store: Arc<Store>,
    context: Arc<BatchContext>,
}

/// A handle writers use to send commands to a [`Committer`]; clone one per thread.
#[derive(Clone)]
pub struct Submitter {
    group: GroupSubmitter<Submitted, Reply>,
    store: Arc<Store>,
    context: Arc<BatchContext>,
}

impl Committer {
    /// Starts the committer thread; at most `max_batch` commands share one transaction.
    pub fn start(store: Arc<Store>, context: BatchContext, max_batch: usize) -> Committer {
        let context = Arc::new(context);
        let group = {
            let (store, context) = (store.clone(), context.clone());
            GroupCommitter::start(max_batch, move |requests: Vec<Submitted>| {
                store.apply_submitted(&requests, &context)
            })
        };
        Committer {
            group,
            store,
            context,
        }
    }

    /// A handle to send commands with.
    pub fn submitter(&self) -> Submitter {
        Submitter {
            group: self.group.submitter(),
            store: self.store.clone(),
            context: self.context.clone(),
        }
    }
}

impl Submitter {
    /// Sends a command and waits until the transaction holding it has committed durably. The
    /// command's step is computed here first, on this thread, so that the committer thread
    /// only checks and appends it (see [`act::Prepared`]).
    pub fn submit(&self, request: Request, now: Timestamp) -> Reply {
        let prepared = self.store.prepare(&request, now, &self.context);
        self.group
            .submit((request, now, Cell::new(prepared)))
            .unwrap_or_else(|| {
                Err(StoreError::Storage("the group committer has stopped".into()).into())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::{Data, load};
    use crate::period::{china_2025_2026, shanghai};
    use crate::step::{Actor, StepError};
    use serde_json::Value;

    const WORKFLOW: &str = include_str!("../../../bench/workload.yaml");

    fn at(s: &str) -> Timestamp {
        s.parse().expect("test time")
    }

    fn batch_context() -> BatchContext {
        BatchContext {
            tz: shanghai(),
            calendar: china_2025_2026(),
            profile: None,
        }
    }

    fn store(dir: &tempfile::TempDir) -> Store {
        let path = dir.path().join("g.redb");
        let store = Store::create(&path, true, None, at("2026-01-01T00:00:00Z")).expect("creates");
        let def = load("workload.yaml", WORKFLOW.as_bytes()).expect("loads");
        store
            .publish(
                &[("workload.yaml".into(), WORKFLOW.as_bytes().to_vec(), def)],
                "test",
                at("2026-01-01T00:00:00Z"),
            )
            .expect("publishes");
        store
    }

    fn data(pairs: &[(&str, Value)]) -> Data {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    fn open_request() -> Request {
        Request::Open {
            workflow: "bench-intake".into(),
            command: Open {
                published: None,
                crypto: Default::default(),
                external: None,
                actor: Actor {
                    user: "t".into(),
                    role: "caseworker".into(),
                },
                data: data(&[
                    ("child.name", "小明".into()),
                    ("child.birth_date", "2016-03-01".into()),
                ]),
                occurred_at: None,
                profile: None,
                settings: Data::new(),
                origin: None,
                unit: None,
                officer: None,
            },
        }
    }

    fn screen(case: &CaseId, risk: i64) -> Request {
        Request::Apply {
            case: case.clone(),
            command: Command::Fire {
                transition: "screen".into(),
                actor: Actor {
                    user: "t".into(),
                    role: "caseworker".into(),
                },
                changes: data(&[("risk_level", risk.into())]),
                note: None,
                occurred_at: None,
            },
            expect_seq: None,
        }
    }

    #[test]
    fn a_refused_command_writes_nothing_and_the_others_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = store(&dir);
        let now = at("2026-03-01T02:00:00Z");
        let opened = store.apply_batch(
            &[(open_request(), now), (open_request(), now)],
            &batch_context(),
        );
        let ids: Vec<CaseId> = opened
            .into_iter()
            .map(|r| r.expect("opens").outcome.case.id)
            .collect();
        let later = at("2026-03-01T03:00:00Z");
        let replies = store.apply_batch(
            &[
                (screen(&ids[0], 9), later), // the guard refuses risk 9
                (screen(&ids[1], 3), later),
                (screen(&CaseId::new(2026, 999), 3), later),
            ],
            &batch_context(),
        );
        assert!(matches!(
            replies[0],
            Err(CommandFailure::Step(StepError::Refused(_)))
        ));
        assert!(replies[1].is_ok());
        assert!(matches!(replies[2], Err(CommandFailure::UnknownCase(_))));
        let refused = store.case(&ids[0]).expect("reads").expect("exists");
        assert_eq!((refused.state.as_str(), refused.seq), ("reported", 2));
        assert!(!refused.data.contains_key("risk_level"));
        let moved = store.case(&ids[1]).expect("reads").expect("exists");
        assert_eq!(moved.state, "screened");
        assert_eq!(store.history(&ids[0]).expect("history").len(), 2);
    }

    #[test]
    fn commands_on_one_case_in_one_batch_see_each_other() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = store(&dir);
        let now = at("2026-03-01T02:00:00Z");
        let id = store.apply_batch(&[(open_request(), now)], &batch_context())[0]
            .as_ref()
            .expect("opens")
            .outcome
            .case
            .id
            .clone();
        let seq = store.case(&id).expect("reads").expect("exists").seq;
        let later = at("2026-03-01T03:00:00Z");
        let mut second = screen(&id, 3);
        if let Request::Apply { expect_seq, .. } = &mut second {
            *expect_seq = Some(seq);
        }
        let visit = Request::Apply {
            case: id.clone(),
            command: Command::Fire {
                transition: "visit".into(),
                actor: Actor {
                    user: "t".into(),
                    role: "caseworker".into(),
                },
                changes: data(&[("visited_at", "2026-03-01T02:30:00Z".into())]),
                note: None,
                occurred_at: None,
            },
            expect_seq: None,
        };
        let replies = store.apply_batch(
            &[
                (screen(&id, 3), later),
                // Stale: the first command of the batch has moved the case past `seq`.
                (second, later),
                (visit, later),
            ],
            &batch_context(),
        );
        assert!(replies[0].is_ok());
        assert!(matches!(replies[1], Err(CommandFailure::Stale { .. })));
        assert_eq!(
            replies[2].as_ref().expect("visits").outcome.case.state,
            "visited"
        );
        let case = store.case(&id).expect("reads").expect("exists");
        assert_eq!(case.state, "visited");
        assert!(case.deadlines.is_empty(), "the visit fulfils first_visit");
        let seqs: Vec<u32> = store
            .history(&id)
            .expect("history")
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, (1..=case.seq).collect::<Vec<_>>());
    }

    #[test]
    fn a_step_prepared_ahead_is_taken_only_on_the_case_it_was_computed_on() {
        // Two stores given the same commands, one with steps prepared ahead on a snapshot and
        // one without: the histories must be the same, including when a prepared step's case
        // was changed by an earlier command of the batch (its step must then be taken again).
        let (dir, plain_dir) = (
            tempfile::tempdir().expect("tempdir"),
            tempfile::tempdir().expect("tempdir"),
        );
        let (store, plain) = (store(&dir), store(&plain_dir));
        let context = batch_context();
        let now = at("2026-03-01T02:00:00Z");
        let opened = |store: &Store| {
            store.apply_batch(&[(open_request(), now)], &context)[0]
                .as_ref()
                .expect("opens")
                .outcome
                .case
                .id
                .clone()
        };
        let (id, plain_id) = (opened(&store), opened(&plain));
        assert_eq!(id, plain_id);
        let later = at("2026-03-01T03:00:00Z");
        let commands = [(screen(&id, 3), later), (screen(&id, 2), later)];
        // Both prepared on the case as it is now: in `reported`, where each may screen.
        let submitted: Vec<Submitted> = commands
            .iter()
            .map(|(request, now)| {
                let prepared = store.prepare(request, *now, &context);
                assert!(prepared.is_some(), "a screen from reported is prepared");
                (request.clone(), *now, Cell::new(prepared))
            })
            .collect();
        let replies = store.apply_submitted(&submitted, &context);
        let plain_replies = plain.apply_batch(&commands, &context);
        assert!(replies[0].is_ok());
        // The second's prepared step was computed on a case the first has since screened: taken
        // anyway, it would screen twice; stepped again, the workflow refuses it.
        assert!(matches!(
            replies[1],
            Err(CommandFailure::Step(StepError::Refused(_)))
        ));
        assert!(matches!(
            plain_replies[1],
            Err(CommandFailure::Step(StepError::Refused(_)))
        ));
        let case = store.case(&id).expect("reads").expect("exists");
        assert_eq!(case.data.get("risk_level"), Some(&Value::from(3)));
        assert_eq!(Some(case), plain.case(&id).expect("reads"));
        assert_eq!(
            store.history(&id).expect("history"),
            plain.history(&id).expect("history")
        );
    }

    #[test]
    fn the_committer_acknowledges_every_writer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(store(&dir));
        let committer = Committer::start(store.clone(), batch_context(), 64);
        let now = at("2026-03-01T02:00:00Z");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let submitter = committer.submitter();
                std::thread::spawn(move || {
                    let id = submitter
                        .submit(open_request(), now)
                        .expect("opens")
                        .outcome
                        .case
                        .id;
                    submitter.submit(screen(&id, 2), now).expect("screens");
                    id
                })
            })
            .collect();
        let ids: Vec<CaseId> = threads
            .into_iter()
            .map(|t| t.join().expect("writer"))
            .collect();
        drop(committer);
        for id in ids {
            let case = store.case(&id).expect("reads").expect("exists");
            assert_eq!(case.state, "screened");
        }
    }
}
