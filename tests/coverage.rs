//! `annexa coverage` on the example organisation, as of a fixed date: real numbers, snapshots
//! of the Markdown and JSON, and a self-contained HTML page.

mod common;

use common::framework;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn coverage(format: &str) -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-org");
    let o: Output = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(["coverage", "--today", "2026-11-22", "--format", format])
        .arg(&repo)
        .output()
        .expect("the binary runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

fn json() -> Value {
    serde_json::from_str(&coverage("json")).expect("valid JSON")
}

/// Every requirement of a framework, across sections and groups.
fn requirements<'a>(f: &'a Value, section: &str) -> Vec<&'a Value> {
    f["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == section)
        .flat_map(|s| s["groups"].as_array().unwrap())
        .flat_map(|g| g["requirements"].as_array().unwrap())
        .collect()
}

#[test]
fn totals_of_the_example_organisation() {
    let v = json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["today"], "2026-11-22");
    assert_eq!(v["organisation"], "Brightwell Software Ltd");
    let ids: Vec<&str> = v["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["iso27001:2022", "iso42001:2023"]);

    let iso27001 = framework(&v, "iso27001:2022");
    assert_eq!(iso27001["title"], "ISO/IEC 27001:2022");
    assert_eq!(iso27001["amendments"][0], "iso27001:2022/amd1:2024");
    let t = &iso27001["totals"]["controls"];
    assert_eq!(t["total"], 93);
    assert_eq!(t["applicable"], 89);
    assert_eq!(t["excluded"], 4);
    assert_eq!(t["missing"], 0);
    assert_eq!(requirements(iso27001, "controls").len(), 93);

    let iso42001 = framework(&v, "iso42001:2023");
    let t = &iso42001["totals"]["controls"];
    assert_eq!(t["total"], 38);
    assert_eq!(t["applicable"], 38);
    assert_eq!(requirements(iso42001, "controls").len(), 38);

    // The counts partition the applicable controls.
    for f in [iso27001, iso42001] {
        let t = &f["totals"]["controls"];
        let n = |k: &str| t[k].as_u64().unwrap();
        assert_eq!(n("applicable") + n("excluded") + n("missing"), n("total"));
        assert_eq!(
            n("implemented") + n("partial") + n("planned") + n("not_started") + n("no_status"),
            n("applicable")
        );
        assert_eq!(
            n("fresh") + n("expiring") + n("stale") + n("no_evidence"),
            n("applicable")
        );
    }
}

#[test]
fn the_four_exclusions_are_excluded() {
    let v = json();
    let iso27001 = framework(&v, "iso27001:2022");
    let mut excluded: Vec<&str> = requirements(iso27001, "controls")
        .into_iter()
        .filter(|r| r["soa"]["applicability"] == "excluded")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    excluded.sort();
    assert_eq!(excluded, ["A.7.11", "A.7.12", "A.7.6", "A.8.30"]);
    let a76 = requirements(iso27001, "controls")
        .into_iter()
        .find(|r| r["id"] == "A.7.6")
        .unwrap();
    assert!(
        a76["soa"]["justification"]
            .as_str()
            .unwrap()
            .contains("secure areas")
    );
}

#[test]
fn a_control_serving_both_standards_is_listed() {
    let v = json();
    let shared = v["shared_controls"].as_array().unwrap();
    let supplier = shared
        .iter()
        .find(|c| c["id"] == "CTL-SUPPLIER-MANAGEMENT")
        .expect("the supplier control serves both standards");
    let frameworks: Vec<&str> = supplier["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["framework"].as_str().unwrap())
        .collect();
    assert_eq!(frameworks, ["iso27001:2022", "iso42001:2023"]);
    assert!(
        supplier["frameworks"][1]["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "A.10.3")
    );
    // And the requirement rows name it.
    let a1003 = requirements(framework(&v, "iso42001:2023"), "controls")
        .into_iter()
        .find(|r| r["id"] == "A.10.3")
        .unwrap();
    assert!(
        a1003["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "CTL-SUPPLIER-MANAGEMENT")
    );
}

#[test]
fn what_iso42001_adds() {
    let v = json();
    let a = &v["additions"];
    assert_eq!(a["base"], "iso27001:2022");
    assert_eq!(a["added"], "iso42001:2023");
    let n = |k: &str| a[k].as_u64().unwrap();
    assert_eq!(
        n("reused") + n("new_covered") + n("new_uncovered"),
        n("total")
    );
    assert_eq!(
        a["requirements"].as_array().unwrap().len() as u64,
        n("new_covered") + n("new_uncovered")
    );
    let new: Vec<&str> = a["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    // The impact assessment has no ISO/IEC 27001 counterpart; the shared supplier control's
    // ISO/IEC 42001 requirement is not new.
    assert!(new.contains(&"iso42001:2023/A.5.2"));
    assert!(new.contains(&"iso42001:2023/6.1.4"));
    assert!(!new.contains(&"iso42001:2023/A.10.3"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("example-org.md", coverage("markdown"));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("example-org.json", coverage("json"));
}

#[test]
fn table_names_both_frameworks() {
    let t = coverage("table");
    assert!(t.starts_with("Coverage of Brightwell Software Ltd as of 2026-11-22"));
    assert!(t.contains("Annex A controls: 93 — 89 applicable, 4 excluded, 0 missing"));
    assert!(t.contains("Annex A controls: 38 — 38 applicable, 0 excluded, 0 missing"));
}

#[test]
fn html_is_self_contained_and_well_formed() {
    let html = coverage("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Coverage: Brightwell Software Ltd (2026-11-22)</title>"));
    for title in ["ISO/IEC 27001:2022", "ISO/IEC 42001:2023"] {
        assert!(html.contains(&format!("<h2>{title}</h2>")), "{title}");
    }
    // Nothing to fetch: no URLs at all, no scripts, no external resources.
    common::assert_self_contained(&html);
    assert!(html.contains("@media print"));
    common::assert_balanced(&html);
    // Crosswalk suggestions are shown as in the other formats: as many rows as the JSON lists.
    let suggested = json()["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["suggested"].as_array().unwrap().len())
        .sum::<usize>();
    assert!(suggested > 0);
    assert_eq!(
        html.matches("Suggested by crosswalks, not counted as coverage")
            .count(),
        1
    );
    assert_eq!(html.matches(", which it claims</td>").count(), suggested);
}
