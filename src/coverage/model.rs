//! The coverage model: what `annexa coverage` computes, and what every renderer reads.
//!
//! It serialises as the documented JSON shape (`docs/coverage.md`, `"version": 1`): field
//! names and value spellings here are part of that contract.

use serde::Serialize;

/// The version of the JSON shape.
pub(crate) const VERSION: u32 = 1;

/// The cross-framework picture of one repository, as of one day.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub version: u32,
    /// The day freshness is judged on (`YYYY-MM-DD`).
    pub today: String,
    /// The scope's `organisation`, when there is a scope.
    pub organisation: Option<String>,
    /// The (first) scope artifact the frameworks come from; `None` when the repository has
    /// none (nothing is then in scope).
    pub scope: Option<String>,
    /// The Statement of Applicability documents, in file order: what the SoA export names as
    /// the controlled document it renders.
    pub soa_documents: Vec<SoaDocument>,
    pub settings: Settings,
    /// Is the repository ready for an audit, and what stands in the way.
    pub readiness: Readiness,
    pub frameworks: Vec<Framework>,
    /// Every organisation control, by id.
    pub controls: Vec<Control>,
    /// The controls that serve requirements of more than one framework.
    pub shared_controls: Vec<SharedControl>,
    /// What ISO/IEC 42001 adds to an ISO/IEC 27001 programme (when both are in scope).
    pub additions: Option<Additions>,
}

/// A Statement of Applicability document: its identity, version and approval.
#[derive(Debug, Clone, Serialize)]
pub struct SoaDocument {
    pub id: String,
    pub title: Option<String>,
    pub version: Option<String>,
    pub approved_by: Option<String>,
    pub approved_on: Option<String>,
    /// Repository-relative.
    pub file: String,
}

impl SoaDocument {
    /// `SOA "Statement of Applicability", version 4.0, approved by the CEO on 2026-09-15
    /// (soa.yaml)`; what is not recorded is said to be missing.
    pub fn line(&self) -> String {
        let mut out = self.id.clone();
        if let Some(t) = &self.title {
            out.push_str(&format!(" \"{t}\""));
        }
        match &self.version {
            Some(v) => out.push_str(&format!(", version {v}")),
            None => out.push_str(", no version"),
        }
        match (&self.approved_by, &self.approved_on) {
            (Some(by), Some(on)) => out.push_str(&format!(", approved by {by} on {on}")),
            (Some(by), None) => out.push_str(&format!(", approved by {by} (no date)")),
            (None, Some(on)) => out.push_str(&format!(", approved on {on}")),
            (None, None) => out.push_str(", no approval recorded"),
        }
        out.push_str(&format!(" ({})", self.file));
        out
    }
}

/// The readiness verdict and what it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    pub verdict: Verdict,
    /// Errors about compliance: each would be raised as a nonconformity.
    pub blocking: Vec<Finding>,
    /// Warnings about compliance: observations and opportunities for improvement.
    pub warnings: Vec<Finding>,
    /// Errors and warnings about the repository as annexa reads it (unreadable files, the
    /// configuration): not nonconformities, but an error means part of the repository was
    /// not judged.
    pub tool: Vec<Finding>,
    /// Evidence that has expired or expires within `warn_within`, soonest first.
    pub evidence: Vec<DueEvidence>,
    /// Nonconformities not closed, overdue first.
    pub nonconformities: Vec<OpenNonconformity>,
    /// For each framework in scope, its last internal audit and management review.
    pub records: Vec<FrameworkRecords>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No error about compliance, and every file was read.
    Ready,
    NotReady,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::NotReady => "not ready",
        }
    }
}

/// A finding of `annexa check`, where it is.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: String,
    pub severity: crate::diagnostic::Severity,
    pub message: String,
    /// Repository-relative; `None` for a finding about the repository as a whole.
    pub file: Option<String>,
    /// 1-based.
    pub line: Option<usize>,
}

/// An evidence record that has expired or is about to.
#[derive(Debug, Clone, Serialize)]
pub struct DueEvidence {
    pub id: String,
    /// The controls it supports.
    pub controls: Vec<String>,
    pub expires_on: String,
    /// Already expired (else: expiring).
    pub expired: bool,
    /// The record's owner, else the owner of the first control it supports that has one.
    pub owner: Option<String>,
    pub file: String,
}

