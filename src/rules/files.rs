//! The `file` function: a path an artifact names must stay inside the repository and, with
//! `check: exists`, name an existing file. Paths are examined, never opened: an evidence
//! record cannot make annexa read anything outside the repository. A wrong path gets the
//! existing file it most likely meant ([`nearest`]).

use std::path::{Component, Path};

use super::functions::file::FileCheck;
use crate::suggest::did_you_mean;

pub(crate) struct Problem {
    pub label: String,
    /// Template name `{reason}`.
    pub reason: String,
}

impl Problem {
    /// The problem with a "did you mean" for the file that exists, if there is one.
    pub(crate) fn suggesting(self, file: Option<&str>) -> Problem {
        match file {
            Some(f) => Problem {
                label: format!("{}; did you mean `{f}`?", self.label),
                reason: format!("{}; did you mean `{f}`?", self.reason),
            },
            None => self,
        }
    }
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
/// (rule examples): only the lexical checks run then. With a `snapshot` (`--at`), paths are
/// looked up in the commit's files instead of the disk.
pub(crate) fn check(
    text: &str,
    mode: FileCheck,
    root: Option<&Path>,
    snapshot: Option<&crate::git::Snapshot>,
) -> Option<Problem> {
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
                "the path climbs above the repository root with `..` (paths are relative to the repository root, not to the file that names them)",
            );
        }
    }
    let root = root?;
    if let Some(snapshot) = snapshot {
        return match mode {
            FileCheck::Exists if !snapshot.exists(text) => problem(
                "no such file",
                "nothing exists at this path, relative to the repository root",
            ),
            _ => None,
        };
    }
    let full = root.join(path);
    match std::fs::symlink_metadata(&full) {
        Err(_) => match mode {
            FileCheck::Exists => problem(
                "no such file",
                "nothing exists at this path, relative to the repository root",
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

/// The existing file a wrong path most likely meant, among the repository's `files` (sorted):
/// the path without a leading `/`; the path taken from the folder of `from`, the file that
/// names it (paths start at the root, not there); the one file whose path ends with it, or
/// whose name is its name; else the nearest path by spelling.
pub(crate) fn nearest<'f>(text: &str, from: &str, files: &'f [String]) -> Option<&'f str> {
    let known = |p: &str| {
        files
            .binary_search_by(|f| f.as_str().cmp(p))
            .ok()
            .map(|i| files[i].as_str())
    };
    let folder = from.rsplit_once('/').map_or("", |(d, _)| d);
    let lexical = [
        normalise(text.trim_start_matches(['/', '\\'])),
        normalise(&format!("{folder}/{text}")),
    ];
    if let Some(f) = lexical.iter().flatten().find_map(|p| known(p)) {
        return (f != text).then_some(f);
    }
    let wanted = normalise(text)?;
    let name = wanted.rsplit('/').next().unwrap_or(&wanted);
    let suffix = format!("/{wanted}");
    let ending: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| f.ends_with(&suffix))
        .collect();
    let named: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| f.rsplit('/').next() == Some(name))
        .collect();
    match (ending.as_slice(), named.as_slice()) {
        ([one], _) | ([], [one]) => Some(one),
        _ => did_you_mean(&wanted, files.iter().map(String::as_str)),
    }
}

/// `a/./b/../c` as `a/c`, with `/` separators; `None` when it climbs above its start.
fn normalise(path: &str) -> Option<String> {
    crate::discover::normalise("", path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_checks() {
        assert!(
            check(
                "https://example.org/report.pdf",
                FileCheck::Exists,
                None,
                None
            )
            .is_none()
        );
        assert!(check("evidence/files/a.md", FileCheck::Exists, None, None).is_none());
        assert_eq!(
            check("/etc/passwd", FileCheck::Exists, None, None)
                .unwrap()
                .label,
            "absolute path"
        );
        assert_eq!(
            check("../secrets.txt", FileCheck::Exists, None, None)
                .unwrap()
                .label,
            "outside the repository"
        );
        assert_eq!(
            check("a/../../b", FileCheck::Exists, None, None)
                .unwrap()
                .label,
            "outside the repository"
        );
        assert!(check("a/../b", FileCheck::Exists, None, None).is_none());
    }

    #[test]
    fn the_nearest_existing_file() {
        let files: Vec<String> = [
            "evidence/files/access-review-2026-q3.md",
            "evidence/files/mfa-report.csv",
            "evidence/records.yaml",
            "policies/access.md",
            "reports/q3.pdf",
            "archive/reports/q3.pdf",
        ]
        .map(String::from)
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
        let from = "evidence/records.yaml";
        let near = |text: &str| nearest(text, from, &files);
        // Written from the evidence file's folder, not from the root.
        assert_eq!(
            near("files/mfa-report.csv"),
            Some("evidence/files/mfa-report.csv")
        );
        assert_eq!(near("../policies/access.md"), Some("policies/access.md"));
        // An absolute path that is the repository path with a leading slash.
        assert_eq!(
            near("/evidence/files/mfa-report.csv"),
            Some("evidence/files/mfa-report.csv")
        );
        // A misspelling, a wrong extension, a missing folder.
        assert_eq!(
            near("evidence/files/acess-review-2026-q3.md"),
            Some("evidence/files/access-review-2026-q3.md")
        );
        assert_eq!(
            near("evidence/files/mfa-report.xlsx"),
            Some("evidence/files/mfa-report.csv")
        );
        assert_eq!(
            near("evidence/access-review-2026-q3.md"),
            Some("evidence/files/access-review-2026-q3.md")
        );
        // One file ends with `reports/q3.pdf`; two are named `q3.pdf`: no guess between them.
        assert_eq!(near("old/reports/q3.pdf"), Some("reports/q3.pdf"));
        assert_eq!(near("docs/q3.pdf"), None);
        assert_eq!(near("nothing/like/it.txt"), None);
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
        assert!(check("here.md", FileCheck::Exists, root, None).is_none());
        assert_eq!(
            check("gone.md", FileCheck::Exists, root, None)
                .unwrap()
                .label,
            "no such file"
        );
        assert!(check("gone.md", FileCheck::Inside, root, None).is_none());
        assert_eq!(
            check("link.md", FileCheck::Exists, root, None)
                .unwrap()
                .label,
            "outside the repository"
        );
    }
}
