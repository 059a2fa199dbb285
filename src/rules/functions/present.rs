//! `present`: the field is present and non-empty.

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::FieldArg;
use super::{At, Check, Function, Result};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject};
use crate::rules::path::{FieldPath, is_non_empty};

/// The field is present and non-empty.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub(crate) struct Present(FieldArg);

impl Function for Present {
    const TITLE: &'static str = "the field is present and non-empty";
    const EXAMPLE: &'static str = r#"assert:
  - present: owner
  - present: { field: "data_sources[].provenance" }
"#;
    const DOCS: &'static str = "\
Null, an empty or blank string, an empty list and an empty mapping are *not* present.";

    type Compiled = PresentCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<PresentCheck> {
        Ok(PresentCheck(self.0.compile(at.here())?))
    }
}

#[derive(Debug)]
pub(crate) struct PresentCheck(FieldPath);

impl Check for PresentCheck {
    fn eval<'a>(&self, s: &Subject<'a>, _env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        self.0
            .select(s.value, &s.pointer)
            .into_iter()
            .filter(|h| h.value.is_none_or(|v| !is_non_empty(v)))
            .map(|h| {
                // The label sits on the parent (the field is not there to label), so it
                // names what is missing.
                let name = crate::pointer::last(&h.pointer);
                let label = if h.value.is_some() {
                    format!("`{name}` is empty")
                } else {
                    format!("no `{name}`")
                };
                Failure::at(h.pointer, h.value, label)
            })
            .collect()
    }
}
