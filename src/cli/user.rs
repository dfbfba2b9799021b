//! `wardflow user …`: the registry of people who may act, and in which roles and unit.

use clap::{Args, Subcommand};
use wardflow_engine::app::NewUser;

use super::{Ctx, print_json};
use crate::failure::{self, Failure};
use crate::show::local_time;
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
        name: String,
    },
}

/// Arguments of `user add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The user's name, as `--user` / `WARDFLOW_USER` gives it.
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
                return print_json(&serde_json::json!({"user": args.name, "added": true}));
            }
            println!("{}", tr!(ctx.tr, "user-added", user = args.name));
            Ok(())
        }
        UserCommand::Disable { name } => {
            let caller = ctx.caller(None)?;
            ctx.office_for_write()?.disable_user(&caller, &name)?;
            if ctx.global.json {
                return print_json(&serde_json::json!({"user": name, "enabled": false}));
            }
            println!("{}", tr!(ctx.tr, "user-disabled", user = name));
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
                return print_json(&out);
            }
            for u in &users {
                let state = if u.enabled {
                    String::new()
                } else {
                    tr!(
                        ctx.tr,
                        "user-disabled-mark",
                        at = u.disabled_at.map(local_time).unwrap_or_default()
                    )
                };
                println!(
                    "{}  {}  {}{state}",
                    u.name,
                    u.roles.join(", "),
                    failure::unit_named(&ctx.tr, &units, &u.unit)
                );
            }
            Ok(())
        }
    }
}
