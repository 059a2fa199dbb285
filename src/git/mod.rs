//! What annexa reads from git: the files of a commit (`--at`) and the history of each file
//! (the document-control and evidence-provenance rules). `docs/history.md` is the user's view.
//!
//! Everything is read from the repository's object database with gitoxide (`gix`, pure Rust):
//! annexa never runs `git`, never touches the index, and reads the working tree only where it
//! reads it anyway (the files it checks). The history is the **first-parent** chain from the
//! commit checked — the branch as it was merged — so a change made on a topic branch counts
//! from the commit that brought it into the branch, and every date is that commit's
//! **committer** date, in the committer's own time zone: the day the change entered the
//! branch, which rebasing or cherry-picking cannot move into the past.
//!
//! - [`Repo`]: the git repository around an annexa root, and where the root sits in it.
//! - [`snapshot::Snapshot`]: every file under the root at one commit.
//! - [`history::History`]: each file's changes along the first-parent chain.
//! - [`files`]: the walk and the reads of a run over a snapshot.
//! - [`trail`]: what the changes of one document or evidence file mean for the rules.

pub(crate) mod files;
pub(crate) mod history;
pub(crate) mod snapshot;
pub(crate) mod trail;

use std::path::{Path, PathBuf};

use gix::ObjectId;
use jiff::civil::Date;

pub(crate) use history::History;
pub(crate) use snapshot::Snapshot;

/// A commit as findings name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub id: ObjectId,
    /// The committer date, in the committer's time zone.
    pub date: Date,
    /// Seconds since the epoch (committer time): orders commits of the same day.
    pub seconds: i64,
    /// The author's name.
    pub author: String,
}

impl Commit {
    /// The abbreviated id, seven hex digits as `git log --oneline` prints it.
    pub fn short(&self) -> String {
        self.id.to_hex_with_len(7).to_string()
    }

    /// `abc1234 (2026-03-05, Jane Doe)`.
    pub fn describe(&self) -> String {
        format!("{} ({}, {})", self.short(), self.date, self.author)
    }

    fn read(commit: &gix::Commit<'_>) -> Result<Commit, String> {
        let committer = commit.committer().map_err(|e| e.to_string())?;
        let time = committer.time().map_err(|e| e.to_string())?;
        let author = commit
            .author()
            .map(|a| a.name.to_string())
            .unwrap_or_default();
        Ok(Commit {
            id: commit.id,
            date: civil_date(time.seconds, time.offset),
            seconds: time.seconds,
            author,
        })
    }
}

/// The calendar date of a git time in its own offset.
fn civil_date(seconds: i64, offset: i32) -> Date {
    let ts = jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let tz = jiff::tz::Offset::from_seconds(offset)
        .unwrap_or(jiff::tz::Offset::UTC)
        .to_time_zone();
    ts.to_zoned(tz).date()
}

/// The git repository holding an annexa repository.
pub struct Repo {
    repo: gix::ThreadSafeRepository,
    /// The annexa root inside the work tree, `/`-terminated (`compliance/`), or empty.
    prefix: String,
    /// The work tree's top folder.
    top: PathBuf,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("top", &self.top)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// Why there is no history to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// The root is in no git work tree.
    NotGit,
    /// The repository has no commit yet.
    NoCommits,
    /// A shallow clone: the history stops at this commit.
    Shallow(String),
    /// The repository could not be read.
    Unreadable(String),
}

