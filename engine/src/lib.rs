//! wardflow's domain: workflow definitions, the pure case step, and the redb store.
//!
//! The crate never prints and knows nothing of the command line: it returns values and typed
//! errors, and the `wardflow` binary turns them into words and exit codes.

pub mod app;
pub mod authority;
pub mod case;
pub mod case_export;
pub mod chain;
pub mod crypto;
pub mod definition;
pub mod faults;
pub mod guard;
pub mod holidays;
pub mod identity;
pub mod letters;
pub mod migrate;
pub mod next;
pub mod period;
pub mod pg;
pub mod priority;
pub mod problem;
pub mod profile;
pub mod progress;
pub mod protect;
pub mod reader;
pub mod seal;
pub mod step;
pub mod store;
pub mod suggest;
pub mod value;
pub mod yaml;
