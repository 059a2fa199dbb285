//! The YAML front-end: tree-sitter-yaml concrete syntax tree → `serde_json::Value` with
//! YAML 1.2 core-schema semantics, and a span for every node.
//!
//! Entry points: [`load`] for a whole file and [`load_range`] for a part of a file (Markdown
//! front matter), whose spans stay relative to the whole file.

use serde_json::Value;

use crate::source::Span;

mod spans;

pub use spans::{NodeSpans, SpanMap};

/// Resource bounds for one file. Every bound, when hit, is a diagnostic, never a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of collections accepted.
    pub max_depth: usize,
    /// Most nodes that alias expansion may produce in one document (billion-laughs guard).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
        }
    }
}

/// One document of a YAML stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The value, with YAML 1.2 core-schema typing.
    pub value: Value,
    /// JSON pointer → spans of the node (and of its key, inside a mapping).
    pub spans: SpanMap,
    /// The whole document.
    pub span: Span,
    /// False when the document has a syntax error (or hit a limit): its value is partial and
    /// must not be validated further.
    pub ok: bool,
}

/// A problem found while loading. `code` is a stable diagnostic code (`YAML001`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub code: &'static str,
    pub message: String,
    pub span: Span,
    /// Text of the label on the span.
    pub label: String,
    pub help: Option<String>,
    /// Index of the document it belongs to, when known.
    pub document: Option<usize>,
}

/// A comment, for inline suppressions: the span covers `#` to the end of the line; `text`
/// is what follows `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// The result of loading a file or a range of one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub errors: Vec<YamlError>,
    pub comments: Vec<Comment>,
}

/// Load a whole YAML stream.
pub fn load(src: &str, limits: &Limits) -> Loaded {
    load_range(src, Span::new(0, src.len()), limits)
}

/// Load the YAML inside `range` of `src` (e.g. Markdown front matter); every span is
/// relative to the start of `src`.
pub fn load_range(src: &str, range: Span, limits: &Limits) -> Loaded {
    let _ = (src, range, limits);
    Loaded::default()
}
