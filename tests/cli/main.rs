//! The one integration-test binary of the `wardflow` crate: every test of the real binary,
//! one module per area, sharing the harness in `common/`. One binary instead of one per file:
//! one compile and one link, and every test runs in the same pool of threads.

/// Whether the commands go through a server (`tests/served`); here they run embedded.
pub const SERVED: bool = false;

/// Whether the server runs on PostgreSQL (`tests/served_pg`); here it does not.
pub const POSTGRES: bool = false;

/// Whether every database is made under the national cryptographic profile
/// (`tests/national_stories`); here not, unless `WARDFLOW_TEST_CRYPTO=national`.
pub const NATIONAL: bool = false;

mod common;

mod app_layer;
mod architecture;
mod authority;
mod bad_input;
mod case;
mod chain;
mod client;
mod concurrency;
mod config;
mod docs_graphs;
mod enum_labels;
mod extid;
mod hardening;
mod help;
mod idem;
mod json_convention;
mod keys;
mod legal_stories;
mod letter;
mod letter_client;
mod letter_docx;
mod letter_issue;
mod letter_pdf;
mod migrate;
mod national;
mod ops;
mod outbox;
mod pg_serve;
mod profile;
mod protect;
mod published;
mod register;
mod report;
mod run;
mod scenario_a_d;
mod scenario_b_c;
mod scenario_review;
mod scenario_timers;
mod serve;
mod served_admin;
mod service;
mod shipped;
mod story_snapshots;
mod vocab;
mod workflow;
