//! County profiles: local practice that overrides the settings a workflow declares.
//!
//! ```yaml
//! profile: qianjiang
//! title: 重庆市黔江区
//! settings:
//!   temporary-custody:
//!     follow_up_interval: 2w
//! bodies:                 # how a letter names the body that acts in a role
//!   civil_affairs: 民政局
//!   police: 公安派出所
//! issuing_bodies:
//!   civil_affairs: { name: 重庆市黔江区民政局, code: 黔江民, seal_caption: 重庆市黔江区民政局 }
//! letters:
//!   temporary-custody-notice: { copies: [监护人, 公安机关] }
//! ```
//! A profile may only change settings a workflow declares, with a value of the same kind
//! (a period stays a period, a number a number), so a county cannot switch a legal rule off
//! by a typo. The profile in force is recorded on every case with the settings it produced.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::definition::{Data, Definition, Diagnostics, NameRule, ProblemKind};
use crate::letters::IssuingBody;
use crate::period::Period;
use crate::reader::{self, Reader, join};
use crate::suggest::closest;
use crate::yaml::{Node, NodeKind};

/// A loaded, checked profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub title: String,
    /// Workflow key -> setting -> value.
    pub settings: BTreeMap<String, Data>,
    /// The bodies that issue letters here, by the role they act in.
    #[serde(default)]
    pub issuing_bodies: BTreeMap<String, IssuingBody>,
    /// Role -> the body that issues letters in it, as a letter names it (`civil_affairs` ->
    /// 民政局, `police` -> 公安派出所): the county's own words, not the code's.
    #[serde(default)]
    pub bodies: BTreeMap<String, String>,
    /// Document key -> local-practice setting of the letter -> value (checked against the letters
    /// table when letters are rendered).
    #[serde(default)]
    pub letters: BTreeMap<String, Data>,
}

impl Profile {
    /// The settings a case of `def` runs under: the workflow's defaults, overridden here.
    pub fn settings_for(&self, def: &Definition) -> Data {
        let mut out = def.settings.clone();
        if let Some(overrides) = self.settings.get(&def.key) {
            for (k, v) in overrides {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    }
}

/// The settings for `def` under an optional profile.
pub fn settings_for(profile: Option<&Profile>, def: &Definition) -> Data {
    profile.map_or_else(|| def.settings.clone(), |p| p.settings_for(def))
}

/// The largest whole number a profile or a letter table may give a setting: ample for any
/// count of days, people or copies, and small enough that nothing computed from it (a date, a
/// Chinese numeral, a list) can overflow or exhaust memory.
pub const MAX_SETTING_NUMBER: i64 = 100_000;

/// The description of a bounded whole number, as a problem names it.
pub const BOUNDED_NUMBER: &str = "a whole number from 0 to 100000";

/// Whether a configured number is within the bound (non-integers are not counts).
pub fn number_in_bounds(v: &Value) -> bool {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => (0..=MAX_SETTING_NUMBER).contains(&i),
            None => n
                .as_f64()
                .is_some_and(|f| f.is_finite() && f.abs() <= MAX_SETTING_NUMBER as f64),
        },
        _ => true,
    }
}

/// Two setting values are of the same kind when a period stays a period, a number a number.
fn same_kind(default: &Value, new: &Value) -> bool {
    let is_period = |v: &Value| v.as_str().is_some_and(|s| Period::parse(s).is_ok());
    match (default, new) {
        (Value::String(_), Value::String(_)) => is_period(default) == is_period(new),
        (Value::Number(a), Value::Number(b)) => a.is_i64() == b.is_i64(),
        (Value::Bool(_), Value::Bool(_)) => true,
        _ => false,
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::String(s) if Period::parse(s).is_ok() => "a period such as 7d or 6 months",
        Value::String(_) => "text",
        Value::Number(n) if n.is_i64() => "a whole number",
        Value::Number(_) => "a number",
        Value::Bool(_) => "true or false",
        _ => "a value",
    }
}

const TOP_KEYS: &[&str] = &[
    "profile",
    "title",
    "settings",
    "bodies",
    "issuing_bodies",
    "letters",
];
const BODY_KEYS: &[&str] = &["name", "code", "seal_caption", "contact"];

struct Loader<'a> {
    r: Reader,
    workflows: &'a [&'a Definition],
}

