//! `annexa check`, `annexa coverage` and `annexa lsp` read one repository the same way.
//!
//! On every fixture repository (each directory of `fixtures/` with an `annexa.toml` or a
//! `.git`), as of 2026-11-22, through the real binary:
//!
//! - the Annex A controls `coverage --format json` marks `missing` are exactly the controls
//!   `check` reports as `SOA001` (same set, so the same count per framework);
//! - the evidence `coverage` marks `stale` is exactly the evidence `check` reports as `EVD001`,
//!   and `expiring` exactly `EVD002`;
//! - the language server, with a file opened unchanged, publishes for it exactly the findings
//!   `check` reports in that file (same codes, lines, severities and messages).
//!
//! Where the two definitions legitimately differ, the comparison is restricted and the reason
//! is written next to the restriction:
//!
//! - **No SoA at all.** `check` reports `SOA010` once instead of one `SOA001` per control
//!   (one defect, one finding); coverage then marks every control of the framework missing.
//! - **Configuration.** `coverage` is a report, not a verdict: `[rules] disable`, severity
//!   `off`, `[[overrides]]`, `[[suppress]]` and inline `annexa-ignore` comments silence findings
//!   of `check` but change nothing in the coverage. A code silenced in a fixture is not compared
//!   there (the broken-kinds, broken-schema and broken-syntax fixtures disable SOA and EVD).
//! - **Frameworks without a catalog** (`SCO001`) have no Annex A list: coverage lists them with
//!   `"catalog": false` and `check` reports no `SOA001` for them.
//! - **Evidence that supports no existing control.** Coverage lists evidence under the
//!   organisation controls its `supports` names; evidence naming only controls that do not
//!   exist is in no list, yet `check` still judges its age. Such an `EVD001`/`EVD002` is allowed
//!   only when `check` also reports the dangling reference (`REF002`) or a schema finding on
//!   that evidence.
//! - **History of recurring controls.** Coverage lists every record under its controls with its
//!   own age; `check` does not judge the age of a record whose supported controls all declare a
//!   `recurrence` and each have a later record (it is the history `EVD007` needs, not stale
//!   evidence). Such a record may be `stale` or `expiring` in coverage without a finding; the
//!   test finds them from the artifacts themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

mod common;

use common::files;

use common::lsp::{Server, uri};

const TODAY: &str = common::TODAY;

/// Every fixture repository: the directories of `fixtures/` that hold `annexa.toml` or `.git`.
fn fixture_repositories() -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("annexa.toml").is_file() || p.join(".git").exists())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    assert!(
        out.iter().any(|(n, _)| n == "example-org") && out.iter().any(|(n, _)| n == "broken-packs"),
        "{out:?}"
    );
    out
}

/// Run the binary and parse its standard output as JSON (exit code 0 or 1: findings are
/// not a failure here; 2 is).
fn annexa_json(args: &[&str], root: &Path) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .arg(root)
        .output()
        .expect("the binary runs");
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "annexa {args:?} {}: {:?}\n{}",
        root.display(),
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "annexa {args:?} {}: not JSON ({e}):\n{}",
            root.display(),
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

/// The findings of `annexa check --format json` (without the cache, which would be written
/// into the source tree).
fn check(root: &Path) -> Vec<Value> {
    let v = annexa_json(
        &["check", "--today", TODAY, "--no-cache", "--format", "json"],
        root,
    );
    v["diagnostics"].as_array().unwrap().clone()
}

fn coverage(root: &Path) -> Value {
    annexa_json(&["coverage", "--today", TODAY, "--format", "json"], root)
}

/// One fixture's `check` findings and `coverage`, computed once for the tests that compare
/// them.
struct Run {
    name: String,
    root: PathBuf,
    findings: Vec<Value>,
    coverage: Value,
}

