//! The GitHub Action's install steps (`action.yml`) do what docs/ci.md says, run here as a
//! runner runs them: each step's `run` script with `bash -e -o pipefail`, its `env:` with the
//! expressions filled in, and `GITHUB_OUTPUT` read back for the next step. The release is a
//! fake one in a directory, reached through `file://` URLs, and its assets are made by the
//! release workflow's own scripts (`scripts/release-archive`, `scripts/source-digest`), so the
//! action and the release agree on names, formats and checksums.
//!
//! - A release built from the action's sources is downloaded, its checksum verified, and its
//!   binary installed where later steps find it; nothing is built.
//! - A checksum that does not match is refused: the step fails and installs nothing.
//! - No matching release builds from source (a stand-in `cargo` records the call): no release
//!   at all, a release of other sources (a branch or a changed fork), a platform with no
//!   release binary, a local action (`uses: ./`).
//!
//! Needs bash, curl, tar, python3 (and unzip for the Windows archive).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const VERSION: &str = env!("CARGO_PKG_VERSION");
const REPOSITORY: &str = "example/annexa";

/// The steps of action.yml, by id.
fn steps() -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let loaded = annexa::yaml::load(&text, &annexa::yaml::Limits::default());
    assert!(loaded.errors.is_empty(), "action.yml: {:?}", loaded.errors);
    let action = &loaded.documents[0].value;
    action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| Some((s.get("id")?.as_str()?.to_owned(), s.clone())))
        .collect()
}

/// A runner: its platform, directories and the values of the expressions steps use.
struct Runner {
    dir: tempfile::TempDir,
    os: &'static str,
    arch: &'static str,
    /// `github.*`, `steps.<id>.outputs.*` and `inputs.*` values, by expression.
    context: BTreeMap<String, String>,
    /// Prepended to PATH (the stand-in cargo).
    path: Option<PathBuf>,
}

/// What a step did.
struct Ran {
    code: i32,
    log: String,
    outputs: BTreeMap<String, String>,
}

