//! `wardflow db migrate`: bring the database to this build's stored format.

use clap::Subcommand;

use super::{Ctx, print_json};
use crate::failure::Failure;
use crate::tr;

/// Database subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Bring the database to this build's stored format (administrators only).
    Migrate {
        /// List the steps that would run, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs a database subcommand.
pub fn run(ctx: &Ctx, cmd: DbCommand) -> Result<(), Failure> {
    match cmd {
        DbCommand::Migrate { dry_run } => {
            let caller = ctx.caller(None)?;
            let done = ctx
                .office_for_migration()?
                .migrate_database(&caller, dry_run)?;
            if ctx.global.json {
                let steps: Vec<_> = done
                    .steps
                    .iter()
                    .map(|(number, title)| serde_json::json!({"number": number, "title": title}))
                    .collect();
                return print_json(
                    ctx,
                    &serde_json::json!({
                        "from": done.from,
                        "to": done.to,
                        "dry_run": dry_run,
                        "steps": steps,
                    }),
                );
            }
            if done.steps.is_empty() {
                println!("{}", tr!(ctx.tr, "db-migrate-current", version = done.to));
                return Ok(());
            }
            for (number, title) in &done.steps {
                println!("{number}. {title}");
            }
            let said = if dry_run {
                tr!(ctx.tr, "db-migrate-would", from = done.from, to = done.to)
            } else {
                tr!(ctx.tr, "db-migrate-done", from = done.from, to = done.to)
            };
            println!("{said}");
            Ok(())
        }
    }
}
