use std::process::ExitCode;

fn main() -> ExitCode {
    jury::cli::main()
}
