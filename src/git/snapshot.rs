//! The files under the annexa root at one commit (`--at`), read from the object database,
//! and the walk a check of a checkout of that commit would make over them.
//!
//! The walk of the working tree is the `ignore` crate's; a commit's tree is no directory it
//! can walk, so [`Snapshot::walk`] applies the same rules itself — hidden names skipped, and
//! the `.annexaignore`, `.ignore` and `.gitignore` files of each folder (the nearest match
//! deciding, in that order of precedence, `.git/info/exclude` last), compiled by the `ignore`
//! crate's own matcher — so that `check --at` finds what `check` of that checkout finds.
//! Symbolic links to files inside the root are followed; links to folders are not.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use gix::ObjectId;
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::{Commit, Repo};

/// A file of the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub oid: ObjectId,
    /// A symbolic link (its blob is the target path).
    pub link: bool,
}

/// Every file under the annexa root at one commit.
pub struct Snapshot {
    pub commit: Commit,
    repo: gix::ThreadSafeRepository,
    /// By path relative to the annexa root.
    files: BTreeMap<String, Entry>,
    /// Every folder holding a file, relative to the root (`""` is the root).
    dirs: BTreeSet<String>,
    /// The ignore files of the folders above the root inside the work tree, and
    /// `.git/info/exclude`: (absolute folder, text) by kind.
    above: Vec<(IgnoreKind, PathBuf, String)>,
    exclude: Option<String>,
    /// Handles on the repository, one per thread that reads (a handle is not `Sync`, and
    /// making one per file would cost more than reading it).
    handles: std::sync::Mutex<Vec<gix::Repository>>,
    /// The walk, made once (the check and the list of the repository's files both ask).
    walked: std::sync::OnceLock<(PathBuf, Walked)>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("commit", &self.commit.short())
            .field("files", &self.files.len())
            .finish()
    }
}

/// The ignore files, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum IgnoreKind {
    Annexa,
    Ignore,
    Git,
}

const IGNORE_FILES: [(IgnoreKind, &str); 3] = [
    (IgnoreKind::Annexa, ".annexaignore"),
    (IgnoreKind::Ignore, ".ignore"),
    (IgnoreKind::Git, ".gitignore"),
];

/// What a walk of the snapshot found: files, and links it did not follow.
pub(crate) struct Walked {
    /// (path relative to the root, the entry whose content it has).
    pub files: Vec<(String, Entry)>,
    /// Links out of the root, and links to nothing: (path, problem).
    pub links: Vec<(String, LinkProblem)>,
}

pub(crate) enum LinkProblem {
    Outside,
    Dangling,
}

impl Snapshot {
    /// The files under the root at `rev` (see [`Repo::resolve`]).
    pub(crate) fn at(repo: &Repo, rev: &str) -> Result<Snapshot, String> {
        let commit = repo.resolve(rev)?;
        let local = repo.local();
        let mut snapshot = Snapshot {
            commit,
            repo: repo.repo.clone(),
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
            above: Vec::new(),
            handles: std::sync::Mutex::new(Vec::new()),
            walked: std::sync::OnceLock::new(),
            exclude: std::fs::read_to_string(local.git_dir().join("info").join("exclude")).ok(),
        };
        if let Some(tree) = Repo::root_tree(&local, snapshot.commit.id, &repo.prefix) {
            snapshot.dirs.insert(String::new());
            collect(&local, tree, "", &mut snapshot.files, &mut snapshot.dirs)?;
        }
        // The ignore files of the folders above the root, top first.
        let mut dir = repo.top.clone();
        let mut path = String::new();
        let parts: Vec<&str> = repo.prefix.split('/').filter(|p| !p.is_empty()).collect();
        for part in parts {
            for (kind, name) in IGNORE_FILES {
                if let Some(text) = blob_at(&local, snapshot.commit.id, &format!("{path}{name}")) {
                    snapshot.above.push((kind, dir.clone(), text));
                }
            }
            dir.push(part);
            path.push_str(part);
            path.push('/');
        }
        Ok(snapshot)
    }

    /// Run `f` with a handle on the repository, taken from the pool (or made) and put back.
    fn with_repo<R>(&self, f: impl FnOnce(&gix::Repository) -> R) -> R {
        let taken = self.handles.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let repo = taken.unwrap_or_else(|| {
            let mut repo = self.repo.to_thread_local();
            repo.object_cache_size_if_unset(4 << 20);
            repo
        });
        let out = f(&repo);
        self.handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(repo);
        out
    }

    /// The content of the file at `rel` (relative to the root), following a link to a file.
    pub(crate) fn read(&self, rel: &str) -> Option<Vec<u8>> {
        let entry = self.file(rel)?;
        self.with_repo(|repo| Some(repo.find_blob(entry.oid).ok()?.detach().data))
    }

