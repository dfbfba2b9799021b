//! `wardflow agenda` and `wardflow case overdue`: what falls due soon, and what is late.

use clap::Args;

use super::super::Ctx;
use super::{for_role, print};
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
}

/// Deadlines due from now to `--days` ahead, soonest first.
pub fn agenda(ctx: &Ctx, args: AgendaArgs) -> Result<(), Failure> {
    let store = ctx.store_for_read()?;
    let now = ctx.now(Some(&store))?;
    let until = now
        .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(args.days)))
        .unwrap_or(jiff::Timestamp::MAX);
    let views = store.agenda(now, until)?;
    let views = ctx.covered(&store, views)?;
    let views = for_role(&store, views, args.role.as_deref())?;
    print(ctx, &store, &views, "agenda-empty")
}

/// Deadlines past due, most overdue first.
pub fn overdue(ctx: &Ctx, args: OverdueArgs) -> Result<(), Failure> {
    let store = ctx.store_for_read()?;
    let now = ctx.now(Some(&store))?;
    let views = store.overdue(now)?;
    let views = ctx.covered(&store, views)?;
    let views = for_role(&store, views, args.role.as_deref())?;
    print(ctx, &store, &views, "overdue-empty")
}
