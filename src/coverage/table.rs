//! The terminal rendering: plain text, columns padded.

use super::model::*;
use super::text;

const TITLE_WIDTH: usize = 52;

pub(crate) fn render(c: &Coverage) -> String {
    let mut out = String::new();
    out.push_str(&heading(c));
    out.push('\n');
    out.push_str(&format!("\n{}\n", text::verdict_line(&c.readiness)));
    for l in text::readiness_listings(&c.readiness) {
        out.push_str(&format!("\n{}\n\n", l.title));
        out.push_str(&grid(l.header, &l.rows));
    }
    for f in &c.frameworks {
        out.push_str(&format!(
            "\n{}\n",
            text::framework_heading(f).replace('`', "")
        ));
        if !f.catalog {
            out.push_str("  no catalog is loaded for this framework\n");
            continue;
        }
        for line in text::totals_lines(f) {
            out.push_str(&format!("  {line}\n"));
        }
        if !f.suggested.is_empty() {
            out.push_str(&format!("\n  {}\n\n", text::suggestions_heading(f)));
            let rows: Vec<Vec<String>> = f
                .suggested
                .iter()
                .map(|s| text::suggestion_cells(s).to_vec())
                .collect();
            out.push_str(&grid(&text::SUGGESTION_HEADER, &rows));
        }
    }
    if !c.shared_controls.is_empty() {
        out.push_str(&format!(
            "\nControls serving several frameworks ({})\n\n",
            c.shared_controls.len()
        ));
        let rows: Vec<Vec<String>> = c
            .shared_controls
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.freshness.name().to_string(),
                    s.frameworks
                        .iter()
                        .map(text::framework_refs)
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect();
        out.push_str(&grid(&["control", "evidence", "serves"], &rows));
    }
    if let Some(a) = &c.additions {
        out.push_str(&format!(
            "\nWhat {} adds to {}\n\n",
            a.added_title, a.base_title
        ));
        out.push_str(&format!("  {}\n\n", text::additions_summary(a)));
        if !a.requirements.is_empty() {
            let rows: Vec<Vec<String>> = a
                .requirements
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        text::truncate(&r.title, TITLE_WIDTH),
                        r.applicability.map_or("", Applicability::name).to_string(),
                        if r.covered_by.is_empty() {
                            "not covered".to_string()
                        } else {
                            r.covered_by.join(", ")
                        },
                    ]
                })
                .collect();
            out.push_str(&grid(&["requirement", "title", "soa", "covered by"], &rows));
        }
    }
    for f in c.frameworks.iter().filter(|f| f.catalog) {
        for s in &f.sections {
            out.push_str(&format!("\n{} — {}\n", f.title, s.kind.title()));
            for g in &s.groups {
                out.push_str(&format!("\n{}\n", text::group_heading(g)));
                let rows: Vec<Vec<String>> = g
                    .requirements
                    .iter()
                    .map(|r| {
                        let mut row = vec![r.id.clone(), text::truncate(&r.title, TITLE_WIDTH)];
                        if s.kind == SectionKind::Controls {
                            row.push(text::applicability(r).to_string());
                            row.push(text::status(r).to_string());
                        }
                        row.push(text::evidence(r).to_string());
                        row.push(text::served_by(r));
                        row
                    })
                    .collect();
                let header: &[&str] = if s.kind == SectionKind::Controls {
                    &["id", "title", "soa", "status", "evidence", "served by"]
                } else {
                    &["id", "title", "evidence", "served by"]
                };
                out.push_str(&grid(header, &rows));
            }
        }
    }
    out
}

fn heading(c: &Coverage) -> String {
    match &c.organisation {
        Some(o) => format!("Coverage of {o} as of {}", c.today),
        None => format!("Coverage as of {}", c.today),
    }
}

/// Columns padded to their widest cell, the last column unpadded, indented by two.
fn grid(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut s = String::from("  ");
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                s.push_str(cell);
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    for row in rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        out.push_str(&line(&cells));
    }
    out
}
