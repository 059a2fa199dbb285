//! Every output format over one realistic set of findings: snapshots of what users see,
//! SARIF validated against the official schema, stable fingerprints, escaping, and empty
//! output.

use annexa::diagnostic::{self, Diagnostic, Severity};
use annexa::registry::{Basis, Registry, RuleMeta};
use annexa::render::{self, Format, HumanOptions, RenderContext};
use annexa::source::{SourceFile, SourceMap, Span};
use serde_json::Value;

mod common;

const SOA: &str = r#"kind: statement-of-applicability
id: SOA
frameworks: [iso27001:2022, iso42001:2023]
entries:
  - {control: iso27001:2022/A.5.15, title: "Contrôle d'accès", applicable: false}
  - control: iso27001:2022/A.8.24
    applicable: true
    status: implemented
    implemented_by: [CTL-CRYPTO]
"#;

const CONTROL: &str = r#"kind: control
id: CTL-CRYPTO
title: Encryption at rest and in transit
owner: cto
satisfies: [iso27001:2022/A.8.24]
review_every: 12 months
"#;

const RISK: &str = r#"kind: risk
id: R-007
title: Poisoned training data reaches the support assistant
owner: ciso
asset: AI-SUPPORT-BOT
category: data-poisoning
likelihood: 3
impact: 4
treatment:
  option: modify
  controls: [iso27001:2022/A.5.15, CTL-DATA-QUALTY]
"#;

const POLICY: &str = "---
kind: policy
id: POL-ACCESS
title: Access control policy
owner: ciso
version: 3
next_review: 2025-07-01
---
# Access control policy

Access to information is granted on a need-to-know basis.
";

const POLICY_PATH: &str = "policies/access control.md";

/// The byte span of the `n`-th (0-based) occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str, n: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", n + 1))
        .0;
    Span::new(start, start + needle.len())
}

/// The span of `needle` inside the first occurrence of `context`.
fn span_in(text: &str, context: &str, needle: &str) -> Span {
    let outer = span_of(text, context, 0);
    let inner = span_of(context, needle, 0);
    Span::new(outer.start + inner.start, outer.start + inner.end)
}

fn meta(
    code: &str,
    title: &str,
    family: &str,
    severity: Severity,
    summary: &str,
    refs: &[&str],
) -> RuleMeta {
    RuleMeta {
        code: code.into(),
        title: title.into(),
        family: family.into(),
        severity,
        summary: summary.into(),
        docs: format!(
            "## What it does\n{summary}\n\n## Why it matters\nAn auditor reads the same artifacts \
             and will raise it as a finding.\n\n## How to fix\nSee the help text of each finding."
        ),
        references: refs.iter().map(|r| r.to_string()).collect(),
        // A basis citing what the entry references, or annexa's default when it cites nothing.
        basis: Some(if refs.is_empty() {
            Basis {
                default: Some("annexa's model: ids resolve".into()),
                ..Basis::default()
            }
        } else {
            Basis {
                requirement: refs.iter().map(|r| r.to_string()).collect(),
                ..Basis::default()
            }
        }),
        tags: vec!["compliance".into()],
        policy: Default::default(),
    }
}

fn registry() -> Registry {
    let mut r = Registry::default();
    let entries = [
        meta(
            "SOA003",
            "exclusion without justification",
            "coverage",
            Severity::Error,
            "An Annex A control is excluded from the Statement of Applicability without a justification.",
            &["iso27001:2022/6.1.3", "iso42001:2023/6.1.3"],
        ),
        meta(
            "SOA010",
            "implemented control without evidence",
            "coverage",
            Severity::Warning,
            "A control marked implemented is backed by an org control that has no evidence.",
            &["iso27001:2022/A.5.36"],
        ),
        meta(
            "RSK004",
            "risk treated by an excluded control",
            "risk",
            Severity::Error,
            "A risk names a treating control that the Statement of Applicability excludes.",
            &["iso27001:2022/6.1.3", "iso42001:2023/6.1.3"],
        ),
        meta(
            "REF001",
            "unknown reference",
            "references",
            Severity::Error,
            "A reference names an id that no artifact defines.",
            &[],
        ),
        meta(
            "AI001",
            "missing AI policy",
            "ai",
            Severity::Warning,
            "ISO/IEC 42001 is in scope but no AI policy exists.",
            &["iso42001:2023/5.2", "iso42001:2023/A.2.2"],
        ),
        meta(
            "DOC002",
            "review due soon",
            "staleness",
            Severity::Note,
            "A policy or procedure reaches its review date within the warning window.",
            &["iso27001:2022/7.5.3"],
        ),
    ];
    for m in entries {
        r.insert(m).expect("codes are unique");
    }
    r
}

