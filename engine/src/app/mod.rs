//! The application layer: the only API a front end calls.

pub mod act;
pub mod backend;
pub mod batch;
