//! Applying the configuration to findings: rules disabled or re-graded by code or code
//! prefix (`[rules]`), and per-path changes (`[[overrides]]`, later entries win).
//!
//! What each code allows is its [`Policy`](crate::registry::Policy), declared once with the
//! code: engine codes that protect the run itself (configuration, rule files, catalogs,
//! internal errors) cannot be disabled or re-graded, because a check under a misread
//! configuration would give wrong verdicts. Configuration that tries is rejected where it is
//! written ([`check_codes`]); `apply` honours the policy all the same.

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};

use crate::config::{self, Config, SeverityName};
use crate::diagnostic::Diagnostic;
use crate::registry::{Policy, Registry};
use crate::source::SourceMap;

/// The severity table for one place: code prefix → severity (or off).
#[derive(Debug, Clone, Default)]
struct Table(BTreeMap<String, SeverityName>);

impl Table {
    fn add_disabled(&mut self, codes: &[String]) {
        for c in codes {
            self.0.insert(c.clone(), SeverityName::Off);
        }
    }

    fn add(&mut self, map: &BTreeMap<String, SeverityName>) {
        for (k, v) in map {
            self.0.insert(k.clone(), *v);
        }
    }

    /// The entry of the longest prefix of `code`.
    fn lookup(&self, code: &str) -> Option<SeverityName> {
        self.0
            .iter()
            .filter(|(prefix, _)| code.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, v)| *v)
    }
}

pub struct Adjuster<'r> {
    base: Table,
    overrides: Vec<(Vec<GlobMatcher>, Table)>,
    registry: &'r Registry,
}

impl<'r> Adjuster<'r> {
    pub fn new(config: &Config, registry: &'r Registry) -> Self {
        let mut base = Table::default();
        base.add_disabled(&config.rules.disable);
        base.add(&config.rules.severity);
        let overrides = config
            .overrides
            .iter()
            .map(|o| {
                let globs = o
                    .paths
                    .iter()
                    .filter_map(|g| Glob::new(g).ok().map(|g| g.compile_matcher()))
                    .collect();
                let mut t = Table::default();
                t.add_disabled(&o.disable);
                t.add(&o.severity);
                (globs, t)
            })
            .collect();
        Adjuster {
            base,
            overrides,
            registry,
        }
    }

    /// Re-grade or drop one finding.
    pub(crate) fn apply(&self, mut d: Diagnostic) -> Option<Diagnostic> {
        let policy = self.registry.policy(&d.code);
        if !policy.disable && !policy.severity {
            return Some(d);
        }
        let mut setting = self.base.lookup(&d.code);
        if let Some(file) = d.file() {
            for (globs, table) in &self.overrides {
                if globs.iter().any(|g| g.is_match(file))
                    && let Some(s) = table.lookup(&d.code)
                {
                    setting = Some(s);
                }
            }
        }
        match setting.map(SeverityName::severity) {
            None => Some(d),
            Some(None) if policy.disable => None,
            Some(Some(sev)) if policy.severity => {
                d.severity = sev;
                Some(d)
            }
            Some(_) => Some(d),
        }
    }

    /// Is a rule disabled everywhere (so it need not run at all)?
    pub fn disabled_everywhere(&self, code: &str) -> bool {
        self.registry.policy(code).disable
            && self.base.lookup(code) == Some(SeverityName::Off)
            && self.overrides.iter().all(|(_, t)| t.lookup(code).is_none())
    }
}

/// What an entry of the configuration does to the codes it names.
#[derive(Debug, Clone, Copy)]
enum Action {
    Disable,
    Severity,
    Suppress,
}

impl Action {
    fn allowed(self, p: Policy) -> bool {
        match self {
            Action::Disable => p.disable,
            Action::Severity => p.severity,
            Action::Suppress => p.suppress,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Action::Disable => "disabled",
            Action::Severity => "re-graded",
            Action::Suppress => "suppressed",
        }
    }
}

/// Check every code or code prefix that `annexa.toml` names (`[rules] disable` and
/// `severity`, `[[overrides]]`, `[[suppress]]`) against the codes of the run: an empty code,
/// one that matches no code, or one that would disable, re-grade or suppress a code whose
/// policy forbids it is a `CFG001` at the place it is written.
pub fn check_codes(config: &Config, registry: &Registry, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut named: Vec<(&str, Action, &str)> = Vec::new();
    for c in &config.rules.disable {
        named.push((c, Action::Disable, "[rules] disable"));
    }
    for (c, s) in &config.rules.severity {
        let action = if *s == SeverityName::Off {
            Action::Disable
        } else {
            Action::Severity
        };
        named.push((c, action, "[rules.severity]"));
    }
    for o in &config.overrides {
        for c in &o.disable {
            named.push((c, Action::Disable, "[[overrides]] disable"));
        }
        for (c, s) in &o.severity {
            let action = if *s == SeverityName::Off {
                Action::Disable
            } else {
                Action::Severity
            };
            named.push((c, action, "[[overrides]] severity"));
        }
    }
    for s in &config.suppress {
        named.push((&s.get_ref().code, Action::Suppress, "[[suppress]]"));
    }
    let text = sources.get(config::FILE_NAME).map(|f| &*f.text);
    let mut out = Vec::new();
    for (code, action, table) in named {
        let problem = code_problem(code, action, registry);
        let Some((message, label, help)) = problem else {
            continue;
        };
        let span = text
            .map(|t| config::value_span(t, code))
            .unwrap_or_else(|| crate::source::Span::at(0));
        let mut d = Diagnostic::error(crate::codes::CFG001, format!("{table}: {message}"))
            .at(config::FILE_NAME, span)
            .with_label(label)
            .with_entity(None, Some(format!("{table}:{code}")));
        if let Some(h) = help {
            d = d.with_help(h);
        }
        out.push(d);
    }
    out
}

