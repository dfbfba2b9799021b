//! Who may do what, decided in one place, and the record of every decision that let someone
//! read or refused them.

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;

use super::backend::{Backend, ReadTx};
use super::{AppError, Caller, Office};
use crate::authority::{self, Denied, Units, User};
use crate::definition::SYSTEM_ROLE;
use crate::step::Actor;
use crate::store::AccessEntry;

/// The "case" an access entry names when the act concerns the whole database (export, backup,
/// check …) rather than one case.
pub const WHOLE_DATABASE: &str = "*";

/// A refusal by authority, with the units to name them by.
pub(super) fn denied(denied: Denied, units: &Units) -> AppError {
    AppError::Denied {
        denied,
        units: Box::new(units.clone()),
    }
}

/// The calling user, registered and enabled, with the units in force.
pub(super) fn registered(tx: &dyn ReadTx, caller: &Caller) -> Result<(User, Units), AppError> {
    let units = tx.units()?;
    // Names are taken without control characters, whichever front end passed them.
    let name = crate::value::clean_name(&caller.user);
    let stored = tx.user(&name)?;
    let user = authority::enabled(&name, stored.as_ref())
        .cloned()
        .map_err(|d| denied(d, &units))?;
    Ok((user, units))
}

/// The actor for the caller's role: one is required, and `system` is the runner's alone.
pub(super) fn actor(caller: &Caller) -> Result<Actor, AppError> {
    let role = caller.role.as_deref().ok_or(AppError::NoRole)?;
    if role == SYSTEM_ROLE {
        return Err(AppError::ReservedRole {
            role: role.to_owned(),
        });
    }
    Ok(Actor {
        user: crate::value::clean_name(&caller.user),
        role: role.to_owned(),
    })
}

/// The longest reason the access log keeps (the rest is cut).
pub const MAX_REASON_CHARS: usize = 500;

/// Access entries made by this process, so two at the same instant differ.
static ENTRIES: AtomicU64 = AtomicU64::new(0);

/// This process's id, asked of the system once: every access entry's id carries it, and a
/// server makes one entry per request.
fn process_id() -> u32 {
    static ID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *ID.get_or_init(std::process::id)
}

/// One access decision: `refusal` None for an allowed read.
pub(super) fn entry(
    caller: &Caller,
    at: Timestamp,
    case: &str,
    action: &str,
    refusal: Option<&AppError>,
) -> AccessEntry {
    AccessEntry {
        // Unique across processes and restarts, even on a simulation clock that repeats.
        id: format!(
            "{}-{}-{}",
            process_id(),
            Office::<crate::store::Store>::wall().as_nanosecond(),
            ENTRIES.fetch_add(1, Ordering::Relaxed)
        ),
        at,
        user: crate::value::clean_name(&caller.user),
        case: case.to_owned(),
        action: action.to_owned(),
        allowed: refusal.is_none(),
        // A refusal says why it was refused; a read says why it was made, when the reader
        // said (`--reason`).
        reason: match refusal {
            Some(e) => Some(e.to_string()),
            None => caller
                .reason
                .as_deref()
                .map(crate::value::clean_note)
                .filter(|r| !r.trim().is_empty())
                .map(|r| {
                    format!(
                        "reason: {}",
                        r.chars().take(MAX_REASON_CHARS).collect::<String>()
                    )
                }),
        },
    }
}

impl<B: Backend> Office<B> {
    /// Records one access decision: `refusal` None for an allowed read.
    pub(super) fn log(
        &self,
        caller: &Caller,
        at: Timestamp,
        case: &str,
        action: &str,
        refusal: Option<&AppError>,
    ) -> Result<(), AppError> {
        self.backend
            .record_access(&entry(caller, at, case, action, refusal))?;
        Ok(())
    }

    /// Passes `result` through, recording it first when it is a refusal by authority.
    pub(super) fn logged<T>(
        &self,
        caller: &Caller,
        at: Timestamp,
        case: &str,
        action: &str,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        if let Err(e) = &result
            && e.is_refusal()
        {
            self.log(caller, at, case, action, Some(e))?;
        }
        result
    }
}