fn sources(soa: &str) -> SourceMap {
    let mut map = SourceMap::new();
    for (rel, text) in [
        ("soa.yaml", soa),
        ("controls/crypto.yaml", CONTROL),
        ("risks/R-007.yaml", RISK),
        (POLICY_PATH, POLICY),
    ] {
        map.insert(SourceFile::new(rel, rel, text));
    }
    map
}

/// The findings over a given text of `soa.yaml` (so that a test can move its lines).
fn findings(soa: &str) -> Vec<Diagnostic> {
    let entity = |a: &str, f: &str| (Some(a.to_string()), Some(f.to_string()));
    let (a, f) = entity("SOA", "/entries/0");
    let excluded = Diagnostic::error(
        "SOA003",
        "control iso27001:2022/A.5.15 is excluded without a justification",
    )
    .at("soa.yaml", span_of(soa, "applicable: false", 0))
    .with_label("excluded here, with no `justification`")
    .with_help("add `justification:` saying why access control does not apply, or mark the control applicable")
    .with_entity(a, f);

    let (a, f) = entity("SOA", "/entries/1/status");
    let no_evidence = Diagnostic::warning(
        "SOA010",
        "control iso27001:2022/A.8.24 is implemented, but CTL-CRYPTO has no evidence",
    )
    .at(
        "soa.yaml",
        span_in(soa, "status: implemented", "implemented"),
    )
    .with_label("claimed implemented")
    .with_related(
        "controls/crypto.yaml",
        span_of(CONTROL, "CTL-CRYPTO", 0),
        "CTL-CRYPTO is defined here, without `evidence`",
    )
    .with_entity(a, f);

    let (a, f) = entity("R-007", "/treatment/controls/0");
    let treated = Diagnostic::error(
        "RSK004",
        "risk R-007 is treated by iso27001:2022/A.5.15, which the Statement of Applicability excludes",
    )
    .at("risks/R-007.yaml", span_of(RISK, "iso27001:2022/A.5.15", 0))
    .with_label("treating control")
    .with_related("soa.yaml", span_of(soa, "applicable: false", 0), "excluded here")
    .with_help("make the control applicable in the SoA, or treat the risk with another control")
    .with_entity(a, f);

    let (a, f) = entity("R-007", "/treatment/controls/1");
    let unknown = Diagnostic::error("REF001", "unknown control `CTL-DATA-QUALTY`")
        .at("risks/R-007.yaml", span_of(RISK, "CTL-DATA-QUALTY", 0))
        .with_label("no control has this id")
        .with_help("did you mean `CTL-DATA-QUALITY`?")
        .with_entity(a, f);

    let no_ai_policy = Diagnostic::warning(
        "AI001",
        "ISO/IEC 42001 is in scope but there is no AI policy",
    )
    .with_help("add a policy with `type: ai-policy` (ISO/IEC 42001 clause 5.2)")
    .with_entity(None, Some("iso42001:2023/5.2".into()));

    let (a, f) = entity("POL-ACCESS", "/next_review");
    let review = Diagnostic::new(
        "DOC002",
        Severity::Note,
        "policy POL-ACCESS is due for review in 21 days",
    )
    .at(POLICY_PATH, span_of(POLICY, "2025-07-01", 0))
    .with_label("next review")
    .with_entity(a, f);

    let mut v = vec![
        excluded,
        no_evidence,
        treated,
        unknown,
        no_ai_policy,
        review,
    ];
    diagnostic::sort(&mut v);
    v
}

