//! The GitLab Code Quality format (`artifacts:reports:codequality`): a JSON array of issues,
//! the subset of the Code Climate issue format that GitLab reads, shown in the merge request
//! widget and, on higher tiers, in the diff.
//!
//! Every finding is an issue: its code as `check_name`, its text (message, label, help) as
//! `description`, annexa's fingerprint, a severity and a location whose path is relative to
//! the git checkout. GitLab needs a path and a line for every issue, so a finding about the
//! repository as a whole is placed on line 1 of the configuration file, as in SARIF.
//! `docs/output.md` documents the mapping; the test suite validates the output against the
//! schema in `tests/data`.

use serde_json::{Value, json};

use super::{RenderContext, ci_place};
use crate::diagnostic::{Diagnostic, Severity};

/// Render `diags` as a GitLab Code Quality report (pretty-printed JSON).
pub fn gitlab(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    let issues: Vec<Value> = diags.iter().map(|d| issue(d, ctx)).collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_default();
    out.push('\n');
    out
}

fn issue(d: &Diagnostic, ctx: &RenderContext<'_>) -> Value {
    let (path, range) = ci_place(ctx, d);
    let (begin, end) = range.map_or((1, 1), |r| (r.start_lc.line, r.end_lc.line));
    json!({
        "description": d.text(),
        "check_name": d.code,
        "fingerprint": d.fingerprint(),
        "severity": severity(d.severity),
        "location": { "path": path, "lines": { "begin": begin, "end": end } },
    })
}

/// GitLab's scale is `info`, `minor`, `major`, `critical`, `blocker`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}
