//! The validate stage: every artifact against its kind's JSON Schema (Draft 2020-12).
//!
//! Schemas are embedded, compiled once, and resolve `$ref`s only among themselves — nothing
//! is ever fetched. Each error's instance path is mapped back to the node's span:
//! a missing required field labels the mapping that lacks it, an unknown field labels that
//! key, and a wrong type, value, pattern or format labels the value. The property's
//! `description` in the schema becomes the help text, so users see what to write.

use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Registry, Resource, ValidationError, Validator};
use serde_json::Value;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Artifact, DocView, Kind};
use crate::parse::type_name;
use crate::pointer::Pointer;
use crate::source::Span;
use crate::suggest::{did_you_mean, scalar_edit};

/// The `$id` prefix of every annexa schema.
pub(crate) const SCHEMA_BASE: &str = "https://annexa.dev/schemas/v1/";

/// Schemas that other schemas reference but that validate no kind themselves.
const SHARED_SCHEMAS: &[(&str, &str)] = &[(
    "common.schema.json",
    include_str!("../schemas/common.schema.json"),
)];

/// The source of a shared schema (`common.schema.json`), by file name.
pub(crate) fn shared_schema(name: &str) -> Option<&'static str> {
    SHARED_SCHEMAS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, source)| *source)
}

/// A compiled schema with its source (for descriptions and property names in messages).
pub(crate) struct Compiled {
    schema: Value,
    validator: Validator,
}

/// What is being validated: a located document, a name for messages and the entity for
/// fingerprints.
pub(crate) struct Target<'a> {
    pub view: DocView<'a>,
    /// `control `CTL-1``: how messages name the document.
    pub name: String,
    pub id: Option<String>,
    pub document: usize,
}

/// Every kind's compiled schema, or the reason compiling failed.
fn compiled() -> &'static Result<HashMap<Kind, Compiled>, String> {
    static COMPILED: OnceLock<Result<HashMap<Kind, Compiled>, String>> = OnceLock::new();
    COMPILED.get_or_init(compile_all)
}

fn compile_all() -> Result<HashMap<Kind, Compiled>, String> {
    let mut out = HashMap::new();
    for kind in Kind::ALL {
        let name = format!("schemas/{}.schema.json", kind.name());
        out.insert(kind, compile(&name, kind.schema_source())?);
    }
    Ok(out)
}

/// Compile one embedded schema; `$ref`s resolve among annexa's own schemas only.
pub(crate) fn compile(name: &str, src: &str) -> Result<Compiled, String> {
    let mut registry = Registry::new();
    for (shared, text) in SHARED_SCHEMAS {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("schemas/{shared}: {e}"))?;
        registry = registry
            .add(
                format!("{SCHEMA_BASE}{shared}"),
                Resource::from_contents(value),
            )
            .map_err(|e| format!("schemas/{shared}: {e}"))?;
    }
    let registry = registry
        .prepare()
        .map_err(|e| format!("schema registry: {e}"))?;
    let schema: Value = serde_json::from_str(src).map_err(|e| format!("{name}: {e}"))?;
    let validator = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&schema)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(Compiled { schema, validator })
}

/// Every property name declared anywhere in the schemas of `kinds` (every kind when empty)
/// and in the shared schemas: what a field path in a rule's message template may name.
pub(crate) fn property_names(kinds: &[Kind]) -> std::collections::BTreeSet<String> {
    type Names = std::collections::BTreeSet<String>;
    fn walk(v: &Value, out: &mut Names) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    out.extend(props.keys().cloned());
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    fn names_of(src: &str) -> Names {
        let mut out = Names::new();
        if let Ok(v) = serde_json::from_str::<Value>(src) {
            walk(&v, &mut out);
        }
        out
    }
    // Every rule asks when it is compiled: each schema is read once, not once per rule.
    static PER_KIND: OnceLock<(HashMap<Kind, Names>, Names)> = OnceLock::new();
    let (per_kind, shared) = PER_KIND.get_or_init(|| {
        let per_kind = Kind::ALL
            .iter()
            .map(|k| (*k, names_of(k.schema_source())))
            .collect();
        let shared = SHARED_SCHEMAS
            .iter()
            .flat_map(|(_, s)| names_of(s))
            .collect();
        (per_kind, shared)
    });
    let all: &[Kind] = if kinds.is_empty() { &Kind::ALL } else { kinds };
    let mut out = shared.clone();
    for k in all {
        out.extend(per_kind.get(k).into_iter().flatten().cloned());
    }
    out
}

