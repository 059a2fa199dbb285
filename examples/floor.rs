//! The benchmark floor: walk a repository, read every YAML and Markdown file and parse it with
//! tree-sitter (YAML; Markdown and the YAML of its front matter) — and nothing else. annexa's
//! full check is measured against this (`benches/run`).
//!
//!     cargo run --release --example floor -- DIR

use std::cell::RefCell;
use std::path::PathBuf;

use rayon::prelude::*;
use tree_sitter::Parser;

thread_local! {
    static YAML: RefCell<Parser> = RefCell::new(parser(&tree_sitter_yaml::LANGUAGE.into()));
    static MD: RefCell<Parser> = RefCell::new(parser(&tree_sitter_md::LANGUAGE.into()));
}

fn parser(language: &tree_sitter::Language) -> Parser {
    let mut p = Parser::new();
    p.set_language(language).expect("grammar loads");
    p
}

/// Parse one file; returns the number of syntax nodes (so the work cannot be optimised away).
fn parse(path: &PathBuf) -> usize {
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    let is_md = path.extension().is_some_and(|e| e == "md");
    if !is_md {
        return YAML.with(|p| {
            p.borrow_mut()
                .parse(&text, None)
                .map_or(0, |t| t.root_node().descendant_count())
        });
    }
    let mut nodes = MD.with(|p| {
        p.borrow_mut()
            .parse(&text, None)
            .map_or(0, |t| t.root_node().descendant_count())
    });
    // The front matter's YAML, as annexa parses it.
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---")
    {
        let yaml = &rest[..end + 1];
        nodes += YAML.with(|p| {
            p.borrow_mut()
                .parse(yaml, None)
                .map_or(0, |t| t.root_node().descendant_count())
        });
    }
    nodes
}

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: floor DIR");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = ignore::WalkBuilder::new(&root)
        .build()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "md")
        })
        .collect();
    let nodes: usize = files.par_iter().map(parse).sum();
    println!("{} files, {nodes} syntax nodes", files.len());
}
