//! The Markdown front-end (tree-sitter-md): YAML front matter, headings, HTML comments.
//!
//! The front matter is the `minus_metadata` block at byte 0 (`---` … `---`); its YAML is
//! loaded with [`crate::yaml::load_range`] so that spans stay relative to the whole file.

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

use crate::codes;
use crate::source::Span;
use crate::yaml::{Limits, Loaded, YamlError};

/// A heading of the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, …
    pub level: u8,
    /// The heading text, trimmed, without `#` markers.
    pub text: String,
    pub span: Span,
    /// Nothing but blank lines, HTML comments and placeholders (`TODO`, `TBD`, `…`) stands
    /// between this heading and the next heading of the same or a higher level (a
    /// sub-heading with content counts as content).
    #[serde(default)]
    pub empty: bool,
    /// The unfinished placeholders in the text this heading opens (the first heading also
    /// holds those before it), one per line: see [`Placeholder`].
    #[serde(default)]
    pub placeholders: Vec<Placeholder>,
}

/// Text left unfinished on one line of a Markdown body: `TODO`, `TBD`, `TBC` or `FIXME` as a
/// word, or the marker `annexa init` writes for text to replace (`Replace:`, or `Replace`
/// alone in a table cell). Code blocks, inline code, HTML comments and the front matter are
/// not searched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Placeholder {
    /// From the first placeholder of the line to the end of the last.
    pub span: Span,
    /// The placeholders as written (`TODO`, `Replace:`), joined by `, `.
    pub text: String,
}

/// An HTML comment `<!-- … -->` (used for inline suppressions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlComment {
    pub span: Span,
    /// What stands between `<!--` and `-->`, trimmed.
    pub text: String,
}

/// What annexa reads from a Markdown file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MarkdownDoc {
    /// The span of the YAML inside the front matter (between the `---` lines), if any.
    pub front_matter: Option<Span>,
    /// The loaded front matter (empty when there is none).
    pub yaml: Loaded,
    pub headings: Vec<Heading>,
    pub comments: Vec<HtmlComment>,
}

/// Parse a Markdown file.
pub fn parse(src: &str, limits: &Limits) -> MarkdownDoc {
    let mut doc = MarkdownDoc::default();
    // A byte-order mark is not part of the text: parse after it, offset every span.
    let base = if src.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let text = &src[base..];
    let Some(tree) = parse_tree(text) else {
        return doc;
    };
    let mut skip: Vec<(usize, usize)> = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let mut descend = true;
        match node.kind() {
            "minus_metadata" if node.start_byte() == 0 => {
                skip.push((node.start_byte(), node.end_byte()));
                if let Some(fm) = front_matter_body(text, node) {
                    let span = Span::new(base + fm.0, base + fm.1);
                    doc.front_matter = Some(span);
                    doc.yaml = crate::yaml::load_range(src, span, limits);
                }
                descend = false;
            }
            "atx_heading" | "setext_heading" => {
                if let Some(h) = heading(node, text, base) {
                    doc.headings.push(h);
                }
                descend = false;
            }
            "fenced_code_block" | "indented_code_block" => {
                skip.push((node.start_byte(), node.end_byte()));
                descend = false;
            }
            _ => {}
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        let mut done = false;
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                done = true;
                break;
            }
        }
        if done {
            break;
        }
    }
    if doc.front_matter.is_none() && unclosed_front_matter(text) {
        doc.yaml.errors.push(YamlError {
            code: codes::YAML001,
            message: "the front matter is not closed".to_owned(),
            span: Span::new(base, base + 3),
            label: "front matter opened here".to_owned(),
            help: Some("end the front matter with a line `---`".to_owned()),
            document: None,
            related: None,
        });
    }
    doc.comments = html_comments(text, base, &skip);
    mark_empty_sections(&mut doc.headings, src);
    let mut hidden = skip;
    hidden.extend(
        doc.comments
            .iter()
            .map(|c| (c.span.start - base, c.span.end - base)),
    );
    attach_placeholders(&mut doc.headings, placeholders(text, base, &hidden));
    doc
}

/// The words that stand for text not yet written.
const PLACEHOLDER_WORDS: &[&str] = &["TODO", "TBD", "TBC", "FIXME"];

