//! The YAML front-end: tree-sitter-yaml concrete syntax tree → `serde_json::Value` with
//! YAML 1.2 core-schema semantics, and a span for every node.
//!
//! Entry points: [`load`] for a whole file and [`load_range`] for a part of a file (Markdown
//! front matter), whose spans stay relative to the whole file.

use std::cell::RefCell;

use serde_json::Value;
use tree_sitter::{Node, Parser, Point, Range as TsRange, Tree};

use crate::codes;
use crate::source::Span;
use kinds::Kind;

mod check;
mod chunk;
mod convert;
mod guard;
mod kinds;
mod scalar;
mod spans;
#[cfg(test)]
mod tests;

pub use spans::{NodeSpans, SpanMap};

/// Largest text parsed. tree-sitter-yaml parses a few megabytes a second and its syntax
/// tree takes tens of bytes per byte of input, so a bigger file is refused (YAML004) rather
/// than left to cost seconds and gigabytes.
pub(crate) const MAX_FILE_BYTES: usize = 8 << 20;

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
    /// A secondary place that explains the error (the first of two duplicate keys).
    pub related: Option<(Span, String)>,
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

/// The first document of a data file (a catalog, a crosswalk, a built-in table), or its first
/// problem, prefixed with the file's `name`.
pub(crate) fn first_document(name: &str, src: &str) -> Result<Document, String> {
    let loaded = load(src, &Limits::default());
    if let Some(e) = loaded.errors.first() {
        return Err(format!("{name}: {}", e.message));
    }
    loaded
        .documents
        .into_iter()
        .next()
        .ok_or_else(|| format!("{name}: empty file"))
}

/// Load the YAML inside `range` of `src` (e.g. Markdown front matter); every span is
/// relative to the start of `src`.
pub(crate) fn load_range(src: &str, range: Span, limits: &Limits) -> Loaded {
    let mut out = Loaded::default();
    let start = floor_char_boundary(src, range.start);
    let end = floor_char_boundary(src, range.end).max(start);
    let mut text = &src[start..end];
    let mut base = start;
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest;
        base += '\u{feff}'.len_utf8();
    }
    if text.len() > MAX_FILE_BYTES {
        let mib = MAX_FILE_BYTES >> 20;
        out.errors.push(YamlError {
            code: codes::YAML004,
            message: format!("the file is larger than {mib} MiB and is not parsed"),
            span: Span::new(
                base,
                base + text.find(['\n', '\r']).unwrap_or(text.len()).min(1),
            ),
            label: "file too large".to_owned(),
            help: Some("split the file; compliance artifacts are far smaller".to_owned()),
            document: Some(0),
            related: None,
        });
        out.documents.push(Document {
            value: Value::Null,
            spans: SpanMap::new(),
            span: Span::new(base, base + text.len()),
            ok: false,
        });
        return out;
    }
    // Text the tree-sitter scanner cannot take is cut off before parsing (see `guard`).
    let cut = guard::unsafe_line(text);
    let parsed = match cut {
        Some((line, _, _)) => &text[..line],
        None => text,
    };
    let mut syntax = Vec::new();
    let mut after_end_marker = true;
    let mut rows = RowCounter::default();
    for segment in chunk::segments(parsed) {
        let mut trees = Vec::with_capacity(segment.parts.len());
        for &(a, b) in &segment.parts {
            let Some(tree) = parse(parsed, a, b, &mut rows) else {
                syntax.push(check::SyntaxError {
                    start: a,
                    end: a,
                    message: "the YAML parser gave up on this part of the file".to_owned(),
                    specific: true,
                });
                continue;
            };
            let mut errs = check::scan_tree(&tree, parsed, base, &mut out.comments);
            errs.extend(check::unparsed_tail(
                &tree,
                &parsed[..b],
                &mut out.comments,
                base,
            ));
            check::refine(&mut errs, parsed);
            syntax.append(&mut errs);
            trees.push(tree);
        }
        let seg_start = segment.parts.first().map_or(0, |p| p.0);
        let seg_end = segment.parts.last().map_or(0, |p| p.1);
        let Some(first) = trees.first() else { continue };
        let root = first.root_node();
        if kinds::kind(root) != Kind::Stream {
            // The parser could not make out any document structure.
            out.documents.push(Document {
                value: Value::Null,
                spans: SpanMap::new(),
                span: Span::new(base + seg_start, base + seg_end),
                ok: false,
            });
            continue;
        }
        let mut c = root.walk();
        let doc_nodes: Vec<Node<'_>> = root
            .named_children(&mut c)
            .filter(|n| kinds::kind(*n) == Kind::Document)
            .collect();
        // Further parts of a long document continue its root collection.
        let extra: Vec<Node<'_>> = trees[1..]
            .iter()
            .filter_map(|t| {
                let r = t.root_node();
                let mut c = r.walk();
                let doc = r
                    .named_children(&mut c)
                    .find(|n| kinds::kind(*n) == Kind::Document)?;
                DocShape::of(doc).content
            })
            .collect();
        let last = doc_nodes.len().saturating_sub(1);
        for (k, node) in doc_nodes.into_iter().enumerate() {
            let shape = DocShape::of(node);
            if !shape.start_marker && shape.directives.is_empty() && shape.content.is_none() {
                // A lone `...` (with comments) ends a document; it does not open one.
                after_end_marker |= shape.end_marker;
                continue;
            }
            let index = out.documents.len();
            let parts: &[Node<'_>] = if k == last { &extra } else { &[] };
            let mut doc = convert_document(
                node,
                &shape,
                parts,
                parsed,
                base,
                limits,
                index,
                &mut out.errors,
            );
            if k == last && !extra.is_empty() {
                doc.span.end = base + seg_end;
            }
            if !directive_errors(
                &shape,
                after_end_marker || index == 0,
                parsed,
                base,
                index,
                &mut out.errors,
            ) {
                doc.ok = false;
            }
            after_end_marker = shape.end_marker;
            out.documents.push(doc);
        }
    }
    for e in syntax {
        let span = Span::new(base + e.start, base + e.end);
        let document = owning_document(&mut out.documents, span, base + parsed.len());
        out.errors.push(YamlError {
            code: codes::YAML001,
            message: e.message,
            span,
            label: "syntax error".to_owned(),
            help: None,
            document,
            related: None,
        });
    }
    if let Some((_, content, why)) = cut {
        let at = base + content;
        // Errors at the cut are artefacts of it.
        out.errors.retain(|e| {
            !(e.code == codes::YAML001 && e.span.end >= base + parsed.len() && !parsed.is_empty())
        });
        let (message, help) = match why {
            guard::Cut::TooDeep => (
                format!(
                    "block collections nest deeper than the parser supports (about {} levels)",
                    guard::MAX_BLOCK_LEVELS
                ),
                "flatten the structure; the rest of the file is not read",
            ),
            guard::Cut::TooIndented => (
                "this line is indented by more spaces than the parser supports".to_owned(),
                "reduce the indentation; the rest of the file is not read",
            ),
        };
        let document = owning_document(&mut out.documents, Span::at(at), at);
        if document.is_none() {
            out.documents.push(Document {
                value: Value::Null,
                spans: SpanMap::new(),
                span: Span::new(base, base + text.len()),
                ok: false,
            });
        }
        let document = document.or(Some(out.documents.len() - 1));
        let line_end = text[content..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| content + i);
        out.errors.push(YamlError {
            code: codes::YAML004,
            message,
            span: Span::new(at, base + line_end.min(content + 1)),
            label: "limit exceeded here".to_owned(),
            help: Some(help.to_owned()),
            document,
            related: None,
        });
    }
    explain_cross_document_aliases(&mut out, src);
    out.errors.sort_by_key(|e| (e.span.start, e.span.end));
    out
}

