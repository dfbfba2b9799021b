//! `wardflow user …`: the registry of people who may act, and in which roles and unit.

use clap::{Args, Subcommand};
use wardflow_engine::app::NewUser;

use super::admin::{
    NewUserBody, PasswordBody, PasswordSet, RolesBody, Unlocked, UserAdded, UserEnabled,
    UserListing, UserRoles, UserRow,
};
use super::remote::Remote;
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
        /// Read the password from the first line of standard input (scripts); with --server,
        /// one's own current password from the second.
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

/// The path of a user's endpoint, the name percent-encoded.
fn user_path(name: &str, what: &str) -> String {
    let name = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("/api/v1/users/{name}/{what}")
}

/// Runs a user subcommand: over the server with `--server`, else embedded; printed alike.
pub fn run(ctx: &Ctx, cmd: UserCommand) -> Result<(), Failure> {
    let remote = ctx.remote()?;
    match cmd {
        UserCommand::Add(args) => {
            let added: UserAdded = match &remote {
                Some(remote) => remote.change(
                    "POST",
                    "/api/v1/users",
                    &NewUserBody {
                        name: args.name,
                        roles: args.roles,
                        unit: args.unit,
                    },
                )?,
                None => {
                    let caller = ctx.caller(None)?;
                    ctx.office_for_write()?.add_user(
                        &caller,
                        &NewUser {
                            name: args.name.clone(),
                            roles: args.roles,
                            unit: args.unit,
                        },
                    )?;
                    UserAdded {
                        user: args.name,
                        added: true,
                    }
                }
            };
            if ctx.global.json {
                return print_json(ctx, &added);
            }
            println!("{}", tr!(ctx.tr, "user-added", user = added.user));
            Ok(())
        }
        UserCommand::Disable { name } => enabled(ctx, remote.as_ref(), &name, false),
        UserCommand::Enable { name } => enabled(ctx, remote.as_ref(), &name, true),
        UserCommand::Roles { name, roles } => {
            let set: UserRoles = match &remote {
                Some(remote) => {
                    remote.change("PUT", &user_path(&name, "roles"), &RolesBody { roles })?
                }
                None => {
                    let caller = ctx.caller(None)?;
                    let roles = ctx.office_for_write()?.set_roles(&caller, &name, &roles)?;
                    UserRoles { user: name, roles }
                }
            };
            if ctx.global.json {
                return print_json(ctx, &set);
            }
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "user-roles-set",
                    user = set.user,
                    roles = set.roles.join(", ")
                )
            );
            Ok(())
        }
        UserCommand::Password {
            name,
            password_stdin,
        } => {
            let set = match &remote {
                Some(remote) => remote_password(ctx, remote, &name, password_stdin)?,
                None => {
                    let caller = ctx.caller(None)?;
                    let password = read_password(ctx, &name, password_stdin, true)?;
                    let revoked = ctx
                        .office_for_write()?
                        .set_password(&caller, &name, &password)?;
                    PasswordSet {
                        user: name,
                        password_set: true,
                        revoked_tokens: revoked,
                    }
                }
            };
            if ctx.global.json {
                return print_json(ctx, &set);
            }
            if set.revoked_tokens.is_empty() {
                println!("{}", tr!(ctx.tr, "password-set", user = set.user));
            } else {
                println!(
                    "{}",
                    tr!(
                        ctx.tr,
                        "password-set-revoked",
                        user = set.user,
                        count = set.revoked_tokens.len()
                    )
                );
            }
            Ok(())
        }
        UserCommand::Unlock { name } => {
            let done: Unlocked = match &remote {
                Some(remote) => remote.change("POST", &user_path(&name, "unlock"), &())?,
                None => {
                    let caller = ctx.caller(None)?;
                    let had = ctx.office_for_write()?.unlock(&caller, &name)?;
                    Unlocked {
                        user: name,
                        unlocked: had,
                    }
                }
            };
            if ctx.global.json {
                return print_json(ctx, &done);
            }
            let id = if done.unlocked {
                "user-unlocked"
            } else {
                "user-unlock-none"
            };
            println!("{}", ctx.tr.args(id, vec![("user", done.user.into())]));
            Ok(())
        }
        UserCommand::List => {
            let listing: UserListing = match &remote {
                Some(remote) => remote.get("/api/v1/users", &[("form", "parts".to_owned())])?,
                None => {
                    let caller = ctx.caller(None)?;
                    let (users, units) = ctx.office_for_read()?.users(&caller)?;
                    UserListing {
                        users: users.iter().map(UserRow::from).collect(),
                        units,
                    }
                }
            };
            if ctx.global.json {
                return print_json(ctx, &listing.users);
            }
            let mut table = Table::new(&ctx.tr, &[col::USER, col::ROLES, col::UNIT, col::STATUS]);
            for u in &listing.users {
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
                    u.user.clone(),
                    u.roles.join(", "),
                    failure::unit_named(&ctx.tr, &listing.units, &u.unit),
                    state,
                ]);
            }
            table.print();
            Ok(())
        }
    }
}

