//! The shell's side of authority: who is acting, may they, and the record of every read.

use wardflow_engine::authority::{self, Units, User};
use wardflow_engine::case::Case;
use wardflow_engine::definition::TransitionDef;
use wardflow_engine::step::Actor;
use wardflow_engine::store::{AccessEntry, Store};

use super::Ctx;
use crate::failure::{Context, Failure, Kind};

impl Ctx {
    /// The units in force.
    pub fn units(&self, store: &Store) -> Result<Units, Failure> {
        Ok(store.units()?)
    }

    /// The acting user: registered and enabled, or a refusal naming why not.
    pub fn registered_user(&self, store: &Store, units: &Units) -> Result<User, Failure> {
        let name = self.user();
        let stored = store.user(&name)?.map(|s| s.user());
        authority::enabled(&name, stored.as_ref())
            .cloned()
            .among(units)
    }

    /// The actor for `--as ROLE` on a case handled by `case_unit` (for opening: the unit the
    /// case will have), after checking the user holds the role and covers the unit.
    pub fn authorize(
        &self,
        store: &Store,
        role: &str,
        case_unit: Option<&str>,
    ) -> Result<(Actor, User), Failure> {
        self.authorize_fire(store, role, None, case_unit)
    }

    /// Like [`Ctx::authorize`], and refuses by name a transition none of the user's roles may
    /// fire.
    pub fn authorize_fire(
        &self,
        store: &Store,
        role: &str,
        transition: Option<&TransitionDef>,
        case_unit: Option<&str>,
    ) -> Result<(Actor, User), Failure> {
        let actor = self.actor(role)?;
        let units = self.units(store)?;
        let user = self.registered_user(store, &units)?;
        authority::may_fire(&units, &user, role, transition, case_unit).among(&units)?;
        Ok((actor, user))
    }

    /// Refuses changes to confidential fields by a user who may not see them.
    pub fn may_change(
        &self,
        store: &Store,
        def: &wardflow_engine::definition::Definition,
        user: &User,
        changes: &wardflow_engine::definition::Data,
    ) -> Result<(), Failure> {
        let Err(denied) = authority::may_change(def, user, changes) else {
            return Ok(());
        };
        // The units only name the user's unit in the refusal: without them it names the id.
        let failure = Failure::from(denied);
        Err(match self.units(store) {
            Ok(units) => failure.among(&units),
            Err(_) => failure,
        })
    }

    /// The deadlines of the cases the acting user's unit covers.
    pub fn covered(
        &self,
        store: &Store,
        views: Vec<wardflow_engine::store::DeadlineView>,
    ) -> Result<Vec<wardflow_engine::store::DeadlineView>, Failure> {
        let units = self.units(store)?;
        let user = self.registered_user(store, &units)?;
        Ok(views
            .into_iter()
            .filter(|v| units.covers(&user.unit, v.unit.as_deref()))
            .collect())
    }

    /// The acting user, who must be an administrator.
    pub fn administrator(&self, store: &Store) -> Result<User, Failure> {
        let units = self.units(store)?;
        let user = self.registered_user(store, &units)?;
        authority::may_administer(&user).among(&units)?;
        Ok(user)
    }

    /// Checks that the acting user may read `case` and records the read, allowed or not.
    pub fn read_case(&self, store: &Store, case: &Case, action: &str) -> Result<User, Failure> {
        self.read_case_if(store, case, action, |_| Ok(()))
    }

    /// Like [`Ctx::read_case`], with a further condition on the reader (e.g. a letter that
    /// names the confidential reporter).
    pub fn read_case_if(
        &self,
        store: &Store,
        case: &Case,
        action: &str,
        also: impl FnOnce(&User) -> Result<(), authority::Denied>,
    ) -> Result<User, Failure> {
        self.read_case_then(store, case, action, also, |_| Ok(()))
            .map(|(user, ())| user)
    }

    /// Like [`Ctx::read_case_if`], and then `read` (what the reader asked for, such as
    /// rendering a letter): the access log records the outcome of both, so a read that is
    /// refused after the authority check is logged as refused, never as granted.
    pub fn read_case_then<T>(
        &self,
        store: &Store,
        case: &Case,
        action: &str,
        also: impl FnOnce(&User) -> Result<(), authority::Denied>,
        read: impl FnOnce(&User) -> Result<T, Failure>,
    ) -> Result<(User, T), Failure> {
        let units = self.units(store)?;
        let decision = self
            .registered_user(store, &units)
            .and_then(|user| {
                authority::may_reach(&units, &user, case.unit.as_deref())
                    .and_then(|()| also(&user))
                    .map(|()| user)
                    .among(&units)
            })
            .and_then(|user| read(&user).map(|value| (user, value)));
        let now = self.now(Some(store))?;
        let entry = AccessEntry {
            id: format!(
                "{}-{}",
                std::process::id(),
                jiff::Timestamp::now().as_nanosecond()
            ),
            at: now,
            user: self.user(),
            case: case.id.to_string(),
            action: action.to_owned(),
            allowed: decision.is_ok(),
            // The log keeps the refusal as the reader was told it.
            reason: decision.as_ref().err().map(|f| f.shown(&self.tr).message),
        };
        store.record_access(&entry)?;
        decision
    }
}

impl Ctx {
    /// The unit and officer a case is given: those named (checked), else the acting user's
    /// unit and the user themself. The officer must be an enabled user whose unit covers it.
    pub fn assignment(
        &self,
        store: &Store,
        user: &User,
        unit: Option<&str>,
        officer: Option<&str>,
    ) -> Result<(String, String), Failure> {
        let units = self.units(store)?;
        let unit = unit.unwrap_or(&user.unit).to_owned();
        if units.get(&unit).is_none() {
            return Err(wardflow_engine::store::RegistryError::UnknownUnit {
                suggestion: units.suggest(&unit),
                unit,
            }
            .into());
        }
        let Some(name) = officer else {
            return Ok((unit, user.name.clone()));
        };
        let stored = store.user(name)?.map(|s| s.user());
        let officer = authority::enabled(name, stored.as_ref())
            .map_err(|d| Failure::from(d).among(&units).for_officer())?;
        if !units.covers(&officer.unit, Some(&unit)) {
            return Err(Kind::OfficerOutsideUnit {
                officer: name.to_owned(),
                unit,
                units,
            }
            .into());
        }
        Ok((unit, officer.name.clone()))
    }
}
