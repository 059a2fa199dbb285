//! Where the cursor is in the YAML being typed, read from the text itself: the path of keys
//! and list items that leads to it, whether a key or a value is being written, and the
//! partial word before the cursor.
//!
//! Completion cannot wait for the parser: the line being typed is rarely valid YAML (`sat`,
//! `- `, `control: iso27`), so the path is read from indentation, as a person reads it. Block
//! mappings and sequences (`key:`, `- `) and flow lists on one line (`[a, b`) are understood;
//! anything else (flow mappings, multi-line scalars, comments) yields no context.

/// One step of a path: a mapping key or an item of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Item,
}

/// What is being written at the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    /// A key of the mapping at `path`.
    Key,
    /// The value at `path`.
    Value,
    /// The list item at `path` (after `- `): a value, or the first key of a mapping.
    Item,
}

/// The cursor's context in a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Context {
    pub path: Vec<Segment>,
    pub what: What,
    /// The partial word before the cursor (without an opening quote).
    pub prefix: String,
    /// The byte offset where the partial word starts (what a completion replaces).
    pub prefix_start: usize,
    /// The keys already written in the mapping the cursor is in.
    pub siblings: Vec<String>,
    /// The document's top-level `kind`, when written.
    pub kind: Option<String>,
}

/// One line, as far as indentation goes: where its `- ` markers are, and its key.
#[derive(Debug)]
struct Line<'a> {
    dashes: Vec<usize>,
    /// The column after the dashes.
    content: usize,
    key: Option<&'a str>,
    /// The text after `key:` (trimmed), when there is a key.
    value: &'a str,
}

impl<'a> Line<'a> {
    /// `None` for blank lines and comments.
    fn parse(text: &'a str) -> Option<Line<'a>> {
        let mut col = text.len() - text.trim_start_matches(' ').len();
        let mut dashes = Vec::new();
        loop {
            let rest = &text[col..];
            if rest.starts_with("- ") || rest == "-" {
                dashes.push(col);
                col += 1;
                col += text[col..].len() - text[col..].trim_start_matches(' ').len();
            } else {
                break;
            }
        }
        let rest = text[col..].trim_end();
        if rest.is_empty() && dashes.is_empty() || rest.starts_with('#') {
            return None;
        }
        let (key, value) = match split_key(rest) {
            Some((k, v)) => (Some(k), v),
            None => (None, ""),
        };
        Some(Line {
            dashes,
            content: col,
            key,
            value,
        })
    }

    /// The column of the first thing on the line.
    fn start(&self) -> usize {
        self.dashes.first().copied().unwrap_or(self.content)
    }
}

/// `key: value` → (`key`, `value`), for a plain key of letters, digits, `_`, `-` and `.`.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = text.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))?;
    let after = &text[end..];
    let value = after.strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with([' ', '\t'])) || end == 0 {
        return None;
    }
    Some((&text[..end], value.trim()))
}

/// The context at byte `offset` of `text`, whose YAML lies in `region` (the whole text for a
/// YAML file, the front matter for Markdown). `None` outside the region, in a comment, or
/// where the YAML is of a form this reading does not follow.
pub(crate) fn at(text: &str, region: std::ops::Range<usize>, offset: usize) -> Option<Context> {
    if offset < region.start || offset > region.end || !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset]
        .rfind('\n')
        .map_or(0, |i| i + 1)
        .max(region.start);
    // The lines of the YAML document the cursor is in (documents are separated by `---`).
    let lines: Vec<(usize, &str)> = lines_of(text, region.clone());
    let current = lines.iter().position(|&(s, _)| s == line_start)?;
    let is_separator = |l: &str| l.trim_end() == "---" || l.trim_end() == "...";
    let first = lines[..current]
        .iter()
        .rposition(|&(_, l)| is_separator(l))
        .map_or(0, |i| i + 1);
    let last = lines[current..]
        .iter()
        .position(|&(_, l)| is_separator(l))
        .map_or(lines.len(), |i| current + i);
    if is_separator(lines[current].1) {
        return None;
    }
    let document = &lines[first..last];
    let current = current - first;

    let before = &text[line_start..offset];
    if before.contains(" #") || before.trim_start().starts_with('#') {
        return None;
    }
    let line = Line::parse(before).or_else(|| {
        // An empty line: a key at the cursor's column.
        let col = before.len();
        (before.trim().is_empty()).then_some(Line {
            dashes: Vec::new(),
            content: col,
            key: None,
            value: "",
        })
    })?;

    let mut path = ancestors(document, current, line.start());
    path.extend(line.dashes.iter().map(|_| Segment::Item));
    let (what, prefix_at) = match line.key {
        Some(key) if before[line.content..].contains(':') => {
            path.push(Segment::Key(key.to_string()));
            let colon = line_start + line.content + before[line.content..].find(':')? + 1;
            let value = &text[colon..offset];
            if value.trim_start().starts_with('{') {
                return None;
            }
            match value.rfind(['[', ',']) {
                Some(i) if value.trim_start().starts_with('[') => {
                    path.push(Segment::Item);
                    (What::Value, colon + i + 1)
                }
                _ => (What::Value, colon),
            }
        }
        _ if !line.dashes.is_empty() => (What::Item, line_start + line.content),
        _ => (What::Key, line_start + line.content),
    };
    let raw = &text[prefix_at..offset];
    let trimmed = raw.trim_start();
    let prefix = trimmed.trim_start_matches(['"', '\'']);
    if what == What::Key && prefix.contains(char::is_whitespace) {
        return None;
    }
    let prefix_start = offset - prefix.len();
    let siblings = match what {
        What::Key => siblings(document, current, line.content),
        _ => Vec::new(),
    };
    Some(Context {
        path,
        what,
        prefix: prefix.to_string(),
        prefix_start,
        siblings,
        kind: kind_of(document),
    })
}

