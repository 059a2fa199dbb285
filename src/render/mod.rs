//! Renderers: one per output format, each a pure function over the sorted diagnostics.
//!
//! Every renderer takes the diagnostics in the order the caller wants them printed (see
//! [`crate::diagnostic::sort`]) and a [`RenderContext`], and returns the whole output as a
//! `String`. Renderers do no I/O and never panic: a span outside its file is clamped, a file
//! missing from the [`SourceMap`] is printed without a snippet, and a code missing from the
//! [`Registry`] is printed without its title. `docs/output.md` documents every format.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::registry::{About, Registry};
use crate::source::{LineCol, SourceFile, SourceMap};

pub(crate) mod checkstyle;
pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod rdjson;
pub(crate) mod sarif;
mod xml;

pub use checkstyle::checkstyle;
pub use github::{github, github_summary};
pub use gitlab::gitlab;
pub use human::{HumanOptions, human};
pub use json::json;
pub use junit::junit;
pub use rdjson::rdjson;
pub use sarif::sarif;

/// Where findings about the repository as a whole are placed by the CI formats when the
/// context names no configuration file.
pub(crate) const DEFAULT_ROOT_FILE: &str = "annexa.toml";

/// What every renderer needs besides the diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a> {
    /// The files of the run, for snippets and line/column computation.
    pub sources: &'a SourceMap,
    /// Titles, summaries and docs of the codes (SARIF `rules[]`, annotation titles).
    pub registry: &'a Registry,
    /// annexa's version, e.g. `env!("CARGO_PKG_VERSION")`.
    pub tool_version: &'a str,
    /// Repository-relative path of the configuration file (e.g. `annexa.toml`), if any.
    /// SARIF attaches repository-level findings to it, because GitHub code scanning drops
    /// results without a location.
    pub root_file: Option<&'a str>,
    /// Where annexa's root sits inside the version-control checkout (`compliance/` when
    /// `annexa.toml` is in that folder; empty when they coincide). The paths of the CI formats
    /// (SARIF, GitHub annotations and job summary, JUnit, GitLab Code Quality, Checkstyle,
    /// rdjson) are relative to the checkout, so
    /// that code scanning and CI can place them; human and JSON output keep root-relative paths.
    pub path_prefix: &'a str,
    /// The lowest severity that fails the run (`--fail-on`): JUnit reports findings at or
    /// above it as failed test cases.
    pub fail_on: Severity,
}

impl<'a> RenderContext<'a> {
    pub fn new(sources: &'a SourceMap, registry: &'a Registry, tool_version: &'a str) -> Self {
        RenderContext {
            sources,
            registry,
            tool_version,
            root_file: None,
            path_prefix: "",
            fail_on: Severity::Error,
        }
    }

    pub fn with_fail_on(mut self, threshold: Severity) -> Self {
        self.fail_on = threshold;
        self
    }

    pub fn with_path_prefix(mut self, prefix: &'a str) -> Self {
        self.path_prefix = prefix;
        self
    }

    /// A repository-relative path as the checkout sees it.
    pub(crate) fn checkout_path(&self, path: &str) -> String {
        format!("{}{path}", self.path_prefix)
    }

    /// The checkout-relative path of the configuration file, where the CI formats place
    /// findings about the repository as a whole (their consumers drop findings without a file).
    pub(crate) fn root_path(&self) -> String {
        self.checkout_path(self.root_file.unwrap_or(DEFAULT_ROOT_FILE))
    }

    pub fn with_root_file(mut self, root_file: Option<&'a str>) -> Self {
        self.root_file = root_file;
        self
    }
}

/// The output formats, as named on the command line (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
    Checkstyle,
    Rdjson,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Gitlab,
        Format::Checkstyle,
        Format::Rdjson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
            Format::Checkstyle => "checkstyle",
            Format::Rdjson => "rdjson",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Render `diags` in `format`. The GitHub job summary is separate ([`github_summary`])
/// because it goes to a different place (`$GITHUB_STEP_SUMMARY`).
pub fn render(
    format: Format,
    diags: &[Diagnostic],
    ctx: &RenderContext<'_>,
    human_opts: HumanOptions,
) -> String {
    match format {
        Format::Human => human(diags, ctx, human_opts),
        Format::Json => json(diags, ctx),
        Format::Sarif => sarif(diags, ctx),
        Format::Github => github(diags, ctx),
        Format::Junit => junit(diags, ctx),
        Format::Gitlab => gitlab(diags, ctx),
        Format::Checkstyle => checkstyle(diags, ctx),
        Format::Rdjson => rdjson(diags, ctx),
    }
}

/// Counts by severity of one kind of finding, and where they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Distinct files holding a primary location.
    pub files: usize,
    /// Findings about the repository as a whole (no location).
    pub repository_level: usize,
}

