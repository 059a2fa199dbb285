//! The committed files generated from the registry: the assertion part of
//! `schemas/rules.schema.json` (`$defs/assertion`, and the definitions the functions' argument
//! types declare, such as `refby`) and the function reference of `docs/rules.md` (between
//! `<!-- functions:start -->` and `<!-- functions:end -->`). A test fails when the committed
//! files differ; `ANNEXA_UPDATE_GENERATED=1 cargo test --lib generated` rewrites them.
//!
//! The rest of the rule schema (rules, conditions, examples, basis, the shared `path`,
//! `duration`, `kinds` and `conditions`) is written by hand, and left as it is.

use std::path::{Path, PathBuf};

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::FUNCTIONS;

const SCHEMA: &str = "schemas/rules.schema.json";
const DOCS: &str = "docs/rules.md";
const START: &str = "<!-- functions:start -->";
const END: &str = "<!-- functions:end -->";

/// The generated definitions of the rule schema, by name: `assertion` first.
fn definitions() -> Vec<(String, Value)> {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let mut properties = Map::new();
    for f in FUNCTIONS {
        let schema = (f.doc.schema)(&mut generator);
        properties.insert(f.name.to_string(), tidy(schema.to_value()));
    }
    let assertion = json!({
        "description": "One assertion: an object with exactly one function.",
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": false,
        "properties": properties,
    });
    let mut out = vec![("assertion".to_string(), assertion)];
    out.extend(
        generator
            .take_definitions(true)
            .into_iter()
            .map(|(name, schema)| (name, tidy(schema))),
    );
    out
}

/// A schema as annexa writes them: `description` first; no `null` (an optional argument is
/// one that may be left out), no `default` or `format` annotations, no `items: true`, no
/// `type` beside an `enum` (a wrong value is one finding, not two).
fn tidy(value: Value) -> Value {
    let map = match value {
        Value::Object(map) => map,
        Value::Array(items) => return Value::Array(items.into_iter().map(tidy).collect()),
        other => return other,
    };
    let mut out = Map::new();
    if let Some(d) = map.get("description") {
        out.insert("description".into(), d.clone());
    }
    // An `anyOf` left with one branch once `null` is gone is that branch.
    let mut only_branch = None;
    for (key, v) in map {
        match (key.as_str(), v) {
            ("description" | "default" | "format", _) | ("items", Value::Bool(true)) => {}
            ("properties" | "$defs", Value::Object(named)) => {
                let named: Map<String, Value> =
                    named.into_iter().map(|(k, v)| (k, tidy(v))).collect();
                out.insert(key, Value::Object(named));
            }
            ("type", Value::Array(types)) => {
                let mut types: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
                let v = match types.len() {
                    1 => types.remove(0),
                    _ => Value::Array(types),
                };
                out.insert(key, v);
            }
            ("anyOf" | "oneOf", Value::Array(branches)) => {
                let mut branches: Vec<Value> = branches
                    .into_iter()
                    .filter(|b| *b != json!({ "type": "null" }))
                    .map(tidy)
                    .collect();
                if branches.len() == 1 {
                    only_branch = Some(branches.remove(0));
                } else {
                    out.insert(key, Value::Array(branches));
                }
            }
            (_, v) => {
                out.insert(key, tidy(v));
            }
        }
    }
    if let Some(Value::Object(branch)) = only_branch {
        for (key, v) in branch {
            out.entry(key).or_insert(v);
        }
    }
    if out.contains_key("enum") {
        out.remove("type");
    }
    Value::Object(out)
}

/// `text` with the definition `name` of its `$defs` (a key indented by four spaces) replaced
/// by `value`, or added after `assertion` when it is not there yet.
fn splice(text: &str, name: &str, value: &Value) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    let entry = format!("    \"{name}\": {}", pretty.replace('\n', "\n    "));
    let key = |name: &str| format!("\n    \"{name}\": ");
    match text.find(&key(name)) {
        Some(at) => {
            let start = at + 1;
            let end = text[start..]
                .find("\n    }")
                .map_or(text.len(), |i| start + i + "\n    }".len());
            format!("{}{entry}{}", &text[..start], &text[end..])
        }
        None => {
            let after = text
                .find(&key("assertion"))
                .and_then(|at| text[at + 1..].find("\n    }").map(|i| at + 1 + i + 6))
                .unwrap_or(text.len());
            format!("{},\n{entry}{}", &text[..after], &text[after..])
        }
    }
}

