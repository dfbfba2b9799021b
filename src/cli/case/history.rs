//! `wardflow case history`: every event, with both times, actor, role and what changed.

use wardflow_engine::app::{HistoryView, HistoryViewParts, Units};
use wardflow_engine::case::{CancelReason, Event, EventKind};
use wardflow_engine::definition::Definition;

use super::super::case_id;
use super::super::{Ctx, print_json};
use crate::failure::{self, Failure};
use crate::i18n::Tr;
use crate::show::{self, local_time};
use crate::tr;

/// Prints the history.
pub fn run(ctx: &Ctx, text: &str) -> Result<(), Failure> {
    let id = case_id(text)?;
    let view = match ctx.remote()? {
        Some(remote) => {
            let parts: HistoryViewParts = remote.get(
                &format!("/api/v1/cases/{id}/history"),
                &super::show::parts(),
            )?;
            let def = remote.definition(&parts.case.version)?;
            parts.into_view(def)
        }
        None => ctx.office_for_read()?.history(&ctx.caller(None)?, &id)?,
    };
    if ctx.global.json {
        return print_json(ctx, &view);
    }
    let HistoryView {
        def, events, units, ..
    } = view;
    let tr = &ctx.tr;
    for e in &events {
        let when = if e.occurred_at == e.recorded_at {
            local_time(e.recorded_at)
        } else {
            tr!(
                tr,
                "history-occurred",
                occurred = local_time(e.occurred_at),
                recorded = local_time(e.recorded_at)
            )
        };
        let what = describe(tr, &def, &units, e);
        println!(
            "#{:<3} {when}  {}  {what}",
            e.seq,
            tr.key_title(&e.actor, &e.role)
        );
        let changes = match &e.kind {
            EventKind::Opened { data, .. } => Some(data),
            EventKind::Fired { changes, .. } | EventKind::Amended { changes, .. } => Some(changes),
            _ => None,
        };
        let shown = |k: &str, v: &serde_json::Value| {
            if v.is_null() {
                tr!(tr, "cleared")
            } else {
                show::field_value(tr, &def, k, v)
            }
        };
        let (previous, overrules) = match &e.kind {
            EventKind::Amended {
                previous,
                overrules,
                ..
            } => (previous.as_ref(), overrules.as_slice()),
            _ => (None, &[][..]),
        };
        for (k, v) in changes.into_iter().flatten() {
            // A correction shows the value it replaced: old → new.
            let old = previous
                .and_then(|p| p.get(k))
                .map(|old| format!("{} → ", shown(k, old)))
                .unwrap_or_default();
            println!("       {} = {old}{}", show::field(tr, &def, k), shown(k, v));
        }
        for o in overrules {
            println!(
                "       {}",
                tr!(
                    tr,
                    "history-overruled",
                    transition = show::transition(tr, &def, &o.transition),
                    guard = o.guard.clone()
                )
            );
        }
    }
    Ok(())
}

/// What an event did, in one line of the user's language (without who and when).
pub(crate) fn describe(tr: &Tr, def: &Definition, units: &Units, e: &Event) -> String {
    match &e.kind {
        EventKind::Opened { state, origin, .. } => {
            let from = origin
                .as_ref()
                .map(|o| {
                    tr!(
                        tr,
                        "history-from-case",
                        case = o.case.to_string(),
                        link = o.link.clone()
                    )
                })
                .unwrap_or_default();
            tr!(tr, "history-opened", state = show::state(tr, def, state)) + &from
        }
        EventKind::Fired {
            transition,
            from,
            to,
            note,
            ..
        } => {
            let note = note
                .as_ref()
                .map(|n| tr!(tr, "history-note", note = n.clone()))
                .unwrap_or_default();
            tr!(
                tr,
                "history-fired",
                transition = show::transition(tr, def, transition),
                from = from.clone(),
                to = show::state(tr, def, to)
            ) + &note
        }
        EventKind::Amended { reason, .. } => {
            tr!(tr, "history-amended", reason = reason.clone())
        }
        EventKind::DeadlineSet {
            name, title, due, ..
        } => {
            tr!(
                tr,
                "history-deadline-set",
                name = show::deadline(tr, def, name, title),
                due = show::due_time(*due)
            )
        }
        EventKind::DeadlineCancelled { name, reason } => {
            let why = match reason {
                CancelReason::LeftState => tr!(tr, "cancel-left-state"),
                CancelReason::FinalState => tr!(tr, "cancel-final-state"),
                CancelReason::Replaced => tr!(tr, "cancel-replaced"),
                CancelReason::Met => tr!(tr, "cancel-met"),
                CancelReason::Migrated => tr!(tr, "cancel-migrated"),
            };
            tr!(
                tr,
                "history-deadline-cancelled",
                name = name.clone(),
                why = why
            )
        }
        EventKind::DeadlineAdjusted { name, due, .. } => {
            tr!(
                tr,
                "history-deadline-adjusted",
                name = name.clone(),
                due = show::due_time(*due)
            )
        }
        EventKind::DeadlineReminded { name } => {
            tr!(tr, "history-deadline-reminded", name = name.clone())
        }
        EventKind::DeadlineBreached { name, due } => {
            tr!(
                tr,
                "history-deadline-breached",
                name = name.clone(),
                due = show::due_time(*due)
            )
        }
        EventKind::LetterRequested { key, .. } => tr!(tr, "history-letter", key = key.clone()),
        EventKind::LetterIssued(l) => tr!(
            tr,
            "history-letter-issued",
            key = l.key.clone(),
            number = l
                .number
                .clone()
                .unwrap_or_else(|| tr!(tr, "letter-unnumbered")),
            id = l.letter.clone(),
            sha = if l.html_sha256 == wardflow_engine::app::CONFIDENTIAL {
                tr!(tr, "confidential")
            } else {
                l.html_sha256.chars().take(16).collect::<String>()
            }
        ),
        EventKind::LetterVoided { letter, reason } => tr!(
            tr,
            "history-letter-voided",
            id = letter.clone(),
            reason = reason.clone()
        ),
        EventKind::Transferred {
            from,
            to,
            officer,
            reason,
        } => {
            let reason = reason
                .as_ref()
                .map(|n| tr!(tr, "history-note", note = n.clone()))
                .unwrap_or_default();
            tr!(
                tr,
                "history-transferred",
                from = from
                    .as_ref()
                    .map(|u| failure::unit_named(tr, units, u))
                    .unwrap_or_else(|| tr!(tr, "none")),
                to = failure::unit_named(tr, units, to),
                officer = officer.clone().unwrap_or_else(|| tr!(tr, "none"))
            ) + &reason
        }
        EventKind::Migrated {
            from_version,
            to_version,
            from_state,
            to_state,
            reason,
        } => tr!(
            tr,
            "history-migrated",
            from_version = from_version.short().to_owned(),
            to_version = to_version.short().to_owned(),
            from = show::state(tr, def, from_state),
            to = show::state(tr, def, to_state),
            reason = reason.clone()
        ),
        EventKind::Imported {
            file,
            file_sha256,
            line,
        } => tr!(
            tr,
            "history-imported",
            file = file.clone(),
            sha = file_sha256.chars().take(16).collect::<String>(),
            line = line.to_string()
        ),
        EventKind::Spawned { child } => tr!(
            tr,
            "history-spawned",
            case = child.case.to_string(),
            workflow = child.workflow.clone(),
            link = child.link.clone()
        ),
    }
}
