//! `wardflow publish …`: the configuration a county publishes into its database (issue 20):
//! holiday calendars, letter templates with the document table, the county profile and units,
//! each a numbered, content-hashed version, and the list of what is published.

use std::path::PathBuf;

use clap::Subcommand;
use wardflow_engine::app::ToPublish;
use wardflow_engine::letters::Renderer;

use super::admin::{FileBody, PublicationRow, PublishBody, Published};
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

/// What a publish subcommand sends to a server: the kind and its file or files.
fn to_send(ctx: &Ctx, cmd: &PublishCommand) -> Result<PublishBody, Failure> {
    let (kind, files) = match cmd {
        PublishCommand::Calendar { file } => ("calendar", vec![FileBody::read(file)?]),
        PublishCommand::Profile { file } => ("profile", vec![FileBody::read(file)?]),
        PublishCommand::Privacy { file } => ("privacy", vec![FileBody::read(file)?]),
        PublishCommand::Letters { dir } => {
            let dir = dir.clone().unwrap_or_else(|| ctx.global.letters());
            let files = Renderer::read_files(&dir)?
                .into_iter()
                .map(|(file, source)| FileBody { file, source })
                .collect();
            ("letters", files)
        }
        PublishCommand::Units { .. } | PublishCommand::List => {
            return Err(Failure::bug("not a configuration file to publish"));
        }
    };
    Ok(PublishBody {
        kind: kind.to_owned(),
        files,
    })
}

/// Runs a publish subcommand: over the server with `--server`, else embedded; printed alike.
pub fn run(ctx: &Ctx, cmd: PublishCommand) -> Result<(), Failure> {
    if let PublishCommand::Units { file } = &cmd {
        return super::unit::print_loaded(ctx, &super::unit::load(ctx, file)?);
    }
    if let Some(remote) = ctx.remote()? {
        if let PublishCommand::List = cmd {
            let rows: Vec<PublicationRow> = remote.get("/api/v1/publications", &[])?;
            return print_list(ctx, &rows);
        }
        let published: Published =
            remote.change("POST", "/api/v1/publications", &to_send(ctx, &cmd)?)?;
        return print_report(ctx, &published);
    }
    let caller = ctx.caller(None)?;
    let item = match cmd {
        PublishCommand::List => {
            let list = ctx.office_for_read()?.publications(&caller)?;
            let rows: Vec<PublicationRow> = list.iter().map(PublicationRow::from).collect();
            return print_list(ctx, &rows);
        }
        PublishCommand::Units { .. } => return Err(Failure::bug("units are loaded above")),
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
    print_report(ctx, &Published::from(&report))
}

/// What publishing configuration `body` asks, as the office takes it.
pub fn to_publish(body: PublishBody) -> Result<ToPublish, Failure> {
    let one = |mut files: Vec<FileBody>| -> Result<(String, Vec<u8>), Failure> {
        match (files.pop(), files.is_empty()) {
            (Some(f), true) => Ok((f.file, f.source.into_bytes())),
            _ => Err(Failure::said(
                crate::failure::Exit::BadInput,
                crate::msg!("publish-one-file"),
            )
            .with_key("files")),
        }
    };
    Ok(match body.kind.as_str() {
        "calendar" => {
            let (file, bytes) = one(body.files)?;
            ToPublish::Calendar { file, bytes }
        }
        "profile" => {
            let (file, bytes) = one(body.files)?;
            ToPublish::Profile { file, bytes }
        }
        "privacy" => {
            let (file, bytes) = one(body.files)?;
            ToPublish::Privacy { file, bytes }
        }
        "letters" => ToPublish::Letters {
            files: body.files.into_iter().map(|f| (f.file, f.source)).collect(),
        },
        other => {
            return Err(Failure::said(
                crate::failure::Exit::BadInput,
                crate::msg!(
                    "publish-bad-kind",
                    kind = other.chars().take(40).collect::<String>()
                ),
            )
            .with_key("kind"));
        }
    })
}

fn print_report(ctx: &Ctx, report: &Published) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, report);
    }
    for p in &report.published {
        let id = if p.new {
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
                case = m.case.clone(),
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

fn print_list(ctx: &Ctx, list: &[PublicationRow]) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, list);
    }
    for p in list {
        let what = match &p.profile {
            Some(profile) => profile.clone(),
            None => p.files.join(", "),
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
