//! The `requirement` function: is a value a known requirement (`framework/id`) of a catalog?
//! Problems come with the hints an auditor would give: the framework prefix that is missing,
//! an ISO/IEC 27001:2013 id in a 2022 programme, a non-existent `A.x.1` in ISO/IEC 42001.

use crate::catalog::{Catalog, Catalogs, split_reference};
use crate::suggest::did_you_mean;

pub(crate) struct Problem {
    /// The label on the value.
    pub label: String,
    /// What to do (template name `{hint}`).
    pub hint: String,
}

fn problem(label: impl Into<String>, hint: impl Into<String>) -> Option<Problem> {
    Some(Problem {
        label: label.into(),
        hint: hint.into(),
    })
}

/// `None` when `text` names a known requirement (of `wanted_type`, if given).
pub(crate) fn check(text: &str, wanted_type: Option<&str>, catalogs: &Catalogs) -> Option<Problem> {
    let Some((framework, id)) = split_reference(text) else {
        let owners: Vec<String> = catalogs
            .iter()
            .filter(|c| c.requirements.iter().any(|r| r.id == text))
            .map(|c| format!("`{}/{text}`", c.framework))
            .collect();
        let hint = if owners.is_empty() {
            "write `framework/id`, e.g. `iso27001:2022/A.5.15` or `iso42001:2023/A.6.2.8`"
                .to_string()
        } else {
            format!("write {}", owners.join(" or "))
        };
        return problem("no framework: references are `framework/id`", hint);
    };
    let Some(catalog) = catalogs.get(framework) else {
        let known: Vec<&str> = catalogs.iter().map(|c| c.framework.as_str()).collect();
        let label = match did_you_mean(framework, known.iter().copied()) {
            Some(s) => format!("unknown framework `{framework}`; did you mean `{s}`?"),
            None => format!("unknown framework `{framework}`"),
        };
        return problem(label, format!("known frameworks: {}", known.join(", ")));
    };
    match catalog.requirements.iter().find(|r| r.id == id) {
        Some(r) => match wanted_type {
            Some(t) if r.kind != t => problem(
                format!("`{id}` is a {} of {framework}, not a {t}", r.kind),
                format!("name a {t} here"),
            ),
            _ => None,
        },
        None => {
            let hint = special_hint(framework, id, catalog).unwrap_or_else(|| {
                let ids = catalog
                    .requirements
                    .iter()
                    .filter(|r| wanted_type.is_none_or(|t| r.kind == t))
                    .map(|r| r.id.as_str());
                match did_you_mean(id, ids) {
                    Some(s) => format!("did you mean `{framework}/{s}`? `annexa catalog {framework}` lists every id"),
                    None => format!("`annexa catalog {framework}` lists every id"),
                }
            });
            problem(format!("`{id}` is not in {}", catalog.title), hint)
        }
    }
}

/// Hints for the mistakes the two standards invite.
fn special_hint(framework: &str, id: &str, catalog: &Catalog) -> Option<String> {
    let parts: Vec<&str> = id.strip_prefix("A.")?.split('.').collect();
    let numbers: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if framework.starts_with("iso27001:2022")
        && (numbers.len() == 3 || numbers.first().is_some_and(|n| *n >= 9))
    {
        let old = format!("A.{}", parts.join("."));
        return Some(match crate::correspondence::replacement_of_2013(&old) {
            Some(c) => {
                let new: Vec<String> = c
                    .new
                    .iter()
                    .map(|n| match catalog.requirements.iter().find(|r| &r.id == n) {
                        Some(r) => format!("`{framework}/{n}` ({})", r.title),
                        None => format!("`{framework}/{n}`"),
                    })
                    .collect();
                format!(
                    "`{old}` is the ISO/IEC 27001:2013 control \"{}\"; in the 2022 edition it is {}",
                    c.title,
                    new.join(" and ")
                )
            }
            None => format!(
                "`{old}` looks like an ISO/IEC 27001:2013 control id; the 2022 edition renumbered Annex A into four themes, A.5 to A.8 (93 controls): find the control's 2022 id with `annexa catalog iso27001:2022`"
            ),
        });
    }
    if framework.starts_with("iso42001:") && numbers.len() >= 2 && numbers.last() == Some(&1) {
        return Some(
            "ISO/IEC 42001 has no `A.x.1` control: numbering starts at `.2` in every domain (`A.x.1` is the domain's objective)"
                .to_string(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogs() -> &'static Catalogs {
        crate::catalog::builtin().as_ref().unwrap()
    }

    #[test]
    fn known_requirements_pass() {
        assert!(check("iso27001:2022/A.5.15", Some("control"), catalogs()).is_none());
        assert!(check("iso42001:2023/A.6.2.8", Some("control"), catalogs()).is_none());
        assert!(check("iso42001:2023/6.1.4", None, catalogs()).is_none());
    }

    #[test]
    fn hints() {
        let p = check("A.5.15", None, catalogs()).unwrap();
        assert!(p.hint.contains("iso27001:2022/A.5.15"), "{}", p.hint);
        let p = check("iso27001:2022/A.9.2.3", None, catalogs()).unwrap();
        assert_eq!(
            p.hint,
            "`A.9.2.3` is the ISO/IEC 27001:2013 control \"Management of privileged access rights\"; in the 2022 edition it is `iso27001:2022/A.8.2` (Privileged access rights)"
        );
        let p = check("iso27001:2022/A.18.2.3", None, catalogs()).unwrap();
        assert!(p.hint.contains("`iso27001:2022/A.5.36` (Compliance with policies, rules and standards for information security) and `iso27001:2022/A.8.8` (Management of technical vulnerabilities)"), "{}", p.hint);
        let p = check("iso27001:2022/A.19.1.1", None, catalogs()).unwrap();
        assert!(
            p.hint.contains("looks like an ISO/IEC 27001:2013"),
            "{}",
            p.hint
        );
        let p = check("iso42001:2023/A.2.1", None, catalogs()).unwrap();
        assert!(p.hint.contains("no `A.x.1`"), "{}", p.hint);
        let p = check("iso27001:2013/A.5.1", None, catalogs()).unwrap();
        assert!(
            p.label.contains("did you mean `iso27001:2022`"),
            "{}",
            p.label
        );
        let p = check("iso27001:2022/6.1", Some("control"), catalogs()).unwrap();
        assert!(p.label.contains("clause"), "{}", p.label);
    }
}
