//! Position-keeping YAML loader for workflow files.
//!
//! serde_yaml forgets where things came from, so validation errors could not point at
//! `line:column`. This module builds a small owned tree from saphyr-parser's event stream,
//! recording the start position of every node, and enforces limits on size, nesting depth and
//! node count (after alias expansion) so that hostile input fails fast instead of exhausting
//! memory or the stack.
//!
//! Scalars are resolved with the YAML 1.2 core schema, and only plain scalars are resolved:
//! anything quoted or written as a block scalar stays a string, so `"true"` and `'7'` are
//! strings, while `true` and `7` are not. `!!str` forces a string; other tags are ignored.
//! Merge keys (`<<`) get no special treatment: they are ordinary keys.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::rc::Rc;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, Tag};

/// 1-based position in the source.
///
/// `column` counts characters (Unicode scalar values), not bytes, so it matches what an editor
/// shows for lines that contain non-ASCII text.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number in characters, starting at 1.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A YAML node together with the position where it starts.
///
/// For a node produced by expanding an alias, the root of the copy carries the position of the
/// alias (`*name`) and everything below it keeps the positions of the anchored original.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts (its anchor or tag, if it has one).
    pub pos: Pos,
    /// The value of the node.
    pub kind: NodeKind,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `null`, `~`, or an empty plain scalar.
    Null,
    /// A plain `true` or `false` (in any of the core schema spellings).
    Bool(bool),
    /// A plain decimal, `0o` octal or `0x` hexadecimal integer that fits in an `i64`.
    Int(i64),
    /// A plain floating point number, including `.inf` and `.nan`.
    Float(f64),
    /// Any other scalar, and every quoted or block scalar.
    Str(String),
    /// A sequence (list).
    Seq(Vec<Node>),
    /// A mapping.
    ///
    /// Keys keep their own positions; order of the source is kept.
    Map(Vec<(Node, Node)>),
}

/// Bounds on the input, checked while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes (including a byte order mark).
    pub max_bytes: usize,
    /// Deepest accepted nesting of sequences and mappings, counted after alias expansion.
    ///
    /// The result is dropped, cloned and converted recursively, so this also bounds the stack
    /// used by those operations.
    pub max_depth: usize,
    /// Most nodes (scalars, sequences and mappings, keys included) in the tree after alias
    /// expansion.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 1024 * 1024,
            max_depth: 64,
            max_nodes: 100_000,
        }
    }
}

/// Why a document was rejected, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}{}", .pos.map(|p| format!(" at {p}")).unwrap_or_default())]
pub struct YamlError {
    /// Where the problem is, when it can be attributed to a place in the source.
    pub pos: Option<Pos>,
    /// What the problem is; callers that localize messages match on this.
    pub kind: YamlErrorKind,
}

/// The kinds of [`YamlError`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YamlErrorKind {
    /// The input is larger than [`Limits::max_bytes`]. Checked before anything else.
    #[error("document is {bytes} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// Size of the input.
        bytes: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The input is not UTF-8; the position is that of the first invalid byte.
    #[error("document is not valid UTF-8")]
    NotUtf8,
    /// saphyr-parser rejected the input.
    #[error("YAML syntax error: {message}")]
    Syntax {
        /// The parser's own (English) description.
        message: String,
    },
    /// Sequences and mappings are nested deeper than allowed.
    ///
    /// Usually the position is the collection (or alias) that goes one level too deep. For flow
    /// collections nested more than 255 levels, saphyr-parser gives up before reporting any of
    /// them, and the position is where it gave up.
    #[error("sequences and mappings are nested more than {limit} levels deep")]
    TooDeep {
        /// The limit that was exceeded.
        limit: usize,
    },
    /// The document has more nodes than allowed, counting every alias as a full copy.
    #[error("document has more than {limit} nodes (aliases counted as copies)")]
    TooManyNodes {
        /// The configured limit.
        limit: usize,
    },
    /// A mapping has the same key twice; the position is the second occurrence.
    #[error("duplicate key `{key}`")]
    DuplicateKey {
        /// The key as it would appear in JSON.
        key: String,
    },
    /// An alias names no anchor that is complete at that point.
    #[error("alias `*{name}` does not refer to an earlier, complete anchor")]
    UnknownAlias {
        /// The anchor name, without `*`.
        name: String,
    },
    /// The stream holds more than one document; the position is the start of the second.
    #[error("expected a single YAML document, found more than one")]
    MultipleDocuments,
    /// The stream holds no document at all (empty, or only comments).
    #[error("no YAML document found")]
    Empty,
    /// A mapping key is a sequence or a mapping.
    #[error("mapping keys must be scalars, not lists or mappings")]
    ComplexKey,
}

impl YamlError {
    fn at(pos: Pos, kind: YamlErrorKind) -> Self {
        YamlError {
            pos: Some(pos),
            kind,
        }
    }
}

/// Parses a single YAML document into a [`Node`] tree with positions.
///
/// # Errors
/// Returns a [`YamlError`] if the input exceeds `limits`, is not UTF-8, is not valid YAML, holds
/// zero or several documents, or contains duplicate keys, complex keys or unknown aliases.
pub fn parse(src: &[u8], limits: Limits) -> Result<Node, YamlError> {
    // Before anything else, so that oversized input costs nothing beyond this comparison.
    if src.len() > limits.max_bytes {
        return Err(YamlError {
            pos: None,
            kind: YamlErrorKind::TooLarge {
                bytes: src.len(),
                limit: limits.max_bytes,
            },
        });
    }
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    let text = match std::str::from_utf8(src) {
        Ok(text) => text,
        Err(e) => {
            let valid = std::str::from_utf8(&src[..e.valid_up_to()]).unwrap_or_default();
            return Err(YamlError::at(position_after(valid), YamlErrorKind::NotUtf8));
        }
    };

    let mut loader = Loader::new(text, limits);
    // Pull events one at a time: `Parser::load` recurses once per nesting level, which would
    // defeat the depth limit.
    for item in Parser::new_from_str(text) {
        match item {
            Ok((event, span)) => {
                if loader.event(event, span)? {
                    break;
                }
            }
            Err(e) => return Err(loader.scan_error(&e)),
        }
    }
    loader.finish()
}

