//! The calendar as a plain-text table for the terminal.

use super::Calendar;

pub(crate) fn render(calendar: &Calendar) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "DUE".into(),
        "WHEN".into(),
        "WHAT".into(),
        "ID".into(),
        "OWNER".into(),
        "WHERE".into(),
    ]];
    for i in &calendar.items {
        let when = match i.days {
            d if d < 0 => format!("{} d overdue", -d),
            0 => "today".into(),
            d => format!("in {d} d"),
        };
        let place = match i.line {
            Some(line) => format!("{}:{line}", i.file),
            None => i.file.clone(),
        };
        rows.push([
            i.date.to_string(),
            when,
            i.summary.clone(),
            i.id.clone(),
            i.owner.clone().unwrap_or_else(|| "-".into()),
            place,
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (n, (cell, w)) in row.iter().zip(widths).enumerate() {
            if n + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(w - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let overdue = calendar.items.iter().filter(|i| i.overdue).count();
    let scope = match &calendar.within {
        Some(w) => format!(" (overdue, or due within {w} of {})", calendar.today),
        None => format!(" (as of {})", calendar.today),
    };
    out.push_str(&format!(
        "{} date(s), {overdue} overdue{scope}\n",
        calendar.items.len()
    ));
    out
}