    /// The size in bytes of the file at `rel`, without reading it.
    pub(crate) fn size(&self, rel: &str) -> Option<u64> {
        let entry = self.file(rel)?;
        self.with_repo(|repo| Some(repo.find_header(entry.oid).ok()?.size()))
    }

    /// The entry whose content the file at `rel` has (a link's target).
    fn file(&self, rel: &str) -> Option<Entry> {
        let entry = *self.files.get(rel)?;
        if !entry.link {
            return Some(entry);
        }
        match self.link_target(rel, entry)? {
            Ok(target) => self.files.get(&target).copied().filter(|e| !e.link),
            Err(_) => None,
        }
    }

    /// Where the link at `rel` points, relative to the root, or why it cannot be followed.
    fn link_target(&self, rel: &str, entry: Entry) -> Option<Result<String, LinkProblem>> {
        let target = self.with_repo(|repo| {
            let blob = repo.find_blob(entry.oid).ok()?;
            Some(String::from_utf8_lossy(&blob.data).into_owned())
        })?;
        let base = rel.rsplit_once('/').map_or("", |(d, _)| d);
        Some(normalise(base, &target).ok_or(LinkProblem::Outside))
    }

    /// Is there a file or a folder at `rel` (relative to the root; `..` is resolved)?
    pub(crate) fn exists(&self, rel: &str) -> bool {
        match normalise("", rel) {
            Some(p) => self.files.contains_key(&p) || self.dirs.contains(&p),
            None => false,
        }
    }

    /// The `*.yaml` / `*.yml` files directly in the folder `dir`, sorted; `None` when there
    /// is no such folder.
    pub(crate) fn yaml_files(&self, dir: &str) -> Option<Vec<String>> {
        let dir = normalise("", dir)?;
        if !self.dirs.contains(&dir) {
            return None;
        }
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        Some(
            self.files
                .range(prefix.clone()..)
                .take_while(|(p, _)| p.starts_with(&prefix))
                .filter(|(p, _)| !p[prefix.len()..].contains('/'))
                .filter(|(p, _)| p.ends_with(".yaml") || p.ends_with(".yml"))
                .filter(|(p, _)| self.file(p).is_some())
                .map(|(p, _)| p.clone())
                .collect(),
        )
    }

    /// The files a walk of a checkout at `root` would find: hidden names and ignored paths
    /// skipped, links to files inside the root followed.
    pub(crate) fn walk(&self, root: &Path) -> &Walked {
        let (walked_root, walked) = self
            .walked
            .get_or_init(|| (root.to_path_buf(), self.walk_now(root)));
        debug_assert_eq!(walked_root, root);
        walked
    }

    fn walk_now(&self, root: &Path) -> Walked {
        let matchers = self.matchers(root);
        let exclude = self.exclude_matcher(root);
        let ignored = |rel: &str, is_dir: bool| -> bool {
            let path = root.join(rel);
            let mut decided: HashMap<IgnoreKind, bool> = HashMap::new();
            // From the path's own folder up to the root, then above it.
            let mut dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            loop {
                if let Some(ms) = matchers.get(&dir) {
                    decide(ms, &path, is_dir, &mut decided);
                }
                if dir.is_empty() {
                    break;
                }
                dir = dir.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            }
            if let Some(ms) = matchers.get(ABOVE) {
                decide(ms, &path, is_dir, &mut decided);
            }
            for kind in [IgnoreKind::Annexa, IgnoreKind::Ignore, IgnoreKind::Git] {
                if let Some(ignore) = decided.get(&kind) {
                    return *ignore;
                }
            }
            if let Some(exclude) = &exclude
                && let m @ (Match::Ignore(_) | Match::Whitelist(_)) = exclude.matched(&path, is_dir)
            {
                return matches!(m, Match::Ignore(_));
            }
            false
        };
        let mut walked = Walked {
            files: Vec::new(),
            links: Vec::new(),
        };
        // Whether each folder is walked: not hidden, not ignored, and inside a walked folder.
        let mut walked_dirs: HashMap<String, bool> = HashMap::new();
        for (rel, entry) in &self.files {
            let parts: Vec<&str> = rel.split('/').collect();
            let mut hidden_or_ignored = false;
            for i in 0..parts.len() - 1 {
                let dir = parts[..=i].join("/");
                let ok = *walked_dirs
                    .entry(dir)
                    .or_insert_with_key(|d| !parts[i].starts_with('.') && !ignored(d, true));
                if !ok {
                    hidden_or_ignored = true;
                    break;
                }
            }
            let name = parts[parts.len() - 1];
            if hidden_or_ignored || name.starts_with('.') || ignored(rel, false) {
                continue;
            }
            if entry.link {
                match self.link_target(rel, *entry) {
                    Some(Ok(target)) => match self.files.get(&target) {
                        Some(t) if !t.link => walked.files.push((rel.clone(), *t)),
                        Some(_) => {}
                        None if self.dirs.contains(&target) => {}
                        None => walked.links.push((rel.clone(), LinkProblem::Dangling)),
                    },
                    Some(Err(p)) => walked.links.push((rel.clone(), p)),
                    None => {}
                }
                continue;
            }
            walked.files.push((rel.clone(), *entry));
        }
        walked
    }

