//! Every layout the documentation allows checks the same.
//!
//! Each test copies `fixtures/example-org` into a temporary directory, rewrites its text in
//! one way the docs allow, and asserts that `check` (as of 2026-11-22) reports exactly the
//! findings of the original — the same multiset of (code, artifact id, message), so the same
//! count; files and lines may move with the text — that `coverage` gives every framework the
//! same totals, and that the engine reads the same artifacts (same values by kind and id; the
//! Statement of Applicability compared as its entries, wherever they are written).
//!
//! The sentence of the docs each variant exercises:
//!
//! | variant | docs |
//! |---|---|
//! | `soa_one_document_per_framework_in_one_file` | artifacts.md, SoA: "both standards' lists can live in one document (or in one document per framework)"; "However it is split — one document, one document per framework, several documents in one file or several files — annexa reads every `statement-of-applicability` document as one SoA"; rules.md: "an SoA written as one document, as one document per framework or across several files is one SoA"; coverage.md: "one document, one per framework, or several files" |
//! | `soa_one_file_per_framework` | the same sentences ("several files") |
//! | `soa_by_theme_in_many_files_in_reverse_order` | the same, and SoA `entries`: "One entry for every Annex A control of every framework in scope, in any order" |
//! | `streams_split_one_artifact_per_file` | artifacts.md, Files: "YAML files (`.yaml`, `.yml`) may hold several artifacts separated by `---` lines"; risk: "A register is usually several risks per file" (usually, so one per file is allowed) |
//! | `streams_merged_per_folder` | README: "a file may hold several, separated by `---`"; artifacts.md: "YAML files … may hold several artifacts separated by `---` lines" |
//! | `one_stream_for_every_yaml_artifact` | the same, taken to its end: one file for every YAML artifact of the repository |
//! | `nested_folders_and_free_file_names` | artifacts.md, Files: "File names and directories are free. The layout used in the examples (`controls/`, `risks/`, `ai-systems/`, ...) is a convention, not a requirement."; README: "The whole root is walked" |
//! | `yaml_artifacts_as_markdown_front_matter` | README: "An artifact is a YAML document … or the YAML front matter of a Markdown file"; artifacts.md: "Any kind may be written either way." (every kind that is normally YAML) |
//! | `markdown_artifacts_as_yaml` | artifacts.md: "Any kind may be written either way. `impact-assessment`, `policy` and `procedure` are normally Markdown"; rules.md, `sections`: "YAML artifacts are not checked" (so an impact assessment without a body is no AI002) |
//! | `yml_extension` | README: "YAML (`.yaml`, `.yml`) … files"; artifacts.md: "YAML files (`.yaml`, `.yml`)" |
//! | `crlf_line_ends` | yaml.md: "a byte-order mark at the start, and CRLF line ends" (YAML files and Markdown front matter) |
//! | `byte_order_mark` | yaml.md: "a byte-order mark at the start" |
//! | `byte_order_mark_crlf_and_yml_together` | the three above at once, as a Windows editor may save them |
//! | `other_files_and_documents_alongside` | README: "every other file — CI workflows, Kubernetes manifests, a static site's pages — is ignored silently"; artifacts.md: "A YAML document or front matter without an `annexa` key is not an artifact and is ignored silently"; "Documents without an `annexa` key are skipped." |
//! | `flow_style` | artifacts.md, YAML notes: references "need no quotes, in block lists or in flow lists"; yaml.md: "block and flow mappings and sequences" (block lists and mappings rewritten as flow) |
//! | `block_style` | the same (flow lists rewritten as block lists) |
//! | `quoted_dates_ids_and_references` | artifacts.md: "Dates are written unquoted (`approved_on: 2026-03-01`) and read as strings" (so a quoted date is the same string); references "need no quotes" (so quoted ones are the same); yaml.md: "quoted and block scalars are always strings", "tags: `!!str` … honoured" |
//! | `folded_blocks_as_quoted_strings` | artifacts.md: "Quote plain text that contains `: ` … or use a folded block (`description: >-`) for long text." |
//! | `comments_everywhere` | README: "editors using the YAML language server can use them too (`# yaml-language-server: $schema=…`)"; yaml.md: "Comments are collected … from `#` to the end of the line"; Markdown: "HTML comments `<!-- … -->`" |
//! | `directives_and_document_end_markers` | yaml.md: "streams of several documents (`---`, `...`)"; "`%YAML` and `%TAG` directives are accepted" |
//! | `anchors_and_aliases` | yaml.md: "anchors and aliases (an alias is a copy of the anchored value)" |
//! | `markdown_headings_in_other_styles` | rules.md, `sections`: "a heading of any level names it when it contains one of them as whole words, case and punctuation ignored"; yaml.md: "headings, ATX (`#` … `######`, closing `#`s removed) and setext" |
//!
//! Not a layout of the same repository, and so tested apart (`scope_split_adds_only_sco004`):
//! the scope split into two scope documents. The docs do not allow it without a finding —
//! artifacts.md: "A repository normally has exactly one", and `SCO004` reports "more than one
//! scope artifact" — while coverage.md takes the frameworks of "every `scope` artifact". So the
//! split must add exactly one `SCO004` and change nothing else, coverage included.
//!
//! Not covered: durations written differently (`12mo` and `1y` are not documented as
//! equal); booleans as `True`/`TRUE` (yaml.md reads them as booleans, artifacts.md says
//! "Booleans are `true` and `false` only").

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

