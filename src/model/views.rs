//! Typed views of the artifacts that carry the management system's mappings and dates:
//! organisation controls, evidence records, the documents and records that are documented
//! information of a clause, risks, AI systems, impact assessments and suppliers. Each view
//! reads its artifact's fields once, in one place, and refers to the artifact instead of
//! copying it; `annexa coverage`, `annexa due` and `annexa oscal` read the repository through
//! them, and evidence expiry and review due dates are computed here for everyone (the rules'
//! `fresh` and `due` judge the same dates with [`dates::validity`] and [`dates::Standing`]).
//!
//! Values that do not have the documented type are skipped here: the schema reports them.

use jiff::civil::Date;
use serde_json::Value;

use crate::dates::{self, Duration};
use crate::model::{Artifact, Kind};

/// An organisation control (`kind: control`).
#[derive(Debug, Clone)]
pub(crate) struct ControlView<'a> {
    pub artifact: &'a Artifact,
    pub id: &'a str,
    /// The requirements it names in `satisfies`, without repeats, in order.
    pub satisfies: Vec<&'a str>,
}

impl<'a> ControlView<'a> {
    fn of(artifact: &'a Artifact) -> Option<Self> {
        Some(ControlView {
            artifact,
            id: artifact.id.as_deref()?,
            satisfies: unique(strings(artifact.value.get("satisfies"))),
        })
    }

    /// A text field, trimmed, when it says something.
    pub fn text(&self, field: &str) -> Option<&'a str> {
        text(&self.artifact.value, field)
    }
}

/// When an evidence record stops being current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    On(Date),
    /// `valid_for: until-superseded` (or no validity at all): current until replaced.
    UntilSuperseded,
}

impl Expiry {
    /// Its standing on `today`, warned `warn_within` ahead.
    pub fn standing(self, today: Date, warn_within: Duration) -> dates::Standing {
        match self {
            Expiry::On(expires) => dates::Standing::of(expires, today, warn_within),
            Expiry::UntilSuperseded => dates::Standing::Current,
        }
    }
}

/// An evidence record (`kind: evidence`) with a readable `collected_on`.
#[derive(Debug, Clone)]
pub(crate) struct EvidenceView<'a> {
    pub artifact: &'a Artifact,
    pub id: &'a str,
    /// The controls it supports, in order.
    pub supports: Vec<&'a str>,
    pub collected_on: Date,
    /// Where the evidence itself lives, as written: a repository-relative path or a URL.
    pub location: Option<&'a str>,
    /// `valid_for` as written.
    valid_for: Option<&'a str>,
}

impl<'a> EvidenceView<'a> {
    fn of(artifact: &'a Artifact) -> Option<Self> {
        let value = &artifact.value;
        Some(EvidenceView {
            artifact,
            id: artifact.id.as_deref()?,
            supports: strings(value.get("supports")),
            collected_on: dates::parse_date(value.get("collected_on")?.as_str()?)?,
            location: text(value, "location"),
            valid_for: value.get("valid_for").and_then(Value::as_str),
        })
    }

    /// When it expires, with `default` as the validity of a record without `valid_for`;
    /// `None` past the end of the calendar.
    pub fn expiry(&self, default: Duration) -> Option<Expiry> {
        match dates::validity(self.valid_for, Some(default)) {
            Some(validity) => validity.after(self.collected_on).map(Expiry::On),
            None => Some(Expiry::UntilSuperseded),
        }
    }

    /// The text of a field, trimmed, when it says something.
    pub fn text(&self, field: &str) -> Option<&'a str> {
        text(&self.artifact.value, field)
    }
}

/// A policy or procedure (`satisfies` names the requirements it addresses).
#[derive(Debug, Clone)]
pub(crate) struct DocumentView<'a> {
    pub artifact: &'a Artifact,
    pub id: &'a str,
    /// The requirements it names in `satisfies`, without repeats, in order.
    pub satisfies: Vec<&'a str>,
}

impl<'a> DocumentView<'a> {
    fn of(artifact: &'a Artifact) -> Option<Self> {
        if !matches!(artifact.kind, Kind::Policy | Kind::Procedure) {
            return None;
        }
        Some(DocumentView {
            artifact,
            id: artifact.id.as_deref()?,
            satisfies: unique(strings(artifact.value.get("satisfies"))),
        })
    }

    /// When its next review falls due, and the field that says so: `review.next_review`, or
    /// `approved_on` plus `review.interval` when that comes first (the two dates `REV001`
    /// judges).
    pub fn review_due(&self) -> Option<(Date, &'static str)> {
        let value = &self.artifact.value;
        let next = date(value, "/review/next_review").map(|d| (d, "/review/next_review"));
        let interval: Option<Duration> = value
            .pointer("/review/interval")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok());
        let by_interval = date(value, "/approved_on")
            .zip(interval)
            .and_then(|(d, i)| i.after(d))
            .map(|d| (d, "/approved_on"));
        earliest(next, by_interval)
    }
}

