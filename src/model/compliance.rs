//! The repository read as one integrated management system: which frameworks are in scope,
//! what the Statement of Applicability decides for each control (wherever its entries are
//! written), and the newest record of each periodic activity. Built once per run from the
//! artifacts and read by the rules (`framework_in_scope`, `coverage`, `recent`), by
//! `annexa coverage` and by the language server, so that `check` and `coverage` can never
//! disagree about what is in scope or what the SoA says.
//!
//! The layouts `docs/artifacts.md` allows all give the same model:
//! - several `scope` artifacts: the frameworks in scope are the union of theirs, in the order
//!   they are declared (first declaration wins for amendments);
//! - the SoA in one document, one document per framework, or any number of documents and
//!   files: the entries are the union of all of them (the first entry of a control, in file
//!   order, is its decision; a second one is `SOA003`). A control missing from the SoA is
//!   reported at the SoA document that holds most entries of its framework (the first such
//!   document in file order; the first SoA document when none holds any).

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde_json::Value;

use crate::catalog::split_reference;
use crate::dates::parse_date;
use crate::model::views::{self, Views};
use crate::model::{Artifact, Kind};
use crate::pointer::Pointer;

/// A framework declared in scope.
#[derive(Debug, Clone)]
pub struct InScope<'a> {
    /// `iso27001:2022`.
    pub id: &'a str,
    /// The amendments the scope applies (`iso27001:2022/amd1:2024`).
    pub amendments: Vec<&'a str>,
    /// The scope artifact that declares it (the first one, when several do).
    pub scope: &'a Artifact,
    /// Its position in that scope's `frameworks` list.
    pub index: usize,
}

impl InScope<'_> {
    /// The JSON pointer of its entry in the scope (`/frameworks/0`).
    pub(crate) fn pointer(&self) -> Pointer {
        Pointer::root().child("frameworks").item(self.index)
    }
}

/// One Statement of Applicability entry, where it is written.
#[derive(Debug, Clone, Copy)]
pub struct SoaEntry<'a> {
    pub soa: &'a Artifact,
    /// Its position in that document's `entries`.
    pub index: usize,
    pub value: &'a Value,
}

impl<'a> SoaEntry<'a> {
    /// `applicable` as written (`None` when absent or not a boolean).
    pub fn applicable(&self) -> Option<bool> {
        self.value.get("applicable").and_then(Value::as_bool)
    }

    pub fn status(&self) -> Option<&'a str> {
        self.value.get("status").and_then(Value::as_str)
    }

    pub fn justification(&self) -> Option<&'a str> {
        self.value.get("justification").and_then(Value::as_str)
    }

    /// The organisation controls the entry names in `implemented_by`.
    pub fn implemented_by(&self) -> Vec<&'a str> {
        views::strings(self.value.get("implemented_by"))
    }
}

/// The model. Artifacts are referred to, never copied.
#[derive(Debug, Default)]
pub struct Compliance<'a> {
    frameworks: Vec<InScope<'a>>,
    soa_documents: Vec<&'a Artifact>,
    soa: BTreeMap<&'a str, SoaEntry<'a>>,
    views: Views<'a>,
}

impl<'a> Compliance<'a> {
    /// Build the model from every artifact of the run, in file order.
    pub fn build(artifacts: &'a [Arc<Artifact>]) -> Self {
        let mut model = Compliance::default();
        for a in artifacts.iter().map(|a| &**a) {
            match a.kind {
                Kind::Scope => model.add_scope(a),
                Kind::StatementOfApplicability => model.add_soa(a),
                _ => {}
            }
            model.views.add(a);
        }
        model.views.finish();
        model
    }

    fn add_scope(&mut self, scope: &'a Artifact) {
        let frameworks = scope.value.get("frameworks").and_then(Value::as_array);
        for (index, f) in frameworks.into_iter().flatten().enumerate() {
            let Some(id) = f.get("id").and_then(Value::as_str) else {
                continue;
            };
            if self.frameworks.iter().any(|x| x.id == id) {
                continue;
            }
            self.frameworks.push(InScope {
                id,
                amendments: views::strings(f.get("amendments")),
                scope,
                index,
            });
        }
    }

    fn add_soa(&mut self, soa: &'a Artifact) {
        self.soa_documents.push(soa);
        let entries = soa.value.get("entries").and_then(Value::as_array);
        for (index, value) in entries.into_iter().flatten().enumerate() {
            let Some(control) = value.get("control").and_then(Value::as_str) else {
                continue;
            };
            self.soa
                .entry(control)
                .or_insert(SoaEntry { soa, index, value });
        }
    }

