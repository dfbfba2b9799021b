//! The report as one self-contained HTML page: its tables, and two charts drawn as inline SVG
//! (open cases over time, overdue deadlines by unit), with no script, font or file fetched.
//!
//! The charts are drawn with `plotters` and its SVG backend only (no bitmap, font or system
//! library): a long-kept plotting crate whose SVG output is plain `<svg>` markup we can put in
//! the page, where the browser sets the Chinese labels in its own fonts. `charming` was the
//! other candidate; it renders through ECharts, which needs its JavaScript in the page (or a
//! JavaScript engine to make SVG), far more than two small charts call for.

use plotters::prelude::*;
use wardflow_engine::app::{Grouping, Report};

use super::sheets::{self, Sheet};
use crate::failure::Failure;
use crate::i18n::Tr;
use crate::tr;

/// Text made safe inside HTML elements and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn chart_error(e: impl std::fmt::Display) -> Failure {
    Failure::bug(format!("drawing a chart: {e}"))
}

/// Running cases at the end of each day of the period, as a line.
fn open_over_time(tr: &Tr, report: &Report) -> Result<String, Failure> {
    let points = &report.open_over_time;
    let max = points.iter().map(|p| p.open).max().unwrap_or(0).max(1) as i64 + 1;
    let last = points.len().saturating_sub(1).max(1) as i64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(tr!(tr, "report-chart-open"), ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0i64..last, 0i64..max)
            .map_err(chart_error)?;
        let label = |i: &i64| {
            usize::try_from(*i)
                .ok()
                .and_then(|i| points.get(i))
                .map(|p| p.date.strftime("%m-%d").to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&label)
            .y_desc(tr!(tr, "report-running"))
            .draw()
            .map_err(chart_error)?;
        let blue = RGBColor(31, 119, 180);
        chart
            .draw_series(LineSeries::new(
                points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (i as i64, p.open as i64)),
                blue.stroke_width(2),
            ))
            .map_err(chart_error)?;
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// Overdue deadlines by unit, as bars.
fn overdue_by_unit(tr: &Tr, report: &Report) -> Result<String, Failure> {
    let rows: Vec<(String, i64)> = report
        .overdue
        .iter()
        .find(|t| t.by == Grouping::Unit)
        .map(|t| {
            t.rows
                .iter()
                .map(|r| {
                    let name = r
                        .key_title
                        .clone()
                        .or_else(|| r.key.clone())
                        .unwrap_or_else(|| tr!(tr, "report-none"));
                    (name, r.count as i64)
                })
                .collect()
        })
        .unwrap_or_default();
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) + 1;
    // Each bar takes three steps of the axis: the bar over two, a gap; its name under the
    // middle step.
    let width = (rows.len().max(1) * 3) as i64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(tr!(tr, "report-chart-overdue"), ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0i64..width, 0i64..max)
            .map_err(chart_error)?;
        let label = |x: &i64| {
            if x % 3 != 1 {
                return String::new();
            }
            usize::try_from(x / 3)
                .ok()
                .and_then(|i| rows.get(i))
                .map(|r| r.0.clone())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(width as usize + 1)
            .y_labels(6)
            .x_label_formatter(&label)
            .y_desc(tr!(tr, "report-overdue"))
            .draw()
            .map_err(chart_error)?;
        let orange = RGBColor(230, 120, 30);
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let x = i as i64 * 3;
                Rectangle::new([(x, 0), (x + 2, r.1)], orange.filled())
            }))
            .map_err(chart_error)?;
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

fn table(sheet: &Sheet) -> String {
    let mut out = format!("<h2>{}</h2>\n<table>\n<thead><tr>", escape(&sheet.title));
    for h in &sheet.headers {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &sheet.rows {
        out.push_str("<tr>");
        for cell in row {
            let class = match cell {
                sheets::Cell::Number(_) => " class=\"n\"",
                sheets::Cell::Text(_) => "",
            };
            out.push_str(&format!("<td{class}>{}</td>", escape(&cell.text())));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if let Some(note) = &sheet.note {
        out.push_str(&format!("<p class=\"note\">{}</p>\n", escape(note)));
    }
    out
}

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.1em;margin-top:1.6em}\
table{border-collapse:collapse;margin:.4em 0}th,td{border:1px solid #bbb;padding:.25em .7em}\
th{background:#eef2f7}td.n{text-align:right}p.note{color:#555;font-size:.9em}\
.charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{max-width:100%;height:auto}";

/// The page.
pub fn page(tr: &Tr, report: &Report) -> Result<String, Failure> {
    let lang = match tr.lang {
        crate::i18n::Lang::Zh => "zh-CN",
        crate::i18n::Lang::En => "en",
    };
    let title = tr!(tr, "report-page-title");
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    for line in sheets::heading(tr, report) {
        out.push_str(&format!("<p>{}</p>\n", escape(&line)));
    }
    out.push_str("<div class=\"charts\">\n");
    out.push_str(&open_over_time(tr, report)?);
    out.push('\n');
    out.push_str(&overdue_by_unit(tr, report)?);
    out.push_str("\n</div>\n");
    for sheet in sheets::sheets(tr, report) {
        out.push_str(&table(&sheet));
    }
    out.push_str("</body>\n</html>\n");
    Ok(out)
}
