//! Formal documents (letters): rendering a document of `letters/documents.yaml` from case data
//! into printable HTML and plain text.
//!
//! The [`Renderer`] is built once per process from the letters directory: it reads the table,
//! compiles and checks every template and registers it, with the helpers, in one Handlebars
//! registry. Rendering is pure: no clock, no I/O; the issue date, the document number, the
//! issuing body and the verification code are passed in ([`LetterInput`]). The PDF
//! ([`Renderer::pdf`], `docs/pdf.md`) is set from the same rendering by typst; its one I/O is
//! loading the fonts ([`load_fonts`]), once per renderer.
//!
//! Before rendering, the fields the table declares as required are checked against the data: a
//! missing field refuses the letter and names it ([`LetterError::MissingFields`]), because
//! Handlebars' strict mode does not look inside `{{#if}}` or at helper arguments. Templates
//! render a small line markup (`markup.rs`); the layout of each kind of document (`layout.rs`)
//! turns it into HTML, escaping all text, and into plain text, escaping nothing, and
//! `typeset.rs` into typst source, every text a string literal.
//!
//! The reporter of a mandatory report is confidential: only the report receipt (given to the
//! reporter) may contain `reporter.*`. Loading refuses any other template that mentions it, and
//! rendering removes `reporter.*` from the data of every other document.

pub mod archive;
mod check;
pub mod coverage;
mod docx;
mod fonts;
pub mod format;
mod helpers;
mod layout;
pub mod markup;
mod nobreak;
mod numbering;
mod pdf;
pub mod table;
mod typeset;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use handlebars::Handlebars;
use handlebars::template::Template;
use jiff::civil::Date;
use serde_json::{Map, Value};

use crate::definition::{Data, Diagnostics};

pub use check::REPORTER_DOCUMENT;
pub use docx::UNOFFICIAL as DOCX_UNOFFICIAL;
pub use fonts::{DEFAULT_FONT_DIRS, FontRole, FontSet, UsedFont, font_dirs, load_fonts};
pub use layout::LAYOUT_VERSION;
pub use numbering::{check_allocated_number, check_court_number, court_number_has_code, number};
pub use pdf::string_literal as typst_string_literal;
pub use table::{DocSpec, Format, IssuerSpec, Layout, Numbering, Table};

/// The file name of the table inside the letters directory.
pub const TABLE_FILE: &str = "documents.yaml";

/// Why a letter could not be loaded or rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LetterError {
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    /// Every problem of the table, with its position; the binary words each.
    #[error("{0}")]
    Table(Diagnostics),
    #[error("{file}{}: {message}", at(*.line, *.column))]
    Template {
        file: String,
        line: Option<u32>,
        column: Option<u32>,
        message: String,
    },
    /// A template other than the report receipt refers to the confidential reporter.
    #[error("{file}{}: `{document}` may not contain the reporter's details (reporter.*): only the report receipt may", at(*.line, None))]
    Confidential {
        file: String,
        line: Option<u32>,
        document: String,
    },
    #[error("no document `{0}` in documents.yaml")]
    UnknownDocument(String),
    /// A real database issues letters only from published templates, and none are published.
    #[error("no letter templates are published in this database (`wardflow publish letters`)")]
    NotPublished,
    /// Required fields that are not set, in the table's order.
    #[error("the letter needs fields that are not set: {}", .0.join(", "))]
    MissingFields(Vec<String>),
    #[error("`{role}` does not issue `{document}`")]
    NotAnIssuer { document: String, role: String },
    #[error("`{0}` needs an issuing body")]
    MissingIssuer(String),
    #[error("a draft carries no number")]
    NumberOnDraft,
    #[error("`{0}` needs a document number")]
    MissingNumber(String),
    #[error("`{0}` carries no document number")]
    UnexpectedNumber(String),
    #[error("`{number}` is not a valid document number: {reason}")]
    BadNumber { number: String, reason: String },
    #[error("`{number}` is not a valid court case number: {reason}")]
    BadCourtNumber { number: String, reason: String },
    #[error("the verification code must be 1 to 32 letters, digits or '-'")]
    BadVerificationCode,
    #[error("`{0}` is not a local setting of this document")]
    UnknownSetting(String),
    #[error("local setting `{name}` must be a {expected}")]
    BadSetting { name: String, expected: String },
    #[error("case data does not fit a document: {0}")]
    DataShape(String),
    #[error("rendering `{document}` failed: {message}")]
    Render { document: String, message: String },
    /// No configured font can set a role of the PDF.
    #[error("no font for the {role} role ({families}) in {dirs}")]
    NoFont {
        role: String,
        families: String,
        dirs: String,
    },
    /// Typst could not set the letter as PDF (a layout bug).
    #[error("setting `{document}` as PDF failed: {message}")]
    Pdf { document: String, message: String },
    /// An issued letter's DOCX is set again from its archived data: refused when the templates
    /// it would be set from are not those the letter was issued with.
    #[error(
        "letter {id} was issued with other templates than those in force: no DOCX can be made of it"
    )]
    DocxTemplatesChanged { id: String },
    /// The DOCX writer failed (a bug).
    #[error("writing `{document}` as DOCX failed: {message}")]
    Docx { document: String, message: String },
}

