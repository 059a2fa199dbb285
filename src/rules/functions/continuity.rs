//! `continuity`: records recur as often as the subject says, over the whole audit window — a
//! quarterly access review needs a record in each quarter an auditor samples, not one fresh one.

use jiff::ToSpan;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::{Duration, Kinds, Path};
use super::{At, Check, Function, Result};
use crate::dates;
use crate::model::Kind;
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject};
use crate::rules::path::FieldPath;

/// Records of `kinds` that name the subject in `field` are dated (at `date`) in every period of the recurrence the subject declares (at `every`), over the `window` before today.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Continuity {
    /// The subject's field saying how often records recur: `weekly`, `monthly`, `quarterly`, `yearly`, a duration (`90d`, `6mo`), or a mapping `{every: …, since: YYYY-MM-DD}` whose `since` starts the check later (when the activity began).
    every: Path,
    /// The kinds of the records.
    #[schemars(extend("minItems" = 1))]
    kinds: Kinds,
    /// Their field naming the subject's `id` (a value or a list), e.g. `supports`.
    field: Path,
    /// Their date, in the mapping that holds `field`, e.g. `collected_on`.
    date: Path,
    /// How far back from today the periods are checked: a duration or `$param` (the built-in EVD007 uses `$audit_window`).
    window: Duration,
}

impl Function for Continuity {
    const TITLE: &'static str = "records recur in every period of the window";
    const EXAMPLE: &'static str = "\
kinds: [control]
assert:
  # with `recurrence: quarterly`, an evidence record in each quarter of the last 12 months
  - continuity:
      every: recurrence
      kinds: [evidence]
      field: supports
      date: collected_on
      window: 12mo
";
    const DOCS: &'static str = "\
The window runs from `window` before today (or from `since`, if later) to today. For `weekly`,
`monthly`, `quarterly` and `yearly`, every calendar period (ISO week, month, quarter, year) that
has ended by today and ends after the window opens needs a record dated in it — the period in
progress is not checked yet, and a period the window opens in counts whole. For a duration, no
two consecutive records may be further apart than it, and none may be due by today without
one: the first is due that long after the last record before the window (or after the window
opens), each next that long after the one before. Records dated after today do not count; a
subject whose field is missing or is not a recurrence is not checked. One finding per period
without a record, at the recurrence, naming it (`2026-Q2`, `2026-05`, `2026-W14`, `2026`, or
`2026-03-01 to 2026-04-14` for a duration); at most the latest 1,000 periods are checked.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        (
            "period",
            "the period without a record: `2026-Q2`, `2026-05`, `2026-W14`, `2026`, or `2026-03-01 to 2026-04-14`",
        ),
        ("every", "the recurrence, as written"),
    ];

    type Compiled = ContinuityCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<ContinuityCheck> {
        Ok(ContinuityCheck {
            every: self.every.compile(&at.arg("every"))?,
            kinds: self.kinds.compile(&at.arg("kinds"))?,
            field: self.field.compile(&at.arg("field"))?,
            date: self.date.compile(&at.arg("date"))?,
            window: self.window.compile(cx, &at.arg("window"))?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct ContinuityCheck {
    every: FieldPath,
    kinds: Vec<Kind>,
    field: FieldPath,
    date: FieldPath,
    window: dates::Duration,
}

/// How often records recur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recurrence {
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
    Every(dates::Duration),
}

impl Recurrence {
    fn parse(text: &str) -> Option<Recurrence> {
        Some(match text {
            "weekly" => Recurrence::Weekly,
            "monthly" => Recurrence::Monthly,
            "quarterly" => Recurrence::Quarterly,
            "yearly" => Recurrence::Yearly,
            other => Recurrence::Every(other.parse().ok()?),
        })
    }
}

/// The most periods checked for one subject.
const MAX_PERIODS: usize = 1000;

/// The calendar period holding `d`: its first day, the first day of the next, and its name.
fn period(r: Recurrence, d: Date) -> Option<(Date, Date, String)> {
    let (first, length, name) = match r {
        Recurrence::Weekly => {
            let monday = d
                .checked_sub(i64::from(d.weekday().to_monday_zero_offset()).days())
                .ok()?;
            let week = d.iso_week_date();
            (
                monday,
                1.week(),
                format!("{}-W{:02}", week.year(), week.week()),
            )
        }
        Recurrence::Monthly => (
            d.first_of_month(),
            1.month(),
            format!("{}-{:02}", d.year(), d.month()),
        ),
        Recurrence::Quarterly => {
            let q = (d.month() - 1) / 3;
            (
                Date::new(d.year(), q * 3 + 1, 1).ok()?,
                3.months(),
                format!("{}-Q{}", d.year(), q + 1),
            )
        }
        Recurrence::Yearly => (d.first_of_year(), 1.year(), d.year().to_string()),
        Recurrence::Every(_) => return None,
    };
    Some((first, first.checked_add(length).ok()?, name))
}

/// The calendar periods without a record: every period that has ended by `today` and ends
/// after `start`, latest first (at most [`MAX_PERIODS`]).
fn calendar_gaps(r: Recurrence, start: Date, today: Date, records: &[Date]) -> Vec<String> {
    let mut gaps = Vec::new();
    let Some((mut first, _, _)) = period(r, today) else {
        return gaps;
    };
    for _ in 0..MAX_PERIODS {
        // The period before the one starting at `first`.
        let Some((from, until, name)) = first.yesterday().ok().and_then(|d| period(r, d)) else {
            break;
        };
        if until <= start {
            break;
        }
        if !records.iter().any(|d| from <= *d && *d < until) {
            gaps.push(name);
        }
        first = from;
    }
    gaps.reverse();
    gaps
}

/// The stretches without a record for a duration: from the day a record fell due (that long
/// after the previous one, or after `start` when none came before it) to the day before the
/// next one came, or to today.
fn duration_gaps(every: dates::Duration, start: Date, today: Date, records: &[Date]) -> Vec<String> {
    let mut previous = records
        .iter()
        .filter(|d| **d <= start)
        .max()
        .copied()
        .unwrap_or(start);
    let mut gaps = Vec::new();
    let later = records.iter().filter(|d| **d > start).copied();
    for next in later.map(Some).chain([None]) {
        let Some(due) = every.after(previous) else {
            break;
        };
        let end = match next {
            Some(n) => n.yesterday().unwrap_or(n),
            None => today,
        };
        if due <= end && (next.is_some() || due < today) {
            gaps.push(format!("{due} to {end}"));
        }
        match next {
            Some(n) => previous = n,
            None => break,
        }
        if gaps.len() >= MAX_PERIODS {
            break;
        }
    }
    gaps
}

impl Check for ContinuityCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let Some(id) = s.value.get("id").and_then(Value::as_str) else {
            return Vec::new();
        };
        let Some(hit) = self.every.select(s.value, &s.pointer).into_iter().next() else {
            return Vec::new();
        };
        let Some(value) = hit.value else {
            return Vec::new();
        };
        // `quarterly`, or `{every: quarterly, since: 2026-04-01}`.
        let (pointer, written, since) = match value {
            Value::Object(m) => (
                hit.pointer.child("every"),
                m.get("every"),
                m.get("since")
                    .and_then(Value::as_str)
                    .and_then(dates::parse_date),
            ),
            other => (hit.pointer.clone(), Some(other), None),
        };
        let Some((written, recurrence)) = written
            .and_then(Value::as_str)
            .and_then(|w| Some((w, Recurrence::parse(w)?)))
        else {
            return Vec::new();
        };
        let Some(window_start) = self.window.before(env.today) else {
            return Vec::new();
        };
        let start = since.map_or(window_start, |d| d.max(window_start));
        let mut records: Vec<Date> = env
            .dated_records(&self.kinds, &self.field, &self.date, id)
            .into_iter()
            .map(|(_, d)| d)
            .filter(|d| *d <= env.today)
            .collect();
        records.sort();
        let gaps = match recurrence {
            Recurrence::Every(d) => duration_gaps(d, start, env.today, &records),
            calendar => calendar_gaps(calendar, start, env.today, &records),
        };
        let at = value_at(s.value, &s.pointer, &pointer);
        gaps.into_iter()
            .map(|period| {
                let mut f = Failure::at(pointer.clone(), at, format!("no record for {period}"));
                f.entity = Some(format!("gap:{period}"));
                f.var("period", period).var("every", written)
            })
            .collect()
    }
}

