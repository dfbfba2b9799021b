//! `letters/documents.yaml`: the machine-read table of the 13 formal documents (issuers, layout,
//! numbering, required fields, parts, copies, local-practice settings) and the labels that turn
//! enum values into words. Read with the span-keeping YAML loader so that every problem names its
//! line.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::LetterError;
use crate::yaml::{self, Limits, Node, NodeKind, Pos};

/// The kind of layout a document is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// GB/T 9704 公文: red head, 机关代字〔年〕N号, seal over an Arabic-numeral date.
    Gongwen,
    /// 执法文书: issuing body and title at the top, no red head, a service block.
    Enforcement,
    /// Court document: case number （2026）…号, Chinese-numeral date.
    Court,
    /// Party document: no number; signatures, fingerprints, witness.
    Party,
}

impl Layout {
    fn parse(s: &str) -> Option<Layout> {
        Some(match s {
            "gongwen" => Layout::Gongwen,
            "enforcement" => Layout::Enforcement,
            "court" => Layout::Court,
            "party" => Layout::Party,
            _ => return None,
        })
    }

    /// The name used in the table and in the HTML class.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Gongwen => "gongwen",
            Layout::Enforcement => "enforcement",
            Layout::Court => "court",
            Layout::Party => "party",
        }
    }
}

/// How a document issued by one body is numbered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum Numbering {
    /// No number (party documents; forms that refer to another document's number).
    None,
    /// Allocated by wardflow: `{prefix}〔{year}〕{n}号`, where the prefix is the pattern with
    /// `{code}` replaced by the issuing body's 机关代字.
    Allocated { pattern: String },
    /// A court case number entered by the user, checked for form.
    External,
}

/// One body that may issue a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssuerSpec {
    pub role: String,
    /// Overrides the document's layout for this issuer (a court's 训诫书 is a court document).
    pub layout: Option<Layout>,
    pub numbering: Numbering,
    /// For external numbering: the case field that holds the court case number, so a letter
    /// issued by a transition takes its number from the case (else `letter issue --number`).
    pub number_from: Option<String>,
    /// Fields this issuer's version needs besides the document's own.
    pub requires: Vec<String>,
    pub optional: Vec<String>,
    /// The numbering or the issuer's part in the document is local practice [L]: a profile may
    /// change it.
    pub local: bool,
}

/// A recipient of a copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopySpec {
    pub to: String,
    /// Local practice [L], not a legal requirement.
    pub local: bool,
}

/// A local-practice element [L] as a profile setting: its default and why it is local.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalSetting {
    pub default: Value,
    pub note: String,
}

/// One document of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocSpec {
    pub key: String,
    pub title: String,
    /// The Handlebars template, a file name inside the letters directory.
    pub template: String,
    pub layout: Layout,
    pub issuers: Vec<IssuerSpec>,
    /// Case-data fields that must be set, or the letter is refused.
    pub requires: Vec<String>,
    /// Case-data fields printed when set (a blank to fill by hand otherwise).
    pub optional: Vec<String>,
    /// The parts of a multi-part form (存根 / 正本 / 副本), in printing order; empty for one part.
    pub parts: Vec<String>,
    pub copies: Vec<CopySpec>,
    /// Whether the layout prints the copies note (一式N份…); the 公文 layout prints 抄送 instead.
    pub copies_note: bool,
    pub local: BTreeMap<String, LocalSetting>,
    /// Legal basis, for the README and the reader; not printed.
    pub basis: Vec<String>,
    /// Where the entry is in documents.yaml.
    #[serde(skip)]
    pub pos: Pos,
}

impl DocSpec {
    pub fn issuer(&self, role: &str) -> Option<&IssuerSpec> {
        self.issuers.iter().find(|i| i.role == role)
    }

    /// Every field the document declares, required or optional, for any issuer.
    pub fn declared_fields(&self) -> impl Iterator<Item = &String> {
        self.requires.iter().chain(&self.optional).chain(
            self.issuers
                .iter()
                .flat_map(|i| i.requires.iter().chain(&i.optional)),
        )
    }
}

