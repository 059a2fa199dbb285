//! Dates and durations as artifacts write them.
//!
//! Dates are `YYYY-MM-DD` strings (the schemas check the format). Durations are a positive
//! whole number and a unit: `d` days, `w` weeks, `mo` months, `y` years (`90d`, `6w`,
//! `12mo`, `1y`). Months and years are calendar arithmetic: a year after 2024-02-29 is
//! 2025-02-28.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::{Span, ToSpan};

/// `valid_for: until-superseded`: one-off evidence (a signed contract, an approval) that stays
/// current until a newer record replaces it, and never expires by age.
pub(crate) const UNTIL_SUPERSEDED: &str = "until-superseded";

/// How long something stays current, from a `valid_for`-like field and a default: `None` when
/// it does not expire by age (no usable value and no default, or [`UNTIL_SUPERSEDED`]). The
/// rules (`fresh`) and `annexa coverage` both read validity through this.
pub(crate) fn validity(field: Option<&str>, default: Option<Duration>) -> Option<Duration> {
    match field {
        Some(UNTIL_SUPERSEDED) => None,
        Some(text) => text.parse().ok().or(default),
        None => default,
    }
}

/// Where something that expires stands on a day: the one judgement of expiry that evidence
/// freshness (`EVD001`/`EVD002`, `annexa coverage`) and every other expiring date share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Standing {
    /// Expired: the expiry is before the day.
    Expired,
    /// Expires within the warning window (`warn_within`).
    Expiring,
    Current,
}

impl Standing {
    /// The standing on `today` of what expires on `expires`, warned `warn_within` ahead.
    pub(crate) fn of(expires: Date, today: Date, warn_within: Duration) -> Standing {
        if expires < today {
            Standing::Expired
        } else if warn_within.after(today).is_none_or(|h| expires < h) {
            Standing::Expiring
        } else {
            Standing::Current
        }
    }
}

/// A calendar duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    pub amount: u32,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Duration {
    fn span(self) -> Span {
        let n = i64::from(self.amount);
        match self.unit {
            Unit::Days => n.days(),
            Unit::Weeks => n.weeks(),
            Unit::Months => n.months(),
            Unit::Years => n.years(),
        }
    }

    /// `date` + this duration, or `None` past the end of the calendar.
    pub(crate) fn after(self, date: Date) -> Option<Date> {
        date.checked_add(self.span()).ok()
    }

    /// `date` − this duration, or `None` before the start of the calendar.
    pub(crate) fn before(self, date: Date) -> Option<Date> {
        date.checked_sub(self.span()).ok()
    }
}

impl FromStr for Duration {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        let unit = match unit {
            "d" => Unit::Days,
            "w" => Unit::Weeks,
            "mo" => Unit::Months,
            "y" => Unit::Years,
            _ => {
                return Err(format!(
                    "`{s}` is not a duration (use e.g. 90d, 6w, 12mo, 1y)"
                ));
            }
        };
        let amount: u32 = digits
            .parse()
            .ok()
            .filter(|&n| n > 0 && n <= 100_000)
            .ok_or_else(|| format!("`{s}` is not a duration (use e.g. 90d, 6w, 12mo, 1y)"))?;
        Ok(Duration { amount, unit })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Days => "d",
            Unit::Weeks => "w",
            Unit::Months => "mo",
            Unit::Years => "y",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

/// Parse a `YYYY-MM-DD` date.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    if s.len() != 10 {
        return None;
    }
    s.parse().ok()
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    // `Date::until` measures in days by default, so the span holds only days.
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn standing_is_expired_before_the_day_and_expiring_within_the_window() {
        let today = d("2026-06-01");
        let warn: Duration = "30d".parse().unwrap();
        assert_eq!(
            Standing::of(d("2026-05-31"), today, warn),
            Standing::Expired
        );
        assert_eq!(Standing::of(today, today, warn), Standing::Expiring);
        assert_eq!(
            Standing::of(d("2026-06-30"), today, warn),
            Standing::Expiring
        );
        assert_eq!(
            Standing::of(d("2026-07-01"), today, warn),
            Standing::Current
        );
    }

    #[test]
    fn durations_parse_and_print() {
        for s in ["90d", "6w", "12mo", "1y"] {
            assert_eq!(s.parse::<Duration>().unwrap().to_string(), s);
        }
        for bad in ["", "d", "0d", "90", "90 days", "1.5y", "-1d", "12m"] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
    }

    #[test]
    fn calendar_arithmetic() {
        let y: Duration = "1y".parse().unwrap();
        assert_eq!(y.after(d("2024-02-29")), Some(d("2025-02-28")));
        let m: Duration = "1mo".parse().unwrap();
        assert_eq!(m.after(d("2026-01-31")), Some(d("2026-02-28")));
        let days: Duration = "90d".parse().unwrap();
        assert_eq!(days.before(d("2026-11-22")), Some(d("2026-08-24")));
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2024-02-30").is_none());
        assert!(parse_date("2024-2-3").is_none());
        assert_eq!(days_between(d("2026-11-20"), d("2026-11-22")), 2);
        assert_eq!(days_between(d("2026-11-22"), d("2026-11-20")), -2);
    }
}
