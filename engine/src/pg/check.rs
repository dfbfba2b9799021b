//! `check` on PostgreSQL (issue 24): the checks of a redb file's consistent copy
//! (`store/ops.rs`), made on one REPEATABLE READ, read-only snapshot. The rows are read here;
//! every comparison and every problem reported is the redb check's own
//! ([`Checker`]), so a county moved between the backends gets the same report from both.
//!
//! What redb's own integrity check does for the file (its pages and B-trees) is PostgreSQL's
//! business here (its constraints, `amcheck`, checksums): not repeated.

use std::collections::BTreeMap;

use super::{PgBackend, corrupt};
use crate::progress::Reporter;
use crate::store::StoreError;
use crate::store::ops::{CheckProblem, CheckReport, Checker, IndexKeys};

/// A stored positive number (version, event) as the u32 the records use.
fn positive(n: i32) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(corrupt)
}

/// A case being read: its id, its snapshot, its events so far.
type Reading = (String, Vec<u8>, Vec<(u32, Vec<u8>)>);

impl PgBackend {
    /// Checks the whole database from one snapshot (see the module documentation).
    pub fn check(&self, progress: &Reporter) -> Result<CheckReport, StoreError> {
        self.read(|sql| {
            let mut checker = Checker::new(false);
            checker.set_crypto(self.meta.crypto);
            sql.each_row(
                "SELECT v.workflow, v.number, v.hash, d.record FROM versions v \
                 LEFT JOIN definitions d ON d.hash = v.hash ORDER BY v.workflow, v.number",
                |r| {
                    checker.definition(
                        r.get::<_, &str>(0),
                        positive(r.get(1))?,
                        r.get::<_, &str>(2),
                        r.get::<_, Option<&[u8]>>(3),
                    );
                    Ok(())
                },
            )?;
            let mut total = None;
            sql.each_row("SELECT count(*) FROM cases", |r| {
                total = u64::try_from(r.get::<_, i64>(0)).ok();
                Ok(())
            })?;
            let stage = progress.begin("check", total);
            // Each case with its events, as one stream grouped by case; the snapshot comes
            // on the case's first row only.
            let mut case: Option<Reading> = None;
            let done = |checker: &mut Checker, (id, snapshot, events): Reading| {
                stage.advance(1);
                checker.case(&id, &snapshot, &events, &crate::store::format::NoNames);
            };
            sql.each_row(
                "SELECT c.id, CASE WHEN row_number() OVER (PARTITION BY c.id ORDER BY e.seq) = 1 \
                 THEN c.record END, e.seq, e.record \
                 FROM cases c LEFT JOIN events e ON e.case_id = c.id ORDER BY c.id, e.seq",
                |r| {
                    let id: &str = r.get(0);
                    if case.as_ref().is_none_or(|(current, _, _)| current != id) {
                        if let Some(reading) = case.take() {
                            done(&mut checker, reading);
                        }
                        let snapshot = r.get::<_, Option<Vec<u8>>>(1).unwrap_or_default();
                        case = Some((id.to_owned(), snapshot, Vec::new()));
                    }
                    if let (Some(seq), Some(record), Some((_, _, events))) = (
                        r.get::<_, Option<i32>>(2),
                        r.get::<_, Option<Vec<u8>>>(3),
                        case.as_mut(),
                    ) {
                        events.push((positive(seq)?, record));
                    }
                    Ok(())
                },
            )?;
            if let Some(reading) = case.take() {
                done(&mut checker, reading);
            }
            sql.each_row(
                "SELECT DISTINCT e.case_id FROM events e \
                 WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id) ORDER BY 1",
                |r| {
                    checker.orphan(r.get::<_, &str>(0));
                    Ok(())
                },
            )?;
            sql.each_row("SELECT id, case_id, record FROM letters ORDER BY id", |r| {
                let id: &str = r.get(0);
                let record: &[u8] = r.get(2);
                checker.letter(id, record);
                // The archive's case column, which `letter list --case` reads, must name
                // the case the record does.
                let named =
                    crate::store::format::decode::<crate::letters::archive::ArchivedLetter>(record)
                        .map(|l| l.case.as_str() == r.get::<_, &str>(1));
                if named == Ok(false) {
                    checker.problem(CheckProblem::Index {
                        index: "letters_by_case".to_owned(),
                        entry: format!("({:?}, {id:?})", r.get::<_, &str>(1)),
                        missing: false,
                    });
                }
                Ok(())
            })?;
            let mut counters = BTreeMap::new();
            sql.each_row("SELECT key, value FROM counters", |r| {
                let value = u64::try_from(r.get::<_, i64>(1)).map_err(corrupt)?;
                counters.insert(r.get::<_, String>(0), value);
                Ok(())
            })?;
            let actual = actual_indexes(sql)?;
            checker.indexes(&actual, true, true);
            checker.counters(&counters);
            if let Some(b) = sql.access_chain_break()? {
                checker.problem(CheckProblem::AccessChain(b));
            }
            Ok(checker.finish())
        })
    }
}

/// Every index and list table's entries.
fn actual_indexes(sql: &super::tx::Sql<'_, '_>) -> Result<IndexKeys, StoreError> {
    let mut a = IndexKeys::default();
    let text = |r: &postgres::Row, i: usize| r.get::<_, String>(i);
    sql.each_row("SELECT workflow, state, case_id FROM by_state", |r| {
        a.by_state.insert((text(r, 0), text(r, 1), text(r, 2)));
        Ok(())
    })?;
    sql.each_row("SELECT child, case_id FROM by_child", |r| {
        a.by_child.insert((text(r, 0), text(r, 1)));
        Ok(())
    })?;
    sql.each_row("SELECT at_ms, case_id, deadline FROM timers", |r| {
        a.timers.insert((r.get(0), text(r, 1), text(r, 2)));
        Ok(())
    })?;
    sql.each_row("SELECT at_ms, case_id, deadline FROM overdue", |r| {
        a.overdue.insert((r.get(0), text(r, 1), text(r, 2)));
        Ok(())
    })?;
    sql.each_row("SELECT case_id, deadline FROM provisional", |r| {
        a.provisional.insert((text(r, 0), text(r, 1)));
        Ok(())
    })?;
    sql.each_row("SELECT unit, case_id FROM by_unit", |r| {
        a.by_unit.insert((text(r, 0), text(r, 1)));
        Ok(())
    })?;
    sql.each_row("SELECT officer, case_id FROM by_officer", |r| {
        a.by_officer.insert((text(r, 0), text(r, 1)));
        Ok(())
    })?;
    sql.each_row("SELECT opened_ms, case_id FROM by_opened", |r| {
        a.by_opened.insert((r.get(0), text(r, 1)));
        Ok(())
    })?;
    sql.each_row(
        "SELECT workflow, source, external_id, case_id FROM external_ids",
        |r| {
            a.external
                .insert((text(r, 0), text(r, 1), text(r, 2), text(r, 3)));
            Ok(())
        },
    )?;
    Ok(a)
}
