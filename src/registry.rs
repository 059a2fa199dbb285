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
    /// Why annexa reports it: the requirement, certification practice and/or annexa's own
    /// default behind the check, or the marker of a tool code. Every built-in code has one
    /// (`tests/rule_docs.rs`); a user rule may leave it out.
    #[serde(default)]
    pub basis: Option<Basis>,
    /// Extra tags (SARIF `properties.tags`).
    #[serde(default)]
    pub tags: Vec<String>,
    /// What configuration may do to findings of this code. Every rule's findings may be
    /// disabled, re-graded and suppressed; some engine codes protect the run itself.
    #[serde(default)]
    pub policy: Policy,
}

/// The basis of a code: why annexa reports it. Three parts keep apart what is easily run
/// together — what a clause (or an Annex A control the organisation includes) requires, what
/// certification bodies expect in practice, and what annexa itself chose — and a fourth marks
/// the codes that concern the tool and the files it reads rather than compliance:
///
/// ```yaml
/// basis:
///   requirement: [iso27001:2022/9.3, iso42001:2023/9.3]
///   practice: a management review before each annual surveillance audit
///   default: 12 months (`audit_interval`)
/// ---
/// basis: { tool: true, default: 8 MiB (`limits.max_file_size`) }
/// ```
///
/// A compliance basis has at least one of `requirement`, `practice`, `default`; a tool basis
/// has `tool: true`, optionally with the `default` annexa applies, and never a requirement or
/// practice ([`Basis::problems`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// The clauses, or Annex A controls (binding when the Statement of Applicability includes
    /// them), that require what the rule checks: `framework/id`. May be empty.
    #[serde(default)]
    pub requirement: Vec<String>,
    /// What certification bodies expect in practice, beyond the text of the standards.
    #[serde(default)]
    pub practice: Option<String>,
    /// annexa's own choice, with the parameter that changes it if there is one.
    #[serde(default)]
    pub default: Option<String>,
    /// The code concerns annexa and the files it reads (syntax, schema, configuration,
    /// suppressions), not the management system: a tool finding, not a compliance finding.
    #[serde(default)]
    pub tool: bool,
}

impl Basis {
    /// What is wrong with this basis, if anything: it must say something, and a tool code
    /// cites no requirement or practice.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let blank = |s: &Option<String>| s.as_deref().is_some_and(|t| t.trim().is_empty());
        if blank(&self.practice) {
            out.push("`basis.practice` is empty".to_string());
        }
        if blank(&self.default) {
            out.push("`basis.default` is empty".to_string());
        }
        if self.tool {
            if !self.requirement.is_empty() || self.practice.is_some() {
                out.push(
                    "a `basis` with `tool: true` cites no `requirement` or `practice`: a tool                      code is not a compliance check"
                        .to_string(),
                );
            }
        } else if self.requirement.is_empty() && self.practice.is_none() && self.default.is_none() {
            out.push(
                "`basis` needs at least one of `requirement`, `practice`, `default` (or                  `tool: true`)"
                    .to_string(),
            );
        }
        out
    }

    /// The short form of the README table: the requirements — a clause id alone when both
    /// built-in standards are cited for it, else grouped under the standard (`27001 A.5.1;
    /// 42001 A.2.4`) — then `practice` and `default` when present, joined by ` + `; `tool` for
    /// a tool code.
    pub fn short(&self) -> String {
        if self.tool {
            return "tool".to_string();
        }
        // id → the frameworks citing it, in order of first appearance.
        let mut ids: Vec<(&str, Vec<&str>)> = Vec::new();
        for r in &self.requirement {
            let (fw, id) = r.split_once('/').unwrap_or(("", r.as_str()));
            match ids.iter_mut().find(|(i, _)| *i == id) {
                Some((_, fws)) => fws.push(fw),
                None => ids.push((id, vec![fw])),
            }
        }
        // (group, id): the group is "" for both standards, else the standard's short name.
        let mut pairs: Vec<(String, &str)> = Vec::new();
        for (id, fws) in &ids {
            if fws.contains(&"iso27001:2022") && fws.contains(&"iso42001:2023") {
                pairs.push((String::new(), id));
            } else {
                for fw in fws {
                    let name = match *fw {
                        "iso27001:2022" => "27001",
                        "iso42001:2023" => "42001",
                        other => other,
                    };
                    pairs.push((name.to_string(), id));
                }
            }
        }
        let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
        for (group, id) in pairs {
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, list)) => list.push(id),
                None => groups.push((group, vec![id])),
            }
        }
        let reqs: Vec<String> = groups
            .iter()
            .map(|(g, list)| {
                let list = list.join(", ");
                if g.is_empty() {
                    list
                } else {
                    format!("{g} {list}")
                }
            })
            .collect();
        let mut parts = Vec::new();
        if !reqs.is_empty() {
            parts.push(reqs.join("; "));
        }
        if self.practice.is_some() {
            parts.push("practice".to_string());
        }
        if self.default.is_some() {
            parts.push("default".to_string());
        }
        parts.join(" + ")
    }

    /// The basis as labelled lines, for `annexa explain` and SARIF `help`: the requirement
    /// (`none` when no clause requires the check), certification practice and default; for a
    /// tool code, the `tool` line and the default.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.tool {
            out.push((
                "tool",
                "this code concerns annexa and the files it reads, not the management system; \
                 its findings are not compliance findings"
                    .to_string(),
            ));
        } else if self.requirement.is_empty() {
            out.push((
                "requirement",
                "none: no clause or control requires this check".to_string(),
            ));
        } else {
            out.push(("requirement", self.requirement.join(", ")));
        }
        if let Some(p) = &self.practice {
            out.push(("certification practice", p.trim().to_string()));
        }
        if let Some(d) = &self.default {
            out.push(("default", d.trim().to_string()));
        }
        out
    }

    /// The basis as data (`annexa rules --format json`, SARIF `rules[].properties.basis`):
    /// every key present, `null` for a part that is absent.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "requirement": self.requirement,
            "practice": self.practice,
            "default": self.default,
            "tool": self.tool,
        })
    }
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

