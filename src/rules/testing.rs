//! Running the examples of rules (`tests: {pass, fail}`): each example is loaded as a small
//! repository, the rule is evaluated on it, and it must report nothing (pass) or at least
//! one finding (fail). Used by `annexa test-rules` and by the test suite for built-in rules.

use jiff::civil::Date;

use super::format::Example;
use super::{Env, Rule, diagnose};
use crate::catalog::Catalogs;
use crate::diagnostic::Diagnostic;
use crate::discover::Format;
use crate::model::{Artifact, Index};
use crate::source::SourceFile;
use crate::yaml::Limits;

/// The date examples are evaluated at when a rule's tests do not say.
pub const DEFAULT_TODAY: &str = "2026-01-15";

/// The outcome of one example.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub code: String,
    /// `pass #1`, `fail #2`.
    pub case: String,
    pub ok: bool,
    /// Why it failed: the findings of a pass example, or the problem loading it.
    pub detail: String,
}

/// Run every example of `rules`.
pub fn run(rules: &[Rule], catalogs: &Catalogs) -> Vec<CaseResult> {
    let mut out = Vec::new();
    for rule in rules {
        let Some(tests) = &rule.def.tests else {
            continue;
        };
        let today = tests
            .today
            .as_deref()
            .unwrap_or(DEFAULT_TODAY)
            .parse::<Date>()
            .unwrap_or(Date::constant(2026, 1, 15));
        let cases = tests
            .pass
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("pass #{}", i + 1), e, true))
            .chain(
                tests
                    .fail
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (format!("fail #{}", i + 1), e, false)),
            );
        for (case, example, should_pass) in cases {
            let result = match load(example) {
                Err(problem) => CaseResult {
                    code: rule.def.code.clone(),
                    case,
                    ok: false,
                    detail: format!("the example does not load: {problem}"),
                },
                Ok(artifacts) => {
                    let index = Index::build(&artifacts);
                    let env = Env::new(&index, today, catalogs);
                    let findings = diagnose(rule, &env);
                    let ok = findings.is_empty() == should_pass;
                    let detail = if ok {
                        String::new()
                    } else if should_pass {
                        format!("expected no finding, got: {}", messages(&findings))
                    } else {
                        "expected at least one finding, got none".to_string()
                    };
                    CaseResult {
                        code: rule.def.code.clone(),
                        case,
                        ok,
                        detail,
                    }
                }
            };
            out.push(result);
        }
    }
    out
}

fn messages(findings: &[Diagnostic]) -> String {
    findings
        .iter()
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Load an example's artifacts (syntax errors are a problem with the example itself).
fn load(example: &Example) -> Result<Vec<std::sync::Arc<Artifact>>, String> {
    let mut artifacts = Vec::new();
    let (yaml, markdown) = match example {
        Example::Yaml(y) => (Some(y.as_str()), None),
        Example::Markdown { markdown, with } => (with.as_deref(), Some(markdown.as_str())),
    };
    if let Some(text) = yaml {
        artifacts.extend(load_one("example.yaml", text, Format::Yaml)?);
    }
    if let Some(text) = markdown {
        artifacts.extend(load_one("example.md", text, Format::Markdown)?);
    }
    Ok(artifacts)
}

fn load_one(
    name: &str,
    text: &str,
    format: Format,
) -> Result<Vec<std::sync::Arc<Artifact>>, String> {
    let file = SourceFile::new(name, name, text);
    let parsed = crate::parse::parse(&file, format, &Limits::default());
    if let Some(d) = parsed.diagnostics.first() {
        return Err(format!("{} {}", d.code, d.message));
    }
    Ok(parsed
        .artifacts
        .into_iter()
        .map(std::sync::Arc::new)
        .collect())
}
