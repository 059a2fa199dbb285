//! Message templates: `{field.path}` is replaced by the value at that path (relative to the
//! item or artifact the rule is looking at), plus a few names the engine provides
//! (`{value}`, `{today}`, `{artifact.id}`, `{artifact.kind}`, and per-function ones such as
//! `{missing}` or `{limit}`). Every name is checked when the rule file loads ([`names`],
//! checked in `compile`): a name that is neither a field of the rule's kinds, a parameter nor
//! one of [`provided`] is a `RULE001`. A name may end with a filter, `{control|framework}`
//! ([`FILTERS`]). `{{` and `}}` print braces.

use serde_json::Value;

use super::path::{FieldPath, display};

/// Names known besides field paths.
pub(crate) type Vars<'a> = &'a [(&'a str, String)];

/// The names annexa provides to every template: the subject's value and artifact and today's
/// date. Each function adds its own (`functions::Entry::vars`): see [`provided`].
pub(crate) const PROVIDED: &[&str] = &[
    "value",
    "today",
    "artifact.id",
    "artifact.kind",
    "artifact.file",
];

/// Every name a template may use besides fields and parameters: [`PROVIDED`] and the names
/// the functions attach to their findings (`{days}`, `{missing}`…).
pub(crate) fn provided() -> impl Iterator<Item = &'static str> {
    PROVIDED.iter().copied().chain(
        super::functions::FUNCTIONS
            .iter()
            .flat_map(|f| f.vars.iter().map(|(name, _)| *name)),
    )
}

/// The filters a name may end with: `{control|framework}` is the framework of the requirement
/// reference at `control` (`iso27001:2022` for `iso27001:2022/A.8.8`).
pub(crate) const FILTERS: &[&str] = &["framework"];

/// A name and its filter, if any: `control|framework` → (`control`, `Some("framework")`).
pub(crate) fn split_filter(name: &str) -> (&str, Option<&str>) {
    match name.split_once('|') {
        Some((name, filter)) => (name.trim(), Some(filter.trim())),
        None => (name, None),
    }
}

/// A filter applied to one value as displayed.
fn filtered(filter: Option<&str>, text: String) -> String {
    match filter {
        Some("framework") => crate::catalog::split_reference(&text)
            .map_or(text.clone(), |(framework, _)| framework.to_string()),
        _ => text,
    }
}

/// The names a template interpolates, in order (`{{`/`}}` escapes skipped).
pub(crate) fn names(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        if let Some(after) = tail.strip_prefix('}') {
            rest = after;
            continue;
        }
        match tail.find('}') {
            Some(end) => {
                out.push(tail[1..end].trim());
                rest = &tail[end + 1..];
            }
            None => break,
        }
    }
    out
}

pub(crate) fn render(template: &str, context: &Value, vars: Vars<'_>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let Some(after) = tail.strip_prefix('}') {
            out.push('}');
            rest = after;
            continue;
        }
        match tail.find('}') {
            Some(end) => {
                let name = tail[1..end].trim();
                out.push_str(
                    &lookup(name, context, vars).unwrap_or_else(|| tail[..=end].to_string()),
                );
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn lookup(name: &str, context: &Value, vars: Vars<'_>) -> Option<String> {
    let (name, filter) = split_filter(name);
    if filter.is_some_and(|f| !FILTERS.contains(&f)) {
        return None;
    }
    if let Some((_, v)) = vars.iter().find(|(k, _)| *k == name) {
        return Some(filtered(filter, v.clone()));
    }
    let path = FieldPath::parse(name).ok()?;
    let hits = path.select(context, &crate::pointer::Pointer::root());
    let values: Vec<&Value> = hits.iter().filter_map(|h| h.value).collect();
    if values.is_empty() {
        return Some(display(None));
    }
    Some(
        values
            .iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![*other],
            })
            .map(|v| filtered(filter, display(Some(v))))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn interpolates_fields_and_vars() {
        let ctx =
            json!({"id": "EV-1", "collected_on": "2026-01-01", "tags": ["a", "b"], "o": {"p": 3}});
        let vars = [("value", "x".to_string())];
        assert_eq!(
            render(
                "`{id}` on {collected_on} {o.p} [{tags}] {value} {missing} {{lit}}",
                &ctx,
                &vars
            ),
            "`EV-1` on 2026-01-01 3 [a, b] x (none) {lit}"
        );
        assert_eq!(render("{not a path}", &ctx, &[]), "{not a path}");
        let refs = json!({"control": "iso27001:2022/A.8.8", "list": ["iso42001:2023/A.7.5", "x"]});
        assert_eq!(
            render(
                "{control|framework} {list | framework} {control|nope}",
                &refs,
                &[]
            ),
            "iso27001:2022 iso42001:2023, x {control|nope}"
        );
        assert_eq!(render("unclosed {id", &ctx, &[]), "unclosed {id");
    }

    #[test]
    fn names_skip_escapes() {
        assert_eq!(
            names("`{id}` {{lit}} {o.p} {value}"),
            ["id", "o.p", "value"]
        );
        assert!(names("no names }} here").is_empty());
    }
}
