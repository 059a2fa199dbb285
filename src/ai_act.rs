//! EU AI Act applicability: which articles of the built-in `eu-ai-act:2024` catalog apply to an
//! AI system, from its risk classification and the roles the organisation plays for it.
//!
//! The table is data (`rules/mappings/eu-ai-act-2024-applicability.yaml`); whom each article
//! binds is the catalog's `binds`. Rule AI015 (function `ai_act_articles`) reads both.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::catalog::Catalog;

/// The framework the table is about.
pub const FRAMEWORK: &str = "eu-ai-act:2024";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicability {
    #[serde(rename = "annexa-applicability")]
    pub version: String,
    pub framework: String,
    /// The Act's roles (`provider`, `deployer`) → the AI roles of an `ai-system` that are it.
    pub roles: BTreeMap<String, Vec<String>>,
    /// Risk class → the article ids that class brings in.
    pub classes: BTreeMap<String, Vec<String>>,
    /// Article id → why annexa does not decide it from the inventory (documentation; a test
    /// checks every article is placed).
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "read by the test that every article is placed")
    )]
    pub not_checked: BTreeMap<String, String>,
}

const SOURCE: &str = include_str!("../rules/mappings/eu-ai-act-2024-applicability.yaml");

/// The built-in table, parsed once (`None` if it does not parse: a test makes sure it does).
pub fn table() -> Option<&'static Applicability> {
    static TABLE: std::sync::OnceLock<Option<Applicability>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            let doc = crate::yaml::first_document("applicability", SOURCE).ok()?;
            let table: Applicability = serde_json::from_value(doc.value).ok()?;
            (table.version == "v1" && table.framework == FRAMEWORK).then_some(table)
        })
        .as_ref()
}

/// The Act's roles the organisation plays, given an AI system's `ai_roles`.
pub fn act_roles<'a>(table: &'a Applicability, ai_roles: &[&str]) -> Vec<&'a str> {
    table
        .roles
        .iter()
        .filter(|(_, ours)| ours.iter().any(|r| ai_roles.contains(&r.as_str())))
        .map(|(role, _)| role.as_str())
        .collect()
}

/// Does an article that binds `binds` reach an organisation playing `roles`?
fn binds_one_of(binds: Option<&str>, roles: &[&str]) -> bool {
    match binds {
        Some("both") => roles.contains(&"provider") || roles.contains(&"deployer"),
        Some(b) => roles.contains(&b),
        None => false,
    }
}

/// The articles (ids of `catalog`, in the table's order) that apply to an AI system of risk
/// class `class` for which the organisation plays the Act's `roles`.
pub fn applicable<'c>(
    table: &Applicability,
    catalog: &'c Catalog,
    class: &str,
    roles: &[&str],
) -> Vec<&'c crate::catalog::Requirement> {
    let Some(ids) = table.classes.get(class) else {
        return Vec::new();
    };
    ids.iter()
        .filter_map(|id| catalog.requirements.iter().find(|r| &r.id == id))
        .filter(|r| binds_one_of(r.binds.as_deref(), roles))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> &'static Catalog {
        crate::catalog::builtin()
            .as_ref()
            .unwrap()
            .get(FRAMEWORK)
            .unwrap()
    }

    #[test]
    fn every_article_of_the_catalog_is_placed_once() {
        let t = table().expect("the table parses");
        assert_eq!(
            (t.version.as_str(), t.framework.as_str()),
            ("v1", FRAMEWORK)
        );
        let mut placed: Vec<&str> = t.not_checked.keys().map(String::as_str).collect();
        let mut in_classes: Vec<&str> = t.classes.values().flatten().map(String::as_str).collect();
        in_classes.sort();
        in_classes.dedup();
        placed.extend(in_classes);
        placed.sort();
        let mut all: Vec<&str> = catalog()
            .requirements
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        all.sort();
        assert_eq!(placed, all);
        let classes: Vec<&str> = t.classes.keys().map(String::as_str).collect();
        let mut expected = vec!["prohibited", "high-risk", "limited", "minimal"];
        expected.sort();
        assert_eq!(classes, expected);
    }

    #[test]
    fn roles_and_classes_decide() {
        let t = table().unwrap();
        let ids = |class, ai_roles: &[&str]| -> Vec<String> {
            let roles = act_roles(t, ai_roles);
            applicable(t, catalog(), class, &roles)
                .iter()
                .map(|r| r.id.clone())
                .collect()
        };
        assert_eq!(ids("minimal", &["ai-user"]), ["Art.4", "Art.5"]);
        assert_eq!(
            ids("limited", &["ai-provider"]),
            ["Art.4", "Art.5", "Art.50"]
        );
        let deployer = ids("high-risk", &["ai-deployer"]);
        assert_eq!(deployer, ["Art.4", "Art.5", "Art.26"]);
        let provider = ids("high-risk", &["ai-provider"]);
        assert!(provider.contains(&"Art.9".to_string()) && !provider.contains(&"Art.26".into()));
        assert_eq!(
            ids("high-risk", &["ai-provider", "ai-deployer"]).len(),
            provider.len() + 1
        );
        assert!(ids("high-risk", &["ai-developer"]).is_empty());
        assert!(ids("prohibited", &["ai-provider"]).is_empty());
    }
}
