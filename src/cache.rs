//! The result cache: what processing one file produced (its artifacts, its own diagnostics and
//! inline suppressions), keyed by the file's repository-relative path and a hash of its
//! content, so that a run re-parses and re-validates only the files that changed.
//!
//! Two homes for the same entries:
//! - **on disk** (`annexa check`): one file, `.annexa-cache/files-v1.bin` under the repository
//!   root by default. The folder holds a `.gitignore` of `*` (git never sees it) and a
//!   `CACHEDIR.TAG`.
//! - **in memory** (the language server): the entries of the previous run.
//!
//! Safety against stale entries: an entry is used only when the BLAKE3 hash of the file's
//! current bytes (and its format) equals the one it was made from. The whole cache file is
//! further stamped with a *salt* — the cache format, annexa's version, the identity of the
//! running executable (size and modification time, so any rebuild invalidates it) and the
//! `[limits]` that shape parsing — and carries a BLAKE3 checksum of its body: a cache made by
//! another build or configuration, or damaged in any way, is ignored as a whole and rewritten.
//! Rules and everything that depends on more than one file are always re-run; only the
//! per-file work is cached. A cache that cannot be read or written never fails a run.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::LimitsConfig;
use crate::diagnostic::Diagnostic;
use crate::discover::Format;
use crate::model::Artifact;
use crate::suppress::Directive;

/// The cache file inside the folder; the suffix names the format.
const FILE_NAME: &str = "files-v1.bin";
const MAGIC: &[u8; 16] = b"annexa-cache-v1\n";

/// What processing one file produced, apart from its text.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Processed {
    pub artifacts: Vec<Arc<Artifact>>,
    pub diagnostics: Vec<Diagnostic>,
    pub directives: Vec<Directive>,
}

/// The hash of a file's content and format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Key([u8; 32]);

impl Key {
    pub(crate) fn of(format: Format, text: &str) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(&[format as u8]);
        h.update(text.as_bytes());
        Key(*h.finalize().as_bytes())
    }
}

/// One entry as the previous run left it.
#[derive(Debug, Clone)]
enum Stored {
    /// Encoded, in the bytes of the cache file.
    Encoded(Key, Range<usize>),
    /// Decoded (memory cache).
    Decoded(Key, Arc<Processed>),
}

/// A file's result as this run made or reused it, for [`Cache::finish`].
pub(crate) struct Fresh {
    pub rel: String,
    pub key: Key,
    pub parsed: Arc<Processed>,
    /// True when it came from the cache unchanged.
    pub reused: bool,
}

/// Where entries live between runs.
#[derive(Debug, Clone)]
enum Home {
    /// Nowhere: nothing is cached.
    None,
    /// In this value only (the language server keeps it between runs).
    Memory,
    /// In a folder on disk.
    Disk(PathBuf),
}

/// Entries of the previous run, and where to keep this run's.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    home: Home,
    salt: [u8; 32],
    bytes: Arc<[u8]>,
    previous: HashMap<String, Stored>,
    /// Counts of the last run, for `--verbose` and benchmarks.
    pub hits: usize,
    pub misses: usize,
}

impl Default for Cache {
    fn default() -> Self {
        Cache::none()
    }
}

/// The body of the cache file (after magic, salt and checksum).
#[derive(Serialize, Deserialize)]
struct Body<'a> {
    #[serde(borrow)]
    entries: Vec<EntryRef<'a>>,
}

#[derive(Serialize, Deserialize)]
struct EntryRef<'a> {
    rel: &'a str,
    key: Key,
    payload: &'a [u8],
}

impl Cache {
    /// No caching: every file is processed.
    pub(crate) fn none() -> Cache {
        Cache {
            home: Home::None,
            salt: [0; 32],
            bytes: Arc::from(Vec::new()),
            previous: HashMap::new(),
            hits: 0,
            misses: 0,
        }
    }

    /// An in-memory cache, kept by its owner between runs.
    pub(crate) fn memory() -> Cache {
        Cache {
            home: Home::Memory,
            ..Cache::none()
        }
    }

