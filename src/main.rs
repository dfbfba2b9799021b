//! `wardflow`: the command-line shell around the wardflow engine.

mod cli;
mod failure;
mod help;
mod i18n;
#[cfg(test)]
mod loader_problems;
mod show;
mod table;

/// Exit code for a bug in wardflow itself.
const BUG: i32 = 70;

/// A closed stdout (`wardflow case list | head`) ends the command quietly; any other panic is
/// a bug in wardflow: say so plainly and exit 70, never with Rust's default 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("wardflow internal error{place}: {message}");
        eprintln!("This is a bug in wardflow; nothing was written. Please report it.");
        std::process::exit(BUG);
    }));
}

fn main() {
    install_panic_hook();
    // The language must be known before clap parses, for its help and errors.
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let early = i18n::Tr {
        lang: i18n::Lang::resolve(help::prescan_lang(&argv)),
    };
    let json = help::prescan_json(&argv);
    let args = help::parse(&early, json, argv);
    let tr = i18n::Tr {
        lang: i18n::Lang::resolve(args.global.lang),
    };
    let json = args.global.json;
    if let Err(failure) = cli::run(args, tr) {
        let code = failure.report(&tr, json);
        std::process::exit(code);
    }
}
