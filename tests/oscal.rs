//! `annexa oscal`: on every fixture, both exports valid against the official OSCAL 1.1.3 JSON
//! schemas (`tests/data/oscal-1.1.3`, with the `jsonschema` crate) and loaded by
//! compliance-trestle's OSCAL models; deterministic, with unique UUIDs, one finding per
//! finding of `annexa check`, and the evidence dates on the observations.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

const MODELS: [(&str, &str); 2] = [
    ("component-definition", "oscal_component_schema.json"),
    ("assessment-results", "oscal_assessment-results_schema.json"),
];

/// `annexa oscal MODEL` on `repo` as of the fixtures' day; exit code 0 required.
fn export(model: &str, repo: &Path) -> String {
    String::from_utf8(common::annexa_ok(&["oscal", model], repo, &[])).unwrap()
}

fn validator(schema: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/oscal-1.1.3")
        .join(schema);
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the OSCAL schema compiles")
}

/// Every `uuid` value in a document.
fn uuids<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("uuid", Value::String(s)) => out.push(s),
                    _ => uuids(x, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|x| uuids(x, out)),
        _ => {}
    }
}

/// Each export given (model name, path), loaded with trestle's model: counts of what it read.
const READ_TRESTLE: &str = r#"
import json, pathlib, sys
from trestle.oscal.component import ComponentDefinition
from trestle.oscal.assessment_results import AssessmentResults
out = []
for model, path in zip(sys.argv[1::2], sys.argv[2::2]):
    if model == "component-definition":
        c = ComponentDefinition.oscal_read(pathlib.Path(path))
        out.append({"components": len(c.components or []),
                    "requirements": sum(len(i.implemented_requirements) for x in c.components or []
                                        for i in x.control_implementations or [])})
    else:
        a = AssessmentResults.oscal_read(pathlib.Path(path))
        r = a.results[0]
        out.append({"observations": len(r.observations or []), "findings": len(r.findings or [])})
print(json.dumps(out))
"#;

#[test]
fn every_export_of_every_fixture_is_valid_oscal() {
    let validators: Vec<_> = MODELS.iter().map(|(_, s)| validator(s)).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut written: Vec<(String, std::path::PathBuf)> = Vec::new();
    let mut expected: Vec<Value> = Vec::new();
    for name in common::fixture_names() {
        let repo = common::fixture(&name);
        for ((model, _), validator) in MODELS.iter().zip(&validators) {
            let text = export(model, &repo);
            assert_eq!(text, export(model, &repo), "{name} {model}: deterministic");
            let doc: Value = serde_json::from_str(&text).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .take(5)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{name} {model}: {errors:#?}");
            let mut all = Vec::new();
            uuids(&doc, &mut all);
            let unique: BTreeSet<&str> = all.iter().copied().collect();
            assert_eq!(unique.len(), all.len(), "{name} {model}: unique UUIDs");
            assert!(
                all.iter().all(|u| u.as_bytes()[14] == b'5'),
                "{name}: UUIDv5"
            );
            let path = dir.path().join(format!("{name}.{model}.json"));
            std::fs::write(&path, &text).unwrap();
            written.push((model.to_string(), path));
            expected.push(counts(model, &doc));
        }
        // One finding per finding of the check, and every evidence record observed.
        let check = common::annexa(&[
            "check".as_ref(),
            repo.as_os_str(),
            "--no-cache".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--today".as_ref(),
            common::TODAY.as_ref(),
        ])
        .stdout;
        let check: Value = serde_json::from_slice(&check).unwrap();
        let findings = expected.last().unwrap()["findings"].as_u64().unwrap();
        let diagnostics = check["diagnostics"].as_array().map_or(0, Vec::len) as u64;
        assert_eq!(
            findings, diagnostics,
            "{name}: a finding per finding of the check"
        );
    }
    let mut args: Vec<&Path> = Vec::new();
    for (model, path) in &written {
        args.push(Path::new(model.as_str()));
        args.push(path);
    }
    let Some(read) =
        common::python_package("TRESTLE", "trestle.oscal.component", READ_TRESTLE, &args)
    else {
        return;
    };
    let read: Value = serde_json::from_str(&read).unwrap();
    assert_eq!(
        read.as_array().unwrap(),
        &expected,
        "trestle reads what was written"
    );
}

fn counts(model: &str, doc: &Value) -> Value {
    if model == "component-definition" {
        let components = doc["component-definition"]["components"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let requirements: usize = components
            .iter()
            .flat_map(|c| {
                c["control-implementations"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|i| i["implemented-requirements"].as_array().map_or(0, Vec::len))
            .sum();
        serde_json::json!({"components": components.len(), "requirements": requirements})
    } else {
        let r = &doc["assessment-results"]["results"][0];
        let n = |k: &str| r[k].as_array().map_or(0, Vec::len);
        serde_json::json!({"observations": n("observations"), "findings": n("findings")})
    }
}

#[test]
fn evidence_dates_land_on_observations_and_clause_ids_get_the_prefix() {
    let repo = common::fixture("example-org");
    let doc: Value = serde_json::from_str(&export("assessment-results", &repo)).unwrap();
    let observations = doc["assessment-results"]["results"][0]["observations"]
        .as_array()
        .unwrap();
    let evidence: Vec<&Value> = observations
        .iter()
        .filter(|o| o["methods"][0] == "EXAMINE")
        .collect();
    assert!(!evidence.is_empty());
    for o in &evidence {
        let collected = o["collected"].as_str().unwrap();
        assert!(collected.ends_with("T00:00:00Z"), "{o}");
        if let Some(expires) = o["expires"].as_str() {
            assert!(expires > collected, "{o}");
        }
    }
    let components: Value = serde_json::from_str(&export("component-definition", &repo)).unwrap();
    let ids: Vec<&str> = components["component-definition"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["control-implementations"]
                .as_array()
                .into_iter()
                .flatten()
        })
        .flat_map(|i| i["implemented-requirements"].as_array().unwrap())
        .map(|r| r["control-id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().any(|i| i.starts_with("A.")), "{ids:?}");
    assert!(
        ids.iter().any(|i| i.starts_with("req-")),
        "clauses get the prefix: {ids:?}"
    );
}

#[test]
fn the_excerpts_in_the_documentation_are_real_output() {
    let mut exports = String::new();
    for name in ["example-org", "broken-packs"] {
        for model in ["component-definition", "assessment-results"] {
            exports.push_str(&export(model, &common::fixture(name)));
        }
    }
    let lines: BTreeSet<&str> = exports
        .lines()
        .map(|l| l.trim().trim_end_matches(','))
        .collect();
    let excerpt = common::json_excerpt_lines("docs/oscal.md");
    for l in &excerpt {
        assert!(
            lines.contains(l.as_str()),
            "docs/oscal.md: not in an export: {l}"
        );
    }
    let checked = excerpt.len();
    assert!(checked > 40, "docs/oscal.md has its excerpts");
}
