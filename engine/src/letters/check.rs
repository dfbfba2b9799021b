//! Checks a template when it is loaded, before anything is rendered with it:
//!
//! - it never prints unescaped (`{{{x}}}`, `{{&x}}`) and uses no partials or decorators;
//! - every case field it reads at the top level is declared in the table (required or optional),
//!   so the table really says what a document prints;
//! - only the report receipt may mention the confidential reporter of a mandatory report
//!   (`reporter.*`), by path or by name in a string.

use handlebars::Path;
use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};

use super::LetterError;
use super::table::{DocSpec, RESERVED};

/// The one document that may contain the reporter's details: the receipt given to the reporter.
pub const REPORTER_DOCUMENT: &str = "report-receipt";

/// Helpers whose block changes the context (`this`) for the paths inside it.
const CONTEXT_BLOCKS: [&str; 2] = ["each", "with"];

/// Keys of the `letter` and `issuer` objects the renderer provides.
pub const LETTER_KEYS: [&str; 12] = [
    "key",
    "title",
    "number",
    "date",
    "year",
    "draft",
    "code",
    "layout",
    "copies",
    "issuer_role",
    "roles",
    "bodies",
];
pub const ISSUER_KEYS: [&str; 7] = [
    "role",
    "role_name",
    "body",
    "name",
    "code",
    "seal_caption",
    "contact",
];

/// A path a template reads at the top level, and the line it is on.
#[derive(Debug)]
struct Read {
    path: String,
    line: usize,
}

/// Runs every check on one template's source; `file` names it in errors.
pub fn check(
    doc: &DocSpec,
    source: &str,
    template: &Template,
    file: &str,
) -> Result<(), LetterError> {
    let fail = |line: Option<usize>, message: String| LetterError::Template {
        file: file.to_owned(),
        line: line.map(|l| l as u32),
        column: None,
        message,
    };

    for (i, line) in source.lines().enumerate() {
        if line.contains("{{{") || line.contains("{{&") || line.contains("{{~{") {
            return Err(fail(
                Some(i + 1),
                "templates never print unescaped values ({{{…}}} or {{&…}})".into(),
            ));
        }
    }

    // The confidentiality rule, by name: any mention of `reporter` inside a mustache.
    if doc.key != REPORTER_DOCUMENT {
        if let Some(line) = mentions_reporter(source) {
            return Err(LetterError::Confidential {
                file: file.to_owned(),
                line: Some(line as u32),
                document: doc.key.clone(),
            });
        }
        if let Some(f) = doc.declared_fields().find(|f| is_reporter(f)) {
            return Err(LetterError::Confidential {
                file: "documents.yaml".to_owned(),
                line: Some(doc.pos.line),
                document: format!("{} (field `{f}`)", doc.key),
            });
        }
    }

    let mut reads = Vec::new();
    walk(template, 0, &[], &mut reads, &fail)?;
    for read in reads {
        let head = read.path.split('.').next().unwrap_or_default();
        if doc.key != REPORTER_DOCUMENT && head == "reporter" {
            return Err(LetterError::Confidential {
                file: file.to_owned(),
                line: Some(read.line as u32),
                document: doc.key.clone(),
            });
        }
        let known = match head {
            "letter" => read
                .path
                .split('.')
                .nth(1)
                .is_none_or(|k| LETTER_KEYS.contains(&k)),
            "issuer" => read
                .path
                .split('.')
                .nth(1)
                .is_none_or(|k| ISSUER_KEYS.contains(&k)),
            "local" => read
                .path
                .split('.')
                .nth(1)
                .is_none_or(|k| doc.local.contains_key(k)),
            _ => doc.declared_fields().any(|f| {
                f == &read.path
                    || f.starts_with(&format!("{}.", read.path))
                    || read.path.starts_with(&format!("{f}."))
            }),
        };
        if !known {
            let what = if RESERVED.contains(&head) {
                format!("`{}` is not something the renderer provides", read.path)
            } else {
                format!(
                    "`{}` is read but not declared in documents.yaml (requires or optional of `{}`)",
                    read.path, doc.key
                )
            };
            return Err(fail(Some(read.line), what));
        }
    }
    Ok(())
}

fn is_reporter(path: &str) -> bool {
    path == "reporter" || path.starts_with("reporter.")
}

