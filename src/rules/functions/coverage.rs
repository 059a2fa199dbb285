//! `coverage`: every requirement of the frameworks in scope has an entry (in any artifact of
//! the subject's kind: an SoA in several documents or files is one SoA).

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::Path;
use super::{At, Check, Function, Result};
use crate::pointer::Pointer;
use crate::model::Artifact;
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject};
use crate::rules::path::FieldPath;

/// Every requirement (of `requirement_type`) of every framework in scope appears among the field's values, as `framework/id`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Coverage {
    /// The field holding requirement references, e.g. `entries[].control`.
    field: Path,
    /// Which requirements must be covered (default `control`).
    #[serde(default = "default_requirement_type")]
    requirement_type: String,
}

fn default_requirement_type() -> String {
    "control".into()
}

impl Function for Coverage {
    const TITLE: &'static str = "every requirement in scope has an entry";
    const EXAMPLE: &'static str = r#"kinds: [statement-of-applicability]
assert:
  - coverage: { field: "entries[].control", requirement_type: control }
"#;
    const DOCS: &'static str = "\
For every framework in scope (the `frameworks[].id` of every scope artifact) and every
requirement of that type in its catalog, a value `framework/id` must appear at `field` in some
artifact of the subject's kind: an SoA written as one document, as one document per framework
or across several files is one SoA. One finding per missing requirement, reported once, at the
`field`'s list (`entries:`) of the document that names most requirements of that framework (the
first such document in file order; the first document of the kind when none names any). The
template names let a help line carry a paste-ready stub.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("missing", "the requirement, e.g. `iso42001:2023/A.6.2.8`"),
        ("title", "its title"),
        ("framework", "its framework"),
    ];

    type Compiled = CoverageCheck;

    fn compile(self, _cx: &Ctx<'_>, at: &At) -> Result<CoverageCheck> {
        Ok(CoverageCheck {
            field: self.field.compile(&at.arg("field"))?,
            requirement_type: self.requirement_type,
        })
    }
}

#[derive(Debug)]
pub(crate) struct CoverageCheck {
    field: FieldPath,
    requirement_type: String,
}

impl Check for CoverageCheck {
    /// Each missing requirement is reported once, at the document that names most
    /// requirements of its framework (see [`crate::model::compliance::home`]).
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let field = &self.field;
        let documents: Vec<&Artifact> = env.index.of_kind(s.artifact.kind).collect();
        let named = |a: &Artifact| -> Vec<String> {
            field
                .select(&a.value, &Pointer::root())
                .into_iter()
                .filter_map(|h| h.value.and_then(Value::as_str).map(str::to_string))
                .collect()
        };
        let present: BTreeSet<String> = documents.iter().flat_map(|a| named(a)).collect();
        // Anchor at the list that should hold the entries (its key), or the artifact.
        let list_pointer = field
            .select(s.value, &s.pointer)
            .first()
            .map(|h| Pointer::from(h.pointer.split('/').take(2).collect::<Vec<_>>().join("/")))
            .unwrap_or_default();
        let mut out = Vec::new();
        for framework in env.model.frameworks().iter().map(|f| f.id) {
            let Some(catalog) = env.catalogs.get(framework) else {
                continue;
            };
            let home = crate::model::compliance::home(&documents, framework, |a| {
                field
                    .select(&a.value, &Pointer::root())
                    .into_iter()
                    .filter_map(|h| h.value.and_then(Value::as_str))
                    .collect()
            });
            if !home.is_some_and(|h| std::ptr::eq(h, s.artifact)) {
                continue;
            }
            for r in catalog
                .requirements
                .iter()
                .filter(|r| r.kind == self.requirement_type)
            {
                let reference = format!("{framework}/{}", r.id);
                if present.contains(reference.as_str()) {
                    continue;
                }
                let mut f = Failure::at(
                    list_pointer.clone(),
                    None,
                    format!("no entry for `{reference}`"),
                )
                .var("missing", reference.clone())
                .var("title", r.title.clone())
                .var("framework", framework.to_string());
                f.missing = false;
                f.entity = Some(format!("coverage:{reference}"));
                out.push(f);
            }
        }
        out
    }
}
