//! The use cases' results as they travel from a server to a front end elsewhere (the command
//! line with `--server`): each view without its definition, which is named by the version
//! hash the case carries and put back by the receiver from the published source
//! ([`VersionSource`], fetched once per version). So a client holds the very [`CaseView`] or
//! [`HistoryView`] the office returned, and prints it with the same code as the embedded
//! command. These forms are plain serde (instants in UTC, as stored); what a front end gives
//! out is still [`super::wire`].

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{AppError, Caller, CaseView, HistoryView, Office};
use crate::authority::{Units, User};
use crate::case::{Case, Event};
use crate::definition::{Data, Definition, Diagnostics, VersionHash};

/// The published source of one workflow version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionSource {
    pub workflow: String,
    pub version: u32,
    pub hash: VersionHash,
    /// The file it was published from (named in any problem).
    pub file: String,
    /// The YAML exactly as published.
    pub source: String,
}

impl VersionSource {
    /// The definition, decoded as the office decodes a stored version.
    pub fn definition(&self) -> Result<Definition, Diagnostics> {
        crate::definition::load_published(&self.file, self.source.as_bytes())
    }
}

/// A [`CaseView`] without its definition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseViewParts {
    pub case: Case,
    pub data: Data,
    pub version: Option<u32>,
    pub same_child: Vec<Case>,
    pub reader: User,
    pub units: Units,
    pub simulated: bool,
}

impl CaseView {
    /// The view as it travels.
    pub fn parts(&self) -> CaseViewParts {
        CaseViewParts {
            case: self.case.clone(),
            data: self.data.clone(),
            version: self.version,
            same_child: self.same_child.clone(),
            reader: self.reader.clone(),
            units: self.units.clone(),
            simulated: self.simulated,
        }
    }
}

impl CaseViewParts {
    /// The view again, with `def`, the definition of the case's version
    /// (`self.case.version`).
    pub fn into_view(self, def: Arc<Definition>) -> CaseView {
        CaseView {
            case: self.case,
            def,
            data: self.data,
            version: self.version,
            same_child: self.same_child,
            reader: self.reader,
            units: self.units,
            simulated: self.simulated,
        }
    }
}

/// A [`HistoryView`] without its definition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryViewParts {
    pub case: Case,
    /// Each event in its stored form: [`Event`] flattens its kind beside its own fields, and
    /// a letter's issue repeats `role`, which a JSON object cannot hold twice.
    #[serde(with = "stored_events")]
    pub events: Vec<Event>,
    pub units: Units,
}

impl HistoryView {
    /// The view as it travels.
    pub fn parts(&self) -> HistoryViewParts {
        HistoryViewParts {
            case: self.case.clone(),
            events: self.events.clone(),
            units: self.units.clone(),
        }
    }
}

impl HistoryViewParts {
    /// The view again, with the definition of `self.case.version`.
    pub fn into_view(self, def: Arc<Definition>) -> HistoryView {
        HistoryView {
            case: self.case,
            def,
            events: self.events,
            units: self.units,
        }
    }
}

/// A [`super::ChildFile`] without its cases' definitions (each named by the version hash its
/// case carries).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChildFileParts {
    pub child: String,
    pub name: Option<String>,
    pub birth_date: Option<String>,
    pub cases: Vec<HistoryViewParts>,
    pub timeline: Vec<super::Moment>,
    pub deadlines: Vec<(crate::case::CaseId, crate::case::OpenDeadline)>,
    pub sealed: Vec<(crate::case::CaseId, String, String)>,
}

impl super::ChildFile {
    /// The file as it travels.
    pub fn parts(&self) -> ChildFileParts {
        ChildFileParts {
            child: self.child.clone(),
            name: self.name.clone(),
            birth_date: self.birth_date.clone(),
            cases: self.cases.iter().map(HistoryView::parts).collect(),
            timeline: self.timeline.clone(),
            deadlines: self.deadlines.clone(),
            sealed: self.sealed.clone(),
        }
    }
}

impl ChildFileParts {
    /// The file again, each case with the definition `def` gives for its version.
    pub fn into_file<E>(
        self,
        mut def: impl FnMut(&VersionHash) -> Result<Arc<Definition>, E>,
    ) -> Result<super::ChildFile, E> {
        let cases = self
            .cases
            .into_iter()
            .map(|c| {
                let d = def(&c.case.version)?;
                Ok(c.into_view(d))
            })
            .collect::<Result<Vec<_>, E>>()?;
        Ok(super::ChildFile {
            child: self.child,
            name: self.name,
            birth_date: self.birth_date,
            cases,
            timeline: self.timeline,
            deadlines: self.deadlines,
            sealed: self.sealed,
        })
    }
}

/// `timers tick`'s result as a server answers it: what fired, and when the published
/// calendar runs out if that is soon (the warning the command prints on standard error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticked {
    pub fired: Vec<super::Fired>,
    pub calendar_end: Option<super::CalendarEnd>,
}

