//! Unit tests of the YAML front-end: values, spans, errors, limits.

use serde_json::json;

use super::*;
use crate::codes;

fn one(src: &str) -> Document {
    let l = load(src, &Limits::default());
    assert!(l.errors.is_empty(), "unexpected errors: {:?}", l.errors);
    assert_eq!(l.documents.len(), 1);
    l.documents.into_iter().next().unwrap()
}

fn text(src: &str, span: Span) -> &str {
    &src[span.range()]
}

#[test]
fn block_spans() {
    let src = "a: 1\nb:\n  c: [x, {d: e}]\n  f:\n    - g\n    - h: i\n";
    let d = one(src);
    assert_eq!(
        d.value,
        json!({"a": 1, "b": {"c": ["x", {"d": "e"}], "f": ["g", {"h": "i"}]}})
    );
    let s = |p: &str| d.spans.get(p).unwrap_or_else(|| panic!("no span for {p}"));
    assert_eq!(text(src, s("/a").value), "1");
    assert_eq!(text(src, s("/a").key.unwrap()), "a");
    assert_eq!(
        text(src, s("/b").value),
        "c: [x, {d: e}]\n  f:\n    - g\n    - h: i"
    );
    assert_eq!(text(src, s("/b/c").value), "[x, {d: e}]");
    assert_eq!(text(src, s("/b/c/0").value), "x");
    assert_eq!(s("/b/c/0").key, None);
    assert_eq!(text(src, s("/b/c/1/d").key.unwrap()), "d");
    assert_eq!(text(src, s("/b/c/1/d").value), "e");
    assert_eq!(text(src, s("/b/f/1/h").value), "i");
    assert_eq!(s("").key, None);
    assert_eq!(d.span.start, 0);
    assert!(d.span.end >= src.len() - 1);
}

#[test]
fn pointer_escaping_and_empty_values() {
    let src = "a/b: 1\n\"t~\": \nseq:\n- \n";
    let d = one(src);
    assert_eq!(d.value, json!({"a/b": 1, "t~": null, "seq": [null]}));
    assert_eq!(text(src, d.spans.get("/a~1b").unwrap().value), "1");
    assert!(d.spans.get("/t~0").is_some());
    assert!(d.spans.get("/seq/0").is_some());
}

#[test]
fn core_schema_values() {
    let d = one(
        "n: ~\nb: True\ny: yes\ni: 0x10\no: 0o10\nf: 1.5\ninf: .inf\nd: 2024-01-01\nq: '1'\nt: !!str 12\nk: !!int \"7\"\n",
    );
    assert_eq!(
        d.value,
        json!({"n": null, "b": true, "y": "yes", "i": 16, "o": 8, "f": 1.5, "inf": ".inf",
               "d": "2024-01-01", "q": "1", "t": "12", "k": 7})
    );
}

#[test]
fn scalars_styles() {
    let d = one(
        "lit: |\n  a\n   b\n\nfold: >-\n  a\n  b\n\n  c\nplain: one\n  two\ndq: \"x\\ty\\u00e9\"\nsq: 'it''s'\n",
    );
    assert_eq!(
        d.value,
        json!({"lit": "a\n b\n", "fold": "a b\nc", "plain": "one two", "dq": "x\tyé", "sq": "it's"})
    );
}

#[test]
fn duplicate_keys() {
    let src = "a: 1\nb: 2\na: 3\n";
    let l = load(src, &Limits::default());
    assert_eq!(l.errors.len(), 1);
    let e = &l.errors[0];
    assert_eq!(e.code, codes::YAML002);
    assert_eq!(e.span, Span::new(10, 11));
    assert!(e.message.contains("`a`"));
    assert_eq!(e.related.as_ref().map(|r| r.0), Some(Span::new(0, 1)));
    // The last value is kept, with its spans.
    let d = &l.documents[0];
    assert_eq!(d.value, json!({"a": 3, "b": 2}));
    assert_eq!(text(src, d.spans.get("/a").unwrap().value), "3");
}

#[test]
fn anchors_and_aliases() {
    let d = one("base: &b {x: 1}\nother: *b\nlist: [&s v, *s]\n");
    assert_eq!(
        d.value,
        json!({"base": {"x": 1}, "other": {"x": 1}, "list": ["v", "v"]})
    );
    let l = load("a: *nope\n", &Limits::default());
    assert_eq!(l.errors[0].code, codes::YAML003);
    assert_eq!(l.errors[0].span, Span::new(3, 8));
    assert!(!l.documents[0].ok);
}

