//! The engine: runs the pipeline over a repository and returns every finding.
//!
//! The stages, each a function with typed input and output, in [`run_session`]:
//!
//! | stage | function | in → out |
//! |---|---|---|
//! | discover, read | `gather` | options, session → configuration, candidates and texts |
//! | parse, validate | `parse_files` | candidates → per-file results (cached by content hash) |
//! | assemble | `assemble` | per-file results → one repository of artifacts |
//! | evaluate | `evaluate` | repository → index, compliance model, rule findings |
//! | settle | `settle` | findings → adjusted, superseded, suppressed, selected, sorted |
//!
//! `check` and `coverage` run them through [`run`]; the language server through
//! [`run_session`], with a [`Session`] that keeps what was read and parsed between edits.
//! Each file, and each rule, is processed behind a panic boundary: a bug triggered by one
//! file or rule becomes an `INT001` diagnostic and never stops the others.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::adjust::Adjuster;
use crate::cache::{Cache, Fresh, Key, Processed};
use crate::catalog::{self, Catalogs};
use crate::codes;
use crate::config::{self, Config};
use crate::crosswalk::Crosswalk;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::discover::{self, Candidate, selected};
use crate::model::{Artifact, Index};
use crate::parse;
use crate::registry::Registry;
use crate::rules::{self, Env, RuleSet};
use crate::source::{SourceFile, SourceMap, Span};
use crate::suppress;
use crate::validate;

/// What a run needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    /// The repository root.
    pub root: PathBuf,
    /// Report only findings located in these repository-relative files or directories
    /// (the whole repository is still loaded). `None`: report everything.
    pub only: Option<Vec<String>>,
    /// The date rules treat as today.
    pub today: jiff::civil::Date,
    /// File contents that replace what is on disk (editor buffers), by repository-relative
    /// path. A path that does not exist on disk is added as a candidate.
    pub overlay: std::collections::BTreeMap<String, std::sync::Arc<str>>,
    /// Keep per-file results in the repository's cache folder between runs (when
    /// `[cache] enabled`, the default). See [`crate::cache`].
    pub disk_cache: bool,
    /// Check the files of this commit instead of the working tree (`--at`); the cache is not
    /// used, and the history rules read the history from it.
    pub(crate) at: Option<Arc<crate::git::Snapshot>>,
}

impl Options {
    /// Check the whole repository at `root` as of the system's date.
    pub fn new(root: PathBuf) -> Self {
        Options {
            root,
            only: None,
            today: jiff::Zoned::now().date(),
            overlay: Default::default(),
            disk_cache: false,
            at: None,
        }
    }
}

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub root: PathBuf,
    pub config: Config,
    pub sources: SourceMap,
    pub artifacts: Vec<Arc<Artifact>>,
    /// Sorted deterministically and filtered by `Options::only`.
    pub diagnostics: Vec<Diagnostic>,
    /// The repository-relative path of `annexa.toml`, when there is one.
    pub config_file: Option<String>,
    /// Number of files read.
    pub files_read: usize,
    /// Every code of the run (built-in and user rules), for `explain` and SARIF.
    pub registry: Registry,
    /// The catalogs of the run (built-in and the repository's own), to look requirements
    /// up by `framework/id` (the language server's hover).
    pub catalogs: Catalogs,
    /// The rule parameters in force (built-in defaults with `[params]` applied).
    pub(crate) params: rules::compile::Params,
}

impl Outcome {
    /// A duration parameter in force (`warn_within`), or `default` when it is not a duration.
    pub fn duration_param(
        &self,
        name: &str,
        default: crate::dates::Duration,
    ) -> crate::dates::Duration {
        self.params
            .get(name)
            .and_then(serde_json::Value::as_str)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    }
}

/// A configuration error: the run cannot go on (exit code 2).
#[derive(Debug)]
pub struct ConfigError {
    pub diagnostic: Diagnostic,
    pub source: Option<SourceFile>,
}

/// The result of processing one file: its text (when it could be read) and what parsing and
/// validating it produced, which the cache keeps.
#[derive(Default)]
struct FileResult {
    source: Option<SourceFile>,
    parsed: Arc<Processed>,
    /// Its cache key, when it was read.
    key: Option<Key>,
    /// It came from the cache.
    reused: bool,
}

