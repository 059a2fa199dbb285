//! Snapshots of what users see on every fixture repository: the full human (no colour,
//! fixed width), JSON and SARIF output, evaluated as of a fixed date. A change in any
//! message, span or code shows in review as a snapshot diff.

use annexa::engine;
use common::run;

mod common;

fn outputs(name: &str) -> (engine::Outcome, String, String, String) {
    let o = run(name);
    let (human, json, sarif) = common::outputs(&o);
    (o, human, json, sarif)
}

fn snapshot_all(name: &str) -> engine::Outcome {
    let (o, human, json, sarif) = outputs(name);
    insta::assert_snapshot!(format!("{name}.human"), human);
    insta::assert_snapshot!(format!("{name}.json"), json);
    insta::assert_snapshot!(format!("{name}.sarif"), sarif);
    o
}

fn codes_in(o: &engine::Outcome, file: &str) -> Vec<String> {
    o.diagnostics
        .iter()
        .filter(|d| d.file() == Some(file))
        .map(|d| d.code.clone())
        .collect()
}

fn line_of(o: &engine::Outcome, d: &annexa::diagnostic::Diagnostic) -> usize {
    let l = d.location.as_ref().unwrap();
    o.sources.get(&l.file).unwrap().line_col(l.span.start).line
}

#[test]
fn example_org_checks_clean() {
    let o = snapshot_all("example-org");
    let errors: Vec<_> = o
        .diagnostics
        .iter()
        .filter(|d| d.severity == annexa::diagnostic::Severity::Error)
        .map(|d| format!("{} {:?} {}", d.code, d.file(), d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "the example organisation must have no errors: {errors:#?}"
    );
    assert!(o.artifacts.len() > 100, "{} artifacts", o.artifacts.len());
}

#[test]
fn broken_schema_reports_each_defect_at_its_line() {
    let o = snapshot_all("broken-schema");
    // (file, line, code) for every defect listed in fixtures/broken-schema/EXPECTED.md.
    let expected: &[(&str, usize, &str)] = &[
        ("controls/missing-owner.yaml", 0, "SCH001"),
        ("controls/bad-id.yaml", 4, "SCH004"),
        ("soa.yaml", 13, "SCH004"),
        ("evidence/records.yaml", 15, "SCH002"),
        ("evidence/records.yaml", 0, "SCH001"),
        ("evidence/bad-duration.yaml", 8, "SCH004"),
        ("risks/register.yaml", 11, "SCH005"),
        ("risks/register.yaml", 31, "SCH004"),
        ("nonconformities/nc-bad-date.yaml", 7, "SCH004"),
        ("nonconformities/nc-closed.yaml", 0, "SCH001"),
        ("suppliers/cloud.yaml", 8, "SCH003"),
        ("reviews/mr.yaml", 9, "SCH004"),
        ("audits/ia.yaml", 13, "SCH002"),
        ("policies/security-policy.md", 6, "SCH003"),
        ("procedures/risk.md", 11, "SCH004"),
        ("impact-assessments/router.md", 10, "SCH004"),
        ("impact-assessments/missing.md", 0, "SCH001"),
    ];
    for (file, line, code) in expected {
        let found = o.diagnostics.iter().any(|d| {
            d.file() == Some(*file) && d.code == *code && (*line == 0 || line_of(&o, d) == *line)
        });
        assert!(
            found,
            "expected {code} in {file} at line {line}; got {:#?}",
            codes_in(&o, file)
        );
    }
    let schema_findings = o
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("SCH"))
        .count();
    assert_eq!(
        schema_findings,
        expected.len(),
        "no schema finding beyond the listed defects"
    );
}

#[test]
fn broken_syntax_reports_and_keeps_going() {
    let o = snapshot_all("broken-syntax");
    assert!(o.diagnostics.iter().any(|d| d.code == "YAML001"));
    assert!(o.diagnostics.iter().any(|d| d.code == "YAML002"));
    assert!(o.diagnostics.iter().any(|d| d.code == "YAML003"));
    // The valid artifact next to the broken files is still loaded and checked.
    assert!(!o.artifacts.is_empty());
}

#[test]
fn broken_kinds_reports_kinds_and_ignores_other_yaml() {
    let o = snapshot_all("broken-kinds");
    for code in ["KIND001", "KIND002", "KIND003", "FILE002"] {
        assert!(
            o.diagnostics.iter().any(|d| d.code == code),
            "{code} missing: {:#?}",
            o.diagnostics
        );
    }
    for silent in ["deploy/deployment.yaml", ".github/workflows/annexa.yml"] {
        assert!(codes_in(&o, silent).is_empty(), "{silent} must be ignored");
    }
}

#[test]
fn every_format_of_every_fixture_validates() {
    // The JSON report against annexa's own published schema, the CI formats against theirs.
    let report_schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schemas/check-report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let names = common::fixture_names();
    assert!(names.len() >= 15, "{names:?}");
    for name in &names {
        let (o, _, json, sarif) = outputs(name);
        let ctx = annexa::render::RenderContext::new(&o.sources, &o.registry, "0.0.0-test")
            .with_root_file(o.config_file.as_deref());
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        common::assert_matches_schema(
            &report_schema,
            jsonschema::Draft::Draft202012,
            &report,
            &format!("check-report.schema.json ({name})"),
        );
        common::assert_valid_junit(&annexa::render::junit(&o.diagnostics, &ctx));
        let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
        common::assert_valid_sarif(&log);
        let results = log["runs"][0]["results"].as_array().unwrap();
        for r in results {
            assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64());
            assert!(r["partialFingerprints"]["annexa/v1"].is_string());
        }
        let gitlab: serde_json::Value =
            serde_json::from_str(&annexa::render::gitlab(&o.diagnostics, &ctx)).unwrap();
        common::assert_valid_gitlab(&gitlab);
        assert_eq!(gitlab.as_array().unwrap().len(), o.diagnostics.len());
        let rdjson: serde_json::Value =
            serde_json::from_str(&annexa::render::rdjson(&o.diagnostics, &ctx)).unwrap();
        common::assert_valid_rdjson(&rdjson);
        assert_eq!(
            rdjson["diagnostics"].as_array().unwrap().len(),
            o.diagnostics.len()
        );
        let checkstyle = annexa::render::checkstyle(&o.diagnostics, &ctx);
        common::assert_valid_checkstyle(&checkstyle);
        assert_eq!(checkstyle.matches("<error ").count(), o.diagnostics.len());
    }
}
