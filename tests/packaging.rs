//! What annexa publishes is complete and consistent: the crate (`cargo package`) holds exactly
//! its manifest, README, licence, sources and the data they embed or publish (rules, catalogs,
//! schemas); the PyPI wheel (pypi/pyproject.toml) and the package pre-commit
//! installs for the `language: python` hooks (the root's pyproject.toml) take the crate's
//! version; the licence is declared the same way everywhere. Building and installing the
//! wheel is tested by tests/wheel/run (scripts/test).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn toml_file(path: &str) -> toml::Table {
    toml::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every file under a directory of the repository, as paths relative to the root with `/`.
fn files_under(dir: &str, out: &mut BTreeSet<String>) {
    out.extend(
        common::files(&root().join(dir))
            .into_iter()
            .map(|f| format!("{dir}/{f}")),
    );
}

/// The files `include_str!`/`include_bytes!` in src name, relative to the root.
fn included_by_src() -> BTreeSet<String> {
    let mut sources = BTreeSet::new();
    files_under("src", &mut sources);
    let mut out = BTreeSet::new();
    for source in sources.iter().filter(|f| f.ends_with(".rs")) {
        let text = read(source);
        for macro_name in ["include_str!(\"", "include_bytes!(\""] {
            for (at, _) in text.match_indices(macro_name) {
                let rest = &text[at + macro_name.len()..];
                let target = &rest[..rest.find('"').unwrap()];
                let dir = Path::new(source).parent().unwrap();
                let mut parts: Vec<&str> = dir.to_str().unwrap().split('/').collect();
                for part in target.split('/') {
                    match part {
                        ".." => {
                            parts.pop();
                        }
                        "." => {}
                        p => parts.push(p),
                    }
                }
                out.insert(parts.join("/"));
            }
        }
    }
    out
}

#[test]
fn the_crate_holds_exactly_what_it_needs() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let list = common::succeed(
        Command::new(cargo)
            .args(["package", "--list", "--allow-dirty", "--offline", "--quiet"])
            .current_dir(root()),
    );
    let listed: BTreeSet<String> = list.lines().map(str::to_owned).collect();

    // The manifest, the lock file, the README the manifest names and the licence.
    let mut expected: BTreeSet<String> = [
        ".cargo_vcs_info.json",
        "Cargo.lock",
        "Cargo.toml",
        "Cargo.toml.orig",
        "LICENSE",
        "README.md",
    ]
    .map(str::to_owned)
    .into();
    // The sources; the built-in rules and catalogs; the JSON Schemas, embedded for validation
    // and published for editors (docs/artifacts.md), catalog.schema.json too.
    files_under("src", &mut expected);
    files_under("rules", &mut expected);
    files_under("schemas", &mut expected);
    for file in included_by_src() {
        assert!(
            expected.contains(&file),
            "src embeds {file}, which is not in the crate"
        );
    }
    let extra: Vec<_> = listed.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&listed).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "`include` in Cargo.toml: the crate has files its build does not read: {extra:?}; \
         and lacks files it does: {missing:?}"
    );
}

#[test]
fn the_licence_is_declared_the_same_everywhere() {
    let licence = read("LICENSE");
    assert!(
        licence.trim_start().starts_with("Apache License")
            && licence.contains("Version 2.0, January 2004")
            && licence.contains("END OF TERMS AND CONDITIONS"),
        "LICENSE is the Apache License 2.0"
    );
    let cargo = toml_file("Cargo.toml");
    assert_eq!(cargo["package"]["license"].as_str(), Some("Apache-2.0"));
    let wheel = toml_file("pypi/pyproject.toml");
    assert_eq!(wheel["project"]["license"].as_str(), Some("Apache-2.0"));
    assert!(read("pypi/hook/annexa_hook_backend.py").contains("License: Apache-2.0"));
    assert!(read("README.md").contains("Apache License 2.0 ([LICENSE](LICENSE))"));
}

/// The root's pyproject.toml is what pre-commit installs for the `language: python` hooks: a
/// package with no build dependency (its backend is in the repository), so nothing but the
/// annexa wheel is downloaded. The wheel's own project is pypi/pyproject.toml.
#[test]
fn the_python_packages_are_built_from_this_crate() {
    let hook = toml_file("pyproject.toml");
    let build_system = hook["build-system"].as_table().unwrap();
    assert_eq!(build_system["requires"], toml::Value::Array(vec![]));
    let backend = build_system["build-backend"].as_str().unwrap();
    let paths = build_system["backend-path"].as_array().unwrap();
    assert_eq!(paths.len(), 1);
    let backend_dir = root().join(paths[0].as_str().unwrap());
    assert!(
        backend_dir.join(format!("{backend}.py")).is_file(),
        "the backend `{backend}` is not in {paths:?}"
    );

    let wheel = toml_file("pypi/pyproject.toml");
    assert_eq!(wheel["project"]["name"].as_str(), Some("annexa"));
    assert_eq!(
        wheel["project"]["dynamic"].as_array().unwrap(),
        &vec![toml::Value::String("version".into())],
        "the wheel's version is the crate's"
    );
    let maturin = &wheel["tool"]["maturin"];
    assert_eq!(
        maturin["bindings"].as_str(),
        Some("bin"),
        "the wheel holds the binary"
    );
    assert_eq!(maturin["manifest-path"].as_str(), Some("../Cargo.toml"));

    // The hook package depends on the wheel at the crate's version.
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| Command::new(p).arg("--version").output().is_ok());
    let Some(python) = python else {
        eprintln!("skipped the hook package's metadata: no python3");
        return;
    };
    let metadata = common::succeed(
        Command::new(python)
            .args([
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); import annexa_hook_backend as b; \
                 print(b._metadata(b._version()), end='')",
            ])
            .arg(&backend_dir)
            .current_dir(root()),
    );
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        metadata.contains(&format!("\nVersion: {version}\n"))
            && metadata.contains(&format!("\nRequires-Dist: annexa=={version}\n")),
        "{metadata}"
    );
}
