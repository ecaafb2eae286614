//! The `nshunt` binary: argument parsing, logging, exit codes.
//!
//! Exit codes (DESIGN.md): 0 done, 2 error. A closed stdout (`| head`)
//! is not an error.

mod args;
mod commands;
mod output;
mod progress;
mod time;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::args::{Cli, Global};

/// mimalloc: ingest readers allocate each record on their own thread and
/// the writing thread frees it; glibc's allocator spends a fifth of a
/// label load on that hand-over (measured with `perf`), mimalloc a
/// fraction of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.global);

    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::from(2)
        }
    }
}

/// Diagnostics on stderr, warnings by default; `RUST_LOG` wins.
fn init_tracing(global: &Global) {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(output::stderr_color())
        .with_target(false)
        .init();
}

fn report(error: &anyhow::Error) {
    let prefix = if output::stderr_color() { "\x1b[1;31merror:\x1b[0m" } else { "error:" };
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        // Errors that already quote their cause need not repeat it.
        if !message.contains(&cause) {
            message.push_str(&format!("\n  caused by: {cause}"));
        }
    }
    let mut stderr = io::stderr().lock();
    for (i, line) in message.lines().enumerate() {
        let lead = if i == 0 { prefix } else { " " };
        let _ = writeln!(stderr, "{lead} {}", output::sanitize(line));
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