/// Compile every schema now (so a defect shows up before any file is read).
#[cfg(test)]
pub(crate) fn check_schemas() -> Result<(), String> {
    compiled().as_ref().map(|_| ()).map_err(Clone::clone)
}

/// Validate one artifact; one diagnostic per problem, at the offending node.
pub(crate) fn validate(artifact: &Artifact) -> Vec<Diagnostic> {
    let compiled = match compiled() {
        Ok(c) => c,
        Err(e) => {
            return vec![
                Diagnostic::error(
                    codes::INT001,
                    format!("annexa's schemas failed to compile: {e}"),
                )
                .at(artifact.file.clone(), artifact.span),
            ];
        }
    };
    let Some(c) = compiled.get(&artifact.kind) else {
        return Vec::new();
    };
    let target = Target {
        view: artifact.view(),
        name: artifact.describe(),
        id: artifact.id.clone(),
        document: artifact.document,
    };
    validate_with(c, &target)
}

/// Validate any located document against a compiled schema.
pub(crate) fn validate_with(c: &Compiled, target: &Target<'_>) -> Vec<Diagnostic> {
    c.validator
        .iter_errors(target.view.value)
        .flat_map(|e| map_error(&e, target, &c.schema))
        .collect()
}

/// `/entries/3/justification` → `entries[3].justification`; the root → `the artifact`.
pub(crate) fn field_name(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the artifact".into();
    }
    let mut s = String::new();
    for token in pointer.split('/').skip(1) {
        let token = crate::pointer::unescape(token);
        if token.chars().all(|c| c.is_ascii_digit()) && !token.is_empty() {
            s.push_str(&format!("[{token}]"));
        } else {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(&token);
        }
    }
    s
}

fn map_error(error: &ValidationError<'_>, a: &Target<'_>, schema: &Value) -> Vec<Diagnostic> {
    let pointer = &Pointer::from(error.instance_path().as_str());
    // The evaluation path runs through `$ref`s as written in the kind's schema, so the
    // property's own description and its sibling properties can be found there.
    let schema_path = error.evaluation_path().as_str();
    let field = field_name(pointer);
    let at = |code: &str, message: String, span, label: &str, field_pointer: &str| {
        Diagnostic::error(code, message)
            .at(a.view.file, span)
            .with_label(label.to_string())
            .with_entity(
                a.id.clone(),
                Some(format!("{field_pointer}@{}", a.document)),
            )
    };
    let instance = error.instance();
    // Any other constraint (SCH005), at the value.
    let constraint = |kind: &ValidationErrorKind| {
        let (message, label) = constraint_message(kind, &field, instance);
        let d = at(
            codes::SCH005,
            message,
            a.view.value_span(pointer),
            &label,
            pointer,
        );
        vec![with_description(d, schema, schema_path)]
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let parent = crate::pointer::parent(schema_path);
            let mut d = at(
                codes::SCH001,
                format!(
                    "{} is missing required field `{property}`",
                    owner_name(a, pointer)
                ),
                a.view.anchor(pointer),
                &format!("`{property}` is required here"),
                &pointer.child(property),
            );
            if let Some(desc) = description(schema, &format!("{parent}/properties/{property}")) {
                d = d.with_help(format!("`{property}`: {desc}"));
            }
            vec![d]
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let known = known_properties(schema, crate::pointer::parent(schema_path));
            unexpected
                .iter()
                .map(|key| {
                    let p = pointer.child(key);
                    let mut d = at(
                        codes::SCH002,
                        format!("unknown field `{key}` in {}", owner_name(a, pointer)),
                        a.view.key_span(&p),
                        "unknown field",
                        &p,
                    );
                    if let Some(s) = did_you_mean(key, known.iter().map(String::as_str)) {
                        d.label = Some(format!("did you mean `{s}`?"));
                        d = with_replacement(d, a.view.key_span(&p), key, s);
                    }
                    if !known.is_empty() {
                        d = d.with_help(format!("known fields here: {}", known.join(", ")));
                    }
                    d
                })
                .collect()
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => article(&t.to_string()),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| article(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let d = at(
                codes::SCH003,
                format!(
                    "`{field}` must be {expected}, found {}",
                    type_name(instance)
                ),
                a.view.value_span(pointer),
                &format!("expected {expected}"),
                pointer,
            );
            vec![with_description(d, schema, schema_path)]
        }
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|v| v.iter().map(display_value).collect())
                .unwrap_or_default();
            let found = display_value(instance);
            let near = instance.as_str().and_then(|v| {
                did_you_mean(
                    v,
                    options
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str),
                )
            });
            let label = match near {
                Some(s) => format!("did you mean `{s}`?"),
                None => "not an allowed value".to_string(),
            };
            let span = a.view.value_span(pointer);
            let d = at(
                codes::SCH004,
                format!(
                    "`{field}` must be one of {}, found {found}",
                    opts.join(", ")
                ),
                span,
                &label,
                pointer,
            );
            vec![match (near, instance.as_str()) {
                (Some(s), Some(written)) => with_replacement(d, span, written, s),
                _ => d,
            }]
        }
        ValidationErrorKind::Constant { expected_value } => vec![at(
            codes::SCH004,
            format!(
                "`{field}` must be {}, found {}",
                display_value(expected_value),
                display_value(instance)
            ),
            a.view.value_span(pointer),
            "not the expected value",
            pointer,
        )],
        ValidationErrorKind::Pattern { .. } => {
            let d = at(
                codes::SCH004,
                format!(
                    "`{field}` has an invalid format: {}",
                    display_value(instance)
                ),
                a.view.value_span(pointer),
                "invalid format",
                pointer,
            );
            vec![with_description(d, schema, schema_path)]
        }
        ValidationErrorKind::Format { format } => {
            let what = match format.as_str() {
                "date" => "a valid date (YYYY-MM-DD)".to_string(),
                "uri" => "a valid URI".to_string(),
                f => format!("a valid `{f}`"),
            };
            vec![at(
                codes::SCH004,
                format!(
                    "`{field}` must be {what}, found {}",
                    display_value(instance)
                ),
                a.view.value_span(pointer),
                &format!("not {what}"),
                pointer,
            )]
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            match best_branch(context, pointer) {
                // The branch meant for this kind of value: its own, precise errors.
                Some(errors) => errors
                    .iter()
                    .flat_map(|e| map_error(e, a, schema))
                    .collect(),
                None => constraint(error.kind()),
            }
        }
        other => constraint(other),
    }
}

