//! The human format: compiler-style reports drawn by miette, one per diagnostic, with the
//! source snippet, a label on the offending node, secondary labels (in the same snippet
//! when they are in the same file, as a `note` with its own snippet otherwise) and help,
//! then a summary line.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::{RenderContext, Resolved, Summary, resolve};
use crate::diagnostic::{Diagnostic, Severity};

/// Options of the human format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    /// ANSI colours. Without them the output is plain Unicode text with no escape sequence
    /// at all (no hyperlinks either), byte-for-byte stable at a fixed width.
    pub color: bool,
    /// Terminal width in columns; long messages and help wrap to it.
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 80,
        }
    }
}

/// Render `diags` for a terminal. Each report is followed by a blank line; the output ends
/// with the [`Summary::line`] (compliance and tool findings counted apart), a line saying so
/// when the check did not complete, and, when codes were reported, a pointer to
/// `annexa explain`.
pub fn human(diags: &[Diagnostic], ctx: &RenderContext<'_>, opts: HumanOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Links off: we give miette no URL, and with links on even the colourless theme may
    // emit OSC 8 escapes. A minimum width keeps miette's arithmetic away from zero.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(opts.width.max(20))
        // miette counts the header's column in bytes; annexa counts characters everywhere
        // (as SARIF's `unicodeCodePoints`), so the position goes into the source name.
        .without_primary_span_start()
        .without_syntax_highlighting();

    let mut out = String::new();
    for d in diags {
        let report = Report::new(d, ctx);
        // Notes are drawn as reports of their own, right under the main one: miette's
        // `related` either prints a bare "Advice:" heading or, nested, re-wraps the
        // snippet lines to the width and breaks them.
        for r in std::iter::once(&report).chain(&report.notes) {
            let mut text = String::new();
            if handler.render_report(&mut text, r).is_err() {
                // miette gives up on a span it cannot read (ours are clamped, so this is a
                // safety net): print the report without its snippet rather than nothing.
                text = match &r.code {
                    Some(code) => format!("{code}: {}\n", r.message),
                    None => format!("{}\n", r.message),
                };
            }
            out.push_str(text.trim_end_matches('\n'));
            out.push_str("\n\n");
        }
    }
    let summary = Summary::of(diags, ctx.registry);
    out.push_str(&summary.line());
    out.push('\n');
    if let Some(note) = summary.incomplete_note() {
        out.push_str(&format!("{}{}\n", note[..1].to_uppercase(), &note[1..]));
    }

    let explained: BTreeSet<&str> = diags
        .iter()
        .map(|d| d.code.as_str())
        .filter(|c| ctx.registry.get(c).is_some())
        .collect();
    if !explained.is_empty() {
        let codes: Vec<&str> = explained.into_iter().collect();
        out.push_str(&format!(
            "For the documentation of a code, run `annexa explain <CODE>` ({}).\n",
            codes.join(", ")
        ));
    }
    out
}

/// Labels at most this many lines apart share one snippet.
const NEAR_LINES: usize = 5;

/// A view of one [`Diagnostic`] (or of one of its related labels) as a miette diagnostic.
struct Report {
    code: Option<String>,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    /// Secondary labels in other files, each shown with its own snippet.
    notes: Vec<Report>,
}

