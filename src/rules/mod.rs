//! Declarative rules: loading rule files, compiling them, and turning failed assertions
//! into diagnostics. The format is documented in `docs/rules.md`.
//!
//! Built-in rule files are embedded from `rules/`; user rule files (directories named in
//! `annexa.toml`) are loaded the same way and run exactly like built-in ones.

pub(crate) mod compile;
pub(crate) mod eval;
pub(crate) mod files;
pub(crate) mod format;
pub(crate) mod functions;
pub(crate) mod path;
pub(crate) mod requirements;
pub(crate) mod template;
pub mod testing;
pub(crate) mod text;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

pub use compile::Rule;
pub(crate) use eval::Env;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Artifact, DocView};
use crate::pointer::Pointer;
use crate::registry::{self, Registry, RuleMeta};
use crate::source::Span;
use crate::validate::{self, Compiled};
use crate::yaml::{self, Limits, SpanMap};
use eval::{Concern, Failure, Subject};
use format::RuleFile;

/// Built-in rule files, embedded in the binary.
pub(crate) const BUILTIN_RULE_FILES: &[(&str, &str)] = &[
    (
        "rules/references.yaml",
        include_str!("../../rules/references.yaml"),
    ),
    (
        "rules/coverage.yaml",
        include_str!("../../rules/coverage.yaml"),
    ),
    (
        "rules/staleness.yaml",
        include_str!("../../rules/staleness.yaml"),
    ),
    ("rules/ai.yaml", include_str!("../../rules/ai.yaml")),
    (
        "rules/documents.yaml",
        include_str!("../../rules/documents.yaml"),
    ),
    (
        "rules/eu-ai-act.yaml",
        include_str!("../../rules/eu-ai-act.yaml"),
    ),
    ("rules/risk.yaml", include_str!("../../rules/risk.yaml")),
    ("rules/scope.yaml", include_str!("../../rules/scope.yaml")),
    (
        "rules/records.yaml",
        include_str!("../../rules/records.yaml"),
    ),
    (
        "rules/history.yaml",
        include_str!("../../rules/history.yaml"),
    ),
];

/// The built-in rules, compiled once.
pub fn builtin() -> &'static Result<RuleSet, String> {
    static BUILTIN: OnceLock<Result<RuleSet, String>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        let mut set = RuleSet::default();
        set.load_builtin()?;
        Ok(set)
    })
}

/// The built-in registry (engine codes and built-in rules), built once.
pub fn builtin_registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r = registry::engine_codes();
        match builtin() {
            Ok(rules) => {
                for meta in rules.metas() {
                    if let Err(e) = r.insert(meta) {
                        panic!("built-in rules: {e}");
                    }
                }
            }
            Err(e) => panic!("built-in rules: {e}"),
        }
        r
    })
}

/// A problem in a rule file: always `RULE001`, at the offending node.
fn load_error(file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
    let message = message.into();
    Diagnostic::error(codes::RULE001, format!("invalid rule file: {message}"))
        .at(file, span)
        .with_label("here")
        .with_help("`docs/rules.md` documents the rule format")
        .with_entity(None, Some(message))
}

/// The compiled JSON Schema of rule files.
fn rules_schema() -> &'static Result<Compiled, String> {
    static SCHEMA: OnceLock<Result<Compiled, String>> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        validate::compile(
            "schemas/rules.schema.json",
            include_str!("../../schemas/rules.schema.json"),
        )
    })
}

/// The rules of a run.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Parameters in force: declared by rule files, overridden by `annexa.toml [params]`.
    pub params: compile::Params,
    /// Names set by the configuration (rule files do not change them).
    fixed: std::collections::BTreeSet<String>,
    /// Names declared by the rule files loaded.
    declared: std::collections::BTreeSet<String>,
}

impl RuleSet {
    /// An empty set whose parameters are overridden by the configuration's.
    pub(crate) fn with_params(overrides: &compile::Params) -> Self {
        RuleSet {
            rules: Vec::new(),
            params: overrides.clone(),
            fixed: overrides.keys().cloned().collect(),
            declared: Default::default(),
        }
    }

