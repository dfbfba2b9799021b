//! Fault-injection points that only test builds honour.
//!
//! A build with the `test-faults` feature (the wardflow package's tests turn it on through
//! its dev-dependency on this crate; a release build never has it) reads `WARDFLOW_FAULT`, a
//! comma-separated list of point names, and [`at`] says whether a point is named there. Any
//! other build compiles [`at`] to `false` and never reads the variable.

/// Whether the fault at `point` is to happen.
#[cfg(feature = "test-faults")]
pub fn at(point: &str) -> bool {
    std::env::var("WARDFLOW_FAULT").is_ok_and(|v| v.split(',').any(|p| p.trim() == point))
}

/// Whether the fault at `point` is to happen: never, in a build without `test-faults`.
#[cfg(not(feature = "test-faults"))]
pub fn at(_point: &str) -> bool {
    false
}
