//! `wardflow case list`: cases streamed one at a time, in constant memory.

use std::io::Write;

use clap::Args;
use wardflow_engine::store::CaseFilter;

use super::super::Ctx;
use crate::failure::{Failure, Kind};
use crate::show::local_time;
use crate::tr;

/// Arguments of `case list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only cases of this workflow.
    #[arg(long)]
    workflow: Option<String>,
    /// Only cases in this state.
    #[arg(long)]
    state: Option<String>,
    /// Every case of one child: an identity number or registry id.
    #[arg(long)]
    child: Option<String>,
}

/// Streams matching cases to stdout.
pub fn run(ctx: &Ctx, args: ListArgs) -> Result<(), Failure> {
    let store = ctx.store_for_read()?;
    let units = ctx.units(&store)?;
    let user = ctx.registered_user(&store, &units)?;
    let filter = CaseFilter {
        workflow: args.workflow,
        state: args.state,
        child: args.child.map(|c| c.trim().to_ascii_uppercase()),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let json = ctx.global.json;
    let mut count = 0usize;
    let mut write_error = None;
    if json {
        let _ = write!(out, "[");
    }
    store.each_case(&filter, |case| {
        // Only the cases the user's unit covers exist for them.
        if !units.covers(&user.unit, case.unit.as_deref()) {
            return true;
        }
        let line = if json {
            let item = serde_json::json!({
                "case": case.id, "workflow": case.workflow, "state": case.state,
                "opened_at": case.opened_at, "updated_at": case.updated_at, "seq": case.seq,
                "unit": case.unit,
            });
            format!("{}{item}", if count > 0 { "," } else { "" })
        } else {
            format!(
                "{}  {}  {}  {}\n",
                case.id,
                case.workflow,
                case.state,
                local_time(case.updated_at)
            )
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
    }
    match (write_error, out.flush()) {
        (Some(e), _) | (None, Err(e)) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Kind::Output(e).into())
        }
        _ => Ok(()),
    }
}
