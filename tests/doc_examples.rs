//! The configuration and suppression examples of the README and `docs/` do what the text
//! says: every `annexa.toml` example is accepted (no `CFG001`: keys, globs and the codes it
//! names), and every inline suppression example, placed on the line its code is reported at in
//! a real repository, suppresses that finding and nothing else is said about it.

mod common;

use std::path::Path;

use annexa::adjust;
use annexa::config;
use annexa::source::{SourceFile, SourceMap};

/// Every fenced block of a language in a Markdown file: (line of the fence, text). A block
/// inside a list item is indented; its lines lose the indentation of its fence.
fn blocks(file: &str, language: &str) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let fence = format!("```{language}");
    let mut out = Vec::new();
    let mut current: Option<(usize, usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed == fence => {
                current = Some((i + 1, line.len() - trimmed.len(), String::new()))
            }
            Some(_) if trimmed.starts_with("```") => {
                out.extend(current.take().map(|(line, _, body)| (line, body)))
            }
            Some((_, indent, body)) => {
                let cut = line.len().min(*indent).min(line.len() - trimmed.len());
                body.push_str(&line[cut..]);
                body.push('\n');
            }
            None => {}
        }
    }
    out
}

fn documents() -> Vec<String> {
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs"))
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.ends_with(".md").then(|| format!("docs/{name}"))
            })
            .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// Is a TOML block an `annexa.toml` (rather than another tool's configuration)?
fn is_annexa_toml(text: &str) -> bool {
    const TABLES: &[&str] = &[
        "[files]",
        "[check]",
        "[limits]",
        "[rules]",
        "[rules.severity]",
        "[catalogs]",
        "[cache]",
        "[history]",
        "[params]",
        "[params.document_sections]",
        "[[overrides]]",
        "[[suppress]]",
    ];
    text.lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| l.starts_with('['))
        .all(|l| TABLES.contains(&l))
}

#[test]
fn every_annexa_toml_example_is_accepted() {
    let mut checked = 0;
    for file in documents() {
        for (line, text) in blocks(&file, "toml") {
            if !is_annexa_toml(&text) {
                continue;
            }
            let parsed = config::parse(&text).unwrap_or_else(|d| {
                panic!("{file}:{line}: the example is rejected: {}", d.message)
            });
            let mut sources = SourceMap::new();
            sources.insert(SourceFile::new(
                config::FILE_NAME,
                config::FILE_NAME,
                text.as_str(),
            ));
            let problems =
                adjust::check_codes(&parsed, annexa::rules::builtin_registry(), &sources);
            assert!(
                problems.is_empty(),
                "{file}:{line}: {:?}",
                problems.iter().map(|d| &d.message).collect::<Vec<_>>()
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} annexa.toml examples found");
}

#[test]
fn every_inline_suppression_example_suppresses_its_finding() {
    // broken-packs reports every built-in code somewhere: the example's code is found there.
    let base = common::run("broken-packs");
    let mut checked = 0;
    for file in documents() {
        for (line, text) in blocks(&file, "yaml") {
            for example in text.lines().filter(|l| l.contains("# annexa-ignore ")) {
                let (key, comment) = example.split_once('#').unwrap();
                let key = key.trim().split(':').next().unwrap().trim();
                let code = comment
                    .trim_start_matches(' ')
                    .strip_prefix("annexa-ignore ")
                    .and_then(|r| r.split([';', ',', ' ']).next())
                    .unwrap();
                // A finding of that code reported at a line holding the same key.
                let target = base.diagnostics.iter().find(|d| {
                    d.code == code
                        && d.file().is_some_and(|f| {
                            let src = base.sources.get(f).unwrap();
                            let n = common::line(&base, d);
                            src.text
                                .lines()
                                .nth(n - 1)
                                .is_some_and(|l| l.trim_start().starts_with(&format!("{key}:")))
                        })
                });
                let d = target.unwrap_or_else(|| {
                    panic!(
                        "{file}:{line}: the example suppresses {code} on `{key}:`, but {code} is never reported at a `{key}:` line (see `annexa explain {code}`, \"Reported at\")"
                    )
                });
                let rel = d.file().unwrap().to_string();
                let n = common::line(&base, d);
                let (_dir, root) = common::fixture_copy("broken-packs");
                let path = root.join(&rel);
                let original = std::fs::read_to_string(&path).unwrap();
                let edited: Vec<String> = original
                    .lines()
                    .enumerate()
                    .map(|(i, l)| {
                        if i + 1 == n {
                            format!("{l}  #{}", comment.trim_end())
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                std::fs::write(&path, edited.join("\n") + "\n").unwrap();
                let after = common::check(&root);
                let same_place = |d: &annexa::diagnostic::Diagnostic| {
                    d.file() == Some(rel.as_str()) && common::line(&after, d) == n
                };
                let left: Vec<_> = after
                    .diagnostics
                    .iter()
                    .filter(|d| same_place(d) && (d.code == code || d.code.starts_with("SUP")))
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect();
                assert!(
                    left.is_empty(),
                    "{file}:{line}: after the suppression: {left:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 1, "no inline suppression example found");
}

/// The CI examples (`docs/ci.md`) are YAML that parses, and every `annexa check --format`
/// in them names a format annexa has, with the GitLab and reviewdog reports wired to the
/// consumers that read them.
#[test]
fn every_ci_example_parses_and_names_real_formats() {
    let formats: Vec<&str> = annexa::render::Format::ALL
        .iter()
        .map(|f| f.as_str())
        .collect();
    let mut seen = Vec::new();
    for (line, text) in blocks("docs/ci.md", "yaml") {
        let loaded = annexa::yaml::load(&text, &annexa::yaml::Limits::default());
        assert!(
            loaded.errors.is_empty(),
            "docs/ci.md:{line}: {:?}",
            loaded.errors
        );
        for rest in text.split("--format ").skip(1) {
            let format = rest.split_whitespace().next().unwrap();
            assert!(formats.contains(&format), "docs/ci.md:{line}: `{format}`");
            seen.push(format.to_string());
        }
        if text.contains("--format gitlab") {
            assert!(
                text.contains("codequality: gl-code-quality-report.json"),
                "{text}"
            );
        }
        if text.contains("--format rdjson") {
            assert!(text.contains("reviewdog -f=rdjson"), "{text}");
        }
    }
    for format in ["gitlab", "rdjson", "junit", "sarif"] {
        assert!(
            seen.iter().any(|f| f == format),
            "no CI example uses `{format}`"
        );
    }
}
