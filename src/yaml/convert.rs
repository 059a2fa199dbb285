//! The tree walk: one tree-sitter `document` node → a `serde_json::Value` with its span map.
//!
//! The walk keeps an explicit stack of open collections, never recursing, so input nesting
//! can only cost heap memory bounded by `Limits::max_depth`; deeper collections are replaced
//! by `null` and reported (YAML004).

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};
use tree_sitter::{Node, TreeCursor};

use super::kinds::{self, Kind};
use super::scalar::{self, ScalarIssue};
use super::spans::{NodeSpans, SpanMap};
use super::{Limits, YamlError};
use crate::codes;
use crate::pointer::Pointer;
use crate::source::Span;

/// The core schema's tag prefix (what `!!` expands to by default).
const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// The state of one document's conversion. `'t` covers both the parsed text and its tree.
pub(super) struct DocWalker<'t> {
    /// The parsed text; node offsets are relative to it.
    text: &'t str,
    /// Offset of `text` in the file: added to every span.
    base: usize,
    limits: Limits,
    doc: usize,
    pub errors: Vec<YamlError>,
    pub spans: SpanMap,
    pub ok: bool,
    anchors: HashMap<&'t str, Anchored>,
    alias_nodes: usize,
    limit_reported: bool,
    /// `%TAG` handles declared by the document's directives.
    handles: Vec<(&'t str, &'t str)>,
    stack: Vec<Frame<'t>>,
    /// One cursor for every walk over a node's children (a new cursor costs an allocation).
    cursor: Option<TreeCursor<'t>>,
}

struct Anchored {
    value: Value,
    /// Number of nodes in `value` (what an alias to it expands to).
    nodes: usize,
}

/// An open collection.
/// The key of a YAML merge (`<<: *defaults`).
const MERGE_KEY: &str = "<<";

struct Frame<'t> {
    coll: Coll,
    entries: Vec<Node<'t>>,
    next: usize,
    pointer: Pointer,
    anchor: Option<&'t str>,
    /// Where the finished collection goes in its parent.
    dest: Dest,
    nodes: usize,
    /// Indentation of the collection's entries (parent indentation of block scalars).
    indent: isize,
}

enum Coll {
    Seq(Vec<Value>),
    Map(Map<String, Value>),
}

enum Dest {
    Root,
    Item,
    Value(String),
}

/// A node's properties and content.
struct Parts<'t> {
    anchor: Option<Node<'t>>,
    tag: Option<Node<'t>>,
    content: Option<Node<'t>>,
}

fn parts_of<'t>(node: Node<'t>, cursor: &mut Option<TreeCursor<'t>>) -> Parts<'t> {
    let mut p = Parts {
        anchor: None,
        tag: None,
        content: None,
    };
    match kinds::kind(node) {
        Kind::BlockNode | Kind::FlowNode => {}
        _ => {
            p.content = Some(node);
            return p;
        }
    }
    let c = cursor_for(cursor, node);
    for child in node.named_children(c) {
        match kinds::kind(child) {
            Kind::Anchor => p.anchor = Some(child),
            Kind::Tag => p.tag = Some(child),
            Kind::Comment | Kind::Error => {}
            _ => {
                if p.content.is_none() {
                    p.content = Some(child);
                }
            }
        }
    }
    p
}

/// Where a value sits: its JSON pointer, its key's span, and where an empty value is.
struct Slot {
    pointer: Pointer,
    key: Option<Span>,
    empty: Span,
    dest: Dest,
    /// Indentation of the parent (for block scalars with an indentation indicator).
    indent: isize,
}

/// A decoded scalar: its text, and whether it was plain (plain scalars are typed by the
/// core schema; every other style is a string).
struct Decoded<'t> {
    text: Cow<'t, str>,
    plain: bool,
}

impl<'t> DocWalker<'t> {
    pub(super) fn new(text: &'t str, base: usize, limits: Limits, doc: usize) -> Self {
        DocWalker {
            text,
            base,
            limits,
            doc,
            errors: Vec::new(),
            spans: SpanMap::new(),
            ok: true,
            anchors: HashMap::new(),
            alias_nodes: 0,
            limit_reported: false,
            handles: Vec::new(),
            stack: Vec::new(),
            cursor: None,
        }
    }

