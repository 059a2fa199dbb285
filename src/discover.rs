//! Discovery: find the repository root, walk it, and read the candidate files.
//!
//! The walk uses the `ignore` crate in parallel, so `.gitignore`, `.ignore` and
//! `.annexaignore` files are respected and hidden files are skipped. Symbolic links are
//! followed only while they stay inside the root; loops and links out of the repository are
//! `FILE004` findings. Files are read once, with a size bound, and must be UTF-8.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::codes;
use crate::config::{Config, FILE_NAME};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

/// What kind of file a candidate is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Yaml,
    Markdown,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "yaml" | "yml" => Some(Format::Yaml),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// Find the repository root for `start` (a file or directory): the nearest ancestor holding
/// `annexa.toml`, else the nearest holding `.git`, else `start` itself (or its directory).
pub(crate) fn find_root(start: &Path) -> PathBuf {
    let dir = start_dir(start);
    marked_root(&dir).unwrap_or(dir)
}

/// The folder a search for the root starts from: `start` itself, or the folder holding it.
fn start_dir(start: &Path) -> PathBuf {
    let start = absolute(start);
    if start.is_dir() {
        start
    } else {
        start
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(start.clone())
    }
}

/// The nearest ancestor of `dir` holding `annexa.toml`, else `.git`.
fn marked_root(dir: &Path) -> Option<PathBuf> {
    let ancestors: Vec<&Path> = dir.ancestors().collect();
    [FILE_NAME, ".git"].iter().find_map(|marker| {
        ancestors
            .iter()
            .find(|a| a.join(marker).exists())
            .map(|a| a.to_path_buf())
    })
}

/// The repository `start` is in, or why there is none: unlike [`find_root`], a folder with
/// neither `annexa.toml` nor `.git` above it is not taken as a repository (a check of a
/// random folder would report its files against an empty scope).
pub(crate) fn locate_root(start: &Path) -> Result<PathBuf, String> {
    let dir = start_dir(start);
    marked_root(&dir).ok_or_else(|| {
        format!(
            "no annexa repository at `{}`: neither it nor any folder above it holds `{FILE_NAME}` or `.git`; create `{FILE_NAME}` at the repository's root (`annexa init` scaffolds one), or name the repository with `--root`",
            dir.display()
        )
    })
}

/// The nearest ancestor of `start` (or `start` itself) holding `annexa.toml`.
pub(crate) fn find_config_root(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    let dir = if start.is_dir() {
        start.clone()
    } else {
        start.parent()?.to_path_buf()
    };
    dir.ancestors()
        .find(|a| a.join(FILE_NAME).is_file())
        .map(Path::to_path_buf)
}

