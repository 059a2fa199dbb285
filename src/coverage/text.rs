//! Wording shared by the renderers.

use super::model::*;

/// The SoA column: `applicable`, `excluded`, `missing`, or empty for requirements that need
/// no SoA entry.
pub(super) fn applicability(r: &Requirement) -> &'static str {
    r.soa.as_ref().map_or("", |s| s.applicability.name())
}

/// The status column: the implementation status of an applicable control.
pub(super) fn status(r: &Requirement) -> &'static str {
    r.soa
        .as_ref()
        .and_then(|s| s.status)
        .map_or("", Status::name)
}

/// What serves a requirement: controls, then documents; a heading covered through its
/// requirements says so.
pub(super) fn served_by(r: &Requirement) -> String {
    let all: Vec<&str> = r
        .controls
        .iter()
        .chain(&r.documents)
        .map(String::as_str)
        .collect();
    if !all.is_empty() {
        return all.join(", ");
    }
    if r.heading && r.covered {
        return "(through its sub-clauses)".into();
    }
    String::new()
}

/// The evidence column: empty for requirements without controls.
pub(super) fn evidence(r: &Requirement) -> &'static str {
    if r.controls.is_empty() {
        ""
    } else {
        r.evidence.name()
    }
}

/// `ISO/IEC 27001:2022 (with iso27001:2022/amd1:2024)`.
pub(super) fn framework_heading(f: &Framework) -> String {
    let mut s = f.title.clone();
    if f.title != f.id {
        s.push_str(&format!(" — `{}`", f.id));
    }
    if !f.amendments.is_empty() {
        s.push_str(&format!(", with {}", f.amendments.join(", ")));
    }
    s
}

/// `A.6.1 Management guidance …`, with the parent group when there is one.
pub(super) fn group_heading(g: &Group) -> String {
    let own = match &g.id {
        Some(id) if g.title.is_empty() => id.clone(),
        Some(id) => format!("{id} {}", g.title),
        None => "Other".into(),
    };
    match &g.parent {
        Some(p) => format!("{} {} › {own}", p.id, p.title),
        None => own,
    }
}

/// The summary lines of a framework's totals, without decoration.
pub(super) fn totals_lines(f: &Framework) -> Vec<String> {
    let t = &f.totals;
    let mut out = Vec::new();
    let c = &t.controls;
    if c.total > 0 {
        out.push(format!(
            "Annex A controls: {} — {} applicable, {} excluded, {} missing from the SoA",
            c.total, c.applicable, c.excluded, c.missing
        ));
        let mut status = format!(
            "Applicable: {} implemented, {} partial, {} planned, {} not started",
            c.implemented, c.partial, c.planned, c.not_started
        );
        if c.no_status > 0 {
            status.push_str(&format!(", {} without status", c.no_status));
        }
        out.push(status);
        out.push(format!(
            "Evidence: {} with fresh evidence, {} expiring, {} stale, {} without evidence ({} served by a control)",
            c.fresh, c.expiring, c.stale, c.no_evidence, c.with_control
        ));
    }
    if t.clauses.total > 0 {
        out.push(format!(
            "Clauses: {} of {} covered by a control or document",
            t.clauses.covered, t.clauses.total
        ));
    }
    if t.requirements.total > 0 {
        out.push(format!(
            "Requirements: {} of {} covered by a control or document",
            t.requirements.covered, t.requirements.total
        ));
    }
    out
}

/// `iso27001:2022: A.5.19, A.5.20`.
pub(super) fn framework_refs(r: &FrameworkRefs) -> String {
    format!("{}: {}", r.framework, r.requirements.join(", "))
}

/// The one-paragraph summary of the additions.
pub(super) fn additions_summary(a: &Additions) -> String {
    format!(
        "Of the {} requirements of {}, {} are already covered by controls or documents that also serve {}; \
         {} are covered only by work specific to {}, and {} are not covered yet.",
        a.total,
        a.added_title,
        a.reused,
        a.base_title,
        a.new_covered,
        a.added_title,
        a.new_uncovered
    )
}

