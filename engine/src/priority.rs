//! Priority cases: a workflow's `priority:` rules (黔江区's 三优先 for harm to left-behind
//! children: priority in scheduling, in review and in closing) put a case at the head of the
//! work lists. Pure: the clock is passed in.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::case::Case;
use crate::definition::{Definition, GuardDef};
use crate::guard::{GuardResult, GuardScope};

/// The first of `def`'s priority rules that holds for `case` at `now`, if any. A rule that
/// cannot be evaluated (a setting the case's version did not have) does not hold.
pub fn rule<'d>(
    def: &'d Definition,
    case: &Case,
    now: Timestamp,
    tz: &TimeZone,
) -> Option<&'d GuardDef> {
    if def.priority.is_empty() {
        return None;
    }
    let types = def.field_types();
    let scope = GuardScope {
        fields: &types,
        settings: &case.settings,
    };
    def.priority.iter().find(|rule| {
        let compiled = def.compiled.get(&rule.source, &scope);
        match compiled.as_ref() {
            Ok(guard) => guard.evaluate(&case.data, &scope, now, tz) == GuardResult::Pass,
            Err(_) => false,
        }
    })
}

/// The words a work list shows beside a priority case: the rule's reason, else its expression,
/// and the English reason the workflow gives for `--lang en`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityTitle {
    pub title: String,
    pub title_en: Option<String>,
}

/// The words a work list shows beside a case that `rule` puts first.
pub fn title(rule: &GuardDef) -> PriorityTitle {
    PriorityTitle {
        title: rule.reason.clone().unwrap_or_else(|| rule.source.clone()),
        title_en: rule.reason_en.clone(),
    }
}
