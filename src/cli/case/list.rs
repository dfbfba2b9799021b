//! `wardflow case list`: cases streamed one at a time, in constant memory.

use std::io::Write;

use clap::Args;
use wardflow_engine::app::{CaseListing, ListedCase, Vocabulary};

use super::super::Ctx;
use crate::failure::{Failure, Kind};
use crate::show::local_time;
use crate::table::{Stream, col};
use crate::tr;

/// Arguments of `case list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    filter: super::filter::FilterArgs,
    /// Every case of one child: an identity number or registry id.
    #[arg(long)]
    child: Option<String>,
    /// The cases after this case id (the last one of the page before): pages in case-id order.
    #[arg(long, value_name = "CASE")]
    after: Option<String>,
    /// The cases opened with this external id (from any source).
    #[arg(long = "external-id", value_name = "ID")]
    external_id: Option<String>,
}

/// The widest the state column is laid out (display columns).
const MAX_STATE_WIDTH: usize = 32;

/// The table's columns, as wide as the longest workflow key and state (with its title) any
/// published version has, so rows can be printed as they are read.
fn columns(ctx: &Ctx, vocabulary: &[Vocabulary]) -> (Stream, String) {
    use unicode_width::UnicodeWidthStr;
    let mut workflow = 0;
    let mut state = 0;
    for words in vocabulary {
        workflow = workflow.max(words.workflow.width());
        state = words
            .states
            .iter()
            .map(|(key, title)| {
                let en = words
                    .states_en
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, t)| t.as_str());
                let title = crate::show::pick(&ctx.tr, title, en);
                ctx.tr.key_title(key, title).width()
            })
            .fold(state, usize::max);
    }
    // A very long state title widens only its own row, not every row's.
    let state = state.min(MAX_STATE_WIDTH);
    let id = "2026-000001".len();
    Stream::new(
        &ctx.tr,
        &[
            (col::CASE, id),
            (col::WORKFLOW, workflow),
            (col::STATE, state),
            (col::UPDATED, "2026-11-23 10:00".len()),
        ],
    )
}

/// Where rows go as they are read.
struct Rows<'a, W: Write> {
    ctx: &'a Ctx,
    out: W,
    tz: jiff::tz::TimeZone,
    table: Option<(Stream, String)>,
    count: usize,
    last: Option<wardflow_engine::case::CaseId>,
    write_error: Option<std::io::Error>,
}

impl<W: Write> Rows<'_, W> {
    /// Lays out the columns by `vocabulary`; under `--json`, opens the array.
    fn start(&mut self, vocabulary: &[Vocabulary]) {
        self.table = Some(columns(self.ctx, vocabulary));
        if self.ctx.global.json {
            let _ = write!(self.out, "[");
        }
    }

    /// Writes one row; false once the output is closed.
    fn emit(&mut self, row: &ListedCase) -> bool {
        let ctx = self.ctx;
        self.last = Some(row.case.clone());
        let line = if ctx.global.json {
            let mut item = serde_json::to_value(row).unwrap_or_default();
            wardflow_engine::app::wire::localise(&mut item, &self.tz);
            format!("{}{item}", if self.count > 0 { "," } else { "" })
        } else {
            let Some((table, head)) = &self.table else {
                return false;
            };
            let mut cells = vec![
                row.case.to_string(),
                row.workflow.clone(),
                ctx.tr.key_title(
                    &row.state,
                    crate::show::pick(
                        &ctx.tr,
                        row.state_title.as_deref().unwrap_or(""),
                        row.state_title_en.as_deref(),
                    ),
                ),
                local_time(row.updated_at),
            ];
            if let Some(rule) = &row.priority_title {
                let rule = crate::show::pick(&ctx.tr, rule, row.priority_title_en.as_deref());
                cells.push(tr!(ctx.tr, "priority-mark", rule = rule.to_owned()));
            }
            let line = table.line(&cells);
            // The header goes above the first row, so an empty list is one sentence.
            let head = if self.count == 0 {
                format!("{head}\n")
            } else {
                String::new()
            };
            format!("{head}{line}\n")
        };
        self.count += 1;
        match self.out.write_all(line.as_bytes()) {
            Ok(()) => true,
            Err(e) => {
                // A closed pipe (`| head`) ends the listing quietly.
                self.write_error = Some(e);
                false
            }
        }
    }
}

/// Streams matching cases to stdout (embedded; from a server, the page it answered).
pub fn run(ctx: &Ctx, args: ListArgs) -> Result<(), Failure> {
    let after = match &args.after {
        Some(id) => Some(super::super::case_id(id)?.to_string()),
        None => None,
    };
    let limit = args.filter.limit;
    let child = args.child.map(|c| c.trim().to_ascii_uppercase());
    let stdout = std::io::stdout();
    let mut rows = Rows {
        ctx,
        out: std::io::BufWriter::new(stdout.lock()),
        tz: ctx.time_zone()?,
        table: None,
        count: 0,
        last: None,
        write_error: None,
    };
    match ctx.remote()? {
        Some(remote) => {
            let mut query = args.filter.query(child, after);
            if let Some(x) = &args.external_id {
                query.push(("external_id", x.clone()));
            }
            query.push(("form", "parts".to_owned()));
            let listing: CaseListing = remote.get("/api/v1/cases", &query)?;
            rows.start(&listing.vocabulary);
            for row in &listing.rows {
                if !rows.emit(row) {
                    break;
                }
            }
        }
        None => {
            let caller = ctx.caller(None)?;
            let office = ctx.office_for_read()?;
            let mut listing = args.filter.listing(child, after);
            listing.external_id = args.external_id.clone();
            let vocabulary = office.vocabulary(&caller)?;
            rows.tz = office.config().tz.clone();
            rows.start(&vocabulary);
            // Only the cases the user's unit covers exist for them. Priority cases (三优先)
            // come first; the rule that puts a case there is shown beside it.
            office.cases(&caller, &listing, &vocabulary, |row| rows.emit(&row))?;
        }
    }
    let Rows {
        mut out,
        count,
        last,
        write_error,
        ..
    } = rows;
    if ctx.global.json {
        let _ = writeln!(out, "]");
    } else if count == 0 {
        let _ = writeln!(out, "{}", tr!(ctx.tr, "no-cases"));
    } else if let Some(last) = last.filter(|_| limit.is_some_and(|l| count == l as usize)) {
        // A full page: the next one starts after its last case.
        let _ = writeln!(
            out,
            "{}",
            tr!(ctx.tr, "list-next-page", case = last.to_string())
        );
    }
    match (write_error, out.flush()) {
        (Some(e), _) | (None, Err(e)) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Kind::Output(e).into())
        }
        _ => Ok(()),
    }
}
