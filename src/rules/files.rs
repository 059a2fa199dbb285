//! The `file` function: a path an artifact names must stay inside the repository and, with
//! `check: exists`, name an existing file. Paths are examined, never opened: an evidence
//! record cannot make annexa read anything outside the repository.

use std::path::{Component, Path};

use super::functions::file::FileCheck;

pub(crate) struct Problem {
    pub label: String,
    /// Template name `{reason}`.
    pub reason: String,
}

fn problem(label: &str, reason: impl Into<String>) -> Option<Problem> {
    Some(Problem {
        label: label.to_string(),
        reason: reason.into(),
    })
}

/// A URL (`https://…`, `s3://…`) is not a repository path.
pub(crate) fn is_url(text: &str) -> bool {
    match text.split_once("://") {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        }
        None => false,
    }
}

/// `None` when the path is fine. `root` is `None` when there is no file system to look at
/// (rule examples): only the lexical checks run then.
pub(crate) fn check(text: &str, mode: FileCheck, root: Option<&Path>) -> Option<Problem> {
    if is_url(text) {
        return None;
    }
    let path = Path::new(text);
    let looks_absolute =
        path.has_root() || text.starts_with('\\') || text.chars().nth(1) == Some(':');
    if looks_absolute {
        return problem(
            "absolute path",
            "paths are relative to the repository root; an absolute path points outside it",
        );
    }
    let mut depth: i64 = 0;
    for c in path.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return problem(
                "outside the repository",
                "the path climbs above the repository root with `..`",
            );
        }
    }
    let root = root?;
    let full = root.join(path);
    match std::fs::symlink_metadata(&full) {
        Err(_) => match mode {
            FileCheck::Exists => problem(
                "no such file",
                "nothing exists at this path in the repository",
            ),
            FileCheck::Inside => None,
        },
        Ok(_) => {
            let real = full.canonicalize().ok()?;
            let real_root = root.canonicalize().ok()?;
            if !real.starts_with(&real_root) {
                return problem(
                    "outside the repository",
                    "the path resolves, through a symbolic link, to a file outside the repository",
                );
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_checks() {
        assert!(check("https://example.org/report.pdf", FileCheck::Exists, None).is_none());
        assert!(check("evidence/files/a.md", FileCheck::Exists, None).is_none());
        assert_eq!(
            check("/etc/passwd", FileCheck::Exists, None).unwrap().label,
            "absolute path"
        );
        assert_eq!(
            check("../secrets.txt", FileCheck::Exists, None)
                .unwrap()
                .label,
            "outside the repository"
        );
        assert_eq!(
            check("a/../../b", FileCheck::Exists, None).unwrap().label,
            "outside the repository"
        );
        assert!(check("a/../b", FileCheck::Exists, None).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn existence_and_links() {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(repo.path().join("here.md"), "x").unwrap();
        std::fs::write(outside.path().join("there.md"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("there.md"), repo.path().join("link.md"))
            .unwrap();
        let root = Some(repo.path());
        assert!(check("here.md", FileCheck::Exists, root).is_none());
        assert_eq!(
            check("gone.md", FileCheck::Exists, root).unwrap().label,
            "no such file"
        );
        assert!(check("gone.md", FileCheck::Inside, root).is_none());
        assert_eq!(
            check("link.md", FileCheck::Exists, root).unwrap().label,
            "outside the repository"
        );
    }
}
