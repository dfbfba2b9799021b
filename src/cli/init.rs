//! `wardflow init`: create the database and publish the workflows directory.

use clap::Args;
use wardflow_engine::store::Store;

use super::{Ctx, check_files, print_json, workflow_files};
use crate::failure::{self, Exit, Failure};
use crate::tr;

/// Arguments of `wardflow init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Make a simulation database, which accepts `--now` (never for real cases).
    #[arg(long)]
    simulation: bool,
    #[command(flatten)]
    key: super::key::KeyFileArg,
}

/// Creates the database; refuses to touch an existing file.
pub fn run(ctx: &Ctx, args: InitArgs) -> Result<(), Failure> {
    if ctx.global.db.exists() {
        return Err(failure::store(
            &ctx.tr,
            &wardflow_engine::store::StoreError::AlreadyExists(ctx.global.db.clone()),
        ));
    }
    if ctx.global.now.is_some() && !args.simulation {
        return Err(Failure::new(
            Exit::BadInput,
            tr!(ctx.tr, "now-not-simulation"),
        ));
    }
    let now = ctx.now(None)?;
    // Check every workflow before creating anything, so a bad file leaves no database behind.
    let files = if ctx.global.workflows.is_dir() {
        workflow_files(ctx, &[])?
    } else {
        Vec::new()
    };
    let checked = check_files(&files, &[], &ctx.global.letters)
        .map_err(|e| failure::invalid_workflows(&ctx.tr, &e.failed))?;
    let defs: Vec<&wardflow_engine::definition::Definition> =
        checked.iter().map(|(_, _, d)| d).collect();
    let profile = ctx.named_profile(&defs)?;
    let store = Store::create(&ctx.global.db, args.simulation, profile, now)
        .map_err(|e| failure::store(&ctx.tr, &e))?;
    let published = match store.publish(&checked, &ctx.user(), now) {
        Ok(p) => p,
        Err(e) => {
            drop(store);
            let _ = std::fs::remove_file(&ctx.global.db);
            return Err(failure::store(&ctx.tr, &e));
        }
    };
    // The office key signs exports; an existing one (the office's) is kept.
    let key_path = args.key.path(ctx);
    let (key, key_made) = match super::key::ensure(ctx, &key_path) {
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
    Ok(())
}
