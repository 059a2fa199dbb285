//! What the changes of one file mean for the rules: for a document, the last change to its
//! body and whether its approval and version changed with or after it; for an evidence file,
//! when it was first committed and last changed.
//!
//! A document's **body** is what its approval covers: the Markdown text after the front
//! matter, or, for a YAML artifact, every field but the document-control ones
//! ([`CONTROL_FIELDS`]). Bodies are compared with trailing spaces, line ends and blank lines
//! at either end ignored, so re-saving a file in another editor is no change. The first
//! commit of a document is not a change of its body: a document brought into the repository
//! long after it was approved is not an unapproved change.

use std::path::Path;

use super::Commit;
use super::history::{Change, History};
use crate::discover::Format;
use crate::model::Artifact;
use crate::source::SourceFile;

/// The fields of a YAML artifact that are not its body: the approval, version, review and
/// ownership of the document, and free notes.
pub(crate) const CONTROL_FIELDS: &[&str] = &[
    "version",
    "approved_on",
    "approved_by",
    "review",
    "owner",
    "notes",
];

/// Why a file's history could not be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unchecked {
    /// The file is not in the commit checked (not committed yet).
    NotCommitted,
    /// A folder, or a file annexa cannot read: nothing to judge, and nothing to say.
    NotAFile,
}

/// A document as one version of its file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    body: blake3::Hash,
    version: Option<String>,
    approval: Option<String>,
}

/// The history of one document.
#[derive(Debug)]
pub(crate) struct Document {
    /// The last commit that changed the body (the first commit does not count).
    pub body: Option<Commit>,
    /// The approval field changed in that commit or a later one.
    pub approved_since: bool,
    /// The version field changed in that commit or a later one.
    pub versioned_since: bool,
    /// The last commit that set the version (its first commit, or a change of it).
    pub version_set: Option<Commit>,
    /// The working file's body differs from the commit's: did its approval and version
    /// change with it? `None`: no uncommitted change to the body (or no working tree).
    pub working: Option<Working>,
}

/// An uncommitted change to a document's body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Working {
    pub approval_changed: bool,
    pub version_changed: bool,
}

/// The top-level fields holding a document's approval date and version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'f> {
    pub approval: &'f str,
    pub version: &'f str,
}

/// The history of the document `artifact`; `worktree`: compare the working file too.
pub(crate) fn document(
    history: &History,
    artifact: &Artifact,
    fields: Fields<'_>,
    worktree: bool,
) -> Result<Document, Unchecked> {
    let changes = history.changes(&artifact.file);
    if changes.is_empty() {
        return Err(Unchecked::NotCommitted);
    }
    // The working file as committed: nothing to parse when it is one version, unchanged.
    let working_changed = worktree
        && match (history.working_ids(&artifact.file), changes[0].blob) {
            (Some(ids), Some(blob)) => !ids.contains(&blob),
            _ => false,
        };
    if changes.len() == 1 && !working_changed {
        return Ok(Document {
            version_set: Some(history.commit(&changes[0]).clone()),
            ..Document::empty()
        });
    }
    let repo = history.local();
    let state = |change: &Change| -> Option<State> {
        let text = String::from_utf8(history.blob_in(&repo, change.blob?)?).ok()?;
        state_of(&text, artifact, fields)
    };
    let mut doc = Document {
        body: None,
        approved_since: false,
        versioned_since: false,
        version_set: None,
        working: None,
    };
    let mut tip: Option<State> = None;
    let mut previous: Option<State> = None;
    // Oldest first; each commit that changed the body, version or approval in turn.
    for (i, change) in changes.iter().enumerate().rev() {
        let Some(now) = state(change) else {
            // The document is not in this version: it begins again at the next.
            previous = None;
            doc = Document {
                working: None,
                ..Document::empty()
            };
            continue;
        };
        let commit = history.commit(change).clone();
        match &previous {
            None => {
                doc.version_set = Some(commit.clone());
                doc.body = None;
            }
            Some(before) => {
                if now.body != before.body {
                    doc.body = Some(commit.clone());
                    doc.approved_since = false;
                    doc.versioned_since = false;
                }
                if now.approval != before.approval {
                    doc.approved_since = true;
                }
                if now.version != before.version {
                    doc.versioned_since = true;
                    doc.version_set = Some(commit);
                }
            }
        }
        if i == 0 {
            tip = Some(now.clone());
        }
        previous = Some(now);
    }
    if working_changed
        && let Some(tip) = tip
        && let Ok(text) = std::fs::read_to_string(history.root.join(&artifact.file))
        && let Some(now) = state_of(&text, artifact, fields)
        && now.body != tip.body
    {
        doc.working = Some(Working {
            approval_changed: now.approval != tip.approval,
            version_changed: now.version != tip.version,
        });
    }
    Ok(doc)
}

