//! The database dump: the whole database as JSON Lines (`wardflow export` / `wardflow import`),
//! one JSON object per line, each with a `type`. Not to be confused with the signed export of
//! one case (`crate::case_export`) or an archived letter's bytes (`letter export`).
//!
//! Order (stable, so two exports of one database are byte-identical): `meta`, then every
//! `definition` by (workflow, number), every `counter` by key, then each `case` by id followed
//! by its `event`s by seq. Records are embedded exactly as stored (`record`), so fields this
//! build does not interpret (hash links, newer payloads) survive the round trip. Snapshots and
//! indexes are caches and are not exported: import rebuilds them by replaying the events.
//!
//! Adding a record type (e.g. issued letters) is one `section` in [`export`] and one arm in
//! [`Importer::line`] (and one method of [`DumpWriter`] and of [`Sink`], so that every
//! backend writes and reads it alike).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};
use std::path::Path;

use redb::{Database, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::access::{ACCESS, StoredAccess};
use super::format::{
    History, NameLookup, StoredDefinition, StoredEvent, StoredMeta, compact_event, decode, encode,
    encode_case, event_json,
};
use super::letters::{LETTER_INDEX, LETTERS, LETTERS_BY_CASE};
use super::names::TxNames;
use super::ops::{IndexKeys, io_error, parent_dir, publish_file, temp_file, verify_history};
use super::published::{PUBLISHED, Publication};
use super::users::{StoredUnits, StoredUser, UNITS, USERS};
use super::{
    BY_CHILD, BY_STATE, CASES, COUNTERS, DEFINITIONS, EVENTS, META, META_KEY, OVERDUE, PROVISIONAL,
    Store, StoreError, TIMERS, VERSIONS, storage,
};
use crate::case::{Case, CaseId, Event};
use crate::definition::{self, VersionHash};
use crate::letters::archive::ArchivedLetter;

/// The version of the export format.
pub const EXPORT_FORMAT: u32 = 1;
/// Longest line import reads (a definition's source is at most 1 MiB).
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// How many records of each type an export or import handled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DumpCounts {
    pub definitions: usize,
    pub counters: usize,
    pub cases: usize,
    pub events: usize,
    pub letters: usize,
    /// Users and units.
    pub registry: usize,
    /// Access-log entries.
    pub access: usize,
}

#[derive(Serialize, Deserialize)]
struct MetaLine<'a> {
    export_format: u32,
    #[serde(borrow)]
    record: &'a RawValue,
}

#[derive(Serialize, Deserialize)]
struct DefinitionLine<'a> {
    workflow: String,
    number: u32,
    hash: String,
    #[serde(borrow)]
    record: &'a RawValue,
}

#[derive(Serialize, Deserialize)]
struct CounterLine {
    key: String,
    value: u64,
}

#[derive(Serialize, Deserialize)]
struct CaseLine {
    case: String,
    workflow: String,
    state: String,
    seq: u32,
}

/// A record of the user registry (`user`, `units`) or of the access log (`access`), keyed as
/// stored.
#[derive(Serialize, Deserialize)]
struct RegistryLine<'a> {
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<i64>,
    #[serde(borrow)]
    record: &'a RawValue,
}

/// A published version of configuration (calendar, letters, profile, units), keyed as stored.
#[derive(Serialize, Deserialize)]
struct PublishedLine<'a> {
    kind: String,
    name: String,
    number: u32,
    #[serde(borrow)]
    record: &'a RawValue,
}

#[derive(Serialize, Deserialize)]
struct LetterLine<'a> {
    letter: String,
    case: String,
    #[serde(borrow)]
    record: &'a RawValue,
}

#[derive(Serialize, Deserialize)]
struct EventLine<'a> {
    case: String,
    seq: u32,
    #[serde(borrow)]
    record: &'a RawValue,
}

/// One line: `{"type": KIND, …fields}`.
#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(flatten)]
    body: T,
}

fn raw(bytes: &[u8]) -> Result<&RawValue, StoreError> {
    let text = std::str::from_utf8(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

struct Out<'p, W: Write> {
    w: W,
    stage: crate::progress::Stage<'p>,
}

impl<W: Write> Out<'_, W> {
    fn line<T: Serialize>(&mut self, kind: &str, body: T) -> Result<(), StoreError> {
        self.stage.advance(1);
        serde_json::to_writer(&mut self.w, &Tagged { kind, body })
            .map_err(|e| StoreError::Storage(e.to_string()))?;
        self.w.write_all(b"\n").map_err(io_error)
    }
}

/// The one writer of dump lines, shared by every backend's export: each backend reads its
/// records in the order the module documentation gives and hands them here as stored, so
/// both write the same bytes for the same contents.
pub(crate) struct DumpWriter<'p, W: Write> {
    out: Out<'p, W>,
    counts: DumpCounts,
}

impl<'p, W: Write> DumpWriter<'p, W> {
    /// A writer into `w`, telling `progress` of each line.
    pub(crate) fn new(w: W, progress: &'p crate::progress::Reporter) -> Self {
        DumpWriter {
            out: Out {
                w,
                stage: progress.begin("export", None),
            },
            counts: DumpCounts::default(),
        }
    }

    /// The database's facts (the first line).
    pub(crate) fn meta(&mut self, record: &[u8]) -> Result<(), StoreError> {
        self.out.line(
            "meta",
            MetaLine {
                export_format: EXPORT_FORMAT,
                record: raw(record)?,
            },
        )
    }

