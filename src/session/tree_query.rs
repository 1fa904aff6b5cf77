//! The process starts one alert's tree needs, fetched by entity id instead of reading
//! every process start of the host in the tree's time window: the focus process, its
//! ancestors one by one, its parent's children (the siblings) and its descendants level
//! by level. A few small index queries instead of thousands of documents.
//!
//! Ancestors are read through [`StartLookup`] (a term look-up each), so even a chain
//! thousands deep is walked without reading the window; the interface may stop after the
//! nearest few hundred and say so ([`RelatedStarts::stopped_at`]).
//!
//! Gives up (`None`, the caller reads the whole window) when the focus has no entity id
//! (Security 4688: processes are linked by pid and time, which needs every start) or when
//! a bound is hit (a process with very many children). `base` and `(from_ms, to_ms)` are
//! the window's query and bounds.

use crate::index::reader::EventSearcher;
use crate::model::Event;
use crate::session::casework::{iso, quote};
use crate::session::start_lookup::StartLookup;
use std::collections::HashSet;

/// Starts of one process beyond which the window is read instead (as for any query here).
const MAX_STARTS: usize = 50;
/// Children fetched by one level query; a full answer means there may be more.
const MAX_LEVEL_HITS: usize = 500;
/// Entity ids in one level query.
const MAX_LEVEL_IDS: usize = 100;
/// Descendant starts in total before falling back.
const MAX_DESCENDANTS: usize = 2_000;
/// Siblings the tree shows (`TreeOptions::max_siblings`), plus the focus and one spare.
const SIBLINGS_WANTED: usize = 52;

fn entity<'a>(e: &'a Event, field: &str) -> Option<&'a str> {
    e.str_field(field)
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-")
}

struct Fetch<'s> {
    searcher: &'s EventSearcher,
    base: &'s str,
    seen: HashSet<String>,
    events: Vec<Event>,
}

impl Fetch<'_> {
    /// Starts matching `clause`; `None` when the answer may have been cut at `limit`.
    fn query(&mut self, clause: &str, limit: usize) -> Option<Result<Vec<Event>, String>> {
        let hits = match self
            .searcher
            .search(&format!("{} AND {clause}", self.base), limit)
        {
            Ok(h) => h,
            Err(e) => return Some(Err(e.to_string())),
        };
        if hits.len() >= limit {
            return None;
        }
        Some(Ok(self.keep_new(hits)))
    }

    /// The starts of `found` not fetched before, in the order given; remembers them.
    fn keep_new(&mut self, found: Vec<Event>) -> Vec<Event> {
        let mut new = Vec::new();
        for e in found {
            if self.seen.insert(e.id.clone()) {
                new.push(e.clone());
                self.events.push(e);
            }
        }
        new
    }

    /// Every start whose parent is one of `parents`, one query per `MAX_LEVEL_IDS` ids.
    fn children(&mut self, parents: &[String]) -> Option<Result<Vec<Event>, String>> {
        let mut out = Vec::new();
        for chunk in parents.chunks(MAX_LEVEL_IDS) {
            let ors: Vec<String> = chunk
                .iter()
                .map(|p| format!("process.parent.entity_id:{}", quote(p)))
                .collect();
            match self.query(&format!("({})", ors.join(" OR ")), MAX_LEVEL_HITS)? {
                Ok(mut found) => out.append(&mut found),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(out))
    }

    /// The oldest children of `parent` (started at `parent_ms`) up to `to_ms`: windows
    /// growing from a minute before the parent's start until one holds `SIBLINGS_WANTED`
    /// of them (the tree shows the oldest children and siblings), so a parent with
    /// thousands of children costs a few small queries. `None` when some child claims to
    /// start earlier than that, or a window holds too many.
    fn oldest_children(
        &mut self,
        parent: &str,
        (from_ms, parent_ms, to_ms): (i64, i64, i64),
    ) -> Option<Result<Vec<Event>, String>> {
        let of_parent = format!("process.parent.entity_id:{}", quote(parent));
        let start = parent_ms.saturating_sub(60_000).max(from_ms);
        if start > from_ms {
            let early = format!(
                "{} AND {of_parent} AND @timestamp:[{} TO {}]",
                self.base,
                iso(from_ms),
                iso(start - 1)
            );
            match self.searcher.count(&early) {
                Ok(0) => {}
                Ok(_) => return None,
                Err(e) => return Some(Err(e.to_string())),
            }
        }
        let mut width: i64 = 1_000;
        loop {
            let end = start.saturating_add(width).min(to_ms);
            let clause = format!(
                "{of_parent} AND @timestamp:[{} TO {}]",
                iso(start),
                iso(end)
            );
            let hits = match self
                .searcher
                .search(&format!("{} AND {clause}", self.base), MAX_LEVEL_HITS)
            {
                Ok(h) => h,
                Err(e) => return Some(Err(e.to_string())),
            };
            if hits.len() >= MAX_LEVEL_HITS {
                return None;
            }
            if hits.len() >= SIBLINGS_WANTED || end >= to_ms {
                // All of them, even ones an earlier query loaded: they are expanded next.
                for e in &hits {
                    if self.seen.insert(e.id.clone()) {
                        self.events.push(e.clone());
                    }
                }
                return Some(Ok(hits));
            }
            width = width.saturating_mul(4);
        }
    }
}

