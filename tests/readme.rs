//! The README's table of diagnostic codes must list exactly the registry's codes, each with
//! its severity, family, basis (short form) and one-line summary. Run with `ANNEXA_UPDATE_README=1` to rewrite the table.

use std::path::Path;

const START: &str = "<!-- codes:start -->";
const END: &str = "<!-- codes:end -->";

fn expected_table() -> String {
    let mut s = String::from(
        "\n| code | severity | family | basis | what it reports |\n|---|---|---|---|---|\n",
    );
    for m in annexa::rules::builtin_registry().iter() {
        let summary = m.summary.replace('|', "\\|").replace('\n', " ");
        let basis = m.basis.as_ref().map(|b| b.short()).unwrap_or_default();
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            m.code,
            m.severity,
            m.family,
            basis,
            summary.trim()
        ));
    }
    s
}

#[test]
fn readme_lists_every_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find(START).expect("README has the codes:start marker") + START.len();
    let end = text.find(END).expect("README has the codes:end marker");
    let current = &text[start..end];
    let expected = expected_table();
    if current != expected {
        if std::env::var_os("ANNEXA_UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &text[..start], expected, &text[end..]);
            std::fs::write(&path, updated).unwrap();
            return;
        }
        panic!(
            "README's code table is out of date; run `ANNEXA_UPDATE_README=1 cargo test --test readme`\nexpected:{expected}"
        );
    }
}
