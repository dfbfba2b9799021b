//! The deadline runner's side of the store: firing what is due, and listing what is due soon
//! or overdue. All of it reads the timer indexes, never every case.

use jiff::Timestamp;
use redb::ReadableTable;

use super::{
    CommandFailure, OVERDUE, PROVISIONAL, Store, StoreError, TICK_BATCH, TIMERS, corrupt, storage,
};
use crate::app::act;
use crate::app::backend::Backend;
use crate::case::{Case, CaseId, EventKind, OpenDeadline};
use crate::profile::Profile;
use crate::step::{self, Clock};

/// One thing the runner did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Fired {
    /// A provisional due time recomputed on newer calendar data.
    Adjusted {
        case: CaseId,
        deadline: String,
        due: Timestamp,
    },
    Reminded {
        case: CaseId,
        deadline: String,
    },
    Breached {
        case: CaseId,
        deadline: String,
    },
    Transition {
        case: CaseId,
        transition: String,
        to: String,
    },
    Spawned {
        case: CaseId,
        parent: CaseId,
    },
}

/// What one run of the timers did, in order.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TickReport {
    pub fired: Vec<Fired>,
}

/// A running deadline of a case, as the agenda and overdue views show it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlineView {
    pub case: CaseId,
    pub workflow: String,
    /// The definition version the case runs, to tell who can act on it.
    pub version: crate::definition::VersionHash,
    pub state: String,
    pub deadline: OpenDeadline,
    /// The unit handling the case, to tell who may see it.
    pub unit: Option<String>,
    /// The officer in charge of the case.
    pub officer: Option<String>,
    /// When the case was opened (listings narrow by it).
    pub opened_at: Timestamp,
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

impl Store {
    /// Fires everything due at `clock.now`: reminders, breaches and their system transitions
    /// (with any spawned cases). Works in batches of cases, one transaction each, so a crash
    /// loses at most the batch in flight and a second run fires nothing twice.
    pub fn tick(
        &self,
        clock: &Clock,
        profile: Option<&Profile>,
    ) -> Result<TickReport, CommandFailure> {
        let ids: Vec<String> = {
            let tx = self.read()?;
            let table = tx.open_table(PROVISIONAL).map_err(storage)?;
            let mut ids: Vec<String> = Vec::new();
            for entry in table.iter().map_err(storage)? {
                let (key, _) = entry.map_err(storage)?;
                let id = key.value().0;
                if ids.last().map(String::as_str) != Some(id) {
                    ids.push(id.to_owned());
                }
            }
            ids
        };
        tick_on(self, &ids, clock, profile)
    }

    /// The earliest moment anything is due to fire, for the runner to sleep until.
    pub fn next_firing(&self) -> Result<Option<Timestamp>, StoreError> {
        let tx = self.read()?;
        let timers = tx.open_table(TIMERS).map_err(storage)?;
        let first = timers.first().map_err(storage)?;
        Ok(first.and_then(|(k, _)| Timestamp::from_millisecond(k.value().0).ok()))
    }

    fn view(&self, case: &Case, name: &str) -> Option<DeadlineView> {
        case.deadlines.get(name).map(|d| DeadlineView {
            case: case.id.clone(),
            workflow: case.workflow.clone(),
            version: case.version.clone(),
            state: case.state.clone(),
            deadline: d.clone(),
            unit: case.unit.clone(),
            officer: case.officer.clone(),
            opened_at: case.opened_at,
        })
    }

