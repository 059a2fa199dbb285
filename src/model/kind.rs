//! The artifact kinds annexa knows, each with its JSON Schema in `schemas/`.

use std::fmt;

/// The value of the `annexa:` key that marks a YAML document or front matter as an artifact.
pub(crate) const FORMAT_VERSION: &str = "v1";

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Kind {
    Scope,
    StatementOfApplicability,
    Control,
    Risk,
    AiSystem,
    ImpactAssessment,
    Policy,
    Procedure,
    Evidence,
    InternalAudit,
    ManagementReview,
    Nonconformity,
    Supplier,
    Objective,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Scope,
        Kind::StatementOfApplicability,
        Kind::Control,
        Kind::Risk,
        Kind::AiSystem,
        Kind::ImpactAssessment,
        Kind::Policy,
        Kind::Procedure,
        Kind::Evidence,
        Kind::InternalAudit,
        Kind::ManagementReview,
        Kind::Nonconformity,
        Kind::Supplier,
        Kind::Objective,
    ];

    /// The name written in `kind:`.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Scope => "scope",
            Kind::StatementOfApplicability => "statement-of-applicability",
            Kind::Control => "control",
            Kind::Risk => "risk",
            Kind::AiSystem => "ai-system",
            Kind::ImpactAssessment => "impact-assessment",
            Kind::Policy => "policy",
            Kind::Procedure => "procedure",
            Kind::Evidence => "evidence",
            Kind::InternalAudit => "internal-audit",
            Kind::ManagementReview => "management-review",
            Kind::Nonconformity => "nonconformity",
            Kind::Supplier => "supplier",
            Kind::Objective => "objective",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The embedded JSON Schema of this kind.
    pub(crate) const fn schema_source(self) -> &'static str {
        match self {
            Kind::Scope => include_str!("../../schemas/scope.schema.json"),
            Kind::StatementOfApplicability => {
                include_str!("../../schemas/statement-of-applicability.schema.json")
            }
            Kind::Control => include_str!("../../schemas/control.schema.json"),
            Kind::Risk => include_str!("../../schemas/risk.schema.json"),
            Kind::AiSystem => include_str!("../../schemas/ai-system.schema.json"),
            Kind::ImpactAssessment => include_str!("../../schemas/impact-assessment.schema.json"),
            Kind::Policy => include_str!("../../schemas/policy.schema.json"),
            Kind::Procedure => include_str!("../../schemas/procedure.schema.json"),
            Kind::Evidence => include_str!("../../schemas/evidence.schema.json"),
            Kind::InternalAudit => include_str!("../../schemas/internal-audit.schema.json"),
            Kind::ManagementReview => include_str!("../../schemas/management-review.schema.json"),
            Kind::Nonconformity => include_str!("../../schemas/nonconformity.schema.json"),
            Kind::Supplier => include_str!("../../schemas/supplier.schema.json"),
            Kind::Objective => include_str!("../../schemas/objective.schema.json"),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
    }
}
