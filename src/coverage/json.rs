//! The JSON rendering: the model itself, pretty-printed (`docs/coverage.md`).

use super::model::Coverage;

pub(crate) fn render(coverage: &Coverage) -> String {
    let mut s = serde_json::to_string_pretty(coverage).unwrap_or_default();
    s.push('\n');
    s
}
