//! The span map: for every node of a document, addressed by JSON pointer (RFC 6901), the
//! span of its value and, for mapping entries, of its key.

use std::collections::HashMap;

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeSpans {
    /// The key of a mapping entry (`None` for sequence items and the root).
    pub key: Option<Span>,
    /// The value node.
    pub value: Span,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanMap {
    map: HashMap<Box<str>, NodeSpans>,
}

/// Kept (in the result cache) as a list of pointer and spans.
impl serde::Serialize for SpanMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.map.iter())
    }
}

impl<'de> serde::Deserialize<'de> for SpanMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = Vec::<(Box<str>, NodeSpans)>::deserialize(d)?;
        Ok(SpanMap {
            map: entries.into_iter().collect(),
        })
    }
}

impl SpanMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, pointer: impl Into<Box<str>>, spans: NodeSpans) {
        self.map.insert(pointer.into(), spans);
    }

    pub fn get(&self, pointer: &str) -> Option<&NodeSpans> {
        self.map.get(pointer)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The spans of `pointer`, or of its deepest ancestor that has spans, with the pointer
    /// actually found.
    pub fn nearest<'p>(&self, pointer: &'p str) -> Option<(&'p str, &NodeSpans)> {
        let mut p = pointer;
        loop {
            if let Some(s) = self.map.get(p) {
                return Some((p, s));
            }
            if p.is_empty() {
                return None;
            }
            p = match p.rfind('/') {
                Some(i) => &p[..i],
                None => "",
            };
        }
    }

    /// All entries, sorted by pointer (deterministic).
    pub fn sorted(&self) -> Vec<(&str, &NodeSpans)> {
        let mut v: Vec<_> = self.map.iter().map(|(k, v)| (k.as_ref(), v)).collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }
}

/// Escape one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_walks_up() {
        let mut m = SpanMap::new();
        m.insert(
            "",
            NodeSpans {
                key: None,
                value: Span::new(0, 10),
            },
        );
        m.insert(
            "/a",
            NodeSpans {
                key: Some(Span::new(0, 1)),
                value: Span::new(3, 10),
            },
        );
        assert_eq!(m.nearest("/a/b/c").unwrap().0, "/a");
        assert_eq!(m.nearest("/x").unwrap().0, "");
    }

    #[test]
    fn escape() {
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(escape_token("plain"), "plain");
    }
}
