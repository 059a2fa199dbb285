//! The registry of diagnostic codes: one entry per code, with its title, default severity,
//! documentation and the clause or control it derives from. It is data, loaded from the
//! YAML files in `rules/` that are embedded in the binary; `annexa explain`, the SARIF
//! `rules[]` array and the README all read the same entries.
//!
//! This module knows the engine's own codes ([`engine_codes`]); the built-in registry, which
//! adds the codes of the built-in rules, is assembled one layer up, by
//! `rules::builtin_registry`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Severity;

/// Metadata of one code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub code: String,
    /// A short title, e.g. "YAML syntax error".
    pub title: String,
    /// Family: parse, schema, discovery, config, references, coverage, staleness, ai, risk…
    pub family: String,
    pub severity: Severity,
    /// One line saying what the rule checks.
    pub summary: String,
    /// Markdown documentation with four sections: What it does, Why it matters, How to fix,
    /// Reported at (`tests/rule_docs.rs` checks them for every built-in code).
    pub docs: String,
    /// Clauses or controls it derives from (`iso27001:2022/6.1.3`), if any.
    #[serde(default)]
    pub references: Vec<String>,
    /// Extra tags (SARIF `properties.tags`).
    #[serde(default)]
    pub tags: Vec<String>,
    /// What configuration may do to findings of this code. Every rule's findings may be
    /// disabled, re-graded and suppressed; some engine codes protect the run itself.
    #[serde(default)]
    pub policy: Policy,
}

/// What `annexa.toml` and suppression comments may do to a code, and what its findings do to
/// the run. Declared once per code (in `rules/engine.yaml` for engine codes); `adjust`,
/// `suppress`, the configuration check and the exit code all read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// `[rules] disable` and `off` may turn it off.
    pub disable: bool,
    /// `[rules.severity]` and `[[overrides]]` may change its severity.
    pub severity: bool,
    /// Inline comments and `[[suppress]]` may suppress it.
    pub suppress: bool,
    /// A finding of this code means the verdict is incomplete (a configuration, rule file or
    /// catalog that did not load, an internal error): the run exits with code 2, and the
    /// finding is reported even when only some files are selected.
    pub stops_run: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            disable: true,
            severity: true,
            suppress: true,
            stops_run: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    rules: BTreeMap<String, RuleMeta>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodesFile {
    codes: Vec<RuleMeta>,
}

/// The embedded files that declare engine codes (parse, schema, discovery, config, internal).
const ENGINE_CODE_FILES: &[(&str, &str)] =
    &[("rules/engine.yaml", include_str!("../rules/engine.yaml"))];

impl Registry {
    pub fn get(&self, code: &str) -> Option<&RuleMeta> {
        self.rules.get(code)
    }

    /// The policy of a code; a code no entry declares gets the default (everything allowed).
    pub fn policy(&self, code: &str) -> Policy {
        self.get(code).map(|m| m.policy).unwrap_or_default()
    }

    /// The codes a `[rules]`, `[[overrides]]` or `[[suppress]]` entry names: the code itself,
    /// or every code it is a prefix of.
    pub(crate) fn matching<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'a RuleMeta> + 'a {
        self.rules
            .range(prefix.to_string()..)
            .take_while(move |(code, _)| code.starts_with(prefix))
            .map(|(_, m)| m)
    }

    /// Every entry, sorted by code.
    pub fn iter(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.values()
    }

    pub fn insert(&mut self, meta: RuleMeta) -> Result<(), String> {
        if self.rules.contains_key(&meta.code) {
            return Err(format!("code `{}` is declared twice", meta.code));
        }
        self.rules.insert(meta.code.clone(), meta);
        Ok(())
    }

    /// Parse a codes file (`codes: [...]`) with annexa's own YAML front-end.
    pub(crate) fn load_codes(&mut self, name: &str, src: &str) -> Result<(), String> {
        let loaded = crate::yaml::load(src, &crate::yaml::Limits::default());
        if let Some(e) = loaded.errors.first() {
            return Err(format!("{name}: {}", e.message));
        }
        for doc in loaded.documents {
            let file: CodesFile =
                serde_json::from_value(doc.value).map_err(|e| format!("{name}: {e}"))?;
            for meta in file.codes {
                self.insert(meta).map_err(|e| format!("{name}: {e}"))?;
            }
        }
        Ok(())
    }
}

/// The registry of the engine's own codes (parse, schema, discovery, config, internal), from
/// the embedded `rules/engine.yaml`.
pub(crate) fn engine_codes() -> Registry {
    let mut r = Registry::default();
    for (name, src) in ENGINE_CODE_FILES {
        // The embedded files are tested in `tests`; a failure here is a build defect.
        if let Err(e) = r.load_codes(name, src) {
            panic!("embedded {e}");
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_is_declared_once_in_engine_yaml() {
        let declared: Vec<&str> = include_str!("../rules/engine.yaml")
            .lines()
            .filter_map(|l| l.strip_prefix("  - code: "))
            .map(str::trim)
            .collect();
        assert_eq!(declared, crate::codes::ALL);
        let registry = engine_codes();
        for code in crate::codes::ALL {
            assert!(
                registry.get(code).is_some(),
                "{code} is not in the registry"
            );
        }
    }
}
