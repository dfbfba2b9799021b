//! `wardflow unit …`: the units (county, township, village, police stations, courts …) and the
//! area each covers, loaded from a file.

use std::path::PathBuf;

use clap::Subcommand;
use wardflow_engine::app::Units;

use super::{Ctx, print_json};
use crate::failure::Failure;
use crate::tr;

/// Unit subcommands.
#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Replace the units with those of a file (administrators only).
    Load {
        /// The units file (format: units/example.yaml).
        file: PathBuf,
    },
    /// The units in force.
    List,
}

fn print_units(ctx: &Ctx, units: &Units) {
    for u in units.iter() {
        let parent = u.parent.clone().unwrap_or_default();
        let covers = if u.covers.is_empty() {
            String::new()
        } else {
            tr!(ctx.tr, "unit-covers", units = ctx.tr.list(&u.covers))
        };
        println!("{}  {}  {}  {parent}{covers}", u.id, u.name, u.kind);
    }
}

/// Runs a unit subcommand.
pub fn run(ctx: &Ctx, cmd: UnitCommand) -> Result<(), Failure> {
    match cmd {
        UnitCommand::Load { file } => {
            let bytes =
                std::fs::read(&file).map_err(|e| Failure::cannot_read(&file, e.to_string()))?;
            let caller = ctx.caller(None)?;
            let count =
                ctx.office_for_write()?
                    .load_units(&caller, &file.display().to_string(), &bytes)?;
            if ctx.global.json {
                return print_json(ctx, &serde_json::json!({"units": count}));
            }
            println!("{}", tr!(ctx.tr, "units-loaded", count = count));
            Ok(())
        }
        UnitCommand::List => {
            let caller = ctx.caller(None)?;
            let units = ctx.office_for_read()?.units(&caller)?;
            if ctx.global.json {
                return print_json(ctx, &units.iter().collect::<Vec<_>>());
            }
            print_units(ctx, &units);
            Ok(())
        }
    }
}