mod common;

use common::files;

// ---------------------------------------------------------------------------------------
// What a run gives, and the comparison

/// What must not change between layouts.
#[derive(Debug, PartialEq)]
struct Reading {
    /// (code, artifact id, message) of every finding, sorted (a multiset).
    findings: Vec<(String, String, String)>,
    /// Coverage totals by framework.
    totals: BTreeMap<String, Value>,
    /// Every artifact but the SoA, by (kind, id), with its value.
    artifacts: BTreeMap<(String, String), Value>,
    /// Every SoA entry, wherever it is written, sorted by control.
    soa_entries: Vec<Value>,
}

fn read_repository(root: &Path) -> Reading {
    let o = common::check(root);
    let mut findings: Vec<(String, String, String)> = o
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                d.entity.artifact.clone().unwrap_or_default(),
                d.message.clone(),
            )
        })
        .collect();
    findings.sort();

    let duration = |text: &str| text.parse::<annexa::dates::Duration>().unwrap();
    let coverage = annexa::coverage::build(&annexa::coverage::Input {
        artifacts: &o.artifacts,
        catalogs: &o.catalogs,
        today: common::TODAY.parse().unwrap(),
        evidence_validity: o.duration_param("evidence_validity", duration("1y")),
        warn_within: o.duration_param("warn_within", duration("30d")),
        findings: &o.diagnostics,
        registry: &o.registry,
        sources: &o.sources,
    });
    let coverage = serde_json::to_value(&coverage).unwrap();
    let totals = coverage["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f["totals"].clone()))
        .collect();

    let mut artifacts = BTreeMap::new();
    let mut soa_entries = Vec::new();
    for a in &o.artifacts {
        let kind = a.kind.name().to_string();
        if kind == "statement-of-applicability" {
            soa_entries.extend(a.value["entries"].as_array().unwrap().iter().cloned());
            continue;
        }
        let id = a.id.clone().expect("every artifact has an id");
        let previous = artifacts.insert((kind, id.clone()), a.value.clone());
        assert!(previous.is_none(), "{id} read twice");
    }
    soa_entries.sort_by_key(|e| e["control"].as_str().unwrap().to_string());
    Reading {
        findings,
        totals,
        artifacts,
        soa_entries,
    }
}

/// The original example organisation, read once.
fn original() -> &'static Reading {
    static ORIGINAL: OnceLock<Reading> = OnceLock::new();
    ORIGINAL.get_or_init(|| {
        let r = read_repository(&common::fixture("example-org"));
        assert!(!r.findings.is_empty(), "the comparison needs findings");
        assert_eq!(r.soa_entries.len(), 131);
        r
    })
}

/// Every file of a tree with its bytes, by repository-relative path.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files(root)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(root.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Copy the example organisation, transform it, and compare with the original. With
/// `ANNEXA_KEEP_LAYOUTS` set, the transformed copy is kept (its path is printed).
fn same_as_original(transform: impl FnOnce(&Path)) -> Reading {
    let (dir, root) = common::fixture_copy("example-org");
    let before = tree(&root);
    transform(&root);
    if std::env::var_os("ANNEXA_KEEP_LAYOUTS").is_some() {
        eprintln!("kept: {}", dir.keep().display());
    }
    assert_ne!(tree(&root), before, "the variant changed nothing");
    let got = read_repository(&root);
    let want = original();
    assert_eq!(
        got.findings.len(),
        want.findings.len(),
        "{:#?}",
        got.findings
    );
    assert_eq!(got.findings, want.findings, "findings");
    assert_eq!(got.totals, want.totals, "coverage totals");
    let keys = |r: &Reading| r.artifacts.keys().cloned().collect::<BTreeSet<_>>();
    assert_eq!(keys(&got), keys(want), "artifacts read");
    for (key, value) in &want.artifacts {
        assert_eq!(&got.artifacts[key], value, "value of {key:?}");
    }
    assert_eq!(got.soa_entries, want.soa_entries, "SoA entries");
    got
}

// ---------------------------------------------------------------------------------------
// Files

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn remove(root: &Path, rel: &str) {
    std::fs::remove_file(root.join(rel)).unwrap();
}

fn is_yaml(rel: &str) -> bool {
    rel.ends_with(".yaml") || rel.ends_with(".yml")
}

