//! What a reference field may name, as the rules say it: the kinds a `reference` assertion
//! accepts at a field (`treatment.controls[]` of a risk names controls), and the requirement
//! type a `requirement` assertion demands (`entries[].control` of the SoA names Annex A
//! controls). Read from the built-in rules, the one place these facts are written, so that
//! completion offers what the check accepts.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::context::Segment;
use crate::model::Kind;

/// What the rules say a field names.
#[derive(Debug, Default)]
struct Targets {
    /// (subject kind, field path) → the kinds its ids may have.
    kinds: HashMap<(Kind, String), Vec<Kind>>,
    /// (subject kind, field path) → the requirement type (`control`, `clause`).
    requirement_type: HashMap<(Kind, String), String>,
}

fn targets() -> &'static Targets {
    static TARGETS: OnceLock<Targets> = OnceLock::new();
    TARGETS.get_or_init(|| {
        let mut t = Targets::default();
        let Ok(set) = crate::rules::builtin() else {
            return t;
        };
        for rule in &set.rules {
            let def = &rule.def;
            if !def.for_each.is_empty() {
                continue; // fields relative to an item
            }
            let subjects = def.kinds.iter().filter_map(|k| Kind::from_name(k));
            for subject in subjects {
                for a in &def.assertions {
                    let Some(field) = a.args.get("field").and_then(Value::as_str) else {
                        continue;
                    };
                    let key = (subject, normalise(field));
                    match a.function.name {
                        "reference" if a.args.get("key").is_none() => {
                            let kinds = a.args.get("kinds").and_then(Value::as_array);
                            let entry = t.kinds.entry(key).or_default();
                            for k in kinds.into_iter().flatten().filter_map(Value::as_str) {
                                if let Some(k) = Kind::from_name(k)
                                    && !entry.contains(&k)
                                {
                                    entry.push(k);
                                }
                            }
                        }
                        "requirement" => {
                            if let Some(ty) = a.args.get("type").and_then(Value::as_str) {
                                t.requirement_type.insert(key, ty.to_string());
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        t
    })
}

/// A rule's field path without list markers at its end (`supports[]` → `supports`).
fn normalise(field: &str) -> String {
    field.trim_end_matches("[]").to_string()
}

/// A context path written as a rule's field path (`entries[].implemented_by`).
fn field_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Item => out.push_str("[]"),
        }
    }
    normalise(&out)
}

/// The kinds the ids at `path` of a `kind` artifact may have; empty when the rules do not
/// say (any artifact then).
pub(crate) fn id_kinds(kind: Kind, path: &[Segment]) -> &'static [Kind] {
    targets()
        .kinds
        .get(&(kind, field_path(path)))
        .map_or(&[], Vec::as_slice)
}

/// The requirement type the requirement at `path` of a `kind` artifact must have, when the
/// rules demand one.
pub(crate) fn requirement_type(kind: Kind, path: &[Segment]) -> Option<&'static str> {
    targets()
        .requirement_type
        .get(&(kind, field_path(path)))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &[&str]) -> Vec<Segment> {
        keys.iter()
            .map(|k| match *k {
                "[]" => Segment::Item,
                k => Segment::Key(k.into()),
            })
            .collect()
    }

    #[test]
    fn the_rules_say_what_references_name() {
        assert_eq!(
            id_kinds(Kind::Risk, &path(&["treatment", "controls", "[]"])),
            [Kind::Control]
        );
        assert_eq!(
            id_kinds(
                Kind::StatementOfApplicability,
                &path(&["entries", "[]", "implemented_by", "[]"])
            ),
            [Kind::Control]
        );
        assert_eq!(
            id_kinds(Kind::Risk, &path(&["ai_system"])),
            [Kind::AiSystem]
        );
        assert_eq!(
            requirement_type(
                Kind::StatementOfApplicability,
                &path(&["entries", "[]", "control"])
            ),
            Some("control")
        );
        assert!(id_kinds(Kind::Control, &path(&["title"])).is_empty());
    }
}
