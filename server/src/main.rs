//! `hashlab`: the Hashlab web server and command line.
//!
//! `hashlab` (or `hashlab serve`) serves the web app; `hashlab run` runs a
//! scenario and prints its daily series; `hashlab presets` and `hashlab
//! fields` list what can be run and set. Bad input exits with status 2 and a
//! message naming the field and what it allows; nothing panics.

use clap::Parser;
use server::cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::execute(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hashlab: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
