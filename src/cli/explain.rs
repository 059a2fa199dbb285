//! `annexa explain CODE`: the documentation of a code, from the registry of the repository
//! around the current directory (or `--root`): built-in codes and the repository's own rules.
//! Outside a repository, or when its configuration cannot be read, the built-in codes.

use std::path::PathBuf;

use crate::registry::{Registry, RuleMeta};
use crate::suggest::did_you_mean;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The diagnostic code, e.g. `SCH002` (case-insensitive).
    code: String,
    /// Repository whose own rules (`[rules] paths` of its `annexa.toml`) are explained too
    /// (default: found from the current directory).
    #[arg(long)]
    root: Option<PathBuf>,
}

/// The registry of the repository, or the built-in one.
fn registry_for(root: Option<PathBuf>) -> std::borrow::Cow<'static, Registry> {
    let loaded = root.and_then(|r| crate::engine::extensions(&r).ok());
    match loaded {
        Some((ext, _)) => std::borrow::Cow::Owned(ext.registry),
        None => std::borrow::Cow::Borrowed(crate::rules::builtin_registry()),
    }
}

pub(super) fn run(args: Args) -> u8 {
    let registry = registry_for(super::repository_root(args.root.as_deref()));
    let code = args.code.trim().to_ascii_uppercase();
    match registry.get(&code) {
        Some(meta) => {
            print!("{}", render(meta));
            0
        }
        None => {
            let mut msg = format!("unknown code `{}`", args.code);
            if let Some(s) = did_you_mean(&code, registry.iter().map(|m| m.code.as_str())) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            super::usage_error(msg)
        }
    }
}

/// The text `explain` prints: a heading, the facts, the basis, then the Markdown docs.
pub(super) fn render(meta: &RuleMeta) -> String {
    let mut s = format!("# {}: {}\n\n", meta.code, meta.title);
    s.push_str(&format!("{}\n\n", meta.summary.trim()));
    s.push_str(&format!("- family: {}\n", meta.family));
    s.push_str(&format!("- default severity: {}\n", meta.severity));
    if !meta.references.is_empty() {
        s.push_str("- derives from:\n");
        let catalogs = crate::catalog::builtin().as_ref().ok();
        for r in &meta.references {
            match catalogs.and_then(|c| c.requirement(r)) {
                Some((_, req)) => s.push_str(&format!("  - {r} ({})\n", req.title)),
                None => s.push_str(&format!("  - {r}\n")),
            }
        }
    }
    if let Some(basis) = &meta.basis {
        s.push_str("\nbasis:\n");
        for (label, text) in basis.lines() {
            s.push_str(&format!("- {label}: {text}\n"));
        }
    }
    s.push('\n');
    s.push_str(meta.docs.trim_end());
    s.push('\n');
    s
}
