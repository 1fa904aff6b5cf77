//! The process tree around an alert's process: ancestors up to the root, the process
//! itself, its descendants (children capped per node with a "N more" count) and its
//! siblings, built from process-start events of its host. Iterative throughout, so deep
//! chains and processes with thousands of children cost no stack and stay bounded.

mod procs;
mod render;

use crate::model::process::{ProcessNode, ProcessTree};
use crate::model::{Alert, Event};
use procs::{Links, Proc};
pub use render::{RenderOptions, render_text};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// Bounds on what is materialised.
#[derive(Debug, Clone, Copy)]
pub struct TreeOptions {
    /// Children shown per node; the rest are counted in `hidden_children`.
    pub max_children: usize,
    /// Siblings of the focus process shown.
    pub max_siblings: usize,
    /// Descendant nodes in total.
    pub max_descendants: usize,
}

impl Default for TreeOptions {
    fn default() -> Self {
        TreeOptions {
            max_children: 50,
            max_siblings: 50,
            max_descendants: 5_000,
        }
    }
}

/// A built tree with what was left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuiltTree {
    pub tree: ProcessTree,
    /// Node index -> how many of its children are not in the tree.
    pub hidden_children: BTreeMap<usize, usize>,
    /// Siblings of the focus process (children of its parent). They are in the tree as
    /// children of the parent; hide them to show the plain ancestry.
    pub siblings: Vec<usize>,
    /// Nodes from the root down to the focus.
    pub path_to_focus: Vec<usize>,
}

/// Builds the tree for the process of `focus` (the alert's matched event) from
/// `events`, the process-start events of its host. Returns `None` when the focus event
/// names no process.
pub fn build(focus: &Event, events: &[Event], opts: &TreeOptions) -> Option<BuiltTree> {
    let mut procs: Vec<Proc<'_>> = events.iter().filter_map(Proc::read).collect();
    let focus_proc = Proc::read(focus)?;
    let found = procs
        .iter()
        .position(|p| p.event.id == focus.id)
        .or_else(|| {
            let e = focus_proc.entity?;
            procs.iter().position(|p| p.entity == Some(e))
        });
    let focus_idx = match found {
        Some(i) => i,
        None => {
            procs.push(focus_proc);
            procs.len() - 1
        }
    };
    let links = Links::new(&procs);
    let mut b = Builder {
        procs: &procs,
        out: BuiltTree::default(),
        node_of: HashMap::new(),
    };

    // Ancestors, from the focus upwards, guarding against cycles.
    let mut chain = vec![focus_idx];
    let mut seen: HashSet<usize> = HashSet::from([focus_idx]);
    while let Some(p) = chain.last().and_then(|&c| links.parent[c]) {
        if !seen.insert(p) {
            break;
        }
        chain.push(p);
    }
    chain.reverse();
    // Nodes are pushed top-down, so the root is always node 0.
    let mut parent_node = None;
    if procs[chain[0]].has_parent_info() && links.parent[chain[0]].is_none() {
        let n = b.push(missing_parent(&procs[chain[0]]), None);
        b.out.path_to_focus.push(n);
        parent_node = Some(n);
    }
    for &p in &chain {
        let n = b.push_proc(p, parent_node);
        b.out.path_to_focus.push(n);
        parent_node = Some(n);
    }
    b.out.tree.root = 0;
    b.out.tree.focus = b.node_of.get(&focus_idx).copied().unwrap_or(0);

    // Siblings: the parent's other children, when the parent is in the data.
    let parent_of_focus = chain.len().checked_sub(2).map(|i| chain[i]);
    if let Some((parent_proc, parent_node)) =
        parent_of_focus.and_then(|p| Some((p, *b.node_of.get(&p)?)))
    {
        let others: Vec<usize> = links.children[parent_proc]
            .iter()
            .copied()
            .filter(|&c| c != focus_idx && !b.node_of.contains_key(&c))
            .collect();
        for &s in others.iter().take(opts.max_siblings) {
            let n = b.push_proc(s, Some(parent_node));
            b.out.siblings.push(n);
        }
        b.note_hidden(parent_node, others.len().saturating_sub(opts.max_siblings));
        b.sort_children(parent_node);
    }

    // Descendants, breadth first.
    let mut queue = VecDeque::from([focus_idx]);
    let mut budget = opts.max_descendants;
    while let Some(p) = queue.pop_front() {
        let Some(&node) = b.node_of.get(&p) else {
            continue;
        };
        let kids: Vec<usize> = links.children[p]
            .iter()
            .copied()
            .filter(|c| !b.node_of.contains_key(c))
            .collect();
        let shown = kids.len().min(opts.max_children).min(budget);
        for &c in &kids[..shown] {
            b.push_proc(c, Some(node));
            queue.push_back(c);
        }
        budget -= shown;
        b.note_hidden(node, kids.len() - shown);
    }
    Some(b.out)
}

