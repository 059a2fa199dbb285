fn main() -> std::process::ExitCode {
    annexa::cli::main()
}
