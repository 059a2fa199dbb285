//! Evaluating compiled rules over the repository index.
//!
//! For each rule: every artifact of its kinds (every item of `for_each` inside them), kept
//! when all `when` conditions hold; each assertion that fails yields a [`Failure`] — the
//! place (JSON pointer) it concerns and the values the message may interpolate — which
//! [`super::diagnose`] turns into a diagnostic at that node's span. The functions evaluate
//! themselves (`functions`); conditions and the helpers functions share are here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use serde_json::Value;

use super::compile::{Cond, Rule};
use super::format::Level;
use super::path::{FieldPath, is_non_empty};
use crate::catalog::Catalogs;
use crate::dates;
use crate::model::{Artifact, Compliance, Index, Kind};
use crate::pointer::Pointer;
use crate::source::Span;

/// A place naming a key: the artifact (its index), the mapping holding the field (tested by
/// `where`), and the exact value naming the key (where a label points).
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub artifact: usize,
    pub holder: Pointer,
    pub at: Pointer,
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
    /// The git history, for the history functions (`None`: `[history] enabled = false`, or
    /// no repository to read, as for rule examples).
    pub(crate) history: Option<Arc<crate::git::Access>>,
    /// The commit whose files are checked (`--at`): `file` looks paths up in it.
    pub(crate) snapshot: Option<Arc<crate::git::Snapshot>>,
    /// Maps built once per (kinds, field) and shared by all rules and subjects.
    cache: Mutex<HashMap<String, Arc<PlaceMap>>>,
    /// The same maps by the addresses of the arguments a rule passes.
    sites: Mutex<HashMap<(usize, usize), Arc<PlaceMap>>>,
    /// The repository's files, listed the first time a path names none (`file`'s suggestions).
    files: std::sync::OnceLock<Vec<String>>,
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
            history: None,
            snapshot: None,
            cache: Mutex::new(HashMap::new()),
            sites: Mutex::new(HashMap::new()),
            files: std::sync::OnceLock::new(),
        }
    }

    /// Every file of the repository, repository-relative and sorted (none without a root);
    /// listed once per run, the first time it is asked for.
    pub(crate) fn repository_files(&self) -> &[String] {
        self.files
            .get_or_init(|| match (&self.snapshot, self.root.as_deref()) {
                (Some(snapshot), Some(root)) => crate::git::files::listed(snapshot, root),
                (None, Some(root)) => crate::discover::repository_files(root),
                _ => Vec::new(),
            })
    }

    pub fn with_root(mut self, root: std::path::PathBuf) -> Self {
        self.root = Some(root);
        self
    }

    /// Every value at `field` in artifacts of `kinds`, mapped to the places holding it: the
    /// item that holds the key (for `key` lookups) or the mapping that holds the field (for
    /// `referenced_by`). List values are spread: each item is a key.
    pub(crate) fn places(&self, kinds: &[Kind], field: &FieldPath) -> Arc<PlaceMap> {
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

    /// The records of `kinds` that name `key` in `field`, each with its date at `date` in the
    /// mapping that holds the field; a record without a valid date there is left out.
    pub(crate) fn dated_records(
        &self,
        kinds: &[Kind],
        field: &FieldPath,
        date: &FieldPath,
        key: &str,
    ) -> Vec<(&'a Artifact, Date)> {
        let all = self.index.all();
        let places = self.places(kinds, field);
        let mut out: Vec<(&'a Artifact, Date)> = places
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let a: &'a Artifact = &all[p.artifact];
                let holder = a.value.pointer(&p.holder).unwrap_or(&a.value);
                Some((a, dates::parse_date(date.get(holder)?.as_str()?)?))
            })
            .collect();
        // A record that names the key twice is one record.
        out.dedup_by(|x, y| std::ptr::eq(x.0, y.0) && x.1 == y.1);
        out
    }

    fn build_places(&self, kinds: &[Kind], field: &FieldPath) -> PlaceMap {
        let mut map: PlaceMap = HashMap::new();
        for (i, a) in self.index.all().iter().enumerate() {
            if !kinds.contains(&a.kind) {
                continue;
            }
            for h in field.select(&a.value, &Pointer::root()) {
                let Some(v) = h.value else { continue };
                let holder = h.pointer.parent();
                let mut add = |k: &Value, at: Pointer| {
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
                            add(item, h.pointer.item(n));
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
    /// The node concerned (absolute in the artifact).
    pub pointer: Pointer,
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
    /// The text that would fix the value (a path that exists): a one-edit suggestion, when the
    /// value is written as a plain or quoted scalar.
    pub replacement: Option<String>,
}

impl Failure {
    pub(crate) fn at(
        pointer: impl Into<Pointer>,
        value: Option<&Value>,
        label: impl Into<String>,
    ) -> Self {
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
            replacement: None,
        }
    }

    pub(crate) fn var(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.vars.push((name, value.into()));
        self
    }
}

/// One context a rule looks at: an artifact, or an item inside it. The functions evaluate it.
#[derive(Clone)]
pub(crate) struct Subject<'a> {
    pub artifact: &'a Artifact,
    /// Pointer of the item (the root for the artifact itself).
    pub pointer: Pointer,
    pub value: &'a Value,
}

/// What a rule's findings are about: it decides where [`super::diagnose`] reports them and
/// what their fingerprints key on.
pub(crate) enum Concern<'a> {
    /// An artifact as a whole: the findings are in its file (or in the file of the artifact a
    /// failure names).
    Artifact(Subject<'a>),
    /// An item inside an artifact (a rule's `for_each`): as an artifact, and the item's key
    /// comes first in the fingerprints of findings that name their own key.
    Item(Subject<'a>),
    /// The repository as a whole (a `level: repository` rule): the findings are in no file.
    Repository,
}

impl<'a> Concern<'a> {
    /// What the findings on a subject are about.
    fn subject(subject: Subject<'a>) -> Self {
        if subject.pointer.is_root() {
            Concern::Artifact(subject)
        } else {
            Concern::Item(subject)
        }
    }
}

/// Every subject of a rule, with its failures.
pub(crate) fn evaluate<'a>(rule: &Rule, env: &Env<'a>) -> Vec<(Concern<'a>, Vec<Failure>)> {
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
    let mut artifacts = artifacts_of(rule, env);
    // Findings that depend on other subjects (uniqueness across the repository) or land on
    // another artifact (`recent`) need every subject; the run's selection keeps the findings
    // in the selected files. Other findings of a subject depend on it alone.
    let every_subject = rule.checks.iter().any(|c| c.check.needs_every_subject());
    if let Some(focus) = &env.focus
        && !every_subject
    {
        artifacts.retain(|a| crate::discover::selected(&a.file, focus));
    }
    // Repository-wide state for `unique`: value → the place kept as the original.
    let mut seen: HashMap<(usize, String), (&'a Artifact, Pointer)> = HashMap::new();
    for artifact in artifacts {
        for subject in subjects(rule, artifact) {
            if !rule
                .when
                .iter()
                .all(|c| holds(c, &subject, subject.value, env))
            {
                continue;
            }
            let mut failures = Vec::new();
            for (i, assert) in rule.checks.iter().enumerate() {
                failures.extend(
                    assert
                        .check
                        .eval(&subject, env, &mut |(value, pointer), keep| {
                            let here = (subject.artifact, pointer.clone());
                            match seen.entry((i, value.to_string())) {
                                std::collections::hash_map::Entry::Occupied(mut e) => {
                                    Some(if keep {
                                        e.insert(here)
                                    } else {
                                        e.get().clone()
                                    })
                                }
                                std::collections::hash_map::Entry::Vacant(e) => {
                                    e.insert(here);
                                    None
                                }
                            }
                        }),
                );
            }
            if !failures.is_empty() {
                out.push((Concern::subject(subject), failures));
            }
        }
    }
    out
}

/// A repository-level rule: its assertions (functions that can run for the whole repository),
/// once. Its `when` and `warn_when` may only test the scope (checked at compile time).
/// The artifacts of `rule`'s kinds (every artifact when it names none).
fn artifacts_of<'a>(rule: &Rule, env: &Env<'a>) -> Vec<&'a Artifact> {
    if rule.kinds.is_empty() {
        return env.index.all().iter().map(|a| &**a).collect();
    }
    rule.kinds
        .iter()
        .flat_map(|k| env.index.of_kind(*k))
        .collect()
}

