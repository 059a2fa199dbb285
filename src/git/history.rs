//! Each file's changes along the first-parent chain of the commit checked.
//!
//! One walk from the commit back to the first commit compares each commit's tree of the
//! annexa root with its first parent's — subtrees whose ids are equal are skipped, so a
//! commit costs what it changed — and records, for every path, the commits that changed it
//! with the blob it left. gix's own tree diff would also do it; it needs the blob-diff
//! machinery (`blob-diff` feature, attributes, filters) that this comparison of ids does not.
//! File contents are read later, only for the documents and evidence files the rules ask
//! about ([`super::trail`]).

use std::collections::HashMap;
use std::path::PathBuf;

use gix::ObjectId;

use super::{Commit, Missing, Repo};

/// The files whose history the rules will ask for (relative to the root), and the folders
/// holding them: the walk opens nothing else.
#[derive(Debug, Default, Clone)]
pub(crate) struct Wanted {
    files: std::collections::HashSet<String>,
    folders: std::collections::HashSet<String>,
}

impl Wanted {
    pub(crate) fn new(files: impl IntoIterator<Item = String>) -> Wanted {
        let mut w = Wanted::default();
        for f in files {
            let mut dir = f.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                if !w.folders.insert(parent.to_string()) {
                    break;
                }
                dir = parent;
            }
            w.files.insert(f);
        }
        w
    }
}

/// One change of a file: the commit (an index into [`History::commits`]) and the blob it
/// left (`None`: the commit deleted the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Change {
    pub commit: u32,
    pub blob: Option<ObjectId>,
}

/// The first-parent history of the annexa root.
pub struct History {
    repo: gix::ThreadSafeRepository,
    /// Newest first; the first is the commit checked.
    pub commits: Vec<Commit>,
    /// Each path's changes (relative to the annexa root), newest first.
    changes: HashMap<String, Vec<Change>>,
    /// The work tree's top and the root's place in it: to read working files.
    pub(crate) root: PathBuf,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("commits", &self.commits.len())
            .field("paths", &self.changes.len())
            .finish()
    }
}

/// The most commits walked: older changes are not seen (the docs say so).
const MAX_COMMITS: usize = 1_000_000;

impl History {
    /// The history from `start` (the commit checked; `None`: `HEAD`).
    pub(crate) fn read(
        repo: &Repo,
        start: Option<&Commit>,
        wanted: &Wanted,
    ) -> Result<History, Missing> {
        let local = repo.local();
        let start = match start {
            Some(c) => c.clone(),
            None => repo.head()?,
        };
        if local.is_shallow().unwrap_or(false) {
            // The boundary: the oldest commit this clone has on the chain.
            let mut oldest = start.clone();
            let mut id = start.id;
            while let Ok(c) = local.find_commit(id) {
                oldest = Commit::read(&c).map_err(Missing::Unreadable)?;
                match c.parent_ids().next() {
                    Some(p) if local.has_object(p) => id = p.detach(),
                    _ => break,
                }
            }
            return Err(Missing::Shallow(oldest.describe()));
        }
        let mut history = History {
            repo: repo.repo.clone(),
            commits: Vec::new(),
            changes: HashMap::new(),
            root: repo.top.join(repo.prefix.trim_end_matches('/')),
        };
        let mut id = start.id;
        let mut tree = Repo::root_tree(&local, id, &repo.prefix);
        loop {
            let commit = local
                .find_commit(id)
                .map_err(|e| Missing::Unreadable(e.to_string()))?;
            let index = history.commits.len() as u32;
            history
                .commits
                .push(Commit::read(&commit).map_err(Missing::Unreadable)?);
            let parent = commit.parent_ids().next().map(|p| p.detach());
            let parent_tree = match parent {
                Some(p) if !local.has_object(p) => {
                    return Err(Missing::Shallow(history.commits[index as usize].describe()));
                }
                Some(p) => Repo::root_tree(&local, p, &repo.prefix),
                None => None,
            };
            let mut changed = Vec::new();
            diff(&local, tree, parent_tree, "", wanted, &mut changed)
                .map_err(Missing::Unreadable)?;
            for (path, blob) in changed {
                history.changes.entry(path).or_default().push(Change {
                    commit: index,
                    blob,
                });
            }
            match parent {
                Some(p) if history.commits.len() < MAX_COMMITS => {
                    id = p;
                    tree = parent_tree;
                }
                _ => break,
            }
        }
        Ok(history)
    }

    /// The changes of `path` (relative to the root) since it last appeared, newest first:
    /// empty when the commit checked does not hold it.
    pub(crate) fn changes(&self, path: &str) -> &[Change] {
        let all = self.changes.get(path).map_or(&[][..], Vec::as_slice);
        if all.first().is_none_or(|c| c.blob.is_none()) {
            return &[];
        }
        // Up to (and without) the last deletion.
        let end = all
            .iter()
            .position(|c| c.blob.is_none())
            .unwrap_or(all.len());
        &all[..end]
    }

    /// The commit of a change.
    pub(crate) fn commit(&self, change: &Change) -> &Commit {
        &self.commits[change.commit as usize]
    }

    /// A handle on the repository for this thread, to read blobs with [`History::blob_in`].
    pub(crate) fn local(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local();
        repo.object_cache_size_if_unset(4 << 20);
        repo
    }

