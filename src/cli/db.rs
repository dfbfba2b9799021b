//! `wardflow db migrate`: bring the database to this build's stored format; `wardflow db
//! compact`: give the file's free space back to the disk.

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
        /// Migrate the schema of this PostgreSQL database (`postgres://…`, else
        /// `WARDFLOW_DATABASE`) instead of the redb file of `--db`: every SQL step it lacks,
        /// each in its own transaction. Needs the rights to create tables there.
        #[arg(
            long,
            env = "WARDFLOW_DATABASE",
            hide_env_values = true,
            value_name = "URL",
            conflicts_with = "dry_run"
        )]
        database: Option<String>,
    },
    /// Give the database file's free space back to the disk (administrators only): after a
    /// bulk load or an import, or when the file has grown far past what it holds. Needs the
    /// file to itself (stop `wardflow serve` first).
    Compact,
}

/// Runs a database subcommand.
pub fn run(ctx: &Ctx, cmd: DbCommand) -> Result<(), Failure> {
    match cmd {
        DbCommand::Migrate {
            database: Some(url),
            ..
        } => migrate_postgres(ctx, &url),
        DbCommand::Compact => {
            let caller = ctx.caller(None)?;
            let done = ctx.office_for_migration()?.compact_database(&caller)?;
            if ctx.global.json {
                return print_json(
                    ctx,
                    &serde_json::json!({"before": done.before, "after": done.after}),
                );
            }
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "db-compact-done",
                    before = done.before,
                    after = done.after
                )
            );
            Ok(())
        }
        DbCommand::Migrate { dry_run, .. } => {
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

/// `db migrate --database postgres://…`: applies the SQL steps the database lacks; a schema
/// newer than this build's is refused (exit 5). Names the database by host and name only.
fn migrate_postgres(ctx: &Ctx, url: &str) -> Result<(), Failure> {
    use wardflow_engine::pg;
    if !pg::is_url(url) {
        return Err(Failure::said(
            crate::failure::Exit::BadInput,
            crate::msg!("serve-database-not-postgres", url = pg::redacted(url)),
        )
        .with_key("--database"));
    }
    let done = pg::PgBackend::migrate(url)?;
    let version = pg::schema::CURRENT;
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "database": pg::place(url),
                "to": version,
                "steps": done,
            }),
        );
    }
    let db = pg::place(url);
    if done.is_empty() {
        println!(
            "{}",
            tr!(ctx.tr, "pg-migrate-current", db = db, version = version)
        );
    } else {
        let steps = done
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "{}",
            tr!(
                ctx.tr,
                "pg-migrate-done",
                db = db,
                version = version,
                steps = steps
            )
        );
    }
    Ok(())
}