/// Why a code named in the configuration is refused: (message, label, help).
fn code_problem(
    code: &str,
    action: Action,
    registry: &Registry,
) -> Option<(String, String, Option<String>)> {
    if code.trim().is_empty() {
        return Some((
            "an empty code would match every code".into(),
            "empty code".into(),
            Some(
                "name a code (`EVD001`) or a code prefix (`EVD`); `annexa rules` lists them".into(),
            ),
        ));
    }
    let matching: Vec<_> = registry.matching(code).collect();
    if matching.is_empty() {
        let help =
            match crate::suggest::did_you_mean(code, registry.iter().map(|m| m.code.as_str())) {
                Some(s) => format!("did you mean `{s}`? `annexa rules` lists every code"),
                None => "`annexa rules` lists every code, built-in and the repository's own".into(),
            };
        return Some((
            format!("`{code}` is not a code or code prefix of any rule"),
            "unknown code".into(),
            Some(help),
        ));
    }
    let refused: Vec<&str> = matching
        .iter()
        .filter(|m| !action.allowed(m.policy))
        .map(|m| m.code.as_str())
        .collect();
    if refused.is_empty() {
        return None;
    }
    let allowed: Vec<&str> = matching
        .iter()
        .filter(|m| action.allowed(m.policy))
        .map(|m| m.code.as_str())
        .collect();
    let help = if allowed.is_empty() {
        format!(
            "{} protect(s) the verdict itself and cannot be {}; fix the cause instead",
            refused.join(", "),
            action.verb()
        )
    } else {
        format!(
            "name only the codes that may be {}: {}",
            action.verb(),
            allowed.join(", ")
        )
    };
    Some((
        format!("{} cannot be {}", refused.join(", "), action.verb()),
        format!("would {} {}", action_infinitive(action), refused.join(", ")),
        Some(help),
    ))
}

fn action_infinitive(action: Action) -> &'static str {
    match action {
        Action::Disable => "disable",
        Action::Severity => "re-grade",
        Action::Suppress => "suppress",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::diagnostic::Severity;
    use crate::source::Span;

    fn config(text: &str) -> Config {
        crate::config::parse(text).unwrap()
    }

    #[test]
    fn prefixes_severities_and_overrides() {
        let c = config(
            r#"
[rules]
disable = ["AI"]
[rules.severity]
EVD = "warning"
EVD001 = "error"
[[overrides]]
paths = ["legacy/**"]
disable = ["EVD001"]
"#,
        );
        let a = Adjuster::new(&c, crate::rules::builtin_registry());
        let d = |code: &str, file: &str| Diagnostic::warning(code, "m").at(file, Span::at(0));
        assert!(a.apply(d("AI001", "x.yaml")).is_none());
        assert_eq!(
            a.apply(d("EVD002", "x.yaml")).unwrap().severity,
            Severity::Warning
        );
        assert_eq!(
            a.apply(d("EVD001", "x.yaml")).unwrap().severity,
            Severity::Error
        );
        assert!(a.apply(d("EVD001", "legacy/e.yaml")).is_none());
        assert!(a.apply(d(codes::INT001, "x.yaml")).is_some());
        assert!(a.disabled_everywhere("AI003"));
        assert!(!a.disabled_everywhere("EVD001"));
    }
}

#[cfg(test)]
mod code_checks {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let config = crate::config::parse(text).unwrap();
        let mut sources = SourceMap::new();
        sources.insert(crate::source::SourceFile::new(
            config::FILE_NAME,
            config::FILE_NAME,
            std::sync::Arc::<str>::from(text),
        ));
        check_codes(&config, crate::rules::builtin_registry(), &sources)
            .into_iter()
            .map(|d| {
                let span = d.location.unwrap().span;
                format!("{} @{}", d.message, &text[span.range()])
            })
            .collect()
    }

    #[test]
    fn protected_unknown_and_empty_codes_are_refused_at_the_place() {
        assert_eq!(
            problems("[rules]\ndisable = [\"CAT\"]\n"),
            ["[rules] disable: CAT001 cannot be disabled @\"CAT\""]
        );
        assert_eq!(
            problems("[[suppress]]\ncode = \"RULE\"\nreason = \"r\"\nowner = \"o\"\n"),
            ["[[suppress]]: RULE001 cannot be suppressed @\"RULE\""]
        );
        assert_eq!(
            problems("[[suppress]]\ncode = \"\"\nreason = \"r\"\nowner = \"o\"\n"),
            ["[[suppress]]: an empty code would match every code @\"\""]
        );
        assert_eq!(
            problems("[rules.severity]\nEVD009 = \"warning\"\nSUP = \"note\"\n"),
            [
                "[rules.severity]: `EVD009` is not a code or code prefix of any rule @EVD009",
                "[rules.severity]: SUP001, SUP002 cannot be re-graded @SUP"
            ]
        );
        assert!(problems("[rules]\ndisable = [\"AI\", \"SUP003\"]\n").is_empty());
    }
}