fn is_text(rel: &str) -> bool {
    is_yaml(rel) || rel.ends_with(".md")
}

/// The YAML files that hold artifacts (every YAML file of the example organisation but
/// `annexa.toml`, which is not YAML).
fn yaml_artifact_files(root: &Path) -> Vec<String> {
    files(root)
        .into_iter()
        .filter(|f| is_yaml(f) && read(root, f).lines().any(|l| l.starts_with("annexa:")))
        .collect()
}

/// The Markdown files that are artifacts (front matter with `annexa:`).
fn markdown_artifact_files(root: &Path) -> Vec<String> {
    files(root)
        .into_iter()
        .filter(|f| {
            f.ends_with(".md")
                && split_front_matter(&read(root, f))
                    .is_some_and(|(fm, _)| fm.lines().any(|l| l.starts_with("annexa:")))
        })
        .collect()
}

fn artifact_files(root: &Path) -> Vec<String> {
    let mut all = yaml_artifact_files(root);
    all.extend(markdown_artifact_files(root));
    all.sort();
    all
}

/// `dir/name.ext` → (`dir/`, `name`, `.ext`).
fn split_path(rel: &str) -> (&str, &str, &str) {
    let (dir, file) = match rel.rfind('/') {
        Some(i) => (&rel[..=i], &rel[i + 1..]),
        None => ("", rel),
    };
    let (stem, ext) = match file.rfind('.') {
        Some(i) => (&file[..i], &file[i..]),
        None => (file, ""),
    };
    (dir, stem, ext)
}

// ---------------------------------------------------------------------------------------
// YAML text

/// The documents of a YAML stream, split at `---` lines; each ends with a newline. Comments
/// before a document's first line belong to it.
fn documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.lines() {
        if line.trim_end() == "---" {
            docs.push(String::new());
        } else {
            let doc = docs.last_mut().unwrap();
            doc.push_str(line);
            doc.push('\n');
        }
    }
    docs.retain(|d| d.lines().any(|l| l.starts_with("annexa:")));
    docs
}

fn stream(docs: &[String]) -> String {
    docs.join("---\n")
}

/// A Markdown file's front matter and body.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some((&rest[..=end], &rest[end + 5..]))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A `key: value` line, also as an item (`- key: value`): the key's column, the key and the
/// value (empty when the value is on the next lines).
fn key_line(line: &str) -> Option<(usize, &str, &str)> {
    let mut col = indent(line);
    let mut rest = &line[col..];
    while let Some(r) = rest.strip_prefix("- ") {
        col += 2;
        rest = r;
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let after = &rest[end..];
    if after == ":" {
        return Some((col, &rest[..end], ""));
    }
    Some((col, &rest[..end], after.strip_prefix(": ")?))
}

/// A list item whose value is a scalar on the same line (`- value`): its column and value.
fn item_line(line: &str) -> Option<(usize, &str)> {
    let col = indent(line);
    let value = line[col..].strip_prefix("- ")?;
    if key_line(line).is_some() || value.is_empty() {
        return None;
    }
    Some((col, value))
}

fn is_block_header(v: &str) -> bool {
    let mut c = v.chars();
    matches!(c.next(), Some('|' | '>')) && c.all(|c| matches!(c, '-' | '+' | '0'..='9'))
}

/// Which lines of a YAML text continue a scalar or flow collection begun on an earlier line
/// (block scalar content, multi-line plain or quoted scalars, multi-line flow collections):
/// no comment or other line may be inserted before them.
fn continuation_lines(lines: &[&str]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut open: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        if let Some(col) = open {
            if l.trim().is_empty() || indent(l) > col {
                out[i] = true;
                continue;
            }
            open = None;
        }
        if l.trim_start().starts_with('#') {
            continue;
        }
        if let Some((col, _, value)) = key_line(l) {
            if !value.is_empty() {
                open = Some(col);
            }
        } else if let Some((col, _)) = item_line(l) {
            open = Some(col);
        }
    }
    out
}

/// Apply `f` to every YAML text of the repository: each YAML artifact file, and the front
/// matter of each Markdown artifact.
fn map_yaml(root: &Path, mut f: impl FnMut(&str) -> String) {
    for rel in yaml_artifact_files(root) {
        let text = read(root, &rel);
        let docs: Vec<String> = text.split("\n---\n").map(|d| d.to_string()).collect();
        // Transform document by document, so that nothing crosses a `---`.
        let out: Vec<String> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let d = if i + 1 < docs.len() {
                    format!("{d}\n")
                } else {
                    d.clone()
                };
                f(&d)
            })
            .collect();
        write(root, &rel, &out.join("---\n"));
    }
    for rel in markdown_artifact_files(root) {
        let text = read(root, &rel);
        let (fm, body) = split_front_matter(&text).unwrap();
        write(root, &rel, &format!("---\n{}---\n{body}", f(fm)));
    }
}

