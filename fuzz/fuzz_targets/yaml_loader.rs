//! The bounded YAML loader and the whole workflow loader on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wardflow_engine::{definition, yaml};

fuzz_target!(|data: &[u8]| {
    let _ = yaml::parse(data, yaml::Limits::default());
    let _ = definition::load("fuzz.yaml", data);
    let _ = definition::load_published("fuzz.yaml", data);
});
