//! The registry (users and units) and the reading of cases in bulk (list, agenda, overdue):
//! who may change the registry, what a new user may be called and hold, and which cases a
//! reader's unit lets them see.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::backend::{Backend, CaseQuery, ReadTx};
use super::owner::registered;
use super::{AppError, Caller, ListedCase, Office, Owner, Vocabulary};
use crate::authority::{ADMIN_ROLE, ANY_ROLE, AUDITOR_ROLE, Units, User};
use crate::case::Case;
use crate::definition::{Definition, SYSTEM_ROLE, VersionHash};
use crate::priority;
use crate::store::{CaseFilter, DeadlineView, StoreError, StoredUnits, StoredUser};

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
    pub priority: Option<priority::PriorityTitle>,
}

/// The most rows one page of a listing holds.
pub const MAX_PAGE_ROWS: usize = 1000;
/// The highest page number a listing accepts.
pub const MAX_PAGE: usize = 1_000_000;

/// What a listing (`case list`, `case overdue`) narrows to, beyond what the caller's unit
/// covers, and which page of it. Applied here, so every front end narrows the same way.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Workflow, state, child and the cursor (`after`).
    pub filter: CaseFilter,
    /// Cases handled by this unit or a unit under it.
    pub unit: Option<String>,
    /// Cases whose officer in charge is this user.
    pub officer: Option<String>,
    /// Cases opened on or after this day (the office's time zone).
    pub opened_from: Option<jiff::civil::Date>,
    /// Cases opened on or before this day.
    pub opened_to: Option<jiff::civil::Date>,
    /// Rows per page (at most [`MAX_PAGE_ROWS`]); None: every row.
    pub limit: Option<usize>,
    /// The page, from 1 (at most [`MAX_PAGE`]); with `limit` only.
    pub page: Option<usize>,
    /// `case list`: cases opened with this external id, from any source (issue 25).
    pub external_id: Option<String>,
}

impl Listing {
    /// A listing of what `filter` selects, nothing else narrowed.
    pub fn of(filter: CaseFilter) -> Listing {
        Listing {
            filter,
            ..Listing::default()
        }
    }

    /// True when the listing asks for pages (rows then come in the order of case ids).
    pub fn paged(&self) -> bool {
        self.limit.is_some() || self.filter.after.is_some()
    }

    /// The rows to skip and the rows to keep, both bounded.
    fn window(&self) -> (usize, usize) {
        let limit = self.limit.map(|l| l.clamp(1, MAX_PAGE_ROWS));
        let page = self.page.unwrap_or(1).clamp(1, MAX_PAGE);
        match limit {
            Some(limit) => ((page - 1).saturating_mul(limit), limit),
            None => (0, usize::MAX),
        }
    }

    /// True when a case of `unit`, with `officer`, opened at `opened`, is wanted (the unit
    /// filter already checked to exist).
    fn admits(
        &self,
        units: &Units,
        tz: &jiff::tz::TimeZone,
        unit: Option<&str>,
        officer: Option<&str>,
        opened: Timestamp,
    ) -> bool {
        let day = opened.to_zoned_datetime(tz.clone()).date();
        self.unit
            .as_deref()
            .is_none_or(|u| unit.is_some_and(|c| units.within(c, u)))
            && self.officer.as_deref().is_none_or(|o| officer == Some(o))
            && self.opened_from.is_none_or(|from| day >= from)
            && self.opened_to.is_none_or(|to| day <= to)
    }

    /// What the indexes can narrow this listing to (every condition is checked again on the
    /// cases read): the filter's workflow, state and child, the units under the unit asked
    /// for, the officer, the opening days as instants of the office's time zone.
    fn query(&self, units: &Units, tz: &jiff::tz::TimeZone) -> CaseQuery {
        let start = |d: jiff::civil::Date| {
            tz.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        };
        let from = match self.opened_from {
            Some(d) => start(d),
            None => Some(Timestamp::MIN),
        };
        let to = match self.opened_to {
            Some(d) => d.tomorrow().ok().and_then(start),
            None => Some(Timestamp::MAX),
        };
        let dated = self.opened_from.is_some() || self.opened_to.is_some();
        CaseQuery {
            workflow: self.filter.workflow.clone(),
            state: self.filter.state.clone(),
            child: self.filter.child.clone(),
            units: self.unit.as_ref().map(|u| {
                units
                    .iter()
                    .filter(|x| units.within(&x.id, u))
                    .map(|x| x.id.clone())
                    .collect()
            }),
            officer: self.officer.clone(),
            opened: match (from, to) {
                (Some(from), Some(to)) if dated => Some((from, to)),
                _ => None,
            },
        }
    }