fn fixture_runs() -> &'static [Run] {
    static RUNS: std::sync::OnceLock<Vec<Run>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| {
        fixture_repositories()
            .into_iter()
            .map(|(name, root)| Run {
                findings: check(&root),
                coverage: coverage(&root),
                name,
                root,
            })
            .collect()
    })
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// Why findings of `code` may be missing from `check` in this repository although the
/// coverage shows their cause, if anything in its configuration or files silences them.
fn silenced(root: &Path, code: &str) -> Option<String> {
    let config = annexa::config::load(root)
        .expect("valid annexa.toml")
        .config;
    let (extensions, _) = annexa::engine::extensions(root).expect("valid extensions");
    let names = |list: &[String]| list.iter().any(|p| code.starts_with(p.as_str()));
    let off = |m: &BTreeMap<String, annexa::config::SeverityName>| {
        m.iter()
            .any(|(p, s)| code.starts_with(p.as_str()) && *s == annexa::config::SeverityName::Off)
    };
    if annexa::adjust::Adjuster::new(&config, &extensions.registry).disabled_everywhere(code)
        || names(&config.rules.disable)
        || off(&config.rules.severity)
    {
        return Some(format!("{code} is disabled in annexa.toml"));
    }
    if config
        .overrides
        .iter()
        .any(|o| names(&o.disable) || off(&o.severity))
    {
        return Some(format!("{code} is disabled for some paths ([[overrides]])"));
    }
    if config
        .suppress
        .iter()
        .any(|s| code.starts_with(s.get_ref().code.as_str()))
    {
        return Some(format!(
            "{code} is suppressed in annexa.toml ([[suppress]])"
        ));
    }
    for rel in files(root) {
        let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
            continue;
        };
        for line in text.lines() {
            let Some((_, rest)) = line.split_once("annexa-ignore") else {
                continue;
            };
            let codes = rest.split(';').next().unwrap_or_default();
            if codes
                .split([',', ' ', '\t'])
                .map(|c| c.trim_end_matches("-->"))
                .any(|c| !c.is_empty() && code.starts_with(c))
            {
                return Some(format!("{code} has an inline suppression in {rel}"));
            }
        }
    }
    None
}

/// The frameworks of the coverage that have a catalog, by id.
fn catalogued(cov: &Value) -> Vec<&Value> {
    cov["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["catalog"] == true)
        .collect()
}

/// The Annex A controls coverage marks `missing`, as `framework/id`.
fn missing_controls(framework: &Value) -> BTreeSet<String> {
    framework["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["groups"].as_array().unwrap())
        .flat_map(|g| g["requirements"].as_array().unwrap())
        .filter(|r| r["soa"]["applicability"] == "missing")
        .map(|r| str_of(r, "reference").to_string())
        .collect()
}

/// The control a `SOA001` finding names: the first `` `framework/id` `` of its message.
fn soa001_control(d: &Value) -> String {
    let message = str_of(d, "message");
    let control = message
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("SOA001 message names no control: {message}"));
    assert!(control.contains(":") && control.contains('/'), "{message}");
    control.to_string()
}

fn framework_of(reference: &str) -> &str {
    reference.rsplit_once('/').map_or(reference, |(f, _)| f)
}

#[test]
fn missing_annex_a_controls_are_the_soa001_findings() {
    let mut compared = 0;
    for Run {
        name,
        root,
        findings,
        coverage: cov,
    } in fixture_runs()
    {
        if let Some(why) = silenced(root, "SOA001") {
            eprintln!("{name}: SOA001 not compared: {why}");
            continue;
        }
        let soa001: Vec<String> = findings
            .iter()
            .filter(|d| d["code"] == "SOA001")
            .map(soa001_control)
            .collect();
        let frameworks = catalogued(cov);
        if findings.iter().any(|d| d["code"] == "SOA010") {
            // No SoA at all: one SOA010 instead of a SOA001 per control, and coverage marks
            // every control of every framework missing.
            assert!(
                soa001.is_empty(),
                "{name}: SOA001 beside SOA010: {soa001:?}"
            );
            for f in &frameworks {
                let t = &f["totals"]["controls"];
                assert_eq!(t["missing"], t["total"], "{name}: {}", f["id"]);
            }
            compared += 1;
            continue;
        }
        let reported: BTreeSet<String> = soa001.iter().cloned().collect();
        assert_eq!(
            reported.len(),
            soa001.len(),
            "{name}: a control reported twice"
        );
        let mut listed = BTreeSet::new();
        for f in &frameworks {
            let id = str_of(f, "id");
            let missing = missing_controls(f);
            let count = soa001.iter().filter(|c| framework_of(c) == id).count();
            assert_eq!(
                f["totals"]["controls"]["missing"].as_u64().unwrap() as usize,
                count,
                "{name}: {id}: coverage `missing` vs SOA001 findings"
            );
            assert_eq!(missing.len(), count, "{name}: {id}: listed vs totals");
            listed.extend(missing);
        }
        assert_eq!(listed, reported, "{name}: coverage `missing` vs SOA001");
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} fixtures compared");
}

/// The evidence records that later records of the recurring controls they support have
/// superseded: every control a record supports declares a `recurrence` and has a record
/// collected after it.
fn history(root: &Path) -> BTreeSet<String> {
    let o = common::check(root);
    let recurring: BTreeSet<&str> = o
        .artifacts
        .iter()
        .filter(|a| a.kind.name() == "control" && a.value.get("recurrence").is_some())
        .filter_map(|a| a.id.as_deref())
        .collect();
    let records: Vec<(&str, Vec<&str>, &str)> = o
        .artifacts
        .iter()
        .filter(|a| a.kind.name() == "evidence")
        .filter_map(|a| {
            let supports = a.value["supports"]
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            Some((
                a.id.as_deref()?,
                supports,
                a.value["collected_on"].as_str()?,
            ))
        })
        .collect();
    records
        .iter()
        .filter(|(id, supports, on)| {
            !supports.is_empty()
                && supports.iter().all(|c| {
                    recurring.contains(c)
                        && records
                            .iter()
                            .any(|(other, s, later)| other != id && s.contains(c) && later > on)
                })
        })
        .map(|(id, _, _)| id.to_string())
        .collect()
}

/// The evidence ids coverage lists under some control, by freshness.
fn evidence_by_freshness(cov: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in cov["controls"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            out.entry(str_of(e, "freshness").to_string())
                .or_default()
                .insert(str_of(e, "id").to_string());
        }
    }
    out
}

