//! `annexa soa`: the Statement of Applicability as an auditor reads it — one row per Annex A
//! control of each framework in scope, with its decision, justification, implementation
//! status, the organisation's controls that implement it, their evidence and its freshness.
//!
//! Everything comes from the coverage model ([`crate::coverage::model::Coverage`]), so the
//! export says what `annexa coverage` says. [`sheets`] lays the rows out once; each renderer
//! (`csv`, `markdown`, `html`, `xlsx`) is a pure function of them.

pub(crate) mod csv;
pub(crate) mod html;
pub(crate) mod markdown;
pub(crate) mod xlsx;

use crate::coverage::model::{
    Applicability, Control, Coverage, Evidence, Framework, Freshness, Requirement, SectionKind,
    Status,
};
use crate::dates::UNTIL_SUPERSEDED;

/// A column of the table: its heading and its width in a spreadsheet (in characters).
pub(crate) struct Column {
    pub name: &'static str,
    pub width: f64,
}

/// The columns, in order (the CSV puts the framework before them).
pub(crate) const COLUMNS: [Column; 8] = [
    Column {
        name: "Control",
        width: 9.0,
    },
    Column {
        name: "Title",
        width: 30.0,
    },
    Column {
        name: "Applicable",
        width: 11.0,
    },
    Column {
        name: "Justification",
        width: 44.0,
    },
    Column {
        name: "Implementation status",
        width: 14.0,
    },
    Column {
        name: "Implemented by",
        width: 30.0,
    },
    Column {
        name: "Evidence",
        width: 46.0,
    },
    Column {
        name: "Evidence freshness",
        width: 10.0,
    },
];

/// The rows of one framework.
pub(crate) struct Sheet<'a> {
    pub framework: &'a Framework,
    pub rows: Vec<Row>,
}

/// One Annex A control.
pub(crate) struct Row {
    pub control: String,
    pub title: String,
    pub applicability: Applicability,
    pub justification: String,
    pub status: Option<Status>,
    /// `CTL-ID — title` of each organisation control that implements it.
    pub implemented_by: Vec<String>,
    /// One line per evidence record under those controls, newest first.
    pub evidence: Vec<String>,
    /// The freshest of that evidence; `None` for an excluded control nothing implements.
    pub freshness: Option<Freshness>,
}

impl Row {
    /// The cells in column order, each text passed through `esc` and list items joined
    /// with `sep`.
    pub(crate) fn cells(&self, esc: impl Fn(&str) -> String, sep: &str) -> [String; 8] {
        let list = |items: &[String]| items.iter().map(|s| esc(s)).collect::<Vec<_>>().join(sep);
        [
            esc(&self.control),
            esc(&self.title),
            esc(applicable(self.applicability)),
            esc(&self.justification),
            esc(self.status.map_or("", status)),
            list(&self.implemented_by),
            list(&self.evidence),
            esc(self.freshness.map_or("", Freshness::name)),
        ]
    }
}

/// The Applicable column.
pub(crate) fn applicable(a: Applicability) -> &'static str {
    match a {
        Applicability::Applicable => "yes",
        Applicability::Excluded => "no",
        Applicability::Missing => "no SoA entry",
    }
}

/// The implementation status, as people write it.
pub(crate) fn status(s: Status) -> &'static str {
    match s {
        Status::NotStarted => "not started",
        other => other.name(),
    }
}

/// The rows of every framework in scope, in scope order; rows in catalog order.
pub(crate) fn sheets(c: &Coverage) -> Vec<Sheet<'_>> {
    c.frameworks
        .iter()
        .map(|f| Sheet {
            framework: f,
            rows: f
                .sections
                .iter()
                .filter(|s| s.kind == SectionKind::Controls)
                .flat_map(|s| &s.groups)
                .flat_map(|g| &g.requirements)
                .map(|r| row(r, &c.controls))
                .collect(),
        })
        .collect()
}

fn row(r: &Requirement, controls: &[Control]) -> Row {
    let (applicability, status, justification) = match &r.soa {
        Some(s) => (s.applicability, s.status, s.justification.clone()),
        None => (Applicability::Missing, None, None),
    };
    let serving: Vec<&Control> = r
        .controls
        .iter()
        .filter_map(|id| controls.iter().find(|c| &c.id == id))
        .collect();
    let implemented_by = r
        .controls
        .iter()
        .map(|id| {
            let title = serving
                .iter()
                .find(|c| &c.id == id)
                .and_then(|c| c.title.as_deref());
            match title {
                Some(t) => format!("{id} — {t}"),
                None => id.clone(),
            }
        })
        .collect();
    let mut records: Vec<&Evidence> = serving.iter().flat_map(|c| &c.evidence).collect();
    records.sort_by(|a, b| b.collected_on.cmp(&a.collected_on).then(a.id.cmp(&b.id)));
    records.dedup_by(|a, b| a.id == b.id);
    let freshness =
        (applicability != Applicability::Excluded || !r.controls.is_empty()).then_some(r.evidence);
    Row {
        control: r.id.clone(),
        title: r.title.clone(),
        applicability,
        justification: justification.unwrap_or_default(),
        status,
        implemented_by,
        evidence: records.into_iter().map(evidence_line).collect(),
        freshness,
    }
}

/// `EV-1: collected 2026-10-02, valid until 2027-10-02 (fresh)`.
fn evidence_line(e: &Evidence) -> String {
    let until = if e.expires_on == UNTIL_SUPERSEDED {
        "superseded"
    } else {
        e.expires_on.as_str()
    };
    format!(
        "{}: collected {}, valid until {until} ({})",
        e.id,
        e.collected_on,
        e.freshness.name()
    )
}

/// The first line of every format: whose SoA, as of when.
pub(crate) fn title(c: &Coverage) -> String {
    match &c.organisation {
        Some(o) => format!("Statement of Applicability: {o}"),
        None => "Statement of Applicability".to_string(),
    }
}

/// `93 Annex A controls: 89 applicable, 4 excluded, 0 without an SoA entry.`
pub(crate) fn totals(f: &Framework) -> String {
    let t = &f.totals.controls;
    format!(
        "{} Annex A controls: {} applicable, {} excluded, {} without an SoA entry.",
        t.total, t.applicable, t.excluded, t.missing
    )
}

/// What a framework without rows says instead.
pub(crate) fn no_rows(f: &Framework) -> &'static str {
    if f.catalog {
        "The catalog of this framework has no Annex A controls."
    } else {
        "No Annex A control is listed: no catalog of this framework is loaded."
    }
}

/// The document each SoA file is, one line each (`SOA "…", version 4.0, approved by … on …
/// (soa.yaml)`): an auditor receives the SoA as a controlled document and asks which version.
pub(crate) fn documents(c: &Coverage) -> Vec<String> {
    c.soa_documents.iter().map(|d| d.line()).collect()
}

/// What the freshness column means, for the notes under a table.
pub(crate) fn freshness_note(c: &Coverage) -> String {
    format!(
        "Evidence freshness as of {}: fresh, expiring (within {} of its end), stale (past it) or none; \
         superseded marks an earlier period's record of a recurring control; \
         evidence that gives no validity (valid_for) counts as valid for {}.",
        c.today, c.settings.warn_within, c.settings.evidence_validity
    )
}
