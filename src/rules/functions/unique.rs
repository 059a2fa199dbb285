//! `unique`: no two values alike, across the repository or within one artifact.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::args::Path;
use super::{At, Check, Function, Result};
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, RelatedPlace, Seen, Subject};
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
"#;
    const DOCS: &'static str = "\
The second and later occurrences are reported, each with a secondary label at the first.";
    const VARS: &'static [(&'static str, &'static str)] =
        &[("first", "the file of the first occurrence")];

    type Compiled = UniqueCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<UniqueCheck> {
        Ok(UniqueCheck {
            field: self.field.compile(&at.arg("field"))?,
            scope: self.scope,
        })
    }
}

#[derive(Debug)]
pub(crate) struct UniqueCheck {
    field: FieldPath,
    scope: UniqueScope,
}

impl Check for UniqueCheck {
    fn eval<'a>(&self, s: &Subject<'a>, _env: &Env<'a>, seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let mut local: HashMap<String, String> = HashMap::new();
        let mut out = Vec::new();
        for h in self.field.select(s.value, &s.pointer) {
            let Some(v) = h.value else { continue };
            let key = display(Some(v));
            let first = match self.scope {
                UniqueScope::Artifact => local
                    .get(&key)
                    .map(|p| (s.artifact, p.clone()))
                    .or_else(|| {
                        local.insert(key.clone(), h.pointer.clone());
                        None
                    }),
                UniqueScope::Repository => seen((&key, &h.pointer)),
            };
            if let Some((a, p)) = first {
                let mut f = Failure::at(h.pointer, Some(v), "duplicate");
                f.related.push(RelatedPlace {
                    file: a.file.clone(),
                    span: a.value_span(&p),
                    message: "first defined here".into(),
                });
                f.entity = Some(format!("{key}#dup"));
                out.push(f.var("first", a.file.clone()));
            }
        }
        out
    }

    /// Uniqueness across the repository needs every subject.
    fn needs_every_subject(&self) -> bool {
        self.scope == UniqueScope::Repository
    }
}
