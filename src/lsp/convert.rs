//! Conversions between annexa's world (byte offsets, repository-relative paths,
//! [`Diagnostic`]) and the protocol's (line/character positions in the negotiated encoding,
//! `file:` URIs, `lsp_types::Diagnostic`).

use std::path::{Path, PathBuf};

use lsp_types::{DiagnosticSeverity, NumberOrString, Position, Range, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

/// The unit in which `Position::character` counts (LSP 3.17 `PositionEncodingKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units: the protocol's default and the only one every client supports.
    #[default]
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

impl Encoding {
    /// Pick from the encodings a client offers (`general.positionEncodings`): UTF-8 when
    /// offered (annexa's offsets are bytes), else UTF-16, which every client must support.
    pub(crate) fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> Encoding {
        let offered: Vec<&str> = offered.into_iter().collect();
        if offered.contains(&"utf-8") {
            Encoding::Utf8
        } else if offered.is_empty() || offered.contains(&"utf-16") {
            Encoding::Utf16
        } else if offered.contains(&"utf-32") {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub(crate) fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
            Encoding::Utf32 => lsp_types::PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// The line starts of a text, for converting between byte offsets and positions. Lines end
/// at `\n`, `\r\n` or a lone `\r`, as the protocol specifies.
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        LineIndex { text, starts }
    }

    /// The position of a byte offset (clamped into the text and onto a character boundary).
    pub(crate) fn position(&self, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = self.text[start..offset].chars().map(|c| enc.units(c)).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of a byte span.
    pub(crate) fn range(&self, span: Span, enc: Encoding) -> Range {
        let start = self.position(span.start, enc);
        let end = self.position(span.end.max(span.start), enc);
        Range::new(start, end)
    }

    /// The byte offset of a position, or `None` for a line past the end of the text. A
    /// character past the end of its line means the end of the line (as the protocol
    /// specifies); one inside a character (half of a UTF-16 surrogate pair, a byte inside a
    /// UTF-8 sequence) means the start of that character.
    pub(crate) fn offset(&self, position: Position, enc: Encoding) -> Option<usize> {
        let line = usize::try_from(position.line).ok()?;
        let start = *self.starts.get(line)?;
        let end = self.line_end(line);
        let wanted = usize::try_from(position.character).ok()?;
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            let next = units + enc.units(c);
            if next > wanted {
                return Some(start + i);
            }
            units = next;
        }
        Some(end)
    }

    /// The byte offset where a line's text ends (before its line terminator).
    fn line_end(&self, line: usize) -> usize {
        let next = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = &self.text.as_bytes()[self.starts[line]..next];
        let trim = match bytes {
            [.., b'\r', b'\n'] => 2,
            [.., b'\n'] | [.., b'\r'] => 1,
            _ => 0,
        };
        next - trim
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Characters escaped in the path of a `file:` URI: everything but the unreserved ones, `/`
/// and `:` (a Windows drive letter).
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':');

/// The `file:` URI of an absolute path.
pub(crate) fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let text = if cfg!(windows) {
        format!("/{}", text.replace('\\', "/"))
    } else {
        text.to_string()
    };
    if !text.starts_with('/') {
        return None;
    }
    format!("file://{}", utf8_percent_encode(&text, PATH))
        .parse()
        .ok()
}

/// The path a `file:` URI names; `None` for other schemes, remote hosts and paths that are
/// not UTF-8.
pub(crate) fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let scheme_end = s.find(':')?;
    if !s[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = s[scheme_end + 1..].strip_prefix("//")?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let path_start = rest.find('/')?;
    let host = &rest[..path_start];
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = percent_decode_str(&rest[path_start..]).decode_utf8().ok()?;
    let path = if cfg!(windows) {
        // `/C:/dir` → `C:/dir`
        let p = path.strip_prefix('/').unwrap_or(&path);
        PathBuf::from(p.replace('/', "\\"))
    } else {
        PathBuf::from(path.as_ref())
    };
    path.is_absolute().then_some(path)
}

pub(crate) fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// Resolve a related location to a URI and a range; `None` if its file cannot be named.
pub(crate) trait Locate {
    fn locate(&self, file: &str, span: Span) -> Option<lsp_types::Location>;
}

/// The protocol form of a diagnostic whose primary location is in the file indexed by
/// `lines`.
pub(crate) fn diagnostic(
    d: &Diagnostic,
    lines: &LineIndex<'_>,
    enc: Encoding,
    locate: &dyn Locate,
) -> lsp_types::Diagnostic {
    let span = d.location.as_ref().map(|l| l.span).unwrap_or_default();
    let related: Vec<lsp_types::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(lsp_types::DiagnosticRelatedInformation {
                location: locate.locate(&r.location.file, r.location.span)?,
                message: r.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: lines.range(span, enc),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.clone())),
        code_description: None,
        source: Some("annexa".to_string()),
        message: d.text(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    const TEXT: &str = "a: 1\ntitle: Café 😀 x\r\nz: 日本\rlast";

    #[test]
    fn offsets_to_positions_in_each_encoding() {
        let lines = LineIndex::new(TEXT);
        let x = TEXT.find('x').unwrap();
        // "title: Café 😀 " — é is 2 bytes / 1 UTF-16 unit; 😀 is 4 bytes / 2 units / 1 char.
        assert_eq!(lines.position(x, Encoding::Utf8), Position::new(1, 18));
        assert_eq!(lines.position(x, Encoding::Utf16), Position::new(1, 15));
        assert_eq!(lines.position(x, Encoding::Utf32), Position::new(1, 14));
        let hon = TEXT.find('本').unwrap();
        assert_eq!(lines.position(hon, Encoding::Utf16), Position::new(2, 4));
        assert_eq!(lines.position(hon, Encoding::Utf8), Position::new(2, 6));
        // A lone `\r` ends a line too.
        let last = TEXT.find("last").unwrap();
        assert_eq!(lines.position(last, Encoding::Utf16), Position::new(3, 0));
    }

    #[test]
    fn positions_to_offsets_round_trip() {
        let lines = LineIndex::new(TEXT);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (offset, _) in TEXT.char_indices() {
                let p = lines.position(offset, enc);
                // Line terminators map to the end of their line.
                let back = lines.offset(p, enc).unwrap();
                if TEXT[offset..].starts_with(['\r', '\n']) {
                    assert!(back <= offset, "{enc:?} {offset}");
                } else {
                    assert_eq!(back, offset, "{enc:?} {p:?}");
                }
            }
        }
    }

    #[test]
    fn bad_positions_are_clamped_or_refused() {
        let lines = LineIndex::new(TEXT);
        let smile = TEXT.find('😀').unwrap();
        let p = lines.position(smile, Encoding::Utf16);
        // Between the two halves of the surrogate pair: the start of the character.
        let inside = Position::new(p.line, p.character + 1);
        assert_eq!(lines.offset(inside, Encoding::Utf16), Some(smile));
        // Inside the UTF-8 sequence of é.
        let e = TEXT.find('é').unwrap();
        let pe = lines.position(e, Encoding::Utf8);
        let mid = Position::new(pe.line, pe.character + 1);
        assert_eq!(lines.offset(mid, Encoding::Utf8), Some(e));
        // Past the end of the line: the end of the line, before `\r\n`.
        let eol = TEXT.find("\r\n").unwrap();
        assert_eq!(
            lines.offset(Position::new(1, 999), Encoding::Utf16),
            Some(eol)
        );
        // Past the last line: nothing.
        assert_eq!(lines.offset(Position::new(4, 0), Encoding::Utf16), None);
        assert_eq!(
            lines.offset(Position::new(u32::MAX, u32::MAX), Encoding::Utf8),
            None
        );
        // Offsets past the end or inside a character are clamped.
        assert_eq!(
            lines.position(usize::MAX, Encoding::Utf16),
            Position::new(3, 4)
        );
        assert_eq!(
            lines.position(e + 1, Encoding::Utf16),
            lines.position(e, Encoding::Utf16)
        );
    }

    #[test]
    fn empty_text_has_one_line() {
        let lines = LineIndex::new("");
        assert_eq!(lines.position(0, Encoding::Utf16), Position::new(0, 0));
        assert_eq!(lines.offset(Position::new(0, 5), Encoding::Utf16), Some(0));
        assert_eq!(lines.offset(Position::new(1, 0), Encoding::Utf16), None);
    }

    #[test]
    fn negotiation_prefers_utf8_and_defaults_to_utf16() {
        assert_eq!(Encoding::negotiate(["utf-16", "utf-8"]), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(["utf-16"]), Encoding::Utf16);
        assert_eq!(Encoding::negotiate([]), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(["utf-32"]), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(["latin-1"]), Encoding::Utf16);
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_round_trip() {
        let p = Path::new("/repo/ai systems/café#1.yaml");
        let uri = path_to_uri(p).unwrap();
        assert_eq!(uri.as_str(), "file:///repo/ai%20systems/caf%C3%A9%231.yaml");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        let parse = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(
            uri_to_path(&parse("file://localhost/r/a.yaml")).unwrap(),
            Path::new("/r/a.yaml")
        );
        assert_eq!(uri_to_path(&parse("untitled:Untitled-1")), None);
        assert_eq!(uri_to_path(&parse("file://server/share/a.yaml")), None);
        assert_eq!(path_to_uri(Path::new("relative/a.yaml")), None);
    }

    #[test]
    fn message_appends_label_and_help() {
        let d = Diagnostic::error(codes::SCH002, "unknown field `colected_on`")
            .with_label("did you mean `collected_on`?")
            .with_help("known fields here: id");
        assert_eq!(
            d.text(),
            "unknown field `colected_on`\ndid you mean `collected_on`?\nhelp: known fields here: id"
        );
        // A label that the message already says is not repeated.
        let d = Diagnostic::error(codes::SCH002, "unknown field `x` in control `C`")
            .with_label("unknown field");
        assert_eq!(d.text(), "unknown field `x` in control `C`");
        assert_eq!(severity(Severity::Note), DiagnosticSeverity::INFORMATION);
    }
}
