//! `recent`: the newest record of some kind is recent enough. Its findings land on that
//! record, not on the rule's subject.

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{Conditions, Kinds};
use super::{At, Check, Function, Result};
use crate::pointer::Pointer;
use crate::dates::{self, Duration};
use crate::model::Kind;
use crate::model::compliance::Periodic;
use crate::rules::compile::{Cond, Ctx, err};
use crate::rules::eval::{Env, Failure, RelatedPlace, Seen, Subject, matching};

/// The newest artifact of `kinds` that satisfies `where`, by its `date` field (records dated after today do not count), is at most `max_age` old. Too old: reported at that record's date, naming it; none: reported at the subject. Template names: `{newest}` (which record, its date and age, or that none is recorded) and `{max_age}`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Recent {
    /// The kinds of the records.
    #[schemars(extend("minItems" = 1))]
    kinds: Kinds,
    /// Conditions on each record; string values may interpolate the subject's fields (`"{id}"`).
    #[serde(default, rename = "where")]
    condition: Conditions,
    /// The records' top-level date field (`held_on`, `performed_on`).
    #[schemars(extend("minLength" = 1))]
    date: String,
    /// How old the newest record may be: a duration (`12mo`) or `$param`.
    #[schemars(extend("minLength" = 1))]
    max_age: String,
}

impl Function for Recent {
    const TITLE: &'static str = "the newest record is recent enough";
    const EXAMPLE: &'static str = r#"kinds: [scope]
for_each: frameworks[]
assert:
  - recent:
      kinds: [management-review]
      where: [{ field: frameworks, contains: "{id}" }]
      date: held_on
      max_age: 12mo
message: "no management review covering `{id}` in the last 12 months: {newest}"
"#;
    const DOCS: &'static str = "\
Finds the newest artifact of `kinds` that satisfies `where` by its `date` field; a record dated
after today has not happened yet and does not count. When it is older than `max_age` (a duration
or `$param`), the finding is reported **at that record's date**, naming it, with the rule's
subject (here the framework's entry in the scope) as a related place; when there is none, at
the subject.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        (
            "newest",
            "``the newest, `MR-2025`, is dated 2025-08-01 (478 day(s) ago)`` or `none is recorded`",
        ),
        ("max_age", "the maximum age"),
    ];

    type Compiled = RecentCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<RecentCheck> {
        if self.date.is_empty() || self.date.contains(['.', '[']) {
            return err(
                at.arg("date"),
                "`date` names a top-level date field of the records (`held_on`)",
            );
        }
        Ok(RecentCheck {
            kinds: self.kinds.compile(&at.arg("kinds"))?,
            condition: self.condition.compile(cx, &at.arg("where"))?,
            date: self.date,
            max_age: cx.duration(&self.max_age, &at.arg("max_age"))?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct RecentCheck {
    kinds: Vec<Kind>,
    condition: Vec<Cond>,
    date: String,
    max_age: Duration,
}

impl Check for RecentCheck {
    /// The newest record of `kinds` satisfying `condition` (dated on or before today) must be
    /// at most `max_age` old. Too old: reported at that record's date, naming it, with the
    /// subject as a related place; none at all: reported at the subject.
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let (date, max_age) = (self.date.as_str(), self.max_age);
        let all = env.index.all();
        let records = matching(&self.kinds, &self.condition, Some(s.value), env);
        let Some(periodic) = Periodic::of(records, date, env.today, max_age) else {
            let names: Vec<String> = self
                .kinds
                .iter()
                .map(|k| k.name().replace('-', " "))
                .collect();
            let label = format!("no {} on record", names.join(" or "));
            let mut f = Failure::at(s.pointer.clone(), Some(s.value), label)
                .var("newest", "none is recorded")
                .var("max_age", max_age.to_string());
            f.missing = false;
            return vec![f];
        };
        if periodic.next.is_some_and(|d| d >= env.today) {
            return Vec::new();
        }
        let (newest, held) = (periodic.record, periodic.held);
        let name = newest.id.clone().unwrap_or_else(|| newest.file.clone());
        let days = dates::days_between(held, env.today);
        let pointer = Pointer::root().child(date);
        let mut f = Failure::at(
            pointer,
            newest.value.get(date),
            format!("the newest, {days} day(s) ago: older than {max_age}"),
        )
        .var(
            "newest",
            format!("the newest, `{name}`, is dated {held} ({days} day(s) ago)"),
        )
        .var("max_age", max_age.to_string());
        f.related.push(RelatedPlace {
            file: s.artifact.file.clone(),
            span: s.artifact.anchor(&s.pointer),
            message: "required by this entry".into(),
        });
        f.entity = Some(format!("recent:{}", s.pointer));
        f.elsewhere = all.iter().find(|a| std::ptr::eq(&***a, newest)).cloned();
        vec![f]
    }

    /// It reports at another artifact than its subject: every subject is evaluated, and the
    /// run's selection keeps the findings in the selected files.
    fn needs_every_subject(&self) -> bool {
        true
    }
}
