//! The history rules (DOC015, DOC016, EVD008, GIT001) and `--at`, on git repositories built
//! here with dated commits (author and committer dates set explicitly): each finding at its
//! line, nothing when the history is clean, a note and nothing else when it is shallow or
//! absent, and `--at` equal to a check of a checkout of the commit in every format.
//!
//! The repositories are built with the `git` command (annexa itself reads them with gix).

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn annexa(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Run git in `dir` as `author` on `date` (author and committer alike).
fn git_as(dir: &Path, author: &str, date: &str, args: &[&str]) -> String {
    let stamp = format!("{date}T12:00:00+00:00");
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", "author@example.org")
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", "author@example.org")
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn git(dir: &Path, args: &[&str]) -> String {
    git_as(dir, "Dana Owner", "2026-01-01", args)
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Commit everything as `author` on `date`; the new commit's id.
fn commit(dir: &Path, author: &str, date: &str, message: &str) -> String {
    git_as(dir, author, date, &["add", "-A"]);
    git_as(dir, author, date, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

fn policy(id: &str, version: &str, approved_on: &str, owner: &str, body: &str) -> String {
    format!(
        "---\nannexa: v1\nkind: policy\nid: {id}\ntitle: {id} policy\nowner: {owner}\nversion: \"{version}\"\napproved_by: CEO\napproved_on: {approved_on}\nreview:\n  interval: 12mo\nsatisfies: [iso27001:2022/5.2]\n---\n{body}"
    )
}

const BODY: &str = "# Security policy\n\n## Purpose\n\nWe protect the information of our customers.\n\n## Objectives\n\nNo incident goes unrecorded.\n";

fn evidence(records: &[(&str, &str, &str)]) -> String {
    records
        .iter()
        .map(|(id, collected, location)| {
            format!(
                "annexa: v1\nkind: evidence\nid: {id}\ntitle: {id}\nsupports: [CTL-1]\ncollected_on: {collected}\nlocation: {location}\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

/// The history findings of a check (DOC015, DOC016, EVD008, GIT001): `CODE file:line message`.
fn history_findings(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--format", "json", "--today", "2026-07-01"];
    args.extend_from_slice(extra);
    let (out, err, _) = annexa(dir, &args);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            matches!(
                d["code"].as_str(),
                Some("DOC015" | "DOC016" | "EVD008" | "GIT001")
            )
        })
        .map(|d| {
            let place = match d["file"].as_str() {
                Some(f) => format!("{f}:{}", d["start"]["line"]),
                None => "-".to_string(),
            };
            let related: Vec<String> = d["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        " [{}:{} {}]",
                        r["file"].as_str().unwrap(),
                        r["start"]["line"],
                        r["message"].as_str().unwrap()
                    )
                })
                .collect();
            format!(
                "{} {place} {}{}",
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                related.join("")
            )
        })
        .collect()
}

/// A repository whose history has one of each defect, and traps that must not fire.
fn dirty(dir: &Path) -> Vec<String> {
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "annexa.toml", "");
    write(
        dir,
        "policies/security.md",
        &policy("POL-SEC", "1.0", "2026-01-05", "CISO", BODY),
    );
    write(
        dir,
        "policies/access.md",
        &policy("POL-ACCESS", "1.0", "2026-01-05", "CISO", BODY),
    );
    write(
        dir,
        "policies/tidy.md",
        &policy("POL-TIDY", "1.0", "2026-01-05", "CISO", BODY),
    );
    write(
        dir,
        "policies/proper.md",
        &policy("POL-PROPER", "1.0", "2026-01-05", "CISO", BODY),
    );
    write(
        dir,
        "evidence/records.yaml",
        &evidence(&[
            ("EV-REVIEW", "2026-01-08", "evidence/files/review.md"),
            ("EV-LATE", "2026-01-02", "evidence/files/late.md"),
            ("EV-ONTIME", "2026-01-09", "evidence/files/ontime.md"),
            ("EV-URL", "2026-01-09", "https://example.org/report"),
        ]),
    );
    write(dir, "evidence/files/review.md", "Access review, signed.\n");
    write(dir, "evidence/files/ontime.md", "Backup restore test.\n");
    let first = commit(dir, "Dana Owner", "2026-01-10", "Documents and evidence");
    // The security policy's text changes without approval or version: DOC015, DOC016.
    let changed = BODY.replace("customers", "customers and staff");
    write(
        dir,
        "policies/security.md",
        &policy("POL-SEC", "1.0", "2026-01-05", "CISO", &changed),
    );
    // Traps: an owner change (front matter only), trailing spaces, and a change approved and
    // versioned in the same commit (approved before the commit: merged later).
    write(
        dir,
        "policies/access.md",
        &policy("POL-ACCESS", "1.0", "2026-01-05", "Head of IT", BODY),
    );
    write(
        dir,
        "policies/tidy.md",
        &policy(
            "POL-TIDY",
            "1.0",
            "2026-01-05",
            "CISO",
            &BODY.replace("staff.\n", "staff.  \n").replace("\n", "\r\n"),
        ),
    );
    write(
        dir,
        "policies/proper.md",
        &policy("POL-PROPER", "2.0", "2026-03-01", "CISO", &changed),
    );
    let second = commit(dir, "Sam Editor", "2026-03-05", "Edit the security policy");
    // The evidence file changes months after its collection: EVD008.
    write(
        dir,
        "evidence/files/review.md",
        "Access review, signed, and amended.\n",
    );
    commit(dir, "Sam Editor", "2026-04-20", "Amend the review");
    // An evidence file first committed five months after its collection: EVD008.
    write(dir, "evidence/files/late.md", "Supplier assessment.\n");
    commit(
        dir,
        "Sam Editor",
        "2026-06-01",
        "Add the supplier assessment",
    );
    vec![first, second]
}

#[test]
fn each_history_finding_at_its_line_and_no_trap_fires() {
    let dir = tempfile::tempdir().unwrap();
    dirty(dir.path());
    let found = history_findings(dir.path(), &[]);
    let short = |date: &str| {
        git(
            dir.path(),
            &[
                "log",
                "-1",
                "--format=%h",
                &format!("--until={date}T23:59:59+00:00"),
            ],
        )
    };
    let (edit, amend, late) = (
        short("2026-03-05"),
        short("2026-04-20"),
        short("2026-06-01"),
    );
    assert_eq!(
        found,
        vec![
            format!(
                "EVD008 evidence/records.yaml:7 evidence `EV-REVIEW` was recorded as collected on 2026-01-08, but the file changed on 2026-04-20 (commit {amend}, Sam Editor), 102 day(s) later"
            ),
            format!(
                "EVD008 evidence/records.yaml:15 evidence `EV-LATE` was recorded as collected on 2026-01-02, but the file was first committed on 2026-06-01 (commit {late}, Sam Editor), 150 day(s) later"
            ),
            format!(
                "DOC016 policies/security.md:7 policy `POL-SEC` is still version 1.0 although its text changed: the text changed in commit {edit} (2026-03-05, Sam Editor) [policies/security.md:14 the text changed in commit {edit} (2026-03-05, Sam Editor); the version was set in commit {} (2026-01-10, Dana Owner)]",
                git(
                    dir.path(),
                    &["rev-list", "--max-parents=0", "--abbrev-commit", "HEAD"]
                )
            ),
            format!(
                "DOC015 policies/security.md:9 policy `POL-SEC` changed after its approval on 2026-01-05: the text changed in commit {edit} (2026-03-05, Sam Editor) [policies/security.md:14 the text changed in commit {edit} (2026-03-05, Sam Editor), after the approval]"
            ),
        ],
        "{found:#?}"
    );
}

#[test]
fn uncommitted_changes_are_reported_and_untracked_files_noted() {
    let dir = tempfile::tempdir().unwrap();
    dirty(dir.path());
    // The pre-commit case: the access policy's text edited, not committed, not approved.
    write(
        dir.path(),
        "policies/access.md",
        &policy(
            "POL-ACCESS",
            "1.0",
            "2026-01-05",
            "Head of IT",
            &BODY.replace("unrecorded", "unreported"),
        ),
    );
    // Approved and versioned with the edit: nothing to report.
    write(
        dir.path(),
        "policies/tidy.md",
        &policy(
            "POL-TIDY",
            "1.1",
            "2026-07-01",
            "CISO",
            &BODY.replace("unrecorded", "unreported"),
        ),
    );
    // A new policy and a new evidence file, not committed: the note lists them.
    write(
        dir.path(),
        "policies/new.md",
        &policy("POL-NEW", "1.0", "2026-06-30", "CISO", BODY),
    );
    write(
        dir.path(),
        "evidence/files/ontime.md",
        "Backup restore test, redone.\n",
    );
    let found = history_findings(dir.path(), &[]);
    let at = |code: &str| {
        found
            .iter()
            .filter(|f| f.starts_with(code))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        at("DOC015")
            .iter()
            .filter(|f| f.contains("access.md"))
            .collect::<Vec<_>>(),
        vec![
            "DOC015 policies/access.md:9 policy `POL-ACCESS` changed after its approval on 2026-01-05: the text changed in the working tree (not committed yet)"
        ],
        "{found:#?}"
    );
    assert!(
        found.contains(&"DOC016 policies/access.md:7 policy `POL-ACCESS` is still version 1.0 although its text changed: the text changed in the working tree (not committed yet)".to_string()),
        "{found:#?}"
    );
    assert!(!found.iter().any(|f| f.contains("tidy.md")), "{found:#?}");
    assert!(
        found.contains(&"EVD008 evidence/records.yaml:23 evidence `EV-ONTIME` was recorded as collected on 2026-01-09, but the file changed in the working tree (not committed yet)".to_string()),
        "{found:#?}"
    );
    assert_eq!(
        at("GIT001"),
        vec![
            "GIT001 - 1 file(s) are not committed, so their history was not checked: `policies/new.md`"
        ],
        "{found:#?}"
    );
}

#[test]
fn a_clean_history_has_no_history_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "annexa.toml", "");
    write(
        d,
        "policies/security.md",
        &policy("POL-SEC", "1.0", "2026-01-05", "CISO", BODY),
    );
    write(
        d,
        "evidence/records.yaml",
        &evidence(&[("EV-REVIEW", "2026-01-08", "evidence/files/review.md")]),
    );
    write(d, "evidence/files/review.md", "Access review, signed.\n");
    commit(d, "Dana Owner", "2026-01-10", "Documents and evidence");
    let changed = BODY.replace("customers", "customers and staff");
    write(
        d,
        "policies/security.md",
        &policy("POL-SEC", "1.1", "2026-03-04", "CISO", &changed),
    );
    write(
        d,
        "evidence/records.yaml",
        &evidence(&[
            ("EV-REVIEW", "2026-01-08", "evidence/files/review.md"),
            ("EV-REVIEW-2", "2026-04-01", "evidence/files/review-2.md"),
        ]),
    );
    write(
        d,
        "evidence/files/review-2.md",
        "Access review Q2, signed.\n",
    );
    commit(
        d,
        "Sam Editor",
        "2026-04-03",
        "New version, approved; the next review",
    );
    assert_eq!(history_findings(d, &[]), Vec::<String>::new());
}

#[test]
fn a_shallow_clone_gets_one_note_and_no_finding() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    std::fs::create_dir_all(&source).unwrap();
    dirty(&source);
    let url = format!("file://{}", source.display());
    git(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let found = history_findings(&dir.path().join("shallow"), &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("GIT001 - DOC015, DOC016 and EVD008 were not checked: this is a shallow clone, whose history stops at commit "),
        "{found:#?}"
    );
}

#[test]
fn without_git_there_is_one_note_and_no_finding() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    std::fs::create_dir_all(&source).unwrap();
    dirty(&source);
    let plain = dir.path().join("plain");
    common::copy_dir(&source, &plain);
    std::fs::remove_dir_all(plain.join(".git")).unwrap();
    assert_eq!(
        history_findings(&plain, &[]),
        vec![
            "GIT001 - DOC015, DOC016 and EVD008 were not checked: the repository is not in git, so there is no history to compare approvals, versions and evidence dates with"
        ]
    );
    // Turned off, the rules read nothing and say nothing.
    write(&plain, "annexa.toml", "[history]\nenabled = false\n");
    assert_eq!(history_findings(&plain, &[]), Vec::<String>::new());
}

#[test]
fn at_a_date_means_the_last_commit_on_or_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let commits = dirty(dir.path());
    // On 2026-03-31 the last commit was the edit of 2026-03-05: the security policy had
    // changed, and the evidence file amended in April had not yet.
    let found = history_findings(dir.path(), &["--at", "2026-03-31"]);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("DOC015 policies/security.md:9")),
        "{found:#?}"
    );
    assert!(!found.iter().any(|f| f.contains("EV-REVIEW")), "{found:#?}");
    assert_eq!(history_findings(dir.path(), &["--at", &commits[1]]), found);
    // A tag, a branch and an abbreviated id name the same commit.
    git(dir.path(), &["tag", "v2026.1", &commits[1]]);
    git(dir.path(), &["branch", "review", &commits[1]]);
    for rev in ["v2026.1", "review", &commits[1][..9]] {
        assert_eq!(history_findings(dir.path(), &["--at", rev]), found, "{rev}");
    }
    // Before the first commit there is nothing to check.
    let (_, err, code) = annexa(dir.path(), &["check", "--at", "2025-12-31"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no commit on or before 2025-12-31"), "{err}");
    let (_, err, code) = annexa(dir.path(), &["check", "--at", "no-such-branch"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`no-such-branch` names no commit"), "{err}");
}

/// The example organisation with its history rules on, committed in three dated steps.
fn example_history(dir: &Path) -> Vec<(String, String)> {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-org");
    common::copy_dir(&example, dir);
    let config = std::fs::read_to_string(dir.join("annexa.toml")).unwrap();
    let config = config
        .split("\n# This example is kept inside")
        .next()
        .unwrap()
        .to_string();
    std::fs::write(dir.join("annexa.toml"), config + "\n").unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    let mut commits = Vec::new();
    // The first commit lacks the audits; the second adds them and edits a policy's text; the
    // third deletes a control file and adds a `.gitignore` and a hidden file.
    let audits = dir.join("audits");
    let kept = tempfile::tempdir().unwrap();
    common::copy_dir(&audits, kept.path());
    std::fs::remove_dir_all(&audits).unwrap();
    commits.push((
        commit(dir, "Dana Owner", "2026-10-01", "The management system"),
        "2026-10-01".to_string(),
    ));
    common::copy_dir(kept.path(), &audits);
    let policy = dir.join("policies/acceptable-use-policy.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text.replace("\n## ", "\nA sentence added without approval.\n\n## "),
    )
    .unwrap();
    commits.push((
        commit(dir, "Sam Editor", "2026-11-02", "Audits, and an edit"),
        "2026-11-02".to_string(),
    ));
    std::fs::remove_file(dir.join("controls/office-security.yaml")).unwrap();
    write(dir, ".gitignore", "drafts/\n");
    write(
        dir,
        "drafts/wip.yaml",
        "annexa: v1\nkind: control\nid: CTL-WIP\n",
    );
    write(
        dir,
        ".hidden/x.yaml",
        "annexa: v1\nkind: control\nid: CTL-HIDDEN\n",
    );
    git(dir, &["add", "-f", "drafts/wip.yaml"]);
    commits.push((
        commit(dir, "Dana Owner", "2026-11-20", "Retire a control"),
        "2026-11-20".to_string(),
    ));
    commits
}

const FORMATS: &[&str] = &[
    "human",
    "json",
    "sarif",
    "github",
    "junit",
    "gitlab",
    "checkstyle",
    "rdjson",
];

#[test]
fn check_at_a_commit_equals_a_check_of_its_checkout_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let commits = example_history(d);
    // Uncommitted changes in the working tree do not reach `--at`.
    write(d, "controls/access-control.yaml", "not: [valid\n");
    let mut at = Vec::new();
    for (id, _) in &commits {
        let mut outputs = Vec::new();
        for format in FORMATS {
            outputs.push(annexa(
                d,
                &["check", "--at", id, "--format", format, "--no-cache"],
            ));
        }
        for format in ["table", "json", "markdown", "html"] {
            outputs.push(annexa(d, &["coverage", "--at", id, "--format", format]));
        }
        at.push(outputs);
    }
    assert_eq!(
        std::fs::read_to_string(d.join("controls/access-control.yaml")).unwrap(),
        "not: [valid\n",
        "--at never touches the working tree"
    );
    git(d, &["checkout", "-q", "--", "."]);
    let mut differing_commits = std::collections::HashSet::new();
    for ((id, date), at) in commits.iter().zip(&at) {
        git(d, &["checkout", "-q", id]);
        let mut outputs = Vec::new();
        for format in FORMATS {
            outputs.push(annexa(
                d,
                &["check", "--today", date, "--format", format, "--no-cache"],
            ));
        }
        for format in ["table", "json", "markdown", "html"] {
            outputs.push(annexa(
                d,
                &["coverage", "--today", date, "--format", format],
            ));
        }
        for (i, (a, b)) in at.iter().zip(&outputs).enumerate() {
            assert_eq!(a, b, "commit {id}, output {i}");
        }
        differing_commits.insert(at[1].0.clone());
    }
    // The three commits are different repositories, so the comparison compares something.
    assert_eq!(differing_commits.len(), 3);
    // The second commit's edit is a history finding, at --at and in the checkout alike.
    assert!(at[1][1].0.contains("\"DOC015\""), "{}", at[1][1].0);
}

/// `docs/history.md` shows the DOC015 finding of the repository of
/// [`each_history_finding_at_its_line_and_no_trap_fires`] as `annexa check` prints it (the
/// commit ids are the same on every machine: same content, authors and dates).
#[test]
fn the_docs_excerpt_is_real_output() {
    let dir = tempfile::tempdir().unwrap();
    dirty(dir.path());
    let (out, _, _) = annexa(
        dir.path(),
        &["check", "--today", "2026-07-01", "--color", "never"],
    );
    let finding: String = out
        .split("\n\n")
        .skip_while(|block| !block.starts_with("DOC015"))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n\n");
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/history.md"))
            .unwrap();
    let excerpt = docs
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    if std::env::var_os("ANNEXA_UPDATE_DOCS").is_some() && !finding.starts_with(excerpt) {
        let updated = docs.replacen(excerpt, &format!("{finding}\n"), 1);
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/history.md"),
            updated,
        )
        .unwrap();
        return;
    }
    assert!(
        finding.starts_with(excerpt.trim_end()),
        "docs/history.md's excerpt is not what annexa prints (ANNEXA_UPDATE_DOCS=1 rewrites it):\n{finding}"
    );
}

/// `audit-pack --at`: the pack of a past commit, byte for byte the pack of its checkout, its
/// manifest naming the commit.
#[test]
fn an_audit_pack_of_a_past_commit_equals_the_pack_of_its_checkout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("repo");
    let commits = example_history(&d);
    let (first, day) = &commits[0];
    let at = dir.path().join("at.zip");
    let (_, err, code) = annexa(
        &d,
        &["audit-pack", "--at", first, "-o", at.to_str().unwrap()],
    );
    assert!(matches!(code, 0 | 1), "{err}");
    git(&d, &["checkout", "-q", first]);
    let checkout = dir.path().join("checkout.zip");
    let (_, err, code) = annexa(
        &d,
        &[
            "audit-pack",
            "--today",
            day,
            "-o",
            checkout.to_str().unwrap(),
        ],
    );
    assert!(matches!(code, 0 | 1), "{err}");
    let (a, b) = (
        std::fs::read(&at).unwrap(),
        std::fs::read(&checkout).unwrap(),
    );
    assert!(a == b, "the packs differ");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
    let mut manifest = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("manifest.json").unwrap(),
        &mut manifest,
    )
    .unwrap();
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(
        manifest["repository"]["commit"],
        first.as_str(),
        "{manifest:#}"
    );
    assert_eq!(manifest["repository"]["uncommitted_changes"], false);
    assert_eq!(manifest["made_for"], day.as_str());
}
