//! Evaluating compiled rules over the repository index.
//!
//! For each rule: every artifact of its kinds (every item of `for_each` inside them), kept
//! when all `when` conditions hold; each assertion that fails yields a [`Failure`] — the
//! place (JSON pointer) it concerns and the values the message may interpolate — which
//! [`super::diagnose`] turns into a diagnostic at that node's span.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use serde_json::Value;

use super::compile::{Age, Check, Cond, Operand, RefBy, Rule};
use super::format::{CompareOp, Level, UniqueScope};
use super::path::{FieldPath, display, is_non_empty};
use crate::catalog::Catalogs;
use crate::dates::{self, Duration};
use crate::model::{Artifact, Compliance, Index, Kind};
use crate::source::Span;
use crate::suggest::did_you_mean;

/// A place naming a key: the artifact (its index), the mapping holding the field (tested by
/// `where`), and the exact value naming the key (where a label points).
#[derive(Debug, Clone)]
struct Place {
    artifact: usize,
    holder: String,
    at: String,
}

/// Places by the key naming them.
type PlaceMap = HashMap<String, Vec<Place>>;

/// What rules are evaluated against.
pub struct Env<'a> {
    pub index: &'a Index<'a>,
    pub today: Date,
    pub catalogs: &'a Catalogs,
    /// The repository as a management system: frameworks in scope, the SoA, periodic records.
    pub model: Compliance<'a>,
    /// The repository root, for `file` (paths are checked, never read). `None`: no file
    /// system (rule examples), and `file` checks only that paths stay inside.
    pub root: Option<std::path::PathBuf>,
    /// Evaluate only subjects in these repository-relative files or folders (a run that
    /// reports only them: every finding sits in its subject's file). `None`: every subject.
    pub focus: Option<Vec<String>>,
    /// Maps built once per (kinds, field) and shared by all rules and subjects.
    cache: Mutex<HashMap<String, Arc<PlaceMap>>>,
    /// The same maps by the addresses of the arguments a rule passes.
    sites: Mutex<HashMap<(usize, usize), Arc<PlaceMap>>>,
}

impl<'a> Env<'a> {
    pub fn new(index: &'a Index<'a>, today: Date, catalogs: &'a Catalogs) -> Self {
        Env {
            index,
            today,
            catalogs,
            model: Compliance::build(index.all()),
            root: None,
            focus: None,
            cache: Mutex::new(HashMap::new()),
            sites: Mutex::new(HashMap::new()),
        }
    }

    pub fn with_root(mut self, root: std::path::PathBuf) -> Self {
        self.root = Some(root);
        self
    }

    /// Every value at `field` in artifacts of `kinds`, mapped to the places holding it: the
    /// item that holds the key (for `key` lookups) or the mapping that holds the field (for
    /// `referenced_by`). List values are spread: each item is a key.
    fn places(&self, kinds: &[Kind], field: &FieldPath) -> Arc<PlaceMap> {
        // Rules ask with the same (compiled, long-lived) arguments for every subject: look
        // them up by address first, and by value only the first time.
        let site = (kinds.as_ptr() as usize, field as *const FieldPath as usize);
        memo(&self.sites, site, || {
            let names: Vec<String> = kinds.iter().map(|k| k.name().replace('-', " ")).collect();
            let key = format!("{}|{field:?}", names.join(","));
            memo(&self.cache, key, || {
                Arc::new(self.build_places(kinds, field))
            })
        })
    }

    fn build_places(&self, kinds: &[Kind], field: &FieldPath) -> PlaceMap {
        let mut map: PlaceMap = HashMap::new();
        for (i, a) in self.index.all().iter().enumerate() {
            if !kinds.contains(&a.kind) {
                continue;
            }
            for h in field.select(&a.value, "") {
                let Some(v) = h.value else { continue };
                let holder = parent(&h.pointer).to_string();
                let mut add = |k: &Value, at: String| {
                    if let Some(k) = k.as_str() {
                        map.entry(k.to_string()).or_default().push(Place {
                            artifact: i,
                            holder: holder.clone(),
                            at,
                        });
                    }
                };
                match v {
                    Value::Array(items) => {
                        for (n, item) in items.iter().enumerate() {
                            add(item, format!("{}/{n}", h.pointer));
                        }
                    }
                    other => add(other, h.pointer.clone()),
                }
            }
        }
        map
    }
}

/// The value of `key` in a shared map, made (outside the lock) the first time.
fn memo<K: std::hash::Hash + Eq, V>(
    map: &Mutex<HashMap<K, Arc<V>>>,
    key: K,
    make: impl FnOnce() -> Arc<V>,
) -> Arc<V> {
    let lock = || map.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(v) = lock().get(&key) {
        return Arc::clone(v);
    }
    let v = make();
    lock().insert(key, Arc::clone(&v));
    v
}

/// The pointer of the mapping that holds the node at `pointer`.
fn parent(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(p, _)| p)
}

/// A secondary place that explains a failure.
#[derive(Debug, Clone)]
pub(crate) struct RelatedPlace {
    pub file: String,
    pub span: Span,
    pub message: String,
}