#[test]
fn stale_and_expiring_evidence_are_the_evd001_and_evd002_findings() {
    let mut nonempty = BTreeSet::new();
    for Run {
        name,
        root,
        findings,
        coverage: cov,
    } in fixture_runs()
    {
        let mut by_freshness = evidence_by_freshness(cov);
        let history = history(root);
        for ids in by_freshness.values_mut() {
            ids.retain(|id| !history.contains(id));
        }
        let listed: BTreeSet<&String> = by_freshness.values().flatten().collect();
        for (code, freshness) in [("EVD001", "stale"), ("EVD002", "expiring")] {
            if let Some(why) = silenced(root, code) {
                eprintln!("{name}: {code} not compared: {why}");
                continue;
            }
            let marked = by_freshness.get(freshness).cloned().unwrap_or_default();
            let mut reported = BTreeSet::new();
            for d in findings.iter().filter(|d| d["code"] == code) {
                let id = str_of(d, "artifact").to_string();
                if listed.contains(&id) {
                    reported.insert(id);
                    continue;
                }
                // Evidence in no coverage list: it must support no existing control.
                let explained = findings.iter().any(|x| {
                    x["artifact"] == id.as_str()
                        && (x["code"] == "REF002" || str_of(x, "code").starts_with("SCH"))
                });
                assert!(
                    explained,
                    "{name}: {code} on `{id}`, which coverage does not list, without a REF002 \
                     or schema finding"
                );
            }
            assert_eq!(
                marked, reported,
                "{name}: coverage `{freshness}` evidence vs {code} findings"
            );
            if !marked.is_empty() {
                nonempty.insert(code);
            }
        }
    }
    assert_eq!(
        nonempty.len(),
        2,
        "no fixture has both stale and expiring evidence: the test compares empty sets"
    );
}

// ---------------------------------------------------------------------------------------
// The language server