/// Check the repository without a cache.
pub fn run(options: &Options) -> Result<Outcome, Box<ConfigError>> {
    run_session(options, &mut Session::default())
}

/// What a run read from the disk: the configuration, the walk, the text of every file, and
/// the catalogs and rules. A [`Session`] keeps it, so that the language server can check an
/// edited buffer again without walking and reading the repository.
struct DiskState {
    config: Config,
    config_source: Option<SourceFile>,
    walk: discover::Walk,
    /// What reading each candidate gave, by repository-relative path.
    reads: std::collections::HashMap<String, DiskRead>,
    extensions: Extensions,
    /// The user's catalog and rule files.
    extension_sources: Vec<SourceFile>,
}

/// A file's text and, when a cache will use it, the hash of its content; or why it could
/// not be read.
type DiskRead = Result<(SourceFile, Option<Key>), Box<Diagnostic>>;

/// Does this run keep results in the cache folder?
fn uses_disk_cache(options: &Options, config: &Config) -> bool {
    options.disk_cache && config.cache.enabled && options.at.is_none()
}

/// State kept between runs by a long-lived caller (the language server): the result cache,
/// and what was read from the disk.
#[derive(Default)]
pub(crate) struct Session {
    pub cache: Cache,
    disk: Option<Arc<DiskState>>,
    /// Read the disk again on the next run: set it when files may have changed on disk. A
    /// session that has never run reads it anyway.
    pub rescan: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("cached", &self.cache.len())
            .field("scanned", &self.disk.is_some())
            .field("rescan", &self.rescan)
            .finish()
    }
}

impl Session {
    /// A session keeping per-file results in memory.
    pub(crate) fn in_memory() -> Session {
        Session {
            cache: Cache::memory(),
            disk: None,
            rescan: true,
        }
    }
}

/// Read the configuration, walk the repository and read every candidate (in parallel), and
/// load the catalogs and rules. Files are hashed when a cache will look them up: one kept in
/// memory (`in_memory`) or the cache folder.
fn scan(options: &Options, in_memory: bool) -> Result<DiskState, Box<ConfigError>> {
    let loaded = load_config(&options.root, options.at.as_deref())?;
    let config = loaded.config;
    let hash = in_memory || uses_disk_cache(options, &config);
    let at = options.at.as_deref();
    // Catalogs and rules load while the files are read.
    let ((walk, reads), (extensions, extension_sources)) = rayon::join(
        || {
            let walk = match at {
                Some(snapshot) => crate::git::files::walk(snapshot, &options.root, &config),
                None => discover::walk(&options.root, &config),
            };
            let reads = walk
                .candidates
                .par_iter()
                .filter(|c| !options.overlay.contains_key(&c.rel))
                .map(|c| {
                    let read = match at {
                        Some(snapshot) => {
                            crate::git::files::read(snapshot, c, config.limits.max_file_size)
                        }
                        None => discover::read(c, config.limits.max_file_size),
                    };
                    let read = read.map(|s| {
                        let key = hash.then(|| Key::of(c.format, &s.text));
                        (s, key)
                    });
                    (c.rel.clone(), read)
                })
                .collect();
            (walk, reads)
        },
        || {
            let mut sources = SourceMap::new();
            let extensions = load_extensions(&options.root, at, &config, &mut sources);
            (extensions, sources.iter().cloned().collect())
        },
    );
    Ok(DiskState {
        config,
        config_source: loaded.source,
        walk,
        reads,
        extensions,
        extension_sources,
    })
}

