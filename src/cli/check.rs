//! `annexa check [PATHS…]`: load the whole repository, report findings.
//!
//! With paths, only findings located in those files (or under those directories) are
//! reported — the pre-commit mode — but every artifact is still loaded, so a staged file is
//! judged against the whole repository.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::baseline::Baseline;
use crate::config::FailOn;
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover;
use crate::engine::{self, Options};
use crate::render::{self, HumanOptions, RenderContext};
use crate::rules;
use crate::source::SourceMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(super) enum OutputFormat {
    /// Diagnostics with source snippets, for people.
    #[default]
    Human,
    /// The documented JSON shape (`docs/output.md`).
    Json,
    /// SARIF 2.1.0, for code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow annotations (and the job summary).
    Github,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitLab Code Quality JSON (`artifacts:reports:codequality`).
    Gitlab,
    /// Checkstyle XML, for CI plugins and review bots.
    Checkstyle,
    /// The Reviewdog Diagnostic Format (`reviewdog -f=rdjson`).
    Rdjson,
}

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Files or directories to report on (default: the whole repository). The repository
    /// root is found from the first path (or the current directory) by walking up to
    /// `annexa.toml`, else `.git`.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
    /// Lowest severity that makes the exit code 1 (default: `error`, or `check.fail_on`).
    #[arg(long, value_enum)]
    fail_on: Option<FailOnArg>,
    /// The date rules treat as today (YYYY-MM-DD), for reproducible runs.
    #[arg(long, value_parser = super::parse_date)]
    today: Option<jiff::civil::Date>,
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t)]
    color: super::ColorChoice,
    /// Repository root (default: found from the first path).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in a baseline file (an existing file is replaced only if
    /// it is an annexa baseline) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Neither read nor write the result cache (`.annexa-cache/`) in this run.
    #[arg(long)]
    no_cache: bool,
    /// Check the repository as it was at this commit: a commit id, tag, branch, or a date
    /// (YYYY-MM-DD: the last commit on or before it). Files are read from git, never from the
    /// working tree; `--today` defaults to the commit's date (`docs/history.md`).
    #[arg(long, value_name = "REV")]
    at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOnArg {
    Error,
    Warning,
    Note,
}

pub(super) fn run(args: Args) -> u8 {
    if let Some(missing) = args.paths.iter().find(|p| args.at.is_none() && !p.exists()) {
        return super::usage_error(format!("`{}` does not exist", missing.display()));
    }
    let root = match &args.root {
        Some(r) => discover::absolute(r),
        None => match discover::root_for(&args.paths) {
            Ok(r) => r,
            Err(e) => return super::usage_error(e),
        },
    };
    // Paths limit the report to those files — unless one of them is the root itself, which
    // means the whole repository (repository-level findings included). Paths outside the
    // repository are not part of it and are skipped (pre-commit passes every staged file).
    let only = if args.paths.is_empty() {
        None
    } else {
        let inside: Vec<String> = args
            .paths
            .iter()
            .filter_map(|p| discover::relative(&root, p))
            .collect();
        if inside.iter().any(String::is_empty) {
            None
        } else {
            Some(inside)
        }
    };
    let mut options = Options::new(root);
    options.only = only;
    options.disk_cache = !args.no_cache;
    if let Some(rev) = &args.at {
        match super::snapshot_at(&options.root, rev) {
            Ok(snapshot) => {
                options.today = snapshot.commit.date;
                options.at = Some(snapshot);
            }
            Err(code) => return code,
        }
    }
    if let Some(today) = args.today {
        options.today = today;
    }
    // CI formats name files as the git checkout sees them (`compliance/soa.yaml`).
    let prefix = discover::checkout_prefix(&options.root);
    let outcome = match engine::run(&options) {
        Ok(o) => o,
        Err(e) => return config_error(&args, &e, &prefix),
    };
    let threshold = match args.fail_on {
        Some(FailOnArg::Error) => Severity::Error,
        Some(FailOnArg::Warning) => Severity::Warning,
        Some(FailOnArg::Note) => Severity::Note,
        None => outcome
            .config
            .check
            .fail_on
            .map_or(Severity::Error, FailOn::threshold),
    };
    if let Some(path) = &args.write_baseline {
        return write_baseline(path, &outcome.diagnostics);
    }
    let mut outcome = outcome;
    if let Some(path) = &args.baseline {
        match Baseline::read(path) {
            Ok(b) => outcome.diagnostics = b.filter(std::mem::take(&mut outcome.diagnostics)),
            Err(e) => return super::usage_error(e),
        }
    }
    let ctx = context(&outcome)
        .with_path_prefix(&prefix)
        .with_fail_on(threshold);
    if let Err(code) = emit(&args, &outcome.diagnostics, &ctx) {
        return code;
    }
    // An internal error, a configuration problem, or a rule file or catalog that could not be
    // loaded leaves the verdict incomplete: a failure of the run (its code's policy says
    // `stops_run`), not a finding.
    let code = if outcome
        .diagnostics
        .iter()
        .any(|d| outcome.registry.policy(&d.code).stops_run)
    {
        super::EXIT_USAGE
    } else {
        u8::from(engine::fails(&outcome.diagnostics, threshold))
    };
    // The process ends now: freeing every artifact one by one would only cost time.
    std::mem::forget(outcome);
    code
}