impl Runner {
    fn new(os: &'static str, arch: &'static str, releases: &Path, repository: &str) -> Runner {
        let dir = tempfile::tempdir().unwrap();
        for d in ["home", "temp"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        let mut context = BTreeMap::new();
        context.insert("github.action_ref".into(), format!("v{VERSION}"));
        context.insert("github.action_repository".into(), repository.into());
        context.insert(
            "github.server_url".into(),
            format!("file://{}", releases.display()),
        );
        Runner {
            dir,
            os,
            arch,
            context,
            path: None,
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// Runs the step `id`, and records its outputs as `steps.<id>.outputs.*`.
    fn run(&mut self, steps: &BTreeMap<String, Value>, id: &str) -> Ran {
        let step = &steps[id];
        assert_eq!(step["shell"], "bash", "step {id}");
        let script = step["run"].as_str().unwrap();
        let output = self.dir.path().join(format!("output-{id}"));
        std::fs::write(&output, "").unwrap();
        let mut cmd = Command::new("bash");
        cmd.args([
            "--noprofile",
            "--norc",
            "-e",
            "-o",
            "pipefail",
            "-c",
            script,
        ])
        .env_clear()
        .env("PATH", self.search_path())
        .env("HOME", self.home())
        .env("RUNNER_OS", self.os)
        .env("RUNNER_ARCH", self.arch)
        .env("RUNNER_TEMP", self.dir.path().join("temp"))
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_PATH", self.dir.path().join("path"))
        .env("GITHUB_ACTION_PATH", root())
        .env("CARGO_CALLS", self.dir.path().join("cargo-calls"));
        for (name, value) in step
            .get("env")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            cmd.env(name, self.fill(value.as_str().unwrap()));
        }
        let out = cmd.output().expect("bash runs");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let outputs: BTreeMap<String, String> = std::fs::read_to_string(&output)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        for (k, v) in &outputs {
            self.context
                .insert(format!("steps.{id}.outputs.{k}"), v.clone());
        }
        Ran {
            code: out.status.code().unwrap_or(-1),
            log,
            outputs,
        }
    }

    fn search_path(&self) -> String {
        let system = std::env::var("PATH").unwrap_or_default();
        match &self.path {
            Some(p) => format!("{}:{system}", p.display()),
            None => system,
        }
    }

    /// A string with its `${{ … }}` expressions replaced; an unknown expression is a failure
    /// of the test, so a new expression in the action is noticed here.
    fn fill(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").unwrap() + start;
            let expr = rest[start + 3..end].trim();
            let value = self
                .context
                .get(expr)
                .unwrap_or_else(|| panic!("the harness has no value for `{expr}`"));
            out.push_str(value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Runs the install steps as the action does after a cache miss: key, download, then the
    /// build only if the download found nothing (the steps' `if:` conditions, checked below).
    fn install(&mut self) -> (Ran, Option<Ran>) {
        let steps = steps();
        assert_eq!(
            steps["download"]["if"],
            "steps.cache.outputs.cache-hit != 'true'"
        );
        assert_eq!(
            steps["build"]["if"],
            "steps.cache.outputs.cache-hit != 'true' && steps.download.outputs.found != 'true'"
        );
        let key = self.run(&steps, "key");
        assert_eq!(key.code, 0, "key step: {}", key.log);
        assert_eq!(key.outputs["version"], VERSION);
        let download = self.run(&steps, "download");
        if download.code != 0 || download.outputs.get("found").map(String::as_str) == Some("true") {
            return (download, None);
        }
        self.path = Some(fake_cargo(self.dir.path()));
        let build = self.run(&steps, "build");
        (download, Some(build))
    }

    fn bin(&self) -> PathBuf {
        PathBuf::from(&self.context["steps.key.outputs.bin"])
    }

    fn cargo_calls(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join("cargo-calls")).ok()
    }
}

/// A `cargo` that records its arguments and installs a stand-in binary under `--root`.
fn fake_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\n\
         printf '%s\\n' \"$*\" >>\"$CARGO_CALLS\"\n\
         while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=\"$2\"; shift; done\n\
         mkdir -p \"$root/bin\"\n\
         printf '#!/bin/sh\\necho annexa built\\n' >\"$root/bin/annexa\"\n\
         chmod +x \"$root/bin/annexa\"\n",
    )
    .unwrap();
    make_executable(&cargo);
    bin
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn sh(script: &str, dir: &Path) -> String {
    common::succeed(
        Command::new("bash")
            .args(["-euo", "pipefail", "-c", script])
            .current_dir(dir),
    )
}

/// A fake GitHub server: `<dir>/<repository>/releases/download/v<version>/` with the assets
/// of the release workflow for `targets`, built from a stand-in wheel by
/// scripts/release-archive, and the digest of `sources` (this checkout, or another).
struct Release {
    dir: tempfile::TempDir,
}

impl Release {
    fn new(targets: &[&str], digest: &str) -> Release {
        let dir = tempfile::tempdir().unwrap();
        let assets = dir
            .path()
            .join(REPOSITORY)
            .join("releases/download")
            .join(format!("v{VERSION}"));
        std::fs::create_dir_all(&assets).unwrap();
        for target in targets {
            let exe = if target.contains("windows") {
                "annexa.exe"
            } else {
                "annexa"
            };
            let wheel = dir.path().join(format!("annexa-{VERSION}-{target}.whl"));
            sh(
                &format!(
                    "python3 - <<'PY'\n\
                     import zipfile\n\
                     z = zipfile.ZipFile({wheel:?}, 'w')\n\
                     i = zipfile.ZipInfo('annexa-{VERSION}.data/scripts/{exe}')\n\
                     i.external_attr = 0o100755 << 16\n\
                     z.writestr(i, '#!/bin/sh\\necho \"annexa {VERSION}\"\\n')\n\
                     z.close()\n\
                     PY\n\
                     python3 {script:?} {wheel:?} {target} {assets:?} >/dev/null",
                    wheel = wheel.display().to_string(),
                    script = root().join("scripts/release-archive").display().to_string(),
                    assets = assets.display().to_string(),
                ),
                dir.path(),
            );
        }
        std::fs::write(assets.join("source-digest.txt"), format!("{digest}\n")).unwrap();
        Release { dir }
    }

    fn assets(&self) -> PathBuf {
        self.dir
            .path()
            .join(REPOSITORY)
            .join("releases/download")
            .join(format!("v{VERSION}"))
    }
}

fn source_digest() -> String {
    sh("bash scripts/source-digest", &root()).trim().to_owned()
}

fn assert_built_from_source(runner: &Runner, download: &Ran, build: Option<Ran>, why: &str) {
    assert_eq!(download.code, 0, "download step: {}", download.log);
    assert_eq!(download.outputs["found"], "false", "{}", download.log);
    assert!(
        download.log.contains(why),
        "expected `{why}` in the log:\n{}",
        download.log
    );
    assert!(download.log.contains("building annexa"), "{}", download.log);
    let build = build.expect("the build step runs");
    assert_eq!(build.code, 0, "build step: {}", build.log);
    let calls = runner.cargo_calls().expect("cargo was called");
    assert_eq!(
        calls.trim(),
        format!(
            "install --locked --force --path {} --root {}",
            root().display(),
            runner.home().join(".annexa").display()
        )
    );
    assert!(runner.bin().is_file());
}

#[test]
fn a_release_of_the_same_sources_is_downloaded_and_verified() {
    let release = Release::new(&["x86_64-unknown-linux-gnu"], &source_digest());
    let mut runner = Runner::new("Linux", "X64", release.dir.path(), REPOSITORY);
    let (download, build) = runner.install();
    assert_eq!(download.code, 0, "{}", download.log);
    assert_eq!(download.outputs["found"], "true", "{}", download.log);
    assert!(build.is_none(), "nothing is built");
    assert!(runner.cargo_calls().is_none());
    assert!(
        download.log.contains(&format!(
            "installed annexa {VERSION} from release v{VERSION} of {REPOSITORY}"
        )),
        "{}",
        download.log
    );
    let bin = runner.bin();
    assert_eq!(bin, runner.home().join(".annexa/bin/annexa"));
    let out = Command::new(&bin).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("annexa {VERSION}")
    );
    // Later steps find it on PATH.
    let path = std::fs::read_to_string(runner.dir.path().join("path")).unwrap();
    assert_eq!(path.trim(), bin.parent().unwrap().display().to_string());
}

#[test]
fn the_windows_archive_is_unpacked_too() {
    if Command::new("unzip").arg("-v").output().is_err() {
        eprintln!("skipped: unzip is not installed");
        return;
    }
    let release = Release::new(&["x86_64-pc-windows-msvc"], &source_digest());
    let mut runner = Runner::new("Windows", "X64", release.dir.path(), REPOSITORY);
    let (download, _) = runner.install();
    assert_eq!(download.outputs["found"], "true", "{}", download.log);
    assert_eq!(runner.bin(), runner.home().join(".annexa/bin/annexa.exe"));
    assert!(runner.bin().is_file());
}

#[test]
fn a_checksum_mismatch_is_refused() {
    let release = Release::new(&["x86_64-unknown-linux-gnu"], &source_digest());
    // The archive changed after its checksum was published.
    let archive = release
        .assets()
        .join("annexa-x86_64-unknown-linux-gnu.tar.gz");
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).unwrap();
    let mut runner = Runner::new("Linux", "X64", release.dir.path(), REPOSITORY);
    let (download, build) = runner.install();
    assert_eq!(download.code, 2, "{}", download.log);
    assert!(
        download.log.contains(
            "::error title=annexa::the checksum of annexa-x86_64-unknown-linux-gnu.tar.gz"
        ),
        "{}",
        download.log
    );
    assert!(build.is_none(), "a refused download is not built over");
    assert!(!runner.bin().exists(), "nothing is installed");
}

