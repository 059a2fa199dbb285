//! Catalogs: the requirements of a framework (clauses and Annex A controls), by id.
//!
//! Built-in catalogs (`rules/catalogs/`) are embedded; users add their own in the same
//! format (`docs/catalogs.md`). A requirement is referred to as `framework/id`, e.g.
//! `iso27001:2022/A.5.15` or `iso42001:2023/6.1.4`.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(rename = "annexa-catalog")]
    pub version: String,
    /// Framework id, e.g. `iso27001:2022`.
    pub framework: String,
    pub title: String,
    #[serde(default)]
    pub amendments: Vec<String>,
    #[serde(default)]
    pub groups: Vec<Group>,
    pub requirements: Vec<Requirement>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    /// `clause`, `control`, or a user-defined type such as `article`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
}

/// Every catalog of a run, by framework id.
#[derive(Debug, Clone, Default)]
pub struct Catalogs {
    by_framework: BTreeMap<String, Catalog>,
}

impl Catalogs {
    pub(crate) fn insert(&mut self, catalog: Catalog) -> Result<(), String> {
        if self.by_framework.contains_key(&catalog.framework) {
            return Err(format!("catalog `{}` is defined twice", catalog.framework));
        }
        self.by_framework.insert(catalog.framework.clone(), catalog);
        Ok(())
    }

    pub fn get(&self, framework: &str) -> Option<&Catalog> {
        self.by_framework.get(framework)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Catalog> {
        self.by_framework.values()
    }

    /// The requirement named by a reference `framework/id`.
    pub fn requirement(&self, reference: &str) -> Option<(&Catalog, &Requirement)> {
        let (framework, id) = split_reference(reference)?;
        let catalog = self.get(framework)?;
        catalog
            .requirements
            .iter()
            .find(|r| r.id == id)
            .map(|r| (catalog, r))
    }

    /// Parse a catalog file's text.
    pub(crate) fn parse(name: &str, src: &str) -> Result<Catalog, String> {
        let loaded = crate::yaml::load(src, &crate::yaml::Limits::default());
        if let Some(e) = loaded.errors.first() {
            return Err(format!("{name}: {}", e.message));
        }
        let doc = loaded
            .documents
            .into_iter()
            .next()
            .ok_or_else(|| format!("{name}: empty catalog"))?;
        serde_json::from_value(doc.value).map_err(|e| format!("{name}: {e}"))
    }
}

/// The embedded catalogs.
pub(crate) const BUILTIN_CATALOGS: &[(&str, &str)] = &[
    (
        "rules/catalogs/iso27001-2022.yaml",
        include_str!("../rules/catalogs/iso27001-2022.yaml"),
    ),
    (
        "rules/catalogs/iso42001-2023.yaml",
        include_str!("../rules/catalogs/iso42001-2023.yaml"),
    ),
];

/// The built-in catalogs, parsed once.
pub fn builtin() -> &'static Result<Catalogs, String> {
    static BUILTIN: std::sync::OnceLock<Result<Catalogs, String>> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(|| {
        let mut c = Catalogs::default();
        for (name, src) in BUILTIN_CATALOGS {
            c.insert(Catalogs::parse(name, src)?)?;
        }
        Ok(c)
    })
}

/// `iso27001:2022/A.5.15` → (`iso27001:2022`, `A.5.15`).
pub(crate) fn split_reference(reference: &str) -> Option<(&str, &str)> {
    let (framework, id) = reference.split_once('/')?;
    (!framework.is_empty() && !id.is_empty()).then_some((framework, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_on_the_first_slash() {
        assert_eq!(
            split_reference("iso27001:2022/A.5.15"),
            Some(("iso27001:2022", "A.5.15"))
        );
        assert_eq!(split_reference("A.5.15"), None);
        assert_eq!(split_reference("/A.5"), None);
    }
}