    /// The ignore matchers by folder (relative to the root; [`ABOVE`] for the folders above
    /// it), in order of precedence.
    fn matchers(&self, root: &Path) -> HashMap<String, Vec<(IgnoreKind, Gitignore)>> {
        let mut out: HashMap<String, Vec<(IgnoreKind, Gitignore)>> = HashMap::new();
        for dir in &self.dirs {
            for (kind, name) in IGNORE_FILES {
                let rel = if dir.is_empty() {
                    name.to_string()
                } else {
                    format!("{dir}/{name}")
                };
                if !self.files.contains_key(&rel) {
                    continue;
                }
                let Some(text) = self.read(&rel) else {
                    continue;
                };
                let folder = if dir.is_empty() {
                    root.to_path_buf()
                } else {
                    root.join(dir)
                };
                out.entry(dir.clone())
                    .or_default()
                    .push((kind, matcher(&folder, &String::from_utf8_lossy(&text))));
            }
        }
        // Nearest folder first among the folders above the root.
        for (kind, folder, text) in self.above.iter().rev() {
            out.entry(ABOVE.to_string())
                .or_default()
                .push((*kind, matcher(folder, text)));
        }
        out
    }

    fn exclude_matcher(&self, root: &Path) -> Option<Gitignore> {
        let text = self.exclude.as_ref()?;
        let top = self.above.first().map_or(root, |(_, d, _)| d.as_path());
        Some(matcher(top, text))
    }
}

/// The key of the folders above the root in [`Snapshot::matchers`].
const ABOVE: &str = "\0above";

/// Record the first decision of each kind of ignore file.
fn decide(
    ms: &[(IgnoreKind, Gitignore)],
    path: &Path,
    is_dir: bool,
    decided: &mut HashMap<IgnoreKind, bool>,
) {
    for (kind, m) in ms {
        if decided.contains_key(kind) {
            continue;
        }
        match m.matched(path, is_dir) {
            Match::Ignore(_) => {
                decided.insert(*kind, true);
            }
            Match::Whitelist(_) => {
                decided.insert(*kind, false);
            }
            Match::None => {}
        }
    }
}

fn matcher(folder: &Path, text: &str) -> Gitignore {
    let mut b = GitignoreBuilder::new(folder);
    for line in text.lines() {
        let _ = b.add_line(None, line);
    }
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

/// `target` taken from the folder `base` (both relative to the root), with `.` and `..`
/// resolved; `None` when it leaves the root or is absolute.
pub(crate) fn normalise(base: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.starts_with('\\') {
        return None;
    }
    crate::discover::normalise(base, target)
}

/// Every file under `tree`, with its folders.
fn collect(
    repo: &gix::Repository,
    tree: ObjectId,
    base: &str,
    files: &mut BTreeMap<String, Entry>,
    dirs: &mut BTreeSet<String>,
) -> Result<(), String> {
    let t = repo.find_tree(tree).map_err(|e| e.to_string())?;
    let decoded = t.decode().map_err(|e| e.to_string())?;
    for e in &decoded.entries {
        let name = String::from_utf8_lossy(e.filename);
        let path = if base.is_empty() {
            name.into_owned()
        } else {
            format!("{base}/{name}")
        };
        if e.mode.is_tree() {
            dirs.insert(path.clone());
            collect(repo, e.oid.to_owned(), &path, files, dirs)?;
        } else if e.mode.is_blob() || e.mode.is_link() {
            files.insert(
                path,
                Entry {
                    oid: e.oid.to_owned(),
                    link: e.mode.is_link(),
                },
            );
        }
    }
    Ok(())
}

/// The text of the file at `path` (relative to the work tree's top) in `commit`.
fn blob_at(repo: &gix::Repository, commit: ObjectId, path: &str) -> Option<String> {
    let tree = Repo::root_tree(repo, commit, "")?;
    let mut tree = repo.find_tree(tree).ok()?;
    let entry = tree.peel_to_entry_by_path(path).ok()??;
    let blob = repo.find_blob(entry.object_id()).ok()?;
    Some(String::from_utf8_lossy(&blob.data).into_owned())
}