/// An undefined alias whose anchor is defined in an earlier document of the same stream: say
/// that anchors do not cross `---`, and where that anchor is (a related place), instead of
/// asking to define it "before the alias". Either way the document is not checked; the help
/// says so.
fn explain_cross_document_aliases(out: &mut Loaded, src: &str) {
    for e in out.errors.iter_mut() {
        if e.code != codes::YAML003 || !e.message.starts_with("undefined alias `*") {
            continue;
        }
        let Some(name) = src
            .get(e.span.start..e.span.end)
            .and_then(|a| a.strip_prefix('*'))
        else {
            continue;
        };
        let Some(doc) = e.document else { continue };
        let anchor = format!("&{name}");
        let earlier = out.documents[..doc.min(out.documents.len())]
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, d)| {
                let text = src.get(d.span.start..d.span.end)?;
                let at = text.match_indices(&anchor).find(|(p, _)| {
                    let after = text[p + anchor.len()..].chars().next();
                    after.is_none_or(|c| c.is_whitespace() || ",]}".contains(c))
                })?;
                Some((
                    i,
                    Span::new(d.span.start + at.0, d.span.start + at.0 + anchor.len()),
                ))
            });
        match earlier {
            Some((i, span)) => {
                e.help = Some(format!(
                    "anchors do not cross `---`: `&{name}` is defined in document {} of this file, and an alias can only refer to an anchor of its own document; repeat the value here (or put both in one document). This document is not checked until then",
                    i + 1
                ));
                e.related = Some((
                    span,
                    format!("`&{name}` is defined here, in an earlier document"),
                ));
            }
            None => {
                if let Some(h) = &mut e.help {
                    h.push_str("; this document is not checked until then");
                }
            }
        }
    }
}

/// Mark the document an error belongs to as not ok and return its index: the document that
/// contains it, else the last one before it, else the first.
fn owning_document(docs: &mut [Document], span: Span, text_end: usize) -> Option<usize> {
    let pos = span.start;
    let index = docs
        .iter()
        .position(|d| {
            d.span.start <= pos && (pos < d.span.end || (pos == d.span.end && pos == text_end))
        })
        .or_else(|| docs.iter().rposition(|d| d.span.start <= pos))
        .or(if docs.is_empty() { None } else { Some(0) })?;
    docs[index].ok = false;
    Some(index)
}