/// Rewrite each line that begins a value and is not a continuation: `f(line, next line is a
/// continuation)` returns its replacement lines.
fn map_lines(text: &str, mut f: impl FnMut(&str, bool) -> Option<String>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let cont = continuation_lines(&lines);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let next_continues = cont.get(i + 1).copied().unwrap_or(false);
        match (cont[i], f(l, next_continues)) {
            (false, Some(new)) => out.push_str(&new),
            _ => out.push_str(l),
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------
// The Statement of Applicability

/// `soa.yaml` as its header (up to `entries:`) and its entries, each with its framework.
fn soa_parts(root: &Path) -> (String, Vec<(String, String)>) {
    let text = read(root, "soa.yaml");
    let (header, body) = text.split_at(text.find("entries:\n").unwrap() + "entries:\n".len());
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        if let Some(control) = line.strip_prefix("  - control: ") {
            let framework = control.split('/').next().unwrap().to_string();
            entries.push((framework, String::new()));
        }
        if line.trim_start().starts_with('#') {
            continue; // the section comments between the two lists
        }
        let entry = &mut entries.last_mut().expect("an entry first").1;
        entry.push_str(line);
        entry.push('\n');
    }
    assert_eq!(entries.len(), 131);
    (header.to_string(), entries)
}

/// A SoA document with the header of the original, another id, and these entries.
fn soa_document(header: &str, id: &str, entries: &[&(String, String)]) -> String {
    let header = header.replace("\nid: SOA\n", &format!("\nid: {id}\n"));
    let mut doc = header;
    for (_, e) in entries {
        doc.push_str(e);
    }
    doc
}

#[test]
fn soa_one_document_per_framework_in_one_file() {
    same_as_original(|root| {
        let (header, entries) = soa_parts(root);
        let of = |f: &str| entries.iter().filter(|(x, _)| x == f).collect::<Vec<_>>();
        let text = stream(&[
            soa_document(&header, "SOA", &of("iso27001:2022")),
            soa_document(&header, "SOA-AIMS", &of("iso42001:2023")),
        ]);
        write(root, "soa.yaml", &text);
    });
}

#[test]
fn soa_one_file_per_framework() {
    same_as_original(|root| {
        let (header, entries) = soa_parts(root);
        let of = |f: &str| entries.iter().filter(|(x, _)| x == f).collect::<Vec<_>>();
        remove(root, "soa.yaml");
        write(
            root,
            "soa/iso27001.yaml",
            &soa_document(&header, "SOA-ISMS", &of("iso27001:2022")),
        );
        write(
            root,
            "soa/iso42001.yaml",
            &soa_document(&header, "SOA-AIMS", &of("iso42001:2023")),
        );
    });
}

#[test]
fn soa_by_theme_in_many_files_in_reverse_order() {
    same_as_original(|root| {
        let (header, entries) = soa_parts(root);
        // Theme (27001: A.5 … A.8) or domain (42001: A.2 … A.10) of each entry.
        let mut themes: BTreeMap<String, Vec<&(String, String)>> = BTreeMap::new();
        for e in entries.iter().rev() {
            let control =
                e.1.lines()
                    .next()
                    .unwrap()
                    .trim_start_matches("  - control: ");
            let (framework, id) = control.split_once('/').unwrap();
            let theme = id.split('.').take(2).collect::<Vec<_>>().join(".");
            let name = format!("{}-{}", framework.replace(':', "-"), theme);
            themes.entry(name).or_default().push(e);
        }
        assert!(themes.len() >= 12, "{:?}", themes.keys());
        remove(root, "soa.yaml");
        for (name, list) in &themes {
            let id = format!("SOA-{}", name.to_uppercase());
            write(
                root,
                &format!("soa/{name}.yaml"),
                &soa_document(&header, &id, list),
            );
        }
    });
}

// ---------------------------------------------------------------------------------------
// Streams and folders

#[test]
fn streams_split_one_artifact_per_file() {
    same_as_original(|root| {
        let mut split = 0;
        for rel in yaml_artifact_files(root) {
            let docs = documents(&read(root, &rel));
            if docs.len() < 2 {
                continue;
            }
            let (dir, stem, ext) = split_path(&rel);
            remove(root, &rel);
            for (i, d) in docs.iter().enumerate() {
                write(root, &format!("{dir}{stem}-{}{ext}", i + 1), d);
            }
            split += 1;
        }
        assert!(split >= 10, "{split} streams split");
    });
}

#[test]
fn streams_merged_per_folder() {
    same_as_original(|root| {
        let mut by_dir: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for rel in yaml_artifact_files(root) {
            by_dir
                .entry(split_path(&rel).0.to_string())
                .or_default()
                .push(rel);
        }
        let mut merged = 0;
        for (dir, list) in by_dir.iter().filter(|(_, l)| l.len() > 1) {
            let docs: Vec<String> = list
                .iter()
                .flat_map(|r| documents(&read(root, r)))
                .collect();
            for r in list {
                remove(root, r);
            }
            write(root, &format!("{dir}all.yaml"), &stream(&docs));
            merged += 1;
        }
        assert!(merged >= 6, "{merged} folders merged");
    });
}

#[test]
fn one_stream_for_every_yaml_artifact() {
    let got = same_as_original(|root| {
        let mut docs = Vec::new();
        for rel in yaml_artifact_files(root) {
            docs.extend(documents(&read(root, &rel)));
            remove(root, &rel);
        }
        assert!(docs.len() > 100, "{} documents", docs.len());
        write(root, "management-system.yaml", &stream(&docs));
    });
    assert!(got.artifacts.len() > 100);
}

#[test]
fn nested_folders_and_free_file_names() {
    same_as_original(|root| {
        // Deeper folders, and names that reverse the order the files are read in.
        let all = artifact_files(root);
        let n = all.len();
        for (i, rel) in all.iter().enumerate() {
            let (dir, stem, ext) = split_path(rel);
            let dir = if dir.is_empty() { "top/" } else { dir };
            let new = format!(
                "ims/{dir}2026/q4/{:03}-{}{ext}",
                n - i,
                stem.replace('-', "_")
            );
            let text = read(root, rel);
            remove(root, rel);
            write(root, &new, &text);
        }
    });
}

// ---------------------------------------------------------------------------------------
// Markdown and YAML

#[test]
fn yaml_artifacts_as_markdown_front_matter() {
    same_as_original(|root| {
        let mut kinds = BTreeSet::new();
        for rel in yaml_artifact_files(root) {
            let (dir, stem, _) = split_path(&rel);
            let docs = documents(&read(root, &rel));
            remove(root, &rel);
            for (i, d) in docs.iter().enumerate() {
                let kind = d.lines().find_map(|l| l.strip_prefix("kind: ")).unwrap();
                let id = d.lines().find_map(|l| l.strip_prefix("id: ")).unwrap();
                kinds.insert(kind.to_string());
                let name = if docs.len() == 1 {
                    format!("{dir}{stem}.md")
                } else {
                    format!("{dir}{stem}-{}.md", i + 1)
                };
                write(
                    root,
                    &name,
                    &format!("---\n{d}---\n\n# {id}\n\nThe {kind} record, in Markdown.\n"),
                );
            }
        }
        assert_eq!(kinds.len(), 11, "{kinds:?}");
    });
}

#[test]
fn markdown_artifacts_as_yaml() {
    same_as_original(|root| {
        let mut moved = 0;
        for rel in markdown_artifact_files(root) {
            let text = read(root, &rel);
            let (fm, _body) = split_front_matter(&text).unwrap();
            let (dir, stem, _) = split_path(&rel);
            remove(root, &rel);
            write(root, &format!("{dir}{stem}.yaml"), fm);
            moved += 1;
        }
        // 6 policies, 7 procedures, 3 impact assessments.
        assert_eq!(moved, 16);
    });
}

// ---------------------------------------------------------------------------------------
// Encodings and file names

fn rename_yml(root: &Path) {
    let mut renamed = 0;
    for rel in files(root).into_iter().filter(|f| f.ends_with(".yaml")) {
        let text = read(root, &rel);
        remove(root, &rel);
        write(root, &rel.replace(".yaml", ".yml"), &text);
        renamed += 1;
    }
    assert!(renamed > 50);
}

fn crlf(root: &Path) {
    for rel in files(root).into_iter().filter(|f| is_text(f)) {
        let text = read(root, &rel);
        assert!(!text.contains('\r'), "{rel}");
        write(root, &rel, &text.replace('\n', "\r\n"));
    }
}

fn bom(root: &Path) {
    for rel in files(root).into_iter().filter(|f| is_text(f)) {
        let text = read(root, &rel);
        write(root, &rel, &format!("\u{feff}{text}"));
    }
}

#[test]
fn yml_extension() {
    same_as_original(rename_yml);
}

#[test]
fn crlf_line_ends() {
    same_as_original(crlf);
}

#[test]
fn byte_order_mark() {
    same_as_original(bom);
}

#[test]
fn byte_order_mark_crlf_and_yml_together() {
    same_as_original(|root| {
        rename_yml(root);
        crlf(root);
        bom(root);
    });
}

#[test]
fn other_files_and_documents_alongside() {
    same_as_original(|root| {
        write(
            root,
            "deploy/app.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: desk\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: desk-config\n",
        );
        write(
            root,
            "site/index.md",
            "---\ntitle: Brightwell trust centre\nkind: page\nlayout: home\n---\n\n# Trust\n",
        );
        write(root, "site/about.md", "# About\n\nNo front matter here.\n");
        write(
            root,
            "ci/pipeline.yml",
            "on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
        );
        // A document without `annexa` in the middle of an artifact stream.
        let text = read(root, "risks/platform.yaml");
        let docs = documents(&text);
        let mut with_other = vec![docs[0].clone()];
        with_other.push("# Not an artifact: a note kept with the register.\nkind: note\nid: RSK-NOTE\nowner: nobody\n".into());
        with_other.extend(docs[1..].iter().cloned());
        write(root, "risks/platform.yaml", &stream(&with_other));
    });
}

// ---------------------------------------------------------------------------------------
// YAML styles

/// A scalar that can stand as it is in a flow collection: plain without flow indicators, or
/// double-quoted without escapes.
fn flow_safe(v: &str) -> bool {
    if let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return !inner.contains(['"', '\\']);
    }
    !v.is_empty()
        && !v.contains([
            ',', '[', ']', '{', '}', '#', '"', '\'', '&', '*', '!', '|', '>',
        ])
        && !v.contains(": ")
        && !v.ends_with(':')
        && !v.starts_with(['-', '?', '%', '@', '`'])
}

