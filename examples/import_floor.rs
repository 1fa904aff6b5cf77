//! Benchmark: where the import's time goes, stage by stage, on ECS NDJSON.
//!
//! Reads the first N lines of a file, then times separately (1) JSON parsing,
//! (2) normalization, and (3) storing the normalized events through the real
//! `EventWriter` (duplicate check, document building, tantivy indexing with its
//! threads, final commit). Stage 3 alone is the floor any importer built on this
//! index layout pays, whatever the parser and normalizer cost.
//!
//! `cargo run --release --example import_floor -- FILE [EVENTS] [WORKSPACE_DIR]`
//! (defaults: 200000 events, a fresh directory under the system temp dir).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::time::Instant;
use vigil::ingest::RawKind;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(input) = args.next() else {
        anyhow::bail!("usage: import_floor FILE [EVENTS] [WORKSPACE_DIR]");
    };
    let limit: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(200_000);
    let ws_dir = args.next().map(PathBuf::from).unwrap_or_else(|| {
        std::env::temp_dir().join(format!("vigil-import-floor-{}", std::process::id()))
    });
    if ws_dir.exists() {
        anyhow::bail!("{} exists: give a fresh directory", ws_dir.display());
    }

    let lines: Vec<String> = BufReader::new(std::fs::File::open(&input)?)
        .lines()
        .take(limit)
        .collect::<Result<_, _>>()?;
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let n = lines.len();

    let t = Instant::now();
    let values: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l))
        .collect::<Result<_, _>>()?;
    let parse = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut events = Vec::with_capacity(n);
    for (i, (line, value)) in lines.iter().zip(values).enumerate() {
        match vigil::normalize::normalize_value(RawKind::Json, line, value, &input) {
            Ok((event, _)) => events.push(event),
            Err(e) => anyhow::bail!("{input}:{}: {e}", i + 1),
        }
    }
    let normalize = t.elapsed().as_secs_f64();

    let ws = vigil::workspace::Workspace::open_or_create(&ws_dir)?;
    let t = Instant::now();
    {
        let mut writer = ws.writer()?;
        for event in &events {
            writer.add(event)?;
        }
        writer.commit()?;
    }
    let store = t.elapsed().as_secs_f64();
    drop(events);
    std::fs::remove_dir_all(&ws_dir)?;

    let row = |stage: &str, secs: f64| {
        println!(
            "{stage:<44} {secs:>8.2} s {:>10.0} events/s {:>7.2} us/event",
            n as f64 / secs,
            secs * 1e6 / n as f64
        );
    };
    println!(
        "{n} events, {:.1} MB, from {input}",
        bytes as f64 / 1_000_000.0
    );
    row("parse JSON (serde_json::Value, one thread)", parse);
    row("normalize to ECS (one thread)", normalize);
    row("store: check, build, index, commit (tantivy)", store);
    row("sum of the stages", parse + normalize + store);
    Ok(())
}