/// The parts of a `document` node.
struct DocShape<'t> {
    directives: Vec<Node<'t>>,
    content: Option<Node<'t>>,
    start_marker: bool,
    end_marker: bool,
}

impl<'t> DocShape<'t> {
    fn of(node: Node<'t>) -> Self {
        let mut shape = DocShape {
            directives: Vec::new(),
            content: None,
            start_marker: false,
            end_marker: false,
        };
        let mut c = node.walk();
        for child in node.children(&mut c) {
            match kinds::kind(child) {
                Kind::YamlDirective | Kind::TagDirective | Kind::ReservedDirective => {
                    shape.directives.push(child)
                }
                Kind::BlockNode | Kind::FlowNode if shape.content.is_none() => {
                    shape.content = Some(child)
                }
                Kind::StartMarker => shape.start_marker = true,
                Kind::EndMarker => shape.end_marker = true,
                _ => {}
            }
        }
        shape
    }
}

/// Check a document's directives: at most one `%YAML`, and directives only at the start of
/// the stream or after a `...`. Returns false when one is wrong.
fn directive_errors(
    shape: &DocShape<'_>,
    may_have_directives: bool,
    text: &str,
    base: usize,
    index: usize,
    errors: &mut Vec<YamlError>,
) -> bool {
    let mut ok = true;
    let mut seen_yaml = false;
    for d in &shape.directives {
        let span = Span::new(base + d.start_byte(), base + d.end_byte());
        let mut problem = None;
        if !may_have_directives {
            problem = Some((
                "a directive must follow a document end marker (`...`)".to_owned(),
                "end the previous document with `...` before the directive",
            ));
        } else if kinds::kind(*d) == Kind::YamlDirective {
            if seen_yaml {
                problem = Some((
                    "duplicate `%YAML` directive".to_owned(),
                    "a document takes at most one `%YAML` directive",
                ));
            }
            seen_yaml = true;
        }
        if let Some((message, help)) = problem {
            ok = false;
            let name_end = text[d.start_byte()..d.end_byte()]
                .find([' ', '\t'])
                .map_or(span.end, |i| span.start + i);
            errors.push(YamlError {
                code: codes::YAML001,
                message,
                span: Span::new(span.start, name_end),
                label: "misplaced directive".to_owned(),
                help: Some(help.to_owned()),
                document: Some(index),
                related: None,
            });
        }
    }
    ok
}

#[allow(clippy::too_many_arguments)]
fn convert_document<'t>(
    node: Node<'t>,
    shape: &DocShape<'t>,
    parts: &[Node<'t>],
    text: &'t str,
    base: usize,
    limits: &Limits,
    index: usize,
    errors: &mut Vec<YamlError>,
) -> Document {
    let mut walker = convert::DocWalker::new(text, base, *limits, index);
    for d in &shape.directives {
        if kinds::kind(*d) == Kind::TagDirective {
            walker.tag_directive(*d);
        }
    }
    let value = walker.run(shape.content, parts, node.start_byte());
    errors.append(&mut walker.errors);
    Document {
        value,
        spans: walker.spans,
        span: Span::new(base + node.start_byte(), base + node.end_byte()),
        ok: walker.ok,
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

thread_local! {
    /// One parser per thread: creating one per file would cost more than small files do.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Rows (line numbers) of byte offsets, counted forwards only, so that finding the rows of
/// all the parts of a file costs one pass over it.
#[derive(Default)]
struct RowCounter {
    offset: usize,
    row: usize,
    line_start: usize,
}

impl RowCounter {
    fn point(&mut self, text: &str, offset: usize) -> Point {
        if offset < self.offset {
            *self = RowCounter::default();
        }
        for (i, b) in text.as_bytes()[self.offset..offset].iter().enumerate() {
            if *b == b'\n' {
                self.row += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        Point::new(self.row, offset - self.line_start)
    }
}

/// Parse `text[start..end]`; node offsets stay relative to `text`.
fn parse(text: &str, start: usize, end: usize, rows: &mut RowCounter) -> Option<Tree> {
    let whole = start == 0 && end == text.len();
    let range = if whole {
        None
    } else {
        Some(TsRange {
            start_byte: start,
            end_byte: end,
            start_point: rows.point(text, start),
            end_point: rows.point(text, end),
        })
    };
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_yaml::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut()?;
        if let Some(r) = range {
            parser.set_included_ranges(&[r]).ok()?;
        }
        let tree = parser.parse(text, None);
        if tree.is_none() {
            parser.reset();
        }
        if range.is_some() {
            // Back to whole-text parsing for the next caller; an empty list always works.
            let _ = parser.set_included_ranges(&[]);
        }
        tree
    })
}
