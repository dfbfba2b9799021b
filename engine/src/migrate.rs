//! Planning a migration (`workflow migrate`): which running cases move from one published
//! version of a workflow to another, into which state, with which of their deadlines, and
//! the events that record it. Pure: the application layer loads the cases and the target,
//! calls [`plan`], and appends the events only when it found no problem at all.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use crate::case::{CancelReason, Case, CaseId, Event, EventKind, OpenDeadline};
use crate::definition::{Definition, VersionHash};

/// What one migration asks for.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The workflow every case must belong to.
    pub workflow: &'a str,
    /// The version to move to and its definition.
    pub to_version: &'a VersionHash,
    pub target: &'a Definition,
    /// Old state → new state; a state not listed maps to itself when the target has it.
    pub map: &'a BTreeMap<String, String>,
    pub reason: &'a str,
}

/// A case as it stands, with the definition of the version it runs on.
#[derive(Debug, Clone, Copy)]
pub struct Running<'a> {
    pub case: &'a Case,
    pub def: &'a Definition,
}

/// Why a migration cannot go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The case belongs to another workflow.
    OtherWorkflow {
        case: CaseId,
        workflow: String,
    },
    /// The case is in a final state.
    Closed {
        case: CaseId,
        state: String,
    },
    /// The case already runs on the target version.
    AlreadyThere {
        case: CaseId,
    },
    /// The case's state is not mapped and the target has no state of that name.
    Unmapped {
        case: CaseId,
        state: String,
    },
    /// A mapping names a state the target does not declare.
    NoSuchState {
        from: String,
        to: String,
    },
    /// A mapping puts a running case into a final state.
    MappedToFinal {
        from: String,
        to: String,
    },
    /// A field of the case that the target does not declare.
    FieldGone {
        case: CaseId,
        field: String,
    },
    /// A field whose value does not fit the type the target declares.
    FieldMisfit {
        case: CaseId,
        field: String,
    },
    /// No reason was given (the history must say why).
    NoReason,
    /// No published version of the workflow has that number or hash.
    NoSuchVersion {
        workflow: String,
        version: String,
    },
    /// Neither cases nor `--all-running` chose anything, or a case is named twice.
    NoCases,
    Duplicate {
        case: CaseId,
    },
}

/// What happens to one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CasePlan {
    pub case: CaseId,
    pub from_version: VersionHash,
    pub from_state: String,
    pub to_state: String,
    /// Running deadlines the target still declares.
    pub kept: Vec<String>,
    /// Running deadlines the target no longer declares (or whose breach step it lacks).
    pub cancelled: Vec<String>,
    /// The events to append, numbered after the case's last one, with their chain hashes.
    pub events: crate::case::Chained,
    /// The case as those events leave it.
    pub after: Case,
}

/// Every deadline name a definition declares (at opening or on a step).
fn declared_deadlines(def: &Definition) -> BTreeSet<&str> {
    def.start
        .deadlines
        .iter()
        .chain(def.transitions.iter().flat_map(|t| t.deadlines.iter()))
        .map(|d| d.name.as_str())
        .collect()
}

/// Checks every case against the request and, when nothing is wrong, plans each one; any
/// problem (all of them, in order) means no case moves.
pub fn plan(
    request: &Request<'_>,
    cases: &[Running<'_>],
    actor: &str,
    role: &str,
    now: Timestamp,
) -> Result<Vec<CasePlan>, Vec<Problem>> {
    let target = request.target;
    let mut problems = Vec::new();
    if request.reason.trim().is_empty() {
        problems.push(Problem::NoReason);
    }
    let mut seen = BTreeSet::new();
    for running in cases {
        if !seen.insert(&running.case.id) {
            problems.push(Problem::Duplicate {
                case: running.case.id.clone(),
            });
        }
    }
    for (from, to) in request.map {
        match target.state(to) {
            None => problems.push(Problem::NoSuchState {
                from: from.clone(),
                to: to.clone(),
            }),
            Some(s) if s.terminal => problems.push(Problem::MappedToFinal {
                from: from.clone(),
                to: to.clone(),
            }),
            Some(_) => {}
        }
    }
    let declared = declared_deadlines(target);
    let types = target.field_types();
    let mut plans = Vec::new();
    for running in cases {
        let case = running.case;
        if case.workflow != request.workflow {
            problems.push(Problem::OtherWorkflow {
                case: case.id.clone(),
                workflow: case.workflow.clone(),
            });
            continue;
        }
        if running.def.is_final(&case.state) {
            problems.push(Problem::Closed {
                case: case.id.clone(),
                state: case.state.clone(),
            });
            continue;
        }
        if &case.version == request.to_version {
            problems.push(Problem::AlreadyThere {
                case: case.id.clone(),
            });
            continue;
        }
        let to_state = match request.map.get(&case.state) {
            Some(to) => to.clone(),
            None if target.state(&case.state).is_some_and(|s| !s.terminal) => case.state.clone(),
            None => {
                problems.push(Problem::Unmapped {
                    case: case.id.clone(),
                    state: case.state.clone(),
                });
                continue;
            }
        };
        for (field, value) in &case.data {
            match types.get(field) {
                None => problems.push(Problem::FieldGone {
                    case: case.id.clone(),
                    field: field.clone(),
                }),
                Some(ty) => {
                    if !value.is_null() && crate::value::check_json(ty, value).is_err() {
                        problems.push(Problem::FieldMisfit {
                            case: case.id.clone(),
                            field: field.clone(),
                        });
                    }
                }
            }
        }
        // Kept: declared by the target, and what it fires when it passes is a step the target
        // still has (the runner must never fire a transition the case's version lacks).
        let (kept, cancelled): (Vec<&OpenDeadline>, Vec<&OpenDeadline>) =
            case.deadlines.values().partition::<Vec<_>, _>(|d| {
                declared.contains(d.name.as_str())
                    && d.on_breach
                        .as_deref()
                        .is_none_or(|t| target.transition(t).is_some())
            });
        let kept: Vec<String> = kept.into_iter().map(|d| d.name.clone()).collect();
        let cancelled: Vec<String> = cancelled.into_iter().map(|d| d.name.clone()).collect();
        let mut kinds = vec![EventKind::Migrated {
            from_version: case.version.clone(),
            to_version: request.to_version.clone(),
            from_state: case.state.clone(),
            to_state: to_state.clone(),
            reason: request.reason.to_owned(),
        }];
        kinds.extend(cancelled.iter().map(|name| EventKind::DeadlineCancelled {
            name: name.clone(),
            reason: CancelReason::Migrated,
        }));
        let mut after = case.clone();
        let mut events = crate::case::Chained::after(case);
        for kind in kinds {
            let event = Event {
                seq: after.seq + 1,
                recorded_at: now,
                occurred_at: now,
                actor: actor.to_owned(),
                role: role.to_owned(),
                kind,
            };
            // Folding a freshly numbered event onto its own case cannot fail; the fold stays
            // the only writer of case state.
            let _ = events.push(&mut after, event);
        }
        plans.push(CasePlan {
            case: case.id.clone(),
            from_version: case.version.clone(),
            from_state: case.state.clone(),
            to_state,
            kept,
            cancelled,
            events,
            after,
        });
    }
    if problems.is_empty() {
        Ok(plans)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests;