/// The root for a set of paths given on the command line: the one annexa repository (a
/// directory with `annexa.toml`) they belong to; paths outside every annexa repository do
/// not count (pre-commit passes every staged file). Several different repositories is an
/// error; none falls back to [`locate_root`] of the first path.
pub(crate) fn root_for(paths: &[PathBuf]) -> Result<PathBuf, String> {
    let Some(first) = paths.first() else {
        return locate_root(Path::new("."));
    };
    let mut roots: Vec<PathBuf> = paths.iter().filter_map(|p| find_config_root(p)).collect();
    roots.sort();
    roots.dedup();
    match roots.len() {
        0 => locate_root(first),
        1 => Ok(roots.remove(0)),
        _ => Err(format!(
            "the paths belong to {} annexa repositories ({}); check them one repository at a time",
            roots.len(),
            roots
                .iter()
                .map(|r| format!("`{}`", r.display()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Where `root` sits inside its version-control checkout: `compliance/` when the nearest
/// `.git` is in the parent of `compliance`, empty when `root` is the checkout (or there is none).
/// `annexa check` prefixes the paths of the CI formats with it (`docs/output.md`).
pub(crate) fn checkout_prefix(root: &Path) -> String {
    let root = absolute(root);
    match root.ancestors().find(|a| a.join(".git").exists()) {
        Some(top) if top != root => relative(top, &root)
            .map(|r| format!("{r}/"))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// An absolute, lexically normalised path (no `.` or `..`), without touching the disk.
pub(crate) fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The repository-relative, `/`-separated form of `path`, if it lies under `root`.
pub(crate) fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = absolute(path);
    Some(slashed(rel.strip_prefix(root).ok()?))
}

/// A relative path with `/` between its components, on every platform.
fn slashed(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// `target` taken from the folder `base` (both relative to the root), with `.` and `..`
/// resolved and `\` read as `/`; `None` when it climbs above the root.
pub(crate) fn normalise(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Is `file` one of `only`, or inside one of its directories?
pub(crate) fn selected(file: &str, only: &[String]) -> bool {
    only.iter().any(|o| {
        o.is_empty()
            || file == o
            || file
                .strip_prefix(o.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// A candidate file found by the walk.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub path: PathBuf,
    pub rel: String,
    pub format: Format,
}

/// The result of a walk: candidates sorted by relative path, and walk problems.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub candidates: Vec<Candidate>,
    pub diagnostics: Vec<Diagnostic>,
}

pub(crate) fn globset(globs: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        // Globs were validated when the configuration was loaded.
        if let Ok(g) = Glob::new(g) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Walk `root` in parallel and collect every YAML and Markdown file that the configuration
/// includes.
pub(crate) fn walk(root: &Path, config: &Config) -> Walk {
    let include = globset(&config.files.include);
    let exclude = globset(&config.files.exclude);
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let found = Mutex::new(Walk::default());

    ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(true)
        .add_custom_ignore_filename(".annexaignore")
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let outcome = classify(entry, root, &canonical_root, &include, &exclude);
                let state = match &outcome {
                    // A link out of the repository: report it, and never descend into it.
                    Some(Err(d))
                        if d.code == codes::FILE004
                            && d.message.contains("out of the repository") =>
                    {
                        ignore::WalkState::Skip
                    }
                    _ => ignore::WalkState::Continue,
                };
                if let Some(outcome) = outcome {
                    let mut w = found.lock().unwrap_or_else(|p| p.into_inner());
                    match outcome {
                        Ok(c) => w.candidates.push(c),
                        Err(d) => w.diagnostics.push(*d),
                    }
                }
                state
            })
        });

    let mut walk = found.into_inner().unwrap_or_else(|p| p.into_inner());
    walk.candidates.sort_by(|a, b| a.rel.cmp(&b.rel));
    walk.candidates.dedup_by(|a, b| a.rel == b.rel);
    walk
}

type Classified = Option<Result<Candidate, Box<Diagnostic>>>;

fn classify(
    entry: Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    canonical_root: &Path,
    include: &GlobSet,
    exclude: &GlobSet,
) -> Classified {
    let entry = match entry {
        Ok(e) => e,
        Err(e) => return Some(Err(Box::new(walk_error(&e, root)))),
    };
    let path = entry.path();
    let rel = relative(root, path)?;
    if !rel.is_empty() && exclude.is_match(&rel) {
        return None;
    }
    // Never follow a link out of the repository.
    if entry.path_is_symlink()
        && let Ok(target) = path.canonicalize()
        && !target.starts_with(canonical_root)
    {
        return Some(Err(Box::new(
            Diagnostic::warning(
                codes::FILE004,
                format!("`{rel}` is a symbolic link out of the repository; not followed"),
            )
            .with_entity(None, Some(rel.clone())),
        )));
    }
    let file_type = entry.file_type()?;
    if !file_type.is_file() {
        return None;
    }
    let format = Format::of(path)?;
    if !include.is_empty() && !include.is_match(&rel) {
        return None;
    }
    Some(Ok(Candidate {
        path: path.to_path_buf(),
        rel,
        format,
    }))
}

fn walk_error(e: &ignore::Error, root: &Path) -> Diagnostic {
    let (path, what) = error_path(e);
    let rel = path.and_then(|p| relative(root, &p)).unwrap_or_default();
    let msg = if rel.is_empty() {
        format!("cannot walk the repository: {what}")
    } else {
        format!("`{rel}` cannot be walked: {what}")
    };
    Diagnostic::warning(codes::FILE004, msg).with_entity(None, Some(rel))
}

/// The path an `ignore` error concerns, and a short description without the path.
fn error_path(e: &ignore::Error) -> (Option<PathBuf>, String) {
    match e {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), error_path(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => {
            (Some(child.clone()), "symbolic link loop".to_string())
        }
        ignore::Error::Io(io) => (None, io.to_string()),
        other => (None, other.to_string()),
    }
}

/// At most this many file names are listed by [`repository_files`].
pub(crate) const MAX_LISTED: usize = 100_000;

/// Every file of the repository (any extension), repository-relative and sorted: what a path
/// named in an artifact may be compared with. The walk skips what the main walk skips
/// (ignore files, hidden files) and follows no link; names are listed, files never opened.
pub(crate) fn repository_files(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .add_custom_ignore_filename(".annexaignore")
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| Some(slashed(e.path().strip_prefix(root).ok()?)))
        .take(MAX_LISTED)
        .collect();
    out.sort();
    out
}

/// The YAML files directly in `dir` (rule and catalog directories), sorted.
pub(crate) fn yaml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && Format::of(p) == Some(Format::Yaml))
        .collect();
    files.sort();
    Ok(files)
}

/// Read a candidate as UTF-8 text within the size limit.
pub(crate) fn read(candidate: &Candidate, max_size: u64) -> Result<SourceFile, Box<Diagnostic>> {
    let rel = &candidate.rel;
    let unreadable = |e: std::io::Error| {
        Box::new(
            Diagnostic::error(
                codes::FILE001,
                format!("cannot read `{rel}`: {}", io_message(&e)),
            )
            .at(rel.clone(), Span::at(0))
            .with_entity(None, Some(rel.clone())),
        )
    };
    let meta = std::fs::metadata(&candidate.path).map_err(unreadable)?;
    if meta.len() > max_size {
        return Err(too_large(rel, meta.len(), max_size));
    }
    // Read no more than the limit even if the file grew since `metadata`.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    {
        use std::io::Read;
        let f = std::fs::File::open(&candidate.path).map_err(unreadable)?;
        f.take(max_size + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
    }
    if bytes.len() as u64 > max_size {
        return Err(Box::new(
            Diagnostic::error(
                codes::FILE003,
                format!("`{rel}` is larger than the limit of {max_size} bytes; not read"),
            )
            .at(rel.clone(), Span::at(0))
            .with_entity(None, Some(rel.clone())),
        ));
    }
    let text = decode(bytes, rel)?;
    Ok(SourceFile::new(rel.clone(), candidate.path.clone(), text))
}

/// An editor's buffer (the language server's overlay of a file), screened as [`read`]
/// screens the file: larger than the limit is `FILE003`, a NUL byte `FILE002`. So the
/// language server reports for a buffer what `annexa check` reports for the same text on
/// disk.
pub(crate) fn screen(rel: &str, text: &str, max_size: u64) -> Result<(), Box<Diagnostic>> {
    if text.len() as u64 > max_size {
        return Err(too_large(rel, text.len() as u64, max_size));
    }
    match memchr::memchr(0, text.as_bytes()) {
        Some(nul) => Err(not_text(rel, nul, "a NUL byte (binary data)")),
        None => Ok(()),
    }
}

pub(crate) fn too_large(rel: &str, len: u64, max_size: u64) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::FILE003,
            format!("`{rel}` is {len} bytes, more than the limit of {max_size}; not read"),
        )
        .at(rel.to_string(), Span::at(0))
        .with_help("raise `limits.max_file_size` in annexa.toml, or exclude the file")
        .with_entity(None, Some(rel.to_string())),
    )
}

fn not_text(rel: &str, offset: usize, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::FILE002,
            format!("`{rel}` is not a UTF-8 text file: {what} at byte {offset}"),
        )
        .at(rel.to_string(), Span::at(0))
        .with_help("re-save the file as UTF-8, or exclude it if it is not an artifact")
        .with_entity(None, Some(rel.to_string())),
    )
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "file not found".into(),
        _ => e.to_string(),
    }
}

