//! Field paths in rules: dotted keys, with `[]` for "each item of the list".
//!
//! `owner`, `human_oversight.mode`, `entries[].control`, `treatment.controls[]`.
//! Selecting a path yields one [`Hit`] per place it reaches, with the JSON pointer of that
//! place (so findings land on the exact node) and the value, or `None` when the last key is
//! missing there.

use serde_json::Value;

use crate::pointer::Pointer;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// A key, and the key as a JSON pointer token (escaped once, here).
    Key(String, String),
    Each,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldPath {
    segments: Vec<Segment>,
}

/// One place a path reaches.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit<'v> {
    /// JSON pointer of the place (of the missing key, when `value` is `None`).
    pub pointer: Pointer,
    pub value: Option<&'v Value>,
}

impl FieldPath {
    /// The path as written in a rule (`treatment.controls[]`).
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Key(k, _) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Each => out.push_str("[]"),
            }
        }
        out
    }

    /// The keys the path names, in order (`a.b[].c` → `a`, `b`, `c`).
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Key(k, _) => Some(k.as_str()),
            Segment::Each => None,
        })
    }

    pub(crate) fn parse(text: &str) -> Result<FieldPath, String> {
        let mut segments = Vec::new();
        if text.trim().is_empty() {
            return Err("a field path must not be empty".into());
        }
        for part in text.split('.') {
            let (key, each) = match part.strip_suffix("[]") {
                Some(k) => (k, true),
                None => (part, false),
            };
            if key.is_empty() || key.contains(['[', ']', ' ']) {
                return Err(format!(
                    "invalid field path `{text}`: use dotted keys with `[]` for each list item, e.g. `entries[].control`"
                ));
            }
            segments.push(Segment::Key(
                key.to_string(),
                crate::pointer::escape(key).into_owned(),
            ));
            if each {
                segments.push(Segment::Each);
            }
        }
        Ok(FieldPath { segments })
    }

    /// Does the path go through a list (`[]`)?
    pub(crate) fn has_each(&self) -> bool {
        self.segments.contains(&Segment::Each)
    }

    /// Every place the path reaches from `root`, whose own pointer is `base`.
    pub(crate) fn select<'v>(&self, root: &'v Value, base: &Pointer) -> Vec<Hit<'v>> {
        if !self.has_each() {
            return vec![self.select_one(root, base)];
        }
        let mut current: Vec<(Pointer, &'v Value)> = vec![(base.clone(), root)];
        let last = self.segments.len().saturating_sub(1);
        let mut missing = Vec::new();
        for (i, seg) in self.segments.iter().enumerate() {
            let mut next = Vec::new();
            for (pointer, value) in current {
                match seg {
                    Segment::Key(k, token) => {
                        let child_pointer = pointer.token(token);
                        match value.get(k.as_str()) {
                            Some(v) if !v.is_null() => next.push((child_pointer, v)),
                            // A missing key is reported only when it is the field itself
                            // (or on the way to it, without a list in between).
                            _ if i == last || !self.segments[i..].contains(&Segment::Each) => {
                                missing.push(child_pointer);
                            }
                            _ => {}
                        }
                    }
                    Segment::Each => {
                        if let Value::Array(items) = value {
                            for (n, item) in items.iter().enumerate() {
                                next.push((pointer.item(n), item));
                            }
                        }
                    }
                }
            }
            current = next;
        }
        let mut hits: Vec<Hit<'v>> = current
            .into_iter()
            .map(|(pointer, v)| Hit {
                pointer,
                value: Some(v),
            })
            .collect();
        hits.extend(missing.into_iter().map(|pointer| Hit {
            pointer,
            value: None,
        }));
        hits.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        hits
    }

    /// [`select`](Self::select) for a path without lists: its one place, or the first key
    /// missing (or null) on the way to it.
    fn select_one<'v>(&self, root: &'v Value, base: &Pointer) -> Hit<'v> {
        let mut pointer = Pointer::with_capacity(base, 32);
        let value = self.follow(root, |token| pointer.push(token));
        Hit { pointer, value }
    }

    /// Follow the keys of a path without lists from `root`, stopping at the first one missing
    /// or null; `visit` sees the pointer token of each key reached for.
    fn follow<'v>(&self, root: &'v Value, mut visit: impl FnMut(&str)) -> Option<&'v Value> {
        let mut value = root;
        for seg in &self.segments {
            if let Segment::Key(k, token) = seg {
                visit(token);
                value = value.get(k.as_str()).filter(|v| !v.is_null())?;
            }
        }
        Some(value)
    }

    /// The JSON pointer the path names under `base`, for paths without lists.
    pub(crate) fn pointer(&self, base: &Pointer) -> Option<Pointer> {
        let mut p = base.clone();
        for seg in &self.segments {
            match seg {
                Segment::Key(_, token) => p.push(token),
                Segment::Each => return None,
            }
        }
        Some(p)
    }

    /// The single value of a path without lists.
    pub(crate) fn get<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        if self.has_each() {
            return self
                .select(root, &Pointer::root())
                .into_iter()
                .find_map(|h| h.value);
        }
        self.follow(root, |_| {})
    }
}

/// Is the value "present and non-empty"? Null, empty strings (after trimming), empty lists
/// and empty mappings are not.
pub(crate) fn is_non_empty(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// A value as text in messages: strings bare, lists joined with `, `.
pub(crate) fn display(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "(none)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| display(Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_rejects_bad_paths() {
        assert!(FieldPath::parse("").is_err());
        assert!(FieldPath::parse("a..b").is_err());
        assert!(FieldPath::parse("a[0]").is_err());
        assert!(FieldPath::parse("entries[].control").unwrap().has_each());
    }

    #[test]
    fn select_reaches_each_item_and_reports_missing_leaves() {
        let v = json!({"entries": [{"control": "A"}, {"applicable": true}, {"control": "C"}]});
        let hits = FieldPath::parse("entries[].control")
            .unwrap()
            .select(&v, &Pointer::root());
        let got: Vec<_> = hits
            .iter()
            .map(|h| (h.pointer.as_str(), h.value.is_some()))
            .collect();
        assert_eq!(
            got,
            [
                ("/entries/0/control", true),
                ("/entries/1/control", false),
                ("/entries/2/control", true)
            ]
        );
    }

    #[test]
    fn missing_parent_without_list_is_missing_once() {
        let v = json!({"a": 1});
        let hits = FieldPath::parse("human_oversight.mode")
            .unwrap()
            .select(&v, &Pointer::root());
        assert_eq!(
            hits,
            [Hit {
                pointer: "/human_oversight".into(),
                value: None
            }]
        );
        let hits = FieldPath::parse("data_sources[].provenance")
            .unwrap()
            .select(&v, &Pointer::root());
        assert!(hits.is_empty());
    }

    #[test]
    fn emptiness() {
        assert!(!is_non_empty(&json!("  ")));
        assert!(!is_non_empty(&json!([])));
        assert!(is_non_empty(&json!(0)));
        assert!(is_non_empty(&json!(false)));
        assert_eq!(display(Some(&json!(["a", "b"]))), "a, b");
    }
}
