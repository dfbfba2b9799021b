//! `wardflow case next`: the transitions open now, what each is missing, whether guards pass.

use wardflow_engine::app::{NextItem, NextList, NextView};

use super::super::case_id;
use super::super::{Ctx, print_json};
use crate::failure::{self, Failure};
use crate::show;
use crate::tr;

/// Prints the open transitions.
pub fn run(ctx: &Ctx, text: &str) -> Result<(), Failure> {
    let id = case_id(text)?;
    let (list, def) = match ctx.remote()? {
        Some(remote) => {
            let list: NextList =
                remote.get(&format!("/api/v1/cases/{id}/next"), &super::show::parts())?;
            let def = remote.definition(&list.version_hash)?;
            (list, def)
        }
        None => {
            let view = ctx.office_for_read()?.next(&ctx.caller(None)?, &id)?;
            (next_list(ctx, &view), view.def)
        }
    };
    if ctx.global.json {
        return print_json(ctx, &list.steps);
    }
    let tr = &ctx.tr;
    if list.steps.is_empty() {
        println!(
            "{}",
            tr!(tr, "next-none", state = show::state(tr, &def, &list.state))
        );
    }
    for s in &list.steps {
        println!(
            "{} → {}  [{}]",
            tr.key_title(&s.name, show::pick(tr, &s.title, s.title_en.as_deref())),
            show::state(tr, &def, &s.to),
            show::roles(tr, &def, &s.roles)
        );
        if !s.missing.is_empty() {
            let named: Vec<String> = s.missing.iter().map(|f| show::field(tr, &def, f)).collect();
            println!("    {}{}", tr!(tr, "label-missing"), tr.list(&named));
            // What an enum field takes: its values' labels, any of which may be typed.
            for f in &s.missing {
                let Some((values, labels)) = def.fields.get(f).and_then(|d| d.ty.enum_values())
                else {
                    continue;
                };
                let choices: Vec<String> = values
                    .iter()
                    .map(|v| match labels.get(v) {
                        Some(l) => tr.key_title(v, show::title_in(tr, l)),
                        None => v.clone(),
                    })
                    .collect();
                println!(
                    "      {}",
                    tr!(
                        tr,
                        "next-choices",
                        field = f.clone(),
                        choices = tr.list(&choices)
                    )
                );
            }
        }
        if let Some(message) = &s.blocked_by
            && s.missing.is_empty()
        {
            println!("    {message}");
        }
    }
    Ok(())
}

/// The result of `case next`, its refusals worded in the reader's language.
pub fn next_list(ctx: &Ctx, view: &NextView) -> NextList {
    let NextView {
        case,
        def,
        steps,
        hidden,
    } = view;
    NextList {
        case: case.id.clone(),
        state: case.state.clone(),
        version_hash: case.version.clone(),
        steps: steps
            .iter()
            .map(|s| NextItem {
                name: s.name.clone(),
                title: s.title.clone(),
                title_en: def.transition(&s.name).and_then(|t| t.title_en.clone()),
                to: s.to.clone(),
                to_title: def.state(&s.to).map(|t| t.title.clone()),
                to_title_en: def.state(&s.to).and_then(|t| t.title_en.clone()),
                roles: s.roles.clone(),
                missing: s.missing.clone(),
                guard_ok: (!hidden.contains(&s.name)).then_some(s.guard_ok),
                blocked_by: s
                    .blocked_by
                    .as_ref()
                    .map(|r| failure::refusal(&ctx.tr, Some(def), r).message),
            })
            .collect(),
    }
}
