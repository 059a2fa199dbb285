//! `annexa soa`: snapshots of the example organisation's CSV and Markdown, the spreadsheet read
//! back with openpyxl and the CSV with Python's csv module (each against the other), every
//! fixture in every format, and the excerpts of `docs/soa.md` taken from real output.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// `annexa soa` on a fixture as of the fixtures' day, with extra arguments; its standard
/// output (exit code 0 required).
fn soa(fixture: &str, args: &[&OsStr]) -> Vec<u8> {
    let repo = common::fixture(fixture);
    let mut all: Vec<&OsStr> = vec![
        OsStr::new("soa"),
        repo.as_os_str(),
        OsStr::new("--today"),
        OsStr::new(common::TODAY),
    ];
    all.extend(args);
    let o = common::annexa(&all);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{fixture} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn soa_text(fixture: &str, format: &str) -> String {
    String::from_utf8(soa(fixture, &[OsStr::new("--format"), OsStr::new(format)]))
        .expect("UTF-8 output")
}

/// Write the spreadsheet of a fixture into `dir`; its path.
fn xlsx(fixture: &str, dir: &Path) -> PathBuf {
    let path = dir.join(format!("{fixture}.xlsx"));
    let out = soa(fixture, &[OsStr::new("-o"), path.as_os_str()]);
    assert!(out.is_empty(), "the spreadsheet went to the file");
    path
}

/// Each workbook given, as openpyxl reads it: sheets with their names, frozen cell, filter,
/// column widths, print settings and rows; and the creation date.
const READ_XLSX: &str = r#"
import json, sys, openpyxl
out = []
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        sheets.append({
            "name": ws.title,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "widths": [ws.column_dimensions[c].width for c in "ABCDEFGH"],
            "landscape": ws.page_setup.orientation == "landscape",
            "repeat": str(ws.print_title_rows),
            "bold_header": bool(ws["A1"].font.b),
            "rows": [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)],
        })
    out.append({"created": str(wb.properties.created), "title": wb.properties.title, "sheets": sheets})
print(json.dumps(out))
"#;

/// The CSV files given, as Python's csv module reads them.
const READ_CSV: &str = r#"
import csv, json, sys
print(json.dumps([list(csv.reader(open(p, newline="", encoding="utf-8"))) for p in sys.argv[1:]]))
"#;

fn read(script: &str, paths: &[&Path]) -> Value {
    serde_json::from_str(&common::python(script, paths)).expect("the reader prints JSON")
}

#[test]
fn csv_snapshot() {
    insta::assert_snapshot!("example-org.csv", soa_text("example-org", "csv"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("example-org.md", soa_text("example-org", "markdown"));
}

#[test]
fn the_spreadsheet_read_back_holds_what_the_csv_holds() {
    let dir = tempfile::tempdir().unwrap();
    let book = xlsx("example-org", dir.path());
    let csv_path = dir.path().join("soa.csv");
    std::fs::write(&csv_path, soa_text("example-org", "csv")).unwrap();
    let books = read(READ_XLSX, &[&book]);
    let csv = read(READ_CSV, &[&csv_path]);
    let book = &books[0];
    let csv = csv[0].as_array().unwrap();
    assert_eq!(book["created"], "2026-11-22 00:00:00");
    assert_eq!(
        book["title"],
        "Statement of Applicability: Brightwell Software Ltd"
    );
    let sheets = book["sheets"].as_array().unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["iso27001 2022", "iso42001 2023", "About"]);
    // The last sheet names the SoA as a controlled document: its version and approval.
    let about = &sheets[2]["rows"];
    assert_eq!(about[2][0], "Document");
    assert_eq!(
        about[2][1],
        "SOA \"Statement of Applicability\", version 4.0, approved by Chief Executive Officer \
         on 2026-09-15 (soa.yaml)"
    );
    let header = &csv[0].as_array().unwrap()[1..];
    for (sheet, (framework, controls)) in sheets
        .iter()
        .zip([("iso27001:2022", 93), ("iso42001:2023", 38)])
    {
        let rows = sheet["rows"].as_array().unwrap();
        assert_eq!(
            rows.len(),
            controls + 1,
            "{framework}: header and a row per control"
        );
        assert_eq!(rows[0].as_array().unwrap(), header, "{framework}");
        assert_eq!(sheet["freeze"], "A2", "the header row is frozen");
        assert_eq!(sheet["filter"], format!("A1:H{}", controls + 1));
        assert_eq!(sheet["landscape"], true);
        assert_eq!(
            sheet["repeat"], "$1:$1",
            "the header row prints on every page"
        );
        assert_eq!(sheet["bold_header"], true);
        assert!(
            sheet["widths"]
                .as_array()
                .unwrap()
                .iter()
                .all(|w| w.as_f64().unwrap() >= 9.0),
            "every column has its width"
        );
        // The same cells as the CSV's lines of this framework.
        let from_csv: Vec<&[Value]> = csv[1..]
            .iter()
            .map(|r| r.as_array().unwrap().as_slice())
            .filter(|r| r[0] == framework)
            .map(|r| &r[1..])
            .collect();
        let from_book: Vec<&[Value]> = rows[1..]
            .iter()
            .map(|r| r.as_array().unwrap().as_slice())
            .collect();
        assert_eq!(from_book, from_csv, "{framework}");
    }
    // Lists keep one item per line.
    let a55 = sheets[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == "A.5.5")
        .unwrap();
    assert_eq!(a55[6].as_str().unwrap().lines().count(), 2);
    assert_eq!(a55[2], "yes");
}

#[test]
fn every_fixture_gives_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = Vec::new();
    let mut csvs = Vec::new();
    for name in common::fixture_names() {
        books.push(xlsx(&name, dir.path()));
        let csv = dir.path().join(format!("{name}.csv"));
        std::fs::write(&csv, soa_text(&name, "csv")).unwrap();
        csvs.push(csv);
        let md = soa_text(&name, "markdown");
        assert!(md.starts_with("# Statement of Applicability"), "{name}");
        let html = soa_text(&name, "html");
        assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
        common::assert_balanced(&html);
        common::assert_self_contained(&html);
        assert!(html.contains("@page { size: A4 landscape"), "{name}");
    }
    let paths: Vec<&Path> = books.iter().map(PathBuf::as_path).collect();
    let books = read(READ_XLSX, &paths);
    let paths: Vec<&Path> = csvs.iter().map(PathBuf::as_path).collect();
    let csvs = read(READ_CSV, &paths);
    for ((name, book), csv) in common::fixture_names()
        .iter()
        .zip(books.as_array().unwrap())
        .zip(csvs.as_array().unwrap())
    {
        let csv = csv.as_array().unwrap();
        let sheets = book["sheets"].as_array().unwrap();
        assert!(!sheets.is_empty(), "{name}");
        // Every CSV line has the header's nine fields, and as many controls as the sheets.
        assert!(
            csv.iter().all(|r| r.as_array().unwrap().len() == 9),
            "{name}"
        );
        // (A sheet without controls holds a note in its first cell alone.)
        let in_sheets = sheets
            .iter()
            .filter(|s| s["name"] != "About")
            .flat_map(|s| s["rows"].as_array().unwrap()[1..].iter())
            .filter(|r| r[1] != "")
            .count();
        assert_eq!(in_sheets, csv.len() - 1, "{name}");
    }
}

