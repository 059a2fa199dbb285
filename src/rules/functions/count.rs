//! `count`: how many items of a list satisfy conditions.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::{Conditions, Path};
use super::{At, Check, Function, Result};
use crate::rules::compile::{Cond, Ctx, err};
use crate::rules::eval::{Env, Failure, Seen, Subject, holds, items_of};
use crate::rules::path::FieldPath;

/// The number of items at `field` that satisfy `where` is at least `min` and at most `max`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("anyOf" = [{ "required": ["min"] }, { "required": ["max"] }]))]
pub(crate) struct Count {
    /// A list field.
    field: Path,
    /// Conditions on each item.
    #[serde(default, rename = "where")]
    condition: Conditions,
    /// Fewest items allowed.
    #[serde(default)]
    min: Option<usize>,
    /// Most items allowed.
    #[serde(default)]
    max: Option<usize>,
}

impl Function for Count {
    const TITLE: &'static str = "how many items";
    const EXAMPLE: &'static str = r#"assert:
  - count: { field: human_oversight.shutdown_triggers, min: 1 }
  - count: { field: findings, where: [{ field: type, equals: major-nonconformity }], max: 0 }
"#;
    const DOCS: &'static str = "\
Counts the items of the list at `field` (a value that is not a list counts as one item) that
satisfy `where`; at least `min` and at most `max`. The finding is reported at the list.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("count", "how many there are"),
        ("limit", "the bound not met"),
    ];

    type Compiled = CountCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<CountCheck> {
        if self.min.is_none() && self.max.is_none() {
            return err(at.here(), "`count` needs `min`, `max` or both");
        }
        Ok(CountCheck {
            field: self.field.compile(&at.arg("field"))?,
            condition: self.condition.compile(cx, &at.arg("where"))?,
            min: self.min,
            max: self.max,
        })
    }
}

#[derive(Debug)]
pub(crate) struct CountCheck {
    field: FieldPath,
    condition: Vec<Cond>,
    min: Option<usize>,
    max: Option<usize>,
}

impl Check for CountCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let hits = self.field.select(s.value, &s.pointer);
        let items: Vec<&Value> = items_of(&hits)
            .into_iter()
            .filter(|v| {
                let item = Subject {
                    artifact: s.artifact,
                    pointer: s.pointer.clone(),
                    value: v,
                };
                self.condition.iter().all(|c| holds(c, &item, s.value, env))
            })
            .collect();
        let n = items.len();
        let pointer = hits
            .first()
            .map(|h| h.pointer.clone())
            .unwrap_or_else(|| s.pointer.clone());
        let present = hits.first().and_then(|h| h.value);
        let mut out = Vec::new();
        if let Some(m) = self.min.filter(|m| n < *m) {
            out.push(
                Failure::at(
                    pointer.clone(),
                    present,
                    format!("{n} found, at least {m} required"),
                )
                .var("count", n.to_string())
                .var("limit", m.to_string()),
            );
        }
        if let Some(m) = self.max.filter(|m| n > *m) {
            out.push(
                Failure::at(pointer, present, format!("{n} found, at most {m} allowed"))
                    .var("count", n.to_string())
                    .var("limit", m.to_string()),
            );
        }
        out
    }
}
