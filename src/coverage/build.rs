//! Compute the coverage model from a repository's artifacts and catalogs.

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use serde_json::Value;

use super::model::*;
use crate::catalog::{self, Catalog, Catalogs};
use crate::dates::{self, Duration, Standing};
use crate::diagnostic::Diagnostic;
use crate::model::views::{EvidenceView, Expiry, Views};
use crate::model::{Artifact, Compliance, Kind};
use crate::registry::Registry;
use crate::source::SourceMap;
use std::sync::Arc;

/// The ISO/IEC 27001 edition an ISO/IEC 42001 programme is compared with.
pub(crate) const BASE_FRAMEWORK: &str = "iso27001:2022";
/// The framework whose additions are listed.
pub(crate) const ADDED_FRAMEWORK: &str = "iso42001:2023";

/// What the model is computed from: a run of the check.
pub struct Input<'a> {
    pub artifacts: &'a [Arc<Artifact>],
    pub catalogs: &'a Catalogs,
    pub today: Date,
    /// Validity of evidence without `valid_for`.
    pub evidence_validity: Duration,
    /// How early evidence counts as expiring.
    pub warn_within: Duration,
    /// The check's findings, for the readiness verdict.
    pub findings: &'a [Diagnostic],
    pub registry: &'a Registry,
    pub sources: &'a SourceMap,
}

/// A Statement of Applicability entry, as read.
struct Entry {
    applicable: Option<bool>,
    status: Option<String>,
    justification: Option<String>,
    implemented_by: Vec<String>,
}

/// The repository's mappings, indexed once.
struct Mappings {
    soa: HashMap<String, Entry>,
    /// Requirement reference → control ids.
    controls: HashMap<String, Vec<String>>,
    /// Requirement reference → policy and procedure ids.
    documents: HashMap<String, Vec<String>>,
    /// Control id → its freshness.
    freshness: HashMap<String, Freshness>,
}

pub fn build(input: &Input<'_>) -> Coverage {
    let artifacts = input.artifacts;
    // What is in scope and what the SoA decides come from the model the rules use, so that
    // `coverage` and `check` agree on every layout.
    let model = Compliance::build(artifacts);
    let scope = model.scope();
    let soa = soa_entries(&model);
    let frameworks_in_scope: Vec<(String, Vec<String>)> = model
        .frameworks()
        .iter()
        .map(|f| {
            (
                f.id.to_string(),
                f.amendments.iter().map(|a| a.to_string()).collect(),
            )
        })
        .collect();

    let controls = controls(input, &model, &soa);
    let mut mappings = Mappings {
        soa,
        controls: HashMap::new(),
        documents: HashMap::new(),
        freshness: HashMap::new(),
    };
    for c in &controls {
        mappings.freshness.insert(c.id.clone(), c.freshness);
        for r in &c.requirements {
            mappings
                .controls
                .entry(r.clone())
                .or_default()
                .push(c.id.clone());
        }
    }
    for d in &model.views().documents {
        for r in &d.satisfies {
            let ids = mappings.documents.entry(r.to_string()).or_default();
            if !ids.iter().any(|x| x == d.id) {
                ids.push(d.id.to_string());
            }
        }
    }
    let in_scope: Vec<&str> = frameworks_in_scope
        .iter()
        .map(|(f, _)| f.as_str())
        .collect();
    for (reference, id) in records(&model, &in_scope) {
        let ids = mappings.documents.entry(reference).or_default();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    for ids in mappings
        .controls
        .values_mut()
        .chain(mappings.documents.values_mut())
    {
        ids.sort();
        ids.dedup();
    }

    let frameworks: Vec<Framework> = frameworks_in_scope
        .iter()
        .map(|(id, amendments)| {
            let mut f = framework(id, amendments, input.catalogs.get(id), &mappings);
            if f.catalog {
                f.suggested = suggestions(id, input.catalogs, &mappings);
            }
            f
        })
        .collect();
    let order: Vec<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();
    let shared_controls = shared(&controls, &order);
    let additions = additions(&frameworks, &mappings);
    let readiness = super::readiness::readiness(&super::readiness::Facts {
        model: &model,
        findings: input.findings,
        registry: input.registry,
        sources: input.sources,
        today: input.today,
        evidence_validity: input.evidence_validity,
        warn_within: input.warn_within,
    });
    Coverage {
        version: VERSION,
        today: input.today.to_string(),
        organisation: scope.and_then(|s| str_field(&s.value, "organisation")),
        scope: scope.and_then(|s| s.id.clone()),
        soa_documents: soa_documents(&model),
        settings: Settings {
            evidence_validity: input.evidence_validity.to_string(),
            warn_within: input.warn_within.to_string(),
        },
        readiness,
        frameworks,
        controls,
        shared_controls,
        additions,
    }
}

/// (requirement reference, record id) for the records that are, by their kind, documented
/// information of a clause: for the frameworks an audit or review lists, else for every
/// framework in scope.
fn records(model: &Compliance<'_>, in_scope: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in &model.views().records {
        let frameworks = r.frameworks.as_deref().unwrap_or(in_scope);
        for f in frameworks {
            for c in r.clauses {
                out.push((format!("{f}/{c}"), r.id.to_string()));
            }
        }
    }
    out
}

