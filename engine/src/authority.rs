//! Who may do what: users, the units they belong to, the area each unit covers, and who may
//! see confidential fields. Pure: the store keeps the registry, the shell asks these functions
//! before it changes or shows anything.
//!
//! A unit covers its own cases, the cases of every unit below it (county → township →
//! village), and the cases of the units it lists under `covers` and theirs (a police station
//! covers some townships; a court, procuratorate or county bureau covers the county).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::definition::{Data, Definition, Diagnostics, NameRule, ProblemKind};
use crate::reader::{self, Reader, join};
use crate::suggest::closest;
use crate::yaml::{Node, NodeKind};

/// The role that manages users, units and workflows; it acts on no case.
pub const ADMIN_ROLE: &str = "admin";
/// A grant of every workflow role (training and test databases; never `admin` or `system`).
pub const ANY_ROLE: &str = "*";
/// The reserved read-only role that may verify the chains, check the file and read the access
/// log, and nothing else; granted explicitly, like `admin` (never by `*`).
pub const AUDITOR_ROLE: &str = "auditor";
/// What a reader without the right sees in place of a confidential value.
pub const CONFIDENTIAL: &str = "(confidential)";
/// The unit a database without a units file has: it covers everything.
pub const DEFAULT_UNIT: &str = "all";

/// The kinds of unit a units file may name.
pub const UNIT_KINDS: [&str; 14] = [
    "province",
    "city",
    "county",
    "township",
    "village",
    "civil_affairs_bureau",
    "police_station",
    "public_security_bureau",
    "court",
    "procuratorate",
    "institution",
    "school",
    "hospital",
    "other",
];

/// One unit: a government level, an office, a police station, a court, an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
    /// Units (with everything below them) this one covers beyond its own subtree.
    #[serde(default)]
    pub covers: Vec<String>,
}

/// The configured units, by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Units {
    units: BTreeMap<String, Unit>,
}

impl Units {
    /// One unit covering everything, for a database made without a units file.
    pub fn single() -> Units {
        let unit = Unit {
            id: DEFAULT_UNIT.to_owned(),
            name: "本级".to_owned(),
            kind: "other".to_owned(),
            parent: None,
            covers: Vec::new(),
        };
        Units {
            units: BTreeMap::from([(unit.id.clone(), unit)]),
        }
    }

    /// Looks a unit up.
    pub fn get(&self, id: &str) -> Option<&Unit> {
        self.units.get(id)
    }

    /// Every unit, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }

    /// The closest unit id to a mistyped one.
    pub fn suggest(&self, id: &str) -> Option<String> {
        closest(id, self.units.keys().map(String::as_str))
    }

    /// The units without a parent.
    pub fn roots(&self) -> Vec<&Unit> {
        self.units.values().filter(|u| u.parent.is_none()).collect()
    }

    /// `id` and every unit above it, nearest first (a loaded file has no cycles).
    fn lineage(&self, id: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut next = self.units.get(id);
        while let Some(unit) = next {
            if out.contains(&unit.id.as_str()) || out.len() > self.units.len() {
                break;
            }
            out.push(unit.id.as_str());
            next = unit.parent.as_deref().and_then(|p| self.units.get(p));
        }
        out
    }

    /// True when `unit` is `within` or a unit under it (the hierarchy only, not `covers`).
    pub fn within(&self, unit: &str, within: &str) -> bool {
        self.lineage(unit).contains(&within)
    }

    /// The nearest unit at or above `unit` of this kind (`township`), if any.
    pub fn ancestor_of_kind(&self, unit: &str, kind: &str) -> Option<&Unit> {
        self.lineage(unit)
            .into_iter()
            .filter_map(|id| self.units.get(id))
            .find(|u| u.kind == kind)
    }

    /// True when a user of `actor` may act on a case handled by `case` (None: a case from
    /// before units were recorded, which only a top-level unit covers).
    pub fn covers(&self, actor: &str, case: Option<&str>) -> bool {
        let Some(case) = case else {
            return self.get(actor).is_some_and(|u| u.parent.is_none());
        };
        let lineage = self.lineage(case);
        if lineage.contains(&actor) {
            return true;
        }
        self.units.values().any(|x| {
            x.covers.iter().any(|c| lineage.contains(&c.as_str()))
                && self.lineage(&x.id).contains(&actor)
        })
    }
}

const UNITS_KEYS: &[&str] = &["units"];
const UNIT_KEYS: &[&str] = &["id", "name", "kind", "parent", "covers"];