/// What became of one letter an act called for: issued with it, or waiting (`pending`, the
/// reason in the reader's language).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LetterLine {
    Issued {
        key: String,
        /// The document's title in the letters table (its key when the table is not at hand).
        title: String,
        letter: String,
        number: Option<String>,
        code: String,
    },
    Pending {
        key: String,
        title: String,
        pending: String,
    },
}

/// A deadline an act left running, and when it falls due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueAt {
    pub name: String,
    pub due: jiff::Timestamp,
}

/// A case an act opened beside the one it acted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpawnedCase {
    pub case: crate::case::CaseId,
    pub workflow: String,
    pub state: String,
}

/// `case open`'s result (its `--json` object, and the API's answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opened {
    pub case: crate::case::CaseId,
    pub workflow: String,
    pub version: Option<u32>,
    pub version_hash: VersionHash,
    pub state: String,
    pub letters: Vec<LetterLine>,
    pub deadlines: Vec<DueAt>,
    /// The id another system gave the case (issue 25), when it was opened with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<crate::case::ExternalId>,
    /// True when the external id already named this case: nothing was opened now, and the
    /// case is given back as it is (absent: opened now).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub existing: bool,
}

/// `case advance`'s result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advanced {
    pub case: crate::case::CaseId,
    pub state: String,
    pub seq: u32,
    pub spawned: Vec<SpawnedCase>,
    pub letters: Vec<LetterLine>,
    pub deadlines: Vec<DueAt>,
    /// The version the case runs, whose definition words its state.
    pub version_hash: VersionHash,
}

/// `case amend`'s result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amended {
    pub case: crate::case::CaseId,
    pub seq: u32,
}

/// The deadlines running on `case`.
pub fn dues(case: &Case) -> Vec<DueAt> {
    case.deadlines
        .values()
        .map(|d| DueAt {
            name: d.name.clone(),
            due: d.due,
        })
        .collect()
}

/// One transition a reader could fire next (`case next --json`'s item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextItem {
    pub name: String,
    pub title: String,
    /// The workflow's English title of the transition, where it gives one.
    #[serde(default)]
    pub title_en: Option<String>,
    pub to: String,
    pub to_title: Option<String>,
    #[serde(default)]
    pub to_title_en: Option<String>,
    pub roles: Vec<String>,
    pub missing: Vec<String>,
    /// None when the guard reads a field the reader may not see.
    pub guard_ok: Option<bool>,
    /// The refusal a guard would give now, in the reader's language.
    pub blocked_by: Option<String>,
}

/// `case next`'s result: the case's state and version (whose definition words them) and the
/// transitions open now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextList {
    pub case: crate::case::CaseId,
    pub state: String,
    pub version_hash: VersionHash,
    pub steps: Vec<NextItem>,
}

/// One row of `case list` (its `--json` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedCase {
    pub case: crate::case::CaseId,
    pub workflow: String,
    pub workflow_title: Option<String>,
    #[serde(default)]
    pub workflow_title_en: Option<String>,
    pub state: String,
    pub state_title: Option<String>,
    #[serde(default)]
    pub state_title_en: Option<String>,
    pub opened_at: jiff::Timestamp,
    pub updated_at: jiff::Timestamp,
    pub seq: u32,
    pub unit: Option<String>,
    pub officer: Option<String>,
    pub simulated: bool,
    pub priority: bool,
    /// The priority rule (三优先) that puts the case first.
    pub priority_title: Option<String>,
    /// The same in English, when the workflow gives it (`reason_en`).
    #[serde(default)]
    pub priority_title_en: Option<String>,
}

impl ListedCase {
    /// The row of `case`, titled by `words` (the published workflows' vocabulary).
    pub fn of(
        case: &Case,
        priority: Option<crate::priority::PriorityTitle>,
        simulated: bool,
        words: &[super::Vocabulary],
    ) -> Self {
        let titles = words.iter().find(|w| w.workflow == case.workflow);
        ListedCase {
            case: case.id.clone(),
            workflow: case.workflow.clone(),
            workflow_title: titles.map(|w| w.title.clone()),
            workflow_title_en: titles.and_then(|w| w.title_en.clone()),
            state: case.state.clone(),
            state_title: titles.and_then(|w| {
                w.states
                    .iter()
                    .find(|(k, _)| *k == case.state)
                    .map(|(_, t)| t.clone())
            }),
            state_title_en: titles.and_then(|w| {
                w.states_en
                    .iter()
                    .find(|(k, _)| *k == case.state)
                    .map(|(_, t)| t.clone())
            }),
            opened_at: case.opened_at,
            updated_at: case.updated_at,
            seq: case.seq,
            unit: case.unit.clone(),
            officer: case.officer.clone(),
            simulated,
            priority: priority.is_some(),
            priority_title_en: priority.as_ref().and_then(|p| p.title_en.clone()),
            priority_title: priority.map(|p| p.title),
        }
    }
}

