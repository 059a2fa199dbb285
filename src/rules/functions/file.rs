//! `file`: each path stays inside the repository and, by default, names an existing file (the
//! check is `rules::files`; files are examined, never opened).

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::Path;
use super::{At, Check, Function, Result};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject, texts_at};
use crate::rules::files;
use crate::rules::path::FieldPath;

/// Each value that is a path (URLs are skipped) stays inside the repository and, with `check: exists` (the default), names an existing file. Files are never read.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct File {
    /// The field.
    field: Path,
    /// `exists` or `inside`.
    #[serde(default)]
    check: FileCheck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub(crate) enum FileCheck {
    #[default]
    Exists,
    Inside,
}

impl Function for File {
    const TITLE: &'static str = "a path stays inside the repository";
    const EXAMPLE: &'static str = "\
assert:
  - file: { field: location }                 # must exist (default)
  - file: { field: location, check: inside }  # only must not leave the repository
";
    const DOCS: &'static str = "\
Paths are relative to the repository root; URLs (`https://…`) are skipped. An absolute path, a
path that climbs above the root with `..`, or one that resolves outside it through a symbolic
link is reported; with `check: exists`, so is a path where nothing exists. A wrong path gets a
did-you-mean for the existing file it most likely meant: the same path from the root, or taken
from the folder of the file that names it, a file whose path ends with it or with its name, or
the nearest path by spelling. Files are examined, never opened.";
    const VARS: &'static [(&'static str, &'static str)] = &[(
        "reason",
        "what is wrong with the path, with a did-you-mean for an existing file",
    )];

    type Compiled = Files;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<Files> {
        Ok(Files {
            field: self.field.compile(&at.arg("field"))?,
            check: self.check,
        })
    }
}

#[derive(Debug)]
pub(crate) struct Files {
    field: FieldPath,
    check: FileCheck,
}

impl Check for Files {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        texts_at(&self.field, s)
            .filter_map(|(p, v, text)| {
                let problem = files::check(
                    text,
                    self.check,
                    env.root.as_deref(),
                    env.snapshot.as_deref(),
                )?;
                let near = files::nearest(text, &s.artifact.file, env.repository_files());
                let problem = problem.suggesting(near);
                let mut f = Failure::at(p, Some(v), problem.label).var("reason", problem.reason);
                f.replacement = near.map(str::to_string);
                Some(f)
            })
            .collect()
    }
}