/// Non-empty text; reports anything else.
fn unit_text(r: &mut Reader, node: &Node, path: &str) -> Option<String> {
    match node.as_str() {
        Some(s) if !s.trim().is_empty() => Some(s.to_owned()),
        _ => {
            r.wrong_type(node, path, "string");
            None
        }
    }
}

/// One entry of `units:`; `None` (after reporting) when it cannot be used.
fn unit(r: &mut Reader, item: &Node, path: &str) -> Option<Unit> {
    let entries = r.entries(item, path, Some(UNIT_KEYS));
    if item.as_map().is_none() {
        if matches!(item.kind, NodeKind::Null) {
            r.wrong_type(item, path, "mapping");
        }
        return None;
    }
    let required = |r: &mut Reader, key: &'static str| {
        r.require(&entries, key, item.pos, path)
            .and_then(|node| unit_text(r, node, &join(path, key)))
    };
    let id = required(r, "id");
    let name = required(r, "name");
    let kind = match reader::find(&entries, "kind") {
        // a unit of an unknown kind is still checked against the others (its parent, its id)
        Some(node) => {
            r.one_of(node, &join(path, "kind"), &UNIT_KINDS);
            node.as_str().map(str::to_owned)
        }
        None => {
            r.require(&entries, "kind", item.pos, path);
            None
        }
    };
    let parent =
        reader::find(&entries, "parent").and_then(|n| unit_text(r, n, &join(path, "parent")));
    let covers = match reader::find(&entries, "covers") {
        Some(node) => r.strings(node, &join(path, "covers")),
        None => Vec::new(),
    };
    let id = id?;
    if !r.check_name(&id, item.pos, &join(path, "id"), NameRule::Snake) {
        return None;
    }
    Some(Unit {
        id,
        name: name?,
        kind: kind?,
        parent,
        covers,
    })
}

/// Loads a units file (format: `units/example.yaml`); every problem with its position.
pub fn load_units(file: &str, source: &[u8]) -> Result<Units, Diagnostics> {
    let root = reader::parse(file, source)?;
    let mut r = Reader::default();
    let top = r.entries(&root, "", Some(UNITS_KEYS));
    let list = match reader::find(&top, "units") {
        Some(node) => r.seq(node, "units"),
        None => {
            r.problem(root.pos, "", ProblemKind::MissingKey { key: "units" });
            &[]
        }
    };
    let mut units: BTreeMap<String, Unit> = BTreeMap::new();
    let mut places: BTreeMap<String, (&Node, String)> = BTreeMap::new();
    for (i, item) in list.iter().enumerate() {
        let path = format!("units[{i}]");
        let Some(unit) = unit(&mut r, item, &path) else {
            continue;
        };
        if units.contains_key(&unit.id) {
            r.problem(
                item.pos,
                &join(&path, "id"),
                ProblemKind::DuplicateName { name: unit.id },
            );
            continue;
        }
        places.insert(unit.id.clone(), (item, path));
        units.insert(unit.id.clone(), unit);
    }
    let ids: BTreeSet<&str> = units.keys().map(String::as_str).collect();
    for unit in units.values() {
        let (node, path) = &places[&unit.id];
        let named = unit
            .parent
            .iter()
            .map(|p| (p, "parent"))
            .chain(unit.covers.iter().map(|c| (c, "covers")));
        for (other, key) in named {
            if !ids.contains(other.as_str()) {
                r.problem(
                    node.pos,
                    &join(path, key),
                    ProblemKind::UnknownUnit {
                        unit: other.clone(),
                        suggestion: closest(other, ids.iter().copied()),
                    },
                );
            }
        }
        // A parent chain longer than the number of units has come back on itself.
        let mut seen = 0;
        let mut next = unit.parent.as_deref();
        while let Some(p) = next {
            seen += 1;
            if p == unit.id || seen > units.len() {
                r.problem(
                    node.pos,
                    &join(path, "parent"),
                    ProblemKind::UnitCycle {
                        unit: unit.id.clone(),
                    },
                );
                break;
            }
            next = units.get(p).and_then(|u| u.parent.as_deref());
        }
    }
    if units.is_empty() && r.problems().is_empty() {
        r.problem(root.pos, "units", ProblemKind::MissingKey { key: "units" });
    }
    r.finish(file, Units { units })
}

/// A registered user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub roles: Vec<String>,
    pub unit: String,
    pub enabled: bool,
}