/// Attach the near miss `s` of the scalar `written` at `span` as a single edit, when one is
/// certain ([`scalar_edit`]).
fn with_replacement(d: Diagnostic, span: Span, written: &str, s: &str) -> Diagnostic {
    match scalar_edit(span, written, s) {
        Some((span, fix)) => d.with_suggestion(span, fix),
        None => d,
    }
}

/// Of the branches of a failed `oneOf`/`anyOf`, the one written for this type of value: a
/// branch whose errors include a type mismatch at the value itself is for another type. The
/// remaining branch with the fewest errors is the one the author meant.
fn best_branch<'e>(
    context: &'e [Vec<ValidationError<'static>>],
    pointer: &str,
) -> Option<&'e Vec<ValidationError<'static>>> {
    context
        .iter()
        .filter(|errors| {
            !errors.iter().any(|e| {
                e.instance_path().as_str() == pointer
                    && matches!(
                        e.kind(),
                        ValidationErrorKind::Type { .. } | ValidationErrorKind::Required { .. }
                    )
            })
        })
        .filter(|errors| !errors.is_empty())
        .min_by_key(|errors| errors.len())
}

fn constraint_message(
    kind: &ValidationErrorKind,
    field: &str,
    instance: &Value,
) -> (String, String) {
    let found = display_value(instance);
    match kind {
        ValidationErrorKind::Minimum { limit } => (
            format!("`{field}` must be at least {limit}, found {found}"),
            format!("below the minimum of {limit}"),
        ),
        ValidationErrorKind::Maximum { limit } => (
            format!("`{field}` must be at most {limit}, found {found}"),
            format!("above the maximum of {limit}"),
        ),
        ValidationErrorKind::ExclusiveMinimum { limit } => (
            format!("`{field}` must be greater than {limit}, found {found}"),
            "too small".into(),
        ),
        ValidationErrorKind::ExclusiveMaximum { limit } => (
            format!("`{field}` must be less than {limit}, found {found}"),
            "too large".into(),
        ),
        ValidationErrorKind::MinLength { limit } => (
            format!("`{field}` must have at least {limit} character(s)"),
            "too short".into(),
        ),
        ValidationErrorKind::MaxLength { limit } => (
            format!("`{field}` must have at most {limit} characters"),
            "too long".into(),
        ),
        ValidationErrorKind::MinItems { limit } => (
            format!("`{field}` must have at least {limit} item(s)"),
            "too few items".into(),
        ),
        ValidationErrorKind::MaxItems { limit } => (
            format!("`{field}` must have at most {limit} items"),
            "too many items".into(),
        ),
        ValidationErrorKind::UniqueItems => (
            format!("`{field}` must not repeat items"),
            "repeated item".into(),
        ),
        ValidationErrorKind::MinProperties { limit } => (
            format!("`{field}` must have at least {limit} field(s)"),
            "too few fields".into(),
        ),
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => (
            format!("`{field}` matches none of the allowed forms"),
            "not an allowed form".into(),
        ),
        ValidationErrorKind::OneOfMultipleValid { .. } => (
            format!("`{field}` is ambiguous: it matches more than one allowed form"),
            "ambiguous".into(),
        ),
        ValidationErrorKind::Not { .. } => (
            format!("`{field}` has a form that is not allowed here"),
            "not allowed".into(),
        ),
        ValidationErrorKind::FalseSchema => (
            format!("`{field}` is not allowed here"),
            "not allowed".into(),
        ),
        other => (
            format!("`{field}` violates a schema constraint ({other:?})"),
            "here".into(),
        ),
    }
}

