//! The OSCAL assessment results: one result for the check, with every evidence record as an
//! observation and every finding as a finding with its own observation.

use serde_json::{Value, json};

use super::ids::{Unique, token, uuid};
use super::{metadata, prop, timestamp};
use crate::catalog::split_reference;
use crate::coverage::Input;
use crate::diagnostic::Diagnostic;
use crate::model::Compliance;
use crate::model::views::Expiry;

/// The results of the check `input` comes from, over the compliance model built from its
/// artifacts.
pub(crate) fn render(model: &Compliance<'_>, input: &Input<'_>) -> Value {
    let mut ids = Unique::default();
    let mut observations = evidence(model, input, &mut ids);
    let mut findings = Vec::new();
    for d in input.findings {
        let (observation, finding) = finding(d, input, &mut ids);
        observations.push(observation);
        findings.push(finding);
    }
    let mut result = json!({
        "uuid": uuid("result/check"),
        "title": "annexa check",
        "description": "The findings of `annexa check` and the evidence records they were judged on.",
        "start": timestamp(input.today),
        "end": timestamp(input.today),
        "reviewed-controls": {
            "description": "Every requirement of the frameworks in scope.",
            "control-selections": [{ "include-all": {} }],
        },
    });
    if !observations.is_empty() {
        result["observations"] = Value::Array(observations);
    }
    if !findings.is_empty() {
        result["findings"] = Value::Array(findings);
    }
    let organisation = model
        .scope()
        .and_then(|s| s.value.get("organisation"))
        .and_then(Value::as_str)
        .unwrap_or("The organisation");
    json!({
        "assessment-results": {
            "uuid": uuid("assessment-results"),
            "metadata": metadata(&format!("{organisation}: assessment results"), input.today),
            "import-ap": {
                "href": "urn:annexa:assessment-plan:annexa-check",
                "remarks": "The assessment plan is annexa's rules and the repository's annexa.toml.",
            },
            "results": [result],
        }
    })
}

/// Every evidence record as an observation: collected on its `collected_on`, expiring on its
/// expiry (a record current until superseded has no `expires`).
fn evidence(model: &Compliance<'_>, input: &Input<'_>, ids: &mut Unique) -> Vec<Value> {
    let views = model.views();
    views
        .evidence
        .iter()
        .map(|e| {
            let title = e.text("title").unwrap_or(e.id);
            let mut o = json!({
                "uuid": ids.uuid(&format!("observation/evidence/{}", e.id)),
                "title": e.id,
                "description": title,
                "methods": ["EXAMINE"],
                "types": ["control-objective"],
                "collected": timestamp(e.collected_on),
            });
            if let Some(Expiry::On(expires)) = e.expiry(input.evidence_validity) {
                o["expires"] = json!(timestamp(expires));
            }
            let props: Vec<Value> = [
                prop("kind", "evidence"),
                prop("file", &e.artifact.file),
                views.evidence_owner(e).and_then(|o| prop("owner", o)),
            ]
            .into_iter()
            .flatten()
            .chain(e.supports.iter().filter_map(|c| prop("supports", c)))
            .collect();
            o["props"] = Value::Array(props);
            if let Some(location) = e.location {
                o["relevant-evidence"] = json!([{ "href": href(location), "description": title }]);
            }
            o
        })
        .collect()
}

/// A finding and the observation it rests on.
fn finding(d: &Diagnostic, input: &Input<'_>, ids: &mut Unique) -> (Value, Value) {
    let key = d.fingerprint();
    let observation_uuid = ids.uuid(&format!("observation/finding/{key}"));
    let place = d.location.as_ref().map(|l| {
        let line = input
            .sources
            .get(&l.file)
            .map(|f| f.line_col(l.span.start).line);
        match line {
            Some(line) => format!("{}:{line}", l.file),
            None => l.file.clone(),
        }
    });
    let meta = input.registry.get(&d.code);
    let title = meta.map_or(d.code.clone(), |m| format!("{}: {}", d.code, m.title));
    let requirement = meta.and_then(|m| m.references.first());
    let mut props: Vec<Value> = [
        prop("code", &d.code),
        prop("severity", d.severity.as_str()),
        place.as_deref().and_then(|p| prop("place", p)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let target_id = match requirement.and_then(|r| split_reference(r)) {
        Some((framework, id)) => {
            props.extend(prop("requirement", &format!("{framework}/{id}")));
            token(id)
        }
        None => token(&d.code),
    };
    let observation = json!({
        "uuid": observation_uuid,
        "title": title,
        "description": d.message,
        "methods": ["TEST"],
        "types": ["finding"],
        "collected": timestamp(input.today),
        "props": props,
    });
    let finding = json!({
        "uuid": ids.uuid(&format!("finding/{key}")),
        "title": title,
        "description": d.message,
        "props": props,
        "target": {
            "type": "objective-id",
            "target-id": target_id,
            "status": { "state": "not-satisfied" },
        },
        "related-observations": [{ "observation-uuid": observation_uuid }],
    });
    (observation, finding)
}

/// An evidence location as a URI reference: a URL as written, a repository path with the
/// characters a URI cannot hold percent-encoded.
fn href(location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    percent_encoding::utf8_percent_encode(location, PATH).to_string()
}

const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');
