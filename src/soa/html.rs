//! The HTML rendering: one self-contained page (inline CSS, no scripts, nothing fetched), a
//! table per framework, printing on A4 in landscape with the header row on every page.

use super::{COLUMNS, documents, freshness_note, no_rows, sheets, title, totals};
use crate::coverage::html::{esc, page_start};
use crate::coverage::model::{Applicability, Coverage};

const STYLE: &str = r#"
body { margin: 0; color: #1d2330; background: #fff;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { padding: 24px 28px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; }
p { margin: 0 0 8px; color: #5b6475; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border: 1px solid #dfe3ea; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.id { white-space: nowrap; }
tr.excluded td { color: #5b6475; }
tr.missing td { background: #fde8e8; }
td.f-fresh { background: #e3f3ea; } td.f-expiring { background: #fdf3dc; }
td.f-stale, td.f-none { background: #fde8e8; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  main { padding: 0; }
  body { font-size: 10px; }
  table { font-size: 9px; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  h2 { page-break-before: always; }
  h2:first-of-type { page-break-before: auto; }
}
"#;

pub(crate) fn render(c: &Coverage) -> String {
    let title = title(c);
    let mut out = page_start(&title, &c.today, STYLE);
    out.push_str(&format!(
        "<h1>{}</h1>\n<p>As of {}.</p>\n",
        esc(&title),
        esc(&c.today)
    ));
    for d in documents(c) {
        out.push_str(&format!("<p>Document: {}.</p>\n", esc(&d)));
    }
    let sheets = sheets(c);
    if sheets.is_empty() {
        out.push_str("<p>No framework is in scope: the repository has no scope artifact.</p>\n");
    }
    for sheet in &sheets {
        let f = sheet.framework;
        out.push_str(&format!(
            "<h2>{} <code>{}</code></h2>\n",
            esc(&f.title),
            esc(&f.id)
        ));
        if sheet.rows.is_empty() {
            out.push_str(&format!("<p>{}</p>\n", esc(no_rows(f))));
            continue;
        }
        out.push_str(&format!("<p>{}</p>\n", esc(&totals(f))));
        out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
        for col in &COLUMNS {
            out.push_str(&format!("<th>{}</th>", esc(col.name)));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &sheet.rows {
            let class = match row.applicability {
                Applicability::Applicable => "",
                Applicability::Excluded => " class=\"excluded\"",
                Applicability::Missing => " class=\"missing\"",
            };
            out.push_str(&format!("<tr{class}>"));
            let cells = row.cells(esc, "<br>");
            let last = cells.len() - 1;
            for (i, cell) in cells.iter().enumerate() {
                let class = match (i, row.freshness) {
                    (0, _) => " class=\"id\"".to_string(),
                    (i, Some(f)) if i == last => format!(" class=\"f-{}\"", f.name()),
                    _ => String::new(),
                };
                out.push_str(&format!("<td{class}>{cell}</td>"));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str(&format!("<p>{}</p>\n", esc(&freshness_note(c))));
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
