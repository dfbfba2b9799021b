//! `wardflow`: the command-line shell around the wardflow engine.

mod cli;
mod failure;
mod i18n;
mod show;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let tr = i18n::Tr {
        lang: i18n::Lang::resolve(args.global.lang),
    };
    let json = args.global.json;
    if let Err(failure) = cli::run(args, tr) {
        failure.report(&tr, json);
        std::process::exit(failure.code());
    }
}
