//! The readiness verdict: is the repository ready for an audit? Computed from the same
//! findings as `annexa check` and the same compliance model, so the two can never disagree.
//!
//! Ready means no error about compliance and none that kept annexa from reading part of the
//! repository (a file it could not parse was not judged at all). Compliance findings are
//! those whose code's `basis` is not `tool` (`docs/rules.md`, "The basis of a rule"); the
//! tool's own findings are listed apart, because an unreadable file is not a nonconformity.

use jiff::civil::Date;

use super::model::{
    Dated, DueEvidence, Finding, FrameworkRecords, OpenNonconformity, Readiness, Verdict,
};
use crate::dates::{Duration, Standing};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Kind;
use crate::model::compliance::Compliance;
use crate::model::views::Expiry;
use crate::registry::{About, Registry};
use crate::source::SourceMap;

/// What the verdict is computed from.
pub(crate) struct Facts<'a> {
    pub model: &'a Compliance<'a>,
    pub findings: &'a [Diagnostic],
    pub registry: &'a Registry,
    pub sources: &'a SourceMap,
    pub today: Date,
    pub evidence_validity: Duration,
    pub warn_within: Duration,
}

pub(crate) fn readiness(facts: &Facts<'_>) -> Readiness {
    let mut blocking = Vec::new();
    let mut warnings = Vec::new();
    let mut tool = Vec::new();
    for d in facts.findings {
        let finding = finding(d, facts.sources);
        if facts.registry.about(&d.code) == About::Tool {
            if d.severity >= Severity::Warning {
                tool.push(finding);
            }
        } else {
            match d.severity {
                Severity::Error => blocking.push(finding),
                Severity::Warning => warnings.push(finding),
                Severity::Note => {}
            }
        }
    }
    let verdict = if blocking.is_empty() && !tool.iter().any(|f| f.severity == Severity::Error) {
        Verdict::Ready
    } else {
        Verdict::NotReady
    };
    Readiness {
        verdict,
        blocking,
        warnings,
        tool,
        evidence: evidence(facts),
        nonconformities: nonconformities(facts),
        records: records(facts.model, facts.today),
    }
}

fn finding(d: &Diagnostic, sources: &SourceMap) -> Finding {
    let location = d.location.as_ref();
    Finding {
        code: d.code.clone(),
        severity: d.severity,
        message: d.message.clone(),
        file: location.map(|l| l.file.clone()),
        line: location.and_then(|l| Some(sources.get(&l.file)?.line_col(l.span.start).line)),
    }
}

/// Evidence that has expired or expires within `warn_within`, soonest first (not the history
/// of recurring controls that later records supersede).
fn evidence(facts: &Facts<'_>) -> Vec<DueEvidence> {
    let views = facts.model.views();
    let mut out: Vec<DueEvidence> = views
        .evidence
        .iter()
        .filter(|e| !views.superseded(e))
        .filter_map(|e| {
            let Expiry::On(expires) = e.expiry(facts.evidence_validity)? else {
                return None;
            };
            let standing = Standing::of(expires, facts.today, facts.warn_within);
            if standing == Standing::Current {
                return None;
            }
            let owner = views.evidence_owner(e);
            Some(DueEvidence {
                id: e.id.to_string(),
                controls: e.supports.iter().map(|c| c.to_string()).collect(),
                expires_on: expires.to_string(),
                expired: standing == Standing::Expired,
                owner: owner.map(str::to_string),
                file: e.artifact.file.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.expires_on.cmp(&b.expires_on).then(a.id.cmp(&b.id)));
    out
}

/// Nonconformities not closed, the most overdue first.
fn nonconformities(facts: &Facts<'_>) -> Vec<OpenNonconformity> {
    let mut out: Vec<OpenNonconformity> = facts
        .model
        .views()
        .records
        .iter()
        .filter(|r| r.artifact.kind == Kind::Nonconformity && r.text("status") != Some("closed"))
        .map(|r| {
            let due = r.text("due").and_then(crate::dates::parse_date);
            OpenNonconformity {
                id: r.id.to_string(),
                title: r.text("title").map(str::to_string),
                owner: r.text("owner").map(str::to_string),
                status: r.text("status").map(str::to_string),
                due: due.map(|d| d.to_string()),
                overdue: due.is_some_and(|d| d < facts.today),
                file: r.artifact.file.clone(),
            }
        })
        .collect();
    out.sort_by(|a, b| (b.overdue, &a.due, &a.id).cmp(&(a.overdue, &b.due, &b.id)));
    out
}

/// For each framework in scope, its newest internal audit and management review that have
/// happened (dated on or before today), as the rules (`AUD001`, `MR001`) find them.
fn records(model: &Compliance<'_>, today: Date) -> Vec<FrameworkRecords> {
    // The interval does not matter here: only the record and its date are shown.
    let any = Duration {
        amount: 1,
        unit: crate::dates::Unit::Days,
    };
    let newest = |kind: Kind, framework: &str| -> Option<Dated> {
        model.periodic(kind, framework, today, any).map(|p| Dated {
            id: p.record.id.clone().unwrap_or_default(),
            date: p.held.to_string(),
        })
    };
    model
        .frameworks()
        .iter()
        .map(|f| FrameworkRecords {
            framework: f.id.to_string(),
            internal_audit: newest(Kind::InternalAudit, f.id),
            management_review: newest(Kind::ManagementReview, f.id),
        })
        .collect()
}