/// A nonconformity that is not closed.
#[derive(Debug, Clone, Serialize)]
pub struct OpenNonconformity {
    pub id: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub status: Option<String>,
    pub due: Option<String>,
    /// Its due date has passed.
    pub overdue: bool,
    pub file: String,
}

/// The last internal audit and management review of one framework.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkRecords {
    pub framework: String,
    pub internal_audit: Option<Dated>,
    pub management_review: Option<Dated>,
}

/// A record and its date.
#[derive(Debug, Clone, Serialize)]
pub struct Dated {
    pub id: String,
    pub date: String,
}

/// The durations freshness is judged with.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Validity of evidence without `valid_for` (`evidence_validity`).
    pub evidence_validity: String,
    /// How early evidence counts as expiring (`warn_within`).
    pub warn_within: String,
}

/// One framework in scope.
#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    pub id: String,
    /// The catalog's title (the id when there is no catalog).
    pub title: String,
    /// The amendments the scope applies.
    pub amendments: Vec<String>,
    /// Whether a catalog of the framework is loaded (without one, nothing is listed).
    pub catalog: bool,
    pub totals: Totals,
    pub sections: Vec<Section>,
    /// What a crosswalk suggests controls might also serve here: never counted in `totals`,
    /// never making a requirement `covered`.
    pub suggested: Vec<Suggestion>,
}

/// A control that claims a requirement of another framework, which a crosswalk links to a
/// requirement of this one.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// The requirement of this framework (`framework/id`) the control might serve.
    pub reference: String,
    pub title: String,
    pub control: String,
    /// The requirement the control claims, which the crosswalk links to `reference`.
    pub through: String,
    /// What the link claims, read from `through` to `reference`.
    pub relationship: String,
    /// The crosswalk's title.
    pub crosswalk: String,
}

/// Requirements of one type, grouped.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub kind: SectionKind,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    /// Annex A controls (type `control`): each needs a Statement of Applicability entry.
    Controls,
    /// Management-system clauses (type `clause`), grouped by top-level clause.
    Clauses,
    /// Anything else (articles, requirements of user catalogs).
    Requirements,
}

impl SectionKind {
    pub fn title(self) -> &'static str {
        match self {
            SectionKind::Controls => "Annex A controls",
            SectionKind::Clauses => "Clauses",
            SectionKind::Requirements => "Requirements",
        }
    }
}

/// A heading of the catalog: an Annex A theme or domain, a top-level clause.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub id: Option<String>,
    pub title: String,
    /// The enclosing group (`A.6` for `A.6.1`).
    pub parent: Option<GroupRef>,
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupRef {
    pub id: String,
    pub title: String,
}

/// One requirement of a framework and what serves it.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: String,
    /// `framework/id`.
    pub reference: String,
    /// The short title from the catalog.
    pub title: String,
    /// The catalog type: `control`, `clause`, or another.
    #[serde(rename = "type")]
    pub kind: String,
    /// Other requirements name it as their parent; it is covered through them.
    pub heading: bool,
    /// The Statement of Applicability decision (Annex A controls only).
    pub soa: Option<Soa>,
    /// Organisation controls that satisfy it (their `satisfies`, or the SoA's `implemented_by`).
    pub controls: Vec<String>,
    /// Policies and procedures that list it in `satisfies`, and the records that are its
    /// documented information by their kind: the scope (4.1–4.3), the Statement of
    /// Applicability (6.1.3), objectives (6.2), internal audits (9.2), management reviews (9.3) and
    /// nonconformities (10.2).
    pub documents: Vec<String>,
    /// Ancestors mapped directly, whose controls and documents are counted here too.
    pub via: Vec<String>,
    /// Served by at least one control or document (a heading: all its requirements are).
    pub covered: bool,
    /// The freshest evidence under its controls.
    pub evidence: Freshness,
}

/// A Statement of Applicability decision.
#[derive(Debug, Clone, Serialize)]
pub struct Soa {
    pub applicability: Applicability,
    /// The implementation status of an applicable control.
    pub status: Option<Status>,
    /// The entry's justification: why the control is included, or why it is excluded.
    pub justification: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    Applicable,
    Excluded,
    /// The Statement of Applicability has no entry for it.
    Missing,
}

