//! The one diagnostic type every stage produces and every renderer consumes.
//!
//! Stages *find*; renderers *print*. A [`Diagnostic`] is plain data: a rule code, a
//! severity, a one-line message, a primary location (file + byte span) with a label,
//! secondary labels possibly in other files, help text, and the entity it concerns
//! (artifact id + field path), from which stable fingerprints are derived, and, when the fix
//! is a single edit ("did you mean `collected_on`?"), that edit as a [`Suggestion`].

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::Span;

/// How serious a finding is. Ordered `Note < Warning < Error`.
/// Serialised and read by name (`"error"`), in every format (output, rule files, the cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Serialize for Severity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Severity::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown severity `{s}` (expected error, warning or note)"
            ))
        })
    }
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file of the repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the repository root, `/`-separated.
    pub file: String,
    pub span: Span,
}

/// A secondary label: another place that explains the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// What a finding is about, independent of where it sits in the file: the basis of
/// fingerprints (baseline, SARIF `partialFingerprints`), so that a finding survives lines
/// moving.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entity {
    /// The artifact id, when the finding concerns an artifact.
    pub artifact: Option<String>,
    /// A JSON pointer to the field inside the artifact (`/entries/3/justification`) or a
    /// stable key such as a control id.
    pub field: Option<String>,
}

/// A fix that is a single edit: replace the text at `span`, in the file of the finding's
/// primary location, with `replacement`. Outputs that can apply or show edits carry it (SARIF
/// `fixes`, the JSON `suggestion`); the text of the finding says it in words as well.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Suggestion {
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// Primary location; `None` for findings about the repository as a whole.
    pub location: Option<Location>,
    /// Text of the label on the primary span.
    pub label: Option<String>,
    pub related: Vec<Related>,
    pub help: Option<String>,
    pub entity: Entity,
    /// The fix, when it is a single edit in the primary location's file.
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            location: None,
            label: None,
            related: Vec::new(),
            help: None,
            entity: Entity::default(),
            suggestion: None,
        }
    }

    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    pub fn at(mut self, file: impl Into<String>, span: Span) -> Self {
        self.location = Some(Location {
            file: file.into(),
            span,
        });
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(
        mut self,
        file: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            location: Location {
                file: file.into(),
                span,
            },
            message: message.into(),
        });
        self
    }

    pub fn with_entity(mut self, artifact: Option<String>, field: Option<String>) -> Self {
        self.entity = Entity { artifact, field };
        self
    }

    /// Attach a single-edit fix: `replacement` for the text at `span` in the primary file.
    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.suggestion = Some(Suggestion {
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// The finding as one text, for outputs that draw no snippet (SARIF and JUnit messages,
    /// GitHub annotations and the job summary, the editor): the [`Diagnostic::text_lines`]
    /// joined by line breaks.
    pub fn text(&self) -> String {
        self.text_lines().join("\n")
    }

    /// The message, the primary label when it says something more (`did you mean …?`), and
    /// the help after `help: `: what a finding says without its snippet.
    pub fn text_lines(&self) -> Vec<String> {
        let mut lines = vec![self.message.clone()];
        if let Some(label) = self
            .label
            .as_deref()
            .filter(|l| !l.is_empty() && !self.message.contains(l))
        {
            lines.push(label.to_string());
        }
        if let Some(help) = self.help.as_deref().filter(|h| !h.is_empty()) {
            lines.push(format!("help: {help}"));
        }
        lines
    }

    pub fn file(&self) -> Option<&str> {
        self.location.as_ref().map(|l| l.file.as_str())
    }

    /// A stable fingerprint of the finding: rule code + file + artifact id + field.
    /// Lines and columns never enter it.
    pub fn fingerprint(&self) -> String {
        let file = self.file().unwrap_or("");
        let artifact = self.entity.artifact.as_deref().unwrap_or("");
        let field = self.entity.field.as_deref().unwrap_or("");
        let key = if artifact.is_empty() && field.is_empty() {
            // Without an entity, the message is the most stable thing we have.
            format!("{}\u{1f}{}\u{1f}{}", self.code, file, self.message)
        } else {
            format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{}",
                self.code, file, artifact, field
            )
        };
        format!("{:016x}", fnv1a64(key.as_bytes()))
    }
}

/// FNV-1a, 64 bit: small, fast and identical on every platform and run (unlike the std
/// hasher, which is randomly seeded).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The deterministic order of output: by file (repository-level findings first), position,
/// severity (most severe first), code, then message.
pub(crate) fn compare(a: &Diagnostic, b: &Diagnostic) -> Ordering {
    let key = |d: &Diagnostic| {
        d.location
            .as_ref()
            .map(|l| (l.file.clone(), l.span.start, l.span.end))
    };
    key(a)
        .cmp(&key(b))
        .then_with(|| b.severity.cmp(&a.severity))
        .then_with(|| a.code.cmp(&b.code))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.entity.cmp(&b.entity))
}

/// Sort in the deterministic output order and drop exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(compare);
    diags.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_spans() {
        let a = Diagnostic::error("SOA001", "x")
            .at("soa.yaml", Span::new(1, 2))
            .with_entity(Some("SOA".into()), Some("iso27001:2022/A.5.1".into()));
        let mut b = a.clone();
        b.location.as_mut().unwrap().span = Span::new(100, 120);
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = a
            .clone()
            .with_entity(Some("SOA".into()), Some("iso27001:2022/A.5.2".into()));
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn sort_is_by_file_then_position_then_severity() {
        let mut v = vec![
            Diagnostic::warning("B", "b").at("b.yaml", Span::new(0, 1)),
            Diagnostic::warning("A", "a").at("a.yaml", Span::new(5, 6)),
            Diagnostic::error("C", "c").at("a.yaml", Span::new(5, 6)),
            Diagnostic::error("R", "repo-level"),
        ];
        sort(&mut v);
        let codes: Vec<_> = v.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["R", "C", "A", "B"]);
    }
}
