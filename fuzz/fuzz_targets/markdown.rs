//! The Markdown front-end (front matter, headings, comments) on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let md = annexa::markdown::parse(text, &annexa::yaml::Limits::default());
    if let Some(fm) = md.front_matter {
        assert!(fm.end <= text.len());
    }
    for h in &md.headings {
        assert!(h.span.end <= text.len());
    }
});
