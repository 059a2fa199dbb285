//! The rule engine end to end: user rules exercising every function, suppressions,
//! severity changes and overrides (fixtures/custom-rules, snapshotted); invalid rule files;
//! the rule examples (`test-rules`); and a rule written from docs/rules.md alone.

use std::path::Path;

use annexa::diagnostic::Severity;
use annexa::engine;
use annexa::render::{self, HumanOptions, RenderContext};
use common::{check, fixture, found, line};

mod common;

fn has(o: &engine::Outcome, code: &str, file: &str, line: usize) -> bool {
    found(o)
        .iter()
        .any(|(c, f, l)| c == code && f == file && *l == line)
}

#[test]
fn every_function_fires_at_its_place() {
    let o = check(&fixture("custom-rules"));
    let ctx = RenderContext::new(&o.sources, &o.registry, "0.0.0-test")
        .with_root_file(o.config_file.as_deref());
    insta::assert_snapshot!(
        "custom-rules.human",
        render::human(
            &o.diagnostics,
            &ctx,
            HumanOptions {
                color: false,
                width: 100
            }
        )
    );
    insta::assert_snapshot!("custom-rules.json", render::json(&o.diagnostics, &ctx));

    let expected: &[(&str, &str, usize)] = &[
        ("ORG001", "artifacts/suppliers.yaml", 4), // present (its suppression expired)
        ("ORG002", "artifacts/suppliers.yaml", 4), // pattern
        ("ORG003", "artifacts/suppliers.yaml", 22), // one_of
        ("ORG004", "artifacts/suppliers.yaml", 35), // fresh, with a $param from annexa.toml
        ("ORG005", "artifacts/suppliers.yaml", 12), // due with margin, for_each
        ("ORG006", "artifacts/suppliers.yaml", 11), // not_future
        ("ORG007", "artifacts/risks.yaml", 13),    // compare (products)
        ("ORG008", "artifacts/risks.yaml", 12),    // reference
        ("ORG009", "artifacts/controls.yaml", 15), // unique
        ("ORG010", "artifacts/soa.yaml", 7),       // coverage of a user catalog
        ("ORG011", "artifacts/audit.yaml", 8),     // count
        ("ORG012", "", 0),                         // exists, repository level
        ("ORG013", "artifacts/procedure.md", 4),   // sections
        ("ORG014", "artifacts/evidence.yaml", 15), // file: missing
        ("ORG014", "artifacts/evidence.yaml", 23), // file: escapes
        ("ORG016", "artifacts/controls.yaml", 14), // referenced_by
    ];
    for (code, file, l) in expected {
        assert!(
            has(&o, code, file, *l),
            "{code} expected at {file}:{l}; found {:#?}",
            found(&o)
        );
    }
    // The reference failure suggests the near miss.
    let d = o.diagnostics.iter().find(|d| d.code == "ORG008").unwrap();
    assert!(
        d.label
            .as_deref()
            .unwrap()
            .contains("did you mean `CTL-MONITOR`?"),
        "{:?}",
        d.label
    );
    // `unique` points back at the first occurrence.
    let d = o.diagnostics.iter().find(|d| d.code == "ORG009").unwrap();
    assert_eq!(d.related.len(), 1);
    // Severity re-graded in annexa.toml.
    let d = o.diagnostics.iter().find(|d| d.code == "ORG011").unwrap();
    assert_eq!(d.severity, Severity::Warning);
}

