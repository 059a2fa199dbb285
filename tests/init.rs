//! `annexa init`: the scaffolded repository passes `annexa check`, nothing is overwritten
//! without `--force`, and the Statement of Applicability lists every Annex A control.

use std::path::Path;
use std::process::{Command, Output};

fn annexa(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const TODAY: &str = "--today=2026-11-22";

/// Every file under `dir` with its contents, sorted.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_scaffold_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ims");
    let o = annexa(&["init", TODAY], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("soa.yaml"), "{out}");
    assert!(out.contains("next steps"), "{out}");

    for (today, what) in [
        (TODAY, "the day of init"),
        ("--today=2027-02-01", "ten weeks later"),
    ] {
        let o = annexa(&["check", today, "--format", "json"], &dir);
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(o.status.code(), Some(0), "{what}: {report:#}");
        assert_eq!(report["summary"]["errors"], 0, "{what}: {report:#}");
        if today == TODAY {
            // Clean: not even a warning on the day it is written.
            assert_eq!(report["summary"]["warnings"], 0, "{what}: {report:#}");
        }
    }

    // Every kind has a template, and the CI files are there.
    for path in [
        "annexa.toml",
        "scope.yaml",
        "soa.yaml",
        "controls/access-control.yaml",
        "risks/register.yaml",
        "ai-systems/example-ai-system.yaml",
        "impact-assessments/example-ai-system.md",
        "policies/information-security-policy.md",
        "policies/ai-policy.md",
        "objectives/objectives.yaml",
        "procedures/ai-impact-assessment.md",
        "evidence/records.yaml",
        "audits/internal-audit-2026.yaml",
        "reviews/management-review-2026.yaml",
        "nonconformities/nc-2026-01.yaml",
        "suppliers/model-provider.yaml",
        ".pre-commit-config.yaml",
        ".github/workflows/annexa.yml",
    ] {
        assert!(dir.join(path).is_file(), "{path}");
    }
    let hook = std::fs::read_to_string(dir.join(".pre-commit-config.yaml")).unwrap();
    assert!(hook.contains("repo: https://github.com/OWNER/annexa"));
    assert!(hook.contains(&format!("rev: v{}", env!("CARGO_PKG_VERSION"))));
    assert!(hook.contains("id: annexa"));
    let workflow = std::fs::read_to_string(dir.join(".github/workflows/annexa.yml")).unwrap();
    // The action at this version (it downloads the release binary), with SARIF uploads.
    assert!(workflow.contains(&format!(
        "uses: OWNER/annexa@v{}",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(workflow.contains("security-events: write"));
    assert!(workflow.contains("schedule:"));
    let ia = std::fs::read_to_string(dir.join("impact-assessments/example-ai-system.md")).unwrap();
    for section in [
        "## Individuals",
        "## Groups",
        "## Society",
        "## Mitigations",
    ] {
        assert!(ia.contains(section), "{section}");
    }
}

#[test]
fn the_soa_lists_all_131_controls() {
    let tmp = tempfile::tempdir().unwrap();
    let o = annexa(&["init", TODAY], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let soa = std::fs::read_to_string(tmp.path().join("soa.yaml")).unwrap();
    let entries: Vec<&str> = soa
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("- control: "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(entries.len(), 131);
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.starts_with("iso27001:2022/A."))
            .count(),
        93
    );
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.starts_with("iso42001:2023/A."))
            .count(),
        38
    );
    let mut distinct = entries.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 131);
    assert_eq!(soa.matches("applicable: true").count(), 131);
    assert_eq!(soa.matches("status: not-started").count(), 131);
}

#[test]
fn refuses_to_overwrite_and_force_replaces() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert_eq!(annexa(&["init", TODAY], dir).status.code(), Some(0));
    std::fs::write(dir.join("scope.yaml"), "my own scope\n").unwrap();
    let before = snapshot(dir);

    let o = annexa(&["init", TODAY], dir);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("scope.yaml` already exists"), "{err}");
    assert!(err.contains("soa.yaml` already exists"), "{err}");
    assert!(
        err.contains(".github/workflows/annexa.yml` already exists"),
        "{err}"
    );
    assert_eq!(snapshot(dir), before, "nothing was written");

    // One existing file is enough to refuse, and nothing else is created.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("annexa.toml"), "# mine\n").unwrap();
    let o = annexa(&["init", TODAY], other.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(snapshot(other.path()).len(), 1);

    let o = annexa(&["init", TODAY, "--force"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let scope = std::fs::read_to_string(dir.join("scope.yaml")).unwrap();
    assert!(scope.contains("kind: scope"));
    assert_eq!(snapshot(dir).len(), before.len(), "no temporary files left");
    let o = annexa(&["check", TODAY], dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn further_frameworks_are_scaffolded_and_still_check_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ims");
    let o = annexa(
        &[
            "init",
            TODAY,
            "--frameworks",
            "eu-ai-act:2024,nist-ai-rmf:1.0",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let scope = std::fs::read_to_string(dir.join("scope.yaml")).unwrap();
    assert!(
        scope.contains("  - id: iso42001:2023\n  - id: eu-ai-act:2024\n  - id: nist-ai-rmf:1.0\n"),
        "{scope}"
    );
    let literacy = std::fs::read_to_string(dir.join("controls/ai-literacy.yaml")).unwrap();
    assert!(literacy.contains("  - eu-ai-act:2024/Art.4"), "{literacy}");
    let suppliers = std::fs::read_to_string(dir.join("controls/supplier-management.yaml")).unwrap();
    assert!(
        suppliers.contains("  - nist-ai-rmf:1.0/GOVERN-6.1"),
        "{suppliers}"
    );
    // Committed, as a repository is: the history rules have a history to read (outside git
    // they would say, in a note, that they could not check anything).
    commit_all(&dir);
    let o = annexa(&["check", TODAY, "--format", "json"], &dir);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{report:#}");
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report:#}");
    // Without the claims the AI Act's articles would be findings: they are checked, not ignored.
    std::fs::remove_file(dir.join("controls/ai-literacy.yaml")).unwrap();
    let o = annexa(&["check", TODAY, "--format", "json"], &dir);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["AI015"], "{report:#}");
}

#[test]
fn an_unknown_further_framework_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ims");
    let o = annexa(&["init", TODAY, "--frameworks", "nist:1"], &dir);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("`nist:1` is not a framework annexa init can add")
            && err.contains("eu-ai-act:2024, nist-ai-rmf:1.0"),
        "{err}"
    );
    assert!(!dir.exists(), "nothing written");
}

/// `git init` and commit everything in `dir`, dated the day of [`TODAY`].
fn commit_all(dir: &std::path::Path) {
    let day = TODAY.trim_start_matches("--today=");
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "annexa init"],
    ] {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Dana Owner")
            .env("GIT_AUTHOR_EMAIL", "dana@example.org")
            .env("GIT_COMMITTER_NAME", "Dana Owner")
            .env("GIT_COMMITTER_EMAIL", "dana@example.org")
            .env("GIT_AUTHOR_DATE", format!("{day}T09:00:00+00:00"))
            .env("GIT_COMMITTER_DATE", format!("{day}T09:00:00+00:00"))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
