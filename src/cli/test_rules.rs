//! `annexa test-rules [DIR]`: run the `tests:` examples of rules and print `N passed, N failed`.

use std::path::PathBuf;

use crate::catalog;
use crate::discover::{self, Candidate, Format};
use crate::rules::{self, RuleSet, testing};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A directory of rule files, or one rule file (default: the built-in rules).
    path: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> u8 {
    // User rules are tested with the catalogs of the repository they belong to (built-in
    // ones plus `[catalogs] paths` of its annexa.toml).
    let catalogs = match &args.path {
        Some(p) => match crate::engine::extensions(&discover::find_root(p)) {
            Ok((ext, _)) => ext.catalogs,
            Err(e) => return super::report_config_error(&e),
        },
        None => match catalog::builtin() {
            Ok(c) => c.clone(),
            Err(e) => return super::usage_error(format!("built-in catalogs: {e}")),
        },
    };
    let rules = match &args.path {
        None => match rules::builtin() {
            Ok(r) => r.rules.clone(),
            Err(e) => return super::usage_error(format!("built-in rules: {e}")),
        },
        Some(path) => match load(path) {
            Ok(r) => r,
            Err(code) => return code,
        },
    };
    let results = testing::run(&rules, &catalogs);
    let untested: Vec<&str> = rules
        .iter()
        .filter(|r| {
            r.def
                .tests
                .as_ref()
                .is_none_or(|t| t.pass.is_empty() || t.fail.is_empty())
        })
        .map(|r| r.def.code.as_str())
        .collect();
    for r in &results {
        if r.ok {
            println!("ok     {} {}", r.code, r.case);
        } else {
            println!("FAILED {} {}: {}", r.code, r.case, r.detail);
        }
    }
    if !untested.is_empty() {
        println!(
            "note: without both a pass and a fail example: {}",
            untested.join(", ")
        );
    }
    let failed = results.iter().filter(|r| !r.ok).count();
    println!("{} passed, {} failed", results.len() - failed, failed);
    u8::from(failed > 0)
}

/// Load the rule files at `path` (a file or the YAML files of a directory) on top of the
/// built-in rules, so that code collisions are caught; return only the loaded ones.
fn load(path: &std::path::Path) -> Result<Vec<rules::Rule>, u8> {
    let files: Vec<PathBuf> = if path.is_dir() {
        discover::yaml_files(path)
            .map_err(|e| super::usage_error(format!("cannot read `{}`: {e}", path.display())))?
    } else if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        return Err(super::usage_error(format!(
            "`{}` does not exist",
            path.display()
        )));
    };
    let mut set: RuleSet = rules::builtin().clone().unwrap_or_default();
    let builtin_count = set.rules.len();
    let mut sources = crate::source::SourceMap::new();
    let mut problems = Vec::new();
    for p in files {
        let candidate = Candidate {
            rel: p.display().to_string(),
            path: p.clone(),
            format: Format::Yaml,
        };
        let file = match discover::read(&candidate, crate::yaml::MAX_FILE_BYTES as u64) {
            Ok(f) => f,
            Err(d) => {
                problems.push(*d);
                continue;
            }
        };
        if let Err(errors) = set.load_file(&file.rel, &file.text) {
            problems.extend(errors);
        }
        sources.insert(file);
    }
    if !problems.is_empty() {
        eprint!("{}", super::check::human(&problems, &sources, false));
        return Err(super::EXIT_USAGE);
    }
    Ok(set.rules.split_off(builtin_count))
}
