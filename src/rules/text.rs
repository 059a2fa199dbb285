//! What counts as meaningful text — one predicate for every justification, rationale and
//! reason an auditor reads (`meaningful` in rule files).
//!
//! Text is meaningful when it is present, is not a placeholder (`N/A`, `TBD`, `-`, `none`…:
//! [`PLACEHOLDERS`], compared without case, spaces or punctuation), has at least a minimum
//! number of characters, and is not just the title of the requirement it justifies (an
//! exclusion of A.7.4 "justified" with "Physical security monitoring" says nothing).

use serde_json::Value;

/// Fewest characters (spaces and punctuation not counted) a justification needs by default.
pub const DEFAULT_MIN_LENGTH: usize = 10;

/// Texts that stand for "nothing written yet", lower-case, letters and digits only.
pub const PLACEHOLDERS: &[&str] = &[
    "na",
    "notapplicable",
    "nonapplicable",
    "tbd",
    "tbc",
    "todo",
    "fixme",
    "none",
    "null",
    "nil",
    "nothing",
    "x",
    "xx",
    "xxx",
    "seeabove",
    "sameasabove",
    "asabove",
    "various",
    "other",
    "lorem ipsum",
    "loremipsum",
    "placeholder",
    "tobedefined",
    "tobedetermined",
    "tobeconfirmed",
    "notneeded",
    "notrequired",
    "notrelevant",
    "irrelevant",
];

/// The letters and digits of a text, lower-cased: how placeholders and titles are compared.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Why a value is not meaningful text (a label), or `None` when it is.
pub fn problem(value: Option<&Value>, min_length: usize, title: Option<&str>) -> Option<String> {
    let Some(value) = value else {
        return Some("missing".into());
    };
    let Some(text) = value.as_str() else {
        return Some("not a text".into());
    };
    let core = letters(text);
    if core.is_empty() {
        return Some(if text.trim().is_empty() {
            "empty".into()
        } else {
            format!("`{}` is a placeholder", text.trim())
        });
    }
    if PLACEHOLDERS.contains(&core.as_str()) || text.contains("TODO") || text.contains("TBD") {
        return Some(format!("`{}` is a placeholder", text.trim()));
    }
    if title.is_some_and(|t| letters(t) == core) {
        return Some("only repeats the control's title".into());
    }
    if core.chars().count() < min_length {
        return Some(format!(
            "too short to say why ({} character(s); at least {min_length})",
            core.chars().count()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value) -> Option<String> {
        problem(
            Some(&v),
            DEFAULT_MIN_LENGTH,
            Some("Physical security monitoring"),
        )
    }

    #[test]
    fn placeholders_titles_and_short_texts_are_not_meaningful() {
        for placeholder in [
            "N/A",
            "n/a",
            "TBD",
            " - ",
            "None",
            "Not applicable.",
            "t.b.d.",
            "see above",
        ] {
            assert!(
                check(json!(placeholder)).is_some_and(|p| p.contains("placeholder")),
                "{placeholder}"
            );
        }
        assert_eq!(check(json!("")), Some("empty".into()));
        assert_eq!(check(json!("  ")), Some("empty".into()));
        assert_eq!(
            check(json!("Physical security monitoring.")),
            Some("only repeats the control's title".into())
        );
        assert!(check(json!("No site")).unwrap().starts_with("too short"));
        assert!(
            check(json!("Justification TODO"))
                .unwrap()
                .contains("placeholder")
        );
        assert_eq!(problem(None, 10, None), Some("missing".into()));
        assert_eq!(check(json!(3)), Some("not a text".into()));
    }

    #[test]
    fn real_reasons_are_meaningful() {
        assert_eq!(
            check(json!("No office: every employee works remotely.")),
            None
        );
        assert_eq!(check(json!("Treats RSK-1.")), None);
        assert_eq!(check(json!("Kein Büro vorhanden")), None);
    }
}
