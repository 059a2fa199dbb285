//! Crosswalks: links between the requirements of two frameworks, with the relationship each
//! link claims (OSCAL's mapping vocabulary) and where the links come from.
//!
//! A crosswalk suggests; it never counts as coverage. `annexa coverage` lists, per framework,
//! what a crosswalk suggests a control might also serve, apart from what the control claims.
//! Built-in crosswalks (`rules/crosswalks/`) are embedded; a repository adds its own beside its
//! catalogs (`[catalogs] paths`), in the same format (`docs/catalogs.md`).

use serde::Deserialize;

/// What a link claims about its two requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    Equivalent,
    /// The `from` requirement is a subset of the `to` requirement.
    Subset,
    Superset,
    Intersects,
    /// Related, without saying how (what a source that states no type supports).
    Related,
}

impl Relationship {
    pub fn name(self) -> &'static str {
        match self {
            Relationship::Equivalent => "equivalent",
            Relationship::Subset => "subset",
            Relationship::Superset => "superset",
            Relationship::Intersects => "intersects",
            Relationship::Related => "related",
        }
    }

    /// The relationship read the other way (`to` → `from`).
    pub fn reversed(self) -> Self {
        match self {
            Relationship::Subset => Relationship::Superset,
            Relationship::Superset => Relationship::Subset,
            r => r,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crosswalk {
    #[serde(rename = "annexa-crosswalk")]
    pub version: String,
    pub title: String,
    /// Framework id of the links' `from` side.
    pub from: String,
    /// Framework id of the links' `to` side.
    pub to: String,
    /// Where the links come from: the document, its author, its edition.
    pub source: String,
    pub confidence: Confidence,
    /// The relationship of links that state none.
    pub relationship: Relationship,
    #[serde(default)]
    pub notes: Option<String>,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// A requirement id of the `from` framework.
    pub from: String,
    /// Requirement ids of the `to` framework.
    pub to: Vec<String>,
    #[serde(default)]
    pub relationship: Option<Relationship>,
}

/// One link as a pair of requirement references.
#[derive(Debug, Clone)]
pub struct Pair<'a> {
    pub from: String,
    pub to: String,
    pub relationship: Relationship,
    pub crosswalk: &'a Crosswalk,
}

impl Crosswalk {
    /// Does the text look like a crosswalk (rather than a catalog)?
    pub fn is_crosswalk(src: &str) -> bool {
        src.lines().any(|l| l.starts_with("annexa-crosswalk:"))
    }

    /// Parse a crosswalk file's text.
    pub fn parse(name: &str, src: &str) -> Result<Crosswalk, String> {
        let doc = crate::yaml::first_document(name, src)?;
        serde_json::from_value(doc.value).map_err(|e| format!("{name}: {e}"))
    }

    /// Every link as `framework/id` pairs, in file order.
    pub fn pairs(&self) -> impl Iterator<Item = Pair<'_>> {
        self.links.iter().flat_map(move |l| {
            l.to.iter().map(move |t| Pair {
                from: format!("{}/{}", self.from, l.from),
                to: format!("{}/{t}", self.to),
                relationship: l.relationship.unwrap_or(self.relationship),
                crosswalk: self,
            })
        })
    }

    /// The references it names that are not `known` (by the catalogs), in file order without
    /// repeats.
    pub fn unknown(&self, known: impl Fn(&str) -> bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in self.pairs() {
            for r in [p.from, p.to] {
                if !known(&r) && !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }
}

/// The embedded crosswalks.
const BUILTIN_CROSSWALKS: &[(&str, &str)] = &[(
    "rules/crosswalks/nist-ai-rmf-1.0-iso42001-2023.yaml",
    include_str!("../rules/crosswalks/nist-ai-rmf-1.0-iso42001-2023.yaml"),
)];

/// The built-in crosswalks, parsed once.
pub fn builtin() -> &'static Result<Vec<Crosswalk>, String> {
    static BUILTIN: std::sync::OnceLock<Result<Vec<Crosswalk>, String>> =
        std::sync::OnceLock::new();
    BUILTIN.get_or_init(|| {
        BUILTIN_CROSSWALKS
            .iter()
            .map(|(name, src)| Crosswalk::parse(name, src))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_read_backwards_is_a_superset() {
        assert_eq!(Relationship::Subset.reversed(), Relationship::Superset);
        assert_eq!(Relationship::Related.reversed(), Relationship::Related);
    }
}
