//! Argument types several functions share, each with its compilation and its JSON Schema: a
//! `$ref` to the definition in the hand-written part of `schemas/rules.schema.json` (`path`,
//! `duration`, `kinds`, `conditions`), so that every function checks them alike.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use crate::dates;
use crate::model::Kind;
use crate::rules::compile::{self, CompileError, Cond, Ctx};
use crate::rules::format::Condition;
use crate::rules::path::FieldPath;

type Result<T> = std::result::Result<T, CompileError>;

/// A schema that is a reference to one of the rule schema's own definitions.
macro_rules! defined_in_rules_schema {
    ($type:ty, $def:literal) => {
        impl JsonSchema for $type {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                $def.into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "$ref": concat!("#/$defs/", $def) })
            }
        }
    };
}

/// A field path as written (`entries[].control`).
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct Path(pub String);

defined_in_rules_schema!(Path, "path");

impl Path {
    pub(crate) fn compile(&self, pointer: &str) -> Result<FieldPath> {
        compile::path(&self.0, pointer)
    }
}

/// A calendar duration (`90d`, `12mo`) or `$param`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct Duration(pub String);

defined_in_rules_schema!(Duration, "duration");

impl Duration {
    pub(crate) fn compile(&self, cx: &Ctx<'_>, pointer: &str) -> Result<dates::Duration> {
        cx.duration(&self.0, pointer)
    }
}

/// Artifact kinds.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct Kinds(pub Vec<String>);

defined_in_rules_schema!(Kinds, "kinds");

impl Kinds {
    pub(crate) fn compile(&self, pointer: &str) -> Result<Vec<Kind>> {
        compile::kinds(&self.0, pointer)
    }
}

/// Conditions that must all hold (`where`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct Conditions(pub Vec<Condition>);

defined_in_rules_schema!(Conditions, "conditions");

impl Conditions {
    pub(crate) fn compile(&self, cx: &Ctx<'_>, pointer: &str) -> Result<Vec<Cond>> {
        cx.conditions(&self.0, pointer)
    }
}

/// A field path, or `{field: path}`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
#[schemars(inline)]
pub(crate) enum FieldArg {
    Short(Path),
    Long {
        /// The field.
        field: Path,
    },
}

impl FieldArg {
    /// The path, compiled; errors are reported at the function itself (both forms are short).
    pub(crate) fn compile(&self, pointer: &str) -> Result<FieldPath> {
        match self {
            FieldArg::Short(p) | FieldArg::Long { field: p } => p.compile(pointer),
        }
    }
}
