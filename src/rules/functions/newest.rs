//! `newest`: the subject is the latest record of something it names — not superseded by a
//! later record of everything it names (the evidence of last quarter, once this quarter's is
//! in, is history rather than stale evidence).

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{Conditions, Kinds, Path};
use super::{At, Check, Function, Result};
use crate::model::Kind;
use crate::rules::compile::{Cond, Ctx};
use crate::rules::eval::{Env, Failure, Seen, Subject, dated, holds, texts_at};
use crate::rules::path::FieldPath;

/// No later record of `kinds` names every value the subject names at `field`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Newest {
    /// The field whose values the records share (a value or a list), e.g. `supports`.
    field: Path,
    /// The records' date, in the mapping that holds `field`, e.g. `collected_on`.
    date: Path,
    /// The kinds of the records compared with the subject, usually its own.
    #[schemars(extend("minItems" = 1))]
    kinds: Kinds,
    /// Conditions on the artifact each value names (by `id`): only a value whose artifact satisfies them can be superseded, so a record naming any other value never is.
    #[serde(default)]
    of: Conditions,
}

impl Function for Newest {
    const TITLE: &'static str = "no later record supersedes this one";
    const EXAMPLE: &'static str = "\
kinds: [evidence]
assert:
  # report the records that a later one supersedes
  - newest: { field: supports, date: collected_on, kinds: [evidence] }
---
kinds: [evidence]
when:
  # evidence of recurring controls is history once a later record supports them all
  - passes:
      newest:
        field: supports
        date: collected_on
        kinds: [evidence]
        of: [{ field: recurrence, present: true }]
assert:
  - fresh: { field: collected_on, max_age: 90d }
";
    const DOCS: &'static str = "\
The subject is superseded when, for every value it names at `field`, another record of `kinds`
names the same value with a later `date` — last quarter's access review, once this quarter's
supports the same controls. With `of`, only values naming an artifact that satisfies its
conditions (a control that declares a recurrence) can be superseded. Then one finding at the
subject's `date`, naming the latest record that supersedes it; a subject without a date, or
naming nothing, is not superseded. Usually a condition: `passes: { newest: {…} }`.";
    const VARS: &'static [(&'static str, &'static str)] =
        &[("by", "the latest record that supersedes the subject")];

    type Compiled = NewestCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<NewestCheck> {
        Ok(NewestCheck {
            field: self.field.compile(&at.arg("field"))?,
            date: self.date.compile(&at.arg("date"))?,
            kinds: self.kinds.compile(&at.arg("kinds"))?,
            of: self.of.compile(cx, &at.arg("of"))?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct NewestCheck {
    field: FieldPath,
    date: FieldPath,
    kinds: Vec<Kind>,
    of: Vec<Cond>,
}

impl NewestCheck {
    /// Can records naming `key` supersede one another (the artifact it names satisfies `of`)?
    fn may_supersede(&self, key: &str, env: &Env<'_>) -> bool {
        if self.of.is_empty() {
            return true;
        }
        env.index.get(key).is_some_and(|a| {
            let s = Subject {
                artifact: a,
                pointer: crate::pointer::Pointer::root(),
                value: &a.value,
            };
            self.of.iter().all(|c| holds(c, &s, &a.value, env))
        })
    }
}

impl Check for NewestCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let Some((pointer, value, own)) = dated(&self.date, s).into_iter().next() else {
            return Vec::new();
        };
        let named: Vec<&str> = texts_at(&self.field, s).map(|(_, _, t)| t).collect();
        let mut latest = None;
        for key in &named {
            if !self.may_supersede(key, env) {
                return Vec::new();
            }
            let later = env
                .dated_records(&self.kinds, &self.field, &self.date, key)
                .into_iter()
                .filter(|(a, d)| *d > own && !std::ptr::eq(*a, s.artifact))
                .max_by_key(|(_, d)| *d);
            match later {
                None => return Vec::new(),
                Some((a, d)) => {
                    if latest.is_none_or(|(_, l)| d > l) {
                        latest = Some((a, d));
                    }
                }
            }
        }
        let Some((by, _)) = latest else {
            return Vec::new();
        };
        let by = by.id.clone().unwrap_or_default();
        vec![
            Failure::at(pointer, Some(value), format!("superseded by `{by}`"))
                .var("by", by.clone()),
        ]
    }
}
