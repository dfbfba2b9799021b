//! `wardflow workflow show`: a definition as a caseworker reads it.

use serde_json::{Value, json};
use wardflow_engine::definition::{
    DeadlineDef, DeadlineRule, DeadlineStart, Definition, FromStates,
};

use super::super::{Ctx, print_json};
use super::find;
use crate::failure::Failure;
use crate::i18n::Lang;
use crate::tr;

fn deadline_json(d: &DeadlineDef) -> Value {
    let (kind, period) = match &d.rule {
        DeadlineRule::Within(p) => ("within", p.to_string()),
        DeadlineRule::Every(p) => ("every", p.to_string()),
        DeadlineRule::DateAfter(p) => ("date_after", p.to_string()),
    };
    json!({
        "name": d.name,
        "title": d.title,
        "title_en": d.title_en,
        kind: period,
        "from": match &d.from { DeadlineStart::Entered => "entered".to_owned(), DeadlineStart::Field(f) => f.clone() },
        "remind_before": d.remind_before.as_ref().map(ToString::to_string),
        "on_breach": d.on_breach,
        "keep": d.keep,
    })
}

/// A deadline in the words of the workflow file: `weekly_contact（每周联系）: every 7d, …`.
fn deadline_line(tr: &crate::i18n::Tr, d: &DeadlineDef) -> String {
    let mut parts = vec![match &d.rule {
        DeadlineRule::Within(p) => format!("within {p}"),
        DeadlineRule::Every(p) => format!("every {p}"),
        DeadlineRule::DateAfter(p) => format!("date_after {p}"),
    }];
    if let DeadlineStart::Field(f) = &d.from {
        parts.push(format!("from {f}"));
    }
    if let Some(r) = &d.remind_before {
        parts.push(format!("remind_before {r}"));
    }
    if let Some(b) = &d.on_breach {
        parts.push(format!("on_breach {b}"));
    }
    if d.keep {
        parts.push("keep".into());
    }
    let title = crate::show::pick(tr, &d.title, d.title_en.as_deref());
    format!("{}: {}", tr.key_title(&d.name, title), parts.join(", "))
}

fn from_text(from: &FromStates) -> Vec<String> {
    match from {
        FromStates::AnyOpen => vec!["*".to_owned()],
        FromStates::Listed(s) => s.clone(),
    }
}

fn to_json(def: &Definition, version: Option<u32>) -> Value {
    json!({
        "workflow": def.key,
        "title": def.title,
        "title_en": def.title_en,
        "version": version,
        "roles": def.roles,
        "role_titles": def.role_titles.iter().map(|(k, t)| (k.clone(), json!({"title": t.title, "title_en": t.title_en}))).collect::<serde_json::Map<_, _>>(),
        "settings": def.settings,
        "fields": def.fields.iter().map(|(k, f)| json!({
            "name": k, "type": f.ty.name(), "required": f.required, "title": f.title, "title_en": f.title_en, "sensitive": f.sensitive,
        })).collect::<Vec<_>>(),
        "start": {"roles": def.start.roles, "requires": def.start.requires, "letters": def.start.letters,
                  "deadlines": def.start.deadlines.iter().map(deadline_json).collect::<Vec<_>>()},
        "states": def.states.iter().map(|s| json!({"name": s.key, "title": s.title, "title_en": s.title_en, "initial": s.initial, "final": s.terminal})).collect::<Vec<_>>(),
        "transitions": def.transitions.iter().map(|t| json!({
            "name": t.key, "title": t.title, "title_en": t.title_en, "from": from_text(&t.from), "to": t.to, "roles": t.roles,
            "requires": t.requires,
            "guards": t.guards.iter().map(|g| json!({"cel": g.source, "reason": g.reason, "reason_en": g.reason_en})).collect::<Vec<_>>(),
            "letters": t.letters,
            "deadlines": t.deadlines.iter().map(deadline_json).collect::<Vec<_>>(),
            "spawn": t.spawn.iter().map(|s| json!({"workflow": s.workflow, "link": s.link, "for_each": s.for_each})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Prints the definition.
pub fn run(ctx: &Ctx, name: &str) -> Result<(), Failure> {
    let (def, version) = find(ctx, name)?;
    if ctx.global.json {
        return print_json(ctx, &to_json(&def, version));
    }
    let tr = &ctx.tr;
    let version = version.map(|v| format!(" v{v}")).unwrap_or_default();
    println!("{}{version}", crate::show::workflow(tr, &def));
    println!(
        "{}{}",
        tr!(tr, "label-roles"),
        crate::show::roles(tr, &def, &def.roles)
    );
    println!("{}", tr!(tr, "label-fields"));
    for (key, f) in &def.fields {
        let required = if f.required {
            tr!(tr, "label-required")
        } else {
            String::new()
        };
        println!(
            "  {}  {}{required}",
            crate::show::field(tr, &def, key),
            f.ty.name()
        );
    }
    if !def.settings.is_empty() {
        println!("{}", tr!(tr, "label-settings"));
        for (k, v) in &def.settings {
            println!("  {k} = {}", crate::show::value(v));
        }
    }
    println!("{}", tr!(tr, "label-start"));
    println!("  {}{}", tr!(tr, "label-roles"), tr.list(&def.start.roles));
    if !def.start.requires.is_empty() {
        println!(
            "  {}{}",
            tr!(tr, "label-requires"),
            tr.list(&def.start.requires)
        );
    }
    for d in &def.start.deadlines {
        println!("  {}{}", tr!(tr, "label-deadline"), deadline_line(tr, d));
    }
    if !def.start.letters.is_empty() {
        println!(
            "  {}{}",
            tr!(tr, "label-letters"),
            tr.list(&def.start.letters)
        );
    }
    println!("{}", tr!(tr, "label-states"));
    for s in &def.states {
        let mark = if s.initial {
            " ▶"
        } else if s.terminal {
            " ■"
        } else {
            ""
        };
        println!("  {}{mark}", crate::show::state(tr, &def, &s.key));
    }
    println!("{}", tr!(tr, "label-transitions"));
    for t in &def.transitions {
        println!(
            "  {}: {} → {}  [{}]",
            crate::show::transition(tr, &def, &t.key),
            tr.list(&from_text(&t.from)),
            t.to,
            tr.list(&t.roles)
        );
        if !t.requires.is_empty() {
            println!(
                "      {}{}",
                tr!(tr, "label-requires"),
                tr.list(&t.requires)
            );
        }
        for g in &t.guards {
            println!("      {}{}", tr!(tr, "label-guard"), g.source);
            let reason = match tr.lang {
                Lang::En => g.reason_en.as_ref().or(g.reason.as_ref()),
                _ => g.reason.as_ref(),
            };
            if let Some(reason) = reason {
                println!("        {}{}", tr!(tr, "label-guard-rule"), reason);
            }
        }
        for d in &t.deadlines {
            println!(
                "      {}{}",
                tr!(tr, "label-deadline"),
                deadline_line(tr, d)
            );
        }
        if !t.letters.is_empty() {
            println!("      {}{}", tr!(tr, "label-letters"), tr.list(&t.letters));
        }
        for s in &t.spawn {
            println!(
                "      {}{} ({})",
                tr!(tr, "label-spawn"),
                s.workflow,
                s.link
            );
        }
    }
    Ok(())
}
