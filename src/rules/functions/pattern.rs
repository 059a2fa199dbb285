//! `pattern`: the text matches a regular expression.

use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;

use super::args::Path;
use super::{At, Check, Function, Result};
use crate::rules::compile::{Ctx, err};
use crate::rules::eval::{Env, Failure, Seen, Subject, values_at};
use crate::rules::path::FieldPath;

/// The field's text matches a regular expression (Rust `regex` syntax, linear time).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Pattern {
    /// The field.
    field: Path,
    /// The regular expression; anchor it with ^ and $ to match the whole value.
    regex: String,
}

impl Function for Pattern {
    const TITLE: &'static str = "the text matches a regular expression";
    const EXAMPLE: &'static str = r#"assert:
  - pattern: { field: id, regex: "^CTL-[A-Z0-9-]+$" }
"#;
    const DOCS: &'static str = "\
Rust `regex` syntax (linear time: no look-around, no back-references). Anchor with `^…$` to
match the whole value.";

    type Compiled = PatternCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<PatternCheck> {
        let re = Regex::new(&self.regex).or_else(|e| {
            err(
                at.arg("regex"),
                format!("invalid regular expression: {e}"),
            )
        })?;
        Ok(PatternCheck(self.field.compile(&at.arg("field"))?, re))
    }
}

#[derive(Debug)]
pub(crate) struct PatternCheck(FieldPath, Regex);

impl Check for PatternCheck {
    fn eval<'a>(&self, s: &Subject<'a>, _env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        values_at(&self.0, s)
            .filter_map(|(p, v)| {
                let text = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                (!self.1.is_match(&text))
                    .then(|| Failure::at(p, Some(v), "does not match the expected form"))
            })
            .collect()
    }
}