impl User {
    /// True when the user may act in `role` (the system role is the runner's alone).
    pub fn holds(&self, role: &str) -> bool {
        if role == crate::definition::SYSTEM_ROLE {
            return false;
        }
        self.roles.iter().any(|r| r == role)
            || (role != ADMIN_ROLE
                && role != AUDITOR_ROLE
                && self.roles.iter().any(|r| r == ANY_ROLE))
    }

    /// True when any of the user's roles is among `roles`.
    pub fn holds_any(&self, roles: &[String]) -> bool {
        roles.iter().any(|r| self.holds(r))
    }
}

/// Why a user may not do something. Every variant names the missing authority.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("no registered user {user}")]
    UnknownUser { user: String },
    #[error("user {user} is disabled")]
    Disabled { user: String },
    #[error("user {name} does not hold the role {role}", name = user.name)]
    RoleNotHeld { user: Box<User>, role: String },
    #[error("user {name} may not fire {transition}: it needs {needs:?}", name = user.name)]
    NeedsRole {
        user: Box<User>,
        transition: String,
        needs: Vec<String>,
    },
    #[error("user {user} ({unit}) does not cover case unit {case_unit:?}", user = user.name, unit = user.unit)]
    OutsideUnit {
        user: Box<User>,
        case_unit: Option<String>,
    },
    #[error("user {name} is not an administrator", name = user.name)]
    NotAdmin { user: Box<User> },
    /// Verify, check and the access log are for administrators and auditors.
    #[error("user {name} is neither an administrator nor an auditor", name = user.name)]
    NotAuditor { user: Box<User> },
    /// A field corrected in a role that may not set it in any act of the workflow.
    #[error("role {role} may not correct {field}: it needs {needs:?}")]
    MayNotAmend {
        role: String,
        field: String,
        needs: Vec<String>,
    },
    /// Only the responsible unit's own users and administrators hand a case over.
    #[error("user {name} is not of the case's responsible unit {case_unit:?}", name = user.name)]
    NotResponsibleUnit {
        user: Box<User>,
        case_unit: Option<String>,
    },
    /// The workflow names the roles that may transfer (`transfers:`), and this is not one.
    #[error("role {role} may not transfer the case: it needs {needs:?}")]
    NeedsTransferRole { role: String, needs: Vec<String> },
    /// A transfer to the unit that already has the case.
    #[error("the case is already with unit {unit}")]
    SameUnit { unit: String },
    /// The change would leave no enabled administrator (nobody could manage users again).
    #[error("{user} is the last enabled administrator")]
    LastAdministrator { user: String },
    /// Only those who may see a confidential field may set it.
    #[error("user {name} may not set the confidential field {field}", name = user.name)]
    Confidential {
        user: Box<User>,
        field: String,
        needs: Vec<String>,
    },
}

/// A registry change to `name` is allowed only if, with it (`after`: every user as the change
/// leaves them), some enabled user still holds `admin`: the last administrator can be neither
/// disabled nor demoted.
pub fn keeps_an_administrator(name: &str, after: &[User]) -> Result<(), Denied> {
    if after.iter().any(|u| u.enabled && u.holds(ADMIN_ROLE)) {
        Ok(())
    } else {
        Err(Denied::LastAdministrator {
            user: name.to_owned(),
        })
    }
}

/// The registered, enabled user named `name`.
pub fn enabled<'u>(name: &str, user: Option<&'u User>) -> Result<&'u User, Denied> {
    match user {
        None => Err(Denied::UnknownUser {
            user: name.to_owned(),
        }),
        Some(u) if !u.enabled => Err(Denied::Disabled {
            user: name.to_owned(),
        }),
        Some(u) => Ok(u),
    }
}

/// May `user` act in `role` on a case handled by `case_unit`? (None for opening a case: the
/// unit it will be handled by.)
pub fn may_act(
    units: &Units,
    user: &User,
    role: &str,
    case_unit: Option<&str>,
) -> Result<(), Denied> {
    if !user.holds(role) {
        return Err(Denied::RoleNotHeld {
            user: Box::new(user.clone()),
            role: role.to_owned(),
        });
    }
    may_reach(units, user, case_unit)
}

/// May `user` fire `transition` in `role` on a case handled by `case_unit`? A user who holds
/// none of the transition's roles is refused by the transition's name and the role it needs.
pub fn may_fire(
    units: &Units,
    user: &User,
    role: &str,
    transition: Option<&crate::definition::TransitionDef>,
    case_unit: Option<&str>,
) -> Result<(), Denied> {
    if let Some(t) = transition
        && !t.is_system()
        && !user.holds_any(&t.roles)
    {
        return Err(Denied::NeedsRole {
            user: Box::new(user.clone()),
            transition: t.key.clone(),
            needs: t
                .roles
                .iter()
                .filter(|r| *r != crate::definition::SYSTEM_ROLE)
                .cloned()
                .collect(),
        });
    }
    may_act(units, user, role, case_unit)
}

