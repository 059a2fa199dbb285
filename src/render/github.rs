//! The GitHub Actions format: workflow commands that become annotations on the diff
//! (`::error file=…,line=…::message`), and a Markdown job summary with every finding.
//!
//! A step shows at most [`ANNOTATION_LIMIT`] annotations of each level, so the annotations
//! alone would hide findings; the job summary ([`github_summary`], written by the caller to
//! `$GITHUB_STEP_SUMMARY`) lists all of them, and the annotation output says so in the log
//! when a level overflows.

use super::{RenderContext, Summary, resolve, title};
use crate::diagnostic::{Diagnostic, Severity};

/// Annotations GitHub shows per level and step; the rest are dropped by GitHub.
pub(crate) const ANNOTATION_LIMIT: usize = 10;

/// GitHub rejects a job summary over 1 MiB; rows stop short of it, with a visible note.
const SUMMARY_BUDGET: usize = 1000 * 1024;

/// Render `diags` as workflow commands, one per line, followed by a plain summary line for
/// the step log (and a pointer to the job summary when GitHub would drop annotations).
pub fn github(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&annotation(d, ctx));
        out.push('\n');
    }
    let summary = Summary::of(diags, ctx.registry);
    out.push_str(&format!("annexa: {}\n", summary.line()));
    if let Some(note) = summary.incomplete_note() {
        out.push_str(&format!("annexa: {note}\n"));
    }
    let most = summary.by_severity().into_iter().max().unwrap_or(0);
    if most > ANNOTATION_LIMIT {
        out.push_str(&format!(
            "annexa: GitHub shows at most {ANNOTATION_LIMIT} annotations of each level in a step; \
             the job summary lists all {} findings.\n",
            summary.total()
        ));
    }
    out
}

fn annotation(d: &Diagnostic, ctx: &RenderContext<'_>) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(loc) = &d.location {
        props.push(("file", ctx.checkout_path(&loc.file)));
        if let Some(r) = resolve(ctx, loc) {
            props.push(("line", r.start_lc.line.to_string()));
            props.push(("col", r.start_lc.column.to_string()));
            props.push(("endLine", r.end_lc.line.to_string()));
            props.push(("endColumn", r.end_lc.column.to_string()));
        }
    }
    let heading = match title(ctx, &d.code) {
        Some(t) => format!("{}: {t}", d.code),
        None => d.code.clone(),
    };
    props.push(("title", heading));

    let props: Vec<String> = props
        .into_iter()
        .map(|(k, v)| format!("{k}={}", escape_property(&v)))
        .collect();
    format!(
        "::{command} {}::{}",
        props.join(","),
        escape_data(&d.text())
    )
}

/// Escape the message of a workflow command (what follows the second `::`).
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value: as data, plus `:` and `,`, which delimit properties.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A Markdown job summary: the totals, then a table with every finding in the given order.
pub fn github_summary(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    let summary = Summary::of(diags, ctx.registry);
    let mut out = format!("## annexa: {}\n", summary.line());
    if let Some(note) = summary.incomplete_note() {
        out.push_str(&format!("\n**{}**\n", escape_cell(note)));
    }
    if diags.is_empty() {
        return out;
    }
    out.push_str("\n| Severity | Code | Location | Message |\n| --- | --- | --- | --- |\n");
    for (shown, d) in diags.iter().enumerate() {
        let row = row(d, ctx);
        if out.len() + row.len() > SUMMARY_BUDGET {
            out.push_str(&format!(
                "\n{} more findings are not listed: a job summary is limited to 1 MiB. \
                 Run annexa with `--format json` or `--format sarif` for the full list.\n",
                diags.len() - shown
            ));
            return out;
        }
        out.push_str(&row);
    }
    out
}

fn row(d: &Diagnostic, ctx: &RenderContext<'_>) -> String {
    let location = match &d.location {
        Some(loc) => match resolve(ctx, loc) {
            Some(r) => format!(
                "{}:{}:{}",
                ctx.checkout_path(&loc.file),
                r.start_lc.line,
                r.start_lc.column
            ),
            None => ctx.checkout_path(&loc.file),
        },
        None => "(repository)".to_string(),
    };
    let code = match title(ctx, &d.code) {
        Some(t) => format!("{} ({t})", d.code),
        None => d.code.clone(),
    };
    // Each line escaped on its own, so that a stray backtick in one cannot pair with another's.
    let message = d
        .text_lines()
        .iter()
        .map(|l| escape_cell(l))
        .collect::<Vec<_>>()
        .join("<br>");
    format!(
        "| {} | {} | {} | {} |\n",
        d.severity.as_str(),
        escape_cell(&code),
        escape_cell(&location),
        message
    )
}

/// Make text safe in a Markdown table cell: a `|` would end the cell and a newline the row.
/// Messages mark names as code with backticks, so balanced `` `…` `` stay code spans (where
/// only `|` needs escaping); elsewhere Markdown and HTML punctuation is escaped so that a
/// message renders as the text it is.
pub(crate) fn escape_cell(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    // An odd number of backticks cannot all pair up: then none is treated as code.
    let code_spans = s.matches('`').count().is_multiple_of(2);
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '`' if code_spans => {
                in_code = !in_code;
                out.push(c);
            }
            '\n' if in_code => out.push(' '),
            '\n' => out.push_str("<br>"),
            '|' => out.push_str("\\|"),
            _ if in_code => out.push(c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escaping() {
        assert_eq!(
            escape_data("100% done\r\nnext, a: b"),
            "100%25 done%0D%0Anext, a: b"
        );
    }

    #[test]
    fn property_escaping() {
        assert_eq!(
            escape_property("SOA001: a, b%\nc"),
            "SOA001%3A a%2C b%25%0Ac"
        );
    }

    #[test]
    fn cell_escaping() {
        assert_eq!(escape_cell("a | b\nc\r\nd"), "a \\| b<br>c<br>d");
        assert_eq!(escape_cell("<b>*x*</b>"), "\\<b\\>\\*x\\*\\</b\\>");
        // Balanced backticks stay code, with only `|` escaped inside.
        assert_eq!(
            escape_cell("id `a|b_c` is *new*"),
            "id `a\\|b_c` is \\*new\\*"
        );
        // A lone backtick is escaped like any other punctuation.
        assert_eq!(escape_cell("it`s a_b"), "it\\`s a\\_b");
    }
}
