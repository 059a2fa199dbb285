//! `sections`: a Markdown artifact has the required sections, each with content — one list
//! for every subject, or a list chosen by a field's value (a document's `document_type`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::args::Path;
use super::{At, Check, Function, Result};
use crate::discover::Format;
use crate::markdown::Heading;
use crate::model::Artifact;
use crate::rules::compile::{Ctx, err};
use crate::rules::eval::{Env, Failure, RelatedPlace, Seen, Subject};
use crate::rules::path::FieldPath;
use crate::suggest::misspelling;

/// A Markdown artifact has these sections (headings of any level naming them, by whole words, case and punctuation ignored), each with something under it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sections {
    /// The sections that must exist and have content: a list (or `$param` naming one) of section names, each a name or a list of ways to write it (the first is the name shown), found as whole words in a heading of any level. With `by`, a mapping from the values of that field to such lists (or `$param` naming one).
    required: RequiredSections,
    /// A field of the subject whose value chooses the list in `required` (e.g. `document_type`); a subject whose value the mapping does not name is not checked.
    #[serde(default)]
    by: Option<Path>,
    /// Report a required section whose heading has nothing under it (default `true`); `false` leaves empty sections to another rule (`body: empty`).
    #[serde(default = "yes")]
    empty: bool,
}

fn yes() -> bool {
    true
}

/// A list, a mapping of lists (with `by`), or `$param` naming one.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(inline)]
enum RequiredSections {
    #[schemars(extend("minItems" = 1))]
    List(Vec<SectionSpec>),
    ByValue(BTreeMap<String, Vec<SectionSpec>>),
    #[schemars(extend("pattern" = "^\\$"))]
    Param(String),
}

/// A section name, or the ways to write it (the first is the name shown): `[Society, societal]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(inline)]
enum SectionSpec {
    Name(String),
    #[schemars(extend("minItems" = 1))]
    Alternatives(Vec<String>),
}

impl Function for Sections {
    const TITLE: &'static str = "a Markdown artifact has required sections, with content";
    const EXAMPLE: &'static str = "\
kinds: [impact-assessment]
assert:
  - sections: { required: [Individuals, [Groups, communities], [Society, societal], Mitigations] }
---
kinds: [policy, procedure]
assert:
  # the list depends on the document's type; other types are not checked
  - sections:
      by: document_type
      required:
        objectives: [Objectives, [Planning, plan, plans]]
        internal-audit: [[Programme, program], [Auditors, auditor], [Reporting, report, results]]
";
    const DOCS: &'static str = "\
Each required section is a name, or a list of ways to write it (the first is the name shown); a
heading of any level names it when it contains one of them as whole words, case and punctuation
ignored — \"Impacts on individuals and groups of individuals\" names both `Individuals` and
`Groups`. A level-1 heading that repeats the artifact's `title` is the document's title and
names no section. `required` may also be a `$param` holding such a list (the built-in AI002
uses `$impact_sections`). With `by`, `required` maps the values of that field to lists (the
built-in DOC011 uses `by: document_type`, `$document_sections` and `empty: false`, leaving
empty sections to DOC013 so that one defect gives one finding); a value it does not name
is not checked, and an empty list requires nothing.

Missing sections are one finding at the subject, naming them all; a heading that nearly names a
missing section (a misspelling) is suggested, with a secondary label at it. A section whose
every heading has nothing under it but blank lines, HTML comments or `TODO`/`TBD` is one
finding at that heading (unless `empty: false`). YAML artifacts are not checked.";
    const VARS: &'static [(&'static str, &'static str)] = &[(
        "missing",
        "the sections missing (with a did-you-mean for a near miss), or the one that is empty",
    )];

    type Compiled = SectionsCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<SectionsCheck> {
        let place = at.arg("required");
        let required = match self.required {
            RequiredSections::Param(name) => {
                let value = name.strip_prefix('$').and_then(|n| cx.param(n));
                let parsed = value.and_then(|v| match v {
                    Value::Object(_) => serde_json::from_value(v.clone())
                        .ok()
                        .map(RequiredSections::ByValue),
                    _ => serde_json::from_value(v.clone())
                        .ok()
                        .map(RequiredSections::List),
                });
                match parsed {
                    Some(r) => r,
                    None => {
                        return err(
                            place,
                            format!(
                                "`{name}` is not a parameter holding a list of sections, or a mapping of such lists"
                            ),
                        );
                    }
                }
            }
            other => other,
        };
        let lists = match (required, &self.by) {
            (RequiredSections::List(items), None) => {
                let groups = groups(items);
                if groups.is_empty() {
                    return err(place, "list at least one section");
                }
                Lists::One(groups)
            }
            (RequiredSections::ByValue(map), Some(by)) => Lists::By(
                by.compile(&at.arg("by"))?,
                map.into_iter().map(|(k, v)| (k, groups(v))).collect(),
            ),
            (RequiredSections::ByValue(_), None) => {
                return err(
                    place,
                    "a mapping of section lists needs `by`, the field whose value chooses the list",
                );
            }
            (_, Some(_)) | (RequiredSections::Param(_), None) => {
                return err(
                    place,
                    "with `by`, `required` maps the field's values to lists of sections",
                );
            }
        };
        Ok(SectionsCheck {
            lists,
            empty: self.empty,
        })
    }
}

