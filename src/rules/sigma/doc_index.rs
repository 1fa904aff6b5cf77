//! Dotted-path lookups over one document, answered from a one-pass index of its objects.
//!
//! Thousands of rules read dozens of paths per event, most of them absent (EventData
//! names on ECS documents and the reverse); each plain lookup hashes several keys at
//! every level. The first few lookups of an event go straight to [`fields::get`]; past
//! that, one walk indexes every object member by the FNV hash of its dotted path, and
//! each lookup is a hash and a probe. Answers are exactly those of [`fields::get`].

use crate::model::fields;
use serde_json::Value;
use std::cell::RefCell;

/// Plain lookups before the index is built (a single rule reads only a handful).
const DIRECT_LOOKUPS: u32 = 6;
/// Documents with more members than this are not indexed (plain lookups instead).
const MAX_ENTRIES: usize = 8192;
/// Nesting deeper than this is not indexed (plain lookups instead).
const MAX_DEPTH: usize = 48;
/// Longest probe sequence; a member that does not fit disables the index for the event.
const PROBES: usize = 32;
const NO_PARENT: u32 = u32::MAX;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

fn fnv_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    h
}

/// FNV-1a of a dotted path, as the index computes it member by member.
pub fn path_hash(path: &str) -> u64 {
    fnv_extend(FNV_OFFSET, path.as_bytes())
}

/// One object member: its key, its value and the member holding it.
#[derive(Clone, Copy)]
struct Entry<'d> {
    hash: u64,
    parent: u32,
    key: &'d str,
    value: &'d Value,
    /// Another route spells the same dotted path: only [`fields::get`] knows which wins.
    ambiguous: bool,
}

/// Allocations kept between events.
#[derive(Default)]
pub struct IndexBuffers {
    entries: Vec<Entry<'static>>,
    slots: Vec<u32>,
}

/// Gives a cleared vector's allocation a new element lifetime (the in-place collect
/// keeps the buffer, since no element is produced; `filter` could not change the type).
#[allow(clippy::unnecessary_filter_map)]
fn recycle<'b>(mut v: Vec<Entry<'_>>) -> Vec<Entry<'b>> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

enum State {
    /// Plain lookups so far (count).
    Direct(u32),
    Built,
    /// Indexing was refused (too large, too deep, too many collisions).
    Unindexed,
}

struct Inner<'d> {
    state: State,
    entries: Vec<Entry<'d>>,
    slots: Vec<u32>,
}

/// Lookups of one document.
pub struct DocIndex<'d> {
    doc: &'d Value,
    inner: RefCell<Inner<'d>>,
}

impl<'d> DocIndex<'d> {
    /// An index over `doc`; `eager` skips the plain lookups and indexes on first use
    /// (for events many rules will read).
    pub fn new(doc: &'d Value, buffers: IndexBuffers, eager: bool) -> Self {
        let direct = if eager { DIRECT_LOOKUPS } else { 0 };
        Self {
            doc,
            inner: RefCell::new(Inner {
                state: State::Direct(direct),
                entries: recycle(buffers.entries),
                slots: buffers.slots,
            }),
        }
    }

    /// Hands the allocations back for the next event.
    pub fn into_buffers(self) -> IndexBuffers {
        let inner = self.inner.into_inner();
        IndexBuffers {
            entries: recycle(inner.entries),
            slots: inner.slots,
        }
    }

    /// The value at `path`, exactly as [`fields::get`] finds it.
    pub fn get(&self, path: &str) -> Option<&'d Value> {
        self.get_hashed(path, None)
    }

    /// [`DocIndex::get`] given [`path_hash`] of `path` when precomputed.
    pub fn get_hashed(&self, path: &str, hash: Option<u64>) -> Option<&'d Value> {
        let Ok(mut inner) = self.inner.try_borrow_mut() else {
            return fields::get(self.doc, path);
        };
        if let State::Direct(n) = inner.state {
            if n < DIRECT_LOOKUPS {
                inner.state = State::Direct(n + 1);
                return fields::get(self.doc, path);
            }
            inner.build(self.doc);
        }
        match inner.state {
            State::Built => match inner.find(path, hash.unwrap_or_else(|| path_hash(path))) {
                Found::Value(v) => Some(v),
                Found::Absent => None,
                Found::Ambiguous => fields::get(self.doc, path),
            },
            _ => fields::get(self.doc, path),
        }
    }
}

