//! The report as an Excel workbook (rust_xlsxwriter): an overview sheet, then a worksheet per
//! table, numbers written as numbers so that the office can sum and chart them.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use wardflow_engine::app::Report;

use super::sheets::{self, Cell};
use crate::failure::Failure;
use crate::i18n::Tr;
use crate::tr;

/// The workbook's bytes.
pub fn workbook(tr: &Tr, report: &Report) -> Result<Vec<u8>, Failure> {
    build(tr, report).map_err(|e| Failure::bug(format!("writing the workbook: {e}")))
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn tab(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect()
}

fn build(tr: &Tr, report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let overview = book.add_worksheet();
    overview.set_name(tab(&tr!(tr, "report-sheet-overview")))?;
    for (i, line) in sheets::heading(tr, report).iter().enumerate() {
        overview.write_string(i as u32, 0, line)?;
    }
    overview.set_column_width(0, 60)?;
    for sheet in sheets::sheets(tr, report) {
        let ws = book.add_worksheet();
        ws.set_name(tab(&sheet.name))?;
        ws.write_string_with_format(0, 0, &sheet.title, &bold)?;
        for (c, header) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(1, c as u16, header, &bold)?;
            ws.set_column_width(c as u16, if c == 0 { 36 } else { 14 })?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 2;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(text) => ws.write_string(r, c as u16, text)?,
                    Cell::Number(n) => ws.write_number(r, c as u16, *n)?,
                };
            }
        }
        if let Some(note) = &sheet.note {
            ws.write_string(sheet.rows.len() as u32 + 3, 0, note)?;
        }
    }
    book.save_to_buffer()
}
