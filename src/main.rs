use std::process::ExitCode;

fn main() -> ExitCode {
    // `jury status | head`: a closed pipe ends the program quietly, as it
    // does for other command-line tools, rather than panicking in println!.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    jury::cli::main()
}