/// The subjects of `rule` in `artifact`: the artifact, or each item `for_each` selects.
fn subjects<'a>(rule: &Rule, artifact: &'a Artifact) -> Vec<Subject<'a>> {
    if rule.for_each.is_empty() {
        return vec![Subject {
            artifact,
            pointer: Pointer::root(),
            value: &artifact.value,
        }];
    }
    rule.for_each
        .iter()
        .flat_map(|p| p.select(&artifact.value, &Pointer::root()))
        .filter_map(|h| {
            h.value.map(|value| Subject {
                artifact,
                pointer: h.pointer,
                value,
            })
        })
        .collect()
}

/// The files whose git history evaluating `rules` will read: each check's
/// [`history_paths`](super::functions::Check::history_paths) for every subject of its rule.
pub(crate) fn history_paths<'r>(
    rules: impl Iterator<Item = &'r Rule>,
    env: &Env<'_>,
) -> Vec<String> {
    let mut out = Vec::new();
    for rule in rules {
        if rule.level == Level::Repository {
            continue;
        }
        for artifact in artifacts_of(rule, env) {
            for s in &subjects(rule, artifact) {
                for c in &rule.checks {
                    out.extend(c.check.history_paths(s));
                }
            }
        }
    }
    out
}

fn repository_level<'a>(rule: &Rule, env: &Env<'a>) -> Vec<(Concern<'a>, Vec<Failure>)> {
    if env.focus.is_some() {
        // Its findings are in no file: a focused run does not report them.
        return Vec::new();
    }
    if !rule.when.iter().all(|c| scope_holds(c, env)) {
        return Vec::new();
    }
    let failures: Vec<Failure> = rule
        .checks
        .iter()
        .flat_map(|c| c.check.eval_repository(env))
        .collect();
    if failures.is_empty() {
        return Vec::new();
    }
    vec![(Concern::Repository, failures)]
}

