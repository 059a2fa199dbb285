//! The rule file format (`annexa-rules: v1`), as typed data. `docs/rules.md` documents it
//! with an example of every function; `schemas/rules.schema.json` is its JSON Schema. The
//! arguments of each function are typed in the function's own module (`functions`).
//!
//! A rule applies to artifacts of some kinds (optionally to each item of a list inside them,
//! `for_each`), filters them with `when` conditions, and asserts one or more functions. Every
//! failed assertion is one finding, at the span of the field it concerns.

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

use super::functions::{self, Entry, referenced_by::RefByArgs};
use crate::diagnostic::Severity;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    /// Format marker: `v1`.
    #[serde(rename = "annexa-rules")]
    pub version: String,
    /// Named values rules refer to as `$name` (durations, numbers, texts, lists, mappings of
    /// lists); `annexa.toml [params]` overrides them, and extends a mapping.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, Value>,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
}

/// What a rule is evaluated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    /// Each artifact of `kinds` (or each item of `for_each` inside them).
    #[default]
    Artifact,
    /// The repository as a whole, once (only `exists` assertions); findings have no file.
    Repository,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub code: String,
    pub title: String,
    pub severity: Severity,
    /// Family (references, coverage, staleness, ai, risk, scope, custom…).
    #[serde(default = "default_family")]
    pub family: String,
    /// `artifact` (default) or `repository`.
    #[serde(default)]
    pub(crate) level: Level,
    /// Kinds the rule applies to (`statement-of-applicability`, `evidence`…); empty for a
    /// repository-level rule (its assertions must then be repository-level: `exists`).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Apply to each item of this list inside the artifact (`entries[]`), or of each of these
    /// lists (`[issues.internal[], issues.external[]]`). Empty: the artifact itself.
    #[serde(default, deserialize_with = "one_or_many")]
    pub for_each: Vec<String>,
    /// Conditions that must all hold for the rule to apply.
    #[serde(default)]
    pub(crate) when: Vec<Condition>,
    /// Conditions under which a finding is only a warning (the rule's `severity` otherwise):
    /// e.g. an AI system that has not reached the life-cycle stage from which a duty applies.
    #[serde(default)]
    pub(crate) warn_when: Vec<Condition>,
    /// The Annex A controls the rule enforces (`iso42001:2023/A.7.5`). When the Statement of
    /// Applicability excludes every one of them, the rule does not run.
    #[serde(default)]
    pub(crate) enforces: Vec<String>,
    #[serde(rename = "assert")]
    pub(crate) assertions: Vec<Assertion>,
    /// Message template: `{field.path}` is replaced by the field's value, `{value}` by the
    /// value the assertion looked at, `{artifact.id}` / `{artifact.kind}` by the artifact's.
    pub message: String,
    /// Text of the label on the offending node (a template too).
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub help: Option<String>,
    /// One line saying what the rule checks (defaults to the title).
    #[serde(default)]
    pub summary: Option<String>,
    /// Markdown documentation.
    pub docs: String,
    /// Clauses or controls the rule derives from (`iso42001:2023/A.5.2`).
    #[serde(default)]
    pub references: Vec<String>,
    /// Why the rule reports: the requirement, certification practice and/or the default
    /// behind it (required of built-in rules by a test, optional for users' rules).
    #[serde(default)]
    pub basis: Option<crate::registry::Basis>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Passing and failing examples, verified by `annexa test-rules`.
    #[serde(default)]
    pub tests: Option<RuleTests>,
}

/// A path, or a list of paths.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(path) => vec![path],
        OneOrMany::Many(paths) => paths,
    })
}

fn default_family() -> String {
    "custom".into()
}

/// Examples: each is a YAML stream of artifacts (a small repository in one string).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTests {
    /// The date the examples are evaluated at.
    #[serde(default)]
    pub today: Option<String>,
    /// Examples on which the rule must report nothing.
    #[serde(default)]
    pub pass: Vec<Example>,
    /// Examples on which the rule must report at least one finding.
    #[serde(default)]
    pub fail: Vec<Example>,
}

/// An example: a YAML stream of artifacts, or a Markdown file (`{markdown: "..."}`) plus
/// optional other artifacts.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Example {
    Yaml(String),
    Markdown {
        markdown: String,
        #[serde(default)]
        with: Option<String>,
        /// For a `fail` example: the line of the Markdown file the finding must be on.
        #[serde(default)]
        line: Option<usize>,
    },
    /// A YAML stream with the line (1-based) a `fail` example's finding must be on.
    Located {
        yaml: String,
        line: usize,
    },
}

impl Example {
    /// The line a `fail` example names, if any.
    pub(crate) fn line(&self) -> Option<usize> {
        match self {
            Example::Yaml(_) => None,
            Example::Markdown { line, .. } => *line,
            Example::Located { line, .. } => Some(*line),
        }
    }
}

/// A condition (`when`, and `where` in `reference`/`count`/`exists`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Condition {
    All {
        all: Vec<Condition>,
    },
    Any {
        any: Vec<Condition>,
    },
    Not {
        not: Box<Condition>,
    },
    InScope {
        /// A framework id (`iso42001:2023`) that the scope declares.
        framework_in_scope: String,
    },
    /// Some artifact of `kinds` names the subject (its `id`) in `field`.
    ReferencedBy {
        referenced_by: RefByArgs,
    },
    /// The assertion passes on the subject.
    Passes {
        passes: Box<Assertion>,
    },
    Field(Box<FieldCondition>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldCondition {
    pub field: String,
    /// The field equals this value.
    #[serde(default)]
    pub equals: Option<Value>,
    /// The field is one of these values: a list, or a `$param` holding one.
    #[serde(default, rename = "in")]
    pub one_of: Option<Value>,
    /// The field is present and non-empty (`true`) or absent or empty (`false`).
    #[serde(default)]
    pub present: Option<bool>,
    /// The field (a list, or a list path with `[]`) contains this value.
    #[serde(default)]
    pub contains: Option<Value>,
    /// The field's value comes before this one in `order` (a literal or `$param`): a
    /// life-cycle stage not yet reached.
    #[serde(default)]
    pub before: Option<String>,
    /// The ordered values `before` compares by (a list, or `$param` naming one).
    #[serde(default)]
    pub order: Option<Value>,
}

/// One assertion: a mapping with one key, the name of a function of the registry
/// ([`super::functions`]), whose value is that function's arguments (compiled by it).
#[derive(Debug, Clone)]
pub(crate) struct Assertion {
    pub function: &'static Entry,
    pub args: Value,
}

impl<'de> Deserialize<'de> for Assertion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, Value>::deserialize(d)?;
        let mut entries = map.into_iter();
        match (entries.next(), entries.next()) {
            (Some((name, args)), None) => match functions::find(&name) {
                Some(function) => Ok(Assertion { function, args }),
                None => Err(de::Error::unknown_variant(&name, functions::NAMES)),
            },
            _ => Err(de::Error::custom(
                "an assertion is a mapping with exactly one function",
            )),
        }
    }
}
