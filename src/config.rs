//! `annexa.toml`: the repository's configuration.
//!
//! Every key is documented in the README ("Configuration"). The file is parsed with
//! `deny_unknown_fields`, so an unknown key is a `CFG001` diagnostic at the key itself, and a
//! bad value one at the value — never a silently ignored setting.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};
use crate::yaml::Limits;

mod keys;

/// The configuration file's name, at the repository root.
pub const FILE_NAME: &str = "annexa.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub files: FilesConfig,
    #[serde(default)]
    pub check: CheckConfig,
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub catalogs: CatalogsConfig,
    #[serde(default)]
    pub cache: CacheConfig,
    #[serde(default)]
    pub history: HistoryConfig,
    /// Per-path changes to the rules: `[[overrides]]`.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// Values of rule parameters (`$name` in rule files), e.g. `evidence_validity = "1y"`.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, serde_json::Value>,
    /// Suppressions with accountability: `[[suppress]]`.
    #[serde(default)]
    pub suppress: Vec<toml::Spanned<Suppression>>,
}

/// `[rules]`: extra rule files, and which rules run at what severity.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Directories (relative to the root) whose `*.yaml` rule files are loaded.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Codes, or code prefixes (`AI`, `EVD00`), of rules that do not run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity per code or code prefix; the longest matching prefix wins.
    #[serde(default)]
    pub severity: std::collections::BTreeMap<String, SeverityName>,
}

/// `[catalogs]`: extra catalog files.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogsConfig {
    /// Directories (relative to the root) whose `*.yaml` catalog files are loaded.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// `[[overrides]]`: rule changes for files matching some globs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Globs of repository-relative paths the override applies to.
    pub paths: Vec<String>,
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub severity: std::collections::BTreeMap<String, SeverityName>,
}

/// `[[suppress]]`: a finding accepted on purpose, with who decided, why, and until when.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// The code (or code prefix) suppressed.
    pub code: String,
    /// Glob of the files it applies to (default: every file).
    #[serde(default)]
    pub path: Option<String>,
    /// Only findings about this artifact id.
    #[serde(default)]
    pub artifact: Option<String>,
    /// Why the finding is accepted. Required.
    #[serde(default)]
    pub reason: Option<String>,
    /// Who is accountable for the decision. Required.
    #[serde(default)]
    pub owner: Option<String>,
    /// The last day the suppression holds (YYYY-MM-DD). After it, it is itself a finding.
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Note,
    /// Disable the rule.
    Off,
}

impl SeverityName {
    /// `None` for `off`.
    pub(crate) fn severity(self) -> Option<Severity> {
        match self {
            SeverityName::Error => Some(Severity::Error),
            SeverityName::Warning => Some(Severity::Warning),
            SeverityName::Note => Some(Severity::Note),
            SeverityName::Off => None,
        }
    }
}

/// `[files]`: which files are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// Globs (relative to the root) of files to read; empty means every YAML and Markdown file.
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs of files never to read (in addition to `.gitignore` and hidden files).
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[cache]`: the result cache of `annexa check` (`docs/cache.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    /// Keep per-file results between runs (`--no-cache` turns it off for one run).
    pub enabled: bool,
    /// The cache folder, relative to the repository root.
    pub dir: String,
}

/// `[history]`: whether the history rules read the git history (`docs/history.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HistoryConfig {
    /// Read the history of the git repository around the root (`DOC015`, `DOC016`,
    /// `EVD008`). Turn it off for a repository whose git history is not its own (an example
    /// kept inside another project).
    pub enabled: bool,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig { enabled: true }
    }
}

/// The default cache folder, relative to the repository root.
pub(crate) const DEFAULT_CACHE_DIR: &str = ".annexa-cache";

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: true,
            dir: DEFAULT_CACHE_DIR.to_string(),
        }
    }
}

/// `[check]`: defaults for `annexa check`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Lowest severity that makes the run fail (`--fail-on` overrides it).
    #[serde(default)]
    pub fail_on: Option<FailOn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

