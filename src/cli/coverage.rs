//! `annexa coverage [PATH]`: the cross-framework picture, as a table, Markdown, JSON or a
//! self-contained HTML page.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::coverage::{self, Input};
use crate::diagnostic::Severity;
use crate::discover;
use crate::engine::{self, Options};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(super) enum Format {
    /// A plain-text table for the terminal.
    #[default]
    Table,
    /// Markdown (GitHub-flavoured tables).
    Markdown,
    /// The documented JSON shape (`docs/coverage.md`).
    Json,
    /// One self-contained HTML page (inline CSS, nothing fetched).
    Html,
}

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The repository (or a path inside it; default: the current directory). The root is
    /// found by walking up to `annexa.toml`, else `.git`.
    path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The date evidence freshness is judged on (YYYY-MM-DD), for reproducible reports.
    #[arg(long, value_parser = super::parse_date)]
    today: Option<jiff::civil::Date>,
}

pub(super) fn run(args: Args) -> u8 {
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !start.exists() {
        return super::usage_error(format!("`{}` does not exist", start.display()));
    }
    let root = match discover::locate_root(&start) {
        Ok(r) => r,
        Err(e) => return super::usage_error(e),
    };
    let mut options = Options::new(root.clone());
    if let Some(today) = args.today {
        options.today = today;
    }
    let outcome = match engine::run(&options) {
        Ok(o) => o,
        Err(e) => return super::report_config_error(&e),
    };
    // The run's own parameters (rule files declare both; these fallbacks are their defaults).
    let duration = |amount, unit| crate::dates::Duration { amount, unit };
    use crate::dates::Unit::{Days, Years};
    let model = coverage::build(&Input {
        artifacts: &outcome.artifacts,
        catalogs: &outcome.catalogs,
        today: options.today,
        evidence_validity: outcome.duration_param("evidence_validity", duration(1, Years)),
        warn_within: outcome.duration_param("warn_within", duration(30, Days)),
        findings: &outcome.diagnostics,
        registry: &outcome.registry,
        sources: &outcome.sources,
    });
    let text = match args.format {
        Format::Table => coverage::table::render(&model),
        Format::Markdown => coverage::markdown::render(&model),
        Format::Json => coverage::json::render(&model),
        Format::Html => coverage::html::render(&model),
    };
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "note: `annexa check` reports {errors} error(s) in this repository; the coverage shows what could be read"
        );
    }
    match &args.output {
        Some(path) => {
            if let Err(e) = crate::baseline::write_atomic(path, &text) {
                return super::usage_error(e);
            }
            eprintln!("wrote `{}`", path.display());
        }
        None => print!("{text}"),
    }
    0
}
