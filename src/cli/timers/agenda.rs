//! `wardflow agenda` and `wardflow case overdue`: what falls due soon, and what is late.

use clap::Args;

use super::super::Ctx;
use super::print;
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
    let caller = ctx.caller(None)?;
    let dues = ctx
        .office_for_read()?
        .agenda(&caller, args.days, args.role.as_deref())?;
    print(ctx, &dues, "agenda-empty")
}

/// Deadlines past due, most overdue first.
pub fn overdue(ctx: &Ctx, args: OverdueArgs) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let listing = args.filter.listing(None, None);
    let dues = ctx
        .office_for_read()?
        .overdue_listed(&caller, args.role.as_deref(), &listing)?;
    print(ctx, &dues, "overdue-empty")
}
