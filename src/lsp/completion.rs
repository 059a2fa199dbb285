//! `textDocument/completion`: what may be written at the cursor.
//!
//! - a key: the fields of the mapping's schema not yet written, required ones first, with
//!   their descriptions (`annexa` and `kind` at the top of a document without a kind);
//! - a value with fixed values (`status`, `kind`): those values;
//! - an artifact reference (`supports`, `treatment.controls`, `ai_system`…): the ids of the
//!   artifacts of the kinds the rules accept there, with their titles;
//! - a requirement reference (`satisfies`, an SoA entry's `control`): `framework/id` of every
//!   catalog's requirements (Annex A controls only where the rules demand them), with titles.
//!
//! The cursor's context comes from the text ([`super::context`]), the fields from the
//! schemas ([`super::schema`]), what references name from the rules ([`super::targets`]).
//! Lists are cut at [`LIMIT`] items matching the word typed so far, and marked incomplete
//! so that the editor asks again as the word grows.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, Documentation,
    MarkupContent, MarkupKind, Range, TextEdit,
};
use serde_json::Value;
use std::sync::Arc;

use super::context::{self, Context, What};
use super::lookup;
use super::schema::Node;
use super::targets;
use crate::catalog::Catalogs;
use crate::model::{Artifact, Kind};

/// At most this many items are returned.
pub(crate) const LIMIT: usize = 200;

/// One suggestion, before it is placed in the document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    pub label: String,
    pub insert: String,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub kind: CompletionItemKind,
}

/// What the editor shows at byte `offset` of `text`, whose YAML lies in `region`.
pub(crate) fn candidates(
    text: &str,
    region: std::ops::Range<usize>,
    offset: usize,
    artifacts: &[Arc<Artifact>],
    catalogs: &Catalogs,
) -> Option<(Context, Vec<Candidate>, bool)> {
    let cx = context::at(text, region, offset)?;
    let kind = cx.kind.as_deref().and_then(Kind::from_name);
    let mut out = match (kind, cx.what, cx.path.as_slice()) {
        // A document that does not say its kind yet.
        (None, What::Key, []) => ["annexa", "kind"]
            .into_iter()
            .filter(|k| !cx.siblings.iter().any(|s| s == k))
            .map(|k| field(k, None))
            .collect(),
        (_, What::Value, [context::Segment::Key(k)]) if k == "kind" => Kind::ALL
            .into_iter()
            .map(|k| value(k.name(), None))
            .collect(),
        (_, What::Value, [context::Segment::Key(k)]) if k == "annexa" => vec![value("v1", None)],
        (Some(kind), ..) => in_schema(&cx, kind, artifacts, catalogs),
        (None, ..) => Vec::new(),
    };
    let wanted = cx.prefix.to_lowercase();
    out.retain(|c| c.label.to_lowercase().contains(&wanted));
    let incomplete = out.len() > LIMIT;
    out.truncate(LIMIT);
    Some((cx, out, incomplete))
}

fn in_schema(
    cx: &Context,
    kind: Kind,
    artifacts: &[Arc<Artifact>],
    catalogs: &Catalogs,
) -> Vec<Candidate> {
    let Some(node) = Node::root(kind).and_then(|root| root.at(&cx.path)) else {
        return Vec::new();
    };
    let keys = match cx.what {
        What::Key => true,
        What::Item => node.is_mapping(),
        What::Value => false,
    };
    if keys {
        return node
            .fields()
            .into_iter()
            .filter(|f| !cx.siblings.iter().any(|s| s == f.name))
            .map(|f| {
                let mut c = field(f.name, f.description);
                if f.required {
                    c.detail = Some("required".into());
                }
                c
            })
            .collect();
    }
    let node = node.item_or_self();
    let definitions = node.definitions();
    if definitions.contains(&"idRef") {
        return ids(targets::id_kinds(kind, &cx.path), artifacts, &cx.prefix);
    }
    if definitions.contains(&"requirementRef") {
        return requirements(catalogs, targets::requirement_type(kind, &cx.path));
    }
    node.fixed_values()
        .into_iter()
        .map(|v| match v {
            Value::String(s) => value(s, None),
            other => value(&other.to_string(), None),
        })
        .collect()
}

