//! `versioned_body`: the document's version changed when its text did (read from git).

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::Path;
use super::{At, Check, Function, Result, history};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, values_at};
use crate::rules::path::FieldPath;

/// No commit after the one that last set the version changed the document's body (and neither does the working tree) while the version stayed.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VersionedBody {
    /// The top-level field holding the approval date, e.g. `approved_on` (not part of the body).
    approval: Path,
    /// The top-level field holding the version, e.g. `version`.
    version: Path,
}

impl Function for VersionedBody {
    const TITLE: &'static str = "the version changes with the text (git history)";
    const EXAMPLE: &'static str = "\
kinds: [policy]
assert:
  - versioned_body: { approval: approved_on, version: version }
";
    const DOCS: &'static str = "\
Reads the document's file in the first-parent git history (`docs/history.md`). Fails when a
commit after the one that last set the version (the document's first commit, or a change of the
version field) changed the body, as `approved_body` reads it; or when the working file's body
differs from the commit's while the version is unchanged. Without a history nothing fails.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        (
            "change",
            "what changed the text: `the text changed in commit abc1234 (2026-03-05, Jane Doe)`, or `the text changed in the working tree (not committed yet)`",
        ),
        (
            "version_set",
            "the commit that last set the version: `commit 9f8e7d6 (2026-01-10, Jane Doe)`",
        ),
    ];

    type Compiled = VersionedBodyCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<VersionedBodyCheck> {
        Ok(VersionedBodyCheck {
            field: self.version.compile(&at.arg("version"))?,
            approval: self.approval.0,
            version: self.version.0,
        })
    }
}

#[derive(Debug)]
pub(crate) struct VersionedBodyCheck {
    field: FieldPath,
    approval: String,
    version: String,
}

impl Check for VersionedBodyCheck {
    fn history_paths(&self, s: &Subject<'_>) -> Vec<String> {
        vec![s.artifact.file.clone()]
    }

    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let Some((pointer, value)) = values_at(&self.field, s).next() else {
            return Vec::new();
        };
        let Some(trail) = history::document(env, s, &self.approval, &self.version) else {
            return Vec::new();
        };
        let Ok(doc) = &*trail else {
            return Vec::new();
        };
        let set = doc
            .version_set
            .as_ref()
            .map_or_else(|| "its first commit".to_string(), history::commit);
        let (change, related) = match (&doc.body, doc.working) {
            (Some(c), _) if !doc.versioned_since => {
                let change = format!("the text changed in {}", history::commit(c));
                let note = format!("{change}; the version was set in {set}");
                (change, Some(history::text_place(s, note)))
            }
            (_, Some(w)) if !w.version_changed => (
                "the text changed in the working tree (not committed yet)".to_string(),
                None,
            ),
            _ => return Vec::new(),
        };
        let mut f = Failure::at(pointer, Some(value), "unchanged version")
            .var("change", change)
            .var("version_set", set);
        f.related.extend(related);
        vec![f]
    }
}
