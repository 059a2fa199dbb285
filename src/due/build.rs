//! The calendar computed from the compliance model and the rules' parameters.

use jiff::civil::Date;

use super::{Calendar, Item, VERSION, What};
use crate::dates::{self, Duration};
use crate::model::views::{Expiry, Views};
use crate::model::{Artifact, Compliance, Kind};
use crate::source::SourceMap;

/// The cadences the rules use (`annexa.toml [params]`, defaults in the rule files).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cadence {
    /// Validity of evidence without `valid_for` (`evidence_validity`).
    pub evidence_validity: Duration,
    /// The longest gap between internal audits (`audit_interval`).
    pub audit_interval: Duration,
    /// The longest gap between management reviews (`review_interval`).
    pub review_interval: Duration,
    /// The longest gap between assessments of a supplier (`supplier_review_interval`).
    pub supplier_review_interval: Duration,
    /// How old the last review of an AI system's monitoring may be (`ai_monitoring_interval`).
    pub ai_monitoring_interval: Duration,
}

/// Every date that falls due, as of `today`; with `within`, only what is overdue or falls due
/// within it.
pub(crate) fn build(
    model: &Compliance<'_>,
    sources: &SourceMap,
    cadence: &Cadence,
    today: Date,
    within: Option<Duration>,
) -> Calendar {
    let mut list = List {
        items: Vec::new(),
        sources,
        today,
    };
    let views = model.views();
    periodic(&mut list, model, cadence, today);
    for r in &views.records {
        if r.artifact.kind == Kind::Nonconformity
            && r.text("status") != Some("closed")
            && let Some(due) = r.text("due").and_then(dates::parse_date)
        {
            let summary = "nonconformity due".to_string();
            list.push(What::NonconformityDue, r.artifact, "/due", due, summary);
        }
    }
    // An earlier period's record of a recurring control is history, not something that falls
    // due (the judgement EVD001 and coverage use).
    for e in views.evidence.iter().filter(|e| !views.superseded(e)) {
        if let Some(Expiry::On(expires)) = e.expiry(cadence.evidence_validity) {
            let place = e
                .artifact
                .value
                .get("valid_for")
                .map_or("/collected_on", |_| "/valid_for");
            let summary = "evidence expires".to_string();
            let i = list.push(What::EvidenceExpiry, e.artifact, place, expires, summary);
            i.owner = views.evidence_owner(e).map(str::to_string);
        }
    }
    for d in &views.documents {
        if let Some((due, place)) = d.review_due() {
            let kind = d.artifact.kind.name();
            let summary = format!("{kind} review");
            list.push(What::DocumentReview, d.artifact, place, due, summary);
        }
    }
    for r in &views.risks {
        if let Some(due) = r.next_review {
            let summary = "risk review".to_string();
            list.push(
                What::RiskReview,
                r.artifact,
                "/review/next_review",
                due,
                summary,
            );
        }
    }
    assessments_and_monitoring(&mut list, views, cadence);
    for s in &views.suppliers {
        if let Some(due) = s
            .last_assessed
            .and_then(|d| cadence.supplier_review_interval.after(d))
        {
            let summary = "supplier reassessment".to_string();
            list.push(
                What::SupplierAssessment,
                s.artifact,
                "/last_assessed",
                due,
                summary,
            );
        }
        for a in &s.agreements {
            let Some(due) = a.expires_on else { continue };
            let name = a.title.unwrap_or("agreement");
            let summary = format!("agreement `{name}` expires");
            let place = format!("/agreements/{}/expires_on", a.index);
            let i = list.push(What::AgreementExpiry, s.artifact, &place, due, summary);
            i.key = format!("{}/{}", i.key, a.index);
        }
    }
    // An id written twice (a duplicate the check reports) keeps its items apart by place.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in &list.items {
        *seen.entry(i.key.clone()).or_default() += 1;
    }
    for i in &mut list.items {
        if seen.get(&i.key).is_some_and(|n| *n > 1) {
            i.key = format!("{}/{}:{}", i.key, i.file, i.line.unwrap_or_default());
        }
    }
    let horizon = within.and_then(|w| w.after(today));
    let mut items: Vec<Item> = list
        .items
        .into_iter()
        .filter(|i| i.overdue || within.is_none() || horizon.is_some_and(|h| i.date <= h))
        .collect();
    items.sort_by(|a, b| (a.date, a.what, &a.key).cmp(&(b.date, b.what, &b.key)));
    Calendar {
        version: VERSION,
        today,
        within: within.map(|w| w.to_string()),
        items,
    }
}

