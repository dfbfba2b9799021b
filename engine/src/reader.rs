//! The one reader for the YAML files users write: workflows, profiles, calendars, units and
//! the letters table.
//!
//! Over the bounded, position-keeping tree of [`crate::yaml`], a [`Reader`] reads values of
//! the expected type and collects a [`Problem`] for everything that is not, with its position
//! and dotted path, instead of stopping at the first: a wrong entry is reported and skipped so
//! that the rest of the file is still checked. Unknown keys get a "did you mean" from
//! [`crate::suggest`]. The kinds are the ones workflow validation uses, so the binary words
//! every loader's problems the same way, in the user's language.

use std::collections::BTreeMap;

use crate::definition::{is_kebab_name, is_snake_name};
use crate::problem::{Diagnostics, NameRule, Problem, ProblemKind};
use crate::suggest::closest;
use crate::yaml::{self, Limits, Node, NodeKind, Pos};

/// Parses a file with the default limits; a file that is not YAML at all is its one problem.
pub fn parse(file: &str, source: &[u8]) -> Result<Node, Diagnostics> {
    yaml::parse(source, Limits::default()).map_err(|e| Diagnostics {
        file: file.to_owned(),
        workflow: None,
        problems: vec![Problem {
            pos: e.pos,
            path: String::new(),
            kind: ProblemKind::Yaml(e.kind),
        }],
    })
}

/// `path.key`, or `key` at the top.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// One entry of a mapping whose key is a string.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'n> {
    pub key: &'n str,
    /// Where the key is written (the place to point at when the key itself is wrong).
    pub key_pos: Pos,
    pub value: &'n Node,
}

/// The problems found so far, and the position of every key read (by dotted path).
#[derive(Debug, Default)]
pub struct Reader {
    problems: Vec<Problem>,
    spans: BTreeMap<String, Pos>,
}

impl Reader {
    pub fn problem(&mut self, pos: Pos, path: &str, kind: ProblemKind) {
        self.problems.push(Problem {
            pos: Some(pos),
            path: path.to_owned(),
            kind,
        });
    }

    /// A value of the wrong kind: `expected` is one of the kind names the binary words.
    pub fn wrong_type(&mut self, node: &Node, path: &str, expected: &'static str) {
        self.problem(
            node.pos,
            path,
            ProblemKind::WrongType {
                expected,
                found: node.type_name(),
            },
        );
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether a problem was already reported at `path` (so as not to report it twice).
    pub fn reported_at(&self, path: &str) -> bool {
        self.problems.iter().any(|p| p.path == path)
    }

    /// Takes the problems found, leaving none.
    pub fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    pub fn mark(&mut self, path: &str, pos: Pos) {
        self.spans.insert(path.to_owned(), pos);
    }

    /// Takes the positions recorded so far, by dotted path.
    pub fn take_spans(&mut self) -> BTreeMap<String, Pos> {
        std::mem::take(&mut self.spans)
    }

    /// `value` when nothing was wrong, else every problem of `file`, in the order of the file.
    pub fn finish<T>(self, file: &str, value: T) -> Result<T, Diagnostics> {
        if self.problems.is_empty() {
            return Ok(value);
        }
        let mut problems = self.problems;
        problems.sort_by_key(|p| p.pos);
        Err(Diagnostics {
            file: file.to_owned(),
            workflow: None,
            problems,
        })
    }

    /// The entries of a mapping with string keys, with where each key is written; reports a
    /// value that is not a mapping (`null` counts as empty), a key that is not a string, and
    /// each key not in `allowed` (when given) with the closest allowed one.
    pub fn keyed<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        allowed: Option<&[&'static str]>,
    ) -> Vec<Entry<'n>> {
        let Some(map) = node.as_map() else {
            if !matches!(node.kind, NodeKind::Null) {
                self.wrong_type(node, path, "mapping");
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (key, value) in map {
            let Some(name) = key.as_str() else {
                self.wrong_type(key, path, "string key");
                continue;
            };
            let key_path = join(path, name);
            if let Some(allowed) = allowed
                && !allowed.contains(&name)
            {
                self.problem(
                    key.pos,
                    &key_path,
                    ProblemKind::UnknownKey {
                        key: name.to_owned(),
                        allowed: allowed.to_vec(),
                        suggestion: closest(name, allowed.iter().copied()),
                    },
                );
                continue;
            }
            self.mark(&key_path, value.pos);
            out.push(Entry {
                key: name,
                key_pos: key.pos,
                value,
            });
        }
        out
    }

    /// [`Reader::keyed`] without the key positions.
    pub fn entries<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        allowed: Option<&[&'static str]>,
    ) -> Vec<(&'n str, &'n Node)> {
        self.keyed(node, path, allowed)
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    /// The value of `key` among `entries`; reports it missing (at `at`) when absent.
    pub fn require<'n>(
        &mut self,
        entries: &[(&'n str, &'n Node)],
        key: &'static str,
        at: Pos,
        path: &str,
    ) -> Option<&'n Node> {
        let found = find(entries, key);
        if found.is_none() {
            self.problem(at, path, ProblemKind::MissingKey { key });
        }
        found
    }

    /// A scalar as text: strings, and numbers or booleans written where text is expected.
    pub fn text(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => {
                self.wrong_type(node, path, "string");
                None
            }
        }
    }