/// The rule schema with its generated definitions.
fn schema(committed: &str) -> String {
    definitions()
        .iter()
        .fold(committed.to_string(), |text, (name, value)| {
            splice(&text, name, value)
        })
}

/// The function reference: one section per function, in the registry's order.
fn reference() -> String {
    let mut out = String::from("\n");
    for f in FUNCTIONS {
        let d = &f.doc;
        out.push_str(&format!(
            "### `{}` — {}\n\n```yaml\n{}```\n\n{}\n",
            f.name, d.title, d.example, d.text
        ));
        match f.vars {
            [] => {}
            [(name, what)] => out.push_str(&format!("\nTemplate name: `{{{name}}}` ({what}).\n")),
            vars => {
                let names: Vec<String> = vars
                    .iter()
                    .map(|(name, what)| format!("`{{{name}}}` ({what})"))
                    .collect();
                out.push_str(&format!("\nTemplate names: {}.\n", names.join(", ")));
            }
        }
        out.push('\n');
    }
    out
}

/// `docs/rules.md` with the generated reference between the markers.
fn docs(committed: &str) -> Option<String> {
    let start = committed.find(START)? + START.len();
    let end = committed.find(END)?;
    Some(format!(
        "{}{}{}",
        &committed[..start],
        reference(),
        &committed[end..]
    ))
}

fn project(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(file)
}

mod tests {
    use super::*;
    use crate::rules::compile::{self, Params};
    use crate::rules::format::RuleDef;
    use crate::yaml::{self, Limits};

    #[test]
    fn generated_files_are_committed() {
        let update = std::env::var_os("ANNEXA_UPDATE_GENERATED").is_some();
        let mut stale = Vec::new();
        let docs_text = std::fs::read_to_string(project(DOCS)).unwrap();
        let generated_docs = docs(&docs_text).expect("docs/rules.md has the functions markers");
        let schema_text = std::fs::read_to_string(project(SCHEMA)).unwrap();
        let generated_schema = schema(&schema_text);
        for (file, committed, generated) in [
            (DOCS, docs_text, generated_docs),
            (SCHEMA, schema_text, generated_schema),
        ] {
            if committed == generated {
                continue;
            }
            if update {
                std::fs::write(project(file), generated).unwrap();
            } else {
                stale.push(file);
            }
        }
        assert!(
            stale.is_empty(),
            "{} differ from the functions' definitions; run `ANNEXA_UPDATE_GENERATED=1 cargo test --lib generated`",
            stale.join(" and ")
        );
    }

    #[test]
    fn generated_schema_refers_only_to_its_own_definitions() {
        let text = schema(&std::fs::read_to_string(project(SCHEMA)).unwrap());
        let value: Value = serde_json::from_str(&text).unwrap();
        fn refs(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(r)) = map.get("$ref") {
                        out.push(r.clone());
                    }
                    map.values().for_each(|v| refs(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&value, &mut found);
        for r in found {
            let pointer = r.strip_prefix('#').expect("local references only");
            assert!(value.pointer(pointer).is_some(), "`{r}` names nothing");
        }
        crate::validate::compile(SCHEMA, &text).unwrap();
    }

    /// Every example of the reference compiles, as the rule it sketches, and uses its function.
    #[test]
    fn every_example_compiles() {
        for f in FUNCTIONS {
            let loaded = yaml::load(f.doc.example, &Limits::default());
            assert!(loaded.errors.is_empty(), "{}: {:?}", f.name, loaded.errors);
            let mut used = false;
            for doc in &loaded.documents {
                let mut rule = json!({
                    "code": "X1", "title": "t", "severity": "error", "message": "m", "docs": "d",
                });
                for (key, value) in doc.value.as_object().expect("a mapping") {
                    rule[key] = value.clone();
                }
                let def: RuleDef = serde_json::from_value(rule)
                    .unwrap_or_else(|e| panic!("the example of `{}`: {e}", f.name));
                used |= def.assertions.iter().any(|a| a.function.name == f.name);
                if let Err(e) = compile::compile(def, "example", &Params::new()) {
                    panic!(
                        "the example of `{}`: {} at {}",
                        f.name, e.message, e.pointer
                    );
                }
            }
            assert!(used, "the example of `{}` does not use it", f.name);
        }
    }
}
