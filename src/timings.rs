//! Phase timings for profiling: with `ANNEXA_TIMINGS=1` in the environment, the engine writes
//! how long each phase of a run took (and how the cache fared) to standard error.
//! Off by default; never part of any output format.

use std::time::Instant;

pub(crate) struct Timings {
    on: bool,
    start: Instant,
    last: Instant,
}

impl Timings {
    pub(crate) fn from_env() -> Timings {
        let now = Instant::now();
        Timings {
            on: std::env::var_os("ANNEXA_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"),
            start: now,
            last: now,
        }
    }

    /// Record the end of a phase.
    pub(crate) fn phase(&mut self, name: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!(
                "annexa timings: {name:<12} {:>8.1} ms (total {:.1} ms)",
                (now - self.last).as_secs_f64() * 1e3,
                (now - self.start).as_secs_f64() * 1e3
            );
            self.last = now;
        }
    }

    /// Say something about the run (cache hits, counts).
    pub(crate) fn note(&self, what: std::fmt::Arguments<'_>) {
        if self.on {
            eprintln!("annexa timings: {what}");
        }
    }
}
