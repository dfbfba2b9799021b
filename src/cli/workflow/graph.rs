//! `wardflow workflow graph`: Mermaid or DOT state diagrams.

use wardflow_engine::definition::graph::{GraphFormat, render};

use super::super::Ctx;
use super::find;
use crate::failure::Failure;

/// Diagram languages on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Mermaid,
    Dot,
}

/// Prints the diagram.
pub fn run(ctx: &Ctx, name: &str, format: Format) -> Result<(), Failure> {
    let (def, _) = find(ctx, name)?;
    let format = match format {
        Format::Mermaid => GraphFormat::Mermaid,
        Format::Dot => GraphFormat::Dot,
    };
    print!("{}", render(&def, format));
    Ok(())
}