/// The whole table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub documents: BTreeMap<String, DocSpec>,
    /// Vocabulary → enum value → words. A vocabulary is named after a field (`placement.kind`)
    /// or after its last segment (`sex`, which serves `child.sex` and `carer.sex`).
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
}

/// Top-level names of the template context that are not case data.
pub const RESERVED: [&str; 3] = ["letter", "issuer", "local"];

struct Decoder<'a> {
    file: &'a str,
}

impl Decoder<'_> {
    fn err(&self, pos: Pos, message: impl Into<String>) -> LetterError {
        LetterError::Table {
            file: self.file.to_owned(),
            line: Some(pos.line),
            column: Some(pos.column),
            message: message.into(),
        }
    }

    fn map<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [(Node, Node)], LetterError> {
        node.as_map().ok_or_else(|| {
            self.err(
                node.pos,
                format!("{what} must be a mapping, not a {}", node.type_name()),
            )
        })
    }

    fn str<'n>(&self, node: &'n Node, what: &str) -> Result<&'n str, LetterError> {
        node.as_str().ok_or_else(|| {
            self.err(
                node.pos,
                format!("{what} must be a string, not a {}", node.type_name()),
            )
        })
    }

    fn key<'n>(&self, node: &'n Node) -> Result<&'n str, LetterError> {
        self.str(node, "a key")
    }

    fn bool(&self, node: &Node, what: &str) -> Result<bool, LetterError> {
        node.as_bool()
            .ok_or_else(|| self.err(node.pos, format!("{what} must be true or false")))
    }

    fn only_keys(
        &self,
        entries: &[(Node, Node)],
        allowed: &[&str],
        what: &str,
    ) -> Result<(), LetterError> {
        for (k, _) in entries {
            let name = self.key(k)?;
            if !allowed.contains(&name) {
                let hint = crate::suggest::closest(name, allowed.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(self.err(k.pos, format!("unknown key `{name}` in {what}{hint}")));
            }
        }
        Ok(())
    }

    fn strings(&self, node: &Node, what: &str) -> Result<Vec<String>, LetterError> {
        let items = node
            .as_seq()
            .ok_or_else(|| self.err(node.pos, format!("{what} must be a list")))?;
        items
            .iter()
            .map(|n| self.str(n, what).map(str::to_owned))
            .collect()
    }

    fn fields(&self, node: &Node, what: &str) -> Result<Vec<String>, LetterError> {
        let items = node
            .as_seq()
            .ok_or_else(|| self.err(node.pos, format!("{what} must be a list of field names")))?;
        let mut out = Vec::new();
        for n in items {
            let f = self.str(n, what)?;
            if !is_field_name(f) {
                return Err(self.err(
                    n.pos,
                    format!("`{f}` is not a dotted field name such as child.name"),
                ));
            }
            if RESERVED.contains(&f.split('.').next().unwrap_or_default()) {
                return Err(self.err(
                    n.pos,
                    format!("`{f}`: `letter`, `issuer` and `local` are not case data"),
                ));
            }
            if out.iter().any(|o| o == f) {
                return Err(self.err(n.pos, format!("field `{f}` is listed twice")));
            }
            out.push(f.to_owned());
        }
        Ok(out)
    }
}

