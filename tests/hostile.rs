//! Bad input never wins: each hostile file is skipped or reported, never a panic, a stack
//! overflow or a hang, and the other files of the repository are still checked.

use std::path::Path;

use annexa::engine::{self, Options};

/// A valid artifact that must still be loaded next to each hostile file.
const GOOD: &str = "annexa: v1\nkind: supplier\nid: SUP-GOOD\n";

fn repo_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("annexa.toml"), "").unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    for (name, content) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

fn run(root: &Path) -> engine::Outcome {
    engine::run(&Options::new(root.to_path_buf())).unwrap()
}

fn codes(o: &engine::Outcome, file: &str) -> Vec<String> {
    o.diagnostics
        .iter()
        .filter(|d| d.file() == Some(file))
        .map(|d| d.code.clone())
        .collect()
}

fn good_still_loaded(o: &engine::Outcome) {
    assert!(
        o.artifacts
            .iter()
            .any(|a| a.id.as_deref() == Some("SUP-GOOD")),
        "the valid artifact next to the hostile file was not loaded"
    );
}

#[test]
fn binary_file_with_yaml_name() {
    let mut bytes = b"annexa: v1\n".to_vec();
    bytes.extend([0u8, 159, 146, 150, 0, 1, 2]);
    let dir = repo_with(&[("blob.yaml", &bytes)]);
    let o = run(dir.path());
    assert_eq!(codes(&o, "blob.yaml"), ["FILE002"]);
    good_still_loaded(&o);
}

#[test]
fn invalid_utf8() {
    let dir = repo_with(&[(
        "latin1.yaml",
        b"annexa: v1\nkind: control\ntitle: caf\xe9\n",
    )]);
    let o = run(dir.path());
    assert_eq!(codes(&o, "latin1.yaml"), ["FILE002"]);
    let d = o.diagnostics.iter().find(|d| d.code == "FILE002").unwrap();
    assert!(d.message.contains("byte 35"), "{}", d.message);
    good_still_loaded(&o);
}

#[test]
fn empty_and_comment_only_files_are_silent() {
    let dir = repo_with(&[
        ("empty.yaml", b""),
        ("comments.yaml", b"# annexa: v1\n# nothing here\n"),
        ("empty.md", b""),
    ]);
    let o = run(dir.path());
    assert!(codes(&o, "empty.yaml").is_empty());
    assert!(codes(&o, "comments.yaml").is_empty());
    assert!(codes(&o, "empty.md").is_empty());
    good_still_loaded(&o);
}

#[test]
fn file_over_the_size_limit_is_not_read() {
    // 11 MiB: over the default 10 MiB limit; the content is never parsed.
    let big = "annexa: v1\n".to_string() + &"# padding\n".repeat(9 * 1024 * 1024 / 10);
    let dir = repo_with(&[("big.yaml", big.as_bytes())]);
    let o = run(dir.path());
    assert_eq!(codes(&o, "big.yaml"), ["FILE003"]);
    good_still_loaded(&o);
}

