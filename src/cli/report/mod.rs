//! `wardflow report`: the monthly and quarterly figures (one `Office::report` call), printed as
//! tables, or written as CSV, an XLSX workbook or a self-contained HTML page with charts.

mod html;
mod sheets;
mod xlsx;

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use jiff::civil::Date;
use wardflow_engine::app::{Grouping, Report, ReportRequest};

use super::case::filter::date_arg;
use super::{Ctx, print_json};
use crate::failure::{Context, Exit, Failure};
use crate::table::Table;
use crate::{msg, tr};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables on the terminal.
    Table,
    /// Comma-separated values, one table after another.
    Csv,
    /// An Excel workbook, a worksheet per table.
    Xlsx,
    /// One HTML page with its charts inside.
    Html,
}

/// Arguments of `wardflow report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The first day of the period (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_arg, conflicts_with_all = ["month", "quarter"])]
    from: Option<Date>,
    /// The last day of the period (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_arg, conflicts_with_all = ["month", "quarter"])]
    to: Option<Date>,
    /// A calendar month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg, conflicts_with = "quarter")]
    month: Option<(Date, Date)>,
    /// A quarter (YYYYQ1 … YYYYQ4).
    #[arg(long, value_name = "YYYYQN", value_parser = quarter_arg)]
    quarter: Option<(Date, Date)>,
    /// What the case counts are grouped by, comma-separated (default: all of them).
    #[arg(long, value_delimiter = ',', value_parser = grouping_arg)]
    by: Vec<Grouping>,
    /// The output format (default: tables on the terminal).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// The file to write (required for xlsx).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the `--out` file if it exists (never the database or its files).
    #[arg(long)]
    force: bool,
}

/// `2026-11` as its first and last day.
fn month_arg(text: &str) -> Result<(Date, Date), String> {
    let bad = || "YYYY-MM".to_owned();
    let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
    let year: i16 = y.parse().map_err(|_| bad())?;
    let month: i8 = m.parse().map_err(|_| bad())?;
    let first = Date::new(year, month, 1).map_err(|_| bad())?;
    Ok((first, first.last_of_month()))
}

/// `2026Q4` as its first and last day.
fn quarter_arg(text: &str) -> Result<(Date, Date), String> {
    let bad = || "YYYYQ1 … YYYYQ4".to_owned();
    let upper = text.trim().to_ascii_uppercase();
    let (y, q) = upper.split_once('Q').ok_or_else(bad)?;
    let year: i16 = y.parse().map_err(|_| bad())?;
    let quarter: i8 = q.parse().map_err(|_| bad())?;
    if !(1..=4).contains(&quarter) {
        return Err(bad());
    }
    let first = Date::new(year, (quarter - 1) * 3 + 1, 1).map_err(|_| bad())?;
    let last = Date::new(year, quarter * 3, 1).map_err(|_| bad())?;
    Ok((first, last.last_of_month()))
}

