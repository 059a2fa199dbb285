//! The spreadsheet rendering (Office Open XML, `.xlsx`): a sheet per framework with a frozen,
//! filterable header row, fixed column widths and wrapped text, printing on A4 in landscape,
//! one page wide, with the header row on every page.
//!
//! The file depends only on the model: its creation date is the day the SoA is made for,
//! and the package's entries carry a fixed time, so the same repository state gives the same
//! bytes.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::{COLUMNS, Row, Sheet, documents, freshness_note, no_rows, sheets, title};
use crate::coverage::model::{Coverage, Freshness};

/// Excel's limit on the characters of a cell.
const MAX_CELL: usize = 32_767;
/// Excel's limit on the characters of a sheet name.
const MAX_SHEET_NAME: usize = 31;
/// The height of a line of text in the default font, in points.
const LINE_HEIGHT: f64 = 15.0;
/// Excel's tallest row (409 points) in lines.
const MAX_LINES: usize = 27;
/// A4, in Excel's numbering of paper sizes.
const PAPER_A4: u8 = 9;

/// The workbook's bytes, or why it could not be made.
pub(crate) fn render(c: &Coverage) -> Result<Vec<u8>, String> {
    build(c).map_err(|e| format!("cannot make the spreadsheet: {e}"))
}

fn build(c: &Coverage) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let mut properties = DocProperties::new()
        .set_title(title(c))
        .set_subject(format!("As of {}", c.today));
    if let Some(o) = &c.organisation {
        properties = properties.set_company(o);
    }
    if let Some(date) = excel_date(&c.today) {
        properties = properties.set_creation_datetime(&date);
    }
    workbook.set_properties(&properties);
    let styles = Styles::new();
    let sheets = sheets(c);
    let mut used: Vec<String> = Vec::new();
    if sheets.is_empty() {
        let ws = workbook.add_worksheet();
        ws.set_name("SoA")?;
        header(ws, &styles)?;
        ws.write_string(
            1,
            0,
            "No framework is in scope: the repository has no scope artifact.",
        )?;
    }
    for sheet in &sheets {
        let name = sheet_name(&sheet.framework.id, &used);
        used.push(name.clone());
        let ws = workbook.add_worksheet();
        ws.set_name(&name)?;
        framework_sheet(ws, c, sheet, &styles)?;
    }
    about_sheet(workbook.add_worksheet(), c, &styles)?;
    workbook.save_to_buffer()
}

/// The last sheet, `About`: whose SoA, as of when, which documents (version and approval), and
/// what the freshness column means.
fn about_sheet(ws: &mut Worksheet, c: &Coverage, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("About")?;
    ws.set_column_width(0, 16.0)?;
    ws.set_column_width(1, 100.0)?;
    let mut rows: Vec<(&str, String)> = vec![("Title", title(c)), ("As of", c.today.clone())];
    rows.extend(documents(c).into_iter().map(|d| ("Document", d)));
    rows.push(("Freshness", freshness_note(c)));
    for (row, (key, value)) in (0u32..).zip(&rows) {
        ws.write_string_with_format(row, 0, *key, &styles.header)?;
        ws.write_string_with_format(row, 1, value, &styles.text)?;
    }
    Ok(())
}

struct Styles {
    header: Format,
    text: Format,
    fresh: Format,
    expiring: Format,
    stale: Format,
}

impl Styles {
    fn new() -> Self {
        let text = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xDFE3EA));
        let fill = |rgb| text.clone().set_background_color(Color::RGB(rgb));
        Styles {
            header: text
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xEEF1F5)),
            fresh: fill(0xE3F3EA),
            expiring: fill(0xFDF3DC),
            stale: fill(0xFDE8E8),
            text,
        }
    }

    fn freshness(&self, f: Option<Freshness>) -> &Format {
        match f {
            Some(Freshness::Fresh) => &self.fresh,
            Some(Freshness::Expiring) => &self.expiring,
            Some(Freshness::Stale | Freshness::None) => &self.stale,
            Some(Freshness::Superseded) => &self.text,
            None => &self.text,
        }
    }
}

/// The header row, its widths, frozen, repeated on every printed page.
fn header(ws: &mut Worksheet, styles: &Styles) -> Result<(), XlsxError> {
    for (col, column) in (0u16..).zip(&COLUMNS) {
        ws.set_column_width(col, column.width)?;
        ws.write_string_with_format(0, col, column.name, &styles.header)?;
    }
    let lines = COLUMNS
        .iter()
        .map(|c| wrapped_lines(c.name, c.width))
        .max()
        .unwrap_or(1);
    ws.set_row_height(0, LINE_HEIGHT * lines as f64)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape()
        .set_paper_size(PAPER_A4)
        .set_print_fit_to_pages(1, 0);
    Ok(())
}

