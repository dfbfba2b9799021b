//! What can be done with a case now: the transitions open from its state, and for each what is
//! missing and whether its guards pass. Pure, like the step it previews.

use crate::case::Case;
use crate::definition::Definition;
use crate::step::{self, Clock, Refusal};

/// One transition a user could fire next.
#[derive(Debug, Clone, PartialEq)]
pub struct NextStep {
    pub name: String,
    pub title: String,
    pub to: String,
    pub roles: Vec<String>,
    /// Required fields not yet set.
    pub missing: Vec<String>,
    /// Whether every guard passes on the current data (false while fields are missing).
    pub guard_ok: bool,
    /// The refusal a guard would give now, if any.
    pub blocked_by: Option<Refusal>,
}

/// The transitions a person can fire from the case's state (system transitions are left out).
pub fn next_steps(def: &Definition, case: &Case, clock: &Clock) -> Vec<NextStep> {
    if def.is_final(&case.state) {
        return Vec::new();
    }
    def.transitions
        .iter()
        .filter(|t| !t.is_system() && t.from.admits(&case.state, false))
        .map(|t| {
            let missing: Vec<String> = t
                .requires
                .iter()
                .filter(|f| !case.data.contains_key(*f))
                .cloned()
                .collect();
            let blocked_by = step::check_guards(def, case, t, &case.data, clock).err();
            NextStep {
                name: t.key.clone(),
                title: t.title.clone(),
                to: t.to.clone(),
                roles: t.roles.clone(),
                missing,
                guard_ok: blocked_by.is_none(),
                blocked_by,
            }
        })
        .collect()
}
