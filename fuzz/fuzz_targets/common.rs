//! What every target shares: the example workflow that declares a field of every type.

use std::sync::OnceLock;

use wardflow_engine::definition::{self, Definition};

/// example-care, loaded once.
pub fn example_care() -> &'static Definition {
    static DEF: OnceLock<Definition> = OnceLock::new();
    DEF.get_or_init(|| {
        definition::load(
            "example-care.yaml",
            include_bytes!("../../workflows/example-care.yaml"),
        )
        .expect("example-care.yaml loads")
    })
}
