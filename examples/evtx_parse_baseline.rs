//! Benchmark baseline: how long the `evtx` crate alone takes to render every
//! record of the given EVTX files as JSON (what `vigil import` builds on).
//!
//! `cargo run --release --example evtx_parse_baseline -- FILE_OR_DIR...`

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let (files, _) = vigil::ingest::walk::collect_files(&paths);
    let started = Instant::now();
    let (mut records, mut errors, mut bytes) = (0u64, 0u64, 0u64);
    for file in files {
        let Ok(mut head) = std::fs::File::open(&file) else {
            continue;
        };
        let mut magic = [0u8; 8];
        if std::io::Read::read_exact(&mut head, &mut magic).is_err() || &magic != b"ElfFile\0" {
            continue;
        }
        bytes += std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let settings = evtx::ParserSettings::new().indent(false);
        let Ok(parser) = evtx::EvtxParser::from_path(&file) else {
            continue;
        };
        let mut parser = parser.with_configuration(settings);
        for r in parser.records_json() {
            match r {
                Ok(_) => records += 1,
                Err(_) => errors += 1,
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{records} records, {errors} errors, {:.1} MB in {secs:.3}s ({:.0} records/s)",
        bytes as f64 / 1e6,
        records as f64 / secs
    );
}
