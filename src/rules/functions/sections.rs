//! `sections`: a Markdown artifact has the required sections, each with content.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{At, Check, Function, Result};
use crate::discover::Format;
use crate::markdown::Heading;
use crate::rules::compile::{Ctx, err};
use crate::rules::eval::{Env, Failure, Seen, Subject};

/// A Markdown artifact has these sections (headings of any level naming them, by whole words, case and punctuation ignored), each with something under it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sections {
    /// The sections that must exist and have content: a list (or `$param` naming one) of section names, each a name or a list of ways to write it (the first is the name shown), found as whole words in a heading of any level.
    required: RequiredSections,
}

/// A list, or `$param` naming one.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(inline)]
enum RequiredSections {
    #[schemars(extend("minItems" = 1))]
    List(Vec<SectionSpec>),
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
";
    const DOCS: &'static str = "\
Each required section is a name, or a list of ways to write it (the first is the name shown); a
heading of any level names it when it contains one of them as whole words, case and punctuation
ignored — \"Impacts on individuals and groups of individuals\" names both `Individuals` and
`Groups`. `required` may also be a `$param` holding such a list (the built-in AI002 uses
`$impact_sections`). Missing sections are one finding at the subject, naming them all; a section
whose heading has nothing under it but blank lines, HTML comments or `TODO`/`TBD` is one finding
at that heading. YAML artifacts are not checked.";
    const VARS: &'static [(&'static str, &'static str)] = &[(
        "missing",
        "the sections missing, or the one that is empty",
    )];

    type Compiled = SectionsCheck;

    fn compile(self, cx: &Ctx<'_>, at: &At) -> Result<SectionsCheck> {
        let list = match self.required {
            RequiredSections::List(items) => items,
            RequiredSections::Param(name) => {
                let value = name.strip_prefix('$').and_then(|n| cx.param(n)).cloned();
                match value.map(serde_json::from_value::<Vec<SectionSpec>>) {
                    Some(Ok(items)) => items,
                    _ => {
                        return err(
                            at.arg("required"),
                            format!("`{name}` is not a parameter holding a list of sections"),
                        );
                    }
                }
            }
        };
        let groups: Vec<Vec<String>> = list
            .into_iter()
            .map(|spec| match spec {
                SectionSpec::Name(n) => vec![n],
                SectionSpec::Alternatives(names) => names,
            })
            .filter(|g| !g.is_empty())
            .collect();
        if groups.is_empty() {
            return err(at.arg("required"), "list at least one section");
        }
        Ok(SectionsCheck(groups))
    }
}

/// Each required section: the ways to write it (the first is its name).
#[derive(Debug)]
pub(crate) struct SectionsCheck(Vec<Vec<String>>);

impl Check for SectionsCheck {
    fn eval<'a>(&self, s: &Subject<'a>, _env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        if s.artifact.format != Format::Markdown {
            return Vec::new();
        }
        let headings: Vec<(String, &Heading)> = s
            .artifact
            .headings
            .iter()
            .map(|h| (format!(" {} ", words(&h.text)), h))
            .collect();
        let mut missing = Vec::new();
        let mut out = Vec::new();
        for names in &self.0 {
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

/// Lower-case words of a heading or section name, single-spaced, punctuation dropped.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