/// `control `CTL-1`` for the root, `entries[3] of statement-of-applicability `SOA`` inside.
fn owner_name(a: &Target<'_>, pointer: &str) -> String {
    if pointer.is_empty() {
        a.name.clone()
    } else {
        format!("`{}` of {}", field_name(pointer), a.name)
    }
}

/// The node an evaluation path leads to in `schema`, through the schema's own definitions
/// (`$ref: "#/$defs/…"`, as the rule schema's); a reference to another schema ends the way
/// (`common.schema.json#/…`: what the kinds' schemas refer to is described where they do).
fn resolve<'s>(schema: &'s Value, schema_pointer: &str) -> Option<&'s Value> {
    let mut node = schema;
    for token in schema_pointer.split('/').skip(1) {
        node = match token {
            "$ref" => schema.pointer(node.get("$ref")?.as_str()?.strip_prefix('#')?)?,
            key => {
                let key = crate::pointer::unescape(key);
                match node {
                    Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
                    _ => node.get(key.as_ref())?,
                }
            }
        };
    }
    Some(node)
}

/// The `description` at `schema_pointer` in the kind's schema.
fn description<'s>(schema: &'s Value, schema_pointer: &str) -> Option<&'s str> {
    resolve(schema, schema_pointer)?
        .get("description")
        .and_then(Value::as_str)
}

/// Help from the schema: the `description` of the property that failed. When the check
/// came from a shared definition (`$ref`) or a branch of `oneOf`/`anyOf`/`allOf`, the property
/// that holds it is described in the kind's own schema.
fn with_description(d: Diagnostic, schema: &Value, schema_path: &str) -> Diagnostic {
    let mut property = match schema_path.find("/$ref") {
        Some(i) => &schema_path[..i],
        None => crate::pointer::parent(schema_path),
    };
    // A branch of `oneOf`/`anyOf`/`allOf` is described by the property that holds them.
    while let Some((rest, index)) = property.rsplit_once('/')
        && index.parse::<usize>().is_ok()
        && let Some(holder) = ["/oneOf", "/anyOf", "/allOf"]
            .iter()
            .find_map(|k| rest.strip_suffix(k))
    {
        property = holder;
    }
    match description(schema, property) {
        Some(desc) => d.with_help(desc.to_string()),
        None => d,
    }
}

fn known_properties(schema: &Value, schema_pointer: &str) -> Vec<String> {
    resolve(schema, schema_pointer)
        .and_then(|node| node.get("properties"))
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn article(t: &str) -> String {
    match t {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "an integer".into(),
        "null" => "null".into(),
        "boolean" => "a boolean".into(),
        other => format!("a {other}"),
    }
}

fn display_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
        other => format!("`{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_read_naturally() {
        assert_eq!(field_name(""), "the artifact");
        assert_eq!(field_name("/owner"), "owner");
        assert_eq!(
            field_name("/entries/3/justification"),
            "entries[3].justification"
        );
        assert_eq!(field_name("/a~1b"), "a/b");
    }

    #[test]
    fn every_schema_compiles() {
        check_schemas().unwrap();
    }
}
