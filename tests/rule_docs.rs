//! Every built-in code's documentation (shown by `annexa explain` and in SARIF `help`) has the
//! same four sections, in this order, none of them empty:
//!
//! ```text
//! ## What it does
//! ## Why it matters
//! ## How to fix
//! ## Reported at
//! ```
//!
//! Another `##` section may stand between two of them, never before the first or after the
//! last. Headings inside fenced code blocks do not count.
//!
//! Every built-in code also declares its `basis` (shown by `annexa explain`, in SARIF and in
//! the README): a rule says what requires it — clauses or controls that exist in the built-in
//! catalogs, each also among its `references` — what certification practice expects, or what
//! annexa chose; an engine code (and a rule about the tool rather than compliance, such as
//! `SCO001`) is marked `tool: true`.
//!
//! The sections each known `document_type` needs (`DOC011`, the parameter `document_sections`)
//! are listed in docs/artifacts.md exactly as the parameter has them.

/// The sections every entry must have, in order.
const REQUIRED: [&str; 4] = [
    "What it does",
    "Why it matters",
    "How to fix",
    "Reported at",
];

/// One `## ` section of a docs text: its heading and whether any text follows it.
#[derive(Debug)]
struct Section {
    heading: String,
    has_text: bool,
}

/// The `## ` sections of `docs`, and whether text stands before the first of them.
fn sections(docs: &str) -> (bool, Vec<Section>) {
    let mut preamble = false;
    let mut out: Vec<Section> = Vec::new();
    let mut fenced = false;
    for line in docs.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced && let Some(heading) = line.strip_prefix("## ") {
            out.push(Section {
                heading: heading.trim().to_string(),
                has_text: false,
            });
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(s) => s.has_text = true,
            None => preamble = true,
        }
    }
    (preamble, out)
}

/// What is wrong with one entry's docs, if anything.
fn problems(docs: &str) -> Vec<String> {
    let (preamble, sections) = sections(docs);
    let mut out = Vec::new();
    if preamble {
        out.push(format!("text before `## {}`", REQUIRED[0]));
    }
    // Positions of the required headings, each of which must occur exactly once.
    let mut positions = Vec::new();
    for want in REQUIRED {
        let at: Vec<usize> = sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.heading == want)
            .map(|(i, _)| i)
            .collect();
        match at.as_slice() {
            [] => out.push(format!("no `## {want}` section")),
            [i] => positions.push((want, *i)),
            _ => out.push(format!("`## {want}` occurs {} times", at.len())),
        }
    }
    if positions.windows(2).any(|w| w[0].1 > w[1].1) {
        let mut found = positions.clone();
        found.sort_by_key(|(_, i)| *i);
        let found: Vec<&str> = found.iter().map(|(h, _)| *h).collect();
        out.push(format!(
            "sections out of order: {} (expected {})",
            found.join(", "),
            REQUIRED.join(", ")
        ));
    }
    if positions.len() == REQUIRED.len() {
        let first = positions[0].1;
        let last = positions[REQUIRED.len() - 1].1;
        if first != 0 {
            out.push(format!("a section comes before `## {}`", REQUIRED[0]));
        }
        if last + 1 != sections.len() {
            out.push(format!("a section comes after `## {}`", REQUIRED[3]));
        }
    }
    for s in &sections {
        if !s.has_text {
            out.push(format!("`## {}` is empty", s.heading));
        }
    }
    out
}

#[test]
fn every_builtin_code_has_the_four_sections() {
    let registry = annexa::rules::builtin_registry();
    let mut failures = Vec::new();
    let mut checked = 0;
    for meta in registry.iter() {
        checked += 1;
        for p in problems(&meta.docs) {
            failures.push(format!("{}: {p}", meta.code));
        }
    }
    assert!(checked > 80, "only {checked} built-in codes found");
    assert!(
        failures.is_empty(),
        "rule docs (rules/*.yaml, `docs: |`) must have the sections {}, in order, none empty:\n  {}",
        REQUIRED.map(|h| format!("`## {h}`")).join(", "),
        failures.join("\n  ")
    );
}

