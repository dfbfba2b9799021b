//! `wardflow report`: the figures civil affairs reports each month and quarter, over the cases
//! the caller's unit covers, as one typed value that every front end formats its own way.
//!
//! What it reads: every case the caller reaches and its history (for when a case closed and
//! how each deadline ended), the overdue index, and the letters archive. The cost follows the
//! number of events in the database; no index is added for it (no stored-format change). The
//! read is logged once, against the whole database, as `report`.
//!
//! Definitions, written here once:
//! - a case is *opened* in the period when its opening falls in it, *closed* when the act that
//!   brought it to a final state happened in it, *running* when it was opened before the end of
//!   the period and not closed by then. Cases are grouped by their workflow, their state, unit
//!   and officer *as they are now* (a case transferred since is counted with its new unit);
//! - a deadline was *met on time* when it was cancelled because the act it waited for happened
//!   (the state was left, the case closed, or the deadline marked met) before it was breached,
//!   and *late* when it was breached; both counted when that happened in the period. Deadlines
//!   replaced or cancelled by a migration count as neither;
//! - *overdue* deadlines are those past due and still open when the report is made;
//! - children are counted once each (by identity number or registry id, else the case), with
//!   the value of the most recently updated case that records the field; workflows that do not
//!   declare the field are named in the report, never guessed for;
//! - letters are counted when issued in the period, by document and issuing body.

use super::backend::Backend;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::owner::WHOLE_DATABASE;
use super::{AppError, Caller, Office};
use crate::authority;
use crate::case::{CancelReason, Case, EventKind};
use crate::definition::Definition;
use crate::store::{CHILD_IDENTITY_FIELDS, CaseFilter};

/// The field that records a child's 困境 category (困境儿童分类或留守儿童).
pub const CATEGORY_FIELD: &str = "child.category";
/// The field that records the rating of a guardianship review (监护状况评定等级).
pub const RATING_FIELD: &str = "review.rating";
/// The most points the "open cases over time" series has (a longer period is sampled).
pub const MAX_POINTS: usize = 62;
/// The longest period a report covers, in days (ten years).
pub const MAX_PERIOD_DAYS: i32 = 3660;

/// What a case count is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Workflow,
    State,
    /// The township (乡镇) above the case's unit, or the unit itself when none is above it.
    Township,
    Unit,
    Officer,
}

impl Grouping {
    /// Every grouping, in the order a report shows them by default.
    pub const ALL: [Grouping; 5] = [
        Grouping::Workflow,
        Grouping::State,
        Grouping::Township,
        Grouping::Unit,
        Grouping::Officer,
    ];

    /// The key a user types (`--by unit,workflow`).
    pub fn key(self) -> &'static str {
        match self {
            Grouping::Workflow => "workflow",
            Grouping::State => "state",
            Grouping::Township => "township",
            Grouping::Unit => "unit",
            Grouping::Officer => "officer",
        }
    }

    /// The grouping a key names.
    pub fn parse(key: &str) -> Option<Grouping> {
        Grouping::ALL.into_iter().find(|g| g.key() == key)
    }
}

/// `report`: the period (both days included; None: the month of the command's clock) and the
/// groupings of the case counts (empty: all of them).
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub by: Vec<Grouping>,
}

/// The figures of one period, as the caller may see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub from: Date,
    pub to: Date,
    /// When the report was made, with the office's offset.
    pub generated_at: String,
    pub generated_by: String,
    /// The cases the caller's unit covers that the report read.
    pub cases_read: u64,
    /// Opened, closed and running cases, one table per grouping asked for.
    pub cases: Vec<CaseTable>,
    /// Overdue deadlines by unit and by officer.
    pub overdue: Vec<CountTable>,
    pub deadlines: DeadlinesMet,
    /// Children by 困境 category and by review rating.
    pub children: Vec<ChildTable>,
    pub letters: Vec<LetterCount>,
    /// Running cases at the end of each day (sampled to at most [`MAX_POINTS`] days).
    pub open_over_time: Vec<OpenOn>,
}