    /// The built-in rules, compiled with the configuration's parameters.
    pub(crate) fn builtin_with(overrides: &compile::Params) -> Result<RuleSet, String> {
        if overrides.is_empty() {
            return builtin().clone();
        }
        let mut set = RuleSet::with_params(overrides);
        set.load_builtin()?;
        Ok(set)
    }

    fn load_builtin(&mut self) -> Result<(), String> {
        for (name, src) in BUILTIN_RULE_FILES {
            self.load_file(name, src).map_err(|errors| {
                let first = errors
                    .first()
                    .map(|d| d.message.clone())
                    .unwrap_or_default();
                format!("{name}: {first}")
            })?;
        }
        Ok(())
    }

    /// Load and compile one rule file. Rules already present with the same code are a
    /// collision (a configuration error).
    pub fn load_file(&mut self, name: &str, src: &str) -> Result<(), Vec<Diagnostic>> {
        let loaded = yaml::load(src, &Limits::default());
        let mut errors: Vec<Diagnostic> = loaded
            .errors
            .iter()
            .map(|e| load_error(name, e.span, e.message.clone()))
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let schema = match rules_schema() {
            Ok(s) => s,
            Err(e) => {
                return Err(vec![load_error(
                    name,
                    Span::at(0),
                    format!("internal: {e}"),
                )]);
            }
        };
        let mut by_code: BTreeMap<String, usize> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.def.code.clone(), i))
            .collect();
        for (index, doc) in loaded.documents.into_iter().enumerate() {
            let at = |pointer: &str, message: String| {
                load_error(name, span_of(&doc.spans, pointer, doc.span), message)
            };
            let target = validate::Target {
                view: DocView {
                    file: name,
                    value: &doc.value,
                    spans: &doc.spans,
                    span: doc.span,
                },
                name: format!("rule file `{name}`"),
                id: None,
                document: index,
            };
            let schema_errors = validate::validate_with(schema, &target);
            if !schema_errors.is_empty() {
                errors.extend(schema_errors.into_iter().map(|mut d| {
                    d.message = format!("invalid rule file: {}", d.message);
                    d.code = codes::RULE001.into();
                    d
                }));
                continue;
            }
            let file: RuleFile = match serde_path_to_error::deserialize(&doc.value) {
                Ok(f) => f,
                Err(e) => {
                    let pointer = to_pointer(e.path());
                    errors.push(at(&pointer, e.inner().to_string()));
                    continue;
                }
            };
            if file.version != "v1" {
                errors.push(at(
                    "/annexa-rules",
                    format!("unsupported rule format `{}`; expected `v1`", file.version),
                ));
                continue;
            }
            for (k, v) in &file.params {
                self.declared.insert(k.clone());
                if !self.fixed.contains(k) {
                    self.params.insert(k.clone(), v.clone());
                } else if let (Some(Value::Object(set)), Value::Object(defaults)) =
                    (self.params.get_mut(k), v)
                {
                    // A mapping set by the configuration extends the declared one: its keys
                    // are added, or replace those of the same name.
                    for (key, value) in defaults {
                        set.entry(key.clone()).or_insert_with(|| value.clone());
                    }
                }
            }
            for (i, def) in file.rules.into_iter().enumerate() {
                let base = format!("/rules/{i}");
                if let Some(&other) = by_code.get(&def.code) {
                    errors.push(at(
                        &format!("{base}/code"),
                        format!(
                            "rule code `{}` is already defined in `{}`",
                            def.code, self.rules[other].origin
                        ),
                    ));
                    continue;
                }
                match compile::compile(def, name, &self.params) {
                    Ok(rule) => {
                        by_code.insert(rule.def.code.clone(), self.rules.len());
                        self.rules.push(rule);
                    }
                    Err(e) => errors.push(at(&format!("{base}{}", e.pointer), e.message)),
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Parameters set by the configuration that no rule file declares (usually typos).
    pub(crate) fn undeclared_params(&self) -> Vec<&str> {
        self.fixed
            .iter()
            .filter(|k| !self.declared.contains(*k))
            .map(String::as_str)
            .collect()
    }

    /// Every rule's registry entry.
    pub(crate) fn metas(&self) -> impl Iterator<Item = RuleMeta> + '_ {
        self.rules.iter().map(meta)
    }

    /// Evaluate every rule.
    pub fn run(&self, env: &Env<'_>) -> Vec<Diagnostic> {
        self.rules.iter().flat_map(|r| diagnose(r, env)).collect()
    }
}

/// The registry entry of a rule.
pub(crate) fn meta(rule: &Rule) -> RuleMeta {
    let d = &rule.def;
    RuleMeta {
        code: d.code.clone(),
        title: d.title.clone(),
        family: d.family.clone(),
        severity: d.severity,
        summary: d.summary.clone().unwrap_or_else(|| d.title.clone()),
        docs: d.docs.clone(),
        references: d.references.clone(),
        basis: d.basis.clone(),
        tags: d.tags.clone(),
        policy: registry::Policy::default(),
    }
}

/// The span of a pointer in a rule file, or of its nearest ancestor.
fn span_of(spans: &SpanMap, pointer: &str, fallback: Span) -> Span {
    spans
        .nearest(pointer)
        .map(|(_, s)| s.key.unwrap_or(s.value))
        .unwrap_or(fallback)
}

/// The JSON pointer of a place serde reports an error at.
pub(crate) fn to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    let mut p = Pointer::root();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => p = p.item(*index),
            Segment::Map { key } => p = p.child(key),
            Segment::Enum { variant } => p.push(variant),
            Segment::Unknown => {}
        }
    }
    p
}

