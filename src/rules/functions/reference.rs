//! `reference`: each value names an existing artifact (or an item inside one) that satisfies
//! conditions.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::{Conditions, Kinds, Path};
use super::{At, Check, Function, Result};
use crate::pointer::Pointer;
use crate::model::Kind;
use crate::rules::compile::{Cond, Ctx, err};
use crate::rules::eval::{Env, Failure, RelatedPlace, Seen, Subject, holds, resolve};
use crate::rules::path::{FieldPath, display};
use crate::suggest::did_you_mean;

/// Each value (or list item) is the id of an artifact of one of `kinds` — or, with `key`, the key of an item inside one — that satisfies `where`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reference {
    /// The field holding the reference(s).
    field: Path,
    /// The kinds the target may have.
    #[schemars(extend("minItems" = 1))]
    kinds: Kinds,
    /// The target's field the value must equal (default: `id`); with `[]`, an item inside the target, e.g. `entries[].control`.
    #[serde(default)]
    key: Option<Path>,
    /// Conditions on the target (the artifact or item).
    #[serde(default, rename = "where")]
    condition: Conditions,
    /// `report` (default): a value that names nothing is a finding; `ignore`: such values are skipped and only resolved targets are tested against `where`.
    #[serde(default)]
    unresolved: Unresolved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
enum Unresolved {
    #[default]
    Report,
    Ignore,
}

impl Function for Reference {
    const TITLE: &'static str = "the value names an existing artifact (or an item inside one)";
    const EXAMPLE: &'static str = r#"assert:
  # every treating control is an org control
  - reference: { field: "treatment.controls[]", kinds: [control] }
  # ...and the impact assessment named by an AI system is an approved one
  - reference:
      field: impact_assessment
      kinds: [impact-assessment]
      where: [{ field: status, equals: approved }]
  # a control reference names an applicable entry of the Statement of Applicability
  - reference:
      field: "satisfies[]"
      kinds: [statement-of-applicability]
      key: entries[].control
      where: [{ field: applicable, equals: true }]
"#;
    const DOCS: &'static str = "\
Without `key`, the value must be the `id` of an artifact of one of `kinds`. With `key`, it must
equal that field of the target — with `[]`, the target is the list item holding it, and `where`
tests that item. A value that resolves to nothing gets a did-you-mean; one whose target fails
`where` gets a secondary label at the target, in its own file. With `unresolved: ignore`, values
that name nothing are skipped — useful when a list mixes kinds of references, e.g. a control's
`satisfies` holds both clauses and Annex A controls, and only the latter have SoA entries.
String values in `where` may interpolate the rule's subject: `{ field: ai_system, equals: \"{id}\" }`.";
    const VARS: &'static [(&'static str, &'static str)] =
        &[("suggestion", "the nearest existing value, if any")];

    type Compiled = ReferenceCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<ReferenceCheck> {
        if self.kinds.0.is_empty() {
            return err(at.arg("kinds"), "`reference` needs at least one kind");
        }
        Ok(ReferenceCheck {
            field: self.field.compile(&at.arg("field"))?,
            kinds: self.kinds.compile(&at.arg("kinds"))?,
            key: self
                .key
                .map(|k| k.compile(&at.arg("key")))
                .transpose()?,
            condition: self.condition.compile(cx, &at.arg("where"))?,
            ignore_unresolved: self.unresolved == Unresolved::Ignore,
        })
    }
}

#[derive(Debug)]
pub(crate) struct ReferenceCheck {
    field: FieldPath,
    kinds: Vec<Kind>,
    key: Option<FieldPath>,
    condition: Vec<Cond>,
    ignore_unresolved: bool,
}

