//! The `vigil` binary: parse arguments, run, map the outcome to an exit status.

use clap::Parser;

// Imports allocate and free many small JSON values across the reading and the
// tantivy indexing threads; mimalloc does this far cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Importers and background jobs report the panics they catch as problems (a
    // record, a file, a job); the default hook would also print them as if vigil crashed.
    vigil::error::quiet_reported_panics();
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