/// `case list` as it travels: the vocabulary its columns are laid out by, and the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseListing {
    pub vocabulary: Vec<super::Vocabulary>,
    pub rows: Vec<ListedCase>,
}

/// One running deadline of `agenda` or `case overdue` (its `--json` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueRow {
    pub case: crate::case::CaseId,
    pub workflow: String,
    pub state: String,
    pub deadline: String,
    pub title: String,
    pub due: jiff::Timestamp,
    pub breached: bool,
    pub provisional: bool,
    pub unit: Option<String>,
    pub officer: Option<String>,
    pub priority: bool,
    pub priority_title: Option<String>,
    #[serde(default)]
    pub priority_title_en: Option<String>,
    /// The version the case runs, whose definition words its state.
    pub version_hash: VersionHash,
}

impl From<&super::Due> for DueRow {
    fn from(d: &super::Due) -> Self {
        let v = &d.view;
        DueRow {
            case: v.case.clone(),
            workflow: v.workflow.clone(),
            state: v.state.clone(),
            deadline: v.deadline.name.clone(),
            title: v.deadline.title.clone(),
            due: v.deadline.due,
            breached: v.deadline.breached,
            provisional: v.deadline.provisional,
            unit: v.unit.clone(),
            officer: v.officer.clone(),
            priority: d.priority.is_some(),
            priority_title: d.priority.as_ref().map(|p| p.title.clone()),
            priority_title_en: d.priority.as_ref().and_then(|p| p.title_en.clone()),
            version_hash: v.version.clone(),
        }
    }
}

impl<B: super::backend::Backend> Office<B> {
    /// The published source of the version `hash` (any registered, enabled user): what a
    /// front end elsewhere loads a case's definition from. None when no version has it.
    pub fn version_source(
        &self,
        caller: &Caller,
        hash: &str,
    ) -> Result<Option<VersionSource>, AppError> {
        self.reader(caller)?;
        let found = self
            .backend
            .versions()?
            .into_values()
            .flatten()
            .find(|v| v.hash.0 == hash);
        Ok(found.map(|v| VersionSource {
            workflow: v.stored.workflow,
            version: v.number,
            hash: v.hash,
            file: v.stored.file,
            source: v.stored.source,
        }))
    }
}

/// Events as they travel: in the stored form (`store::format::StoredEvent`).
mod stored_events {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::case::Event;
    use crate::store::format::StoredEvent;

    pub fn serialize<S: Serializer>(events: &[Event], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(events.iter().map(StoredEvent::from))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Event>, D::Error> {
        Vec::<StoredEvent>::deserialize(d)?
            .into_iter()
            .map(|e| Event::try_from(e).map_err(D::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_with_an_issued_letter_travels_through_a_json_value() {
        use crate::case::{EventKind, IssuedRef};
        let at = jiff::Timestamp::from_second(1_795_399_200).expect("instant");
        let event = Event {
            seq: 2,
            recorded_at: at,
            occurred_at: at,
            actor: "张三".into(),
            role: "police".into(),
            kind: EventKind::LetterIssued(IssuedRef {
                letter: "L2026-000001".into(),
                key: "warning-letter".into(),
                number: Some("渝公黔告诫字〔2026〕1号".into()),
                role: "police".into(),
                html_sha256: "a".repeat(64),
                text_sha256: "b".repeat(64),
                code: "7KQ2M-XC4TA".into(),
                request: None,
                replaces: None,
                pdf_sha256: None,
                digest_algorithm: Default::default(),
            }),
        };
        // Serialised as the server's parts are, through a Value (one value per key).
        #[derive(Serialize, Deserialize)]
        struct Events {
            #[serde(with = "stored_events")]
            events: Vec<Event>,
        }
        let value = serde_json::to_value(Events {
            events: vec![event.clone()],
        })
        .expect("serialise");
        let back: Events = serde_json::from_value(value).expect("deserialise");
        assert_eq!(back.events, vec![event]);
    }

    #[test]
    fn a_version_source_decodes_to_the_definition_it_was_published_as() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../workflows/example-care.yaml"
        );
        let source = std::fs::read_to_string(path).expect("example workflow");
        let travelled: VersionSource = serde_json::from_value(
            serde_json::to_value(VersionSource {
                workflow: "example-care".into(),
                version: 1,
                hash: VersionHash::of(source.as_bytes()),
                file: "workflows/example-care.yaml".into(),
                source: source.clone(),
            })
            .expect("serialise"),
        )
        .expect("deserialise");
        let here = crate::definition::load_published("x", source.as_bytes()).expect("load");
        let there = travelled.definition().expect("decode");
        assert_eq!(there.key, here.key);
        assert_eq!(there.states.len(), here.states.len());
        assert_eq!(there.transitions.len(), here.transitions.len());
    }
}