/// Every line of `text` with placeholders, outside the `hidden` ranges (front matter, code
/// blocks, HTML comments) and inline code; spans are offset by `base`.
fn placeholders(text: &str, base: usize, hidden: &[(usize, usize)]) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let line_start = start;
        start += line.len();
        let is_table_row = line.trim_start().starts_with('|');
        let mut hits: Vec<(usize, usize)> = Vec::new();
        let mut in_code = false;
        let mut word: Option<usize> = None;
        // Walk the line's characters; a word ends at the first character that is not part
        // of it (a final sentinel ends the last one).
        for (i, c) in line
            .char_indices()
            .chain(std::iter::once((line.len(), ' ')))
        {
            if c.is_alphanumeric() {
                word.get_or_insert(i);
                continue;
            }
            if let Some(w) = word.take() {
                let at = line_start + w;
                let visible = !in_code && !hidden.iter().any(|&(s, e)| s <= at && at < e);
                if visible && let Some(end) = placeholder_end(line, w, i, is_table_row) {
                    hits.push((w, end));
                }
            }
            if c == '`' {
                in_code = !in_code;
            }
        }
        if let (Some(first), Some(last)) = (hits.first(), hits.last()) {
            let mut words: Vec<&str> = hits.iter().map(|&(s, e)| &line[s..e]).collect();
            words.dedup();
            out.push(Placeholder {
                span: Span::new(base + line_start + first.0, base + line_start + last.1),
                text: words.join(", "),
            });
        }
    }
    out
}

/// The end of the placeholder that is the word `line[from..to]`, if it is one: a placeholder
/// word, or `Replace` followed by `:` or alone in a table cell.
fn placeholder_end(line: &str, from: usize, to: usize, is_table_row: bool) -> Option<usize> {
    let word = &line[from..to];
    if PLACEHOLDER_WORDS.contains(&word) {
        return Some(to);
    }
    if word != "Replace" {
        return None;
    }
    if line[to..].starts_with(':') {
        return Some(to + 1);
    }
    let cell_start = line[..from].rfind('|').map(|i| i + 1)?;
    let cell_end = line[to..].find('|').map(|i| to + i)?;
    (is_table_row && line[cell_start..cell_end].trim() == word).then_some(to)
}

/// Give each placeholder to the heading whose text holds it (those before the first heading,
/// to the first); with no heading, there is nowhere to keep them.
fn attach_placeholders(headings: &mut [Heading], found: Vec<Placeholder>) {
    for p in found {
        let i = headings
            .iter()
            .rposition(|h| h.span.start <= p.span.start)
            .unwrap_or(0);
        if let Some(h) = headings.get_mut(i) {
            h.placeholders.push(p);
        }
    }
}

/// Set [`Heading::empty`]: a section is empty when the text from the end of its heading to the
/// next heading (of any level) holds nothing but blank lines, HTML comments and placeholders,
/// and no sub-heading below it (before the next heading of its level or higher) has content.
fn mark_empty_sections(headings: &mut [Heading], src: &str) {
    let own: Vec<bool> = (0..headings.len())
        .map(|i| {
            let from = headings[i].span.end.min(src.len());
            let to = headings
                .get(i + 1)
                .map_or(src.len(), |h| h.span.start.min(src.len()));
            src.get(from..to).is_none_or(is_blank_body)
        })
        .collect();
    for i in 0..headings.len() {
        let level = headings[i].level;
        let mut empty = own[i];
        for j in i + 1..headings.len() {
            if headings[j].level <= level {
                break;
            }
            empty &= own[j];
        }
        headings[i].empty = empty;
    }
}

/// Body text that says nothing: blank, HTML comments, or placeholders.
fn is_blank_body(body: &str) -> bool {
    let mut rest = body.to_string();
    while let Some(start) = rest.find("<!--") {
        let end = rest[start..]
            .find("-->")
            .map_or(rest.len(), |e| start + e + 3);
        rest.replace_range(start..end, " ");
    }
    rest.split_whitespace().all(|w| {
        let core: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        core.is_empty()
            || matches!(
                core.to_lowercase().as_str(),
                "todo" | "tbd" | "tbc" | "fixme" | "na"
            )
    })
}