#[test]
fn complex_key_is_reported() {
    let l = load("? [a, b]\n: c\n", &Limits::default());
    assert_eq!(l.errors[0].code, codes::YAML005);
    assert!(!l.documents[0].ok);
}

#[test]
fn syntax_errors_are_small_and_per_document() {
    let src = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
    let l = load(src, &Limits::default());
    assert_eq!(l.documents.len(), 3);
    assert!(l.documents[0].ok && !l.documents[1].ok && l.documents[2].ok);
    assert_eq!(l.documents[2].value, json!({"c": 3}));
    let e = &l.errors[0];
    assert_eq!(e.code, codes::YAML001);
    assert_eq!(e.document, Some(1));
    assert_eq!(text(src, e.span), "[");
    assert!(e.message.contains("unclosed"));

    let l = load("a:\n\tb: 1\n", &Limits::default());
    assert!(l.errors[0].message.contains("tab"));
    assert_eq!(l.errors[0].span, Span::new(3, 4));

    let l = load("a: \"x\\qy\"\n", &Limits::default());
    assert!(l.errors[0].message.contains("escape"));
    assert_eq!(l.errors[0].span, Span::new(5, 7));
}

#[test]
fn comments_are_collected() {
    let src = "# head\na: 1 # trailing\n# tail\n";
    let l = load(src, &Limits::default());
    let texts: Vec<&str> = l.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, [" head", " trailing", " tail"]);
    assert_eq!(text(src, l.comments[1].span), "# trailing");
}

#[test]
fn empty_and_comment_only() {
    let l = load("", &Limits::default());
    assert!(l.documents.is_empty() && l.errors.is_empty());
    let l = load("# nothing here\n", &Limits::default());
    assert!(l.documents.is_empty() && l.errors.is_empty());
    assert_eq!(l.comments.len(), 1);
}

#[test]
fn crlf_and_bom() {
    let src = "\u{feff}a: 1\r\nb: |\r\n  x\r\n  y\r\nc: \"p\r\n  q\"\r\n";
    let d = one(src);
    assert_eq!(d.value, json!({"a": 1, "b": "x\ny\n", "c": "p q"}));
    assert_eq!(text(src, d.spans.get("/a").unwrap().key.unwrap()), "a");
    assert_eq!(
        text(src, d.spans.get("/b").unwrap().value),
        "|\r\n  x\r\n  y"
    );
}

#[test]
fn load_range_offsets_spans() {
    let src = "junk\n---\nk: v\n---\n";
    let l = load_range(src, Span::new(9, 14), &Limits::default());
    let d = &l.documents[0];
    assert_eq!(d.value, json!({"k": "v"}));
    assert_eq!(text(src, d.spans.get("/k").unwrap().value), "v");
}

#[test]
fn billion_laughs_is_bounded() {
    let mut src = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        src.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let start = std::time::Instant::now();
    let l = load(&src, &Limits::default());
    assert!(start.elapsed().as_secs() < 5);
    assert!(l.errors.iter().any(|e| e.code == codes::YAML004));
    assert!(!l.documents[0].ok);
}

#[test]
fn deep_flow_nesting() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let src = format!("{}{}", open.repeat(100_000), close.repeat(100_000));
        let l = load(&src, &Limits::default());
        assert!(l.errors.iter().any(|e| e.code == codes::YAML004), "{open}");
        assert!(!l.documents[0].ok);
        // Unclosed too.
        let l = load(&open.repeat(100_000), &Limits::default());
        assert!(!l.errors.is_empty());
    }
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let l = load("a: [[[1]]]\n", &limits);
    assert_eq!(l.errors[0].code, codes::YAML004);
    assert_eq!(l.errors[0].span, Span::new(5, 6));
}

#[test]
fn deep_block_nesting() {
    let mut map = String::new();
    let mut seq = String::new();
    for i in 0..100_000 {
        map.push_str(&" ".repeat(i % 5000));
        map.push_str("a:\n");
        seq.push_str("- ");
        if i % 1000 == 999 {
            seq.push('\n');
        }
    }
    let l = load(&map, &Limits::default());
    assert!(l.errors.iter().any(|e| e.code == codes::YAML004));
    let l = load(&seq, &Limits::default());
    assert!(l.errors.iter().any(|e| e.code == codes::YAML004));
    assert!(l.documents.iter().any(|d| !d.ok));
}

