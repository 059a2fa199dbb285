//! Helpers shared by integration tests (`mod common;` in each test file that needs them;
//! each uses a part).
#![allow(dead_code)]

pub mod lsp;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Copy a directory tree, leaving out result caches (`.annexa-cache/`) left by earlier runs.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".annexa-cache" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary repository holding the given files, with an empty `annexa.toml` unless one
/// is given.
pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    if !files.iter().any(|(p, _)| *p == "annexa.toml") {
        std::fs::write(dir.path().join("annexa.toml"), "").unwrap();
    }
    dir
}

/// Every file under `root`, repository-relative with `/`, sorted.
pub fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// A temporary copy of `fixtures/NAME`, at a canonical path (so file URIs match).
pub fn fixture_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name),
        &root,
    );
    (dir, root)
}

use annexa::diagnostic::Diagnostic;
use annexa::engine::{self, Options};
use annexa::render::{self, HumanOptions, RenderContext};

/// The date fixtures are checked at.
pub const TODAY: &str = "2026-11-22";

/// `fixtures/NAME` in the source tree.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Check the repository at `root` as of [`TODAY`].
pub fn check(root: &Path) -> engine::Outcome {
    let mut options = Options::new(root.to_path_buf());
    options.today = TODAY.parse().unwrap();
    engine::run(&options).expect("fixture configuration is valid")
}

/// Check `fixtures/NAME` as of [`TODAY`].
pub fn run(name: &str) -> engine::Outcome {
    check(&fixture(name))
}

/// The human (no colour, width 100), JSON and SARIF renderings of a run.
pub fn outputs(o: &engine::Outcome) -> (String, String, String) {
    let ctx = RenderContext::new(&o.sources, &o.registry, "0.0.0-test")
        .with_root_file(o.config_file.as_deref());
    let human = render::human(
        &o.diagnostics,
        &ctx,
        HumanOptions {
            color: false,
            width: 100,
        },
    );
    let json = render::json(&o.diagnostics, &ctx);
    let sarif = render::sarif(&o.diagnostics, &ctx);
    (human, json, sarif)
}

/// The 1-based line of a located finding.
pub fn line(o: &engine::Outcome, d: &Diagnostic) -> usize {
    let l = d.location.as_ref().expect("located");
    o.sources.get(&l.file).unwrap().line_col(l.span.start).line
}

/// (code, file, line) of every finding, in report order; repository-level findings have
/// file "" and line 0.
pub fn found(o: &engine::Outcome) -> Vec<(String, String, usize)> {
    o.diagnostics
        .iter()
        .map(|d| match d.file() {
            Some(file) => (d.code.clone(), file.to_string(), line(o, d)),
            None => (d.code.clone(), String::new(), 0),
        })
        .collect()
}

