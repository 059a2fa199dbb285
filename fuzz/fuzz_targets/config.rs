//! `annexa.toml` parsing on arbitrary input: a diagnostic, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(d) = annexa::config::parse(text) {
        if let Some(l) = &d.location {
            assert!(l.span.end <= text.len());
        }
    }
});
