//! Events out (issue 25 items 3–4): the outbox, written in the same transaction as the change.
//!
//! Every path that changes a case appends its events through [`append`], which also writes one
//! [`OutboxEntry`] for each event another system may want to hear of: a case opened, a state
//! entered, a letter issued, a deadline's reminder or breach. An entry holds ids and kinds only
//! (case, workflow, state, letter, deadline, when), never a child's or a reporter's data: a
//! receiver fetches what it may see through the API with its own token. Entries are numbered by
//! the counter `outbox`, bumped in the transaction, so positions follow commit order and a
//! reader that remembers the last position it handled misses nothing (webhook delivery, the
//! server-sent event stream).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::backend::WriteTx;
use crate::case::{Case, Chained, Event, EventKind};
use crate::store::StoreError;

/// The counter the outbox's positions are taken from.
pub const POSITION_COUNTER: &str = "outbox";

/// The most entries read at once.
pub const MAX_BATCH: usize = 500;

/// What happened, as an event's kind says it outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    CaseOpened,
    StateEntered,
    LetterIssued,
    DeadlineReminded,
    DeadlineBreached,
}

impl OutboxKind {
    pub const ALL: [OutboxKind; 5] = [
        OutboxKind::CaseOpened,
        OutboxKind::StateEntered,
        OutboxKind::LetterIssued,
        OutboxKind::DeadlineReminded,
        OutboxKind::DeadlineBreached,
    ];

    /// The name a user types (`--events deadline_breached`) and a payload carries.
    pub fn key(self) -> &'static str {
        match self {
            OutboxKind::CaseOpened => "case_opened",
            OutboxKind::StateEntered => "state_entered",
            OutboxKind::LetterIssued => "letter_issued",
            OutboxKind::DeadlineReminded => "deadline_reminded",
            OutboxKind::DeadlineBreached => "deadline_breached",
        }
    }

    pub fn parse(text: &str) -> Option<OutboxKind> {
        Self::ALL.into_iter().find(|k| k.key() == text.trim())
    }
}

/// One event out. Ids and kinds only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// 1, 2, 3 … over the whole database, in commit order.
    pub position: u64,
    /// The event's stable id: `{case}#{seq}` (the case's event number), the same however
    /// often it is delivered.
    pub id: String,
    pub kind: OutboxKind,
    pub case: String,
    pub workflow: String,
    /// The unit handling the case (who may see the event on the event stream).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The state the case is in after the event (the state entered, for `state_entered`).
    pub state: String,
    /// The letter's archive id (`letter_issued`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    /// The deadline's name as the workflow declares it (reminders and breaches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// When the event was recorded.
    pub at: Timestamp,
}

/// The id of event `seq` of `case`.
pub fn event_id(case: &str, seq: u32) -> String {
    format!("{case}#{seq}")
}

/// The entries `events` (appended to `case`, which was `before`) give, positions left 0: pure.
pub fn entries_of(case: &Case, events: &[Event], before: Option<&Case>) -> Vec<OutboxEntry> {
    let mut state = before.map(|b| b.state.clone()).unwrap_or_default();
    let mut out = Vec::new();
    for event in events {
        let (kind, letter, deadline) = match &event.kind {
            EventKind::Opened { state: s, .. } => {
                state = s.clone();
                (OutboxKind::CaseOpened, None, None)
            }
            EventKind::Fired { to, .. } => {
                state = to.clone();
                (OutboxKind::StateEntered, None, None)
            }
            EventKind::Migrated { to_state, .. } => {
                state = to_state.clone();
                continue;
            }
            EventKind::LetterIssued(issued) => {
                (OutboxKind::LetterIssued, Some(issued.letter.clone()), None)
            }
            EventKind::DeadlineReminded { name } => {
                (OutboxKind::DeadlineReminded, None, Some(name.clone()))
            }
            EventKind::DeadlineBreached { name, .. } => {
                (OutboxKind::DeadlineBreached, None, Some(name.clone()))
            }
            _ => continue,
        };
        out.push(OutboxEntry {
            position: 0,
            id: event_id(case.id.as_str(), event.seq),
            kind,
            case: case.id.as_str().to_owned(),
            workflow: case.workflow.clone(),
            unit: case.unit.clone(),
            state: state.clone(),
            letter,
            deadline,
            at: event.recorded_at,
        });
    }
    out
}

/// Appends `events` to `case`'s history ([`WriteTx::append`]) and writes their outbox entries,
/// in the same transaction: the one way the application layer records history.
pub fn append(
    tx: &mut dyn WriteTx,
    case: &Case,
    events: &Chained,
    before: Option<&Case>,
) -> Result<(), StoreError> {
    tx.append(case, events, before)?;
    for mut entry in entries_of(case, events, before) {
        entry.position = tx.bump(POSITION_COUNTER)?;
        tx.enqueue(&entry)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_as_users_type_them() {
        for kind in OutboxKind::ALL {
            assert_eq!(OutboxKind::parse(kind.key()), Some(kind));
            let json = serde_json::to_value(kind).expect("json");
            assert_eq!(json, serde_json::Value::String(kind.key().to_owned()));
        }
        assert_eq!(OutboxKind::parse("case_closed"), None);
    }
}
