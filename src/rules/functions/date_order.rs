//! `date_order`: one date comes before (or after) another, of the same artifact or of an
//! artifact it names.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{Duration, Path};
use super::operand::Operand;
use super::{At, Check, Function, Result};
use crate::pointer::Pointer;
use crate::dates;
use crate::rules::compile::{Ctx, err};
use crate::rules::eval::{Env, Failure, RelatedPlace, Seen, Subject, dated};
use crate::rules::path::FieldPath;
use crate::source::Span;

/// The date at `field` is on or before the date `before` names (or on or after the date `after` names), within `tolerance`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DateOrder {
    /// The date field (YYYY-MM-DD) of the subject.
    field: Path,
    /// The date it must not come after: a field of the subject, or `local->remote` (the field `remote` of the artifact whose id is at `local`).
    #[serde(default)]
    #[schemars(extend("minLength" = 1))]
    before: Option<String>,
    /// The date it must not come before: a field of the subject, or `local->remote`.
    #[serde(default)]
    #[schemars(extend("minLength" = 1))]
    after: Option<String>,
    /// How far out of order the dates may be (none by default).
    #[serde(default)]
    tolerance: Option<Duration>,
}

impl Function for DateOrder {
    const TITLE: &'static str = "one date comes before (or after) another";
    const EXAMPLE: &'static str = r#"kinds: [impact-assessment]
assert:
  # approved before the AI system it assesses (its id is at `ai_system`) was deployed
  - date_order: { field: approved_on, before: "ai_system->deployed_on" }
---
kinds: [nonconformity]
assert:
  # not closed before it was raised, a week's slack for records written up later
  - date_order: { field: closed_on, after: raised_on, tolerance: 1w }
"#;
    const DOCS: &'static str = "\
`before` (or `after`, exactly one of them) names the other date: a field of the subject, or
`local->remote`, the field `remote` of the artifact whose id is at `local`. The date at `field`
must be on or before (on or after) it — the same day is in order — or out of order by at most
`tolerance` (a duration or `$param`). When either date is missing or not a date the assertion
does not fire (use `present` for that). Reported at the date at `field`, with the other date as
a related place, in its own file.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("other", "the date it is compared with"),
        ("days", "how many days apart the two dates are"),
    ];

    type Compiled = DateOrderCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<DateOrderCheck> {
        let (other, before) = match (&self.before, &self.after) {
            (Some(b), None) => (Operand::parse(b, &at.arg("before"))?, true),
            (None, Some(a)) => (Operand::parse(a, &at.arg("after"))?, false),
            _ => {
                return err(
                    at.here(),
                    "`date_order` needs exactly one of `before` and `after`",
                );
            }
        };
        Ok(DateOrderCheck {
            field: self.field.compile(&at.arg("field"))?,
            other,
            before,
            tolerance: self
                .tolerance
                .map(|t| t.compile(cx, &at.arg("tolerance")))
                .transpose()?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct DateOrderCheck {
    field: FieldPath,
    other: Operand,
    /// `before` (else `after`).
    before: bool,
    tolerance: Option<dates::Duration>,
}

impl DateOrderCheck {
    /// The other date, how messages name it, and where it is written.
    fn other<'a>(&self, s: &Subject<'a>, env: &Env<'a>) -> Option<(Date, String, RelatedAt)> {
        let date = dates::parse_date(self.other.value(s.value, env)?.as_str()?)?;
        let (name, file, span) = match &self.other {
            Operand::Deref(local, remote) => {
                let id = local.get(s.value)?.as_str()?;
                let a = env.index.get(id)?;
                let span = remote.pointer(&Pointer::root()).map(|p| a.value_span(&p));
                (format!("`{}` of `{id}`", remote.text()), a.file.clone(), span)
            }
            Operand::Field(p) => {
                let span = p.pointer(&s.pointer).map(|p| s.artifact.value_span(&p));
                (format!("`{}`", p.text()), s.artifact.file.clone(), span)
            }
            Operand::Product(_) => return None,
        };
        Some((date, name, span.map(|span| (file, span))))
    }
}

/// The file and span of the other date, when it can be pointed at.
type RelatedAt = Option<(String, Span)>;

impl Check for DateOrderCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let dates = dated(&self.field, s);
        if dates.is_empty() {
            return Vec::new();
        }
        let Some((other, name, related)) = self.other(s, env) else {
            return Vec::new();
        };
        dates
            .into_iter()
            .filter_map(|(pointer, value, date)| {
                // How far `date` may go past `other` in the wrong direction.
                let (early, late) = if self.before { (date, other) } else { (other, date) };
                let bound = match self.tolerance {
                    Some(t) => t.after(late)?,
                    None => late,
                };
                if early <= bound {
                    return None;
                }
                let days = dates::days_between(late, early);
                let (way, must) = if self.before {
                    ("after", "on or before")
                } else {
                    ("before", "on or after")
                };
                let mut f = Failure::at(
                    pointer,
                    Some(value),
                    format!("{days} day(s) {way} {name} ({other})"),
                )
                .var("other", other.to_string())
                .var("days", days.to_string());
                if let Some((file, span)) = &related {
                    let slack = self
                        .tolerance
                        .map(|t| format!(", or at most {t} {way} it"))
                        .unwrap_or_default();
                    f.related.push(RelatedPlace {
                        file: file.clone(),
                        span: *span,
                        message: format!("`{}` must be {must} this date{slack}", self.field.text()),
                    });
                }
                Some(f)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::discover::Format;
    use crate::model::Index;
    use crate::rules::{Env, RuleSet, diagnose, testing};
    use crate::source::SourceFile;
    use crate::yaml::Limits;

    const RULES: &str = r#"annexa-rules: v1
rules:
  - code: DATE1
    title: approved before the system was deployed
    severity: error
    kinds: [impact-assessment]
    assert:
      - date_order: { field: approved_on, before: "ai_system->deployed_on" }
    message: "`{id}` was approved on {approved_on}, {days} day(s) after its system went live on {other}"
    docs: d
    tests:
      pass:
        - "annexa: v1\nkind: ai-system\nid: AIS-1\ndeployed_on: 2026-03-01\n---\nannexa: v1\nkind: impact-assessment\nid: IA-1\nai_system: AIS-1\napproved_on: 2026-03-01\n"
        - "annexa: v1\nkind: ai-system\nid: AIS-1\n---\nannexa: v1\nkind: impact-assessment\nid: IA-1\nai_system: AIS-1\napproved_on: 2026-03-13\n"
        - "annexa: v1\nkind: impact-assessment\nid: IA-1\nai_system: AIS-9\napproved_on: 2026-03-13\n"
      fail:
        - yaml: "annexa: v1\nkind: ai-system\nid: AIS-1\ndeployed_on: 2026-03-01\n---\nannexa: v1\nkind: impact-assessment\nid: IA-1\nai_system: AIS-1\napproved_on: 2026-03-13\n"
          line: 10
  - code: DATE2
    title: not closed before it was raised
    severity: error
    kinds: [nonconformity]
    assert:
      - date_order: { field: closed_on, after: raised_on, tolerance: 1w }
    message: m
    docs: d
    tests:
      pass:
        - "annexa: v1\nkind: nonconformity\nid: NC-1\nraised_on: 2026-03-10\nclosed_on: 2026-03-03\n"
      fail:
        - yaml: "annexa: v1\nkind: nonconformity\nid: NC-1\nraised_on: 2026-03-10\nclosed_on: 2026-03-02\n"
          line: 5
"#;

    fn rules() -> RuleSet {
        let mut set = RuleSet::default();
        if let Err(e) = set.load_file("dates.yaml", RULES) {
            panic!("{:?}", e.iter().map(|d| &d.message).collect::<Vec<_>>());
        }
        set
    }

    #[test]
    fn examples_pass_and_fail_where_they_say() {
        let set = rules();
        let catalogs = crate::catalog::builtin().as_ref().unwrap();
        let results = testing::run(&set.rules, catalogs);
        assert_eq!(results.len(), 6);
        let failed: Vec<_> = results.iter().filter(|r| !r.ok).collect();
        assert!(failed.is_empty(), "{failed:#?}");
    }

    #[test]
    fn the_finding_names_the_other_date_and_points_at_it() {
        let text = "annexa: v1\nkind: ai-system\nid: AIS-1\ndeployed_on: 2026-03-01\n---\nannexa: v1\nkind: impact-assessment\nid: IA-1\nai_system: AIS-1\napproved_on: 2026-03-13\n";
        let file = SourceFile::new("a.yaml", "a.yaml", text);
        let parsed = crate::parse::parse(&file, Format::Yaml, &Limits::default());
        let artifacts: Vec<_> = parsed.artifacts.into_iter().map(Arc::new).collect();
        let index = Index::build(&artifacts);
        let catalogs = crate::catalog::builtin().as_ref().unwrap();
        let env = Env::new(&index, jiff::civil::date(2026, 11, 22), catalogs);
        let found = diagnose(&rules().rules[0], &env);
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(
            d.message,
            "`IA-1` was approved on 2026-03-13, 12 day(s) after its system went live on 2026-03-01"
        );
        assert_eq!(
            d.label.as_deref(),
            Some("12 day(s) after `deployed_on` of `AIS-1` (2026-03-01)")
        );
        assert_eq!(d.related.len(), 1);
        let r = &d.related[0];
        assert_eq!(&text[r.location.span.start..r.location.span.end], "2026-03-01");
        assert_eq!(r.message, "`approved_on` must be on or before this date");
    }

    #[test]
    fn one_of_before_and_after() {
        let both = RULES.replace(
            "{ field: closed_on, after: raised_on, tolerance: 1w }",
            "{ field: closed_on, after: raised_on, before: due }",
        );
        let errors = RuleSet::default().load_file("dates.yaml", &both).unwrap_err();
        assert!(
            errors[0].message.contains("exactly one of `before` and `after`"),
            "{}",
            errors[0].message
        );
    }
}
