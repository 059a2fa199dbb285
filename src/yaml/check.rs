//! Syntax errors: the ERROR and MISSING nodes of the tree, turned into small, precise
//! spans with useful messages, plus checks for invalid YAML that the grammar accepts.

use tree_sitter::{Node, Tree};

use super::Comment;
use super::kinds::{self, Kind};
use crate::source::Span;

/// A syntax error, relative to the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// False for a guess from the shape of an ERROR node, which a specific finding (an
    /// unclosed quote, a tab, the token where parsing resumed…) replaces.
    pub specific: bool,
}

fn err(start: usize, end: usize, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        start,
        end,
        message: message.into(),
        specific: true,
    }
}

/// One pass over the tree: comments and tree-sitter's own errors.
pub(super) fn scan_tree(
    tree: &Tree,
    text: &str,
    base: usize,
    comments: &mut Vec<Comment>,
) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let mut descend = true;
        if node.is_error() {
            errors.push(describe_error(node, text));
            descend = false;
        } else if node.is_missing() {
            let at = node.start_byte();
            let what = node.kind();
            errors.push(err(at, at, format!("missing `{what}`")));
        } else if kinds::kind(node) == Kind::Comment {
            let s = text.get(node.start_byte()..node.end_byte()).unwrap_or("");
            let s = s.trim_end_matches('\r');
            comments.push(Comment {
                span: Span::new(base + node.start_byte(), base + node.start_byte() + s.len()),
                text: s.strip_prefix('#').unwrap_or(s).to_owned(),
            });
            descend = false;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return errors;
            }
        }
    }
}

/// Text after the end of the tree that is not blank or a comment: the parser stopped
/// without consuming it (the grammar drops some invalid tails silently).
pub(super) fn unparsed_tail(
    tree: &Tree,
    text: &str,
    comments: &mut Vec<Comment>,
    base: usize,
) -> Option<SyntaxError> {
    let mut pos = tree.root_node().end_byte().min(text.len());
    let bytes = text.as_bytes();
    loop {
        while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let line_end = text[pos..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| pos + i);
        if bytes[pos] == b'#' {
            comments.push(Comment {
                span: Span::new(base + pos, base + line_end),
                text: text[pos + 1..line_end].to_owned(),
            });
            pos = line_end;
            continue;
        }
        let tok_end = text[pos..line_end]
            .find([' ', '\t'])
            .map_or(line_end, |i| pos + i);
        let shown: String = text[pos..tok_end].chars().take(40).collect();
        return Some(err(pos, tok_end, format!("unexpected `{shown}`")));
    }
}

/// The first token (leaf) inside `node`, without recursion.
fn first_leaf(node: Node<'_>) -> Node<'_> {
    let mut n = node;
    while let Some(c) = n.child(0) {
        n = c;
    }
    n
}

/// A short description of the token at `start`: its text up to whitespace, on one line.
fn token_at(text: &str, start: usize, max_end: usize) -> (usize, String) {
    let rest = text.get(start..max_end.max(start)).unwrap_or("");
    let len = rest
        .find(|c: char| c.is_whitespace())
        .unwrap_or(rest.len())
        .max(rest.chars().next().map_or(0, char::len_utf8));
    let shown: String = rest[..len.min(rest.len())].chars().take(40).collect();
    (start + len.min(rest.len()), shown)
}

/// A short, precise error for an ERROR node. tree-sitter wraps in the ERROR node the part
/// it could not fit (often a large, valid prefix as well), so the offending token is
/// searched for: an unclosed bracket or quote among its tokens, else the token right after
/// the node (where parsing resumed), else its last part.
fn describe_error(node: Node<'_>, text: &str) -> SyntaxError {
    if let Some(e) = unclosed(node, text) {
        return e;
    }
    let mut c = node.walk();
    let children: Vec<Node<'_>> = node.children(&mut c).collect();
    let has_named = children
        .iter()
        .any(|n| n.is_named() && n.kind() != "comment");
    let (start, specific) = if node.start_byte() == node.end_byte() {
        (
            next_token(text, node.start_byte()).unwrap_or(node.start_byte()),
            true,
        )
    } else if !has_named {
        (first_leaf(node).start_byte(), true)
    } else if let Some(next) = next_token(text, node.end_byte()).filter(|_| node.parent().is_some())
    {
        (next, true)
    } else if let Some(inner) = nested_error(node) {
        (first_leaf(inner).start_byte(), true)
    } else {
        let last = children
            .iter()
            .rev()
            .find(|n| n.kind() != "comment")
            .map_or(node.start_byte(), |n| first_leaf(*n).start_byte());
        (last, false)
    };
    let start = if text[start.min(text.len())..].starts_with(|c: char| c.is_whitespace()) {
        next_token(text, start).unwrap_or(start)
    } else {
        start
    };
    let line_end = text[start.min(text.len())..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i);
    let (end, shown) = token_at(text, start, line_end);
    let mut e = if shown.is_empty() {
        err(start, start, "unexpected end of input")
    } else {
        err(start, end, format!("unexpected `{shown}`"))
    };
    e.specific = specific;
    e
}

/// The first ERROR node strictly inside `node`.
fn nested_error(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return None;
    }
    loop {
        let n = cursor.node();
        if n.is_error() {
            return Some(n);
        }
        if n.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() || cursor.node() == node {
                return None;
            }
        }
    }
}

