//! Guards compiled once per definition: compiling (CEL parse and static check, on a thread with
//! a large stack) costs far more than evaluating, and a definition's guards never change.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use crate::definition::FieldType;
use crate::guard::{Guard, GuardProblem, GuardScope};

/// A compiled guard, or why it does not compile.
pub type Compiled = Arc<Result<Guard, Vec<GuardProblem>>>;

/// The cache of a definition's compiled guards, keyed by source and the settings in force (a
/// county profile may change a setting, and the static check reads the settings' types).
/// The settings a guard was compiled under, and the result.
type Entry = (BTreeMap<String, serde_json::Value>, Compiled);

#[derive(Default)]
pub struct CompiledGuards(
    Mutex<HashMap<String, Vec<Entry>>>,
    /// The declared fields' types every guard is compiled and evaluated against, made on first
    /// use: a step used to copy them into a new map for every transition it checked.
    OnceLock<BTreeMap<String, FieldType>>,
);

impl CompiledGuards {
    /// The field types `fields` give, made the first time they are asked for (a definition's
    /// fields never change once it is loaded; a copy of the definition starts afresh).
    pub fn field_types(
        &self,
        fields: &BTreeMap<String, crate::definition::FieldDef>,
    ) -> &BTreeMap<String, FieldType> {
        self.1.get_or_init(|| {
            fields
                .iter()
                .map(|(k, f)| (k.clone(), f.ty.clone()))
                .collect()
        })
    }

    /// The guard `source` compiled against `scope`, compiled on first use.
    pub fn get(&self, source: &str, scope: &GuardScope) -> Compiled {
        if let Ok(cache) = self.0.lock()
            && let Some(found) = cache
                .get(source)
                .and_then(|v| v.iter().find(|(s, _)| s == scope.settings))
        {
            return found.1.clone();
        }
        // Compiled outside the lock: two threads may both compile it once, which is harmless.
        let compiled = Arc::new(Guard::compile(source, scope));
        if let Ok(mut cache) = self.0.lock() {
            cache
                .entry(source.to_owned())
                .or_default()
                .push((scope.settings.clone(), compiled.clone()));
        }
        compiled
    }
}

/// A copy starts empty: the copy may be changed, and a cache must never outlive what it caches.
impl Clone for CompiledGuards {
    fn clone(&self) -> Self {
        CompiledGuards::default()
    }
}

/// A cache is no part of what a definition says.
impl PartialEq for CompiledGuards {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for CompiledGuards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompiledGuards")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::FieldType;

    #[test]
    fn compiles_once_per_source_and_settings() {
        let fields = BTreeMap::from([("n".to_owned(), FieldType::Integer)]);
        let a = BTreeMap::from([("min".to_owned(), serde_json::Value::from(3))]);
        let b = BTreeMap::from([("min".to_owned(), serde_json::Value::from("x"))]);
        let cache = CompiledGuards::default();
        let scope = |settings| GuardScope {
            fields: &fields,
            settings,
        };
        let first = cache.get("n >= settings.min", &scope(&a));
        assert!(first.is_ok());
        assert!(Arc::ptr_eq(
            &first,
            &cache.get("n >= settings.min", &scope(&a))
        ));
        // Another setting's type is another static check: here a mismatch.
        assert!(cache.get("n >= settings.min", &scope(&b)).is_err());
        assert!(
            cache
                .clone()
                .0
                .lock()
                .map(|c| c.is_empty())
                .unwrap_or(false)
        );
    }
}
