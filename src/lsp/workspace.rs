//! The workspace: the repository root, the open documents (whose text replaces the files on
//! disk, from memory), and the result of the last check.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lsp_types::{PublishDiagnosticsParams, TextDocumentContentChangeEvent, Uri};

use crate::diagnostic::Diagnostic;
use crate::discover;
use crate::engine::{self, Options, Outcome};
use crate::source::Span;

use super::convert::{self, Encoding, LineIndex, Locate};

/// An open document.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// The URI exactly as the client sent it (diagnostics are published under it).
    pub uri: Uri,
    /// Its repository-relative path; `None` for a document outside the repository.
    pub rel: Option<String>,
    pub version: i32,
    pub text: Arc<str>,
}

/// The result of the last check.
#[derive(Debug)]
enum Checked {
    Never,
    Ok(Box<Outcome>),
    /// The configuration is broken: nothing else can be checked.
    ConfigError(Box<engine::ConfigError>),
    /// The check itself failed (a bug); the message says how.
    Failed(String),
}

#[derive(Debug)]
pub(crate) struct Workspace {
    root: Option<PathBuf>,
    canonical_root: Option<PathBuf>,
    today: Option<jiff::civil::Date>,
    /// Open documents by URI.
    documents: BTreeMap<String, Document>,
    checked: Checked,
    /// What the previous check read and computed: each check after an edit re-parses only
    /// the edited buffers, and reads the disk again only after [`Workspace::disk_changed`].
    session: engine::Session,
}

/// What a check reported beyond diagnostics: a problem to show the user, and how long it
/// took.
#[derive(Debug)]
pub(crate) struct Report {
    pub problem: Option<String>,
    pub files: usize,
    pub elapsed: Duration,
}

impl Workspace {
    /// A workspace rooted at the repository around `root` (found with
    /// [`discover::find_root`]); without one, the root is found from the first document
    /// opened.
    pub(crate) fn new(root: Option<&Path>, today: Option<jiff::civil::Date>) -> Self {
        let mut w = Workspace {
            root: None,
            canonical_root: None,
            today,
            documents: BTreeMap::new(),
            checked: Checked::Never,
            session: engine::Session::in_memory(),
        };
        if let Some(r) = root {
            w.set_root(discover::find_root(r));
        }
        w
    }

    fn set_root(&mut self, root: PathBuf) {
        self.canonical_root = root.canonicalize().ok();
        self.root = Some(root);
    }

    pub(crate) fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    pub(crate) fn has_documents(&self) -> bool {
        !self.documents.is_empty()
    }

    pub(crate) fn document(&self, uri: &Uri) -> Option<&Document> {
        self.documents.get(uri.as_str())
    }

    /// The last successful check.
    pub(crate) fn outcome(&self) -> Option<&Outcome> {
        match &self.checked {
            Checked::Ok(o) => Some(o),
            _ => None,
        }
    }

    pub(crate) fn open(&mut self, uri: Uri, version: i32, text: String) {
        if self.root.is_none()
            && let Some(path) = convert::uri_to_path(&uri)
        {
            self.set_root(discover::find_root(&path));
        }
        let rel = self.relative(&uri);
        self.documents.insert(
            uri.as_str().to_string(),
            Document {
                uri,
                rel,
                version,
                text: text.into(),
            },
        );
    }

