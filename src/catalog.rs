//! Catalogs: the requirements of a framework (clauses and Annex A controls), by id.
//!
//! Built-in catalogs (`rules/catalogs/`) are embedded; users add their own in the same
//! format (`docs/catalogs.md`). A requirement is referred to as `framework/id`, e.g.
//! `iso27001:2022/A.5.15` or `iso42001:2023/6.1.4`. The crosswalks between catalogs
//! (`crate::crosswalk`) travel with them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::crosswalk::Crosswalk;
use crate::source::Span;

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
    /// Whom the requirement binds, for a legal provision (`provider`, `deployer`, `both`,
    /// `gpai_provider`, ...): the EU AI Act catalog decides applicability with it.
    #[serde(default)]
    pub binds: Option<String>,
}

/// Every catalog of a run, by framework id, and the crosswalks between them.
#[derive(Debug, Clone, Default)]
pub struct Catalogs {
    by_framework: BTreeMap<String, Catalog>,
    crosswalks: Vec<Crosswalk>,
}

impl Catalogs {
    /// Add a crosswalk; the references it names that no catalog has are an error.
    pub(crate) fn insert_crosswalk(&mut self, crosswalk: Crosswalk) -> Result<(), String> {
        let unknown = crosswalk.unknown(|r| self.requirement(r).is_some());
        if let Some(first) = unknown.first() {
            return Err(format!(
                "crosswalk `{}` names `{first}`, which no catalog has{}",
                crosswalk.title,
                match unknown.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                }
            ));
        }
        self.crosswalks.push(crosswalk);
        Ok(())
    }

    /// The crosswalks, built-in first.
    pub fn crosswalks(&self) -> &[Crosswalk] {
        &self.crosswalks
    }

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
        Self::parse_located(name, src).map(|(c, _)| c)
    }

    /// Parse a catalog file's text; with the catalog, the span of its `framework` value.
    pub(crate) fn parse_located(name: &str, src: &str) -> Result<(Catalog, Span), String> {
        let doc = crate::yaml::first_document(name, src)?;
        let at = doc.spans.get("/framework").map_or(Span::at(0), |s| s.value);
        let catalog = serde_json::from_value(doc.value).map_err(|e| format!("{name}: {e}"))?;
        Ok((catalog, at))
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
    (
        "rules/catalogs/nist-ai-rmf-1.0.yaml",
        include_str!("../rules/catalogs/nist-ai-rmf-1.0.yaml"),
    ),
    (
        "rules/catalogs/eu-ai-act-2024.yaml",
        include_str!("../rules/catalogs/eu-ai-act-2024.yaml"),
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
        for crosswalk in crate::crosswalk::builtin().as_ref().map_err(Clone::clone)? {
            c.insert_crosswalk(crosswalk.clone())?;
        }
        Ok(c)
    })
}

/// Is `framework` one of the built-in catalogs?
pub(crate) fn is_builtin(framework: &str) -> bool {
    builtin().as_ref().is_ok_and(|c| c.get(framework).is_some())
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