#[test]
fn deep_flow_nesting_is_bounded() {
    let depth = 100_000;
    let text = format!(
        "annexa: v1\nkind: supplier\nid: DEEP\nnotes: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let dir = repo_with(&[("deep.yaml", text.as_bytes())]);
    let o = run(dir.path());
    let c = codes(&o, "deep.yaml");
    assert!(c.contains(&"YAML004".to_string()), "{c:?}");
    good_still_loaded(&o);
}

#[test]
fn deep_block_nesting_is_bounded() {
    let mut text = String::from("annexa: v1\nkind: supplier\nid: DEEP\nnotes:\n");
    for i in 0..1_000 {
        text.push_str(&" ".repeat(i + 1));
        text.push_str("- \n");
    }
    let dir = repo_with(&[("deep.yaml", text.as_bytes())]);
    let o = run(dir.path());
    let c = codes(&o, "deep.yaml");
    assert!(c.contains(&"YAML004".to_string()), "{c:?}");
    good_still_loaded(&o);
}

#[test]
fn alias_bomb_is_bounded() {
    let mut text = String::from(
        "annexa: v1\nkind: supplier\nid: BOMB\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let dir = repo_with(&[("bomb.yaml", text.as_bytes())]);
    let o = run(dir.path());
    let c = codes(&o, "bomb.yaml");
    assert!(c.contains(&"YAML004".to_string()), "{c:?}");
    good_still_loaded(&o);
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_escape_are_reported_not_followed() {
    let dir = repo_with(&[]);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        "annexa: v1\nkind: supplier\nid: OUTSIDE\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("loop/up")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("escape")).unwrap();
    let o = run(dir.path());
    assert!(
        o.diagnostics
            .iter()
            .any(|d| d.code == "FILE004" && d.message.contains("loop")),
        "{:?}",
        o.diagnostics
    );
    assert!(
        o.diagnostics
            .iter()
            .any(|d| d.code == "FILE004" && d.message.contains("out of the repository")),
        "{:?}",
        o.diagnostics
    );
    assert!(
        !o.artifacts
            .iter()
            .any(|a| a.id.as_deref() == Some("OUTSIDE"))
    );
    good_still_loaded(&o);
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo_with(&[(
        "locked.yaml",
        GOOD.replace("SUP-GOOD", "SUP-LOCKED").as_bytes(),
    )]);
    let p = dir.path().join("locked.yaml");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root can read anything: the check is meaningful only for ordinary users.
    if std::fs::read(&p).is_ok() {
        return;
    }
    let o = run(dir.path());
    assert_eq!(codes(&o, "locked.yaml"), ["FILE001"]);
    good_still_loaded(&o);
}

#[test]
fn a_200_mb_file_is_refused_without_being_read() {
    // A sparse file: 200 MB long, created instantly; annexa must refuse it from its size.
    let dir = repo_with(&[]);
    let f = std::fs::File::create(dir.path().join("huge.yaml")).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap();
    let o = run(dir.path());
    assert_eq!(codes(&o, "huge.yaml"), ["FILE003"]);
    good_still_loaded(&o);
}

#[test]
fn one_100_mb_line_is_refused() {
    let dir = repo_with(&[]);
    let mut line = b"annexa: v1\nnotes: ".to_vec();
    line.resize(100 * 1024 * 1024, b'x');
    std::fs::write(dir.path().join("line.yaml"), &line).unwrap();
    let o = run(dir.path());
    assert_eq!(codes(&o, "line.yaml"), ["FILE003"]);
    good_still_loaded(&o);
}

#[test]
fn a_million_deep_flow_nesting_is_bounded() {
    let depth = 1_000_000;
    let text = format!(
        "annexa: v1\nkind: supplier\nid: DEEP\nnotes: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let dir = repo_with(&[("deep.yaml", text.as_bytes())]);
    let o = run(dir.path());
    assert!(
        codes(&o, "deep.yaml").contains(&"YAML004".to_string()),
        "{:?}",
        codes(&o, "deep.yaml")
    );
    good_still_loaded(&o);
}

#[test]
fn raising_the_size_limit_still_bounds_the_parser() {
    // Even with `limits.max_file_size` raised, the YAML loader refuses what it cannot parse
    // safely, with a diagnostic at the file.
    let dir = repo_with(&[]);
    std::fs::write(
        dir.path().join("annexa.toml"),
        "[limits]\nmax_file_size = 104857600\n",
    )
    .unwrap();
    let mut big = b"annexa: v1\nkind: supplier\nid: BIG\nnotes: |\n".to_vec();
    while big.len() < 9 * 1024 * 1024 {
        big.extend_from_slice(b"  padding line of a block scalar\n");
    }
    std::fs::write(dir.path().join("big.yaml"), &big).unwrap();
    let o = run(dir.path());
    assert_eq!(codes(&o, "big.yaml"), ["YAML004"]);
    good_still_loaded(&o);
}