/// May `user` read a case handled by `case_unit`? Any role will do; the unit must cover it.
pub fn may_reach(units: &Units, user: &User, case_unit: Option<&str>) -> Result<(), Denied> {
    if units.covers(&user.unit, case_unit) {
        Ok(())
    } else {
        Err(Denied::OutsideUnit {
            user: Box::new(user.clone()),
            case_unit: case_unit.map(str::to_owned),
        })
    }
}

/// May `user`, acting in `role`, correct `fields`? A field that an act requires (the opening
/// or a transition) may be corrected only in a role that may do such an act: a parent may not
/// rewrite the police's record of the report (`report.facts`), nor a village user the case's
/// `source`. A field no act requires may be set in any act, so any role may correct it. An
/// administrator, and a role the workflow names under `corrections:`, may correct any field
/// (the history records who and why).
pub fn may_amend(
    def: &Definition,
    user: &User,
    role: &str,
    fields: impl IntoIterator<Item = impl AsRef<str>>,
) -> Result<(), Denied> {
    if user.holds(ADMIN_ROLE) || def.corrections.iter().flatten().any(|r| r == role) {
        return Ok(());
    }
    for field in fields {
        let field = field.as_ref();
        let mut needs: Vec<String> = Vec::new();
        let mut add = |roles: &[String]| {
            for r in roles {
                if !needs.contains(r) {
                    needs.push(r.clone());
                }
            }
        };
        if def.start.requires.iter().any(|f| f == field) {
            add(&def.start.roles);
        }
        for t in def.transitions.iter().filter(|t| !t.is_system()) {
            if t.requires.iter().any(|f| f == field) {
                add(&t.roles);
            }
        }
        if !needs.is_empty() && !needs.iter().any(|r| r == role) {
            return Err(Denied::MayNotAmend {
                role: role.to_owned(),
                field: field.to_owned(),
                needs,
            });
        }
    }
    Ok(())
}

/// May `user`, acting in `role`, hand a case of `case_unit` (with its officer, 承办人) over to
/// `to`? The case's officer and an administrator may; besides them, a role the workflow names
/// under `transfers:` or, when it names none, a user of the responsible unit itself (not of a
/// unit that merely covers it). Never to the unit that already has it.
pub fn may_transfer(
    def: &Definition,
    user: &User,
    role: &str,
    case_unit: Option<&str>,
    case_officer: Option<&str>,
    to: &str,
) -> Result<(), Denied> {
    if case_unit == Some(to) {
        return Err(Denied::SameUnit {
            unit: to.to_owned(),
        });
    }
    if user.holds(ADMIN_ROLE) || case_officer == Some(user.name.as_str()) {
        return Ok(());
    }
    match &def.transfers {
        Some(roles) if roles.iter().any(|r| r == role) => return Ok(()),
        Some(roles) => {
            return Err(Denied::NeedsTransferRole {
                role: role.to_owned(),
                needs: roles.clone(),
            });
        }
        None if case_unit == Some(user.unit.as_str()) => return Ok(()),
        None => {}
    }
    Err(Denied::NotResponsibleUnit {
        user: Box::new(user.clone()),
        case_unit: case_unit.map(str::to_owned),
    })
}

/// May `user` manage users, units and workflows?
pub fn may_administer(user: &User) -> Result<(), Denied> {
    if user.holds(ADMIN_ROLE) {
        Ok(())
    } else {
        Err(Denied::NotAdmin {
            user: Box::new(user.clone()),
        })
    }
}

/// May `user` verify the chains, check the file and read the access log?
pub fn may_audit(user: &User) -> Result<(), Denied> {
    if user.holds(ADMIN_ROLE) || user.holds(AUDITOR_ROLE) {
        Ok(())
    } else {
        Err(Denied::NotAuditor {
            user: Box::new(user.clone()),
        })
    }
}

/// True when `user` may see the workflow's confidential fields.
pub fn sees_confidential(def: &Definition, user: &User) -> bool {
    match &def.confidential {
        None => true,
        Some(c) => user.holds_any(&c.visible_to),
    }
}

