//! Rule-evaluation throughput: EQL with 1, 50 and 500 rules, Sigma with one rule and with
//! every SigmaHQ Windows rule, over the same generated ECS events. A measurement, not a
//! test:
//!
//!     cargo run --release --example bench_rules -- --events 1000000
//!
//! Options: `--events N` (default 200000), `--input FILE` (ECS NDJSON instead of
//! generating), `--sigma DIR` (default ../shared/rules/sigmahq/rules/windows),
//! `--elastic DIR` (default ../shared/rules/elastic), `--sets eql1,eql500,builtin,...`
//! (default: every set; `builtin` is the catalog's built-in pack, Elastic and Sigma, as
//! `vigil import` runs it). Events are generated, normalized and
//! evaluated in chunks so memory stays bounded; only evaluation is timed. Peak RSS comes
//! from `VmHWM` in /proc/self/status.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use vigil::ingest::{Location, RawKind, RawRecord};
use vigil::model::{Event, RuleOrigin};
use vigil::normalize::normalize;
use vigil::rules::api::{Evaluator, RuleMatch};
use vigil::rules::catalog::{Catalog, Sources};
use vigil::samples::generator::{GenConfig, generate};

const CHUNK: usize = 5_000;

/// The built-in seed rule's query, used as the single EQL rule.
const SEED_EQL: &str = r#"process where host.os.type == "windows" and event.type == "start" and
  (process.name : ("net.exe", "net1.exe") and not process.parent.name : "net.exe") and
  (process.args : "user" and process.args : ("/ad", "/add"))"#;

/// The single Sigma rule: SigmaHQ's `New User Created Via Net.EXE`.
const ONE_SIGMA: &str = "process_creation/proc_creation_win_net_user_add.yml";

struct Options {
    events: u64,
    input: Option<PathBuf>,
    sigma_dir: PathBuf,
    elastic_dir: PathBuf,
    /// Rule sets to run (`eql1,eql50,eql500,builtin,sigma1,sigmaall`); empty = all.
    sets: Vec<String>,
}

const SET_NAMES: &[&str] = &["eql1", "eql50", "eql500", "builtin", "sigma1", "sigmaall"];

impl Options {
    fn wants(&self, set: &str) -> bool {
        self.sets.is_empty() || self.sets.iter().any(|s| s == set)
    }
}

fn shared() -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if local.is_dir() {
        local
    } else {
        PathBuf::from("/work/shared")
    }
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        events: 200_000,
        input: None,
        sigma_dir: shared().join("rules/sigmahq/rules/windows"),
        elastic_dir: shared().join("rules/elastic"),
        sets: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--events" => {
                let v = value()?;
                o.events = v
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--events takes a whole number, got `{v}`"))?;
            }
            "--input" => o.input = Some(PathBuf::from(value()?)),
            "--sigma" => o.sigma_dir = PathBuf::from(value()?),
            "--elastic" => o.elastic_dir = PathBuf::from(value()?),
            "--sets" => {
                let v = value()?;
                for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if !SET_NAMES.contains(&name) {
                        return Err(format!(
                            "unknown rule set `{name}`; choose among {}",
                            SET_NAMES.join(",")
                        ));
                    }
                    o.sets.push(name.to_string());
                }
            }
            "-h" | "--help" => {
                return Err(
                    "usage: bench_rules [--events N] [--input FILE] [--sigma DIR] \
                     [--elastic DIR] [--sets eql1,eql50,eql500,builtin,sigma1,sigmaall]"
                        .into(),
                );
            }
            other => return Err(format!("unknown option `{other}`; try --help")),
        }
    }
    Ok(o)
}

/// Peak resident set size so far, in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn files_under(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ext.contains(&e))
        {
            out.push(p);
        }
    }
}

fn toml_rule(id: &str, query: &str) -> String {
    format!(
        "[rule]\nname = \"bench {id}\"\nrule_id = \"{id}\"\ndescription = \"benchmark rule\"\n\
         type = \"eql\"\nlanguage = \"eql\"\nseverity = \"low\"\nrisk_score = 21\n\
         query = '''\n{query}\n'''\n"
    )
}

