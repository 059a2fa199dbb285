//! `annexa schema [NAME] [-o DIR]`: the JSON Schemas embedded in the binary, for editors and
//! other tools: one printed, or written to a directory with the schemas it refers to.

use std::path::PathBuf;

use crate::init::schemas;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A kind (`control`, `risk`, …), `annexa` (any artifact: dispatches on `kind`), `common`,
    /// `rules`, `catalog` or `check-report`. Without it, with `-o`: every schema.
    name: Option<String>,
    /// Write the schema files (`NAME.schema.json`, and those it refers to) into this directory
    /// instead of printing one.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> u8 {
    let set = match &args.name {
        Some(name) => match schemas::with_references(name) {
            Some(set) => set,
            None => {
                let known: Vec<&str> = schemas::all().iter().map(|(n, _)| *n).collect();
                return super::usage_error(format!(
                    "no schema named `{name}`; known: {}",
                    known.join(", ")
                ));
            }
        },
        None => schemas::all(),
    };
    let Some(dir) = args.output else {
        return match &args.name {
            // The named schema itself comes first.
            Some(_) => super::write_output(None, set[0].1.as_bytes()),
            None => {
                for (name, _) in &set {
                    println!("{name}");
                }
                eprintln!("annexa schema NAME prints one; annexa schema -o DIR writes them all");
                0
            }
        };
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return super::usage_error(format!("cannot create `{}`: {e}", dir.display()));
    }
    for (name, text) in &set {
        let path = dir.join(schemas::file_name(name));
        if let Err(e) = crate::baseline::write_atomic(&path, text) {
            return super::usage_error(e);
        }
    }
    eprintln!("wrote {} schema(s) to `{}`", set.len(), dir.display());
    0
}