fn ctx<'a>(map: &'a SourceMap, reg: &'a Registry) -> RenderContext<'a> {
    RenderContext::new(map, reg, "0.1.0").with_root_file(Some("annexa.toml"))
}

const PLAIN: HumanOptions = HumanOptions {
    color: false,
    width: 80,
};

fn sarif_of(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> Value {
    serde_json::from_str(&render::sarif(diags, ctx)).expect("SARIF output is JSON")
}

#[test]
fn human_snapshot() {
    let (map, reg) = (sources(SOA), registry());
    let out = render::human(&findings(SOA), &ctx(&map, &reg), PLAIN);
    assert!(
        !out.contains('\u{1b}'),
        "no escape sequences without colour"
    );
    insta::assert_snapshot!("human", out);
}

#[test]
fn human_with_colour_uses_ansi() {
    let (map, reg) = (sources(SOA), registry());
    let out = render::human(
        &findings(SOA),
        &ctx(&map, &reg),
        HumanOptions {
            color: true,
            width: 100,
        },
    );
    assert!(out.contains("\u{1b}["), "{out}");
    assert!(!out.contains("\u{1b}]8;"), "no hyperlinks: {out}");
}

#[test]
fn json_snapshot() {
    let (map, reg) = (sources(SOA), registry());
    let out = render::json(&findings(SOA), &ctx(&map, &reg));
    let v: Value = serde_json::from_str(&out).expect("JSON output is JSON");
    assert_eq!(v["version"], 1);
    let counts = serde_json::json!({"errors": 3, "warnings": 2, "notes": 1});
    assert_eq!(
        v["summary"],
        serde_json::json!({
            "errors": 3, "warnings": 2, "notes": 1,
            "compliance": counts,
            "tool": {"errors": 0, "warnings": 0, "notes": 0},
        })
    );
    assert_eq!(v["complete"], true);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["about"] == "compliance")
    );
    insta::assert_snapshot!("json", out);
}

#[test]
fn sarif_snapshot_and_schema() {
    let (map, reg) = (sources(SOA), registry());
    let out = render::sarif(&findings(SOA), &ctx(&map, &reg));
    let log: Value = serde_json::from_str(&out).expect("SARIF output is JSON");
    common::assert_valid_sarif(&log);
    insta::assert_snapshot!("sarif", out);
}

#[test]
fn the_schema_check_is_not_vacuous() {
    let (map, reg) = (sources(SOA), registry());
    let mut log = sarif_of(&findings(SOA), &ctx(&map, &reg));
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/sarif-schema-2.1.0.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    assert!(!validator.is_valid(&log), "a bad level must be rejected");
}

#[test]
fn sarif_rules_and_results_agree() {
    let (map, reg) = (sources(SOA), registry());
    let log = sarif_of(&findings(SOA), &ctx(&map, &reg));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["AI001", "DOC002", "REF001", "RSK004", "SOA003", "SOA010"]
    );
    for result in run["results"].as_array().unwrap() {
        let i = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1,
            "every result has a line"
        );
    }
    let tags = &rules[4]["properties"]["tags"];
    assert_eq!(
        tags,
        &serde_json::json!([
            "coverage",
            "iso27001",
            "iso42001",
            "iso27001:2022/6.1.3",
            "iso42001:2023/6.1.3",
            "compliance"
        ])
    );
    // The basis, as data and in the help.
    assert_eq!(
        rules[4]["properties"]["basis"],
        serde_json::json!({
            "requirement": ["iso27001:2022/6.1.3", "iso42001:2023/6.1.3"],
            "practice": null,
            "default": null,
            "tool": false,
        })
    );
    let help = rules[4]["help"]["text"].as_str().unwrap();
    assert!(
        help.contains("Basis:\n- requirement: iso27001:2022/6.1.3, iso42001:2023/6.1.3"),
        "{help}"
    );
    let markdown = rules[2]["help"]["markdown"].as_str().unwrap();
    assert!(
        markdown.contains(
            "## Basis\n\n- **requirement**: none: no clause or control requires this check\n\
             - **default**: annexa's model: ids resolve"
        ),
        "{markdown}"
    );
}