impl Loader<'_> {
    /// One issuing body: its printed name is required; the seal caption defaults to it.
    fn issuing_body(&mut self, role: &str, node: &Node, path: &str) -> Option<IssuingBody> {
        let before = self.r.problems().len();
        let mut text = BTreeMap::new();
        for (key, value) in self.r.entries(node, path, Some(BODY_KEYS)) {
            if let Some(s) = self.r.string(value, &join(path, key)) {
                text.insert(key, s.trim().to_owned());
            }
        }
        if !matches!(node.kind, NodeKind::Null | NodeKind::Map(_)) {
            return None;
        }
        if text.get("name").is_none_or(|n| n.is_empty()) && !self.r.reported_at(&join(path, "name"))
        {
            self.r
                .problem(node.pos, path, ProblemKind::MissingKey { key: "name" });
        }
        if self.r.problems().len() > before {
            return None;
        }
        let name = text.remove("name").unwrap_or_default();
        Some(IssuingBody {
            role: role.to_owned(),
            seal_caption: text
                .remove("seal_caption")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| name.clone()),
            code: text.remove("code").unwrap_or_default(),
            contact: text.remove("contact").filter(|s| !s.is_empty()),
            name,
        })
    }

    /// `settings: { workflow: { setting: value } }`: only declared settings, each keeping its
    /// kind.
    fn settings(&mut self, node: &Node, profile: &mut Profile) {
        for wf in self.r.keyed(node, "settings", None) {
            let workflow = wf.key;
            let path = join("settings", workflow);
            let Some(def) = self.workflows.iter().find(|d| d.key == workflow).copied() else {
                let suggestion = closest(workflow, self.workflows.iter().map(|d| d.key.as_str()));
                self.r.problem(
                    wf.key_pos,
                    &path,
                    ProblemKind::UnknownProfileWorkflow {
                        workflow: workflow.to_owned(),
                        suggestion,
                    },
                );
                continue;
            };
            let mut data = Data::new();
            for setting in self.r.keyed(wf.value, &path, None) {
                let name = setting.key;
                let setting_path = join(&path, name);
                let Some(default) = def.settings.get(name) else {
                    let suggestion = closest(name, def.settings.keys().map(String::as_str));
                    self.r.problem(
                        setting.key_pos,
                        &setting_path,
                        ProblemKind::UndeclaredSetting {
                            name: format!("{workflow}:{name}"),
                            suggestion,
                        },
                    );
                    continue;
                };
                let new = setting.value.to_json();
                if !same_kind(default, &new) {
                    self.r
                        .wrong_type(setting.value, &setting_path, kind_name(default));
                    continue;
                }
                if !number_in_bounds(&new) {
                    self.r
                        .wrong_type(setting.value, &setting_path, BOUNDED_NUMBER);
                    continue;
                }
                data.insert(name.to_owned(), new);
            }
            profile.settings.insert(workflow.to_owned(), data);
        }
    }

    fn profile(&mut self, root: &Node) -> Profile {
        let mut profile = Profile {
            name: String::new(),
            title: String::new(),
            settings: BTreeMap::new(),
            bodies: BTreeMap::new(),
            issuing_bodies: BTreeMap::new(),
            letters: BTreeMap::new(),
        };
        let top = self.r.entries(root, "", Some(TOP_KEYS));
        if root.as_map().is_none() {
            if matches!(root.kind, NodeKind::Null) {
                self.r.wrong_type(root, "", "mapping");
            }
            return profile;
        }
        self.r.require(&top, "profile", root.pos, "");
        for (key, value) in top {
            match key {
                "profile" => {
                    if let Some(name) = self.r.name(value, key, NameRule::Kebab) {
                        profile.name = name;
                    }
                }
                "title" => profile.title = self.r.text(value, key).unwrap_or_default(),
                "settings" => self.settings(value, &mut profile),
                "bodies" => {
                    for entry in self.r.keyed(value, key, None) {
                        let path = join(key, entry.key);
                        let ok =
                            self.r
                                .check_name(entry.key, entry.key_pos, &path, NameRule::Snake);
                        // An empty name names no body, as if the role were not listed.
                        let name = self.r.string(entry.value, &path).map(str::trim);
                        if let Some(name) = name.filter(|n| ok && !n.is_empty()) {
                            profile.bodies.insert(entry.key.to_owned(), name.to_owned());
                        }
                    }
                }
                "issuing_bodies" => {
                    for (role, body) in self.r.entries(value, key, None) {
                        let path = join(key, role);
                        if let Some(b) = self.issuing_body(role, body, &path) {
                            profile.issuing_bodies.insert(role.to_owned(), b);
                        }
                    }
                }
                "letters" => {
                    for (doc, settings) in self.r.entries(value, key, None) {
                        let path = join(key, doc);
                        let data: Data = self
                            .r
                            .entries(settings, &path, None)
                            .into_iter()
                            .map(|(name, v)| (name.to_owned(), v.to_json()))
                            .collect();
                        profile.letters.insert(doc.to_owned(), data);
                    }
                }
                _ => {}
            }
        }
        profile
    }
}