impl Check for ReferenceCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let hits: Vec<_> = self
            .field
            .select(s.value, &s.pointer)
            .into_iter()
            .filter(|h| h.value.is_some())
            .collect();
        if hits.is_empty() {
            return Vec::new();
        }
        // A static, so that `places` finds it by address too.
        static ID_PATH: std::sync::LazyLock<Option<FieldPath>> =
            std::sync::LazyLock::new(|| FieldPath::parse("id").ok());
        let Some(key) = self.key.as_ref().or(ID_PATH.as_ref()) else {
            return Vec::new();
        };
        let targets = env.places(&self.kinds, key);
        let all = env.index.all();
        let kind_names: Vec<&str> = self.kinds.iter().map(|k| k.name()).collect();
        let mut out = Vec::new();
        for h in hits {
            let Some(v) = h.value else { continue };
            // Pointers are built only for findings: most references resolve.
            let values: Vec<(Option<usize>, &Value)> = match v {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (Some(i), x))
                    .collect(),
                other => vec![(None, other)],
            };
            for (index, item) in values {
                let Some(wanted) = item.as_str() else {
                    continue;
                };
                let pointer = || match index {
                    Some(i) => h.pointer.item(i),
                    None => h.pointer.clone(),
                };
                let Some(place) = targets.get(wanted).and_then(|v| v.first()) else {
                    if !self.ignore_unresolved {
                        let suggestion = did_you_mean(wanted, targets.keys().map(String::as_str));
                        let label = match suggestion {
                            Some(sg) => format!(
                                "no {} `{wanted}`; did you mean `{sg}`?",
                                kind_names.join(" or ")
                            ),
                            None => format!("no {} `{wanted}`", kind_names.join(" or ")),
                        };
                        let mut f = Failure::at(pointer(), Some(item), label)
                            .var("suggestion", suggestion.unwrap_or("").to_string());
                        f.entity = Some(format!("ref:{wanted}"));
                        out.push(f);
                    }
                    continue;
                };
                if self.condition.is_empty() {
                    continue;
                }
                let a = &all[place.artifact];
                let t = Subject {
                    artifact: a,
                    pointer: place.holder.clone(),
                    value: a.value.pointer(&place.holder).unwrap_or(&a.value),
                };
                if let Some(failed) = self.condition.iter().find(|c| !holds(c, &t, s.value, env)) {
                    let label = match why_not(failed, &t, s.value) {
                        Some(why) => format!("`{wanted}` does not qualify: {why}"),
                        None => format!("`{wanted}` does not qualify"),
                    };
                    let mut f = Failure::at(pointer(), Some(item), label);
                    f.related.push(RelatedPlace {
                        file: t.artifact.file.clone(),
                        span: t.artifact.value_span(&place.at),
                        message: format!("`{wanted}` is defined here"),
                    });
                    f.entity = Some(format!("ref:{wanted}"));
                    out.push(f);
                }
            }
        }
        out
    }
}

/// Why a field condition does not hold for `t`, in words (`its `system` is `AIS-1`, not
/// `AIS-2``); `None` for other conditions.
fn why_not(c: &Cond, t: &Subject<'_>, outer: &Value) -> Option<String> {
    let (negated, field) = match c {
        Cond::Not(inner) => (true, &**inner),
        other => (false, other),
    };
    let Cond::Field {
        path,
        equals,
        one_of,
        present,
        contains,
        ..
    } = field
    else {
        return None;
    };
    let name = path.text();
    let values: Vec<String> = path
        .select(t.value, &Pointer::root())
        .iter()
        .filter_map(|h| h.value)
        .map(|v| display(Some(v)))
        .collect();
    if negated {
        return (!values.is_empty()).then(|| format!("its `{name}` is `{}`", values.join(", ")));
    }
    let actual = if values.is_empty() {
        "missing".to_string()
    } else {
        format!("`{}`", values.join(", "))
    };
    if let Some(want) = present {
        return Some(if *want {
            format!("it has no `{name}`")
        } else {
            format!("it has `{name}`")
        });
    }
    if let Some(e) = equals {
        let e = display(Some(&resolve(e, outer)));
        return Some(format!("its `{name}` is {actual}, not `{e}`"));
    }
    if let Some(options) = one_of {
        let options: Vec<String> = options
            .iter()
            .map(|o| format!("`{}`", display(Some(&resolve(o, outer)))))
            .collect();
        return Some(format!(
            "its `{name}` is {actual}, not {}",
            options.join(" or ")
        ));
    }
    if let Some(item) = contains {
        let item = display(Some(&resolve(item, outer)));
        return Some(format!("its `{name}` does not list `{item}`"));
    }
    None
}
