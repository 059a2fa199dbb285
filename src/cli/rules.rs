//! `annexa rules`: every code — engine codes, built-in rules and the repository's own rules.

use std::path::PathBuf;

use serde_json::json;

use crate::engine;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: super::ListFormat,
    /// Repository whose `annexa.toml` names extra rule directories (default: found from the
    /// current directory).
    #[arg(long)]
    root: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> u8 {
    let root = super::repository_root(args.root.as_deref()).unwrap_or_else(|| PathBuf::from("."));
    let (ext, sources) = match engine::extensions(&root) {
        Ok(x) => x,
        Err(e) => return super::report_config_error(&e),
    };
    if !ext.diagnostics.is_empty() {
        eprint!("{}", super::check::human(&ext.diagnostics, &sources, false));
    }
    let origin = |code: &str| {
        ext.rules
            .rules
            .iter()
            .find(|r| r.def.code == code)
            .map_or("engine", |r| r.origin.as_str())
            .to_string()
    };
    match args.format {
        super::ListFormat::Json => {
            let rows: Vec<_> = ext
                .registry
                .iter()
                .map(|m| {
                    json!({
                        "code": m.code,
                        "title": m.title,
                        "family": m.family,
                        "severity": m.severity,
                        "summary": m.summary,
                        "references": m.references,
                        "basis": m.basis.as_ref().map(|b| b.to_json()),
                        "origin": origin(&m.code),
                        "policy": {
                            "disable": m.policy.disable,
                            "severity": m.policy.severity,
                            "suppress": m.policy.suppress,
                            "stops_run": m.policy.stops_run,
                        },
                    })
                })
                .collect();
            let doc = super::versioned(json!({ "rules": rows }));
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        super::ListFormat::Table => {
            let rows: Vec<[String; 5]> = ext
                .registry
                .iter()
                .map(|m| {
                    [
                        m.code.clone(),
                        m.severity.to_string(),
                        m.family.clone(),
                        m.title.clone(),
                        origin(&m.code),
                    ]
                })
                .collect();
            print!(
                "{}",
                super::table(
                    &["code", "severity", "family", "title", "defined in"],
                    &rows
                )
            );
        }
    }
    u8::from(!ext.diagnostics.is_empty()) * super::EXIT_USAGE
}