/// One failed assertion.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    /// JSON pointer of the node concerned (absolute in the artifact).
    pub pointer: String,
    /// True when the node is missing: the finding is anchored at its parent.
    pub missing: bool,
    /// The value the assertion looked at.
    pub value: Option<Value>,
    /// Extra template variables (`missing`, `limit`, `suggestion`…).
    pub vars: Vec<(&'static str, String)>,
    /// Label text when the rule gives none.
    pub label: String,
    pub related: Vec<RelatedPlace>,
    /// Stable key of the entity for fingerprints (defaults to the pointer).
    pub entity: Option<String>,
    /// The finding is about another artifact than the subject (the stale record of
    /// `recent`): it is reported there, at `pointer` inside it.
    pub elsewhere: Option<Arc<Artifact>>,
    /// The finding is at this span of the subject's file rather than at a node of its value
    /// (a Markdown heading of `sections`).
    pub span: Option<Span>,
}

impl Failure {
    fn at(pointer: impl Into<String>, value: Option<&Value>, label: impl Into<String>) -> Self {
        Failure {
            pointer: pointer.into(),
            missing: value.is_none(),
            value: value.cloned(),
            vars: Vec::new(),
            label: label.into(),
            related: Vec::new(),
            entity: None,
            elsewhere: None,
            span: None,
        }
    }

    fn var(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.vars.push((name, value.into()));
        self
    }
}

/// One context a rule looks at: an artifact, or an item inside it.
#[derive(Clone)]
pub(crate) struct Subject<'a> {
    pub artifact: &'a Artifact,
    /// Pointer of the item (`""` for the artifact itself).
    pub pointer: String,
    pub value: &'a Value,
}

/// Every subject of a rule, with its failures.
pub(crate) fn evaluate<'a>(rule: &Rule, env: &Env<'a>) -> Vec<(Subject<'a>, Vec<Failure>)> {
    let mut out = Vec::new();
    if rule.level == Level::Repository {
        return repository_level(rule, env);
    }
    // A rule that enforces Annex A controls does not run when the SoA excludes them all.
    let enforces = &rule.def.enforces;
    if !enforces.is_empty()
        && enforces
            .iter()
            .all(|c| env.model.soa_entry(c).and_then(|e| e.applicable()) == Some(false))
    {
        return out;
    }
    let mut artifacts: Vec<&'a Artifact> = if rule.kinds.is_empty() {
        env.index.all().iter().map(|a| &**a).collect()
    } else {
        rule.kinds
            .iter()
            .flat_map(|k| env.index.of_kind(*k))
            .collect()
    };
    // Uniqueness across the repository needs every subject; other findings of a subject
    // depend on it alone.
    let repository_unique = rule.checks.iter().any(|c| {
        matches!(
            c,
            Check::Unique {
                scope: UniqueScope::Repository,
                ..
            }
        )
    });
    // `recent` reports at another artifact than its subject: every subject is evaluated, and
    // the run's selection keeps the findings in the selected files.
    let reports_elsewhere = rule
        .checks
        .iter()
        .any(|c| matches!(c, Check::Recent { .. }));
    if let Some(focus) = &env.focus
        && !repository_unique
        && !reports_elsewhere
    {
        artifacts.retain(|a| crate::discover::selected(&a.file, focus));
    }
    // Repository-wide state for `unique`: value → first place seen.
    let mut seen: HashMap<(usize, String), (&'a Artifact, String)> = HashMap::new();
    for artifact in artifacts {
        let subjects: Vec<Subject<'a>> = match &rule.for_each {
            None => vec![Subject {
                artifact,
                pointer: String::new(),
                value: &artifact.value,
            }],
            Some(p) => p
                .select(&artifact.value, "")
                .into_iter()
                .filter_map(|h| {
                    h.value.map(|value| Subject {
                        artifact,
                        pointer: h.pointer,
                        value,
                    })
                })
                .collect(),
        };
        for subject in subjects {
            if !rule
                .when
                .iter()
                .all(|c| holds(c, &subject, subject.value, env))
            {
                continue;
            }
            let mut failures = Vec::new();
            for (i, check) in rule.checks.iter().enumerate() {
                failures.extend(run_check(check, &subject, env, &mut |key| {
                    let k = (i, key.0.to_string());
                    match seen.get(&k) {
                        Some(first) => Some(first.clone()),
                        None => {
                            seen.insert(k, (subject.artifact, key.1.to_string()));
                            None
                        }
                    }
                }));
            }
            if !failures.is_empty() {
                out.push((subject, failures));
            }
        }
    }
    out
}

/// A repository-level rule: its `exists` assertions, once. Its `when` may only test the
/// scope (checked at compile time). Findings are reported through a subject whose pointer
/// is `#`, which `diagnose` turns into a repository-level diagnostic (no file).
fn repository_level<'a>(rule: &Rule, env: &Env<'a>) -> Vec<(Subject<'a>, Vec<Failure>)> {
    if env.focus.is_some() {
        // Its findings are in no file: a focused run does not report them.
        return Vec::new();
    }
    static NULL: Value = Value::Null;
    // Only scope conditions are allowed here (checked at compile time).
    static NOTHING: Value = Value::Null;
    let s = Subject {
        artifact: placeholder(),
        pointer: "#".into(),
        value: &NOTHING,
    };
    let applies = rule.when.iter().all(|c| holds(c, &s, &NOTHING, env));
    if !applies {
        return Vec::new();
    }
    let mut failures = Vec::new();
    for check in &rule.checks {
        if let Check::Exists {
            kinds,
            condition,
            min,
        } = check
        {
            let n = count_matching(kinds, condition, None, env);
            if n < *min {
                let mut f = Failure::at("#", None, format!("{n} found"));
                f.missing = false;
                failures.push(f.var("count", n.to_string()).var("limit", min.to_string()));
            }
        }
    }
    if failures.is_empty() {
        return Vec::new();
    }
    vec![(
        Subject {
            artifact: placeholder(),
            pointer: "#".into(),
            value: &NULL,
        },
        failures,
    )]
}