/// Whether the file opens a front matter (`---` alone on the first line) that is never
/// closed.
fn unclosed_front_matter(text: &str) -> bool {
    let first = text.split('\n').next().unwrap_or("");
    first.trim_end_matches(['\r', ' ', '\t']) == "---" && text.len() > first.len()
}

/// The YAML between the fences of a `minus_metadata` node: from the line after the opening
/// `---` to the start of the closing `---` line.
fn front_matter_body(text: &str, node: Node<'_>) -> Option<(usize, usize)> {
    let block = text.get(node.start_byte()..node.end_byte())?;
    let open_end = block.find('\n')? + 1;
    // The closing fence is the last line of the block (ignoring the final line break).
    let trimmed = block.trim_end_matches(['\n', '\r']);
    let close_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    if close_start < open_end {
        return None;
    }
    Some((
        node.start_byte() + open_end,
        node.start_byte() + close_start,
    ))
}

fn heading(node: Node<'_>, text: &str, base: usize) -> Option<Heading> {
    let mut level = 0u8;
    let mut content = None;
    let mut c = node.walk();
    for child in node.children(&mut c) {
        match child.kind() {
            "atx_h1_marker" | "setext_h1_underline" => level = 1,
            "atx_h2_marker" | "setext_h2_underline" => level = 2,
            "atx_h3_marker" => level = 3,
            "atx_h4_marker" => level = 4,
            "atx_h5_marker" => level = 5,
            "atx_h6_marker" => level = 6,
            "inline" | "paragraph" => content = Some(child),
            _ => {}
        }
    }
    if level == 0 {
        return None;
    }
    let raw = content
        .and_then(|n| text.get(n.start_byte()..n.end_byte()))
        .unwrap_or("");
    let mut t = raw.trim();
    if node.kind() == "atx_heading" {
        // An optional closing sequence of `#`s (preceded by a space) is not content.
        let stripped = t.trim_end_matches('#');
        if stripped.len() < t.len() && (stripped.is_empty() || stripped.ends_with([' ', '\t'])) {
            t = stripped.trim_end();
        }
    }
    // A setext heading may span lines; its text is their trimmed content on one line.
    let text_joined = t.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    let full = text.get(node.start_byte()..node.end_byte()).unwrap_or("");
    let end = node.start_byte() + full.trim_end_matches(['\n', '\r']).len();
    Some(Heading {
        level,
        text: text_joined,
        span: Span::new(base + node.start_byte(), base + end),
        empty: false,
        placeholders: Vec::new(),
    })
}

/// Every `<!-- … -->` outside code blocks and the front matter.
fn html_comments(text: &str, base: usize, skip: &[(usize, usize)]) -> Vec<HtmlComment> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = text[pos..].find("<!--") {
        let start = pos + i;
        if let Some(&(_, end)) = skip.iter().find(|&&(s, e)| s <= start && start < e) {
            pos = end;
            continue;
        }
        let inner_start = start + 4;
        let Some(j) = text[inner_start..].find("-->") else {
            break;
        };
        let end = inner_start + j + 3;
        out.push(HtmlComment {
            span: Span::new(base + start, base + end),
            text: text[inner_start..inner_start + j].trim().to_owned(),
        });
        pos = end;
    }
    out
}

