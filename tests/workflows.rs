//! The CI integration files are valid: the GitHub Action (`action.yml`), annexa's own
//! workflows (`.github/workflows/`), the example workflows for users (`docs/workflows/`),
//! the pre-commit hook definitions (`.pre-commit-hooks.yaml`) and the YAML snippets of
//! `docs/ci.md`. Each is read with annexa's own YAML loader and checked for the keys GitHub
//! and pre-commit require.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Load a one-document YAML file; panics with the loader's errors.
fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    load_text(&text, &path.display().to_string())
}

fn load_text(text: &str, what: &str) -> Value {
    let loaded = annexa::yaml::load(text, &annexa::yaml::Limits::default());
    assert!(
        loaded.errors.is_empty(),
        "{what}: YAML errors: {:#?}",
        loaded.errors
    );
    assert_eq!(loaded.documents.len(), 1, "{what}: expected one document");
    loaded.documents[0].value.clone()
}

fn object<'a>(v: &'a Value, what: &str) -> &'a Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("{what} must be a mapping, found {v}"))
}

fn string<'a>(v: Option<&'a Value>, what: &str) -> &'a str {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        other => panic!("{what} must be a non-empty string, found {other:?}"),
    }
}

/// The YAML files directly in a directory.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
        .collect();
    files.sort();
    files
}