    /// Apply the changes of a `didChange`: whole-text replacements (what the server asks
    /// for) or, should a client send them anyway, ranged edits. Returns `false` for a
    /// document that is not open.
    pub(crate) fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: Encoding,
    ) -> bool {
        let Some(doc) = self.documents.get_mut(uri.as_str()) else {
            return false;
        };
        let mut text: String = doc.text.to_string();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let lines = LineIndex::new(&text);
                    let end_of_text = text.len();
                    let start = lines.offset(range.start, enc).unwrap_or(end_of_text);
                    let end = lines.offset(range.end, enc).unwrap_or(end_of_text);
                    let (start, end) = (start.min(end), start.max(end));
                    text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.text = text.into();
        doc.version = version;
        true
    }

    /// Files on disk may have changed (a document was opened, saved or closed, or the client
    /// reported changed files): the next check reads the repository again (files whose
    /// content is unchanged are still not parsed again).
    pub(crate) fn disk_changed(&mut self) {
        self.session.rescan = true;
    }

    pub(crate) fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.documents.remove(uri.as_str())
    }

    /// The repository-relative path of a document, if it lies inside the root.
    fn relative(&self, uri: &Uri) -> Option<String> {
        let root = self.root.as_deref()?;
        let path = convert::uri_to_path(uri)?;
        if let Some(rel) = discover::relative(root, &path).filter(|r| !r.is_empty()) {
            return Some(rel);
        }
        // The client may name the file through a link, or the root may be one.
        let canonical_root = self.canonical_root.as_deref()?;
        let canonical = path.canonicalize().ok().or_else(|| {
            let parent = path.parent()?.canonicalize().ok()?;
            Some(parent.join(path.file_name()?))
        })?;
        discover::relative(canonical_root, &canonical).filter(|r| !r.is_empty())
    }

    /// Check the whole repository, with the open documents in place of their files.
    pub(crate) fn check(&mut self) -> Report {
        let started = Instant::now();
        let Some(root) = self.root.clone() else {
            return Report {
                problem: None,
                files: 0,
                elapsed: started.elapsed(),
            };
        };
        let mut options = Options::new(root);
        if let Some(today) = self.today {
            options.today = today;
        }
        options.overlay = self
            .documents
            .values()
            .filter_map(|d| Some((d.rel.clone()?, d.text.clone())))
            .collect();
        // Only open documents are published: the check evaluates only them — unless the
        // configuration file is open, which shows the findings about the whole repository.
        let config_open = options
            .overlay
            .keys()
            .any(|rel| rel == crate::config::FILE_NAME);
        if !config_open {
            options.only = Some(options.overlay.keys().cloned().collect());
        }
        let session = &mut self.session;
        let result = catch_unwind(AssertUnwindSafe(|| engine::run_session(&options, session)));
        if !matches!(result, Ok(Ok(_))) {
            // Whatever went wrong, start from the disk next time.
            *session = engine::Session::in_memory();
        }
        self.checked = match result {
            Ok(Ok(outcome)) => Checked::Ok(Box::new(outcome)),
            Ok(Err(e)) => Checked::ConfigError(e),
            Err(payload) => {
                let what = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Checked::Failed(format!("internal error while checking: {what}"))
            }
        };
        let (problem, files) = match &self.checked {
            Checked::Ok(o) => (None, o.files_read),
            Checked::ConfigError(e) => (
                Some(format!(
                    "annexa: {}: {}",
                    e.diagnostic.code, e.diagnostic.message
                )),
                0,
            ),
            Checked::Failed(m) => (Some(format!("annexa: {m}")), 0),
            Checked::Never => (None, 0),
        };
        Report {
            problem,
            files,
            elapsed: started.elapsed(),
        }
    }

    /// The diagnostics of every open document inside the repository, as of the last check
    /// (an empty list clears a document's diagnostics).
    pub(crate) fn publications(&self, enc: Encoding) -> Vec<PublishDiagnosticsParams> {
        let diagnostics: &[Diagnostic] = match &self.checked {
            Checked::Ok(o) => &o.diagnostics,
            Checked::ConfigError(e) => std::slice::from_ref(&e.diagnostic),
            Checked::Never | Checked::Failed(_) => &[],
        };
        // Findings about the repository as a whole are shown on the configuration file, as
        // in SARIF.
        let config_file = match &self.checked {
            Checked::Ok(o) => o.config_file.as_deref(),
            _ => None,
        }
        .unwrap_or(crate::config::FILE_NAME);
        let mut by_file: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
        for d in diagnostics {
            by_file
                .entry(d.file().unwrap_or(config_file))
                .or_default()
                .push(d);
        }
        let locator = self.locator(enc);
        self.documents
            .values()
            .filter_map(|doc| {
                let rel = doc.rel.as_deref()?;
                let found = by_file.get(rel).map(Vec::as_slice).unwrap_or_default();
                let text = self.text(rel).unwrap_or(&doc.text);
                let lines = LineIndex::new(text);
                Some(PublishDiagnosticsParams {
                    uri: doc.uri.clone(),
                    diagnostics: found
                        .iter()
                        .map(|d| convert::diagnostic(d, &lines, enc, &locator))
                        .collect(),
                    version: Some(doc.version),
                })
            })
            .collect()
    }

    /// The text of a repository file as the last check read it (an open document's buffer
    /// or the file on disk).
    pub(crate) fn text(&self, rel: &str) -> Option<&str> {
        match &self.checked {
            Checked::Ok(o) => o.sources.get(rel).map(|s| &*s.text),
            Checked::ConfigError(e) => e.source.as_ref().filter(|s| s.rel == rel).map(|s| &*s.text),
            _ => None,
        }
    }

    /// The URI of a repository file: the open document's own, else one made from its path.
    pub(crate) fn uri_of(&self, rel: &str) -> Option<Uri> {
        if let Some(doc) = self
            .documents
            .values()
            .find(|d| d.rel.as_deref() == Some(rel))
        {
            return Some(doc.uri.clone());
        }
        convert::path_to_uri(&self.root.as_ref()?.join(rel))
    }

    /// Names places of the repository as protocol locations (line indexes are built once
    /// per file).
    pub(crate) fn locator(&self, enc: Encoding) -> impl Locate + '_ {
        Locator {
            workspace: self,
            enc,
            lines: RefCell::new(HashMap::new()),
        }
    }
}