    /// The cache in folder `dir` (created when first written), for a run with `limits`.
    /// Whatever cannot be read, or was made by another build or configuration, is ignored.
    pub(crate) fn open(dir: &Path, limits: &LimitsConfig) -> Cache {
        let Some(salt) = salt(limits) else {
            // Without a way to tell builds apart, caching is not safe.
            return Cache::none();
        };
        let mut cache = Cache {
            home: Home::Disk(dir.to_path_buf()),
            salt,
            ..Cache::none()
        };
        if let Ok(bytes) = std::fs::read(dir.join(FILE_NAME)) {
            cache.load(bytes);
        }
        cache
    }

    fn load(&mut self, bytes: Vec<u8>) {
        let header = MAGIC.len() + 64;
        if bytes.len() < header || &bytes[..MAGIC.len()] != MAGIC {
            return;
        }
        let salt = &bytes[MAGIC.len()..MAGIC.len() + 32];
        let sum = &bytes[MAGIC.len() + 32..header];
        if salt != self.salt || blake3::hash(&bytes[header..]).as_bytes() != sum {
            return;
        }
        let bytes: Arc<[u8]> = Arc::from(bytes);
        let Ok(body) = postcard::from_bytes::<Body<'_>>(&bytes[header..]) else {
            return;
        };
        let base = bytes.as_ptr() as usize;
        self.previous = body
            .entries
            .iter()
            .map(|e| {
                let start = e.payload.as_ptr() as usize - base;
                (
                    e.rel.to_string(),
                    Stored::Encoded(e.key, start..start + e.payload.len()),
                )
            })
            .collect();
        drop(body);
        self.bytes = bytes;
    }

    /// Number of entries kept from the previous run.
    pub(crate) fn len(&self) -> usize {
        self.previous.len()
    }

    /// Is anything kept between runs?
    pub(crate) fn is_active(&self) -> bool {
        !matches!(self.home, Home::None)
    }

    /// The previous result for `rel`, when its content had the same key.
    pub(crate) fn get(&self, rel: &str, key: &Key) -> Option<Arc<Processed>> {
        match self.previous.get(rel)? {
            Stored::Decoded(k, p) if k == key => Some(Arc::clone(p)),
            Stored::Encoded(k, range) if k == key => {
                postcard::from_bytes::<Processed>(self.bytes.get(range.clone())?)
                    .ok()
                    .map(Arc::new)
            }
            _ => None,
        }
    }

    /// Keep this run's results (every file of the run: the others are dropped) for the next
    /// run. On disk, the file is rewritten only when something changed.
    pub(crate) fn finish(&mut self, fresh: Vec<Fresh>) {
        self.hits = fresh.iter().filter(|f| f.reused).count();
        self.misses = fresh.len() - self.hits;
        match &self.home {
            Home::None => {}
            Home::Memory => {
                self.previous = fresh
                    .into_iter()
                    .map(|f| (f.rel, Stored::Decoded(f.key, f.parsed)))
                    .collect();
            }
            Home::Disk(dir) => {
                if self.misses == 0 && fresh.len() == self.previous.len() {
                    return;
                }
                let dir = dir.clone();
                let _ = self.write(&dir, &fresh);
            }
        }
    }

    fn write(&self, dir: &Path, fresh: &[Fresh]) -> Result<(), String> {
        let payloads: Vec<Vec<u8>> = {
            use rayon::prelude::*;
            fresh
                .par_iter()
                .map(|f| match self.previous.get(&f.rel) {
                    Some(Stored::Encoded(k, range)) if f.reused && *k == f.key => {
                        Ok(self.bytes[range.clone()].to_vec())
                    }
                    _ => postcard::to_stdvec(&*f.parsed),
                })
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?
        };
        let body = Body {
            entries: fresh
                .iter()
                .zip(&payloads)
                .map(|(f, p)| EntryRef {
                    rel: &f.rel,
                    key: f.key,
                    payload: p,
                })
                .collect(),
        };
        let body = postcard::to_stdvec(&body).map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(MAGIC.len() + 64 + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(blake3::hash(&body).as_bytes());
        out.extend_from_slice(&body);
        prepare(dir).map_err(|e| e.to_string())?;
        crate::baseline::write_bytes_atomic(&dir.join(FILE_NAME), &out, false)
    }
}

/// Create the folder with its `.gitignore` and `CACHEDIR.TAG`, if missing.
fn prepare(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            ignore,
            "# Created by annexa: its result cache, never to be committed.\n*\n",
        )?;
    }
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        std::fs::write(
            tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache created by annexa.\n",
        )?;
    }
    Ok(())
}

