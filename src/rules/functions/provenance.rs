//! `provenance`: an evidence file in the repository was committed, and last changed, near the
//! date the record says it was collected (read from git).

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{Duration, Path};
use super::{At, Check, Function, Result, history};
use crate::dates;
use crate::git::trail::{self, Unchecked};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, dated, texts_at};
use crate::rules::path::FieldPath;

/// The file at `location`, if it is in the repository, was first committed and last changed no later than `tolerance` after the date at `date`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Provenance {
    /// The field naming the file, relative to the repository root, e.g. `location`.
    location: Path,
    /// The date the file's content is said to be from, e.g. `collected_on`.
    date: Path,
    /// How long after that date the file may be committed or changed: a duration or `$param`.
    tolerance: Duration,
}

impl Function for Provenance {
    const TITLE: &'static str = "the file was committed when it was collected (git history)";
    const EXAMPLE: &'static str = "\
kinds: [evidence]
assert:
  - provenance: { location: location, date: collected_on, tolerance: 30d }
";
    const DOCS: &'static str = "\
Reads the file's first-parent git history (`docs/history.md`). Fails when the file's last change —
or, for a file never changed, its first commit — is dated more than `tolerance` after the date;
or when the working file differs from the commit's and today is more than `tolerance` after the
date. URLs, absolute paths, paths out of the repository and folders are not checked. Without a
history nothing fails.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        (
            "change",
            "what git shows: `the file was first committed on 2026-05-02 (commit abc1234, Jane Doe), 120 day(s) later`, `the file changed on …`, or `the file changed in the working tree (not committed yet)`",
        ),
        (
            "change_short",
            "the same in a few words: `first committed 2026-05-02`, `changed 2026-05-02`, `changed, not committed`",
        ),
    ];

    type Compiled = ProvenanceCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<ProvenanceCheck> {
        Ok(ProvenanceCheck {
            location: self.location.compile(&at.arg("location"))?,
            date: self.date.compile(&at.arg("date"))?,
            tolerance: self.tolerance.compile(cx, &at.arg("tolerance"))?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct ProvenanceCheck {
    location: FieldPath,
    date: FieldPath,
    tolerance: dates::Duration,
}

impl Check for ProvenanceCheck {
    fn history_paths(&self, s: &Subject<'_>) -> Vec<String> {
        texts_at(&self.location, s)
            .filter(|(_, _, text)| !crate::rules::files::is_url(text))
            .filter_map(|(_, _, text)| crate::git::snapshot::normalise("", text))
            .collect()
    }

    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let Some((_, _, collected)) = dated(&self.date, s).into_iter().next() else {
            return Vec::new();
        };
        let Some(limit) = self.tolerance.after(collected) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (pointer, value, text) in texts_at(&self.location, s) {
            if crate::rules::files::is_url(text) {
                continue;
            }
            let Some(path) = crate::git::snapshot::normalise("", text) else {
                continue;
            };
            let Some((access, hist)) = history::of(env) else {
                return Vec::new();
            };
            let file = match trail::file(hist, &path, access.worktree()) {
                Ok(f) => f,
                Err(Unchecked::NotCommitted) => {
                    if env.repository_files().binary_search(&path).is_ok() {
                        access.not_committed(&path);
                    }
                    continue;
                }
                Err(Unchecked::NotAFile) => continue,
            };
            // "the file changed on 2026-05-02 (commit abc1234, Jane Doe), 120 day(s) later"
            let after = |what: &str, short: &str, c: &crate::git::Commit| {
                let days = dates::days_between(collected, c.date);
                let change = format!(
                    "the file {what} on {} ({}), {days} day(s) later",
                    c.date,
                    history::by(c)
                );
                (change, format!("{short} {}", c.date))
            };
            let (change, short) = if file.working && env.today > limit {
                (
                    "the file changed in the working tree (not committed yet)".to_string(),
                    "changed, not committed".to_string(),
                )
            } else if let Some(c) = file.changed.filter(|c| c.date > limit) {
                after("changed", "changed", c)
            } else if file.first.date > limit {
                after("was first committed", "first committed", file.first)
            } else {
                continue;
            };
            out.push(
                Failure::at(pointer, Some(value), short.clone())
                    .var("change", change)
                    .var("change_short", short),
            );
        }
        out
    }
}