/// What is wrong with one code's basis, if anything. `engine`: the code is one of annexa's
/// engine codes (`rules/engine.yaml`), which concern the tool, not compliance.
fn basis_problems(meta: &annexa::registry::RuleMeta, engine: bool) -> Vec<String> {
    let Some(basis) = &meta.basis else {
        return vec!["no `basis`".to_string()];
    };
    let mut out = basis.problems();
    if engine && !basis.tool {
        out.push("an engine code's basis is `tool: true`".to_string());
    }
    let catalogs = annexa::catalog::builtin()
        .as_ref()
        .expect("built-in catalogs");
    for r in &basis.requirement {
        if catalogs.requirement(r).is_none() {
            out.push(format!(
                "`basis.requirement` cites `{r}`, which no catalog holds"
            ));
        }
        if !meta.references.contains(r) {
            out.push(format!(
                "`basis.requirement` cites `{r}`, which `references` does not list"
            ));
        }
    }
    for r in &meta.references {
        if catalogs.requirement(r).is_none() {
            out.push(format!("`references` cites `{r}`, which no catalog holds"));
        }
    }
    out
}

#[test]
fn every_builtin_code_declares_its_basis() {
    let registry = annexa::rules::builtin_registry();
    let rules = annexa::rules::builtin().as_ref().expect("built-in rules");
    let mut failures = Vec::new();
    let (mut tool, mut compliance) = (0, 0);
    for meta in registry.iter() {
        let engine = !rules.rules.iter().any(|r| r.def.code == meta.code);
        if engine {
            tool += 1
        } else {
            compliance += 1
        }
        for p in basis_problems(meta, engine) {
            failures.push(format!("{}: {p}", meta.code));
        }
    }
    assert!(
        tool > 20 && compliance > 60,
        "{tool} engine codes, {compliance} rules"
    );
    assert!(
        failures.is_empty(),
        "every built-in code needs a `basis` (rules/*.yaml; docs/rules.md \"The fields of a rule\"):\n  {}",
        failures.join("\n  ")
    );
}

// The checkers themselves: they must catch each kind of defect, or the tests above prove
// nothing.

#[test]
fn a_missing_empty_or_misplaced_basis_fails() {
    use annexa::registry::Basis;
    let registry = annexa::rules::builtin_registry();
    let mut meta = registry.get("MR001").expect("MR001").clone();
    assert_eq!(basis_problems(&meta, false), Vec::<String>::new());
    meta.basis = None;
    assert_eq!(basis_problems(&meta, false), ["no `basis`"]);
    meta.basis = Some(Basis::default());
    assert_eq!(basis_problems(&meta, false).len(), 1);
    meta.basis = Some(Basis {
        tool: true,
        ..Basis::default()
    });
    assert_eq!(basis_problems(&meta, true), Vec::<String>::new());
    meta.basis = Some(Basis {
        tool: true,
        practice: Some("auditors ask".into()),
        ..Basis::default()
    });
    assert_eq!(basis_problems(&meta, true).len(), 1);
    meta.basis = Some(Basis {
        requirement: vec!["iso27001:2022/9.9".into(), "iso27001:2022/A.5.1".into()],
        ..Basis::default()
    });
    assert_eq!(
        basis_problems(&meta, false),
        [
            "`basis.requirement` cites `iso27001:2022/9.9`, which no catalog holds",
            "`basis.requirement` cites `iso27001:2022/9.9`, which `references` does not list",
            "`basis.requirement` cites `iso27001:2022/A.5.1`, which `references` does not list",
        ]
    );
    meta.basis = Some(Basis {
        default: Some("12 months".into()),
        ..Basis::default()
    });
    assert_eq!(
        basis_problems(&meta, true),
        ["an engine code's basis is `tool: true`"]
    );
}

const GOOD: &str = "## What it does\nChecks.\n\n## Why it matters\nBecause.\n\n\
                    ## How to fix\nFix it.\n\n## Reported at\nThe `id` value.\n";

#[test]
fn a_complete_entry_passes() {
    assert_eq!(problems(GOOD), Vec::<String>::new());
    let with_example = GOOD.replace(
        "## How to fix",
        "## Example\n```yaml\n## not a heading\nkind: control\n```\n\n## How to fix",
    );
    assert_eq!(problems(&with_example), Vec::<String>::new());
}