/// Case counts by one grouping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseTable {
    pub by: Grouping,
    pub rows: Vec<CaseRow>,
    pub total: CaseCounts,
}

/// One group's case counts; `key` None: the cases that record none (no unit, no officer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRow {
    /// For a state: the workflow it belongs to (states are per workflow).
    pub workflow: Option<String>,
    pub key: Option<String>,
    pub key_title: Option<String>,
    /// The English title of a workflow or state, where the workflow gives one.
    #[serde(default)]
    pub key_title_en: Option<String>,
    #[serde(flatten)]
    pub counts: CaseCounts,
}

/// Opened, closed and running cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCounts {
    pub opened: u64,
    pub closed: u64,
    pub running: u64,
}

/// Counts by one grouping (overdue deadlines by unit, by officer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountTable {
    pub by: Grouping,
    pub rows: Vec<CountRow>,
    pub total: u64,
}

/// One group's count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountRow {
    pub key: Option<String>,
    pub key_title: Option<String>,
    pub count: u64,
}

/// Deadlines that ended in the period: met in time or breached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeadlinesMet {
    pub met: u64,
    pub late: u64,
    /// `met` as a percentage of both, to one decimal; None when no deadline ended.
    pub percent: Option<f64>,
}

/// Children by the value of one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildTable {
    pub field: String,
    /// The field's title, from a workflow that declares it.
    pub field_title: Option<String>,
    /// Its English title, where that workflow gives one.
    #[serde(default)]
    pub field_title_en: Option<String>,
    pub rows: Vec<CountRow>,
    pub total: u64,
    /// The published workflows that declare the field.
    pub recorded_by: Vec<String>,
    /// Those that do not: their cases are not counted here.
    pub not_recorded_by: Vec<String>,
}

/// Letters of one document issued by one body in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterCount {
    pub letter: String,
    pub letter_title: String,
    /// The role the letter was issued in.
    pub role: String,
    /// The issuing body's name (the profile's), else the role's title.
    pub body: String,
    pub issued: u64,
    /// Of those, voided since.
    pub voided: u64,
}

/// Running cases at the end of a day (of the period, up to the day the report is made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOn {
    pub date: Date,
    pub open: u64,
}

/// What the report keeps of one case.
struct Seen {
    case: Case,
    def: Arc<Definition>,
    closed_at: Option<Timestamp>,
}

