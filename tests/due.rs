//! `annexa due`: on every fixture, the calendar in JSON and iCalendar — the iCalendar file
//! loaded by Python's `icalendar` package, event for event the JSON items — sorted with the
//! overdue first, deterministic, and filtered by `--within`; the excerpt in `docs/due.md` is
//! real output.

mod common;

use std::ffi::OsStr;
use std::path::Path;

use serde_json::Value;

/// `annexa due` on `repo` as of the fixtures' day with more arguments; exit code 0 required.
fn due(repo: &Path, args: &[&str]) -> String {
    let more: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    String::from_utf8(common::annexa_ok(&["due"], repo, &more)).unwrap()
}

/// Every event of each calendar given, as `icalendar` reads it.
const READ_ICS: &str = r#"
import json, sys, icalendar
out = []
for path in sys.argv[1:]:
    cal = icalendar.Calendar.from_ical(open(path, "rb").read())
    events = []
    for e in cal.walk("VEVENT"):
        events.append({"uid": str(e["UID"]), "date": e.decoded("DTSTART").isoformat(),
                       "summary": str(e["SUMMARY"]), "description": str(e["DESCRIPTION"])})
    out.append({"version": str(cal["VERSION"]), "events": events})
print(json.dumps(out))
"#;

#[test]
fn every_fixture_gives_a_sorted_deterministic_calendar_that_icalendar_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut calendars = Vec::new();
    for name in common::fixture_names() {
        let repo = common::fixture(&name);
        let json = due(&repo, &["--format", "json"]);
        assert_eq!(
            json,
            due(&repo, &["--format", "json"]),
            "{name}: deterministic"
        );
        let calendar: Value = serde_json::from_str(&json).unwrap();
        let items = calendar["items"].as_array().unwrap();
        let dates: Vec<&str> = items.iter().map(|i| i["date"].as_str().unwrap()).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        assert_eq!(
            dates, sorted,
            "{name}: sorted by date, so the overdue come first"
        );
        for i in items {
            assert_eq!(
                i["overdue"].as_bool().unwrap(),
                i["date"].as_str().unwrap() < common::TODAY,
                "{name}: {i}"
            );
            assert!(
                i["file"].as_str().is_some_and(|f| repo.join(f).is_file()),
                "{name}: {i}"
            );
            assert!(i["line"].as_u64().is_some_and(|l| l > 0), "{name}: {i}");
        }
        let ics = due(&repo, &["--format", "ics"]);
        assert!(ics.lines().all(|l| l.len() <= 76), "{name}: folded lines");
        let path = dir.path().join(format!("{name}.ics"));
        std::fs::write(&path, &ics).unwrap();
        files.push(path);
        calendars.push((name, calendar));
    }
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let Some(read) = common::python_package("ICALENDAR", "icalendar", READ_ICS, &paths) else {
        return;
    };
    let read: Value = serde_json::from_str(&read).unwrap();
    for ((name, calendar), ics) in calendars.iter().zip(read.as_array().unwrap()) {
        assert_eq!(ics["version"], "2.0", "{name}");
        let events = ics["events"].as_array().unwrap();
        let items = calendar["items"].as_array().unwrap();
        assert_eq!(events.len(), items.len(), "{name}: an event per date");
        let mut uids: Vec<&str> = events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
        uids.sort();
        uids.dedup();
        assert_eq!(uids.len(), items.len(), "{name}: unique UIDs");
        for (e, i) in events.iter().zip(items) {
            assert_eq!(e["date"], i["date"], "{name}");
            let summary = format!(
                "{}: {}",
                i["id"].as_str().unwrap(),
                i["summary"].as_str().unwrap()
            );
            assert!(
                e["summary"].as_str().unwrap().ends_with(&summary),
                "{name}: {e}"
            );
            assert!(
                e["description"]
                    .as_str()
                    .unwrap()
                    .contains(i["file"].as_str().unwrap()),
                "{name}: the place is in the description"
            );
        }
    }
}

#[test]
fn within_keeps_the_overdue_and_what_falls_due_in_the_window() {
    let repo = common::fixture("example-org");
    let all: Value = serde_json::from_str(&due(&repo, &["--format", "json"])).unwrap();
    let near: Value =
        serde_json::from_str(&due(&repo, &["--format", "json", "--within", "90d"])).unwrap();
    assert_eq!(near["within"], "90d");
    let horizon = "2027-02-20"; // 90 days after 2026-11-22
    let expected: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["overdue"] == true || i["date"].as_str().unwrap() <= horizon)
        .collect();
    let got: Vec<&Value> = near["items"].as_array().unwrap().iter().collect();
    assert_eq!(got, expected);
    assert!(got.len() < all["items"].as_array().unwrap().len());
    let kinds: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["what"].as_str().unwrap())
        .collect();
    for kind in [
        "internal-audit",
        "management-review",
        "evidence-expiry",
        "document-review",
        "risk-review",
        "impact-assessment-review",
    ] {
        assert!(kinds.contains(&kind), "example-org has a {kind}: {kinds:?}");
    }
    let o = common::annexa(&[
        OsStr::new("due"),
        repo.as_os_str(),
        OsStr::new("--within"),
        OsStr::new("soon"),
    ]);
    assert_eq!(o.status.code(), Some(2), "a bad duration is a usage error");
}

#[test]
fn the_excerpt_in_the_documentation_is_real_output() {
    let table = due(&common::fixture("example-org"), &["--within", "90d"]);
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/due.md")).unwrap();
    let excerpt = doc
        .split("```text\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("docs/due.md has a text excerpt");
    assert_eq!(
        excerpt, table,
        "docs/due.md shows `annexa due --within 90d` of example-org"
    );
}
