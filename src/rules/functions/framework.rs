//! `framework`: each value is a framework that has a catalog.

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::FieldArg;
use super::{At, Check, Function, Result};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, values_at};
use crate::rules::path::FieldPath;
use crate::suggest::did_you_mean;

/// Each value is a framework id that has a catalog (built-in or yours).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub(crate) struct Framework(FieldArg);

impl Function for Framework {
    const TITLE: &'static str = "a framework with a catalog";
    const EXAMPLE: &'static str = "\
for_each: frameworks[]
assert:
  - framework: id
";
    const DOCS: &'static str = "\
A framework id names a catalog, built-in (`iso27001:2022`, `iso42001:2023`) or yours
(`[catalogs] paths` in `annexa.toml`); an unknown one gets a did-you-mean.";
    const VARS: &'static [(&'static str, &'static str)] =
        &[("known", "the frameworks annexa has catalogs for")];

    type Compiled = FrameworkCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<FrameworkCheck> {
        Ok(FrameworkCheck(self.0.compile(at.here())?))
    }
}

#[derive(Debug)]
pub(crate) struct FrameworkCheck(FieldPath);

impl Check for FrameworkCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        values_at(&self.0, s)
            .filter_map(|(p, v)| {
                let text = v.as_str()?;
                if env.catalogs.get(text).is_some() {
                    return None;
                }
                let known: Vec<&str> = env.catalogs.iter().map(|c| c.framework.as_str()).collect();
                let label = match did_you_mean(text, known.iter().copied()) {
                    Some(sg) => format!("no catalog for `{text}`; did you mean `{sg}`?"),
                    None => format!("no catalog for `{text}`"),
                };
                Some(Failure::at(p, Some(v), label).var("known", known.join(", ")))
            })
            .collect()
    }
}