/// An artifact standing for "the repository" when it holds none.
fn placeholder() -> &'static Artifact {
    static P: std::sync::OnceLock<Artifact> = std::sync::OnceLock::new();
    P.get_or_init(|| Artifact {
        kind: Kind::Scope,
        id: None,
        file: String::new(),
        document: 0,
        format: crate::discover::Format::Yaml,
        value: Value::Null,
        spans: Default::default(),
        span: Span::default(),
        headings: Vec::new(),
    })
}

/// Artifacts of `kinds` that satisfy `condition` (interpolated against `outer`).
fn count_matching(
    kinds: &[Kind],
    condition: &[Cond],
    outer: Option<&Subject<'_>>,
    env: &Env<'_>,
) -> usize {
    matching(kinds, condition, outer.map(|o| o.value), env).count()
}

/// The artifacts of `kinds` that satisfy `condition`, whose string values interpolate the
/// fields of `outer` (the rule's subject; each artifact itself when there is none).
fn matching<'e, 'a>(
    kinds: &'e [Kind],
    condition: &'e [Cond],
    outer: Option<&'e Value>,
    env: &'e Env<'a>,
) -> impl Iterator<Item = &'a Artifact> + 'e {
    kinds
        .iter()
        .flat_map(|k| env.index.of_kind(*k))
        .filter(move |a| {
            let s = Subject {
                artifact: a,
                pointer: String::new(),
                value: &a.value,
            };
            let outer_value = outer.unwrap_or(&a.value);
            condition.iter().all(|c| holds(c, &s, outer_value, env))
        })
}

/// `recent`: the newest record of `kinds` satisfying `condition` (dated on or before today)
/// must be at most `max_age` old. Too old: reported at that record's date, naming it, with
/// the subject as a related place; none at all: reported at the subject.
fn recent(
    kinds: &[Kind],
    condition: &[Cond],
    date: &str,
    max_age: Duration,
    s: &Subject<'_>,
    env: &Env<'_>,
) -> Vec<Failure> {
    let all = env.index.all();
    let records = matching(kinds, condition, Some(s.value), env);
    let Some((newest, held)) = crate::model::compliance::newest(records, date, env.today) else {
        let names: Vec<String> = kinds.iter().map(|k| k.name().replace('-', " ")).collect();
        let label = format!("no {} on record", names.join(" or "));
        let mut f = Failure::at(s.pointer.clone(), Some(s.value), label)
            .var("newest", "none is recorded")
            .var("max_age", max_age.to_string());
        f.missing = false;
        return vec![f];
    };
    let due = max_age.after(held);
    if due.is_some_and(|d| d >= env.today) {
        return Vec::new();
    }
    let name = newest.id.clone().unwrap_or_else(|| newest.file.clone());
    let days = dates::days_between(held, env.today);
    let pointer = format!("/{}", escape_key(date));
    let mut f = Failure::at(
        pointer,
        newest.value.get(date),
        format!("the newest, {days} day(s) ago: older than {max_age}"),
    )
    .var(
        "newest",
        format!("the newest, `{name}`, is dated {held} ({days} day(s) ago)"),
    )
    .var("max_age", max_age.to_string());
    f.related.push(RelatedPlace {
        file: s.artifact.file.clone(),
        span: s.artifact.anchor(&s.pointer),
        message: "required by this entry".into(),
    });
    f.entity = Some(format!("recent:{}", s.pointer));
    f.elsewhere = all.iter().find(|a| std::ptr::eq(&***a, newest)).cloned();
    vec![f]
}

/// The last key of a JSON pointer, unescaped (`/a/b~1c` → `b/c`).
fn last_key(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or("")
        .replace("~1", "/")
        .replace("~0", "~")
}

/// The values a field path reaches, a list's items spread (`inputs` and `inputs[]` alike).
fn items_of<'v>(hits: &[super::path::Hit<'v>]) -> Vec<&'v Value> {
    hits.iter()
        .filter_map(|h| h.value)
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .collect()
}

/// A key as a JSON pointer token.
fn escape_key(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Interpolate a condition's string value against the rule's subject (`"{id}"`).
fn resolve<'v>(want: &'v Value, outer: &Value) -> std::borrow::Cow<'v, Value> {
    match want {
        Value::String(s) if s.contains('{') => {
            std::borrow::Cow::Owned(Value::String(super::template::render(s, outer, &[])))
        }
        other => std::borrow::Cow::Borrowed(other),
    }
}