/// An unclosed bracket or quote among the tokens of an ERROR node; for a double quote, an
/// invalid escape in the string is the likelier cause and is reported instead.
fn unclosed(node: Node<'_>, text: &str) -> Option<SyntaxError> {
    let mut open: Vec<Node<'_>> = Vec::new();
    let mut cursor = node.walk();
    // Visit every token of the subtree, without recursion.
    'walk: loop {
        let n = cursor.node();
        if n.child_count() == 0 || n.kind().ends_with("quote_scalar") {
            match n.kind() {
                "[" | "{" => open.push(n),
                "]" | "}" => {
                    open.pop();
                }
                "\"" | "'" if !n.is_named() => {
                    if open.last().is_some_and(|o| o.kind() == n.kind()) {
                        open.pop();
                    } else {
                        open.push(n);
                    }
                }
                _ => {}
            }
        } else if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == node {
                break 'walk;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    let o = open.last()?;
    let at = o.start_byte();
    Some(match o.kind() {
        "\"" => {
            if let Some(e) = bad_escape(text, at) {
                return Some(e);
            }
            err(at, at + 1, "unclosed double quote")
        }
        "'" => err(at, at + 1, "unclosed single quote"),
        k => {
            if closes(text, at) {
                // Closed after all: the problem is inside, where parsing resumed.
                return None;
            }
            err(at, o.end_byte(), format!("unclosed `{k}`"))
        }
    })
}

/// Whether the flow collection opened at `open` is closed in the text (quotes and comments
/// skipped). Only the rest of the document is searched.
fn closes(text: &str, open: usize) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return true;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' if i > 0 && !bytes[i - 1].is_ascii_alphanumeric() => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' if bytes[i + 1..].starts_with(b"---") || bytes[i + 1..].starts_with(b"...") => {
                return false;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// An invalid escape in the double-quoted string that starts at `quote`.
fn bad_escape(text: &str, quote: usize) -> Option<SyntaxError> {
    let bytes = text.as_bytes();
    let mut i = quote + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => break,
            _ => i += 1,
        }
    }
    let token = text.get(quote..(i + 1).min(text.len()))?;
    match super::scalar::double_quoted(token) {
        Err(issue) if issue.message.contains("escape") => Some(err(
            quote + issue.offset,
            quote + issue.offset + issue.len,
            issue.message,
        )),
        _ => None,
    }
}

/// Make the errors of one parse as precise as possible: a tab in the indentation of a line
/// with an error explains it best; guesses give way to specific findings.
pub(super) fn refine(errors: &mut Vec<SyntaxError>, text: &str) {
    if errors.is_empty() {
        return;
    }
    let line_of = |pos: usize| {
        text[..pos.min(text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
    };
    let error_lines: Vec<usize> = errors.iter().map(|e| line_of(e.start)).collect();
    let mut line_start = 0;
    for (line_no, line) in text.split('\n').enumerate() {
        let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = line[indent_len..].trim_end_matches('\r');
        if line[..indent_len].contains('\t')
            && !rest.is_empty()
            && !rest.starts_with('#')
            && error_lines.contains(&line_no)
        {
            let tab = line_start + line.find('\t').unwrap_or(0);
            errors.retain(|e| line_of(e.start) != line_no || !e.specific);
            errors.push(err(
                tab,
                tab + 1,
                "tab used for indentation (YAML indents with spaces only)",
            ));
            break;
        }
        line_start += line.len() + 1;
        if line_no > error_lines.iter().copied().max().unwrap_or(0) {
            break;
        }
    }
    for e in errors.iter_mut() {
        // A bad block scalar header says more than "unexpected `|0`".
        let rest = &text[e.start.min(text.len())..];
        if rest.starts_with(['|', '>']) {
            let line = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
            if let Err(issue) = super::scalar::block_header(line) {
                *e = err(
                    e.start + issue.offset,
                    e.start + issue.offset + issue.len,
                    issue.message,
                );
            }
        }
    }
    if errors.iter().any(|e| e.specific) {
        errors.retain(|e| e.specific);
    }
    errors.sort_by_key(|e| (e.start, e.end));
    errors.dedup_by_key(|e| e.start);
}

/// Offset of the next token at or after `pos`, skipping whitespace and comments.
fn next_token(text: &str, mut pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        if bytes[pos] == b'#' {
            pos = text[pos..]
                .find(['\n', '\r'])
                .map_or(text.len(), |i| pos + i);
            continue;
        }
        return Some(pos);
    }
}