/// (code, 1-based line, severity, message) of a finding of `check --format json`; a finding
/// about the whole repository has line 1 (the language server shows it at the start of
/// `annexa.toml`).
fn from_check(d: &Value) -> (String, u64, String, String) {
    (
        str_of(d, "code").to_string(),
        d["start"]["line"].as_u64().unwrap_or(1),
        str_of(d, "severity").to_string(),
        str_of(d, "message").to_string(),
    )
}

/// The same of a published LSP diagnostic: its first message line is the finding's message.
fn from_lsp(d: &Value) -> (String, u64, String, String) {
    let severity = match d["severity"].as_u64() {
        Some(1) => "error",
        Some(2) => "warning",
        Some(3) => "note",
        other => panic!("severity {other:?} in {d}"),
    };
    (
        str_of(d, "code").to_string(),
        d["range"]["start"]["line"].as_u64().unwrap() + 1,
        severity.to_string(),
        str_of(d, "message")
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    )
}

/// Open each file alone, unchanged, and compare what the server publishes for it with what
/// `check` reports in it: every file with findings, one artifact file without any, and
/// `annexa.toml`, which also shows the findings about the repository as a whole.
fn lsp_agrees_with_check(fixture: &str, root: &Path) -> usize {
    let findings = check(root);
    let mut by_file: BTreeMap<String, Vec<(String, u64, String, String)>> = BTreeMap::new();
    for d in &findings {
        let file = d["file"].as_str().unwrap_or("annexa.toml");
        by_file
            .entry(file.to_string())
            .or_default()
            .push(from_check(d));
    }
    by_file.entry("annexa.toml".into()).or_default();
    let clean = files(root).into_iter().find(|f| {
        (f.ends_with(".yaml") || f.ends_with(".md"))
            && !by_file.contains_key(f)
            && std::fs::read_to_string(root.join(f)).is_ok_and(|t| t.contains("annexa: v1"))
    });
    if let Some(clean) = clean {
        by_file.insert(clean, Vec::new());
    }

    let mut server = Server::start();
    server.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(root), "capabilities": {}}),
    );
    server.notify("initialized", json!({}));
    let mut opened = 0;
    for (file, mut expected) in by_file {
        let path = root.join(&file);
        let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap()) else {
            // Not text (FILE002): an editor cannot send it unchanged as a text document.
            continue;
        };
        let doc = uri(&path);
        let language = match path.extension().and_then(|e| e.to_str()) {
            Some("md") => "markdown",
            Some("toml") => "toml",
            _ => "yaml",
        };
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": doc, "languageId": language, "version": 1, "text": text}}),
        );
        let mut published: Vec<_> = server
            .diagnostics(&doc, |_| true)
            .iter()
            .map(from_lsp)
            .collect();
        published.sort();
        expected.sort();
        assert_eq!(published, expected, "{fixture}/{file}: lsp vs check");
        server.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": doc}}),
        );
        server.diagnostics(&doc, <[Value]>::is_empty);
        opened += 1;
    }
    assert_eq!(server.stop(), 0);
    opened
}

/// The date is given on the command line (`annexa lsp --today`), as `check --today`.
#[test]
fn lsp_publishes_what_check_reports_in_every_fixture() {
    for (name, _) in fixture_repositories() {
        let (_dir, root) = common::fixture_copy(&name);
        let opened = lsp_agrees_with_check(&name, &root);
        eprintln!("{name}: {opened} documents opened");
    }
}

