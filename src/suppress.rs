//! Suppressions with accountability.
//!
//! Inline, in a YAML comment or a Markdown HTML comment:
//!
//! ```yaml
//! collected_on: 2025-09-30  # annexa-ignore EVD001; reason: supplier report due in January; owner: J. Doe; expires: 2027-01-31
//! ```
//!
//! `annexa-ignore CODES; reason: …; owner: …; expires: YYYY-MM-DD` suppresses the listed codes
//! on its own line (a trailing comment) or on the next line with content (a comment on a
//! line of its own). `annexa-ignore-file` suppresses them in the whole file; in a Markdown
//! file's body (an HTML comment), every directive applies to the whole file. In
//! `annexa.toml`, `[[suppress]]` entries do the same by code (or prefix), path glob and
//! artifact id.
//!
//! A suppression without a reason or an owner is rejected (`SUP001`) and suppresses
//! nothing; an expired one is itself a finding (`SUP002`) and the findings it covered are
//! reported again; one that matches nothing is reported (`SUP003`).

use globset::{Glob, GlobMatcher};
use jiff::civil::Date;

use crate::codes;
use crate::config::{FILE_NAME, Suppression};
use crate::dates;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};

/// Where a suppression applies within its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Reach {
    /// One line (1-based).
    Line(usize),
    File,
}

/// A suppression, inline or from the configuration.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Directive {
    /// File holding the directive (`annexa.toml` for configured ones).
    pub origin: String,
    pub span: Span,
    pub codes: Vec<String>,
    /// Configured suppressions match code prefixes; inline ones exact codes.
    pub prefix: bool,
    /// Files it applies to: the file itself (inline) or a glob.
    pub target: Target,
    pub reach: Reach,
    pub artifact: Option<String>,
    pub expires: Option<Date>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(into = "TargetRepr", try_from = "TargetRepr")]
pub(crate) enum Target {
    File(String),
    Glob(GlobMatcher),
    Any,
}

/// How a [`Target`] is kept in the cache: a glob by its text.
#[derive(serde::Serialize, serde::Deserialize)]
enum TargetRepr {
    File(String),
    Glob(String),
    Any,
}

impl From<Target> for TargetRepr {
    fn from(t: Target) -> Self {
        match t {
            Target::File(f) => TargetRepr::File(f),
            Target::Glob(g) => TargetRepr::Glob(g.glob().glob().to_string()),
            Target::Any => TargetRepr::Any,
        }
    }
}

impl TryFrom<TargetRepr> for Target {
    type Error = globset::Error;
    fn try_from(t: TargetRepr) -> Result<Self, Self::Error> {
        Ok(match t {
            TargetRepr::File(f) => Target::File(f),
            TargetRepr::Glob(g) => Target::Glob(globset::Glob::new(&g)?.compile_matcher()),
            TargetRepr::Any => Target::Any,
        })
    }
}

impl Directive {
    /// Does the directive name this code (exactly, or as a prefix for configured ones)?
    fn names(&self, code: &str) -> bool {
        self.codes.iter().any(|c| {
            if self.prefix {
                code.starts_with(c.as_str())
            } else {
                code == c
            }
        })
    }

    fn matches(&self, d: &Diagnostic, line: Option<usize>) -> bool {
        let code_ok = self.names(&d.code);
        if !code_ok {
            return false;
        }
        let file_ok = match (&self.target, d.file()) {
            (Target::Any, _) => true,
            (Target::File(f), Some(df)) => f == df,
            (Target::Glob(g), Some(df)) => g.is_match(df),
            (_, None) => false,
        };
        let reach_ok = match self.reach {
            Reach::File => true,
            Reach::Line(n) => line == Some(n),
        };
        let artifact_ok = self
            .artifact
            .as_ref()
            .is_none_or(|a| d.entity.artifact.as_deref() == Some(a.as_str()));
        file_ok && reach_ok && artifact_ok
    }
}

/// The fields of a directive's text, or why it is rejected.
struct Fields {
    codes: Vec<String>,
    file_wide: bool,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<String>,
}

/// Parse the text of a comment. `None`: not a directive at all.
fn parse_text(text: &str) -> Option<Result<Fields, String>> {
    let text = text.trim();
    let (rest, file_wide) = if let Some(r) = text.strip_prefix("annexa-ignore-file") {
        (r, true)
    } else if let Some(r) = text.strip_prefix("annexa-ignore") {
        (r, false)
    } else {
        return None;
    };
    if !rest.is_empty() && !rest.starts_with([' ', '\t', ':']) {
        return None;
    }
    let rest = rest.trim_start_matches(':');
    let mut parts = rest.split(';');
    let codes: Vec<String> = parts
        .next()
        .unwrap_or("")
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let mut f = Fields {
        codes,
        file_wide,
        reason: None,
        owner: None,
        expires: None,
    };
    if f.codes.is_empty() {
        return Some(Err(
            "names no code; write `annexa-ignore CODE; reason: …; owner: …`".into(),
        ));
    }
    if let Some(bad) = f.codes.iter().find(|c| !crate::rules::compile::is_code(c)) {
        return Some(Err(format!("`{bad}` is not a rule code")));
    }
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let Some((key, value)) = part.split_once(':') else {
            return Some(Err(format!("`{part}` is not `key: value`")));
        };
        let value = Some(value.trim().to_string()).filter(|v| !v.is_empty());
        match key.trim() {
            "reason" => f.reason = value,
            "owner" => f.owner = value,
            "expires" => f.expires = value,
            other => {
                return Some(Err(format!(
                    "unknown field `{other}` (expected reason, owner, expires)"
                )));
            }
        }
    }
    Some(Ok(f))
}