#[test]
fn big_file() {
    let item = "- id: item\n  title: \"A title\"\n  tags: [a, b]\n  note: |\n    text\n";
    let src = item.repeat(5_000_000 / item.len());
    let l = load(&src, &Limits::default());
    assert!(l.errors.is_empty(), "{:?}", l.errors.first());
    assert_eq!(
        l.documents[0].value.as_array().map(Vec::len),
        Some(5_000_000 / item.len())
    );
}

#[test]
fn huge_file_is_refused_quickly() {
    let src = "a: b\n".repeat(50_000_000 / 5);
    let start = std::time::Instant::now();
    let l = load(&src, &Limits::default());
    assert!(start.elapsed().as_secs() < 2);
    assert_eq!(l.errors[0].code, codes::YAML004);
    assert!(!l.documents[0].ok);
}

/// The examples of the YAML merge-key type (yaml.org/type/merge): every map is the same.
#[test]
fn merge_keys_follow_the_merge_type_examples() {
    let src = "- &CENTER { x: 1, y: 2 }\n- &LEFT { x: 0, y: 2 }\n- &BIG { r: 10 }\n- &SMALL { r: 1 }\n\
               - x: 1\n  y: 2\n  r: 10\n  label: center/big\n\
               - << : *CENTER\n  r: 10\n  label: center/big\n\
               - << : [ *CENTER, *BIG ]\n  label: center/big\n\
               - << : [ *BIG, *LEFT, *SMALL ]\n  x: 1\n  label: center/big\n";
    let d = one(src);
    let items = d.value.as_array().unwrap();
    let want = json!({"x": 1, "y": 2, "r": 10, "label": "center/big"});
    for (i, item) in items[4..].iter().enumerate() {
        assert_eq!(item, &want, "map {i}");
    }
    // A merged key points at the `<<` line that brought it in.
    let merged = d.spans.get("/5/x").expect("span of a merged key");
    assert_eq!(text(src, merged.key.unwrap()), "<<");
    // An explicit key keeps its own span.
    assert_eq!(text(src, d.spans.get("/7/x").unwrap().value), "1");
}

#[test]
fn a_merge_of_anything_but_mappings_is_an_error_at_the_value() {
    let src = "a: &d {x: 1}\nb:\n  <<: 3\n";
    let l = load(src, &Limits::default());
    assert_eq!(l.errors.len(), 1);
    assert_eq!(l.errors[0].code, codes::YAML005);
    assert_eq!(text(src, l.errors[0].span), "3");
}

// In Markdown front matter: `markdown::tests::merge_keys_work_in_front_matter`.
#[test]
fn merge_keys_work_and_artifacts_see_the_merged_fields() {
    let src = "defaults: &owner\n  owner: Head of IT\n  review: {interval: 12mo}\ncontrol:\n  <<: *owner\n  id: C-1\n";
    let d = one(src);
    assert_eq!(
        d.value["control"],
        json!({"id": "C-1", "owner": "Head of IT", "review": {"interval": "12mo"}})
    );
}

#[test]
fn an_alias_to_an_earlier_document_s_anchor_says_anchors_do_not_cross_documents() {
    let src = "a: &o Head of IT\n---\nb: *o\n---\nc: *nowhere\n";
    let l = load(src, &Limits::default());
    assert_eq!(l.errors.len(), 2, "{:?}", l.errors);
    let cross = &l.errors[0];
    assert_eq!(cross.code, codes::YAML003);
    assert!(
        cross
            .help
            .as_deref()
            .unwrap()
            .starts_with("anchors do not cross `---`")
    );
    let (at, _) = cross.related.as_ref().unwrap();
    assert_eq!(text(src, *at), "&o");
    let plain = &l.errors[1];
    assert!(plain.related.is_none());
    assert!(
        plain
            .help
            .as_deref()
            .unwrap()
            .ends_with("this document is not checked until then")
    );
    assert!(l.documents[0].ok && !l.documents[1].ok && !l.documents[2].ok);
}