/// A risk in the register (`kind: risk`).
#[derive(Debug, Clone)]
pub(crate) struct RiskView<'a> {
    pub artifact: &'a Artifact,
    /// `review.next_review`: when the risk is reviewed next (`RSK001`).
    pub next_review: Option<Date>,
}

impl<'a> RiskView<'a> {
    fn of(artifact: &'a Artifact) -> Option<Self> {
        artifact.id.as_ref()?;
        Some(RiskView {
            artifact,
            next_review: date(&artifact.value, "/review/next_review"),
        })
    }
}

/// An AI system in the inventory (`kind: ai-system`).
#[derive(Debug, Clone)]
pub(crate) struct AiSystemView<'a> {
    pub artifact: &'a Artifact,
    pub id: &'a str,
    /// `in_scope` is not `false` and the system is not retired: the AI rules apply to it.
    pub active: bool,
    /// `monitoring.last_reviewed`: when its monitoring was last reviewed (`AI011`).
    pub monitoring_reviewed: Option<Date>,
}

impl<'a> AiSystemView<'a> {
    fn of(artifact: &'a Artifact) -> Option<Self> {
        let value = &artifact.value;
        let in_scope = value.get("in_scope").and_then(Value::as_bool) != Some(false);
        let retired = value.get("lifecycle_stage").and_then(Value::as_str) == Some("retired");
        Some(AiSystemView {
            artifact,
            id: artifact.id.as_deref()?,
            active: in_scope && !retired,
            monitoring_reviewed: date(value, "/monitoring/last_reviewed"),
        })
    }
}

/// An AI system impact assessment (`kind: impact-assessment`).
#[derive(Debug, Clone)]
pub(crate) struct AssessmentView<'a> {
    pub artifact: &'a Artifact,
    /// The AI system it assesses.
    pub ai_system: Option<&'a str>,
    /// `next_review`: when it is reviewed next (`IA001`).
    pub next_review: Option<Date>,
}

impl<'a> AssessmentView<'a> {
    fn of(artifact: &'a Artifact) -> Option<Self> {
        let value = &artifact.value;
        artifact.id.as_ref()?;
        Some(AssessmentView {
            artifact,
            ai_system: text(value, "ai_system"),
            next_review: date(value, "/next_review"),
        })
    }
}

/// One agreement with a supplier.
#[derive(Debug, Clone)]
pub(crate) struct AgreementView<'a> {
    /// Its position in the supplier's `agreements`.
    pub index: usize,
    pub title: Option<&'a str>,
    /// `expires_on` (`SPL001`).
    pub expires_on: Option<Date>,
}

/// A supplier (`kind: supplier`).
#[derive(Debug, Clone)]
pub(crate) struct SupplierView<'a> {
    pub artifact: &'a Artifact,
    /// `last_assessed`: when it was last assessed (`SPL003`).
    pub last_assessed: Option<Date>,
    pub agreements: Vec<AgreementView<'a>>,
}

impl<'a> SupplierView<'a> {
    fn of(artifact: &'a Artifact) -> Option<Self> {
        let value = &artifact.value;
        let agreements = value.get("agreements").and_then(Value::as_array);
        artifact.id.as_ref()?;
        Some(SupplierView {
            artifact,
            last_assessed: date(value, "/last_assessed"),
            agreements: agreements
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(index, a)| AgreementView {
                    index,
                    title: text(a, "title"),
                    expires_on: date(a, "/expires_on"),
                })
                .collect(),
        })
    }
}

/// The clauses whose documented information an artifact of a kind is, by its nature: a
/// scope is the record of 4.1–4.3, an SoA of 6.1.3, an objective of 6.2, an internal audit of
/// 9.2, a management review of 9.3, a nonconformity of 10.2.
const RECORD_CLAUSES: &[(Kind, &[&str])] = &[
    (Kind::Scope, &["4.1", "4.2", "4.3"]),
    (Kind::StatementOfApplicability, &["6.1.3"]),
    (Kind::Objective, &["6.2"]),
    (Kind::InternalAudit, &["9.2"]),
    (Kind::ManagementReview, &["9.3"]),
    (Kind::Nonconformity, &["10.2"]),
];

/// The date field saying when a periodic record was held: an internal audit's
/// `performed_on`, a management review's `held_on`.
pub(crate) fn held_on(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::InternalAudit => Some("performed_on"),
        Kind::ManagementReview => Some("held_on"),
        _ => None,
    }
}