/// Block lists of scalars and block mappings of scalars, rewritten as flow collections.
fn to_flow(yaml: &str) -> String {
    let lines: Vec<&str> = yaml.lines().collect();
    let cont = continuation_lines(&lines);
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if let (false, Some((col, _, ""))) = (cont[i], key_line(l)) {
            // The lines of its value: more indented, or items at its own column.
            let mut j = i + 1;
            while j < lines.len()
                && !lines[j].trim().is_empty()
                && (indent(lines[j]) > col
                    || (indent(lines[j]) == col && lines[j][col..].starts_with("- ")))
            {
                j += 1;
            }
            let children = &lines[i + 1..j];
            let items: Option<Vec<&str>> = children
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let (_, v) = item_line(c)?;
                    (!cont[i + 1 + k] && indent(c) == indent(children[0]) && flow_safe(v))
                        .then_some(v)
                })
                .collect();
            let pairs: Option<Vec<String>> = children
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let (kcol, key, v) = key_line(c)?;
                    (!cont[i + 1 + k]
                        && kcol == indent(c)
                        && indent(c) == indent(children[0])
                        && flow_safe(v))
                    .then(|| format!("{key}: {v}"))
                })
                .collect();
            let flow = match (items, pairs) {
                _ if children.is_empty() => None,
                (Some(items), _) => Some(format!("[{}]", items.join(", "))),
                (_, Some(pairs)) => Some(format!("{{ {} }}", pairs.join(", "))),
                _ => None,
            };
            if let Some(flow) = flow {
                out.push(format!("{l} {flow}"));
                i = j;
                continue;
            }
        }
        out.push(l.to_string());
        i += 1;
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