/// The ways to write each section (empty names dropped).
fn groups(items: Vec<SectionSpec>) -> Vec<Vec<String>> {
    items
        .into_iter()
        .map(|spec| match spec {
            SectionSpec::Name(n) => vec![n],
            SectionSpec::Alternatives(names) => names,
        })
        .filter(|g| !g.is_empty())
        .collect()
}

/// Each required section: the ways to write it (the first is its name).
type Groups = Vec<Vec<String>>;

#[derive(Debug)]
enum Lists {
    One(Groups),
    /// The field, and the list for each of its values.
    By(FieldPath, BTreeMap<String, Groups>),
}

#[derive(Debug)]
pub(crate) struct SectionsCheck {
    lists: Lists,
    empty: bool,
}

impl SectionsCheck {
    /// The sections the subject needs.
    fn required<'c>(&'c self, s: &Subject<'_>) -> &'c [Vec<String>] {
        match &self.lists {
            Lists::One(g) => g,
            Lists::By(field, map) => field
                .get(s.value)
                .and_then(Value::as_str)
                .and_then(|v| map.get(v))
                .map_or(&[], Vec::as_slice),
        }
    }
}

impl Check for SectionsCheck {
    fn eval<'a>(&self, s: &Subject<'a>, _env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let required = self.required(s);
        if s.artifact.format != Format::Markdown || required.is_empty() {
            return Vec::new();
        }
        let headings: Vec<(String, &Heading)> = section_headings(s.artifact)
            .map(|h| (format!(" {} ", words(&h.text)), h))
            .collect();
        let names_any = |text: &str, names: &[String]| {
            names
                .iter()
                .any(|n| text.contains(&format!(" {} ", words(n))))
        };
        // Headings that name no required section: where a misspelt one may be.
        let unclaimed: Vec<(String, &Heading)> = headings
            .iter()
            .filter(|(text, _)| !required.iter().any(|names| names_any(text, names)))
            .cloned()
            .collect();
        let mut missing = Vec::new();
        let mut related = Vec::new();
        let mut out = Vec::new();
        for names in required {
            // A heading names a section when it contains one of its names as whole words:
            // "Impacts on individuals and groups of individuals" names both Individuals and
            // Groups. One with content is enough.
            let naming: Vec<&Heading> = headings
                .iter()
                .filter(|(text, _)| names_any(text, names))
                .map(|(_, h)| *h)
                .collect();
            match naming.iter().find(|h| !h.empty).or(naming.first()) {
                None => match near_miss(names, &unclaimed) {
                    Some(h) => {
                        missing.push(format!(
                            "{} (did you mean the heading `{}`?)",
                            names[0], h.text
                        ));
                        related.push(RelatedPlace {
                            file: s.artifact.file.clone(),
                            span: h.span,
                            message: format!("did you mean this heading for `{}`?", names[0]),
                        });
                    }
                    None => missing.push(names[0].clone()),
                },
                Some(h) if h.empty && self.empty => {
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
            f.related = related;
            out.insert(0, f.var("missing", missing.join(", ")));
        }
        out
    }
}

/// The headings that may name sections: all but a level-1 heading that repeats the artifact's
/// `title` (the document's title, which names the whole document, not a part of it).
fn section_headings(a: &Artifact) -> impl Iterator<Item = &Heading> {
    let title = a.value.get("title").and_then(Value::as_str).map(words);
    a.headings
        .iter()
        .filter(move |h| !(h.level == 1 && title.as_deref() == Some(words(&h.text).as_str())))
}

/// A heading whose words misspell one of `names` (`Comitments` for `Commitments`): the
/// nearest run of up to four words, in a heading that names no required section.
fn near_miss<'h>(names: &[String], headings: &[(String, &'h Heading)]) -> Option<&'h Heading> {
    let mut runs: Vec<(String, &Heading)> = Vec::new();
    for (text, h) in headings {
        let w: Vec<&str> = text.split_whitespace().collect();
        for n in 1..=w.len().min(4) {
            runs.extend(w.windows(n).map(|run| (run.join(" "), *h)));
        }
    }
    names.iter().map(|n| words(n)).find_map(|name| {
        // Short names (`SoA`) are too near too much to guess from.
        if name.len() < 5 {
            return None;
        }
        let near = misspelling(&name, runs.iter().map(|(r, _)| r.as_str()))?;
        runs.iter().find(|(r, _)| r == near).map(|(_, h)| *h)
    })
}

/// Lower-case words of a heading or section name, single-spaced, punctuation dropped.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
