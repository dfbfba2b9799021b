//! The structural pass: YAML tree -> typed definition, collecting every problem with its position.
//!
//! Decoding never stops at the first problem: a bad entry is reported and skipped (or given a
//! harmless default) so that the rest of the file is still checked.

use std::collections::BTreeMap;

use super::{
    Confidential, Data, DeadlineDef, DeadlineRule, DeadlineStart, Definition, FieldDef, FieldType,
    FromStates, GuardDef, InTime, Labels, PeriodSpec, RoleTitle, Spans, SpawnDef, Start, StateDef,
    TransitionDef,
};
use crate::period::Period;
use crate::problem::{NameRule, ProblemKind};
use crate::reader::{Reader, join};
use crate::suggest::closest;
use crate::yaml::{Node, NodeKind, Pos};

#[derive(Default)]
pub(super) struct Decoder {
    /// The problems found, and the positions of the keys read.
    pub r: Reader,
}

const TOP_KEYS: &[&str] = &[
    "workflow",
    "title",
    "title_en",
    "description",
    "roles",
    "settings",
    "fields",
    "start",
    "states",
    "transitions",
    "confidential",
    "corrections",
    "transfers",
    "priority",
];
const ROLE_KEYS: &[&str] = &["title", "title_en"];
const CONFIDENTIAL_KEYS: &[&str] = &["fields", "visible_to"];
const FIELD_KEYS: &[&str] = &[
    "type",
    "required",
    "title",
    "title_en",
    "values",
    "of",
    "sensitive",
    "description",
];
const START_KEYS: &[&str] = &["roles", "requires", "letters", "deadlines", "act_time"];
const STATE_KEYS: &[&str] = &["title", "title_en", "initial", "final", "description"];
const TRANSITION_KEYS: &[&str] = &[
    "title",
    "title_en",
    "description",
    "from",
    "to",
    "roles",
    "requires",
    "guard",
    "letters",
    "deadlines",
    "cancels",
    "in_time",
    "act_time",
    "spawn",
];
const GUARD_KEYS: &[&str] = &["cel", "reason", "reason_en"];
const DEADLINE_KEYS: &[&str] = &[
    "name",
    "title",
    "title_en",
    "within",
    "every",
    "date_after",
    "from",
    "remind_before",
    "on_breach",
    "keep",
];
const SPAWN_KEYS: &[&str] = &["workflow", "link", "data", "set", "for_each", "only"];
const TYPE_NAMES: &[&str] = &[
    "string",
    "integer",
    "boolean",
    "date",
    "datetime",
    "id_number",
    "enum",
    "list",
];
const SCALAR_TYPE_NAMES: &[&str] = &[
    "string",
    "integer",
    "boolean",
    "date",
    "datetime",
    "id_number",
];

