//! `wardflow workflow graph`: Mermaid or DOT state diagrams.

use wardflow_engine::definition::graph::{GraphFormat, Titles, render};

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
    let (format, key) = match format {
        Format::Mermaid => (GraphFormat::Mermaid, "mermaid"),
        Format::Dot => (GraphFormat::Dot, "dot"),
    };
    let titles = match ctx.tr.lang {
        crate::i18n::Lang::Zh => Titles::Chinese,
        crate::i18n::Lang::En => Titles::English,
    };
    let diagram = render(&def, format, titles);
    if ctx.global.json {
        return super::super::print_json(
            ctx,
            &serde_json::json!({
                "workflow": def.key,
                "workflow_title": def.title,
                "workflow_title_en": def.title_en,
                "format": key,
                "diagram": diagram,
            }),
        );
    }
    print!("{diagram}");
    Ok(())
}