    /// Version `number` of `workflow`, whose source hashes to `hash`.
    pub(crate) fn definition(
        &mut self,
        workflow: &str,
        number: u32,
        hash: &str,
        record: &[u8],
    ) -> Result<(), StoreError> {
        self.out.line(
            "definition",
            DefinitionLine {
                workflow: workflow.to_owned(),
                number,
                hash: hash.to_owned(),
                record: raw(record)?,
            },
        )?;
        self.counts.definitions += 1;
        Ok(())
    }

    pub(crate) fn counter(&mut self, key: &str, value: u64) -> Result<(), StoreError> {
        self.out.line(
            "counter",
            CounterLine {
                key: key.to_owned(),
                value,
            },
        )?;
        self.counts.counters += 1;
        Ok(())
    }

    /// A record of the registry: `kind` is `user` or `units`.
    pub(crate) fn registry(
        &mut self,
        kind: &str,
        key: &str,
        record: &[u8],
    ) -> Result<(), StoreError> {
        self.out.line(
            kind,
            RegistryLine {
                key: key.to_owned(),
                at: None,
                record: raw(record)?,
            },
        )?;
        self.counts.registry += 1;
        Ok(())
    }

    /// A published version of configuration.
    pub(crate) fn published(
        &mut self,
        kind: &str,
        name: &str,
        number: u32,
        record: &[u8],
    ) -> Result<(), StoreError> {
        self.out.line(
            "published",
            PublishedLine {
                kind: kind.to_owned(),
                name: name.to_owned(),
                number,
                record: raw(record)?,
            },
        )?;
        self.counts.registry += 1;
        Ok(())
    }

    /// A case and its events `(seq, record)` in order: the case line says where the replayed
    /// history ends.
    pub(crate) fn case(
        &mut self,
        id_text: &str,
        events: &[(u32, Vec<u8>)],
        names: &dyn NameLookup,
    ) -> Result<(), StoreError> {
        let id: CaseId = id_text
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("{e}")))?;
        let mut history = Vec::with_capacity(events.len());
        let mut records = Vec::with_capacity(events.len());
        let mut read = History::new();
        for (_, bytes) in events {
            let event: StoredEvent = read.next(bytes, names).map_err(super::corrupt)?;
            // A compact record goes out as the JSON record it was made from.
            records.push(event_json(bytes, &event).map_err(super::corrupt)?);
            history.push(Event::try_from(event).map_err(super::corrupt)?);
        }
        let case = Case::replay(&id, &history).map_err(super::corrupt)?;
        self.out.line(
            "case",
            CaseLine {
                case: id_text.to_owned(),
                workflow: case.workflow.clone(),
                state: case.state.clone(),
                seq: case.seq,
            },
        )?;
        self.counts.cases += 1;
        for ((seq, _), bytes) in events.iter().zip(&records) {
            self.out.line(
                "event",
                EventLine {
                    case: id_text.to_owned(),
                    seq: *seq,
                    record: raw(bytes)?,
                },
            )?;
            self.counts.events += 1;
        }
        Ok(())
    }

    /// An archived letter under its archive id.
    pub(crate) fn letter(&mut self, id: &str, record: &[u8]) -> Result<(), StoreError> {
        let letter: ArchivedLetter = decode(record).map_err(super::corrupt)?;
        self.out.line(
            "letter",
            LetterLine {
                letter: id.to_owned(),
                case: letter.case.to_string(),
                record: raw(record)?,
            },
        )?;
        self.counts.letters += 1;
        Ok(())
    }

    /// An access-log entry under its time key (ms) and id.
    pub(crate) fn access(&mut self, at: i64, id: &str, record: &[u8]) -> Result<(), StoreError> {
        self.out.line(
            "access",
            RegistryLine {
                key: id.to_owned(),
                at: Some(at),
                record: raw(record)?,
            },
        )?;
        self.counts.access += 1;
        Ok(())
    }

    /// Flushes the output; what was written.
    pub(crate) fn finish(mut self) -> Result<DumpCounts, StoreError> {
        self.out.w.flush().map_err(io_error)?;
        Ok(self.counts)
    }
}

/// Writes the whole database as JSON Lines, from one read transaction (a consistent state).
pub fn export(store: &Store, w: impl Write) -> Result<DumpCounts, StoreError> {
    export_telling(store, w, &crate::progress::Reporter::silent())
}

