//! `wardflow case …`: open, advance, correct and inspect cases.

pub(crate) mod advance;
mod amend;
pub(crate) mod export;
pub(crate) mod filter;
pub(crate) mod history;
mod list;
pub(crate) mod next;
pub(crate) mod open;
pub(crate) mod show;
pub(crate) mod transfer;

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use wardflow_engine::app::Input;
use wardflow_engine::value::MAX_DATA_BYTES;

use super::Ctx;
use crate::failure::Failure;

/// Case subcommands.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case of the latest published version of a workflow; prints its id.
    Open(open::OpenArgs),
    /// Fire a transition on a case.
    Advance(advance::AdvanceArgs),
    /// A case's workflow, state, data, links, deadlines and letters.
    Show {
        /// The case id, e.g. 2026-000123.
        case: String,
    },
    /// What can be done with a case now.
    Next {
        /// The case id.
        case: String,
    },
    /// List cases.
    List(list::ListArgs),
    /// Every event of a case, in order.
    History {
        /// The case id.
        case: String,
    },
    /// Correct a case's data, with a reason, as an event of its own.
    Amend(amend::AmendArgs),
    /// Deadlines that have passed, most overdue first.
    Overdue(super::timers::agenda::OverdueArgs),
    /// Write the case's chained history, signed with the office key, to a file.
    Export(export::CaseExportArgs),
    /// Hand a case to another unit, with its new officer.
    Transfer(transfer::TransferArgs),
}

/// Data given on the command line: a document and single assignments.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Set a field: `--set child.name=小明` (repeatable; parsed by the field's type).
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// A YAML or JSON document of fields, or `-` for standard input.
    #[arg(long, value_name = "FILE|-")]
    pub data: Option<PathBuf>,
}

impl DataArgs {
    /// Reads the `--data` document, before any database lock is taken: waiting for standard
    /// input must never hold the file against other caseworkers. The office checks it against
    /// the case's workflow.
    pub fn read(&self) -> Result<Input, Failure> {
        let document = match &self.data {
            None => None,
            Some(path) => {
                let mut bytes = Vec::new();
                let limit = MAX_DATA_BYTES as u64 + 1;
                let read = if path.as_os_str() == "-" {
                    std::io::stdin().take(limit).read_to_end(&mut bytes)
                } else {
                    std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
                };
                read.map_err(|e| Failure::cannot_read(path, e.to_string()))?;
                Some(bytes)
            }
        };
        Ok(Input {
            document,
            sets: self.set.clone(),
        })
    }
}

/// Data as a server takes it with an act: the `--data` document's text (YAML or JSON) and
/// the assignments.
#[derive(Debug, serde::Serialize)]
pub struct DataBody {
    data: Option<String>,
    set: Vec<String>,
}

impl DataBody {
    /// The body for `input`; a document that is not UTF-8 text cannot be sent.
    pub fn of(input: &Input) -> Result<Self, Failure> {
        let data = match &input.document {
            None => None,
            Some(bytes) => Some(String::from_utf8(bytes.clone()).map_err(|_| {
                Failure::said(
                    crate::failure::Exit::BadInput,
                    crate::msg!("remote-data-not-text"),
                )
                .with_key("--data")
            })?),
        };
        Ok(DataBody {
            data,
            set: input.sets.clone(),
        })
    }
}

/// Runs a case subcommand.
pub fn run(ctx: &Ctx, cmd: CaseCommand) -> Result<(), Failure> {
    match cmd {
        CaseCommand::Open(args) => open::run(ctx, args),
        CaseCommand::Advance(args) => advance::run(ctx, args),
        CaseCommand::Show { case } => show::run(ctx, &case),
        CaseCommand::Next { case } => next::run(ctx, &case),
        CaseCommand::List(args) => list::run(ctx, args),
        CaseCommand::History { case } => history::run(ctx, &case),
        CaseCommand::Amend(args) => amend::run(ctx, args),
        CaseCommand::Overdue(args) => super::timers::agenda::overdue(ctx, args),
        CaseCommand::Export(args) => export::run(ctx, args),
        CaseCommand::Transfer(args) => transfer::run(ctx, args),
    }
}
