//! `includes`: a list includes every required value.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{At, Check, Function, Result};
use crate::rules::compile::{self, Ctx, err};
use crate::rules::eval::{Env, Failure, Seen, Subject, items_of, loosely_equal};
use crate::rules::path::{FieldPath, display};

/// The list at `field` includes every one of `values`. One finding naming those it lacks. Template name: `{missing}`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Includes {
    /// Path of the list.
    #[schemars(extend("minLength" = 1))]
    field: String,
    /// The values it must include.
    #[schemars(extend("minItems" = 1))]
    values: Vec<Value>,
}

impl Function for Includes {
    const TITLE: &'static str = "a list includes every required value";
    const EXAMPLE: &'static str = r#"kinds: [management-review]
assert:
  - includes: { field: inputs, values: [previous-actions, audit-results, objectives] }
"#;
    const DOCS: &'static str = "\
One finding, at the list (or where it should be), naming every value it lacks.";
    const VARS: &'static [(&'static str, &'static str)] = &[("missing", "the values it lacks")];

    type Compiled = IncludesCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<IncludesCheck> {
        if self.values.is_empty() {
            return err(at.arg("values"), "list at least one value");
        }
        Ok(IncludesCheck {
            field: compile::path(&self.field, &at.arg("field"))?,
            values: self.values,
        })
    }
}

#[derive(Debug)]
pub(crate) struct IncludesCheck {
    field: FieldPath,
    values: Vec<Value>,
}

impl Check for IncludesCheck {
    fn eval<'a>(&self, s: &Subject<'a>, _env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let hits = self.field.select(s.value, &s.pointer);
        let present = items_of(&hits);
        let missing: Vec<String> = self
            .values
            .iter()
            .filter(|w| !present.iter().any(|v| loosely_equal(v, w)))
            .map(|w| display(Some(w)))
            .collect();
        if missing.is_empty() {
            return Vec::new();
        }
        let (pointer, value) = hits
            .first()
            .map_or((s.pointer.clone(), None), |h| (h.pointer.clone(), h.value));
        let label = format!("lacks {}", missing.join(", "));
        vec![Failure::at(pointer, value, label).var("missing", missing.join(", "))]
    }
}