/// Check the accountability fields; the expiry date if valid.
fn accountable(
    reason: Option<&str>,
    owner: Option<&str>,
    expires: Option<&str>,
) -> Result<Option<Date>, String> {
    if reason.is_none_or(|r| r.trim().is_empty()) {
        return Err("has no reason; say why the finding is accepted (`reason: …`)".into());
    }
    if owner.is_none_or(|o| o.trim().is_empty()) {
        return Err("has no owner; name who is accountable (`owner: …`)".into());
    }
    match expires {
        None => Ok(None),
        Some(e) => dates::parse_date(e)
            .map(Some)
            .ok_or_else(|| format!("`expires: {e}` is not a date (YYYY-MM-DD)")),
    }
}

fn rejected(file: &str, span: Span, why: &str) -> Diagnostic {
    Diagnostic::error(codes::SUP001, format!("suppression rejected: it {why}"))
        .at(file, span)
        .with_label("this suppression suppresses nothing")
        .with_help("write `annexa-ignore CODE; reason: …; owner: …; expires: YYYY-MM-DD`")
        .with_entity(None, Some(format!("sup@{}", span.start)))
}

/// Directives in one file's comments (`(span, text after the comment marker)`). `file_wide`
/// makes every directive reach the whole file (Markdown bodies).
pub(crate) fn from_comments(
    file: &SourceFile,
    comments: &[(Span, String)],
    file_wide: bool,
) -> (Vec<Directive>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (span, text) in comments {
        let Some(parsed) = parse_text(text) else {
            continue;
        };
        let f = match parsed {
            Ok(f) => f,
            Err(why) => {
                problems.push(rejected(&file.rel, *span, &why));
                continue;
            }
        };
        let expires = match accountable(
            f.reason.as_deref(),
            f.owner.as_deref(),
            f.expires.as_deref(),
        ) {
            Ok(e) => e,
            Err(why) => {
                problems.push(rejected(&file.rel, *span, &why));
                continue;
            }
        };
        let reach = if file_wide || f.file_wide {
            Reach::File
        } else {
            Reach::Line(target_line(file, *span))
        };
        out.push(Directive {
            origin: file.rel.clone(),
            span: *span,
            codes: f.codes,
            prefix: false,
            target: Target::File(file.rel.clone()),
            reach,
            artifact: None,
            expires,
        });
    }
    (out, problems)
}

/// A trailing comment reaches its own line; a comment alone on its line reaches the next
/// line that has content other than a comment. Lines are the file's lines (ended by `\n`,
/// `\r\n` or a lone `\r`), as findings count them.
fn target_line(file: &SourceFile, span: Span) -> usize {
    let start = file.clamp(span.start);
    let own = file.line_col(start).line;
    let line_start = file
        .offset_of(crate::source::LineCol {
            line: own,
            column: 1,
        })
        .unwrap_or(0);
    if !file.text[line_start..start].trim().is_empty() {
        return own;
    }
    let mut line = own + 1;
    while let Some(t) = file.line_text(line) {
        let t = t.trim();
        if !t.is_empty() && !t.starts_with('#') {
            return line;
        }
        line += 1;
    }
    own
}

/// Directives from `[[suppress]]` entries, each located at its entry in `annexa.toml`.
pub(crate) fn from_config(
    entries: &[toml::Spanned<Suppression>],
) -> (Vec<Directive>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for e in entries {
        let span = Span::new(e.span().start, e.span().end);
        let s = e.get_ref();
        let expires = match accountable(
            s.reason.as_deref(),
            s.owner.as_deref(),
            s.expires.as_deref(),
        ) {
            Ok(x) => x,
            Err(why) => {
                problems.push(rejected(FILE_NAME, span, &why));
                continue;
            }
        };
        let target = match &s.path {
            None => Target::Any,
            Some(g) => match Glob::new(g) {
                Ok(g) => Target::Glob(g.compile_matcher()),
                Err(e) => {
                    problems.push(rejected(
                        FILE_NAME,
                        span,
                        &format!("has an invalid path glob: {}", e.kind()),
                    ));
                    continue;
                }
            },
        };
        out.push(Directive {
            origin: FILE_NAME.to_string(),
            span,
            codes: vec![s.code.clone()],
            prefix: true,
            target,
            reach: Reach::File,
            artifact: s.artifact.clone(),
            expires,
        });
    }
    (out, problems)
}

