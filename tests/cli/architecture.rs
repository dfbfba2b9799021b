//! ARCHITECTURE.md stays one true page: every file or directory it names in backticks exists.
//! A path with a slash is looked up from the repository root, `engine/src/`, `src/` and
//! `engine/`; a bare file name (named under its module's heading) must exist somewhere in the
//! sources, the workflows, letters, locales or tests.

use std::path::{Path, PathBuf};

const EXTENSIONS: [&str; 9] = [
    ".rs", ".md", ".yaml", ".ftl", ".hbs", ".toml", ".sh", ".json", ".css",
];
const BASES: [&str; 4] = ["", "engine/src", "src", "engine"];
const SEARCHED: [&str; 8] = [
    "engine",
    "src",
    "workflows",
    "letters",
    "locales",
    "tests",
    "docs",
    "profiles",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The backticked spans of `text` that look like paths.
fn named_paths(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| {
            !span.is_empty()
                && !span.contains(' ')
                && !span.contains("::")
                && !span.starts_with('-')
                && !span.starts_with('.')
                && !span.starts_with('<')
                && !span.contains('{')
                && !span.contains('*')
                && (span.contains('/') || EXTENSIONS.iter().any(|e| span.ends_with(e)))
        })
        .map(str::to_owned)
        .collect()
}

/// Whether a file of this name exists anywhere under `dir` (the build directory excluded).
fn found_under(dir: &Path, name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        if entry.file_name() == name {
            return true;
        }
        path.is_dir() && entry.file_name() != "target" && found_under(&path, name)
    })
}

fn exists(name: &str) -> bool {
    let root = root();
    let trimmed = name.trim_end_matches('/');
    if name.contains('/') {
        return BASES
            .iter()
            .any(|base| root.join(base).join(trimmed).exists());
    }
    SEARCHED
        .iter()
        .any(|dir| found_under(&root.join(dir), trimmed))
        || root.join(trimmed).exists()
}

#[test]
fn every_path_architecture_names_exists() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let named = named_paths(&text);
    assert!(named.len() > 30, "too few paths found: {named:?}");
    let missing: Vec<&String> = named.iter().filter(|n| !exists(n)).collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );
}

#[test]
fn the_check_notices_a_path_that_does_not_exist() {
    assert!(!exists("engine/src/no_such_module.rs"));
    assert!(!exists("no_such_file.rs"));
    assert!(exists("store/group.rs"));
    assert_eq!(
        named_paths("see `engine/src/step.rs` and `Store::open` and `a b`"),
        vec!["engine/src/step.rs"]
    );
}