impl Repo {
    /// The git repository whose work tree holds `root`, if there is one.
    pub(crate) fn open(root: &Path) -> Result<Repo, Missing> {
        let absolute = crate::discover::absolute(root);
        if !absolute.ancestors().any(|a| a.join(".git").exists()) {
            return Err(Missing::NotGit);
        }
        let repo = gix::discover(root).map_err(|e| Missing::Unreadable(e.to_string()))?;
        let Some(top) = repo.workdir().map(crate::discover::absolute) else {
            return Err(Missing::NotGit);
        };
        let root = crate::discover::absolute(root);
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let Ok(rel) = canonical(&root)
            .strip_prefix(canonical(&top))
            .map(Path::to_path_buf)
        else {
            return Err(Missing::NotGit);
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let rel = rel.join("/");
        let prefix = if rel.is_empty() {
            rel
        } else {
            format!("{rel}/")
        };
        Ok(Repo {
            repo: repo.into_sync(),
            prefix,
            top,
        })
    }

    fn local(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local();
        repo.object_cache_size_if_unset(4 << 20);
        repo
    }

    /// The commit `rev` names: a commit id (or a unique prefix), a tag, a branch, any
    /// revision `git rev-parse` takes, or a date `YYYY-MM-DD` meaning the last commit on the
    /// current branch's first-parent chain made on or before that day.
    pub(crate) fn resolve(&self, rev: &str) -> Result<Commit, String> {
        let repo = self.local();
        if let Ok(day) = rev.parse::<Date>() {
            let mut at = repo
                .head_commit()
                .map_err(|e| format!("cannot read the current commit: {e}"))?;
            loop {
                let c = Commit::read(&at)?;
                if c.date <= day {
                    return Ok(c);
                }
                let Some(parent) = at.parent_ids().next() else {
                    return Err(format!(
                        "no commit on or before {day}: the first commit is of {}",
                        c.date
                    ));
                };
                at = parent
                    .object()
                    .and_then(|o| o.try_into_commit())
                    .map_err(|_| {
                        format!(
                            "no commit on or before {day} in this clone: its history stops at {} (a shallow clone; fetch the whole history with `git fetch --unshallow`)",
                            c.describe()
                        )
                    })?;
            }
        }
        let id = repo
            .rev_parse_single(rev)
            .map_err(|e| format!("`{rev}` names no commit: {e}"))?;
        let commit = id
            .object()
            .map_err(|e| e.to_string())?
            .peel_to_commit()
            .map_err(|_| format!("`{rev}` names no commit"))?;
        Commit::read(&commit)
    }

    /// The current commit (`HEAD`), or why there is none.
    pub(crate) fn head(&self) -> Result<Commit, Missing> {
        let repo = self.local();
        match repo.head_commit() {
            Ok(c) => Commit::read(&c).map_err(Missing::Unreadable),
            Err(_) if repo.head().is_ok_and(|h| h.is_unborn()) => Err(Missing::NoCommits),
            Err(e) => Err(Missing::Unreadable(e.to_string())),
        }
    }

    /// The tree of the annexa root at `commit` (none when the root did not exist then).
    fn root_tree(repo: &gix::Repository, commit: ObjectId, prefix: &str) -> Option<ObjectId> {
        let commit = repo.find_commit(commit).ok()?;
        let mut tree = commit.tree_id().ok()?.detach();
        for part in prefix.split('/').filter(|p| !p.is_empty()) {
            let t = repo.find_tree(tree).ok()?;
            let entry = t
                .decode()
                .ok()?
                .entries
                .iter()
                .find(|e| e.filename == part && e.mode.is_tree())?
                .oid
                .to_owned();
            tree = entry;
        }
        Some(tree)
    }
}

/// Document trails by (file, document, approval field, version field).
type DocumentTrails = std::collections::HashMap<
    (String, usize, String, String),
    std::sync::Arc<Result<trail::Document, trail::Unchecked>>,
>;

/// The history as the rules of one run see it: read the first time a rule asks (a run whose
/// rules never ask reads nothing), with the files it could not judge.
pub struct Access {
    root: PathBuf,
    /// `--at`: the history from this commit, and no working tree.
    at: Option<Commit>,
    state: std::sync::OnceLock<Result<History, Missing>>,
    /// The files the rules will ask about ([`Access::want`]).
    wanted: std::sync::OnceLock<history::Wanted>,
    /// Each document's trail, by file and document (two rules read each).
    documents: std::sync::Mutex<DocumentTrails>,
    unchecked: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("root", &self.root)
            .field("read", &self.state.get().is_some())
            .finish()
    }
}

