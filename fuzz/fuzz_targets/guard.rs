//! CEL guards: compile any text against example-care's fields, and evaluate what compiles
//! against case data taken from the rest of the input (JSON), at an instant from its head.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use wardflow_engine::definition::Data;
use wardflow_engine::guard::{Guard, GuardScope};
use wardflow_engine::period::shanghai;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `source` NUL `data as JSON`.
    let (source, json) = text.split_once('\0').unwrap_or((text, "{}"));
    let def = common::example_care();
    let types = def.field_types();
    let scope = GuardScope {
        fields: &types,
        settings: &def.settings,
    };
    let Ok(guard) = Guard::compile(source, &scope) else {
        return;
    };
    let case: Data = serde_json::from_str(json).unwrap_or_default();
    let now = jiff::Timestamp::from_second(1_795_000_000).expect("a valid instant");
    let _ = guard.evaluate(&case, &scope, now, &shanghai());
});
