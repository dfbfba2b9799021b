//! `wardflow agenda` and `wardflow case overdue`: what falls due soon, and what is late.

use clap::Args;

use std::sync::Arc;

use wardflow_engine::app::DueRow;
use wardflow_engine::definition::{Definition, VersionHash};

use super::super::Ctx;
use super::{Defs, due_rows, print};
use crate::failure::Failure;

/// Arguments of `wardflow agenda`.
#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// How many days ahead to look.
    #[arg(long, default_value_t = 7)]
    days: u16,
    /// Only deadlines a person in this role can act on now.
    #[arg(long)]
    role: Option<String>,
}

/// Arguments of `wardflow case overdue`.
#[derive(Debug, Args)]
pub struct OverdueArgs {
    /// Only deadlines a person in this role can act on now.
    #[arg(long)]
    role: Option<String>,
    #[command(flatten)]
    filter: super::super::case::filter::FilterArgs,
}

/// Deadlines due from now to `--days` ahead, soonest first.
pub fn agenda(ctx: &Ctx, args: AgendaArgs) -> Result<(), Failure> {
    if let Some(remote) = ctx.remote()? {
        let mut query = vec![("days", args.days.to_string())];
        query.extend(args.role.map(|r| ("as", r)));
        let rows: Vec<DueRow> = remote.get("/api/v1/agenda", &query)?;
        return print(ctx, &rows, &|h| remote.definition(h), "agenda-empty");
    }
    let caller = ctx.caller(None)?;
    let dues = ctx
        .office_for_read()?
        .agenda(&caller, args.days, args.role.as_deref())?;
    let (rows, defs) = due_rows(&dues);
    print(ctx, &rows, &|h| known(&defs, h), "agenda-empty")
}

/// Deadlines past due, most overdue first.
pub fn overdue(ctx: &Ctx, args: OverdueArgs) -> Result<(), Failure> {
    if let Some(remote) = ctx.remote()? {
        let mut query = args.filter.query(None, None);
        query.extend(args.role.map(|r| ("as", r)));
        let rows: Vec<DueRow> = remote.get("/api/v1/overdue", &query)?;
        return print(ctx, &rows, &|h| remote.definition(h), "overdue-empty");
    }
    let caller = ctx.caller(None)?;
    let listing = args.filter.listing(None, None);
    let dues = ctx
        .office_for_read()?
        .overdue_listed(&caller, args.role.as_deref(), &listing)?;
    let (rows, defs) = due_rows(&dues);
    print(ctx, &rows, &|h| known(&defs, h), "overdue-empty")
}

/// The definition of a version the office returned with its rows.
fn known(defs: &Defs, hash: &VersionHash) -> Result<Arc<Definition>, Failure> {
    defs.get(hash)
        .cloned()
        .ok_or_else(|| Failure::bug(format!("no definition for {}", hash.short())))
}
