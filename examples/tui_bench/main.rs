//! Interface benchmark (issue 6, item 10): drives the real `Controller` through the real key
//! map and draws every frame into a 120x40 `TestBackend`, printing the median and maximum
//! milliseconds of each class of keystroke. Run it once, not in a loop.
//!
//!     tui_bench --workspace DIR [--repeat N]     a real workspace (scripts/bench.sh tui)
//!     tui_bench --tree-events FILE [--children N] [--depth N]   write the tree-shape events
//!     tui_bench [--alerts N] [--children N]      a synthetic in-memory source

mod measure;
mod memory;
mod tree_events;
mod workspace;

use std::path::PathBuf;

// The allocator `vigil` itself uses, so the figures match the binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn number(flag: &str, value: Option<String>) -> anyhow::Result<usize> {
    let value = value.ok_or_else(|| anyhow::anyhow!("{flag} needs a number"))?;
    value
        .replace('_', "")
        .parse()
        .map_err(|_| anyhow::anyhow!("{flag} takes a whole number, got `{value}`"))
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut dir, mut tree_out) = (None, None);
    let (mut repeat, mut alerts, mut children, mut depth) = (20, 50_000, 5_000, 2_000);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--workspace" => dir = args.next().map(PathBuf::from),
            "--tree-events" => tree_out = args.next().map(PathBuf::from),
            "--repeat" => repeat = number(&arg, args.next())?.max(1),
            "--alerts" => alerts = number(&arg, args.next())?,
            "--children" => children = number(&arg, args.next())?,
            "--depth" => depth = number(&arg, args.next())?.max(1),
            other => anyhow::bail!("unknown option `{other}`; see the header of tui_bench"),
        }
    }
    if let Some(out) = tree_out {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
        let n = tree_events::write(&mut file, children as u64, depth as u64)?;
        std::io::Write::flush(&mut file)?;
        println!(
            "{n} tree-shape events on host {} written to {}",
            tree_events::HOST,
            out.display()
        );
        return Ok(());
    }
    match dir {
        Some(dir) => workspace::run(&dir, repeat),
        None => memory::run(alerts, children),
    }
}
