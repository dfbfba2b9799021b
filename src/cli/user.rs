//! `wardflow user …`: the registry of people who may act, and in which roles and unit.

use clap::{Args, Subcommand};
use wardflow_engine::authority::{ADMIN_ROLE, ANY_ROLE};
use wardflow_engine::definition::SYSTEM_ROLE;
use wardflow_engine::store::{Store, StoredUser};

use super::{Ctx, print_json};
use crate::failure::{self, Exit, Failure};
use crate::msg;
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
    /// A role the user may act in (repeatable): a workflow role, `admin`, or `*` for every
    /// workflow role (training and test databases).
    #[arg(long = "role", value_name = "ROLE", required = true)]
    roles: Vec<String>,
    /// The unit the user belongs to (an id from the units file).
    #[arg(long)]
    unit: String,
}

/// Checks a list of roles against the published workflows (and `admin`, `*`).
pub fn check_roles(store: &Store, roles: &[String]) -> Result<(), Failure> {
    let defs = store.latest_definitions()?;
    for role in roles {
        let known = role == ADMIN_ROLE
            || role == ANY_ROLE
            || defs.iter().any(|d| d.roles.iter().any(|r| r == role));
        if role == SYSTEM_ROLE || !known {
            let all: Vec<&str> = defs
                .iter()
                .flat_map(|d| d.roles.iter().map(String::as_str))
                .chain([ADMIN_ROLE])
                .collect();
            let mut message = msg!("role-unknown", role = role.clone());
            if let Some(s) = wardflow_engine::suggest::closest(role, all) {
                message = message.then(msg!("did-you-mean", suggestion = s));
            }
            return Err(Failure::said(Exit::BadInput, message).with_key(role.clone()));
        }
    }
    Ok(())
}

/// Runs a user subcommand.
pub fn run(ctx: &Ctx, cmd: UserCommand) -> Result<(), Failure> {
    match cmd {
        UserCommand::Add(args) => {
            let store = ctx.store_for_write()?;
            let now = ctx.now(Some(&store))?;
            let admin = ctx.administrator(&store)?;
            check_roles(&store, &args.roles)?;
            let mut roles = Vec::new();
            for r in args.roles {
                if !roles.contains(&r) {
                    roles.push(r);
                }
            }
            store.add_user(StoredUser {
                name: args.name.clone(),
                roles,
                unit: args.unit,
                enabled: true,
                added_at: now,
                added_by: admin.name,
                disabled_at: None,
                disabled_by: None,
            })?;
            if ctx.global.json {
                return print_json(&serde_json::json!({"user": args.name, "added": true}));
            }
            println!("{}", tr!(ctx.tr, "user-added", user = args.name));
            Ok(())
        }
        UserCommand::Disable { name } => {
            let store = ctx.store_for_write()?;
            let now = ctx.now(Some(&store))?;
            let admin = ctx.administrator(&store)?;
            store.disable_user(&name, &admin.name, now)?;
            if ctx.global.json {
                return print_json(&serde_json::json!({"user": name, "enabled": false}));
            }
            println!("{}", tr!(ctx.tr, "user-disabled", user = name));
            Ok(())
        }
        UserCommand::Enable { name } => {
            let store = ctx.store_for_write()?;
            ctx.administrator(&store)?;
            store.enable_user(&name)?;
            if ctx.global.json {
                return print_json(&serde_json::json!({"user": name, "enabled": true}));
            }
            println!("{}", tr!(ctx.tr, "user-enabled", user = name));
            Ok(())
        }
        UserCommand::Roles { name, roles } => {
            let store = ctx.store_for_write()?;
            ctx.administrator(&store)?;
            check_roles(&store, &roles)?;
            let mut unique = Vec::new();
            for r in roles {
                if !unique.contains(&r) {
                    unique.push(r);
                }
            }
            store.set_roles(&name, unique.clone())?;
            if ctx.global.json {
                return print_json(&serde_json::json!({"user": name, "roles": unique}));
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
            let store = ctx.store_for_read()?;
            let units = ctx.units(&store)?;
            ctx.registered_user(&store, &units)?;
            let users = store.users()?;
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