#[test]
fn sarif_columns_count_code_points_after_multibyte_text() {
    let (map, reg) = (sources(SOA), registry());
    let log = sarif_of(&findings(SOA), &ctx(&map, &reg));
    let result = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "SOA003")
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let line = SOA.lines().nth(4).unwrap();
    let byte = line.find("applicable: false").unwrap();
    let column = line[..byte].chars().count() + 1;
    assert!(
        byte + 1 > column,
        "the line has multi-byte characters before the span"
    );
    assert_eq!(region["startLine"], 5);
    assert_eq!(region["startColumn"], column);
    // The end column is exclusive: one past the last character.
    assert_eq!(region["endColumn"], column + "applicable: false".len());
    assert_eq!(region["snippet"]["text"], "applicable: false");
}

#[test]
fn sarif_places_repository_findings_and_encodes_uris() {
    let (map, reg) = (sources(SOA), registry());
    let log = sarif_of(&findings(SOA), &ctx(&map, &reg));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let repo = results.iter().find(|r| r["ruleId"] == "AI001").unwrap();
    assert_eq!(
        repo["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "annexa.toml"
    );
    let policy = results.iter().find(|r| r["ruleId"] == "DOC002").unwrap();
    assert_eq!(
        policy["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "policies/access%20control.md"
    );
    let treated = results.iter().find(|r| r["ruleId"] == "RSK004").unwrap();
    let related = &treated["relatedLocations"][0];
    assert_eq!(related["id"], 1);
    assert_eq!(related["message"]["text"], "excluded here");
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "soa.yaml"
    );
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 5);
}

#[test]
fn fingerprints_survive_moved_lines_and_tell_fields_apart() {
    let reg = registry();
    let moved_soa = format!("# Statement of Applicability, reviewed 2025-03-01\n\n{SOA}");
    let (before_map, after_map) = (sources(SOA), sources(&moved_soa));
    let before = sarif_of(&findings(SOA), &ctx(&before_map, &reg));
    let after = sarif_of(&findings(&moved_soa), &ctx(&after_map, &reg));
    let by_rule = |log: &Value, rule: &str| -> (Value, Value) {
        let r = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap()
            .clone();
        (
            r["partialFingerprints"]["annexa/v1"].clone(),
            r["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
        )
    };
    let (fp_before, line_before) = by_rule(&before, "SOA003");
    let (fp_after, line_after) = by_rule(&after, "SOA003");
    assert_ne!(line_before, line_after, "the lines did move");
    assert_eq!(fp_before, fp_after, "the fingerprint did not");

    // Same rule, same artifact, another field: another alert.
    let d = &findings(SOA)[0];
    let other = d
        .clone()
        .with_entity(Some("SOA".into()), Some("/entries/1".into()));
    assert_ne!(d.fingerprint(), other.fingerprint());
    // And JSON carries the same fingerprint as SARIF.
    let json: Value =
        serde_json::from_str(&render::json(&findings(SOA), &ctx(&before_map, &reg))).unwrap();
    let soa003 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SOA003")
        .unwrap();
    assert_eq!(soa003["fingerprint"], fp_before);
}

#[test]
fn github_snapshot() {
    let (map, reg) = (sources(SOA), registry());
    let out = render::github(&findings(SOA), &ctx(&map, &reg));
    insta::assert_snapshot!("github", out);
}

#[test]
fn github_summary_snapshot() {
    let (map, reg) = (sources(SOA), registry());
    let out = render::github_summary(&findings(SOA), &ctx(&map, &reg));
    insta::assert_snapshot!("github_summary", out);
}

#[test]
fn github_escapes_properties_data_and_table_cells() {
    let text = "id: X\n";
    let mut map = SourceMap::new();
    map.insert(SourceFile::new(
        "odd, name: v2.yaml",
        "odd, name: v2.yaml",
        text,
    ));
    let mut reg = Registry::default();
    reg.insert(meta(
        "X001",
        "ratio: 100%, or less",
        "test",
        Severity::Error,
        "s",
        &[],
    ))
    .unwrap();
    let d = Diagnostic::error("X001", "50% of controls | see: A.5.15,\nthen A.5.16\r\n")
        .at("odd, name: v2.yaml", Span::new(4, 5))
        .with_help("fix | it");
    let context = RenderContext::new(&map, &reg, "0.1.0");
    let out = render::github(std::slice::from_ref(&d), &context);
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=odd%2C name%3A v2.yaml,line=1,col=5,endLine=1,endColumn=6,\
         title=X001%3A ratio%3A 100%25%2C or less::50%25 of controls | see: A.5.15,%0Athen A.5.16%0D%0A%0Ahelp: fix | it"
    );
    assert_eq!(
        out.lines().count(),
        2,
        "one line per annotation, then the summary line"
    );

    let summary = render::github_summary(std::slice::from_ref(&d), &context);
    let row = summary.lines().last().unwrap();
    assert_eq!(
        row,
        "| error | X001 (ratio: 100%, or less) | odd, name: v2.yaml:1:5 | \
         50% of controls \\| see: A.5.15,<br>then A.5.16<br><br>help: fix \\| it |"
    );
}

