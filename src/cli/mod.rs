//! The command line: argument parsing (clap) and one module per subcommand.
//!
//! Exit codes: 0 clean (or nothing at or above `--fail-on`), 1 findings, 2 usage or
//! configuration error (clap's own usage errors also exit with 2).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod audit_pack;
mod catalog;
mod check;
mod coverage;
mod due;
mod dump;
mod explain;
mod init;
mod lsp;
mod oscal;
mod rules;
mod schema;
mod soa;
mod test_rules;

#[derive(Debug, Parser)]
#[command(
    name = "annexa",
    version,
    about = "Lint an integrated ISO/IEC 27001:2022 + ISO/IEC 42001:2023 management system kept in git",
    propagate_version = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the repository and report findings.
    Check(check::Args),
    /// Print the JSON value annexa reads from a YAML file or a Markdown file's front matter.
    Dump(dump::Args),
    /// Print the documentation of a diagnostic code.
    Explain(explain::Args),
    /// List every rule and diagnostic code (built-in and the repository's own).
    Rules(rules::Args),
    /// Run the pass/fail examples of rules; prints `N passed, N failed`.
    TestRules(test_rules::Args),
    /// List the catalogs, or one framework's requirements.
    Catalog(catalog::Args),
    /// Run the language server over standard input and output (live diagnostics, hover,
    /// go to definition).
    Lsp(lsp::Args),
    /// The cross-framework coverage: requirements, the controls that serve them, evidence.
    Coverage(coverage::Args),
    /// The Statement of Applicability as auditors read it: a spreadsheet (a sheet per
    /// framework), CSV, Markdown or HTML.
    Soa(soa::Args),
    /// Write the audit pack: the SoA spreadsheet, the coverage page, the findings, the
    /// evidence index with file hashes, and a manifest (a directory, or a `.zip`).
    AuditPack(audit_pack::Args),
    /// Every date that falls due (reviews, evidence expiries, nonconformities, supplier
    /// reassessments, the next internal audit and management review), overdue first.
    Due(due::Args),
    /// Export OSCAL JSON: the controls and what they satisfy (`component-definition`), or the
    /// check's findings and the evidence (`assessment-results`).
    Oscal(oscal::Args),
    /// Scaffold an integrated ISO/IEC 27001 + ISO/IEC 42001 repository.
    Init(init::Args),
    /// Print or write the JSON Schemas (artifact kinds, the one for any artifact, rule files,
    /// catalogs, the JSON report), for editors and other tools.
    Schema(schema::Args),
}

/// Formats of listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum ListFormat {
    #[default]
    Table,
    Json,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub(crate) fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Version of the JSON shape of `annexa rules` and `annexa catalog` (`"version"` at the top);
/// bumped by a change that could break a consumer, as for `check`'s JSON.
pub(crate) const LIST_JSON_VERSION: u32 = 1;

/// A JSON listing as printed: the shape's version and which annexa wrote it, then `body`'s
/// keys.
pub(crate) fn versioned(body: serde_json::Value) -> serde_json::Value {
    let mut doc = serde_json::json!({
        "version": LIST_JSON_VERSION,
        "tool": { "name": "annexa", "version": env!("CARGO_PKG_VERSION") },
    });
    if let (Some(doc), serde_json::Value::Object(body)) = (doc.as_object_mut(), body) {
        doc.extend(body);
    }
    doc
}

/// Exit code for usage and configuration errors.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Exit code when standard output was closed by its reader.
pub(crate) const EXIT_BROKEN_PIPE: u8 = 141;

/// Was the panic `print!` failing because standard output is a closed pipe? Every command
/// writes its output with `print!`, which panics on any write error; this is the one place
/// that tells a closed pipe from a bug.
fn closed_stdout(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = crate::engine::panic_message(payload);
    message.starts_with("failed printing to stdout")
        && message.contains(&std::io::Error::from(std::io::ErrorKind::BrokenPipe).to_string())
        || message.starts_with("failed printing to stdout") && message.contains("os error 32")
}