/// The next internal audit and management review of each framework in scope, by its cadence
/// after the newest one held; due today when none is on record.
fn periodic(list: &mut List<'_>, model: &Compliance<'_>, cadence: &Cadence, today: Date) {
    for f in model.frameworks() {
        for (kind, what, interval, name) in [
            (
                Kind::InternalAudit,
                What::InternalAudit,
                cadence.audit_interval,
                "internal audit",
            ),
            (
                Kind::ManagementReview,
                What::ManagementReview,
                cadence.review_interval,
                "management review",
            ),
        ] {
            let i = match model.periodic(kind, f.id, today, interval) {
                Some(p) => {
                    let Some(next) = p.next else { continue };
                    let held = crate::model::views::held_on(kind).unwrap_or_default();
                    let last = p.record.id.as_deref().unwrap_or_default();
                    let summary = format!("{name} ({interval} after `{last}` of {})", p.held);
                    let place = crate::pointer::Pointer::root().child(held);
                    let i = list.push(what, p.record, &place, next, summary);
                    i.owner = text(p.record, "owner").map(str::to_string);
                    i
                }
                None => {
                    let summary = format!("{name} (none on record)");
                    let i = list.push(what, f.scope, &f.pointer(), today, summary);
                    i.owner = None;
                    i
                }
            };
            i.id = f.id.to_string();
            i.key = format!("{}/{}", what.name(), f.id);
        }
    }
}

/// Impact assessment reviews and AI monitoring reviews, for the AI systems the AI rules apply
/// to (in scope, not retired).
fn assessments_and_monitoring(list: &mut List<'_>, views: &Views<'_>, cadence: &Cadence) {
    let inactive = |id: Option<&str>| {
        views
            .ai_systems
            .iter()
            .any(|s| Some(s.id) == id && !s.active)
    };
    for a in &views.assessments {
        let Some(due) = a.next_review else { continue };
        if inactive(a.ai_system) {
            continue;
        }
        let summary = "impact assessment review".to_string();
        let i = list.push(
            What::ImpactAssessmentReview,
            a.artifact,
            "/next_review",
            due,
            summary,
        );
        if i.owner.is_none() {
            i.owner = text(a.artifact, "assessor").map(str::to_string);
        }
    }
    for s in views.ai_systems.iter().filter(|s| s.active) {
        let Some(due) = s
            .monitoring_reviewed
            .and_then(|d| cadence.ai_monitoring_interval.after(d))
        else {
            continue;
        };
        let summary = "AI monitoring review".to_string();
        let place = "/monitoring/last_reviewed";
        list.push(What::AiMonitoringReview, s.artifact, place, due, summary);
    }
}

/// The items being collected.
struct List<'s> {
    items: Vec<Item>,
    sources: &'s SourceMap,
    today: Date,
}

impl List<'_> {
    /// Add what falls due on `date`, written at `pointer` in `artifact`; its owner is the
    /// artifact's `owner`.
    fn push(
        &mut self,
        what: What,
        artifact: &Artifact,
        pointer: &str,
        date: Date,
        summary: String,
    ) -> &mut Item {
        let span = artifact.anchor(pointer);
        let line = self
            .sources
            .get(&artifact.file)
            .map(|f| f.line_col(span.start).line);
        let id = artifact.id.clone().unwrap_or_default();
        let days = dates::days_between(self.today, date);
        let n = self.items.len();
        self.items.push(Item {
            date,
            days,
            overdue: date < self.today,
            what,
            key: format!("{}/{id}", what.name()),
            id,
            summary,
            owner: text(artifact, "owner").map(str::to_string),
            file: artifact.file.clone(),
            line,
        });
        &mut self.items[n]
    }
}

fn text<'a>(artifact: &'a Artifact, field: &str) -> Option<&'a str> {
    artifact
        .value
        .get(field)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}
