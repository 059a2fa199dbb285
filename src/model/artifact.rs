//! An artifact: one YAML document (or Markdown front matter) marked `annexa: v1`.

use serde_json::Value;

use crate::discover::Format;
use crate::markdown::Heading;
use crate::model::Kind;
use crate::pointer::Pointer;
use crate::source::Span;
use crate::yaml::SpanMap;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Artifact {
    pub kind: Kind,
    /// The `id` field, when it is a string (the schema reports it otherwise).
    pub id: Option<String>,
    /// Repository-relative path of the file that holds it.
    pub file: String,
    /// Index of the document in its file's YAML stream (0 for front matter).
    pub document: usize,
    pub format: Format,
    #[serde(with = "json_text")]
    pub value: Value,
    pub spans: SpanMap,
    /// The whole document (or front matter).
    pub span: Span,
    /// Headings of the Markdown body (empty for YAML artifacts).
    pub headings: Vec<Heading>,
}

/// A JSON value kept as its JSON text (the result cache's compact encoding cannot carry a
/// self-describing value).
mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;

    pub(super) fn serialize<S: Serializer>(v: &Value, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(v).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        let text = <&str>::deserialize(d)?;
        serde_json::from_str(text).map_err(serde::de::Error::custom)
    }
}

/// A document with its spans: what findings are located in. Artifacts, rule files and
/// catalogs all are one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DocView<'a> {
    pub file: &'a str,
    pub value: &'a Value,
    pub spans: &'a SpanMap,
    /// The whole document.
    pub span: Span,
}

impl DocView<'_> {
    /// The span of the value at `pointer`, or of its nearest ancestor that exists.
    pub(crate) fn value_span(&self, pointer: &str) -> Span {
        self.spans
            .nearest(pointer)
            .map(|(_, s)| s.value)
            .unwrap_or(self.span)
    }

    /// The span of the key at `pointer` when it is a mapping entry, else of its value.
    pub(crate) fn key_span(&self, pointer: &str) -> Span {
        match self.spans.get(pointer) {
            Some(s) => s.key.unwrap_or(s.value),
            None => self.value_span(pointer),
        }
    }

    /// Where to label a finding about the node at `pointer`: the document itself is labelled
    /// at its `id` (else its `kind`); a mapping or list at its key, so the label covers one
    /// line rather than the whole collection; a scalar at its value.
    pub(crate) fn anchor(&self, pointer: &str) -> Span {
        if pointer.is_empty() {
            return self.root_anchor();
        }
        match (self.spans.get(pointer), self.value.pointer(pointer)) {
            (Some(s), Some(v)) if v.is_object() || v.is_array() => match s.key {
                Some(k) => k,
                None => self.first_key_span(pointer).unwrap_or(s.value),
            },
            (Some(s), _) => s.value,
            (None, _) => self.missing_anchor(pointer),
        }
    }

    /// Where to label a node that is missing: the key of its parent mapping; for an item of
    /// a list, that item's first key; for the document itself, its `id`.
    pub(crate) fn missing_anchor(&self, pointer: &str) -> Span {
        let mut parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
        loop {
            if parent.is_empty() {
                return self.root_anchor();
            }
            if let Some(s) = self.spans.get(parent) {
                return match s.key {
                    Some(k) => k,
                    None => self.first_key_span(parent).unwrap_or(s.value),
                };
            }
            parent = parent.rsplit_once('/').map_or("", |(p, _)| p);
        }
    }

    fn root_anchor(&self) -> Span {
        ["/id", "/kind"]
            .iter()
            .find_map(|p| self.spans.get(p).map(|s| s.value))
            .or_else(|| self.first_key_span(""))
            .unwrap_or(self.span)
    }

    /// The key span of the first entry of the mapping at `pointer`.
    fn first_key_span(&self, pointer: &str) -> Option<Span> {
        let first = self.value.pointer(pointer)?.as_object()?.keys().next()?;
        let child = Pointer::from(pointer).child(first);
        self.spans.get(&child).and_then(|s| s.key)
    }
}

impl Artifact {
    pub(crate) fn view(&self) -> DocView<'_> {
        DocView {
            file: &self.file,
            value: &self.value,
            spans: &self.spans,
            span: self.span,
        }
    }

    pub(crate) fn value_span(&self, pointer: &str) -> Span {
        self.view().value_span(pointer)
    }

    pub fn key_span(&self, pointer: &str) -> Span {
        self.view().key_span(pointer)
    }

    pub(crate) fn anchor(&self, pointer: &str) -> Span {
        self.view().anchor(pointer)
    }

    pub(crate) fn missing_anchor(&self, pointer: &str) -> Span {
        self.view().missing_anchor(pointer)
    }

    /// A short name for messages: `control `CTL-1``, or `control in `soa.yaml`` without an id.
    pub(crate) fn describe(&self) -> String {
        match &self.id {
            Some(id) => format!("{} `{id}`", self.kind),
            None => format!("{} in `{}`", self.kind, self.file),
        }
    }
}