fn field(name: &str, description: Option<&str>) -> Candidate {
    Candidate {
        label: name.to_string(),
        insert: format!("{name}: "),
        detail: None,
        documentation: description.map(str::to_string),
        kind: CompletionItemKind::FIELD,
    }
}

fn value(v: &str, detail: Option<String>) -> Candidate {
    Candidate {
        label: v.to_string(),
        insert: v.to_string(),
        detail,
        documentation: None,
        kind: CompletionItemKind::ENUM_MEMBER,
    }
}

/// The ids of the artifacts of `kinds` (any kind when empty) that contain `prefix`, each
/// once, in repository order.
fn ids(kinds: &[Kind], artifacts: &[Arc<Artifact>], prefix: &str) -> Vec<Candidate> {
    let wanted = prefix.to_lowercase();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for a in artifacts {
        if !kinds.is_empty() && !kinds.contains(&a.kind) {
            continue;
        }
        let Some(id) = a.id.as_deref() else { continue };
        if !id.to_lowercase().contains(&wanted) || !seen.insert(id) {
            continue;
        }
        out.push(Candidate {
            label: id.to_string(),
            insert: id.to_string(),
            detail: Some(match lookup::title(a) {
                Some(t) => format!("{} — {t}", a.kind),
                None => a.kind.to_string(),
            }),
            documentation: Some(format!("`{}`", a.file)),
            kind: CompletionItemKind::REFERENCE,
        });
        if out.len() > LIMIT {
            break;
        }
    }
    out
}

/// Every requirement of every catalog as `framework/id`, of `requirement_type` when given.
fn requirements(catalogs: &Catalogs, requirement_type: Option<&str>) -> Vec<Candidate> {
    catalogs
        .iter()
        .flat_map(|c| {
            c.requirements
                .iter()
                .filter(move |r| requirement_type.is_none_or(|t| r.kind == t))
                .map(move |r| Candidate {
                    label: format!("{}/{}", c.framework, r.id),
                    insert: format!("{}/{}", c.framework, r.id),
                    detail: Some(r.title.clone()),
                    documentation: Some(format!("{} · {}", c.title, r.kind)),
                    kind: CompletionItemKind::REFERENCE,
                })
        })
        .collect()
}

/// The protocol's list: each candidate replaces the word typed so far (`range`).
pub(crate) fn list(candidates: Vec<Candidate>, range: Range, incomplete: bool) -> CompletionList {
    let items = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| CompletionItem {
            filter_text: Some(c.label.clone()),
            sort_text: Some(format!("{i:05}")),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range,
                new_text: c.insert,
            })),
            label: c.label,
            kind: Some(c.kind),
            detail: c.detail,
            documentation: c.documentation.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            ..Default::default()
        })
        .collect();
    CompletionList {
        is_incomplete: incomplete,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<String> {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        let catalogs = crate::catalog::builtin().as_ref().unwrap();
        let (_, found, _) = candidates(&text, 0..text.len(), offset, &[], catalogs).unwrap();
        found.into_iter().map(|c| c.label).collect()
    }

    #[test]
    fn fields_kinds_values_and_requirements() {
        assert_eq!(labels("annexa: v1\n|"), ["kind"]);
        assert!(labels("annexa: v1\nkind: |").contains(&"risk".to_string()));
        let fields = labels("annexa: v1\nkind: control\n|");
        assert_eq!(fields[0], "id");
        assert!(!fields.contains(&"kind".to_string()));
        assert_eq!(
            labels("kind: control\nstatus: part|"),
            ["partial".to_string()]
        );
        let controls =
            labels("kind: statement-of-applicability\nentries:\n  - control: iso27001:2022/A.5.1|");
        assert!(controls.contains(&"iso27001:2022/A.5.15".to_string()));
        assert!(controls.iter().all(|c| c.contains("/A.")), "{controls:?}");
        let clauses = labels("kind: control\nsatisfies: [iso42001:2023/6.1|");
        assert!(clauses.contains(&"iso42001:2023/6.1.4".to_string()));
    }
}
