//! The report laid out once as titled tables ("sheets") in the user's language, which every
//! output format draws its own way: the terminal table, CSV, the workbook (one worksheet
//! each) and the HTML page.

use wardflow_engine::app::{
    CaseTable, ChildTable, CountTable, Grouping, LetterCount, OpenOn, Report,
};

use crate::i18n::Tr;
use crate::tr;

/// One cell: text, or a number a spreadsheet can sum.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    /// The cell as printed.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => format!("{n:.1}"),
        }
    }
}

fn n(v: u64) -> Cell {
    Cell::Number(v as f64)
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A titled table.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// A short name (a worksheet tab: at most 31 characters, none of `[]:*?/\`).
    pub name: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// A sentence under the table (what it leaves out).
    pub note: Option<String>,
}

/// The word for a grouping ("流程", "承办人" …).
pub fn grouping_word(tr: &Tr, by: Grouping) -> String {
    tr.t(&format!("report-by-{}", by.key()))
}

/// A group's key and title as one cell; the cases that record none are named so.
fn named(tr: &Tr, key: &Option<String>, title: &Option<String>) -> String {
    match (key, title) {
        (Some(k), Some(t)) => tr.key_title(k, t),
        (Some(k), None) => k.clone(),
        (None, _) => tr!(tr, "report-none"),
    }
}

fn case_sheet(tr: &Tr, table: &CaseTable) -> Sheet {
    let word = grouping_word(tr, table.by);
    let mut headers = Vec::new();
    if table.by == Grouping::State {
        headers.push(grouping_word(tr, Grouping::Workflow));
    }
    headers.extend([
        word.clone(),
        tr!(tr, "report-opened"),
        tr!(tr, "report-closed"),
        tr!(tr, "report-running"),
    ]);
    let mut rows: Vec<Vec<Cell>> = table
        .rows
        .iter()
        .map(|r| {
            let mut row = Vec::new();
            if table.by == Grouping::State {
                row.push(t(r.workflow.clone().unwrap_or_default()));
            }
            row.extend([
                t(named(
                    tr,
                    &r.key,
                    &r.key_title
                        .as_deref()
                        .map(|zh| crate::show::pick(tr, zh, r.key_title_en.as_deref()).to_owned()),
                )),
                n(r.counts.opened),
                n(r.counts.closed),
                n(r.counts.running),
            ]);
            row
        })
        .collect();
    let mut total = vec![t(tr!(tr, "report-total"))];
    if table.by == Grouping::State {
        total.push(t(""));
    }
    total.extend([
        n(table.total.opened),
        n(table.total.closed),
        n(table.total.running),
    ]);
    rows.push(total);
    Sheet {
        name: tr!(tr, "report-sheet-cases", by = word.clone()),
        title: tr!(tr, "report-title-cases", by = word),
        headers,
        rows,
        note: None,
    }
}

fn count_sheet(tr: &Tr, table: &CountTable) -> Sheet {
    let word = grouping_word(tr, table.by);
    let mut rows: Vec<Vec<Cell>> = table
        .rows
        .iter()
        .map(|r| vec![t(named(tr, &r.key, &r.key_title)), n(r.count)])
        .collect();
    rows.push(vec![t(tr!(tr, "report-total")), n(table.total)]);
    Sheet {
        name: tr!(tr, "report-sheet-overdue", by = word.clone()),
        title: tr!(tr, "report-title-overdue", by = word.clone()),
        headers: vec![word, tr!(tr, "report-overdue")],
        rows,
        note: None,
    }
}

fn child_sheet(tr: &Tr, table: &ChildTable) -> Sheet {
    let title = table.field_title.as_deref().map_or_else(
        || table.field.clone(),
        |f| {
            let f = crate::show::pick(tr, f, table.field_title_en.as_deref());
            tr.key_title(&table.field, f)
        },
    );
    let mut rows: Vec<Vec<Cell>> = table
        .rows
        .iter()
        .map(|r| vec![t(r.key.clone().unwrap_or_default()), n(r.count)])
        .collect();
    rows.push(vec![t(tr!(tr, "report-total")), n(table.total)]);
    let note = if table.recorded_by.is_empty() {
        tr!(tr, "report-field-nowhere", field = table.field.clone())
    } else if table.not_recorded_by.is_empty() {
        tr!(tr, "report-field-everywhere", field = table.field.clone())
    } else {
        tr!(
            tr,
            "report-field-not-recorded",
            field = table.field.clone(),
            workflows = tr.list(&table.not_recorded_by)
        )
    };
    Sheet {
        name: table.field.clone(),
        title: tr!(tr, "report-title-children", field = title),
        headers: vec![tr!(tr, "report-value"), tr!(tr, "report-children")],
        rows,
        note: Some(note),
    }
}

fn letter_sheet(tr: &Tr, letters: &[LetterCount]) -> Sheet {
    let rows = letters
        .iter()
        .map(|l| {
            vec![
                t(tr.key_title(&l.letter, &l.letter_title)),
                t(l.body.clone()),
                n(l.issued),
                n(l.voided),
            ]
        })
        .collect();
    Sheet {
        name: tr!(tr, "report-sheet-letters"),
        title: tr!(tr, "report-title-letters"),
        headers: vec![
            tr!(tr, "report-letter"),
            tr!(tr, "report-body"),
            tr!(tr, "report-issued"),
            tr!(tr, "report-voided"),
        ],
        rows,
        note: None,
    }
}

fn deadline_sheet(tr: &Tr, report: &Report) -> Sheet {
    let d = &report.deadlines;
    Sheet {
        name: tr!(tr, "report-sheet-deadlines"),
        title: tr!(tr, "report-title-deadlines"),
        headers: vec![
            tr!(tr, "report-met"),
            tr!(tr, "report-late"),
            tr!(tr, "report-percent"),
        ],
        rows: vec![vec![
            n(d.met),
            n(d.late),
            d.percent.map_or_else(|| t("—"), Cell::Number),
        ]],
        note: Some(tr!(tr, "report-deadlines-note")),
    }
}

fn trend_sheet(tr: &Tr, points: &[OpenOn]) -> Sheet {
    Sheet {
        name: tr!(tr, "report-sheet-trend"),
        title: tr!(tr, "report-title-trend"),
        headers: vec![tr!(tr, "report-date"), tr!(tr, "report-running")],
        rows: points
            .iter()
            .map(|p| vec![t(p.date.to_string()), n(p.open)])
            .collect(),
        note: None,
    }
}

/// The report as sheets, in the order it is read.
pub fn sheets(tr: &Tr, report: &Report) -> Vec<Sheet> {
    let mut out: Vec<Sheet> = report.cases.iter().map(|c| case_sheet(tr, c)).collect();
    out.extend(report.overdue.iter().map(|c| count_sheet(tr, c)));
    out.push(deadline_sheet(tr, report));
    out.extend(report.children.iter().map(|c| child_sheet(tr, c)));
    out.push(letter_sheet(tr, &report.letters));
    out.push(trend_sheet(tr, &report.open_over_time));
    out
}

/// The lines above the tables: the period, who made it and when, how many cases it read.
pub fn heading(tr: &Tr, report: &Report) -> Vec<String> {
    vec![
        tr!(
            tr,
            "report-heading",
            from = report.from.to_string(),
            to = report.to.to_string()
        ),
        tr!(
            tr,
            "report-made",
            at = report.generated_at.clone(),
            user = report.generated_by.clone(),
            cases = report.cases_read
        ),
    ]
}
