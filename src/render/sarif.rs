//! The SARIF 2.1.0 format, for GitHub code scanning and SARIF viewers.
//!
//! One run; `tool.driver.rules` holds one entry per code that occurs in the results (sorted
//! by code, so `ruleIndex` is stable for a given set of findings) with the registry's
//! title, summary, docs and references. Columns count Unicode code points and end columns
//! are exclusive, as SARIF specifies. `partialFingerprints` carry
//! [`Diagnostic::fingerprint`], which ignores lines, so alerts survive lines moving.
//! The mapping is documented in `docs/output.md`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{RenderContext, Summary, about, resolve, resolved_suggestion};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::registry::RuleMeta;

/// The `$schema` of the log: the OASIS schema annexa's output is tested against.
pub(crate) const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// `tool.driver.informationUri`: annexa's page on crates.io, where its README and releases are.
pub(crate) const INFORMATION_URI: &str = "https://crates.io/crates/annexa";

/// The key of annexa's fingerprint in `partialFingerprints`. The suffix is bumped if the
/// fingerprint's recipe ever changes, so that old and new alerts are not confused.
pub(crate) const FINGERPRINT_KEY: &str = "annexa/v1";

/// Region snippets longer than this are left out: a label on a whole block would copy the
/// block into the log for no benefit.
const MAX_SNIPPET_BYTES: usize = 1024;