/// Check the repository, reusing what `session` kept: the files read (unless
/// `session.rescan`) and the results of files whose content has not changed. Leaves this
/// run's state in `session`.
///
/// The stages, each a function with typed input and output: [`gather`] (discover and read)
/// → [`parse_files`] (parse and validate each file, cached by content) → [`assemble`] (one
/// repository of artifacts) → [`evaluate`] (the index and compliance model, then the rules)
/// → [`settle`] (adjust, supersede, suppress, select, sort).
pub(crate) fn run_session(
    options: &Options,
    session: &mut Session,
) -> Result<Outcome, Box<ConfigError>> {
    let mut timings = crate::timings::Timings::from_env();
    let gathered = gather(options, session)?;
    timings.phase("read");
    let disk = Arc::clone(&gathered.disk);
    let config = &disk.config;
    let mut on_disk;
    let cache = if uses_disk_cache(options, config) && !session.cache.is_active() {
        on_disk = Cache::open(&options.root.join(&config.cache.dir), &config.limits);
        &mut on_disk
    } else {
        &mut session.cache
    };
    timings.phase("cache read");
    let results = parse_files(gathered.files, options, config, cache, &mut timings);
    let repository = assemble(results, &disk);
    timings.phase("merge");
    let findings = evaluate(&repository, &disk, options);
    timings.phase("rules");
    let Repository {
        sources,
        artifacts,
        directives,
        diagnostics: _,
        files_read,
    } = repository;
    let diagnostics = settle(findings, directives, &sources, &disk, options);
    timings.phase("finish");
    Ok(Outcome {
        root: options.root.clone(),
        config: config.clone(),
        sources,
        artifacts,
        diagnostics,
        config_file: disk.config_source.as_ref().map(|s| s.rel.clone()),
        files_read,
        registry: disk.extensions.registry.clone(),
        catalogs: disk.extensions.catalogs.clone(),
        params: disk.extensions.rules.params.clone(),
    })
}

/// Stage 1's output: what was read from the disk (or kept by the session), and every file to
/// check with its text when it is already known.
struct Gathered {
    disk: Arc<DiskState>,
    files: Vec<(Candidate, Option<DiskRead>)>,
}

/// Stage 1, discover and read: the configuration, the walk and the text of every candidate
/// (or what the session kept), with the editor buffers of `options.overlay` as candidates too.
fn gather(options: &Options, session: &mut Session) -> Result<Gathered, Box<ConfigError>> {
    let mut disk = match &session.disk {
        Some(d) if !session.rescan => Arc::clone(d),
        _ => {
            let d = Arc::new(scan(options, session.cache.is_active())?);
            session.disk = session.cache.is_active().then(|| Arc::clone(&d));
            session.rescan = false;
            d
        }
    };
    // A run that keeps nothing takes the list and the texts it read instead of copying them.
    let owned = Arc::get_mut(&mut disk).map(|d| {
        (
            std::mem::take(&mut d.walk.candidates),
            std::mem::take(&mut d.reads),
        )
    });
    let (mut candidates, mut owned_reads) = match owned {
        Some((candidates, reads)) => (candidates, Some(reads)),
        None => (disk.walk.candidates.clone(), None),
    };
    add_overlay_candidates(&mut candidates, options);
    let files = candidates
        .into_iter()
        .map(|c| {
            let known = if options.overlay.contains_key(&c.rel) {
                None
            } else {
                match owned_reads.as_mut() {
                    Some(reads) => reads.remove(&c.rel),
                    None => disk.reads.get(&c.rel).cloned(),
                }
            };
            (c, known)
        })
        .collect();
    Ok(Gathered { disk, files })
}

/// Stage 2, parse: each file read (its editor buffer, the text already read, or the disk),
/// parsed and validated in parallel behind a panic boundary, or taken from `cache` when its
/// content has not changed; the cache then keeps this run's results.
fn parse_files(
    files: Vec<(Candidate, Option<DiskRead>)>,
    options: &Options,
    config: &Config,
    cache: &mut Cache,
    timings: &mut crate::timings::Timings,
) -> Vec<FileResult> {
    let limits = config.limits;
    let hashing = cache.is_active();
    let results: Vec<(String, FileResult)> = files
        .into_par_iter()
        .map(|(c, known)| {
            let read = match (options.overlay.get(&c.rel), known) {
                (Some(text), _) => discover::screen(&c.rel, text, limits.max_file_size).map(|()| {
                    let source = SourceFile::new(c.rel.clone(), c.path.clone(), text.clone());
                    let key = hashing.then(|| Key::of(c.format, text));
                    (source, key)
                }),
                (None, Some(Ok((source, key)))) => {
                    let key =
                        hashing.then(|| key.unwrap_or_else(|| Key::of(c.format, &source.text)));
                    Ok((source, key))
                }
                (None, Some(Err(d))) => Err(d),
                // Not read: it was open in the editor when the disk was read.
                (None, None) => discover::read(&c, limits.max_file_size).map(|s| {
                    let key = hashing.then(|| Key::of(c.format, &s.text));
                    (s, key)
                }),
            };
            let result = process_guarded(&c, config, read, cache);
            (c.rel, result)
        })
        .collect();
    timings.phase("files");
    if cache.is_active() {
        cache.finish(
            results
                .iter()
                .filter_map(|(rel, r)| {
                    Some(Fresh {
                        rel: rel.clone(),
                        key: r.key?,
                        parsed: Arc::clone(&r.parsed),
                        reused: r.reused,
                    })
                })
                .collect(),
        );
        timings.phase("cache write");
        timings.note(format_args!(
            "cache: {} reused, {} processed",
            cache.hits, cache.misses
        ));
    }
    results.into_iter().map(|(_, r)| r).collect()
}

