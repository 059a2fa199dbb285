//! `body`: a Markdown artifact's body is written out — it has headings, no section is empty,
//! no placeholder is left. The Markdown front end finds headings, empty sections and
//! placeholders (`markdown::Heading`); this function reports them.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{At, Check, Function, Result};
use crate::discover::Format;
use crate::rules::compile::Ctx;
use crate::rules::eval::{Env, Failure, Seen, Subject};
use crate::source::Span;

/// What a Markdown artifact's body must not lack or hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Body {
    /// The body has at least one heading.
    Headings,
    /// No section is empty: every heading has something under it.
    Empty,
    /// No placeholder is left: `TODO`, `TBD`, `TBC`, `FIXME`, or `annexa init`'s `Replace:`.
    Placeholders,
}

impl Function for Body {
    const TITLE: &'static str = "a Markdown body is written out";
    const EXAMPLE: &'static str = "\
kinds: [policy, procedure]
assert:
  - body: headings       # the body is divided into sections
  - body: empty          # no heading with nothing under it
  - body: placeholders   # no TODO, TBD, TBC, FIXME or `Replace:` left
";
    const DOCS: &'static str = "\
`headings`: a body with no heading at all (or no body) is one finding at the subject. `empty`:
each heading with nothing under it but blank lines, HTML comments or `TODO`/`TBD`, and no
sub-heading, is one finding at that heading. `placeholders`: each line that still holds `TODO`,
`TBD`, `TBC` or `FIXME` (as upper-case words), or the marker `annexa init` leaves for text to
replace (`Replace:`, or `Replace` alone in a table cell), is one finding at that line; code
blocks, inline code and HTML comments are not searched. Each finding's fingerprint names its
heading, so it survives lines moving. YAML artifacts are not checked.";
    const VARS: &'static [(&'static str, &'static str)] = &[
        ("heading", "the empty section's heading"),
        ("placeholder", "the placeholders of the line, as written"),
    ];

    type Compiled = Body;

    fn compile(self, _cx: &Ctx<'_>, _at: &At) -> Result<Body> {
        Ok(self)
    }
}

impl Check for Body {
    fn eval<'a>(&self, s: &Subject<'a>, _env: &Env<'a>, _seen: &mut Seen<'_, 'a>) -> Vec<Failure> {
        let a = s.artifact;
        if a.format != Format::Markdown {
            return Vec::new();
        }
        let at = |span: Span, label: String, entity: String| {
            let mut f = Failure::at(s.pointer.clone(), Some(s.value), label);
            f.missing = false;
            f.span = Some(span);
            f.entity = Some(entity);
            f
        };
        match self {
            Body::Headings if a.headings.is_empty() => {
                let mut f = Failure::at(s.pointer.clone(), Some(s.value), "no headings");
                f.missing = false;
                vec![f]
            }
            Body::Headings => Vec::new(),
            Body::Empty => {
                let hs = &a.headings;
                let texts: Vec<&str> = hs.iter().map(|h| h.text.as_str()).collect();
                hs.iter()
                    .enumerate()
                    // A heading whose sub-headings are empty too: each of them is reported.
                    .filter(|(i, h)| h.empty && hs.get(i + 1).is_none_or(|n| n.level <= h.level))
                    .map(|(i, h)| {
                        let entity = format!("empty:{}:{}", h.text, alike_before(&texts, i));
                        at(h.span, "nothing under this heading".into(), entity)
                            .var("heading", h.text.clone())
                    })
                    .collect()
            }
            Body::Placeholders => a
                .headings
                .iter()
                .flat_map(|h| {
                    let texts: Vec<&str> = h.placeholders.iter().map(|p| p.text.as_str()).collect();
                    h.placeholders.iter().enumerate().map(move |(i, p)| {
                        let n = alike_before(&texts, i);
                        let entity = format!("placeholder:{}:{}:{n}", h.text, p.text);
                        at(p.span, format!("placeholder `{}`", p.text), entity)
                            .var("placeholder", p.text.clone())
                    })
                })
                .collect(),
        }
    }
}

/// How many of `items` before the `i`th equal it: an occurrence number that tells apart two
/// findings with the same text (for fingerprints).
fn alike_before(items: &[&str], i: usize) -> usize {
    items[..i].iter().filter(|t| **t == items[i]).count()
}
