//! `due`: the deadline has not passed.

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{Duration, Path};
use super::{At, Check, Function, Result};
use crate::dates;
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, dated};
use crate::rules::path::FieldPath;

/// The deadline has not passed (nor falls within `margin` of today, if given).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Due {
    /// The date field (YYYY-MM-DD).
    field: Path,
    /// Report deadlines within this duration of today (early warning).
    #[serde(default)]
    margin: Option<Duration>,
}

impl Function for Due {
    const TITLE: &'static str = "the deadline has not passed";
    const EXAMPLE: &'static str = "\
assert:
  - due: { field: review.next_review }
  - due: { field: due, margin: 14d }     # early warning: due within 14 days
";
    const DOCS: &'static str = "\
\"Today\" is the system date, or `--today YYYY-MM-DD` for reproducible runs.";
    const VARS: &'static [(&'static str, &'static str)] =
        &[("days", "overdue, or remaining with a margin")];

    type Compiled = DueCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<DueCheck> {
        Ok(DueCheck {
            field: self.field.compile(&at.arg("field"))?,
            margin: self
                .margin
                .map(|m| m.compile(cx, &at.arg("margin")))
                .transpose()?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct DueCheck {
    field: FieldPath,
    margin: Option<dates::Duration>,
}

impl Check for DueCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        dated(&self.field, s)
            .into_iter()
            .filter_map(|(p, v, d)| {
                let horizon = self
                    .margin
                    .map_or(Some(env.today), |m| m.after(env.today))?;
                (d < horizon).then(|| {
                    let days = dates::days_between(env.today, d);
                    let label = if d < env.today {
                        format!("{} day(s) overdue", -days)
                    } else {
                        format!("due in {days} day(s)")
                    };
                    Failure::at(p, Some(v), label).var("days", days.abs().to_string())
                })
            })
            .collect()
    }
}
