//! `annexa audit-pack [PATH] -o DIR|FILE.zip`: the audit pack (`src/pack`), written as a
//! directory or a zip file. This front end does the reading the pack needs: the evidence
//! files it hashes (only inside the repository, as the `file` function allows) and the
//! commit, from git.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::check::{self, OutputFormat};
use super::coverage::{Loaded, Repository};
use crate::coverage;
use crate::discover;
use crate::pack::{self, File, Revision, evidence::Located};
use crate::rules::files;
use crate::rules::functions::file::FileCheck;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The repository and the day the pack is made for: evidence freshness is judged on
    /// it, and it dates the pack.
    #[command(flatten)]
    repository: Repository,
    /// Where to write the pack: a directory (created if missing, or an earlier pack's), or
    /// a file whose name ends in `.zip`.
    #[arg(long, short)]
    output: PathBuf,
}

pub(super) fn run(args: Args) -> u8 {
    let loaded = match Loaded::load(&args.repository) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let input = loaded.input();
    let model = coverage::build(&input);
    let root = loaded.outcome.root.clone();
    // The findings exactly as `annexa check` reports them, paths as the git checkout names them.
    let prefix = crate::discover::checkout_prefix(&root);
    let ctx = check::context(&loaded.outcome).with_path_prefix(&prefix);
    let findings = |format| check::render(format, &loaded.outcome.diagnostics, &ctx, false);
    let files = pack::assemble(pack::Input {
        coverage: &model,
        evidence: pack::evidence::index(&input, |location| match &loaded.options.at {
            Some(snapshot) => locate_in(snapshot, &root, location),
            None => locate(&root, location),
        }),
        findings_json: findings(OutputFormat::Json),
        findings_sarif: findings(OutputFormat::Sarif),
        calendar: super::due::render(&loaded, None, super::due::Format::Ics),
        oscal_components: super::oscal::render(&loaded, super::oscal::Model::ComponentDefinition),
        oscal_results: super::oscal::render(&loaded, super::oscal::Model::AssessmentResults),
        revision: match &loaded.options.at {
            Some(snapshot) => Revision::Commit {
                id: snapshot.commit.id.to_string(),
                uncommitted_changes: false,
            },
            None => revision(&root, &args.output),
        },
        tool_version: env!("CARGO_PKG_VERSION"),
    });
    let files = match files {
        Ok(f) => f,
        Err(e) => return super::usage_error(e),
    };
    loaded.note_errors("pack");
    let zip = args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    let written = if zip {
        pack::zip::archive(&files, loaded.options.today)
            .and_then(|bytes| crate::baseline::write_bytes_atomic(&args.output, &bytes, true))
    } else {
        write_dir(&args.output, &files)
    };
    match written {
        Ok(()) => {
            eprintln!("wrote the audit pack `{}`", args.output.display());
            super::coverage::exit_code(&loaded, 0)
        }
        Err(e) => super::usage_error(e),
    }
}

/// What an evidence record's `location` leads to: a URL, a file of the repository (hashed),
/// or a problem. Paths that leave the repository are never opened.
fn locate(root: &Path, location: &str) -> Located {
    if files::is_url(location) {
        return Located::Url;
    }
    if let Some(problem) = files::check(location, FileCheck::Exists, Some(root), None) {
        return Located::Problem(problem.label);
    }
    let path = root.join(location);
    if !path.is_file() {
        return Located::Problem("not a file".into());
    }
    match std::fs::File::open(&path).and_then(pack::sha256_of) {
        Ok((sha256, bytes)) => Located::File { sha256, bytes },
        Err(e) => Located::Problem(format!("cannot be read: {e}")),
    }
}

/// [`locate`] in the files of a commit (`--at`).
fn locate_in(snapshot: &crate::git::Snapshot, root: &Path, location: &str) -> Located {
    if files::is_url(location) {
        return Located::Url;
    }
    if let Some(problem) = files::check(location, FileCheck::Exists, Some(root), Some(snapshot)) {
        return Located::Problem(problem.label);
    }
    let read = crate::git::snapshot::normalise("", location).and_then(|p| snapshot.read(&p));
    match read {
        Some(bytes) => match pack::sha256_of(bytes.as_slice()) {
            Ok((sha256, bytes)) => Located::File { sha256, bytes },
            Err(e) => Located::Problem(format!("cannot be read: {e}")),
        },
        None => Located::Problem("not a file".into()),
    }
}

