//! `vigil stats`: what a workspace holds.

use crate::error::{Result, VigilError};
use crate::index::IndexStats;
use crate::normalize::time::format_ms;
use crate::workspace::Workspace;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Print the statistics as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(workspace: &Path, args: StatsArgs) -> Result<i32> {
    let ws = Workspace::open_read(workspace)?;
    let stats = ws.searcher()?.stats()?;
    if args.json {
        let mut v = serde_json::to_value(&stats).map_err(|e| VigilError::Other(e.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("first".into(), stats.first_ms.map(format_ms).into());
            o.insert("last".into(), stats.last_ms.map(format_ms).into());
        }
        println!("{v}");
    } else {
        print!("{}", render(&stats));
    }
    Ok(0)
}

/// Human-readable statistics.
pub fn render(s: &IndexStats) -> String {
    let mut out = format!("events: {}\n", s.events);
    match (s.first_ms, s.last_ms) {
        (Some(a), Some(b)) => out.push_str(&format!(
            "time range: {} .. {}\n",
            format_ms(a),
            format_ms(b)
        )),
        _ => out.push_str("time range: (empty)\n"),
    }
    for (title, map) in [
        ("source format", &s.by_format),
        ("channel", &s.by_channel),
        ("event code", &s.by_code),
        ("host", &s.by_host),
    ] {
        out.push_str(&format!("\nby {title}:\n"));
        let mut rows: Vec<_> = map.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (k, v) in rows {
            out.push_str(&format!("  {v:>10}  {}\n", k.escape_default()));
        }
    }
    out
}
