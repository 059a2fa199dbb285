//! What a wrong key or value in `annexa.toml` was meant to be. The parser says only "unknown
//! field"; this module says where the key belongs (`warn_within` at the top level is a rule
//! parameter: it belongs under `[params]`), or which key or value is the near miss, as a
//! single edit when the fix is one.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::suggest::{did_you_mean, scalar_edit};

/// Every table of `annexa.toml` with its keys; `""` is the top level. Maps whose keys are the
/// user's (`[params]`, `[rules.severity]`) are not listed: no key of theirs is unknown. A
/// unit test checks this list against what the parser accepts.
pub(super) const TABLES: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "files",
            "check",
            "limits",
            "rules",
            "catalogs",
            "cache",
            "history",
            "overrides",
            "params",
            "suppress",
        ],
    ),
    ("files", &["include", "exclude"]),
    ("check", &["fail_on"]),
    (
        "limits",
        &[
            "max_file_size",
            "max_depth",
            "max_alias_nodes",
            "max_diagnostics_per_file",
        ],
    ),
    ("rules", &["paths", "disable", "severity"]),
    ("catalogs", &["paths"]),
    ("cache", &["enabled", "dir"]),
    ("history", &["enabled"]),
    ("overrides", &["paths", "disable", "severity"]),
    (
        "suppress",
        &["code", "path", "artifact", "reason", "owner", "expires"],
    ),
];

/// How a table is written: `[files]`, `[[overrides]]` (arrays of tables), the top level.
fn header(table: &str) -> String {
    match table {
        "" => "the top level".to_string(),
        "overrides" | "suppress" => format!("`[[{table}]]`"),
        t => format!("`[{t}]`"),
    }
}

/// `a`, `a or b`, `a, b or c`.
fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The names in backticks in a parser message: `unknown field `x`, expected `a` or `b`` →
/// `x`, `a`, `b`.
fn quoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

/// Add to a `CFG001` parse error what the parser cannot know: the table an unknown key
/// belongs to, the near miss of a key or value (as a single edit), the allowed values.
/// `params` names the rule parameters; it is called only for an unknown key.
pub(super) fn explain(
    d: Diagnostic,
    error: &toml::de::Error,
    text: &str,
    params: &dyn Fn() -> Vec<String>,
) -> Diagnostic {
    let message = error.message().lines().next().unwrap_or_default();
    let Some(span) = d.location.as_ref().map(|l| l.span) else {
        return d;
    };
    let names = quoted(message);
    let Some((word, expected)) = names.split_first() else {
        return d;
    };
    if message.starts_with("unknown field") {
        unknown_key(
            d,
            word,
            expected,
            table_at(text, span.start, expected),
            params,
        )
    } else if message.starts_with("unknown variant") {
        let allowed: Vec<String> = expected.iter().map(|v| format!("`{v}`")).collect();
        let d = d.with_help(format!("allowed values: {}", either(&allowed)));
        match did_you_mean(word, expected.iter().copied()) {
            Some(s) => {
                let d = d.with_label(format!("did you mean `{s}`?"));
                match scalar_edit(span, word, s) {
                    Some((span, fix)) => d.with_suggestion(span, fix),
                    None => d,
                }
            }
            None => d,
        }
    } else {
        d
    }
}

