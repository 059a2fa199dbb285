//! `exists`: the repository holds artifacts that satisfy conditions. The one function a
//! repository-level rule can use.

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{Conditions, Kinds};
use super::{At, Check, Function, Result};
use crate::model::Kind;
use crate::rules::compile::{Cond, Ctx};
use crate::rules::eval::{Env, Failure, Seen, Subject, count_matching};

/// The repository holds at least `min` (default 1) artifacts of `kinds` that satisfy `where`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Exists {
    /// The kinds to count.
    #[schemars(extend("minItems" = 1))]
    kinds: Kinds,
    /// Conditions on each artifact.
    #[serde(default, rename = "where")]
    condition: Conditions,
    /// Fewest artifacts required.
    #[serde(default)]
    #[schemars(range(min = 1))]
    min: Option<usize>,
}

impl Function for Exists {
    const TITLE: &'static str = "the repository holds an artifact";
    const EXAMPLE: &'static str = "\
kinds: [scope]
when: [{ framework_in_scope: iso42001:2023 }]
assert:
  - exists:
      kinds: [policy]
      where: [{ field: satisfies, contains: iso42001:2023/5.2 }]
";
    const DOCS: &'static str = "\
Counts the artifacts of `kinds` that satisfy `where` in the whole repository; at least `min`
(default 1) must exist. The finding is reported at the artifact the rule applies to (here the
scope). String values in `where` may interpolate the rule's subject (`\"{id}\"`). In a rule with
`level: repository` the finding belongs to no file.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("count", "how many there are"),
        ("limit", "how many are needed"),
    ];
    const REPOSITORY: bool = true;

    type Compiled = ExistsCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<ExistsCheck> {
        Ok(ExistsCheck {
            kinds: self.kinds.compile(&at.arg("kinds"))?,
            condition: self.condition.compile(cx, &at.arg("where"))?,
            min: self.min.unwrap_or(1),
        })
    }
}

#[derive(Debug)]
pub(crate) struct ExistsCheck {
    kinds: Vec<Kind>,
    condition: Vec<Cond>,
    min: usize,
}

impl Check for ExistsCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let n = count_matching(&self.kinds, &self.condition, Some(s), env);
        if n >= self.min {
            return Vec::new();
        }
        let mut f = Failure::at(s.pointer.clone(), Some(s.value), format!("{n} found"));
        f.missing = false;
        vec![f.var("count", n.to_string()).var("limit", self.min.to_string())]
    }

    fn eval_repository(&self, env: &Env<'_>) -> Vec<Failure> {
        let n = count_matching(&self.kinds, &self.condition, None, env);
        if n >= self.min {
            return Vec::new();
        }
        let mut f = Failure::at("", None, format!("{n} found"));
        f.missing = false;
        vec![f.var("count", n.to_string()).var("limit", self.min.to_string())]
    }
}
