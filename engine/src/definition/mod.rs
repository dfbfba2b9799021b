//! Workflow definitions: the typed form of a `workflows/*.yaml` file.
//!
//! A definition is loaded in two passes (see [`load`]): a span-keeping YAML tree is decoded into
//! these types while every structural problem is collected with its position, then the decoded
//! definition is checked for meaning (states, roles, guards, fields) by [`validate`].

mod compiled;
mod decode;
pub mod graph;
mod load;
pub mod stored;
mod validate;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::period::Period;
use crate::yaml::Pos;

pub use crate::problem::{Diagnostics, NameRule, Problem, ProblemKind, TitleProblem};
pub use compiled::{Compiled, CompiledGuards};
pub use load::{load, load_all, load_published};
pub use validate::validate_links;

/// True for a kebab-case name such as `entrusted-care` (workflow and profile keys).
pub fn is_kebab_name(s: &str) -> bool {
    decode::is_kebab(s)
}

/// True for a snake_case name such as `shijia_village` (roles, units).
pub fn is_snake_name(s: &str) -> bool {
    decode::is_snake(s)
}

/// Case data: flat dotted field names ("child.birth_date") to canonical JSON values:
/// string/enum -> String, integer -> Number(i64), boolean -> Bool, date -> "YYYY-MM-DD",
/// datetime -> RFC 3339 string with offset, list -> Array, records -> Array of Objects.
/// An absent key means the field is not set.
pub type Data = BTreeMap<String, serde_json::Value>;

/// The role that fires transitions on behalf of the deadline runner.
pub const SYSTEM_ROLE: &str = "system";

/// A field's declared type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldType {
    String,
    Integer,
    Boolean,
    Date,
    DateTime,
    /// 公民身份号码 (GB 11643), checked on input and against the holder's birth date and sex.
    IdNumber,
    Enum {
        values: Vec<String>,
        /// What each value is called (`male: 男`); a value without one is a problem when the
        /// workflow is published (a version published before enums had labels reads without).
        labels: Labels,
    },
    /// A list of scalars (the inner type is never List or Records).
    List(Box<FieldType>),
    /// A list of records, each with these scalar sub-fields.
    Records(BTreeMap<String, FieldType>),
}

/// The labels of an enum's values, by value key: 男/女 for `male`/`female`, with an English one
/// where the workflow gives it. Labels name values, they do not change which values a field
/// takes: two enum types with the same values are equal whatever their labels say (a spawn's
/// values fit, a migration keeps its data).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Labels(pub BTreeMap<String, RoleTitle>);

impl PartialEq for Labels {
    fn eq(&self, _: &Labels) -> bool {
        true
    }
}

impl Eq for Labels {}

impl Labels {
    /// The label of `value`, if it has one.
    pub fn get(&self, value: &str) -> Option<&RoleTitle> {
        self.0.get(value).filter(|t| !t.title.is_empty())
    }
}

impl FieldType {
    /// An enum of `values` without labels.
    pub fn enum_of<S: Into<String>>(values: impl IntoIterator<Item = S>) -> FieldType {
        FieldType::Enum {
            values: values.into_iter().map(Into::into).collect(),
            labels: Labels::default(),
        }
    }

    /// The enum this type is or lists (`enum`, `list of enum`): its values and labels.
    pub fn enum_values(&self) -> Option<(&[String], &Labels)> {
        match self {
            FieldType::Enum { values, labels } => Some((values, labels)),
            FieldType::List(inner) => inner.enum_values(),
            _ => None,
        }
    }

    /// The value key a user typed as `text`: the key itself, or a label (Chinese or English)
    /// of exactly one value. `Err` holds the keys of several values with that label.
    pub fn enum_key(&self, text: &str) -> Result<Option<String>, Vec<String>> {
        let Some((values, labels)) = self.enum_values() else {
            return Ok(None);
        };
        let text = text.trim();
        if values.iter().any(|v| v == text) {
            return Ok(Some(text.to_owned()));
        }
        let matching: Vec<String> = values
            .iter()
            .filter(|v| {
                labels.get(v).is_some_and(|t| {
                    t.title == text || t.title_en.as_deref().is_some_and(|e| e == text)
                })
            })
            .cloned()
            .collect();
        match matching.len() {
            0 => Ok(None),
            1 => Ok(matching.into_iter().next()),
            _ => Err(matching),
        }
    }