/// `user disable|enable NAME`.
fn enabled(ctx: &Ctx, remote: Option<&Remote>, name: &str, enable: bool) -> Result<(), Failure> {
    let done: UserEnabled = match remote {
        Some(remote) => {
            let what = if enable { "enable" } else { "disable" };
            remote.change("POST", &user_path(name, what), &())?
        }
        None => {
            let caller = ctx.caller(None)?;
            let office = ctx.office_for_write()?;
            if enable {
                office.enable_user(&caller, name)?;
            } else {
                office.disable_user(&caller, name)?;
            }
            UserEnabled {
                user: name.to_owned(),
                enabled: enable,
            }
        }
    };
    if ctx.global.json {
        return print_json(ctx, &done);
    }
    let id = if done.enabled {
        "user-enabled"
    } else {
        "user-disabled"
    };
    println!("{}", ctx.tr.args(id, vec![("user", done.user.into())]));
    Ok(())
}

/// `user password NAME --server URL`: the new password, and for one's own account the
/// current one too (asked when the server says it is needed: without echo, or the second
/// line of standard input).
fn remote_password(
    ctx: &Ctx,
    remote: &Remote,
    name: &str,
    from_stdin: bool,
) -> Result<PasswordSet, Failure> {
    let (password, mut old) = if from_stdin {
        let mut lines = stdin_lines(2)?.into_iter();
        (lines.next().unwrap_or_default(), lines.next())
    } else {
        (read_password(ctx, name, false, true)?, None)
    };
    let path = user_path(name, "password");
    loop {
        let body = PasswordBody {
            password: password.clone(),
            old_password: old.clone(),
        };
        match remote.change("PUT", &path, &body) {
            // The server wants the current password: asked once at the terminal.
            Err(e) if old.is_none() && !from_stdin && e.served_key() == Some("old_password") => {
                let prompt = format!(
                    "{} ",
                    tr!(ctx.tr, "password-old-prompt", user = name.to_owned()).trim_end()
                );
                old = Some(rpassword::prompt_password(prompt).map_err(read_error)?);
            }
            other => return other,
        }
    }
}

fn read_error(e: std::io::Error) -> Failure {
    Failure::said(
        crate::failure::Exit::BadInput,
        crate::msg!("cannot-read", path = "-".to_owned(), detail = e.to_string()),
    )
}

/// Up to `count` lines of standard input (bounded: passwords are short), without their ends.
fn stdin_lines(count: usize) -> Result<Vec<String>, Failure> {
    let bounded = std::io::Read::take(std::io::stdin().lock(), 8192);
    let mut reader = std::io::BufReader::new(bounded);
    let mut lines = Vec::new();
    for _ in 0..count {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut reader, &mut line).map_err(read_error)? == 0 {
            break;
        }
        lines.push(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    Ok(lines)
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
