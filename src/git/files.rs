//! The files of a commit as a run reads them (`--at`): the candidates a walk of a checkout
//! would find, the list of the repository's files, and each file's text, with the same
//! diagnostics as the working tree's ([`crate::discover`]).

use std::path::Path;

use super::Snapshot;
use super::snapshot::LinkProblem;
use crate::codes;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::discover::{self, Candidate, Format, Walk};
use crate::source::{SourceFile, Span};

/// [`discover::walk`] of a commit's files (`--at`): what the walk of a checkout of that commit finds,
/// with the same diagnostics for links it does not follow.
pub(crate) fn walk(snapshot: &Snapshot, root: &Path, config: &Config) -> Walk {
    let include = discover::globset(&config.files.include);
    let exclude = discover::globset(&config.files.exclude);
    let walked = snapshot.walk(root);
    let mut walk = Walk::default();
    for (rel, problem) in &walked.links {
        if exclude.is_match(rel) {
            continue;
        }
        let message = match problem {
            LinkProblem::Outside => {
                format!("`{rel}` is a symbolic link out of the repository; not followed")
            }
            LinkProblem::Dangling => format!(
                "`{rel}` cannot be walked: {}",
                std::io::Error::from_raw_os_error(2)
            ),
        };
        walk.diagnostics.push(
            Diagnostic::warning(codes::FILE004, message).with_entity(None, Some(rel.clone())),
        );
    }
    for (rel, _) in &walked.files {
        if exclude.is_match(rel) {
            continue;
        }
        let Some(format) = Format::of(Path::new(rel)) else {
            continue;
        };
        if !include.is_empty() && !include.is_match(rel) {
            continue;
        }
        walk.candidates.push(Candidate {
            path: root.join(rel),
            rel: rel.clone(),
            format,
        });
    }
    walk
}

/// [`discover::repository_files`] of a commit's files (`--at`).
pub(crate) fn listed(snapshot: &Snapshot, root: &Path) -> Vec<String> {
    let mut out: Vec<String> = snapshot
        .walk(root)
        .files
        .iter()
        .map(|(rel, _)| rel.clone())
        .take(discover::MAX_LISTED)
        .collect();
    out.sort();
    out
}

/// [`discover::read`] from a commit's files (`--at`).
pub(crate) fn read(
    snapshot: &Snapshot,
    candidate: &Candidate,
    max_size: u64,
) -> Result<SourceFile, Box<Diagnostic>> {
    let rel = &candidate.rel;
    let unreadable = || {
        Box::new(
            Diagnostic::error(
                codes::FILE001,
                format!(
                    "cannot read `{rel}`: not found in commit {}",
                    snapshot.commit.short()
                ),
            )
            .at(rel.clone(), Span::at(0))
            .with_entity(None, Some(rel.clone())),
        )
    };
    let size = snapshot.size(rel).ok_or_else(unreadable)?;
    if size > max_size {
        return Err(discover::too_large(rel, size, max_size));
    }
    let bytes = snapshot.read(rel).ok_or_else(unreadable)?;
    let text = discover::decode(bytes, rel)?;
    Ok(SourceFile::new(rel.clone(), candidate.path.clone(), text))
}