fn framework_sheet(
    ws: &mut Worksheet,
    c: &Coverage,
    sheet: &Sheet<'_>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    header(ws, styles)?;
    let f = sheet.framework;
    ws.set_header(format!(
        "&L{}&R{}",
        header_text(&title(c)),
        header_text(&format!("{} — as of {}", f.title, c.today))
    ));
    ws.set_footer("&CPage &P of &N");
    if sheet.rows.is_empty() {
        ws.write_string(1, 0, no_rows(f))?;
        return Ok(());
    }
    let last = (COLUMNS.len() - 1) as u16;
    for (r, row) in (1u32..).zip(&sheet.rows) {
        write_row(ws, r, row, styles)?;
    }
    ws.autofilter(0, 0, sheet.rows.len() as u32, last)?;
    Ok(())
}

fn write_row(ws: &mut Worksheet, r: u32, row: &Row, styles: &Styles) -> Result<(), XlsxError> {
    let cells = row.cells(str::to_string, "\n");
    let last = cells.len() - 1;
    // Readers do not agree on growing a row to its wrapped text (LibreOffice does not), so
    // each row is as tall as its longest cell wraps to.
    let lines = cells
        .iter()
        .zip(&COLUMNS)
        .map(|(cell, column)| wrapped_lines(cell, column.width))
        .max()
        .unwrap_or(1);
    ws.set_row_height(r, LINE_HEIGHT * lines.min(MAX_LINES) as f64)?;
    for (col, cell) in cells.iter().enumerate() {
        let format = if col == last {
            styles.freshness(row.freshness)
        } else {
            &styles.text
        };
        ws.write_string_with_format(r, col as u16, fit(cell), format)?;
    }
    Ok(())
}

/// How many lines `text` takes in a column `width` characters wide, wrapped at spaces.
fn wrapped_lines(text: &str, width: f64) -> usize {
    let width = (width as usize).max(1);
    text.split('\n')
        .map(|line| {
            let mut lines = 1;
            let mut used = 0;
            for word in line.split(' ') {
                let n = word.chars().count();
                let need = if used == 0 { n } else { used + 1 + n };
                if need <= width {
                    used = need;
                } else if used == 0 {
                    // A word longer than the column breaks across lines.
                    lines += (n - 1) / width;
                    used = (n - 1) % width + 1;
                } else {
                    lines += 1 + n.saturating_sub(1) / width;
                    used = n.saturating_sub(1) % width + 1;
                }
            }
            lines
        })
        .sum()
}

/// A cell's text within Excel's limit.
fn fit(s: &str) -> String {
    if s.chars().count() <= MAX_CELL {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_CELL - 1).collect();
    out.push('…');
    out
}

/// Text for a printed page header: `&` doubled (a lone one starts a code), kept short.
fn header_text(s: &str) -> String {
    s.chars().take(100).collect::<String>().replace('&', "&&")
}

/// A sheet name Excel accepts, unique among `used` (ignoring case): the framework id without
/// the characters sheet names cannot hold, at most 31 characters.
fn sheet_name(id: &str, used: &[String]) -> String {
    let clean: String = id
        .chars()
        .map(|c| match c {
            ':' | '/' | '\\' | '?' | '*' | '[' | ']' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let clean = clean.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    let base: String = if clean.is_empty() {
        "Framework".to_string()
    } else {
        clean.chars().take(MAX_SHEET_NAME).collect()
    };
    let taken = |name: &str| used.iter().any(|u| u.eq_ignore_ascii_case(name));
    if !taken(&base) && !base.eq_ignore_ascii_case("History") {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!(" ({n})");
            let head: String = base
                .chars()
                .take(MAX_SHEET_NAME - suffix.chars().count())
                .collect();
            format!("{}{suffix}", head.trim_end())
        })
        .find(|name| !taken(name))
        .unwrap_or(base)
}

/// `YYYY-MM-DD` as a spreadsheet date, when the spreadsheet can hold it.
fn excel_date(day: &str) -> Option<ExcelDateTime> {
    let date: jiff::civil::Date = day.parse().ok()?;
    let year = u16::try_from(date.year()).ok()?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        assert_eq!(sheet_name("iso27001:2022", &[]), "iso27001 2022");
        let used = vec!["iso27001 2022".to_string()];
        assert_eq!(sheet_name("ISO27001:2022", &used), "ISO27001 2022 (2)");
        assert_eq!(sheet_name("[]", &[]), "Framework");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
        let used = vec!["x".repeat(31)];
        let second = sheet_name(&long, &used);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with(" (2)"));
    }

    #[test]
    fn rows_are_as_tall_as_their_wrapped_text() {
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("short", 10.0), 1);
        assert_eq!(wrapped_lines("two words", 5.0), 2);
        assert_eq!(wrapped_lines("one\ntwo\nthree", 40.0), 3);
        assert_eq!(wrapped_lines("abcdefghijkl", 5.0), 3);
        assert_eq!(wrapped_lines("ab abcdefghijkl", 5.0), 4);
    }

    #[test]
    fn page_headers_escape_ampersands_and_cells_fit() {
        assert_eq!(header_text("Smith & Co"), "Smith && Co");
        assert_eq!(fit(&"a".repeat(40_000)).chars().count(), MAX_CELL);
        assert!(excel_date("2026-11-22").is_some());
        assert!(excel_date("1066-10-14").is_none());
    }
}