fn grouping_arg(text: &str) -> Result<Grouping, String> {
    Grouping::parse(text.trim()).ok_or_else(|| {
        Grouping::ALL
            .iter()
            .map(|g| g.key())
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// Makes the report and prints or writes it.
pub fn run(ctx: &Ctx, args: ReportArgs) -> Result<(), Failure> {
    if args.format == Format::Xlsx && args.out.is_none() {
        return Err(Failure::said(Exit::BadInput, msg!("report-xlsx-needs-out")).with_key("--out"));
    }
    let (from, to) = match args.month.or(args.quarter) {
        Some((f, t)) => (Some(f), Some(t)),
        None => (args.from, args.to),
    };
    let request = ReportRequest {
        from,
        to,
        by: args.by.clone(),
    };
    // With `--server` the server counts and this machine writes the file.
    let remote = ctx.remote()?;
    let office = match &remote {
        Some(_) => None,
        None => Some((ctx.caller(None)?, ctx.office_for_read()?)),
    };
    let report: Report = match (&remote, &office) {
        (Some(remote), _) => remote.get("/api/v1/report", &query(&request))?,
        (None, Some((caller, office))) => office.report(caller, &request)?,
        (None, None) => return Err(Failure::bug("no office and no server")),
    };
    let bytes = match args.format {
        Format::Table if args.out.is_none() => {
            if ctx.global.json {
                return print_json(ctx, &report);
            }
            print_tables(ctx, &report);
            return Ok(());
        }
        Format::Table => text(ctx, &report).into_bytes(),
        Format::Csv => csv(ctx, &report)?,
        Format::Xlsx => xlsx::workbook(&ctx.tr, &report)?,
        Format::Html => html::page(&ctx.tr, &report)?.into_bytes(),
    };
    let Some(out) = &args.out else {
        use std::io::Write;
        return std::io::stdout()
            .write_all(&bytes)
            .map_err(|e| crate::failure::Kind::Output(e).into());
    };
    match &office {
        Some((_, office)) => office.write_output(out, &bytes, args.force, &ctx.key_files()),
        None => wardflow_engine::app::Office::write_output_beside(
            &ctx.global.db,
            out,
            &bytes,
            args.force,
            &ctx.key_files(),
        ),
    }
    .exists_as("out-exists")?;
    let shown = out.display().to_string();
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({ "file": shown, "from": report.from, "to": report.to }),
        );
    }
    println!("{}", tr!(ctx.tr, "report-written", path = shown));
    Ok(())
}

/// The request as a server takes it (`GET /api/v1/report`).
fn query(request: &ReportRequest) -> Vec<(&'static str, String)> {
    let mut query = Vec::new();
    if let Some(from) = request.from {
        query.push(("from", from.to_string()));
    }
    if let Some(to) = request.to {
        query.push(("to", to.to_string()));
    }
    if !request.by.is_empty() {
        let by: Vec<&str> = request.by.iter().map(|g| g.key()).collect();
        query.push(("by", by.join(",")));
    }
    query
}

/// The query of `GET /api/v1/report` as the request it stands for.
pub(crate) fn request_of(
    from: Option<&str>,
    to: Option<&str>,
    by: Option<&str>,
) -> Result<ReportRequest, Failure> {
    let bad = |key: &str| {
        Failure::said(Exit::BadInput, msg!("api-bad-query", key = key.to_owned())).with_key(key)
    };
    let date =
        |key: &str, v: Option<&str>| v.map(|t| date_arg(t).map_err(|_| bad(key))).transpose();
    let by = match by {
        None => Vec::new(),
        Some(text) => text
            .split(',')
            .map(|g| grouping_arg(g).map_err(|_| bad("by")))
            .collect::<Result<_, _>>()?,
    };
    Ok(ReportRequest {
        from: date("from", from)?,
        to: date("to", to)?,
        by,
    })
}

/// The report as the terminal shows it.
fn text(ctx: &Ctx, report: &Report) -> String {
    let tr = &ctx.tr;
    let mut out = sheets::heading(tr, report).join("\n");
    out.push('\n');
    // The daily series is for charts and workbooks: on a terminal it is only a long column.
    let trend = tr!(tr, "report-sheet-trend");
    for sheet in sheets::sheets(tr, report)
        .into_iter()
        .filter(|s| s.name != trend)
    {
        out.push('\n');
        out.push_str(&sheet.title);
        out.push('\n');
        let mut table = Table::from_headers(&sheet.headers);
        for row in &sheet.rows {
            table.row(row.iter().map(sheets::Cell::text).collect());
        }
        for line in table.lines() {
            out.push_str(&line);
            out.push('\n');
        }
        if let Some(note) = &sheet.note {
            out.push_str(note);
            out.push('\n');
        }
    }
    out
}

fn print_tables(ctx: &Ctx, report: &Report) {
    print!("{}", text(ctx, report));
}

/// The tables one after another, each under a line with its title, a blank line between
/// (UTF-8 with a byte-order mark: Excel and WPS then read it as UTF-8, not GBK).
fn csv(ctx: &Ctx, report: &Report) -> Result<Vec<u8>, Failure> {
    let bad = |e: ::csv::Error| Failure::bug(e.to_string());
    let records = |lines: Vec<Vec<String>>| -> Result<Vec<u8>, Failure> {
        let mut w = ::csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for line in lines {
            w.write_record(&line).map_err(bad)?;
        }
        w.into_inner()
            .map_err(|e| Failure::bug(e.error().to_string()))
    };
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(records(
        sheets::heading(&ctx.tr, report)
            .into_iter()
            .map(|l| vec![l])
            .collect(),
    )?);
    for sheet in sheets::sheets(&ctx.tr, report) {
        let mut lines = vec![vec![sheet.title.clone()], sheet.headers.clone()];
        lines.extend(
            sheet
                .rows
                .iter()
                .map(|row| row.iter().map(sheets::Cell::text).collect()),
        );
        lines.extend(sheet.note.iter().map(|n| vec![n.clone()]));
        // A blank line between tables (an empty record would be written as `""`).
        out.push(b'\n');
        out.extend(records(lines)?);
    }
    Ok(out)
}
