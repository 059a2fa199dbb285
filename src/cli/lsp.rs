//! `annexa lsp`: run the language server over standard input and output.

use crate::lsp;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The date rules treat as today (YYYY-MM-DD); default: the system's date at each check.
    #[arg(long, value_parser = super::parse_date)]
    today: Option<jiff::civil::Date>,
    /// Talk over standard input and output (the only transport; accepted because editor
    /// clients pass it).
    #[arg(long)]
    stdio: bool,
}

pub(super) fn run(args: Args) -> u8 {
    let _ = args.stdio;
    lsp::run_stdio(lsp::Config { today: args.today })
}