#[test]
fn no_release_builds_from_source() {
    let empty = tempfile::tempdir().unwrap();
    let mut runner = Runner::new("Linux", "X64", empty.path(), REPOSITORY);
    let (download, build) = runner.install();
    assert_built_from_source(&runner, &download, build, "has no release");
}

#[test]
fn a_release_of_other_sources_builds_from_source() {
    // A branch after the release, or a fork that changed the sources.
    let release = Release::new(&["x86_64-unknown-linux-gnu"], &"0".repeat(64));
    let mut runner = Runner::new("Linux", "X64", release.dir.path(), REPOSITORY);
    let (download, build) = runner.install();
    assert_built_from_source(&runner, &download, build, "are not those of release");
}

#[test]
fn a_platform_without_a_release_binary_builds_from_source() {
    let release = Release::new(&["x86_64-unknown-linux-gnu"], &source_digest());
    let mut runner = Runner::new("Linux", "ARM", release.dir.path(), REPOSITORY);
    let (download, build) = runner.install();
    assert_built_from_source(&runner, &download, build, "no release binary for Linux/ARM");

    // A release without this platform's archive.
    let mut runner = Runner::new("macOS", "ARM64", release.dir.path(), REPOSITORY);
    let (download, build) = runner.install();
    assert_built_from_source(
        &runner,
        &download,
        build,
        "has no annexa-aarch64-apple-darwin.tar.gz",
    );
}

#[test]
fn a_local_action_builds_from_source() {
    let release = Release::new(&["x86_64-unknown-linux-gnu"], &source_digest());
    let mut runner = Runner::new("Linux", "X64", release.dir.path(), "");
    runner
        .context
        .insert("github.action_ref".into(), String::new());
    let (download, build) = runner.install();
    assert_built_from_source(&runner, &download, build, "a local action has no releases");
    assert!(
        runner.context["steps.key.outputs.key"].contains("-local-"),
        "{}",
        runner.context["steps.key.outputs.key"]
    );
}
