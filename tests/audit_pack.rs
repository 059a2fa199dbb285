//! `annexa audit-pack`: byte-identical packs from the same repository state, in a directory
//! and as a zip (read back with Python's zipfile); on every fixture, each file checked by its
//! reader — the findings equal to `annexa check`'s, the coverage page to `annexa coverage`'s,
//! the spreadsheet opened with openpyxl, the hashes recomputed; the commit from git; evidence
//! files hashed only inside the repository.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Run annexa with string arguments and paths; its output (any exit code).
fn run(args: &[&OsStr]) -> std::process::Output {
    common::annexa(args)
}

/// Make the pack of `repo` as of the fixtures' day at `out`; exit code 0 required.
fn pack(repo: &Path, out: &Path) {
    common::annexa_ok(&["audit-pack"], repo, &[OsStr::new("-o"), out.as_os_str()]);
}

/// The standard output of another annexa command on `repo` as of the fixtures' day.
fn output_of(command: &[&str], repo: &Path) -> Vec<u8> {
    let mut args: Vec<&OsStr> = command.iter().map(OsStr::new).collect();
    args.extend([
        repo.as_os_str(),
        OsStr::new("--today"),
        OsStr::new(common::TODAY),
    ]);
    run(&args).stdout
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const FILES: [&str; 9] = [
    "calendar.ics",
    "coverage.html",
    "evidence.json",
    "findings.json",
    "findings.sarif",
    "manifest.json",
    "oscal-assessment-results.json",
    "oscal-component-definition.json",
    "soa.xlsx",
];

/// The entries of a zip as Python's zipfile reads them: name, date, mode and SHA-256.
const READ_ZIP: &str = r#"
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([{"name": i.filename, "date": list(i.date_time), "mode": (i.external_attr >> 16) & 0o777,
                   "sha256": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()]))
"#;

#[test]
fn the_same_repository_gives_byte_identical_packs() {
    let dir = tempfile::tempdir().unwrap();
    let repo = common::fixture("example-org");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let (za, zb) = (dir.path().join("a.zip"), dir.path().join("b.zip"));
    for out in [&a, &b, &za, &zb] {
        pack(&repo, out);
    }
    assert_eq!(common::files(&a), FILES);
    for f in FILES {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(std::fs::read(&za).unwrap(), std::fs::read(&zb).unwrap());
    // The zip holds exactly the directory's files, dated the day, in path order.
    let entries: Value =
        serde_json::from_str(&common::python(READ_ZIP, &[za.as_path()])).expect("JSON");
    let entries = entries.as_array().unwrap();
    let names: Vec<&str> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, FILES);
    for e in entries {
        let name = e["name"].as_str().unwrap();
        assert_eq!(
            e["date"],
            serde_json::json!([2026, 11, 22, 0, 0, 0]),
            "{name}"
        );
        assert_eq!(e["mode"], 0o644, "{name}");
        assert_eq!(
            e["sha256"],
            sha256(&std::fs::read(a.join(name)).unwrap()),
            "{name}"
        );
    }
    // Writing over an earlier pack gives the same files again.
    pack(&repo, &a);
    for f in FILES {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// The workbooks given, as openpyxl opens them: their sheet names.
const READ_XLSX: &str = r#"
import json, sys, openpyxl
print(json.dumps([openpyxl.load_workbook(p).sheetnames for p in sys.argv[1:]]))
"#;

#[test]
fn every_fixture_gives_a_pack_every_reader_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let mut books: Vec<PathBuf> = Vec::new();
    for name in common::fixture_names() {
        let repo = common::fixture(&name);
        let out = dir.path().join(&name);
        pack(&repo, &out);
        assert_eq!(common::files(&out), FILES, "{name}");
        let read = |f: &str| std::fs::read(out.join(f)).unwrap();
        // The findings are `annexa check`'s own, the page `annexa coverage`'s.
        let check = |format| output_of(&["check", "--no-cache", "--format", format], &repo);
        assert_eq!(read("findings.json"), check("json"), "{name}");
        assert_eq!(read("findings.sarif"), check("sarif"), "{name}");
        let sarif = json(&out.join("findings.sarif"));
        assert_eq!(sarif["version"], "2.1.0", "{name}");
        assert_eq!(
            read("coverage.html"),
            output_of(&["coverage", "--format", "html"], &repo),
            "{name}"
        );
        // The calendar and the OSCAL exports are `annexa due`'s and `annexa oscal`'s.
        assert_eq!(
            read("calendar.ics"),
            output_of(&["due", "--format", "ics"], &repo),
            "{name}"
        );
        for model in ["assessment-results", "component-definition"] {
            let file = format!("oscal-{model}.json");
            assert_eq!(read(&file), output_of(&["oscal", model], &repo), "{name}");
        }
        // The manifest lists every other file with its size and hash.
        let manifest = json(&out.join("manifest.json"));
        assert_eq!(manifest["made_for"], common::TODAY, "{name}");
        let listed: Vec<&str> = manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let path = f["path"].as_str().unwrap();
                let bytes = read(path);
                assert_eq!(f["bytes"], bytes.len(), "{name}/{path}");
                assert_eq!(f["sha256"], sha256(&bytes), "{name}/{path}");
                path
            })
            .collect();
        let others: Vec<&str> = FILES
            .into_iter()
            .filter(|f| *f != "manifest.json")
            .collect();
        assert_eq!(listed, others, "{name}");
        // Each hashed evidence file is the file in the repository.
        let index = json(&out.join("evidence.json"));
        for e in index["evidence"].as_array().unwrap() {
            if let Some(hash) = e["sha256"].as_str() {
                let file = repo.join(e["location"].as_str().unwrap());
                assert_eq!(hash, sha256(&std::fs::read(&file).unwrap()), "{name}: {e}");
            }
        }
        books.push(out.join("soa.xlsx"));
    }
    let paths: Vec<&Path> = books.iter().map(PathBuf::as_path).collect();
    let sheets: Value = serde_json::from_str(&common::python(READ_XLSX, &paths)).expect("JSON");
    for (name, sheets) in common::fixture_names()
        .iter()
        .zip(sheets.as_array().unwrap())
    {
        assert!(!sheets.as_array().unwrap().is_empty(), "{name}");
    }
}