impl Applicability {
    pub fn name(self) -> &'static str {
        match self {
            Applicability::Applicable => "applicable",
            Applicability::Excluded => "excluded",
            Applicability::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Implemented,
    Partial,
    Planned,
    NotStarted,
}

impl Status {
    pub(crate) fn from_name(s: &str) -> Option<Status> {
        Some(match s {
            "implemented" => Status::Implemented,
            "partial" => Status::Partial,
            "planned" => Status::Planned,
            "not-started" => Status::NotStarted,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Implemented => "implemented",
            Status::Partial => "partial",
            Status::Planned => "planned",
            Status::NotStarted => "not-started",
        }
    }
}

/// How current evidence is. Ordered from worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Freshness {
    /// No evidence at all.
    None,
    /// A past record of a recurring control with a newer record after it: history, kept for
    /// the audit period, neither current nor stale.
    Superseded,
    /// Past its validity.
    Stale,
    /// Valid, but expires within `warn_within`.
    Expiring,
    Fresh,
}

impl Freshness {
    pub fn name(self) -> &'static str {
        match self {
            Freshness::None => "none",
            Freshness::Superseded => "superseded",
            Freshness::Stale => "stale",
            Freshness::Expiring => "expiring",
            Freshness::Fresh => "fresh",
        }
    }
}

/// Counts for one framework.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub controls: ControlTotals,
    pub clauses: Covered,
    pub requirements: Covered,
}

/// Annex A controls. `applicable + excluded + missing = total`; the status counts and the
/// evidence counts (`fresh + expiring + stale + no_evidence`) each add up to `applicable`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ControlTotals {
    pub total: usize,
    pub applicable: usize,
    pub excluded: usize,
    pub missing: usize,
    pub implemented: usize,
    pub partial: usize,
    pub planned: usize,
    pub not_started: usize,
    /// Applicable, with no status recorded.
    pub no_status: usize,
    /// Applicable and served by at least one organisation control.
    pub with_control: usize,
    pub fresh: usize,
    pub expiring: usize,
    pub stale: usize,
    pub no_evidence: usize,
}

/// Requirements other than Annex A controls: how many (headings not counted), how many served.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Covered {
    pub total: usize,
    pub covered: usize,
}

/// One of the organisation's controls.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    /// The control's own `status`.
    pub status: Option<Status>,
    /// The repository-relative file that defines it.
    pub file: String,
    /// The requirements it serves: its `satisfies`, then SoA entries naming it.
    pub requirements: Vec<String>,
    /// The frameworks of those requirements.
    pub frameworks: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// The freshest of its evidence.
    pub freshness: Freshness,
}

/// An evidence record under a control.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: String,
    pub title: Option<String>,
    pub collected_on: String,
    /// `collected_on` + `valid_for` (or the default validity), or `until-superseded` for
    /// one-off evidence.
    pub expires_on: String,
    pub freshness: Freshness,
}

/// A control serving more than one framework.
#[derive(Debug, Clone, Serialize)]
pub struct SharedControl {
    pub id: String,
    pub title: Option<String>,
    pub frameworks: Vec<FrameworkRefs>,
    pub freshness: Freshness,
}

/// The requirements of one framework a control serves.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkRefs {
    pub framework: String,
    pub requirements: Vec<String>,
}

/// What one framework adds to another: the requirements of `added` that nothing serving
/// `base` already covers.
#[derive(Debug, Clone, Serialize)]
pub struct Additions {
    pub base: String,
    pub base_title: String,
    pub added: String,
    pub added_title: String,
    /// Requirements of `added` considered (headings not counted).
    pub total: usize,
    /// Of those, covered by a control or document that also serves `base`.
    pub reused: usize,
    /// Covered, but only by controls and documents that serve no `base` requirement.
    pub new_covered: usize,
    /// Not covered at all.
    pub new_uncovered: usize,
    /// The requirements that are new (covered only by `added`-specific work, or not at all).
    pub requirements: Vec<Addition>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Addition {
    pub reference: String,
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The Statement of Applicability decision (Annex A controls only).
    pub applicability: Option<Applicability>,
    /// The controls and documents that cover it (none of them serves `base`).
    pub covered_by: Vec<String>,
}
