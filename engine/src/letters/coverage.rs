//! The publish-time check that a letter never blocks a child's protection: every letter a
//! workflow issues exists in the table, and every act that issues one requires the fields the
//! letter needs — so a missing field is caught when the workflow is published, not at the
//! moment of a removal.
//!
//! Every field a letter prints (required or optional, for any issuer) must also be declared by
//! each workflow that issues it: an undeclared one can never be recorded, so the letter would
//! print a default in its place (a revocation petition proposing 民政部门 whoever was found).
//!
//! The fields known to be set in a state are those every way into it requires (a dataflow over
//! the state graph, starting from the opening's `requires`); an act has those of its `from`
//! states plus its own `requires`. Fields are never unset, so what was required stays set.

use std::collections::{BTreeMap, BTreeSet};

use super::Table;
use super::table::RESERVED;
use crate::definition::{Definition, FromStates, Problem, ProblemKind};
use crate::suggest::closest;

type Fields = BTreeSet<String>;

/// An act that may issue letters: its `letters:` path, roles, letters, and the fields set when
/// it fires (None when no state reaches it).
type Act<'d> = (String, &'d [String], &'d [String], Option<Fields>);

/// The fields set in each state on every path into it.
fn guaranteed(def: &Definition) -> BTreeMap<String, Fields> {
    let mut known: BTreeMap<String, Fields> = BTreeMap::new();
    if let Some(initial) = def.initial_state() {
        known.insert(
            initial.key.clone(),
            def.start_requirements().into_iter().collect(),
        );
    }
    loop {
        let mut changed = false;
        for t in &def.transitions {
            let Some(available) = available(def, &known, &t.from, &t.requires) else {
                continue;
            };
            let next = match known.get(&t.to) {
                Some(have) => have.intersection(&available).cloned().collect(),
                None => available,
            };
            if known.get(&t.to) != Some(&next) {
                known.insert(t.to.clone(), next);
                changed = true;
            }
        }
        if !changed {
            return known;
        }
    }
}

/// The fields set when an act with these `from` states and `requires` fires; None while no
/// from-state has been reached.
fn available(
    def: &Definition,
    known: &BTreeMap<String, Fields>,
    from: &FromStates,
    requires: &[String],
) -> Option<Fields> {
    let sources: Vec<&Fields> = def
        .states
        .iter()
        .filter(|s| from.admits(&s.key, s.terminal))
        .filter_map(|s| known.get(&s.key))
        .collect();
    let (first, rest) = sources.split_first()?;
    let mut out: Fields = (*first).clone();
    for other in rest {
        out.retain(|f| other.contains(f));
    }
    out.extend(requires.iter().cloned());
    Some(out)
}

