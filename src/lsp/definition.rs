//! `textDocument/definition`: from a reference to what it names.
//!
//! A string equal to an artifact id goes to that artifact's `id` (every one of them, when
//! the id is duplicated); a string that is the path of a file of the repository
//! (evidence `location`) goes to that file.

use std::path::Path;

use crate::discover;
use crate::model::Artifact;
use crate::source::Span;
use std::sync::Arc;

use super::lookup::{self, Scalar};

/// A place to go to: a repository-relative file and a span in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub file: String,
    pub span: Span,
}

/// Where the scalar under the cursor leads.
pub(crate) fn targets(
    scalar: &Scalar<'_>,
    artifacts: &[Arc<Artifact>],
    root: &Path,
) -> Vec<Target> {
    let defined: Vec<Target> = lookup::artifacts_with_id(artifacts, scalar.value)
        .map(|a| Target {
            file: a.file.clone(),
            span: lookup::definition_span(a),
        })
        .collect();
    if !defined.is_empty() {
        return defined;
    }
    repository_file(scalar.value, root)
        .map(|file| Target {
            file,
            span: Span::at(0),
        })
        .into_iter()
        .collect()
}

/// The repository-relative path of `value` when it names a file inside `root`.
fn repository_file(value: &str, root: &Path) -> Option<String> {
    if value.is_empty() || value.contains("://") || value.len() > 4096 {
        return None;
    }
    let path = discover::absolute(&root.join(value));
    let rel = discover::relative(root, &path)?;
    (!rel.is_empty() && path.is_file()).then_some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("evidence/files")).unwrap();
        std::fs::write(root.join("evidence/files/a.md"), "x").unwrap();
        assert_eq!(
            repository_file("evidence/files/a.md", &root).as_deref(),
            Some("evidence/files/a.md")
        );
        assert_eq!(repository_file("evidence/files", &root), None);
        assert_eq!(repository_file("../outside.md", &root), None);
        assert_eq!(repository_file("https://example.com/x", &root), None);
        assert_eq!(repository_file("", &root), None);
    }
}
