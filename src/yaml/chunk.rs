//! Splitting a stream into pieces that are parsed separately.
//!
//! Two reasons. Each document (from its directives or `---` line) is parsed on its own, so
//! that a syntax error cannot swallow the documents after it: tree-sitter's error recovery
//! works on the whole input. And the tree-sitter-yaml scanner counts lines in 16-bit
//! integers, so it misreads anything after line 32,767 of one parse: a longer document is
//! cut into parts at its top-level entries (lines in column 0 that start a key of a
//! top-level mapping or an item of a top-level sequence), and the parts are merged again
//! when the document is converted.
//!
//! Cutting at a `---` line in column 0 never changes the meaning of valid YAML: such a line
//! always starts a document (inside a block scalar it ends the scalar, inside a quoted
//! scalar or a flow collection it is an error either way).

/// Most lines in one parse (the scanner breaks at 32,767).
pub(super) const MAX_LINES: usize = 30_000;

/// One document's text, as one or more consecutive parts (byte ranges of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Segment {
    pub parts: Vec<(usize, usize)>,
}

/// Byte ranges of the lines of `text` (without their line breaks), with the offset of the
/// next line.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let end = memchr::memchr2(b'\n', b'\r', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        pos = end;
        if bytes.get(pos) == Some(&b'\r') {
            pos += 1;
        }
        if bytes.get(pos) == Some(&b'\n') {
            pos += 1;
        }
        Some((start, &text[start..end]))
    })
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Split `text` into documents, and long documents into parts.
pub(super) fn segments(text: &str) -> Vec<Segment> {
    // Document starts: a `---` line, moved back over the directives (and the comments and
    // blank lines among them) that belong to it. A `%` line is a directive only where one
    // may stand: at the start of the stream or after a `...` line.
    let mut starts = vec![0usize];
    let mut run_start: Option<usize> = None;
    let mut has_content = false;
    let mut directive_ok = true;
    for (start, line) in lines(text) {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if is_marker(line, "---") {
            let at = run_start.unwrap_or(start);
            if has_content && at > starts.last().copied().unwrap_or(0) {
                starts.push(at);
            }
            run_start = None;
            has_content = true;
            directive_ok = false;
        } else if line.starts_with('%') && directive_ok {
            run_start.get_or_insert(start);
        } else if trimmed.is_empty() || trimmed.starts_with('#') {
            // Blank and comment lines change nothing.
        } else {
            run_start = None;
            has_content = true;
            directive_ok = is_marker(line, "...");
        }
    }
    starts.push(text.len());
    starts.dedup();
    let mut out = Vec::with_capacity(starts.len());
    for w in starts.windows(2) {
        if w[0] < w[1] || text.is_empty() {
            out.push(Segment {
                parts: split_long(text, w[0], w[1]),
            });
        }
    }
    out
}

/// Cut one document into parts of at most `MAX_LINES` lines, at top-level entries.
fn split_long(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let doc = &text[start..end];
    // Cheap test first: most documents are short.
    if memchr::memchr_iter(b'\n', doc.as_bytes()).count() < MAX_LINES {
        return vec![(start, end)];
    }
    // The kind of the root: from its first content line.
    let mut seq_root = None;
    for (_, line) in lines(doc) {
        let t = line.trim_start_matches([' ', '\t']);
        if t.is_empty() || t.starts_with('#') || line.starts_with('%') || is_marker(line, "---") {
            continue;
        }
        if line.len() != t.len() {
            break;
        }
        seq_root = Some(is_marker(line, "-"));
        break;
    }
    let Some(seq_root) = seq_root else {
        return vec![(start, end)];
    };
    let is_entry = |line: &str| {
        if seq_root {
            is_marker(line, "-")
        } else {
            let first = line.as_bytes().first().copied();
            !matches!(
                first,
                None | Some(b' ' | b'\t' | b'#' | b'%' | b':' | b']' | b'}' | b',')
            ) && !is_marker(line, "-")
                && !is_marker(line, "---")
                && !is_marker(line, "...")
        }
    };
    let mut parts = Vec::new();
    let mut part_start = start;
    let mut lines_in_part = 0usize;
    let mut last_entry: Option<usize> = None;
    let mut first_entry_seen = false;
    for (off, line) in lines(doc) {
        let abs = start + off;
        if is_entry(line) {
            if first_entry_seen && abs > part_start {
                last_entry = Some(abs);
            }
            first_entry_seen = true;
        }
        lines_in_part += 1;
        if lines_in_part >= MAX_LINES
            && let Some(cut) = last_entry.take()
        {
            parts.push((part_start, cut));
            part_start = cut;
            // Lines from the cut to here belong to the new part.
            lines_in_part = doc[cut - start..off]
                .bytes()
                .filter(|&b| b == b'\n')
                .count()
                + 1;
        }
    }
    parts.push((part_start, end));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str) -> Vec<Vec<&str>> {
        segments(text)
            .iter()
            .map(|s| s.parts.iter().map(|&(a, b)| &text[a..b]).collect())
            .collect()
    }

    #[test]
    fn documents_with_their_directives() {
        let t = "a: 1\n...\n%YAML 1.2\n# c\n---\nb: 2\n--- 3\n";
        let want = [
            vec!["a: 1\n...\n"],
            vec!["%YAML 1.2\n# c\n---\nb: 2\n"],
            vec!["--- 3\n"],
        ];
        assert_eq!(ranges(t), want);
        // Without `...`, a `%` line is not a directive: it stays where it is.
        assert_eq!(
            ranges("a: 1\n%x\n---\nb\n"),
            [vec!["a: 1\n%x\n"], vec!["---\nb\n"]]
        );
        assert_eq!(ranges("--- a\n"), [vec!["--- a\n"]]);
        assert_eq!(ranges("# c\n---\na\n"), [vec!["# c\n---\na\n"]]);
        assert!(segments("").len() <= 1);
    }

    #[test]
    fn long_documents_are_cut_at_top_level_entries() {
        let item = "- a: 1\n  b: |\n    x\n";
        let t = item.repeat(MAX_LINES);
        let segs = segments(&t);
        assert_eq!(segs.len(), 1);
        let parts = &segs[0].parts;
        assert!(parts.len() >= 3);
        for &(a, b) in parts {
            assert!(t[a..].starts_with("- a: 1"));
            assert!(t[a..b].lines().count() <= MAX_LINES);
        }
        assert_eq!(parts.last().map(|p| p.1), Some(t.len()));
    }
}