fn at(line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// The body that issues a letter: configuration (a profile or a file in the database), never
/// template text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IssuingBody {
    /// The role it acts in (`police`, `civil_affairs`, `court` …); must be an issuer of the
    /// document in the table.
    pub role: String,
    /// Full name as printed: 北京市朝阳区民政局.
    pub name: String,
    /// 机关代字 for allocated numbers (京朝民), or the court code (京0105); may be empty for
    /// documents without a number.
    pub code: String,
    /// Whose seal goes on the letter (often the name itself).
    pub seal_caption: String,
    /// Address or telephone printed where a document gives the issuer's contact.
    pub contact: Option<String>,
}

/// The words a letter uses for roles and bodies, which are local vocabulary and not the code's:
/// each role's title from the case's workflow (`police` → 公安机关), and the body that issues
/// letters in a role from the county profile (`civil_affairs` → 民政局). Templates read them as
/// `{{role r}}` / `{{body r}}`, `issuer.role_name` / `issuer.body`, or `letter.roles.*` /
/// `letter.bodies.*`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Role key → its Chinese title.
    pub roles: BTreeMap<String, String>,
    /// Role key → the issuing body as a letter names it when it does not use the body's own name.
    pub bodies: BTreeMap<String, String>,
    /// Role key → the full name of the body that acts in it here (the profile's issuing bodies):
    /// how a 公文's 抄送 names a body rather than its category.
    pub names: BTreeMap<String, String>,
}

