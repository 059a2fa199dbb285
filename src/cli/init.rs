//! `annexa init [DIR]`: scaffold an integrated ISO/IEC 27001 + ISO/IEC 42001 repository.
//!
//! Refuses to overwrite anything: when any file it would write exists, it lists them all and
//! writes nothing (exit 2), unless `--force`. Each file is written atomically.

use std::path::{Path, PathBuf};

use crate::init;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The directory to scaffold (created if missing; default: the current directory).
    dir: Option<PathBuf>,
    /// Replace files that already exist (only the files annexa init writes).
    #[arg(long)]
    force: bool,
    /// The day the templates' dates are relative to (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = super::parse_date)]
    today: Option<jiff::civil::Date>,
    /// Built-in frameworks to put in scope beside ISO/IEC 27001:2022 and ISO/IEC 42001:2023
    /// (comma-separated): eu-ai-act:2024, nist-ai-rmf:1.0. The template controls then claim a
    /// few of their requirements, so the repository still checks clean.
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    frameworks: Vec<String>,
}

pub(super) fn run(args: Args) -> u8 {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if dir.exists() && !dir.is_dir() {
        return super::usage_error(format!("`{}` is not a directory", dir.display()));
    }
    let catalogs = match crate::catalog::builtin() {
        Ok(c) => c,
        Err(e) => return super::usage_error(format!("built-in catalogs: {e}")),
    };
    let today = args.today.unwrap_or_else(|| jiff::Zoned::now().date());
    let files = match init::scaffold(today, env!("CARGO_PKG_VERSION"), catalogs, &args.frameworks) {
        Ok(f) => f,
        Err(e) => return super::usage_error(e),
    };
    let existing: Vec<&str> = files
        .iter()
        .filter(|f| dir.join(&f.path).symlink_metadata().is_ok())
        .map(|f| f.path.as_str())
        .collect();
    if !existing.is_empty() && !args.force {
        for path in &existing {
            eprintln!("error: `{}` already exists", shown(&dir, path));
        }
        eprintln!(
            "annexa init wrote nothing: {} file(s) would be overwritten (use --force to replace them)",
            existing.len()
        );
        return super::EXIT_USAGE;
    }
    for f in &files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            return super::usage_error(format!("cannot create `{}`: {e}", parent.display()));
        }
        if let Err(e) = crate::baseline::write_atomic(&path, &f.contents) {
            return super::usage_error(e);
        }
    }
    println!(
        "created {} files in `{}`{}:",
        files.len(),
        dir.display(),
        if existing.is_empty() {
            String::new()
        } else {
            format!(" ({} replaced)", existing.len())
        }
    );
    let schema_dir = format!("{}/", init::schemas::DIR);
    for f in files.iter().filter(|f| !f.path.starts_with(&schema_dir)) {
        println!("  {}", f.path);
    }
    let schemas = files
        .iter()
        .filter(|f| f.path.starts_with(&schema_dir))
        .count();
    println!("  {schema_dir} ({schemas} JSON Schemas, for editors)");
    println!("{}", next_steps(&dir));
    0
}

fn shown(dir: &Path, path: &str) -> String {
    dir.join(path).display().to_string()
}

fn next_steps(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "
next steps:
  1. Replace the placeholders: the organisation, boundaries, issues and interested parties in
     scope.yaml, the roles, and every text that starts with \"Replace\".
  2. Decide each of the 131 entries of soa.yaml: applicable or not, why, and its status.
  3. Turn the templates into your own records (copy them for more controls, risks, AI systems,
     evidence); delete the examples you do not need.
  4. Check the repository:            annexa check {d}
     See the cross-framework picture: annexa coverage {d} --format html -o coverage.html
  5. Set OWNER in .pre-commit-config.yaml and .github/workflows/annexa.yml, then run
     `pre-commit install` so every commit is checked.
  6. In an editor with yaml-language-server (VS Code's YAML extension, Neovim, Helix), the
     artifacts are validated and completed as you type (.vscode/settings.json and the
     modeline at the top of each YAML file point it at .annexa/schemas/)."
    )
}