/// A flat dotted field name: `child.name`, `assessment.child_wishes`.
pub fn is_field_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|seg| {
            seg.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && seg
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// Parses and checks `documents.yaml`. `file` names it in errors.
pub fn parse(src: &[u8], file: &str) -> Result<Table, LetterError> {
    let d = Decoder { file };
    let root = yaml::parse(src, Limits::default()).map_err(|e| LetterError::Table {
        file: file.to_owned(),
        line: e.pos.map(|p| p.line),
        column: e.pos.map(|p| p.column),
        message: e.kind.to_string(),
    })?;
    let top = d.map(&root, "the table")?;
    d.only_keys(top, &["documents", "labels"], "the table")?;

    let mut labels = BTreeMap::new();
    if let Some(node) = root.get("labels") {
        for (k, v) in d.map(node, "labels")? {
            let vocab = d.key(k)?;
            let mut words = BTreeMap::new();
            for (vk, vv) in d.map(v, &format!("labels.{vocab}"))? {
                let value = match &vk.kind {
                    NodeKind::Str(s) => s.clone(),
                    NodeKind::Bool(b) => b.to_string(),
                    _ => return Err(d.err(vk.pos, "a label's key must be an enum value")),
                };
                words.insert(value, d.str(vv, "a label")?.to_owned());
            }
            labels.insert(vocab.to_owned(), words);
        }
    }

    let docs_node = root
        .get("documents")
        .ok_or_else(|| d.err(root.pos, "the table has no `documents`"))?;
    let mut documents = BTreeMap::new();
    for (k, v) in d.map(docs_node, "documents")? {
        let key = d.key(k)?;
        if !crate::definition::is_kebab_name(key) {
            return Err(d.err(k.pos, format!("document key `{key}` must be kebab-case")));
        }
        let spec = doc(&d, key, k.pos, v)?;
        documents.insert(key.to_owned(), spec);
    }
    Ok(Table { documents, labels })
}

fn doc(d: &Decoder, key: &str, pos: Pos, node: &Node) -> Result<DocSpec, LetterError> {
    let entries = d.map(node, &format!("document `{key}`"))?;
    d.only_keys(
        entries,
        &[
            "title",
            "template",
            "layout",
            "issuers",
            "requires",
            "optional",
            "parts",
            "copies",
            "copies_note",
            "local",
            "basis",
            "confidence",
        ],
        &format!("document `{key}`"),
    )?;
    let need = |name: &str| {
        node.get(name)
            .ok_or_else(|| d.err(pos, format!("document `{key}` has no `{name}`")))
    };
    let title = d.str(need("title")?, "title")?.to_owned();
    let template_node = need("template")?;
    let template = d.str(template_node, "template")?.to_owned();
    if template.contains('/') || template.contains('\\') || !template.ends_with(".hbs") {
        return Err(d.err(
            template_node.pos,
            "template must be a `.hbs` file name in the letters directory",
        ));
    }
    let layout_node = need("layout")?;
    let layout = Layout::parse(d.str(layout_node, "layout")?).ok_or_else(|| {
        d.err(
            layout_node.pos,
            "layout must be gongwen, enforcement, court or party",
        )
    })?;

    let mut issuers = Vec::new();
    let issuers_node = need("issuers")?;
    for (rk, rv) in d.map(issuers_node, "issuers")? {
        let role = d.key(rk)?;
        if crate::letters::format::role_name(role).is_none() {
            return Err(d.err(rk.pos, format!("`{role}` is not a role of the domain")));
        }
        issuers.push(issuer(d, role, rv, layout)?);
    }
    if issuers.is_empty() {
        return Err(d.err(issuers_node.pos, format!("document `{key}` has no issuer")));
    }

    let requires = match node.get("requires") {
        Some(n) => d.fields(n, "requires")?,
        None => Vec::new(),
    };
    let optional = match node.get("optional") {
        Some(n) => d.fields(n, "optional")?,
        None => Vec::new(),
    };
    if let Some(f) = requires.iter().find(|f| optional.contains(f)) {
        return Err(d.err(
            pos,
            format!("document `{key}`: `{f}` is both required and optional"),
        ));
    }
    let parts = match node.get("parts") {
        Some(n) => d.strings(n, "parts")?,
        None => Vec::new(),
    };
    let mut copies = Vec::new();
    if let Some(n) = node.get("copies") {
        let items = n
            .as_seq()
            .ok_or_else(|| d.err(n.pos, "copies must be a list"))?;
        for item in items {
            copies.push(match &item.kind {
                NodeKind::Str(s) => CopySpec {
                    to: s.clone(),
                    local: false,
                },
                NodeKind::Map(entries) => {
                    d.only_keys(entries, &["to", "local"], "a copy")?;
                    let to = item
                        .get("to")
                        .ok_or_else(|| d.err(item.pos, "a copy needs `to`"))?;
                    CopySpec {
                        to: d.str(to, "to")?.to_owned(),
                        local: match item.get("local") {
                            Some(l) => d.bool(l, "local")?,
                            None => false,
                        },
                    }
                }
                _ => return Err(d.err(item.pos, "a copy is a recipient, or {to: …, local: true}")),
            });
        }
    }
    let copies_note = match node.get("copies_note") {
        Some(n) => d.bool(n, "copies_note")?,
        None => layout != Layout::Gongwen,
    };
    let mut local = BTreeMap::new();
    if let Some(n) = node.get("local") {
        for (sk, sv) in d.map(n, "local")? {
            let name = d.key(sk)?;
            if !is_field_name(name) || name.contains('.') {
                return Err(d.err(
                    sk.pos,
                    format!("local setting `{name}` must be a snake_case name"),
                ));
            }
            let entries = d.map(sv, &format!("local setting `{name}`"))?;
            d.only_keys(
                entries,
                &["default", "note"],
                &format!("local setting `{name}`"),
            )?;
            let default = sv
                .get("default")
                .ok_or_else(|| d.err(sv.pos, format!("local setting `{name}` has no default")))?;
            let value = default.to_json();
            if setting_kind(&value).is_none() {
                return Err(d.err(
                    default.pos,
                    "a local setting is a boolean, an integer, a string or a list of strings",
                ));
            }
            if !crate::profile::number_in_bounds(&value) {
                return Err(d.err(default.pos, crate::profile::BOUNDED_NUMBER));
            }
            let note = match sv.get("note") {
                Some(n) => d.str(n, "note")?.to_owned(),
                None => String::new(),
            };
            local.insert(
                name.to_owned(),
                LocalSetting {
                    default: value,
                    note,
                },
            );
        }
    }
    // A copies list with local entries becomes a setting a profile may replace.
    if copies.iter().any(|c| c.local) && !local.contains_key("copies") {
        local.insert(
            "copies".to_owned(),
            LocalSetting {
                default: Value::Array(copies.iter().map(|c| Value::String(c.to.clone())).collect()),
                note: "who receives a copy is partly local practice [L]".to_owned(),
            },
        );
    }
    let basis = match node.get("basis") {
        Some(n) => d.strings(n, "basis")?,
        None => Vec::new(),
    };
    if let Some(c) = node.get("confidence") {
        d.str(c, "confidence")?;
    }
    Ok(DocSpec {
        key: key.to_owned(),
        title,
        template,
        layout,
        issuers,
        requires,
        optional,
        parts,
        copies,
        copies_note,
        local,
        basis,
        pos,
    })
}

fn issuer(
    d: &Decoder,
    role: &str,
    node: &Node,
    doc_layout: Layout,
) -> Result<IssuerSpec, LetterError> {
    let what = format!("issuer `{role}`");
    let entries = d.map(node, &what)?;
    d.only_keys(
        entries,
        &[
            "numbering",
            "pattern",
            "layout",
            "number_from",
            "requires",
            "optional",
            "local",
        ],
        &what,
    )?;
    let layout =
        match node.get("layout") {
            Some(n) => Some(Layout::parse(d.str(n, "layout")?).ok_or_else(|| {
                d.err(n.pos, "layout must be gongwen, enforcement, court or party")
            })?),
            None => None,
        };
    let mode_node = node.get("numbering").ok_or_else(|| {
        d.err(
            node.pos,
            format!("{what} has no `numbering` (none, allocated or external)"),
        )
    })?;
    let pattern = node.get("pattern");
    let numbering = match d.str(mode_node, "numbering")? {
        "none" => Numbering::None,
        "external" => Numbering::External,
        "allocated" => {
            let p = pattern.ok_or_else(|| {
                d.err(
                    node.pos,
                    format!(
                        "{what}: allocated numbering needs a `pattern` such as \"{{code}}告诫字\""
                    ),
                )
            })?;
            let pattern = d.str(p, "pattern")?.to_owned();
            if pattern.contains('〔') || pattern.contains('号') {
                return Err(d.err(
                    p.pos,
                    "the pattern is only the prefix; 〔year〕N号 is added",
                ));
            }
            Numbering::Allocated { pattern }
        }
        other => {
            return Err(d.err(
                mode_node.pos,
                format!("numbering `{other}` must be none, allocated or external"),
            ));
        }
    };
    if pattern.is_some() && !matches!(numbering, Numbering::Allocated { .. }) {
        return Err(d.err(
            node.pos,
            format!("{what}: a pattern is only for allocated numbering"),
        ));
    }
    let number_from = match node.get("number_from") {
        Some(n) if numbering == Numbering::External => Some(d.str(n, "number_from")?.to_owned()),
        Some(n) => {
            return Err(d.err(
                n.pos,
                format!("{what}: `number_from` (the field holding a court case number) is only for external numbering"),
            ));
        }
        None => None,
    };
    let effective = layout.unwrap_or(doc_layout);
    match (&numbering, effective) {
        (Numbering::External, l) if l != Layout::Court => {
            return Err(d.err(
                mode_node.pos,
                "external (court) numbering needs the court layout",
            ));
        }
        (Numbering::Allocated { .. } | Numbering::External, Layout::Party) => {
            return Err(d.err(mode_node.pos, "party documents carry no number"));
        }
        _ => {}
    }
    let mut requires = match node.get("requires") {
        Some(n) => d.fields(n, "requires")?,
        None => Vec::new(),
    };
    // The number is part of the letter: the field it comes from is required like any other.
    if let Some(field) = &number_from
        && !requires.contains(field)
    {
        requires.push(field.clone());
    }
    Ok(IssuerSpec {
        role: role.to_owned(),
        layout,
        numbering,
        number_from,
        requires,
        optional: match node.get("optional") {
            Some(n) => d.fields(n, "optional")?,
            None => Vec::new(),
        },
        local: match node.get("local") {
            Some(n) => d.bool(n, "local")?,
            None => false,
        },
    })
}

/// The kind of a local setting's value: `bool`, `integer`, `string` or `list`.
pub fn setting_kind(v: &Value) -> Option<&'static str> {
    match v {
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() => Some("integer"),
        Value::String(_) => Some("string"),
        Value::Array(items) if items.iter().all(Value::is_string) => Some("list of strings"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_line(src: &str) -> (Option<u32>, String) {
        match parse(src.as_bytes(), "documents.yaml") {
            Err(LetterError::Table { line, message, .. }) => (line, message),
            other => panic!("expected a table error, got {other:?}"),
        }
    }

    const GOOD: &str = "documents:\n  reprimand:\n    title: 训诫书\n    template: reprimand.hbs\n    layout: enforcement\n    issuers:\n      police: { numbering: allocated, pattern: \"{code}训诫字\" }\n    requires: [guardian.name]\n";

    #[test]
    fn a_good_entry() {
        let t = parse(GOOD.as_bytes(), "documents.yaml").unwrap();
        let d = &t.documents["reprimand"];
        assert_eq!(d.layout, Layout::Enforcement);
        assert_eq!(
            d.issuers[0].numbering,
            Numbering::Allocated {
                pattern: "{code}训诫字".into()
            }
        );
        assert!(d.copies_note);
    }

    #[test]
    fn errors_name_the_line() {
        let (line, msg) = err_line(&GOOD.replace("layout: enforcement", "layout: letter"));
        assert_eq!(line, Some(5));
        assert!(msg.contains("layout"), "{msg}");
        let (line, msg) = err_line(&GOOD.replace("requires:", "require:"));
        assert_eq!(line, Some(8));
        assert!(msg.contains("did you mean `requires`"), "{msg}");
        let (line, msg) = err_line(&GOOD.replace("[guardian.name]", "[Guardian Name]"));
        assert_eq!(line, Some(8));
        assert!(msg.contains("dotted field name"), "{msg}");
        let (line, _) = err_line(&GOOD.replace("numbering: allocated, ", "numbering: court, "));
        assert_eq!(line, Some(7));
        let (line, msg) = err_line(&GOOD.replace("\"{code}训诫字\"", "\"{code}训诫字〔2026〕\""));
        assert_eq!(line, Some(7));
        assert!(msg.contains("prefix"), "{msg}");
        let (line, msg) = err_line(&GOOD.replace("police:", "sheriff:"));
        assert_eq!(line, Some(7));
        assert!(msg.contains("not a role"), "{msg}");
        let (line, msg) = err_line("documents:\n  a: [\n");
        assert!(line.is_some(), "{msg}");
    }
}