#[test]
fn github_points_to_the_summary_when_annotations_overflow() {
    let (map, reg) = (sources(SOA), registry());
    let diags: Vec<Diagnostic> = (0..12)
        .map(|i| {
            Diagnostic::error("REF001", format!("unknown control `CTL-{i}`"))
                .with_entity(None, Some(format!("/{i}")))
        })
        .collect();
    let context = ctx(&map, &reg);
    let out = render::github(&diags, &context);
    assert_eq!(
        out.matches("::error ").count(),
        12,
        "GitHub drops extras; we still emit all"
    );
    assert!(
        out.contains("the job summary lists all 12 findings"),
        "{out}"
    );
    let summary = render::github_summary(&diags, &context);
    for i in 0..12 {
        assert!(
            summary.contains(&format!("`CTL-{i}`")),
            "row {i} missing:\n{summary}"
        );
    }
}

#[test]
fn empty_input_renders_valid_output_in_every_format() {
    let (map, reg) = (sources(SOA), registry());
    let context = ctx(&map, &reg);
    for format in Format::ALL {
        let out = render::render(format, &[], &context, PLAIN);
        assert!(out.ends_with('\n'), "{format:?} ends with a newline");
        match format {
            Format::Human => assert_eq!(out, "no findings\n"),
            Format::Json => {
                let v: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(v["diagnostics"], serde_json::json!([]));
                assert_eq!(v["summary"]["errors"], 0);
            }
            Format::Sarif => {
                let v: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
                assert_eq!(
                    v["runs"][0]["tool"]["driver"]["rules"],
                    serde_json::json!([])
                );
                common::assert_valid_sarif(&v);
            }
            Format::Github => assert_eq!(out, "annexa: no findings\n"),
            Format::Junit => {
                common::assert_valid_junit(&out);
                assert!(
                    out.contains("tests=\"1\" failures=\"0\" errors=\"0\""),
                    "{out}"
                );
            }
            Format::Gitlab => {
                let v: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(v, serde_json::json!([]));
                common::assert_valid_gitlab(&v);
            }
            Format::Checkstyle => {
                common::assert_valid_checkstyle(&out);
                assert!(!out.contains("<file"), "{out}");
            }
            Format::Rdjson => {
                let v: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(v["diagnostics"], serde_json::json!([]));
                common::assert_valid_rdjson(&v);
            }
        }
    }
    assert_eq!(
        render::github_summary(&[], &context),
        "## annexa: no findings\n"
    );
}

