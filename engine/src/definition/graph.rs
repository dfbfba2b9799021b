//! Diagrams of a workflow's states and transitions (Mermaid and Graphviz DOT).

use super::{Definition, FromStates, StateDef, TransitionDef};

/// The diagram languages we draw in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

/// Every (from, to, transition) edge, with `from: "*"` expanded to each open state.
fn edges(def: &Definition) -> Vec<(&str, &str, &TransitionDef)> {
    let mut out = Vec::new();
    for t in &def.transitions {
        match &t.from {
            FromStates::AnyOpen => {
                for s in def.states.iter().filter(|s| !s.terminal && s.key != t.to) {
                    out.push((s.key.as_str(), t.to.as_str(), t));
                }
            }
            FromStates::Listed(states) => {
                for s in states {
                    out.push((s.as_str(), t.to.as_str(), t));
                }
            }
        }
    }
    out
}

/// The language a diagram's labels are in: the workflow's Chinese titles, or its English ones
/// where it gives them (the Chinese one where it does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Titles {
    Chinese,
    English,
}

impl Titles {
    fn pick<'a>(self, title: &'a str, title_en: Option<&'a str>) -> &'a str {
        match (self, title_en) {
            (Titles::English, Some(en)) if !en.is_empty() => en,
            _ => title,
        }
    }

    fn state(self, s: &StateDef) -> &str {
        self.pick(&s.title, s.title_en.as_deref())
    }
}

fn label(t: &TransitionDef, sep: &str, titles: Titles) -> String {
    let mut l = t.key.clone();
    let title = titles.pick(&t.title, t.title_en.as_deref());
    if !title.is_empty() {
        l.push_str(sep);
        l.push_str(title);
    }
    if t.is_system() {
        l.push_str(" ⏱");
    }
    l
}

/// Keeps a label from closing the diagram syntax around it.
fn clean(s: &str, forbidden: &[char]) -> String {
    s.chars()
        .map(|c| {
            if forbidden.contains(&c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Draws the workflow in the given format, labelled with its titles in the given language.
pub fn render(def: &Definition, format: GraphFormat, titles: Titles) -> String {
    match format {
        GraphFormat::Mermaid => mermaid(def, titles),
        GraphFormat::Dot => dot(def, titles),
    }
}

fn mermaid(def: &Definition, titles: Titles) -> String {
    let forbidden = [':', ';', '"', '\n', '<', '>', '#', '{', '}'];
    let mut out = String::from("stateDiagram-v2\n    direction LR\n");
    for s in &def.states {
        let title = titles.state(s);
        if !title.is_empty() {
            out.push_str(&format!("    {} : {}\n", s.key, clean(title, &forbidden)));
        }
    }
    if let Some(initial) = def.initial_state() {
        out.push_str(&format!("    [*] --> {}\n", initial.key));
    }
    for (from, to, t) in edges(def) {
        out.push_str(&format!(
            "    {from} --> {to} : {}\n",
            clean(&label(t, " ", titles), &forbidden)
        ));
    }
    for s in def.states.iter().filter(|s| s.terminal) {
        out.push_str(&format!("    {} --> [*]\n", s.key));
    }
    out
}

fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dot(def: &Definition, titles: Titles) -> String {
    let mut out = format!(
        "digraph {} {{\n    rankdir=LR;\n    node [shape=box, style=rounded, fontname=\"Noto Sans CJK SC\"];\n    edge [fontname=\"Noto Sans CJK SC\", fontsize=10];\n",
        dot_str(&def.key)
    );
    out.push_str("    \"__start\" [shape=point, label=\"\"];\n");
    for s in &def.states {
        let title = titles.state(s);
        let text = if title.is_empty() {
            s.key.clone()
        } else {
            format!("{}\n{}", s.key, title)
        };
        let extra = if s.terminal { ", peripheries=2" } else { "" };
        out.push_str(&format!(
            "    {} [label={}{extra}];\n",
            dot_str(&s.key),
            dot_str(&text)
        ));
    }
    if let Some(initial) = def.initial_state() {
        out.push_str(&format!("    \"__start\" -> {};\n", dot_str(&initial.key)));
    }
    for (from, to, t) in edges(def) {
        let style = if t.is_system() { ", style=dashed" } else { "" };
        out.push_str(&format!(
            "    {} -> {} [label={}{style}];\n",
            dot_str(from),
            dot_str(to),
            dot_str(&label(t, "\n", titles))
        ));
    }
    out.push_str("}\n");
    out
}