thread_local! {
    /// One parser per thread: creating one per file would cost more than small files do.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn parse_tree(text: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&tree_sitter_md::LANGUAGE.into()).ok()?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut()?;
        let tree = parser.parse(text, None);
        if tree.is_none() {
            parser.reset();
        }
        tree
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keys_work_in_front_matter() {
        let md = "---\nannexa: v1\n<<: {owner: Head of IT}\nkind: control\n---\n# Body\n";
        let m = parse(md, &Limits::default());
        assert!(m.yaml.errors.is_empty(), "{:?}", m.yaml.errors);
        assert_eq!(m.yaml.documents[0].value["owner"], "Head of IT");
    }

    const DOC: &str = "---\ntitle: Policy\nowner: ciso\n---\n\n# Access control  #\n\nText <!-- annexa: ignore SCH001 -->\n\nSetext two\n---\n\n```\n<!-- not a comment -->\n# not a heading\n```\n";

    #[test]
    fn front_matter_headings_comments() {
        let d = parse(DOC, &Limits::default());
        let fm = d.front_matter.unwrap();
        assert_eq!(&DOC[fm.range()], "title: Policy\nowner: ciso\n");
        assert!(d.yaml.errors.is_empty());
        let v = &d.yaml.documents[0];
        assert_eq!(v.value["owner"], "ciso");
        // Spans are relative to the whole file.
        let owner = v.spans.get("/owner").unwrap();
        assert_eq!(&DOC[owner.value.range()], "ciso");
        assert_eq!(&DOC[owner.key.unwrap().range()], "owner");
        assert_eq!(d.headings.len(), 2);
        assert_eq!(
            (d.headings[0].level, d.headings[0].text.as_str()),
            (1, "Access control")
        );
        assert_eq!(&DOC[d.headings[0].span.range()], "# Access control  #");
        assert_eq!(
            (d.headings[1].level, d.headings[1].text.as_str()),
            (2, "Setext two")
        );
        assert_eq!(d.comments.len(), 1);
        assert_eq!(d.comments[0].text, "annexa: ignore SCH001");
        assert_eq!(
            &DOC[d.comments[0].span.range()],
            "<!-- annexa: ignore SCH001 -->"
        );
    }

    #[test]
    fn placeholders_by_line_outside_code_and_comments() {
        let src = "---\nnotes: TODO\n---\nIntro TBD.\n# Title\n\nReplace: the purpose. Also TODO and FIXME.\n\n| Objective | Owner |\n|---|---|\n| Replace | Replace |\n\nReplace the batteries; see `TODO` and <!-- TBD -->.\n\n## Scope\n\n```\nTODO in code\n```\nTODOs and todo are words, not placeholders.\n";
        let d = parse(src, &Limits::default());
        let found: Vec<(&str, &str)> = d
            .headings
            .iter()
            .flat_map(|h| h.placeholders.iter())
            .map(|p| (&src[p.span.range()], p.text.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("TBD", "TBD"),
                (
                    "Replace: the purpose. Also TODO and FIXME",
                    "Replace:, TODO, FIXME"
                ),
                ("Replace | Replace", "Replace"),
            ]
        );
        // The one before the first heading belongs to it; the Scope section has none.
        assert_eq!(d.headings[0].placeholders.len(), 3);
        assert!(d.headings[1].placeholders.is_empty());
    }

    #[test]
    fn no_front_matter() {
        let d = parse("# Title\n\nbody\n", &Limits::default());
        assert_eq!(d.front_matter, None);
        assert!(d.yaml.documents.is_empty() && d.yaml.errors.is_empty());
        assert_eq!(d.headings[0].text, "Title");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let d = parse("---\ntitle: x\n\n# Title\n", &Limits::default());
        assert_eq!(d.front_matter, None);
        assert_eq!(d.yaml.errors.len(), 1);
        assert_eq!(d.yaml.errors[0].code, codes::YAML001);
        assert_eq!(d.yaml.errors[0].span, Span::new(0, 3));
    }

    #[test]
    fn front_matter_errors_point_into_the_file() {
        let src = "---\na: 1\na: 2\n---\nbody\n";
        let d = parse(src, &Limits::default());
        let e = &d.yaml.errors[0];
        assert_eq!(e.code, codes::YAML002);
        assert_eq!(e.span, Span::new(9, 10));
    }

    #[test]
    fn crlf_and_bom() {
        let src = "\u{feff}---\r\ntitle: x\r\n---\r\n# H\r\n";
        let d = parse(src, &Limits::default());
        let fm = d.front_matter.unwrap();
        assert_eq!(&src[fm.range()], "title: x\r\n");
        assert_eq!(d.yaml.documents[0].value["title"], "x");
        assert_eq!(d.headings[0].text, "H");
        assert_eq!(&src[d.headings[0].span.range()], "# H");
    }

    #[test]
    fn empty_and_pathological_input() {
        let limits = Limits::default();
        assert_eq!(parse("", &limits), MarkdownDoc::default());
        let deep = ">".repeat(100_000);
        let _ = parse(&deep, &limits);
        let list: String = (0..2_000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect();
        let _ = parse(&list, &limits);
    }
}
