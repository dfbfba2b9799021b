//! `wardflow audit`: who read which case, when, and whether they were let in.

use clap::Args;
use wardflow_engine::app::AccessFilter;

use super::admin::AuditParts;
use super::{Ctx, print_json};
use crate::failure::{Failure, Kind};
use crate::show::local_time;
use crate::table::{Table, col};
use crate::tr;
use wardflow_engine::app::CheckProblem;

/// Arguments of `audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only reads of this case.
    #[arg(long)]
    case: Option<String>,
    /// Only reads by this user (`--user` names who is asking, as on every command).
    #[arg(long, value_name = "NAME")]
    reader: Option<String>,
}

/// Prints the access log (administrators only), folding pending entries in first.
pub fn run(ctx: &Ctx, args: AuditArgs) -> Result<(), Failure> {
    let parts: AuditParts = match ctx.remote()? {
        Some(remote) => {
            let mut query = vec![("form", "parts".to_owned())];
            query.extend(args.case.map(|c| ("case", c)));
            query.extend(args.reader.map(|r| ("reader", r)));
            remote.get("/api/v1/audit", &query)?
        }
        None => {
            let caller = ctx.caller(None)?;
            let office = ctx.office_for_write()?;
            let entries = office.audit(
                &caller,
                &AccessFilter {
                    case: args.case,
                    user: args.reader,
                },
            )?;
            AuditParts {
                entries,
                broken: office.audit_chain(&caller)?,
            }
        }
    };
    let (entries, broken) = (parts.entries, parts.broken);
    // The log is shown even when its chain is broken; the command then fails with exit 4,
    // naming the break.
    let chain = || -> Result<(), Failure> {
        match &broken {
            None => Ok(()),
            Some(b) => Err(Kind::Check {
                problems: vec![CheckProblem::AccessChain(b.clone())],
                refusal: "audit-chain-broken",
                db: ctx.global.db.clone(),
            }
            .into()),
        }
    };
    if ctx.global.json {
        print_json(ctx, &entries)?;
        return chain();
    }
    if entries.is_empty() {
        println!("{}", tr!(ctx.tr, "none"));
        return chain();
    }
    // Entries written by older builds (or by hand) may hold control characters: they are
    // shown without them, so no escape sequence reaches the administrator's terminal.
    let clean = wardflow_engine::value::clean_name;
    let mut table = Table::new(
        &ctx.tr,
        &[col::AT, col::USER, col::CASE, col::ACTION, col::OUTCOME],
    );
    for e in &entries {
        let outcome = if e.allowed {
            tr!(ctx.tr, "audit-allowed")
        } else {
            tr!(
                ctx.tr,
                "audit-refused",
                reason = clean(e.reason.as_deref().unwrap_or_default())
            )
        };
        // A granted entry may carry a note (why a read was allowed, a restore's loss).
        let outcome = match (&e.reason, e.allowed) {
            (Some(r), true) => format!("{outcome}  {}", clean(r)),
            _ => outcome,
        };
        table.row(vec![
            local_time(e.at),
            clean(&e.user),
            clean(&e.case),
            clean(&e.action),
            outcome,
        ]);
    }
    table.print();
    chain()
}