    /// The type's name as written in a workflow file.
    pub fn name(&self) -> String {
        match self {
            FieldType::String => "string".into(),
            FieldType::Integer => "integer".into(),
            FieldType::Boolean => "boolean".into(),
            FieldType::Date => "date".into(),
            FieldType::DateTime => "datetime".into(),
            FieldType::IdNumber => "id_number".into(),
            FieldType::Enum { values, .. } => format!("enum [{}]", values.join(", ")),
            FieldType::List(inner) => format!("list of {}", inner.name()),
            FieldType::Records(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(name, ty)| format!("{name}: {}", ty.name()))
                    .collect();
                format!("list of {{{}}}", parts.join(", "))
            }
        }
    }
}

/// One declared case field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub ty: FieldType,
    /// Must be set when the case is opened.
    pub required: bool,
    pub title: String,
    /// Its English title, for `--lang en`.
    pub title_en: Option<String>,
    /// Never written to logs, errors or debug output.
    pub sensitive: bool,
}

/// Who may open a case, what it needs at opening, and what opening sets off.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Start {
    pub roles: Vec<String>,
    pub requires: Vec<String>,
    /// Letters issued on opening (e.g. a receipt to a mandatory reporter).
    pub letters: Vec<String>,
    /// Deadlines that run from the opening (e.g. feedback to the reporter within 3 days).
    pub deadlines: Vec<DeadlineDef>,
    /// A datetime field that records when the opening act happened (see
    /// [`TransitionDef::act_time`]).
    pub act_time: Option<String>,
}

/// One state of the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateDef {
    pub key: String,
    pub title: String,
    /// Its English title, for `--lang en`.
    pub title_en: Option<String>,
    pub initial: bool,
    pub terminal: bool,
}

/// The states a transition may leave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromStates {
    /// `from: "*"`: any state that is not final.
    AnyOpen,
    Listed(Vec<String>),
}

impl FromStates {
    /// True when a case in `state` (with the given finality) may take this transition.
    pub fn admits(&self, state: &str, state_is_final: bool) -> bool {
        match self {
            FromStates::AnyOpen => !state_is_final,
            FromStates::Listed(states) => states.iter().any(|s| s == state),
        }
    }
}

/// A length of time, written literally or taken from a setting (`{{settings.contact_interval}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PeriodSpec {
    Literal(Period),
    Setting(String),
}

impl PeriodSpec {
    /// The period in force under the given settings.
    pub fn resolve(&self, settings: &Data) -> Option<Period> {
        match self {
            PeriodSpec::Literal(p) => Some(*p),
            PeriodSpec::Setting(name) => settings
                .get(name)
                .and_then(|v| v.as_str())
                .and_then(|s| Period::parse(s).ok()),
        }
    }
}

impl std::fmt::Display for PeriodSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PeriodSpec::Literal(p) => write!(f, "{p}"),
            PeriodSpec::Setting(name) => write!(f, "{{{{settings.{name}}}}}"),
        }
    }
}

/// Whether a deadline falls due once or recurs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DeadlineRule {
    Within(PeriodSpec),
    Every(PeriodSpec),
    /// A fixed date, not a period: the corresponding day N after `from` (coming of age, CC 17),
    /// due at its 24:00 and never moved by the holiday rule of CC 203.
    DateAfter(PeriodSpec),
}

/// The moment a deadline counts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DeadlineStart {
    /// When the act that entered the state occurred.
    Entered,
    /// A date or datetime field of the case, e.g. `decision_at`.
    Field(String),
}

/// A time limit set when a transition enters its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineDef {
    pub name: String,
    pub title: String,
    /// Its English title, for `--lang en`.
    pub title_en: Option<String>,
    pub rule: DeadlineRule,
    pub from: DeadlineStart,
    pub remind_before: Option<PeriodSpec>,
    /// A system transition fired when the deadline passes.
    pub on_breach: Option<String>,
    /// Survives leaving the state (a final state still cancels it).
    pub keep: bool,
}

/// A linked case opened by a transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpawnDef {
    pub workflow: String,
    /// The name of the link, as the new case records it (e.g. `escalated_from`).
    pub link: String,
    /// Target field (or field prefix) <- source field (or prefix; `each.x` inside `for_each`).
    pub data: BTreeMap<String, String>,
    /// Target field <- a constant value (e.g. the legal ground of a custody case).
    #[serde(with = "stored::json_map")]
    pub set: Data,
    /// A records field: one case is opened per record.
    pub for_each: Option<String>,
    /// Inside `for_each`: only the records whose sub-fields equal these values (e.g. the
    /// children whose own route is civil affairs), so siblings can take different routes.
    /// Without `for_each`: the case is opened only when the case's fields equal them.
    #[serde(with = "stored::json_map")]
    pub only: Data,
}

