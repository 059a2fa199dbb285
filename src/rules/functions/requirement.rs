//! `requirement`: each value is a known requirement of a catalog (the check and its hints are
//! `rules::requirements`).

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::Path;
use super::{At, Check, Function, Result};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, texts_at};
use crate::rules::path::FieldPath;
use crate::rules::requirements;

/// Each value (or list item) is a known requirement `framework/id` of a catalog, optionally of a `type` (`control`, `clause`…).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Requirement {
    /// The field.
    field: Path,
    /// The requirement type required.
    #[serde(default, rename = "type")]
    requirement_type: Option<String>,
}

impl Function for Requirement {
    const TITLE: &'static str = "a known requirement of a catalog";
    const EXAMPLE: &'static str = r#"assert:
  - requirement: { field: "satisfies[]" }
  - requirement: { field: "entries[].control", type: control }
"#;
    const DOCS: &'static str = "\
Each value must be `framework/id` of a catalog (built-in or yours), of `type` if given. Common
mistakes get a specific hint: a missing framework prefix, an ISO/IEC 27001:2013 id such as
`A.9.2.3` in a 2022 programme, an `A.x.1` id in ISO/IEC 42001 (whose numbering starts at `.2`).";
    const VARS: &'static [(&'static str, &'static str)] = &[("hint", "what to write instead")];

    type Compiled = RequirementCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<RequirementCheck> {
        Ok(RequirementCheck {
            field: self.field.compile(&at.arg("field"))?,
            requirement_type: self.requirement_type,
        })
    }
}

#[derive(Debug)]
pub(crate) struct RequirementCheck {
    field: FieldPath,
    requirement_type: Option<String>,
}

impl Check for RequirementCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        texts_at(&self.field, s)
            .filter_map(|(p, v, text)| {
                let problem =
                    requirements::check(text, self.requirement_type.as_deref(), env.catalogs)?;
                let mut f = Failure::at(p, Some(v), problem.label).var("hint", problem.hint);
                f.entity = Some(format!("req:{text}"));
                Some(f)
            })
            .collect()
    }
}