/// [`export`], telling `progress` of each line written.
pub fn export_telling(
    store: &Store,
    w: impl Write,
    progress: &crate::progress::Reporter,
) -> Result<DumpCounts, StoreError> {
    let tx = store.read()?;
    let names = store.names();
    let mut out = DumpWriter::new(w, progress);
    {
        let meta = tx.open_table(META).map_err(storage)?;
        let bytes = meta
            .get(META_KEY)
            .map_err(storage)?
            .ok_or_else(|| StoreError::NotADatabase(store.path().to_owned()))?;
        out.meta(bytes.value())?;
    }
    {
        let versions = tx.open_table(VERSIONS).map_err(storage)?;
        let defs = tx.open_table(DEFINITIONS).map_err(storage)?;
        for entry in versions.iter().map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            let (workflow, number) = k.value();
            let bytes = defs.get(v.value()).map_err(storage)?.ok_or_else(|| {
                StoreError::Corrupt(format!("definition {} is missing", v.value()))
            })?;
            out.definition(workflow, number, v.value(), bytes.value())?;
        }
    }
    for entry in tx
        .open_table(COUNTERS)
        .map_err(storage)?
        .iter()
        .map_err(storage)?
    {
        let (k, v) = entry.map_err(storage)?;
        out.counter(k.value(), v.value())?;
    }
    // The registry: who may act, in which units (absent in databases made before it).
    for (kind, table) in [("user", USERS), ("units", UNITS)] {
        let Ok(table) = tx.open_table(table) else {
            continue;
        };
        for entry in table.iter().map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            out.registry(kind, k.value(), v.value())?;
        }
    }
    // Published configuration (absent in databases made before it).
    if let Ok(table) = tx.open_table(PUBLISHED) {
        for entry in table.iter().map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            let (kind, name, number) = k.value();
            out.published(kind, name, number, v.value())?;
        }
    }
    let cases = tx.open_table(CASES).map_err(storage)?;
    let events = tx.open_table(EVENTS).map_err(storage)?;
    for entry in cases.iter().map_err(storage)? {
        let (k, _) = entry.map_err(storage)?;
        let id_text = k.value();
        let mut stored = Vec::new();
        for e in events
            .range((id_text, 0)..=(id_text, u32::MAX))
            .map_err(storage)?
        {
            let (key, bytes) = e.map_err(storage)?;
            stored.push((key.value().1, bytes.value().to_vec()));
        }
        out.case(id_text, &stored, &*names)?;
    }
    // Issued letters, after the histories that record them (absent in databases that never
    // issued one).
    if let Ok(letters) = tx.open_table(LETTERS) {
        for entry in letters.iter().map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            out.letter(k.value(), v.value())?;
        }
    }
    // The access log, last: it is kept, like everything else, across a move.
    if let Ok(access) = tx.open_table(ACCESS) {
        for entry in access.iter().map_err(storage)? {
            let (k, v) = entry.map_err(storage)?;
            let (at, id) = k.value();
            out.access(at, id, v.value())?;
        }
    }
    out.finish()
}

/// What is wrong with an import file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportProblem {
    #[error("the file is empty (it must start with a meta line)")]
    Empty,
    #[error("line is longer than {limit} bytes")]
    TooLong { limit: usize },
    #[error("not a JSON object of the expected form: {detail}")]
    Syntax { detail: String },
    #[error("unknown record type `{kind}`")]
    UnknownType { kind: String },
    #[error("a `{kind}` record is out of place")]
    OutOfOrder { kind: String },
    #[error("the export format {found} is not supported (this build reads {EXPORT_FORMAT})")]
    Format { found: u32 },
    #[error("the stored record does not decode: {detail}")]
    Record { detail: String },
    #[error("the record does not match its line: {detail}")]
    Mismatch { detail: String },
    #[error("{what} appears twice")]
    Duplicate { what: String },
    #[error("case {case}: {detail}")]
    Replay { case: String, detail: String },
    /// The export says it is of a simulation database, and no simulation import was asked for.
    #[error(
        "the export is of a simulation database (which accepts --now); import it with --simulation"
    )]
    SimulationExport,
}

/// Why an import did not happen. Nothing is left behind either way.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("line {line}: {problem}")]
    Line { line: usize, problem: ImportProblem },
}

/// The case being imported: its line and the events read so far.
struct Pending {
    line: usize,
    summary: CaseLine,
    id: CaseId,
    events: Vec<Event>,
    /// The events as recorded, with their hashes: the chain the import checks.
    records: Vec<crate::chain::Record>,
    /// The event numbers read so far (each once).
    seqs: BTreeSet<u32>,
    /// The records read so far, for the chain.
    history: History,
}

/// Where an import writes, once [`Importer`] has checked a record: the redb file's tables
/// ([`RedbSink`]) or PostgreSQL's (`pg::import`). A sink only writes; every check (order,
/// duplicates, hashes, replay, counters) is the importer's, so both backends refuse alike.
pub(crate) trait Sink {
    /// The database's facts, as they are to be stored.
    fn meta(&mut self, record: &[u8]) -> Result<(), StoreError>;
    /// A published workflow version (its definition record and its place in the versions).
    fn definition(
        &mut self,
        workflow: &str,
        number: u32,
        hash: &str,
        record: &[u8],
    ) -> Result<(), StoreError>;
    fn counter(&mut self, key: &str, value: u64) -> Result<(), StoreError>;
    /// A registry record: `kind` is `user` or `units`.
    fn registry(&mut self, kind: &str, key: &str, record: &[u8]) -> Result<(), StoreError>;
    fn published(
        &mut self,
        kind: &str,
        name: &str,
        number: u32,
        record: &[u8],
    ) -> Result<(), StoreError>;
    fn event(&mut self, case: &str, seq: u32, record: &[u8]) -> Result<(), StoreError>;
    /// A case's snapshot, once its history replayed and its chain held (each backend stores
    /// it in its own form).
    fn case(&mut self, case: &Case) -> Result<(), StoreError>;
    /// An archived letter, with the lookup keys (`code:…`, `number:…`, `sha256:…`) it is
    /// found under; a later letter's key replaces an earlier one's (a court's number passed on).
    fn letter(
        &mut self,
        letter: &ArchivedLetter,
        keys: &[String],
        record: &[u8],
    ) -> Result<(), StoreError>;
    /// An access-log entry (decoded as `stored`) under its time key and id.
    fn access(
        &mut self,
        at: i64,
        id: &str,
        stored: &StoredAccess,
        record: &[u8],
    ) -> Result<(), StoreError>;
}