/// The lines of `region` with their byte offsets.
fn lines_of(text: &str, region: std::ops::Range<usize>) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = region.start;
    for line in text[region.clone()].split('\n') {
        out.push((start, line.strip_suffix('\r').unwrap_or(line)));
        start += line.len() + 1;
    }
    out
}

/// The path from the document's root to the node that starts at column `limit` of line
/// `current`: the keys and list items above it with less indentation.
fn ancestors(document: &[(usize, &str)], current: usize, mut limit: usize) -> Vec<Segment> {
    let mut reversed = Vec::new();
    for &(_, text) in document[..current].iter().rev() {
        if limit == 0 {
            break;
        }
        let Some(line) = Line::parse(text) else {
            continue;
        };
        if let Some(key) = line.key
            && line.content < limit
        {
            reversed.push(Segment::Key(key.to_string()));
            limit = line.content;
        }
        for &d in line.dashes.iter().rev() {
            if d < limit {
                reversed.push(Segment::Item);
                limit = d;
            }
        }
    }
    reversed.reverse();
    reversed
}

/// The keys written at column `col` in the block of the mapping that holds line `current`.
fn siblings(document: &[(usize, &str)], current: usize, col: usize) -> Vec<String> {
    let key_at = |line: &Line<'_>| {
        (line.content == col)
            .then_some(line.key)
            .flatten()
            .map(str::to_string)
    };
    let mut out = Vec::new();
    for &(_, text) in document[..current].iter().rev() {
        let Some(line) = Line::parse(text) else {
            continue;
        };
        if line.content < col {
            break;
        }
        out.extend(key_at(&line));
        if line.start() < col {
            break; // the first line of this list item
        }
    }
    out.reverse();
    for &(_, text) in &document[current + 1..] {
        let Some(line) = Line::parse(text) else {
            continue;
        };
        if line.start() < col {
            break;
        }
        out.extend(key_at(&line));
    }
    out
}

/// The value of the document's top-level `kind:`.
fn kind_of(document: &[(usize, &str)]) -> Option<String> {
    document.iter().find_map(|&(_, text)| {
        let line = Line::parse(text)?;
        if line.content != 0 || line.key != Some("kind") {
            return None;
        }
        let value = line.value.split(" #").next()?.trim();
        let value = value.trim_matches(['"', '\'']);
        (!value.is_empty()).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context at `|` in `text` (the marker is removed).
    fn ctx(text: &str) -> Option<Context> {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        at(&text, 0..text.len(), offset)
    }

    fn keys(path: &[Segment]) -> String {
        path.iter()
            .map(|s| match s {
                Segment::Key(k) => format!(".{k}"),
                Segment::Item => "[]".into(),
            })
            .collect()
    }

    #[test]
    fn keys_and_values_at_the_top() {
        let c = ctx("annexa: v1\nkind: control\nsat|\n").unwrap();
        assert_eq!(
            (c.what, keys(&c.path), c.prefix.as_str()),
            (What::Key, String::new(), "sat")
        );
        assert_eq!(c.kind.as_deref(), Some("control"));
        assert_eq!(c.siblings, ["annexa", "kind"]);
        assert_eq!(c.prefix_start, 25);
        let c = ctx("annexa: v1\nkind: |\n").unwrap();
        assert_eq!((c.what, keys(&c.path)), (What::Value, ".kind".into()));
    }

    #[test]
    fn nested_lists_and_flow_lists() {
        let text = "kind: statement-of-applicability\nentries:\n  - control: iso27001:2022/A.5.1\n    implemented_by:\n      - CT|\n";
        let c = ctx(text).unwrap();
        assert_eq!(
            (c.what, keys(&c.path), c.prefix.as_str()),
            (What::Item, ".entries[].implemented_by[]".into(), "CT")
        );
        let c = ctx("kind: control\nsatisfies: [iso27001:2022/A.5.1, iso|]\n").unwrap();
        assert_eq!(
            (c.what, keys(&c.path), c.prefix.as_str()),
            (What::Value, ".satisfies[]".into(), "iso")
        );
        let c = ctx("entries:\n  - control: x\n    appl|\n    status: y\n").unwrap();
        assert_eq!((c.what, keys(&c.path)), (What::Key, ".entries[]".into()));
        assert_eq!(c.siblings, ["control", "status"]);
        let c = ctx("entries:\n  - control: \"iso|\n").unwrap();
        assert_eq!(
            (c.what, keys(&c.path), c.prefix.as_str()),
            (What::Value, ".entries[].control".into(), "iso")
        );
    }

    #[test]
    fn documents_comments_and_flow_mappings() {
        let c = ctx("kind: risk\n---\nkind: control\nid: |\n").unwrap();
        assert_eq!(c.kind.as_deref(), Some("control"));
        assert_eq!(ctx("kind: risk # a |\n"), None);
        assert_eq!(ctx("review: {interval: |}\n"), None);
        assert_eq!(ctx("---|\n"), None);
    }
}
