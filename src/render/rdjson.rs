//! The Reviewdog Diagnostic Format (rdjson), for reviewdog (`reviewdog -f=rdjson`), which
//! posts findings as review comments on GitHub, GitLab, Gitea and Bitbucket, with
//! suggestions as applicable changes.
//!
//! One `DiagnosticResult`: annexa as the source, one diagnostic per finding with its text,
//! code, severity, range, related locations and its single-edit suggestion. rdjson counts
//! columns in UTF-8 bytes (unlike SARIF and JSON, which count characters); ends are
//! exclusive. Paths are relative to the git checkout; a finding about the repository as a
//! whole is placed at line 1 of the configuration file. `docs/output.md` documents the
//! mapping; the test suite validates the output against reviewdog's JSON Schema.

use serde_json::{Map, Value, json};

use super::{RenderContext, Resolved, ci_place, resolve, resolved_suggestion};
use crate::diagnostic::{Diagnostic, Severity};

/// Render `diags` as an rdjson `DiagnosticResult` (pretty-printed JSON).
pub fn rdjson(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    let doc = json!({
        "source": { "name": "annexa", "url": super::sarif::INFORMATION_URI },
        "diagnostics": diags.iter().map(|d| diagnostic(d, ctx)).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn diagnostic(d: &Diagnostic, ctx: &RenderContext<'_>) -> Value {
    let (path, range) = ci_place(ctx, d);
    let mut m = Map::new();
    m.insert("message".into(), json!(d.text()));
    m.insert("location".into(), location(path, range.as_ref()));
    m.insert("severity".into(), json!(severity(d.severity)));
    m.insert("code".into(), json!({ "value": d.code }));
    if let Some((r, replacement)) = resolved_suggestion(ctx, d) {
        m.insert(
            "suggestions".into(),
            json!([{ "range": span(&r), "text": replacement }]),
        );
    }
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .map(|rel| {
                let r = resolve(ctx, &rel.location);
                json!({
                    "message": rel.message,
                    "location": location(ctx.checkout_path(&rel.location.file), r.as_ref()),
                })
            })
            .collect();
        m.insert("related_locations".into(), Value::Array(related));
    }
    Value::Object(m)
}

/// A location: the path, and the range when the file was read (else line 1).
fn location(path: String, range: Option<&Resolved<'_>>) -> Value {
    let range = range.map_or_else(|| json!({ "start": { "line": 1 } }), span);
    json!({ "path": path, "range": range })
}

/// A range with UTF-8 byte columns, the end exclusive.
fn span(r: &Resolved<'_>) -> Value {
    let point = |offset: usize, line: usize| json!({ "line": line, "column": byte_column(&r.file.text, offset) });
    json!({
        "start": point(r.start, r.start_lc.line),
        "end": point(r.end, r.end_lc.line),
    })
}

/// The 1-based column of a byte offset counted in bytes from the start of its line (a line
/// ends at `\n`, `\r\n` or a lone `\r`).
fn byte_column(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    offset - line_start + 1
}

/// rdjson's severities are `ERROR`, `WARNING` and `INFO`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Note => "INFO",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_bytes_from_the_line_start() {
        assert_eq!(byte_column("ab\ncé: x", 3), 1);
        // `x` follows a two-byte `é`: character column 5, byte column 6.
        assert_eq!(byte_column("ab\ncé: x", 8), 6);
        assert_eq!(byte_column("a\r\nb", 3), 1);
        assert_eq!(byte_column("a\rb", 2), 1);
        assert_eq!(byte_column("abc", 99), 4);
    }
}
