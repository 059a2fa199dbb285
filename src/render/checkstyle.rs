//! The Checkstyle XML format, which many CI tools and review bots read (Jenkins' warnings
//! plugin, reviewdog, danger): one `<file>` per file with findings, one
//! `<error>` per finding with its line, column, severity, text and code.
//!
//! Paths are relative to the git checkout. A finding about the repository as a whole is
//! placed on line 1 of the configuration file, since Checkstyle has no place for findings
//! without a file. `docs/output.md` documents the mapping.

use super::xml::attr;
use super::{RenderContext, ci_place};
use crate::diagnostic::{Diagnostic, Severity};

/// The version of the Checkstyle format written (the one most consumers expect).
const CHECKSTYLE_VERSION: &str = "4.3";

/// Render `diags` as a Checkstyle XML report.
pub fn checkstyle(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    // Files in the order their first finding comes, findings in the given order.
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    for d in diags {
        let (path, range) = ci_place(ctx, d);
        let position = match range {
            Some(r) => format!(
                "line=\"{}\" column=\"{}\"",
                r.start_lc.line, r.start_lc.column
            ),
            None => "line=\"1\"".to_string(),
        };
        let error = format!(
            "    <error {position} severity=\"{}\" message=\"{}\" source=\"annexa.{}\"/>\n",
            severity(d.severity),
            attr(&d.text()),
            attr(&d.code)
        );
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, errors)) => errors.push(error),
            None => files.push((path, vec![error])),
        }
    }
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"{CHECKSTYLE_VERSION}\">\n"
    );
    for (path, errors) in files {
        out.push_str(&format!("  <file name=\"{}\">\n", attr(&path)));
        out.extend(errors);
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// Checkstyle's severities are `error`, `warning`, `info` (and `ignore`).
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "info",
    }
}