/// Run one rule and turn its failures into diagnostics.
pub(crate) fn diagnose(rule: &Rule, env: &Env<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (about, failures) in eval::evaluate(rule, env) {
        // `warn_when`: the finding is a warning for this subject (e.g. a duty that applies
        // from a later life-cycle stage).
        let warn = !rule.warn_when.is_empty()
            && match &about {
                Concern::Artifact(s) | Concern::Item(s) => rule
                    .warn_when
                    .iter()
                    .all(|c| eval::holds(c, s, s.value, env)),
                Concern::Repository => rule.warn_when.iter().all(|c| eval::scope_holds(c, env)),
            };
        // Two assertions of one rule failing at the same node (a missing `climate_change`
        // fails both `present: climate_change.relevant` and `meaningful: climate_change.rationale`)
        // are one defect: the first assertion's finding is kept.
        let mut seen = std::collections::HashSet::new();
        for f in failures {
            if !seen.insert((f.pointer.clone(), f.entity.clone())) {
                continue;
            }
            let mut d = match &about {
                Concern::Artifact(s) => to_diagnostic(rule, s, None, f, env),
                Concern::Item(s) => to_diagnostic(rule, s, Some(&s.pointer), f, env),
                Concern::Repository => repository_diagnostic(rule, f, env),
            };
            if warn {
                d.severity = crate::diagnostic::Severity::Warning.min(d.severity);
            }
            out.push(d);
        }
    }
    out
}

