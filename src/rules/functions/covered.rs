//! `covered`: records cover every requirement of one framework's catalog — for an audit
//! programme, every clause audited within the cycle. A record covers what it names and what
//! that contains (`9.2` covers `9.2.1` and `9.2.2`), so the check is made at the catalog's
//! finest requirements and reported in the fewest ids.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::{Conditions, Kinds, Path};
use super::{At, Check, Function, Result};
use crate::catalog::Requirement;
use crate::model::Kind;
use crate::rules::compile::{Cond, Ctx};
use crate::rules::eval::{Env, Failure, Seen, Subject, holds, items_of, matching};
use crate::rules::path::FieldPath;

/// Every requirement (of `requirement_type`) of the framework named at `framework` is covered by an artifact of `kinds` that satisfies `where`: named at its `field`, itself or through a requirement that contains it; an artifact that also satisfies `covers_all` covers every one.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Covered {
    /// The subject's field naming the framework, e.g. `id` of a scope's `frameworks[]` item.
    framework: Path,
    /// Which requirements must be covered (default `clause`).
    #[serde(default = "default_requirement_type")]
    requirement_type: String,
    /// The kinds of the records that cover requirements.
    #[schemars(extend("minItems" = 1))]
    kinds: Kinds,
    /// Conditions on each record; string values may interpolate the subject's fields (`"{id}"`).
    #[serde(default, rename = "where")]
    condition: Conditions,
    /// The records' field naming the requirements they cover, framework-qualified (`scope.clauses`).
    field: Path,
    /// Conditions under which a record covers every requirement (e.g. its scope names none).
    #[serde(default)]
    covers_all: Option<Conditions>,
}

fn default_requirement_type() -> String {
    "clause".into()
}

impl Function for Covered {
    const TITLE: &'static str = "records cover every requirement of a framework";
    const EXAMPLE: &'static str = r#"kinds: [scope]
for_each: frameworks[]
assert:
  # every clause audited within three years by an audit of this framework
  - covered:
      framework: id
      kinds: [internal-audit]
      where:
        - { field: scope.frameworks, contains: "{id}" }
        - passes: { fresh: { field: performed_on, max_age: 3y } }
        - passes: { not_future: performed_on }
      field: scope.clauses
      covers_all: [{ field: scope.clauses, present: false }, { field: scope.controls, present: false }]
"#;
    const DOCS: &'static str = "\
For the framework named at `framework` in the subject (one with a catalog; others are not
checked), every requirement of `requirement_type` (default `clause`) must be covered by an
artifact of `kinds` that satisfies `where`: named at its `field` as `framework/id`, itself or
through a requirement that contains it (`iso27001:2022/9` covers 9.1 to 9.3.3). A record that
also satisfies `covers_all` covers every requirement. The check is made at the finest
requirements of the catalog; one finding at the subject names those not covered, a requirement
standing for all it contains when none of them is covered (`7, 9.3`).";
    const VARS: &'static [(&'static str, &'static str)] = &[(
        "missing",
        "the requirements not covered, without the framework (`6.3, 7, 9.3`)",
    )];

    type Compiled = CoveredCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<CoveredCheck> {
        Ok(CoveredCheck {
            framework: self.framework.compile(&at.arg("framework"))?,
            requirement_type: self.requirement_type,
            kinds: self.kinds.compile(&at.arg("kinds"))?,
            condition: self.condition.compile(cx, &at.arg("where"))?,
            field: self.field.compile(&at.arg("field"))?,
            covers_all: self
                .covers_all
                .map(|c| c.compile(cx, &at.arg("covers_all")))
                .transpose()?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct CoveredCheck {
    framework: FieldPath,
    requirement_type: String,
    kinds: Vec<Kind>,
    condition: Vec<Cond>,
    field: FieldPath,
    covers_all: Option<Vec<Cond>>,
}

impl Check for CoveredCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let Some(framework) = self
            .framework
            .select(s.value, &crate::pointer::Pointer::root())
            .into_iter()
            .find_map(|h| h.value.and_then(Value::as_str))
        else {
            return Vec::new();
        };
        let Some(catalog) = env.catalogs.get(framework) else {
            return Vec::new();
        };
        let mut named = BTreeSet::new();
        for record in matching(&self.kinds, &self.condition, Some(s.value), env) {
            let whole = Subject {
                artifact: record,
                pointer: crate::pointer::Pointer::root(),
                value: &record.value,
            };
            if let Some(all) = &self.covers_all
                && all.iter().all(|c| holds(c, &whole, s.value, env))
            {
                return Vec::new();
            }
            let prefix = format!("{framework}/");
            named.extend(
                items_of(&self.field.select(&record.value, &crate::pointer::Pointer::root()))
                    .into_iter()
                    .filter_map(|v| v.as_str()?.strip_prefix(&prefix).map(str::to_string)),
            );
        }
        let tree = Tree {
            requirements: catalog
                .requirements
                .iter()
                .filter(|r| r.kind == self.requirement_type)
                .collect(),
        };
        let mut missing = Vec::new();
        for top in tree.children(None) {
            tree.uncovered(top, &named, &mut missing);
        }
        if missing.is_empty() {
            return Vec::new();
        }
        let list = missing.join(", ");
        let mut f = Failure::at(s.pointer.clone(), Some(s.value), format!("not covered: {list}"))
            .var("missing", list);
        f.missing = false;
        f.entity = Some(format!("covered:{}", s.pointer));
        vec![f]
    }
}

/// The requirements of one type, by their `parent`s (a parent of another type is no parent).
struct Tree<'c> {
    requirements: Vec<&'c Requirement>,
}

