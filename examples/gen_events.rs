//! Writes generated ECS NDJSON: a large benchmark dataset, or the bundled demo sample.
//!
//!     cargo run --release --example gen_events -- --events 1000000 --out /tmp/events.ndjson
//!     cargo run --release --example gen_events -- --demo --out samples/demo_events.ndjson
//!
//! Options: --seed N, --workstations N, --linux N, --macos N, --days N, --attacks (inject the
//! account-creation stories into a large dataset).

use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;
use std::time::Instant;
use vigil::samples::generator::{GenConfig, generate};

fn parse_number(flag: &str, value: Option<String>) -> Result<u64, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value, for example {flag} 1000"))?;
    value
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{flag} takes a whole number, got `{value}`"))
}

fn parse_args() -> Result<(GenConfig, String), String> {
    let mut args = std::env::args().skip(1);
    let mut config = GenConfig::large(100_000);
    let mut out = None;
    let mut demo = false;
    let mut attacks = false;
    let mut overrides: Vec<(String, u64)> = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => demo = true,
            "--attacks" => attacks = true,
            "--out" => out = Some(args.next().ok_or("--out needs a file name")?),
            "--events" | "--seed" | "--workstations" | "--linux" | "--macos" | "--days" => {
                let n = parse_number(&arg, args.next())?;
                overrides.push((arg, n));
            }
            "-h" | "--help" => {
                return Err(
                    "usage: gen_events [--demo] [--events N] [--out FILE] [--seed N] \
                     [--workstations N] [--linux N] [--macos N] [--days N] [--attacks]"
                        .to_string(),
                );
            }
            other => return Err(format!("unknown option `{other}`; try --help")),
        }
    }
    if demo {
        config = GenConfig::demo();
    }
    config.stories |= attacks;
    for (flag, n) in overrides {
        let as_usize = usize::try_from(n).map_err(|_| format!("{flag} {n} is too large"))?;
        match flag.as_str() {
            "--events" => config.events = n,
            "--seed" => config.seed = n,
            "--workstations" => config.workstations = as_usize,
            "--linux" => config.linux_hosts = as_usize,
            "--macos" => config.mac_hosts = as_usize,
            _ => {
                let days = i64::try_from(n).map_err(|_| format!("--days {n} is too large"))?;
                config.span_ms = days.saturating_mul(24 * 3_600_000);
            }
        }
    }
    let out = out.ok_or("--out FILE is required (the NDJSON is written there)")?;
    Ok((config, out))
}

fn main() -> ExitCode {
    let (config, path) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("gen_events: {message}");
            return ExitCode::from(2);
        }
    };
    let file = match File::create(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("gen_events: cannot create `{path}`: {e}");
            return ExitCode::from(1);
        }
    };
    let started = Instant::now();
    match generate(&config, BufWriter::with_capacity(1 << 20, file)) {
        Ok(stats) => {
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            eprintln!(
                "wrote {} events ({:.1} MB) to {path} in {secs:.2} s: {:.0} events/s, {:.0} MB/s",
                stats.events,
                bytes as f64 / 1e6,
                stats.events as f64 / secs,
                bytes as f64 / 1e6 / secs
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_events: {e}");
            ExitCode::from(1)
        }
    }
}
