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

/// [`NodeSpans`] as stored: four 32-bit offsets (half the size; a large repository has
/// millions of nodes). Parsed text never reaches 4 GiB (YAML is parsed up to
/// [`super::MAX_FILE_BYTES`]); a larger offset would be clamped, never wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed {
    key: (u32, u32),
    value: (u32, u32),
}

/// `key.0` of a node without a key.
const NO_KEY: u32 = u32::MAX;

fn narrow(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(NO_KEY - 1)
}

impl From<NodeSpans> for Packed {
    fn from(s: NodeSpans) -> Packed {
        Packed {
            key: s
                .key
                .map_or((NO_KEY, 0), |k| (narrow(k.start), narrow(k.end))),
            value: (narrow(s.value.start), narrow(s.value.end)),
        }
    }
}

impl From<Packed> for NodeSpans {
    fn from(p: Packed) -> NodeSpans {
        NodeSpans {
            key: (p.key.0 != NO_KEY).then(|| Span::new(p.key.0 as usize, p.key.1 as usize)),
            value: Span::new(p.value.0 as usize, p.value.1 as usize),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanMap {
    map: HashMap<Box<str>, Packed>,
}

/// Kept (in the result cache) as a list of pointer and spans.
impl serde::Serialize for SpanMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.map.iter().map(|(k, v)| (k, NodeSpans::from(*v))))
    }
}

impl<'de> serde::Deserialize<'de> for SpanMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = Vec::<(Box<str>, NodeSpans)>::deserialize(d)?;
        Ok(SpanMap {
            map: entries
                .into_iter()
                .map(|(k, v)| (k, Packed::from(v)))
                .collect(),
        })
    }
}

impl SpanMap {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn insert(&mut self, pointer: impl Into<Box<str>>, spans: NodeSpans) {
        self.map.insert(pointer.into(), spans.into());
    }

    pub(crate) fn get(&self, pointer: &str) -> Option<NodeSpans> {
        self.map.get(pointer).map(|&p| p.into())
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The spans of `pointer`, or of its deepest ancestor that has spans, with the pointer
    /// actually found.
    pub(crate) fn nearest<'p>(&self, pointer: &'p str) -> Option<(&'p str, NodeSpans)> {
        let mut p = pointer;
        loop {
            if let Some(&s) = self.map.get(p) {
                return Some((p, s.into()));
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
    pub fn sorted(&self) -> Vec<(&str, NodeSpans)> {
        let mut v: Vec<_> = self
            .map
            .iter()
            .map(|(k, &v)| (k.as_ref(), NodeSpans::from(v)))
            .collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_stored_compactly_and_read_back_exactly() {
        let mut m = SpanMap::new();
        let keyed = NodeSpans {
            key: Some(Span::new(0, 4)),
            value: Span::new(6, 9),
        };
        let item = NodeSpans {
            key: None,
            value: Span::new(12, 20),
        };
        m.insert("/a", keyed);
        m.insert("/b/0", item);
        assert_eq!(m.get("/a"), Some(keyed));
        assert_eq!(m.get("/b/0"), Some(item));
        assert_eq!(m.nearest("/b/0/c"), Some(("/b/0", item)));
        // Offsets past 4 GiB cannot come from the parser; they are clamped, never wrapped.
        let far = usize::MAX;
        m.insert(
            "/far",
            NodeSpans {
                key: Some(Span::new(far, far)),
                value: Span::new(1, far),
            },
        );
        let got = m.get("/far").unwrap();
        assert!(got.key.is_some());
        assert_eq!(got.value.start, 1);
        assert!(got.value.end >= u32::MAX as usize - 1);
    }

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
}