/// Render `diags` as a SARIF 2.1.0 log (pretty-printed JSON).
pub fn sarif(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    // Codes in first-seen order would make ruleIndex depend on the sort order of findings;
    // sorted codes depend only on which codes occur.
    let mut index: BTreeMap<&str, usize> = diags.iter().map(|d| (d.code.as_str(), 0)).collect();
    for (i, slot) in index.values_mut().enumerate() {
        *slot = i;
    }
    let help_uri = help_uri(ctx.tool_version);
    let rules: Vec<Value> = index
        .keys()
        .map(|code| rule(code, &help_uri, ctx))
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| result(d, index[d.code.as_str()], ctx))
        .collect();

    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "annexa",
                    "fullName": format!("annexa {}", ctx.tool_version),
                    "informationUri": INFORMATION_URI,
                    "version": ctx.tool_version,
                    "semanticVersion": ctx.tool_version,
                    "rules": rules,
                }
            },
            "automationDetails": { "id": automation_id(ctx) },
            "originalUriBaseIds": {
                "%SRCROOT%": {
                    "description": { "text": "The root of the repository annexa checked." }
                }
            },
            "invocations": [{
                "executionSuccessful": !Summary::of(diags, ctx.registry).incomplete,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// `runs[].automationDetails.id`: the same for every run of the same configuration, so that
/// code scanning and Azure DevOps tell analyses apart and match each run with the previous one.
/// It names where annexa's root is in the checkout (`annexa/compliance/`), so two annexa
/// repositories in one checkout are two analyses. The id ends with `/`: it is all category,
/// with no run-specific part.
fn automation_id(ctx: &RenderContext<'_>) -> String {
    format!("annexa/{}", ctx.path_prefix)
}

/// `rules[].helpUri`: the documentation of this version of annexa, whose README lists every
/// built-in code (a rule's own documentation is in `help`, and `annexa explain CODE`).
fn help_uri(version: &str) -> String {
    format!("https://docs.rs/crate/annexa/{version}#diagnostic-codes")
}

fn rule(code: &str, help_uri: &str, ctx: &RenderContext<'_>) -> Value {
    let Some(meta) = ctx.registry.get(code) else {
        // A code outside the registry (it should not happen, but a custom rule pack may be
        // out of step): an entry with only its id still lets viewers group the results.
        return json!({ "id": code });
    };
    let refs: Vec<String> = meta
        .references
        .iter()
        .map(|r| describe_reference(r))
        .collect();
    let mut full = meta.summary.trim().to_string();
    if !refs.is_empty() {
        full.push_str(&format!(" Derived from {}.", refs.join(", ")));
    }
    json!({
        "id": meta.code,
        "name": pascal_case(&meta.title),
        "shortDescription": { "text": meta.summary.trim() },
        "fullDescription": { "text": full },
        "help": { "text": help_text(meta, &refs), "markdown": help_markdown(meta, &refs) },
        "helpUri": help_uri,
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": properties(meta),
    })
}

/// The tags, and the basis as data when the code declares one.
fn properties(meta: &RuleMeta) -> Value {
    let mut props = Map::new();
    props.insert("tags".into(), json!(tags(meta)));
    if let Some(basis) = &meta.basis {
        props.insert("basis".into(), basis.to_json());
    }
    Value::Object(props)
}

/// The docs are Markdown, which reads well enough as plain text; the basis and the references
/// follow as lists, and a pointer to the same text in the terminal.
fn help_text(meta: &RuleMeta, refs: &[String]) -> String {
    let mut parts = vec![meta.docs.trim().to_string()];
    if let Some(basis) = &meta.basis {
        let list: Vec<String> = basis
            .lines()
            .iter()
            .map(|(label, text)| format!("- {label}: {text}"))
            .collect();
        parts.push(format!("Basis:\n{}", list.join("\n")));
    }
    if !refs.is_empty() {
        let list: Vec<String> = refs
            .iter()
            .zip(&meta.references)
            .map(|(r, raw)| format!("- {r} ({raw})"))
            .collect();
        parts.push(format!("References:\n{}", list.join("\n")));
    }
    parts.push(format!(
        "Run `annexa explain {}` to read this in a terminal.",
        meta.code
    ));
    parts.join("\n\n")
}

fn help_markdown(meta: &RuleMeta, refs: &[String]) -> String {
    let mut parts = vec![meta.docs.trim().to_string()];
    if let Some(basis) = &meta.basis {
        let list: Vec<String> = basis
            .lines()
            .iter()
            .map(|(label, text)| format!("- **{label}**: {text}"))
            .collect();
        parts.push(format!("## Basis\n\n{}", list.join("\n")));
    }
    if !refs.is_empty() {
        let list: Vec<String> = refs
            .iter()
            .zip(&meta.references)
            .map(|(r, raw)| format!("- {r} (`{raw}`)"))
            .collect();
        parts.push(format!("## References\n\n{}", list.join("\n")));
    }
    parts.push(format!(
        "`annexa explain {}` shows this in a terminal.",
        meta.code
    ));
    parts.join("\n\n")
}

/// Family, the frameworks and clause/control references, then the rule's own tags;
/// distinct, as the schema requires.
fn tags(meta: &RuleMeta) -> Vec<String> {
    let mut tags: Vec<String> = vec![meta.family.clone()];
    for r in &meta.references {
        tags.push(framework_of(r).to_string());
    }
    tags.extend(meta.references.iter().cloned());
    tags.extend(meta.tags.iter().cloned());
    let mut seen = std::collections::HashSet::new();
    tags.retain(|t| !t.is_empty() && seen.insert(t.clone()));
    tags
}

/// `iso27001:2022/A.5.15` → `iso27001`.
fn framework_of(reference: &str) -> &str {
    reference.split([':', '/']).next().unwrap_or(reference)
}

/// `iso27001:2022/A.5.15` → `ISO/IEC 27001:2022 control A.5.15`;
/// `iso42001:2023/6.1.4` → `ISO/IEC 42001:2023 clause 6.1.4`. Unknown shapes pass through.
pub(crate) fn describe_reference(reference: &str) -> String {
    let (standard, item) = match reference.split_once('/') {
        Some((s, i)) => (s, Some(i)),
        None => (reference, None),
    };
    let (framework, edition) = match standard.split_once(':') {
        Some((f, e)) => (f, Some(e)),
        None => (standard, None),
    };
    let mut s = match framework {
        "iso27001" => "ISO/IEC 27001".to_string(),
        "iso42001" => "ISO/IEC 42001".to_string(),
        "iso27701" => "ISO/IEC 27701".to_string(),
        "iso27002" => "ISO/IEC 27002".to_string(),
        other => other.to_string(),
    };
    if let Some(e) = edition {
        s.push(':');
        s.push_str(e);
    }
    match item {
        Some(i) if i.starts_with("A.") => s.push_str(&format!(" control {i}")),
        Some(i) if i.starts_with(|c: char| c.is_ascii_digit()) => {
            s.push_str(&format!(" clause {i}"))
        }
        Some(i) => s.push_str(&format!(" {i}")),
        None => {}
    }
    s
}

/// `missing SoA entry` → `MissingSoAEntry` (SARIF `name`: an identifier-like form of the
/// title, distinct from the id).
fn pascal_case(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
            first.unwrap_or_default() + chars.as_str()
        })
        .collect()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn result(d: &Diagnostic, rule_index: usize, ctx: &RenderContext<'_>) -> Value {
    let text = d.text();
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(d.code));
    r.insert("ruleIndex".into(), json!(rule_index));
    r.insert("level".into(), json!(level(d.severity)));
    r.insert("message".into(), json!({ "text": text }));

    let physical_location = match &d.location {
        Some(loc) => physical(loc, ctx),
        // GitHub code scanning requires a location with a line: attach repository-level
        // findings to the first line of the configuration file.
        None => json!({
            "artifactLocation": artifact(&ctx.root_path()),
            "region": { "startLine": 1 },
        }),
    };
    let mut location = Map::new();
    location.insert("physicalLocation".into(), physical_location);
    if let Some(label) = &d.label {
        location.insert("message".into(), json!({ "text": label }));
    }
    r.insert("locations".into(), json!([location]));

    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical(&rel.location, ctx),
                    "message": { "text": rel.message },
                })
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    if let Some(fix) = fix(d, ctx) {
        r.insert("fixes".into(), json!([fix]));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: d.fingerprint() }),
    );
    r.insert("properties".into(), json!({ "about": about(ctx, d) }));
    Value::Object(r)
}