impl Node {
    /// The user-facing name of the node's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Int(_) => "integer",
            NodeKind::Float(_) => "number",
            NodeKind::Str(_) => "string",
            NodeKind::Seq(_) => "list",
            NodeKind::Map(_) => "mapping",
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean value, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The integer value, if this is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self.kind {
            NodeKind::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Looks up `key` in a mapping; `None` if this is not a mapping or the key is absent.
    ///
    /// Keys are compared by their JSON form (see [`Node::to_json`]), so `get("1")` finds the
    /// key `1` as well as `"1"`; [`parse`] guarantees at most one of them exists.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| match &k.kind {
                NodeKind::Str(s) => s == key,
                _ => k.key_text() == key,
            })
            .map(|(_, v)| v)
    }

    /// Converts to JSON, dropping positions.
    ///
    /// Mapping keys become their scalar text (`1` becomes `"1"`, `null` becomes `"null"`).
    /// Floats that are not finite have no JSON form and become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::from(*i),
            NodeKind::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_text(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The text a node has as a JSON object key; also the identity used to detect duplicates,
    /// so that converting to JSON can never silently merge two keys.
    fn key_text(&self) -> String {
        match &self.kind {
            NodeKind::Null => "null".to_owned(),
            NodeKind::Bool(b) => b.to_string(),
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Float(f) => float_key_text(*f),
            NodeKind::Str(s) => s.clone(),
            // parse() never produces these keys; Node is public, so give them some text.
            NodeKind::Seq(_) | NodeKind::Map(_) => self.to_json().to_string(),
        }
    }
}

fn float_key_text(f: f64) -> String {
    match serde_json::Number::from_f64(f) {
        Some(n) => n.to_string(),
        None if f.is_nan() => ".nan".to_owned(),
        None if f > 0.0 => ".inf".to_owned(),
        None => "-.inf".to_owned(),
    }
}

/// saphyr-parser keeps its flow nesting level in a `u8` and gives up past this many levels,
/// before emitting any event for them.
const SAPHYR_MAX_FLOW_DEPTH: usize = 255;

/// The error messages of saphyr-parser that this module turns into specific kinds. They are
/// matched by text because `ScanError` has no kind; the tests notice if they change.
const SAPHYR_UNKNOWN_ANCHOR: &str = "while parsing node, found unknown anchor";
const SAPHYR_RECURSION_LIMIT: &str = "recursion limit exceeded";

/// The tree under construction.
///
/// Anchored nodes are shared through `Rc` so that an alias costs nothing until the final
/// conversion, which happens only once the expanded size is known to be within the limits.
enum Tmp {
    Scalar(Node),
    Seq(Pos, Vec<Tmp>),
    Map(Pos, Vec<(Tmp, Tmp)>),
    /// An anchored node (`None`) or an alias to one (`Some(position of the alias)`).
    Shared(Option<Pos>, Rc<Tmp>),
}

impl Tmp {
    fn into_node(self) -> Node {
        match self {
            Tmp::Scalar(node) => node,
            Tmp::Seq(pos, items) => Node {
                pos,
                kind: NodeKind::Seq(items.into_iter().map(Tmp::into_node).collect()),
            },
            Tmp::Map(pos, entries) => Node {
                pos,
                kind: NodeKind::Map(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.into_node(), v.into_node()))
                        .collect(),
                ),
            },
            Tmp::Shared(alias_pos, rc) => {
                // Anchors that are never aliased are unique by now: move instead of copying.
                let mut node = match Rc::try_unwrap(rc) {
                    Ok(tmp) => tmp.into_node(),
                    Err(rc) => rc.to_node(),
                };
                if let Some(pos) = alias_pos {
                    node.pos = pos;
                }
                node
            }
        }
    }

    fn to_node(&self) -> Node {
        match self {
            Tmp::Scalar(node) => node.clone(),
            Tmp::Seq(pos, items) => Node {
                pos: *pos,
                kind: NodeKind::Seq(items.iter().map(Tmp::to_node).collect()),
            },
            Tmp::Map(pos, entries) => Node {
                pos: *pos,
                kind: NodeKind::Map(
                    entries
                        .iter()
                        .map(|(k, v)| (k.to_node(), v.to_node()))
                        .collect(),
                ),
            },
            Tmp::Shared(alias_pos, rc) => {
                let mut node = rc.to_node();
                if let Some(pos) = alias_pos {
                    node.pos = *pos;
                }
                node
            }
        }
    }

    /// The scalar behind this node, following shares; `None` for collections.
    fn scalar(&self) -> Option<&Node> {
        let mut tmp = self;
        loop {
            match tmp {
                Tmp::Scalar(node) => return Some(node),
                Tmp::Shared(_, rc) => tmp = rc,
                Tmp::Seq(..) | Tmp::Map(..) => return None,
            }
        }
    }
}

/// What an anchor refers to, with the measures an alias to it adds to the tree.
struct Anchored {
    tmp: Rc<Tmp>,
    /// Nodes in the expanded subtree.
    size: usize,
    /// Collection levels in the expanded subtree (0 for a scalar).
    height: usize,
}