#[test]
fn hostile_spans_render_everywhere_without_panicking() {
    let (map, reg) = (sources(SOA), registry());
    let diags = vec![
        Diagnostic::error("SOA003", "span past the end").at("soa.yaml", Span::new(10_000, 10_005)),
        Diagnostic::error("SOA003", "span inside a character").at(
            "soa.yaml",
            // Both ends fall inside two-byte characters (`ô` and `è`).
            Span::new(SOA.find('ô').unwrap() + 1, SOA.find('è').unwrap() + 1),
        ),
        Diagnostic::error("SOA003", "inverted span").at("soa.yaml", Span::new(30, 10)),
        Diagnostic::error("FILE001", "cannot read `vanished.yaml`")
            .at("vanished.yaml", Span::new(0, 0))
            .with_related("gone.yaml", Span::new(3, 9), "referenced from here"),
        Diagnostic::error("ZZZ999", "a code the registry does not know"),
    ];
    let context = ctx(&map, &reg);
    for format in Format::ALL {
        let out = render::render(format, &diags, &context, PLAIN);
        match format {
            Format::Human | Format::Github => {
                assert!(out.contains("(5 errors)"), "{format:?}:\n{out}")
            }
            Format::Json | Format::Sarif => {
                serde_json::from_str::<Value>(&out).expect("valid JSON");
            }
            Format::Junit => common::assert_valid_junit(&out),
            Format::Gitlab => common::assert_valid_gitlab(&serde_json::from_str(&out).unwrap()),
            Format::Checkstyle => common::assert_valid_checkstyle(&out),
            Format::Rdjson => common::assert_valid_rdjson(&serde_json::from_str(&out).unwrap()),
        }
    }
    let log = sarif_of(&diags, &context);
    common::assert_valid_sarif(&log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r == &serde_json::json!({"id": "ZZZ999"}))
    );
}

#[test]
fn github_summary_says_what_does_not_fit() {
    let (map, reg) = (sources(SOA), registry());
    let long = "x".repeat(10_000);
    let diags: Vec<Diagnostic> = (0..200)
        .map(|i| {
            Diagnostic::error("REF001", format!("{i} {long}"))
                .with_entity(None, Some(format!("/{i}")))
        })
        .collect();
    let summary = render::github_summary(&diags, &ctx(&map, &reg));
    assert!(summary.len() <= 1024 * 1024, "GitHub's limit is 1 MiB");
    let rows = summary
        .lines()
        .filter(|l| l.starts_with("| error |"))
        .count();
    assert!(rows > 50 && rows < 200, "{rows} rows");
    assert!(
        summary.contains(&format!("{} more findings are not listed", 200 - rows)),
        "the rest is announced, not dropped silently"
    );
}

#[test]
fn junit_snapshot_and_schema() {
    let (map, reg) = (sources(SOA), registry());
    let out = render::junit(&findings(SOA), &ctx(&map, &reg));
    common::assert_valid_junit(&out);
    // Errors fail (the default `--fail-on`); the warnings and the note pass, with output.
    assert!(
        out.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"annexa\" tests=\"6\" failures=\"3\" errors=\"0\">"
        ),
        "{out}"
    );
    insta::assert_snapshot!("junit", out);
}

#[test]
fn gitlab_checkstyle_and_rdjson_snapshots_and_schemas() {
    let (map, reg) = (sources(SOA), registry());
    let context = ctx(&map, &reg).with_path_prefix("compliance/");
    let diags = findings(SOA);
    let gitlab = render::gitlab(&diags, &context);
    common::assert_valid_gitlab(&serde_json::from_str(&gitlab).unwrap());
    insta::assert_snapshot!("gitlab", gitlab);
    let checkstyle = render::checkstyle(&diags, &context);
    common::assert_valid_checkstyle(&checkstyle);
    insta::assert_snapshot!("checkstyle", checkstyle);
    let rdjson = render::rdjson(&diags, &context);
    common::assert_valid_rdjson(&serde_json::from_str(&rdjson).unwrap());
    insta::assert_snapshot!("rdjson", rdjson);
}

/// A registry with a tool code (FILE001, `basis: {tool: true}`) beside the compliance ones.
fn registry_with_tool_code() -> Registry {
    let mut reg = registry();
    let mut tool = meta(
        "FILE001",
        "unreadable file",
        "discovery",
        Severity::Error,
        "A file could not be read.",
        &[],
    );
    tool.basis = Some(Basis {
        tool: true,
        ..Basis::default()
    });
    reg.insert(tool).unwrap();
    reg
}

