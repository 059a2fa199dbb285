//! The evidence index of an audit pack: every evidence record, where it is written, what it
//! supports, its dates and freshness (as `annexa coverage` judges them), and where the
//! evidence itself lives — with the size and SHA-256 of a file in the repository, so that an
//! auditor can tell later that the file they were shown is the one the record named.

use serde_json::{Value, json};

use crate::coverage::Input;
use crate::coverage::build::evidence_record;
use crate::model::Compliance;

/// Where a record's `location` leads, as the front end found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Located {
    /// A URL: nothing in the repository to hash.
    Url,
    /// A file in the repository.
    File { sha256: String, bytes: u64 },
    /// A path that names no readable file inside the repository, and why.
    Problem(String),
}

/// The index as JSON: records sorted by id, then file and position in it. `locate` finds
/// what a `location` leads to.
pub(crate) fn index(input: &Input<'_>, locate: impl Fn(&str) -> Located) -> String {
    let model = Compliance::build(input.artifacts);
    let mut records: Vec<_> = model.views().evidence.iter().collect();
    records.sort_by(|a, b| {
        (a.id, &a.artifact.file, a.artifact.document).cmp(&(
            b.id,
            &b.artifact.file,
            b.artifact.document,
        ))
    });
    let entries: Vec<Value> = records
        .into_iter()
        .map(|e| {
            let judged = evidence_record(e, model.views(), input);
            let (kind, sha256, bytes, problem) = match e.location.map(&locate) {
                None => (None, None, None, Some("no location".to_string())),
                Some(Located::Url) => (Some("url"), None, None, None),
                Some(Located::File { sha256, bytes }) => {
                    (Some("file"), Some(sha256), Some(bytes), None)
                }
                Some(Located::Problem(p)) => (Some("file"), None, None, Some(p)),
            };
            json!({
                "id": e.id,
                "title": e.text("title"),
                "file": e.artifact.file,
                "supports": e.supports,
                "collected_on": e.collected_on.to_string(),
                "collected_by": e.text("collected_by"),
                "expires_on": judged.as_ref().map(|j| j.expires_on.clone()),
                "freshness": judged.as_ref().map(|j| j.freshness.name()),
                "location": e.location,
                "location_kind": kind,
                "sha256": sha256,
                "bytes": bytes,
                "problem": problem,
            })
        })
        .collect();
    let doc = json!({
        "version": super::VERSION,
        "today": input.today.to_string(),
        "evidence": entries,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