enum Body {
    Seq(Vec<Tmp>),
    Map {
        entries: Vec<(Tmp, Tmp)>,
        key: Option<Tmp>,
        seen: HashSet<String>,
    },
}

/// A sequence or mapping whose end has not been seen yet.
struct Frame {
    pos: Pos,
    anchor: usize,
    /// Node count before this collection, to compute its expanded size when it ends.
    nodes_before: usize,
    /// Largest height among the children so far.
    child_height: usize,
    body: Body,
}

struct Loader<'a> {
    src: &'a str,
    limits: Limits,
    frames: Vec<Frame>,
    nodes: usize,
    anchors: HashMap<usize, Anchored>,
    documents: usize,
    root: Option<Tmp>,
}

impl<'a> Loader<'a> {
    fn new(src: &'a str, limits: Limits) -> Self {
        Loader {
            src,
            limits,
            frames: Vec::new(),
            nodes: 0,
            anchors: HashMap::new(),
            documents: 0,
            root: None,
        }
    }

    /// Handles one event; `Ok(true)` once the stream has ended.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, YamlError> {
        let pos = to_pos(&span.start);
        match event {
            Event::StreamEnd => return Ok(true),
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(YamlError::at(pos, YamlErrorKind::MultipleDocuments));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.count(pos, 1)?;
                let kind = if style == ScalarStyle::Plain && !forces_string(tag.as_deref()) {
                    resolve_plain(&value)
                } else {
                    NodeKind::Str(value.into_owned())
                };
                self.complete(Tmp::Scalar(Node { pos, kind }), pos, 1, 0, anchor)?;
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    // Also reached for an alias inside its own anchor (`&a [*a]`): the parser
                    // knows the name, but the node is not complete, so it cannot be copied.
                    let name = alias_name_at(self.src, &span.start);
                    return Err(YamlError::at(pos, YamlErrorKind::UnknownAlias { name }));
                };
                let (tmp, size, height) = (Rc::clone(&target.tmp), target.size, target.height);
                if self.frames.len().saturating_add(height) > self.limits.max_depth {
                    return Err(self.too_deep(pos));
                }
                self.count(pos, size)?;
                self.complete(Tmp::Shared(Some(pos), tmp), pos, size, height, 0)?;
            }
            Event::SequenceStart(anchor, _) => self.open(pos, anchor, Body::Seq(Vec::new()))?,
            Event::MappingStart(anchor, _) => self.open(
                pos,
                anchor,
                Body::Map {
                    entries: Vec::new(),
                    key: None,
                    seen: HashSet::new(),
                },
            )?,
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.frames.pop() else {
                    return Err(YamlError::at(pos, unexpected_event()));
                };
                let tmp = match (event, frame.body) {
                    (Event::SequenceEnd, Body::Seq(items)) => Tmp::Seq(frame.pos, items),
                    (
                        Event::MappingEnd,
                        Body::Map {
                            entries, key: None, ..
                        },
                    ) => Tmp::Map(frame.pos, entries),
                    _ => return Err(YamlError::at(pos, unexpected_event())),
                };
                let size = self.nodes - frame.nodes_before;
                let height = frame.child_height + 1;
                self.complete(tmp, frame.pos, size, height, frame.anchor)?;
            }
        }
        Ok(false)
    }

    fn open(&mut self, pos: Pos, anchor: usize, body: Body) -> Result<(), YamlError> {
        // Reject here rather than when the collection ends, so that a huge key is not built
        // only to be thrown away.
        if self.expects_key() {
            return Err(YamlError::at(pos, YamlErrorKind::ComplexKey));
        }
        if self.frames.len() >= self.limits.max_depth {
            return Err(self.too_deep(pos));
        }
        let nodes_before = self.nodes;
        self.count(pos, 1)?;
        self.frames.push(Frame {
            pos,
            anchor,
            nodes_before,
            child_height: 0,
            body,
        });
        Ok(())
    }

    fn expects_key(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame {
                body: Body::Map { key: None, .. },
                ..
            })
        )
    }

    /// Charges `size` nodes against the budget, before anything of that size is built.
    fn count(&mut self, pos: Pos, size: usize) -> Result<(), YamlError> {
        match self.nodes.checked_add(size) {
            Some(total) if total <= self.limits.max_nodes => {
                self.nodes = total;
                Ok(())
            }
            _ => Err(YamlError::at(
                pos,
                YamlErrorKind::TooManyNodes {
                    limit: self.limits.max_nodes,
                },
            )),
        }
    }

    fn too_deep(&self, pos: Pos) -> YamlError {
        YamlError::at(
            pos,
            YamlErrorKind::TooDeep {
                limit: self.limits.max_depth,
            },
        )
    }

    /// Attaches a finished node to its parent (or makes it the root) and registers its anchor.
    fn complete(
        &mut self,
        mut tmp: Tmp,
        pos: Pos,
        size: usize,
        height: usize,
        anchor: usize,
    ) -> Result<(), YamlError> {
        if anchor != 0 {
            let shared = Rc::new(tmp);
            self.anchors.insert(
                anchor,
                Anchored {
                    tmp: Rc::clone(&shared),
                    size,
                    height,
                },
            );
            tmp = Tmp::Shared(None, shared);
        }
        let Some(frame) = self.frames.last_mut() else {
            if self.root.is_some() {
                return Err(YamlError::at(pos, unexpected_event()));
            }
            self.root = Some(tmp);
            return Ok(());
        };
        frame.child_height = frame.child_height.max(height);
        match &mut frame.body {
            Body::Seq(items) => items.push(tmp),
            Body::Map { entries, key, seen } => match key.take() {
                Some(k) => entries.push((k, tmp)),
                None => {
                    // Only an alias to a collection gets here; other collections were
                    // rejected when they opened.
                    let Some(scalar) = tmp.scalar() else {
                        return Err(YamlError::at(pos, YamlErrorKind::ComplexKey));
                    };
                    let text = scalar.key_text();
                    if seen.contains(&text) {
                        return Err(YamlError::at(
                            pos,
                            YamlErrorKind::DuplicateKey { key: text },
                        ));
                    }
                    seen.insert(text);
                    *key = Some(tmp);
                }
            },
        }
        Ok(())
    }

    fn scan_error(&self, e: &ScanError) -> YamlError {
        let pos = to_pos(e.marker());
        let kind = match e.info() {
            SAPHYR_UNKNOWN_ANCHOR => YamlErrorKind::UnknownAlias {
                name: alias_name_at(self.src, e.marker()),
            },
            // saphyr scans all of a deeply nested flow collection before emitting its events,
            // so its own limit can trip before ours has seen a single level.
            SAPHYR_RECURSION_LIMIT => YamlErrorKind::TooDeep {
                limit: self.limits.max_depth.min(SAPHYR_MAX_FLOW_DEPTH),
            },
            info => YamlErrorKind::Syntax {
                message: info.to_owned(),
            },
        };
        YamlError::at(pos, kind)
    }

    fn finish(mut self) -> Result<Node, YamlError> {
        if !self.frames.is_empty() {
            return Err(YamlError {
                pos: None,
                kind: unexpected_event(),
            });
        }
        // Drop the anchor table first so that anchors that were never aliased are moved, not
        // copied, by the conversion.
        self.anchors.clear();
        match self.root.take() {
            Some(root) => Ok(root.into_node()),
            None => Err(YamlError {
                pos: None,
                kind: YamlErrorKind::Empty,
            }),
        }
    }
}