/// May `user` set the fields in `changes`? Confidential ones only if they may see them.
pub fn may_change(def: &Definition, user: &User, changes: &Data) -> Result<(), Denied> {
    if sees_confidential(def, user) {
        return Ok(());
    }
    match changes.keys().find(|k| is_confidential(def, k)) {
        None => Ok(()),
        Some(field) => Err(Denied::Confidential {
            user: Box::new(user.clone()),
            field: field.clone(),
            needs: def
                .confidential
                .as_ref()
                .map(|c| c.visible_to.clone())
                .unwrap_or_default(),
        }),
    }
}

/// True when a guard of `t` reads a confidential field of `def` (by value or with `has()`):
/// whether it passes tells something about that field, so `case next` hides its result from
/// those who may not see it. A guard that does not compile counts as reading one.
pub fn guards_read_confidential(
    def: &Definition,
    t: &crate::definition::TransitionDef,
    settings: &Data,
) -> bool {
    if def.confidential.is_none() {
        return false;
    }
    let types = def.field_types();
    let scope = crate::guard::GuardScope {
        fields: &types,
        settings,
    };
    t.guards
        .iter()
        .any(|g| match def.compiled.get(&g.source, &scope).as_ref() {
            Ok(guard) => guard.referenced().iter().any(|f| is_confidential(def, f)),
            Err(_) => true,
        })
}

/// True when `field` is confidential in `def`.
pub fn is_confidential(def: &Definition, field: &str) -> bool {
    def.confidential.as_ref().is_some_and(|c| c.covers(field))
}