    fn span(&self, node: Node<'_>) -> Span {
        Span::new(self.base + node.start_byte(), self.base + node.end_byte())
    }

    fn src(&self, node: Node<'_>) -> &'t str {
        self.text
            .get(node.start_byte()..node.end_byte())
            .unwrap_or("")
    }

    fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        self.ok = false;
        self.errors.push(YamlError {
            code,
            message,
            span,
            label: label.to_owned(),
            help,
            document: Some(self.doc),
            related: None,
        });
    }

    fn scalar_issue(&mut self, node: Node<'_>, issue: ScalarIssue) {
        let start = self.base + node.start_byte() + issue.offset;
        self.error(
            codes::YAML001,
            Span::new(start, start + issue.len),
            issue.message,
            "invalid here",
            None,
        );
    }

    fn limit(&mut self, span: Span, message: String, help: &str) {
        self.ok = false;
        if self.limit_reported {
            return;
        }
        self.limit_reported = true;
        self.error(
            codes::YAML004,
            span,
            message,
            "limit exceeded here",
            Some(help.to_owned()),
        );
    }

    /// Record a `%TAG` directive.
    pub(super) fn tag_directive(&mut self, node: Node<'t>) {
        let mut handle = None;
        let mut prefix = None;
        let mut c = node.walk();
        for child in node.named_children(&mut c) {
            match kinds::kind(child) {
                Kind::TagHandle => handle = Some(self.src(child)),
                Kind::TagPrefix => prefix = Some(self.src(child)),
                _ => {}
            }
        }
        if let (Some(h), Some(p)) = (handle, prefix) {
            self.handles.push((h, p));
        }
    }