/// saphyr-parser promises a well-formed event stream; this guards the tree builder anyway,
/// because a malformed stream must not turn into a panic.
fn unexpected_event() -> YamlErrorKind {
    YamlErrorKind::Syntax {
        message: "unexpected parser event".to_owned(),
    }
}

/// saphyr's markers have a 1-based line and a 0-based column counted in characters.
fn to_pos(m: &Marker) -> Pos {
    Pos {
        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
        column: u32::try_from(m.col().saturating_add(1)).unwrap_or(u32::MAX),
    }
}

/// The position just after `text`, counting line breaks the way saphyr does (`\n`, `\r`, and
/// `\r\n` as one), so positions agree with those of parse errors.
fn position_after(text: &str) -> Pos {
    let (mut line, mut column) = (1u32, 1u32);
    let mut after_cr = false;
    for c in text.chars() {
        match c {
            '\n' if after_cr => {}
            '\n' | '\r' => {
                line = line.saturating_add(1);
                column = 1;
            }
            _ => column = column.saturating_add(1),
        }
        after_cr = c == '\r';
    }
    Pos { line, column }
}

/// Recovers the name of the alias starting at `m`, since saphyr reports only anchor ids.
fn alias_name_at(src: &str, m: &Marker) -> String {
    let mut chars = src.chars().skip(m.index());
    if chars.next() != Some('*') {
        return String::new();
    }
    // Mirrors saphyr's notion of an anchor character: anything but blanks, breaks and flow
    // indicators.
    chars
        .take_while(|c| {
            !matches!(
                c,
                ' ' | '\t' | '\r' | '\n' | '\0' | '\u{FEFF}' | ',' | '[' | ']' | '{' | '}'
            )
        })
        .collect()
}

/// Whether a tag makes a plain scalar a string regardless of how it looks: `!!str` (also
/// written verbatim), or the non-specific tag `!`, which by the spec opts out of resolution.
fn forces_string(tag: Option<&Tag>) -> bool {
    tag.is_some_and(|t| {
        // saphyr splits `!!str` as handle + suffix but puts all of a verbatim tag in the suffix.
        "tag:yaml.org,2002:str".strip_prefix(t.handle.as_str()) == Some(t.suffix.as_str())
            || (t.handle.is_empty() && t.suffix == "!")
    })
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(s: &str) -> NodeKind {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        "true" | "True" | "TRUE" => return NodeKind::Bool(true),
        "false" | "False" | "FALSE" => return NodeKind::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return NodeKind::Float(f64::NAN),
        _ => {}
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        let inf = if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        return NodeKind::Float(inf);
    }
    let int = if let Some(octal) = s.strip_prefix("0o") {
        radix_int(s, octal, 8)
    } else if let Some(hex) = s.strip_prefix("0x") {
        radix_int(s, hex, 16)
    } else if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // Too big for i64: keep the text rather than lose precision in a float.
        Some(
            s.parse::<i64>()
                .map_or_else(|_| NodeKind::Str(s.to_owned()), NodeKind::Int),
        )
    } else {
        None
    };
    if let Some(kind) = int {
        return kind;
    }
    // Rust's float parser also accepts `inf`, `NaN` and friends, so check the core schema's
    // grammar first.
    match s.parse::<f64>() {
        Ok(f) if is_core_float(unsigned) => NodeKind::Float(f),
        _ => NodeKind::Str(s.to_owned()),
    }
}