#[test]
fn a_missing_section_fails() {
    let docs = GOOD.replace("## Reported at\nThe `id` value.\n", "");
    assert_eq!(problems(&docs), ["no `## Reported at` section"]);
}

#[test]
fn sections_out_of_order_fail() {
    let docs = "## What it does\nChecks.\n## How to fix\nFix it.\n\
                ## Why it matters\nBecause.\n## Reported at\nThe `id` value.\n";
    assert_eq!(
        problems(docs),
        [
            "sections out of order: What it does, How to fix, Why it matters, Reported at \
          (expected What it does, Why it matters, How to fix, Reported at)"
        ]
    );
}

#[test]
fn an_empty_section_fails() {
    let docs = GOOD.replace("Because.\n", "\n");
    assert_eq!(problems(&docs), ["`## Why it matters` is empty"]);
    let docs = GOOD.replace("The `id` value.\n", "");
    assert_eq!(problems(&docs), ["`## Reported at` is empty"]);
}

#[test]
fn a_heading_inside_a_code_block_does_not_count() {
    let docs = GOOD.replace("## Reported at", "```\n## Reported at\n```");
    assert!(problems(&docs).contains(&"no `## Reported at` section".to_string()));
}

#[test]
fn text_or_sections_outside_the_four_fail() {
    assert_eq!(
        problems(&format!("Intro.\n\n{GOOD}")),
        ["text before `## What it does`"]
    );
    assert_eq!(
        problems(&format!("{GOOD}\n## Example\nMore.\n")),
        ["a section comes after `## Reported at`"]
    );
    assert_eq!(
        problems(&format!("{GOOD}\n## Reported at\nAgain.\n")),
        ["`## Reported at` occurs 2 times"]
    );
}

/// The names listed in `text` after `marker`, up to the first `.`, backquotes dropped, sorted.
fn listed_kinds(text: &str, marker: &str) -> Vec<String> {
    let rest = &text[text.find(marker).unwrap_or_else(|| panic!("{marker}")) + marker.len()..];
    let list = &rest[..rest.find('.').unwrap()];
    let mut names: Vec<String> = list
        .split(',')
        .map(|n| n.trim().trim_matches('`').to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn the_docs_list_every_kind() {
    let mut known: Vec<String> = annexa::model::Kind::ALL
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    known.sort();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let artifacts = read("docs/artifacts.md");
    assert_eq!(
        listed_kinds(&artifacts, "`kind` is one of:"),
        known,
        "docs/artifacts.md"
    );
    let engine = read("rules/engine.yaml");
    assert_eq!(
        listed_kinds(&engine, "The known kinds are:"),
        known,
        "KIND001's docs"
    );
}

/// The table of body sections in docs/artifacts.md lists exactly the parameter
/// `document_sections` of the built-in rules: every type, every section (by the name shown)
/// and every other way to write it, in order.
#[test]
fn the_document_sections_table_matches_the_parameter() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/artifacts.md"),
    )
    .unwrap();
    let table: Vec<(String, String, String)> = docs
        .split("### Body sections of the known document types")
        .nth(1)
        .expect("docs/artifacts.md has the section")
        .split("\n## ")
        .next()
        .unwrap()
        .lines()
        .skip_while(|l| !l.starts_with("|---"))
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].trim_matches('`').to_string(),
                cells[2].to_string(),
                cells[3].to_string(),
            )
        })
        .collect();
    let params = &annexa::rules::builtin().as_ref().unwrap().params;
    let mut want = Vec::new();
    for (kind, sections) in params["document_sections"].as_object().unwrap() {
        for s in sections.as_array().unwrap() {
            let names: Vec<&str> = match s {
                serde_json::Value::String(n) => vec![n.as_str()],
                other => other
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap())
                    .collect(),
            };
            want.push((kind.clone(), names[0].to_string(), names[1..].join(", ")));
        }
    }
    table
        .iter()
        .for_each(|row| assert!(want.contains(row), "not in the parameter: {row:?}"));
    want.iter()
        .for_each(|row| assert!(table.contains(row), "not in docs/artifacts.md: {row:?}"));
}
