//! Tables for the list-like outputs (`case list`, `agenda`, `letter list` …), never for `--json`.
//!
//! One look everywhere: a header in the user's language, a line of `-` under each column, and
//! columns two spaces apart, without borders, so a row stays one line that `grep` finds.
//! Widths count display columns (a Chinese character is two), through comfy-table, which
//! measures with `unicode-width`; the rule is ASCII `-` because box-drawing characters are
//! "ambiguous width" and some CJK terminals draw them two columns wide.
//!
//! comfy-table rather than tabled: our rows are built at run time as `Vec<String>` (tabled is at
//! its best deriving a table from a struct), and comfy-table builds without its terminal
//! feature, so it pulls in no crossterm.
//!
//! `Table` holds its rows (the lists that are already in memory); `Stream` prints rows as they
//! come with widths fixed in advance, for `case list`, which reads cases in constant memory.

use comfy_table::{ContentArrangement, LineStyle, TableStyle};
use unicode_width::UnicodeWidthStr;

use crate::i18n::Tr;

/// The header message ids (`locales/*/help.ftl`).
pub mod col {
    pub const CASE: &str = "table-case";
    pub const WORKFLOW: &str = "table-workflow";
    pub const STATE: &str = "table-state";
    pub const UPDATED: &str = "table-updated";
    pub const DUE: &str = "table-due";
    pub const DEADLINE: &str = "table-deadline";
    pub const NOTE: &str = "table-note";
    pub const LETTER: &str = "table-letter";
    pub const NUMBER: &str = "table-number";
    pub const TITLE: &str = "table-title";
    pub const DATE: &str = "table-date";
    pub const STATUS: &str = "table-status";
    pub const USER: &str = "table-user";
    pub const ROLES: &str = "table-roles";
    pub const UNIT: &str = "table-unit";
    pub const VERSION: &str = "table-version";
    pub const HASH: &str = "table-hash";
    pub const PUBLISHED_BY: &str = "table-published-by";
    pub const PUBLISHED_AT: &str = "table-published-at";
    pub const AT: &str = "table-at";
    pub const ACTION: &str = "table-action";
    pub const OUTCOME: &str = "table-outcome";
    pub const ENABLED: &str = "table-enabled";
    pub const SETTING: &str = "table-setting";
    pub const VALUE: &str = "table-value";
    pub const SOURCE: &str = "table-source";

    /// Every header, for the test that each exists in both languages.
    #[cfg(test)]
    pub const ALL: [&str; 26] = [
        CASE,
        WORKFLOW,
        STATE,
        UPDATED,
        DUE,
        DEADLINE,
        NOTE,
        LETTER,
        NUMBER,
        TITLE,
        DATE,
        STATUS,
        USER,
        ROLES,
        UNIT,
        VERSION,
        HASH,
        PUBLISHED_BY,
        PUBLISHED_AT,
        AT,
        ACTION,
        OUTCOME,
        ENABLED,
        SETTING,
        VALUE,
        SOURCE,
    ];
}

/// No borders; `-` under the header; one space of padding plus a space junction: two spaces.
const STYLE: TableStyle = TableStyle::new()
    .header_lines(comfy_table::ContentLineStyle::none().junction(' '))
    .header_separator(LineStyle::none().fill('-').junction(' '))
    .content_lines(comfy_table::ContentLineStyle::none().junction(' '));

/// A table whose rows are all known before it is printed.
pub struct Table {
    inner: comfy_table::Table,
}

impl Table {
    /// A table with the headers named by these message ids.
    pub fn new(tr: &Tr, headers: &[&str]) -> Self {
        Self::from_headers(&headers.iter().map(|id| tr.t(id)).collect::<Vec<_>>())
    }

    /// A table with these headers, already in the user's language.
    pub fn from_headers(headers: &[String]) -> Self {
        let mut inner = comfy_table::Table::new();
        inner
            .load_style(STYLE)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(headers.to_vec());
        let last = headers.len().saturating_sub(1);
        for (i, column) in inner.column_iter_mut().enumerate() {
            column.set_padding((0, if i < last { 1 } else { 0 }));
        }
        Table { inner }
    }

    /// Adds a row, one cell per header.
    pub fn row(&mut self, cells: Vec<String>) {
        self.inner.add_row(cells);
    }

    /// The table as lines, without the padding after the last column.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.inner.lines().enumerate().map(|(i, l)| {
            // comfy-table draws the rule under the padding too; end each dash run at its text,
            // so the rule has the same two-space gaps as the rows.
            let l = if i == 1 { l.replace("- ", "  ") } else { l };
            l.trim_end().to_owned()
        })
    }

    /// Prints the table on standard output.
    pub fn print(&self) {
        for line in self.lines() {
            println!("{line}");
        }
    }
}

/// A table printed row by row: each column as wide as its header or the width given for it,
/// whichever is wider; a longer value widens only its own row.
pub struct Stream {
    widths: Vec<usize>,
}

impl Stream {
    /// The columns: a header message id and the widest value expected in it.
    pub fn new(tr: &Tr, columns: &[(&str, usize)]) -> (Self, String) {
        let headers: Vec<String> = columns.iter().map(|(id, _)| tr.t(id)).collect();
        let widths: Vec<usize> = headers
            .iter()
            .zip(columns)
            .map(|(h, (_, w))| h.width().max(*w))
            .collect();
        let stream = Stream { widths };
        let rule: Vec<String> = stream.widths.iter().map(|w| "-".repeat(*w)).collect();
        let head = format!("{}\n{}", stream.line(&headers), rule.join("  "));
        (stream, head)
    }

    /// One row as a line (no newline).
    pub fn line(&self, cells: &[String]) -> String {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(cell);
            if i + 1 < cells.len() {
                let width = self.widths.get(i).copied().unwrap_or(0);
                out.push_str(&" ".repeat(width.saturating_sub(cell.width())));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn chinese_cells_are_counted_two_columns_wide() {
        let tr = Tr { lang: Lang::Zh };
        let mut table = Table::new(&tr, &[col::CASE, col::STATE]);
        table.row(vec!["2026-000001".into(), "已受理".into()]);
        table.row(vec!["2026-000002".into(), "closed".into()]);
        let lines: Vec<String> = table.lines().collect();
        assert_eq!(
            lines,
            [
                "案件编号     状态",
                "-----------  ------",
                "2026-000001  已受理",
                "2026-000002  closed",
            ]
        );
    }

    #[test]
    fn a_stream_lines_up_with_its_header_whatever_the_script() {
        let tr = Tr { lang: Lang::Zh };
        let (stream, head) = Stream::new(&tr, &[(col::WORKFLOW, 6), (col::STATE, 0)]);
        assert_eq!(head, "流程    状态\n------  ----");
        assert_eq!(stream.line(&["监护".into(), "x".into()]), "监护    x");
        assert_eq!(stream.line(&["care".into(), "x".into()]), "care    x");
    }

    #[test]
    fn every_header_exists_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let tr = Tr { lang };
            for id in col::ALL {
                assert!(tr.try_t(id).is_some(), "{lang:?} lacks {id}");
            }
        }
    }
}