impl<B: Backend> Office<B> {
    /// The figures of a period over the cases the caller's unit covers; the read is logged
    /// once as `report`.
    pub fn report(&self, caller: &Caller, request: &ReportRequest) -> Result<Report, AppError> {
        let now = self.now(caller)?;
        let (user, units) = self.reader(caller)?;
        let tz = self.config.tz.clone();
        let today = now.to_zoned_datetime(tz.clone()).date();
        let (from, to) = match (request.from, request.to) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, today.max(f)),
            (None, Some(t)) => (t.first_of_month(), t),
            (None, None) => (today.first_of_month(), today.last_of_month()),
        };
        if from > to || (to - from).get_days() > MAX_PERIOD_DAYS {
            return Err(AppError::BadPeriod { from, to });
        }
        let start = day_start(from, &tz)?;
        let end = day_start(
            to.tomorrow()
                .map_err(|_| AppError::BadPeriod { from, to })?,
            &tz,
        )?;
        let in_period = |t: Timestamp| t >= start && t < end;

        // Every case the caller reaches, opened before the end of the period, with its history.
        let mut reached = Vec::new();
        self.backend
            .each_case(&CaseFilter::default(), &mut |case: Case| {
                if units.covers(&user.unit, case.unit.as_deref()) && case.opened_at < end {
                    reached.push(case);
                }
                true
            })?;
        let mut seen: Vec<Seen> = Vec::with_capacity(reached.len());
        let mut met = 0u64;
        let mut late = 0u64;
        for case in reached {
            let id = &case.id;
            let def = self.backend.definition(&case.version)?;
            let mut closed_at = None;
            let mut breached: BTreeSet<String> = BTreeSet::new();
            for event in self.backend.history(id)? {
                let at = event.occurred_at;
                match &event.kind {
                    EventKind::Fired { to, .. } if def.is_final(to) => closed_at = Some(at),
                    EventKind::DeadlineSet { name, .. } => {
                        breached.remove(name);
                    }
                    // Counted once, however often a breached deadline is seen again.
                    EventKind::DeadlineBreached { name, .. }
                        if breached.insert(name.clone()) && in_period(at) =>
                    {
                        late += 1;
                    }
                    EventKind::DeadlineCancelled { name, reason } => {
                        let done = matches!(
                            reason,
                            CancelReason::Met | CancelReason::LeftState | CancelReason::FinalState
                        );
                        if done && !breached.contains(name) && in_period(at) {
                            met += 1;
                        }
                        breached.remove(name);
                    }
                    _ => {}
                }
            }
            // A case reopened by a later act is not closed.
            if !def.is_final(&case.state) {
                closed_at = None;
            }
            seen.push(Seen {
                case,
                def,
                closed_at,
            });
        }

        let groupings: Vec<Grouping> = if request.by.is_empty() {
            Grouping::ALL.to_vec()
        } else {
            let mut by: Vec<Grouping> = Vec::new();
            for g in &request.by {
                if !by.contains(g) {
                    by.push(*g);
                }
            }
            by
        };
        let cases = groupings
            .iter()
            .map(|&by| {
                let mut rows: BTreeMap<(Option<String>, Option<String>), CaseRow> = BTreeMap::new();
                let mut total = CaseCounts::default();
                for s in &seen {
                    let (workflow, key, title) = group_of(by, s, &units);
                    let title_en = match by {
                        Grouping::Workflow => s.def.title_en.clone(),
                        Grouping::State => s
                            .def
                            .state(&s.case.state)
                            .and_then(|st| st.title_en.clone()),
                        _ => None,
                    };
                    let row = rows
                        .entry((workflow.clone(), key.clone()))
                        .or_insert_with(|| CaseRow {
                            workflow,
                            key,
                            key_title: title,
                            key_title_en: title_en,
                            counts: CaseCounts::default(),
                        });
                    for counts in [&mut row.counts, &mut total] {
                        counts.opened += u64::from(in_period(s.case.opened_at));
                        counts.closed += u64::from(s.closed_at.is_some_and(in_period));
                        counts.running += u64::from(s.closed_at.is_none_or(|c| c >= end));
                    }
                }
                CaseTable {
                    by,
                    rows: rows.into_values().collect(),
                    total,
                }
            })
            .collect();

        let mut overdue_unit: BTreeMap<Option<String>, u64> = BTreeMap::new();
        let mut overdue_officer: BTreeMap<Option<String>, u64> = BTreeMap::new();
        for view in self.backend.overdue(now)? {
            if units.covers(&user.unit, view.unit.as_deref()) {
                *overdue_unit.entry(view.unit.clone()).or_default() += 1;
                *overdue_officer.entry(view.officer.clone()).or_default() += 1;
            }
        }
        let unit_title = |k: &Option<String>| {
            k.as_deref()
                .map(|u| units.get(u).map_or(u, |x| x.name.as_str()).to_owned())
        };
        let count_table = |by: Grouping, counts: BTreeMap<Option<String>, u64>| CountTable {
            by,
            total: counts.values().sum(),
            rows: counts
                .into_iter()
                .map(|(key, count)| CountRow {
                    key_title: if by == Grouping::Unit {
                        unit_title(&key)
                    } else {
                        key.clone()
                    },
                    key,
                    count,
                })
                .collect(),
        };
        let overdue = vec![
            count_table(Grouping::Unit, overdue_unit),
            count_table(Grouping::Officer, overdue_officer),
        ];

        let latest = self.backend.latest_definitions()?;
        let children = [CATEGORY_FIELD, RATING_FIELD]
            .into_iter()
            .map(|field| children_by(field, &seen, &latest, &user))
            .collect();

        let letters = self.letters_issued(&seen, &in_period)?;

        // Up to the report's own day: what is still to come is not yet known.
        let open_over_time = points(from, to.min(today.max(from)))
            .into_iter()
            .map(|date| {
                let cut = date
                    .tomorrow()
                    .ok()
                    .and_then(|d| day_start(d, &tz).ok())
                    .unwrap_or(end);
                let open = seen
                    .iter()
                    .filter(|s| s.case.opened_at < cut && s.closed_at.is_none_or(|c| c >= cut))
                    .count() as u64;
                OpenOn { date, open }
            })
            .collect();

        let report = Report {
            from,
            to,
            generated_at: now
                .to_zoned_datetime(tz)
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
            generated_by: user.name.clone(),
            cases_read: seen.len() as u64,
            cases,
            overdue,
            deadlines: DeadlinesMet {
                met,
                late,
                percent: (met + late > 0)
                    .then(|| (met as f64 * 1000.0 / (met + late) as f64).round() / 10.0),
            },
            children,
            letters,
            open_over_time,
        };
        self.log(caller, now, WHOLE_DATABASE, "report", None)?;
        Ok(report)
    }

    /// Letters issued in the period on the cases the report read, by document and body.
    fn letters_issued(
        &self,
        seen: &[Seen],
        in_period: &dyn Fn(Timestamp) -> bool,
    ) -> Result<Vec<LetterCount>, AppError> {
        let defs: BTreeMap<&str, &Arc<Definition>> =
            seen.iter().map(|s| (s.case.id.as_str(), &s.def)).collect();
        let mut counts: BTreeMap<(String, String, String), LetterCount> = BTreeMap::new();
        for record in self.backend.letter_records(None)? {
            let letter = &record.letter;
            let Some(def) = defs.get(letter.case.as_str()) else {
                continue;
            };
            if !in_period(letter.issued_at) {
                continue;
            }
            let body = letter.issuer.as_ref().map_or_else(
                || {
                    def.role_title(&letter.role)
                        .unwrap_or(&letter.role)
                        .to_owned()
                },
                |b| b.name.clone(),
            );
            let entry = counts
                .entry((letter.key.clone(), letter.role.clone(), body.clone()))
                .or_insert_with(|| LetterCount {
                    letter: letter.key.clone(),
                    letter_title: letter.title.clone(),
                    role: letter.role.clone(),
                    body,
                    issued: 0,
                    voided: 0,
                });
            entry.issued += 1;
            entry.voided += u64::from(record.voided.is_some());
        }
        Ok(counts.into_values().collect())
    }
}