/// The commit the repository is at, and whether its files differ from it (the pack's own
/// output, when it is inside the repository, not counted).
fn revision(root: &Path, output: &Path) -> Revision {
    let git = |args: &[&str]| -> Option<(bool, String)> {
        let o = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        Some((
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).trim().to_string(),
        ))
    };
    let unknown = |reason: &str| Revision::Unknown {
        reason: reason.to_string(),
    };
    match git(&["rev-parse", "--is-inside-work-tree"]) {
        None => return unknown("git is not installed: the commit is not known"),
        Some((true, out)) if out == "true" => {}
        Some(_) => return unknown("not a git checkout"),
    }
    let Some((true, id)) = git(&["rev-parse", "--verify", "--quiet", "HEAD"]) else {
        return unknown("a git checkout without a commit yet");
    };
    let mut status = vec![
        "status".to_string(),
        "--porcelain".into(),
        "--untracked-files=all".into(),
        "--".into(),
        ".".into(),
    ];
    if let Some(rel) = discover::relative(root, output).filter(|r| !r.is_empty()) {
        status.push(format!(":(exclude){rel}"));
    }
    let status: Vec<&str> = status.iter().map(String::as_str).collect();
    let uncommitted_changes = match git(&status) {
        Some((true, out)) => !out.is_empty(),
        _ => true,
    };
    Revision::Commit {
        id,
        uncommitted_changes,
    }
}

/// Write the pack's files into `dir`: a new or empty directory, or an earlier pack (every
/// file in it is one its manifest lists), whose files are replaced. The manifest is written
/// last.
fn write_dir(dir: &Path, files: &[File]) -> Result<(), String> {
    let shown = dir.display();
    let earlier = if dir.exists() {
        if !dir.is_dir() {
            return Err(format!("`{shown}` exists and is not a directory"));
        }
        earlier_pack(dir)?
    } else {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{shown}`: {e}"))?;
        Vec::new()
    };
    let (manifest, rest): (Vec<&File>, Vec<&File>) =
        files.iter().partition(|f| f.path == pack::MANIFEST);
    for f in rest.into_iter().chain(manifest) {
        crate::baseline::write_bytes_atomic(&dir.join(f.path), &f.bytes, true)?;
    }
    for old in earlier {
        if !files.iter().any(|f| f.path == old) {
            std::fs::remove_file(dir.join(&old))
                .map_err(|e| format!("cannot remove `{old}` of the earlier pack: {e}"))?;
        }
    }
    Ok(())
}

/// The files of the earlier pack in `dir` (none when it is empty); an error when `dir` holds
/// anything else.
fn earlier_pack(dir: &Path) -> Result<Vec<String>, String> {
    let shown = dir.display();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("cannot read `{shown}`: {e}"))? {
        let entry = entry.map_err(|e| format!("cannot read `{shown}`: {e}"))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    if names.is_empty() {
        return Ok(names);
    }
    let refuse = |why: &str| {
        Err(format!(
            "refusing to write into `{shown}`: {why}; give an empty or new directory"
        ))
    };
    let Ok(text) = std::fs::read_to_string(dir.join(pack::MANIFEST)) else {
        return refuse("it is not empty and holds no audit pack manifest");
    };
    let listed: Vec<String> = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v.get("files")?
                .as_array()?
                .iter()
                .map(|f| f.get("path")?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if listed.is_empty() {
        return refuse("its `manifest.json` is not an audit pack's");
    }
    if let Some(other) = names
        .iter()
        .find(|n| n.as_str() != pack::MANIFEST && !listed.contains(n))
    {
        return refuse(&format!("`{other}` is not part of the earlier audit pack"));
    }
    Ok(listed
        .into_iter()
        .filter(|n| names.contains(n) && !n.contains(['/', '\\']) && n != "..")
        .collect())
}