struct Builder<'p, 'e> {
    procs: &'p [Proc<'e>],
    out: BuiltTree,
    node_of: HashMap<usize, usize>,
}

impl Builder<'_, '_> {
    fn push(&mut self, mut node: ProcessNode, parent: Option<usize>) -> usize {
        let idx = self.out.tree.nodes.len();
        node.parent = parent;
        if let Some(p) = parent {
            self.out.tree.nodes[p].children.push(idx);
        }
        self.out.tree.nodes.push(node);
        idx
    }

    fn push_proc(&mut self, p: usize, parent: Option<usize>) -> usize {
        let n = self.push(node_from(&self.procs[p]), parent);
        self.node_of.insert(p, n);
        n
    }

    fn note_hidden(&mut self, node: usize, n: usize) {
        if n > 0 {
            *self.out.hidden_children.entry(node).or_default() += n;
        }
    }

    fn sort_children(&mut self, node: usize) {
        let nodes = &self.out.tree.nodes;
        let mut kids = nodes[node].children.clone();
        kids.sort_by_key(|&k| (nodes[k].start_ms, k));
        self.out.tree.nodes[node].children = kids;
    }
}

fn node_from(p: &Proc<'_>) -> ProcessNode {
    let ev = p.event;
    let s = |f: &str| ev.str_field(f).map(str::to_string);
    let name = s("process.name").or_else(|| s("process.executable").map(|e| basename(&e)));
    let user = s("user.name").map(|u| match ev.str_field("user.domain") {
        Some(d) if !d.is_empty() => format!("{d}\\{u}"),
        _ => u,
    });
    ProcessNode {
        key: process_key(p),
        event_id: Some(ev.id.clone()),
        name,
        executable: s("process.executable"),
        command_line: s("process.command_line"),
        pid: p.pid,
        user,
        start_ms: Some(p.start_ms),
        ..ProcessNode::default()
    }
}

/// A parent known only from its child's `process.parent.*` fields.
fn missing_parent(child: &Proc<'_>) -> ProcessNode {
    let ev = child.event;
    let s = |f: &str| ev.str_field(f).map(str::to_string);
    let key = match (child.parent_entity, child.ppid) {
        (Some(e), _) => e.to_string(),
        (None, Some(pid)) => format!(
            "{}|{pid}|before-{}",
            child.host.unwrap_or(""),
            child.start_ms
        ),
        (None, None) => String::new(),
    };
    ProcessNode {
        key,
        name: s("process.parent.name")
            .or_else(|| s("process.parent.executable").map(|e| basename(&e))),
        executable: s("process.parent.executable"),
        command_line: s("process.parent.command_line"),
        pid: child.ppid,
        ..ProcessNode::default()
    }
}

/// `process.entity_id`, or host|pid|start for sources without one.
fn process_key(p: &Proc<'_>) -> String {
    match p.entity {
        Some(e) => e.to_string(),
        None => format!(
            "{}|{}|{}",
            p.host.unwrap_or(""),
            p.pid.unwrap_or(0),
            p.start_ms
        ),
    }
}

fn basename(path: &str) -> String {
    path.rsplit(['\\', '/']).next().unwrap_or(path).to_string()
}

/// Sets each node's count of other events from `counts` (keyed by node key).
pub fn fill_event_counts(tree: &mut ProcessTree, counts: &HashMap<String, usize>) {
    for n in &mut tree.nodes {
        n.event_count = counts.get(&n.key).copied().unwrap_or(0);
    }
}

/// Marks each node with its most severe alert (matched by entity id or start event).
pub fn mark_alerts(tree: &mut ProcessTree, alerts: &[Alert]) {
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    for (i, n) in tree.nodes.iter().enumerate() {
        if !n.key.is_empty() {
            by_key.insert(n.key.as_str(), i);
        }
        if let Some(e) = &n.event_id {
            by_key.insert(e.as_str(), i);
        }
    }
    let mut best: HashMap<usize, &Alert> = HashMap::new();
    for a in alerts {
        let entity = a.process.as_ref().and_then(|p| p.entity_id.as_deref());
        let hit = entity
            .and_then(|e| by_key.get(e))
            .or_else(|| a.event_ids.iter().find_map(|e| by_key.get(e.as_str())));
        if let Some(&i) = hit {
            let slot = best.entry(i).or_insert(a);
            if a.severity > slot.severity {
                *slot = a;
            }
        }
    }
    for (i, a) in best {
        tree.nodes[i].alert = Some((a.id.clone(), a.severity));
    }
}

#[cfg(test)]
mod tests;
