//! The built-in catalogs agree exactly with the verified reference data (ids and short titles
//! of clauses, Annex A groups and controls) kept in `tests/data/reference/`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

fn reference(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/reference")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn pairs(v: &Value, key: &str) -> BTreeMap<String, String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check(file: &str, framework: &str, clauses: usize, controls: usize) {
    let r = reference(file);
    let catalogs = annexa::catalog::builtin().as_ref().unwrap();
    let c = catalogs.get(framework).expect("built-in catalog");
    let of_type = |t: &str| -> BTreeMap<String, String> {
        c.requirements
            .iter()
            .filter(|q| q.kind == t)
            .map(|q| (q.id.clone(), q.title.clone()))
            .collect()
    };
    assert_eq!(
        of_type("clause"),
        pairs(&r, "clauses"),
        "{framework} clauses"
    );
    assert_eq!(
        of_type("control"),
        pairs(&r, "controls"),
        "{framework} Annex A controls"
    );
    let groups: BTreeMap<String, String> = c
        .groups
        .iter()
        .map(|g| (g.id.clone(), g.title.clone()))
        .collect();
    assert_eq!(groups, pairs(&r, "groups"), "{framework} Annex A groups");
    assert_eq!(of_type("clause").len(), clauses);
    assert_eq!(of_type("control").len(), controls);
    // Every control belongs to a group of the catalog.
    for q in c.requirements.iter().filter(|q| q.kind == "control") {
        let g = q.group.as_deref().unwrap_or_default();
        assert!(groups.contains_key(g), "{} has unknown group {g:?}", q.id);
    }
}

#[test]
fn iso27001_catalog_matches_the_reference() {
    check("iso27001-2022.json", "iso27001:2022", 41, 93);
    let c = annexa::catalog::builtin()
        .as_ref()
        .unwrap()
        .get("iso27001:2022")
        .unwrap();
    let per_theme = |t: &str| {
        c.requirements
            .iter()
            .filter(|q| q.group.as_deref() == Some(t))
            .count()
    };
    assert_eq!(
        [
            per_theme("A.5"),
            per_theme("A.6"),
            per_theme("A.7"),
            per_theme("A.8")
        ],
        [37, 8, 14, 34]
    );
    assert!(
        c.amendments.iter().any(|a| a.contains("amd1:2024")),
        "{:?}",
        c.amendments
    );
}

#[test]
fn iso42001_catalog_matches_the_reference() {
    check("iso42001-2023.json", "iso42001:2023", 43, 38);
    let c = annexa::catalog::builtin()
        .as_ref()
        .unwrap()
        .get("iso42001:2023")
        .unwrap();
    // Numbering starts at .2 in every domain: no A.x.1 control.
    assert!(
        c.requirements
            .iter()
            .filter(|q| q.kind == "control")
            .all(|q| !q.id.ends_with(".1"))
    );
}

/// The rows `(2013 id, 2013 title, 2022 ids)` of a correspondence file.
fn correspondence_rows(path: &Path, title_key: &str) -> Vec<(String, String, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = annexa::yaml::load(&text, &annexa::yaml::Limits::default());
    assert!(
        loaded.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        loaded.errors
    );
    let doc = &loaded.documents[0].value;
    doc["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let new = m["new"].as_array().unwrap();
            (
                m["old"].as_str().unwrap().to_string(),
                m[title_key].as_str().unwrap().to_string(),
                new.iter()
                    .map(|n| n.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_2013_to_2022_correspondence_matches_the_reference() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = correspondence_rows(
        &root.join("rules/mappings/iso27001-2013-to-2022.yaml"),
        "title",
    );
    let reference = correspondence_rows(
        &root.join("tests/data/reference/iso27001-2013-to-2022.yaml"),
        "title_2013",
    );
    assert_eq!(shipped, reference);
    assert_eq!(shipped.len(), 114);
    // Every 2022 id is a control of the built-in catalog.
    let catalogs = annexa::catalog::builtin().as_ref().unwrap();
    for (old, _, new) in &shipped {
        for n in new {
            let reference = format!("iso27001:2022/{n}");
            let (_, r) = catalogs
                .requirement(&reference)
                .unwrap_or_else(|| panic!("{old} → {n}"));
            assert_eq!(r.kind, "control", "{old} → {n}");
        }
    }
}
