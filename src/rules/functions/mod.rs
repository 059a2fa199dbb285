//! The functions of the rule language, one module each, and their registry.
//!
//! A function's module holds all of it: its arguments (a serde type that also derives its JSON
//! Schema), their compilation into a [`Check`], the evaluation of that check on a subject, and
//! its documentation (a title, a YAML example, prose, the template names it provides). The
//! registry below lists every function once; a rule file's assertion (`- present: owner`, a
//! one-key mapping) is dispatched through it by name. The assertion part of
//! `schemas/rules.schema.json` and the function reference of `docs/rules.md` are generated from
//! the registry (`generate`, a test that fails when the committed files differ).
//!
//! What functions share lives beside them: argument types with their schemas (`args`), operands
//! of comparisons (`operand`); conditions, failures and the evaluation loop stay in
//! `rules::compile` and `rules::eval`.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::compile::{CompileError, Ctx};
use super::eval::{Env, Failure, Seen, Subject};

pub(crate) mod args;
#[cfg(test)]
mod generate;
mod history;
pub(crate) mod operand;

type Result<T> = std::result::Result<T, CompileError>;

/// A function of the rule language, implemented by the type of its arguments. Its
/// documentation (`TITLE`, `EXAMPLE`, `DOCS`) and the JSON Schema of its arguments are read
/// only by the generator of `docs/rules.md` and `schemas/rules.schema.json`, a test.
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "the documentation is read by the generator, a test"
    )
)]
pub(crate) trait Function: DeserializeOwned + schemars::JsonSchema {
    /// What it asserts, for the heading of its documentation: `the field is present and
    /// non-empty` (lower case, no full stop).
    const TITLE: &'static str;
    /// How it is written in `assert:`: a YAML fragment of a rule (documents separated by
    /// `---` when it shows several rules). Every example must compile (a test checks).
    const EXAMPLE: &'static str;
    /// Markdown after the example: what it does exactly, where findings land.
    const DOCS: &'static str;
    /// The names it adds to message templates (`{days}`), each with what it holds.
    const VARS: &'static [(&'static str, &'static str)] = &[];
    /// Can it run once for the whole repository (`level: repository`)?
    const REPOSITORY: bool = false;

    /// The compiled form.
    type Compiled: Check + 'static;

    /// Check the arguments once (paths, kinds, durations, parameters): a problem is a
    /// [`CompileError`] at the offending argument.
    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<Self::Compiled>;
}

/// A compiled assertion: evaluated on each subject of its rule.
pub(crate) trait Check: fmt::Debug + Send + Sync {
    /// The failures on one subject (an artifact, or an item inside one). `seen` records
    /// values across the rule's subjects (`unique` across the repository).
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, seen: &mut Seen<'_, 'a>) -> Vec<Failure>;

    /// Do its findings depend on other subjects than the one evaluated (or land on another
    /// artifact)? Then a run that reports only some files still evaluates every subject.
    fn needs_every_subject(&self) -> bool {
        false
    }

    /// The files (relative to the root) whose git history evaluating this check on `s` will
    /// read: the history is read for these alone (`crate::git::history`).
    fn history_paths(&self, _s: &Subject<'_>) -> Vec<String> {
        Vec::new()
    }

    /// For a function with [`Function::REPOSITORY`]: its failures for the repository as a whole.
    fn eval_repository(&self, _env: &Env<'_>) -> Vec<Failure> {
        Vec::new()
    }
}

/// Where a function's arguments are in the rule file (`/rules/0/assert/1/fresh`), for errors.
pub(crate) struct At(String);

impl At {
    /// The function's own place (its key).
    pub(crate) fn here(&self) -> &str {
        &self.0
    }

    /// The place of one argument.
    pub(crate) fn arg(&self, name: &str) -> String {
        format!("{}/{name}", self.0)
    }
}

/// A function as the registry holds it.
pub(crate) struct Entry {
    pub name: &'static str,
    /// The template names it provides, with what they hold.
    pub vars: &'static [(&'static str, &'static str)],
    pub repository: bool,
    compile: fn(&Value, &Ctx<'_>, &At) -> Result<Arc<dyn Check>>,
    /// What the committed schema and reference are generated from.
    #[cfg(test)]
    pub doc: Doc,
}

/// A function's documentation and the JSON Schema of its arguments.
#[cfg(test)]
pub(crate) struct Doc {
    pub title: &'static str,
    pub example: &'static str,
    pub text: &'static str,
    pub schema: fn(&mut schemars::SchemaGenerator) -> schemars::Schema,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl Entry {
    const fn of<F: Function>(name: &'static str) -> Entry {
        Entry {
            name,
            vars: F::VARS,
            repository: F::REPOSITORY,
            compile: compile::<F>,
            #[cfg(test)]
            doc: Doc {
                title: F::TITLE,
                example: F::EXAMPLE,
                text: F::DOCS,
                schema: F::json_schema,
            },
        }
    }

    /// Compile the function's arguments `args`, of the assertion at `pointer` in the rule.
    pub(crate) fn compile(
        &'static self,
        args: &Value,
        cx: &Ctx<'_>,
        pointer: &str,
    ) -> Result<Assert> {
        let at = At(format!("{pointer}/{}", self.name));
        Ok(Assert {
            function: self,
            check: (self.compile)(args, cx, &at)?,
        })
    }
}

fn compile<F: Function>(args: &Value, cx: &Ctx<'_>, at: &At) -> Result<Arc<dyn Check>> {
    let args: F = serde_path_to_error::deserialize(args).map_err(|e| CompileError {
        pointer: format!("{}{}", at.here(), super::to_pointer(e.path())).into(),
        message: e.inner().to_string(),
    })?;
    Ok(Arc::new(args.compile(cx, at)?))
}

/// A compiled assertion and the function it uses.
#[derive(Debug, Clone)]
pub(crate) struct Assert {
    pub function: &'static Entry,
    pub check: Arc<dyn Check>,
}

/// The registry: `module::Arguments`, one line per function, in the order of the reference.
/// The module's name is the function's name in rule files.
macro_rules! registry {
    ($($name:ident :: $args:ident),* $(,)?) => {
        $(pub(crate) mod $name;)*

        /// Every function of the rule language.
        pub(crate) static FUNCTIONS: &[Entry] = &[$(Entry::of::<$name::$args>(stringify!($name))),*];

        /// Their names, in the same order.
        pub(crate) static NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

registry! {
    present::Present,
    pattern::Pattern,
    one_of::OneOf,
    compare::Compare,
    meaningful::Meaningful,
    includes::Includes,
    count::Count,
    unique::Unique,
    not_future::NotFuture,
    fresh::Fresh,
    newest::Newest,
    due::Due,
    date_order::DateOrder,
    reference::Reference,
    referenced_by::ReferencedBy,
    requirement::Requirement,
    framework::Framework,
    ai_act_articles::AiActArticles,
    file::File,
    coverage::Coverage,
    covered::Covered,
    exists::Exists,
    recent::Recent,
    continuity::Continuity,
    sections::Sections,
    body::Body,
    approved_body::ApprovedBody,
    versioned_body::VersionedBody,
    provenance::Provenance,
}

/// The function named `name`.
pub(crate) fn find(name: &str) -> Option<&'static Entry> {
    FUNCTIONS.iter().find(|f| f.name == name)
}