pub fn main() -> ExitCode {
    // Panics are contained: per file as INT001 diagnostics, and here for anything else. The
    // default hook would print a panic trace to the user; the boundaries report instead.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(payload) if closed_stdout(payload.as_ref()) => {
            // The reader went away (`annexa check | head`): end quietly, as a process killed
            // by SIGPIPE would (128 + 13), rather than report an internal error.
            ExitCode::from(EXIT_BROKEN_PIPE)
        }
        Err(payload) => {
            eprintln!(
                "error[INT001]: annexa hit an internal error: {}\n  help: this is a bug in annexa; please report it with the command and the files involved",
                crate::engine::panic_message(payload.as_ref())
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Dump(args) => dump::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Rules(args) => rules::run(args),
        Command::TestRules(args) => test_rules::run(args),
        Command::Catalog(args) => catalog::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Soa(args) => soa::run(args),
        Command::AuditPack(args) => audit_pack::run(args),
        Command::Due(args) => due::run(args),
        Command::Oscal(args) => oscal::run(args),
        Command::Init(args) => init::run(args),
        Command::Schema(args) => schema::run(args),
    }
}

/// `--at REV`: the files of that commit of the git repository around `root`, to check instead
/// of the working tree; `Err`: the exit code, the error reported.
pub(crate) fn snapshot_at(
    root: &std::path::Path,
    rev: &str,
) -> Result<std::sync::Arc<crate::git::Snapshot>, u8> {
    use crate::git::{Missing, Repo, Snapshot};
    let repo = Repo::open(root).map_err(|m| {
        usage_error(match m {
            Missing::NotGit => format!(
                "`--at {rev}` reads a commit, but `{}` is not in a git repository",
                root.display()
            ),
            Missing::Unreadable(e) => format!("cannot read the git repository: {e}"),
            Missing::NoCommits | Missing::Shallow(_) => format!("`{rev}` names no commit"),
        })
    })?;
    Snapshot::at(&repo, rev)
        .map(std::sync::Arc::new)
        .map_err(usage_error)
}

/// Parse a `--today` value.
pub(crate) fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse::<jiff::civil::Date>()
        .map_err(|e| format!("`{s}` is not a date in the form YYYY-MM-DD ({e})"))
}

/// The repository given with `--root`, else the one around the current directory, if any:
/// `rules`, `catalog` and `explain` show the built-in ones outside a repository.
pub(crate) fn repository_root(root: Option<&std::path::Path>) -> Option<std::path::PathBuf> {
    match root {
        Some(r) => Some(crate::discover::absolute(r)),
        None => crate::discover::locate_root(std::path::Path::new(".")).ok(),
    }
}

/// Write a report to `output` (atomically), or to standard output; returns the exit code.
pub(crate) fn write_output(output: Option<&std::path::Path>, bytes: &[u8]) -> u8 {
    match output {
        Some(path) => {
            if let Err(e) = crate::baseline::write_bytes_atomic(path, bytes, true) {
                return usage_error(e);
            }
            eprintln!("wrote `{}`", path.display());
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // A reader that went away ends the run as `print!` would (see `closed_stdout`).
            if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return EXIT_BROKEN_PIPE;
                }
                return usage_error(format!("cannot write to standard output: {e}"));
            }
        }
    }
    0
}

/// Report a usage error on stderr; returns the usage exit code.
pub(crate) fn usage_error(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

/// Print a configuration error (with its snippet) and return the usage exit code.
pub(crate) fn report_config_error(e: &crate::engine::ConfigError) -> u8 {
    let mut sources = crate::source::SourceMap::new();
    if let Some(s) = &e.source {
        sources.insert(s.clone());
    }
    eprint!(
        "{}",
        check::human(std::slice::from_ref(&e.diagnostic), &sources, false)
    );
    EXIT_USAGE
}

/// A plain text table: columns padded to their widest cell, the last column unpadded.
pub(crate) fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == N {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}