    /// The core type of a node's tag, after checking that a named handle is declared.
    fn tag_of(&mut self, tag: Option<Node<'t>>) -> Option<&'t str> {
        let tag = tag?;
        let t = self.src(tag);
        if let Some(rest) = t.strip_prefix('!')
            && let Some(i) = rest.find('!')
            && i > 0
            && !t.starts_with("!<")
        {
            let handle = &t[..i + 2];
            if !self.handles.iter().any(|(h, _)| *h == handle) {
                self.error(
                    codes::YAML001,
                    Span::new(
                        self.base + tag.start_byte(),
                        self.base + tag.start_byte() + handle.len(),
                    ),
                    format!("tag handle `{handle}` is not declared in this document"),
                    "undeclared tag handle",
                    Some(format!(
                        "declare it with a `%TAG {handle} …` directive before `---`"
                    )),
                );
            }
        }
        self.core_tag(tag)
    }

    /// The core-schema type a tag stands for (`str`, `int`, …), `Some("")` for the
    /// non-specific tag `!`, `None` for any other tag (ignored).
    fn core_tag(&self, tag: Node<'_>) -> Option<&'t str> {
        let t = self.src(tag);
        if t == "!" {
            return Some("");
        }
        if let Some(v) = t.strip_prefix("!<").and_then(|r| r.strip_suffix('>')) {
            return v.strip_prefix(CORE_PREFIX);
        }
        let rest = t.strip_prefix('!')?;
        // Named handle `!x!suffix`, secondary `!!suffix` or primary `!suffix`.
        let (handle, suffix) = match rest.find('!') {
            Some(i) => (&t[..i + 2], &rest[i + 1..]),
            None => ("!", rest),
        };
        let declared = self
            .handles
            .iter()
            .rev()
            .find(|(h, _)| *h == handle)
            .map(|(_, p)| *p);
        let prefix = declared.or(if handle == "!!" {
            Some(CORE_PREFIX)
        } else {
            None
        })?;
        let full_rest = prefix.strip_prefix(CORE_PREFIX)?;
        // A prefix that already names part of the type (`tag:yaml.org,2002:s` + `tr`).
        let name = if full_rest.is_empty() {
            suffix.to_owned()
        } else {
            format!("{full_rest}{suffix}")
        };
        ["str", "int", "float", "bool", "null", "map", "seq"]
            .into_iter()
            .find(|n| *n == name)
    }

    /// Convert the document's content node (`None` for an empty document).
    /// `parts` are the root collections of the further parts of a document too long to be
    /// parsed at once (see `chunk`): their entries continue the root collection.
    pub(super) fn run(&mut self, root: Option<Node<'t>>, parts: &[Node<'t>], at: usize) -> Value {
        let slot = Slot {
            pointer: Pointer::root(),
            key: None,
            empty: Span::at(self.base + at),
            dest: Dest::Root,
            indent: -1,
        };
        let mut result = self.start_value(root, slot).unwrap_or(Value::Null);
        for part in parts {
            let p = parts_of(*part, &mut self.cursor);
            let Some(content) = p.content else { continue };
            let more = entries_of(content, &mut self.cursor);
            match self.stack.first_mut() {
                Some(frame)
                    if matches!(
                        (&frame.coll, kinds::kind(content)),
                        (Coll::Map(_), Kind::BlockMapping) | (Coll::Seq(_), Kind::BlockSequence)
                    ) =>
                {
                    frame.entries.extend(more);
                }
                _ => {
                    let at = self.base + content.start_byte();
                    self.error(
                        codes::YAML001,
                        Span::new(at, at + 1),
                        "this top-level entry does not continue the document's root collection"
                            .to_owned(),
                        "unexpected entry",
                        None,
                    );
                }
            }
        }
        while let Some(top) = self.stack.last_mut() {
            if top.next < top.entries.len() {
                let entry = top.entries[top.next];
                top.next += 1;
                if let Some(v) = self.entry(entry) {
                    result = v;
                }
                continue;
            }
            let Some(frame) = self.stack.pop() else { break };
            if let Some(v) = self.finish(frame) {
                result = v;
            }
        }
        result
    }

    /// Close a collection and hand it to its parent; the root value is returned.
    fn finish(&mut self, frame: Frame<'t>) -> Option<Value> {
        let value = match frame.coll {
            Coll::Seq(items) => Value::Array(items),
            Coll::Map(mut map) => {
                if let Some(merged) = map.shift_remove(MERGE_KEY) {
                    self.merge(&mut map, merged, &frame.pointer);
                }
                Value::Object(map)
            }
        };
        if let Some(name) = frame.anchor {
            self.anchors.insert(
                name,
                Anchored {
                    value: value.clone(),
                    nodes: frame.nodes,
                },
            );
        }
        self.deliver(frame.dest, value, frame.nodes)
    }

    /// Apply a merge key (`<<: *defaults`, `<<: [*a, *b]`) to a finished mapping, as the YAML
    /// merge-key type defines it: the mapping's own keys win, and of several merged mappings
    /// the earlier wins. The merged keys take the span of the `<<` entry, so a finding about a
    /// merged value points at the line that brought it in. Anything but a mapping or a list of
    /// mappings is an error.
    fn merge(&mut self, map: &mut Map<String, Value>, merged: Value, pointer: &Pointer) {
        let at = pointer.child(MERGE_KEY);
        let spans = self.spans.get(&at);
        let sources: Vec<Map<String, Value>> = match merged {
            Value::Object(m) => vec![m],
            Value::Array(items) if items.iter().all(Value::is_object) => items
                .into_iter()
                .filter_map(|v| match v {
                    Value::Object(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => {
                let span = spans.map_or(Span::at(self.base), |s| s.value);
                self.error(
                    codes::YAML005,
                    span,
                    "the merge key `<<` takes a mapping or a list of mappings".to_owned(),
                    "not a mapping",
                    Some(
                        "write `<<: *anchor` (or `<<: [*a, *b]`) where each anchor names a mapping"
                            .to_owned(),
                    ),
                );
                return;
            }
        };
        for source in sources {
            for (key, value) in source {
                if map.contains_key(&key) {
                    continue;
                }
                if let Some(s) = spans {
                    self.spans.insert(pointer.child(&key), s);
                }
                map.insert(key, value);
            }
        }
    }

    /// Put a finished value where it belongs; returns it if it is the root.
    fn deliver(&mut self, dest: Dest, value: Value, nodes: usize) -> Option<Value> {
        let Some(parent) = self.stack.last_mut() else {
            return Some(value);
        };
        parent.nodes = parent.nodes.saturating_add(nodes);
        match (dest, &mut parent.coll) {
            (Dest::Item, Coll::Seq(items)) => items.push(value),
            (Dest::Value(key), Coll::Map(map)) => {
                // A duplicate key (already reported) keeps the last value, as most tools do.
                map.insert(key, value);
            }
            (Dest::Root, _) => return Some(value),
            _ => {}
        }
        None
    }

    /// Process one entry of the innermost open collection.
    fn entry(&mut self, entry: Node<'t>) -> Option<Value> {
        let top = self.stack.last()?;
        let indent = top.indent;
        let kind = kinds::kind(entry);
        if let Coll::Seq(items) = &top.coll {
            let pointer = top.pointer.item(items.len());
            return match kind {
                Kind::BlockSequenceItem => {
                    let content = first_named(entry, &mut self.cursor, |k| {
                        matches!(k, Kind::BlockNode | Kind::FlowNode)
                    });
                    let slot = Slot {
                        pointer,
                        key: None,
                        empty: Span::at(self.base + entry.start_byte() + 1),
                        dest: Dest::Item,
                        indent: self.column(entry.start_byte()) as isize,
                    };
                    self.start_value(content, slot)
                }
                Kind::FlowPair => {
                    // `[a: b]`: a single-pair mapping.
                    let slot = Slot {
                        pointer,
                        key: None,
                        empty: Span::at(self.base + entry.start_byte()),
                        dest: Dest::Item,
                        indent,
                    };
                    let span = self.span(entry);
                    self.open(Coll::Map(Map::new()), vec![entry], span, None, slot)
                }
                _ => {
                    let slot = Slot {
                        pointer,
                        key: None,
                        empty: Span::at(self.base + entry.start_byte()),
                        dest: Dest::Item,
                        indent,
                    };
                    self.start_value(Some(entry), slot)
                }
            };
        }
        let (key_node, value_node, empty_at, pair_indent) = match kind {
            Kind::BlockMappingPair | Kind::FlowPair => {
                let colon_end = child_token_end(entry, &mut self.cursor, Kind::Colon);
                let pair_indent = if kind == Kind::BlockMappingPair {
                    self.column(entry.start_byte()) as isize
                } else {
                    indent
                };
                (
                    kinds::key_field().and_then(|f| entry.child_by_field_id(f.get())),
                    kinds::value_field().and_then(|f| entry.child_by_field_id(f.get())),
                    colon_end,
                    pair_indent,
                )
            }
            // `{a, b: c}`: `a` is a key with an empty value.
            _ => (Some(entry), None, None, indent),
        };
        let (key, key_span) = self.key(key_node, Span::at(self.base + entry.start_byte()))?;
        let top = self.stack.last()?;
        let pointer = top.pointer.child(&key);
        if let Coll::Map(map) = &top.coll
            && map.contains_key(&key)
        {
            let first = self.spans.get(&pointer).and_then(|s| s.key);
            let help = "remove one of the entries or merge them (the last one is kept)".to_owned();
            self.errors.push(YamlError {
                code: codes::YAML002,
                message: format!("duplicate key `{key}` in this mapping"),
                span: key_span,
                label: "duplicate key".to_owned(),
                help: Some(help),
                document: Some(self.doc),
                related: first.map(|f| (f, format!("first `{key}` here"))),
            });
        }
        let empty = match empty_at {
            Some(e) => Span::at(self.base + e),
            None => Span::at(key_span.end),
        };
        let slot = Slot {
            pointer,
            key: Some(key_span),
            empty,
            dest: Dest::Value(key),
            indent: pair_indent,
        };
        self.start_value(value_node, slot)
    }

    /// A mapping key: its JSON key string and span. `None` (after a YAML005) when the key is
    /// a collection.
    fn key(&mut self, node: Option<Node<'t>>, at: Span) -> Option<(String, Span)> {
        let Some(node) = node else {
            return Some((String::new(), at));
        };
        let p = parts_of(node, &mut self.cursor);
        let tag = self.tag_of(p.tag);
        let Some(content) = p.content else {
            let value = empty_value(tag);
            if let Some(a) = p.anchor {
                let name = self.anchor_name(a);
                self.anchors.insert(name, Anchored { value, nodes: 1 });
            }
            return Some((String::new(), self.span(node)));
        };
        let span = self.span(content);
        match kinds::kind(content) {
            Kind::Alias => {
                let (value, _) = self.alias(content)?;
                match value {
                    Value::String(s) => Some((s, span)),
                    Value::Array(_) | Value::Object(_) => {
                        self.complex_key(span);
                        None
                    }
                    Value::Null => Some((String::new(), span)),
                    other => Some((other.to_string(), span)),
                }
            }
            Kind::BlockMapping | Kind::BlockSequence | Kind::FlowMapping | Kind::FlowSequence => {
                self.complex_key(span);
                None
            }
            _ => {
                let d = self.decode(content, -1)?;
                if let Some(a) = p.anchor {
                    let value = typed(&d, tag);
                    let name = self.anchor_name(a);
                    self.anchors.insert(name, Anchored { value, nodes: 1 });
                }
                Some((d.text.into_owned(), span))
            }
        }
    }

    fn complex_key(&mut self, span: Span) {
        self.error(
            codes::YAML005,
            span,
            "a mapping key is a collection, which has no JSON form".to_owned(),
            "collection used as a key",
            Some("use a scalar key".to_owned()),
        );
    }

    fn anchor_name(&self, anchor: Node<'t>) -> &'t str {
        let s = self.src(anchor);
        s.strip_prefix('&').unwrap_or(s)
    }

    /// Expand an alias to its value and node count; `None` when it is undefined (reported)
    /// or over the budget.
    fn alias(&mut self, node: Node<'t>) -> Option<(Value, usize)> {
        let raw = self.src(node);
        let name = raw.strip_prefix('*').unwrap_or(raw);
        let span = self.span(node);
        let Some(anchored) = self.anchors.get(name) else {
            let recursive = self.stack.iter().any(|f| f.anchor == Some(name));
            let message = if recursive {
                format!("alias `*{name}` refers to a node that contains it")
            } else {
                format!("undefined alias `*{name}`")
            };
            let help = if recursive {
                "a recursive structure has no JSON form"
            } else {
                "define the anchor (`&name`) before the alias, or correct the name"
            };
            self.error(
                codes::YAML003,
                span,
                message,
                "undefined alias",
                Some(help.to_owned()),
            );
            return None;
        };
        let nodes = anchored.nodes;
        if self.alias_nodes.saturating_add(nodes) > self.limits.max_alias_nodes {
            let max = self.limits.max_alias_nodes;
            self.limit(
                span,
                format!("aliases expand to more than {max} nodes"),
                "this looks like an alias bomb (\"billion laughs\"); flatten the document or raise `max_alias_nodes`",
            );
            return None;
        }
        self.alias_nodes += nodes;
        Some((anchored.value.clone(), nodes))
    }

    /// Decode a scalar token (`None` after reporting an invalid one).
    fn decode(&mut self, node: Node<'t>, indent: isize) -> Option<Decoded<'t>> {
        let raw = self.src(node);
        let result = match kinds::kind(node) {
            Kind::PlainScalar => Ok(Decoded {
                text: scalar::plain(raw),
                plain: true,
            }),
            Kind::SingleQuoteScalar => {
                scalar::single_quoted(raw).map(|text| Decoded { text, plain: false })
            }
            Kind::DoubleQuoteScalar => scalar::double_quoted(raw).map(|text| Decoded {
                text: Cow::Owned(text),
                plain: false,
            }),
            Kind::BlockScalar => self.block_scalar(node, indent).map(|text| Decoded {
                text: Cow::Owned(text),
                plain: false,
            }),
            _ => Ok(Decoded {
                text: Cow::Borrowed(raw),
                plain: false,
            }),
        };
        match result {
            Ok(d) => Some(d),
            Err(issue) => {
                self.scalar_issue(node, issue);
                None
            }
        }
    }

    fn block_scalar(&self, node: Node<'t>, indent: isize) -> Result<String, ScalarIssue> {
        let start = node.start_byte();
        let rest = self.text.get(start..).unwrap_or("");
        let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let header = scalar::block_header(&rest[..line_end])?;
        let mut body_start = line_end;
        if rest[body_start..].starts_with("\r\n") {
            body_start += 2;
        } else if body_start < rest.len() {
            body_start += 1;
        }
        scalar::block_body(&rest[body_start..], header, indent)
            .map(|b| b.value)
            .map_err(|mut e| {
                e.offset += body_start;
                e
            })
    }

    /// Start converting a value node: scalars and aliases are delivered at once,
    /// collections are opened (their entries are processed by `run`).
    fn start_value(&mut self, node: Option<Node<'t>>, slot: Slot) -> Option<Value> {
        let Some(node) = node else {
            self.spans.insert(
                slot.pointer,
                NodeSpans {
                    key: slot.key,
                    value: slot.empty,
                },
            );
            return self.deliver(slot.dest, Value::Null, 1);
        };
        let p = parts_of(node, &mut self.cursor);
        let tag = self.tag_of(p.tag);
        let anchor = p.anchor.map(|a| self.anchor_name(a));
        let Some(content) = p.content else {
            // Properties only: an empty scalar.
            let value = empty_value(tag);
            return self.scalar_done(value, anchor, self.span(node), slot);
        };
        let mut span = self.span(content);
        let kind = kinds::kind(content);
        if kinds::is_block(content) {
            // Block collections end at their last token, not at the following line break.
            let raw = self.src(content);
            span.end = span.start + raw.trim_end_matches([' ', '\t', '\r', '\n']).len();
        }
        match kind {
            Kind::BlockMapping | Kind::FlowMapping | Kind::BlockSequence | Kind::FlowSequence => {
                let entries = entries_of(content, &mut self.cursor);
                let coll = if matches!(kind, Kind::BlockMapping | Kind::FlowMapping) {
                    Coll::Map(Map::new())
                } else {
                    Coll::Seq(Vec::new())
                };
                let slot = Slot {
                    indent: if matches!(kind, Kind::BlockMapping | Kind::BlockSequence) {
                        self.column(content.start_byte()) as isize
                    } else {
                        slot.indent
                    },
                    ..slot
                };
                self.open(coll, entries, span, anchor, slot)
            }
            Kind::Alias => {
                let (value, nodes) = self.alias(content).unwrap_or((Value::Null, 1));
                self.spans.insert(
                    slot.pointer,
                    NodeSpans {
                        key: slot.key,
                        value: span,
                    },
                );
                if let Some(a) = anchor {
                    self.anchors.insert(
                        a,
                        Anchored {
                            value: value.clone(),
                            nodes,
                        },
                    );
                }
                self.deliver(slot.dest, value, nodes)
            }
            Kind::PlainScalar
            | Kind::SingleQuoteScalar
            | Kind::DoubleQuoteScalar
            | Kind::BlockScalar => {
                let value = match self.decode(content, slot.indent) {
                    Some(d) => typed_owned(d, tag),
                    None => Value::Null,
                };
                self.scalar_done(value, anchor, span, slot)
            }
            _ => self.scalar_done(Value::Null, anchor, span, slot),
        }
    }

    fn scalar_done(
        &mut self,
        value: Value,
        anchor: Option<&'t str>,
        span: Span,
        slot: Slot,
    ) -> Option<Value> {
        self.spans.insert(
            slot.pointer,
            NodeSpans {
                key: slot.key,
                value: span,
            },
        );
        if let Some(a) = anchor {
            self.anchors.insert(
                a,
                Anchored {
                    value: value.clone(),
                    nodes: 1,
                },
            );
        }
        self.deliver(slot.dest, value, 1)
    }

    /// Open a collection, unless it would nest deeper than the limit.
    fn open(
        &mut self,
        coll: Coll,
        entries: Vec<Node<'t>>,
        span: Span,
        anchor: Option<&'t str>,
        slot: Slot,
    ) -> Option<Value> {
        self.spans.insert(
            slot.pointer.as_str(),
            NodeSpans {
                key: slot.key,
                value: span,
            },
        );
        if self.stack.len() >= self.limits.max_depth {
            let max = self.limits.max_depth;
            self.limit(
                Span::new(span.start, (span.start + 1).min(span.end)),
                format!("collections nest deeper than {max} levels"),
                "flatten the structure, or raise `max_depth` if the file is legitimate",
            );
            return self.deliver(slot.dest, Value::Null, 1);
        }
        self.stack.push(Frame {
            coll,
            entries,
            next: 0,
            pointer: slot.pointer,
            anchor,
            dest: slot.dest,
            nodes: 1,
            indent: slot.indent,
        });
        None
    }

    /// Column of a byte offset (in bytes; indentation is made of spaces).
    fn column(&self, offset: usize) -> usize {
        let before = &self.text.as_bytes()[..offset.min(self.text.len())];
        match before.iter().rposition(|&b| b == b'\n' || b == b'\r') {
            Some(i) => offset - i - 1,
            None => offset,
        }
    }
}

/// The value of an empty node, given its core tag.
fn empty_value(tag: Option<&str>) -> Value {
    match tag {
        Some("str") | Some("") => Value::String(String::new()),
        Some("map") => Value::Object(Map::new()),
        Some("seq") => Value::Array(Vec::new()),
        _ => Value::Null,
    }
}

/// Type a decoded scalar: plain scalars by the core schema, the rest as strings; a core tag
/// overrides both (and is ignored when the text is not a value of that type).
fn typed(d: &Decoded<'_>, tag: Option<&str>) -> Value {
    match tag {
        Some("") => Value::String(d.text.as_ref().to_owned()),
        Some(t) => match scalar::resolve_tagged(t, &d.text) {
            Some(v) => v,
            None if d.plain => scalar::resolve_plain(&d.text),
            None => Value::String(d.text.as_ref().to_owned()),
        },
        None if d.plain => scalar::resolve_plain(&d.text),
        None => Value::String(d.text.as_ref().to_owned()),
    }
}

/// [`typed`], taking the decoded text: a string value reuses it instead of copying it.
fn typed_owned(d: Decoded<'_>, tag: Option<&str>) -> Value {
    let resolved = match tag {
        Some("") => None,
        Some(t) => scalar::resolve_tagged(t, &d.text).or_else(|| {
            d.plain
                .then(|| scalar::resolve_plain_typed(&d.text))
                .flatten()
        }),
        None if d.plain => scalar::resolve_plain_typed(&d.text),
        None => None,
    };
    resolved.unwrap_or_else(|| Value::String(d.text.into_owned()))
}

/// The cursor of a walk, placed on `node` (created on first use, then reused).
fn cursor_for<'c, 't>(
    slot: &'c mut Option<TreeCursor<'t>>,
    node: Node<'t>,
) -> &'c mut TreeCursor<'t> {
    match slot {
        Some(c) => {
            c.reset(node);
            c
        }
        None => slot.insert(node.walk()),
    }
}

/// The entries of a collection node: pairs, items, flow nodes.
fn entries_of<'t>(content: Node<'t>, cursor: &mut Option<TreeCursor<'t>>) -> Vec<Node<'t>> {
    let c = cursor_for(cursor, content);
    content
        .named_children(c)
        .filter(|child| {
            matches!(
                kinds::kind(*child),
                Kind::BlockMappingPair | Kind::BlockSequenceItem | Kind::FlowPair | Kind::FlowNode
            )
        })
        .collect()
}

fn first_named<'t>(
    node: Node<'t>,
    cursor: &mut Option<TreeCursor<'t>>,
    pred: impl Fn(Kind) -> bool,
) -> Option<Node<'t>> {
    let c = cursor_for(cursor, node);
    node.named_children(c).find(|n| pred(kinds::kind(*n)))
}

/// End offset of the first anonymous child token of kind `tok` of `node`.
fn child_token_end<'t>(
    node: Node<'t>,
    cursor: &mut Option<TreeCursor<'t>>,
    tok: Kind,
) -> Option<usize> {
    let c = cursor_for(cursor, node);
    node.children(c)
        .find(|n| !n.is_named() && kinds::kind(*n) == tok)
        .map(|n| n.end_byte())
}
