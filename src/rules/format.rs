//! The rule file format (`annexa-rules: v1`), as typed data. `docs/rules.md` documents it
//! with an example of every function; `schemas/rules.schema.json` is its JSON Schema.
//!
//! A rule applies to artifacts of some kinds (optionally to each item of a list inside them,
//! `for_each`), filters them with `when` conditions, and asserts one or more functions. Every
//! failed assertion is one finding, at the span of the field it concerns.

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::Severity;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    /// Format marker: `v1`.
    #[serde(rename = "annexa-rules")]
    pub version: String,
    /// Named values rules refer to as `$name` (durations, numbers); `annexa.toml [params]`
    /// overrides them.
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
    /// Apply to each item of this list inside the artifact (`entries[]`).
    #[serde(default)]
    pub for_each: Option<String>,
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
        referenced_by: ReferencedBy,
    },
    /// The assertion passes on the subject.
    Passes {
        passes: Box<Assertion>,
    },
    Field(FieldCondition),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldCondition {
    pub field: String,
    /// The field equals this value.
    #[serde(default)]
    pub equals: Option<Value>,
    /// The field is one of these values.
    #[serde(default, rename = "in")]
    pub one_of: Option<Vec<Value>>,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReferencedBy {
    pub kinds: Vec<String>,
    /// The field of those artifacts holding the reference(s), e.g. `supports` or
    /// `entries[].implemented_by`.
    pub field: String,
    /// Conditions on the mapping that holds the field (the artifact, or the list item).
    #[serde(default, rename = "where")]
    pub condition: Vec<Condition>,
    /// How many such references are needed (default 1).
    #[serde(default)]
    pub min: Option<usize>,
    /// How many such references are allowed at most.
    #[serde(default)]
    pub max: Option<usize>,
    /// The subject's field that others refer to (default `id`), e.g. `control` for an SoA entry.
    #[serde(default)]
    pub key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Unresolved {
    #[default]
    Report,
    Ignore,
}

/// A duration: literal (`90d`) or read from a field with a default.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum DurationSpec {
    Literal(String),
    Field {
        field: String,
        #[serde(default)]
        default: Option<String>,
    },
}

/// One assertion: exactly one function.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Assertion {
    /// The field is present and non-empty.
    Present(FieldArg),
    /// The field's string value matches a regular expression.
    Pattern { field: String, regex: String },
    /// The field's value is one of these.
    OneOf { field: String, values: Vec<Value> },
    /// Numeric comparison with a constant or with another field (or a product of fields).
    Compare {
        field: FieldOrProduct,
        op: CompareOp,
        #[serde(default)]
        value: Option<NumberSpec>,
        #[serde(default)]
        other: Option<FieldOrProduct>,
    },
    /// The date is not after today.
    NotFuture(FieldArg),
    /// The date is not older than `max_age` (staying so for `margin` more days, if given).
    Fresh {
        field: String,
        max_age: DurationSpec,
        #[serde(default)]
        margin: Option<String>,
    },
    /// The deadline has not passed (and is not within `margin` of today, if given).
    Due {
        field: String,
        #[serde(default)]
        margin: Option<String>,
    },
    /// Each value is the id of an artifact of one of `kinds` that satisfies `where`.
    Reference {
        field: String,
        kinds: Vec<String>,
        /// The field of the target that the value must equal (default: its `id`); with
        /// `[]` the target is an item inside the artifact (`entries[].control`).
        #[serde(default)]
        key: Option<String>,
        #[serde(default, rename = "where")]
        condition: Vec<Condition>,
        /// `ignore`: values that name nothing are skipped (only resolved targets are tested
        /// against `where`). Default `report`.
        #[serde(default)]
        unresolved: Unresolved,
    },
    /// The field's value is unique across the repository (or within the artifact).
    Unique {
        field: String,
        #[serde(default)]
        scope: UniqueScope,
    },
    /// Every requirement of every catalog in scope (of a type) appears among the field's values.
    Coverage {
        field: String,
        #[serde(default = "default_requirement_type")]
        requirement_type: String,
    },
    /// The number of items at `field` that satisfy `where` is within bounds.
    Count {
        field: String,
        #[serde(default, rename = "where")]
        condition: Vec<Condition>,
        #[serde(default)]
        min: Option<usize>,
        #[serde(default)]
        max: Option<usize>,
    },
    /// Each value is a known requirement (`framework/id`) of a catalog, optionally of a type.
    Requirement {
        field: String,
        #[serde(default, rename = "type")]
        requirement_type: Option<String>,
    },
    /// Each value is a framework id that has a catalog (`iso27001:2022`).
    Framework(FieldArg),
    /// Each value, a repository-relative path (URLs are skipped), stays inside the
    /// repository (`inside`) or also names an existing file (`exists`). Files are never read.
    File {
        field: String,
        #[serde(default)]
        check: FileCheck,
    },
    /// At least `min` (default 1) artifacts of `kinds` name the subject in `field`.
    ReferencedBy(ReferencedBy),
    /// The repository holds at least `min` (default 1) artifacts of `kind` satisfying `where`.
    Exists {
        kinds: Vec<String>,
        #[serde(default, rename = "where")]
        condition: Vec<Condition>,
        #[serde(default)]
        min: Option<usize>,
    },
    /// A Markdown artifact has these sections (headings; case and spacing ignored).
    Sections { required: RequiredSections },
    /// The list at `field` includes every one of `values` (`{missing}` names those it lacks).
    Includes { field: String, values: Vec<Value> },
    /// The text says something: present, not a placeholder (`N/A`, `TBD`, `-`, `none`…), at
    /// least `min_length` characters, and not only the title of the requirement named at
    /// `not_title_of` (a justification that repeats the control's title says nothing).
    Meaningful {
        field: String,
        #[serde(default)]
        min_length: Option<usize>,
        #[serde(default)]
        not_title_of: Option<String>,
    },
    /// The newest artifact of `kinds` satisfying `where`, by its `date` (records dated after
    /// today do not count), is at most `max_age` old. Reported at that record's date when it
    /// is too old, at the subject when there is none.
    Recent {
        kinds: Vec<String>,
        #[serde(default, rename = "where")]
        condition: Vec<Condition>,
        date: String,
        max_age: String,
    },
}

/// `sections: { required: … }`: a list, or `$param` naming one. Each item is a section name,
/// or a list of ways to write it (the first is the name shown): `[Society, societal]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum RequiredSections {
    List(Vec<SectionSpec>),
    Param(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum SectionSpec {
    Name(String),
    Alternatives(Vec<String>),
}

fn default_requirement_type() -> String {
    "control".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FileCheck {
    #[default]
    Exists,
    Inside,
}

/// A number, or `$param`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum NumberSpec {
    Number(f64),
    Param(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum FieldArg {
    Short(String),
    Long { field: String },
}

impl FieldArg {
    pub(crate) fn path(&self) -> &str {
        match self {
            FieldArg::Short(s) => s,
            FieldArg::Long { field } => field,
        }
    }
}

/// A field, or the product of several (`[likelihood, impact]`: the risk score).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum FieldOrProduct {
    Field(String),
    Product(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) enum CompareOp {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UniqueScope {
    #[default]
    Repository,
    Artifact,
}
