//! `wardflow user …`: the registry of people who may act, and in which roles and unit.

use clap::{Args, Subcommand};
use wardflow_engine::app::NewUser;

use super::{Ctx, print_json};
use crate::failure::{self, Failure};
use crate::show::local_time;
use crate::table::{Table, col};
use crate::tr;

/// User subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Register a user with their roles and unit (administrators only).
    Add(AddArgs),
    /// Every registered user, enabled or not.
    List,
    /// Stop a user from acting or reading; history keeps their name (administrators only).
    Disable {
        /// The user's name.
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
    /// Let a disabled user act and read again (administrators only).
    Enable {
        /// The user's name.
        #[arg(value_parser = super::name_arg)]
        name: String,
    },
    /// Replace a user's roles (administrators only); the last administrator keeps `admin`.
    Roles {
        /// The user's name.
        #[arg(value_parser = super::name_arg)]
        name: String,
        /// A role the user may act in (repeatable), as for `user add`.
        #[arg(long = "role", value_name = "ROLE", required = true)]
        roles: Vec<String>,
    },
}

/// Arguments of `user add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The user's name, as `--user` / `WARDFLOW_USER` gives it.
    #[arg(value_parser = super::name_arg)]
    name: String,
    /// A role the user may act in (repeatable): a workflow role, `admin`, `auditor` (verify,
    /// check and the access log only), or `*` for every workflow role (training and test
    /// databases).
    #[arg(long = "role", value_name = "ROLE", required = true)]
    roles: Vec<String>,
    /// The unit the user belongs to (an id from the units file).
    #[arg(long)]
    unit: String,
}

/// Runs a user subcommand.
pub fn run(ctx: &Ctx, cmd: UserCommand) -> Result<(), Failure> {
    match cmd {
        UserCommand::Add(args) => {
            let caller = ctx.caller(None)?;
            ctx.office_for_write()?.add_user(
                &caller,
                &NewUser {
                    name: args.name.clone(),
                    roles: args.roles,
                    unit: args.unit,
                },
            )?;
            if ctx.global.json {
                return print_json(ctx, &serde_json::json!({"user": args.name, "added": true}));
            }
            println!("{}", tr!(ctx.tr, "user-added", user = args.name));
            Ok(())
        }
        UserCommand::Disable { name } => {
            let caller = ctx.caller(None)?;
            ctx.office_for_write()?.disable_user(&caller, &name)?;
            if ctx.global.json {
                return print_json(ctx, &serde_json::json!({"user": name, "enabled": false}));
            }
            println!("{}", tr!(ctx.tr, "user-disabled", user = name));
            Ok(())
        }
        UserCommand::Enable { name } => {
            let caller = ctx.caller(None)?;
            ctx.office_for_write()?.enable_user(&caller, &name)?;
            if ctx.global.json {
                return print_json(ctx, &serde_json::json!({"user": name, "enabled": true}));
            }
            println!("{}", tr!(ctx.tr, "user-enabled", user = name));
            Ok(())
        }
        UserCommand::Roles { name, roles } => {
            let caller = ctx.caller(None)?;
            let unique = ctx.office_for_write()?.set_roles(&caller, &name, &roles)?;
            if ctx.global.json {
                return print_json(ctx, &serde_json::json!({"user": name, "roles": unique}));
            }
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "user-roles-set",
                    user = name,
                    roles = unique.join(", ")
                )
            );
            Ok(())
        }
        UserCommand::List => {
            let caller = ctx.caller(None)?;
            let (users, units) = ctx.office_for_read()?.users(&caller)?;
            if ctx.global.json {
                let out: Vec<_> = users
                    .iter()
                    .map(|u| {
                        serde_json::json!({
                            "user": u.name, "roles": u.roles, "unit": u.unit,
                            "enabled": u.enabled, "added_at": u.added_at, "added_by": u.added_by,
                            "disabled_at": u.disabled_at, "disabled_by": u.disabled_by,
                        })
                    })
                    .collect();
                return print_json(ctx, &out);
            }
            let mut table = Table::new(&ctx.tr, &[col::USER, col::ROLES, col::UNIT, col::STATUS]);
            for u in &users {
                let state = if u.enabled {
                    ctx.tr.t(col::ENABLED)
                } else {
                    tr!(
                        ctx.tr,
                        "table-disabled",
                        at = u.disabled_at.map(local_time).unwrap_or_default()
                    )
                };
                table.row(vec![
                    u.name.clone(),
                    u.roles.join(", "),
                    failure::unit_named(&ctx.tr, &units, &u.unit),
                    state,
                ]);
            }
            table.print();
            Ok(())
        }
    }
}
