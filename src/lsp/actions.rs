//! `textDocument/codeAction`: quick fixes for the findings in a range.
//!
//! - every finding whose suggestion is a single edit ("did you mean …") gets a fix that
//!   makes that edit;
//! - a missing Statement of Applicability entry (`SOA001`) gets a fix that appends the
//!   entry the finding's help shows to `entries`, indented as the list is.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::model::{Artifact, Kind};
use crate::source::Span;

/// A fix: one edit of the finding's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fix<'a> {
    pub title: String,
    pub diagnostic: &'a Diagnostic,
    pub span: Span,
    pub replacement: String,
}

/// The fixes of the findings of `file` whose span touches `range`, given the file's `text`.
pub(crate) fn fixes<'a>(
    diagnostics: &'a [Diagnostic],
    file: &str,
    range: Span,
    text: &str,
    artifacts: &[Arc<Artifact>],
) -> Vec<Fix<'a>> {
    diagnostics
        .iter()
        .filter_map(|d| {
            let at = d.location.as_ref().filter(|l| l.file == file)?;
            if at.span.end < range.start || at.span.start > range.end {
                return None;
            }
            if let Some(s) = &d.suggestion {
                let current = text.get(s.span.start..s.span.end).unwrap_or_default();
                let title = match (current.is_empty(), s.replacement.is_empty()) {
                    (_, true) => format!("Remove `{current}`"),
                    (true, false) => format!("Insert `{}`", s.replacement),
                    (false, false) => format!("Replace `{current}` with `{}`", s.replacement),
                };
                return Some(Fix {
                    title,
                    diagnostic: d,
                    span: s.span,
                    replacement: s.replacement.clone(),
                });
            }
            if d.code == "SOA001" {
                return missing_entry(d, at.span, text, artifacts);
            }
            None
        })
        .collect()
}

/// Append the entry of a `SOA001` finding's help to the SoA's `entries`.
fn missing_entry<'a>(
    d: &'a Diagnostic,
    at: Span,
    text: &str,
    artifacts: &[Arc<Artifact>],
) -> Option<Fix<'a>> {
    let missing = d.entity.field.as_deref()?.strip_prefix("coverage:")?;
    let entry = entry_lines(d.help.as_deref()?)?;
    let soa = artifacts.iter().find(|a| {
        a.kind == Kind::StatementOfApplicability
            && a.file == d.file().unwrap_or_default()
            && a.span.start <= at.start
            && at.end <= a.span.end
    })?;
    let entries = soa.spans.get("/entries")?;
    let key_line = line_start(text, entries.key?.start);
    let key_indent = entries.key?.start - key_line;
    let value = text.get(entries.value.start..entries.value.end)?;
    let title = format!("Add an entry for `{missing}` to the Statement of Applicability");
    if value.trim() == "[]" {
        let indent = " ".repeat(key_indent + 2);
        return Some(Fix {
            title,
            diagnostic: d,
            span: entries.value,
            replacement: block(&entry, &indent),
        });
    }
    let first = soa.spans.get("/entries/0")?.value;
    // The column of the first item's `- `.
    let first_line = line_start(text, first.start);
    let dash = text.get(first_line..first.start)?.rfind('-')?;
    if value.starts_with('[') || !text[first_line..first_line + dash].trim().is_empty() {
        return None; // a flow list, or items written on the key's line
    }
    let indent = " ".repeat(dash);
    Some(Fix {
        title,
        diagnostic: d,
        span: Span::at(entries.value.end),
        replacement: block(&entry, &indent),
    })
}

/// The lines of the YAML entry in a help text (`… :\n  - control: X\n    applicable: …`),
/// without their common indentation.
fn entry_lines(help: &str) -> Option<Vec<&str>> {
    let lines: Vec<&str> = help.lines().skip(1).collect();
    let indent = lines.iter().map(|l| l.len() - l.trim_start().len()).min()?;
    if !lines.first()?.trim_start().starts_with("- ") {
        return None;
    }
    lines.into_iter().map(|l| l.get(indent..)).collect()
}

/// The entry's lines, each on a new line, indented.
fn block(entry: &[&str], indent: &str) -> String {
    entry
        .iter()
        .map(|line| format!("\n{indent}{line}"))
        .collect()
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_is_read_from_the_help() {
        let help = "add an entry to `entries`:\n  - control: x/A.1\n    applicable: true";
        let lines = entry_lines(help).unwrap();
        assert_eq!(lines, ["- control: x/A.1", "  applicable: true"]);
        assert_eq!(
            block(&lines, "  "),
            "\n  - control: x/A.1\n    applicable: true"
        );
        assert_eq!(entry_lines("no entry here"), None);
    }
}