/// Artifacts of `kinds` that satisfy `condition` (interpolated against `outer`).
pub(crate) fn count_matching(
    kinds: &[Kind],
    condition: &[Cond],
    outer: Option<&Subject<'_>>,
    env: &Env<'_>,
) -> usize {
    matching(kinds, condition, outer.map(|o| o.value), env).count()
}

/// The artifacts of `kinds` that satisfy `condition`, whose string values interpolate the
/// fields of `outer` (the rule's subject; each artifact itself when there is none).
pub(crate) fn matching<'e, 'a>(
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
                pointer: Pointer::root(),
                value: &a.value,
            };
            let outer_value = outer.unwrap_or(&a.value);
            condition.iter().all(|c| holds(c, &s, outer_value, env))
        })
}

/// The values a field path reaches, a list's items spread (`inputs` and `inputs[]` alike).
pub(crate) fn items_of<'v>(hits: &[super::path::Hit<'v>]) -> Vec<&'v Value> {
    hits.iter()
        .filter_map(|h| h.value)
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .collect()
}

/// Interpolate a condition's string value against the rule's subject (`"{id}"`).
pub(crate) fn resolve<'v>(want: &'v Value, outer: &Value) -> std::borrow::Cow<'v, Value> {
    match want {
        Value::String(s) if s.contains('{') => {
            std::borrow::Cow::Owned(Value::String(super::template::render(s, outer, &[])))
        }
        other => std::borrow::Cow::Borrowed(other),
    }
}

/// Does a condition hold for `subject`? String values of field conditions are interpolated
/// against `outer` (the rule's own subject), so `where` can say `{ field: ai_system, equals: "{id}" }`.
pub(crate) fn holds(c: &Cond, subject: &Subject<'_>, outer: &Value, env: &Env<'_>) -> bool {
    combined(c, &|c| holds_alone(c, subject, outer, env))
}

/// Does a condition that tests only the scope hold (a repository-level rule's conditions,
/// checked at compile time)?
pub(crate) fn scope_holds(c: &Cond, env: &Env<'_>) -> bool {
    combined(
        c,
        &|c| matches!(c, Cond::InScope(f) if env.model.in_scope(f)),
    )
}

/// A condition, its `all`, `any` and `not` combining the conditions `alone` decides.
fn combined(c: &Cond, alone: &dyn Fn(&Cond) -> bool) -> bool {
    match c {
        Cond::All(cs) => cs.iter().all(|c| combined(c, alone)),
        Cond::Any(cs) => cs.iter().any(|c| combined(c, alone)),
        Cond::Not(c) => !combined(c, alone),
        c => alone(c),
    }
}

/// A condition that is not `all`, `any` or `not`.
fn holds_alone(c: &Cond, subject: &Subject<'_>, outer: &Value, env: &Env<'_>) -> bool {
    let value = subject.value;
    match c {
        Cond::All(_) | Cond::Any(_) | Cond::Not(_) => {
            combined(c, &|c| holds_alone(c, subject, outer, env))
        }
        Cond::InScope(f) => env.model.in_scope(f),
        Cond::ReferencedBy(r) => r.holds(value, outer, env),
        Cond::Passes(a) => a.check.eval(subject, env, &mut |_, _| None).is_empty(),
        Cond::Field {
            path,
            equals,
            one_of,
            present,
            contains,
            before,
        } => {
            let hits = path.select(value, &Pointer::root());
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
pub(crate) fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// What `unique` records across a rule's subjects: given a value and its pointer in the
/// subject, the place kept so far for the same value, if any (recording this one when there is
/// none). With `keep`, this place is kept from now on instead.
pub(crate) type Seen<'s, 'a> =
    dyn FnMut((&str, &Pointer), bool) -> Option<(&'a Artifact, Pointer)> + 's;

/// The values at `path` from the subject (those that are there), with their pointers.
pub(crate) fn values_at<'v>(
    path: &FieldPath,
    s: &Subject<'v>,
) -> impl Iterator<Item = (Pointer, &'v Value)> + use<'v> {
    path.select(s.value, &s.pointer)
        .into_iter()
        .filter_map(|h| Some((h.pointer, h.value?)))
}

/// Every date at `path` (values that are not valid dates are the schema's business).
pub(crate) fn dated<'v>(path: &FieldPath, s: &Subject<'v>) -> Vec<(Pointer, &'v Value, Date)> {
    values_at(path, s)
        .filter_map(|(p, v)| Some((p, v, dates::parse_date(v.as_str()?)?)))
        .collect()
}

/// Every text at `path`, a list's items one by one, with its pointer and value.
pub(crate) fn texts_at<'v>(
    path: &FieldPath,
    s: &Subject<'v>,
) -> impl Iterator<Item = (Pointer, &'v Value, &'v str)> + use<'v> {
    values_at(path, s)
        .flat_map(|(pointer, value)| match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (pointer.item(i), v))
                .collect(),
            v => vec![(pointer, v)],
        })
        .filter_map(|(p, v)| Some((p, v, v.as_str()?)))
}