/// The first instant of `day` in the office's time zone.
fn day_start(day: Date, tz: &jiff::tz::TimeZone) -> Result<Timestamp, AppError> {
    tz.to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .map_err(|_| AppError::BadPeriod { from: day, to: day })
}

/// The group a case falls in: (the workflow, for a state), the key and its title.
fn group_of(
    by: Grouping,
    s: &Seen,
    units: &authority::Units,
) -> (Option<String>, Option<String>, Option<String>) {
    let case = &s.case;
    let unit = |id: Option<&str>| {
        (
            None,
            id.map(str::to_owned),
            id.map(|u| units.get(u).map_or(u, |x| x.name.as_str()).to_owned()),
        )
    };
    match by {
        Grouping::Workflow => (None, Some(case.workflow.clone()), Some(s.def.title.clone())),
        Grouping::State => (
            Some(case.workflow.clone()),
            Some(case.state.clone()),
            s.def.state(&case.state).map(|st| st.title.clone()),
        ),
        Grouping::Unit => unit(case.unit.as_deref()),
        Grouping::Township => unit(case.unit.as_deref().map(|u| {
            units
                .ancestor_of_kind(u, "township")
                .map_or(u, |t| t.id.as_str())
        })),
        Grouping::Officer => (None, case.officer.clone(), case.officer.clone()),
    }
}