/// The value at the absolute `pointer`, inside the subject at `base`.
fn value_at<'v>(subject: &'v Value, base: &str, pointer: &str) -> Option<&'v Value> {
    subject.pointer(pointer.strip_prefix(base).unwrap_or(pointer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn calendar_periods_that_ended_in_the_window() {
        let today = d("2026-11-22");
        let start = d("2025-11-22");
        // One record per quarter but Q2; the quarter in progress is not checked, the one the
        // window opens in counts whole.
        let records = [d("2025-10-08"), d("2026-01-09"), d("2026-07-08"), d("2026-10-09")];
        assert_eq!(
            calendar_gaps(Recurrence::Quarterly, start, today, &records),
            ["2026-Q2"]
        );
        assert_eq!(
            calendar_gaps(Recurrence::Quarterly, start, today, &[]),
            ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
        );
        let monthly = calendar_gaps(Recurrence::Monthly, start, today, &[]);
        assert_eq!(monthly.first().map(String::as_str), Some("2025-11"));
        assert_eq!(monthly.last().map(String::as_str), Some("2026-10"));
        assert_eq!(monthly.len(), 12);
        assert_eq!(
            calendar_gaps(Recurrence::Yearly, start, today, &[d("2025-03-01")]),
            Vec::<String>::new()
        );
        let weeks = calendar_gaps(Recurrence::Weekly, d("2026-11-01"), today, &[]);
        // 2026-11-22 is a Sunday: its week (W47) is still in progress.
        assert_eq!(weeks, ["2026-W44", "2026-W45", "2026-W46"]);
    }

    #[test]
    fn duration_gaps_between_records() {
        let today = d("2026-11-22");
        let start = d("2025-11-22");
        let every: dates::Duration = "90d".parse().unwrap();
        // The last record before the window is the anchor; 2026-02-10 is within 90 days of it.
        let records = [d("2025-11-15"), d("2026-02-10"), d("2026-06-20"), d("2026-09-01")];
        assert_eq!(
            duration_gaps(every, start, today, &records),
            ["2026-05-11 to 2026-06-19"]
        );
        // Nothing since 2026-06-20: due on 2026-09-18.
        assert_eq!(
            duration_gaps(every, start, today, &records[..3]),
            ["2026-05-11 to 2026-06-19", "2026-09-18 to 2026-11-22"]
        );
        // Due exactly today: not yet a gap.
        assert!(duration_gaps(every, d("2026-08-15"), d("2026-11-30"), &[d("2026-09-01")]).is_empty());
    }
}
