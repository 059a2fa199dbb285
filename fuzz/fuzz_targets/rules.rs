//! Rule-file loading (schema validation, compilation) on arbitrary input: errors, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut set = annexa::rules::RuleSet::default();
    let _ = set.load_file("fuzz.yaml", text);
});
