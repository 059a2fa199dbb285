//! The calendar as iCalendar (RFC 5545), for calendar applications: one all-day event per
//! date, with a stable `UID` per item (its key) and `DTSTAMP` at midnight UTC of the day the
//! calendar was made for, so the same repository and `--today` give the same bytes.

use super::{Calendar, Item};

pub(crate) fn render(calendar: &Calendar) -> String {
    let mut out = Lines::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//annexa//annexa due//EN");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.line("X-WR-CALNAME:What falls due");
    let stamp = format!("{}T000000Z", compact(&calendar.today.to_string()));
    for i in &calendar.items {
        event(&mut out, i, &stamp);
    }
    out.line("END:VCALENDAR");
    out.0
}

fn event(out: &mut Lines, i: &Item, stamp: &str) {
    let start = compact(&i.date.to_string());
    let end = i
        .date
        .tomorrow()
        .map_or_else(|_| start.clone(), |d| compact(&d.to_string()));
    out.line("BEGIN:VEVENT");
    out.line(&format!("UID:{}@annexa", uid(&i.key)));
    out.line(&format!("DTSTAMP:{stamp}"));
    out.line(&format!("DTSTART;VALUE=DATE:{start}"));
    out.line(&format!("DTEND;VALUE=DATE:{end}"));
    let prefix = if i.overdue { "Overdue: " } else { "" };
    let summary = format!("{prefix}{}: {}", i.id, i.summary);
    out.line(&format!("SUMMARY:{}", escape(&summary)));
    let place = match i.line {
        Some(line) => format!("{}:{line}", i.file),
        None => i.file.clone(),
    };
    let mut description = format!("{} ({})\nWritten at {place}", i.id, i.what.name());
    if let Some(owner) = &i.owner {
        description.push_str(&format!("\nOwner: {owner}"));
    }
    out.line(&format!("DESCRIPTION:{}", escape(&description)));
    out.line(&format!("LOCATION:{}", escape(&place)));
    out.line(&format!(
        "CATEGORIES:{}",
        i.what.name().to_ascii_uppercase()
    ));
    out.line("TRANSP:TRANSPARENT");
    out.line("END:VEVENT");
}

/// `2026-03-01` → `20260301`.
fn compact(date: &str) -> String {
    date.replace('-', "")
}

/// A key as the local part of a `UID`: letters, digits, `.`, `-` and `_`; anything else as
/// `_XX` (its bytes in hex), so that different keys stay different.
fn uid(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("_{b:02X}"));
        }
    }
    out
}

/// TEXT escaping (RFC 5545 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Content lines, CRLF-terminated and folded at 75 octets (never inside a character).
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn line(&mut self, text: &str) {
        let mut width = 0;
        for c in text.chars() {
            if width + c.len_utf8() > 75 {
                self.0.push_str("\r\n ");
                width = 1;
            }
            self.0.push(c);
            width += c.len_utf8();
        }
        self.0.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_and_text_is_escaped() {
        let mut l = Lines::default();
        l.line(&"é".repeat(60));
        for line in l.0.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(
            uid("agreement-expiry/SUP 1/0"),
            "agreement-expiry_2FSUP_201_2F0"
        );
    }
}
