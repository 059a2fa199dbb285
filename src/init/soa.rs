//! The scaffolded Statement of Applicability: one entry per Annex A control of both
//! standards, from the catalogs, each applicable and not started until decided.

use std::collections::BTreeMap;

use crate::catalog::Catalogs;

/// The frameworks of a new integrated repository, in SoA order.
pub(super) const FRAMEWORKS: [&str; 2] = ["iso27001:2022", "iso42001:2023"];

const JUSTIFICATION: &str =
    "To be decided. State the risks or obligations it addresses, or exclude it and say why.";

/// Requirement reference → the template controls that list it in `satisfies`.
pub(super) fn implementing_controls<'a>(
    controls: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for text in controls {
        let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: ")) else {
            continue;
        };
        let mut in_satisfies = false;
        for line in text.lines() {
            if line.starts_with("satisfies:") {
                in_satisfies = true;
            } else if in_satisfies {
                match line.strip_prefix("  - ") {
                    Some(r) => out
                        .entry(r.trim().to_string())
                        .or_default()
                        .push(id.trim().to_string()),
                    None => in_satisfies = false,
                }
            }
        }
    }
    out
}

/// The SoA document (with `@TODAY@` left for the caller to fill).
pub(super) fn statement_of_applicability(
    catalogs: &Catalogs,
    implemented_by: &BTreeMap<String, Vec<String>>,
) -> Result<String, String> {
    let mut out = String::from(
        "# Statement of Applicability: one entry per Annex A control of ISO/IEC 27001:2022 and\n\
         # ISO/IEC 42001:2023, kept apart by their framework prefix. For each entry, decide whether\n\
         # the control applies and say why (`applicable: false` needs a specific justification), keep\n\
         # `status` current (not-started, planned, partial, implemented) and name the controls that\n\
         # implement it in `implemented_by`. Titles in comments come from annexa's catalogs.\n\
         annexa: v1\n\
         kind: statement-of-applicability\n\
         id: SOA\n\
         title: Statement of Applicability\n\
         owner: Compliance Manager\n\
         version: \"0.1\"\n\
         approved_by: Chief Executive Officer\n\
         approved_on: @TODAY@\n\
         entries:\n",
    );
    for framework in FRAMEWORKS {
        let catalog = catalogs
            .get(framework)
            .ok_or_else(|| format!("no catalog for `{framework}`"))?;
        out.push_str(&format!("  # --- {} Annex A ---\n", catalog.title));
        let mut group = None;
        for r in catalog.requirements.iter().filter(|r| r.kind == "control") {
            if r.group != group {
                group = r.group.clone();
                if let Some(g) = group
                    .as_deref()
                    .and_then(|g| catalog.groups.iter().find(|x| x.id == g))
                {
                    out.push_str(&format!("  # {} {}\n", g.id, g.title));
                }
            }
            let reference = format!("{framework}/{}", r.id);
            out.push_str(&format!("  - control: {reference}   # {}\n", r.title));
            out.push_str("    applicable: true\n");
            out.push_str(&format!("    justification: {JUSTIFICATION}\n"));
            out.push_str("    status: not-started\n");
            if let Some(ids) = implemented_by.get(&reference) {
                out.push_str(&format!("    implemented_by: [{}]\n", ids.join(", ")));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_annex_a_control_once() {
        let catalogs = crate::catalog::builtin().as_ref().unwrap();
        let soa = statement_of_applicability(catalogs, &BTreeMap::new()).unwrap();
        assert_eq!(soa.matches("  - control: iso27001:2022/A.").count(), 93);
        assert_eq!(soa.matches("  - control: iso42001:2023/A.").count(), 38);
    }

    #[test]
    fn reads_satisfies_of_templates() {
        let map = implementing_controls(
            ["id: C\nsatisfies:\n  - x/A.1\n  - y/A.2\nreview:\n  - x/A.3\n"].into_iter(),
        );
        assert_eq!(map.get("x/A.1").unwrap(), &vec!["C".to_string()]);
        assert!(!map.contains_key("x/A.3"));
    }
}