/// Check a JUnit XML report: well-formed, with counts that add up (parsed here), and valid
/// against the Jenkins `junit-10.xsd` schema in `tests/data` — with Python's `xmlschema`,
/// from `$ANNEXA_XMLSCHEMA_PYTHON` (which `.ci/run` sets up) or `python3`. Without it the
/// schema check is skipped with a note, unless `ANNEXA_REQUIRE_XMLSCHEMA` is set, as in CI.
pub fn assert_valid_junit(xml: &str) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let count = |n: roxmltree::Node<'_, '_>, name: &str| -> usize {
        n.attribute(name)
            .unwrap_or_else(|| panic!("`{name}` on <{}>", n.tag_name().name()))
            .parse()
            .unwrap()
    };
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for suite in root.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        assert!(suite.attribute("name").is_some());
        let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        let with = |child: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|k| k.tag_name().name() == child))
                .count()
        };
        assert_eq!(count(suite, "tests"), cases.len());
        assert_eq!(count(suite, "failures"), with("failure"));
        assert_eq!(count(suite, "errors"), with("error"));
        for case in &cases {
            assert_eq!(case.tag_name().name(), "testcase");
            assert!(case.attribute("name").is_some_and(|n| !n.is_empty()));
            assert!(case.attribute("classname").is_some());
        }
        tests += cases.len();
        failures += with("failure");
        errors += with("error");
    }
    assert_eq!(
        (
            count(root, "tests"),
            count(root, "failures"),
            count(root, "errors")
        ),
        (tests, failures, errors)
    );

    let Some(python) = python_with("xmlschema", "ANNEXA_REQUIRE_XMLSCHEMA") else {
        eprintln!("note: Python's xmlschema is not installed: JUnit checked without its schema");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.xml");
    std::fs::write(&report, xml).unwrap();
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/junit-10.xsd");
    let out = std::process::Command::new(&python)
        .args([
            "-c",
            "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
        ])
        .arg(&xsd)
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JUnit report is not valid against junit-10.xsd:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Python the tests run consumers with — `$ANNEXA_XMLSCHEMA_PYTHON` (the venv `.ci/run`
/// sets up), else `python3` — if it can import `module`. Without it: None, so the caller skips
/// its check with a note, unless the environment variable `require` is set, as in CI (then the
/// test fails).
pub fn python_with(module: &str, require: &str) -> Option<String> {
    importing("ANNEXA_XMLSCHEMA_PYTHON", module, require)
}

/// The interpreter named by the environment variable `python_var` (else `python3`), if it can
/// import `module`; when it cannot and `require` is set, the test fails.
fn importing(python_var: &str, module: &str, require: &str) -> Option<String> {
    let python = std::env::var(python_var).unwrap_or_else(|_| "python3".into());
    let has = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has || std::env::var_os(require).is_none(),
        "`{python}` cannot import {module}, and {require} is set"
    );
    has.then_some(python)
}

/// Check a SARIF log against the OASIS SARIF 2.1.0 schema in `tests/data` (draft-04; the
/// `uri` and `uri-reference` formats are checked too).
pub fn assert_valid_sarif(log: &serde_json::Value) {
    assert_valid_json("sarif-schema-2.1.0.json", jsonschema::Draft::Draft4, log);
}

/// Check a GitLab Code Quality report against the schema in `tests/data` (transcribed from
/// GitLab's documentation of the format; see `tests/data/README.md`).
pub fn assert_valid_gitlab(report: &serde_json::Value) {
    assert_valid_json(
        "gitlab-codequality.schema.json",
        jsonschema::Draft::Draft202012,
        report,
    );
}

/// Check an rdjson document against reviewdog's `DiagnosticResult` JSON Schema in
/// `tests/data`. The schema requires little (every field is optional), so the fields annexa
/// always writes are checked as well: a message, a path, a severity reviewdog knows, a range
/// that starts at a line.
pub fn assert_valid_rdjson(doc: &serde_json::Value) {
    assert_valid_json(
        "rdjson-DiagnosticResult.json",
        jsonschema::Draft::Draft4,
        doc,
    );
    assert_eq!(doc["source"]["name"], "annexa", "{doc}");
    for d in doc["diagnostics"].as_array().expect("diagnostics") {
        assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "{d}");
        assert!(
            d["location"]["path"]
                .as_str()
                .is_some_and(|p| !p.is_empty()),
            "{d}"
        );
        assert!(
            d["location"]["range"]["start"]["line"]
                .as_u64()
                .is_some_and(|l| l >= 1),
            "{d}"
        );
        assert!(
            ["ERROR", "WARNING", "INFO"].contains(&d["severity"].as_str().unwrap()),
            "{d}"
        );
        assert!(d["code"]["value"].as_str().is_some(), "{d}");
    }
}

/// Check a Checkstyle report's structure: `<checkstyle>` holding `<file name>`s holding
/// `<error>`s with a line, a severity Checkstyle knows, a message and a source. (Checkstyle
/// publishes no schema; `tests/ci_formats.rs` also runs a real consumer on the report.)
pub fn assert_valid_checkstyle(xml: &str) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    assert!(root.attribute("version").is_some());
    for file in root.children().filter(|n| n.is_element()) {
        assert_eq!(file.tag_name().name(), "file");
        assert!(
            file.attribute("name").is_some_and(|n| !n.is_empty()),
            "{xml}"
        );
        for error in file.children().filter(|n| n.is_element()) {
            assert_eq!(error.tag_name().name(), "error");
            let line: usize = error.attribute("line").unwrap().parse().unwrap();
            assert!(line >= 1);
            if let Some(column) = error.attribute("column") {
                assert!(column.parse::<usize>().unwrap() >= 1);
            }
            assert!(["error", "warning", "info"].contains(&error.attribute("severity").unwrap()));
            assert!(error.attribute("message").is_some_and(|m| !m.is_empty()));
            assert!(
                error
                    .attribute("source")
                    .is_some_and(|s| s.starts_with("annexa."))
            );
        }
    }
}