/// Render the report in the chosen format and write it where asked (standard output or
/// `--output`), with the job summary for `github`. `Err` holds the exit code of a failed write.
fn emit(args: &Args, diags: &[Diagnostic], ctx: &RenderContext<'_>) -> Result<(), u8> {
    let color = args.color.enabled() && args.output.is_none();
    let text = render(args.format, diags, ctx, color);
    if args.format == OutputFormat::Github {
        write_github_summary(diags, ctx);
    }
    match &args.output {
        Some(path) => {
            crate::baseline::write_atomic(path, &text).map_err(super::usage_error)?;
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// A configuration that could not be read stops the run (exit code 2), and is still a report
/// in the chosen format, so that CI shows it where it shows findings: a SARIF result at the
/// offending line of `annexa.toml`, an annotation and a job summary line, a JSON document, a
/// JUnit error. Standard error gets the human report as well (the only copy in `human`).
fn config_error(args: &Args, e: &engine::ConfigError, prefix: &str) -> u8 {
    let code = super::report_config_error(e);
    if args.format == OutputFormat::Human && args.output.is_none() {
        return code;
    }
    let mut sources = SourceMap::new();
    if let Some(s) = &e.source {
        sources.insert(s.clone());
    }
    let root_file = e.source.as_ref().map(|s| s.rel.as_str());
    let ctx = RenderContext::new(
        &sources,
        rules::builtin_registry(),
        env!("CARGO_PKG_VERSION"),
    )
    .with_root_file(root_file.or(Some(crate::config::FILE_NAME)))
    .with_path_prefix(prefix);
    match emit(args, std::slice::from_ref(&e.diagnostic), &ctx) {
        Ok(()) => code,
        Err(write_failed) => write_failed,
    }
}

/// Write a baseline, refusing to replace a file that is not one.
fn write_baseline(path: &std::path::Path, diags: &[Diagnostic]) -> u8 {
    if path.exists()
        && let Err(e) = Baseline::read(path)
    {
        return super::usage_error(format!(
            "refusing to overwrite `{}`: it is not an annexa baseline ({e})",
            path.display()
        ));
    }
    let baseline = Baseline::from_findings(diags);
    if let Err(e) = crate::baseline::write_atomic(path, &baseline.to_json()) {
        return super::usage_error(e);
    }
    eprintln!(
        "wrote baseline `{}` with {} finding(s)",
        path.display(),
        baseline.findings.len()
    );
    0
}

/// What the reports of a run are rendered with (`audit-pack` writes its findings with it too).
pub(super) fn context(outcome: &engine::Outcome) -> RenderContext<'_> {
    RenderContext::new(
        &outcome.sources,
        &outcome.registry,
        env!("CARGO_PKG_VERSION"),
    )
    .with_root_file(outcome.config_file.as_deref())
}

/// Render a report in any format.
pub(super) fn render(
    format: OutputFormat,
    diags: &[Diagnostic],
    ctx: &RenderContext<'_>,
    color: bool,
) -> String {
    let format = match format {
        OutputFormat::Human => render::Format::Human,
        OutputFormat::Json => render::Format::Json,
        OutputFormat::Sarif => render::Format::Sarif,
        OutputFormat::Github => render::Format::Github,
        OutputFormat::Junit => render::Format::Junit,
        OutputFormat::Gitlab => render::Format::Gitlab,
        OutputFormat::Checkstyle => render::Format::Checkstyle,
        OutputFormat::Rdjson => render::Format::Rdjson,
    };
    render::render(format, diags, ctx, human_options(color))
}

/// Human output options: colour as asked, the terminal's width when known (else 100).
pub(super) fn human_options(color: bool) -> HumanOptions {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| (40..=400).contains(w))
        .unwrap_or(100);
    HumanOptions { color, width }
}

/// Human output of diagnostics over the given sources, with the built-in registry.
pub(super) fn human(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let ctx = RenderContext::new(
        sources,
        rules::builtin_registry(),
        env!("CARGO_PKG_VERSION"),
    );
    render::human(diags, &ctx, human_options(color))
}

/// In GitHub Actions, append the Markdown summary of every finding to the job summary
/// (a step shows only 10 annotations of each level).
fn write_github_summary(diags: &[Diagnostic], ctx: &RenderContext<'_>) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    use std::io::Write;
    let summary = render::github_summary(diags, ctx);
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(summary.as_bytes()));
    if let Err(e) = written {
        eprintln!("warning: cannot write the job summary: {e}");
    }
}
