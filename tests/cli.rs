//! Command-line cases: arguments → exit code and output, run against the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::repo;

mod common;

fn annexa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the binary runs")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
        .display()
        .to_string()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const TODAY: &str = "--today=2026-11-22";

#[test]
fn version_and_help() {
    let o = annexa(&["--version"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("annexa "));
    assert_eq!(code(&annexa(&["check", "--help"])), 0);
}

#[test]
fn clean_repository_exits_0() {
    let o = annexa(&["check", &fixture("example-org"), TODAY]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn findings_exit_1() {
    let o = annexa(&["check", &fixture("broken-schema"), TODAY]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("SCH002"), "{}", stdout(&o));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&annexa(&["check", "/nonexistent/annexa/repo"])), 2);
    assert_eq!(
        code(&annexa(&[
            "check",
            "--format",
            "xml",
            &fixture("example-org")
        ])),
        2
    );
    assert_eq!(
        code(&annexa(&[
            "check",
            "--today",
            "2026-02-30",
            &fixture("example-org")
        ])),
        2
    );
    assert_eq!(code(&annexa(&["frobnicate"])), 2);
}

#[test]
fn configuration_error_exits_2_with_the_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("annexa.toml"), "[files]\nexlcude = []\n").unwrap();
    let o = annexa(&["check", &dir.path().display().to_string()]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("CFG001") && err.contains("annexa.toml:2:1"),
        "{err}"
    );
}

#[test]
fn fail_on_threshold() {
    // A repository whose only finding is a warning: an unused suppression (it has no scope,
    // so the rule asking for one is disabled).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("annexa.toml"),
        "[rules]\ndisable = [\"DOC001\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("s.yaml"),
        "annexa: v1\nkind: supplier\nid: SUP-1\nname: S\nowner: O\nservices: x\nprovides_ai_models: false\nagreements: []\n# annexa-ignore SCH002; reason: r; owner: o\nnotes: n\n",
    )
    .unwrap();
    let root = dir.path().display().to_string();
    let o = annexa(&["check", &root, TODAY]);
    assert!(stdout(&o).contains("SUP003"), "{}", stdout(&o));
    assert_eq!(code(&o), 0);
    assert_eq!(
        code(&annexa(&["check", &root, TODAY, "--fail-on", "warning"])),
        1
    );
}

#[test]
fn paths_limit_what_is_reported() {
    let root = fixture("broken-schema");
    let file = format!("{root}/controls/bad-id.yaml");
    let o = annexa(&["check", &file, "--format", "json", TODAY]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(!files.is_empty());
    assert!(
        files.iter().all(|f| *f == "controls/bad-id.yaml"),
        "{files:?}"
    );
}

#[test]
fn output_formats_are_well_formed() {
    let root = fixture("broken-schema");
    let json = annexa(&["check", &root, "--format", "json", TODAY]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["version"], 1);
    let sarif = annexa(&["check", &root, "--format", "sarif", TODAY]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let gh = annexa(&["check", &root, "--format", "github", TODAY]);
    assert!(
        stdout(&gh).lines().any(|l| l.starts_with("::error file=")),
        "{}",
        stdout(&gh)
    );
}

#[test]
fn github_format_writes_the_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let o = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args([
            "check",
            &fixture("broken-schema"),
            "--format",
            "github",
            TODAY,
        ])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.contains("SCH002") && text.contains('|'), "{text}");
}

