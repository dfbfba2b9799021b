//! The registry (users and units) and the reading of cases in bulk (list, agenda, overdue):
//! who may change the registry, what a new user may be called and hold, and which cases a
//! reader's unit lets them see.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::backend::{Backend, ReadTx};
use super::owner::registered;
use super::{AppError, Caller, Office, Owner};
use crate::authority::{ADMIN_ROLE, ANY_ROLE, AUDITOR_ROLE, Units, User};
use crate::case::Case;
use crate::definition::{Definition, SYSTEM_ROLE, VersionHash};
use crate::priority;
use crate::store::{CaseFilter, DeadlineView, Store, StoreError, StoredUnits, StoredUser};

/// The rule every change to a registered user keeps: some enabled administrator remains
/// (decided inside the registry's write transaction, against what is committed).
const KEEP_AN_ADMINISTRATOR: fn(&str, &[User]) -> Result<(), crate::authority::Denied> =
    crate::authority::keeps_an_administrator;

/// A deadline with the workflow of its case (for state titles).
#[derive(Debug, Clone)]
pub struct Due {
    pub view: DeadlineView,
    pub def: std::sync::Arc<Definition>,
    /// The workflow's priority rule that holds for the case (三优先), which puts it first.
    pub priority: Option<String>,
}

/// The longest user name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// `user add`.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub roles: Vec<String>,
    pub unit: String,
}

/// Why a new user's name or roles were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegistryInput {
    /// Empty, too long, or with control characters (it is printed in every history line).
    #[error("`{name}` is not a usable user name")]
    BadName { name: String },
    /// A role no published workflow declares (nor `admin`, `auditor`, `*`), or `system`.
    #[error("no role {role}")]
    UnknownRole {
        role: String,
        suggestion: Option<String>,
    },
}

fn check_name(name: &str) -> Result<(), RegistryInput> {
    let bad = name.trim().is_empty()
        || name.trim() != name
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control);
    if bad {
        return Err(RegistryInput::BadName {
            name: name.chars().take(MAX_NAME_CHARS).collect(),
        });
    }
    Ok(())
}

/// Checks roles against those the published workflows declare; `system` is never granted.
fn check_roles(store: &Store, roles: &[String]) -> Result<Vec<String>, AppError> {
    let defs = store.latest_definitions()?;
    let refs: Vec<&Definition> = defs.iter().map(|d| d.as_ref()).collect();
    check_roles_among(&refs, roles)
}

/// Checks roles against those `defs` declare (and `admin`, `auditor`, `*`); `system` is never
/// granted. The roles, each once.
pub(super) fn check_roles_among(
    defs: &[&Definition],
    roles: &[String],
) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::new();
    for role in roles {
        let known = [ADMIN_ROLE, AUDITOR_ROLE, ANY_ROLE].contains(&role.as_str())
            || defs.iter().any(|d| d.roles.iter().any(|r| r == role));
        if role == SYSTEM_ROLE || !known {
            let all = defs
                .iter()
                .flat_map(|d| d.roles.iter().map(String::as_str))
                .filter(|r| *r != SYSTEM_ROLE)
                .chain([ADMIN_ROLE, AUDITOR_ROLE]);
            return Err(RegistryInput::UnknownRole {
                role: role.clone(),
                suggestion: crate::suggest::closest(role, all),
            }
            .into());
        }
        if !out.contains(role) {
            out.push(role.clone());
        }
    }
    Ok(out)
}

impl<B: Backend> Office<B> {
    /// The calling user, registered and enabled (any role), with the units in force.
    pub fn reader(&self, caller: &Caller) -> Result<(User, Units), AppError> {
        let now = self.now(caller)?;
        let result = self
            .backend
            .snapshot(|tx: &dyn ReadTx| registered(tx, caller));
        self.logged(caller, now, super::WHOLE_DATABASE, "registry", result)
    }
}

impl Office<Store> {
    /// Registers a user (administrators): a usable name, known roles, a configured unit.
    pub fn add_user(&self, caller: &Caller, user: &NewUser) -> Result<StoredUser, AppError> {
        let now = self.now(caller)?;
        let admin = self.authorise(caller, Owner::Administrator, "user:add")?;
        check_name(&user.name)?;
        let roles = check_roles(&self.backend, &user.roles)?;
        let stored = StoredUser {
            name: user.name.clone(),
            roles,
            unit: user.unit.clone(),
            enabled: true,
            added_at: now,
            added_by: admin.name,
            disabled_at: None,
            disabled_by: None,
        };
        self.backend.add_user(stored.clone())?;
        Ok(stored)
    }

    /// Disables a user (administrators); history keeps their name.
    pub fn disable_user(&self, caller: &Caller, name: &str) -> Result<(), AppError> {
        let now = self.now(caller)?;
        let admin = self.authorise(caller, Owner::Administrator, "user:disable")?;
        Ok(self
            .backend
            .disable_user(name, &admin.name, now, &KEEP_AN_ADMINISTRATOR)?)
    }

    /// Lets a disabled user act and read again (administrators).
    pub fn enable_user(&self, caller: &Caller, name: &str) -> Result<(), AppError> {
        self.authorise(caller, Owner::Administrator, "user:enable")?;
        Ok(self.backend.enable_user(name, &KEEP_AN_ADMINISTRATOR)?)
    }

