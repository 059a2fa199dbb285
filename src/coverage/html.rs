//! The HTML rendering: one self-contained page. Inline CSS (with a print stylesheet), no
//! scripts, no fonts, images or anything else to fetch; titles only from the catalogs.

use super::model::*;
use super::text;

const STYLE: &str = r#"
:root { --ink: #1d2330; --muted: #5b6475; --line: #dfe3ea; --bg: #f6f7f9; --card: #fff;
  --impl: #2f855a; --part: #68b587; --plan: #4a7fc1; --todo: #c3c9d4;
  --fresh: #2f855a; --exp: #d69e2e; --stale: #c53030; --none: #c3c9d4; --excl: #8a6fb5; --miss: #c53030; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 32px 48px; }
header.page { border-bottom: 1px solid var(--line); margin-bottom: 20px; padding-bottom: 12px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 10px; }
h3 { font-size: 16px; margin: 22px 0 8px; }
h4 { font-size: 14px; margin: 18px 0 6px; color: var(--muted); }
.sub, .note { color: var(--muted); margin: 0; }
nav.toc { margin: 8px 0 0; font-size: 13px; }
nav.toc a { color: var(--plan); margin-right: 14px; text-decoration: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; }
.card h2 { margin: 0; font-size: 18px; }
.card .fid { color: var(--muted); font-size: 12px; margin: 2px 0 12px; }
.nums { display: flex; gap: 18px; flex-wrap: wrap; margin-bottom: 12px; }
.num b { display: block; font-size: 24px; line-height: 1.1; }
.num span { color: var(--muted); font-size: 12px; }
.bar { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: var(--none); margin: 4px 0 4px; }
.bar span { display: block; height: 100%; }
.barlabel { font-size: 12px; color: var(--muted); margin-top: 10px; }
.legend { font-size: 12px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 12px; }
.legend i { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; vertical-align: baseline; }
.c-impl { background: var(--impl); } .c-part { background: var(--part); } .c-plan { background: var(--plan); }
.c-todo { background: var(--todo); } .c-fresh { background: var(--fresh); } .c-exp { background: var(--exp); }
.c-stale { background: var(--stale); } .c-none { background: var(--none); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; font-size: 12px; color: var(--muted); }
td.id, td.id code { white-space: nowrap; }
table.reqs { table-layout: fixed; }
table.reqs th.w-id { width: 80px; } table.reqs th.w-soa { width: 100px; }
table.reqs th.w-st { width: 112px; } table.reqs th.w-ev { width: 90px; } table.reqs th.w-by { width: 30%; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
tr.heading td { color: var(--muted); font-style: italic; }
tr.excluded td { color: var(--muted); }
.b { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 11px; font-weight: 600; white-space: nowrap; }
.b-applicable { background: #e6f0fa; color: #2c5a8f; } .b-excluded { background: #efe9f7; color: #5e4a86; }
.b-missing { background: #fde8e8; color: #9b2c2c; }
.b-implemented { background: #e3f3ea; color: #22643f; } .b-partial { background: #edf7ef; color: #3b7d52; }
.b-planned { background: #e6f0fa; color: #2c5a8f; } .b-not-started { background: #eef0f3; color: #5b6475; }
.b-fresh { background: #e3f3ea; color: #22643f; } .b-expiring { background: #fdf3dc; color: #8a5a00; }
.b-stale { background: #fde8e8; color: #9b2c2c; } .b-none { background: #eef0f3; color: #5b6475; }
.b-uncovered { background: #fde8e8; color: #9b2c2c; }
.ref { display: inline-block; white-space: nowrap; margin-right: 8px; font-size: 12px; }
.why { display: block; color: var(--muted); font-size: 12px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
.verdict { border-radius: 8px; padding: 14px 18px; margin: 0 0 16px; border: 1px solid var(--line); background: var(--card); }
.verdict p { margin: 0; font-size: 17px; font-weight: 600; }
.verdict.ready { border-left: 6px solid var(--fresh); }
.verdict.not-ready { border-left: 6px solid var(--stale); }
.scroll { overflow-x: auto; max-width: 100%; }
#readiness { margin-bottom: 24px; }
@media (max-width: 640px) {
  main { padding: 16px 12px 32px; }
  h1 { font-size: 21px; }
  .cards { grid-template-columns: 1fr; }
  table.reqs { table-layout: auto; }
  table.reqs th.w-by { width: auto; }
  .b { white-space: normal; }
  table.list thead { display: none; }
  table.list tr { display: block; border-bottom: 1px solid var(--line); padding: 4px 0; }
  table.list td { display: block; border: 0; padding: 1px 8px; }
  table.list td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
}
@page { size: A4; margin: 14mm; }
@media print {
  body { background: #fff; font-size: 10.5px; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .cards { grid-template-columns: 1fr 1fr; }
  .card, tr { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  section.framework { break-before: page; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"#;

pub(crate) fn render(c: &Coverage) -> String {
    let mut out = String::new();
    let title = match &c.organisation {
        Some(o) => format!("Coverage: {o}"),
        None => "Coverage".to_string(),
    };
    out.push_str(&page_start(&title, &c.today, STYLE));
    out.push_str(&format!(
        "<header class=\"page\">\n<h1>{}</h1>\n<p class=\"sub\">As of {}. Evidence is fresh until <code>collected_on</code> + <code>valid_for</code> (default {}) and expiring within {} of that.</p>\n",
        esc(&title),
        esc(&c.today),
        esc(&c.settings.evidence_validity),
        esc(&c.settings.warn_within)
    ));
    out.push_str(&toc(c));
    out.push_str("</header>\n");
    out.push_str(&readiness(&c.readiness));

    out.push_str("<section class=\"cards\" id=\"summary\">\n");
    for f in &c.frameworks {
        out.push_str(&card(f));
    }
    out.push_str("</section>\n");
    out.push_str(&shared(c));
    if let Some(a) = &c.additions {
        out.push_str(&additions(a));
    }
    for f in c.frameworks.iter().filter(|f| f.catalog) {
        out.push_str(&details(f));
    }
    out.push_str(&format!(
        "<footer>Generated by annexa {} from the repository's artifacts. Requirement titles come from the catalogs; no text of the standards is reproduced.</footer>\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The verdict first, then what it rests on.
fn readiness(r: &Readiness) -> String {
    let class = match r.verdict {
        Verdict::Ready => "ready",
        Verdict::NotReady => "not-ready",
    };
    let mut s = format!(
        "<section id=\"readiness\">\n<div class=\"verdict {class}\"><p>{}</p></div>\n",
        esc(&text::verdict_line(r))
    );
    for l in text::readiness_listings(r) {
        s.push_str(&format!(
            "<h3>{}</h3>\n<div class=\"scroll\"><table class=\"list\">\n<thead><tr>",
            esc(l.title)
        ));
        for h in l.header {
            s.push_str(&format!("<th>{}</th>", esc(h)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for row in &l.rows {
            s.push_str("<tr>");
            for (i, c) in row.iter().enumerate() {
                if i == 0 {
                    s.push_str(&format!("<td class=\"id\"><code>{}</code></td>", esc(c)));
                } else {
                    s.push_str(&format!(
                        "<td data-label=\"{}\">{}</td>",
                        esc(l.header[i]),
                        code_spans(&esc(c))
                    ));
                }
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody>\n</table></div>\n");
    }
    s.push_str("</section>\n");
    s
}

/// Escaped text with its `backquoted` parts (ids and values in findings' messages) set as
/// code.
fn code_spans(escaped: &str) -> String {
    if !escaped.matches('`').count().is_multiple_of(2) {
        return escaped.to_string();
    }
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<code>{part}</code>"));
        } else {
            out.push_str(part);
        }
    }
    out
}

fn toc(c: &Coverage) -> String {
    let mut links: Vec<String> = c
        .frameworks
        .iter()
        .filter(|f| f.catalog)
        .map(|f| format!("<a href=\"#{}\">{}</a>", anchor(&f.id), esc(&f.title)))
        .collect();
    if !c.shared_controls.is_empty() {
        links.push("<a href=\"#shared\">Controls serving several frameworks</a>".into());
    }
    if let Some(a) = &c.additions {
        links.push(format!(
            "<a href=\"#additions\">What {} adds</a>",
            esc(&a.added_title)
        ));
    }
    format!("<nav class=\"toc\">{}</nav>\n", links.join(""))
}

fn card(f: &Framework) -> String {
    let mut s = format!(
        "<div class=\"card\">\n<h2>{}</h2>\n<p class=\"fid\"><code>{}</code>{}</p>\n",
        esc(&f.title),
        esc(&f.id),
        if f.amendments.is_empty() {
            String::new()
        } else {
            format!(" · with <code>{}</code>", esc(&f.amendments.join(", ")))
        }
    );
    if !f.catalog {
        s.push_str("<p class=\"note\">No catalog is loaded for this framework.</p>\n</div>\n");
        return s;
    }
    let t = &f.totals.controls;
    if t.total > 0 {
        s.push_str("<div class=\"nums\">");
        for (n, label) in [
            (t.total, "Annex A controls"),
            (t.applicable, "applicable"),
            (t.excluded, "excluded"),
            (t.missing, "missing from the SoA"),
        ] {
            s.push_str(&format!(
                "<div class=\"num\"><b>{n}</b><span>{label}</span></div>"
            ));
        }
        s.push_str("</div>\n");
        s.push_str(&format!(
            "<div class=\"barlabel\">Implementation of the {} applicable controls</div>\n",
            t.applicable
        ));
        s.push_str(&bar(
            t.applicable,
            &[
                (t.implemented, "c-impl", "implemented"),
                (t.partial, "c-part", "partial"),
                (t.planned, "c-plan", "planned"),
                (t.not_started + t.no_status, "c-todo", "not started"),
            ],
        ));
        s.push_str(&format!(
            "<div class=\"barlabel\">Evidence under their controls ({} served by a control)</div>\n",
            t.with_control
        ));
        s.push_str(&bar(
            t.applicable,
            &[
                (t.fresh, "c-fresh", "fresh"),
                (t.expiring, "c-exp", "expiring"),
                (t.stale, "c-stale", "stale"),
                (t.no_evidence, "c-none", "none"),
            ],
        ));
    }
    let cl = &f.totals.clauses;
    if cl.total > 0 {
        s.push_str(&format!(
            "<div class=\"barlabel\">Clauses: {} of {} covered by a control or document</div>\n",
            cl.covered, cl.total
        ));
        s.push_str(&bar(
            cl.total,
            &[
                (cl.covered, "c-fresh", "covered"),
                (cl.total - cl.covered, "c-none", "not covered"),
            ],
        ));
    }
    let rq = &f.totals.requirements;
    if rq.total > 0 {
        s.push_str(&format!(
            "<div class=\"barlabel\">Requirements: {} of {} covered</div>\n",
            rq.covered, rq.total
        ));
    }
    s.push_str("</div>\n");
    s
}

/// A stacked bar with its legend.
fn bar(total: usize, parts: &[(usize, &str, &str)]) -> String {
    let mut s = String::from("<div class=\"bar\">");
    for (n, class, label) in parts {
        if *n == 0 || total == 0 {
            continue;
        }
        let pct = *n as f64 * 100.0 / total as f64;
        s.push_str(&format!(
            "<span class=\"{class}\" style=\"width:{pct:.2}%\" title=\"{n} {label}\"></span>"
        ));
    }
    s.push_str("</div>\n<div class=\"legend\">");
    for (n, class, label) in parts {
        s.push_str(&format!(
            "<span><i class=\"{class}\"></i>{n} {label}</span>"
        ));
    }
    s.push_str("</div>\n");
    s
}

fn badge(class: &str, label: &str) -> String {
    if label.is_empty() {
        return String::new();
    }
    format!("<span class=\"b b-{class}\">{}</span>", esc(label))
}

fn shared(c: &Coverage) -> String {
    if c.shared_controls.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "<section id=\"shared\">\n<h2>Controls serving several frameworks</h2>\n<p class=\"note\">{} of the organisation's {} controls serve requirements of more than one framework: one implementation, one set of evidence.</p>\n",
        c.shared_controls.len(),
        c.controls.len()
    );
    s.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>control</th><th>title</th><th>evidence</th><th>serves</th></tr></thead>\n<tbody>\n");
    for sc in &c.shared_controls {
        let serves: Vec<String> = sc
            .frameworks
            .iter()
            .map(|r| {
                format!(
                    "<code>{}</code> {}",
                    esc(&r.framework),
                    esc(&r.requirements.join(", "))
                )
            })
            .collect();
        s.push_str(&format!(
            "<tr><td class=\"id\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&sc.id),
            esc(sc.title.as_deref().unwrap_or("")),
            badge(sc.freshness.name(), sc.freshness.name()),
            serves.join("<br>")
        ));
    }
    s.push_str("</tbody>\n</table></div>\n</section>\n");
    s
}

fn additions(a: &Additions) -> String {
    let mut s = format!(
        "<section id=\"additions\">\n<h2>What {} adds to {}</h2>\n<p class=\"note\">{}</p>\n",
        esc(&a.added_title),
        esc(&a.base_title),
        esc(&text::additions_summary(a))
    );
    s.push_str(&bar(
        a.total,
        &[
            (a.reused, "c-impl", "already covered by shared work"),
            (a.new_covered, "c-plan", "covered by AI-specific work"),
            (a.new_uncovered, "c-stale", "not covered"),
        ],
    ));
    if !a.requirements.is_empty() {
        s.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>requirement</th><th>title</th><th>SoA</th><th>covered by</th></tr></thead>\n<tbody>\n");
        for r in &a.requirements {
            let soa = r
                .applicability
                .map(|x| badge(x.name(), x.name()))
                .unwrap_or_default();
            let by = if r.covered_by.is_empty() {
                badge("uncovered", "not covered")
            } else {
                refs(&r.covered_by)
            };
            s.push_str(&format!(
                "<tr><td class=\"id\"><code>{}</code></td><td>{}</td><td>{soa}</td><td>{by}</td></tr>\n",
                esc(&r.id),
                esc(&r.title)
            ));
        }
        s.push_str("</tbody>\n</table></div>\n");
    }
    s.push_str("</section>\n");
    s
}

fn details(f: &Framework) -> String {
    let mut s = format!(
        "<section class=\"framework\" id=\"{}\">\n<h2>{}</h2>\n",
        anchor(&f.id),
        esc(&f.title)
    );
    for sec in &f.sections {
        let controls = sec.kind == SectionKind::Controls;
        s.push_str(&format!("<h3>{}</h3>\n", esc(sec.kind.title())));
        for g in &sec.groups {
            s.push_str(&format!("<h4>{}</h4>\n", esc(&text::group_heading(g))));
            s.push_str(
                "<div class=\"scroll\"><table class=\"reqs\">\n<thead><tr><th class=\"w-id\">id</th><th>title</th>",
            );
            if controls {
                s.push_str("<th class=\"w-soa\">SoA</th><th class=\"w-st\">status</th>");
            }
            s.push_str(
                "<th class=\"w-ev\">evidence</th><th class=\"w-by\">served by</th></tr></thead>\n<tbody>\n",
            );
            for r in &g.requirements {
                let class = if r.heading {
                    " class=\"heading\""
                } else if r
                    .soa
                    .as_ref()
                    .is_some_and(|x| x.applicability == Applicability::Excluded)
                {
                    " class=\"excluded\""
                } else {
                    ""
                };
                s.push_str(&format!(
                    "<tr{class}><td class=\"id\"><code>{}</code></td><td>{}",
                    esc(&r.id),
                    esc(&r.title)
                ));
                // The page gives the reason of an exclusion; inclusions are in the SoA export.
                if let Some(j) = r
                    .soa
                    .as_ref()
                    .filter(|x| x.applicability == Applicability::Excluded)
                    .and_then(|x| x.justification.as_deref())
                {
                    s.push_str(&format!("<span class=\"why\">{}</span>", esc(j)));
                }
                s.push_str("</td>");
                if controls {
                    let a = text::applicability(r);
                    let st = text::status(r);
                    s.push_str(&format!(
                        "<td>{}</td><td>{}</td>",
                        badge(a, a),
                        badge(st, st)
                    ));
                }
                let ev = text::evidence(r);
                let by: Vec<String> = r.controls.iter().chain(&r.documents).cloned().collect();
                let excluded = r
                    .soa
                    .as_ref()
                    .is_some_and(|x| x.applicability == Applicability::Excluded);
                let by = if by.is_empty() && !r.covered && !excluded {
                    badge("uncovered", "not covered")
                } else if by.is_empty() {
                    esc(&text::served_by(r))
                } else {
                    refs(&by)
                };
                s.push_str(&format!("<td>{}</td><td>{by}</td></tr>\n", badge(ev, ev)));
            }
            s.push_str("</tbody>\n</table></div>\n");
        }
    }
    s.push_str(&suggestions(f));
    s.push_str("</section>\n");
    s
}

/// What crosswalks suggest the organisation's controls might also serve in this framework,
/// apart from the coverage above and never counted in it.
fn suggestions(f: &Framework) -> String {
    if f.suggested.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "<h3>{}</h3>\n<div class=\"scroll\"><table class=\"reqs\">\n<thead><tr>",
        esc(&text::suggestions_heading(f))
    );
    for h in text::SUGGESTION_HEADER {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for sug in &f.suggested {
        let [reference, title, control, why] = text::suggestion_cells(sug);
        s.push_str(&format!(
            "<tr><td class=\"id\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&reference),
            esc(&title),
            refs(std::slice::from_ref(&control)),
            esc(&why)
        ));
    }
    s.push_str("</tbody>\n</table></div>\n");
    s
}

/// Artifact ids, each kept on one line.
fn refs(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("<span class=\"ref\">{}</span>", esc(id)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An element id from a framework id: `iso27001:2022` → `fw-iso27001-2022`.
fn anchor(id: &str) -> String {
    let mut s = String::from("fw-");
    s.extend(
        id.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }),
    );
    s
}

/// Escape text for HTML content and attribute values.
/// The start of a self-contained page, up to `<main>`: its title (with the day) and its
/// inline stylesheet.
pub(crate) fn page_start(title: &str, today: &str, style: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} ({})</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n",
        esc(title),
        esc(today)
    )
}

pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backquoted_parts_are_code_and_a_lone_backquote_stays() {
        assert_eq!(
            code_spans("id `A` and `B`"),
            "id <code>A</code> and <code>B</code>"
        );
        assert_eq!(code_spans("one ` alone"), "one ` alone");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(anchor("iso27001:2022"), "fw-iso27001-2022");
    }
}