/// The single-edit suggestion as a SARIF `fix`: one replacement at the exact region of the
/// finding's file. None when there is no suggestion or its file is not in the source map.
fn fix(d: &Diagnostic, ctx: &RenderContext<'_>) -> Option<Value> {
    let (r, replacement) = resolved_suggestion(ctx, d)?;
    let description = match r.text() {
        "" => format!("insert `{replacement}`"),
        old => format!("replace `{old}` with `{replacement}`"),
    };
    Some(json!({
        "description": { "text": description },
        "artifactChanges": [{
            "artifactLocation": artifact(&ctx.checkout_path(d.file().unwrap_or_default())),
            "replacements": [{
                "deletedRegion": {
                    "startLine": r.start_lc.line,
                    "startColumn": r.start_lc.column,
                    "endLine": r.end_lc.line,
                    "endColumn": r.end_lc.column,
                },
                "insertedContent": { "text": replacement },
            }],
        }],
    }))
}

/// The `physicalLocation` of a location. A file missing from the source map (it could
/// not be read) gets line 1, since lines cannot be computed and GitHub requires one.
fn physical(loc: &Location, ctx: &RenderContext<'_>) -> Value {
    let region = match resolve(ctx, loc) {
        Some(r) => {
            let mut region = json!({
                "startLine": r.start_lc.line,
                "startColumn": r.start_lc.column,
                "endLine": r.end_lc.line,
                "endColumn": r.end_lc.column,
            });
            let snippet = r.text();
            if !snippet.is_empty() && snippet.len() <= MAX_SNIPPET_BYTES {
                region["snippet"] = json!({ "text": snippet });
            }
            region
        }
        None => json!({ "startLine": 1 }),
    };
    json!({ "artifactLocation": artifact(&ctx.checkout_path(&loc.file)), "region": region })
}

fn artifact(path: &str) -> Value {
    json!({ "uri": encode_uri_path(path), "uriBaseId": "%SRCROOT%" })
}

/// Percent-encode a repository-relative path for a URI reference: everything but RFC 3986
/// unreserved characters and `/` (so spaces, `#`, `?`, `%` and non-ASCII are encoded).
pub(crate) fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            encode_uri_path("ai systems/é#1.yaml"),
            "ai%20systems/%C3%A9%231.yaml"
        );
        assert_eq!(encode_uri_path("a/b-c_d.~e"), "a/b-c_d.~e");
        assert_eq!(encode_uri_path("100%.md"), "100%25.md");
    }

    #[test]
    fn references_read_as_prose() {
        assert_eq!(
            describe_reference("iso27001:2022/A.5.15"),
            "ISO/IEC 27001:2022 control A.5.15"
        );
        assert_eq!(
            describe_reference("iso42001:2023/6.1.4"),
            "ISO/IEC 42001:2023 clause 6.1.4"
        );
        assert_eq!(describe_reference("eu-ai-act/Art.14"), "eu-ai-act Art.14");
        assert_eq!(describe_reference("iso42001"), "ISO/IEC 42001");
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("YAML syntax error"), "YAMLSyntaxError");
        assert_eq!(
            pascal_case("control missing from the SoA"),
            "ControlMissingFromTheSoA"
        );
        assert_eq!(pascal_case(""), "");
    }
}
