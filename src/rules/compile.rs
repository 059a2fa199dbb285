//! Compiling a rule definition: every path parsed, regex built, duration and kind checked
//! once, before any artifact is looked at. A problem is reported with the JSON pointer of
//! the offending place in the rule definition. Each function compiles its own arguments
//! (`functions`), with the helpers here: paths, kinds, durations, parameters, conditions.

use serde_json::Value;

use std::collections::BTreeMap;

use super::format::{Assertion, Condition, Level, RuleDef};
use super::functions::{self, Assert, referenced_by::RefBy};
use super::path::FieldPath;
use crate::dates::Duration;
use crate::model::Kind;
use crate::pointer::Pointer;

/// A compile error: where in the rule definition and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompileError {
    pub pointer: Pointer,
    pub message: String,
}

type Result<T> = std::result::Result<T, CompileError>;

pub(crate) fn err<T>(pointer: impl Into<Pointer>, message: impl Into<String>) -> Result<T> {
    Err(CompileError {
        pointer: pointer.into(),
        message: message.into(),
    })
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub def: RuleDef,
    /// Repository-relative path of the rule file (`<built-in>/…` for embedded ones).
    pub(crate) origin: String,
    pub(crate) level: Level,
    /// Empty: every kind.
    pub(crate) kinds: Vec<Kind>,
    /// Empty: the artifact itself is the subject.
    pub(crate) for_each: Vec<FieldPath>,
    pub(crate) when: Vec<Cond>,
    /// Conditions under which findings are warnings.
    pub(crate) warn_when: Vec<Cond>,
    pub(crate) checks: Vec<Assert>,
    /// The parameters in force when it was compiled, for message templates (`{warn_within}`).
    pub(crate) params: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    InScope(String),
    ReferencedBy(RefBy),
    Passes(Assert),
    Field {
        path: FieldPath,
        equals: Option<Value>,
        one_of: Option<Vec<Value>>,
        present: Option<bool>,
        contains: Option<Value>,
        /// (position of the bound in the order, the order).
        before: Option<(usize, Vec<String>)>,
    },
}

/// Named values (`$name`) rules may use, from rule files and `annexa.toml [params]`.
pub(crate) type Params = BTreeMap<String, serde_json::Value>;

/// Compiles with the parameters in force.
pub(crate) struct Ctx<'p> {
    params: &'p Params,
}

pub(crate) fn compile(def: RuleDef, origin: &str, params: &Params) -> Result<Rule> {
    let cx = Ctx { params };
    if !is_code(&def.code) {
        return err(
            "/code",
            format!(
                "rule code `{}` must be upper-case letters followed by digits, e.g. `ORG001`",
                def.code
            ),
        );
    }
    if let Some(problem) = def
        .basis
        .as_ref()
        .and_then(|b| b.problems().into_iter().next())
    {
        return err("/basis", problem);
    }
    let kinds = kinds(&def.kinds, "/kinds")?;
    let for_each = match def.for_each.as_slice() {
        [one] => vec![path(one, "/for_each")?],
        many => many
            .iter()
            .enumerate()
            .map(|(i, p)| path(p, &crate::pointer::Pointer::from("/for_each").item(i)))
            .collect::<Result<Vec<_>>>()?,
    };
    let when = cx.conditions(&def.when, "/when")?;
    let warn_when = cx.conditions(&def.warn_when, "/warn_when")?;
    for (i, control) in def.enforces.iter().enumerate() {
        if crate::catalog::split_reference(control).is_none() {
            return err(
                format!("/enforces/{i}"),
                format!("`{control}` is not a framework-qualified control (`iso42001:2023/A.7.5`)"),
            );
        }
    }
    if def.assertions.is_empty() {
        return err("/assert", "a rule needs at least one assertion");
    }
    let checks = def
        .assertions
        .iter()
        .enumerate()
        .map(|(i, a)| cx.check(a, &format!("/assert/{i}")))
        .collect::<Result<Vec<_>>>()?;
    if def.level == Level::Repository {
        if !kinds.is_empty() || !for_each.is_empty() {
            return err(
                "/level",
                "a repository-level rule takes no `kinds` or `for_each`",
            );
        }
        if let Some(i) = checks.iter().position(|c| !c.function.repository) {
            let names: Vec<String> = functions::FUNCTIONS
                .iter()
                .filter(|f| f.repository)
                .map(|f| format!("`{}`", f.name))
                .collect();
            return err(
                format!("/assert/{i}"),
                format!(
                    "a repository-level rule can only use {}",
                    names.join(" or ")
                ),
            );
        }
        for (name, conds) in [("when", &when), ("warn_when", &warn_when)] {
            if let Some(i) = conds.iter().position(|c| !scope_only(c)) {
                return err(
                    format!("/{name}/{i}"),
                    format!(
                        "a repository-level rule's `{name}` can only test `framework_in_scope` (with `all`, `any`, `not`)"
                    ),
                );
            }
        }
    }
    check_templates(&def, &kinds, params)?;
    let params = params
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_string),
            )
        })
        .collect();
    Ok(Rule {
        params,
        origin: origin.to_string(),
        level: def.level,
        kinds,
        for_each,
        when,
        warn_when,
        checks,
        def,
    })
}

