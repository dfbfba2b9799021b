//! `letters/documents.yaml`: the machine-read table of the 13 formal documents (issuers, layout,
//! numbering, required fields, parts, copies, local-practice settings) and the labels that turn
//! enum values into words. Read with the span-keeping YAML loader so that every problem names its
//! line.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::LetterError;
use crate::problem::{NameRule, ProblemKind};
use crate::reader::{self, Reader, join};
use crate::yaml::{Node, NodeKind, Pos};

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

/// Which of GB/T 9704-2012's formats a 公文 is printed in (the other layouts are not 公文).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// 文件格式 (7.2): the red issuing-body mark 35 mm below the top of the text block, the
    /// number centred two lines under it, the red rule, and the 版记 with 印发机关和日期.
    File,
    /// 信函格式 (10.1): the red mark 30 mm from the top edge of the paper, red double lines
    /// 170 mm long under it and 20 mm above the bottom edge, the number flush right, no page
    /// number on the first page, a 版记 of 抄送 only.
    Letter,
}

impl Format {
    fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "file" => Format::File,
            "letter" => Format::Letter,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::File => "file",
            Format::Letter => "letter",
        }
    }

    /// The standard's name for it.
    pub fn title(self) -> &'static str {
        match self {
            Format::File => "文件格式",
            Format::Letter => "信函格式",
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
    /// Who, as a category (学校, 村（居）民委员会): printed when the case does not name the body.
    pub to: String,
    /// Local practice [L], not a legal requirement.
    pub local: bool,
    /// The case field that names this recipient (`child.school`); declared by the document.
    pub field: Option<String>,
    /// The role the recipient acts in (`police`): the profile's issuing body in that role names
    /// it, and a letter its own body issues keeps that copy on file instead of copying itself.
    pub role: Option<String>,
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
    /// Its English name for listings and messages under `--lang en`; never printed on it.
    pub title_en: Option<String>,
    /// The Handlebars template, a file name inside the letters directory.
    pub template: String,
    pub layout: Layout,
    /// For a 公文 (`gongwen`), GB/T 9704's format it is printed in; None for the other layouts.
    pub format: Option<Format>,
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

    /// Every field the document declares, required or optional, for any issuer, and the fields
    /// that name its recipients.
    pub fn declared_fields(&self) -> impl Iterator<Item = &String> {
        self.requires
            .iter()
            .chain(&self.optional)
            .chain(
                self.issuers
                    .iter()
                    .flat_map(|i| i.requires.iter().chain(&i.optional)),
            )
            .chain(self.copies.iter().filter_map(|c| c.field.as_ref()))
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

const TOP_KEYS: &[&str] = &["documents", "labels"];
const DOC_KEYS: &[&str] = &[
    "title",
    "title_en",
    "template",
    "layout",
    "format",
    "issuers",
    "requires",
    "optional",
    "parts",
    "copies",
    "copies_note",
    "local",
    "basis",
    "confidence",
];
const ISSUER_KEYS: &[&str] = &[
    "numbering",
    "pattern",
    "layout",
    "number_from",
    "requires",
    "optional",
    "local",
];
const COPY_KEYS: &[&str] = &["to", "local", "field", "role"];
const LOCAL_KEYS: &[&str] = &["default", "note"];
const LAYOUTS: &[&str] = &["gongwen", "enforcement", "court", "party"];
const FORMATS: &[&str] = &["file", "letter"];
const NUMBERINGS: &[&str] = &["none", "allocated", "external"];

/// Parses and checks `documents.yaml`, reporting every problem with its position. `file` names
/// it in the problems.
pub fn parse(src: &[u8], file: &str) -> Result<Table, LetterError> {
    let root = reader::parse(file, src).map_err(LetterError::Table)?;
    let mut r = Reader::default();
    if matches!(root.kind, NodeKind::Null) {
        r.wrong_type(&root, "", "mapping");
    }
    let top = r.entries(&root, "", Some(TOP_KEYS));
    let labels = match reader::find(&top, "labels") {
        Some(node) => labels(&mut r, node),
        None => BTreeMap::new(),
    };
    let mut documents = BTreeMap::new();
    if root.as_map().is_some()
        && let Some(docs) = r.require(&top, "documents", root.pos, "")
    {
        for entry in r.keyed(docs, "documents", None) {
            let path = join("documents", entry.key);
            if !r.check_name(entry.key, entry.key_pos, &path, NameRule::Kebab) {
                continue;
            }
            if let Some(spec) = doc(&mut r, entry.key, entry.key_pos, entry.value) {
                documents.insert(entry.key.to_owned(), spec);
            }
        }
    }
    r.finish(file, Table { documents, labels })
        .map_err(LetterError::Table)
}

/// `labels: { vocabulary: { enum value: words } }`; an enum value may be written as a boolean.
fn labels(r: &mut Reader, node: &Node) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut labels = BTreeMap::new();
    for (vocab, v) in r.entries(node, "labels", None) {
        let path = join("labels", vocab);
        let Some(entries) = v.as_map() else {
            r.wrong_type(v, &path, "mapping");
            continue;
        };
        let mut words = BTreeMap::new();
        for (vk, vv) in entries {
            let value = match &vk.kind {
                NodeKind::Str(s) => s.clone(),
                NodeKind::Bool(b) => b.to_string(),
                _ => {
                    r.wrong_type(vk, &path, "string key");
                    continue;
                }
            };
            if let Some(w) = r.string(vv, &join(&path, &value)) {
                words.insert(value, w.to_owned());
            }
        }
        labels.insert(vocab.to_owned(), words);
    }
    labels
}

/// A list of dotted case-data field names, each once.
fn fields(r: &mut Reader, node: &Node, path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, n) in r.seq(node, path).iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let Some(f) = r.string(n, &item_path) else {
            continue;
        };
        if !is_field_name(f) {
            let kind = ProblemKind::BadName {
                name: f.to_owned(),
                rule: NameRule::DottedSnake,
            };
            r.problem(n.pos, &item_path, kind);
        } else if RESERVED.contains(&f.split('.').next().unwrap_or_default()) {
            let kind = ProblemKind::ReservedLetterField {
                field: f.to_owned(),
            };
            r.problem(n.pos, &item_path, kind);
        } else if out.iter().any(|o| o == f) {
            let kind = ProblemKind::DuplicateName { name: f.to_owned() };
            r.problem(n.pos, &item_path, kind);
        } else {
            out.push(f.to_owned());
        }
    }
    out
}

