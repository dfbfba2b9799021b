//! `wardflow case show`: everything about one case, as of now.

use wardflow_engine::app::{CaseView, CaseViewParts};

use super::super::case_id;
use super::super::{Ctx, print_json};
use crate::failure::{self, Failure};
use crate::show::{self, local_time};
use crate::tr;

/// The query asking a server for a view as it travels (`app::portable`).
pub fn parts() -> [(&'static str, String); 1] {
    [("form", "parts".to_owned())]
}

/// Prints the case.
pub fn run(ctx: &Ctx, text: &str) -> Result<(), Failure> {
    let id = case_id(text)?;
    let view = match ctx.remote()? {
        Some(remote) => {
            let parts: CaseViewParts = remote.get(&format!("/api/v1/cases/{id}"), &parts())?;
            let def = remote.definition(&parts.case.version)?;
            parts.into_view(def)
        }
        None => ctx.office_for_read()?.show(&ctx.caller(None)?, &id)?,
    };
    if ctx.global.json {
        return print_json(ctx, &view);
    }
    let CaseView {
        case,
        def,
        data,
        version: number,
        same_child,
        units,
        simulated,
        ..
    } = view;
    let tr = &ctx.tr;
    println!("{}", tr!(tr, "show-case", case = case.id.to_string()));
    if simulated {
        println!("{}", tr!(tr, "show-simulated"));
    }
    let version = number.map(|n| format!("v{n}")).unwrap_or_default();
    println!(
        "{}",
        tr!(
            tr,
            "show-workflow",
            workflow = tr.key_title(&case.workflow, show::workflow_title(tr, &def)),
            version = version,
            hash = case.version.short().to_owned()
        )
    );
    println!(
        "{}",
        tr!(tr, "show-state", state = show::state(tr, &def, &case.state))
    );
    if let Some(profile) = &case.profile {
        println!("{}", tr!(tr, "show-profile", profile = profile.clone()));
    }
    println!(
        "{}",
        tr!(
            tr,
            "show-times",
            opened = local_time(case.opened_at),
            updated = local_time(case.updated_at),
            seq = case.seq
        )
    );
    if let Some(unit) = &case.unit {
        println!(
            "{}",
            tr!(
                tr,
                "show-unit",
                unit = failure::unit_named(tr, &units, unit),
                officer = case.officer.clone().unwrap_or_else(|| tr!(tr, "none"))
            )
        );
    }
    if let Some(external) = &case.external {
        println!(
            "{}",
            tr!(
                tr,
                "show-external",
                id = external.id.clone(),
                source = external.source.clone()
            )
        );
    }
    println!("{}", tr!(tr, "label-data"));
    if data.is_empty() {
        println!("  {}", tr!(tr, "none"));
    }
    for (k, v) in &data {
        println!(
            "  {}: {}",
            show::field(tr, &def, k),
            show::field_value(tr, &def, k, v)
        );
    }
    if case.origin.is_some() || !case.spawned.is_empty() {
        println!("{}", tr!(tr, "label-links"));
        if let Some(o) = &case.origin {
            println!(
                "  ← {}",
                tr.key_title(&format!("{} {}", o.link, o.case), &o.workflow)
            );
        }
        for s in &case.spawned {
            println!(
                "  → {}",
                tr.key_title(&format!("{} {}", s.link, s.case), &s.workflow)
            );
        }
    }
    if !same_child.is_empty() {
        println!("{}", tr!(tr, "label-same-child"));
        for other in &same_child {
            println!(
                "  {}",
                tr.key_title(
                    other.id.as_str(),
                    &format!("{} {}", other.workflow, other.state)
                )
            );
        }
    }
    println!("{}", tr!(tr, "label-deadlines"));
    if case.deadlines.is_empty() {
        println!("  {}", tr!(tr, "none"));
    }
    for d in case.deadlines.values() {
        let provisional = if d.provisional {
            tr!(tr, "provisional")
        } else {
            String::new()
        };
        let provisional = if d.breached {
            provisional + &tr!(tr, "overdue-mark")
        } else {
            provisional
        };
        println!(
            "  {}: {}{provisional}",
            show::deadline(tr, &def, &d.name, &d.title),
            tr!(tr, "due-at", at = show::due_time(d.due))
        );
    }
    if !case.letters.is_empty() || !case.issued.is_empty() {
        println!("{}", tr!(tr, "label-letters-requested"));
        let pending: Vec<u32> = case.pending_letters().map(|r| r.seq).collect();
        for r in case.letters.iter().filter(|r| pending.contains(&r.seq)) {
            println!(
                "  {} (#{})  {}",
                r.key,
                r.seq,
                tr!(tr, "show-letter-pending")
            );
        }
        for l in &case.issued {
            let i = &l.issued;
            let status = match (&l.voided, &l.replaced_by) {
                (Some(reason), _) => tr!(tr, "letter-status-void", reason = reason.clone()),
                (None, Some(by)) => tr!(tr, "letter-status-replaced", id = by.clone()),
                (None, None) => tr!(tr, "letter-status-in-force"),
            };
            println!(
                "  {}  {}  {}  {status}",
                i.key,
                i.number.as_deref().unwrap_or("-"),
                i.letter
            );
        }
    }
    Ok(())
}
