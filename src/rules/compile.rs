//! Compiling a rule definition: every path parsed, regex built, duration and kind checked
//! once, before any artifact is looked at. A problem is reported with the JSON pointer of
//! the offending place in the rule definition.

use regex::Regex;
use serde_json::Value;

use std::collections::BTreeMap;

use super::format::{
    Assertion, CompareOp, Condition, DurationSpec, FieldOrProduct, FileCheck, Level, NumberSpec,
    ReferencedBy, RequiredSections, RuleDef, SectionSpec, UniqueScope,
};
use super::path::FieldPath;
use crate::dates::Duration;
use crate::model::Kind;

/// A compile error: where in the rule definition (JSON pointer) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompileError {
    pub pointer: String,
    pub message: String,
}

type Result<T> = std::result::Result<T, CompileError>;

fn err<T>(pointer: impl Into<String>, message: impl Into<String>) -> Result<T> {
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
    pub(crate) for_each: Option<FieldPath>,
    pub(crate) when: Vec<Cond>,
    /// Conditions under which findings are warnings.
    pub(crate) warn_when: Vec<Cond>,
    pub(crate) checks: Vec<Check>,
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
    Passes(Box<Check>),
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

/// `referenced_by`: artifacts of `kinds` that name the subject in `field`.
#[derive(Debug, Clone)]
pub(crate) struct RefBy {
    pub kinds: Vec<Kind>,
    pub field: FieldPath,
    pub condition: Vec<Cond>,
    pub min: usize,
    pub max: Option<usize>,
    /// The subject's field that the references name (default `id`).
    pub key: FieldPath,
}

#[derive(Debug, Clone)]
pub(crate) enum Operand {
    Field(FieldPath),
    /// `local->remote`: the artifact whose id is at `local`, then its field `remote`.
    Deref(FieldPath, FieldPath),
    Product(Vec<FieldPath>),
}

#[derive(Debug, Clone)]
pub(crate) enum Age {
    Literal(Duration),
    Field {
        path: FieldPath,
        default: Option<Duration>,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum Check {
    Present(FieldPath),
    Pattern(FieldPath, Regex),
    OneOf(FieldPath, Vec<Value>),
    Compare {
        left: Operand,
        op: CompareOp,
        value: Option<f64>,
        other: Option<Operand>,
    },
    NotFuture(FieldPath),
    Fresh {
        field: FieldPath,
        max_age: Age,
        margin: Option<Duration>,
    },
    Due {
        field: FieldPath,
        margin: Option<Duration>,
    },
    Reference {
        field: FieldPath,
        kinds: Vec<Kind>,
        key: Option<FieldPath>,
        condition: Vec<Cond>,
        ignore_unresolved: bool,
    },
    Framework(FieldPath),
    Unique {
        field: FieldPath,
        scope: UniqueScope,
    },
    Includes {
        field: FieldPath,
        values: Vec<Value>,
    },
    Meaningful {
        field: FieldPath,
        min_length: usize,
        not_title_of: Option<FieldPath>,
    },
    Recent {
        kinds: Vec<Kind>,
        condition: Vec<Cond>,
        date: String,
        max_age: Duration,
    },
    Coverage {
        field: FieldPath,
        requirement_type: String,
    },
    Count {
        field: FieldPath,
        condition: Vec<Cond>,
        min: Option<usize>,
        max: Option<usize>,
    },
    Exists {
        kinds: Vec<Kind>,
        condition: Vec<Cond>,
        min: usize,
    },
    /// Each required section: the ways to write it, normalised (the first is its name).
    Sections(Vec<Vec<String>>),
    Requirement {
        field: FieldPath,
        requirement_type: Option<String>,
    },
    File {
        field: FieldPath,
        check: FileCheck,
    },
    ReferencedBy(RefBy),
}

/// Named values (`$name`) rules may use, from rule files and `annexa.toml [params]`.
pub(crate) type Params = BTreeMap<String, serde_json::Value>;

/// Compiles with the parameters in force.
struct Ctx<'p> {
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
    let for_each = def
        .for_each
        .as_deref()
        .map(|p| path(p, "/for_each"))
        .transpose()?;
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
        if !kinds.is_empty() || for_each.is_some() {
            return err(
                "/level",
                "a repository-level rule takes no `kinds` or `for_each`",
            );
        }
        if let Some(i) = checks
            .iter()
            .position(|c| !matches!(c, Check::Exists { .. }))
        {
            return err(
                format!("/assert/{i}"),
                "a repository-level rule can only use `exists`",
            );
        }
        if let Some(i) = when.iter().position(|c| !scope_only(c)) {
            return err(
                format!("/when/{i}"),
                "a repository-level rule's `when` can only test `framework_in_scope` (with `all`, `any`, `not`)",
            );
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
    let templates = [
        ("/message", Some(&def.message)),
        ("/label", def.label.as_ref()),
        ("/help", def.help.as_ref()),
    ];
    for (pointer, template) in templates {
        let Some(template) = template else { continue };
        for name in super::template::names(template) {
            if super::template::PROVIDED.contains(&name) || params.contains_key(name) {
                continue;
            }
            let keys_known = FieldPath::parse(name)
                .ok()
                .map(|p| p.keys().all(|k| fields.contains(k)))
                .unwrap_or(false);
            if keys_known {
                continue;
            }
            let candidates = super::template::PROVIDED
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

fn path(text: &str, pointer: &str) -> Result<FieldPath> {
    FieldPath::parse(text).or_else(|e| err(pointer, e))
}

fn kinds(names: &[String], pointer: &str) -> Result<Vec<Kind>> {
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
                        format!("{pointer}/{i}"),
                        format!("unknown kind `{n}`{hint}"),
                    )
                },
                Ok,
            )
        })
        .collect()
}

impl Ctx<'_> {
    /// A duration, literal or `$param`.
    fn duration(&self, text: &str, pointer: &str) -> Result<Duration> {
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

    fn number(&self, spec: &NumberSpec, pointer: &str) -> Result<f64> {
        match spec {
            NumberSpec::Number(n) => Ok(*n),
            NumberSpec::Param(p) => {
                let Some(name) = p.strip_prefix('$') else {
                    return err(pointer, format!("`{p}` is not a number or a `$parameter`"));
                };
                match self.params.get(name).and_then(serde_json::Value::as_f64) {
                    Some(n) => Ok(n),
                    None => err(
                        pointer,
                        format!("unknown or non-numeric parameter `${name}`"),
                    ),
                }
            }
        }
    }

    fn ref_by(&self, r: &ReferencedBy, pointer: &str) -> Result<RefBy> {
        Ok(RefBy {
            kinds: kinds(&r.kinds, &format!("{pointer}/kinds"))?,
            field: path(&r.field, &format!("{pointer}/field"))?,
            condition: self.conditions(&r.condition, &format!("{pointer}/where"))?,
            // With only a maximum, no minimum applies.
            min: r.min.unwrap_or(if r.max.is_some() { 0 } else { 1 }),
            max: r.max,
            key: path(r.key.as_deref().unwrap_or("id"), &format!("{pointer}/key"))?,
        })
    }

    fn conditions(&self, conds: &[Condition], pointer: &str) -> Result<Vec<Cond>> {
        conds
            .iter()
            .enumerate()
            .map(|(i, c)| self.condition(c, &format!("{pointer}/{i}")))
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
            Condition::ReferencedBy { referenced_by } => {
                Cond::ReferencedBy(self.ref_by(referenced_by, &format!("{pointer}/referenced_by"))?)
            }
            Condition::Passes { passes } => {
                Cond::Passes(Box::new(self.check(passes, &format!("{pointer}/passes"))?))
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
                    one_of: f.one_of.clone(),
                    present: f.present,
                    contains: f.contains.clone(),
                    before,
                }
            }
        })
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

    fn operand(&self, o: &FieldOrProduct, pointer: &str) -> Result<Operand> {
        Ok(match o {
            FieldOrProduct::Field(p) => match p.split_once("->") {
                Some((local, remote)) => {
                    Operand::Deref(path(local.trim(), pointer)?, path(remote.trim(), pointer)?)
                }
                None => Operand::Field(path(p, pointer)?),
            },
            FieldOrProduct::Product(ps) => Operand::Product(
                ps.iter()
                    .enumerate()
                    .map(|(i, p)| path(p, &format!("{pointer}/{i}")))
                    .collect::<Result<_>>()?,
            ),
        })
    }

    fn check(&self, a: &Assertion, pointer: &str) -> Result<Check> {
        let at = |name: &str| format!("{pointer}/{name}");
        Ok(match a {
            Assertion::Present(f) => Check::Present(path(f.path(), &at("present"))?),
            Assertion::Pattern { field, regex } => {
                let re = Regex::new(regex).or_else(|e| {
                    err(
                        at("pattern/regex"),
                        format!("invalid regular expression: {e}"),
                    )
                })?;
                Check::Pattern(path(field, &at("pattern/field"))?, re)
            }
            Assertion::OneOf { field, values } => {
                Check::OneOf(path(field, &at("one_of/field"))?, values.clone())
            }
            Assertion::Compare {
                field,
                op,
                value,
                other,
            } => {
                if value.is_some() == other.is_some() {
                    return err(
                        at("compare"),
                        "`compare` needs exactly one of `value` and `other`",
                    );
                }
                Check::Compare {
                    left: self.operand(field, &at("compare/field"))?,
                    op: *op,
                    value: value
                        .as_ref()
                        .map(|v| self.number(v, &at("compare/value")))
                        .transpose()?,
                    other: other
                        .as_ref()
                        .map(|o| self.operand(o, &at("compare/other")))
                        .transpose()?,
                }
            }
            Assertion::NotFuture(f) => Check::NotFuture(path(f.path(), &at("not_future"))?),
            Assertion::Fresh {
                field,
                max_age,
                margin,
            } => Check::Fresh {
                field: path(field, &at("fresh/field"))?,
                max_age: match max_age {
                    DurationSpec::Literal(s) => {
                        Age::Literal(self.duration(s, &at("fresh/max_age"))?)
                    }
                    DurationSpec::Field { field, default } => Age::Field {
                        path: path(field, &at("fresh/max_age/field"))?,
                        default: default
                            .as_deref()
                            .map(|d| self.duration(d, &at("fresh/max_age/default")))
                            .transpose()?,
                    },
                },
                margin: margin
                    .as_deref()
                    .map(|m| self.duration(m, &at("fresh/margin")))
                    .transpose()?,
            },
            Assertion::Due { field, margin } => Check::Due {
                field: path(field, &at("due/field"))?,
                margin: margin
                    .as_deref()
                    .map(|m| self.duration(m, &at("due/margin")))
                    .transpose()?,
            },
            Assertion::Reference {
                field,
                kinds: ks,
                key,
                condition: c,
                unresolved,
            } => {
                if ks.is_empty() {
                    return err(at("reference/kinds"), "`reference` needs at least one kind");
                }
                Check::Reference {
                    field: path(field, &at("reference/field"))?,
                    kinds: kinds(ks, &at("reference/kinds"))?,
                    key: key
                        .as_deref()
                        .map(|k| path(k, &at("reference/key")))
                        .transpose()?,
                    condition: self.conditions(c, &at("reference/where"))?,
                    ignore_unresolved: *unresolved == super::format::Unresolved::Ignore,
                }
            }
            Assertion::Unique { field, scope } => Check::Unique {
                field: path(field, &at("unique/field"))?,
                scope: *scope,
            },
            Assertion::Coverage {
                field,
                requirement_type,
            } => Check::Coverage {
                field: path(field, &at("coverage/field"))?,
                requirement_type: requirement_type.clone(),
            },
            Assertion::Count {
                field,
                condition: c,
                min,
                max,
            } => {
                if min.is_none() && max.is_none() {
                    return err(at("count"), "`count` needs `min`, `max` or both");
                }
                Check::Count {
                    field: path(field, &at("count/field"))?,
                    condition: self.conditions(c, &at("count/where"))?,
                    min: *min,
                    max: *max,
                }
            }
            Assertion::Exists {
                kinds: ks,
                condition: c,
                min,
            } => Check::Exists {
                kinds: kinds(ks, &at("exists/kinds"))?,
                condition: self.conditions(c, &at("exists/where"))?,
                min: min.unwrap_or(1),
            },
            Assertion::Includes { field, values } => {
                if values.is_empty() {
                    return err(at("includes/values"), "list at least one value");
                }
                Check::Includes {
                    field: path(field, &at("includes/field"))?,
                    values: values.clone(),
                }
            }
            Assertion::Meaningful {
                field,
                min_length,
                not_title_of,
            } => Check::Meaningful {
                field: path(field, &at("meaningful/field"))?,
                min_length: min_length.unwrap_or(super::text::DEFAULT_MIN_LENGTH),
                not_title_of: not_title_of
                    .as_deref()
                    .map(|p| path(p, &at("meaningful/not_title_of")))
                    .transpose()?,
            },
            Assertion::Recent {
                kinds: ks,
                condition: c,
                date,
                max_age,
            } => {
                if date.is_empty() || date.contains(['.', '[']) {
                    return err(
                        at("recent/date"),
                        "`date` names a top-level date field of the records (`held_on`)",
                    );
                }
                Check::Recent {
                    kinds: kinds(ks, &at("recent/kinds"))?,
                    condition: self.conditions(c, &at("recent/where"))?,
                    date: date.clone(),
                    max_age: self.duration(max_age, &at("recent/max_age"))?,
                }
            }
            Assertion::Sections { required } => {
                let list = match required {
                    RequiredSections::List(items) => items.clone(),
                    RequiredSections::Param(name) => {
                        let value = name
                            .strip_prefix('$')
                            .and_then(|n| self.params.get(n))
                            .cloned();
                        match value.map(serde_json::from_value::<Vec<SectionSpec>>) {
                            Some(Ok(items)) => items,
                            _ => {
                                return err(
                                    at("sections/required"),
                                    format!(
                                        "`{name}` is not a parameter holding a list of sections"
                                    ),
                                );
                            }
                        }
                    }
                };
                let groups: Vec<Vec<String>> = list
                    .iter()
                    .map(|spec| match spec {
                        SectionSpec::Name(n) => vec![n.clone()],
                        SectionSpec::Alternatives(names) => names.clone(),
                    })
                    .filter(|g| !g.is_empty())
                    .collect();
                if groups.is_empty() {
                    return err(at("sections/required"), "list at least one section");
                }
                Check::Sections(groups)
            }
            Assertion::Requirement {
                field,
                requirement_type,
            } => Check::Requirement {
                field: path(field, &at("requirement/field"))?,
                requirement_type: requirement_type.clone(),
            },
            Assertion::File { field, check } => Check::File {
                field: path(field, &at("file/field"))?,
                check: *check,
            },
            Assertion::ReferencedBy(r) => {
                Check::ReferencedBy(self.ref_by(r, &at("referenced_by"))?)
            }
            Assertion::Framework(f) => Check::Framework(path(f.path(), &at("framework"))?),
        })
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