impl<'c> Tree<'c> {
    /// The requirements under `parent` (the top-level ones for `None`), in catalog order.
    fn children(&self, parent: Option<&str>) -> Vec<&'c Requirement> {
        let ids: BTreeSet<&str> = self.requirements.iter().map(|r| r.id.as_str()).collect();
        self.requirements
            .iter()
            .copied()
            .filter(|r| {
                let own = r.parent.as_deref().filter(|p| ids.contains(p));
                own == parent
            })
            .collect()
    }

    /// Adds to `missing` what of `r` is not covered — `r` itself when none of it is — unless
    /// `r` or a requirement containing it is named. Returns whether all of `r` was uncovered.
    fn uncovered(&self, r: &Requirement, named: &BTreeSet<String>, missing: &mut Vec<String>) -> bool {
        if named.contains(&r.id) {
            return false;
        }
        let children = self.children(Some(&r.id));
        if children.is_empty() {
            missing.push(r.id.clone());
            return true;
        }
        let mark = missing.len();
        let mut all = true;
        for child in children {
            all &= self.uncovered(child, named, missing);
        }
        if all {
            missing.truncate(mark);
            missing.push(r.id.clone());
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(id: &str, parent: Option<&str>) -> Requirement {
        Requirement {
            id: id.into(),
            kind: "clause".into(),
            title: String::new(),
            parent: parent.map(str::to_string),
            group: None,
            binds: None,
        }
    }

    /// What is not covered, a requirement named for all it contains when none of it is.
    fn missing(named: &[&str]) -> String {
        let catalog = [
            clause("8", None),
            clause("8.1", Some("8")),
            clause("9", None),
            clause("9.1", Some("9")),
            clause("9.2", Some("9")),
            clause("9.2.1", Some("9.2")),
            clause("9.2.2", Some("9.2")),
            clause("9.3", Some("9")),
        ];
        let tree = Tree {
            requirements: catalog.iter().collect(),
        };
        let named = named.iter().map(|n| n.to_string()).collect();
        let mut out = Vec::new();
        for top in tree.children(None) {
            tree.uncovered(top, &named, &mut out);
        }
        out.join(", ")
    }

    #[test]
    fn names_the_fewest_requirements_not_covered() {
        assert_eq!(missing(&[]), "8, 9");
        assert_eq!(missing(&["8", "9"]), "");
        assert_eq!(missing(&["8.1", "9.1"]), "9.2, 9.3");
        assert_eq!(missing(&["8", "9.2.1", "9.3"]), "9.1, 9.2.2");
    }
}
