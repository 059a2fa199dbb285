//! `compare`: numeric comparison of a field (or product of fields) with a constant or another
//! field. Dates compare in calendar order.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::operand::{FieldOrProduct, Operand};
use super::{At, Check, Function, Result};
use crate::pointer::Pointer;
use crate::dates;
use crate::rules::compile::{Ctx, err};
use crate::rules::eval::{Env, Failure, Seen, Subject};
use crate::rules::path::display;

/// A numeric comparison of a field (or product of fields) with a constant `value` or with `other`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Compare {
    /// The left operand; `local->remote` follows the id at `local` to that artifact's `remote` field.
    field: FieldOrProduct,
    /// The comparison.
    op: CompareOp,
    /// A constant right operand, or a `$parameter`.
    #[serde(default)]
    value: Option<NumberSpec>,
    /// A field (or product of fields) as the right operand.
    #[serde(default)]
    other: Option<FieldOrProduct>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(inline)]
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

/// A number, or `$param`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(inline)]
enum NumberSpec {
    Number(f64),
    #[schemars(extend("pattern" = "^\\$[A-Za-z_][A-Za-z0-9_]*$"))]
    Param(String),
}

impl Function for Compare {
    const TITLE: &'static str = "numeric comparison";
    const EXAMPLE: &'static str = r#"assert:
  # residual risk not above inherent risk (products of likelihood and impact)
  - compare:
      field: [residual.likelihood, residual.impact]
      op: "<="
      other: [likelihood, impact]
  - compare: { field: likelihood, op: "<=", value: 5 }
"#;
    const DOCS: &'static str = "\
`op` is one of `<`, `<=`, `>`, `>=`, `==`, `!=`. `field` and `other` are a path or a list of
paths whose product is used; a path `local->remote` reads `remote` in the artifact whose id is
at `local`. Dates compare in calendar order. When an operand is missing the assertion does not
fire (use `present` for that).";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("left", "the left operand's value"),
        ("right", "the right operand's value"),
    ];

    type Compiled = CompareCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<CompareCheck> {
        if self.value.is_some() == self.other.is_some() {
            return err(
                at.here(),
                "`compare` needs exactly one of `value` and `other`",
            );
        }
        Ok(CompareCheck {
            left: Operand::compile(&self.field, &at.arg("field"))?,
            op: self.op,
            value: self
                .value
                .as_ref()
                .map(|v| match v {
                    NumberSpec::Number(n) => Ok(*n),
                    NumberSpec::Param(p) => cx.number(p, &at.arg("value")),
                })
                .transpose()?,
            other: self
                .other
                .as_ref()
                .map(|o| Operand::compile(o, &at.arg("other")))
                .transpose()?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct CompareCheck {
    left: Operand,
    op: CompareOp,
    value: Option<f64>,
    other: Option<Operand>,
}

impl Check for CompareCheck {
    fn eval<'a>(&self, s: &Subject<'a>, env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let Some(l) = number(&self.left, s.value, env) else {
            return Vec::new();
        };
        let r = match (self.value, &self.other) {
            (Some(v), _) => Some(v),
            (None, Some(o)) => number(o, s.value, env),
            _ => None,
        };
        let Some(r) = r else { return Vec::new() };
        let ok = match self.op {
            CompareOp::Lt => l < r,
            CompareOp::Le => l <= r,
            CompareOp::Gt => l > r,
            CompareOp::Ge => l >= r,
            CompareOp::Eq => l == r,
            CompareOp::Ne => l != r,
        };
        if ok {
            return Vec::new();
        }
        let pointer = operand_pointer(&self.left, &s.pointer);
        let value = s.artifact.value.pointer(&pointer).cloned();
        let left_text = operand_text(&self.left, s.value, env).unwrap_or_else(|| fmt_num(l));
        let right_text = self
            .other
            .as_ref()
            .and_then(|o| operand_text(o, s.value, env))
            .unwrap_or_else(|| fmt_num(r));
        let mut f = Failure::at(
            pointer,
            value.as_ref(),
            format!("{left_text} is not {} {right_text}", op_text(self.op)),
        );
        f.missing = false;
        vec![f.var("left", left_text).var("right", right_text)]
    }
}

/// A number, or a date as a day count (so dates compare in calendar order).
fn as_number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| {
        let d = dates::parse_date(v.as_str()?)?;
        Some(dates::days_between(Date::constant(1970, 1, 1), d) as f64)
    })
}

fn number<'a>(o: &Operand, v: &'a Value, env: &Env<'a>) -> Option<f64> {
    match o {
        Operand::Product(ps) => ps
            .iter()
            .map(|p| p.get(v).and_then(Value::as_f64))
            .try_fold(1.0, |acc, x| x.map(|x| acc * x)),
        field => field.value(v, env).and_then(as_number),
    }
}

/// A value for messages: dates print as dates.
fn operand_text<'a>(o: &Operand, v: &'a Value, env: &Env<'a>) -> Option<String> {
    match o {
        Operand::Product(_) => number(o, v, env).map(fmt_num),
        field => field.value(v, env).map(|raw| display(Some(raw))),
    }
}

fn operand_pointer(o: &Operand, base: &Pointer) -> Pointer {
    match o {
        Operand::Field(p) | Operand::Deref(p, _) => p.pointer(base),
        // A product (likelihood × impact) is about the mapping holding its factors.
        Operand::Product(ps) => ps
            .first()
            .and_then(|p| p.pointer(base))
            .map(|p| p.parent()),
    }
    .unwrap_or_else(|| base.clone())
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn op_text(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
        CompareOp::Eq => "==",
        CompareOp::Ne => "!=",
    }
}
