//! One defect, one finding: when a rule and the schema report the same node of the same
//! artifact, the rule's finding is kept and the schema's dropped.
//!
//! The policy: a rule's finding is the more specific and actionable one — it names what the
//! missing or wrong value means to an auditor (an exclusion without justification, a risk
//! accepted without an acceptor, an evidence path outside the repository), where the schema
//! only says a field is required or malformed. Two findings are "the same node" when they are in
//! the same file, start at the same byte and concern the same artifact.
//!
//! The stage runs after `[rules]` and `[[overrides]]` have been applied (a disabled rule gives
//! the schema's finding back) and before suppressions (suppressing the rule's finding
//! suppresses the defect).

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::registry::Registry;

/// The family of the schema codes (`SCH…`) in the registry.
const SCHEMA_FAMILY: &str = "schema";

/// Drop schema findings at a node that a rule also reports.
pub(crate) fn apply(diags: Vec<Diagnostic>, registry: &Registry) -> Vec<Diagnostic> {
    let is_schema = |d: &Diagnostic| {
        registry
            .get(&d.code)
            .is_some_and(|m| m.family == SCHEMA_FAMILY)
    };
    let is_rule = |d: &Diagnostic| !crate::codes::ALL.contains(&d.code.as_str());
    let key = |d: &Diagnostic| {
        d.location
            .as_ref()
            .map(|l| (l.file.clone(), l.span.start, d.entity.artifact.clone()))
    };
    let by_rules: HashSet<_> = diags
        .iter()
        .filter(|d| is_rule(d))
        .filter_map(key)
        .collect();
    if by_rules.is_empty() {
        return diags;
    }
    diags
        .into_iter()
        .filter(|d| !(is_schema(d) && key(d).is_some_and(|k| by_rules.contains(&k))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::source::Span;

    #[test]
    fn the_rule_finding_wins_at_the_same_node_only() {
        let at = |code: &str, start: usize| {
            Diagnostic::error(code, "m")
                .at("soa.yaml", Span::new(start, start + 3))
                .with_entity(Some("SOA".into()), Some("/entries/0".into()))
        };
        let kept = apply(
            vec![
                at(codes::SCH001, 10),
                at("SOA004", 10),
                at(codes::SCH001, 20),
                at(codes::YAML001, 30),
                at("SOA004", 30),
            ],
            &crate::registry::engine_codes(),
        );
        let codes: Vec<(&str, usize)> = kept
            .iter()
            .map(|d| (d.code.as_str(), d.location.as_ref().unwrap().span.start))
            .collect();
        assert_eq!(
            codes,
            [
                ("SOA004", 10),
                ("SCH001", 20),
                ("YAML001", 30),
                ("SOA004", 30)
            ]
        );
    }
}