/// Remove suppressed findings; report expired and unused suppressions.
/// Codes whose [`Policy`](crate::registry::Policy) forbids suppression are never suppressed.
pub(crate) fn apply(
    diags: Vec<Diagnostic>,
    directives: &[Directive],
    today: Date,
    registry: &crate::registry::Registry,
    line_of: impl Fn(&Diagnostic) -> Option<usize>,
) -> Vec<Diagnostic> {
    let mut used = vec![false; directives.len()];
    let mut kept = Vec::with_capacity(diags.len());
    for d in diags {
        if !registry.policy(&d.code).suppress {
            kept.push(d);
            continue;
        }
        let line = line_of(&d);
        let hit = directives.iter().position(|s| s.matches(&d, line));
        match hit {
            Some(i) => {
                used[i] = true;
                let expired = directives[i].expires.is_some_and(|e| e < today);
                if expired {
                    kept.push(d);
                }
            }
            None => kept.push(d),
        }
    }
    for (s, used) in directives.iter().zip(used) {
        let codes = s.codes.join(", ");
        if let Some(e) = s.expires.filter(|e| *e < today) {
            kept.push(
                Diagnostic::error(
                    codes::SUP002,
                    format!("suppression of {codes} expired on {e}"),
                )
                .at(s.origin.clone(), s.span)
                .with_label("expired")
                .with_help("fix the finding, or renew the decision with a new reason and expiry")
                .with_entity(None, Some(format!("sup:{codes}@{}", s.span.start))),
            );
        } else if !used {
            let help = match nearby(s, &kept, &line_of) {
                Some((code, line)) => format!(
                    "a {code} finding is reported at line {line} of this file: put the comment on that line, or alone on the line above it (`annexa explain {code}` says where its findings land)"
                ),
                None => "remove the suppression: the finding it was written for is gone".into(),
            };
            kept.push(
                Diagnostic::new(
                    codes::SUP003,
                    Severity::Warning,
                    format!("suppression of {codes} matches no finding"),
                )
                .at(s.origin.clone(), s.span)
                .with_label("unused")
                .with_help(help)
                .with_entity(None, Some(format!("sup:{codes}@{}", s.span.start))),
            );
        }
    }
    kept
}

/// For a line suppression that matched nothing: the finding of one of its codes in the same
/// file nearest to the line it reaches (code, line), when there is one.
fn nearby(
    s: &Directive,
    kept: &[Diagnostic],
    line_of: &impl Fn(&Diagnostic) -> Option<usize>,
) -> Option<(String, usize)> {
    let Reach::Line(target) = s.reach else {
        return None;
    };
    kept.iter()
        .filter(|d| d.file() == Some(s.origin.as_str()))
        .filter(|d| s.names(&d.code))
        .filter_map(|d| Some((d.code.clone(), line_of(d)?)))
        .min_by_key(|(_, line)| line.abs_diff(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_directives() {
        assert!(parse_text("just a comment").is_none());
        assert!(parse_text("annexa-ignored").is_none());
        let f = parse_text(
            " annexa-ignore EVD001, EVD002; reason: pending; owner: J. Doe; expires: 2027-01-31",
        )
        .unwrap()
        .unwrap();
        assert_eq!(f.codes, ["EVD001", "EVD002"]);
        assert_eq!(f.reason.as_deref(), Some("pending"));
        assert!(!f.file_wide);
        assert!(
            parse_text("annexa-ignore-file SCH002; reason: x; owner: y")
                .unwrap()
                .unwrap()
                .file_wide
        );
        assert!(parse_text("annexa-ignore").unwrap().is_err());
        assert!(parse_text("annexa-ignore evd001").unwrap().is_err());
        assert!(
            parse_text("annexa-ignore EVD001; because: x")
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn accountability_is_required() {
        assert!(
            accountable(None, Some("o"), None)
                .unwrap_err()
                .contains("no reason")
        );
        assert!(
            accountable(Some("r"), None, None)
                .unwrap_err()
                .contains("no owner")
        );
        assert!(accountable(Some("r"), Some("o"), Some("2027-02-30")).is_err());
        assert!(
            accountable(Some("r"), Some("o"), Some("2027-02-28"))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn trailing_and_own_line_comments_reach_the_right_line() {
        let text = "a: 1\n# annexa-ignore X1; reason: r; owner: o\n\n# more\nb: 2  # annexa-ignore X2; reason: r; owner: o\n";
        let f = SourceFile::new("f.yaml", "f.yaml", text);
        let own = text.find("# annexa-ignore X1").unwrap();
        assert_eq!(target_line(&f, Span::at(own)), 5);
        let trailing = text.find("# annexa-ignore X2").unwrap();
        assert_eq!(target_line(&f, Span::at(trailing)), 5);

        // The same with lone carriage returns as line ends.
        let text = text.replace('\n', "\r");
        let f = SourceFile::new("f.yaml", "f.yaml", text.as_str());
        let own = text.find("# annexa-ignore X1").unwrap();
        assert_eq!(target_line(&f, Span::at(own)), 5);
        let trailing = text.find("# annexa-ignore X2").unwrap();
        assert_eq!(target_line(&f, Span::at(trailing)), 5);
    }
}
