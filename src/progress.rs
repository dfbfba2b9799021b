//! Progress bars on long work (`check`, `verify`, `import`, `export`, `backup`): the engine
//! tells its progress through `wardflow_engine::progress::Progress`, and this draws it with
//! indicatif on standard error, only when standard error is a terminal and the output is not
//! `--json` (whose standard error carries at most one error object). Anywhere else (a pipe, a
//! log file, the tests) it says nothing.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wardflow_engine::progress::{Progress, Reporter};

use crate::cli::Ctx;
use crate::tr;

/// Whether progress is drawn: on a terminal, and not under `--json`.
pub fn shown(stderr_is_terminal: bool, json: bool) -> bool {
    stderr_is_terminal && !json
}

/// The reporter a command's office tells its progress to.
pub fn reporter(ctx: &Ctx) -> Reporter {
    if !shown(std::io::stderr().is_terminal(), ctx.global.json) {
        return Reporter::silent();
    }
    let tr = &ctx.tr;
    let names = BTreeMap::from([
        ("check", tr!(tr, "progress-check")),
        ("verify", tr!(tr, "progress-verify")),
        ("export", tr!(tr, "progress-export")),
        ("import", tr!(tr, "progress-import")),
        ("backup", tr!(tr, "progress-backup")),
    ]);
    Reporter(Arc::new(Bar {
        names,
        bar: Mutex::new(None),
    }))
}

/// A bar on standard error for the work under way.
struct Bar {
    names: BTreeMap<&'static str, String>,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    fn with(&self, f: impl FnOnce(&mut Option<ProgressBar>)) {
        let mut bar = self
            .bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut bar);
    }
}

impl Progress for Bar {
    fn begin(&self, what: &'static str, total: Option<u64>) {
        let template = match (what, total) {
            ("backup", Some(_)) => "{msg} [{bar:30}] {bytes}/{total_bytes} {eta}",
            (_, Some(_)) => "{msg} [{bar:30}] {pos}/{len} {eta}",
            (_, None) => "{spinner} {msg} {pos}",
        };
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(self.names.get(what).cloned().unwrap_or_default());
        self.with(|slot| {
            if let Some(old) = slot.replace(bar) {
                old.finish_and_clear();
            }
        });
    }

    fn advance(&self, by: u64) {
        self.with(|slot| {
            if let Some(bar) = slot {
                bar.inc(by);
            }
        });
    }

    fn end(&self) {
        self.with(|slot| {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_drawn_only_on_a_terminal_and_never_under_json() {
        assert!(shown(true, false));
        assert!(!shown(false, false));
        assert!(!shown(true, true));
        assert!(!shown(false, true));
    }

    #[test]
    fn a_bar_takes_the_engines_progress_without_a_terminal() {
        // Drawn to a hidden target here: the calls must not fail or block.
        let bar = Bar {
            names: BTreeMap::from([("check", "检查".to_owned())]),
            bar: Mutex::new(None),
        };
        bar.begin("check", Some(3));
        bar.advance(2);
        bar.with(|slot| {
            if let Some(b) = slot {
                assert_eq!(b.position(), 2);
                assert_eq!(b.length(), Some(3));
            }
        });
        bar.begin("import", None);
        bar.end();
        bar.with(|slot| assert!(slot.is_none()));
    }
}
