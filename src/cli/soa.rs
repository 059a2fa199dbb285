//! `annexa soa [PATH]`: the Statement of Applicability as an auditor reads it — a spreadsheet
//! (a sheet per framework), CSV, Markdown or a self-contained HTML page.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::coverage::{Loaded, Repository};
use crate::coverage;
use crate::soa;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    /// An Excel workbook, a sheet per framework (binary: give `--output`).
    Xlsx,
    /// One CSV table of every framework's controls.
    Csv,
    /// Markdown (GitHub-flavoured tables).
    Markdown,
    /// One self-contained HTML page (inline CSS, nothing fetched).
    Html,
}

impl Format {
    /// The format a file name asks for by its extension.
    fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "xlsx" => Format::Xlsx,
            "csv" => Format::Csv,
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[command(flatten)]
    repository: Repository,
    /// Output format (default: from the extension of `--output`, else Markdown).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the SoA to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> u8 {
    let format = match (args.format, args.output.as_deref()) {
        (Some(f), _) => f,
        (None, Some(path)) => match Format::of(path) {
            Some(f) => f,
            None => {
                return super::usage_error(format!(
                    "cannot tell the format from the name `{}`: give `--format xlsx|csv|markdown|html`",
                    path.display()
                ));
            }
        },
        (None, None) => Format::Markdown,
    };
    if format == Format::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return super::usage_error(
            "a spreadsheet is binary: write it to a file with `--output soa.xlsx`",
        );
    }
    let loaded = match Loaded::load(&args.repository) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let model = coverage::build(&loaded.input());
    let bytes = match format {
        Format::Xlsx => match soa::xlsx::render(&model) {
            Ok(b) => b,
            Err(e) => return super::usage_error(e),
        },
        Format::Csv => soa::csv::render(&model).into_bytes(),
        Format::Markdown => soa::markdown::render(&model).into_bytes(),
        Format::Html => soa::html::render(&model).into_bytes(),
    };
    loaded.note_errors("SoA");
    super::coverage::exit_code(&loaded, super::write_output(args.output.as_deref(), &bytes))
}
