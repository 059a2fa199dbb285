//! `annexa oscal`: the management system exported as OSCAL JSON, for tools that exchange
//! compliance data. Export only: the repository stays the authoring format.
//!
//! - `component_definition`: each organisation control (and each policy or procedure) as a
//!   component, with what it satisfies as implemented requirements, one control
//!   implementation per framework;
//! - `assessment_results`: one result for the check: every evidence record as an observation
//!   (collected on its `collected_on`, expiring on its expiry) and every finding as a finding
//!   with its own observation.
//!
//! Every UUID is a version 5 UUID of a stable name (`ids`), so the same repository exports
//! the same bytes and exports diff cleanly in git.

pub(crate) mod assessment;
pub(crate) mod component;
pub(crate) mod ids;

use jiff::civil::Date;
use serde_json::{Value, json};

/// The OSCAL version exported (the schemas in `tests/data/oscal-1.1.3` validate it).
pub(crate) const OSCAL_VERSION: &str = "1.1.3";

/// The namespace of annexa's own property names.
pub(crate) const NS: &str = "urn:annexa:oscal";

/// OSCAL's date-time for midnight UTC of a day.
pub(crate) fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// The `metadata` of an export made on `today`.
pub(crate) fn metadata(title: &str, today: Date) -> Value {
    json!({
        "title": title,
        "last-modified": timestamp(today),
        "version": today.to_string(),
        "oscal-version": OSCAL_VERSION,
    })
}

/// An annexa property (`{"name", "ns", "value"}`), or `None` when the value is blank (OSCAL
/// property values may not be empty).
pub(crate) fn prop(name: &str, value: &str) -> Option<Value> {
    let value = value.trim();
    (!value.is_empty()).then(|| json!({"name": name, "ns": NS, "value": value}))
}

/// Pretty JSON with a final newline.
pub(crate) fn to_text(v: &Value) -> String {
    let mut out = serde_json::to_string_pretty(v).unwrap_or_default();
    out.push('\n');
    out
}