#[test]
fn explain_known_and_unknown_codes() {
    let o = annexa(&["explain", "sch002"]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).starts_with("# SCH002: unknown field"),
        "{}",
        stdout(&o)
    );
    let o = annexa(&["explain", "SCH020"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
}

#[test]
fn explain_prints_the_basis_after_the_facts() {
    let o = annexa(&["explain", "MR001"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    let basis = "\nbasis:\n- requirement: iso27001:2022/9.3, iso42001:2023/9.3\n\
                 - certification practice: ";
    let at = text.find(basis).unwrap_or_else(|| panic!("{text}"));
    assert!(at > text.find("- default severity").unwrap(), "{text}");
    assert!(at < text.find("## What it does").unwrap(), "{text}");
    assert!(
        text.contains("\n- default: 12 months (`review_interval`)\n"),
        "{text}"
    );
    let tool = stdout(&annexa(&["explain", "YAML001"]));
    assert!(tool.contains("\nbasis:\n- tool: "), "{tool}");
    let none = stdout(&annexa(&["explain", "REF001"]));
    assert!(
        none.contains("\n- requirement: none: no clause or control requires this check\n"),
        "{none}"
    );
}

#[test]
fn dump_prints_one_line_per_document() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| -> PathBuf { dir.path().join(n) };
    std::fs::write(p("three.yaml"), "a: 1\n---\n- x\n---\n\"s\"\n").unwrap();
    std::fs::write(p("empty.yaml"), "").unwrap();
    std::fs::write(p("bad.yaml"), "a: [1, 2\n").unwrap();
    std::fs::write(p("doc.md"), "---\nannexa: v1\nkind: policy\n---\n# Title\n").unwrap();
    let o = annexa(&["dump", p("three.yaml").to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "{\"a\":1}\n[\"x\"]\n\"s\"\n");
    let o = annexa(&["dump", p("empty.yaml").to_str().unwrap()]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()));
    let o = annexa(&["dump", p("bad.yaml").to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("YAML001"), "{}", stderr(&o));
    let o = annexa(&["dump", "--spans", p("doc.md").to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["value"]["kind"], "policy");
    assert_eq!(v["spans"]["/kind"]["value"], "3:7-3:13");
    let o = annexa(&["dump", "--pretty", p("three.yaml").to_str().unwrap()]);
    assert!(stdout(&o).contains("{\n  \"a\": 1\n}"));
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = baseline.display().to_string();
    let root = fixture("broken-schema");
    let o = annexa(&["check", &root, TODAY, "--write-baseline", &b]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = annexa(&["check", &root, TODAY, "--baseline", &b]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A file that is not a baseline is never overwritten.
    let other = dir.path().join("notes.json");
    std::fs::write(&other, "{\"mine\": true}").unwrap();
    let o = annexa(&[
        "check",
        &root,
        TODAY,
        "--write-baseline",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "{\"mine\": true}");
}

#[test]
fn rules_lists_builtin_and_user_rules() {
    let o = annexa(&[
        "rules",
        "--format",
        "json",
        "--root",
        &fixture("custom-rules"),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v["rules"].as_array().unwrap();
    let origin = |code: &str| {
        rows.iter()
            .find(|r| r["code"] == code)
            .map(|r| r["origin"].as_str().unwrap().to_string())
    };
    assert_eq!(origin("SCH002").as_deref(), Some("engine"));
    assert_eq!(origin("SOA001").as_deref(), Some("rules/coverage.yaml"));
    assert_eq!(origin("ORG001").as_deref(), Some("org-rules/org.yaml"));
    let basis = |code: &str| rows.iter().find(|r| r["code"] == code).unwrap()["basis"].clone();
    assert_eq!(basis("SCH002")["tool"], true);
    assert_eq!(
        basis("SOA004")["requirement"],
        serde_json::json!(["iso27001:2022/6.1.3", "iso42001:2023/6.1.3"])
    );
    assert_eq!(
        basis("ORG001"),
        serde_json::Value::Null,
        "optional for users' rules"
    );
    let table = annexa(&["rules", "--root", &fixture("custom-rules")]);
    assert!(
        stdout(&table).lines().next().unwrap().starts_with("code"),
        "{}",
        stdout(&table)
    );
    assert!(stdout(&table).contains("AI003"));
}

#[test]
fn catalog_lists_frameworks_and_requirements() {
    let o = annexa(&["catalog", "--root", &fixture("example-org")]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("iso42001:2023") && stdout(&o).contains("38"),
        "{}",
        stdout(&o)
    );
    let o = annexa(&[
        "catalog",
        "iso42001:2023",
        "--format",
        "json",
        "--root",
        &fixture("example-org"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let controls = v["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "control")
        .count();
    assert_eq!(controls, 38);
    let o = annexa(&[
        "catalog",
        "iso27001:2013",
        "--root",
        &fixture("example-org"),
    ]);
    assert_eq!(code(&o), 2);
}

#[test]
fn test_rules_reports_counts() {
    let o = annexa(&["test-rules"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let last = stdout(&o).lines().last().unwrap().to_string();
    assert!(last.ends_with("passed, 0 failed"), "{last}");
    let o = annexa(&[
        "test-rules",
        &format!("{}/org-rules", fixture("custom-rules")),
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

fn in_dir(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the binary runs")
}

#[test]
fn explain_knows_the_repository_s_own_codes() {
    let o = annexa(&["explain", "ORG001", "--root", &fixture("custom-rules")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("# ORG001: "), "{}", stdout(&o));
    let o = in_dir(Path::new(&fixture("custom-rules")), &["explain", "org001"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Outside a repository, the built-in codes only.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(code(&in_dir(dir.path(), &["explain", "SCH002"])), 0);
    assert_eq!(code(&in_dir(dir.path(), &["explain", "ORG001"])), 2);
}

#[test]
fn no_repository_is_exit_2_saying_what_to_create() {
    let dir = tempfile::tempdir().unwrap();
    let o = in_dir(dir.path(), &["check"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("annexa.toml"), "{}", stderr(&o));
    assert!(stderr(&o).contains("annexa init"), "{}", stderr(&o));
    assert_eq!(code(&in_dir(dir.path(), &["coverage"])), 2);
    // The lists of codes and catalogs work anywhere.
    assert_eq!(code(&in_dir(dir.path(), &["rules"])), 0);
    assert_eq!(code(&in_dir(dir.path(), &["catalog"])), 0);
}

#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args([
            "check",
            &fixture("broken-packs"),
            TODAY,
            "--no-cache",
            "--format",
            "sarif",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 141, "{}", stderr(&o));
    assert!(!stderr(&o).contains("INT001"), "{}", stderr(&o));
}

#[test]
fn configuration_that_would_silence_a_protected_code_is_exit_2_at_the_entry() {
    for (toml, needle) in [
        (
            "[rules]\ndisable = [\"CAT\"]\n",
            "CAT001 cannot be disabled",
        ),
        (
            "[[suppress]]\ncode = \"RULE\"\nreason = \"r\"\nowner = \"o\"\n",
            "RULE001 cannot be suppressed",
        ),
        (
            "[[suppress]]\ncode = \"\"\nreason = \"r\"\nowner = \"o\"\n",
            "an empty code would match every code",
        ),
        (
            "[rules.severity]\nEVD01 = \"warning\"\n",
            "`EVD01` is not a code or code prefix",
        ),
    ] {
        let dir = repo(&[("annexa.toml", toml)]);
        for format in ["human", "json"] {
            let o = in_dir(dir.path(), &["check", "--no-cache", "--format", format]);
            assert_eq!(code(&o), 2, "{toml}: {}", stdout(&o));
            assert!(stdout(&o).contains(needle), "{toml}: {}", stdout(&o));
            assert!(stdout(&o).contains("CFG001"), "{toml}: {}", stdout(&o));
        }
        // Also when only one file is checked (pre-commit).
        std::fs::write(dir.path().join("x.yaml"), "a: 1\n").unwrap();
        let o = in_dir(dir.path(), &["check", "--no-cache", "x.yaml"]);
        assert_eq!(code(&o), 2, "{toml}: {}", stdout(&o));
    }
}

#[test]
fn an_unknown_template_name_is_a_rule_file_error_with_a_suggestion() {
    let dir = repo(&[
        ("annexa.toml", "[rules]\npaths = [\"rules\"]\n"),
        (
            "rules/org.yaml",
            "annexa-rules: v1\nrules:\n  - code: ORG001\n    title: t\n    severity: error\n    family: org\n    kinds: [evidence]\n    assert:\n      - present: owner\n    message: \"`{id}` collected {colected_on}\"\n    docs: x\n",
        ),
    ]);
    let o = in_dir(dir.path(), &["check", "--no-cache"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stdout(&o).contains("RULE001"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("did you mean `{collected_on}`?"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("[rules/org.yaml:10:"), "{}", stdout(&o));
}

#[test]
fn a_yaml_artifact_after_a_byte_order_mark_is_checked() {
    let dir = repo(&[(
        "controls/c.yaml",
        "\u{feff}annexa: v1\nkind: control\nid: C-1\ntitle: t\nowner: o\ncolour: red\n",
    )]);
    let o = in_dir(dir.path(), &["check", "--no-cache", "--format", "json"]);
    assert!(
        stdout(&o).contains("unknown field `colour`"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_unused_suppression_names_the_line_of_its_code_s_finding() {
    let dir = repo(&[(
        "evidence/e.yaml",
        "annexa: v1\nkind: evidence\nid: EV-1\ntitle: t\nowner: o\nsupports: []\ncollected_on: 2020-01-01\ncollected_by: o\nvalid_for: 1y  # annexa-ignore EVD001; reason: r; owner: o\nlocation: https://example.com/x\n",
    )]);
    let o = in_dir(dir.path(), &["check", "--no-cache", TODAY]);
    let out = stdout(&o);
    assert!(out.contains("SUP003"), "{out}");
    assert!(
        out.contains("a EVD001 finding is reported at line 7 of this file"),
        "{out}"
    );
}

#[test]
fn rules_and_catalog_json_say_which_annexa_and_which_edition() {
    let version = env!("CARGO_PKG_VERSION");
    let o = annexa(&[
        "rules",
        "--format",
        "json",
        "--root",
        &fixture("example-org"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["tool"],
        serde_json::json!({"name": "annexa", "version": version})
    );
    assert!(
        v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "SOA004")
    );

    let o = annexa(&[
        "catalog",
        "--format",
        "json",
        "--root",
        &fixture("example-org"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["tool"]["version"], version);
    let iso42001 = v["catalogs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["framework"] == "iso42001:2023")
        .unwrap();
    assert_eq!(iso42001["edition"], "2023");
    assert_eq!(iso42001["controls"], 38);

    let o = annexa(&["catalog", "iso27001:2022", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["version"].clone(), v["edition"].clone()),
        (1.into(), "2022".into())
    );
    assert_eq!(v["tool"]["name"], "annexa");
    assert!(v["amendments"].is_array() && v["requirements"].is_array());
}

#[test]
fn schema_prints_one_or_writes_them_with_their_references() {
    let o = annexa(&["schema", "control"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["properties"]["kind"]["const"], "control");
    let o = annexa(&["schema", "contrl"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("known: annexa, common, scope"),
        "{}",
        stderr(&o)
    );

    let dir = tempfile::tempdir().unwrap();
    let o = in_dir(dir.path(), &["schema", "risk", "-o", "one"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        common::files(&dir.path().join("one")),
        ["common.schema.json", "risk.schema.json"]
    );
    let o = in_dir(dir.path(), &["schema", "-o", "all"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = common::files(&dir.path().join("all"));
    assert!(all.contains(&"annexa.schema.json".to_string()), "{all:?}");
    assert!(
        all.contains(&"check-report.schema.json".to_string()),
        "{all:?}"
    );
    assert_eq!(all.len(), 14 + 5);
    // Byte for byte the files of schemas/.
    for file in &all {
        let published = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schemas")
                .join(file),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("all").join(file)).unwrap(),
            published
        );
    }
}
