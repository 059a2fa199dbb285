//! `annexa coverage [PATH]`: the cross-framework picture, as a table, Markdown, JSON or a
//! self-contained HTML page.

use std::path::{Path, PathBuf};

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
    #[command(flatten)]
    repository: Repository,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// The repository a report is made of, and the day (`coverage`, `soa`, `audit-pack`).
#[derive(Debug, clap::Args)]
pub(super) struct Repository {
    /// The repository (or a path inside it; default: the current directory). The root is
    /// found by walking up to `annexa.toml`, else `.git`.
    path: Option<PathBuf>,
    /// The date evidence freshness is judged on (YYYY-MM-DD), for reproducible reports.
    #[arg(long, value_parser = super::parse_date)]
    today: Option<jiff::civil::Date>,
    /// Report on the repository as it was at this commit: a commit id, tag, branch, or a date
    /// (YYYY-MM-DD: the last commit on or before it). Files are read from git, never from the
    /// working tree; `--today` defaults to the commit's date (`docs/history.md`).
    #[arg(long, value_name = "REV")]
    at: Option<String>,
}

pub(super) fn run(args: Args) -> u8 {
    let loaded = match Loaded::load(&args.repository) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let model = coverage::build(&loaded.input());
    let text = match args.format {
        Format::Table => coverage::table::render(&model),
        Format::Markdown => coverage::markdown::render(&model),
        Format::Json => coverage::json::render(&model),
        Format::Html => coverage::html::render(&model),
    };
    loaded.note_errors("coverage");
    exit_code(
        &loaded,
        super::write_output(args.output.as_deref(), text.as_bytes()),
    )
}

/// The exit code of a report command once its report is `written` (its own exit code): 2
/// when the run was incomplete — a finding that stops the run (`CAT001`, `CFG001`,
/// `RULE001`, `INT001`), as `annexa check` exits — else `written`.
pub(super) fn exit_code(loaded: &Loaded, written: u8) -> u8 {
    if written == 0 && loaded.stopping().is_some() {
        super::EXIT_USAGE
    } else {
        written
    }
}

/// A run of the check over a repository, for the reports built on the coverage model
/// (`coverage`, `soa`, `audit-pack`).
pub(super) struct Loaded {
    pub outcome: engine::Outcome,
    pub options: Options,
}

impl Loaded {
    /// The first finding that stops the run (the report is then incomplete), if any.
    fn stopping(&self) -> Option<&crate::diagnostic::Diagnostic> {
        let registry = &self.outcome.registry;
        self.outcome
            .diagnostics
            .iter()
            .find(|d| registry.policy(&d.code).stops_run)
    }

    /// Find the repository around its path (default: the current directory) and check it
    /// as of its day (default: the system date); `Err`: the exit code, the error reported.
    pub fn load(repository: &Repository) -> Result<Loaded, u8> {
        let start = repository.path.as_deref().unwrap_or(Path::new("."));
        if !start.exists() {
            return Err(super::usage_error(format!(
                "`{}` does not exist",
                start.display()
            )));
        }
        let root = discover::locate_root(start).map_err(super::usage_error)?;
        let mut options = Options::new(root);
        if let Some(rev) = &repository.at {
            let snapshot = super::snapshot_at(&options.root, rev)?;
            options.today = snapshot.commit.date;
            options.at = Some(snapshot);
        }
        if let Some(today) = repository.today {
            options.today = today;
        }
        let outcome = engine::run(&options).map_err(|e| super::report_config_error(&e))?;
        Ok(Loaded { outcome, options })
    }

    /// What the coverage model is computed from, with the run's own parameters (rule files
    /// declare both; these fallbacks are their defaults).
    pub fn input(&self) -> Input<'_> {
        let outcome = &self.outcome;
        let duration = |amount, unit| crate::dates::Duration { amount, unit };
        use crate::dates::Unit::{Days, Years};
        Input {
            artifacts: &outcome.artifacts,
            catalogs: &outcome.catalogs,
            today: self.options.today,
            evidence_validity: outcome.duration_param("evidence_validity", duration(1, Years)),
            warn_within: outcome.duration_param("warn_within", duration(30, Days)),
            findings: &outcome.diagnostics,
            registry: &outcome.registry,
            sources: &outcome.sources,
        }
    }

    /// The cadences of what falls due, with the run's own parameters (rule files declare
    /// them; these fallbacks are their defaults).
    pub fn cadence(&self) -> crate::due::Cadence {
        let outcome = &self.outcome;
        let months = |amount| crate::dates::Duration {
            amount,
            unit: crate::dates::Unit::Months,
        };
        let input = self.input();
        crate::due::Cadence {
            evidence_validity: input.evidence_validity,
            audit_interval: outcome.duration_param("audit_interval", months(12)),
            review_interval: outcome.duration_param("review_interval", months(12)),
            supplier_review_interval: outcome
                .duration_param("supplier_review_interval", months(12)),
            ai_monitoring_interval: outcome.duration_param("ai_monitoring_interval", months(3)),
        }
    }

    /// Say on standard error when `annexa check` reports errors: the `what` shows what
    /// could be read.
    pub fn note_errors(&self, what: &str) {
        if let Some(d) = self.stopping() {
            eprintln!(
                "error: the {what} is incomplete: `annexa check` reports {} ({}); the {what} \
                 shows what could be read, and the exit code is 2",
                d.code, d.message
            );
            return;
        }
        let errors = self
            .outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 0 {
            eprintln!(
                "note: `annexa check` reports {errors} error(s) in this repository; the {what} shows what could be read"
            );
        }
    }
}