/// A layout name, or `None` after reporting another word.
fn layout(r: &mut Reader, node: &Node, path: &str) -> Option<Layout> {
    r.one_of(node, path, LAYOUTS).and_then(Layout::parse)
}

/// The recipients of copies: a name, or `{to: name, local: true}` for local practice [L].
fn copies(r: &mut Reader, node: &Node, path: &str) -> Vec<CopySpec> {
    let mut copies = Vec::new();
    for (i, item) in r.seq(node, path).iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        match &item.kind {
            NodeKind::Str(s) => copies.push(CopySpec {
                to: s.clone(),
                local: false,
                field: None,
                role: None,
            }),
            NodeKind::Map(_) => {
                let entries = r.entries(item, &item_path, Some(COPY_KEYS));
                let to = r
                    .require(&entries, "to", item.pos, &item_path)
                    .and_then(|n| r.string(n, &join(&item_path, "to")));
                let local = reader::find(&entries, "local")
                    .is_some_and(|n| r.flag(n, &join(&item_path, "local")));
                let field = reader::find(&entries, "field").and_then(|n| {
                    let at = join(&item_path, "field");
                    let f = r.string(n, &at)?;
                    if is_field_name(f) {
                        Some(f.to_owned())
                    } else {
                        let kind = ProblemKind::BadName {
                            name: f.to_owned(),
                            rule: NameRule::DottedSnake,
                        };
                        r.problem(n.pos, &at, kind);
                        None
                    }
                });
                let role = reader::find(&entries, "role").and_then(|n| {
                    let at = join(&item_path, "role");
                    let role = r.string(n, &at)?.to_owned();
                    r.check_name(&role, n.pos, &at, NameRule::Snake)
                        .then_some(role)
                });
                if let Some(to) = to {
                    copies.push(CopySpec {
                        to: to.to_owned(),
                        local,
                        field,
                        role,
                    });
                }
            }
            _ => r.wrong_type(item, &item_path, "a recipient or {to, local, field, role}"),
        }
    }
    copies
}

