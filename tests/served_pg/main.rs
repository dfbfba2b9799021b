//! Tests of the real binary through a `wardflow serve --database postgres://…` (issue 24): the
//! modules of `tests/cli` listed below, with every command that has a `--server` form sent
//! to a server on PostgreSQL, as `tests/served` sends them to a server on the redb file.
//!
//! The tests set up their databases as they always do (`init`, a copied template, embedded
//! commands on `w.redb`). The harness (`common::runner::pg`) starts one throwaway cluster
//! for this binary (`wardflow_engine::pg::cluster`: initdb and pg_ctl of the system's
//! PostgreSQL 15+; without it every test fails saying what to install, never a silent skip).
//! When a test environment's server is first needed, its redb database is moved into a fresh
//! PostgreSQL database the way a county moves (`export --plain`, `import FILE --database
//! URL`), the administrator's token is made there (`token create --database`: credentials
//! are not moved) and `serve --database URL` serves it. A command without a `--server` form
//! moves it back first (`export --database … --plain`, `import` into a new `w.redb`), and the
//! next served command moves it forward again into another fresh database. So each story is
//! also a round trip of every move its embedded commands force, and `fails`' before-and-after
//! dumps (exports through the server) compare across them.
//!
//! The modules run here are the case and legal stories, which cover opening, advancing,
//! amending, transfers, reads, lists, letters, deadlines and refusals; the other served
//! modules stay on `tests/served` (redb) to keep CI's time (a move costs an export, a
//! database, an import and a server start). Tests that stay on redb even here:
//! `common::runner::EMBEDDED_ONLY_TESTS` (as in `tests/served`) and
//! `common::runner::pg::EMBEDDED_ONLY`, each with its reason.

/// Whether the commands go through a server: here they do.
pub const SERVED: bool = true;

/// Whether the server runs on PostgreSQL: here it does.
pub const POSTGRES: bool = true;

/// Whether every database is made under the national cryptographic profile
/// (`tests/national_stories`); here not, unless `WARDFLOW_TEST_CRYPTO=national`.
pub const NATIONAL: bool = false;

#[path = "../cli/common/mod.rs"]
#[allow(unused_imports)]
mod common;

#[path = "../cli/case.rs"]
mod case;
#[path = "../cli/legal_stories.rs"]
mod legal_stories;
