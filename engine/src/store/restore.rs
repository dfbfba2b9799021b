//! What restoring a backup would take away: the cases, events and letters the current
//! database holds that the backup does not. `restore` shows it and replaces the database
//! only when nothing is lost or the loss is confirmed a second time (`ops::restore`).

use std::collections::{BTreeMap, BTreeSet};

use redb::{Database, ReadableDatabase, ReadableTable};

use super::letters::LETTERS;
use super::{EVENTS, StoreError, storage};

/// What one database holds, for the comparison: each case's last event and the letter ids.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Holdings {
    last_seq: BTreeMap<String, u32>,
    letters: BTreeSet<String>,
}

impl Holdings {
    /// Reads a database's event keys and archive ids (no record is decoded).
    pub(crate) fn read(db: &Database) -> Result<Holdings, StoreError> {
        let tx = db.begin_read().map_err(storage)?;
        let mut out = Holdings::default();
        match tx.open_table(EVENTS) {
            Ok(events) => {
                for row in events.iter().map_err(storage)? {
                    let (key, _) = row.map_err(storage)?;
                    let (case, seq) = key.value();
                    let last = out.last_seq.entry(case.to_owned()).or_insert(0);
                    *last = (*last).max(seq);
                }
            }
            Err(redb::TableError::TableDoesNotExist(_)) => {}
            Err(e) => return Err(storage(e)),
        }
        match tx.open_table(LETTERS) {
            Ok(letters) => {
                for row in letters.iter().map_err(storage)? {
                    let (key, _) = row.map_err(storage)?;
                    out.letters.insert(key.value().to_owned());
                }
            }
            Err(redb::TableError::TableDoesNotExist(_)) => {}
            Err(e) => return Err(storage(e)),
        }
        Ok(out)
    }
}

/// What the current database holds that a backup does not.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Loss {
    /// Cases the backup lacks entirely, with how many events each has now.
    pub cases: Vec<(String, u32)>,
    /// Cases the backup has at an earlier point: (case, events in the backup, events now).
    pub events: Vec<(String, u32, u32)>,
    /// Archived letters the backup lacks.
    pub letters: Vec<String>,
}

impl Loss {
    /// The difference `current` − `backup`.
    pub(crate) fn between(current: &Holdings, backup: &Holdings) -> Loss {
        let mut loss = Loss::default();
        for (case, &now) in &current.last_seq {
            match backup.last_seq.get(case) {
                None => loss.cases.push((case.clone(), now)),
                Some(&then) if then < now => loss.events.push((case.clone(), then, now)),
                Some(_) => {}
            }
        }
        loss.letters = current
            .letters
            .difference(&backup.letters)
            .cloned()
            .collect();
        loss
    }

    pub fn is_empty(&self) -> bool {
        self.cases.is_empty() && self.events.is_empty() && self.letters.is_empty()
    }

    /// How many events would go, counting those of whole cases.
    pub fn event_count(&self) -> u64 {
        let whole: u64 = self.cases.iter().map(|(_, n)| u64::from(*n)).sum();
        let partial: u64 = self
            .events
            .iter()
            .map(|(_, then, now)| u64::from(now - then))
            .sum();
        whole + partial
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holdings(cases: &[(&str, u32)], letters: &[&str]) -> Holdings {
        Holdings {
            last_seq: cases.iter().map(|(c, s)| ((*c).to_owned(), *s)).collect(),
            letters: letters.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    #[test]
    fn the_loss_is_what_the_current_database_has_beyond_the_backup() {
        let now = holdings(
            &[("2026-000001", 7), ("2026-000002", 3), ("2026-000003", 2)],
            &["L2026-000001", "L2026-000002"],
        );
        let backup = holdings(
            &[("2026-000001", 4), ("2026-000002", 3), ("2026-000009", 1)],
            &["L2026-000001"],
        );
        let loss = Loss::between(&now, &backup);
        assert_eq!(loss.cases, vec![("2026-000003".to_owned(), 2)]);
        assert_eq!(loss.events, vec![("2026-000001".to_owned(), 4, 7)]);
        assert_eq!(loss.letters, vec!["L2026-000002".to_owned()]);
        assert_eq!(loss.event_count(), 5);
        assert!(Loss::between(&backup, &backup).is_empty());
    }
}
