//! `annexa dump FILE`: the JSON value(s) annexa reads from any YAML file, or from a
//! Markdown file's front matter. One document per line (compact JSON); `--pretty` indents;
//! `--spans` wraps each document as `{"value": …, "spans": {pointer: {key, value}}}` with
//! `line:column-line:column` ranges. Syntax errors go to stderr and the exit code is 1.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::config::LimitsConfig;
use crate::diagnostic::Diagnostic;
use crate::discover::Format;
use crate::source::{SourceFile, SourceMap, Span};
use crate::{markdown, yaml};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A YAML file, or a Markdown file with front matter.
    file: PathBuf,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
    /// Add each node's key and value positions (`line:column-line:column`).
    #[arg(long)]
    spans: bool,
    /// When to use colour in diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: super::ColorChoice,
}

pub(super) fn run(args: Args) -> u8 {
    let limits = LimitsConfig::default();
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => return super::usage_error(format!("cannot read `{}`: {e}", args.file.display())),
    };
    if bytes.len() as u64 > limits.max_file_size {
        return super::usage_error(format!(
            "`{}` is larger than {} bytes",
            args.file.display(),
            limits.max_file_size
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) if !t.contains('\0') => t,
        _ => {
            return super::usage_error(format!(
                "`{}` is not a UTF-8 text file",
                args.file.display()
            ));
        }
    };
    let name = args.file.display().to_string();
    let source = SourceFile::new(name.clone(), args.file.clone(), text);
    let loaded = match Format::of(&args.file) {
        Some(Format::Markdown) => markdown::parse(&source.text, &limits.yaml()).yaml,
        _ => yaml::load(&source.text, &limits.yaml()),
    };
    let (out, errors) = render(&source, &loaded, args.pretty, args.spans);
    print!("{out}");
    if errors.is_empty() {
        return 0;
    }
    let mut sources = SourceMap::new();
    sources.insert(source);
    eprint!(
        "{}",
        super::check::human(&errors, &sources, args.color.enabled())
    );
    1
}

/// The stdout text of `dump`, and the diagnostics for stderr.
pub(super) fn render(
    source: &SourceFile,
    loaded: &yaml::Loaded,
    pretty: bool,
    spans: bool,
) -> (String, Vec<Diagnostic>) {
    let mut out = String::new();
    for doc in loaded.documents.iter().filter(|d| d.ok) {
        let value = if spans {
            json!({ "value": doc.value, "spans": span_map(source, doc) })
        } else {
            doc.value.clone()
        };
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        };
        out.push_str(&text.unwrap_or_default());
        out.push('\n');
    }
    let errors = loaded
        .errors
        .iter()
        .map(|e| crate::parse::yaml_diagnostic(e, &source.rel))
        .collect();
    (out, errors)
}

fn span_map(source: &SourceFile, doc: &yaml::Document) -> Value {
    let range = |s: Span| {
        let a = source.line_col(s.start);
        let b = source.line_col(s.end);
        format!("{}:{}-{}:{}", a.line, a.column, b.line, b.column)
    };
    let mut map = Map::new();
    for (pointer, s) in doc.spans.sorted() {
        let mut entry = Map::new();
        if let Some(k) = s.key {
            entry.insert("key".into(), range(k).into());
        }
        entry.insert("value".into(), range(s.value).into());
        map.insert(pointer.to_string(), Value::Object(entry));
    }
    Value::Object(map)
}
