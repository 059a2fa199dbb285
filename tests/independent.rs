//! Fixtures whose EXPECTED.md ends with a `findings` block: the exact (code, file:line) list
//! annexa must report. The block is the test's only source, so the document and the test
//! cannot drift apart.
//!
//! - `independent-*`: repositories written from the README and `docs/` alone, by someone who
//!   had not read the code, rules or other fixtures, with their expected findings decided
//!   before annexa was run; their EXPECTED.md record the first run and how each disagreement
//!   was resolved (in the tool or in the docs).
//!   `independent-documents` covers document contents (DOC011-DOC014) and audit-period
//!   continuity (EVD007); `independent-ai-act` the EU AI Act and NIST AI RMF catalogs.
//! - `auditor-probes`: the probes of a lead-auditor review of the built-in rules, each a change
//!   to a copy of the example organisation.
//! - `first-hour`: the seven things an auditor flags in the first hour, each a change to a copy
//!   of the example organisation.
//! - `auditor-findings`: the findings an auditor raises most often (context, objectives, a
//!   deployed AI system's records, risk acceptance, the audit programme, AI and cloud
//!   suppliers), each a change to a copy of the example organisation.

mod common;

use common::{found, outputs, run};

/// The `findings` block of a fixture's EXPECTED.md: `CODE file:line` per line, or
/// `CODE (repository)` for a finding without a file.
fn expected(name: &str) -> Vec<(String, String, usize)> {
    expected_block(name, "findings")
}

/// The block ```` ```<block> ```` of a fixture's EXPECTED.md, read as [`expected`] reads its
/// `findings` block.
fn expected_block(name: &str, block: &str) -> Vec<(String, String, usize)> {
    let text = std::fs::read_to_string(common::fixture(name).join("EXPECTED.md")).unwrap();
    let block = text
        .split(&format!("```{block}\n"))
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("{name}/EXPECTED.md has no ```{block} block"));
    let mut out: Vec<(String, String, usize)> = block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (code, place) = l.trim().split_once(' ').expect("CODE file:line");
            if place == "(repository)" {
                return (code.to_string(), String::new(), 0);
            }
            let (file, line) = place.rsplit_once(':').expect("file:line");
            (code.to_string(), file.to_string(), line.parse().unwrap())
        })
        .collect();
    out.sort();
    out
}

fn assert_matches(name: &str) {
    let o = run(name);
    let mut got = found(&o);
    got.sort();
    let want = expected(name);
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    let unexpected: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "{name}: missing {missing:#?}\nunexpected {unexpected:#?}"
    );
    assert_eq!(got, want, "{name}: each finding as often as expected");
    let (human, _, _) = outputs(&o);
    insta::assert_snapshot!(format!("{name}.human"), human);
}

#[test]
fn a_clean_repository_in_every_alternative_layout_has_no_findings() {
    assert!(expected("independent-clean").is_empty());
    assert_matches("independent-clean");
}

#[test]
fn an_integrated_repository_written_from_the_docs_gets_exactly_its_seeded_findings() {
    assert_matches("independent-auditor");
}

#[test]
fn its_defect_free_twin_has_no_findings() {
    assert!(expected("independent-auditor-clean").is_empty());
    assert_matches("independent-auditor-clean");
}

#[test]
fn seeded_defects_are_each_reported_once_at_their_line() {
    assert_matches("independent-defects");
}

#[test]
fn auditor_probes_behave_as_the_review_asks() {
    assert_matches("auditor-probes");
    // A new AI system at the requirements stage: the duties of later stages are warnings.
    let o = run("auditor-probes");
    for d in o
        .diagnostics
        .iter()
        .filter(|d| d.file() == Some("ai-systems/fraud-signals.yaml"))
    {
        assert_eq!(
            d.severity,
            annexa::diagnostic::Severity::Warning,
            "{}",
            d.code
        );
    }
}

#[test]
fn what_an_auditor_checks_first_is_reported() {
    assert_matches("first-hour");
}

#[test]
fn what_an_auditor_raises_most_is_reported_with_its_severity() {
    assert_matches("auditor-findings");
    // Observations are warnings (the new ones, and the example organisation's early warnings);
    // everything else, NC001 past its grace period included, is an error.
    let warnings = [
        "AUD004", "AUD005", "AUD007", "CTX002", "OBJ003", "SOA008", "EVD002", "REV002", "RSK002",
    ];
    for d in &run("auditor-findings").diagnostics {
        let want = if warnings.contains(&d.code.as_str()) {
            annexa::diagnostic::Severity::Warning
        } else {
            annexa::diagnostic::Severity::Error
        };
        assert_eq!(d.severity, want, "{} {:?}", d.code, d.file());
    }
}

#[test]
fn document_contents_and_audit_period_continuity_written_from_the_docs() {
    assert_matches("independent-documents");
}

#[test]
fn the_documents_repository_defect_free_twin_has_no_findings() {
    assert!(expected("independent-documents-clean").is_empty());
    assert_matches("independent-documents-clean");
}

#[test]
fn the_eu_ai_act_and_the_ai_rmf_written_from_the_docs() {
    assert_matches("independent-ai-act");
}

/// `independent-history`: a repository with 36 dated commits (two merged branches, four
/// authors, one in another time zone) and uncommitted work, written from the docs alone with
/// its findings decided before annexa ran: built by its `build.sh`, checked today, `--at` a
/// date, and as a shallow clone.
#[test]
fn a_git_history_written_from_the_docs_gets_exactly_its_findings() {
    use std::process::Command;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let build = Command::new("sh")
        .arg(common::fixture("independent-history").join("build.sh"))
        .arg(&repo)
        .output()
        .expect("sh and git are installed");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let check = |root: &std::path::Path, args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_annexa"))
            .arg("check")
            .arg(root)
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut got: Vec<(String, String, usize)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["file"].as_str().unwrap_or_default().to_string(),
                    d["start"]["line"].as_u64().unwrap_or(0) as usize,
                )
            })
            .collect();
        got.sort();
        got
    };
    let name = "independent-history";
    assert_eq!(check(&repo, &["--today", "2026-11-30"]), expected(name));
    assert_eq!(
        check(&repo, &["--at", "2026-07-31", "--today", "2026-07-31"]),
        expected_block(name, "findings-at-2026-07-31")
    );
    let shallow = tmp.path().join("shallow");
    let clone = Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", repo.display()))
        .arg(&shallow)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        clone.status.success(),
        "{}",
        String::from_utf8_lossy(&clone.stderr)
    );
    assert_eq!(
        check(&shallow, &["--today", "2026-11-30"]),
        expected_block(name, "findings-shallow")
    );
}