/// Synthetic rules in the shapes real Windows EQL rules take, each with its own literals.
fn synthetic_query(i: usize) -> String {
    let tools = [
        "rundll32",
        "regsvr32",
        "mshta",
        "wscript",
        "cscript",
        "certutil",
        "bitsadmin",
        "wmic",
        "schtasks",
        "reg",
        "sc",
        "vssadmin",
        "bcdedit",
        "msbuild",
        "installutil",
    ];
    let tool = tools[i % tools.len()];
    match i % 5 {
        0 => format!(
            r#"process where host.os.type == "windows" and event.type == "start" and process.name : "{tool}.exe" and process.args : "-flag{i}""#
        ),
        1 => format!(
            r#"process where event.type == "start" and process.command_line : "*\\payload{i}\\*" and not process.parent.name : "explorer.exe""#
        ),
        2 => format!(
            r#"process where process.parent.name : ("winword.exe", "excel.exe") and process.name : "{tool}.exe" and process.args : "/s{i}""#
        ),
        3 => format!(r#"any where event.action == "bench-action-{i}" and user.name == "svc{i}""#),
        _ => format!(
            r#"file where event.type == "creation" and file.path : "C:\\Users\\*\\AppData\\drop{i}\\*.exe""#
        ),
    }
}

fn eql_catalog(count: usize, elastic_dir: &Path) -> Catalog {
    let mut inputs = vec![(
        RuleOrigin::File(PathBuf::from("seed.toml")),
        "seed.toml".to_string(),
        toml_rule("seed", SEED_EQL),
    )];
    if count > 1 {
        let mut files = Vec::new();
        files_under(elastic_dir, &["toml"], &mut files);
        for f in files {
            if inputs.len() >= count {
                break;
            }
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            if text.contains("language = \"eql\"") {
                let shown = f.display().to_string();
                inputs.push((RuleOrigin::File(f), shown, text));
            }
        }
        let mut i = 0;
        while inputs.len() < count {
            let id = format!("synthetic-{i}");
            let shown = format!("{id}.toml");
            inputs.push((
                RuleOrigin::File(PathBuf::from(&shown)),
                shown,
                toml_rule(&id, &synthetic_query(i)),
            ));
            i += 1;
        }
    }
    Catalog::from_texts(inputs)
}

fn sigma_catalog(paths: &[PathBuf]) -> Catalog {
    let inputs = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let shown = p.display().to_string();
            Some((RuleOrigin::File(p.clone()), shown, text))
        })
        .collect();
    Catalog::from_texts(inputs)
}

struct Run {
    label: String,
    rules: usize,
    catalog: Catalog,
    build: Duration,
}

struct Timing {
    spent: Duration,
    matches: usize,
}

fn load_runs(o: &Options) -> Vec<Run> {
    let mut runs = Vec::new();
    for count in [1usize, 50, 500] {
        if !o.wants(&format!("eql{count}")) {
            continue;
        }
        let start = Instant::now();
        let catalog = eql_catalog(count, &o.elastic_dir);
        runs.push(Run {
            label: format!("EQL {count}"),
            rules: catalog.ready().len(),
            catalog,
            build: start.elapsed(),
        });
    }
    if o.wants("builtin") {
        let start = Instant::now();
        let sources = Sources {
            builtin: true,
            ..Sources::default()
        };
        match Catalog::load(&sources) {
            Ok(catalog) => runs.push(Run {
                label: "built-in pack".to_string(),
                rules: catalog.ready().len(),
                catalog,
                build: start.elapsed(),
            }),
            Err(e) => eprintln!("cannot load the built-in pack: {e}"),
        }
    }
    let one = o.sigma_dir.join(ONE_SIGMA);
    let mut all = Vec::new();
    files_under(&o.sigma_dir, &["yml", "yaml"], &mut all);
    for (set, label, paths) in [
        ("sigma1", "Sigma 1".to_string(), vec![one]),
        ("sigmaall", format!("Sigma all ({} files)", all.len()), all),
    ] {
        if !o.wants(set) {
            continue;
        }
        let start = Instant::now();
        let catalog = sigma_catalog(&paths);
        runs.push(Run {
            label,
            rules: catalog.ready().len(),
            catalog,
            build: start.elapsed(),
        });
    }
    runs
}

