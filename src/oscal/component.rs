//! The OSCAL component definition: the organisation's controls, policies and procedures as
//! components, each with the requirements it satisfies.

use jiff::civil::Date;
use serde_json::{Value, json};

use super::ids::{Unique, token, uuid};
use super::{metadata, prop};
use crate::catalog::split_reference;
use crate::model::{Artifact, Compliance};

/// One component: its kind of thing in OSCAL, its id and what it satisfies.
struct Part<'a> {
    artifact: &'a Artifact,
    id: &'a str,
    kind: &'static str,
    satisfies: Vec<&'a str>,
}

pub(crate) fn render(model: &Compliance<'_>, today: Date) -> Value {
    let views = model.views();
    let controls = views.controls.iter().map(|c| Part {
        artifact: c.artifact,
        id: c.id,
        kind: "process-procedure",
        satisfies: satisfied(model, c.id, &c.satisfies),
    });
    let documents = views.documents.iter().map(|d| Part {
        artifact: d.artifact,
        id: d.id,
        kind: "policy",
        satisfies: d.satisfies.clone(),
    });
    let mut ids = Unique::default();
    let components: Vec<Value> = controls
        .chain(documents)
        .map(|p| component(&p, &mut ids))
        .collect();
    let organisation = model
        .scope()
        .and_then(|s| s.value.get("organisation"))
        .and_then(Value::as_str)
        .unwrap_or("The organisation");
    let mut definition = json!({
        "uuid": uuid("component-definition"),
        "metadata": metadata(&format!("{organisation}: controls and what they satisfy"), today),
    });
    if !components.is_empty() {
        definition["components"] = Value::Array(components);
    }
    json!({ "component-definition": definition })
}

/// What a control satisfies: its `satisfies`, then the SoA entries that name it in
/// `implemented_by`, without repeats.
fn satisfied<'a>(model: &Compliance<'a>, id: &str, own: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = own.to_vec();
    for (reference, entry) in model.soa_entries() {
        if entry.implemented_by().contains(&id) && !out.contains(&reference) {
            out.push(reference);
        }
    }
    out
}

fn component(p: &Part<'_>, ids: &mut Unique) -> Value {
    let text = |field: &str| {
        p.artifact
            .value
            .get(field)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let title = text("title").unwrap_or(p.id);
    let description = text("description").unwrap_or(title);
    let mut c = json!({
        "uuid": ids.uuid(&format!("component/{}", p.id)),
        "type": p.kind,
        "title": title,
        "description": description,
    });
    let props: Vec<Value> = [
        prop("id", p.id),
        prop("kind", p.artifact.kind.name()),
        text("owner").and_then(|o| prop("owner", o)),
        text("status").and_then(|s| prop("status", s)),
        prop("file", &p.artifact.file),
    ]
    .into_iter()
    .flatten()
    .collect();
    c["props"] = Value::Array(props);
    // One control implementation per framework, in the order first named.
    let mut frameworks: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in &p.satisfies {
        let Some((framework, requirement)) = split_reference(r) else {
            continue;
        };
        match frameworks.iter_mut().find(|(f, _)| *f == framework) {
            Some((_, list)) => list.push(requirement),
            None => frameworks.push((framework, vec![requirement])),
        }
    }
    let implementations: Vec<Value> = frameworks
        .iter()
        .map(|(framework, requirements)| {
            let requirements: Vec<Value> = requirements
                .iter()
                .map(|r| {
                    json!({
                        "uuid": ids.uuid(&format!("requirement/{}/{framework}/{r}", p.id)),
                        "control-id": token(r),
                        "description": format!("`{}` addresses {framework} {r}.", p.id),
                        "props": prop("requirement", &format!("{framework}/{r}"))
                            .into_iter()
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "uuid": ids.uuid(&format!("implementation/{}/{framework}", p.id)),
                "source": format!("urn:annexa:catalog:{framework}"),
                "description": format!("What `{}` satisfies of {framework}.", p.id),
                "implemented-requirements": requirements,
            })
        })
        .collect();
    if !implementations.is_empty() {
        c["control-implementations"] = Value::Array(implementations);
    }
    c
}