    /// The typed views of controls, evidence, documents and records.
    pub(crate) fn views(&self) -> &Views<'a> {
        &self.views
    }

    /// The frameworks in scope, in the order the scope declares them.
    pub fn frameworks(&self) -> &[InScope<'a>] {
        &self.frameworks
    }

    /// Is this framework (`iso42001:2023`) in scope?
    pub fn in_scope(&self, framework: &str) -> bool {
        self.frameworks.iter().any(|f| f.id == framework)
    }

    /// The first scope artifact, in file order.
    pub fn scope(&self) -> Option<&'a Artifact> {
        self.frameworks.first().map(|f| f.scope)
    }

    /// The SoA decision for a control (`iso27001:2022/A.5.15`): its first entry anywhere.
    pub fn soa_entry(&self, control: &str) -> Option<&SoaEntry<'a>> {
        self.soa.get(control)
    }

    /// Every SoA decision, by control reference.
    pub fn soa_entries(&self) -> impl Iterator<Item = (&'a str, &SoaEntry<'a>)> + '_ {
        self.soa.iter().map(|(k, v)| (*k, v))
    }

    /// Every SoA document, in file order.
    pub fn soa_documents(&self) -> &[&'a Artifact] {
        &self.soa_documents
    }

    /// The SoA document where a control of `framework` that has no entry is reported.
    pub fn soa_home(&self, framework: &str) -> Option<&'a Artifact> {
        home(&self.soa_documents, framework, |a| {
            let entries = a.value.get("entries").and_then(Value::as_array);
            entries
                .into_iter()
                .flatten()
                .filter_map(|e| e.get("control").and_then(Value::as_str))
                .collect()
        })
    }
}

/// The newest record of a periodic activity that has happened, and when the next one falls
/// due: the one computation behind `recent` (`AUD001`, `MR001`), the readiness section and
/// `annexa due`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Periodic<'a> {
    pub record: &'a Artifact,
    /// When it was held (its date field).
    pub held: Date,
    /// `interval` after it; `None` past the end of the calendar.
    pub next: Option<Date>,
}

impl<'a> Periodic<'a> {
    /// The newest of `records` dated on or before `today` by `date_field`, and the next due
    /// `interval` after it.
    pub(crate) fn of(
        records: impl IntoIterator<Item = &'a Artifact>,
        date_field: &str,
        today: Date,
        interval: crate::dates::Duration,
    ) -> Option<Self> {
        let (record, held) = newest(records, date_field, today)?;
        Some(Periodic {
            record,
            held,
            next: interval.after(held),
        })
    }
}

impl<'a> Compliance<'a> {
    /// The newest internal audit or management review (`kind`) covering `framework` that has
    /// happened by `today`, with the next due `interval` after it.
    pub(crate) fn periodic(
        &self,
        kind: Kind,
        framework: &str,
        today: Date,
        interval: crate::dates::Duration,
    ) -> Option<Periodic<'a>> {
        let held = self
            .views
            .records
            .iter()
            .filter(|r| r.artifact.kind == kind && r.covers(framework))
            .map(|r| r.artifact);
        Periodic::of(held, views::held_on(kind)?, today, interval)
    }
}

/// Of `documents` (in file order), the one naming most requirements of `framework`, the
/// first on a tie; the first document when none names any.
pub(crate) fn home<'a>(
    documents: &[&'a Artifact],
    framework: &str,
    named: impl Fn(&'a Artifact) -> Vec<&'a str>,
) -> Option<&'a Artifact> {
    let count = |a: &'a Artifact| {
        named(a)
            .into_iter()
            .filter(|r| split_reference(r).is_some_and(|(f, _)| f == framework))
            .count()
    };
    let mut best: Option<(&'a Artifact, usize)> = None;
    for &a in documents {
        let n = count(a);
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((a, n));
        }
    }
    best.map(|(a, _)| a)
}

/// The newest of `records` dated on or before `today` by `date_field`: a record dated in the
/// future has not happened yet and does not count.
pub(crate) fn newest<'a>(
    records: impl IntoIterator<Item = &'a Artifact>,
    date_field: &str,
    today: Date,
) -> Option<(&'a Artifact, Date)> {
    records
        .into_iter()
        .filter_map(|a| {
            let d = parse_date(a.value.get(date_field)?.as_str()?)?;
            (d <= today).then_some((a, d))
        })
        .fold(None, |best, (a, d)| match best {
            Some((_, bd)) if bd >= d => best,
            _ => Some((a, d)),
        })
}