/// A record that is, by its kind, the documented information of some clauses.
#[derive(Debug, Clone)]
pub(crate) struct RecordView<'a> {
    pub artifact: &'a Artifact,
    pub id: &'a str,
    pub clauses: &'static [&'static str],
    /// The frameworks it says it covers (an audit's `scope.frameworks`, a review's or an
    /// objective's `frameworks`); `None`: every framework in scope.
    pub frameworks: Option<Vec<&'a str>>,
}

impl<'a> RecordView<'a> {
    fn of(artifact: &'a Artifact) -> Option<Self> {
        let (_, clauses) = RECORD_CLAUSES.iter().find(|(k, _)| *k == artifact.kind)?;
        let value = &artifact.value;
        let frameworks = match artifact.kind {
            Kind::InternalAudit => value.get("scope").map(|s| strings(s.get("frameworks"))),
            Kind::ManagementReview | Kind::Objective => Some(strings(value.get("frameworks"))),
            _ => None,
        };
        Some(RecordView {
            artifact,
            id: artifact.id.as_deref()?,
            clauses,
            frameworks,
        })
    }

    /// Does it cover `framework` (every framework when it names none)?
    pub fn covers(&self, framework: &str) -> bool {
        self.frameworks
            .as_ref()
            .is_none_or(|list| list.contains(&framework))
    }

    /// A text field, trimmed, when it says something.
    pub fn text(&self, field: &str) -> Option<&'a str> {
        text(&self.artifact.value, field)
    }
}

/// The views of every artifact, in file order.
#[derive(Debug, Default)]
pub(crate) struct Views<'a> {
    /// Controls, the first of each id.
    pub controls: Vec<ControlView<'a>>,
    pub evidence: Vec<EvidenceView<'a>>,
    pub documents: Vec<DocumentView<'a>>,
    pub records: Vec<RecordView<'a>>,
    pub risks: Vec<RiskView<'a>>,
    pub ai_systems: Vec<AiSystemView<'a>>,
    pub assessments: Vec<AssessmentView<'a>>,
    pub suppliers: Vec<SupplierView<'a>>,
    /// For [`Views::superseded`], made by [`Views::finish`]: the controls that declare a
    /// `recurrence`, and for each control the latest `collected_on` of the evidence supporting
    /// it — so that judging every record is linear, not a scan of all evidence per record.
    recurrence: Recurrence<'a>,
}

#[derive(Debug, Default)]
struct Recurrence<'a> {
    recurring: std::collections::HashSet<&'a str>,
    latest: std::collections::HashMap<&'a str, Date>,
}

impl<'a> Views<'a> {
    /// Once every artifact is added: what [`Views::superseded`] reads.
    pub(crate) fn finish(&mut self) {
        let mut r = Recurrence::default();
        for c in &self.controls {
            if c.artifact.value.get("recurrence").is_some() {
                r.recurring.insert(c.id);
            }
        }
        for e in &self.evidence {
            for c in &e.supports {
                let latest = r.latest.entry(*c).or_insert(e.collected_on);
                *latest = (*latest).max(e.collected_on);
            }
        }
        self.recurrence = r;
    }

    /// Is `e` the history of recurring controls: does every control it supports declare a
    /// `recurrence` and have a record collected after it? Such a record is not stale evidence
    /// (the rule EVD001 skips the same records).
    pub(crate) fn superseded(&self, e: &EvidenceView<'_>) -> bool {
        let r = &self.recurrence;
        !e.supports.is_empty()
            && e.supports.iter().all(|c| {
                r.recurring.contains(c) && r.latest.get(c).is_some_and(|d| *d > e.collected_on)
            })
    }

    /// Who answers for an evidence record: its own `owner`, else the owner of the first
    /// control it supports that names one.
    pub(crate) fn evidence_owner(&self, e: &EvidenceView<'a>) -> Option<&'a str> {
        e.text("owner").or_else(|| {
            e.supports.iter().find_map(|c| {
                self.controls
                    .iter()
                    .find(|x| x.id == *c)
                    .and_then(|x| x.text("owner"))
            })
        })
    }

    pub(crate) fn add(&mut self, a: &'a Artifact) {
        match a.kind {
            Kind::Control => {
                if let Some(c) = ControlView::of(a)
                    && !self.controls.iter().any(|x| x.id == c.id)
                {
                    self.controls.push(c);
                }
            }
            Kind::Evidence => self.evidence.extend(EvidenceView::of(a)),
            Kind::Policy | Kind::Procedure => self.documents.extend(DocumentView::of(a)),
            Kind::Risk => self.risks.extend(RiskView::of(a)),
            Kind::AiSystem => self.ai_systems.extend(AiSystemView::of(a)),
            Kind::ImpactAssessment => self.assessments.extend(AssessmentView::of(a)),
            Kind::Supplier => self.suppliers.extend(SupplierView::of(a)),
            _ => self.records.extend(RecordView::of(a)),
        }
    }
}

/// A text field, trimmed, when it is not empty.
fn text<'a>(v: &'a Value, field: &str) -> Option<&'a str> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A date at a JSON pointer, when it is one.
fn date(v: &Value, pointer: &str) -> Option<Date> {
    dates::parse_date(v.pointer(pointer)?.as_str()?)
}

