//! `workflow migrate`: an administrator moves chosen running cases of a workflow to another of
//! its published versions, with an explicit state mapping. Everything is checked before
//! anything changes ([`crate::migrate::plan`]); a dry run says what would happen and writes
//! nothing; a migration appends a `Migrated` event (and the cancellation of deadlines the
//! target no longer declares) to each case's chained history, all cases in one transaction.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::backend::{Backend, ReadTx};
use super::ops::owns;
use super::{AppError, Caller, Office, Owner, WHOLE_DATABASE};
use crate::authority::ADMIN_ROLE;
use crate::case::{Case, CaseId};
use crate::definition::{Definition, VersionHash};
use crate::migrate::{self, CasePlan, Problem, Request, Running};
use crate::store::CaseFilter;

/// What an administrator asks to migrate.
#[derive(Debug, Clone, Default)]
pub struct Migration {
    pub workflow: String,
    /// The target version: its number (`2`) or its hash (or a prefix of it, at least 8 digits).
    pub to: String,
    /// The cases to move (with `all_running` false).
    pub cases: Vec<CaseId>,
    /// Every case of the workflow that is not in a final state and not on the target already.
    pub all_running: bool,
    /// Old state → new state.
    pub map: BTreeMap<String, String>,
    pub reason: String,
    /// Say what would happen, change nothing.
    pub dry_run: bool,
}

/// One case's move, with the number of the version it leaves.
#[derive(Debug, Clone)]
pub struct Moved {
    pub plan: CasePlan,
    pub from_number: Option<u32>,
}

/// What a migration did (or, dry, would do).
#[derive(Debug, Clone)]
pub struct MigrationReport {
    pub workflow: String,
    pub to_version: VersionHash,
    pub to_number: u32,
    pub target: Arc<Definition>,
    pub moved: Vec<Moved>,
    pub dry_run: bool,
}

/// The shortest hash prefix accepted for `--to-version`.
const MIN_HASH_PREFIX: usize = 8;

impl<B: Backend> Office<B> {
    /// Plans a migration and, unless it is a dry run, carries it out (administrators only);
    /// any problem with any case means no case moves, and every problem is reported.
    pub fn migrate(
        &self,
        caller: &Caller,
        request: &Migration,
    ) -> Result<MigrationReport, AppError> {
        let now = self.now(caller)?;
        let result = self.migrate_now(caller, request, now);
        self.logged(caller, now, WHOLE_DATABASE, "workflow:migrate", result)
    }

    fn migrate_now(
        &self,
        caller: &Caller,
        request: &Migration,
        now: Timestamp,
    ) -> Result<MigrationReport, AppError> {
        // Who may do it is checked again inside the transaction; this first check keeps a
        // refused caller from learning which cases are running.
        // (Not `authorise`, which would log a refusal that `migrate` logs already.)
        self.backend
            .snapshot(|tx| owns(tx, caller, Owner::Administrator))?;
        let versions = self.backend.versions()?;
        let Some(published) = versions.get(&request.workflow) else {
            return Err(AppError::UnknownWorkflow(request.workflow.clone()));
        };
        let wanted = request.to.trim();
        let target = published.iter().find(|v| {
            wanted.parse::<u32>().is_ok_and(|n| n == v.number)
                || (wanted.len() >= MIN_HASH_PREFIX
                    && wanted.bytes().all(|b| b.is_ascii_hexdigit())
                    && v.hash.0.starts_with(&wanted.to_ascii_lowercase()))
        });
        let Some(target) = target else {
            return Err(AppError::Migration(vec![Problem::NoSuchVersion {
                workflow: request.workflow.clone(),
                version: wanted.chars().take(64).collect(),
            }]));
        };
        let numbers: BTreeMap<VersionHash, u32> = published
            .iter()
            .map(|v| (v.hash.clone(), v.number))
            .collect();
        let (to_version, to_number) = (target.hash.clone(), target.number);
        let ids: Vec<CaseId> = if request.all_running {
            let mut ids = Vec::new();
            let filter = CaseFilter {
                workflow: Some(request.workflow.clone()),
                ..CaseFilter::default()
            };
            self.backend.each_case(&filter, &mut |case: Case| {
                if case.version != to_version {
                    ids.push(case.id);
                }
                true
            })?;
            ids
        } else {
            request.cases.clone()
        };
        if ids.is_empty() && !request.all_running {
            return Err(AppError::Migration(vec![Problem::NoCases]));
        }
        let reason = crate::value::clean_note(request.reason.trim());
        let actor = caller.user.clone();
        let planned = |tx: &dyn ReadTx| -> Result<(Arc<Definition>, Vec<CasePlan>), AppError> {
            owns(tx, caller, Owner::Administrator)?;
            let target = tx.definition(&to_version)?;
            let mut loaded: Vec<(Case, Arc<Definition>)> = Vec::new();
            for id in &ids {
                let case = tx
                    .case(id)?
                    .ok_or_else(|| AppError::UnknownCase(id.clone()))?;
                let def = tx.definition(&case.version)?;
                // With --all-running, the cases already closed are not asked for.
                if request.all_running && def.is_final(&case.state) {
                    continue;
                }
                loaded.push((case, def));
            }
            let running: Vec<Running<'_>> = loaded
                .iter()
                .map(|(case, def)| Running { case, def })
                .collect();
            let plans = migrate::plan(
                &Request {
                    workflow: &request.workflow,
                    to_version: &to_version,
                    target: &target,
                    map: &request.map,
                    reason: &reason,
                },
                &running,
                &actor,
                ADMIN_ROLE,
                now,
            )
            .map_err(AppError::Migration)?;
            Ok((target.clone(), plans))
        };
        let (target, plans) = if request.dry_run {
            let (target, plans) = self.backend.snapshot(|tx| planned(tx))?;
            for plan in &plans {
                self.log(
                    caller,
                    now,
                    plan.case.as_str(),
                    "workflow:migrate:dry-run",
                    None,
                )?;
            }
            (target, plans)
        } else {
            self.backend.transaction(|tx| {
                let (target, plans) = planned(&*tx)?;
                for plan in &plans {
                    let before = tx
                        .case(&plan.case)?
                        .ok_or_else(|| AppError::UnknownCase(plan.case.clone()))?;
                    crate::app::outbox::append(tx, &plan.after, &plan.events, Some(&before))?;
                }
                Ok::<_, AppError>((target, plans))
            })?
        };
        Ok(MigrationReport {
            workflow: request.workflow.clone(),
            to_version,
            to_number,
            target,
            moved: plans
                .into_iter()
                .map(|plan| Moved {
                    from_number: numbers.get(&plan.from_version).copied(),
                    plan,
                })
                .collect(),
            dry_run: request.dry_run,
        })
    }
}