/// The checks of an import, over any [`Sink`].
pub(crate) struct Importer<S> {
    sink: S,
    rank: u8,
    counts: DumpCounts,
    /// Letters the imported histories record as issued (archive id → HTML SHA-256 and the line
    /// of its case), each of which must come with its archive record.
    issued: BTreeMap<String, (String, usize)>,
    indexes: IndexKeys,
    /// The imported definitions, by hash, to validate histories against.
    loaded: BTreeMap<String, crate::definition::Definition>,
    /// The last version number imported per workflow.
    versions: BTreeMap<String, u32>,
    /// The imported counters.
    counters: BTreeMap<String, u64>,
    /// Registry and publication keys seen, cases, letters and access entries: each once.
    registry: BTreeSet<(String, String)>,
    published: BTreeSet<(String, String, u32)>,
    cases: BTreeSet<String>,
    letters: BTreeSet<String>,
    access: BTreeSet<(i64, String)>,
    pending: Option<Pending>,
    /// Whether the new database is asked to be a simulation one (`import --simulation`).
    simulation: bool,
    /// Highest number given out per counter key (`case:2026`, `letter:2026`, a document
    /// number's `number:{prefix}〔2026〕`) and the line that shows it, checked against the
    /// imported counters at the end: a lowered counter would hand a number out again.
    highest: BTreeMap<String, (u64, usize)>,
    /// The cryptographic profile the export's meta names (read first): every chain brought
    /// in is checked under it, and the new database is of it.
    crypto: crate::crypto::Profile,
}

type Fail = ImportError;

fn at(line: usize, problem: ImportProblem) -> Fail {
    ImportError::Line { line, problem }
}

fn syntax(line: usize) -> impl Fn(serde_json::Error) -> Fail {
    move |e| {
        at(
            line,
            ImportProblem::Syntax {
                detail: e.to_string(),
            },
        )
    }
}

fn record(line: usize) -> impl Fn(super::format::DecodeError) -> Fail {
    move |e| {
        at(
            line,
            ImportProblem::Record {
                detail: e.to_string(),
            },
        )
    }
}

fn mismatch(line: usize, detail: String) -> Fail {
    at(line, ImportProblem::Mismatch { detail })
}

fn duplicate(line: usize, what: String) -> Fail {
    at(line, ImportProblem::Duplicate { what })
}

impl<S: Sink> Importer<S> {
    fn new(sink: S, simulation: bool) -> Self {
        Importer {
            sink,
            rank: 0,
            counts: DumpCounts::default(),
            issued: BTreeMap::new(),
            indexes: IndexKeys::default(),
            loaded: BTreeMap::new(),
            versions: BTreeMap::new(),
            counters: BTreeMap::new(),
            registry: BTreeSet::new(),
            published: BTreeSet::new(),
            cases: BTreeSet::new(),
            letters: BTreeSet::new(),
            access: BTreeSet::new(),
            pending: None,
            highest: BTreeMap::new(),
            simulation,
            crypto: crate::crypto::Profile::Standard,
        }
    }

    /// Records must come in export order: meta, definitions, counters, then cases and events.
    fn order(&mut self, n: usize, kind: &str, rank: u8) -> Result<(), Fail> {
        let first = self.rank == 0;
        if (first && rank != 1) || (!first && (rank == 1 || rank < self.rank)) {
            return Err(at(
                n,
                ImportProblem::OutOfOrder {
                    kind: kind.to_owned(),
                },
            ));
        }
        self.rank = rank;
        Ok(())
    }

    fn line(&mut self, n: usize, text: &str) -> Result<(), Fail> {
        #[derive(Deserialize)]
        struct Head {
            #[serde(rename = "type")]
            kind: String,
        }
        let head: Head = serde_json::from_str(text).map_err(syntax(n))?;
        match head.kind.as_str() {
            "meta" => {
                self.order(n, "meta", 1)?;
                self.meta_line(n, serde_json::from_str(text).map_err(syntax(n))?)
            }
            "definition" => {
                self.order(n, "definition", 2)?;
                self.definition(n, serde_json::from_str(text).map_err(syntax(n))?)
            }
            "counter" => {
                self.order(n, "counter", 3)?;
                self.counter(n, serde_json::from_str(text).map_err(syntax(n))?)
            }
            "case" => {
                self.order(n, "case", 4)?;
                self.case(n, serde_json::from_str(text).map_err(syntax(n))?)
            }
            "event" => {
                self.order(n, "event", 4)?;
                self.event(n, serde_json::from_str(text).map_err(syntax(n))?)
            }
            "user" | "units" => {
                self.order(n, "registry", 3)?;
                let line: RegistryLine = serde_json::from_str(text).map_err(syntax(n))?;
                let bytes = line.record.get().as_bytes();
                if head.kind == "user" {
                    decode::<StoredUser>(bytes).map_err(record(n))?;
                } else {
                    decode::<StoredUnits>(bytes).map_err(record(n))?;
                }
                if !self.registry.insert((head.kind.clone(), line.key.clone())) {
                    return Err(duplicate(n, format!("{} {}", head.kind, line.key)));
                }
                self.sink.registry(&head.kind, &line.key, bytes)?;
                self.counts.registry += 1;
                Ok(())
            }
            "published" => {
                self.order(n, "registry", 3)?;
                let line: PublishedLine = serde_json::from_str(text).map_err(syntax(n))?;
                let bytes = line.record.get().as_bytes();
                let p = decode::<Publication>(bytes).map_err(record(n))?;
                if (p.kind.as_str(), p.name.as_str(), p.number)
                    != (line.kind.as_str(), line.name.as_str(), line.number)
                {
                    return Err(mismatch(
                        n,
                        "the published record is not the one keyed".into(),
                    ));
                }
                if !self
                    .published
                    .insert((line.kind.clone(), line.name.clone(), line.number))
                {
                    return Err(duplicate(
                        n,
                        format!("published {} {}", line.kind, line.number),
                    ));
                }
                self.sink
                    .published(&line.kind, &line.name, line.number, bytes)?;
                self.counts.registry += 1;
                Ok(())
            }
            "access" => {
                self.order(n, "access", 6)?;
                self.finish_case()?;
                let line: RegistryLine = serde_json::from_str(text).map_err(syntax(n))?;
                let bytes = line.record.get().as_bytes();
                let stored = decode::<StoredAccess>(bytes).map_err(record(n))?;
                let at_ms = line
                    .at
                    .ok_or_else(|| mismatch(n, "an access entry needs its time key".into()))?;
                if !self.access.insert((at_ms, line.key.clone())) {
                    return Err(duplicate(n, format!("access entry {}", line.key)));
                }
                self.sink.access(at_ms, &line.key, &stored, bytes)?;
                self.counts.access += 1;
                Ok(())
            }
            "letter" => {
                self.order(n, "letter", 5)?;
                self.finish_case()?;
                self.letter(n, serde_json::from_str(text).map_err(syntax(n))?)
            }
            other => Err(at(
                n,
                ImportProblem::UnknownType {
                    kind: other.chars().take(40).collect(),
                },
            )),
        }
    }

