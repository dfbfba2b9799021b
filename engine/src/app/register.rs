//! `import-register` (issue 18): an existing register (一人一档 spreadsheet, CSV or XLSX)
//! becomes cases, for administrators. A mapping file names the workflow, the role the acts
//! are recorded in, which column fills which field, fixed values, and the transitions that
//! bring a case to the register's state. Each row is opened and advanced through the same
//! step as any other input (types, identity numbers, requirements, guards), all rows in one
//! transaction: one rejected row and nothing is imported, and every rejected row is reported
//! by its line. Dates are read as 2018-05-01, 2018/05/01 or 2018年5月1日; enums by key or by
//! their Chinese label in the letters table; yes/no as true/false, 是/否. Each case records an
//! `imported` event naming the file, its SHA-256 and the line.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;

use serde::Deserialize;

use super::backend::{Backend, WriteTx};
use super::once::{Answer, Remember, remembering};
use super::ops::owns;
use super::{AppError, Caller, Input, Office, Owner, WHOLE_DATABASE, act};
use crate::authority::ADMIN_ROLE;
use crate::case::{CaseId, Event, EventKind};
use crate::definition::{Definition, FieldType, VersionHash};
use crate::letters::archive::sha256_hex;
use crate::step::{Actor, Clock, Command, Open};

/// The most rows one import takes.
pub const MAX_ROWS: usize = 10_000;

/// `import-register FILE --workflow W --map MAPPING`.
#[derive(Debug, Clone)]
pub struct RegisterImport {
    /// The register's file name as given (its extension says CSV or XLSX).
    pub file: String,
    pub bytes: Vec<u8>,
    pub workflow: String,
    pub mapping_file: String,
    pub mapping: Vec<u8>,
}

/// A case made from a row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct ImportedRow {
    pub line: u64,
    pub case: CaseId,
    pub state: String,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct RegisterImported {
    pub file_sha256: String,
    pub rows: Vec<ImportedRow>,
    /// The version the cases run, and its definition.
    pub version: VersionHash,
    pub def: Arc<Definition>,
}

/// A [`RegisterImported`] as it travels from a server (the definition named by `version`):
/// read from the answer of `POST /api/v1/registers`, the command line's `--json` object with
/// `version_hash` beside it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct RegisterImportedParts {
    pub file_sha256: String,
    #[serde(rename = "cases")]
    pub rows: Vec<ImportedRow>,
    #[serde(rename = "version_hash")]
    pub version: VersionHash,
}

impl RegisterImported {
    /// The result as it travels.
    pub fn parts(&self) -> RegisterImportedParts {
        RegisterImportedParts {
            file_sha256: self.file_sha256.clone(),
            rows: self.rows.clone(),
            version: self.version.clone(),
        }
    }
}

impl RegisterImportedParts {
    /// The result again, with `def`, the definition of `self.version`.
    pub fn into_imported(self, def: Arc<Definition>) -> RegisterImported {
        RegisterImported {
            file_sha256: self.file_sha256,
            rows: self.rows,
            version: self.version,
            def,
        }
    }
}

/// A row refused, and why (nothing was imported).
#[derive(Debug)]
pub struct RejectedRow {
    pub line: u64,
    pub error: AppError,
}

/// Why a register was not imported.
#[derive(Debug)]
pub enum RegisterError {
    /// The mapping file does not read as a mapping (detail from the parser).
    Mapping { file: String, detail: String },
    /// The mapping names a field, role or transition the workflow does not have.
    MappingNames { what: &'static str, name: String },
    /// The mapping is for another workflow than `--workflow`.
    MappingWorkflow { mapping: String, given: String },
    /// Neither `.csv` nor `.xlsx`.
    Format { file: String },
    /// The file cannot be read as its format (detail from the reader).
    Unreadable { file: String, detail: String },
    /// A column the mapping names is not in the header row.
    MissingColumn { column: String },
    /// No data rows, or more than [`MAX_ROWS`].
    RowCount { rows: usize },
    /// Rows refused: every one, by line.
    Rejected(Vec<RejectedRow>),
}

/// The mapping file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mapping {
    #[serde(default)]
    workflow: Option<String>,
    /// The role the acts are recorded in.
    role: String,
    /// Column header → field.
    columns: BTreeMap<String, String>,
    /// Field → a value every row gets.
    #[serde(default)]
    values: BTreeMap<String, String>,
    /// Fired in order after opening, to bring the case to the register's state.
    #[serde(default)]
    transitions: Vec<String>,
}

