//! `wardflow config show`: every setting in force and where it came from (a flag, a variable,
//! a configuration file, the default). See `crate::config`.

use clap::Subcommand;

use super::{Ctx, print_json};
use crate::config::Source;
use crate::failure::Failure;
use crate::table::{Table, col};
use crate::tr;

/// Configuration subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the settings in force and where each comes from.
    Show,
}

/// Runs a configuration subcommand.
pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> Result<(), Failure> {
    match cmd {
        ConfigCommand::Show => show(ctx),
    }
}

fn show(ctx: &Ctx) -> Result<(), Failure> {
    if ctx.global.json {
        let items: Vec<_> = ctx
            .settings
            .iter()
            .map(|s| {
                serde_json::json!({
                    "key": s.key,
                    "value": shown(s),
                    "source": s.source.key(),
                    "file": match &s.source {
                        Source::File(f) => Some(f.display().to_string()),
                        _ => None,
                    },
                    "variable": match &s.source {
                        Source::Env(v) => Some(*v),
                        _ => None,
                    },
                })
            })
            .collect();
        return print_json(ctx, &items);
    }
    let tr = &ctx.tr;
    let mut table = Table::new(tr, &[col::SETTING, col::VALUE, col::SOURCE]);
    for s in &ctx.settings {
        let source = match &s.source {
            Source::Default => tr!(tr, "config-source-default"),
            Source::Flag => tr!(tr, "config-source-flag"),
            Source::Env(var) => tr!(tr, "config-source-env", var = *var),
            Source::File(f) => tr!(tr, "config-source-file", file = f.display().to_string()),
        };
        let value = shown(s).unwrap_or_else(|| "-".to_owned());
        table.row(vec![s.key.to_owned(), value, source]);
    }
    table.print();
    Ok(())
}

/// A setting's value as shown: a database address without its password.
fn shown(s: &crate::config::Setting) -> Option<String> {
    match s.key {
        "server.database" => s.value.as_deref().map(wardflow_engine::pg::redacted),
        _ => s.value.clone(),
    }
}