/// The local-practice settings [L] of a document, by snake_case name.
fn local_settings(r: &mut Reader, node: &Node, path: &str) -> BTreeMap<String, LocalSetting> {
    let mut local = BTreeMap::new();
    for entry in r.keyed(node, path, None) {
        let setting_path = join(path, entry.key);
        if !r.check_name(entry.key, entry.key_pos, &setting_path, NameRule::Snake) {
            continue;
        }
        let entries = r.entries(entry.value, &setting_path, Some(LOCAL_KEYS));
        if entry.value.as_map().is_none() {
            continue;
        }
        let note = reader::find(&entries, "note")
            .and_then(|n| r.string(n, &join(&setting_path, "note")))
            .unwrap_or_default()
            .to_owned();
        let Some(default) = r.require(&entries, "default", entry.value.pos, &setting_path) else {
            continue;
        };
        let value = default.to_json();
        if setting_kind(&value).is_none() {
            let expected = "a boolean, an integer, text or a list of text";
            r.wrong_type(default, &join(&setting_path, "default"), expected);
            continue;
        }
        if !crate::profile::number_in_bounds(&value) {
            let expected = crate::profile::BOUNDED_NUMBER;
            r.wrong_type(default, &join(&setting_path, "default"), expected);
            continue;
        }
        local.insert(
            entry.key.to_owned(),
            LocalSetting {
                default: value,
                note,
            },
        );
    }
    local
}