/// Text a fixture does not have: lines ended by a lone `\r` (which YAML, Markdown and the
/// protocol count as line breaks; `check` used to count only `\n`, and so reported every
/// finding of such a file on line 1), a mix of line ends, and a NUL byte (which `check`
/// reports as FILE002 and the language server used to parse).
#[test]
fn lsp_publishes_what_check_reports_for_unusual_text() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let files = [
        ("annexa.toml", "# settings\n"),
        (
            "cr.yaml",
            "annexa: v1\rkind: control\rid: CTL-CR\rtitle: T\rcolour: red\r",
        ),
        (
            "mixed.yaml",
            "annexa: v1\r\nkind: control\rid: CTL-MIXED\n\ntitle: T\r\rcolour: red\n",
        ),
        (
            "cr.md",
            "---\rannexa: v1\rkind: policy\rid: POL-CR\rtitle: T\rcolour: red\r---\r# Policy\r",
        ),
        (
            "nul.yaml",
            "annexa: v1\nkind: control\nid: CTL-NUL\0\ncolour: red\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(root.join(name), text).unwrap();
    }
    let findings = check(&root);
    let at = |file: &str, code: &str| -> Vec<u64> {
        findings
            .iter()
            .filter(|d| d["file"] == file && d["code"] == code)
            .map(|d| d["start"]["line"].as_u64().unwrap_or(0))
            .collect()
    };
    assert_eq!(at("cr.yaml", "SCH002"), [5], "{findings:#?}");
    assert_eq!(at("mixed.yaml", "SCH002"), [7], "{findings:#?}");
    assert_eq!(at("nul.yaml", "FILE002"), [0], "{findings:#?}");
    assert_eq!(lsp_agrees_with_check("unusual", &root), 5);
}

// ---------------------------------------------------------------------------------------
// The readiness verdict

/// The codes whose basis is the tool itself (`annexa rules --format json`), per fixture
/// (a fixture may add its own codes).
fn tool_codes(root: &Path) -> BTreeSet<String> {
    let o = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(["rules", "--format", "json", "--root"])
        .arg(root)
        .output()
        .expect("the binary runs");
    let rules: Value = serde_json::from_slice(&o.stdout).expect("rules JSON");
    rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["basis"]["tool"] == Value::Bool(true))
        .map(|r| str_of(r, "code").to_string())
        .collect()
}

/// (code, file, line, message) of a finding of `check`, and of a readiness finding.
fn place_of_check(d: &Value) -> (String, String, u64, String) {
    (
        str_of(d, "code").to_string(),
        str_of(d, "file").to_string(),
        d["start"]["line"].as_u64().unwrap_or(0),
        str_of(d, "message").to_string(),
    )
}

fn place_of_readiness(d: &Value) -> (String, String, u64, String) {
    (
        str_of(d, "code").to_string(),
        str_of(d, "file").to_string(),
        d["line"].as_u64().unwrap_or(0),
        str_of(d, "message").to_string(),
    )
}

#[test]
fn the_readiness_verdict_lists_exactly_the_checks_compliance_findings() {
    let mut verdicts = BTreeMap::new();
    for run in fixture_runs() {
        let tool = tool_codes(&run.root);
        let readiness = &run.coverage["readiness"];
        let listed = |key: &str| -> Vec<_> {
            let list = readiness[key].as_array().unwrap();
            list.iter().map(place_of_readiness).collect()
        };
        let of_check = |severity: &str, tool_code: bool| -> Vec<_> {
            run.findings
                .iter()
                .filter(|d| str_of(d, "severity") == severity)
                .filter(|d| tool.contains(str_of(d, "code")) == tool_code)
                .map(place_of_check)
                .collect()
        };
        let name = &run.name;
        assert_eq!(
            listed("blocking"),
            of_check("error", false),
            "{name}: blocking"
        );
        assert_eq!(
            listed("warnings"),
            of_check("warning", false),
            "{name}: warnings"
        );
        let mut tool_findings = of_check("error", true);
        tool_findings.extend(of_check("warning", true));
        let mut listed_tool = listed("tool");
        tool_findings.sort();
        listed_tool.sort();
        assert_eq!(listed_tool, tool_findings, "{name}: tool findings");
        let any_error = run
            .findings
            .iter()
            .any(|d| str_of(d, "severity") == "error");
        let verdict = str_of(readiness, "verdict");
        assert_eq!(
            verdict == "not-ready",
            any_error,
            "{name}: verdict {verdict}"
        );
        verdicts.insert(name.clone(), verdict.to_string());
    }
    assert_eq!(verdicts["example-org"], "ready");
    for (name, verdict) in &verdicts {
        if name.starts_with("broken-") {
            assert_eq!(verdict, "not-ready", "{name}");
        }
    }
}