    fn meta_line(&mut self, n: usize, line: MetaLine) -> Result<(), Fail> {
        if line.export_format != EXPORT_FORMAT {
            return Err(at(
                n,
                ImportProblem::Format {
                    found: line.export_format,
                },
            ));
        }
        let mut meta = decode::<StoredMeta>(line.record.get().as_bytes()).map_err(record(n))?;
        self.crypto = meta.crypto;
        if meta.simulation && !self.simulation {
            return Err(at(n, ImportProblem::SimulationExport));
        }
        if self.simulation && !meta.simulation {
            // Asked for explicitly: the copy of a real database becomes a training one.
            meta.simulation = true;
            meta.copy_of_real = true;
            let bytes = encode(&meta).map_err(|e| mismatch(n, e.to_string()))?;
            self.sink.meta(&bytes)?;
            return Ok(());
        }
        self.sink.meta(line.record.get().as_bytes())?;
        Ok(())
    }

    fn definition(&mut self, n: usize, line: DefinitionLine) -> Result<(), Fail> {
        let stored: StoredDefinition = decode(line.record.get().as_bytes()).map_err(record(n))?;
        if VersionHash::of(stored.source.as_bytes()).0 != line.hash {
            return Err(mismatch(n, "the source does not hash to its name".into()));
        }
        if stored.workflow != line.workflow || stored.number != line.number {
            return Err(mismatch(n, "the record names another version".into()));
        }
        let previous = self.versions.get(&line.workflow).copied().unwrap_or(0);
        if line.number != previous + 1 {
            return Err(mismatch(
                n,
                format!("version {} follows version {previous}", line.number),
            ));
        }
        if self.loaded.contains_key(&line.hash) {
            return Err(duplicate(n, format!("definition {}", line.hash)));
        }
        let Ok(loaded) = definition::load_published(&stored.file, stored.source.as_bytes()) else {
            return Err(mismatch(n, "the source does not load".into()));
        };
        self.loaded.insert(line.hash.clone(), loaded);
        self.versions.insert(line.workflow.clone(), line.number);
        self.sink.definition(
            &line.workflow,
            line.number,
            &line.hash,
            line.record.get().as_bytes(),
        )?;
        self.counts.definitions += 1;
        Ok(())
    }

    fn counter(&mut self, n: usize, line: CounterLine) -> Result<(), Fail> {
        if self.counters.insert(line.key.clone(), line.value).is_some() {
            return Err(duplicate(n, format!("counter {}", line.key)));
        }
        self.sink.counter(&line.key, line.value)?;
        self.counts.counters += 1;
        Ok(())
    }

    fn case(&mut self, n: usize, line: CaseLine) -> Result<(), Fail> {
        self.finish_case()?;
        let id: CaseId = line
            .case
            .parse()
            .map_err(|e: crate::case::BadCaseId| mismatch(n, e.to_string()))?;
        if !self.cases.insert(id.as_str().to_owned()) {
            return Err(duplicate(n, format!("case {id}")));
        }
        if let Some((year, number)) = id.as_str().split_once('-')
            && let Ok(number) = number.parse::<u64>()
        {
            self.saw_number(format!("case:{year}"), number, n);
        }
        self.pending = Some(Pending {
            line: n,
            summary: line,
            id,
            events: Vec::new(),
            records: Vec::new(),
            seqs: BTreeSet::new(),
            history: History::new(),
        });
        Ok(())
    }

    fn event(&mut self, n: usize, line: EventLine) -> Result<(), Fail> {
        let Some(pending) = &mut self.pending else {
            return Err(at(
                n,
                ImportProblem::OutOfOrder {
                    kind: "event".into(),
                },
            ));
        };
        if line.case != pending.summary.case {
            return Err(mismatch(
                n,
                format!(
                    "event of case {} under case {}",
                    line.case, pending.summary.case
                ),
            ));
        }
        let stored: StoredEvent = decode(line.record.get().as_bytes()).map_err(record(n))?;
        pending.records.push(super::integrity::record(
            line.seq,
            line.record.get().as_bytes(),
            &mut pending.history,
            // An export line is a JSON record: no numbered names.
            &super::format::NoNames,
        ));
        if stored.seq != line.seq {
            return Err(mismatch(n, format!("the record is event {}", stored.seq)));
        }
        let event = Event::try_from(stored).map_err(record(n))?;
        pending.events.push(event);
        if !pending.seqs.insert(line.seq) {
            return Err(duplicate(
                n,
                format!("event {} of case {}", line.seq, line.case),
            ));
        }
        self.sink
            .event(pending.id.as_str(), line.seq, line.record.get().as_bytes())?;
        self.counts.events += 1;
        Ok(())
    }