fn unknown_key(
    d: Diagnostic,
    key: &str,
    expected: &[&str],
    table: &str,
    params: &dyn Fn() -> Vec<String>,
) -> Diagnostic {
    let span = d.location.as_ref().map(|l| l.span).unwrap_or_default();
    let known: Vec<&str> = if expected.is_empty() {
        keys_of(table).to_vec()
    } else {
        expected.to_vec()
    };
    // A key of another table, written in the wrong one.
    let homes: Vec<String> = TABLES
        .iter()
        .filter(|(t, keys)| *t != table && keys.contains(&key))
        .map(|(t, _)| header(t))
        .collect();
    if !homes.is_empty() {
        let homes = either(&homes);
        return d
            .with_label(format!("belongs under {homes}"))
            .with_help(format!(
                "`{key}` is a key of {homes}, not of {}: move it there",
                header(table)
            ));
    }
    let params = params();
    if params.iter().any(|p| p == key) {
        return d.with_label("belongs under `[params]`").with_help(format!(
            "`{key}` is a rule parameter: set it under `[params]` (`[params]` then \
                 `{key} = …`)"
        ));
    }
    if let Some(s) = did_you_mean(key, known.iter().copied()) {
        let d = match scalar_edit(span, key, s) {
            Some((span, fix)) => d.with_suggestion(span, fix),
            None => d,
        };
        return d
            .with_label(format!("did you mean `{s}`?"))
            .with_help(format!("keys of {}: {}", header(table), known.join(", ")));
    }
    // A near miss of a key elsewhere, or of a parameter.
    let elsewhere: Vec<(String, &str)> = TABLES
        .iter()
        .filter(|(t, _)| *t != table)
        .flat_map(|(t, keys)| keys.iter().map(move |k| (header(t), *k)))
        .chain(params.iter().map(|p| (header("params"), p.as_str())))
        .collect();
    let near = did_you_mean(key, elsewhere.iter().map(|(_, k)| *k))
        .and_then(|s| elsewhere.iter().find(|(_, k)| *k == s));
    match near {
        Some((home, s)) => d.with_help(format!("did you mean `{s}`, under {home}?")),
        None => d.with_help(format!(
            "keys of {}: {}; the README (\"Configuration\") lists every key",
            header(table),
            known.join(", ")
        )),
    }
}

fn keys_of(table: &str) -> &'static [&'static str] {
    TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[], |(_, keys)| keys)
}

