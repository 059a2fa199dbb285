//! The JUnit XML format, for CI systems that show test reports (GitLab's `artifacts:reports:
//! junit`, Jenkins, Azure DevOps and others): one `<testsuite>` per file with findings (and
//! one for the repository as a whole), one `<testcase>` per finding.
//!
//! A finding at or above the `--fail-on` severity is a failed test case: `<failure>` when it
//! is about compliance, `<error>` when it is about the tool (an unreadable file, a
//! configuration error: the check could not run as asked, which is what JUnit's `error`
//! means). A finding below it is a test case that passes, with the finding in `<system-out>`.
//! A report without findings holds one passing test case, because some consumers reject a
//! report with no test at all. The shape follows the Jenkins `junit-10.xsd` schema, which
//! the test suite validates against; `docs/output.md` documents it.

use super::xml::{attr, text};
use super::{RenderContext, Summary, about, resolve, title};
use crate::diagnostic::{Diagnostic, Location};
use crate::registry::About;

/// The name of the test suite of findings that have no file.
const REPOSITORY_SUITE: &str = "(repository)";

/// Render `diags` as a JUnit XML report.
pub fn junit(diags: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    // Suites in the order their first finding comes, findings in the given order.
    let mut suites: Vec<(Option<&str>, Vec<Case>)> = Vec::new();
    for d in diags {
        let file = d.file();
        let case = Case::new(d, ctx);
        match suites.iter_mut().find(|(f, _)| *f == file) {
            Some((_, cases)) => cases.push(case),
            None => suites.push((file, vec![case])),
        }
    }
    let mut body = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    if suites.is_empty() {
        tests = 1;
        body.push_str(&format!(
            "  <testsuite name=\"annexa\" tests=\"1\" failures=\"0\" errors=\"0\">\n    \
             <testcase name=\"{}\" classname=\"annexa\"/>\n  </testsuite>\n",
            attr(&Summary::of(diags, ctx.registry).line())
        ));
    }
    for (file, cases) in &suites {
        let name = file.map_or(REPOSITORY_SUITE.to_string(), |f| ctx.checkout_path(f));
        let count = |o: Outcome| cases.iter().filter(|c| c.outcome == o).count();
        let (f, e) = (count(Outcome::Failure), count(Outcome::Error));
        tests += cases.len();
        failures += f;
        errors += e;
        body.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\"",
            attr(&name),
            cases.len()
        ));
        if file.is_some() {
            body.push_str(&format!(" file=\"{}\"", attr(&name)));
        }
        body.push_str(">\n");
        for c in cases {
            body.push_str(&c.xml(&name));
        }
        body.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"annexa\" tests=\"{tests}\" \
         failures=\"{failures}\" errors=\"{errors}\">\n{body}</testsuites>\n"
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Below `--fail-on`: the test passes; the finding is its output.
    Pass,
    /// A compliance finding at or above `--fail-on`.
    Failure,
    /// A tool finding at or above `--fail-on`.
    Error,
}

/// One finding as a test case.
struct Case {
    name: String,
    code: String,
    message: String,
    outcome: Outcome,
    /// The whole finding as text: severity, code, title, place, message, label, help,
    /// related places.
    details: String,
}

impl Case {
    fn new(d: &Diagnostic, ctx: &RenderContext<'_>) -> Case {
        let at = d.location.as_ref().map(|l| place(l, ctx));
        let name = match &at {
            Some((_, Some((line, column)))) => format!("{} at {line}:{column}", d.code),
            _ => d.code.clone(),
        };
        let outcome = match (d.severity >= ctx.fail_on, ctx.registry.about(&d.code)) {
            (false, _) => Outcome::Pass,
            (true, About::Compliance) => Outcome::Failure,
            (true, About::Tool) => Outcome::Error,
        };
        let heading = match title(ctx, &d.code) {
            Some(t) => format!("{} {}: {t}", d.severity, d.code),
            None => format!("{} {}", d.severity, d.code),
        };
        let mut lines = vec![format!("{heading} ({} finding)", about(ctx, d))];
        lines.push(match &at {
            Some((path, Some((line, column)))) => format!("at {path}:{line}:{column}"),
            Some((path, None)) => format!("at {path}"),
            None => "about the repository as a whole".to_string(),
        });
        lines.extend(d.text_lines());
        for r in &d.related {
            lines.push(match place(&r.location, ctx) {
                (path, Some((line, column))) => {
                    format!("see {path}:{line}:{column}: {}", r.message)
                }
                (path, None) => format!("see {path}: {}", r.message),
            });
        }
        lines.push(format!("`annexa explain {}` documents the code", d.code));
        Case {
            name: format!("{name}: {}", d.message),
            code: d.code.clone(),
            message: d.message.clone(),
            outcome,
            details: lines.join("\n"),
        }
    }

    fn xml(&self, classname: &str) -> String {
        let open = format!(
            "    <testcase name=\"{}\" classname=\"{}\">\n",
            attr(&self.name),
            attr(classname)
        );
        let inner = match self.outcome {
            Outcome::Pass => format!("      <system-out>{}</system-out>\n", text(&self.details)),
            Outcome::Failure | Outcome::Error => {
                let element = if self.outcome == Outcome::Failure {
                    "failure"
                } else {
                    "error"
                };
                format!(
                    "      <{element} type=\"{}\" message=\"{}\">{}</{element}>\n",
                    attr(&self.code),
                    attr(&self.message),
                    text(&self.details)
                )
            }
        };
        format!("{open}{inner}    </testcase>\n")
    }
}

/// The checkout-relative path of a location, and its line and column when its file was read.
fn place(loc: &Location, ctx: &RenderContext<'_>) -> (String, Option<(usize, usize)>) {
    let path = ctx.checkout_path(&loc.file);
    let at = resolve(ctx, loc).map(|r| (r.start_lc.line, r.start_lc.column));
    (path, at)
}