/// A data row: its line in the file and its cells by header.
struct Row {
    line: u64,
    cells: Vec<String>,
}

fn err(e: RegisterError) -> AppError {
    AppError::Register(Box::new(e))
}

fn read_mapping(file: &str, bytes: &[u8]) -> Result<Mapping, AppError> {
    let bad = |detail: String| {
        err(RegisterError::Mapping {
            file: file.to_owned(),
            detail,
        })
    };
    let node = crate::yaml::parse(bytes, crate::yaml::Limits::default())
        .map_err(|e| bad(e.to_string()))?;
    serde_json::from_value(node.to_json()).map_err(|e| bad(e.to_string()))
}

/// The header and the data rows of a CSV or XLSX file.
fn read_table(file: &str, bytes: &[u8]) -> Result<(Vec<String>, Vec<Row>), AppError> {
    let unreadable = |detail: String| {
        err(RegisterError::Unreadable {
            file: file.to_owned(),
            detail,
        })
    };
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| unreadable(e.to_string()))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| unreadable(e.to_string()))?;
            let line = record.position().map_or(0, csv::Position::line);
            let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            rows.push(Row { line, cells });
            if rows.len() > MAX_ROWS {
                break;
            }
        }
        return Ok((header, rows));
    }
    if lower.ends_with(".xlsx") {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> =
            Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| unreadable("no worksheet".into()))?
            .map_err(|e| unreadable(e.to_string()))?;
        let first = range.start().map_or(0, |(row, _)| u64::from(row));
        let mut lines = range.rows().enumerate();
        let header: Vec<String> = match lines.next() {
            Some((_, cells)) => cells.iter().map(cell_text).collect(),
            None => Vec::new(),
        };
        let mut rows = Vec::new();
        for (i, cells) in lines {
            let cells: Vec<String> = cells.iter().map(cell_text).collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            let index = u64::try_from(i).unwrap_or(u64::MAX);
            rows.push(Row {
                line: first.saturating_add(index).saturating_add(1),
                cells,
            });
            if rows.len() > MAX_ROWS {
                break;
            }
        }
        return Ok((header, rows));
    }
    Err(err(RegisterError::Format {
        file: file.to_owned(),
    }))
}

/// A spreadsheet cell as text; a date cell as `YYYY-MM-DD` (Excel's serial day count).
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let serial = d.as_f64().floor();
            // Serial day 25569 is 1970-01-01; Excel counts from 1899-12-30.
            let epoch = jiff::civil::date(1899, 12, 30);
            if !(1.0..=2_958_465.0).contains(&serial) {
                return d.to_string();
            }
            #[allow(clippy::cast_possible_truncation)]
            let days = serial as i64;
            epoch
                .checked_add(jiff::Span::new().days(days))
                .map_or_else(|_| d.to_string(), |date| date.to_string())
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// `2018/05/01`, `2018年5月1日`, `2018-5-1` → `2018-05-01`; anything else unchanged (the
/// field's type check then refuses it).
fn normalize_date(text: &str) -> String {
    let cleaned: String = text
        .trim()
        .replace(['/', '.', '年', '月'], "-")
        .trim_end_matches('日')
        .to_owned();
    let parts: Vec<&str> = cleaned.split('-').collect();
    if let [y, m, d] = parts[..]
        && y.len() == 4
        && let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>())
        && let Ok(date) = jiff::civil::Date::new(y, m, d)
    {
        return date.to_string();
    }
    text.trim().to_owned()
}

