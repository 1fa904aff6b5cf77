//! Process-start events read into compact records and linked to their parents:
//! by `process.parent.entity_id` when the source has entity ids, otherwise (Security
//! 4688) by host and parent pid, taking the latest process with that pid that started
//! no later than the child on the same host (pids are reused over time).

use crate::model::Event;
use serde_json::Value;
use std::collections::HashMap;

/// The fields of one process-start event that the tree needs.
#[derive(Debug)]
pub struct Proc<'a> {
    pub event: &'a Event,
    pub entity: Option<&'a str>,
    pub parent_entity: Option<&'a str>,
    pub pid: Option<u64>,
    pub ppid: Option<u64>,
    pub host: Option<&'a str>,
    pub start_ms: i64,
}

impl<'a> Proc<'a> {
    /// Reads a process record; `None` when the event names no process at all.
    pub fn read(event: &'a Event) -> Option<Proc<'a>> {
        let entity = non_empty(event.str_field("process.entity_id"));
        let pid = number(event.get("process.pid"));
        if entity.is_none() && pid.is_none() {
            return None;
        }
        Some(Proc {
            event,
            entity,
            parent_entity: non_empty(event.str_field("process.parent.entity_id")),
            pid,
            ppid: number(event.get("process.parent.pid")),
            host: non_empty(event.str_field("host.name"))
                .or_else(|| non_empty(event.str_field("winlog.computer_name"))),
            start_ms: event.timestamp_ms,
        })
    }

    /// Whether the record says anything about its parent.
    pub fn has_parent_info(&self) -> bool {
        self.parent_entity.is_some() || self.ppid.is_some()
    }
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty() && *s != "-")
}

/// A pid as a number, also from strings and Windows hex (`0x1f4`, as 4688 writes it).
pub fn number(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let s = s.trim();
            match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => s.parse().ok(),
            }
        }
        Value::Array(items) => items.first().and_then(|i| number(Some(i))),
        _ => None,
    }
}

/// Every process with its parent (index into `procs`) and children, in start order.
pub struct Links {
    pub parent: Vec<Option<usize>>,
    pub children: Vec<Vec<usize>>,
}

impl Links {
    pub fn new(procs: &[Proc<'_>]) -> Links {
        let mut by_entity: HashMap<&str, usize> = HashMap::with_capacity(procs.len());
        let mut by_pid: HashMap<(&str, u64), Vec<(i64, usize)>> = HashMap::new();
        for (i, p) in procs.iter().enumerate() {
            if let Some(e) = p.entity {
                by_entity.entry(e).or_insert(i);
            }
            if let Some(pid) = p.pid {
                by_pid
                    .entry((p.host.unwrap_or(""), pid))
                    .or_default()
                    .push((p.start_ms, i));
            }
        }
        for starts in by_pid.values_mut() {
            starts.sort_unstable();
        }
        let parent: Vec<Option<usize>> = procs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if let Some(pe) = p.parent_entity {
                    return by_entity.get(pe).copied().filter(|&j| j != i);
                }
                let starts = by_pid.get(&(p.host.unwrap_or(""), p.ppid?))?;
                // Latest start at or before the child's; skip the child itself.
                let upto = starts.partition_point(|&(t, _)| t <= p.start_ms);
                starts[..upto]
                    .iter()
                    .rev()
                    .map(|&(_, j)| j)
                    .find(|&j| j != i)
            })
            .collect();
        let mut children = vec![Vec::new(); procs.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(i);
            }
        }
        for c in &mut children {
            c.sort_by(|&a, &b| {
                (procs[a].start_ms, &procs[a].event.id)
                    .cmp(&(procs[b].start_ms, &procs[b].event.id))
            });
        }
        Links { parent, children }
    }
}