/// Stage 3's output: the repository as one set of artifacts, with what the files said
/// about themselves.
struct Repository {
    sources: SourceMap,
    /// Every artifact, by file and then document.
    artifacts: Vec<Arc<Artifact>>,
    /// Suppression comments.
    directives: Vec<suppress::Directive>,
    /// What reading, parsing and validating the files and loading the configuration's
    /// catalogs and rules found.
    diagnostics: Vec<Diagnostic>,
    files_read: usize,
}

/// Stage 3, assemble: the files' results merged in a deterministic order, with the sources
/// of the configuration and of the user's catalogs and rules.
fn assemble(results: Vec<FileResult>, disk: &DiskState) -> Repository {
    let mut repository = Repository {
        sources: SourceMap::new(),
        artifacts: Vec::new(),
        directives: Vec::new(),
        diagnostics: disk.walk.diagnostics.clone(),
        files_read: 0,
    };
    if let Some(src) = &disk.config_source {
        repository.sources.insert(src.clone());
    }
    for r in results {
        repository.files_read += usize::from(r.source.is_some());
        if let Some(src) = r.source {
            repository.sources.insert(src);
        }
        repository
            .artifacts
            .extend(r.parsed.artifacts.iter().cloned());
        repository
            .directives
            .extend(r.parsed.directives.iter().cloned());
        repository.diagnostics.extend(cap(
            r.parsed.diagnostics.clone(),
            disk.config.limits.max_diagnostics_per_file,
        ));
    }
    repository
        .artifacts
        .sort_by(|a, b| (&a.file, a.document).cmp(&(&b.file, b.document)));
    for f in &disk.extension_sources {
        repository.sources.insert(f.clone());
    }
    repository
        .diagnostics
        .extend(disk.extensions.diagnostics.iter().cloned());
    repository
}

/// Stage 4, evaluate: the repository's findings so far, the configuration's code checks, and
/// what every rule that is not disabled finds, each rule behind its own panic boundary, over
/// the index and the compliance model built once for all of them.
fn evaluate(repository: &Repository, disk: &DiskState, options: &Options) -> Vec<Diagnostic> {
    let config = &disk.config;
    let extensions = &disk.extensions;
    let adjuster = Adjuster::new(config, &extensions.registry);
    let mut diagnostics = repository.diagnostics.clone();
    diagnostics.extend(crate::adjust::check_codes(
        config,
        &extensions.registry,
        &repository.sources,
    ));
    let index = Index::build(&repository.artifacts);
    let mut env =
        Env::new(&index, options.today, &extensions.catalogs).with_root(options.root.clone());
    env.snapshot = options.at.clone();
    env.history = config.history.enabled.then(|| {
        Arc::new(crate::git::Access::new(
            options.root.clone(),
            options.at.as_ref().map(|s| s.commit.clone()),
        ))
    });
    // Findings are located in the file of their subject: a run that reports only some files
    // evaluates only their subjects — unless the configuration file is among them, whose
    // configured suppressions are judged against every finding.
    let config_selected =
        only_selects(options, disk.config_source.as_ref().map(|s| s.rel.as_str()));
    if !config_selected {
        env.focus = options.only.clone();
    }
    if let Some(access) = &env.history {
        let rules = extensions
            .rules
            .rules
            .iter()
            .filter(|r| !adjuster.disabled_everywhere(&r.def.code));
        access.want(rules::eval::history_paths(rules, &env));
    }
    let rule_findings: Vec<Diagnostic> = extensions
        .rules
        .rules
        .par_iter()
        .filter(|r| !adjuster.disabled_everywhere(&r.def.code))
        .flat_map_iter(|r| contain_rule(&r.def.code, || rules::diagnose(r, &env)))
        .collect();
    diagnostics.extend(rule_findings);
    // What the history rules could not check, once (a run whose rules read no history says
    // nothing).
    diagnostics.extend(env.history.as_ref().and_then(|h| h.note()));
    diagnostics
}

