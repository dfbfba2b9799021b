//! What compiling a guard costs against evaluating it: the price every step paid before guards
//! were compiled once per definition.

use std::time::{Duration, Instant};

use wardflow_engine::definition::load;
use wardflow_engine::guard::{Guard, GuardScope};

use crate::workload::{self, at, fail};

/// Mean time to compile, and to evaluate, one of the workload's guards.
pub fn cost(rounds: usize) -> (Duration, Duration) {
    let def =
        load("workload.yaml", workload::WORKFLOW.as_bytes()).unwrap_or_else(|e| fail("load", e));
    let types = def.field_types();
    let settings = def.settings.clone();
    let scope = GuardScope {
        fields: &types,
        settings: &settings,
    };
    let sources: Vec<&str> = def
        .transitions
        .iter()
        .flat_map(|t| t.guards.iter().map(|g| g.source.as_str()))
        .collect();
    let started = Instant::now();
    let mut guards = Vec::new();
    for _ in 0..rounds {
        guards = sources
            .iter()
            .map(|s| Guard::compile(s, &scope).unwrap_or_else(|e| fail("compile", e)))
            .collect();
    }
    let compile = started.elapsed() / (rounds * sources.len()).max(1) as u32;
    let data = [
        ("risk_level", serde_json::Value::from(3)),
        ("visited_at", "2026-03-01T01:00:00Z".into()),
        ("carer.birth_date", "1960-05-01".into()),
        ("plan", "计划".into()),
        ("review_score", 4.into()),
        ("child.birth_date", "2016-03-01".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let tz = workload::batch_context().tz;
    let started = Instant::now();
    for _ in 0..rounds {
        for g in &guards {
            std::hint::black_box(g.evaluate(&data, &scope, at(0), &tz));
        }
    }
    let evaluate = started.elapsed() / (rounds * guards.len()).max(1) as u32;
    (compile, evaluate)
}
