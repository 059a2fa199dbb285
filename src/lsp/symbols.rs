//! `textDocument/documentSymbol` and `textDocument/references`.
//!
//! Symbols: each artifact of a file (named by its id, with its kind and title), its
//! top-level fields, and the items of its lists of mappings (an SoA's entries, an audit's
//! findings), named by their first identifying field. References: every place in the
//! repository where a string equal to the one under the cursor is written — an artifact id
//! or a `framework/id` requirement — as references are recognised everywhere else
//! ([`super::lookup`]).

use std::sync::Arc;

use lsp_types::SymbolKind;
use serde_json::Value;

use super::definition::Target;
use super::lookup;
use crate::model::Artifact;
use crate::source::Span;

/// A symbol with byte spans (converted to ranges by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// All of it.
    pub span: Span,
    /// What to highlight (its id, its key).
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// The fields that name a list item, in order of preference.
const ITEM_NAMES: &[&str] = &[
    "id",
    "control",
    "requirement",
    "name",
    "title",
    "model",
    "party",
];

/// The symbols of the artifacts of `file`.
pub(crate) fn document(artifacts: &[Arc<Artifact>], file: &str) -> Vec<Symbol> {
    artifacts
        .iter()
        .filter(|a| a.file == file)
        .map(|a| artifact(a))
        .collect()
}

fn artifact(a: &Artifact) -> Symbol {
    let selection = lookup::definition_span(a);
    let children: Vec<Symbol> = a
        .value
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| field(a, key, value))
        .collect();
    let span = children
        .iter()
        .fold(a.span.cover(selection), |s, c| s.cover(c.span));
    Symbol {
        name: a.id.clone().unwrap_or_else(|| a.kind.to_string()),
        detail: Some(match lookup::title(a) {
            Some(t) => format!("{} — {t}", a.kind),
            None => a.kind.to_string(),
        }),
        kind: SymbolKind::OBJECT,
        span,
        selection,
        children,
    }
}

fn field(a: &Artifact, key: &str, value: &Value) -> Option<Symbol> {
    let pointer = crate::pointer::Pointer::root().child(key);
    let spans = a.spans.get(pointer.as_str())?;
    let selection = spans.key.unwrap_or(spans.value);
    let children: Vec<Symbol> = match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| list_item(a, &pointer, key, i, item))
            .collect(),
        _ => Vec::new(),
    };
    let detail = match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        Value::Array(items) => Some(format!("{} items", items.len())),
        _ => None,
    };
    Some(Symbol {
        name: key.to_string(),
        detail,
        kind: match value {
            Value::Array(_) => SymbolKind::ARRAY,
            Value::Object(_) => SymbolKind::STRUCT,
            _ => SymbolKind::FIELD,
        },
        span: selection.cover(spans.value),
        selection,
        children,
    })
}

/// A list item that is a mapping, named by its first identifying field.
fn list_item(a: &Artifact, list: &str, key: &str, i: usize, item: &Value) -> Option<Symbol> {
    let object = item.as_object()?;
    let pointer = crate::pointer::Pointer::from(list).item(i);
    let spans = a.spans.get(pointer.as_str())?;
    let named = ITEM_NAMES
        .iter()
        .find_map(|f| Some((*f, object.get(*f)?.as_str()?)));
    let (name, selection) = match named {
        Some((f, name)) => {
            let at = a.spans.get(pointer.child(f).as_str());
            (name.to_string(), at.map_or(spans.value, |s| s.value))
        }
        None => (format!("{key}[{i}]"), spans.value),
    };
    Some(Symbol {
        name,
        detail: None,
        kind: SymbolKind::OBJECT,
        span: spans.value.cover(selection),
        selection,
        children: Vec::new(),
    })
}

/// Every string value equal to `value` in the repository's artifacts, in repository order;
/// without `declarations`, artifacts' own `id`s are left out.
pub(crate) fn references(
    artifacts: &[Arc<Artifact>],
    value: &str,
    declarations: bool,
) -> Vec<Target> {
    let mut out = Vec::new();
    for a in artifacts {
        let mut found = Vec::new();
        let mut path = Vec::new();
        strings_equal(&a.value, value, &mut path, &mut found);
        for pointer in found {
            if !declarations && pointer == "/id" {
                continue;
            }
            if let Some(spans) = a.spans.get(&pointer) {
                out.push(Target {
                    file: a.file.clone(),
                    span: spans.value,
                });
            }
        }
    }
    out
}

/// A step into a value: a key or an index.
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// The pointers of the strings equal to `wanted` in `value` (pointers are built only for
/// matches).
fn strings_equal<'v>(
    value: &'v Value,
    wanted: &str,
    path: &mut Vec<Step<'v>>,
    out: &mut Vec<String>,
) {
    match value {
        Value::String(s) if s == wanted => {
            let mut pointer = crate::pointer::Pointer::root();
            for step in path.iter() {
                pointer = match step {
                    Step::Key(k) => pointer.child(k),
                    Step::Index(i) => pointer.item(*i),
                };
            }
            out.push(pointer.to_string());
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                strings_equal(v, wanted, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(Step::Key(k));
                strings_equal(v, wanted, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}
