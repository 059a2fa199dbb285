//! The CSV rendering (RFC 4180 quoting, lines ending with a line feed): one header line, then one line per Annex A control of every
//! framework in scope, the framework first. A cell holding a list has one item per line.

use super::{COLUMNS, sheets};
use crate::coverage::model::Coverage;

pub(crate) fn render(c: &Coverage) -> String {
    let mut out = String::new();
    let header: Vec<&str> = std::iter::once("Framework")
        .chain(COLUMNS.iter().map(|c| c.name))
        .collect();
    line(&mut out, header.into_iter().map(str::to_string));
    for sheet in sheets(c) {
        for row in &sheet.rows {
            let cells = row.cells(str::to_string, "\n");
            line(
                &mut out,
                std::iter::once(sheet.framework.id.clone()).chain(cells),
            );
        }
    }
    out
}

fn line(out: &mut String, cells: impl Iterator<Item = String>) {
    let cells: Vec<String> = cells.map(|c| field(&c)).collect();
    out.push_str(&cells.join(","));
    out.push('\n');
}

/// A field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("A.5.1"), "A.5.1");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(field("one\ntwo"), "\"one\ntwo\"");
    }
}
