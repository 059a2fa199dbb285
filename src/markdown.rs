//! The Markdown front-end (tree-sitter-md): YAML front matter, headings, HTML comments.
//!
//! The front matter is the `minus_metadata` block at byte 0 (`---` … `---`); its YAML is
//! loaded with [`crate::yaml::load_range`] so that spans stay relative to the whole file.

use crate::source::Span;
use crate::yaml::{Limits, Loaded};

/// A heading of the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, …
    pub level: u8,
    /// The heading text, trimmed, without `#` markers.
    pub text: String,
    pub span: Span,
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
    let _ = (src, limits);
    MarkdownDoc::default()
}
