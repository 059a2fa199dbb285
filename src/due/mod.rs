//! `annexa due`: every date that falls due in the management system, on one calendar.
//!
//! The dates are the ones the rules judge, read through the compliance model's views and
//! computed by the same functions (document and risk reviews, evidence expiry, impact
//! assessment reviews, nonconformity due dates, supplier reassessments and agreements, AI
//! monitoring reviews, and the next internal audit and management review of each framework
//! by their cadence). `build` lists them; each renderer is a pure function of the list.

pub(crate) mod build;
pub(crate) mod ics;
pub(crate) mod json;
pub(crate) mod table;

pub(crate) use build::{Cadence, build};

use jiff::civil::Date;
use serde::Serialize;

/// The version of the JSON shape (`docs/due.md`).
pub(crate) const VERSION: u32 = 1;

/// What falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum What {
    InternalAudit,
    ManagementReview,
    NonconformityDue,
    EvidenceExpiry,
    DocumentReview,
    RiskReview,
    ImpactAssessmentReview,
    AiMonitoringReview,
    SupplierAssessment,
    AgreementExpiry,
}

impl What {
    /// Its name in every output (`evidence-expiry`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            What::InternalAudit => "internal-audit",
            What::ManagementReview => "management-review",
            What::NonconformityDue => "nonconformity-due",
            What::EvidenceExpiry => "evidence-expiry",
            What::DocumentReview => "document-review",
            What::RiskReview => "risk-review",
            What::ImpactAssessmentReview => "impact-assessment-review",
            What::AiMonitoringReview => "ai-monitoring-review",
            What::SupplierAssessment => "supplier-assessment",
            What::AgreementExpiry => "agreement-expiry",
        }
    }
}

/// One date that falls due.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Item {
    /// The day it falls due (`YYYY-MM-DD`).
    #[serde(serialize_with = "as_text")]
    pub date: Date,
    /// Days from today (negative: overdue).
    pub days: i64,
    pub overdue: bool,
    pub what: What,
    /// The artifact it belongs to (for an audit or review: the framework).
    pub id: String,
    /// What falls due, in words (the artifact apart: `id`).
    pub summary: String,
    pub owner: Option<String>,
    /// Where the date (or the duty) is written: repository-relative file and line.
    pub file: String,
    pub line: Option<usize>,
    /// A stable key, unique in the calendar (`agreement-expiry/SUP-1/0`).
    pub key: String,
}

/// The calendar: every item, overdue first (the longest overdue first), then by date.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Calendar {
    pub version: u32,
    #[serde(serialize_with = "as_text")]
    pub today: Date,
    /// Only what falls due within this of today (and everything overdue); `None`: all.
    pub within: Option<String>,
    pub items: Vec<Item>,
}

fn as_text<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}