/// `Some` if `digits` (the part of `s` after its prefix) is a non-empty run of digits in `radix`:
/// the integer, or the text if it overflows. `None` if `s` is not an integer at all.
fn radix_int(s: &str, digits: &str, radix: u32) -> Option<NodeKind> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(
        i64::from_str_radix(digits, radix)
            .map_or_else(|_| NodeKind::Str(s.to_owned()), NodeKind::Int),
    )
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, the unsigned core float.
fn is_core_float(s: &str) -> bool {
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let b = s.as_bytes();
    let mut i = digits(s);
    let int_digits = i;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = digits(&s[i..]);
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_digits = digits(&s[i..]);
        if exp_digits == 0 {
            return false;
        }
        i += exp_digits;
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(src: &str) -> Node {
        match parse(src.as_bytes(), Limits::default()) {
            Ok(node) => node,
            Err(e) => panic!("{src:?} failed: {e}"),
        }
    }

    fn err(src: &str) -> YamlError {
        err_with(src.as_bytes(), Limits::default())
    }

    fn err_with(src: &[u8], limits: Limits) -> YamlError {
        match parse(src, limits) {
            Ok(node) => panic!("{:?} parsed: {node:?}", String::from_utf8_lossy(src)),
            Err(e) => e,
        }
    }

    fn at(line: u32, column: u32) -> Option<Pos> {
        Some(Pos { line, column })
    }

    fn kind(src: &str) -> NodeKind {
        ok(src).kind
    }

    fn map_value(src: &str, key: &str) -> Node {
        ok(src).get(key).cloned().expect("key present")
    }

    #[test]
    fn positions_of_nested_keys_and_values() {
        let doc = ok("name: build\njobs:\n  test:\n    steps:\n      - run: make\n        id: x\n");
        assert_eq!(doc.pos, Pos { line: 1, column: 1 });
        let jobs = doc.get("jobs").unwrap();
        assert_eq!(jobs.pos, Pos { line: 3, column: 3 });
        let (key, test) = &jobs.as_map().unwrap()[0];
        assert_eq!(key.pos, Pos { line: 3, column: 3 });
        assert_eq!(test.pos, Pos { line: 4, column: 5 });
        let steps = test.get("steps").unwrap();
        assert_eq!(steps.pos, Pos { line: 5, column: 7 });
        let step = &steps.as_seq().unwrap()[0];
        assert_eq!(step.pos, Pos { line: 5, column: 9 });
        let (id_key, id) = &step.as_map().unwrap()[1];
        assert_eq!(id_key.pos, Pos { line: 6, column: 9 });
        assert_eq!(
            id.pos,
            Pos {
                line: 6,
                column: 13
            }
        );
        assert_eq!(doc.get("name").unwrap().pos, Pos { line: 1, column: 7 });
    }

    #[test]
    fn flow_collection_and_quoted_scalar_positions_start_at_their_opening_character() {
        let doc = ok("a: [1, {b: \"c\"}]\n");
        let a = doc.get("a").unwrap();
        assert_eq!(a.pos, Pos { line: 1, column: 4 });
        let inner = &a.as_seq().unwrap()[1];
        assert_eq!(inner.pos, Pos { line: 1, column: 8 });
        assert_eq!(
            inner.get("b").unwrap().pos,
            Pos {
                line: 1,
                column: 12
            }
        );
    }

    #[test]
    fn columns_count_characters_after_chinese_text() {
        let doc = ok("描述: 构建 项目\n名字: 值\nx: {说明: 中文, y: 1}\n");
        let (k, v) = &doc.as_map().unwrap()[1];
        assert_eq!(k.pos, Pos { line: 2, column: 1 });
        assert_eq!(v.pos, Pos { line: 2, column: 5 });
        assert_eq!(v.as_str(), Some("值"));
        let x = doc.get("x").unwrap();
        assert_eq!(
            x.get("y").unwrap().pos,
            Pos {
                line: 3,
                column: 16
            }
        );
        assert_eq!(doc.get("描述").unwrap().as_str(), Some("构建 项目"));
    }

    #[test]
    fn scalar_resolution_follows_the_core_schema_for_plain_scalars() {
        use NodeKind::*;
        let table: &[(&str, NodeKind)] = &[
            ("null", Null),
            ("Null", Null),
            ("NULL", Null),
            ("~", Null),
            ("", Null),
            ("nULL", Str("nULL".into())),
            ("true", Bool(true)),
            ("True", Bool(true)),
            ("TRUE", Bool(true)),
            ("false", Bool(false)),
            ("False", Bool(false)),
            ("FALSE", Bool(false)),
            ("yes", Str("yes".into())),
            ("on", Str("on".into())),
            ("0", Int(0)),
            ("42", Int(42)),
            ("-17", Int(-17)),
            ("+17", Int(17)),
            ("007", Int(7)),
            ("0o17", Int(15)),
            ("0x1F", Int(31)),
            ("0x1f", Int(31)),
            ("0o", Str("0o".into())),
            ("0o8", Str("0o8".into())),
            ("0xG", Str("0xG".into())),
            ("-0x1F", Str("-0x1F".into())),
            ("9223372036854775807", Int(i64::MAX)),
            ("-9223372036854775808", Int(i64::MIN)),
            ("9223372036854775808", Str("9223372036854775808".into())),
            ("0x8000000000000000", Str("0x8000000000000000".into())),
            ("1_000", Str("1_000".into())),
            ("1.5", Float(1.5)),
            ("-1.5", Float(-1.5)),
            ("1.", Float(1.0)),
            (".5", Float(0.5)),
            ("1e3", Float(1000.0)),
            ("1E-3", Float(0.001)),
            ("+2.5e+2", Float(250.0)),
            ("1e", Str("1e".into())),
            ("e3", Str("e3".into())),
            (".", Str(".".into())),
            ("1.2.3", Str("1.2.3".into())),
            (".inf", Float(f64::INFINITY)),
            ("+.Inf", Float(f64::INFINITY)),
            ("-.INF", Float(f64::NEG_INFINITY)),
            ("inf", Str("inf".into())),
            ("NaN", Str("NaN".into())),
            ("infinity", Str("infinity".into())),
            ("7d", Str("7d".into())),
            ("24h", Str("24h".into())),
            ("2026-01-01", Str("2026-01-01".into())),
            ("1:30", Str("1:30".into())),
            ("hello world", Str("hello world".into())),
        ];
        for (src, expected) in table {
            assert_eq!(&resolve_plain(src), expected, "{src:?}");
            // Also through the parser, to be sure the scalar text reaches resolution unchanged.
            assert_eq!(
                &map_value(&format!("v: {src}"), "v").kind,
                expected,
                "{src:?}"
            );
        }
        assert!(matches!(kind(".nan"), Float(f) if f.is_nan()));
        assert!(matches!(kind(".NaN"), Float(f) if f.is_nan()));
        assert_eq!(kind("'*'"), Str("*".into()));
    }

    #[test]
    fn quoted_and_block_scalars_are_always_strings() {
        let doc = ok("a: \"true\"\nb: '12'\nc: |\n  null\nd: >\n  1.5\ne: \"\"\nf: '*'\n");
        assert_eq!(doc.get("a").unwrap().as_str(), Some("true"));
        assert_eq!(doc.get("b").unwrap().as_str(), Some("12"));
        assert_eq!(doc.get("c").unwrap().as_str(), Some("null\n"));
        assert_eq!(doc.get("d").unwrap().as_str(), Some("1.5\n"));
        assert_eq!(doc.get("e").unwrap().as_str(), Some(""));
        assert_eq!(doc.get("f").unwrap().as_str(), Some("*"));
    }

    #[test]
    fn str_tag_and_non_specific_tag_make_plain_scalars_strings() {
        assert_eq!(map_value("a: !!str 12", "a").as_str(), Some("12"));
        assert_eq!(map_value("a: !!str true", "a").as_str(), Some("true"));
        assert_eq!(map_value("a: ! 12", "a").as_str(), Some("12"));
        // Other tags are ignored.
        assert_eq!(map_value("a: !custom 12", "a").kind, NodeKind::Int(12));
        assert_eq!(map_value("a: !!int \"12\"", "a").as_str(), Some("12"));
        assert_eq!(map_value("a: !!str", "a").as_str(), Some(""));
        assert_eq!(
            map_value("a: !<tag:yaml.org,2002:str> 12", "a").as_str(),
            Some("12")
        );
    }

    #[test]
    fn duplicate_key_is_reported_at_the_second_occurrence() {
        let e = err("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(e.kind, YamlErrorKind::DuplicateKey { key: "c".into() });
        assert_eq!(e.pos, at(4, 3));
        let e = err("{x: 1, y: 2, x: 3}");
        assert_eq!(e.pos, at(1, 14));
        assert_eq!(e.to_string(), "duplicate key `x` at 1:14");
    }

    #[test]
    fn keys_that_would_collide_in_json_are_duplicates() {
        let e = err("1: a\n\"1\": b\n");
        assert_eq!(e.kind, YamlErrorKind::DuplicateKey { key: "1".into() });
        assert_eq!(e.pos, at(2, 1));
        assert_eq!(err("~: a\nnull: b\n").pos, at(2, 1));
        assert_eq!(err("0x10: a\n16: b\n").pos, at(2, 1));
        // The same key in different mappings is fine.
        ok("a: {k: 1}\nb: {k: 2}\n");
    }

    #[test]
    fn tab_indentation_is_a_syntax_error_with_position() {
        let e = err("jobs:\n\t- build\n");
        assert!(matches!(e.kind, YamlErrorKind::Syntax { .. }), "{e:?}");
        assert_eq!(e.pos, at(2, 2));
    }

    #[test]
    fn unclosed_flow_sequence_is_a_syntax_error_with_position() {
        let e = err("steps: [a, b\n");
        let YamlErrorKind::Syntax { message } = &e.kind else {
            panic!("{e:?}")
        };
        assert!(message.contains("flow sequence"), "{message}");
        assert_eq!(e.pos, at(2, 1));
    }

    #[test]
    fn bad_indentation_is_a_syntax_error_with_position() {
        let e = err("a:\n  b: 1\n c: 2\n");
        assert!(matches!(e.kind, YamlErrorKind::Syntax { .. }), "{e:?}");
        assert_eq!(e.pos.map(|p| p.line), Some(3));
    }

    #[test]
    fn alias_is_expanded_into_a_copy_with_the_alias_position_at_its_root() {
        let doc = ok("base: &b\n  image: alpine\n  env: [x]\njob1: *b\njob2:\n  - *b\n");
        let base = doc.get("base").unwrap();
        let job1 = doc.get("job1").unwrap();
        assert_eq!(job1.to_json(), base.to_json());
        assert_eq!(job1.pos, Pos { line: 4, column: 7 });
        assert_eq!(
            job1.get("image").unwrap().pos,
            Pos {
                line: 2,
                column: 10
            }
        );
        let in_list = &doc.get("job2").unwrap().as_seq().unwrap()[0];
        assert_eq!(in_list.pos, Pos { line: 6, column: 5 });
        assert_eq!(in_list.to_json(), json!({"image": "alpine", "env": ["x"]}));
        // The anchored original starts at its anchor.
        assert_eq!(base.pos, Pos { line: 1, column: 7 });
    }

    #[test]
    fn scalar_alias_can_be_a_key_and_anchors_can_be_redefined() {
        let doc = ok("- &k name\n- {*k : 1}\n- &k other\n- *k\n");
        let items = doc.as_seq().unwrap();
        assert_eq!(items[1].get("name").unwrap().kind, NodeKind::Int(1));
        assert_eq!(items[3].as_str(), Some("other"));
    }

    #[test]
    fn alias_to_a_collection_as_key_is_a_complex_key() {
        let e = err("- &m [a]\n- {*m : 1}\n");
        assert_eq!(e.kind, YamlErrorKind::ComplexKey);
        assert_eq!(e.pos, at(2, 4));
    }

    #[test]
    fn collection_keys_are_rejected() {
        let e = err("? [a, b]\n: 1\n");
        assert_eq!(e.kind, YamlErrorKind::ComplexKey);
        assert_eq!(e.pos, at(1, 3));
        assert_eq!(err("{[a]: 1}").kind, YamlErrorKind::ComplexKey);
        assert_eq!(err("? {a: 1}\n: 2\n").kind, YamlErrorKind::ComplexKey);
    }

    #[test]
    fn unknown_alias_is_reported_with_its_name() {
        let e = err("a: 1\nb: *nope\n");
        assert_eq!(
            e.kind,
            YamlErrorKind::UnknownAlias {
                name: "nope".into()
            }
        );
        assert_eq!(e.pos, at(2, 4));
        let e = err("a: [*x, 1]");
        assert_eq!(e.kind, YamlErrorKind::UnknownAlias { name: "x".into() });
    }

    #[test]
    fn alias_inside_its_own_anchor_is_unknown() {
        let e = err("a: &s [1, *s]\n");
        assert_eq!(e.kind, YamlErrorKind::UnknownAlias { name: "s".into() });
        assert_eq!(e.pos, at(1, 11));
    }

    fn billion_laughs() -> String {
        let mut doc = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 10].join(",");
            doc.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        doc
    }

    #[test]
    fn billion_laughs_fails_quickly_with_too_many_nodes() {
        let started = std::time::Instant::now();
        let e = err(&billion_laughs());
        assert_eq!(e.kind, YamlErrorKind::TooManyNodes { limit: 100_000 });
        // Level e is the first whose expansion (10^5 strings) exceeds the budget.
        assert_eq!(e.pos.map(|p| p.line), Some(5));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn node_limit_counts_every_node_including_keys() {
        let limits = |max_nodes| Limits {
            max_nodes,
            ..Limits::default()
        };
        // mapping + 2 keys + 2 values, then 2 more for the alias copy.
        let src = b"a: &x [1]\nb: *x\n";
        assert!(parse(src, limits(7)).is_ok());
        let e = err_with(src, limits(6));
        assert_eq!(e.kind, YamlErrorKind::TooManyNodes { limit: 6 });
        assert_eq!(e.pos, at(2, 4));
    }

    #[test]
    fn deep_flow_nesting_fails_with_too_deep_not_a_stack_overflow() {
        for depth in [65, 300, 10_000, 100_000] {
            let src = "[".repeat(depth);
            let e = err(&src);
            assert!(
                matches!(e.kind, YamlErrorKind::TooDeep { .. }),
                "{depth}: {e:?}"
            );
            let closed = format!("{}{}", "{a: ".repeat(depth), "}".repeat(depth));
            let e = err(&closed);
            assert!(
                matches!(e.kind, YamlErrorKind::TooDeep { .. }),
                "{depth}: {e:?}"
            );
        }
        let e = err(&format!("{}{}", "[".repeat(65), "]".repeat(65)));
        assert_eq!(e.kind, YamlErrorKind::TooDeep { limit: 64 });
        assert_eq!(e.pos, at(1, 65));
    }

    #[test]
    fn deep_block_nesting_fails_with_too_deep() {
        let e = err(&"- ".repeat(100_000));
        assert_eq!(e.kind, YamlErrorKind::TooDeep { limit: 64 });
        assert_eq!(e.pos, at(1, 129));
        let nested: String = (0..100)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        assert_eq!(err(&nested).kind, YamlErrorKind::TooDeep { limit: 64 });
    }

    #[test]
    fn nesting_up_to_the_limit_is_accepted() {
        let src = format!("{}1{}", "[".repeat(64), "]".repeat(64));
        let mut node = &ok(&src);
        for _ in 0..64 {
            node = &node.as_seq().unwrap()[0];
        }
        assert_eq!(node.kind, NodeKind::Int(1));
    }

    #[test]
    fn aliases_count_towards_the_depth_limit() {
        let limits = Limits {
            max_depth: 4,
            ..Limits::default()
        };
        let src = b"a: &a [[1]]\nb: [*a]\nc: [[*a]]\n";
        let e = err_with(src, limits);
        assert_eq!(e.kind, YamlErrorKind::TooDeep { limit: 4 });
        assert_eq!(e.pos, at(3, 6));
        assert!(parse(b"a: &a [[1]]\nb: [*a]\n", limits).is_ok());
    }

    #[test]
    fn chained_deep_aliases_cannot_build_an_unbounded_tree() {
        let mut doc = String::from("a0: &a0 [[[[[[[[1]]]]]]]]\n");
        for i in 1..1000 {
            doc.push_str(&format!("a{i}: &a{i} [[[[[[[[*a{}]]]]]]]]\n", i - 1));
        }
        assert!(matches!(
            err(&doc).kind,
            YamlErrorKind::TooDeep { limit: 64 }
        ));
    }

    #[test]
    fn too_large_is_checked_before_parsing() {
        let limits = Limits {
            max_bytes: 8,
            ..Limits::default()
        };
        // Invalid UTF-8 and YAML: the size check must win.
        let e = err_with(b"\xff[[[[[[[[[", limits);
        assert_eq!(
            e.kind,
            YamlErrorKind::TooLarge {
                bytes: 10,
                limit: 8
            }
        );
        assert_eq!(e.pos, None);
        assert!(parse(b"a: 12345", limits).is_ok());
    }

    #[test]
    fn non_utf8_reports_the_position_of_the_first_invalid_byte() {
        let e = err_with(b"a: 1\nb: \xe6\x97\xa5\xff\n", Limits::default());
        assert_eq!(e.kind, YamlErrorKind::NotUtf8);
        assert_eq!(e.pos, at(2, 5));
        let e = err_with(b"x\r\ny\rz\xc3", Limits::default());
        assert_eq!(e.pos, at(3, 2));
        let e = err_with(b"\xef\xbb\xbf\xff", Limits::default());
        assert_eq!(e.pos, at(1, 1));
    }

    #[test]
    fn leading_bom_is_accepted_and_does_not_shift_columns() {
        let node = parse(b"\xef\xbb\xbfa: 1\n", Limits::default()).unwrap();
        assert_eq!(node.get("a").unwrap().pos, Pos { line: 1, column: 4 });
        assert_eq!(node.get("a").unwrap().kind, NodeKind::Int(1));
    }

    #[test]
    fn multiple_documents_are_rejected_at_the_second() {
        let e = err("a: 1\n---\nb: 2\n");
        assert_eq!(e.kind, YamlErrorKind::MultipleDocuments);
        assert_eq!(e.pos, at(2, 1));
        assert_eq!(err("---\na\n...\n---\nb\n").pos, at(4, 1));
        // One explicit document, with or without an end marker, is fine.
        assert_eq!(
            ok("---\na: 1\n...\n").get("a").unwrap().kind,
            NodeKind::Int(1)
        );
    }

    #[test]
    fn stream_without_documents_is_empty() {
        for src in ["", "\n\n", "# only a comment\n", "  \n# x\n"] {
            assert_eq!(err(src).kind, YamlErrorKind::Empty, "{src:?}");
        }
        assert_eq!(
            parse(b"\xef\xbb\xbf", Limits::default()).unwrap_err().kind,
            YamlErrorKind::Empty
        );
        // An explicit but empty document is a null, not an empty stream.
        assert_eq!(kind("---\n"), NodeKind::Null);
    }

    #[test]
    fn to_json_round_trips() {
        let value = json!({
            "name": "ci",
            "on": {"push": {"branches": ["main"]}},
            "retries": 3,
            "ratio": 0.25,
            "enabled": true,
            "nothing": null,
            "matrix": [[1, 2], [], {}],
            "text": "line1\nline2 \"quoted\" 中文"
        });
        let src = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(ok(&src).to_json(), value);
        let block = ok("a:\n  - 1\n  - x: .inf\n    y: .nan\n    1: z\n");
        assert_eq!(
            block.to_json(),
            json!({"a": [1, {"x": null, "y": null, "1": "z"}]})
        );
    }

    #[test]
    fn accessors_and_type_names() {
        let doc = ok("s: x\ni: 1\nf: 1.5\nb: true\nn: ~\nl: []\nm: {}\n1: one\n");
        let names: Vec<_> = doc
            .as_map()
            .unwrap()
            .iter()
            .map(|(_, v)| v.type_name())
            .collect();
        assert_eq!(
            names,
            [
                "string", "integer", "number", "boolean", "null", "list", "mapping", "string"
            ]
        );
        assert_eq!(doc.get("s").unwrap().as_str(), Some("x"));
        assert_eq!(doc.get("i").unwrap().as_i64(), Some(1));
        assert_eq!(doc.get("b").unwrap().as_bool(), Some(true));
        assert_eq!(doc.get("l").unwrap().as_seq(), Some(&[][..]));
        assert!(doc.get("m").unwrap().as_map().unwrap().is_empty());
        assert_eq!(doc.get("1").unwrap().as_str(), Some("one"));
        assert!(doc.get("missing").is_none());
        assert!(doc.get("s").unwrap().get("s").is_none());
        assert!(doc.as_str().is_none() && doc.as_seq().is_none());
    }

    #[test]
    fn error_display_includes_the_position() {
        assert_eq!(
            err("a: *b").to_string(),
            "alias `*b` does not refer to an earlier, complete anchor at 1:4"
        );
        assert_eq!(err("").to_string(), "no YAML document found");
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_bytes(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)
        ) {
            let _ = parse(&bytes, Limits::default());
        }

        #[test]
        fn parse_never_panics_on_yamlish_text(
            chars in proptest::collection::vec(
                proptest::sample::select(
                    "[]{}:,-&*!|>'\"#\n\t ?%@`.~0a1bxk中\u{FEFF}\r".chars().collect::<Vec<_>>()
                ),
                0..200,
            )
        ) {
            let src: String = chars.into_iter().collect();
            let _ = parse(src.as_bytes(), Limits::default());
            let _ = parse(src.as_bytes(), Limits { max_bytes: 1 << 20, max_depth: 3, max_nodes: 20 });
        }

        #[test]
        fn parse_never_panics_on_mutated_documents(
            cut in 0usize..400,
            insert in proptest::sample::select(
                "[]{}:,-&*!|>'\"#\n\t ?".chars().collect::<Vec<_>>()
            ),
        ) {
            let base = "a: &x\n  b: [1, 'two', \"3\"]\n  c: {d: *x}\n- e\n? f\n: |\n  g\n";
            let mut src = base.to_owned();
            let at = src.char_indices().nth(cut % base.chars().count()).map_or(0, |(i, _)| i);
            src.insert(at, insert);
            let _ = parse(src.as_bytes(), Limits::default());
        }
    }
}