/// A transition: an act that moves a case from some states to one state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitionDef {
    pub key: String,
    pub title: String,
    /// Its English title, for `--lang en`.
    pub title_en: Option<String>,
    pub from: FromStates,
    pub to: String,
    pub roles: Vec<String>,
    pub requires: Vec<String>,
    /// All must pass; a refusal names the first that does not.
    pub guards: Vec<GuardDef>,
    pub letters: Vec<String>,
    pub deadlines: Vec<DeadlineDef>,
    /// Running deadlines this act fulfils (even kept ones), e.g. the parent search once it ends.
    pub cancels: Vec<String>,
    pub spawn: Vec<SpawnDef>,
    /// The act is only possible while the running deadline it names has not passed, measured
    /// at the date the act records (e.g. an application for restoration dated inside the
    /// window the deadline shows): one rule, counted once (Civil Code 201–203), for both.
    pub in_time: Option<InTime>,
    /// A datetime field recording the same act (`removal.at`): it and the event's act time
    /// (`--at`) are one fact. Either one given sets the other; both given must agree. So
    /// deadlines count from the act, not from when it was typed in.
    pub act_time: Option<String>,
}

/// `in_time: { deadline: restoration_window, field: restoration.applied_on }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InTime {
    pub deadline: String,
    /// A date or datetime field: a date counts from the start of that day.
    pub field: String,
}

impl TransitionDef {
    /// Only the deadline runner may fire it.
    pub fn is_system(&self) -> bool {
        self.roles.iter().all(|r| r == SYSTEM_ROLE)
    }
}

/// A guard: a CEL expression over case data, and the rule it encodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuardDef {
    pub source: String,
    /// Why the rule exists, shown with a refusal (e.g. "UPL 22: disqualified carer").
    pub reason: Option<String>,
    /// The same in English, for `--lang en`; the Chinese reason is shown when it is absent.
    pub reason_en: Option<String>,
}

/// What a role (or an enum value) is called, as the workflow declares it: the title letters and
/// listings print beside its key, and optionally an English one for `--lang en`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleTitle {
    /// 公安机关, 儿童主任 …
    pub title: String,
    pub title_en: Option<String>,
}

/// The most characters a `title_en` may have.
pub const MAX_TITLE_EN_CHARS: usize = 200;
/// The longest English guard reason (`reason_en`): a rule and the articles it cites.
pub const MAX_REASON_EN_CHARS: usize = 600;

/// A whole workflow definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub key: String,
    pub title: String,
    /// Its English title, for `--lang en`.
    pub title_en: Option<String>,
    /// The roles declared, in the order of the file.
    pub roles: Vec<String>,
    /// Their titles (`roles: { police: 公安机关 }`). A role without one is a problem when the
    /// workflow is published; a version published before roles had titles reads without them.
    pub role_titles: BTreeMap<String, RoleTitle>,
    /// Local practice that a county profile may override.
    #[serde(with = "stored::json_map")]
    pub settings: Data,
    pub fields: BTreeMap<String, FieldDef>,
    pub start: Start,
    /// In the order of the file.
    pub states: Vec<StateDef>,
    /// In the order of the file.
    pub transitions: Vec<TransitionDef>,
    /// Fields only some roles may see (the mandatory reporter, UPL 11).
    pub confidential: Option<Confidential>,
    /// Roles that may correct any field (`case amend`) besides the roles that record it;
    /// None when the workflow names none.
    pub corrections: Option<Vec<String>>,
    /// Roles that may hand a case over (`case transfer`); None: the default rule (the case's
    /// officer, its responsible unit's users and administrators).
    pub transfers: Option<Vec<String>>,
    /// Rules that put a case at the head of work lists (`agenda`, `case overdue`, `case list`):
    /// a case is a priority case while one of them holds over its data and settings (黔江区's
    /// 三优先 for harm to left-behind children). The reason names the rule.
    pub priority: Vec<GuardDef>,
    /// Where each key of the source file is, by dotted path, for messages.
    pub spans: Spans,
    /// Its guards, compiled on first use.
    #[serde(skip)]
    pub compiled: CompiledGuards,
}

