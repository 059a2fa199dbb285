//! `approved_body`: the document's text has not changed since its approval (read from git).

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::Path;
use super::{At, Check, Function, Result, history};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, dated};
use crate::rules::path::FieldPath;

/// No commit after the approval date changed the document's body without a new approval (and neither does the working tree).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApprovedBody {
    /// The top-level field holding the approval date, e.g. `approved_on`.
    approval: Path,
    /// The top-level field holding the version, e.g. `version` (not part of the body).
    version: Path,
}

impl Function for ApprovedBody {
    const TITLE: &'static str = "the text has not changed since its approval (git history)";
    const EXAMPLE: &'static str = "\
kinds: [policy]
assert:
  - approved_body: { approval: approved_on, version: version }
";
    const DOCS: &'static str = "\
Reads the document's file in the first-parent git history (`docs/history.md`). Fails when the last
commit that changed the body — the Markdown text after the front matter, or every field of a
YAML artifact but the document-control ones (`version`, `approved_on`, `approved_by`, `review`,
`owner`, `notes`, and the two fields named) — is dated after the approval date and neither it
nor a later commit changed the approval field; or when the working file's body differs from the
commit's while the approval field is unchanged and today is after the approval date. The first
commit of a document is not a change. Without a history (no git, a shallow clone, a file not
committed) nothing fails and the run's `GIT001` note says so.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        (
            "change",
            "what changed the text: `the text changed in commit abc1234 (2026-03-05, Jane Doe)`, or `the text changed in the working tree (not committed yet)`",
        ),
        ("changed_on", "the date of that change (today for the working tree)"),
    ];

    type Compiled = ApprovedBodyCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<ApprovedBodyCheck> {
        Ok(ApprovedBodyCheck {
            field: self.approval.compile(&at.arg("approval"))?,
            approval: self.approval.0,
            version: self.version.0,
        })
    }
}

#[derive(Debug)]
pub(crate) struct ApprovedBodyCheck {
    field: FieldPath,
    approval: String,
    version: String,
}

impl Check for ApprovedBodyCheck {
    fn history_paths(&self, s: &Subject<'_>) -> Vec<String> {
        vec![s.artifact.file.clone()]
    }

    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let Some((pointer, value, approved)) = dated(&self.field, s).into_iter().next() else {
            return Vec::new();
        };
        let Some(trail) = history::document(env, s, &self.approval, &self.version) else {
            return Vec::new();
        };
        let Ok(doc) = &*trail else {
            return Vec::new();
        };
        let (change, on, related) = match (&doc.body, doc.working) {
            (Some(c), _) if !doc.approved_since && c.date > approved => {
                let change = format!("the text changed in {}", history::commit(c));
                let note = format!("{change}, after the approval");
                (change, c.date, Some(history::text_place(s, note)))
            }
            (_, Some(w)) if !w.approval_changed && env.today > approved => (
                "the text changed in the working tree (not committed yet)".to_string(),
                env.today,
                None,
            ),
            _ => return Vec::new(),
        };
        let mut f = Failure::at(pointer, Some(value), format!("approved {approved}"))
            .var("change", change)
            .var("changed_on", on.to_string());
        f.related.extend(related);
        vec![f]
    }
}
