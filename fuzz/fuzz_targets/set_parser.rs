//! `--set field=value` and `--data` documents against example-care's field types; what is
//! accepted must be canonical.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use wardflow_engine::value;

fuzz_target!(|data: &[u8]| {
    let def = common::example_care();
    let _ = value::parse_data(def, data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((field, v)) = value::parse_assignment(def, text) {
        let ty = &def.fields[&field].ty;
        assert_eq!(value::check_json(ty, &v), Ok(v.clone()), "accepted input is canonical");
    }
});
