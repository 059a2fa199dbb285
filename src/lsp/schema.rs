//! The kinds' JSON Schemas read as a map of what may be written where: the fields of a
//! mapping (with their descriptions), and what a value is — one of fixed values, a reference
//! to an artifact (`idRef`) or to a requirement (`requirementRef`).
//!
//! The schemas are the ones `validate` checks with (`Kind::schema_source`), so completion
//! offers exactly what validation accepts.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::context::Segment;
use crate::model::Kind;

const COMMON: &str = "common.schema.json";

/// The parsed schemas, once.
fn schemas() -> &'static (HashMap<Kind, Value>, Value) {
    static SCHEMAS: OnceLock<(HashMap<Kind, Value>, Value)> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let parse = |s: &str| serde_json::from_str(s).unwrap_or(Value::Null);
        let kinds = Kind::ALL
            .into_iter()
            .map(|k| (k, parse(k.schema_source())))
            .collect();
        let common = parse(crate::validate::shared_schema(COMMON).unwrap_or("null"));
        (kinds, common)
    })
}

/// A node of a schema, its `$ref`s followed, with the document it lies in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'s> {
    value: &'s Value,
    document: &'s Value,
    /// The last shared definition passed through (`idRef`, `requirementRef`…).
    pub definition: Option<&'s str>,
}

/// A field a mapping may have.
#[derive(Debug, Clone)]
pub(crate) struct Field<'s> {
    pub name: &'s str,
    pub description: Option<&'s str>,
    pub required: bool,
}

impl<'s> Node<'s> {
    /// The root of a kind's schema.
    pub(crate) fn root(kind: Kind) -> Option<Node<'static>> {
        let (kinds, _) = schemas();
        let document = kinds.get(&kind)?;
        Some(Node {
            value: document,
            document,
            definition: None,
        })
    }

    /// The node at `path` below this one.
    pub(crate) fn at(self, path: &[Segment]) -> Option<Node<'s>> {
        path.iter()
            .try_fold(self, |node, segment| node.child(segment))
    }

    fn child(self, segment: &Segment) -> Option<Node<'s>> {
        self.alternatives().into_iter().find_map(|n| {
            let child = match segment {
                Segment::Key(k) => n.value.get("properties")?.get(k.as_str())?,
                Segment::Item => n.value.get("items")?,
            };
            Some(n.with(child).resolved())
        })
    }

    fn with(self, value: &'s Value) -> Node<'s> {
        Node {
            value,
            document: self.document,
            definition: None,
        }
    }

    /// Follow `$ref`s (local ones and those into the shared schema).
    fn resolved(mut self) -> Node<'s> {
        let (_, common) = schemas();
        for _ in 0..16 {
            let Some(reference) = self.value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let (document, pointer) = match reference.split_once('#') {
                Some(("", p)) => (self.document, p),
                Some((COMMON, p)) => (common, p),
                _ => break,
            };
            let Some(target) = document.pointer(pointer) else {
                break;
            };
            self = Node {
                value: target,
                document,
                definition: pointer.rsplit('/').next().or(self.definition),
            };
        }
        self
    }

    /// This node and, recursively, the branches of its `oneOf` / `anyOf` / `allOf`.
    fn alternatives(self) -> Vec<Node<'s>> {
        let mut out = vec![self];
        let mut i = 0;
        while i < out.len() && out.len() < 64 {
            let n = out[i];
            for key in ["oneOf", "anyOf", "allOf"] {
                for branch in n
                    .value
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let mut b = n.with(branch).resolved();
                    b.definition = b.definition.or(n.definition);
                    out.push(b);
                }
            }
            i += 1;
        }
        out
    }

    /// The fields of the mapping this node describes, required ones first.
    pub(crate) fn fields(self) -> Vec<Field<'s>> {
        let mut out: Vec<Field<'s>> = Vec::new();
        for n in self.alternatives() {
            let required: Vec<&str> = n
                .value
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let properties = n.value.get("properties").and_then(Value::as_object);
            for (name, schema) in properties.into_iter().flatten() {
                if out.iter().any(|f| f.name == name) {
                    continue;
                }
                out.push(Field {
                    name,
                    description: schema.get("description").and_then(Value::as_str),
                    required: required.contains(&name.as_str()),
                });
            }
        }
        out.sort_by_key(|f| !f.required);
        out
    }

    /// Whether the node describes a mapping.
    pub(crate) fn is_mapping(self) -> bool {
        self.alternatives().iter().any(|n| {
            n.value.get("type").and_then(Value::as_str) == Some("object")
                || n.value.get("properties").is_some()
        })
    }

    /// The node of a list's items, for a list; else the node itself.
    pub(crate) fn item_or_self(self) -> Node<'s> {
        self.child(&Segment::Item).unwrap_or(self)
    }

    /// The fixed values it allows (`enum`, `const`), with descriptions of the values when
    /// the schema has them.
    pub(crate) fn fixed_values(self) -> Vec<&'s Value> {
        let mut out: Vec<&Value> = Vec::new();
        for n in self.alternatives() {
            let values = n.value.get("enum").and_then(Value::as_array);
            for v in values.into_iter().flatten().chain(n.value.get("const")) {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        out
    }

    /// The shared definitions it is, or is one of (`idRef`, `requirementRef`…).
    pub(crate) fn definitions(self) -> Vec<&'s str> {
        let mut out: Vec<&str> = self
            .alternatives()
            .iter()
            .filter_map(|n| n.definition)
            .collect();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    #[test]
    fn fields_values_and_references() {
        let control = Node::root(Kind::Control).unwrap();
        let fields = control.fields();
        assert!(fields[0].required);
        assert!(fields.iter().any(|f| f.name == "satisfies"));
        let review = control.at(&[key("review")]).unwrap();
        assert!(review.is_mapping());
        assert_eq!(review.fields()[0].name, "interval");
        let satisfies = control.at(&[key("satisfies"), Segment::Item]).unwrap();
        assert_eq!(satisfies.definitions(), ["requirementRef"]);
        let soa = Node::root(Kind::StatementOfApplicability).unwrap();
        let by = soa
            .at(&[key("entries"), Segment::Item, key("implemented_by")])
            .unwrap();
        assert_eq!(by.item_or_self().definitions(), ["idRef"]);
        let status = control.at(&[key("status")]).unwrap();
        assert!(status.fixed_values().iter().any(|v| *v == "implemented"));
        let recurrence = control.at(&[key("recurrence"), key("every")]).unwrap();
        assert!(recurrence.fixed_values().iter().any(|v| *v == "quarterly"));
        assert!(control.at(&[key("nothing")]).is_none());
    }
}