impl FailOn {
    pub(crate) fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Note => Severity::Note,
        }
    }
}

/// `[limits]`: resource bounds for hostile or accidental input.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Deepest nesting of YAML collections.
    pub max_depth: usize,
    /// Most nodes alias expansion may produce in one document.
    pub max_alias_nodes: usize,
    /// Most diagnostics reported for one file (the rest are summarised in one more).
    pub max_diagnostics_per_file: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let yaml = Limits::default();
        LimitsConfig {
            max_file_size: crate::yaml::MAX_FILE_BYTES as u64,
            max_depth: yaml.max_depth,
            max_alias_nodes: yaml.max_alias_nodes,
            max_diagnostics_per_file: 200,
        }
    }
}

impl LimitsConfig {
    pub(crate) fn yaml(&self) -> Limits {
        Limits {
            max_depth: self.max_depth,
            max_alias_nodes: self.max_alias_nodes,
        }
    }
}

/// A configuration that was read, with where it came from.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    /// The file, when there is one (for diagnostics and for SARIF's repository-level results).
    pub source: Option<SourceFile>,
}

/// Read `annexa.toml` in `root`, if present. A syntax error, unknown key or bad value is
/// returned as a `CFG001` diagnostic located in the file.
pub fn load(root: &Path) -> Result<Loaded, Box<(Diagnostic, Option<SourceFile>)>> {
    load_knowing(root, &Vec::new)
}

/// [`load`], naming the rule parameters that exist (asked only when a key is unknown), so
/// that a parameter written outside `[params]` is told where it belongs.
pub(crate) fn load_knowing(
    root: &Path,
    params: &dyn Fn() -> Vec<String>,
) -> Result<Loaded, Box<(Diagnostic, Option<SourceFile>)>> {
    let path: PathBuf = root.join(FILE_NAME);
    if !path.is_file() {
        return Ok(Loaded::default());
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(codes::CFG001, format!("cannot read `{FILE_NAME}`: {e}"));
            return Err(Box::new((d, None)));
        }
    };
    from_text(path, text, params)
}

/// [`load_knowing`] of a text already read (`--at` reads it from a commit).
pub(crate) fn from_text(
    path: PathBuf,
    text: String,
    params: &dyn Fn() -> Vec<String>,
) -> Result<Loaded, Box<(Diagnostic, Option<SourceFile>)>> {
    let source = SourceFile::new(FILE_NAME, path, text);
    match parse_knowing(&source.text, params) {
        Ok(config) => Ok(Loaded {
            config,
            source: Some(source),
        }),
        Err(d) => Err(Box::new((*d, Some(source)))),
    }
}

/// Parse the text of an `annexa.toml`.
pub fn parse(text: &str) -> Result<Config, Box<Diagnostic>> {
    parse_knowing(text, &Vec::new)
}

fn parse_knowing(text: &str, params: &dyn Fn() -> Vec<String>) -> Result<Config, Box<Diagnostic>> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let d = to_diagnostic(&e, text);
        Box::new(keys::explain(d, &e, text, params))
    })?;
    validate(&config, text)?;
    Ok(config)
}

fn to_diagnostic(e: &toml::de::Error, text: &str) -> Diagnostic {
    let span = e
        .span()
        .map(|r| Span::new(r.start, r.end))
        .unwrap_or_else(|| Span::at(0));
    // toml's message is multi-line with its own snippet; keep only the first line.
    let message = e
        .message()
        .lines()
        .next()
        .unwrap_or("invalid configuration")
        .trim();
    let message = message.trim_end_matches('.').to_string();
    let label = if message.starts_with("unknown field") {
        "unknown key"
    } else if message.starts_with("unknown variant") || message.starts_with("invalid") {
        "invalid value"
    } else {
        "here"
    };
    Diagnostic::error(codes::CFG001, format!("invalid `{FILE_NAME}`: {message}"))
        .at(FILE_NAME, clamp(span, text))
        .with_label(label)
}

