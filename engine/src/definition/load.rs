//! Loading a workflow file: bounded YAML parse, structural decode, semantic checks.

use std::collections::BTreeMap;

use super::Definition;
use super::decode::Decoder;
use super::validate;
use crate::guard::GuardProblem;
use crate::period::PeriodError;
use crate::yaml::{self, Limits, Pos, YamlErrorKind};

/// One thing wrong with a workflow file, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where in the file; absent only when the file as a whole is wrong.
    pub pos: Option<Pos>,
    /// The dotted path of the offending key, e.g. `transitions.sign_agreement.to`.
    pub path: String,
    pub kind: ProblemKind,
}

/// What is wrong. The binary turns each kind into a sentence in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    Yaml(YamlErrorKind),
    UnknownKey {
        key: String,
        allowed: Vec<&'static str>,
        suggestion: Option<String>,
    },
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    MissingKey {
        key: &'static str,
    },
    /// A key that breaks the naming rule (kebab-case workflows, snake_case the rest).
    BadName {
        name: String,
        rule: NameRule,
    },
    DuplicateName {
        name: String,
    },
    ReservedRole {
        role: String,
    },
    UnknownFieldType {
        ty: String,
        suggestion: Option<String>,
    },
    EmptyEnum,
    NoInitialState,
    SeveralInitialStates {
        states: Vec<String>,
    },
    InitialIsFinal {
        state: String,
    },
    UndefinedState {
        state: String,
        suggestion: Option<String>,
    },
    UnreachableState {
        state: String,
    },
    DeadEndState {
        state: String,
    },
    LeavesFinalState {
        state: String,
    },
    UndeclaredRole {
        role: String,
        suggestion: Option<String>,
    },
    UndeclaredField {
        field: String,
        suggestion: Option<String>,
    },
    Guard(GuardProblem),
    BadPeriod {
        text: String,
        error: PeriodError,
    },
    UndeclaredSetting {
        name: String,
        suggestion: Option<String>,
    },
    UnknownTransition {
        name: String,
        suggestion: Option<String>,
    },
    /// `cancels` names a deadline no step of the workflow sets.
    UnknownDeadline {
        name: String,
        suggestion: Option<String>,
    },
    BreachNotSystem {
        transition: String,
    },
    NotATimeField {
        field: String,
    },
    /// A deadline counts from a field that the step entering its state does not require.
    DeadlineFieldNotRequired {
        field: String,
    },
    NotARecordsField {
        field: String,
    },
    BadValue {
        field: String,
        expected: super::FieldType,
    },
    UnknownWorkflow {
        workflow: String,
        suggestion: Option<String>,
    },
    SpawnMissesRequired {
        workflow: String,
        fields: Vec<String>,
    },
    /// A role that fires a spawning transition is unknown to the workflow it opens.
    SpawnRoleUndeclared {
        workflow: String,
        role: String,
    },
    SpawnTypeMismatch {
        target: String,
        source: String,
    },
    DuplicateWorkflow {
        workflow: String,
    },
    /// A units file names a unit it does not define.
    UnknownUnit {
        unit: String,
        suggestion: Option<String>,
    },
    /// A unit is (through its parents) its own parent.
    UnitCycle {
        unit: String,
    },
    /// A profile overrides settings of a workflow that is not published.
    UnknownProfileWorkflow {
        workflow: String,
        suggestion: Option<String>,
    },
    /// A letter key that is not in the letters table.
    UnknownLetter {
        key: String,
        suggestion: Option<String>,
    },
    /// The letters table could not be loaded to check the letters a workflow issues.
    LettersUnavailable {
        detail: String,
    },
    /// An act issues a letter in `roles` without requiring every field the letter needs.
    LetterFieldsNotRequired {
        letter: String,
        roles: Vec<String>,
        fields: Vec<String>,
    },
    /// A letter the workflow issues prints fields the workflow does not declare: it could
    /// never print them, so the letter would silently fall back to a default or a blank.
    LetterFieldsUndeclared {
        letter: String,
        fields: Vec<String>,
    },
}

/// Naming rules for keys that users type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// `entrusted-care`
    Kebab,
    /// `sign_agreement`
    Snake,
    /// `child.birth_date`: snake_case segments joined by dots.
    DottedSnake,
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics {
    pub file: String,
    /// The workflow key, when the file got far enough to name one.
    pub workflow: Option<String>,
    pub problems: Vec<Problem>,
}

/// Loads and checks one workflow file. Every problem is reported, not just the first.
pub fn load(file: &str, source: &[u8]) -> Result<Definition, Diagnostics> {
    let fail = |workflow, mut problems: Vec<Problem>| {
        problems.sort_by_key(|p| p.pos);
        Diagnostics {
            file: file.to_owned(),
            workflow,
            problems,
        }
    };
    let root = yaml::parse(source, Limits::default()).map_err(|e| {
        fail(
            None,
            vec![Problem {
                pos: e.pos,
                path: String::new(),
                kind: ProblemKind::Yaml(e.kind),
            }],
        )
    })?;
    let mut decoder = Decoder::default();
    let definition = decoder.definition(&root);
    let mut problems = decoder.problems;
    problems.extend(validate::check(&definition));
    if problems.is_empty() {
        Ok(definition)
    } else {
        let key = (!definition.key.is_empty()).then(|| definition.key.clone());
        Err(fail(key, problems))
    }
}

/// Loads a definition that was checked when it was published: decodes it without the
/// semantic checks (which compile every guard), so reading a case stays fast. A structural
/// problem still fails, since the source must decode to be used at all.
pub fn load_published(file: &str, source: &[u8]) -> Result<Definition, Diagnostics> {
    let fail = |problems: Vec<Problem>| Diagnostics {
        file: file.to_owned(),
        workflow: None,
        problems,
    };
    let root = yaml::parse(source, Limits::default()).map_err(|e| {
        fail(vec![Problem {
            pos: e.pos,
            path: String::new(),
            kind: ProblemKind::Yaml(e.kind),
        }])
    })?;
    let mut decoder = Decoder::default();
    let definition = decoder.definition(&root);
    if decoder.problems.is_empty() {
        Ok(definition)
    } else {
        Err(fail(decoder.problems))
    }
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
