//! Conformance: runs every case of the YAML test suite (tests/data/yaml-test-suite) through
//! the loader. Cases with `in.json` must load without errors to exactly those values; cases
//! with `error` must produce at least one error; the others must just not panic. Known
//! failures are listed, with their reasons, in tests/data/yaml-suite-exceptions.txt — and
//! a listed case that passes fails the test too, so the list stays honest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use annexa::source::Span;
use annexa::yaml::{Limits, load};
use serde_json::Value;

/// Longest a single case may take before it counts as hung.
const CASE_TIMEOUT: Duration = Duration::from_secs(20);

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Every case folder (a folder holding `in.yaml`), as `(id, path)`, sorted by id.
fn cases() -> Vec<(String, PathBuf)> {
    let root = data_dir().join("yaml-test-suite");
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            }
        }
        if dir.join("in.yaml").is_file()
            && let Ok(rel) = dir.strip_prefix(&root)
        {
            let id = rel.to_string_lossy().replace('\\', "/");
            out.push((id, dir));
        }
    }
    out.sort();
    out
}

fn exceptions() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(data_dir().join("yaml-suite-exceptions.txt")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((id, reason)) => (id.to_owned(), reason.trim().to_owned()),
            None => (l.to_owned(), String::new()),
        })
        .collect()
}

/// JSON equality where numbers compare by value (the suite writes `1` and `1.0` alike for
/// what YAML may load as an integer or a float).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p == q,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn short(v: &impl std::fmt::Display) -> String {
    let s = v.to_string();
    if s.chars().count() > 100 {
        let cut: String = s.chars().take(100).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// Run one case; `Err` holds the reason it failed.
fn run_case(dir: &Path) -> Result<(), String> {
    let yaml =
        std::fs::read(dir.join("in.yaml")).map_err(|e| format!("cannot read in.yaml: {e}"))?;
    let yaml = String::from_utf8(yaml).map_err(|_| "in.yaml is not UTF-8".to_owned())?;
    let loaded = load(&yaml, &Limits::default());
    // Spans must always lie inside the text, on character boundaries.
    let in_text =
        |s: Span| s.start <= s.end && s.end <= yaml.len() && yaml.is_char_boundary(s.start);
    if let Some(e) = loaded.errors.iter().find(|e| !in_text(e.span)) {
        return Err(format!("error span {:?} outside the text", e.span));
    }
    if dir.join("error").exists() {
        if loaded.errors.is_empty() {
            return Err("invalid input accepted without an error".to_owned());
        }
        return Ok(());
    }
    let Ok(json) = std::fs::read_to_string(dir.join("in.json")) else {
        return Ok(());
    };
    let expected: Vec<Value> = serde_json::Deserializer::from_str(&json)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("bad in.json: {e}"))?;
    if let Some(e) = loaded.errors.first() {
        return Err(format!(
            "{} at {}..{}: {}",
            e.code, e.span.start, e.span.end, e.message
        ));
    }
    if loaded.documents.len() != expected.len() {
        return Err(format!(
            "{} documents, expected {}",
            loaded.documents.len(),
            expected.len()
        ));
    }
    for (i, (doc, want)) in loaded.documents.iter().zip(&expected).enumerate() {
        if !doc.ok {
            return Err(format!("document {i} not ok"));
        }
        if !same(&doc.value, want) {
            return Err(format!(
                "document {i}: got {}, expected {}",
                short(&doc.value),
                short(want)
            ));
        }
    }
    Ok(())
}

/// Run a case on its own thread, catching panics and giving up after a timeout.
fn guarded(dir: PathBuf) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| run_case(&dir)).unwrap_or_else(|p| {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!("panic: {msg}"))
        });
        let _ = tx.send(result);
    });
    match rx.recv_timeout(CASE_TIMEOUT) {
        Ok(r) => r,
        Err(_) => Err(format!("no result within {CASE_TIMEOUT:?}")),
    }
}

#[test]
fn yaml_test_suite() {
    let cases = cases();
    assert!(
        cases.len() > 300,
        "the suite data is missing ({} cases)",
        cases.len()
    );
    let exceptions = exceptions();
    let (mut passed, mut failed) = (0, 0);
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for (id, dir) in cases {
        match guarded(dir) {
            Ok(()) => {
                passed += 1;
                if exceptions.contains_key(&id) {
                    stale.push(id);
                }
            }
            Err(reason) => {
                failed += 1;
                let listed = exceptions.contains_key(&id);
                println!(
                    "FAIL {id}{}: {reason}",
                    if listed { " (listed)" } else { "" }
                );
                if !listed {
                    unexpected.push(id);
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    assert!(unexpected.is_empty(), "unexpected failures: {unexpected:?}");
    assert!(
        stale.is_empty(),
        "listed in yaml-suite-exceptions.txt but passing (remove them): {stale:?}"
    );
}