impl Document {
    fn empty() -> Self {
        Document {
            body: None,
            approved_since: false,
            versioned_since: false,
            version_set: None,
            working: None,
        }
    }
}

/// The body, version and approval of `artifact`'s document in one version of its file: the
/// document with the same `id` (or at the same place in the file, without one).
fn state_of(text: &str, artifact: &Artifact, fields: Fields<'_>) -> Option<State> {
    let format = Format::of(Path::new(&artifact.file))?;
    let file = SourceFile::new(artifact.file.clone(), artifact.file.clone(), text);
    let parsed = crate::parse::parse(&file, format, &crate::yaml::Limits::default());
    let found = parsed.artifacts.iter().find(|a| match &artifact.id {
        Some(id) => a.id.as_ref() == Some(id),
        None => a.document == artifact.document,
    })?;
    let text_of = |field: &str| {
        found.value.get(field).and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        })
    };
    let body = match format {
        Format::Markdown => blake3::hash(normalise(markdown_body(text, found)).as_bytes()),
        Format::Yaml => {
            let mut value = found.value.clone();
            if let Some(map) = value.as_object_mut() {
                for f in CONTROL_FIELDS
                    .iter()
                    .chain([&fields.approval, &fields.version])
                {
                    map.remove(*f);
                }
            }
            blake3::hash(value.to_string().as_bytes())
        }
    };
    Some(State {
        body,
        version: text_of(fields.version),
        approval: text_of(fields.approval),
    })
}

/// The text after the front matter's closing line.
fn markdown_body<'t>(text: &'t str, artifact: &Artifact) -> &'t str {
    let from = artifact.span.end.min(text.len());
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        offset += line.len();
        let l = line.trim_end();
        if l == "---" || l == "..." {
            return &text[offset..];
        }
    }
    ""
}

/// Lines without trailing spaces or `\r`, and without blank lines at either end.
fn normalise(body: &str) -> String {
    let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    lines[start..end].join("\n")
}

/// The history of an evidence file.
#[derive(Debug)]
pub(crate) struct File<'h> {
    /// The commit that added it (since it last appeared).
    pub first: &'h Commit,
    /// The last commit that changed it, when that is not the first.
    pub changed: Option<&'h Commit>,
    /// The working file differs from the commit's.
    pub working: bool,
}

/// The history of the file at `path` (relative to the root); `worktree`: compare the working
/// file too.
pub(crate) fn file<'h>(
    history: &'h History,
    path: &str,
    worktree: bool,
) -> Result<File<'h>, Unchecked> {
    let changes = history.changes(path);
    let (Some(newest), Some(oldest)) = (changes.first(), changes.last()) else {
        return Err(if history.holds_folder(path) {
            Unchecked::NotAFile
        } else {
            Unchecked::NotCommitted
        });
    };
    let working = worktree
        && match (history.working_ids(path), newest.blob) {
            (Some(ids), Some(blob)) => !ids.contains(&blob),
            _ => false,
        };
    Ok(File {
        first: history.commit(oldest),
        changed: (changes.len() > 1).then(|| history.commit(newest)),
        working,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_ignore_trailing_space_and_blank_ends() {
        assert_eq!(normalise("\n\n# A\r\ntext  \n\n"), "# A\ntext");
        assert_ne!(normalise("# A\ntext"), normalise("# A\ntext!"));
    }
}