#[test]
fn suppressions_overrides_and_disabling() {
    let o = check(&fixture("custom-rules"));
    let f = found(&o);
    // Disabled for legacy-*.yaml by [[overrides]].
    assert!(
        !f.iter()
            .any(|(c, file, _)| c == "ORG001" && file == "artifacts/legacy-suppliers.yaml")
    );
    // Suppressed by [[suppress]] (with an artifact id), not elsewhere.
    assert!(!has(&o, "ORG004", "artifacts/suppliers.yaml", 24));
    // Suppressed inline, on the next line with content.
    assert!(!f.iter().any(|(c, _, _)| c == "ORG015"));
    // Rejected: no owner (inline, trailing), no reason (Markdown), no owner (config).
    assert!(has(&o, "SUP001", "artifacts/suppliers.yaml", 35));
    assert!(has(&o, "SUP001", "artifacts/procedure.md", 14));
    assert!(has(&o, "SUP001", "annexa.toml", 25));
    // A rejected suppression suppresses nothing.
    assert!(has(&o, "ORG004", "artifacts/suppliers.yaml", 35));
    assert!(has(&o, "ORG016", "artifacts/controls.yaml", 14));
    // Expired: reported, and its finding is back.
    assert!(has(&o, "SUP002", "artifacts/suppliers.yaml", 4));
    assert!(has(&o, "ORG001", "artifacts/suppliers.yaml", 4));
}

#[test]
fn unused_suppression_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("annexa.toml"),
        "[[suppress]]\ncode = \"EVD001\"\nreason = \"r\"\nowner = \"o\"\n",
    )
    .unwrap();
    let o = check(dir.path());
    assert!(has(&o, "SUP003", "annexa.toml", 1), "{:#?}", found(&o));
}