/// A finding on an artifact, or on the item at `item` inside it.
fn to_diagnostic(
    rule: &Rule,
    s: &Subject<'_>,
    item: Option<&str>,
    f: Failure,
    env: &Env<'_>,
) -> Diagnostic {
    let a = s.artifact;
    let mut vars: Vec<(&str, String)> = vec![
        ("value", path::display(f.value.as_ref())),
        ("today", env.today.to_string()),
        (
            "artifact.id",
            a.id.clone().unwrap_or_else(|| "(no id)".into()),
        ),
        ("artifact.kind", a.kind.name().to_string()),
        ("artifact.file", a.file.clone()),
    ];
    vars.extend(f.vars.iter().map(|(k, v)| (*k, v.clone())));
    vars.extend(rule.params.iter().map(|(k, v)| (k.as_str(), v.clone())));
    let message = template::render(&rule.def.message, s.value, &vars);
    let label = match &rule.def.label {
        Some(t) => template::render(t, s.value, &vars),
        None => f.label.clone(),
    };
    // Where the finding lands: the subject, or the artifact the failure is about.
    let at: &Artifact = f.elsewhere.as_deref().unwrap_or(a);
    let span = match f.span {
        Some(span) => span,
        None if f.missing => at.missing_anchor(&f.pointer),
        None => at.anchor(&f.pointer),
    };
    // A rule-specific key (`ref:CTL-DLP`) names what is wrong inside its subject: when the
    // subject is an item of a list (`for_each`), the item's own key comes first, so that two
    // items with the same problem keep apart (their fingerprints and baselines too).
    let entity = match (&f.entity, item) {
        (Some(key), None) => key.clone(),
        (Some(key), Some(item)) => format!("{}/{key}", stable_pointer(&a.value, item)),
        (None, _) => stable_pointer(&a.value, &f.pointer),
    };
    let mut d = Diagnostic::new(rule.def.code.clone(), rule.def.severity, message)
        .at(at.file.clone(), span)
        .with_label(label)
        .with_entity(a.id.clone(), Some(format!("{entity}@{}", a.document)));
    if let Some(h) = &rule.def.help {
        d = d.with_help(template::render(h, s.value, &vars));
    }
    if let (Some(fix), Some(written)) = (&f.replacement, f.value.as_ref().and_then(Value::as_str))
        && let Some((span, fix)) = crate::suggest::scalar_edit(span, written, fix)
    {
        d = d.with_suggestion(span, fix);
    }
    for r in f.related {
        d = d.with_related(r.file, r.span, r.message);
    }
    d
}

/// A finding about the repository as a whole (no file).
fn repository_diagnostic(rule: &Rule, f: Failure, env: &Env<'_>) -> Diagnostic {
    let mut vars: Vec<(&str, String)> = vec![("today", env.today.to_string())];
    vars.extend(f.vars.iter().map(|(k, v)| (*k, v.clone())));
    vars.extend(rule.params.iter().map(|(k, v)| (k.as_str(), v.clone())));
    let empty = Value::Null;
    let mut d = Diagnostic::new(
        rule.def.code.clone(),
        rule.def.severity,
        template::render(&rule.def.message, &empty, &vars),
    )
    .with_entity(None, Some(format!("repository:{}", rule.def.code)));
    d.label = Some(match &rule.def.label {
        Some(t) => template::render(t, &empty, &vars),
        None => f.label,
    });
    if let Some(h) = &rule.def.help {
        d = d.with_help(template::render(h, &empty, &vars));
    }
    d
}

/// A pointer whose list indices are replaced by the item's own key where it has one
/// (`/entries/3/justification` → `/entries/iso27001:2022/A.5.3/justification`), so that
/// fingerprints survive items being inserted or reordered.
pub(crate) fn stable_pointer(root: &Value, pointer: &str) -> String {
    let mut out = String::new();
    let mut node = Some(root);
    for token in pointer.split('/').skip(1) {
        let next = node.and_then(|n| match n {
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            Value::Object(map) => map.get(crate::pointer::unescape(token).as_ref()),
            _ => None,
        });
        let key = match (node, next) {
            (Some(Value::Array(_)), Some(Value::Object(item))) => ["id", "control", "name"]
                .iter()
                .find_map(|k| item.get(*k).and_then(Value::as_str))
                .map(|k| format!("[{k}]")),
            _ => None,
        };
        out.push('/');
        out.push_str(&key.unwrap_or_else(|| token.to_string()));
        node = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn engine_codes_load_and_are_documented() {
        let r = builtin_registry();
        assert!(r.iter().count() > 5);
        for m in r.iter() {
            assert!(!m.summary.trim().is_empty(), "{} has no summary", m.code);
            assert!(
                m.docs.trim().len() > 40,
                "{} has too little documentation",
                m.code
            );
            assert!(
                m.code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                "{} is not an upper-case code",
                m.code
            );
        }
    }

    #[test]
    fn stable_pointers_use_item_keys() {
        let v = json!({"entries": [{"control": "iso27001:2022/A.5.1", "x": 1}, {"y": 2}]});
        assert_eq!(
            stable_pointer(&v, "/entries/0/x"),
            "/entries/[iso27001:2022/A.5.1]/x"
        );
        assert_eq!(stable_pointer(&v, "/entries/1/y"), "/entries/1/y");
        assert_eq!(stable_pointer(&v, ""), "");
    }
}
