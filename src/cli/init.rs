//! `wardflow init`: create the database and publish the workflows directory.

use clap::Args;
use wardflow_engine::authority::{ADMIN_ROLE, ANY_ROLE, Units};
use wardflow_engine::definition::{Definition, SYSTEM_ROLE};
use wardflow_engine::store::{RegistryError, Store, StoreError, StoredUnits, StoredUser};

use super::{Ctx, check_files, print_json, workflow_files};
use crate::failure::{Exit, Failure};
use crate::msg;
use crate::tr;

/// Arguments of `wardflow init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Make a simulation database, which accepts `--now` (never for real cases).
    #[arg(long)]
    simulation: bool,
    #[command(flatten)]
    key: super::key::KeyFileArg,
    /// The units file (format: units/example.yaml); without it, one unit covering everything.
    #[arg(long, value_name = "FILE")]
    units: Option<std::path::PathBuf>,
    /// The first administrator (default: `--user`).
    #[arg(long, value_name = "NAME")]
    admin: Option<String>,
    /// The administrator's unit (default: the top unit of the units file).
    #[arg(long, value_name = "UNIT")]
    admin_unit: Option<String>,
    /// A workflow role the administrator also acts in (repeatable; `*` for every role).
    #[arg(long = "admin-role", value_name = "ROLE")]
    admin_roles: Vec<String>,
}

/// Creates the database; refuses to touch an existing file.
pub fn run(ctx: &Ctx, args: InitArgs) -> Result<(), Failure> {
    if ctx.global.db.exists() {
        return Err(StoreError::AlreadyExists(ctx.global.db.clone()).into());
    }
    if ctx.global.now.is_some() && !args.simulation {
        return Err(Failure::said(Exit::BadInput, msg!("now-not-simulation")));
    }
    let now = ctx.now(None)?;
    // Check every workflow before creating anything, so a bad file leaves no database behind.
    let files = if ctx.global.workflows.is_dir() {
        workflow_files(ctx, &[])?
    } else {
        Vec::new()
    };
    // A database without workflows can open no case: most likely the directory is wrong.
    if files.is_empty() {
        return Err(Failure::said(
            Exit::BadInput,
            msg!(
                "init-no-workflows",
                dir = ctx.global.workflows.display().to_string()
            ),
        )
        .with_key("--workflows"));
    }
    let checked = check_files(&files, &[], &ctx.global.letters)?;
    let defs: Vec<&Definition> = checked.iter().map(|(_, _, d)| d).collect();
    let profile = ctx.named_profile(&defs)?;
    let admin = args.admin.clone().unwrap_or_else(|| ctx.user());
    let units = match &args.units {
        Some(path) => super::unit::read_units(path, &admin, now)?,
        None => StoredUnits {
            units: Units::single(),
            file: None,
            source: None,
            loaded_at: now,
            loaded_by: admin.clone(),
        },
    };
    let admin_unit = first_admin_unit(&units.units, args.admin_unit.as_deref())?;
    check_admin_roles(&defs, &args.admin_roles)?;
    let mut roles = vec![ADMIN_ROLE.to_owned()];
    roles.extend(
        args.admin_roles
            .iter()
            .filter(|r| *r != ADMIN_ROLE)
            .cloned(),
    );
    let store = Store::create(&ctx.global.db, args.simulation, profile, now)?;
    let register = || -> Result<_, Failure> {
        let published = store.publish(&checked, &admin, now)?;
        store.load_units(units)?;
        store.add_user(StoredUser {
            name: admin.clone(),
            roles: roles.clone(),
            unit: admin_unit.clone(),
            enabled: true,
            added_at: now,
            added_by: admin.clone(),
            disabled_at: None,
            disabled_by: None,
        })?;
        Ok(published)
    };
    let registered = register();
    let published = match registered {
        Ok(p) => p,
        Err(e) => {
            drop(store);
            let _ = std::fs::remove_file(&ctx.global.db);
            return Err(e);
        }
    };
    // The office key signs exports; an existing one (the office's) is kept.
    let key_path = args.key.path(ctx);
    let (key, key_made) = match super::key::ensure(&key_path) {
        Ok(k) => k,
        Err(e) => {
            drop(store);
            let _ = std::fs::remove_file(&ctx.global.db);
            return Err(e);
        }
    };
    if ctx.global.json {
        let workflows: Vec<_> = published
            .iter()
            .map(|p| serde_json::json!({"workflow": p.workflow, "version": p.number, "hash": p.hash}))
            .collect();
        return print_json(&serde_json::json!({
            "db": ctx.global.db.display().to_string(),
            "simulation": args.simulation,
            "workflows": workflows,
            "key": super::key::public_json(&key, &key_path),
            "admin": {"user": admin, "roles": roles, "unit": admin_unit},
        }));
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "init-done",
            path = ctx.global.db.display().to_string(),
            count = published.len(),
            simulation = if args.simulation { "yes" } else { "no" }
        )
    );
    for p in &published {
        println!("  {} v{} ({})", p.workflow, p.number, p.hash.short());
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "init-key",
            made = if key_made { "yes" } else { "no" },
            path = key_path.display().to_string(),
            fingerprint = key.public().fingerprint()
        )
    );
    println!(
        "{}",
        tr!(
            ctx.tr,
            "init-admin",
            user = admin,
            roles = roles.join(", "),
            unit = admin_unit
        )
    );
    Ok(())
}

/// The first administrator's unit: the one named, else the only top-level unit.
fn first_admin_unit(units: &Units, named: Option<&str>) -> Result<String, Failure> {
    if let Some(id) = named {
        return match units.get(id) {
            Some(u) => Ok(u.id.clone()),
            None => Err(RegistryError::UnknownUnit {
                unit: id.to_owned(),
                suggestion: units.suggest(id),
            }
            .into()),
        };
    }
    match units.roots().as_slice() {
        [only] => Ok(only.id.clone()),
        _ => Err(Failure::said(Exit::BadInput, msg!("init-admin-unit")).with_key("--admin-unit")),
    }
}

/// The administrator's extra roles must be declared by a workflow being published.
fn check_admin_roles(defs: &[&Definition], roles: &[String]) -> Result<(), Failure> {
    for role in roles {
        let known = role == ANY_ROLE
            || role == ADMIN_ROLE
            || defs.iter().any(|d| d.roles.iter().any(|r| r == role));
        if !known || role == SYSTEM_ROLE {
            return Err(
                Failure::said(Exit::BadInput, msg!("role-unknown", role = role.clone()))
                    .with_key(role.clone()),
            );
        }
    }
    Ok(())
}
