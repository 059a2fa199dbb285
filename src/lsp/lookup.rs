//! What is under the cursor: the string scalar of an artifact at a byte offset, and what
//! such a string names. References are recognised by their value, not by the field they
//! sit in: a string equal to an artifact id names that artifact, and a string that is a
//! known `framework/id` names a requirement.

use serde_json::Value;

use crate::catalog::{Catalog, Catalogs, Requirement};
use crate::model::Artifact;
use crate::source::Span;
use std::sync::Arc;

/// A string scalar of an artifact.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scalar<'a> {
    pub value: &'a str,
    pub span: Span,
}

/// The innermost string scalar of the artifacts of `file` whose span contains `offset`
/// (a cursor just after the last character still counts).
pub(crate) fn scalar_at<'a>(
    artifacts: &'a [Arc<Artifact>],
    file: &str,
    offset: usize,
) -> Option<Scalar<'a>> {
    artifacts
        .iter()
        .filter(|a| a.file == file && a.span.start <= offset && offset <= a.span.end)
        .flat_map(|a| {
            a.spans
                .sorted()
                .into_iter()
                .filter_map(move |(pointer, spans)| {
                    let span = spans.value;
                    if !(span.start <= offset && offset <= span.end) {
                        return None;
                    }
                    match a.value.pointer(pointer) {
                        Some(Value::String(value)) => Some(Scalar { value, span }),
                        _ => None,
                    }
                })
        })
        .min_by_key(|s| (s.span.len(), s.span.start))
}

/// The artifacts with this id, in file order (more than one is a duplicate).
pub(crate) fn artifacts_with_id<'a>(
    artifacts: &'a [Arc<Artifact>],
    id: &'a str,
) -> impl Iterator<Item = &'a Artifact> + 'a {
    artifacts
        .iter()
        .filter(move |a| a.id.as_deref() == Some(id))
        .map(|a| &**a)
}

/// The requirement a `framework/id` string names, if a catalog knows it.
pub(crate) fn requirement<'a>(
    catalogs: &'a Catalogs,
    reference: &str,
) -> Option<(&'a Catalog, &'a Requirement)> {
    if !reference.contains('/') {
        return None;
    }
    catalogs.requirement(reference)
}

/// The `title` of an artifact, when it has one.
pub(crate) fn title(a: &Artifact) -> Option<&str> {
    a.value.get("title").and_then(Value::as_str)
}

/// Where an artifact is defined: its `id` value, else the document's anchor.
pub(crate) fn definition_span(a: &Artifact) -> Span {
    a.spans.get("/id").map_or_else(|| a.anchor(""), |s| s.value)
}