    /// Deadlines falling due in `[from, until]`, soonest first.
    pub fn agenda(
        &self,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<DeadlineView>, StoreError> {
        let tx = self.read()?;
        let timers = tx.open_table(TIMERS).map_err(storage)?;
        let mut out = Vec::new();
        // A deadline is indexed under its reminder until that fires, so everything due by
        // `until` is under a key no later than `until`.
        for entry in timers.range(..(ms(until) + 1, "", "")).map_err(storage)? {
            let (key, _) = entry.map_err(storage)?;
            let (_, id, name) = key.value();
            let Some(case) = self.case(&id.parse().map_err(corrupt)?)? else {
                continue;
            };
            if let Some(view) = self.view(&case, name)
                && view.deadline.due >= from
                && view.deadline.due <= until
            {
                out.push(view);
            }
        }
        out.sort_by(|a, b| (a.deadline.due, &a.case).cmp(&(b.deadline.due, &b.case)));
        Ok(out)
    }

    /// Deadlines past due at `now` — breached, or due and not yet seen by the runner — most
    /// overdue first.
    pub fn overdue(&self, now: Timestamp) -> Result<Vec<DeadlineView>, StoreError> {
        let tx = self.read()?;
        let mut keys: Vec<(String, String)> = Vec::new();
        for table in [OVERDUE, TIMERS] {
            let t = tx.open_table(table).map_err(storage)?;
            for entry in t.range(..(ms(now) + 1, "", "")).map_err(storage)? {
                let (key, _) = entry.map_err(storage)?;
                let (_, id, name) = key.value();
                let pair = (id.to_owned(), name.to_owned());
                if !keys.contains(&pair) {
                    keys.push(pair);
                }
            }
        }
        let mut out = Vec::new();
        for (id, name) in keys {
            let Some(case) = self.case(&id.parse().map_err(corrupt)?)? else {
                continue;
            };
            if let Some(view) = self.view(&case, &name)
                && view.deadline.due <= now
            {
                out.push(view);
            }
        }
        out.sort_by(|a, b| (a.deadline.due, &a.case).cmp(&(b.deadline.due, &b.case)));
        Ok(out)
    }
}

/// Fires everything due at `clock.now` on any backend: first the provisional deadlines of
/// `provisional` (case ids) the calendar now covers are recomputed, then reminders, breaches
/// and their system transitions (with spawned cases) fire, in batches of cases, one
/// transaction each, so a crash loses at most the batch in flight and a second run fires
/// nothing twice. A backend shared by several runners hands each due case to one of them
/// ([`crate::app::backend::WriteTx::due`]).
pub fn tick_on<B: Backend>(
    backend: &B,
    provisional: &[String],
    clock: &Clock,
    profile: Option<&Profile>,
) -> Result<TickReport, CommandFailure> {
    let mut report = TickReport::default();
    adjust_provisional(backend, provisional, clock, &mut report)?;
    loop {
        let (seen, progressed, fired) = backend.transaction(|tx| {
            let mut fired = Vec::new();
            let ids = tx.due(clock.now, TICK_BATCH)?;
            let mut progressed = 0;
            for case_id in &ids {
                let Some(case) = tx.case(case_id)? else {
                    continue;
                };
                let def = tx.definition(&case.version)?;
                let Some(mut outcome) = step::fire_due(&def, &case, clock)? else {
                    continue;
                };
                let spawned = act::open_spawns(
                    tx,
                    &mut outcome,
                    &case,
                    &step::system_actor(),
                    clock,
                    profile,
                )?;
                crate::app::outbox::append(tx, &outcome.case, &outcome.events, Some(&case))?;
                progressed += 1;
                for event in &outcome.events {
                    fired.push(match &event.kind {
                        EventKind::DeadlineReminded { name } => Fired::Reminded {
                            case: case_id.clone(),
                            deadline: name.clone(),
                        },
                        EventKind::DeadlineBreached { name, .. } => Fired::Breached {
                            case: case_id.clone(),
                            deadline: name.clone(),
                        },
                        EventKind::Fired { transition, to, .. } => Fired::Transition {
                            case: case_id.clone(),
                            transition: transition.clone(),
                            to: to.clone(),
                        },
                        _ => continue,
                    });
                }
                for child in spawned {
                    fired.push(Fired::Spawned {
                        case: child.id,
                        parent: case_id.clone(),
                    });
                }
            }
            Ok::<_, CommandFailure>((ids.len(), progressed, fired))
        })?;
        report.fired.extend(fired);
        // A full batch that moved nothing would only repeat itself: stop rather than spin.
        if seen < TICK_BATCH || progressed == 0 {
            return Ok(report);
        }
    }
}

/// Recomputes provisional deadlines the calendar in force now covers, before anything fires
/// on the old due times. Cost follows the number of provisional deadlines.
fn adjust_provisional<B: Backend>(
    backend: &B,
    ids: &[String],
    clock: &Clock,
    report: &mut TickReport,
) -> Result<(), CommandFailure> {
    for chunk in ids.chunks(TICK_BATCH) {
        let adjusted = backend.transaction(|tx| {
            let mut adjusted = Vec::new();
            for id in chunk {
                let case_id: CaseId = id.parse().map_err(corrupt)?;
                let Some(case) = tx.case(&case_id)? else {
                    continue;
                };
                let def = tx.definition(&case.version)?;
                let Some(outcome) = step::adjust_provisional(&def, &case, clock) else {
                    continue;
                };
                crate::app::outbox::append(tx, &outcome.case, &outcome.events, Some(&case))?;
                for event in &outcome.events {
                    if let EventKind::DeadlineAdjusted { name, due, .. } = &event.kind {
                        adjusted.push(Fired::Adjusted {
                            case: case_id.clone(),
                            deadline: name.clone(),
                            due: *due,
                        });
                    }
                }
            }
            Ok::<_, StoreError>(adjusted)
        })?;
        report.fired.extend(adjusted);
    }
    Ok(())
}