impl Report {
    fn new(d: &Diagnostic, ctx: &RenderContext<'_>) -> Report {
        let mut report = Report {
            code: Some(match super::title(ctx, &d.code) {
                Some(title) => format!("{}: {title}", d.code),
                None => d.code.clone(),
            }),
            severity: severity(d.severity),
            message: d.message.clone(),
            help: d.help.clone(),
            source: None,
            labels: Vec::new(),
            notes: Vec::new(),
        };
        let primary = d.location.as_ref().map(|loc| (loc, resolve(ctx, loc)));
        match primary {
            Some((_, Some(r))) => {
                report.source = Some(named_source(&r));
                report.labels.push(LabeledSpan::new_primary_with_span(
                    d.label.clone(),
                    (r.start, r.end - r.start),
                ));
            }
            // The file is not in the source map (unreadable, too large, not text): say
            // where, since there is no snippet to show it.
            Some((loc, None)) => report.message = format!("{}\n[{}]", d.message, loc.file),
            None => {}
        }
        let primary_line = d
            .location
            .as_ref()
            .and_then(|l| resolve(ctx, l))
            .map(|r| r.start_lc.line);
        for rel in &d.related {
            let same_file = d.file() == Some(rel.location.file.as_str());
            match resolve(ctx, &rel.location) {
                // One snippet with both labels reads best when they are in the same file and
                // close together; far apart, the snippet would print every line between them.
                Some(r)
                    if same_file
                        && report.source.is_some()
                        && primary_line
                            .is_some_and(|l| l.abs_diff(r.start_lc.line) <= NEAR_LINES) =>
                {
                    report.labels.push(LabeledSpan::new_with_span(
                        Some(rel.message.clone()),
                        (r.start, r.end - r.start),
                    ))
                }
                Some(r) => report
                    .notes
                    .push(Report::note(rel.message.clone(), Some(&r))),
                None => report.notes.push(Report::note(
                    format!("{}\n[{}]", rel.message, rel.location.file),
                    None,
                )),
            }
        }
        report
    }

    /// A secondary label in another file: a report without code, with its own snippet.
    fn note(message: String, at: Option<&Resolved<'_>>) -> Report {
        Report {
            code: None,
            severity: miette::Severity::Advice,
            message,
            help: None,
            source: at.map(named_source),
            labels: at
                .map(|r| LabeledSpan::new_primary_with_span(None, (r.start, r.end - r.start)))
                .into_iter()
                .collect(),
            notes: Vec::new(),
        }
    }
}

/// The snippet's source, named `file:line:column` after the label's start (columns in
/// characters, like every other format).
fn named_source(r: &Resolved<'_>) -> NamedSource<Arc<str>> {
    let name = format!("{}:{}:{}", r.file.rel, r.start_lc.line, r.start_lc.column);
    NamedSource::new(name, Arc::clone(&r.file.text))
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.source.is_none() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;
    use crate::source::{SourceFile, SourceMap, Span};

    fn ctx_with<'a>(map: &'a SourceMap, reg: &'a Registry) -> RenderContext<'a> {
        RenderContext::new(map, reg, "0.0.0")
    }

    #[test]
    fn no_colour_means_no_escape_sequences() {
        let mut map = SourceMap::new();
        map.insert(SourceFile::new("a.yaml", "a.yaml", "id: X\n"));
        let reg = Registry::default();
        let d = Diagnostic::error("X001", "bad")
            .at("a.yaml", Span::new(4, 5))
            .with_label("here");
        let out = human(&[d], &ctx_with(&map, &reg), HumanOptions::default());
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(out.contains("a.yaml:1:5"), "{out}");
    }

    #[test]
    fn wild_spans_and_missing_files_do_not_panic() {
        let mut map = SourceMap::new();
        map.insert(SourceFile::new("a.yaml", "a.yaml", "é"));
        map.insert(SourceFile::new("empty.yaml", "empty.yaml", ""));
        let reg = Registry::default();
        let diags = [
            Diagnostic::error("X", "past the end").at("a.yaml", Span::new(50, 10)),
            Diagnostic::error("X", "mid-char").at("a.yaml", Span::new(1, 2)),
            Diagnostic::error("X", "empty file").at("empty.yaml", Span::new(0, 3)),
            Diagnostic::error("X", "unknown file")
                .at("gone.yaml", Span::new(0, 3))
                .with_related("gone2.yaml", Span::new(1, 2), "also gone"),
        ];
        for width in [0, 1, 80] {
            let out = human(
                &diags,
                &ctx_with(&map, &reg),
                HumanOptions { color: true, width },
            );
            assert!(out.contains("(4 errors)"), "{out}");
        }
    }
}
