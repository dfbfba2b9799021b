//! The child's file (一人一档): one child across every case, letter, deadline and event, and the
//! search for a child by name.
//!
//! A child is known by the identity fields cases record ([`CHILD_IDENTITY_FIELDS`]: the
//! identity number, else a registry id given to a child of unknown identity), which the store
//! already indexes (`by_child`, kept by every append): `child show` reads that index and needs
//! no stored-format change. A name is not indexed: `child find` reads every case once (one
//! decode per case, in constant memory besides the matches), which is what a search by name
//! costs until a name index is a numbered step of `wardflow db migrate`.
//!
//! Both show only the cases the caller's unit covers (the others do not exist for them),
//! redacted as `case show` is, and log each case read.

use jiff::Timestamp;
use jiff::civil::Date;

use super::backend::Backend;
use super::{AppError, Caller, HistoryView, Office};
use crate::authority;
use crate::case::{Case, CaseId, OpenDeadline};
use crate::definition::Definition;
use crate::store::{CHILD_IDENTITY_FIELDS, CaseFilter};

/// The field that records a child's name, and the one with their birth date.
pub const NAME_FIELD: &str = "child.name";
pub const BIRTH_FIELD: &str = "child.birth_date";
/// The most children a search returns.
pub const MAX_FOUND: usize = 200;

/// One child's file, as the reader may see it.
#[derive(Debug, Clone)]
pub struct ChildFile {
    /// The identity asked for, as the cases record it.
    pub child: String,
    /// The name and birth date, from the most recently updated case that records them.
    pub name: Option<String>,
    pub birth_date: Option<String>,
    /// Every case of the child the reader reaches, in the order of their ids: the case with
    /// its data and letters redacted, and its redacted history.
    pub cases: Vec<HistoryView>,
    /// Every event of those cases, oldest first (by when it happened).
    pub timeline: Vec<Moment>,
    /// The deadlines still running on those cases, soonest first.
    pub deadlines: Vec<(CaseId, OpenDeadline)>,
    /// The child's cases that are sealed to this reader (closed past their retention): only
    /// (case, workflow, state), so they still count; their refused reads are logged.
    pub sealed: Vec<(CaseId, String, String)>,
}

/// One event of the timeline: `cases[case].events[event]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Moment {
    pub at: Timestamp,
    pub case: usize,
    pub event: usize,
}

/// A child found by name: their identity (None: a case that records none) and their cases.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FoundChild {
    pub child: Option<String>,
    pub name: String,
    pub birth_date: Option<String>,
    /// (case, workflow, state), in the order of case ids.
    pub cases: Vec<(CaseId, String, String)>,
}

