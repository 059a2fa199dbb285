//! Baselines: record today's findings, later report only new ones.
//!
//! A finding is matched by its fingerprint (rule code + file + artifact id + field), never
//! by line, so edits elsewhere in a file do not break the match. The file is JSON:
//!
//! ```json
//! {"annexa-baseline": 1, "findings": [{"fingerprint": "…", "code": "EVD001", "file": "…", "artifact": "EV-1", "message": "…"}]}
//! ```
//!
//! Several identical fingerprints are counted: a baseline with one `EVD001` for an artifact
//! absorbs one such finding, not two.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Baseline {
    #[serde(rename = "annexa-baseline")]
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Entry {
    pub fingerprint: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    /// For people reading the file; not used for matching.
    #[serde(default)]
    pub message: String,
}

impl Baseline {
    pub(crate) fn from_findings(diags: &[Diagnostic]) -> Self {
        let mut findings: Vec<Entry> = diags
            .iter()
            .map(|d| Entry {
                fingerprint: d.fingerprint(),
                code: d.code.clone(),
                file: d.file().map(str::to_string),
                artifact: d.entity.artifact.clone(),
                message: d.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.code, &a.fingerprint).cmp(&(&b.file, &b.code, &b.fingerprint))
        });
        Baseline {
            version: VERSION,
            findings,
        }
    }

    pub(crate) fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub(crate) fn parse(text: &str) -> Result<Baseline, String> {
        let b: Baseline =
            serde_json::from_str(text).map_err(|e| format!("not an annexa baseline: {e}"))?;
        if b.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {VERSION})",
                b.version
            ));
        }
        Ok(b)
    }

    pub(crate) fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        Baseline::parse(&text).map_err(|e| format!("`{}`: {e}", path.display()))
    }

    /// Keep only findings that the baseline does not absorb.
    pub(crate) fn filter(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut budget: HashMap<&str, usize> = HashMap::new();
        for e in &self.findings {
            *budget.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        diags
            .into_iter()
            .filter(|d| {
                let fp = d.fingerprint();
                match budget.get_mut(fp.as_str()) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                }
            })
            .collect()
    }
}

/// Write `path` atomically (a temporary file in the same directory, then a rename), so a
/// reader never sees half a file and a failed write leaves the old file intact.
pub(crate) fn write_atomic(path: &Path, contents: &str) -> Result<(), String> {
    write_bytes_atomic(path, contents.as_bytes(), true)
}

/// Write `contents` to `path` through a temporary file in the same folder and a rename, so a
/// reader sees the old file or the new one, never a part. `durable`: flush to the disk before
/// the rename (outputs the user asked for; a cache can do without).
pub(crate) fn write_bytes_atomic(
    path: &Path,
    contents: &[u8],
    durable: bool,
) -> Result<(), String> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "annexa".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        if durable {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write `{}`: {e}", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn finding(artifact: &str, start: usize) -> Diagnostic {
        Diagnostic::error("EVD001", "stale")
            .at("evidence/e.yaml", Span::new(start, start + 3))
            .with_entity(Some(artifact.into()), Some("/collected_on@0".into()))
    }

    #[test]
    fn matches_by_entity_not_position() {
        let b = Baseline::from_findings(&[finding("EV-1", 10)]);
        let b = Baseline::parse(&b.to_json()).unwrap();
        // The same finding after lines moved is absorbed; a new one is not.
        let left = b.filter(vec![finding("EV-1", 200), finding("EV-2", 10)]);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].entity.artifact.as_deref(), Some("EV-2"));
    }

    #[test]
    fn counts_duplicates() {
        let b = Baseline::from_findings(&[finding("EV-1", 10)]);
        assert_eq!(
            b.filter(vec![finding("EV-1", 10), finding("EV-1", 10)])
                .len(),
            1
        );
    }

    #[test]
    fn rejects_other_json() {
        assert!(Baseline::parse("{\"a\": 1}").is_err());
        assert!(Baseline::parse("{\"annexa-baseline\": 9, \"findings\": []}").is_err());
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        write_atomic(&p, "one").unwrap();
        write_atomic(&p, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
