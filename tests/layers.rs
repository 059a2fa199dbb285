//! The layers of `docs/architecture.md` ("Layers"), checked against the sources.
//!
//! Every file under `src/` is scanned for the modules it names: `crate::…` paths (in `use`
//! declarations, in code, and in string literals that are whole paths, such as
//! `#[serde(with = "crate::…")]`) and `super::…` paths that leave the top-level module. Unit
//! tests count like any other code. Comments and other literals are skipped. The graph is built
//! at the granularity of top-level modules (`src/foo.rs` and `src/foo/**` are `foo`), and the
//! test fails, listing each one, on every cycle and on every use that the layer table does not
//! allow.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::` or one character of punctuation.
    Punct(&'static str),
    Open,
    Close,
    Str(String),
}

/// The tokens of Rust source that matter for paths, each with its line. Comments, numbers,
/// characters and lifetimes are dropped; strings keep their text.
fn tokens(src: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            if matches!(word.as_str(), "b" | "c" | "r" | "br" | "cr") && at(i) == '"' {
                let (text, next, lines) = string(&c, i, raw, 0);
                out.push((Tok::Str(text), line));
                (i, line) = (next, line + lines);
            } else if raw && at(i) == '#' {
                let mut hashes = 0;
                while at(i + hashes) == '#' {
                    hashes += 1;
                }
                if at(i + hashes) == '"' {
                    let (text, next, lines) = string(&c, i + hashes, true, hashes);
                    out.push((Tok::Str(text), line));
                    (i, line) = (next, line + lines);
                } else {
                    // A raw identifier, `r#type`.
                    i += 1;
                }
            } else if word == "b" && at(i) == '\'' {
                i = char_end(&c, i);
            } else {
                out.push((Tok::Ident(word), line));
            }
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
        } else if ch == '"' {
            let (text, next, lines) = string(&c, i, false, 0);
            out.push((Tok::Str(text), line));
            (i, line) = (next, line + lines);
        } else if ch == '\'' {
            // A character literal, else a lifetime or a label (skipped up to its name).
            if at(i + 1) == '\\' || (at(i + 2) == '\'' && at(i + 1) != '\n') {
                i = char_end(&c, i);
            } else {
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push((Tok::Punct("::"), line));
            i += 2;
        } else {
            out.push((
                match ch {
                    '{' => Tok::Open,
                    '}' => Tok::Close,
                    ',' => Tok::Punct(","),
                    ';' => Tok::Punct(";"),
                    '*' => Tok::Punct("*"),
                    _ => Tok::Punct("other"),
                },
                line,
            ));
            i += 1;
        }
    }
    out
}

/// A string literal whose opening quote is at `i`: its text, the index after it, and the
/// number of line breaks in it.
fn string(c: &[char], mut i: usize, raw: bool, hashes: usize) -> (String, usize, usize) {
    let (mut text, mut lines) = (String::new(), 0);
    i += 1;
    while i < c.len() {
        if c[i] == '\n' {
            lines += 1;
        }
        if !raw && c[i] == '\\' {
            text.push(c[i]);
            if c.get(i + 1) == Some(&'\n') {
                lines += 1;
            }
            text.extend(c.get(i + 1));
            i += 2;
            continue;
        }
        if c[i] == '"' && (0..hashes).all(|h| c.get(i + 1 + h) == Some(&'#')) {
            return (text, i + 1 + hashes, lines);
        }
        text.push(c[i]);
        i += 1;
    }
    (text, i, lines)
}