    /// The content of a blob.
    pub(crate) fn blob_in(&self, repo: &gix::Repository, id: ObjectId) -> Option<Vec<u8>> {
        Some(repo.find_blob(id).ok()?.detach().data)
    }

    /// The blob id the working file `path` would have if committed now, or `None` when it
    /// cannot be read. A text file is also hashed with CRLF line ends made LF (what
    /// `core.autocrlf` commits).
    pub(crate) fn working_ids(&self, path: &str) -> Option<Vec<ObjectId>> {
        let bytes = std::fs::read(self.root.join(path)).ok()?;
        let hash = |data: &[u8]| {
            gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, data).ok()
        };
        let mut ids = vec![hash(&bytes)?];
        if !bytes.contains(&0) && bytes.windows(2).any(|w| w == b"\r\n") {
            let lf: Vec<u8> = bytes
                .iter()
                .enumerate()
                .filter(|(i, b)| !(**b == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
                .map(|(_, b)| *b)
                .collect();
            ids.extend(hash(&lf));
        }
        Some(ids)
    }
}

/// The paths that differ between two trees (`None`: no tree), with the blob in `new`: the
/// two sorted entry lists walked side by side, equal subtrees skipped by id.
fn diff(
    repo: &gix::Repository,
    new: Option<ObjectId>,
    old: Option<ObjectId>,
    base: &str,
    wanted: &Wanted,
    out: &mut Vec<(String, Option<ObjectId>)>,
) -> Result<(), String> {
    if new == old {
        return Ok(());
    }
    let load = |id: Option<ObjectId>| -> Result<Option<gix::Tree<'_>>, String> {
        id.map(|id| repo.find_tree(id).map_err(|e| e.to_string()))
            .transpose()
    };
    let (new_tree, old_tree) = (load(new)?, load(old)?);
    let new_data: &[u8] = new_tree.as_ref().map_or(&[], |t| t.data.as_slice());
    let old_data: &[u8] = old_tree.as_ref().map_or(&[], |t| t.data.as_slice());
    let mut a = entries(new_data).peekable();
    let mut b = entries(old_data).peekable();
    let path = |name: &[u8]| {
        let name = String::from_utf8_lossy(name);
        if base.is_empty() {
            name.into_owned()
        } else {
            format!("{base}/{name}")
        }
    };
    // Only the folders and files the rules ask about: a folder of thousands of records no
    // rule reads the history of is never opened.
    let file = |name: &[u8], blob: Option<ObjectId>, out: &mut Vec<_>| {
        let p = path(name);
        if wanted.files.contains(&p) {
            out.push((p, blob));
        }
    };
    let folder = |name: &[u8]| Some(path(name)).filter(|p| wanted.folders.contains(p));
    loop {
        let order = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => git_order(x.0, x.1, y.0, y.1),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => break,
        };
        match order {
            std::cmp::Ordering::Equal => {
                let (Some((name, is_tree, oid)), Some((_, _, before))) = (a.next(), b.next())
                else {
                    break;
                };
                if oid != before {
                    if !is_tree {
                        file(name, Some(oid), out);
                    } else if let Some(p) = folder(name) {
                        diff(repo, Some(oid), Some(before), &p, wanted, out)?;
                    }
                }
            }
            std::cmp::Ordering::Less => {
                let Some((name, is_tree, oid)) = a.next() else {
                    break;
                };
                if !is_tree {
                    file(name, Some(oid), out);
                } else if let Some(p) = folder(name) {
                    diff(repo, Some(oid), None, &p, wanted, out)?;
                }
            }
            std::cmp::Ordering::Greater => {
                let Some((name, is_tree, oid)) = b.next() else {
                    break;
                };
                if !is_tree {
                    file(name, None, out);
                } else if let Some(p) = folder(name) {
                    diff(repo, None, Some(oid), &p, wanted, out)?;
                }
            }
        }
    }
    Ok(())
}

/// A tree's entries parsed in place, without allocating (a folder of thousands of evidence
/// files is compared at every commit that changes one of them); submodules left out.
fn entries(data: &[u8]) -> impl Iterator<Item = (&[u8], bool, ObjectId)> {
    gix::objs::TreeRefIter::from_bytes(data, gix::hash::Kind::Sha1)
        .filter_map(Result::ok)
        .filter(|e| !e.mode.is_commit())
        .map(|e| {
            let name: &[u8] = e.filename;
            (name, e.mode.is_tree(), e.oid.to_owned())
        })
}

/// Git's order of tree entries: by name, a folder's name compared as if it ended in `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let suffix = |tree: bool| if tree { Some(b'/') } else { None };
    let x = a
        .iter()
        .copied()
        .map(Some)
        .chain(std::iter::once(suffix(a_tree)));
    let y = b
        .iter()
        .copied()
        .map(Some)
        .chain(std::iter::once(suffix(b_tree)));
    x.cmp(y)
}

impl History {
    /// Does the commit checked hold files under the folder `path`?
    pub(crate) fn holds_folder(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.changes
            .iter()
            .any(|(p, c)| p.starts_with(&prefix) && c.first().is_some_and(|c| c.blob.is_some()))
    }
}
