//! The process tree as indented plain text, for case notes and the CLI. Every value
//! from the event is escaped, so a command line cannot inject lines or terminal codes.

use super::BuiltTree;
use crate::text::visible;
use chrono::{SecondsFormat, TimeZone, Utc};

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Show the focus process's siblings.
    pub siblings: bool,
}

/// Renders the tree from its root; the focus line ends with `<== alert process`.
pub fn render_text(built: &BuiltTree, opts: RenderOptions) -> String {
    let tree = &built.tree;
    let mut out = String::new();
    if tree.nodes.is_empty() {
        return out;
    }
    // (node, prefix for its children, connector for its own line)
    let mut stack: Vec<(usize, String, String)> = vec![(tree.root, String::new(), String::new())];
    while let Some((i, prefix, connector)) = stack.pop() {
        let Some(node) = tree.nodes.get(i) else {
            // A "(N more)" marker: its connector is the whole line.
            out.push_str(&connector);
            out.push('\n');
            continue;
        };
        out.push_str(&connector);
        out.push_str(&describe(built, i));
        out.push('\n');
        let kids: Vec<usize> = node
            .children
            .iter()
            .copied()
            .filter(|k| opts.siblings || !built.siblings.contains(k))
            .collect();
        let hidden = built.hidden_children.get(&i).copied().unwrap_or(0)
            + if opts.siblings {
                0
            } else {
                node.children.len() - kids.len()
            };
        let total = kids.len() + usize::from(hidden > 0);
        if hidden > 0 {
            // Pushed first so it prints last.
            stack.push((
                usize::MAX,
                String::new(),
                format!("{prefix}└── ({hidden} more)"),
            ));
        }
        for (pos, &k) in kids.iter().enumerate().rev() {
            let last = pos + 1 == total;
            let (branch, cont) = if last {
                ("└── ", "    ")
            } else {
                ("├── ", "│   ")
            };
            stack.push((k, format!("{prefix}{cont}"), format!("{prefix}{branch}")));
        }
    }
    out
}

fn describe(built: &BuiltTree, i: usize) -> String {
    let n = &built.tree.nodes[i];
    let mut line = visible(n.name.as_deref().unwrap_or("(unknown process)")).into_owned();
    if let Some(pid) = n.pid {
        line.push_str(&format!("  pid {pid}"));
    }
    if let Some(u) = &n.user {
        line.push_str(&format!("  user {}", visible(u)));
    }
    match n
        .start_ms
        .and_then(|t| Utc.timestamp_millis_opt(t).single())
    {
        Some(t) => line.push_str(&format!(
            "  {}",
            t.to_rfc3339_opts(SecondsFormat::Millis, true)
        )),
        None if n.event_id.is_none() => line.push_str("  (not in the data)"),
        None => {}
    }
    if n.event_count > 0 {
        line.push_str(&format!("  events {}", n.event_count));
    }
    if let Some((id, sev)) = &n.alert {
        line.push_str(&format!("  [ALERT {sev} {}]", visible(id)));
    }
    if i == built.tree.focus {
        line.push_str("  <== alert process");
    }
    if let Some(cmd) = &n.command_line {
        line.push_str(&format!("  cmd: {}", visible(cmd)));
    }
    line
}
