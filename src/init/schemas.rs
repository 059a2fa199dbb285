//! The JSON Schemas annexa publishes, as files: every kind's schema, the definitions they
//! share, the schema that dispatches on `kind` (one mapping for every artifact), and those of
//! rule files, catalogs and `annexa check --format json`. `annexa schema` writes them from the
//! binary, and `annexa init` writes them into a new repository with the editor settings that
//! point yaml-language-server at them (`docs/editors.md`).

use crate::model::Kind;

/// Where `annexa init` writes the schemas, relative to the repository root: hidden, so annexa
/// does not read them as repository files.
pub(crate) const DIR: &str = ".annexa/schemas";

/// The schema that checks any artifact against its kind's schema.
pub(crate) const DISPATCH: &str = "annexa";

/// The schemas that are not a kind's, by name (the file is `<name>.schema.json`).
const OTHERS: &[(&str, &str)] = &[
    (DISPATCH, include_str!("../../schemas/annexa.schema.json")),
    ("common", include_str!("../../schemas/common.schema.json")),
    ("rules", include_str!("../../schemas/rules.schema.json")),
    ("catalog", include_str!("../../schemas/catalog.schema.json")),
    (
        "check-report",
        include_str!("../../schemas/check-report.schema.json"),
    ),
];

/// Every published schema as (name, text): the dispatching one, the shared definitions,
/// each kind's, then the rest.
pub(crate) fn all() -> Vec<(&'static str, &'static str)> {
    let kinds = Kind::ALL.iter().map(|k| (k.name(), k.schema_source()));
    OTHERS[..2]
        .iter()
        .copied()
        .chain(kinds)
        .chain(OTHERS[2..].iter().copied())
        .collect()
}

/// The file a schema is written to.
pub(crate) fn file_name(name: &str) -> String {
    format!("{name}.schema.json")
}

/// The schemas to write for `name`: itself and every schema it refers to (the kinds' refer
/// to the shared definitions, the dispatching one to every kind's), so that `$ref`s resolve
/// among the written files. None when annexa has no schema of that name.
pub(crate) fn with_references(name: &str) -> Option<Vec<(&'static str, &'static str)>> {
    let all = all();
    let (own, text) = *all.iter().find(|(n, _)| *n == name)?;
    if own == DISPATCH {
        return Some(
            all.into_iter()
                .filter(|(n, _)| Kind::from_name(n).is_some() || *n == "common" || *n == DISPATCH)
                .collect(),
        );
    }
    let mut out = vec![(own, text)];
    if text.contains("common.schema.json#") {
        out.extend(all.iter().copied().filter(|(n, _)| *n == "common"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dispatching_schema_names_every_kind() {
        let dispatch: serde_json::Value =
            serde_json::from_str(OTHERS[0].1).expect("annexa.schema.json is JSON");
        let names: Vec<&str> = dispatch["properties"]["kind"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, kinds);
        let branches = dispatch["allOf"].as_array().unwrap();
        for (branch, kind) in branches.iter().zip(&kinds) {
            assert_eq!(branch["if"]["properties"]["kind"]["const"], *kind);
            assert_eq!(branch["then"]["$ref"], file_name(kind));
        }
        assert_eq!(branches.len(), kinds.len());
    }

    #[test]
    fn every_schema_is_json_and_references_only_written_files() {
        for (name, _) in all() {
            let set = with_references(name).unwrap();
            let names: Vec<String> = set.iter().map(|(n, _)| file_name(n)).collect();
            for (n, text) in &set {
                let v: serde_json::Value = serde_json::from_str(text).expect(n);
                let refs = text.match_indices("\"$ref\": \"").map(|(i, m)| {
                    let rest = &text[i + m.len()..];
                    rest[..rest.find(['"', '#']).unwrap_or(0)].to_string()
                });
                for r in refs.filter(|r| !r.is_empty()) {
                    assert!(
                        names.contains(&r),
                        "{n} refers to {r}, not written with {name}"
                    );
                }
                assert!(v.is_object());
            }
        }
        assert!(with_references("no-such-kind").is_none());
    }
}