impl Tally {
    fn of<'d>(diags: impl Iterator<Item = &'d Diagnostic>) -> Tally {
        let mut t = Tally::default();
        let mut files = BTreeSet::new();
        for d in diags {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Note => t.notes += 1,
            }
            match d.file() {
                Some(f) => {
                    files.insert(f);
                }
                None => t.repository_level += 1,
            }
        }
        t.files = files.len();
        t
    }

    pub(crate) fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }

    /// `2 errors, 1 warning` (zero counts left out); empty when there are no findings.
    pub(crate) fn counts(&self) -> String {
        [
            (self.errors, "error"),
            (self.warnings, "warning"),
            (self.notes, "note"),
        ]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .map(|(n, word)| plural(n, word))
        .collect::<Vec<_>>()
        .join(", ")
    }

    /// `in 3 files`, `in the repository`, `in 1 file and the repository`.
    fn place(&self) -> String {
        match (self.files, self.repository_level > 0) {
            (0, _) => "in the repository".to_string(),
            (n, false) => format!("in {}", plural(n, "file")),
            (n, true) => format!("in {} and the repository", plural(n, "file")),
        }
    }
}

/// What a report found: compliance findings and tool findings counted apart (an unreadable
/// file or a configuration error is not a nonconformity), and whether a finding stopped the
/// run (then there is no verdict).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub compliance: Tally,
    pub tool: Tally,
    /// A finding whose code stops the run (configuration, rule file, catalog, internal
    /// error): the check did not complete.
    pub incomplete: bool,
}

impl Summary {
    pub(crate) fn of(diags: &[Diagnostic], registry: &Registry) -> Summary {
        let about = |d: &&Diagnostic| registry.about(&d.code);
        Summary {
            compliance: Tally::of(diags.iter().filter(|d| about(d) == About::Compliance)),
            tool: Tally::of(diags.iter().filter(|d| about(d) == About::Tool)),
            incomplete: diags.iter().any(|d| registry.policy(&d.code).stops_run),
        }
    }

    /// Every finding, compliance and tool.
    pub(crate) fn total(&self) -> usize {
        self.compliance.total() + self.tool.total()
    }

    /// Findings of each severity, compliance and tool together.
    pub(crate) fn by_severity(&self) -> [usize; 3] {
        let (c, t) = (&self.compliance, &self.tool);
        [
            c.errors + t.errors,
            c.warnings + t.warnings,
            c.notes + t.notes,
        ]
    }

    /// The closing line of the human output and the headline of the job summary:
    /// `no findings`, `3 compliance findings (2 errors, 1 warning) in 2 files`,
    /// `1 compliance finding (1 note) in the repository, 2 tool findings (2 errors) in 1 file`.
    pub(crate) fn line(&self) -> String {
        if self.total() == 0 {
            return "no findings".to_string();
        }
        [(&self.compliance, "compliance"), (&self.tool, "tool")]
            .into_iter()
            .filter(|(t, _)| t.total() > 0)
            .map(|(t, word)| {
                format!(
                    "{} ({}) {}",
                    plural(t.total(), &format!("{word} finding")),
                    t.counts(),
                    t.place()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What a report says after its summary line when the check did not complete.
    pub(crate) fn incomplete_note(&self) -> Option<&'static str> {
        self.incomplete.then_some(INCOMPLETE)
    }
}

/// Said by every format when a finding stopped the run.
pub(crate) const INCOMPLETE: &str = "the check did not complete: a configuration, rule file, \
     catalog or internal error stops the run (exit code 2); fix it to get a verdict";

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A location resolved against its file: clamped byte offsets and 1-based line/column
/// (columns in Unicode scalar values; the end is exclusive).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved<'a> {
    pub file: &'a SourceFile,
    pub start: usize,
    pub end: usize,
    pub start_lc: LineCol,
    pub end_lc: LineCol,
}

impl Resolved<'_> {
    /// The text the span covers.
    pub(crate) fn text(&self) -> &str {
        // start and end are clamped onto char boundaries with start <= end.
        self.file.text.get(self.start..self.end).unwrap_or("")
    }
}

/// Resolve a location, or `None` when its file is not in the source map.
///
/// Offsets are clamped into the text and onto character boundaries, and `end >= start`, so a
/// stale or wrong span never panics. A non-empty span that ends with a line break is
/// shortened by it: YAML block nodes often include their final newline, and a region that
/// spills onto the next line (line N+1, column 1) misleads every consumer.
pub(crate) fn resolve<'a>(ctx: &RenderContext<'a>, loc: &Location) -> Option<Resolved<'a>> {
    let file = ctx.sources.get(&loc.file)?;
    let start = file.clamp(loc.span.start);
    let mut end = file.clamp(loc.span.end.max(loc.span.start)).max(start);
    let text = file.text.as_bytes();
    if end > start && text[end - 1] == b'\n' {
        end -= 1;
    }
    // `\r\n`, or a lone `\r` (a line break too: `SourceFile::line_col`).
    if end > start && text[end - 1] == b'\r' {
        end -= 1;
    }
    Some(Resolved {
        file,
        start,
        end,
        start_lc: file.line_col(start),
        end_lc: file.line_col(end),
    })
}