struct Locator<'a> {
    workspace: &'a Workspace,
    enc: Encoding,
    lines: RefCell<HashMap<String, Option<LineIndex<'a>>>>,
}

impl Locate for Locator<'_> {
    fn locate(&self, file: &str, span: Span) -> Option<lsp_types::Location> {
        let uri = self.workspace.uri_of(file)?;
        let mut cache = self.lines.borrow_mut();
        let lines = cache
            .entry(file.to_string())
            .or_insert_with(|| self.workspace.text(file).map(LineIndex::new));
        let range = match lines {
            Some(lines) => lines.range(span, self.enc),
            None => lsp_types::Range::default(),
        };
        Some(lsp_types::Location { uri, range })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_findings_are_shown_on_the_configuration_file() {
        let mut w = Workspace::new(None, None);
        w.set_root(PathBuf::from("/repo"));
        let config: Uri = "file:///repo/annexa.toml".parse().unwrap();
        let control: Uri = "file:///repo/controls/a.yaml".parse().unwrap();
        w.open(config.clone(), 1, "[check]\n".into());
        w.open(control.clone(), 3, "id: A\n".into());
        let outcome = Outcome {
            diagnostics: vec![
                Diagnostic::error("COV001", "no statement of applicability"),
                Diagnostic::warning("X001", "here").at("controls/a.yaml", Span::new(4, 5)),
            ],
            config_file: Some("annexa.toml".into()),
            ..Outcome::default()
        };
        w.checked = Checked::Ok(Box::new(outcome));
        let published = w.publications(Encoding::Utf16);
        assert_eq!(published.len(), 2);
        let on = |uri: &Uri| published.iter().find(|p| &p.uri == uri).unwrap();
        let repo = &on(&config).diagnostics;
        assert_eq!(repo.len(), 1);
        assert_eq!(repo[0].range, lsp_types::Range::default());
        let here = &on(&control);
        assert_eq!(here.version, Some(3));
        assert_eq!(
            here.diagnostics[0].range.start,
            lsp_types::Position::new(0, 4)
        );
    }

    #[test]
    fn ranged_changes_are_applied_too() {
        let mut w = Workspace::new(None, None);
        let doc: Uri = "file:///repo/a.yaml".parse().unwrap();
        w.open(doc.clone(), 1, "id: Café\nx: 1\n".into());
        let edit = TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range::new(
                lsp_types::Position::new(0, 8),
                lsp_types::Position::new(1, 1),
            )),
            range_length: None,
            text: "s\ny".into(),
        };
        assert!(w.change(&doc, 2, vec![edit], Encoding::Utf16));
        assert_eq!(&*w.document(&doc).unwrap().text, "id: Cafés\ny: 1\n");
        let unknown: Uri = "file:///repo/b.yaml".parse().unwrap();
        assert!(!w.change(&unknown, 2, Vec::new(), Encoding::Utf16));
    }
}
