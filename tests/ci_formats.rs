//! What CI shows, run against the real binary: a configuration or rule-file error is a
//! well-formed report in every format (SARIF, GitLab Code Quality and rdjson validated against
//! their schemas, JUnit against `junit-10.xsd`, Checkstyle read by diff_cover), and with
//! `annexa.toml` in a subfolder of a git checkout every CI format names files from the
//! checkout's root, while human and JSON output stay relative to annexa's root.

use std::path::Path;
use std::process::{Command, Output};

use common::repo;
use serde_json::Value;

mod common;

const FORMATS: [&str; 8] = [
    "human",
    "json",
    "sarif",
    "github",
    "junit",
    "gitlab",
    "checkstyle",
    "rdjson",
];

/// Run `annexa` in `dir` with a job summary file; returns the output and the summary.
fn run(dir: &Path, args: &[&str]) -> (Output, String) {
    let summary = tempfile::NamedTempFile::new().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .output()
        .expect("the binary runs");
    let text = std::fs::read_to_string(summary.path()).unwrap_or_default();
    (o, text)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What every format must show for a run stopped by `code` at `file:line:column`: exit code
/// 2, and the finding where the consumer of that format looks.
fn assert_stopped_run_is_reported(dir: &Path, code: &str, file: &str, line: u64, column: u64) {
    for format in FORMATS {
        let (o, summary) = run(dir, &["check", "--no-cache", "--format", format]);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(2), "{format}: {out}{}", stderr(&o));
        match format {
            // The human report stays on standard error for a configuration error.
            "human" => assert!(
                out.contains(code) || stderr(&o).contains(code),
                "{out}{}",
                stderr(&o)
            ),
            "json" => {
                let v: Value = serde_json::from_str(&out).expect("a JSON document");
                assert_eq!(v["complete"], false);
                let d = v["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|d| d["code"] == code)
                    .unwrap_or_else(|| panic!("{code} in {out}"));
                assert_eq!(d["about"], "tool");
                assert_eq!(d["file"], file);
                assert_eq!(d["start"]["line"], line);
                assert_eq!(d["start"]["column"], column);
            }
            "sarif" => {
                let log: Value = serde_json::from_str(&out).expect("a SARIF log");
                common::assert_valid_sarif(&log);
                let run = &log["runs"][0];
                assert_eq!(run["invocations"][0]["executionSuccessful"], false);
                let r = run["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["ruleId"] == code)
                    .unwrap_or_else(|| panic!("{code} in {out}"));
                let location = &r["locations"][0]["physicalLocation"];
                assert_eq!(location["artifactLocation"]["uri"], file);
                assert_eq!(location["region"]["startLine"], line);
                assert_eq!(location["region"]["startColumn"], column);
                assert_eq!(r["properties"]["about"], "tool");
            }
            "github" => {
                let prefix = format!("::error file={file},line={line},col={column},");
                assert!(out.lines().any(|l| l.starts_with(&prefix)), "{out}");
                assert!(out.contains("annexa: the check did not complete"), "{out}");
                assert!(summary.contains(code), "job summary: {summary}");
                assert!(summary.contains("tool finding"), "job summary: {summary}");
            }
            "junit" => {
                common::assert_valid_junit(&out);
                assert!(out.contains(&format!("<error type=\"{code}\"")), "{out}");
            }
            "gitlab" => {
                let v: Value = serde_json::from_str(&out).expect("a JSON document");
                common::assert_valid_gitlab(&v);
                let issue = v
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["check_name"] == code)
                    .unwrap_or_else(|| panic!("{code} in {out}"));
                assert_eq!(issue["location"]["path"], file);
                assert_eq!(issue["location"]["lines"]["begin"], line);
            }
            "checkstyle" => {
                common::assert_valid_checkstyle(&out);
                let at = format!(
                    "<file name=\"{file}\">\n    <error line=\"{line}\" column=\"{column}\""
                );
                assert!(out.contains(&at), "{out}");
                assert!(out.contains(&format!("source=\"annexa.{code}\"")), "{out}");
            }
            "rdjson" => {
                let v: Value = serde_json::from_str(&out).expect("a JSON document");
                common::assert_valid_rdjson(&v);
                let d = v["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|d| d["code"]["value"] == code)
                    .unwrap_or_else(|| panic!("{code} in {out}"));
                assert_eq!(d["location"]["path"], file);
                assert_eq!(d["location"]["range"]["start"]["line"], line);
                // Byte columns: the examples' lines before the column are ASCII.
                assert_eq!(d["location"]["range"]["start"]["column"], column);
                assert_eq!(d["severity"], "ERROR");
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn a_configuration_error_is_a_report_in_every_format() {
    // A rule parameter at the top level: it belongs under `[params]`.
    let dir = repo(&[("annexa.toml", "# settings\nwarn_within = \"60d\"\n")]);
    assert_stopped_run_is_reported(dir.path(), "CFG001", "annexa.toml", 2, 1);
    let (o, _) = run(dir.path(), &["check", "--no-cache", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["diagnostics"][0]["label"], "belongs under `[params]`",
        "{v}"
    );
    // The human report goes to standard error, as before.
    assert!(
        stderr(&o).contains("belongs under `[params]`"),
        "{}",
        stderr(&o)
    );

    // A near miss: a single edit, in the SARIF fixes too.
    let dir = repo(&[("annexa.toml", "[files]\nexclude = []\nexlcude = []\n")]);
    assert_stopped_run_is_reported(dir.path(), "CFG001", "annexa.toml", 3, 1);
    let (o, _) = run(dir.path(), &["check", "--no-cache", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r = &log["runs"][0]["results"][0];
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("did you mean `exclude`?"),
        "{r}"
    );
    assert_eq!(
        r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "exclude"
    );

    // `--output` gets the report too.
    let target = dir.path().join("annexa.sarif");
    let (o, _) = run(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "--format",
            "sarif",
            "-o",
            "annexa.sarif",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let log: Value = serde_json::from_str(&std::fs::read_to_string(target).unwrap()).unwrap();
    common::assert_valid_sarif(&log);
}

#[test]
fn a_rule_file_that_fails_to_load_is_a_report_in_every_format() {
    let dir = repo(&[
        ("annexa.toml", "[rules]\npaths = [\"rules\"]\n"),
        (
            "rules/org.yaml",
            "annexa-rules: v1\nrules:\n  - code: ORG001\n    title: t\n    severity: eror\n    \
             family: org\n    kinds: [evidence]\n    assert:\n      - present: owner\n    \
             message: \"`{id}` has no owner\"\n    docs: x\n",
        ),
    ]);
    assert_stopped_run_is_reported(dir.path(), "RULE001", "rules/org.yaml", 5, 15);
}

/// `fixtures/example-org` in `compliance/` of a git checkout, with a misspelt field.
fn monorepo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    let git = Command::new("git")
        .args(["init", "--quiet"])
        .current_dir(top)
        .status();
    if !git.is_ok_and(|s| s.success()) {
        // What annexa looks for is the `.git` entry.
        std::fs::create_dir(top.join(".git")).unwrap();
    }
    let root = top.join("compliance");
    common::copy_dir(&common::fixture("example-org"), &root);
    for (file, from, to) in TYPOS {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let typo = text.replacen(from, to, 1);
        assert_ne!(text, typo, "{file}");
        std::fs::write(&path, typo).unwrap();
    }
    dir
}

/// Misspellings put into the copy: (file, what is right, what is written).
const TYPOS: [(&str, &str, &str); 3] = [
    // A field name (SCH002).
    (
        "evidence/infrastructure.yaml",
        "collected_by:",
        "colected_by:",
    ),
    // A value of a closed list, in Markdown front matter (SCH004).
    (
        "impact-assessments/reply-assist.md",
        "status: approved",
        "status: aproved",
    ),
    // A management review input (SCH004, in a list).
    (
        "reviews/mr-2026.yaml",
        "  - audit-results",
        "  - audit-result",
    ),
];

#[test]
fn near_misses_of_names_and_closed_lists_are_single_edits() {
    let dir = monorepo();
    let root = dir.path().join("compliance");
    let (o, _) = run(
        &root,
        &[
            "check",
            "--today=2026-11-22",
            "--no-cache",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    for (file, right, wrong) in TYPOS {
        let d = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["file"] == file && !d["suggestion"].is_null())
            .unwrap_or_else(|| panic!("a suggestion in {file}: {v}"));
        assert!(
            d["label"].as_str().unwrap().starts_with("did you mean `"),
            "{d}"
        );
        // Applying the edit gives back what was right.
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let s = &d["suggestion"];
        let (start, end) = (
            s["start"]["offset"].as_u64().unwrap() as usize,
            s["end"]["offset"].as_u64().unwrap() as usize,
        );
        let mut fixed = text.clone();
        fixed.replace_range(start..end, s["replacement"].as_str().unwrap());
        assert_eq!(fixed, text.replacen(wrong, right, 1), "{file}");
    }
}

#[test]
fn ci_formats_name_files_from_the_checkout_root() {
    let dir = monorepo();
    let top = dir.path();
    let check = |cwd: &Path, target: &str, format: &str| {
        run(
            cwd,
            &[
                "check",
                target,
                "--today=2026-11-22",
                "--no-cache",
                "--format",
                format,
            ],
        )
    };
    // From the top of the checkout and from inside the folder: the same paths.
    for (cwd, target) in [
        (top.to_path_buf(), "compliance"),
        (top.join("compliance"), "."),
    ] {
        let (o, summary) = check(&cwd, target, "github");
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
        let files: Vec<&str> = out
            .lines()
            .filter_map(|l| l.split("file=").nth(1))
            .filter_map(|rest| rest.split(',').next())
            .collect();
        assert!(!files.is_empty(), "{out}");
        assert!(
            files.iter().all(|f| f.starts_with("compliance/")),
            "{files:?}"
        );
        // The suggestion travels with the annotation and the job summary.
        assert!(
            out.contains("file=compliance/evidence/infrastructure.yaml")
                && out.contains("did you mean `collected_by`?"),
            "{out}"
        );
        assert!(
            summary.contains("| compliance/evidence/infrastructure.yaml:"),
            "{summary}"
        );
        assert!(
            summary.contains("did you mean `collected_by`?"),
            "{summary}"
        );

        let (o, _) = check(&cwd, target, "sarif");
        let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
        common::assert_valid_sarif(&log);
        let results = log["runs"][0]["results"].as_array().unwrap();
        for r in results {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(uri.starts_with("compliance/"), "{uri}");
        }
        let typo = results.iter().find(|r| r["ruleId"] == "SCH002").unwrap();
        let change = &typo["fixes"][0]["artifactChanges"][0];
        assert_eq!(
            change["artifactLocation"]["uri"],
            "compliance/evidence/infrastructure.yaml"
        );
        assert_eq!(
            change["replacements"][0]["insertedContent"]["text"],
            "collected_by"
        );
        assert!(
            typo["message"]["text"]
                .as_str()
                .unwrap()
                .contains("did you mean `collected_by`?")
        );

        let (o, _) = check(&cwd, target, "junit");
        let junit = stdout(&o);
        common::assert_valid_junit(&junit);
        assert!(
            junit.contains("<testsuite name=\"compliance/evidence/infrastructure.yaml\""),
            "{junit}"
        );
        assert!(!junit.contains("name=\"evidence/"), "{junit}");

        let (o, _) = check(&cwd, target, "gitlab");
        let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
        common::assert_valid_gitlab(&report);
        let issues = report.as_array().unwrap();
        assert!(!issues.is_empty());
        for i in issues {
            let path = i["location"]["path"].as_str().unwrap();
            assert!(path.starts_with("compliance/"), "{path}");
        }
        assert!(issues.iter().any(|i| {
            i["location"]["path"] == "compliance/evidence/infrastructure.yaml"
                && i["description"]
                    .as_str()
                    .unwrap()
                    .contains("did you mean `collected_by`?")
        }));

        let (o, _) = check(&cwd, target, "checkstyle");
        let xml = stdout(&o);
        common::assert_valid_checkstyle(&xml);
        assert!(
            xml.contains("<file name=\"compliance/evidence/infrastructure.yaml\">"),
            "{xml}"
        );
        assert!(!xml.contains("<file name=\"evidence/"), "{xml}");
        checkstyle_is_read_by_diff_cover(top, &xml);

        let (o, _) = check(&cwd, target, "rdjson");
        let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
        common::assert_valid_rdjson(&doc);
        let diagnostics = doc["diagnostics"].as_array().unwrap();
        for d in diagnostics {
            let path = d["location"]["path"].as_str().unwrap();
            assert!(path.starts_with("compliance/"), "{path}");
            for r in d["related_locations"].as_array().into_iter().flatten() {
                let path = r["location"]["path"].as_str().unwrap();
                assert!(path.starts_with("compliance/"), "{path}");
            }
        }
        let typo = diagnostics
            .iter()
            .find(|d| d["code"]["value"] == "SCH002")
            .unwrap();
        assert_eq!(typo["suggestions"][0]["text"], "collected_by");
        assert_eq!(
            typo["location"]["path"],
            "compliance/evidence/infrastructure.yaml"
        );

        // JSON and human output stay relative to annexa's root.
        let (o, _) = check(&cwd, target, "json");
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let files: Vec<&str> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["file"].as_str())
            .collect();
        assert!(files.contains(&"evidence/infrastructure.yaml"), "{files:?}");
        let (o, _) = check(&cwd, target, "human");
        assert!(
            stdout(&o).contains("[evidence/infrastructure.yaml:"),
            "{}",
            stdout(&o)
        );
    }
}

/// diff_cover's Checkstyle reader (PyPI's `diff_cover`, whose `diff-quality` reads Checkstyle
/// reports to comment on the lines a diff changed), a real consumer: run in the checkout, it
/// must read every violation of the report, at files that exist there. Its Python is
/// `$ANNEXA_XMLSCHEMA_PYTHON` (set by `.ci/run`) or `python3`; without diff_cover the check is
/// skipped with a note, unless `ANNEXA_REQUIRE_DIFF_COVER` is set, as in CI.
fn checkstyle_is_read_by_diff_cover(top: &Path, xml: &str) {
    let Some(python) = common::python_with("diff_cover", "ANNEXA_REQUIRE_DIFF_COVER") else {
        eprintln!(
            "note: Python's diff_cover is not installed: Checkstyle checked without a consumer"
        );
        return;
    };
    let report = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(report.path(), xml).unwrap();
    const READ: &str = "import json, sys\n\
        from diff_cover.git_path import GitPathTool\n\
        from diff_cover.violationsreporters.java_violations_reporter import CheckstyleXmlDriver\n\
        GitPathTool.set_cwd(None)\n\
        found = CheckstyleXmlDriver().parse_reports([open(sys.argv[1]).read()])\n\
        print(json.dumps({path: len(v) for path, v in found.items()}))\n";
    let out = common::succeed(
        Command::new(&python)
            .args(["-c", READ])
            .arg(report.path())
            .current_dir(top),
    );
    let found: Value = serde_json::from_str(&out).unwrap();
    let doc = roxmltree::Document::parse(xml).unwrap();
    let mut files = 0;
    for file in doc.root_element().children().filter(|n| n.is_element()) {
        let name = file.attribute("name").unwrap();
        let errors = file.children().filter(|n| n.is_element()).count();
        assert_eq!(found[name], errors, "diff_cover read {found} from:\n{xml}");
        assert!(
            top.join(name).is_file(),
            "`{name}` is a file of the checkout"
        );
        files += 1;
    }
    assert_eq!(found.as_object().unwrap().len(), files, "{found}");
}
