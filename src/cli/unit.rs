//! `wardflow unit …`: the units (county, township, village, police stations, courts …) and the
//! area each covers, loaded from a file.

use std::path::PathBuf;

use clap::Subcommand;
use wardflow_engine::app::Unit;

use super::admin::{FileBody, UnitsLoaded};

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

fn print_units<'a>(ctx: &Ctx, units: impl Iterator<Item = &'a Unit>) {
    for u in units {
        let parent = u.parent.clone().unwrap_or_default();
        let covers = if u.covers.is_empty() {
            String::new()
        } else {
            tr!(ctx.tr, "unit-covers", units = ctx.tr.list(&u.covers))
        };
        println!("{}  {}  {}  {parent}{covers}", u.id, u.name, u.kind);
    }
}

/// Loads the units of `file`: over the server with `--server`, else embedded; how many
/// there are now (`unit load`, `publish units`).
pub fn load(ctx: &Ctx, file: &std::path::Path) -> Result<UnitsLoaded, Failure> {
    if let Some(remote) = ctx.remote()? {
        return remote.change("POST", "/api/v1/units", &FileBody::read(file)?);
    }
    let bytes = std::fs::read(file).map_err(|e| Failure::cannot_read(file, e.to_string()))?;
    let caller = ctx.caller(None)?;
    let units = ctx
        .office_for_write()?
        .load_units(&caller, &file.display().to_string(), &bytes)?;
    Ok(UnitsLoaded { units })
}

/// Prints what loading units did.
pub fn print_loaded(ctx: &Ctx, loaded: &UnitsLoaded) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, loaded);
    }
    println!("{}", tr!(ctx.tr, "units-loaded", count = loaded.units));
    Ok(())
}

/// Runs a unit subcommand.
pub fn run(ctx: &Ctx, cmd: UnitCommand) -> Result<(), Failure> {
    match cmd {
        UnitCommand::Load { file } => print_loaded(ctx, &load(ctx, &file)?),
        UnitCommand::List => {
            let units: Vec<Unit> = match ctx.remote()? {
                Some(remote) => remote.get("/api/v1/units", &[])?,
                None => {
                    let caller = ctx.caller(None)?;
                    let units = ctx.office_for_read()?.units(&caller)?;
                    units.iter().cloned().collect()
                }
            };
            if ctx.global.json {
                return print_json(ctx, &units);
            }
            print_units(ctx, units.iter());
            Ok(())
        }
    }
}