/// UTF-8 text without NUL bytes, or a `FILE002` diagnostic. The diagnostic has no span into
/// the file (its text cannot be shown), but names the byte offset.
pub(crate) fn decode(bytes: Vec<u8>, rel: &str) -> Result<String, Box<Diagnostic>> {
    let bad = |offset: usize, what: &str| not_text(rel, offset, what);
    if let Some(nul) = memchr::memchr(0, &bytes) {
        return Err(bad(nul, "a NUL byte (binary data)"));
    }
    String::from_utf8(bytes)
        .map_err(|e| bad(e.utf8_error().valid_up_to(), "an invalid byte sequence"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_found_by_annexa_toml() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join(FILE_NAME), "").unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        assert_eq!(find_root(&root.join("a/b")), root);
        assert_eq!(find_root(&root.join("a/b/missing.yaml")), root);
    }

    #[test]
    fn root_for_paths_ignores_files_outside_every_repository() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(top.join(".git")).unwrap();
        std::fs::create_dir_all(top.join("compliance/controls")).unwrap();
        std::fs::write(top.join("compliance").join(FILE_NAME), "").unwrap();
        let inside = top.join("compliance/controls/a.yaml");
        let outside = top.join("README.md");
        // Whatever the order, the root is the annexa repository.
        assert_eq!(
            root_for(&[outside.clone(), inside.clone()]).unwrap(),
            top.join("compliance")
        );
        assert_eq!(
            root_for(&[inside, outside.clone()]).unwrap(),
            top.join("compliance")
        );
        assert_eq!(root_for(&[outside]).unwrap(), top);
        assert_eq!(checkout_prefix(&top.join("compliance")), "compliance/");
        assert_eq!(checkout_prefix(&top), "");
        std::fs::create_dir_all(top.join("other")).unwrap();
        std::fs::write(top.join("other").join(FILE_NAME), "").unwrap();
        assert!(root_for(&[top.join("other/x.yaml"), top.join("compliance/y.yaml")]).is_err());
    }

    #[test]
    fn relative_paths_use_slashes() {
        let root = Path::new("/r");
        assert_eq!(
            relative(root, Path::new("/r/a/b.yaml")).unwrap(),
            "a/b.yaml"
        );
        assert_eq!(relative(root, Path::new("/other")), None);
    }

    #[test]
    fn walk_respects_gitignore_hidden_and_globs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a.yaml",
            "b.yml",
            "c.md",
            "d.txt",
            "ignored/x.yaml",
            ".hidden/y.yaml",
            "vendor/z.yaml",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x: 1\n").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let mut config = Config::default();
        config.files.exclude = vec!["vendor/**".into()];
        let w = walk(root, &config);
        let rels: Vec<_> = w.candidates.iter().map(|c| c.rel.as_str()).collect();
        assert_eq!(rels, ["a.yaml", "b.yml", "c.md"]);
    }

    #[test]
    fn vanished_file_is_unreadable() {
        let c = Candidate {
            path: PathBuf::from("/nonexistent/annexa/x.yaml"),
            rel: "x.yaml".into(),
            format: Format::Yaml,
        };
        let d = read(&c, 1024).unwrap_err();
        assert_eq!(d.code, codes::FILE001);
        assert!(d.message.contains("file not found"), "{}", d.message);
    }

    #[test]
    fn buffers_are_screened_like_files() {
        assert!(screen("a.yaml", "a: 1\n", 100).is_ok());
        let d = screen("a.yaml", "a: 1\0\n", 100).unwrap_err();
        assert_eq!(d.code, codes::FILE002);
        assert_eq!(
            d.message,
            decode(b"a: 1\0\n".to_vec(), "a.yaml").unwrap_err().message
        );
        let d = screen("a.yaml", "a: 1\n", 3).unwrap_err();
        assert_eq!(d.code, codes::FILE003);
        assert_eq!(
            d.message,
            "`a.yaml` is 5 bytes, more than the limit of 3; not read"
        );
    }

    #[test]
    fn decode_rejects_binary_and_invalid_utf8() {
        let d = decode(vec![b'a', 0, b'b'], "x.yaml").unwrap_err();
        assert!(d.message.contains("NUL byte"));
        let d = decode(vec![b'a', 0xff], "x.yaml").unwrap_err();
        assert!(d.message.contains("byte 1"));
        assert_eq!(decode(b"ok".to_vec(), "x").unwrap(), "ok");
    }
}