/// Loads a profile file and checks it against the workflows it overrides. Every problem is
/// reported with its position.
pub fn load(file: &str, source: &[u8], workflows: &[&Definition]) -> Result<Profile, Diagnostics> {
    let root = reader::parse(file, source)?;
    let mut loader = Loader {
        r: Reader::default(),
        workflows,
    };
    let profile = loader.profile(&root);
    loader.r.finish(file, profile)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::load as load_definition;

    const WORKFLOW: &str = "workflow: care\ntitle: t\nroles: { a: 甲 }\nsettings: { visit_every: 2w, team_min: 3 }\nstates:\n  s: { initial: true }\n  e: { final: true }\ntransitions:\n  go: { from: [s], to: e, roles: [a] }\n";

    fn def() -> Definition {
        load_definition("care.yaml", WORKFLOW.as_bytes()).expect("test workflow loads")
    }

    #[test]
    fn a_profile_overrides_declared_settings_only() {
        let def = def();
        let p = load(
            "p.yaml",
            b"profile: qianjiang\ntitle: x\nsettings:\n  care:\n    visit_every: 1 month\n",
            &[&def],
        )
        .expect("loads");
        let settings = p.settings_for(&def);
        assert_eq!(settings["visit_every"], "1 month");
        assert_eq!(settings["team_min"], 3);
    }

    #[test]
    fn unknown_settings_workflows_and_changed_kinds_are_each_reported_with_a_position() {
        let def = def();
        let src = b"profile: p\nsettings:\n  care:\n    visit_evry: 1 month\n    team_min: 3d\n  kare: {}\n";
        let err = load("p.yaml", src, &[&def]).expect_err("rejected");
        let kinds: Vec<(u32, &ProblemKind)> = err
            .problems
            .iter()
            .map(|p| (p.pos.map_or(0, |p| p.line), &p.kind))
            .collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert!(matches!(
            kinds[0],
            (4, ProblemKind::UndeclaredSetting { .. })
        ));
        assert!(matches!(kinds[1], (5, ProblemKind::WrongType { .. })));
        assert!(matches!(
            kinds[2],
            (6, ProblemKind::UnknownProfileWorkflow { .. })
        ));
    }

    #[test]
    fn a_profile_names_the_bodies_of_its_roles() {
        let p = load(
            "p.yaml",
            "profile: county\nbodies:\n  police: 公安派出所\n  school_liaison: \" 学校联络办公室 \"\n  Bad: x\n  court: [x]\n".as_bytes(),
            &[],
        )
        .expect_err("two bad entries");
        let found: Vec<(&str, &ProblemKind)> = p
            .problems
            .iter()
            .map(|p| (p.path.as_str(), &p.kind))
            .collect();
        assert!(
            matches!(found[0], ("bodies.Bad", ProblemKind::BadName { .. })),
            "{found:?}"
        );
        assert!(
            matches!(found[1], ("bodies.court", ProblemKind::WrongType { .. })),
            "{found:?}"
        );
        assert_eq!(found.len(), 2, "{found:?}");

        let p = load(
            "p.yaml",
            "profile: county\nbodies:\n  police: 公安派出所\n  school_liaison: \" 学校联络办公室 \"\n".as_bytes(),
            &[],
        )
        .expect("loads");
        assert_eq!(p.bodies["police"], "公安派出所");
        assert_eq!(p.bodies["school_liaison"], "学校联络办公室");
    }

    /// Databases keep the profile chosen at `init` as JSON; one written before profiles named
    /// bodies still reads, with none.
    #[test]
    fn a_stored_profile_from_before_bodies_still_reads() {
        let stored = r#"{"name":"qianjiang","title":"重庆市黔江区","settings":{},"issuing_bodies":{},"letters":{}}"#;
        let p: Profile = serde_json::from_str(stored).expect("reads");
        assert!(p.bodies.is_empty());
        assert_eq!(p.name, "qianjiang");
    }
}
