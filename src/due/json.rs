//! The calendar as JSON (`docs/due.md` documents the shape).

use super::Calendar;

pub(crate) fn render(calendar: &Calendar) -> String {
    let mut out = serde_json::to_string_pretty(calendar).unwrap_or_default();
    out.push('\n');
    out
}