#[test]
fn rule_examples_pass() {
    // User rules, with their repository's catalogs.
    let (ext, _) = engine::extensions(&fixture("custom-rules")).unwrap();
    let results = annexa::rules::testing::run(&ext.rules.rules, &ext.catalogs);
    assert!(results.len() >= 32, "{} examples", results.len());
    let failed: Vec<_> = results.iter().filter(|r| !r.ok).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    // Built-in rules: every one has passing and failing examples, and they hold.
    let builtin = annexa::rules::builtin().as_ref().unwrap();
    // The history rules judge a git history, which an example (one YAML or Markdown text)
    // has not: tests/history.rs builds dated repositories for each of their findings.
    const HISTORY_RULES: &[&str] = &["DOC015", "DOC016", "EVD008"];
    for r in builtin
        .rules
        .iter()
        .filter(|r| !HISTORY_RULES.contains(&r.def.code.as_str()))
    {
        let t = r.def.tests.as_ref();
        assert!(
            t.is_some_and(|t| !t.pass.is_empty() && !t.fail.is_empty()),
            "{} has no pass and fail examples",
            r.def.code
        );
    }
    let catalogs = annexa::catalog::builtin().as_ref().unwrap();
    let failed: Vec<_> = annexa::rules::testing::run(&builtin.rules, catalogs)
        .into_iter()
        .filter(|r| !r.ok)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Write a repository with one rule file and one artifact; return the findings.
fn repo_with_rule(rule_file: &str, artifact: &str) -> (tempfile::TempDir, engine::Outcome) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(
        dir.path().join("annexa.toml"),
        "[rules]\npaths = [\"rules\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("rules/mine.yaml"), rule_file).unwrap();
    std::fs::write(dir.path().join("a.yaml"), artifact).unwrap();
    let o = check(dir.path());
    (dir, o)
}

#[test]
fn a_rule_written_from_the_docs_fires_at_the_right_place() {
    // The first rule of docs/rules.md, taken from the document itself.
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md"))
        .unwrap();
    let section = &docs[docs.find("## A first rule").unwrap()..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let rule = &section[start..start + section[start..].find("```").unwrap()];
    let artifact = "annexa: v1\nkind: evidence\nid: EV-NOBODY\nsupports: [CTL-1]\ncollected_on: 2026-11-01\nlocation: https://example.org/x\n";
    let (_dir, o) = repo_with_rule(rule, artifact);
    let d = o
        .diagnostics
        .iter()
        .find(|d| d.code == "ORG001")
        .expect("the documented rule fires");
    assert_eq!(
        d.message,
        "evidence `EV-NOBODY` does not say who collected it"
    );
    assert_eq!(d.file(), Some("a.yaml"));
    assert_eq!(line(&o, d), 3, "reported at the artifact's id");
    assert_eq!(
        d.help.as_deref(),
        Some("add `collected_by:` with a person or role")
    );
}

#[test]
fn invalid_rule_files_are_reported_at_their_place() {
    let artifact = "annexa: v1\nkind: supplier\nid: S\n";
    let rule = |body: &str| {
        format!(
            "annexa-rules: v1\nrules:\n  - code: ORG100\n    title: t\n    severity: error\n    message: m\n    docs: d\n{body}"
        )
    };
    let cases: &[(&str, usize, &str)] = &[
        (
            "    assert:\n      - presnt: owner\n",
            9,
            "did you mean `present`",
        ),
        (
            "    when:\n      - passes: { due: { field: d, margn: 3d } }\n    assert:\n      - present: owner\n",
            9,
            "did you mean `margin`",
        ),
        (
            "    assert:\n      - pattern: { field: id, regex: \"(\" }\n",
            9,
            "regular expression",
        ),
        (
            "    kinds: [suplier]\n    assert:\n      - present: owner\n",
            8,
            "did you mean `supplier`",
        ),
        (
            "    assert:\n      - present: \"a..b\"\n",
            9,
            "invalid format",
        ),
        (
            "    assert:\n      - fresh: { field: d, max_age: $nope }\n",
            9,
            "unknown parameter",
        ),
        ("    assert: []\n", 8, "at least 1"),
        (
            "    basis: {}\n    assert:\n      - present: owner\n",
            8,
            "none of the allowed forms",
        ),
        (
            "    basis: { tool: true, practice: p }\n    assert:\n      - present: owner\n",
            8,
            "not allowed",
        ),
        (
            "    level: repository\n    when:\n      - { field: owner, present: false }\n    assert:\n      - exists: { kinds: [scope] }\n",
            10,
            "`when` can only test `framework_in_scope`",
        ),
        (
            "    level: repository\n    warn_when:\n      - { field: owner, present: false }\n    assert:\n      - exists: { kinds: [scope] }\n",
            10,
            "`warn_when` can only test `framework_in_scope`",
        ),
    ];
    for (body, expected_line, needle) in cases {
        let (_dir, o) = repo_with_rule(&rule(body), artifact);
        let d = o
            .diagnostics
            .iter()
            .find(|d| d.code == "RULE001")
            .unwrap_or_else(|| panic!("no RULE001 for {body:?}: {:#?}", found(&o)));
        let text = format!("{} {}", d.message, d.label.as_deref().unwrap_or(""));
        assert!(text.contains(needle), "{body:?}: {text}");
        assert_eq!(line(&o, d), *expected_line, "{body:?}: {}", d.message);
    }
}

#[test]
fn code_collisions_are_errors() {
    // With another user rule, and with a built-in code.
    let two = "annexa-rules: v1\nrules:\n  - {code: ORG1, title: t, severity: error, message: m, docs: d, assert: [{present: id}]}\n  - {code: ORG1, title: t, severity: error, message: m, docs: d, assert: [{present: id}]}\n";
    let (_dir, o) = repo_with_rule(two, "annexa: v1\nkind: supplier\nid: S\n");
    let d = o.diagnostics.iter().find(|d| d.code == "RULE001").unwrap();
    assert!(d.message.contains("already defined"), "{}", d.message);
    assert_eq!(line(&o, d), 4);
}

#[test]
fn a_wrong_path_says_it_starts_at_the_root_and_suggests_the_file_that_exists() {
    let evidence = "annexa: v1\nkind: evidence\nid: EV-1\nlocation: files/access-review.md\n---\nannexa: v1\nkind: evidence\nid: EV-2\nlocation: \"/evidence/files/access-review.md\"\n---\nannexa: v1\nkind: evidence\nid: EV-3\nlocation: evidence/files/acess-review.md\n";
    let audit = "annexa: v1\nkind: internal-audit\nid: IA-1\nreport: ../audits/reports/ia-1.md\n";
    let dir = common::repo(&[
        ("evidence/records.yaml", evidence),
        ("evidence/files/access-review.md", "signed\n"),
        ("audits/ia-1.yaml", audit),
        ("audits/reports/ia-1.md", "report\n"),
    ]);
    let o = check(dir.path());
    let wanted = [
        (
            "EVD004",
            "evidence/records.yaml",
            4,
            "evidence/files/access-review.md",
        ),
        (
            "EVD004",
            "evidence/records.yaml",
            9,
            "evidence/files/access-review.md",
        ),
        (
            "EVD004",
            "evidence/records.yaml",
            14,
            "evidence/files/access-review.md",
        ),
        ("REF011", "audits/ia-1.yaml", 4, "audits/reports/ia-1.md"),
    ];
    for (code, file, at, fix) in wanted {
        let d = o
            .diagnostics
            .iter()
            .find(|d| d.code == code && d.file() == Some(file) && line(&o, d) == at)
            .unwrap_or_else(|| panic!("{code} at {file}:{at}: {:#?}", found(&o)));
        assert!(
            d.message.contains("relative to the repository root"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains(&format!("did you mean `{fix}`?")),
            "{}",
            d.message
        );
        let s = d.suggestion.as_ref().expect("a one-edit suggestion");
        assert_eq!(s.replacement, fix);
        // The edit replaces the path as written, inside its quotes.
        let src = &o.sources.get(file).unwrap().text;
        let written = &src[s.span.start..s.span.end];
        assert!(
            !written.contains('"') && written.ends_with(".md"),
            "{written}"
        );
    }
}

#[test]
fn a_repository_adds_its_own_document_types_and_keeps_the_known_ones() {
    let config = "[params.document_sections]\n\
        business-continuity-plan = [\"Scope\", [\"Recovery\", \"recovery objectives\"], \"Testing\"]\n\
        topic-specific-policy = []\n";
    let bcp = "---\nannexa: v1\nkind: procedure\nid: PRC-BCP\ntitle: Business continuity plan\ndocument_type: business-continuity-plan\n---\n# Business continuity plan\n## Scope\nAll sites.\n## Recovery objectives\nFour hours.\n## Testin\nYearly.\n";
    let topic = "---\nannexa: v1\nkind: policy\nid: POL-T\ndocument_type: topic-specific-policy\n---\n## Rules\nLock screens.\n";
    let infosec = "---\nannexa: v1\nkind: policy\nid: POL-IS\ndocument_type: information-security-policy\n---\n## Purpose\nWhy.\n## Review\nYearly.\n";
    let dir = common::repo(&[
        ("annexa.toml", config),
        ("procedures/bcp.md", bcp),
        ("policies/topic.md", topic),
        ("policies/infosec.md", infosec),
    ]);
    let o = check(dir.path());
    let doc011: Vec<(&str, &str)> = o
        .diagnostics
        .iter()
        .filter(|d| d.code == "DOC011")
        .map(|d| (d.file().unwrap(), d.message.as_str()))
        .collect();
    assert_eq!(
        doc011,
        [
            (
                "policies/infosec.md",
                "policy `POL-IS` (`information-security-policy`) lacks section(s): Objectives, Commitments"
            ),
            (
                "procedures/bcp.md",
                "procedure `PRC-BCP` (`business-continuity-plan`) lacks section(s): Testing (did you mean the heading `Testin`?)"
            ),
        ],
        "the repository's type is checked (with a did-you-mean), a built-in type it empties is not, the others still are"
    );
    let bcp_finding = o
        .diagnostics
        .iter()
        .find(|d| d.file() == Some("procedures/bcp.md") && d.code == "DOC011")
        .unwrap();
    assert_eq!(line(&o, bcp_finding), 4, "at the id");
    let related = &bcp_finding.related[0];
    let src = &o.sources.get("procedures/bcp.md").unwrap().text;
    let span = related.location.span;
    assert_eq!(&src[span.start..span.end], "## Testin");
}