/// Stage 5, settle: the configuration's severities and disabled codes, one finding per
/// defect, suppressions (comments and `[[suppress]]`), the selection of `options.only`,
/// and a deterministic order.
fn settle(
    diagnostics: Vec<Diagnostic>,
    mut directives: Vec<suppress::Directive>,
    sources: &SourceMap,
    disk: &DiskState,
    options: &Options,
) -> Vec<Diagnostic> {
    let config = &disk.config;
    let registry = &disk.extensions.registry;
    let adjuster = Adjuster::new(config, registry);
    let diagnostics: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter_map(|d| adjuster.apply(d))
        .collect();
    // One defect, one finding: a schema finding at a node a rule reports is dropped.
    let mut diagnostics = crate::supersede::apply(diagnostics, registry);
    crate::correspondence::relate(&mut diagnostics);

    let (configured, problems) = suppress::from_config(&config.suppress);
    directives.extend(configured);
    diagnostics.extend(problems);
    diagnostics = suppress::apply(diagnostics, &directives, options.today, registry, |d| {
        let l = d.location.as_ref()?;
        Some(sources.get(&l.file)?.line_col(l.span.start).line)
    });

    if let Some(only) = &options.only {
        // A finding that stops the run is reported whatever the selection: the verdict on
        // the selected files is incomplete without it.
        diagnostics.retain(|d| {
            registry.policy(&d.code).stops_run || d.file().is_some_and(|f| selected(f, only))
        });
    }
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// The catalogs, rules and registry of a repository: built-in ones plus the user's.
pub struct Extensions {
    pub catalogs: Catalogs,
    pub rules: RuleSet,
    pub registry: Registry,
    /// Problems loading the user's files.
    pub diagnostics: Vec<Diagnostic>,
}

/// Load the configuration of `root` and its catalogs and rules (for `rules`, `catalog`).
pub fn extensions(root: &Path) -> Result<(Extensions, SourceMap), Box<ConfigError>> {
    let loaded = load_config(root, None)?;
    let mut sources = SourceMap::new();
    let ext = load_extensions(root, None, &loaded.config, &mut sources);
    Ok((ext, sources))
}

/// Read `annexa.toml`. An unknown key that names a built-in rule parameter is told that it
/// belongs under `[params]` (the parameters are looked up only then).
fn load_config(
    root: &Path,
    at: Option<&crate::git::Snapshot>,
) -> Result<config::Loaded, Box<ConfigError>> {
    let params = || match rules::builtin() {
        Ok(set) => set.params.keys().cloned().collect(),
        Err(_) => Vec::new(),
    };
    let loaded = match at {
        None => config::load_knowing(root, &params),
        Some(snapshot) => match snapshot.read(config::FILE_NAME) {
            None => Ok(config::Loaded::default()),
            Some(bytes) => config::from_text(
                root.join(config::FILE_NAME),
                String::from_utf8_lossy(&bytes).into_owned(),
                &params,
            ),
        },
    };
    loaded.map_err(|e| {
        let (diagnostic, source) = *e;
        Box::new(ConfigError { diagnostic, source })
    })
}

/// Load the user's catalogs and rule files (`[catalogs] paths`, `[rules] paths`) on top of
/// the built-in ones.
fn load_extensions(
    root: &Path,
    at: Option<&crate::git::Snapshot>,
    config: &Config,
    sources: &mut SourceMap,
) -> Extensions {
    let mut diagnostics = Vec::new();
    let mut catalogs = catalog::builtin().clone().unwrap_or_else(|e| {
        diagnostics.push(Diagnostic::error(
            codes::INT001,
            format!("built-in catalogs: {e}"),
        ));
        Catalogs::default()
    });
    let mut rules = RuleSet::builtin_with(&config.params).unwrap_or_else(|e| {
        diagnostics.push(Diagnostic::error(
            codes::INT001,
            format!("built-in rules: {e}"),
        ));
        RuleSet::default()
    });
    let files = yaml_files_in(root, at, &config.catalogs.paths, &mut diagnostics);
    // Catalogs first: a crosswalk names requirements of catalogs loaded from any file.
    let (crosswalks, files): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|f| Crosswalk::is_crosswalk(&f.text));
    for file in files {
        match Catalogs::parse_located(&file.rel, &file.text) {
            Ok((c, at)) if catalog::is_builtin(&c.framework) => {
                diagnostics.push(builtin_framework_redefined(&c.framework, &file.rel, at));
            }
            Ok((c, at)) => {
                if let Err(e) = catalogs.insert(c) {
                    diagnostics.push(
                        Diagnostic::error(codes::CAT001, format!("invalid catalog: {e}"))
                            .at(file.rel.clone(), at)
                            .with_label("a second catalog of this framework")
                            .with_entity(None, Some(file.rel.clone())),
                    );
                }
            }
            Err(e) => diagnostics.push(invalid_file("catalog", &e, &file.rel)),
        }
        sources.insert(file);
    }
    for file in crosswalks {
        if let Err(e) =
            Crosswalk::parse(&file.rel, &file.text).and_then(|c| catalogs.insert_crosswalk(c))
        {
            diagnostics.push(invalid_file("crosswalk", &e, &file.rel));
        }
        sources.insert(file);
    }
    for file in yaml_files_in(root, at, &config.rules.paths, &mut diagnostics) {
        if let Err(errors) = rules.load_file(&file.rel, &file.text) {
            diagnostics.extend(errors);
        }
        sources.insert(file);
    }
    for name in rules.undeclared_params() {
        let known: Vec<&str> = rules
            .params
            .keys()
            .map(String::as_str)
            .filter(|k| *k != name)
            .collect();
        let mut d = Diagnostic::error(
            codes::CFG001,
            format!("unknown parameter `{name}` in `[params]`"),
        )
        .at(config::FILE_NAME, config::key_span(sources, name))
        .with_label("no rule file declares this parameter")
        .with_entity(None, Some(format!("params.{name}")));
        d = match crate::suggest::did_you_mean(name, known.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("known parameters: {}", known.join(", "))),
        };
        diagnostics.push(d);
    }
    let mut registry = rules::builtin_registry().clone();
    for meta in rules.metas() {
        // Built-in codes are already present; a user code colliding with one was
        // rejected when its rule file was loaded.
        let _ = registry.insert(meta);
    }
    Extensions {
        catalogs,
        rules,
        registry,
        diagnostics,
    }
}