/// Children by the value of `field`: each child once, with the value of their most recently
/// updated case that records it, redacted as the reader would see it.
fn children_by(
    field: &str,
    seen: &[Seen],
    latest: &[Arc<Definition>],
    user: &authority::User,
) -> ChildTable {
    let mut per_child: BTreeMap<String, (Timestamp, String)> = BTreeMap::new();
    for s in seen {
        if !s.def.fields.contains_key(field) {
            continue;
        }
        let data = authority::redact(&s.def, user, &s.case.data);
        let Some(value) = data.get(field).and_then(|v| v.as_str()) else {
            continue;
        };
        let child = CHILD_IDENTITY_FIELDS
            .iter()
            .find_map(|f| s.case.data.get(*f).and_then(|v| v.as_str()))
            .filter(|c| !c.is_empty())
            .map_or_else(|| format!("case:{}", s.case.id), str::to_owned);
        let newer = per_child
            .get(&child)
            .is_none_or(|(at, _)| s.case.updated_at >= *at);
        if newer {
            per_child.insert(child, (s.case.updated_at, value.to_owned()));
        }
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for (_, value) in per_child.into_values() {
        *counts.entry(value).or_default() += 1;
    }
    let (recorded_by, not_recorded_by): (Vec<&Arc<Definition>>, Vec<&Arc<Definition>>) =
        latest.iter().partition(|d| d.fields.contains_key(field));
    ChildTable {
        field: field.to_owned(),
        field_title: recorded_by
            .first()
            .and_then(|d| d.fields.get(field))
            .map(|f| f.title.clone()),
        field_title_en: recorded_by
            .first()
            .and_then(|d| d.fields.get(field))
            .and_then(|f| f.title_en.clone()),
        total: counts.values().sum(),
        rows: counts
            .into_iter()
            .map(|(key, count)| CountRow {
                key_title: Some(key.clone()),
                key: Some(key),
                count,
            })
            .collect(),
        recorded_by: recorded_by.iter().map(|d| d.key.clone()).collect(),
        not_recorded_by: not_recorded_by.iter().map(|d| d.key.clone()).collect(),
    }
}

/// The days of the "open cases over time" series: every day of a short period, else at most
/// [`MAX_POINTS`] days evenly spaced, the last day always included.
fn points(from: Date, to: Date) -> Vec<Date> {
    let days = (to - from).get_days().max(0) as usize + 1;
    let step = days.div_ceil(MAX_POINTS).max(1);
    let mut out: Vec<Date> = (0..days)
        .step_by(step)
        .filter_map(|n| from.checked_add(jiff::Span::new().days(n as i64)).ok())
        .collect();
    if out.last() != Some(&to) {
        out.push(to);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_long_period_is_sampled_and_ends_on_its_last_day() {
        assert_eq!(points(date(2026, 11, 1), date(2026, 11, 3)).len(), 3);
        let year = points(date(2026, 1, 1), date(2026, 12, 31));
        assert!(year.len() <= MAX_POINTS + 1, "{}", year.len());
        assert_eq!(year.first(), Some(&date(2026, 1, 1)));
        assert_eq!(year.last(), Some(&date(2026, 12, 31)));
    }

    #[test]
    fn groupings_are_named_by_their_keys() {
        for g in Grouping::ALL {
            assert_eq!(Grouping::parse(g.key()), Some(g));
        }
        assert_eq!(Grouping::parse("county"), None);
    }
}