fn doc(r: &mut Reader, key: &str, pos: Pos, node: &Node) -> Option<DocSpec> {
    let path = join("documents", key);
    let entries = r.entries(node, &path, Some(DOC_KEYS));
    if node.as_map().is_none() {
        if matches!(node.kind, NodeKind::Null) {
            r.wrong_type(node, &path, "mapping");
        }
        return None;
    }
    let at = |name: &str| join(&path, name);
    let title = r
        .require(&entries, "title", pos, &path)
        .and_then(|n| r.string(n, &at("title")));
    let title_en = reader::find(&entries, "title_en")
        .and_then(|n| r.string(n, &at("title_en")))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let template = r.require(&entries, "template", pos, &path).and_then(|n| {
        let t = r.string(n, &at("template"))?;
        let ok = !t.contains('/') && !t.contains('\\') && t.ends_with(".hbs");
        if !ok {
            let kind = ProblemKind::BadTemplateName { name: t.to_owned() };
            r.problem(n.pos, &at("template"), kind);
        }
        ok.then_some(t)
    });
    let layout = r
        .require(&entries, "layout", pos, &path)
        .and_then(|n| layout(r, n, &at("layout")));
    // A 公文 says which of GB/T 9704's formats it is printed in; no other layout has one.
    let format = match (reader::find(&entries, "format"), layout) {
        (Some(n), Some(Layout::Gongwen)) => {
            r.one_of(n, &at("format"), FORMATS).and_then(Format::parse)
        }
        (Some(n), Some(_)) => {
            r.wrong_type(
                n,
                &at("format"),
                "nothing: only a gongwen document has a format",
            );
            None
        }
        (None, Some(Layout::Gongwen)) => {
            r.require(&entries, "format", pos, &path);
            None
        }
        _ => None,
    };

    let mut issuers = Vec::new();
    if let Some(node) = r.require(&entries, "issuers", pos, &path) {
        let listed = r.keyed(node, &at("issuers"), None);
        if listed.is_empty() && matches!(node.kind, NodeKind::Map(_) | NodeKind::Null) {
            let kind = ProblemKind::NoIssuer {
                document: key.to_owned(),
            };
            r.problem(node.pos, &at("issuers"), kind);
        }
        for entry in listed {
            let issuer_path = join(&at("issuers"), entry.key);
            // Roles are the workflows' words; publishing checks the letters they issue.
            if !r.check_name(entry.key, entry.key_pos, &issuer_path, NameRule::Snake) {
                continue;
            }
            if let Some(i) = issuer(r, entry.key, entry.value, &issuer_path, layout) {
                issuers.push(i);
            }
        }
    }

    let list = |r: &mut Reader, name: &str| match reader::find(&entries, name) {
        Some(n) => fields(r, n, &at(name)),
        None => Vec::new(),
    };
    let requires = list(r, "requires");
    let optional = list(r, "optional");
    if let (Some(f), Some(n)) = (
        requires.iter().find(|f| optional.contains(f)),
        reader::find(&entries, "optional"),
    ) {
        let kind = ProblemKind::RequiredAndOptional { field: f.clone() };
        r.problem(n.pos, &at("optional"), kind);
    }
    let parts = match reader::find(&entries, "parts") {
        Some(n) => r.strings(n, &at("parts")),
        None => Vec::new(),
    };
    let copies = match reader::find(&entries, "copies") {
        Some(n) => copies(r, n, &at("copies")),
        None => Vec::new(),
    };
    let copies_note = match reader::find(&entries, "copies_note") {
        Some(n) => r.flag(n, &at("copies_note")),
        None => layout != Some(Layout::Gongwen),
    };
    let mut local = match reader::find(&entries, "local") {
        Some(n) => local_settings(r, n, &at("local")),
        None => BTreeMap::new(),
    };
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
    let basis = match reader::find(&entries, "basis") {
        Some(n) => r.strings(n, &at("basis")),
        None => Vec::new(),
    };
    if let Some(c) = reader::find(&entries, "confidence") {
        r.string(c, &at("confidence"));
    }
    Some(DocSpec {
        key: key.to_owned(),
        title: title?.to_owned(),
        title_en,
        template: template?.to_owned(),
        layout: layout?,
        format,
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
    r: &mut Reader,
    role: &str,
    node: &Node,
    path: &str,
    doc_layout: Option<Layout>,
) -> Option<IssuerSpec> {
    let entries = r.entries(node, path, Some(ISSUER_KEYS));
    if node.as_map().is_none() {
        if matches!(node.kind, NodeKind::Null) {
            r.wrong_type(node, path, "mapping");
        }
        return None;
    }
    let at = |name: &str| join(path, name);
    let layout = reader::find(&entries, "layout").and_then(|n| layout(r, n, &at("layout")));
    let mode_node = r.require(&entries, "numbering", node.pos, path);
    let mode = mode_node.and_then(|n| r.one_of(n, &at("numbering"), NUMBERINGS));
    let pattern = reader::find(&entries, "pattern");
    let numbering = match (mode, pattern) {
        (Some("none"), _) => Some(Numbering::None),
        (Some("external"), _) => Some(Numbering::External),
        (Some(_), None) => {
            r.problem(node.pos, path, ProblemKind::MissingKey { key: "pattern" });
            None
        }
        (Some(_), Some(p)) => r.string(p, &at("pattern")).and_then(|text| {
            if text.contains('〔') || text.contains('号') {
                let kind = ProblemKind::PatternHasNumber {
                    pattern: text.to_owned(),
                };
                r.problem(p.pos, &at("pattern"), kind);
                return None;
            }
            Some(Numbering::Allocated {
                pattern: text.to_owned(),
            })
        }),
        (None, _) => None,
    };
    if let (Some("none" | "external"), Some(p)) = (mode, pattern) {
        let kind = ProblemKind::PatternNotAllocated {
            role: role.to_owned(),
        };
        r.problem(p.pos, &at("pattern"), kind);
    }
    let number_from = match reader::find(&entries, "number_from") {
        Some(n) if mode == Some("external") => r.string(n, &at("number_from")).map(str::to_owned),
        Some(n) => {
            if mode.is_some() {
                let kind = ProblemKind::NumberFromNotExternal {
                    role: role.to_owned(),
                };
                r.problem(n.pos, &at("number_from"), kind);
            }
            None
        }
        None => None,
    };
    if let (Some(mode), Some(mode_node), Some(effective)) = (mode, mode_node, layout.or(doc_layout))
    {
        let kind = match (mode, effective) {
            ("external", l) if l != Layout::Court => Some(ProblemKind::ExternalNeedsCourt {
                role: role.to_owned(),
            }),
            ("allocated" | "external", Layout::Party) => Some(ProblemKind::PartyNumbered {
                role: role.to_owned(),
            }),
            _ => None,
        };
        if let Some(kind) = kind {
            r.problem(mode_node.pos, &at("numbering"), kind);
        }
    }
    let list = |r: &mut Reader, name: &str| match reader::find(&entries, name) {
        Some(n) => fields(r, n, &at(name)),
        None => Vec::new(),
    };
    let mut requires = list(r, "requires");
    let optional = list(r, "optional");
    // The number is part of the letter: the field it comes from is required like any other.
    if let Some(field) = &number_from
        && !requires.contains(field)
    {
        requires.push(field.clone());
    }
    let local = reader::find(&entries, "local").is_some_and(|n| r.flag(n, &at("local")));
    Some(IssuerSpec {
        role: role.to_owned(),
        layout,
        numbering: numbering?,
        number_from,
        requires,
        optional,
        local,
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

    /// The line and kind of each problem of a table that must not load.
    fn problems(src: &str) -> Vec<(u32, ProblemKind)> {
        match parse(src.as_bytes(), "documents.yaml") {
            Err(LetterError::Table(d)) => {
                assert_eq!(d.file, "documents.yaml");
                d.problems
                    .into_iter()
                    .map(|p| (p.pos.map_or(0, |p| p.line), p.kind))
                    .collect()
            }
            other => panic!("expected table problems, got {other:?}"),
        }
    }

    /// The one problem of a table with one thing wrong.
    fn only(src: &str) -> (u32, ProblemKind) {
        let mut found = problems(src);
        assert_eq!(found.len(), 1, "{found:?}");
        found.remove(0)
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
    fn each_problem_names_its_line() {
        let (line, kind) = only(&GOOD.replace("layout: enforcement", "layout: letter"));
        assert_eq!(line, 5);
        assert!(matches!(kind, ProblemKind::NotOneOf { .. }), "{kind:?}");
        let (line, kind) = only(&GOOD.replace("requires:", "require:"));
        assert_eq!(line, 8);
        assert!(
            matches!(&kind, ProblemKind::UnknownKey { suggestion: Some(s), .. } if s == "requires"),
            "{kind:?}"
        );
        let (line, kind) = only(&GOOD.replace("[guardian.name]", "[Guardian Name]"));
        assert_eq!(line, 8);
        assert!(matches!(kind, ProblemKind::BadName { .. }), "{kind:?}");
        let (line, kind) = only(&GOOD.replace("numbering: allocated, ", "numbering: court, "));
        assert_eq!(line, 7);
        assert!(matches!(kind, ProblemKind::NotOneOf { .. }), "{kind:?}");
        let (line, kind) = only(&GOOD.replace("\"{code}训诫字\"", "\"{code}训诫字〔2026〕\""));
        assert_eq!(line, 7);
        assert!(
            matches!(kind, ProblemKind::PatternHasNumber { .. }),
            "{kind:?}"
        );
        // Issuers are roles of the workflows, which the code does not list: any snake_case
        // name is one (a role no build knows issues letters once a workflow declares it).
        let (line, kind) = only(&GOOD.replace("police:", "Sheriff:"));
        assert_eq!(line, 7);
        assert!(matches!(kind, ProblemKind::BadName { .. }), "{kind:?}");
        let table = parse(
            GOOD.replace("police:", "school_liaison:").as_bytes(),
            "t.yaml",
        )
        .expect("a role unknown to the code issues letters");
        assert!(
            table.documents["reprimand"]
                .issuer("school_liaison")
                .is_some()
        );
        let (line, kind) = only("documents:\n  a: [\n");
        assert!(line > 0, "{kind:?}");
        assert!(matches!(kind, ProblemKind::Yaml(_)), "{kind:?}");
    }

    #[test]
    fn every_problem_is_reported_not_only_the_first() {
        let src = GOOD
            .replace("template: reprimand.hbs", "template: ../reprimand.txt")
            .replace("numbering: allocated, ", "numbering: external, ")
            + "    optional: [guardian.name, letter.number]\n";
        let found = problems(&src);
        let lines: Vec<u32> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![4, 7, 7, 9, 9], "{found:?}");
        assert!(matches!(found[0].1, ProblemKind::BadTemplateName { .. }));
        assert!(
            found[1..3]
                .iter()
                .any(|(_, k)| matches!(k, ProblemKind::ExternalNeedsCourt { .. }))
        );
        assert!(
            found[1..3]
                .iter()
                .any(|(_, k)| matches!(k, ProblemKind::PatternNotAllocated { .. }))
        );
        assert!(
            found[3..]
                .iter()
                .any(|(_, k)| matches!(k, ProblemKind::ReservedLetterField { .. }))
        );
        assert!(
            found[3..]
                .iter()
                .any(|(_, k)| matches!(k, ProblemKind::RequiredAndOptional { .. }))
        );
    }
}