/// A catalog or crosswalk file (`what`) that cannot be used: `CAT001` at its first line.
fn invalid_file(what: &str, problem: &str, file: &str) -> Diagnostic {
    Diagnostic::error(codes::CAT001, format!("invalid {what}: {problem}"))
        .at(file.to_string(), Span::at(0))
        .with_label("in this file")
        .with_help(format!("`docs/catalogs.md` documents the {what} format"))
        .with_entity(None, Some(file.to_string()))
}

/// A user catalog for a framework annexa has built in: an error at its `framework` value, not a
/// merge of two lists of the same framework's requirements.
fn builtin_framework_redefined(framework: &str, file: &str, at: Span) -> Diagnostic {
    Diagnostic::error(
        codes::CAT001,
        format!("invalid catalog: `{framework}` is a built-in catalog; this file would define it a second time"),
    )
    .at(file.to_string(), at)
    .with_label("built-in framework")
    .with_help(format!(
        "use the built-in catalog (`annexa catalog {framework}` lists it) and remove this file, or give your catalog a framework id of its own"
    ))
    .with_entity(None, Some(file.to_string()))
}

/// The `*.yaml` / `*.yml` files directly in the given directories (relative to `root`),
/// read with the usual bounds. A missing directory is a configuration problem.
fn yaml_files_in(
    root: &Path,
    at: Option<&crate::git::Snapshot>,
    dirs: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<SourceFile> {
    let mut out = Vec::new();
    for dir in dirs {
        let listed = match at {
            Some(snapshot) => snapshot
                .yaml_files(dir)
                .map(|files| files.iter().map(|f| root.join(f)).collect())
                .ok_or_else(|| std::io::Error::from_raw_os_error(2)),
            None => discover::yaml_files(&root.join(dir)),
        };
        let files = match listed {
            Ok(f) => f,
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error(
                        codes::CFG001,
                        format!(
                            "cannot read directory `{dir}` named in `{}`: {e}",
                            config::FILE_NAME
                        ),
                    )
                    .with_entity(None, Some(dir.clone())),
                );
                continue;
            }
        };
        for p in files {
            let Some(rel) = discover::relative(root, &p) else {
                continue;
            };
            let candidate = Candidate {
                path: p,
                rel,
                format: discover::Format::Yaml,
            };
            let read = match at {
                Some(snapshot) => crate::git::files::read(
                    snapshot,
                    &candidate,
                    crate::yaml::MAX_FILE_BYTES as u64,
                ),
                None => discover::read(&candidate, crate::yaml::MAX_FILE_BYTES as u64),
            };
            match read {
                Ok(f) => out.push(f),
                Err(d) => diagnostics.push(*d),
            }
        }
    }
    out
}