/// The text a person typed, as the field's type reads it: dates normalised, an enum's Chinese
/// label turned into its key, 是/否 into true/false.
fn normalize(
    def: &Definition,
    labels: &BTreeMap<String, BTreeMap<String, String>>,
    field: &str,
    text: &str,
) -> String {
    let Some(spec) = def.fields.get(field) else {
        return text.to_owned();
    };
    match &spec.ty {
        FieldType::Date => normalize_date(text),
        FieldType::Boolean => match text {
            "是" | "有" => "true".into(),
            "否" | "无" => "false".into(),
            other => other.to_owned(),
        },
        FieldType::Enum { values, .. } if !values.iter().any(|v| v == text) => {
            let last = field.rsplit('.').next().unwrap_or(field);
            [field, last]
                .iter()
                .filter_map(|k| labels.get(*k))
                .flat_map(|words| words.iter())
                .find(|(key, word)| word.as_str() == text && values.contains(key))
                .map_or_else(|| text.to_owned(), |(key, _)| key.clone())
        }
        _ => text.to_owned(),
    }
}

impl<B: Backend> Office<B> {
    /// Imports a register: every row a case, all or nothing (administrators only).
    pub fn import_register(
        &self,
        caller: &Caller,
        request: &RegisterImport,
    ) -> Result<RegisterImported, AppError> {
        self.import_register_once(caller, request, None)?.done()
    }

    /// [`Office::import_register`] under an idempotency key (a server): a repeat of the same
    /// request gets the stored answer and imports nothing again.
    pub fn import_register_once(
        &self,
        caller: &Caller,
        request: &RegisterImport,
        remember: Option<&Remember<RegisterImported>>,
    ) -> Result<Answer<RegisterImported>, AppError> {
        let now = self.now(caller)?;
        let result = self.import_now(caller, request, now, remember);
        self.logged(caller, now, WHOLE_DATABASE, "import-register", result)
    }

    fn import_now(
        &self,
        caller: &Caller,
        request: &RegisterImport,
        now: jiff::Timestamp,
        remember: Option<&Remember<RegisterImported>>,
    ) -> Result<Answer<RegisterImported>, AppError> {
        let admin = self
            .backend
            .snapshot(|tx| owns(tx, caller, Owner::Administrator))?;
        let mapping = read_mapping(&request.mapping_file, &request.mapping)?;
        if let Some(named) = &mapping.workflow
            && *named != request.workflow
        {
            return Err(err(RegisterError::MappingWorkflow {
                mapping: named.clone(),
                given: request.workflow.clone(),
            }));
        }
        let (version, def) = self
            .backend
            .snapshot(|tx| tx.latest(&request.workflow))?
            .ok_or_else(|| AppError::UnknownWorkflow(request.workflow.clone()))?;
        check_mapping(&def, &mapping)?;
        let (header, rows) = read_table(&request.file, &request.bytes)?;
        if rows.is_empty() || rows.len() > MAX_ROWS {
            return Err(err(RegisterError::RowCount { rows: rows.len() }));
        }
        let mut columns: Vec<(usize, &str)> = Vec::new();
        for (column, field) in &mapping.columns {
            let Some(i) = header.iter().position(|h| h == column) else {
                return Err(err(RegisterError::MissingColumn {
                    column: column.clone(),
                }));
            };
            columns.push((i, field.as_str()));
        }
        let labels = self
            .renderer()
            .map(|r| r.table().labels.clone())
            .unwrap_or_default();
        let file_sha256 = sha256_hex(&request.bytes);
        let actor = Actor {
            user: admin.name.clone(),
            role: mapping.role.clone(),
        };
        self.backend.transaction(|tx| {
            remembering(tx, &caller.user, remember, now, self.keeping, |tx| {
                let clock = self.clock(now);
                let mut done = Vec::new();
                let mut rejected = Vec::new();
                for row in &rows {
                    let mut sets: Vec<String> = mapping
                        .values
                        .iter()
                        .map(|(field, value)| format!("{field}={value}"))
                        .collect();
                    for (i, field) in &columns {
                        let text = row.cells.get(*i).map_or("", String::as_str);
                        if !text.is_empty() {
                            let value = normalize(&def, &labels, field, text);
                            sets.push(format!("{field}={value}"));
                        }
                    }
                    let imported = Imported {
                        file: &request.file,
                        file_sha256: &file_sha256,
                        line: row.line,
                    };
                    match self
                        .import_row(tx, &def, &mapping, &actor, &admin, sets, &imported, &clock)
                    {
                        Ok((case, state)) => done.push(ImportedRow {
                            line: row.line,
                            case,
                            state,
                        }),
                        Err(error) => rejected.push(RejectedRow {
                            line: row.line,
                            error,
                        }),
                    }
                }
                if !rejected.is_empty() {
                    return Err(err(RegisterError::Rejected(rejected)));
                }
                Ok(RegisterImported {
                    file_sha256: file_sha256.clone(),
                    rows: done,
                    version: version.clone(),
                    def: def.clone(),
                })
            })
        })
    }

