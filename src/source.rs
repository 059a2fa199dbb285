//! Source files and byte spans.
//!
//! Every stage of annexa works with byte offsets into a file's text ([`Span`]); lines and
//! columns are computed only when a diagnostic is rendered ([`SourceFile::line_col`]).
//! Files are named by their path relative to the repository root, with `/` separators, so
//! that output is the same on every machine.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// A half-open byte range `start..end` into a file's text.
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
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub(crate) const fn at(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

/// A 1-based line and column. Columns count Unicode scalar values (SARIF `unicodeCodePoints`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One file of the repository, read once.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the repository root, `/`-separated.
    pub rel: String,
    /// Absolute (or as-given) path on disk, for messages that need it.
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Where each line starts, computed when first asked for: most files of a large
    /// repository never have a finding to locate, and the index of every file would cost
    /// memory in proportion to the repository.
    line_starts: std::sync::OnceLock<Arc<[usize]>>,
}

impl SourceFile {
    pub fn new(
        rel: impl Into<String>,
        path: impl Into<PathBuf>,
        text: impl Into<Arc<str>>,
    ) -> Self {
        SourceFile {
            rel: rel.into(),
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Lines end at `\n`, `\r\n` or a lone `\r`: YAML, Markdown and the Language Server
    /// Protocol all count a lone `\r` as a line break, so a finding's line must too.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            std::iter::once(0)
                .chain(
                    memchr::memchr2_iter(b'\n', b'\r', bytes)
                        .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                        .map(|i| i + 1),
                )
                .collect()
        })
    }

    /// Clamp an offset into the text and onto a character boundary.
    pub(crate) fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while o > 0 && !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line_idx = match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts()[line_idx];
        let column = self.text[line_start..offset].chars().count() + 1;
        LineCol {
            line: line_idx + 1,
            column,
        }
    }

    /// Number of lines (a trailing newline does not open a new line).
    pub fn line_count(&self) -> usize {
        let starts = self.line_starts();
        let n = starts.len();
        if n > 1 && starts[n - 1] == self.text.len() {
            n - 1
        } else {
            n
        }
    }

    /// The text of a 1-based line, without its line break, if the line exists.
    pub(crate) fn line_text(&self, line: usize) -> Option<&str> {
        let starts = self.line_starts();
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).copied().unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// Byte offset of the start of a 1-based line and column, if it exists.
    pub fn offset_of(&self, lc: LineCol) -> Option<usize> {
        let starts = self.line_starts();
        let start = *starts.get(lc.line.checked_sub(1)?)?;
        let line_end = starts.get(lc.line).copied().unwrap_or(self.text.len());
        let line = &self.text[start..line_end];
        let mut col = 1;
        for (i, _) in line.char_indices() {
            if col == lc.column {
                return Some(start + i);
            }
            col += 1;
        }
        (col == lc.column).then_some(line_end)
    }
}

/// Every file of the run, by repository-relative path (sorted, so iteration is
/// deterministic). Renderers look snippets up here.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: std::collections::BTreeMap<String, SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, file: SourceFile) {
        self.files.insert(file.rel.clone(), file);
    }

    pub fn get(&self, rel: &str) -> Option<&SourceFile> {
        self.files.get(rel)
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.values()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a.yaml", "a.yaml", "a: 1\nb: é x\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 1 });
        // 'x' is after "b: é " (é is two bytes)
        let x = f.text.find('x').unwrap();
        assert_eq!(f.line_col(x), LineCol { line: 2, column: 6 });
        assert_eq!(f.line_count(), 2);
        assert_eq!(f.offset_of(LineCol { line: 2, column: 6 }), Some(x));
    }

    #[test]
    fn lone_carriage_returns_end_lines_too() {
        // LF, CRLF and a lone CR (as YAML, Markdown and the LSP count them).
        let f = SourceFile::new("a.yaml", "a.yaml", "a: 1\nb: 2\r\nc: 3\rd: 4\r\re: 5");
        let at = |s: &str| f.line_col(f.text.find(s).unwrap());
        assert_eq!(at("b"), LineCol { line: 2, column: 1 });
        assert_eq!(at("c"), LineCol { line: 3, column: 1 });
        assert_eq!(at("d"), LineCol { line: 4, column: 1 });
        assert_eq!(at("e"), LineCol { line: 6, column: 1 });
        assert_eq!(f.line_count(), 6);
        assert_eq!(f.line_text(2), Some("b: 2"));
        assert_eq!(f.line_text(4), Some("d: 4"));
        assert_eq!(f.line_text(5), Some(""));
        assert_eq!(f.line_text(7), None);
        assert_eq!(
            f.offset_of(LineCol { line: 4, column: 1 }),
            f.text.find('d')
        );
    }

    #[test]
    fn clamp_stays_on_char_boundary() {
        let f = SourceFile::new("a", "a", "é");
        assert_eq!(f.clamp(1), 0);
        assert_eq!(f.clamp(99), 2);
    }
}
