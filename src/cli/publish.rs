//! `wardflow publish …`: the configuration a county publishes into its database (issue 20):
//! holiday calendars, letter templates with the document table, the county profile and units,
//! each a numbered, content-hashed version, and the list of what is published.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;
use wardflow_engine::app::{Publication, PublishReport, ToPublish};
use wardflow_engine::letters::Renderer;

use super::{Ctx, print_json};
use crate::failure::Failure;
use crate::tr;

/// Publish subcommands.
#[derive(Debug, Subcommand)]
pub enum PublishCommand {
    /// Publish a holiday calendar (administrators only); running deadlines move with it.
    Calendar {
        /// The calendar file (format: calendars/china.yaml).
        file: PathBuf,
    },
    /// Publish the letter templates and the document table (administrators only).
    Letters {
        /// The letters directory; default: --letters (./letters).
        dir: Option<PathBuf>,
    },
    /// Publish the county profile (administrators only).
    Profile {
        /// The profile file (format: profiles/qianjiang.yaml).
        file: PathBuf,
    },
    /// Publish the privacy settings (administrators only): who encrypted backups and exports
    /// are for, and how long closed cases stay open before they are sealed.
    Privacy {
        /// The privacy file (format: docs/privacy.md).
        file: PathBuf,
    },
    /// Publish the units (administrators only; the same as `unit load`).
    Units {
        /// The units file (format: units/example.yaml).
        file: PathBuf,
    },
    /// Every published version of calendars, letters, profiles and units.
    List,
}

fn read(path: &PathBuf) -> Result<(String, Vec<u8>), Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::cannot_read(path, e.to_string()))?;
    Ok((path.display().to_string(), bytes))
}

/// Runs a publish subcommand.
pub fn run(ctx: &Ctx, cmd: PublishCommand) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let item = match cmd {
        PublishCommand::List => {
            let list = ctx.office_for_read()?.publications(&caller)?;
            return print_list(ctx, &list);
        }
        PublishCommand::Units { file } => {
            let (name, bytes) = read(&file)?;
            let count = ctx.office_for_write()?.load_units(&caller, &name, &bytes)?;
            if ctx.global.json {
                return print_json(ctx, &json!({"units": count}));
            }
            println!("{}", tr!(ctx.tr, "units-loaded", count = count));
            return Ok(());
        }
        PublishCommand::Calendar { file } => {
            let (file, bytes) = read(&file)?;
            ToPublish::Calendar { file, bytes }
        }
        PublishCommand::Profile { file } => {
            let (file, bytes) = read(&file)?;
            ToPublish::Profile { file, bytes }
        }
        PublishCommand::Privacy { file } => {
            let (file, bytes) = read(&file)?;
            ToPublish::Privacy { file, bytes }
        }
        PublishCommand::Letters { dir } => {
            let dir = dir.unwrap_or_else(|| ctx.global.letters());
            ToPublish::Letters {
                files: Renderer::read_files(&dir)?,
            }
        }
    };
    let report = ctx
        .office_for_write()?
        .publish_config(&caller, vec![item])?;
    print_report(ctx, &report)
}

fn print_report(ctx: &Ctx, report: &PublishReport) -> Result<(), Failure> {
    if ctx.global.json {
        let published: Vec<_> = report
            .published
            .iter()
            .map(|(p, new)| json!({"kind": p.kind, "number": p.number, "hash": p.hash, "new": new}))
            .collect();
        let moved: Vec<_> = report
            .moved
            .iter()
            .map(|m| json!({"case": m.case, "deadline": m.deadline, "from": m.from, "to": m.to}))
            .collect();
        return print_json(ctx, &json!({"published": published, "moved": moved}));
    }
    for (p, new) in &report.published {
        let id = if *new {
            tr!(
                ctx.tr,
                "published-new",
                kind = p.kind.clone(),
                number = p.number,
                hash = short(&p.hash)
            )
        } else {
            tr!(
                ctx.tr,
                "published-same",
                kind = p.kind.clone(),
                number = p.number
            )
        };
        println!("{id}");
    }
    for m in &report.moved {
        println!(
            "{}",
            tr!(
                ctx.tr,
                "published-moved",
                case = m.case.to_string(),
                deadline = m.deadline.clone(),
                from = crate::show::due_time(m.from),
                to = crate::show::due_time(m.to)
            )
        );
    }
    Ok(())
}

fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}

fn print_list(ctx: &Ctx, list: &[Publication]) -> Result<(), Failure> {
    if ctx.global.json {
        let rows: Vec<_> = list
            .iter()
            .map(|p| {
                json!({
                    "kind": p.kind,
                    "number": p.number,
                    "hash": p.hash,
                    "files": p.files.keys().collect::<Vec<_>>(),
                    "profile": p.profile.as_ref().map(|p| &p.name),
                    "published_by": p.published_by,
                    "published_at": p.published_at,
                })
            })
            .collect();
        return print_json(ctx, &rows);
    }
    for p in list {
        let what = match &p.profile {
            Some(profile) => profile.name.clone(),
            None => p.files.keys().cloned().collect::<Vec<_>>().join(", "),
        };
        println!(
            "{}  {}  {}  {}  {}  {what}",
            p.kind,
            p.number,
            short(&p.hash),
            p.published_by,
            crate::show::due_time(p.published_at),
        );
    }
    Ok(())
}
