//! `not_future`: the date is not after today.

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::FieldArg;
use super::{At, Check, Function, Result};
use crate::dates;
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, dated};
use crate::rules::path::FieldPath;

/// The date is not after today.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub(crate) struct NotFuture(FieldArg);

impl Function for NotFuture {
    const TITLE: &'static str = "the date is not after today";
    const EXAMPLE: &'static str = "\
assert:
  - not_future: collected_on
";
    const DOCS: &'static str = "\
\"Today\" is the system date, or `--today YYYY-MM-DD` for reproducible runs.";
    const VARS: &'static [(&'static str, &'static str)] = &[("days", "how far in the future")];

    type Compiled = NotFutureCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<NotFutureCheck> {
        Ok(NotFutureCheck(self.0.compile(at.here())?))
    }
}

#[derive(Debug)]
pub(crate) struct NotFutureCheck(FieldPath);

impl Check for NotFutureCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        dated(&self.0, s)
            .into_iter()
            .filter(|(_, _, d)| *d > env.today)
            .map(|(p, v, d)| {
                Failure::at(p, Some(v), "in the future")
                    .var("days", dates::days_between(env.today, d).to_string())
            })
            .collect()
    }
}