    /// Replaces a user's roles (administrators): known roles, never `system`, each once; the
    /// last enabled administrator keeps `admin` (decided inside the registry's transaction).
    pub fn set_roles(
        &self,
        caller: &Caller,
        name: &str,
        roles: &[String],
    ) -> Result<Vec<String>, AppError> {
        self.authorise(caller, Owner::Administrator, "user:roles")?;
        let roles = check_roles(&self.backend, roles)?;
        self.backend
            .set_roles(name, roles.clone(), &KEEP_AN_ADMINISTRATOR)?;
        Ok(roles)
    }

    /// Every registered user, with the units to name theirs by (any registered, enabled
    /// user may see who can act).
    pub fn users(&self, caller: &Caller) -> Result<(Vec<StoredUser>, Units), AppError> {
        let (_, units) = self.reader(caller)?;
        Ok((self.backend.users()?, units))
    }

    /// The units in force (any registered, enabled user).
    pub fn units(&self, caller: &Caller) -> Result<Units, AppError> {
        Ok(self.reader(caller)?.1)
    }

    /// Replaces the units with those of a units file, `file` its name (administrators); how
    /// many there are now.
    pub fn load_units(&self, caller: &Caller, file: &str, bytes: &[u8]) -> Result<usize, AppError> {
        let now = self.now(caller)?;
        let admin = self.authorise(caller, Owner::Administrator, "unit:load")?;
        let units = super::workflow::parse_units(file, bytes)?;
        let count = units.iter().count();
        self.backend.load_units(StoredUnits {
            units,
            file: Some(file.to_owned()),
            source: Some(String::from_utf8_lossy(bytes).into_owned()),
            loaded_at: now,
            loaded_by: admin.name,
        })?;
        Ok(count)
    }

    /// Visits the cases matching `filter` that the caller's unit covers (the others do not
    /// exist for them), priority cases first (a workflow's `priority:` rules, 三优先), each
    /// with the rule that puts it first; stop by returning false. Two passes over the store,
    /// so the list stays in constant memory.
    pub fn list(
        &self,
        caller: &Caller,
        filter: &CaseFilter,
        mut visit: impl FnMut(Case, Option<String>) -> bool,
    ) -> Result<(), AppError> {
        let now = self.now(caller)?;
        let (user, units) = self.reader(caller)?;
        let mut defs: HashMap<VersionHash, Arc<Definition>> = HashMap::new();
        let mut failure: Option<StoreError> = None;
        let mut stopped = false;
        for first in [true, false] {
            self.backend.each_case(filter, |case| {
                if !units.covers(&user.unit, case.unit.as_deref()) {
                    return true;
                }
                let def = match defs.get(&case.version) {
                    Some(def) => def.clone(),
                    None => match self.backend.definition(&case.version) {
                        Ok(def) => {
                            defs.insert(case.version.clone(), def.clone());
                            def
                        }
                        Err(e) => {
                            failure = Some(e);
                            return false;
                        }
                    },
                };
                let rule = priority::rule(&def, &case, now, &self.config.tz).map(priority::title);
                if rule.is_some() != first {
                    return true;
                }
                let go_on = visit(case, rule);
                stopped = !go_on;
                go_on
            })?;
            if let Some(e) = failure {
                return Err(e.into());
            }
            if stopped {
                break;
            }
        }
        Ok(())
    }

    /// Deadlines due from now until `days` days ahead, of the cases the caller's unit covers;
    /// with `role`, only those of cases that role can act on now.
    pub fn agenda(
        &self,
        caller: &Caller,
        days: u16,
        role: Option<&str>,
    ) -> Result<Vec<Due>, AppError> {
        let now = self.now(caller)?;
        let until = now
            .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(days)))
            .unwrap_or(Timestamp::MAX);
        let views = self.backend.agenda(now, until)?;
        self.covered(caller, now, views, role)
    }

    /// Deadlines past due, of the cases the caller's unit covers; with `role`, only those of
    /// cases that role can act on now.
    pub fn overdue(&self, caller: &Caller, role: Option<&str>) -> Result<Vec<Due>, AppError> {
        let now = self.now(caller)?;
        let views = self.backend.overdue(now)?;
        self.covered(caller, now, views, role)
    }

    fn covered(
        &self,
        caller: &Caller,
        now: Timestamp,
        views: Vec<DeadlineView>,
        role: Option<&str>,
    ) -> Result<Vec<Due>, AppError> {
        let (user, units) = self.reader(caller)?;
        let mut out = Vec::new();
        for view in views {
            if !units.covers(&user.unit, view.unit.as_deref()) {
                continue;
            }
            let def = self.backend.definition(&view.version)?;
            let can_act = role.is_none_or(|role| {
                def.transitions.iter().any(|t| {
                    !t.is_system()
                        && t.from.admits(&view.state, false)
                        && t.roles.iter().any(|r| r == role)
                })
            });
            if can_act {
                let case = self.backend.snapshot(|tx| tx.case(&view.case))?;
                let priority = case
                    .and_then(|case| priority::rule(&def, &case, now, &self.config.tz))
                    .map(priority::title);
                out.push(Due {
                    view,
                    def,
                    priority,
                });
            }
        }
        // 三优先: priority cases first, each part in the store's order (soonest or most
        // overdue first).
        out.sort_by_key(|due| due.priority.is_none());
        Ok(out)
    }
}