    /// Refuses a unit filter naming no unit (a typo would list nothing, silently).
    fn check(&self, units: &Units) -> Result<(), AppError> {
        if let Some(unit) = &self.unit
            && units.get(unit).is_none()
        {
            return Err(crate::store::RegistryError::UnknownUnit {
                suggestion: units.suggest(unit),
                unit: unit.clone(),
            }
            .into());
        }
        Ok(())
    }
}

/// How many non-priority cases a listing holds in memory while it looks for the priority
/// ones (see [`Office::cases`]).
pub const HELD_CASES: usize = 1024;

/// How many ids a listing asks the indexes for at a time.
const ID_BATCH: usize = 256;

/// The rows of one page: skips the first `skip`, hands on `keep`, then stops.
struct Window<'v, V> {
    skip: usize,
    keep: usize,
    visit: &'v mut V,
}

impl<V: FnMut(ListedCase) -> bool> Window<'_, V> {
    /// Offers one row; false when the listing is done.
    fn offer(&mut self, row: ListedCase) -> bool {
        if self.keep == 0 {
            return false;
        }
        if self.skip > 0 {
            self.skip -= 1;
            return true;
        }
        self.keep -= 1;
        (self.visit)(row) && self.keep > 0
    }
}

/// Reads each case the indexes give for `query` after `after`, a batch of ids at a time, and
/// hands it to `each` until that returns false: true when every case was seen.
fn each_matching(
    tx: &dyn ReadTx,
    query: &CaseQuery,
    mut after: Option<String>,
    mut each: impl FnMut(Case) -> Result<bool, AppError>,
) -> Result<bool, AppError> {
    loop {
        let ids = tx.case_ids(query, after.as_deref(), ID_BATCH)?;
        let Some(last) = ids.last() else {
            return Ok(true);
        };
        after = Some(last.as_str().to_owned());
        for id in &ids {
            if let Some(case) = tx.case_listed(id)?
                && !each(case)?
            {
                return Ok(false);
            }
        }
        if ids.len() < ID_BATCH {
            return Ok(true);
        }
    }
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
fn check_roles<B: Backend>(backend: &B, roles: &[String]) -> Result<Vec<String>, AppError> {
    let defs = backend.latest_definitions()?;
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

    /// Visits the cases matching `filter` that the caller's unit covers (the others do not
    /// exist for them), as [`Office::cases`] does for a whole listing.
    pub fn list(
        &self,
        caller: &Caller,
        filter: &CaseFilter,
        words: &[Vocabulary],
        visit: impl FnMut(ListedCase) -> bool,
    ) -> Result<(), AppError> {
        self.cases(caller, &Listing::of(filter.clone()), words, visit)
    }

    /// Visits the rows of the cases a listing selects, of those the caller's unit covers, each
    /// with the priority rule (a workflow's `priority:` rules, 三优先) that puts it first, if
    /// any, titled by `words` ([`Office::vocabulary`]); one page of them when the listing asks
    /// for pages; stop by returning false. A row is all a listing gives: the cases are read as
    /// a listing reads them ([`ReadTx::case_listed`]), without what no row shows.
    ///
    /// The cases come from the backend's indexes ([`ReadTx::case_ids`]) in batches, in one
    /// read snapshot, so a listing reads the cases it selects and not the database. Priority
    /// cases come first: the others met on the way are held (up to [`HELD_CASES`] of them) and
    /// visited after, so a listing of up to that many reads each case once; past it, the rest
    /// are read again from where the held ones end. Paging by a cursor (`after`) is one pass in
    /// case-id order, because only that order makes "the cases after this one" mean the next
    /// page; the priority is still given beside each case.
    pub fn cases(
        &self,
        caller: &Caller,
        listing: &Listing,
        words: &[Vocabulary],
        mut visit: impl FnMut(ListedCase) -> bool,
    ) -> Result<(), AppError> {
        let now = self.now(caller)?;
        let simulated = self.cases_simulated();
        let row = |case: &Case, rule| ListedCase::of(case, rule, simulated, words);
        let (user, units) = self.reader(caller)?;
        listing.check(&units)?;
        let (skip, keep) = listing.window();
        let tz = &self.config.tz;
        let query = listing.query(&units, tz);
        let f = &listing.filter;
        let wanted = |case: &Case| {
            f.workflow.as_ref().is_none_or(|w| w == &case.workflow)
                && f.state.as_ref().is_none_or(|s| s == &case.state)
                && f.child.as_ref().is_none_or(|c| {
                    crate::store::CHILD_IDENTITY_FIELDS
                        .iter()
                        .any(|k| case.data.get(*k).and_then(|v| v.as_str()) == Some(c.as_str()))
                })
                && listing
                    .external_id
                    .as_ref()
                    .is_none_or(|x| case.external.as_ref().is_some_and(|e| &e.id == x))
                && units.covers(&user.unit, case.unit.as_deref())
                && listing.admits(
                    &units,
                    tz,
                    case.unit.as_deref(),
                    case.officer.as_deref(),
                    case.opened_at,
                )
        };
        self.backend.snapshot(|tx| {
            let mut out = Window {
                skip,
                keep,
                visit: &mut visit,
            };
            let mut defs: HashMap<VersionHash, Arc<Definition>> = HashMap::new();
            let mut rule_of = |case: &Case| -> Result<Option<priority::PriorityTitle>, StoreError> {
                let def = match defs.get(&case.version) {
                    Some(def) => def.clone(),
                    None => {
                        let def = tx.definition(&case.version)?;
                        defs.insert(case.version.clone(), def.clone());
                        def
                    }
                };
                Ok(priority::rule(&def, case, now, tz).map(priority::title))
            };
            if let Some(after) = &f.after {
                // One pass in id order from the cursor.
                each_matching(tx, &query, Some(after.clone()), |case| {
                    if !wanted(&case) {
                        return Ok(true);
                    }
                    let rule = rule_of(&case)?;
                    Ok(out.offer(row(&case, rule)))
                })?;
                return Ok(());
            }
            // Pass 1: priority cases as they come; the others held for after.
            let mut held: Vec<ListedCase> = Vec::new();
            let mut overflow = false;
            let finished = each_matching(tx, &query, None, |case| {
                if !wanted(&case) {
                    return Ok(true);
                }
                match rule_of(&case)? {
                    Some(rule) => Ok(out.offer(row(&case, Some(rule)))),
                    None if held.len() < HELD_CASES && !overflow => {
                        held.push(row(&case, None));
                        Ok(true)
                    }
                    None => {
                        overflow = true;
                        Ok(true)
                    }
                }
            })?;
            if !finished {
                return Ok(());
            }
            // Pass 2: the held cases, then (past the bound) the rest, read again.
            let resume = held.last().map(|r| r.case.as_str().to_owned());
            for held_row in held {
                if !out.offer(held_row) {
                    return Ok(());
                }
            }
            if overflow {
                each_matching(tx, &query, resume, |case| {
                    if !wanted(&case) {
                        return Ok(true);
                    }
                    match rule_of(&case)? {
                        Some(_) => Ok(true),
                        None => Ok(out.offer(row(&case, None))),
                    }
                })?;
            }
            Ok::<(), AppError>(())
        })
    }
}

impl<B: Backend> Office<B> {
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
        self.overdue_listed(caller, role, &Listing::default())
    }

    /// [`Office::overdue`] narrowed by a listing (workflow, state, unit, officer, opening
    /// dates) and cut to one page of it (most overdue first; `after` does not apply).
    pub fn overdue_listed(
        &self,
        caller: &Caller,
        role: Option<&str>,
        listing: &Listing,
    ) -> Result<Vec<Due>, AppError> {
        let now = self.now(caller)?;
        let (_, units) = self.reader(caller)?;
        listing.check(&units)?;
        let f = &listing.filter;
        let tz = &self.config.tz;
        let views = self
            .backend
            .overdue(now)?
            .into_iter()
            .filter(|v| {
                f.workflow.as_ref().is_none_or(|w| w == &v.workflow)
                    && f.state.as_ref().is_none_or(|s| s == &v.state)
                    && listing.admits(
                        &units,
                        tz,
                        v.unit.as_deref(),
                        v.officer.as_deref(),
                        v.opened_at,
                    )
            })
            .collect();
        let (skip, keep) = listing.window();
        Ok(self
            .covered(caller, now, views, role)?
            .into_iter()
            .skip(skip)
            .take(keep)
            .collect())
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
            let def = self.backend.snapshot(|tx| tx.definition(&view.version))?;
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