/// The earlier of two dated values (the first on a tie).
fn earliest<T>(a: Option<(Date, T)>, b: Option<(Date, T)>) -> Option<(Date, T)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The strings of a list value (other items skipped).
pub(crate) fn strings(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn unique(list: Vec<&str>) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::with_capacity(list.len());
    for s in list {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::Format;

    /// Artifacts from JSON documents separated by `---` (each with `kind` and `id`).
    fn artifacts(text: &str) -> Vec<Artifact> {
        text.split("---")
            .enumerate()
            .map(|(document, json)| {
                let value: Value = serde_json::from_str(json).unwrap();
                Artifact {
                    kind: Kind::from_name(value["kind"].as_str().unwrap()).unwrap(),
                    id: value["id"].as_str().map(str::to_string),
                    file: "a.yaml".into(),
                    document,
                    format: Format::Yaml,
                    value,
                    spans: Default::default(),
                    span: Default::default(),
                    headings: Vec::new(),
                }
            })
            .collect()
    }

    #[test]
    fn evidence_expires_by_its_validity_or_the_default_or_never() {
        let all = artifacts(
            r#"{"kind": "evidence", "id": "E1", "collected_on": "2026-01-10", "valid_for": "90d", "supports": ["C1", "C2"], "location": "evidence/e1.md"}
            ---{"kind": "evidence", "id": "E2", "collected_on": "2026-01-10"}
            ---{"kind": "evidence", "id": "E3", "collected_on": "2020-01-10", "valid_for": "until-superseded"}
            ---{"kind": "evidence", "id": "E4", "collected_on": "not a date"}"#,
        );
        let mut views = Views::default();
        all.iter().for_each(|a| views.add(a));
        views.finish();
        let year: Duration = "1y".parse().unwrap();
        let ids: Vec<&str> = views.evidence.iter().map(|e| e.id).collect();
        assert_eq!(
            ids,
            ["E1", "E2", "E3"],
            "a record without a readable date is skipped"
        );
        let date = |s: &str| dates::parse_date(s).unwrap();
        assert_eq!(views.evidence[0].supports, ["C1", "C2"]);
        assert_eq!(views.evidence[0].location, Some("evidence/e1.md"));
        assert_eq!(views.evidence[1].location, None);
        assert_eq!(
            views.evidence[0].expiry(year),
            Some(Expiry::On(date("2026-04-10")))
        );
        assert_eq!(
            views.evidence[1].expiry(year),
            Some(Expiry::On(date("2027-01-10")))
        );
        assert_eq!(
            views.evidence[2].expiry(year),
            Some(Expiry::UntilSuperseded)
        );
        let today = date("2026-04-01");
        let warn: Duration = "30d".parse().unwrap();
        let standing: Vec<_> = views
            .evidence
            .iter()
            .map(|e| e.expiry(year).map(|x| x.standing(today, warn)))
            .collect();
        use dates::Standing::*;
        assert_eq!(standing, [Some(Expiring), Some(Current), Some(Current)]);
    }

    #[test]
    fn controls_are_the_first_of_each_id_and_records_name_their_clauses() {
        let all = artifacts(
            r#"{"kind": "control", "id": "C1", "satisfies": ["a/1", "a/1", "a/2"], "title": "  "}
            ---{"kind": "control", "id": "C1", "satisfies": ["b/9"]}
            ---{"kind": "management-review", "id": "MR1", "frameworks": ["iso27001:2022"]}
            ---{"kind": "nonconformity", "id": "NC1"}
            ---{"kind": "policy", "id": "P1", "satisfies": ["a/5"]}"#,
        );
        let mut views = Views::default();
        all.iter().for_each(|a| views.add(a));
        views.finish();
        assert_eq!(views.controls.len(), 1);
        assert_eq!(views.controls[0].satisfies, ["a/1", "a/2"]);
        assert_eq!(
            views.controls[0].text("title"),
            None,
            "blank text says nothing"
        );
        assert_eq!(views.documents[0].satisfies, ["a/5"]);
        let records: Vec<_> = views
            .records
            .iter()
            .map(|r| (r.id, r.clauses, r.frameworks.clone()))
            .collect();
        assert_eq!(
            records,
            [
                ("MR1", &["9.3"][..], Some(vec!["iso27001:2022"])),
                ("NC1", &["10.2"][..], None)
            ]
        );
    }
}