/// Shorten `s` to at most `max` characters, with an ellipsis.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The verdict in one sentence: `Ready for audit: …` / `Not ready for audit: …`.
pub(super) fn verdict_line(r: &Readiness) -> String {
    let tool_errors = r
        .tool
        .iter()
        .filter(|f| f.severity == crate::diagnostic::Severity::Error)
        .count();
    let mut parts = vec![
        count(r.blocking.len(), "blocking finding"),
        count(r.warnings.len(), "warning"),
    ];
    if tool_errors > 0 {
        parts.push(format!(
            "{} that kept part of the repository from being checked",
            count(tool_errors, "error")
        ));
    }
    let head = match r.verdict {
        Verdict::Ready => "Ready for audit",
        Verdict::NotReady => "Not ready for audit",
    };
    format!("{head}: {}.", parts.join(", "))
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// One table of the readiness section: a title, its column names and rows.
pub(super) struct Listing {
    pub title: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

/// The readiness section's tables, in order, the empty ones left out (the last one, the
/// audits and reviews, is always there when a framework is in scope).
pub(super) fn readiness_listings(r: &Readiness) -> Vec<Listing> {
    let findings = |list: &[Finding]| -> Vec<Vec<String>> {
        list.iter()
            .map(|f| {
                let place = match (&f.file, f.line) {
                    (Some(file), Some(line)) => format!("{file}:{line}"),
                    (Some(file), None) => file.clone(),
                    (None, _) => "repository".to_string(),
                };
                vec![f.code.clone(), place, f.message.clone()]
            })
            .collect()
    };
    let or_none = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".into());
    let dated = |d: &Option<Dated>| {
        d.as_ref()
            .map_or_else(|| "none".to_string(), |d| format!("{} ({})", d.id, d.date))
    };
    const FINDING: &[&str] = &["code", "where", "finding"];
    let mut all: Vec<Listing> = [
        ("Blocking findings", &r.blocking),
        ("Warnings", &r.warnings),
        ("Not checked: problems reading the repository", &r.tool),
    ]
    .into_iter()
    .map(|(title, list)| Listing {
        title,
        header: FINDING,
        rows: findings(list),
    })
    .collect();
    all.extend([
        Listing {
            title: "Evidence expired or expiring",
            header: &["evidence", "expires", "controls", "owner"],
            rows: r
                .evidence
                .iter()
                .map(|e| {
                    let expiry = if e.expired {
                        format!("{} (expired)", e.expires_on)
                    } else {
                        e.expires_on.clone()
                    };
                    vec![
                        e.id.clone(),
                        expiry,
                        e.controls.join(", "),
                        or_none(&e.owner),
                    ]
                })
                .collect(),
        },
        Listing {
            title: "Open nonconformities",
            header: &["nonconformity", "due", "status", "owner"],
            rows: r
                .nonconformities
                .iter()
                .map(|n| {
                    let due = match (&n.due, n.overdue) {
                        (Some(d), true) => format!("{d} (overdue)"),
                        (Some(d), false) => d.clone(),
                        (None, _) => "—".into(),
                    };
                    vec![n.id.clone(), due, or_none(&n.status), or_none(&n.owner)]
                })
                .collect(),
        },
        Listing {
            title: "Last internal audit and management review",
            header: &["framework", "internal audit", "management review"],
            rows: r
                .records
                .iter()
                .map(|x| {
                    vec![
                        x.framework.clone(),
                        dated(&x.internal_audit),
                        dated(&x.management_review),
                    ]
                })
                .collect(),
        },
    ]);
    all.retain(|l| !l.rows.is_empty());
    all
}

/// The heading of a framework's crosswalk suggestions.
pub(super) fn suggestions_heading(f: &Framework) -> String {
    format!(
        "Suggested by crosswalks, not counted as coverage ({})",
        f.suggested.len()
    )
}

/// A suggestion's cells: requirement, title, control, and why (`related to nist-ai-rmf:1.0/GOVERN-1.1`).
pub(super) fn suggestion_cells(s: &Suggestion) -> [String; 4] {
    [
        s.reference.clone(),
        s.title.clone(),
        s.control.clone(),
        format!("{} to {}, which it claims", s.relationship, s.through),
    ]
}

/// The column names of [`suggestion_cells`].
pub(super) const SUGGESTION_HEADER: [&str; 4] = ["might serve", "title", "control", "because"];