impl Access {
    /// The history of the repository at `root`, from `at` (`None`: `HEAD`, and the working
    /// tree is compared too).
    pub fn new(root: PathBuf, at: Option<Commit>) -> Self {
        Access {
            root,
            at,
            state: std::sync::OnceLock::new(),
            wanted: std::sync::OnceLock::new(),
            documents: Default::default(),
            unchecked: Default::default(),
        }
    }

    /// Say which files the rules will ask about, before they ask: the history is read for
    /// these alone. A file not named here has no history (it reads as not committed).
    pub(crate) fn want(&self, files: impl IntoIterator<Item = String>) {
        let _ = self.wanted.set(history::Wanted::new(files));
    }

    /// The history, read the first time it is asked for; or why there is none.
    pub(crate) fn history(&self) -> Result<&History, &Missing> {
        self.state
            .get_or_init(|| {
                let repo = Repo::open(&self.root)?;
                let wanted = self.wanted.get_or_init(Default::default);
                History::read(&repo, self.at.as_ref(), wanted)
            })
            .as_ref()
    }

    /// The trail of the document `artifact` (computed once for all the rules that ask).
    pub(crate) fn document(
        &self,
        history: &History,
        artifact: &crate::model::Artifact,
        fields: trail::Fields<'_>,
    ) -> std::sync::Arc<Result<trail::Document, trail::Unchecked>> {
        let key = (
            artifact.file.clone(),
            artifact.document,
            fields.approval.to_string(),
            fields.version.to_string(),
        );
        let lock = || self.documents.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = lock().get(&key) {
            return std::sync::Arc::clone(t);
        }
        let t = std::sync::Arc::new(trail::document(history, artifact, fields, self.worktree()));
        lock().insert(key, std::sync::Arc::clone(&t));
        t
    }

    /// Is the working tree compared with the commit (not with `--at`)?
    pub(crate) fn worktree(&self) -> bool {
        self.at.is_none()
    }

    /// Record that the file `path` could not be judged: it is not committed.
    pub(crate) fn not_committed(&self, path: &str) {
        self.unchecked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_string());
    }

    /// The one note of the run on what its history rules could not check, if any.
    pub(crate) fn note(&self) -> Option<crate::diagnostic::Diagnostic> {
        use crate::diagnostic::Diagnostic;
        const RULES: &str = "DOC015, DOC016 and EVD008";
        let d = |message: String, help: &str| {
            Some(
                Diagnostic::new(
                    crate::codes::GIT001,
                    crate::diagnostic::Severity::Note,
                    message,
                )
                .with_help(help.to_string())
                .with_entity(None, Some("history".to_string())),
            )
        };
        match self.state.get()? {
            Err(Missing::NotGit) => d(
                format!(
                    "{RULES} were not checked: the repository is not in git, so there is no history to compare approvals, versions and evidence dates with"
                ),
                "keep the repository in git (`git init`, then commit); `annexa explain GIT001` says what the history shows",
            ),
            Err(Missing::NoCommits) => d(
                format!("{RULES} were not checked: nothing is committed yet"),
                "commit the repository; the history rules compare each document and evidence file with its commits",
            ),
            Err(Missing::Shallow(at)) => d(
                format!(
                    "{RULES} were not checked: this is a shallow clone, whose history stops at commit {at}"
                ),
                "fetch the whole history: `git fetch --unshallow`, or with `actions/checkout` set `fetch-depth: 0` (`docs/history.md`)",
            ),
            Err(Missing::Unreadable(e)) => d(
                format!("{RULES} were not checked: the git repository could not be read: {e}"),
                "run `git status` to see what is wrong with the repository",
            ),
            Ok(_) => {
                let files = self.unchecked.lock().unwrap_or_else(|p| p.into_inner());
                if files.is_empty() {
                    return None;
                }
                let listed: Vec<String> = files.iter().take(5).map(|f| format!("`{f}`")).collect();
                let more = files.len().saturating_sub(listed.len());
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                d(
                    format!(
                        "{} file(s) are not committed, so their history was not checked: {}{more}",
                        files.len(),
                        listed.join(", ")
                    ),
                    "commit them; a file's history starts with its first commit",
                )
            }
        }
    }
}
