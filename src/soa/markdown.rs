//! The Markdown rendering: a section per framework, one GitHub-flavoured table row per Annex
//! A control; list cells have one item per line (`<br>`).

use super::{COLUMNS, documents, freshness_note, no_rows, sheets, title, totals};
use crate::coverage::markdown::cell;
use crate::coverage::model::Coverage;

pub(crate) fn render(c: &Coverage) -> String {
    let mut out = format!("# {}\n\nAs of {}.\n", cell(&title(c)), c.today);
    for d in documents(c) {
        out.push_str(&format!("\nDocument: {}.\n", cell(&d)));
    }
    let sheets = sheets(c);
    if sheets.is_empty() {
        out.push_str("\nNo framework is in scope: the repository has no scope artifact.\n");
        return out;
    }
    for sheet in &sheets {
        let f = sheet.framework;
        out.push_str(&format!("\n## {} (`{}`)\n\n", cell(&f.title), f.id));
        if sheet.rows.is_empty() {
            out.push_str(&format!("{}\n", no_rows(f)));
            continue;
        }
        out.push_str(&format!("{}\n\n", totals(f)));
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        out.push_str(&format!("| {} |\n", names.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(COLUMNS.len())));
        for row in &sheet.rows {
            out.push_str(&format!("| {} |\n", row.cells(cell, "<br>").join(" | ")));
        }
    }
    out.push_str(&format!("\n{}\n", freshness_note(c)));
    out
}