/// Where the CI formats place a finding: the checkout-relative path of its file and its range
/// when the file was read, or the configuration file (no range: line 1) for a finding about the
/// repository as a whole.
pub(crate) fn ci_place<'a>(
    ctx: &RenderContext<'a>,
    d: &Diagnostic,
) -> (String, Option<Resolved<'a>>) {
    match &d.location {
        Some(loc) => (ctx.checkout_path(&loc.file), resolve(ctx, loc)),
        None => (ctx.root_path(), None),
    }
}

/// A finding's single-edit suggestion resolved in its file (the range it replaces), with the
/// replacement; none without a suggestion or when the file is not in the source map.
pub(crate) fn resolved_suggestion<'a, 'd>(
    ctx: &RenderContext<'a>,
    d: &'d Diagnostic,
) -> Option<(Resolved<'a>, &'d str)> {
    let (loc, s) = (d.location.as_ref()?, d.suggestion.as_ref()?);
    let at = Location {
        file: loc.file.clone(),
        span: s.span,
    };
    Some((resolve(ctx, &at)?, s.replacement.as_str()))
}

/// What a finding is about (compliance or the tool), as the registry declares it.
pub(crate) fn about(ctx: &RenderContext<'_>, d: &Diagnostic) -> &'static str {
    ctx.registry.about(&d.code).as_str()
}

/// The registry title of a code, if the registry knows it.
pub(crate) fn title<'a>(ctx: &RenderContext<'a>, code: &str) -> Option<&'a str> {
    ctx.registry.get(code).map(|m| m.title.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn summary_line_wording() {
        let at = |d: Diagnostic, f: &str| d.at(f, Span::new(0, 1));
        let none = Registry::default();
        assert_eq!(Summary::of(&[], &none).line(), "no findings");
        let diags = vec![
            at(Diagnostic::error("A", "a"), "a.yaml"),
            at(Diagnostic::error("A", "b"), "b.yaml"),
            at(Diagnostic::warning("B", "c"), "a.yaml"),
        ];
        assert_eq!(
            Summary::of(&diags, &none).line(),
            "3 compliance findings (2 errors, 1 warning) in 2 files"
        );
        assert_eq!(
            Summary::of(&[Diagnostic::error("R", "r")], &none).line(),
            "1 compliance finding (1 error) in the repository"
        );
        let mixed = vec![
            Diagnostic::new("N", Severity::Note, "n"),
            at(Diagnostic::error("A", "a"), "a.yaml"),
        ];
        assert_eq!(
            Summary::of(&mixed, &none).line(),
            "2 compliance findings (1 error, 1 note) in 1 file and the repository"
        );
    }

    #[test]
    fn tool_findings_are_counted_apart() {
        let engine = crate::registry::engine_codes();
        let diags = vec![
            Diagnostic::error("SOA004", "a").at("soa.yaml", Span::new(0, 1)),
            Diagnostic::error("FILE001", "b").at("x.yaml", Span::at(0)),
            Diagnostic::error("CFG001", "c").at("annexa.toml", Span::at(0)),
        ];
        let s = Summary::of(&diags, &engine);
        assert_eq!(
            s.line(),
            "1 compliance finding (1 error) in 1 file, 2 tool findings (2 errors) in 2 files"
        );
        assert_eq!(s.by_severity(), [3, 0, 0]);
        assert!(s.incomplete, "CFG001 stops the run");
        assert!(!Summary::of(&diags[..2], &engine).incomplete);
    }

    #[test]
    fn resolve_clamps_and_trims_newline() {
        let mut map = SourceMap::new();
        map.insert(SourceFile::new("a.yaml", "a.yaml", "ké: 1\nb: 2\n"));
        let reg = Registry::default();
        let ctx = RenderContext::new(&map, &reg, "0");
        // Past the end, and start inside the two-byte 'é'.
        let r = resolve(
            &ctx,
            &Location {
                file: "a.yaml".into(),
                span: Span::new(2, 999),
            },
        )
        .unwrap();
        assert_eq!((r.start, r.end), (1, 11));
        assert_eq!(r.start_lc, LineCol { line: 1, column: 2 });
        assert_eq!(r.end_lc, LineCol { line: 2, column: 5 });
        // Inverted span.
        let r = resolve(
            &ctx,
            &Location {
                file: "a.yaml".into(),
                span: Span::new(5, 3),
            },
        )
        .unwrap();
        assert_eq!((r.start, r.end), (5, 5));
        assert!(
            resolve(
                &ctx,
                &Location {
                    file: "missing".into(),
                    span: Span::at(0)
                }
            )
            .is_none()
        );
    }
}
