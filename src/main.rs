/// mimalloc: annexa allocates many small values (one per YAML node) from several threads;
/// glibc's allocator spent a tenth of a run growing per-thread heaps (see `BENCHMARKS.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    annexa::cli::main()
}
