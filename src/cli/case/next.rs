//! `wardflow case next`: the transitions open now, what each is missing, whether guards pass.

use serde_json::json;
use wardflow_engine::app::NextView;

use super::super::case_id;
use super::super::{Ctx, print_json};
use crate::failure::{self, Failure};
use crate::show;
use crate::tr;

/// Prints the open transitions.
pub fn run(ctx: &Ctx, text: &str) -> Result<(), Failure> {
    let id = case_id(text)?;
    let caller = ctx.caller(None)?;
    let NextView {
        case,
        def,
        steps,
        hidden,
    } = ctx.office_for_read()?.next(&caller, &id)?;
    let tr = &ctx.tr;
    if ctx.global.json {
        let out: Vec<_> = steps
            .iter()
            .map(|s| {
                json!({
                    "name": s.name,
                    "title": s.title,
                    "to": s.to,
                    "to_title": def.state(&s.to).map(|t| t.title.clone()),
                    "roles": s.roles,
                    "missing": s.missing,
                    "guard_ok": (!hidden.contains(&s.name)).then_some(s.guard_ok),
                    "blocked_by": s.blocked_by.as_ref().map(|r| failure::refusal(tr, Some(&def), r).message),
                })
            })
            .collect();
        return print_json(ctx, &out);
    }
    if steps.is_empty() {
        println!(
            "{}",
            tr!(tr, "next-none", state = show::state(tr, &def, &case.state))
        );
    }
    for s in &steps {
        println!(
            "{} → {}  [{}]",
            tr.key_title(&s.name, &s.title),
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
        if let Some(r) = &s.blocked_by
            && s.missing.is_empty()
        {
            println!("    {}", failure::refusal(tr, Some(&def), r).message);
        }
    }
    Ok(())
}