/// Does the run report findings in `file` (every file when `only` is not set)?
fn only_selects(options: &Options, file: Option<&str>) -> bool {
    match (&options.only, file) {
        (None, _) => true,
        (Some(only), Some(f)) => selected(f, only),
        (Some(_), None) => false,
    }
}

/// Keep at most `max` diagnostics of one file, and say how many were dropped.
fn cap(mut diags: Vec<Diagnostic>, max: usize) -> Vec<Diagnostic> {
    if diags.len() <= max {
        return diags;
    }
    diagnostic::sort(&mut diags);
    let dropped = diags.len() - max;
    let first = diags[0].clone();
    diags.truncate(max);
    let mut note = Diagnostic::new(
        codes::FILE005,
        Severity::Warning,
        format!("{dropped} more finding(s) in this file not shown (limit `limits.max_diagnostics_per_file` = {max})"),
    )
    .with_help("fix the findings shown first, or raise the limit in annexa.toml");
    note.location = first.location.map(|mut l| {
        l.span = Span::at(0);
        l
    });
    diags.push(note);
    diags
}

/// Buffers whose files are not on disk yet are candidates too.
fn add_overlay_candidates(candidates: &mut Vec<Candidate>, options: &Options) {
    let known: std::collections::HashSet<String> =
        candidates.iter().map(|c| c.rel.clone()).collect();
    for rel in options.overlay.keys() {
        let path = options.root.join(rel);
        // A file on disk that the walk did not return is excluded or ignored: its buffer is
        // not checked either.
        if known.contains(rel) || path.exists() {
            continue;
        }
        if let Some(format) = discover::Format::of(&path) {
            candidates.push(Candidate {
                path,
                rel: rel.clone(),
                format,
            });
        }
    }
    candidates.sort_by(|a, b| a.rel.cmp(&b.rel));
}

/// A candidate's text and cache key (when caching), or why it could not be read.
type Read = Result<(SourceFile, Option<Key>), Box<Diagnostic>>;

fn process_guarded(c: &Candidate, config: &Config, read: Read, cache: &Cache) -> FileResult {
    contain(&c.rel, || process(c, config, read, cache))
}

/// Run the work for one file behind a panic boundary: a bug that one file triggers becomes an
/// `INT001` diagnostic for that file (with the panic's message) instead of ending the run.
fn contain(rel: &str, work: impl FnOnce() -> FileResult) -> FileResult {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(r) => r,
        Err(payload) => FileResult {
            parsed: Arc::new(Processed {
                diagnostics: vec![
                    Diagnostic::error(
                        codes::INT001,
                        format!(
                            "internal error while checking `{rel}`: {}",
                            panic_message(payload.as_ref())
                        ),
                    )
                    .at(rel.to_string(), Span::at(0))
                    .with_help("this is a bug in annexa; please report it with this file attached")
                    .with_entity(None, Some(rel.to_string())),
                ],
                ..Processed::default()
            }),
            ..FileResult::default()
        },
    }
}