fn clamp(span: Span, text: &str) -> Span {
    Span::new(span.start.min(text.len()), span.end.min(text.len()))
}

/// Checks that serde cannot express: globs compile, limits are positive.
fn validate(config: &Config, text: &str) -> Result<(), Box<Diagnostic>> {
    let globs = config.files.include.iter().chain(&config.files.exclude);
    for glob in globs.chain(config.overrides.iter().flat_map(|o| &o.paths)) {
        if let Err(e) = globset::Glob::new(glob) {
            return Err(Box::new(
                Diagnostic::error(
                    codes::CFG001,
                    format!("invalid glob `{glob}`: {}", e.kind()),
                )
                .at(FILE_NAME, find_value(text, glob))
                .with_label("not a valid glob"),
            ));
        }
    }
    let l = &config.limits;
    for (key, value) in [
        ("max_file_size", l.max_file_size as usize),
        ("max_depth", l.max_depth),
        ("max_alias_nodes", l.max_alias_nodes),
        ("max_diagnostics_per_file", l.max_diagnostics_per_file),
    ] {
        if value == 0 {
            return Err(Box::new(
                Diagnostic::error(
                    codes::CFG001,
                    format!("`limits.{key}` must be greater than 0"),
                )
                .at(FILE_NAME, find_key(text, key))
                .with_label("must be positive"),
            ));
        }
    }
    Ok(())
}

/// The span of a quoted string value in the file (best effort: the first occurrence).
fn find_value(text: &str, value: &str) -> Span {
    for quote in ['"', '\''] {
        let needle = format!("{quote}{value}{quote}");
        if let Some(i) = text.find(&needle) {
            return Span::new(i, i + needle.len());
        }
    }
    Span::at(0)
}

/// The span of a code or other name written in `annexa.toml`: as a quoted string value
/// (`disable = ["EVD001"]`), else as a key at the start of a line (`EVD001 = "warning"`).
pub(crate) fn value_span(text: &str, name: &str) -> Span {
    let quoted = find_value(text, name);
    if quoted != Span::at(0) || text.starts_with(['"', '\'']) {
        return quoted;
    }
    find_key(text, name)
}

/// The span of `key` in the loaded `annexa.toml`, if it is among the sources.
pub(crate) fn key_span(sources: &crate::source::SourceMap, key: &str) -> Span {
    sources
        .get(FILE_NAME)
        .map(|f| find_key(&f.text, key))
        .unwrap_or_else(|| Span::at(0))
}

/// The span of a key at the start of a line (best effort).
fn find_key(text: &str, key: &str) -> Span {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(key) && trimmed[key.len()..].trim_start().starts_with('=') {
            let start = offset + (line.len() - trimmed.len());
            return Span::new(start, start + key.len());
        }
        offset += line.len();
    }
    Span::at(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_default() {
        let c = parse("").unwrap();
        assert!(c.files.include.is_empty());
        assert_eq!(c.limits.max_depth, 256);
    }

    #[test]
    fn unknown_key_points_at_key() {
        let text = "[files]\nexclude = [\"vendor/**\"]\nexlcude = []\n";
        let d = parse(text).unwrap_err();
        let span = d.location.unwrap().span;
        assert_eq!(&text[span.range()], "exlcude");
        assert!(d.message.contains("unknown field"), "{}", d.message);
    }

    #[test]
    fn bad_value_points_at_value() {
        let text = "[check]\nfail_on = \"sometimes\"\n";
        let d = parse(text).unwrap_err();
        let span = d.location.unwrap().span;
        assert_eq!(&text[span.range()], "\"sometimes\"");
    }

    #[test]
    fn bad_glob_and_zero_limit() {
        let d = parse("[files]\nexclude = [\"a/[\"]\n").unwrap_err();
        assert!(d.message.contains("invalid glob"));
        let text = "[limits]\nmax_depth = 0\n";
        let d = parse(text).unwrap_err();
        assert_eq!(&text[d.location.unwrap().span.range()], "max_depth");
    }
}