/// True for `entrusted-care`.
pub(crate) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// True for `sign_agreement`.
pub(crate) fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Decoder {
    /// A `title_en`: text, trimmed. Whether it is a fit title (not empty, no control
    /// characters, not too long) is the semantic pass's question, so a published version
    /// always reads.
    fn title_en(&mut self, node: &Node, path: &str) -> Option<String> {
        self.r.text(node, path).map(|t| t.trim().to_owned())
    }

    fn period(&mut self, node: &Node, path: &str) -> Option<PeriodSpec> {
        let text = self.r.text(node, path)?;
        let trimmed = text.trim();
        if let Some(inner) = trimmed
            .strip_prefix("{{")
            .and_then(|s| s.strip_suffix("}}"))
        {
            let inner = inner.trim();
            return match inner.strip_prefix("settings.") {
                Some(name) => Some(PeriodSpec::Setting(name.to_owned())),
                None => {
                    self.r.problem(
                        node.pos,
                        path,
                        ProblemKind::UndeclaredSetting {
                            name: inner.to_owned(),
                            suggestion: None,
                        },
                    );
                    None
                }
            };
        }
        match Period::parse(trimmed) {
            Ok(p) => Some(PeriodSpec::Literal(p)),
            Err(error) => {
                self.r
                    .problem(node.pos, path, ProblemKind::BadPeriod { text, error });
                None
            }
        }
    }

    /// Decodes the whole file. Always returns a definition; problems say what is wrong with it.
    pub fn definition(&mut self, root: &Node) -> Definition {
        let mut def = Definition {
            key: String::new(),
            title: String::new(),
            title_en: None,
            roles: Vec::new(),
            role_titles: BTreeMap::new(),
            settings: Data::new(),
            fields: BTreeMap::new(),
            start: Start::default(),
            states: Vec::new(),
            transitions: Vec::new(),
            confidential: None,
            corrections: None,
            transfers: None,
            priority: Vec::new(),
            spans: Spans::default(),
            compiled: Default::default(),
        };
        let top = self.r.entries(root, "", Some(TOP_KEYS));
        if root.as_map().is_none() {
            self.r.take_spans();
            return def;
        }
        for key in ["workflow", "title", "states", "transitions"] {
            self.r.require(&top, key, root.pos, "");
        }
        for (key, node) in top {
            match key {
                "workflow" => {
                    if let Some(k) = self.r.name(node, key, NameRule::Kebab) {
                        def.key = k;
                    }
                }
                "title" => def.title = self.r.text(node, key).unwrap_or_default(),
                "title_en" => def.title_en = self.title_en(node, key),
                "description" => {
                    self.r.text(node, key);
                }
                "roles" => (def.roles, def.role_titles) = self.roles(node),
                "settings" => def.settings = self.settings(node),
                "fields" => def.fields = self.fields(node),
                "start" => def.start = self.start(node),
                "states" => def.states = self.states(node),
                "transitions" => def.transitions = self.transitions(node),
                "confidential" => def.confidential = Some(self.confidential(node)),
                "corrections" => {
                    def.corrections = Some(self.r.names(node, key, NameRule::Snake));
                }
                "transfers" => def.transfers = Some(self.r.names(node, key, NameRule::Snake)),
                "priority" => def.priority = self.guards(node, key),
                _ => {}
            }
        }
        def.spans = Spans(self.r.take_spans());
        def
    }

    /// `roles:` — each role with its title: `police: 公安机关`, or
    /// `police: { title: 公安机关, title_en: public security }`. A plain list of keys (the form
    /// before roles had titles) still decodes, so versions published with it keep loading; the
    /// semantic pass reports its roles as untitled.
    fn roles(&mut self, node: &Node) -> (Vec<String>, BTreeMap<String, RoleTitle>) {
        if !matches!(node.kind, NodeKind::Map(_)) {
            return (
                self.r.names(node, "roles", NameRule::Snake),
                BTreeMap::new(),
            );
        }
        let mut roles = Vec::new();
        let mut titles = BTreeMap::new();
        for entry in self.r.keyed(node, "roles", None) {
            let path = join("roles", entry.key);
            if !self
                .r
                .check_name(entry.key, entry.key_pos, &path, NameRule::Snake)
            {
                continue;
            }
            roles.push(entry.key.to_owned());
            let title = match &entry.value.kind {
                NodeKind::Null => None,
                NodeKind::Map(_) => {
                    let mut title = RoleTitle::default();
                    for (key, value) in self.r.entries(entry.value, &path, Some(ROLE_KEYS)) {
                        let text = self.r.text(value, &join(&path, key)).unwrap_or_default();
                        let text = text.trim().to_owned();
                        match key {
                            "title" => title.title = text,
                            _ => title.title_en = Some(text).filter(|t| !t.is_empty()),
                        }
                    }
                    Some(title)
                }
                _ => self.r.text(entry.value, &path).map(|t| RoleTitle {
                    title: t.trim().to_owned(),
                    title_en: None,
                }),
            };
            if let Some(title) = title.filter(|t| !t.title.is_empty()) {
                titles.insert(entry.key.to_owned(), title);
            }
        }
        (roles, titles)
    }

    /// An enum's `values:` — each value with its label: `{ male: 男, female: 女 }`, or
    /// `{ male: { title: 男, title_en: male } }`. A plain list of keys (the form before values
    /// had labels) still decodes, so versions published with it keep loading; the semantic
    /// pass reports its values as unlabelled.
    fn enum_values(
        &mut self,
        node: &Node,
        path: &str,
    ) -> (Vec<String>, BTreeMap<String, RoleTitle>) {
        if !matches!(node.kind, NodeKind::Map(_)) {
            return (self.r.names(node, path, NameRule::Snake), BTreeMap::new());
        }
        let mut values = Vec::new();
        let mut labels = BTreeMap::new();
        for entry in self.r.keyed(node, path, None) {
            let entry_path = join(path, entry.key);
            if !self
                .r
                .check_name(entry.key, entry.key_pos, &entry_path, NameRule::Snake)
            {
                continue;
            }
            values.push(entry.key.to_owned());
            let label = match &entry.value.kind {
                NodeKind::Null => None,
                NodeKind::Map(_) => {
                    let mut label = RoleTitle::default();
                    for (key, value) in self.r.entries(entry.value, &entry_path, Some(ROLE_KEYS)) {
                        let text = self
                            .r
                            .text(value, &join(&entry_path, key))
                            .unwrap_or_default();
                        let text = text.trim().to_owned();
                        match key {
                            "title" => label.title = text,
                            _ => label.title_en = Some(text).filter(|t| !t.is_empty()),
                        }
                    }
                    Some(label)
                }
                _ => self.r.text(entry.value, &entry_path).map(|t| RoleTitle {
                    title: t.trim().to_owned(),
                    title_en: None,
                }),
            };
            if let Some(label) = label.filter(|t| !t.title.is_empty()) {
                labels.insert(entry.key.to_owned(), label);
            }
        }
        (values, labels)
    }

    /// `confidential: { fields: [reporter.*], visible_to: [police, civil_affairs] }`.
    fn confidential(&mut self, node: &Node) -> Confidential {
        let mut out = Confidential {
            fields: Vec::new(),
            visible_to: Vec::new(),
        };
        let entries = self
            .r
            .entries(node, "confidential", Some(CONFIDENTIAL_KEYS));
        for key in CONFIDENTIAL_KEYS {
            self.r.require(&entries, key, node.pos, "confidential");
        }
        for (key, value) in entries {
            let path = join("confidential", key);
            match key {
                "visible_to" => out.visible_to = self.r.names(value, &path, NameRule::Snake),
                _ => {
                    let items: Vec<&Node> = match &value.kind {
                        NodeKind::Seq(items) => items.iter().collect(),
                        _ => vec![value],
                    };
                    for (i, item) in items.into_iter().enumerate() {
                        let item_path = format!("{path}[{i}]");
                        self.r.mark(&item_path, item.pos);
                        let Some(text) = self.r.text(item, &item_path) else {
                            continue;
                        };
                        let name = text.strip_suffix(".*").unwrap_or(&text);
                        self.r
                            .check_name(name, item.pos, &item_path, NameRule::DottedSnake);
                        out.fields.push(text);
                    }
                }
            }
        }
        out
    }

    fn settings(&mut self, node: &Node) -> Data {
        let mut out = Data::new();
        for (name, value) in self.r.entries(node, "settings", None) {
            let path = join("settings", name);
            self.r.check_name(name, value.pos, &path, NameRule::Snake);
            match &value.kind {
                NodeKind::Str(_) | NodeKind::Int(_) | NodeKind::Bool(_) | NodeKind::Float(_) => {
                    out.insert(name.to_owned(), value.to_json());
                }
                _ => self.r.problem(
                    value.pos,
                    &path,
                    ProblemKind::WrongType {
                        expected: "string, number or boolean",
                        found: value.type_name(),
                    },
                ),
            }
        }
        out
    }

    fn fields(&mut self, node: &Node) -> BTreeMap<String, FieldDef> {
        let mut out = BTreeMap::new();
        for (name, spec) in self.r.entries(node, "fields", None) {
            let path = join("fields", name);
            self.r
                .check_name(name, spec.pos, &path, NameRule::DottedSnake);
            if let Some(field) = self.field(spec, &path) {
                out.insert(name.to_owned(), field);
            }
        }
        out
    }

    fn field(&mut self, spec: &Node, path: &str) -> Option<FieldDef> {
        // Shorthand: `child.name: string`.
        if let NodeKind::Str(ty) = &spec.kind {
            let ty = self.scalar_type(ty, None, spec.pos, path)?;
            return Some(FieldDef {
                ty,
                required: false,
                title: String::new(),
                title_en: None,
                sensitive: false,
            });
        }
        let entries = self.r.entries(spec, path, Some(FIELD_KEYS));
        let ty_node = self.r.require(&entries, "type", spec.pos, path)?;
        let get = |k: &str| entries.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        let mut field = FieldDef {
            ty: FieldType::String,
            required: false,
            title: String::new(),
            title_en: None,
            sensitive: false,
        };
        let type_path = join(path, "type");
        let ty_name = self.r.text(ty_node, &type_path)?;
        field.ty = match ty_name.as_str() {
            "list" => {
                let Some(of) = get("of") else {
                    self.r
                        .problem(spec.pos, path, ProblemKind::MissingKey { key: "of" });
                    return None;
                };
                self.list_type(of, &join(path, "of"))?
            }
            other => self.scalar_type(other, get("values"), ty_node.pos, &type_path)?,
        };
        if let Some(v) = get("required") {
            field.required = self.r.flag(v, &join(path, "required"));
        }
        if let Some(v) = get("sensitive") {
            field.sensitive = self.r.flag(v, &join(path, "sensitive"));
        }
        if let Some(v) = get("title") {
            field.title = self.r.text(v, &join(path, "title")).unwrap_or_default();
        }
        if let Some(v) = get("title_en") {
            field.title_en = self.title_en(v, &join(path, "title_en"));
        }
        if let Some(v) = get("description") {
            self.r.text(v, &join(path, "description"));
        }
        Some(field)
    }

    fn scalar_type(
        &mut self,
        name: &str,
        values: Option<&Node>,
        pos: Pos,
        path: &str,
    ) -> Option<FieldType> {
        Some(match name {
            "string" => FieldType::String,
            "integer" => FieldType::Integer,
            "boolean" => FieldType::Boolean,
            "date" => FieldType::Date,
            "datetime" => FieldType::DateTime,
            "id_number" => FieldType::IdNumber,
            "enum" => {
                let Some(values) = values else {
                    self.r
                        .problem(pos, path, ProblemKind::MissingKey { key: "values" });
                    return None;
                };
                let values_path = path.replace(".type", ".values");
                let (values, labels) = self.enum_values(values, &values_path);
                if values.is_empty() {
                    self.r.problem(pos, &values_path, ProblemKind::EmptyEnum);
                    return None;
                }
                FieldType::Enum {
                    values,
                    labels: Labels(labels),
                }
            }
            other => {
                self.r.problem(
                    pos,
                    path,
                    ProblemKind::UnknownFieldType {
                        ty: other.to_owned(),
                        suggestion: closest(other, TYPE_NAMES.iter().copied()),
                    },
                );
                return None;
            }
        })
    }

    fn list_type(&mut self, of: &Node, path: &str) -> Option<FieldType> {
        match &of.kind {
            NodeKind::Str(name) => {
                if !SCALAR_TYPE_NAMES.contains(&name.as_str()) {
                    self.r.problem(
                        of.pos,
                        path,
                        ProblemKind::UnknownFieldType {
                            ty: name.clone(),
                            suggestion: closest(name, SCALAR_TYPE_NAMES.iter().copied()),
                        },
                    );
                    return None;
                }
                let inner = self.scalar_type(name, None, of.pos, path)?;
                Some(FieldType::List(Box::new(inner)))
            }
            NodeKind::Map(_) => {
                let mut record = BTreeMap::new();
                for (name, ty) in self.r.entries(of, path, None) {
                    let sub_path = join(path, name);
                    self.r.check_name(name, ty.pos, &sub_path, NameRule::Snake);
                    let sub = match &ty.kind {
                        NodeKind::Str(t) if t == "enum" => None,
                        NodeKind::Str(t) => self.scalar_type(t, None, ty.pos, &sub_path),
                        NodeKind::Map(_) => {
                            let entries = self.r.entries(ty, &sub_path, Some(&["type", "values"]));
                            let values = entries.iter().find(|(k, _)| *k == "values").map(|e| e.1);
                            entries
                                .iter()
                                .find(|(k, _)| *k == "type")
                                .and_then(|(_, t)| t.as_str())
                                .and_then(|t| self.scalar_type(t, values, ty.pos, &sub_path))
                        }
                        _ => None,
                    };
                    match sub {
                        Some(sub) => {
                            record.insert(name.to_owned(), sub);
                        }
                        None if !self.r.reported_at(&sub_path) => self.r.problem(
                            ty.pos,
                            &sub_path,
                            ProblemKind::WrongType {
                                expected: "a scalar type name or {type: enum, values: [...]}",
                                found: ty.type_name(),
                            },
                        ),
                        None => {}
                    }
                }
                Some(FieldType::Records(record))
            }
            _ => {
                self.r.problem(
                    of.pos,
                    path,
                    ProblemKind::WrongType {
                        expected: "a type name or a mapping of sub-fields",
                        found: of.type_name(),
                    },
                );
                None
            }
        }
    }

    fn start(&mut self, node: &Node) -> Start {
        let mut start = Start::default();
        for (key, value) in self.r.entries(node, "start", Some(START_KEYS)) {
            let path = join("start", key);
            match key {
                "roles" => start.roles = self.r.names(value, &path, NameRule::Snake),
                "requires" => start.requires = self.r.names(value, &path, NameRule::DottedSnake),
                "letters" => start.letters = self.r.names(value, &path, NameRule::Kebab),
                "deadlines" => start.deadlines = self.deadlines(value, &path),
                "act_time" => start.act_time = self.r.name(value, &path, NameRule::DottedSnake),
                _ => {}
            }
        }
        start
    }

    fn states(&mut self, node: &Node) -> Vec<StateDef> {
        let mut out = Vec::new();
        for (key, spec) in self.r.entries(node, "states", None) {
            let path = join("states", key);
            self.r.check_name(key, spec.pos, &path, NameRule::Snake);
            let mut state = StateDef {
                key: key.to_owned(),
                title: String::new(),
                title_en: None,
                initial: false,
                terminal: false,
            };
            for (k, v) in self.r.entries(spec, &path, Some(STATE_KEYS)) {
                let p = join(&path, k);
                match k {
                    "title" => state.title = self.r.text(v, &p).unwrap_or_default(),
                    "title_en" => state.title_en = self.title_en(v, &p),
                    "initial" => state.initial = self.r.flag(v, &p),
                    "final" => state.terminal = self.r.flag(v, &p),
                    _ => {
                        self.r.text(v, &p);
                    }
                }
            }
            out.push(state);
        }
        out
    }

    fn transitions(&mut self, node: &Node) -> Vec<TransitionDef> {
        let mut out = Vec::new();
        for (key, spec) in self.r.entries(node, "transitions", None) {
            let path = join("transitions", key);
            self.r.check_name(key, spec.pos, &path, NameRule::Snake);
            let entries = self.r.entries(spec, &path, Some(TRANSITION_KEYS));
            if spec.as_map().is_some() {
                self.r.require(&entries, "from", spec.pos, &path);
                self.r.require(&entries, "to", spec.pos, &path);
                self.r.require(&entries, "roles", spec.pos, &path);
            }
            let mut t = TransitionDef {
                key: key.to_owned(),
                title: String::new(),
                title_en: None,
                from: FromStates::Listed(Vec::new()),
                to: String::new(),
                roles: Vec::new(),
                requires: Vec::new(),
                guards: Vec::new(),
                letters: Vec::new(),
                deadlines: Vec::new(),
                cancels: Vec::new(),
                spawn: Vec::new(),
                in_time: None,
                act_time: None,
            };
            for (k, v) in entries {
                let p = join(&path, k);
                match k {
                    "title" => t.title = self.r.text(v, &p).unwrap_or_default(),
                    "title_en" => t.title_en = self.title_en(v, &p),
                    "description" => {
                        self.r.text(v, &p);
                    }
                    "from" => {
                        t.from = if v.as_str() == Some("*") {
                            FromStates::AnyOpen
                        } else {
                            FromStates::Listed(self.r.names(v, &p, NameRule::Snake))
                        }
                    }
                    "to" => t.to = self.r.name(v, &p, NameRule::Snake).unwrap_or_default(),
                    "roles" => t.roles = self.r.names(v, &p, NameRule::Snake),
                    "requires" => t.requires = self.r.names(v, &p, NameRule::DottedSnake),
                    "guard" => t.guards = self.guards(v, &p),
                    "letters" => t.letters = self.r.names(v, &p, NameRule::Kebab),
                    "deadlines" => t.deadlines = self.deadlines(v, &p),
                    "cancels" => t.cancels = self.r.names(v, &p, NameRule::Snake),
                    "spawn" => t.spawn = self.spawns(v, &p),
                    "in_time" => t.in_time = self.in_time(v, &p),
                    "act_time" => t.act_time = self.r.name(v, &p, NameRule::DottedSnake),
                    _ => {}
                }
            }
            out.push(t);
        }
        out
    }

    /// `in_time: { deadline: NAME, field: FIELD }`.
    fn in_time(&mut self, node: &Node, path: &str) -> Option<InTime> {
        let entries = self.r.entries(node, path, Some(&["deadline", "field"]));
        let deadline = self
            .r
            .require(&entries, "deadline", node.pos, path)
            .and_then(|d| self.r.name(d, &join(path, "deadline"), NameRule::Snake));
        let field = self
            .r
            .require(&entries, "field", node.pos, path)
            .and_then(|f| self.r.name(f, &join(path, "field"), NameRule::DottedSnake));
        Some(InTime {
            deadline: deadline?,
            field: field?,
        })
    }

    /// A guard is a CEL string, a `{cel, reason}` mapping, or a list of either.
    fn guards(&mut self, node: &Node, path: &str) -> Vec<GuardDef> {
        let items: Vec<(String, &Node)> = match &node.kind {
            NodeKind::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{path}[{i}]"), n))
                .collect(),
            _ => vec![(path.to_owned(), node)],
        };
        let mut out = Vec::new();
        for (p, item) in items {
            self.r.mark(&p, item.pos);
            match &item.kind {
                NodeKind::Str(s) => out.push(GuardDef {
                    source: s.clone(),
                    reason: None,
                    reason_en: None,
                }),
                NodeKind::Map(_) => {
                    let entries = self.r.entries(item, &p, Some(GUARD_KEYS));
                    let cel = self.r.require(&entries, "cel", item.pos, &p);
                    let reason = entries.iter().find(|(k, _)| *k == "reason").map(|e| e.1);
                    let reason = reason.and_then(|r| self.r.text(r, &join(&p, "reason")));
                    let reason_en = entries.iter().find(|(k, _)| *k == "reason_en");
                    let reason_en =
                        reason_en.and_then(|r| self.title_en(r.1, &join(&p, "reason_en")));
                    if let Some(source) = cel.and_then(|c| self.r.text(c, &join(&p, "cel"))) {
                        out.push(GuardDef {
                            source,
                            reason,
                            reason_en,
                        });
                    }
                }
                _ => self.r.problem(
                    item.pos,
                    &p,
                    ProblemKind::WrongType {
                        expected: "a CEL expression or {cel, reason}",
                        found: item.type_name(),
                    },
                ),
            }
        }
        out
    }

    fn deadlines(&mut self, node: &Node, path: &str) -> Vec<DeadlineDef> {
        let Some(items) = node.as_seq() else {
            self.r.problem(
                node.pos,
                path,
                ProblemKind::WrongType {
                    expected: "list",
                    found: node.type_name(),
                },
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            self.r.mark(&p, item.pos);
            let entries = self.r.entries(item, &p, Some(DEADLINE_KEYS));
            if item.as_map().is_none() {
                continue;
            }
            let get = |k: &str| entries.iter().find(|(key, _)| *key == k).map(|e| e.1);
            let name = self
                .r
                .require(&entries, "name", item.pos, &p)
                .and_then(|n| self.r.name(n, &join(&p, "name"), NameRule::Snake));
            // A fixed date is its own rule: `date_after: 18 years` (never with within or every).
            let fixed = get("date_after").and_then(|d| {
                let dp = join(&p, "date_after");
                match (get("within"), get("every")) {
                    (None, None) => self.period(d, &dp).map(DeadlineRule::DateAfter),
                    _ => {
                        self.r.problem(
                            d.pos,
                            &dp,
                            ProblemKind::UnknownKey {
                                key: "date_after".into(),
                                allowed: vec!["within", "every"],
                                suggestion: None,
                            },
                        );
                        None
                    }
                }
            });
            let rule = match (get("within"), get("every")) {
                _ if get("date_after").is_some() => fixed,
                (Some(w), None) => self
                    .period(w, &join(&p, "within"))
                    .map(DeadlineRule::Within),
                (None, Some(e)) => self.period(e, &join(&p, "every")).map(DeadlineRule::Every),
                (Some(_), Some(e)) => {
                    self.r.problem(
                        e.pos,
                        &join(&p, "every"),
                        ProblemKind::UnknownKey {
                            key: "every".into(),
                            allowed: vec!["within"],
                            suggestion: None,
                        },
                    );
                    None
                }
                (None, None) => {
                    self.r
                        .problem(item.pos, &p, ProblemKind::MissingKey { key: "within" });
                    None
                }
            };
            let from = match get("from") {
                None => DeadlineStart::Entered,
                Some(f) => match f.as_str() {
                    Some("entered") => DeadlineStart::Entered,
                    _ => self
                        .r
                        .name(f, &join(&p, "from"), NameRule::DottedSnake)
                        .map(DeadlineStart::Field)
                        .unwrap_or(DeadlineStart::Entered),
                },
            };
            let remind_before =
                get("remind_before").and_then(|r| self.period(r, &join(&p, "remind_before")));
            let on_breach = get("on_breach")
                .and_then(|b| self.r.name(b, &join(&p, "on_breach"), NameRule::Snake));
            let keep = get("keep").is_some_and(|k| self.r.flag(k, &join(&p, "keep")));
            let title = get("title")
                .and_then(|t| self.r.text(t, &join(&p, "title")))
                .unwrap_or_default();
            let title_en = get("title_en").and_then(|t| self.title_en(t, &join(&p, "title_en")));
            if let (Some(name), Some(rule)) = (name, rule) {
                out.push(DeadlineDef {
                    name,
                    title,
                    title_en,
                    rule,
                    from,
                    remind_before,
                    on_breach,
                    keep,
                });
            }
        }
        out
    }

    /// `spawn` is one mapping or a list of them.
    fn spawns(&mut self, node: &Node, path: &str) -> Vec<SpawnDef> {
        let items: Vec<(String, &Node)> = match &node.kind {
            NodeKind::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{path}[{i}]"), n))
                .collect(),
            _ => vec![(path.to_owned(), node)],
        };
        let mut out = Vec::new();
        for (p, item) in items {
            self.r.mark(&p, item.pos);
            let entries = self.r.entries(item, &p, Some(SPAWN_KEYS));
            if item.as_map().is_none() {
                continue;
            }
            let get = |k: &str| entries.iter().find(|(key, _)| *key == k).map(|e| e.1);
            let workflow = self
                .r
                .require(&entries, "workflow", item.pos, &p)
                .and_then(|w| self.r.name(w, &join(&p, "workflow"), NameRule::Kebab));
            let link = self
                .r
                .require(&entries, "link", item.pos, &p)
                .and_then(|l| self.r.name(l, &join(&p, "link"), NameRule::Snake));
            let mut data = BTreeMap::new();
            if let Some(d) = get("data") {
                let dp = join(&p, "data");
                for (target, source) in self.r.entries(d, &dp, None) {
                    let tp = join(&dp, target);
                    self.r
                        .check_name(target, source.pos, &tp, NameRule::DottedSnake);
                    if let Some(s) = self.r.name(source, &tp, NameRule::DottedSnake) {
                        data.insert(target.to_owned(), s);
                    }
                }
            }
            let mut set = Data::new();
            if let Some(s) = get("set") {
                let sp = join(&p, "set");
                for (target, value) in self.r.entries(s, &sp, None) {
                    self.r
                        .check_name(target, value.pos, &join(&sp, target), NameRule::DottedSnake);
                    set.insert(target.to_owned(), value.to_json());
                }
            }
            let for_each = get("for_each")
                .and_then(|f| self.r.name(f, &join(&p, "for_each"), NameRule::DottedSnake));
            let mut only = Data::new();
            if let Some(o) = get("only") {
                let op = join(&p, "only");
                for (sub, value) in self.r.entries(o, &op, None) {
                    self.r
                        .check_name(sub, value.pos, &join(&op, sub), NameRule::DottedSnake);
                    only.insert(sub.to_owned(), value.to_json());
                }
            }
            if let (Some(workflow), Some(link)) = (workflow, link) {
                out.push(SpawnDef {
                    workflow,
                    link,
                    data,
                    set,
                    for_each,
                    only,
                });
            }
        }
        out
    }
}
