//! The one integration-test binary of `wardflow-engine`: one module per area, one compile and
//! one link for all of them.

// `serde_json::json!` literals of whole letters in `letters_render` nest deeply.
#![recursion_limit = "512"]

mod crash;
mod hostile_input;
mod invariants;
mod letters_render;