impl Vocabulary {
    /// The vocabulary of a case of `def` under `profile`.
    pub fn of(
        def: &crate::definition::Definition,
        profile: Option<&crate::profile::Profile>,
    ) -> Self {
        Vocabulary {
            roles: def
                .roles
                .iter()
                .filter_map(|r| def.role_title(r).map(|t| (r.clone(), t.to_owned())))
                .collect(),
            bodies: profile.map(|p| p.bodies.clone()).unwrap_or_default(),
            names: profile
                .map(|p| {
                    p.issuing_bodies
                        .iter()
                        .map(|(role, body)| (role.clone(), body.name.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Everything a letter is rendered from.
#[derive(Debug, Clone)]
pub struct LetterInput<'a> {
    /// The case data (flat dotted names, canonical values).
    pub data: &'a Data,
    /// The document number (allocated or external), None for drafts and unnumbered documents.
    pub number: Option<String>,
    /// The issuing body; optional only for party documents.
    pub issuer: Option<IssuingBody>,
    /// The issue date printed on the letter.
    pub date: Date,
    /// The short verification code (核验码) printed on every page.
    pub verification_code: String,
    /// A draft is marked 草稿/draft on every page and carries no number.
    pub draft: bool,
    /// Profile overrides of the document's local-practice settings ([L] items).
    pub settings: Data,
    /// Role titles and issuing bodies.
    pub vocabulary: &'a Vocabulary,
}

/// A rendered letter.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub text: String,
    pub html: String,
    /// The same page as typst source, from which [`Renderer::pdf`] sets the PDF.
    pub typst: String,
    /// The same page as an editable DOCX, marked on its face as an unofficial copy: never
    /// archived, never verified.
    pub docx: Vec<u8>,
    /// SHA-256 (hex) of what determines the output besides the input: the template source, the
    /// document's table entry, the labels and the layout version.
    pub template_hash: String,
}

struct Loaded {
    hash: String,
}

/// The documents, their templates and helpers, loaded and checked once.
pub struct Renderer {
    dir: PathBuf,
    table: Table,
    registry: Handlebars<'static>,
    loaded: BTreeMap<String, Loaded>,
    /// The font directories the PDF is set from (empty: [`DEFAULT_FONT_DIRS`]).
    font_dirs: Vec<PathBuf>,
    /// Loaded on the first PDF: most commands set none.
    fonts: OnceLock<Result<Arc<FontSet>, LetterError>>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("dir", &self.dir)
            .field(
                "documents",
                &self.table.documents.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Renderer {
    /// Reads `documents.yaml` and every template it names from `dir`, checks them and registers
    /// the templates. A bad table or template is an error naming the file and line.
    pub fn load(dir: impl AsRef<Path>) -> Result<Renderer, LetterError> {
        let dir = dir.as_ref().to_path_buf();
        let files = Self::read_files(&dir)?;
        Self::from_files(dir, &files)
    }

    /// The files a letters directory consists of (the document table and every template it
    /// names), by name: what `wardflow publish letters` stores.
    pub fn read_files(dir: &Path) -> Result<BTreeMap<String, String>, LetterError> {
        let read = |name: &str| {
            let path = dir.join(name);
            let bytes = std::fs::read(&path).map_err(|e| LetterError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            String::from_utf8(bytes).map_err(|_| LetterError::Template {
                file: name.to_owned(),
                line: None,
                column: None,
                message: "not UTF-8".into(),
            })
        };
        let table_source = read(TABLE_FILE)?;
        let table = table::parse(table_source.as_bytes(), TABLE_FILE)?;
        let mut files = BTreeMap::from([(TABLE_FILE.to_owned(), table_source)]);
        for doc in table.documents.values() {
            files.insert(doc.template.clone(), read(&doc.template)?);
        }
        Ok(files)
    }

    /// Builds and checks a renderer from the files of a letters directory by name (as
    /// [`Renderer::read_files`] reads them, or as published); `dir` names where they came from.
    pub fn from_files(
        dir: PathBuf,
        files: &BTreeMap<String, String>,
    ) -> Result<Renderer, LetterError> {
        let missing = |name: &str| LetterError::Io {
            path: dir.join(name).display().to_string(),
            message: "missing".into(),
        };
        let table_source = files.get(TABLE_FILE).ok_or_else(|| missing(TABLE_FILE))?;
        let table = table::parse(table_source.as_bytes(), TABLE_FILE)?;
        let mut sources = BTreeMap::new();
        for doc in table.documents.values() {
            let source = files
                .get(&doc.template)
                .ok_or_else(|| missing(&doc.template))?;
            sources.insert(doc.key.clone(), source.clone());
        }
        Self::from_parts(dir, table, sources)
    }

    /// Builds a renderer from a parsed table and the template sources by document key (for
    /// `load`, and for tests that try a broken template).
    pub fn from_parts(
        dir: PathBuf,
        table: Table,
        sources: BTreeMap<String, String>,
    ) -> Result<Renderer, LetterError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.set_prevent_indent(true);
        registry.register_escape_fn(markup::neutralize);
        helpers::register(&mut registry, Arc::new(table.labels.clone()));

        let labels_json = serde_json::to_string(&table.labels).unwrap_or_default();
        let mut loaded = BTreeMap::new();
        for doc in table.documents.values() {
            let source = sources.get(&doc.key).ok_or_else(|| LetterError::Template {
                file: doc.template.clone(),
                line: None,
                column: None,
                message: "no template source".into(),
            })?;
            let template =
                Template::compile_with_name(source, doc.template.clone()).map_err(|e| {
                    let (line, column) = e
                        .pos()
                        .map_or((None, None), |(l, c)| (Some(l as u32), Some(c as u32)));
                    LetterError::Template {
                        file: doc.template.clone(),
                        line,
                        column,
                        message: e.reason().to_string(),
                    }
                })?;
            check::check(doc, source, &template, &doc.template)?;
            registry.register_template(&doc.key, template);

            use sha2::{Digest, Sha256};
            let mut hasher = Sha256::new();
            hasher.update(source.as_bytes());
            hasher.update([0]);
            hasher.update(serde_json::to_string(doc).unwrap_or_default().as_bytes());
            hasher.update([0]);
            hasher.update(labels_json.as_bytes());
            hasher.update([0]);
            hasher.update(LAYOUT_VERSION.as_bytes());
            loaded.insert(
                doc.key.clone(),
                Loaded {
                    hash: hex(&hasher.finalize()),
                },
            );
        }
        Ok(Renderer {
            dir,
            table,
            registry,
            loaded,
            font_dirs: Vec::new(),
            fonts: OnceLock::new(),
        })
    }

    /// The same renderer setting PDFs in the fonts of `dirs` (none: the default directories).
    pub fn with_font_dirs(mut self, dirs: Vec<PathBuf>) -> Renderer {
        self.font_dirs = dirs;
        self.fonts = OnceLock::new();
        self
    }

    /// The fonts PDFs are set in, loaded once ([`load_fonts`]).
    pub fn fonts(&self) -> Result<Arc<FontSet>, LetterError> {
        self.fonts
            .get_or_init(|| load_fonts(&font_dirs(&self.font_dirs)).map(Arc::new))
            .clone()
    }

    /// Sets a rendered letter as PDF/A-2b; `ident` (the archive id) and `created` (the instant
    /// it was issued) are all the output depends on besides the rendering and the fonts.
    pub fn pdf(
        &self,
        key: &str,
        rendered: &Rendered,
        ident: &str,
        created: jiff::Timestamp,
    ) -> Result<(Vec<u8>, Vec<UsedFont>), LetterError> {
        let fonts = self.fonts()?;
        let bytes = pdf::compile(key, &rendered.typst, &fonts, ident, created)?;
        Ok((bytes, fonts.used().to_vec()))
    }

    /// The table the renderer was loaded with.
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// The directory the renderer was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn doc(&self, key: &str) -> Result<&DocSpec, LetterError> {
        self.table
            .documents
            .get(key)
            .ok_or_else(|| LetterError::UnknownDocument(key.to_owned()))
    }

    /// The hash of what besides the input determines a document's output (see [`Rendered`]).
    pub fn template_hash(&self, key: &str) -> Result<String, LetterError> {
        self.loaded
            .get(key)
            .map(|l| l.hash.clone())
            .ok_or_else(|| LetterError::UnknownDocument(key.to_owned()))
    }

    /// Checks a profile's overrides of a document's local settings: known names, same kinds.
    pub fn check_settings(&self, key: &str, overrides: &Data) -> Result<(), LetterError> {
        self.settings(self.doc(key)?, overrides).map(|_| ())
    }

    /// The fields a document needs when issued in `role`, in the table's order.
    pub fn required_fields(&self, key: &str, role: &str) -> Result<Vec<String>, LetterError> {
        let doc = self.doc(key)?;
        let issuer = doc.issuer(role).ok_or_else(|| LetterError::NotAnIssuer {
            document: key.to_owned(),
            role: role.to_owned(),
        })?;
        Ok(doc
            .requires
            .iter()
            .chain(&issuer.requires)
            .cloned()
            .collect())
    }

    /// The prefix an allocated number of this document has when `issuer` issues it (the
    /// pattern with `{code}` replaced), or None when the document is not numbered that way.
    pub fn number_prefix(
        &self,
        key: &str,
        issuer: &IssuingBody,
    ) -> Result<Option<String>, LetterError> {
        let doc = self.doc(key)?;
        let spec = doc
            .issuer(&issuer.role)
            .ok_or_else(|| LetterError::NotAnIssuer {
                document: key.to_owned(),
                role: issuer.role.clone(),
            })?;
        Ok(match &spec.numbering {
            Numbering::Allocated { pattern } => Some(pattern.replace("{code}", &issuer.code)),
            _ => None,
        })
    }

    /// Renders one letter.
    pub fn render(&self, key: &str, input: &LetterInput<'_>) -> Result<Rendered, LetterError> {
        let doc = self.doc(key)?;
        let code = &input.verification_code;
        if code.is_empty()
            || code.len() > 32
            || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(LetterError::BadVerificationCode);
        }

        // The issuer and what it decides: layout, numbering, extra fields.
        let issuer_spec = match &input.issuer {
            Some(body) => Some(
                doc.issuer(&body.role)
                    .ok_or_else(|| LetterError::NotAnIssuer {
                        document: key.to_owned(),
                        role: body.role.clone(),
                    })?,
            ),
            None if doc.layout == Layout::Party => None,
            None => return Err(LetterError::MissingIssuer(key.to_owned())),
        };
        let layout = issuer_spec.and_then(|s| s.layout).unwrap_or(doc.layout);
        let numbering = issuer_spec.map_or(&Numbering::None, |s| &s.numbering);
        self.check_number(key, input, numbering)?;
        let data = with_number(
            input.data,
            issuer_spec.and_then(|s| s.number_from.as_deref()),
            input.number.as_deref().filter(|_| !input.draft),
        );
        let input = &LetterInput {
            data: &data,
            ..input.clone()
        };

        // Required fields, checked before anything is rendered.
        let required = doc
            .requires
            .iter()
            .chain(issuer_spec.map_or(&[][..], |s| &s.requires[..]));
        // A draft carries no number, so it does not need the field the number comes from.
        let number_from = issuer_spec.and_then(|s| s.number_from.as_ref());
        let missing: Vec<String> = required
            .filter(|f| !(input.draft && number_from == Some(*f)))
            .filter(|f| is_unset(input.data.get(*f)))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(LetterError::MissingFields(missing));
        }

        let settings = self.settings(doc, &input.settings)?;
        let copies = copies(doc, input, layout, &settings);
        let context = context(doc, input, layout, &copies, settings)?;

        let rendered = self
            .registry
            .render(key, &context)
            .map_err(|e| LetterError::Render {
                document: key.to_owned(),
                message: render_message(&e),
            })?;
        let sections = markup::parse(&rendered).map_err(|e| LetterError::Render {
            document: key.to_owned(),
            message: format!("line {} of the rendered markup: {}", e.line, e.message),
        })?;

        let main = &sections[0];
        let named = |name: &str| sections.iter().find(|s| s.name.as_deref() == Some(name));
        let parts: Vec<(Option<&str>, &markup::Section)> = if doc.parts.is_empty() {
            vec![(None, main)]
        } else {
            doc.parts
                .iter()
                .map(|p| (Some(p.as_str()), named(p).unwrap_or(main)))
                .collect()
        };
        let page = layout::Page {
            layout,
            format: doc.format.filter(|_| layout == Layout::Gongwen),
            title: &doc.title,
            issuer: input.issuer.as_ref(),
            number: input.number.as_deref(),
            date: input.date,
            code,
            draft: input.draft,
            copies: &copies,
            copies_note: doc.copies_note,
            parts,
        };
        Ok(Rendered {
            text: layout::text(&page),
            html: layout::html(&page),
            typst: typeset::typst(&page),
            docx: docx::docx(&page).map_err(|message| LetterError::Docx {
                document: key.to_owned(),
                message,
            })?,
            template_hash: self.loaded[key].hash.clone(),
        })
    }

    fn check_number(
        &self,
        key: &str,
        input: &LetterInput<'_>,
        numbering: &Numbering,
    ) -> Result<(), LetterError> {
        if input.draft {
            return match input.number {
                Some(_) => Err(LetterError::NumberOnDraft),
                None => Ok(()),
            };
        }
        match (numbering, &input.number) {
            (Numbering::None, None) => Ok(()),
            (Numbering::None, Some(_)) => Err(LetterError::UnexpectedNumber(key.to_owned())),
            (_, None) => Err(LetterError::MissingNumber(key.to_owned())),
            (Numbering::Allocated { pattern }, Some(n)) => {
                let issuer = input
                    .issuer
                    .as_ref()
                    .ok_or_else(|| LetterError::MissingIssuer(key.to_owned()))?;
                check_allocated_number(
                    &pattern.replace("{code}", &issuer.code),
                    input.date.year(),
                    n,
                )
            }
            (Numbering::External, Some(n)) => {
                check_court_number(n)?;
                let issuer = input
                    .issuer
                    .as_ref()
                    .ok_or_else(|| LetterError::MissingIssuer(key.to_owned()))?;
                if !issuer.code.is_empty() && !court_number_has_code(n, &issuer.code) {
                    return Err(LetterError::BadCourtNumber {
                        number: n.clone(),
                        reason: format!("it is not a case number of the court {}", issuer.code),
                    });
                }
                Ok(())
            }
        }
    }

    /// The document's local settings: defaults, replaced by the profile's values of the same kind.
    fn settings(&self, doc: &DocSpec, overrides: &Data) -> Result<Map<String, Value>, LetterError> {
        let mut out: Map<String, Value> = doc
            .local
            .iter()
            .map(|(k, s)| (k.clone(), s.default.clone()))
            .collect();
        for (name, value) in overrides {
            let Some(spec) = doc.local.get(name) else {
                return Err(LetterError::UnknownSetting(name.clone()));
            };
            let expected = table::setting_kind(&spec.default).unwrap_or("value");
            if table::setting_kind(value) != Some(expected)
                || !crate::profile::number_in_bounds(value)
            {
                return Err(LetterError::BadSetting {
                    name: name.clone(),
                    expected: if expected == "integer" {
                        "whole number from 0 to 100000".to_owned()
                    } else {
                        expected.to_owned()
                    },
                });
            }
            out.insert(name.clone(), value.clone());
        }
        Ok(out)
    }
}

fn render_message(e: &handlebars::RenderError) -> String {
    let reason = match e.reason() {
        handlebars::RenderErrorReason::MissingVariable(Some(path)) => {
            format!("`{path}` is not set (declare it in documents.yaml, or guard it with #if)")
        }
        other => other.to_string(),
    };
    match (e.line_no, e.column_no) {
        (Some(l), Some(c)) => format!("line {l}, column {c}: {reason}"),
        _ => reason,
    }
}

/// Who receives a copy, main recipient first. A profile's list is printed as it is written.
/// Otherwise each recipient the case names is printed by its name (the field the table gives
/// it, or the profile's body in its role), the others by their category; and a 公文 does not
/// copy the body that issues it (its copy is the one on file, not a 抄送).
fn copies(
    doc: &DocSpec,
    input: &LetterInput<'_>,
    layout: Layout,
    settings: &Map<String, Value>,
) -> Vec<String> {
    if input.settings.contains_key("copies")
        && let Some(Value::Array(items)) = settings.get("copies")
    {
        return items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
    }
    let issuer_role = input.issuer.as_ref().map(|i| i.role.as_str());
    doc.copies
        .iter()
        .filter(|c| {
            layout != Layout::Gongwen || c.role.is_none() || c.role.as_deref() != issuer_role
        })
        .map(|c| {
            let from_field = c
                .field
                .as_ref()
                .and_then(|f| input.data.get(f))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let from_role = c
                .role
                .as_ref()
                .and_then(|r| input.vocabulary.names.get(r))
                .map(String::as_str);
            from_field.or(from_role).unwrap_or(&c.to).to_owned()
        })
        .collect()
}

/// The case data with the letter's number in the field its issuer takes the number from
/// (`number_from`): a document carries one number, so where its data holds the number (a court
/// order citing itself) it is the number given (`letter issue --number`), never a value of the
/// field that the number corrected.
pub fn with_number<'a>(
    data: &'a Data,
    field: Option<&str>,
    number: Option<&str>,
) -> std::borrow::Cow<'a, Data> {
    match (field, number) {
        (Some(field), Some(n))
            if data.get(field).and_then(Value::as_str).map(str::trim) != Some(n) =>
        {
            let mut data = data.clone();
            data.insert(field.to_owned(), Value::String(n.to_owned()));
            std::borrow::Cow::Owned(data)
        }
        _ => std::borrow::Cow::Borrowed(data),
    }
}

/// A field counts as missing when absent, an empty or blank string, or an empty list.
fn is_unset(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// The template's context: the case data nested by its dotted names, plus `letter`, `issuer` and
/// `local`. Outside the report receipt, `reporter.*` is dropped before anything sees it.
fn context(
    doc: &DocSpec,
    input: &LetterInput<'_>,
    layout: Layout,
    copies: &[String],
    settings: Map<String, Value>,
) -> Result<Value, LetterError> {
    let mut root = Map::new();
    for (name, value) in input.data {
        if doc.key != REPORTER_DOCUMENT && (name == "reporter" || name.starts_with("reporter.")) {
            continue;
        }
        let head = name.split('.').next().unwrap_or_default();
        if table::RESERVED.contains(&head) {
            return Err(LetterError::DataShape(format!(
                "field `{name}`: `{head}` is a reserved name in letters"
            )));
        }
        insert(&mut root, name, value.clone())?;
    }
    root.insert(
        "letter".into(),
        serde_json::json!({
            "key": doc.key,
            "title": doc.title,
            "number": if input.draft { None } else { input.number.clone() },
            "date": input.date.to_string(),
            "year": input.date.year(),
            "draft": input.draft,
            "code": input.verification_code,
            "layout": layout.name(),
            "copies": copies,
            "issuer_role": input.issuer.as_ref().map(|i| i.role.clone()),
            "roles": input.vocabulary.roles,
            "bodies": input.vocabulary.bodies,
        }),
    );
    if let Some(i) = &input.issuer {
        root.insert(
            "issuer".into(),
            serde_json::json!({
                "role": i.role,
                "role_name": input.vocabulary.roles.get(&i.role),
                "body": input.vocabulary.bodies.get(&i.role),
                "name": i.name,
                "code": i.code,
                "seal_caption": i.seal_caption,
                "contact": i.contact,
            }),
        );
    }
    root.insert("local".into(), Value::Object(settings));
    Ok(Value::Object(root))
}

fn insert(root: &mut Map<String, Value>, name: &str, value: Value) -> Result<(), LetterError> {
    let conflict =
        || LetterError::DataShape(format!("field `{name}` clashes with another field's name"));
    let mut segments = name.split('.').peekable();
    let mut map = root;
    while let Some(seg) = segments.next() {
        if segments.peek().is_none() {
            if map.contains_key(seg) {
                return Err(conflict());
            }
            map.insert(seg.to_owned(), value);
            return Ok(());
        }
        let entry = map
            .entry(seg.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        map = entry.as_object_mut().ok_or_else(conflict)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_names_nest() {
        let mut root = Map::new();
        insert(&mut root, "child.name", "小明".into()).unwrap();
        insert(&mut root, "child.birth_date", "2018-01-01".into()).unwrap();
        insert(&mut root, "concern", "x".into()).unwrap();
        assert_eq!(
            Value::Object(root.clone()),
            serde_json::json!({"child": {"name": "小明", "birth_date": "2018-01-01"}, "concern": "x"})
        );
        assert!(insert(&mut root, "concern.detail", "y".into()).is_err());
        assert!(insert(&mut root, "child", "z".into()).is_err());
    }

    #[test]
    fn unset_values() {
        assert!(is_unset(None));
        assert!(is_unset(Some(&Value::String("  ".into()))));
        assert!(is_unset(Some(&serde_json::json!([]))));
        assert!(!is_unset(Some(&Value::Bool(false))));
        assert!(!is_unset(Some(&Value::String("王芳".into()))));
    }
}
