//! Loading a workflow file: bounded YAML parse, structural decode, semantic checks.

use std::collections::BTreeMap;

use super::Definition;
use super::decode::Decoder;
use super::validate;
use crate::problem::{Diagnostics, Problem, ProblemKind};
use crate::reader;

/// Loads and checks one workflow file. Every problem is reported, not just the first.
pub fn load(file: &str, source: &[u8]) -> Result<Definition, Diagnostics> {
    let root = reader::parse(file, source)?;
    let mut decoder = Decoder::default();
    let definition = decoder.definition(&root);
    let mut problems = decoder.r.take_problems();
    problems.extend(validate::check(&definition));
    if problems.is_empty() {
        return Ok(definition);
    }
    problems.sort_by_key(|p| p.pos);
    Err(Diagnostics {
        file: file.to_owned(),
        workflow: (!definition.key.is_empty()).then(|| definition.key.clone()),
        problems,
    })
}

/// Loads a definition that was checked when it was published: decodes it without the
/// semantic checks (which compile every guard), so reading a case stays fast. A structural
/// problem still fails, since the source must decode to be used at all.
pub fn load_published(file: &str, source: &[u8]) -> Result<Definition, Diagnostics> {
    let root = reader::parse(file, source)?;
    let mut decoder = Decoder::default();
    let definition = decoder.definition(&root);
    decoder.r.finish(file, definition)
}

/// Loads several files and checks the links between them (spawned workflows exist and receive
/// what they require). `known` holds definitions already published, which links may also name.
pub fn load_all(
    files: &[(String, Vec<u8>)],
    known: &[Definition],
) -> (Vec<(String, Definition)>, Vec<Diagnostics>) {
    let mut loaded = Vec::new();
    let mut failed = Vec::new();
    for (name, bytes) in files {
        match load(name, bytes) {
            Ok(def) => loaded.push((name.clone(), def)),
            Err(diag) => failed.push(diag),
        }
    }
    let mut by_key: BTreeMap<&str, &Definition> =
        known.iter().map(|d| (d.key.as_str(), d)).collect();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for (name, def) in &loaded {
        if let Some(first) = seen.insert(def.key.as_str(), name.as_str()) {
            duplicates.push(Diagnostics {
                file: name.clone(),
                workflow: Some(def.key.clone()),
                problems: vec![Problem {
                    pos: None,
                    path: "workflow".into(),
                    kind: ProblemKind::DuplicateWorkflow {
                        workflow: format!("{} ({first})", def.key),
                    },
                }],
            });
        }
        by_key.insert(def.key.as_str(), def);
    }
    // Files that failed still count as known names, so one broken file does not make every
    // workflow that links to it fail too.
    let broken: Vec<String> = failed.iter().filter_map(|d| d.workflow.clone()).collect();
    let mut linked_ok = Vec::new();
    for (name, def) in loaded.iter() {
        let problems = validate::validate_links(def, &by_key, &broken);
        if problems.is_empty() {
            linked_ok.push((name.clone(), def.clone()));
        } else {
            failed.push(Diagnostics {
                file: name.clone(),
                workflow: Some(def.key.clone()),
                problems,
            });
        }
    }
    failed.extend(duplicates);
    (linked_ok, failed)
}
