//! The JSON format: one pretty-printed document with a version number, for scripts and
//! other tools. Its shape is documented in `docs/output.md`; any change to it that could
//! break a consumer (a key removed, renamed or retyped) bumps [`JSON_VERSION`]; new keys
//! may be added without a bump.

use serde_json::{Map, Value, json};

use super::{RenderContext, Summary, Tally, about, resolve, title};
use crate::diagnostic::{Diagnostic, Location};

/// Version of the JSON shape (`"version"` at the top of the document).
pub(crate) const JSON_VERSION: u32 = 1;

/// Render `diags` as the versioned JSON document. Keys appear in a fixed order.
pub fn json(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    let summary = Summary::of(diags, ctx.registry);
    let [errors, warnings, notes] = summary.by_severity();
    let counts =
        |t: &Tally| json!({ "errors": t.errors, "warnings": t.warnings, "notes": t.notes });
    let doc = json!({
        "version": JSON_VERSION,
        "tool": { "name": "annexa", "version": ctx.tool_version },
        "complete": !summary.incomplete,
        "summary": {
            "errors": errors,
            "warnings": warnings,
            "notes": notes,
            "compliance": counts(&summary.compliance),
            "tool": counts(&summary.tool),
        },
        "diagnostics": diags.iter().map(|d| diagnostic(d, ctx)).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn diagnostic(d: &Diagnostic, ctx: &RenderContext<'_>) -> Value {
    // Built key by key (not derived) so that the order and the null-vs-absent choices stay
    // exactly as documented: every key is always present, `null` when unknown.
    let mut m = Map::new();
    m.insert("code".into(), json!(d.code));
    m.insert("title".into(), json!(title(ctx, &d.code)));
    m.insert("severity".into(), json!(d.severity.as_str()));
    m.insert("about".into(), json!(about(ctx, d)));
    m.insert("message".into(), json!(d.message));
    let (file, start, end) = position(d.location.as_ref(), ctx);
    m.insert("file".into(), file);
    m.insert("start".into(), start);
    m.insert("end".into(), end);
    m.insert("label".into(), json!(d.label));
    m.insert("help".into(), json!(d.help));
    m.insert("suggestion".into(), suggestion(d, ctx));
    let related: Vec<Value> = d
        .related
        .iter()
        .map(|r| {
            let (file, start, end) = position(Some(&r.location), ctx);
            json!({ "file": file, "start": start, "end": end, "message": r.message })
        })
        .collect();
    m.insert("related".into(), Value::Array(related));
    m.insert("artifact".into(), json!(d.entity.artifact));
    m.insert("field".into(), json!(d.entity.field));
    m.insert("fingerprint".into(), json!(d.fingerprint()));
    Value::Object(m)
}

/// The single-edit fix: `{start, end, replacement}` in the finding's file, or null.
fn suggestion(d: &Diagnostic, ctx: &RenderContext<'_>) -> Value {
    let (Some(loc), Some(s)) = (&d.location, &d.suggestion) else {
        return Value::Null;
    };
    let at = Location {
        file: loc.file.clone(),
        span: s.span,
    };
    let (_, start, end) = position(Some(&at), ctx);
    json!({ "start": start, "end": end, "replacement": s.replacement })
}

/// `file`, `start` and `end` of a location. When the file is not in the source map the
/// offsets are still given, with `line` and `column` null; without a location all three
/// are null.
fn position(loc: Option<&Location>, ctx: &RenderContext<'_>) -> (Value, Value, Value) {
    let Some(loc) = loc else {
        return (Value::Null, Value::Null, Value::Null);
    };
    let point = |line: Option<usize>, column: Option<usize>, offset: usize| json!({ "line": line, "column": column, "offset": offset });
    match resolve(ctx, loc) {
        Some(r) => (
            json!(loc.file),
            point(Some(r.start_lc.line), Some(r.start_lc.column), r.start),
            point(Some(r.end_lc.line), Some(r.end_lc.column), r.end),
        ),
        None => (
            json!(loc.file),
            point(None, None, loc.span.start),
            point(None, None, loc.span.end.max(loc.span.start)),
        ),
    }
}