/// How many places of `r.kinds` name `id` in `r.field` and satisfy `r.condition`.
fn referencing(r: &RefBy, id: &str, outer: &Value, env: &Env<'_>) -> Vec<Place> {
    let places = env.places(&r.kinds, &r.field);
    let all = env.index.all();
    places
        .get(id)
        .map(|v| {
            v.iter()
                .filter(|p| {
                    let a = &all[p.artifact];
                    let value = a.value.pointer(&p.holder).unwrap_or(&a.value);
                    let s = Subject {
                        artifact: a,
                        pointer: p.holder.clone(),
                        value,
                    };
                    r.condition.iter().all(|c| holds(c, &s, outer, env))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Does a condition hold for `subject`? String values of field conditions are interpolated
/// against `outer` (the rule's own subject), so `where` can say `{ field: ai_system, equals: "{id}" }`.
pub(crate) fn holds(c: &Cond, subject: &Subject<'_>, outer: &Value, env: &Env<'_>) -> bool {
    let value = subject.value;
    match c {
        Cond::All(cs) => cs.iter().all(|c| holds(c, subject, outer, env)),
        Cond::Any(cs) => cs.iter().any(|c| holds(c, subject, outer, env)),
        Cond::Not(c) => !holds(c, subject, outer, env),
        Cond::InScope(f) => env.model.in_scope(f),
        Cond::ReferencedBy(r) => match r.key.get(value).and_then(Value::as_str) {
            Some(id) => {
                let n = referencing(r, id, outer, env).len();
                n >= r.min && r.max.is_none_or(|m| n <= m)
            }
            None => false,
        },
        Cond::Passes(check) => run_check(check, subject, env, &mut |_| None).is_empty(),
        Cond::Field {
            path,
            equals,
            one_of,
            present,
            contains,
            before,
        } => {
            let hits = path.select(value, "");
            let values: Vec<&Value> = hits.iter().filter_map(|h| h.value).collect();
            if let Some(want) = present {
                let is = values.iter().any(|v| is_non_empty(v));
                return is == *want;
            }
            if let Some(e) = equals {
                let e = resolve(e, outer);
                return values.iter().any(|v| loosely_equal(v, &e));
            }
            if let Some(options) = one_of {
                return values
                    .iter()
                    .any(|v| options.iter().any(|o| loosely_equal(v, &resolve(o, outer))));
            }
            if let Some((bound, order)) = before {
                return values.iter().any(|v| {
                    v.as_str()
                        .and_then(|v| order.iter().position(|o| o == v))
                        .is_some_and(|i| i < *bound)
                });
            }
            if let Some(item) = contains {
                let item = resolve(item, outer);
                return values.iter().any(|v| match v {
                    Value::Array(items) => items.iter().any(|i| loosely_equal(i, &item)),
                    other => loosely_equal(other, &item),
                });
            }
            false
        }
    }
}

/// Equality that treats `1` and `1.0` alike.
fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

type Seen<'s, 'a> = dyn FnMut((&str, &str)) -> Option<(&'a Artifact, String)> + 's;

fn run_check<'a>(
    check: &Check,
    s: &Subject<'a>,
    env: &Env<'a>,
    seen: &mut Seen<'_, 'a>,
) -> Vec<Failure> {
    match check {
        Check::Present(path) => path
            .select(s.value, &s.pointer)
            .into_iter()
            .filter(|h| h.value.is_none_or(|v| !is_non_empty(v)))
            .map(|h| {
                // The label sits on the parent (the field is not there to label), so it
                // names what is missing.
                let name = h
                    .pointer
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .replace("~1", "/")
                    .replace("~0", "~");
                let label = if h.value.is_some() {
                    format!("`{name}` is empty")
                } else {
                    format!("no `{name}`")
                };
                Failure::at(h.pointer, h.value, label)
            })
            .collect(),
        Check::Pattern(path, re) => path
            .select(s.value, &s.pointer)
            .into_iter()
            .filter_map(|h| {
                let v = h.value?;
                let text = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                (!re.is_match(&text))
                    .then(|| Failure::at(h.pointer, Some(v), "does not match the expected form"))
            })
            .collect(),
        Check::OneOf(path, values) => path
            .select(s.value, &s.pointer)
            .into_iter()
            .filter_map(|h| {
                let v = h.value?;
                if values.iter().any(|o| loosely_equal(v, o)) {
                    return None;
                }
                let allowed: Vec<String> = values.iter().map(|o| display(Some(o))).collect();
                Some(
                    Failure::at(h.pointer, Some(v), "not an allowed value")
                        .var("allowed", allowed.join(", ")),
                )
            })
            .collect(),
        Check::Compare {
            left,
            op,
            value,
            other,
        } => compare(left, *op, *value, other.as_ref(), s, env),
        Check::NotFuture(path) => dated(path, s)
            .into_iter()
            .filter(|(_, _, d)| *d > env.today)
            .map(|(p, v, d)| {
                Failure::at(p, Some(v), "in the future")
                    .var("days", dates::days_between(env.today, d).to_string())
            })
            .collect(),
        Check::Fresh {
            field,
            max_age,
            margin,
        } => fresh(field, max_age, *margin, s, env),
        Check::Due { field, margin } => dated(field, s)
            .into_iter()
            .filter_map(|(p, v, d)| {
                let horizon = margin.map_or(Some(env.today), |m| m.after(env.today))?;
                (d < horizon).then(|| {
                    let days = dates::days_between(env.today, d);
                    let label = if d < env.today {
                        format!("{} day(s) overdue", -days)
                    } else {
                        format!("due in {days} day(s)")
                    };
                    Failure::at(p, Some(v), label).var("days", days.abs().to_string())
                })
            })
            .collect(),
        Check::Reference {
            field,
            kinds,
            key,
            condition,
            ignore_unresolved,
        } => reference(
            field,
            kinds,
            key.as_ref(),
            condition,
            *ignore_unresolved,
            s,
            env,
        ),
        Check::Unique { field, scope } => {
            let mut local: HashMap<String, String> = HashMap::new();
            let mut out = Vec::new();
            for h in field.select(s.value, &s.pointer) {
                let Some(v) = h.value else { continue };
                let key = display(Some(v));
                let first = match scope {
                    UniqueScope::Artifact => local
                        .get(&key)
                        .map(|p| (s.artifact, p.clone()))
                        .or_else(|| {
                            local.insert(key.clone(), h.pointer.clone());
                            None
                        }),
                    UniqueScope::Repository => seen((&key, &h.pointer)),
                };
                if let Some((a, p)) = first {
                    let mut f = Failure::at(h.pointer, Some(v), "duplicate");
                    f.related.push(RelatedPlace {
                        file: a.file.clone(),
                        span: a.value_span(&p),
                        message: "first defined here".into(),
                    });
                    f.entity = Some(format!("{key}#dup"));
                    out.push(f.var("first", a.file.clone()));
                }
            }
            out
        }
        Check::Coverage {
            field,
            requirement_type,
        } => coverage(field, requirement_type, s, env),
        Check::Count {
            field,
            condition,
            min,
            max,
        } => {
            let hits = field.select(s.value, &s.pointer);
            let items: Vec<&Value> = items_of(&hits)
                .into_iter()
                .filter(|v| {
                    let item = Subject {
                        artifact: s.artifact,
                        pointer: s.pointer.clone(),
                        value: v,
                    };
                    condition.iter().all(|c| holds(c, &item, s.value, env))
                })
                .collect();
            let n = items.len();
            let pointer = hits
                .first()
                .map(|h| h.pointer.clone())
                .unwrap_or_else(|| s.pointer.clone());
            let present = hits.first().and_then(|h| h.value);
            let mut out = Vec::new();
            if let Some(m) = min.filter(|m| n < *m) {
                out.push(
                    Failure::at(
                        pointer.clone(),
                        present,
                        format!("{n} found, at least {m} required"),
                    )
                    .var("count", n.to_string())
                    .var("limit", m.to_string()),
                );
            }
            if let Some(m) = max.filter(|m| n > *m) {
                out.push(
                    Failure::at(pointer, present, format!("{n} found, at most {m} allowed"))
                        .var("count", n.to_string())
                        .var("limit", m.to_string()),
                );
            }
            out
        }
        Check::Exists {
            kinds,
            condition,
            min,
        } => {
            let n = count_matching(kinds, condition, Some(s), env);
            if n >= *min {
                return Vec::new();
            }
            let mut f = Failure::at(s.pointer.clone(), Some(s.value), format!("{n} found"));
            f.missing = false;
            vec![f.var("count", n.to_string()).var("limit", min.to_string())]
        }
        Check::Requirement {
            field,
            requirement_type,
        } => field
            .select(s.value, &s.pointer)
            .into_iter()
            .flat_map(|h| spread(h.pointer, h.value))
            .filter_map(|(p, v)| {
                let text = v.as_str()?;
                let problem =
                    super::requirements::check(text, requirement_type.as_deref(), env.catalogs)?;
                let mut f = Failure::at(p, Some(v), problem.label).var("hint", problem.hint);
                f.entity = Some(format!("req:{text}"));
                Some(f)
            })
            .collect(),
        Check::File { field, check } => field
            .select(s.value, &s.pointer)
            .into_iter()
            .flat_map(|h| spread(h.pointer, h.value))
            .filter_map(|(p, v)| {
                let text = v.as_str()?;
                let problem = super::files::check(text, *check, env.root.as_deref())?;
                Some(Failure::at(p, Some(v), problem.label).var("reason", problem.reason))
            })
            .collect(),
        Check::ReferencedBy(r) => {
            let Some(id) = r.key.get(s.value).and_then(Value::as_str) else {
                return Vec::new();
            };
            let places = referencing(r, id, s.value, env);
            let n = places.len();
            let names: Vec<&str> = r.kinds.iter().map(|k| k.name()).collect();
            let all = env.index.all();
            let by: Vec<String> = places
                .iter()
                .filter_map(|p| all[p.artifact].id.clone())
                .collect();
            let mut f = if n < r.min {
                Failure::at(
                    s.pointer.clone(),
                    Some(s.value),
                    format!("no {} refers to `{id}`", names.join(" or ")),
                )
                .var("limit", r.min.to_string())
            } else if let Some(m) = r.max.filter(|m| n > *m) {
                // Too many: point at the places that refer to the subject.
                let mut f = Failure::at(
                    s.pointer.clone(),
                    Some(s.value),
                    format!("referred to by {}", by.join(", ")),
                )
                .var("limit", m.to_string());
                for p in places.iter().take(3) {
                    let a = &all[p.artifact];
                    f.related.push(RelatedPlace {
                        file: a.file.clone(),
                        span: a.anchor(&p.at),
                        message: format!("`{id}` is referred to here"),
                    });
                }
                f
            } else {
                return Vec::new();
            };
            f.missing = false;
            vec![f.var("count", n.to_string()).var("by", by.join(", "))]
        }
        Check::Framework(path) => path
            .select(s.value, &s.pointer)
            .into_iter()
            .filter_map(|h| {
                let v = h.value?;
                let text = v.as_str()?;
                if env.catalogs.get(text).is_some() {
                    return None;
                }
                let known: Vec<&str> = env.catalogs.iter().map(|c| c.framework.as_str()).collect();
                let label = match did_you_mean(text, known.iter().copied()) {
                    Some(sg) => format!("no catalog for `{text}`; did you mean `{sg}`?"),
                    None => format!("no catalog for `{text}`"),
                };
                Some(Failure::at(h.pointer, Some(v), label).var("known", known.join(", ")))
            })
            .collect(),
        Check::Includes { field, values } => {
            let hits = field.select(s.value, &s.pointer);
            let present = items_of(&hits);
            let missing: Vec<String> = values
                .iter()
                .filter(|w| !present.iter().any(|v| loosely_equal(v, w)))
                .map(|w| display(Some(w)))
                .collect();
            if missing.is_empty() {
                return Vec::new();
            }
            let (pointer, value) = hits
                .first()
                .map_or((s.pointer.clone(), None), |h| (h.pointer.clone(), h.value));
            let label = format!("lacks {}", missing.join(", "));
            vec![Failure::at(pointer, value, label).var("missing", missing.join(", "))]
        }
        Check::Meaningful {
            field,
            min_length,
            not_title_of,
        } => {
            let title = not_title_of
                .as_ref()
                .and_then(|p| p.get(s.value))
                .and_then(Value::as_str)
                .and_then(|r| env.catalogs.requirement(r))
                .map(|(_, req)| req.title.clone());
            field
                .select(s.value, &s.pointer)
                .into_iter()
                .filter_map(|h| {
                    let problem = super::text::problem(h.value, *min_length, title.as_deref())?;
                    let label = match h.value {
                        Some(_) => problem.clone(),
                        None => format!("no `{}`", last_key(&h.pointer)),
                    };
                    Some(Failure::at(h.pointer, h.value, label).var("reason", problem))
                })
                .collect()
        }
        Check::Recent {
            kinds,
            condition,
            date,
            max_age,
        } => recent(kinds, condition, date, *max_age, s, env),
        Check::Sections(required) => {
            if s.artifact.format != crate::discover::Format::Markdown {
                return Vec::new();
            }
            let headings: Vec<(String, &crate::markdown::Heading)> = s
                .artifact
                .headings
                .iter()
                .map(|h| (format!(" {} ", words(&h.text)), h))
                .collect();
            let mut missing = Vec::new();
            let mut out = Vec::new();
            for names in required {
                // A heading names a section when it contains one of its names as whole words:
                // "Impacts on individuals and groups of individuals" names both Individuals and
                // Groups.
                let found = headings.iter().find(|(text, _)| {
                    names
                        .iter()
                        .any(|n| text.contains(&format!(" {} ", words(n))))
                });
                match found {
                    None => missing.push(names[0].as_str()),
                    Some((_, h)) if h.empty => {
                        let mut f = Failure::at(
                            s.pointer.clone(),
                            Some(s.value),
                            format!("`{}` has nothing under it", h.text),
                        )
                        .var("missing", format!("{} (empty)", names[0]));
                        f.missing = false;
                        f.span = Some(h.span);
                        f.entity = Some(format!("section:{}", names[0]));
                        out.push(f);
                    }
                    Some(_) => {}
                }
            }
            if !missing.is_empty() {
                let mut f = Failure::at(s.pointer.clone(), Some(s.value), "missing sections");
                f.missing = false;
                out.insert(0, f.var("missing", missing.join(", ")));
            }
            out
        }
    }
}

/// Lower-case words of a heading or section name, single-spaced, punctuation dropped.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every date at `path` (values that are not valid dates are the schema's business).
fn dated<'v>(path: &FieldPath, s: &Subject<'v>) -> Vec<(String, &'v Value, Date)> {
    path.select(s.value, &s.pointer)
        .into_iter()
        .filter_map(|h| {
            let v = h.value?;
            let d = dates::parse_date(v.as_str()?)?;
            Some((h.pointer, v, d))
        })
        .collect()
}

fn fresh(
    field: &FieldPath,
    max_age: &Age,
    margin: Option<Duration>,
    s: &Subject<'_>,
    env: &Env<'_>,
) -> Vec<Failure> {
    let age = match max_age {
        Age::Literal(d) => Some(*d),
        Age::Field { path, default } => {
            dates::validity(path.get(s.value).and_then(Value::as_str), *default)
        }
    };
    let Some(age) = age else { return Vec::new() };
    let Some(horizon) = margin.map_or(Some(env.today), |m| m.after(env.today)) else {
        return Vec::new();
    };
    dated(field, s)
        .into_iter()
        .filter_map(|(p, v, d)| {
            let expires = age.after(d)?;
            (expires < horizon).then(|| {
                let days = dates::days_between(env.today, expires);
                let label = if expires < env.today {
                    format!("expired on {expires} ({} day(s) ago)", -days)
                } else {
                    format!("expires on {expires} (in {days} day(s))")
                };
                Failure::at(p, Some(v), label)
                    .var("expires", expires.to_string())
                    .var("max_age", age.to_string())
                    .var("days", days.abs().to_string())
            })
        })
        .collect()
}

/// A value and, when it is a list, each of its items, with their pointers.
fn spread(pointer: String, value: Option<&Value>) -> Vec<(String, &Value)> {
    match value {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{pointer}/{i}"), v))
            .collect(),
        Some(v) => vec![(pointer, v)],
    }
}

/// A number, or a date as a day count (so dates compare in calendar order).
fn as_number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| {
        let d = dates::parse_date(v.as_str()?)?;
        Some(dates::days_between(Date::constant(1970, 1, 1), d) as f64)
    })
}

fn number(o: &Operand, v: &Value, env: &Env<'_>) -> Option<f64> {
    match o {
        Operand::Field(p) => p.get(v).and_then(as_number),
        Operand::Deref(local, remote) => {
            let id = local.get(v)?.as_str()?;
            remote.get(&env.index.get(id)?.value).and_then(as_number)
        }
        Operand::Product(ps) => ps
            .iter()
            .map(|p| p.get(v).and_then(Value::as_f64))
            .try_fold(1.0, |acc, x| x.map(|x| acc * x)),
    }
}

/// A value for messages: dates print as dates.
fn operand_text(o: &Operand, v: &Value, env: &Env<'_>) -> Option<String> {
    let raw = match o {
        Operand::Field(p) => p.get(v)?,
        Operand::Deref(local, remote) => {
            remote.get(&env.index.get(local.get(v)?.as_str()?)?.value)?
        }
        Operand::Product(_) => return number(o, v, env).map(fmt_num),
    };
    Some(display(Some(raw)))
}

fn operand_pointer(o: &Operand, base: &str) -> String {
    match o {
        Operand::Field(p) | Operand::Deref(p, _) => p.pointer(base),
        // A product (likelihood × impact) is about the mapping holding its factors.
        Operand::Product(ps) => ps
            .first()
            .and_then(|p| p.pointer(base))
            .map(|p| parent(&p).to_string()),
    }
    .unwrap_or_else(|| base.to_string())
}

fn compare(
    left: &Operand,
    op: CompareOp,
    value: Option<f64>,
    other: Option<&Operand>,
    s: &Subject<'_>,
    env: &Env<'_>,
) -> Vec<Failure> {
    let Some(l) = number(left, s.value, env) else {
        return Vec::new();
    };
    let r = match (value, other) {
        (Some(v), _) => Some(v),
        (None, Some(o)) => number(o, s.value, env),
        _ => None,
    };
    let Some(r) = r else { return Vec::new() };
    let ok = match op {
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
    let pointer = operand_pointer(left, &s.pointer);
    let value = s.artifact.value.pointer(&pointer).cloned();
    let left_text = operand_text(left, s.value, env).unwrap_or_else(|| fmt_num(l));
    let right_text = other
        .and_then(|o| operand_text(o, s.value, env))
        .unwrap_or_else(|| fmt_num(r));
    let mut f = Failure::at(
        pointer,
        value.as_ref(),
        format!("{left_text} is not {} {right_text}", op_text(op)),
    );
    f.missing = false;
    vec![f.var("left", left_text).var("right", right_text)]
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

fn reference(
    field: &FieldPath,
    kinds: &[Kind],
    key: Option<&FieldPath>,
    condition: &[Cond],
    ignore_unresolved: bool,
    s: &Subject<'_>,
    env: &Env<'_>,
) -> Vec<Failure> {
    let hits: Vec<_> = field
        .select(s.value, &s.pointer)
        .into_iter()
        .filter(|h| h.value.is_some())
        .collect();
    if hits.is_empty() {
        return Vec::new();
    }
    // A static, so that `places` finds it by address too.
    static ID_PATH: std::sync::LazyLock<Option<FieldPath>> =
        std::sync::LazyLock::new(|| FieldPath::parse("id").ok());
    let Some(key) = key.or(ID_PATH.as_ref()) else {
        return Vec::new();
    };
    let targets = env.places(kinds, key);
    let all = env.index.all();
    let kind_names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    let mut out = Vec::new();
    for h in hits {
        let Some(v) = h.value else { continue };
        // Pointers are built only for findings: most references resolve.
        let values: Vec<(Option<usize>, &Value)> = match v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, x)| (Some(i), x))
                .collect(),
            other => vec![(None, other)],
        };
        for (index, item) in values {
            let Some(wanted) = item.as_str() else {
                continue;
            };
            let pointer = || match index {
                Some(i) => format!("{}/{i}", h.pointer),
                None => h.pointer.clone(),
            };
            let Some(place) = targets.get(wanted).and_then(|v| v.first()) else {
                if !ignore_unresolved {
                    let suggestion = did_you_mean(wanted, targets.keys().map(String::as_str));
                    let label = match suggestion {
                        Some(sg) => format!(
                            "no {} `{wanted}`; did you mean `{sg}`?",
                            kind_names.join(" or ")
                        ),
                        None => format!("no {} `{wanted}`", kind_names.join(" or ")),
                    };
                    let mut f = Failure::at(pointer(), Some(item), label)
                        .var("suggestion", suggestion.unwrap_or("").to_string());
                    f.entity = Some(format!("ref:{wanted}"));
                    out.push(f);
                }
                continue;
            };
            if condition.is_empty() {
                continue;
            }
            let a = &all[place.artifact];
            let t = Subject {
                artifact: a,
                pointer: place.holder.clone(),
                value: a.value.pointer(&place.holder).unwrap_or(&a.value),
            };
            if let Some(failed) = condition.iter().find(|c| !holds(c, &t, s.value, env)) {
                let label = match why_not(failed, &t, s.value) {
                    Some(why) => format!("`{wanted}` does not qualify: {why}"),
                    None => format!("`{wanted}` does not qualify"),
                };
                let mut f = Failure::at(pointer(), Some(item), label);
                f.related.push(RelatedPlace {
                    file: t.artifact.file.clone(),
                    span: t.artifact.value_span(&place.at),
                    message: format!("`{wanted}` is defined here"),
                });
                f.entity = Some(format!("ref:{wanted}"));
                out.push(f);
            }
        }
    }
    out
}

/// Why a field condition does not hold for `t`, in words (`its `system` is `AIS-1`, not
/// `AIS-2``); `None` for other conditions.
fn why_not(c: &Cond, t: &Subject<'_>, outer: &Value) -> Option<String> {
    let (negated, field) = match c {
        Cond::Not(inner) => (true, &**inner),
        other => (false, other),
    };
    let Cond::Field {
        path,
        equals,
        one_of,
        present,
        contains,
        ..
    } = field
    else {
        return None;
    };
    let name = path.text();
    let values: Vec<String> = path
        .select(t.value, "")
        .iter()
        .filter_map(|h| h.value)
        .map(|v| display(Some(v)))
        .collect();
    if negated {
        return (!values.is_empty()).then(|| format!("its `{name}` is `{}`", values.join(", ")));
    }
    let actual = if values.is_empty() {
        "missing".to_string()
    } else {
        format!("`{}`", values.join(", "))
    };
    if let Some(want) = present {
        return Some(if *want {
            format!("it has no `{name}`")
        } else {
            format!("it has `{name}`")
        });
    }
    if let Some(e) = equals {
        let e = display(Some(&resolve(e, outer)));
        return Some(format!("its `{name}` is {actual}, not `{e}`"));
    }
    if let Some(options) = one_of {
        let options: Vec<String> = options
            .iter()
            .map(|o| format!("`{}`", display(Some(&resolve(o, outer)))))
            .collect();
        return Some(format!(
            "its `{name}` is {actual}, not {}",
            options.join(" or ")
        ));
    }
    if let Some(item) = contains {
        let item = display(Some(&resolve(item, outer)));
        return Some(format!("its `{name}` does not list `{item}`"));
    }
    None
}

/// `coverage`: every requirement of `requirement_type` of every framework in scope must be
/// named at `field` — in any artifact of the subject's kind (an SoA written as one document per
/// framework, or in several files, is one SoA). Each missing requirement is reported once, at
/// the document that names most requirements of its framework (see
/// [`crate::model::compliance::home`]).
fn coverage(
    field: &FieldPath,
    requirement_type: &str,
    s: &Subject<'_>,
    env: &Env<'_>,
) -> Vec<Failure> {
    let documents: Vec<&Artifact> = env.index.of_kind(s.artifact.kind).collect();
    let named = |a: &Artifact| -> Vec<String> {
        field
            .select(&a.value, "")
            .into_iter()
            .filter_map(|h| h.value.and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    let present: BTreeSet<String> = documents.iter().flat_map(|a| named(a)).collect();
    // Anchor at the list that should hold the entries (its key), or the artifact.
    let list_pointer = field
        .select(s.value, &s.pointer)
        .first()
        .map(|h| h.pointer.split('/').take(2).collect::<Vec<_>>().join("/"))
        .unwrap_or_default();
    let mut out = Vec::new();
    for framework in env.model.frameworks().iter().map(|f| f.id) {
        let Some(catalog) = env.catalogs.get(framework) else {
            continue;
        };
        let home = crate::model::compliance::home(&documents, framework, |a| {
            field
                .select(&a.value, "")
                .into_iter()
                .filter_map(|h| h.value.and_then(Value::as_str))
                .collect()
        });
        if !home.is_some_and(|h| std::ptr::eq(h, s.artifact)) {
            continue;
        }
        for r in catalog
            .requirements
            .iter()
            .filter(|r| r.kind == requirement_type)
        {
            let reference = format!("{framework}/{}", r.id);
            if present.contains(reference.as_str()) {
                continue;
            }
            let mut f = Failure::at(
                list_pointer.clone(),
                None,
                format!("no entry for `{reference}`"),
            )
            .var("missing", reference.clone())
            .var("title", r.title.clone())
            .var("framework", framework.to_string());
            f.missing = false;
            f.entity = Some(format!("coverage:{reference}"));
            out.push(f);
        }
    }
    out
}
