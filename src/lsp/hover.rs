//! `textDocument/hover`: what a reference under the cursor names.
//!
//! On a requirement reference (`iso27001:2022/A.5.15`): its title, type and framework —
//! titles only, never any other text of the standards. On an artifact id: the artifact's
//! kind, title and file.

use std::fmt::Write as _;

use crate::catalog::Catalogs;
use crate::model::Artifact;
use std::sync::Arc;

use super::lookup::{self, Scalar};

/// The Markdown shown for the scalar under the cursor, if it names something.
pub(crate) fn markdown(
    scalar: &Scalar<'_>,
    artifacts: &[Arc<Artifact>],
    catalogs: &Catalogs,
) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(text) = requirement(scalar.value, catalogs) {
        parts.push(text);
    }
    let defined: Vec<&Artifact> = lookup::artifacts_with_id(artifacts, scalar.value).collect();
    if !defined.is_empty() {
        parts.push(artifact(&defined));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

fn requirement(reference: &str, catalogs: &Catalogs) -> Option<String> {
    let (catalog, req) = lookup::requirement(catalogs, reference)?;
    let mut s = format!(
        "**{} {}**\n\n{} · {}",
        req.id, req.title, catalog.title, req.kind
    );
    let group = req
        .group
        .as_deref()
        .and_then(|g| catalog.groups.iter().find(|x| x.id == g));
    if let Some(g) = group {
        let _ = write!(s, " · {} {}", g.id, g.title);
    }
    let parent = req
        .parent
        .as_deref()
        .and_then(|p| catalog.requirements.iter().find(|x| x.id == p));
    if let Some(p) = parent {
        let _ = write!(s, " · part of {} {}", p.id, p.title);
    }
    Some(s)
}

fn artifact(defined: &[&Artifact]) -> String {
    let first = defined[0];
    let id = first.id.as_deref().unwrap_or_default();
    let mut s = format!("**{}** `{id}`", first.kind);
    if let Some(title) = lookup::title(first) {
        let _ = write!(s, " — {title}");
    }
    for a in defined {
        let _ = write!(s, "\n\n`{}`", a.file);
    }
    if defined.len() > 1 {
        let _ = write!(s, "\n\n{} artifacts have this id", defined.len());
    }
    s
}
