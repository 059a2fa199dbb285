//! `annexa oscal component-definition | assessment-results [PATH]`: OSCAL JSON exports.

use std::path::PathBuf;

use clap::ValueEnum;

use super::coverage::{Loaded, Repository};
use crate::model::Compliance;
use crate::oscal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Model {
    /// The organisation's controls, policies and procedures and the requirements each
    /// satisfies.
    ComponentDefinition,
    /// The check's findings, and the evidence records as observations.
    AssessmentResults,
}

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Which OSCAL model to export.
    #[arg(value_enum)]
    model: Model,
    #[command(flatten)]
    repository: Repository,
    /// Write the export to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> u8 {
    let loaded = match Loaded::load(&args.repository) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let text = render(&loaded, args.model);
    loaded.note_errors("export");
    let written = super::write_output(args.output.as_deref(), text.as_bytes());
    super::coverage::exit_code(&loaded, written)
}

/// An export of a checked repository (also written into the audit pack).
pub(super) fn render(loaded: &Loaded, model: Model) -> String {
    let compliance = Compliance::build(&loaded.outcome.artifacts);
    let today = loaded.options.today;
    let value = match model {
        Model::ComponentDefinition => oscal::component::render(&compliance, today),
        Model::AssessmentResults => oscal::assessment::render(&compliance, &loaded.input()),
    };
    oscal::to_text(&value)
}
