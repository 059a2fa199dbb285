//! The YAML front-end on arbitrary input: no panic, no hang, spans inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = annexa::yaml::load(text, &annexa::yaml::Limits::default());
    let inside = |s: annexa::source::Span| s.start <= s.end && s.end <= text.len();
    for e in &loaded.errors {
        assert!(inside(e.span), "error span outside the text");
    }
    for d in &loaded.documents {
        for (_, s) in d.spans.sorted() {
            assert!(inside(s.value) && s.key.is_none_or(inside), "node span outside the text");
        }
    }
});
