//! The Markdown rendering (GitHub-flavoured tables), e.g. for a job summary or a wiki page.

use super::model::*;
use super::text;

pub(crate) fn render(c: &Coverage) -> String {
    let mut out = String::new();
    match &c.organisation {
        Some(o) => out.push_str(&format!("# Coverage: {}\n\n", cell(o))),
        None => out.push_str("# Coverage\n\n"),
    }
    out.push_str(&format!(
        "As of {}. Evidence is fresh until `collected_on` + `valid_for` (default {}), and expiring within {} of that.\n",
        c.today, c.settings.evidence_validity, c.settings.warn_within
    ));

    out.push_str(&format!(
        "\n## Readiness\n\n**{}**\n",
        text::verdict_line(&c.readiness)
    ));
    for l in text::readiness_listings(&c.readiness) {
        out.push_str(&format!("\n### {}\n\n", l.title));
        out.push_str(&format!("| {} |\n", l.header.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(l.header.len())));
        for row in &l.rows {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }

    out.push_str("\n## Summary\n\n");
    out.push_str(
        "| framework | Annex A controls | applicable | excluded | missing | implemented | partial | planned | not started | fresh evidence | expiring | stale | no evidence | clauses covered |\n",
    );
    out.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for f in &c.frameworks {
        let t = &f.totals.controls;
        let clauses = if f.totals.clauses.total > 0 {
            format!("{} / {}", f.totals.clauses.covered, f.totals.clauses.total)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "| {} (`{}`) | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&f.title),
            f.id,
            t.total,
            t.applicable,
            t.excluded,
            t.missing,
            t.implemented,
            t.partial,
            t.planned,
            t.not_started,
            t.fresh,
            t.expiring,
            t.stale,
            t.no_evidence,
            clauses
        ));
    }

    if !c.shared_controls.is_empty() {
        out.push_str("\n## Controls serving several frameworks\n\n");
        out.push_str("| control | title | evidence | serves |\n|---|---|---|---|\n");
        for s in &c.shared_controls {
            let serves: Vec<String> = s.frameworks.iter().map(text::framework_refs).collect();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                s.id,
                cell(s.title.as_deref().unwrap_or("")),
                s.freshness.name(),
                cell(&serves.join("; "))
            ));
        }
    }

    if let Some(a) = &c.additions {
        out.push_str(&format!(
            "\n## What {} adds to {}\n\n{}\n",
            a.added_title,
            a.base_title,
            text::additions_summary(a)
        ));
        if !a.requirements.is_empty() {
            out.push_str("\n| requirement | title | SoA | covered by |\n|---|---|---|---|\n");
            for r in &a.requirements {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} |\n",
                    r.id,
                    cell(&r.title),
                    r.applicability.map_or("", Applicability::name),
                    if r.covered_by.is_empty() {
                        "not covered".to_string()
                    } else {
                        cell(&r.covered_by.join(", "))
                    }
                ));
            }
        }
    }

    for f in &c.frameworks {
        out.push_str(&format!("\n## {}\n\n", text::framework_heading(f)));
        if !f.catalog {
            out.push_str("No catalog is loaded for this framework.\n");
            continue;
        }
        for line in text::totals_lines(f) {
            out.push_str(&format!("- {line}\n"));
        }
        for s in &f.sections {
            out.push_str(&format!("\n### {}\n", s.kind.title()));
            for g in &s.groups {
                out.push_str(&format!("\n#### {}\n\n", cell(&text::group_heading(g))));
                if s.kind == SectionKind::Controls {
                    out.push_str("| id | title | SoA | status | evidence | served by |\n|---|---|---|---|---|---|\n");
                } else {
                    out.push_str("| id | title | evidence | served by |\n|---|---|---|---|\n");
                }
                for r in &g.requirements {
                    let mut cells = vec![format!("`{}`", r.id), cell(&r.title)];
                    if s.kind == SectionKind::Controls {
                        cells.push(text::applicability(r).into());
                        cells.push(text::status(r).into());
                    }
                    cells.push(text::evidence(r).into());
                    cells.push(cell(&text::served_by(r)));
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
            }
        }
        if !f.suggested.is_empty() {
            out.push_str(&format!("\n### {}\n\n", text::suggestions_heading(f)));
            out.push_str(&format!(
                "| {} |\n|---|---|---|---|\n",
                text::SUGGESTION_HEADER.join(" | ")
            ));
            for s in &f.suggested {
                let cells: Vec<String> =
                    text::suggestion_cells(s).iter().map(|c| cell(c)).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
        }
    }
    out
}

/// Text safe inside a table cell: pipes escaped, line breaks flattened.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}