/// Validate `value` against a JSON Schema kept in `tests/data` (formats checked too), failing
/// with every error and where it is.
pub fn assert_valid_json(schema_file: &str, draft: jsonschema::Draft, value: &serde_json::Value) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(schema_file),
    )
    .expect("schema copy in tests/data");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_matches_schema(&schema, draft, value, schema_file);
}

/// Validate `value` against `schema` (named `name` in the failure), formats checked too.
pub fn assert_matches_schema(
    schema: &serde_json::Value,
    draft: jsonschema::Draft,
    value: &serde_json::Value,
    name: &str,
) {
    let validator = jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("{name} compiles offline: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid against {name}:\n{}",
        errors.join("\n")
    );
}

/// Runs a command that must succeed (else the test fails with its stderr); its stdout.
pub fn succeed(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Run the annexa binary with `args`.
pub fn annexa(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `annexa COMMAND… REPO --today TODAY MORE…`: its standard output; exit code 0 required.
pub fn annexa_ok(command: &[&str], repo: &Path, more: &[&OsStr]) -> Vec<u8> {
    let mut args: Vec<&OsStr> = command.iter().map(OsStr::new).collect();
    args.extend([repo.as_os_str(), OsStr::new("--today"), OsStr::new(TODAY)]);
    args.extend(more);
    let o = annexa(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}: {}",
        repo.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// Every fixture's name, sorted.
pub fn fixture_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Run a Python 3 script that reads files with openpyxl (the files given as arguments) and
/// return what it prints. Fails, saying what to install, when openpyxl is missing.
pub fn python(script: &str, args: &[&Path]) -> String {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "these tests read spreadsheets back with Python's openpyxl: install it with `pip install openpyxl`"
        ),
    }
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "the Python reader failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 from python")
}

/// Every element of an HTML page that needs a closing tag is closed, in order.
pub fn assert_balanced(html: &str) {
    const VOID: [&str; 4] = ["meta", "br", "hr", "!doctype"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    // Skip the stylesheet, whose text is not markup.
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').expect("every tag ends");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect::<String>()
            .to_ascii_lowercase();
        if VOID.contains(&name.as_str()) {
            continue;
        }
        if let Some(closing) = tag.strip_prefix('/') {
            let closing = closing.trim().to_ascii_lowercase();
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("`</{closing}>` closes nothing"));
            assert_eq!(open, closing, "`<{open}>` closed by `</{closing}>`");
        } else {
            stack.push(name.clone());
            if name == "style" {
                let close = rest.find("</style>").expect("the stylesheet ends");
                rest = &rest[close..];
            }
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

/// A page that loads nothing: no URLs, scripts or external resources.
pub fn assert_self_contained(html: &str) {
    for banned in [
        "http://", "https://", "<script", "<link", "<img", "@import", "url(",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
}

/// One framework of `annexa coverage --format json` output, by id.
pub fn framework<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("framework {id}"))
}

/// Run a Python 3 script that needs the package `module` (the files given as arguments) and
/// return what it prints, with the interpreter from `$ANNEXA_<NAME>_PYTHON` (which `.ci/run`
/// sets up) or `python3`. `None`, with a note, when the package is not installed, unless
/// `ANNEXA_REQUIRE_<NAME>` is set, as in CI: then the test fails.
pub fn python_package(name: &str, module: &str, script: &str, args: &[&Path]) -> Option<String> {
    let require = format!("ANNEXA_REQUIRE_{name}");
    let Some(python) = importing(&format!("ANNEXA_{name}_PYTHON"), module, &require) else {
        eprintln!("note: Python's {module} is not installed: skipped the check with it");
        return None;
    };
    let o = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        o.status.success(),
        "the Python reader ({module}) failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some(String::from_utf8(o.stdout).expect("UTF-8 from python"))
}

/// The lines of the ```json blocks of a document under the crate (`docs/oscal.md`), trimmed
/// and without a final comma, to be found in real output.
pub fn json_excerpt_lines(doc: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap();
    let mut out = Vec::new();
    let mut in_json = false;
    for line in text.lines() {
        match line {
            "```json" => in_json = true,
            l if l.starts_with("```") => in_json = false,
            l if in_json => out.push(l.trim().trim_end_matches(',').to_string()),
            _ => {}
        }
    }
    out
}
