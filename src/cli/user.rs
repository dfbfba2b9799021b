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
    /// Set a user's password for signing in to `wardflow serve` (administrators; anyone for
    /// themselves). Read from the terminal without echo, or from standard input.
    Password {
        /// The user's name.
        #[arg(value_parser = super::name_arg)]
        name: String,
        /// Read the password from the first line of standard input (scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Let a user sign in again at once after failed sign-ins (administrators only).
    Unlock {
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
        UserCommand::Password {
            name,
            password_stdin,
        } => {
            let caller = ctx.caller(None)?;
            let password = read_password(ctx, &name, password_stdin, true)?;
            let revoked = ctx
                .office_for_write()?
                .set_password(&caller, &name, &password)?;
            if ctx.global.json {
                return print_json(
                    ctx,
                    &serde_json::json!({"user": name, "password_set": true, "revoked_tokens": revoked}),
                );
            }
            if revoked.is_empty() {
                println!("{}", tr!(ctx.tr, "password-set", user = name));
            } else {
                println!(
                    "{}",
                    tr!(
                        ctx.tr,
                        "password-set-revoked",
                        user = name,
                        count = revoked.len()
                    )
                );
            }
            Ok(())
        }
        UserCommand::Unlock { name } => {
            let caller = ctx.caller(None)?;
            let had = ctx.office_for_write()?.unlock(&caller, &name)?;
            if ctx.global.json {
                return print_json(ctx, &serde_json::json!({"user": name, "unlocked": had}));
            }
            let id = if had {
                "user-unlocked"
            } else {
                "user-unlock-none"
            };
            println!("{}", ctx.tr.args(id, vec![("user", name.into())]));
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

/// A password: the first line of standard input, or typed at the terminal without echo
/// (`twice` for a new one).
pub(super) fn read_password(
    ctx: &Ctx,
    name: &str,
    from_stdin: bool,
    twice: bool,
) -> Result<String, Failure> {
    use crate::failure::Exit;
    let io = |e: std::io::Error| {
        Failure::said(
            Exit::BadInput,
            crate::msg!("cannot-read", path = "-".to_owned(), detail = e.to_string()),
        )
    };
    if from_stdin {
        let mut line = String::new();
        // Bounded: a password is at most a few hundred bytes.
        let bounded = std::io::Read::take(std::io::stdin().lock(), 4096);
        std::io::BufRead::read_line(&mut std::io::BufReader::new(bounded), &mut line)
            .map_err(io)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let prompt = format!(
        "{} ",
        tr!(ctx.tr, "password-prompt", user = name.to_owned()).trim_end()
    );
    let first = rpassword::prompt_password(prompt).map_err(io)?;
    if !twice {
        return Ok(first);
    }
    let again = format!("{} ", tr!(ctx.tr, "password-again").trim_end());
    let second = rpassword::prompt_password(again).map_err(io)?;
    if first != second {
        return Err(Failure::said(
            Exit::BadInput,
            crate::msg!("password-mismatch"),
        ));
    }
    Ok(first)
}
