//! `wardflow case list`: cases streamed one at a time, in constant memory.

use std::io::Write;

use clap::Args;
use wardflow_engine::app::{Caller, Office};

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
}

/// The widest the state column is laid out (display columns).
const MAX_STATE_WIDTH: usize = 32;

/// The titles of every workflow and state, by key.
type Titles =
    std::collections::BTreeMap<String, (String, std::collections::BTreeMap<String, String>)>;

/// The table's columns, as wide as the longest workflow key and state (with its title) any
/// published version has, so rows can be printed as they are read; and the titles.
fn columns(
    ctx: &Ctx,
    office: &Office,
    caller: &Caller,
) -> Result<(Stream, String, Titles), Failure> {
    use unicode_width::UnicodeWidthStr;
    let mut workflow = 0;
    let mut state = 0;
    let mut titles = Titles::new();
    for words in office.vocabulary(caller)? {
        workflow = workflow.max(words.workflow.width());
        state = words
            .states
            .iter()
            .map(|(key, title)| ctx.tr.key_title(key, title).width())
            .fold(state, usize::max);
        titles.insert(
            words.workflow,
            (words.title, words.states.into_iter().collect()),
        );
    }
    // A very long state title widens only its own row, not every row's.
    let state = state.min(MAX_STATE_WIDTH);
    let id = "2026-000001".len();
    let (table, head) = Stream::new(
        &ctx.tr,
        &[
            (col::CASE, id),
            (col::WORKFLOW, workflow),
            (col::STATE, state),
            (col::UPDATED, "2026-11-23 10:00".len()),
        ],
    );
    Ok((table, head, titles))
}

/// Streams matching cases to stdout.
pub fn run(ctx: &Ctx, args: ListArgs) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let office = ctx.office_for_read()?;
    let after = match &args.after {
        Some(id) => Some(super::super::case_id(id)?.to_string()),
        None => None,
    };
    let limit = args.filter.limit;
    let listing = args
        .filter
        .listing(args.child.map(|c| c.trim().to_ascii_uppercase()), after);
    let mut last = None;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let json = ctx.global.json;
    let mut count = 0usize;
    let mut write_error = None;
    let (table, head, titles) = columns(ctx, &office, &caller)?;
    let simulated = office.cases_simulated();
    let tz = office.config().tz.clone();
    if json {
        let _ = write!(out, "[");
    }
    // Only the cases the user's unit covers exist for them.
    // Priority cases (三优先) come first; the rule that puts a case there is shown beside it.
    office.cases(&caller, &listing, |case, priority| {
        last = Some(case.id.clone());
        let (workflow_title, state_title) = match titles.get(&case.workflow) {
            Some((title, states)) => (Some(title.as_str()), states.get(&case.state)),
            None => (None, None),
        };
        let line = if json {
            let mut item = serde_json::json!({
                "case": case.id, "workflow": case.workflow, "workflow_title": workflow_title,
                "state": case.state, "state_title": state_title,
                "opened_at": case.opened_at, "updated_at": case.updated_at, "seq": case.seq,
                "unit": case.unit, "officer": case.officer, "simulated": simulated,
                "priority": priority.is_some(), "priority_title": priority,
            });
            wardflow_engine::app::wire::localise(&mut item, &tz);
            format!("{}{item}", if count > 0 { "," } else { "" })
        } else {
            let mut cells = vec![
                case.id.to_string(),
                case.workflow.clone(),
                ctx.tr
                    .key_title(&case.state, state_title.map_or("", String::as_str)),
                local_time(case.updated_at),
            ];
            if let Some(rule) = &priority {
                cells.push(tr!(ctx.tr, "priority-mark", rule = rule.clone()));
            }
            let row = table.line(&cells);
            // The header goes above the first row, so an empty list is one sentence.
            let head = if count == 0 {
                format!("{head}\n")
            } else {
                String::new()
            };
            format!("{head}{row}\n")
        };
        count += 1;
        match out.write_all(line.as_bytes()) {
            Ok(()) => true,
            Err(e) => {
                // A closed pipe (`| head`) ends the listing quietly.
                write_error = Some(e);
                false
            }
        }
    })?;
    if json {
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
