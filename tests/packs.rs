//! The built-in rule packs against fixtures seeded with realistic defects: every finding of
//! `fixtures/broken-packs`, `fixtures/broken-no-soa` and `fixtures/broken-no-scope` is listed
//! (code, file, line) in the fixture's `EXPECTED.md` and here, the full human, JSON and SARIF
//! output is snapshotted, and together the fixtures make every built-in rule fire.

use annexa::engine;
use common::run;
use std::collections::BTreeSet;

mod common;

/// Runs the fixture and snapshots its human (no colour, width 100), JSON and SARIF output.
fn snapshot_all(name: &str) -> engine::Outcome {
    let o = run(name);
    let (human, json, sarif) = common::outputs(&o);
    insta::assert_snapshot!(format!("{name}.human"), human);
    insta::assert_snapshot!(format!("{name}.json"), json);
    insta::assert_snapshot!(format!("{name}.sarif"), sarif);
    o
}

/// (code, file, line) of every finding; repository-level findings have file "" and line 0.
fn found(o: &engine::Outcome) -> Vec<(String, String, usize)> {
    let mut all = common::found(o);
    all.sort();
    all
}

/// Every expected finding is reported, and nothing else is (the lists are multisets).
fn assert_exactly(o: &engine::Outcome, expected: &[(&str, &str, usize)]) {
    let mut want: Vec<(String, String, usize)> = expected
        .iter()
        .map(|(c, f, l)| (c.to_string(), f.to_string(), *l))
        .collect();
    want.sort();
    let got = found(o);
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    let unexpected: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "missing: {missing:#?}\nunexpected: {unexpected:#?}"
    );
    assert_eq!(got, want, "the same findings, each as often as expected");
}

/// The findings of `fixtures/broken-packs/EXPECTED.md`, in its order.
const BROKEN_PACKS: &[(&str, &str, usize)] = &[
    // References.
    ("REF001", "evidence/people.yaml", 30),
    ("REF002", "evidence/engineering.yaml", 7),
    ("REF003", "soa.yaml", 155),
    ("REF004", "risks/platform.yaml", 17),
    ("REF005", "risks/ai-reply-assist.yaml", 36),
    ("REF006", "impact-assessments/churn-alerts.md", 9),
    ("REF007", "audits/ia-2026-01.yaml", 53),
    ("REF008", "nonconformities/nc-2026-01.yaml", 10),
    ("REF009", "controls/access-review.yaml", 16),
    ("REF010", "ai-systems/reply-assist.yaml", 59),
    ("REF011", "audits/ia-2026-02.yaml", 36),
    // Coverage.
    ("SOA001", "soa.yaml", 13),
    ("SOA002", "soa.yaml", 526),
    ("SOA003", "soa.yaml", 518),
    ("SOA004", "soa.yaml", 318),
    ("SOA005", "soa.yaml", 17),
    ("SOA006", "soa.yaml", 417),
    ("SOA007", "soa.yaml", 399),
    ("SOA008", "soa.yaml", 320),
    ("EVD005", "evidence/it.yaml", 59),
    ("SOA009", "soa.yaml", 116),
    // Staleness.
    ("EVD001", "evidence/it.yaml", 33),
    ("EVD001", "evidence/governance.yaml", 22),
    ("EVD006", "controls/roles-responsibilities.yaml", 6),
    ("EVD007", "controls/business-continuity.yaml", 21),
    ("EVD003", "evidence/access.yaml", 21),
    ("EVD004", "evidence/engineering.yaml", 39),
    ("REV001", "procedures/competence.md", 10),
    ("IA001", "impact-assessments/signup-screening.md", 11),
    ("IA002", "impact-assessments/ticket-triage.md", 11),
    ("IA003", "ai-systems/ticket-triage.yaml", 61),
    ("MR002", "reviews/mr-2026.yaml", 47),
    ("NC001", "nonconformities/nc-2026-03.yaml", 15),
    ("RSK001", "risks/suppliers-and-sites.yaml", 54),
    // AI governance.
    ("AI001", "ai-systems/signup-screening.yaml", 19),
    ("AI002", "impact-assessments/reply-assist.md", 5),
    ("AI003", "ai-systems/reply-assist.yaml", 27),
    ("AI004", "ai-systems/signup-screening.yaml", 5),
    ("AI005", "ai-systems/ticket-triage.yaml", 50),
    ("AI006", "ai-systems/article-search.yaml", 6),
    ("AI007", "ai-systems/signup-screening.yaml", 44),
    // Documents.
    ("DOC011", "policies/information-security-policy.md", 4),
    ("DOC012", "procedures/change-management.md", 4),
    ("DOC013", "policies/supplier-security-policy.md", 44),
    ("DOC014", "policies/supplier-security-policy.md", 41),
    // Risk.
    ("RSK004", "risks/platform.yaml", 70),
    ("RSK005", "risks/platform.yaml", 91),
    ("RSK006", "risks/suppliers-and-sites.yaml", 74),
    ("RSK007", "risks/access-and-people.yaml", 91),
    ("RSK008", "risks/ai-ticket-triage.yaml", 43),
    // Scope.
    ("SCO002", "scope.yaml", 5),
    ("SCO004", "standards/iso42001/scope.yaml", 6),
    ("CTX001", "standards/iso42001/scope.yaml", 28),
    ("CTX002", "standards/iso42001/scope.yaml", 19),
    ("CTX002", "standards/iso42001/scope.yaml", 21),
    // The example organisation's own early warnings, unchanged.
    ("EVD002", "evidence/infrastructure.yaml", 20),
    ("NC002", "nonconformities/nc-2026-02.yaml", 14),
    ("REV002", "policies/acceptable-use-policy.md", 9),
    ("RSK002", "risks/access-and-people.yaml", 77),
    ("RSK002", "risks/ai-reply-assist.yaml", 25),
];

