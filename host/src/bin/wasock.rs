//! The `wasock` command. See `wasock --help`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("WASOCK_LOG"))
        .with_writer(std::io::stderr)
        .init();
    match wasock_host::cli::main(wasock_host::cli::Cli::parse()) {
        Ok(code) => std::process::ExitCode::from(code.clamp(0, 255) as u8),
        Err(error) => {
            eprintln!("wasock: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