enum Found<'d> {
    Value(&'d Value),
    Absent,
    Ambiguous,
}

impl<'d> Inner<'d> {
    fn build(&mut self, doc: &'d Value) {
        self.entries.clear();
        self.state = State::Unindexed;
        let Value::Object(top) = doc else {
            // `fields::get` finds nothing in a non-object: an empty index says the same.
            self.slots.clear();
            self.slots.resize(1, 0);
            self.state = State::Built;
            return;
        };
        if !self.collect(top, NO_PARENT, FNV_OFFSET, 0) {
            return;
        }
        let size = (self.entries.len() * 2).next_power_of_two().max(64);
        self.slots.clear();
        self.slots.resize(size, 0);
        for i in 0..self.entries.len() {
            if !self.insert(i) {
                return;
            }
        }
        self.state = State::Built;
    }

    /// Appends every member under `map`; false when a limit is hit.
    fn collect(
        &mut self,
        map: &'d serde_json::Map<String, Value>,
        parent: u32,
        base: u64,
        depth: usize,
    ) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        for (key, value) in map {
            if self.entries.len() >= MAX_ENTRIES {
                return false;
            }
            let hash = fnv_extend(base, key.as_bytes());
            let at = u32::try_from(self.entries.len()).unwrap_or(NO_PARENT);
            self.entries.push(Entry {
                hash,
                parent,
                key,
                value,
                ambiguous: false,
            });
            if let Value::Object(child) = value
                && !self.collect(child, at, fnv_extend(hash, b"."), depth + 1)
            {
                return false;
            }
        }
        true
    }

    fn insert(&mut self, i: usize) -> bool {
        let mask = self.slots.len() - 1;
        let hash = self.entries[i].hash;
        let mut at = (hash as usize) & mask;
        for _ in 0..PROBES {
            let slot = self.slots[at];
            if slot == 0 {
                self.slots[at] = u32::try_from(i + 1).unwrap_or(0);
                return true;
            }
            let other = slot as usize - 1;
            if self.entries[other].hash == hash && self.same_route(other, i) {
                self.entries[other].ambiguous = true;
                return true;
            }
            at = (at + 1) & mask;
        }
        false
    }

    fn find(&self, path: &str, hash: u64) -> Found<'d> {
        let mask = self.slots.len() - 1;
        let mut at = (hash as usize) & mask;
        for _ in 0..PROBES {
            let slot = self.slots[at];
            if slot == 0 {
                return Found::Absent;
            }
            let e = &self.entries[slot as usize - 1];
            if e.hash == hash && self.spells(slot as usize - 1, path) {
                return if e.ambiguous {
                    Found::Ambiguous
                } else {
                    Found::Value(e.value)
                };
            }
            at = (at + 1) & mask;
        }
        Found::Absent
    }

    /// Whether entry `i`'s keys joined with dots are exactly `path`.
    fn spells(&self, mut i: usize, path: &str) -> bool {
        let mut rest = path;
        loop {
            let e = &self.entries[i];
            let Some(head) = rest.strip_suffix(e.key) else {
                return false;
            };
            if e.parent == NO_PARENT {
                return head.is_empty();
            }
            let Some(head) = head.strip_suffix('.') else {
                return false;
            };
            rest = head;
            i = e.parent as usize;
        }
    }

    /// Whether two entries spell the same dotted path (compared byte by byte from the end).
    fn same_route(&self, a: usize, b: usize) -> bool {
        let mut x = self.route_bytes_rev(a);
        let mut y = self.route_bytes_rev(b);
        loop {
            match (x.next(), y.next()) {
                (None, None) => return true,
                (Some(p), Some(q)) if p == q => {}
                _ => return false,
            }
        }
    }

    fn route_bytes_rev(&self, start: usize) -> impl Iterator<Item = u8> + '_ {
        let mut chain = Vec::new();
        let mut i = start;
        loop {
            chain.push(i);
            match self.entries[i].parent {
                NO_PARENT => break,
                p => i = p as usize,
            }
        }
        let last = chain.len() - 1;
        chain.into_iter().enumerate().flat_map(move |(n, i)| {
            let key = self.entries[i].key.bytes().rev();
            let dot = (n < last).then_some(b'.');
            key.chain(dot)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(doc: &Value, paths: &[String]) {
        let eager = DocIndex::new(doc, IndexBuffers::default(), true);
        for p in paths {
            assert_eq!(eager.get(p), fields::get(doc, p), "{p} in {doc} (eager)");
            let hashed = eager.get_hashed(p, Some(path_hash(p)));
            assert_eq!(hashed, fields::get(doc, p), "{p} in {doc} (hashed)");
        }
        let index = DocIndex::new(doc, IndexBuffers::default(), false);
        // Twice: the first lookups go direct, the rest through the index.
        for _ in 0..2 {
            for p in paths {
                assert_eq!(index.get(p), fields::get(doc, p), "{p} in {doc}");
            }
        }
        let built = matches!(index.inner.borrow().state, State::Built);
        let members = index.inner.borrow().entries.len();
        let buffers = index.into_buffers();
        if built {
            // The allocation survives for the next event.
            assert!(buffers.entries.capacity() >= members);
        }
        let again = DocIndex::new(doc, buffers, false);
        for p in paths.iter().rev() {
            assert_eq!(again.get(p), fields::get(doc, p), "{p} (reused buffers)");
        }
    }

    #[test]
    fn answers_like_the_plain_lookup() {
        let docs = [
            json!({
                "process": {"name": "net.exe", "args": ["net", "user"], "parent": {"name": "cmd.exe"}},
                "winlog.event_data": {"CommandLine": "net user x /add"},
                "winlog": {"event_data": {"CommandLine": "shadowed", "Image": "nested"}, "channel": "Security"},
                "a.b": {"c": 1},
                "a": {"b.c": 2, "b": {"c": 3, "d": null}},
                "x": {"": {"y": "empty key"}},
                "list": [{"inside": "arrays are not descended"}],
                "dots.": {".": "odd"},
            }),
            json!({"event": {"code": "4688", "category": ["process"]}, "event.code": "top wins"}),
            json!({"only": {"deep": {"er": {"est": "v"}}}}),
            json!("not an object"),
            json!({}),
        ];
        let mut paths: Vec<String> = [
            "process.name",
            "process.args",
            "process.parent.name",
            "process.parent",
            "process.missing",
            "winlog.event_data.CommandLine",
            "winlog.event_data.Image",
            "winlog.event_data",
            "winlog.channel",
            "a.b.c",
            "a.b.d",
            "a.b",
            "a",
            "x..y",
            "x.",
            "list.inside",
            "dots...",
            "dots.",
            "event.code",
            "event.category",
            "only.deep.er.est",
            "only.deep.er",
            "",
            ".",
            "nothing",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        paths.extend((0..40).map(|i| format!("process.f{i}")));
        for doc in &docs {
            check(doc, &paths);
        }
    }

    #[test]
    fn wide_and_deep_documents_fall_back_to_plain_lookups() {
        let mut wide = serde_json::Map::new();
        for i in 0..(MAX_ENTRIES + 5) {
            wide.insert(format!("k{i}"), json!(i));
        }
        let wide = Value::Object(wide);
        let mut deep = json!("leaf");
        for _ in 0..(MAX_DEPTH + 5) {
            deep = json!({ "d": deep });
        }
        let deep_path = vec!["d"; MAX_DEPTH + 5].join(".");
        let paths: Vec<String> = vec![
            "k0".into(),
            "k8000".into(),
            "k99999".into(),
            deep_path,
            "d.d".into(),
        ];
        for doc in [&wide, &deep] {
            let mut all = paths.clone();
            all.extend((0..10).map(|i| format!("pad{i}")));
            check(doc, &all);
        }
    }
}