/// The findings of `fixtures/broken-no-soa/EXPECTED.md`.
const BROKEN_NO_SOA: &[(&str, &str, usize)] = &[
    ("SOA010", "", 0),
    ("SCO001", "scope.yaml", 19),
    ("SCO003", "scope.yaml", 6),
    ("DOC002", "scope.yaml", 14),
    ("DOC002", "scope.yaml", 15),
    ("DOC003", "scope.yaml", 14),
    ("DOC003", "scope.yaml", 15),
    ("DOC004", "scope.yaml", 14),
    ("DOC004", "scope.yaml", 15),
    ("DOC005", "scope.yaml", 15),
    ("DOC006", "scope.yaml", 14),
    ("DOC006", "scope.yaml", 15),
    ("DOC007", "scope.yaml", 14),
    ("DOC007", "scope.yaml", 15),
    ("DOC008", "scope.yaml", 14),
    ("DOC008", "scope.yaml", 15),
    ("DOC009", "scope.yaml", 14),
    ("DOC009", "scope.yaml", 15),
    ("DOC010", "scope.yaml", 14),
    ("DOC010", "scope.yaml", 15),
    ("AUD001", "scope.yaml", 14),
    ("AUD001", "scope.yaml", 15),
    ("MR001", "scope.yaml", 14),
    ("MR001", "scope.yaml", 15),
    ("OBJ001", "scope.yaml", 14),
    ("OBJ001", "scope.yaml", 15),
    ("CTX001", "scope.yaml", 38),
    ("CTX001", "scope.yaml", 43),
    ("CTX002", "scope.yaml", 26),
    ("CTX002", "scope.yaml", 28),
    ("CTX002", "scope.yaml", 29),
];

/// The findings of `fixtures/broken-no-scope/EXPECTED.md`.
const BROKEN_NO_SCOPE: &[(&str, &str, usize)] = &[("DOC001", "", 0)];

#[test]
fn broken_packs_reports_each_defect_at_its_line() {
    let o = snapshot_all("broken-packs");
    assert_exactly(&o, BROKEN_PACKS);
}

#[test]
fn broken_no_soa_reports_every_missing_document() {
    let o = snapshot_all("broken-no-soa");
    assert_exactly(&o, BROKEN_NO_SOA);
}

#[test]
fn broken_no_scope_reports_the_missing_scope() {
    let o = snapshot_all("broken-no-scope");
    assert_exactly(&o, BROKEN_NO_SCOPE);
}

/// Built-in rules that no fixture makes fire, each with the reason. Keep it empty unless a
/// rule genuinely cannot fire in a repository.
const CANNOT_FIRE: &[(&str, &str)] = &[
    (
        "DOC015",
        "reads the git history, which the fixtures (inside annexa's own repository) turn off; tests/history.rs builds dated repositories where it fires",
    ),
    ("DOC016", "reads the git history: tests/history.rs"),
    ("EVD008", "reads the git history: tests/history.rs"),
];

#[test]
fn the_fixtures_make_every_builtin_rule_fire() {
    let mut fired = BTreeSet::new();
    for name in [
        "broken-packs",
        "broken-no-soa",
        "broken-no-scope",
        "example-org",
        "auditor-probes",
        "first-hour",
        "auditor-findings",
        "ai-act",
    ] {
        for d in &run(name).diagnostics {
            fired.insert(d.code.clone());
        }
    }
    let builtin = annexa::rules::builtin().as_ref().unwrap();
    assert!(builtin.rules.len() >= 64, "{} rules", builtin.rules.len());
    let silent: Vec<&str> = builtin
        .rules
        .iter()
        .map(|r| r.def.code.as_str())
        .filter(|c| !fired.contains(*c) && !CANNOT_FIRE.iter().any(|(x, _)| x == c))
        .collect();
    assert!(
        silent.is_empty(),
        "built-in rules that never fire: {silent:?}"
    );
    for (code, reason) in CANNOT_FIRE {
        assert!(!fired.contains(*code), "{code} fires after all ({reason})");
    }
}
