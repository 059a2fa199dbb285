//! Running the examples of rules (`tests: {pass, fail}`): each example is loaded as a small
//! repository, the rule is evaluated on it, and it must report nothing (pass) or at least
//! one finding (fail) — on the line the example names, when it names one. A `fail` example
//! also checks the one-defect-one-finding policy (`crate::supersede`): no schema finding may
//! stand on a line where a built-in rule reports. Used by `annexa test-rules` and by the test suite
//! for built-in rules.

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
                Ok((artifacts, sources)) => {
                    let index = Index::build(&artifacts);
                    let env = Env::new(&index, today, catalogs);
                    let findings = diagnose(rule, &env);
                    let ok = findings.is_empty() == should_pass;
                    let detail = if ok {
                        if should_pass {
                            String::new()
                        } else {
                            fail_problems(rule, example, &findings, &artifacts, &sources)
                        }
                    } else if should_pass {
                        format!("expected no finding, got: {}", messages(&findings))
                    } else {
                        "expected at least one finding, got none".to_string()
                    };
                    CaseResult {
                        code: rule.def.code.clone(),
                        case,
                        ok: detail.is_empty(),
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

/// What is wrong with a `fail` example that reported: the finding is not on the line the
/// example names, or a schema finding stands on the same line (two findings for one defect).
fn fail_problems(
    rule: &Rule,
    example: &Example,
    findings: &[Diagnostic],
    artifacts: &[std::sync::Arc<Artifact>],
    sources: &[SourceFile],
) -> String {
    let line_of = |d: &Diagnostic| {
        let l = d.location.as_ref()?;
        let file = sources.iter().find(|s| s.rel == l.file)?;
        Some((l.file.clone(), file.line_col(l.span.start).line))
    };
    let lines: Vec<(String, usize)> = findings.iter().filter_map(line_of).collect();
    if let Some(want) = example.line()
        && !lines.iter().any(|(_, l)| *l == want)
    {
        let got: Vec<String> = lines.iter().map(|(_, l)| l.to_string()).collect();
        return format!(
            "expected a finding on line {want}, got line(s) {}",
            got.join(", ")
        );
    }
    // Built-in rules' examples are held to the one-defect-one-finding policy; a user's
    // examples may be minimal sketches that leave out required fields.
    let built_in = super::builtin()
        .as_ref()
        .is_ok_and(|set| set.rules.iter().any(|r| r.def.code == rule.def.code));
    if !built_in {
        return String::new();
    }
    let schema: Vec<Diagnostic> = artifacts
        .iter()
        .flat_map(|a| crate::validate::validate(a))
        .collect();
    let all: Vec<Diagnostic> = findings.iter().cloned().chain(schema).collect();
    let kept = crate::supersede::apply(all, super::builtin_registry());
    let doubled: Vec<String> = kept
        .iter()
        .filter(|d| d.code != rule.def.code)
        .filter(|d| line_of(d).is_some_and(|place| lines.contains(&place)))
        .map(|d| format!("{} ({})", d.code, d.message))
        .collect();
    if doubled.is_empty() {
        String::new()
    } else {
        format!(
            "the defect is reported twice: also as {}",
            doubled.join("; ")
        )
    }
}

/// Load an example's artifacts and their files (syntax errors are a problem with the
/// example itself).
type Loaded = (Vec<std::sync::Arc<Artifact>>, Vec<SourceFile>);

fn load(example: &Example) -> Result<Loaded, String> {
    let mut artifacts = Vec::new();
    let mut sources = Vec::new();
    let (yaml, markdown) = match example {
        Example::Yaml(y) | Example::Located { yaml: y, .. } => (Some(y.as_str()), None),
        Example::Markdown { markdown, with, .. } => (with.as_deref(), Some(markdown.as_str())),
    };
    if let Some(text) = yaml {
        let (a, s) = load_one("example.yaml", text, Format::Yaml)?;
        artifacts.extend(a);
        sources.push(s);
    }
    if let Some(text) = markdown {
        let (a, s) = load_one("example.md", text, Format::Markdown)?;
        artifacts.extend(a);
        sources.push(s);
    }
    Ok((artifacts, sources))
}

fn load_one(
    name: &str,
    text: &str,
    format: Format,
) -> Result<(Vec<std::sync::Arc<Artifact>>, SourceFile), String> {
    let file = SourceFile::new(name, name, text);
    let parsed = crate::parse::parse(&file, format, &Limits::default());
    if let Some(d) = parsed.diagnostics.first() {
        return Err(format!("{} {}", d.code, d.message));
    }
    Ok((
        parsed
            .artifacts
            .into_iter()
            .map(std::sync::Arc::new)
            .collect(),
        file,
    ))
}
