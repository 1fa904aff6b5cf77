//! The `vigil` binary: parse arguments, run, map the outcome to an exit status.

use clap::Parser;

// Imports allocate and free many small JSON values across the reading and the
// tantivy indexing threads; mimalloc does this far cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