    /// Replays the pending case, checks it against its line, and writes its snapshot.
    fn finish_case(&mut self) -> Result<(), Fail> {
        let Some(p) = self.pending.take() else {
            return Ok(());
        };
        let replay = |detail: String| {
            at(
                p.line,
                ImportProblem::Replay {
                    case: p.summary.case.clone(),
                    detail,
                },
            )
        };
        let case = Case::replay(&p.id, &p.events).map_err(|e| replay(e.to_string()))?;
        for l in &case.issued {
            self.issued.insert(
                l.issued.letter.clone(),
                (l.issued.html_sha256.clone(), p.line),
            );
        }
        if case.workflow != p.summary.workflow
            || case.state != p.summary.state
            || case.seq != p.summary.seq
        {
            return Err(replay(format!(
                "its events end in {} {} at event {}, not as its line says",
                case.workflow, case.state, case.seq
            )));
        }
        if !self.loaded.contains_key(&case.version.0) {
            return Err(replay(format!("version {} is not imported", case.version)));
        }
        verify_history(|hash| self.loaded.get(hash).map(Some), &p.events).map_err(replay)?;
        // Every chain brought in is checked as `verify` would: a history altered and
        // re-hashed, or with a link removed, does not enter the database.
        if let Err(b) = crate::chain::verify(self.crypto, &p.id, &p.records, None) {
            return Err(replay(format!(
                "its hash chain is broken at event {} ({:?})",
                b.seq, b.kind
            )));
        }
        self.sink.case(&case)?;
        self.indexes.add(&case);
        self.counts.cases += 1;
        Ok(())
    }

    /// An archived letter: its bytes hash to what its case's history recorded, and it is
    /// indexed as the store indexes it.
    fn letter(&mut self, n: usize, line: LetterLine) -> Result<(), Fail> {
        let letter: ArchivedLetter = decode(line.record.get().as_bytes()).map_err(record(n))?;
        if letter.id != line.letter || letter.case.as_str() != line.case {
            return Err(mismatch(
                n,
                "the record names another letter or case".into(),
            ));
        }
        // Under the letter's own scheme: plain SHA-256 before salts, its salt after.
        if !letter.digests_hold() {
            return Err(mismatch(
                n,
                format!("letter {} does not hash to its recorded SHA-256", letter.id),
            ));
        }
        // A letter digested with another hash than the database's profile names is not one
        // this database issued (a plain letter, from before salts, is SHA-256 under any).
        if letter.digest != crate::letters::archive::DigestScheme::Plain
            && letter.digest_algorithm != self.crypto.hash()
        {
            return Err(mismatch(
                n,
                format!(
                    "letter {} is digested with {}, the database's profile uses {}",
                    letter.id,
                    letter.digest_algorithm.name(),
                    self.crypto.hash_algorithm()
                ),
            ));
        }
        if self.letters.contains(&letter.id) {
            return Err(duplicate(n, format!("letter {}", letter.id)));
        }
        match self.issued.remove(&letter.id) {
            Some((sha, _)) if sha == letter.html_sha256 => {}
            Some(_) => {
                return Err(mismatch(
                    n,
                    format!(
                        "letter {} differs from what its case's history recorded",
                        letter.id
                    ),
                ));
            }
            None => {
                return Err(mismatch(
                    n,
                    format!("no imported history records letter {}", letter.id),
                ));
            }
        }
        for (key, number) in given_out(&letter) {
            self.saw_number(key, number, n);
        }
        let mut keys = vec![super::letter_index_key("code", &letter.code)];
        if let Some(number) = &letter.number {
            keys.push(super::letter_index_key("number", number));
        }
        keys.push(super::letter_index_key("sha256", &letter.html_sha256));
        keys.push(super::letter_index_key("sha256", &letter.text_sha256));
        if let Some(pdf) = &letter.pdf_sha256 {
            keys.push(super::letter_index_key("sha256", pdf));
        }
        self.sink
            .letter(&letter, &keys, line.record.get().as_bytes())?;
        self.letters.insert(letter.id.clone());
        self.counts.letters += 1;
        Ok(())
    }

    /// Notes that the number `number` of the counter `key` was given out (line `n`).
    fn saw_number(&mut self, key: String, number: u64, n: usize) {
        let h = self.highest.entry(key).or_insert((0, n));
        if number > h.0 {
            *h = (number, n);
        }
    }

