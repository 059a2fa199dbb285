//! Operands of comparisons: a field of the subject (`likelihood`), a field of the artifact
//! another field names (`system->deployed_on`: the artifact whose id is at `system`, then its
//! `deployed_on`), or the product of several fields (`[likelihood, impact]`).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::Path;
use crate::rules::compile::{self, CompileError};
use crate::rules::eval::Env;
use crate::rules::path::FieldPath;

type Result<T> = std::result::Result<T, CompileError>;

/// A field (`local->remote` follows a reference), or a list of fields whose product is used.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(inline)]
pub(crate) enum FieldOrProduct {
    #[schemars(extend("minLength" = 1))]
    Field(String),
    #[schemars(extend("minItems" = 1))]
    Product(Vec<Path>),
}

#[derive(Debug, Clone)]
pub(crate) enum Operand {
    Field(FieldPath),
    /// `local->remote`: the artifact whose id is at `local`, then its field `remote`.
    Deref(FieldPath, FieldPath),
    Product(Vec<FieldPath>),
}

impl Operand {
    /// `path` or `local->remote`.
    pub(crate) fn parse(text: &str, pointer: &str) -> Result<Operand> {
        Ok(match text.split_once("->") {
            Some((local, remote)) => Operand::Deref(
                compile::path(local.trim(), pointer)?,
                compile::path(remote.trim(), pointer)?,
            ),
            None => Operand::Field(compile::path(text, pointer)?),
        })
    }

    pub(crate) fn compile(o: &FieldOrProduct, pointer: &str) -> Result<Operand> {
        match o {
            FieldOrProduct::Field(p) => Operand::parse(p, pointer),
            FieldOrProduct::Product(ps) => Ok(Operand::Product(
                ps.iter()
                    .enumerate()
                    .map(|(i, p)| p.compile(&format!("{pointer}/{i}")))
                    .collect::<Result<_>>()?,
            )),
        }
    }

    /// The value a field operand reaches from the subject's value `v` (`None` for a product,
    /// or when a field or the referenced artifact is missing).
    pub(crate) fn value<'a>(&self, v: &'a Value, env: &Env<'a>) -> Option<&'a Value> {
        match self {
            Operand::Field(p) => p.get(v),
            Operand::Deref(local, remote) => {
                remote.get(&env.index.get(local.get(v)?.as_str()?)?.value)
            }
            Operand::Product(_) => None,
        }
    }
}