#[test]
fn no_framework_in_scope_is_said_in_every_format() {
    let md = soa_text("broken-no-scope", "markdown");
    assert!(md.contains("No framework is in scope"), "{md}");
    let html = soa_text("broken-no-scope", "html");
    assert!(html.contains("No framework is in scope"));
    let csv = soa_text("broken-no-scope", "csv");
    assert_eq!(csv.lines().count(), 1, "the header alone: {csv}");
}

#[test]
fn the_format_follows_the_output_name() {
    let dir = tempfile::tempdir().unwrap();
    for (file, starts) in [
        ("soa.csv", &b"Framework,Control"[..]),
        ("soa.md", b"# Statement"),
        ("soa.html", b"<!DOCTYPE html>"),
        ("soa.xlsx", b"PK\x03\x04"),
    ] {
        let path = dir.path().join(file);
        soa("example-org", &[OsStr::new("-o"), path.as_os_str()]);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(starts), "{file}");
    }
    let o = common::annexa(&[
        OsStr::new("soa"),
        common::fixture("example-org").as_os_str(),
        OsStr::new("-o"),
        dir.path().join("soa.pdf").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--format xlsx|csv|markdown|html"));
    // An explicit format wins over the name; two runs give the same spreadsheet.
    let a = dir.path().join("a.bin");
    let b = dir.path().join("b.bin");
    for p in [&a, &b] {
        soa(
            "example-org",
            &[
                OsStr::new("--format"),
                OsStr::new("xlsx"),
                OsStr::new("-o"),
                p.as_os_str(),
            ],
        );
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

/// Each fenced block of `language` in a document of the repository.
fn blocks(doc: &str, language: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap();
    let fence = format!("```{language}");
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line == fence => current = Some(String::new()),
            Some(_) if line.starts_with("```") => out.extend(current.take()),
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn the_excerpts_in_the_documentation_are_real_output() {
    for (language, format) in [("markdown", "markdown"), ("csv", "csv")] {
        let outputs: Vec<String> = ["example-org", "independent-defects"]
            .iter()
            .map(|f| soa_text(f, format))
            .collect();
        let excerpts = blocks("docs/soa.md", language);
        assert!(!excerpts.is_empty(), "docs/soa.md has a {language} excerpt");
        for excerpt in excerpts {
            // CSV lines may continue a quoted cell: compare the excerpt's lines in order.
            for line in excerpt.lines() {
                assert!(
                    outputs.iter().any(|o| o.lines().any(|l| l == line)),
                    "docs/soa.md: not in the output: {line}"
                );
            }
        }
    }
}