/// Every string in a value, depth first.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The expressions (`${{ … }}`) in a string; panics on an unclosed one.
fn expressions(s: &str, what: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${{") {
        let after = &rest[start + 3..];
        let end = after
            .find("}}")
            .unwrap_or_else(|| panic!("{what}: unclosed `${{{{` in {s:?}"));
        out.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    out
}

/// Checks a step of a workflow job or of a composite action.
fn check_step(step: &Value, what: &str, composite: bool) {
    let step = object(step, what);
    let uses = step.get("uses");
    let run = step.get("run");
    match (uses, run) {
        (Some(u), None) => {
            let u = string(Some(u), &format!("{what}.uses"));
            assert!(
                u.starts_with("./") || u.starts_with("docker://") || u.contains('@'),
                "{what}: `uses: {u}` must pin a ref (`owner/repo@ref`)"
            );
        }
        (None, Some(r)) => {
            string(Some(r), &format!("{what}.run"));
            if composite {
                string(
                    step.get("shell"),
                    &format!("{what}.shell (required in composite actions)"),
                );
            }
        }
        (Some(_), Some(_)) => panic!("{what} has both `uses` and `run`"),
        (None, None) => panic!("{what} has neither `uses` nor `run`"),
    }
    if let Some(with) = step.get("with") {
        object(with, &format!("{what}.with"));
    }
    if let Some(env) = step.get("env") {
        object(env, &format!("{what}.env"));
    }
}

fn check_workflow(path: &Path) -> Value {
    let what = path.strip_prefix(root()).unwrap().display().to_string();
    let wf = load(path);
    let top = object(&wf, &what);
    let on = top.get("on").unwrap_or_else(|| panic!("{what}: no `on`"));
    match on {
        Value::String(_) => {}
        Value::Array(a) => assert!(!a.is_empty(), "{what}: empty `on`"),
        Value::Object(o) => assert!(!o.is_empty(), "{what}: empty `on`"),
        other => panic!("{what}: `on` must be an event, a list or a mapping, found {other}"),
    }
    let jobs = object(
        top.get("jobs")
            .unwrap_or_else(|| panic!("{what}: no `jobs`")),
        &format!("{what}.jobs"),
    );
    assert!(!jobs.is_empty(), "{what}: no jobs");
    for (id, job) in jobs {
        let jw = format!("{what}: job `{id}`");
        let job = object(job, &jw);
        if job.contains_key("uses") {
            continue; // a call to a reusable workflow has no runner or steps of its own
        }
        assert!(job.contains_key("runs-on"), "{jw} has no `runs-on`");
        let steps = job
            .get("steps")
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{jw} has no `steps` list"));
        assert!(!steps.is_empty(), "{jw} has no steps");
        for (i, step) in steps.iter().enumerate() {
            check_step(step, &format!("{jw}, step {}", i + 1), false);
        }
    }
    let mut all = Vec::new();
    strings(&wf, &mut all);
    for s in &all {
        expressions(s, &what);
    }
    wf
}

fn action() -> Value {
    load(&root().join("action.yml"))
}

#[test]
fn action_is_a_valid_composite_action() {
    let action = action();
    let top = object(&action, "action.yml");
    string(top.get("name"), "action.yml: name");
    string(top.get("description"), "action.yml: description");

    let inputs = object(top.get("inputs").expect("action.yml: inputs"), "inputs");
    for (name, input) in inputs {
        let input = object(input, &format!("input `{name}`"));
        string(
            input.get("description"),
            &format!("input `{name}`: description"),
        );
        if let Some(d) = input.get("default") {
            assert!(
                d.is_string(),
                "input `{name}`: the default must be a string"
            );
        }
    }
    for name in ["path", "args", "fail-on", "today", "sarif", "sarif-file"] {
        assert!(inputs.contains_key(name), "action.yml: no input `{name}`");
    }
    if let Some(outputs) = top.get("outputs") {
        for (name, output) in object(outputs, "outputs") {
            let output = object(output, &format!("output `{name}`"));
            string(
                output.get("description"),
                &format!("output `{name}`: description"),
            );
            string(output.get("value"), &format!("output `{name}`: value"));
        }
    }

    let runs = object(top.get("runs").expect("action.yml: runs"), "runs");
    assert_eq!(
        runs.get("using").and_then(Value::as_str),
        Some("composite"),
        "action.yml: runs.using"
    );
    let steps = runs
        .get("steps")
        .and_then(Value::as_array)
        .expect("action.yml: runs.steps is a list");
    assert!(!steps.is_empty(), "action.yml: no steps");

    // Every expression refers to a declared input, or to a step declared before it.
    let mut ids = BTreeSet::new();
    for (i, step) in steps.iter().enumerate() {
        let what = format!("action.yml: step {}", i + 1);
        check_step(step, &what, true);
        let mut all = Vec::new();
        strings(step, &mut all);
        for s in &all {
            for e in expressions(s, &what) {
                for name in referenced(&e, "inputs.") {
                    assert!(
                        inputs.contains_key(&name),
                        "{what}: unknown input `{name}` in `{e}`"
                    );
                }
                for id in referenced(&e, "steps.") {
                    assert!(
                        ids.contains(&id),
                        "{what}: step `{id}` is not declared before `{e}`"
                    );
                }
            }
        }
        if let Some(id) = step.get("id") {
            assert!(
                ids.insert(string(Some(id), &what).to_owned()),
                "{what}: duplicate id"
            );
        }
    }
    let mut all = Vec::new();
    strings(top.get("outputs").unwrap_or(&Value::Null), &mut all);
    for s in &all {
        for e in expressions(s, "outputs") {
            for id in referenced(&e, "steps.") {
                assert!(ids.contains(&id), "outputs: unknown step `{id}`");
            }
        }
    }
}

/// Names following `prefix` in an expression: `inputs.fail-on` → `fail-on`.
fn referenced(expr: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find(prefix) {
        let boundary = at == 0 || {
            let c = rest.as_bytes()[at - 1];
            !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-')
        };
        let after = &rest[at + prefix.len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if boundary && !name.is_empty() {
            out.push(name.clone());
        }
        rest = &after[name.len()..];
    }
    out
}

#[test]
fn workflows_are_valid() {
    let mut checked = 0;
    for dir in [".github/workflows", "docs/workflows"] {
        for path in yaml_files(&root().join(dir)) {
            check_workflow(&path);
            checked += 1;
        }
    }
    assert!(
        checked >= 3,
        "expected ci.yml and the two example workflows"
    );
}

#[test]
fn example_workflows_use_the_action_with_its_inputs() {
    let action = action();
    let inputs = object(&action["inputs"], "inputs");
    for name in ["annexa-pr.yml", "annexa-weekly.yml"] {
        let path = root().join("docs/workflows").join(name);
        let wf = check_workflow(&path);
        let mut uses_action = false;
        for job in object(&wf["jobs"], "jobs").values() {
            for step in job["steps"].as_array().unwrap() {
                let Some(uses) = step.get("uses").and_then(Value::as_str) else {
                    continue;
                };
                if !uses.starts_with("OWNER/annexa@") {
                    continue;
                }
                uses_action = true;
                for key in step
                    .get("with")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|w| w.keys())
                {
                    assert!(
                        inputs.contains_key(key),
                        "{name}: `{key}` is not an input of action.yml"
                    );
                }
            }
        }
        assert!(
            uses_action,
            "{name} does not use the action (OWNER/annexa@…)"
        );
    }
    let pr = load(&root().join("docs/workflows/annexa-pr.yml"));
    assert!(
        pr["on"].get("pull_request").is_some(),
        "annexa-pr.yml runs on pull_request"
    );
    let weekly = load(&root().join("docs/workflows/annexa-weekly.yml"));
    assert!(
        weekly["on"].get("schedule").is_some(),
        "annexa-weekly.yml runs on a schedule"
    );
    assert!(
        weekly["on"].get("workflow_dispatch").is_some(),
        "annexa-weekly.yml can be started by hand"
    );
}

#[test]
fn pre_commit_hooks_are_valid() {
    let hooks = load(&root().join(".pre-commit-hooks.yaml"));
    let hooks = hooks
        .as_array()
        .expect(".pre-commit-hooks.yaml is a list of hooks");
    let mut ids = BTreeSet::new();
    for (i, hook) in hooks.iter().enumerate() {
        let what = format!(".pre-commit-hooks.yaml: hook {}", i + 1);
        let hook = object(hook, &what);
        let id = string(hook.get("id"), &format!("{what}: id"));
        assert!(ids.insert(id.to_owned()), "{what}: duplicate id `{id}`");
        string(hook.get("name"), &format!("{what}: name"));
        let entry = string(hook.get("entry"), &format!("{what}: entry"));
        assert!(entry.starts_with("annexa check"), "{what}: entry `{entry}`");
        // The prebuilt wheel (pyproject.toml at the root), or a build from source.
        let language = string(hook.get("language"), &format!("{what}: language"));
        let expected = if id.ends_with("-src") {
            "rust"
        } else {
            "python"
        };
        assert_eq!(language, expected, "{what}: language");
        assert_eq!(
            hook.get("require_serial"),
            Some(&Value::Bool(true)),
            "{what}: annexa loads the whole repository; it must run once, not in parallel batches"
        );
        for key in ["pass_filenames", "always_run"] {
            if let Some(v) = hook.get(key) {
                assert!(v.is_boolean(), "{what}: {key} must be a boolean");
            }
        }
    }
    let hook = |id: &str| {
        hooks
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("no hook `{id}`"))
    };
    // annexa.toml is TOML: the hook runs when it changes, so a broken configuration is refused.
    let annexa = hook("annexa");
    assert_eq!(annexa["pass_filenames"], Value::Bool(true));
    assert_eq!(
        annexa["types_or"],
        serde_json::json!(["yaml", "markdown", "toml"])
    );
    // Each hook has a source-built twin that differs in nothing else.
    for id in ["annexa", "annexa-all"] {
        let mut python = hook(id).as_object().unwrap().clone();
        let mut rust = hook(&format!("{id}-src")).as_object().unwrap().clone();
        for key in ["id", "language", "description"] {
            python.remove(key);
            rust.remove(key);
        }
        assert_eq!(python, rust, "`{id}` and `{id}-src` differ");
    }
    assert_eq!(ids.len(), 4, "expected two hooks and their -src twins");
}

#[test]
fn yaml_snippets_in_the_ci_guide_parse() {
    let text = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let mut found = 0;
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + "```yaml\n".len()..];
        let end = body.find("\n```").expect("docs/ci.md: unclosed code block");
        found += 1;
        load_text(&body[..end + 1], &format!("docs/ci.md: YAML block {found}"));
        rest = &body[end + 4..];
    }
    assert!(found > 0, "docs/ci.md has no YAML snippets");
}

#[test]
fn the_ci_guide_shows_the_example_workflows_as_they_are() {
    let guide = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    for name in ["annexa-pr.yml", "annexa-weekly.yml"] {
        let text = std::fs::read_to_string(root().join("docs/workflows").join(name)).unwrap();
        // The file without its leading comment block.
        let body: String = text
            .lines()
            .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            guide.contains(&format!("```yaml\n{body}```")),
            "docs/ci.md does not show docs/workflows/{name} as it is"
        );
    }
}