    /// A string, and nothing else.
    pub fn string<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n str> {
        let s = node.as_str();
        if s.is_none() {
            self.wrong_type(node, path, "string");
        }
        s
    }

    /// A boolean; `false` after reporting anything else.
    pub fn flag(&mut self, node: &Node, path: &str) -> bool {
        match node.kind {
            NodeKind::Bool(b) => b,
            _ => {
                self.wrong_type(node, path, "boolean");
                false
            }
        }
    }

    /// A list (`null` counts as empty).
    pub fn seq<'n>(&mut self, node: &'n Node, path: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Null => &[],
            _ => {
                self.wrong_type(node, path, "list");
                &[]
            }
        }
    }

    /// A list of strings (`null` counts as empty).
    pub fn strings(&mut self, node: &Node, path: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, item) in self.seq(node, path).iter().enumerate() {
            if let Some(s) = self.string(item, &format!("{path}[{i}]")) {
                out.push(s.to_owned());
            }
        }
        out
    }

    /// A string that must be one of `allowed`; reports any other with the closest.
    pub fn one_of<'a>(&mut self, node: &Node, path: &str, allowed: &[&'a str]) -> Option<&'a str> {
        let value = self.string(node, path)?;
        let found = allowed.iter().find(|a| **a == value).copied();
        if found.is_none() {
            self.problem(
                node.pos,
                path,
                ProblemKind::NotOneOf {
                    value: value.to_owned(),
                    allowed: allowed.iter().map(|a| (*a).to_owned()).collect(),
                    suggestion: closest(value, allowed.iter().copied()),
                },
            );
        }
        found
    }

    /// A name that follows `rule`.
    pub fn name(&mut self, node: &Node, path: &str, rule: NameRule) -> Option<String> {
        let s = self.string(node, path)?;
        self.check_name(s, node.pos, path, rule);
        Some(s.to_owned())
    }

    /// Reports `s` when it breaks `rule`; says whether it follows it.
    pub fn check_name(&mut self, s: &str, pos: Pos, path: &str, rule: NameRule) -> bool {
        let ok = match rule {
            NameRule::Kebab => is_kebab_name(s),
            NameRule::Snake => is_snake_name(s),
            NameRule::DottedSnake => s.split('.').all(is_snake_name),
        };
        if !ok {
            self.problem(
                pos,
                path,
                ProblemKind::BadName {
                    name: s.to_owned(),
                    rule,
                },
            );
        }
        ok
    }

    /// A list of names, each once; a single scalar counts as a one-element list.
    pub fn names(&mut self, node: &Node, path: &str, rule: NameRule) -> Vec<String> {
        let items: Vec<&Node> = match &node.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            NodeKind::Null => Vec::new(),
            _ => vec![node],
        };
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            self.mark(&item_path, item.pos);
            if let Some(name) = self.name(item, &item_path, rule) {
                if out.contains(&name) {
                    self.problem(item.pos, &item_path, ProblemKind::DuplicateName { name });
                } else {
                    out.push(name);
                }
            }
        }
        out
    }
}

/// The value of `key` among `entries`.
pub fn find<'n>(entries: &[(&'n str, &'n Node)], key: &str) -> Option<&'n Node> {
    entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> Node {
        parse("t.yaml", src.as_bytes()).expect("test YAML parses")
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_all_collected_with_positions() {
        let root = read("title: [a]\ntitel: x\nroles: 3\n");
        let mut r = Reader::default();
        let entries = r.entries(&root, "", Some(&["title", "roles"]));
        for (key, value) in &entries {
            match *key {
                "title" => {
                    r.string(value, key);
                }
                _ => {
                    r.seq(value, key);
                }
            }
        }
        let err = r.finish("t.yaml", ()).expect_err("three problems");
        let found: Vec<(u32, u32, &ProblemKind)> = err
            .problems
            .iter()
            .map(|p| {
                let pos = p.pos.unwrap_or_default();
                (pos.line, pos.column, &p.kind)
            })
            .collect();
        assert!(
            matches!(
                found[0],
                (
                    1,
                    8,
                    ProblemKind::WrongType {
                        expected: "string",
                        ..
                    }
                )
            ),
            "{found:?}"
        );
        assert!(
            matches!(&found[1], (2, 1, ProblemKind::UnknownKey { suggestion: Some(s), .. }) if s == "title"),
            "{found:?}"
        );
        assert!(
            matches!(
                found[2],
                (
                    3,
                    8,
                    ProblemKind::WrongType {
                        expected: "list",
                        ..
                    }
                )
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_value_outside_its_set_names_the_closest() {
        let root = read("layout: enforcment\n");
        let mut r = Reader::default();
        let layout = root.get("layout").expect("key present");
        assert_eq!(
            r.one_of(layout, "layout", &["gongwen", "enforcement"]),
            None
        );
        assert!(matches!(
            &r.problems()[0].kind,
            ProblemKind::NotOneOf { suggestion: Some(s), .. } if s == "enforcement"
        ));
    }

    #[test]
    fn a_file_that_is_not_yaml_is_one_problem_with_its_position() {
        let err = parse("t.yaml", b"a: [\n").expect_err("not YAML");
        assert_eq!(err.problems.len(), 1);
        assert!(matches!(err.problems[0].kind, ProblemKind::Yaml(_)));
        assert!(err.problems[0].pos.is_some());
    }
}