/// What a cache must have been made with to be used: the cache format, annexa's version, the
/// running executable (so a rebuilt binary never trusts an older one's results) and the limits
/// that shape parsing. `None` when the executable cannot be identified.
fn salt(limits: &LimitsConfig) -> Option<[u8; 32]> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut h = blake3::Hasher::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(exe.to_string_lossy().as_bytes());
    h.update(&meta.len().to_le_bytes());
    h.update(&modified.as_nanos().to_le_bytes());
    h.update(format!("{limits:?}").as_bytes());
    Some(*h.finalize().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(code: &str) -> Arc<Processed> {
        Arc::new(Processed {
            diagnostics: vec![Diagnostic::error(code, "m")],
            ..Processed::default()
        })
    }

    fn fresh(rel: &str, text: &str, code: &str) -> Fresh {
        Fresh {
            rel: rel.into(),
            key: Key::of(Format::Yaml, text),
            parsed: parsed(code),
            reused: false,
        }
    }

    #[test]
    fn disk_entries_are_reused_only_for_the_same_content() {
        let dir = tempfile::tempdir().unwrap();
        let limits = LimitsConfig::default();
        let mut c = Cache::open(dir.path(), &limits);
        assert!(c.get("a.yaml", &Key::of(Format::Yaml, "x")).is_none());
        c.finish(vec![fresh("a.yaml", "x", "A1"), fresh("b.yaml", "y", "B1")]);
        assert!(dir.path().join(".gitignore").exists());

        let c = Cache::open(dir.path(), &limits);
        let hit = c.get("a.yaml", &Key::of(Format::Yaml, "x")).unwrap();
        assert_eq!(hit.diagnostics[0].code, "A1");
        assert!(c.get("a.yaml", &Key::of(Format::Yaml, "x2")).is_none());
        assert!(c.get("a.yaml", &Key::of(Format::Markdown, "x")).is_none());
        assert!(c.get("c.yaml", &Key::of(Format::Yaml, "x")).is_none());
    }

    #[test]
    fn a_damaged_or_foreign_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let limits = LimitsConfig::default();
        let mut c = Cache::open(dir.path(), &limits);
        c.finish(vec![fresh("a.yaml", "x", "A1")]);
        let file = dir.path().join(FILE_NAME);
        let good = std::fs::read(&file).unwrap();
        let key = Key::of(Format::Yaml, "x");

        // One flipped bit anywhere: the checksum (or the salt) no longer matches.
        for at in [0, MAGIC.len() + 3, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 1;
            std::fs::write(&file, &bad).unwrap();
            assert!(
                Cache::open(dir.path(), &limits)
                    .get("a.yaml", &key)
                    .is_none()
            );
        }
        // Truncated, or not a cache at all.
        std::fs::write(&file, &good[..good.len() / 2]).unwrap();
        assert!(
            Cache::open(dir.path(), &limits)
                .get("a.yaml", &key)
                .is_none()
        );
        std::fs::write(&file, b"a: 1\n").unwrap();
        assert!(
            Cache::open(dir.path(), &limits)
                .get("a.yaml", &key)
                .is_none()
        );
        // Made with other limits.
        std::fs::write(&file, &good).unwrap();
        let other = LimitsConfig {
            max_depth: 3,
            ..limits
        };
        assert!(
            Cache::open(dir.path(), &other)
                .get("a.yaml", &key)
                .is_none()
        );
        assert!(
            Cache::open(dir.path(), &limits)
                .get("a.yaml", &key)
                .is_some()
        );
    }

    #[test]
    fn memory_cache_keeps_the_last_run() {
        let mut c = Cache::memory();
        c.finish(vec![fresh("a.yaml", "x", "A1")]);
        assert!(c.get("a.yaml", &Key::of(Format::Yaml, "x")).is_some());
        c.finish(vec![fresh("b.yaml", "y", "B1")]);
        assert!(c.get("a.yaml", &Key::of(Format::Yaml, "x")).is_none());
        assert_eq!((c.hits, c.misses), (0, 1));
    }

    #[test]
    fn no_cache_keeps_nothing() {
        let mut c = Cache::none();
        c.finish(vec![fresh("a.yaml", "x", "A1")]);
        assert!(c.get("a.yaml", &Key::of(Format::Yaml, "x")).is_none());
        assert!(!c.is_active());
    }
}