/// Every name in the rule's message, label and help must be one annexa can fill: a field of
/// the rule's kinds (any property their schemas declare), a parameter, or a provided name. A
/// typo would otherwise print as written in every finding.
fn check_templates(def: &RuleDef, kinds: &[Kind], params: &Params) -> Result<()> {
    let fields = crate::validate::property_names(kinds);
    let provided: Vec<&str> = super::template::provided().collect();
    let templates = [
        ("/message", Some(&def.message)),
        ("/label", def.label.as_ref()),
        ("/help", def.help.as_ref()),
    ];
    for (pointer, template) in templates {
        let Some(template) = template else { continue };
        for name in super::template::names(template) {
            let (name, filter) = super::template::split_filter(name);
            if let Some(filter) = filter.filter(|f| !super::template::FILTERS.contains(f)) {
                return err(
                    pointer,
                    format!(
                        "unknown filter `|{filter}` in the template; filters: {}",
                        super::template::FILTERS.join(", ")
                    ),
                );
            }
            if provided.contains(&name) || params.contains_key(name) {
                continue;
            }
            let keys_known = FieldPath::parse(name)
                .ok()
                .map(|p| p.keys().all(|k| fields.contains(k)))
                .unwrap_or(false);
            if keys_known {
                continue;
            }
            let candidates = provided
                .iter()
                .copied()
                .chain(params.keys().map(String::as_str))
                .chain(fields.iter().map(String::as_str));
            let hint = match crate::suggest::did_you_mean(name, candidates) {
                Some(s) => format!("; did you mean `{{{s}}}`?"),
                None => String::new(),
            };
            return err(
                pointer,
                format!(
                    "unknown name `{{{name}}}` in the template: not a field of the rule's kinds, a parameter, or a name annexa provides{hint}"
                ),
            );
        }
    }
    Ok(())
}

/// Does a condition test only the scope (for repository-level rules)?
pub(crate) fn scope_only(c: &Cond) -> bool {
    match c {
        Cond::InScope(_) => true,
        Cond::All(cs) | Cond::Any(cs) => cs.iter().all(scope_only),
        Cond::Not(c) => scope_only(c),
        _ => false,
    }
}

/// `ABC123`: one or more upper-case letters, then one or more digits.
pub(crate) fn is_code(code: &str) -> bool {
    let letters = code.chars().take_while(char::is_ascii_uppercase).count();
    let digits = code[letters..]
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    letters > 0 && digits > 0 && letters + digits == code.len()
}

pub(crate) fn path(text: &str, pointer: &str) -> Result<FieldPath> {
    FieldPath::parse(text).or_else(|e| err(pointer, e))
}

pub(crate) fn kinds(names: &[String], pointer: &str) -> Result<Vec<Kind>> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            Kind::from_name(n).map_or_else(
                || {
                    let hint = crate::suggest::did_you_mean(n, Kind::ALL.iter().map(|k| k.name()))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    err(
                        Pointer::from(pointer).item(i),
                        format!("unknown kind `{n}`{hint}"),
                    )
                },
                Ok,
            )
        })
        .collect()
}

