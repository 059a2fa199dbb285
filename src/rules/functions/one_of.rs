//! `one_of`: the value is one of a list.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::Path;
use super::{At, Check, Function, Result};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, loosely_equal, values_at};
use crate::rules::path::{FieldPath, display};

/// The field's value is one of `values`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OneOf {
    /// The field.
    field: Path,
    /// The allowed values.
    #[schemars(extend("minItems" = 1))]
    values: Vec<Value>,
}

impl Function for OneOf {
    const TITLE: &'static str = "the value is one of a list";
    const EXAMPLE: &'static str = r#"assert:
  - one_of: { field: human_oversight.mode, values: [human-in-the-loop, human-in-command] }
"#;
    const DOCS: &'static str = "\
Numbers compare by value (`1` and `1.0` are equal).";
    const VARS: &'static [(&'static str, &'static str)] = &[("allowed", "the allowed values")];

    type Compiled = OneOfCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<OneOfCheck> {
        Ok(OneOfCheck(self.field.compile(&at.arg("field"))?, self.values))
    }
}

#[derive(Debug)]
pub(crate) struct OneOfCheck(FieldPath, Vec<Value>);

impl Check for OneOfCheck {
    fn eval<'a>(&self, s: &Subject<'a>, _env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        values_at(&self.0, s)
            .filter_map(|(p, v)| {
                if self.1.iter().any(|o| loosely_equal(v, o)) {
                    return None;
                }
                let allowed: Vec<String> = self.1.iter().map(|o| display(Some(o))).collect();
                Some(
                    Failure::at(p, Some(v), "not an allowed value")
                        .var("allowed", allowed.join(", ")),
                )
            })
            .collect()
    }
}
