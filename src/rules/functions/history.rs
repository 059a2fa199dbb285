//! What the history functions (`approved_body`, `versioned_body`, `provenance`) share: the
//! history of the run, a document's trail, and how a commit is named in a finding.

use crate::git::trail::{Document, Fields, Unchecked};
use crate::git::{Access, Commit, History};
use crate::rules::eval::{Env, RelatedPlace, Subject};

/// The run's history, when there is one to read; `None` makes the functions report nothing
/// (the run's `GIT001` note says why).
pub(super) fn of<'e>(env: &'e Env<'_>) -> Option<(&'e Access, &'e History)> {
    let access = env.history.as_deref()?;
    Some((access, access.history().ok()?))
}

/// The trail of the subject's document, its approval and version in the top-level fields
/// named; `None` without a history, or for a file not committed yet (recorded for the note).
pub(super) fn document(
    env: &Env<'_>,
    s: &Subject<'_>,
    approval: &str,
    version: &str,
) -> Option<std::sync::Arc<Result<Document, Unchecked>>> {
    let (access, history) = of(env)?;
    let trail = access.document(history, s.artifact, Fields { approval, version });
    match &*trail {
        Ok(_) => Some(trail),
        Err(Unchecked::NotCommitted) => {
            access.not_committed(&s.artifact.file);
            None
        }
        Err(Unchecked::NotAFile) => None,
    }
}

/// "commit abc1234 (2026-03-05, Jane Doe)".
pub(super) fn commit(c: &Commit) -> String {
    format!("commit {}", c.describe())
}

/// "commit abc1234, Jane Doe" (the date is said beside it).
pub(super) fn by(c: &Commit) -> String {
    format!("commit {}, {}", c.short(), c.author)
}

/// The place a document's text begins: its first heading, else the document.
pub(super) fn text_place(s: &Subject<'_>, message: String) -> RelatedPlace {
    let span = s
        .artifact
        .headings
        .first()
        .map_or(s.artifact.span, |h| h.span);
    RelatedPlace {
        file: s.artifact.file.clone(),
        span,
        message,
    }
}
