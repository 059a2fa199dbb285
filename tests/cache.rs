//! The result cache (`.annexa-cache/`) and focused runs (`annexa check FILE`): a run that
//! reuses cached results, or evaluates only the files it reports, must say exactly what a
//! full run without a cache says.

use std::path::Path;
use std::process::{Command, Output};

use annexa::engine::{self, Options};
use common::fixture_copy;

mod common;

const TODAY: &str = "--today=2026-11-22";

fn annexa(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("ANNEXA_TIMINGS", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The cache line of `ANNEXA_TIMINGS`: (reused, processed).
fn cache_counts(o: &Output) -> Option<(usize, usize)> {
    let err = String::from_utf8_lossy(&o.stderr);
    let line = err.lines().find(|l| l.contains("cache: "))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "cache:")?;
    Some((words[at + 1].parse().ok()?, words[at + 3].parse().ok()?))
}

#[test]
fn warm_runs_say_what_cold_runs_say_and_edits_are_never_missed() {
    let (_t, root) = fixture_copy("broken-packs");
    let check = |extra: &[&str]| {
        let mut args = vec!["check", ".", "--format", "json", TODAY];
        args.extend_from_slice(extra);
        annexa(&root, &args)
    };
    let uncached = check(&["--no-cache"]);
    assert!(
        !root.join(".annexa-cache").exists(),
        "--no-cache writes nothing"
    );
    let cold = check(&[]);
    let files = cache_counts(&cold).expect("timings name the cache").1;
    assert!(files > 10, "{files}");
    assert_eq!(cache_counts(&cold), Some((0, files)));
    assert_eq!(
        std::fs::read_to_string(root.join(".annexa-cache/.gitignore")).unwrap(),
        "# Created by annexa: its result cache, never to be committed.\n*\n"
    );
    let warm = check(&[]);
    assert_eq!(cache_counts(&warm), Some((files, 0)));
    assert_eq!(stdout(&uncached), stdout(&cold));
    assert_eq!(stdout(&cold), stdout(&warm));
    assert_eq!(cold.status.code(), warm.status.code());

    // Change one file: it alone is processed again, and the verdict follows the new text.
    let risk = root.join("risks/access-and-people.yaml");
    let text = std::fs::read_to_string(&risk).unwrap();
    let changed = text.replacen("id: RSK-", "id: BROKEN-", 1);
    assert_ne!(text, changed);
    std::fs::write(&risk, &changed).unwrap();
    let after = check(&[]);
    assert_eq!(cache_counts(&after), Some((files - 1, 1)));
    assert_eq!(stdout(&after), stdout(&check(&["--no-cache"])));
    assert_ne!(stdout(&after), stdout(&warm));

    // And back: the verdict is the first one again.
    std::fs::write(&risk, &text).unwrap();
    assert_eq!(stdout(&check(&[])), stdout(&uncached));
}

#[test]
fn a_damaged_cache_is_ignored_and_replaced() {
    let (_t, root) = fixture_copy("example-org");
    let args = ["check", ".", "--format", "json", TODAY];
    let first = annexa(&root, &args);
    let file = root.join(".annexa-cache/files-v1.bin");
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&file, &bytes).unwrap();
    let second = annexa(&root, &args);
    assert_eq!(stdout(&first), stdout(&second));
    assert_eq!(cache_counts(&second).unwrap().0, 0, "nothing reused");
    let third = annexa(&root, &args);
    assert_eq!(
        cache_counts(&third).unwrap().1,
        0,
        "the cache was rewritten"
    );

    std::fs::write(&file, b"not a cache").unwrap();
    assert_eq!(stdout(&annexa(&root, &args)), stdout(&first));
}

#[test]
fn the_cache_can_be_turned_off_or_moved_in_the_configuration() {
    let (_t, root) = fixture_copy("example-org");
    let config = root.join("annexa.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{original}\n[cache]\nenabled = false\n")).unwrap();
    let o = annexa(&root, &["check", ".", TODAY]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!root.join(".annexa-cache").exists());

    std::fs::write(
        &config,
        format!("{original}\n[cache]\ndir = \"build/lint\"\n"),
    )
    .unwrap();
    let o = annexa(&root, &["check", ".", TODAY]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(root.join("build/lint/files-v1.bin").exists());
    assert!(!root.join(".annexa-cache").exists());

    std::fs::write(&config, format!("{original}\n[cache]\nenable = false\n")).unwrap();
    let o = annexa(&root, &["check", ".", TODAY]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("CFG001") || String::from_utf8_lossy(&o.stderr).contains("CFG001"));
}

/// Every file of every fixture: checking the file alone reports exactly the findings a full
/// run reports in that file (the run evaluates only that file's subjects).
#[test]
fn a_focused_run_reports_what_the_full_run_reports_there() {
    let today = jiff::civil::date(2026, 11, 22);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut compared = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let root = entry.unwrap().path();
        let mut options = Options::new(root.clone());
        options.today = today;
        let full = engine::run(&options).expect("fixture configuration loads");
        let mut files: Vec<String> = full.sources.iter().map(|s| s.rel.clone()).collect();
        files.sort();
        for file in files {
            let mut focused = options.clone();
            focused.only = Some(vec![file.clone()]);
            let got = engine::run(&focused).unwrap().diagnostics;
            let want: Vec<_> = full
                .diagnostics
                .iter()
                .filter(|d| d.file() == Some(file.as_str()))
                .cloned()
                .collect();
            assert_eq!(got, want, "{} {file}", root.display());
            compared += 1;
        }
    }
    assert!(compared > 150, "{compared}");
}