/// What a finding is about: the management system's compliance, or annexa and the files it
/// reads (an unreadable file, a YAML syntax error, a configuration error — not a
/// nonconformity). Read from the code's `basis` (`tool: true`); a code without a basis (a user
/// rule, or a code no entry declares) is about compliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum About {
    Compliance,
    Tool,
}

impl About {
    /// `compliance` or `tool`, as every output writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            About::Compliance => "compliance",
            About::Tool => "tool",
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

    /// Whether findings of a code are about compliance or about the tool.
    pub fn about(&self, code: &str) -> About {
        match self.get(code).and_then(|m| m.basis.as_ref()) {
            Some(b) if b.tool => About::Tool,
            _ => About::Compliance,
        }
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

    fn basis(requirement: &[&str], practice: bool, default: bool) -> Basis {
        Basis {
            requirement: requirement.iter().map(|r| r.to_string()).collect(),
            practice: practice.then(|| "auditors expect it".to_string()),
            default: default.then(|| "12 months (`audit_interval`)".to_string()),
            tool: false,
        }
    }

    #[test]
    fn the_short_form_groups_requirements_by_standard() {
        let b = basis(&["iso27001:2022/9.3", "iso42001:2023/9.3"], true, true);
        assert_eq!(b.short(), "9.3 + practice + default");
        let b = basis(&["iso27001:2022/A.5.1", "iso42001:2023/A.2.4"], true, false);
        assert_eq!(b.short(), "27001 A.5.1; 42001 A.2.4 + practice");
        let b = basis(&["iso42001:2023/6.1.4", "iso42001:2023/8.4"], false, false);
        assert_eq!(b.short(), "42001 6.1.4, 8.4");
        let b = basis(
            &[
                "iso27001:2022/8.1",
                "iso27001:2022/8.3",
                "iso42001:2023/8.1",
                "iso42001:2023/8.3",
            ],
            false,
            false,
        );
        assert_eq!(b.short(), "8.1, 8.3");
        assert_eq!(basis(&[], false, true).short(), "default");
        let tool = Basis {
            tool: true,
            default: Some("8 MiB".into()),
            ..Basis::default()
        };
        assert_eq!(tool.short(), "tool");
    }

    #[test]
    fn a_basis_says_something_and_a_tool_basis_no_requirement() {
        assert!(
            basis(&["iso27001:2022/9.3"], false, false)
                .problems()
                .is_empty()
        );
        assert_eq!(basis(&[], false, false).problems().len(), 1);
        let tool = Basis {
            tool: true,
            ..Basis::default()
        };
        assert!(tool.problems().is_empty());
        let mixed = Basis {
            tool: true,
            ..basis(&["iso27001:2022/9.3"], false, false)
        };
        assert_eq!(mixed.problems().len(), 1);
        let blank = Basis {
            practice: Some(" ".into()),
            ..Basis::default()
        };
        assert_eq!(blank.problems(), ["`basis.practice` is empty"]);
    }

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