/// Case fields whose values only the listed roles may see; everyone else reads
/// "(confidential)" in every output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confidential {
    /// Field names, or prefixes written `reporter.*`.
    pub fields: Vec<String>,
    pub visible_to: Vec<String>,
}

impl Confidential {
    /// True when `field` is one of the confidential fields.
    pub fn covers(&self, field: &str) -> bool {
        self.fields
            .iter()
            .any(|pattern| match pattern.strip_suffix(".*") {
                Some(prefix) => field
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('.')),
                None => pattern == field,
            })
    }
}

/// Positions of a definition's keys in its source file, by dotted path
/// (`transitions.sign_agreement.to`, `states.closed`, `fields.child.name`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Spans(pub BTreeMap<String, Pos>);

impl Spans {
    /// The position of `path`, or of its nearest recorded parent.
    pub fn at(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.0.get(p) {
                return Some(*pos);
            }
            p = &p[..p.rfind(['.', '['])?];
        }
    }
}

impl Definition {
    /// The state a new case starts in.
    pub fn initial_state(&self) -> Option<&StateDef> {
        self.states.iter().find(|s| s.initial)
    }

    /// Looks a state up by key.
    pub fn state(&self, key: &str) -> Option<&StateDef> {
        self.states.iter().find(|s| s.key == key)
    }

    /// Looks a transition up by key.
    pub fn transition(&self, key: &str) -> Option<&TransitionDef> {
        self.transitions.iter().find(|t| t.key == key)
    }

    /// True when `state` is final (an unknown state counts as not final).
    pub fn is_final(&self, state: &str) -> bool {
        self.state(state).is_some_and(|s| s.terminal)
    }

    /// Fields that must be set at opening: the start's list plus every `required: true` field.
    pub fn start_requirements(&self) -> Vec<String> {
        let mut out: Vec<String> = self.start.requires.clone();
        for (name, field) in &self.fields {
            if field.required && !out.contains(name) {
                out.push(name.clone());
            }
        }
        out
    }

    /// Field types by name, as the guard checker wants them, made once per definition and
    /// kept with its compiled guards (which are compiled against them): a step checks guards
    /// on every command and used to copy every field's type into a new map each time.
    pub fn guard_field_types(&self) -> &BTreeMap<String, FieldType> {
        self.compiled.field_types(&self.fields)
    }

    /// Field types by name, as a new map (for callers that change it).
    pub fn field_types(&self) -> BTreeMap<String, FieldType> {
        self.fields
            .iter()
            .map(|(k, f)| (k.clone(), f.ty.clone()))
            .collect()
    }

    /// The title of a field, or its key when it has none.
    pub fn field_title<'a>(&'a self, key: &'a str) -> &'a str {
        self.fields
            .get(key)
            .map(|f| f.title.as_str())
            .filter(|t| !t.is_empty())
            .unwrap_or(key)
    }

    /// The English title of a field, if the workflow gives one.
    pub fn field_title_en(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(|f| f.title_en.as_deref())
    }

    /// The English title of the deadline `name` (one set by several steps under one name: the
    /// first that gives one), if the workflow gives one.
    pub fn deadline_title_en(&self, name: &str) -> Option<&str> {
        self.start
            .deadlines
            .iter()
            .chain(self.transitions.iter().flat_map(|t| &t.deadlines))
            .filter(|d| d.name == name)
            .find_map(|d| d.title_en.as_deref())
    }

    /// The Chinese title of a declared role (`police` → 公安机关), if the workflow gives one.
    pub fn role_title(&self, key: &str) -> Option<&str> {
        self.role_titles
            .get(key)
            .map(|t| t.title.as_str())
            .filter(|t| !t.is_empty())
    }

    /// Every workflow this one can spawn.
    pub fn spawn_targets(&self) -> BTreeSet<&str> {
        self.transitions
            .iter()
            .flat_map(|t| t.spawn.iter().map(|s| s.workflow.as_str()))
            .collect()
    }
}

/// The content hash that names a published version (hex SHA-256 of the source bytes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VersionHash(pub String);

impl VersionHash {
    /// Hashes a workflow file's bytes.
    pub fn of(source: &[u8]) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(source);
        let mut hex = String::with_capacity(64);
        for byte in digest.iter() {
            hex.push_str(&format!("{byte:02x}"));
        }
        VersionHash(hex)
    }

    /// The first 12 hex digits, enough to tell versions apart on screen.
    pub fn short(&self) -> &str {
        self.0.get(..12).unwrap_or(&self.0)
    }
}

impl std::fmt::Display for VersionHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
