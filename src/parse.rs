//! The parse stage: one source file → its artifacts and its syntax diagnostics.
//!
//! A YAML document, or Markdown front matter, is an artifact when it is a mapping with an
//! `annexa:` key. A YAML file whose text never mentions such a key cannot hold an artifact
//! and is not parsed at all (so other YAML in the repository — CI workflows, Kubernetes
//! manifests, templates — is ignored silently, even when it is not valid YAML).

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::discover::Format;
use crate::markdown;
use crate::model::kind::FORMAT_VERSION;
use crate::model::{Artifact, Kind};
use crate::source::SourceFile;
use crate::suggest::{did_you_mean, scalar_edit};
use crate::yaml::{self, Comment, Document, Limits, YamlError};

/// What one file yields.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub artifacts: Vec<Artifact>,
    pub diagnostics: Vec<Diagnostic>,
    /// YAML comments (for YAML files) — inline suppressions read them.
    pub comments: Vec<Comment>,
    /// HTML comments (for Markdown files).
    pub html_comments: Vec<markdown::HtmlComment>,
}

/// Could this text hold an artifact marker? A cheap test that spares a full parse.
pub(crate) fn may_hold_artifact(text: &str) -> bool {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    MARKER
        .get_or_init(|| {
            Regex::new(r#"(?m)(^|[\s{,\x{feff}])["']?annexa["']?\s*:"#).expect("valid regex")
        })
        .is_match(text)
}

pub(crate) fn parse(file: &SourceFile, format: Format, limits: &Limits) -> Parsed {
    let mut out = Parsed::default();
    if !may_hold_artifact(&file.text) {
        return out;
    }
    let (loaded, headings) = match format {
        Format::Yaml => (yaml::load(&file.text, limits), Vec::new()),
        Format::Markdown => {
            let md = markdown::parse(&file.text, limits);
            out.html_comments = md.comments;
            (md.yaml, md.headings)
        }
    };
    out.diagnostics
        .extend(loaded.errors.iter().map(|e| yaml_diagnostic(e, &file.rel)));
    out.comments = loaded.comments;
    for (index, doc) in loaded.documents.into_iter().enumerate() {
        if !doc.ok {
            continue;
        }
        match extract(doc, index, file, format, &headings) {
            Extracted::None => {}
            Extracted::Artifact(a) => out.artifacts.push(*a),
            Extracted::Problem(d) => out.diagnostics.push(*d),
        }
    }
    out
}

/// A loader error as a diagnostic in file `rel`.
pub(crate) fn yaml_diagnostic(e: &YamlError, rel: &str) -> Diagnostic {
    let mut d = Diagnostic::error(e.code, e.message.clone())
        .at(rel, e.span)
        .with_label(e.label.clone())
        .with_entity(
            None,
            Some(format!("{}@{}", e.code, e.document.unwrap_or(0))),
        );
    if let Some(h) = &e.help {
        d = d.with_help(h.clone());
    }
    if let Some((span, message)) = &e.related {
        d = d.with_related(rel, *span, message.clone());
    }
    d
}

enum Extracted {
    None,
    Artifact(Box<Artifact>),
    Problem(Box<Diagnostic>),
}

fn extract(
    doc: Document,
    index: usize,
    file: &SourceFile,
    format: Format,
    headings: &[markdown::Heading],
) -> Extracted {
    let Value::Object(map) = &doc.value else {
        return Extracted::None;
    };
    let Some(marker) = map.get("annexa") else {
        return Extracted::None;
    };
    let rel = file.rel.as_str();
    let key_span = |p: &str| {
        doc.spans
            .get(p)
            .map(|s| s.key.unwrap_or(s.value))
            .unwrap_or(doc.span)
    };
    let value_span = |p: &str| doc.spans.get(p).map(|s| s.value).unwrap_or(doc.span);
    let id = map.get("id").and_then(Value::as_str).map(str::to_string);
    let entity = |field: &str| (id.clone(), Some(format!("{field}@{index}")));

    if marker.as_str() != Some(FORMAT_VERSION) {
        let (a, f) = entity("/annexa");
        return problem(
            Diagnostic::error(
                codes::KIND002,
                format!(
                    "unsupported format version `{}`; this release reads `annexa: {FORMAT_VERSION}`",
                    marker.as_str().map_or_else(|| marker.to_string(), str::to_string)
                ),
            )
            .at(rel, value_span("/annexa"))
            .with_label("unsupported version")
            .with_help(format!("write `annexa: {FORMAT_VERSION}`"))
            .with_entity(a, f),
        );
    }
    let kind_name = match map.get("kind") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            let (a, f) = entity("/kind");
            return problem(
                Diagnostic::error(
                    codes::KIND003,
                    format!("`kind` must be a string, found {}", type_name(other)),
                )
                .at(rel, value_span("/kind"))
                .with_label("not a kind name")
                .with_help(known_kinds_help())
                .with_entity(a, f),
            );
        }
        None => {
            let (a, f) = entity("/kind");
            return problem(
                Diagnostic::error(codes::KIND003, "artifact has `annexa:` but no `kind:`")
                    .at(rel, key_span("/annexa"))
                    .with_label("this marks the document as an artifact")
                    .with_help(known_kinds_help())
                    .with_entity(a, f),
            );
        }
    };
    let Some(kind) = Kind::from_name(kind_name) else {
        let (a, f) = entity("/kind");
        let mut d = Diagnostic::error(
            codes::KIND001,
            format!("unknown artifact kind `{kind_name}`"),
        )
        .at(rel, value_span("/kind"))
        .with_entity(a, f);
        d = match did_you_mean(kind_name, Kind::ALL.iter().map(|k| k.name())) {
            Some(s) => {
                let span = value_span("/kind");
                d = d
                    .with_label(format!("did you mean `{s}`?"))
                    .with_help(known_kinds_help());
                match scalar_edit(span, kind_name, s) {
                    Some((span, fix)) => d.with_suggestion(span, fix),
                    None => d,
                }
            }
            None => d.with_label("unknown kind").with_help(known_kinds_help()),
        };
        return problem(d);
    };
    Extracted::Artifact(Box::new(Artifact {
        kind,
        id,
        file: rel.to_string(),
        document: index,
        format,
        span: doc.span,
        value: doc.value,
        spans: doc.spans,
        headings: if format == Format::Markdown {
            headings.to_vec()
        } else {
            Vec::new()
        },
    }))
}

fn problem(d: Diagnostic) -> Extracted {
    Extracted::Problem(Box::new(d))
}

fn known_kinds_help() -> String {
    let names: Vec<_> = Kind::ALL.iter().map(|k| k.name()).collect();
    format!("known kinds: {}", names.join(", "))
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_prefilter() {
        assert!(may_hold_artifact("annexa: v1\nkind: control\n"));
        assert!(may_hold_artifact("---\n\"annexa\": v1\n"));
        assert!(may_hold_artifact("{annexa: v1, kind: risk}"));
        // A byte-order mark before the first key.
        assert!(may_hold_artifact("\u{feff}annexa: v1\nkind: control\n"));
        assert!(!may_hold_artifact(
            "apiVersion: apps/v1\nkind: Deployment\n"
        ));
        assert!(!may_hold_artifact("notannexa: 1\n"));
    }

    #[test]
    fn did_you_mean_finds_typos() {
        let kinds = Kind::ALL.iter().map(|k| k.name());
        assert_eq!(did_you_mean("controll", kinds.clone()), Some("control"));
        assert_eq!(did_you_mean("ai_system", kinds.clone()), Some("ai-system"));
        assert_eq!(did_you_mean("zzzz", kinds), None);
    }
}