fn git(repo: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

#[test]
fn the_manifest_names_the_commit_and_says_when_files_differ_from_it() {
    let (_dir, repo) = common::fixture_copy("example-org");
    let out = repo.parent().unwrap().join("pack");
    pack(&repo, &out);
    let repository = &json(&out.join("manifest.json"))["repository"];
    assert_eq!(repository["commit"], Value::Null);
    assert_eq!(repository["note"], "not a git checkout");

    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "example"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    // The pack written inside the repository does not count as a change.
    let inside = repo.join("audit-pack");
    for _ in 0..2 {
        pack(&repo, &inside);
        let repository = &json(&inside.join("manifest.json"))["repository"];
        assert_eq!(repository["commit"], head.as_str());
        assert_eq!(repository["uncommitted_changes"], false);
        assert_eq!(repository["note"], Value::Null);
    }
    std::fs::write(repo.join("notes.md"), "draft\n").unwrap();
    pack(&repo, &out);
    let repository = &json(&out.join("manifest.json"))["repository"];
    assert_eq!(repository["commit"], head.as_str());
    assert_eq!(repository["uncommitted_changes"], true);
}

#[test]
fn evidence_files_are_hashed_only_inside_the_repository() {
    let (dir, repo) = common::fixture_copy("example-org");
    std::fs::write(dir.path().join("secret.txt"), "outside\n").unwrap();
    std::fs::write(repo.join("evidence/files/here.txt"), "inside\n").unwrap();
    let record = |id: &str, location: &str| {
        format!(
            "---\nannexa: v1\nkind: evidence\nid: {id}\nsupports: [CTL-ACCESS-CONTROL]\ncollected_on: 2026-11-01\ncollected_by: Head of IT\nlocation: {location}\n"
        )
    };
    let mut extra = String::new();
    for (id, location) in [
        ("EV-T-HERE", "evidence/files/here.txt"),
        ("EV-T-URL", "https://example.org/report"),
        ("EV-T-GONE", "evidence/files/gone.txt"),
        ("EV-T-UP", "../secret.txt"),
        ("EV-T-DIR", "evidence/files"),
        ("EV-T-LINK", "evidence/files/link.txt"),
    ] {
        extra.push_str(&record(id, location));
    }
    std::fs::write(repo.join("evidence/tests.yaml"), &extra[4..]).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("secret.txt"),
        repo.join("evidence/files/link.txt"),
    )
    .unwrap();
    let out = dir.path().join("pack");
    pack(&repo, &out);
    let index = json(&out.join("evidence.json"));
    let entry = |id: &str| {
        index["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} is indexed"))
            .clone()
    };
    let here = entry("EV-T-HERE");
    assert_eq!(here["sha256"], sha256(b"inside\n"));
    assert_eq!(here["bytes"], 7);
    assert_eq!(here["file"], "evidence/tests.yaml");
    assert_eq!(here["location_kind"], "file");
    let url = entry("EV-T-URL");
    assert_eq!(url["location_kind"], "url");
    assert_eq!(url["sha256"], Value::Null);
    assert_eq!(url["problem"], Value::Null);
    assert_eq!(entry("EV-T-GONE")["problem"], "no such file");
    assert_eq!(entry("EV-T-UP")["problem"], "outside the repository");
    assert_eq!(entry("EV-T-DIR")["problem"], "not a file");
    #[cfg(unix)]
    assert_eq!(entry("EV-T-LINK")["problem"], "outside the repository");
    // Nothing outside the repository was read into the pack.
    let text = std::fs::read_to_string(out.join("evidence.json")).unwrap();
    assert!(!text.contains(&sha256(b"outside\n")));
    // Sorted by id.
    let ids: Vec<&str> = index["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn a_directory_holding_other_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.md"), "mine\n").unwrap();
    let o = run(&[
        OsStr::new("audit-pack"),
        common::fixture("example-org").as_os_str(),
        OsStr::new("--today"),
        OsStr::new(common::TODAY),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to write into"));
    assert_eq!(common::files(&out), ["thesis.md"], "nothing was written");
    // Nor is a file added to an earlier pack.
    let earlier = dir.path().join("pack");
    pack(&common::fixture("example-org"), &earlier);
    std::fs::write(earlier.join("extra.txt"), "x\n").unwrap();
    let o = run(&[
        OsStr::new("audit-pack"),
        common::fixture("example-org").as_os_str(),
        OsStr::new("-o"),
        earlier.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`extra.txt` is not part of"));
}

#[test]
fn the_excerpts_in_the_documentation_are_real_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut indexes = Vec::new();
    for name in ["example-org", "broken-packs"] {
        let out = dir.path().join(name);
        pack(&common::fixture(name), &out);
        indexes.push(std::fs::read_to_string(out.join("evidence.json")).unwrap());
    }
    let excerpt = common::json_excerpt_lines("docs/audit-pack.md");
    for l in &excerpt {
        assert!(
            indexes
                .iter()
                .any(|i| i.lines().any(|x| x.trim().trim_end_matches(',') == l)),
            "docs/audit-pack.md: not in an evidence index: {l}"
        );
    }
    let checked = excerpt.len();
    assert!(checked > 10, "docs/audit-pack.md has its evidence excerpts");
}