/// The first line on which a mustache mentions the word `reporter`.
fn mentions_reporter(source: &str) -> Option<usize> {
    let mut rest = source;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start..];
        let end = after.find("}}").map_or(after.len(), |e| e + 2);
        let mustache = &after[..end];
        if has_word(mustache, "reporter") {
            let line = source[..offset + start].matches('\n').count() + 1;
            return Some(line);
        }
        offset += start + end;
        rest = &rest[start + end..];
    }
    None
}

fn has_word(s: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    s.match_indices(word).any(|(i, _)| {
        let before = s[..i].chars().next_back();
        let after = s[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

type Fail<'a> = dyn Fn(Option<usize>, String) -> LetterError + 'a;

fn walk(
    t: &Template,
    depth: usize,
    locals: &[String],
    reads: &mut Vec<Read>,
    fail: &Fail<'_>,
) -> Result<(), LetterError> {
    for (i, el) in t.elements.iter().enumerate() {
        let line = t.mapping.get(i).map_or(0, |m| m.0);
        match el {
            TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
            TemplateElement::HtmlExpression(_) => {
                return Err(fail(
                    Some(line),
                    "templates never print unescaped values".into(),
                ));
            }
            TemplateElement::Expression(ht) => {
                expression(ht, depth, locals, line, reads, true);
            }
            TemplateElement::HelperBlock(ht) => {
                expression(ht, depth, locals, line, reads, false);
                let name = match &ht.name {
                    Parameter::Name(n) => n.as_str(),
                    _ => "",
                };
                let inner_depth = if CONTEXT_BLOCKS.contains(&name) {
                    depth + 1
                } else {
                    depth
                };
                let mut inner_locals = locals.to_vec();
                if let Some(bp) = &ht.block_param {
                    inner_locals.extend(block_param_names(bp));
                }
                if let Some(tpl) = &ht.template {
                    walk(tpl, inner_depth, &inner_locals, reads, fail)?;
                }
                if let Some(inv) = &ht.inverse {
                    walk(inv, depth, locals, reads, fail)?;
                }
            }
            TemplateElement::DecoratorExpression(_)
            | TemplateElement::DecoratorBlock(_)
            | TemplateElement::PartialExpression(_)
            | TemplateElement::PartialBlock(_) => {
                return Err(fail(
                    Some(line),
                    "templates use no partials or decorators".into(),
                ));
            }
            _ => return Err(fail(Some(line), "unsupported template element".into())),
        }
    }
    Ok(())
}

fn block_param_names(bp: &handlebars::template::BlockParam) -> Vec<String> {
    let name = |p: &Parameter| match p {
        Parameter::Name(n) => Some(n.clone()),
        Parameter::Path(Path::Relative((_, raw))) => Some(raw.clone()),
        _ => None,
    };
    match bp {
        handlebars::template::BlockParam::Single(p) => name(p).into_iter().collect(),
        handlebars::template::BlockParam::Pair((a, b)) => {
            name(a).into_iter().chain(name(b)).collect()
        }
        _ => Vec::new(),
    }
}

/// Records the paths an expression reads. `value_position` is true for `{{x}}`, where a bare
/// name that is not a helper is a path.
fn expression(
    ht: &HelperTemplate,
    depth: usize,
    locals: &[String],
    line: usize,
    reads: &mut Vec<Read>,
    value_position: bool,
) {
    let is_helper_call = !ht.params.is_empty() || !ht.hash.is_empty() || ht.block;
    match &ht.name {
        Parameter::Path(p) => param_path(p, depth, locals, line, reads),
        Parameter::Name(n) if value_position && !is_helper_call && !is_helper(n) => {
            record(n, 0, false, depth, locals, line, reads);
        }
        _ => {}
    }
    for p in ht.params.iter().chain(ht.hash.values()) {
        parameter(p, depth, locals, line, reads);
    }
}

fn parameter(p: &Parameter, depth: usize, locals: &[String], line: usize, reads: &mut Vec<Read>) {
    match p {
        Parameter::Path(path) => param_path(path, depth, locals, line, reads),
        Parameter::Name(n) => record(n, 0, false, depth, locals, line, reads),
        Parameter::Subexpression(sub) => {
            if let TemplateElement::Expression(ht) = sub.as_element() {
                expression(ht, depth, locals, line, reads, false);
            }
        }
        _ => {}
    }
}

fn param_path(p: &Path, depth: usize, locals: &[String], line: usize, reads: &mut Vec<Read>) {
    if let Path::Relative((_, raw)) = p {
        let mut s = raw.as_str();
        let mut up = 0;
        let mut root = false;
        loop {
            if let Some(r) = s.strip_prefix("../") {
                up += 1;
                s = r;
            } else if let Some(r) = s
                .strip_prefix("@root.")
                .or_else(|| s.strip_prefix("@root/"))
            {
                root = true;
                s = r;
            } else if let Some(r) = s.strip_prefix("./").or_else(|| s.strip_prefix("this.")) {
                s = r;
            } else {
                break;
            }
        }
        record(s, up, root, depth, locals, line, reads);
    }
}

fn record(
    path: &str,
    up: usize,
    root: bool,
    depth: usize,
    locals: &[String],
    line: usize,
    reads: &mut Vec<Read>,
) {
    let path = path.replace('/', ".");
    if path.is_empty() || path == "this" || path.starts_with('@') {
        return;
    }
    let head = path.split('.').next().unwrap_or_default();
    if locals.iter().any(|l| l == head) {
        return;
    }
    // Only paths that resolve at the top level can be checked against the table.
    if root || up >= depth {
        reads.push(Read { path, line });
    }
}

fn is_helper(name: &str) -> bool {
    matches!(
        name,
        "if" | "unless"
            | "each"
            | "with"
            | "lookup"
            | "log"
            | "eq"
            | "ne"
            | "gt"
            | "gte"
            | "lt"
            | "lte"
            | "and"
            | "or"
            | "not"
            | "len"
            | "date"
            | "date_cn"
            | "datetime"
            | "age"
            | "cn_num"
            | "ground"
            | "ground_ref"
            | "role"
            | "body"
            | "label"
            | "fill"
            | "blank"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letters::table;

    fn doc(key: &str) -> DocSpec {
        let src = format!(
            "documents:\n  {key}:\n    title: T\n    template: t.hbs\n    layout: enforcement\n    issuers:\n      police: {{ numbering: none }}\n    requires: [child.name, children]\n    optional: [carer.name]\n    local:\n      hotline: {{ default: \"12355\" }}\n"
        );
        table::parse(src.as_bytes(), "documents.yaml")
            .unwrap()
            .documents[key]
            .clone()
    }

    fn run(key: &str, src: &str) -> Result<(), LetterError> {
        let t = Template::compile_with_name(src, "t.hbs".into()).unwrap();
        check(&doc(key), src, &t, "t.hbs")
    }

    #[test]
    fn declared_fields_pass() {
        run(
            "reprimand",
            "{{child.name}}\n{{#if carer.name}}{{carer.name}}{{/if}}\n{{#each children}}{{name}} {{../child.name}} {{@index}}{{/each}}\n{{letter.date}} {{issuer.name}} {{local.hotline}} {{date letter.date}}",
        )
        .unwrap();
    }

    #[test]
    fn undeclared_fields_fail_with_their_line() {
        let e = run("reprimand", "{{child.name}}\n\n{{fill guardian.phone}}").unwrap_err();
        match e {
            LetterError::Template { line, message, .. } => {
                assert_eq!(line, Some(3));
                assert!(message.contains("guardian.phone"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(run("reprimand", "{{local.nope}}").is_err());
        assert!(run("reprimand", "{{letter.secret}}").is_err());
        assert!(run("reprimand", "{{#each children}}{{@root.concern}}{{/each}}").is_err());
    }

    #[test]
    fn unescaped_output_and_partials_are_refused() {
        assert!(run("reprimand", "{{{child.name}}}").is_err());
        assert!(run("reprimand", "{{> header}}").is_err());
    }

    #[test]
    fn only_the_receipt_names_the_reporter() {
        for src in [
            "{{reporter.name}}",
            "a\n{{#if reporter.unit}}x{{/if}}",
            "{{#with reporter}}{{name}}{{/with}}",
            "{{lookup @root \"reporter\"}}",
            "{{fill (lookup this \"reporter.name\")}}",
            "{{#each children}}{{../reporter.name}}{{/each}}",
        ] {
            match run("reprimand", src) {
                Err(LetterError::Confidential { document, .. }) => {
                    assert_eq!(document, "reprimand")
                }
                other => panic!("{src}: {other:?}"),
            }
        }
        match run("reprimand", "x\n\n{{reporter.name}}") {
            Err(LetterError::Confidential { line, .. }) => assert_eq!(line, Some(3)),
            other => panic!("{other:?}"),
        }
        // Other words that contain it are fine; the receipt itself may read it (if declared).
        assert!(run("reprimand", "{{#if child.name}}reported{{/if}}").is_ok());
    }
}
