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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::process::{ProcessNode, ProcessTree};

    fn chain(depth: usize) -> ProcessTree {
        let nodes = (0..depth)
            .map(|i| ProcessNode {
                key: i.to_string(),
                parent: i.checked_sub(1),
                children: if i + 1 < depth { vec![i + 1] } else { vec![] },
                ..ProcessNode::default()
            })
            .collect();
        ProcessTree {
            nodes,
            root: 0,
            focus: depth - 1,
        }
    }

    #[test]
    fn deep_chains_flatten_without_recursion_and_bounded_indent() {
        let tv = TreeView {
            tree: chain(20_000),
            ..TreeView::default()
        };
        let rows = flatten(&tv);
        assert_eq!(rows.len(), 20_000);
        let widest = rows.iter().map(|r| r.guide.chars().count()).max().unwrap();
        assert!(
            widest <= 3 * (MAX_INDENT + 2),
            "indent grows without bound: {widest}"
        );
    }

    #[test]
    fn ancestors_show_one_chain_and_siblings_appear_on_request() {
        // 0 -> {1, 2}; 1 -> {3 (focus), 4}; 3 -> {5}
        let kids = [vec![1, 2], vec![3, 4], vec![], vec![5], vec![], vec![]];
        let parents = [None, Some(0), Some(0), Some(1), Some(1), Some(3)];
        let nodes = (0..6)
            .map(|i| ProcessNode {
                key: i.to_string(),
                parent: parents[i],
                children: kids[i].clone(),
                ..ProcessNode::default()
            })
            .collect();
        let mut tv = TreeView {
            tree: ProcessTree {
                nodes,
                root: 0,
                focus: 3,
            },
            ..TreeView::default()
        };
        let order = |tv: &TreeView| flatten(tv).iter().map(|r| r.node).collect::<Vec<_>>();
        assert_eq!(order(&tv), [0, 1, 3, 5]);
        tv.show_siblings = true;
        assert_eq!(order(&tv), [0, 1, 3, 5, 4], "2 is an uncle, not a sibling");
        tv.folded.insert(3);
        assert_eq!(order(&tv), [0, 1, 3, 4]);
        let rows = flatten(&tv);
        assert_eq!(rows[2].guide, "   ├─ ");
        assert!(rows[2].folded && rows[2].has_children);
    }
}
