//! `referenced_by`: other artifacts name the subject. Its arguments are also a condition
//! (`{ referenced_by: {…} }` in `when` and `where`).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::{Conditions, Kinds, Path};
use super::{At, Check, Function, Result};
use crate::model::Kind;
use crate::rules::compile::{Cond, Ctx};
use crate::rules::eval::{Env, Failure, Place, RelatedPlace, Seen, Subject, holds};
use crate::rules::path::FieldPath;

/// At least `min` (default 1) artifacts of `kinds` name the subject in `field`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub(crate) struct ReferencedBy(pub RefByArgs);

/// Artifacts of `kinds` that name the subject's `id` in `field`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "refby")]
pub(crate) struct RefByArgs {
    /// The kinds of the referring artifacts.
    #[schemars(extend("minItems" = 1))]
    kinds: Kinds,
    /// Their field holding the reference(s), e.g. `supports` or `entries[].implemented_by`.
    field: Path,
    /// Conditions on the mapping that holds the field (the artifact, or the list item).
    #[serde(default, rename = "where")]
    condition: Conditions,
    /// How many references are needed (default 1).
    #[serde(default)]
    #[schemars(range(min = 1))]
    min: Option<usize>,
    /// How many references are allowed at most (with only `max`, no minimum applies).
    #[serde(default)]
    max: Option<usize>,
    /// The subject's field the references name (default `id`), e.g. `control` for an SoA entry.
    #[serde(default)]
    key: Option<Path>,
}

impl Function for ReferencedBy {
    const TITLE: &'static str = "other artifacts name this one";
    const EXAMPLE: &'static str = "\
kinds: [control]
assert:
  # at least one evidence record supports the control
  - referenced_by: { kinds: [evidence], field: supports }
---
for_each: entries[]
when: [{ field: applicable, equals: false }]
assert:
  # an excluded Annex A control is claimed by no org control
  - referenced_by: { kinds: [control], field: satisfies, key: control, max: 0 }
";
    const DOCS: &'static str = "\
Counts the artifacts of `kinds` whose `field` (a value or a list) names the subject's `key`
(default `id`); `where` tests the mapping that holds the field (the artifact, or the list item
for paths such as `entries[].implemented_by`). At least `min` (default 1; 0 when only `max` is
given) and at most `max`. Also usable as a condition: `{ referenced_by: {…} }`.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("count", "how many refer to the subject"),
        ("limit", "the bound not met"),
        ("by", "the referring ids"),
    ];

    type Compiled = RefBy;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<RefBy> {
        self.0.compile(cx, at.here())
    }
}

impl RefByArgs {
    /// Compiled, for the function and for the condition.
    pub(crate) fn compile(&self, cx: &Ctx<'_>, pointer: &str) -> Result<RefBy> {
        Ok(RefBy {
            kinds: self.kinds.compile(&format!("{pointer}/kinds"))?,
            field: self.field.compile(&format!("{pointer}/field"))?,
            condition: self.condition.compile(cx, &format!("{pointer}/where"))?,
            // With only a maximum, no minimum applies.
            min: self
                .min
                .unwrap_or(if self.max.is_some() { 0 } else { 1 }),
            max: self.max,
            key: match &self.key {
                Some(k) => k.compile(&format!("{pointer}/key"))?,
                None => crate::rules::compile::path("id", &format!("{pointer}/key"))?,
            },
        })
    }
}

/// `referenced_by`: artifacts of `kinds` that name the subject in `field`.
#[derive(Debug, Clone)]
pub(crate) struct RefBy {
    kinds: Vec<Kind>,
    field: FieldPath,
    condition: Vec<Cond>,
    min: usize,
    max: Option<usize>,
    /// The subject's field that the references name (default `id`).
    key: FieldPath,
}

impl RefBy {
    /// Does the subject have as many references as it needs (the condition)?
    pub(crate) fn holds(&self, value: &Value, outer: &Value, env: &Env<'_>) -> bool {
        match self.key.get(value).and_then(Value::as_str) {
            Some(id) => {
                let n = self.referencing(id, outer, env).len();
                n >= self.min && self.max.is_none_or(|m| n <= m)
            }
            None => false,
        }
    }

    /// The places of `kinds` that name `id` in `field` and satisfy `condition`.
    fn referencing(&self, id: &str, outer: &Value, env: &Env<'_>) -> Vec<Place> {
        let places = env.places(&self.kinds, &self.field);
        let all = env.index.all();
        places
            .get(id)
            .map(|v| {
                v.iter()
                    .filter(|p| {
                        let a = &all[p.artifact];
                        let value = a.value.pointer(&p.holder).unwrap_or(&a.value);
                        let s = Subject {
                            artifact: a,
                            pointer: p.holder.clone(),
                            value,
                        };
                        self.condition.iter().all(|c| holds(c, &s, outer, env))
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Check for RefBy {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let Some(id) = self.key.get(s.value).and_then(Value::as_str) else {
            return Vec::new();
        };
        let places = self.referencing(id, s.value, env);
        let n = places.len();
        let names: Vec<&str> = self.kinds.iter().map(|k| k.name()).collect();
        let all = env.index.all();
        let by: Vec<String> = places
            .iter()
            .filter_map(|p| all[p.artifact].id.clone())
            .collect();
        let mut f = if n < self.min {
            Failure::at(
                s.pointer.clone(),
                Some(s.value),
                format!("no {} refers to `{id}`", names.join(" or ")),
            )
            .var("limit", self.min.to_string())
        } else if let Some(m) = self.max.filter(|m| n > *m) {
            // Too many: point at the places that refer to the subject.
            let mut f = Failure::at(
                s.pointer.clone(),
                Some(s.value),
                format!("referred to by {}", by.join(", ")),
            )
            .var("limit", m.to_string());
            for p in places.iter().take(3) {
                let a = &all[p.artifact];
                f.related.push(RelatedPlace {
                    file: a.file.clone(),
                    span: a.anchor(&p.at),
                    message: format!("`{id}` is referred to here"),
                });
            }
            f
        } else {
            return Vec::new();
        };
        f.missing = false;
        vec![f.var("count", n.to_string()).var("by", by.join(", "))]
    }
}