#[test]
fn flow_style() {
    same_as_original(|root| {
        map_yaml(root, to_flow);
        let control = read(root, "controls/access-review.yaml");
        assert!(control.contains("satisfies: [iso27001"), "{control}");
        assert!(control.contains("review: { interval: "), "{control}");
        let all: String = artifact_files(root).iter().map(|f| read(root, f)).collect();
        assert!(all.matches(": { ").count() > 100, "flow mappings");
    });
}

#[test]
fn block_style() {
    same_as_original(|root| {
        let mut rewritten = 0;
        map_yaml(root, |yaml| {
            map_lines(yaml, |l, next_continues| {
                let (col, key, value) = key_line(l)?;
                let inner = value.strip_prefix('[')?.strip_suffix(']')?;
                if next_continues || inner.trim().is_empty() {
                    return None;
                }
                let items: Vec<&str> = inner.split(',').map(str::trim).collect();
                if !items.iter().all(|v| flow_safe(v)) {
                    return None;
                }
                let mut s = format!("{}{key}:", &l[..col]);
                for v in items {
                    s.push_str(&format!("\n{}  - {v}", " ".repeat(col)));
                }
                Some(s)
            })
        });
        for rel in yaml_artifact_files(root) {
            rewritten += usize::from(!read(root, &rel).contains(": ["));
        }
        assert!(rewritten > 50, "{rewritten} files without flow lists");
    });
}