#[test]
fn every_format_tells_compliance_findings_from_tool_findings() {
    let (map, reg) = (sources(SOA), registry_with_tool_code());
    let mut diags = findings(SOA);
    diags.push(
        Diagnostic::error(
            "FILE001",
            "cannot read `evidence/scan.yaml`: permission denied",
        )
        .at("evidence/scan.yaml", Span::new(0, 0)),
    );
    diagnostic::sort(&mut diags);
    let context = ctx(&map, &reg);
    let line = "6 compliance findings (3 errors, 2 warnings, 1 note) in 3 files and the \
                repository, 1 tool finding (1 error) in 1 file";

    let human = render::human(&diags, &context, PLAIN);
    assert!(human.contains(&format!("\n{line}\n")), "{human}");
    let github = render::github(&diags, &context);
    assert!(github.contains(&format!("annexa: {line}\n")), "{github}");
    let summary = render::github_summary(&diags, &context);
    assert!(
        summary.starts_with(&format!("## annexa: {line}\n")),
        "{summary}"
    );

    let json: Value = serde_json::from_str(&render::json(&diags, &context)).unwrap();
    assert_eq!(
        json["summary"]["compliance"],
        serde_json::json!({"errors": 3, "warnings": 2, "notes": 1})
    );
    assert_eq!(
        json["summary"]["tool"],
        serde_json::json!({"errors": 1, "warnings": 0, "notes": 0})
    );
    assert_eq!(json["summary"]["errors"], 4, "the totals count both");
    let about = |code: &str| {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap()["about"]
            .clone()
    };
    assert_eq!(about("FILE001"), "tool");
    assert_eq!(about("SOA003"), "compliance");

    let log = sarif_of(&diags, &context);
    common::assert_valid_sarif(&log);
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let expected = if r["ruleId"] == "FILE001" {
            "tool"
        } else {
            "compliance"
        };
        assert_eq!(r["properties"]["about"], expected, "{}", r["ruleId"]);
    }

    // JUnit: a tool finding is an `error` (the check could not run as asked), a compliance
    // finding a `failure`.
    let junit = render::junit(&diags, &context);
    common::assert_valid_junit(&junit);
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let outcome = |code: &str| {
        let case = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name").unwrap().starts_with(code))
            .unwrap();
        case.children()
            .find(|c| c.is_element())
            .unwrap()
            .tag_name()
            .name()
            .to_string()
    };
    assert_eq!(outcome("FILE001"), "error");
    assert_eq!(outcome("SOA003"), "failure");
    assert_eq!(
        outcome("SOA010"),
        "system-out",
        "a warning passes by default"
    );
    // With `--fail-on warning`, warnings fail too.
    let strict = render::junit(&diags, &context.with_fail_on(Severity::Warning));
    common::assert_valid_junit(&strict);
    assert!(
        strict.contains("tests=\"7\" failures=\"5\" errors=\"1\""),
        "{strict}"
    );
}

