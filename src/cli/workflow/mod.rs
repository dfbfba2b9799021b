//! `wardflow workflow …`: validate, publish and inspect definitions.

mod graph;
pub(crate) mod list;
pub(crate) mod migrate;
pub(crate) mod publish;
mod show;
pub(crate) mod validate;

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use wardflow_engine::definition::{self, Definition};

use super::Ctx;
use crate::failure::{Exit, Failure};
use crate::msg;

/// Workflow subcommands.
#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// List published workflows and their versions.
    List,
    /// Check workflow files and report every problem with file:line:column.
    Validate {
        /// Files to check (default: every YAML file in the workflows directory).
        files: Vec<PathBuf>,
    },
    /// Validate and store workflow files as new versions.
    Publish {
        /// Files to publish (default: every YAML file in the workflows directory).
        files: Vec<PathBuf>,
    },
    /// Show a workflow's states, transitions and fields.
    Show {
        /// The workflow key.
        name: String,
    },
    /// Draw a workflow as a state diagram.
    Graph {
        /// The workflow key.
        name: String,
        /// Diagram language.
        #[arg(long, value_enum, default_value = "mermaid")]
        format: graph::Format,
    },
    /// Move running cases to another published version, with an explicit state mapping
    /// (administrators).
    Migrate(migrate::MigrateArgs),
}

/// Runs a workflow subcommand.
pub fn run(ctx: &Ctx, cmd: WorkflowCommand) -> Result<(), Failure> {
    match cmd {
        WorkflowCommand::List => list::run(ctx),
        WorkflowCommand::Validate { files } => validate::run(ctx, &files),
        WorkflowCommand::Publish { files } => publish::run(ctx, &files),
        WorkflowCommand::Show { name } => show::run(ctx, &name),
        WorkflowCommand::Graph { name, format } => graph::run(ctx, &name, format),
        WorkflowCommand::Migrate(args) => migrate::run(ctx, args),
    }
}

/// A workflow by key: the latest published version if there is a database, else the file
/// `NAME.yaml` in the workflows directory.
fn find(ctx: &Ctx, name: &str) -> Result<(Arc<Definition>, Option<u32>), Failure> {
    if let Some(remote) = ctx.remote()? {
        // The server's latest version of it, put together from its published source.
        let rows = list::rows(ctx)?;
        let latest = rows
            .iter()
            .find(|w| w.workflow == name)
            .and_then(|w| w.versions.last());
        if let Some(v) = latest {
            return Ok((remote.definition(&v.hash)?, Some(v.version)));
        }
    } else if ctx.global.db.exists() {
        let caller = ctx.caller(None)?;
        if let Some(found) = ctx.office_for_read()?.workflow(&caller, name)? {
            return Ok(found);
        }
    }
    for ext in ["yaml", "yml"] {
        let path = ctx.global.workflows.join(format!("{name}.{ext}"));
        if let Ok(bytes) = std::fs::read(&path) {
            let def = definition::load(&path.display().to_string(), &bytes)?;
            return Ok((Arc::new(def), None));
        }
    }
    Err(Failure::said(
        Exit::BadInput,
        msg!("unknown-workflow", workflow = name.to_owned()),
    )
    .with_key(name))
}
