//! `annexa audit-pack`: everything an auditor asks for first, made from one repository state
//! and nothing else — the Statement of Applicability spreadsheet, the coverage page, the
//! findings (SARIF and JSON, as `annexa check` writes them), an index of every evidence record
//! with the SHA-256 of each evidence file in the repository, and a manifest naming the commit
//! and the day the pack was made for, with the size and SHA-256 of every other file.
//!
//! The pack is deterministic: no clock is read (the day is `--today`'s), entries are sorted,
//! and the zip's entries carry that day at midnight, so the same repository state gives
//! byte-identical packs. Reading the repository (evidence files, git) is the front end's
//! work; this module assembles what it is given.

pub(crate) mod evidence;
pub(crate) mod zip;

use std::io::Read;

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::coverage::model::Coverage;

/// The version of the manifest's and the evidence index's JSON shapes.
pub(crate) const VERSION: u32 = 1;

/// The manifest's name in the pack.
pub(crate) const MANIFEST: &str = "manifest.json";

/// One file of the pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct File {
    /// Its path inside the pack (`/`-separated).
    pub path: &'static str,
    pub bytes: Vec<u8>,
}

/// The repository state the pack is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Revision {
    /// A git checkout at this commit; `uncommitted_changes`: files of the repository differ
    /// from it (or are not tracked).
    Commit {
        id: String,
        uncommitted_changes: bool,
    },
    /// No commit to name, and why (`not a git checkout`, `no commit yet`).
    Unknown { reason: String },
}

/// What the pack is made of.
pub(crate) struct Input<'a> {
    pub coverage: &'a Coverage,
    /// The evidence index ([`evidence::index`]).
    pub evidence: String,
    /// `annexa check --format json`.
    pub findings_json: String,
    /// `annexa check --format sarif`.
    pub findings_sarif: String,
    /// `annexa due --format ics`.
    pub calendar: String,
    /// `annexa oscal component-definition`.
    pub oscal_components: String,
    /// `annexa oscal assessment-results`.
    pub oscal_results: String,
    pub revision: Revision,
    pub tool_version: &'a str,
}

/// Every file of the pack, sorted by path, the manifest among them.
pub(crate) fn assemble(input: Input<'_>) -> Result<Vec<File>, String> {
    let c = input.coverage;
    let mut files = vec![
        File {
            path: "calendar.ics",
            bytes: input.calendar.into_bytes(),
        },
        File {
            path: "coverage.html",
            bytes: crate::coverage::html::render(c).into_bytes(),
        },
        File {
            path: "evidence.json",
            bytes: input.evidence.into_bytes(),
        },
        File {
            path: "findings.json",
            bytes: input.findings_json.into_bytes(),
        },
        File {
            path: "findings.sarif",
            bytes: input.findings_sarif.into_bytes(),
        },
        File {
            path: "oscal-assessment-results.json",
            bytes: input.oscal_results.into_bytes(),
        },
        File {
            path: "oscal-component-definition.json",
            bytes: input.oscal_components.into_bytes(),
        },
        File {
            path: "soa.xlsx",
            bytes: crate::soa::xlsx::render(c)?,
        },
    ];
    let manifest = manifest(c, &input.revision, input.tool_version, &files);
    files.push(File {
        path: MANIFEST,
        bytes: manifest.into_bytes(),
    });
    files.sort_by(|a, b| a.path.cmp(b.path));
    Ok(files)
}

fn manifest(c: &Coverage, revision: &Revision, tool_version: &str, files: &[File]) -> String {
    let repository = match revision {
        Revision::Commit {
            id,
            uncommitted_changes,
        } => json!({ "commit": id, "uncommitted_changes": uncommitted_changes, "note": null }),
        Revision::Unknown { reason } => {
            json!({ "commit": null, "uncommitted_changes": null, "note": reason })
        }
    };
    let mut listed: Vec<&File> = files.iter().collect();
    listed.sort_by(|a, b| a.path.cmp(b.path));
    let doc = json!({
        "version": VERSION,
        "tool": { "name": "annexa", "version": tool_version },
        "organisation": c.organisation,
        "made_for": c.today,
        "repository": repository,
        "readiness": c.readiness.verdict.name(),
        "files": listed.iter().map(|f| json!({
            "path": f.path,
            "bytes": f.bytes.len(),
            "sha256": sha256_hex(&f.bytes),
        })).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The SHA-256 of some bytes, in lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of everything `reader` yields, in lower-case hex, and how many bytes it was.
pub(crate) fn sha256_of(mut reader: impl Read) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex(&hasher.finalize()), total))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_inputs() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(sha256_hex(b""), empty);
        assert_eq!(sha256_of(&b""[..]).unwrap(), (empty.to_string(), 0));
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex(b"abc"), abc);
        assert_eq!(sha256_of(&b"abc"[..]).unwrap(), (abc.to_string(), 3));
    }
}
