//! Flattens a process tree into the rows the tree pane shows.
//!
//! Shown: the ancestors of the alert's process (one chain, root first), the process and
//! all its descendants, and, when siblings are on, the other children of its parent with
//! their descendants. Folded nodes hide their children. Iterative, so chains thousands
//! deep cannot overflow the stack; indentation stops growing past `MAX_INDENT` levels.

use crate::app::state::{TreeRow, TreeView};
use std::collections::HashSet;

const MAX_INDENT: usize = 24;

fn path_to_focus(tv: &TreeView) -> HashSet<usize> {
    let mut path = HashSet::new();
    let mut cur = Some(tv.tree.focus);
    while let Some(n) = cur {
        if !path.insert(n) {
            break;
        }
        cur = tv.tree.nodes.get(n).and_then(|x| x.parent);
    }
    path
}

struct Frame {
    node: usize,
    prefix: String,
    is_last: bool,
    depth: usize,
    inside: bool,
}

pub fn flatten(tv: &TreeView) -> Vec<TreeRow> {
    let nodes = &tv.tree.nodes;
    if nodes.is_empty() {
        return Vec::new();
    }
    let path = path_to_focus(tv);
    let focus_parent = nodes.get(tv.tree.focus).and_then(|n| n.parent);
    let mut top = tv.tree.root;
    // Start at the topmost ancestor of the focus even if `root` is stale.
    while let Some(p) = nodes.get(top).and_then(|n| n.parent) {
        if !path.contains(&p) {
            break;
        }
        top = p;
    }
    let mut rows = Vec::new();
    let mut stack = vec![Frame {
        node: top,
        prefix: String::new(),
        is_last: true,
        depth: 0,
        inside: top == tv.tree.focus,
    }];
    let mut seen = HashSet::new();
    while let Some(f) = stack.pop() {
        let Some(node) = nodes.get(f.node) else {
            continue;
        };
        if !seen.insert(f.node) {
            continue;
        }
        let connector = if f.depth == 0 {
            ""
        } else if f.is_last {
            "└─ "
        } else {
            "├─ "
        };
        let folded = tv.folded.contains(&f.node);
        rows.push(TreeRow {
            node: f.node,
            guide: format!("{}{connector}", f.prefix),
            has_children: !node.children.is_empty(),
            folded,
        });
        if folded {
            continue;
        }
        let kids: Vec<(usize, bool)> = node
            .children
            .iter()
            .filter_map(|&c| {
                if f.inside || (tv.show_siblings && Some(f.node) == focus_parent) {
                    Some((c, true))
                } else if path.contains(&c) {
                    Some((c, c == tv.tree.focus))
                } else {
                    None
                }
            })
            .collect();
        let child_prefix = if f.depth == 0 || f.depth > MAX_INDENT {
            f.prefix.clone()
        } else if f.is_last {
            format!("{}   ", f.prefix)
        } else {
            format!("{}│  ", f.prefix)
        };
        let n = kids.len();
        for (i, (c, inside)) in kids.into_iter().enumerate().rev() {
            stack.push(Frame {
                node: c,
                prefix: child_prefix.clone(),
                is_last: i + 1 == n,
                depth: f.depth + 1,
                inside,
            });
        }
    }
    rows
}
