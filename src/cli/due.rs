//! `annexa due [PATH]`: every date that falls due, overdue first, as a table, JSON or an
//! iCalendar file.

use std::path::PathBuf;

use clap::ValueEnum;

use super::coverage::{Loaded, Repository};
use crate::dates::Duration;
use crate::due;
use crate::model::Compliance;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(super) enum Format {
    /// A plain-text table for the terminal.
    #[default]
    Table,
    /// The documented JSON shape (`docs/due.md`).
    Json,
    /// iCalendar (RFC 5545): one all-day event per date, for calendar applications.
    Ics,
}

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[command(flatten)]
    repository: Repository,
    /// Only what is overdue or falls due within this duration of today (`90d`, `6w`, `3mo`,
    /// `1y`); default: every date.
    #[arg(long, value_parser = parse_duration)]
    within: Option<Duration>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Write the calendar to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    s.parse()
}

pub(super) fn run(args: Args) -> u8 {
    let loaded = match Loaded::load(&args.repository) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let text = render(&loaded, args.within, args.format);
    loaded.note_errors("calendar");
    let written = super::write_output(args.output.as_deref(), text.as_bytes());
    super::coverage::exit_code(&loaded, written)
}

/// The calendar of a checked repository in a format (also written into the audit pack).
pub(super) fn render(loaded: &Loaded, within: Option<Duration>, format: Format) -> String {
    let model = Compliance::build(&loaded.outcome.artifacts);
    let calendar = due::build(
        &model,
        &loaded.outcome.sources,
        &loaded.cadence(),
        loaded.options.today,
        within,
    );
    match format {
        Format::Table => due::table::render(&calendar),
        Format::Json => due::json::render(&calendar),
        Format::Ics => due::ics::render(&calendar),
    }
}