/// The index after a character literal whose opening quote is at `i` (or after `b'`).
fn char_end(c: &[char], mut i: usize) -> usize {
    if c[i] != '\'' {
        i += 1;
    }
    i += 1;
    if c.get(i) == Some(&'\\') {
        i += 2;
    } else {
        i += 1;
    }
    while i < c.len() && c[i] != '\'' {
        i += 1;
    }
    i + 1
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/// The top-level modules one file names outside its own, each with the lines naming it.
/// `module` is the file's module path (`["rules", "eval"]` for `src/rules/eval.rs`).
fn uses(src: &str, module: &[String]) -> BTreeMap<String, Vec<usize>> {
    let toks = tokens(src);
    let mut found: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut record = |name: &str, line: usize| {
        if name != module[0] && name != "self" {
            found.entry(name.to_string()).or_default().push(line);
        }
    };
    // Inline modules (`mod tests { … }`) open at a brace depth.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let ident = |k: usize| match toks.get(k) {
        Some((Tok::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let punct = |k: usize, p: &str| matches!(toks.get(k), Some((Tok::Punct(q), _)) if *q == p);
    for k in 0..toks.len() {
        let (tok, line) = &toks[k];
        match tok {
            Tok::Open => {
                depth += 1;
                if k >= 2
                    && ident(k - 2) == Some("mod")
                    && let Some(name) = ident(k - 1)
                {
                    inline.push((name.to_string(), depth));
                }
            }
            Tok::Close => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Str(text) => {
                let segments: Vec<&str> = text.split("::").collect();
                let is_path = segments.len() > 1
                    && segments.iter().all(|s| {
                        !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
                    });
                if is_path && matches!(segments[0], "crate" | "super") {
                    let mut here: Vec<&str> = module.iter().map(String::as_str).collect();
                    here.extend(inline.iter().map(|(n, _)| n.as_str()));
                    let mut rest = &segments[..];
                    if rest[0] == "crate" {
                        here.clear();
                        rest = &rest[1..];
                    } else {
                        while rest.first() == Some(&"super") {
                            here.pop();
                            rest = &rest[1..];
                        }
                    }
                    if let Some(first) = here.first().or(rest.first()) {
                        record(first, *line);
                    }
                }
            }
            Tok::Ident(word)
                if (word == "crate" || word == "super") && !punct(k.wrapping_sub(1), "::") =>
            {
                if !punct(k + 1, "::") {
                    continue;
                }
                // Where the path stands once `crate` or its `super`s are taken.
                let mut here: Vec<String> = module.to_vec();
                here.extend(inline.iter().map(|(n, _)| n.clone()));
                let mut next = k;
                if word == "crate" {
                    here.clear();
                    next += 2;
                } else {
                    while ident(next) == Some("super") && punct(next + 1, "::") {
                        here.pop();
                        next += 2;
                    }
                }
                if let Some(top) = here.first() {
                    record(top, *line);
                } else if let Some(name) = ident(next) {
                    record(name, *line);
                } else if matches!(toks.get(next), Some((Tok::Open, _))) {
                    // `crate::{a, b::c}`: the first segment of each item of the group.
                    let mut level = 0;
                    let mut item_start = true;
                    for (t, l) in &toks[next..] {
                        match t {
                            Tok::Open => {
                                level += 1;
                                item_start = level == 1;
                                continue;
                            }
                            Tok::Close => {
                                level -= 1;
                                if level == 0 {
                                    break;
                                }
                            }
                            Tok::Punct(",") if level == 1 => {
                                item_start = true;
                                continue;
                            }
                            Tok::Ident(name) if item_start && level == 1 => record(name, *l),
                            _ => {}
                        }
                        item_start = false;
                    }
                }
            }
            _ => {}
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// The graph
// ---------------------------------------------------------------------------------------------

/// Module → module it uses → places (`src/file.rs:line`).
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules: `src/*.rs` but `lib.rs` and `main.rs`, and `src/*/`.
fn modules(src: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir()
            || (path.extension().is_some_and(|e| e == "rs") && stem != "lib" && stem != "main")
        {
            out.insert(stem);
        }
    }
    out
}

/// The module path of a file: `src/rules/eval.rs` → `rules::eval`, `src/yaml/mod.rs` → `yaml`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut path: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if path.len() > 1 && path.last().is_some_and(|l| l == "mod") {
        path.pop();
    }
    path
}

fn graph() -> (BTreeSet<String>, Graph) {
    let src = project().join("src");
    let modules = modules(&src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut graph: Graph = modules
        .iter()
        .map(|m| (m.clone(), BTreeMap::new()))
        .collect();
    for file in files {
        let module = module_path(&src, &file);
        // The crate root only declares the modules; `main.rs` is the binary, another crate.
        if !modules.contains(&module[0]) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(project()).unwrap().display().to_string();
        for (used, lines) in uses(&text, &module) {
            if !modules.contains(&used) {
                continue;
            }
            let places = graph.get_mut(&module[0]).unwrap().entry(used).or_default();
            let mut lines = lines;
            lines.dedup();
            places.extend(lines.iter().map(|l| format!("{rel}:{l}")));
        }
    }
    (modules, graph)
}

/// The shortest path from `from` to `to` (both included), if there is one.
fn path(graph: &Graph, from: &str, to: &str) -> Option<Vec<String>> {
    let mut came: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(m) = queue.pop_front() {
        if m == to {
            let mut out = vec![to.to_string()];
            let mut at = to;
            while at != from {
                at = came[at];
                out.push(at.to_string());
            }
            out.reverse();
            return Some(out);
        }
        for next in graph[m].keys() {
            if next != from && !came.contains_key(next.as_str()) {
                came.insert(next, m);
                queue.push_back(next);
            }
        }
    }
    None
}

/// The cycles: for every use that closes one, the shortest cycle through it. Each starts at its
/// smallest module; shortest first. Every use that lies on some cycle is in at least one of them
/// (listing every elementary cycle would not be readable: one use reaching back into a long
/// pipeline closes hundreds).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let mut out = BTreeSet::new();
    for (from, used) in graph {
        for to in used.keys() {
            if let Some(back) = path(graph, to, from) {
                let mut cycle = vec![from.clone()];
                cycle.extend(back[..back.len() - 1].iter().cloned());
                let smallest = (0..cycle.len()).min_by_key(|&k| &cycle[k]).unwrap();
                cycle.rotate_left(smallest);
                out.insert((cycle.len(), cycle));
            }
        }
    }
    out.into_iter().map(|(_, c)| c).collect()
}

// ---------------------------------------------------------------------------------------------
// The documented layers
// ---------------------------------------------------------------------------------------------

struct Layers {
    /// Layer names, lowest first.
    order: Vec<String>,
    /// Module → its layer.
    of: BTreeMap<String, String>,
    /// Layer → layers its modules may use (besides its own).
    may_use: BTreeMap<String, BTreeSet<String>>,
}

/// The table under `## Layers` in `docs/architecture.md`: `| layer | modules | may use |`,
/// modules in backticks, "may use" a comma-separated list of earlier layers or `—`.
fn layers() -> Layers {
    let doc = std::fs::read_to_string(project().join("docs/architecture.md")).unwrap();
    let section = doc
        .split("\n## Layers\n")
        .nth(1)
        .expect("docs/architecture.md has no `## Layers` section");
    let rows: Vec<Vec<String>> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert!(
        rows.len() > 2 && rows[0] == ["layer", "modules", "may use"],
        "the `## Layers` table must start with `| layer | modules | may use |`, found {:?}",
        rows.first()
    );
    let mut layers = Layers {
        order: Vec::new(),
        of: BTreeMap::new(),
        may_use: BTreeMap::new(),
    };
    for row in &rows[2..] {
        let [layer, modules, may_use] = &row[..] else {
            panic!("a `## Layers` row needs three cells: {row:?}");
        };
        let mut allowed = BTreeSet::new();
        for used in may_use.split(',').map(str::trim) {
            if used == "—" || used.is_empty() {
                continue;
            }
            assert!(
                layers.order.iter().any(|l| l == used),
                "layer `{layer}` may use `{used}`, which is not a layer listed before it"
            );
            allowed.insert(used.to_string());
        }
        for module in modules.split(',').map(|m| m.trim().trim_matches('`')) {
            if let Some(other) = layers.of.insert(module.to_string(), layer.clone()) {
                panic!("module `{module}` is in two layers, `{other}` and `{layer}`");
            }
        }
        layers.order.push(layer.clone());
        layers.may_use.insert(layer.clone(), allowed);
    }
    layers
}

fn places(list: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut s = list[..list.len().min(SHOWN)].join(", ");
    if list.len() > SHOWN {
        let _ = write!(s, " and {} more", list.len() - SHOWN);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

#[test]
fn every_module_is_in_exactly_one_documented_layer() {
    let (modules, _) = graph();
    let layers = layers();
    let documented: BTreeSet<String> = layers.of.keys().cloned().collect();
    let missing: Vec<_> = modules.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&modules).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "docs/architecture.md (`## Layers`) and src/ disagree:\n  \
         modules in no layer: {missing:?}\n  layers name modules that do not exist: {unknown:?}"
    );
}

#[test]
fn modules_have_no_cycles_and_use_only_lower_layers() {
    let (_, graph) = graph();
    let layers = layers();
    let mut report = String::new();

    let found = cycles(&graph);
    if !found.is_empty() {
        let _ = writeln!(
            report,
            "{} import cycle(s) between modules (a module reaches back to one that uses it; \
             the shortest through each use that closes one):",
            found.len()
        );
        for cycle in &found {
            let _ = writeln!(report, "  {} → {}", cycle.join(" → "), cycle[0]);
            for (k, from) in cycle.iter().enumerate() {
                let to = &cycle[(k + 1) % cycle.len()];
                let _ = writeln!(report, "      {from} → {to}: {}", places(&graph[from][to]));
            }
        }
    }

    let mut against = String::new();
    for (from, used) in &graph {
        let Some(from_layer) = layers.of.get(from) else {
            continue;
        };
        for (to, at) in used {
            let Some(to_layer) = layers.of.get(to) else {
                continue;
            };
            if to_layer != from_layer && !layers.may_use[from_layer].contains(to_layer) {
                let _ = writeln!(
                    against,
                    "  {from} ({from_layer}) → {to} ({to_layer}): {}",
                    places(at)
                );
            }
        }
    }
    if !against.is_empty() {
        let _ = writeln!(
            report,
            "uses that the layer table of docs/architecture.md (`## Layers`) does not allow:\n{against}"
        );
    }
    if !report.is_empty() {
        report.push_str(
            "Move what the lower module needs down to where it belongs, or have a higher layer \
             assemble it (docs/architecture.md, \"Layers\").\n",
        );
    }
    assert!(report.is_empty(), "\n{report}");
}

// ---------------------------------------------------------------------------------------------
// The scanner itself
// ---------------------------------------------------------------------------------------------

fn names(src: &str, module: &[&str]) -> Vec<String> {
    let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
    uses(src, &module).into_keys().collect()
}

#[test]
fn the_scanner_finds_paths_in_code_uses_and_groups() {
    let src = "use crate::a::B;\nuse crate::{b, c::{D, E}, self};\nfn f() { crate::d::g(); }\n";
    assert_eq!(names(src, &["x"]), ["a", "b", "c", "d"]);
    // Multi-line groups and string paths (serde's `with`).
    let src = "use crate::{\n    e,\n    f::G,\n};\n#[serde(with = \"crate::h::json\")]\nstruct S;";
    assert_eq!(names(src, &["x"]), ["e", "f", "h"]);
    // The module's own paths are not uses.
    assert!(names("use crate::x::Y;", &["x", "inner"]).is_empty());
}

#[test]
fn the_scanner_resolves_super() {
    // In `src/x/y.rs`, `super` is `x`; `super::super` the crate root.
    assert!(names("use super::Z;", &["x", "y"]).is_empty());
    assert_eq!(names("use super::super::w::Z;", &["x", "y"]), ["w"]);
    // In `src/x/mod.rs` (module `x`), `super` is the crate root.
    assert_eq!(names("use super::w;", &["x"]), ["w"]);
    // Inside an inline module, `super` is the file's module.
    let src = "mod tests {\n    use super::*;\n    fn t() { super::super::v::f(); }\n}\n";
    assert_eq!(names(src, &["x"]), ["v"]);
    // After the inline module closes, `super` is the crate root again.
    assert_eq!(names("mod m { }\nuse super::u;", &["x"]), ["u"]);
}

#[test]
fn the_scanner_skips_comments_and_literals() {
    let src = r###"
        // use crate::a;
        /* use crate::b; /* nested */ crate::c */
        /// [`crate::d`]
        const S: &str = "use crate::e;";
        const R: &str = r#"crate::f::g"#;
        const C: char = '"'; fn h<'a>(x: &'a str) { let _ = '\''; }
        use crate::real;
    "###;
    // A string that is a whole path counts (serde's `with`), raw or not; prose does not.
    assert_eq!(names(src, &["x"]), ["f", "real"]);
    // Lines are counted through literals.
    assert_eq!(tokens("'a'\n\"x\ny\"\nb").last().unwrap().1, 4);
}

#[test]
fn every_use_on_a_cycle_is_listed_in_one() {
    let mut g: Graph = BTreeMap::new();
    for (a, b) in [("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "d")] {
        g.entry(a.into()).or_default().insert(b.into(), vec![]);
        g.entry(b.into()).or_default();
    }
    let found = cycles(&g);
    assert_eq!(found, [vec!["a", "b"], vec!["a", "b", "c"]]);
}
