//! The `vigil` binary: parse arguments, run, map the outcome to an exit status.

use clap::Parser;

fn main() {
    let cli = vigil::cli::Cli::parse();
    let code = match vigil::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vigil: {e}");
            vigil::cli::EXIT_ERROR
        }
    };
    std::process::exit(code);
}
