//! `wardflow init`: create the database and publish the workflows directory.

use clap::Args;
use wardflow_engine::app::{Founded, Office, Setup};
use wardflow_engine::definition::{self, Definition};
use wardflow_engine::letters::Renderer;

use super::{Ctx, print_json, workflow_files};
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
    /// Make the database in this (empty) PostgreSQL database (`postgres://…`, else
    /// `WARDFLOW_DATABASE`) instead of the redb file of `--db`; served by `wardflow serve
    /// --database`. A secret: shown by host and database name only.
    #[arg(
        long,
        env = "WARDFLOW_DATABASE",
        hide_env_values = true,
        value_name = "URL"
    )]
    database: Option<String>,
    /// The cryptographic profile, fixed for the database's life: standard (SHA-256, Ed25519)
    /// or national (SM3, SM2, SM4).
    #[arg(long, value_enum, default_value_t = CryptoArg::Standard, value_name = "PROFILE")]
    crypto: CryptoArg,
}

/// `init --crypto`: the database's cryptographic profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CryptoArg {
    Standard,
    National,
}

impl From<CryptoArg> for wardflow_engine::crypto::Profile {
    fn from(arg: CryptoArg) -> Self {
        match arg {
            CryptoArg::Standard => wardflow_engine::crypto::Profile::Standard,
            CryptoArg::National => wardflow_engine::crypto::Profile::National,
        }
    }
}

/// Creates the database, publishes the workflows, registers the first administrator, and
/// makes the office key if there is none.
pub fn run(ctx: &Ctx, args: InitArgs) -> Result<(), Failure> {
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
    // The profile is checked against the workflows it will run with.
    let loaded: Vec<Definition> = files
        .iter()
        .filter_map(|(name, bytes)| definition::load(name, bytes).ok())
        .collect();
    let profile = ctx.named_profile(&loaded.iter().collect::<Vec<_>>())?;
    let units = match &args.units {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read(path).map_err(|e| Failure::cannot_read(path, e.to_string()))?,
        )),
        None => None,
    };
    let calendar = match &ctx.global.calendar {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read(path).map_err(|e| Failure::cannot_read(path, e.to_string()))?,
        )),
        None => None,
    };
    // The letters found are published (a directory without a document table is none).
    let letters_dir = ctx.global.letters();
    let letters = if letters_dir.join("documents.yaml").is_file() {
        Some(Renderer::read_files(&letters_dir)?)
    } else {
        None
    };
    let caller = ctx.caller(None)?;
    let setup = Setup {
        simulation: args.simulation,
        profile: profile.clone(),
        files,
        context: Vec::new(),
        units,
        admin: args.admin.clone(),
        admin_unit: args.admin_unit.clone(),
        admin_roles: args.admin_roles.clone(),
        calendar,
        letters,
        crypto: args.crypto.into(),
    };
    let config = ctx.detached_config(profile)?;
    // The redb office is kept until the key is made (a failure removes the new file).
    let (office, founded, shown_db) = match &args.database {
        Some(url) => {
            if !wardflow_engine::pg::is_url(url) {
                return Err(Failure::said(
                    crate::failure::Exit::BadInput,
                    msg!(
                        "serve-database-not-postgres",
                        url = wardflow_engine::pg::redacted(url)
                    ),
                )
                .with_key("--database"));
            }
            let (_, founded) = Office::init_postgres(&caller, url, setup, config)?;
            (None, founded, wardflow_engine::pg::place(url))
        }
        None => {
            let (office, founded) = Office::init(&caller, &ctx.global.db, setup, config)?;
            (Some(office), founded, ctx.global.db.display().to_string())
        }
    };
    let Founded { published, admin } = founded;
    let crypto = wardflow_engine::crypto::Profile::from(args.crypto);
    let (admin, roles, admin_unit) = (admin.name, admin.roles, admin.unit);
    // The office key signs exports; an existing one (the office's) is kept.
    let key_path = args.key.path(ctx);
    let (key, key_made) = match super::key::ensure(ctx, &key_path, args.crypto.into()) {
        Ok(k) => k,
        Err(e) => {
            if let Some(office) = office {
                drop(office);
                let _ = std::fs::remove_file(&ctx.global.db);
            }
            return Err(e);
        }
    };
    if ctx.global.json {
        let workflows: Vec<_> = published
            .iter()
            .map(|p| serde_json::json!({"workflow": p.workflow, "version": p.number, "hash": p.hash}))
            .collect();
        return print_json(
            ctx,
            &serde_json::json!({
                "db": shown_db,
                "simulation": args.simulation,
                "crypto": crypto.key(),
                "workflows": workflows,
                "key": super::key::public_json(&key, &key_path),
                "admin": {"user": admin, "roles": roles, "unit": admin_unit},
            }),
        );
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "init-done",
            path = shown_db,
            count = published.len(),
            simulation = if args.simulation { "yes" } else { "no" }
        )
    );
    for p in &published {
        println!("  {} v{} ({})", p.workflow, p.number, p.hash.short());
    }
    println!("{}", super::national::crypto_line(&ctx.tr, crypto));
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