/// The identity a case records for its child, if any.
fn identity(case: &Case) -> Option<String> {
    CHILD_IDENTITY_FIELDS
        .iter()
        .find_map(|f| case.data.get(*f).and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The case with what the reader may not see redacted (data and letters, as `case show`).
fn redacted(mut case: Case, def: &Definition, reader: &authority::User) -> Case {
    case.data = authority::redact(def, reader, &case.data);
    for letter in &mut case.issued {
        letter.issued = authority::redact_letter(def, reader, &letter.issued);
    }
    case
}

fn text(case: &Case, field: &str) -> Option<String> {
    case.data
        .get(field)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

impl<B: Backend> Office<B> {
    /// One child's file by identity number or registry id; each case read is logged as
    /// `child`. Unknown when the reader reaches no case of the child.
    pub fn child(&self, caller: &Caller, child: &str) -> Result<ChildFile, AppError> {
        let now = self.now(caller)?;
        let (reader, units) = self.reader(caller)?;
        let child = child.trim().to_ascii_uppercase();
        let mut found: Vec<Case> = Vec::new();
        self.backend.each_case(
            &CaseFilter {
                child: Some(child.clone()),
                ..CaseFilter::default()
            },
            &mut |case: Case| {
                if authority::may_reach(&units, &reader, case.unit.as_deref()).is_ok() {
                    found.push(case);
                }
                true
            },
        )?;
        if found.is_empty() {
            return Err(AppError::UnknownChild(child));
        }
        let privacy = self.backend.snapshot(super::protect::privacy_in)?;
        let mut cases = Vec::with_capacity(found.len());
        let mut sealed = Vec::new();
        for case in found {
            let def = self.backend.definition(&case.version)?;
            let note =
                match super::protect::sealed_read(&privacy, &def, &case, &reader, caller, now) {
                    Ok(note) => note,
                    Err(e) => {
                        self.log(caller, now, case.id.as_str(), "child", Some(&e))?;
                        sealed.push((case.id.clone(), case.workflow.clone(), case.state.clone()));
                        continue;
                    }
                };
            let events = self
                .backend
                .history(&case.id)?
                .iter()
                .map(|e| authority::redact_event(&def, &reader, e))
                .collect();
            match note {
                Some(note) => {
                    let mut e = super::owner::entry(caller, now, case.id.as_str(), "child", None);
                    e.reason = Some(note);
                    self.backend.record_access(&e)?;
                }
                None => self.log(caller, now, case.id.as_str(), "child", None)?,
            }
            cases.push(HistoryView {
                case: redacted(case, &def, &reader),
                def,
                events,
                units: units.clone(),
            });
        }
        let mut timeline: Vec<Moment> = cases
            .iter()
            .enumerate()
            .flat_map(|(c, view)| {
                view.events
                    .iter()
                    .enumerate()
                    .map(move |(e, event)| Moment {
                        at: event.occurred_at,
                        case: c,
                        event: e,
                    })
            })
            .collect();
        timeline.sort_by_key(|m| (m.at, m.case, m.event));
        let mut deadlines: Vec<(CaseId, OpenDeadline)> = cases
            .iter()
            .flat_map(|v| {
                v.case
                    .deadlines
                    .values()
                    .map(|d| (v.case.id.clone(), d.clone()))
            })
            .collect();
        deadlines.sort_by(|a, b| (a.1.due, &a.0).cmp(&(b.1.due, &b.0)));
        let field = |f: &str| {
            cases
                .iter()
                .filter(|v| v.case.data.contains_key(f))
                .max_by_key(|v| v.case.updated_at)
                .and_then(|v| text(&v.case, f))
        };
        Ok(ChildFile {
            child,
            name: field(NAME_FIELD),
            birth_date: field(BIRTH_FIELD),
            cases,
            timeline,
            deadlines,
            sealed,
        })
    }

    /// The children of the cases the reader reaches whose name is `name` (and, when given,
    /// born on `born`), each with their cases; every case found is logged as `child-find`.
    /// At most [`MAX_FOUND`] children.
    pub fn find_child(
        &self,
        caller: &Caller,
        name: &str,
        born: Option<Date>,
    ) -> Result<Vec<FoundChild>, AppError> {
        let now = self.now(caller)?;
        let (reader, units) = self.reader(caller)?;
        let name = name.trim();
        let born = born.map(|d| d.to_string());
        let mut matches: Vec<Case> = Vec::new();
        // No name index: every case is read once (see the module's docs).
        self.backend
            .each_case(&CaseFilter::default(), &mut |case: Case| {
                let named = case.data.get(NAME_FIELD).and_then(|v| v.as_str()) == Some(name);
                let born_ok = born
                    .as_deref()
                    .is_none_or(|b| case.data.get(BIRTH_FIELD).and_then(|v| v.as_str()) == Some(b));
                if named
                    && born_ok
                    && authority::may_reach(&units, &reader, case.unit.as_deref()).is_ok()
                {
                    matches.push(case);
                }
                true
            })?;
        let privacy = self.backend.snapshot(super::protect::privacy_in)?;
        let mut out: Vec<FoundChild> = Vec::new();
        for case in matches {
            let def = self.backend.definition(&case.version)?;
            // A sealed case is found only by who may read it.
            if super::protect::sealed_read(&privacy, &def, &case, &reader, caller, now).is_err() {
                continue;
            }
            let child = identity(&case);
            let case = redacted(case, &def, &reader);
            let birth_date = text(&case, BIRTH_FIELD);
            // The same child: the same identity. Cases that record none stay apart (two
            // namesakes born the same day are not one child).
            let at = out.iter().position(|f| match (&f.child, &child) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            });
            let entry = (case.id.clone(), case.workflow.clone(), case.state.clone());
            match at {
                Some(i) => out[i].cases.push(entry),
                None if out.len() >= MAX_FOUND => continue,
                None => out.push(FoundChild {
                    child: child.clone(),
                    name: name.to_owned(),
                    birth_date,
                    cases: vec![entry],
                }),
            }
            self.log(caller, now, case.id.as_str(), "child-find", None)?;
        }
        Ok(out)
    }
}
