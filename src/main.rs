//! `wardflow`: the command-line shell around the wardflow engine.

/// `println!` and `print!` for every module below: like std's, except that a failed write
/// does not panic (a panic would leave the database unclosed and call the command a bug). The
/// first failure is remembered and the rest of the output dropped; `main` reports it after
/// the command has finished, saying whether it was done (exit 6).
macro_rules! println {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

macro_rules! print {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!($($arg)*))
    };
}

mod stdout {
    use std::io::Write;
    use std::sync::OnceLock;

    /// The first write to standard output that failed.
    pub static FAILED: OnceLock<std::io::Error> = OnceLock::new();

    /// Writes to standard output unless an earlier write failed.
    pub fn write(args: std::fmt::Arguments<'_>) {
        if FAILED.get().is_some() {
            return;
        }
        let mut out = std::io::stdout().lock();
        if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
            let _ = FAILED.set(e);
        }
    }
}

mod cli;
mod config;
mod failure;
mod help;
mod i18n;
#[cfg(test)]
mod loader_problems;
mod log;
mod progress;
mod serve;
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
        if wardflow_engine::store::committed_in_this_process() {
            eprintln!(
                "This is a bug in wardflow; the command's changes were saved before it. Please report it."
            );
        } else {
            eprintln!("This is a bug in wardflow; nothing was written. Please report it.");
        }
        std::process::exit(BUG);
    }));
}

/// Reports that standard output failed, and whether the command was done first.
fn output_failed(tr: &i18n::Tr, json: bool, error: std::io::Error) -> ! {
    let code = failure::Failure::from(failure::Kind::Output(error)).report(tr, json);
    std::process::exit(code);
}

/// The words of the command given (`["case", "show"]`).
fn command_words(matches: &clap::ArgMatches) -> Vec<&str> {
    let mut words = Vec::new();
    let mut at = matches;
    while let Some((name, sub)) = at.subcommand() {
        words.push(name);
        at = sub;
    }
    words
}

fn main() {
    install_panic_hook();
    // The language must be known before clap parses, for its help and errors.
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let early = i18n::Tr {
        lang: i18n::Lang::resolve(help::prescan_lang(&argv)),
    };
    let json = help::prescan_json(&argv);
    let (mut args, matches) = help::parse(&early, json, argv);
    // The configuration files fill what no flag or variable gave.
    let files = match config::load() {
        Ok(files) => files,
        Err(failure) => std::process::exit(failure.report(&early, json)),
    };
    let settings = config::apply(&mut args.global, &matches, &files);
    let tr = i18n::Tr {
        lang: i18n::Lang::resolve(args.global.lang),
    };
    let json = args.global.json;
    // A command without a `--server` form refuses a server rather than running embedded.
    let words = command_words(&matches);
    if let Err(failure) = cli::remote::refuse_unserved(args.global.server.as_deref(), &words) {
        std::process::exit(failure.report(&tr, json));
    }
    if let Err(failure) = cli::run(args, tr, settings) {
        let code = failure.report(&tr, json);
        std::process::exit(code);
    }
    match stdout::FAILED.get() {
        // A closed pipe (`wardflow case list | head`) is the reader's choice, not a failure.
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Some(e) => output_failed(&tr, json, std::io::Error::new(e.kind(), e.to_string())),
        None => {}
    }
}