/// Problems with the letters a workflow issues, positioned at the `letters:` key.
pub fn check(def: &Definition, table: &Table) -> Vec<Problem> {
    let known = guaranteed(def);
    let mut problems = Vec::new();
    // Each letter's undeclared fields are named once, at the first act that issues it.
    let mut reported_undeclared: BTreeSet<String> = BTreeSet::new();
    let start: Fields = def.start_requirements().into_iter().collect();
    let mut acts: Vec<Act<'_>> = vec![(
        "start.letters".to_owned(),
        &def.start.roles[..],
        &def.start.letters[..],
        Some(start),
    )];
    for t in &def.transitions {
        acts.push((
            format!("transitions.{}.letters", t.key),
            &t.roles[..],
            &t.letters[..],
            available(def, &known, &t.from, &t.requires),
        ));
    }
    for (path, roles, letters, set) in acts {
        for key in letters {
            let pos = def.spans.at(&path);
            let Some(doc) = table.documents.get(key) else {
                problems.push(Problem {
                    pos,
                    path: path.clone(),
                    kind: ProblemKind::UnknownLetter {
                        key: key.clone(),
                        suggestion: closest(key, table.documents.keys().map(String::as_str)),
                    },
                });
                continue;
            };
            if reported_undeclared.insert(key.clone()) {
                let undeclared: Vec<String> = doc
                    .declared_fields()
                    .filter(|f| !def.fields.contains_key(*f))
                    .filter(|f| !RESERVED.contains(&f.split('.').next().unwrap_or_default()))
                    .cloned()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                if !undeclared.is_empty() {
                    problems.push(Problem {
                        pos,
                        path: path.clone(),
                        kind: ProblemKind::LetterFieldsUndeclared {
                            letter: key.clone(),
                            fields: undeclared,
                        },
                    });
                }
            }
            // An act no state reaches is reported by the graph checks.
            let Some(set) = &set else { continue };
            // Roles missing the same fields are named together, in the act's order.
            let mut gaps: Vec<(Vec<String>, Vec<String>)> = Vec::new();
            for role in roles {
                let Some(issuer) = doc.issuer(role) else {
                    // Another role issues it later with `letter issue`.
                    continue;
                };
                let missing: Vec<String> = doc
                    .requires
                    .iter()
                    .chain(&issuer.requires)
                    .filter(|f| !set.contains(*f))
                    .cloned()
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                match gaps.iter_mut().find(|(fields, _)| *fields == missing) {
                    Some((_, rs)) => rs.push(role.clone()),
                    None => gaps.push((missing, vec![role.clone()])),
                }
            }
            for (fields, roles) in gaps {
                problems.push(Problem {
                    pos,
                    path: path.clone(),
                    kind: ProblemKind::LetterFieldsNotRequired {
                        letter: key.clone(),
                        roles,
                        fields,
                    },
                });
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::load;
    use crate::letters::table;

    const TABLE: &str = "documents:\n  reprimand:\n    title: 训诫书\n    template: reprimand.hbs\n    layout: enforcement\n    issuers:\n      police: { numbering: allocated, pattern: \"{code}训诫字\" }\n    requires: [guardian.name, facts]\n";

    fn workflow(reprimand_requires: &str) -> Definition {
        let src = format!(
            "workflow: w\ntitle: t\nroles: {{ police: 公安机关, school: 学校 }}\nfields:\n  guardian.name: {{ type: string }}\n  facts: {{ type: string }}\nstart:\n  roles: [police, school]\n  requires: [guardian.name]\nstates:\n  a: {{ initial: true }}\n  b: {{}}\n  c: {{ final: true }}\ntransitions:\n  investigate: {{ from: [a], to: b, roles: [police], requires: [facts] }}\n  skip: {{ from: [a], to: b, roles: [police] }}\n  reprimand: {{ from: [b], to: c, roles: [police, school], requires: [{reprimand_requires}], letters: [reprimand] }}\n"
        );
        load("w.yaml", src.as_bytes()).expect("test workflow loads")
    }

    fn table() -> Table {
        table::parse(TABLE.as_bytes(), "documents.yaml").expect("table parses")
    }

    #[test]
    fn a_field_required_on_only_one_way_in_is_not_enough() {
        let problems = check(&workflow("guardian.name"), &table());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "transitions.reprimand.letters");
        assert_eq!(
            problems[0].kind,
            ProblemKind::LetterFieldsNotRequired {
                letter: "reprimand".into(),
                roles: vec!["police".into()],
                fields: vec!["facts".into()],
            }
        );
        assert!(problems[0].pos.is_some());
    }

    #[test]
    fn fields_required_by_the_act_or_the_opening_cover_the_letter() {
        assert_eq!(check(&workflow("facts"), &table()), vec![]);
    }

    #[test]
    fn unknown_letters_are_named_with_a_suggestion() {
        let mut def = workflow("facts");
        def.transitions[2].letters = vec!["reprimnad".into()];
        let problems = check(&def, &table());
        assert_eq!(
            problems[0].kind,
            ProblemKind::UnknownLetter {
                key: "reprimnad".into(),
                suggestion: Some("reprimand".into()),
            }
        );
    }
}
