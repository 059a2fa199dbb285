//! Property tests for the front-ends: arbitrary bytes and arbitrary YAML-like text never make
//! the YAML or Markdown loaders panic or hang, and every span they report lies inside the file,
//! on character boundaries.

use annexa::markdown;
use annexa::source::Span;
use annexa::yaml::{self, Limits, Loaded};
use proptest::prelude::*;

fn spans_inside(text: &str, loaded: &Loaded) -> Result<(), TestCaseError> {
    let ok = |s: Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for e in &loaded.errors {
        prop_assert!(
            ok(e.span),
            "error span {:?} outside a {}-byte text",
            e.span,
            text.len()
        );
    }
    for c in &loaded.comments {
        prop_assert!(ok(c.span), "comment span {:?}", c.span);
    }
    for d in &loaded.documents {
        prop_assert!(ok(d.span), "document span {:?}", d.span);
        for (pointer, s) in d.spans.sorted() {
            prop_assert!(ok(s.value), "value span of {pointer} {:?}", s.value);
            if let Some(k) = s.key {
                prop_assert!(ok(k), "key span of {pointer} {:?}", k);
            }
        }
    }
    Ok(())
}

/// Text made of the characters that drive YAML's grammar.
fn yamlish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "a",
        "key",
        ": ",
        ":",
        "- ",
        "-",
        "? ",
        "\n",
        "\n  ",
        "\n    ",
        "  ",
        "\t",
        "#",
        " # c",
        "'",
        "\"",
        "\\",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "!t ",
        "|",
        ">",
        "|-",
        ">+",
        "---",
        "...",
        "%YAML 1.2",
        "1",
        "0x1F",
        "true",
        "~",
        "null",
        "é",
        "日本",
        "\r\n",
        "\u{feff}",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn yaml_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let loaded = yaml::load(&text, &Limits::default());
        spans_inside(&text, &loaded)?;
    }

    #[test]
    fn yaml_never_panics_on_yamlish_text(text in yamlish()) {
        let loaded = yaml::load(&text, &Limits::default());
        spans_inside(&text, &loaded)?;
    }

    #[test]
    fn markdown_never_panics(body in yamlish(), heading in "[#]{0,7}[ a-zA-Z]{0,12}") {
        let text = format!("---\n{body}\n---\n{heading}\n\n<!-- annexa-ignore X1 -->\n");
        let md = markdown::parse(&text, &Limits::default());
        spans_inside(&text, &md.yaml)?;
        for h in &md.headings {
            prop_assert!(h.span.end <= text.len());
        }
    }
}