/// Normalizes one chunk of NDJSON lines.
fn normalize_chunk(lines: &[String]) -> Vec<Event> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, text)| {
            let raw = RawRecord {
                kind: RawKind::Json,
                text,
                location: Location::Line(i as u64 + 1),
            };
            normalize(raw, "bench").ok().map(|(e, _)| e)
        })
        .collect()
}

// Not inlined, so `valgrind --tool=callgrind --toggle-collect='*evaluate_chunk*'` can
// count the instructions of evaluation alone.
#[inline(never)]
fn evaluate_chunk(events: &[Event], evs: &mut [Box<dyn Evaluator + '_>], timings: &mut [Timing]) {
    let mut out: Vec<RuleMatch> = Vec::new();
    for (ev, t) in evs.iter_mut().zip(timings.iter_mut()) {
        let start = Instant::now();
        for e in events {
            out.clear();
            ev.on_event(e, &mut out);
            t.matches += out.len();
        }
        t.spent += start.elapsed();
    }
}

#[inline(never)]
fn finish_all(evs: &mut [Box<dyn Evaluator + '_>], timings: &mut [Timing]) {
    let mut finished = Vec::new();
    for (ev, t) in evs.iter_mut().zip(timings.iter_mut()) {
        let start = Instant::now();
        finished.clear();
        ev.finish(&mut finished);
        t.spent += start.elapsed();
        t.matches += finished.len();
    }
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let input = match &o.input {
        Some(p) => p.clone(),
        None => {
            let path = std::env::temp_dir().join(format!("vigil-bench-{}.ndjson", o.events));
            if !path.is_file() {
                eprintln!("generating {} events into {}", o.events, path.display());
                let written = std::fs::File::create(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|f| {
                        generate(&GenConfig::large(o.events), std::io::BufWriter::new(f))
                            .map_err(|e| e.to_string())
                    });
                if let Err(e) = written {
                    eprintln!("cannot generate events: {e}");
                    return ExitCode::FAILURE;
                }
            }
            path
        }
    };
    let runs = load_runs(&o);
    let rss_after_load = peak_rss_mib();
    let mut evaluators: Vec<Box<dyn Evaluator + '_>> = runs
        .iter()
        .map(|r| Box::new(r.catalog.evaluator()) as Box<dyn Evaluator + '_>)
        .collect();
    let mut timings: Vec<Timing> = runs
        .iter()
        .map(|_| Timing {
            spent: Duration::ZERO,
            matches: 0,
        })
        .collect();
    let reader = match std::fs::File::open(&input) {
        Ok(f) => BufReader::new(f),
        Err(e) => {
            eprintln!("cannot open {}: {e}", input.display());
            return ExitCode::FAILURE;
        }
    };
    let mut lines = Vec::with_capacity(CHUNK);
    let mut total = 0usize;
    for line in reader.lines().map_while(Result::ok) {
        lines.push(line);
        if lines.len() == CHUNK {
            let events = normalize_chunk(&lines);
            total += events.len();
            evaluate_chunk(&events, &mut evaluators, &mut timings);
            lines.clear();
        }
    }
    let events = normalize_chunk(&lines);
    total += events.len();
    evaluate_chunk(&events, &mut evaluators, &mut timings);
    finish_all(&mut evaluators, &mut timings);
    println!("events evaluated: {total} (from {})", input.display());
    println!(
        "| rule set | rules ready | load+compile s | eval s | events/s | cost vs 1 rule | matches |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut base: Option<f64> = None;
    for (r, t) in runs.iter().zip(&timings) {
        let secs = t.spent.as_secs_f64().max(1e-9);
        if r.rules <= 1 {
            base = Some(secs);
        }
        let ratio = base.map_or("-".to_string(), |b| format!("{:.2}x", secs / b));
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.0} | {} | {} |",
            r.label,
            r.rules,
            r.build.as_secs_f64(),
            secs,
            total as f64 / secs,
            ratio,
            t.matches
        );
    }
    println!(
        "peak RSS (VmHWM): {rss_after_load:.0} MiB after loading all rule sets, {:.0} MiB at the end",
        peak_rss_mib()
    );
    ExitCode::SUCCESS
}
