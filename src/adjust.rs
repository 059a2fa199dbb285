//! Applying the configuration to findings: rules disabled or re-graded by code or code
//! prefix (`[rules]`), and per-path changes (`[[overrides]]`, later entries win).
//!
//! Engine codes that protect the run itself (configuration, rule files, internal errors)
//! cannot be disabled: a check under a misread configuration would give wrong verdicts.

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};

use crate::config::{Config, SeverityName};
use crate::diagnostic::Diagnostic;

/// Codes no configuration can silence.
const PROTECTED: &[&str] = &["CFG001", "RULE001", "INT001"];

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

pub struct Adjuster {
    base: Table,
    overrides: Vec<(Vec<GlobMatcher>, Table)>,
}

impl Adjuster {
    pub fn new(config: &Config) -> Self {
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
        Adjuster { base, overrides }
    }

    /// Re-grade or drop one finding.
    pub fn apply(&self, mut d: Diagnostic) -> Option<Diagnostic> {
        if PROTECTED.contains(&d.code.as_str()) {
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
        match setting {
            None => Some(d),
            Some(s) => s.severity().map(|sev| {
                d.severity = sev;
                d
            }),
        }
    }

    /// Is a rule disabled everywhere (so it need not run at all)?
    pub fn disabled_everywhere(&self, code: &str) -> bool {
        !PROTECTED.contains(&code)
            && self.base.lookup(code) == Some(SeverityName::Off)
            && self.overrides.iter().all(|(_, t)| t.lookup(code).is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let a = Adjuster::new(&c);
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
        assert!(a.apply(d("INT001", "x.yaml")).is_some());
        assert!(a.disabled_everywhere("AI003"));
        assert!(!a.disabled_everywhere("EVD001"));
    }
}