/// The table a key at `offset` is in: the one whose keys the parser expected, else the last
/// header before it (`[files]`, `[[overrides]]`).
fn table_at(text: &str, offset: usize, expected: &[&str]) -> &'static str {
    let expected: BTreeSet<&str> = expected.iter().copied().collect();
    let by_keys = |t: &str| keys_of(t).iter().copied().collect::<BTreeSet<_>>() == expected;
    let before = text.get(..offset).unwrap_or(text);
    let header = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or_default()
                .trim()
        })
        .unwrap_or_default();
    let table = TABLES.iter().map(|(t, _)| *t).find(|t| *t == header);
    match table {
        Some(t) if expected.is_empty() || by_keys(t) => t,
        _ => TABLES
            .iter()
            .map(|(t, _)| *t)
            .find(|t| by_keys(t))
            .or(table)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_knowing;
    use super::*;

    fn params() -> Vec<String> {
        vec!["warn_within".into(), "evidence_validity".into()]
    }

    fn error(text: &str) -> Diagnostic {
        *parse_knowing(text, &params).unwrap_err()
    }

    /// The text with the finding's suggestion applied.
    fn applied(text: &str, d: &Diagnostic) -> Option<String> {
        let s = d.suggestion.as_ref()?;
        let mut out = text.to_string();
        out.replace_range(s.span.range(), &s.replacement);
        Some(out)
    }

    #[test]
    fn the_table_list_is_what_the_parser_accepts() {
        for (table, keys) in TABLES {
            for key in *keys {
                let value = match (*table, *key) {
                    ("", "overrides" | "suppress") => "[]",
                    ("", _) => "{}",
                    ("check", _) => "\"error\"",
                    ("cache" | "history", "enabled") => "true",
                    ("limits", _) => "1",
                    (_, "paths" | "disable" | "include" | "exclude") => "[]",
                    (_, "severity") => "{}",
                    _ => "\"x\"",
                };
                let text = match *table {
                    "" => format!("{key} = {value}\n"),
                    "overrides" => format!("[[overrides]]\npaths = []\n{key} = {value}\n"),
                    "suppress" => format!("[[suppress]]\ncode = \"X\"\n{key} = {value}\n"),
                    t => format!("[{t}]\n{key} = {value}\n"),
                };
                let text = text.replace("paths = []\npaths", "paths");
                let text = text.replace("code = \"X\"\ncode", "code");
                if let Err(d) = crate::config::parse(&text) {
                    assert!(
                        !d.message.contains("unknown field"),
                        "{table}.{key}: {}",
                        d.message
                    );
                }
                // And a key the parser rejects is rejected.
                let bogus = format!("{text}zz_not_a_key = 1\n");
                let d = crate::config::parse(&bogus).unwrap_err();
                assert!(
                    d.message.contains("unknown field"),
                    "{bogus}: {}",
                    d.message
                );
            }
        }
    }

    #[test]
    fn a_parameter_outside_params_is_told_where_it_belongs() {
        let d = error("warn_within = \"30d\"\n");
        assert_eq!(d.label.as_deref(), Some("belongs under `[params]`"));
        assert!(d.help.unwrap().contains("rule parameter"));
        let d = error("[check]\nevidence_validity = \"2y\"\n");
        assert_eq!(d.label.as_deref(), Some("belongs under `[params]`"));
    }

    #[test]
    fn a_key_of_another_table_names_its_table() {
        let d = error("[files]\nfail_on = \"warning\"\n");
        assert_eq!(d.label.as_deref(), Some("belongs under `[check]`"));
        let d = error("[cache]\npaths = [\"rules\"]\n");
        assert_eq!(
            d.label.as_deref(),
            Some("belongs under `[rules]`, `[catalogs]` or `[[overrides]]`")
        );
        let d = error("[[suppress]]\ncode = \"EVD001\"\nmax_depth = 3\n");
        assert_eq!(d.label.as_deref(), Some("belongs under `[limits]`"));
        assert!(d.help.unwrap().contains("not of `[[suppress]]`"));
    }

    /// The error of `text` says "did you mean `meant`?" and its edit gives `fixed`.
    fn assert_fix(text: &str, meant: &str, fixed: &str) -> Diagnostic {
        let d = error(text);
        assert_eq!(d.label, Some(format!("did you mean `{meant}`?")), "{text}");
        assert_eq!(applied(text, &d).as_deref(), Some(fixed), "{text}");
        d
    }

    #[test]
    fn a_near_miss_is_a_single_edit() {
        assert_fix(
            "[files]\nexclude = [\"vendor/**\"]\nexlcude = []\n",
            "exclude",
            "[files]\nexclude = [\"vendor/**\"]\nexclude = []\n",
        );
        // In an inline table, the keys the parser expected name the table.
        let d = assert_fix(
            "files = { exlcude = [] }\n",
            "exclude",
            "files = { exclude = [] }\n",
        );
        assert!(d.help.unwrap().contains("keys of `[files]`"));
        // A misspelt table header.
        assert_fix("[file]\nexclude = []\n", "files", "[files]\nexclude = []\n");
    }

    #[test]
    fn a_near_miss_elsewhere_is_named_with_its_table() {
        let d = error("[files]\nfail_onn = \"warning\"\n");
        assert_eq!(d.suggestion, None);
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `fail_on`, under `[check]`?")
        );
        let d = error("warn_withn = \"30d\"\n");
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `warn_within`, under `[params]`?")
        );
        let d = error("[files]\nqqq = 1\n");
        assert!(
            d.help
                .unwrap()
                .starts_with("keys of `[files]`: include, exclude")
        );
    }

    #[test]
    fn a_misspelt_value_of_a_closed_list_is_a_single_edit() {
        let d = assert_fix(
            "[check]\nfail_on = \"warnig\"\n",
            "warning",
            "[check]\nfail_on = \"warning\"\n",
        );
        assert!(d.help.unwrap().contains("`error`, `warning` or `note`"));
        assert_fix(
            "[rules.severity]\nEVD001 = 'nte'\n",
            "note",
            "[rules.severity]\nEVD001 = 'note'\n",
        );
        let d = error("[check]\nfail_on = \"sometimes\"\n");
        assert_eq!(d.suggestion, None);
        assert_eq!(d.label.as_deref(), Some("invalid value"));
    }
}
