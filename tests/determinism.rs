//! The same repository gives byte-identical output, in every format, whatever the number of
//! threads and across runs; nothing depends on walk order, hash order or the wall clock
//! (except through `--today`).

use std::path::Path;

use annexa::engine::{self, Options};
use annexa::render::{self, HumanOptions, RenderContext};

fn outputs(fixture: &str, threads: usize) -> Vec<String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(fixture);
        let mut options = Options::new(root);
        options.today = "2026-11-22".parse().unwrap();
        let o = engine::run(&options).unwrap();
        let ctx = RenderContext::new(&o.sources, &o.registry, "0.0.0-test")
            .with_root_file(o.config_file.as_deref());
        render::Format::ALL
            .iter()
            .map(|f| {
                render::render(
                    *f,
                    &o.diagnostics,
                    &ctx,
                    HumanOptions {
                        color: false,
                        width: 100,
                    },
                )
            })
            .chain([render::github_summary(&o.diagnostics, &ctx)])
            .collect()
    })
}

#[test]
fn output_is_identical_across_thread_counts_and_runs() {
    for fixture in [
        "example-org",
        "custom-rules",
        "broken-schema",
        "broken-syntax",
        "broken-kinds",
    ] {
        let one = outputs(fixture, 1);
        assert!(one.iter().all(|o| !o.is_empty()));
        for threads in [2, 4, 8] {
            let many = outputs(fixture, threads);
            for (a, b) in one.iter().zip(&many) {
                assert!(
                    a == b,
                    "{fixture}: output differs between 1 and {threads} threads"
                );
            }
        }
        assert_eq!(
            one,
            outputs(fixture, 4),
            "{fixture}: output differs between runs"
        );
    }
}
