//! The EU AI Act on `fixtures/ai-act` (see its EXPECTED.md): which articles apply to an AI
//! system of each risk class and role, and crosswalk suggestions that never count as coverage.

mod common;

use common::framework;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn each_risk_class_and_role_gets_the_expected_findings() {
    let o = common::run("ai-act");
    let found: Vec<(String, String, usize, String)> = o
        .diagnostics
        .iter()
        .filter(|d| ["AI013", "AI014", "AI015"].contains(&d.code.as_str()))
        .map(|d| {
            let article = d.message.split('`').nth(1).unwrap_or_default().to_string();
            (
                d.code.clone(),
                d.file().unwrap_or_default().to_string(),
                common::line(&o, d),
                article,
            )
        })
        .collect();
    let f = |code: &str, file: &str, line: usize, what: &str| {
        (
            code.to_string(),
            format!("ai-systems/{file}"),
            line,
            what.to_string(),
        )
    };
    let mut expected = vec![
        f("AI013", "1-emotion-at-work.yaml", 10, "AIS-EMOTION"),
        f("AI015", "2-credit-scoring.yaml", 10, "eu-ai-act:2024/Art.6"),
        f("AI015", "2-credit-scoring.yaml", 10, "eu-ai-act:2024/Art.8"),
        f(
            "AI015",
            "2-credit-scoring.yaml",
            10,
            "eu-ai-act:2024/Art.73",
        ),
        f("AI015", "3-cv-screening.yaml", 10, "eu-ai-act:2024/Art.26"),
        f(
            "AI015",
            "5-chat-assistant.yaml",
            10,
            "eu-ai-act:2024/Art.50",
        ),
        f("AI014", "7-unclassified.yaml", 4, "AIS-UNCLASSIFIED"),
    ];
    let mut found = found;
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    let d = o
        .diagnostics
        .iter()
        .find(|d| d.code == "AI015" && d.message.contains("Art.26"))
        .unwrap();
    assert!(
        d.message
            .contains("Obligations of deployers of high-risk AI systems")
            && d.message.contains("high-risk; deployer"),
        "{}",
        d.message
    );
}

fn coverage(repo: &Path) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(["coverage", "--today", "2026-11-22", "--format", "json"])
        .arg(repo)
        .output()
        .expect("the binary runs");
    serde_json::from_slice(&o.stdout).expect("JSON")
}

#[test]
fn crosswalk_suggestions_are_listed_apart_and_never_counted() {
    let with = coverage(&common::fixture("ai-act"));
    let (dir, root) = common::fixture_copy("ai-act");
    std::fs::remove_file(root.join("catalogs/ai-act-to-rmf.yaml")).unwrap();
    let without = coverage(&root);
    drop(dir);
    for id in ["eu-ai-act:2024", "nist-ai-rmf:1.0", "iso42001:2023"] {
        assert_eq!(
            framework(&with, id)["totals"],
            framework(&without, id)["totals"],
            "{id}: a suggestion changed the totals"
        );
        assert_eq!(
            framework(&with, id)["sections"],
            framework(&without, id)["sections"],
            "{id}: a suggestion changed what serves a requirement"
        );
    }
    let rmf = framework(&with, "nist-ai-rmf:1.0");
    let suggested = rmf["suggested"].as_array().unwrap();
    let has = |reference: &str, through: &str, relationship: &str| {
        suggested.iter().any(|s| {
            s["reference"] == reference
                && s["control"] == "CTL-HIGH-RISK"
                && s["through"] == through
                && s["relationship"] == relationship
        })
    };
    // The built-in crosswalk, read from 42001 back to the AI RMF.
    assert!(
        has(
            "nist-ai-rmf:1.0/GOVERN-1.7",
            "iso42001:2023/A.6.2.6",
            "related"
        ),
        "{suggested:#?}"
    );
    // The repository's own crosswalk.
    assert!(has(
        "nist-ai-rmf:1.0/MAP-3.5",
        "eu-ai-act:2024/Art.14",
        "intersects"
    ));
    // A requirement the control claims is never suggested for it.
    assert!(!suggested.iter().any(
        |s| s["reference"] == "nist-ai-rmf:1.0/GOVERN-2.2" && s["control"] == "CTL-AI-LITERACY"
    ));
    let without_rmf = framework(&without, "nist-ai-rmf:1.0")["suggested"]
        .as_array()
        .unwrap()
        .len();
    assert!(suggested.len() > without_rmf);
}
