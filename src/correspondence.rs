//! Correspondence between editions: which ISO/IEC 27001:2022 Annex A control(s) each
//! ISO/IEC 27001:2013 Annex A control became (`rules/mappings/iso27001-2013-to-2022.yaml`,
//! identifiers and short titles only). A repository migrating from the 2013 edition still
//! writes `A.9.2.5`; the findings about such an id name the 2022 control that replaced it.

use serde::Deserialize;

/// One ISO/IEC 27001:2013 Annex A control and the 2022 control(s) it corresponds to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Correspondence {
    /// The 2013 id (`A.9.2.5`).
    pub old: String,
    /// Its 2013 short title.
    pub title: String,
    /// The 2022 ids (`A.5.18`): one, except for a control split in two.
    pub new: Vec<String>,
}

/// The file; its header (`annexa-correspondence`, `from`, `to`) is for readers.
#[derive(Debug, Deserialize)]
struct File {
    mapping: Vec<Correspondence>,
}

const SOURCE: &str = include_str!("../rules/mappings/iso27001-2013-to-2022.yaml");

/// Every ISO/IEC 27001:2013 Annex A control, in the order of the 2013 edition.
pub(crate) fn iso27001_2013_to_2022() -> &'static [Correspondence] {
    static TABLE: std::sync::OnceLock<Vec<Correspondence>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let loaded = crate::yaml::load(SOURCE, &crate::yaml::Limits::default());
        let doc = loaded.documents.into_iter().next().map(|d| d.value);
        // The file is part of the binary and tested (tests/catalogs.rs); a broken one is a bug
        // caught before release, and the hints then simply name no replacement.
        doc.and_then(|v| serde_json::from_value::<File>(v).ok())
            .map(|f| f.mapping)
            .unwrap_or_default()
    })
}

/// The 2022 control(s) that replaced the ISO/IEC 27001:2013 control `old` (`A.9.2.5`).
pub(crate) fn replacement_of_2013(old: &str) -> Option<&'static Correspondence> {
    iso27001_2013_to_2022().iter().find(|c| c.old == old)
}

/// Relates each `SOA002` about an ISO/IEC 27001:2013 id to the `SOA001` of each 2022 control it
/// became, both ways: the entry written with the old id is usually the decision meant for the
/// missing control, and fixing one fixes the other.
pub(crate) fn relate(diagnostics: &mut [crate::diagnostic::Diagnostic]) {
    const NEW: &str = "iso27001:2022/";
    // (index of the SOA002, old id, index of the SOA001, new id)
    let key = |d: &crate::diagnostic::Diagnostic, prefix: &str| -> Option<String> {
        let field = d.entity.field.as_deref()?.strip_prefix(prefix)?;
        let id = field.split('@').next()?;
        Some(id.strip_prefix(NEW)?.to_string())
    };
    let mut pairs: Vec<(usize, String, usize, String)> = Vec::new();
    for (i, unknown) in diagnostics.iter().enumerate() {
        if unknown.code != "SOA002" || unknown.location.is_none() {
            continue;
        }
        let Some(old) = key(unknown, "req:") else {
            continue;
        };
        let Some(c) = replacement_of_2013(&old) else {
            continue;
        };
        for (j, missing) in diagnostics.iter().enumerate() {
            if missing.code == "SOA001"
                && missing.location.is_some()
                && let Some(new) = key(missing, "coverage:")
                && c.new.contains(&new)
            {
                pairs.push((i, old.clone(), j, new));
            }
        }
    }
    for (i, old, j, new) in pairs {
        let (Some(at_old), Some(at_new)) = (
            diagnostics[i].location.clone(),
            diagnostics[j].location.clone(),
        ) else {
            continue;
        };
        diagnostics[i].related.push(crate::diagnostic::Related {
            location: at_new,
            message: format!("`{NEW}{new}`, which `{old}` became, has no entry (SOA001)"),
        });
        diagnostics[j].related.push(crate::diagnostic::Related {
            location: at_old,
            message: format!("an entry names `{old}`, its ISO/IEC 27001:2013 predecessor (SOA002)"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_2013_control_has_a_2022_correspondent() {
        let table = iso27001_2013_to_2022();
        assert_eq!(table.len(), 114);
        assert!(table.iter().all(|c| !c.new.is_empty()));
        let split = replacement_of_2013("A.18.2.3").unwrap();
        assert_eq!(split.new, ["A.5.36", "A.8.8"]);
        assert_eq!(replacement_of_2013("A.9.2.5").unwrap().new, ["A.5.18"]);
        assert!(replacement_of_2013("A.5.18").is_none());
    }
}
