//! `fresh`: the date is not older than a maximum age.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::{Duration, Path};
use super::{At, Check, Function, Result};
use crate::dates;
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, dated};
use crate::rules::path::FieldPath;

/// The date is not older than `max_age` (and stays so for `margin` more, if given).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fresh {
    /// The date field (YYYY-MM-DD).
    field: Path,
    /// How long the date stays valid: a duration, or `{field: path, default: duration}` to read it from the artifact.
    max_age: MaxAge,
    /// Report when the date will be stale within this duration (early warning).
    #[serde(default)]
    margin: Option<Duration>,
}

/// A duration: literal (`90d`) or read from a field with a default.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
#[schemars(inline)]
enum MaxAge {
    Literal(Duration),
    Field {
        /// The field holding the duration.
        field: Path,
        /// The duration when the field is absent.
        #[serde(default)]
        default: Option<Duration>,
    },
}

impl Function for Fresh {
    const TITLE: &'static str = "the date is not older than a maximum age";
    const EXAMPLE: &'static str = "\
assert:
  # evidence stays valid for its own `valid_for`, or a year when it does not say
  - fresh: { field: collected_on, max_age: { field: valid_for, default: 1y } }
  # early warning: report 30 days before it goes stale (write this as a separate warning rule)
  - fresh: { field: collected_on, max_age: 90d, margin: 30d }
";
    const DOCS: &'static str = "\
Durations are a positive whole number and a unit: `d` days, `w` weeks, `mo` months, `y` years.
Months and years are calendar arithmetic (a year after 2024-02-29 is 2025-02-28). A `max_age`
read from a field that says `until-superseded` never expires.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("expires", "the date it expires"),
        ("max_age", "the maximum age"),
        ("days", "since it expired, or until it does with a margin"),
    ];

    type Compiled = FreshCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<FreshCheck> {
        Ok(FreshCheck {
            field: self.field.compile(&at.arg("field"))?,
            max_age: match self.max_age {
                MaxAge::Literal(d) => Age::Literal(d.compile(cx, &at.arg("max_age"))?),
                MaxAge::Field { field, default } => Age::Field {
                    path: field.compile(&at.arg("max_age/field"))?,
                    default: default
                        .map(|d| d.compile(cx, &at.arg("max_age/default")))
                        .transpose()?,
                },
            },
            margin: self
                .margin
                .map(|m| m.compile(cx, &at.arg("margin")))
                .transpose()?,
        })
    }
}

#[derive(Debug)]
enum Age {
    Literal(dates::Duration),
    Field {
        path: FieldPath,
        default: Option<dates::Duration>,
    },
}

#[derive(Debug)]
pub(crate) struct FreshCheck {
    field: FieldPath,
    max_age: Age,
    margin: Option<dates::Duration>,
}

impl Check for FreshCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let age = match &self.max_age {
            Age::Literal(d) => Some(*d),
            Age::Field { path, default } => {
                dates::validity(path.get(s.value).and_then(Value::as_str), *default)
            }
        };
        let Some(age) = age else { return Vec::new() };
        let Some(horizon) = self
            .margin
            .map_or(Some(env.today), |m| m.after(env.today))
        else {
            return Vec::new();
        };
        dated(&self.field, s)
            .into_iter()
            .filter_map(|(p, v, d)| {
                let expires = age.after(d)?;
                (expires < horizon).then(|| {
                    let days = dates::days_between(env.today, expires);
                    let label = if expires < env.today {
                        format!("expired on {expires} ({} day(s) ago)", -days)
                    } else {
                        format!("expires on {expires} (in {days} day(s))")
                    };
                    Failure::at(p, Some(v), label)
                        .var("expires", expires.to_string())
                        .var("max_age", age.to_string())
                        .var("days", days.abs().to_string())
                })
            })
            .collect()
    }
}