impl Ctx<'_> {
    /// A parameter's value.
    pub(crate) fn param(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }

    /// A duration, literal or `$param`.
    pub(crate) fn duration(&self, text: &str, pointer: &str) -> Result<Duration> {
        let text = match text.strip_prefix('$') {
            Some(name) => match self.params.get(name) {
                Some(serde_json::Value::String(v)) => v.as_str(),
                Some(_) => return err(pointer, format!("parameter `${name}` is not a duration")),
                None => return err(pointer, format!("unknown parameter `${name}`")),
            },
            None => text,
        };
        text.parse().or_else(|e| err(pointer, e))
    }

    /// A number given as `$param`.
    pub(crate) fn number(&self, param: &str, pointer: &str) -> Result<f64> {
        let Some(name) = param.strip_prefix('$') else {
            return err(
                pointer,
                format!("`{param}` is not a number or a `$parameter`"),
            );
        };
        match self.params.get(name).and_then(serde_json::Value::as_f64) {
            Some(n) => Ok(n),
            None => err(
                pointer,
                format!("unknown or non-numeric parameter `${name}`"),
            ),
        }
    }

    pub(crate) fn conditions(&self, conds: &[Condition], pointer: &str) -> Result<Vec<Cond>> {
        conds
            .iter()
            .enumerate()
            .map(|(i, c)| self.condition(c, &Pointer::from(pointer).item(i)))
            .collect()
    }

    fn condition(&self, c: &Condition, pointer: &str) -> Result<Cond> {
        Ok(match c {
            Condition::All { all } => Cond::All(self.conditions(all, &format!("{pointer}/all"))?),
            Condition::Any { any } => Cond::Any(self.conditions(any, &format!("{pointer}/any"))?),
            Condition::Not { not } => {
                Cond::Not(Box::new(self.condition(not, &format!("{pointer}/not"))?))
            }
            Condition::InScope { framework_in_scope } => Cond::InScope(framework_in_scope.clone()),
            Condition::ReferencedBy { referenced_by } => Cond::ReferencedBy(
                referenced_by.compile(self, &format!("{pointer}/referenced_by"))?,
            ),
            Condition::Passes { passes } => {
                Cond::Passes(self.check(passes, &format!("{pointer}/passes"))?)
            }
            Condition::Field(f) => {
                let tests = [
                    f.equals.is_some(),
                    f.one_of.is_some(),
                    f.present.is_some(),
                    f.contains.is_some(),
                    f.before.is_some(),
                ];
                if tests.iter().filter(|t| **t).count() != 1 {
                    return err(
                        pointer,
                        "a field condition needs exactly one of `equals`, `in`, `present`, `contains`, `before`",
                    );
                }
                if f.order.is_some() != f.before.is_some() {
                    return err(pointer, "`before` and `order` go together");
                }
                let before = match (&f.before, &f.order) {
                    (Some(b), Some(o)) => Some(self.order(b, o, pointer)?),
                    _ => None,
                };
                Cond::Field {
                    path: path(&f.field, &format!("{pointer}/field"))?,
                    equals: f.equals.clone(),
                    one_of: f
                        .one_of
                        .as_ref()
                        .map(|v| self.list(v, &format!("{pointer}/in")))
                        .transpose()?,
                    present: f.present,
                    contains: f.contains.clone(),
                    before,
                }
            }
        })
    }

    /// The values of `in`: a list, or a `$param` holding one.
    fn list(&self, value: &Value, pointer: &str) -> Result<Vec<Value>> {
        let resolved = match value {
            Value::String(name) if name.starts_with('$') => match self.params.get(&name[1..]) {
                Some(v) => v,
                None => return err(pointer, format!("unknown parameter `{name}`")),
            },
            other => other,
        };
        match resolved.as_array() {
            Some(items) => Ok(items.clone()),
            None => err(
                pointer,
                "`in` is a list of values, or a `$parameter` holding one",
            ),
        }
    }

    /// `before: X, order: [...]`: the position of X in the order, both possibly `$param`.
    fn order(&self, before: &str, order: &Value, pointer: &str) -> Result<(usize, Vec<String>)> {
        let order = match order {
            Value::String(name) if name.starts_with('$') => match self.params.get(&name[1..]) {
                Some(v) => v.clone(),
                None => {
                    return err(
                        format!("{pointer}/order"),
                        format!("unknown parameter `{name}`"),
                    );
                }
            },
            other => other.clone(),
        };
        let list: Vec<String> = match order.as_array() {
            Some(items) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => return err(format!("{pointer}/order"), "`order` is a list of values"),
        };
        let bound = match before.strip_prefix('$') {
            Some(name) => match self.params.get(name).and_then(Value::as_str) {
                Some(v) => v.to_string(),
                None => {
                    return err(
                        format!("{pointer}/before"),
                        format!("unknown or non-text parameter `{before}`"),
                    );
                }
            },
            None => before.to_string(),
        };
        match list.iter().position(|v| *v == bound) {
            Some(i) => Ok((i, list)),
            None => err(
                format!("{pointer}/before"),
                format!("`{bound}` is not one of the `order`: {}", list.join(", ")),
            ),
        }
    }

    /// An assertion, compiled by its function.
    fn check(&self, a: &Assertion, pointer: &str) -> Result<Assert> {
        a.function.compile(&a.args, self, pointer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(is_code("SOA001"));
        assert!(is_code("X1"));
        assert!(!is_code("soa001"));
        assert!(!is_code("SOA"));
        assert!(!is_code("001"));
        assert!(!is_code("SOA-001"));
    }
}