    /// One row: open, fire the mapping's transitions, record where it came from.
    #[allow(clippy::too_many_arguments)]
    fn import_row(
        &self,
        tx: &mut dyn WriteTx,
        def: &Arc<Definition>,
        mapping: &Mapping,
        actor: &Actor,
        admin: &crate::authority::User,
        sets: Vec<String>,
        imported: &Imported<'_>,
        clock: &Clock,
    ) -> Result<(CaseId, String), AppError> {
        let about = |e: crate::store::CommandFailure| AppError::from(e).about(def);
        let data = Input {
            document: None,
            sets,
        }
        .changes(def)?;
        let profile = self.profile();
        let command = Open {
            published: None,
            crypto: Default::default(),
            external: None,
            actor: actor.clone(),
            unit: Some(admin.unit.clone()),
            officer: None,
            data,
            occurred_at: None,
            profile: profile.map(|p| p.name.clone()),
            settings: crate::profile::settings_for(profile, def),
            origin: None,
        };
        let applied = act::open(tx, &def.key, command, clock, None).map_err(about)?;
        let mut case = applied.outcome.case;
        for transition in &mapping.transitions {
            let command = Command::Fire {
                transition: transition.clone(),
                actor: actor.clone(),
                changes: Default::default(),
                note: None,
                occurred_at: None,
            };
            case = act::apply_to(tx, &case, command, clock, profile, None, None)
                .map_err(about)?
                .outcome
                .case;
        }
        let before = case.clone();
        let event = Event {
            seq: case.seq + 1,
            recorded_at: clock.now,
            occurred_at: clock.now,
            actor: admin.name.clone(),
            role: ADMIN_ROLE.to_owned(),
            kind: EventKind::Imported {
                file: imported.file.to_owned(),
                file_sha256: imported.file_sha256.to_owned(),
                line: imported.line,
            },
        };
        let mut events = crate::case::Chained::after(&case);
        events
            .push(&mut case, event)
            .map_err(|e| AppError::from(crate::store::StoreError::Corrupt(e.to_string())))?;
        crate::app::outbox::append(tx, &case, &events, Some(&before))?;
        Ok((case.id.clone(), case.state.clone()))
    }
}

/// Where a row came from.
struct Imported<'a> {
    file: &'a str,
    file_sha256: &'a str,
    line: u64,
}

/// Every field, the role and every transition the mapping names exist in the workflow.
fn check_mapping(def: &Definition, mapping: &Mapping) -> Result<(), AppError> {
    let names = |what: &'static str, name: &str| {
        err(RegisterError::MappingNames {
            what,
            name: name.to_owned(),
        })
    };
    for field in mapping.columns.values().chain(mapping.values.keys()) {
        if !def.fields.contains_key(field) {
            return Err(names("field", field));
        }
    }
    if !def.roles.contains(&mapping.role) {
        return Err(names("role", &mapping.role));
    }
    for t in &mapping.transitions {
        if def.transition(t).is_none() {
            return Err(names("transition", t));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_three_spellings() {
        for typed in [
            "2018-05-01",
            "2018/05/01",
            "2018年5月1日",
            "2018/5/1",
            " 2018-5-1 ",
        ] {
            assert_eq!(normalize_date(typed), "2018-05-01", "{typed}");
        }
        assert_eq!(normalize_date("2018年13月1日"), "2018年13月1日");
        assert_eq!(normalize_date("五月"), "五月");
    }
}