/// `data` as `user` may see it: confidential values replaced by [`CONFIDENTIAL`].
pub fn redact(def: &Definition, user: &User, data: &Data) -> Data {
    if sees_confidential(def, user) {
        return data.clone();
    }
    data.iter()
        .map(|(k, v)| {
            let v = if is_confidential(def, k) && !v.is_null() {
                serde_json::Value::String(CONFIDENTIAL.to_owned())
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

/// True when `user` may read issued letters of `key`: every letter of a case they may read,
/// but the one that names the confidential reporter (the report receipt) only if they may
/// see the reporter.
pub fn sees_letter(def: &Definition, user: &User, key: &str) -> bool {
    key != crate::letters::REPORTER_DOCUMENT || sees_confidential(def, user)
}

/// An issued letter's record as `user` may see it: for a letter they may not read, its
/// SHA-256s and verification code are replaced by [`CONFIDENTIAL`]. The digests of a letter
/// whose text follows from a template and guessable data (the reporter's name and unit) would
/// confirm guesses; the code would let them verify guessed files (`letter verify`).
pub fn redact_letter(
    def: &Definition,
    user: &User,
    issued: &crate::case::IssuedRef,
) -> crate::case::IssuedRef {
    let mut issued = issued.clone();
    if !sees_letter(def, user, &issued.key) {
        for hidden in [
            &mut issued.html_sha256,
            &mut issued.text_sha256,
            &mut issued.code,
        ] {
            *hidden = CONFIDENTIAL.to_owned();
        }
        if let Some(pdf) = &mut issued.pdf_sha256 {
            *pdf = CONFIDENTIAL.to_owned();
        }
    }
    issued
}

/// An event as `user` may see it: confidential values in its data replaced, and the digests
/// and code of a letter they may not read ([`redact_letter`]).
pub fn redact_event(
    def: &Definition,
    user: &User,
    event: &crate::case::Event,
) -> crate::case::Event {
    use crate::case::EventKind;
    let mut event = event.clone();
    match &mut event.kind {
        EventKind::Opened { data, .. } => *data = redact(def, user, data),
        EventKind::Fired { changes, .. } => *changes = redact(def, user, changes),
        EventKind::Amended {
            changes, previous, ..
        } => {
            *changes = redact(def, user, changes);
            if let Some(previous) = previous {
                *previous = redact(def, user, previous);
            }
        }
        EventKind::LetterIssued(issued) => *issued = redact_letter(def, user, issued),
        _ => {}
    }
    event
}

/// `data` with every sensitive field's value replaced, for logs and debug output.
pub fn without_sensitive(def: &Definition, data: &Data) -> Data {
    data.iter()
        .map(|(k, v)| {
            let sensitive = def.fields.get(k).is_some_and(|f| f.sensitive);
            let v = if sensitive {
                serde_json::Value::String(SENSITIVE.to_owned())
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

/// `text` with every value of a sensitive field in `data` replaced by `(sensitive)`, for
/// messages that may quote what they were given (guard evaluation errors).
pub fn scrub(def: &Definition, data: &Data, text: &str) -> String {
    let mut out = text.to_owned();
    for (k, v) in data {
        if !def.fields.get(k).is_some_and(|f| f.sensitive) {
            continue;
        }
        let shown = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        if !shown.is_empty() {
            out = out.replace(&shown, SENSITIVE);
        }
    }
    out
}

/// What debug output and messages show in place of a sensitive value.
pub const SENSITIVE: &str = "(sensitive)";

/// Case data for debug output: sensitive values are never printed.
pub struct Redacted<'a>(pub &'a Definition, pub &'a Data);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(without_sensitive(self.0, self.1))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNITS: &str = include_str!("../../units/example.yaml");

    fn units() -> Units {
        load_units("example.yaml", UNITS.as_bytes()).expect("example units load")
    }

    fn user(roles: &[&str], unit: &str) -> User {
        User {
            name: "张三".into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            unit: unit.into(),
            enabled: true,
        }
    }

    #[test]
    fn a_village_sees_its_village_and_the_county_sees_all() {
        let u = units();
        assert!(u.covers("shijia_village", Some("shijia_village")));
        assert!(!u.covers("shijia_village", Some("dongxi_village")));
        assert!(!u.covers("shijia_village", Some("shijia_town")));
        assert!(u.covers("shijia_town", Some("shijia_village")));
        assert!(u.covers("county", Some("shijia_village")));
        assert!(u.covers("county_civil_affairs", Some("shijia_village")));
        assert!(!u.covers("shijia_town", Some("beiguan_town")));
    }

    #[test]
    fn a_police_station_covers_the_townships_it_names() {
        let u = units();
        assert!(u.covers("shijia_police", Some("shijia_village")));
        assert!(u.covers("shijia_police", Some("shijia_town")));
        assert!(!u.covers("shijia_police", Some("beiguan_village")));
        // The county bureau covers what its stations cover.
        assert!(u.covers("county_psb", Some("shijia_village")));
        assert!(!u.covers("shijia_village", Some("shijia_police")));
    }

    #[test]
    fn a_case_without_a_unit_is_reached_only_from_the_top() {
        let u = units();
        assert!(u.covers("city", None));
        assert!(!u.covers("county", None));
        assert!(!u.covers("shijia_village", None));
    }

    #[test]
    fn refusals_name_the_missing_authority() {
        let u = units();
        let clerk = user(&["village_committee"], "shijia_village");
        assert!(may_act(&u, &clerk, "village_committee", Some("shijia_village")).is_ok());
        assert!(matches!(
            may_act(&u, &clerk, "police", Some("shijia_village")),
            Err(Denied::RoleNotHeld { role, .. }) if role == "police"
        ));
        assert!(matches!(
            may_act(&u, &clerk, "village_committee", Some("dongxi_village")),
            Err(Denied::OutsideUnit { .. })
        ));
        let t = crate::definition::TransitionDef {
            key: "remove_child".into(),
            title: String::new(),
            title_en: None,
            from: crate::definition::FromStates::AnyOpen,
            to: "removed".into(),
            roles: vec!["police".into()],
            requires: vec![],
            guards: vec![],
            letters: vec![],
            deadlines: vec![],
            cancels: vec![],
            spawn: vec![],
            in_time: None,
            act_time: None,
        };
        assert!(matches!(
            may_fire(&u, &clerk, "village_committee", Some(&t), Some("shijia_village")),
            Err(Denied::NeedsRole { needs, .. }) if needs == ["police"]
        ));
        assert!(matches!(
            may_administer(&clerk),
            Err(Denied::NotAdmin { .. })
        ));
    }

    #[test]
    fn the_any_grant_is_every_workflow_role_but_not_admin_or_system() {
        let all = user(&["*"], "county");
        assert!(all.holds("police") && all.holds("school"));
        assert!(!all.holds(ADMIN_ROLE) && !all.holds("system"));
    }

    #[test]
    fn disabled_and_unknown_users_are_refused() {
        let mut u = user(&["police"], "county");
        assert!(matches!(
            enabled("李四", None),
            Err(Denied::UnknownUser { .. })
        ));
        u.enabled = false;
        assert!(matches!(
            enabled("张三", Some(&u)),
            Err(Denied::Disabled { .. })
        ));
    }

    fn reporter_definition() -> Definition {
        let src = "workflow: w\ntitle: W\nroles: { police: 公安机关, school: 学校 }\nconfidential: { fields: [reporter.*], visible_to: [police] }\nfields:\n  reporter.name: { type: string, sensitive: true }\n  reporter.kind: { type: string }\n  child.name: { type: string }\nstates:\n  a: { initial: true }\n  b: { final: true }\ntransitions:\n  t: { from: [a], to: b, roles: [police] }\n";
        crate::definition::load("w.yaml", src.as_bytes()).expect("loads")
    }

    #[test]
    fn the_reporter_is_withheld_from_roles_the_workflow_does_not_name() {
        let def = reporter_definition();
        let data: Data = [
            ("reporter.name".to_owned(), serde_json::json!("王老师")),
            ("reporter.kind".to_owned(), serde_json::json!("school")),
            ("child.name".to_owned(), serde_json::json!("张小花")),
        ]
        .into_iter()
        .collect();
        let school = user(&["school"], "county");
        let police = user(&["police"], "county");
        let seen = redact(&def, &school, &data);
        assert_eq!(seen["reporter.name"], CONFIDENTIAL);
        assert_eq!(seen["reporter.kind"], CONFIDENTIAL);
        assert_eq!(seen["child.name"], "张小花");
        assert_eq!(redact(&def, &police, &data), data);
        assert!(matches!(
            may_change(&def, &school, &data),
            Err(Denied::Confidential { field, .. }) if field == "reporter.kind"
        ));
        assert!(may_change(&def, &police, &data).is_ok());
    }

    #[test]
    fn sensitive_values_never_reach_debug_output_or_messages() {
        let def = reporter_definition();
        let data: Data = [
            ("reporter.name".to_owned(), serde_json::json!("王老师")),
            ("child.name".to_owned(), serde_json::json!("张小花")),
        ]
        .into_iter()
        .collect();
        let debug = format!("{:?}", Redacted(&def, &data));
        assert!(
            !debug.contains("王老师") && debug.contains("张小花"),
            "{debug}"
        );
        let message = scrub(&def, &data, "cannot parse '王老师' as a timestamp");
        assert_eq!(message, "cannot parse '(sensitive)' as a timestamp");
    }

    #[test]
    fn confidential_fields_and_roles_must_be_declared() {
        let src = "workflow: w\ntitle: W\nroles: { police: 公安机关 }\nconfidential: { fields: [reporter.*, witness.name], visible_to: [polic] }\nfields:\n  child.name: { type: string }\nstates:\n  a: { initial: true }\n  b: { final: true }\ntransitions:\n  t: { from: [a], to: b, roles: [police] }\n";
        let err = crate::definition::load("w.yaml", src.as_bytes()).expect_err("rejected");
        let kinds: Vec<String> = err
            .problems
            .iter()
            .map(|p| format!("{:?}", p.kind))
            .collect();
        assert_eq!(err.problems.len(), 3, "{kinds:?}");
        assert!(
            err.problems
                .iter()
                .all(|p| p.pos.is_some_and(|p| p.line == 4)),
            "{kinds:?}"
        );
    }

    #[test]
    fn bad_units_files_are_reported_with_positions() {
        let src = "units:\n  - { id: a, name: A, kind: county }\n  - { id: b, name: B, kind: villag, parent: x }\n  - { id: c, name: C, kind: village, parent: c }\n  - { id: a, name: A2, kind: county }\n";
        let err = load_units("bad.yaml", src.as_bytes()).expect_err("rejected");
        let kinds: Vec<String> = err
            .problems
            .iter()
            .map(|p| format!("{:?}", p.kind))
            .collect();
        assert_eq!(err.problems.len(), 4, "{kinds:?}");
        assert!(kinds.iter().any(|k| k.contains("UnknownUnit")), "{kinds:?}");
        assert!(kinds.iter().any(|k| k.contains("UnitCycle")), "{kinds:?}");
        assert!(
            kinds.iter().any(|k| k.contains("DuplicateName")),
            "{kinds:?}"
        );
    }

    #[test]
    fn the_last_enabled_administrator_can_be_neither_disabled_nor_demoted() {
        let user = |name: &str, roles: &[&str], enabled: bool| User {
            name: name.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            unit: "city".to_owned(),
            enabled,
        };
        let alone_disabled = [
            user("张三", &["admin"], false),
            user("李四", &["police"], true),
        ];
        assert_eq!(
            keeps_an_administrator("张三", &alone_disabled),
            Err(Denied::LastAdministrator {
                user: "张三".to_owned()
            })
        );
        // `*` grants every workflow role, never admin.
        let demoted = [user("张三", &["*"], true), user("王五", &["admin"], false)];
        assert!(keeps_an_administrator("张三", &demoted).is_err());
        let another = [
            user("张三", &["police"], true),
            user("王五", &["admin"], true),
        ];
        assert_eq!(keeps_an_administrator("张三", &another), Ok(()));
    }

    #[test]
    fn only_the_responsible_unit_or_an_administrator_transfers_and_never_to_itself() {
        let user = |unit: &str, roles: &[&str]| User {
            name: "某".to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            unit: unit.to_owned(),
            enabled: true,
        };
        let village = user("shijia_village", &["parent", "village_committee"]);
        let county = user("county", &["civil_affairs"]);
        let admin = user("city", &["admin"]);
        let def = reporter_definition();
        assert_eq!(
            may_transfer(
                &def,
                &village,
                "village_committee",
                Some("shijia_village"),
                None,
                "county"
            ),
            Ok(())
        );
        assert!(matches!(
            may_transfer(
                &def,
                &county,
                "civil_affairs",
                Some("shijia_village"),
                None,
                "county"
            ),
            Err(Denied::NotResponsibleUnit { .. })
        ));
        // The case's officer (承办人) may, whatever their unit.
        assert_eq!(
            may_transfer(
                &def,
                &county,
                "civil_affairs",
                Some("shijia_village"),
                Some("某"),
                "county"
            ),
            Ok(())
        );
        assert_eq!(
            may_transfer(
                &def,
                &admin,
                "civil_affairs",
                Some("shijia_village"),
                None,
                "county"
            ),
            Ok(())
        );
        assert_eq!(
            may_transfer(
                &def,
                &admin,
                "civil_affairs",
                Some("county"),
                None,
                "county"
            ),
            Err(Denied::SameUnit {
                unit: "county".to_owned()
            })
        );
    }

    /// A workflow with `corrections:` and `transfers:` lists.
    fn listing_definition() -> Definition {
        let src = "workflow: w\ntitle: W\nroles: { police: 公安机关, school: 学校, civil_affairs: 民政部门, parent: 父母 }\ncorrections: [civil_affairs]\ntransfers: [police, civil_affairs]\nfields:\n  report.facts: { type: string }\nstates:\n  a: { initial: true }\n  b: { final: true }\ntransitions:\n  t: { from: [a], to: b, roles: [police], requires: [report.facts] }\n";
        crate::definition::load("w.yaml", src.as_bytes()).expect("loads")
    }

    #[test]
    fn roles_named_for_corrections_correct_any_field() {
        let def = listing_definition();
        let clerk = user(&["civil_affairs", "school"], "county");
        assert_eq!(
            def.corrections.as_deref(),
            Some(&["civil_affairs".to_owned()][..])
        );
        assert_eq!(
            may_amend(&def, &clerk, "civil_affairs", ["report.facts"]),
            Ok(())
        );
        assert!(matches!(
            may_amend(&def, &clerk, "school", ["report.facts"]),
            Err(Denied::MayNotAmend { needs, .. }) if needs == ["police"]
        ));
    }

    #[test]
    fn roles_named_for_transfers_replace_the_unit_rule() {
        let def = listing_definition();
        let parent = user(&["parent", "police"], "shijia_village");
        // Of the responsible unit, but `parent` is not among the roles the workflow names.
        assert_eq!(
            may_transfer(
                &def,
                &parent,
                "parent",
                Some("shijia_village"),
                None,
                "county"
            ),
            Err(Denied::NeedsTransferRole {
                role: "parent".to_owned(),
                needs: vec!["police".to_owned(), "civil_affairs".to_owned()],
            })
        );
        // A named role transfers from a unit that covers the case.
        let county = user(&["civil_affairs"], "county");
        assert_eq!(
            may_transfer(
                &def,
                &county,
                "civil_affairs",
                Some("shijia_village"),
                None,
                "county_psb"
            ),
            Ok(())
        );
    }

    #[test]
    fn corrections_and_transfers_name_declared_roles() {
        let src = "workflow: w\ntitle: W\nroles: { police: 公安机关 }\ncorrections: [polise]\ntransfers: [nobody]\nstates:\n  a: { initial: true }\n  b: { final: true }\ntransitions:\n  t: { from: [a], to: b, roles: [police] }\n";
        let err = crate::definition::load("w.yaml", src.as_bytes()).expect_err("rejected");
        let lines: Vec<u32> = err
            .problems
            .iter()
            .filter_map(|p| p.pos.map(|p| p.line))
            .collect();
        assert_eq!(lines, [4, 5], "{:?}", err.problems);
    }
}