/// Run one rule behind a panic boundary: a bug in one rule becomes an `INT001` diagnostic
/// naming it, and the other rules' findings are still reported.
fn contain_rule(code: &str, work: impl FnOnce() -> Vec<Diagnostic>) -> Vec<Diagnostic> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        vec![
            Diagnostic::error(
                codes::INT001,
                format!(
                    "internal error in rule `{code}`: {}",
                    panic_message(payload.as_ref())
                ),
            )
            .with_help("this is a bug in annexa; please report it with the repository")
            .with_entity(None, Some(code.to_string())),
        ]
    })
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn process(c: &Candidate, config: &Config, read: Read, cache: &Cache) -> FileResult {
    let (source, key) = match read {
        Ok(read) => read,
        Err(d) => {
            return FileResult {
                parsed: Arc::new(Processed {
                    diagnostics: vec![*d],
                    ..Processed::default()
                }),
                ..FileResult::default()
            };
        }
    };
    if let Some(hit) = key.as_ref().and_then(|k| cache.get(&c.rel, k)) {
        return FileResult {
            source: Some(source),
            parsed: hit,
            key,
            reused: true,
        };
    }
    let parsed = parse::parse(&source, c.format, &config.limits.yaml());
    let mut diagnostics = parsed.diagnostics;
    for a in &parsed.artifacts {
        diagnostics.extend(validate::validate(a));
    }
    let yaml_comments: Vec<(Span, String)> = parsed
        .comments
        .iter()
        .map(|c| (c.span, c.text.clone()))
        .collect();
    let (mut directives, problems) = suppress::from_comments(&source, &yaml_comments, false);
    diagnostics.extend(problems);
    let html: Vec<(Span, String)> = parsed
        .html_comments
        .iter()
        .map(|c| (c.span, c.text.clone()))
        .collect();
    let (file_wide, problems) = suppress::from_comments(&source, &html, true);
    directives.extend(file_wide);
    diagnostics.extend(problems);
    FileResult {
        source: Some(source),
        parsed: Arc::new(Processed {
            artifacts: parsed.artifacts.into_iter().map(Arc::new).collect(),
            diagnostics,
            directives,
        }),
        key,
        reused: false,
    }
}

/// Does any finding reach `threshold`?
pub(crate) fn fails(diags: &[Diagnostic], threshold: Severity) -> bool {
    diags.iter().any(|d| d.severity >= threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_by_file_and_directory() {
        let only = vec!["controls".to_string(), "soa.yaml".to_string()];
        assert!(selected("controls/a.yaml", &only));
        assert!(selected("soa.yaml", &only));
        assert!(!selected("controls-old/a.yaml", &only));
        assert!(!selected("risks/r.yaml", &only));
        assert!(selected("anything", &[String::new()]));
    }

    #[test]
    fn a_panic_is_contained_to_its_rule() {
        let d = contain_rule("ORG001", || panic!("no such field"));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, codes::INT001);
        assert!(d[0].message.contains("`ORG001`"), "{}", d[0].message);
        assert!(d[0].message.contains("no such field"), "{}", d[0].message);
        let ok = contain_rule("ORG002", Vec::new);
        assert!(ok.is_empty());
    }

    #[test]
    fn a_panic_is_contained_to_its_file() {
        let r = contain("boom.yaml", || panic!("index out of range"));
        assert!(r.source.is_none());
        let d = &r.parsed.diagnostics[0];
        assert_eq!(d.code, codes::INT001);
        assert_eq!(d.file(), Some("boom.yaml"));
        assert!(d.message.contains("index out of range"), "{}", d.message);
        let ok = contain("fine.yaml", FileResult::default);
        assert!(ok.parsed.diagnostics.is_empty());
    }

    #[test]
    fn cap_keeps_the_first_and_says_how_many_were_dropped() {
        let diags: Vec<_> = (0..5)
            .map(|i| Diagnostic::error("X", format!("d{i}")).at("f.yaml", Span::new(i, i + 1)))
            .collect();
        let capped = cap(diags, 2);
        assert_eq!(capped.len(), 3);
        assert!(capped[2].message.starts_with("3 more finding(s)"));
    }
}