#[test]
fn suggestions_reach_every_ci_format_and_sarif_fixes() {
    let text = "kind: evidence\nid: EV-1\ncolected_on: 2026-10-02\nstatus: \"aproved\"\n";
    let mut map = SourceMap::new();
    map.insert(SourceFile::new(
        "evidence/ev.yaml",
        "evidence/ev.yaml",
        text,
    ));
    let reg = registry();
    let key = span_of(text, "colected_on", 0);
    let value = span_of(text, "aproved", 0);
    let diags = vec![
        Diagnostic::error("REF001", "unknown field `colected_on` in evidence `EV-1`")
            .at("evidence/ev.yaml", key)
            .with_label("did you mean `collected_on`?")
            .with_help("known fields here: id, collected_on")
            .with_suggestion(key, "collected_on"),
        Diagnostic::error("REF001", "`status` must be one of `draft`, `approved`")
            .at(
                "evidence/ev.yaml",
                Span::new(value.start - 1, value.end + 1),
            )
            .with_label("did you mean `approved`?")
            .with_suggestion(value, "approved"),
    ];
    let context = ctx(&map, &reg);

    let github = render::github(&diags, &context);
    assert!(
        github.contains("in evidence `EV-1`%0Adid you mean `collected_on`?%0Ahelp: known fields"),
        "{github}"
    );
    let summary = render::github_summary(&diags, &context);
    assert!(
        summary.contains("`EV-1`<br>did you mean `collected_on`?<br>help: known fields"),
        "{summary}"
    );

    let log = sarif_of(&diags, &context);
    common::assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results[0]["message"]["text"],
        "unknown field `colected_on` in evidence `EV-1`\ndid you mean `collected_on`?\n\
         help: known fields here: id, collected_on"
    );
    let fix = &results[0]["fixes"][0];
    assert_eq!(
        fix["description"]["text"],
        "replace `colected_on` with `collected_on`"
    );
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "evidence/ev.yaml");
    assert_eq!(
        change["replacements"][0],
        serde_json::json!({
            "deletedRegion": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 12},
            "insertedContent": {"text": "collected_on"},
        })
    );
    // Inside the quotes: the quotes stay.
    assert_eq!(
        results[1]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"],
        serde_json::json!({"startLine": 4, "startColumn": 10, "endLine": 4, "endColumn": 17})
    );

    let json: Value = serde_json::from_str(&render::json(&diags, &context)).unwrap();
    let s = &json["diagnostics"][0]["suggestion"];
    assert_eq!(s["replacement"], "collected_on");
    assert_eq!(s["start"]["offset"], key.start);
    assert_eq!(s["end"]["offset"], key.end);
    assert_eq!(json["diagnostics"][1]["suggestion"]["start"]["column"], 10);

    let junit = render::junit(&diags, &context);
    common::assert_valid_junit(&junit);
    assert!(junit.contains("did you mean `collected_on`?"), "{junit}");
}

#[test]
fn ci_formats_name_files_from_the_checkout_and_the_others_from_the_root() {
    let (map, reg) = (sources(SOA), registry());
    let diags = findings(SOA);
    let context = ctx(&map, &reg).with_path_prefix("compliance/");

    let github = render::github(&diags, &context);
    assert!(
        github.contains("file=compliance/soa.yaml,line=5"),
        "{github}"
    );
    assert!(!github.contains("file=soa.yaml"), "{github}");
    let summary = render::github_summary(&diags, &context);
    assert!(summary.contains("| compliance/soa.yaml:5:"), "{summary}");

    let log = sarif_of(&diags, &context);
    common::assert_valid_sarif(&log);
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter().all(|u| u.starts_with("compliance/")),
        "{uris:?}"
    );
    assert!(
        uris.contains(&"compliance/annexa.toml"),
        "repository-level: {uris:?}"
    );

    let junit = render::junit(&diags, &context);
    common::assert_valid_junit(&junit);
    assert!(
        junit.contains("<testsuite name=\"compliance/soa.yaml\""),
        "{junit}"
    );
    assert!(
        junit.contains("file=\"compliance/risks/R-007.yaml\""),
        "{junit}"
    );

    // Human output and JSON stay relative to annexa's root.
    let json: Value = serde_json::from_str(&render::json(&diags, &context)).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["file"].as_str())
            .all(|f| !f.starts_with("compliance/"))
    );
    let human = render::human(&diags, &context, PLAIN);
    assert!(human.contains("[soa.yaml:5:"), "{human}");
}

#[test]
fn a_finding_that_stops_the_run_says_the_check_is_incomplete() {
    let text = "[files]\nexlcude = []\n";
    let mut map = SourceMap::new();
    map.insert(SourceFile::new("annexa.toml", "annexa.toml", text));
    let reg = annexa::rules::builtin_registry();
    let d = Diagnostic::error("CFG001", "invalid `annexa.toml`: unknown field `exlcude`")
        .at("annexa.toml", span_of(text, "exlcude", 0));
    let context = ctx(&map, reg);
    let diags = std::slice::from_ref(&d);
    let human = render::human(diags, &context, PLAIN);
    assert!(human.contains("\nThe check did not complete"), "{human}");
    let github = render::github(diags, &context);
    assert!(
        github.contains("\nannexa: the check did not complete"),
        "{github}"
    );
    let json: Value = serde_json::from_str(&render::json(diags, &context)).unwrap();
    assert_eq!(json["complete"], false);
    let log = sarif_of(diags, &context);
    common::assert_valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    let clean = sarif_of(&[], &context);
    assert_eq!(
        clean["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}