/// The Statement of Applicability's decisions, as the model reads them (the first entry of a
/// control, in file order, wins).
fn soa_entries(model: &Compliance<'_>) -> HashMap<String, Entry> {
    model
        .soa_entries()
        .map(|(control, e)| {
            (
                control.to_string(),
                Entry {
                    applicable: e.applicable(),
                    status: e.status().map(str::to_string),
                    justification: e.justification().map(str::to_string),
                    implemented_by: e.implemented_by().into_iter().map(str::to_string).collect(),
                },
            )
        })
        .collect()
}

/// Every organisation control with the requirements it serves and its evidence.
fn controls(
    input: &Input<'_>,
    model: &Compliance<'_>,
    soa: &HashMap<String, Entry>,
) -> Vec<Control> {
    let mut evidence: HashMap<&str, Vec<Evidence>> = HashMap::new();
    for e in &model.views().evidence {
        let Some(record) = evidence_record(e, model.views(), input) else {
            continue;
        };
        for c in &e.supports {
            let list = evidence.entry(c).or_default();
            if !list.iter().any(|x| x.id == record.id) {
                list.push(record.clone());
            }
        }
    }
    // SoA entries naming each control, in entry order.
    let mut soa_refs: Vec<(&String, &Entry)> = soa.iter().collect();
    soa_refs.sort_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<Control> = Vec::new();
    for c in &model.views().controls {
        let id = c.id.to_string();
        let mut requirements: Vec<String> = c.satisfies.iter().map(|r| r.to_string()).collect();
        for (r, e) in &soa_refs {
            if e.implemented_by.contains(&id) && !requirements.contains(r) {
                requirements.push((*r).clone());
            }
        }
        let mut frameworks: Vec<String> = Vec::new();
        for r in &requirements {
            if let Some((f, _)) = catalog::split_reference(r)
                && !frameworks.iter().any(|x| x == f)
            {
                frameworks.push(f.to_string());
            }
        }
        let mut ev = evidence.remove(c.id).unwrap_or_default();
        ev.sort_by(|a, b| b.collected_on.cmp(&a.collected_on).then(a.id.cmp(&b.id)));
        let freshness = ev
            .iter()
            .map(|e| e.freshness)
            .max()
            .unwrap_or(Freshness::None);
        out.push(Control {
            id,
            title: c.text("title").map(str::to_string),
            owner: c.text("owner").map(str::to_string),
            status: c.text("status").and_then(Status::from_name),
            file: c.artifact.file.clone(),
            requirements,
            frameworks,
            evidence: ev,
            freshness,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// An evidence record with its expiry, or `None` past the end of the calendar. A record that
/// a newer one of a recurring control supersedes (`Views::superseded`) is history, not stale.
pub(crate) fn evidence_record(
    e: &EvidenceView<'_>,
    views: &Views<'_>,
    input: &Input<'_>,
) -> Option<Evidence> {
    let expiry = e.expiry(input.evidence_validity)?;
    let expires_on = match expiry {
        Expiry::On(date) => date.to_string(),
        Expiry::UntilSuperseded => dates::UNTIL_SUPERSEDED.to_string(),
    };
    let standing = expiry.standing(input.today, input.warn_within);
    Some(Evidence {
        id: e.id.to_string(),
        title: e.text("title").map(str::to_string),
        collected_on: e.collected_on.to_string(),
        expires_on,
        freshness: match standing {
            _ if views.superseded(e) => Freshness::Superseded,
            Standing::Expired => Freshness::Stale,
            Standing::Expiring => Freshness::Expiring,
            Standing::Current => Freshness::Fresh,
        },
    })
}

/// One framework: its requirements by section and group, and its totals.
fn framework(
    id: &str,
    amendments: &[String],
    catalog: Option<&Catalog>,
    mappings: &Mappings,
) -> Framework {
    let Some(catalog) = catalog else {
        return Framework {
            id: id.to_string(),
            title: id.to_string(),
            amendments: amendments.to_vec(),
            catalog: false,
            totals: Totals::default(),
            sections: Vec::new(),
            suggested: Vec::new(),
        };
    };
    let tree = Tree::new(catalog);
    let rows: Vec<Requirement> = catalog
        .requirements
        .iter()
        .map(|r| requirement(catalog, &tree, r, mappings))
        .collect();
    let mut sections = Vec::new();
    for kind in [
        SectionKind::Controls,
        SectionKind::Clauses,
        SectionKind::Requirements,
    ] {
        let groups = groups(catalog, &tree, &rows, kind);
        if !groups.is_empty() {
            sections.push(Section { kind, groups });
        }
    }
    let totals = totals(&rows);
    Framework {
        id: id.to_string(),
        title: catalog.title.clone(),
        amendments: amendments.to_vec(),
        catalog: true,
        totals,
        sections,
        suggested: Vec::new(),
    }
}

/// What the crosswalks suggest controls might serve in `framework`: a control that claims one
/// end of a link and does not claim the other, in `framework`. Read both ways.
fn suggestions(framework: &str, catalogs: &Catalogs, mappings: &Mappings) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = Vec::new();
    for crosswalk in catalogs.crosswalks() {
        for p in crosswalk.pairs() {
            let both_ways = [
                (&p.from, &p.to, p.relationship),
                (&p.to, &p.from, p.relationship.reversed()),
            ];
            for (through, reference, relationship) in both_ways {
                let in_framework = catalog::split_reference(reference).map(|(f, _)| f);
                if in_framework != Some(framework) {
                    continue;
                }
                let Some((_, r)) = catalogs.requirement(reference) else {
                    continue;
                };
                let claimed = mappings.controls.get(reference.as_str());
                for control in mappings
                    .controls
                    .get(through.as_str())
                    .into_iter()
                    .flatten()
                {
                    if claimed.is_some_and(|c| c.contains(control))
                        || out
                            .iter()
                            .any(|s| &s.reference == reference && &s.control == control)
                    {
                        continue;
                    }
                    out.push(Suggestion {
                        reference: reference.clone(),
                        title: r.title.clone(),
                        control: control.clone(),
                        through: through.clone(),
                        relationship: relationship.name().to_string(),
                        crosswalk: crosswalk.title.clone(),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.reference, &a.control).cmp(&(&b.reference, &b.control)));
    out
}

/// Parents and children of a catalog's requirements.
struct Tree<'a> {
    parent: HashMap<&'a str, &'a str>,
    children: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Tree<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        let known: BTreeSet<&str> = catalog.requirements.iter().map(|r| r.id.as_str()).collect();
        let mut parent = HashMap::new();
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in &catalog.requirements {
            if let Some(p) = r.parent.as_deref().filter(|p| known.contains(p)) {
                parent.insert(r.id.as_str(), p);
                children.entry(p).or_default().push(r.id.as_str());
            }
        }
        Tree { parent, children }
    }

    /// Ancestors, nearest first (cycles cut).
    fn ancestors(&self, id: &str) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        let mut cur = id;
        while let Some(&p) = self.parent.get(cur) {
            if p == id || out.contains(&p) {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }

    fn top(&self, id: &'a str) -> &'a str {
        self.ancestors(id).last().copied().unwrap_or(id)
    }

    fn is_heading(&self, id: &str) -> bool {
        self.children.contains_key(id)
    }

    /// The descendants without children of their own.
    fn leaves(&self, id: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut stack: Vec<&'a str> = self.children.get(id).cloned().unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(c) = stack.pop() {
            if !seen.insert(c) {
                continue;
            }
            match self.children.get(c) {
                Some(cs) => stack.extend(cs.iter().copied()),
                None => out.push(c),
            }
        }
        out
    }
}

fn requirement(
    catalog: &Catalog,
    tree: &Tree<'_>,
    r: &catalog::Requirement,
    mappings: &Mappings,
) -> Requirement {
    let reference = format!("{}/{}", catalog.framework, r.id);
    let direct = |id: &str| -> (Vec<String>, Vec<String>) {
        let key = format!("{}/{id}", catalog.framework);
        (
            mappings.controls.get(&key).cloned().unwrap_or_default(),
            mappings.documents.get(&key).cloned().unwrap_or_default(),
        )
    };
    let (mut controls, mut documents) = direct(&r.id);
    let mut via = Vec::new();
    for a in tree.ancestors(&r.id) {
        let (c, d) = direct(a);
        if c.is_empty() && d.is_empty() {
            continue;
        }
        via.push(a.to_string());
        controls.extend(c);
        documents.extend(d);
    }
    controls.sort();
    controls.dedup();
    documents.sort();
    documents.dedup();
    let heading = tree.is_heading(&r.id);
    let covered = if heading && controls.is_empty() && documents.is_empty() {
        let leaves = tree.leaves(&r.id);
        !leaves.is_empty()
            && leaves.iter().all(|l| {
                let refs: Vec<&str> = std::iter::once(*l).chain(tree.ancestors(l)).collect();
                refs.iter().any(|x| {
                    let (c, d) = direct(x);
                    !c.is_empty() || !d.is_empty()
                })
            })
    } else {
        !controls.is_empty() || !documents.is_empty()
    };
    let evidence = controls
        .iter()
        .filter_map(|c| mappings.freshness.get(c).copied())
        .max()
        .unwrap_or(Freshness::None);
    let soa = (r.kind == "control").then(|| match mappings.soa.get(&reference) {
        None => Soa {
            applicability: Applicability::Missing,
            status: None,
            justification: None,
        },
        Some(e) if e.applicable == Some(false) => Soa {
            applicability: Applicability::Excluded,
            status: None,
            justification: e.justification.clone(),
        },
        Some(e) => Soa {
            applicability: Applicability::Applicable,
            status: e.status.as_deref().and_then(Status::from_name),
            justification: e.justification.clone(),
        },
    });
    Requirement {
        id: r.id.clone(),
        reference,
        title: r.title.clone(),
        kind: r.kind.clone(),
        heading,
        soa,
        controls,
        documents,
        via,
        covered,
        evidence,
    }
}

fn section_of(kind: &str) -> SectionKind {
    match kind {
        "control" => SectionKind::Controls,
        "clause" => SectionKind::Clauses,
        _ => SectionKind::Requirements,
    }
}

/// The requirements of one section, grouped: by catalog group, or (clauses) by top-level
/// clause. Groups come in the order of their first requirement.
fn groups(
    catalog: &Catalog,
    tree: &Tree<'_>,
    rows: &[Requirement],
    kind: SectionKind,
) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut index: HashMap<Option<String>, usize> = HashMap::new();
    let title_of = |id: &str| {
        catalog
            .requirements
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.title.clone())
            .unwrap_or_default()
    };
    for (req, row) in catalog.requirements.iter().zip(rows) {
        if section_of(&req.kind) != kind {
            continue;
        }
        let (key, title, parent) = if kind == SectionKind::Clauses {
            let top = tree.top(&req.id);
            if top == req.id && tree.is_heading(&req.id) {
                continue; // the group itself
            }
            (Some(top.to_string()), title_of(top), None)
        } else {
            match req.group.as_deref() {
                Some(g) => {
                    let group = catalog.groups.iter().find(|x| x.id == g);
                    let parent = group
                        .and_then(|x| x.parent.as_deref())
                        .and_then(|p| catalog.groups.iter().find(|x| x.id == p))
                        .map(|p| GroupRef {
                            id: p.id.clone(),
                            title: p.title.clone(),
                        });
                    (
                        Some(g.to_string()),
                        group.map(|x| x.title.clone()).unwrap_or_default(),
                        parent,
                    )
                }
                None => (None, String::new(), None),
            }
        };
        let i = *index.entry(key.clone()).or_insert_with(|| {
            out.push(Group {
                id: key,
                title,
                parent,
                requirements: Vec::new(),
            });
            out.len() - 1
        });
        out[i].requirements.push(row.clone());
    }
    out
}

fn totals(rows: &[Requirement]) -> Totals {
    let mut t = Totals::default();
    for r in rows.iter().filter(|r| !r.heading) {
        match section_of(&r.kind) {
            SectionKind::Clauses => {
                t.clauses.total += 1;
                t.clauses.covered += usize::from(r.covered);
            }
            SectionKind::Requirements => {
                t.requirements.total += 1;
                t.requirements.covered += usize::from(r.covered);
            }
            SectionKind::Controls => {
                let c = &mut t.controls;
                c.total += 1;
                let Some(soa) = &r.soa else { continue };
                match soa.applicability {
                    Applicability::Excluded => c.excluded += 1,
                    Applicability::Missing => c.missing += 1,
                    Applicability::Applicable => {
                        c.applicable += 1;
                        match soa.status {
                            Some(Status::Implemented) => c.implemented += 1,
                            Some(Status::Partial) => c.partial += 1,
                            Some(Status::Planned) => c.planned += 1,
                            Some(Status::NotStarted) => c.not_started += 1,
                            None => c.no_status += 1,
                        }
                        c.with_control += usize::from(!r.controls.is_empty());
                        match r.evidence {
                            Freshness::Fresh => c.fresh += 1,
                            Freshness::Expiring => c.expiring += 1,
                            Freshness::Stale => c.stale += 1,
                            Freshness::None | Freshness::Superseded => c.no_evidence += 1,
                        }
                    }
                }
            }
        }
    }
    t
}

/// Controls serving more than one framework, frameworks in scope order first.
fn shared(controls: &[Control], order: &[&str]) -> Vec<SharedControl> {
    let rank = |f: &str| order.iter().position(|x| *x == f).unwrap_or(order.len());
    controls
        .iter()
        .filter(|c| c.frameworks.len() > 1)
        .map(|c| {
            let mut frameworks: Vec<FrameworkRefs> = c
                .frameworks
                .iter()
                .map(|f| FrameworkRefs {
                    framework: f.clone(),
                    requirements: c
                        .requirements
                        .iter()
                        .filter_map(|r| {
                            catalog::split_reference(r)
                                .filter(|(rf, _)| rf == f)
                                .map(|(_, id)| id.to_string())
                        })
                        .collect(),
                })
                .collect();
            frameworks.sort_by(|a, b| {
                (rank(&a.framework), &a.framework).cmp(&(rank(&b.framework), &b.framework))
            });
            SharedControl {
                id: c.id.clone(),
                title: c.title.clone(),
                frameworks,
                freshness: c.freshness,
            }
        })
        .collect()
}

/// The requirements of ISO/IEC 42001 that nothing serving ISO/IEC 27001 covers, when both
/// are in scope with their catalogs.
fn additions(frameworks: &[Framework], mappings: &Mappings) -> Option<Additions> {
    let base = frameworks
        .iter()
        .find(|f| f.id == BASE_FRAMEWORK && f.catalog)?;
    let added = frameworks
        .iter()
        .find(|f| f.id == ADDED_FRAMEWORK && f.catalog)?;
    let prefix = format!("{BASE_FRAMEWORK}/");
    // Everything that serves a requirement of the base framework: controls, documents, records.
    let serving_base: BTreeSet<&str> = mappings
        .controls
        .iter()
        .chain(&mappings.documents)
        .filter(|(r, _)| r.starts_with(&prefix))
        .flat_map(|(_, ids)| ids.iter().map(String::as_str))
        .collect();
    let mut out = Additions {
        base: base.id.clone(),
        base_title: base.title.clone(),
        added: added.id.clone(),
        added_title: added.title.clone(),
        total: 0,
        reused: 0,
        new_covered: 0,
        new_uncovered: 0,
        requirements: Vec::new(),
    };
    let rows = added
        .sections
        .iter()
        .flat_map(|s| &s.groups)
        .flat_map(|g| &g.requirements)
        .filter(|r| !r.heading);
    for r in rows {
        out.total += 1;
        let by: Vec<&String> = r.controls.iter().chain(&r.documents).collect();
        if by.iter().any(|x| serving_base.contains(x.as_str())) {
            out.reused += 1;
            continue;
        }
        if by.is_empty() {
            out.new_uncovered += 1;
        } else {
            out.new_covered += 1;
        }
        out.requirements.push(Addition {
            reference: r.reference.clone(),
            id: r.id.clone(),
            title: r.title.clone(),
            kind: r.kind.clone(),
            applicability: r.soa.as_ref().map(|s| s.applicability),
            covered_by: by.into_iter().cloned().collect(),
        });
    }
    Some(out)
}

/// Every SoA document, in file order.
fn soa_documents(model: &Compliance<'_>) -> Vec<SoaDocument> {
    model
        .views()
        .records
        .iter()
        .filter(|r| r.artifact.kind == Kind::StatementOfApplicability)
        .map(|r| {
            let v = &r.artifact.value;
            SoaDocument {
                id: r.id.to_string(),
                title: str_field(v, "title"),
                // `version: 4.0` written unquoted is a number; it is still the version.
                version: match v.get("version") {
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => str_field(v, "version"),
                },
                approved_by: str_field(v, "approved_by"),
                approved_on: str_field(v, "approved_on"),
                file: r.artifact.file.clone(),
            }
        })
        .collect()
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
