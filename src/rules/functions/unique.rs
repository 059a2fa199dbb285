//! `unique`: no two values alike, across the repository or within one artifact.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{Conditions, Path};
use super::{At, Check, Function, Result};
use crate::pointer::Pointer;
use crate::model::Artifact;
use crate::rules::compile::{Cond, Ctx};
use crate::rules::eval::{Env, Failure, RelatedPlace, Seen, Subject, holds};
use crate::rules::path::{FieldPath, display};

/// The field's value is unique across the repository (or within the artifact).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Unique {
    /// The field.
    field: Path,
    /// Where values must be unique.
    #[serde(default)]
    scope: UniqueScope,
    /// Across the repository: which artifact keeps the value when several share it — the first, in path order, that satisfies these conditions (e.g. the approved one); the others are reported. Without them, or when none does, the first in path order.
    #[serde(default)]
    prefer: Conditions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
enum UniqueScope {
    #[default]
    Repository,
    Artifact,
}

impl Function for Unique {
    const TITLE: &'static str = "no two values alike";
    const EXAMPLE: &'static str = r#"assert:
  - unique: { field: id }                                       # across the repository
  - unique: { field: "entries[].control", scope: artifact }       # within one artifact
  # the approved one keeps the id; a draft that shares it is reported
  - unique: { field: id, prefer: [{ field: status, equals: approved }] }
"#;
    const DOCS: &'static str = "\
The second and later occurrences (files in path order, documents in file order) are reported,
each with a secondary label at the first. Across the repository, `prefer` decides which
artifact keeps the value: the first that satisfies its conditions (tested on the whole
artifact), else the first; every other one is reported, even when it comes first, with a
secondary label at the one kept.";
    const VARS: &'static [(&'static str, &'static str)] =
        &[("first", "the file of the occurrence kept")];

    type Compiled = UniqueCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<UniqueCheck> {
        Ok(UniqueCheck {
            field: self.field.compile(&at.arg("field"))?,
            scope: self.scope,
            prefer: self.prefer.compile(cx, &at.arg("prefer"))?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct UniqueCheck {
    field: FieldPath,
    scope: UniqueScope,
    prefer: Vec<Cond>,
}

impl UniqueCheck {
    /// Does `a` satisfy `prefer` (when there is one)?
    fn preferred(&self, a: &Artifact, env: &Env<'_>) -> bool {
        let s = Subject {
            artifact: a,
            pointer: Pointer::root(),
            value: &a.value,
        };
        !self.prefer.is_empty() && self.prefer.iter().all(|c| holds(c, &s, &a.value, env))
    }
}

impl Check for UniqueCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let mut local: HashMap<String, Pointer> = HashMap::new();
        let mut out = Vec::new();
        for h in self.field.select(s.value, &s.pointer) {
            let Some(v) = h.value else { continue };
            let key = display(Some(v));
            let kept = match self.scope {
                UniqueScope::Artifact => local
                    .get(&key)
                    .map(|p| (s.artifact, p.clone()))
                    .or_else(|| {
                        local.insert(key.clone(), h.pointer.clone());
                        None
                    }),
                UniqueScope::Repository => seen((&key, &h.pointer), false),
            };
            let Some((other, at)) = kept else { continue };
            let entity = format!("{key}#dup");
            if self.scope == UniqueScope::Repository
                && self.preferred(s.artifact, env)
                && !self.preferred(other, env)
            {
                // This one keeps the value: the one kept so far is reported, in its own file.
                seen((&key, &h.pointer), true);
                let Some(shared) = env
                    .index
                    .all()
                    .iter()
                    .find(|a| std::ptr::eq(&***a, other))
                else {
                    continue;
                };
                let mut f = Failure::at(at.clone(), other.value.pointer(&at), "duplicate");
                f.elsewhere = Some(shared.clone());
                f.related.push(RelatedPlace {
                    file: s.artifact.file.clone(),
                    span: s.artifact.value_span(&h.pointer),
                    message: "the one kept is defined here".into(),
                });
                f.entity = Some(entity);
                out.push(f.var("first", s.artifact.file.clone()));
                continue;
            }
            let mut f = Failure::at(h.pointer, Some(v), "duplicate");
            f.related.push(RelatedPlace {
                file: other.file.clone(),
                span: other.value_span(&at),
                message: if self.prefer.is_empty() {
                    "first defined here"
                } else {
                    "the one kept is defined here"
                }
                .into(),
            });
            f.entity = Some(entity);
            out.push(f.var("first", other.file.clone()));
        }
        out
    }

    /// Uniqueness across the repository needs every subject.
    fn needs_every_subject(&self) -> bool {
        self.scope == UniqueScope::Repository
    }
}
