//! `meaningful`: the text says something (the predicate is `rules::text`).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{At, Check, Function, Result};
use crate::rules::compile::{self, Ctx};
use crate::rules::eval::{Env, Failure, Seen, Subject};
use crate::rules::path::FieldPath;
use crate::rules::text;

/// The text says something: present, not a placeholder (`N/A`, `TBD`, `-`, `none`…), at least `min_length` characters (letters and digits), and not only the title of the requirement named at `not_title_of`. Template name: `{reason}`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meaningful {
    /// Path of the text.
    #[schemars(extend("minLength" = 1))]
    field: String,
    /// Fewest letters and digits (default 10).
    #[serde(default)]
    #[schemars(range(min = 1))]
    min_length: Option<usize>,
    /// Path of a requirement reference (`control`) whose catalog title the text must not merely repeat.
    #[serde(default)]
    #[schemars(extend("minLength" = 1))]
    not_title_of: Option<String>,
}

impl Function for Meaningful {
    const TITLE: &'static str = "the text says something";
    const EXAMPLE: &'static str = r#"for_each: entries[]
when: [{ field: applicable, equals: false }]
assert:
  - meaningful: { field: justification, not_title_of: control }
"#;
    const DOCS: &'static str = "\
The one predicate for justifications, rationales and reasons: the text must be present, not a
placeholder (`N/A`, `n/a`, `TBD`, `TBC`, `TODO`, `-`, `none`, `see above`…, compared without case,
spaces or punctuation), at least `min_length` letters and digits long (default 10), and — with
`not_title_of` naming a requirement reference such as `control` — not just that requirement's
catalog title. Reported at the text (or, when it is missing, where it should be).";
    const VARS: &'static [(&'static str, &'static str)] = &[(
        "reason",
        "why it says nothing, e.g. ``` `N/A` is a placeholder ```",
    )];

    type Compiled = MeaningfulCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<MeaningfulCheck> {
        Ok(MeaningfulCheck {
            field: compile::path(&self.field, &at.arg("field"))?,
            min_length: self.min_length.unwrap_or(text::DEFAULT_MIN_LENGTH),
            not_title_of: self
                .not_title_of
                .as_deref()
                .map(|p| compile::path(p, &at.arg("not_title_of")))
                .transpose()?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct MeaningfulCheck {
    field: FieldPath,
    min_length: usize,
    not_title_of: Option<FieldPath>,
}

impl Check for MeaningfulCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let title = self
            .not_title_of
            .as_ref()
            .and_then(|p| p.get(s.value))
            .and_then(Value::as_str)
            .and_then(|r| env.catalogs.requirement(r))
            .map(|(_, req)| req.title.clone());
        self.field
            .select(s.value, &s.pointer)
            .into_iter()
            .filter_map(|h| {
                let problem = text::problem(h.value, self.min_length, title.as_deref())?;
                let label = match h.value {
                    Some(_) => problem.clone(),
                    None => format!("no `{}`", crate::pointer::last(&h.pointer)),
                };
                Some(Failure::at(h.pointer, h.value, label).var("reason", problem))
            })
            .collect()
    }
}