/// The process starts a tree is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedStarts {
    /// Oldest first.
    pub events: Vec<Event>,
    /// When the ancestor walk stopped at its limit: the entity id of the next ancestor,
    /// whose start is in the window but was not read (nor anything above it).
    pub stopped_at: Option<String>,
}

/// The process starts the tree of `focus` is built from, oldest first, or `None` when
/// the whole window must be read instead. `base` selects the host's process starts in
/// the tree's time window. Every ancestor is read.
pub fn related_starts(
    searcher: &EventSearcher,
    focus: &Event,
    base: &str,
    bounds: (i64, i64),
) -> Option<Result<Vec<Event>, String>> {
    related_starts_up_to(searcher, focus, base, bounds, None).map(|r| r.map(|r| r.events))
}

/// [`related_starts`] reading at most `max_ancestors` ancestors (all when `None`).
pub fn related_starts_up_to(
    searcher: &EventSearcher,
    focus: &Event,
    base: &str,
    (from_ms, to_ms): (i64, i64),
    max_ancestors: Option<usize>,
) -> Option<Result<RelatedStarts, String>> {
    let own = entity(focus, "process.entity_id")?.to_string();
    let mut lookup = match StartLookup::new(searcher, base) {
        Ok(l) => l,
        Err(e) => return Some(Err(e)),
    };
    let mut f = Fetch {
        searcher,
        base,
        seen: HashSet::new(),
        events: Vec::new(),
    };
    let mut starts = match f.query(&format!("process.entity_id:{}", quote(&own)), 50)? {
        Ok(s) => s,
        Err(e) => return Some(Err(e)),
    };
    let starts_len = f.events.len();
    // The tree links a process to the oldest start of its parent's entity id.
    starts.sort_by(|a, b| (a.timestamp_ms, &a.id).cmp(&(b.timestamp_ms, &b.id)));
    let focus_start = starts
        .iter()
        .find(|e| e.id == focus.id)
        .or(starts.first())
        .unwrap_or(focus);
    let parent = entity(focus_start, "process.parent.entity_id").map(str::to_string);
    let mut up = parent.clone();
    let mut chain = HashSet::from([own.clone()]);
    let mut steps = 0;
    let mut stopped_at = None;
    while let Some(p) = up.take() {
        if !chain.insert(p.clone()) {
            break;
        }
        if max_ancestors.is_some_and(|max| steps >= max) {
            // Cut only when there is more to read: a parent without a start in the
            // window is shown from its child's fields, as in the full tree.
            match lookup.has_start(&p) {
                Ok(true) => stopped_at = Some(p),
                Ok(false) => {}
                Err(e) => return Some(Err(e)),
            }
            break;
        }
        steps += 1;
        // Oldest first; only starts not seen before count, as for every query here.
        let hits = match lookup.starts(&p, MAX_STARTS)? {
            Ok(h) => f.keep_new(h),
            Err(e) => return Some(Err(e)),
        };
        up = hits
            .first()
            .and_then(|e| entity(e, "process.parent.entity_id"))
            .map(str::to_string);
    }
    // Siblings, shown only when the parent's own start is in the data.
    let parent_ms = f.events.get(starts_len).map(|e| e.timestamp_ms);
    if let (Some(p), Some(at), true) = (parent, parent_ms, steps > 0)
        && let Err(e) = f.oldest_children(&p, (from_ms, at, to_ms))?
    {
        return Some(Err(e));
    }
    // Descendants, level by level; `started` holds each expanded process's start.
    let mut started = std::collections::HashMap::new();
    started.insert(own.clone(), focus_start.timestamp_ms);
    let mut level = vec![own];
    let mut expanded: HashSet<String> = HashSet::new();
    let mut descendants = 0;
    while !level.is_empty() {
        level.retain(|e| expanded.insert(e.clone()));
        let found = match f.children(&level) {
            Some(Ok(found)) => found,
            Some(Err(e)) => return Some(Err(e)),
            // Too many children on this level: each parent's oldest ones instead.
            None => {
                let mut found = Vec::new();
                for p in &level {
                    let at = *started.get(p)?;
                    match f.oldest_children(p, (from_ms, at, to_ms))? {
                        Ok(mut some) => found.append(&mut some),
                        Err(e) => return Some(Err(e)),
                    }
                }
                found
            }
        };
        for e in &found {
            if let Some(id) = entity(e, "process.entity_id") {
                started.entry(id.to_string()).or_insert(e.timestamp_ms);
            }
        }
        descendants += found.len();
        if descendants > MAX_DESCENDANTS {
            return None;
        }
        level = found
            .iter()
            .filter_map(|e| entity(e, "process.entity_id").map(str::to_string))
            .collect();
    }
    let mut events = f.events;
    events.sort_by(|a, b| (a.timestamp_ms, &a.id).cmp(&(b.timestamp_ms, &b.id)));
    Some(Ok(RelatedStarts { events, stopped_at }))
}
