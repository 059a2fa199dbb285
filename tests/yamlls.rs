//! The real yaml-language-server validates and completes annexa artifacts using only what
//! `annexa init` and `annexa schema` wrote: the modeline at the top of a YAML file, and the
//! `yaml.schemas` mapping of `.vscode/settings.json`, both pointing at the schema that
//! dispatches on `kind`. Driven over stdio by the same JSON-RPC client as `tests/lsp.rs`.
//!
//! yaml-language-server comes from npm (`npm install yaml-language-server@1.19.2`; `.ci/run`
//! installs it). The test finds it in `$ANNEXA_YAMLLS` or on the `PATH`; without it the test
//! is skipped with a note, unless `ANNEXA_REQUIRE_YAMLLS=1`, as in CI.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::lsp::{Server, uri};
use serde_json::{Value, json};

/// The yaml-language-server to run, or None (the test is skipped) when there is none.
fn yaml_language_server() -> Option<PathBuf> {
    let path = std::env::var_os("ANNEXA_YAMLLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("yaml-language-server"));
    // It has no `--version`; started without a transport it prints its usage and exits.
    if Command::new(&path).output().is_ok() {
        return Some(path);
    }
    assert!(
        std::env::var("ANNEXA_REQUIRE_YAMLLS").as_deref() != Ok("1"),
        "yaml-language-server (`{}`) cannot be run, and ANNEXA_REQUIRE_YAMLLS=1",
        path.display()
    );
    eprintln!(
        "note: skipped: yaml-language-server is not installed (npm install yaml-language-server, \
         then put it on the PATH or set ANNEXA_YAMLLS)"
    );
    None
}

fn annexa(args: &[&str], cwd: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A control with a misspelt field and no `review`, and a line to complete at its end.
const BROKEN: &str = "annexa: v1\nkind: control\nid: CTL-BROKEN\ntitle: Broken\nowner: Head of IT\n\
                      description: A control with mistakes.\nsatisfies: [iso27001:2022/A.5.15]\n\
                      reveiw: {every: 12mo}\n\n";

/// Open `file` (text `text`) in yaml-language-server with `settings`; the diagnostics it
/// publishes and the labels it completes at the last line.
fn validate_and_complete(
    yamlls: &Path,
    root: &Path,
    file: &Path,
    text: &str,
    settings: Value,
) -> (Vec<Value>, Vec<String>) {
    let mut cmd = Command::new(yamlls);
    cmd.arg("--stdio");
    let mut server = Server::spawn(cmd, Some(settings.clone()));
    server.initialize(
        root,
        json!({"workspace": {"configuration": true}, "textDocument": {"completion": {}}}),
    );
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": settings }),
    );
    let doc = uri(file);
    server.open(&doc, text);
    let diagnostics = server.diagnostics(&doc, |d| !d.is_empty());
    let last = text.lines().count() as u32;
    let r = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": doc}, "position": {"line": last, "character": 0}}),
    );
    let items = r["result"]["items"]
        .as_array()
        .or(r["result"].as_array())
        .cloned()
        .unwrap_or_default();
    let labels = items
        .iter()
        .filter_map(|i| i["label"].as_str().map(str::to_owned))
        .collect();
    (diagnostics, labels)
}

fn assert_schema_findings(diagnostics: &[Value], labels: &[String]) {
    let messages: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("reveiw")),
        "the misspelt field is reported: {diagnostics:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("\"review\"")),
        "the missing field is reported: {diagnostics:#?}"
    );
    for field in ["review", "status", "notes"] {
        assert!(
            labels.iter().any(|l| l == field),
            "`{field}` is completed: {labels:?}"
        );
    }
}

#[test]
fn the_modeline_annexa_init_writes_validates_and_completes() {
    let Some(yamlls) = yaml_language_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    annexa(&["init", "--today", "2026-11-22", "."], dir.path());
    // The modeline of a control annexa init wrote, at the top of a new control.
    let template =
        std::fs::read_to_string(dir.path().join("controls/access-control.yaml")).unwrap();
    let modeline = template.lines().next().unwrap();
    assert!(
        modeline.starts_with("# yaml-language-server: $schema="),
        "{modeline}"
    );
    let file = dir.path().join("controls/broken.yaml");
    let text = format!("{modeline}\n{BROKEN}");
    std::fs::write(&file, &text).unwrap();
    let (diagnostics, labels) =
        validate_and_complete(&yamlls, dir.path(), &file, &text, json!({"yaml": {}}));
    assert_schema_findings(&diagnostics, &labels);
}

#[test]
fn the_vscode_settings_annexa_init_writes_validate_and_complete() {
    let Some(yamlls) = yaml_language_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    annexa(&["init", "--today", "2026-11-22", "."], dir.path());
    let settings: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join(".vscode/settings.json")).unwrap(),
    )
    .unwrap();
    // What VS Code's YAML extension passes on: the workspace's `yaml.*` settings.
    let file = dir.path().join("controls/broken.yaml");
    std::fs::write(&file, BROKEN).unwrap();
    let (diagnostics, labels) = validate_and_complete(
        &yamlls,
        dir.path(),
        &file,
        BROKEN,
        json!({"yaml": {"schemas": settings["yaml.schemas"]}}),
    );
    assert_schema_findings(&diagnostics, &labels);
}

#[test]
fn the_schemas_annexa_schema_writes_validate_and_complete() {
    let Some(yamlls) = yaml_language_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    annexa(&["schema", "annexa", "-o", "schemas"], dir.path());
    let file = dir.path().join("broken.yaml");
    let text = format!("# yaml-language-server: $schema=./schemas/annexa.schema.json\n{BROKEN}");
    std::fs::write(&file, &text).unwrap();
    let (diagnostics, labels) =
        validate_and_complete(&yamlls, dir.path(), &file, &text, json!({"yaml": {}}));
    assert_schema_findings(&diagnostics, &labels);
}