fn is_date(v: &str) -> bool {
    v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

fn is_id(v: &str) -> bool {
    v.contains('-')
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

fn is_reference(v: &str) -> bool {
    v.starts_with("iso") && v.contains(':') && v.contains('/') && !v.contains(' ')
}

#[test]
fn quoted_dates_ids_and_references() {
    same_as_original(|root| {
        let counter = std::cell::Cell::new(0usize);
        let quote = |v: &str| -> Option<String> {
            if !(is_date(v) || is_id(v) || is_reference(v)) {
                return None;
            }
            counter.set(counter.get() + 1);
            Some(match counter.get() % 3 {
                0 => format!("\"{v}\""),
                1 => format!("'{v}'"),
                _ if is_date(v) => format!("!!str {v}"),
                _ => format!("\"{v}\""),
            })
        };
        map_yaml(root, |yaml| {
            map_lines(yaml, |l, next_continues| {
                if next_continues {
                    return None;
                }
                if let Some((col, key, value)) = key_line(l) {
                    if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                        let items: Vec<String> = inner
                            .split(',')
                            .map(|v| quote(v.trim()).unwrap_or_else(|| v.trim().to_string()))
                            .collect();
                        return Some(format!("{}{key}: [{}]", &l[..col], items.join(", ")));
                    }
                    return quote(value).map(|q| format!("{}{key}: {q}", &l[..col]));
                }
                let (col, value) = item_line(l)?;
                quote(value).map(|q| format!("{}- {q}", &l[..col]))
            })
        });
        assert!(counter.get() > 500, "{} values quoted", counter.get());
    });
}

#[test]
fn folded_blocks_as_quoted_strings() {
    same_as_original(|root| {
        let mut converted = 0;
        map_yaml(root, |yaml| {
            let lines: Vec<&str> = yaml.lines().collect();
            let mut out: Vec<String> = Vec::new();
            let mut i = 0;
            while i < lines.len() {
                let l = lines[i];
                if let Some((col, key, header @ (">-" | ">"))) = key_line(l) {
                    // The block's lines: blank, or indented deeper than its key.
                    let mut end = i + 1;
                    while end < lines.len()
                        && (lines[end].trim().is_empty() || indent(lines[end]) > col)
                    {
                        end += 1;
                    }
                    // Trailing blank lines are not content (both chompings drop them).
                    let mut j = end;
                    while j > i + 1 && lines[j - 1].trim().is_empty() {
                        j -= 1;
                    }
                    let body = &lines[i + 1..j];
                    if !body.is_empty()
                        && body.iter().all(|b| !b.trim().is_empty())
                        && body.iter().all(|b| indent(b) == indent(body[0]))
                        && body.iter().all(|b| b == &b.trim_end())
                    {
                        let mut text = body.iter().map(|b| b.trim()).collect::<Vec<_>>().join(" ");
                        if header == ">" {
                            text.push('\n');
                        }
                        let quoted = serde_json::to_string(&text).unwrap();
                        out.push(format!("{}{key}: {quoted}", &l[..col]));
                        converted += 1;
                        i = j;
                        continue;
                    }
                }
                out.push(l.to_string());
                i += 1;
            }
            let mut s = out.join("\n");
            s.push('\n');
            s
        });
        assert!(converted > 150, "{converted} folded blocks");
        let all: String = artifact_files(root).iter().map(|f| read(root, f)).collect();
        assert!(!all.contains(": >"), "a folded block is left");
    });
}

#[test]
fn comments_everywhere() {
    same_as_original(|root| {
        // A schema modeline on top of every YAML file, as the README suggests.
        for rel in yaml_artifact_files(root) {
            let text = read(root, &rel);
            let kind = text.lines().find_map(|l| l.strip_prefix("kind: ")).unwrap();
            write(
                root,
                &rel,
                &format!(
                    "# yaml-language-server: $schema=https://annexa.dev/schemas/v1/{kind}.schema.json\n{text}"
                ),
            );
        }
        // A comment line before every key and item, and one after every one-line value.
        map_yaml(root, |yaml| {
            map_lines(yaml, |l, next_continues| {
                let col = if let Some((_, _, _)) = key_line(l) {
                    indent(l)
                } else {
                    item_line(l)?.0
                };
                let before = format!(
                    "{}# reviewed 2026-11 (see the change log)\n",
                    " ".repeat(col)
                );
                let value = key_line(l).map_or_else(|| item_line(l).unwrap().1, |(_, _, v)| v);
                let single = !value.is_empty()
                    && !next_continues
                    && !is_block_header(value)
                    && value.matches('[').count() == value.matches(']').count();
                let after = if single { "  # ok: checked" } else { "" };
                Some(format!("{before}{l}{after}"))
            })
        });
        // HTML comments in Markdown bodies.
        for rel in markdown_artifact_files(root) {
            let text = read(root, &rel);
            let (fm, body) = split_front_matter(&text).unwrap();
            let body = body.replace("\n## ", "\n<!-- section reviewed -->\n\n## ");
            write(
                root,
                &rel,
                &format!("---\n{fm}---\n<!-- document control above -->\n{body}\n<!-- end -->\n"),
            );
        }
    });
}

#[test]
fn directives_and_document_end_markers() {
    same_as_original(|root| {
        for rel in yaml_artifact_files(root) {
            let docs = documents(&read(root, &rel));
            let mut text = String::from("%YAML 1.2\n");
            for d in &docs {
                text.push_str("---\n");
                text.push_str(d);
                text.push_str("...\n");
            }
            write(root, &rel, &text);
        }
    });
}

#[test]
fn anchors_and_aliases() {
    same_as_original(|root| {
        let text = read(root, "soa.yaml");
        let mut anchored = BTreeSet::new();
        let out = map_lines(&text, |l, next_continues| {
            let (col, key, value) = key_line(l)?;
            if next_continues || !matches!(key, "status" | "applicable") {
                return None;
            }
            let name = format!("{key}-{value}");
            let node = if anchored.insert(name.clone()) {
                format!("&{name} {value}")
            } else {
                format!("*{name}")
            };
            Some(format!("{}{key}: {node}", &l[..col]))
        });
        assert!(out.matches(": *").count() > 100);
        write(root, "soa.yaml", &out);
    });
}

#[test]
fn markdown_headings_in_other_styles() {
    same_as_original(|root| {
        let mut changed = 0;
        for rel in markdown_artifact_files(root) {
            let text = read(root, &rel);
            let (fm, body) = split_front_matter(&text).unwrap();
            let mut out = String::new();
            let mut fenced = false;
            for (n, line) in body.lines().enumerate() {
                if line.starts_with("```") {
                    fenced = !fenced;
                }
                let heading = line.trim_start_matches('#');
                let level = line.len() - heading.len();
                if fenced || level == 0 || !heading.starts_with(' ') {
                    out.push_str(line);
                    out.push('\n');
                    continue;
                }
                let title = heading.trim();
                changed += 1;
                if n % 2 == 0 {
                    // Setext, lower case, a trailing colon.
                    let t = format!("{}:", title.to_lowercase());
                    let under = if level == 1 { "=" } else { "-" };
                    out.push_str(&format!("\n{t}\n{}\n", under.repeat(t.chars().count())));
                } else {
                    // ATX one level deeper, upper case, extra spaces, closing hashes.
                    out.push_str(&format!(
                        "{}   {}   ##\n",
                        "#".repeat((level + 1).min(6)),
                        title.to_uppercase()
                    ));
                }
            }
            write(root, &rel, &format!("---\n{fm}---\n{out}"));
        }
        assert!(changed > 50, "{changed} headings");
    });
}

// ---------------------------------------------------------------------------------------
// The scope

/// Two scope documents, one per framework: the original findings plus one SCO004 (the docs
/// want one scope), and the same coverage (the frameworks of every scope).
#[test]
fn scope_split_adds_only_sco004() {
    let (_dir, root) = common::fixture_copy("example-org");
    let text = read(&root, "scope.yaml");
    let start = text.find("frameworks:\n").unwrap() + "frameworks:\n".len();
    let end = start + text[start..].find("\nboundaries:").unwrap() + 1;
    let frameworks = &text[start..end];
    let second = frameworks.find("  - id: iso42001:2023").unwrap();
    let (isms, aims) = frameworks.split_at(second);
    write(
        &root,
        "scope.yaml",
        &format!("{}{isms}{}", &text[..start], &text[end..]),
    );
    let aims_scope = format!("{}{aims}{}", &text[..start], &text[end..])
        .replace("\nid: SCOPE\n", "\nid: SCOPE-AIMS\n");
    // After `scope.yaml` in path order, so that it is the second scope.
    write(&root, "scope2.yaml", &aims_scope);

    let got = read_repository(&root);
    let want = original();
    let mut expected = want.findings.clone();
    expected.push((
        "SCO004".into(),
        "SCOPE-AIMS".into(),
        "the repository has a second scope artifact".into(),
    ));
    expected.sort();
    assert_eq!(got.findings, expected);
    assert_eq!(got.totals, want.totals, "coverage totals");
}

/// The helpers transform what they claim to (a guard against a variant that silently does
/// nothing to a construct the example does not use).
#[test]
fn helpers() {
    assert_eq!(key_line("  - control: x"), Some((4, "control", "x")));
    assert_eq!(key_line("review:"), Some((0, "review", "")));
    assert_eq!(key_line("  - iso27001:2022/A.5.1"), None);
    assert_eq!(
        item_line("  - iso27001:2022/A.5.1"),
        Some((2, "iso27001:2022/A.5.1"))
    );
    assert_eq!(
        to_flow("a:\n  - x\n  - y\nb:\n  c: 1\n  d: 2026-01-01\ne: >-\n  t\n"),
        "a: [x, y]\nb: { c: 1, d: 2026-01-01 }\ne: >-\n  t\n"
    );
    let cont = continuation_lines(&["a: >-", "  t", "  u", "b:", "  - x", "c: d"]);
    assert_eq!(cont, [false, true, true, false, false, false]);
    assert_eq!(
        documents("# c\na: 1\nannexa: v1\n---\nannexa: v1\n").len(),
        2
    );
}
