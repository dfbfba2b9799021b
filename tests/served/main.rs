//! The same tests of the real binary as `tests/cli`, with every command that works over
//! HTTP sent to a `wardflow serve` the harness starts for each test environment
//! (`common::runner::Served`: `--server URL`, one API token per test user and database, made
//! once). Commands without a `--server` form yet run embedded, the server stopped around them
//! (`common::runner::SERVED_COMMANDS` lists those with one), so a story may mix both.
//!
//! The modules of `tests/cli` that stay embedded-only, and why (the one list):
//! - `app_layer`, `architecture`, `docs_graphs`, `help`, `shipped`, `config`: they read the
//!   source tree, print help or read configuration, and act on no database.
//! - `ops` (backup, restore, check, export, import), `hardening`, `chain`, `migrate`,
//!   `published`, `concurrency`: they touch the database file, its side files or
//!   their permissions directly, or race processes for the file's lock.
//! - `serve`, `client`, `letter_client`, `served_admin`: they start their own servers.
//! - `authority`: its unknown and disabled users have no token, so over a server they are
//!   refused as "not signed in" rather than in the registry's words, and its access-log test
//!   counts reads that a server also logs as token uses.
//! - single tests of the modules below: `common::runner::EMBEDDED_ONLY_TESTS`.
//! - `workflow`, `story_snapshots`: their insta snapshots are named by the test binary
//!   (`served__workflow__…` would be a second copy of each), and one `workflow` test compares
//!   the database file's bytes, which a server's access log changes; `workflow list`, `show`,
//!   `publish` and `migrate` are compared over a server with embedded in `served_admin` (run
//!   by `tests/cli`), and the case commands `story_snapshots` prints are the ones `case` and
//!   `legal_stories` check here.

/// Whether the commands go through a server: here they do.
pub const SERVED: bool = true;

/// Whether the server runs on PostgreSQL (`tests/served_pg`); here it does not.
pub const POSTGRES: bool = false;

/// Whether every database is made under the national cryptographic profile
/// (`tests/national_stories`); here not, unless `WARDFLOW_TEST_CRYPTO=national`.
pub const NATIONAL: bool = false;

#[path = "../cli/common/mod.rs"]
#[allow(unused_imports)]
mod common;

#[path = "../cli/bad_input.rs"]
mod bad_input;
#[path = "../cli/case.rs"]
mod case;
#[path = "../cli/enum_labels.rs"]
mod enum_labels;
#[path = "../cli/json_convention.rs"]
mod json_convention;
#[path = "../cli/legal_stories.rs"]
mod legal_stories;
#[path = "../cli/letter.rs"]
mod letter;
#[path = "../cli/letter_docx.rs"]
mod letter_docx;
#[path = "../cli/letter_issue.rs"]
mod letter_issue;
#[path = "../cli/letter_pdf.rs"]
mod letter_pdf;
#[path = "../cli/profile.rs"]
mod profile;
#[path = "../cli/register.rs"]
mod register;
#[path = "../cli/report.rs"]
mod report;
#[path = "../cli/run.rs"]
mod run;
#[path = "../cli/scenario_a_d.rs"]
mod scenario_a_d;
#[path = "../cli/scenario_b_c.rs"]
mod scenario_b_c;
#[path = "../cli/scenario_review.rs"]
mod scenario_review;
#[path = "../cli/scenario_timers.rs"]
mod scenario_timers;
#[path = "../cli/vocab.rs"]
mod vocab;