    /// The last checks once every line is in: every letter recorded came with its archive
    /// record, and counters cover the numbers given out.
    fn finish(&mut self, lines: usize) -> Result<(), Fail> {
        if self.rank == 0 {
            return Err(at(lines, ImportProblem::Empty));
        }
        self.finish_case()?;
        if let Some((id, (_, line))) = self.issued.iter().next() {
            return Err(mismatch(
                *line,
                format!(
                    "the history records letter {id}, but the file has no archive record of it"
                ),
            ));
        }
        for (key, (highest, line)) in &self.highest {
            let counter = self.counters.get(key).copied().unwrap_or(0);
            if counter < *highest {
                return Err(mismatch(
                    *line,
                    format!(
                        "counter {key} is {counter}, below the number {highest} already given out"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Reads every line of `input` into `sink`, checking each as it comes and the whole at the
/// end: the sink back, with the index entries the imported cases imply (for the caller to
/// write) and what was imported.
pub(crate) fn import_into<S: Sink>(
    sink: S,
    mut input: impl BufRead,
    simulation: bool,
    progress: &crate::progress::Reporter,
) -> Result<(S, IndexKeys, DumpCounts), ImportError> {
    let mut importer = Importer::new(sink, simulation);
    let mut n = 0;
    let stage = progress.begin("import", None);
    while let Some(text) = next_line(&mut input, n + 1)? {
        n += 1;
        stage.advance(1);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        importer.line(n, text)?;
    }
    importer.finish(n)?;
    Ok((importer.sink, importer.indexes, importer.counts))
}

/// The redb file's tables, as an import fills them.
struct RedbSink<'t> {
    tx: &'t WriteTransaction,
    meta: redb::Table<'t, &'static str, &'static [u8]>,
    definitions: redb::Table<'t, &'static str, &'static [u8]>,
    versions: redb::Table<'t, (&'static str, u32), &'static str>,
    counters: redb::Table<'t, &'static str, u64>,
    cases: redb::Table<'t, &'static str, &'static [u8]>,
    events: redb::Table<'t, (&'static str, u32), &'static [u8]>,
    letters: redb::Table<'t, &'static str, &'static [u8]>,
    letter_index: redb::Table<'t, &'static str, &'static str>,
    letters_by_case: redb::Table<'t, (&'static str, &'static str), ()>,
    /// The case whose events are coming in, and its history so far.
    history: (String, History),
    /// The new database's dictionary of names.
    names: TxNames<'t>,
}

impl<'t> RedbSink<'t> {
    fn new(tx: &'t WriteTransaction) -> Result<Self, StoreError> {
        Ok(RedbSink {
            tx,
            meta: tx.open_table(META).map_err(storage)?,
            definitions: tx.open_table(DEFINITIONS).map_err(storage)?,
            versions: tx.open_table(VERSIONS).map_err(storage)?,
            counters: tx.open_table(COUNTERS).map_err(storage)?,
            cases: tx.open_table(CASES).map_err(storage)?,
            events: tx.open_table(EVENTS).map_err(storage)?,
            letters: tx.open_table(LETTERS).map_err(storage)?,
            letter_index: tx.open_table(LETTER_INDEX).map_err(storage)?,
            letters_by_case: tx.open_table(LETTERS_BY_CASE).map_err(storage)?,
            history: (String::new(), History::new()),
            // A new database: its names start from nothing.
            names: TxNames::open(tx, &super::names::Names::default())?,
        })
    }
}

impl Sink for RedbSink<'_> {
    fn meta(&mut self, record: &[u8]) -> Result<(), StoreError> {
        self.meta.insert(META_KEY, record).map_err(storage)?;
        Ok(())
    }

    fn definition(
        &mut self,
        workflow: &str,
        number: u32,
        hash: &str,
        record: &[u8],
    ) -> Result<(), StoreError> {
        self.definitions.insert(hash, record).map_err(storage)?;
        self.versions
            .insert((workflow, number), hash)
            .map_err(storage)?;
        Ok(())
    }

    fn counter(&mut self, key: &str, value: u64) -> Result<(), StoreError> {
        self.counters.insert(key, value).map_err(storage)?;
        Ok(())
    }

    fn registry(&mut self, kind: &str, key: &str, record: &[u8]) -> Result<(), StoreError> {
        let table = if kind == "user" { USERS } else { UNITS };
        self.tx
            .open_table(table)
            .map_err(storage)?
            .insert(key, record)
            .map_err(storage)?;
        Ok(())
    }

    fn published(
        &mut self,
        kind: &str,
        name: &str,
        number: u32,
        record: &[u8],
    ) -> Result<(), StoreError> {
        self.tx
            .open_table(PUBLISHED)
            .map_err(storage)?
            .insert((kind, name, number), record)
            .map_err(storage)?;
        Ok(())
    }

    /// Stored compact when the compact record gives the imported one back byte for byte (so
    /// that an export of the import is the file imported), else as it came.
    fn event(&mut self, case: &str, seq: u32, record: &[u8]) -> Result<(), StoreError> {
        if self.history.0 != case {
            self.history = (case.to_owned(), History::new());
        }
        let compact = compact_event(record, self.history.1.previous(), &mut self.names)
            .map_err(super::corrupt)?;
        // The importer has decoded the record already; this keeps the running hash.
        let _ = self.history.1.next(record, &super::format::NoNames);
        let bytes = compact.as_deref().unwrap_or(record);
        self.events.insert((case, seq), bytes).map_err(storage)?;
        Ok(())
    }

    fn case(&mut self, case: &Case) -> Result<(), StoreError> {
        self.cases
            .insert(
                case.id.as_str(),
                encode_case(case, &mut self.names)
                    .map_err(super::corrupt)?
                    .as_slice(),
            )
            .map_err(storage)?;
        Ok(())
    }

    fn letter(
        &mut self,
        letter: &ArchivedLetter,
        keys: &[String],
        record: &[u8],
    ) -> Result<(), StoreError> {
        let id = letter.id.as_str();
        for key in keys {
            self.letter_index
                .insert(key.as_str(), id)
                .map_err(storage)?;
        }
        self.letters_by_case
            .insert((letter.case.as_str(), id), ())
            .map_err(storage)?;
        self.letters.insert(id, record).map_err(storage)?;
        Ok(())
    }

    fn access(
        &mut self,
        at: i64,
        id: &str,
        _stored: &StoredAccess,
        record: &[u8],
    ) -> Result<(), StoreError> {
        self.tx
            .open_table(ACCESS)
            .map_err(storage)?
            .insert((at, id), record)
            .map_err(storage)?;
        Ok(())
    }
}

/// The counters an archived letter took a number from, and the number: its archive id
/// (`L2026-000007` from `letter:2026`) and an allocated document number
/// (`京朝公告诫字〔2026〕7号` from `number:京朝公告诫字〔2026〕`); a court's number is not ours.
pub(crate) fn given_out(letter: &ArchivedLetter) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    if let Some((year, n)) = letter.id.strip_prefix('L').and_then(|r| r.split_once('-'))
        && let Ok(n) = n.parse::<u64>()
    {
        out.push((format!("letter:{year}"), n));
    }
    if let Some(number) = &letter.number
        && let Some((head, serial)) = number.rsplit_once('〕')
        && let Some(serial) = serial.strip_suffix('号')
        && let Ok(n) = serial.parse::<u64>()
    {
        out.push((format!("number:{head}〕"), n));
    }
    out
}

fn write_indexes(tx: &WriteTransaction, keys: &IndexKeys) -> Result<(), StoreError> {
    super::lists::write(tx, keys)?;
    super::external::write(tx, keys)?;
    let mut by_state = tx.open_table(BY_STATE).map_err(storage)?;
    for (w, s, c) in &keys.by_state {
        by_state
            .insert((w.as_str(), s.as_str(), c.as_str()), ())
            .map_err(storage)?;
    }
    let mut by_child = tx.open_table(BY_CHILD).map_err(storage)?;
    for (child, c) in &keys.by_child {
        by_child
            .insert((child.as_str(), c.as_str()), ())
            .map_err(storage)?;
    }
    let mut timers = tx.open_table(TIMERS).map_err(storage)?;
    for (at, c, d) in &keys.timers {
        timers
            .insert((*at, c.as_str(), d.as_str()), ())
            .map_err(storage)?;
    }
    let mut overdue = tx.open_table(OVERDUE).map_err(storage)?;
    for (at, c, d) in &keys.overdue {
        overdue
            .insert((*at, c.as_str(), d.as_str()), ())
            .map_err(storage)?;
    }
    let mut provisional = tx.open_table(PROVISIONAL).map_err(storage)?;
    for (c, d) in &keys.provisional {
        provisional
            .insert((c.as_str(), d.as_str()), ())
            .map_err(storage)?;
    }
    Ok(())
}

/// Reads one line of at most [`MAX_LINE_BYTES`]; None at the end.
fn next_line(input: &mut impl BufRead, n: usize) -> Result<Option<String>, ImportError> {
    let mut buf = Vec::new();
    let read = input
        .by_ref()
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_until(b'\n', &mut buf)
        .map_err(|e| ImportError::Store(io_error(e)))?;
    if read == 0 {
        return Ok(None);
    }
    if buf.len() > MAX_LINE_BYTES {
        return Err(ImportError::Line {
            line: n,
            problem: ImportProblem::TooLong {
                limit: MAX_LINE_BYTES,
            },
        });
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|e| ImportError::Line {
            line: n,
            problem: ImportProblem::Syntax {
                detail: e.to_string(),
            },
        })
}

/// Imports an export into a new database at `path`, all or nothing: every record is checked
/// and every case replayed inside one transaction on a temporary file, which takes the name
/// only when all of it committed. An existing file is never touched.
pub fn import(path: &Path, input: impl BufRead) -> Result<DumpCounts, ImportError> {
    import_as(path, input, false)
}

/// [`import`], saying whether the new database is to be a simulation one. The export's own
/// flag must agree: a simulation export (or a real one whose flag was flipped, which looks the
/// same) is refused unless `simulation` asks for one, and a real export becomes a simulation
/// database only when asked.
pub fn import_as(
    path: &Path,
    input: impl BufRead,
    simulation: bool,
) -> Result<DumpCounts, ImportError> {
    import_telling(
        path,
        input,
        simulation,
        &crate::progress::Reporter::silent(),
    )
}

/// [`import_as`], telling `progress` of each line read.
pub fn import_telling(
    path: &Path,
    input: impl BufRead,
    simulation: bool,
    progress: &crate::progress::Reporter,
) -> Result<DumpCounts, ImportError> {
    if path.exists() {
        return Err(StoreError::AlreadyExists(path.to_owned()).into());
    }
    let (tmp, file) = temp_file(&parent_dir(path), "wardflow-import")?;
    drop(file);
    let mut db = Database::builder().create(&tmp.0).map_err(storage)?;
    let tx = db.begin_write().map_err(storage)?;
    let counts = {
        let (sink, keys, counts) = import_into(RedbSink::new(&tx)?, input, simulation, progress)?;
        drop(sink);
        write_indexes(&tx, &keys)?;
        // The decoded definitions are this build's reading of the sources just imported.
        super::decoded::refresh(&tx)?;
        counts
    };
    tx.commit().map_err(storage)?;
    // A bulk load: the pages the one transaction copied as its B-trees grew are free space
    // now; give them back before the file takes its name.
    while db
        .compact()
        .map_err(|e| StoreError::Storage(e.to_string()))?
    {}
    drop(db);
    publish_file(tmp, path, false)?;
    super::note_commit();
    Ok(counts)
}
